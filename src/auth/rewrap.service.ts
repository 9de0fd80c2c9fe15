import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import {
  blindIndex,
  encryptField,
  isRowBound,
  type Keyring,
  needsRewrap,
  rewrapField,
} from '../shared/crypto.ts';
import { type AuditContext, recordAudit } from './audit.service.ts';

/**
 * Key rotation and the one-off encryption of legacy plaintext (`skillfund security rewrap`).
 * Every encrypted column of the schema is listed here, with the context it is encrypted under
 * and the row key it is bound to (both AAD, so they must match what its repository uses; issue
 * 18: a ciphertext copied to another row or column fails to decrypt) and, where rows written before
 * migration 20261123150000 may still hold plaintext, the legacy column to empty.
 */
export interface EncryptedColumn {
  table: 'person' | 'organisation' | 'claim' | 'app_user' | 'payment_disbursement' | 'payee_account';
  column: string;
  context: string;
  /** The pre-encryption plaintext column: encrypted into `column`, then set to null. */
  legacyColumn?: string;
  /** The blind-index column filled from the legacy plaintext (purpose = context). */
  hashColumn?: string;
  /** Distributed tables are addressed by (id, province_code); reference tables by id. */
  isDistributed: boolean;
  /**
   * SQL giving the row key the ciphertext is bound to (AAD, issue 18), the same text as the
   * repository's (e.g. `disbursementRowKey`); an unbound (v1) value is rewrapped to a bound one.
   */
  rowKeySql?: string;
}

/** The row key of a table addressed by its id: `rowKeyOf` (src/shared/data-keyring.ts). */
const ROW_ID = 'id::text';

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  {
    table: 'person',
    column: 'id_number_ciphertext',
    context: 'person.id_number',
    legacyColumn: 'id_number',
    hashColumn: 'id_number_hash',
    isDistributed: true,
    rowKeySql: ROW_ID,
  },
  {
    table: 'person',
    column: 'phone_ciphertext',
    context: 'person.phone',
    legacyColumn: 'phone',
    isDistributed: true,
    rowKeySql: ROW_ID,
  },
  {
    table: 'organisation',
    column: 'contact_phone_ciphertext',
    context: 'organisation.contact_phone',
    legacyColumn: 'contact_phone',
    isDistributed: true,
    rowKeySql: ROW_ID,
  },
  {
    table: 'claim',
    column: 'payee_bank_account_ciphertext',
    context: 'claim.payee_bank_account',
    legacyColumn: 'payee_bank_account',
    isDistributed: true,
    rowKeySql: ROW_ID,
  },
  {
    table: 'payment_disbursement',
    column: 'payee_bank_account',
    context: 'payment_disbursement.payee_bank_account',
    isDistributed: true,
    // disbursementRowKey (src/ledger/payment.service.ts)
    rowKeySql: "province_code || '|' || batch_id || '|' || payee_type || '|' || payee_id",
  },
  {
    table: 'payee_account',
    column: 'account_ciphertext',
    context: 'payee_account.account_number',
    isDistributed: true,
    rowKeySql: ROW_ID,
  },
  {
    table: 'app_user',
    column: 'totp_secret',
    context: 'app_user.totp_secret',
    isDistributed: false,
    rowKeySql: ROW_ID,
  },
  {
    table: 'app_user',
    column: 'totp_pending_secret',
    context: 'app_user.totp_secret',
    isDistributed: false,
    rowKeySql: ROW_ID,
  },
];

/** What one run changed, per column. */
export interface RewrapCount {
  table: string;
  column: string;
  /** Legacy plaintext values encrypted (and removed from the legacy column). */
  encrypted: number;
  /** Ciphertexts of a retired key re-encrypted under the current key. */
  rewrapped: number;
}

interface PendingRow {
  id: number;
  province_code: string | null;
  stored: string | null;
  legacy: string | null;
  row_key: string | null;
}

/** Rows still to encrypt, rotate, or bind to their row. */
function pendingCondition(spec: EncryptedColumn, keyring: Keyring) {
  const column = sql.ref(spec.column);
  const legacy = spec.legacyColumn ? sql.ref(spec.legacyColumn) : sql`null::text`;
  const unbound = spec.rowKeySql
    ? sql`or (${column} is not null and split_part(${column}, ':', 1) <> 'v2')`
    : sql``;
  return sql`(${legacy} is not null
    or (${column} is not null and split_part(${column}, ':', 2) <> ${keyring.current.id})
    ${unbound})`;
}

async function selectPending(
  executor: Executor,
  spec: EncryptedColumn,
  keyring: Keyring,
  afterId: number,
  batchSize: number,
): Promise<PendingRow[]> {
  const table = sql.table(spec.table);
  const column = sql.ref(spec.column);
  const legacy = spec.legacyColumn ? sql.ref(spec.legacyColumn) : sql`null::text`;
  const province = spec.isDistributed ? sql.ref('province_code') : sql`null::text`;
  const rowKey = spec.rowKeySql ? sql.raw(spec.rowKeySql) : sql`null::text`;
  const { rows } = await sql<PendingRow>`
    select id, ${province} as province_code, ${column} as stored, ${legacy} as legacy, ${rowKey} as row_key
    from ${table}
    where id > ${afterId} and ${pendingCondition(spec, keyring)}
    order by id
    limit ${batchSize}`.execute(executor);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** New values for one row, or undefined when nothing is to change. */
function changesFor(
  spec: EncryptedColumn,
  keyring: Keyring,
  row: PendingRow,
): { values: Record<string, string | null>; kind: 'encrypted' | 'rewrapped' } | undefined {
  if (row.stored === null && row.legacy !== null && spec.legacyColumn) {
    const values: Record<string, string | null> = {
      [spec.column]: encryptField(keyring, spec.context, row.legacy, row.row_key ?? undefined),
      [spec.legacyColumn]: null,
    };
    if (spec.hashColumn) values[spec.hashColumn] = blindIndex(keyring, spec.context, row.legacy);
    return { values, kind: 'encrypted' };
  }
  const values: Record<string, string | null> = {};
  // A legacy value beside a ciphertext is a leftover copy: the ciphertext is authoritative.
  if (row.legacy !== null && spec.legacyColumn) values[spec.legacyColumn] = null;
  const rowKey = row.row_key ?? undefined;
  if (
    row.stored !== null &&
    (needsRewrap(keyring, row.stored) || (rowKey !== undefined && !isRowBound(row.stored)))
  ) {
    values[spec.column] = rewrapField(keyring, spec.context, row.stored, rowKey);
  }
  if (Object.keys(values).length === 0) return undefined;
  return { values, kind: spec.column in values ? 'rewrapped' : 'encrypted' };
}

/**
 * Writes one row's new values unless the row changed since it was read (the application keeps
 * running during a rewrap; whatever it wrote meanwhile is already under the current key).
 */
async function updateRow(
  executor: Executor,
  spec: EncryptedColumn,
  row: PendingRow,
  values: Record<string, string | null>,
): Promise<boolean> {
  const assignments = sql.join(
    Object.entries(values).map(([name, value]) => sql`${sql.ref(name)} = ${value}`),
    sql`, `,
  );
  const legacy = spec.legacyColumn ? sql.ref(spec.legacyColumn) : sql`null::text`;
  const result = await sql`
    update ${sql.table(spec.table)} set ${assignments}
    where id = ${row.id}
      ${spec.isDistributed ? sql`and province_code = ${row.province_code}` : sql``}
      and ${sql.ref(spec.column)} is not distinct from ${row.stored}
      and ${legacy} is not distinct from ${row.legacy}`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

async function processColumn(
  executor: Executor,
  spec: EncryptedColumn,
  keyring: Keyring,
  batchSize: number,
): Promise<RewrapCount> {
  const count: RewrapCount = { table: spec.table, column: spec.column, encrypted: 0, rewrapped: 0 };
  let afterId = 0;
  for (;;) {
    const rows = await selectPending(executor, spec, keyring, afterId, batchSize);
    if (rows.length === 0) return count;
    afterId = rows.at(-1)!.id;
    // One transaction per batch: a long rotation never holds one huge transaction open.
    await inTransaction(executor, async (trx) => {
      for (const row of rows) {
        const change = changesFor(spec, keyring, row);
        if (change && (await updateRow(trx, spec, row, change.values))) count[change.kind] += 1;
      }
    });
  }
}

function inTransaction(executor: Executor, work: (trx: Executor) => Promise<void>): Promise<void> {
  return executor.isTransaction ? work(executor) : executor.transaction().execute(work);
}

/**
 * Encrypts every legacy plaintext value and re-encrypts every ciphertext written under a
 * retired key with the current key (`needsRewrap`), column by column in batches; safe to run
 * while the application serves and to run again. A ciphertext whose key is not configured
 * fails the run (its key must be in SKILLFUND_DATA_KEYS_RETIRED). Audited as `security.rewrap`.
 */
export async function rewrapPersonalData(
  executor: Executor,
  context: AuditContext,
  keyring: Keyring,
  options: { batchSize?: number } = {},
): Promise<RewrapCount[]> {
  const batchSize = options.batchSize ?? 500;
  const counts: RewrapCount[] = [];
  for (const spec of ENCRYPTED_COLUMNS) counts.push(await processColumn(executor, spec, keyring, batchSize));
  await inTransaction(executor, (trx) =>
    recordAudit(trx, context, {
      action: 'security.rewrap',
      objectType: 'data_key',
      objectId: keyring.current.id,
      after: { counts },
    }),
  );
  return counts;
}

/** Values still to encrypt or rewrap under the current key (0 everywhere when rotation is done). */
export async function countPendingRewrap(
  executor: Executor,
  keyring: Keyring,
): Promise<{ table: string; column: string; pending: number }[]> {
  const result: { table: string; column: string; pending: number }[] = [];
  for (const spec of ENCRYPTED_COLUMNS) {
    const { rows } = await sql<{ pending: number | string }>`
      select count(*) as pending from ${sql.table(spec.table)}
      where ${pendingCondition(spec, keyring)}`.execute(executor);
    result.push({ table: spec.table, column: spec.column, pending: Number(rows[0]?.pending ?? 0) });
  }
  return result;
}
