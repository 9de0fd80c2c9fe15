import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  caller,
  fullAttendance,
  type Headers,
  moveClockTo,
  publishHengyangCatalog,
  type Trainee,
  trainee,
  uploadRequiredMaterials,
} from './claim-support.ts';

const PAYEE_ACCOUNT = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' };

/**
 * Attendance counts: each claim line carries the attended and scheduled class hours computed
 * from the sign-in records; Hengyang pays its catalog standard only from the minimum share on;
 * the supervision rule flags low attendance.
 */
describe('attendance counts: a trainee with 0 of the class hours or a third of them is not paid the catalog standard', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let school: Headers;
  let classId: number;
  const [absent, third, full] = [
    trainee('缺勤者', '611'),
    trainee('三分之一', '623'),
    trainee('全勤者', '635'),
  ] as [Trainee, Trainee, Trainee];

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, await harness.loginAs('hy_city'));
    // Three sessions of 4 class hours each (08:00–11:00 is 180 minutes = 4 class hours).
    const filed = await call('POST', '/api/classes', school, {
      regionCode: '430421',
      name: '养老护理员（初级）出勤',
      occupationCode: '4-10-01-05',
      level: 'primary',
      capacity: 30,
      teachingPlan: { modules: ['生活照料'] },
      teachers: [{ name: '赵老师' }],
      assessmentPlan: { method: '实操', passScore: 60 },
      sessions: [10, 11, 12].map((day) => ({
        startsAt: `2021-05-${day}T08:00:00+08:00`,
        endsAt: `2021-05-${day}T11:00:00+08:00`,
        mode: 'offline',
        topic: `第${day - 9}讲`,
      })),
    });
    expect(filed.statusCode, filed.body).toBe(201);
    classId = filed.json().id;
    const sessions = filed.json().sessions as Array<{ id: number; startsAt: string; endsAt: string }>;
    expect((await call('POST', `/api/classes/${classId}/approve`, county, {})).statusCode).toBe(200);
    for (const person of [absent, third, full]) {
      const registered = await call('POST', '/api/persons', county, {
        name: person.name,
        idNumber: person.idNumber,
        registeringRegionCode: '430421',
        groups: [
          {
            groupCode: 'registered_unemployed',
            certifierCode: 'public_employment_service',
            validFrom: '2021-01-01',
          },
        ],
      });
      expect(registered.statusCode, registered.body).toBe(201);
      person.personId = registered.json().id;
      // The institution enrols the real-name way (name and ID number).
      const enrolled = await call('POST', `/api/classes/${classId}/enrolments`, school, {
        name: person.name,
        idNumber: person.idNumber,
      });
      expect(enrolled.statusCode, enrolled.body).toBe(201);
    }
    const restore = moveClockTo(harness, '2021-05-12T18:00:00+08:00');
    const records = [
      ...fullAttendance(sessions, [full.personId]),
      ...fullAttendance(sessions.slice(0, 1), [third.personId]),
    ];
    const recorded = await call('POST', `/api/classes/${classId}/attendance`, school, { records });
    expect(recorded.statusCode, recorded.body).toBe(200);
    // All three pass the exam and hold a certificate: attendance alone makes the difference.
    for (const person of [absent, third, full]) {
      const result = await call('POST', `/api/classes/${classId}/results`, school, {
        personId: person.personId,
        score: 80,
        isPassed: true,
        examDate: '2021-05-12',
      });
      expect(result.statusCode, result.body).toBe(200);
      const certificate = await call('POST', '/api/certificates', school, {
        personId: person.personId,
        classId,
        certificateType: 'training_qualified',
        level: 'primary',
        occupationCode: '4-10-01-05',
        certificateNumber: `HY-ATT-${person.personId}`,
        issuer: '衡阳县人力资源和社会保障局',
        issuedOn: '2021-05-12',
      });
      expect(certificate.statusCode, certificate.body).toBe(201);
    }
    restore();
  });
  afterAll(async () => harness.close());

  it('each line carries attended and scheduled class hours; below 80 % the line is denied with the cited minimum', async () => {
    clock.set('2021-05-17T01:00:00Z');
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-17',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const lines = created.json().lines as Array<{
      personId: number;
      amountFen: number;
      request: { training: { classHours: number; scheduledClassHours: number } };
      decision: {
        eligible: boolean;
        denials: Array<{ code: string; citation: { doc: string; article: string } }>;
      };
    }>;
    const lineOf = (person: Trainee) => lines.find((line) => line.personId === person.personId)!;
    expect(lineOf(absent).request.training).toMatchObject({ classHours: 0, scheduledClassHours: 12 });
    expect(lineOf(third).request.training).toMatchObject({ classHours: 4, scheduledClassHours: 12 });
    expect(lineOf(full).request.training).toMatchObject({ classHours: 12, scheduledClassHours: 12 });
    for (const person of [absent, third]) {
      expect(lineOf(person).decision.eligible).toBe(false);
      expect(lineOf(person).amountFen).toBe(0);
      expect(lineOf(person).decision.denials[0]).toMatchObject({
        code: 'DURATION_OUT_OF_RANGE',
        citation: { doc: '衡人社发【2019】21号', article: '八（四）' },
      });
    }
    expect(lineOf(full).decision, JSON.stringify(lineOf(full).decision)).toMatchObject({ eligible: true });
    expect(lineOf(full).amountFen).toBe(120_000);
    expect(created.json().totalAmountFen).toBe(120_000);

    await uploadRequiredMaterials(harness, created.json().id, school);
    const submitted = await call('POST', `/api/claims/${created.json().id}/submit`, school);
    expect(submitted.statusCode, submitted.body).toBe(200);
    const alerts = (await call('GET', `/api/supervision/claims/${created.json().id}/alerts`, county)).json()
      .items as Array<{ ruleCode: string; personId: number | null }>;
    const flagged = alerts
      .filter((alert) => alert.ruleCode === 'low_attendance')
      .map((alert) => alert.personId);
    expect(flagged.sort()).toEqual([absent.personId, third.personId].sort());
  });
  it('a fully online Hengyang class: a trainee with no recorded online hours is not paid; one who attended online is', async () => {
    clock.set('2021-05-06T01:00:00Z');
    const [silent, online] = [trainee('线上未学', '647'), trainee('线上全勤', '659')] as [Trainee, Trainee];
    const filed = await call('POST', '/api/classes', school, {
      regionCode: '430421',
      name: '养老护理员（初级）全线上',
      occupationCode: '4-10-01-05',
      level: 'primary',
      capacity: 30,
      teachingPlan: { modules: ['生活照料'] },
      teachers: [{ name: '赵老师' }],
      assessmentPlan: { method: '实操', passScore: 60 },
      sessions: [17, 18, 19].map((day) => ({
        startsAt: `2021-05-${day}T08:00:00+08:00`,
        endsAt: `2021-05-${day}T11:00:00+08:00`,
        mode: 'online',
        topic: `线上第${day - 16}讲`,
      })),
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const onlineClass = filed.json().id as number;
    const sessions = filed.json().sessions as Array<{ id: number; startsAt: string; endsAt: string }>;
    expect((await call('POST', `/api/classes/${onlineClass}/approve`, county, {})).statusCode).toBe(200);
    for (const person of [silent, online]) {
      const registered = await call('POST', '/api/persons', county, {
        name: person.name,
        idNumber: person.idNumber,
        registeringRegionCode: '430421',
        groups: [
          {
            groupCode: 'registered_unemployed',
            certifierCode: 'public_employment_service',
            validFrom: '2021-01-01',
          },
        ],
      });
      expect(registered.statusCode, registered.body).toBe(201);
      person.personId = registered.json().id;
      const enrolled = await call('POST', `/api/classes/${onlineClass}/enrolments`, school, {
        name: person.name,
        idNumber: person.idNumber,
      });
      expect(enrolled.statusCode, enrolled.body).toBe(201);
    }
    clock.set('2021-05-19T10:00:00Z');
    const records = fullAttendance(sessions, [online.personId]).map((record) => ({
      ...record,
      method: 'online_platform',
    }));
    const recorded = await call('POST', `/api/classes/${onlineClass}/attendance`, school, { records });
    expect(recorded.statusCode, recorded.body).toBe(200);
    for (const person of [silent, online]) {
      const result = await call('POST', `/api/classes/${onlineClass}/results`, school, {
        personId: person.personId,
        score: 80,
        isPassed: true,
        examDate: '2021-05-19',
      });
      expect(result.statusCode, result.body).toBe(200);
      const certificate = await call('POST', '/api/certificates', school, {
        personId: person.personId,
        classId: onlineClass,
        certificateType: 'training_qualified',
        level: 'primary',
        occupationCode: '4-10-01-05',
        certificateNumber: `HY-ONLINE-${person.personId}`,
        issuer: '衡阳县职业技能培训学校',
        issuedOn: '2021-05-19',
      });
      expect(certificate.statusCode, certificate.body).toBe(201);
    }
    clock.set('2021-05-24T01:00:00Z');
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-24',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId: onlineClass, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const lines = created.json().lines as Array<{
      personId: number;
      amountFen: number;
      request: { training: { classHours: number; scheduledClassHours: number } };
      decision: { eligible: boolean; denials: Array<{ code: string }> };
    }>;
    const lineOf = (person: Trainee) => lines.find((line) => line.personId === person.personId)!;
    expect(lineOf(silent).request.training).toMatchObject({ classHours: 0, scheduledClassHours: 12 });
    expect(lineOf(silent)).toMatchObject({ amountFen: 0, decision: { eligible: false } });
    expect(lineOf(silent).decision.denials[0]!.code).toBe('DURATION_OUT_OF_RANGE');
    // Hengyang's documents set no online share (only Chongqing's does): recorded online hours count.
    expect(lineOf(online).request.training).toMatchObject({ classHours: 12, scheduledClassHours: 12 });
    expect(lineOf(online).amountFen).toBe(120_000);
    expect(created.json().totalAmountFen).toBe(120_000);
  });
});
