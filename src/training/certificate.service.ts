import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { type Principal, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { type ListOrdering, orderList } from '../db/list-order.ts';
import { assertEvaluationAdmitted } from '../registry/evaluation-catalog.service.ts';
import { assertOccupationExists } from '../registry/occupation.service.ts';
import { offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import { getPerson } from '../registry/person.service.ts';
import { assertOrganisationInGoodStanding } from '../registry/standing.service.ts';
import { AppError, notFound } from '../shared/errors.ts';
import type { ListSort } from '../shared/schemas.ts';
import { type CertificateType, LEVEL_LABELS, type Level } from '../shared/vocabulary.ts';
import { assertApproved, chinaDate, getClass } from './class.service.ts';
import { isEnrolled } from './enrolment.service.ts';

export type { CertificateType } from '../shared/vocabulary.ts';
export { CERTIFICATE_TYPES } from '../shared/vocabulary.ts';

export interface ExamResult {
  classId: number;
  personId: number;
  score: number;
  isPassed: boolean;
  examDate: string;
}

/**
 * Records (or corrects) a trainee's completion exam (结业考核) result; the class must be approved.
 * The exam date is neither after the business today nor before the day of the class's last
 * session (the exam closes the training).
 */
export async function recordExamResult(
  executor: Executor,
  context: AuditContext,
  classId: number,
  result: Omit<ExamResult, 'classId'>,
  today: string,
): Promise<ExamResult> {
  const trainingClass = await getClass(executor, classId);
  if (!trainingClass) throw notFound('培训班', classId);
  assertApproved(trainingClass);
  // A sanctioned institution records no results while the sanction stands (issue 15).
  await assertOrganisationInGoodStanding(executor, trainingClass.institutionId, {
    field: 'classId',
    action: '登记考核成绩',
  });
  if (!(await isEnrolled(executor, classId, result.personId))) {
    throw new AppError('VALIDATION_FAILED', '该人员不在本班名单中', [
      { field: 'personId', message: '不在本班名单中' },
    ]);
  }
  assertNotAfterToday(result.examDate, today, 'examDate', '考核日期');
  const lastSession = trainingClass.sessions.at(-1);
  const lastDay = lastSession ? chinaDate(lastSession.startsAt) : chinaDate(trainingClass.endsAt);
  if (result.examDate < lastDay) {
    throw new AppError('VALIDATION_FAILED', `结业考核日期不能早于最后一次课（${lastDay}）`, [
      { field: 'examDate', message: `结业考核日期不能早于 ${lastDay}` },
    ]);
  }
  const values = { score: String(result.score), is_passed: result.isPassed, exam_date: result.examDate };
  await executor
    .insertInto('exam_result')
    .values({
      province_code: trainingClass.provinceCode,
      class_id: classId,
      person_id: result.personId,
      ...values,
    })
    .onConflict((conflict) =>
      conflict.columns(['province_code', 'class_id', 'person_id']).doUpdateSet(values),
    )
    .execute();
  await recordAudit(executor, context, {
    action: 'class.result',
    objectType: 'training_class',
    objectId: classId,
    provinceCode: trainingClass.provinceCode,
    after: result,
  });
  return { classId, ...result };
}

/** Refuses (422) a date of something that happened when it lies after the business today. */
export function assertNotAfterToday(value: string, today: string, field: string, label: string): void {
  if (value > today) {
    throw new AppError('VALIDATION_FAILED', `${label}（${value}）晚于当前业务日期（${today}）`, [
      { field, message: `${label}不能晚于当前业务日期 ${today}` },
    ]);
  }
}

type ExamResultRow = {
  class_id: number;
  person_id: number;
  score: string | number;
  is_passed: boolean;
  exam_date: string;
};

export function toExamResult(row: ExamResultRow): ExamResult {
  return {
    classId: row.class_id,
    personId: row.person_id,
    score: Number(row.score),
    isPassed: row.is_passed,
    examDate: row.exam_date,
  };
}

export async function listExamResults(
  executor: Executor,
  classId: number,
  provinceCode?: string,
): Promise<ExamResult[]> {
  return (await examResultsQuery(executor, classId, provinceCode).execute()).map(toExamResult);
}

/** The statement of `listExamResults`; its rows become results by `toExamResult`. */
export function examResultsQuery(executor: Executor, classId: number, provinceCode?: string) {
  let query = executor.selectFrom('exam_result').selectAll();
  // The class's province, when the caller knows it, routes the read to one shard (docs/scaling.md).
  if (provinceCode !== undefined) query = query.where('province_code', '=', provinceCode);
  return query.where('class_id', '=', classId).orderBy('person_id');
}

export interface ExamResultListQuery extends PageRequest {
  isPassed?: boolean;
  /** Exam date, inclusive. */
  examFrom?: string;
  examTo?: string;
}

/** One page of a class's exam results, by person, filtered by outcome and exam date. */
export async function listExamResultPage(
  executor: Executor,
  classId: number,
  query: ExamResultListQuery,
): Promise<Page<ExamResult>> {
  let base = executor.selectFrom('exam_result').where('class_id', '=', classId);
  if (query.isPassed !== undefined) base = base.where('is_passed', '=', query.isPassed);
  if (query.examFrom) base = base.where('exam_date', '>=', query.examFrom);
  if (query.examTo) base = base.where('exam_date', '<=', query.examTo);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('person_id')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toExamResult), total: Number(total), page: query.page, pageSize: query.pageSize };
}

export interface Certificate {
  id: number;
  provinceCode: string;
  personId: number;
  classId: number | null;
  certificateType: CertificateType;
  level: string | null;
  occupationCode: string | null;
  certificateNumber: string;
  issuer: string;
  issuerOrganisationId: number | null;
  issuedOn: string;
  /** Set when the issuer revoked the certificate (with `revocationReason`). */
  revokedOn: string | null;
  revocationReason: string | null;
  /** The evaluation organisation's assessment the certificate follows (evaluated types). */
  assessmentId: number | null;
}

export interface NewCertificate {
  personId: number;
  classId?: number | null;
  certificateType: CertificateType;
  level?: string | null;
  occupationCode?: string | null;
  certificateNumber: string;
  issuer: string;
  issuerOrganisationId?: number | null;
  issuedOn: string;
  assessmentId?: number | null;
}

type CertificateRow = {
  id: number;
  province_code: string;
  person_id: number;
  class_id: number | null;
  certificate_type: string;
  level: string | null;
  occupation_code: string | null;
  certificate_number: string;
  issuer: string;
  issuer_organisation_id: number | null;
  issued_on: string;
  revoked_on: string | null;
  revoked_reason: string | null;
  assessment_id: number | null;
};

/**
 * A certificate number as issued: full-width characters folded to their ASCII forms (NFKC) and
 * surrounding blanks trimmed, so `Ｅ０００１ ` and `E0001` are one number.
 */
export function normaliseCertificateNumber(value: string): string {
  return value.normalize('NFKC').trim();
}

export function toCertificate(row: CertificateRow): Certificate {
  return {
    id: row.id,
    provinceCode: row.province_code,
    personId: row.person_id,
    classId: row.class_id,
    certificateType: row.certificate_type as CertificateType,
    level: row.level,
    occupationCode: row.occupation_code,
    certificateNumber: row.certificate_number,
    issuer: row.issuer,
    issuerOrganisationId: row.issuer_organisation_id,
    issuedOn: row.issued_on,
    revokedOn: row.revoked_on,
    revocationReason: row.revoked_reason,
    assessmentId: row.assessment_id,
  };
}

/**
 * Certificate types an evaluation organisation issues after its assessment (职业技能等级证书,
 * 专项职业能力证书, 职业资格证书): never a training institution, never with a free-text issuer.
 */
export const EVALUATED_CERTIFICATE_TYPES: readonly CertificateType[] = [
  'skill_level',
  'special_ability',
  'vocational_qualification',
];

function refuse(code: string, field: string, message: string): AppError {
  return new AppError(code, message, [{ field, message }]);
}

/**
 * An evaluated certificate: issued by a catalogued evaluation organisation whose admission covers
 * the occupation and level on the issue date, to a person with a passing result in one of its
 * assessments of that occupation and level, dated on or after the assessment. Returns the
 * issuer's registered name, which replaces any free-text issuer.
 */
async function assertEvaluatedIssue(
  executor: Executor,
  context: AuditContext,
  input: NewCertificate,
): Promise<{ organisationId: number; issuer: string; provinceCode: string }> {
  const organisationId = input.issuerOrganisationId ?? null;
  const isEvaluator = context.actor === null || context.actor.role === 'evaluation_org_operator';
  if (!isEvaluator || organisationId === null)
    throw refuse(
      'FORBIDDEN',
      'certificateType',
      '职业技能等级证书、专项职业能力证书和职业资格证书由评价机构目录内的评价机构颁发',
    );
  if (input.classId)
    throw refuse('VALIDATION_FAILED', 'classId', '评价类证书依据评价机构的考核颁发，不关联培训班');
  if (!input.occupationCode) throw refuse('VALIDATION_FAILED', 'occupationCode', '须填写职业（工种）');
  if (!input.level) throw refuse('VALIDATION_FAILED', 'level', '须填写等级');
  if ((input.certificateType === 'special_ability') !== (input.level === 'special_ability'))
    throw refuse(
      'VALIDATION_FAILED',
      'level',
      '专项职业能力证书的等级须为专项职业能力，其他证书不能为专项职业能力',
    );
  const organisation = await assertOrganisationInGoodStanding(executor, organisationId, {
    field: 'issuerOrganisationId',
    action: '颁发证书',
  });
  if (organisation.kind !== 'evaluation_org')
    throw refuse('FORBIDDEN', 'issuerOrganisationId', '发证机构须为评价机构');
  await assertEvaluationAdmitted(executor, {
    organisationId,
    occupationCode: input.occupationCode,
    level: input.level,
    on: input.issuedOn,
    field: 'occupationCode',
  });
  if (!input.assessmentId) throw refuse('VALIDATION_FAILED', 'assessmentId', '须指定该证书依据的考核');
  const assessment = await executor
    .selectFrom('assessment')
    .selectAll()
    .where('id', '=', input.assessmentId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!assessment) throw notFound('考核', input.assessmentId);
  if (assessment.occupation_code !== input.occupationCode)
    throw refuse(
      'VALIDATION_FAILED',
      'occupationCode',
      `证书职业（工种）须与考核一致（${assessment.occupation_code}）`,
    );
  if (assessment.level !== input.level)
    throw refuse('VALIDATION_FAILED', 'level', `证书等级须与考核等级一致（${assessment.level}）`);
  if (input.issuedOn < assessment.assessed_on)
    throw refuse('VALIDATION_FAILED', 'issuedOn', `发证日期不能早于考核日期 ${assessment.assessed_on}`);
  const result = await executor
    .selectFrom('assessment_result')
    .select('is_passed')
    .where('assessment_id', '=', assessment.id)
    .where('person_id', '=', input.personId)
    .executeTakeFirst();
  if (!result?.is_passed)
    throw refuse('VALIDATION_FAILED', 'personId', '该人员没有本次考核合格的成绩，不能发证');
  return { organisationId, issuer: organisation.name, provinceCode: organisation.provinceCode };
}

/**
 * A class's certificate goes to a trainee with a passing result in its exam, dated on or after
 * the exam (a certificate is the outcome of the assessment, not of enrolment).
 */
async function assertPassedBefore(
  executor: Executor,
  classId: number,
  personId: number,
  issuedOn: string,
): Promise<void> {
  const result = await executor
    .selectFrom('exam_result')
    .select(['is_passed', 'exam_date'])
    .where('class_id', '=', classId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  if (!result?.is_passed) {
    throw new AppError('VALIDATION_FAILED', '该学员没有本班考核合格的成绩，不能发证', [
      { field: 'personId', message: '没有考核合格成绩' },
    ]);
  }
  if (issuedOn < result.exam_date) {
    throw new AppError('VALIDATION_FAILED', `发证日期不能早于考核日期（${result.exam_date}）`, [
      { field: 'issuedOn', message: `发证日期不能早于考核日期 ${result.exam_date}` },
    ]);
  }
}

/**
 * A certificate of a class is at the class's occupation and level: one stated otherwise would let
 * a class of one level pay the amount of another (the claim reads the certificate's level).
 */
function assertMatchesClass(
  input: { level?: string | null; occupationCode?: string | null },
  trainingClass: { level: string; occupationCode: string },
): void {
  if (input.level && input.level !== trainingClass.level)
    throw new AppError('VALIDATION_FAILED', '证书等级须与培训班的等级一致', [
      {
        field: 'level',
        message: `培训班等级为${LEVEL_LABELS[trainingClass.level as Level] ?? trainingClass.level}`,
      },
    ]);
  if (input.occupationCode && input.occupationCode !== trainingClass.occupationCode)
    throw new AppError('VALIDATION_FAILED', '证书职业（工种）须与培训班的职业（工种）一致', [
      { field: 'occupationCode', message: `培训班职业（工种）为 ${trainingClass.occupationCode}` },
    ]);
}

/**
 * Issues a certificate to a person, optionally for a class (which must be approved: 409
 * CLASS_NOT_APPROVED, and the person on its roster). The number is unique per issuer and type
 * nationwide (409 DUPLICATE_CERTIFICATE).
 */
export async function issueCertificate(
  executor: Executor,
  context: AuditContext,
  input: NewCertificate,
  today: string,
): Promise<Certificate> {
  const person = await getPerson(executor, input.personId);
  if (!person) throw notFound('人员', input.personId);
  assertNotAfterToday(input.issuedOn, today, 'issuedOn', '发证日期');
  // 培训合格证 is the institution's, for its own filed class (衡人社发【2019】21号 六（一）: 办班备案并统一编码).
  if (input.certificateType === 'training_qualified') {
    if (context.actor?.role === 'evaluation_org_operator')
      throw new AppError('FORBIDDEN', '培训合格证由培训机构为本机构备案的培训班颁发', [
        { field: 'certificateType', message: '评价机构不能颁发培训合格证' },
      ]);
    if (!input.classId)
      throw new AppError('VALIDATION_FAILED', '培训合格证须对应本机构备案的培训班', [
        { field: 'classId', message: '培训合格证须指定培训班' },
      ]);
  }
  let provinceCode = person.provinceCode;
  let issuer = input.issuer.normalize('NFKC').trim();
  if (EVALUATED_CERTIFICATE_TYPES.includes(input.certificateType)) {
    const evaluated = await assertEvaluatedIssue(executor, context, input);
    issuer = evaluated.issuer;
    provinceCode = evaluated.provinceCode;
  } else if (input.assessmentId) {
    throw refuse('VALIDATION_FAILED', 'assessmentId', '只有评价类证书依据评价机构的考核颁发');
  }
  if (input.classId) {
    const trainingClass = await getClass(executor, input.classId);
    if (!trainingClass) throw notFound('培训班', input.classId);
    assertApproved(trainingClass);
    // Nor does it issue certificates for its classes (issue 15: sanctions bite everywhere).
    const institution = await assertOrganisationInGoodStanding(executor, trainingClass.institutionId, {
      field: 'classId',
      action: '颁发证书',
    });
    if (
      context.actor?.role === 'institution_operator' &&
      context.actor.organisationId !== trainingClass.institutionId
    ) {
      throw new AppError('FORBIDDEN', '只能为本机构的培训班发证', [
        { field: 'classId', message: '属于其他单位' },
      ]);
    }
    if (!(await isEnrolled(executor, input.classId, input.personId))) {
      throw new AppError('VALIDATION_FAILED', '该人员不在本班名单中', [
        { field: 'personId', message: '不在本班名单中' },
      ]);
    }
    if (input.certificateType === 'training_qualified' && !trainingClass.isFiled)
      throw new AppError('VALIDATION_FAILED', '培训班未在开班前备案，不能颁发培训合格证', [
        { field: 'classId', message: '未开班备案' },
      ]);
    assertMatchesClass(input, trainingClass);
    // A 培训合格证 is issued by the institution that ran the class, in its registered name: a
    // free-text issuer would let one number be registered again under another name.
    if (input.certificateType === 'training_qualified') issuer = institution.name;
    await assertPassedBefore(executor, input.classId, input.personId, input.issuedOn);
    provinceCode = trainingClass.provinceCode;
  }
  if (input.occupationCode) await assertOccupationExists(executor, input.occupationCode);
  const certificateNumber = normaliseCertificateNumber(input.certificateNumber);
  if (certificateNumber === '')
    throw new AppError('VALIDATION_FAILED', '证书编号不能为空', [
      { field: 'certificateNumber', message: '不能为空' },
    ]);
  // One number per issuer, whatever the certificate type: a registered issuer is its organisation.
  await sql`select pg_advisory_xact_lock(hashtext(${`certificate:${input.issuerOrganisationId ?? issuer}:${certificateNumber}`}))`.execute(
    executor,
  );
  const issuerOrganisationId = input.issuerOrganisationId ?? null;
  if (issuerOrganisationId !== null)
    await assertOrganisationInGoodStanding(executor, issuerOrganisationId, {
      field: 'issuerOrganisationId',
      action: '颁发证书',
    });
  const duplicate = await executor
    .selectFrom('certificate')
    .select(['id', 'person_id'])
    .where((eb) =>
      issuerOrganisationId === null
        ? eb.and([eb('issuer', '=', issuer), eb('issuer_organisation_id', 'is', null)])
        : eb('issuer_organisation_id', '=', issuerOrganisationId),
    )
    .where('certificate_number', '=', certificateNumber)
    .executeTakeFirst();
  if (duplicate) {
    throw new AppError('DUPLICATE_CERTIFICATE', `证书编号已存在：${certificateNumber}`, [
      {
        field: 'certificateNumber',
        message: '该发证机构已颁发过相同编号的证书',
        certificateId: duplicate.id,
      },
    ]);
  }
  const row = await executor
    .insertInto('certificate')
    .values({
      province_code: provinceCode,
      person_id: input.personId,
      person_province_code: person.provinceCode,
      class_id: input.classId ?? null,
      certificate_type: input.certificateType,
      level: input.level ?? null,
      occupation_code: input.occupationCode ?? null,
      certificate_number: certificateNumber,
      issuer,
      issuer_organisation_id: input.issuerOrganisationId ?? null,
      issued_on: input.issuedOn,
      assessment_id: input.assessmentId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const certificate = toCertificate(row);
  await recordAudit(executor, context, {
    action: 'certificate.issue',
    objectType: 'certificate',
    objectId: row.id,
    provinceCode,
    after: certificate,
  });
  return certificate;
}

export async function certificatesOfPerson(executor: Executor, personId: number): Promise<Certificate[]> {
  const rows = await executor
    .selectFrom('certificate')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('issued_on')
    .orderBy('id')
    .execute();
  return rows.map(toCertificate);
}

export async function certificatesByIds(executor: Executor, ids: readonly number[]): Promise<Certificate[]> {
  if (ids.length === 0) return [];
  const rows = await executor
    .selectFrom('certificate')
    .selectAll()
    .where('id', 'in', [...ids])
    .orderBy('id')
    .execute();
  return rows.map(toCertificate);
}

export async function certificatesOfClass(
  executor: Executor,
  classId: number,
  provinceCode?: string,
): Promise<Certificate[]> {
  return (await certificatesOfClassQuery(executor, classId, provinceCode).execute()).map(toCertificate);
}

/** The statement of `certificatesOfClass`; its rows become certificates by `toCertificate`. */
export function certificatesOfClassQuery(executor: Executor, classId: number, provinceCode?: string) {
  let query = executor.selectFrom('certificate').selectAll();
  // A class's certificates share its province (their foreign key to the class includes it).
  if (provinceCode !== undefined) query = query.where('province_code', '=', provinceCode);
  return query.where('class_id', '=', classId).orderBy('id');
}

/** The fields the certificate list sorts by (`sort=`), each a property of its items. */
export const CERTIFICATE_SORT_FIELDS = ['id', 'certificateNumber', 'issuedOn'] as const;
export type CertificateSortField = (typeof CERTIFICATE_SORT_FIELDS)[number];

const CERTIFICATE_ORDERING: ListOrdering<CertificateSortField> = {
  columns: {
    id: 'certificate.id',
    certificateNumber: 'certificate.certificate_number',
    issuedOn: 'certificate.issued_on',
  },
  textFields: ['certificateNumber'],
  id: 'certificate.id',
  byDefault: { sort: 'id', order: 'asc' },
};

export interface CertificateListQuery extends PageRequest, ListSort<CertificateSortField> {
  /** The certificate's region (see `listCertificates`) and its subtree. */
  regionCode?: string;
  classId?: number;
  personId?: number;
  certificateType?: CertificateType;
  issuedFrom?: string;
  issuedTo?: string;
  occupationCode?: string;
  /** `valid`: not revoked; `revoked`: revoked by its issuer. */
  status?: 'valid' | 'revoked';
}

/**
 * Certificates within the caller's scope: an organisation's operators see those of its classes and
 * those it issued; officers those whose region lies in their subtree. A certificate's region is its
 * class's; a certificate without a class (social evaluation, 社会化评价) belongs to its issuing
 * organisation's region, or, when the issuer is not a registered organisation, to the holder's
 * registering region (登记地).
 */
export async function listCertificates(
  executor: Executor,
  principal: Principal,
  query: CertificateListQuery,
): Promise<Page<Certificate>> {
  let base = executor
    .selectFrom('certificate')
    .leftJoin('training_class', (join) =>
      join
        .onRef('training_class.id', '=', 'certificate.class_id')
        .onRef('training_class.province_code', '=', 'certificate.province_code'),
    )
    .leftJoin('organisation as issuer_org', 'issuer_org.id', 'certificate.issuer_organisation_id')
    .innerJoin('person', (join) =>
      join
        .onRef('person.id', '=', 'certificate.person_id')
        .onRef('person.province_code', '=', 'certificate.person_province_code'),
    );
  const certificateRegion = sql<string>`coalesce(training_class.region_code, issuer_org.region_code, person.registering_region_code)`;
  if (principal.organisationId !== null) {
    const organisationId = principal.organisationId;
    base = base.where((eb) =>
      eb.or([
        eb('training_class.institution_id', '=', organisationId),
        eb('certificate.issuer_organisation_id', '=', organisationId),
      ]),
    );
  } else {
    base = base.where('certificate.province_code', 'like', regionLikePattern(principal.provinceCode));
    base = base.where(certificateRegion, 'like', regionLikePattern(principal.regionCode));
  }
  if (query.regionCode) base = base.where(certificateRegion, 'like', regionLikePattern(query.regionCode));
  if (query.classId) base = base.where('certificate.class_id', '=', query.classId);
  if (query.personId) base = base.where('certificate.person_id', '=', query.personId);
  if (query.certificateType) base = base.where('certificate.certificate_type', '=', query.certificateType);
  if (query.issuedFrom) base = base.where('certificate.issued_on', '>=', query.issuedFrom);
  if (query.issuedTo) base = base.where('certificate.issued_on', '<=', query.issuedTo);
  if (query.occupationCode) base = base.where('certificate.occupation_code', '=', query.occupationCode);
  if (query.status === 'valid') base = base.where('certificate.revoked_on', 'is', null);
  if (query.status === 'revoked') base = base.where('certificate.revoked_on', 'is not', null);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await orderList(base.selectAll('certificate'), CERTIFICATE_ORDERING, query)
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toCertificate), total: Number(total), page: query.page, pageSize: query.pageSize };
}

export interface CertificateVerification {
  valid: boolean;
  certificateType?: CertificateType;
  level?: string | null;
  issuer?: string;
  /** Added: true when the certificate exists but its issuer revoked it (then `valid` is false). */
  isRevoked?: boolean;
  revokedOn?: string;
  revocationReason?: string;
}

/** Public check: a certificate with this number held by a person of this name. Nothing else leaks. */
export async function verifyCertificate(
  executor: Executor,
  query: { number: string; name: string },
): Promise<CertificateVerification> {
  const rows = await executor
    .selectFrom('certificate')
    .innerJoin('person', (join) =>
      join
        .onRef('person.id', '=', 'certificate.person_id')
        .onRef('person.province_code', '=', 'certificate.person_province_code'),
    )
    .select([
      'certificate.certificate_type',
      'certificate.level',
      'certificate.issuer',
      'certificate.revoked_on',
      'certificate.revoked_reason',
    ])
    .where('certificate.certificate_number', '=', normaliseCertificateNumber(query.number))
    .where('person.name', '=', query.name.trim())
    .orderBy('certificate.revoked_on', 'desc')
    .limit(1)
    .execute();
  const row = rows[0];
  if (!row) return { valid: false };
  const found = {
    certificateType: row.certificate_type as CertificateType,
    level: row.level,
    issuer: row.issuer,
  };
  if (row.revoked_on !== null)
    return {
      valid: false,
      ...found,
      isRevoked: true,
      revokedOn: row.revoked_on,
      revocationReason: row.revoked_reason ?? '',
    };
  return { valid: true, ...found };
}

/**
 * Revokes a certificate with a reason (audited): only its issuer may — the evaluation organisation
 * that issued it, or the institution of the class for a training certificate. Public verification
 * then answers `valid: false, isRevoked: true`; the subsidy paid on it is held or recovered by the
 * claims domain.
 */
export async function revokeCertificate(
  executor: Executor,
  context: AuditContext,
  input: { certificateId: number; reason: string; today: string },
): Promise<Certificate> {
  const before = (await certificatesByIds(executor, [input.certificateId]))[0];
  if (!before) throw notFound('证书', input.certificateId);
  const organisationId = context.actor?.organisationId ?? null;
  let isIssuer = before.issuerOrganisationId !== null && before.issuerOrganisationId === organisationId;
  if (!isIssuer && before.classId !== null && organisationId !== null) {
    const trainingClass = await getClass(executor, before.classId);
    isIssuer = before.issuerOrganisationId === null && trainingClass?.institutionId === organisationId;
  }
  if (context.actor && !isIssuer) throw notFound('证书', input.certificateId);
  if (before.revokedOn !== null) {
    throw new AppError('INVALID_STATE', `证书已于 ${before.revokedOn} 撤销`, [
      { field: 'id', message: '证书已撤销' },
    ]);
  }
  await executor
    .updateTable('certificate')
    .set({
      revoked_on: input.today,
      revoked_reason: input.reason,
      revoked_by_user_id: context.actor?.userId ?? null,
    })
    .where('id', '=', input.certificateId)
    .where('province_code', '=', before.provinceCode)
    .execute();
  const after = (await certificatesByIds(executor, [input.certificateId]))[0]!;
  await recordAudit(executor, context, {
    action: 'certificate.revoke',
    objectType: 'certificate',
    objectId: input.certificateId,
    provinceCode: before.provinceCode,
    before: { revokedOn: null },
    after: { revokedOn: after.revokedOn, reason: input.reason },
  });
  return after;
}
