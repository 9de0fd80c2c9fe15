import type { AuditContext } from '../auth/audit.service.ts';
import type { Db } from '../db/database.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { createClaim } from './claim.service.ts';
import type { ClaimDetail, NewClaim } from './claim.types.ts';

export interface IdempotentResult {
  status: 201;
  /** The claim created, or on a retry the first answer as stored. */
  body: ClaimDetail;
  isReplay: boolean;
}

/**
 * Creates a claim; with an Idempotency-Key, a retry with the same body returns the first
 * answer and a reuse with another body is refused. The key row is inserted first in the same
 * transaction, so a concurrent retry waits for the first attempt and then reads its answer.
 */
export async function createClaimIdempotently(
  db: Db,
  context: AuditContext,
  input: NewClaim,
  options: { idempotencyKey: string | undefined; clock: Clock },
): Promise<IdempotentResult> {
  const principal = context.actor!;
  if (!options.idempotencyKey) {
    const claim = await db.transaction().execute((trx) => createClaim(trx, context, input, options.clock));
    return { status: 201, body: claim, isReplay: false };
  }
  const key = options.idempotencyKey;
  const requestHash = sha256Hex(canonicalJson(input));
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('idempotency_record')
      .values({
        province_code: principal.provinceCode,
        user_id: principal.userId,
        idempotency_key: key,
        request_hash: requestHash,
        response_status: 0,
        response_body: JSON.stringify(null),
      })
      .onConflict((conflict) => conflict.columns(['province_code', 'user_id', 'idempotency_key']).doNothing())
      .returning('idempotency_key')
      .executeTakeFirst();
    if (!inserted) {
      const first = await trx
        .selectFrom('idempotency_record')
        .selectAll()
        .where('province_code', '=', principal.provinceCode)
        .where('user_id', '=', principal.userId)
        .where('idempotency_key', '=', key)
        .executeTakeFirstOrThrow();
      if (first.request_hash !== requestHash) {
        throw new AppError('IDEMPOTENCY_CONFLICT', '同一 Idempotency-Key 已用于内容不同的请求', [
          { field: 'idempotency-key', message: '幂等键已用于内容不同的请求' },
        ]);
      }
      // The stored answer is the ClaimDetail written below (response_status 201) when its attempt committed.
      return { status: 201, body: first.response_body as ClaimDetail, isReplay: true };
    }
    const claim = await createClaim(trx, context, input, options.clock);
    await trx
      .updateTable('idempotency_record')
      .set({ response_status: 201, response_body: JSON.stringify(claim) })
      .where('province_code', '=', principal.provinceCode)
      .where('user_id', '=', principal.userId)
      .where('idempotency_key', '=', key)
      .execute();
    return { status: 201, body: claim, isReplay: false };
  });
}
