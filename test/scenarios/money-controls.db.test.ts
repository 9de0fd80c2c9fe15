import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CONTEXT } from '../../src/auth/audit.service.ts';
import { createUser } from '../../src/auth/auth.service.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { registeredAccount } from '../../src/ledger/payee-account.service.ts';
import { createPaymentBatch } from '../../src/ledger/payment.service.ts';
import { accountFor, inLedgerTransaction, postJournal } from '../../src/ledger/transfer.service.ts';
import { verifyLedger } from '../../src/ledger/verify.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  caller,
  completeClass,
  type Headers,
  operatorHeaders,
  orderAndApprovePayment,
  publishHengyangCatalog,
  registerPayeeAccount,
  type Trainee,
  trainee,
  uploadRequiredMaterials,
} from './claim-support.ts';
import { creditCode } from './training-helpers.ts';

/** The parts of a claim's answer these scenarios read. */
type ClaimAnswer = {
  id: number;
  status: string;
  totalAmountFen: number;
  lines: { id: number; lineNumber: number; amountFen: number; payeePersonId: number | null }[];
};

const PAYEE_ACCOUNT = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000099999' };

/**
 * "Money cannot leak" (issue 15): each numbered finding of the issue as an API scenario, on
 * PGlite and PostgreSQL. Every test builds its own class and claims (distinct trainees).
 */
describe('money cannot leak from the special account', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;
  let finance: Headers;
  let checker: Headers;
  let school: Headers;
  let sequence = 100;

  const trainingBalance = async () =>
    (await accountFor(harness.database.db, '430421', 'training')).balanceFen;
  const livingBalance = async () =>
    (await accountFor(harness.database.db, '430421', 'living_allowance')).balanceFen;

  const people = async (names: string[], groups: string[]): Promise<Trainee[]> => {
    const result: Trainee[] = [];
    for (const name of names) {
      sequence += 2;
      const person = trainee(name, String(sequence).padStart(3, '0'));
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
      result.push(person);
    }
    return result;
  };

  /**
   * A completed class of the trainees and its claim of `subsidyKind`, approved on 2021-05-31;
   * `until` stops the walk after that step (the claim is then not approved).
   */
  const approvedClaim = async (
    trainees: Trainee[],
    subsidyKind: string,
    tag: string,
    until?: 'created' | 'submit' | 'review',
  ) => {
    clock.set('2021-05-06T01:00:00Z');
    const classId = await completeClass(harness, { school, county, startDay: '2021-05-10', trainees, tag });
    clock.set('2021-05-24T01:00:00Z');
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-24',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    await uploadRequiredMaterials(harness, id, school);
    if (until === 'created') return (await call('GET', `/api/claims/${id}`, county)).json() as ClaimAnswer;
    for (const [step, who] of [
      ['submit', school],
      ['review', county],
      ['start-notice', county],
    ] as const) {
      const moved = await call('POST', `/api/claims/${id}/${step}`, who, step === 'submit' ? undefined : {});
      expect(moved.statusCode, moved.body).toBe(200);
      if (step === until) return (await call('GET', `/api/claims/${id}`, county)).json() as ClaimAnswer;
    }
    clock.set('2021-05-31T01:00:00Z');
    const approved = await call('POST', `/api/claims/${id}/approve`, city, {});
    expect(approved.statusCode, approved.body).toBe(200);
    return approved.json() as ClaimAnswer;
  };

  const bankResult = async (
    batchId: number,
    rows: [string, 'paid' | 'failed', string?][],
    valueDate: string,
  ) => {
    clock.set(`${valueDate}T01:00:00Z`);
    const csv = `disbursement_id,status,reason\n${rows.map(([ref, status, reason]) => `${ref},${status},${reason ?? ''}`).join('\n')}\n`;
    const result = await call('POST', `/api/claims/payments/${batchId}/bank-result`, finance, {
      csv,
      valueDate,
    });
    expect(result.statusCode, result.body).toBe(200);
    return result.json();
  };

  /** Every non-zero balance of the province (the trial balance), by account id. */
  const provinceBalances = async () =>
    Object.fromEntries(
      (
        await harness.database.db
          .selectFrom('ledger_account')
          .select(['id', 'balance_fen'])
          .where('province_code', '=', '430000')
          .where('balance_fen', '!=', 0)
          .orderBy('id')
          .execute()
      ).map((row) => [row.id, row.balance_fen]),
    );

  /** The second finance officer approves every failure or 退回 a bank result left waiting (待复核). */
  const approveFailures = async (imported: { pendingApprovals: { approvalId: number }[] }) => {
    for (const { approvalId } of imported.pendingApprovals) {
      const decided = await call('POST', `/api/ledger/approvals/${approvalId}/decision`, checker, {
        isApproved: true,
      });
      expect(decided.statusCode, decided.body).toBe(200);
    }
  };

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

  it('finding 1: a payment is derived from the approved lines, and the maker alone moves no money', async () => {
    const claim = await approvedClaim(
      await people(['钱一', '钱二'], ['registered_unemployed']),
      'training',
      'MC1',
    );
    // The free-form batch route that paid any payee any amount is gone.
    const freeForm = await call('POST', '/api/ledger/payment-batches', finance, {
      idempotencyId: 'free-form-0001',
      valueDate: '2021-05-31',
      items: [],
    });
    expect(freeForm.statusCode).toBe(404);
    const before = await trainingBalance();
    const requested = await call('POST', '/api/claims/payments', finance, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'mc1-order-0001',
    });
    expect(requested.statusCode, requested.body).toBe(202);
    expect(requested.json().totalFen).toBe(claim.totalAmountFen);
    expect(await trainingBalance()).toBe(before);
    // 待复核 names who asked, so the checker knows it is not himself.
    const queue = await call('GET', '/api/ledger/approvals?status=pending&kind=payment_order', checker);
    expect(
      queue.json().items.find((item: { id: number }) => item.id === requested.json().approval.id),
    ).toMatchObject({ requestedByName: '衡阳市财政局 王会计', status: 'pending' });
    const bySelf = await call(
      'POST',
      `/api/claims/payment-orders/${requested.json().approval.id}/decision`,
      finance,
      {
        isApproved: true,
      },
    );
    expect(bySelf.statusCode).toBe(403);
    expect(await trainingBalance()).toBe(before);
    // Another province's finance officer can neither order nor approve it.
    const foreign = await call('POST', '/api/claims/payments', await harness.loginAs('nj_finance'), {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'mc1-foreign-0001',
    });
    expect(foreign.statusCode).toBe(404);
    const approved = await call(
      'POST',
      `/api/claims/payment-orders/${requested.json().approval.id}/decision`,
      checker,
      { isApproved: true },
    );
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().batch.totalFen).toBe(claim.totalAmountFen);
    expect(await trainingBalance()).toBe(before - claim.totalAmountFen);
    // Ordering the same claim again pays nothing more.
    const again = await call('POST', '/api/claims/payments', finance, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'mc1-order-0002',
    });
    expect(again.statusCode).toBe(409);
    expect(await trainingBalance()).toBe(before - claim.totalAmountFen);
    // A value date after the business date is refused, naming the field.
    const future = await call('POST', '/api/claims/payments', finance, {
      claimIds: [claim.id],
      valueDate: '2030-01-01',
      idempotencyId: 'mc1-order-0003',
    });
    expect(future.statusCode).toBeGreaterThanOrEqual(400);
    expect(future.statusCode).toBeLessThan(500);
  });

  it('finding 1, as an attacker: an unapproved or unknown claim, typed payees and amounts, an account "fzxx" and a checker without the right are refused; two orders approved at once pay the claim once', async () => {
    const db = harness.database.db;
    const order = (claimIds: number[], idempotencyId: string, extra: Record<string, unknown> = {}) =>
      call('POST', '/api/claims/payments', finance, {
        claimIds,
        valueDate: '2021-05-31',
        idempotencyId,
        ...extra,
      });
    const reviewed = await approvedClaim(
      await people(['赵审'], ['registered_unemployed']),
      'training',
      'MA1',
      'review',
    );
    expect(reviewed.status).not.toBe('approved');
    const before = await trainingBalance();
    // An unapproved claim is not ordered.
    const unapproved = await order([reviewed.id], 'ma1-unapproved');
    expect(unapproved.statusCode, unapproved.body).toBe(409);
    expect(unapproved.json().error.code).toBe('INVALID_STATE');
    // A claim that does not exist: 404, nothing ordered.
    const unknown = await order([99_999_999], 'ma1-unknown');
    expect(unknown.statusCode, unknown.body).toBe(404);
    // Nothing of the payment is typed: a payee (person 999, "张三（任意收款人）"), an amount or an
    // account in the order is refused, naming the field.
    for (const extra of [
      { items: [{ payee: { type: 'person', id: 999, name: '张三（任意收款人）' }, amountFen: 888_800 }] },
      { amountFen: 49_006_100 },
      { bankAccount: 'fzxx' },
    ]) {
      const typed = await order([reviewed.id], 'ma1-typed-0001', extra);
      expect(typed.statusCode, typed.body).toBe(400);
      expect(JSON.stringify(typed.json().error.details)).toContain(Object.keys(extra)[0]!);
    }
    // The account "fzxx" is refused where an account is given: the payee register and the claim.
    const registered = await call('POST', '/api/ledger/payee-accounts', finance, {
      idempotencyId: 'ma1-fzxx-account',
      payeeType: 'person',
      payeeId: reviewed.lines[0]!.payeePersonId ?? 1,
      bankName: '中国工商银行衡阳县支行',
      accountNumber: 'fzxx',
      reason: '登记',
    });
    expect(registered.statusCode, registered.body).toBe(400);
    expect(JSON.stringify(registered.json().error.details)).toContain('accountNumber');
    const detail = (await call('GET', `/api/claims/${reviewed.id}`, county)).json();
    const filed = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-31',
      payeeAccount: { bankName: '中国工商银行衡阳县支行', accountNumber: 'fzxx' },
      claim: { source: 'class', classId: detail.classId, subsidyKind: 'living_allowance' },
    });
    expect(filed.statusCode, filed.body).toBe(400);
    expect(JSON.stringify(filed.json().error.details)).toContain('accountNumber');
    expect(await trainingBalance()).toBe(before);

    // Two orders of one approved claim, both pending, then approved at the same moment: one pays
    // the claim, the other pays nothing (the approval derives the payable lines again).
    const claim = await approvedClaim(
      await people(['赵双', '赵对'], ['registered_unemployed']),
      'training',
      'MA2',
    );
    const first = await order([claim.id], 'ma2-order-first');
    const second = await order([claim.id], 'ma2-order-second');
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    const decide = (approvalId: number, who: Headers) =>
      call('POST', `/api/claims/payment-orders/${approvalId}/decision`, who, { isApproved: true });
    // Neither an HRSS officer (no payment.order) nor another province's finance officer decides it.
    expect((await decide(first.json().approval.id, county)).statusCode).toBe(403);
    expect(
      (await decide(first.json().approval.id, await harness.loginAs('nj_finance_checker'))).statusCode,
    ).toBe(403);
    expect(await trainingBalance()).toBe(before);
    const decided = await Promise.all([
      decide(first.json().approval.id, checker),
      decide(second.json().approval.id, checker),
    ]);
    expect(decided.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    expect(await trainingBalance()).toBe(before - claim.totalAmountFen);
    const items = await db
      .selectFrom('payment_item')
      .select(['claim_line_id'])
      .where('claim_id', '=', claim.id)
      .execute();
    expect(items.map((item) => item.claim_line_id).sort()).toEqual(
      claim.lines
        .filter((line) => line.amountFen > 0)
        .map((line) => line.id)
        .sort(),
    );
  });

  it('finding 2: interest and fees only between the bank and its own special account, by two people, dated sensibly', async () => {
    clock.set('2021-06-10T01:00:00Z');
    const db = harness.database.db;
    const bank = await accountFor(db, '430421', 'bank');
    const special = await accountFor(db, '430421', 'special');
    const training = await accountFor(db, '430421', 'training');
    const otherSpecial = await accountFor(db, '430422', 'special');
    const transfer = (payload: Record<string, unknown>, who = finance) =>
      call('POST', '/api/ledger/transfers', who, {
        idempotencyId: `mc2-${JSON.stringify(payload).length}-${Math.random()}`,
        amountFen: 9_000_000_000_000_000,
        code: 'interest',
        valueDate: '2021-06-10',
        ...payload,
      });
    const intoSub = await transfer({ debitAccountId: bank.id, creditAccountId: training.id });
    expect(intoSub.statusCode).toBe(422);
    expect(intoSub.json().error.details[0].field).toBe('code');
    const feeToOther = await transfer({
      debitAccountId: training.id,
      creditAccountId: otherSpecial.id,
      code: 'bank_fee',
      amountFen: 1_000_000,
    });
    expect(feeToOther.statusCode).toBe(422);
    for (const valueDate of ['1999-01-01', '2030-01-01']) {
      const dated = await transfer({ debitAccountId: bank.id, creditAccountId: special.id, valueDate });
      expect(dated.statusCode).toBe(422);
      expect(dated.json().error.details[0].field).toBe('valueDate');
    }
    const before = (await accountFor(db, '430421', 'special')).balanceFen;
    const interest = await transfer({
      debitAccountId: bank.id,
      creditAccountId: special.id,
      amountFen: 1_234,
    });
    expect(interest.statusCode, interest.body).toBe(202);
    expect((await accountFor(db, '430421', 'special')).balanceFen).toBe(before);
    const self = await call('POST', `/api/ledger/approvals/${interest.json().id}/decision`, finance, {
      isApproved: true,
    });
    expect(self.statusCode).toBe(403);
    const posted = await call('POST', `/api/ledger/approvals/${interest.json().id}/decision`, checker, {
      isApproved: true,
    });
    expect(posted.statusCode, posted.body).toBe(200);
    expect((await accountFor(db, '430421', 'special')).balanceFen).toBe(before + 1_234);
    // A reversal, too, needs the second person.
    const allocation = await db
      .selectFrom('ledger_transfer')
      .select('id')
      .where('credit_account_id', '=', special.id)
      .where('code', '=', 'allocation')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const balance = (await accountFor(db, '430421', 'special')).balanceFen;
    const reversal = await call('POST', `/api/ledger/transfers/${allocation.id}/reversal`, finance, {
      idempotencyId: 'mc2-reversal',
      valueDate: '2021-06-10',
      reason: '误拨',
    });
    expect(reversal.statusCode, reversal.body).toBe(202);
    expect((await accountFor(db, '430421', 'special')).balanceFen).toBe(balance);
    const reversedBySelf = await call(
      'POST',
      `/api/ledger/approvals/${reversal.json().id}/decision`,
      finance,
      {
        isApproved: true,
      },
    );
    expect(reversedBySelf.statusCode).toBe(403);
    expect((await accountFor(db, '430421', 'special')).balanceFen).toBe(balance);
  });

  it('finding 2, as an attacker: a county officer posts nothing alone nor in another county; no interest from nothing or into another region, no fee out of a sub-account; payments are not reversed by hand, nothing twice', async () => {
    const claim = await approvedClaim(await people(['李冲'], ['registered_unemployed']), 'training', 'MA3');
    const batch = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'ma3-order-0001',
    });
    clock.set('2021-06-10T01:00:00Z');
    const db = harness.database.db;
    const account = async (regionCode: string, kind: Parameters<typeof accountFor>[2]) =>
      (await accountFor(db, regionCode, kind)).id;
    const fundBalances = async () =>
      (
        await db
          .selectFrom('ledger_account')
          .select(['id', 'balance_fen'])
          .where('province_code', '=', '430000')
          .where('balance_fen', '!=', 0)
          .orderBy('id')
          .execute()
      ).map((row) => `${row.id}:${row.balance_fen}`);
    const before = await fundBalances();
    let sequenceNumber = 0;
    const transfer = (who: Headers, payload: Record<string, unknown>) =>
      call('POST', '/api/ledger/transfers', who, {
        idempotencyId: `ma3-transfer-${++sequenceNumber}`,
        amountFen: 1_000_000,
        code: 'interest',
        valueDate: '2021-06-10',
        ...payload,
      });
    // The county HRSS officer's own interest request waits for a second person; not by himself.
    const countyInterest = await transfer(county, {
      debitAccountId: await account('430421', 'bank'),
      creditAccountId: await account('430421', 'special'),
    });
    expect(countyInterest.statusCode, countyInterest.body).toBe(202);
    const bySelf = await call('POST', `/api/ledger/approvals/${countyInterest.json().id}/decision`, county, {
      isApproved: true,
    });
    expect(bySelf.statusCode).toBe(403);
    expect(bySelf.json().error.code).toBe('SAME_USER_APPROVAL');
    // Another county's accounts are out of the county officer's scope: unknown to him (404).
    const otherCounty = await transfer(county, {
      debitAccountId: await account('430422', 'bank'),
      creditAccountId: await account('430422', 'special'),
    });
    expect(otherCounty.statusCode, otherCounty.body).toBe(404);
    // Interest into another region's special account, from the fund source ("from nothing"), or a
    // "bank fee" out of a sub-account, are not in the transfer-code table.
    for (const [what, payload] of [
      [
        'interest into another county',
        {
          debitAccountId: await account('430421', 'bank'),
          creditAccountId: await account('430422', 'special'),
        },
      ],
      [
        'interest from the fund source',
        {
          debitAccountId: await account('430400', 'ui_fund_source'),
          creditAccountId: await account('430400', 'special'),
        },
      ],
      [
        'a fee out of a sub-account',
        {
          code: 'bank_fee',
          debitAccountId: await account('430421', 'training'),
          creditAccountId: await account('430421', 'bank'),
        },
      ],
      [
        'a fee into another county’s bank account',
        {
          code: 'bank_fee',
          debitAccountId: await account('430421', 'special'),
          creditAccountId: await account('430422', 'bank'),
        },
      ],
      [
        'a disbursement by hand',
        {
          code: 'disbursement',
          debitAccountId: await account('430421', 'training'),
          creditAccountId: await account('430421', 'bank'),
        },
      ],
    ] as const) {
      const refused = await transfer(finance, payload);
      // A code no person may post is refused by the schema (400), a pair of accounts by the table (422).
      expect(refused.statusCode, `${what}: ${refused.body}`).toBe(
        'code' in payload && payload.code === 'disbursement' ? 400 : 422,
      );
      expect(refused.json().error.details[0].field, what).toBe('code');
    }
    for (const amountFen of [0, -5, 1.5]) {
      const refused = await transfer(finance, {
        amountFen,
        debitAccountId: await account('430421', 'bank'),
        creditAccountId: await account('430421', 'special'),
      });
      expect(refused.statusCode, `amount ${amountFen}`).toBe(400);
    }
    // A payment's transfer is corrected by the bank's return or a recovery order, never by hand.
    const paid = await db
      .selectFrom('ledger_transfer')
      .select('id')
      .where('payment_batch_id', '=', batch.id)
      .where('code', '=', 'disbursement')
      .executeTakeFirstOrThrow();
    const reversePayment = await call('POST', `/api/ledger/transfers/${paid.id}/reversal`, finance, {
      idempotencyId: 'ma3-reverse-payment',
      valueDate: '2021-06-10',
      reason: '改付他人',
    });
    expect(reversePayment.statusCode, reversePayment.body).toBe(409);
    // A reversal is posted once: a second request for the same transfer is refused.
    const fee = await transfer(finance, {
      code: 'bank_fee',
      amountFen: 300,
      debitAccountId: await account('430421', 'special'),
      creditAccountId: await account('430421', 'bank'),
    });
    expect(fee.statusCode, fee.body).toBe(202);
    const feePosted = await call('POST', `/api/ledger/approvals/${fee.json().id}/decision`, checker, {
      isApproved: true,
    });
    expect(feePosted.statusCode, feePosted.body).toBe(200);
    const feeTransferId = feePosted.json().approval.result.transferIds[0] as number;
    const reversal = (idempotencyId: string) =>
      call('POST', `/api/ledger/transfers/${feeTransferId}/reversal`, finance, {
        idempotencyId,
        valueDate: '2021-06-10',
        reason: '手续费重复',
      });
    const firstReversal = await reversal('ma3-reversal-first');
    expect(firstReversal.statusCode, firstReversal.body).toBe(202);
    expect(
      (
        await call('POST', `/api/ledger/approvals/${firstReversal.json().id}/decision`, checker, {
          isApproved: true,
        })
      ).statusCode,
    ).toBe(200);
    const secondReversal = await reversal('ma3-reversal-second');
    expect(secondReversal.statusCode, secondReversal.body).toBe(409);
    // The reversal of the reversal is refused too: money cannot be cycled out of the account.
    const reversalId = (
      await db
        .selectFrom('ledger_transfer')
        .select('id')
        .where('reverses_transfer_id', '=', feeTransferId)
        .executeTakeFirstOrThrow()
    ).id;
    const again = await call('POST', `/api/ledger/transfers/${reversalId}/reversal`, finance, {
      idempotencyId: 'ma3-reversal-of-reversal',
      valueDate: '2021-06-10',
      reason: '再冲',
    });
    expect(again.statusCode).toBe(409);
    // Only the fee and its reversal were posted: every balance is as it was.
    expect(await fundBalances()).toEqual(before);
  });

  it('value dates of a bank result and of a recovery order lie in an open month, not after the business date', async () => {
    const claim = await approvedClaim(await people(['钱期'], ['registered_unemployed']), 'training', 'MAD');
    clock.set('2021-06-01T01:00:00Z');
    const batch = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-06-01',
      idempotencyId: 'mad-order-0001',
    });
    const before = await trainingBalance();
    const reference = batch.disbursements[0]!.reference;
    for (const valueDate of ['2030-01-01', '1999-01-01']) {
      const result = await call('POST', `/api/claims/payments/${batch.id}/bank-result`, finance, {
        csv: `disbursement_id,status,reason\n${reference},failed,账户不存在\n`,
        valueDate,
      });
      expect(result.statusCode, `${valueDate}: ${result.body}`).toBe(422);
      expect(result.json().error.details[0].field).toBe('valueDate');
    }
    expect(await trainingBalance()).toBe(before);
    const paid = await call('POST', `/api/claims/payments/${batch.id}/bank-result`, finance, {
      csv: `disbursement_id,status,reason\n${reference},paid,\n`,
      valueDate: '2021-06-01',
    });
    expect(paid.statusCode, paid.body).toBe(200);
    const opened = await call('POST', '/api/ledger/recovery-orders', county, {
      idempotencyId: 'mad-recovery-future',
      claimId: claim.id,
      regionCode: '430421',
      subAccount: 'training',
      amountFen: 1_000,
      reason: '虚报，追回',
      valueDate: '2030-01-01',
    });
    expect(opened.statusCode, opened.body).toBe(422);
    expect(opened.json().error.details[0].field).toBe('valueDate');
  });

  it('findings 3 and 5: per-line status; only the failed line is re-ordered, to its corrected account; a return reopens the line', async () => {
    const trainees = await people(['孙甲', '孙乙'], ['registered_unemployed', 'poor_labor']);
    const claim = await approvedClaim(trainees, 'living_allowance', 'MC3');
    expect(claim.lines.filter((line) => line.amountFen > 0).length).toBe(2);
    // Finding 5: the living allowance goes to the trainee's own account, never the institution's.
    const held = await call('POST', '/api/claims/payments', finance, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'mc3-order-held',
    });
    expect(held.statusCode).toBe(409);
    expect(held.json().error.code).toBe('PAYMENT_HELD');
    expect(held.json().error.details).toHaveLength(2);
    for (const person of trainees)
      await registerPayeeAccount(harness, finance, checker, {
        payeeType: 'person',
        payeeId: person.personId!,
        accountNumber: `6217000000${person.personId}1111`,
      });
    const before = await livingBalance();
    const batch = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'mc3-order-0001',
    });
    expect(batch.disbursements).toHaveLength(2);
    for (const disbursement of batch.disbursements) {
      expect(disbursement.payee.type).toBe('person');
      expect(disbursement.payee.bankAccount.endsWith('1111')).toBe(true);
      expect(disbursement.payee.bankAccount.endsWith('9999')).toBe(false);
    }
    const [first, second] = batch.disbursements;
    const imported = await bankResult(
      batch.id,
      [
        [first!.reference, 'paid'],
        [second!.reference, 'failed', '账户已销户'],
      ],
      '2021-06-01',
    );
    // The failure waits for the second finance officer (待复核); approved, it posts.
    await approveFailures(imported);
    expect((await call('GET', `/api/claims/${claim.id}`, county)).json().status).toBe('payment_failed');
    // The failed money is back on the sub-account.
    expect(await livingBalance()).toBe(before - first!.amountFen);
    // The payee's account is corrected by two people before re-ordering.
    const failedPerson = second!.payee.id;
    await registerPayeeAccount(harness, finance, checker, {
      payeeType: 'person',
      payeeId: failedPerson,
      accountNumber: `6217000000${failedPerson}2222`,
    });
    const reordered = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-06-01',
      idempotencyId: 'mc3-order-0002',
    });
    // Only the failed line, once, to the corrected account.
    expect(reordered.disbursements).toHaveLength(1);
    expect(reordered.disbursements[0]!.payee.id).toBe(failedPerson);
    expect(reordered.disbursements[0]!.payee.bankAccount.endsWith('2222')).toBe(true);
    expect(reordered.totalFen).toBe(second!.amountFen);
    const items = await harness.database.db
      .selectFrom('payment_item')
      .select(['claim_line_id', 'status'])
      .where('claim_id', '=', claim.id)
      .where('status', 'in', ['ordered', 'paid'])
      .execute();
    expect(new Set(items.map((item) => item.claim_line_id)).size).toBe(items.length);
    await bankResult(reordered.id, [[reordered.disbursements[0]!.reference, 'paid']], '2021-06-02');
    expect((await call('GET', `/api/claims/${claim.id}`, county)).json().status).toBe('paid');
    // 退回 after success: the disbursement is reversed and its line is payable again.
    const paidBalance = await livingBalance();
    await approveFailures(
      await bankResult(
        reordered.id,
        [[reordered.disbursements[0]!.reference, 'failed', '退回']],
        '2021-06-05',
      ),
    );
    expect(await livingBalance()).toBe(paidBalance + second!.amountFen);
    expect((await call('GET', `/api/claims/${claim.id}`, county)).json().status).toBe('payment_failed');
    const verification = await verifyLedger(harness.database.db);
    expect(verification.checks.filter((check) => check.category === 'business' && !check.isPassed)).toEqual(
      [],
    );
  });

  it('a failure in a bank result moves no money on one finance officer’s word: it waits in 待复核 with the bank’s reason, cannot be re-ordered, and only a second finance officer of the province posts it, once', async () => {
    const db = harness.database.db;
    const claim = await approvedClaim(await people(['冯失'], ['registered_unemployed']), 'training', 'MBF');
    const batch = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'mbf-order-0001',
    });
    const disbursement = batch.disbursements[0]!;
    const before = await provinceBalances();
    const trainingBefore = await trainingBalance();
    const imported = await bankResult(
      batch.id,
      [[disbursement.reference, 'failed', '账户已销户']],
      '2021-06-01',
    );
    // The maker's import posts nothing: every balance of the province is as it was.
    expect(await provinceBalances()).toEqual(before);
    expect(imported.pendingApprovals).toHaveLength(1);
    const approvalId = imported.pendingApprovals[0].approvalId as number;
    expect(imported.pendingApprovals[0]).toMatchObject({
      reference: disbursement.reference,
      reason: '账户已销户',
    });
    const queue = await call('GET', '/api/ledger/approvals?status=pending&kind=payment_failure', checker);
    expect(queue.statusCode, queue.body).toBe(200);
    const waiting = queue.json().items.find((item: { id: number }) => item.id === approvalId);
    expect(waiting).toMatchObject({
      kind: 'payment_failure',
      status: 'pending',
      amountFen: disbursement.amountFen,
      requestedByName: '衡阳市财政局 王会计',
    });
    expect(waiting.summary).toContain('账户已销户');
    // The same file imported again (a retry) asks for no second approval.
    const retried = await bankResult(
      batch.id,
      [[disbursement.reference, 'failed', '账户已销户']],
      '2021-06-01',
    );
    expect(retried.pendingApprovals).toEqual([]);
    expect(retried.rows[0].outcome).toBe('recorded');
    const approvals = await db
      .selectFrom('ledger_approval')
      .select('id')
      .where('kind', '=', 'payment_failure' as never)
      .where('idempotency_id', 'like', `%disbursement:${disbursement.id}:%`)
      .execute();
    expect(approvals).toHaveLength(1);
    // Until approved the disbursement shows 失败待复核 and the line cannot be ordered again.
    const shown = await call('GET', `/api/ledger/payment-batches/${batch.id}`, finance);
    expect(shown.json().disbursements[0]).toMatchObject({
      status: 'ordered',
      pendingFailure: { approvalId, reason: '账户已销户' },
    });
    expect((await call('GET', `/api/claims/${claim.id}`, county)).json().status).toBe('payment_ordered');
    const reordered = await call('POST', '/api/claims/payments', finance, {
      claimIds: [claim.id],
      valueDate: '2021-06-01',
      idempotencyId: 'mbf-order-0002',
    });
    expect(reordered.statusCode).toBeGreaterThanOrEqual(400);
    expect(reordered.statusCode).toBeLessThan(500);
    // Nobody but a second finance officer of the province posts it, by no route.
    const decide = (who: Headers) =>
      call('POST', `/api/ledger/approvals/${approvalId}/decision`, who, { isApproved: true });
    const bySelf = await decide(finance);
    expect(bySelf.statusCode).toBe(403);
    expect(bySelf.json().error.code).toBe('SAME_USER_APPROVAL');
    expect((await decide(county)).statusCode).toBe(403);
    expect((await decide(city)).statusCode).toBe(403);
    expect((await decide(await harness.loginAs('nj_finance_checker'))).statusCode).toBe(403);
    const viaPaymentOrders = await call(
      'POST',
      `/api/claims/payment-orders/${approvalId}/decision`,
      checker,
      {
        isApproved: true,
      },
    );
    expect(viaPaymentOrders.statusCode).toBeGreaterThanOrEqual(400);
    expect(viaPaymentOrders.statusCode).toBeLessThan(500);
    expect(await provinceBalances()).toEqual(before);
    // Two checkers at once: one posts it, the other is told it is decided.
    const hyFinance2 = await harness.loginAs('hy_finance2');
    const both = await Promise.all([decide(checker), decide(hyFinance2)]);
    expect(both.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    expect(await trainingBalance()).toBe(trainingBefore + disbursement.amountFen);
    const returns = await db
      .selectFrom('ledger_transfer')
      .select('id')
      .where('payment_item_id', '=', disbursement.items[0]!.id)
      .where('code', '=', 'payment_failure')
      .execute();
    expect(returns).toHaveLength(1);
    const after = await call('GET', `/api/ledger/payment-batches/${batch.id}`, finance);
    expect(after.json().disbursements[0]).toMatchObject({
      status: 'failed',
      failureReason: '账户已销户',
      pendingFailure: null,
    });
    expect((await call('GET', `/api/claims/${claim.id}`, county)).json().status).toBe('payment_failed');
    // Failed now, the line is ordered again, once.
    const again = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-06-01',
      idempotencyId: 'mbf-order-0003',
    });
    expect(again.totalFen).toBe(disbursement.amountFen);
  });

  it('a rejected bank failure leaves everything as it was, audited; a 退回 after success waits for the second person before it reverses the payment and reopens the line', async () => {
    const db = harness.database.db;
    const claim = await approvedClaim(await people(['冯退'], ['registered_unemployed']), 'training', 'MBR');
    const batch = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'mbr-order-0001',
    });
    const disbursement = batch.disbursements[0]!;
    const before = await provinceBalances();
    const imported = await bankResult(
      batch.id,
      [[disbursement.reference, 'failed', '户名不符']],
      '2021-06-01',
    );
    const approvalId = imported.pendingApprovals[0].approvalId as number;
    const rejected = await call('POST', `/api/ledger/approvals/${approvalId}/decision`, checker, {
      isApproved: false,
      reason: '银行来电更正：该笔已成功',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json().approval).toMatchObject({
      status: 'rejected',
      decisionReason: '银行来电更正：该笔已成功',
    });
    expect(await provinceBalances()).toEqual(before);
    const shown = (await call('GET', `/api/ledger/payment-batches/${batch.id}`, finance)).json();
    expect(shown.disbursements[0]).toMatchObject({
      status: 'ordered',
      failureReason: null,
      pendingFailure: null,
    });
    expect((await call('GET', `/api/claims/${claim.id}`, county)).json().status).toBe('payment_ordered');
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('object_type', '=', 'ledger_approval')
      .where('object_id', '=', String(approvalId))
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining([
        'ledger.approval.request.payment_failure',
        'ledger.approval.reject.payment_failure',
      ]),
    );
    // The bank's corrected answer: paid.
    await bankResult(batch.id, [[disbursement.reference, 'paid']], '2021-06-02');
    expect((await call('GET', `/api/claims/${claim.id}`, county)).json().status).toBe('paid');
    const paidBalances = await provinceBalances();
    const paidTraining = await trainingBalance();
    // 退回 after success: nothing moves and the line stays paid until a second person approves.
    const returned = await bankResult(batch.id, [[disbursement.reference, 'failed', '退回']], '2021-06-03');
    expect(returned.rows[0].outcome).toBe('returned');
    expect(returned.pendingApprovals).toHaveLength(1);
    expect(await provinceBalances()).toEqual(paidBalances);
    expect((await call('GET', `/api/claims/${claim.id}`, county)).json().status).toBe('paid');
    const early = await call('POST', '/api/claims/payments', finance, {
      claimIds: [claim.id],
      valueDate: '2021-06-03',
      idempotencyId: 'mbr-order-0002',
    });
    expect(early.statusCode).toBeGreaterThanOrEqual(400);
    expect(early.statusCode).toBeLessThan(500);
    await approveFailures(returned);
    expect(await trainingBalance()).toBe(paidTraining + disbursement.amountFen);
    expect((await call('GET', `/api/claims/${claim.id}`, county)).json().status).toBe('payment_failed');
    const again = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-06-03',
      idempotencyId: 'mbr-order-0003',
    });
    expect(again.totalFen).toBe(disbursement.amountFen);
  });

  it('finding 7: a line whose payee is an enterprise never answers 500; a known enterprise is paid at its registered account', async () => {
    // 六（二） of 衡人社发【2019】21号: an enterprise employee with a contract of a year or more,
    // trained at the school's class, is paid to the employer the employment record names.
    const registered = await call('POST', '/api/organisations', county, {
      kind: 'enterprise',
      regionCode: '430421',
      name: '衡阳县技师培训用工企业',
      creditCode: creditCode('91430421MA4L00715'),
      enterpriseSize: 'small',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const enterprise = registered.json() as { id: number };
    const factory = await operatorHeaders(harness, county, enterprise.id, 'mc7_factory');
    const [employee] = await people(['周丙'], ['enterprise_employee']);
    const employed = await call('POST', '/api/employment-records', factory, {
      enterpriseId: enterprise.id,
      idNumber: employee!.idNumber,
      name: employee!.name,
      contractMonths: 24,
      start: '2021-01-01',
    });
    expect(employed.statusCode, employed.body).toBe(201);
    const claim = await approvedClaim([employee!], 'training', 'MC7');
    const lineId = claim.lines[0]!.id;
    const employerOfLine = () =>
      harness.database.db
        .selectFrom('claim_line')
        .select(['payee', 'payee_organisation_id', 'payee_ids'])
        .where('id', '=', lineId)
        .executeTakeFirstOrThrow();
    const built = await employerOfLine();
    expect(built).toMatchObject({ payee: 'enterprise', payee_organisation_id: enterprise.id });
    // The platform makes no enterprise line without its enterprise: in Hengyang the only route to an
    // enterprise payee (六（二）) needs the contract, which comes from an employment record naming the
    // employer. Chongqing's 直补企业 could reach a certified enterprise employee with no record, but
    // that is a second province's catalog, institution and class; so the employer is taken off the
    // line here, and put back as the platform wrote it, to show the order is held, not a 500.
    await harness.database.db
      .updateTable('claim_line')
      .set({ payee_organisation_id: null, payee_ids: JSON.stringify({ enterprise: null }) })
      .where('id', '=', lineId)
      .execute();
    const unknown = await call('POST', '/api/claims/payments', finance, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'mc7-order-0001',
    });
    expect(unknown.statusCode).toBe(409);
    expect(unknown.json().error.code).toBe('PAYMENT_HELD');
    expect(unknown.json().error.details[0].lineId).toBe(lineId);
    await harness.database.db
      .updateTable('claim_line')
      .set({ payee_organisation_id: built.payee_organisation_id, payee_ids: JSON.stringify(built.payee_ids) })
      .where('id', '=', lineId)
      .execute();
    await registerPayeeAccount(harness, finance, checker, {
      payeeType: 'organisation',
      payeeId: enterprise.id,
      accountNumber: '4301010900007777',
    });
    const batch = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'mc7-order-0002',
    });
    expect(batch.disbursements[0]!.payee).toMatchObject({ type: 'organisation', id: enterprise.id });
    expect(batch.disbursements[0]!.payee.bankAccount.endsWith('7777')).toBe(true);
  });

  it('finding 4: a blacklisted institution is not paid for its approved claim and files no new one', async () => {
    const claim = await approvedClaim(await people(['吴丁'], ['registered_unemployed']), 'training', 'MC4');
    const detail = (await call('GET', `/api/claims/${claim.id}`, county)).json();
    await harness.database.db
      .updateTable('organisation')
      .set({ status: 'blacklisted', status_since: '2021-05-31' })
      .where('id', '=', detail.applicantOrganisationId)
      .execute();
    try {
      const before = await trainingBalance();
      const held = await call('POST', '/api/claims/payments', finance, {
        claimIds: [claim.id],
        valueDate: '2021-05-31',
        idempotencyId: 'mc4-order-0001',
      });
      expect(held.statusCode).toBe(409);
      expect(held.json().error.code).toBe('PAYMENT_HELD');
      expect(await trainingBalance()).toBe(before);
      // Nor may it file a new claim while the sanction stands.
      const filed = await call('POST', '/api/claims', school, {
        applicationDate: '2021-05-31',
        payeeAccount: PAYEE_ACCOUNT,
        claim: { source: 'class', classId: detail.classId, subsidyKind: 'living_allowance' },
      });
      expect(filed.statusCode, filed.body).toBe(409);
      expect(filed.json().error.code).toBe('ORGANISATION_SANCTIONED');
      // Nor enrol, record results or issue certificates: the sanction bites everywhere.
      const [newcomer] = await people(['吴新'], ['registered_unemployed']);
      const enrolled = await call('POST', `/api/classes/${detail.classId}/enrolments`, school, {
        name: newcomer!.name,
        idNumber: newcomer!.idNumber,
      });
      const personId = detail.lines[0].personId as number;
      const result = await call('POST', `/api/classes/${detail.classId}/results`, school, {
        personId,
        score: 95,
        isPassed: true,
        examDate: '2021-05-31',
      });
      const certificate = await call('POST', '/api/certificates', school, {
        personId,
        classId: detail.classId,
        certificateType: 'training_qualified',
        level: 'primary',
        occupationCode: '4-10-01-05',
        certificateNumber: 'HY-MC4-SANCTIONED',
        issuer: '衡阳县人力资源和社会保障局',
        issuedOn: '2021-05-31',
      });
      for (const [what, refused] of [
        ['enrol', enrolled],
        ['result', result],
        ['certificate', certificate],
      ] as const) {
        expect(refused.statusCode, `${what}: ${refused.body}`).toBe(409);
        expect(refused.json().error.code, what).toBe('ORGANISATION_SANCTIONED');
        expect(refused.json().error.details[0].field, what).toBe('classId');
      }
    } finally {
      await harness.database.db
        .updateTable('organisation')
        .set({ status: 'active' })
        .where('id', '=', detail.applicantOrganisationId)
        .execute();
    }
  });

  it('finding 4, in flight: a payment ordered before a sanction is held at its approval with the reason in words; lifted, it is paid once', async () => {
    const claim = await approvedClaim(await people(['吴途'], ['registered_unemployed']), 'training', 'MA4');
    const applicantId = (await call('GET', `/api/claims/${claim.id}`, county)).json()
      .applicantOrganisationId as number;
    const standing = (status: string) =>
      call('POST', `/api/organisations/${applicantId}/status`, city, {
        status,
        effectiveDate: '2021-05-31',
        reason: status === 'active' ? '整改完成，恢复' : '套取补贴，列入黑名单',
      });
    const before = await trainingBalance();
    const ordered = await call('POST', '/api/claims/payments', finance, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'ma4-order-0001',
    });
    expect(ordered.statusCode, ordered.body).toBe(202);
    expect((await standing('blacklisted')).statusCode).toBe(200);
    try {
      const held = await call(
        'POST',
        `/api/claims/payment-orders/${ordered.json().approval.id}/decision`,
        checker,
        { isApproved: true },
      );
      expect(held.statusCode, held.body).toBe(409);
      expect(held.json().error.code).toBe('PAYMENT_HELD');
      // The reason names the sanction in words, not its code.
      expect(held.json().error.message).toContain('列入黑名单');
      expect(held.body).not.toMatch(/blacklisted/);
      expect(await trainingBalance()).toBe(before);
      expect((await call('GET', `/api/claims/${claim.id}`, county)).json().status).toBe('approved');
    } finally {
      expect((await standing('active')).statusCode).toBe(200);
    }
    const paid = await call(
      'POST',
      `/api/claims/payment-orders/${ordered.json().approval.id}/decision`,
      checker,
      { isApproved: true },
    );
    expect(paid.statusCode, paid.body).toBe(200);
    expect(await trainingBalance()).toBe(before - claim.totalAmountFen);
  });

  it('finding 6: recovery orders are listed and shown in scope; out of scope nothing is told, not even the amount paid', async () => {
    const claim = await approvedClaim(await people(['冯己'], ['registered_unemployed']), 'training', 'MC6');
    const batch = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'mc6-order-0001',
    });
    await bankResult(batch.id, [[batch.disbursements[0]!.reference, 'paid']], '2021-06-01');
    clock.set('2021-06-02T01:00:00Z');
    const nanjing = await harness.loginAs('nj_county');
    const foreign = await call('POST', '/api/ledger/recovery-orders', nanjing, {
      idempotencyId: 'mc6-foreign',
      claimId: claim.id,
      regionCode: '320102',
      subAccount: 'training',
      amountFen: 999_999_999,
      reason: '越权追回',
      valueDate: '2021-06-02',
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain(String(claim.totalAmountFen));
    const opened = await call('POST', '/api/ledger/recovery-orders', county, {
      idempotencyId: 'mc6-order',
      claimId: claim.id,
      regionCode: '430421',
      subAccount: 'training',
      amountFen: 10_000,
      reason: '虚报学员，追回',
      valueDate: '2021-06-02',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const listed = await call('GET', `/api/ledger/recovery-orders?claimId=${claim.id}`, county);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items.map((order: { id: number }) => order.id)).toEqual([opened.json().id]);
    const shown = await call('GET', `/api/ledger/recovery-orders/${opened.json().id}`, county);
    expect(shown.json()).toMatchObject({ claimId: claim.id, amountFen: 10_000, status: 'open' });
    const hidden = await call('GET', `/api/ledger/recovery-orders/${opened.json().id}`, nanjing);
    expect(hidden.statusCode).toBe(403);
    expect(hidden.body).not.toContain('10000');
    const nanjingList = await call('GET', `/api/ledger/recovery-orders?claimId=${claim.id}`, nanjing);
    // A claim id out of scope in the query is refused like an unknown one (404), telling nothing.
    expect(nanjingList.statusCode).toBe(404);
    expect(nanjingList.body).not.toContain('10000');
    // A county officer of another county of the same province (衡南县) fares no better.
    await createUser(harness.database.db, SYSTEM_CONTEXT, {
      loginName: 'hn_county_mc6',
      displayName: '衡南县人社局 覃科员',
      password: DEMO_PASSWORD,
      role: 'county_officer',
      regionCode: '430422',
    });
    const neighbour = await harness.loginAs('hn_county_mc6');
    const neighbourOrder = await call('POST', '/api/ledger/recovery-orders', neighbour, {
      idempotencyId: 'mc6-neighbour',
      claimId: claim.id,
      regionCode: '430422',
      subAccount: 'training',
      amountFen: 5_000,
      reason: '越权追回',
      valueDate: '2021-06-02',
    });
    expect(neighbourOrder.statusCode, neighbourOrder.body).toBe(404);
    expect(neighbourOrder.body).not.toContain(String(claim.totalAmountFen));
    expect((await call('GET', `/api/ledger/recovery-orders/${opened.json().id}`, neighbour)).statusCode).toBe(
      403,
    );
    const neighbourReceipt = await call(
      'POST',
      `/api/ledger/recovery-orders/${opened.json().id}/receipts`,
      neighbour,
      { idempotencyId: 'mc6-neighbour-receipt', amountFen: 1_000, valueDate: '2021-06-02' },
    );
    expect([403, 404]).toContain(neighbourReceipt.statusCode);
    const neighbourList = await call('GET', '/api/ledger/recovery-orders', neighbour);
    expect(neighbourList.json().items).toEqual([]);
  });

  it('every route that moves money: its initiator alone changes no balance; the second person posts it', async () => {
    const db = harness.database.db;
    const hyFinance2 = await harness.loginAs('hy_finance2');
    /** Every non-zero balance of the province (the trial balance), by account id. */
    const balances = async () =>
      Object.fromEntries(
        (
          await db
            .selectFrom('ledger_account')
            .select(['id', 'balance_fen'])
            .where('province_code', '=', '430000')
            .where('balance_fen', '!=', 0)
            .orderBy('id')
            .execute()
        ).map((row) => [row.id, row.balance_fen]),
      );
    const account = async (regionCode: string, kind: Parameters<typeof accountFor>[2]) =>
      (await accountFor(db, regionCode, kind)).id;
    type Started = {
      statusCode: number;
      id: number;
      decide(who: Headers): Promise<{ statusCode: number; body: string }>;
    };
    const approvalDecision = (id: number) => (who: Headers) =>
      call('POST', `/api/ledger/approvals/${id}/decision`, who, { isApproved: true });
    const fundRequest = async (body: Record<string, unknown>): Promise<Started> => {
      const started = await call('POST', '/api/ledger/fund-requests', city, {
        valueDate: '2021-06-10',
        ...body,
      });
      const id = started.json().id as number;
      return {
        statusCode: started.statusCode,
        id,
        decide: (who) => call('POST', `/api/ledger/fund-requests/${id}/decision`, who, { isApproved: true }),
      };
    };
    const viaApproval = async (url: string, body: Record<string, unknown>): Promise<Started> => {
      const started = await call('POST', url, finance, body);
      const id = (started.json().approval?.id ?? started.json().id) as number;
      return { statusCode: started.statusCode, id, decide: approvalDecision(id) };
    };
    let payeePersonId = 0;
    let allocationJournal = 0;
    let paidBatch = { id: 0, reference: '' };
    let failedBatch = { id: 0, reference: '' };
    let recoveryOrderId = 0;
    let statementLineId = 0;
    /** Each money-moving route a person starts: who starts it, who alone may not post it, who posts it. */
    const routes: {
      route: string;
      prepare?: () => Promise<void>;
      start(): Promise<Started>;
      maker: Headers;
      checker: Headers;
      after?(decided: { statusCode: number; body: string }): Promise<void>;
      /** What the route changes when posted; the province's balances unless it moves no money itself. */
      observe?(): Promise<unknown>;
    }[] = [
      {
        route: 'POST /api/ledger/fund-requests (计提 appropriation)',
        start: () =>
          fundRequest({
            kind: 'appropriation',
            fromRegionCode: '430400',
            toRegionCode: '430400',
            amountFen: 500_000,
            reason: '计提',
          }),
        maker: city,
        checker: finance,
      },
      {
        route: 'POST /api/ledger/fund-requests (下拨 allocation)',
        start: () =>
          fundRequest({
            kind: 'allocation',
            fromRegionCode: '430400',
            toRegionCode: '430421',
            amountFen: 300_000,
            reason: '下拨',
          }),
        maker: city,
        checker: finance,
        after: async (decided) => {
          allocationJournal = JSON.parse(decided.body).journalId as number;
        },
      },
      {
        route: 'POST /api/ledger/fund-requests (调剂 reallocation)',
        start: () =>
          fundRequest({
            kind: 'reallocation',
            fromRegionCode: '430421',
            toRegionCode: '430422',
            amountFen: 100_000,
            reason: '调剂',
          }),
        maker: city,
        checker: finance,
      },
      {
        route: 'POST /api/ledger/transfers (interest)',
        start: async () =>
          viaApproval('/api/ledger/transfers', {
            idempotencyId: 'table-interest',
            debitAccountId: await account('430421', 'bank'),
            creditAccountId: await account('430421', 'special'),
            amountFen: 777,
            code: 'interest',
            valueDate: '2021-06-10',
          }),
        maker: finance,
        checker,
      },
      {
        route: 'POST /api/ledger/transfers (bank_fee)',
        start: async () =>
          viaApproval('/api/ledger/transfers', {
            idempotencyId: 'table-fee',
            debitAccountId: await account('430421', 'special'),
            creditAccountId: await account('430421', 'bank'),
            amountFen: 55,
            code: 'bank_fee',
            valueDate: '2021-06-10',
          }),
        maker: finance,
        checker,
      },
      {
        route: 'POST /api/ledger/transfers/:id/reversal',
        start: async () => {
          const transfer = await db
            .selectFrom('ledger_transfer')
            .select('id')
            .where('journal_id', '=', allocationJournal)
            .executeTakeFirstOrThrow();
          return viaApproval(`/api/ledger/transfers/${transfer.id}/reversal`, {
            idempotencyId: 'table-reversal',
            valueDate: '2021-06-10',
            reason: '下拨金额有误',
          });
        },
        maker: finance,
        checker,
      },
      {
        route: 'POST /api/claims/payments',
        prepare: async () => {
          const claim = await approvedClaim(
            await people(['王表'], ['registered_unemployed']),
            'training',
            'MCT',
          );
          paidBatch = { id: claim.id, reference: '' };
          clock.set('2021-06-10T01:00:00Z');
        },
        start: async () => {
          const started = await call('POST', '/api/claims/payments', finance, {
            claimIds: [paidBatch.id],
            valueDate: '2021-06-10',
            idempotencyId: 'table-payment',
          });
          const id = started.json().approval.id as number;
          return {
            statusCode: started.statusCode,
            id,
            decide: (who) =>
              call('POST', `/api/claims/payment-orders/${id}/decision`, who, { isApproved: true }),
          };
        },
        maker: finance,
        checker,
        after: async (decided) => {
          const batch = JSON.parse(decided.body).batch;
          paidBatch = { id: batch.id, reference: batch.disbursements[0].reference };
        },
      },
      {
        route: 'POST /api/claims/payments/:batchId/bank-result (a failure or 退回 of a disbursement)',
        prepare: async () => {
          const claim = await approvedClaim(
            await people(['王败'], ['registered_unemployed']),
            'training',
            'MCF',
          );
          clock.set('2021-06-10T01:00:00Z');
          const batch = await orderAndApprovePayment(harness, finance, checker, {
            claimIds: [claim.id],
            valueDate: '2021-06-10',
            idempotencyId: 'table-failed-payment',
          });
          failedBatch = { id: batch.id, reference: batch.disbursements[0]!.reference };
        },
        start: async () => {
          const started = await call('POST', `/api/claims/payments/${failedBatch.id}/bank-result`, finance, {
            csv: `disbursement_id,status,reason\n${failedBatch.reference},failed,账户已冻结\n`,
            valueDate: '2021-06-10',
          });
          const id = (started.json().pendingApprovals?.[0]?.approvalId ?? 0) as number;
          return { statusCode: started.statusCode, id, decide: approvalDecision(id) };
        },
        maker: finance,
        checker,
      },
      {
        route: 'POST /api/ledger/recovery-orders/:id/receipts',
        prepare: async () => {
          await bankResult(paidBatch.id, [[paidBatch.reference, 'paid']], '2021-06-10');
          const claimId = (
            await db
              .selectFrom('payment_item')
              .select('claim_id')
              .where('batch_id', '=', paidBatch.id)
              .executeTakeFirstOrThrow()
          ).claim_id;
          // Opening a recovery order books what is owed (receivable ↔ recovery_reserve) and moves
          // no fund account: special, sub-accounts, advance and bank stay as they were.
          const fundAccounts = async () =>
            Object.fromEntries(
              (
                await db
                  .selectFrom('ledger_account')
                  .select(['id', 'balance_fen'])
                  .where('province_code', '=', '430000')
                  .where('kind', 'not in', ['receivable', 'recovery_reserve'])
                  .where('balance_fen', '!=', 0)
                  .execute()
              ).map((row) => [row.id, row.balance_fen]),
            );
          const fundsBefore = await fundAccounts();
          const opened = await call('POST', '/api/ledger/recovery-orders', county, {
            idempotencyId: 'table-recovery',
            claimId,
            regionCode: '430421',
            subAccount: 'training',
            amountFen: 20_000,
            reason: '虚报课时，追回',
            valueDate: '2021-06-10',
          });
          expect(opened.statusCode, opened.body).toBe(201);
          expect(await fundAccounts(), 'POST /api/ledger/recovery-orders').toEqual(fundsBefore);
          recoveryOrderId = opened.json().id;
        },
        start: () =>
          viaApproval(`/api/ledger/recovery-orders/${recoveryOrderId}/receipts`, {
            idempotencyId: 'table-receipt',
            amountFen: 20_000,
            valueDate: '2021-06-10',
          }),
        maker: finance,
        checker,
        after: async () => {
          const order = await call('GET', `/api/ledger/recovery-orders/${recoveryOrderId}`, county);
          expect(order.json()).toMatchObject({ recoveredFen: 20_000, status: 'closed' });
        },
      },
      {
        route: 'POST /api/ledger/statement-postings (interest from a statement line)',
        prepare: async () => {
          const csv = [
            '交易日期,摘要,借方发生额,贷方发生额,余额,对方户名,附言',
            '20210609,结息,,12.34,12.34,,',
          ].join('\n');
          const imported = await call('POST', '/api/ledger/statements', finance, {
            regionCode: '430421',
            fileName: '6月对账单.csv',
            csv,
          });
          expect(imported.statusCode, imported.body).toBe(201);
          statementLineId = (
            await db
              .selectFrom('bank_statement_line')
              .select('id')
              .where('statement_id', '=', imported.json().statementId)
              .executeTakeFirstOrThrow()
          ).id;
        },
        start: () => viaApproval('/api/ledger/statement-postings', { statementLineId, kind: 'interest' }),
        maker: finance,
        checker: hyFinance2,
      },
      {
        route: 'POST /api/ledger/payee-accounts (moves no money; decides where it goes)',
        prepare: async () => {
          // A trainee of its own, so no other scenario's payee changes account.
          payeePersonId = (await people(['王账'], ['registered_unemployed']))[0]!.personId!;
        },
        start: () =>
          viaApproval('/api/ledger/payee-accounts', {
            idempotencyId: 'table-payee-account',
            payeeType: 'person',
            payeeId: payeePersonId,
            bankName: '中国建设银行衡阳分行',
            accountNumber: '6217000000009876543',
            reason: '社会保障卡银行账户登记',
          }),
        maker: finance,
        checker,
        observe: async () =>
          (await registeredAccount(db, '430000', 'person', payeePersonId))?.accountNumber ?? null,
      },
    ];
    for (const entry of routes) {
      clock.set('2021-06-10T01:00:00Z');
      await entry.prepare?.();
      const observe = entry.observe ?? balances;
      const before = await observe();
      const started = await entry.start();
      // 201/202: a request recorded; 200: a bank result imported (its failures wait in 待复核).
      expect([200, 201, 202], `${entry.route}: ${started.statusCode}`).toContain(started.statusCode);
      expect(await observe(), `${entry.route}: the initiator alone`).toEqual(before);
      const bySelf = await started.decide(entry.maker);
      expect(bySelf.statusCode, `${entry.route}: approved by its initiator`).toBeGreaterThanOrEqual(400);
      expect(bySelf.statusCode).toBeLessThan(500);
      expect(await observe(), `${entry.route}: after the initiator's own approval`).toEqual(before);
      const decided = await started.decide(entry.checker);
      expect(decided.statusCode, `${entry.route}: ${decided.body}`).toBe(200);
      expect(await observe(), `${entry.route}: the second person posts it`).not.toEqual(before);
      await entry.after?.(decided);
    }
  });

  it('finding 8: verify fails on a hand-inserted disbursement with no claim line and on an overpaid line', async () => {
    const claim = await approvedClaim(await people(['郑戊'], ['registered_unemployed']), 'training', 'MC8');
    const db = harness.database.db;
    const failing = async () =>
      (await verifyLedger(db)).checks.filter((check) => !check.isPassed).map((check) => check.name);
    expect(await failing()).toEqual([]);
    const training = await accountFor(db, '430421', 'training');
    const bank = await accountFor(db, '430421', 'bank');
    await inLedgerTransaction(db, (trx) =>
      postJournal(trx, SYSTEM_CONTEXT, {
        provinceCode: '430000',
        code: 'disbursement',
        description: '没有补贴明细的支付',
        transfers: [
          {
            idempotencyId: 'mc8-stray',
            debitAccountId: training.id,
            creditAccountId: bank.id,
            amountFen: 888_800,
            code: 'disbursement',
            valueDate: '2021-06-01',
          },
        ],
      }),
    );
    expect(await failing()).toContain(
      'every disbursement traces to an approved claim (line, advance or settlement)',
    );
    await inLedgerTransaction(db, (trx) =>
      createPaymentBatch(trx, SYSTEM_CONTEXT, {
        idempotencyId: 'mc8-overpaid',
        valueDate: '2021-06-01',
        items: [
          {
            claimId: claim.id,
            lineId: claim.lines[0]!.id,
            payee: { type: 'organisation', id: 1, name: '培训机构', bankAccount: '6222000000001' },
            amountFen: claim.lines[0]!.amountFen + 1,
            subAccount: 'training',
            regionCode: '430421',
          },
        ],
      }),
    );
    expect(await failing()).toContain('per claim line, paid and in flight is at most the approved amount');
  });

  it('finding 8, as an attacker: verify fails on interest posted by hand that names a statement line', async () => {
    const db = harness.database.db;
    const enters = 'money enters the special account only for a recorded reason';
    /** What the check says of one transfer (the shared ledger may hold other tests' hand-made rows). */
    const saysOf = async (transferId: number) =>
      (await verifyLedger(db)).checks
        .find((check) => check.name === enters)!
        .failures.filter((failure) => failure.startsWith(`transfer ${transferId} `));
    clock.set('2021-06-10T01:00:00Z');
    const csv = ['交易日期,摘要,借方发生额,贷方发生额,余额,对方户名,附言', '20210609,结息,,1.00,1.00,,'].join(
      '\n',
    );
    const imported = await call('POST', '/api/ledger/statements', finance, {
      regionCode: '430421',
      fileName: '6月对账单（结息）.csv',
      csv,
    });
    expect(imported.statusCode, imported.body).toBe(201);
    const line = await db
      .selectFrom('bank_statement_line')
      .select('id')
      .where('statement_id', '=', imported.json().statementId)
      .executeTakeFirstOrThrow();
    const bank = await accountFor(db, '430421', 'bank');
    const special = await accountFor(db, '430421', 'special');
    // 9,000 yuan of "interest" naming a real statement line of 1 yuan, posted with no approval.
    const posted = await inLedgerTransaction(db, (trx) =>
      postJournal(trx, SYSTEM_CONTEXT, {
        provinceCode: '430000',
        code: 'interest',
        description: '手工利息',
        transfers: [
          {
            idempotencyId: 'ma8-interest-by-hand',
            debitAccountId: bank.id,
            creditAccountId: special.id,
            amountFen: 900_000,
            code: 'interest',
            valueDate: '2021-06-09',
            statementLineId: line.id,
          },
        ],
      }),
    );
    expect(await saysOf(posted.transfers[0]!.id)).toHaveLength(1);
  });

  it('finding 8, as an attacker: verify fails on a failed payment returned a second time by hand', async () => {
    const db = harness.database.db;
    const enters = 'money enters the special account only for a recorded reason';
    const saysOf = async (transferId: number) =>
      (await verifyLedger(db)).checks
        .find((check) => check.name === enters)!
        .failures.filter((failure) => failure.startsWith(`transfer ${transferId} `));
    const claim = await approvedClaim(await people(['郑退'], ['registered_unemployed']), 'training', 'MA9');
    const batch = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-05-31',
      idempotencyId: 'ma9-order-0001',
    });
    const disbursement = batch.disbursements[0]!;
    await approveFailures(
      await bankResult(batch.id, [[disbursement.reference, 'failed', '账户已销户']], '2021-06-01'),
    );
    const item = disbursement.items[0]!;
    // The bank's own return passes the check.
    const returned = await db
      .selectFrom('ledger_transfer')
      .select('id')
      .where('payment_item_id', '=', item.id)
      .where('code', '=', 'payment_failure')
      .executeTakeFirstOrThrow();
    expect(await saysOf(returned.id)).toEqual([]);
    const bank = await accountFor(db, '430421', 'bank');
    const training = await accountFor(db, '430421', 'training');
    const again = await inLedgerTransaction(db, (trx) =>
      postJournal(trx, SYSTEM_CONTEXT, {
        provinceCode: '430000',
        code: 'payment_failure',
        description: '再次退回',
        transfers: [
          {
            idempotencyId: 'ma9-returned-again',
            debitAccountId: bank.id,
            creditAccountId: training.id,
            amountFen: item.amountFen,
            code: 'payment_failure',
            valueDate: '2021-06-01',
            claimId: claim.id,
            paymentItemId: item.id,
            paymentBatchId: batch.id,
            disbursementId: disbursement.id,
          },
        ],
      }),
    );
    expect(await saysOf(again.transfers[0]!.id)).toHaveLength(1);
  });

  it('issue 20: the payee bank (开户行) the claim names is printed on the instruction file', async () => {
    const claim = await approvedClaim(await people(['开户甲'], ['registered_unemployed']), 'training', 'BK1');
    clock.set('2021-06-01T01:00:00Z');
    const batch = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-06-01',
      idempotencyId: 'bk1-order-0001',
    });
    const file = await call(
      'GET',
      `/api/ledger/payment-batches/${batch.id}/instruction-file?format=csv&encoding=utf8bom`,
      finance,
    );
    expect(file.statusCode, file.body).toBe(200);
    const row = file.body.split('\r\n').find((line) => line.includes(batch.disbursements[0]!.reference));
    expect(row).toContain(PAYEE_ACCOUNT.bankName);
    expect(row).toContain(PAYEE_ACCOUNT.accountNumber);
  });

  it('issue 18: the batch answers show every bank account masked; the bank file has them whole, and each download is audited as a personal-data read', async () => {
    const claim = await approvedClaim(await people(['掩码甲'], ['registered_unemployed']), 'training', 'MK1');
    clock.set('2021-06-01T01:00:00Z');
    const batch = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claim.id],
      valueDate: '2021-06-01',
      idempotencyId: 'mk1-order-0001',
    });
    const masked = `${PAYEE_ACCOUNT.accountNumber.slice(0, 4)}${'*'.repeat(PAYEE_ACCOUNT.accountNumber.length - 8)}${PAYEE_ACCOUNT.accountNumber.slice(-4)}`;
    expect(batch.disbursements.map((disbursement) => disbursement.payee.bankAccount)).toEqual([masked]);
    const detail = await call('GET', `/api/ledger/payment-batches/${batch.id}`, finance);
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().disbursements[0].payee.bankAccount).toBe(masked);
    expect(detail.body).not.toContain(PAYEE_ACCOUNT.accountNumber);
    const reads = async () =>
      harness.database.db
        .selectFrom('audit_log')
        .select(['after_state', 'object_id'])
        .where('action', '=', 'personal_data.read')
        .where('object_type', '=', 'payment_batch')
        .where('object_id', '=', String(batch.id))
        .orderBy('id')
        .execute();
    expect(await reads()).toEqual([]);
    for (const kind of ['instruction-file', 'result-template']) {
      const file = await call(
        'GET',
        `/api/ledger/payment-batches/${batch.id}/${kind}?format=csv&encoding=utf8bom`,
        finance,
      );
      expect(file.statusCode, file.body).toBe(200);
      expect(file.body).toContain(PAYEE_ACCOUNT.accountNumber);
    }
    expect((await reads()).map((entry) => entry.after_state)).toEqual([
      { fields: ['bankAccount'], purpose: '下载支付指令文件', payees: 1 },
      { fields: ['bankAccount'], purpose: '下载银行支付结果文件模板', payees: 1 },
    ]);
  });
});
