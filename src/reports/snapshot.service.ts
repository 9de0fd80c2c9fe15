import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, type Principal, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import { AppError, notFound } from '../shared/errors.ts';
import type { ReportPeriod } from './report.period.ts';
import { buildReport, compareWithLedger, type LedgerComparison, type Report } from './report.service.ts';
import type { ReportSnapshotTable } from './reports.table.ts';

/** One cell that differs between two versions: its path in the report and both values. */
export interface CellDifference {
  path: string;
  before: unknown;
  after: unknown;
}

/** A finalised report (定稿), immutable; corrections are later versions. */
export interface ReportSnapshot {
  id: number;
  regionCode: string;
  period: ReportPeriod;
  version: number;
  content: Report;
  contentHash: string;
  ledgerComparison: LedgerComparison;
  /** Cells changed since the previous version (empty for version 1). */
  differences: CellDifference[];
  reason: string | null;
  finalizedBy: number;
  finalizedByName: string;
  finalizedAt: Date;
}

export type SnapshotSummary = Omit<ReportSnapshot, 'content' | 'ledgerComparison' | 'differences'> & {
  differenceCount: number;
};

type SnapshotRow = Omit<ReportSnapshotTable, 'id' | 'differences' | 'finalized_at'> & {
  id: number;
  differences: unknown;
  finalized_at: Date;
};

function toSnapshot(row: SnapshotRow): ReportSnapshot {
  const content = row.content as Report;
  return {
    id: row.id,
    regionCode: row.region_code,
    period: content.period,
    version: row.version,
    content,
    contentHash: row.content_hash,
    ledgerComparison: row.ledger_comparison as LedgerComparison,
    differences: row.differences as CellDifference[],
    reason: row.reason,
    finalizedBy: row.finalized_by,
    finalizedByName: row.finalized_by_name,
    finalizedAt: row.finalized_at,
  };
}

/**
 * Every leaf of a report keyed by a readable path; rows of tables are keyed by their `key`
 * (`trainingTypes.employment_skills.personTimes`), so a diff names the cell an officer sees.
 */
export function flattenCells(
  value: unknown,
  prefix = '',
  into = new Map<string, unknown>(),
): Map<string, unknown> {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const key =
        item !== null && typeof item === 'object' && 'key' in item
          ? String((item as { key: unknown }).key)
          : item !== null && typeof item === 'object' && 'id' in item
            ? String((item as { id: unknown }).id)
            : String(index);
      flattenCells(item, prefix ? `${prefix}.${key}` : key, into);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value))
      flattenCells(item, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, value);
  }
  return into;
}

/** The cells whose values differ between two reports, in path order. */
export function diffReports(before: Report, after: Report): CellDifference[] {
  const left = flattenCells(before);
  const right = flattenCells(after);
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  return paths
    .filter((path) => canonicalJson(left.get(path) ?? null) !== canonicalJson(right.get(path) ?? null))
    .map((path) => ({ path, before: left.get(path) ?? null, after: right.get(path) ?? null }));
}

const fenText = (fen: number) => `${(fen / 100).toFixed(2)}元`;

async function latestSnapshot(executor: Executor, regionCode: string, period: ReportPeriod) {
  return executor
    .selectFrom('report_snapshot')
    .selectAll()
    .where('province_code', '=', provinceOf(regionCode))
    .where('region_code', '=', regionCode)
    .where('period_from', '=', period.from)
    .where('period_to', '=', period.to)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Finalises (定稿) the report of a region and period: refused with 409 REPORT_LEDGER_MISMATCH
 * and the differences per sub-account unless its money equals the ledger's (账表相符); stores an
 * append-only snapshot with the next version; a correction (version > 1) needs a reason and lists
 * the cells changed since the previous version. Unchanged data returns the latest version.
 */
export async function finalizeReport(
  executor: Executor,
  context: AuditContext,
  input: { regionCode: string; period: ReportPeriod; reason?: string; finalizedAt?: Date },
): Promise<{ snapshot: ReportSnapshot; isNew: boolean }> {
  const principal = context.actor;
  if (!principal) throw new Error('finalising a report needs an acting user');
  assertRegionScope(principal, input.regionCode);
  const provinceCode = provinceOf(input.regionCode);
  // One finaliser per region and period at a time, so versions never collide.
  await sql`select pg_advisory_xact_lock(hashtext(${`report:${input.regionCode}:${input.period.from}:${input.period.to}`}))`.execute(
    executor,
  );
  const report = await buildReport(executor, input);
  const comparison = await compareWithLedger(executor, report);
  if (!comparison.isBalanced) {
    throw new AppError(
      'REPORT_LEDGER_MISMATCH',
      '报表金额与专账记录不符（账表不符），不能定稿',
      comparison.rows
        .filter((row) => row.differenceFen !== 0)
        .map((row) => ({
          field: `subAccounts.${row.account}`,
          message: `${row.label}：报表 ${fenText(row.reportFen)}，专账 ${fenText(row.ledgerFen)}，差额 ${fenText(row.differenceFen)}`,
          account: row.account,
          reportFen: row.reportFen,
          ledgerFen: row.ledgerFen,
          differenceFen: row.differenceFen,
        })),
    );
  }
  const contentHash = sha256Hex(canonicalJson(report));
  const previous = await latestSnapshot(executor, input.regionCode, input.period);
  if (previous && previous.content_hash === contentHash)
    return { snapshot: toSnapshot(previous), isNew: false };
  const reason = input.reason?.trim() || null;
  if (previous && !reason)
    throw new AppError('VALIDATION_FAILED', '更正已定稿的报表须说明原因', [
      { field: 'reason', message: `已有第 ${previous.version} 版，更正须说明原因` },
    ]);
  const differences = previous ? diffReports(previous.content as Report, report) : [];
  const user = await executor
    .selectFrom('app_user')
    .select('display_name')
    .where('id', '=', principal.userId)
    .executeTakeFirst();
  const row = await executor
    .insertInto('report_snapshot')
    .values({
      province_code: provinceCode,
      region_code: input.regionCode,
      period_kind: input.period.kind,
      period_from: input.period.from,
      period_to: input.period.to,
      version: (previous?.version ?? 0) + 1,
      content: JSON.stringify(report),
      content_hash: contentHash,
      ledger_comparison: JSON.stringify(comparison),
      differences: JSON.stringify(differences),
      reason,
      finalized_by: principal.userId,
      finalized_by_name: user?.display_name ?? principal.loginName,
      ...(input.finalizedAt ? { finalized_at: input.finalizedAt } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const snapshot = toSnapshot(row);
  await recordAudit(executor, context, {
    action: 'report.finalize',
    objectType: 'report_snapshot',
    objectId: snapshot.id,
    provinceCode,
    before: previous ? { version: previous.version, contentHash: previous.content_hash } : null,
    after: {
      regionCode: snapshot.regionCode,
      period: snapshot.period.label,
      version: snapshot.version,
      contentHash,
      differenceCount: differences.length,
      reason,
    },
  });
  return { snapshot, isNew: true };
}

export async function getSnapshot(
  executor: Executor,
  principal: Principal,
  id: number,
): Promise<ReportSnapshot> {
  const row = await executor
    .selectFrom('report_snapshot')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('定稿报表', id);
  assertRegionScope(principal, row.region_code);
  return toSnapshot(row);
}

/** Finalised versions in the caller's subtree, newest first, optionally of one region and period. */
export async function listSnapshots(
  executor: Executor,
  input: { regionCode: string; period?: ReportPeriod; page: number; pageSize: number },
): Promise<{ items: SnapshotSummary[]; total: number; page: number; pageSize: number }> {
  let query = executor
    .selectFrom('report_snapshot')
    .where('province_code', '=', provinceOf(input.regionCode))
    .where('region_code', 'like', regionLikePattern(input.regionCode));
  if (input.period)
    query = query.where('period_from', '=', input.period.from).where('period_to', '=', input.period.to);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('period_from', 'desc')
    .orderBy('region_code')
    .orderBy('version', 'desc')
    .limit(input.pageSize)
    .offset((input.page - 1) * input.pageSize)
    .execute();
  return {
    items: rows.map((row) => {
      const { content: _content, ledgerComparison: _ledger, differences, ...summary } = toSnapshot(row);
      return { ...summary, differenceCount: differences.length };
    }),
    total: Number(total),
    page: input.page,
    pageSize: input.pageSize,
  };
}
