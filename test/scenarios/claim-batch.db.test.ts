import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditContext } from '../../src/auth/audit.service.ts';
import type { Role } from '../../src/auth/roles.ts';
import { benchAttendanceReader } from '../../src/bench/attendance.ts';
import { type BulkTarget, openPgliteWithHandle, pgliteTarget, postgresTarget } from '../../src/bench/bulk.ts';
import { generateProvinceYear } from '../../src/bench/generator.ts';
import {
  adjudicateClassBatch,
  adjudicateCompletedClasses,
  type BatchContexts,
} from '../../src/claims/claim.batch.ts';
import { createDecider } from '../../src/claims/claim.decide.ts';
import { withStoredForms } from '../../src/claims/claim.stored-form.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { distributionProblems } from '../../src/db/distribution.ts';
import { inLedgerTransaction } from '../../src/ledger/transfer.service.ts';
import { verifyLedger } from '../../src/ledger/verify.service.ts';
import { idNumberProblem } from '../../src/registry/identifiers.ts';
import { selectPersonById } from '../../src/registry/person.repository.ts';
import { selectAggregates, selectPersonTimes } from '../../src/reports/report.repository.ts';
import { rebuildReportFacts } from '../../src/reports/report-facts.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp } from '../support/app.ts';
import { createTestDatabase, isPostgresRun } from '../support/database.ts';
import {
  caller,
  completeClass,
  orderAndApprovePayment,
  publishHengyangCatalog,
  type Trainee,
  trainee,
  uploadRequiredMaterials,
} from './claim-support.ts';

const PAYEE_ACCOUNT = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' };

async function contextOf(database: DatabaseHandle, loginName: string): Promise<AuditContext> {
  const row = await database.db
    .selectFrom('app_user')
    .select(['id', 'login_name', 'role', 'region_code', 'organisation_id'])
    .where('login_name', '=', loginName)
    .executeTakeFirstOrThrow();
  return {
    actor: {
      userId: row.id,
      loginName: row.login_name,
      role: row.role as Role,
      regionCode: row.region_code,
      provinceCode: `${row.region_code.slice(0, 2)}0000`,
      organisationId: row.organisation_id,
      personId: null,
    },
    ip: null,
    requestId: 'claim-batch-test',
  };
}

/**
 * One Hengyang world: class 1 (three trainees) claimed, approved and paid interactively; then
 * class 2 — trainee 周敏 again in the same occupation and level (history: denied) and a new
 * trainee — completed and ready to be claimed. Both worlds are built by the same calls, so
 * their ids are equal and the two paths can be compared row by row.
 */
async function world() {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  const harness = await createTestApp({ clock });
  const call = caller(harness);
  const county = await harness.loginAs('hy_county');
  const city = await harness.loginAs('hy_city');
  const finance = await harness.loginAs('hy_finance');
  const school = await harness.loginAs('hy_school');
  await publishHengyangCatalog(harness, city);
  const first: Trainee[] = [trainee('周敏', '021'), trainee('吴刚', '033'), trainee('郑洁', '042')];
  const class1 = await completeClass(harness, {
    school,
    county,
    startDay: '2021-05-10',
    trainees: first,
    tag: 'B1',
  });
  clock.set('2021-05-24T01:00:00Z');
  const claim1 = (
    await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-24',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId: class1, subsidyKind: 'training' },
    })
  ).json();
  await uploadRequiredMaterials(harness, claim1.id, school);
  expect((await call('POST', `/api/claims/${claim1.id}/submit`, school)).statusCode).toBe(200);
  expect((await call('POST', `/api/claims/${claim1.id}/review`, county, {})).statusCode).toBe(200);
  expect((await call('POST', `/api/claims/${claim1.id}/start-notice`, county, {})).statusCode).toBe(200);
  clock.set('2021-05-31T01:00:00Z');
  expect((await call('POST', `/api/claims/${claim1.id}/approve`, city, {})).statusCode).toBe(200);
  await orderAndApprovePayment(harness, finance, await harness.loginAs('hy_finance_checker'), {
    claimIds: [claim1.id],
    valueDate: '2021-05-31',
    idempotencyId: 'pay-batch-test-1',
  });
  clock.set('2021-06-01T01:00:00Z');
  const second: Trainee[] = [first[0]!, trainee('钱多', '055'), trainee('孙撤', '067')];
  const class2 = await completeClass(harness, {
    school,
    county,
    startDay: '2021-06-07',
    trainees: second,
    tag: 'B2',
  });
  clock.set('2021-06-21T01:00:00Z');
  // The third trainee's certificate is revoked before the claim: neither path pays on it.
  const certificates = (await call('GET', `/api/certificates?classId=${class2}`, school)).json()
    .items as Array<{
    id: number;
    personId: number;
  }>;
  const revokedOne = certificates.find((certificate) => certificate.personId === second[2]!.personId)!;
  const revoked = await call('POST', `/api/certificates/${revokedOne.id}/revoke`, school, {
    reason: '考核作弊',
  });
  expect(revoked.statusCode, revoked.body).toBe(200);
  return { harness, call, county, city, finance, school, class2 };
}

type World = Awaited<ReturnType<typeof world>>;

/** A class's lines with their full stored request and decision (lean or full storage alike). */
async function linesOf(database: DatabaseHandle, classId: number) {
  const rows = await database.db
    .selectFrom('claim_line as l')
    .innerJoin('claim as c', 'c.id', 'l.claim_id')
    .select([
      'c.id as claimId',
      'c.total_amount_fen',
      'c.eligible_line_count',
      'c.line_count',
      'l.line_number',
      'l.person_id',
      'l.is_eligible',
      'l.amount_fen',
      'l.payee',
      'l.payee_organisation_id',
      'l.counts_toward_annual_limit',
      'l.request',
      'l.decision',
      'l.province_code',
      'l.request_shape',
      'l.decision_shape',
    ])
    .where('c.class_id', '=', classId)
    .orderBy('l.line_number')
    .execute();
  return (await withStoredForms(database.db, rows)).map(
    ({ province_code: _p, request_shape: _r, decision_shape: _d, ...line }) => line,
  );
}

/** Every line's full request and decision by class and line number: read in the application, and through the view. */
async function storedForms(database: DatabaseHandle) {
  const rows = await database.db
    .selectFrom('claim_line as l')
    .innerJoin('claim as c', (join) =>
      join.onRef('c.id', '=', 'l.claim_id').onRef('c.province_code', '=', 'l.province_code'),
    )
    .select([
      'c.class_id',
      'l.line_number',
      'l.province_code',
      'l.request',
      'l.decision',
      'l.request_shape',
      'l.decision_shape',
    ])
    .orderBy('c.class_id')
    .orderBy('l.line_number')
    .execute();
  const viewed = await sql<{ class_id: number; line_number: number; request: unknown; decision: unknown }>`
    select c.class_id, r.line_number, r.request, r.decision from claim_line_record r
    join claim c on c.id = r.claim_id and c.province_code = r.province_code
    order by c.class_id, r.line_number`.execute(database.db);
  return {
    shaped: rows.filter((row) => row.request_shape !== null && row.decision_shape !== null).length,
    application: (await withStoredForms(database.db, rows)).map((row) => ({
      class_id: row.class_id,
      line_number: row.line_number,
      request: row.request,
      decision: row.decision,
    })),
    view: viewed.rows,
  };
}

async function usageOf(database: DatabaseHandle, claimId: number) {
  return database.db
    .selectFrom('subsidy_usage')
    .select(['province_code', 'kind', 'usage_key'])
    .where('claim_id', '=', claimId)
    .orderBy('kind')
    .orderBy('usage_key')
    .execute();
}

describe('set-based batch adjudication decides exactly as the interactive path', () => {
  let interactive: World;
  let batch: World;

  beforeAll(async () => {
    interactive = await world();
    batch = await world();
  });
  afterAll(async () => {
    await interactive?.harness.close();
    await batch?.harness.close();
  });

  it('gives the same lines, amounts, stored requests and decisions, and reservations', async () => {
    const { call, school, class2 } = interactive;
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-06-21',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId: class2, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    await uploadRequiredMaterials(interactive.harness, created.json().id, school);
    const submitted = await call('POST', `/api/claims/${created.json().id}/submit`, school);
    expect(submitted.statusCode, submitted.body).toBe(200);

    const database = batch.harness.database;
    const contexts: BatchContexts = {
      reviewer: await contextOf(database, 'hy_county'),
      approver: await contextOf(database, 'hy_city'),
      finance: await contextOf(database, 'hy_finance'),
      financeChecker: await contextOf(database, 'hy_finance_checker'),
    };
    const decide = await createDecider(database.db);
    const result = await inLedgerTransaction(database.db, (trx) =>
      adjudicateClassBatch(trx, [batch.class2], {
        contexts,
        decide,
        applicationDateOf: () => '2021-06-21',
        payeeAccountOf: () => PAYEE_ACCOUNT,
        idempotencyPrefix: 'batch-test',
        copy: database.copyRows,
      }),
    );
    expect(result).toMatchObject({ classes: 1, claims: 1, lines: 3, eligibleLines: 1, raceDenials: 0 });

    const expected = await linesOf(interactive.harness.database, interactive.class2);
    const actual = await linesOf(database, batch.class2);
    expect(actual).toHaveLength(3);
    expect(actual).toEqual(expected);
    // The repeated trainee is denied by history read from the database; the new one is paid.
    expect(actual[0]!.is_eligible).toBe(false);
    expect(
      (actual[0]!.decision as { denials: { code: string }[] }).denials.map((denial) => denial.code),
    ).toContain('DUPLICATE_OCCUPATION_LEVEL');
    expect(actual[1]!.amount_fen).toBe(120_000);
    // The trainee whose certificate was revoked: no certificate in the request, nothing paid.
    expect(actual[2]).toMatchObject({ is_eligible: false, amount_fen: 0 });
    expect((actual[2]!.request as { certificate?: unknown }).certificate).toBeUndefined();
    expect(result.amountFen).toBe(120_000);
    expect(await usageOf(database, actual[0]!.claimId)).toEqual(
      await usageOf(interactive.harness.database, expected[0]!.claimId),
    );
  });

  it('takes the claim through the workflow and pays it through one ledger batch', async () => {
    const database = batch.harness.database;
    const claim = await database.db
      .selectFrom('claim')
      .selectAll()
      .where('class_id', '=', batch.class2)
      .executeTakeFirstOrThrow();
    expect(claim.status).toBe('payment_ordered');
    expect(claim.notice_ends_on! < claim.approved_at!.toISOString().slice(0, 10)).toBe(true);
    expect(claim.reviewed_by_user_id).not.toBe(claim.approved_by_user_id);
    const transitions = await database.db
      .selectFrom('claim_transition')
      .select(['action', 'from_status', 'to_status', 'business_date'])
      .where('claim_id', '=', claim.id)
      .orderBy('id')
      .execute();
    expect(transitions.map((row) => row.action)).toEqual([
      'submit',
      'review',
      'start_notice',
      'approve',
      'order_payment',
    ]);
    // Each step keeps its business date (the application's, the approval's), not the machine's.
    expect(transitions[0]!.business_date).toBe(claim.application_date);
    expect(transitions.every((row) => /^2021-\d\d-\d\d$/.test(String(row.business_date)))).toBe(true);
    const transfers = await database.db
      .selectFrom('ledger_transfer')
      .select(['amount_fen', 'code'])
      .where('claim_id', '=', claim.id)
      .execute();
    expect(transfers).toEqual([{ amount_fen: 120_000, code: 'disbursement' }]);
    const batchRow = await database.db
      .selectFrom('payment_batch')
      .select('id')
      .where('id', '=', claim.payment_batch_id!)
      .executeTakeFirst();
    expect(batchRow).toBeDefined();
    // The batch path orders payment the two-person way too: a payment order approved by another.
    const order = await database.db
      .selectFrom('ledger_approval')
      .select(['status', 'requested_by', 'decided_by', 'result'])
      .where('kind', '=', 'payment_order')
      .where('idempotency_id', 'like', 'payment_order:batch-test:%')
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({
      status: 'approved',
      requested_by: (await contextOf(database, 'hy_finance')).actor!.userId,
      decided_by: (await contextOf(database, 'hy_finance_checker')).actor!.userId,
    });
  });

  it('leaves both ledgers, interactive and batch, verifying (skillfund ledger verify)', async () => {
    for (const side of [interactive, batch]) {
      const verification = await verifyLedger(side.harness.database.db);
      expect(verification.isPassed, JSON.stringify(verification)).toBe(true);
    }
  });
});

describe('the province-year generator', () => {
  let database: DatabaseHandle;
  let target: BulkTarget;

  beforeAll(async () => {
    if (isPostgresRun()) {
      database = await createTestDatabase({ migrated: false });
      target = postgresTarget(database);
    } else {
      const opened = await openPgliteWithHandle();
      database = opened.database;
      target = pgliteTarget(opened.database, opened.pglite);
    }
  });
  afterAll(async () => database?.close());

  it('loads a deterministic, decryptable, distributable city-year that the batch path adjudicates', async () => {
    const summary = await generateProvinceYear(target, {
      region: '430400',
      people: 300,
      seed: 7,
      sampleEvery: 3,
    });
    expect(summary.personTimes).toBe(300);
    expect(summary.rows.enrolment).toBe(300);
    expect(summary.rows.attendance).toBeGreaterThan(0);
    const first = await database.db
      .selectFrom('person')
      .select('id')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const person = await selectPersonById(database.db, first.id);
    expect(idNumberProblem(person!.idNumber, new Date('2021-06-01'))).toBeNull();
    expect(person!.idNumber.slice(0, 4)).toBe('4304');
    expect(await distributionProblems(database.db)).toEqual([]);
    const classes = await sql<{ n: number }>`select count(*)::int as n from training_class`.execute(
      database.db,
    );
    const reviewer = await contextOf(database, 'bench_430400_reviewer');
    const result = await adjudicateCompletedClasses(database.db, {
      regionCodes: (
        await sql<{ code: string }>`select distinct region_code as code from training_class`.execute(
          database.db,
        )
      ).rows.map((row) => row.code),
      classesPerBatch: 4,
      workers: 1,
      endedBefore: '2022-01-01',
      contexts: {
        reviewer,
        approver: await contextOf(database, 'bench_430400_approver'),
        finance: await contextOf(database, 'bench_430400_finance'),
        financeChecker: await contextOf(database, 'bench_430400_financeChecker'),
      },
      decide: await createDecider(database.db),
      attendance: benchAttendanceReader,
      idempotencyPrefix: 'generator-test',
      copy: database.copyRows,
    });
    expect(result.claims).toBe(classes.rows[0]!.n);
    expect(result.lines).toBe(300);
    expect(result.eligibleLines).toBeGreaterThan(200);
    const paid = await sql<{ total: number }>`select coalesce(sum(amount_fen), 0)::bigint as total
      from ledger_transfer where code = 'disbursement'`.execute(database.db);
    expect(Number(paid.rows[0]!.total)).toBe(result.amountFen);
    // The batch path pays one item per payee and claim; the report counts each paid line of it.
    const paidLines = await sql<{ n: number }>`select count(*)::int as n from claim_line l
      join claim c on c.id = l.claim_id where c.status = 'payment_ordered' and l.is_eligible and l.amount_fen > 0
        and c.subsidy_kind = 'training'`.execute(database.db);
    expect(paidLines.rows[0]!.n).toBeGreaterThan(200);
    const year = { regionCode: '430400', from: '2021-01-01', to: '2021-12-31' };
    expect((await selectPersonTimes(database.db, year)).training).toBe(paidLines.rows[0]!.n);
    const total = (await selectAggregates(database.db, year)).find((row) => row.dimension === 'total');
    expect(total).toMatchObject({ paidFen: result.amountFen, lineCount: paidLines.rows[0]!.n });
    expect(
      await database.db.transaction().execute((trx) => rebuildReportFacts(trx, reviewer, '430000')),
    ).toMatchObject({ removed: 0, added: 0 });
    // Same seed, another database: the same people (ciphertexts differ: random IVs).
    const again = await openPgliteWithHandle();
    try {
      await generateProvinceYear(pgliteTarget(again.database, again.pglite), {
        region: '430400',
        people: 300,
        seed: 7,
        sampleEvery: 3,
      });
      const people = (handle: DatabaseHandle) =>
        handle.db
          .selectFrom('person')
          .select(['name', 'birth_date', 'id_number_hash', 'registering_region_code'])
          .orderBy('id')
          .execute();
      expect(await people(again.database)).toEqual(await people(database));
      // Lean storage reconstructs exactly what full storage keeps, line by line: the same
      // city-year adjudicated storing every request and decision in full (as before issue 22).
      await adjudicateCompletedClasses(again.database.db, {
        regionCodes: (
          await sql<{ code: string }>`select distinct region_code as code from training_class`.execute(
            again.database.db,
          )
        ).rows.map((row) => row.code),
        classesPerBatch: 4,
        workers: 1,
        endedBefore: '2022-01-01',
        contexts: {
          reviewer: await contextOf(again.database, 'bench_430400_reviewer'),
          approver: await contextOf(again.database, 'bench_430400_approver'),
          finance: await contextOf(again.database, 'bench_430400_finance'),
          financeChecker: await contextOf(again.database, 'bench_430400_financeChecker'),
        },
        decide: await createDecider(again.database.db),
        attendance: benchAttendanceReader,
        idempotencyPrefix: 'generator-test-full',
        storage: 'full',
      });
      const full = await storedForms(again.database);
      const lean = await storedForms(database);
      expect(full.shaped).toBe(0);
      expect(lean.shaped).toBe(300);
      expect(full.application).toHaveLength(300);
      expect(lean.application).toEqual(full.application);
      expect(lean.view).toEqual(full.application);
      expect(full.view).toEqual(full.application);
      const shapes = await sql<{ n: number }>`select count(*)::int as n from claim_line_shape`.execute(
        database.db,
      );
      expect(shapes.rows[0]!.n).toBeLessThan(300);
    } finally {
      await again.database.close();
    }
  });

  it('leaves a ledger whose every balance and invariant verifies (skillfund ledger verify)', async () => {
    const verification = await verifyLedger(database.db);
    expect(verification.isPassed, JSON.stringify(verification)).toBe(true);
    expect(verification.transfers).toBeGreaterThan(0);
  });
});
