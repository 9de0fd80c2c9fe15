import { describe, expect, it } from 'vitest';
import {
  type BankLine,
  type LedgerRecord,
  matchStatement,
  parseAmountFen,
  parseBookingDate,
} from './reconciliation.service.ts';

const record = (id: number, amountFen: number, valueDate = '2026-03-10', transfers = 1): LedgerRecord => ({
  disbursementId: id,
  reference: `R${id}`,
  amountFen,
  valueDate,
  transferIds: Array.from({ length: transfers }, (_, index) => id * 10 + index),
});
const line = (
  lineNumber: number,
  reference: string | null,
  amountFen: number,
  bookingDate = '2026-03-11',
): BankLine => ({
  id: lineNumber,
  lineNumber,
  reference,
  amountFen,
  bookingDate,
});

describe('bank statement matching (账实相符)', () => {
  it('classifies each injected problem and matches the rest, including one-to-many and many-to-one', () => {
    const records = [
      record(1, 10_000),
      record(2, 20_000, '2026-03-10', 3), // one bank line for three claim transfers
      record(3, 30_000), // split by the bank into two lines
      record(4, 40_000), // missing from the statement
      record(5, 50_000), // duplicated on the statement
      record(6, 60_000), // bank booked one fen more
      record(7, 70_000), // bank booked one fen less
      record(8, 80_000), // booked ten days later
      record(9, 90_000), // no reference on the bank line, matched by amount and date
    ];
    const lines = [
      line(1, 'R1', 10_000),
      line(2, 'R2', 20_000),
      line(3, 'R3', 10_000),
      line(4, 'R3', 20_000),
      line(5, 'R5', 50_000),
      line(6, 'R5', 50_000),
      line(7, 'R6', 60_001),
      line(8, 'R7', 69_999),
      line(9, 'R8', 80_000, '2026-03-20'),
      line(10, 'R99', 12_345),
      line(11, null, 90_000),
    ];
    const report = matchStatement(records, lines, { toleranceDays: 3 });
    expect(report.matched.map((match) => [match.reference, match.shape, match.matchedBy])).toEqual([
      ['R1', 'one_to_one', 'reference'],
      ['R2', 'one_to_many', 'reference'],
      ['R3', 'many_to_one', 'reference'],
      ['R5', 'one_to_one', 'reference'],
      ['R9', 'one_to_one', 'amount_and_date'],
    ]);
    const problems = report.problems.map((problem) => [
      problem.kind,
      problem.reference,
      problem.differenceFen ?? problem.dayShift ?? null,
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['missing', 'R4', null],
        ['duplicate', 'R5', null],
        ['amount_mismatch', 'R6', 1],
        ['amount_mismatch', 'R7', -1],
        ['date_out_of_tolerance', 'R8', 10],
        ['unknown_reference', 'R99', null],
      ]),
    );
    expect(report.problems).toHaveLength(6);
    expect(report.onlyInLedger.map((item) => item.reference).sort()).toEqual(['R4', 'R6', 'R7', 'R8']);
    expect(report.onlyInBank.map((item) => item.lineNumber).sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 10]);
  });

  it('accepts a date shift exactly at the tolerance and refuses one day beyond', () => {
    const atLimit = matchStatement([record(1, 100)], [line(1, 'R1', 100, '2026-03-13')], {
      toleranceDays: 3,
    });
    expect(atLimit.matched).toHaveLength(1);
    const beyond = matchStatement([record(1, 100)], [line(1, 'R1', 100, '2026-03-14')], { toleranceDays: 3 });
    expect(beyond.problems[0]).toMatchObject({ kind: 'date_out_of_tolerance', dayShift: 4 });
  });

  it('parses amounts exactly and dates in the common bank formats', () => {
    expect(parseAmountFen('1,234.5', 'yuan')).toBe(123_450);
    expect(parseAmountFen('-0.01', 'yuan')).toBe(-1);
    expect(parseAmountFen('¥12', 'yuan')).toBe(1200);
    expect(parseAmountFen('987', 'fen')).toBe(987);
    expect(() => parseAmountFen('1.234', 'yuan')).toThrow();
    expect(parseBookingDate('20260301')).toBe('2026-03-01');
    expect(parseBookingDate('2026/03/01')).toBe('2026-03-01');
  });
});
