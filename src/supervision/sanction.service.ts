import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, type Principal, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { changeOrganisationStatus, getOrganisation } from '../registry/organisation.service.ts';
import { offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import { AppError, notFound } from '../shared/errors.ts';

/**
 * Sanctions: suspending (暂停) or blacklisting (列入黑名单) a training institution or a
 * third-party review agency, dated and audited, with the organisation's appeal (申诉) and its
 * decision. The organisation's status itself is changed through the registry's
 * changeOrganisationStatus, which keeps the status history.
 */
export type SanctionAction = 'suspended' | 'blacklisted';
export type AppealStatus = 'none' | 'filed' | 'upheld' | 'overturned';

export interface Sanction {
  id: number;
  provinceCode: string;
  organisationId: number;
  /** The sanctioned organisation's name and region, for lists people read. */
  organisationName: string;
  organisationKind: string;
  regionCode: string;
  caseId: number | null;
  action: SanctionAction;
  effectiveDate: string;
  reason: string;
  decidedAt: Date;
  appealStatus: AppealStatus;
  appealFiledOn: string | null;
  appealGrounds: string | null;
  appealDecision: string | null;
  appealDecidedAt: Date | null;
}

type SanctionRow = NonNullable<Awaited<ReturnType<typeof selectSanction>>>;

async function selectSanction(executor: Executor, id: number, forUpdate = false) {
  let query = executor
    .selectFrom('supervision_sanction as s')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 's.organisation_id').onRef('o.province_code', '=', 's.province_code'),
    )
    .selectAll('s')
    .select(['o.kind as organisation_kind', 'o.name as organisation_name', 'o.region_code'])
    .where('s.id', '=', id);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

function toSanction(row: SanctionRow): Sanction {
  return {
    id: row.id,
    provinceCode: row.province_code,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    organisationKind: row.organisation_kind,
    regionCode: row.region_code,
    caseId: row.case_id,
    action: row.action,
    effectiveDate: row.effective_date,
    reason: row.reason,
    decidedAt: row.decided_at,
    appealStatus: row.appeal_status,
    appealFiledOn: row.appeal_filed_on,
    appealGrounds: row.appeal_grounds,
    appealDecision: row.appeal_decision,
    appealDecidedAt: row.appeal_decided_at,
  };
}

/**
 * Suspends or blacklists an institution or review agency. Blacklisting an agency also ends its
 * contracts, so its reviewers lose the review path (see agency.service assertAgencyMayReview).
 */
export async function imposeSanction(
  executor: Executor,
  context: AuditContext,
  input: {
    organisationId: number;
    action: SanctionAction;
    effectiveDate: string;
    reason: string;
    caseId?: number;
  },
): Promise<Sanction> {
  const organisation = await getOrganisation(executor, input.organisationId);
  if (!organisation) throw notFound('单位', input.organisationId);
  if (!['institution', 'review_agency', 'evaluation_org'].includes(organisation.kind))
    throw new AppError('VALIDATION_FAILED', '只能对培训、评价机构或第三方审核机构作出处罚', [
      { field: 'organisationId', message: `该单位类型不能被处罚` },
    ]);
  if (context.actor) assertRegionScope(context.actor, organisation.regionCode);
  await changeOrganisationStatus(executor, context, input.organisationId, {
    status: input.action,
    effectiveDate: input.effectiveDate,
    reason: input.reason,
  });
  if (organisation.kind === 'review_agency' && input.action === 'blacklisted') {
    await executor
      .updateTable('review_agency_contract')
      .set({ status: 'terminated', terminated_on: input.effectiveDate })
      .where('agency_id', '=', input.organisationId)
      .where('status', '=', 'active')
      .execute();
  }
  const { id } = await executor
    .insertInto('supervision_sanction')
    .values({
      province_code: organisation.provinceCode,
      organisation_id: input.organisationId,
      case_id: input.caseId ?? null,
      action: input.action,
      effective_date: input.effectiveDate,
      reason: input.reason,
      decided_by_user_id: context.actor?.userId ?? null,
      appeal_filed_on: null,
      appeal_grounds: null,
      appeal_decided_at: null,
      appeal_decision: null,
      appeal_decided_by_user_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: `supervision.sanction.${input.action === 'blacklisted' ? 'blacklist' : 'suspend'}`,
    objectType: 'supervision_sanction',
    objectId: id,
    provinceCode: organisation.provinceCode,
    before: { status: organisation.status },
    after: { ...input },
  });
  return toSanction((await selectSanction(executor, id))!);
}

async function lockSanction(executor: Executor, context: AuditContext, id: number): Promise<SanctionRow> {
  const row = await selectSanction(executor, id, true);
  if (!row) throw notFound('处罚记录', id);
  if (context.actor) assertRegionScope(context.actor, row.region_code);
  return row;
}

/** Records the organisation's written appeal (申诉) against a sanction, as an officer registers it. */
export async function fileAppeal(
  executor: Executor,
  context: AuditContext,
  id: number,
  input: { filedOn: string; grounds: string },
): Promise<Sanction> {
  const row = await lockSanction(executor, context, id);
  return writeAppeal(executor, context, row, input, 'officer');
}

/**
 * The sanctioned organisation appeals its own sanction from its workbench (我的评级与处理), on the
 * business date. Another organisation's sanction is not found (its existence is not disclosed);
 * an appeal is filed once, and only while the sanction stands: the organisation still carries
 * the status the sanction imposed and no later sanction replaced it.
 */
export async function fileOwnAppeal(
  executor: Executor,
  context: AuditContext,
  principal: Principal,
  id: number,
  input: { filedOn: string; grounds: string },
): Promise<OwnSanction> {
  const row = await selectSanction(executor, id, true);
  if (!row || principal.organisationId === null || row.organisation_id !== principal.organisationId)
    throw notFound('处罚记录', id);
  const stands = await standingSanctionIds(executor, row.province_code, row.organisation_id);
  if (row.appeal_status === 'none' && !stands.has(id))
    throw new AppError('INVALID_STATE', '该处罚已不再执行（单位资格已恢复或已被新的处罚取代），无需申诉', [
      { field: 'sanctionId', message: '处罚已不再执行' },
    ]);
  const sanction = await writeAppeal(executor, context, row, input, 'organisation');
  return { ...sanction, isAppealable: false };
}

async function writeAppeal(
  executor: Executor,
  context: AuditContext,
  row: SanctionRow,
  input: { filedOn: string; grounds: string },
  filedBy: 'officer' | 'organisation',
): Promise<Sanction> {
  if (row.appeal_status !== 'none')
    throw new AppError('INVALID_STATE', '该处罚已有申诉记录，每项处罚只能申诉一次', [
      { field: 'appealStatus', message: row.appeal_status },
    ]);
  await executor
    .updateTable('supervision_sanction')
    .set({ appeal_status: 'filed', appeal_filed_on: input.filedOn, appeal_grounds: input.grounds })
    .where('id', '=', row.id)
    .where('province_code', '=', row.province_code)
    .execute();
  await recordAudit(executor, context, {
    action: 'supervision.sanction.appeal',
    objectType: 'supervision_sanction',
    objectId: row.id,
    provinceCode: row.province_code,
    before: { appealStatus: row.appeal_status },
    after: { appealStatus: 'filed', filedBy, ...input },
  });
  return toSanction((await selectSanction(executor, row.id))!);
}

/** A sanction as its organisation reads it: whether it may still be appealed. */
export interface OwnSanction extends Sanction {
  isAppealable: boolean;
}

/**
 * The sanctions that stand: the organisation's newest sanction, while the organisation still
 * carries the status it imposed (an overturned appeal or a reinstatement ends it).
 */
async function standingSanctionIds(
  executor: Executor,
  provinceCode: string,
  organisationId: number,
): Promise<Set<number>> {
  const newest = await executor
    .selectFrom('supervision_sanction as s')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 's.organisation_id').onRef('o.province_code', '=', 's.province_code'),
    )
    .select(['s.id', 's.action', 's.appeal_status', 'o.status'])
    .where('s.province_code', '=', provinceCode)
    .where('s.organisation_id', '=', organisationId)
    .orderBy('s.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const stands = newest && newest.status === newest.action && newest.appeal_status !== 'overturned';
  return new Set(stands ? [newest.id] : []);
}

/** Every sanction of the caller's own organisation, newest first (a handful in its life). */
export async function listOwnSanctions(
  executor: Executor,
  organisation: { id: number; provinceCode: string },
): Promise<OwnSanction[]> {
  const rows = await executor
    .selectFrom('supervision_sanction as s')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 's.organisation_id').onRef('o.province_code', '=', 's.province_code'),
    )
    .selectAll('s')
    .select(['o.kind as organisation_kind', 'o.name as organisation_name', 'o.region_code'])
    .where('s.province_code', '=', organisation.provinceCode)
    .where('s.organisation_id', '=', organisation.id)
    .orderBy('s.id', 'desc')
    .limit(100)
    .execute();
  const stands = await standingSanctionIds(executor, organisation.provinceCode, organisation.id);
  return rows.map((row) => ({
    ...toSanction(row),
    isAppealable: row.appeal_status === 'none' && stands.has(row.id),
  }));
}

/** Decides an appeal: upheld keeps the sanction; overturned reinstates the organisation. */
export async function decideAppeal(
  executor: Executor,
  context: AuditContext,
  id: number,
  input: { isOverturned: boolean; decision: string; effectiveDate: string },
): Promise<Sanction> {
  const row = await lockSanction(executor, context, id);
  if (row.appeal_status !== 'filed')
    throw new AppError('INVALID_STATE', '没有待处理的申诉', [
      { field: 'appealStatus', message: row.appeal_status },
    ]);
  const appealStatus = input.isOverturned ? 'overturned' : 'upheld';
  await executor
    .updateTable('supervision_sanction')
    .set({
      appeal_status: appealStatus,
      appeal_decision: input.decision,
      appeal_decided_at: new Date(),
      appeal_decided_by_user_id: context.actor?.userId ?? null,
    })
    .where('id', '=', id)
    .where('province_code', '=', row.province_code)
    .execute();
  if (input.isOverturned) {
    await changeOrganisationStatus(executor, context, row.organisation_id, {
      status: 'active',
      effectiveDate: input.effectiveDate,
      reason: `申诉成立，撤销处罚 ${id}：${input.decision}`,
    });
  }
  await recordAudit(executor, context, {
    action: 'supervision.sanction.appeal_decision',
    objectType: 'supervision_sanction',
    objectId: id,
    provinceCode: row.province_code,
    before: { appealStatus: row.appeal_status },
    after: { appealStatus, decision: input.decision },
  });
  return toSanction((await selectSanction(executor, id))!);
}

export async function getVisibleSanction(
  executor: Executor,
  principal: Principal,
  id: number,
): Promise<Sanction> {
  const row = await selectSanction(executor, id);
  if (!row) throw notFound('处罚记录', id);
  assertRegionScope(principal, row.region_code);
  return toSanction(row);
}

export async function listSanctions(
  executor: Executor,
  principal: Principal,
  query: PageRequest & {
    organisationId?: number;
    action?: SanctionAction;
    appealStatus?: AppealStatus;
    regionCode?: string;
  },
): Promise<Page<Sanction>> {
  let base = executor
    .selectFrom('supervision_sanction as s')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 's.organisation_id').onRef('o.province_code', '=', 's.province_code'),
    )
    .where('o.region_code', 'like', regionLikePattern(principal.regionCode));
  if (query.regionCode) base = base.where('o.region_code', 'like', regionLikePattern(query.regionCode));
  if (query.organisationId) base = base.where('s.organisation_id', '=', query.organisationId);
  if (query.action) base = base.where('s.action', '=', query.action);
  if (query.appealStatus) base = base.where('s.appeal_status', '=', query.appealStatus);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('s')
    .select(['o.kind as organisation_kind', 'o.name as organisation_name', 'o.region_code'])
    .orderBy('s.id', 'desc')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toSanction), total: Number(total), page: query.page, pageSize: query.pageSize };
}
