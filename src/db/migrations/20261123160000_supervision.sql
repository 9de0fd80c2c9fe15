-- Supervision (issue 9): data-comparison lists (大数据比对), risk alerts from the detectors,
-- investigation cases with notes and attachments, sanctions with their appeal, inspections,
-- institution credit ratings, high-skill training bases, and third-party review agencies
-- (contracts and performance reviews). Rules, scores and the rating formula: docs/supervision.md.
--
-- Every table carries province_code in its primary key and unique constraints (docs/scaling.md).

-- Lists imported from other systems: social insurance, pension payment, school enrolment. Only
-- the keyed blind index of each ID number is kept (the same HMAC as person.id_number_hash), so a
-- list matches the registry without storing anyone's ID number a second time.
create table reference_list (
  id bigint generated always as identity,
  province_code text not null,
  source text not null check (source in ('social_insurance', 'pension', 'school_enrolment')),
  title text not null,
  as_of date not null,
  row_count integer not null check (row_count >= 0),
  imported_by_user_id bigint,
  imported_at timestamptz not null default now(),
  primary key (id, province_code)
);

create table reference_list_entry (
  id bigint generated always as identity,
  province_code text not null,
  list_id bigint not null,
  source text not null,
  id_number_hash text not null,
  valid_from date,
  valid_to date,
  -- The employer (social insurance) or school (enrolment) of the entry, when the list gives it.
  organisation_credit_code text,
  organisation_name text,
  is_full_time boolean not null default true,
  primary key (id, province_code),
  foreign key (list_id, province_code) references reference_list (id, province_code),
  check (valid_to is null or valid_from is null or valid_to >= valid_from)
);
create index reference_list_entry_hash_idx on reference_list_entry (id_number_hash, source);

-- A keyed fingerprint of each person's phone (HMAC, purpose 'supervision.phone'), refreshed by
-- the detectors from the registry, so shared phones can be found with SQL without plaintext.
create table person_phone_fingerprint (
  province_code text not null,
  person_id bigint not null,
  phone_hash text,
  source_updated_at timestamptz not null,
  primary key (person_id, province_code),
  foreign key (person_id, province_code) references person (id, province_code)
);
create index person_phone_fingerprint_hash_idx on person_phone_fingerprint (phone_hash)
  where phone_hash is not null;

-- One alert per rule and subject (subject_key), refreshed by every screening or sweep.
create table risk_alert (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  rule_code text not null,
  subject_key text not null,
  class_id bigint,
  related_class_id bigint,
  claim_id bigint,
  institution_id bigint,
  person_id bigint,
  score integer not null check (score between 0 and 100),
  evidence jsonb not null,
  status text not null default 'open' check (status in ('open', 'cleared', 'in_case', 'confirmed')),
  first_detected_at timestamptz not null default now(),
  last_detected_at timestamptz not null default now(),
  cleared_at timestamptz,
  cleared_by_user_id bigint,
  clear_reason text,
  case_id bigint,
  primary key (id, province_code),
  unique (province_code, rule_code, subject_key)
);
create index risk_alert_class_idx on risk_alert (class_id) where class_id is not null;
create index risk_alert_related_class_idx on risk_alert (related_class_id) where related_class_id is not null;
create index risk_alert_claim_idx on risk_alert (claim_id) where claim_id is not null;
create index risk_alert_region_status_idx on risk_alert (region_code, status);

create table risk_sweep_run (
  id bigint generated always as identity,
  province_code text not null,
  scope text not null,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  alert_count integer not null,
  new_alert_count integer not null,
  by_rule jsonb not null,
  triggered_by_user_id bigint,
  primary key (id, province_code)
);

create table supervision_case (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  case_number text not null,
  title text not null,
  status text not null default 'open' check (status in ('open', 'cleared', 'confirmed')),
  institution_id bigint,
  agency_id bigint,
  opened_by_user_id bigint,
  opened_at timestamptz not null default now(),
  outcome_reason text,
  decided_by_user_id bigint,
  decided_at timestamptz,
  recovered_claim_ids jsonb not null default '[]',
  primary key (id, province_code),
  unique (province_code, case_number)
);
create index supervision_case_region_idx on supervision_case (region_code, status);
create index supervision_case_institution_idx on supervision_case (institution_id);

create table supervision_case_alert (
  province_code text not null,
  case_id bigint not null,
  alert_id bigint not null,
  primary key (province_code, case_id, alert_id),
  foreign key (case_id, province_code) references supervision_case (id, province_code),
  foreign key (alert_id, province_code) references risk_alert (id, province_code)
);

-- Investigation notes are a record: never changed, never deleted.
create table supervision_case_note (
  id bigint generated always as identity,
  province_code text not null,
  case_id bigint not null,
  author_user_id bigint,
  content text not null,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (case_id, province_code) references supervision_case (id, province_code)
);
create trigger supervision_case_note_append_only before update or delete on supervision_case_note
  for each row execute function refuse_modification();

create table supervision_case_attachment (
  id bigint generated always as identity,
  province_code text not null,
  case_id bigint not null,
  file_name text not null,
  content_type text not null,
  size_bytes bigint not null check (size_bytes >= 0),
  sha256 text not null,
  storage_path text not null,
  uploaded_by_user_id bigint,
  uploaded_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (case_id, province_code) references supervision_case (id, province_code)
);

-- Suspension or blacklisting of an institution or review agency, dated, with its appeal.
create table supervision_sanction (
  id bigint generated always as identity,
  province_code text not null,
  organisation_id bigint not null,
  case_id bigint,
  action text not null check (action in ('suspended', 'blacklisted')),
  effective_date date not null,
  reason text not null,
  decided_by_user_id bigint,
  decided_at timestamptz not null default now(),
  appeal_status text not null default 'none' check (appeal_status in ('none', 'filed', 'upheld', 'overturned')),
  appeal_filed_on date,
  appeal_grounds text,
  appeal_decided_at timestamptz,
  appeal_decision text,
  appeal_decided_by_user_id bigint,
  primary key (id, province_code),
  foreign key (organisation_id, province_code) references organisation (id, province_code)
);
create index supervision_sanction_organisation_idx on supervision_sanction (organisation_id);

create table institution_inspection (
  id bigint generated always as identity,
  province_code text not null,
  institution_id bigint not null,
  inspected_on date not null,
  result text not null check (result in ('passed', 'minor_issues', 'failed')),
  findings text not null,
  recorded_by_user_id bigint,
  recorded_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (institution_id, province_code) references organisation (id, province_code)
);
create index institution_inspection_institution_idx on institution_inspection (institution_id);

-- Every computation is kept; the newest row of an institution and year is its rating.
create table institution_rating (
  id bigint generated always as identity,
  province_code text not null,
  institution_id bigint not null,
  rating_year integer not null,
  grade text not null check (grade in ('A', 'B', 'C', 'D')),
  score numeric(6, 2) not null,
  components jsonb not null,
  explanation jsonb not null,
  computed_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (institution_id, province_code) references organisation (id, province_code)
);
create index institution_rating_institution_idx on institution_rating (institution_id, rating_year, id);

-- High-skill training bases (高技能人才培训基地), national or municipal (渝人社发〔2021〕12号 六).
create table high_skill_base (
  id bigint generated always as identity,
  province_code text not null,
  organisation_id bigint not null,
  base_level text not null check (base_level in ('national', 'municipal')),
  designated_on date not null,
  status text not null default 'active' check (status in ('active', 'revoked')),
  revoked_on date,
  revoke_reason text,
  primary key (id, province_code),
  unique (province_code, organisation_id, base_level),
  foreign key (organisation_id, province_code) references organisation (id, province_code)
);

-- Third-party review agencies (第三方社会机构) under a government purchase-of-services contract.
create table review_agency_contract (
  id bigint generated always as identity,
  province_code text not null,
  agency_id bigint not null,
  contract_number text not null,
  region_codes jsonb not null,
  starts_on date not null,
  ends_on date not null,
  status text not null default 'active' check (status in ('active', 'terminated')),
  terminated_on date,
  created_by_user_id bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, contract_number),
  foreign key (agency_id, province_code) references organisation (id, province_code),
  check (ends_on >= starts_on)
);
create index review_agency_contract_agency_idx on review_agency_contract (agency_id);

create table review_agency_evaluation (
  id bigint generated always as identity,
  province_code text not null,
  agency_id bigint not null,
  period_start date not null,
  period_end date not null,
  reviewed_claims integer not null,
  missed_fraud_claims integer not null,
  officer_score integer not null check (officer_score between 0 and 100),
  overall_score numeric(6, 2) not null,
  conclusion text not null check (conclusion in ('excellent', 'qualified', 'unqualified')),
  comments text not null,
  evaluated_by_user_id bigint,
  evaluated_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (agency_id, province_code) references organisation (id, province_code)
);
