import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { LedgerTransferTable } from './ledger.table.ts';

/** All SQL touching accounts, journals, transfers and period closes. */

export type TransferRow = Omit<LedgerTransferTable, 'id' | 'created_at' | 'seal' | 'seal_key_id'> & {
  id: number;
  created_at: Date;
  seal: string | null;
  seal_key_id: string | null;
};

export interface AccountDelta {
  accountId: number;
  debitsFen: number;
  creditsFen: number;
}

export async function insertAccounts(
  executor: Executor,
  rows: {
    province_code: string;
    region_code: string;
    kind: string;
    normal_side: 'debit' | 'credit';
    is_non_negative: boolean;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  await executor
    .insertInto('ledger_account')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['province_code', 'region_code', 'kind']).doNothing())
    .execute();
}

export function selectAccounts(executor: Executor) {
  return executor.selectFrom('ledger_account').selectAll();
}

export async function findTransfersByIdempotency(
  executor: Executor,
  provinceCode: string,
  idempotencyIds: readonly string[],
): Promise<TransferRow[]> {
  if (idempotencyIds.length === 0) return [];
  return executor
    .selectFrom('ledger_transfer')
    .selectAll()
    .where('province_code', '=', provinceCode)
    .where('idempotency_id', 'in', idempotencyIds)
    .orderBy('id')
    .execute();
}

/**
 * Inserts a journal and, in the same statement, draws the ids of its `transferCount` transfers
 * from their sequence: a transfer's keyed seal covers its id, so the id must be known before the
 * insert (src/ledger/seal.service.ts). Also answers the journal's creation instant, given to its
 * transfers as theirs.
 */
export async function insertJournal(
  executor: Executor,
  row: { province_code: string; code: string; description: string; created_by: number | null },
  transferCount: number,
): Promise<{ id: number; createdAt: Date; transferIds: number[] }> {
  const inserted = await executor
    .insertInto('ledger_journal')
    .values(row)
    .returning([
      'id',
      'created_at',
      sql<Array<number | string>>`array(select nextval(pg_get_serial_sequence('ledger_transfer', 'id'))
        from generate_series(1, ${transferCount}))`.as('transfer_ids'),
    ])
    .executeTakeFirstOrThrow();
  return {
    id: inserted.id,
    createdAt: inserted.created_at,
    transferIds: inserted.transfer_ids.map(Number),
  };
}

/**
 * Inserts the transfers; a transfer whose idempotency id is already taken (by a concurrent,
 * now committed request) is skipped, and the caller sees fewer rows than it sent.
 */
export async function insertTransfers(
  executor: Executor,
  rows: (Omit<LedgerTransferTable, 'id' | 'created_at' | 'seal' | 'seal_key_id'> & {
    id: number;
    created_at: Date;
    seal: string;
    seal_key_id: string;
  })[],
): Promise<TransferRow[]> {
  if (rows.length === 0) return [];
  return executor
    .insertInto('ledger_transfer')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['province_code', 'idempotency_id']).doNothing())
    .returningAll()
    .execute();
}

/**
 * Applies every account's share of a journal in one statement: the accounts are locked in id
 * order first (the one lock order of every posting, so two journals sharing accounts cannot
 * deadlock; `for no key update`, the lock an update of the balances takes, which the transfers'
 * foreign-key checks of other postings do not conflict with), then updated together; a non-negative account is only updated when its new balance
 * stays >= 0, checked on the locked row. Returns the ids of the accounts updated: a delta whose
 * account is missing from it was refused (the caller throws, and the transaction rolls back).
 */
export async function applyAccountDeltas(
  executor: Executor,
  provinceCode: string,
  deltas: readonly AccountDelta[],
): Promise<Set<number>> {
  if (deltas.length === 0) return new Set();
  const ids = deltas.map((delta) => delta.accountId);
  const result = await sql<{ id: number }>`
    with delta as (
      select * from unnest(${ids}::bigint[], ${deltas.map((delta) => delta.debitsFen)}::bigint[],
                           ${deltas.map((delta) => delta.creditsFen)}::bigint[]) as d(id, debits, credits)
    ), locked as (
      select a.id from ledger_account a
       where a.province_code = ${provinceCode} and a.id = any(${ids}::bigint[])
       order by a.id for no key update
    )
    update ledger_account a
       set debits_posted_fen = a.debits_posted_fen + d.debits,
           credits_posted_fen = a.credits_posted_fen + d.credits,
           balance_fen = a.balance_fen + case a.normal_side when 'debit' then d.debits - d.credits
                                                            else d.credits - d.debits end
      from delta d
     where a.id = d.id and a.province_code = ${provinceCode}
       and a.id in (select id from locked)
       and (not a.is_non_negative or a.balance_fen + case a.normal_side
             when 'debit' then d.debits - d.credits else d.credits - d.debits end >= 0)
    returning a.id`.execute(executor);
  return new Set(result.rows.map((row) => Number(row.id)));
}

export async function closedPeriods(
  executor: Executor,
  provinceCode: string,
  periods: readonly string[],
): Promise<string[]> {
  if (periods.length === 0) return [];
  // Months close in order: every month up to the last closed one is closed.
  const last = await executor
    .selectFrom('ledger_period_close')
    .select((eb) => eb.fn.max('period').as('period'))
    .where('province_code', '=', provinceCode)
    .executeTakeFirst();
  const lastClosed = last?.period ?? null;
  return lastClosed ? periods.filter((period) => period <= lastClosed).sort() : [];
}
