import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CONTEXT } from '../../src/auth/audit.service.ts';
import { excludeClaimLinesBySupervision } from '../../src/claims/claim.service.ts';
import { migrate } from '../../src/db/migrator.ts';
import { inLedgerTransaction } from '../../src/ledger/transfer.service.ts';
import { rebuildReportFacts } from '../../src/reports/report-facts.service.ts';
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
} from './claim-support.ts';

const BACKFILL = '20261211070000';

/**
 * Recovery receipts posted before migration 20261207010000 have no recovery_receipt_line, so the
 * reports counted their money as paid. The schema is today's up to the backfill; the receipts are
 * written the way the old recordRecoveryReceipt wrote them (two transfers, the order's recovered
 * amount, no allocation), then the backfill migration runs. On PGlite and PostgreSQL.
 */
describe('legacy recovery receipts are allocated to the claim lines (migration 20261211070000)', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
  }, 300_000);
  afterAll(async () => harness.close());

  it('allocates each unallocated receipt in transfer order, excluded lines first, and the report shows net money; a second run adds nothing', async () => {
    const db = harness.database.db;
    const county: Headers = await harness.loginAs('hy_county');
    const city = await harness.loginAs('hy_city');
    const finance = await harness.loginAs('hy_finance');
    const checker = await harness.loginAs('hy_finance_checker');
    const school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, city);
    const trainees = await registerTrainees(harness, county, ['补甲', '补乙', '补丙'], 820);
    const { id: claimId } = await approvedTrainingClaim(harness, clock, {
      school,
      county,
      city,
      trainees,
      tag: 'BF1',
    });
    await payThroughBank(harness, clock, {
      finance,
      checker,
      claimIds: [claimId],
      orderedOn: '2021-05-31',
      paidOn: '2021-06-01',
      idempotencyId: 'bf-order-0001',
    });

    const report = async () => {
      const answer = await call('GET', '/api/reports?regionCode=430421&year=2021&quarter=2', county);
      expect(answer.statusCode, answer.body).toBe(200);
      return answer.json() as { totals: { netFen: number; recoveredFen: number } };
    };
    const paid = await report();

    // The last line (by item id) is excluded; a recovery order covers it and 100 fen more.
    const items = await db
      .selectFrom('payment_item')
      .select(['id', 'claim_line_id', 'amount_fen'])
      .where('claim_id', '=', claimId)
      .where('kind', '=', 'payment')
      .orderBy('id')
      .execute();
    expect(items.length).toBe(3);
    const excludedItem = items[2]!;
    const firstItem = items[0]!;
    const excludedFen = Number(excludedItem.amount_fen);
    clock.set('2021-06-02T01:00:00Z');
    await db.transaction().execute((trx) =>
      excludeClaimLinesBySupervision(trx, SYSTEM_CONTEXT, {
        claimId,
        lineIds: [Number(excludedItem.claim_line_id)],
        reason: '冒名参训',
      }),
    );
    const opened = await call('POST', '/api/ledger/recovery-orders', county, {
      idempotencyId: 'bf-recovery-1',
      claimId,
      regionCode: '430421',
      subAccount: 'training',
      amountFen: excludedFen + 100,
      reason: '冒名参训，追回',
      valueDate: '2021-06-02',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const orderId = opened.json().id as number;

    // Two receipts as the code before 20261207010000 wrote them: no recovery_receipt_line.
    const legacyReceipt = (tag: string, amountFen: number) =>
      inLedgerTransaction(db, async (trx) => {
        const order = await trx
          .selectFrom('recovery_order')
          .selectAll()
          .where('id', '=', orderId)
          .executeTakeFirstOrThrow();
        const leg = (
          suffix: string,
          debit: 'bank' | 'recovery_reserve',
          credit: 'training' | 'receivable',
        ) => ({
          idempotencyId: `recovery-receipt:${tag}:${suffix}`,
          regionCode: order.region_code,
          debit,
          credit,
          amountFen,
          valueDate: '2021-06-03',
          claimId,
          recoveryOrderId: orderId,
          statementLineId: null,
        });
        await postJournalByHand(trx, {
          provinceCode: order.province_code,
          code: 'recovery',
          description: `追回到账 追回单${orderId}`,
          legs: [leg('fund', 'bank', 'training'), leg('receivable', 'recovery_reserve', 'receivable')],
        });
        const recovered = Number(order.recovered_fen) + amountFen;
        await trx
          .updateTable('recovery_order')
          .set({
            recovered_fen: recovered,
            status: recovered === Number(order.amount_fen) ? 'closed' : 'open',
          })
          .where('id', '=', orderId)
          .execute();
      });
    clock.set('2021-06-03T01:00:00Z');
    await legacyReceipt('legacy-a', 100);
    await legacyReceipt('legacy-b', excludedFen);
    // The bug: the recovered money still counts as paid.
    expect((await report()).totals.netFen).toBe(paid.totals.netFen);

    // The database as it was before the backfill: the migrator applies it, as on an upgrade.
    const upgrade = async () => {
      await sql`delete from schema_migrations where version = ${BACKFILL}`.execute(db);
      expect((await migrate(harness.database)).applied).toEqual([BACKFILL]);
    };
    await upgrade();

    const lines = async () =>
      (
        await db
          .selectFrom('recovery_receipt_line as line')
          .innerJoin('ledger_transfer as t', 't.id', 'line.transfer_id')
          .select([
            't.idempotency_id',
            'line.payment_item_id',
            'line.claim_line_id',
            'line.amount_fen',
            'line.value_date',
          ])
          .where('line.recovery_order_id', '=', orderId)
          .orderBy('line.id')
          .execute()
      ).map((row) => [
        row.idempotency_id,
        Number(row.payment_item_id),
        Number(row.claim_line_id),
        Number(row.amount_fen),
      ]);
    // Receipt A takes 100 from the excluded line; receipt B takes what is left of it, then the first item.
    const expected = [
      ['recovery-receipt:legacy-a:fund', Number(excludedItem.id), Number(excludedItem.claim_line_id), 100],
      [
        'recovery-receipt:legacy-b:fund',
        Number(excludedItem.id),
        Number(excludedItem.claim_line_id),
        excludedFen - 100,
      ],
      ['recovery-receipt:legacy-b:fund', Number(firstItem.id), Number(firstItem.claim_line_id), 100],
    ];
    expect(await lines()).toEqual(expected);
    const backfilled = await report();
    expect(paid.totals.netFen - backfilled.totals.netFen).toBe(excludedFen + 100);
    expect(backfilled.totals.recoveredFen - paid.totals.recoveredFen).toBe(excludedFen + 100);

    // A rebuild of the facts from their sources now gives the same facts.
    expect(
      await db.transaction().execute((trx) => rebuildReportFacts(trx, SYSTEM_CONTEXT, '430000')),
    ).toMatchObject({
      removed: 0,
      added: 0,
    });

    // Idempotent: a second run allocates nothing more.
    await upgrade();
    expect(await lines()).toEqual(expected);
    expect((await report()).totals.netFen).toBe(backfilled.totals.netFen);
  }, 300_000);
});
