import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CONTEXT, verifyAuditChain } from '../../src/auth/audit.service.ts';
import { sealUnsealedRows } from '../../src/ledger/seal.service.ts';
import { accountFor, postTransfers } from '../../src/ledger/transfer.service.ts';
import { verifyLedger } from '../../src/ledger/verify.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import {
  caller,
  completeClass,
  type Headers,
  orderAndApprovePayment,
  publishHengyangCatalog,
  trainee,
  uploadRequiredMaterials,
} from '../scenarios/claim-support.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Issue 18, finding 6: someone with database access (here the owner, who can disable the
 * append-only trigger) but without the audit key edits a paid transfer, its two accounts, its
 * payment item, its disbursement and the approved amount consistently. Both `ledger verify` and `audit verify` used to
 * pass; the keyed seals on transfers and payment items make `ledger verify` fail.
 */
const SEAL_CHECK = 'every transfer and payment item matches its keyed seal';

describe('keyed seals on the ledger', () => {
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
  }, 600_000);
  afterAll(async () => harness?.close());

  const failingChecks = async () =>
    (await verifyLedger(harness.database.db)).checks.filter((check) => !check.isPassed);

  /** A paid-out claim: class, claim approved on 2021-05-31, payment ordered and approved. */
  async function paidClaim(): Promise<{ batchId: number; itemId: number; transferId: number }> {
    const person = trainee('封签甲', '931');
    const registered = await call('POST', '/api/persons', county, {
      name: person.name,
      idNumber: person.idNumber,
      registeringRegionCode: '430421',
      groups: [
        {
          groupCode: 'registered_unemployed',
          certifierCode: 'public_employment_service',
          validFrom: '2021-01-01',
        },
      ],
    });
    expect(registered.statusCode, registered.body).toBe(201);
    person.personId = registered.json().id;
    const classId = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-10',
      trainees: [person],
      tag: 'SEAL',
    });
    clock.set('2021-05-24T01:00:00Z');
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-24',
      payeeAccount: { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000088888' },
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const claimId = created.json().id as number;
    await uploadRequiredMaterials(harness, claimId, school);
    for (const [step, who] of [
      ['submit', school],
      ['review', county],
      ['start-notice', county],
    ] as const) {
      const moved = await call(
        'POST',
        `/api/claims/${claimId}/${step}`,
        who,
        step === 'submit' ? undefined : {},
      );
      expect(moved.statusCode, moved.body).toBe(200);
    }
    clock.set('2021-05-31T01:00:00Z');
    const approved = await call('POST', `/api/claims/${claimId}/approve`, city, {});
    expect(approved.statusCode, approved.body).toBe(200);
    const batch = await orderAndApprovePayment(harness, finance, checker, {
      claimIds: [claimId],
      valueDate: '2021-05-31',
      idempotencyId: 'seal-order-0001',
    });
    const item = await harness.database.db
      .selectFrom('payment_item')
      .select(['id', 'transfer_id'])
      .where('batch_id', '=', batch.id)
      .executeTakeFirstOrThrow();
    return { batchId: batch.id, itemId: item.id, transferId: item.transfer_id };
  }

  it('detects a consistent edit of a transfer, its two accounts and its payment item', async () => {
    const { itemId, transferId } = await paidClaim();
    const db = harness.database.db;
    expect(await failingChecks()).toEqual([]);
    expect((await verifyAuditChain(db)).firstTampered).toBeNull();

    // The edit: 1,000 yuan more out of the training account to the bank, everywhere it shows.
    const extraFen = 100_000;
    await db.transaction().execute(async (trx) => {
      await sql`alter table ledger_transfer disable trigger ledger_transfer_append_only`.execute(trx);
      const transfer = await trx
        .selectFrom('ledger_transfer')
        .selectAll()
        .where('id', '=', transferId)
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('ledger_transfer')
        .set({ amount_fen: transfer.amount_fen + extraFen })
        .where('id', '=', transferId)
        .execute();
      // Both accounts are credit-normal (training: funds, bank: paid out).
      await sql`update ledger_account set debits_posted_fen = debits_posted_fen + ${extraFen},
                  balance_fen = balance_fen - ${extraFen} where id = ${transfer.debit_account_id}`.execute(
        trx,
      );
      await sql`update ledger_account set credits_posted_fen = credits_posted_fen + ${extraFen},
                  balance_fen = balance_fen + ${extraFen} where id = ${transfer.credit_account_id}`.execute(
        trx,
      );
      await sql`update payment_item set amount_fen = amount_fen + ${extraFen} where id = ${itemId}`.execute(
        trx,
      );
      // The approved amounts too, so that the claim is not overpaid either.
      await sql`update claim_line set amount_fen = amount_fen + ${extraFen} where id = ${transfer.claim_line_id}`.execute(
        trx,
      );
      await sql`update claim set total_amount_fen = total_amount_fen + ${extraFen} where id = ${transfer.claim_id}`.execute(
        trx,
      );
      await sql`update payment_disbursement set amount_fen = amount_fen + ${extraFen}
                  where id = ${transfer.disbursement_id}`.execute(trx);
      await sql`alter table ledger_transfer enable trigger ledger_transfer_append_only`.execute(trx);
    });

    // Nothing in the audit trail was touched, and every sum still adds up…
    expect((await verifyAuditChain(db)).firstTampered).toBeNull();
    const failing = await failingChecks();
    // …but the edited transfer and payment item no longer match their seals.
    expect(failing.map((check) => check.name)).toEqual([SEAL_CHECK]);
    expect(failing[0]!.failures).toEqual([
      `transfer ${transferId} (430000) does not match its seal`,
      `payment item ${itemId} (430000) does not match its seal`,
    ]);
  });

  it('refuses any change of a transfer but its one sealing; rows before the seals are sealed by `ledger seal`', async () => {
    const db = harness.database.db;
    const special = await accountFor(db, '430421', 'special');
    const training = await accountFor(db, '430421', 'training');
    const posted = await postTransfers(db, SYSTEM_CONTEXT, {
      provinceCode: '430000',
      code: 'allocation',
      description: '封签测试',
      transfers: [
        {
          idempotencyId: 'seal-allocation',
          debitAccountId: special.id,
          creditAccountId: training.id,
          amountFen: 1,
          code: 'allocation',
          valueDate: '2021-06-01',
        },
      ],
    });
    const transferId = posted.transfers[0]!.id;
    const stored = await db
      .selectFrom('ledger_transfer')
      .select(['seal', 'seal_key_id'])
      .where('id', '=', transferId)
      .executeTakeFirstOrThrow();
    expect(stored.seal).toMatch(/^[0-9a-f]{64}$/);
    // The application's own connection cannot change a sealed row, nor reseal it.
    await expect(
      sql`update ledger_transfer set amount_fen = 2 where id = ${transferId}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`update ledger_transfer set seal = ${'0'.repeat(64)} where id = ${transferId}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from ledger_transfer where id = ${transferId}`.execute(db)).rejects.toThrow(
      /append-only/,
    );

    // A row as written before migration 20261207020000: no seal. Verify names it until sealed.
    await db.transaction().execute(async (trx) => {
      await sql`alter table ledger_transfer disable trigger ledger_transfer_append_only`.execute(trx);
      await sql`update ledger_transfer set seal = null, seal_key_id = null where id = ${transferId}`.execute(
        trx,
      );
      await sql`alter table ledger_transfer enable trigger ledger_transfer_append_only`.execute(trx);
    });
    const unsealed = (await failingChecks()).find((check) => check.name === SEAL_CHECK);
    expect(unsealed?.failures).toContain(
      `transfer ${transferId} (430000) has no seal (rows before the seal: skillfund ledger seal)`,
    );
    const counts = await db.transaction().execute((trx) => sealUnsealedRows(trx, SYSTEM_CONTEXT));
    expect(counts.ledger_transfer).toBeGreaterThanOrEqual(1);
    const after = (await failingChecks()).find((check) => check.name === SEAL_CHECK);
    expect(after?.failures ?? []).not.toContain(
      `transfer ${transferId} (430000) has no seal (rows before the seal: skillfund ledger seal)`,
    );
    expect(after?.failures.some((failure) => failure.startsWith(`transfer ${transferId} `))).toBeFalsy();
    const audited = await db
      .selectFrom('audit_log')
      .select('after_state')
      .where('action', '=', 'ledger.seal')
      .executeTakeFirst();
    expect(audited?.after_state).toMatchObject({ ledger_transfer: counts.ledger_transfer });
  });
});
