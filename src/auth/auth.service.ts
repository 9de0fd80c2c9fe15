import { randomBytes } from 'node:crypto';
import type { Db, Executor } from '../db/database.ts';
import { sha256Hex } from '../shared/canonical-json.ts';
import type { Config } from '../shared/config.ts';
import { decryptField, encryptField, type Keyring } from '../shared/crypto.ts';
import { AppError } from '../shared/errors.ts';
import { type AuditContext, recordAudit } from './audit.service.ts';
import type { SessionRestriction } from './auth.table.ts';
import {
  hashPassword,
  isPublishedPassword,
  PASSWORD_HISTORY_DEPTH,
  passwordProblems,
  verifyPassword,
} from './password.ts';
import { isRole, ROLES_REQUIRING_TOTP, type Role } from './roles.ts';
import { type Principal, provinceOf } from './scope.ts';
import { generateTotpSecret, matchingTotpStep, totpUri } from './totp.ts';

/**
 * Progressive delays instead of a lock-out (等保 2.0 身份鉴别 b: 登录失败处理). A stranger who
 * knows a login name can slow its owner down for at most a few minutes, never lock him out:
 * - per login name (known or unknown, the same rule): 3 free failures, then 1, 2, 4, … seconds
 *   before the next attempt is even checked, at most 5 minutes;
 * - per source address (password spraying over many names): 10 free failures, then the same
 *   doubling, at most 15 minutes.
 * A counter that has been quiet for 15 minutes starts again; a successful login clears its name.
 */
export const LOGIN_THROTTLE = {
  account: { freeFailures: 3, maxDelaySeconds: 300 },
  address: { freeFailures: 10, maxDelaySeconds: 900 },
  quietMinutes: 15,
} as const;
/** A restricted session (password change, TOTP enrolment) lives at most this long. */
export const RESTRICTED_SESSION_MINUTES = 15;
/** Column context of the encrypted TOTP secrets (bound as AES-GCM associated data). */
/**
 * Context of both TOTP columns (the pending secret becomes the secret unchanged); the ciphertext
 * is bound to its user's id as well (associated data), so a secret copied to another user fails.
 */
const TOTP_SECRET_CONTEXT = 'app_user.totp_secret';

export interface SessionPolicy {
  idleTimeoutMinutes: number;
  absoluteTimeoutMinutes: number;
  /** The clock; tests inject one to exercise the timeouts and the lockout. */
  now?: () => Date;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleTimeoutMinutes: 30,
  absoluteTimeoutMinutes: 12 * 60,
};

/** Everything the identity rules need besides the database. */
export interface AuthSettings {
  session: SessionPolicy;
  keyring: Keyring;
  /** Demo mode: the published demo password works and officers may skip TOTP enrolment. */
  isDemoMode: boolean;
  /** Days after which a password must be changed before anything else (SKILLFUND_PASSWORD_MAX_AGE_DAYS). */
  passwordMaxAgeDays: number;
}

/** The settings from configuration, with an optional override of the session policy (tests). */
export function authSettingsFrom(config: Config, override?: SessionPolicy): AuthSettings {
  return {
    session: override ?? {
      idleTimeoutMinutes: config.sessionIdleMinutes ?? DEFAULT_SESSION_POLICY.idleTimeoutMinutes,
      absoluteTimeoutMinutes: config.sessionAbsoluteMinutes ?? DEFAULT_SESSION_POLICY.absoluteTimeoutMinutes,
    },
    keyring: config.dataKeyring,
    isDemoMode: config.isDemoMode,
    passwordMaxAgeDays: config.passwordMaxAgeDays ?? DEFAULT_PASSWORD_MAX_AGE_DAYS,
  };
}

const nowOf = (policy: SessionPolicy): Date => policy.now?.() ?? new Date();

/** 等保 2.0 periodic password change: 90 days unless configured otherwise. */
export const DEFAULT_PASSWORD_MAX_AGE_DAYS = 90;

export interface NewUser {
  loginName: string;
  displayName: string;
  password: string;
  role: Role;
  regionCode: string;
  organisationId?: number | null;
  personId?: number | null;
  mustChangePassword?: boolean;
}

/** Creates a user after checking the password rules; the login name must be unused. */
export async function createUser(executor: Executor, context: AuditContext, input: NewUser): Promise<number> {
  const problems = passwordProblems(input.password, {
    loginName: input.loginName,
    displayName: input.displayName,
  });
  if (problems.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      '密码不符合安全要求',
      problems.map((message) => ({ field: 'password', message })),
    );
  }
  if (!isRole(input.role)) {
    throw new AppError('VALIDATION_FAILED', '角色无效', [
      { field: 'role', message: `角色无效：${input.role}` },
    ]);
  }
  const existing = await executor
    .selectFrom('app_user')
    .select('id')
    .where('login_name', '=', input.loginName)
    .executeTakeFirst();
  if (existing) {
    throw new AppError('CONFLICT', '登录名已被使用', [{ field: 'loginName', message: '登录名已被使用' }]);
  }
  const passwordHash = await hashPassword(input.password);
  const { id } = await executor
    .insertInto('app_user')
    .values({
      login_name: input.loginName,
      display_name: input.displayName,
      password_hash: passwordHash,
      role: input.role,
      region_code: input.regionCode,
      organisation_id: input.organisationId ?? null,
      person_id: input.personId ?? null,
      must_change_password: input.mustChangePassword ?? false,
      totp_secret: null,
      locked_until: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await rememberPassword(executor, id, passwordHash);
  await recordAudit(executor, context, {
    action: 'user.create',
    objectType: 'user',
    objectId: id,
    provinceCode: provinceOf(input.regionCode),
    after: { loginName: input.loginName, role: input.role, regionCode: input.regionCode },
  });
  return id;
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  mustChangePassword: boolean;
  /** The password is older than the maximum age: the session may only change it. */
  isPasswordExpired: boolean;
  /** The role needs TOTP and has none yet: the session may only enrol it. */
  totpEnrolmentRequired: boolean;
  restriction: SessionRestriction | null;
  principal: Principal;
}

const invalidCredentials = () =>
  new AppError('UNAUTHENTICATED', '登录名或密码错误', [{ field: 'password', message: '登录名或密码错误' }]);

type UserRow = Awaited<ReturnType<typeof findUser>> & {};

function findUser(executor: Executor, where: { loginName: string } | { id: number }) {
  const query = executor.selectFrom('app_user').selectAll();
  return (
    'id' in where ? query.where('id', '=', where.id) : query.where('login_name', '=', where.loginName)
  ).executeTakeFirst();
}

// Verifying against a real hash when the login name is unknown keeps the response time the same,
// so timing does not reveal which login names exist.
let dummyHash: Promise<string> | undefined;
async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummyHash, password);
}

type ThrottleKind = 'account' | 'address';

function throttleKeys(loginName: string, ip: string | null): Array<{ key: string; kind: ThrottleKind }> {
  return [
    { key: `account:${loginName.trim().toLowerCase()}`, kind: 'account' },
    { key: `address:${ip ?? 'unknown'}`, kind: 'address' },
  ];
}

function delaySeconds(kind: ThrottleKind, failures: number): number {
  const rule = LOGIN_THROTTLE[kind];
  if (failures <= rule.freeFailures) return 0;
  return Math.min(2 ** (failures - rule.freeFailures - 1), rule.maxDelaySeconds);
}

/**
 * Refuses (429, the same answer whether the name exists or not) an attempt that comes before the
 * delay of its login name or source address has passed; the password is not even checked.
 */
async function assertNotThrottled(db: Db, loginName: string, ip: string | null, now: Date): Promise<void> {
  const keys = throttleKeys(loginName, ip).map((entry) => entry.key);
  const rows = await db
    .selectFrom('login_throttle')
    .select(['throttle_key', 'next_attempt_at'])
    .where('throttle_key', 'in', keys)
    .where('next_attempt_at', '>', now)
    .execute();
  if (rows.length === 0) return;
  const waitMs = Math.max(...rows.map((row) => row.next_attempt_at.getTime() - now.getTime()));
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  throw new AppError('RATE_LIMITED', `登录尝试过于频繁，请 ${seconds} 秒后再试`, [
    {
      field: 'loginName',
      message: '失败次数过多，请稍后再试',
      retryAfterSeconds: seconds,
    },
  ]);
}

/** Counts one failure against the login name and the source address (known names or not). */
async function recordThrottleFailure(db: Db, loginName: string, ip: string | null, now: Date): Promise<void> {
  const quietSince = new Date(now.getTime() - LOGIN_THROTTLE.quietMinutes * 60_000);
  for (const { key, kind } of throttleKeys(loginName, ip)) {
    const row = await db
      .insertInto('login_throttle')
      .values({ throttle_key: key, failures: 1, last_failure_at: now, next_attempt_at: now })
      .onConflict((conflict) =>
        conflict.column('throttle_key').doUpdateSet((eb) => ({
          failures: eb
            .case()
            .when('login_throttle.last_failure_at', '<', quietSince)
            .then(1)
            .else(eb('login_throttle.failures', '+', 1))
            .end(),
          last_failure_at: now,
        })),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    const delay = delaySeconds(kind, row.failures);
    if (delay > 0) {
      await db
        .updateTable('login_throttle')
        .set({ next_attempt_at: new Date(now.getTime() + delay * 1000) })
        .where('throttle_key', '=', key)
        .execute();
    }
  }
}

/**
 * The login names, among `loginNames`, slowed down by repeated failures (more than the free ones
 * within the quiet period): what the security administrator sees as 登录受限 and may clear.
 */
export async function throttledLoginNames(
  executor: Executor,
  loginNames: readonly string[],
  now: Date = new Date(),
): Promise<Set<string>> {
  if (loginNames.length === 0) return new Set();
  const keys = new Map(loginNames.map((name) => [`account:${name.trim().toLowerCase()}`, name]));
  const rows = await executor
    .selectFrom('login_throttle')
    .select('throttle_key')
    .where('throttle_key', 'in', [...keys.keys()])
    .where('failures', '>', LOGIN_THROTTLE.account.freeFailures)
    .where('last_failure_at', '>', new Date(now.getTime() - LOGIN_THROTTLE.quietMinutes * 60_000))
    .execute();
  return new Set(rows.map((row) => keys.get(row.throttle_key)!));
}

/** Clears the delay of a login name (a successful login, or the security administrator's unlock). */
export async function clearLoginThrottle(executor: Executor, loginName: string): Promise<void> {
  await executor
    .deleteFrom('login_throttle')
    .where('throttle_key', '=', `account:${loginName.trim().toLowerCase()}`)
    .execute();
}

/** Counts a failed credential check of a known user: audited, and delays its name and address. */
async function recordCredentialFailure(
  db: Db,
  context: AuditContext,
  user: UserRow,
  details: { action: string; reason: string; now: Date },
): Promise<void> {
  const failures = user.failed_login_count + 1;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ failed_login_count: failures })
      .where('id', '=', user.id)
      .execute();
    await recordAudit(trx, context, {
      action: details.action,
      objectType: 'user',
      objectId: user.id,
      provinceCode: provinceOf(user.region_code),
      outcome: 'denied',
      after: { failures, reason: details.reason },
    });
  });
  await recordThrottleFailure(db, user.login_name, context.ip, details.now);
}

/**
 * True when the user's password is older than the configured maximum age. Its age counts from
 * its last change, or from the account's creation when it was never changed.
 */
export function isPasswordExpired(
  user: { password_changed_at: Date | null; created_at: Date },
  settings: AuthSettings,
  now: Date,
): boolean {
  const setAt = user.password_changed_at ?? user.created_at;
  return now.getTime() - setAt.getTime() > settings.passwordMaxAgeDays * 86_400_000;
}

/**
 * Records a newly set password's hash and keeps the newest PASSWORD_HISTORY_DEPTH of the user's:
 * older hashes serve no rule, and a stored hash is one more thing to crack.
 */
async function rememberPassword(executor: Executor, userId: number, passwordHash: string): Promise<void> {
  await executor
    .insertInto('password_history')
    .values({ user_id: userId, password_hash: passwordHash })
    .execute();
  const kept = executor
    .selectFrom('password_history')
    .select('id')
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(PASSWORD_HISTORY_DEPTH);
  await executor
    .deleteFrom('password_history')
    .where('user_id', '=', userId)
    .where('id', 'not in', kept)
    .execute();
}

/** True when the password is the current one or one of the user's last PASSWORD_HISTORY_DEPTH. */
async function isRecentPassword(executor: Executor, user: UserRow, password: string): Promise<boolean> {
  const history = await executor
    .selectFrom('password_history')
    .select('password_hash')
    .where('user_id', '=', user.id)
    .orderBy('id', 'desc')
    .limit(PASSWORD_HISTORY_DEPTH)
    .execute();
  const hashes = new Set([user.password_hash, ...history.map((row) => row.password_hash)]);
  for (const passwordHash of hashes) {
    if (await verifyPassword(passwordHash, password)) return true;
  }
  return false;
}

/** The restriction a new session of this user carries, if any. */
function sessionRestrictionFor(user: UserRow, settings: AuthSettings): SessionRestriction | null {
  if (user.must_change_password) return 'password_change';
  if (isPasswordExpired(user, settings, nowOf(settings.session))) return 'password_change';
  const needsTotp = (ROLES_REQUIRING_TOTP as readonly string[]).includes(user.role);
  if (needsTotp && !user.totp_secret && !settings.isDemoMode) return 'totp_enrolment';
  return null;
}

/** Inserts a fresh random session (256 bits; only its SHA-256 is stored). */
async function issueSession(
  executor: Executor,
  user: UserRow,
  restriction: SessionRestriction | null,
  settings: AuthSettings,
): Promise<LoginResult> {
  const now = nowOf(settings.session);
  const token = randomBytes(32).toString('base64url');
  const minutes = restriction
    ? Math.min(RESTRICTED_SESSION_MINUTES, settings.session.absoluteTimeoutMinutes)
    : settings.session.absoluteTimeoutMinutes;
  const expiresAt = new Date(now.getTime() + minutes * 60_000);
  await executor
    .insertInto('user_session')
    .values({
      token_hash: sha256Hex(token),
      user_id: user.id,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      revoked_at: null,
      restriction,
    })
    .execute();
  return {
    token,
    expiresAt,
    mustChangePassword: restriction === 'password_change',
    isPasswordExpired: restriction === 'password_change' && isPasswordExpired(user, settings, now),
    totpEnrolmentRequired: restriction === 'totp_enrolment',
    restriction,
    principal: toPrincipal(user),
  };
}

/**
 * Accepts a TOTP code once: the time-step is written only if it is later than the last one
 * used, in one conditional UPDATE, so two concurrent logins cannot both use the same code.
 */
async function consumeTotpCode(
  executor: Executor,
  user: UserRow,
  secretBase32: string,
  code: string,
  now: Date,
): Promise<boolean> {
  const step = matchingTotpStep(secretBase32, code, now.getTime());
  if (step === null) return false;
  const updated = await executor
    .updateTable('app_user')
    .set({ totp_last_used_step: step })
    .where('id', '=', user.id)
    .where((eb) => eb.or([eb('totp_last_used_step', 'is', null), eb('totp_last_used_step', '<', step)]))
    .returning('id')
    .executeTakeFirst();
  return updated !== undefined;
}

/**
 * Checks the password (and the TOTP code when the user has enrolled one), delays repeated
 * failures per login name and source address (LOGIN_THROTTLE; never a lock-out) and issues a
 * fresh session token. The published
 * demo password is refused outside demo mode.
 */
export async function login(
  db: Db,
  context: AuditContext,
  input: { loginName: string; password: string; totpCode?: string | undefined },
  settings: AuthSettings,
): Promise<LoginResult> {
  const now = nowOf(settings.session);
  await assertNotThrottled(db, input.loginName, context.ip, now);
  const user = await findUser(db, { loginName: input.loginName });
  if (!user) {
    await burnPasswordCheck(input.password);
    await recordThrottleFailure(db, input.loginName, context.ip, now);
    throw invalidCredentials();
  }
  const isUsablePassword = settings.isDemoMode || !isPublishedPassword(input.password);
  if (!(await verifyPassword(user.password_hash, input.password)) || !isUsablePassword) {
    await recordCredentialFailure(db, context, user, { action: 'auth.login', reason: 'password', now });
    throw invalidCredentials();
  }
  if (user.status !== 'active')
    throw new AppError('FORBIDDEN', '账号已停用', [{ field: 'loginName', message: '账号已停用' }]);
  if (user.totp_secret) {
    if (!input.totpCode) {
      throw new AppError('TOTP_REQUIRED', '请输入动态口令（TOTP）', [{ field: 'totpCode', message: '必填' }]);
    }
    const secret = decryptField(settings.keyring, TOTP_SECRET_CONTEXT, user.totp_secret, String(user.id));
    if (!(await consumeTotpCode(db, user, secret, input.totpCode, now))) {
      await recordCredentialFailure(db, context, user, { action: 'auth.login', reason: 'totp', now });
      throw new AppError('UNAUTHENTICATED', '动态口令错误或已使用', [
        { field: 'totpCode', message: '动态口令错误或已使用' },
      ]);
    }
  }
  const principal = toPrincipal(user);
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ failed_login_count: 0, locked_until: null })
      .where('id', '=', user.id)
      .execute();
    await clearLoginThrottle(trx, user.login_name);
    const result = await issueSession(trx, user, sessionRestrictionFor(user, settings), settings);
    await recordAudit(
      trx,
      { ...context, actor: principal },
      {
        action: 'auth.login',
        objectType: 'user',
        objectId: user.id,
        after: { restriction: result.restriction },
      },
    );
    return result;
  });
}

function toPrincipal(user: {
  id: number;
  login_name: string;
  role: string;
  region_code: string;
  organisation_id: number | null;
  person_id: number | null;
}): Principal {
  if (!isRole(user.role)) throw new Error(`user ${user.id} has unknown role ${user.role}`);
  return {
    userId: user.id,
    loginName: user.login_name,
    role: user.role,
    regionCode: user.region_code,
    provinceCode: provinceOf(user.region_code),
    organisationId: user.organisation_id,
    personId: user.person_id,
  };
}

const unauthenticated = (message: string) =>
  new AppError('UNAUTHENTICATED', message, [{ field: 'authorization', message }]);

/** A resolved session: who, and whether it is restricted to changing the password or enrolling TOTP. */
export interface SessionInfo {
  principal: Principal;
  restriction: SessionRestriction | null;
}

/** Resolves a bearer token to its principal, enforcing revocation, idle and absolute timeouts. */
export async function resolveSession(
  db: Db,
  token: string,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<SessionInfo> {
  const row = await db
    .selectFrom('user_session')
    .innerJoin('app_user', 'app_user.id', 'user_session.user_id')
    .select([
      'user_session.token_hash',
      'user_session.last_seen_at',
      'user_session.expires_at',
      'user_session.revoked_at',
      'user_session.restriction',
      'app_user.id',
      'app_user.login_name',
      'app_user.role',
      'app_user.region_code',
      'app_user.organisation_id',
      'app_user.person_id',
      'app_user.status',
    ])
    .where('user_session.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  const now = nowOf(policy).getTime();
  if (!row || row.revoked_at) throw unauthenticated('会话无效或已注销，请重新登录');
  if (row.status !== 'active') throw unauthenticated('账号已停用');
  if (row.expires_at.getTime() <= now) throw unauthenticated('会话已超过最长有效期，请重新登录');
  if (row.last_seen_at.getTime() + policy.idleTimeoutMinutes * 60_000 <= now) {
    throw unauthenticated('会话因长时间未操作已超时，请重新登录');
  }
  // Touch at most once a minute so reads do not turn into a write per request.
  if (now - row.last_seen_at.getTime() > 60_000) {
    await db
      .updateTable('user_session')
      .set({ last_seen_at: new Date(now) })
      .where('token_hash', '=', row.token_hash)
      .execute();
  }
  return { principal: toPrincipal(row), restriction: row.restriction };
}

/** Revokes the session of this token. */
export async function logout(db: Db, context: AuditContext, token: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('user_session')
      .set({ revoked_at: new Date() })
      .where('token_hash', '=', sha256Hex(token))
      .where('revoked_at', 'is', null)
      .execute();
    await recordAudit(trx, context, {
      action: 'auth.logout',
      objectType: 'user',
      objectId: context.actor?.userId ?? null,
    });
  });
}

/** Revokes every open session of a user (password change, disable, TOTP reset, admin action). */
export async function revokeUserSessions(executor: Executor, userId: number): Promise<number> {
  const revoked = await executor
    .updateTable('user_session')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returning('token_hash')
    .execute();
  return revoked.length;
}

async function loadActiveUser(executor: Executor, principal: Principal): Promise<UserRow> {
  const user = await findUser(executor, { id: principal.userId });
  if (user?.status !== 'active') throw unauthenticated('账号已停用');
  return user;
}

/**
 * Changes the caller's own password. The current password is checked (failures count towards
 * the lockout); every session of the user is revoked and a new token is returned.
 */
export async function changePassword(
  db: Db,
  context: AuditContext,
  principal: Principal,
  input: { currentPassword: string; newPassword: string },
  settings: AuthSettings,
): Promise<LoginResult> {
  const user = await loadActiveUser(db, principal);
  const now = nowOf(settings.session);
  await assertNotThrottled(db, user.login_name, context.ip, now);
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    await recordCredentialFailure(db, context, user, {
      action: 'auth.password_change',
      reason: 'password',
      now,
    });
    throw new AppError('UNAUTHENTICATED', '当前密码错误', [{ field: 'currentPassword', message: '不正确' }]);
  }
  const problems = passwordProblems(input.newPassword, {
    loginName: user.login_name,
    displayName: user.display_name,
  });
  if (isPublishedPassword(input.newPassword)) problems.push('不得使用公开的演示密码');
  if (input.newPassword === input.currentPassword) problems.push('新密码不得与当前密码相同');
  else if (await isRecentPassword(db, user, input.newPassword))
    problems.push(`新密码不得与最近 ${PASSWORD_HISTORY_DEPTH} 次使用过的密码相同`);
  if (problems.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      '新密码不符合安全要求',
      problems.map((message) => ({ field: 'newPassword', message })),
    );
  }
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('app_user')
      .set({
        password_hash: passwordHash,
        must_change_password: false,
        password_changed_at: now,
        updated_at: now,
      })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await rememberPassword(trx, user.id, passwordHash);
    await revokeUserSessions(trx, user.id);
    const result = await issueSession(trx, updated, sessionRestrictionFor(updated, settings), settings);
    await recordAudit(trx, context, {
      action: 'auth.password_change',
      objectType: 'user',
      objectId: user.id,
    });
    return result;
  });
}

export interface TotpEnrolment {
  /** Base32 secret for manual entry; shown once. */
  secret: string;
  /** `otpauth://` URI for a QR code. */
  uri: string;
}

/** A reset's one-time enrolment code stays usable this long. */
export const ENROLMENT_CODE_HOURS = 72;

/** A one-time enrolment code: 16 characters of an unambiguous alphabet, 80 bits. */
export function newEnrolmentCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(16);
  const characters = [...bytes].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `${characters.slice(0, 4)}-${characters.slice(4, 8)}-${characters.slice(8, 12)}-${characters.slice(12)}`;
}

const enrolmentCodeHash = (code: string) =>
  sha256Hex(
    code
      .trim()
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, ''),
  );

/** The columns a second-factor reset writes: no secret, and a fresh one-time enrolment code. */
export function totpResetValues(code: string, now: Date) {
  return {
    totp_secret: null,
    totp_pending_secret: null,
    totp_enrolled_at: null,
    totp_last_used_step: null,
    totp_enrolment_code_hash: enrolmentCodeHash(code),
    totp_enrolment_code_expires_at: new Date(now.getTime() + ENROLMENT_CODE_HOURS * 3_600_000),
  };
}

/**
 * After a reset, enrolment needs the one-time code the security administrator handed over out of
 * band: the password alone (which whoever stripped the factor may know) enrols nothing.
 */
async function assertEnrolmentCode(
  db: Db,
  context: AuditContext,
  user: UserRow,
  code: string | undefined,
  now: Date,
): Promise<void> {
  if (!user.totp_enrolment_code_hash) return;
  const isExpired = !user.totp_enrolment_code_expires_at || user.totp_enrolment_code_expires_at <= now;
  if (code && !isExpired && enrolmentCodeHash(code) === user.totp_enrolment_code_hash) return;
  await recordCredentialFailure(db, context, user, {
    action: 'auth.totp_enrol_start',
    reason: isExpired ? 'enrolment_code_expired' : 'enrolment_code',
    now,
  });
  throw new AppError(
    'UNAUTHENTICATED',
    isExpired ? '绑定码已过期，请联系安全管理员重新重置' : '请输入安全管理员线下交付的一次性绑定码',
    [{ field: 'enrolmentCode', message: isExpired ? '绑定码已过期' : '缺少绑定码或绑定码错误' }],
  );
}

/** Starts TOTP enrolment: stores a new secret (encrypted) as pending until a code confirms it. */
export async function startTotpEnrolment(
  db: Db,
  context: AuditContext,
  principal: Principal,
  settings: AuthSettings,
  enrolmentCode?: string,
): Promise<TotpEnrolment> {
  const user = await loadActiveUser(db, principal);
  if (user.totp_secret) {
    throw new AppError('CONFLICT', '已绑定动态口令；更换须由安全管理员重置', [
      { field: 'totp', message: '已绑定动态口令，须由安全管理员先重置' },
    ]);
  }
  await assertEnrolmentCode(db, context, user, enrolmentCode, nowOf(settings.session));
  const secret = generateTotpSecret();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({
        totp_pending_secret: encryptField(settings.keyring, TOTP_SECRET_CONTEXT, secret, String(user.id)),
      })
      .where('id', '=', user.id)
      .execute();
    await recordAudit(trx, context, {
      action: 'auth.totp_enrol_start',
      objectType: 'user',
      objectId: user.id,
    });
  });
  return { secret, uri: totpUri(secret, user.login_name) };
}

/** Confirms enrolment with a first code; revokes all sessions and returns a new, unrestricted one. */
export async function confirmTotpEnrolment(
  db: Db,
  context: AuditContext,
  principal: Principal,
  code: string,
  settings: AuthSettings,
): Promise<LoginResult> {
  const user = await loadActiveUser(db, principal);
  if (!user.totp_pending_secret) {
    throw new AppError('INVALID_STATE', '请先开始绑定动态口令', [
      { field: 'code', message: '没有正在进行的绑定' },
    ]);
  }
  const now = nowOf(settings.session);
  const secret = decryptField(
    settings.keyring,
    TOTP_SECRET_CONTEXT,
    user.totp_pending_secret,
    String(user.id),
  );
  const step = matchingTotpStep(secret, code, now.getTime());
  if (step === null) {
    throw new AppError('VALIDATION_FAILED', '动态口令错误', [
      { field: 'code', message: '与新绑定的密钥不匹配' },
    ]);
  }
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('app_user')
      .set({
        totp_secret: user.totp_pending_secret,
        totp_pending_secret: null,
        totp_enrolled_at: now,
        totp_last_used_step: step,
        totp_enrolment_code_hash: null,
        totp_enrolment_code_expires_at: null,
        updated_at: now,
      })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await revokeUserSessions(trx, user.id);
    const result = await issueSession(trx, updated, sessionRestrictionFor(updated, settings), settings);
    await recordAudit(trx, context, { action: 'auth.totp_enrol', objectType: 'user', objectId: user.id });
    return result;
  });
}
