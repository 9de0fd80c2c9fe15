-- The evaluation-organisation catalog (评价机构目录, issue 17 finding 3): which evaluation
-- organisation may assess and certify which occupation at which level, admitted by an officer of
-- its region, withdrawn with a reason.
create table evaluation_catalog (
  id bigint generated always as identity,
  province_code text not null,
  organisation_id bigint not null,
  occupation_code text not null references occupation (code),
  level text not null,
  region_code text not null references region (code),
  valid_from date not null,
  valid_to date,
  status text not null default 'active' check (status in ('active', 'withdrawn')),
  withdrawn_on date,
  withdrawal_reason text,
  withdrawn_by_user_id bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, organisation_id, occupation_code, level, region_code),
  foreign key (organisation_id, province_code) references organisation (id, province_code),
  check ((status = 'withdrawn') = (withdrawn_on is not null and withdrawal_reason is not null))
);

-- An assessment (考核评价) held by an evaluation organisation for one occupation and level on one
-- day, and each candidate's result: a skill-level, special-ability or qualification certificate
-- follows a passing result in it.
create table assessment (
  id bigint generated always as identity,
  province_code text not null,
  organisation_id bigint not null,
  occupation_code text not null references occupation (code),
  level text not null,
  assessed_on date not null,
  created_by_user_id bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (organisation_id, province_code) references organisation (id, province_code)
);

create table assessment_result (
  id bigint generated always as identity,
  province_code text not null,
  assessment_id bigint not null,
  person_id bigint not null,
  person_province_code text not null,
  score numeric(5, 2) not null check (score >= 0 and score <= 100),
  is_passed boolean not null,
  recorded_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, assessment_id, person_id),
  foreign key (assessment_id, province_code) references assessment (id, province_code),
  foreign key (person_id, person_province_code) references person (id, province_code)
);

alter table certificate add column assessment_id bigint;
