import { describe, expect, it } from 'vitest';
import { quarterOf, resolvePeriod } from './report.period.ts';

describe('report periods', () => {
  it('a quarter runs from its first to its last day, both included', () => {
    expect(resolvePeriod({ year: 2021, quarter: 2 })).toEqual({
      kind: 'quarter',
      from: '2021-04-01',
      to: '2021-06-30',
      year: 2021,
      quarter: 2,
      label: '2021年第2季度',
    });
    expect(resolvePeriod({ year: 2020, quarter: 1 }).to).toBe('2020-03-31');
    expect(resolvePeriod({ year: 2021, quarter: 4 }).from).toBe('2021-10-01');
  });

  it('a year alone is the annual report; from/to is a custom range', () => {
    expect(resolvePeriod({ year: 2019 })).toMatchObject({
      kind: 'year',
      from: '2019-01-01',
      to: '2019-12-31',
      label: '2019年',
    });
    expect(resolvePeriod({ from: '2019-08-30', to: '2021-12-31' })).toMatchObject({
      kind: 'custom',
      label: '2019-08-30至2021-12-31',
    });
  });

  it('refuses mixed, missing, reversed or out-of-range periods', () => {
    expect(() => resolvePeriod({ year: 2021, from: '2021-01-01', to: '2021-02-01' })).toThrow('报告期不合规');
    expect(() => resolvePeriod({})).toThrow('报告期不合规');
    expect(() => resolvePeriod({ from: '2021-02-01', to: '2021-01-01' })).toThrow('报告期不合规');
    expect(() => resolvePeriod({ from: '2021-02-01' })).toThrow('报告期不合规');
    expect(() => resolvePeriod({ year: 2021, quarter: 5 })).toThrow('报告期不合规');
    expect(() => resolvePeriod({ from: '2000-01-01', to: '2021-01-01' })).toThrow('报告期不合规');
  });

  it('knows the quarter of a date', () => {
    expect(['2021-01-01', '2021-03-31', '2021-04-01', '2021-09-30', '2021-12-31'].map(quarterOf)).toEqual([
      1, 1, 2, 3, 4,
    ]);
  });
});
