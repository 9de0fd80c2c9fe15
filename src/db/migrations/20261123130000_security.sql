-- Security (issue 7): TOTP second factor with one-time use, restricted sessions for first-login
-- password change and TOTP enrolment, and an index for the audit query API.
--
-- The TOTP secrets are stored encrypted with the personal-data key (src/shared/crypto.ts); the
-- last accepted TOTP time-step is kept so a code cannot be replayed within its window.

alter table app_user add column totp_pending_secret text;
alter table app_user add column totp_enrolled_at timestamptz;
alter table app_user add column totp_last_used_step bigint;
alter table app_user add column password_changed_at timestamptz;

-- A restricted session may only change its password or enrol TOTP (see src/auth/auth.routes.ts).
alter table user_session add column restriction text
  check (restriction is null or restriction in ('password_change', 'totp_enrolment'));

-- The audit query API lists one province's entries newest first.
create index audit_log_province_id_idx on audit_log (province_code, id);
