import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import { type Approval, finishApproval, lockPendingApproval, requestApproval } from './approval.service.ts';
import { assertValueDate } from './controls.service.ts';
import {
  accountFor,
  isSubAccount,
  LostIdempotencyRace,
  postJournal,
  type SubAccount,
} from './transfer.service.ts';

export interface RecoveryOrderInput {
  idempotencyId: string;
  claimId: number;
  regionCode: string;
  /** The sub-account the money returns to (the one the claim was charged to, or 'advance'). */
  subAccount: SubAccount;
  amountFen: number;
  reason: string;
  valueDate: string;
}

export interface RecoveryOrder {
  id: number;
  provinceCode: string;
  regionCode: string;
  claimId: number;
  subAccount: string;
  amountFen: number;
  recoveredFen: number;
  reason: string;
  status: 'open' | 'closed';
}

function toOrder(row: {
  id: number;
  province_code: string;
  region_code: string;
  claim_id: number;
  sub_account: string;
  amount_fen: number;
  recovered_fen: number;
  reason: string;
  status: 'open' | 'closed';
}): RecoveryOrder {
  return {
    id: row.id,
    provinceCode: row.province_code,
    regionCode: row.region_code,
    claimId: row.claim_id,
    subAccount: row.sub_account,
    amountFen: row.amount_fen,
    recoveredFen: row.recovered_fen,
    reason: row.reason,
    status: row.status,
  };
}

/**
 * Opens a recovery order (追回) for a paid claim — from supervision or from an advance
 * settlement — and posts the receivable: debit receivable, credit recovery_reserve (code
 * `recovery`). The fund is only restored when the money actually comes back.
 */
export async function createRecoveryOrder(
  executor: Executor,
  context: AuditContext,
  input: RecoveryOrderInput,
): Promise<RecoveryOrder> {
  // Scope first, on the claim's own region (not the region the caller names), so a refusal tells
  // nothing about a claim out of scope — not even what it was paid.
  const claim = await executor
    .selectFrom('claim')
    .select(['region_code'])
    .where('id', '=', input.claimId)
    .executeTakeFirst();
  if (!claim)
    throw new AppError('NOT_FOUND', `补贴申请不存在：${input.claimId}`, [
      { field: 'claimId', message: '不存在' },
    ]);
  if (context.actor) {
    assertRegionScope(context.actor, claim.region_code);
    assertRegionScope(context.actor, input.regionCode);
  }
  if (claim.region_code !== input.regionCode)
    throw new AppError('VALIDATION_FAILED', '追回地区应为该申请的地区', [
      { field: 'regionCode', message: `该申请属于 ${claim.region_code}` },
    ]);
  if (!isSubAccount(input.subAccount))
    throw new AppError('VALIDATION_FAILED', '子账户无效', [{ field: 'subAccount', message: '子账户无效' }]);
  // An order a person opens is dated like any posting a person gives: in an open month, not after
  // the business date (services opening one for a case or a settlement date it themselves).
  if (context.businessToday)
    await assertValueDate(executor, {
      provinceCode: provinceOf(claim.region_code),
      valueDate: input.valueDate,
      businessDate: context.businessToday,
    });
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
    throw new AppError('VALIDATION_FAILED', '追回金额应为正整数（分）', [
      { field: 'amountFen', message: '应为正整数（分）' },
    ]);
  }
  const provinceCode = provinceOf(input.regionCode);
  const existing = await executor
    .selectFrom('recovery_order')
    .selectAll()
    .where('province_code', '=', provinceCode)
    .where('idempotency_id', '=', input.idempotencyId)
    .executeTakeFirst();
  if (existing) {
    if (
      existing.claim_id !== input.claimId ||
      existing.amount_fen !== input.amountFen ||
      existing.sub_account !== input.subAccount
    ) {
      throw new AppError('IDEMPOTENCY_CONFLICT', '幂等编号已用于不同的追回单', [
        { field: 'idempotencyId', message: '幂等编号已用于内容不同的请求' },
      ]);
    }
    return toOrder(existing);
  }
  const paid = await executor
    .selectFrom('payment_item')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), eb.lit(0)).as('total'))
    .where('province_code', '=', provinceCode)
    .where('claim_id', '=', input.claimId)
    .where('status', '!=', 'returned_to_payable')
    .executeTakeFirstOrThrow();
  if (Number(paid.total) < input.amountFen) {
    throw new AppError('VALIDATION_FAILED', '追回金额超过该申请已支付金额', [
      { field: 'amountFen', message: `申请 ${input.claimId} 已支付 ${paid.total} 分` },
    ]);
  }
  const row = await executor
    .insertInto('recovery_order')
    .values({
      province_code: provinceCode,
      region_code: input.regionCode,
      claim_id: input.claimId,
      sub_account: input.subAccount,
      amount_fen: input.amountFen,
      reason: input.reason,
      idempotency_id: input.idempotencyId,
      created_by: context.actor?.userId ?? null,
    })
    .onConflict((conflict) => conflict.columns(['province_code', 'idempotency_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new LostIdempotencyRace();
  const receivable = await accountFor(executor, input.regionCode, 'receivable');
  const reserve = await accountFor(executor, input.regionCode, 'recovery_reserve');
  await postJournal(executor, context, {
    provinceCode,
    code: 'recovery',
    description: `追回单 ${row.id}：${input.reason}`,
    transfers: [
      {
        idempotencyId: `recovery-order:${row.id}`,
        debitAccountId: receivable.id,
        creditAccountId: reserve.id,
        amountFen: input.amountFen,
        code: 'recovery',
        valueDate: input.valueDate,
        claimId: input.claimId,
        recoveryOrderId: row.id,
      },
    ],
  });
  const order = toOrder(row);
  await recordAudit(executor, context, {
    action: 'ledger.recovery_order.create',
    objectType: 'recovery_order',
    objectId: row.id,
    provinceCode,
    after: order,
  });
  return order;
}

/**
 * Records money that came back for a recovery order: bank → sub-account (the fund is restored)
 * and recovery_reserve → receivable (the claim on the payee shrinks), in one journal.
 */
export async function recordRecoveryReceipt(
  executor: Executor,
  context: AuditContext,
  input: {
    orderId: number;
    idempotencyId: string;
    amountFen: number;
    valueDate: string;
    statementLineId?: number | null;
  },
): Promise<RecoveryOrder> {
  const row = await executor
    .selectFrom('recovery_order')
    .selectAll()
    .where('id', '=', input.orderId)
    .forUpdate()
    .executeTakeFirst();
  if (!row)
    throw new AppError('NOT_FOUND', `追回单不存在：${input.orderId}`, [
      { field: 'orderId', message: '不存在' },
    ]);
  if (context.actor) assertRegionScope(context.actor, row.region_code);
  const before = toOrder(row);
  const posted = await postJournal(executor, context, {
    provinceCode: row.province_code,
    code: 'recovery',
    description: `追回到账 追回单${row.id}`,
    transfers: [
      {
        idempotencyId: `recovery-receipt:${input.idempotencyId}:fund`,
        debitAccountId: (await accountFor(executor, row.region_code, 'bank')).id,
        creditAccountId: (await accountFor(executor, row.region_code, row.sub_account as SubAccount)).id,
        amountFen: input.amountFen,
        code: 'recovery',
        valueDate: input.valueDate,
        claimId: row.claim_id,
        recoveryOrderId: row.id,
        statementLineId: input.statementLineId ?? null,
      },
      {
        idempotencyId: `recovery-receipt:${input.idempotencyId}:receivable`,
        debitAccountId: (await accountFor(executor, row.region_code, 'recovery_reserve')).id,
        creditAccountId: (await accountFor(executor, row.region_code, 'receivable')).id,
        amountFen: input.amountFen,
        code: 'recovery',
        valueDate: input.valueDate,
        claimId: row.claim_id,
        recoveryOrderId: row.id,
        statementLineId: input.statementLineId ?? null,
      },
    ],
  });
  if (posted.isReplay) return before;
  if (row.recovered_fen + input.amountFen > row.amount_fen) {
    throw new AppError('VALIDATION_FAILED', '到账金额超过待追回金额', [
      { field: 'amountFen', message: `待追回 ${row.amount_fen - row.recovered_fen} 分` },
    ]);
  }
  const fundTransfer = posted.transfers.find((transfer) => transfer.idempotencyId.endsWith(':fund'));
  if (!fundTransfer) throw new Error(`recovery receipt of order ${row.id} posted no fund transfer`);
  await allocateReceipt(executor, row, { transferId: fundTransfer.id, ...input });
  const recoveredFen = row.recovered_fen + input.amountFen;
  const updated = await executor
    .updateTable('recovery_order')
    .set({ recovered_fen: recoveredFen, status: recoveredFen === row.amount_fen ? 'closed' : 'open' })
    .where('id', '=', row.id)
    .where('province_code', '=', row.province_code)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = toOrder(updated);
  await recordAudit(executor, context, {
    action: 'ledger.recovery_order.receipt',
    objectType: 'recovery_order',
    objectId: row.id,
    provinceCode: row.province_code,
    before,
    after,
  });
  return after;
}

/**
 * Recovery is a reversal: the receipt's money comes off the claim's paid items of the order's
 * sub-account (or its advance), lines excluded by supervision first, then in item order, each at
 * most its amount less what earlier receipts took back (`recovery_receipt_line`; the reports
 * domain counts them as 'recovered' facts). Money beyond what was paid on that sub-account is
 * refused.
 */
async function allocateReceipt(
  executor: Executor,
  order: { id: number; province_code: string; claim_id: number; sub_account: string },
  input: { transferId: number; amountFen: number; valueDate: string },
): Promise<void> {
  const isAdvance = order.sub_account === 'advance';
  const items = await executor
    .selectFrom('payment_item as item')
    .leftJoin('claim_line as line', (join) =>
      join.onRef('line.id', '=', 'item.claim_line_id').onRef('line.province_code', '=', 'item.province_code'),
    )
    .select((eb) => [
      'item.id',
      'item.claim_line_id',
      'item.amount_fen',
      eb.fn.coalesce('line.status', eb.val('active')).as('line_status'),
      eb
        .selectFrom('recovery_receipt_line as taken')
        .select((inner) =>
          inner.fn.coalesce(inner.fn.sum<number>('taken.amount_fen'), inner.lit(0)).as('total'),
        )
        .whereRef('taken.province_code', '=', 'item.province_code')
        .whereRef('taken.payment_item_id', '=', 'item.id')
        .as('recovered_fen'),
    ])
    .where('item.province_code', '=', order.province_code)
    .where('item.claim_id', '=', order.claim_id)
    .where('item.status', '!=', 'returned_to_payable')
    .where('item.kind', '=', isAdvance ? 'advance' : 'payment')
    .$if(!isAdvance, (query) => query.where('item.sub_account', '=', order.sub_account))
    .orderBy('item.id')
    .execute();
  const ordered = [
    ...items.filter((item) => item.line_status === 'excluded'),
    ...items.filter((item) => item.line_status !== 'excluded'),
  ];
  let remainingFen = input.amountFen;
  const lines = [];
  for (const item of ordered) {
    const openFen = item.amount_fen - Number(item.recovered_fen ?? 0);
    if (remainingFen === 0 || openFen <= 0) continue;
    const amountFen = Math.min(openFen, remainingFen);
    remainingFen -= amountFen;
    lines.push({
      province_code: order.province_code,
      recovery_order_id: order.id,
      transfer_id: input.transferId,
      claim_id: order.claim_id,
      payment_item_id: item.id,
      claim_line_id: item.claim_line_id,
      amount_fen: amountFen,
      value_date: input.valueDate,
    });
  }
  if (remainingFen > 0)
    throw new AppError('VALIDATION_FAILED', '到账金额超过该申请在此子账户已支付且未追回的金额', [
      { field: 'amountFen', message: `超出 ${remainingFen} 分` },
    ]);
  if (lines.length > 0) await executor.insertInto('recovery_receipt_line').values(lines).execute();
}

export interface RecoveryReceiptInput {
  orderId: number;
  idempotencyId: string;
  amountFen: number;
  valueDate: string;
  statementLineId?: number | null;
}

/**
 * The maker's record that money came back for a recovery order (追回到账): nothing is posted until
 * a second person with `ledger.post` approves it (`decideRecoveryReceipt`), because the posting
 * puts money back on a sub-account from which it can be paid again. Scope is checked on the
 * order's region before anything about it is told; the amount may not exceed what is outstanding.
 */
export async function requestRecoveryReceipt(
  executor: Executor,
  context: AuditContext,
  input: RecoveryReceiptInput,
  businessDate: string,
): Promise<Approval & { isReplay: boolean }> {
  const row = await executor
    .selectFrom('recovery_order')
    .selectAll()
    .where('id', '=', input.orderId)
    .executeTakeFirst();
  if (!row)
    throw new AppError('NOT_FOUND', `追回单不存在：${input.orderId}`, [
      { field: 'orderId', message: '不存在' },
    ]);
  if (context.actor) assertRegionScope(context.actor, row.region_code);
  const outstandingFen = row.amount_fen - row.recovered_fen;
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0 || input.amountFen > outstandingFen)
    throw new AppError('VALIDATION_FAILED', '到账金额应为正整数（分）且不超过待追回金额', [
      { field: 'amountFen', message: `待追回 ${outstandingFen} 分` },
    ]);
  await assertValueDate(executor, {
    provinceCode: row.province_code,
    valueDate: input.valueDate,
    businessDate,
  });
  return requestApproval(executor, context, {
    kind: 'recovery_receipt',
    regionCode: row.region_code,
    idempotencyId: input.idempotencyId,
    payload: {
      orderId: row.id,
      amountFen: input.amountFen,
      valueDate: input.valueDate,
      statementLineId: input.statementLineId ?? null,
    },
    amountFen: input.amountFen,
    summary: `追回单 #${row.id} 追回到账 ${(input.amountFen / 100).toFixed(2)} 元（申请 #${row.claim_id}）`,
  });
}

/** The checker's decision on a recovery receipt; approval posts it now (bank → sub-account). */
export async function decideRecoveryReceipt(
  executor: Executor,
  context: AuditContext,
  input: { id: number; isApproved: boolean; reason?: string },
  businessDate: string,
): Promise<{ approval: Approval; recoveryOrder: RecoveryOrder | null }> {
  const approval = await lockPendingApproval(executor, context, { id: input.id, kind: 'recovery_receipt' });
  if (!input.isApproved)
    return {
      approval: await finishApproval(executor, context, approval, {
        isApproved: false,
        reason: input.reason,
      }),
      recoveryOrder: null,
    };
  const payload = approval.payload as unknown as Omit<RecoveryReceiptInput, 'idempotencyId'>;
  await assertValueDate(executor, {
    provinceCode: approval.provinceCode,
    valueDate: payload.valueDate,
    businessDate,
  });
  const recoveryOrder = await recordRecoveryReceipt(executor, context, {
    ...payload,
    idempotencyId: `approval:${approval.id}`,
  });
  const finished = await finishApproval(executor, context, approval, {
    isApproved: true,
    reason: input.reason,
    result: { recoveryOrderId: recoveryOrder.id, recoveredFen: recoveryOrder.recoveredFen },
  });
  return { approval: finished, recoveryOrder };
}

/** One recovery order, after the scope check on its region (nothing is told out of scope). */
export async function getRecoveryOrder(
  executor: Executor,
  context: AuditContext,
  id: number,
): Promise<RecoveryOrder> {
  const row = await executor.selectFrom('recovery_order').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `追回单不存在：${id}`, [{ field: 'id', message: '不存在' }]);
  if (context.actor) assertRegionScope(context.actor, row.region_code);
  return toOrder(row);
}

/** Recovery orders of the caller's region subtree, newest first; by claim and status. */
/**
 * The recovery orders another domain opened under one key (its idempotency prefix, e.g. a
 * supervision case's `supervision-case:12:`), as they stand now: the case shows them.
 */
export async function recoveryOrdersOpenedUnder(
  executor: Executor,
  provinceCode: string,
  keyPrefix: string,
): Promise<RecoveryOrder[]> {
  const rows = await executor
    .selectFrom('recovery_order')
    .selectAll()
    .where('province_code', '=', provinceCode)
    .where('idempotency_id', 'like', `${keyPrefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`)
    .orderBy('id')
    .execute();
  return rows.map(toOrder);
}

export async function listRecoveryOrders(
  executor: Executor,
  input: {
    scopeRegionCode: string;
    claimId?: number;
    status?: 'open' | 'closed';
    page: number;
    pageSize: number;
  },
): Promise<{ items: RecoveryOrder[]; total: number; page: number; pageSize: number }> {
  let query = executor
    .selectFrom('recovery_order')
    .where('province_code', '=', provinceOf(input.scopeRegionCode))
    .where('region_code', 'like', regionLikePattern(input.scopeRegionCode));
  if (input.claimId !== undefined) query = query.where('claim_id', '=', input.claimId);
  if (input.status) query = query.where('status', '=', input.status);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('id', 'desc')
    .limit(input.pageSize)
    .offset((input.page - 1) * input.pageSize)
    .execute();
  return { items: rows.map(toOrder), total: Number(total), page: input.page, pageSize: input.pageSize };
}
