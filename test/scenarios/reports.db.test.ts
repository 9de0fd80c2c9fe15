import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CONTEXT } from '../../src/auth/audit.service.ts';
import { accountFor, postJournal } from '../../src/ledger/transfer.service.ts';
import { GROUP_CODES, LEVELS, SUBSIDY_KINDS } from '../../src/policy/evaluate.types.ts';
import {
  CERTIFICATE_TYPE_LABELS,
  GROUP_LABELS,
  OCCUPATION_CATEGORY_LABELS,
  REPORT_SUB_ACCOUNTS,
  SUB_ACCOUNT_LABELS,
  SUBSIDY_KIND_LABELS,
  TRAINING_TYPE_LABELS,
  TRAINING_TYPES,
} from '../../src/reports/report.labels.ts';
import { rebuildReportFacts } from '../../src/reports/report-facts.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  approveBankFailures,
  caller,
  completeClass,
  type Headers,
  moveClockTo,
  orderAndApprovePayment,
  publishHengyangCatalog,
  registerPersonPayees,
  type Trainee,
  trainee,
  uploadRequiredMaterials,
} from './claim-support.ts';

const PAYEE_ACCOUNT = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' };
const Q2 = 'regionCode=430421&year=2021&quarter=2';

const zeroLevels = () => Object.fromEntries(LEVELS.map((level) => [level, 0]));

/**
 * The quarterly report expected for 衡阳县 in 2021 Q2 (see the scenario below), every cell:
 * class A's training claim (3 × 1,200 yuan) and 郑洁's living allowance (3 days × 20 yuan)
 * are paid; class B's training claim (2 × 1,000 yuan) is paid and returned by the bank within
 * the quarter, so its money shows as paid and returned and its persons are not counted.
 */
function expectedQ2Report(overrides: { livingAllowanceLines?: number } = {}) {
  const livingLines = overrides.livingAllowanceLines ?? 1;
  const livingFen = livingLines * 6_000;
  const personRow = (key: string, label: string, personTimes = 0, amountFen = 0) => ({
    key,
    label,
    personTimes,
    persons: personTimes,
    amountFen,
  });
  const money = (key: string, label: string, lineCount = 0, paidFen = 0, returnedFen = 0) => ({
    key,
    label,
    lineCount,
    paidFen,
    returnedFen,
    recoveredFen: 0,
    netFen: paidFen - returnedFen,
  });
  return {
    regionCode: '430421',
    regionName: '衡阳县',
    period: {
      kind: 'quarter',
      from: '2021-04-01',
      to: '2021-06-30',
      year: 2021,
      quarter: 2,
      label: '2021年第2季度',
    },
    totals: {
      personTimes: 3,
      persons: 3,
      lineCount: 3 + livingLines,
      paidFen: 360_000 + 200_000 + livingFen,
      returnedFen: 200_000,
      recoveredFen: 0,
      netFen: 360_000 + livingFen,
    },
    trainingTypes: TRAINING_TYPES.map((key) =>
      key === 'employment_skills'
        ? personRow(key, TRAINING_TYPE_LABELS[key], 3, 360_000)
        : personRow(key, TRAINING_TYPE_LABELS[key]),
    ),
    groups: GROUP_CODES.map((key) =>
      key === 'registered_unemployed'
        ? personRow(key, GROUP_LABELS[key], 3, 360_000)
        : key === 'poor_labor'
          ? personRow(key, GROUP_LABELS[key], 1, 120_000)
          : personRow(key, GROUP_LABELS[key]),
    ),
    occupationLevels: Object.entries(OCCUPATION_CATEGORY_LABELS).map(([key, label]) => ({
      key,
      label,
      byLevel: key === '4' ? { ...zeroLevels(), primary: 3 } : zeroLevels(),
      total: key === '4' ? 3 : 0,
    })),
    levelTotals: { ...zeroLevels(), primary: 3 },
    advanced: { personTimes: 0, share: 0 },
    certificates: Object.entries(CERTIFICATE_TYPE_LABELS).map(([key, label]) => ({
      key,
      label,
      byLevel:
        key === 'training_qualified'
          ? { ...zeroLevels(), primary: 3, none: 0 }
          : { ...zeroLevels(), none: 0 },
      total: key === 'training_qualified' ? 3 : 0,
    })),
    subsidyKinds: SUBSIDY_KINDS.map((key) => ({
      ...(key === 'training'
        ? money(key, SUBSIDY_KIND_LABELS[key], 3, 560_000, 200_000)
        : key === 'living_allowance'
          ? money(key, SUBSIDY_KIND_LABELS[key], livingLines, livingFen)
          : money(key, SUBSIDY_KIND_LABELS[key])),
      personTimes: key === 'training' ? 3 : 0,
    })),
    subAccounts: REPORT_SUB_ACCOUNTS.map((key) =>
      key === 'training'
        ? money(key, SUB_ACCOUNT_LABELS[key], 3, 560_000, 200_000)
        : key === 'living_allowance'
          ? money(key, SUB_ACCOUNT_LABELS[key], livingLines, livingFen)
          : money(key, SUB_ACCOUNT_LABELS[key]),
    ),
    onTheJob: { persons: 0, personTimes: 0, months: 0, amountFen: 0 },
    livingAllowance: {
      persons: livingLines,
      lineCount: livingLines,
      days: 3 * livingLines,
      amountFen: livingFen,
    },
    fund: {
      period: { receivedFen: 50_000_000, spentFen: 360_000 + livingFen },
      cumulative: {
        receivedFen: 50_000_000,
        spentFen: 360_000 + livingFen,
        executionRate: Math.round(((360_000 + livingFen) / 50_000_000) * 10_000) / 10_000,
      },
    },
    targets: [
      {
        id: expect.any(Number),
        regionCode: '430421',
        metric: 'training_person_times',
        fromYear: 2021,
        toYear: 2021,
        targetValue: 1_000,
        comparison: 'at_least',
        citation: { doc: '衡阳县2021年职业技能提升行动工作计划', article: '一' },
        label: '补贴性职业技能培训（人次）',
        asOf: '2021-06-30',
        achieved: 3,
        completionRate: 0.003,
        elapsedShare: 0.4959,
      },
    ],
  };
}

/**
 * 账表相符 of the quarter: money net of the bank's return (claim A's training returned 2,000 yuan)
 * on both sides, per sub-account and per region.
 */
function expectedComparison(livingFen: number, extraTrainingLedgerFen = 0) {
  const rows = REPORT_SUB_ACCOUNTS.map((account) => {
    const reportFen = account === 'training' ? 360_000 : account === 'living_allowance' ? livingFen : 0;
    const ledgerFen = reportFen + (account === 'training' ? extraTrainingLedgerFen : 0);
    return {
      account,
      label: SUB_ACCOUNT_LABELS[account],
      reportFen,
      ledgerFen,
      differenceFen: reportFen - ledgerFen,
    };
  });
  return {
    regionCode: '430421',
    from: '2021-04-01',
    to: '2021-06-30',
    rows,
    regions: rows
      .filter((row) => row.reportFen !== 0 || row.ledgerFen !== 0)
      .map((row) => ({ regionCode: '430421', ...row })),
    isBalanced: extraTrainingLedgerFen === 0,
  };
}

describe('quarterly report of 衡阳县 2021 Q2: every cell, the xlsx, 账表相符 and finalisation', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;
  let finance: Headers;
  let school: Headers;
  let classA: number;
  let classB: number;
  const claims: Record<'aTraining' | 'aLiving' | 'bTraining' | 'bLiving', number> = {
    aTraining: 0,
    aLiving: 0,
    bTraining: 0,
    bLiving: 0,
  };

  const register = async (person: Trainee, groups: string[]) => {
    const registered = await call('POST', '/api/persons', county, {
      name: person.name,
      idNumber: person.idNumber,
      registeringRegionCode: '430421',
      groups: groups.map((groupCode) => ({
        groupCode,
        certifierCode: 'public_employment_service',
        validFrom: '2021-01-01',
      })),
    });
    expect(registered.statusCode, registered.body).toBe(201);
    person.personId = registered.json().id;
  };

  /** Creates a claim on 2021-05-24 and takes it to approval on 2021-05-31. */
  const approvedClaim = async (classId: number, subsidyKind: string) => {
    clock.set('2021-05-24T01:00:00Z');
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-24',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    await uploadRequiredMaterials(harness, id, school);
    for (const [step, who] of [
      ['submit', school],
      ['review', county],
      ['start-notice', county],
    ] as const) {
      const moved = await call('POST', `/api/claims/${id}/${step}`, who, step === 'submit' ? undefined : {});
      expect(moved.statusCode, moved.body).toBe(200);
    }
    clock.set('2021-05-31T01:00:00Z');
    const approved = await call('POST', `/api/claims/${id}/approve`, city, {});
    expect(approved.statusCode, approved.body).toBe(200);
    return { id, totalAmountFen: approved.json().totalAmountFen as number };
  };

  const pay = async (claimId: number, valueDate: string, idempotencyId: string) => {
    // Nothing is dated after the business date: the clock moves on to the payment's value date.
    if (clock.today() < valueDate) clock.set(`${valueDate}T01:00:00Z`);
    const checker = await harness.loginAs('hy_finance_checker');
    await registerPersonPayees(harness, finance, checker, claimId);
    return orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claimId],
      valueDate,
      idempotencyId,
    });
  };

  const bankResult = async (
    batch: { id: number; disbursements: { reference: string }[] },
    status: 'paid' | 'failed',
    valueDate: string,
  ) => {
    const lines = batch.disbursements.map(
      (disbursement) => `${disbursement.reference},${status},${status === 'failed' ? '账户已销户' : ''}`,
    );
    // The bank answers on its value date; nothing is recorded dated after the business date.
    const restoreClock = moveClockTo(harness, `${valueDate}T01:00:00Z`);
    const result = await call('POST', `/api/claims/payments/${batch.id}/bank-result`, finance, {
      csv: `disbursement_id,status,reason\n${lines.join('\n')}\n`,
      valueDate,
    });
    expect(result.statusCode, result.body).toBe(200);
    // A failure posts its money back only when the second finance officer approves it.
    if (result.json().pendingApprovals.length > 0)
      await approveBankFailures(harness, await harness.loginAs('hy_finance_checker'), result.json());
    restoreClock();
  };

  const classATrainees = [trainee('周敏', '021'), trainee('吴刚', '033'), trainee('郑洁', '042')];
  const classBTrainees = [trainee('王芳', '051'), trainee('李强', '063')];

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
    finance = await harness.loginAs('hy_finance');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, city);
    await register(classATrainees[2]!, ['registered_unemployed', 'poor_labor']);
    await register(classBTrainees[0]!, ['registered_unemployed', 'poor_labor']);
    await register(classBTrainees[1]!, ['registered_unemployed', 'entrepreneur']);
    classA = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-10',
      trainees: classATrainees,
      tag: 'RPT-A',
    });
    classB = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-17',
      trainees: classBTrainees,
      occupationCode: '4-03-02-01',
      tag: 'RPT-B',
    });
    // 衡阳市 allocates 500,000 yuan to 衡阳县 on 1 April (maker hy_city, checker hy_finance).
    const requested = await call('POST', '/api/ledger/fund-requests', city, {
      kind: 'allocation',
      fromRegionCode: '430400',
      toRegionCode: '430421',
      amountFen: 50_000_000,
      valueDate: '2021-04-01',
      reason: '2021年第二季度职业技能提升行动专账资金下拨',
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const decided = await call('POST', `/api/ledger/fund-requests/${requested.json().id}/decision`, finance, {
      isApproved: true,
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const target = await harness.app.inject({
      method: 'PUT',
      url: '/api/reports/targets',
      headers: county,
      payload: {
        regionCode: '430421',
        metric: 'training_person_times',
        fromYear: 2021,
        toYear: 2021,
        targetValue: 1_000,
        citation: { doc: '衡阳县2021年职业技能提升行动工作计划', article: '一' },
      },
    });
    expect(target.statusCode, target.body).toBe(200);

    const aTraining = await approvedClaim(classA, 'training');
    expect(aTraining.totalAmountFen).toBe(360_000);
    claims.aTraining = aTraining.id;
    const aLiving = await approvedClaim(classA, 'living_allowance');
    expect(aLiving.totalAmountFen).toBe(6_000); // 郑洁 only: 3 offline days (20 class hours) × 20 yuan
    claims.aLiving = aLiving.id;
    const bTraining = await approvedClaim(classB, 'training');
    expect(bTraining.totalAmountFen).toBe(200_000);
    claims.bTraining = bTraining.id;
    const bLiving = await approvedClaim(classB, 'living_allowance');
    expect(bLiving.totalAmountFen).toBe(6_000); // 王芳 only
    claims.bLiving = bLiving.id;

    await bankResult(await pay(claims.aTraining, '2021-05-31', 'rpt-pay-a-training'), 'paid', '2021-06-01');
    const bBatch = await pay(claims.bTraining, '2021-06-01', 'rpt-pay-b-training');
    await bankResult(bBatch, 'failed', '2021-06-03');
    await bankResult(await pay(claims.aLiving, '2021-06-15', 'rpt-pay-a-living'), 'paid', '2021-06-16');
    clock.set('2021-07-05T01:00:00Z');
    // Claim B is paid again in the third quarter: it counts there, not in Q2.
    await bankResult(await pay(claims.bTraining, '2021-07-02', 'rpt-pay-b-training-2'), 'paid', '2021-07-05');
  });
  afterAll(async () => harness.close());

  it('checks every cell of the quarterly report', async () => {
    const response = await call('GET', `/api/reports?${Q2}`, county);
    expect(response.statusCode, response.body).toBe(200);
    const { ledgerComparison, ...report } = response.json();
    expect(report).toEqual(expectedQ2Report());
    expect(ledgerComparison).toEqual(expectedComparison(6_000));
  });

  it('keeps its facts (written by triggers on payments and returns) equal to a rebuild from the payments', async () => {
    const { db } = harness.database;
    const rebuild = () =>
      db.transaction().execute((trx) => rebuildReportFacts(trx, SYSTEM_CONTEXT, '430000'));
    const first = await rebuild();
    // Paid: A training 3 lines, A living 1, B training 2 (twice); returned: B's first payment, 2 lines.
    expect(first).toEqual({ provinceCode: '430000', before: 10, after: 10, removed: 0, added: 0 });
    const returned = await db
      .selectFrom('report_fact')
      .select(['value_date', 'event', 'is_item_returned', 'is_counted'])
      .where('claim_id', '=', claims.bTraining)
      .orderBy('value_date')
      .orderBy('event')
      .execute();
    expect(returned.map(({ value_date, ...row }) => ({ ...row, valueDate: String(value_date) }))).toEqual([
      { valueDate: '2021-06-01', event: 'paid', is_item_returned: true, is_counted: false },
      { valueDate: '2021-06-01', event: 'paid', is_item_returned: true, is_counted: false },
      { valueDate: '2021-06-03', event: 'returned', is_item_returned: true, is_counted: false },
      { valueDate: '2021-06-03', event: 'returned', is_item_returned: true, is_counted: false },
      { valueDate: '2021-07-02', event: 'paid', is_item_returned: false, is_counted: true },
      { valueDate: '2021-07-02', event: 'paid', is_item_returned: false, is_counted: true },
    ]);
    // A fact changed behind the triggers' back is found, and the rebuild restores it.
    await db
      .updateTable('report_fact')
      .set((eb) => ({ amount_fen: eb('amount_fen', '+', 1) }))
      .where('claim_id', '=', claims.aLiving)
      .execute();
    expect(await rebuild()).toMatchObject({ before: 10, after: 10, removed: 1, added: 1 });
    expect(await rebuild()).toMatchObject({ removed: 0, added: 0 });
  });

  it('agrees with the ledger totals of the same region and period (账表相符)', async () => {
    const totals = await call(
      'GET',
      '/api/ledger/totals?regionCode=430421&from=2021-04-01&to=2021-06-30',
      finance,
    );
    expect(totals.statusCode, totals.body).toBe(200);
    const rows = totals.json().items as {
      account: string;
      code: string;
      debitFen: number;
      creditFen: number;
    }[];
    const find = (account: string, code: string) =>
      rows.find((row) => row.account === account && row.code === code);
    expect(find('training', 'disbursement')?.debitFen).toBe(560_000);
    expect(find('living_allowance', 'disbursement')?.debitFen).toBe(6_000);
    // A failed payment's money goes back to the sub-account it was charged to.
    expect(find('training', 'payment_failure')?.creditFen).toBe(200_000);
    expect(find('special', 'allocation')?.creditFen).toBe(50_000_000);
    const report = (await call('GET', `/api/reports?${Q2}`, county)).json();
    for (const row of report.subAccounts) {
      const ledger = rows
        .filter((entry) => entry.account === row.key && ['disbursement', 'advance'].includes(entry.code))
        .reduce((sum, entry) => sum + entry.debitFen, 0);
      expect(row.paidFen, row.key).toBe(ledger);
    }
  });

  it('counts claim B in the third quarter, where it was paid again', async () => {
    const q3 = (await call('GET', '/api/reports?regionCode=430421&year=2021&quarter=3', county)).json();
    expect(q3.totals).toEqual({
      personTimes: 2,
      persons: 2,
      lineCount: 2,
      paidFen: 200_000,
      returnedFen: 0,
      recoveredFen: 0,
      netFen: 200_000,
    });
    expect(q3.trainingTypes.find((row: { key: string }) => row.key === 'entrepreneurship').personTimes).toBe(
      1,
    );
    expect(q3.trainingTypes.find((row: { key: string }) => row.key === 'employment_skills').personTimes).toBe(
      1,
    );
    expect(q3.ledgerComparison.isBalanced).toBe(true);
    const year = (await call('GET', '/api/reports?regionCode=430421&year=2021', county)).json();
    expect(year.period.label).toBe('2021年');
    expect(year.totals.personTimes).toBe(5);
    expect(year.totals.netFen).toBe(566_000);
  });

  it('drills a cell down to its claim lines, with personal data masked', async () => {
    const cell = await call(
      'GET',
      `/api/reports/drilldown?${Q2}&dimension=training_type&key=employment_skills&pageSize=2`,
      county,
    );
    expect(cell.statusCode, cell.body).toBe(200);
    expect(cell.json()).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(cell.json().items).toHaveLength(2);
    expect(cell.json().items[0]).toMatchObject({
      event: 'paid',
      valueDate: '2021-05-31',
      claimId: claims.aTraining,
      subsidyKind: 'training',
      occupationCode: '4-10-01-05',
      level: 'primary',
      trainingType: 'employment_skills',
      subAccount: 'training',
      amountFen: 120_000,
      isCounted: true,
      person: { maskedName: '周*', maskedIdNumber: expect.stringMatching(/^4304\*{10}\d{3}[\dX]$/) },
    });
    expect(cell.body).not.toContain(classATrainees[0]!.idNumber);
    expect(cell.body).not.toContain('周敏');
    const returned = (
      await call('GET', `/api/reports/drilldown?${Q2}&dimension=returned&key=training`, county)
    ).json();
    expect(returned.total).toBe(2);
    expect(
      returned.items.map((item: { claimId: number; event: string }) => [item.claimId, item.event]),
    ).toEqual([
      [claims.bTraining, 'returned'],
      [claims.bTraining, 'returned'],
    ]);
    const group = (
      await call('GET', `/api/reports/drilldown?${Q2}&dimension=group&key=poor_labor`, county)
    ).json();
    expect(group.items.map((item: { person: { maskedName: string } }) => item.person.maskedName)).toEqual([
      '郑*',
    ]);
    const matrix = (
      await call('GET', `/api/reports/drilldown?${Q2}&dimension=occupation_level&key=4:primary`, county)
    ).json();
    expect(matrix.total).toBe(3);
  });

  it('exports the official xlsx table, read back with ExcelJS', async () => {
    const exported = await call('GET', `/api/reports/export.xlsx?${Q2}`, county);
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('统计报表')!;
    const rows: unknown[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      rows.push((row.values as unknown[]).slice(1));
    });
    expect(rows[0]![0]).toBe('衡阳县职业技能提升行动补贴性培训统计季报（2021年第2季度）');
    expect(rows[1]).toEqual([
      '填报单位：衡阳县人力资源和社会保障局',
      '',
      '',
      '',
      '报告期：2021-04-01 至 2021-06-30',
      '',
      '',
      '',
      '金额单位：元',
    ]);
    expect(rows[2]).toEqual([
      '填报人：衡阳县人社局 李经办',
      '',
      '',
      '',
      '填报日期：2021-07-05',
      '',
      '',
      '',
      '未定稿',
    ]);
    const section = (code: string) => {
      const start = rows.findIndex((row) => String(row[0]).startsWith(`${code} `));
      expect(start, code).toBeGreaterThan(0);
      const end = rows.findIndex((row, index) => index > start && /^表\d+ /.test(String(row[0])));
      return rows.slice(start, end === -1 ? undefined : end);
    };
    const table1 = section('表1');
    expect(table1[1]).toEqual(['项目', '培训人次', '培训人数', '补贴金额']);
    expect(table1.slice(2, 9)).toEqual(
      TRAINING_TYPES.map((key) => [
        TRAINING_TYPE_LABELS[key],
        ...(key === 'employment_skills' ? [3, 3, 3600] : [0, 0, 0]),
      ]),
    );
    expect(table1[9]).toEqual(['合计', 3, 3, 3600]);
    const table3 = section('表3');
    expect(table3.find((row) => String(row[0]).startsWith('4 '))).toEqual([
      `4 ${OCCUPATION_CATEGORY_LABELS['4']}`,
      0,
      3,
      0,
      0,
      0,
      0,
      3,
    ]);
    expect(table3.find((row) => row[0] === '合计')).toEqual(['合计', 0, 3, 0, 0, 0, 0, 3]);
    expect(table3.find((row) => String(row[0]).startsWith('其中'))).toEqual([
      '其中：高级工及以上人次 / 占比',
      0,
      0,
    ]);
    const table4 = section('表4');
    expect(table4.find((row) => row[0] === '培训合格证')).toEqual(['培训合格证', 0, 3, 0, 0, 0, 0, 0, 3]);
    expect(table4.find((row) => row[0] === '合计')).toEqual(['合计', 0, 3, 0, 0, 0, 0, 0, 3]);
    const table5 = section('表5');
    expect(table5[1]).toEqual([
      '项目',
      '补贴笔数',
      '培训人次',
      '支付金额',
      '银行退回',
      '追回到账',
      '净支付金额',
    ]);
    expect(table5.find((row) => row[0] === SUBSIDY_KIND_LABELS.training)).toEqual([
      SUBSIDY_KIND_LABELS.training,
      3,
      3,
      5600,
      2000,
      0,
      3600,
    ]);
    expect(table5.find((row) => row[0] === SUBSIDY_KIND_LABELS.living_allowance)).toEqual([
      SUBSIDY_KIND_LABELS.living_allowance,
      1,
      0,
      60,
      0,
      0,
      60,
    ]);
    expect(table5.find((row) => row[0] === '合计')).toEqual(['合计', 4, 3, 5660, 2000, 0, 3660]);
    const table6 = section('表6');
    expect(table6.slice(2)).toEqual([
      ...REPORT_SUB_ACCOUNTS.map((key) => [
        SUB_ACCOUNT_LABELS[key],
        ...(key === 'training'
          ? [3, 5600, 2000, 0, 3600]
          : key === 'living_allowance'
            ? [1, 60, 0, 0, 60]
            : [0, 0, 0, 0, 0]),
      ]),
      ['合计', 4, 5660, 2000, 0, 3660],
    ]);
    const table7 = section('表7');
    expect(table7[0]![0]).toBe('表7 账表核对（账表相符）');
    expect(table7.slice(2).map((row) => row.slice(1))).toEqual([
      [3600, 3600, 0],
      [0, 0, 0],
      [60, 60, 0],
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(section('表8').slice(2)).toEqual([
      ['以工代训（月数为补贴人月）', 0, 0, 0, 0],
      ['生活费（含交通费）补贴（天数为补贴人天）', 1, 1, 3, 60],
    ]);
    expect(section('表9').slice(2)).toEqual([
      ['本期', 500000, 3660],
      ['累计（至报告期末）', 500000, 3660, 0.0073],
    ]);
    expect(section('表10').slice(2)).toEqual([
      ['补贴性职业技能培训（人次）（以上）', '2021', 1000, 3, 0.003, 0.4959],
    ]);
    const csv = await call('GET', `/api/reports/export.csv?${Q2}`, county);
    expect(csv.statusCode).toBe(200);
    expect(
      csv.body.startsWith('\ufeff地区代码,期间起,期间止,表号,表名,项目,指标,单位,数值,下钻维度,下钻项目\n'),
    ).toBe(true);
    // The drill-down of each cell in words, not the API's dimension and key codes.
    expect(csv.body).toContain(
      '430421,2021-04-01,2021-06-30,表6,补贴资金支出（按专账子账户）,职业培训补贴,支付金额,元,5600.00,专账子账户,职业培训补贴',
    );
    expect(csv.body).toContain(
      ',表3,补贴性职业技能培训人次（按职业大类和技能等级）,4 社会生产服务和生活服务人员,初级工（五级）,,3,职业大类和技能等级,4 社会生产服务和生活服务人员 · 初级工（五级）',
    );
    expect(csv.body).not.toMatch(/,(sub_account|occupation_level|person_times|training_type),/);
  });

  it('finalises version 1 when the report agrees with the ledger; the snapshot is immutable', async () => {
    const finalized = await call('POST', '/api/reports/finalize', city, {
      regionCode: '430421',
      year: 2021,
      quarter: 2,
    });
    expect(finalized.statusCode, finalized.body).toBe(201);
    const snapshot = finalized.json();
    expect(snapshot).toMatchObject({
      regionCode: '430421',
      version: 1,
      differences: [],
      reason: null,
      finalizedByName: '衡阳市人社局 张科长',
      ledgerComparison: expectedComparison(6_000),
    });
    expect(snapshot.content).toEqual(expectedQ2Report());
    const again = await call('POST', '/api/reports/finalize', city, {
      regionCode: '430421',
      year: 2021,
      quarter: 2,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(snapshot.id);
    await expect(
      harness.database.db
        .updateTable('report_snapshot')
        .set({ reason: 'x' })
        .where('id', '=', snapshot.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(
      harness.database.db.deleteFrom('report_snapshot').where('id', '=', snapshot.id).execute(),
    ).rejects.toThrow(/append-only/);
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select(['action', 'object_id'])
      .where('action', '=', 'report.finalize')
      .execute();
    expect(audit).toEqual([{ action: 'report.finalize', object_id: String(snapshot.id) }]);
    const exported = await call('GET', `/api/reports/export.xlsx?snapshotId=${snapshot.id}`, county);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
    const header = workbook.getWorksheet('统计报表')!.getRow(3).values as unknown[];
    expect(header.slice(1)).toEqual([
      '填报人：衡阳市人社局 张科长',
      '',
      '',
      '',
      '填报日期：2021-07-05',
      '',
      '',
      '',
      '定稿第1版',
    ]);
  });

  it('refuses to finalise while the ledger holds a disbursement the report does not know, listing the difference', async () => {
    const posted = await harness.database.db.transaction().execute(async (trx) => {
      const training = await accountFor(trx, '430421', 'training');
      const bank = await accountFor(trx, '430421', 'bank');
      return postJournal(trx, SYSTEM_CONTEXT, {
        provinceCode: '430000',
        code: 'disbursement',
        description: '未经补贴申请的直接支付',
        transfers: [
          {
            idempotencyId: 'rpt-direct-disbursement',
            debitAccountId: training.id,
            creditAccountId: bank.id,
            amountFen: 88_800,
            code: 'disbursement',
            valueDate: '2021-06-20',
          },
        ],
      });
    });
    const refused = await call('POST', '/api/reports/finalize', city, {
      regionCode: '430421',
      year: 2021,
      quarter: 2,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toEqual({
      code: 'REPORT_LEDGER_MISMATCH',
      message: '报表金额与专账记录不符（账表不符），不能定稿',
      details: [
        {
          field: 'subAccounts.training',
          message: '职业培训补贴：报表 3600.00元，专账 4488.00元，差额 -888.00元',
          account: 'training',
          reportFen: 360_000,
          ledgerFen: 448_800,
          differenceFen: -88_800,
        },
      ],
    });
    const comparison = (await call('GET', `/api/reports/ledger-comparison?${Q2}`, county)).json();
    expect(comparison).toEqual(expectedComparison(6_000, 88_800));
    // The finance officer reverses the stray posting; the books agree again and nothing changed.
    const reversed = await call(
      'POST',
      `/api/ledger/transfers/${posted.transfers[0]!.id}/reversal`,
      finance,
      {
        idempotencyId: 'rpt-direct-disbursement-reversal',
        valueDate: '2021-06-21',
        reason: '误记，冲正',
      },
    );
    // The reversal is requested by one finance officer and posted when another approves it.
    expect(reversed.statusCode, reversed.body).toBe(202);
    const approved = await call(
      'POST',
      `/api/ledger/approvals/${reversed.json().id}/decision`,
      await harness.loginAs('hy_finance_checker'),
      { isApproved: true },
    );
    expect(approved.statusCode, approved.body).toBe(200);
    const unchanged = await call('POST', '/api/reports/finalize', city, {
      regionCode: '430421',
      year: 2021,
      quarter: 2,
    });
    expect(unchanged.statusCode, unchanged.body).toBe(200);
    expect(unchanged.json().version).toBe(1);
  });

  it('a late payment dated in the quarter makes a correction: version 2 lists the cells that changed', async () => {
    await bankResult(await pay(claims.bLiving, '2021-06-30', 'rpt-pay-b-living'), 'paid', '2021-07-06');
    const withoutReason = await call('POST', '/api/reports/finalize', city, {
      regionCode: '430421',
      year: 2021,
      quarter: 2,
    });
    expect(withoutReason.statusCode).toBe(422);
    expect(withoutReason.json().error.details[0].field).toBe('reason');
    const corrected = await call('POST', '/api/reports/finalize', city, {
      regionCode: '430421',
      year: 2021,
      quarter: 2,
      reason: '补录6月30日支付的生活费补贴',
    });
    expect(corrected.statusCode, corrected.body).toBe(201);
    const snapshot = corrected.json();
    expect(snapshot.version).toBe(2);
    expect(snapshot.content).toEqual(expectedQ2Report({ livingAllowanceLines: 2 }));
    expect(snapshot.differences).toEqual([
      { path: 'fund.cumulative.executionRate', before: 0.0073, after: 0.0074 },
      { path: 'fund.cumulative.spentFen', before: 366_000, after: 372_000 },
      { path: 'fund.period.spentFen', before: 366_000, after: 372_000 },
      { path: 'livingAllowance.amountFen', before: 6_000, after: 12_000 },
      { path: 'livingAllowance.days', before: 3, after: 6 },
      { path: 'livingAllowance.lineCount', before: 1, after: 2 },
      { path: 'livingAllowance.persons', before: 1, after: 2 },
      { path: 'subAccounts.living_allowance.lineCount', before: 1, after: 2 },
      { path: 'subAccounts.living_allowance.netFen', before: 6_000, after: 12_000 },
      { path: 'subAccounts.living_allowance.paidFen', before: 6_000, after: 12_000 },
      { path: 'subsidyKinds.living_allowance.lineCount', before: 1, after: 2 },
      { path: 'subsidyKinds.living_allowance.netFen', before: 6_000, after: 12_000 },
      { path: 'subsidyKinds.living_allowance.paidFen', before: 6_000, after: 12_000 },
      { path: 'totals.lineCount', before: 4, after: 5 },
      { path: 'totals.netFen', before: 366_000, after: 372_000 },
      { path: 'totals.paidFen', before: 566_000, after: 572_000 },
    ]);
    const list = (
      await call('GET', '/api/reports/snapshots?regionCode=430421&year=2021&quarter=2', county)
    ).json();
    expect(
      list.items.map((item: { version: number; differenceCount: number }) => [
        item.version,
        item.differenceCount,
      ]),
    ).toEqual([
      [2, 16],
      [1, 0],
    ]);
    const first = (await call('GET', `/api/reports/snapshots/${list.items[1].id}`, county)).json();
    expect(first.content).toEqual(expectedQ2Report());
  });

  it('keeps reports inside the caller’s region and role', async () => {
    const nanjing = await harness.loginAs('nj_county');
    expect((await call('GET', `/api/reports?${Q2}`, nanjing)).statusCode).toBe(403);
    expect(
      (await call('POST', '/api/reports/finalize', nanjing, { regionCode: '430421', year: 2021, quarter: 2 }))
        .statusCode,
    ).toBe(403);
    expect((await call('GET', `/api/reports?${Q2}`, school)).statusCode).toBe(403);
    expect(
      (await call('POST', '/api/reports/finalize', finance, { regionCode: '430421', year: 2021, quarter: 2 }))
        .statusCode,
    ).toBe(403);
    expect((await call('GET', `/api/reports/drilldown?${Q2}&dimension=total`, nanjing)).statusCode).toBe(403);
    expect((await call('GET', '/api/reports?regionCode=430421&year=2021&quarter=5', county)).statusCode).toBe(
      400,
    );
  });

  it('publishes fund use by region and quarter without personal data, suppressing small cells', async () => {
    const disclosure = await harness.app.inject({
      method: 'GET',
      url: '/api/public/disclosure?regionCode=430400&year=2021',
    });
    expect(disclosure.statusCode, disclosure.body).toBe(200);
    const body = disclosure.json();
    expect(body).toMatchObject({
      regionCode: '430400',
      regionName: '衡阳市',
      year: 2021,
      unit: '分',
      minPersons: 3,
    });
    const county2 = body.items.filter((item: { regionCode: string }) => item.regionCode === '430421');
    expect(county2).toEqual([
      {
        regionCode: '430421',
        regionName: '衡阳县',
        quarter: 1,
        allocatedFen: 0,
        personTimes: 0,
        paidFen: 0,
        isSuppressed: false,
      },
      {
        regionCode: '430421',
        regionName: '衡阳县',
        quarter: 2,
        allocatedFen: 50_000_000,
        personTimes: 3,
        paidFen: 372_000,
        isSuppressed: false,
      },
      // Claim B's two persons in Q3 are fewer than three: suppressed.
      {
        regionCode: '430421',
        regionName: '衡阳县',
        quarter: 3,
        allocatedFen: 0,
        personTimes: null,
        paidFen: null,
        isSuppressed: true,
      },
      {
        regionCode: '430421',
        regionName: '衡阳县',
        quarter: 4,
        allocatedFen: 0,
        personTimes: 0,
        paidFen: 0,
        isSuppressed: false,
      },
    ]);
    for (const person of [...classATrainees, ...classBTrainees]) {
      expect(disclosure.body).not.toContain(person.name);
      expect(disclosure.body).not.toContain(person.idNumber);
    }
    const csv = await harness.app.inject({
      method: 'GET',
      url: '/api/public/disclosure.csv?regionCode=430400&year=2021',
    });
    expect(csv.statusCode).toBe(200);
    expect(
      csv.body.startsWith('\ufeff年度,季度,地区代码,地区名称,下拨资金（元）,补贴人次,支付金额（元）'),
    ).toBe(true);
    expect(csv.body).toContain('2021,2,430421,衡阳县,500000.00,3,3720.00');
    expect(csv.body).toContain('2021,3,430421,衡阳县,0.00,<3人,<3人');
  });
});
