import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import {
  assertOrganisationScope,
  assertRegionScope,
  type Principal,
  regionLikePattern,
} from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { getOrganisation } from '../registry/organisation.service.ts';
import { getPerson } from '../registry/person.service.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { verifiedMonthsOf } from './contribution.service.ts';

/** A person's continuous work at an enterprise: the basis of 以工代训 claims. */
export interface EmploymentRecord {
  id: number;
  enterpriseId: number;
  personId: number;
  contractMonths: number;
  start: string;
  end: string | null;
  /** The payroll months the enterprise declared itself (not a verification). */
  payrollMonths: string[];
  /** The months the imported social-insurance contribution list verifies (amount above zero). */
  verifiedMonths: string[];
}

export interface NewEmployment {
  enterpriseId: number;
  personId: number;
  contractMonths: number;
  start: string;
  end?: string | null;
}

/**
 * An organisation's operator acts only for its own organisation: an institution or evaluation
 * organisation has no business with an enterprise's employment records. Officers and
 * third-party reviewers act within their region.
 */
const isOwnOrganisationOnly = (principal: Principal) =>
  principal.organisationId !== null && principal.role !== 'third_party_reviewer';

function assertCanActFor(principal: Principal, enterprise: { id: number; regionCode: string }): void {
  if (isOwnOrganisationOnly(principal)) assertOrganisationScope(principal, enterprise.id);
  else assertRegionScope(principal, enterprise.regionCode);
}

/** Records that a person works for an enterprise under a labour contract. */
export async function registerEmployment(
  executor: Executor,
  context: AuditContext,
  input: NewEmployment,
): Promise<EmploymentRecord> {
  const enterprise = await getOrganisation(executor, input.enterpriseId);
  if (enterprise?.kind !== 'enterprise') {
    throw new AppError('VALIDATION_FAILED', '企业不存在', [{ field: 'enterpriseId', message: '企业不存在' }]);
  }
  assertCanActFor(context.actor!, enterprise);
  const person = await getPerson(executor, input.personId);
  if (!person)
    throw new AppError('VALIDATION_FAILED', '人员不在实名制系统中', [
      { field: 'personId', message: '人员不存在' },
    ]);
  if (input.end && input.end < input.start) {
    throw new AppError('VALIDATION_FAILED', '结束日期不能早于开始日期', [
      { field: 'end', message: '早于开始日期' },
    ]);
  }
  const { id } = await executor
    .insertInto('employment_record')
    .values({
      province_code: enterprise.provinceCode,
      enterprise_id: enterprise.id,
      person_id: person.id,
      person_province_code: person.provinceCode,
      contract_months: input.contractMonths,
      start_date: input.start,
      end_date: input.end ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'employment.register',
    objectType: 'employment_record',
    objectId: id,
    provinceCode: enterprise.provinceCode,
    after: {
      enterpriseId: enterprise.id,
      personId: person.id,
      contractMonths: input.contractMonths,
      start: input.start,
      end: input.end ?? null,
    },
  });
  return (await getEmployment(executor, id))!;
}

export async function getEmployment(executor: Executor, id: number): Promise<EmploymentRecord | undefined> {
  const row = await executor
    .selectFrom('employment_record')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const months = await executor
    .selectFrom('payroll_record')
    .select('pay_month')
    .where('employment_id', '=', id)
    .orderBy('pay_month')
    .execute();
  return {
    id: row.id,
    enterpriseId: row.enterprise_id,
    personId: row.person_id,
    contractMonths: row.contract_months,
    start: row.start_date,
    end: row.end_date,
    payrollMonths: months.map((month) => month.pay_month),
    verifiedMonths:
      (await verifiedMonthsOf(executor, [{ personId: row.person_id, enterpriseId: row.enterprise_id }])).get(
        `${row.person_id}:${row.enterprise_id}`,
      ) ?? [],
  };
}

/**
 * Records the payroll months an enterprise declares for its employee. They are the enterprise's
 * own statement and verify nothing: a 以工代训 month is verified only by the social-insurance
 * contribution list an officer imports (contribution.service.ts), which also decides whether the
 * roster and bank statement are waived (赣人社字〔2021〕151号 一（二）; 晋人社厅函〔2021〕600号 二).
 */
export async function recordPayroll(
  executor: Executor,
  context: AuditContext,
  employmentId: number,
  months: { month: string; grossPayFen: number }[],
): Promise<EmploymentRecord> {
  const record = await getEmployment(executor, employmentId);
  if (!record) throw notFound('就业记录', employmentId);
  const enterprise = (await getOrganisation(executor, record.enterpriseId))!;
  assertCanActFor(context.actor!, enterprise);
  for (const { month, grossPayFen } of months) {
    await executor
      .insertInto('payroll_record')
      .values({
        province_code: enterprise.provinceCode,
        employment_id: employmentId,
        pay_month: month,
        gross_pay_fen: grossPayFen,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['province_code', 'employment_id', 'pay_month'])
          .doUpdateSet({ gross_pay_fen: grossPayFen }),
      )
      .execute();
  }
  await recordAudit(executor, context, {
    action: 'employment.payroll',
    objectType: 'employment_record',
    objectId: employmentId,
    provinceCode: enterprise.provinceCode,
    after: { months: months.map((month) => month.month) },
  });
  return (await getEmployment(executor, employmentId))!;
}

/** The record, when the caller's organisation or region covers its enterprise (else 404). */
export async function getVisibleEmployment(
  executor: Executor,
  principal: Principal,
  id: number,
): Promise<EmploymentRecord> {
  const record = await getEmployment(executor, id);
  const enterprise = record ? await getOrganisation(executor, record.enterpriseId) : undefined;
  if (!record || !enterprise) throw notFound('就业记录', id);
  try {
    assertCanActFor(principal, enterprise);
  } catch {
    throw notFound('就业记录', id);
  }
  return record;
}

export async function listEmployment(
  executor: Executor,
  principal: Principal,
  query: { page: number; pageSize: number; enterpriseId?: number },
) {
  let base = executor
    .selectFrom('employment_record as e')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 'e.enterprise_id').onRef('o.province_code', '=', 'e.province_code'),
    );
  if (isOwnOrganisationOnly(principal))
    base = base.where('e.enterprise_id', '=', principal.organisationId ?? -1);
  else base = base.where('o.region_code', 'like', regionLikePattern(principal.regionCode));
  if (query.enterpriseId) base = base.where('e.enterprise_id', '=', query.enterpriseId);
  const [rows, total] = await Promise.all([
    base
      .leftJoin('person as p', 'p.id', 'e.person_id')
      .select(['e.id', 'p.name as person_name', 'o.name as enterprise_name'])
      .orderBy('e.id', 'desc')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow(),
  ]);
  // The employee and the enterprise by name, so that a list reads without looking ids up.
  const items = await Promise.all(
    rows.map(async (row) => ({
      ...(await getEmployment(executor, row.id))!,
      personName: row.person_name ?? null,
      enterpriseName: row.enterprise_name,
    })),
  );
  return { items, total: total.count, page: query.page, pageSize: query.pageSize };
}
