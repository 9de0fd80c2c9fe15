import { describe, expect, it } from 'vitest';
import { fullMonthsBetween, inclusiveDays, periodsOverlap } from './dates.ts';

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
