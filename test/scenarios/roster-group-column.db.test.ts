import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, type Headers, operatorHeaders } from './claim-support.ts';
import { creditCode, csvOf, idNumber, multipartFile } from './training-helpers.ts';

/**
 * Issue 17 (person groups): the roster import's optional 人员类别 column. A roster's group value
 * certifies nothing: it is checked against the person's current certifications; an uncertified
 * claim is a warning naming the row and column (the row is still imported, no group recorded);
 * an unknown group rejects the row, naming the column.
 */
describe('the roster import group column (人员类别)', { timeout: 240_000 }, () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
  }, 240_000);
  afterAll(async () => harness.close());

  it('a certified group passes, an uncertified one is a warning (row imported, nothing certified), an unknown one rejects the row', async () => {
    const occupationCode = '4-10-01-05';
    const version = await call('POST', '/api/catalog/versions', city, {
      regionCode: '430400',
      title: '衡阳市补贴目录（名单人员类别）',
      effectiveFrom: '2021-01-01',
      citation: { document: '衡人社发【2019】21号', article: '六（一）' },
      entries: [
        {
          occupationCode,
          level: 'primary',
          standardAmountFen: 100_000,
          standardDays: 10,
          standardClassHours: 60,
        },
      ],
    });
    expect(version.statusCode, version.body).toBe(201);
    expect((await call('POST', `/api/catalog/versions/${version.json().id}/publish`, city)).statusCode).toBe(
      200,
    );
    const institution = await call('POST', '/api/organisations', county, {
      kind: 'institution',
      regionCode: '430421',
      name: '衡阳县人员类别名单培训学校',
      creditCode: creditCode('52430421MJJ00092X'.slice(0, 17)),
      licenceNumber: '湘人社民培430421092',
      capacity: 50,
      allowedOccupationCodes: [occupationCode],
    });
    expect(institution.statusCode, institution.body).toBe(201);
    const institutionId = institution.json().id as number;
    expect(
      (
        await call('POST', '/api/catalog/institutions', county, {
          institutionId,
          occupationCode,
          level: 'primary',
          regionCode: '430421',
          validFrom: '2021-01-01',
        })
      ).statusCode,
    ).toBe(201);
    const school = await operatorHeaders(harness, county, institutionId, 'roster_group_school');
    const filed = await call('POST', '/api/classes', school, {
      regionCode: '430421',
      name: '人员类别名单班',
      occupationCode,
      level: 'primary',
      capacity: 30,
      teachingPlan: { modules: ['生活照料'] },
      teachers: [{ name: '孙老师' }],
      assessmentPlan: { method: '实操', passScore: 60 },
      sessions: [
        {
          startsAt: '2021-05-20T08:00:00+08:00',
          endsAt: '2021-05-20T12:00:00+08:00',
          mode: 'offline',
          topic: '第1讲',
        },
      ],
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const classId = filed.json().id as number;

    // One person certified as 城镇登记失业人员 by an officer.
    const certified = { name: '周敏', idNumber: idNumber('430421', '19880808', '051') };
    const registered = await call('POST', '/api/persons', county, {
      ...certified,
      registeringRegionCode: '430421',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const certifiedId = registered.json().id as number;
    const group = await call('POST', `/api/persons/${certifiedId}/groups`, county, {
      groupCode: 'registered_unemployed',
      certifierCode: 'public_employment_service',
      validFrom: '2021-01-01',
    });
    expect(group.statusCode, group.body).toBe(201);
    const uncertified = { name: '吴刚', idNumber: idNumber('430421', '19890909', '061') };
    const unknown = { name: '郑洁', idNumber: idNumber('430421', '19900303', '072') };

    const rows = [
      ['姓名', '身份证号', '人员类别'],
      [certified.name, certified.idNumber, '城镇登记失业人员'],
      [uncertified.name, uncertified.idNumber, 'veteran'],
      [unknown.name, unknown.idNumber, '外星来客'],
    ];
    const upload = (url: string) => {
      const file = multipartFile('roster.csv', csvOf(rows), 'text/csv');
      return harness.app.inject({
        method: 'POST',
        url,
        headers: { ...school, ...file.headers },
        payload: file.payload,
      });
    };
    const preview = await upload(`/api/classes/${classId}/roster/import`);
    expect(preview.statusCode, preview.body).toBe(200);
    const report = preview.json();
    expect(report).toMatchObject({ totalRows: 3, validRows: 2, isWritten: false });
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]).toMatchObject({ rowNumber: 4 });
    expect(report.rejected[0].reasons[0]).toMatchObject({ code: 'VALIDATION_FAILED', column: '人员类别' });
    expect(report.rejected[0].reasons[0].message).toContain('外星来客');
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatchObject({
      rowNumber: 3,
      column: '人员类别',
      code: 'GROUP_NOT_CERTIFIED',
    });
    expect(report.warnings[0].message).toContain('退役军人');
    expect(report.warnings[0].idNumber).not.toBe(uncertified.idNumber);

    const accepted = await upload(`/api/classes/${classId}/roster/import?accept=valid`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ isWritten: true, enrolled: 2, registered: 1 });
    expect(accepted.json().warnings).toHaveLength(1);
    // The roster certified nothing: the uncertified person holds no group; the certified one keeps his one.
    const enrolled = (await call('GET', `/api/classes/${classId}/enrolments?pageSize=100`, school)).json();
    const groupsOf = (name: string) =>
      enrolled.items
        .find((item: { person: { name: string } }) => item.person.name === name)
        .person.groups.map((entry: { groupCode: string }) => entry.groupCode);
    expect(groupsOf(uncertified.name)).toEqual([]);
    expect(groupsOf(certified.name)).toEqual(['registered_unemployed']);
  });

  it('without the column the import reports no warnings (the column is optional)', async () => {
    const { parseRosterFile } = await import('../../src/training/enrolment.service.ts');
    const parsed = await parseRosterFile(
      csvOf([
        ['姓名', '身份证号'],
        ['周敏', '430421198808080511'],
      ]),
      'r.csv',
    );
    expect(parsed[0]!.groups).toBe('');
  });
});
