import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, isWithinRegion, type Principal, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { getOrganisation, type OrganisationStatus } from '../registry/organisation.service.ts';
import { offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import { AppError, notFound } from '../shared/errors.ts';

/**
 * Third-party review agencies (第三方社会机构, 渝人社发〔2021〕12号 七; 赣人社字〔2021〕151号 三):
 * a purchase-of-services contract names the regions and the period in which the agency reviews
 * claims; HRSS evaluates its work periodically; a blacklisted or suspended agency, or one
 * without a live contract for the claim's region, may no longer review.
 */
export interface AgencyContract {
  id: number;
  provinceCode: string;
  agencyId: number;
  contractNumber: string;
  regionCodes: string[];
  startsOn: string;
  endsOn: string;
  status: 'active' | 'terminated';
  terminatedOn: string | null;
}

type ContractRow = {
  id: number;
  province_code: string;
  agency_id: number;
  contract_number: string;
  region_codes: unknown;
  starts_on: string;
  ends_on: string;
  status: 'active' | 'terminated';
  terminated_on: string | null;
};

function toContract(row: ContractRow): AgencyContract {
  return {
    id: row.id,
    provinceCode: row.province_code,
    agencyId: row.agency_id,
    contractNumber: row.contract_number,
    regionCodes: (row.region_codes as string[]) ?? [],
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    status: row.status,
    terminatedOn: row.terminated_on,
  };
}

async function reviewAgency(executor: Executor, context: AuditContext, agencyId: number) {
  const agency = await getOrganisation(executor, agencyId);
  if (agency?.kind !== 'review_agency') throw notFound('第三方审核机构', agencyId);
  if (context.actor) assertRegionScope(context.actor, agency.regionCode);
  return agency;
}

export async function createAgencyContract(
  executor: Executor,
  context: AuditContext,
  input: {
    agencyId: number;
    contractNumber: string;
    regionCodes: string[];
    startsOn: string;
    endsOn: string;
  },
): Promise<AgencyContract> {
  const agency = await reviewAgency(executor, context, input.agencyId);
  if (input.endsOn < input.startsOn)
    throw new AppError('VALIDATION_FAILED', '合同结束日期早于开始日期', [
      { field: 'endsOn', message: '早于开始日期' },
    ]);
  for (const [index, regionCode] of input.regionCodes.entries()) {
    if (context.actor) assertRegionScope(context.actor, regionCode);
    if (!isWithinRegion(agency.provinceCode, regionCode))
      throw new AppError('VALIDATION_FAILED', '合同地区须在机构所在省份内', [
        { field: `regionCodes[${index}]`, message: '不在审核机构所在省份内' },
      ]);
  }
  if (agency.status !== 'active')
    throw new AppError('INVALID_STATE', '机构已被暂停或列入黑名单，不能签订审核服务合同', [
      { field: 'agencyId', message: agency.status },
    ]);
  const exists = await executor
    .selectFrom('review_agency_contract')
    .select('id')
    .where('province_code', '=', agency.provinceCode)
    .where('contract_number', '=', input.contractNumber)
    .executeTakeFirst();
  if (exists)
    throw new AppError('CONFLICT', '合同编号已存在', [{ field: 'contractNumber', message: '已被使用' }]);
  const row = await executor
    .insertInto('review_agency_contract')
    .values({
      province_code: agency.provinceCode,
      agency_id: input.agencyId,
      contract_number: input.contractNumber,
      region_codes: JSON.stringify(input.regionCodes),
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      terminated_on: null,
      created_by_user_id: context.actor?.userId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'supervision.agency.contract',
    objectType: 'review_agency_contract',
    objectId: row.id,
    provinceCode: agency.provinceCode,
    after: input,
  });
  return toContract(row);
}

export async function listAgencyContracts(
  executor: Executor,
  principal: Principal,
  query: PageRequest & { agencyId?: number; status?: 'active' | 'terminated' },
): Promise<Page<AgencyContract>> {
  let base = executor
    .selectFrom('review_agency_contract as k')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 'k.agency_id').onRef('o.province_code', '=', 'k.province_code'),
    )
    .where('o.region_code', 'like', regionLikePattern(principal.regionCode));
  if (query.agencyId) base = base.where('k.agency_id', '=', query.agencyId);
  if (query.status) base = base.where('k.status', '=', query.status);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('k')
    .orderBy('k.id', 'desc')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toContract), total: Number(total), page: query.page, pageSize: query.pageSize };
}

/**
 * The review-path check (hook in claims' transitionClaim): a third-party reviewer acts only for
 * an active agency holding an active contract that covers the claim's region on that day.
 */
export async function assertAgencyMayReview(
  executor: Executor,
  principal: Principal,
  regionCode: string,
  onDate: string,
): Promise<void> {
  const agency =
    principal.organisationId === null ? undefined : await getOrganisation(executor, principal.organisationId);
  if (agency?.kind !== 'review_agency' || agency.status !== 'active') {
    throw new AppError('FORBIDDEN', '第三方审核机构已被暂停或列入黑名单，不能审核', [
      { field: 'agency', message: `审核机构已被暂停或列入黑名单` },
    ]);
  }
  const contracts = await executor
    .selectFrom('review_agency_contract')
    .select('region_codes')
    .where('agency_id', '=', agency.id)
    .where('status', '=', 'active')
    .where('starts_on', '<=', onDate)
    .where('ends_on', '>=', onDate)
    .execute();
  const isCovered = contracts.some((contract) =>
    ((contract.region_codes as string[]) ?? []).some((code) => isWithinRegion(code, regionCode)),
  );
  if (!isCovered)
    throw new AppError('FORBIDDEN', '第三方审核机构在该地区、该日期没有有效的审核服务合同', [
      { field: 'agency', message: `${onDate} 在 ${regionCode} 没有有效的审核服务合同` },
    ]);
}

export interface AgencyEvaluation {
  id: number;
  provinceCode: string;
  agencyId: number;
  periodStart: string;
  periodEnd: string;
  reviewedClaims: number;
  missedFraudClaims: number;
  officerScore: number;
  overallScore: number;
  conclusion: 'excellent' | 'qualified' | 'unqualified';
  comments: string;
}

/**
 * 工作效果评估: how many claims applied for in the period the agency's reviewers passed, how many of those
 * later had a confirmed fraud case (missed), and the officer's own score. Overall = 60 % officer
 * score + 40 % × (1 − missed / reviewed) × 100; ≥ 85 excellent, ≥ 60 qualified, else unqualified.
 */
export async function evaluateAgency(
  executor: Executor,
  context: AuditContext,
  input: { agencyId: number; periodStart: string; periodEnd: string; officerScore: number; comments: string },
): Promise<AgencyEvaluation> {
  const agency = await reviewAgency(executor, context, input.agencyId);
  const counts = await sql<{ reviewed: number; missed: number }>`
    select count(*) as reviewed,
      count(*) filter (where exists (select 1 from risk_alert a
        where a.status = 'confirmed' and (a.claim_id = c.id or a.class_id = c.class_id))) as missed
    from claim c join app_user u on u.id = c.reviewed_by_user_id
    where u.organisation_id = ${input.agencyId}
      and c.application_date between ${input.periodStart} and ${input.periodEnd}`.execute(executor);
  const reviewed = Number(counts.rows[0]?.reviewed ?? 0);
  const missed = Number(counts.rows[0]?.missed ?? 0);
  const accuracy = reviewed === 0 ? 100 : (1 - missed / reviewed) * 100;
  const overall = Math.round((0.6 * input.officerScore + 0.4 * accuracy) * 100) / 100;
  const conclusion = overall >= 85 ? 'excellent' : overall >= 60 ? 'qualified' : 'unqualified';
  const row = await executor
    .insertInto('review_agency_evaluation')
    .values({
      province_code: agency.provinceCode,
      agency_id: input.agencyId,
      period_start: input.periodStart,
      period_end: input.periodEnd,
      reviewed_claims: reviewed,
      missed_fraud_claims: missed,
      officer_score: input.officerScore,
      overall_score: overall,
      conclusion,
      comments: input.comments,
      evaluated_by_user_id: context.actor?.userId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'supervision.agency.evaluate',
    objectType: 'review_agency_evaluation',
    objectId: row.id,
    provinceCode: agency.provinceCode,
    after: { ...input, reviewed, missed, overall, conclusion },
  });
  return {
    id: row.id,
    provinceCode: agency.provinceCode,
    agencyId: input.agencyId,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    reviewedClaims: reviewed,
    missedFraudClaims: missed,
    officerScore: input.officerScore,
    overallScore: overall,
    conclusion,
    comments: input.comments,
  };
}

export async function listAgencyEvaluations(
  executor: Executor,
  principal: Principal,
  query: PageRequest & { agencyId?: number },
): Promise<Page<AgencyEvaluation>> {
  let base = executor
    .selectFrom('review_agency_evaluation as v')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 'v.agency_id').onRef('o.province_code', '=', 'v.province_code'),
    )
    .where('o.region_code', 'like', regionLikePattern(principal.regionCode));
  if (query.agencyId) base = base.where('v.agency_id', '=', query.agencyId);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('v')
    .orderBy('v.id', 'desc')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      provinceCode: row.province_code,
      agencyId: row.agency_id,
      periodStart: row.period_start,
      periodEnd: row.period_end,
      reviewedClaims: row.reviewed_claims,
      missedFraudClaims: row.missed_fraud_claims,
      officerScore: row.officer_score,
      overallScore: Number(row.overall_score),
      conclusion: row.conclusion,
      comments: row.comments,
    })),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}

/** A third-party review agency as its own reviewers see it: status, contracts and evaluations. */
export interface OwnAgency {
  agency: { id: number; name: string; regionCode: string; status: OrganisationStatus };
  contracts: (Omit<AgencyContract, 'provinceCode' | 'agencyId'> & { isInForce: boolean })[];
  evaluations: Omit<AgencyEvaluation, 'provinceCode' | 'agencyId'>[];
}

/**
 * The reviewer's page (issue 21: "the claims under its contracts"): the agency the reviewer works
 * for, every contract it holds (in force on `onDate` or not) and HRSS's evaluations of its work.
 * Only a third-party reviewer has an agency; anyone else is told so.
 */
export async function getOwnAgency(
  executor: Executor,
  principal: Principal,
  onDate: string,
): Promise<OwnAgency> {
  const agency =
    principal.role === 'third_party_reviewer' && principal.organisationId !== null
      ? await getOrganisation(executor, principal.organisationId)
      : undefined;
  if (agency?.kind !== 'review_agency')
    throw new AppError('NOT_FOUND', '当前账号不属于第三方审核机构', [
      { field: 'organisationId', message: '当前账号不属于第三方审核机构' },
    ]);
  const contracts = await executor
    .selectFrom('review_agency_contract')
    .selectAll()
    .where('agency_id', '=', agency.id)
    .where('province_code', '=', agency.provinceCode)
    .orderBy('starts_on', 'desc')
    .execute();
  // Every evaluation of this agency (a handful a year), through the listing's own mapping.
  const evaluations = await listAgencyEvaluations(
    executor,
    { ...principal, regionCode: agency.provinceCode },
    { agencyId: agency.id, page: 1, pageSize: 100 },
  );
  return {
    agency: { id: agency.id, name: agency.name, regionCode: agency.regionCode, status: agency.status },
    contracts: contracts.map((row) => {
      const { provinceCode: _province, agencyId: _agency, ...contract } = toContract(row);
      return {
        ...contract,
        isInForce: contract.status === 'active' && contract.startsOn <= onDate && contract.endsOn >= onDate,
      };
    }),
    evaluations: evaluations.items.map(
      ({ provinceCode: _province, agencyId: _agency, ...evaluation }) => evaluation,
    ),
  };
}
