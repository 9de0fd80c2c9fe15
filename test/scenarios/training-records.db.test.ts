import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, type Headers, publishHengyangCatalog, trainee } from './claim-support.ts';
import { csvOf, idNumber, multipartFile, xlsxOf } from './training-helpers.ts';

/**
 * Records of what happened cannot be dated after the business now nor outside the class's
 * schedule; a sign-out follows its sign-in; a session is one sitting of one day.
 */
describe('training records that cannot be faked: attendance, results, certificates and enrolment', () => {
  // Thursday 6 May 2021, 09:00 China time; the class's first session is on Thursday 13 May.
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let school: Headers;
  let classId: number;
  let sessions: Array<{ id: number; startsAt: string; endsAt: string; classHours: number }>;
  const people = [trainee('甲学员', '511'), trainee('乙学员', '523')];

  const rowCount = async (table: 'attendance' | 'exam_result' | 'certificate') =>
    Number(
      (
        await harness.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('class_id', '=', classId)
          .executeTakeFirstOrThrow()
      ).count,
    );

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, await harness.loginAs('hy_city'));
    const filed = await call('POST', '/api/classes', school, {
      regionCode: '430421',
      name: '养老护理员（初级）记录真实性',
      occupationCode: '4-10-01-05',
      level: 'primary',
      capacity: 30,
      teachingPlan: { modules: ['生活照料'] },
      teachers: [{ name: '赵老师' }],
      assessmentPlan: { method: '实操', passScore: 60 },
      sessions: [13, 14].map((day) => ({
        startsAt: `2021-05-${day}T08:00:00+08:00`,
        endsAt: `2021-05-${day}T12:00:00+08:00`,
        mode: 'offline',
        topic: `第${day - 12}讲`,
      })),
    });
    expect(filed.statusCode, filed.body).toBe(201);
    classId = filed.json().id;
    sessions = filed.json().sessions;
    expect((await call('POST', `/api/classes/${classId}/approve`, county, {})).statusCode).toBe(200);
    for (const person of people) {
      const registered = await call('POST', '/api/persons', county, {
        name: person.name,
        idNumber: person.idNumber,
        registeringRegionCode: '430421',
      });
      expect(registered.statusCode, registered.body).toBe(201);
      person.personId = registered.json().id;
      // The institution enrols the real-name way (name and ID number).
      const enrolled = await call('POST', `/api/classes/${classId}/enrolments`, school, {
        name: person.name,
        idNumber: person.idNumber,
      });
      expect(enrolled.statusCode, enrolled.body).toBe(201);
      // The enrolment is dated at the business now, not the server's.
      expect(enrolled.json().enrolledAt).toBe('2021-05-06T01:00:00.000Z');
    }
  });
  afterAll(async () => harness.close());

  it('on 2021-05-06 attendance, a result and a certificate for sessions on 2021-05-13 are refused and nothing is written', async () => {
    const [first] = sessions;
    const attendance = await call('POST', `/api/classes/${classId}/attendance`, school, {
      records: [
        {
          sessionId: first!.id,
          personId: people[0]!.personId,
          event: 'sign_in',
          at: first!.startsAt,
          method: 'face',
        },
        {
          sessionId: first!.id,
          personId: people[0]!.personId,
          event: 'sign_out',
          at: first!.endsAt,
          method: 'face',
        },
      ],
    });
    expect(attendance.statusCode).toBe(422);
    expect(attendance.json().error.details.map((detail: { field: string }) => detail.field)).toEqual([
      'records[0].at',
      'records[1].at',
    ]);
    const result = await call('POST', `/api/classes/${classId}/results`, school, {
      personId: people[0]!.personId,
      score: 90,
      isPassed: true,
      examDate: '2021-05-14',
    });
    expect(result.statusCode).toBe(422);
    expect(result.json().error.details[0].field).toBe('examDate');
    const certificate = await call('POST', '/api/certificates', school, {
      personId: people[0]!.personId,
      classId,
      certificateType: 'training_qualified',
      certificateNumber: 'HY-FUTURE-1',
      issuer: '衡阳县人社局',
      issuedOn: '2021-05-15',
    });
    expect(certificate.statusCode).toBe(422);
    expect(certificate.json().error.details[0].field).toBe('issuedOn');
    expect(await rowCount('attendance')).toBe(0);
    expect(await rowCount('exam_result')).toBe(0);
    expect(await rowCount('certificate')).toBe(0);
  });

  it('after the class: a sign-in four days early and a sign-out before its sign-in are refused, naming each record', async () => {
    clock.set('2021-05-14T10:00:00Z'); // 18:00 on the last day
    const [first, second] = sessions;
    const personId = people[0]!.personId;
    const refused = await call('POST', `/api/classes/${classId}/attendance`, school, {
      records: [
        { sessionId: first!.id, personId, event: 'sign_in', at: '2021-05-09T08:00:00+08:00', method: 'face' },
        {
          sessionId: second!.id,
          personId,
          event: 'sign_in',
          at: '2021-05-14T11:00:00+08:00',
          method: 'face',
        },
        {
          sessionId: second!.id,
          personId,
          event: 'sign_out',
          at: '2021-05-14T09:00:00+08:00',
          method: 'face',
        },
      ],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details.map((detail: { field: string }) => detail.field)).toEqual([
      'records[0].at',
    ]);
    const reversed = await call('POST', `/api/classes/${classId}/attendance`, school, {
      records: [
        {
          sessionId: second!.id,
          personId,
          event: 'sign_in',
          at: '2021-05-14T11:00:00+08:00',
          method: 'face',
        },
        {
          sessionId: second!.id,
          personId,
          event: 'sign_out',
          at: '2021-05-14T09:00:00+08:00',
          method: 'face',
        },
      ],
    });
    expect(reversed.statusCode).toBe(422);
    expect(reversed.json().error.details).toEqual([
      { field: 'records[1].at', message: '签退时间须晚于签到时间' },
    ]);
    expect(await rowCount('attendance')).toBe(0);
    // A sign-out later recorded alone is checked against the stored sign-in too.
    const signIn = await call('POST', `/api/classes/${classId}/attendance`, school, {
      records: [
        {
          sessionId: second!.id,
          personId,
          event: 'sign_in',
          at: '2021-05-14T08:05:00+08:00',
          method: 'face',
        },
      ],
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const early = await call('POST', `/api/classes/${classId}/attendance`, school, {
      records: [
        {
          sessionId: second!.id,
          personId,
          event: 'sign_out',
          at: '2021-05-14T07:50:00+08:00',
          method: 'face',
        },
      ],
    });
    expect(early.statusCode).toBe(422);
    expect(early.json().error.details[0].field).toBe('records[0].at');
  });

  it('a session credits at most its scheduled hours, even when signed in early and out late within the tolerance', async () => {
    const [first] = sessions;
    const personId = people[1]!.personId;
    const recorded = await call('POST', `/api/classes/${classId}/attendance`, school, {
      records: [
        { sessionId: first!.id, personId, event: 'sign_in', at: '2021-05-13T07:35:00+08:00', method: 'face' },
        {
          sessionId: first!.id,
          personId,
          event: 'sign_out',
          at: '2021-05-13T12:25:00+08:00',
          method: 'face',
        },
      ],
    });
    expect(recorded.statusCode, recorded.body).toBe(200);
    const summary = (await call('GET', `/api/classes/${classId}/attendance`, school)).json().items;
    expect(summary.find((item: { personId: number }) => item.personId === personId)).toMatchObject({
      attendedClassHours: first!.classHours,
      scheduledClassHours: first!.classHours * 2,
      attendanceRate: 0.5,
    });
  });

  it('results and certificates: an exam before the last session, and a certificate before the exam or without a pass, are refused', async () => {
    const [alice, bob] = people;
    const early = await call('POST', `/api/classes/${classId}/results`, school, {
      personId: alice!.personId,
      score: 90,
      isPassed: true,
      examDate: '2021-05-13',
    });
    expect(early.statusCode).toBe(422);
    expect(early.json().error.details[0].field).toBe('examDate');
    for (const [person, isPassed] of [
      [alice!, true],
      [bob!, false],
    ] as const) {
      const result = await call('POST', `/api/classes/${classId}/results`, school, {
        personId: person.personId,
        score: isPassed ? 90 : 40,
        isPassed,
        examDate: '2021-05-14',
      });
      expect(result.statusCode, result.body).toBe(200);
    }
    const certificate = {
      classId,
      certificateType: 'training_qualified',
      certificateNumber: 'HY-REC-1',
      issuer: '衡阳县人社局',
      issuedOn: '2021-05-14',
    };
    const failed = await call('POST', '/api/certificates', school, {
      ...certificate,
      personId: bob!.personId,
    });
    expect(failed.statusCode).toBe(422);
    expect(failed.json().error.details[0].field).toBe('personId');
    const beforeExam = await call('POST', '/api/certificates', school, {
      ...certificate,
      personId: alice!.personId,
      issuedOn: '2021-05-13',
    });
    expect(beforeExam.statusCode).toBe(422);
    expect(beforeExam.json().error.details[0].field).toBe('issuedOn');
    const issued = await call('POST', '/api/certificates', school, {
      ...certificate,
      personId: alice!.personId,
    });
    expect(issued.statusCode, issued.body).toBe(201);
  });

  it('imports a sign-in device export (csv, xlsx): the device times are recorded, each bad row is named, nothing is written without accept', async () => {
    const [alice, bob] = people;
    const upload = (fileName: string, content: Buffer, type: string, query = '') => {
      const file = multipartFile(fileName, content, type);
      return harness.app.inject({
        method: 'POST',
        url: `/api/classes/${classId}/attendance/import${query}`,
        headers: { ...school, ...file.headers },
        payload: file.payload,
      });
    };
    const before = await rowCount('attendance');
    const csv = csvOf([
      ['身份证号', '姓名', '课次', '签到时间', '签退时间', '签到方式'],
      [bob!.idNumber, bob!.name, '2', '2021-05-14 08:02', '2021-05-14 11:58:30', '人脸识别'],
      [alice!.idNumber, '错名字', '1', '2021-05-13 08:00', '2021-05-13 12:00', ''],
      [bob!.idNumber, '', '9', '2021-05-13 08:00', '', ''],
      [bob!.idNumber, '', '1', '2021-05-13 12:00', '2021-05-13 08:00', ''],
      [alice!.idNumber, '', '2', '2021-05-20 08:00', '', ''],
      ['110101199001010000', '', '1', 'yesterday', '', '掌纹'],
    ]);
    const checked = await upload('device.csv', csv, 'text/csv');
    expect(checked.statusCode, checked.body).toBe(200);
    const report = checked.json();
    expect(report).toMatchObject({ totalRows: 6, validRows: 1, isWritten: false, recorded: 0 });
    const fieldsOf = (rowNumber: number) =>
      report.rejected
        .find((row: { rowNumber: number }) => row.rowNumber === rowNumber)
        .reasons.map((reason: { field: string }) => reason.field);
    expect(fieldsOf(3)).toEqual(['name']);
    expect(fieldsOf(4)).toEqual(['sessionNumber']);
    expect(fieldsOf(5)).toEqual(['signOutAt']);
    expect(fieldsOf(6)).toEqual(['signInAt']);
    expect(fieldsOf(7)).toEqual(expect.arrayContaining(['idNumber', 'method', 'signInAt']));
    expect(await rowCount('attendance')).toBe(before);
    const written = await upload('device.csv', csv, 'text/csv', '?accept=valid');
    expect(written.json()).toMatchObject({ validRows: 1, isWritten: true, recorded: 2 });
    const stored = await harness.database.db
      .selectFrom('attendance')
      .select(['sign_in_at', 'sign_out_at', 'sign_in_method'])
      .where('class_id', '=', classId)
      .where('person_id', '=', bob!.personId!)
      .where('session_id', '=', sessions[1]!.id)
      .executeTakeFirstOrThrow();
    // The device's times, not the schedule's (08:00–12:00).
    expect(stored.sign_in_at?.toISOString()).toBe('2021-05-14T00:02:00.000Z');
    expect(stored.sign_out_at?.toISOString()).toBe('2021-05-14T03:58:30.000Z');
    expect(stored.sign_in_method).toBe('face');

    const xlsx = await xlsxOf([
      ['idNumber', 'sessionNumber', 'signInAt', 'signOutAt'],
      [alice!.idNumber, '1', '2021-05-13T08:10:00+08:00', '2021-05-13T11:40:00+08:00'],
    ]);
    const fromXlsx = await upload(
      'device.xlsx',
      xlsx,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      '?accept=valid',
    );
    expect(fromXlsx.json()).toMatchObject({ totalRows: 1, validRows: 1, isWritten: true });
  });

  it('the device import refuses bad input naming the field and changes nothing', async () => {
    const before = await rowCount('attendance');
    const upload = async (fileName: string, content: Buffer, query = '') => {
      const file = multipartFile(fileName, content, 'application/octet-stream');
      return harness.app.inject({
        method: 'POST',
        url: `/api/classes/${classId}/attendance/import${query}`,
        headers: { ...school, ...file.headers },
        payload: file.payload,
      });
    };
    const header = await upload(
      'device.csv',
      csvOf([
        ['姓名', '时间'],
        ['甲', '2021-05-13 08:00'],
      ]),
      '?accept=valid',
    );
    expect(header.statusCode).toBe(422);
    expect(header.json().error.details[0].field).toBe('file');
    const kind = await upload('device.txt', Buffer.from('x'));
    expect(kind.statusCode).toBe(415);
    expect(kind.json().error.details[0].field).toBe('file');
    const broken = await upload('device.xlsx', Buffer.from('not a workbook'));
    expect(broken.statusCode).toBe(422);
    expect(broken.json().error.details[0].field).toBe('file');
    const query = await upload('device.csv', csvOf([['身份证号', '课次', '签到时间']]), '?accept=all');
    expect(query.statusCode).toBe(400);
    expect(query.json().error.details[0].field).toBe('querystring.accept');
    const json = await call('POST', `/api/classes/${classId}/attendance/import`, school, { file: 'x' });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.details[0].field).toBe('file');
    expect(await rowCount('attendance')).toBe(before);
  });

  it('a "session" from 2021-03-01 to 2021-09-01 is refused at filing: a session is one sitting on one day', async () => {
    const filed = await call('POST', '/api/classes', school, {
      regionCode: '430421',
      name: '半年一课次',
      occupationCode: '4-10-01-05',
      level: 'primary',
      capacity: 30,
      teachingPlan: {},
      teachers: [{ name: '赵老师' }],
      assessmentPlan: {},
      sessions: [
        {
          startsAt: '2021-06-01T08:00:00+08:00',
          endsAt: '2021-06-01T12:00:00+08:00',
          mode: 'offline',
          topic: '一',
        },
        {
          startsAt: '2021-03-01T08:00:00+08:00',
          endsAt: '2021-09-01T12:00:00+08:00',
          mode: 'offline',
          topic: '二',
        },
      ],
    });
    expect(filed.statusCode).toBe(422);
    expect(filed.json().error.details[0].field).toBe('sessions[1].endsAt');
  });

  it('enrolment by ID number and name: a wrong name for a registered ID number is refused and nothing is written', async () => {
    const known = trainee('丁学员', '547');
    const registered = await call('POST', '/api/persons', county, {
      name: known.name,
      idNumber: known.idNumber,
      registeringRegionCode: '430421',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const wrong = await call('POST', `/api/classes/${classId}/enrolments`, school, {
      name: '冒名者',
      idNumber: known.idNumber,
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.details[0].field).toBe('name');
    const roster = (await call('GET', `/api/classes/${classId}/enrolments`, school)).json();
    expect(roster.total).toBe(2);
    const right = await call('POST', `/api/classes/${classId}/enrolments`, school, {
      name: known.name,
      idNumber: known.idNumber,
    });
    expect(right.statusCode, right.body).toBe(201);
    expect(right.json()).toEqual({
      id: expect.any(Number),
      classId,
      personId: registered.json().id,
      status: 'enrolled',
      enrolledAt: expect.any(String),
    });
  });

  it('a person registered in Jiangsu: by person id the Hunan institution gets 404 and learns nothing; by ID number and name he is enrolled', async () => {
    const migrant = { name: '苏籍学员', idNumber: idNumber('320102', '19900101', '571') };
    const registered = await call('POST', '/api/persons', await harness.loginAs('nj_county'), {
      name: migrant.name,
      idNumber: migrant.idNumber,
      registeringRegionCode: '320102',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const byId = await call('POST', `/api/classes/${classId}/enrolments`, school, {
      personId: registered.json().id,
    });
    expect(byId.statusCode, byId.body).toBe(404);
    expect(byId.body).not.toContain(migrant.name);
    expect(byId.body).not.toContain('1990');
    const before = (await call('GET', `/api/classes/${classId}/enrolments`, school)).json().total;
    // An ID number alone is not the real-name way: the name is required, and named.
    const numberOnly = await call('POST', `/api/classes/${classId}/enrolments`, school, {
      idNumber: migrant.idNumber,
    });
    expect(numberOnly.statusCode).toBe(400);
    expect(numberOnly.json().error.details.map((detail: { field: string }) => detail.field)).toContain(
      'name',
    );
    expect((await call('GET', `/api/classes/${classId}/enrolments`, school)).json().total).toBe(before);
    // Never refused for the place he is registered (渝人社发〔2021〕12号 八).
    const realName = await call('POST', `/api/classes/${classId}/enrolments`, school, migrant);
    expect(realName.statusCode, realName.body).toBe(201);
    expect(Object.keys(realName.json()).sort()).toEqual([
      'classId',
      'enrolledAt',
      'id',
      'personId',
      'status',
    ]);
  });

  it('enrolment closes at the configured cutoff after the class starts (default 3 days)', async () => {
    const late = trainee('丙学员', '535');
    const registered = await call('POST', '/api/persons', county, {
      name: late.name,
      idNumber: late.idNumber,
      registeringRegionCode: '430421',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    clock.set('2021-05-17T01:00:00Z'); // four days after the first session
    const refused = await call('POST', `/api/classes/${classId}/enrolments`, school, {
      name: late.name,
      idNumber: late.idNumber,
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'ENROLMENT_CLOSED', details: [{ field: 'classId' }] });
  });
  it('the enrolment cutoff and the attendance tolerance are the configured ones, not fixed figures', async () => {
    const ownClock = new ManualClock('2021-05-06T01:00:00Z');
    const configured = await createTestApp({
      clock: ownClock,
      env: { SKILLFUND_ENROLMENT_CUTOFF_DAYS: '7', SKILLFUND_ATTENDANCE_TOLERANCE_MINUTES: '5' },
    });
    try {
      const request = caller(configured);
      const [ownCounty, ownSchool] = [
        await configured.loginAs('hy_county'),
        await configured.loginAs('hy_school'),
      ];
      await publishHengyangCatalog(configured, await configured.loginAs('hy_city'));
      const filed = await request('POST', '/api/classes', ownSchool, {
        regionCode: '430421',
        name: '配置的报名截止与考勤容差',
        occupationCode: '4-10-01-05',
        level: 'primary',
        capacity: 30,
        teachingPlan: {},
        teachers: [{ name: '赵老师' }],
        assessmentPlan: {},
        sessions: [13, 20].map((day) => ({
          startsAt: `2021-05-${day}T08:00:00+08:00`,
          endsAt: `2021-05-${day}T12:00:00+08:00`,
          mode: 'offline',
          topic: `第${day}日`,
        })),
      });
      expect(filed.statusCode, filed.body).toBe(201);
      const ownClass = filed.json().id as number;
      const [second] = filed.json().sessions.slice(1) as Array<{ id: number }>;
      expect((await request('POST', `/api/classes/${ownClass}/approve`, ownCounty, {})).statusCode).toBe(200);
      const late = trainee('七日内报名', '559');
      const registered = await request('POST', '/api/persons', ownCounty, {
        name: late.name,
        idNumber: late.idNumber,
        registeringRegionCode: '430421',
      });
      expect(registered.statusCode, registered.body).toBe(201);
      // Four days after the first session: past the default 3 days, within the configured 7.
      ownClock.set('2021-05-17T01:00:00Z');
      const enrolled = await request('POST', `/api/classes/${ownClass}/enrolments`, ownSchool, late);
      expect(enrolled.statusCode, enrolled.body).toBe(201);
      ownClock.set('2021-05-20T10:00:00Z');
      const signIn = (at: string) =>
        request('POST', `/api/classes/${ownClass}/attendance`, ownSchool, {
          records: [
            { sessionId: second!.id, personId: registered.json().id, event: 'sign_in', at, method: 'face' },
          ],
        });
      // Ten minutes early: within the default 30 minutes, outside the configured 5.
      const early = await signIn('2021-05-20T07:50:00+08:00');
      expect(early.statusCode).toBe(422);
      expect(early.json().error.details[0].field).toBe('records[0].at');
      expect((await signIn('2021-05-20T07:56:00+08:00')).statusCode).toBe(200);
    } finally {
      await configured.close();
    }
  });
});
