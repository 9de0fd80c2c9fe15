import { type InferResult, sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { getClass } from '../training/class.service.ts';
import { isEnrolled } from '../training/enrolment.service.ts';

/**
 * Trainees of the class not to be claimed again for this kind: their line was in a rejected claim
 * or was excluded (an upheld objection, a confirmed case), and no officer has reopened them since.
 */
export async function blockedTrainees(
  executor: Executor,
  classId: number,
  subsidyKind: string,
): Promise<Set<number>> {
  const rows = await executor
    .selectFrom('claim_line')
    .innerJoin('claim', (join) =>
      join
        .onRef('claim.id', '=', 'claim_line.claim_id')
        .onRef('claim.province_code', '=', 'claim_line.province_code'),
    )
    .select('claim_line.person_id')
    .distinct()
    .where('claim.class_id', '=', classId)
    .where('claim.subsidy_kind', '=', subsidyKind)
    .where((eb) => eb.or([eb('claim.status', '=', 'rejected'), eb('claim_line.status', '=', 'excluded')]))
    .execute();
  const reopened = await executor
    .selectFrom('claim_reopening')
    .select('person_id')
    .where('class_id', '=', classId)
    .where('subsidy_kind', '=', subsidyKind)
    .where('used_by_claim_id', 'is', null)
    .execute();
  const open = new Set(reopened.map((row) => row.person_id));
  return new Set(rows.map((row) => row.person_id).filter((id): id is number => id !== null && !open.has(id)));
}

/**
 * What a new claim of a class must know about the class's earlier claims, read at once after the
 * class's lock: refuses a live claim (`assertNoLiveClaim`), and names the trainees blocked
 * (`blockedTrainees`) and those with an open reopening (which the new claim uses up).
 */
export async function classClaimState(
  executor: Executor,
  draft: { classId: number; provinceCode: string; subsidyKind: string },
  advanceClaimId: number | null,
): Promise<{ blocked: Set<number>; reopened: Set<number> }> {
  await classClaimLock(draft).execute(executor);
  return classClaimStateFrom(await classClaimStateQuery(executor, draft, advanceClaimId).execute());
}

/** The class's claim lock (per class and kind, held until commit). */
export function classClaimLock(draft: { classId: number; subsidyKind: string }) {
  return sql`select pg_advisory_xact_lock(hashtext(${`claim-class:${draft.classId}:${draft.subsidyKind}`}))`;
}

/**
 * The statement of `classClaimState` after the lock (to send with it: src/db/together.ts, where
 * it runs after the lock is held, with a snapshot of its own).
 */
export function classClaimStateQuery(
  executor: Executor,
  draft: { classId: number; provinceCode: string; subsidyKind: string },
  advanceClaimId: number | null,
) {
  const { classId, provinceCode, subsidyKind } = draft;
  let live = executor
    .selectFrom('claim')
    .select([
      sql<string>`'live'`.as('kind'),
      'claim.id',
      'claim.claim_number',
      'claim.status',
      sql<number | null>`null::bigint`.as('person_id'),
    ])
    .where('claim.province_code', '=', provinceCode)
    .where('claim.class_id', '=', classId)
    .where('claim.subsidy_kind', '=', subsidyKind)
    .where('claim.status', '!=', 'rejected');
  if (advanceClaimId !== null) live = live.where('claim.id', '!=', advanceClaimId);
  return live
    .unionAll(
      executor
        .selectFrom('claim_line')
        .innerJoin('claim', (join) =>
          join
            .onRef('claim.id', '=', 'claim_line.claim_id')
            .onRef('claim.province_code', '=', 'claim_line.province_code'),
        )
        .select([
          sql<string>`'blocked'`.as('kind'),
          'claim.id',
          'claim.claim_number',
          'claim.status',
          'claim_line.person_id',
        ])
        .where('claim.province_code', '=', provinceCode)
        .where('claim.class_id', '=', classId)
        .where('claim.subsidy_kind', '=', subsidyKind)
        .where((eb) =>
          eb.or([eb('claim.status', '=', 'rejected'), eb('claim_line.status', '=', 'excluded')]),
        ),
    )
    .unionAll(
      executor
        .selectFrom('claim_reopening')
        .select([
          sql<string>`'reopened'`.as('kind'),
          'claim_reopening.id',
          sql<string>`null::text`.as('claim_number'),
          sql<string>`null::text`.as('status'),
          'claim_reopening.person_id',
        ])
        .where('claim_reopening.province_code', '=', provinceCode)
        .where('claim_reopening.class_id', '=', classId)
        .where('claim_reopening.subsidy_kind', '=', subsidyKind)
        .where('claim_reopening.used_by_claim_id', 'is', null),
    );
}

/** Refuses a live claim; the trainees blocked and reopened, from the rows of `classClaimStateQuery`. */
export function classClaimStateFrom(
  rows: readonly InferResult<ReturnType<typeof classClaimStateQuery>>[number][],
): { blocked: Set<number>; reopened: Set<number> } {
  const found = rows.find((row) => row.kind === 'live');
  if (found) {
    throw new AppError('CLAIM_EXISTS', `本班已有一笔该类补贴申请（${found.claim_number}），不能重复申请`, [
      {
        field: 'claim.classId',
        message: `已有申请 ${found.claim_number}（${found.status}）`,
        claimId: found.id,
      },
    ]);
  }
  const reopened = new Set(rows.filter((row) => row.kind === 'reopened').map((row) => Number(row.person_id)));
  const blocked = new Set(
    rows
      .filter((row) => row.kind === 'blocked' && row.person_id !== null)
      .map((row) => Number(row.person_id))
      .filter((id) => !reopened.has(id)),
  );
  return { blocked, reopened };
}

/** The reopenings a new claim of the class used up. */
export async function consumeReopenings(
  executor: Executor,
  input: {
    classId: number;
    provinceCode: string;
    subsidyKind: string;
    claimId: number;
    personIds: readonly number[];
  },
): Promise<void> {
  if (input.personIds.length === 0) return;
  await executor
    .updateTable('claim_reopening')
    .set({ used_by_claim_id: input.claimId })
    .where('province_code', '=', input.provinceCode)
    .where('class_id', '=', input.classId)
    .where('subsidy_kind', '=', input.subsidyKind)
    .where('used_by_claim_id', 'is', null)
    .where('person_id', 'in', [...input.personIds])
    .execute();
}

export interface Reopening {
  id: number;
  classId: number;
  personId: number;
  subsidyKind: string;
  reason: string;
  reopenedAt: Date;
}

/**
 * An officer reopens a trainee whose line was rejected or excluded, so the class's next claim of
 * this kind may include him again (reason required, audited). Refuses a trainee who is not
 * blocked (nothing to reopen) or not on the roster.
 */
export async function reopenTrainee(
  executor: Executor,
  context: AuditContext,
  input: { classId: number; personId: number; subsidyKind: string; reason: string },
): Promise<Reopening> {
  const trainingClass = await getClass(executor, input.classId);
  if (!trainingClass) throw notFound('培训班', input.classId);
  if (!(await isEnrolled(executor, input.classId, input.personId)))
    throw new AppError('VALIDATION_FAILED', '该人员不在本班名单中', [
      { field: 'personId', message: '不在本班名单中' },
    ]);
  const blocked = await blockedTrainees(executor, input.classId, input.subsidyKind);
  if (!blocked.has(input.personId)) {
    throw new AppError('INVALID_STATE', '该学员没有被驳回或剔除的补贴记录，或已重新开放', [
      { field: 'personId', message: '无需重新开放' },
    ]);
  }
  const row = await executor
    .insertInto('claim_reopening')
    .values({
      province_code: trainingClass.provinceCode,
      class_id: input.classId,
      person_id: input.personId,
      subsidy_kind: input.subsidyKind,
      reason: input.reason,
      reopened_by_user_id: context.actor?.userId ?? null,
      used_by_claim_id: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const reopening: Reopening = {
    id: row.id,
    classId: row.class_id,
    personId: row.person_id,
    subsidyKind: row.subsidy_kind,
    reason: row.reason,
    reopenedAt: row.reopened_at,
  };
  await recordAudit(executor, context, {
    action: 'claim.reopen_trainee',
    objectType: 'training_class',
    objectId: input.classId,
    provinceCode: trainingClass.provinceCode,
    after: reopening,
  });
  return reopening;
}
