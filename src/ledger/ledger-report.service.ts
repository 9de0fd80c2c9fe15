import { sql } from 'kysely';
import { provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import {
  type Account,
  type AccountKind,
  getAccount,
  SUB_ACCOUNTS,
  type Transfer,
  type TransferCode,
  toAccount,
  toTransfer,
} from './transfer.service.ts';

export interface TrialBalance {
  regionCode: string;
  accounts: Account[];
  debitsPostedFen: number;
  creditsPostedFen: number;
}

/** Every account of the region subtree with its posted totals (试算平衡). */
export async function trialBalance(executor: Executor, input: { regionCode: string }): Promise<TrialBalance> {
  const rows = await executor
    .selectFrom('ledger_account')
    .selectAll()
    .where('region_code', 'like', regionLikePattern(input.regionCode))
    .orderBy('region_code')
    .orderBy('id')
    .execute();
  const accounts = rows.map(toAccount);
  return {
    regionCode: input.regionCode,
    accounts,
    debitsPostedFen: accounts.reduce((sum, account) => sum + account.debitsPostedFen, 0),
    creditsPostedFen: accounts.reduce((sum, account) => sum + account.creditsPostedFen, 0),
  };
}

export interface StatementEntry {
  transfer: Transfer;
  side: 'debit' | 'credit';
  /** The account's balance after this entry, on its normal side. */
  balanceAfterFen: number;
}

/** An account's entries in value-date order with the running balance (明细账). */
export async function accountStatement(
  executor: Executor,
  input: { accountId: number; from?: string; to?: string; page: number; pageSize: number },
): Promise<{
  account: Account;
  openingBalanceFen: number;
  items: StatementEntry[];
  total: number;
  page: number;
  pageSize: number;
}> {
  const account = await getAccount(executor, input.accountId);
  const sign = (side: 'debit' | 'credit') => (side === account.normalSide ? 1 : -1);
  const from = input.from ?? '1900-01-01';
  const to = input.to ?? '2999-12-31';
  const opening = await sql<{ debits: number | null; credits: number | null }>`
    select sum(amount_fen) filter (where debit_account_id = ${account.id}) as debits,
           sum(amount_fen) filter (where credit_account_id = ${account.id}) as credits
    from ledger_transfer
    where province_code = ${account.provinceCode} and (debit_account_id = ${account.id} or credit_account_id = ${account.id})
      and value_date < ${from}`.execute(executor);
  const before = opening.rows[0] ?? { debits: 0, credits: 0 };
  const offset = (input.page - 1) * input.pageSize;
  const base = executor
    .selectFrom('ledger_transfer')
    .where('province_code', '=', account.provinceCode)
    .where((eb) => eb.or([eb('debit_account_id', '=', account.id), eb('credit_account_id', '=', account.id)]))
    .where('value_date', '>=', from)
    .where('value_date', '<=', to);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  // The running balance needs every earlier entry of the range, so the page is cut after summing.
  const rows = await base
    .selectAll()
    .orderBy('value_date')
    .orderBy('id')
    .limit(offset + input.pageSize)
    .execute();
  let balance = sign('debit') * Number(before.debits ?? 0) + sign('credit') * Number(before.credits ?? 0);
  const openingBalanceFen = balance;
  const entries = rows.map((row) => {
    const side: 'debit' | 'credit' = row.debit_account_id === account.id ? 'debit' : 'credit';
    balance += sign(side) * row.amount_fen;
    return { transfer: toTransfer(row), side, balanceAfterFen: balance };
  });
  return {
    account,
    openingBalanceFen,
    items: entries.slice(offset),
    total: Number(total),
    page: input.page,
    pageSize: input.pageSize,
  };
}

export interface ExecutionRateRow {
  regionCode: string;
  subAccount: string;
  /** Everything credited to the sub-account (allocations, re-allocations, recoveries, settlements). */
  receivedFen: number;
  /** Everything debited from it (payments, advances, re-allocations out). */
  usedFen: number;
  balanceFen: number;
  /** usedFen / receivedFen, 0 when nothing was received. */
  rate: number;
}

/** Fund execution rate (专账资金使用执行情况) by region and sub-account. */
export async function executionRate(
  executor: Executor,
  input: { regionCode: string },
): Promise<ExecutionRateRow[]> {
  const rows = await executor
    .selectFrom('ledger_account')
    .selectAll()
    .where('region_code', 'like', regionLikePattern(input.regionCode))
    .where('kind', 'in', [...SUB_ACCOUNTS])
    .orderBy('region_code')
    .orderBy('kind')
    .execute();
  return rows.map((row) => ({
    regionCode: row.region_code,
    subAccount: row.kind,
    receivedFen: row.credits_posted_fen,
    usedFen: row.debits_posted_fen,
    balanceFen: row.balance_fen,
    rate:
      row.credits_posted_fen === 0
        ? 0
        : Math.round((row.debits_posted_fen / row.credits_posted_fen) * 10_000) / 10_000,
  }));
}

export interface LedgerTotalRow {
  regionCode: string;
  /** The account kind: a sub-account, 'special', 'bank', … */
  account: AccountKind;
  code: TransferCode;
  /** For a reversal (冲正), the code of the transfer it reverses; otherwise null. */
  reversesCode: TransferCode | null;
  debitFen: number;
  creditFen: number;
  transferCount: number;
}

/**
 * Ledger totals of a region subtree for a value-date range, by account and business code — what
 * the reports domain compares with its report totals (账表相符). `from` and `to` are inclusive.
 */
export async function ledgerTotals(
  executor: Executor,
  input: { regionCode: string; from: string; to: string },
): Promise<LedgerTotalRow[]> {
  const provinceCode = provinceOf(input.regionCode);
  // A province reads all its transfers; a city or county only its accounts' (by the debit and
  // credit account indexes), which keeps a county's totals cheap in a province-sized ledger.
  const accountsOnly =
    input.regionCode === provinceCode
      ? sql``
      : sql`and (t.debit_account_id = any(array(select id from account))
             or t.credit_account_id = any(array(select id from account)))`;
  const result = await sql<{
    region_code: string;
    kind: AccountKind;
    code: TransferCode;
    reverses_code: TransferCode | null;
    debit_fen: number;
    credit_fen: number;
    transfer_count: number;
  }>`
    with account as (
      select id, region_code, kind from ledger_account
      where province_code = ${provinceCode} and region_code like ${regionLikePattern(input.regionCode)}
    )
    select a.region_code, a.kind, t.code, o.code as reverses_code,
           coalesce(sum(s.debit_fen), 0)::bigint as debit_fen,
           coalesce(sum(s.credit_fen), 0)::bigint as credit_fen,
           count(*)::bigint as transfer_count
    from ledger_transfer t
    cross join lateral (values (t.debit_account_id, t.amount_fen, 0::bigint),
                               (t.credit_account_id, 0::bigint, t.amount_fen)) as s(account_id, debit_fen, credit_fen)
    join account a on a.id = s.account_id
    left join ledger_transfer o on t.code = 'reversal' and o.id = t.reverses_transfer_id
      and o.province_code = t.province_code
    where t.province_code = ${provinceCode} and t.value_date between ${input.from} and ${input.to}
      ${accountsOnly}
    group by a.region_code, a.kind, t.code, o.code
    order by a.region_code, a.kind, t.code, o.code nulls first`.execute(executor);
  return result.rows.map((row) => ({
    regionCode: row.region_code,
    account: row.kind,
    code: row.code,
    reversesCode: row.reverses_code ?? null,
    debitFen: Number(row.debit_fen),
    creditFen: Number(row.credit_fen),
    transferCount: Number(row.transfer_count),
  }));
}
