import { describe, expect, it } from 'vitest';
import { suppressSmallCells } from './disclosure.service.ts';
import type { Report } from './report.service.ts';
import { diffReports, flattenCells } from './snapshot.service.ts';

describe('differences between report versions', () => {
  it('names table cells by their row key, not their position', () => {
    const cells = flattenCells({
      totals: { personTimes: 3 },
      subAccounts: [{ key: 'training', paidFen: 5 }],
    });
    expect([...cells.entries()]).toEqual([
      ['totals.personTimes', 3],
      ['subAccounts.training.key', 'training'],
      ['subAccounts.training.paidFen', 5],
    ]);
  });

  it('lists only the cells that changed, in path order', () => {
    const before = {
      totals: { personTimes: 3, netFen: 100 },
      subAccounts: [{ key: 'training', paidFen: 100 }],
    };
    const after = {
      totals: { personTimes: 3, netFen: 160 },
      subAccounts: [{ key: 'training', paidFen: 160 }],
    };
    expect(diffReports(before as unknown as Report, after as unknown as Report)).toEqual([
      { path: 'subAccounts.training.paidFen', before: 100, after: 160 },
      { path: 'totals.netFen', before: 100, after: 160 },
    ]);
  });
});

describe('small-cell suppression of the public disclosure', () => {
  const cell = (regionCode: string, quarter: number, persons: number) => ({
    regionCode,
    quarter,
    persons,
    personTimes: persons,
    paidFen: persons * 100,
  });

  it('suppresses cells of one or two persons, and a partner when a quarter has a single one', () => {
    const cells = [cell('430421', 1, 2), cell('430405', 1, 10), cell('430406', 1, 7), cell('430421', 2, 0)];
    const suppressed = suppressSmallCells(cells, 3);
    expect(cells.filter((item) => suppressed.has(item)).map((item) => item.regionCode)).toEqual([
      '430421',
      '430406',
    ]);
  });

  it('leaves empty cells and quarters with two suppressed cells alone', () => {
    const cells = [cell('430421', 3, 1), cell('430405', 3, 2), cell('430406', 3, 9), cell('430407', 3, 0)];
    const suppressed = suppressSmallCells(cells, 3);
    expect(cells.filter((item) => suppressed.has(item)).map((item) => item.regionCode)).toEqual([
      '430421',
      '430405',
    ]);
  });
});
