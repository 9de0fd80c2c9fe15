import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { auditKey } from '../shared/audit-key.state.ts';
import { type AuditKey, auditMac } from '../shared/audit-key.ts';
import { canonicalJson } from '../shared/canonical-json.ts';

/**
 * Keyed seals on the ledger's rows (issue 18, finding 6; docs/decisions/0007-ledger-row-seals.md).
 * Each transfer and payment item carries HMAC-SHA256 under the audit key over its identity and
 * money fields, written in the transaction that inserts it. Balances are checked against the
 * sealed entries by `verifyLedger`, so someone who can write the database but does not hold the
 * key cannot change an amount, an account or a reference consistently: the edited row no longer
 * matches its seal, and a new seal needs the key. A transfer's id is drawn with its journal
 * (`insertJournal`) so that the seal is written with the row.
 */

/** The sealed tables. A payment item's status changes over its life and is not sealed. */
export type SealedTable = 'ledger_transfer' | 'payment_item';

/** The fields of each table a seal covers (every column but the seal, and a payment item's status). */
const SEALED_FIELDS: Record<SealedTable, { numbers: readonly string[]; texts: readonly string[] }> = {
  ledger_transfer: {
    numbers: [
      'id',
      'journal_id',
      'debit_account_id',
      'credit_account_id',
      'amount_fen',
      'claim_id',
      'claim_line_id',
      'payment_batch_id',
      'payment_item_id',
      'disbursement_id',
      'statement_line_id',
      'fund_request_id',
      'recovery_order_id',
      'reverses_transfer_id',
      'created_by',
    ],
    texts: ['province_code', 'idempotency_id', 'request_hash', 'code', 'value_date', 'description'],
  },
  // Not the id, so that the seal is written with the row: the item is bound to its transfer
  // (unique per item), whose seal covers the transfer's id.
  payment_item: {
    numbers: ['batch_id', 'disbursement_id', 'claim_id', 'claim_line_id', 'amount_fen', 'transfer_id'],
    texts: ['province_code', 'region_code', 'sub_account', 'kind'],
  },
};

type SealableRow = Record<string, unknown>;

function dateText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

/**
 * The text a row's seal is computed over: the table name, then the canonical JSON of its sealed
 * fields with numbers, texts and the creation instant normalised, so both database drivers give
 * the same text for the same row.
 */
export function sealInput(table: SealedTable, row: SealableRow): string {
  const fields: Record<string, unknown> = {};
  for (const name of SEALED_FIELDS[table].numbers) {
    const value = row[name];
    fields[name] = value === null || value === undefined ? null : Number(value);
  }
  for (const name of SEALED_FIELDS[table].texts) {
    const value = row[name];
    fields[name] = value === null || value === undefined ? null : String(value);
  }
  if (table === 'ledger_transfer') fields.created_at = dateText(row.created_at);
  return `${table}\n${canonicalJson(fields)}`;
}

export function sealOf(table: SealedTable, row: SealableRow, key: AuditKey = auditKey()): string {
  return auditMac(key, sealInput(table, row));
}

/** The row with its seal and key id, to insert. */
export function withSeal<Row extends SealableRow>(
  table: SealedTable,
  row: Row,
  key: AuditKey = auditKey(),
): Row & { seal: string; seal_key_id: string } {
  return { ...row, seal: sealOf(table, row, key), seal_key_id: key.id };
}

/** Rows per UPDATE statement (three parameters each, far below PostgreSQL's 65,535). */
const SEAL_CHUNK = 1_000;

/**
 * Seals rows written without a seal (all columns as stored), in the caller's transaction: what
 * `skillfund ledger seal` does for the rows written before the seals. A transfer's append-only
 * trigger lets an unsealed row be sealed once and nothing else (migration 20261207020000).
 */
export async function sealRows(
  executor: Executor,
  table: SealedTable,
  rows: readonly SealableRow[],
  key: AuditKey = auditKey(),
): Promise<void> {
  for (let start = 0; start < rows.length; start += SEAL_CHUNK) {
    const chunk = rows.slice(start, start + SEAL_CHUNK);
    const values = sql.join(
      chunk.map(
        (row) =>
          sql`(${Number(row.id)}::bigint, ${String(row.province_code)}::text, ${sealOf(table, row, key)}::text)`,
      ),
    );
    await sql`update ${sql.table(table)} as t set seal = v.seal, seal_key_id = ${key.id}
      from (values ${values}) as v(id, province_code, seal)
      where t.id = v.id and t.province_code = v.province_code and t.seal is null`.execute(executor);
  }
}

/** Rows read per page while verifying or sealing. */
const PAGE = 2_000;

async function* pages(
  executor: Executor,
  table: SealedTable,
  onlyUnsealed: boolean,
): AsyncGenerator<SealableRow[]> {
  let afterId = 0;
  for (;;) {
    const { rows } = await sql<SealableRow>`
      select * from ${sql.table(table)}
      where id > ${afterId} ${onlyUnsealed ? sql`and seal is null` : sql``}
      order by id limit ${PAGE}`.execute(executor);
    if (rows.length === 0) return;
    afterId = Number(rows.at(-1)!.id);
    yield rows;
  }
}

/**
 * Every row whose seal is missing, made with a key that is not configured, or does not match
 * its content (at most `limit` problems, with the total). What `verifyLedger` reports.
 */
export async function verifySeals(
  executor: Executor,
  key: AuditKey = auditKey(),
  limit = 20,
): Promise<{ problems: string[]; total: number }> {
  const problems: string[] = [];
  let total = 0;
  const report = (text: string) => {
    total += 1;
    if (problems.length < limit) problems.push(text);
  };
  for (const table of ['ledger_transfer', 'payment_item'] as const) {
    const label = table === 'ledger_transfer' ? 'transfer' : 'payment item';
    for await (const rows of pages(executor, table, false)) {
      for (const row of rows) {
        const name = `${label} ${row.id} (${row.province_code})`;
        if (row.seal === null) report(`${name} has no seal (rows before the seal: skillfund ledger seal)`);
        else if (row.seal_key_id !== key.id)
          report(`${name} is sealed with audit key "${row.seal_key_id}", which is not configured`);
        else if (row.seal !== sealOf(table, row, key)) report(`${name} does not match its seal`);
      }
    }
  }
  return { problems, total };
}

/**
 * Seals every row written before the seals existed (`skillfund ledger seal`), page by page; safe
 * to run again. Run it once right after migration 20261207020000, before anyone could have edited
 * those rows unseen: a seal vouches for what the row holds when it is sealed. Audited.
 */
export async function sealUnsealedRows(
  executor: Executor,
  context: AuditContext,
  key: AuditKey = auditKey(),
): Promise<Record<SealedTable, number>> {
  const counts: Record<SealedTable, number> = { ledger_transfer: 0, payment_item: 0 };
  for (const table of ['ledger_transfer', 'payment_item'] as const) {
    for await (const rows of pages(executor, table, true)) {
      await sealRows(executor, table, rows, key);
      counts[table] += rows.length;
    }
  }
  await recordAudit(executor, context, {
    action: 'ledger.seal',
    objectType: 'ledger',
    objectId: key.id,
    provinceCode: '000000',
    after: counts,
  });
  return counts;
}
