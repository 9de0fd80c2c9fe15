-- Foundation: reference regions, users and sessions, and the append-only audit trail.
--
-- Distribution convention (see docs/scaling.md): every table holding programme data carries
-- province_code (the GB/T 2260 code of its province, e.g. '320000') and every primary key and
-- unique constraint includes it, so the schema can be distributed by province with Citus
-- unchanged. Small, slowly changing tables (regions, occupations, users) are reference tables.

create table region (
  code text primary key check (code ~ '^[0-9]{6}$'),
  name text not null,
  level text not null check (level in ('province', 'city', 'county')),
  parent_code text references region (code),
  province_code text not null check (province_code ~ '^[0-9]{2}0000$')
);
create index region_parent_idx on region (parent_code);

create table app_user (
  id bigint generated always as identity primary key,
  login_name text not null unique check (length(login_name) between 3 and 64),
  display_name text not null,
  password_hash text not null,
  role text not null,
  region_code text not null references region (code),
  organisation_id bigint,
  person_id bigint,
  status text not null default 'active' check (status in ('active', 'disabled')),
  must_change_password boolean not null default false,
  totp_secret text,
  failed_login_count integer not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table user_session (
  token_hash text primary key,
  user_id bigint not null references app_user (id),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index user_session_user_idx on user_session (user_id);

-- The audit trail is append-only: the trigger below refuses UPDATE and DELETE, and each entry
-- carries the hash of its predecessor in the same province, so tampering is detectable.
create table audit_log (
  id bigint generated always as identity,
  province_code text not null,
  occurred_at timestamptz not null default now(),
  actor_user_id bigint,
  actor_role text,
  ip text,
  action text not null,
  object_type text not null,
  object_id text,
  outcome text not null default 'success' check (outcome in ('success', 'denied', 'failure')),
  before_state jsonb,
  after_state jsonb,
  request_id text,
  previous_hash text not null,
  hash text not null,
  primary key (id, province_code)
);
create index audit_log_object_idx on audit_log (object_type, object_id);
create index audit_log_time_idx on audit_log (province_code, occurred_at);

create function refuse_modification() returns trigger language plpgsql as $$
begin
  raise exception 'table % is append-only: % refused', tg_table_name, tg_op using errcode = 'P0001';
end;
$$;

create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function refuse_modification();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function refuse_modification();
