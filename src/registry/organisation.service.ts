import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { createUser } from '../auth/auth.service.ts';
import type { Role } from '../auth/roles.ts';
import { assertRegionScope, type Principal, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { maskPhone } from '../shared/crypto.ts';
import { decryptStored, encryptOptional, rowKeyOf } from '../shared/data-keyring.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { EMPLOYER_FLAGS } from '../shared/vocabulary.ts';
import { creditCodeProblem } from './identifiers.ts';
import { chinaDayEnd, chinaDayStart, offsetOf, type Page, type PageRequest } from './pagination.ts';
import { findRegion } from './region.service.ts';
import type { OrganisationTable } from './registry.table.ts';

export type OrganisationKind = OrganisationTable['kind'];
export type OrganisationStatus = 'active' | 'suspended' | 'blacklisted' | 'revoked';
export type EnterpriseSize = 'micro' | 'small' | 'medium' | 'large';

export { EMPLOYER_FLAGS } from '../shared/vocabulary.ts';

export interface Organisation {
  id: number;
  provinceCode: string;
  regionCode: string;
  kind: OrganisationKind;
  name: string;
  creditCode: string;
  status: OrganisationStatus;
  statusSince: string;
  enterpriseSize: EnterpriseSize | null;
  employerFlags: string[];
  licenceNumber: string | null;
  licenceValidTo: string | null;
  allowedOccupationCodes: string[];
  capacity: number | null;
  contactName: string | null;
  contactPhone: string | null;
  createdAt: Date;
}

export interface NewOrganisation {
  kind: OrganisationKind;
  regionCode: string;
  name: string;
  creditCode: string;
  enterpriseSize?: EnterpriseSize | null;
  employerFlags?: string[];
  licenceNumber?: string | null;
  licenceValidTo?: string | null;
  allowedOccupationCodes?: string[];
  capacity?: number | null;
  contactName?: string | null;
  contactPhone?: string | null;
}

type OrganisationRow = {
  [K in keyof OrganisationTable]: OrganisationTable[K] extends import('kysely').Generated<infer T>
    ? T
    : OrganisationTable[K];
};

/** Encryption context of `organisation.contact_phone_ciphertext` (the legacy column is plaintext). */
const CONTACT_PHONE_CONTEXT = 'organisation.contact_phone';

export function toOrganisation(row: OrganisationRow): Organisation {
  return {
    id: row.id,
    provinceCode: row.province_code,
    regionCode: row.region_code,
    kind: row.kind,
    name: row.name,
    creditCode: row.credit_code,
    status: row.status,
    statusSince: row.status_since,
    enterpriseSize: row.enterprise_size,
    employerFlags: (row.employer_flags as string[] | null) ?? [],
    licenceNumber: row.licence_number,
    licenceValidTo: row.licence_valid_to,
    allowedOccupationCodes: (row.allowed_occupation_codes as string[] | null) ?? [],
    capacity: row.capacity,
    contactName: row.contact_name,
    contactPhone: decryptStored(
      CONTACT_PHONE_CONTEXT,
      row.contact_phone_ciphertext,
      row.contact_phone,
      rowKeyOf(row.id),
    ),
    createdAt: row.created_at,
  };
}

/** Refuses (422 INVALID_CREDIT_CODE) a code failing the GB 32100 rules. */
export function assertValidCreditCode(creditCode: string, field = 'creditCode'): string {
  const problem = creditCodeProblem(creditCode);
  if (problem) throw new AppError('INVALID_CREDIT_CODE', problem, [{ field, message: problem }]);
  return creditCode.trim().toUpperCase();
}

function assertKindFields(input: NewOrganisation): void {
  if (input.kind === 'enterprise' && !input.enterpriseSize) {
    throw new AppError('VALIDATION_FAILED', '企业须填写企业规模', [
      { field: 'enterpriseSize', message: '企业必填' },
    ]);
  }
  const unknownFlag = (input.employerFlags ?? []).find(
    (flag) => !(EMPLOYER_FLAGS as readonly string[]).includes(flag),
  );
  if (unknownFlag) {
    throw new AppError('VALIDATION_FAILED', `用人单位标识无效：${unknownFlag}`, [
      { field: 'employerFlags', message: `用人单位标识无效：${unknownFlag}` },
    ]);
  }
  if (input.kind === 'institution' && !input.licenceNumber) {
    throw new AppError('VALIDATION_FAILED', '培训机构须填写办学许可证号', [
      { field: 'licenceNumber', message: '培训机构必填' },
    ]);
  }
}

/** Registers an enterprise, training institution, evaluation organisation or review agency. */
export async function registerOrganisation(
  executor: Executor,
  context: AuditContext,
  input: NewOrganisation,
): Promise<Organisation> {
  const creditCode = assertValidCreditCode(input.creditCode);
  assertKindFields(input);
  if (!(await findRegion(executor, input.regionCode))) {
    throw new AppError('VALIDATION_FAILED', `行政区划代码不存在：${input.regionCode}`, [
      { field: 'regionCode', message: '行政区划不存在' },
    ]);
  }
  const provinceCode = provinceOf(input.regionCode);
  const existing = await executor
    .selectFrom('organisation')
    .select('id')
    .where('kind', '=', input.kind)
    .where('credit_code', '=', creditCode)
    .executeTakeFirst();
  if (existing) {
    throw new AppError('CONFLICT', '该统一社会信用代码已登记', [
      { field: 'creditCode', message: '已登记', organisationId: existing.id },
    ]);
  }
  const row = await executor
    .insertInto('organisation')
    .values({
      province_code: provinceCode,
      region_code: input.regionCode,
      kind: input.kind,
      name: input.name.trim(),
      credit_code: creditCode,
      enterprise_size: input.enterpriseSize ?? null,
      employer_flags: JSON.stringify(input.employerFlags ?? []),
      licence_number: input.licenceNumber ?? null,
      licence_valid_to: input.licenceValidTo ?? null,
      allowed_occupation_codes: JSON.stringify(input.allowedOccupationCodes ?? []),
      capacity: input.capacity ?? null,
      contact_name: input.contactName ?? null,
      // Active since the business date it was registered on (the column's default is the machine's).
      ...(context.businessDate ? { status_since: context.businessDate } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  // The phone's ciphertext is bound to the generated id (associated data, issue 18).
  const phoneCiphertext = encryptOptional(CONTACT_PHONE_CONTEXT, input.contactPhone, rowKeyOf(row.id));
  if (phoneCiphertext !== null) {
    await executor
      .updateTable('organisation')
      .set({ contact_phone_ciphertext: phoneCiphertext })
      .where('id', '=', row.id)
      .where('province_code', '=', provinceCode)
      .execute();
  }
  const organisation = toOrganisation({ ...row, contact_phone_ciphertext: phoneCiphertext });
  await recordAudit(executor, context, {
    action: 'organisation.register',
    objectType: 'organisation',
    objectId: row.id,
    provinceCode,
    // Audit states never hold a plaintext phone.
    after: {
      ...organisation,
      contactPhone: organisation.contactPhone === null ? null : maskPhone(organisation.contactPhone),
    },
  });
  return organisation;
}

export async function getOrganisation(executor: Executor, id: number): Promise<Organisation | undefined> {
  const row = await organisationQuery(executor, id).executeTakeFirst();
  return row ? toOrganisation(row) : undefined;
}

/** The statement of `getOrganisation`; its row becomes the organisation by `toOrganisation`. */
export function organisationQuery(executor: Executor, id: number) {
  return executor.selectFrom('organisation').selectAll().where('id', '=', id);
}

/** Organisations by id, in one read; ids that do not exist are absent from the map. */
export async function organisationsByIds(
  executor: Executor,
  ids: readonly number[],
): Promise<Map<number, Organisation>> {
  if (ids.length === 0) return new Map();
  const rows = await executor
    .selectFrom('organisation')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, toOrganisation(row)]));
}

/** An enterprise by id or by unified social credit code (what the claims engine looks up). */
export async function findEnterprise(
  executor: Executor,
  key: { id: number } | { creditCode: string },
): Promise<Organisation | undefined> {
  let query = executor.selectFrom('organisation').selectAll().where('kind', '=', 'enterprise');
  query =
    'id' in key
      ? query.where('id', '=', key.id)
      : query.where('credit_code', '=', key.creditCode.trim().toUpperCase());
  const row = await query.executeTakeFirst();
  return row ? toOrganisation(row) : undefined;
}

/** An organisation as an API answer: the contact phone masked like a person's. */
export function presentOrganisation<T extends Organisation>(organisation: T): T {
  return organisation.contactPhone === null
    ? organisation
    : { ...organisation, contactPhone: maskPhone(organisation.contactPhone) };
}

/** Refuses (404/403) an organisation outside the caller's region or organisation scope. */
export async function getVisibleOrganisation(
  executor: Executor,
  principal: Principal,
  id: number,
): Promise<Organisation> {
  const organisation = await getOrganisation(executor, id);
  if (!organisation) throw notFound('单位', id);
  if (principal.organisationId !== null) {
    if (principal.organisationId !== id) throw notFound('单位', id);
  } else {
    assertRegionScope(principal, organisation.regionCode);
  }
  return organisation;
}

export interface OrganisationListQuery extends PageRequest {
  kind?: OrganisationKind;
  status?: OrganisationStatus;
  regionCode?: string;
  registeredFrom?: string;
  registeredTo?: string;
  /** Part of the name (a picker's search text); `%` and `_` are matched as characters. */
  nameContains?: string;
}

export async function listOrganisations(
  executor: Executor,
  principal: Principal,
  query: OrganisationListQuery,
): Promise<Page<Organisation>> {
  let base = executor.selectFrom('organisation');
  if (principal.organisationId !== null) base = base.where('id', '=', principal.organisationId);
  else base = base.where('region_code', 'like', regionLikePattern(principal.regionCode));
  if (query.kind) base = base.where('kind', '=', query.kind);
  if (query.status) base = base.where('status', '=', query.status);
  if (query.regionCode) base = base.where('region_code', 'like', regionLikePattern(query.regionCode));
  if (query.registeredFrom) base = base.where('created_at', '>=', chinaDayStart(query.registeredFrom));
  if (query.registeredTo) base = base.where('created_at', '<', chinaDayEnd(query.registeredTo));
  if (query.nameContains) base = base.where(sql<boolean>`strpos(name, ${query.nameContains}) > 0`);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy('id').limit(query.pageSize).offset(offsetOf(query)).execute();
  return {
    items: rows.map(toOrganisation),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}

export interface StatusChange {
  status: OrganisationStatus;
  effectiveDate: string;
  reason: string;
}

/** Suspends, blacklists, revokes or reinstates an organisation: dated, with a reason, audited. */
export async function changeOrganisationStatus(
  executor: Executor,
  context: AuditContext,
  id: number,
  change: StatusChange,
): Promise<Organisation> {
  const before = await getOrganisation(executor, id);
  if (!before) throw notFound('单位', id);
  if (context.actor) assertRegionScope(context.actor, before.regionCode);
  if (before.status === change.status) {
    throw new AppError('INVALID_STATE', `单位已处于该状态：${change.status}`, [
      { field: 'status', message: '状态未变化' },
    ]);
  }
  await executor
    .updateTable('organisation')
    .set({ status: change.status, status_since: change.effectiveDate, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
  await executor
    .insertInto('organisation_status_change')
    .values({
      province_code: before.provinceCode,
      organisation_id: id,
      from_status: before.status,
      to_status: change.status,
      effective_date: change.effectiveDate,
      reason: change.reason,
      changed_by_user_id: context.actor?.userId ?? null,
    })
    .execute();
  await recordAudit(executor, context, {
    action: 'organisation.status',
    objectType: 'organisation',
    objectId: id,
    provinceCode: before.provinceCode,
    before: { status: before.status, statusSince: before.statusSince },
    after: { status: change.status, statusSince: change.effectiveDate, reason: change.reason },
  });
  return (await getOrganisation(executor, id))!;
}

export interface OrganisationStatusHistoryEntry {
  fromStatus: string;
  toStatus: string;
  effectiveDate: string;
  reason: string;
  changedByUserId: number | null;
  recordedAt: Date;
}

export async function listOrganisationStatusHistory(
  executor: Executor,
  id: number,
): Promise<OrganisationStatusHistoryEntry[]> {
  const rows = await executor
    .selectFrom('organisation_status_change')
    .selectAll()
    .where('organisation_id', '=', id)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    fromStatus: row.from_status,
    toStatus: row.to_status,
    effectiveDate: row.effective_date,
    reason: row.reason,
    changedByUserId: row.changed_by_user_id,
    recordedAt: row.created_at,
  }));
}

const OPERATOR_ROLE: Record<OrganisationKind, Role> = {
  institution: 'institution_operator',
  enterprise: 'enterprise_operator',
  evaluation_org: 'evaluation_org_operator',
  review_agency: 'third_party_reviewer',
};

/** Creates a login for an organisation's operator; the role follows the organisation's kind. */
export async function createOrganisationOperator(
  executor: Executor,
  context: AuditContext,
  organisationId: number,
  input: { loginName: string; displayName: string; password: string },
): Promise<{ userId: number; role: Role }> {
  const organisation = await getOrganisation(executor, organisationId);
  if (!organisation) throw notFound('单位', organisationId);
  if (context.actor) assertRegionScope(context.actor, organisation.regionCode);
  const role = OPERATOR_ROLE[organisation.kind];
  const userId = await createUser(executor, context, {
    ...input,
    role,
    regionCode: organisation.regionCode,
    organisationId,
    mustChangePassword: false,
  });
  return { userId, role };
}
