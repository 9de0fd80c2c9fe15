import { sql } from 'kysely';
import { type AttendanceReader, sessionAttendanceReader } from '../claims/claim.batch.ts';

/**
 * The generated province-year's attendance: session-level rows for the sampled classes (read as
 * in production) and per-trainee totals in `bench_attendance_total` for the others.
 */
export const benchAttendanceReader: AttendanceReader = async (executor, classIds) => {
  const hours = await sessionAttendanceReader(executor, classIds);
  const totals = await sql<{
    class_id: number;
    person_id: number;
    offline_class_hours: number;
    online_class_hours: number;
  }>`
    select class_id, person_id, offline_class_hours, online_class_hours from bench_attendance_total
    where class_id = any(${[...classIds]}::bigint[])`.execute(executor);
  for (const row of totals.rows) {
    hours.set(`${row.class_id}:${row.person_id}`, {
      offlineClassHours: row.offline_class_hours,
      onlineClassHours: row.online_class_hours,
    });
  }
  return hours;
};
