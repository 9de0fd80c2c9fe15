/**
 * The supervision sweep (issue 9) over a province-year, one of two data sets:
 *
 * - by default, the data generator of src/bench/synthetic-province.ts writes BENCH_ENROLMENTS
 *   enrolments (default 100,000: 5,000 classes of 20, four sessions each → ~390,000 attendance
 *   rows, results, certificates, claims, 以工代训 claims with payroll, and the planted frauds).
 *   PGlite by default; BENCH_DATABASE=postgres uses a throwaway database next to DATABASE_URL.
 *   BENCH_TINY=1 runs 1,000 enrolments. Reports detection figures for the planted frauds.
 * - with BENCH_SOURCE_DATABASE (a database name on DATABASE_URL's server, or a full URL), an
 *   existing database the issue-11 generator filled and `npm run bench -- adjudicate` adjudicated
 *   (`BENCH_KEEP_DB=1` keeps it and prints its URL); the province is BENCH_REGION's (default
 *   320000). Pending migrations are applied first. Both sweeps and the screening run in one
 *   transaction that is rolled back at the end, so the database stays as adjudicated and a
 *   second run measures a first sweep again (BENCH_SWEEP_COMMIT=1 commits instead).
 *
 * The sweep runs every rule as one set-based statement. Reported: the first sweep (fresh phone
 * fingerprints, planner statistics), a second sweep (steady state), one claim's screening at
 * submission, and alerts by rule. The last line is the summary; a JSON line is appended to
 * bench/results/sweep.jsonl.
 */
import os from 'node:os';
import { sql } from 'kysely';
import { SYSTEM_CONTEXT } from '../src/auth/audit.service.ts';
import { generateSyntheticProvince, measureDetection } from '../src/bench/synthetic-province.ts';
import { type Executor, openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrator.ts';
import { runSweep, type SweepResult, screenClaim } from '../src/supervision/risk.service.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { appendResult, fmt, sourceDatabaseUrl } from './support.ts';

const SOURCE = process.env.BENCH_SOURCE_DATABASE;

const ENROLMENTS = Number(process.env.BENCH_ENROLMENTS ?? (process.env.BENCH_TINY === '1' ? 1_000 : 100_000));
const CLASS_SIZE = 20;
const usePostgres = process.env.BENCH_DATABASE === 'postgres';
if (usePostgres && !process.env.DATABASE_URL) throw new Error('BENCH_DATABASE=postgres needs DATABASE_URL');

const load = () => os.loadavg()[0]!.toFixed(1);

function printRules(sweep: SweepResult): void {
  for (const [rule, result] of Object.entries(sweep.byRule))
    console.log(
      `  ${rule.padEnd(30)} ${String(result.found).padStart(7)} alerts ${String(result.durationMs).padStart(8)} ms`,
    );
}

class Rollback extends Error {}

/** The sweep over a generated and adjudicated province-year (BENCH_SOURCE_DATABASE). */
async function overSource(source: string): Promise<void> {
  const url = sourceDatabaseUrl(source);
  const name = new URL(url).pathname.slice(1);
  const province = `${(process.env.BENCH_REGION ?? '320000').slice(0, 2)}0000`;
  const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  try {
    const migrated = await migrate(database);
    if (migrated.applied.length > 0) console.log(`applied migrations ${migrated.applied.join(', ')}`);
    // Earlier runs rolled their sweeps back; their dead rows would slow this one's index scans
    // where autovacuum is off (this machine). Not timed.
    for (const table of ['person_phone_fingerprint', 'risk_alert', 'risk_sweep_run', 'claim'])
      await sql`vacuum ${sql.table(table)}`.execute(database.db);
    const size = (
      await sql<{ enrolments: number; classes: number; attendance: number; claims: number; persons: number }>`
        select (select count(*) from enrolment where province_code = ${province})::int as enrolments,
               (select count(*) from training_class where province_code = ${province})::int as classes,
               (select count(*) from attendance where province_code = ${province})::int as attendance,
               (select count(*) from claim where province_code = ${province})::int as claims,
               (select count(distinct person_id) from enrolment where province_code = ${province})::int as persons`.execute(
        database.db,
      )
    ).rows[0]!;
    console.log(
      `${name}: ${fmt(size.enrolments)} enrolments of ${fmt(size.persons)} persons in ${fmt(size.classes)} classes, ${fmt(size.attendance)} attendance rows, ${fmt(size.claims)} claims`,
    );
    const commit = process.env.BENCH_SWEEP_COMMIT === '1';
    let figures: Record<string, unknown> = {};
    let summary = '';
    try {
      await database.db.transaction().execute(async (trx: Executor) => {
        const firstLoad = load();
        let started = performance.now();
        const first = await runSweep(trx, SYSTEM_CONTEXT, { provinceCode: province, now: new Date() });
        const firstMs = performance.now() - started;
        const firstLoadAfter = load();
        console.log(
          `first sweep ${fmt(firstMs)} ms (fingerprints ${fmt(first.fingerprintMs)} ms): ${first.found} alerts`,
        );
        printRules(first);
        started = performance.now();
        const second = await runSweep(trx, SYSTEM_CONTEXT, {
          provinceCode: province,
          analyze: false,
          now: new Date(),
        });
        const secondMs = performance.now() - started;
        const secondLoadAfter = load();
        console.log(`second sweep ${fmt(secondMs)} ms: ${second.found} alerts, ${second.created} new`);
        printRules(second);
        const claim = (
          await sql<{
            id: number;
          }>`select id from claim where province_code = ${province} and class_id is not null
            order by id offset (select count(*) / 2 from claim where province_code = ${province} and class_id is not null)
            limit 1`.execute(trx)
        ).rows[0];
        started = performance.now();
        if (claim) await screenClaim(trx, SYSTEM_CONTEXT, claim.id, new Date());
        const screenMs = performance.now() - started;
        figures = {
          firstSweepMs: Math.round(firstMs),
          fingerprintMs: first.fingerprintMs,
          secondSweepMs: Math.round(secondMs),
          screenClaimMs: Math.round(screenMs),
          alerts: first.found,
          byRule: Object.fromEntries(
            Object.entries(first.byRule).map(([rule, result]) => [
              rule,
              { found: result.found, firstMs: result.durationMs, steadyMs: second.byRule[rule]?.durationMs },
            ]),
          ),
          loadAverage: { first: `${firstLoad}–${firstLoadAfter}`, second: secondLoadAfter },
          committed: commit,
        };
        summary =
          `sweep: ${province} over ${name} (${fmt(size.enrolments)} enrolments, ${fmt(size.attendance)} attendance rows) on postgres: ` +
          `first sweep ${(firstMs / 1000).toFixed(1)} s (fingerprints ${(first.fingerprintMs / 1000).toFixed(1)} s; load ${firstLoad}–${firstLoadAfter}), ` +
          `steady ${(secondMs / 1000).toFixed(1)} s (load ${secondLoadAfter}), one claim screened in ${screenMs.toFixed(0)} ms; ${fmt(first.found)} alerts`;
        if (!commit) throw new Rollback();
      });
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
    }
    appendResult('sweep', {
      database: 'postgres',
      source: name,
      region: province,
      enrolments: size.enrolments,
      persons: size.persons,
      classes: size.classes,
      attendanceRows: size.attendance,
      claims: size.claims,
      ...figures,
    });
    console.log(summary);
  } finally {
    await database.close();
  }
}

/** The sweep over the bench's own synthetic data (the default, and CI's tiny run). */
async function overGenerated(): Promise<void> {
  const database = usePostgres ? await createTestDatabase() : await openDatabase({});
  if (!usePostgres) await migrate(database);
  const kind = database.kind;

  const timings: Record<string, number> = {};
  let started = performance.now();
  const dataset = await generateSyntheticProvince(
    database.db,
    {
      cleanClasses: Math.max(10, Math.round(ENROLMENTS / CLASS_SIZE)),
      classSize: CLASS_SIZE,
      tag: 'B',
    },
    timings,
  );
  const generateMs = performance.now() - started;
  console.log(
    `generated ${dataset.totalEnrolments} enrolments (${dataset.cleanClassIds.length + dataset.fraudClassIds.length} classes) in ${(generateMs / 1000).toFixed(1)} s ${JSON.stringify(timings)}`,
  );

  started = performance.now();
  const first = await database.db
    .transaction()
    .execute((trx) => runSweep(trx, SYSTEM_CONTEXT, { provinceCode: '430000', now: new Date() }));
  const firstMs = performance.now() - started;
  console.log(
    `first sweep ${firstMs.toFixed(0)} ms (fingerprints ${first.fingerprintMs} ms): ${first.found} alerts`,
  );
  printRules(first);

  started = performance.now();
  const second = await database.db
    .transaction()
    .execute((trx) =>
      runSweep(trx, SYSTEM_CONTEXT, { provinceCode: '430000', analyze: false, now: new Date() }),
    );
  const secondMs = performance.now() - started;
  console.log(`second sweep ${secondMs.toFixed(0)} ms: ${second.found} alerts, ${second.created} new`);

  const claim = await database.db
    .selectFrom('claim')
    .select('id')
    .where('class_id', '=', dataset.cleanClassIds[Math.floor(dataset.cleanClassIds.length / 2)]!)
    .executeTakeFirstOrThrow();
  started = performance.now();
  await database.db.transaction().execute((trx) => screenClaim(trx, SYSTEM_CONTEXT, claim.id, new Date()));
  const screenMs = performance.now() - started;

  const measure = await measureDetection(database.db, dataset);
  await database.close();

  const summary = {
    database: kind,
    enrolments: dataset.totalEnrolments,
    classes: dataset.cleanClassIds.length + dataset.fraudClassIds.length,
    generateMs: Math.round(generateMs),
    firstSweepMs: Math.round(firstMs),
    secondSweepMs: Math.round(secondMs),
    screenClaimMs: Math.round(screenMs),
    alerts: first.found,
    planted: measure.planted,
    flagged: measure.flagged,
    cleanRecords: measure.cleanRecords,
    falsePositiveRate: measure.falsePositiveRate,
  };
  appendResult('sweep', summary);
  console.log(
    `sweep: ${summary.enrolments} enrolments on ${kind}: first sweep ${(firstMs / 1000).toFixed(1)} s, steady ${(secondMs / 1000).toFixed(1)} s, one claim screened in ${screenMs.toFixed(0)} ms; flagged ${measure.flagged}/${measure.planted}, false positives ${(measure.falsePositiveRate * 100).toFixed(2)} % of ${measure.cleanRecords}`,
  );
}

if (SOURCE) await overSource(SOURCE);
else await overGenerated();
