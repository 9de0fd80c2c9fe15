import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditHashInput,
  createAuditCheckpoint,
  GENESIS_HASH,
  recordAudit,
  SYSTEM_CONTEXT,
  verifyAuditChain,
  verifyAuditCheckpoint,
} from '../../src/auth/audit.service.ts';
import { countPendingRewrap, rewrapPersonalData } from '../../src/auth/rewrap.service.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import {
  BANK_ACCOUNT_CONTEXT,
  createPaymentBatch,
  getPaymentBatch,
} from '../../src/ledger/payment.service.ts';
import { accountFor, inLedgerTransaction, postTransfers } from '../../src/ledger/transfer.service.ts';
import { sha256Hex } from '../../src/shared/canonical-json.ts';
import { ConfigError, loadConfig } from '../../src/shared/config.ts';
import { encryptField } from '../../src/shared/crypto.ts';
import { dataKeyring } from '../../src/shared/data-keyring.ts';
import { createTestApp } from '../support/app.ts';
import { createTestDatabase } from '../support/database.ts';
import { TEST_KEYS } from './security-app.ts';

/**
 * Issue 18, finding 6: tamper evidence that holds against someone who can write the database
 * (here: its owner, who can disable the append-only trigger) but does not hold the audit key.
 */

let database: DatabaseHandle;
const PROVINCE = '430000';

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

async function writeEntries(count: number, marker: string): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await recordAudit(database.db, SYSTEM_CONTEXT, {
      action: 'test.entry',
      objectType: marker,
      objectId: index,
      provinceCode: PROVINCE,
      after: { index },
    });
  }
}

/**
 * What an attacker with database access does: edit one entry, then recompute every hash of the
 * province's chain from there (SHA-256, which needs no key), optionally marking entries unkeyed.
 */
async function editAndRechain(options: { objectType: string; markUnkeyed: boolean }): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(trx);
    const target = await trx
      .selectFrom('audit_log')
      .select('id')
      .where('object_type', '=', options.objectType)
      .orderBy('id')
      .limit(1)
      .offset(1)
      .executeTakeFirstOrThrow();
    await trx.updateTable('audit_log').set({ object_id: 'edited' }).where('id', '=', target.id).execute();
    const rows = await trx
      .selectFrom('audit_log')
      .selectAll()
      .where('province_code', '=', PROVINCE)
      .orderBy('id')
      .execute();
    let previous = GENESIS_HASH;
    for (const row of rows) {
      if (options.markUnkeyed || row.id >= target.id) {
        const hash = sha256Hex(
          auditHashInput(previous, {
            province_code: row.province_code,
            occurred_at: row.occurred_at,
            actor_user_id: row.actor_user_id,
            actor_role: row.actor_role,
            ip: row.ip,
            action: row.action,
            object_type: row.object_type,
            object_id: row.object_id,
            outcome: row.outcome,
            before_state: row.before_state,
            after_state: row.after_state,
            request_id: row.request_id,
          }),
        );
        await trx
          .updateTable('audit_log')
          .set({
            previous_hash: previous,
            hash,
            ...(options.markUnkeyed ? { hash_key_id: null } : {}),
          })
          .where('id', '=', row.id)
          .where('province_code', '=', row.province_code)
          .execute();
        previous = hash;
      } else previous = row.hash;
    }
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(trx);
  });
}

describe('keyed audit chain (HMAC under SKILLFUND_AUDIT_KEY)', () => {
  it('detects an edited entry whose chain was recomputed without the key', async () => {
    await writeEntries(4, 'rechain');
    expect((await verifyAuditChain(database.db)).firstTampered).toBeNull();
    await editAndRechain({ objectType: 'rechain', markUnkeyed: false });
    const verification = await verifyAuditChain(database.db);
    expect(verification.firstTampered).toMatchObject({
      provinceCode: PROVINCE,
      reason: 'content does not match its hash',
    });
  });
});

describe('audit checkpoints (kept outside the database)', () => {
  it('detect a chain rewritten wholesale as unkeyed, and refuse a forged checkpoint', async () => {
    const fresh = await createTestDatabase();
    const previous = database;
    database = fresh;
    try {
      await writeEntries(4, 'wholesale');
      const checkpoint = await createAuditCheckpoint(database.db);
      expect(await verifyAuditCheckpoint(database.db, checkpoint)).toEqual([]);
      await editAndRechain({ objectType: 'wholesale', markUnkeyed: true });
      // Every entry now looks like one written before the chain was keyed: the chain alone agrees…
      expect((await verifyAuditChain(database.db)).firstTampered).toBeNull();
      // …but the checkpoint kept elsewhere does not.
      expect(await verifyAuditCheckpoint(database.db, checkpoint)).toEqual([
        expect.stringContaining('differs from the checkpoint'),
      ]);
      const forged = { ...checkpoint, heads: [{ ...checkpoint.heads[0]!, hash: 'f'.repeat(64) }] };
      expect(await verifyAuditCheckpoint(database.db, forged)).toEqual([
        expect.stringContaining('not made with the configured audit key'),
      ]);
    } finally {
      database = previous;
      await fresh.close();
    }
  });
});

describe('audit key configuration', () => {
  it('requires SKILLFUND_AUDIT_KEY outside demo mode and refuses the published demo key there', () => {
    const { SKILLFUND_AUDIT_KEY: _, ...withoutAuditKey } = TEST_KEYS;
    expect(() => loadConfig({ SKILLFUND_DEMO: 'false', ...withoutAuditKey })).toThrow(ConfigError);
    expect(() => loadConfig({ SKILLFUND_DEMO: 'false', ...withoutAuditKey })).toThrow(/SKILLFUND_AUDIT_KEY/);
    const demo = loadConfig({});
    expect(demo.auditKey).toMatchObject({ id: 'demo-audit', isDemoKey: true });
    const demoKeyText = `x:${demo.auditKey.key.toString('base64')}`;
    expect(() =>
      loadConfig({ SKILLFUND_DEMO: 'false', ...TEST_KEYS, SKILLFUND_AUDIT_KEY: demoKeyText }),
    ).toThrow(/demo key is refused/);
    expect(loadConfig({ SKILLFUND_DEMO: 'false', ...TEST_KEYS }).auditKey).toMatchObject({
      id: 'ta',
      isDemoKey: false,
    });
  });
});

describe('ciphertexts bound to their row (associated data)', () => {
  it('refuses a bank account copied from one disbursement row to another, and rewrap binds older rows', async () => {
    const testApp = await createTestApp();
    try {
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
            idempotencyId: 'aad-a',
            debitAccountId: ui.id,
            creditAccountId: special.id,
            amountFen: 10_000,
            code: 'appropriation',
            valueDate: '2026-04-01',
          },
          {
            idempotencyId: 'aad-b',
            debitAccountId: special.id,
            creditAccountId: training.id,
            amountFen: 10_000,
            code: 'allocation',
            valueDate: '2026-04-01',
          },
        ],
      });
      const item = (claimId: number, personId: number, bankAccount: string) => ({
        claimId,
        payee: { type: 'person', id: personId, name: `学员${personId}`, bankAccount },
        amountFen: 1_000,
        subAccount: 'training',
        regionCode: '430405',
      });
      const created = await inLedgerTransaction(db, (trx) =>
        createPaymentBatch(trx, SYSTEM_CONTEXT, {
          idempotencyId: 'aad-batch',
          valueDate: '2026-04-02',
          items: [item(91_001, 1, '6217000000000011'), item(91_002, 2, '6217000000000022')],
        } as never),
      );
      const batchId = created.id;
      const rows = await db
        .selectFrom('payment_disbursement')
        .selectAll()
        .where('batch_id', '=', batchId)
        .orderBy('id')
        .execute();
      expect(rows).toHaveLength(2);
      expect((await getPaymentBatch(db, batchId)).disbursements.map((row) => row.payee.bankAccount)).toEqual([
        '6217000000000011',
        '6217000000000022',
      ]);

      // Someone with database access copies payee 1's encrypted account into payee 2's row.
      await db
        .updateTable('payment_disbursement')
        .set({ payee_bank_account: rows[0]!.payee_bank_account })
        .where('id', '=', rows[1]!.id)
        .execute();
      await expect(getPaymentBatch(db, batchId)).rejects.toThrow();

      // A value written before the column was bound (v1: column only) still reads, until rewrap binds it.
      const legacy = encryptField(dataKeyring(), BANK_ACCOUNT_CONTEXT, '6217000000000022');
      await db
        .updateTable('payment_disbursement')
        .set({ payee_bank_account: legacy })
        .where('id', '=', rows[1]!.id)
        .execute();
      expect((await getPaymentBatch(db, batchId)).disbursements[1]!.payee.bankAccount).toBe(
        '6217000000000022',
      );
      const pending = await countPendingRewrap(db, dataKeyring());
      expect(pending.find((entry) => entry.table === 'payment_disbursement')?.pending).toBeGreaterThanOrEqual(
        1,
      );
      await rewrapPersonalData(db, SYSTEM_CONTEXT, dataKeyring());
      expect((await countPendingRewrap(db, dataKeyring())).every((entry) => entry.pending === 0)).toBe(true);
      const bound = await db
        .selectFrom('payment_disbursement')
        .select('payee_bank_account')
        .where('id', '=', rows[1]!.id)
        .executeTakeFirstOrThrow();
      expect(bound.payee_bank_account).toMatch(/^v2:/);
      expect((await getPaymentBatch(db, batchId)).disbursements[1]!.payee.bankAccount).toBe(
        '6217000000000022',
      );
    } finally {
      await testApp.close();
    }
  });
});
