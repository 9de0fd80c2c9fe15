import type { AuditContext } from '../auth/audit.service.ts';
import { provinceOf } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import {
  type Approval,
  finishApproval,
  lockPendingApproval,
  requestApproval,
} from '../ledger/approval.service.ts';
import { assertValueDate } from '../ledger/controls.service.ts';
import { registeredAccount } from '../ledger/payee-account.service.ts';
import {
  type AdvanceSettlement,
  createPaymentBatch,
  getPaymentBatch,
  importBankResult,
  type PayableItem,
  type Payee,
  type PaymentBatch,
  settleAdvance,
} from '../ledger/payment.service.ts';
import type { SubAccount } from '../ledger/transfer.service.ts';
import type { EvaluateRequest } from '../policy/evaluate.types.ts';
import { getOrganisation } from '../registry/organisation.service.ts';
import { sanctionInWords } from '../registry/standing.service.ts';
import { decryptStored, rowKeyOf } from '../shared/data-keyring.ts';
import { AppError } from '../shared/errors.ts';
import { personsById } from './claim.facts.ts';
import { selectClaimRow } from './claim.repository.ts';
import { applyTransitionById, lockForTransition, transitionClaim } from './claim.service.ts';
import { withStoredForms } from './claim.stored-form.ts';

/** The spending sub-account (分账核算) each subsidy kind is charged to: its funding source. */
export const SUB_ACCOUNT_OF: Record<string, SubAccount> = {
  training: 'training',
  safety_training: 'training',
  directed_training: 'training',
  technician_training: 'training',
  insured_skill_upgrade: 'training',
  on_the_job_training: 'on_the_job_training',
  living_allowance: 'living_allowance',
  certificate: 'certificate',
  apprenticeship: 'apprenticeship',
};

/** The sub-account of a subsidy kind; a kind without one is a bug, never charged to a default. */
export function subAccountOf(subsidyKind: string): SubAccount {
  const subAccount = SUB_ACCOUNT_OF[subsidyKind];
  if (!subAccount) throw new Error(`subsidy kind ${subsidyKind} has no funding sub-account`);
  return subAccount;
}

type ClaimRow = NonNullable<Awaited<ReturnType<typeof selectClaimRow>>>;

/** A line that cannot be paid now, with why (the order is refused, naming each). */
export interface HeldLine {
  claimId: number;
  lineId: number;
  lineNumber: number;
  reason: string;
}

/**
 * What an approved claim's lines entitle to now: per eligible, active line its approved amount
 * less what is paid or in flight for it (payment items ordered or paid), paid to the payee the
 * decision named, at the account the registry holds for it, from the subsidy kind's sub-account.
 * Nothing here is taken from the caller.
 */
export async function derivePayableLines(
  executor: Executor,
  claim: ClaimRow,
): Promise<{ items: PayableItem[]; held: HeldLine[] }> {
  const lines = await withStoredForms(
    executor,
    await executor
      .selectFrom('claim_line')
      .selectAll()
      .where('claim_id', '=', claim.id)
      .where('province_code', '=', claim.province_code)
      .where('is_eligible', '=', true)
      .where('status', '=', 'active')
      .where('amount_fen', '>', 0)
      .orderBy('line_number')
      .execute(),
  );
  const committed = await committedByLine(
    executor,
    claim.province_code,
    lines.map((line) => line.id),
  );
  const persons = await personsById(
    executor,
    lines.map((line) => line.payee_person_id ?? line.person_id).filter((id): id is number => id !== null),
  );
  const items: PayableItem[] = [];
  const held: HeldLine[] = [];
  const hold = (line: { id: number; line_number: number }, reason: string) =>
    held.push({ claimId: claim.id, lineId: line.id, lineNumber: line.line_number, reason });
  const applicantStanding = await applicantHold(executor, claim);
  for (const line of lines) {
    const remainingFen = line.amount_fen - (committed.get(line.id) ?? 0);
    if (remainingFen <= 0) continue;
    if (applicantStanding) {
      hold(line, applicantStanding);
      continue;
    }
    const payee = await resolvePayee(executor, claim, line, persons);
    if (typeof payee === 'string') {
      hold(line, payee);
      continue;
    }
    const account = await payeeAccountOf(executor, claim, payee);
    if (account === null) {
      hold(
        line,
        payee.type === 'person'
          ? `收款人 ${payee.name} 未登记社会保障卡银行账户，生活费等个人补贴只能支付到本人账户`
          : `收款单位 ${payee.name} 未登记结算账户`,
      );
      continue;
    }
    items.push({
      claimId: claim.id,
      lineId: line.id,
      payee: { ...payee, bankAccount: account.accountNumber, bankName: account.bankName },
      amountFen: remainingFen,
      subAccount: subAccountOf(claim.subsidy_kind),
      regionCode: claim.region_code,
      ...(claim.mode === 'advance'
        ? { kind: 'advance' as const, advanceBasisFen: advanceBasisOf(line.request) }
        : {}),
    });
  }
  return { items, held };
}

/** Per line, the fen ordered or paid for it and not returned. */
async function committedByLine(
  executor: Executor,
  provinceCode: string,
  lineIds: number[],
): Promise<Map<number, number>> {
  if (lineIds.length === 0) return new Map();
  const rows = await executor
    .selectFrom('payment_item')
    .select(['claim_line_id', (eb) => eb.fn.sum<number>('amount_fen').as('total')])
    .where('province_code', '=', provinceCode)
    .where('claim_line_id', 'in', lineIds)
    .where('status', 'in', ['ordered', 'paid'])
    .where('kind', 'in', ['payment', 'advance'])
    .groupBy('claim_line_id')
    .execute();
  return new Map(rows.map((row) => [row.claim_line_id!, Number(row.total)]));
}

/** Why a sanctioned applicant's claim is held, or null (渝人社发〔2021〕12号 八: 严惩套取、骗取). */
async function applicantHold(executor: Executor, claim: ClaimRow): Promise<string | null> {
  if (claim.applicant_organisation_id === null) return null;
  const applicant = await getOrganisation(executor, claim.applicant_organisation_id);
  const sanction = applicant && sanctionInWords(applicant);
  return sanction ? `申请单位 ${applicant.name} ${sanction}，暂停支付` : null;
}

/**
 * The payee the decision named: the trainee for a personal subsidy (生活费 goes to the trainee's
 * own account, never the institution's), otherwise the organisation of the payee kind — the
 * line's, the one the candidate named for that kind, or the applicant when it is of that kind.
 */
async function resolvePayee(
  executor: Executor,
  claim: ClaimRow,
  line: {
    id: number;
    line_number: number;
    payee: string;
    payee_organisation_id: number | null;
    payee_person_id: number | null;
    person_id: number | null;
    payee_ids: unknown;
  },
  persons: Map<number, { id: number; name: string }>,
): Promise<Omit<Payee, 'bankAccount'> | string> {
  if (line.payee === 'person' || line.payee_person_id !== null) {
    const person = persons.get(line.payee_person_id ?? line.person_id ?? -1);
    return person
      ? { type: 'person', id: person.id, name: person.name }
      : `明细 ${line.line_number} 的收款人不存在`;
  }
  const candidates = (line.payee_ids ?? {}) as Record<string, number | null>;
  const organisationId =
    line.payee_organisation_id ??
    candidates[line.payee] ??
    (claim.applicant_kind === line.payee ? claim.applicant_organisation_id : null);
  if (organisationId === null || organisationId === undefined)
    return `明细 ${line.line_number} 应支付给${PAYEE_LABELS[line.payee] ?? line.payee}，但未登记该单位，不能支付`;
  const organisation = await getOrganisation(executor, organisationId);
  if (!organisation) return `明细 ${line.line_number} 的收款单位不存在：${organisationId}`;
  const sanction = sanctionInWords(organisation);
  if (sanction) return `收款单位 ${organisation.name} ${sanction}，暂停支付`;
  return { type: 'organisation', id: organisation.id, name: organisation.name };
}

const PAYEE_LABELS: Record<string, string> = {
  enterprise: '企业',
  institution: '培训机构',
  evaluation_org: '评价机构',
};

/**
 * The payee's account and its bank (开户行, printed on the instruction file): the one registered
 * for it (maker-checker, payee-account.service.ts), or — only when the payee is the applicant
 * itself — the account the applicant declared on its own claim. Null when neither exists: the
 * line is held.
 */
async function payeeAccountOf(
  executor: Executor,
  claim: ClaimRow,
  payee: Omit<Payee, 'bankAccount'>,
): Promise<{ accountNumber: string; bankName: string | null } | null> {
  const registered = await registeredAccount(executor, claim.province_code, payee.type, payee.id);
  if (registered) return { accountNumber: registered.accountNumber, bankName: registered.bankName };
  const isApplicant =
    payee.type === 'organisation'
      ? claim.applicant_organisation_id === payee.id
      : claim.applicant_person_id === payee.id;
  const accountNumber = isApplicant ? payeeBankAccount(claim) : null;
  return accountNumber ? { accountNumber, bankName: claim.payee_bank_name } : null;
}

function heldError(held: HeldLine[]): AppError {
  return new AppError(
    'PAYMENT_HELD',
    `有 ${held.length} 条明细暂不能支付：${held[0]!.reason}`,
    held.map((line) => ({
      field: `claims[${line.claimId}].lines[${line.lineNumber}]`,
      message: line.reason,
      claimId: line.claimId,
      lineId: line.lineId,
    })),
  );
}

export interface PaymentOrderInput {
  claimIds: number[];
  valueDate: string;
  idempotencyId: string;
}

export interface PaymentOrderRequest {
  approval: Approval;
  totalFen: number;
  lineCount: number;
  isReplay: boolean;
}

/**
 * The maker (财政经办) orders payment of approved claims: scope, state and what is payable are
 * checked now and the request waits for a second finance officer (待复核). Nothing is posted.
 */
export async function requestClaimPayments(
  executor: Executor,
  context: AuditContext,
  input: PaymentOrderInput,
  businessDate: string,
): Promise<PaymentOrderRequest> {
  const principal = context.actor!;
  const claimIds = [...new Set(input.claimIds)].sort((a, b) => a - b);
  const claims: ClaimRow[] = [];
  const items: PayableItem[] = [];
  const held: HeldLine[] = [];
  for (const claimId of claimIds) {
    const claim = await lockForTransition(executor, context, claimId, 'order_payment', undefined);
    assertNotSettlement(claim);
    claims.push(claim);
    const derived = await derivePayableLines(executor, claim);
    items.push(...derived.items);
    held.push(...derived.held);
  }
  const provinceCode = provinceOf(claims[0]!.region_code);
  await assertValueDate(executor, { provinceCode, valueDate: input.valueDate, businessDate });
  if (held.length > 0) throw heldError(held);
  if (items.length === 0) throw nothingToPay();
  const regions = new Set(claims.map((claim) => claim.region_code));
  const totalFen = items.reduce((sum, item) => sum + item.amountFen, 0);
  const approval = await requestApproval(executor, context, {
    kind: 'payment_order',
    regionCode: regions.size === 1 ? claims[0]!.region_code : principal.regionCode,
    idempotencyId: input.idempotencyId,
    payload: { claimIds, valueDate: input.valueDate },
    amountFen: totalFen,
    summary: `支付 ${claims.map((claim) => claim.claim_number).join('、')}：${items.length} 条明细`,
  });
  return { approval, totalFen, lineCount: items.length, isReplay: approval.isReplay };
}

/**
 * The checker (another finance officer) decides a payment order. On approval the payable lines
 * are derived again — what was paid or ordered meanwhile is not paid twice — and the batch is
 * posted in the same transaction; the claims move to payment ordered.
 */
export async function decideClaimPayments(
  executor: Executor,
  context: AuditContext,
  input: { id: number; isApproved: boolean; reason?: string },
  businessDate: string,
): Promise<{ approval: Approval; batch: PaymentBatch | null; settlement?: AdvanceSettlement }> {
  const approval = await lockPendingApproval(executor, context, { id: input.id, kind: 'payment_order' });
  if (!input.isApproved)
    return {
      approval: await finishApproval(executor, context, approval, {
        isApproved: false,
        reason: input.reason,
      }),
      batch: null,
    };
  const payload = approval.payload as { claimIds?: number[]; valueDate: string; settlementClaimId?: number };
  await assertValueDate(executor, {
    provinceCode: approval.provinceCode,
    valueDate: payload.valueDate,
    businessDate,
  });
  if (payload.settlementClaimId !== undefined) {
    const settlement = await settleClaim(executor, context, payload.settlementClaimId, {
      valueDate: payload.valueDate,
      idempotencyId: `order:${approval.id}`,
    });
    const finished = await finishApproval(executor, context, approval, {
      isApproved: true,
      reason: input.reason,
      result: {
        paymentBatchId: settlement.paymentBatch?.id ?? null,
        recoveryOrderId: settlement.recoveryOrder?.id ?? null,
      },
    });
    return { approval: finished, batch: settlement.paymentBatch, settlement };
  }
  const batch = await orderClaimPayments(executor, context, {
    claimIds: payload.claimIds ?? [],
    valueDate: payload.valueDate,
    idempotencyId: `order:${approval.id}`,
  });
  const finished = await finishApproval(executor, context, approval, {
    isApproved: true,
    reason: input.reason,
    result: { paymentBatchId: batch.id, totalFen: batch.totalFen },
  });
  return { approval: finished, batch };
}

/**
 * Posts the payment of the claims' payable lines (the checker's approval calls it): one payment
 * batch in the ledger, one item per line; the claims move to payment ordered.
 */
async function orderClaimPayments(
  executor: Executor,
  context: AuditContext,
  input: PaymentOrderInput,
): Promise<PaymentBatch> {
  const items: PayableItem[] = [];
  const held: HeldLine[] = [];
  const claims: ClaimRow[] = [];
  for (const claimId of [...new Set(input.claimIds)].sort((a, b) => a - b)) {
    const claim = await lockForTransition(executor, context, claimId, 'order_payment', undefined);
    assertNotSettlement(claim);
    claims.push(claim);
    const derived = await derivePayableLines(executor, claim);
    items.push(...derived.items);
    held.push(...derived.held);
  }
  if (held.length > 0) throw heldError(held);
  if (items.length === 0) throw nothingToPay();
  const batch = await createPaymentBatch(executor, context, {
    idempotencyId: input.idempotencyId,
    valueDate: input.valueDate,
    items,
  });
  for (const claim of claims) {
    await executor
      .updateTable('claim')
      .set({ payment_batch_id: batch.id })
      .where('id', '=', claim.id)
      .where('province_code', '=', claim.province_code)
      .execute();
    await applyTransitionById(executor, context, claim.id, 'order_payment', `支付批次 ${batch.id}`, {
      payment_ordered_at: new Date(),
    });
  }
  return batch;
}

function assertNotSettlement(claim: ClaimRow): void {
  if (claim.mode === 'settlement')
    throw new AppError('INVALID_STATE', `${claim.claim_number} 是预拨清算申请，请使用清算支付`, [
      { field: 'claimIds', message: '预拨清算申请请使用清算支付' },
    ]);
}

function nothingToPay(): AppError {
  return new AppError('VALIDATION_FAILED', '所选申请没有应支付的明细', [
    { field: 'claimIds', message: '没有应支付的明细：每条明细均已支付或正在支付' },
  ]);
}

/** What an advance is a share of: the catalog standard the engine halved. */
function advanceBasisOf(request: unknown): number {
  return (request as EvaluateRequest).training?.catalogStandardFen ?? 0;
}

/** The maker asks for a settlement (清算) payment; the checker's approval settles it. */
export async function requestClaimSettlement(
  executor: Executor,
  context: AuditContext,
  claimId: number,
  input: { valueDate: string; idempotencyId: string },
  businessDate: string,
): Promise<PaymentOrderRequest> {
  const claim = await lockForTransition(executor, context, claimId, 'order_payment', undefined);
  assertSettlementClaim(claim);
  await assertApplicantNotHeld(executor, claim);
  await assertValueDate(executor, {
    provinceCode: claim.province_code,
    valueDate: input.valueDate,
    businessDate,
  });
  const approval = await requestApproval(executor, context, {
    kind: 'payment_order',
    regionCode: claim.region_code,
    idempotencyId: input.idempotencyId,
    payload: { settlementClaimId: claim.id, valueDate: input.valueDate },
    amountFen: claim.total_amount_fen > 0 ? claim.total_amount_fen : null,
    summary: `预拨清算 ${claim.claim_number}`,
  });
  return { approval, totalFen: claim.total_amount_fen, lineCount: 0, isReplay: approval.isReplay };
}

/** 409 PAYMENT_HELD while a sanction stands against the claim's applicant. */
async function assertApplicantNotHeld(executor: Executor, claim: ClaimRow): Promise<void> {
  const held = await applicantHold(executor, claim);
  if (held) throw new AppError('PAYMENT_HELD', held, [{ field: 'id', message: held }]);
}

function assertSettlementClaim(claim: ClaimRow): void {
  if (
    claim.mode !== 'settlement' ||
    claim.advance_claim_id === null ||
    claim.applicant_organisation_id === null
  ) {
    throw new AppError('INVALID_STATE', '该申请不是预拨清算申请', [
      { field: 'id', message: '不是预拨清算申请' },
    ]);
  }
}

/**
 * Pays a settlement claim (清算): its final decided total is set against what was advanced on
 * its advance claim; the ledger pays the difference or opens a recovery order for the excess.
 */
async function settleClaim(
  executor: Executor,
  context: AuditContext,
  claimId: number,
  input: { valueDate: string; idempotencyId: string },
): Promise<AdvanceSettlement> {
  const claim = await lockForTransition(executor, context, claimId, 'order_payment', undefined);
  assertSettlementClaim(claim);
  // A sanction that came while the settlement waited for its checker holds it (issue 15).
  await assertApplicantNotHeld(executor, claim);
  const applicant = (await getOrganisation(executor, claim.applicant_organisation_id!))!;
  const registered = await registeredAccount(executor, claim.province_code, 'organisation', applicant.id);
  const settlement = await settleAdvance(executor, context, {
    idempotencyId: input.idempotencyId,
    claimId: claim.advance_claim_id!,
    regionCode: claim.region_code,
    subAccount: subAccountOf(claim.subsidy_kind),
    finalAmountFen: claim.total_amount_fen,
    payee: {
      type: 'organisation',
      id: applicant.id,
      name: applicant.name,
      bankAccount: registered?.accountNumber ?? payeeBankAccount(claim),
      bankName: registered ? registered.bankName : claim.payee_bank_name,
    },
    valueDate: input.valueDate,
  });
  await executor
    .updateTable('claim')
    .set({ payment_batch_id: settlement.paymentBatch?.id ?? null })
    .where('id', '=', claimId)
    .where('province_code', '=', claim.province_code)
    .execute();
  const reason = `预拨 ${settlement.advancedFen} 分，核定 ${settlement.finalAmountFen} 分${settlement.recoveryOrder ? '，超拨部分已生成追回单' : ''}`;
  await applyTransitionById(executor, context, claimId, 'order_payment', reason, {
    payment_ordered_at: new Date(),
  });
  if (!settlement.paymentBatch) await transitionClaim(executor, context, claimId, { action: 'mark_paid' });
  return settlement;
}

/**
 * Imports the bank's result file for a batch and moves each claim on, line by line: paid when
 * every payable line of the claim is paid in full. A failed or returned line waits for the
 * second finance officer (待复核) and moves nothing; `advanceClaimsAfterBankResult` marks its
 * claim payment failed once that approval posted it (re-ordering then pays only those lines).
 */
export async function importClaimBankResult(
  executor: Executor,
  context: AuditContext,
  input: {
    batchId: number;
    csv?: string;
    file?: Buffer;
    valueDate: string;
    isPreview?: boolean;
    businessDate?: string;
  },
) {
  const summary = await importBankResult(executor, context, input);
  if (summary.isPreview) return summary;
  await advanceClaimsAfterBankResult(executor, context, input.batchId);
  return summary;
}

/**
 * Moves the claims of a batch on after the bank's answer took effect (a result imported, or a
 * failure approved by the second person): paid when every payable line is paid in full; payment
 * failed when one of its disbursements failed or was returned. `onlyClaimIds` limits it to the
 * claims of one decided disbursement.
 */
export async function advanceClaimsAfterBankResult(
  executor: Executor,
  context: AuditContext,
  batchId: number,
  onlyClaimIds?: readonly number[],
): Promise<void> {
  const batch = await getPaymentBatch(executor, batchId);
  const claimIds = new Set<number>();
  const failedClaims = new Set<number>();
  for (const disbursement of batch.disbursements) {
    for (const item of disbursement.items) {
      if (onlyClaimIds && !onlyClaimIds.includes(item.claimId)) continue;
      claimIds.add(item.claimId);
      if (disbursement.status === 'failed') failedClaims.add(item.claimId);
    }
  }
  for (const claimId of claimIds) {
    const claim = await selectClaimRow(executor, claimId);
    if (!claim || !['payment_ordered', 'paid'].includes(claim.status)) continue;
    if (failedClaims.has(claimId) && claim.status !== 'payment_failed') {
      const wasReturned = claim.status === 'paid';
      if (wasReturned && !(await hasReturnedItem(executor, claim))) continue;
      await transitionClaim(executor, context, claimId, {
        action: 'mark_failed',
        reason: wasReturned
          ? '支付成功后被银行退回（经另一名财政人员复核），见支付结果文件'
          : '银行支付失败（经另一名财政人员复核），见支付结果文件',
      });
    } else if (claim.status === 'payment_ordered' && (await isFullyPaid(executor, claim))) {
      await transitionClaim(executor, context, claimId, { action: 'mark_paid' });
    }
  }
}

async function hasReturnedItem(executor: Executor, claim: ClaimRow): Promise<boolean> {
  const row = await executor
    .selectFrom('payment_item')
    .select('id')
    .where('province_code', '=', claim.province_code)
    .where('claim_id', '=', claim.id)
    .where('status', '=', 'returned_to_payable')
    .executeTakeFirst();
  return row !== undefined;
}

/** Every eligible, active line's approved amount is covered by paid items (none still in flight). */
async function isFullyPaid(executor: Executor, claim: ClaimRow): Promise<boolean> {
  const lines = await executor
    .selectFrom('claim_line')
    .select(['id', 'amount_fen'])
    .where('claim_id', '=', claim.id)
    .where('province_code', '=', claim.province_code)
    .where('is_eligible', '=', true)
    .where('status', '=', 'active')
    .where('amount_fen', '>', 0)
    .execute();
  const items = await executor
    .selectFrom('payment_item')
    .select(['claim_line_id', 'status', 'amount_fen'])
    .where('province_code', '=', claim.province_code)
    .where('claim_id', '=', claim.id)
    .where('status', 'in', ['ordered', 'paid'])
    .execute();
  if (items.some((item) => item.status === 'ordered')) return false;
  const paid = new Map<number, number>();
  for (const item of items)
    if (item.claim_line_id !== null)
      paid.set(item.claim_line_id, (paid.get(item.claim_line_id) ?? 0) + item.amount_fen);
  return lines.every((line) => (paid.get(line.id) ?? 0) >= line.amount_fen);
}

/** The claim's payee bank account, decrypted (legacy rows: the plaintext column until rewrap). */
function payeeBankAccount(claim: {
  id: number;
  payee_bank_account: string | null;
  payee_bank_account_ciphertext: string | null;
}): string {
  return (
    decryptStored(
      'claim.payee_bank_account',
      claim.payee_bank_account_ciphertext,
      claim.payee_bank_account,
      rowKeyOf(claim.id),
    ) ?? ''
  );
}
