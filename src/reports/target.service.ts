import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { documentTargets } from '../policy/parameter.query.ts';
import { AppError } from '../shared/errors.ts';
import { selectPersonTimes } from './report.repository.ts';
import type { ReportTargetTable } from './reports.table.ts';

export type TargetMetric = ReportTargetTable['metric'];

export const TARGET_METRIC_LABELS: Record<TargetMetric, string> = {
  training_person_times: '补贴性职业技能培训（人次）',
  new_apprentices: '企业新型学徒制培训新型学徒（人）',
};

/** A yearly or multi-year target of a region (目标任务), with the document that sets it. */
export interface Target {
  id: number;
  regionCode: string;
  metric: TargetMetric;
  fromYear: number;
  toYear: number;
  targetValue: number;
  /** 'at_least' for 以上, 'about' for 左右. */
  comparison: 'at_least' | 'about';
  citation: { doc: string; article: string };
}

export interface TargetInput {
  regionCode: string;
  metric: TargetMetric;
  fromYear: number;
  toYear: number;
  targetValue: number;
  comparison?: 'at_least' | 'about';
  citation: { doc: string; article: string };
}

/** How far a target is reached by a date (完成率), beside the share of its time elapsed (时间进度). */
export interface TargetProgress extends Target {
  label: string;
  asOf: string;
  achieved: number;
  /** achieved / targetValue, four decimals. */
  completionRate: number;
  /** Days elapsed / days of the target's years, four decimals. */
  elapsedShare: number;
}

function toTarget(row: {
  id: number;
  region_code: string;
  metric: TargetMetric;
  from_year: number;
  to_year: number;
  target_value: number;
  comparison: 'at_least' | 'about';
  citation_doc: string;
  citation_article: string;
}): Target {
  return {
    id: row.id,
    regionCode: row.region_code,
    metric: row.metric,
    fromYear: row.from_year,
    toYear: row.to_year,
    targetValue: Number(row.target_value),
    comparison: row.comparison,
    citation: { doc: row.citation_doc, article: row.citation_article },
  };
}

/** Targets of the regions in a subtree, optionally only those covering `year`. */
export async function listTargets(
  executor: Executor,
  input: { regionCode: string; year?: number; isExactRegion?: boolean },
): Promise<Target[]> {
  let query = executor
    .selectFrom('report_target')
    .selectAll()
    .where('province_code', '=', provinceOf(input.regionCode));
  query = input.isExactRegion
    ? query.where('region_code', '=', input.regionCode)
    : query.where('region_code', 'like', regionLikePattern(input.regionCode));
  if (input.year !== undefined)
    query = query.where('from_year', '<=', input.year).where('to_year', '>=', input.year);
  const rows = await query
    .orderBy('region_code')
    .orderBy('metric')
    .orderBy('from_year')
    .orderBy('to_year')
    .execute();
  return rows.map(toTarget);
}

/**
 * Sets a target (insert, or update of the same region, metric and years) and audits it with
 * its previous value. The caller's region scope must contain the region.
 */
export async function upsertTarget(
  executor: Executor,
  context: AuditContext,
  input: TargetInput,
): Promise<Target> {
  if (context.actor) assertRegionScope(context.actor, input.regionCode);
  if (input.toYear < input.fromYear)
    throw new AppError('VALIDATION_FAILED', '目标年度不合规', [
      { field: 'toYear', message: '不得早于起始年度' },
    ]);
  const provinceCode = provinceOf(input.regionCode);
  const before = await executor
    .selectFrom('report_target')
    .selectAll()
    .where('province_code', '=', provinceCode)
    .where('region_code', '=', input.regionCode)
    .where('metric', '=', input.metric)
    .where('from_year', '=', input.fromYear)
    .where('to_year', '=', input.toYear)
    .executeTakeFirst();
  const values = {
    target_value: input.targetValue,
    comparison: input.comparison ?? 'at_least',
    citation_doc: input.citation.doc,
    citation_article: input.citation.article,
    updated_by: context.actor?.userId ?? null,
  };
  const row = before
    ? await executor
        .updateTable('report_target')
        .set({ ...values, updated_at: new Date() })
        .where('id', '=', before.id)
        .where('province_code', '=', provinceCode)
        .returningAll()
        .executeTakeFirstOrThrow()
    : await executor
        .insertInto('report_target')
        .values({
          ...values,
          province_code: provinceCode,
          region_code: input.regionCode,
          metric: input.metric,
          from_year: input.fromYear,
          to_year: input.toYear,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
  const target = toTarget(row);
  await recordAudit(executor, context, {
    action: before ? 'report.target.update' : 'report.target.create',
    objectType: 'report_target',
    objectId: target.id,
    provinceCode,
    before: before ? toTarget(before) : null,
    after: target,
  });
  return target;
}

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

const ratio = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

/** Progress of each target by `asOf` (inclusive): subsidised person-times since its first year. */
export async function targetProgress(
  executor: Executor,
  targets: Target[],
  asOf: string,
): Promise<TargetProgress[]> {
  // Targets over the same years share one count (both metrics come from the same statement).
  const counted = new Map<string, Promise<{ training: number; apprenticeship: number }>>();
  const countsOf = (regionCode: string, from: string, to: string) => {
    const key = `${regionCode}:${from}:${to}`;
    let counts = counted.get(key);
    if (!counts) {
      counts =
        to < from
          ? Promise.resolve({ training: 0, apprenticeship: 0 })
          : selectPersonTimes(executor, { regionCode, from, to });
      counted.set(key, counts);
    }
    return counts;
  };
  return Promise.all(
    targets.map(async (target) => {
      const from = `${target.fromYear}-01-01`;
      const end = `${target.toYear}-12-31`;
      const to = asOf < end ? asOf : end;
      const counts = await countsOf(target.regionCode, from, to);
      const achieved = target.metric === 'new_apprentices' ? counts.apprenticeship : counts.training;
      return {
        ...target,
        label: TARGET_METRIC_LABELS[target.metric],
        asOf,
        achieved,
        completionRate: ratio(achieved, target.targetValue),
        elapsedShare: to < from ? 0 : ratio(daysBetween(from, to), daysBetween(from, end)),
      };
    }),
  );
}

/**
 * The targets the documents set (衡人社发【2019】21号 二; 苏政办发〔2019〕71号 一、二（四）), as
 * their policy packs state them (`targets.*` parameters), for the demo.
 */
export const DEMO_TARGETS: readonly TargetInput[] = documentTargets();

/** Seeds the demo targets; running it again changes nothing (an existing target is kept). */
export async function seedTargetsDemo(executor: Executor, context: AuditContext): Promise<void> {
  for (const target of DEMO_TARGETS) {
    const existing = await listTargets(executor, { regionCode: target.regionCode, isExactRegion: true });
    const isPresent = existing.some(
      (row) =>
        row.metric === target.metric && row.fromYear === target.fromYear && row.toYear === target.toYear,
    );
    if (!isPresent) await upsertTarget(executor, context, target);
  }
}
