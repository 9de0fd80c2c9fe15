import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  caller,
  completeClass,
  type Headers,
  operatorHeaders,
  publishHengyangCatalog,
  trainee,
  uploadRequiredMaterials,
} from './claim-support.ts';
import { creditCode } from './training-helpers.ts';

/**
 * Issue 21, the third-party reviewer's inspections (现场核查): the reviewer records an on-site
 * check of a class's claim under its contract (result, findings, an optional attachment), dated on
 * the business clock and not after today; only claims its contracts cover on that date; audited;
 * the officers read the inspections on the claim.
 */
describe('third-party reviewer inspections of claims under its contract', () => {
  const clock = new ManualClock('2021-07-21T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;
  let school: Headers;
  let reviewer: Headers;
  let claimId: number;
  let classId: number;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, city);
    const agency = await call('POST', '/api/organisations', city, {
      kind: 'review_agency',
      regionCode: '430400',
      name: '衡阳众信第三方审核服务有限公司',
      creditCode: creditCode('91430400MA4L00009'),
    });
    expect(agency.statusCode, agency.body).toBe(201);
    reviewer = await operatorHeaders(harness, city, agency.json().id, 'hy_inspector');
    const contract = await call('POST', '/api/supervision/agency-contracts', city, {
      agencyId: agency.json().id,
      contractNumber: 'HY-GM-2021-009',
      regionCodes: ['430421'],
      startsOn: '2021-07-26',
      endsOn: '2021-12-31',
    });
    expect(contract.statusCode, contract.body).toBe(201);
    classId = await completeClass(harness, {
      school,
      county,
      startDay: '2021-07-26',
      trainees: [trainee('丁检查', '401'), trainee('戊检查', '403')],
      tag: 'IN1',
    });
    clock.set('2021-08-09T01:00:00Z');
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-08-09',
      payeeAccount: { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000054321' },
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    claimId = created.json().id;
    await uploadRequiredMaterials(harness, claimId, school);
    expect((await call('POST', `/api/claims/${claimId}/submit`, school)).statusCode).toBe(200);
  });
  afterAll(async () => harness.close());

  it('the reviewer records an inspection with an attachment; it is audited and the officers read it on the claim', async () => {
    const recorded = await call('POST', `/api/claims/${claimId}/inspections`, reviewer, {
      inspectedOn: '2021-08-06',
      result: 'minor_issues',
      findings: '现场抽查学员2人，1人签到照片与本人不符，已要求机构说明',
      attachment: {
        fileName: '现场核查记录.pdf',
        contentType: 'application/pdf',
        contentBase64: Buffer.from('%PDF-1.4 现场核查记录').toString('base64'),
      },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.json()).toMatchObject({
      claimId,
      classId,
      inspectedOn: '2021-08-06',
      result: 'minor_issues',
      agencyName: '衡阳众信第三方审核服务有限公司',
      contractNumber: 'HY-GM-2021-009',
      attachment: { fileName: '现场核查记录.pdf', contentType: 'application/pdf' },
    });
    expect(recorded.json().attachment.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof recorded.json().recordedAt).toBe('string');

    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select(['action', 'object_type', 'object_id'])
      .where('action', '=', 'claim.inspection.record')
      .execute();
    expect(audit).toEqual([
      {
        action: 'claim.inspection.record',
        object_type: 'claim_inspection',
        object_id: String(recorded.json().id),
      },
    ]);

    for (const who of [county, city, reviewer]) {
      const listed = await call('GET', `/api/claims/${claimId}/inspections`, who);
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.json().items).toEqual([
        expect.objectContaining({ id: recorded.json().id, result: 'minor_issues' }),
      ]);
    }
    // The institution inspected reads them too (its own claim).
    expect((await call('GET', `/api/claims/${claimId}/inspections`, school)).json().items).toHaveLength(1);
  });

  it('refuses a date after the business date, a date outside the contract, an officer, and a claim not found', async () => {
    const body = { result: 'passed', findings: '材料与现场一致' };
    const future = await call('POST', `/api/claims/${claimId}/inspections`, reviewer, {
      ...body,
      inspectedOn: '2021-08-10',
    });
    expect(future.statusCode).toBe(422);
    expect(future.json().error.details[0].field).toBe('inspectedOn');
    expect(future.json().error.message).toMatch(/业务日期/);

    const beforeContract = await call('POST', `/api/claims/${claimId}/inspections`, reviewer, {
      ...body,
      inspectedOn: '2021-07-20',
    });
    expect(beforeContract.statusCode).toBe(403);
    expect(beforeContract.json().error.message).toContain('合同');

    const officer = await call('POST', `/api/claims/${claimId}/inspections`, county, {
      ...body,
      inspectedOn: '2021-08-09',
    });
    expect(officer.statusCode).toBe(403);

    const missing = await call('POST', '/api/claims/999999/inspections', reviewer, {
      ...body,
      inspectedOn: '2021-08-09',
    });
    expect(missing.statusCode).toBe(404);
    expect((await call('GET', '/api/claims/999999/inspections', county)).statusCode).toBe(404);

    const fine = await call('POST', `/api/claims/${claimId}/inspections`, reviewer, {
      ...body,
      inspectedOn: '2021-08-09',
    });
    expect(fine.statusCode, fine.body).toBe(201);
    expect(fine.json().attachment).toBeNull();
  });
});
