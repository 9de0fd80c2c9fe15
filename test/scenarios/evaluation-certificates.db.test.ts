import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  caller,
  completeClass,
  type Headers,
  operatorHeaders,
  orderAndApprovePayment,
  publishHengyangCatalog,
  trainee,
  uploadRequiredMaterials,
} from './claim-support.ts';
import { creditCode } from './training-helpers.ts';

const PAYEE_ACCOUNT = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' };

/**
 * Certificates from their issuers (issue 17 finding 3): a skill-level certificate comes only from
 * an evaluation organisation of the evaluation-organisation catalog whose scope covers the
 * occupation and level, to a person who passed its assessment, dated on or after it; the issuer
 * is the registered organisation, never free text. A revoked certificate whose subsidy was paid
 * opens a recovery order.
 */
describe('evaluated certificates: the evaluation-organisation catalog, assessments and recovery on revocation', () => {
  const clock = new ManualClock('2021-06-01T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;
  let school: Headers;
  let evaluator: Headers;
  let stationId: number;
  const passer = trainee('评价合格', '611');
  const failer = trainee('评价不合格', '623');

  const certificateCount = async () =>
    Number(
      (
        await harness.database.db
          .selectFrom('certificate')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow()
      ).count,
    );
  const skillLevel = (person: typeof passer, extra: Record<string, unknown> = {}) => ({
    name: person.name,
    idNumber: person.idNumber,
    certificateType: 'skill_level',
    level: 'primary',
    occupationCode: '4-10-01-05',
    certificateNumber: `EV-${person.idNumber.slice(-4)}`,
    issuer: '任意机构',
    issuedOn: '2021-05-30',
    ...extra,
  });

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
    school = await harness.loginAs('hy_school');
    const station = await call('POST', '/api/organisations', city, {
      kind: 'evaluation_org',
      regionCode: '430405',
      name: '珠晖区职业技能等级认定中心',
      creditCode: creditCode('12430405MB1X00081'),
    });
    expect(station.statusCode, station.body).toBe(201);
    stationId = station.json().id;
    evaluator = await operatorHeaders(harness, city, stationId, 'zh_assessor');
    for (const person of [passer, failer]) {
      const registered = await call('POST', '/api/persons', county, {
        name: person.name,
        idNumber: person.idNumber,
        registeringRegionCode: '430421',
      });
      expect(registered.statusCode, registered.body).toBe(201);
      person.personId = registered.json().id;
    }
  });
  afterAll(async () => harness.close());

  it('a skill-level certificate: not from an institution, nor from an evaluation organisation outside the catalog, nor without a passing assessment or before it', async () => {
    const before = await certificateCount();
    // A training institution cannot issue one, whatever issuer it writes.
    const bySchool = await call('POST', '/api/certificates', school, skillLevel(passer));
    expect(bySchool.statusCode, bySchool.body).toBe(403);
    expect(bySchool.json().error.details[0].field).toBe('certificateType');
    // Not yet in the evaluation-organisation catalog: no assessment, no certificate.
    const early = await call('POST', '/api/assessments', evaluator, {
      occupationCode: '4-10-01-05',
      level: 'primary',
      assessedOn: '2021-05-28',
    });
    expect(early.statusCode, early.body).toBe(422);
    expect(early.json().error).toMatchObject({
      code: 'NOT_IN_EVALUATION_CATALOG',
      details: [{ field: 'occupationCode' }],
    });
    const admitted = await call('POST', '/api/catalog/evaluation-organisations', city, {
      organisationId: stationId,
      occupationCode: '4-10-01-05',
      level: 'primary',
      regionCode: '430400',
      validFrom: '2021-01-01',
    });
    expect(admitted.statusCode, admitted.body).toBe(201);
    expect(admitted.json()).toMatchObject({
      status: 'active',
      organisationName: '珠晖区职业技能等级认定中心',
    });
    const assessment = await call('POST', '/api/assessments', evaluator, {
      occupationCode: '4-10-01-05',
      level: 'primary',
      assessedOn: '2021-05-28',
    });
    expect(assessment.statusCode, assessment.body).toBe(201);
    const assessmentId = assessment.json().id as number;
    for (const [person, score, isPassed] of [
      [passer, 86, true],
      [failer, 41, false],
    ] as const) {
      const recorded = await call('POST', `/api/assessments/${assessmentId}/results`, evaluator, {
        name: person.name,
        idNumber: person.idNumber,
        score,
        isPassed,
      });
      expect(recorded.statusCode, recorded.body).toBe(201);
    }
    const refusals: Array<[Record<string, unknown>, typeof passer, string]> = [
      [{}, passer, 'assessmentId'],
      [{ assessmentId }, failer, 'personId'],
      [{ assessmentId, issuedOn: '2021-05-27' }, passer, 'issuedOn'],
      [{ assessmentId, issuedOn: '2021-06-30' }, passer, 'issuedOn'],
      [{ assessmentId, level: 'intermediate' }, passer, 'occupationCode'],
    ];
    for (const [extra, person, field] of refusals) {
      const refused = await call('POST', '/api/certificates', evaluator, skillLevel(person, extra));
      expect(refused.statusCode, `${field}: ${refused.body}`).toBe(422);
      expect(refused.json().error.details[0].field).toBe(field);
    }
    expect(await certificateCount()).toBe(before);
    const issued = await call('POST', '/api/certificates', evaluator, skillLevel(passer, { assessmentId }));
    expect(issued.statusCode, issued.body).toBe(201);
    // The issuer is the registered organisation, not the free text.
    expect(issued.json()).toMatchObject({
      issuer: '珠晖区职业技能等级认定中心',
      issuerOrganisationId: stationId,
      assessmentId,
    });
    const verified = await call('POST', '/api/public/certificates/verify', {} as Headers, {
      number: `EV-${passer.idNumber.slice(-4)}`,
      name: passer.name,
    });
    expect(verified.json()).toMatchObject({ valid: true, issuer: '珠晖区职业技能等级认定中心' });
  });

  it('the evaluation catalog and assessment routes refuse bad input naming the field and change nothing', async () => {
    const before = await certificateCount();
    const badLevel = await call('POST', '/api/assessments', evaluator, {
      occupationCode: '4-10-01-05',
      level: 'grand',
      assessedOn: '2021-05-28',
    });
    expect(badLevel.statusCode).toBe(400);
    expect(JSON.stringify(badLevel.json().error.details)).toContain('level');
    const future = await call('POST', '/api/assessments', evaluator, {
      occupationCode: '4-10-01-05',
      level: 'primary',
      assessedOn: '2021-06-02',
    });
    expect(future.statusCode).toBe(422);
    expect(future.json().error.details[0].field).toBe('assessedOn');
    expect(
      (
        await call('POST', '/api/assessments', school, {
          occupationCode: '4-10-01-05',
          level: 'primary',
          assessedOn: '2021-05-28',
        })
      ).statusCode,
    ).toBe(403);
    const list = await call('GET', '/api/assessments', evaluator);
    expect(list.statusCode).toBe(200);
    const assessmentId = list.json().items[0].id as number;
    const wrongName = await call('POST', `/api/assessments/${assessmentId}/results`, evaluator, {
      name: '冒名者',
      idNumber: passer.idNumber,
      score: 90,
      isPassed: true,
    });
    expect(wrongName.statusCode).toBe(422);
    expect(wrongName.json().error.details[0].field).toBe('idNumber');
    const badScore = await call('POST', `/api/assessments/${assessmentId}/results`, evaluator, {
      name: passer.name,
      idNumber: passer.idNumber,
      score: 101,
      isPassed: true,
    });
    expect(badScore.statusCode).toBe(400);
    expect(JSON.stringify(badScore.json().error.details)).toContain('score');
    expect(
      (
        await call('POST', '/api/assessments/999999/results', evaluator, {
          name: passer.name,
          idNumber: passer.idNumber,
          score: 90,
          isPassed: true,
        })
      ).statusCode,
    ).toBe(404);
    const results = (await call('GET', `/api/assessments/${assessmentId}/results`, evaluator)).json().items;
    expect(results.map((row: { name: string; isPassed: boolean }) => [row.name, row.isPassed])).toEqual([
      [passer.name, true],
      [failer.name, false],
    ]);
    // The catalog: an institution is not an evaluation organisation; a region outside the officer's.
    const notEvaluator = await call('POST', '/api/catalog/evaluation-organisations', city, {
      organisationId: (await call('GET', '/api/organisations?kind=institution', city)).json().items[0].id,
      occupationCode: '4-10-01-05',
      level: 'primary',
      regionCode: '430400',
      validFrom: '2021-01-01',
    });
    expect(notEvaluator.statusCode).toBe(404);
    const entry = (
      await call('GET', `/api/catalog/evaluation-organisations?organisationId=${stationId}`, city)
    ).json().items[0];
    const withdraw = `/api/catalog/evaluation-organisations/${entry.id}/withdraw`;
    expect((await call('POST', withdraw, city, {})).statusCode).toBe(400);
    const blank = await call('POST', withdraw, city, { reason: '  ' });
    expect(blank.statusCode).toBe(422);
    expect(blank.json().error.details[0].field).toBe('reason');
    expect(
      (await call('POST', withdraw, await harness.loginAs('nj_county'), { reason: '他省' })).statusCode,
    ).toBe(404);
    const withdrawn = await call('POST', withdraw, city, { reason: '评价质量督导不合格' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', withdrawnOn: '2021-06-01' });
    // Withdrawn: no further certificate for that scope, even to a person who passed.
    const after = await call('POST', '/api/certificates', evaluator, {
      ...skillLevel(passer, { assessmentId, certificateNumber: 'EV-AFTER-1', issuedOn: '2021-06-01' }),
    });
    expect(after.statusCode).toBe(422);
    expect(after.json().error.code).toBe('NOT_IN_EVALUATION_CATALOG');
    expect(await certificateCount()).toBe(before);
  });

  it('admission to the evaluation catalog and new assessments refuse bad input naming the field and write nothing', async () => {
    const count = async (table: 'evaluation_catalog' | 'assessment') =>
      Number(
        (
          await harness.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('count'))
            .executeTakeFirstOrThrow()
        ).count,
      );
    const [entries, assessments] = [await count('evaluation_catalog'), await count('assessment')];
    const admission = {
      organisationId: stationId,
      occupationCode: '4-10-01-05',
      level: 'intermediate',
      regionCode: '430400',
      validFrom: '2021-01-01',
    };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ level: 'grand' }, 400, 'level'],
      [{ organisationId: undefined }, 400, 'organisationId'],
      [{ validFrom: '2021-02-30' }, 400, 'validFrom'],
      [{ occupationCode: '9-99-99-99' }, 422, 'occupationCode'],
      [{ validTo: '2020-12-31' }, 422, 'validTo'],
      // The station is in 珠晖区 (430405): 衡阳县's catalog cannot hold it.
      [{ regionCode: '430421' }, 422, 'regionCode'],
    ];
    for (const [change, status, field] of cases) {
      const refused = await call('POST', '/api/catalog/evaluation-organisations', city, {
        ...admission,
        ...change,
      });
      expect(refused.statusCode, `${field}: ${refused.body}`).toBe(status);
      expect(JSON.stringify(refused.json().error.details), field).toContain(field);
    }
    const byEvaluator = await call('POST', '/api/catalog/evaluation-organisations', evaluator, admission);
    expect(byEvaluator.statusCode).toBe(403);
    const assessmentCases: Array<[Record<string, unknown>, number, string]> = [
      [{ occupationCode: '' }, 400, 'occupationCode'],
      [{ assessedOn: 'yesterday' }, 400, 'assessedOn'],
      [{ extra: 1 }, 400, 'extra'],
      [{ occupationCode: '4-03-02-01' }, 422, 'occupationCode'],
    ];
    for (const [change, status, field] of assessmentCases) {
      const refused = await call('POST', '/api/assessments', evaluator, {
        occupationCode: '4-10-01-05',
        level: 'primary',
        assessedOn: '2021-05-28',
        ...change,
      });
      expect(refused.statusCode, `${field}: ${refused.body}`).toBe(status);
      expect(JSON.stringify(refused.json().error.details), field).toContain(field);
    }
    const badQueries: Array<[string, string]> = [
      ['/api/assessments?assessedFrom=soon', 'querystring.assessedFrom'],
      ['/api/evaluation/certificates?pageSize=101', 'querystring.pageSize'],
      ['/api/assessments/abc/results', 'params.id'],
    ];
    for (const [url, field] of badQueries) {
      const refused = await call('GET', url, evaluator);
      expect(refused.statusCode, url).toBe(400);
      expect(JSON.stringify(refused.json().error.details), url).toContain(field);
    }
    const badCatalogQuery = await call('GET', '/api/catalog/evaluation-organisations?status=pending', city);
    expect(badCatalogQuery.statusCode).toBe(400);
    expect(JSON.stringify(badCatalogQuery.json().error.details)).toContain('querystring.status');
    expect([await count('evaluation_catalog'), await count('assessment')]).toEqual([entries, assessments]);
  });

  it('revoking a certificate whose subsidy was paid opens a recovery order for it', async () => {
    await publishHengyangCatalog(harness, city);
    const trainees = [trainee('追回甲', '631'), trainee('追回乙', '643')];
    clock.set('2021-05-06T01:00:00Z');
    const classId = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-10',
      trainees,
      tag: 'REC',
    });
    clock.set('2021-05-17T01:00:00Z');
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-17',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const claimId = created.json().id as number;
    await uploadRequiredMaterials(harness, claimId, school);
    expect((await call('POST', `/api/claims/${claimId}/submit`, school)).statusCode).toBe(200);
    expect((await call('POST', `/api/claims/${claimId}/review`, county, {})).statusCode).toBe(200);
    expect((await call('POST', `/api/claims/${claimId}/start-notice`, county, {})).statusCode).toBe(200);
    clock.set('2021-05-25T01:00:00Z');
    const approved = await call('POST', `/api/claims/${claimId}/approve`, city, {});
    expect(approved.statusCode, approved.body).toBe(200);
    const finance = await harness.loginAs('hy_finance');
    const ordered = await orderAndApprovePayment(
      harness,
      finance,
      await harness.loginAs('hy_finance_checker'),
      {
        claimIds: [claimId],
        valueDate: '2021-05-25',
        idempotencyId: 'recovery-on-revocation-1',
      },
    );
    clock.set('2021-05-26T01:00:00Z');
    const paid = await call('POST', `/api/claims/payments/${ordered.id}/bank-result`, finance, {
      csv: `disbursement_id,status,reason\n${ordered.disbursements[0]!.reference},paid,\n`,
      valueDate: '2021-05-26',
    });
    expect(paid.statusCode, paid.body).toBe(200);
    const claim = (await call('GET', `/api/claims/${claimId}`, county)).json();
    expect(claim.status).toBe('paid');
    clock.set('2021-06-01T01:00:00Z');
    const certificate = (await call('GET', `/api/certificates?classId=${classId}`, school)).json().items[0];
    const line = claim.lines.find(
      (candidate: { personId: number }) => candidate.personId === certificate.personId,
    );
    const revoked = await call('POST', `/api/certificates/${certificate.id}/revoke`, school, {
      reason: '冒名顶替参加考核',
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().toRecoverFen).toBe(line.amountFen);
    expect(revoked.json().recoveryOrders).toEqual([
      expect.objectContaining({ claimId, amountFen: line.amountFen, status: 'open' }),
    ]);
    const orders = (await call('GET', `/api/ledger/recovery-orders?claimId=${claimId}`, city)).json();
    expect(orders.items).toHaveLength(1);
    expect(orders.items[0].reason).toContain('冒名顶替参加考核');
  });

  it('a certificate dated after the class ended but before its exam is flagged by the supervision sweep', async () => {
    await publishHengyangCatalog(harness, city);
    const late = trainee('考前取证', '651');
    clock.set('2021-05-14T01:00:00Z');
    const classId = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-17',
      trainees: [late],
      tag: 'BEX',
    });
    clock.set('2021-05-26T01:00:00Z');
    // The class's completion exam is held on 25 May, five days after its last session.
    const exam = await call('POST', `/api/classes/${classId}/results`, school, {
      personId: late.personId,
      score: 80,
      isPassed: true,
      examDate: '2021-05-25',
    });
    expect(exam.statusCode, exam.body).toBe(200);
    // Meanwhile an evaluation organisation certified him at the class's occupation and level on 22 May.
    const readmitted = await call('POST', '/api/catalog/evaluation-organisations', city, {
      organisationId: stationId,
      occupationCode: '4-10-01-05',
      level: 'primary',
      regionCode: '430400',
      validFrom: '2021-01-01',
    });
    expect(readmitted.statusCode, readmitted.body).toBe(201);
    const assessment = await call('POST', '/api/assessments', evaluator, {
      occupationCode: '4-10-01-05',
      level: 'primary',
      assessedOn: '2021-05-21',
    });
    expect(assessment.statusCode, assessment.body).toBe(201);
    expect(
      (
        await call('POST', `/api/assessments/${assessment.json().id}/results`, evaluator, {
          name: late.name,
          idNumber: late.idNumber,
          score: 70,
          isPassed: true,
        })
      ).statusCode,
    ).toBe(201);
    const issued = await call('POST', '/api/certificates', evaluator, {
      name: late.name,
      idNumber: late.idNumber,
      certificateType: 'skill_level',
      level: 'primary',
      occupationCode: '4-10-01-05',
      certificateNumber: 'EV-BEFORE-EXAM-1',
      issuer: '珠晖区职业技能等级认定中心',
      issuedOn: '2021-05-22',
      assessmentId: assessment.json().id,
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const sweep = await call('POST', '/api/supervision/sweeps', city, {});
    expect(sweep.statusCode, sweep.body).toBe(201);
    const alerts = (
      await call('GET', '/api/supervision/alerts?ruleCode=certificate_before_exam', city)
    ).json().items;
    expect(alerts).toEqual([
      expect.objectContaining({
        classId,
        personId: late.personId,
        evidence: expect.objectContaining({ examDate: '2021-05-25', earliestIssuedOn: '2021-05-20' }),
      }),
    ]);
  });
});
