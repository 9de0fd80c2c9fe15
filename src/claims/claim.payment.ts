import type { AuditContext } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import {
  type AdvanceSettlement,
  createPaymentBatch,
  findBatch,
  getPaymentBatch,
  importBankResult,
  type PayableItem,
  type PaymentBatch,
  settleAdvance,
} from '../ledger/payment.service.ts';
import type { SubAccount } from '../ledger/transfer.service.ts';
import type { EvaluateRequest } from '../policy/evaluate.types.ts';
import { getOrganisation } from '../registry/organisation.service.ts';
import { decryptStored } from '../shared/data-keyring.ts';
import { AppError } from '../shared/errors.ts';
import { personsById } from './claim.facts.ts';
import { selectClaimRow } from './claim.repository.ts';
import { applyTransitionById, lockForTransition, transitionClaim } from './claim.service.ts';

/** The spending sub-account (分账核算) each subsidy kind is charged to. */
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

/**
 * Finance orders payment of approved claims: one payment batch in the ledger with one item per
 * eligible line, paid from the claim's region's sub-account to the applicant's account. The
 * batch id is the caller's idempotency id, so a retried order never pays twice.
 */
export async function orderClaimPayments(
  executor: Executor,
  context: AuditContext,
  input: { claimIds: number[]; valueDate: string; idempotencyId: string },
): Promise<PaymentBatch> {
  const principal = context.actor!;
  const replay = await replayedBatch(executor, principal.provinceCode, input);
  if (replay) return replay;
  const items: PayableItem[] = [];
  const claims = [];
  for (const claimId of [...new Set(input.claimIds)].sort((a, b) => a - b)) {
    const claim = await lockForTransition(executor, context, claimId, 'order_payment', undefined);
    if (claim.mode === 'settlement') {
      throw new AppError('INVALID_STATE', `${claim.claim_number} 是预拨清算申请，请使用清算支付`, [
        { field: 'claimIds', message: 'settlement claims are paid through /api/claims/:id/settle' },
      ]);
    }
    claims.push(claim);
    const lines = await executor
      .selectFrom('claim_line')
      .selectAll()
      .where('claim_id', '=', claimId)
      .where('is_eligible', '=', true)
      .where('status', '=', 'active')
      .where('amount_fen', '>', 0)
      .orderBy('line_number')
      .execute();
    const persons = await personsById(
      executor,
      lines.map((line) => line.payee_person_id).filter((id): id is number => id !== null),
    );
    for (const line of lines) {
      const organisation =
        line.payee_organisation_id === null
          ? undefined
          : await getOrganisation(executor, line.payee_organisation_id);
      const person = line.payee_person_id === null ? undefined : persons.get(line.payee_person_id);
      if (!organisation && !person) throw new Error(`claim line ${line.id} has no payee`);
      items.push({
        claimId,
        lineId: line.id,
        payee: organisation
          ? {
              type: 'organisation',
              id: organisation.id,
              name: organisation.name,
              bankAccount: payeeBankAccount(claim),
            }
          : {
              type: 'person',
              id: person!.id,
              name: person!.name,
              bankAccount: payeeBankAccount(claim),
            },
        amountFen: line.amount_fen,
        subAccount: SUB_ACCOUNT_OF[claim.subsidy_kind] ?? 'training',
        regionCode: claim.region_code,
        ...(claim.mode === 'advance'
          ? { kind: 'advance' as const, advanceBasisFen: advanceBasisOf(line.request) }
          : {}),
      });
    }
  }
  if (items.length === 0)
    throw new AppError('VALIDATION_FAILED', '所选申请没有应支付的明细', [
      { field: 'claimIds', message: 'nothing to pay' },
    ]);
  const batch = await createPaymentBatch(executor, context, {
    idempotencyId: input.idempotencyId,
    valueDate: input.valueDate,
    items,
  });
  if (batch.isReplay) return batch;
  for (const claim of claims) {
    await executor
      .updateTable('claim')
      .set({ payment_batch_id: batch.id })
      .where('id', '=', claim.id)
      .execute();
    await applyTransitionById(executor, context, claim.id, 'order_payment', `支付批次 ${batch.id}`, {
      payment_ordered_at: new Date(),
    });
  }
  return batch;
}

/** What an advance is a share of: the catalog standard the engine halved. */
function advanceBasisOf(request: unknown): number {
  return (request as EvaluateRequest).training?.catalogStandardFen ?? 0;
}

/**
 * Pays a settlement claim (清算): its final decided total is set against what was advanced on
 * its advance claim; the ledger pays the difference or opens a recovery order for the excess.
 */
export async function settleClaim(
  executor: Executor,
  context: AuditContext,
  claimId: number,
  input: { valueDate: string; idempotencyId: string },
): Promise<AdvanceSettlement> {
  const claim = await lockForTransition(executor, context, claimId, 'order_payment', undefined);
  if (
    claim.mode !== 'settlement' ||
    claim.advance_claim_id === null ||
    claim.applicant_organisation_id === null
  ) {
    throw new AppError('INVALID_STATE', '该申请不是预拨清算申请', [
      { field: 'id', message: 'not a settlement claim' },
    ]);
  }
  const applicant = (await getOrganisation(executor, claim.applicant_organisation_id))!;
  const settlement = await settleAdvance(executor, context, {
    idempotencyId: input.idempotencyId,
    claimId: claim.advance_claim_id,
    regionCode: claim.region_code,
    subAccount: SUB_ACCOUNT_OF[claim.subsidy_kind] ?? 'training',
    finalAmountFen: claim.total_amount_fen,
    payee: {
      type: 'organisation',
      id: applicant.id,
      name: applicant.name,
      bankAccount: payeeBankAccount(claim),
    },
    valueDate: input.valueDate,
  });
  await executor
    .updateTable('claim')
    .set({ payment_batch_id: settlement.paymentBatch?.id ?? null })
    .where('id', '=', claimId)
    .execute();
  const reason = `预拨 ${settlement.advancedFen} 分，核定 ${settlement.finalAmountFen} 分${settlement.recoveryOrder ? '，超拨部分已生成追回单' : ''}`;
  await applyTransitionById(executor, context, claimId, 'order_payment', reason, {
    payment_ordered_at: new Date(),
  });
  if (!settlement.paymentBatch) await transitionClaim(executor, context, claimId, { action: 'mark_paid' });
  return settlement;
}

/** The batch a retried order already created: same id, same claims; another set is refused. */
async function replayedBatch(
  executor: Executor,
  provinceCode: string,
  input: { claimIds: number[]; idempotencyId: string },
): Promise<PaymentBatch | undefined> {
  const existing = await findBatch(executor, provinceCode, input.idempotencyId);
  if (!existing) return undefined;
  const batch = await getPaymentBatch(executor, existing.id);
  const paidClaims = new Set(
    batch.disbursements.flatMap((disbursement) => disbursement.items.map((item) => item.claimId)),
  );
  const requested = new Set(input.claimIds);
  if (paidClaims.size !== requested.size || [...requested].some((id) => !paidClaims.has(id))) {
    throw new AppError('IDEMPOTENCY_CONFLICT', '幂等编号已用于其他申请的支付批次', [
      { field: 'idempotencyId', message: 'used for a batch of other claims' },
    ]);
  }
  return { ...batch, isReplay: true };
}

/**
 * Imports the bank's result file for a batch and moves each claim on: paid when every one of
 * its disbursement items was paid, payment failed when any failed (the money returns to the
 * region's payable account in the ledger).
 */
export async function importClaimBankResult(
  executor: Executor,
  context: AuditContext,
  input: { batchId: number; csv?: string; file?: Buffer; valueDate: string; isPreview?: boolean },
) {
  const summary = await importBankResult(executor, context, input);
  if (summary.isPreview) return summary;
  const batch = await getPaymentBatch(executor, input.batchId);
  const statusByClaim = new Map<number, Set<string>>();
  for (const disbursement of batch.disbursements) {
    for (const item of disbursement.items) {
      const statuses = statusByClaim.get(item.claimId) ?? new Set<string>();
      statuses.add(disbursement.status);
      statusByClaim.set(item.claimId, statuses);
    }
  }
  for (const [claimId, statuses] of statusByClaim) {
    const claim = await selectClaimRow(executor, claimId);
    if (claim?.status !== 'payment_ordered') continue;
    if (statuses.has('failed')) {
      await transitionClaim(executor, context, claimId, {
        action: 'mark_failed',
        reason: '银行退回，见支付结果文件',
      });
    } else if (statuses.size === 1 && statuses.has('paid')) {
      await transitionClaim(executor, context, claimId, { action: 'mark_paid' });
    }
  }
  return summary;
}

/** The claim's payee bank account, decrypted (legacy rows: the plaintext column until rewrap). */
function payeeBankAccount(claim: {
  payee_bank_account: string | null;
  payee_bank_account_ciphertext: string | null;
}): string {
  return (
    decryptStored(
      'claim.payee_bank_account',
      claim.payee_bank_account_ciphertext,
      claim.payee_bank_account,
    ) ?? ''
  );
}
