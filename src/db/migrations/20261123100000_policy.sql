-- Policy parameter versions published by policy staff (补贴标准动态评估调整), on top of the
-- values shipped in each policy pack's data files. Append-only: a correction is a new revision
-- of the same (pack, parameter, effective date), and the highest revision wins.
--
-- Distribution convention: province_code (the province of the pack's jurisdiction) is part of
-- the primary key and of every unique constraint.

create table policy_parameter_version (
  id bigint generated always as identity,
  province_code text not null check (province_code ~ '^[0-9]{2}0000$'),
  pack_id text not null check (pack_id ~ '^cn-[0-9]{6}-[0-9]{4}$'),
  parameter_key text not null check (parameter_key ~ '^[a-z][a-z0-9-]*\.[a-zA-Z][a-zA-Z0-9]*$'),
  effective_from date not null,
  revision integer not null default 1 check (revision >= 1),
  value jsonb not null,
  citation_doc text not null check (length(trim(citation_doc)) > 0),
  citation_article text not null check (length(trim(citation_article)) > 0),
  note text,
  published_by bigint,
  published_at timestamptz not null default now(),
  primary key (id, province_code),
  unique (province_code, pack_id, parameter_key, effective_from, revision)
);
create index policy_parameter_version_lookup_idx
  on policy_parameter_version (province_code, pack_id, parameter_key, effective_from);

create trigger policy_parameter_version_append_only before update or delete on policy_parameter_version
  for each row execute function refuse_modification();
