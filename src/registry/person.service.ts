import { sql } from 'kysely';
import type { AuditContext } from '../auth/audit.service.ts';
import { recordAudit } from '../auth/audit.service.ts';
import { recordPersonalDataRead } from '../auth/personal-data.service.ts';
import { isWithinRegion, type Principal, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { maskIdNumber, maskPhone } from '../shared/crypto.ts';
import { AppError, notFound } from '../shared/errors.ts';
import type { ListSort } from '../shared/schemas.ts';
import {
  GROUP_CERTIFIER_LABELS,
  GROUP_CERTIFIERS,
  GROUP_CODES,
  type GroupCertifier,
} from '../shared/vocabulary.ts';
import { idNumberProblem, parseIdNumber, phoneProblem } from './identifiers.ts';
import { offsetOf, type Page, type PageRequest } from './pagination.ts';
import {
  insertPerson,
  insertPersonGroup,
  isPersonVisible,
  type PersonGroupRecord,
  type PersonRecord,
  type PersonSortField,
  type PersonVisibility,
  selectPersonById,
  selectPersonByIdNumber,
  selectPersonGroups,
  selectPersonPage,
  selectPersonsByIds,
  selectPhonesByIds,
  selectVisiblePersonIds,
  updatePersonRow,
} from './person.repository.ts';
import { findRegion } from './region.service.ts';

export type { GroupCode } from '../shared/vocabulary.ts';
export { GROUP_CODES } from '../shared/vocabulary.ts';

export type PersonGroup = PersonGroupRecord;

/** A real-name person with the groups certified for them. ID number and phone are unmasked here. */
export interface Person extends PersonRecord {
  groups: PersonGroup[];
}

/**
 * A group certification (人员类别认定) as an officer records it: the group, the certifying body
 * from GROUP_CERTIFIERS and the validity. The recording officer and date are the caller's.
 */
export interface NewPersonGroup {
  groupCode: string;
  certifierCode: string;
  validFrom: string;
  validTo?: string | null;
}

export interface NewPerson {
  name: string;
  idNumber: string;
  phone?: string | null;
  householdRegionCode?: string | null;
  /** Region of the registering office; its province is the person's distribution key. */
  registeringRegionCode: string;
  pensionStatus?: 'none' | 'receiving';
  isFullTimeStudent?: boolean;
  groups?: NewPersonGroup[];
}

/** Refuses (422 INVALID_ID_NUMBER) an ID number failing the GB 11643 rules. */
export function assertValidIdNumber(idNumber: string, field = 'idNumber'): string {
  const problem = idNumberProblem(idNumber);
  if (problem) throw new AppError('INVALID_ID_NUMBER', problem, [{ field, message: problem }]);
  return idNumber.trim().toUpperCase();
}

function assertGroup(group: NewPersonGroup, prefix: string): void {
  const at = (name: string) => (prefix === '' ? name : `${prefix}.${name}`);
  if (!(GROUP_CODES as readonly string[]).includes(group.groupCode)) {
    throw new AppError('VALIDATION_FAILED', `人员类别无效：${group.groupCode}`, [
      { field: at('groupCode'), message: `人员类别无效：${group.groupCode}` },
    ]);
  }
  if (!(GROUP_CERTIFIERS as readonly string[]).includes(group.certifierCode)) {
    throw new AppError('VALIDATION_FAILED', `认定机构无效：${group.certifierCode}`, [
      { field: at('certifierCode'), message: '须为认定机构代码表中的机构' },
    ]);
  }
  if (group.validTo && group.validTo < group.validFrom) {
    throw new AppError('VALIDATION_FAILED', '认定有效期止日早于起日', [
      { field: at('validTo'), message: '有效期止日早于起日' },
    ]);
  }
}

/** Refuses (403) an officer outside the person's registration and household regions. */
function assertCertifyingRegion(
  context: AuditContext,
  person: { registeringRegionCode: string; householdRegionCode: string | null },
): void {
  const actor = context.actor;
  if (
    actor &&
    !isWithinRegion(actor.regionCode, person.registeringRegionCode) &&
    !(person.householdRegionCode && isWithinRegion(actor.regionCode, person.householdRegionCode))
  )
    throw new AppError('FORBIDDEN', '人员类别由人员登记地或户籍地的经办机构认定', [
      { field: 'personId', message: '不在本辖区认定范围内' },
    ]);
}

/** Two validity periods share a day. */
function overlaps(a: { validFrom: string; validTo?: string | null }, b: typeof a): boolean {
  return a.validFrom <= (b.validTo ?? '9999-12-31') && b.validFrom <= (a.validTo ?? '9999-12-31');
}

/** The stored row of a certification recorded now by the caller. */
function certificationOf(group: NewPersonGroup, context: AuditContext) {
  return {
    groupCode: group.groupCode,
    certifierCode: group.certifierCode,
    certifiedByOrganisation: GROUP_CERTIFIER_LABELS[group.certifierCode as GroupCertifier],
    certifiedByOfficer: context.actor?.loginName ?? 'system',
    validFrom: group.validFrom,
    validTo: group.validTo ?? null,
    recordedByUserId: context.actor?.userId ?? null,
    recordedOn: context.businessToday ?? null,
  };
}

async function assertRegion(executor: Executor, code: string, field: string): Promise<void> {
  if (!(await findRegion(executor, code))) {
    throw new AppError('VALIDATION_FAILED', `行政区划代码不存在：${code}`, [
      { field, message: `行政区划不存在：${code}` },
    ]);
  }
}

/**
 * Registers a person in the real-name system. One person per ID number nationwide: the lookup
 * crosses provinces, the database backs it per province (docs/decisions/0003).
 */
export async function registerPerson(
  executor: Executor,
  context: AuditContext,
  input: NewPerson,
): Promise<Person> {
  const idNumber = assertValidIdNumber(input.idNumber);
  const facts = parseIdNumber(idNumber);
  const name = input.name.trim();
  if (name === '')
    throw new AppError('VALIDATION_FAILED', '姓名不能为空', [{ field: 'name', message: '必填' }]);
  if (input.phone) {
    const problem = phoneProblem(input.phone);
    if (problem) throw new AppError('VALIDATION_FAILED', problem, [{ field: 'phone', message: problem }]);
  }
  await assertRegion(executor, input.registeringRegionCode, 'registeringRegionCode');
  if (input.householdRegionCode)
    await assertRegion(executor, input.householdRegionCode, 'householdRegionCode');
  (input.groups ?? []).forEach((group, index) => {
    assertGroup(group, `groups[${index}]`);
    const earlier = (input.groups ?? []).slice(0, index);
    if (earlier.some((other) => other.groupCode === group.groupCode && overlaps(other, group)))
      throw new AppError('CONFLICT', '同一人员类别的认定有效期重叠', [
        { field: `groups[${index}].groupCode`, message: '与本次提交的另一条认定重叠' },
      ]);
  });
  const existing = await selectPersonByIdNumber(executor, idNumber);
  if (existing) {
    // The answer names the registered person only to a caller who may already see him: an ID
    // number registered in another province must not hand out that person's id.
    const isVisible =
      context.actor === null || (await isPersonVisible(executor, existing.id, visibilityOf(context.actor)));
    throw new AppError('CONFLICT', '该身份证号已登记', [
      { field: 'idNumber', message: '已登记', ...(isVisible && { personId: existing.id }) },
    ]);
  }
  const provinceCode = provinceOf(input.registeringRegionCode);
  const id = await insertPerson(executor, {
    provinceCode,
    registeringRegionCode: input.registeringRegionCode,
    idNumber,
    name,
    sex: facts.sex,
    birthDate: facts.birthDate,
    phone: input.phone ?? null,
    householdRegionCode: input.householdRegionCode ?? null,
    pensionStatus: input.pensionStatus ?? 'none',
    isFullTimeStudent: input.isFullTimeStudent ?? false,
  });
  for (const group of input.groups ?? []) {
    await insertPersonGroup(executor, { id, provinceCode }, certificationOf(group, context));
  }
  await recordAudit(executor, context, {
    action: 'person.register',
    objectType: 'person',
    objectId: id,
    provinceCode,
    after: { name, idNumber: maskIdNumber(idNumber), registeringRegionCode: input.registeringRegionCode },
  });
  return (await getPerson(executor, id))!;
}

/** A person with their groups, or undefined. Unmasked: mask with `presentPerson` before answering. */
export async function getPerson(executor: Executor, id: number): Promise<Person | undefined> {
  const record = await selectPersonById(executor, id);
  if (!record) return undefined;
  const groups = await selectPersonGroups(executor, [id]);
  return { ...record, groups: groups.get(id) ?? [] };
}

/** People by id, with groups (for rosters). */
export async function getPersons(executor: Executor, ids: readonly number[]): Promise<Person[]> {
  const records = await selectPersonsByIds(executor, ids);
  const groups = await selectPersonGroups(
    executor,
    records.map((record) => record.id),
  );
  return records.map((record) => ({ ...record, groups: groups.get(record.id) ?? [] }));
}

/**
 * The phone numbers of some persons, for comparing them by keyed fingerprint (supervision's
 * shared-phone rule): only the phone is decrypted, so a sweep over a province stays cheap.
 */
export function getPhones(executor: Executor, ids: readonly number[]): Promise<Map<number, string | null>> {
  return selectPhonesByIds(executor, ids);
}

/**
 * `getPhones` as a statement to send with others (src/db/together.ts), for persons named by id or
 * by a subquery of ids; `phonesFromRows` decrypts its rows.
 */
export { phonesFromRows, phonesQuery } from './person.repository.ts';

/** The person registered under this ID number (any province), or undefined. */
export async function findPersonByIdNumber(
  executor: Executor,
  idNumber: string,
): Promise<Person | undefined> {
  const record = await selectPersonByIdNumber(executor, idNumber.trim().toUpperCase());
  return record ? getPerson(executor, record.id) : undefined;
}

function visibilityOf(principal: Principal): PersonVisibility {
  if (principal.role === 'worker') return { kind: 'self', personId: principal.personId ?? -1 };
  if (principal.organisationId !== null)
    return { kind: 'organisation', organisationId: principal.organisationId };
  return { kind: 'region', likePattern: regionLikePattern(principal.regionCode) };
}

/** How a request names a person: by an id the caller may see, or by ID number and name (实名). */
export type PersonReference = { personId: number } | { idNumber: string; name: string };

/**
 * The person a request names. By `personId` the id must be one the caller may see (checked
 * centrally for body ids, and again here); by ID number and name, the real-name way, a person
 * of any province is found when both match — a migrant worker is never refused for his hukou —
 * and a mismatch answers the same as an unknown ID number, so nothing is revealed that the
 * caller did not bring.
 */
export async function resolvePersonReference(
  executor: Executor,
  principal: Principal,
  reference: PersonReference,
): Promise<Person> {
  if ('personId' in reference) {
    const visible = await visiblePersonIds(executor, principal, [reference.personId]);
    if (!visible.has(reference.personId)) {
      throw new AppError('NOT_FOUND', '所指人员不存在或不在本账号可见范围内', [
        { field: 'personId', message: '人员不存在或不在本账号可见范围内' },
      ]);
    }
    return (await getPerson(executor, reference.personId))!;
  }
  const record = await selectPersonByIdNumber(executor, assertValidIdNumber(reference.idNumber));
  if (!record || record.name !== reference.name.trim()) {
    throw new AppError('VALIDATION_FAILED', '身份证号与姓名不匹配，或该人员未在实名制系统登记', [
      { field: 'idNumber', message: '没有与该身份证号和姓名一致的登记人员' },
    ]);
  }
  return (await getPerson(executor, record.id))!;
}

/** The ids among `ids` of persons the caller may see (the scope of body and query ids). */
export function visiblePersonIds(
  executor: Executor,
  principal: Principal,
  ids: readonly number[],
): Promise<Set<number>> {
  return selectVisiblePersonIds(executor, ids, visibilityOf(principal));
}

/** Refuses (404) a person the caller may not see, so existence does not leak. */
export async function getVisiblePerson(
  executor: Executor,
  principal: Principal,
  id: number,
): Promise<Person> {
  if (!(await isPersonVisible(executor, id, visibilityOf(principal)))) throw notFound('人员', id);
  return (await getPerson(executor, id))!;
}

export { PERSON_SORT_FIELDS } from './person.repository.ts';

export interface PersonListQuery extends PageRequest, ListSort<PersonSortField> {
  /** Registering region (登记地) and its subtree. */
  regionCode?: string;
  /** Household registration region (户籍地) and its subtree. */
  householdRegionCode?: string;
  groupCode?: string;
  pensionStatus?: 'none' | 'receiving';
  isFullTimeStudent?: boolean;
  /** Registration date (China time), inclusive. */
  registeredFrom?: string;
  registeredTo?: string;
  /** Birth date, inclusive: an officer's age bracket. */
  bornFrom?: string;
  bornTo?: string;
  name?: string;
  nameStartsWith?: string;
  /** An exact ID number (18 characters); the answer still masks it. */
  idNumber?: string;
}

export async function listPersons(
  executor: Executor,
  principal: Principal,
  query: PersonListQuery,
): Promise<Page<Person>> {
  const { rows, total } = await selectPersonPage(executor, {
    visibility: visibilityOf(principal),
    ...(query.regionCode ? { regionCode: regionLikePattern(query.regionCode) } : {}),
    ...(query.householdRegionCode
      ? { householdRegionCode: regionLikePattern(query.householdRegionCode) }
      : {}),
    ...(query.groupCode ? { groupCode: query.groupCode } : {}),
    ...(query.pensionStatus ? { pensionStatus: query.pensionStatus } : {}),
    ...(query.isFullTimeStudent === undefined ? {} : { isFullTimeStudent: query.isFullTimeStudent }),
    ...(query.registeredFrom ? { registeredFrom: query.registeredFrom } : {}),
    ...(query.registeredTo ? { registeredTo: query.registeredTo } : {}),
    ...(query.bornFrom ? { bornFrom: query.bornFrom } : {}),
    ...(query.bornTo ? { bornTo: query.bornTo } : {}),
    ...(query.name ? { name: query.name } : {}),
    ...(query.nameStartsWith ? { nameStartsWith: query.nameStartsWith } : {}),
    ...(query.idNumber ? { idNumber: query.idNumber.toUpperCase() } : {}),
    order: { sort: query.sort, order: query.order },
    limit: query.pageSize,
    offset: offsetOf(query),
  });
  const groups = await selectPersonGroups(
    executor,
    rows.map((row) => row.id),
  );
  return {
    items: rows.map((row) => ({ ...row, groups: groups.get(row.id) ?? [] })),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/**
 * Certifies a group (人员类别认定) for a person, recorded by the calling officer on the business
 * date (audited). Only an officer whose region holds the person's registration or household
 * region certifies (403 otherwise); a live certification of the same group whose validity
 * overlaps is refused (409), so one group is never counted twice.
 */
export async function addPersonGroup(
  executor: Executor,
  context: AuditContext,
  personId: number,
  group: NewPersonGroup,
): Promise<Person> {
  const person = await getPerson(executor, personId);
  if (!person) throw notFound('人员', personId);
  assertGroup(group, '');
  assertCertifyingRegion(context, person);
  await sql`select pg_advisory_xact_lock(hashtext(${`person-group:${personId}`}))`.execute(executor);
  const live = (await selectPersonGroups(executor, [personId])).get(personId) ?? [];
  const clash = live.find((other) => other.groupCode === group.groupCode && overlaps(other, group));
  if (clash)
    throw new AppError('CONFLICT', `该人员已有有效期重叠的同类认定（${clash.validFrom} 起）`, [
      { field: 'groupCode', message: '已有同类认定', groupId: clash.id },
    ]);
  const id = await insertPersonGroup(executor, person, certificationOf(group, context));
  await recordAudit(executor, context, {
    action: 'person.group.add',
    objectType: 'person',
    objectId: personId,
    provinceCode: person.provinceCode,
    after: { groupId: id, ...group },
  });
  return (await getPerson(executor, personId))!;
}

/**
 * Revokes a group certification with a reason, dated at the business today (audited); the group
 * then no longer counts for any claim decided afterwards. 404 for a certification of another
 * person; 409 when already revoked.
 */
export async function revokePersonGroup(
  executor: Executor,
  context: AuditContext,
  input: { personId: number; groupId: number; reason: string; today: string },
): Promise<PersonGroup> {
  const reason = input.reason.trim();
  if (reason === '')
    throw new AppError('VALIDATION_FAILED', '须填写撤销认定的理由', [
      { field: 'reason', message: '理由不能为空' },
    ]);
  const all =
    (await selectPersonGroups(executor, [input.personId], { withRevoked: true })).get(input.personId) ?? [];
  const before = all.find((group) => group.id === input.groupId);
  if (!before) throw notFound('人员类别认定', input.groupId);
  if (before.revokedOn !== null)
    throw new AppError('INVALID_STATE', `该认定已于 ${before.revokedOn} 撤销`, [
      { field: 'groupId', message: '已撤销' },
    ]);
  const person = (await getPerson(executor, input.personId))!;
  assertCertifyingRegion(context, person);
  await executor
    .updateTable('person_group')
    .set({
      revoked_on: input.today,
      revocation_reason: reason,
      revoked_by_user_id: context.actor?.userId ?? null,
    })
    .where('id', '=', input.groupId)
    .where('province_code', '=', person.provinceCode)
    .execute();
  await recordAudit(executor, context, {
    action: 'person.group.revoke',
    objectType: 'person',
    objectId: input.personId,
    provinceCode: person.provinceCode,
    before: { groupId: input.groupId, revokedOn: null },
    after: { groupId: input.groupId, revokedOn: input.today, reason },
  });
  return { ...before, revokedOn: input.today, revocationReason: reason };
}

/** Every certification of a person, revoked ones included (the certification history). */
export async function personGroupHistory(executor: Executor, personId: number): Promise<PersonGroup[]> {
  return (await selectPersonGroups(executor, [personId], { withRevoked: true })).get(personId) ?? [];
}

export interface PersonChanges {
  phone?: string | null;
  householdRegionCode?: string | null;
  pensionStatus?: 'none' | 'receiving';
  isFullTimeStudent?: boolean;
}

/** Updates contact and status facts (pension, full-time student); audited with before/after. */
export async function updatePerson(
  executor: Executor,
  context: AuditContext,
  personId: number,
  changes: PersonChanges,
): Promise<Person> {
  const before = await getPerson(executor, personId);
  if (!before) throw notFound('人员', personId);
  if (changes.phone) {
    const problem = phoneProblem(changes.phone);
    if (problem) throw new AppError('VALIDATION_FAILED', problem, [{ field: 'phone', message: problem }]);
  }
  if (changes.householdRegionCode)
    await assertRegion(executor, changes.householdRegionCode, 'householdRegionCode');
  await updatePersonRow(executor, personId, changes);
  const after = (await getPerson(executor, personId))!;
  await recordAudit(executor, context, {
    action: 'person.update',
    objectType: 'person',
    objectId: personId,
    provinceCode: before.provinceCode,
    before: {
      phone: maskOptionalPhone(before.phone),
      pensionStatus: before.pensionStatus,
      isFullTimeStudent: before.isFullTimeStudent,
    },
    after: {
      phone: maskOptionalPhone(after.phone),
      pensionStatus: after.pensionStatus,
      isFullTimeStudent: after.isFullTimeStudent,
    },
  });
  return after;
}

function maskOptionalPhone(phone: string | null): string | null {
  return phone === null ? null : maskPhone(phone);
}

/**
 * The person as an API response: ID number and phone masked for every role (issue 18). A role
 * holding person.unmask sees one person in full only through `revealPerson`, with a reason.
 */
export function presentPerson(person: Person): Person {
  return { ...person, idNumber: maskIdNumber(person.idNumber), phone: maskOptionalPhone(person.phone) };
}

/** What a reveal answers: the person's identifying fields in full. */
export interface RevealedPerson {
  id: number;
  name: string;
  idNumber: string;
  phone: string | null;
}

/**
 * One person's ID number and phone in full, for a caller holding person.unmask who states why
 * (PIPL art. 51; 等保 个人信息保护). The read is recorded as `personal_data.read` (who, whose,
 * why) in the caller's transaction before anything is returned: when the entry cannot be
 * written, nothing is revealed. The caller checks the person is in scope first.
 */
export async function revealPerson(
  executor: Executor,
  context: AuditContext,
  personId: number,
  reason: string | undefined,
): Promise<RevealedPerson> {
  const purpose = reason?.trim() ?? '';
  if (purpose.length < 2) {
    throw new AppError('VALIDATION_FAILED', '请填写查看完整个人信息的理由', [
      { field: 'reason', message: '查看理由为必填项，至少 2 个字' },
    ]);
  }
  const person = await getPerson(executor, personId);
  if (!person) throw notFound('人员', personId);
  await recordPersonalDataRead(executor, context, {
    objectType: 'person',
    objectId: personId,
    provinceCode: person.provinceCode,
    fields: ['idNumber', 'phone'],
    purpose,
  });
  return { id: person.id, name: person.name, idNumber: person.idNumber, phone: person.phone };
}
