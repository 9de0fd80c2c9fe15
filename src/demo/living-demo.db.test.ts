import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { verifyAuditChain } from '../auth/audit.service.ts';
import { ROLES } from '../auth/roles.ts';
import { CLAIM_STATUSES } from '../claims/claim.workflow.ts';
import { verifyLedger } from '../ledger/verify.service.ts';
import { ManualClock } from '../shared/clock.ts';
import { isLivingDemoPlayed, seedDemo } from './demo.service.ts';
import { DEMO_ACCOUNT_GUIDE } from './demo-accounts.ts';
import {
  LIVING_DEMO_LEDGER_DATE,
  LIVING_DEMO_TODAY,
  type LivingDemoSummary,
  seedLivingDemo,
} from './living-demo.ts';

/**
 * The living demo of issue 21: what `npm start` seeds on a fresh data directory. The year is
 * played once (it is this file's subject); each test reads one promise of it.
 */
describe('the living demo: a Hengyang year of 2021 played through the platform’s own API', () => {
  const clock = new ManualClock('2021-01-04T00:00:00Z');
  let harness: TestApp;
  let summary: LivingDemoSummary;
  const as = async (loginName: string, url: string) => {
    const response = await harness.app.inject({
      method: 'GET',
      url,
      headers: await harness.loginAs(loginName),
    });
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    // As `npm start` seeds it: the demo funds dated on the first day of the demo's year.
    harness = await createTestApp({ clock, seed: false });
    await seedDemo(harness.database.db, { ledgerValueDate: LIVING_DEMO_LEDGER_DATE });
    summary = await seedLivingDemo(harness.app, clock);
  });
  afterAll(async () => harness?.close());

  it('ends on its business date with classes, trainees and claims', async () => {
    expect(summary).toMatchObject({ today: LIVING_DEMO_TODAY });
    expect(summary.classes).toBeGreaterThanOrEqual(10);
    expect(summary.persons).toBeGreaterThanOrEqual(30);
    expect(clock.today()).toBe(LIVING_DEMO_TODAY);
    // What `skillfund seed --demo --living` checks before playing it again.
    expect(await isLivingDemoPlayed(harness.database.db)).toBe(true);
  });

  it('has a claim in every workflow state, and classes filed, approved, rejected and completed', async () => {
    const claims = await as('hy_city', '/api/claims?pageSize=100');
    const statuses = new Set(claims.items.map((claim: { status: string }) => claim.status));
    expect([...statuses].sort()).toEqual([...CLAIM_STATUSES].sort());
    const classes = await as('hy_county', '/api/classes?pageSize=100');
    const classStatuses = new Set(classes.items.map((item: { status: string }) => item.status));
    for (const status of ['filed', 'approved', 'rejected', 'completed'])
      expect(classStatuses).toContain(status);
  });

  it('has a public notice running on its business date', async () => {
    const claims = await as('hy_county', '/api/claims?status=in_notice');
    expect(claims.total).toBeGreaterThanOrEqual(1);
    const notice = claims.items[0];
    expect(notice.noticeStartsOn <= LIVING_DEMO_TODAY && LIVING_DEMO_TODAY <= notice.noticeEndsOn).toBe(true);
  });

  it('paid batches and exactly one failed payment; a bank statement imported and not reconciled', async () => {
    const db = harness.database.db;
    const disbursements = await db.selectFrom('payment_disbursement').select('status').execute();
    expect(disbursements.filter((row) => row.status === 'failed')).toHaveLength(1);
    expect(disbursements.filter((row) => row.status === 'paid').length).toBeGreaterThanOrEqual(3);
    const statements = await db.selectFrom('bank_statement').select(['id']).execute();
    expect(statements.length).toBeGreaterThanOrEqual(1);
    const signedOff = await db
      .selectFrom('ledger_reconciliation')
      .select('id')
      .where('status', '=', 'signed_off')
      .execute();
    expect(signedOff).toEqual([]);
  });

  it('2021 money: the funds its payments draw on are dated in 2021, none after its business date', async () => {
    const dates = await harness.database.db
      .selectFrom('ledger_transfer')
      .select('value_date')
      .where('province_code', '=', '430000')
      .execute();
    expect(dates.length).toBeGreaterThan(0);
    for (const { value_date } of dates) {
      expect(value_date >= LIVING_DEMO_LEDGER_DATE).toBe(true);
      expect(value_date <= LIVING_DEMO_TODAY).toBe(true);
    }
    // The worker reads the day the payment was ordered, on the business clock.
    const archive = await as('hy_worker', '/api/me/archive');
    const paid = archive.subsidies.find((item: { status: string }) => item.status === 'paid');
    expect(paid.paidOn.startsWith('2021-')).toBe(true);
  });

  it('certified trainees with attendance, results and certificates; a worker sees his archive', async () => {
    const persons = await as('hy_county', '/api/persons?pageSize=100');
    expect(persons.total).toBeGreaterThanOrEqual(30);
    const certificates = await as('hy_school', '/api/certificates?pageSize=100');
    expect(certificates.total).toBeGreaterThanOrEqual(30);
    const archive = await as('hy_worker', '/api/me/archive');
    expect(archive.certificates.length).toBeGreaterThanOrEqual(1);
    expect(archive.subsidies.length).toBeGreaterThanOrEqual(1);
  });

  it('an open alert, a confirmed case with its recovery order, and a sanction under appeal', async () => {
    const alerts = await as('hy_county', '/api/supervision/alerts?status=open');
    expect(alerts.total).toBeGreaterThanOrEqual(1);
    const cases = await as('hy_city', '/api/supervision/cases?status=confirmed');
    expect(cases.total).toBeGreaterThanOrEqual(1);
    const recoveries = await as('hy_finance', '/api/ledger/recovery-orders');
    expect(recoveries.total).toBeGreaterThanOrEqual(1);
    const sanctions = await as('hy_city', '/api/supervision/sanctions');
    expect(sanctions.items.some((item: { appealStatus: string }) => item.appealStatus === 'filed')).toBe(
      true,
    );
    const ratings = await as('hy_city', '/api/supervision/ratings?year=2021');
    expect(ratings.total ?? ratings.items.length).toBeGreaterThanOrEqual(1);
  });

  it('reports with figures: the county’s 2021 report counts trainees and money paid; a quarter is finalised', async () => {
    const report = await as('hy_county', '/api/reports?regionCode=430421&year=2021');
    expect(report.totals.personTimes).toBeGreaterThan(0);
    expect(report.totals.paidFen).toBeGreaterThan(0);
    const snapshots = await as('hy_city', '/api/reports/snapshots?regionCode=430421&year=2021&quarter=3');
    expect(snapshots.total ?? snapshots.items.length).toBeGreaterThanOrEqual(1);
  });

  it('an account for every role, each listed on the login page', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/api/demo/accounts' });
    const items = response.json().items as { loginName: string; role: string }[];
    expect(items.map((item) => item.loginName)).toEqual(DEMO_ACCOUNT_GUIDE.map((entry) => entry.loginName));
    expect(new Set(items.map((item) => item.role))).toEqual(new Set(ROLES));
    const finance = items.filter((item) => item.role === 'finance_officer');
    expect(finance.length).toBeGreaterThanOrEqual(2);
  });

  it('a Jiangsu enterprise may ask for an advance for its training running on the business date', async () => {
    // Hengyang's documents provide no advance; 苏政办发〔2019〕71号（十四） does (up to 50 %).
    const advances = await as('nj_enterprise', '/api/claims/advances');
    expect(advances.policy).toMatchObject({ regionCode: '320102', isProvided: true, maxSharePercent: 50 });
    const running = advances.classes.filter(
      (item: { startsAt: string; endsAt: string; advanceClaimId: number | null }) =>
        item.startsAt.slice(0, 10) <= LIVING_DEMO_TODAY &&
        LIVING_DEMO_TODAY <= item.endsAt.slice(0, 10) &&
        item.advanceClaimId === null,
    );
    expect(running).toHaveLength(1);
  });

  it('the Jiangsu enterprise’s post-skill training of its employees has ended and is claimable from its class', async () => {
    const classes = await as('nj_enterprise', '/api/classes?status=completed&pageSize=100');
    const trained = classes.items.find(
      (item: { name: string }) => item.name === '养老护理员（初级）企业职工岗位技能提升班2110期',
    );
    expect(trained).toBeDefined();
    const created = await harness.app.inject({
      method: 'POST',
      url: '/api/claims',
      headers: await harness.loginAs('nj_enterprise'),
      payload: {
        applicationDate: LIVING_DEMO_TODAY,
        payeeAccount: { bankName: '中国银行南京玄武支行', accountNumber: '4561000012345678' },
        claim: { source: 'class', classId: trained.id, subsidyKind: 'training' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    // Two employees at the Nanjing catalog standard (1,000 yuan each), paid to the enterprise.
    expect(created.json()).toMatchObject({ applicantKind: 'enterprise', totalAmountFen: 200_000 });
  });

  it('leaves a ledger and an audit chain that verify (skillfund ledger verify, audit verify)', async () => {
    const ledger = await verifyLedger(harness.database.db);
    expect(ledger.isPassed, JSON.stringify(ledger)).toBe(true);
    const audit = await verifyAuditChain(harness.database.db);
    expect(audit.firstTampered, JSON.stringify(audit)).toBeNull();
    expect(audit.checked).toBeGreaterThan(300);
  });
});
