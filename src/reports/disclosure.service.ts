import { stringify } from 'csv-stringify/sync';
import type { Executor } from '../db/database.ts';
import { type LedgerTotalRow, ledgerTotals } from '../ledger/ledger-report.service.ts';
import { quarterPeriod } from './report.period.ts';
import { selectDisclosure } from './report.repository.ts';
import { regionName } from './report.service.ts';

/**
 * Cells describing fewer distinct persons than this are suppressed in the public disclosure, so
 * that a published figure never is one identifiable person's subsidy (docs/reports.md).
 */
export const DISCLOSURE_MIN_PERSONS = 3;

export interface DisclosureCell {
  regionCode: string;
  regionName: string;
  quarter: number;
  /** Money allocated to the region's special account in the quarter (下拨到位), not personal. */
  allocatedFen: number;
  /** Subsidised person-times; null when suppressed. */
  personTimes: number | null;
  /** Subsidies paid net of bank returns and recoveries; null when suppressed. */
  paidFen: number | null;
  isSuppressed: boolean;
}

export interface Disclosure {
  regionCode: string;
  regionName: string;
  year: number;
  unit: '分';
  minPersons: number;
  /** One row per sub-region (next level down) and quarter, then the region's own total rows. */
  items: DisclosureCell[];
}

/** The sub-regions a disclosure lists: cities of a province, counties of a city, a county itself. */
function childGrouping(regionCode: string): { childCodeLength: number; childSuffix: string } {
  if (regionCode.endsWith('0000')) return { childCodeLength: 4, childSuffix: '00' };
  return { childCodeLength: 6, childSuffix: '' };
}

interface RawCell {
  regionCode: string;
  quarter: number;
  personTimes: number;
  persons: number;
  paidFen: number;
}

/**
 * Primary suppression of small cells, then secondary suppression so a suppressed cell cannot
 * be recovered from the region total of its quarter: when a quarter has exactly one suppressed
 * sub-region, the next smallest non-empty one is suppressed too.
 */
export function suppressSmallCells<T extends RawCell>(cells: T[], minPersons: number): Set<T> {
  const suppressed = new Set(cells.filter((cell) => cell.persons > 0 && cell.persons < minPersons));
  for (const quarter of [1, 2, 3, 4]) {
    const inQuarter = cells.filter((cell) => cell.quarter === quarter);
    if (inQuarter.filter((cell) => suppressed.has(cell)).length !== 1) continue;
    const partner = inQuarter
      .filter((cell) => !suppressed.has(cell) && cell.persons > 0)
      .sort((left, right) => left.persons - right.persons)[0];
    if (partner) suppressed.add(partner);
  }
  return suppressed;
}

/**
 * What a ledger total row brought into a region's fund accounts: appropriations and allocations
 * into its special account, 调剂 into any fund account net of 调剂 out, and the reversal (冲正)
 * of any of them taken back.
 */
function receivedFen(row: LedgerTotalRow): number {
  const isIntoSpecial = (code: string | null) => code === 'allocation' || code === 'appropriation';
  if (row.code === 'reallocation') return row.creditFen - row.debitFen;
  if (row.account === 'special' && isIntoSpecial(row.code)) return row.creditFen;
  if (row.code !== 'reversal') return 0;
  if (row.reversesCode === 'reallocation') return row.creditFen - row.debitFen;
  if (row.account === 'special' && isIntoSpecial(row.reversesCode)) return -row.debitFen;
  return 0;
}

/**
 * Fund use of a region by sub-region and quarter of a year (公开资金使用情况): aggregated
 * person-times and money, never a person's data; small cells suppressed.
 */
export async function publicDisclosure(
  executor: Executor,
  input: { regionCode: string; year: number },
): Promise<Disclosure> {
  const name = await regionName(executor, input.regionCode);
  const grouping = childGrouping(input.regionCode);
  const facts = await selectDisclosure(executor, {
    regionCode: input.regionCode,
    from: `${input.year}-01-01`,
    to: `${input.year}-12-31`,
    ...grouping,
  });
  const childOf = (code: string) => `${code.slice(0, grouping.childCodeLength)}${grouping.childSuffix}`;
  // Money received: appropriations and allocations into a special account, and 调剂 into any
  // fund account net of 调剂 out (reallocation moves a sub-account between counties).
  const allocations = new Map<string, number>();
  for (const quarter of [1, 2, 3, 4]) {
    const period = quarterPeriod(input.year, quarter);
    const rows = await ledgerTotals(executor, {
      regionCode: input.regionCode,
      from: period.from,
      to: period.to,
    });
    for (const row of rows) {
      const amountFen = receivedFen(row);
      if (amountFen === 0) continue;
      const code = row.regionCode === input.regionCode ? input.regionCode : childOf(row.regionCode);
      const key = `${code}:${quarter}`;
      allocations.set(key, (allocations.get(key) ?? 0) + amountFen);
    }
  }
  // Every sub-region that received money or paid it out is listed, not only those with payments.
  const receivingChildren = [...allocations.entries()]
    .filter(([, amountFen]) => amountFen !== 0)
    .map(([key]) => key.split(':')[0]!)
    .filter((code) => code !== input.regionCode);
  const childCodes = [...new Set([...facts.map((row) => row.regionCode), ...receivingChildren])].sort();
  const names = new Map<string, string>();
  for (const code of [input.regionCode, ...childCodes]) {
    names.set(code, await regionName(executor, code).catch(() => code));
  }
  const cells = childCodes.flatMap((code) =>
    [1, 2, 3, 4].map((quarter) => {
      const found = facts.find((row) => row.regionCode === code && row.quarter === quarter);
      return {
        regionCode: code,
        quarter,
        personTimes: found?.personTimes ?? 0,
        persons: found?.persons ?? 0,
        paidFen: (found?.paidFen ?? 0) - (found?.returnedFen ?? 0) - (found?.recoveredFen ?? 0),
      };
    }),
  );
  const totals = [1, 2, 3, 4].map((quarter) => {
    const inQuarter = facts.filter((row) => row.quarter === quarter);
    return {
      regionCode: input.regionCode,
      quarter,
      personTimes: inQuarter.reduce((sum, row) => sum + row.personTimes, 0),
      persons: inQuarter.reduce((sum, row) => sum + row.persons, 0),
      paidFen: inQuarter.reduce((sum, row) => sum + row.paidFen - row.returnedFen - row.recoveredFen, 0),
    };
  });
  const suppressed = suppressSmallCells(cells, DISCLOSURE_MIN_PERSONS);
  const isOwnRow = (code: string) => code === input.regionCode;
  const items = [...cells.filter((cell) => !isOwnRow(cell.regionCode)), ...totals].map((cell) => {
    const isSuppressed = suppressed.has(cell) || (cell.persons > 0 && cell.persons < DISCLOSURE_MIN_PERSONS);
    return {
      regionCode: cell.regionCode,
      regionName: names.get(cell.regionCode) ?? cell.regionCode,
      quarter: cell.quarter,
      allocatedFen: allocations.get(`${cell.regionCode}:${cell.quarter}`) ?? 0,
      personTimes: isSuppressed ? null : cell.personTimes,
      paidFen: isSuppressed ? null : cell.paidFen,
      isSuppressed,
    };
  });
  return {
    regionCode: input.regionCode,
    regionName: name,
    year: input.year,
    unit: '分',
    minPersons: DISCLOSURE_MIN_PERSONS,
    items,
  };
}

const yuanText = (fen: number) =>
  `${fen < 0 ? '-' : ''}${Math.trunc(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

/** The disclosure as CSV; money in yuan; suppressed cells read `<3人`. */
export function disclosureCsv(disclosure: Disclosure): string {
  const marker = `<${disclosure.minPersons}人`;
  // Chinese headers and a UTF-8 byte-order mark: Excel on a Chinese Windows machine opens it as is.
  return `\ufeff${stringify(
    disclosure.items.map((item) => [
      disclosure.year,
      item.quarter,
      item.regionCode,
      item.regionName,
      yuanText(item.allocatedFen),
      item.personTimes === null ? marker : String(item.personTimes),
      item.paidFen === null ? marker : yuanText(item.paidFen),
    ]),
    {
      header: true,
      columns: ['年度', '季度', '地区代码', '地区名称', '下拨资金（元）', '补贴人次', '支付金额（元）'],
    },
  )}`;
}
