import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CONTEXT } from '../../src/auth/audit.service.ts';
import { createUser } from '../../src/auth/auth.service.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { operatorHeaders } from './claim-support.ts';
import { creditCode, csvOf, futureAt, idNumber, multipartFile, withWrongCheck } from './training-helpers.ts';

type Headers = { authorization: string };

describe('distinct error codes and paginated lists of the registry and training API', () => {
  let harness: TestApp;
  /** Runs from now; moved past a class while what happened in it is recorded, then put back. */
  const clock = new ManualClock(new Date());
  const afterwards = async <T>(day: number, work: () => Promise<T>): Promise<T> => {
    const before = clock.now();
    clock.set(futureAt(day, 18));
    try {
      return await work();
    } finally {
      clock.set(before);
    }
  };
  /** The day the certificates of the overlapping class are issued (after its exam). */
  const certificateDay = () => futureAt(43, 0).slice(0, 10);
  let county: Headers;
  let school: Headers;
  let institutionId: number;

  const call = async (method: 'GET' | 'POST', url: string, headers: Headers, payload?: unknown) =>
    harness.app.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const fileClass = async (name: string, startDay: number, days: number) => {
    const sessions = Array.from({ length: days }, (_, index) => ({
      startsAt: futureAt(startDay + index, 8),
      endsAt: futureAt(startDay + index, 12),
      mode: 'offline',
      topic: `第${index + 1}天`,
    }));
    const response = await call('POST', '/api/classes', school, {
      regionCode: '430421',
      name,
      occupationCode: '4-10-01-05',
      level: 'primary',
      capacity: 30,
      teachingPlan: { modules: ['护理'] },
      teachers: [{ name: '钱老师' }],
      assessmentPlan: { method: '实操' },
      sessions,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: number };
  };

  const registerPerson = async (name: string, id: string) => {
    const response = await call('POST', '/api/persons', county, {
      name,
      idNumber: id,
      registeringRegionCode: '430421',
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: number };
  };

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    county = await harness.loginAs('hy_county');
    school = await harness.loginAs('hy_school');
    const institutions = await call('GET', '/api/organisations?kind=institution', county);
    institutionId = institutions.json().items[0].id;
  });
  afterAll(async () => harness.close());

  it('INVALID_ID_NUMBER: a wrong GB 11643 check digit is refused; an X check digit is accepted', async () => {
    const bad = await call('POST', '/api/persons', county, {
      name: '错号',
      idNumber: withWrongCheck(idNumber('430421', '19900101', '123')),
      registeringRegionCode: '430421',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('INVALID_ID_NUMBER');
    const withX = await call('POST', '/api/persons', county, {
      name: '有X',
      idNumber: '11010519491231002X',
      registeringRegionCode: '430421',
    });
    expect(withX.statusCode, withX.body).toBe(201);
    expect(withX.json()).toMatchObject({
      sex: 'female',
      birthDate: '1949-12-31',
      // Masked for every role (issue 18); the X check character is kept upper case.
      idNumber: '1101**********002X',
    });
    const duplicate = await call('POST', '/api/persons', county, {
      name: '有X',
      idNumber: '11010519491231002x',
      registeringRegionCode: '430421',
    });
    expect(duplicate.json().error.code).toBe('CONFLICT');
  });

  it('INVALID_CREDIT_CODE: a wrong GB 32100 check character is refused', async () => {
    const valid = creditCode('91430421MA4L00009');
    const wrong = `${valid.slice(0, 17)}${valid[17] === '0' ? '1' : '0'}`;
    const response = await call('POST', '/api/organisations', county, {
      kind: 'enterprise',
      regionCode: '430421',
      name: '错码企业',
      creditCode: wrong,
      enterpriseSize: 'small',
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('INVALID_CREDIT_CODE');
    const ok = await call('POST', '/api/organisations', county, {
      kind: 'enterprise',
      regionCode: '430421',
      name: '衡阳县示范企业',
      creditCode: valid,
      enterpriseSize: 'small',
      employerFlags: ['insured'],
    });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('CLASS_NOT_APPROVED: attendance, results and certificates on an unapproved class are refused', async () => {
    const trainingClass = await fileClass('未审批班', 30, 2);
    const person = await registerPerson('未批学员', idNumber('430421', '19950101', '051'));
    const enrolled = await call('POST', `/api/classes/${trainingClass.id}/enrolments`, school, {
      name: '未批学员',
      idNumber: idNumber('430421', '19950101', '051'),
    });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    const detail = (await call('GET', `/api/classes/${trainingClass.id}`, school)).json();
    const attendance = await call('POST', `/api/classes/${trainingClass.id}/attendance`, school, {
      records: [
        {
          sessionId: detail.sessions[0].id,
          personId: person.id,
          event: 'sign_in',
          at: detail.sessions[0].startsAt,
          method: 'face',
        },
      ],
    });
    expect(attendance.statusCode).toBe(409);
    expect(attendance.json().error.code).toBe('CLASS_NOT_APPROVED');
    const certificate = await call('POST', '/api/certificates', school, {
      personId: person.id,
      classId: trainingClass.id,
      certificateType: 'training_qualified',
      certificateNumber: 'X-1',
      issuer: '衡阳县人社局',
      issuedOn: '2026-12-01',
    });
    expect(certificate.json().error.code).toBe('CLASS_NOT_APPROVED');
  });

  it('OVERLAPPING_ENROLMENT names the other class; DUPLICATE_CERTIFICATE refuses a reused number', async () => {
    const first = await fileClass('重叠班A', 40, 3);
    const second = await fileClass('重叠班B', 41, 3);
    const person = await registerPerson('重叠学员', idNumber('430421', '19960202', '061'));
    expect(
      (
        await call('POST', `/api/classes/${first.id}/enrolments`, school, {
          name: '重叠学员',
          idNumber: idNumber('430421', '19960202', '061'),
        })
      ).statusCode,
    ).toBe(201);
    const overlap = await call('POST', `/api/classes/${second.id}/enrolments`, school, {
      personId: person.id,
    });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().error.code).toBe('OVERLAPPING_ENROLMENT');
    expect(overlap.json().error.message).toContain('重叠班A');
    expect(overlap.json().error.details[0].classId).toBe(first.id);

    expect((await call('POST', `/api/classes/${first.id}/approve`, county, {})).statusCode).toBe(200);
    const certificate = {
      personId: person.id,
      classId: first.id,
      certificateType: 'training_qualified',
      certificateNumber: 'HY-DUP-1',
      issuer: '衡阳县人社局',
      issuedOn: certificateDay(),
    };
    await afterwards(44, async () => {
      const result = await call('POST', `/api/classes/${first.id}/results`, school, {
        personId: person.id,
        score: 90,
        isPassed: true,
        examDate: certificateDay(),
      });
      expect(result.statusCode, result.body).toBe(200);
      const issued = await call('POST', '/api/certificates', school, certificate);
      expect(issued.statusCode, issued.body).toBe(201);
      const duplicate = await call('POST', '/api/certificates', school, certificate);
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json().error.code).toBe('DUPLICATE_CERTIFICATE');
      // A 培训合格证 is the institution's: another issuer text does not make the number new.
      const otherIssuer = await call('POST', '/api/certificates', school, {
        ...certificate,
        issuer: '衡阳市人社局',
      });
      expect(otherIssuer.statusCode).toBe(409);
      expect(otherIssuer.json().error.code).toBe('DUPLICATE_CERTIFICATE');
      // Another number is another certificate (the list test below pages through both).
      const second = await call('POST', '/api/certificates', school, {
        ...certificate,
        certificateNumber: 'HY-DUP-2',
      });
      expect(second.statusCode, second.body).toBe(201);
    });
  });

  it('a csv roster with a row overlapping another class reports it and writes nothing without accept', async () => {
    const third = await fileClass('重叠班C', 42, 1);
    const overlapping = idNumber('430421', '19960202', '061');
    const csv = csvOf([
      ['name', 'idNumber', 'phone', 'householdRegionCode'],
      ['重叠学员', overlapping, '13900000000', '430421'],
      ['新学员', idNumber('430421', '19970303', '071'), '13900000001', '999999'],
      ['好学员', idNumber('430421', '19980404', '081'), '', ''],
    ]);
    const file = multipartFile('roster.csv', csv, 'text/csv');
    const response = await harness.app.inject({
      method: 'POST',
      url: `/api/classes/${third.id}/roster/import`,
      headers: { ...school, ...file.headers },
      payload: file.payload,
    });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ totalRows: 3, validRows: 1, isWritten: false });
    expect(report.rejected[0].reasons[0].code).toBe('OVERLAPPING_ENROLMENT');
    expect(report.rejected[1].reasons[0].message).toContain('999999');
  });

  it('Shanxi refuses to publish a catalog version with every entry at the top amount', async () => {
    const shanxi = await harness.loginAs('sx_province');
    const draft = await call('POST', '/api/catalog/versions', shanxi, {
      regionCode: '140100',
      title: '太原市补贴标准目录',
      effectiveFrom: '2026-01-01',
      citation: { document: '晋人社厅函〔2021〕600号', article: '一' },
      entries: [
        {
          occupationCode: '4-10-01-05',
          level: 'primary',
          standardAmountFen: 150_000,
          standardDays: 15,
          standardClassHours: 90,
        },
        {
          occupationCode: '4-03-02-01',
          level: 'primary',
          standardAmountFen: 150_000,
          standardDays: 15,
          standardClassHours: 90,
        },
      ],
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const refused = await call('POST', `/api/catalog/versions/${draft.json().id}/publish`, shanxi);
    expect(refused.json().error.code).toBe('CATALOG_ALL_AT_TOP_STANDARD');
    await call('POST', `/api/catalog/versions/${draft.json().id}/entries`, shanxi, {
      entries: [
        {
          occupationCode: '6-18-02-04',
          level: 'primary',
          standardAmountFen: 90_000,
          standardDays: 10,
          standardClassHours: 60,
        },
      ],
    });
    const published = await call('POST', `/api/catalog/versions/${draft.json().id}/publish`, shanxi);
    expect(published.statusCode, published.body).toBe(200);
  });

  it('organisation status changes are dated and recorded', async () => {
    const suspended = await call('POST', `/api/organisations/${institutionId}/status`, county, {
      status: 'suspended',
      effectiveDate: '2026-06-01',
      reason: '检查整改',
    });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect(suspended.json()).toMatchObject({ status: 'suspended', statusSince: '2026-06-01' });
    const refused = await call('POST', '/api/classes', school, {
      regionCode: '430421',
      name: '暂停后开班',
      occupationCode: '4-10-01-05',
      level: 'primary',
      capacity: 10,
      teachingPlan: {},
      teachers: [{ name: '甲' }],
      assessmentPlan: {},
      sessions: [{ startsAt: futureAt(60, 8), endsAt: futureAt(60, 12), mode: 'offline', topic: 'x' }],
    });
    expect(refused.json().error.code).toBe('INVALID_STATE');
    const restored = await call('POST', `/api/organisations/${institutionId}/status`, county, {
      status: 'active',
      effectiveDate: '2026-06-10',
      reason: '整改完成',
    });
    expect(restored.statusCode).toBe(200);
    const detail = (await call('GET', `/api/organisations/${institutionId}`, county)).json();
    expect(detail.statusHistory.map((entry: { toStatus: string }) => entry.toStatus)).toEqual([
      'suspended',
      'active',
    ]);
  });

  it('lists paginate and filter by region, status and date', async () => {
    for (let index = 0; index < 3; index += 1)
      await registerPerson(`分页${index}`, idNumber('430421', '19800101', `1${index}1`));
    const firstPage = await call('GET', '/api/persons?page=1&pageSize=2&regionCode=430421', county);
    expect(firstPage.json()).toMatchObject({ page: 1, pageSize: 2 });
    expect(firstPage.json().items).toHaveLength(2);
    const total = firstPage.json().total;
    expect(total).toBeGreaterThanOrEqual(6);
    const lastPage = await call(
      'GET',
      `/api/persons?page=${Math.ceil(total / 2)}&pageSize=2&regionCode=430421`,
      county,
    );
    expect(lastPage.json().items.length).toBe(total % 2 === 0 ? 2 : 1);
    expect((await call('GET', '/api/persons?regionCode=320102', county)).json().total).toBe(0);
    expect(
      (await call('GET', '/api/persons?registeredFrom=2000-01-01&registeredTo=2000-12-31', county)).json()
        .total,
    ).toBe(0);
    expect((await call('GET', '/api/persons?pageSize=101', county)).statusCode).toBe(400);

    const approved = await call('GET', '/api/classes?status=approved&regionCode=430421&pageSize=1', county);
    expect(approved.json()).toMatchObject({ total: 1, pageSize: 1 });
    const filedOnly = await call('GET', '/api/classes?status=filed', school);
    expect(filedOnly.json().total).toBe(3);
    const far = await call('GET', `/api/classes?startsFrom=${futureAt(42, 0).slice(0, 10)}`, school);
    expect(far.json().items.map((item: { name: string }) => item.name)).toEqual(['重叠班C']);

    expect(
      (await call('GET', '/api/organisations?kind=enterprise&status=active&regionCode=430421', county)).json()
        .total,
    ).toBe(1);
    expect((await call('GET', '/api/organisations?status=blacklisted', county)).json().total).toBe(0);
    const certificates = await call(
      'GET',
      `/api/certificates?issuedFrom=${certificateDay()}&issuedTo=${certificateDay()}&pageSize=1`,
      county,
    );
    expect(certificates.json()).toMatchObject({ total: 2, pageSize: 1 });
    expect(certificates.json().items).toHaveLength(1);
    expect(
      (await call('GET', '/api/catalog/versions?status=published&regionCode=140100', county)).json().total,
    ).toBe(1);
    expect((await call('GET', '/api/catalog/institutions?regionCode=430421', county)).json().total).toBe(0);
    const regions = await call('GET', '/api/regions?parentCode=500200&pageSize=100', county);
    expect(regions.json().total).toBeGreaterThan(5);
    const occupations = await call('GET', '/api/occupations?majorCategory=4', county);
    expect(occupations.json().items.map((item: { code: string }) => item.code)).toContain('4-10-01-05');
    const roster = await call('GET', '/api/classes/999999/enrolments?page=1&pageSize=1', county);
    expect(roster.statusCode).toBe(404);
  });

  describe('every list filter keeps a matching row and drops a non-matching one', () => {
    /** China-time calendar days around today: rows created by this test fall on `today`. */
    const chinaDay = (offsetDays: number) =>
      new Date(Date.now() + offsetDays * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const yesterday = chinaDay(-1);
    const tomorrow = chinaDay(1);
    const idsOf = async (url: string, headers: Headers = county, key = 'id') => {
      const response = await call('GET', `${url}${url.includes('?') ? '&' : '?'}pageSize=100`, headers);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items.map((item: Record<string, number>) => item[key]) as number[];
    };
    /** The row is in the list under `matching` and not under `other`. */
    const expectFilter = async (
      base: string,
      matching: string,
      other: string,
      id: number,
      options: { headers?: Headers; key?: string } = {},
    ) => {
      const separator = base.includes('?') ? '&' : '?';
      expect(await idsOf(`${base}${separator}${matching}`, options.headers, options.key), matching).toContain(
        id,
      );
      expect(await idsOf(`${base}${separator}${other}`, options.headers, options.key), other).not.toContain(
        id,
      );
    };
    let pensioner: number;
    let student: number;
    let overlapClass: number;
    let overlapPerson: number;

    beforeAll(async () => {
      const first = await call('POST', '/api/persons', county, {
        name: '筛选甲',
        idNumber: idNumber('430421', '19750303', '211'),
        registeringRegionCode: '430421',
        householdRegionCode: '430421',
        pensionStatus: 'receiving',
      });
      expect(first.statusCode, first.body).toBe(201);
      pensioner = first.json().id;
      const second = await call('POST', '/api/persons', county, {
        name: '筛选乙',
        idNumber: idNumber('430405', '20030909', '222'),
        registeringRegionCode: '430421',
        householdRegionCode: '430405',
        isFullTimeStudent: true,
      });
      expect(second.statusCode, second.body).toBe(201);
      student = second.json().id;
      const classes = (await call('GET', '/api/classes?status=approved&pageSize=100', school)).json().items;
      overlapClass = classes.find((item: { name: string }) => item.name === '重叠班A').id;
      const roster = (await call('GET', `/api/classes/${overlapClass}/enrolments`, school)).json().items;
      overlapPerson = roster[0].enrolment.personId;
    });

    it('persons: household region subtree, pension and student status, registration and birth dates', async () => {
      await expectFilter(
        '/api/persons',
        'householdRegionCode=430421',
        'householdRegionCode=430405',
        pensioner,
      );
      await expectFilter('/api/persons', 'householdRegionCode=430400', 'householdRegionCode=430421', student);
      await expectFilter('/api/persons', 'pensionStatus=receiving', 'pensionStatus=none', pensioner);
      await expectFilter('/api/persons', 'isFullTimeStudent=true', 'isFullTimeStudent=false', student);
      await expectFilter('/api/persons', 'isFullTimeStudent=false', 'isFullTimeStudent=true', pensioner);
      await expectFilter('/api/persons', 'bornFrom=2000-01-01', 'bornTo=1999-12-31', student);
      await expectFilter('/api/persons', 'bornTo=1975-03-03', 'bornFrom=1975-03-04', pensioner);
      await expectFilter(
        '/api/persons',
        `registeredFrom=${yesterday}&registeredTo=${tomorrow}`,
        `registeredTo=${yesterday}`,
        pensioner,
      );
      await expectFilter('/api/persons', 'regionCode=430400', 'regionCode=430405', student);
    });

    it('organisations: status, region subtree and registration date', async () => {
      await expectFilter('/api/organisations', 'status=active', 'status=suspended', institutionId);
      await expectFilter('/api/organisations', 'regionCode=430400', 'regionCode=430405', institutionId);
      const enterprise = (await idsOf('/api/organisations?kind=enterprise&regionCode=430421'))[0]!;
      await expectFilter(
        '/api/organisations',
        `registeredFrom=${yesterday}&registeredTo=${tomorrow}`,
        `registeredFrom=${tomorrow}`,
        enterprise,
      );
    });

    it('classes and their rosters: status, region and dates', async () => {
      await expectFilter('/api/classes', 'status=approved', 'status=filed', overlapClass, {
        headers: school,
      });
      await expectFilter('/api/classes', 'regionCode=430400', 'regionCode=430405', overlapClass);
      const startDay = futureAt(40, 0).slice(0, 10);
      await expectFilter(
        '/api/classes',
        `startsFrom=${startDay}&startsTo=${startDay}`,
        `startsTo=${futureAt(39, 0).slice(0, 10)}`,
        overlapClass,
      );
      const roster = `/api/classes/${overlapClass}/enrolments`;
      const enrolments = async (query: string) =>
        (await call('GET', `${roster}?${query}`, school))
          .json()
          .items.map((item: { enrolment: { personId: number } }) => item.enrolment.personId);
      expect(await enrolments('status=enrolled')).toContain(overlapPerson);
      expect(await enrolments('status=withdrawn')).not.toContain(overlapPerson);
      expect(await enrolments(`enrolledFrom=${yesterday}&enrolledTo=${tomorrow}`)).toContain(overlapPerson);
      expect(await enrolments(`enrolledTo=${yesterday}`)).not.toContain(overlapPerson);
      expect(await enrolments(`enrolledFrom=${tomorrow}`)).not.toContain(overlapPerson);
    });

    it('attendance and results of a class paginate; results filter by outcome and exam date', async () => {
      for (const [name, id] of [
        ['筛选甲', idNumber('430421', '19750303', '211')],
        ['筛选乙', idNumber('430405', '20030909', '222')],
      ] as const) {
        const enrolled = await call('POST', `/api/classes/${overlapClass}/enrolments`, school, {
          name,
          idNumber: id,
        });
        expect(enrolled.statusCode, enrolled.body).toBe(201);
      }
      const attendance = `/api/classes/${overlapClass}/attendance`;
      const all = await call('GET', attendance, school);
      expect(all.json()).toMatchObject({ total: 3, page: 1, pageSize: 100 });
      expect(all.json().items.map((item: { personId: number }) => item.personId)).toEqual([
        overlapPerson,
        pensioner,
        student,
      ]);
      const second = await call('GET', `${attendance}?page=2&pageSize=2`, school);
      expect(second.json()).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(second.json().items.map((item: { personId: number }) => item.personId)).toEqual([student]);
      expect(second.json().items[0]).toMatchObject({ attendedClassHours: 0, attendanceRate: 0 });

      const examDay = futureAt(43, 0).slice(0, 10);
      const laterDay = futureAt(44, 0).slice(0, 10);
      const results = [
        { personId: overlapPerson, score: 90, isPassed: true, examDate: examDay },
        { personId: pensioner, score: 45, isPassed: false, examDate: examDay },
        { personId: student, score: 75, isPassed: true, examDate: laterDay },
      ];
      await afterwards(45, async () => {
        for (const result of results) {
          const recorded = await call('POST', `/api/classes/${overlapClass}/results`, school, result);
          expect(recorded.statusCode, recorded.body).toBe(200);
        }
      });
      const resultList = `/api/classes/${overlapClass}/results`;
      const page = await call('GET', `${resultList}?pageSize=2`, school);
      expect(page.json()).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect(page.json().items).toHaveLength(2);
      const options = { headers: school, key: 'personId' };
      await expectFilter(resultList, 'isPassed=true', 'isPassed=false', student, options);
      await expectFilter(resultList, 'isPassed=false', 'isPassed=true', pensioner, options);
      await expectFilter(resultList, `examFrom=${laterDay}`, `examTo=${examDay}`, student, options);
      await expectFilter(resultList, `examTo=${examDay}`, `examFrom=${laterDay}`, overlapPerson, options);
    });

    it('certificates: region of the class, type and issue date (they have no status)', async () => {
      const certificate = (await idsOf(`/api/certificates?classId=${overlapClass}`))[0]!;
      await expectFilter('/api/certificates', 'regionCode=430400', 'regionCode=430405', certificate);
      await expectFilter(
        '/api/certificates',
        'certificateType=training_qualified',
        'certificateType=skill_level',
        certificate,
      );
      await expectFilter(
        '/api/certificates',
        `issuedFrom=${certificateDay()}&issuedTo=${certificateDay()}`,
        `issuedFrom=${futureAt(44, 0).slice(0, 10)}`,
        certificate,
      );
      const refused = await call('GET', '/api/certificates?status=revoked', county);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.details[0].field).toBe('querystring.status');
    });

    it('a certificate without a class belongs to its issuer organisation, else to its holder: no other county sees it', async () => {
      await registerPerson('社会化评价学员', idNumber('430421', '19910303', '071'));
      const issued = await call('POST', '/api/certificates', school, {
        name: '社会化评价学员',
        idNumber: idNumber('430421', '19910303', '071'),
        // 特种作业操作证: issued by the safety authority, not a registered organisation.
        certificateType: 'special_operation',
        level: 'primary',
        certificateNumber: 'HY-SOCIAL-1',
        issuer: '衡阳县职业技能鉴定站',
        issuedOn: '2026-12-01',
      });
      expect(issued.statusCode, issued.body).toBe(201);
      const certificate = issued.json().id as number;
      await createUser(harness.database.db, SYSTEM_CONTEXT, {
        loginName: 'zh_county',
        displayName: '珠晖区人社局 经办',
        role: 'county_officer',
        regionCode: '430405',
        password: DEMO_PASSWORD,
      });
      const otherCounty = await harness.loginAs('zh_county');
      const city = await harness.loginAs('hy_city');
      // The holder registered in 430421: that county and the city see it, the neighbouring county does not.
      expect(await idsOf('/api/certificates?certificateType=special_operation')).toContain(certificate);
      expect(await idsOf('/api/certificates', otherCounty)).not.toContain(certificate);
      await expectFilter('/api/certificates', 'regionCode=430421', 'regionCode=430405', certificate, {
        headers: city,
      });
      // Issued by a registered evaluation organisation of 430405: it belongs there.
      const station = await call('POST', '/api/organisations', city, {
        kind: 'evaluation_org',
        regionCode: '430405',
        name: '珠晖区职业技能鉴定站',
        creditCode: creditCode('12430405MB1X00071'),
      });
      expect(station.statusCode, station.body).toBe(201);
      const certificateOfStation = {
        name: '社会化评价学员',
        idNumber: idNumber('430421', '19910303', '071'),
        certificateType: 'skill_level',
        level: 'intermediate',
        occupationCode: '4-10-01-05',
        certificateNumber: 'ZH-SOCIAL-1',
        issuer: '珠晖区职业技能鉴定站',
        issuedOn: '2026-12-01',
      };
      // An institution may not name another organisation as the issuer (it would be the payee).
      const named = await call('POST', '/api/certificates', school, {
        ...certificateOfStation,
        issuerOrganisationId: station.json().id,
      });
      // Another organisation is outside an institution's scope: the body id check answers 404.
      expect(named.statusCode).toBe(404);
      expect(named.json().error.details[0].field).toBe('issuerOrganisationId');
      const evaluator = await operatorHeaders(harness, city, station.json().id, 'zh_evaluator');
      // Admitted to the evaluation-organisation catalog, it assesses the person, who passes.
      const admitted = await call('POST', '/api/catalog/evaluation-organisations', city, {
        organisationId: station.json().id,
        occupationCode: '4-10-01-05',
        level: 'intermediate',
        regionCode: '430405',
        validFrom: '2026-01-01',
      });
      expect(admitted.statusCode, admitted.body).toBe(201);
      const assessment = await call('POST', '/api/assessments', evaluator, {
        occupationCode: '4-10-01-05',
        level: 'intermediate',
        assessedOn: '2026-12-01',
      });
      expect(assessment.statusCode, assessment.body).toBe(201);
      const passed = await call('POST', `/api/assessments/${assessment.json().id}/results`, evaluator, {
        name: certificateOfStation.name,
        idNumber: certificateOfStation.idNumber,
        score: 80,
        isPassed: true,
      });
      expect(passed.statusCode, passed.body).toBe(201);
      const evaluated = await call('POST', '/api/certificates', evaluator, {
        ...certificateOfStation,
        assessmentId: assessment.json().id,
      });
      expect(evaluated.statusCode, evaluated.body).toBe(201);
      expect(evaluated.json().issuerOrganisationId).toBe(station.json().id);
      expect(await idsOf('/api/certificates', otherCounty)).toContain(evaluated.json().id);
      expect(await idsOf('/api/certificates?certificateType=skill_level')).not.toContain(evaluated.json().id);
    });

    it('catalog versions and the institution catalog: region, status and effective date', async () => {
      const shanxi = (await idsOf('/api/catalog/versions?regionCode=140100'))[0]!;
      await expectFilter('/api/catalog/versions', 'regionCode=140000', 'regionCode=140200', shanxi);
      await expectFilter('/api/catalog/versions', 'status=published', 'status=superseded', shanxi);
      await expectFilter('/api/catalog/versions', 'effectiveOn=2026-06-01', 'effectiveOn=2025-12-31', shanxi);

      const listed = await call('POST', '/api/catalog/institutions', county, {
        institutionId,
        occupationCode: '4-10-01-05',
        level: 'primary',
        regionCode: '430421',
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      });
      expect(listed.statusCode, listed.body).toBe(201);
      const entry = listed.json().id as number;
      const base = '/api/catalog/institutions';
      await expectFilter(base, 'regionCode=430400', 'regionCode=430405', entry);
      await expectFilter(base, 'status=active', 'status=withdrawn', entry);
      await expectFilter(base, 'validOn=2026-12-31', 'validOn=2027-01-01', entry);
      await expectFilter(base, 'validOn=2026-01-01', 'validOn=2025-12-31', entry);
    });

    it('a bad filter value is a 400 INVALID_REQUEST naming the field', async () => {
      const cases: [string, string][] = [
        ['/api/persons?householdRegionCode=4304', 'querystring.householdRegionCode'],
        ['/api/persons?isFullTimeStudent=maybe', 'querystring.isFullTimeStudent'],
        ['/api/persons?bornFrom=2001-02-30', 'querystring.bornFrom'],
        ['/api/organisations?registeredTo=yesterday', 'querystring.registeredTo'],
        ['/api/classes?status=running', 'querystring.status'],
        [`/api/classes/${overlapClass}/enrolments?status=gone`, 'querystring.status'],
        [`/api/classes/${overlapClass}/attendance?pageSize=101`, 'querystring.pageSize'],
        [`/api/classes/${overlapClass}/results?isPassed=perhaps`, 'querystring.isPassed'],
        [`/api/classes/${overlapClass}/results?examFrom=2026-13-01`, 'querystring.examFrom'],
        ['/api/certificates?issuedFrom=20261201', 'querystring.issuedFrom'],
        ['/api/catalog/versions?effectiveOn=soon', 'querystring.effectiveOn'],
        ['/api/catalog/institutions?status=pending', 'querystring.status'],
        ['/api/catalog/evaluation-organisations?validOn=2026-02-30', 'querystring.validOn'],
        ['/api/social-insurance-contributions?monthFrom=2021-13', 'querystring.monthFrom'],
      ];
      for (const [url, field] of cases) {
        const response = await call('GET', url, county);
        expect(response.statusCode, url).toBe(400);
        expect(response.json().error.code, url).toBe('INVALID_REQUEST');
        expect(
          response.json().error.details.map((detail: { field: string }) => detail.field),
          url,
        ).toContain(field);
      }
    });
  });
});
