import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, type Headers, operatorHeaders } from './claim-support.ts';
import { creditCode } from './training-helpers.ts';

/** Issue 17 (the two catalogs): a training-project catalog entry can be withdrawn. */
describe('withdrawing a training-project catalog entry', { timeout: 240_000 }, () => {
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

  it('an officer of the region withdraws a published entry with a reason (audited); it is no longer filed against nor public; filed classes keep theirs', async () => {
    const occupationCode = '4-10-01-05';
    const version = await call('POST', '/api/catalog/versions', city, {
      regionCode: '430400',
      title: '衡阳市补贴目录（撤回测试）',
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
        {
          occupationCode: '4-03-02-01',
          level: 'primary',
          standardAmountFen: 90_000,
          standardDays: 10,
          standardClassHours: 60,
        },
      ],
    });
    expect(version.statusCode, version.body).toBe(201);
    const versionId = version.json().id as number;
    const entryId = (version.json().entries as { id: number; occupationCode: string }[]).find(
      (entry) => entry.occupationCode === occupationCode,
    )!.id;
    const path = `/api/catalog/entries/${entryId}/withdraw`;

    // A draft's entry is not withdrawn (the draft is edited instead): 409 naming the state.
    const draft = await call('POST', path, city, { reason: '草稿' });
    expect(draft.statusCode).toBe(409);
    expect(draft.json().error.message).toContain('草稿');
    expect((await call('POST', `/api/catalog/versions/${versionId}/publish`, city)).statusCode).toBe(200);

    const institution = await call('POST', '/api/organisations', county, {
      kind: 'institution',
      regionCode: '430421',
      name: '衡阳县目录项目撤回培训学校',
      creditCode: creditCode('52430421MJJ00091X'.slice(0, 17)),
      licenceNumber: '湘人社民培430421091',
      capacity: 50,
      allowedOccupationCodes: [occupationCode],
    });
    expect(institution.statusCode, institution.body).toBe(201);
    const institutionId = institution.json().id as number;
    const admitted = await call('POST', '/api/catalog/institutions', county, {
      institutionId,
      occupationCode,
      level: 'primary',
      regionCode: '430421',
      validFrom: '2021-01-01',
    });
    expect(admitted.statusCode, admitted.body).toBe(201);
    const operator = await operatorHeaders(harness, county, institutionId, 'entry_withdrawal_school');
    const file = (name: string) =>
      call('POST', '/api/classes', operator, {
        regionCode: '430421',
        name,
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
    const before = await file('撤回前备案的班');
    expect(before.statusCode, before.body).toBe(201);
    expect(before.json().catalogEntryId).toBe(entryId);
    const publicCodes = async () =>
      (
        await harness.app.inject({
          method: 'GET',
          url: '/api/public/catalog-entries?regionCode=430421&on=2021-05-20&pageSize=100',
        })
      )
        .json()
        .items.filter((item: { level: string }) => item.level === 'primary')
        .map((item: { occupationCode: string }) => item.occupationCode);
    expect(await publicCodes()).toContain(occupationCode);

    // Bad input names the field and changes nothing.
    const missing = await call('POST', path, city, {});
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json().error.details)).toContain('reason');
    const blank = await call('POST', path, city, { reason: '   ' });
    expect(blank.statusCode).toBe(422);
    expect(blank.json().error.details[0].field).toBe('reason');
    expect(blank.json().error.message).toContain('理由');
    expect(
      (await call('POST', '/api/catalog/entries/999999/withdraw', city, { reason: '不存在' })).statusCode,
    ).toBe(404);
    // Another region's officer (a county below, another province) learns nothing: 404 as for an unknown id.
    for (const login of ['hy_county', 'nj_county']) {
      const foreign = await call('POST', path, await harness.loginAs(login), { reason: '越权' });
      expect(foreign.statusCode, login).toBe(404);
      expect(foreign.body).not.toContain(occupationCode);
    }
    const entryStatus = async () =>
      (await call('GET', `/api/catalog/versions/${versionId}`, city))
        .json()
        .entries.find((entry: { id: number }) => entry.id === entryId);
    expect((await entryStatus()).status).toBe('active');

    const withdrawn = await call('POST', path, city, { reason: '该项目已不符合本地产业需求' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({
      id: entryId,
      status: 'withdrawn',
      withdrawnOn: '2021-05-06',
      withdrawalReason: '该项目已不符合本地产业需求',
    });
    expect(await entryStatus()).toMatchObject({ status: 'withdrawn', withdrawnOn: '2021-05-06' });
    const again = await call('POST', path, city, { reason: '再次' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('已撤回');
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'catalog.entry.withdraw')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.before_state)).toContain('active');
    expect(JSON.stringify(audit[0]!.after_state)).toContain('withdrawn');

    // No longer filed against; not in the public catalog; the other entry stays.
    const after = await file('撤回后备案的班');
    expect(after.statusCode, after.body).toBe(422);
    expect(after.json().error.code).toBe('CATALOG_ENTRY_WITHDRAWN');
    expect(after.json().error.message).toContain('已撤回');
    expect(after.json().error.details[0].field).toBe('occupationCode');
    const codes = await publicCodes();
    expect(codes).not.toContain(occupationCode);
    expect(codes).toContain('4-03-02-01');
    // The public calculator no longer offers the withdrawn entry's standard either.
    const calculated = await harness.app.inject({
      method: 'POST',
      url: '/api/public/calculate',
      payload: {
        region: '430421',
        date: '2021-05-20',
        subsidy: 'training',
        person: { groups: ['registered_unemployed'] },
        training: { filed: true, occupationCode, level: 'primary' },
        certificate: { type: 'skill_level' },
      },
    });
    expect(calculated.statusCode, calculated.body).toBe(200);
    expect(calculated.json().catalog).toBeNull();
    expect(calculated.json().decision.denials[0].code).toBe('NOT_IN_CATALOG');
    // The class filed before keeps its filing and its catalog entry.
    const kept = await call('GET', `/api/classes/${before.json().id}`, operator);
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json().catalogEntryId).toBe(entryId);
  });
});
