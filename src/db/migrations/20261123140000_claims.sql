-- Subsidy claims: employment records for 以工代训, claims with one line per person decided by the
-- policy engine, the workflow's transitions (append-only), public-notice objections,
-- attachments, and subsidy_usage, the table whose unique key makes two racing claims unable to
-- use the same yearly subsidy, certificate, occupation+level or 以工代训 month.

create table employment_record (
  id bigint generated always as identity,
  province_code text not null,
  enterprise_id bigint not null,
  person_id bigint not null,
  person_province_code text not null,
  contract_months integer not null check (contract_months > 0),
  start_date date not null,
  end_date date,
  is_payroll_verified boolean not null default false,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (enterprise_id, province_code) references organisation (id, province_code),
  foreign key (person_id, person_province_code) references person (id, province_code),
  check (end_date is null or end_date >= start_date)
);
create index employment_record_person_idx on employment_record (person_id);

-- Payroll months confirmed by data comparison (大数据比对) with the social-insurance system.
create table payroll_record (
  id bigint generated always as identity,
  province_code text not null,
  employment_id bigint not null,
  pay_month text not null check (pay_month ~ '^[0-9]{4}-[0-9]{2}$'),
  gross_pay_fen bigint not null check (gross_pay_fen >= 0),
  primary key (id, province_code),
  unique (province_code, employment_id, pay_month),
  foreign key (employment_id, province_code) references employment_record (id, province_code)
);

create table claim (
  id bigint generated always as identity,
  province_code text not null,
  claim_number text not null,
  region_code text not null references region (code),
  subsidy_kind text not null,
  mode text not null default 'full' check (mode in ('full', 'advance', 'settlement')),
  applicant_kind text not null check (applicant_kind in ('institution', 'enterprise', 'evaluation_org', 'person')),
  applicant_organisation_id bigint,
  applicant_person_id bigint,
  class_id bigint,
  advance_claim_id bigint,
  application_date date not null,
  payee_bank_name text,
  payee_bank_account text,
  payment_batch_id bigint,
  status text not null default 'draft' check (status in ('draft', 'submitted', 'reviewed', 'in_notice', 'approved',
    'payment_ordered', 'paid', 'payment_failed', 'returned', 'rejected')),
  total_amount_fen bigint not null default 0 check (total_amount_fen >= 0),
  eligible_line_count integer not null default 0,
  line_count integer not null default 0,
  idempotency_key text,
  request_hash text,
  notice_starts_on date,
  notice_ends_on date,
  submitted_at timestamptz,
  reviewed_at timestamptz,
  reviewed_by_user_id bigint,
  approved_at timestamptz,
  approved_by_user_id bigint,
  payment_ordered_at timestamptz,
  paid_at timestamptz,
  last_reason text,
  risk_score integer not null default 0,
  is_risk_blocked boolean not null default false,
  created_by_user_id bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, claim_number),
  unique (province_code, created_by_user_id, idempotency_key),
  foreign key (class_id, province_code) references training_class (id, province_code),
  foreign key (advance_claim_id, province_code) references claim (id, province_code)
);
create index claim_region_status_idx on claim (region_code, status);
create index claim_class_idx on claim (class_id);

create table claim_line (
  id bigint generated always as identity,
  province_code text not null,
  claim_id bigint not null,
  line_number integer not null,
  person_id bigint,
  person_province_code text,
  certificate_id bigint,
  employment_id bigint,
  subject text not null,
  policy_id text,
  is_eligible boolean not null,
  amount_fen bigint not null check (amount_fen >= 0),
  payee text not null,
  payee_organisation_id bigint,
  payee_person_id bigint,
  payee_ids jsonb not null default '{}',
  counts_toward_annual_limit boolean not null,
  occupation_code text,
  level text,
  period_start date,
  period_end date,
  request jsonb not null,
  decision jsonb not null,
  status text not null default 'active' check (status in ('active', 'excluded')),
  excluded_reason text,
  decided_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, claim_id, line_number),
  foreign key (claim_id, province_code) references claim (id, province_code)
);
create index claim_line_claim_idx on claim_line (claim_id);
create index claim_line_person_idx on claim_line (person_id);

create table claim_transition (
  id bigint generated always as identity,
  province_code text not null,
  claim_id bigint not null,
  action text not null,
  from_status text not null,
  to_status text not null,
  actor_user_id bigint,
  actor_role text,
  reason text,
  occurred_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (claim_id, province_code) references claim (id, province_code)
);
create index claim_transition_claim_idx on claim_transition (claim_id);
create trigger claim_transition_append_only before update or delete on claim_transition
  for each row execute function refuse_modification();

create table claim_objection (
  id bigint generated always as identity,
  province_code text not null,
  claim_id bigint not null,
  claim_line_id bigint,
  objector text not null,
  content text not null,
  recorded_by_user_id bigint,
  recorded_at timestamptz not null default now(),
  resolution text,
  is_upheld boolean,
  resolved_by_user_id bigint,
  resolved_at timestamptz,
  primary key (id, province_code),
  foreign key (claim_id, province_code) references claim (id, province_code)
);

create table claim_attachment (
  id bigint generated always as identity,
  province_code text not null,
  claim_id bigint not null,
  material_code text not null,
  file_name text not null,
  content_type text not null,
  size_bytes bigint not null check (size_bytes >= 0),
  sha256 text not null,
  storage_path text not null,
  uploaded_by_user_id bigint,
  uploaded_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (claim_id, province_code) references claim (id, province_code)
);

-- One row per use of a limited entitlement, keyed in the person's (or certificate's) province.
-- kind: annual_slot (person:year:slot 1..3), certificate (certificate id), occupation_level
-- (person:occupation:level), ojt_month (person:YYYY-MM). The primary key is the race guard.
create table subsidy_usage (
  province_code text not null,
  kind text not null check (kind in ('annual_slot', 'certificate', 'occupation_level', 'ojt_month')),
  usage_key text not null,
  claim_id bigint not null,
  claim_province_code text not null,
  claim_line_id bigint not null,
  created_at timestamptz not null default now(),
  primary key (province_code, kind, usage_key)
);
create index subsidy_usage_claim_idx on subsidy_usage (claim_id);

-- Idempotent claim submissions: the Idempotency-Key header, scoped to the caller.
create table idempotency_record (
  province_code text not null,
  user_id bigint not null,
  idempotency_key text not null,
  request_hash text not null,
  response_status integer not null,
  response_body jsonb not null,
  created_at timestamptz not null default now(),
  primary key (province_code, user_id, idempotency_key)
);
