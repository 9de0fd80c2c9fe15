import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { sha256Hex } from '../shared/canonical-json.ts';
import { parseCsv } from '../shared/csv.ts';
import { AppError } from '../shared/errors.ts';
import { isCalendarDate, MAX_AMOUNT_FEN } from '../shared/schemas.ts';
import { disbursementReference } from './payment.service.ts';

/** Which CSV column holds what; banks differ, so it is configured per import. */
export interface StatementMapping {
  reference: string;
  amount: string;
  date: string;
  /** 'yuan' (e.g. "1234.50") or 'fen' (integer). */
  amountUnit: 'yuan' | 'fen';
  /** true when the bank prints payments out of the account as negative amounts. */
  isOutflowNegative?: boolean;
  delimiter?: string;
}

export const DEFAULT_MAPPING: StatementMapping = {
  reference: 'reference',
  amount: 'amount',
  date: 'date',
  amountUnit: 'yuan',
};

export interface BankLine {
  id: number;
  lineNumber: number;
  reference: string | null;
  amountFen: number;
  bookingDate: string;
}

/** One payment the ledger expects on the statement: a disbursement (one or many transfers). */
export interface LedgerRecord {
  disbursementId: number;
  reference: string;
  amountFen: number;
  valueDate: string;
  transferIds: number[];
}

export type ProblemKind =
  | 'missing'
  | 'duplicate'
  | 'amount_mismatch'
  | 'date_out_of_tolerance'
  | 'unknown_reference'
  | 'no_reference';

export interface ReconciliationProblem {
  kind: ProblemKind;
  reference: string | null;
  bankLineNumbers: number[];
  disbursementId: number | null;
  differenceFen?: number;
  dayShift?: number;
}

export interface ReconciliationMatch {
  reference: string;
  disbursementId: number;
  bankLineNumbers: number[];
  transferIds: number[];
  /** one_to_one; one_to_many (one bank line, many ledger transfers); many_to_one (a split payment). */
  shape: 'one_to_one' | 'one_to_many' | 'many_to_one';
  matchedBy: 'reference' | 'amount_and_date';
}

export interface ReconciliationReport {
  toleranceDays: number;
  matched: ReconciliationMatch[];
  onlyInBank: BankLine[];
  onlyInLedger: LedgerRecord[];
  problems: ReconciliationProblem[];
  totals: { bankFen: number; ledgerFen: number; matchedFen: number };
}

/** Parses "1,234.5" / "-12.34" yuan or integer fen exactly (no floating point). */
export function parseAmountFen(text: string, unit: 'yuan' | 'fen'): number {
  const cleaned = text.replace(/[,\s¥￥]/g, '');
  if (unit === 'fen') {
    if (!/^-?\d+$/.test(cleaned)) throw new Error(`not an amount in fen: "${text}"`);
    return boundedFen(Number(cleaned), text);
  }
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) throw new Error(`not an amount in yuan: "${text}"`);
  const fen = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return boundedFen(match[1] === '-' ? -fen : fen, text);
}

/** An amount beyond MAX_AMOUNT_FEN is no bank's booking but a corrupt or hostile file. */
function boundedFen(fen: number, text: string): number {
  if (Math.abs(fen) > MAX_AMOUNT_FEN) throw new Error(`amount out of range: "${text}"`);
  return fen;
}

/** 'YYYY-MM-DD', 'YYYY/MM/DD' or 'YYYYMMDD' → 'YYYY-MM-DD'. */
export function parseBookingDate(text: string): string {
  const match = /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})$/.exec(text.trim());
  const date = match ? `${match[1]}-${match[2]}-${match[3]}` : '';
  // 2021-13-45 has the shape of a date but is none (issue 18).
  if (!isCalendarDate(date)) throw new Error(`not a date: "${text}"`);
  return date;
}

function dayDifference(a: string, b: string): number {
  return Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);
}

/**
 * Matches statement lines to ledger records (pure). Per reference: a line with the right
 * amount within the date tolerance matches (a second identical line is a duplicate); several
 * lines that together make the amount match as a split (many_to_one); otherwise the pair is an
 * amount mismatch or a date shift. Lines whose reference names no ledger record are unknown;
 * lines without a reference are matched by amount and date. Records with no line are missing.
 */
export function matchStatement(
  records: LedgerRecord[],
  lines: BankLine[],
  options: { toleranceDays: number },
): ReconciliationReport {
  const tolerance = options.toleranceDays;
  const report: ReconciliationReport = {
    toleranceDays: tolerance,
    matched: [],
    onlyInBank: [],
    onlyInLedger: [],
    problems: [],
    totals: { bankFen: sum(lines), ledgerFen: sum(records), matchedFen: 0 },
  };
  const linesByReference = new Map<string, BankLine[]>();
  const unreferenced: BankLine[] = [];
  const recordsByReference = new Map(records.map((record) => [record.reference, record]));
  for (const line of lines) {
    const reference = line.reference?.trim();
    if (!reference) unreferenced.push(line);
    else if (!recordsByReference.has(reference)) {
      report.onlyInBank.push(line);
      report.problems.push({
        kind: 'unknown_reference',
        reference,
        bankLineNumbers: [line.lineNumber],
        disbursementId: null,
      });
    } else linesByReference.set(reference, [...(linesByReference.get(reference) ?? []), line]);
  }
  const unmatchedRecords: LedgerRecord[] = [];
  for (const record of records) {
    const candidates = linesByReference.get(record.reference) ?? [];
    if (candidates.length === 0) unmatchedRecords.push(record);
    else matchByReference(record, candidates, tolerance, report);
  }
  for (const line of unreferenced) {
    const index = unmatchedRecords.findIndex(
      (record) =>
        record.amountFen === line.amountFen &&
        Math.abs(dayDifference(line.bookingDate, record.valueDate)) <= tolerance,
    );
    if (index < 0) {
      report.onlyInBank.push(line);
      report.problems.push({
        kind: 'no_reference',
        reference: null,
        bankLineNumbers: [line.lineNumber],
        disbursementId: null,
      });
      continue;
    }
    const [record] = unmatchedRecords.splice(index, 1);
    addMatch(report, record!, [line], 'amount_and_date');
  }
  for (const record of unmatchedRecords) {
    report.onlyInLedger.push(record);
    report.problems.push({
      kind: 'missing',
      reference: record.reference,
      bankLineNumbers: [],
      disbursementId: record.disbursementId,
    });
  }
  return report;
}

function matchByReference(
  record: LedgerRecord,
  candidates: BankLine[],
  tolerance: number,
  report: ReconciliationReport,
): void {
  const withinTolerance = (line: BankLine) =>
    Math.abs(dayDifference(line.bookingDate, record.valueDate)) <= tolerance;
  const exact = candidates.find((line) => line.amountFen === record.amountFen && withinTolerance(line));
  if (exact) {
    addMatch(report, record, [exact], 'reference');
    for (const other of candidates.filter((line) => line !== exact)) {
      report.onlyInBank.push(other);
      // A second line for an already matched payment: the same amount is a duplicate booking,
      // another amount an extra payment that the ledger does not know.
      const isDuplicate = other.amountFen === exact.amountFen;
      report.problems.push({
        kind: isDuplicate ? 'duplicate' : 'amount_mismatch',
        reference: record.reference,
        bankLineNumbers: [other.lineNumber],
        disbursementId: record.disbursementId,
        ...(isDuplicate ? {} : { differenceFen: other.amountFen }),
      });
    }
    return;
  }
  if (candidates.length > 1 && candidates.every(withinTolerance) && sum(candidates) === record.amountFen) {
    addMatch(report, record, candidates, 'reference');
    return;
  }
  report.onlyInLedger.push(record);
  report.onlyInBank.push(...candidates);
  const total = sum(candidates);
  const lineNumbers = candidates.map((line) => line.lineNumber);
  if (total !== record.amountFen) {
    report.problems.push({
      kind: 'amount_mismatch',
      reference: record.reference,
      bankLineNumbers: lineNumbers,
      disbursementId: record.disbursementId,
      differenceFen: total - record.amountFen,
    });
  } else {
    const shift = Math.max(...candidates.map((line) => dayDifference(line.bookingDate, record.valueDate)));
    report.problems.push({
      kind: 'date_out_of_tolerance',
      reference: record.reference,
      bankLineNumbers: lineNumbers,
      disbursementId: record.disbursementId,
      dayShift: shift,
    });
  }
}

function addMatch(
  report: ReconciliationReport,
  record: LedgerRecord,
  lines: BankLine[],
  matchedBy: ReconciliationMatch['matchedBy'],
): void {
  const shape =
    lines.length > 1 ? 'many_to_one' : record.transferIds.length > 1 ? 'one_to_many' : 'one_to_one';
  report.matched.push({
    reference: record.reference,
    disbursementId: record.disbursementId,
    bankLineNumbers: lines.map((line) => line.lineNumber),
    transferIds: record.transferIds,
    shape,
    matchedBy,
  });
  report.totals.matchedFen += record.amountFen;
}

function sum(items: { amountFen: number }[]): number {
  return items.reduce((total, item) => total + item.amountFen, 0);
}

/** Stores a bank statement (CSV with the given column mapping); the same file twice is one import. */
export async function importBankStatement(
  executor: Executor,
  context: AuditContext,
  input: { regionCode: string; fileName: string; csv: string; mapping?: Partial<StatementMapping> },
): Promise<{ statementId: number; lineCount: number; isReplay: boolean }> {
  if (context.actor) assertRegionScope(context.actor, input.regionCode);
  const mapping = { ...DEFAULT_MAPPING, ...input.mapping };
  const provinceCode = provinceOf(input.regionCode);
  const fileHash = sha256Hex(input.csv);
  const existing = await executor
    .selectFrom('bank_statement')
    .select(['id', 'line_count'])
    .where('province_code', '=', provinceCode)
    .where('file_hash', '=', fileHash)
    .executeTakeFirst();
  if (existing) return { statementId: existing.id, lineCount: existing.line_count, isReplay: true };
  const records = parseCsv(
    input.csv,
    { columns: true, skip_empty_lines: true, trim: true, bom: true, delimiter: mapping.delimiter ?? ',' },
    '银行对账单',
  );
  const lines = records.map((record, index) => {
    const field = (name: keyof StatementMapping) => {
      const value = record[mapping[name] as string];
      if (value === undefined)
        throw new AppError('VALIDATION_FAILED', '对账单缺少映射的列', [
          { field: `mapping.${name}`, message: `no column "${String(mapping[name])}"` },
        ]);
      return value;
    };
    try {
      const signed = parseAmountFen(field('amount'), mapping.amountUnit);
      return {
        line_number: index + 1,
        reference: field('reference') || null,
        amount_fen: mapping.isOutflowNegative ? -signed : signed,
        booking_date: parseBookingDate(field('date')),
        raw: JSON.stringify(record),
      };
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('VALIDATION_FAILED', `对账单第 ${index + 1} 行无法解析`, [
        { field: `lines[${index}]`, message: (error as Error).message },
      ]);
    }
  });
  const statement = await executor
    .insertInto('bank_statement')
    .values({
      province_code: provinceCode,
      region_code: input.regionCode,
      file_name: input.fileName,
      file_hash: fileHash,
      line_count: lines.length,
      imported_by: context.actor?.userId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (lines.length > 0) {
    await executor
      .insertInto('bank_statement_line')
      .values(lines.map((line) => ({ ...line, province_code: provinceCode, statement_id: statement.id })))
      .execute();
  }
  await recordAudit(executor, context, {
    action: 'ledger.statement.import',
    objectType: 'bank_statement',
    objectId: statement.id,
    provinceCode,
    after: { fileName: input.fileName, fileHash, lineCount: lines.length, mapping },
  });
  return { statementId: statement.id, lineCount: lines.length, isReplay: false };
}

/**
 * Reconciles a stored statement with the ledger (账实相符): the ledger side is every ordered or
 * paid disbursement of the statement's region subtree whose value date lies within the
 * statement's booking dates widened by the tolerance (or the given from/to).
 */
export async function reconcileStatement(
  executor: Executor,
  input: { statementId: number; toleranceDays?: number; from?: string; to?: string },
): Promise<ReconciliationReport & { statementId: number; regionCode: string; from: string; to: string }> {
  const statement = await executor
    .selectFrom('bank_statement')
    .selectAll()
    .where('id', '=', input.statementId)
    .executeTakeFirst();
  if (!statement)
    throw new AppError('NOT_FOUND', `对账单不存在：${input.statementId}`, [
      { field: 'statementId', message: 'not found' },
    ]);
  const toleranceDays = input.toleranceDays ?? 3;
  const lineRows = await executor
    .selectFrom('bank_statement_line')
    .selectAll()
    .where('statement_id', '=', statement.id)
    .where('province_code', '=', statement.province_code)
    .orderBy('line_number')
    .execute();
  const lines: BankLine[] = lineRows
    .filter((row) => row.amount_fen > 0)
    .map((row) => ({
      id: row.id,
      lineNumber: row.line_number,
      reference: row.reference,
      amountFen: row.amount_fen,
      bookingDate: row.booking_date,
    }));
  const dates = lines.map((line) => line.bookingDate).sort();
  const shift = (date: string, days: number) =>
    new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const from = input.from ?? (dates.length ? shift(dates[0]!, -toleranceDays) : '1900-01-01');
  const to = input.to ?? (dates.length ? shift(dates.at(-1)!, toleranceDays) : '2999-12-31');
  const rows = await executor
    .selectFrom('payment_disbursement as d')
    .innerJoin('payment_batch as b', (join) =>
      join.onRef('b.id', '=', 'd.batch_id').onRef('b.province_code', '=', 'd.province_code'),
    )
    .innerJoin('payment_item as i', (join) =>
      join.onRef('i.disbursement_id', '=', 'd.id').onRef('i.province_code', '=', 'd.province_code'),
    )
    .select(['d.id', 'd.amount_fen', 'b.value_date', 'i.transfer_id'])
    .where('d.province_code', '=', statement.province_code)
    .where('b.region_code', 'like', regionLikePattern(statement.region_code))
    .where('d.status', 'in', ['ordered', 'paid'])
    .where('b.value_date', '>=', from)
    .where('b.value_date', '<=', to)
    .orderBy('d.id')
    .execute();
  const records = new Map<number, LedgerRecord>();
  for (const row of rows) {
    const record = records.get(row.id) ?? {
      disbursementId: row.id,
      reference: disbursementReference(statement.province_code, row.id),
      amountFen: row.amount_fen,
      valueDate: row.value_date,
      transferIds: [],
    };
    record.transferIds.push(row.transfer_id);
    records.set(row.id, record);
  }
  const report = matchStatement([...records.values()], lines, { toleranceDays });
  return { ...report, statementId: statement.id, regionCode: statement.region_code, from, to };
}
