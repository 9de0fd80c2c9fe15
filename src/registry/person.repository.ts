import { type ExpressionBuilder, type InferResult, type SelectQueryBuilder, sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { type ListOrdering, orderList } from '../db/list-order.ts';
import type { Database } from '../db/schema.ts';
import { blindIndex } from '../shared/crypto.ts';
import { dataKeyring, decryptStored, encryptOptional, rowKeyOf } from '../shared/data-keyring.ts';
import type { ListSort } from '../shared/schemas.ts';
import { chinaDayEnd, chinaDayStart } from './pagination.ts';
import type { PersonTable } from './registry.table.ts';

/**
 * All SQL about people. The ID number is stored, compared and read ONLY here, as AES-256-GCM
 * ciphertext plus `id_number_hash` (a keyed HMAC blind index); the phone as ciphertext. Rows
 * older than migration 20261123150000 may still hold the legacy plaintext columns until
 * `skillfund security rewrap` runs, so lookups and reads fall back to them.
 */
export interface PersonRecord {
  id: number;
  provinceCode: string;
  registeringRegionCode: string;
  idNumber: string;
  name: string;
  sex: 'male' | 'female';
  birthDate: string;
  phone: string | null;
  householdRegionCode: string | null;
  pensionStatus: 'none' | 'receiving';
  isFullTimeStudent: boolean;
  createdAt: Date;
}

export interface NewPersonRecord {
  provinceCode: string;
  registeringRegionCode: string;
  idNumber: string;
  name: string;
  sex: 'male' | 'female';
  birthDate: string;
  phone: string | null;
  householdRegionCode: string | null;
  pensionStatus: 'none' | 'receiving';
  isFullTimeStudent: boolean;
}

const ID_NUMBER_CONTEXT = 'person.id_number';
const PHONE_CONTEXT = 'person.phone';

/** The blind index of an ID number (also used by `skillfund security rewrap`). */
export function idNumberHash(idNumber: string): string {
  return blindIndex(dataKeyring(), ID_NUMBER_CONTEXT, idNumber);
}

function encodeIdNumber(
  idNumber: string,
  rowKey?: string,
): Pick<PersonTable, 'id_number' | 'id_number_ciphertext' | 'id_number_hash'> {
  return {
    id_number: null,
    id_number_ciphertext: encryptOptional(ID_NUMBER_CONTEXT, idNumber, rowKey),
    id_number_hash: idNumberHash(idNumber),
  };
}

function idNumberMatches(eb: ExpressionBuilder<Database, 'person'>, idNumber: string) {
  return eb.or([
    eb('person.id_number_hash', '=', idNumberHash(idNumber)),
    // A legacy row not yet encrypted by `skillfund security rewrap` (a partial index, empty after).
    eb('person.id_number', '=', idNumber),
  ]);
}

function decodeIdNumber(
  row: Pick<PersonTable, 'id_number' | 'id_number_ciphertext'> & { id: number },
): string {
  const idNumber = decryptStored(
    ID_NUMBER_CONTEXT,
    row.id_number_ciphertext,
    row.id_number,
    rowKeyOf(row.id),
  );
  if (idNumber === null) throw new Error('person row holds no ID number');
  return idNumber;
}

/** The phone's ciphertext, bound to the person's row (issue 18: a copied ciphertext fails). */
function encodePhone(phone: string | null, rowKey: string): Pick<PersonTable, 'phone' | 'phone_ciphertext'> {
  return { phone: null, phone_ciphertext: encryptOptional(PHONE_CONTEXT, phone, rowKey) };
}

function decodePhone(row: Pick<PersonTable, 'phone' | 'phone_ciphertext'> & { id: number }): string | null {
  return decryptStored(PHONE_CONTEXT, row.phone_ciphertext, row.phone, rowKeyOf(row.id));
}

type PersonRow = Omit<
  PersonTable,
  'id' | 'pension_status' | 'is_full_time_student' | 'created_at' | 'updated_at'
> & {
  id: number;
  pension_status: 'none' | 'receiving';
  is_full_time_student: boolean;
  created_at: Date;
};

export function toRecord(row: PersonRow): PersonRecord {
  return {
    id: row.id,
    provinceCode: row.province_code,
    registeringRegionCode: row.registering_region_code,
    idNumber: decodeIdNumber(row),
    name: row.name,
    sex: row.sex,
    birthDate: row.birth_date,
    phone: decodePhone(row),
    householdRegionCode: row.household_region_code,
    pensionStatus: row.pension_status,
    isFullTimeStudent: row.is_full_time_student,
    createdAt: row.created_at,
  };
}

const PERSON_COLUMNS = [
  'person.id',
  'person.province_code',
  'person.registering_region_code',
  'person.id_number',
  'person.id_number_ciphertext',
  'person.id_number_hash',
  'person.name',
  'person.sex',
  'person.birth_date',
  'person.phone',
  'person.phone_ciphertext',
  'person.household_region_code',
  'person.pension_status',
  'person.is_full_time_student',
  'person.created_at',
] as const;

/**
 * Inserts a person. The ciphertexts are bound to the row's id (associated data, issue 18), which
 * the insert generates: the row is inserted with the blind index alone and its ciphertexts are
 * written by the update that follows, in the caller's transaction.
 */
export async function insertPerson(executor: Executor, person: NewPersonRecord): Promise<number> {
  const { id } = await executor
    .insertInto('person')
    .values({
      province_code: person.provinceCode,
      registering_region_code: person.registeringRegionCode,
      ...encodeIdNumber(person.idNumber),
      name: person.name,
      sex: person.sex,
      birth_date: person.birthDate,
      household_region_code: person.householdRegionCode,
      pension_status: person.pensionStatus,
      is_full_time_student: person.isFullTimeStudent,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await executor
    .updateTable('person')
    .set({ ...encodeIdNumber(person.idNumber, rowKeyOf(id)), ...encodePhone(person.phone, rowKeyOf(id)) })
    .where('id', '=', id)
    .where('province_code', '=', person.provinceCode)
    .execute();
  return id;
}

/** The one lookup by ID number, across every province. */
export async function selectPersonByIdNumber(
  executor: Executor,
  idNumber: string,
): Promise<PersonRecord | undefined> {
  const row = await executor
    .selectFrom('person')
    .select(PERSON_COLUMNS)
    .where((eb) => idNumberMatches(eb, idNumber))
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function selectPersonById(executor: Executor, id: number): Promise<PersonRecord | undefined> {
  const row = await executor
    .selectFrom('person')
    .select(PERSON_COLUMNS)
    .where('person.id', '=', id)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function selectPersonsByIds(
  executor: Executor,
  ids: readonly number[],
): Promise<PersonRecord[]> {
  if (ids.length === 0) return [];
  return (await personsByIdsQuery(executor, ids).execute()).map(toRecord);
}

/** The statement of `selectPersonsByIds` (at least one id); its rows become records by `toRecord`. */
export function personsByIdsQuery(executor: Executor, ids: readonly number[]) {
  return executor
    .selectFrom('person')
    .select(PERSON_COLUMNS)
    .where('person.id', 'in', [...ids]);
}

/** The phones of some persons, decrypted (and nothing else decrypted), keyed by person id. */
export async function selectPhonesByIds(
  executor: Executor,
  ids: readonly number[],
): Promise<Map<number, string | null>> {
  if (ids.length === 0) return new Map();
  return phonesFromRows(await phonesQuery(executor, [...ids]).execute());
}

/**
 * The statement of `selectPhonesByIds`, for persons named by id or by a subquery of ids (to send
 * with others: src/db/together.ts); its rows become phones by `phonesFromRows`.
 */
export function phonesQuery(
  executor: Executor,
  ids: number[] | SelectQueryBuilder<Database, keyof Database, { person_id: number }>,
) {
  return executor
    .selectFrom('person')
    .select(['person.id', 'person.phone', 'person.phone_ciphertext'])
    .where('person.id', 'in', ids);
}

/** The phones of `phonesQuery`'s rows, decrypted, keyed by person id. */
export function phonesFromRows(
  rows: ReadonlyArray<{ id: number; phone: string | null; phone_ciphertext: string | null }>,
): Map<number, string | null> {
  return new Map(rows.map((row) => [row.id, decodePhone(row)]));
}

export async function updatePersonRow(
  executor: Executor,
  id: number,
  changes: Partial<
    Pick<PersonRecord, 'phone' | 'householdRegionCode' | 'pensionStatus' | 'isFullTimeStudent' | 'name'>
  >,
): Promise<void> {
  await executor
    .updateTable('person')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.phone !== undefined ? encodePhone(changes.phone, rowKeyOf(id)) : {}),
      ...(changes.householdRegionCode !== undefined
        ? { household_region_code: changes.householdRegionCode }
        : {}),
      ...(changes.pensionStatus !== undefined ? { pension_status: changes.pensionStatus } : {}),
      ...(changes.isFullTimeStudent !== undefined ? { is_full_time_student: changes.isFullTimeStudent } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

export interface PersonGroupRecord {
  id: number;
  groupCode: string;
  /** The certifying body from GROUP_CERTIFIERS (null on rows recorded before the list). */
  certifierCode: string | null;
  certifiedByOrganisation: string;
  certifiedByOfficer: string;
  validFrom: string;
  validTo: string | null;
  recordedByUserId: number | null;
  recordedOn: string | null;
  revokedOn: string | null;
  revocationReason: string | null;
}

export async function insertPersonGroup(
  executor: Executor,
  person: { id: number; provinceCode: string },
  group: Omit<PersonGroupRecord, 'id' | 'revokedOn' | 'revocationReason'>,
): Promise<number> {
  const { id } = await executor
    .insertInto('person_group')
    .values({
      province_code: person.provinceCode,
      person_id: person.id,
      group_code: group.groupCode,
      certifier_code: group.certifierCode,
      certified_by_organisation: group.certifiedByOrganisation,
      certified_by_officer: group.certifiedByOfficer,
      valid_from: group.validFrom,
      valid_to: group.validTo,
      recorded_by_user_id: group.recordedByUserId,
      recorded_on: group.recordedOn,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * The groups of some persons, by person. A revoked certification is left out unless
 * `withRevoked` (the certification history): it never counted.
 */
export async function selectPersonGroups(
  executor: Executor,
  personIds: readonly number[],
  options: { withRevoked?: boolean } = {},
): Promise<Map<number, PersonGroupRecord[]>> {
  if (personIds.length === 0) return new Map();
  return personGroupsFrom(await personGroupsQuery(executor, personIds, options).execute());
}

/** The statement of `selectPersonGroups` (at least one person). */
export function personGroupsQuery(
  executor: Executor,
  personIds: readonly number[],
  options: { withRevoked?: boolean } = {},
) {
  let query = executor
    .selectFrom('person_group')
    .selectAll()
    .where('person_id', 'in', [...personIds]);
  if (!options.withRevoked) query = query.where('revoked_on', 'is', null);
  return query.orderBy('id');
}

/** Each person's groups from the rows of `personGroupsQuery`. */
export function personGroupsFrom(
  rows: readonly InferResult<ReturnType<typeof personGroupsQuery>>[number][],
): Map<number, PersonGroupRecord[]> {
  const byPerson = new Map<number, PersonGroupRecord[]>();
  for (const row of rows) {
    const list = byPerson.get(row.person_id) ?? [];
    list.push({
      id: row.id,
      groupCode: row.group_code,
      certifierCode: row.certifier_code,
      certifiedByOrganisation: row.certified_by_organisation,
      certifiedByOfficer: row.certified_by_officer,
      validFrom: row.valid_from,
      validTo: row.valid_to,
      recordedByUserId: row.recorded_by_user_id,
      recordedOn: row.recorded_on,
      revokedOn: row.revoked_on,
      revocationReason: row.revocation_reason,
    });
    byPerson.set(row.person_id, list);
  }
  return byPerson;
}

/** Who may see a person: a region subtree, an organisation (via its classes) or the person. */
export type PersonVisibility =
  | { kind: 'region'; likePattern: string }
  | { kind: 'organisation'; organisationId: number }
  | { kind: 'self'; personId: number };

function visibleTo(eb: ExpressionBuilder<Database, 'person'>, visibility: PersonVisibility) {
  switch (visibility.kind) {
    case 'region':
      return eb.or([
        eb('person.registering_region_code', 'like', visibility.likePattern),
        eb.exists(
          eb
            .selectFrom('enrolment')
            .innerJoin('training_class', (join) =>
              join
                .onRef('training_class.id', '=', 'enrolment.class_id')
                .onRef('training_class.province_code', '=', 'enrolment.province_code'),
            )
            .select(sql`1`.as('one'))
            .whereRef('enrolment.person_id', '=', 'person.id')
            .where('training_class.region_code', 'like', visibility.likePattern),
        ),
      ]);
    // An organisation sees the persons it trains, employs, assessed or certified: enrolled in its
    // classes, named in its employment records, candidates of its assessments, holding a certificate
    // it issued.
    case 'organisation':
      return eb.or([
        eb.exists(
          eb
            .selectFrom('enrolment')
            .innerJoin('training_class', (join) =>
              join
                .onRef('training_class.id', '=', 'enrolment.class_id')
                .onRef('training_class.province_code', '=', 'enrolment.province_code'),
            )
            .select(sql`1`.as('one'))
            .whereRef('enrolment.person_id', '=', 'person.id')
            .where('training_class.institution_id', '=', visibility.organisationId),
        ),
        eb.exists(
          eb
            .selectFrom('employment_record')
            .select(sql`1`.as('one'))
            .whereRef('employment_record.person_id', '=', 'person.id')
            .where('employment_record.enterprise_id', '=', visibility.organisationId),
        ),
        eb.exists(
          eb
            .selectFrom('certificate')
            .select(sql`1`.as('one'))
            .whereRef('certificate.person_id', '=', 'person.id')
            .where('certificate.issuer_organisation_id', '=', visibility.organisationId),
        ),
        // An evaluation organisation sees the candidates of its assessments (named to it the
        // real-name way when it recorded their results).
        eb.exists(
          eb
            .selectFrom('assessment_result')
            .innerJoin('assessment', (join) =>
              join
                .onRef('assessment.id', '=', 'assessment_result.assessment_id')
                .onRef('assessment.province_code', '=', 'assessment_result.province_code'),
            )
            .select(sql`1`.as('one'))
            .whereRef('assessment_result.person_id', '=', 'person.id')
            .where('assessment.organisation_id', '=', visibility.organisationId),
        ),
      ]);
    case 'self':
      return eb('person.id', '=', visibility.personId);
  }
}

export async function isPersonVisible(
  executor: Executor,
  id: number,
  visibility: PersonVisibility,
): Promise<boolean> {
  const row = await executor
    .selectFrom('person')
    .select('person.id')
    .where('person.id', '=', id)
    .where((eb) => visibleTo(eb, visibility))
    .executeTakeFirst();
  return row !== undefined;
}

/** The ids among `ids` of persons the visibility covers. */
export async function selectVisiblePersonIds(
  executor: Executor,
  ids: readonly number[],
  visibility: PersonVisibility,
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await executor
    .selectFrom('person')
    .select('person.id')
    .where('person.id', 'in', [...ids])
    .where((eb) => visibleTo(eb, visibility))
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** The fields the person list sorts by (`sort=`), each a property of its items. */
export const PERSON_SORT_FIELDS = ['id', 'name', 'birthDate', 'createdAt'] as const;
export type PersonSortField = (typeof PERSON_SORT_FIELDS)[number];

const PERSON_ORDERING: ListOrdering<PersonSortField> = {
  columns: {
    id: 'person.id',
    name: 'person.name',
    birthDate: 'person.birth_date',
    createdAt: 'person.created_at',
  },
  textFields: ['name'],
  id: 'person.id',
  byDefault: { sort: 'id', order: 'asc' },
};

export interface PersonListFilter {
  visibility: PersonVisibility;
  /** LIKE pattern of the registering region subtree. */
  regionCode?: string;
  /** LIKE pattern of the household registration (户籍) region subtree. */
  householdRegionCode?: string;
  groupCode?: string;
  pensionStatus?: 'none' | 'receiving';
  isFullTimeStudent?: boolean;
  registeredFrom?: string;
  registeredTo?: string;
  /** Inclusive birth-date bounds, YYYY-MM-DD. */
  bornFrom?: string;
  bornTo?: string;
  name?: string;
  /** Names beginning with this text (a picker's search as one types). */
  nameStartsWith?: string;
  /** An exact ID number, matched through its blind index. */
  idNumber?: string;
  order: ListSort<PersonSortField>;
  limit: number;
  offset: number;
}

export async function selectPersonPage(
  executor: Executor,
  filter: PersonListFilter,
): Promise<{ rows: PersonRecord[]; total: number }> {
  let base = executor.selectFrom('person').where((eb) => visibleTo(eb, filter.visibility));
  if (filter.regionCode) base = base.where('person.registering_region_code', 'like', filter.regionCode);
  if (filter.householdRegionCode)
    base = base.where('person.household_region_code', 'like', filter.householdRegionCode);
  if (filter.pensionStatus) base = base.where('person.pension_status', '=', filter.pensionStatus);
  if (filter.isFullTimeStudent !== undefined)
    base = base.where('person.is_full_time_student', '=', filter.isFullTimeStudent);
  if (filter.bornFrom) base = base.where('person.birth_date', '>=', filter.bornFrom);
  if (filter.bornTo) base = base.where('person.birth_date', '<=', filter.bornTo);
  if (filter.name) base = base.where('person.name', '=', filter.name);
  if (filter.nameStartsWith)
    base = base.where('person.name', 'like', `${filter.nameStartsWith.replace(/[\\%_]/g, '\\$&')}%`);
  if (filter.idNumber) {
    const idNumber = filter.idNumber;
    base = base.where((eb) => idNumberMatches(eb, idNumber));
  }
  if (filter.registeredFrom)
    base = base.where('person.created_at', '>=', chinaDayStart(filter.registeredFrom));
  if (filter.registeredTo) base = base.where('person.created_at', '<', chinaDayEnd(filter.registeredTo));
  if (filter.groupCode) {
    const groupCode = filter.groupCode;
    base = base.where((eb) =>
      eb.exists(
        eb
          .selectFrom('person_group')
          .select(sql`1`.as('one'))
          .whereRef('person_group.person_id', '=', 'person.id')
          .where('person_group.group_code', '=', groupCode),
      ),
    );
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await orderList(base.select(PERSON_COLUMNS), PERSON_ORDERING, filter.order)
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { rows: rows.map(toRecord), total: Number(total) };
}
