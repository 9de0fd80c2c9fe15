import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, type Headers, publishHengyangCatalog, trainee } from './claim-support.ts';

/**
 * The risk rules ask "has the class ended" against the business clock (app.clock), not the
 * machine's or the database's: on a training environment running on 2021 dates, a class ending
 * after the business now is not yet flagged for low attendance, and is once it has ended.
 */
describe('risk detectors on the business clock', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
  });
  afterAll(async () => harness?.close());

  it('low attendance is flagged only once the class has ended by the business clock', async () => {
    const school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, await harness.loginAs('hy_city'));
    const filed = await call('POST', '/api/classes', school, {
      regionCode: '430421',
      name: '养老护理员（初级）业务时钟',
      occupationCode: '4-10-01-05',
      level: 'primary',
      capacity: 30,
      teachingPlan: { modules: ['生活照料'] },
      teachers: [{ name: '钱老师' }],
      assessmentPlan: { method: '实操', passScore: 60 },
      sessions: [10, 11].map((day) => ({
        startsAt: `2021-05-${day}T08:00:00+08:00`,
        endsAt: `2021-05-${day}T11:00:00+08:00`,
        mode: 'offline',
        topic: `第${day - 9}讲`,
      })),
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const classId = filed.json().id as number;
    expect((await call('POST', `/api/classes/${classId}/approve`, county, {})).statusCode).toBe(200);
    const absent = trainee('未到课', '717');
    const registered = await call('POST', '/api/persons', county, {
      name: absent.name,
      idNumber: absent.idNumber,
      registeringRegionCode: '430421',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const enrolled = await call('POST', `/api/classes/${classId}/enrolments`, school, absent);
    expect(enrolled.statusCode, enrolled.body).toBe(201);

    const lowAttendanceAlerts = async () => {
      const sweep = await call('POST', '/api/supervision/sweeps', county, {});
      expect(sweep.statusCode, sweep.body).toBe(201);
      return harness.database.db
        .selectFrom('risk_alert')
        .select('person_id')
        .where('rule_code', '=', 'low_attendance')
        .where('class_id', '=', classId)
        .execute();
    };
    // Business 2021-05-10 at noon: the class (ending 2021-05-11) has not ended, though the
    // machine's clock is years past it.
    clock.set('2021-05-10T04:00:00Z');
    expect(await lowAttendanceAlerts()).toEqual([]);
    // After the last session, by the business clock: flagged.
    clock.set('2021-05-12T01:00:00Z');
    expect(await lowAttendanceAlerts()).toEqual([{ person_id: registered.json().id }]);
  });
});
