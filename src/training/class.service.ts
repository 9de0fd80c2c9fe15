import { type InferResult, sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, type Principal, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { type ListOrdering, orderList } from '../db/list-order.ts';
import {
  assertCatalogEntryNotWithdrawn,
  assertInstitutionAdmitted,
  findCatalogEntry,
  LEVELS,
} from '../registry/catalog.service.ts';
import { assertOccupationExists } from '../registry/occupation.service.ts';
import { getOrganisation } from '../registry/organisation.service.ts';
import { chinaDayEnd, chinaDayStart, offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import { findRegion } from '../registry/region.service.ts';
import { AppError, notFound } from '../shared/errors.ts';
import type { ListSort } from '../shared/schemas.ts';

/** One class hour (课时) is 45 minutes (渝人社发〔2021〕12号 二, and national practice). */
export const CLASS_HOUR_MINUTES = 45;

/**
 * The project types a class is filed under; a class's claims take this kind (vocabulary.md
 * SubsidyKind). 技师、高级技师培训 is for those two levels only.
 */
export const CLASS_PROJECT_KINDS = [
  'training',
  'safety_training',
  'apprenticeship',
  'directed_training',
  'technician_training',
] as const;

export type ClassStatus = 'filed' | 'approved' | 'rejected' | 'completed' | 'cancelled';

/** The states as messages and exports name them. */
export const CLASS_STATUS_LABELS: Record<ClassStatus, string> = {
  filed: '已申报待审批',
  approved: '已备案',
  rejected: '已退回',
  completed: '已结业',
  cancelled: '已取消',
};
export type SessionMode = 'offline' | 'online';

export interface ClassSession {
  id: number;
  sessionNumber: number;
  startsAt: Date;
  endsAt: Date;
  mode: SessionMode;
  classHours: number;
  topic: string;
  location: string | null;
}

export interface Teacher {
  name: string;
  qualification?: string;
  certificateNumber?: string;
}

export interface TrainingClass {
  id: number;
  provinceCode: string;
  regionCode: string;
  institutionId: number;
  classCode: string | null;
  name: string;
  occupationCode: string;
  level: string;
  subsidyKind: string;
  catalogEntryId: number | null;
  capacity: number;
  startsAt: Date;
  endsAt: Date;
  teachingPlan: unknown;
  teachers: Teacher[];
  assessmentPlan: unknown;
  status: ClassStatus;
  filedAt: Date;
  /** The business date of the filing; filedAt is when the system recorded it. */
  filedOn: string | null;
  approvedAt: Date | null;
  decisionNote: string | null;
  /** 开班备案: approved strictly before the class started. Only filed classes can ever be paid. */
  isFiled: boolean;
  sessions: ClassSession[];
}

export interface NewSession {
  startsAt: string;
  endsAt: string;
  mode: SessionMode;
  topic: string;
  location?: string | null;
}

export interface NewClass {
  /** Defaults to the caller's organisation. */
  institutionId?: number;
  regionCode: string;
  name: string;
  occupationCode: string;
  level: string;
  subsidyKind?: string;
  capacity: number;
  teachingPlan: Record<string, unknown>;
  teachers: Teacher[];
  assessmentPlan: Record<string, unknown>;
  sessions: NewSession[];
}

/** Whole 45-minute class hours in a span. */
export function classHoursBetween(startsAt: Date, endsAt: Date): number {
  return Math.max(0, Math.floor((endsAt.getTime() - startsAt.getTime()) / 60_000 / CLASS_HOUR_MINUTES));
}

export type ClassRow = {
  id: number;
  province_code: string;
  region_code: string;
  institution_id: number;
  class_code: string | null;
  name: string;
  occupation_code: string;
  level: string;
  subsidy_kind: string;
  catalog_entry_id: number | null;
  capacity: number;
  starts_at: Date;
  ends_at: Date;
  teaching_plan: unknown;
  teachers: unknown;
  assessment_plan: unknown;
  status: ClassStatus;
  filed_at: Date;
  filed_on: string | null;
  approved_at: Date | null;
  decision_note: string | null;
};

function toClass(row: ClassRow, sessions: ClassSession[]): TrainingClass {
  return {
    id: row.id,
    provinceCode: row.province_code,
    regionCode: row.region_code,
    institutionId: row.institution_id,
    classCode: row.class_code,
    name: row.name,
    occupationCode: row.occupation_code,
    level: row.level,
    subsidyKind: row.subsidy_kind,
    catalogEntryId: row.catalog_entry_id,
    capacity: row.capacity,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    teachingPlan: row.teaching_plan,
    teachers: (row.teachers as Teacher[]) ?? [],
    assessmentPlan: row.assessment_plan,
    status: row.status,
    filedAt: row.filed_at,
    filedOn: row.filed_on,
    approvedAt: row.approved_at,
    decisionNote: row.decision_note,
    isFiled: row.approved_at !== null && row.approved_at.getTime() < row.starts_at.getTime(),
    sessions,
  };
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, [{ field, message }]);
}

function checkSessions(sessions: readonly NewSession[]): { startsAt: Date; endsAt: Date }[] {
  if (sessions.length === 0) throw invalid('sessions', '课程表不能为空');
  return sessions.map((session, index) => {
    const startsAt = new Date(session.startsAt);
    const endsAt = new Date(session.endsAt);
    if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime()) || endsAt <= startsAt) {
      throw invalid(`sessions[${index}]`, '课次的结束时间须晚于开始时间');
    }
    // A session is one sitting on one day: a span of months would credit months of class hours.
    if (chinaDate(startsAt) !== chinaDate(endsAt)) {
      throw invalid(`sessions[${index}].endsAt`, '一个课次须在同一天内开始和结束');
    }
    return { startsAt, endsAt };
  });
}

/** 开班申请: files a class with its teaching plan, teachers, assessment plan and schedule. */
export async function fileClass(
  executor: Executor,
  context: AuditContext,
  input: NewClass,
): Promise<TrainingClass> {
  const institutionId = input.institutionId ?? context.actor?.organisationId ?? null;
  if (institutionId === null) throw invalid('institutionId', '须指定培训机构');
  if (context.actor?.organisationId != null && context.actor.organisationId !== institutionId) {
    throw new AppError('FORBIDDEN', '只能为本单位申请开班', [
      { field: 'institutionId', message: '属于其他单位' },
    ]);
  }
  const institution = await getOrganisation(executor, institutionId);
  if (!institution || (institution.kind !== 'institution' && institution.kind !== 'enterprise'))
    throw notFound('培训机构', institutionId);
  if (institution.status !== 'active') {
    throw new AppError('INVALID_STATE', `培训机构状态为 ${institution.status}，不能开班`, [
      { field: 'institutionId', message: institution.status },
    ]);
  }
  const region = await findRegion(executor, input.regionCode);
  if (!region) throw invalid('regionCode', `行政区划代码不存在：${input.regionCode}`);
  if (context.actor && context.actor.organisationId === null)
    assertRegionScope(context.actor, input.regionCode);
  await assertOccupationExists(executor, input.occupationCode);
  if (!(LEVELS as readonly string[]).includes(input.level))
    throw invalid('level', `等级无效：${input.level}`);
  if (input.teachers.length === 0) throw invalid('teachers', '须至少登记一名授课教师');
  const subsidyKind = input.subsidyKind ?? 'training';
  if (!(CLASS_PROJECT_KINDS as readonly string[]).includes(subsidyKind))
    throw invalid('subsidyKind', `培训项目类型无效：${subsidyKind}`);
  if (
    subsidyKind === 'technician_training' &&
    input.level !== 'technician' &&
    input.level !== 'senior_technician'
  )
    throw invalid('level', '技师、高级技师培训须为技师或高级技师等级');
  if (institution.capacity !== null && input.capacity > institution.capacity) {
    throw invalid('capacity', `班级人数超过机构培训能力（${institution.capacity}）`);
  }
  const spans = checkSessions(input.sessions);
  const startsAt = new Date(Math.min(...spans.map((span) => span.startsAt.getTime())));
  const endsAt = new Date(Math.max(...spans.map((span) => span.endsAt.getTime())));
  const provinceCode = provinceOf(input.regionCode);
  // Only an admitted institution trains (两目录一系统): an enterprise training its own employees
  // files without the institution catalog.
  if (institution.kind === 'institution')
    await assertInstitutionAdmitted(executor, {
      institutionId,
      occupationCode: input.occupationCode,
      level: input.level,
      regionCode: input.regionCode,
      on: chinaDate(startsAt),
    });
  const catalogEntry = await findCatalogEntry(executor, {
    regionCode: input.regionCode,
    occupationCode: input.occupationCode,
    level: input.level,
    on: chinaDate(startsAt),
  });
  assertCatalogEntryNotWithdrawn(catalogEntry);
  const row = await executor
    .insertInto('training_class')
    .values({
      province_code: provinceCode,
      region_code: input.regionCode,
      institution_id: institutionId,
      class_code: null,
      name: input.name,
      occupation_code: input.occupationCode,
      level: input.level,
      subsidy_kind: subsidyKind,
      catalog_entry_id: catalogEntry?.id ?? null,
      capacity: input.capacity,
      starts_at: startsAt,
      ends_at: endsAt,
      teaching_plan: JSON.stringify(input.teachingPlan),
      teachers: JSON.stringify(input.teachers),
      assessment_plan: JSON.stringify(input.assessmentPlan),
      filed_by_user_id: context.actor?.userId ?? null,
      filed_on: context.businessDate ?? null,
      approved_at: null,
      approved_by_user_id: null,
      decision_note: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ordered = input.sessions
    .map((session, index) => ({ session, span: spans[index]! }))
    .sort((a, b) => a.span.startsAt.getTime() - b.span.startsAt.getTime());
  await executor
    .insertInto('class_session')
    .values(
      ordered.map(({ session, span }, index) => ({
        province_code: provinceCode,
        class_id: row.id,
        session_number: index + 1,
        starts_at: span.startsAt,
        ends_at: span.endsAt,
        mode: session.mode,
        class_hours: classHoursBetween(span.startsAt, span.endsAt),
        topic: session.topic,
        location: session.location ?? null,
      })),
    )
    .execute();
  const filed = (await getClass(executor, row.id))!;
  await recordAudit(executor, context, {
    action: 'class.file',
    objectType: 'training_class',
    objectId: row.id,
    provinceCode,
    after: filed,
  });
  return filed;
}

/** YYYY-MM-DD of an instant in China time. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export async function getClass(executor: Executor, id: number): Promise<TrainingClass | undefined> {
  const row = await classRowQuery(executor, id).executeTakeFirst();
  if (!row) return undefined;
  return classWithSessions(row, await classSessionsQuery(executor, row).execute());
}

/** The class's own row (the first read of `getClass`). */
export function classRowQuery(executor: Executor, id: number) {
  return executor.selectFrom('training_class').selectAll().where('id', '=', id);
}

/** The sessions of a class whose row was read (to send with others: src/db/together.ts). */
export function classSessionsQuery(executor: Executor, row: { id: number; province_code: string }) {
  return executor
    .selectFrom('class_session')
    .selectAll()
    .where('province_code', '=', row.province_code)
    .where('class_id', '=', row.id)
    .orderBy('session_number');
}

/** The class from its row and the rows of `classSessionsQuery`. */
export function classWithSessions(
  row: ClassRow,
  sessions: readonly InferResult<ReturnType<typeof classSessionsQuery>>[number][],
): TrainingClass {
  return toClass(
    row,
    sessions.map((session) => ({
      id: session.id,
      sessionNumber: session.session_number,
      startsAt: session.starts_at,
      endsAt: session.ends_at,
      mode: session.mode,
      classHours: session.class_hours,
      topic: session.topic,
      location: session.location,
    })),
  );
}

/** The class if the caller may see it: own organisation, or within the caller's region subtree. */
export async function getVisibleClass(
  executor: Executor,
  principal: Principal,
  id: number,
): Promise<TrainingClass> {
  const found = await getClass(executor, id);
  if (!found) throw notFound('培训班', id);
  if (principal.organisationId !== null && principal.role !== 'third_party_reviewer') {
    if (principal.organisationId !== found.institutionId) throw notFound('培训班', id);
  } else {
    assertRegionScope(principal, found.regionCode);
  }
  return found;
}

/**
 * 开班备案 approval by the county officer: gives the class its unique code
 * `<county>-<year>-<5-digit sequence>`. Approving after the start is recorded but the class
 * stays not filed (isFiled false), so it can never be paid.
 */
export async function approveClass(
  executor: Executor,
  context: AuditContext,
  id: number,
  note?: string,
  now: Date = new Date(),
): Promise<TrainingClass> {
  const before = await getClass(executor, id);
  if (!before) throw notFound('培训班', id);
  if (context.actor) assertRegionScope(context.actor, before.regionCode);
  if (before.status !== 'filed')
    throw new AppError('INVALID_STATE', `培训班状态为 ${before.status}，不能审批`, [
      { field: 'status', message: before.status },
    ]);
  const prefix = `${before.regionCode}-${chinaDate(now).slice(0, 4)}-`;
  await sql`select pg_advisory_xact_lock(hashtext(${`class-code:${prefix}`}))`.execute(executor);
  const { count } = await executor
    .selectFrom('training_class')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('province_code', '=', before.provinceCode)
    .where('class_code', 'like', `${prefix}%`)
    .executeTakeFirstOrThrow();
  const classCode = `${prefix}${String(Number(count) + 1).padStart(5, '0')}`;
  await executor
    .updateTable('training_class')
    .set({
      status: 'approved',
      class_code: classCode,
      approved_at: now,
      approved_by_user_id: context.actor?.userId ?? null,
      decision_note: note ?? null,
    })
    .where('id', '=', id)
    .execute();
  const after = (await getClass(executor, id))!;
  await recordAudit(executor, context, {
    action: 'class.approve',
    objectType: 'training_class',
    objectId: id,
    provinceCode: before.provinceCode,
    before: { status: before.status },
    after: { status: after.status, classCode, approvedAt: now, isFiled: after.isFiled },
  });
  return after;
}

/**
 * 结业: the institution closes an approved class once its last session has ended (on the business
 * clock). The class keeps its records; a completed class still takes its results, certificates and
 * claims, and no longer takes new trainees.
 */
export async function completeClass(
  executor: Executor,
  context: AuditContext,
  id: number,
  now: Date,
): Promise<TrainingClass> {
  const before = await getClass(executor, id);
  if (!before) throw notFound('培训班', id);
  if (context.actor) {
    if (context.actor.organisationId !== null) {
      if (context.actor.organisationId !== before.institutionId) throw notFound('培训班', id);
    } else assertRegionScope(context.actor, before.regionCode);
  }
  if (before.status !== 'approved')
    throw new AppError(
      'INVALID_STATE',
      `培训班状态为“${CLASS_STATUS_LABELS[before.status]}”，只有已备案的班级可以结业`,
      [{ field: 'status', message: before.status }],
    );
  const lastEnd = before.sessions.reduce(
    (latest, session) => Math.max(latest, new Date(session.endsAt).getTime()),
    new Date(before.endsAt).getTime(),
  );
  if (lastEnd > now.getTime())
    throw new AppError(
      'INVALID_STATE',
      `培训尚未结束（最后一次课程结束于 ${chinaDate(new Date(lastEnd))}），不能结业`,
      [{ field: 'endsAt', message: '培训尚未结束' }],
    );
  await executor.updateTable('training_class').set({ status: 'completed' }).where('id', '=', id).execute();
  const after = (await getClass(executor, id))!;
  await recordAudit(executor, context, {
    action: 'class.complete',
    objectType: 'training_class',
    objectId: id,
    provinceCode: before.provinceCode,
    before: { status: before.status },
    after: { status: after.status },
  });
  return after;
}

/** Refuses a filing, with the reason. */
export async function rejectClass(
  executor: Executor,
  context: AuditContext,
  id: number,
  reason: string,
): Promise<TrainingClass> {
  const before = await getClass(executor, id);
  if (!before) throw notFound('培训班', id);
  if (context.actor) assertRegionScope(context.actor, before.regionCode);
  if (before.status !== 'filed')
    throw new AppError('INVALID_STATE', `培训班状态为 ${before.status}，不能驳回`, [
      { field: 'status', message: before.status },
    ]);
  await executor
    .updateTable('training_class')
    .set({ status: 'rejected', decision_note: reason })
    .where('id', '=', id)
    .execute();
  await recordAudit(executor, context, {
    action: 'class.reject',
    objectType: 'training_class',
    objectId: id,
    provinceCode: before.provinceCode,
    before: { status: before.status },
    after: { status: 'rejected', reason },
  });
  return (await getClass(executor, id))!;
}

/** Refuses (409 CLASS_NOT_APPROVED) work on a class that has not been approved. */
export function assertApproved(trainingClass: TrainingClass): void {
  if (
    trainingClass.approvedAt === null ||
    (trainingClass.status !== 'approved' && trainingClass.status !== 'completed')
  ) {
    throw new AppError('CLASS_NOT_APPROVED', `培训班未经开班备案审批：${trainingClass.name}`, [
      {
        field: 'classId',
        message: `培训班 ${trainingClass.id} 尚未开班备案`,
        status: trainingClass.status,
        classId: trainingClass.id,
      },
    ]);
  }
}

/** The fields the class list sorts by (`sort=`), each a property of its items. */
export const CLASS_SORT_FIELDS = [
  'id',
  'name',
  'classCode',
  'capacity',
  'startsAt',
  'endsAt',
  'filedOn',
  'filedAt',
] as const;
export type ClassSortField = (typeof CLASS_SORT_FIELDS)[number];

const CLASS_ORDERING: ListOrdering<ClassSortField> = {
  columns: {
    id: 'id',
    name: 'name',
    classCode: 'class_code',
    capacity: 'capacity',
    startsAt: 'starts_at',
    endsAt: 'ends_at',
    filedOn: 'filed_on',
    filedAt: 'filed_at',
  },
  textFields: ['name', 'classCode'],
  id: 'id',
  byDefault: { sort: 'startsAt', order: 'desc' },
};

export interface ClassListQuery extends PageRequest, ListSort<ClassSortField> {
  regionCode?: string;
  status?: ClassStatus;
  institutionId?: number;
  occupationCode?: string;
  startsFrom?: string;
  startsTo?: string;
}

export async function listClasses(
  executor: Executor,
  principal: Principal,
  query: ClassListQuery,
): Promise<Page<Omit<TrainingClass, 'sessions'>>> {
  let base = executor.selectFrom('training_class');
  if (principal.organisationId !== null && principal.role !== 'third_party_reviewer') {
    base = base.where('institution_id', '=', principal.organisationId);
  } else {
    base = base.where('region_code', 'like', regionLikePattern(principal.regionCode));
  }
  if (query.regionCode) base = base.where('region_code', 'like', regionLikePattern(query.regionCode));
  if (query.status) base = base.where('status', '=', query.status);
  if (query.institutionId) base = base.where('institution_id', '=', query.institutionId);
  if (query.occupationCode) base = base.where('occupation_code', '=', query.occupationCode);
  if (query.startsFrom) base = base.where('starts_at', '>=', chinaDayStart(query.startsFrom));
  if (query.startsTo) base = base.where('starts_at', '<', chinaDayEnd(query.startsTo));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await orderList(base.selectAll(), CLASS_ORDERING, query)
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return {
    items: rows.map((row) => {
      const { sessions: _sessions, ...rest } = toClass(row, []);
      return rest;
    }),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}
