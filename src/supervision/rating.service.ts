import { type RawBuilder, sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, type Principal, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { publishedHighSkillBaseCheck } from '../policy/parameter.query.ts';
import { getOrganisation } from '../registry/organisation.service.ts';
import { offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { type Grade, type RatingInput, rateInstitution } from './rating.formula.ts';

/**
 * Inspections, credit ratings and high-skill training bases. `recomputeRatings` measures every
 * institution of the scope for one year in a few set-based statements, rates each with the
 * pure formula in rating.formula.ts, stores the rating with its explanation, and applies the
 * Chongqing rule that a high-skill training base below its yearly advanced-level volume loses
 * the title (渝人社发〔2021〕12号 六, asked of the policy service: policy/parameter.query.ts highSkillBaseCheck).
 */
export interface InstitutionRating {
  id: number;
  provinceCode: string;
  institutionId: number;
  year: number;
  grade: Grade;
  score: number;
  components: unknown;
  explanation: string[];
  computedAt: Date;
}

export interface Inspection {
  id: number;
  provinceCode: string;
  institutionId: number;
  inspectedOn: string;
  result: 'passed' | 'minor_issues' | 'failed';
  findings: string;
}

export async function recordInspection(
  executor: Executor,
  context: AuditContext,
  input: { institutionId: number; inspectedOn: string; result: Inspection['result']; findings: string },
): Promise<Inspection> {
  const institution = await getOrganisation(executor, input.institutionId);
  if (institution?.kind !== 'institution') throw notFound('培训机构', input.institutionId);
  if (context.actor) assertRegionScope(context.actor, institution.regionCode);
  const row = await executor
    .insertInto('institution_inspection')
    .values({
      province_code: institution.provinceCode,
      institution_id: input.institutionId,
      inspected_on: input.inspectedOn,
      result: input.result,
      findings: input.findings,
      recorded_by_user_id: context.actor?.userId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'supervision.inspection.record',
    objectType: 'institution_inspection',
    objectId: row.id,
    provinceCode: institution.provinceCode,
    after: input,
  });
  return toInspection(row);
}

function toInspection(row: {
  id: number;
  province_code: string;
  institution_id: number;
  inspected_on: string;
  result: Inspection['result'];
  findings: string;
}): Inspection {
  return {
    id: row.id,
    provinceCode: row.province_code,
    institutionId: row.institution_id,
    inspectedOn: row.inspected_on,
    result: row.result,
    findings: row.findings,
  };
}

export async function listInspections(
  executor: Executor,
  principal: Principal,
  query: PageRequest & { institutionId?: number; result?: Inspection['result'] },
): Promise<Page<Inspection>> {
  let base = executor
    .selectFrom('institution_inspection as i')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 'i.institution_id').onRef('o.province_code', '=', 'i.province_code'),
    )
    .where('o.region_code', 'like', regionLikePattern(principal.regionCode));
  if (query.institutionId) base = base.where('i.institution_id', '=', query.institutionId);
  if (query.result) base = base.where('i.result', '=', query.result);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('i')
    .orderBy('i.id', 'desc')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toInspection), total: Number(total), page: query.page, pageSize: query.pageSize };
}

export interface RatingScope {
  year: number;
  institutionIds?: number[];
  /** A region subtree (the caller's scope) when no institutions are named. */
  regionCode?: string;
}

function chinaYear(column: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`extract(year from ((${column} at time zone 'UTC') + interval '8 hours'))::int`;
}

function institutionFilter(scope: RatingScope, column: string): RawBuilder<unknown> {
  if (scope.institutionIds)
    return scope.institutionIds.length === 0
      ? sql`false`
      : sql`${sql.ref(column)} in (${sql.join(scope.institutionIds.map((id) => sql`${id}`))})`;
  return scope.regionCode ? sql`o.region_code like ${regionLikePattern(scope.regionCode)}` : sql`true`;
}

interface MetricsRow {
  institution_id: number;
  province_code: string;
  status: RatingInput['organisationStatus'];
  trainees: number;
  completed: number;
  certified: number;
  employed: number;
}

/** Trainees of the year per institution and how many completed, certified and found work. */
async function selectMetrics(executor: Executor, scope: RatingScope): Promise<MetricsRow[]> {
  const result = await sql<MetricsRow>`
    with enr as (
      select c.institution_id, c.province_code, o.status, e.person_id, e.person_province_code, e.class_id,
        ((c.ends_at at time zone 'UTC') + interval '8 hours')::date as ended_on
      from training_class c
      join organisation o on o.id = c.institution_id and o.province_code = c.province_code
      join enrolment e on e.class_id = c.id and e.province_code = c.province_code and e.status = 'enrolled'
      where o.kind = 'institution' and c.status in ('approved', 'completed')
        and ${chinaYear(sql`c.starts_at`)} = ${scope.year} and ${institutionFilter(scope, 'c.institution_id')}
    )
    select institution_id, province_code, min(status) as status, count(*) as trainees,
      count(*) filter (where exists (select 1 from exam_result r
        where r.class_id = enr.class_id and r.person_id = enr.person_id)) as completed,
      count(*) filter (where exists (select 1 from certificate ct
        where ct.class_id = enr.class_id and ct.person_id = enr.person_id)) as certified,
      count(*) filter (where exists (select 1 from employment_record er
          where er.person_id = enr.person_id and er.start_date <= enr.ended_on + 180
            and (er.end_date is null or er.end_date >= enr.ended_on))
        or exists (select 1 from person p join reference_list_entry le on le.id_number_hash = p.id_number_hash
          where p.id = enr.person_id and p.province_code = enr.person_province_code
            and le.source = 'social_insurance'
            and (le.valid_from is null or le.valid_from <= enr.ended_on + 180)
            and (le.valid_to is null or le.valid_to >= enr.ended_on))) as employed
    from enr group by institution_id, province_code`.execute(executor);
  return result.rows;
}

async function selectConfirmedCases(executor: Executor, scope: RatingScope): Promise<Map<number, number>> {
  const result = await sql<{ institution_id: number; cases: number }>`
    select sc.institution_id, count(distinct sc.id) as cases
    from supervision_case sc
    join organisation o on o.id = sc.institution_id and o.province_code = sc.province_code
    join risk_alert a on a.case_id = sc.id and a.province_code = sc.province_code
    join training_class c on c.id = coalesce(a.class_id, (select cl.class_id from claim cl where cl.id = a.claim_id))
    where sc.status = 'confirmed' and ${chinaYear(sql`c.starts_at`)} = ${scope.year}
      and ${institutionFilter(scope, 'sc.institution_id')}
    group by sc.institution_id`.execute(executor);
  return new Map(result.rows.map((row) => [row.institution_id, Number(row.cases)]));
}

async function selectLatestInspections(executor: Executor, year: number) {
  const result = await sql<{ institution_id: number; result: Inspection['result'] }>`
    select distinct on (institution_id) institution_id, result from institution_inspection
    where extract(year from inspected_on)::int = ${year}
    order by institution_id, inspected_on desc, id desc`.execute(executor);
  return new Map(result.rows.map((row) => [row.institution_id, row.result]));
}

export interface RecomputeResult {
  year: number;
  ratings: InstitutionRating[];
  revokedBases: Array<{ organisationId: number; baseLevel: string; advancedPersonTimes: number }>;
}

/** Recomputes the ratings of one year (audited as one event listing every grade). */
export async function recomputeRatings(
  executor: Executor,
  context: AuditContext,
  scope: RatingScope,
  clock: Clock = systemClock,
): Promise<RecomputeResult> {
  const metrics = await selectMetrics(executor, scope);
  const cases = await selectConfirmedCases(executor, scope);
  const inspections = await selectLatestInspections(executor, scope.year);
  const revokedBases = await checkHighSkillBases(executor, context, scope, clock);
  const ratings: InstitutionRating[] = [];
  for (const row of metrics) {
    const rating = rateInstitution({
      trainees: Number(row.trainees),
      completed: Number(row.completed),
      certified: Number(row.certified),
      employed: Number(row.employed),
      confirmedCases: cases.get(row.institution_id) ?? 0,
      inspection: inspections.get(row.institution_id) ?? null,
      organisationStatus: row.status,
    });
    const revoked = revokedBases.filter((base) => base.organisationId === row.institution_id);
    for (const base of revoked)
      rating.explanation.push(
        `高技能人才培训基地（${base.baseLevel === 'national' ? '国家级' : '市级'}）年度高级工及以上培训 ${base.advancedPersonTimes} 人次，未达标，取消基地资格`,
      );
    const stored = await executor
      .insertInto('institution_rating')
      .values({
        province_code: row.province_code,
        institution_id: row.institution_id,
        rating_year: scope.year,
        grade: rating.grade,
        score: rating.score,
        components: JSON.stringify({ ...rating.components, trainees: Number(row.trainees) }),
        explanation: JSON.stringify(rating.explanation),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    ratings.push(toRating(stored));
  }
  await recordAudit(executor, context, {
    action: 'supervision.rating.recompute',
    objectType: 'institution_rating',
    provinceCode: ratings[0]?.provinceCode ?? (scope.regionCode ? provinceOf(scope.regionCode) : undefined),
    after: {
      year: scope.year,
      grades: ratings.slice(0, 200).map((rating) => [rating.institutionId, rating.grade]),
      rated: ratings.length,
      revokedBases,
    },
  });
  return { year: scope.year, ratings, revokedBases };
}

function toRating(row: {
  id: number;
  province_code: string;
  institution_id: number;
  rating_year: number;
  grade: Grade;
  score: string | number;
  components: unknown;
  explanation: unknown;
  computed_at: Date;
}): InstitutionRating {
  return {
    id: row.id,
    provinceCode: row.province_code,
    institutionId: row.institution_id,
    year: row.rating_year,
    grade: row.grade,
    score: Number(row.score),
    components: row.components,
    explanation: row.explanation as string[],
    computedAt: row.computed_at,
  };
}

/**
 * Chongqing (渝人社发〔2021〕12号 六): after a year has ended, a national (municipal) base that
 * trained fewer than 600 (300) person-times at advanced level or above loses the title.
 */
async function checkHighSkillBases(
  executor: Executor,
  context: AuditContext,
  scope: RatingScope,
  clock: Clock,
): Promise<RecomputeResult['revokedBases']> {
  const yearEnd = `${scope.year}-12-31`;
  if (clock.today() <= yearEnd) return [];
  const bases = await sql<{
    id: number;
    province_code: string;
    organisation_id: number;
    base_level: 'national' | 'municipal';
    region_code: string;
    advanced: number;
  }>`
    select b.id, b.province_code, b.organisation_id, b.base_level, o.region_code,
      (select count(*) from training_class c join enrolment e on e.class_id = c.id and e.province_code = c.province_code
        where c.institution_id = b.organisation_id and c.province_code = b.province_code and e.status = 'enrolled'
          and c.status in ('approved', 'completed') and c.level in ('advanced', 'technician', 'senior_technician')
          and ${chinaYear(sql`c.starts_at`)} = ${scope.year}) as advanced
    from high_skill_base b join organisation o on o.id = b.organisation_id and o.province_code = b.province_code
    where b.status = 'active' and b.designated_on <= ${yearEnd} and ${institutionFilter(scope, 'b.organisation_id')}`.execute(
    executor,
  );
  const revoked: RecomputeResult['revokedBases'] = [];
  for (const base of bases.rows) {
    const advancedPersonTimes = Number(base.advanced);
    const check = await publishedHighSkillBaseCheck(executor, base.region_code, yearEnd, {
      baseLevel: base.base_level,
      advancedTraineesPerYear: advancedPersonTimes,
    });
    if (!check || check.isOnTarget) continue;
    const reason = `${scope.year}年高级工及以上培训 ${advancedPersonTimes} 人次，未达到${check.citation.doc} ${check.citation.article}规定的年度规模`;
    await executor
      .updateTable('high_skill_base')
      .set({ status: 'revoked', revoked_on: yearEnd, revoke_reason: reason })
      .where('id', '=', base.id)
      .where('province_code', '=', base.province_code)
      .execute();
    await recordAudit(executor, context, {
      action: 'supervision.high_skill_base.revoke',
      objectType: 'high_skill_base',
      objectId: base.id,
      provinceCode: base.province_code,
      before: { status: 'active' },
      after: { status: 'revoked', revokedOn: yearEnd, reason },
    });
    revoked.push({ organisationId: base.organisation_id, baseLevel: base.base_level, advancedPersonTimes });
  }
  return revoked;
}

export interface HighSkillBase {
  id: number;
  provinceCode: string;
  organisationId: number;
  baseLevel: 'national' | 'municipal';
  designatedOn: string;
  status: 'active' | 'revoked';
  revokedOn: string | null;
  revokeReason: string | null;
}

function toBase(row: {
  id: number;
  province_code: string;
  organisation_id: number;
  base_level: 'national' | 'municipal';
  designated_on: string;
  status: 'active' | 'revoked';
  revoked_on: string | null;
  revoke_reason: string | null;
}): HighSkillBase {
  return {
    id: row.id,
    provinceCode: row.province_code,
    organisationId: row.organisation_id,
    baseLevel: row.base_level,
    designatedOn: row.designated_on,
    status: row.status,
    revokedOn: row.revoked_on,
    revokeReason: row.revoke_reason,
  };
}

/** Records a designation as a national or municipal high-skill training base. */
export async function designateHighSkillBase(
  executor: Executor,
  context: AuditContext,
  input: { organisationId: number; baseLevel: 'national' | 'municipal'; designatedOn: string },
): Promise<HighSkillBase> {
  const organisation = await getOrganisation(executor, input.organisationId);
  if (!organisation) throw notFound('单位', input.organisationId);
  if (context.actor) assertRegionScope(context.actor, organisation.regionCode);
  const exists = await executor
    .selectFrom('high_skill_base')
    .select('id')
    .where('province_code', '=', organisation.provinceCode)
    .where('organisation_id', '=', input.organisationId)
    .where('base_level', '=', input.baseLevel)
    .executeTakeFirst();
  if (exists)
    throw new AppError('CONFLICT', '该单位已认定为同级基地', [{ field: 'baseLevel', message: '已存在' }]);
  const row = await executor
    .insertInto('high_skill_base')
    .values({
      province_code: organisation.provinceCode,
      organisation_id: input.organisationId,
      base_level: input.baseLevel,
      designated_on: input.designatedOn,
      revoked_on: null,
      revoke_reason: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'supervision.high_skill_base.designate',
    objectType: 'high_skill_base',
    objectId: row.id,
    provinceCode: organisation.provinceCode,
    after: input,
  });
  return toBase(row);
}

export async function listHighSkillBases(
  executor: Executor,
  principal: Principal,
  query: PageRequest & { status?: 'active' | 'revoked' },
): Promise<Page<HighSkillBase>> {
  let base = executor
    .selectFrom('high_skill_base as b')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 'b.organisation_id').onRef('o.province_code', '=', 'b.province_code'),
    )
    .where('o.region_code', 'like', regionLikePattern(principal.regionCode));
  if (query.status) base = base.where('b.status', '=', query.status);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('b')
    .orderBy('b.id', 'desc')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toBase), total: Number(total), page: query.page, pageSize: query.pageSize };
}

export interface RatingListQuery extends PageRequest {
  year?: number;
  grade?: Grade;
  institutionId?: number;
}

/** The current rating (newest computation) of each institution and year in the caller's scope. */
export async function listRatings(
  executor: Executor,
  principal: Principal,
  query: RatingListQuery,
): Promise<Page<InstitutionRating>> {
  let base = executor
    .selectFrom('institution_rating as r')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 'r.institution_id').onRef('o.province_code', '=', 'r.province_code'),
    )
    .where('o.region_code', 'like', regionLikePattern(principal.regionCode))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('institution_rating as newer')
            .select(sql`1`.as('one'))
            .whereRef('newer.institution_id', '=', 'r.institution_id')
            .whereRef('newer.rating_year', '=', 'r.rating_year')
            .whereRef('newer.id', '>', 'r.id'),
        ),
      ),
    );
  if (query.year) base = base.where('r.rating_year', '=', query.year);
  if (query.grade) base = base.where('r.grade', '=', query.grade);
  if (query.institutionId) base = base.where('r.institution_id', '=', query.institutionId);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('r')
    .orderBy('r.rating_year', 'desc')
    .orderBy('r.institution_id')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toRating), total: Number(total), page: query.page, pageSize: query.pageSize };
}

/** The history of one institution's ratings (newest first), with explanations. */
export async function ratingHistory(
  executor: Executor,
  principal: Principal,
  institutionId: number,
): Promise<InstitutionRating[]> {
  const institution = await getOrganisation(executor, institutionId);
  if (institution?.kind !== 'institution') throw notFound('培训机构', institutionId);
  assertRegionScope(principal, institution.regionCode);
  const rows = await executor
    .selectFrom('institution_rating')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  return rows.map(toRating);
}

/**
 * An institution's current rating of each year (the newest computation of the year), newest
 * year first: what the institution itself reads on 我的评级与处理. The caller names its own
 * institution; no scope check here.
 */
export async function currentRatingsOf(
  executor: Executor,
  institution: { id: number; provinceCode: string },
): Promise<InstitutionRating[]> {
  const rows = await executor
    .selectFrom('institution_rating')
    .selectAll()
    .where('province_code', '=', institution.provinceCode)
    .where('institution_id', '=', institution.id)
    .orderBy('rating_year', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  const seen = new Set<number>();
  return rows.filter((row) => !seen.has(row.rating_year) && seen.add(row.rating_year)).map(toRating);
}
