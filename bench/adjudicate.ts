/**
 * Province-scale adjudication (issue 11): every completed class of a generated province-year →
 * claims → policy decisions with history from the database → approval → payment batch → ledger
 * postings, through the set-based batch path (src/claims/claim.batch.ts).
 *
 *   npm run bench -- adjudicate            PostgreSQL (DATABASE_URL's server; a throwaway database)
 *   npm run bench -- adjudicate-embedded   PGlite in memory (Hengyang 430400, 44,100 person-times)
 *
 * Environment: BENCH_REGION (320000), BENCH_PEOPLE (1,950,000), BENCH_SCALES ("1"; e.g.
 * "0.1,0.3,1" runs each size on a fresh database), BENCH_WORKERS (2), BENCH_CLASSES_PER_BATCH
 * (60), BENCH_SEED (42), BENCH_TINY=1 (400 person-times), BENCH_KEEP_DB=1 (keep the database and print its URL, for
 * `BENCH_SOURCE_DATABASE=<url> npm run bench -- report` and `-- sweep`), BENCH_GENERATED=1 (start
 * from a kept copy of the generated data: fromGeneratedTemplate), BENCH_BASELINE=0 (no raw COPY), BENCH_LOG_STATEMENTS=1 (with BENCH_GENERATED: the server
 * logs each statement's duration).
 * Targets: ≥ 30,000 claim lines/s, peak memory < 1 GiB, time within 5× of a raw bulk insert of
 * the rows written; embedded: < 30 s. The last line printed is the summary; each run appends a
 * JSON line to bench/results/adjudicate.jsonl (or adjudicate-embedded.jsonl).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { sql } from 'kysely';
import pg from 'pg';
import { benchAttendanceReader } from '../src/bench/attendance.ts';
import { openPgliteWithHandle, pgliteTarget } from '../src/bench/bulk.ts';
import { generateProvinceYear } from '../src/bench/generator.ts';
import { adjudicateCompletedClasses, type BatchResult } from '../src/claims/claim.batch.ts';
import { createDecider } from '../src/claims/claim.decide.ts';
import { type DatabaseHandle, openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrator.ts';
import {
  appendResult,
  BASE_URL,
  benchContexts,
  bulkInsertBaseline,
  fmt,
  highWaterMarks,
  IS_TINY,
  memorySampler,
  ROOT_DIR,
  throwawayDatabase,
} from './support.ts';

const EMBEDDED = process.env.BENCH_DATABASE === 'pglite';
const NAME = EMBEDDED ? 'adjudicate-embedded' : 'adjudicate';
const REGION = process.env.BENCH_REGION ?? (EMBEDDED ? '430400' : '320000');
const PEOPLE = IS_TINY ? 400 : Number(process.env.BENCH_PEOPLE ?? (EMBEDDED ? 44_100 : 1_950_000));
const SCALES = (process.env.BENCH_SCALES ?? '1').split(',').map(Number);
const WORKERS = EMBEDDED ? 1 : Number(process.env.BENCH_WORKERS ?? 2);
const CLASSES_PER_BATCH = Number(process.env.BENCH_CLASSES_PER_BATCH ?? 60);
const SEED = Number(process.env.BENCH_SEED ?? 42);
const YEAR = 2021;

// Every statement the run's pooled clients send (BEGIN and COMMIT included; COPY counts once).
let statementsSent = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
  statementsSent += 1;
  return (query as (...rest: unknown[]) => unknown).apply(this, args);
} as typeof query;

/**
 * Rows inserted and updated per table since the statistics were last read (PostgreSQL's
 * cumulative statistics, flushed by each backend within a second of its commit): what a line
 * costs in rows, the triggers' rows included.
 */
async function rowsTouched(database: DatabaseHandle): Promise<Record<string, number>> {
  if (database.kind !== 'postgres') return {};
  await sql`select pg_sleep(1.5)`.execute(database.db);
  await sql`select pg_stat_clear_snapshot()`.execute(database.db);
  const rows = await sql<{ relname: string; n: string }>`select relname, (n_tup_ins + n_tup_upd)::text as n
    from pg_stat_user_tables where n_tup_ins + n_tup_upd > 0`.execute(database.db);
  return Object.fromEntries(rows.rows.map((row) => [row.relname, Number(row.n)]));
}

interface Generated {
  seconds: number;
  totalRows: number;
  rowsPerSecond: number;
  classes: number;
  persons: number;
}

/** Runs the generator CLI in a child process (its memory is not the adjudication's). */
function generateInChild(url: string, people: number): Promise<Generated> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT_DIR, 'bin/skillfund.js'),
        'bench',
        'generate',
        '--region',
        REGION,
        '--people',
        String(people),
        '--seed',
        String(SEED),
      ],
      { env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`generator exited with ${code}`));
      resolve(JSON.parse(output.trim().split('\n').pop()!));
    });
  });
}

/**
 * BENCH_GENERATED=1: the generated province-year is kept as a template database
 * (`sf_bench_generated_<region>_<people>_<seed>`, generated on first use) and each run starts from
 * a copy of it (`create database … template`), so runs of two versions of the code compare on
 * the same rows without paying the generator each time. The copy is migrated (a version with
 * a newer migration applies it). Drop the template by hand when the generator changes.
 */
async function fromGeneratedTemplate(
  throwaway: { name: string; url: string },
  people: number,
): Promise<Generated> {
  const template = `sf_bench_generated_${REGION}_${people}_${SEED}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
    let generated: Generated = { seconds: 0, totalRows: 0, rowsPerSecond: 0, classes: 0, persons: 0 };
    if (exists.rowCount === 0) {
      await admin.query(`create database ${template}`);
      const url = new URL(BASE_URL);
      url.pathname = `/${template}`;
      generated = await generateInChild(url.toString(), people);
    }
    await admin.query(`drop database ${throwaway.name}`);
    await admin.query(`create database ${throwaway.name} template ${template}`);
    // BENCH_LOG_STATEMENTS=1: the server logs every statement of the run with its duration.
    if (process.env.BENCH_LOG_STATEMENTS === '1')
      await admin.query(`alter database ${throwaway.name} set log_min_duration_statement = 0`);
    const database = await openDatabase({ databaseUrl: throwaway.url, poolSize: 1 });
    await migrate(database);
    await database.close();
    return generated;
  } finally {
    await admin.end();
  }
}

async function adjudicate(
  database: DatabaseHandle,
  lines: number,
): Promise<{ result: BatchResult; seconds: number; peakMiB: number }> {
  const counties = (
    await sql<{ region_code: string }>`select distinct region_code from training_class
      where region_code like ${`${REGION.endsWith('0000') ? REGION.slice(0, 2) : REGION.slice(0, 4)}%`}`.execute(
      database.db,
    )
  ).rows.map((row) => row.region_code);
  const contexts = await benchContexts(database, REGION);
  const decide = await createDecider(database.db);
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: 'adjudicate {bar} {percentage}% | {value}/{total} lines | eta {eta_formatted}',
        stream: process.stderr,
      })
    : null;
  bar?.start(lines, 0);
  const memory = memorySampler();
  const started = performance.now();
  const result = await adjudicateCompletedClasses(database.db, {
    regionCodes: counties,
    classesPerBatch: CLASSES_PER_BATCH,
    workers: WORKERS,
    endedBefore: `${YEAR + 1}-01-01`,
    contexts,
    decide,
    attendance: benchAttendanceReader,
    idempotencyPrefix: `bench-${process.pid}`,
    copy: database.copyRows,
    ...(database.kind === 'postgres' ? { shapeWriter: database.db } : {}),
    onBatch: (batch) => bar?.increment(batch.lines),
  });
  const seconds = (performance.now() - started) / 1000;
  const peakMiB = memory.stop();
  bar?.stop();
  return { result, seconds, peakMiB };
}

async function check(database: DatabaseHandle, result: BatchResult): Promise<void> {
  const paid = await sql<{
    total: number | null;
  }>`select sum(amount_fen)::bigint as total from ledger_transfer
    where code = 'disbursement'`.execute(database.db);
  if (Number(paid.rows[0]?.total ?? 0) !== result.amountFen)
    throw new Error(`ledger pays ${paid.rows[0]?.total} fen but the claims total ${result.amountFen}`);
  const lines = await sql<{ n: number }>`select count(*)::int as n from claim_line`.execute(database.db);
  if (lines.rows[0]!.n !== result.lines)
    throw new Error(`claim_line holds ${lines.rows[0]!.n} rows, expected ${result.lines}`);
}

const summaries: string[] = [];
for (const scale of SCALES) {
  const people = Math.round(PEOPLE * scale);
  let database: DatabaseHandle;
  let generated: Generated;
  let cleanup: () => Promise<void>;
  let pgliteHandle: Awaited<ReturnType<typeof openPgliteWithHandle>> | undefined;
  if (EMBEDDED) {
    pgliteHandle = await openPgliteWithHandle();
    database = pgliteHandle.database;
    const summary = await generateProvinceYear(pgliteTarget(database, pgliteHandle.pglite), {
      region: REGION,
      people,
      seed: SEED,
      year: YEAR,
    });
    generated = summary;
    cleanup = () => database.close();
  } else {
    const throwaway = await throwawayDatabase('adjudicate');
    generated = process.env.BENCH_GENERATED
      ? await fromGeneratedTemplate(throwaway, people)
      : await generateInChild(throwaway.url, people);
    database = await openDatabase({ databaseUrl: throwaway.url, poolSize: WORKERS + 2 });
    cleanup = async () => {
      await database.close();
      // BENCH_KEEP_DB=1 keeps it: reuse it with BENCH_SOURCE_DATABASE=<url> npm run bench -- report (or sweep).
      await throwaway.drop();
    };
  }
  try {
    const lines = (await sql<{ n: number }>`select count(*)::int as n from enrolment`.execute(database.db))
      .rows[0]!.n;
    const marks = await highWaterMarks(database);
    const touchedBefore = await rowsTouched(database);
    const statementsBefore = statementsSent;
    const { result, seconds, peakMiB } = await adjudicate(database, lines);
    const statements = statementsSent - statementsBefore;
    const touchedAfter = await rowsTouched(database);
    const rowsByTable = Object.fromEntries(
      Object.entries(touchedAfter)
        .map(([table, n]) => [table, n - (touchedBefore[table] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    const rowsTouchedInAll = Object.values(rowsByTable).reduce((sum, n) => sum + n, 0);
    await check(database, result);
    // BENCH_BASELINE=0 skips the raw COPY (side-by-side runs of two versions of the code).
    const baseline =
      process.env.BENCH_BASELINE === '0'
        ? { seconds: Number.NaN, rows: 0, perTable: {} }
        : await bulkInsertBaseline(database, { skipIds: marks });
    const linesPerSecond = result.lines / seconds;
    const ratio = seconds / baseline.seconds;
    const record = {
      database: EMBEDDED ? 'pglite' : 'postgres',
      region: REGION,
      scale,
      personTimes: people,
      workers: WORKERS,
      classesPerBatch: CLASSES_PER_BATCH,
      generate: {
        seconds: Math.round(generated.seconds * 10) / 10,
        rows: generated.totalRows,
        rowsPerSecond: generated.rowsPerSecond,
      },
      classes: result.classes,
      claims: result.claims,
      approvedClaims: result.approvedClaims,
      rejectedClaims: result.rejectedClaims,
      lines: result.lines,
      eligibleLines: result.eligibleLines,
      amountFen: result.amountFen,
      raceDenials: result.raceDenials,
      seconds: Math.round(seconds * 100) / 100,
      linesPerSecond: Math.round(linesPerSecond),
      peakRssMiB: peakMiB,
      // statements sent by the run (all workers and the ANALYZEs), and rows inserted or updated per
      // table (PostgreSQL's statistics, triggers included), per claim line
      statements,
      statementsPerLine: Math.round((statements / result.lines) * 1000) / 1000,
      rowsByTable,
      rowsPerLine: Math.round((rowsTouchedInAll / result.lines) * 100) / 100,
      // milliseconds per phase, summed over the workers (claim.batch.ts `timings`)
      phaseMs: Object.fromEntries(Object.entries(result.timings).map(([name, ms]) => [name, Math.round(ms)])),
      loadAverageAfter: os.loadavg().map((value) => Math.round(value * 10) / 10),
      rowsWritten: baseline.rows,
      bulkInsertSeconds: Math.round(baseline.seconds * 100) / 100,
      ratioToBulkInsert: Math.round(ratio * 10) / 10,
    };
    appendResult(NAME, record);
    const line = EMBEDDED
      ? `${NAME}: ${REGION} ${fmt(people)} person-times on PGlite: ${fmt(result.lines)} lines (${fmt(result.eligibleLines)} eligible) in ${fmt(seconds, 1)} s = ${fmt(linesPerSecond)} lines/s (target < 30 s), peak RSS ${fmt(peakMiB)} MiB; raw COPY of the ${fmt(baseline.rows)} rows written ${fmt(baseline.seconds, 1)} s, ratio ${fmt(ratio, 1)}× (target ≤ 5×); generate ${fmt(generated.seconds, 1)} s`
      : `${NAME}: ${REGION} ${fmt(people)} person-times (${Math.round(scale * 100)} %) on PostgreSQL, ${WORKERS} workers: ${fmt(result.lines)} lines (${fmt(result.eligibleLines)} eligible, ${fmt(result.claims)} claims) in ${fmt(seconds, 1)} s = ${fmt(linesPerSecond)} lines/s (target ≥ 30,000), ${fmt(statements / result.lines, 3)} statements and ${fmt(rowsTouchedInAll / result.lines, 2)} rows written per line, peak RSS ${fmt(peakMiB)} MiB (target < 1024), load ${os.loadavg()[0]!.toFixed(1)}; raw COPY of the ${fmt(baseline.rows)} rows written ${fmt(baseline.seconds, 1)} s, ratio ${fmt(ratio, 1)}× (target ≤ 5×); generate ${fmt(generated.seconds, 1)} s (${fmt(generated.rowsPerSecond)} rows/s)`;
    summaries.push(line);
    if (SCALES.length > 1) console.log(line);
  } finally {
    await cleanup();
  }
}
console.log(summaries[summaries.length - 1]);
