-- The bank side of the special account (渝人社发〔2021〕12号 八 账实相符、账表相符):
-- bank profiles, the special account's bank account per region, payee bank details on
-- disbursements, statements with debit/credit, stored reconciliations with a second-person
-- sign-off, interest and fees posted from statement lines, and period close in order.

-- A bank layout a province adds or adapts (instruction, result and statement files). The
-- built-in profiles are data files in src/ledger/bank-profiles/; a row here with the same code
-- replaces the built-in one for the province (e.g. a saved statement column mapping).
create table ledger_bank_profile (
  province_code text not null,
  code text not null check (code ~ '^[a-z0-9_-]{2,40}$'),
  name text not null,
  definition jsonb not null,
  updated_by bigint,
  updated_at timestamptz not null default now(),
  primary key (province_code, code)
);

-- The special account (专户) of a region at its bank: the payer of instruction files and the
-- account a statement belongs to; its profile says which layouts the bank takes.
create table ledger_bank_account (
  province_code text not null,
  region_code text not null references region (code),
  account_number text not null,
  account_name text not null,
  bank_name text not null,
  bank_code text,
  profile_code text not null default 'generic',
  updated_by bigint,
  updated_at timestamptz not null default now(),
  primary key (province_code, region_code)
);

-- The payee's bank and its 联行号 (CNAPS code) where the claim knows them.
alter table payment_disbursement add column payee_bank_name text;
alter table payment_disbursement add column payee_bank_code text;

-- Statements: which profile read them, the bank's opening and closing balance, and per line the
-- direction (debit = money out of the special account, credit = money in), counterparty and
-- summary. amount_fen keeps its sign: positive out, negative in.
alter table bank_statement add column profile_code text;
alter table bank_statement add column opening_balance_fen bigint;
alter table bank_statement add column closing_balance_fen bigint;
alter table bank_statement_line add column direction text check (direction in ('debit', 'credit'));
alter table bank_statement_line add column counterparty_name text;
alter table bank_statement_line add column summary text;
alter table bank_statement_line add column balance_fen bigint;

-- A reconciliation of a region's special account for a month: the worksheet (matches,
-- classified lines, 余额调节表) as prepared, signed off by a second person.
create table ledger_reconciliation (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  statement_id bigint not null,
  worksheet jsonb not null,
  worksheet_hash text not null,
  bank_closing_fen bigint not null,
  book_balance_fen bigint not null,
  is_balanced boolean not null,
  problem_count integer not null,
  status text not null default 'prepared' check (status in ('prepared', 'signed_off')),
  prepared_by bigint not null,
  prepared_at timestamptz not null default now(),
  signed_off_by bigint,
  signed_off_at timestamptz,
  primary key (id, province_code),
  foreign key (statement_id, province_code) references bank_statement (id, province_code),
  check (signed_off_by is null or signed_off_by <> prepared_by),
  check (status = 'prepared' or (is_balanced and signed_off_by is not null))
);
create index ledger_reconciliation_period_idx on ledger_reconciliation (province_code, period, region_code);

-- Interest (结息) and bank fees (手续费) from a statement line: one person proposes, another posts.
create table ledger_statement_posting (
  id bigint generated always as identity,
  province_code text not null,
  statement_line_id bigint not null,
  region_code text not null references region (code),
  kind text not null check (kind in ('interest', 'bank_fee')),
  amount_fen bigint not null check (amount_fen > 0),
  value_date date not null,
  status text not null default 'pending' check (status in ('pending', 'posted', 'rejected')),
  requested_by bigint not null,
  decided_by bigint,
  decided_at timestamptz,
  journal_id bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (statement_line_id, province_code) references bank_statement_line (id, province_code),
  check (decided_by is null or decided_by <> requested_by)
);
create unique index ledger_statement_posting_line_idx on ledger_statement_posting (province_code, statement_line_id)
  where status <> 'rejected';

-- A close keeps the month's ledger figures as they were (frozen report figures).
alter table ledger_period_close add column figures jsonb;

-- Months close in order, so every month up to the last closed one is closed: a value date in or
-- before it is refused (before, only the exact closed month was).
create or replace function ledger_refuse_closed_period() returns trigger language plpgsql as $$
declare
  last_closed text;
begin
  select max(period) into last_closed from ledger_period_close where province_code = new.province_code;
  if last_closed is not null and to_char(new.value_date, 'YYYY-MM') <= last_closed then
    raise exception 'period % of province % is closed', to_char(new.value_date, 'YYYY-MM'), new.province_code
      using errcode = 'P0002';
  end if;
  return new;
end;
$$;
