import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { createUser } from '../auth/auth.service.ts';
import { DEMO_PASSWORD } from '../demo/demo.service.ts';
import { ManualClock } from '../shared/clock.ts';
import { createPaymentBatch } from './payment.service.ts';
import { accountFor, inLedgerTransaction, postJournal } from './transfer.service.ts';

type Headers = { authorization: string };
let testApp: TestApp;
let cityFinance: Headers;
let provinceFinance: Headers;
let provinceReviewer: Headers;
/** Business date 10 June 2026; the demo's Hunan books begin on 5 January 2026. */
const clock = new ManualClock('2026-06-10T01:00:00Z');

beforeAll(async () => {
  testApp = await createTestApp({ clock });
  await createUser(testApp.database.db, SYSTEM_CONTEXT, {
    loginName: 'hn_province_reviewer',
    displayName: '湖南省人社厅 复核',
    role: 'province_officer',
    regionCode: '430000',
    password: DEMO_PASSWORD,
  });
  cityFinance = await testApp.loginAs('hy_finance');
  provinceFinance = await testApp.loginAs('hn_finance');
  provinceReviewer = await testApp.loginAs('hn_province_reviewer');
});
afterAll(async () => {
  await testApp?.close();
});

async function call(method: 'GET' | 'POST', url: string, headers: Headers, payload?: unknown) {
  const response = await testApp.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  return { status: response.statusCode, body: response.json() };
}

const close = (headers: Headers, period: string, provinceCode?: string) =>
  call('POST', '/api/ledger/periods/close', headers, { period, ...(provinceCode ? { provinceCode } : {}) });

const checksOf = (body: { error: { details: { check?: string }[] } }) =>
  [...new Set(body.error.details.map((detail) => detail.check))].sort();

/** January's statement of the province's special account: the demo appropriation of 20,000,000 yuan. */
async function reconcileJanuary() {
  const csv = '交易日期,摘要,借方发生额,贷方发生额,余额\r\n2026-01-05,拨款,,20000000.00,20000000.00\r\n';
  const imported = await call('POST', '/api/ledger/statements', provinceFinance, {
    regionCode: '430000',
    fileName: '湖南专户2026年1月.csv',
    fileBase64: iconv.encode(csv, 'gbk').toString('base64'),
  });
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
  const prepared = await call('POST', '/api/ledger/reconciliations', provinceFinance, {
    statementId: imported.body.statementId,
    period: '2026-01',
  });
  expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
  expect(prepared.body.worksheet.problems).toEqual([]);
  const signed = await call(
    'POST',
    `/api/ledger/reconciliations/${prepared.body.id}/sign-off`,
    provinceReviewer,
  );
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
}

describe('period close (月结) and its checklist', () => {
  it('a city finance officer cannot close the province', async () => {
    for (const provinceCode of [undefined, '430000']) {
      const refused = await close(cityFinance, '2026-01', provinceCode);
      expect(refused.status).toBe(403);
      expect(refused.body.error.details[0].field).toBe('provinceCode');
    }
  });

  it('the current month and future months cannot be closed (business clock)', async () => {
    for (const period of ['2026-06', '2026-07']) {
      const refused = await close(provinceFinance, period);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('PERIOD_CLOSE_REFUSED');
      expect(checksOf(refused.body)).toContain('month_over');
    }
  });

  it('months close in order: the first close is the month the books begin', async () => {
    const refused = await close(provinceFinance, '2026-03');
    expect(refused.status).toBe(409);
    expect(checksOf(refused.body)).toContain('in_order');
    expect(
      refused.body.error.details.find((detail: { check: string }) => detail.check === 'in_order').message,
    ).toContain('2026-01');
  });

  it('a month whose bank reconciliation is not signed off is not closed; once it is, the month closes with its figures, and postings dated in it or before it are refused', async () => {
    const unreconciled = await close(provinceFinance, '2026-01');
    expect(unreconciled.status).toBe(409);
    expect(unreconciled.body.error.details).toEqual([
      { check: 'reconciled', field: 'reconciliations.430000', message: '湖南省 2026-01 的银行对账未经复核' },
    ]);
    const checklist = await call('GET', '/api/ledger/periods/checklist?period=2026-01', provinceFinance);
    expect(checklist.body).toMatchObject({ mayClose: false, isClosed: false });

    await reconcileJanuary();
    const closed = await close(provinceFinance, '2026-01');
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.period).toBe('2026-01');
    // The close froze the month's report figures (the reports domain's port, src/api/routes.ts).
    const frozen = await testApp.database.db
      .selectFrom('report_period_freeze')
      .select('period')
      .where('province_code', '=', '430000')
      .execute();
    expect(frozen.map((row) => row.period)).toEqual(['2026-01']);
    const again = await close(provinceFinance, '2026-01');
    expect(again.status).toBe(409);

    const periods = await call('GET', '/api/ledger/periods', provinceFinance);
    const january = periods.body.items[0];
    expect(january.period).toBe('2026-01');
    expect(january.figures).toContainEqual(
      expect.objectContaining({
        regionCode: '430000',
        account: 'special',
        code: 'appropriation',
        creditFen: 2_000_000_000,
      }),
    );

    const bank = await accountFor(testApp.database.db, '430400', 'bank');
    const special = await accountFor(testApp.database.db, '430400', 'special');
    for (const [valueDate, key] of [
      ['2026-01-20', 'in-closed-month'],
      ['2025-03-01', 'before-closed-month'],
      ['2019-06-30', 'years-before'],
    ]) {
      const refused = await call('POST', '/api/ledger/transfers', cityFinance, {
        idempotencyId: `period-${key}`,
        debitAccountId: bank.id,
        creditAccountId: special.id,
        amountFen: 100,
        code: 'interest',
        valueDate,
      });
      expect(refused.status, `${valueDate}: ${JSON.stringify(refused.body)}`).toBe(409);
      expect(refused.body.error.code).toBe('PERIOD_CLOSED');
    }
    const skipping = await close(provinceFinance, '2026-03');
    expect(checksOf(skipping.body)).toContain('in_order');
  });

  it('a payment without its bank result keeps the month open (checklist names it)', async () => {
    // Payment batches come from approved payment orders (claims domain); the ledger's own API is used here.
    const ordered = await inLedgerTransaction(testApp.database.db, (trx) =>
      createPaymentBatch(trx, SYSTEM_CONTEXT, {
        idempotencyId: 'period-in-flight',
        valueDate: '2026-02-10',
        items: [
          {
            claimId: 70_001,
            payee: { type: 'person', id: 1, name: '学员', bankAccount: '6217000000009' },
            amountFen: 10_000,
            subAccount: 'training',
            regionCode: '430421',
          },
        ],
      }),
    );
    const batch = { body: ordered };
    // A manual posting awaiting its second person keeps the month open too.
    const bank = await accountFor(testApp.database.db, '430400', 'bank');
    const special = await accountFor(testApp.database.db, '430400', 'special');
    const posting = await call('POST', '/api/ledger/transfers', cityFinance, {
      idempotencyId: 'period-pending-interest',
      debitAccountId: bank.id,
      creditAccountId: special.id,
      amountFen: 100,
      code: 'interest',
      valueDate: '2026-02-15',
    });
    expect(posting.status, JSON.stringify(posting.body)).toBe(202);
    const before = await call('GET', '/api/ledger/periods/checklist?period=2026-02', provinceFinance);
    const inFlight = before.body.items.find((item: { code: string }) => item.code === 'nothing_in_flight');
    expect(inFlight.isOk).toBe(false);
    expect(inFlight.details.map((detail: { field: string }) => detail.field)).toEqual([
      `approvals.${posting.body.id}`,
      `disbursements.${batch.body.disbursements[0]!.id}`,
    ]);
    // A person reads the checklist: kinds and regions in words, never codes.
    const messages = before.body.items.flatMap((item: { details: { message: string }[] }) =>
      item.details.map((detail) => detail.message),
    );
    expect(messages).toContain(`复核事项 ${posting.body.id}（手工记账（利息、手续费））待复核`);
    expect(messages).toContain('衡阳县 2026-02 的银行对账未经复核');
    for (const message of messages) expect(message).not.toMatch(/[a-z_]{4,}|\b\d{6}\b/);
    const reconciled = before.body.items.find((item: { code: string }) => item.code === 'reconciled');
    expect(reconciled.details.map((detail: { field: string }) => detail.field)).toEqual([
      'reconciliations.430421',
    ]);
    const refused = await close(provinceFinance, '2026-02');
    expect(checksOf(refused.body)).toEqual(expect.arrayContaining(['nothing_in_flight', 'reconciled']));
    const result = await call('POST', `/api/claims/payments/${batch.body.id}/bank-result`, cityFinance, {
      csv: `备注,处理结果\n${batch.body.disbursements[0]!.reference},成功\n`,
      valueDate: '2026-02-11',
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const rejected = await call(
      'POST',
      `/api/ledger/approvals/${posting.body.id}/decision`,
      await testApp.loginAs('hy_finance2'),
      {
        isApproved: false,
      },
    );
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    const after = await call('GET', '/api/ledger/periods/checklist?period=2026-02', provinceFinance);
    expect(after.body.items.find((item: { code: string }) => item.code === 'nothing_in_flight').isOk).toBe(
      true,
    );
  });

  it('a sign-off is void when money of its month moves through the bank after it', async () => {
    const db = testApp.database.db;
    // A signed-off reconciliation of 衡南县 for March (rows as the sign-off leaves them).
    const statement = await sql<{ id: number }>`
      insert into bank_statement (province_code, region_code, file_name, file_hash, line_count)
      values ('430000', '430422', '衡南县专户2026年3月.csv', 'period-stale-sign-off', 0) returning id`.execute(
      db,
    );
    const reviewer = await db
      .selectFrom('app_user')
      .select('id')
      .where('login_name', '=', 'hn_province_reviewer')
      .executeTakeFirstOrThrow();
    const preparer = await db
      .selectFrom('app_user')
      .select('id')
      .where('login_name', '=', 'hn_finance')
      .executeTakeFirstOrThrow();
    await sql`insert into ledger_reconciliation (province_code, region_code, period, statement_id, worksheet,
        worksheet_hash, bank_closing_fen, book_balance_fen, is_balanced, problem_count, status, prepared_by,
        signed_off_by, signed_off_at)
      values ('430000', '430422', '2026-03', ${statement.rows[0]!.id}, '{}', 'x', 0, 0, true, 0, 'signed_off',
        ${preparer.id}, ${reviewer.id}, now() - interval '1 hour')`.execute(db);
    const reconciled = async () =>
      (await call('GET', '/api/ledger/periods/checklist?period=2026-03', provinceFinance)).body.items.find(
        (item: { code: string }) => item.code === 'reconciled',
      ).details as { field: string; message: string }[];
    expect((await reconciled()).map((detail) => detail.field)).not.toContain('reconciliations.430422');
    // Interest of March posted after the sign-off.
    const bank = await accountFor(db, '430422', 'bank');
    const special = await accountFor(db, '430422', 'special');
    await inLedgerTransaction(db, (trx) =>
      postJournal(trx, SYSTEM_CONTEXT, {
        provinceCode: '430000',
        code: 'interest',
        description: '复核后入账的利息',
        transfers: [
          {
            idempotencyId: 'period-after-sign-off',
            debitAccountId: bank.id,
            creditAccountId: special.id,
            amountFen: 321,
            code: 'interest',
            valueDate: '2026-03-21',
          },
        ],
      }),
    );
    const stale = (await reconciled()).find((detail) => detail.field === 'reconciliations.430422');
    expect(stale?.message).toContain('复核后又有记账');
  });

  it('a sign-off of the province does not cover a county paid from a special account of its own', async () => {
    const db = testApp.database.db;
    // 耒阳市 (430481) registers its own special account; 珠晖区 (430405) is paid from the province's.
    const registered = await testApp.app.inject({
      method: 'PUT',
      url: '/api/ledger/bank-accounts',
      headers: cityFinance,
      payload: {
        regionCode: '430481',
        accountNumber: '430481000000000001',
        accountName: '耒阳市职业技能提升行动专账',
        bankName: '中国建设银行耒阳支行',
        profileCode: 'generic',
      },
    });
    expect(registered.statusCode, registered.body).toBe(200);
    // Interest of May through each county's bank, then the province's May reconciliation signed off.
    for (const region of ['430481', '430405']) {
      const bank = await accountFor(db, region, 'bank');
      const special = await accountFor(db, region, 'special');
      await inLedgerTransaction(db, (trx) =>
        postJournal(trx, SYSTEM_CONTEXT, {
          provinceCode: '430000',
          code: 'interest',
          description: '五月利息',
          transfers: [
            {
              idempotencyId: `period-own-account-${region}`,
              debitAccountId: bank.id,
              creditAccountId: special.id,
              amountFen: 500,
              code: 'interest',
              valueDate: '2026-05-21',
            },
          ],
        }),
      );
    }
    const statement = await sql<{ id: number }>`
      insert into bank_statement (province_code, region_code, file_name, file_hash, line_count)
      values ('430000', '430000', '湖南省专户2026年5月.csv', 'period-own-account', 0) returning id`.execute(
      db,
    );
    const users = await db
      .selectFrom('app_user')
      .select(['id', 'login_name'])
      .where('login_name', 'in', ['hn_finance', 'hn_province_reviewer'])
      .execute();
    const idOf = (login: string) => users.find((user) => user.login_name === login)!.id;
    await sql`insert into ledger_reconciliation (province_code, region_code, period, statement_id, worksheet,
        worksheet_hash, bank_closing_fen, book_balance_fen, is_balanced, problem_count, status, prepared_by,
        signed_off_by, signed_off_at)
      values ('430000', '430000', '2026-05', ${statement.rows[0]!.id}, '{}', 'x', 0, 0, true, 0, 'signed_off',
        ${idOf('hn_finance')}, ${idOf('hn_province_reviewer')}, now() + interval '1 second')`.execute(db);
    const checklist = await call('GET', '/api/ledger/periods/checklist?period=2026-05', provinceFinance);
    const reconciled = checklist.body.items.find((item: { code: string }) => item.code === 'reconciled');
    expect(reconciled.details).toEqual([
      { field: 'reconciliations.430481', message: '耒阳市 2026-05 的银行对账未经复核' },
    ]);
  });

  it('a posting may not be dated after the business date', async () => {
    const bank = await accountFor(testApp.database.db, '430400', 'bank');
    const special = await accountFor(testApp.database.db, '430400', 'special');
    const refused = await call('POST', '/api/ledger/transfers', cityFinance, {
      idempotencyId: 'period-future-value-date',
      debitAccountId: bank.id,
      creditAccountId: special.id,
      amountFen: 100,
      code: 'interest',
      valueDate: '2026-06-11',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details[0].field).toBe('valueDate');
  });

  it('bad requests name the field', async () => {
    const badPeriod = await close(provinceFinance, '2026-13');
    expect(badPeriod.status).toBe(400);
    expect(JSON.stringify(badPeriod.body)).toContain('period');
    const noPeriod = await call('GET', '/api/ledger/periods/checklist', provinceFinance);
    expect(noPeriod.status).toBe(400);
  });
});
