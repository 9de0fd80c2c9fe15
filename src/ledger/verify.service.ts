import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

export interface VerificationCheck {
  name: string;
  isPassed: boolean;
  /** At most 20 examples of what failed. */
  failures: string[];
}

export interface LedgerVerification {
  isPassed: boolean;
  accounts: number;
  transfers: number;
  checks: VerificationCheck[];
}

async function check(
  name: string,
  query: Promise<{ rows: { problem: string }[] }>,
): Promise<VerificationCheck> {
  const { rows } = await query;
  return { name, isPassed: rows.length === 0, failures: rows.slice(0, 20).map((row) => row.problem) };
}

/**
 * Recomputes every balance from the entries and checks every ledger invariant (what
 * `skillfund ledger verify` runs): balances equal the sums of entries, no fund account below
 * zero, debits equal credits per journal and per province, every journal has transfers, and
 * nothing was posted into a closed period after it was closed.
 */
export async function verifyLedger(executor: Executor): Promise<LedgerVerification> {
  const checks = await Promise.all([
    check(
      'balances equal the sum of their entries',
      sql<{ problem: string }>`
        with sums as (
          select a.id, a.province_code,
                 coalesce((select sum(amount_fen) from ledger_transfer t where t.province_code = a.province_code and t.debit_account_id = a.id), 0) as debits,
                 coalesce((select sum(amount_fen) from ledger_transfer t where t.province_code = a.province_code and t.credit_account_id = a.id), 0) as credits
          from ledger_account a)
        select 'account ' || a.id || ' (' || a.region_code || ' ' || a.kind || '): stored debits/credits/balance '
               || a.debits_posted_fen || '/' || a.credits_posted_fen || '/' || a.balance_fen
               || ', entries give ' || s.debits || '/' || s.credits as problem
        from ledger_account a join sums s on s.id = a.id and s.province_code = a.province_code
        where a.debits_posted_fen <> s.debits or a.credits_posted_fen <> s.credits
           or a.balance_fen <> case a.normal_side when 'debit' then s.debits - s.credits else s.credits - s.debits end
        order by a.id`.execute(executor),
    ),
    check(
      'no fund account below zero',
      sql<{ problem: string }>`
        select 'account ' || id || ' (' || region_code || ' ' || kind || ') balance ' || balance_fen as problem
        from ledger_account where is_non_negative and balance_fen < 0 order by id`.execute(executor),
    ),
    check(
      'debits equal credits per journal and every journal has transfers',
      sql<{ problem: string }>`
        select 'journal ' || j.id || ': ' || coalesce(count(t.id), 0) || ' transfers, debits '
               || coalesce(sum(t.amount_fen), 0) || ' credits ' || coalesce(sum(t.amount_fen), 0) as problem
        from ledger_journal j left join ledger_transfer t on t.journal_id = j.id and t.province_code = j.province_code
        group by j.id having count(t.id) = 0 order by j.id`.execute(executor),
    ),
    check(
      'debits equal credits per province',
      sql<{ problem: string }>`
        select 'province ' || province_code || ': debits ' || sum(debits_posted_fen) || ' credits ' || sum(credits_posted_fen) as problem
        from ledger_account group by province_code having sum(debits_posted_fen) <> sum(credits_posted_fen)`.execute(
        executor,
      ),
    ),
    check(
      'nothing posted into a closed period after its close',
      sql<{ problem: string }>`
        select 'transfer ' || t.id || ' dated ' || t.value_date || ' posted ' || t.created_at || ' after period '
               || c.period || ' closed ' || c.closed_at as problem
        from ledger_transfer t join ledger_period_close c
          on c.province_code = t.province_code and c.period = to_char(t.value_date, 'YYYY-MM')
        where t.created_at > c.closed_at order by t.id`.execute(executor),
    ),
    check(
      'payment items agree with their transfers',
      sql<{ problem: string }>`
        select 'payment item ' || i.id || ' amount ' || i.amount_fen || ' vs transfer ' || t.id || ' amount ' || t.amount_fen as problem
        from payment_item i join ledger_transfer t on t.id = i.transfer_id and t.province_code = i.province_code
        where t.amount_fen <> i.amount_fen or t.claim_id <> i.claim_id order by i.id`.execute(executor),
    ),
  ]);
  const counts = await sql<{ accounts: number; transfers: number }>`
    select (select count(*) from ledger_account)::bigint as accounts, (select count(*) from ledger_transfer)::bigint as transfers`.execute(
    executor,
  );
  return {
    isPassed: checks.every((item) => item.isPassed),
    accounts: Number(counts.rows[0]?.accounts ?? 0),
    transfers: Number(counts.rows[0]?.transfers ?? 0),
    checks,
  };
}

/** Renders a verification for the terminal, one line per check. */
export function formatVerification(result: LedgerVerification): string {
  const lines = [`ledger verify: ${result.accounts} accounts, ${result.transfers} transfers`];
  for (const item of result.checks) {
    lines.push(`${item.isPassed ? 'ok  ' : 'FAIL'} ${item.name}`);
    for (const failure of item.failures) lines.push(`       ${failure}`);
  }
  lines.push(result.isPassed ? 'ledger verify: all invariants hold' : 'ledger verify: INVARIANTS BROKEN');
  return `${lines.join('\n')}\n`;
}
