-- The social-insurance contribution list (社会保险缴费记录) an HRSS officer imports from the
-- social-insurance system: one row per person, enterprise and contribution month. A 以工代训
-- month counts as verified only by a row here with an amount above zero (issue 17 finding 8);
-- the payroll an enterprise enters itself (payroll_record) verifies nothing any more.
create table social_insurance_contribution (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  enterprise_id bigint not null,
  person_id bigint not null,
  person_province_code text not null,
  contribution_month text not null check (contribution_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  amount_fen bigint not null check (amount_fen >= 0),
  imported_by_user_id bigint not null,
  imported_on date not null,
  source_file_name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, enterprise_id, person_id, contribution_month),
  foreign key (enterprise_id, province_code) references organisation (id, province_code),
  foreign key (person_id, person_province_code) references person (id, province_code)
);
create index social_insurance_contribution_person_idx
  on social_insurance_contribution (person_id, enterprise_id, contribution_month);
