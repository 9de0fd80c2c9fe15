import type { Selectable } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { assertApproved, CLASS_HOUR_MINUTES, getClass, type TrainingClass } from './class.service.ts';
import { enrolledPersonIds, isEnrolled } from './enrolment.service.ts';
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

/**
 * Records sign-in and sign-out events (time, method, location). Refuses (409
 * CLASS_NOT_APPROVED) a class that has not been approved, and people not on the roster.
 */
export async function recordAttendance(
  executor: Executor,
  context: AuditContext,
  classId: number,
  events: readonly AttendanceEvent[],
): Promise<{ recorded: number }> {
  const trainingClass = await getClass(executor, classId);
  if (!trainingClass) throw notFound('培训班', classId);
  assertApproved(trainingClass);
  for (const [index, event] of events.entries()) {
    const session = trainingClass.sessions.find((candidate) => candidate.id === event.sessionId);
    if (!session)
      throw new AppError('VALIDATION_FAILED', '课次不属于本班', [
        { field: `records[${index}].sessionId`, message: 'unknown session' },
      ]);
    if (!(await isEnrolled(executor, classId, event.personId))) {
      throw new AppError('VALIDATION_FAILED', '该人员不在本班名单中', [
        { field: `records[${index}].personId`, message: 'not enrolled' },
      ]);
    }
    const at = new Date(event.at);
    if (Number.isNaN(at.getTime()))
      throw new AppError('VALIDATION_FAILED', '签到时间无效', [
        { field: `records[${index}].at`, message: 'invalid time' },
      ]);
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
        class_id: classId,
        session_id: session.id,
        person_id: event.personId,
        ...values,
      })
      .onConflict((conflict) =>
        conflict.columns(['province_code', 'session_id', 'person_id']).doUpdateSet(values),
      )
      .execute();
  }
  await recordAudit(executor, context, {
    action: 'attendance.record',
    objectType: 'training_class',
    objectId: classId,
    provinceCode: trainingClass.provinceCode,
    after: { events: events.length },
  });
  return { recorded: events.length };
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
    .where('class_id', '=', trainingClass.id);
  if (!isWholeRoster) query = query.where('person_id', 'in', [...personIds]);
  const rows = await query.execute();
  const scheduled = trainingClass.sessions.reduce((sum, session) => sum + session.classHours, 0);
  return personIds.map((personId) => summarise(trainingClass, personId, rows, scheduled));
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
  return summariesOf(executor, trainingClass, await enrolledPersonIds(executor, trainingClass.id), true);
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
