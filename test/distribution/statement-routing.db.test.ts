import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_TABLES } from '../../src/db/distribution.ts';
import { statementsOf, TOGETHER_MARKER, TOGETHER_SEPARATOR } from '../../src/db/together.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import {
  caller,
  completeClass,
  type Headers,
  publishHengyangCatalog,
  trainee,
  uploadRequiredMaterials,
} from '../scenarios/claim-support.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const PAYEE_ACCOUNT = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' };

/**
 * The tables of the schema, from the migrations' `create table`: a name after from/join/into/update
 * counts as a table only when it is one (not a CTE, a function such as `unnest`, or the `from` of
 * `extract(epoch from …)` and `is distinct from`).
 */
const MIGRATIONS = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));
const SCHEMA_TABLES = new Set(
  readdirSync(MIGRATIONS)
    .filter((file) => file.endsWith('.sql'))
    .flatMap((file) => [
      ...readFileSync(`${MIGRATIONS}${file}`, 'utf8').matchAll(
        /\bcreate\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?"?([a-z_][a-z_0-9]*)"?/gi,
      ),
    ])
    .map((match) => match[1]!.toLowerCase()),
);

/**
 * The tables a statement reads or writes: identifiers after from/join/into/update, quoted (as
 * Kysely writes them) or not (raw SQL), that name a table of the schema.
 */
function tablesOf(sqlText: string): string[] {
  const tables = new Set<string>();
  for (const match of sqlText.matchAll(
    /\b(?:from|join|into|update)\s+(?:only\s+)?"?([a-z_][a-z_0-9]*)"?/gi,
  )) {
    const name = match[1]!.toLowerCase();
    if (SCHEMA_TABLES.has(name)) tables.add(name);
  }
  return [...tables];
}

/**
 * `province_code` compared with a value (a literal or a parameter), quoted or not, qualified or not:
 * `"c"."province_code" = $1`, `c.province_code = '430000'`, `province_code in ('430000')`. A join
 * of two tables' province_code (`c.province_code = l.province_code`) does not count: it keeps the
 * join on one node but names no shard.
 */
const PROVINCE_FILTER =
  /(?:"province_code"|\bprovince_code\b)\s*(?:=\s*(?:'[^']*'|\$\d+)|in\s*\(\s*(?:'[^']*'|\$\d+))/i;

/**
 * Whether a statement routes to one shard when tables are distributed by province_code: an
 * insert of values names the column; every other statement on a distributed table (an
 * `insert … select` too) compares it with a value.
 */
function routesToOneShard(sqlText: string): boolean {
  const distributed = tablesOf(sqlText).filter((table) => !REFERENCE_TABLES.includes(table));
  if (distributed.length === 0) return true;
  if (/^\s*insert\b/i.test(sqlText) && !/\bselect\b/i.test(sqlText))
    return /"province_code"|\bprovince_code\b/.test(sqlText);
  return PROVINCE_FILTER.test(sqlText);
}

/** `table:verb` of a statement, e.g. `claim:update`. */
function shapeOf(sqlText: string): string[] {
  const verb = /^\s*(select|insert|update|delete)/i.exec(sqlText)?.[1]?.toLowerCase() ?? 'other';
  return tablesOf(sqlText)
    .filter((table) => !REFERENCE_TABLES.includes(table))
    .map((table) => `${table}:${verb}`);
}

/**
 * Statements of the claim-submission path that still find their rows by id alone (measured
 * 2026-12-06: 40 of 92 statements; after the claim path's reads of the class's rows filter on the
 * class's province and creation lost its read-back, 26 of 82). On Citus each would be sent to
 * every shard. The list only shrinks: a new statement without province_code fails this test;
 * fixing one means deleting its line here (issue 22). Since 2026-12-06 the check reads raw SQL
 * too (unquoted tables, aliases) and wants province_code compared with a value, not only joined:
 * it then found the published parameters' read (now by the claim's province), the class's catalog
 * entry (by the region's province) and the risk screening's statements (its scope now names the
 * claim's province) — fixed, not listed. `risk_alert:select` stays listed for a reason of its own:
 * a claim's alerts include those naming its class as the related one, which may lie in another
 * province (a trainee in two provinces' classes), so the read cannot name one.
 */
const KNOWN_UNROUTED = new Set([
  'training_class:select',
  'person:select',
  'person_group:select',
  'organisation:select',
  'employment_record:select',
  'claim:select',
  'claim:update',
  'claim_line:select',
  'claim_line:update',
  'claim_transition:select',
  'claim_attachment:select',
  'subsidy_usage:delete',
  'risk_alert:select',
]);

/**
 * Statements (as Kysely sends them: the session lookup included, BEGIN and COMMIT not) of this
 * test's two-trainee claim: its creation, and creation and submission together. Measured
 * 2026-12-06: 24 and 82 (before issue 22's work on the interactive path: 34 and 92), then one more
 * each when the payee account's ciphertext was bound to the claim's id (an update after the insert),
 * then one more at submission when the materials checklist moved into the packs (it reads the
 * published parameter versions in the submission's transaction, which the per-database cache of
 * recentPublishedOverrides does not serve). Then 84 -> 73 at submission (issue 22): the published set is
 * read once per transaction (the checklist and the decisions share it), the checklist takes the
 * claim and applicant submission has locked and read, the lines' decisions and the claim's totals
 * are one statement, a training line reserves no certificate key beside its occupation and level,
 * and the two audit entries are appended together (withDeferredAudit); then 73 -> 57: the risk rules
 * screen the claim in one upsert instead of one per rule, and the screening reads neither the claim's
 * risk nor its class again. Creation 25 -> 24: the payee account's ciphertext is written with the
 * claim's number instead of by an update of its own.
 *
 * Since statements can be sent together in one round trip (src/db/together.ts), `create` and
 * `createAndSubmit` count round trips (what Kysely sends: a list sent together is one) and
 * `statements` the SQL statements in them. Creation 24 -> 18 round trips: the class's lock, its
 * earlier claims, the published parameters and the histories are one; the claim, its lines, the
 * number's and the chain's locks and the last number and hash are one; an audit entry's chain lock
 * and head are one. Then the class's reads in three round trips (the row; sessions, roster,
 * attendance, results, certificates, runner and catalog entry; trainees, groups, employment and
 * employers): creation 18 -> 10 round trips, 57 SQL statements in all (the employers'
 * organisations are one more). Submission 31 -> 22: after the claim's lock, the applicant, the
 * published set, the files, the lines and the release of earlier reservations are one round trip;
 * the transition's update and insert with the claim's detail read back are one (4 + 2 -> 1).
 * Submission 22 -> 19, SQL statements 57 -> 56: the lines' reservations are one insert (with the
 * savepoint it may roll back to, src/claims/claim.usage.ts) instead of one per entitlement (four
 * here), and the savepoint's release rides with the lines' decisions. Then 19 -> 12, statements
 * 56 -> 54: the risk screening starts from the claim submission locked (no read of it), and sends
 * two round trips instead of eight: the lines' decisions with the stale phone fingerprints of the
 * class's trainees and their phones; then the fingerprints, every rule's alerts, the claim's risk
 * and its alerts.
 */
const STATEMENT_CEILING = { create: 10, createAndSubmit: 22, statements: 54 };

describe('statements of the claim-submission path and their distribution key', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  const statements: string[] = [];
  let recording = false;
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let school: Headers;
  let classId: number;

  beforeAll(async () => {
    harness = await createTestApp({
      clock,
      onQuery: (sqlText) => {
        if (recording) statements.push(sqlText);
      },
    });
    call = caller(harness);
    const county = await harness.loginAs('hy_county');
    const city = await harness.loginAs('hy_city');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, city);
    classId = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-10',
      trainees: [trainee('一号学员', '711'), trainee('二号学员', '723')],
      tag: 'ROUTE',
    });
    clock.set('2021-05-17T01:00:00Z');
  });
  afterAll(async () => harness.close());

  it('a claim submission sends no statement without province_code beyond the listed debts', async () => {
    recording = true;
    const created = await call('POST', '/api/claims', school, {
      applicationDate: clock.today(),
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    recording = false;
    const createdCount = statements.length;
    expect(created.statusCode, created.body).toBe(201);
    await uploadRequiredMaterials(harness, created.json().id, school);
    recording = true;
    const submitted = await call('POST', `/api/claims/${created.json().id}/submit`, school);
    recording = false;
    expect(submitted.statusCode, submitted.body).toBe(200);

    expect(statements.length).toBeGreaterThan(20);
    // Round trips are the cost of a submission (docs/performance.md, "api"): the counts only go down.
    expect(createdCount, 'statements of the creation').toBeLessThanOrEqual(STATEMENT_CEILING.create);
    expect(statements.length, 'statements of creation and submission').toBeLessThanOrEqual(
      STATEMENT_CEILING.createAndSubmit,
    );
    // Statements sent together in one round trip (src/db/together.ts) are checked one by one.
    const each = statements.flatMap(statementsOf);
    expect(each.length, 'SQL statements of creation and submission').toBeLessThanOrEqual(
      STATEMENT_CEILING.statements,
    );
    const offenders = each.filter((text) => !routesToOneShard(text));
    // Every insert names the distribution key already.
    expect(offenders.filter((text) => /^\s*insert\b/i.test(text))).toEqual([]);
    const unknown = offenders.filter((text) => shapeOf(text).some((shape) => !KNOWN_UNROUTED.has(shape)));
    expect(unknown, 'statements without province_code that are not listed as known debts').toEqual([]);
  });
});

describe('the routing check itself', () => {
  it('tells a statement filtered by province_code from one found by id alone', () => {
    expect(routesToOneShard('select * from "claim" where "id" = $1 and "province_code" = $2')).toBe(true);
    expect(routesToOneShard('select * from "claim" where "id" = $1')).toBe(false);
    expect(routesToOneShard('insert into "claim" ("province_code", "id") values ($1, $2)')).toBe(true);
    expect(routesToOneShard('insert into "claim" ("id") values ($1)')).toBe(false);
    expect(routesToOneShard('select * from "app_user" where "id" = $1')).toBe(true);
    expect(routesToOneShard('select 1')).toBe(true);
  });

  it('reads raw SQL: unquoted tables, aliases, joins on province_code that name no province', () => {
    expect(routesToOneShard('select id from policy_parameter_version v where pack_id = $1')).toBe(false);
    expect(
      routesToOneShard("select id from policy_parameter_version v where v.province_code = '430000'"),
    ).toBe(true);
    // Two tables joined on their province_code, neither compared with a value.
    const joined = `select e.person_id from enrolment e
      join training_class c on c.id = e.class_id and c.province_code = e.province_code where c.id in ($1)`;
    expect(routesToOneShard(joined)).toBe(false);
    expect(tablesOf(joined)).toEqual(['enrolment', 'training_class']);
    expect(routesToOneShard(`${joined} and c.province_code in ($2)`)).toBe(true);
    // An insert that selects its rows must filter them.
    expect(
      routesToOneShard(
        'insert into person_phone_fingerprint (province_code, person_id) select p.province_code, p.id from person p',
      ),
    ).toBe(false);
    // Neither a CTE nor `extract(… from …)` nor `is distinct from` is a table.
    expect(
      tablesOf(
        'with legs as (select 1) select extract(epoch from at) from legs where a is distinct from excluded.b',
      ),
    ).toEqual([]);
    expect(routesToOneShard('update claim set risk_score = 0 where claim.id in ($1)')).toBe(false);
  });

  it('looks at each statement of a list sent together', () => {
    const sentTogether = `${TOGETHER_MARKER}select * from "claim" where "province_code" = '43'${TOGETHER_SEPARATOR}select * from "claim_line" where "id" = '1'`;
    expect(statementsOf(sentTogether).map(routesToOneShard)).toEqual([true, false]);
    expect(statementsOf('select 1')).toEqual(['select 1']);
  });
});
