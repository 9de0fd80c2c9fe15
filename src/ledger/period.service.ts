import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { isWithinRegion, type Principal, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import { regionAncestors } from '../shared/regions.ts';
import { APPROVAL_KIND_LABELS, type ApprovalKind } from './approval.service.ts';
import { monthRange } from './bank-reconciliation.service.ts';
import { type LedgerTotalRow, ledgerTotals } from './ledger-report.service.ts';

/**
 * Month-end close of a province's special-account books (月结), with its checklist. Months close
 * in order and only when over; the month's reconciliations are signed off and nothing is in
 * flight; the report agrees with the ledger (when the reports domain lends that check); a closed
 * month refuses postings (and so does every earlier one), and its ledger figures — and, through
 * `freezeReports`, its report figures — are kept as they were at close. See docs/bank-reconciliation.md.
 */
export interface ChecklistItem {
  code: 'in_order' | 'month_over' | 'reconciled' | 'nothing_in_flight' | 'report_matches_ledger';
  label: string;
  isOk: boolean;
  details: { field: string; message: string }[];
}

export interface PeriodChecklist {
  provinceCode: string;
  period: string;
  lastClosed: string | null;
  isClosed: boolean;
  mayClose: boolean;
  items: ChecklistItem[];
}

function nextMonth(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

/** Only the province's own finance officer closes its months (a city or county officer cannot). */
export function assertMayClose(principal: Principal, provinceCode: string): void {
  if (principal.regionCode !== provinceCode)
    throw new AppError('FORBIDDEN', '只有省级财政人员可以结账（结账对全省专账生效）', [
      { field: 'provinceCode', message: `${provinceCode} 的结账须由省级财政人员办理` },
    ]);
}

async function lastClosedPeriod(executor: Executor, provinceCode: string): Promise<string | null> {
  const row = await executor
    .selectFrom('ledger_period_close')
    .select((eb) => eb.fn.max('period').as('period'))
    .where('province_code', '=', provinceCode)
    .executeTakeFirst();
  return row?.period ?? null;
}

async function orderItem(
  executor: Executor,
  provinceCode: string,
  period: string,
  lastClosed: string | null,
) {
  const item: ChecklistItem = { code: 'in_order', label: '按月顺序结账', isOk: true, details: [] };
  if (lastClosed) {
    if (period !== nextMonth(lastClosed))
      item.details.push({
        field: 'period',
        message: `上次结账为 ${lastClosed}，须先结 ${nextMonth(lastClosed)}`,
      });
  } else {
    const first = await executor
      .selectFrom('ledger_transfer')
      .select((eb) => eb.fn.min('value_date').as('first'))
      .where('province_code', '=', provinceCode)
      .executeTakeFirst();
    const firstPeriod = (first?.first as string | null | undefined)?.slice(0, 7);
    if (firstPeriod && period !== firstPeriod)
      item.details.push({ field: 'period', message: `本省账务始于 ${firstPeriod}，首次结账须结该月` });
  }
  item.isOk = item.details.length === 0;
  return item;
}

/** Regions with money through the bank in the month (a transfer touching a bank or fund-source account). */
async function regionsWithBankMovements(executor: Executor, provinceCode: string, period: string) {
  const { from, to } = monthRange(period);
  const rows = await sql<{ region_code: string }>`
    select distinct f.region_code
    from ledger_transfer t
    join ledger_account d on d.id = t.debit_account_id and d.province_code = t.province_code
    join ledger_account c on c.id = t.credit_account_id and c.province_code = t.province_code
    cross join lateral (values (case when d.kind in ('bank', 'ui_fund_source') then c.region_code end),
                               (case when c.kind in ('bank', 'ui_fund_source') then d.region_code end)) as f(region_code)
    where t.province_code = ${provinceCode} and t.value_date between ${from} and ${to}
      and f.region_code is not null
    order by 1`.execute(executor);
  return rows.rows.map((row) => row.region_code);
}

/** The first journal posted after a sign-off that moved money of the month through the region's bank. */
async function postedThroughBankAfter(
  executor: Executor,
  provinceCode: string,
  period: string,
  reconciliation: { region_code: string; signed_off_at: Date | null },
): Promise<number | null> {
  if (!reconciliation.signed_off_at) return null;
  const { from, to } = monthRange(period);
  const rows = await sql<{ journal_id: number }>`
    select min(j.id) as journal_id
    from ledger_transfer t
    join ledger_journal j on j.id = t.journal_id and j.province_code = t.province_code
    join ledger_account a on a.province_code = t.province_code and a.id in (t.debit_account_id, t.credit_account_id)
    where t.province_code = ${provinceCode} and t.value_date between ${from} and ${to}
      and j.created_at > ${reconciliation.signed_off_at}
      and a.kind in ('bank', 'ui_fund_source')
      and a.region_code like ${regionLikePattern(reconciliation.region_code)}`.execute(executor);
  const journalId = rows.rows[0]?.journal_id;
  return journalId === null || journalId === undefined ? null : Number(journalId);
}

/** Region names for checklist messages (a person reads 衡阳市, not 430400). */
async function regionNames(executor: Executor, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await executor
    .selectFrom('region')
    .select(['code', 'name'])
    .where('code', 'in', [...new Set(codes)])
    .execute();
  return new Map(rows.map((row) => [row.code, row.name]));
}

/**
 * Whether a signed-off reconciliation of `reconciledRegion` covers `region`: the region lies in
 * its subtree and is not paid from a special account registered below it (a county with an
 * account of its own has its own statement, which the province's statement does not show).
 */
function covers(reconciledRegion: string, region: string, registered: ReadonlySet<string>): boolean {
  if (!isWithinRegion(reconciledRegion, region)) return false;
  const paying = regionAncestors(region).find((candidate) => registered.has(candidate));
  return paying === undefined || paying === reconciledRegion || !isWithinRegion(reconciledRegion, paying);
}

async function reconciledItem(
  executor: Executor,
  provinceCode: string,
  period: string,
): Promise<ChecklistItem> {
  const regions = await regionsWithBankMovements(executor, provinceCode, period);
  const signedRows = await executor
    .selectFrom('ledger_reconciliation')
    .select(['id', 'region_code', 'signed_off_at'])
    .where('province_code', '=', provinceCode)
    .where('period', '=', period)
    .where('status', '=', 'signed_off')
    .execute();
  const registered = new Set(
    (
      await executor
        .selectFrom('ledger_bank_account')
        .select('region_code')
        .where('province_code', '=', provinceCode)
        .execute()
    ).map((row) => row.region_code),
  );
  // A sign-off covers the books as they were when it was given: a posting into the month through
  // the region's bank after it (a late payment, a return, interest) voids it.
  const stale: { region: string; journalId: number }[] = [];
  const signed: typeof signedRows = [];
  for (const row of signedRows) {
    const later = await postedThroughBankAfter(executor, provinceCode, period, row);
    if (later === null) signed.push(row);
    else stale.push({ region: row.region_code, journalId: later });
  }
  const unsigned = regions
    .filter((region) => !signed.some((row) => covers(row.region_code, region, registered)))
    .filter((region) => !stale.some((entry) => entry.region === region));
  const names = await regionNames(executor, [...stale.map((entry) => entry.region), ...unsigned]);
  const nameOf = (code: string) => names.get(code) ?? code;
  const details = [
    ...stale.map((entry) => ({
      field: `reconciliations.${entry.region}`,
      message: `${nameOf(entry.region)} ${period} 的银行对账复核后又有记账（凭证 ${entry.journalId}），须重新编制并复核`,
    })),
    ...unsigned.map((region) => ({
      field: `reconciliations.${region}`,
      message: `${nameOf(region)} ${period} 的银行对账未经复核`,
    })),
  ];
  return { code: 'reconciled', label: '本月银行对账均已编制并复核', isOk: details.length === 0, details };
}

async function inFlightItem(
  executor: Executor,
  provinceCode: string,
  period: string,
): Promise<ChecklistItem> {
  const { to } = monthRange(period);
  const disbursements = await executor
    .selectFrom('payment_disbursement as d')
    .innerJoin('payment_batch as b', (join) =>
      join.onRef('b.id', '=', 'd.batch_id').onRef('b.province_code', '=', 'd.province_code'),
    )
    .select(['d.id', 'b.id as batch_id'])
    .where('d.province_code', '=', provinceCode)
    .where('d.status', '=', 'ordered')
    .where('b.value_date', '<=', to)
    .orderBy('d.id')
    .limit(20)
    .execute();
  const requests = await executor
    .selectFrom('ledger_fund_request')
    .select('id')
    .where('province_code', '=', provinceCode)
    .where('status', '=', 'pending')
    .where('value_date', '<=', to)
    .limit(20)
    .execute();
  // Payment orders, manual postings (interest and fees from statement lines too), reversals and
  // account changes awaiting their second person.
  const approvals = await executor
    .selectFrom('ledger_approval')
    .select(['id', 'kind'])
    .where('province_code', '=', provinceCode)
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(20)
    .execute();
  const details = [
    ...approvals.map((row) => ({
      field: `approvals.${row.id}`,
      message: `复核事项 ${row.id}（${APPROVAL_KIND_LABELS[row.kind as ApprovalKind] ?? row.kind}）待复核`,
    })),
    ...disbursements.map((row) => ({
      field: `disbursements.${row.id}`,
      message: `支付批次 ${row.batch_id} 的第 ${row.id} 笔支付尚无银行结果`,
    })),
    ...requests.map((row) => ({ field: `fundRequests.${row.id}`, message: `资金划转申请 ${row.id} 待复核` })),
  ];
  return { code: 'nothing_in_flight', label: '无在途支付或待复核记账', isOk: details.length === 0, details };
}

/**
 * What the reports domain lends the close (handed in by the composition root, src/api/routes.ts:
 * the reports domain imports the ledger, so the ledger cannot import it).
 */
export interface PeriodClosePorts {
  /**
   * 账表相符: the month's report money by region and sub-account against the ledger's payments net
   * of returns and recoveries; one detail per region and sub-account that differs.
   */
  reportDifferences?: (
    executor: Executor,
    input: { provinceCode: string; from: string; to: string },
  ) => Promise<{ field: string; message: string }[]>;
  /** Freezes the month's report figures (called in the close's transaction). */
  freezeReports?: (
    executor: Executor,
    context: AuditContext,
    input: { provinceCode: string; period: string },
  ) => Promise<unknown>;
}

async function reportItem(
  executor: Executor,
  input: { provinceCode: string; period: string },
  ports: PeriodClosePorts,
): Promise<ChecklistItem[]> {
  if (!ports.reportDifferences) return [];
  const details = await ports.reportDifferences(executor, {
    provinceCode: input.provinceCode,
    ...monthRange(input.period),
  });
  return [
    {
      code: 'report_matches_ledger',
      label: '账表相符（报表金额与专账收支逐地区、逐子账户一致）',
      isOk: details.length === 0,
      details,
    },
  ];
}

/** The close checklist of a month, as of the business date `today`. */
export async function periodChecklist(
  executor: Executor,
  input: { provinceCode: string; period: string; today: string },
  ports: PeriodClosePorts = {},
): Promise<PeriodChecklist> {
  const lastClosed = await lastClosedPeriod(executor, input.provinceCode);
  const isClosed = lastClosed !== null && input.period <= lastClosed;
  const monthOver: ChecklistItem = {
    code: 'month_over',
    label: '该月已结束（按业务日期）',
    isOk: input.period < input.today.slice(0, 7),
    details:
      input.period < input.today.slice(0, 7)
        ? []
        : [{ field: 'period', message: `业务日期为 ${input.today}，${input.period} 尚未结束` }],
  };
  const items = [
    await orderItem(executor, input.provinceCode, input.period, lastClosed),
    monthOver,
    await reconciledItem(executor, input.provinceCode, input.period),
    await inFlightItem(executor, input.provinceCode, input.period),
    ...(await reportItem(executor, input, ports)),
  ];
  if (isClosed) for (const item of items) item.isOk = true;
  return {
    provinceCode: input.provinceCode,
    period: input.period,
    lastClosed,
    isClosed,
    mayClose: !isClosed && items.every((item) => item.isOk),
    items: isClosed ? items.map((item) => ({ ...item, details: [] })) : items,
  };
}

export interface ClosedPeriod {
  provinceCode: string;
  period: string;
  closedBy: number | null;
  closedAt: Date;
  /** The month's ledger figures at close (per region, account and code); null on a row without. */
  figures: LedgerTotalRow[] | null;
}

/**
 * Closes a month after its checklist passes (409 PERIOD_CLOSE_REFUSED naming each failing
 * check otherwise) and keeps the month's ledger figures. Run in a transaction; the province's
 * close row is locked by the insert, so two closes of one month cannot both pass.
 */
/** The stored figures (jsonb, written by closeMonth from ledgerTotals). */
function figuresOf(stored: unknown): LedgerTotalRow[] | null {
  if (stored === null || stored === undefined) return null;
  return (typeof stored === 'string' ? JSON.parse(stored) : stored) as LedgerTotalRow[];
}

export async function closeMonth(
  executor: Executor,
  context: AuditContext,
  input: { provinceCode: string; period: string; today: string },
  ports: PeriodClosePorts = {},
): Promise<ClosedPeriod> {
  if (context.actor) assertMayClose(context.actor, input.provinceCode);
  await sql`select pg_advisory_xact_lock(hashtext(${`period-close:${input.provinceCode}`}))`.execute(
    executor,
  );
  const checklist = await periodChecklist(executor, input, ports);
  if (checklist.isClosed)
    throw new AppError('INVALID_STATE', `${input.period} 已结账`, [
      { field: 'period', message: '该期间已结账' },
    ]);
  if (!checklist.mayClose)
    throw new AppError(
      'PERIOD_CLOSE_REFUSED',
      `${input.period} 不满足结账条件`,
      checklist.items.flatMap((item) => item.details.map((detail) => ({ ...detail, check: item.code }))),
    );
  const { from, to } = monthRange(input.period);
  const figures = await ledgerTotals(executor, { regionCode: input.provinceCode, from, to });
  const row = await executor
    .insertInto('ledger_period_close')
    .values({
      province_code: input.provinceCode,
      period: input.period,
      closed_by: context.actor?.userId ?? null,
      figures: JSON.stringify(figures),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await ports.freezeReports?.(executor, context, { provinceCode: input.provinceCode, period: input.period });
  await recordAudit(executor, context, {
    action: 'ledger.close_period',
    objectType: 'ledger_period',
    objectId: `${input.provinceCode}:${input.period}`,
    provinceCode: input.provinceCode,
    after: { period: input.period, checklist: checklist.items.map((item) => item.code) },
  });
  return {
    provinceCode: row.province_code,
    period: row.period,
    closedBy: row.closed_by,
    closedAt: row.closed_at,
    figures: figuresOf(row.figures),
  };
}

export async function listClosedPeriods(executor: Executor, provinceCode: string): Promise<ClosedPeriod[]> {
  const rows = await executor
    .selectFrom('ledger_period_close')
    .selectAll()
    .where('province_code', '=', provinceCode)
    .orderBy('period', 'desc')
    .execute();
  return rows.map((row) => ({
    provinceCode: row.province_code,
    period: row.period,
    closedBy: row.closed_by,
    closedAt: row.closed_at,
    figures: figuresOf(row.figures),
  }));
}
