import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { creditCode, futureAt, idNumber, multipartFile, withWrongCheck, xlsxOf } from './training-helpers.ts';

type Headers = { authorization: string };

describe('class lifecycle through the HTTP API: institution → catalog → class → roster → attendance → certificates → archive', () => {
  let harness: TestApp;
  /** Starts now; moves past the class before what happened in it is recorded. */
  const clock = new ManualClock(new Date());
  let county: Headers;
  let city: Headers;
  let school: Headers;
  let institutionId: number;
  let classId: number;
  const alice = { name: '王丽', idNumber: idNumber('430421', '19900101', '002') };
  const bob = { name: '李强', idNumber: idNumber('430405', '19850615', '013') };

  const call = async (method: 'GET' | 'POST', url: string, headers: Headers, payload?: unknown) =>
    harness.app.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
  });
  afterAll(async () => harness.close());

  it('registers a training institution and its operator', async () => {
    const created = await call('POST', '/api/organisations', county, {
      kind: 'institution',
      regionCode: '430421',
      name: '衡阳县阳光职业培训学校',
      creditCode: creditCode('52430421MJJ00002X'.slice(0, 17)),
      licenceNumber: '湘人社民培430421009',
      capacity: 100,
      allowedOccupationCodes: ['4-10-01-05'],
    });
    expect(created.statusCode, created.body).toBe(201);
    institutionId = created.json().id;
    const operator = await call('POST', `/api/organisations/${institutionId}/operators`, county, {
      loginName: 'sunshine_school',
      displayName: '阳光学校教务',
      password: 'Yg7#water-Lily-42',
    });
    expect(operator.statusCode, operator.body).toBe(201);
    expect(operator.json().role).toBe('institution_operator');
    const login = await harness.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { loginName: 'sunshine_school', password: 'Yg7#water-Lily-42' },
    });
    expect(login.statusCode).toBe(200);
    school = { authorization: `Bearer ${login.json().token}` };
  });

  it('publishes the city catalog (audited) and lists the institution in the institution catalog', async () => {
    const version = await call('POST', '/api/catalog/versions', city, {
      regionCode: '430400',
      title: '衡阳市2026年职业技能培训补贴标准目录',
      effectiveFrom: '2026-01-01',
      citation: { document: '衡人社发【2019】21号', article: '三（一）' },
      entries: [
        {
          occupationCode: '4-10-01-05',
          level: 'primary',
          standardAmountFen: 120_000,
          standardDays: 15,
          standardClassHours: 90,
          isShortage: true,
        },
        {
          occupationCode: '4-03-02-01',
          level: 'primary',
          standardAmountFen: 100_000,
          standardDays: 12,
          standardClassHours: 72,
        },
      ],
    });
    expect(version.statusCode, version.body).toBe(201);
    const published = await call('POST', `/api/catalog/versions/${version.json().id}/publish`, city);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json().status).toBe('published');
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'catalog.version.publish')
      .execute();
    expect(audit).toHaveLength(1);
    const listed = await call('POST', '/api/catalog/institutions', county, {
      institutionId,
      occupationCode: '4-10-01-05',
      level: 'primary',
      regionCode: '430421',
      validFrom: '2026-01-01',
    });
    expect(listed.statusCode, listed.body).toBe(201);
  });

  it('files a class and the county officer approves it before its start, giving it a unique code', async () => {
    const filed = await call('POST', '/api/classes', school, {
      regionCode: '430421',
      name: '养老护理员（初级）第1期',
      occupationCode: '4-10-01-05',
      level: 'primary',
      capacity: 40,
      teachingPlan: { modules: ['职业道德', '生活照料', '基础护理'] },
      teachers: [{ name: '赵老师', qualification: '养老护理员技师' }],
      assessmentPlan: { method: '理论+实操', passScore: 60 },
      sessions: [
        {
          startsAt: futureAt(10, 8),
          endsAt: futureAt(10, 12),
          mode: 'offline',
          topic: '职业道德',
          location: '衡阳县实训楼101',
        },
        {
          startsAt: futureAt(11, 8),
          endsAt: futureAt(11, 12),
          mode: 'offline',
          topic: '生活照料',
          location: '衡阳县实训楼101',
        },
        {
          startsAt: futureAt(12, 8),
          endsAt: futureAt(12, 12),
          mode: 'offline',
          topic: '基础护理',
          location: '衡阳县实训楼101',
        },
        { startsAt: futureAt(13, 19), endsAt: futureAt(13, 22), mode: 'online', topic: '线上：康复护理' },
      ],
    });
    expect(filed.statusCode, filed.body).toBe(201);
    classId = filed.json().id;
    expect(filed.json().status).toBe('filed');
    expect(filed.json().catalogEntryId).not.toBeNull();
    expect(filed.json().sessions.map((session: { classHours: number }) => session.classHours)).toEqual([
      5, 5, 5, 4,
    ]);

    const approved = await call('POST', `/api/classes/${classId}/approve`, county, {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().classCode).toMatch(/^430421-\d{4}-00001$/);
    expect(approved.json().isFiled).toBe(true);
  });

  it('imports an xlsx roster: every bad row is reported with its reason and nothing is written until accepted', async () => {
    const rows = [
      ['姓名', '身份证号', '手机号', '户籍地区划代码'],
      [alice.name, alice.idNumber, '13800000001', '430421'],
      ['张三', withWrongCheck(idNumber('430421', '19920303', '021')), '13800000002', '430421'],
      ['', idNumber('430421', '19930404', '031'), '13800000003', '430421'],
      [bob.name, bob.idNumber, '13800000004', '430405'],
      ['赵六', idNumber('430421', '19940505', '041'), '12345', '430421'],
    ];
    const file = multipartFile(
      'roster.xlsx',
      await xlsxOf(rows),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const preview = await harness.app.inject({
      method: 'POST',
      url: `/api/classes/${classId}/roster/import`,
      headers: { ...school, ...file.headers },
      payload: file.payload,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const report = preview.json();
    expect(report.isWritten).toBe(false);
    expect(report.totalRows).toBe(5);
    expect(report.validRows).toBe(2);
    expect(report.rejected.map((row: { rowNumber: number }) => row.rowNumber)).toEqual([3, 4, 6]);
    expect(report.rejected[0].reasons[0].code).toBe('INVALID_ID_NUMBER');
    expect(report.rejected[1].reasons[0].message).toContain('姓名');
    expect(report.rejected[2].reasons[0].message).toContain('手机号');
    expect(report.rejected[0].idNumber).toMatch(/^4304\*{10}.{4}$/);
    const roster = await call('GET', `/api/classes/${classId}/enrolments`, school);
    expect(roster.json().total).toBe(0);

    const again = multipartFile(
      'roster.xlsx',
      await xlsxOf(rows),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const accepted = await harness.app.inject({
      method: 'POST',
      url: `/api/classes/${classId}/roster/import?accept=valid`,
      headers: { ...school, ...again.headers },
      payload: again.payload,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ isWritten: true, enrolled: 2, registered: 2 });
    const after = await call('GET', `/api/classes/${classId}/enrolments`, school);
    expect(after.json().total).toBe(2);
    expect(after.json().items[0].person.idNumber).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
  });

  it('records attendance and computes attended hours and rates', async () => {
    const detail = (await call('GET', `/api/classes/${classId}`, school)).json();
    const roster = (await call('GET', `/api/classes/${classId}/enrolments`, school)).json().items;
    const personOf = (name: string) =>
      roster.find((item: { person: { name: string } }) => item.person.name === name).personId ??
      roster.find((item: { person: { name: string } }) => item.person.name === name).enrolment.personId;
    const aliceId = personOf(alice.name);
    const bobId = personOf(bob.name);
    const records: unknown[] = [];
    for (const session of detail.sessions) {
      const method = session.mode === 'online' ? 'online_platform' : 'face';
      records.push({
        sessionId: session.id,
        personId: aliceId,
        event: 'sign_in',
        at: session.startsAt,
        method,
        latitude: 26.97,
        longitude: 112.38,
      });
      records.push({
        sessionId: session.id,
        personId: aliceId,
        event: 'sign_out',
        at: session.endsAt,
        method,
        latitude: 26.97,
        longitude: 112.38,
      });
    }
    const first = detail.sessions[0];
    records.push({
      sessionId: first.id,
      personId: bobId,
      event: 'sign_in',
      at: first.startsAt,
      method: 'face',
    });
    records.push({
      sessionId: first.id,
      personId: bobId,
      event: 'sign_out',
      at: new Date(new Date(first.startsAt).getTime() + 100 * 60_000).toISOString(),
      method: 'face',
    });
    clock.set(futureAt(16, 9));
    const recorded = await call('POST', `/api/classes/${classId}/attendance`, school, { records });
    expect(recorded.statusCode, recorded.body).toBe(200);
    const page = (await call('GET', `/api/classes/${classId}/attendance`, school)).json();
    expect(page).toMatchObject({ total: 2, page: 1, pageSize: 100 });
    const summary = page.items;
    const aliceSummary = summary.find((entry: { personId: number }) => entry.personId === aliceId);
    const bobSummary = summary.find((entry: { personId: number }) => entry.personId === bobId);
    expect(aliceSummary).toMatchObject({
      offlineClassHours: 15,
      onlineClassHours: 4,
      attendedClassHours: 19,
      scheduledClassHours: 19,
      attendanceRate: 1,
    });
    expect(bobSummary).toMatchObject({
      offlineClassHours: 2,
      onlineClassHours: 0,
      attendedClassHours: 2,
      attendanceRate: 0.1053,
    });
  });

  it('records results, issues certificates, verifies one publicly and reads the archive with correct totals', async () => {
    const roster = (await call('GET', `/api/classes/${classId}/enrolments`, county)).json().items;
    const aliceEntry = roster.find((item: { person: { name: string } }) => item.person.name === alice.name);
    const aliceId = aliceEntry.enrolment.personId;
    // Masked for the officer too: a full ID number is revealed one person at a time, with a reason.
    expect(aliceEntry.person.idNumber).toBe(
      `${alice.idNumber.slice(0, 4)}**********${alice.idNumber.slice(-4)}`,
    );
    const result = await call('POST', `/api/classes/${classId}/results`, school, {
      personId: aliceId,
      score: 86.5,
      isPassed: true,
      examDate: futureAt(14, 9).slice(0, 10),
    });
    expect(result.statusCode, result.body).toBe(200);
    const certificate = await call('POST', '/api/certificates', school, {
      personId: aliceId,
      classId,
      certificateType: 'training_qualified',
      level: 'primary',
      occupationCode: '4-10-01-05',
      certificateNumber: 'HY2026-000001',
      issuer: '衡阳县人力资源和社会保障局',
      issuedOn: futureAt(15, 9).slice(0, 10),
    });
    expect(certificate.statusCode, certificate.body).toBe(201);

    const verified = await harness.app.inject({
      method: 'POST',
      url: '/api/public/certificates/verify',
      payload: { number: 'HY2026-000001', name: alice.name },
    });
    expect(verified.json()).toEqual({
      valid: true,
      certificateType: 'training_qualified',
      level: 'primary',
      // A 培训合格证 is the institution's, in its registered name (not the request's issuer text).
      issuer: '衡阳县阳光职业培训学校',
    });
    const wrongName = await harness.app.inject({
      method: 'POST',
      url: '/api/public/certificates/verify',
      payload: { number: 'HY2026-000001', name: bob.name },
    });
    expect(wrongName.json()).toEqual({ valid: false });

    const archive = await call('GET', `/api/persons/${aliceId}/archive`, county);
    expect(archive.statusCode, archive.body).toBe(200);
    const body = archive.json();
    expect(body.classes).toHaveLength(1);
    expect(body.classes[0]).toMatchObject({
      classId,
      isFiled: true,
      result: { score: 86.5, isPassed: true },
    });
    expect(body.classes[0].attendance).toMatchObject({
      offlineClassHours: 15,
      onlineClassHours: 4,
      attendanceRate: 1,
    });
    expect(body.certificates).toHaveLength(1);
    expect(body.subsidies).toEqual([]);
    expect(body.credits).toEqual({
      offlineClassHours: 15,
      onlineClassHours: 4,
      creditedOnlineClassHours: 4,
      totalCreditedClassHours: 19,
    });
    expect(body.person.idNumber).toBe(`${alice.idNumber.slice(0, 4)}**********${alice.idNumber.slice(-4)}`);

    const masked = await call('GET', `/api/persons/${aliceId}/archive`, school);
    expect(masked.json().person.idNumber).toBe(
      `${alice.idNumber.slice(0, 4)}**********${alice.idNumber.slice(-4)}`,
    );
  });
});
