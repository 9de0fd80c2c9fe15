import type { AuditContext } from '../auth/audit.service.ts';
import { recordAudit } from '../auth/audit.service.ts';
import { recordPersonalDataRead } from '../auth/personal-data.service.ts';
import { type Principal, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { maskIdNumber, maskPhone } from '../shared/crypto.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { GROUP_CODES } from '../shared/vocabulary.ts';
import { idNumberProblem, parseIdNumber, phoneProblem } from './identifiers.ts';
import { offsetOf, type Page, type PageRequest } from './pagination.ts';
import {
  insertPerson,
  insertPersonGroup,
  isPersonVisible,
  type PersonGroupRecord,
  type PersonRecord,
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

export interface NewPersonGroup {
  groupCode: string;
  certifiedByOrganisation: string;
  certifiedByOfficer: string;
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

function assertGroup(group: NewPersonGroup, field: string): void {
  if (!(GROUP_CODES as readonly string[]).includes(group.groupCode)) {
    throw new AppError('VALIDATION_FAILED', `人员类别无效：${group.groupCode}`, [
      { field, message: `人员类别无效：${group.groupCode}` },
    ]);
  }
  if (group.validTo && group.validTo < group.validFrom) {
    throw new AppError('VALIDATION_FAILED', '认定有效期止日早于起日', [
      { field, message: '有效期止日早于起日' },
    ]);
  }
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
    await insertPersonGroup(executor, { id, provinceCode }, { ...group, validTo: group.validTo ?? null });
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

export interface PersonListQuery extends PageRequest {
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

/** Adds a certified group (人员类别认定) to a person. */
export async function addPersonGroup(
  executor: Executor,
  context: AuditContext,
  personId: number,
  group: NewPersonGroup,
): Promise<Person> {
  const person = await getPerson(executor, personId);
  if (!person) throw notFound('人员', personId);
  assertGroup(group, 'groupCode');
  const id = await insertPersonGroup(executor, person, { ...group, validTo: group.validTo ?? null });
  await recordAudit(executor, context, {
    action: 'person.group.add',
    objectType: 'person',
    objectId: personId,
    provinceCode: person.provinceCode,
    after: { groupId: id, ...group },
  });
  return (await getPerson(executor, personId))!;
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
