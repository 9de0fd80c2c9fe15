import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, completeClass, type Headers, operatorHeaders, trainee } from './claim-support.ts';
import { creditCode } from './training-helpers.ts';

/** The two catalogs enforced: admissions within the licence; a superseded version ends. */
describe('the catalogs enforced: institution admissions within the licence, superseded catalog versions end', () => {
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
  });
  afterAll(async () => harness.close());

  it('an admission outside the licensed occupations or after the licence expired is refused; the admission ends with the licence', async () => {
    const institution = await call('POST', '/api/organisations', county, {
      kind: 'institution',
      regionCode: '430421',
      name: '衡阳县许可期限培训学校',
      creditCode: creditCode('52430421MJJ00077X'.slice(0, 17)),
      licenceNumber: '湘人社民培430421077',
      licenceValidTo: '2021-12-31',
      capacity: 50,
      allowedOccupationCodes: ['4-10-01-05'],
    });
    expect(institution.statusCode, institution.body).toBe(201);
    const admit = (occupationCode: string, validFrom: string) =>
      call('POST', '/api/catalog/institutions', county, {
        institutionId: institution.json().id,
        occupationCode,
        level: 'primary',
        regionCode: '430421',
        validFrom,
      });
    const outside = await admit('4-03-02-01', '2021-05-01');
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.details[0].field).toBe('occupationCode');
    const expired = await admit('4-10-01-05', '2022-01-01');
    expect(expired.statusCode).toBe(422);
    expect(expired.json().error.details[0].field).toBe('validFrom');
    const admitted = await admit('4-10-01-05', '2021-05-01');
    expect(admitted.statusCode, admitted.body).toBe(201);
    expect(admitted.json().validTo).toBe('2021-12-31');
  });

  it('publishing a new catalog version ends the superseded one the day before: a dropped occupation no longer pays', async () => {
    const publish = async (effectiveFrom: string, occupationCodes: string[]) => {
      const version = await call('POST', '/api/catalog/versions', city, {
        regionCode: '430400',
        title: `衡阳市补贴目录 ${effectiveFrom}`,
        effectiveFrom,
        citation: { document: '衡人社发【2019】21号', article: '六（一）' },
        entries: occupationCodes.map((occupationCode) => ({
          occupationCode,
          level: 'primary',
          standardAmountFen: 100_000,
          standardDays: 10,
          standardClassHours: 60,
        })),
      });
      expect(version.statusCode, version.body).toBe(201);
      const published = await call('POST', `/api/catalog/versions/${version.json().id}/publish`, city);
      expect(published.statusCode, published.body).toBe(200);
      return version.json().id as number;
    };
    const first = await publish('2021-01-01', ['4-10-01-05', '4-03-02-01']);
    await publish('2021-07-01', ['4-10-01-05']);
    const old = (await call('GET', `/api/catalog/versions/${first}`, city)).json();
    expect(old).toMatchObject({ status: 'superseded', effectiveTo: '2021-06-30' });
    const entries = await harness.database.db
      .selectFrom('catalog_entry')
      .select(['occupation_code', 'effective_to'])
      .where('version_id', '=', first)
      .execute();
    expect(entries.map((entry) => entry.effective_to)).toEqual(['2021-06-30', '2021-06-30']);

    // Classes from 1 July: the kept occupation pays the new version's standard, the dropped one nothing.
    const [school, county] = [await harness.loginAs('hy_school'), await harness.loginAs('hy_county')];
    const paidFen: Record<string, number> = {};
    clock.set('2021-07-01T01:00:00Z');
    try {
      for (const [index, occupationCode] of ['4-10-01-05', '4-03-02-01'].entries()) {
        clock.set('2021-07-01T01:00:00Z');
        const classId = await completeClass(harness, {
          school,
          county,
          startDay: '2021-07-05',
          trainees: [trainee(`目录${index}`, `9${index}1`)],
          occupationCode,
          tag: `VER${index}`,
        });
        clock.set('2021-07-12T01:00:00Z');
        const claim = await call('POST', '/api/claims', school, {
          applicationDate: '2021-07-12',
          payeeAccount: { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' },
          claim: { source: 'class', classId, subsidyKind: 'training' },
        });
        expect(claim.statusCode, claim.body).toBe(201);
        paidFen[occupationCode] = claim.json().totalAmountFen;
        if (occupationCode === '4-03-02-01')
          expect(
            claim.json().lines[0].decision.eligible,
            JSON.stringify(claim.json().lines[0].decision),
          ).toBe(false);
      }
    } finally {
      clock.set('2021-05-06T01:00:00Z');
    }
    expect(paidFen).toEqual({ '4-10-01-05': 100_000, '4-03-02-01': 0 });
  });

  it('class filing needs an active admission for the occupation and level: refused, nothing written', async () => {
    const school = await harness.loginAs('hy_school');
    const classes = async () =>
      Number(
        (
          await harness.database.db
            .selectFrom('training_class')
            .select((eb) => eb.fn.countAll<number>().as('count'))
            .executeTakeFirstOrThrow()
        ).count,
      );
    const before = await classes();
    // 6-18-02-04 is within the demo school's licence but it was never admitted at the senior level.
    const filed = await call('POST', '/api/classes', school, {
      regionCode: '430421',
      name: '未列入机构目录的班',
      occupationCode: '6-18-02-04',
      level: 'advanced',
      capacity: 30,
      teachingPlan: { modules: ['实操'] },
      teachers: [{ name: '钱老师' }],
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
    expect(filed.statusCode, filed.body).toBe(422);
    expect(filed.json().error).toMatchObject({
      code: 'NOT_IN_INSTITUTION_CATALOG',
      details: [{ field: 'occupationCode' }],
    });
    expect(await classes()).toBe(before);
  });

  it('an admission is withdrawn with a reason (audited) and is suspended while its institution is; filing then refused', async () => {
    const institution = await call('POST', '/api/organisations', county, {
      kind: 'institution',
      regionCode: '430421',
      name: '衡阳县目录撤出培训学校',
      creditCode: creditCode('52430421MJJ00078X'.slice(0, 17)),
      licenceNumber: '湘人社民培430421078',
      capacity: 50,
      allowedOccupationCodes: ['4-10-01-05'],
    });
    expect(institution.statusCode, institution.body).toBe(201);
    const institutionId = institution.json().id as number;
    const admitted = await call('POST', '/api/catalog/institutions', county, {
      institutionId,
      occupationCode: '4-10-01-05',
      level: 'primary',
      regionCode: '430421',
      validFrom: '2021-01-01',
    });
    expect(admitted.statusCode, admitted.body).toBe(201);
    const admissionId = admitted.json().id as number;
    const statusOf = async () =>
      (await call('GET', `/api/catalog/institutions?institutionId=${institutionId}`, county)).json().items[0]
        .status;
    const sanction = (status: string) =>
      call('POST', `/api/organisations/${institutionId}/status`, city, {
        status,
        effectiveDate: '2021-05-06',
        reason: '专项检查暂停',
      });
    expect((await sanction('suspended')).statusCode).toBe(200);
    expect(await statusOf()).toBe('suspended');
    expect(
      (
        await call('GET', `/api/catalog/institutions?institutionId=${institutionId}&status=active`, county)
      ).json().total,
    ).toBe(0);
    expect((await sanction('active')).statusCode).toBe(200);
    expect(await statusOf()).toBe('active');

    // Bad input names the field and changes nothing.
    const path = `/api/catalog/institutions/${admissionId}/withdraw`;
    const missing = await call('POST', path, county, {});
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json().error.details)).toContain('reason');
    const blank = await call('POST', path, county, { reason: '   ' });
    expect(blank.statusCode).toBe(422);
    expect(blank.json().error.details[0].field).toBe('reason');
    expect(
      (await call('POST', '/api/catalog/institutions/999999/withdraw', county, { reason: '不存在' }))
        .statusCode,
    ).toBe(404);
    const foreign = await call('POST', path, await harness.loginAs('nj_county'), { reason: '他省' });
    expect(foreign.statusCode).toBe(404);
    expect(await statusOf()).toBe('active');

    const withdrawn = await call('POST', path, county, { reason: '年度评估不合格' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({
      status: 'withdrawn',
      withdrawnOn: '2021-05-06',
      withdrawalReason: '年度评估不合格',
    });
    expect((await call('POST', path, county, { reason: '再次' })).statusCode).toBe(409);
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'catalog.institution.withdraw')
      .execute();
    expect(audit).toHaveLength(1);
    const operator = await operatorHeaders(harness, county, institutionId, 'withdrawn_school');
    const filed = await call('POST', '/api/classes', operator, {
      regionCode: '430421',
      name: '移出目录后的班',
      occupationCode: '4-10-01-05',
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
    expect(filed.statusCode, filed.body).toBe(422);
    expect(filed.json().error.code).toBe('NOT_IN_INSTITUTION_CATALOG');
  });

  it('catalog entries stay within the configured bounds of their level: 99,999,999 fen is refused naming the entry', async () => {
    const version = await call('POST', '/api/catalog/versions', city, {
      regionCode: '430400',
      title: '超上限目录',
      effectiveFrom: '2021-09-01',
      citation: { document: '衡人社发【2019】21号', article: '六（一）' },
      entries: [
        {
          occupationCode: '4-10-01-05',
          level: 'primary',
          standardAmountFen: 120_000,
          standardDays: 15,
          standardClassHours: 90,
        },
        {
          occupationCode: '4-03-02-01',
          level: 'primary',
          standardAmountFen: 99_999_999,
          standardDays: 15,
          standardClassHours: 90,
        },
      ],
    });
    expect(version.statusCode).toBe(422);
    expect(version.json().error.details[0].field).toBe('entries[1].standardAmountFen');
    const drafts = await call('GET', '/api/catalog/versions?status=draft', city);
    expect(drafts.json().items.map((item: { title: string }) => item.title)).not.toContain('超上限目录');
  });
});
