import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  caller,
  completeClass,
  type Headers,
  orderAndApprovePayment,
  publishHengyangCatalog,
  type Trainee,
  trainee,
  uploadRequiredMaterials,
} from './claim-support.ts';
import { creditCode } from './training-helpers.ts';

const PAYEE_ACCOUNT = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000054321' };

describe('supervision end to end: screening at submission, clearing, a confirmed case with recovery, ratings, agencies', () => {
  // Thursday 6 May 2021, 09:00 China time: the Hengyang policy is in force.
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;
  let finance: Headers;
  let school: Headers;
  let institutionId: number;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
    finance = await harness.loginAs('hy_finance');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, city);
  });
  afterAll(async () => harness.close());

  async function claimClass(classId: number, applicationDate: string): Promise<number> {
    const created = await call('POST', '/api/claims', school, {
      applicationDate,
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    await uploadRequiredMaterials(harness, created.json().id, school);
    const submitted = await call('POST', `/api/claims/${created.json().id}/submit`, school);
    expect(submitted.statusCode, submitted.body).toBe(200);
    return created.json().id;
  }

  async function reviewAndNotice(claimId: number, reviewer: Headers = county): Promise<void> {
    const reviewed = await call('POST', `/api/claims/${claimId}/review`, reviewer, {});
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    const notice = await call('POST', `/api/claims/${claimId}/start-notice`, county, {});
    expect(notice.statusCode, notice.body).toBe(200);
  }

  it('a class whose six trainees all sign in at the same second is blocked at submission until an officer clears it', async () => {
    const six: Trainee[] = ['101', '103', '105', '107', '109', '111'].map((seq, index) =>
      trainee(`机签${index}`, seq),
    );
    const classId = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-10',
      trainees: six,
      tag: 'SV1',
    });
    clock.set('2021-05-17T01:00:00Z');
    const claimId = await claimClass(classId, '2021-05-17');
    const claim = (await call('GET', `/api/claims/${claimId}`, county)).json();
    expect(claim.isRiskBlocked).toBe(true);
    const alerts = (await call('GET', `/api/supervision/claims/${claimId}/alerts`, county)).json().items;
    // The helper signs everyone in at the session start and gives everyone 88 points.
    expect(alerts.map((alert: { ruleCode: string }) => alert.ruleCode).sort()).toEqual([
      'perfect_exam',
      'sign_in_identical',
    ]);
    const identical = alerts.find((alert: { ruleCode: string }) => alert.ruleCode === 'sign_in_identical');
    expect(identical).toMatchObject({ score: 80, isBlocking: true, status: 'open' });
    expect(identical.evidence).toMatchObject({
      classId,
      sessions: 4,
      flaggedSessions: 4,
      largestSameSecondGroup: 6,
    });

    await reviewAndNotice(claimId);
    clock.set('2021-05-25T01:00:00Z');
    const refused = await call('POST', `/api/claims/${claimId}/approve`, city, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details[0].field).toBe('risk');

    // Clearing needs a reason and the right permission; each clearance is audited.
    expect(
      (await call('POST', `/api/supervision/alerts/${identical.id}/clear`, school, { reason: 'x' }))
        .statusCode,
    ).toBe(403);
    expect((await call('POST', `/api/supervision/alerts/${identical.id}/clear`, county, {})).statusCode).toBe(
      400,
    );
    const first = await call('POST', `/api/supervision/alerts/${identical.id}/clear`, county, {
      reason: '现场核查：班级使用统一刷脸终端集中签到，视频记录学员均在场',
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().unblockedClaimIds).toEqual([]); // the exam alert still holds it
    const exam = alerts.find((alert: { ruleCode: string }) => alert.ruleCode === 'perfect_exam');
    const second = await call('POST', `/api/supervision/alerts/${exam.id}/clear`, county, {
      reason: '调阅试卷：实操考核按统一评分表打分，成绩相同属实',
    });
    expect(second.json().unblockedClaimIds).toEqual([claimId]);
    const approved = await call('POST', `/api/claims/${claimId}/approve`, city, {});
    expect(approved.statusCode, approved.body).toBe(200);
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select(['action', 'object_id'])
      .where('action', 'in', ['supervision.alert.clear', 'supervision.claim.screen'])
      .execute();
    expect(audit.filter((entry) => entry.action === 'supervision.alert.clear')).toHaveLength(2);
    expect(
      audit.some(
        (entry) => entry.action === 'supervision.claim.screen' && entry.object_id === String(claimId),
      ),
    ).toBe(true);
  });

  it('a paid claim, then the pension list shows a pensioner: the confirmed case excludes the line, opens a recovery order with its ledger posting, and lowers the rating', async () => {
    const three = [trainee('甲退休', '201'), trainee('乙学员', '203'), trainee('丙学员', '205')];
    const classId = await completeClass(harness, {
      school,
      county,
      startDay: '2021-06-07',
      trainees: three,
      tag: 'SV2',
    });
    clock.set('2021-06-14T01:00:00Z');
    const claimId = await claimClass(classId, '2021-06-14');
    expect((await call('GET', `/api/claims/${claimId}`, county)).json().isRiskBlocked).toBe(false);
    await reviewAndNotice(claimId);
    clock.set('2021-06-22T01:00:00Z');
    expect((await call('POST', `/api/claims/${claimId}/approve`, city, {})).statusCode).toBe(200);
    const ordered = await orderAndApprovePayment(
      harness,
      finance,
      await harness.loginAs('hy_finance_checker'),
      {
        claimIds: [claimId],
        valueDate: '2021-06-22',
        idempotencyId: 'sv-pay-0001',
      },
    );
    clock.set('2021-06-23T01:00:00Z');
    const paid = await call('POST', `/api/claims/payments/${ordered.id}/bank-result`, finance, {
      csv: `disbursement_id,status,reason\n${ordered.disbursements[0]!.reference},paid,\n`,
      valueDate: '2021-06-23',
    });
    expect(paid.statusCode, paid.body).toBe(200);
    const claim = (await call('GET', `/api/claims/${claimId}`, county)).json();
    expect(claim.status).toBe('paid');
    institutionId = claim.applicantOrganisationId;

    const before = await call('POST', '/api/supervision/ratings/recompute', city, { year: 2021 });
    expect(before.statusCode, before.body).toBe(200);
    const ratingBefore = before
      .json()
      .ratings.find((r: { institutionId: number }) => r.institutionId === institutionId);
    expect(ratingBefore.grade).toBe('B');

    // 大数据比对: the pension register, imported after payment, lists the first trainee.
    const list = await call('POST', '/api/supervision/reference-lists', city, {
      source: 'pension',
      title: '衡阳市2021年6月养老金领取人员名单',
      asOf: '2021-06-30',
      regionCode: '430400',
      csv: `id_number,valid_from,organisation_name\n${three[0]!.idNumber},2016-03-01,衡阳市社会保险服务中心\n`,
    });
    expect(list.statusCode, list.body).toBe(201);
    expect(JSON.stringify(list.json())).not.toContain(three[0]!.idNumber);
    const sweep = await call('POST', '/api/supervision/sweeps', city, {});
    expect(sweep.statusCode, sweep.body).toBe(201);
    expect(sweep.json().byRule.pensioner.created).toBe(1);
    const alerts = (
      await call('GET', `/api/supervision/alerts?ruleCode=pensioner&classId=${classId}`, county)
    ).json();
    expect(alerts.total).toBe(1);
    const alert = alerts.items[0];
    expect(alert).toMatchObject({ personId: three[0]!.personId, score: 90, status: 'open' });
    expect(alert.evidence.list).toMatchObject({ validFrom: '2016-03-01' });

    const opened = await call('POST', '/api/supervision/cases', county, {
      alertIds: [alert.id],
      title: '衡阳县职业技能培训学校 冒用退休人员参训',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const caseId = opened.json().id;
    expect(opened.json()).toMatchObject({
      status: 'open',
      institutionId,
      openedOn: '2021-06-23',
      decidedOn: null,
    });
    await call('POST', `/api/supervision/cases/${caseId}/notes`, county, {
      content: '约谈学员甲：本人2016年退休，未参加培训，身份证被机构借用',
    });
    const attached = await call('POST', `/api/supervision/cases/${caseId}/attachments`, county, {
      fileName: '询问笔录.pdf',
      contentType: 'application/pdf',
      contentBase64: Buffer.from('%PDF-1.4 询问笔录').toString('base64'),
    });
    expect(attached.statusCode, attached.body).toBe(201);
    expect(attached.json().attachments[0].sha256).toMatch(/^[0-9a-f]{64}$/);

    clock.set('2021-07-05T01:00:00Z');
    const decided = await call('POST', `/api/supervision/cases/${caseId}/decision`, city, {
      outcome: 'confirmed',
      reason: '冒用退休人员身份虚报培训人数',
      sanction: { target: 'institution', action: 'blacklisted', effectiveDate: '2021-07-05' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const outcome = decided.json();
    expect(outcome.status).toBe('confirmed');
    expect(outcome.recoveryOrders).toHaveLength(1);
    expect(outcome.recoveryOrders[0]).toMatchObject({
      claimId,
      amountFen: 120_000,
      status: 'open',
      subAccount: 'training',
    });
    expect(outcome.sanction).toMatchObject({ action: 'blacklisted', organisationId: institutionId });

    // The line is excluded and the claim's total falls by it.
    const after = (await call('GET', `/api/claims/${claimId}`, county)).json();
    const excluded = after.lines.filter((line: { status: string }) => line.status === 'excluded');
    expect(excluded).toHaveLength(1);
    expect(excluded[0].personId).toBe(three[0]!.personId);
    expect(after.totalAmountFen).toBe(240_000);

    // The ledger: receivable debited, recovery reserve credited, for the recovery order.
    const transfers = await harness.database.db
      .selectFrom('ledger_transfer as t')
      .innerJoin('ledger_account as debit', 'debit.id', 't.debit_account_id')
      .innerJoin('ledger_account as credit', 'credit.id', 't.credit_account_id')
      .select([
        't.amount_fen',
        't.code',
        't.claim_id',
        'debit.kind as debit_kind',
        'credit.kind as credit_kind',
      ])
      .where('t.recovery_order_id', '=', outcome.recoveryOrders[0].id)
      .execute();
    expect(transfers).toEqual([
      {
        amount_fen: 120_000,
        code: 'recovery',
        claim_id: claimId,
        debit_kind: 'receivable',
        credit_kind: 'recovery_reserve',
      },
    ]);

    // The case shows its recovery orders as they stand: after a receipt approved by a second
    // person, reopening the case shows what came back (issue 15 finding 6).
    const receipt = await call(
      'POST',
      `/api/ledger/recovery-orders/${outcome.recoveryOrders[0].id}/receipts`,
      finance,
      { idempotencyId: 'sv-receipt-0001', amountFen: 20_000, valueDate: '2021-07-05' },
    );
    expect(receipt.statusCode, receipt.body).toBe(202);
    const receiptApproved = await call(
      'POST',
      `/api/ledger/approvals/${receipt.json().id}/decision`,
      await harness.loginAs('hy_finance_checker'),
      { isApproved: true },
    );
    expect(receiptApproved.statusCode, receiptApproved.body).toBe(200);
    const reopened = (await call('GET', `/api/supervision/cases/${caseId}`, county)).json();
    expect(reopened.recoveryOrders).toEqual([
      expect.objectContaining({
        id: outcome.recoveryOrders[0].id,
        claimId,
        amountFen: 120_000,
        recoveredFen: 20_000,
      }),
    ]);

    // The rating was recomputed by the decision: the confirmed case and the blacklist make it D.
    const history = (
      await call('GET', `/api/supervision/institutions/${institutionId}/ratings`, county)
    ).json().items;
    expect(history[0]).toMatchObject({ year: 2021, grade: 'D' });
    expect(history[0].explanation.join('')).toContain('违规案件 1 起，扣 25 分');
    expect(history.at(-1).grade).toBe('B');
    const organisation = (await call('GET', `/api/organisations/${institutionId}`, county)).json();
    expect(organisation.status).toBe('blacklisted');

    // The institution appeals; the appeal is recorded and decided (upheld), both audited.
    const appeal = await call('POST', `/api/supervision/sanctions/${outcome.sanction.id}/appeal`, city, {
      filedOn: '2021-07-12',
      grounds: '机构称系招生代理人员所为，请求从轻处理',
    });
    expect(appeal.json()).toMatchObject({ appealStatus: 'filed', appealFiledOn: '2021-07-12' });
    // The officers' list of appeals waiting: the organisation by name and region, filtered by region.
    const waiting = (
      await call('GET', '/api/supervision/sanctions?appealStatus=filed&regionCode=430421', city)
    ).json();
    expect(waiting.items).toEqual([
      expect.objectContaining({
        id: outcome.sanction.id,
        organisationId: institutionId,
        organisationName: expect.stringMatching(/./),
        regionCode: '430421',
        appealGrounds: '机构称系招生代理人员所为，请求从轻处理',
      }),
    ]);
    const elsewhere = await call('GET', '/api/supervision/sanctions?regionCode=430422', city);
    expect(elsewhere.json().total).toBe(0);
    const upheld = await call(
      'POST',
      `/api/supervision/sanctions/${outcome.sanction.id}/appeal-decision`,
      city,
      {
        isOverturned: false,
        decision: '经复核，机构对招生人员负有管理责任，维持处罚',
        effectiveDate: '2021-07-20',
      },
    );
    expect(upheld.json().appealStatus).toBe('upheld');
    const cases = (await call('GET', '/api/supervision/cases?status=confirmed', county)).json();
    expect(cases.items.map((item: { id: number }) => item.id)).toContain(caseId);
    // Opened and decided on business dates; the record times (system clock) are kept apart.
    expect(cases.items.find((item: { id: number }) => item.id === caseId)).toMatchObject({
      openedOn: '2021-06-23',
      decidedOn: '2021-07-05',
    });
  });

  it('a third-party agency reviews only under a contract, and loses the review path when blacklisted', async () => {
    const agency = await call('POST', '/api/organisations', city, {
      kind: 'review_agency',
      regionCode: '430400',
      name: '衡阳众信第三方审核服务有限公司',
      creditCode: creditCode('91430400MA4L00009'),
    });
    expect(agency.statusCode, agency.body).toBe(201);
    const agencyId = agency.json().id as number;
    const password = 'Rv8#harbor-Pine-41';
    const operator = await call('POST', `/api/organisations/${agencyId}/operators`, city, {
      loginName: 'hy_reviewer',
      displayName: '众信审核员',
      password,
    });
    expect(operator.statusCode, operator.body).toBe(201);
    const login = await harness.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { loginName: 'hy_reviewer', password },
    });
    const reviewer = { authorization: `Bearer ${login.json().token}` };

    // The institution was blacklisted above; reinstate it through the registry to file new classes.
    const reinstated = await call('POST', `/api/organisations/${institutionId}/status`, city, {
      status: 'active',
      effectiveDate: '2021-07-21',
      reason: '整改完成，恢复培训资格',
    });
    expect(reinstated.statusCode, reinstated.body).toBe(200);
    clock.set('2021-07-21T01:00:00Z');
    const classOne = await completeClass(harness, {
      school,
      county,
      startDay: '2021-07-26',
      trainees: [trainee('丁学员', '301'), trainee('戊学员', '303')],
      tag: 'SV3',
    });
    const classTwo = await completeClass(harness, {
      school,
      county,
      startDay: '2021-08-02',
      trainees: [trainee('己学员', '305'), trainee('庚学员', '307')],
      tag: 'SV4',
    });
    clock.set('2021-08-09T01:00:00Z');
    const claimOne = await claimClass(classOne, '2021-08-09');
    const claimTwo = await claimClass(classTwo, '2021-08-09');

    const withoutContract = await call('POST', `/api/claims/${claimOne}/review`, reviewer, {});
    expect(withoutContract.statusCode).toBe(403);
    expect(withoutContract.json().error.message).toContain('合同');
    const contract = await call('POST', '/api/supervision/agency-contracts', city, {
      agencyId,
      contractNumber: 'HY-GM-2021-007',
      regionCodes: ['430400'],
      startsOn: '2021-07-01',
      endsOn: '2021-12-31',
    });
    expect(contract.statusCode, contract.body).toBe(201);
    const reviewed = await call('POST', `/api/claims/${claimOne}/review`, reviewer, {});
    expect(reviewed.statusCode, reviewed.body).toBe(200);

    const evaluation = await call('POST', '/api/supervision/agency-evaluations', city, {
      agencyId,
      periodStart: '2021-07-01',
      periodEnd: '2021-12-31',
      officerScore: 80,
      comments: '审核及时，材料核查到位',
    });
    expect(evaluation.statusCode, evaluation.body).toBe(201);
    expect(evaluation.json()).toMatchObject({
      reviewedClaims: 1,
      missedFraudClaims: 0,
      overallScore: 88,
      conclusion: 'excellent',
    });

    // The reviewer's own page: the agency, its contract in force today, HRSS's evaluation.
    const own = await call('GET', '/api/supervision/my-agency', reviewer);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({
      agency: { id: agencyId, status: 'active' },
      contracts: [{ contractNumber: 'HY-GM-2021-007', regionCodes: ['430400'], isInForce: true }],
      evaluations: [{ reviewedClaims: 1, conclusion: 'excellent' }],
    });
    // An officer has no agency of its own.
    expect((await call('GET', '/api/supervision/my-agency', county)).statusCode).toBe(404);

    const blacklisted = await call('POST', '/api/supervision/sanctions', city, {
      organisationId: agencyId,
      action: 'blacklisted',
      effectiveDate: '2021-08-10',
      reason: '审核中收受培训机构好处费',
    });
    expect(blacklisted.statusCode, blacklisted.body).toBe(201);
    const refused = await call('POST', `/api/claims/${claimTwo}/review`, reviewer, {});
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('黑名单');
    const contracts = (
      await call('GET', `/api/supervision/agency-contracts?agencyId=${agencyId}`, city)
    ).json();
    expect(contracts.items[0]).toMatchObject({ status: 'terminated', terminatedOn: '2021-08-10' });
    expect((await call('GET', '/api/supervision/my-agency', reviewer)).json()).toMatchObject({
      agency: { status: 'blacklisted' },
      contracts: [{ status: 'terminated', isInForce: false }],
    });
    // A county officer still reviews the claim the agency may no longer touch.
    expect((await call('POST', `/api/claims/${claimTwo}/review`, county, {})).statusCode).toBe(200);
  });

  it('lists are paginated and scoped: Nanjing sees none of Hengyang’s alerts or cases', async () => {
    const nanjing = await harness.loginAs('nj_county');
    const alerts = (await call('GET', '/api/supervision/alerts?pageSize=1', county)).json();
    expect(alerts.pageSize).toBe(1);
    expect(alerts.total).toBeGreaterThanOrEqual(3);
    expect((await call('GET', '/api/supervision/alerts', nanjing)).json().total).toBe(0);
    expect((await call('GET', '/api/supervision/cases', nanjing)).json().total).toBe(0);
    expect((await call('GET', `/api/supervision/alerts/${alerts.items[0].id}`, nanjing)).statusCode).toBe(
      403,
    );
    const rules = (await call('GET', '/api/supervision/rules', county)).json();
    expect(rules.items).toHaveLength(15);
    expect(rules.blockThreshold).toBe(70);
  });

  it('leaves a ledger whose every balance and invariant verifies (skillfund ledger verify)', async () => {
    const verification = await verifyLedger(harness.database.db);
    expect(verification.isPassed, JSON.stringify(verification)).toBe(true);
    // Beyond the demo seed, this file posted a claim payment and a recovery order.
    const codes = await harness.database.db.selectFrom('ledger_transfer').select('code').distinct().execute();
    expect(codes.map((row) => row.code)).toEqual(expect.arrayContaining(['disbursement', 'recovery']));
  });
});
