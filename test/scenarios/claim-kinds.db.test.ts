import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, importContributions, operatorHeaders, uploadRequiredMaterials } from './claim-support.ts';
import { creditCode, idNumber } from './training-helpers.ts';

const ACCOUNT = { bankName: '中国银行南昌东湖支行', accountNumber: '200012345678' };

describe('claims of other kinds through the HTTP API', () => {
  const clock = new ManualClock('2021-06-01T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
  });
  afterAll(async () => harness.close());

  it('以工代训 in Jiangxi: a small enterprise claims three full months for a registered unemployed hire, 1,800 yuan', async () => {
    const province = await harness.loginAs('jx_province');
    const enterprise = await call('POST', '/api/organisations', province, {
      kind: 'enterprise',
      regionCode: '360102',
      name: '南昌东湖智造有限公司',
      creditCode: creditCode('91360102MA3900001'),
      enterpriseSize: 'small',
      employerFlags: ['insured'],
    });
    expect(enterprise.statusCode, enterprise.body).toBe(201);
    const enterpriseId = enterprise.json().id as number;
    const operator = await operatorHeaders(harness, province, enterpriseId, 'dh_factory');
    const person = await call('POST', '/api/persons', province, {
      name: '陈晨',
      idNumber: idNumber('360102', '19960303', '015'),
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
      idNumber: idNumber('360102', '19960303', '015'),
      name: '陈晨',
      contractMonths: 12,
      start: '2021-03-01',
      end: '2021-05-31',
    });
    expect(employment.statusCode, employment.body).toBe(201);
    const employmentId = employment.json().id as number;
    // The officer imports the social-insurance contributions: they verify the months (大数据比对).
    await importContributions(harness, province, {
      idNumber: idNumber('360102', '19960303', '015'),
      creditCode: creditCode('91360102MA3900001'),
      months: ['2021-03', '2021-04', '2021-05'],
    });

    const claim = await call('POST', '/api/claims', operator, {
      applicationDate: '2021-06-01',
      payeeAccount: ACCOUNT,
      claim: { source: 'employment', employmentIds: [employmentId] },
    });
    expect(claim.statusCode, claim.body).toBe(201);
    const line = claim.json().lines[0];
    expect(line).toMatchObject({
      isEligible: true,
      amountFen: 180_000,
      payee: 'enterprise',
      payeeOrganisationId: enterpriseId,
    });
    expect(line.decision.countsTowardAnnualLimit).toBe(false);
    expect(line.decision.lines[0].citation.doc).toBe('赣人社字〔2021〕151号');

    // Every month verified by the imported contributions: only the contracts are required.
    const required = async () =>
      (await call('GET', `/api/claims/${claim.json().id}/materials`, operator))
        .json()
        .items.filter((item: { isRequired: boolean }) => item.isRequired)
        .map((item: { code: string }) => item.code);
    expect(await required()).toEqual(['labour_contracts']);
    await uploadRequiredMaterials(harness, claim.json().id, operator);
    const submitted = await call('POST', `/api/claims/${claim.json().id}/submit`, operator);
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json()).toMatchObject({ status: 'submitted', totalAmountFen: 180_000 });
    const usage = await harness.database.db
      .selectFrom('subsidy_usage')
      .select('usage_key')
      .where('kind', '=', 'ojt_month')
      .execute();
    expect(usage.map((row) => row.usage_key.split(':')[1]).sort()).toEqual(['2021-03', '2021-04', '2021-05']);

    // Another enterprise of another region cannot see it.
    const other = await harness.loginAs('hy_school');
    expect((await call('GET', `/api/claims/${claim.json().id}`, other)).statusCode).toBe(403);
    expect((await call('GET', `/api/employment-records/${employmentId}`, other)).statusCode).toBe(404);
  });

  it('a worker registered in Jiangsu: a Jiangxi enterprise naming his person id gets 404 and learns nothing; by ID number and name he is employed', async () => {
    const province = await harness.loginAs('jx_province');
    const enterprise = await call('POST', '/api/organisations', province, {
      kind: 'enterprise',
      regionCode: '360102',
      name: '南昌东湖外来务工企业',
      creditCode: creditCode('91360102MA3900003'),
      enterpriseSize: 'small',
      employerFlags: ['insured'],
    });
    expect(enterprise.statusCode, enterprise.body).toBe(201);
    const enterpriseId = enterprise.json().id as number;
    const operator = await operatorHeaders(harness, province, enterpriseId, 'dh_migrant_hr');
    const migrant = { name: '苏籍务工', idNumber: idNumber('320102', '19910404', '033') };
    const registered = await call('POST', '/api/persons', await harness.loginAs('nj_county'), {
      ...migrant,
      registeringRegionCode: '320102',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const hire = { enterpriseId, contractMonths: 12, start: '2021-03-01' };
    // Issue 18, finding 1: a person of another province by id is refused as unknown.
    const byId = await call('POST', '/api/employment-records', operator, {
      ...hire,
      personId: registered.json().id,
    });
    expect(byId.statusCode, byId.body).toBe(404);
    expect(byId.json().error.details[0].field).toBe('personId');
    expect(byId.body).not.toContain(migrant.name);
    // Never refused for where he is registered (渝人社发〔2021〕12号 八): the real-name way works.
    const realName = await call('POST', '/api/employment-records', operator, { ...hire, ...migrant });
    expect(realName.statusCode, realName.body).toBe(201);
    expect(realName.json().personId).toBe(registered.json().id);
    expect(realName.body).not.toContain(migrant.idNumber);
  });

  it('取证补贴 in Shanxi: an evaluation organisation claims its certificates, one subsidy per certificate', async () => {
    clock.set('2021-08-02T01:00:00Z');
    const province = await harness.loginAs('sx_province');
    const org = await call('POST', '/api/organisations', province, {
      kind: 'evaluation_org',
      regionCode: '140105',
      name: '太原市小店区职业技能等级认定中心',
      creditCode: creditCode('52140105MJ0000001'),
    });
    expect(org.statusCode, org.body).toBe(201);
    const evaluator = await operatorHeaders(harness, province, org.json().id, 'xd_evaluator');
    const certificateIds: number[] = [];
    for (const [index, level] of (['primary', 'intermediate'] as const).entries()) {
      const person = await call('POST', '/api/persons', province, {
        name: `孙${index === 0 ? '一' : '二'}`,
        idNumber: idNumber('140105', '19900505', `06${index + 1}`),
        registeringRegionCode: '140105',
      });
      expect(person.statusCode, person.body).toBe(201);
      // Admitted to the evaluation-organisation catalog for the level, it assesses and certifies.
      const admitted = await call('POST', '/api/catalog/evaluation-organisations', province, {
        organisationId: org.json().id,
        occupationCode: '6-18-02-04',
        level,
        regionCode: '140000',
        validFrom: '2021-01-01',
      });
      expect(admitted.statusCode, admitted.body).toBe(201);
      const assessment = await call('POST', '/api/assessments', evaluator, {
        occupationCode: '6-18-02-04',
        level,
        assessedOn: '2021-07-16',
      });
      expect(assessment.statusCode, assessment.body).toBe(201);
      const passed = await call('POST', `/api/assessments/${assessment.json().id}/results`, evaluator, {
        idNumber: idNumber('140105', '19900505', `06${index + 1}`),
        name: `孙${index === 0 ? '一' : '二'}`,
        score: 75,
        isPassed: true,
      });
      expect(passed.statusCode, passed.body).toBe(201);
      const certificate = await call('POST', '/api/certificates', evaluator, {
        assessmentId: assessment.json().id,
        idNumber: idNumber('140105', '19900505', `06${index + 1}`),
        name: `孙${index === 0 ? '一' : '二'}`,
        certificateType: 'skill_level',
        level,
        occupationCode: '6-18-02-04',
        certificateNumber: `SX2021${index}`,
        issuer: '太原市小店区职业技能等级认定中心',
        issuedOn: '2021-07-20',
      });
      expect(certificate.statusCode, certificate.body).toBe(201);
      certificateIds.push(certificate.json().id);
    }
    const claim = await call('POST', '/api/claims', evaluator, {
      applicationDate: '2021-08-02',
      payeeAccount: { bankName: '中国银行太原小店支行', accountNumber: '140012345678' },
      // One certificate named twice is one line: 每个证书只能领取一次 (晋人社厅函〔2021〕600号 十（一）).
      claim: { source: 'certificates', certificateIds: [certificateIds[0], ...certificateIds] },
    });
    expect(claim.statusCode, claim.body).toBe(201);
    expect(claim.json().lines.map((line: { amountFen: number }) => line.amountFen)).toEqual([40_000, 60_000]);
    expect(claim.json().lines[0].decision.lines[0].citation).toEqual({
      doc: '晋人社厅函〔2021〕600号',
      article: '九（二）',
    });
    await uploadRequiredMaterials(harness, claim.json().id, evaluator);
    expect((await call('POST', `/api/claims/${claim.json().id}/submit`, evaluator)).statusCode).toBe(200);

    const again = await call('POST', '/api/claims', evaluator, {
      applicationDate: '2021-08-02',
      payeeAccount: { bankName: '中国银行太原小店支行', accountNumber: '140012345678' },
      claim: { source: 'certificates', certificateIds: [certificateIds[0]] },
    });
    expect(again.json().lines[0].isEligible).toBe(false);
    expect(again.json().lines[0].decision.denials[0].code).toBe('CERTIFICATE_ALREADY_SUBSIDIZED');

    // A revoked certificate earns nothing: a claim naming it is refused, naming the field.
    const person = { name: '孙三', idNumber: idNumber('140105', '19900505', '063') };
    expect(
      (await call('POST', '/api/persons', province, { ...person, registeringRegionCode: '140105' }))
        .statusCode,
    ).toBe(201);
    const assessment = await call('POST', '/api/assessments', evaluator, {
      occupationCode: '6-18-02-04',
      level: 'primary',
      assessedOn: '2021-07-16',
    });
    expect(assessment.statusCode, assessment.body).toBe(201);
    expect(
      (
        await call('POST', `/api/assessments/${assessment.json().id}/results`, evaluator, {
          ...person,
          score: 75,
          isPassed: true,
        })
      ).statusCode,
    ).toBe(201);
    const third = await call('POST', '/api/certificates', evaluator, {
      ...person,
      assessmentId: assessment.json().id,
      certificateType: 'skill_level',
      level: 'primary',
      occupationCode: '6-18-02-04',
      certificateNumber: 'SX20212',
      issuer: '太原市小店区职业技能等级认定中心',
      issuedOn: '2021-07-20',
    });
    expect(third.statusCode, third.body).toBe(201);
    const revoked = await call('POST', `/api/certificates/${third.json().id}/revoke`, evaluator, {
      reason: '替考',
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const onRevoked = await call('POST', '/api/claims', evaluator, {
      applicationDate: '2021-08-02',
      payeeAccount: { bankName: '中国银行太原小店支行', accountNumber: '140012345678' },
      claim: { source: 'certificates', certificateIds: [third.json().id] },
    });
    expect(onRevoked.statusCode, onRevoked.body).toBe(422);
    expect(onRevoked.json().error.details[0].field).toBe('claim.certificateIds');
  });
});
