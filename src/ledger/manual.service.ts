import type { AuditContext } from '../auth/audit.service.ts';
import { assertRegionScope } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import { type Approval, finishApproval, lockPendingApproval, requestApproval } from './approval.service.ts';
import { assertValueDate } from './controls.service.ts';
import {
  type AccountKind,
  getAccount,
  type PostResult,
  postJournal,
  reverseTransfer,
  type TransferCode,
} from './transfer.service.ts';
import { ACCOUNT_KIND_NAMES, TRANSFER_CODE_NAMES, transferCodeRefusal } from './transfer-codes.ts';

/**
 * Manual postings and reversals, both maker-checker. A person may post by hand only bank
 * interest (bank → the region's special account) and bank fees (special → bank) of one region
 * (the transfer-code table, transfer-codes.ts); until statement lines bring them in, these are
 * the bank's facts entered by hand, never into a sub-account, another region or from nothing.
 */
export interface ManualTransferInput {
  idempotencyId: string;
  debitAccountId: number;
  creditAccountId: number;
  amountFen: number;
  code: TransferCode;
  valueDate: string;
  description?: string;
  /** The bank statement line the posting is taken from (interest, fee): the next worksheet matches it. */
  statementLineId?: number;
}

async function accountInScope(executor: Executor, context: AuditContext, accountId: number, field: string) {
  const account = await getAccount(executor, accountId).catch(() => {
    throw new AppError('NOT_FOUND', `账户不存在：${accountId}`, [{ field, message: '账户不存在' }]);
  });
  if (context.actor) assertRegionScope(context.actor, account.regionCode);
  return account;
}

/** An account as the checker reads it: region name and account kind in words, never raw codes. */
async function accountName(
  executor: Executor,
  account: { regionCode: string; kind: AccountKind },
): Promise<string> {
  const region = await executor
    .selectFrom('region')
    .select('name')
    .where('code', '=', account.regionCode)
    .executeTakeFirst();
  return `${region?.name ?? account.regionCode}${ACCOUNT_KIND_NAMES[account.kind]}`;
}

/** The maker's manual posting: checked against the code table and the value-date rules, not posted. */
export async function requestManualTransfer(
  executor: Executor,
  context: AuditContext,
  input: ManualTransferInput,
  businessDate: string,
): Promise<Approval & { isReplay: boolean }> {
  const debit = await accountInScope(executor, context, input.debitAccountId, 'debitAccountId');
  const credit = await accountInScope(executor, context, input.creditAccountId, 'creditAccountId');
  const refusal = transferCodeRefusal(input.code, debit, credit, { isManual: true });
  if (refusal)
    throw new AppError(
      'VALIDATION_FAILED',
      '手工记账只允许同一地区银行账户与专账之间的利息（银行→专账）和手续费（专账→银行）',
      [{ field: 'code', message: refusal }],
    );
  await assertValueDate(executor, {
    provinceCode: debit.provinceCode,
    valueDate: input.valueDate,
    businessDate,
  });
  return requestApproval(executor, context, {
    kind: 'manual_transfer',
    regionCode: debit.regionCode,
    idempotencyId: input.idempotencyId,
    payload: {
      debitAccountId: input.debitAccountId,
      creditAccountId: input.creditAccountId,
      amountFen: input.amountFen,
      code: input.code,
      valueDate: input.valueDate,
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.statementLineId === undefined ? {} : { statementLineId: input.statementLineId }),
    },
    amountFen: input.amountFen,
    summary: `${input.code === 'interest' ? '利息收入' : '银行手续费'} ${await accountName(executor, debit)} → ${await accountName(executor, credit)}${input.description ? `：${input.description}` : ''}`,
  });
}

/** The maker asks to reverse a transfer (冲正); a payment's transfers are corrected by the bank or a recovery. */
export async function requestReversal(
  executor: Executor,
  context: AuditContext,
  input: { transferId: number; idempotencyId: string; valueDate: string; reason: string },
  businessDate: string,
): Promise<Approval & { isReplay: boolean }> {
  const original = await executor
    .selectFrom('ledger_transfer')
    .selectAll()
    .where('id', '=', input.transferId)
    .executeTakeFirst();
  if (!original)
    throw new AppError('NOT_FOUND', `分录不存在：${input.transferId}`, [
      { field: 'transferId', message: '分录不存在' },
    ]);
  const debit = await accountInScope(executor, context, original.debit_account_id, 'transferId');
  const credit = await accountInScope(executor, context, original.credit_account_id, 'transferId');
  if (original.code === 'reversal')
    throw new AppError('INVALID_STATE', '冲正分录不能再冲正', [
      { field: 'transferId', message: '冲正分录不能再冲正' },
    ]);
  if (original.payment_batch_id !== null || original.recovery_order_id !== null)
    throw new AppError('INVALID_STATE', '支付和追回分录不能手工冲正：支付以银行退回更正，追回以追回单更正', [
      { field: 'transferId', message: '属于支付批次或追回单，不能手工冲正' },
    ]);
  const reversed = await executor
    .selectFrom('ledger_transfer')
    .select('id')
    .where('province_code', '=', original.province_code)
    .where('reverses_transfer_id', '=', original.id)
    .executeTakeFirst();
  if (reversed)
    throw new AppError('INVALID_STATE', '该分录已冲正', [{ field: 'transferId', message: '该分录已冲正' }]);
  await assertValueDate(executor, {
    provinceCode: original.province_code,
    valueDate: input.valueDate,
    businessDate,
  });
  return requestApproval(executor, context, {
    kind: 'reversal',
    regionCode: debit.regionCode,
    idempotencyId: input.idempotencyId,
    payload: { transferId: input.transferId, valueDate: input.valueDate, reason: input.reason },
    amountFen: original.amount_fen,
    summary: `冲正分录 #${original.id}（${TRANSFER_CODE_NAMES[original.code as TransferCode] ?? original.code}，${await accountName(executor, debit)} → ${await accountName(executor, credit)}）：${input.reason}`,
  });
}

/** The checker's decision on a manual posting or a reversal; approval posts it now. */
export async function decideLedgerApproval(
  executor: Executor,
  context: AuditContext,
  input: { id: number; kind: 'manual_transfer' | 'reversal'; isApproved: boolean; reason?: string },
  businessDate: string,
): Promise<{ approval: Approval; posted: PostResult | null }> {
  const approval = await lockPendingApproval(executor, context, { id: input.id, kind: input.kind });
  if (!input.isApproved)
    return {
      approval: await finishApproval(executor, context, approval, {
        isApproved: false,
        reason: input.reason,
      }),
      posted: null,
    };
  const valueDate = String(approval.payload.valueDate);
  await assertValueDate(executor, { provinceCode: approval.provinceCode, valueDate, businessDate });
  let posted: PostResult;
  if (input.kind === 'manual_transfer') {
    const payload = approval.payload as unknown as ManualTransferInput;
    posted = await postJournal(executor, context, {
      provinceCode: approval.provinceCode,
      code: payload.code,
      description: payload.description ?? TRANSFER_CODE_NAMES[payload.code],
      transfers: [
        {
          idempotencyId: `approval:${approval.id}`,
          debitAccountId: payload.debitAccountId,
          creditAccountId: payload.creditAccountId,
          amountFen: payload.amountFen,
          code: payload.code,
          valueDate,
          description: payload.description ?? null,
          statementLineId: payload.statementLineId ?? null,
        },
      ],
    });
  } else {
    const payload = approval.payload as { transferId: number; reason: string };
    posted = await reverseTransfer(executor, context, {
      transferId: payload.transferId,
      idempotencyId: `approval:${approval.id}`,
      valueDate,
      reason: payload.reason,
    });
  }
  const finished = await finishApproval(executor, context, approval, {
    isApproved: true,
    reason: input.reason,
    result: { journalId: posted.journalId, transferIds: posted.transfers.map((transfer) => transfer.id) },
  });
  return { approval: finished, posted };
}
