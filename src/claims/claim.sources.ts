import { provinceOf } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { getOrganisation } from '../registry/organisation.service.ts';
import { AppError } from '../shared/errors.ts';
import { enterpriseFacts, personFactsOn, personsById } from './claim.facts.ts';
import { certificateDraft, classDraft } from './claim.training-sources.ts';
import type { ClaimDraft, ClaimSource, LineCandidate } from './claim.types.ts';
import { verifiedMonthsOf } from './contribution.service.ts';

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
      missing.map((id) => ({ field: 'claim.employmentIds', message: `就业记录不存在：${id}` })),
    );
  }
  const enterpriseIds = new Set(rows.map((row) => row.enterprise_id));
  if (enterpriseIds.size !== 1) {
    throw new AppError('VALIDATION_FAILED', '一笔以工代训申请只能包含同一家企业的职工', [
      { field: 'claim.employmentIds', message: '记录分属多家企业' },
    ]);
  }
  const enterprise = await getOrganisation(executor, rows[0]!.enterprise_id);
  if (!enterprise)
    throw new Error(`employment record refers to missing enterprise ${rows[0]!.enterprise_id}`);
  const persons = await personsById(
    executor,
    rows.map((row) => row.person_id),
  );
  // The months the imported social-insurance contribution list verifies (amount above zero):
  // only they are paid; the enterprise's own payroll entries verify nothing.
  const verified = await verifiedMonthsOf(
    executor,
    rows.map((row) => ({ personId: row.person_id, enterpriseId: row.enterprise_id })),
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
          verifiedMonths: verified.get(`${row.person_id}:${row.enterprise_id}`) ?? [],
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
    applicant: enterprise,
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
