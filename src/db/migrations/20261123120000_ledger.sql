-- The special account (职业技能提升行动专账): a double-entry fund ledger in the TigerBeetle style.
--
-- Accounts: one per (region, kind). Balances are kept on the account's normal side and are
-- always equal to the sums of the posted entries (the CHECK below ties balance_fen to the two
-- running totals); fund accounts may never go below zero (CHECK), which together with the
-- conditional update in the service makes an overdraw impossible even under concurrency.
--
-- Transfers: append-only (refuse_modification() from the foundation migration), each with a
-- caller-supplied idempotency id unique per province, a business-event code from a fixed list,
-- and typed reference columns. Corrections are new transfers (code 'reversal').
--
-- Period close: a closed month refuses every transfer whose value date falls in it (trigger).

create table ledger_account (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  kind text not null check (kind in (
    'ui_fund_source', 'special', 'training', 'on_the_job_training', 'living_allowance', 'certificate',
    'apprenticeship', 'advance', 'payable', 'bank', 'receivable', 'recovery_reserve')),
  normal_side text not null check (normal_side in ('debit', 'credit')),
  is_non_negative boolean not null,
  debits_posted_fen bigint not null default 0 check (debits_posted_fen >= 0),
  credits_posted_fen bigint not null default 0 check (credits_posted_fen >= 0),
  balance_fen bigint not null default 0,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, region_code, kind),
  constraint ledger_account_non_negative check (balance_fen >= 0 or not is_non_negative),
  constraint ledger_account_balance_matches_totals check (
    balance_fen = case normal_side when 'debit' then debits_posted_fen - credits_posted_fen
                                   else credits_posted_fen - debits_posted_fen end)
);
create index ledger_account_region_idx on ledger_account (region_code);

-- A journal groups the transfers of one business event; debits equal credits per journal by
-- construction (every transfer moves one amount from one account to another).
create table ledger_journal (
  id bigint generated always as identity,
  province_code text not null,
  code text not null,
  description text not null,
  created_by bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code)
);

create table ledger_transfer (
  id bigint generated always as identity,
  province_code text not null,
  journal_id bigint not null,
  idempotency_id text not null check (length(idempotency_id) between 1 and 128),
  request_hash text not null,
  debit_account_id bigint not null,
  credit_account_id bigint not null,
  amount_fen bigint not null check (amount_fen > 0),
  code text not null check (code in (
    'appropriation', 'allocation', 'reallocation', 'advance', 'settlement', 'disbursement',
    'payment_failure', 'recovery', 'reversal', 'interest', 'bank_fee')),
  value_date date not null,
  description text,
  claim_id bigint,
  claim_line_id bigint,
  payment_batch_id bigint,
  payment_item_id bigint,
  disbursement_id bigint,
  statement_line_id bigint,
  fund_request_id bigint,
  recovery_order_id bigint,
  reverses_transfer_id bigint,
  created_by bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, idempotency_id),
  check (debit_account_id <> credit_account_id),
  foreign key (journal_id, province_code) references ledger_journal (id, province_code),
  foreign key (debit_account_id, province_code) references ledger_account (id, province_code),
  foreign key (credit_account_id, province_code) references ledger_account (id, province_code)
);
create index ledger_transfer_debit_idx on ledger_transfer (debit_account_id, value_date);
create index ledger_transfer_credit_idx on ledger_transfer (credit_account_id, value_date);
create index ledger_transfer_journal_idx on ledger_transfer (journal_id);
create index ledger_transfer_claim_idx on ledger_transfer (claim_id);
create index ledger_transfer_disbursement_idx on ledger_transfer (disbursement_id);
create unique index ledger_transfer_reversal_once on ledger_transfer (province_code, reverses_transfer_id)
  where reverses_transfer_id is not null;

create trigger ledger_journal_append_only before update or delete on ledger_journal
  for each row execute function refuse_modification();
create trigger ledger_journal_no_truncate before truncate on ledger_journal
  for each statement execute function refuse_modification();
create trigger ledger_transfer_append_only before update or delete on ledger_transfer
  for each row execute function refuse_modification();
create trigger ledger_transfer_no_truncate before truncate on ledger_transfer
  for each statement execute function refuse_modification();

-- A closed month of one province. Closing is final (append-only): a late correction is posted
-- in the next open month as a reversal.
create table ledger_period_close (
  province_code text not null,
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  closed_by bigint,
  closed_at timestamptz not null default now(),
  primary key (province_code, period)
);
create trigger ledger_period_close_append_only before update or delete on ledger_period_close
  for each row execute function refuse_modification();
create trigger ledger_period_close_no_truncate before truncate on ledger_period_close
  for each statement execute function refuse_modification();

create function ledger_refuse_closed_period() returns trigger language plpgsql as $$
begin
  if exists (select 1 from ledger_period_close
             where province_code = new.province_code and period = to_char(new.value_date, 'YYYY-MM')) then
    raise exception 'period % of province % is closed', to_char(new.value_date, 'YYYY-MM'), new.province_code
      using errcode = 'P0002';
  end if;
  return new;
end;
$$;
create trigger ledger_transfer_open_period before insert on ledger_transfer
  for each row execute function ledger_refuse_closed_period();

-- Maker-checker requests for appropriation (计提), allocation (下拨) and re-allocation (调剂).
create table ledger_fund_request (
  id bigint generated always as identity,
  province_code text not null,
  kind text not null check (kind in ('appropriation', 'allocation', 'reallocation')),
  from_region_code text not null references region (code),
  from_kind text not null,
  to_region_code text not null references region (code),
  to_kind text not null,
  amount_fen bigint not null check (amount_fen > 0),
  value_date date not null,
  basis jsonb,
  reason text not null,
  status text not null default 'pending' check (status in ('pending', 'posted', 'rejected')),
  requested_by bigint not null,
  decided_by bigint,
  decided_at timestamptz,
  journal_id bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  check (decided_by is null or decided_by <> requested_by)
);

create table payment_batch (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  idempotency_id text not null,
  request_hash text not null,
  value_date date not null,
  created_by bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, idempotency_id)
);

-- One disbursement = one line of the payment instruction file = one payee in one batch.
create table payment_disbursement (
  id bigint generated always as identity,
  province_code text not null,
  batch_id bigint not null,
  payee_type text not null check (payee_type in ('organisation', 'person')),
  payee_id bigint not null,
  payee_name text not null,
  payee_bank_account text not null,
  amount_fen bigint not null check (amount_fen > 0),
  status text not null default 'ordered' check (status in ('ordered', 'paid', 'failed')),
  failure_reason text,
  primary key (id, province_code),
  foreign key (batch_id, province_code) references payment_batch (id, province_code)
);
create index payment_disbursement_batch_idx on payment_disbursement (batch_id);

create table payment_item (
  id bigint generated always as identity,
  province_code text not null,
  batch_id bigint not null,
  disbursement_id bigint not null,
  claim_id bigint not null,
  claim_line_id bigint,
  region_code text not null references region (code),
  sub_account text not null,
  kind text not null check (kind in ('payment', 'advance', 'settlement')),
  amount_fen bigint not null check (amount_fen > 0),
  status text not null default 'ordered' check (status in ('ordered', 'paid', 'returned_to_payable')),
  transfer_id bigint not null,
  primary key (id, province_code),
  foreign key (batch_id, province_code) references payment_batch (id, province_code),
  foreign key (disbursement_id, province_code) references payment_disbursement (id, province_code)
);
create index payment_item_claim_idx on payment_item (claim_id);
create index payment_item_disbursement_idx on payment_item (disbursement_id);

-- Imported bank statements (append-only: a corrected statement is a new import).
create table bank_statement (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  file_name text not null,
  file_hash text not null,
  line_count integer not null,
  imported_by bigint,
  imported_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, file_hash)
);
create table bank_statement_line (
  id bigint generated always as identity,
  province_code text not null,
  statement_id bigint not null,
  line_number integer not null,
  reference text,
  amount_fen bigint not null,
  booking_date date not null,
  raw jsonb not null,
  primary key (id, province_code),
  foreign key (statement_id, province_code) references bank_statement (id, province_code)
);
create index bank_statement_line_statement_idx on bank_statement_line (statement_id);
create trigger bank_statement_append_only before update or delete on bank_statement
  for each row execute function refuse_modification();
create trigger bank_statement_line_append_only before update or delete on bank_statement_line
  for each row execute function refuse_modification();

-- A recovery order (追回) for a paid claim: posts the receivable; each repayment posts the recovery.
create table recovery_order (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  claim_id bigint not null,
  sub_account text not null,
  amount_fen bigint not null check (amount_fen > 0),
  recovered_fen bigint not null default 0 check (recovered_fen >= 0),
  reason text not null,
  idempotency_id text not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  created_by bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, idempotency_id),
  check (recovered_fen <= amount_fen)
);
create index recovery_order_claim_idx on recovery_order (claim_id);
