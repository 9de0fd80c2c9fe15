-- A second factor reset by the security administrator yields a one-time enrolment code, handed
-- over out of band: the password alone no longer enrols a new authenticator (等保 2.0 身份鉴别 d).
-- Only the code's SHA-256 is kept; it expires and is spent by the enrolment it allows.
alter table app_user add column totp_enrolment_code_hash text;
alter table app_user add column totp_enrolment_code_expires_at timestamptz;
