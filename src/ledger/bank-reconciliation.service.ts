import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import { AppError } from '../shared/errors.ts';
import type { Approval } from './approval.service.ts';
import { requestManualTransfer } from './manual.service.ts';
import { BLOCKING_PROBLEMS, reconcile, type Worksheet } from './statement.match.ts';
import { bookBalance, bookMovements, getStatement, statementLines } from './statement.service.ts';
import { accountFor } from './transfer.service.ts';

/** First and last day of a 'YYYY-MM' month. */
export function monthRange(period: string): { from: string; to: string } {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { from: `${period}-01`, to: `${period}-${String(last).padStart(2, '0')}` };
}

export interface PreparedWorksheet {
  statementId: number;
  regionCode: string;
  provinceCode: string;
  period: string;
  from: string;
  to: string;
  /** The bank's opening balance minus the books' at the start of the month (0 when they agree). */
  openingDifferenceFen: number | null;
  worksheet: Worksheet;
  blockingProblems: number;
}

/** The bank's balance at the end of the month: the last 余额 within it, or the statement's closing balance. */
async function bankClosing(
  executor: Executor,
  statement: { id: number; province_code: string; closing_balance_fen: number | null },
  to: string,
): Promise<number> {
  const last = await executor
    .selectFrom('bank_statement_line')
    .select(['balance_fen', 'booking_date'])
    .where('statement_id', '=', statement.id)
    .where('province_code', '=', statement.province_code)
    .where('booking_date', '<=', to)
    .orderBy('booking_date', 'desc')
    .orderBy('line_number', 'desc')
    .executeTakeFirst();
  const later = await executor
    .selectFrom('bank_statement_line')
    .select('id')
    .where('statement_id', '=', statement.id)
    .where('province_code', '=', statement.province_code)
    .where('booking_date', '>', to)
    .executeTakeFirst();
  if (last?.balance_fen !== null && last?.balance_fen !== undefined) return last.balance_fen;
  if (!later && statement.closing_balance_fen !== null) return statement.closing_balance_fen;
  throw new AppError('VALIDATION_FAILED', '对账单没有“余额”列，也未填写期末余额，无法编制余额调节表', [
    { field: 'closingBalanceFen', message: '对账单没有该月的期末余额' },
  ]);
}

/** Computes the reconciliation of a statement for a month (nothing stored). */
export async function prepareWorksheet(
  executor: Executor,
  input: { statementId: number; period: string; toleranceDays?: number },
): Promise<PreparedWorksheet> {
  const statement = await getStatement(executor, input.statementId);
  const { from, to } = monthRange(input.period);
  const lines = await statementLines(executor, statement, { from, to });
  const scope = { provinceCode: statement.province_code, regionCode: statement.region_code };
  const movements = await bookMovements(executor, { ...scope, from, to });
  const bankClosingFen = await bankClosing(executor, statement, to);
  const bookBalanceFen = await bookBalance(executor, { ...scope, asOf: to });
  const dayBefore = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const bookOpeningFen = await bookBalance(executor, { ...scope, asOf: dayBefore });
  const worksheet = reconcile(lines, movements, {
    toleranceDays: input.toleranceDays ?? 3,
    bankClosingFen,
    bookBalanceFen,
  });
  const openingDifferenceFen =
    statement.opening_balance_fen === null ? null : statement.opening_balance_fen - bookOpeningFen;
  return {
    statementId: statement.id,
    regionCode: statement.region_code,
    provinceCode: statement.province_code,
    period: input.period,
    from,
    to,
    openingDifferenceFen,
    worksheet,
    blockingProblems: worksheet.problems.filter((problem) => BLOCKING_PROBLEMS.includes(problem.kind)).length,
  };
}

export interface StoredReconciliation extends PreparedWorksheet {
  id: number;
  status: 'prepared' | 'signed_off';
  preparedBy: number;
  preparedAt: Date;
  signedOffBy: number | null;
  signedOffAt: Date | null;
}

type ReconciliationRow = {
  id: number;
  statement_id: number;
  region_code: string;
  province_code: string;
  period: string;
  worksheet: unknown;
  status: 'prepared' | 'signed_off';
  prepared_by: number;
  prepared_at: Date;
  signed_off_by: number | null;
  signed_off_at: Date | null;
};

const toStored = (row: ReconciliationRow): StoredReconciliation => ({
  ...(row.worksheet as PreparedWorksheet),
  id: row.id,
  status: row.status,
  preparedBy: row.prepared_by,
  preparedAt: row.prepared_at,
  signedOffBy: row.signed_off_by,
  signedOffAt: row.signed_off_at,
});

const hashOf = (prepared: PreparedWorksheet) => sha256Hex(canonicalJson(prepared));

/** Stores the worksheet as prepared by the caller (编制); a second person signs it off. */
export async function prepareReconciliation(
  executor: Executor,
  context: AuditContext,
  input: { statementId: number; period: string; toleranceDays?: number },
): Promise<StoredReconciliation> {
  const statement = await getStatement(executor, input.statementId);
  if (context.actor) assertRegionScope(context.actor, statement.region_code);
  if (!context.actor) throw new Error('a reconciliation is prepared by a person');
  const prepared = await prepareWorksheet(executor, input);
  const row = await executor
    .insertInto('ledger_reconciliation')
    .values({
      province_code: prepared.provinceCode,
      region_code: prepared.regionCode,
      period: prepared.period,
      statement_id: prepared.statementId,
      worksheet: JSON.stringify(prepared),
      worksheet_hash: hashOf(prepared),
      bank_closing_fen: prepared.worksheet.balance.bankClosingFen,
      book_balance_fen: prepared.worksheet.balance.bookBalanceFen,
      is_balanced: prepared.worksheet.balance.isBalanced,
      problem_count: prepared.worksheet.problems.length,
      prepared_by: context.actor.userId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'ledger.reconciliation.prepare',
    objectType: 'ledger_reconciliation',
    objectId: row.id,
    provinceCode: prepared.provinceCode,
    after: {
      statementId: prepared.statementId,
      period: prepared.period,
      isBalanced: prepared.worksheet.balance.isBalanced,
      problems: prepared.worksheet.problems.length,
    },
  });
  return toStored(row);
}

export async function getReconciliation(executor: Executor, id: number): Promise<StoredReconciliation> {
  const row = await executor
    .selectFrom('ledger_reconciliation')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `对账记录不存在：${id}`, [{ field: 'id', message: '不存在' }]);
  return toStored(row);
}

/**
 * A second person signs the reconciliation off (复核): not the preparer, only when the adjusted
 * balances are equal and no error (amount mismatch, duplicate, date out of tolerance) is open,
 * and only while the books and the statement are as they were when it was prepared.
 */
export async function signOffReconciliation(
  executor: Executor,
  context: AuditContext,
  input: { id: number },
): Promise<StoredReconciliation> {
  const row = await executor
    .selectFrom('ledger_reconciliation')
    .selectAll()
    .where('id', '=', input.id)
    .forUpdate()
    .executeTakeFirst();
  if (!row)
    throw new AppError('NOT_FOUND', `对账记录不存在：${input.id}`, [{ field: 'id', message: '不存在' }]);
  if (context.actor) assertRegionScope(context.actor, row.region_code);
  if (!context.actor) throw new Error('a reconciliation is signed off by a person');
  if (row.status !== 'prepared')
    throw new AppError('INVALID_STATE', '该对账已复核', [
      { field: 'id', message: '该对账已复核，不能再次复核' },
    ]);
  if (row.prepared_by === context.actor.userId)
    throw new AppError('SAME_USER_APPROVAL', '编制人不能复核自己的银行对账（双人复核）', [
      { field: 'id', message: '编制人与复核人须为不同人员' },
    ]);
  const stored = toStored(row);
  const current = await prepareWorksheet(executor, {
    statementId: row.statement_id,
    period: row.period,
    toleranceDays: stored.worksheet.toleranceDays,
  });
  if (hashOf(current) !== row.worksheet_hash)
    throw new AppError('INVALID_STATE', '编制后账务或对账单已变化，请重新编制对账', [
      { field: 'id', message: '编制后账务或对账单已变化' },
    ]);
  const refusals: { field: string; message: string }[] = [];
  if (!current.worksheet.balance.isBalanced)
    refusals.push({
      field: 'balance',
      message: `调节后余额不等：银行 ${current.worksheet.balance.adjustedBankFen} 分，账面 ${current.worksheet.balance.adjustedBookFen} 分`,
    });
  for (const problem of current.worksheet.problems.filter((item) => BLOCKING_PROBLEMS.includes(item.kind)))
    refusals.push({
      field: `problems.${problem.kind}`,
      message: `对账单第 ${problem.lineNumbers.join('、')} 行：${problem.reference ?? ''} 未更正`,
    });
  if (refusals.length > 0) throw new AppError('INVALID_STATE', '对账未平或有差错未更正，不能复核', refusals);
  const updated = await executor
    .updateTable('ledger_reconciliation')
    .set({ status: 'signed_off', signed_off_by: context.actor.userId, signed_off_at: new Date() })
    .where('id', '=', row.id)
    .where('province_code', '=', row.province_code)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'ledger.reconciliation.sign_off',
    objectType: 'ledger_reconciliation',
    objectId: row.id,
    provinceCode: row.province_code,
    before: { status: row.status },
    after: { status: 'signed_off', period: row.period, regionCode: row.region_code },
  });
  return toStored(updated);
}

export async function listReconciliations(
  executor: Executor,
  input: { regionPattern: string; period?: string; page: number; pageSize: number },
) {
  let query = executor.selectFrom('ledger_reconciliation').where('region_code', 'like', input.regionPattern);
  if (input.period) query = query.where('period', '=', input.period);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select([
      'id',
      'region_code',
      'period',
      'statement_id',
      'status',
      'is_balanced',
      'problem_count',
      'bank_closing_fen',
      'book_balance_fen',
      'prepared_by',
      'prepared_at',
      'signed_off_by',
      'signed_off_at',
    ])
    .orderBy('id', 'desc')
    .limit(input.pageSize)
    .offset((input.page - 1) * input.pageSize)
    .execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      regionCode: row.region_code,
      period: row.period,
      statementId: row.statement_id,
      status: row.status,
      isBalanced: row.is_balanced,
      problemCount: row.problem_count,
      bankClosingFen: row.bank_closing_fen,
      bookBalanceFen: row.book_balance_fen,
      preparedBy: row.prepared_by,
      preparedAt: row.prepared_at,
      signedOffBy: row.signed_off_by,
      signedOffAt: row.signed_off_at,
    })),
    total: Number(total),
    page: input.page,
    pageSize: input.pageSize,
  };
}

/**
 * Proposes posting a statement line as interest (结息, a credit: bank → the region's special
 * account) or a bank fee (手续费, a debit: special → bank). It is a manual posting like any other:
 * a maker-checker request (ledger_approval, kind manual_transfer, carrying the line) that a second
 * person approves through the approvals queue; the posted transfer names the line, so the next
 * worksheet matches it. A line already posted or proposed is refused; after a rejection it may be
 * proposed again.
 */
export async function requestStatementPosting(
  executor: Executor,
  context: AuditContext,
  input: { statementLineId: number; kind: 'interest' | 'bank_fee' },
  businessDate: string,
): Promise<Approval & { isReplay: boolean }> {
  const line = await executor
    .selectFrom('bank_statement_line as l')
    .innerJoin('bank_statement as s', (join) =>
      join.onRef('s.id', '=', 'l.statement_id').onRef('s.province_code', '=', 'l.province_code'),
    )
    .select(['l.id', 'l.province_code', 'l.amount_fen', 'l.booking_date', 'l.line_number', 's.region_code'])
    .where('l.id', '=', input.statementLineId)
    .executeTakeFirst();
  if (!line)
    throw new AppError('NOT_FOUND', `对账单行不存在：${input.statementLineId}`, [
      { field: 'statementLineId', message: '不存在' },
    ]);
  if (context.actor) assertRegionScope(context.actor, line.region_code);
  const isCredit = line.amount_fen < 0;
  if ((input.kind === 'interest') !== isCredit)
    throw new AppError(
      'VALIDATION_FAILED',
      input.kind === 'interest' ? '利息须为贷方（收入）行' : '手续费须为借方（支出）行',
      [{ field: 'kind', message: `对账单行 ${line.id} 是${isCredit ? '收入' : '支出'}` }],
    );
  const taken = await executor
    .selectFrom('ledger_transfer')
    .select('id')
    .where('province_code', '=', line.province_code)
    .where('statement_line_id', '=', line.id)
    .executeTakeFirst();
  const requests = await executor
    .selectFrom('ledger_approval')
    .select(['id', 'status'])
    .where('province_code', '=', line.province_code)
    .where('kind', '=', 'manual_transfer')
    .where(sql<string>`payload->>'statementLineId'`, '=', String(line.id))
    .execute();
  if (taken || requests.some((request) => request.status !== 'rejected'))
    throw new AppError('CONFLICT', '该对账单行已记账或已提交记账', [
      { field: 'statementLineId', message: `对账单行 ${line.id} 已记账或已提交记账` },
    ]);
  const bank = await accountFor(executor, line.region_code, 'bank');
  const special = await accountFor(executor, line.region_code, 'special');
  const isInterest = input.kind === 'interest';
  return requestManualTransfer(
    executor,
    context,
    {
      // One request per line and attempt: a double click returns the same request.
      idempotencyId: `statement-line:${line.id}:${requests.length + 1}`,
      debitAccountId: isInterest ? bank.id : special.id,
      creditAccountId: isInterest ? special.id : bank.id,
      amountFen: Math.abs(line.amount_fen),
      code: input.kind,
      valueDate: line.booking_date,
      description: `对账单第 ${line.line_number} 行`,
      statementLineId: line.id,
    },
    businessDate,
  );
}
