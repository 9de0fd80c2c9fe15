-- Payment and ledger controls (issue 15): no fen leaves the special account without an approved,
-- evidenced entitlement and, where a person starts the movement, a second person's approval.
--
-- ledger_approval: maker-checker for every money movement a person starts that is not a fund
-- request (those keep ledger_fund_request): payment orders, manual transfers (interest and bank
-- fees between the bank account and its own special account), reversals and changes of a
-- payee's registered bank account. The maker's request changes no balance; the checker — another
-- user with the same permission and scope — approves (the movement is posted in the same
-- transaction) or rejects.
create table ledger_approval (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  kind text not null check (kind in ('payment_order', 'manual_transfer', 'reversal', 'payee_account')),
  idempotency_id text not null check (length(idempotency_id) between 1 and 160),
  request_hash text not null,
  payload jsonb not null,
  amount_fen bigint check (amount_fen is null or amount_fen > 0),
  summary text not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  requested_by bigint not null,
  decided_by bigint,
  decided_at timestamptz,
  decision_reason text,
  result jsonb,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, idempotency_id),
  check (decided_by is null or decided_by <> requested_by)
);
create index ledger_approval_pending_idx on ledger_approval (province_code, status, region_code);

-- The registered bank account of a payee (收款账户登记): the organisation's settlement account or
-- the trainee's social-security-card account. Payments take the payee's account from here (or,
-- for the applicant itself, from its own claim); a change is a new row approved by a second
-- person (kind 'payee_account' above), the previous row is kept and marked superseded.
create table payee_account (
  id bigint generated always as identity,
  province_code text not null,
  payee_type text not null check (payee_type in ('organisation', 'person')),
  payee_id bigint not null,
  bank_name text not null,
  -- AES-256-GCM ciphertext, context 'payee_account.account_number'
  account_ciphertext text not null,
  is_current boolean not null default true,
  approval_id bigint,
  reason text not null,
  created_by bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code)
);
create unique index payee_account_current_idx on payee_account (province_code, payee_type, payee_id)
  where is_current;
