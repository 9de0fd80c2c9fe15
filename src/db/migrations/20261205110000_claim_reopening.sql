-- Claims (issue 17): a trainee whose line was in a rejected claim, or was excluded by an upheld
-- objection, is not claimed again for the same class and subsidy kind unless an officer reopens
-- him with a reason. A reopening is used up by the next claim that includes him.
create table claim_reopening (
  id bigint generated always as identity,
  province_code text not null,
  class_id bigint not null,
  person_id bigint not null,
  subsidy_kind text not null,
  reason text not null check (length(reason) between 1 and 500),
  reopened_by_user_id bigint,
  reopened_at timestamptz not null default now(),
  used_by_claim_id bigint,
  primary key (id, province_code),
  foreign key (class_id, province_code) references training_class (id, province_code)
);
create index claim_reopening_class_idx on claim_reopening (class_id, person_id);
