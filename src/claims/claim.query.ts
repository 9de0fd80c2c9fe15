import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { type Principal, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { type ListOrdering, orderList } from '../db/list-order.ts';
import { AppError, notFound } from '../shared/errors.ts';
import type { ListSort } from '../shared/schemas.ts';
import { selectClaimDetail, selectClaimRow, toSummary } from './claim.repository.ts';
import { assertClaimVisible } from './claim.service.ts';
import type { ClaimDetail, ClaimSummary } from './claim.types.ts';
import type { ClaimStatus } from './claim.workflow.ts';

/** The fields the claims list sorts by (`sort=`), each a property of its items. */
export const CLAIM_SORT_FIELDS = [
  'id',
  'claimNumber',
  'applicationDate',
  'totalAmountFen',
  'lineCount',
  'noticeEndsOn',
  'createdAt',
] as const;
export type ClaimSortField = (typeof CLAIM_SORT_FIELDS)[number];

const CLAIM_ORDERING: ListOrdering<ClaimSortField> = {
  columns: {
    id: 'id',
    claimNumber: 'claim_number',
    applicationDate: 'application_date',
    totalAmountFen: 'total_amount_fen',
    lineCount: 'line_count',
    noticeEndsOn: 'notice_ends_on',
    createdAt: 'created_at',
  },
  textFields: ['claimNumber'],
  id: 'id',
  byDefault: { sort: 'id', order: 'desc' },
};

export interface ClaimListQuery extends ListSort<ClaimSortField> {
  page: number;
  pageSize: number;
  regionCode?: string;
  status?: ClaimStatus;
  subsidyKind?: string;
  from?: string;
  to?: string;
  /** The claims of one class (its scope is checked before: config.scopedIds). */
  classId?: number;
}

const ORGANISATION_ROLES = ['institution_operator', 'enterprise_operator', 'evaluation_org_operator'];

/** Claims the caller may see (region subtree, or own organisation), newest first unless sorted. */
export async function listClaims(executor: Executor, principal: Principal, query: ClaimListQuery) {
  let base = executor.selectFrom('claim');
  if (ORGANISATION_ROLES.includes(principal.role)) {
    base = base.where('applicant_organisation_id', '=', principal.organisationId ?? -1);
  } else {
    base = base.where('region_code', 'like', regionLikePattern(principal.regionCode));
  }
  if (query.regionCode) base = base.where('region_code', 'like', regionLikePattern(query.regionCode));
  if (query.status) base = base.where('status', '=', query.status);
  if (query.subsidyKind) base = base.where('subsidy_kind', '=', query.subsidyKind);
  if (query.from) base = base.where('application_date', '>=', query.from);
  if (query.to) base = base.where('application_date', '<=', query.to);
  if (query.classId) base = base.where('class_id', '=', query.classId);
  const [rows, total] = await Promise.all([
    orderList(base.selectAll(), CLAIM_ORDERING, query)
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow(),
  ]);
  const items: ClaimSummary[] = rows.map(toSummary);
  return { items, total: total.count, page: query.page, pageSize: query.pageSize };
}

/** An objection of a claim's public notice, with who recorded and who resolved it by name. */
export interface ListedObjection {
  id: number;
  claimId: number;
  lineId: number | null;
  objector: string;
  content: string;
  recordedAt: string;
  recordedByName: string | null;
  resolution: string | null;
  isUpheld: boolean | null;
  resolvedAt: string | null;
  resolvedByName: string | null;
}

/** The objections raised against a claim's public notice (公示), oldest first. */
export async function listObjections(
  executor: Executor,
  principal: Principal,
  claimId: number,
): Promise<ListedObjection[]> {
  const claim = await selectClaimRow(executor, claimId);
  if (!claim) throw notFound('补贴申请', claimId);
  assertClaimVisible(principal, claim);
  const rows = await executor
    .selectFrom('claim_objection as o')
    .leftJoin('app_user as recorder', 'recorder.id', 'o.recorded_by_user_id')
    .leftJoin('app_user as resolver', 'resolver.id', 'o.resolved_by_user_id')
    .select([
      'o.id',
      'o.claim_id',
      'o.claim_line_id',
      'o.objector',
      'o.content',
      'o.recorded_at',
      'o.resolution',
      'o.is_upheld',
      'o.resolved_at',
      'recorder.display_name as recorder_name',
      'resolver.display_name as resolver_name',
    ])
    .where('o.claim_id', '=', claimId)
    .where('o.province_code', '=', claim.province_code)
    .orderBy('o.id')
    .execute();
  const iso = (value: Date | string | null) =>
    value === null ? null : value instanceof Date ? value.toISOString() : new Date(value).toISOString();
  return rows.map((row) => ({
    id: Number(row.id),
    claimId: Number(row.claim_id),
    lineId: row.claim_line_id === null ? null : Number(row.claim_line_id),
    objector: row.objector,
    content: row.content,
    recordedAt: iso(row.recorded_at)!,
    recordedByName: row.recorder_name ?? null,
    resolution: row.resolution,
    isUpheld: row.is_upheld,
    resolvedAt: iso(row.resolved_at),
    resolvedByName: row.resolver_name ?? null,
  }));
}

/** Records an objection raised during the public notice (公示). */
export async function recordObjection(
  executor: Executor,
  context: AuditContext,
  claimId: number,
  input: { objector: string; content: string; lineId?: number },
) {
  const claim = await selectClaimRow(executor, claimId);
  if (!claim) throw notFound('补贴申请', claimId);
  assertClaimVisible(context.actor!, claim);
  if (claim.status !== 'in_notice') {
    throw new AppError('INVALID_STATE', '只有公示中的申请可以登记异议', [
      { field: 'status', message: claim.status },
    ]);
  }
  const { id } = await executor
    .insertInto('claim_objection')
    .values({
      province_code: claim.province_code,
      claim_id: claimId,
      claim_line_id: input.lineId ?? null,
      objector: input.objector,
      content: input.content,
      recorded_by_user_id: context.actor?.userId ?? null,
      resolution: null,
      is_upheld: null,
      resolved_by_user_id: null,
      resolved_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'claim.objection.record',
    objectType: 'claim',
    objectId: claimId,
    provinceCode: claim.province_code,
    after: { objectionId: id, lineId: input.lineId ?? null },
  });
  return { id, claimId, lineId: input.lineId ?? null, objector: input.objector, content: input.content };
}

/** Resolves an objection; an upheld objection against a line excludes that line from payment. */
export async function resolveObjection(
  executor: Executor,
  context: AuditContext,
  claimId: number,
  objectionId: number,
  input: { resolution: string; isUpheld: boolean },
): Promise<ClaimDetail> {
  const claim = await selectClaimRow(executor, claimId, true);
  if (!claim) throw notFound('补贴申请', claimId);
  assertClaimVisible(context.actor!, claim);
  const objection = await executor
    .selectFrom('claim_objection')
    .selectAll()
    .where('id', '=', objectionId)
    .where('claim_id', '=', claimId)
    .executeTakeFirst();
  if (!objection) throw notFound('异议', objectionId);
  if (objection.resolved_at)
    throw new AppError('INVALID_STATE', '该异议已处理', [{ field: 'objectionId', message: '该异议已处理' }]);
  await executor
    .updateTable('claim_objection')
    .set({
      resolution: input.resolution,
      is_upheld: input.isUpheld,
      resolved_by_user_id: context.actor?.userId ?? null,
      resolved_at: new Date(),
    })
    .where('id', '=', objectionId)
    .execute();
  if (input.isUpheld && objection.claim_line_id !== null) {
    await executor
      .updateTable('claim_line')
      .set({ status: 'excluded', excluded_reason: `公示异议成立：${input.resolution}` })
      .where('id', '=', objection.claim_line_id)
      .where('claim_id', '=', claimId)
      .execute();
    await executor.deleteFrom('subsidy_usage').where('claim_line_id', '=', objection.claim_line_id).execute();
    const total = await executor
      .selectFrom('claim_line')
      .select(sql<number>`coalesce(sum(amount_fen), 0)::bigint`.as('amount'))
      .where('claim_id', '=', claimId)
      .where('is_eligible', '=', true)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    await executor
      .updateTable('claim')
      .set({ total_amount_fen: Number(total.amount), updated_at: new Date() })
      .where('id', '=', claimId)
      .execute();
  }
  await recordAudit(executor, context, {
    action: 'claim.objection.resolve',
    objectType: 'claim',
    objectId: claimId,
    provinceCode: claim.province_code,
    after: { objectionId, isUpheld: input.isUpheld, resolution: input.resolution },
  });
  return (await selectClaimDetail(executor, claimId))!;
}

/** One claim in its public notice (公示), as the public reads it: no person, no bank account. */
export interface PublicNotice {
  claimNumber: string;
  regionCode: string;
  subsidyKind: string;
  applicantKind: string;
  /** The applying organisation; null when a person applied for himself (not named in public). */
  applicantName: string | null;
  /** The class the claim is for, when it is for a class. */
  className: string | null;
  lineCount: number;
  totalAmountFen: number;
  noticeStartsOn: string;
  noticeEndsOn: string;
}

/**
 * The claims whose public notice runs on `today` (公示期内), newest notice first, optionally
 * within a region's subtree. Public: 公示 exists so that anyone may object; only what a notice
 * shows is returned (organisation, class, head count and amount — no person is named).
 */
export async function listPublicNotices(
  executor: Executor,
  query: { today: string; regionCode?: string; page: number; pageSize: number },
) {
  let base = executor
    .selectFrom('claim as c')
    .leftJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 'c.applicant_organisation_id').onRef('o.province_code', '=', 'c.province_code'),
    )
    .leftJoin('training_class as k', (join) =>
      join.onRef('k.id', '=', 'c.class_id').onRef('k.province_code', '=', 'c.province_code'),
    )
    .where('c.status', '=', 'in_notice')
    .where('c.notice_starts_on', '<=', query.today)
    .where('c.notice_ends_on', '>=', query.today);
  if (query.regionCode) base = base.where('c.region_code', 'like', regionLikePattern(query.regionCode));
  const [rows, total] = await Promise.all([
    base
      .select([
        'c.claim_number',
        'c.region_code',
        'c.subsidy_kind',
        'c.applicant_kind',
        'o.name as organisation_name',
        'k.name as class_name',
        'c.line_count',
        'c.total_amount_fen',
        'c.notice_starts_on',
        'c.notice_ends_on',
      ])
      .orderBy('c.notice_starts_on', 'desc')
      .orderBy('c.id', 'desc')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
  ]);
  const items: PublicNotice[] = rows.map((row) => ({
    claimNumber: row.claim_number,
    regionCode: row.region_code,
    subsidyKind: row.subsidy_kind,
    applicantKind: row.applicant_kind,
    applicantName: row.applicant_kind === 'person' ? null : (row.organisation_name ?? null),
    className: row.class_name ?? null,
    lineCount: Number(row.line_count),
    totalAmountFen: Number(row.total_amount_fen),
    noticeStartsOn: row.notice_starts_on!,
    noticeEndsOn: row.notice_ends_on!,
  }));
  return { items, total: Number(total.total), page: query.page, pageSize: query.pageSize };
}

/** One line of a person's, on a claim the caller may see (the person's record lists them). */
export interface PersonClaimLine {
  claimId: number;
  claimNumber: string;
  subsidyKind: string;
  claimStatus: ClaimStatus;
  applicationDate: string;
  regionCode: string;
  classId: number | null;
  lineId: number;
  lineNumber: number;
  amountFen: number;
  isEligible: boolean;
  lineStatus: 'active' | 'excluded';
  excludedReason: string | null;
}

/**
 * Every line naming the person on the claims the caller may see (the same scope as the claim
 * list: the region subtree, or the caller's own organisation's claims), newest claim first; drafts,
 * refusals and excluded lines too, so an officer reads the whole story of the person's claims.
 * The caller must be allowed to see the person (the route checks it first).
 */
export async function listPersonClaimLines(
  executor: Executor,
  principal: Principal,
  personId: number,
): Promise<PersonClaimLine[]> {
  let query = executor
    .selectFrom('claim_line as l')
    .innerJoin('claim as c', (join) =>
      join.onRef('c.id', '=', 'l.claim_id').onRef('c.province_code', '=', 'l.province_code'),
    )
    .where('l.person_id', '=', personId);
  query = ORGANISATION_ROLES.includes(principal.role)
    ? query.where('c.applicant_organisation_id', '=', principal.organisationId ?? -1)
    : query.where('c.region_code', 'like', regionLikePattern(principal.regionCode));
  const rows = await query
    .select([
      'c.id as claim_id',
      'c.claim_number',
      'c.subsidy_kind',
      'c.status as claim_status',
      'c.application_date',
      'c.region_code',
      'c.class_id',
      'l.id as line_id',
      'l.line_number',
      'l.amount_fen',
      'l.is_eligible',
      'l.status as line_status',
      'l.excluded_reason',
    ])
    .orderBy('c.application_date', 'desc')
    .orderBy('c.id', 'desc')
    .orderBy('l.line_number')
    .execute();
  return rows.map((row) => ({
    claimId: Number(row.claim_id),
    claimNumber: row.claim_number,
    subsidyKind: row.subsidy_kind,
    claimStatus: row.claim_status as ClaimStatus,
    applicationDate: row.application_date,
    regionCode: row.region_code,
    classId: row.class_id === null ? null : Number(row.class_id),
    lineId: Number(row.line_id),
    lineNumber: row.line_number,
    amountFen: Number(row.amount_fen),
    isEligible: row.is_eligible,
    lineStatus: row.line_status,
    excludedReason: row.excluded_reason,
  }));
}
