import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, type Headers, operatorHeaders } from './claim-support.ts';
import { creditCode } from './training-helpers.ts';

/**
 * An organisation's own supervision record (issue 21): an institution reads its own rating and
 * sanctions on 我的评级与处理 and appeals its own standing sanction, once — never another
 * organisation's, whose record it can neither read nor appeal.
 */
describe('an organisation reads its own rating and sanctions and appeals its own sanction', () => {
  const clock = new ManualClock('2021-08-02T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let city: Headers;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    city = await harness.loginAs('hy_city');
  });
  afterAll(async () => harness.close());

  /** A new institution of 衡阳县 with an operator account, sanctioned (suspended) by the city. */
  async function sanctionedInstitution(tag: string, sequence: string) {
    const registered = await call('POST', '/api/organisations', city, {
      kind: 'institution',
      regionCode: '430421',
      name: `衡阳县${tag}职业培训学校`,
      creditCode: creditCode(`52430421MJJ00${sequence}`),
      licenceNumber: `湘人社民培430421${sequence}`,
      capacity: 100,
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const institutionId = registered.json().id as number;
    const operator = await operatorHeaders(harness, city, institutionId, `own_school_${sequence}`);
    const sanction = await call('POST', '/api/supervision/sanctions', city, {
      organisationId: institutionId,
      action: 'suspended',
      effectiveDate: '2021-07-30',
      reason: `${tag}虚报培训人数`,
    });
    expect(sanction.statusCode, sanction.body).toBe(201);
    // Its rating of 2021, stored as the yearly recompute stores it (one computation a year here).
    await harness.database.db
      .insertInto('institution_rating')
      .values({
        province_code: '430000',
        institution_id: institutionId,
        rating_year: 2021,
        grade: 'C',
        score: 61.5,
        components: JSON.stringify({ trainees: 10 }),
        explanation: JSON.stringify([`${tag}：结业率偏低`]),
      })
      .execute();
    return { institutionId, operator, sanctionId: sanction.json().id as number };
  }

  it('shows an institution its own rating and sanction only, and lets it appeal that sanction once, audited', async () => {
    const own = await sanctionedInstitution('甲', '0201');
    const other = await sanctionedInstitution('乙', '0202');
    const answer = await call('GET', '/api/supervision/my-organisation', own.operator);
    expect(answer.statusCode, answer.body).toBe(200);
    const record = answer.json();
    expect(record.organisation).toMatchObject({
      id: own.institutionId,
      kind: 'institution',
      status: 'suspended',
    });
    expect(record.ratings).toEqual([
      expect.objectContaining({ institutionId: own.institutionId, year: 2021, grade: 'C', score: 61.5 }),
    ]);
    expect(record.ratings[0].explanation).toEqual(['甲：结业率偏低']);
    expect(record.sanctions).toEqual([
      expect.objectContaining({
        id: own.sanctionId,
        organisationId: own.institutionId,
        appealStatus: 'none',
        isAppealable: true,
      }),
    ]);
    expect(answer.body).not.toContain('乙');

    // Another organisation's sanction: not found, and left as it was.
    const foreign = await call(
      'POST',
      `/api/supervision/my-organisation/sanctions/${other.sanctionId}/appeal`,
      own.operator,
      { grounds: '越权申诉' },
    );
    expect(foreign.statusCode, foreign.body).toBe(404);
    const untouched = await call('GET', `/api/supervision/sanctions/${other.sanctionId}`, city);
    expect(untouched.json().appealStatus).toBe('none');

    const appealed = await call(
      'POST',
      `/api/supervision/my-organisation/sanctions/${own.sanctionId}/appeal`,
      own.operator,
      { grounds: '学员名单系招生代理人员提供，本校已解除合作' },
    );
    expect(appealed.statusCode, appealed.body).toBe(200);
    // Filed on the business date, by the organisation itself.
    expect(appealed.json()).toMatchObject({
      appealStatus: 'filed',
      appealFiledOn: '2021-08-02',
      appealGrounds: '学员名单系招生代理人员提供，本校已解除合作',
      isAppealable: false,
    });
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id', 'object_id'])
      .where('action', '=', 'supervision.sanction.appeal')
      .where('object_id', '=', String(own.sanctionId))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_user_id).not.toBeNull();

    // Once: a second appeal is refused.
    const again = await call(
      'POST',
      `/api/supervision/my-organisation/sanctions/${own.sanctionId}/appeal`,
      own.operator,
      { grounds: '再次申诉' },
    );
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/已有申诉/);
    // The officers see it waiting for review.
    const waiting = await call('GET', `/api/supervision/sanctions/${own.sanctionId}`, city);
    expect(waiting.json().appealStatus).toBe('filed');
  });

  it('refuses an appeal against a sanction that no longer stands (the organisation was reinstated)', async () => {
    const own = await sanctionedInstitution('丙', '0203');
    const reinstated = await call('POST', `/api/organisations/${own.institutionId}/status`, city, {
      status: 'active',
      effectiveDate: '2021-08-01',
      reason: '整改完成，恢复资格',
    });
    expect(reinstated.statusCode, reinstated.body).toBe(200);
    const record = (await call('GET', '/api/supervision/my-organisation', own.operator)).json();
    expect(record.sanctions[0]).toMatchObject({ id: own.sanctionId, isAppealable: false });
    const refused = await call(
      'POST',
      `/api/supervision/my-organisation/sanctions/${own.sanctionId}/appeal`,
      own.operator,
      { grounds: '请求撤销' },
    );
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error.message).toMatch(/已不再执行/);
  });

  it('serves the evaluation organisation and the enterprise their own record; officers have none', async () => {
    const registered = await call('POST', '/api/organisations', city, {
      kind: 'evaluation_org',
      regionCode: '430400',
      name: '衡阳市丁职业技能评价中心',
      creditCode: creditCode('12430400MB0000D00'),
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const evaluation = await operatorHeaders(harness, city, registered.json().id, 'own_eval_ding');
    const sanction = await call('POST', '/api/supervision/sanctions', city, {
      organisationId: registered.json().id,
      action: 'blacklisted',
      effectiveDate: '2021-07-31',
      reason: '出具虚假鉴定成绩',
    });
    expect(sanction.statusCode, sanction.body).toBe(201);
    const record = (await call('GET', '/api/supervision/my-organisation', evaluation)).json();
    expect(record.organisation).toMatchObject({ kind: 'evaluation_org', status: 'blacklisted' });
    expect(record.ratings).toEqual([]);
    expect(record.sanctions).toEqual([
      expect.objectContaining({ action: 'blacklisted', isAppealable: true }),
    ]);
    // An officer holds no organisation: the permission is the organisations' own.
    expect((await call('GET', '/api/supervision/my-organisation', city)).statusCode).toBe(403);
  });
});
