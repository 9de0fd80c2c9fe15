/**
 * Shared helpers of the province-scale benchmarks (bench/adjudicate.ts, bench/api.ts): results
 * files, the commit and machine, throwaway PostgreSQL databases, the officers the runs act as,
 * and the raw bulk-insert baseline the adjudication is compared with.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import type { AuditContext } from '../src/auth/audit.service.ts';
import type { Role } from '../src/auth/roles.ts';
import type { BatchContexts } from '../src/claims/claim.batch.ts';
import type { DatabaseHandle } from '../src/db/database.ts';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = path.dirname(BENCH_DIR);
export const IS_TINY = process.env.BENCH_TINY === '1';
export const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * HEAD's short commit, with `-dirty` when the worktree has uncommitted changes (`git status
 * --porcelain`, new files included), so a result measured on edited code is never filed under the
 * commit it started from.
 */
export function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT_DIR,
      encoding: 'utf8',
    }).trim();
    // The results files themselves are left out: an earlier run's appended line is not a change
    // of the code measured.
    const status = execFileSync('git', ['status', '--porcelain', '--', '.', ':(exclude)bench/results'], {
      cwd: ROOT_DIR,
      encoding: 'utf8',
    });
    return status.trim() === '' ? head : `${head}-dirty`;
  } catch {
    return 'unknown';
  }
}

export function machine() {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: os.loadavg().map((value) => Math.round(value * 10) / 10),
  };
}

/** Appends one JSON line to bench/results/<name>.jsonl. */
export function appendResult(name: string, result: Record<string, unknown>): void {
  const dir = path.join(BENCH_DIR, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(
    path.join(dir, `${name}.jsonl`),
    `${JSON.stringify({ date: new Date().toISOString(), commit: commit(), machine: machine(), tiny: IS_TINY, ...result })}\n`,
  );
}

/** Creates a throwaway database beside the one DATABASE_URL names; returns its URL and a drop function. */
export async function throwawayDatabase(
  label: string,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `sf_bench_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (process.env.BENCH_KEEP_DB === '1') {
        console.error(`kept database ${url}`);
        return;
      }
      const cleanup = new pg.Client({ connectionString: BASE_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** The officers created by the generator for a region, as audit contexts. */
export async function benchContexts(database: DatabaseHandle, region: string): Promise<BatchContexts> {
  const provinceCode = `${region.slice(0, 2)}0000`;
  const context = async (key: string): Promise<AuditContext> => {
    const row = await database.db
      .selectFrom('app_user')
      .select(['id', 'login_name', 'role', 'region_code'])
      .where('login_name', '=', `bench_${region}_${key}`)
      .executeTakeFirstOrThrow();
    return {
      actor: {
        userId: row.id,
        loginName: row.login_name,
        role: row.role as Role,
        regionCode: row.region_code,
        provinceCode,
        organisationId: null,
        personId: null,
      },
      ip: '127.0.0.1',
      requestId: `bench-${key}`,
    };
  };
  return {
    reviewer: await context('reviewer'),
    approver: await context('approver'),
    finance: await context('finance'),
    financeChecker: await context('financeChecker'),
  };
}

/** Samples the resident set size; `peakMiB` is the highest seen (and the kernel's max RSS). */
export function memorySampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  timer.unref();
  return {
    stop(): number {
      clearInterval(timer);
      const kernelPeak = process.resourceUsage().maxRSS * 1024;
      return Math.round(Math.max(peak, kernelPeak) / 2 ** 20);
    },
  };
}

/** Tables the adjudication writes, with the keyset each is read back in for the baseline. */
export const WRITTEN_TABLES: readonly { table: string; order: string }[] = [
  { table: 'claim', order: 'id' },
  { table: 'claim_line_shape', order: 'hash, province_code' },
  { table: 'claim_line', order: 'id' },
  { table: 'claim_transition', order: 'id' },
  { table: 'subsidy_usage', order: 'claim_line_id, kind, usage_key' },
  { table: 'payment_batch', order: 'id' },
  { table: 'payment_disbursement', order: 'id' },
  { table: 'payment_item', order: 'id' },
  { table: 'ledger_journal', order: 'id' },
  { table: 'ledger_transfer', order: 'id' },
  { table: 'audit_log', order: 'id' },
  // written by the triggers on payment_item (migration 20261130090000_report_facts.sql)
  { table: 'report_fact', order: 'id' },
];

/**
 * The raw COPY of the rows the adjudication wrote — the minimal rows its lines need, since the
 * lean storage writes each line's own facts and names its shared request shape and decision
 * (src/claims/claim.stored-form.ts): every written table is cloned (`like … including all`: same
 * columns, defaults, checks and indexes, no triggers or foreign keys), its rows read back page
 * by page (not timed), and written into the clone by COPY on one connection
 * (`DatabaseHandle.copyRows`: pg-copy-streams on PostgreSQL, `COPY … FROM '/dev/blob'` on
 * PGlite) — timed.
 */
export async function bulkInsertBaseline(
  database: DatabaseHandle,
  options: { pageRows?: number; skipIds?: Record<string, number> } = {},
): Promise<{ seconds: number; rows: number; perTable: Record<string, number> }> {
  const db = database.db;
  const pageRows = options.pageRows ?? 5000;
  let seconds = 0;
  let rows = 0;
  const perTable: Record<string, number> = {};
  for (const { table, order } of WRITTEN_TABLES) {
    const clone = `bench_copy_${table}`;
    await sql.raw(`drop table if exists ${clone}`).execute(db);
    await sql.raw(`create table ${clone} (like ${table} including all)`).execute(db);
    const columns = (
      await sql<{
        column_name: string;
        data_type: string;
      }>`select column_name, data_type from information_schema.columns
        where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER'
        order by ordinal_position`.execute(db)
    ).rows;
    const names = columns.map((column) => column.column_name);
    const hasIdentity = columns.some((column) => column.column_name === 'id');
    const skip = options.skipIds?.[table] ?? 0;
    // Keyset pages: by id, or by (claim_line_id, kind, usage_key) for subsidy_usage.
    let after: Record<string, unknown> | null = null;
    for (;;) {
      const keyset: ReturnType<typeof sql> = hasIdentity
        ? sql`where id > ${after ? (after.id as number) : skip}`
        : !after
          ? sql``
          : table === 'subsidy_usage'
            ? sql`where (claim_line_id, kind, usage_key) > (${after.claim_line_id as number}, ${after.kind as string}, ${after.usage_key as string})`
            : sql`where (hash, province_code) > (${after.hash as string}, ${after.province_code as string})`;
      const page = await sql<Record<string, unknown>>`select * from ${sql.table(table)} ${keyset}
        order by ${sql.raw(order)} limit ${pageRows}`.execute(db);
      if (page.rows.length === 0) break;
      after = page.rows[page.rows.length - 1]!;
      const started = performance.now();
      const values = page.rows.map((row) => names.map((name) => row[name]));
      await db.connection().execute((connection) => database.copyRows(connection, clone, names, values));
      seconds += (performance.now() - started) / 1000;
      rows += page.rows.length;
      perTable[table] = (perTable[table] ?? 0) + page.rows.length;
    }
    await sql.raw(`drop table ${clone}`).execute(db);
  }
  return { seconds, rows, perTable };
}

/** Highest id of each written table before a run (the baseline copies only what the run wrote). */
export async function highWaterMarks(database: DatabaseHandle): Promise<Record<string, number>> {
  const marks: Record<string, number> = {};
  for (const { table } of WRITTEN_TABLES) {
    if (table === 'subsidy_usage' || table === 'claim_line_shape') continue;
    const row = await sql
      .raw<{ max: number | null }>(`select max(id) as max from ${table}`)
      .execute(database.db);
    marks[table] = Number(row.rows[0]?.max ?? 0);
  }
  return marks;
}

export const fmt = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * The URL of an existing database to measure instead of generating one (BENCH_SOURCE_DATABASE):
 * a full postgres:// URL, or a database name on DATABASE_URL's server.
 */
export function sourceDatabaseUrl(source: string): string {
  if (/^postgres(ql)?:\/\//.test(source)) return source;
  const url = new URL(BASE_URL);
  url.pathname = `/${source}`;
  return url.toString();
}
