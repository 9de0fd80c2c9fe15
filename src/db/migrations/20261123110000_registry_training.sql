-- Real-name registry (people, organisations), the two catalogs (两目录) and the class lifecycle
-- (开班备案 → enrolment → attendance → results → certificates).
--
-- Every programme table carries province_code and includes it in every primary key and unique
-- constraint (docs/scaling.md). Business keys that must be unique nationwide (an ID number, a
-- certificate number) are unique per province in the database and checked across provinces by
-- the services. The occupation table is reference data (REFERENCE_TABLES).

create table occupation (
  code text primary key check (code ~ '^[1-8](-[0-9]{2}){0,3}$'),
  name text not null,
  major_category smallint not null check (major_category between 1 and 8),
  parent_code text references occupation (code)
);
create index occupation_parent_idx on occupation (parent_code);

-- People. id_number is the one column a later migration swaps for ciphertext plus a keyed
-- blind index (id_number_hash); only person.repository.ts reads or writes it.
create table person (
  id bigint generated always as identity,
  province_code text not null,
  registering_region_code text not null references region (code),
  id_number text not null,
  name text not null check (length(name) between 1 and 64),
  sex text not null check (sex in ('male', 'female')),
  birth_date date not null,
  phone text,
  household_region_code text references region (code),
  pension_status text not null default 'none' check (pension_status in ('none', 'receiving')),
  is_full_time_student boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, id_number)
);
create index person_region_idx on person (registering_region_code);

create table person_group (
  id bigint generated always as identity,
  province_code text not null,
  person_id bigint not null,
  group_code text not null,
  certified_by_organisation text not null,
  certified_by_officer text not null,
  valid_from date not null,
  valid_to date,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (person_id, province_code) references person (id, province_code),
  check (valid_to is null or valid_to >= valid_from)
);
create index person_group_person_idx on person_group (person_id);

-- Enterprises, training institutions, evaluation organisations and third-party review agencies.
create table organisation (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  kind text not null check (kind in ('enterprise', 'institution', 'evaluation_org', 'review_agency')),
  name text not null,
  credit_code text not null,
  status text not null default 'active' check (status in ('active', 'suspended', 'blacklisted', 'revoked')),
  status_since date not null default current_date,
  enterprise_size text check (enterprise_size in ('micro', 'small', 'medium', 'large')),
  employer_flags jsonb not null default '[]',
  licence_number text,
  licence_valid_to date,
  allowed_occupation_codes jsonb not null default '[]',
  capacity integer check (capacity is null or capacity > 0),
  contact_name text,
  contact_phone text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, kind, credit_code)
);
create index organisation_region_idx on organisation (region_code);

create table organisation_status_change (
  id bigint generated always as identity,
  province_code text not null,
  organisation_id bigint not null,
  from_status text not null,
  to_status text not null,
  effective_date date not null,
  reason text not null,
  changed_by_user_id bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (organisation_id, province_code) references organisation (id, province_code)
);

-- The training-project catalog (培训项目目录), versioned per region.
create table catalog_version (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  version_number integer not null,
  title text not null,
  status text not null default 'draft' check (status in ('draft', 'published', 'superseded')),
  effective_from date not null,
  effective_to date,
  citation_document text not null,
  citation_article text not null,
  published_at timestamptz,
  published_by_user_id bigint,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, region_code, version_number)
);

create table catalog_entry (
  id bigint generated always as identity,
  province_code text not null,
  version_id bigint not null,
  occupation_code text not null references occupation (code),
  level text not null check (level in ('special_ability', 'primary', 'intermediate', 'advanced', 'technician', 'senior_technician')),
  standard_amount_fen bigint not null check (standard_amount_fen > 0),
  standard_days integer not null check (standard_days > 0),
  standard_class_hours integer not null check (standard_class_hours > 0),
  effective_from date not null,
  effective_to date,
  citation_document text not null,
  citation_article text not null,
  is_shortage boolean not null default false,
  is_new_occupation boolean not null default false,
  primary key (id, province_code),
  unique (province_code, version_id, occupation_code, level),
  foreign key (version_id, province_code) references catalog_version (id, province_code)
);

-- The institution catalog (培训和评价机构目录): which institution may run which project where.
create table institution_catalog (
  id bigint generated always as identity,
  province_code text not null,
  institution_id bigint not null,
  occupation_code text not null references occupation (code),
  level text not null,
  region_code text not null references region (code),
  valid_from date not null,
  valid_to date,
  status text not null default 'active' check (status in ('active', 'withdrawn')),
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, institution_id, occupation_code, level, region_code),
  foreign key (institution_id, province_code) references organisation (id, province_code)
);

-- Classes (开班备案). starts_at is the start of the first session; approved_at < starts_at is
-- what "filed before the start" means to the claims engine.
create table training_class (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  institution_id bigint not null,
  class_code text,
  name text not null,
  occupation_code text not null references occupation (code),
  level text not null,
  subsidy_kind text not null default 'training',
  catalog_entry_id bigint,
  capacity integer not null check (capacity > 0),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  teaching_plan jsonb not null,
  teachers jsonb not null,
  assessment_plan jsonb not null,
  status text not null default 'filed' check (status in ('filed', 'approved', 'rejected', 'completed', 'cancelled')),
  filed_at timestamptz not null default now(),
  filed_by_user_id bigint,
  approved_at timestamptz,
  approved_by_user_id bigint,
  decision_note text,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, class_code),
  foreign key (institution_id, province_code) references organisation (id, province_code),
  check (ends_at > starts_at)
);
create index training_class_region_idx on training_class (region_code, status);
create index training_class_institution_idx on training_class (institution_id);

create table class_session (
  id bigint generated always as identity,
  province_code text not null,
  class_id bigint not null,
  session_number integer not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  mode text not null check (mode in ('offline', 'online')),
  class_hours integer not null check (class_hours >= 0),
  topic text not null,
  location text,
  primary key (id, province_code),
  unique (province_code, class_id, session_number),
  foreign key (class_id, province_code) references training_class (id, province_code),
  check (ends_at > starts_at)
);
create index class_session_class_idx on class_session (class_id);

-- A trainee may come from any province, so the person's own key travels with each row.
create table enrolment (
  id bigint generated always as identity,
  province_code text not null,
  class_id bigint not null,
  person_id bigint not null,
  person_province_code text not null,
  status text not null default 'enrolled' check (status in ('enrolled', 'withdrawn')),
  enrolled_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, class_id, person_id),
  foreign key (class_id, province_code) references training_class (id, province_code),
  foreign key (person_id, person_province_code) references person (id, province_code)
);
create index enrolment_person_idx on enrolment (person_id);

create table attendance (
  id bigint generated always as identity,
  province_code text not null,
  class_id bigint not null,
  session_id bigint not null,
  person_id bigint not null,
  sign_in_at timestamptz,
  sign_in_method text,
  sign_in_latitude double precision,
  sign_in_longitude double precision,
  sign_out_at timestamptz,
  sign_out_method text,
  sign_out_latitude double precision,
  sign_out_longitude double precision,
  primary key (id, province_code),
  unique (province_code, session_id, person_id),
  foreign key (class_id, province_code) references training_class (id, province_code),
  foreign key (session_id, province_code) references class_session (id, province_code)
);
create index attendance_class_idx on attendance (class_id, person_id);

create table exam_result (
  id bigint generated always as identity,
  province_code text not null,
  class_id bigint not null,
  person_id bigint not null,
  score numeric(5, 2) not null check (score >= 0 and score <= 100),
  is_passed boolean not null,
  exam_date date not null,
  recorded_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, class_id, person_id),
  foreign key (class_id, province_code) references training_class (id, province_code)
);

create table certificate (
  id bigint generated always as identity,
  province_code text not null,
  person_id bigint not null,
  person_province_code text not null,
  class_id bigint,
  certificate_type text not null check (certificate_type in ('vocational_qualification', 'skill_level', 'special_ability',
    'special_operation', 'special_equipment', 'training_qualified')),
  level text,
  occupation_code text references occupation (code),
  certificate_number text not null,
  issuer text not null,
  issuer_organisation_id bigint,
  issued_on date not null,
  created_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, issuer, certificate_type, certificate_number),
  foreign key (person_id, person_province_code) references person (id, province_code),
  foreign key (class_id, province_code) references training_class (id, province_code)
);
create index certificate_number_idx on certificate (certificate_number);
create index certificate_person_idx on certificate (person_id);
