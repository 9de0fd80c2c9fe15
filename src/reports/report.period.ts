import { AppError } from '../shared/errors.ts';

/** What a report covers: a calendar quarter, a calendar year or any date range (inclusive). */
export interface ReportPeriod {
  kind: 'quarter' | 'year' | 'custom';
  /** First day, `YYYY-MM-DD`, inclusive. */
  from: string;
  /** Last day, `YYYY-MM-DD`, inclusive. */
  to: string;
  year: number | null;
  quarter: number | null;
  /** `2021年第2季度`, `2021年`, `2021-04-01至2021-05-31`. */
  label: string;
}

export interface PeriodInput {
  year?: number;
  quarter?: number;
  from?: string;
  to?: string;
}

const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const QUARTER_ENDS = ['03-31', '06-30', '09-30', '12-31'] as const;
const QUARTER_STARTS = ['01-01', '04-01', '07-01', '10-01'] as const;

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', '报告期不合规', [{ field, message }]);

export function quarterPeriod(year: number, quarter: number): ReportPeriod {
  if (!Number.isInteger(quarter) || quarter < 1 || quarter > 4) throw invalid('quarter', 'must be 1–4');
  return {
    kind: 'quarter',
    from: `${year}-${QUARTER_STARTS[quarter - 1]}`,
    to: `${year}-${QUARTER_ENDS[quarter - 1]}`,
    year,
    quarter,
    label: `${year}年第${quarter}季度`,
  };
}

export function yearPeriod(year: number): ReportPeriod {
  return {
    kind: 'year',
    from: `${year}-01-01`,
    to: `${year}-12-31`,
    year,
    quarter: null,
    label: `${year}年`,
  };
}

/**
 * The period a request names: `year` + `quarter` (季报), `year` alone (年报), or `from` + `to`
 * (a custom range, at most ten years). Any other combination is refused.
 */
export function resolvePeriod(input: PeriodInput): ReportPeriod {
  const hasRange = input.from !== undefined || input.to !== undefined;
  if (hasRange) {
    if (input.year !== undefined || input.quarter !== undefined)
      throw invalid('from', 'give either year/quarter or from/to, not both');
    if (!input.from || !DATE_PATTERN.test(input.from)) throw invalid('from', 'must be YYYY-MM-DD');
    if (!input.to || !DATE_PATTERN.test(input.to)) throw invalid('to', 'must be YYYY-MM-DD');
    if (input.to < input.from) throw invalid('to', 'must not be before from');
    if (Number(input.to.slice(0, 4)) - Number(input.from.slice(0, 4)) > 10)
      throw invalid('to', 'a custom period spans at most ten years');
    return {
      kind: 'custom',
      from: input.from,
      to: input.to,
      year: null,
      quarter: null,
      label: `${input.from}至${input.to}`,
    };
  }
  if (input.year === undefined) throw invalid('year', 'year (and quarter) or from/to is required');
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100)
    throw invalid('year', 'must be a year between 2000 and 2100');
  return input.quarter === undefined ? yearPeriod(input.year) : quarterPeriod(input.year, input.quarter);
}

/** The quarter (1–4) of a `YYYY-MM-DD` date. */
export function quarterOf(date: string): number {
  return Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1;
}
