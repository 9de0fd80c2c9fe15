import type { AuditContext } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { createRecoveryOrder, type RecoveryOrder } from '../ledger/recovery.service.ts';
import type { SubAccount } from '../ledger/transfer.service.ts';
import { excludeClaimLinesBySupervision } from './claim.service.ts';

/**
 * A revoked certificate's subsidy: every active line claimed on it (in a claim that is not
 * rejected) is excluded with the revocation's reason, so an unpaid claim no longer pays it; for a
 * claim already ordered or paid the amount is returned as what must be recovered, and for a paid
 * claim a recovery order (追回) is opened for it through the ledger's recovery service.
 */
export async function holdSubsidiesOfCertificate(
  executor: Executor,
  context: AuditContext,
  input: { certificateId: number; reason: string; today: string },
): Promise<{ heldClaimIds: number[]; toRecoverFen: number; recoveryOrders: RecoveryOrder[] }> {
  const { certificateId, reason } = input;
  const lines = await executor
    .selectFrom('claim_line')
    .innerJoin('claim', (join) =>
      join
        .onRef('claim.id', '=', 'claim_line.claim_id')
        .onRef('claim.province_code', '=', 'claim_line.province_code'),
    )
    .select(['claim_line.id', 'claim_line.claim_id', 'claim.status'])
    .where('claim_line.certificate_id', '=', certificateId)
    .where('claim_line.status', '=', 'active')
    .where('claim.status', '!=', 'rejected')
    .execute();
  const byClaim = new Map<number, { status: string; lineIds: number[] }>();
  for (const line of lines) {
    const entry = byClaim.get(line.claim_id) ?? { status: line.status, lineIds: [] };
    entry.lineIds.push(line.id);
    byClaim.set(line.claim_id, entry);
  }
  let toRecoverFen = 0;
  const recoveryOrders: RecoveryOrder[] = [];
  for (const [claimId, entry] of byClaim) {
    const { excludedAmountFen } = await excludeClaimLinesBySupervision(executor, context, {
      claimId,
      lineIds: entry.lineIds,
      reason: `证书已撤销：${reason}`,
    });
    if (['payment_ordered', 'paid'].includes(entry.status)) toRecoverFen += excludedAmountFen;
    if (entry.status === 'paid' && excludedAmountFen > 0)
      recoveryOrders.push(
        await recoverFromPaidClaim(executor, context, { ...input, claimId, excludedAmountFen }),
      );
  }
  return { heldClaimIds: [...byClaim.keys()], toRecoverFen, recoveryOrders };
}

/**
 * Opens the recovery order of a paid claim for the lines excluded by a revocation, returning the
 * money to the sub-account that paid it. The revocation is the issuer's act (audited under the
 * issuer); the order it entails is the platform's, since the issuer has no scope over the region
 * that paid the claim, so it is opened without an actor and names the revocation as its reason.
 */
async function recoverFromPaidClaim(
  executor: Executor,
  context: AuditContext,
  input: { certificateId: number; reason: string; today: string; claimId: number; excludedAmountFen: number },
): Promise<RecoveryOrder> {
  const claim = await executor
    .selectFrom('claim')
    .select('region_code')
    .where('id', '=', input.claimId)
    .executeTakeFirstOrThrow();
  const paid = await executor
    .selectFrom('payment_item')
    .select(['sub_account', 'region_code', (eb) => eb.fn.sum<number>('amount_fen').as('paid')])
    .where('claim_id', '=', input.claimId)
    .where('status', '!=', 'returned_to_payable')
    .groupBy(['sub_account', 'region_code'])
    .orderBy('paid', 'desc')
    .executeTakeFirst();
  if (!paid) throw new Error(`claim ${input.claimId} is paid but has no payment item`);
  return createRecoveryOrder(
    executor,
    { ...context, actor: null },
    {
      idempotencyId: `certificate-revocation:${input.certificateId}:claim:${input.claimId}`,
      claimId: input.claimId,
      regionCode: paid.region_code ?? claim.region_code,
      subAccount: paid.sub_account as SubAccount,
      amountFen: Math.min(input.excludedAmountFen, Number(paid.paid)),
      reason: `证书 ${input.certificateId} 已被发证机构撤销：${input.reason}`,
      valueDate: input.today,
    },
  );
}
