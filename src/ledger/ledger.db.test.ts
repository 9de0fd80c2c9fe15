import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.ts';
import { type AuditContext, SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import type { Principal } from '../auth/scope.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { instructionFile } from './bank-file.service.ts';
import { computeAppropriation, decideFundRequest, requestFundMovement } from './funding.service.ts';
import { executionRate, ledgerTotals, trialBalance } from './ledger-report.service.ts';
import {
  createPaymentBatch,
  decidePaymentFailure,
  importBankResult,
  type PayableItem,
  settleAdvance,
} from './payment.service.ts';
import { recordRecoveryReceipt } from './recovery.service.ts';
import { accountFor, closePeriod, inLedgerTransaction, postTransfers } from './transfer.service.ts';
import { verifyLedger } from './verify.service.ts';

let database: DatabaseHandle;

const actor = (userId: number, regionCode: string): AuditContext => ({
  actor: {
    userId,
    loginName: `u${userId}`,
    role: 'city_officer',
    regionCode,
    provinceCode: `${regionCode.slice(0, 2)}0000`,
    organisationId: null,
    personId: null,
  } satisfies Principal,
  ip: null,
  requestId: null,
});
const financeOfficer = (userId: number, regionCode: string): AuditContext => ({
  ...actor(userId, regionCode),
  actor: { ...actor(userId, regionCode).actor!, role: 'finance_officer' },
});

async function fund(
  regionCode: string,
  kind: 'training' | 'advance' | 'special',
  amountFen: number,
  key: string,
  valueDate = '2026-02-02',
) {
  const source = await accountFor(database.db, regionCode, 'special');
  const target = await accountFor(database.db, regionCode, kind);
  const ui = await accountFor(database.db, regionCode, 'ui_fund_source');
  const provinceCode = `${regionCode.slice(0, 2)}0000`;
  await postTransfers(database.db, SYSTEM_CONTEXT, {
    provinceCode,
    code: 'appropriation',
    description: 'test funding',
    transfers: [
      {
        idempotencyId: `${key}:a`,
        debitAccountId: ui.id,
        creditAccountId: source.id,
        amountFen,
        code: 'appropriation',
        valueDate,
      },
    ],
  });
  if (kind !== 'special') {
    await postTransfers(database.db, SYSTEM_CONTEXT, {
      provinceCode,
      code: 'allocation',
      description: 'test budget',
      transfers: [
        {
          idempotencyId: `${key}:b`,
          debitAccountId: source.id,
          creditAccountId: target.id,
          amountFen,
          code: 'allocation',
          valueDate,
        },
      ],
    });
  }
}

const payee = (id: number) => ({
  type: 'organisation' as const,
  id,
  name: `培训机构${id}`,
  bankAccount: `6222000000${id}`,
});

beforeAll(async () => {
  database = await createTestDatabase({ seeded: true });
});
afterAll(async () => {
  await database?.close();
});

describe('special-account ledger (services and database)', () => {
  it('the database refuses UPDATE, DELETE and TRUNCATE on entries, and a negative fund balance', async () => {
    const transfer = await database.db
      .selectFrom('ledger_transfer')
      .select('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    await expect(
      sql`update ledger_transfer set amount_fen = 1 where id = ${transfer.id}`.execute(database.db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`delete from ledger_transfer where id = ${transfer.id}`.execute(database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`truncate ledger_transfer cascade`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from ledger_journal`.execute(database.db)).rejects.toThrow(/append-only/);
    const training = await accountFor(database.db, '430421', 'training');
    await expect(
      sql`update ledger_account set balance_fen = -1, credits_posted_fen = 0, debits_posted_fen = 1 where id = ${training.id}`.execute(
        database.db,
      ),
    ).rejects.toThrow(/ledger_account_non_negative|check/i);
  });

  it('200 idempotency ids, each sent up to 5 times, all 600 calls at once, post exactly once each', async () => {
    await fund('430405', 'special', 1_000_000, 'idem-fund');
    const special = await accountFor(database.db, '430405', 'special');
    const training = await accountFor(database.db, '430405', 'training');
    const send = (index: number) =>
      postTransfers(database.db, SYSTEM_CONTEXT, {
        provinceCode: '430000',
        code: 'allocation',
        description: 'idempotency',
        transfers: [
          {
            idempotencyId: `idem-${index}`,
            debitAccountId: special.id,
            creditAccountId: training.id,
            amountFen: 100 + (index % 7),
            code: 'allocation',
            valueDate: '2026-02-03',
          },
        ],
      });
    // 200 ids race as hard as 1,000 did (they went in chunks of 200): every copy of every id is
    // in flight at once.
    const IDS = 200;
    const calls = [];
    for (let index = 0; index < IDS; index += 1)
      for (let copy = 0; copy <= index % 5; copy += 1) calls.push(send(index));
    const results = await Promise.all(calls);
    expect(results).toHaveLength(600);
    expect(results.filter((result) => !result.isReplay)).toHaveLength(IDS);
    const { count } = await database.db
      .selectFrom('ledger_transfer')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('idempotency_id', 'like', 'idem-%')
      .where('debit_account_id', '=', special.id)
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(IDS);
    const expected = Array.from({ length: IDS }, (_, index) => 100 + (index % 7)).reduce((a, b) => a + b, 0);
    expect((await accountFor(database.db, '430405', 'training')).balanceFen).toBe(expected);
    // Same id, different body → 409.
    await expect(
      postTransfers(database.db, SYSTEM_CONTEXT, {
        provinceCode: '430000',
        code: 'allocation',
        description: 'changed',
        transfers: [
          {
            idempotencyId: 'idem-1',
            debitAccountId: special.id,
            creditAccountId: training.id,
            amountFen: 999,
            code: 'allocation',
            valueDate: '2026-02-03',
          },
        ],
      }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', statusCode: 409 });
  }); // 600 calls, 200 audited postings: correctness, not speed (timing lives in bench/ledger.ts).

  it('appropriation (Jiangsu 20 %), allocation and re-allocation need a second user', async () => {
    expect(computeAppropriation({ provinceCode: '320000', yearEndBalanceFen: 1_000_000_003 })).toMatchObject({
      amountFen: 200_000_001,
      ratePercent: 20,
      citation: { doc: '苏政办发〔2019〕71号' },
    });
    const maker = actor(900_001, '320000');
    const checker = actor(900_002, '320000');
    const request = await database.db.transaction().execute((trx) =>
      requestFundMovement(trx, maker, {
        kind: 'appropriation',
        fromRegionCode: '320000',
        toRegionCode: '320000',
        yearEndBalanceFen: 10_000_000,
        valueDate: '2026-02-05',
        reason: '2018年底结余20%',
      }),
    );
    expect(request).toMatchObject({ amountFen: 2_000_000, status: 'pending' });
    await expect(
      database.db
        .transaction()
        .execute((trx) => decideFundRequest(trx, maker, { requestId: request.id, isApproved: true })),
    ).rejects.toMatchObject({
      code: 'SAME_USER_APPROVAL',
    });
    const before = (await accountFor(database.db, '320000', 'special')).balanceFen;
    const posted = await inLedgerTransaction(database.db, (trx) =>
      decideFundRequest(trx, checker, { requestId: request.id, isApproved: true }),
    );
    expect(posted.status).toBe('posted');
    expect((await accountFor(database.db, '320000', 'special')).balanceFen).toBe(before + 2_000_000);
    // Re-allocation between two counties of Suzhou, requested and approved at the city.
    await fund('320505', 'special', 50_000, 'suzhou');
    const city = actor(900_003, '320500');
    const cityChecker = actor(900_004, '320500');
    const move = await database.db.transaction().execute((trx) =>
      requestFundMovement(trx, city, {
        kind: 'reallocation',
        fromRegionCode: '320505',
        toRegionCode: '320506',
        amountFen: 20_000,
        valueDate: '2026-02-06',
        reason: '调剂',
      }),
    );
    await inLedgerTransaction(database.db, (trx) =>
      decideFundRequest(trx, cityChecker, { requestId: move.id, isApproved: true }),
    );
    expect((await accountFor(database.db, '320506', 'special')).balanceFen).toBe(20_000);
    await expect(
      database.db.transaction().execute((trx) =>
        requestFundMovement(trx, city, {
          kind: 'reallocation',
          fromRegionCode: '320505',
          toRegionCode: '320102',
          amountFen: 1,
          valueDate: '2026-02-06',
          reason: 'x',
        }),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('a payment batch writes one instruction line per payee; a failed line returns to its sub-account', async () => {
    await fund('430406', 'training', 100_000, 'yanfeng');
    const items: PayableItem[] = [
      { claimId: 501, payee: payee(1), amountFen: 10_000, subAccount: 'training', regionCode: '430406' },
      {
        claimId: 502,
        lineId: 7,
        payee: payee(1),
        amountFen: 5_000,
        subAccount: 'training',
        regionCode: '430406',
      },
      { claimId: 503, payee: payee(2), amountFen: 20_000, subAccount: 'training', regionCode: '430406' },
    ];
    const batch = await inLedgerTransaction(database.db, (trx) =>
      createPaymentBatch(trx, SYSTEM_CONTEXT, {
        idempotencyId: 'batch-yf-1',
        valueDate: '2026-02-10',
        items,
      }),
    );
    expect(batch.disbursements.map((item) => item.amountFen)).toEqual([15_000, 20_000]);
    const again = await inLedgerTransaction(database.db, (trx) =>
      createPaymentBatch(trx, SYSTEM_CONTEXT, {
        idempotencyId: 'batch-yf-1',
        valueDate: '2026-02-10',
        items,
      }),
    );
    expect(again).toMatchObject({ id: batch.id, isReplay: true });
    const file = await instructionFile(database.db, {
      batchId: batch.id,
      format: 'csv',
      encoding: 'utf8bom',
    });
    const csv = file.content.subarray(3).toString('utf8');
    expect(csv).toContain(
      `1,62220000001,培训机构1,,,150.00,职业技能提升补贴,${batch.disbursements[0]!.reference}`,
    );
    const [first, second] = batch.disbursements;
    const maker = financeOfficer(900_011, '430400');
    const result = await inLedgerTransaction(database.db, (trx) =>
      importBankResult(trx, maker, {
        batchId: batch.id,
        valueDate: '2026-02-11',
        csv: `disbursement_id,status,reason\n${first!.reference},paid,\n${second!.reference},failed,账号不存在\n`,
      }),
    );
    expect(result).toMatchObject({ paid: [first!.reference], failed: [second!.reference] });
    // The failure waits for a second finance officer: nothing is back on the sub-account yet.
    expect((await accountFor(database.db, '430406', 'training')).balanceFen).toBe(65_000);
    expect(result.pendingApprovals).toHaveLength(1);
    await inLedgerTransaction(database.db, (trx) =>
      decidePaymentFailure(
        trx,
        financeOfficer(900_012, '430400'),
        { id: result.pendingApprovals[0]!.approvalId, isApproved: true },
        '2026-02-11',
      ),
    );
    // The failed 20,000 fen is back on the training sub-account, not parked on payable.
    expect((await accountFor(database.db, '430406', 'payable')).balanceFen).toBe(0);
    expect((await accountFor(database.db, '430406', 'training')).balanceFen).toBe(85_000);
    await expect(
      inLedgerTransaction(database.db, (trx) =>
        createPaymentBatch(trx, SYSTEM_CONTEXT, {
          idempotencyId: 'batch-yf-2',
          valueDate: '2026-02-10',
          items: [{ ...items[0]!, amountFen: 85_001 }],
        }),
      ),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS', statusCode: 409 });
  });

  it("a batch over two counties debits each county's own accounts; an unknown region is refused by name", async () => {
    await fund('430407', 'training', 30_000, 'shigu');
    await fund('430408', 'training', 30_000, 'zhengxiang');
    const batch = await inLedgerTransaction(database.db, (trx) =>
      createPaymentBatch(trx, SYSTEM_CONTEXT, {
        idempotencyId: 'batch-two-counties',
        valueDate: '2026-03-10',
        items: [
          { claimId: 601, payee: payee(3), amountFen: 1_000, subAccount: 'training', regionCode: '430407' },
          { claimId: 602, payee: payee(4), amountFen: 2_500, subAccount: 'training', regionCode: '430408' },
          { claimId: 603, payee: payee(3), amountFen: 500, subAccount: 'training', regionCode: '430407' },
        ],
      }),
    );
    expect(batch.totalFen).toBe(4_000);
    expect((await accountFor(database.db, '430407', 'training')).balanceFen).toBe(28_500);
    expect((await accountFor(database.db, '430408', 'training')).balanceFen).toBe(27_500);
    expect((await accountFor(database.db, '430407', 'bank')).balanceFen).toBe(1_500);
    expect((await accountFor(database.db, '430408', 'bank')).balanceFen).toBe(2_500);
    await expect(accountFor(database.db, '430499', 'training')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'regionCode', message: '行政区划不存在：430499' }],
    });
  });

  it('an advance of at most 50 % is settled against the final amount: pay the difference or recover the excess', async () => {
    await fund('430481', 'training', 100_000, 'leiyang-training');
    await fund('430481', 'advance', 100_000, 'leiyang-advance');
    const advance = (claimId: number, amountFen: number, key: string) =>
      inLedgerTransaction(database.db, (trx) =>
        createPaymentBatch(trx, SYSTEM_CONTEXT, {
          idempotencyId: key,
          valueDate: '2026-02-12',
          items: [
            {
              claimId,
              payee: payee(3),
              amountFen,
              subAccount: 'training',
              regionCode: '430481',
              kind: 'advance',
              advanceBasisFen: 20_000,
            },
          ],
        }),
      );
    // A recovery order names a claim that exists (its region is checked before anything is read),
    // so the two advance claims this test settles are real rows of their county.
    for (const claimId of [601, 602])
      await sql`insert into claim (id, province_code, claim_number, region_code, subsidy_kind, mode,
          applicant_kind, application_date, status)
        overriding system value
        values (${claimId}, '430000', ${`ADV-${claimId}`}, '430481', 'training', 'advance',
          'institution', '2026-02-01', 'approved')`.execute(database.db);
    await expect(advance(601, 10_001, 'adv-too-much')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await advance(601, 10_000, 'adv-601');
    await advance(602, 10_000, 'adv-602');
    const more = await inLedgerTransaction(database.db, (trx) =>
      settleAdvance(trx, SYSTEM_CONTEXT, {
        idempotencyId: 's-601',
        claimId: 601,
        regionCode: '430481',
        subAccount: 'training',
        finalAmountFen: 18_000,
        payee: payee(3),
        valueDate: '2026-02-20',
      }),
    );
    expect(more.paymentBatch?.totalFen).toBe(8_000);
    const less = await inLedgerTransaction(database.db, (trx) =>
      settleAdvance(trx, SYSTEM_CONTEXT, {
        idempotencyId: 's-602',
        claimId: 602,
        regionCode: '430481',
        subAccount: 'training',
        finalAmountFen: 7_000,
        payee: payee(3),
        valueDate: '2026-02-20',
      }),
    );
    expect(less.recoveryOrder).toMatchObject({ amountFen: 3_000, subAccount: 'advance' });
    expect((await accountFor(database.db, '430481', 'receivable')).balanceFen).toBe(3_000);
    const order = await inLedgerTransaction(database.db, (trx) =>
      recordRecoveryReceipt(trx, SYSTEM_CONTEXT, {
        orderId: less.recoveryOrder!.id,
        idempotencyId: 'r-602',
        amountFen: 3_000,
        valueDate: '2026-02-25',
      }),
    );
    expect(order).toMatchObject({ recoveredFen: 3_000, status: 'closed' });
    expect((await accountFor(database.db, '430481', 'receivable')).balanceFen).toBe(0);
    // training: 100 000 − 18 000 (601) − 7 000 (602); advance: 100 000 − 20 000 + 18 000... settled back + 3 000 recovered.
    expect((await accountFor(database.db, '430481', 'training')).balanceFen).toBe(75_000);
    expect((await accountFor(database.db, '430481', 'advance')).balanceFen).toBe(
      100_000 - 20_000 + 10_000 + 7_000 + 3_000,
    );
    const rates = await executionRate(database.db, { regionCode: '430481' });
    expect(rates.find((row) => row.subAccount === 'training')).toMatchObject({
      receivedFen: 100_000,
      usedFen: 25_000,
      rate: 0.25,
    });
  });

  it('posting into a closed period is refused by the service and by the database', async () => {
    await fund('360102', 'training', 10_000, 'donghu', '2026-01-15');
    const special = await accountFor(database.db, '360102', 'special');
    const training = await accountFor(database.db, '360102', 'training');
    await database.db
      .transaction()
      .execute((trx) => closePeriod(trx, SYSTEM_CONTEXT, { provinceCode: '360000', period: '2026-01' }));
    await fund('360102', 'special', 10_000, 'donghu-feb', '2026-02-01');
    const post = (valueDate: string, key: string) =>
      postTransfers(database.db, SYSTEM_CONTEXT, {
        provinceCode: '360000',
        code: 'allocation',
        description: 'late',
        transfers: [
          {
            idempotencyId: key,
            debitAccountId: special.id,
            creditAccountId: training.id,
            amountFen: 100,
            code: 'allocation',
            valueDate,
          },
        ],
      });
    // The closed month and every month before it: months close in order (issue 20 finding 3).
    for (const [valueDate, key] of [
      ['2026-01-31', 'late-jan'],
      ['2025-04-30', 'april-before'],
      ['2019-06-30', 'years-before'],
    ] as const)
      await expect(post(valueDate, key)).rejects.toMatchObject({
        code: 'PERIOD_CLOSED',
        statusCode: 409,
      });
    await expect(post('2026-02-01', 'early-feb')).resolves.toMatchObject({ isReplay: false });
    const journal = await database.db
      .selectFrom('ledger_journal')
      .select('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    await expect(
      sql`insert into ledger_transfer (province_code, journal_id, idempotency_id, request_hash, debit_account_id, credit_account_id, amount_fen, code, value_date)
          values ('360000', ${journal.id}, 'bypass', 'x', ${special.id}, ${training.id}, 1, 'allocation', '2026-01-20')`.execute(
        database.db,
      ),
    ).rejects.toThrow(/closed/);
    await expect(
      sql`insert into ledger_transfer (province_code, journal_id, idempotency_id, request_hash, debit_account_id, credit_account_id, amount_fen, code, value_date)
          values ('360000', ${journal.id}, 'bypass-2019', 'x', ${special.id}, ${training.id}, 1, 'allocation', '2019-06-30')`.execute(
        database.db,
      ),
    ).rejects.toThrow(/closed/);
  });

  it('reports totals per region and code, a balanced trial balance, and verify passes on all the data', async () => {
    const totals = await ledgerTotals(database.db, {
      regionCode: '430406',
      from: '2026-02-01',
      to: '2026-02-28',
    });
    expect(totals).toEqual(
      expect.arrayContaining([
        {
          regionCode: '430406',
          account: 'training',
          code: 'disbursement',
          reversesCode: null,
          debitFen: 35_000,
          creditFen: 0,
          transferCount: 3,
        },
        {
          regionCode: '430406',
          account: 'training',
          code: 'payment_failure',
          reversesCode: null,
          debitFen: 0,
          creditFen: 20_000,
          transferCount: 1,
        },
      ]),
    );
    const province = await trialBalance(database.db, { regionCode: '430000' });
    expect(province.debitsPostedFen).toBe(province.creditsPostedFen);
    // The books add up. The service-level batches above pay claims that exist nowhere, so the
    // business checks (scenario tests cover them with real claims) find them.
    const result = await verifyLedger(database.db);
    expect(result.checks.filter((check) => check.category === 'arithmetic' && !check.isPassed)).toEqual([]);
    expect(result.isPassed).toBe(false);
  });
});
