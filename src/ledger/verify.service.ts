import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { verifySeals } from './seal.service.ts';
import { TRANSFER_CODE_TABLE } from './transfer-codes.ts';

export interface VerificationCheck {
  name: string;
  /**
   * `arithmetic`: the books add up; `business`: every movement has its business reason;
   * `integrity`: every entry is as it was written (keyed seals, src/ledger/seal.service.ts).
   */
  category: 'arithmetic' | 'business' | 'integrity';
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
  category: VerificationCheck['category'] = 'arithmetic',
): Promise<VerificationCheck> {
  const { rows } = await query;
  return {
    name,
    category,
    isPassed: rows.length === 0,
    failures: rows.slice(0, 20).map((row) => row.problem),
  };
}

/** The transfer-code table as SQL rows (code, debit kind, credit kind, same region). */
function codeTableValues() {
  const rows = Object.entries(TRANSFER_CODE_TABLE).flatMap(([code, rules]) =>
    rules.map(
      (rule) => sql`(${code}::text, ${rule.debit}::text, ${rule.credit}::text, ${rule.sameRegion}::boolean)`,
    ),
  );
  return sql.join(rows);
}

/**
 * Recomputes every balance from the entries and checks every ledger invariant (what
 * `skillfund ledger verify` runs). Arithmetic: balances equal the sums of entries, no fund
 * account below zero, debits equal credits per province, every journal has transfers, nothing
 * posted into a closed period after its close, payment items agree with their transfers.
 * Business (issue 15): see `businessChecks`. Integrity (issue 18): every transfer and payment
 * item matches its keyed seal, so the sums above are sums of entries as they were written.
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
    // Every transfer moves one amount from one account to another, so debits equal credits per
    // journal by construction; what can break is a journal left without transfers.
    check(
      'every journal has transfers',
      sql<{ problem: string }>`
        select 'journal ' || j.id || ' has no transfers' as problem
        from ledger_journal j
        where not exists (select 1 from ledger_transfer t where t.journal_id = j.id and t.province_code = j.province_code)
        order by j.id`.execute(executor),
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
    ...businessChecks(executor),
    sealCheck(executor),
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

async function sealCheck(executor: Executor): Promise<VerificationCheck> {
  const { problems, total } = await verifySeals(executor);
  const more = total > problems.length ? [`… and ${total - problems.length} more`] : [];
  return {
    name: 'every transfer and payment item matches its keyed seal',
    category: 'integrity',
    isPassed: total === 0,
    failures: [...problems, ...more],
  };
}

/** Fund accounts: the money of the special account (what may only grow for a recorded reason). */
const FUND_KINDS = sql`('special', 'training', 'on_the_job_training', 'living_allowance', 'certificate', 'apprenticeship', 'advance')`;

/**
 * That money moved for a business reason: every transfer follows the transfer-code table (a
 * reversal mirrors its original); every disbursement or advance traces to a payment item of an
 * approved claim (and its line, when it names one) unless reversed; per line, what is paid or
 * in flight is at most its approved amount; money enters the special account only from an
 * appropriation, a failed or returned payment of its own (once, its whole amount), a recovery
 * order's receipt, bank interest as an approved manual posting of that amount (a statement line's
 * posting is one), or a reversal; each recovery
 * receipt (both its legs) was posted by an approved `recovery_receipt` approval of the same order
 * and amount; and each recovery order's recovered amount is the sum of its receipts.
 */
function businessChecks(executor: Executor): Promise<VerificationCheck>[] {
  return [
    check(
      'every transfer follows the transfer-code table',
      sql<{ problem: string }>`
        with rules(code, debit_kind, credit_kind, same_region) as (values ${codeTableValues()})
        select 'transfer ' || t.id || ' (' || t.code || '): ' || d.region_code || ' ' || d.kind || ' → '
               || c.region_code || ' ' || c.kind || ' is not allowed' as problem
        from ledger_transfer t
        join ledger_account d on d.id = t.debit_account_id and d.province_code = t.province_code
        join ledger_account c on c.id = t.credit_account_id and c.province_code = t.province_code
        where t.code <> 'reversal' and not exists (
          select 1 from rules r where r.code = t.code and r.debit_kind = d.kind and r.credit_kind = c.kind
            and (not r.same_region or d.region_code = c.region_code))
        union all
        select 'reversal ' || t.id || ' does not mirror transfer ' || coalesce(t.reverses_transfer_id::text, '(none)')
        from ledger_transfer t
        left join ledger_transfer o on o.id = t.reverses_transfer_id and o.province_code = t.province_code
        where t.code = 'reversal' and (o.id is null or o.debit_account_id <> t.credit_account_id
          or o.credit_account_id <> t.debit_account_id or o.amount_fen <> t.amount_fen)
        order by 1`.execute(executor),
      'business',
    ),
    check(
      'every disbursement traces to an approved claim (line, advance or settlement)',
      sql<{ problem: string }>`
        select 'transfer ' || t.id || ' (' || t.code || ', ' || t.amount_fen || ' fen): '
               || case when i.id is null then 'no payment item'
                       when c.id is null then 'claim ' || i.claim_id || ' does not exist'
                       when c.status not in ('payment_ordered', 'paid', 'payment_failed')
                         then 'claim ' || c.id || ' is ' || c.status || ', not approved for payment'
                       when i.claim_line_id is not null and l.id is null
                         then 'claim line ' || i.claim_line_id || ' is not a line of claim ' || c.id
                       else 'claim line ' || l.id || ' is not eligible' end as problem
        from ledger_transfer t
        left join payment_item i on i.transfer_id = t.id and i.province_code = t.province_code
        left join claim c on c.id = i.claim_id and c.province_code = i.province_code
        left join claim_line l on l.id = i.claim_line_id and l.province_code = i.province_code and l.claim_id = i.claim_id
        where t.code in ('disbursement', 'advance')
          and not exists (select 1 from ledger_transfer r where r.reverses_transfer_id = t.id and r.province_code = t.province_code)
          and (i.id is null or c.id is null or c.status not in ('payment_ordered', 'paid', 'payment_failed')
               or (i.claim_line_id is not null and (l.id is null or not l.is_eligible)))
        order by t.id`.execute(executor),
      'business',
    ),
    check(
      'per claim line, paid and in flight is at most the approved amount',
      sql<{ problem: string }>`
        select 'claim line ' || l.id || ' of claim ' || l.claim_id || ': approved ' || l.amount_fen
               || ' fen, paid or in flight ' || sum(i.amount_fen) || ' fen' as problem
        from claim_line l
        join payment_item i on i.claim_line_id = l.id and i.province_code = l.province_code
        where i.status in ('ordered', 'paid') and i.kind in ('payment', 'advance')
        group by l.id, l.claim_id, l.amount_fen
        having sum(i.amount_fen) > l.amount_fen
        order by l.id`.execute(executor),
      'business',
    ),
    check(
      'per claim, paid and in flight is at most its approved lines',
      sql<{ problem: string }>`
        select 'claim ' || c.id || ': approved ' || coalesce(max(a.approved), 0) || ' fen, paid or in flight '
               || sum(i.amount_fen) || ' fen' as problem
        from claim c
        join payment_item i on i.claim_id = c.id and i.province_code = c.province_code
        left join lateral (
          select sum(l.amount_fen) as approved from claim_line l
          where l.claim_id = c.id and l.province_code = c.province_code and l.is_eligible and l.amount_fen > 0
        ) a on true
        where i.status in ('ordered', 'paid') and i.kind = 'payment'
        group by c.id
        having sum(i.amount_fen) > coalesce(max(a.approved), 0)
        order by c.id`.execute(executor),
      'business',
    ),
    check(
      'money enters the special account only for a recorded reason',
      sql<{ problem: string }>`
        select 'transfer ' || t.id || ' (' || t.code || ') brings ' || t.amount_fen || ' fen from '
               || d.region_code || ' ' || d.kind || ' into ' || c.region_code || ' ' || c.kind
               || ' without ' || case t.code when 'payment_failure' then 'a payment item charged to it'
                                              when 'recovery' then 'a recovery order'
                                              when 'interest' then 'an approved posting of that amount'
                                              else 'a reason' end as problem
        from ledger_transfer t
        join ledger_account d on d.id = t.debit_account_id and d.province_code = t.province_code
        join ledger_account c on c.id = t.credit_account_id and c.province_code = t.province_code
        where c.kind in ${FUND_KINDS} and d.kind not in ${FUND_KINDS}
          and not (
            (t.code = 'appropriation' and d.kind = 'ui_fund_source' and d.region_code = c.region_code)
            -- a failed or returned payment comes back once, whole, to the account it was charged to
            or (t.code = 'payment_failure' and exists (
                  select 1 from payment_item i join ledger_transfer o on o.id = i.transfer_id and o.province_code = i.province_code
                  where i.id = t.payment_item_id and i.province_code = t.province_code and o.debit_account_id = t.credit_account_id
                    and i.amount_fen = t.amount_fen)
                and not exists (
                  select 1 from ledger_transfer p where p.province_code = t.province_code and p.code = 'payment_failure'
                    and p.payment_item_id = t.payment_item_id and p.id < t.id))
            or (t.code = 'recovery' and t.recovery_order_id is not null)
            -- interest only as an approved manual posting of that amount (a statement line's posting is
            -- one: its approval names the line; postings moved from the old statement-posting table too)
            or (t.code = 'interest' and exists (
                  select 1 from ledger_approval a where a.province_code = t.province_code and a.status = 'approved'
                    and a.kind = 'manual_transfer' and (a.payload ->> 'amountFen')::bigint = t.amount_fen
                    and (t.idempotency_id = 'approval:' || a.id
                         or (t.statement_line_id is not null
                             and (a.payload ->> 'statementLineId')::bigint = t.statement_line_id))))
            or (t.code = 'reversal' and t.reverses_transfer_id is not null))
        order by t.id`.execute(executor),
      'business',
    ),
    check(
      'each recovery receipt is an approved recovery_receipt approval',
      sql<{ problem: string }>`
        select 'recovery transfer ' || t.id || ' (order ' || coalesce(t.recovery_order_id::text, '(none)') || ', '
               || t.amount_fen || ' fen): '
               || case when a.id is null then 'no approved recovery_receipt approval'
                       else 'does not match approval ' || a.id || ' (order ' || (a.payload ->> 'orderId') || ', '
                            || (a.payload ->> 'amountFen') || ' fen)' end as problem
        from ledger_transfer t
        join ledger_account c on c.id = t.credit_account_id and c.province_code = t.province_code
        left join ledger_approval a on a.province_code = t.province_code and a.kind = 'recovery_receipt'
          and a.status = 'approved'
          and a.id = substring(t.idempotency_id from '^recovery-receipt:approval:([0-9]+):(fund|receivable)$')::bigint
        where t.code = 'recovery' and (c.kind in ${FUND_KINDS} or c.kind = 'receivable')
          and (a.id is null or (a.payload ->> 'orderId')::bigint is distinct from t.recovery_order_id
               or (a.payload ->> 'amountFen')::bigint <> t.amount_fen)
        order by t.id`.execute(executor),
      'business',
    ),
    check(
      'each recovery order agrees with its receipts',
      sql<{ problem: string }>`
        select 'recovery order ' || o.id || ': amount ' || o.amount_fen || ', recovered ' || o.recovered_fen
               || ', receipts ' || coalesce(r.total, 0) || ', status ' || o.status as problem
        from recovery_order o
        left join lateral (
          select sum(t.amount_fen) as total from ledger_transfer t
          join ledger_account a on a.id = t.credit_account_id and a.province_code = t.province_code
          where t.recovery_order_id = o.id and t.province_code = o.province_code and t.code = 'recovery'
            and a.kind in ${FUND_KINDS}
        ) r on true
        where o.recovered_fen <> coalesce(r.total, 0) or o.recovered_fen > o.amount_fen
           or (o.status = 'closed') <> (o.recovered_fen = o.amount_fen)
        order by o.id`.execute(executor),
      'business',
    ),
  ];
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
