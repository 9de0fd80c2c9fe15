import type { AuditContext } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { excludeClaimLinesBySupervision } from './claim.service.ts';

/**
 * A revoked certificate's subsidy: every active line claimed on it (in a claim that is not
 * rejected) is excluded with the revocation's reason, so an unpaid claim no longer pays it; for a
 * claim already ordered or paid the amount is returned as what must be recovered.
 */
export async function holdSubsidiesOfCertificate(
  executor: Executor,
  context: AuditContext,
  certificateId: number,
  reason: string,
): Promise<{ heldClaimIds: number[]; toRecoverFen: number }> {
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
  for (const [claimId, entry] of byClaim) {
    const { excludedAmountFen } = await excludeClaimLinesBySupervision(executor, context, {
      claimId,
      lineIds: entry.lineIds,
      reason: `证书已撤销：${reason}`,
    });
    if (['payment_ordered', 'paid'].includes(entry.status)) toRecoverFen += excludedAmountFen;
  }
  return { heldClaimIds: [...byClaim.keys()], toRecoverFen };
}
