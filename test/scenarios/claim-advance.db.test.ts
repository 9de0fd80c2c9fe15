import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CONTEXT } from '../../src/auth/audit.service.ts';
import { accountFor, postJournal } from '../../src/ledger/transfer.service.ts';
import { verifyLedger } from '../../src/ledger/verify.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { issueCertificate, recordExamResult } from '../../src/training/certificate.service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  caller,
  fullAttendance,
  type Headers,
  orderAndApprovePayment,
  uploadRequiredMaterials,
} from './claim-support.ts';
import { creditCode, idNumber } from './training-helpers.ts';

const ACCOUNT = { bankName: '中国工商银行南京玄武支行', accountNumber: '4301010900001234' };

describe('advance payment (预拨 ≤ 50 %) and its settlement against the final amount, in Jiangsu', () => {
  const clock = new ManualClock('2021-06-01T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let province: Headers;
  let finance: Headers;
  let factory: Headers;
  let classId: number;
  let advanceClaimId: number;
  const personIds: number[] = [];

  const walkToApproval = async (claimId: number) => {
    expect((await call('POST', `/api/claims/${claimId}/submit`, factory)).statusCode).toBe(200);
    expect((await call('POST', `/api/claims/${claimId}/review`, county, {})).statusCode).toBe(200);
    expect((await call('POST', `/api/claims/${claimId}/start-notice`, county, {})).statusCode).toBe(200);
    clock.advanceDays(8);
    const approved = await call('POST', `/api/claims/${claimId}/approve`, province, {});
    expect(approved.statusCode, approved.body).toBe(200);
  };

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('nj_county');
    province = await harness.loginAs('js_province');
    finance = await harness.loginAs('nj_finance');
    const catalog = await call('POST', '/api/catalog/versions', province, {
      regionCode: '320100',
      title: '南京市2021年职业技能培训补贴目录',
      effectiveFrom: '2021-01-01',
      citation: { document: '苏政办发〔2019〕71号', article: '（十四）' },
      entries: [
        {
          occupationCode: '4-10-01-05',
          level: 'primary',
          standardAmountFen: 100_000,
          standardDays: 10,
          standardClassHours: 60,
        },
      ],
    });
    expect(catalog.statusCode, catalog.body).toBe(201);
    expect(
      (await call('POST', `/api/catalog/versions/${catalog.json().id}/publish`, province)).statusCode,
    ).toBe(200);
    const enterprise = await call('POST', '/api/organisations', county, {
      kind: 'enterprise',
      regionCode: '320102',
      name: '南京玄武康养服务有限公司',
      creditCode: creditCode('91320102MA1X00001'),
      enterpriseSize: 'medium',
      employerFlags: ['insured'],
    });
    expect(enterprise.statusCode, enterprise.body).toBe(201);
    const password = 'Kq7#maple-Cloud-58';
    await call('POST', `/api/organisations/${enterprise.json().id}/operators`, county, {
      loginName: 'xw_factory',
      displayName: '康养公司人事',
      password,
    });
    const login = await harness.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { loginName: 'xw_factory', password },
    });
    factory = { authorization: `Bearer ${login.json().token}` };
    for (const [index, name] of ['孔明', '孟云'].entries()) {
      const person = await call('POST', '/api/persons', county, {
        name,
        idNumber: idNumber('320102', '19870707', `07${index + 1}`),
        registeringRegionCode: '320102',
        groups: [
          {
            groupCode: 'enterprise_employee',
            certifierCode: 'public_employment_service',
            validFrom: '2020-01-01',
          },
        ],
      });
      expect(person.statusCode, person.body).toBe(201);
      personIds.push(person.json().id);
      const employment = await call('POST', '/api/employment-records', factory, {
        enterpriseId: enterprise.json().id,
        idNumber: idNumber('320102', '19870707', `07${index + 1}`),
        name,
        contractMonths: 36,
        start: '2020-01-01',
      });
      expect(employment.statusCode, employment.body).toBe(201);
    }
    const sessions = [7, 8, 9, 10].map((day) => ({
      startsAt: `2021-06-${String(day).padStart(2, '0')}T08:00:00+08:00`,
      endsAt: `2021-06-${String(day).padStart(2, '0')}T12:00:00+08:00`,
      mode: 'offline',
      topic: `第${day - 6}讲`,
      location: '公司培训中心',
    }));
    const filed = await call('POST', '/api/classes', factory, {
      regionCode: '320102',
      name: '养老护理员（初级）企业职工班',
      occupationCode: '4-10-01-05',
      level: 'primary',
      capacity: 30,
      teachingPlan: { modules: ['生活照料'] },
      teachers: [{ name: '钱老师', qualification: '高级技师' }],
      assessmentPlan: { method: '实操', passScore: 60 },
      sessions,
    });
    expect(filed.statusCode, filed.body).toBe(201);
    classId = filed.json().id;
    expect((await call('POST', `/api/classes/${classId}/approve`, county, {})).statusCode).toBe(200);
    for (const personId of personIds) {
      expect(
        (await call('POST', `/api/classes/${classId}/enrolments`, factory, { personId })).statusCode,
      ).toBe(201);
    }
    // Fund the district's advance sub-account (下拨 within the district's special account).
    await harness.database.db.transaction().execute(async (trx) => {
      const special = await accountFor(trx, '320102', 'special');
      const advance = await accountFor(trx, '320102', 'advance');
      await postJournal(trx, SYSTEM_CONTEXT, {
        provinceCode: '320000',
        code: 'allocation',
        description: '预拨资金',
        transfers: [
          {
            idempotencyId: 'test-advance-fund',
            debitAccountId: special.id,
            creditAccountId: advance.id,
            amountFen: 1_000_000,
            code: 'allocation',
            valueDate: '2021-06-01',
          },
        ],
      });
    });
  });
  afterAll(async () => harness.close());

  it('the enterprise claims an advance while its training runs: 50 % of the standard per trainee', async () => {
    clock.set('2021-06-07T01:00:00Z');
    // 预拨与清算: Jiangsu's document allows it, and the running class may be advanced.
    const before = await call('GET', '/api/claims/advances', factory);
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json().policy).toMatchObject({
      regionCode: '320102',
      document: '苏政办发〔2019〕71号',
      isProvided: true,
      maxSharePercent: 50,
      citation: { doc: '苏政办发〔2019〕71号', article: '（十四）' },
    });
    expect(before.json().policy.allowedKinds).toContain('training');
    expect(before.json().policy.explanation).toContain('不高于50%');
    expect(before.json().classes).toEqual([expect.objectContaining({ id: classId, advanceClaimId: null })]);
    expect(before.json()).toMatchObject({ items: [], total: 0 });
    const created = await call('POST', '/api/claims', factory, {
      applicationDate: '2021-06-07',
      mode: 'advance',
      payeeAccount: ACCOUNT,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    advanceClaimId = created.json().id;
    expect(created.json().mode).toBe('advance');
    expect(created.json().lines.map((line: { amountFen: number }) => line.amountFen)).toEqual([
      50_000, 50_000,
    ]);
    expect(created.json().lines[0].decision.lines[0].citation).toEqual({
      doc: '苏政办发〔2019〕71号',
      article: '（十四）',
    });
    await uploadRequiredMaterials(harness, advanceClaimId, factory);
    await walkToApproval(advanceClaimId);
    clock.set('2021-06-16T01:00:00Z'); // nothing is dated after the business date
    const paid = await orderAndApprovePayment(harness, finance, await harness.loginAs('nj_finance_checker'), {
      claimIds: [advanceClaimId],
      valueDate: '2021-06-16',
      idempotencyId: 'advance-0001',
    });
    expect(paid.totalFen).toBe(100_000);
    // Each step of the history keeps its business date beside the system's record time.
    const history = (await call('GET', `/api/claims/${advanceClaimId}`, county)).json().transitions as {
      action: string;
      businessDate: string | null;
      occurredAt: string;
    }[];
    expect(history.find((step) => step.action === 'submit')?.businessDate).toBe('2021-06-07');
    expect(history.find((step) => step.action === 'approve')?.businessDate).toBe('2021-06-15');
    expect(history.every((step) => !Number.isNaN(Date.parse(step.occurredAt)))).toBe(true);
    // The class's filing too: filed on the business date 2021-06-01.
    expect((await call('GET', `/api/classes/${classId}`, factory)).json().filedOn).toBe('2021-06-01');
  });

  it('after the training, the settlement claim is decided in full and only the difference is paid', async () => {
    const detail = (await call('GET', `/api/classes/${classId}`, factory)).json();
    const attendance = await call('POST', `/api/classes/${classId}/attendance`, factory, {
      records: fullAttendance(detail.sessions, personIds),
    });
    expect(attendance.statusCode, attendance.body).toBe(200);
    for (const [index, personId] of personIds.entries()) {
      await harness.database.db
        .transaction()
        .execute((trx) =>
          recordExamResult(
            trx,
            SYSTEM_CONTEXT,
            classId,
            { personId, score: 80, isPassed: true, examDate: '2021-06-10' },
            clock.today(),
          ),
        );
      await harness.database.db.transaction().execute((trx) =>
        issueCertificate(
          trx,
          SYSTEM_CONTEXT,
          {
            personId,
            classId,
            certificateType: 'training_qualified',
            level: 'primary',
            occupationCode: '4-10-01-05',
            certificateNumber: `JS2021-${index}`,
            issuer: '南京市职业技能鉴定中心',
            issuedOn: '2021-06-11',
          },
          clock.today(),
        ),
      );
    }
    clock.set('2021-06-21T01:00:00Z');
    const created = await call('POST', '/api/claims', factory, {
      applicationDate: '2021-06-21',
      advanceClaimId,
      payeeAccount: ACCOUNT,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const settlementId = created.json().id as number;
    expect(created.json().mode).toBe('settlement');
    // The advance of the same training is not an earlier subsidy: the lines stay eligible.
    expect(created.json().lines.map((line: { amountFen: number }) => line.amountFen)).toEqual([
      100_000, 100_000,
    ]);
    await uploadRequiredMaterials(harness, settlementId, factory);
    await walkToApproval(settlementId);
    clock.set('2021-07-01T01:00:00Z');
    const direct = await call('POST', '/api/claims/payments', finance, {
      claimIds: [settlementId],
      valueDate: '2021-07-01',
      idempotencyId: 'settle-direct',
    });
    expect(direct.statusCode).toBe(409);
    const trialBalance = () =>
      harness.database.db
        .selectFrom('ledger_account')
        .select(['id', 'balance_fen'])
        .where('province_code', '=', '320000')
        .where('balance_fen', '!=', 0)
        .orderBy('id')
        .execute();
    const before = await trialBalance();
    const settled = await call('POST', `/api/claims/${settlementId}/settle`, finance, {
      valueDate: '2021-07-01',
      idempotencyId: 'settle-0001',
    });
    expect(settled.statusCode, settled.body).toBe(202);
    // The settlement's initiator alone changes no balance (issue 15: maker-checker).
    expect(await trialBalance()).toEqual(before);
    // Nor by approving it himself.
    const bySelf = await call(
      'POST',
      `/api/claims/payment-orders/${settled.json().approval.id}/decision`,
      finance,
      { isApproved: true },
    );
    expect(bySelf.statusCode, bySelf.body).toBe(403);
    expect(await trialBalance()).toEqual(before);
    // A sanction that comes while the settlement waits holds it: the checker's approval pays nothing.
    const applicantId = (await call('GET', `/api/claims/${settlementId}`, county)).json()
      .applicantOrganisationId as number;
    const province = await harness.loginAs('js_province');
    const standing = (status: string) =>
      call('POST', `/api/organisations/${applicantId}/status`, province, {
        status,
        effectiveDate: '2021-07-01',
        reason: status === 'active' ? '整改完成，恢复' : '专项检查暂停',
      });
    expect((await standing('suspended')).statusCode).toBe(200);
    const held = await call(
      'POST',
      `/api/claims/payment-orders/${settled.json().approval.id}/decision`,
      await harness.loginAs('nj_finance_checker'),
      { isApproved: true },
    );
    expect(held.statusCode, held.body).toBe(409);
    expect(held.json().error.code).toBe('PAYMENT_HELD');
    expect(held.body).not.toMatch(/suspended/);
    expect(await trialBalance()).toEqual(before);
    expect((await standing('active')).statusCode).toBe(200);
    const decided = await call(
      'POST',
      `/api/claims/payment-orders/${settled.json().approval.id}/decision`,
      await harness.loginAs('nj_finance_checker'),
      { isApproved: true },
    );
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json().settlement).toMatchObject({
      advancedFen: 100_000,
      finalAmountFen: 200_000,
      recoveryOrder: null,
    });
    expect(decided.json().settlement.paymentBatch.totalFen).toBe(100_000);
    expect((await call('GET', `/api/claims/${settlementId}`, county)).json().status).toBe('payment_ordered');
    // The applicant follows its advance and the settlement that closes it; so does the county.
    for (const who of [factory, county]) {
      const advances = (await call('GET', '/api/claims/advances', who)).json();
      expect(advances.total).toBe(1);
      expect(advances.items[0]).toMatchObject({
        advance: { id: advanceClaimId, status: 'payment_ordered', totalAmountFen: 100_000, classId },
        settlement: { id: settlementId, status: 'payment_ordered', totalAmountFen: 200_000 },
      });
    }
    // The class, advanced already, offers no second advance.
    const classes = (await call('GET', '/api/claims/advances', factory)).json().classes;
    expect(classes.filter((item: { id: number }) => item.id === classId)).toEqual(
      classes.length === 0 ? [] : [expect.objectContaining({ advanceClaimId })],
    );
  });

  it('in Hengyang, whose document provides no advance, the page says why and lists none', async () => {
    const school = await harness.loginAs('hy_school');
    const answer = await call('GET', '/api/claims/advances?page=1&pageSize=5', school);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({
      items: [],
      total: 0,
      page: 1,
      pageSize: 5,
      policy: { isProvided: false, maxSharePercent: null, allowedKinds: [], citation: null },
    });
    expect(answer.json().policy.explanation).toMatch(/未规定先行拨付（预拨）/);
    const refused = await call('GET', '/api/claims/advances?pageSize=0', school);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details[0].field).toMatch(/pageSize/);
  });

  it('leaves a ledger whose every balance and invariant verifies (skillfund ledger verify)', async () => {
    const verification = await verifyLedger(harness.database.db);
    expect(verification.isPassed, JSON.stringify(verification)).toBe(true);
  });
});
