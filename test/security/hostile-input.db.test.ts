import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CONTEXT } from '../../src/auth/audit.service.ts';
import { createPaymentBatch } from '../../src/ledger/payment.service.ts';
import { accountFor, inLedgerTransaction, postTransfers } from '../../src/ledger/transfer.service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * The exact inputs of issue 18, finding 7 that answered 500: each now answers a 4xx naming the
 * field (or the CSV line), and leaves the database as it was.
 */

let testApp: TestApp;
let county: { authorization: string };
let finance: { authorization: string };
let school: { authorization: string };

beforeAll(async () => {
  testApp = await createTestApp();
  county = await testApp.loginAs('hy_county');
  finance = await testApp.loginAs('hy_finance');
  school = await testApp.loginAs('hy_school');
});
afterAll(async () => {
  await testApp?.close();
});

/** Row counts of the tables a refused request could have touched, and the audit trail's successes. */
async function counts(): Promise<Record<string, number>> {
  const { rows } = await sql<{ name: string; n: string }>`
    select 'person' as name, count(*)::text as n from person
    union all select 'enrolment', count(*)::text from enrolment
    union all select 'ledger_transfer', count(*)::text from ledger_transfer
    union all select 'bank_statement', count(*)::text from bank_statement
    union all select 'bank_statement_line', count(*)::text from bank_statement_line
    union all select 'payment_disbursement_paid', count(*)::text from payment_disbursement where status <> 'ordered'
    union all select 'audit_success', count(*)::text from audit_log where outcome = 'success'`.execute(
    testApp.database.db,
  );
  return Object.fromEntries(rows.map((row) => [row.name, Number(row.n)]));
}

interface Refusal {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  payload?: unknown;
  status: number;
  field: string | RegExp;
}

async function expectRefused(
  refusal: Refusal,
): Promise<{ error: { message: string; details: { field: string }[] } }> {
  const before = await counts();
  const response = await testApp.app.inject({
    method: refusal.method,
    url: refusal.url,
    headers: refusal.headers,
    ...(refusal.payload === undefined ? {} : { payload: refusal.payload as object }),
  });
  expect(response.statusCode, `${refusal.url} ${response.body}`).toBe(refusal.status);
  const body = response.json();
  const fields = body.error.details.map((detail: { field: string }) => detail.field);
  expect(
    fields.some((field: string) =>
      typeof refusal.field === 'string' ? field === refusal.field : refusal.field.test(field),
    ),
    `${fields.join(', ')} should name ${refusal.field}`,
  ).toBe(true);
  expect(await counts()).toEqual(before);
  return body;
}

function rawJson(text: string): string {
  return text;
}

describe('hostile input (issue 18, finding 7): 4xx naming the field, nothing written', () => {
  it('refuses an id beyond bigint in a path: /api/persons/99999999999999999999', async () => {
    await expectRefused({
      method: 'GET',
      url: '/api/persons/99999999999999999999',
      headers: county,
      status: 400,
      field: 'params.id',
    });
  });

  it('refuses an id of 1e30 in a body (personId: 1e30)', async () => {
    await expectRefused({
      method: 'POST',
      url: '/api/classes/1/enrolments',
      headers: { ...school, 'content-type': 'application/json' },
      payload: rawJson('{"personId": 1e30}'),
      status: 400,
      field: 'personId',
    });
  });

  it('refuses page=1e308 and page=Infinity', async () => {
    for (const page of ['1e308', 'Infinity', '99999999999999999999']) {
      await expectRefused({
        method: 'GET',
        url: `/api/claims?page=${page}`,
        headers: county,
        status: 400,
        field: 'querystring.page',
      });
    }
  });

  it('refuses Infinity as an id in a path and a query', async () => {
    await expectRefused({
      method: 'GET',
      url: '/api/claims/Infinity',
      headers: county,
      status: 400,
      field: 'params.id',
    });
    await expectRefused({
      method: 'GET',
      url: '/api/supervision/cases?institutionId=Infinity',
      headers: county,
      status: 400,
      field: 'querystring.institutionId',
    });
  });

  it('refuses a NUL byte and a lone surrogate in a string, naming the field', async () => {
    for (const name of ['张\u0000三', '张\ud800三', '\udc00']) {
      await expectRefused({
        method: 'POST',
        url: '/api/persons',
        headers: county,
        payload: { name, idNumber: '430421199001011237', registeringRegionCode: '430421' },
        status: 400,
        field: 'name',
      });
    }
    await expectRefused({
      method: 'GET',
      url: '/api/persons?name=%00',
      headers: county,
      status: 400,
      field: 'querystring.name',
    });
  });

  it('accepts a well-formed pair of surrogates (an emoji or a rare 汉字 outside the BMP)', async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: `/api/persons?name=${encodeURIComponent('𠀀三')}`,
      headers: county,
    });
    expect(response.statusCode).toBe(200);
  });

  it('refuses impossible dates that have the shape of one: 2021-02-30 and 2021-13-45', async () => {
    for (const date of ['2021-02-30', '2021-13-45', '2021-02-29']) {
      await expectRefused({
        method: 'POST',
        url: '/api/ledger/transfers',
        headers: finance,
        payload: {
          idempotencyId: `date-${date}`,
          debitAccountId: 1,
          creditAccountId: 2,
          amountFen: 100,
          code: 'appropriation',
          valueDate: date,
        },
        status: 400,
        field: 'valueDate',
      });
      await expectRefused({
        method: 'GET',
        url: `/api/ledger/accounts/1/statement?to=${date}`,
        headers: finance,
        status: 400,
        field: 'querystring.to',
      });
    }
  });

  it('refuses an amount of 1e22', async () => {
    await expectRefused({
      method: 'POST',
      url: '/api/ledger/transfers',
      headers: { ...finance, 'content-type': 'application/json' },
      payload: rawJson(
        '{"idempotencyId":"huge","debitAccountId":1,"creditAccountId":2,"amountFen":1e22,"code":"appropriation","valueDate":"2021-05-06"}',
      ),
      status: 400,
      field: 'amountFen',
    });
    await expectRefused({
      method: 'POST',
      url: '/api/employment-records/1/payroll',
      headers: { ...school, 'content-type': 'application/json' },
      payload: rawJson('{"months":[{"month":"2021-05","grossPayFen":1e22}]}'),
      status: 400,
      field: /grossPayFen/,
    });
  });

  it('answers a statement line dated 2021-13-45, an amount of 1e22 yuan and a malformed statement with 422 naming the line', async () => {
    const statement = (csv: string) => ({
      method: 'POST' as const,
      url: '/api/ledger/statements',
      headers: finance,
      payload: { regionCode: '430400', fileName: 'hostile.csv', csv },
      status: 422,
    });
    // Rows are named by their line in the file (the header is line 1).
    const badDate = await expectRefused({
      ...statement('reference,amount,date\nSF-1,10.00,2021-05-06\nSF-2,10.00,2021-13-45\n'),
      field: 'rows[3].date',
    });
    expect(badDate.error.message).toContain('第 3 行');
    await expectRefused({
      ...statement('reference,amount,date\nSF-1,99999999999999999999,2021-05-06\n'),
      field: 'rows[2].amount',
    });
    const unterminated = await expectRefused({
      ...statement('reference,amount,date\nSF-1,10.00,2021-05-06\n"SF-2,10.00,2021-05-07\n'),
      field: /^csv/,
    });
    expect(unterminated.error.message).toMatch(/第 \d+ 行/);
    const tooManyCells = await expectRefused({
      ...statement('reference,amount,date\nSF-1,10.00,2021-05-06,extra\n'),
      field: 'rows[2]',
    });
    expect(tooManyCells.error.message).toContain('第 2 行');
  });

  it('answers a malformed bank result file with 422 naming the line, and pays nothing', async () => {
    const db = testApp.database.db;
    const ui = await accountFor(db, '430405', 'ui_fund_source');
    const special = await accountFor(db, '430405', 'special');
    const training = await accountFor(db, '430405', 'training');
    await postTransfers(db, SYSTEM_CONTEXT, {
      provinceCode: '430000',
      code: 'appropriation',
      description: 'fund the county',
      transfers: [
        {
          idempotencyId: 'hostile-a',
          debitAccountId: ui.id,
          creditAccountId: special.id,
          amountFen: 10_000,
          code: 'appropriation',
          valueDate: '2026-04-01',
        },
        {
          idempotencyId: 'hostile-b',
          debitAccountId: special.id,
          creditAccountId: training.id,
          amountFen: 10_000,
          code: 'allocation',
          valueDate: '2026-04-01',
        },
      ],
    });
    // Batches are posted by the checker's approval of a payment order (issue 15): the ledger service.
    const posted = await inLedgerTransaction(testApp.database.db, (trx) =>
      createPaymentBatch(trx, SYSTEM_CONTEXT, {
        idempotencyId: 'hostile-batch',
        valueDate: '2026-04-02',
        items: [
          {
            claimId: 90_001,
            payee: { type: 'person', id: 1, name: '学员', bankAccount: '6217000000001' },
            amountFen: 1_000,
            subAccount: 'training',
            regionCode: '430405',
          },
        ],
      }),
    );
    const batch = { json: () => posted };
    const reference = batch.json().disbursements[0]!.reference as string;
    // The result reader is lenient with quotes (banks' files are); what it cannot read is named.
    await expectRefused({
      method: 'POST',
      url: `/api/claims/payments/${batch.json().id}/bank-result`,
      headers: finance,
      payload: {
        valueDate: '2026-04-03',
        csv: `disbursement_id,status,reason\n${reference},paid,\n"oops,failed\n`,
      },
      status: 422,
      field: /^(csv|file|rows\[)/,
    });
  });
});
