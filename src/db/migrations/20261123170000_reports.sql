-- Statistics, statutory reports (季报、年报) and targets (issue 10).
--
-- report_target: the training targets the documents set per region (衡人社发【2019】21号 二:
-- 4.41万人次 a year, 13.23万 over 2019–2021; 苏政办发〔2019〕71号 一: 450万人次 over 2019–2021,
-- 195万 in 2019, 6.6万 new apprentices over three years). A target covers the years
-- from_year..to_year (inclusive) and says whether the document's figure is a floor (以上) or an
-- approximate figure (左右).
--
-- report_snapshot: a finalised report, append-only. Finalisation is allowed only when the
-- report's money agrees with the ledger (账表相符); a later correction is a new version of the
-- same region and period, carrying the cells that changed since the previous version.

create table report_target (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  metric text not null check (metric in ('training_person_times', 'new_apprentices')),
  from_year integer not null check (from_year between 2000 and 2100),
  to_year integer not null check (to_year between 2000 and 2100),
  target_value bigint not null check (target_value > 0),
  comparison text not null default 'at_least' check (comparison in ('at_least', 'about')),
  citation_doc text not null check (length(citation_doc) > 0),
  citation_article text not null check (length(citation_article) > 0),
  updated_by bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, region_code, metric, from_year, to_year),
  check (to_year >= from_year)
);
create index report_target_region_idx on report_target (region_code);

create table report_snapshot (
  id bigint generated always as identity,
  province_code text not null,
  region_code text not null references region (code),
  period_kind text not null check (period_kind in ('quarter', 'year', 'custom')),
  period_from date not null,
  period_to date not null,
  version integer not null check (version >= 1),
  content jsonb not null,
  content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
  ledger_comparison jsonb not null,
  differences jsonb not null default '[]',
  reason text,
  finalized_by bigint not null,
  finalized_by_name text not null,
  finalized_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, region_code, period_from, period_to, version),
  check (period_to >= period_from),
  check (version = 1 or reason is not null)
);
create index report_snapshot_region_idx on report_snapshot (region_code, period_from, period_to);

create trigger report_snapshot_append_only before update or delete on report_snapshot
  for each row execute function refuse_modification();
create trigger report_snapshot_no_truncate before truncate on report_snapshot
  for each statement execute function refuse_modification();

-- The report reads payments by value date: batches of a province in a date range.
create index payment_batch_value_date_idx on payment_batch (province_code, value_date);
create index payment_item_batch_idx on payment_item (batch_id);
create index ledger_transfer_payment_item_idx on ledger_transfer (payment_item_id)
  where payment_item_id is not null;
