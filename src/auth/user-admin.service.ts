import type { Executor } from '../db/database.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { type AuditContext, recordAudit } from './audit.service.ts';
import {
  clearLoginThrottle,
  createUser,
  newEnrolmentCode,
  revokeUserSessions,
  throttledLoginNames,
  totpResetValues,
} from './auth.service.ts';
import { isPublishedPassword, passwordProblems } from './password.ts';
import { ORGANISATION_ROLES, type Role } from './roles.ts';
import { assertRegionScope, type Principal, provinceOf, regionLikePattern } from './scope.ts';

/**
 * User administration, split by 三员分立: the system administrator (`user.admin`) creates and
 * edits accounts, the security administrator (`security.admin`) unlocks them, resets second
 * factors and revokes sessions, and the audit administrator (`audit.read`) only reads the trail.
 * None of the three can act on its own account or on another administrator's account through the
 * API: administrator accounts are created and changed only with `skillfund user` on the server.
 */
export const ADMINISTRATOR_ROLES: readonly Role[] = ['system_admin', 'security_admin', 'audit_admin'];

export interface UserSummary {
  id: number;
  loginName: string;
  displayName: string;
  role: Role;
  regionCode: string;
  organisationId: number | null;
  personId: number | null;
  status: 'active' | 'disabled';
  isLocked: boolean;
  hasTotp: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

export interface UserPage {
  items: UserSummary[];
  total: number;
  page: number;
  pageSize: number;
}

const SUMMARY_COLUMNS = [
  'id',
  'login_name',
  'display_name',
  'role',
  'region_code',
  'organisation_id',
  'person_id',
  'status',
  'locked_until',
  'totp_secret',
  'must_change_password',
  'created_at',
] as const;

type SummaryRow = {
  id: number;
  login_name: string;
  display_name: string;
  role: string;
  region_code: string;
  organisation_id: number | null;
  person_id: number | null;
  status: 'active' | 'disabled';
  locked_until: Date | null;
  totp_secret: string | null;
  must_change_password: boolean;
  created_at: Date;
};

function toSummary(row: SummaryRow): UserSummary {
  return {
    id: row.id,
    loginName: row.login_name,
    displayName: row.display_name,
    role: row.role as Role,
    regionCode: row.region_code,
    organisationId: row.organisation_id,
    personId: row.person_id,
    status: row.status,
    isLocked: row.locked_until !== null && row.locked_until > new Date(),
    hasTotp: row.totp_secret !== null,
    mustChangePassword: row.must_change_password,
    createdAt: row.created_at.toISOString(),
  };
}

/** Users in the caller's region subtree, newest first. */
export async function listUsers(
  executor: Executor,
  principal: Principal,
  query: { page: number; pageSize: number; role?: Role; status?: 'active' | 'disabled' },
): Promise<UserPage> {
  let base = executor
    .selectFrom('app_user')
    .where('region_code', 'like', regionLikePattern(principal.regionCode));
  if (query.role) base = base.where('role', '=', query.role);
  if (query.status) base = base.where('status', '=', query.status);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .select([...SUMMARY_COLUMNS])
    .orderBy('id', 'desc')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  const throttled = await throttledLoginNames(
    executor,
    rows.map((row) => row.login_name),
  );
  return {
    items: rows.map((row) => ({ ...toSummary(row), isLocked: throttled.has(row.login_name) })),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}

/** Loads a user the caller may administer: in its region subtree, not itself, not an administrator. */
async function loadManageableUser(
  executor: Executor,
  principal: Principal,
  userId: number,
): Promise<SummaryRow> {
  const row = await executor
    .selectFrom('app_user')
    .select([...SUMMARY_COLUMNS])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) throw notFound('用户', userId);
  assertRegionScope(principal, row.region_code);
  if (row.id === principal.userId) {
    throw new AppError('FORBIDDEN', '不得管理本人账号', [
      { field: 'userId', message: '管理员不得管理本人账号' },
    ]);
  }
  if ((ADMINISTRATOR_ROLES as readonly string[]).includes(row.role)) {
    throw new AppError('FORBIDDEN', '管理员账号只能在服务器上用命令行维护', [
      { field: 'userId', message: '管理员账号只能在服务器上用命令行（skillfund user）维护' },
    ]);
  }
  return row;
}

export interface AdminNewUser {
  loginName: string;
  displayName: string;
  role: Role;
  regionCode: string;
  organisationId?: number | null;
  personId?: number | null;
  initialPassword: string;
}

/** Role-specific fields: organisation roles need their organisation, a worker its person. */
function assertRoleBinding(role: Role, organisationId: number | null, personId: number | null): void {
  if (ORGANISATION_ROLES.includes(role) && organisationId === null) {
    throw new AppError('VALIDATION_FAILED', '该角色须绑定单位', [
      { field: 'organisationId', message: `该角色须绑定单位` },
    ]);
  }
  if (role === 'worker' && personId === null) {
    throw new AppError('VALIDATION_FAILED', '劳动者账号须绑定人员', [
      { field: 'personId', message: '劳动者账号须绑定人员' },
    ]);
  }
}

/** The system administrator creates a (non-administrator) account; it must change its password at first login. */
export async function createUserByAdmin(
  executor: Executor,
  context: AuditContext,
  principal: Principal,
  input: AdminNewUser,
): Promise<UserSummary> {
  if (ADMINISTRATOR_ROLES.includes(input.role)) {
    throw new AppError('FORBIDDEN', '管理员账号只能在服务器上用命令行创建', [
      { field: 'role', message: '管理员账号只能在服务器上用命令行（skillfund user create）创建' },
    ]);
  }
  assertRegionScope(principal, input.regionCode);
  assertRoleBinding(input.role, input.organisationId ?? null, input.personId ?? null);
  if (isPublishedPassword(input.initialPassword)) {
    throw new AppError('VALIDATION_FAILED', '不得使用公开的演示密码', [
      { field: 'initialPassword', message: '不得使用公开的演示密码' },
    ]);
  }
  // Checked here as well as in createUser, so that the error names this request's field.
  const problems = passwordProblems(input.initialPassword, {
    loginName: input.loginName,
    displayName: input.displayName,
  });
  if (problems.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      '初始密码不符合安全要求',
      problems.map((message) => ({ field: 'initialPassword', message })),
    );
  }
  const region = await executor
    .selectFrom('region')
    .select('code')
    .where('code', '=', input.regionCode)
    .executeTakeFirst();
  if (!region)
    throw new AppError('VALIDATION_FAILED', '行政区划不存在', [
      { field: 'regionCode', message: '行政区划不存在' },
    ]);
  const id = await createUser(executor, context, {
    loginName: input.loginName,
    displayName: input.displayName,
    password: input.initialPassword,
    role: input.role,
    regionCode: input.regionCode,
    organisationId: input.organisationId ?? null,
    personId: input.personId ?? null,
    mustChangePassword: true,
  });
  const row = await executor
    .selectFrom('app_user')
    .select([...SUMMARY_COLUMNS])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return toSummary(row);
}

/** The only fields the system administrator may change; role changes mean a new account. */
export interface UserPatch {
  displayName?: string;
  status?: 'active' | 'disabled';
  organisationId?: number | null;
  personId?: number | null;
}

/** Applies an allow-listed patch; disabling revokes every session at once. */
export async function updateUser(
  executor: Executor,
  context: AuditContext,
  principal: Principal,
  userId: number,
  patch: UserPatch,
): Promise<UserSummary> {
  const before = await loadManageableUser(executor, principal, userId);
  const changes = {
    ...(patch.displayName !== undefined && { display_name: patch.displayName }),
    ...(patch.status !== undefined && { status: patch.status }),
    ...(patch.organisationId !== undefined && { organisation_id: patch.organisationId }),
    ...(patch.personId !== undefined && { person_id: patch.personId }),
  };
  assertRoleBinding(
    before.role as Role,
    changes.organisation_id !== undefined ? changes.organisation_id : before.organisation_id,
    changes.person_id !== undefined ? changes.person_id : before.person_id,
  );
  const after = await executor
    .updateTable('app_user')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', userId)
    .returning([...SUMMARY_COLUMNS])
    .executeTakeFirstOrThrow();
  const revokedSessions = patch.status === 'disabled' ? await revokeUserSessions(executor, userId) : 0;
  await recordAudit(executor, context, {
    action: patch.status === 'disabled' && before.status !== 'disabled' ? 'user.disable' : 'user.update',
    objectType: 'user',
    objectId: userId,
    provinceCode: provinceOf(before.region_code),
    before: pick(before, Object.keys(changes)),
    after: { ...pick(after, Object.keys(changes)), revokedSessions },
  });
  return toSummary(after);
}

function pick(row: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, row[key]]));
}

export type SecurityAction = 'unlock' | 'reset_totp' | 'revoke_sessions';

/**
 * The security administrator's account actions: unlock, reset the second factor, revoke sessions.
 * A reset answers a one-time enrolment code (`enrolmentCode`, shown once, only its hash is kept)
 * that the administrator hands over out of band; without it the user cannot enrol a new factor.
 */
export async function applySecurityAction(
  executor: Executor,
  context: AuditContext,
  principal: Principal,
  userId: number,
  action: SecurityAction,
): Promise<UserSummary & { enrolmentCode?: string }> {
  const before = await loadManageableUser(executor, principal, userId);
  let revokedSessions = 0;
  let enrolmentCode: string | undefined;
  switch (action) {
    case 'unlock':
      await executor
        .updateTable('app_user')
        .set({ locked_until: null, failed_login_count: 0 })
        .where('id', '=', userId)
        .execute();
      await clearLoginThrottle(executor, before.login_name);
      break;
    case 'reset_totp':
      enrolmentCode = newEnrolmentCode();
      await executor
        .updateTable('app_user')
        .set(totpResetValues(enrolmentCode, new Date()))
        .where('id', '=', userId)
        .execute();
      revokedSessions = await revokeUserSessions(executor, userId);
      break;
    case 'revoke_sessions':
      revokedSessions = await revokeUserSessions(executor, userId);
      break;
    default: {
      const unknown: never = action;
      throw new Error(`unknown security action ${String(unknown)}`);
    }
  }
  await recordAudit(executor, context, {
    action: `security.${action}`,
    objectType: 'user',
    objectId: userId,
    provinceCode: provinceOf(before.region_code),
    before: { isLocked: toSummary(before).isLocked, hasTotp: before.totp_secret !== null },
    after: { revokedSessions, ...(enrolmentCode !== undefined && { enrolmentCodeIssued: true }) },
  });
  const after = await executor
    .selectFrom('app_user')
    .select([...SUMMARY_COLUMNS])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return { ...toSummary(after), ...(enrolmentCode !== undefined && { enrolmentCode }) };
}
