import { AppError } from '../shared/errors.ts';
import { MAX_AMOUNT_FEN } from '../shared/schemas.ts';
import { readTableFile } from './bank-file.codec.ts';
import type { BankProfile } from './bank-profile.service.ts';

/** The part of a payment batch a result file is read against. */
export interface ResultTarget {
  reference: string;
  disbursementId: number;
  amountFen: number;
  status: 'ordered' | 'paid' | 'failed';
  /** A failure or 退回 of it already waits for the second person (失败待复核). */
  hasPendingFailure?: boolean;
}

/**
 * One data row of a bank result file and what it means. Every non-blank row gets one outcome:
 * `paid`, `failed` (with the bank's reason), `returned` (a 退回 of a disbursement already paid), `recorded` (the disbursement already has this very
 * outcome: a file imported twice) or `unmatched` (with why).
 */
export interface ResultRow {
  rowNumber: number;
  reference: string;
  outcome: 'paid' | 'failed' | 'returned' | 'recorded' | 'unmatched';
  reason: string | null;
  disbursementId: number | null;
  amountFen: number | null;
  bankStatus: string;
}

const DISBURSEMENT_REFERENCE = /SF\d{2}D\d{12}/;

function normalise(text: string): string {
  return text.replace(/\s/g, '').replace(/\(/g, '（').replace(/\)/g, '）').toLowerCase();
}

/** The index of the first header cell whose name is one of `names` (whitespace and bracket width ignored). */
export function columnIndex(header: string[], names: string[]): number {
  const wanted = new Set(names.map(normalise));
  return header.findIndex((cell) => wanted.has(normalise(cell)));
}

/** Parses yuan as the banks print it ("1,234.50", "¥12.3", "-5") into fen, exactly. */
export function yuanToFen(text: string): number | null {
  const cleaned = text.replace(/[,\s¥￥元]/g, '');
  const match = /^([+-]?)(\d+)(?:\.(\d{1,2})\d*)?$/.exec(cleaned);
  if (!match) return null;
  const fen = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  // An amount beyond MAX_AMOUNT_FEN is no bank's booking but a corrupt or hostile file.
  if (!Number.isSafeInteger(fen) || fen > MAX_AMOUNT_FEN) return null;
  return match[1] === '-' ? -fen : fen;
}

/** The file's header row: the first row naming a reference column and a status column. */
function findHeader(rows: string[][], profile: BankProfile): number {
  return rows.findIndex(
    (row) =>
      columnIndex(row, profile.result.columns.reference) >= 0 &&
      columnIndex(row, profile.result.columns.status) >= 0,
  );
}

export function expectedResultHeaders(profile: BankProfile): string {
  return `须有表头行，含“${profile.result.columns.reference[0]}”（支付参考号）与“${profile.result.columns.status[0]}”列，可有“${profile.result.columns.reason[0]}”“${profile.result.columns.amount[0]}”列`;
}

/** Classifies every row of a result table against a batch (pure; nothing is written). */
export function classifyResultRows(
  rows: string[][],
  profile: BankProfile,
  targets: ResultTarget[],
): ResultRow[] {
  const headerIndex = findHeader(rows, profile);
  if (headerIndex < 0)
    throw new AppError('VALIDATION_FAILED', `银行结果文件不是“${profile.name}”格式`, [
      { field: 'file', message: expectedResultHeaders(profile) },
    ]);
  const header = rows[headerIndex]!;
  const at = (row: string[], names: string[]) => {
    const index = columnIndex(header, names);
    return index < 0 ? '' : (row[index] ?? '').trim();
  };
  const byReference = new Map(targets.map((target) => [target.reference, target]));
  const paidValues = new Set(profile.result.paidValues.map(normalise));
  const failedValues = new Set(profile.result.failedValues.map(normalise));
  const seen = new Set<string>();
  const result: ResultRow[] = [];
  rows.slice(headerIndex + 1).forEach((row, offset) => {
    if (row.every((cell) => (cell ?? '').trim() === '')) return;
    if (/^(合计|总计)/.test((row[0] ?? '').trim())) return;
    const rawReference = at(row, profile.result.columns.reference);
    const reference = DISBURSEMENT_REFERENCE.exec(rawReference)?.[0] ?? rawReference;
    const bankStatus = at(row, profile.result.columns.status);
    const amountText = at(row, profile.result.columns.amount);
    const amountFen = amountText ? yuanToFen(amountText) : null;
    const target = byReference.get(reference);
    const status = normalise(bankStatus);
    const outcome = paidValues.has(status) ? 'paid' : failedValues.has(status) ? 'failed' : null;
    const line: ResultRow = {
      rowNumber: headerIndex + offset + 2,
      reference,
      outcome: 'unmatched',
      reason: null,
      disbursementId: target?.disbursementId ?? null,
      amountFen,
      bankStatus,
    };
    if (!reference) line.reason = '无支付参考号';
    else if (!target) line.reason = '参考号不属于本批次';
    else if (seen.has(reference)) line.reason = '同一参考号重复出现';
    else if (outcome === null) line.reason = `无法识别的处理结果“${bankStatus}”`;
    else if (amountText && amountFen !== target.amountFen)
      line.reason = `金额不符：文件 ${amountText} 元，指令 ${(target.amountFen / 100).toFixed(2)} 元`;
    else if (target.hasPendingFailure) {
      // The file imported again while its failure waits for the second person: nothing new.
      if (outcome === 'failed') {
        line.outcome = 'recorded';
        line.reason = '失败待复核（已提交，不重复提交）';
      } else line.reason = '该笔失败待复核：复核不通过后才能登记为成功';
    } else if (target.status === outcome) line.outcome = 'recorded';
    else if (target.status === 'paid' && outcome === 'failed') {
      // 退回 after success: the payee's bank sent the money back (issue 15).
      line.outcome = 'returned';
      line.reason = `支付成功后退回：${at(row, profile.result.columns.reason) || '银行未说明原因'}`;
    } else if (target.status !== 'ordered')
      line.reason = `该笔已是${target.status === 'paid' ? '已支付' : '支付失败'}`;
    else {
      line.outcome = outcome;
      if (outcome === 'failed') line.reason = at(row, profile.result.columns.reason) || '银行未说明原因';
    }
    if (target) seen.add(reference);
    result.push(line);
  });
  return result;
}

/** Reads a result file (xlsx, CSV or fixed-column text of the profile; GBK or UTF-8) and classifies it. */
export async function readBankResultFile(
  content: Buffer,
  profile: BankProfile,
  targets: ResultTarget[],
): Promise<ResultRow[]> {
  const fixedWidths = [
    ...profile.instruction.columns.map((column) => column.width),
    ...profile.result.extraColumns.map((column) => column.width),
  ];
  const table = await readTableFile(content, { fixedWidths });
  const rows = classifyResultRows(table.rows, profile, targets);
  if (!rows.some((row) => row.outcome !== 'unmatched')) {
    throw new AppError(
      'BANK_FILE_UNMATCHED',
      '银行结果文件没有一行与本批次对应，未导入',
      rows.length === 0
        ? [{ field: 'file', message: '文件没有明细行' }]
        : rows.map((row) => ({
            field: `rows[${row.rowNumber}]`,
            message: `${row.reference || '（空）'}：${row.reason}`,
          })),
    );
  }
  return rows;
}
