import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumberCheckCharacter } from '../../src/registry/identifiers.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Issue 18, findings 1 and 4 for a payee's bank account: a finance officer naming a payee outside
 * his region gets the answer of an unknown payee; a registered account is shown masked
 * everywhere and revealed one at a time with a stated reason, in scope, rate-limited and audited
 * as `personal_data.read` (who, whose, why), never cached.
 */

const idNumber = (first17: string) => `${first17}${idNumberCheckCharacter(first17)}`;
const ACCOUNT = '6217002710000012345';

type Headers = { authorization: string };

describe('payee bank accounts: in scope, masked, revealed with a reason', () => {
  let t: TestApp;
  let finance: Headers;
  let hengyangId: number;
  let nanjingId: number;
  let unregisteredId: number;

  async function register(headers: Headers, name: string, first17: string, regionCode: string) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/persons',
      headers,
      payload: { name, idNumber: idNumber(first17), registeringRegionCode: regionCode },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id as number;
  }

  const requestAccount = (headers: Headers, payeeId: number, key: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/ledger/payee-accounts',
      headers,
      payload: {
        idempotencyId: key,
        payeeType: 'person',
        payeeId,
        bankName: '中国工商银行衡阳县支行',
        accountNumber: ACCOUNT,
        reason: '社会保障卡银行账户登记',
      },
    });

  const reveal = (headers: Headers, payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/ledger/payee-accounts/reveal', headers, payload });

  const countReads = async () => {
    const row = await t.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('action', '=', 'personal_data.read')
      .where('object_type', '=', 'payee_account')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { SKILLFUND_PERSONAL_DATA_REVEALS_PER_HOUR: '3' } });
    const county = await t.loginAs('hy_county');
    hengyangId = await register(county, '欧阳收款', '43042119850305201', '430421');
    unregisteredId = await register(county, '司马无账', '43042119850305202', '430421');
    nanjingId = await register(await t.loginAs('nj_county'), '陈外省', '32010219900101203', '320102');
    finance = await t.loginAs('hy_finance');
    const requested = await requestAccount(finance, hengyangId, 'reveal-payee-1');
    expect(requested.statusCode, requested.body).toBe(202);
    // The request shows the account masked.
    expect(requested.json().payload.accountMasked).toBe('6217***********2345');
    expect(requested.body).not.toContain(ACCOUNT);
    const decided = await t.app.inject({
      method: 'POST',
      url: `/api/ledger/approvals/${requested.json().id}/decision`,
      headers: await t.loginAs('hy_finance_checker'),
      payload: { isApproved: true },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.body).not.toContain(ACCOUNT);
  });
  afterAll(async () => t.close());

  it('answers a payee outside the caller’s region as an unknown one (404 naming payeeId), and requests nothing', async () => {
    const approvals = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('ledger_approval')
            .select((eb) => eb.fn.countAll<string>().as('count'))
            .executeTakeFirstOrThrow()
        ).count,
      );
    const before = await approvals();
    const foreign = await requestAccount(finance, nanjingId, 'foreign-payee-1');
    const unknown = await requestAccount(finance, 999_999, 'unknown-payee-1');
    for (const response of [foreign, unknown]) {
      expect(response.statusCode, response.body).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
      expect(response.json().error.details.map((detail: { field: string }) => detail.field)).toEqual([
        'payeeId',
      ]);
    }
    expect(foreign.body).not.toContain('陈外省');
    expect(foreign.body).not.toContain('320102');
    expect(await approvals()).toBe(before);
  });

  it('reveals a registered account in full with a reason, audited as personal_data.read (who, whose, why), never cached', async () => {
    const response = await reveal(finance, {
      payeeType: 'person',
      payeeId: hengyangId,
      reason: '核对银行退票的收款账户',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      payeeType: 'person',
      payeeId: hengyangId,
      payeeName: '欧阳收款',
      bankName: '中国工商银行衡阳县支行',
      accountNumber: ACCOUNT,
    });
    const entry = await t.database.db
      .selectFrom('audit_log')
      .innerJoin('app_user', 'app_user.id', 'audit_log.actor_user_id')
      .select(['app_user.login_name', 'audit_log.after_state', 'audit_log.outcome', 'audit_log.object_id'])
      .where('audit_log.action', '=', 'personal_data.read')
      .where('audit_log.object_type', '=', 'payee_account')
      .orderBy('audit_log.id', 'desc')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      login_name: 'hy_finance',
      outcome: 'success',
      after_state: {
        fields: ['bankAccount'],
        purpose: '核对银行退票的收款账户',
        payeeType: 'person',
        payeeId: hengyangId,
      },
    });
    expect(JSON.stringify(entry.after_state)).not.toContain(ACCOUNT);
  });

  it('refuses a reveal without a reason (422), outside the region or without an account (404), and to roles without payment.order (403); audits no read', async () => {
    const before = await countReads();
    // Each officer's reveals count against his own limit (3 an hour here), refused ones too.
    const checker = await t.loginAs('hy_finance_checker');
    const second = await t.loginAs('hy_finance2');
    for (const payload of [
      { payeeType: 'person', payeeId: hengyangId },
      { payeeType: 'person', payeeId: hengyangId, reason: ' ' },
    ]) {
      const response = await reveal(checker, payload);
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json().error.details).toEqual([expect.objectContaining({ field: 'reason' })]);
    }
    for (const payeeId of [nanjingId, unregisteredId, 999_999]) {
      const response = await reveal(second, { payeeType: 'person', payeeId, reason: '核对收款账户' });
      expect(response.statusCode, response.body).toBe(404);
      expect(response.json().error.details[0].field).toBe('payeeId');
      expect(response.body).not.toContain('陈外省');
    }
    for (const login of ['hy_county', 'auditor']) {
      const response = await reveal(await t.loginAs(login), {
        payeeType: 'person',
        payeeId: hengyangId,
        reason: '核对收款账户',
      });
      expect(response.statusCode).toBe(403);
      expect(response.body).not.toContain(ACCOUNT);
    }
    expect(await countReads()).toBe(before);
  });

  it('limits reveals per officer (429)', async () => {
    const headers = await t.loginAs('hn_finance');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await reveal(headers, {
        payeeType: 'person',
        payeeId: hengyangId,
        reason: `第 ${attempt + 1} 次核对`,
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expect(response.body).not.toContain(ACCOUNT);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
