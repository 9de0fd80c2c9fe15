-- Issue 18, finding 5: a new password may not repeat any of the user's last five. Each password
-- set (at creation and at every change) keeps its Argon2id hash here; the service keeps the newest
-- five per user and deletes older ones. A user table like app_user, so a reference table
-- (src/db/distribution.ts REFERENCE_TABLES), without province_code.
create table password_history (
  id bigint generated always as identity primary key,
  user_id bigint not null references app_user (id),
  password_hash text not null,
  set_at timestamptz not null default now()
);
create index password_history_user on password_history (user_id, id);
