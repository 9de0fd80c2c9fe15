import { type RawBuilder, sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { monthRange } from '../ledger/bank-reconciliation.service.ts';

/**
 * A close freezes the month's report figures (issue 20): the ledger's month-end close calls
 * `freezeMonthReports` (handed to it by the composition root, src/api/routes.ts, so the ledger
 * never imports reports), which copies the month's report facts as they are counted now into
 * `report_fact_closed` (migration 20261207010100_report_period_freeze.sql). Every report reads a
 * frozen month from that copy (`factSource`): a later return or recovery, an exclusion, or a
 * rebuild of the facts changes the live projection, never what a closed month reported.
 */
export async function freezeMonthReports(
  executor: Executor,
  context: AuditContext,
  input: { provinceCode: string; period: string },
): Promise<{ factCount: number }> {
  const { from, to } = monthRange(input.period);
  const counted = await sql<{ n: string | number }>`
    select count(*) as n from report_fact
    where province_code = ${input.provinceCode} and value_date between ${from} and ${to}`.execute(executor);
  const factCount = Number(counted.rows[0]?.n ?? 0);
  const inserted = await executor
    .insertInto('report_period_freeze')
    .values({ province_code: input.provinceCode, period: input.period, fact_count: factCount })
    .onConflict((conflict) => conflict.columns(['province_code', 'period']).doNothing())
    .returning('period')
    .executeTakeFirst();
  // Frozen once: a second close of the month is refused by the ledger before it comes here.
  if (!inserted) return { factCount };
  await sql`
    insert into report_fact_closed (province_code, period, id, event, value_date, region_code, payment_item_id,
      claim_id, claim_line_id, person_id, certificate_id, cell_id, amount_fen, months, days, is_settlement, is_counted)
    select province_code, ${input.period}, id, event, value_date, region_code, payment_item_id, claim_id,
      claim_line_id, person_id, certificate_id, cell_id, amount_fen, months, days, is_settlement, is_counted
    from report_fact
    where province_code = ${input.provinceCode} and value_date between ${from} and ${to}`.execute(executor);
  await recordAudit(executor, context, {
    action: 'report.period.freeze',
    objectType: 'report_fact',
    objectId: `${input.provinceCode}:${input.period}`,
    provinceCode: input.provinceCode,
    after: { period: input.period, factCount },
  });
  return { factCount };
}

/** The frozen months of a province overlapping [from, to], as inclusive date ranges (merged). */
export async function frozenRanges(
  executor: Executor,
  scope: { regionCode: string; from: string; to: string },
): Promise<{ from: string; to: string }[]> {
  const rows = await executor
    .selectFrom('report_period_freeze')
    .select('period')
    .where('province_code', '=', provinceOf(scope.regionCode))
    .where('period', '>=', scope.from.slice(0, 7))
    .where('period', '<=', scope.to.slice(0, 7))
    .orderBy('period')
    .execute();
  const ranges: { from: string; to: string }[] = [];
  for (const { period } of rows) {
    const month = monthRange(period);
    const last = ranges.at(-1);
    if (last && dayAfter(last.to) === month.from) last.to = month.to;
    else ranges.push({ ...month });
  }
  return ranges;
}

function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/** The columns a report reads from a fact, present in both the live and the frozen table. */
export const FACT_SOURCE_COLUMNS =
  sql.raw(`province_code, event, value_date, region_code, payment_item_id, claim_id,
  claim_line_id, person_id, certificate_id, cell_id, amount_fen, months, days, is_counted`);

/**
 * The facts of a region subtree and date range: live rows of the open months and, for the
 * frozen (closed) months in `frozen`, the rows as they were at the close. Without frozen months
 * this is exactly the live query the reports were tuned on (bench/report.ts).
 */
export function factSource(
  scope: { regionCode: string; from: string; to: string },
  frozen: { from: string; to: string }[],
): RawBuilder<unknown> {
  const provinceCode = provinceOf(scope.regionCode);
  const pattern = regionLikePattern(scope.regionCode);
  const live = sql`select ${FACT_SOURCE_COLUMNS} from report_fact
    where province_code = ${provinceCode} and value_date between ${scope.from} and ${scope.to}
      and region_code like ${pattern}`;
  if (frozen.length === 0) return live;
  const outsideFrozen = sql.join(
    frozen.map((range) => sql`value_date not between ${range.from} and ${range.to}`),
    sql` and `,
  );
  const insideFrozen = sql.join(
    frozen.map((range) => sql`value_date between ${range.from} and ${range.to}`),
    sql` or `,
  );
  return sql`${live} and ${outsideFrozen}
    union all
    select ${FACT_SOURCE_COLUMNS} from report_fact_closed
    where province_code = ${provinceCode} and value_date between ${scope.from} and ${scope.to}
      and region_code like ${pattern} and (${insideFrozen})`;
}
