import { provinceOf } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { type LedgerTotalRow, ledgerTotals } from '../ledger/ledger-report.service.ts';
import type { SubAccount } from '../ledger/transfer.service.ts';
import {
  CERTIFICATE_TYPES,
  type CertificateType,
  GROUP_CODES,
  type GroupCode,
  LEVELS,
  type Level,
  SUBSIDY_KINDS,
  type SubsidyKind,
} from '../policy/evaluate.types.ts';
import { findRegion } from '../registry/region.service.ts';
import { notFound } from '../shared/errors.ts';
import {
  CERTIFICATE_TYPE_LABELS,
  GROUP_LABELS,
  OCCUPATION_CATEGORY_LABELS,
  REPORT_SUB_ACCOUNTS,
  SUB_ACCOUNT_LABELS,
  SUBSIDY_KIND_LABELS,
  TRAINING_TYPE_LABELS,
  TRAINING_TYPES,
  type TrainingType,
} from './report.labels.ts';
import type { ReportPeriod } from './report.period.ts';
import { type AggregateRow, selectAggregates, selectMoneyByRegion } from './report.repository.ts';
import { listTargets, type TargetProgress, targetProgress } from './target.service.ts';

/** A row of person-times (人次) with the distinct persons and the money paid for them. */
export interface PersonTimesRow<K extends string = string> {
  key: K;
  label: string;
  personTimes: number;
  persons: number;
  amountFen: number;
}

/**
 * A money row: paid (支付) in the period, returned by the bank (退回) and recovered (追回到账)
 * in the period, and net (paid − returned − recovered).
 */
export interface MoneyRow<K extends string = string> {
  key: K;
  label: string;
  /** Subsidised claim lines counted in the period (paid, not returned, not excluded). */
  lineCount: number;
  paidFen: number;
  returnedFen: number;
  recoveredFen: number;
  netFen: number;
}

export interface LevelMatrixRow<K extends string = string> {
  key: K;
  label: string;
  byLevel: Record<Level, number>;
  total: number;
}

export interface FundFigures {
  /** Money received by the subtree from above (下拨/计提) net of re-allocations (调剂). */
  receivedFen: number;
  /** Paid out to payees (支付, 预拨) net of bank returns, recovery receipts and reversals of payments. */
  spentFen: number;
}

/**
 * A statistical report of a region subtree and period (docs/reports.md). Deterministic: the
 * same data gives the same object, so a finalised snapshot can be compared cell by cell.
 */
export interface Report {
  regionCode: string;
  regionName: string;
  period: ReportPeriod;
  totals: {
    personTimes: number;
    persons: number;
    lineCount: number;
    paidFen: number;
    returnedFen: number;
    recoveredFen: number;
    netFen: number;
  };
  trainingTypes: PersonTimesRow<TrainingType>[];
  groups: PersonTimesRow<GroupCode>[];
  /** Person-times by occupation major category (first digit of the code) and level. */
  occupationLevels: LevelMatrixRow[];
  levelTotals: Record<Level, number>;
  /** 高级工及以上: person-times at advanced level or above and their share (four decimals). */
  advanced: { personTimes: number; share: number };
  /** Certificates of the subsidised trainings and certificate subsidies, by type and level ('none' = no level). */
  certificates: (Omit<LevelMatrixRow<CertificateType>, 'byLevel'> & {
    byLevel: Record<Level | 'none', number>;
  })[];
  subsidyKinds: (MoneyRow<SubsidyKind> & { personTimes: number })[];
  subAccounts: MoneyRow<SubAccount>[];
  onTheJob: { persons: number; personTimes: number; months: number; amountFen: number };
  livingAllowance: { persons: number; lineCount: number; days: number; amountFen: number };
  fund: { period: FundFigures; cumulative: FundFigures & { executionRate: number | null } };
  targets: TargetProgress[];
}

const zeroLevels = (): Record<Level, number> =>
  Object.fromEntries(LEVELS.map((level) => [level, 0])) as Record<Level, number>;

const ratio = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

/** Region name for the title and 填报单位. */
export async function regionName(executor: Executor, regionCode: string): Promise<string> {
  const region = await findRegion(executor, regionCode);
  if (!region) throw notFound('行政区划', regionCode);
  return region.name;
}

/** Builds the report of a region subtree for a period: one aggregate statement plus the ledger. */
export async function buildReport(
  executor: Executor,
  input: { regionCode: string; period: ReportPeriod },
): Promise<Report> {
  const scope = { regionCode: input.regionCode, from: input.period.from, to: input.period.to };
  // Independent reads; on a pool they run on separate connections at the same time.
  const [name, rows, fund, targets] = await Promise.all([
    regionName(executor, input.regionCode),
    selectAggregates(executor, scope),
    fundFigures(executor, scope),
    listTargets(executor, {
      regionCode: input.regionCode,
      isExactRegion: true,
      year: Number(input.period.to.slice(0, 4)),
    }).then((found) => targetProgress(executor, found, input.period.to)),
  ]);
  const cell = (dimension: string, key: string): AggregateRow | undefined =>
    rows.find((row) => row.dimension === dimension && row.key === key);
  const total = cell('total', 'all')!;
  const personTimesRow = <K extends string>(dimension: string, key: K, label: string): PersonTimesRow<K> => {
    const found = cell(dimension, key);
    return {
      key,
      label,
      personTimes: found?.personTimes ?? 0,
      persons: found?.persons ?? 0,
      amountFen: found?.paidFen ?? 0,
    };
  };
  const moneyRow = <K extends string>(dimension: string, key: K, label: string): MoneyRow<K> => {
    const found = cell(dimension, key);
    const paidFen = found?.paidFen ?? 0;
    const returnedFen = found?.returnedFen ?? 0;
    const recoveredFen = found?.recoveredFen ?? 0;
    return {
      key,
      label,
      lineCount: found?.lineCount ?? 0,
      paidFen,
      returnedFen,
      recoveredFen,
      netFen: paidFen - returnedFen - recoveredFen,
    };
  };
  const onTheJob = cell('on_the_job', 'all');
  const living = cell('living_allowance', 'all');
  return {
    regionCode: input.regionCode,
    regionName: name,
    period: input.period,
    totals: {
      personTimes: total.personTimes,
      persons: total.persons,
      lineCount: total.lineCount,
      paidFen: total.paidFen,
      returnedFen: total.returnedFen,
      recoveredFen: total.recoveredFen,
      netFen: total.paidFen - total.returnedFen - total.recoveredFen,
    },
    trainingTypes: TRAINING_TYPES.map((key) =>
      personTimesRow('training_type', key, TRAINING_TYPE_LABELS[key]),
    ),
    groups: GROUP_CODES.map((key) => personTimesRow('group', key, GROUP_LABELS[key])),
    ...levelTables(rows),
    advanced: { personTimes: total.quantity, share: ratio(total.quantity, total.personTimes) },
    subsidyKinds: SUBSIDY_KINDS.map((key) => ({
      ...moneyRow('subsidy_kind', key, SUBSIDY_KIND_LABELS[key]),
      personTimes: cell('subsidy_kind', key)?.personTimes ?? 0,
    })),
    subAccounts: REPORT_SUB_ACCOUNTS.map((key) => moneyRow('sub_account', key, SUB_ACCOUNT_LABELS[key])),
    onTheJob: {
      persons: onTheJob?.persons ?? 0,
      personTimes: onTheJob?.personTimes ?? 0,
      months: onTheJob?.quantity ?? 0,
      amountFen: onTheJob?.paidFen ?? 0,
    },
    livingAllowance: {
      persons: living?.persons ?? 0,
      lineCount: living?.lineCount ?? 0,
      days: living?.quantity ?? 0,
      amountFen: living?.paidFen ?? 0,
    },
    fund,
    targets,
  };
}

function levelTables(
  rows: AggregateRow[],
): Pick<Report, 'occupationLevels' | 'levelTotals' | 'certificates'> {
  const levelTotals = zeroLevels();
  const occupationLevels = Object.entries(OCCUPATION_CATEGORY_LABELS).map(([category, label]) => {
    const byLevel = zeroLevels();
    for (const level of LEVELS) {
      const found = rows.find(
        (row) => row.dimension === 'occupation_level' && row.key === `${category}:${level}`,
      );
      byLevel[level] = found?.personTimes ?? 0;
      levelTotals[level] += byLevel[level];
    }
    return { key: category, label, byLevel, total: LEVELS.reduce((sum, level) => sum + byLevel[level], 0) };
  });
  const certificates = CERTIFICATE_TYPES.map((type) => {
    const byLevel = { ...zeroLevels(), none: 0 } as Record<Level | 'none', number>;
    for (const level of [...LEVELS, 'none'] as const) {
      const found = rows.find((row) => row.dimension === 'certificate' && row.key === `${type}:${level}`);
      byLevel[level] = found?.quantity ?? 0;
    }
    const total = Object.values(byLevel).reduce((sum, count) => sum + count, 0);
    return { key: type, label: CERTIFICATE_TYPE_LABELS[type], byLevel, total };
  });
  return { occupationLevels, levelTotals, certificates };
}

const sumOf = (
  rows: LedgerTotalRow[],
  predicate: (row: LedgerTotalRow) => boolean,
  side: 'debitFen' | 'creditFen',
) => rows.filter(predicate).reduce((sum, row) => sum + row[side], 0);

/**
 * What the ledger paid out of one sub-account (支付 and 预拨 to the bank) net of the bank's
 * returns (退回) and recovery receipts (追回到账) back into it — the ledger side of 账表相符
 * (docs/reports.md). Re-allocations (调剂), allocations, settlements and manual postings move
 * money between fund accounts and are not spending, and neither are their reversals; a
 * reversal counts only when it reverses a payment, a return or a recovery.
 */
export function ledgerNetPaidFen(rows: LedgerTotalRow[], account: SubAccount): number {
  const mine = rows.filter((row) => row.account === account);
  const isPayment = (code: string | null) => code === 'disbursement' || code === 'advance';
  const isReturn = (code: string | null) => code === 'payment_failure' || code === 'recovery';
  return (
    sumOf(mine, (row) => isPayment(row.code), 'debitFen') -
    sumOf(mine, (row) => isReturn(row.code), 'creditFen') -
    // A stray posting reversed by hand (冲正) undoes what it reversed, and nothing else does.
    sumOf(mine, (row) => row.code === 'reversal' && isPayment(row.reversesCode), 'creditFen') +
    sumOf(mine, (row) => row.code === 'reversal' && isReturn(row.reversesCode), 'debitFen')
  );
}

/** What the bank returned in the period (退回) into the fund accounts (legacy: the payable account). */
export function ledgerReturnedFen(rows: LedgerTotalRow[]): number {
  return sumOf(rows, (row) => row.account !== 'bank' && row.code === 'payment_failure', 'creditFen');
}

function fundOf(rows: LedgerTotalRow[], regionCode: string): FundFigures {
  const received =
    sumOf(
      rows,
      (row) =>
        row.regionCode === regionCode &&
        row.account === 'special' &&
        (row.code === 'allocation' || row.code === 'appropriation'),
      'creditFen',
    ) +
    sumOf(rows, (row) => row.code === 'reallocation', 'creditFen') -
    sumOf(rows, (row) => row.code === 'reallocation', 'debitFen');
  const spent = REPORT_SUB_ACCOUNTS.reduce((sum, account) => sum + ledgerNetPaidFen(rows, account), 0);
  // Returns of the legacy clearing account (before issue 15) are not on a sub-account.
  const legacyReturned = sumOf(
    rows,
    (row) => row.account === 'payable' && row.code === 'payment_failure',
    'creditFen',
  );
  return { receivedFen: received, spentFen: spent - legacyReturned };
}

/** Allocated vs spent for the period and cumulatively up to its end (执行率 = spent / received). */
async function fundFigures(
  executor: Executor,
  scope: { regionCode: string; from: string; to: string },
): Promise<Report['fund']> {
  const [period, cumulative] = await Promise.all([
    ledgerTotals(executor, scope),
    ledgerTotals(executor, { ...scope, from: '1900-01-01' }),
  ]);
  const total = fundOf(cumulative, scope.regionCode);
  return {
    period: fundOf(period, scope.regionCode),
    cumulative: {
      ...total,
      executionRate: total.receivedFen === 0 ? null : ratio(total.spentFen, total.receivedFen),
    },
  };
}

export interface LedgerComparisonRow {
  /** A spending sub-account (or, in snapshots finalised before the net comparison, 'payable'). */
  account: SubAccount | 'payable';
  label: string;
  /** The report's money net of bank returns and recoveries. */
  reportFen: number;
  /** The ledger's payments out of the sub-account net of returns and recovery receipts into it. */
  ledgerFen: number;
  /** reportFen − ledgerFen. */
  differenceFen: number;
}

/** One region and sub-account of the comparison (the region whose accounts paid). */
export interface RegionComparisonRow extends LedgerComparisonRow {
  regionCode: string;
}

export interface LedgerComparison {
  regionCode: string;
  from: string;
  to: string;
  /** Per sub-account, the whole region subtree. */
  rows: LedgerComparisonRow[];
  /** Per region of the subtree and sub-account, every pair with money on either side. */
  regions?: RegionComparisonRow[];
  isBalanced: boolean;
}

/**
 * 账表相符 against the ledger's own movements: the report's money by region and sub-account
 * (paid − returned − recovered, from the report facts) against the ledger's payments out of
 * that region's sub-account net of the bank's returns and the recovery receipts into it
 * (`ledgerNetPaidFen`), for the same value-date range.
 */
export async function compareMoneyWithLedger(
  executor: Executor,
  scope: { regionCode: string; from: string; to: string },
): Promise<LedgerComparison> {
  const [facts, ledger] = await Promise.all([
    selectMoneyByRegion(executor, scope),
    ledgerTotals(executor, scope),
  ]);
  const regionCodes = [
    ...new Set([...facts.map((row) => row.regionCode), ...ledger.map((row) => row.regionCode)]),
  ].sort();
  const regions: RegionComparisonRow[] = [];
  for (const regionCode of regionCodes) {
    const ledgerRows = ledger.filter((row) => row.regionCode === regionCode);
    for (const account of REPORT_SUB_ACCOUNTS) {
      const fact = facts.find((row) => row.regionCode === regionCode && row.subAccount === account);
      const reportFen = fact ? fact.paidFen - fact.returnedFen - fact.recoveredFen : 0;
      const ledgerFen = ledgerNetPaidFen(ledgerRows, account);
      if (!fact && ledgerFen === 0) continue;
      regions.push({
        regionCode,
        account,
        label: SUB_ACCOUNT_LABELS[account],
        reportFen,
        ledgerFen,
        differenceFen: reportFen - ledgerFen,
      });
    }
  }
  const rows: LedgerComparisonRow[] = REPORT_SUB_ACCOUNTS.map((account) => {
    const mine = regions.filter((row) => row.account === account);
    const reportFen = mine.reduce((sum, row) => sum + row.reportFen, 0);
    const ledgerFen = mine.reduce((sum, row) => sum + row.ledgerFen, 0);
    return {
      account,
      label: SUB_ACCOUNT_LABELS[account],
      reportFen,
      ledgerFen,
      differenceFen: reportFen - ledgerFen,
    };
  });
  return { ...scope, rows, regions, isBalanced: regions.every((row) => row.differenceFen === 0) };
}

/** 账表相符 of a report: its region subtree and period (see `compareMoneyWithLedger`). */
export async function compareWithLedger(executor: Executor, report: Report): Promise<LedgerComparison> {
  return compareMoneyWithLedger(executor, {
    regionCode: report.regionCode,
    from: report.period.from,
    to: report.period.to,
  });
}

/**
 * The period close's 账表相符 check (handed to the ledger's close by the composition root, so
 * the ledger never imports reports): every region and sub-account of the province whose
 * report money differs from the ledger's in the month.
 */
export async function reportLedgerDifferences(
  executor: Executor,
  input: { provinceCode: string; from: string; to: string },
): Promise<{ field: string; message: string }[]> {
  const comparison = await compareMoneyWithLedger(executor, {
    regionCode: input.provinceCode,
    from: input.from,
    to: input.to,
  });
  const yuan = (fen: number) => (fen / 100).toFixed(2);
  const differing = (comparison.regions ?? []).filter((row) => row.differenceFen !== 0);
  if (differing.length === 0) return [];
  // The close's checklist is read by a person: regions by name, not by code.
  const names = new Map(
    (
      await executor
        .selectFrom('region')
        .select(['code', 'name'])
        .where('code', 'in', [...new Set(differing.map((row) => row.regionCode))])
        .execute()
    ).map((row) => [row.code, row.name]),
  );
  return differing.map((row) => ({
    field: `reports.${row.regionCode}.${row.account}`,
    message: `${names.get(row.regionCode) ?? row.regionCode} ${row.label}：报表 ${yuan(row.reportFen)} 元，专账 ${yuan(row.ledgerFen)} 元，相差 ${yuan(row.differenceFen)} 元`,
  }));
}

/** The province a report belongs to (distribution key of its snapshot). */
export const reportProvince = (report: Report) => provinceOf(report.regionCode);
