-- A close freezes the month's report figures (issue 20; docs/reports.md "Closed months").
--
-- When a month is closed (月结), the reports domain copies the month's report facts, as they are
-- counted at that moment, into report_fact_closed and marks the month in report_period_freeze.
-- A report reads a frozen month from the copy: a later return, an exclusion or a rebuild of the
-- facts changes the live projection but not what was reported for a closed month. Both tables
-- are append-only.

create table report_period_freeze (
  province_code text not null,
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  fact_count bigint not null,
  frozen_at timestamptz not null default now(),
  primary key (province_code, period)
);

create table report_fact_closed (
  province_code text not null,
  period text not null,
  -- the live fact's id at the close
  id bigint not null,
  event text not null,
  value_date date not null,
  region_code text not null,
  payment_item_id bigint not null,
  claim_id bigint not null,
  claim_line_id bigint,
  person_id bigint,
  certificate_id bigint,
  cell_id bigint not null,
  amount_fen bigint not null,
  months integer not null,
  days integer not null,
  is_settlement boolean not null,
  is_counted boolean not null,
  primary key (province_code, period, id),
  foreign key (province_code, period) references report_period_freeze (province_code, period),
  foreign key (province_code, cell_id) references report_cell (province_code, id)
);
create index report_fact_closed_period_idx on report_fact_closed (province_code, value_date);

create trigger report_period_freeze_append_only before update or delete on report_period_freeze
  for each row execute function refuse_modification();
create trigger report_fact_closed_append_only before update or delete on report_fact_closed
  for each row execute function refuse_modification();
