import type { InferResult } from 'kysely';
import { provinceOf } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import type { CertificateType, EmploymentFacts, Level, SubsidyKind } from '../policy/evaluate.types.ts';
import { catalogEntryFrom, catalogEntryQuery } from '../registry/catalog.service.ts';
import {
  getOrganisation,
  type Organisation,
  organisationQuery,
  organisationsByIds,
  toOrganisation,
} from '../registry/organisation.service.ts';
import { AppError } from '../shared/errors.ts';
import { SUBSIDY_KIND_LABELS, type SubsidyKind as VocabularySubsidyKind } from '../shared/vocabulary.ts';
import { getClassForClaim } from '../training/archive.service.ts';
import { certificatesByIds } from '../training/certificate.service.ts';
import { chinaDate } from '../training/class.service.ts';
import { personFactsOn, personsById } from './claim.facts.ts';
import { attendanceFacts, certificateFacts, classTrainingFacts, employmentFacts } from './claim.request.ts';
import type { ApplicantKind, ClaimDraft, LineCandidate } from './claim.types.ts';

const kindLabel = (kind: string) => SUBSIDY_KIND_LABELS[kind as VocabularySubsidyKind] ?? kind;

/**
 * The employer of each person on a date, from the employment records, with its facts: the record
 * that started last among those running that day (ties: the newest record). Two reads in all.
 */
export async function employersOn(
  executor: Executor,
  personIds: readonly number[],
  date: string,
): Promise<Map<number, { enterpriseId: number; facts: EmploymentFacts }>> {
  if (personIds.length === 0) return new Map();
  const rows = await employmentOnQuery(executor, personIds, date).execute();
  const enterprises = await organisationsByIds(
    executor,
    [...currentEmployment(rows).values()].map((row) => row.enterprise_id),
  );
  return employersFrom(rows, enterprises);
}

/** The employment records running on a date (to send with others: src/db/together.ts). */
function employmentOnQuery(executor: Executor, personIds: readonly number[], date: string) {
  return executor
    .selectFrom('employment_record')
    .selectAll()
    .where('person_id', 'in', [...new Set(personIds)])
    .where('start_date', '<=', date)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', date)]))
    .orderBy('person_id')
    .orderBy('start_date', 'desc')
    .orderBy('id', 'desc');
}

type EmploymentRow = InferResult<ReturnType<typeof employmentOnQuery>>[number];

/**
 * `employersOn`'s two reads as statements for one round trip: the records, and every
 * organisation that employs one of the people on the date (a superset of the current employers).
 */
function employersOnQueries(executor: Executor, personIds: readonly number[], date: string) {
  return [
    employmentOnQuery(executor, personIds, date),
    executor
      .selectFrom('organisation')
      .selectAll()
      .where('id', 'in', employmentOnQuery(executor, personIds, date).clearSelect().select('enterprise_id')),
  ] as const;
}

/** Each person's record that started last among those running (ties: the newest record). */
function currentEmployment(rows: readonly EmploymentRow[]): Map<number, EmploymentRow> {
  const current = new Map<number, EmploymentRow>();
  for (const row of rows) if (!current.has(row.person_id)) current.set(row.person_id, row);
  return current;
}

function employersFrom(
  rows: readonly EmploymentRow[],
  enterprises: ReadonlyMap<number, Organisation>,
): Map<number, { enterpriseId: number; facts: EmploymentFacts }> {
  const current = currentEmployment(rows);
  const employers = new Map<number, { enterpriseId: number; facts: EmploymentFacts }>();
  for (const [personId, row] of current) {
    const enterprise = enterprises.get(row.enterprise_id);
    if (!enterprise) continue;
    const facts = employmentFacts({
      enterpriseSize: enterprise.enterpriseSize,
      employerFlags: enterprise.employerFlags,
      contractMonths: row.contract_months,
      start: row.start_date,
      end: row.end_date,
    });
    employers.set(personId, { enterpriseId: enterprise.id, facts });
  }
  return employers;
}

/**
 * A completed class → one line per trainee, claimed by the institution (or the enterprise
 * that ran it) on the trainees' behalf. Days are attended class hours converted at 6 per day.
 */
export async function classDraft(
  executor: Executor,
  classId: number,
  subsidyKind: SubsidyKind,
  applicationDate: string,
  options: { isAdvance: boolean } = { isAdvance: false },
): Promise<ClaimDraft> {
  // The class's runner and catalog entry come with its sessions and roster, the trainees'
  // employment with the trainees (three round trips in all).
  const found = await getClassForClaim(executor, classId, {
    withClass: (row) => [
      organisationQuery(executor, row.institution_id),
      catalogEntryQuery(executor, {
        regionCode: row.region_code,
        occupationCode: row.occupation_code,
        level: row.level,
        on: chinaDate(row.starts_at),
      }),
    ],
    withTrainees: (row, personIds) => employersOnQueries(executor, personIds, chinaDate(row.starts_at)),
  });
  const trainingClass = found.trainingClass;
  const [runnerRows, catalogRows] = found.withClass;
  // The subsidy kind follows from the class's project type (fixed when it was filed), not from the
  // applicant's choice; a living allowance is paid beside the training of the same class.
  if (subsidyKind !== trainingClass.subsidyKind && subsidyKind !== 'living_allowance') {
    throw new AppError(
      'VALIDATION_FAILED',
      `本班备案的项目类型为${kindLabel(trainingClass.subsidyKind)}，不能申请${kindLabel(subsidyKind)}`,
      [
        {
          field: 'claim.subsidyKind',
          message: `须为${kindLabel(trainingClass.subsidyKind)}（或${SUBSIDY_KIND_LABELS.living_allowance}）`,
        },
      ],
    );
  }
  const start = chinaDate(trainingClass.startsAt);
  const end = chinaDate(trainingClass.endsAt);
  // An advance (预拨) is paid while the training runs; every other claim waits for its end.
  if (!options.isAdvance && end > applicationDate) {
    throw new AppError('VALIDATION_FAILED', `培训班于 ${end} 结束，结业后方可申请补贴`, [
      { field: 'applicationDate', message: '申请日期时培训班尚未结业' },
    ]);
  }
  const runner = runnerRows[0] ? toOrganisation(runnerRows[0]) : undefined;
  if (!runner)
    throw new Error(`class ${classId} refers to missing organisation ${trainingClass.institutionId}`);
  const applicantKind: ApplicantKind = runner.kind === 'enterprise' ? 'enterprise' : 'institution';
  const entry = catalogEntryFrom({ regionCode: trainingClass.regionCode }, catalogRows);
  const training = classTrainingFacts({
    isFiled: found.isFiled,
    occupationCode: trainingClass.occupationCode,
    level: trainingClass.level,
    start,
    end,
    approvedOn: found.approvedAt ? chinaDate(found.approvedAt) : null,
    catalogEntry: entry,
  });
  const [employmentRows, enterpriseRows] = found.withTrainees ?? [[], []];
  const employers = employersFrom(
    employmentRows,
    new Map(enterpriseRows.map((row) => [row.id, toOrganisation(row)])),
  );
  const candidates: LineCandidate[] = [];
  for (const trainee of found.trainees) {
    const employer = employers.get(trainee.person.id);
    const certificate = trainee.certificates[0];
    const attended = trainee.attendance;
    candidates.push({
      subject: `${trainee.person.name} ${trainingClass.name}`,
      personId: trainee.person.id,
      personProvinceCode: trainee.person.provinceCode,
      certificateId: certificate?.id ?? null,
      employmentId: null,
      request: {
        region: trainingClass.regionCode,
        date: applicationDate,
        subsidy: subsidyKind,
        person: personFactsOn(trainee.person, start),
        ...(employer ? { employment: employer.facts } : {}),
        training: {
          ...training,
          ...attendanceFacts(attended),
          scheduledClassHours: attended.scheduledClassHours,
        },
        ...(certificate
          ? {
              certificate: certificateFacts({
                type: certificate.certificateType,
                level: certificate.level,
                number: certificate.certificateNumber,
              }),
            }
          : {}),
      },
      payeeIds: {
        institution: runner.kind === 'institution' ? runner.id : null,
        enterprise: runner.kind === 'enterprise' ? runner.id : (employer?.enterpriseId ?? null),
        evaluation_org: certificate?.issuerOrganisationId ?? null,
      },
    });
  }
  return {
    regionCode: trainingClass.regionCode,
    provinceCode: found.provinceCode,
    subsidyKind,
    applicantKind,
    applicantOrganisationId: runner.id,
    classId,
    candidates,
    applicant: runner,
    className: trainingClass.name,
  };
}

/**
 * Certificate (取证) subsidies: certificates issued by one evaluation organisation, one line
 * each, paid to it (晋人社厅函〔2021〕600号 九（二）、十（一）).
 */
export async function certificateDraft(
  executor: Executor,
  certificateIds: number[],
  applicationDate: string,
): Promise<ClaimDraft> {
  const certificates = await certificatesByIds(executor, certificateIds);
  const missing = certificateIds.filter((id) => !certificates.some((certificate) => certificate.id === id));
  if (missing.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      '证书不存在',
      missing.map((id) => ({ field: 'claim.certificateIds', message: `证书不存在：${id}` })),
    );
  }
  // A revoked certificate earns nothing (its issuer withdrew it); the claim names it.
  const revoked = certificates.filter((certificate) => certificate.revokedOn !== null);
  if (revoked.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      '证书已撤销，不能申请取证补贴',
      revoked.map((certificate) => ({
        field: 'claim.certificateIds',
        message: `证书 ${certificate.certificateNumber} 已于 ${certificate.revokedOn} 撤销`,
        certificateId: certificate.id,
      })),
    );
  }
  const issuers = new Set(certificates.map((certificate) => certificate.issuerOrganisationId));
  const issuerId = certificates[0]!.issuerOrganisationId;
  if (issuers.size !== 1 || issuerId === null) {
    throw new AppError('VALIDATION_FAILED', '一笔取证补贴申请只能包含同一评价机构颁发的证书', [
      {
        field: 'claim.certificateIds',
        message: '证书来自多个（或未登记的）发证机构',
      },
    ]);
  }
  const issuer = await getOrganisation(executor, issuerId);
  if (!issuer) throw new Error(`certificate issuer ${issuerId} is missing`);
  const persons = await personsById(
    executor,
    certificates.map((certificate) => certificate.personId),
  );
  const candidates: LineCandidate[] = certificates.map((certificate) => {
    const person = persons.get(certificate.personId)!;
    return {
      subject: `${person.name} 取证 ${certificate.certificateNumber}`,
      personId: person.id,
      personProvinceCode: person.provinceCode,
      certificateId: certificate.id,
      employmentId: null,
      request: {
        region: issuer.regionCode,
        date: applicationDate,
        subsidy: 'certificate',
        person: personFactsOn(person, certificate.issuedOn),
        certificate: {
          type: certificate.certificateType as CertificateType,
          ...(certificate.level ? { level: certificate.level as Level } : {}),
          number: certificate.certificateNumber,
          firstIssue: true,
        },
      },
      payeeIds: { institution: null, enterprise: null, evaluation_org: issuer.id },
    };
  });
  return {
    regionCode: issuer.regionCode,
    provinceCode: provinceOf(issuer.regionCode),
    subsidyKind: 'certificate',
    applicantKind: 'evaluation_org',
    applicantOrganisationId: issuer.id,
    classId: null,
    candidates,
    applicant: issuer,
  };
}
