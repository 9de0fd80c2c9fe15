import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { hasPermission, type Permission } from '../auth/roles.ts';
import { assertRegionScope, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import { AppError } from '../shared/errors.ts';
import { LostIdempotencyRace } from './transfer.service.ts';

/**
 * Maker-checker (双人复核) for the money movements a person starts: a payment order, a manual
 * transfer, a reversal, a change of a payee's bank account, money recorded as come back for a
 * recovery order, a failure or 退回 a bank result reports for a disbursement. The maker's request is stored here
 * and moves no money; a second user holding the same permission, with scope over the region,
 * approves it (the movement is posted in the same transaction) or rejects it. Fund requests
 * (计提、下拨、调剂) keep their own table (funding.service.ts) and the same rule.
 */
export type ApprovalKind =
  | 'payment_order'
  | 'manual_transfer'
  | 'reversal'
  | 'payee_account'
  | 'recovery_receipt'
  | 'payment_failure';
export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

export const APPROVAL_KIND_LABELS: Record<ApprovalKind, string> = {
  payment_order: '支付指令',
  manual_transfer: '手工记账（利息、手续费）',
  reversal: '冲正',
  payee_account: '收款账户变更',
  recovery_receipt: '追回到账',
  payment_failure: '支付失败退回',
};

/** The permission maker and checker must both hold, per kind. */
export const APPROVAL_PERMISSION: Record<ApprovalKind, Permission> = {
  payment_order: 'payment.order',
  manual_transfer: 'ledger.post',
  reversal: 'ledger.post',
  payee_account: 'payment.order',
  recovery_receipt: 'ledger.post',
  // A bank's failure or 退回 is checked by another finance officer (payment.order), not by an
  // HRSS officer who may post ledger entries but orders no payments.
  payment_failure: 'payment.order',
};

export interface Approval {
  id: number;
  provinceCode: string;
  regionCode: string;
  kind: ApprovalKind;
  idempotencyId: string;
  payload: Record<string, unknown>;
  amountFen: number | null;
  summary: string;
  status: ApprovalStatus;
  requestedBy: number;
  /** The maker's display name, so the checker sees who asked (待复核 shows names, not ids). */
  requestedByName: string | null;
  decidedBy: number | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  result: unknown;
  createdAt: Date;
}

type ApprovalRow = Awaited<ReturnType<typeof selectApproval>>;

function selectApproval(executor: Executor, id: number) {
  return executor.selectFrom('ledger_approval').selectAll().where('id', '=', id).executeTakeFirst();
}

function toApproval(row: NonNullable<ApprovalRow>, names: ReadonlyMap<number, string> = new Map()): Approval {
  return {
    id: row.id,
    provinceCode: row.province_code,
    regionCode: row.region_code,
    kind: row.kind,
    idempotencyId: row.idempotency_id,
    payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<
      string,
      unknown
    >,
    amountFen: row.amount_fen,
    summary: row.summary,
    status: row.status,
    requestedBy: row.requested_by,
    requestedByName: names.get(row.requested_by) ?? null,
    decidedBy: row.decided_by,
    decidedByName: row.decided_by === null ? null : (names.get(row.decided_by) ?? null),
    decidedAt: row.decided_at,
    decisionReason: row.decision_reason,
    result: typeof row.result === 'string' ? JSON.parse(row.result) : row.result,
    createdAt: row.created_at,
  };
}

export interface ApprovalRequest {
  kind: ApprovalKind;
  regionCode: string;
  /** The maker's idempotency id; stored as `<kind>:<id>` so kinds never collide. */
  idempotencyId: string;
  payload: Record<string, unknown>;
  amountFen: number | null;
  summary: string;
  /** What identifies the request for idempotency when the payload holds ciphertext; default the payload. */
  hashBasis?: Record<string, unknown>;
}

/**
 * Records the maker's request (nothing is posted). A retry with the same idempotency id and
 * payload returns the first request (`isReplay`); another payload is 409 IDEMPOTENCY_CONFLICT.
 */
export async function requestApproval(
  executor: Executor,
  context: AuditContext,
  input: ApprovalRequest,
): Promise<Approval & { isReplay: boolean }> {
  const actor = context.actor;
  if (!actor) throw new Error('a maker-checker request needs an acting user');
  assertRegionScope(actor, input.regionCode);
  const provinceCode = provinceOf(input.regionCode);
  const idempotencyId = `${input.kind}:${input.idempotencyId}`;
  const requestHash = sha256Hex(
    canonicalJson({ kind: input.kind, payload: input.hashBasis ?? input.payload }),
  );
  const existing = await executor
    .selectFrom('ledger_approval')
    .selectAll()
    .where('province_code', '=', provinceCode)
    .where('idempotency_id', '=', idempotencyId)
    .executeTakeFirst();
  if (existing) {
    if (existing.request_hash !== requestHash)
      throw new AppError('IDEMPOTENCY_CONFLICT', '幂等编号已用于不同内容的复核申请', [
        { field: 'idempotencyId', message: '幂等编号已用于内容不同的请求' },
      ]);
    return { ...toApproval(existing), isReplay: true };
  }
  const row = await executor
    .insertInto('ledger_approval')
    .values({
      province_code: provinceCode,
      region_code: input.regionCode,
      kind: input.kind,
      idempotency_id: idempotencyId,
      request_hash: requestHash,
      payload: JSON.stringify(input.payload),
      amount_fen: input.amountFen,
      summary: input.summary,
      requested_by: actor.userId,
      decided_by: null,
      decided_at: null,
      decision_reason: null,
      result: null,
    })
    .onConflict((conflict) => conflict.columns(['province_code', 'idempotency_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new LostIdempotencyRace();
  const approval = toApproval(row);
  await recordAudit(executor, context, {
    action: `ledger.approval.request.${input.kind}`,
    objectType: 'ledger_approval',
    objectId: approval.id,
    provinceCode,
    after: { kind: approval.kind, amountFen: approval.amountFen, summary: approval.summary },
  });
  return { ...approval, isReplay: false };
}

/**
 * The checker takes a pending request: scope is checked before anything about it is told, then
 * the kind, the state, the permission and that the checker is not the maker. The row is locked
 * until the decision commits, so two checkers cannot both post it.
 */
export async function lockPendingApproval(
  executor: Executor,
  context: AuditContext,
  input: { id: number; kind: ApprovalKind },
): Promise<Approval> {
  const actor = context.actor;
  if (!actor) throw new Error('a decision needs an acting user');
  const row = await executor
    .selectFrom('ledger_approval')
    .selectAll()
    .where('id', '=', input.id)
    .forUpdate()
    .executeTakeFirst();
  if (!row)
    throw new AppError('NOT_FOUND', `复核申请不存在：${input.id}`, [{ field: 'id', message: '不存在' }]);
  assertRegionScope(actor, row.region_code);
  if (row.kind !== input.kind)
    throw new AppError('NOT_FOUND', `复核申请不存在：${input.id}`, [
      { field: 'id', message: `不是该类复核申请` },
    ]);
  if (row.status !== 'pending')
    throw new AppError('INVALID_STATE', '该申请已复核', [
      { field: 'status', message: row.status === 'approved' ? '已复核通过' : '已复核不通过' },
    ]);
  if (row.requested_by === actor.userId)
    throw new AppError('SAME_USER_APPROVAL', '经办人不能复核自己提出的申请（双人复核）', [
      { field: 'id', message: '经办人与复核人须为不同人员' },
    ]);
  if (!hasPermission(actor.role, APPROVAL_PERMISSION[row.kind]))
    throw new AppError('FORBIDDEN', '无权复核该类申请', [
      { field: 'id', message: `当前角色无权复核该类申请` },
    ]);
  return toApproval(row);
}

/** Stores the checker's decision and its result (what was posted), audited with before/after. */
export async function finishApproval(
  executor: Executor,
  context: AuditContext,
  approval: Approval,
  decision: { isApproved: boolean; reason?: string | null; result?: unknown },
): Promise<Approval> {
  const updated = await executor
    .updateTable('ledger_approval')
    .set({
      status: decision.isApproved ? 'approved' : 'rejected',
      decided_by: context.actor?.userId ?? null,
      decided_at: new Date(),
      decision_reason: decision.reason ?? null,
      result: decision.result === undefined ? null : JSON.stringify(decision.result),
    })
    .where('id', '=', approval.id)
    .where('province_code', '=', approval.provinceCode)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = toApproval(updated);
  await recordAudit(executor, context, {
    action: `ledger.approval.${decision.isApproved ? 'approve' : 'reject'}.${approval.kind}`,
    objectType: 'ledger_approval',
    objectId: approval.id,
    provinceCode: approval.provinceCode,
    before: { status: approval.status },
    after: { status: after.status, reason: after.decisionReason, result: decision.result ?? null },
  });
  return after;
}

/** One request, after the scope check (a request out of scope answers 403 before anything is told). */
export async function getApproval(executor: Executor, context: AuditContext, id: number): Promise<Approval> {
  const row = await selectApproval(executor, id);
  if (!row) throw new AppError('NOT_FOUND', `复核申请不存在：${id}`, [{ field: 'id', message: '不存在' }]);
  if (context.actor) assertRegionScope(context.actor, row.region_code);
  return toApproval(row, await userNames(executor, [row.requested_by, row.decided_by]));
}

/** Display names of the makers and checkers named by approvals. */
async function userNames(executor: Executor, ids: (number | null)[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await executor
    .selectFrom('app_user')
    .select(['id', 'display_name'])
    .where('id', 'in', wanted)
    .execute();
  return new Map(rows.map((row) => [row.id, row.display_name]));
}

/** The 待复核 queue and its history, within the caller's region subtree. */
export async function listApprovals(
  executor: Executor,
  input: {
    scopeRegionCode: string;
    status?: ApprovalStatus;
    kind?: ApprovalKind;
    page: number;
    pageSize: number;
  },
): Promise<{ items: Approval[]; total: number; page: number; pageSize: number }> {
  let query = executor
    .selectFrom('ledger_approval')
    .where('province_code', '=', provinceOf(input.scopeRegionCode))
    .where('region_code', 'like', regionLikePattern(input.scopeRegionCode));
  if (input.status) query = query.where('status', '=', input.status);
  if (input.kind) query = query.where('kind', '=', input.kind);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('id', 'desc')
    .limit(input.pageSize)
    .offset((input.page - 1) * input.pageSize)
    .execute();
  const names = await userNames(
    executor,
    rows.flatMap((row) => [row.requested_by, row.decided_by]),
  );
  return {
    items: rows.map((row) => toApproval(row, names)),
    total: Number(total),
    page: input.page,
    pageSize: input.pageSize,
  };
}
