-- Progressive delays instead of a lock-out (issue: five wrong passwords locked any account, and the
-- answer told that it existed). One row per login name — known or not, the same rule — and one per
-- source address; a row past its quiet period starts again from zero.
create table login_throttle (
  throttle_key text primary key,
  failures integer not null check (failures >= 0),
  last_failure_at timestamptz not null,
  next_attempt_at timestamptz not null
);
