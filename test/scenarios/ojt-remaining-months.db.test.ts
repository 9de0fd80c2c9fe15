import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, importContributions, operatorHeaders, uploadRequiredMaterials } from './claim-support.ts';
import { creditCode, idNumber } from './training-helpers.ts';

const ACCOUNT = { bankName: '中国银行南昌东湖支行', accountNumber: '200012345678' };

/**
 * 赣人社字〔2021〕151号 一（二） "最长不超过6个月" is a total per person and enterprise: a second
 * claim of the same continuous employment is paid the months that remain, not refused whole.
 */
describe('以工代训 in Jiangxi: a second claim of one employment pays the months that remain', () => {
  const clock = new ManualClock('2021-04-02T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
  });
  afterAll(async () => harness.close());

  it('January to March paid first; the claim in September for work until August pays April to June, 1800 yuan', async () => {
    const province = await harness.loginAs('jx_province');
    const enterprise = await call('POST', '/api/organisations', province, {
      kind: 'enterprise',
      regionCode: '360102',
      name: '南昌东湖余月制造有限公司',
      creditCode: creditCode('91360102MA3900077'),
      enterpriseSize: 'small',
      employerFlags: ['insured'],
    });
    expect(enterprise.statusCode, enterprise.body).toBe(201);
    const enterpriseId = enterprise.json().id as number;
    const operator = await operatorHeaders(harness, province, enterpriseId, 'yy_factory');
    const person = await call('POST', '/api/persons', province, {
      name: '余月',
      idNumber: idNumber('360102', '19970404', '027'),
      registeringRegionCode: '360102',
      groups: [
        {
          groupCode: 'registered_unemployed',
          certifierCode: 'public_employment_service',
          validFrom: '2020-12-01',
        },
      ],
    });
    expect(person.statusCode, person.body).toBe(201);
    const employment = await call('POST', '/api/employment-records', operator, {
      enterpriseId,
      // The enterprise names its employee the real-name way (name and ID number).
      name: '余月',
      idNumber: idNumber('360102', '19970404', '027'),
      contractMonths: 12,
      start: '2021-01-01',
    });
    expect(employment.statusCode, employment.body).toBe(201);
    const employmentIds = [employment.json().id as number];
    // The officer's imported social-insurance contributions verify every month worked.
    await importContributions(harness, province, {
      idNumber: idNumber('360102', '19970404', '027'),
      creditCode: creditCode('91360102MA3900077'),
      months: ['2021-01', '2021-02', '2021-03'],
    });

    const claimAndSubmit = async (applicationDate: string) => {
      const claim = await call('POST', '/api/claims', operator, {
        applicationDate,
        payeeAccount: ACCOUNT,
        claim: { source: 'employment', employmentIds },
      });
      expect(claim.statusCode, claim.body).toBe(201);
      await uploadRequiredMaterials(harness, claim.json().id, operator);
      const submitted = await call('POST', `/api/claims/${claim.json().id}/submit`, operator);
      expect(submitted.statusCode, submitted.body).toBe(200);
      return submitted.json();
    };

    const first = await claimAndSubmit('2021-04-02');
    expect(first).toMatchObject({ status: 'submitted', totalAmountFen: 180_000 });

    clock.set('2021-09-01T01:00:00Z');
    await importContributions(harness, province, {
      idNumber: idNumber('360102', '19970404', '027'),
      creditCode: creditCode('91360102MA3900077'),
      months: ['2021-04', '2021-05', '2021-06', '2021-07', '2021-08'],
    });
    const second = await claimAndSubmit('2021-09-01');
    expect(second).toMatchObject({ status: 'submitted', totalAmountFen: 180_000 });
    const line = second.lines[0];
    expect(line).toMatchObject({ isEligible: true, amountFen: 180_000 });
    expect(line.decision.lines[0].period).toEqual({ start: '2021-04-01', end: '2021-06-30' });

    const usage = await harness.database.db
      .selectFrom('subsidy_usage')
      .select('usage_key')
      .where('kind', '=', 'ojt_month')
      .execute();
    expect(usage.map((row) => row.usage_key.split(':')[1]).sort()).toEqual([
      '2021-01',
      '2021-02',
      '2021-03',
      '2021-04',
      '2021-05',
      '2021-06',
    ]);

    // All six months are paid: a third claim for the same employment is refused, naming the total.
    clock.set('2021-11-01T01:00:00Z');
    const third = await call('POST', '/api/claims', operator, {
      applicationDate: '2021-11-01',
      payeeAccount: ACCOUNT,
      claim: { source: 'employment', employmentIds },
    });
    expect(third.statusCode, third.body).toBe(201);
    expect(third.json().lines[0]).toMatchObject({ isEligible: false, amountFen: 0 });
    expect(third.json().lines[0].decision.denials[0].code).toBe('DUPLICATE_SUBSIDY');
  });
});
