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
 * Applies one account's share of a journal. For a non-negative account the update only
 * happens when the new balance stays >= 0; the row lock it takes makes the check and the write
 * one step, so concurrent postings cannot both pass. Returns false when refused.
 */
export async function applyAccountDelta(
  executor: Executor,
  provinceCode: string,
  delta: AccountDelta,
): Promise<boolean> {
  const result = await sql<{ id: number }>`
    update ledger_account
       set debits_posted_fen = debits_posted_fen + ${delta.debitsFen},
           credits_posted_fen = credits_posted_fen + ${delta.creditsFen},
           balance_fen = balance_fen + case normal_side when 'debit' then ${delta.debitsFen - delta.creditsFen}::bigint
                                                        else ${delta.creditsFen - delta.debitsFen}::bigint end
     where id = ${delta.accountId} and province_code = ${provinceCode}
       and (not is_non_negative or balance_fen + case normal_side
             when 'debit' then ${delta.debitsFen - delta.creditsFen}::bigint
             else ${delta.creditsFen - delta.debitsFen}::bigint end >= 0)
    returning id`.execute(executor);
  return result.rows.length === 1;
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
