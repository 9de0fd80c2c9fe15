-- On-site inspections (现场核查) by a third-party review agency of a claim (and its class) under
-- its purchase-of-services contract (issue 21): the business date of the check, its result and
-- findings, an optional attachment stored by SHA-256, and when it was recorded (system clock).
create table claim_inspection (
  id bigint generated always as identity,
  province_code text not null,
  claim_id bigint not null,
  class_id bigint,
  agency_id bigint not null,
  contract_id bigint not null,
  inspected_on date not null,
  result text not null check (result in ('passed', 'minor_issues', 'failed')),
  findings text not null,
  attachment_file_name text,
  attachment_content_type text,
  attachment_size_bytes bigint check (attachment_size_bytes >= 0),
  attachment_sha256 text,
  attachment_storage_path text,
  recorded_by_user_id bigint,
  recorded_at timestamptz not null default now(),
  primary key (id, province_code),
  foreign key (claim_id, province_code) references claim (id, province_code),
  foreign key (agency_id, province_code) references organisation (id, province_code),
  foreign key (contract_id, province_code) references review_agency_contract (id, province_code),
  check ((attachment_sha256 is null) = (attachment_storage_path is null))
);
create index claim_inspection_claim_idx on claim_inspection (claim_id);
