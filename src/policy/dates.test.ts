import { describe, expect, it } from 'vitest';
import {
  endOfFullMonths,
  fromDayNumber,
  fullMonthsBetween,
  inclusiveDays,
  nextDay,
  periodsOverlap,
  toDayNumber,
} from './dates.ts';

describe('fullMonthsBetween (每满1个月 counts whole months only)', () => {
  it.each([
    ['2021-03-01', '2021-05-31', 3],
    ['2021-03-01', '2021-05-30', 2],
    ['2021-02-01', '2021-08-15', 6],
    ['2021-01-15', '2021-02-14', 1],
    ['2021-01-15', '2021-02-13', 0],
    ['2021-01-31', '2021-02-28', 1],
    ['2020-01-31', '2020-02-28', 0],
    ['2020-01-31', '2020-02-29', 1],
    ['2021-01-01', '2021-12-31', 12],
    ['2021-06-10', '2021-06-10', 0],
    ['2020-11-01', '2021-02-28', 4],
  ])('%s..%s is %i full months', (start, end, months) => {
    expect(fullMonthsBetween(start, end)).toBe(months);
  });
});

describe('day arithmetic', () => {
  it('counts both ends of a period', () => {
    expect(inclusiveDays('2021-05-10', '2021-05-21')).toBe(12);
    expect(inclusiveDays('2020-02-28', '2020-03-01')).toBe(3);
  });

  it('treats periods sharing one day as overlapping', () => {
    expect(periodsOverlap('2021-01-01', '2021-01-31', '2021-01-31', '2021-02-10')).toBe(true);
    expect(periodsOverlap('2021-01-01', '2021-01-30', '2021-01-31', '2021-02-10')).toBe(false);
  });
});

describe('day numbers to ISO dates without Date', () => {
  const MS_PER_DAY = 86_400_000;
  it('writes what Date#toISOString writes, over years 0000–9999 and past both ends', () => {
    const iso = (day: number) => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    // Every day of 1899–2101, and every 37th day from year -1 to 10001 (a stride prime to weeks,
    // months and leap cycles), so the suite stays fast.
    const days: number[] = [];
    for (let day = Date.UTC(1899, 0, 1) / MS_PER_DAY; day <= Date.UTC(2101, 11, 31) / MS_PER_DAY; day += 1)
      days.push(day);
    for (
      let day = Date.UTC(-1, 0, 1) / MS_PER_DAY - 400;
      day <= Date.UTC(10_001, 0, 1) / MS_PER_DAY + 400;
      day += 37
    )
      days.push(day);
    for (const year of [0, 1, 99, 100, 400, 999, 1000, 9999]) {
      days.push(Date.UTC(year, 0, 1) / MS_PER_DAY, Date.UTC(year, 11, 31) / MS_PER_DAY);
      days.push(Date.UTC(year, 1, 28) / MS_PER_DAY, Date.UTC(year, 2, 1) / MS_PER_DAY);
    }
    const wrong = days.filter((day) => fromDayNumber(day) !== iso(day));
    expect(wrong.map((day) => [day, fromDayNumber(day), iso(day)])).toEqual([]);
  });

  it('counts months and next days as the Date arithmetic did, leap years and years below 100 included', () => {
    const viaDate = (start: string, months: number) => {
      const year = Number(start.slice(0, 4));
      const monthIndex = Number(start.slice(5, 7)) - 1 + months;
      const day = Number(start.slice(8, 10));
      const y = year + Math.floor(monthIndex / 12);
      const m = monthIndex % 12;
      const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      const end = day > lastDay ? Date.UTC(y, m, lastDay) / MS_PER_DAY : Date.UTC(y, m, day) / MS_PER_DAY - 1;
      return new Date(end * MS_PER_DAY).toISOString().slice(0, 10);
    };
    for (const year of ['0000', '0004', '0099', '0100', '1900', '2000', '2020', '2021', '2100', '9998'])
      for (let month = 1; month <= 12; month += 1)
        for (const day of [1, 15, 28, 29, 30, 31]) {
          const start = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          if (Number.isNaN(Date.parse(start))) continue;
          for (const months of [1, 2, 6, 12, 13])
            expect(endOfFullMonths(start, months)).toBe(viaDate(start, months));
          expect(nextDay(start)).toBe(
            new Date((toDayNumber(start) + 1) * MS_PER_DAY).toISOString().slice(0, 10),
          );
        }
  });
});
