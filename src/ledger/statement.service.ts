import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { findRegion } from '../registry/region.service.ts';
import { sha256Hex } from '../shared/canonical-json.ts';
import { AppError } from '../shared/errors.ts';
import { MAX_AMOUNT_FEN } from '../shared/schemas.ts';
import { readTableFile } from './bank-file.codec.ts';
import {
  type BankProfile,
  getProfile,
  profileForRegion,
  type StatementColumn,
  saveProfile,
} from './bank-profile.service.ts';
import { columnIndex, yuanToFen } from './bank-result.service.ts';
import { disbursementReference } from './payment.service.ts';
import type { BookMovement, Direction, MovementKind, StatementLine } from './statement.match.ts';
import { SUB_ACCOUNTS } from './transfer.service.ts';

export interface StatementImportInput {
  regionCode: string;
  fileName: string;
  csv?: string;
  file?: Buffer;
  profileCode?: string;
  /** This file's column names where they differ from the profile's. */
  columns?: Partial<Record<StatementColumn, string[]>>;
  isOutflowNegative?: boolean;
  /** Keep `columns`/`isOutflowNegative` as the profile's statement mapping for the province. */
  saveMapping?: boolean;
  openingBalanceFen?: number;
  closingBalanceFen?: number;
  /** Older clients: one signed column, named headers, yuan or fen. */
  mapping?: {
    reference?: string;
    amount?: string;
    date?: string;
    amountUnit?: 'yuan' | 'fen';
    isOutflowNegative?: boolean;
  };
}

export interface StatementSummary {
  statementId: number;
  lineCount: number;
  isReplay: boolean;
  profileCode: string;
  from: string | null;
  to: string | null;
  openingBalanceFen: number | null;
  closingBalanceFen: number | null;
  debitFen: number;
  creditFen: number;
}

const DISBURSEMENT_REFERENCE = /SF\d{2}D\d{12}/;

/** 'YYYY-MM-DD', 'YYYY/MM/DD', 'YYYYMMDD', 'YYYY年M月D日', with an optional time → 'YYYY-MM-DD'. */
export function parseBookingDate(text: string): string | null {
  const match = /^(\d{4})[-/年.]?(\d{1,2})[-/月.]?(\d{1,2})日?(?:[ T].*)?$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = [match[1]!, match[2]!.padStart(2, '0'), match[3]!.padStart(2, '0')];
  const date = `${year}-${month}-${day}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date ? null : date;
}

interface ParsedLine {
  line_number: number;
  reference: string | null;
  amount_fen: number;
  booking_date: string;
  direction: Direction;
  counterparty_name: string | null;
  summary: string | null;
  balance_fen: number | null;
  raw: string;
}

interface Mapping {
  columns: Record<StatementColumn, string[]>;
  isOutflowNegative: boolean;
  amountUnit: 'yuan' | 'fen';
}

function mappingOf(profile: BankProfile, input: StatementImportInput): Mapping {
  if (input.mapping) {
    const legacy = input.mapping;
    return {
      columns: {
        ...profile.statement.columns,
        ...(legacy.reference ? { reference: [legacy.reference] } : {}),
        ...(legacy.amount ? { amount: [legacy.amount], debit: [], credit: [] } : {}),
        ...(legacy.date ? { date: [legacy.date] } : {}),
      },
      // Older clients printed money out as positive unless they said otherwise.
      isOutflowNegative: legacy.isOutflowNegative ?? false,
      amountUnit: legacy.amountUnit ?? 'yuan',
    };
  }
  return {
    columns: { ...profile.statement.columns, ...input.columns },
    isOutflowNegative: input.isOutflowNegative ?? profile.statement.isOutflowNegative,
    amountUnit: 'yuan',
  };
}

function findHeader(rows: string[][], mapping: Mapping): number {
  return rows.findIndex((row) => {
    if (columnIndex(row, mapping.columns.date) < 0) return false;
    const hasPair =
      columnIndex(row, mapping.columns.debit) >= 0 && columnIndex(row, mapping.columns.credit) >= 0;
    return hasPair || columnIndex(row, mapping.columns.amount) >= 0;
  });
}

function amountOf(text: string, unit: 'yuan' | 'fen'): number | null {
  if (text.trim() === '') return 0;
  if (unit === 'fen') {
    const fen = /^-?\d{1,16}$/.test(text.trim()) ? Number(text.trim()) : null;
    return fen !== null && Math.abs(fen) <= MAX_AMOUNT_FEN ? fen : null;
  }
  return yuanToFen(text);
}

/** Reads every data row; collects a 422 detail per unreadable row instead of stopping at the first. */
function parseLines(rows: string[][], mapping: Mapping, profileName: string): ParsedLine[] {
  const headerIndex = findHeader(rows, mapping);
  if (headerIndex < 0)
    throw new AppError('VALIDATION_FAILED', `对账单不是“${profileName}”格式，找不到表头`, [
      {
        field: 'file',
        message: `须有“${mapping.columns.date[0]}”列，及“${mapping.columns.debit[0] ?? '借方发生额'}”“${mapping.columns.credit[0] ?? '贷方发生额'}”两列或一列“${mapping.columns.amount[0] ?? '发生额'}”`,
      },
    ]);
  const header = rows[headerIndex]!;
  const cell = (row: string[], column: StatementColumn) => {
    const index = columnIndex(header, mapping.columns[column]);
    return index < 0 ? '' : (row[index] ?? '').trim();
  };
  const hasPair =
    columnIndex(header, mapping.columns.debit) >= 0 && columnIndex(header, mapping.columns.credit) >= 0;
  const lines: ParsedLine[] = [];
  const errors: { field: string; message: string }[] = [];
  rows.slice(headerIndex + 1).forEach((row, offset) => {
    const rowNumber = headerIndex + offset + 2;
    if (row.every((value) => (value ?? '').trim() === '')) return;
    if (/^(合计|总计|本页合计|本期合计|期初|期末)/.test((row[0] ?? '').trim())) return;
    if (row.slice(header.length).some((value) => (value ?? '').trim() !== '')) {
      errors.push({ field: `rows[${rowNumber}]`, message: `第 ${rowNumber} 行的列比表头多` });
      return;
    }
    const bookingDate = parseBookingDate(cell(row, 'date'));
    if (!bookingDate) {
      errors.push({ field: `rows[${rowNumber}].date`, message: `日期无法识别：“${cell(row, 'date')}”` });
      return;
    }
    let signedOut: number | null;
    if (hasPair) {
      const debit = amountOf(cell(row, 'debit'), mapping.amountUnit);
      const credit = amountOf(cell(row, 'credit'), mapping.amountUnit);
      if (debit === null || credit === null || (debit !== 0 && credit !== 0) || debit + credit === 0) {
        errors.push({ field: `rows[${rowNumber}].amount`, message: '借方、贷方发生额须有且只有一项大于零' });
        return;
      }
      signedOut = debit !== 0 ? Math.abs(debit) : -Math.abs(credit);
    } else {
      const amount = amountOf(cell(row, 'amount'), mapping.amountUnit);
      if (amount === null || amount === 0) {
        errors.push({
          field: `rows[${rowNumber}].amount`,
          message: `发生额无法识别：“${cell(row, 'amount')}”`,
        });
        return;
      }
      signedOut = mapping.isOutflowNegative ? -amount : amount;
    }
    const balanceText = cell(row, 'balance');
    const referenceText = [cell(row, 'reference'), cell(row, 'summary')].join(' ');
    lines.push({
      line_number: lines.length + 1,
      reference: DISBURSEMENT_REFERENCE.exec(referenceText)?.[0] ?? (cell(row, 'reference') || null),
      amount_fen: signedOut,
      booking_date: bookingDate,
      direction: signedOut > 0 ? 'debit' : 'credit',
      counterparty_name: cell(row, 'counterpartyName') || null,
      summary: cell(row, 'summary') || null,
      balance_fen: balanceText ? yuanToFen(balanceText) : null,
      raw: JSON.stringify(
        Object.fromEntries(header.map((name, index) => [name || `列${index + 1}`, row[index] ?? ''])),
      ),
    });
  });
  if (errors.length > 0) {
    const first = /^rows\[(\d+)\]/.exec(errors[0]!.field)?.[1];
    throw new AppError(
      'VALIDATION_FAILED',
      `对账单第 ${first} 行无法读取（共 ${errors.length} 处），未导入`,
      errors,
    );
  }
  return lines;
}

/**
 * Imports a bank statement (对账单) of a region's special account in its bank profile: xlsx or
 * CSV, GBK or UTF-8, 借方发生额/贷方发生额 columns or one signed column; the column mapping can be
 * saved as the profile's for the province. The same file twice is one import.
 */
export async function importStatement(
  executor: Executor,
  context: AuditContext,
  input: StatementImportInput,
): Promise<StatementSummary> {
  if (context.actor) assertRegionScope(context.actor, input.regionCode);
  if (!(await findRegion(executor, input.regionCode)))
    throw new AppError('VALIDATION_FAILED', `地区代码 ${input.regionCode} 不存在`, [
      { field: 'regionCode', message: '地区不存在' },
    ]);
  const provinceCode = provinceOf(input.regionCode);
  const profile = input.profileCode
    ? await getProfile(executor, provinceCode, input.profileCode)
    : await profileForRegion(executor, input.regionCode);
  const content = input.file ?? Buffer.from(input.csv ?? '', 'utf8');
  if (content.length === 0)
    throw new AppError('VALIDATION_FAILED', '请上传对账单文件', [{ field: 'fileBase64', message: '必填' }]);
  const fileHash = sha256Hex(content.toString('base64'));
  const existing = await executor
    .selectFrom('bank_statement')
    .select(['id', 'region_code'])
    .where('province_code', '=', provinceCode)
    .where('file_hash', '=', fileHash)
    .executeTakeFirst();
  // The same file again is the same import; the same file for another region's account is a
  // mistake, answered without telling which region has it.
  if (existing && existing.region_code !== input.regionCode)
    throw new AppError('CONFLICT', '该对账单文件已作为另一地区专户的对账单导入', [
      { field: 'regionCode', message: '同一文件只能是一个地区专户的对账单' },
    ]);
  if (existing) return { ...(await statementSummary(executor, existing.id)), isReplay: true };
  const mapping = mappingOf(profile, input);
  const table = await readTableFile(content);
  const lines = parseLines(table.rows, mapping, profile.name);
  const first = lines[0];
  const last = lines.at(-1);
  const openingBalanceFen =
    input.openingBalanceFen ??
    (first?.balance_fen !== null && first?.balance_fen !== undefined
      ? first.balance_fen + first.amount_fen
      : null);
  const closingBalanceFen = input.closingBalanceFen ?? last?.balance_fen ?? null;
  const statement = await executor
    .insertInto('bank_statement')
    .values({
      province_code: provinceCode,
      region_code: input.regionCode,
      file_name: input.fileName,
      file_hash: fileHash,
      line_count: lines.length,
      imported_by: context.actor?.userId ?? null,
      profile_code: profile.code,
      opening_balance_fen: openingBalanceFen,
      closing_balance_fen: closingBalanceFen,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (lines.length > 0)
    await executor
      .insertInto('bank_statement_line')
      .values(lines.map((line) => ({ ...line, province_code: provinceCode, statement_id: statement.id })))
      .execute();
  if (input.saveMapping && (input.columns || input.isOutflowNegative !== undefined)) {
    await saveProfile(executor, context, {
      provinceCode,
      profile: {
        ...profile,
        statement: { columns: mapping.columns, isOutflowNegative: mapping.isOutflowNegative },
      },
    });
  }
  const summary = await statementSummary(executor, statement.id);
  await recordAudit(executor, context, {
    action: 'ledger.statement.import',
    objectType: 'bank_statement',
    objectId: statement.id,
    provinceCode,
    after: { fileName: input.fileName, fileHash, ...summary },
  });
  return summary;
}

export async function statementSummary(executor: Executor, statementId: number): Promise<StatementSummary> {
  const statement = await getStatement(executor, statementId);
  const totals = await executor
    .selectFrom('bank_statement_line')
    .select((eb) => [
      eb.fn.min('booking_date').as('from'),
      eb.fn.max('booking_date').as('to'),
      sql<number>`coalesce(sum(amount_fen) filter (where amount_fen > 0), 0)`.as('debit'),
      sql<number>`coalesce(-sum(amount_fen) filter (where amount_fen < 0), 0)`.as('credit'),
    ])
    .where('statement_id', '=', statement.id)
    .where('province_code', '=', statement.province_code)
    .executeTakeFirstOrThrow();
  return {
    statementId: statement.id,
    lineCount: statement.line_count,
    isReplay: false,
    profileCode: statement.profile_code ?? 'generic',
    from: totals.from as string | null,
    to: totals.to as string | null,
    openingBalanceFen: statement.opening_balance_fen,
    closingBalanceFen: statement.closing_balance_fen,
    debitFen: Number(totals.debit),
    creditFen: Number(totals.credit),
  };
}

export async function getStatement(executor: Executor, statementId: number) {
  const statement = await executor
    .selectFrom('bank_statement')
    .selectAll()
    .where('id', '=', statementId)
    .executeTakeFirst();
  if (!statement)
    throw new AppError('NOT_FOUND', `对账单不存在：${statementId}`, [
      { field: 'statementId', message: '不存在' },
    ]);
  return statement;
}

/** The statement's lines booked within [from, to]. */
export async function statementLines(
  executor: Executor,
  statement: { id: number; province_code: string },
  range: { from: string; to: string },
): Promise<StatementLine[]> {
  const rows = await executor
    .selectFrom('bank_statement_line')
    .selectAll()
    .where('statement_id', '=', statement.id)
    .where('province_code', '=', statement.province_code)
    .where('booking_date', '>=', range.from)
    .where('booking_date', '<=', range.to)
    .orderBy('line_number')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    lineNumber: row.line_number,
    direction: row.direction ?? (row.amount_fen > 0 ? 'debit' : 'credit'),
    amountFen: Math.abs(row.amount_fen),
    bookingDate: row.booking_date,
    reference: row.reference,
    summary: row.summary,
    counterpartyName: row.counterparty_name,
  }));
}

/** Account kinds whose money sits in the special account's bank account (all credit-normal). */
export const FUND_KINDS: readonly string[] = ['special', ...SUB_ACCOUNTS, 'payable'];

const KIND_OF_CODE: Record<string, MovementKind> = {
  disbursement: 'disbursement',
  advance: 'disbursement',
  payment_failure: 'payment_return',
  appropriation: 'appropriation',
  allocation: 'allocation',
  reallocation: 'allocation',
  interest: 'interest',
  bank_fee: 'bank_fee',
  recovery: 'refund',
  reversal: 'reversal',
};

/**
 * The ledger's movements through a region's special account in [from, to]: every transfer with
 * one side on a fund account of the region subtree and the other outside it. A payment and a
 * bank return are one movement per disbursement (what the bank books), the rest one per transfer.
 */
export async function bookMovements(
  executor: Executor,
  input: { provinceCode: string; regionCode: string; from: string; to: string },
): Promise<BookMovement[]> {
  const rows = await sql<{
    id: number;
    code: string;
    amount_fen: number;
    value_date: string;
    disbursement_id: number | null;
    statement_line_id: number | null;
    is_debit_fund: boolean;
    is_credit_fund: boolean;
  }>`
    select t.id, t.code, t.amount_fen, to_char(t.value_date, 'YYYY-MM-DD') as value_date, t.disbursement_id,
           t.statement_line_id,
           (d.region_code like ${regionLikePattern(input.regionCode)} and d.kind in (${sql.join(FUND_KINDS)})) as is_debit_fund,
           (c.region_code like ${regionLikePattern(input.regionCode)} and c.kind in (${sql.join(FUND_KINDS)})) as is_credit_fund
    from ledger_transfer t
    join ledger_account d on d.id = t.debit_account_id and d.province_code = t.province_code
    join ledger_account c on c.id = t.credit_account_id and c.province_code = t.province_code
    where t.province_code = ${input.provinceCode} and t.value_date >= ${input.from} and t.value_date <= ${input.to}
    order by t.value_date, t.id`.execute(executor);
  const movements = new Map<string, BookMovement>();
  for (const row of rows.rows) {
    if (row.is_debit_fund === row.is_credit_fund) continue;
    const direction: Direction = row.is_debit_fund ? 'debit' : 'credit';
    const kind = KIND_OF_CODE[row.code] ?? 'other';
    const isPayment = (kind === 'disbursement' || kind === 'payment_return') && row.disbursement_id !== null;
    const key = isPayment ? `${kind}:${row.disbursement_id}` : `transfer:${row.id}`;
    const existing = movements.get(key);
    if (existing) {
      existing.amountFen += Number(row.amount_fen);
      existing.transferIds.push(row.id);
      continue;
    }
    movements.set(key, {
      key,
      kind,
      direction,
      amountFen: Number(row.amount_fen),
      valueDate: row.value_date,
      reference: isPayment ? disbursementReference(input.provinceCode, row.disbursement_id!) : null,
      statementLineId: row.statement_line_id,
      disbursementId: row.disbursement_id,
      transferIds: [row.id],
    });
  }
  return [...movements.values()];
}

/** The books' balance of the special account at the end of a day: all fund accounts of the subtree. */
export async function bookBalance(
  executor: Executor,
  input: { provinceCode: string; regionCode: string; asOf: string },
): Promise<number> {
  const result = await sql<{ balance: number | null }>`
    select coalesce(sum(case when c.id is not null then t.amount_fen else 0 end), 0)
         - coalesce(sum(case when d.id is not null then t.amount_fen else 0 end), 0) as balance
    from ledger_transfer t
    left join ledger_account d on d.id = t.debit_account_id and d.province_code = t.province_code
      and d.region_code like ${regionLikePattern(input.regionCode)} and d.kind in (${sql.join(FUND_KINDS)})
    left join ledger_account c on c.id = t.credit_account_id and c.province_code = t.province_code
      and c.region_code like ${regionLikePattern(input.regionCode)} and c.kind in (${sql.join(FUND_KINDS)})
    where t.province_code = ${input.provinceCode} and t.value_date <= ${input.asOf}
      and (d.id is not null or c.id is not null)`.execute(executor);
  return Number(result.rows[0]?.balance ?? 0);
}

export interface StatementListItem {
  statementId: number;
  regionCode: string;
  fileName: string;
  lineCount: number;
  profileCode: string;
  from: string | null;
  to: string | null;
  importedAt: Date;
}

/** Imported statements of a region subtree, newest first (the reconciliation page picks one). */
export async function listStatements(
  executor: Executor,
  input: { regionPattern: string; page: number; pageSize: number },
): Promise<{ items: StatementListItem[]; total: number; page: number; pageSize: number }> {
  const base = executor.selectFrom('bank_statement as s').where('s.region_code', 'like', input.regionPattern);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .select((eb) => [
      's.id',
      's.region_code',
      's.file_name',
      's.line_count',
      's.profile_code',
      's.imported_at',
      eb
        .selectFrom('bank_statement_line as l')
        .select((inner) => inner.fn.min('l.booking_date').as('from'))
        .whereRef('l.statement_id', '=', 's.id')
        .whereRef('l.province_code', '=', 's.province_code')
        .as('from'),
      eb
        .selectFrom('bank_statement_line as l')
        .select((inner) => inner.fn.max('l.booking_date').as('to'))
        .whereRef('l.statement_id', '=', 's.id')
        .whereRef('l.province_code', '=', 's.province_code')
        .as('to'),
    ])
    .orderBy('s.id', 'desc')
    .limit(input.pageSize)
    .offset((input.page - 1) * input.pageSize)
    .execute();
  return {
    items: rows.map((row) => ({
      statementId: row.id,
      regionCode: row.region_code,
      fileName: row.file_name,
      lineCount: row.line_count,
      profileCode: row.profile_code ?? 'generic',
      from: (row.from as string | null) ?? null,
      to: (row.to as string | null) ?? null,
      importedAt: row.imported_at,
    })),
    total: Number(total),
    page: input.page,
    pageSize: input.pageSize,
  };
}
