/**
 * Calendar arithmetic on ISO `YYYY-MM-DD` strings. ISO dates compare correctly as strings, so
 * most rules only compare; the helpers below cover the few that count days or months.
 */

const MILLISECONDS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of an ISO date. */
export function toDayNumber(isoDate: string): number {
  const year = Number(isoDate.slice(0, 4));
  const month = Number(isoDate.slice(5, 7));
  const day = Number(isoDate.slice(8, 10));
  return Date.UTC(year, month - 1, day) / MILLISECONDS_PER_DAY;
}

/** Number of days from start to end, both inclusive (2021-05-10..2021-05-21 is 12 days). */
export function inclusiveDays(start: string, end: string): number {
  return toDayNumber(end) - toDayNumber(start) + 1;
}

/** The later of two ISO dates. */
export function laterDate(a: string, b: string): string {
  return a > b ? a : b;
}

/** The earlier of two ISO dates. */
export function earlierDate(a: string, b: string): string {
  return a < b ? a : b;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month (monthIndex 0–11), as Date counts them. */
function daysInMonth(year: number, monthIndex: number): number {
  // Date.UTC reads the years 0–99 as 1900–1999: kept as it was for them.
  if (year < 100) return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
  if (monthIndex !== 1) return DAYS_IN_MONTH[monthIndex]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/**
 * The ISO date of a day number, as `new Date(day × 86,400,000).toISOString().slice(0, 10)` writes
 * it, without the Date object and its string (civil-from-days, H. Hinnant's algorithm); years
 * outside 0000–9999, which toISOString writes with a sign, go through Date.
 */
export function fromDayNumber(day: number): string {
  const shifted = day + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1_460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthPrime = Math.floor((5 * dayOfYear + 2) / 153);
  const dayOfMonth = dayOfYear - Math.floor((153 * monthPrime + 2) / 5) + 1;
  const month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (!Number.isInteger(day) || year < 0 || year > 9999)
    return new Date(day * MILLISECONDS_PER_DAY).toISOString().slice(0, 10);
  return `${paddedYear(year)}-${month < 10 ? '0' : ''}${month}-${dayOfMonth < 10 ? '0' : ''}${dayOfMonth}`;
}

function paddedYear(year: number): string {
  return year >= 1000 ? String(year) : String(year).padStart(4, '0');
}

/**
 * Last day (as a day number) of the n-th whole month of work that starts on `start` inclusive.
 * A month ends the day before the corresponding day of the next month; when the next month has
 * no corresponding day (work starting on 31 January) it ends on that month's last day, which is
 * how 民法典 第二百零三条 treats a period without a corresponding day.
 */
function endOfNthMonth(startYear: number, startMonthIndex: number, startDay: number, n: number): number {
  const totalMonths = startMonthIndex + n;
  const year = startYear + Math.floor(totalMonths / 12);
  const monthIndex = totalMonths % 12;
  const lastDay = daysInMonth(year, monthIndex);
  if (startDay > lastDay) return Date.UTC(year, monthIndex, lastDay) / MILLISECONDS_PER_DAY;
  return Date.UTC(year, monthIndex, startDay) / MILLISECONDS_PER_DAY - 1;
}

/**
 * Whole months of continuous work from start to end inclusive ("每满1个月" counts only full
 * months): 2021-03-01..2021-05-31 is 3, 2021-02-01..2021-08-15 is 6.
 */
export function fullMonthsBetween(start: string, end: string): number {
  const startYear = Number(start.slice(0, 4));
  const startMonthIndex = Number(start.slice(5, 7)) - 1;
  const startDay = Number(start.slice(8, 10));
  const endDay = toDayNumber(end);
  // A rough estimate first, then step to the exact count; at most a couple of iterations.
  let months = Math.max(0, Math.floor((endDay - toDayNumber(start) + 1) / 31));
  while (endOfNthMonth(startYear, startMonthIndex, startDay, months + 1) <= endDay) months += 1;
  while (months > 0 && endOfNthMonth(startYear, startMonthIndex, startDay, months) > endDay) months -= 1;
  return months;
}

/** Do two inclusive periods share at least one day? */
export function periodsOverlap(startA: string, endA: string, startB: string, endB: string): boolean {
  return startA <= endB && startB <= endA;
}

/** The ISO date one day after `isoDate`. */
export function nextDay(isoDate: string): string {
  return fromDayNumber(toDayNumber(isoDate) + 1);
}

/**
 * The last day of `months` whole months of work starting on `start` (inclusive), the period
 * `fullMonthsBetween` would count as exactly that many months: 2021-04-01 + 3 → 2021-06-30.
 */
export function endOfFullMonths(start: string, months: number): string {
  const day = endOfNthMonth(
    Number(start.slice(0, 4)),
    Number(start.slice(5, 7)) - 1,
    Number(start.slice(8, 10)),
    months,
  );
  return fromDayNumber(day);
}
