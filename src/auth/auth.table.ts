import type { Generated } from 'kysely';

export interface AppUserTable {
  id: Generated<number>;
  login_name: string;
  display_name: string;
  password_hash: string;
  role: string;
  region_code: string;
  organisation_id: number | null;
  person_id: number | null;
  status: Generated<'active' | 'disabled'>;
  must_change_password: Generated<boolean>;
  totp_secret: string | null;
  failed_login_count: Generated<number>;
  locked_until: Date | null;
  /** Encrypted TOTP secret awaiting its first code (enrolment). */
  totp_pending_secret: Generated<string | null>;
  totp_enrolled_at: Generated<Date | null>;
  /** The last TOTP time-step accepted: a code of that step or earlier is refused (no replay). */
  totp_last_used_step: Generated<number | null>;
  /** SHA-256 of the one-time enrolment code a second-factor reset issued; null when none is due. */
  totp_enrolment_code_hash: Generated<string | null>;
  totp_enrolment_code_expires_at: Generated<Date | null>;
  password_changed_at: Generated<Date | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UserSessionTable {
  token_hash: string;
  user_id: number;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Date;
  revoked_at: Date | null;
  /** A restricted session may only change its password or enrol TOTP. */
  restriction: Generated<SessionRestriction | null>;
}

export type SessionRestriction = 'password_change' | 'totp_enrolment';

export interface AuditLogTable {
  id: Generated<number>;
  province_code: string;
  occurred_at: Generated<Date>;
  actor_user_id: number | null;
  actor_role: string | null;
  ip: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  outcome: Generated<'success' | 'denied' | 'failure'>;
  before_state: unknown;
  after_state: unknown;
  request_id: string | null;
  previous_hash: string;
  hash: string;
  /** The audit key the hash is an HMAC under; null for entries written before the chain was keyed (SHA-256). */
  hash_key_id: Generated<string | null>;
}

/** Progressive login delays, keyed `account:<login name>` or `address:<ip>`. */
export interface LoginThrottleTable {
  throttle_key: string;
  failures: number;
  last_failure_at: Date;
  next_attempt_at: Date;
}

/** The hashes of a user's latest passwords (the newest five), so that none is reused. */
export interface PasswordHistoryTable {
  id: Generated<number>;
  user_id: number;
  password_hash: string;
  set_at: Generated<Date>;
}

export interface AuthTables {
  login_throttle: LoginThrottleTable;
  password_history: PasswordHistoryTable;
  app_user: AppUserTable;
  user_session: UserSessionTable;
  audit_log: AuditLogTable;
}
