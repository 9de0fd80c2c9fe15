import type { Selectable } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { assertApproved, CLASS_HOUR_MINUTES, getClass, type TrainingClass } from './class.service.ts';
import { enrolledPersonIds, enrolledPersonIdsQuery, isEnrolled } from './enrolment.service.ts';
import type { AttendanceTable } from './training.table.ts';

export const ATTENDANCE_METHODS = [
  'face',
  'fingerprint',
  'qr_code',
  'id_card',
  'manual',
  'online_platform',
] as const;
export type AttendanceMethod = (typeof ATTENDANCE_METHODS)[number];

export interface AttendanceEvent {
  sessionId: number;
  personId: number;
  event: 'sign_in' | 'sign_out';
  at: string;
  method: AttendanceMethod;
  latitude?: number | null;
  longitude?: number | null;
}

/** What a record of attendance is checked against: the business now and the schedule's tolerance. */
export interface AttendanceRules {
  /** The business now (`app.clock`): nothing is recorded as happening after it. */
  now: Date;
  /** Minutes before a session's start and after its end within which a sign-in or sign-out is accepted. */
  toleranceMinutes: number;
}

/** Default tolerance around each session (SKILLFUND_ATTENDANCE_TOLERANCE_MINUTES). */
export const DEFAULT_ATTENDANCE_TOLERANCE_MINUTES = 30;

type Detail = { field: string; message: string };

/**
 * The problems of one event: an unknown session, a person not on the roster, a time after the
 * business now or outside the session's schedule (with the tolerance).
 */
async function eventProblems(
  executor: Executor,
  trainingClass: TrainingClass,
  event: AttendanceEvent,
  index: number,
  rules: AttendanceRules,
): Promise<Detail[]> {
  const problems: Detail[] = [];
  const session = trainingClass.sessions.find((candidate) => candidate.id === event.sessionId);
  if (!session) problems.push({ field: `records[${index}].sessionId`, message: '课次不属于本班' });
  if (!(await isEnrolled(executor, trainingClass.id, event.personId)))
    problems.push({ field: `records[${index}].personId`, message: '该人员不在本班名单中' });
  const at = new Date(event.at);
  if (Number.isNaN(at.getTime())) {
    problems.push({ field: `records[${index}].at`, message: '签到签退时间无效' });
    return problems;
  }
  if (at.getTime() > rules.now.getTime())
    problems.push({
      field: `records[${index}].at`,
      message: '签到签退时间晚于当前业务时间，不能记录尚未发生的事',
    });
  else if (session) {
    const tolerance = rules.toleranceMinutes * 60_000;
    if (
      at.getTime() < session.startsAt.getTime() - tolerance ||
      at.getTime() > session.endsAt.getTime() + tolerance
    ) {
      problems.push({
        field: `records[${index}].at`,
        message: `签到签退时间不在第${session.sessionNumber}次课的课表时间内（前后各允许 ${rules.toleranceMinutes} 分钟）`,
      });
    }
  }
  return problems;
}

/**
 * After the events apply to the stored rows, every sign-out must follow its sign-in. Names the
 * event (the last of its pair in the request) that breaks the order.
 */
async function orderProblems(
  executor: Executor,
  classId: number,
  events: readonly AttendanceEvent[],
): Promise<Detail[]> {
  const stored = await executor
    .selectFrom('attendance')
    .select(['session_id', 'person_id', 'sign_in_at', 'sign_out_at'])
    .where('class_id', '=', classId)
    .where('person_id', 'in', [...new Set(events.map((event) => event.personId))])
    .execute();
  const pairs = new Map<string, { signIn: Date | null; signOut: Date | null; lastIndex: number }>();
  for (const row of stored)
    pairs.set(`${row.session_id}:${row.person_id}`, {
      signIn: row.sign_in_at,
      signOut: row.sign_out_at,
      lastIndex: -1,
    });
  events.forEach((event, index) => {
    const key = `${event.sessionId}:${event.personId}`;
    const pair = pairs.get(key) ?? { signIn: null, signOut: null, lastIndex: index };
    if (event.event === 'sign_in') pair.signIn = new Date(event.at);
    else pair.signOut = new Date(event.at);
    pair.lastIndex = index;
    pairs.set(key, pair);
  });
  const problems: Detail[] = [];
  for (const pair of pairs.values()) {
    if (pair.lastIndex < 0 || !pair.signIn || !pair.signOut) continue;
    if (pair.signOut.getTime() <= pair.signIn.getTime())
      problems.push({ field: `records[${pair.lastIndex}].at`, message: '签退时间须晚于签到时间' });
  }
  return problems;
}

/**
 * Records sign-in and sign-out events (time, method, location). Refuses (409
 * CLASS_NOT_APPROVED) a class that has not been approved; refuses (422, naming each bad record)
 * people not on the roster, a time after the business now or outside its session's schedule
 * (with the configured tolerance), and a sign-out that does not follow its sign-in. Nothing is
 * written unless every event is acceptable.
 */
export async function recordAttendance(
  executor: Executor,
  context: AuditContext,
  classId: number,
  events: readonly AttendanceEvent[],
  rules: AttendanceRules,
): Promise<{ recorded: number }> {
  const trainingClass = await getClass(executor, classId);
  if (!trainingClass) throw notFound('培训班', classId);
  assertApproved(trainingClass);
  const problems: Detail[] = [];
  for (const [index, event] of events.entries())
    problems.push(...(await eventProblems(executor, trainingClass, event, index, rules)));
  if (problems.length === 0) problems.push(...(await orderProblems(executor, classId, events)));
  if (problems.length > 0)
    throw new AppError('VALIDATION_FAILED', `签到签退记录有误：${problems[0]!.message}`, problems);
  for (const event of events) await writeEvent(executor, trainingClass, event);
  await recordAudit(executor, context, {
    action: 'attendance.record',
    objectType: 'training_class',
    objectId: classId,
    provinceCode: trainingClass.provinceCode,
    after: { events: events.length },
  });
  return { recorded: events.length };
}

async function writeEvent(
  executor: Executor,
  trainingClass: TrainingClass,
  event: AttendanceEvent,
): Promise<void> {
  const at = new Date(event.at);
  const location = { latitude: event.latitude ?? null, longitude: event.longitude ?? null };
  const values =
    event.event === 'sign_in'
      ? {
          sign_in_at: at,
          sign_in_method: event.method,
          sign_in_latitude: location.latitude,
          sign_in_longitude: location.longitude,
        }
      : {
          sign_out_at: at,
          sign_out_method: event.method,
          sign_out_latitude: location.latitude,
          sign_out_longitude: location.longitude,
        };
  await executor
    .insertInto('attendance')
    .values({
      province_code: trainingClass.provinceCode,
      class_id: trainingClass.id,
      session_id: event.sessionId,
      person_id: event.personId,
      ...values,
    })
    .onConflict((conflict) =>
      conflict.columns(['province_code', 'session_id', 'person_id']).doUpdateSet(values),
    )
    .execute();
}

/** Attendance of one trainee in one class, in 45-minute class hours. */
export interface TraineeAttendance {
  personId: number;
  scheduledClassHours: number;
  offlineClassHours: number;
  onlineClassHours: number;
  attendedClassHours: number;
  /** attended / scheduled, 0–1, rounded to 4 decimals. */
  attendanceRate: number;
  sessionsAttended: number;
}

/**
 * A session counts the whole class hours that lie between sign-in and sign-out within the
 * session, never more than the session's scheduled hours; a missing sign-out counts nothing.
 */
function attendedHours(
  session: TrainingClass['sessions'][number],
  signInAt: Date | null,
  signOutAt: Date | null,
): number {
  if (!signInAt || !signOutAt) return 0;
  const from = Math.max(signInAt.getTime(), session.startsAt.getTime());
  const to = Math.min(signOutAt.getTime(), session.endsAt.getTime());
  if (to <= from) return 0;
  return Math.min(session.classHours, Math.floor((to - from) / 60_000 / CLASS_HOUR_MINUTES));
}

type AttendanceRow = Pick<
  Selectable<AttendanceTable>,
  'person_id' | 'session_id' | 'sign_in_at' | 'sign_out_at'
>;

/** Sums one trainee's attended hours over the class's attendance rows. */
function summarise(
  trainingClass: TrainingClass,
  personId: number,
  rows: readonly AttendanceRow[],
  scheduled: number,
): TraineeAttendance {
  const summary: TraineeAttendance = {
    personId,
    scheduledClassHours: scheduled,
    offlineClassHours: 0,
    onlineClassHours: 0,
    attendedClassHours: 0,
    attendanceRate: 0,
    sessionsAttended: 0,
  };
  for (const row of rows.filter((candidate) => candidate.person_id === personId)) {
    const session = trainingClass.sessions.find((candidate) => candidate.id === row.session_id);
    if (!session) continue;
    const hours = attendedHours(session, row.sign_in_at, row.sign_out_at);
    if (hours > 0) summary.sessionsAttended += 1;
    if (session.mode === 'online') summary.onlineClassHours += hours;
    else summary.offlineClassHours += hours;
  }
  summary.attendedClassHours = summary.offlineClassHours + summary.onlineClassHours;
  summary.attendanceRate =
    scheduled === 0 ? 0 : Math.round((summary.attendedClassHours / scheduled) * 10_000) / 10_000;
  return summary;
}

/** Summaries of these trainees; `isWholeRoster` reads the class's rows without a person list. */
async function summariesOf(
  executor: Executor,
  trainingClass: TrainingClass,
  personIds: readonly number[],
  isWholeRoster: boolean,
): Promise<TraineeAttendance[]> {
  if (personIds.length === 0) return [];
  let query = executor
    .selectFrom('attendance')
    .select(['person_id', 'session_id', 'sign_in_at', 'sign_out_at'])
    .where('province_code', '=', trainingClass.provinceCode)
    .where('class_id', '=', trainingClass.id);
  if (!isWholeRoster) query = query.where('person_id', 'in', [...personIds]);
  const rows = await query.execute();
  const scheduled = trainingClass.sessions.reduce((sum, session) => sum + session.classHours, 0);
  return personIds.map((personId) => summarise(trainingClass, personId, rows, scheduled));
}

/**
 * The statements of `rosterAttendance` for a class whose row was read: the roster and the class's
 * attendance rows (to send with others: src/db/together.ts).
 */
export function rosterAttendanceQueries(executor: Executor, row: { id: number; province_code: string }) {
  return [
    enrolledPersonIdsQuery(executor, row.id, row.province_code),
    executor
      .selectFrom('attendance')
      .select(['person_id', 'session_id', 'sign_in_at', 'sign_out_at'])
      .where('province_code', '=', row.province_code)
      .where('class_id', '=', row.id),
  ] as const;
}

/** `rosterAttendance` from the rows of `rosterAttendanceQueries`. */
export function rosterAttendanceFrom(
  trainingClass: TrainingClass,
  roster: readonly { person_id: number }[],
  rows: readonly AttendanceRow[],
): TraineeAttendance[] {
  const scheduled = trainingClass.sessions.reduce((sum, session) => sum + session.classHours, 0);
  return roster.map(({ person_id }) => summarise(trainingClass, person_id, rows, scheduled));
}

/** Attended class hours (offline/online) and attendance rate of every trainee on the roster. */
export async function attendanceSummary(executor: Executor, classId: number): Promise<TraineeAttendance[]> {
  const trainingClass = await getClass(executor, classId);
  if (!trainingClass) throw notFound('培训班', classId);
  return rosterAttendance(executor, trainingClass);
}

/** One trainee's attendance summary in a class the caller has already read (only his rows are read). */
export async function traineeAttendance(
  executor: Executor,
  trainingClass: TrainingClass,
  personId: number,
): Promise<TraineeAttendance> {
  return (await summariesOf(executor, trainingClass, [personId], false))[0]!;
}

/** `attendanceSummary` of a class the caller has already read (with its sessions). */
export async function rosterAttendance(
  executor: Executor,
  trainingClass: TrainingClass,
): Promise<TraineeAttendance[]> {
  return summariesOf(
    executor,
    trainingClass,
    await enrolledPersonIds(executor, trainingClass.id, trainingClass.provinceCode),
    true,
  );
}

/**
 * One page of the attendance summary, trainees in roster order. Only the page's trainees'
 * attendance rows are read, so a large class costs one page of work per request.
 */
export async function attendanceSummaryPage(
  executor: Executor,
  classId: number,
  request: PageRequest,
): Promise<Page<TraineeAttendance>> {
  const trainingClass = await getClass(executor, classId);
  if (!trainingClass) throw notFound('培训班', classId);
  const roster = executor
    .selectFrom('enrolment')
    .where('class_id', '=', classId)
    .where('status', '=', 'enrolled');
  const { total } = await roster
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await roster
    .select('person_id')
    .orderBy('id')
    .limit(request.pageSize)
    .offset(offsetOf(request))
    .execute();
  const items = await summariesOf(
    executor,
    trainingClass,
    rows.map((row) => row.person_id),
    false,
  );
  return { items, total: Number(total), page: request.page, pageSize: request.pageSize };
}

// ---------------------------------------------------------------------------------------------
// Import of a sign-in device's export (xlsx or csv): every row checked, nothing written unless
// accepted, and then only the valid rows. The times are the device's, never the schedule's.

/** One row of a device export: who, which session, when they signed in and out. */
export interface DeviceRow {
  /** 1-based line in the file (the header is row 1). */
  rowNumber: number;
  idNumber: string;
  name: string;
  sessionNumber: string;
  signInAt: string;
  signOutAt: string;
  method: string;
}

export interface DeviceImportReport {
  totalRows: number;
  validRows: number;
  rejected: { rowNumber: number; reasons: { field: string; message: string }[] }[];
  /** True only when accept=valid was passed and the valid rows were written. */
  isWritten: boolean;
  recorded: number;
}

const DEVICE_HEADERS: Record<string, keyof Omit<DeviceRow, 'rowNumber'>> = {
  idnumber: 'idNumber',
  身份证号: 'idNumber',
  身份证号码: 'idNumber',
  name: 'name',
  姓名: 'name',
  sessionnumber: 'sessionNumber',
  课次: 'sessionNumber',
  signinat: 'signInAt',
  签到时间: 'signInAt',
  signoutat: 'signOutAt',
  签退时间: 'signOutAt',
  method: 'method',
  签到方式: 'method',
};

const METHOD_LABELS: Record<string, AttendanceMethod> = {
  人脸识别: 'face',
  人脸: 'face',
  指纹: 'fingerprint',
  扫码: 'qr_code',
  二维码: 'qr_code',
  身份证: 'id_card',
  人工: 'manual',
  线上平台: 'online_platform',
};

/** Rows of a device export table (header first); refuses a file without the needed columns. */
export function deviceRowsFromTable(table: readonly string[][]): DeviceRow[] {
  const [header, ...data] = table;
  const columns = (header ?? []).map(
    (cell) => DEVICE_HEADERS[cell.trim().toLowerCase()] ?? DEVICE_HEADERS[cell.trim()],
  );
  const missing = (['idNumber', 'sessionNumber'] as const).filter((column) => !columns.includes(column));
  if (missing.length > 0 || (!columns.includes('signInAt') && !columns.includes('signOutAt'))) {
    throw new AppError('VALIDATION_FAILED', '签到记录缺少“身份证号”“课次”或“签到时间/签退时间”列', [
      { field: 'file', message: '表头须含 身份证号、课次、签到时间 或 签退时间' },
    ]);
  }
  const rows: DeviceRow[] = [];
  data.forEach((cells, index) => {
    if (cells.every((cell) => cell.trim() === '')) return;
    const row: DeviceRow = {
      rowNumber: index + 2,
      idNumber: '',
      name: '',
      sessionNumber: '',
      signInAt: '',
      signOutAt: '',
      method: '',
    };
    columns.forEach((column, columnIndex) => {
      if (column) row[column] = (cells[columnIndex] ?? '').trim();
    });
    rows.push(row);
  });
  return rows;
}

/** A device time: ISO 8601 with an offset, or `YYYY-MM-DD HH:mm[:ss]` read as China time. */
function deviceInstant(value: string): Date | null {
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2})?$/.exec(value);
  const text = local ? `${local[1]}T${local[2]}${local[3] ?? ':00'}+08:00` : value;
  if (!local && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    return null;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

/** The events of one device row, or the row's problems. */
async function deviceRowEvents(
  trainingClass: TrainingClass,
  row: DeviceRow,
  lookUp: (idNumber: string) => Promise<{ id: number; name: string } | undefined>,
): Promise<{ events: AttendanceEvent[]; problems: Detail[] }> {
  const problems: Detail[] = [];
  const person = row.idNumber === '' ? undefined : await lookUp(row.idNumber.toUpperCase());
  if (!person) problems.push({ field: 'idNumber', message: '身份证号未登记' });
  else if (row.name !== '' && row.name !== person.name)
    problems.push({ field: 'name', message: '姓名与实名登记信息不一致' });
  const session = trainingClass.sessions.find(
    (candidate) => String(candidate.sessionNumber) === row.sessionNumber,
  );
  if (!session)
    problems.push({ field: 'sessionNumber', message: `本班没有第 ${row.sessionNumber || '?'} 次课` });
  const method = row.method === '' ? 'face' : (METHOD_LABELS[row.method] ?? row.method);
  if (!(ATTENDANCE_METHODS as readonly string[]).includes(method))
    problems.push({ field: 'method', message: `签到方式无效：${row.method}` });
  const events: AttendanceEvent[] = [];
  for (const [field, event] of [
    ['signInAt', 'sign_in'],
    ['signOutAt', 'sign_out'],
  ] as const) {
    if (row[field] === '') continue;
    const instant = deviceInstant(row[field]);
    if (!instant) problems.push({ field, message: `时间格式无效：${row[field]}` });
    else if (person && session)
      events.push({
        sessionId: session.id,
        personId: person.id,
        event,
        at: instant.toISOString(),
        method: method as AttendanceMethod,
      });
  }
  if (row.signInAt === '' && row.signOutAt === '')
    problems.push({ field: 'signInAt', message: '签到时间和签退时间均为空' });
  return { events, problems };
}

/**
 * Checks every row of a device export against the roster, the schedule (with the tolerance),
 * the business now and the sign-in/sign-out order; with `accept: 'valid'` records the valid rows.
 */
export async function importDeviceAttendance(
  executor: Executor,
  context: AuditContext,
  classId: number,
  rows: readonly DeviceRow[],
  options: {
    accept?: 'valid';
    rules: AttendanceRules;
    lookUp: (idNumber: string) => Promise<{ id: number; name: string } | undefined>;
  },
): Promise<DeviceImportReport> {
  const trainingClass = await getClass(executor, classId);
  if (!trainingClass) throw notFound('培训班', classId);
  assertApproved(trainingClass);
  const report: DeviceImportReport = {
    totalRows: rows.length,
    validRows: 0,
    rejected: [],
    isWritten: false,
    recorded: 0,
  };
  const valid: AttendanceEvent[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const { events, problems } = await deviceRowEvents(trainingClass, row, options.lookUp);
    for (const [index, event] of events.entries()) {
      const found = await eventProblems(executor, trainingClass, event, index, options.rules);
      const timeField = event.event === 'sign_in' ? 'signInAt' : 'signOutAt';
      problems.push(
        ...found.map((problem) => ({
          ...problem,
          field: problem.field.endsWith('.personId') ? 'idNumber' : timeField,
        })),
      );
    }
    const key = events[0] ? `${events[0].sessionId}:${events[0].personId}` : null;
    if (key && seen.has(key))
      problems.push({ field: 'sessionNumber', message: `与第 ${seen.get(key)} 行重复` });
    if (problems.length === 0) {
      const order = await orderProblems(executor, classId, events);
      problems.push(...order.map(() => ({ field: 'signOutAt', message: '签退时间须晚于签到时间' })));
    }
    if (key && !seen.has(key)) seen.set(key, row.rowNumber);
    if (problems.length > 0) report.rejected.push({ rowNumber: row.rowNumber, reasons: problems });
    else {
      report.validRows += 1;
      valid.push(...events);
    }
  }
  if (options.accept !== 'valid') return report;
  for (const event of valid) await writeEvent(executor, trainingClass, event);
  report.recorded = valid.length;
  report.isWritten = true;
  await recordAudit(executor, context, {
    action: 'attendance.import',
    objectType: 'training_class',
    objectId: classId,
    provinceCode: trainingClass.provinceCode,
    after: {
      totalRows: report.totalRows,
      recorded: valid.length,
      rejectedRows: report.rejected.map((row) => row.rowNumber),
    },
  });
  return report;
}
