import { provinceOf } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import type { EmployerFlag, EmployerSize, GroupCode, PersonFacts } from '../policy/evaluate.types.ts';
import { getOrganisation, type Organisation } from '../registry/organisation.service.ts';
import { getPersons, type Person } from '../registry/person.service.ts';
import { AppError } from '../shared/errors.ts';
import { certificateDraft, classDraft } from './claim.training-sources.ts';
import type { ClaimDraft, ClaimSource, LineCandidate } from './claim.types.ts';

/**
 * The person's facts on a date, from the real-name record: the groups whose certification is
 * valid that day, the pension status, and the graduation date (the start of a recent-graduate
 * or graduating-student certification, which HRSS records from the diploma).
 */
export function personFactsOn(person: Person, date: string): PersonFacts {
  const groups = person.groups.filter(
    (group) => group.validFrom <= date && (group.validTo === null || group.validTo >= date),
  );
  const facts: PersonFacts = {
    groups: [...new Set(groups.map((group) => group.groupCode as GroupCode))],
    receivesPension: person.pensionStatus === 'receiving',
  };
  const graduate = person.groups.find(
    (group) => group.groupCode === 'recent_graduate' || group.groupCode === 'graduating_student',
  );
  if (graduate) facts.graduationDate = graduate.validFrom;
  return facts;
}

export function enterpriseFacts(enterprise: Organisation) {
  return {
    ...(enterprise.enterpriseSize ? { employerSize: enterprise.enterpriseSize as EmployerSize } : {}),
    employerFlags: enterprise.employerFlags as EmployerFlag[],
  };
}

export async function personsById(executor: Executor, ids: readonly number[]): Promise<Map<number, Person>> {
  const persons = await getPersons(executor, [...new Set(ids)]);
  return new Map(persons.map((person) => [person.id, person]));
}

/** 以工代训: one line per employment record, all of one enterprise, paid to it monthly. */
async function employmentDraft(
  executor: Executor,
  employmentIds: number[],
  applicationDate: string,
): Promise<ClaimDraft> {
  const rows = await executor
    .selectFrom('employment_record')
    .selectAll()
    .where('id', 'in', employmentIds)
    .execute();
  const missing = employmentIds.filter((id) => !rows.some((row) => row.id === id));
  if (missing.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      '就业记录不存在',
      missing.map((id) => ({ field: 'claim.employmentIds', message: `employment ${id} not found` })),
    );
  }
  const enterpriseIds = new Set(rows.map((row) => row.enterprise_id));
  if (enterpriseIds.size !== 1) {
    throw new AppError('VALIDATION_FAILED', '一笔以工代训申请只能包含同一家企业的职工', [
      { field: 'claim.employmentIds', message: 'records belong to more than one enterprise' },
    ]);
  }
  const enterprise = await getOrganisation(executor, rows[0]!.enterprise_id);
  if (!enterprise)
    throw new Error(`employment record refers to missing enterprise ${rows[0]!.enterprise_id}`);
  const persons = await personsById(
    executor,
    rows.map((row) => row.person_id),
  );
  const candidates: LineCandidate[] = rows.map((row) => {
    const person = persons.get(row.person_id)!;
    return {
      subject: `${person.name} 以工代训 ${row.start_date}至${row.end_date ?? applicationDate}`,
      personId: person.id,
      personProvinceCode: person.provinceCode,
      certificateId: null,
      employmentId: row.id,
      request: {
        region: enterprise.regionCode,
        date: applicationDate,
        subsidy: 'on_the_job_training',
        person: personFactsOn(person, applicationDate),
        employment: {
          ...enterpriseFacts(enterprise),
          contractMonths: row.contract_months,
          start: row.start_date,
          end: row.end_date ?? applicationDate,
        },
      },
      payeeIds: { institution: null, enterprise: enterprise.id, evaluation_org: null },
    };
  });
  return {
    regionCode: enterprise.regionCode,
    provinceCode: provinceOf(enterprise.regionCode),
    subsidyKind: 'on_the_job_training',
    applicantKind: 'enterprise',
    applicantOrganisationId: enterprise.id,
    classId: null,
    candidates,
  };
}

/** Builds the lines of a new claim from the real-name records of its source. */
export async function loadClaimDraft(
  executor: Executor,
  source: ClaimSource,
  applicationDate: string,
  options: { isAdvance: boolean } = { isAdvance: false },
): Promise<ClaimDraft> {
  switch (source.source) {
    case 'class':
      return classDraft(executor, source.classId, source.subsidyKind, applicationDate, options);
    case 'certificates':
      return certificateDraft(executor, source.certificateIds, applicationDate);
    case 'employment':
      return employmentDraft(executor, source.employmentIds, applicationDate);
  }
}
