import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { idNumberProblem, phoneProblem } from '../registry/identifiers.ts';
import { chinaDayEnd, chinaDayStart, offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import {
  findPersonByIdNumber,
  getPerson,
  getPersons,
  type Person,
  registerPerson,
} from '../registry/person.service.ts';
import { findRegion } from '../registry/region.service.ts';
import { assertOrganisationInGoodStanding } from '../registry/standing.service.ts';
import { chinaDateOf } from '../shared/clock.ts';
import { maskIdNumber } from '../shared/crypto.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { GROUP_CODES, GROUP_LABELS, type GroupCode } from '../shared/vocabulary.ts';
import { getClass, type TrainingClass } from './class.service.ts';
import { readFirstSheet } from './table-file.ts';

export interface Enrolment {
  id: number;
  classId: number;
  personId: number;
  status: 'enrolled' | 'withdrawn';
  enrolledAt: Date;
}

/** Classes whose dates overlap and that still count (filed, approved or completed). */
const LIVE_CLASS_STATUSES = ['filed', 'approved', 'completed'] as const;

async function assertNoOverlap(
  executor: Executor,
  trainingClass: TrainingClass,
  personId: number,
): Promise<void> {
  const other = await executor
    .selectFrom('enrolment')
    .innerJoin('training_class', (join) =>
      join
        .onRef('training_class.id', '=', 'enrolment.class_id')
        .onRef('training_class.province_code', '=', 'enrolment.province_code'),
    )
    .select([
      'training_class.id',
      'training_class.class_code',
      'training_class.name',
      'training_class.starts_at',
      'training_class.ends_at',
    ])
    .where('enrolment.person_id', '=', personId)
    .where('enrolment.status', '=', 'enrolled')
    .where('training_class.id', '!=', trainingClass.id)
    .where('training_class.status', 'in', [...LIVE_CLASS_STATUSES])
    .where('training_class.starts_at', '<', trainingClass.endsAt)
    .where('training_class.ends_at', '>', trainingClass.startsAt)
    .executeTakeFirst();
  if (other) {
    const label = other.class_code ?? `#${other.id}`;
    throw new AppError('OVERLAPPING_ENROLMENT', `该人员已参加时间重叠的培训班：${other.name}（${label}）`, [
      {
        field: 'personId',
        message: `已参加时间重叠的培训班：${label}`,
        classId: other.id,
        classCode: other.class_code,
        className: other.name,
      },
    ]);
  }
}

/** When an enrolment happens (the business now) and how long after the start a class stays open. */
export interface EnrolmentRules {
  now: Date;
  /** Days after the class's first session during which trainees may still enrol. */
  cutoffDays: number;
}

/** Default enrolment cutoff after a class starts (SKILLFUND_ENROLMENT_CUTOFF_DAYS). */
export const DEFAULT_ENROLMENT_CUTOFF_DAYS = 3;

function assertOpenForEnrolment(trainingClass: TrainingClass, rules: EnrolmentRules): void {
  if (trainingClass.status !== 'filed' && trainingClass.status !== 'approved') {
    throw new AppError('INVALID_STATE', `培训班状态为 ${trainingClass.status}，不能报名`, [
      { field: 'classId', message: trainingClass.status },
    ]);
  }
  const closesAt = trainingClass.startsAt.getTime() + rules.cutoffDays * 86_400_000;
  if (rules.now.getTime() > closesAt) {
    throw new AppError('ENROLMENT_CLOSED', `培训班已于 ${rules.cutoffDays} 天前开班，报名已截止`, [
      { field: 'classId', message: `开班 ${rules.cutoffDays} 天后报名截止` },
    ]);
  }
}

/**
 * Enrols a registered person, dated at the business now. Refuses a duplicate, a full class, a
 * class past its enrolment cutoff (409 ENROLMENT_CLOSED), and (409 OVERLAPPING_ENROLMENT) a person
 * already enrolled in a class whose dates overlap, naming that class.
 */
export async function enrolPerson(
  executor: Executor,
  context: AuditContext,
  classId: number,
  personId: number,
  rules: EnrolmentRules,
): Promise<Enrolment> {
  const trainingClass = await getClass(executor, classId);
  if (!trainingClass) throw notFound('培训班', classId);
  // A suspended or blacklisted institution enrols nobody while the sanction stands (issue 15).
  await assertOrganisationInGoodStanding(executor, trainingClass.institutionId, {
    field: 'classId',
    action: '招收学员',
  });
  assertOpenForEnrolment(trainingClass, rules);
  const person = await getPerson(executor, personId);
  if (!person) throw notFound('人员', personId);
  // One writer per person at a time, so two overlapping enrolments cannot both pass the check.
  await sql`select pg_advisory_xact_lock(hashtext(${`enrol:${personId}`}))`.execute(executor);
  const existing = await executor
    .selectFrom('enrolment')
    .select(['id', 'status'])
    .where('class_id', '=', classId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  if (existing)
    throw new AppError('CONFLICT', '该人员已在本班名单中', [
      { field: 'personId', message: '已在本班名单中' },
    ]);
  await assertNoOverlap(executor, trainingClass, personId);
  const { count } = await executor
    .selectFrom('enrolment')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('class_id', '=', classId)
    .where('status', '=', 'enrolled')
    .executeTakeFirstOrThrow();
  if (Number(count) >= trainingClass.capacity) {
    throw new AppError('VALIDATION_FAILED', `培训班已满（${trainingClass.capacity}人）`, [
      { field: 'classId', message: '培训班已满' },
    ]);
  }
  const row = await executor
    .insertInto('enrolment')
    .values({
      province_code: trainingClass.provinceCode,
      class_id: classId,
      person_id: personId,
      person_province_code: person.provinceCode,
      enrolled_at: rules.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'class.enrol',
    objectType: 'training_class',
    objectId: classId,
    provinceCode: trainingClass.provinceCode,
    after: { personId },
  });
  return { id: row.id, classId, personId, status: row.status, enrolledAt: row.enrolled_at };
}

export interface EnrolledPerson {
  enrolment: Enrolment;
  person: Person;
}

export interface EnrolmentListQuery extends PageRequest {
  status?: 'enrolled' | 'withdrawn';
  enrolledFrom?: string;
  enrolledTo?: string;
}

/** One page of a class roster with each person (unmasked: present with presentPerson). */
export async function listEnrolments(
  executor: Executor,
  classId: number,
  query: EnrolmentListQuery,
): Promise<Page<EnrolledPerson>> {
  let base = executor.selectFrom('enrolment').where('class_id', '=', classId);
  if (query.status) base = base.where('status', '=', query.status);
  if (query.enrolledFrom) base = base.where('enrolled_at', '>=', chinaDayStart(query.enrolledFrom));
  if (query.enrolledTo) base = base.where('enrolled_at', '<', chinaDayEnd(query.enrolledTo));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy('id').limit(query.pageSize).offset(offsetOf(query)).execute();
  const persons = new Map(
    (
      await getPersons(
        executor,
        rows.map((row) => row.person_id),
      )
    ).map((person) => [person.id, person]),
  );
  return {
    items: rows.map((row) => ({
      enrolment: {
        id: row.id,
        classId: row.class_id,
        personId: row.person_id,
        status: row.status,
        enrolledAt: row.enrolled_at,
      },
      person: persons.get(row.person_id)!,
    })),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}

/** All enrolled person ids of a class. */
export async function enrolledPersonIds(
  executor: Executor,
  classId: number,
  provinceCode?: string,
): Promise<number[]> {
  const rows = await enrolledPersonIdsQuery(executor, classId, provinceCode).execute();
  return rows.map((row) => row.person_id);
}

/** The statement of `enrolledPersonIds` (rows of `person_id`, in roster order). */
export function enrolledPersonIdsQuery(executor: Executor, classId: number, provinceCode?: string) {
  let query = executor.selectFrom('enrolment').select('person_id');
  // The class's province, when the caller knows it, routes the read to one shard (docs/scaling.md).
  if (provinceCode !== undefined) query = query.where('province_code', '=', provinceCode);
  return query.where('class_id', '=', classId).where('status', '=', 'enrolled').orderBy('id');
}

export async function isEnrolled(executor: Executor, classId: number, personId: number): Promise<boolean> {
  const row = await executor
    .selectFrom('enrolment')
    .select('id')
    .where('class_id', '=', classId)
    .where('person_id', '=', personId)
    .where('status', '=', 'enrolled')
    .executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Roster import (xlsx or csv): validate every row first, write nothing unless accepted.

export interface RosterRow {
  /** 1-based line of the data row in the file (header is row 1, so the first data row is 2). */
  rowNumber: number;
  name: string;
  idNumber: string;
  phone: string;
  householdRegionCode: string;
  /**
   * The optional 人员类别 column as written: group codes or Chinese labels, separated by 、 , ; or
   * spaces. It certifies nothing (groups are certified by an officer): it is only compared with
   * the person's current certifications.
   */
  groups: string;
}

/** The column a roster problem is about, as the file's header names it. */
export const ROSTER_GROUP_COLUMN = '人员类别';

export interface RosterRejection {
  rowNumber: number;
  name: string;
  /** Masked. */
  idNumber: string;
  reasons: { code: string; message: string; column?: string }[];
}

/**
 * A row imported with a remark: its claimed 人员类别 is not among the person's current
 * certifications (GROUP_NOT_CERTIFIED). The row is enrolled; no group is recorded.
 */
export interface RosterWarning {
  rowNumber: number;
  name: string;
  /** Masked. */
  idNumber: string;
  column: string;
  code: string;
  message: string;
}

export interface RosterReport {
  totalRows: number;
  validRows: number;
  rejected: RosterRejection[];
  /** Valid rows whose claimed 人员类别 is not certified for the person (still imported). */
  warnings: RosterWarning[];
  /** True only when accept=valid was passed and the valid rows were written. */
  isWritten: boolean;
  enrolled: number;
  registered: number;
}

const HEADER_ALIASES: Record<string, keyof Omit<RosterRow, 'rowNumber'>> = {
  name: 'name',
  姓名: 'name',
  idnumber: 'idNumber',
  身份证号: 'idNumber',
  身份证号码: 'idNumber',
  phone: 'phone',
  手机号: 'phone',
  联系电话: 'phone',
  householdregioncode: 'householdRegionCode',
  户籍地区划代码: 'householdRegionCode',
  户籍地: 'householdRegionCode',
  groups: 'groups',
  人员类别: 'groups',
  人员类别代码: 'groups',
};

/** Group codes and their Chinese labels (the full label, its short form before （, and the text in （）). */
const GROUP_BY_NAME: ReadonlyMap<string, GroupCode> = (() => {
  const byName = new Map<string, GroupCode>();
  for (const code of GROUP_CODES) {
    const label = GROUP_LABELS[code];
    byName.set(code.toLowerCase(), code);
    byName.set(label, code);
    const parenthesised = /^(.+?)（(.+)）$/.exec(label);
    if (parenthesised) {
      byName.set(parenthesised[1]!, code);
      byName.set(parenthesised[2]!, code);
    }
  }
  return byName;
})();

/** The claimed groups of a roster cell, and the words that name no group. */
export function parseRosterGroups(cell: string): { codes: GroupCode[]; unknown: string[] } {
  const codes: GroupCode[] = [];
  const unknown: string[] = [];
  for (const word of cell.split(/[、,，;；/\s]+/)) {
    const trimmed = word.trim();
    if (trimmed === '') continue;
    const code = GROUP_BY_NAME.get(trimmed) ?? GROUP_BY_NAME.get(trimmed.toLowerCase());
    if (code === undefined) unknown.push(trimmed);
    else if (!codes.includes(code)) codes.push(code);
  }
  return { codes, unknown };
}

function rowsFromTable(table: string[][]): RosterRow[] {
  const [header, ...data] = table;
  if (!header) return [];
  const columns = header.map(
    (cell) => HEADER_ALIASES[cell.trim().toLowerCase()] ?? HEADER_ALIASES[cell.trim()],
  );
  if (!columns.includes('name') || !columns.includes('idNumber')) {
    throw new AppError('VALIDATION_FAILED', '名单缺少“姓名”或“身份证号”列', [
      { field: 'file', message: '表头须包含“姓名”和“身份证号”列' },
    ]);
  }
  const rows: RosterRow[] = [];
  data.forEach((cells, index) => {
    if (cells.every((cell) => cell.trim() === '')) return;
    const row: RosterRow = {
      rowNumber: index + 2,
      name: '',
      idNumber: '',
      phone: '',
      householdRegionCode: '',
      groups: '',
    };
    columns.forEach((column, columnIndex) => {
      if (column) row[column] = (cells[columnIndex] ?? '').trim();
    });
    rows.push(row);
  });
  return rows;
}

/** Reads a roster file; the format follows the file name (.xlsx or .csv). */
export async function parseRosterFile(content: Buffer, fileName: string): Promise<RosterRow[]> {
  if (/\.xlsx$/i.test(fileName)) return rowsFromTable(await readFirstSheet(content, 'date'));
  if (/\.csv$/i.test(fileName)) {
    const table = parse(content, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
    }) as string[][];
    return rowsFromTable(table);
  }
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', '名单文件须为 xlsx 或 CSV 文件', [
    { field: 'file', message: `不支持的文件：${fileName}` },
  ]);
}

async function rowProblems(
  executor: Executor,
  trainingClass: TrainingClass,
  row: RosterRow,
  seen: Map<string, number>,
): Promise<RosterRejection['reasons']> {
  const reasons: RosterRejection['reasons'] = [];
  if (row.name === '') reasons.push({ code: 'VALIDATION_FAILED', message: '姓名为空' });
  const { unknown } = parseRosterGroups(row.groups);
  if (unknown.length > 0)
    reasons.push({
      code: 'VALIDATION_FAILED',
      column: ROSTER_GROUP_COLUMN,
      message: `“${ROSTER_GROUP_COLUMN}”无法识别：${unknown.join('、')}（须为人员类别代码或名称）`,
    });
  const idProblem = idNumberProblem(row.idNumber);
  if (idProblem) reasons.push({ code: 'INVALID_ID_NUMBER', message: idProblem });
  if (row.phone !== '' && phoneProblem(row.phone))
    reasons.push({ code: 'VALIDATION_FAILED', message: '手机号格式不正确' });
  if (row.householdRegionCode !== '' && !(await findRegion(executor, row.householdRegionCode))) {
    reasons.push({ code: 'VALIDATION_FAILED', message: `户籍地区划代码不存在：${row.householdRegionCode}` });
  }
  if (idProblem) return reasons;
  const idNumber = row.idNumber.toUpperCase();
  const firstRow = seen.get(idNumber);
  if (firstRow !== undefined) reasons.push({ code: 'CONFLICT', message: `与第 ${firstRow} 行身份证号重复` });
  else seen.set(idNumber, row.rowNumber);
  const person = await findPersonByIdNumber(executor, idNumber);
  if (person) {
    if (row.name !== '' && person.name !== row.name)
      reasons.push({ code: 'VALIDATION_FAILED', message: '姓名与实名登记信息不一致' });
    if (await isEnrolled(executor, trainingClass.id, person.id))
      reasons.push({ code: 'CONFLICT', message: '已在本班名单中' });
    else {
      try {
        await assertNoOverlap(executor, trainingClass, person.id);
      } catch (error) {
        if (error instanceof AppError) reasons.push({ code: error.code, message: error.message });
        else throw error;
      }
    }
  }
  return reasons;
}

/**
 * The row's claimed groups that the person does not hold a current certification for (valid on
 * the business today, not revoked). A person not yet registered holds none. The roster never
 * certifies: these are reported, and the row is imported without any group.
 */
async function groupWarnings(executor: Executor, row: RosterRow, today: string): Promise<RosterWarning[]> {
  const { codes } = parseRosterGroups(row.groups);
  if (codes.length === 0) return [];
  const person = await findPersonByIdNumber(executor, row.idNumber);
  const certified = new Set(
    (person?.groups ?? [])
      .filter(
        (group) =>
          group.revokedOn === null &&
          group.validFrom <= today &&
          (group.validTo === null || group.validTo >= today),
      )
      .map((group) => group.groupCode),
  );
  return codes
    .filter((code) => !certified.has(code))
    .map((code) => ({
      rowNumber: row.rowNumber,
      name: row.name,
      idNumber: maskIdNumber(row.idNumber),
      column: ROSTER_GROUP_COLUMN,
      code: 'GROUP_NOT_CERTIFIED',
      message: `第 ${row.rowNumber} 行“${ROSTER_GROUP_COLUMN}”：${GROUP_LABELS[code]}未经认定（须由经办机构认定），已导入但不登记该类别`,
    }));
}

/**
 * Validates every roster row; with `accept: 'valid'` registers the new people and enrols the
 * valid rows in the caller's transaction (one transaction for the whole file). Without it,
 * nothing is written and the report lists each rejected row with its reasons.
 */
export async function importRoster(
  executor: Executor,
  context: AuditContext,
  classId: number,
  rows: readonly RosterRow[],
  options: { accept?: 'valid' },
  rules: EnrolmentRules,
): Promise<RosterReport> {
  const trainingClass = await getClass(executor, classId);
  if (!trainingClass) throw notFound('培训班', classId);
  await assertOrganisationInGoodStanding(executor, trainingClass.institutionId, {
    field: 'classId',
    action: '招收学员',
  });
  assertOpenForEnrolment(trainingClass, rules);
  const seen = new Map<string, number>();
  const rejected: RosterRejection[] = [];
  const valid: RosterRow[] = [];
  for (const row of rows) {
    const reasons = await rowProblems(executor, trainingClass, row, seen);
    if (reasons.length > 0)
      rejected.push({
        rowNumber: row.rowNumber,
        name: row.name,
        idNumber: maskIdNumber(row.idNumber),
        reasons,
      });
    else valid.push(row);
  }
  const today = chinaDateOf(rules.now);
  const warnings: RosterWarning[] = [];
  for (const row of valid) warnings.push(...(await groupWarnings(executor, row, today)));
  const report: RosterReport = {
    totalRows: rows.length,
    validRows: valid.length,
    rejected,
    warnings,
    isWritten: false,
    enrolled: 0,
    registered: 0,
  };
  if (options.accept !== 'valid') return report;
  for (const row of valid) {
    let person = await findPersonByIdNumber(executor, row.idNumber);
    if (!person) {
      person = await registerPerson(executor, context, {
        name: row.name,
        idNumber: row.idNumber,
        phone: row.phone || null,
        householdRegionCode: row.householdRegionCode || null,
        registeringRegionCode: trainingClass.regionCode,
      });
      report.registered += 1;
    }
    await enrolPerson(executor, context, classId, person.id, rules);
    report.enrolled += 1;
  }
  report.isWritten = true;
  await recordAudit(executor, context, {
    action: 'class.roster.import',
    objectType: 'training_class',
    objectId: classId,
    provinceCode: trainingClass.provinceCode,
    after: {
      totalRows: report.totalRows,
      enrolled: report.enrolled,
      rejectedRows: rejected.map((row) => row.rowNumber),
      groupWarningRows: warnings.map((warning) => warning.rowNumber),
    },
  });
  return report;
}
