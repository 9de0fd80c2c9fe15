import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CONTEXT } from '../../src/auth/audit.service.ts';
import { excludeClaimLinesBySupervision } from '../../src/claims/claim.service.ts';
import { recordRecoveryReceipt } from '../../src/ledger/recovery.service.ts';
import { inLedgerTransaction } from '../../src/ledger/transfer.service.ts';
import { verifyLedger } from '../../src/ledger/verify.service.ts';
import { rebuildReportFacts } from '../../src/reports/report-facts.service.ts';
import { freezeMonthReports } from '../../src/reports/report-freeze.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  approvedTrainingClaim,
  caller,
  type Headers,
  payThroughBank,
  postJournalByHand,
  publishHengyangCatalog,
  registerTrainees,
  type Trainee,
} from './claim-support.ts';

/**
 * Recovery is a reversal (issue 15 finding 6): money recovered for a paid claim comes off the
 * disbursement of its line, so reports and the public disclosure show net money, and a trainee
 * excluded by a confirmed case is no longer counted. On PGlite and PostgreSQL.
 */
describe('recovered money and excluded trainees leave the reports', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;
  let finance: Headers;
  let checker: Headers;
  let school: Headers;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
    finance = await harness.loginAs('hy_finance');
    checker = await harness.loginAs('hy_finance_checker');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, city);
  }, 300_000);
  afterAll(async () => harness.close());

  const people = (names: string[], first = 700) => registerTrainees(harness, county, names, first);
  const approvedClaim = (trainees: Trainee[], tag = 'RR1') =>
    approvedTrainingClaim(harness, clock, { school, county, city, trainees, tag });

  const countyReport = async () => {
    const answer = await call('GET', '/api/reports?regionCode=430421&year=2021&quarter=2', county);
    expect(answer.statusCode, answer.body).toBe(200);
    return answer.json();
  };
  const countyDisclosure = async () => {
    const answer = await call('GET', '/api/public/disclosure?regionCode=430400&year=2021', county);
    expect(answer.statusCode, answer.body).toBe(200);
    return (
      (
        answer.json().items as {
          regionCode: string;
          quarter: number;
          paidFen: number | null;
          personTimes: number | null;
        }[]
      ).find((item) => item.regionCode === '430421' && item.quarter === 2) ?? { paidFen: 0, personTimes: 0 }
    );
  };

  it('a recovery receipt approved by a second person reverses the paid line; the excluded trainee is not counted', async () => {
    const trainees = await people(['回甲', '回乙', '回丙', '回丁']);
    const before = await countyReport();
    const disclosedBefore = await countyDisclosure();
    const claim = await approvedClaim(trainees);
    await payThroughBank(harness, clock, {
      finance,
      checker,
      claimIds: [claim.id],
      orderedOn: '2021-05-31',
      paidOn: '2021-06-01',
      idempotencyId: 'rr-order-0001',
    });
    const paid = await countyReport();
    expect(paid.totals.netFen - before.totals.netFen).toBe(claim.totalAmountFen);
    expect(paid.totals.personTimes - before.totals.personTimes).toBe(4);
    const disclosedPaid = await countyDisclosure();
    expect((disclosedPaid.paidFen ?? 0) - (disclosedBefore.paidFen ?? 0)).toBe(claim.totalAmountFen);

    // A confirmed case excludes the fourth trainee's line (what `decideCase` does) and a recovery
    // order is opened for its amount.
    const excludedLine = claim.lines.find((line) => line.personId === trainees[3]!.personId)!;
    clock.set('2021-06-02T01:00:00Z');
    await harness.database.db.transaction().execute((trx) =>
      excludeClaimLinesBySupervision(trx, SYSTEM_CONTEXT, {
        claimId: claim.id,
        lineIds: [excludedLine.id],
        reason: '冒名参训',
      }),
    );
    const excluded = await countyReport();
    expect(paid.totals.personTimes - excluded.totals.personTimes).toBe(1);
    // Until the money is back it is still paid out.
    expect(excluded.totals.netFen).toBe(paid.totals.netFen);
    const opened = await call('POST', '/api/ledger/recovery-orders', county, {
      idempotencyId: 'rr-recovery-1',
      claimId: claim.id,
      regionCode: '430421',
      subAccount: 'training',
      amountFen: excludedLine.amountFen,
      reason: '冒名参训，追回',
      valueDate: '2021-06-02',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    // Opening the order books a receivable; nothing comes off the report yet.
    expect((await countyReport()).totals.netFen).toBe(paid.totals.netFen);

    clock.set('2021-06-03T01:00:00Z');
    const receipt = await call('POST', `/api/ledger/recovery-orders/${opened.json().id}/receipts`, finance, {
      idempotencyId: 'rr-receipt-1',
      amountFen: excludedLine.amountFen,
      valueDate: '2021-06-03',
    });
    expect(receipt.statusCode, receipt.body).toBe(202);
    // The maker's record alone changes no figure.
    expect((await countyReport()).totals.netFen).toBe(paid.totals.netFen);
    const approved = await call(
      'POST',
      `/api/ledger/approvals/${receipt.json().approval?.id ?? receipt.json().id}/decision`,
      checker,
      { isApproved: true },
    );
    expect(approved.statusCode, approved.body).toBe(200);

    const recovered = await countyReport();
    expect(recovered.totals.recoveredFen - paid.totals.recoveredFen).toBe(excludedLine.amountFen);
    expect(paid.totals.netFen - recovered.totals.netFen).toBe(excludedLine.amountFen);
    const training = (report: { subAccounts: { key: string; netFen: number }[] }) =>
      report.subAccounts.find((row) => row.key === 'training')!.netFen;
    expect(training(paid) - training(recovered)).toBe(excludedLine.amountFen);
    const kind = (report: { subsidyKinds: { key: string; netFen: number; recoveredFen: number }[] }) =>
      report.subsidyKinds.find((row) => row.key === 'training')!;
    expect(kind(recovered).recoveredFen - kind(paid).recoveredFen).toBe(excludedLine.amountFen);
    expect(recovered.totals.personTimes).toBe(excluded.totals.personTimes);
    // The report still agrees with the ledger, which took the money back on the sub-account.
    expect(recovered.ledgerComparison.isBalanced).toBe(true);

    const disclosed = await countyDisclosure();
    expect((disclosedPaid.paidFen ?? 0) - (disclosed.paidFen ?? 0)).toBe(excludedLine.amountFen);
    expect((disclosedPaid.personTimes ?? 0) - (disclosed.personTimes ?? 0)).toBe(1);

    // The facts rebuilt from their sources are the ones the triggers wrote.
    const rebuilt = await harness.database.db
      .transaction()
      .execute((trx) => rebuildReportFacts(trx, SYSTEM_CONTEXT, '430000'));
    expect(rebuilt).toMatchObject({ removed: 0, added: 0 });

    // verify: the approved receipt passes; a receipt posted by hand, with no approval, fails.
    const receiptCheck = 'each recovery receipt is an approved recovery_receipt approval';
    const failing = async () =>
      (await verifyLedger(harness.database.db)).checks
        .filter((check) => !check.isPassed)
        .map((check) => check.name);
    expect(await failing()).not.toContain(receiptCheck);
    const second = await call('POST', '/api/ledger/recovery-orders', county, {
      idempotencyId: 'rr-recovery-2',
      claimId: claim.id,
      regionCode: '430421',
      subAccount: 'training',
      amountFen: 100,
      reason: '手工追回（测试）',
      valueDate: '2021-06-03',
    });
    expect(second.statusCode, second.body).toBe(201);
    await inLedgerTransaction(harness.database.db, (trx) =>
      recordRecoveryReceipt(trx, SYSTEM_CONTEXT, {
        orderId: second.json().id,
        idempotencyId: 'rr-by-hand',
        amountFen: 100,
        valueDate: '2021-06-03',
      }),
    );
    expect(await failing()).toContain(receiptCheck);
  }, 300_000);

  it('账表相符 compares money net of returns and recoveries by region; a 调剂 and its reversal are not spending; a close freezes the month', async () => {
    const db = harness.database.db;
    const trainees = await people(['账甲', '账乙', '账丙', '账丁'], 760);
    const claim = await approvedClaim(trainees, 'RR2');
    await payThroughBank(harness, clock, {
      finance,
      checker,
      claimIds: [claim.id],
      orderedOn: '2021-06-05',
      paidOn: '2021-06-06',
      idempotencyId: 'rr-order-0002',
    });
    // A recovery of the first line, received and approved.
    clock.set('2021-06-07T01:00:00Z');
    const line = claim.lines[0]!;
    const opened = await call('POST', '/api/ledger/recovery-orders', county, {
      idempotencyId: 'rr-recovery-3',
      claimId: claim.id,
      regionCode: '430421',
      subAccount: 'training',
      amountFen: line.amountFen,
      reason: '追回',
      valueDate: '2021-06-07',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const receipt = await call('POST', `/api/ledger/recovery-orders/${opened.json().id}/receipts`, finance, {
      idempotencyId: 'rr-receipt-3',
      amountFen: line.amountFen,
      valueDate: '2021-06-07',
    });
    const receiptApproval = receipt.json().approval?.id ?? receipt.json().id;
    expect(
      (await call('POST', `/api/ledger/approvals/${receiptApproval}/decision`, checker, { isApproved: true }))
        .statusCode,
    ).toBe(200);
    // A 调剂 of the training sub-account to the neighbouring county, then its reversal (冲正).
    clock.set('2021-06-08T01:00:00Z');
    const requested = await call('POST', '/api/ledger/fund-requests', city, {
      kind: 'reallocation',
      fromRegionCode: '430421',
      toRegionCode: '430422',
      fromKind: 'training',
      toKind: 'training',
      amountFen: 50_000,
      reason: '调剂',
      valueDate: '2021-06-08',
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const decided = await call('POST', `/api/ledger/fund-requests/${requested.json().id}/decision`, finance, {
      isApproved: true,
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const moved = await db
      .selectFrom('ledger_transfer')
      .select('id')
      .where('journal_id', '=', decided.json().journalId)
      .executeTakeFirstOrThrow();
    clock.set('2021-06-09T01:00:00Z');
    const reversal = await call('POST', `/api/ledger/transfers/${moved.id}/reversal`, finance, {
      idempotencyId: 'rr-reallocation-reversal',
      valueDate: '2021-06-09',
      reason: '调剂有误，冲正',
    });
    expect(reversal.statusCode, reversal.body).toBe(202);
    // The checker reads names on 待复核, never raw codes.
    expect(reversal.json().summary).toContain('调剂');
    expect(reversal.json().summary).toContain('衡阳县职业培训补贴子账户');
    expect(reversal.json().summary).not.toMatch(/[a-z_]{4,}/);
    expect(
      (
        await call('POST', `/api/ledger/approvals/${reversal.json().id}/decision`, checker, {
          isApproved: true,
        })
      ).statusCode,
    ).toBe(200);

    const june = 'regionCode=430400&from=2021-06-01&to=2021-06-30';
    const comparison = (await call('GET', `/api/reports/ledger-comparison?${june}`, city)).json();
    expect(comparison.isBalanced, JSON.stringify(comparison)).toBe(true);
    const report = (await call('GET', `/api/reports?${june}`, city)).json();
    const training = report.subAccounts.find((row: { key: string }) => row.key === 'training');
    expect(training.paidFen - training.netFen).toBeGreaterThanOrEqual(line.amountFen);
    const county430421 = comparison.regions.find(
      (row: { regionCode: string; account: string }) =>
        row.regionCode === '430421' && row.account === 'training',
    );
    expect(county430421.ledgerFen).toBe(county430421.reportFen);
    // The old comparison (gross payments against payments less every reversal credit) disagrees.
    const totals = (
      await call('GET', `/api/ledger/totals?regionCode=430400&from=2021-06-01&to=2021-06-30`, city)
    ).json().items as { account: string; code: string; debitFen: number; creditFen: number }[];
    const oldLedgerFen =
      totals
        .filter((row) => row.account === 'training' && ['disbursement', 'advance'].includes(row.code))
        .reduce((sum, row) => sum + row.debitFen, 0) -
      totals
        .filter((row) => row.account === 'training' && row.code === 'reversal')
        .reduce((sum, row) => sum + row.creditFen, 0);
    expect(oldLedgerFen).not.toBe(training.paidFen);
    expect(oldLedgerFen).not.toBe(training.netFen);

    // The close's checklist carries the check.
    const province = await harness.loginAs('hn_finance');
    const checklist = (await call('GET', '/api/ledger/periods/checklist?period=2021-06', province)).json();
    expect(
      checklist.items.find((item: { code: string }) => item.code === 'report_matches_ledger'),
    ).toMatchObject({
      isOk: true,
      details: [],
    });

    // A close freezes June (what the close calls): a later exclusion and a rebuild of the facts
    // change the live projection, not June's figures.
    const juneCounty = 'regionCode=430421&from=2021-06-01&to=2021-06-30';
    const frozenBefore = (await call('GET', `/api/reports?${juneCounty}`, county)).json();
    await db
      .transaction()
      .execute((trx) =>
        freezeMonthReports(trx, SYSTEM_CONTEXT, { provinceCode: '430000', period: '2021-06' }),
      );
    clock.set('2021-07-02T01:00:00Z');
    await db.transaction().execute((trx) =>
      excludeClaimLinesBySupervision(trx, SYSTEM_CONTEXT, {
        claimId: claim.id,
        lineIds: [claim.lines[1]!.id],
        reason: '冒名参训',
      }),
    );
    await db.transaction().execute((trx) => rebuildReportFacts(trx, SYSTEM_CONTEXT, '430000'));
    const live = await db
      .selectFrom('report_fact')
      .select('is_counted')
      .where('claim_line_id', '=', claim.lines[1]!.id)
      .where('event', '=', 'paid')
      .executeTakeFirstOrThrow();
    expect(live.is_counted).toBe(false);
    const frozenAfter = (await call('GET', `/api/reports?${juneCounty}`, county)).json();
    expect(frozenAfter.totals).toEqual(frozenBefore.totals);
    expect(frozenAfter.subAccounts).toEqual(frozenBefore.subAccounts);

    // A stray payment in July makes the July check fail, naming the region and sub-account.
    await inLedgerTransaction(db, (trx) =>
      postJournalByHand(trx, {
        provinceCode: '430000',
        code: 'disbursement',
        description: '没有补贴明细的支付',
        legs: [
          {
            idempotencyId: 'rr-stray',
            regionCode: '430421',
            debit: 'training',
            credit: 'bank',
            amountFen: 12_300,
            valueDate: '2021-07-02',
          },
        ],
      }),
    );
    const july = (await call('GET', '/api/ledger/periods/checklist?period=2021-07', province)).json();
    const item = july.items.find((entry: { code: string }) => entry.code === 'report_matches_ledger');
    expect(item.isOk).toBe(false);
    expect(item.details).toEqual([
      expect.objectContaining({
        field: 'reports.430421.training',
        message: expect.stringContaining('相差 -123.00 元'),
      }),
    ]);
  }, 300_000);
});
