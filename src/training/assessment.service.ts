import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { assertEvaluationAdmitted } from '../registry/evaluation-catalog.service.ts';
import { assertOccupationExists } from '../registry/occupation.service.ts';
import { offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import { getPerson, getPersons } from '../registry/person.service.ts';
import { assertOrganisationInGoodStanding } from '../registry/standing.service.ts';
import { AppError, notFound } from '../shared/errors.ts';
import type { Level } from '../shared/vocabulary.ts';
import { assertNotAfterToday } from './certificate.service.ts';

/** An assessment (考核评价) an evaluation organisation held for one occupation and level on one day. */
export interface Assessment {
  id: number;
  organisationId: number;
  occupationCode: string;
  level: Level;
  assessedOn: string;
  candidates: number;
  passed: number;
}

export interface AssessmentResult {
  assessmentId: number;
  personId: number;
  name: string;
  score: number;
  isPassed: boolean;
}

/**
 * Registers an assessment of the caller's evaluation organisation (audited). The organisation
 * must be in good standing and admitted to the evaluation-organisation catalog for the occupation
 * and level on the day; the day is not after the business today.
 */
export async function createAssessment(
  executor: Executor,
  context: AuditContext,
  input: { organisationId: number; occupationCode: string; level: Level; assessedOn: string },
  today: string,
): Promise<Assessment> {
  const organisation = await assertOrganisationInGoodStanding(executor, input.organisationId, {
    field: 'organisationId',
    action: '组织考核评价',
  });
  if (organisation.kind !== 'evaluation_org')
    throw new AppError('FORBIDDEN', '考核评价由评价机构组织', [
      { field: 'organisationId', message: '不是评价机构' },
    ]);
  await assertOccupationExists(executor, input.occupationCode);
  assertNotAfterToday(input.assessedOn, today, 'assessedOn', '考核日期');
  await assertEvaluationAdmitted(executor, {
    organisationId: organisation.id,
    occupationCode: input.occupationCode,
    level: input.level,
    on: input.assessedOn,
    field: 'occupationCode',
  });
  const row = await executor
    .insertInto('assessment')
    .values({
      province_code: organisation.provinceCode,
      organisation_id: organisation.id,
      occupation_code: input.occupationCode,
      level: input.level,
      assessed_on: input.assessedOn,
      created_by_user_id: context.actor?.userId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'assessment.create',
    objectType: 'assessment',
    objectId: row.id,
    provinceCode: organisation.provinceCode,
    after: input,
  });
  return {
    id: row.id,
    organisationId: row.organisation_id,
    occupationCode: row.occupation_code,
    level: row.level as Level,
    assessedOn: row.assessed_on,
    candidates: 0,
    passed: 0,
  };
}

/**
 * Whose assessments a caller sees: an evaluation organisation its own, an officer those of the
 * organisations in his region subtree.
 */
export type AssessmentScope = { organisationId: number } | { regionLike: string };

/** The assessment when it is within the scope; 404 otherwise (same as unknown). */
export async function getOwnAssessment(
  executor: Executor,
  scope: AssessmentScope | number | null,
  id: number,
): Promise<Assessment> {
  const page = await listAssessments(executor, scope, { page: 1, pageSize: 1, id });
  const found = page.items[0];
  if (!found) throw notFound('考核', id);
  return found;
}

/** Records (or corrects) a candidate's result in an assessment of the organisation (audited). */
export async function recordAssessmentResult(
  executor: Executor,
  context: AuditContext,
  input: {
    organisationId: number | null;
    assessmentId: number;
    personId: number;
    score: number;
    isPassed: boolean;
  },
): Promise<AssessmentResult> {
  const assessment = await getOwnAssessment(executor, input.organisationId, input.assessmentId);
  const person = await getPerson(executor, input.personId);
  if (!person) throw notFound('人员', input.personId);
  const province = await executor
    .selectFrom('assessment')
    .select('province_code')
    .where('id', '=', assessment.id)
    .executeTakeFirstOrThrow();
  const values = { score: String(input.score), is_passed: input.isPassed };
  await executor
    .insertInto('assessment_result')
    .values({
      province_code: province.province_code,
      assessment_id: assessment.id,
      person_id: person.id,
      person_province_code: person.provinceCode,
      ...values,
    })
    .onConflict((conflict) =>
      conflict.columns(['province_code', 'assessment_id', 'person_id']).doUpdateSet(values),
    )
    .execute();
  await recordAudit(executor, context, {
    action: 'assessment.result',
    objectType: 'assessment',
    objectId: assessment.id,
    provinceCode: province.province_code,
    after: { personId: person.id, score: input.score, isPassed: input.isPassed },
  });
  return {
    assessmentId: assessment.id,
    personId: person.id,
    name: person.name,
    score: input.score,
    isPassed: input.isPassed,
  };
}

export interface AssessmentListQuery extends PageRequest {
  id?: number;
  occupationCode?: string;
  assessedFrom?: string;
  assessedTo?: string;
}

/** Assessments of one organisation (null: every organisation, for internal callers), newest first. */
export async function listAssessments(
  executor: Executor,
  scope: AssessmentScope | number | null,
  query: AssessmentListQuery,
): Promise<Page<Assessment>> {
  let base = executor.selectFrom('assessment');
  if (typeof scope === 'number') base = base.where('organisation_id', '=', scope);
  else if (scope && 'organisationId' in scope)
    base = base.where('organisation_id', '=', scope.organisationId);
  else if (scope) {
    const like = scope.regionLike;
    base = base.where((eb) =>
      eb.exists(
        eb
          .selectFrom('organisation')
          .select('organisation.id')
          .whereRef('organisation.id', '=', 'assessment.organisation_id')
          .where('organisation.region_code', 'like', like),
      ),
    );
  }
  if (query.id) base = base.where('id', '=', query.id);
  if (query.occupationCode) base = base.where('occupation_code', '=', query.occupationCode);
  if (query.assessedFrom) base = base.where('assessed_on', '>=', query.assessedFrom);
  if (query.assessedTo) base = base.where('assessed_on', '<=', query.assessedTo);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('assessment')
    .select((eb) => [
      eb
        .selectFrom('assessment_result')
        .select((inner) => inner.fn.countAll<number>().as('n'))
        .whereRef('assessment_result.assessment_id', '=', 'assessment.id')
        .as('candidates'),
      eb
        .selectFrom('assessment_result')
        .select((inner) => inner.fn.countAll<number>().as('n'))
        .whereRef('assessment_result.assessment_id', '=', 'assessment.id')
        .where('assessment_result.is_passed', '=', true)
        .as('passed'),
    ])
    .orderBy('assessed_on', 'desc')
    .orderBy('id', 'desc')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      organisationId: row.organisation_id,
      occupationCode: row.occupation_code,
      level: row.level as Level,
      assessedOn: row.assessed_on,
      candidates: Number(row.candidates ?? 0),
      passed: Number(row.passed ?? 0),
    })),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}

/** Every result of an assessment of the organisation, with the candidate's name. */
export async function listAssessmentResults(
  executor: Executor,
  scope: AssessmentScope,
  assessmentId: number,
): Promise<AssessmentResult[]> {
  await getOwnAssessment(executor, scope, assessmentId);
  const rows = await executor
    .selectFrom('assessment_result')
    .selectAll()
    .where('assessment_id', '=', assessmentId)
    .orderBy('id')
    .execute();
  const persons = new Map(
    (
      await getPersons(
        executor,
        rows.map((row) => row.person_id),
      )
    ).map((person) => [person.id, person]),
  );
  return rows.map((row) => ({
    assessmentId,
    personId: row.person_id,
    name: persons.get(row.person_id)?.name ?? '',
    score: Number(row.score),
    isPassed: row.is_passed,
  }));
}
