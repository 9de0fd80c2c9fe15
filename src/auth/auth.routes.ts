import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import { auditRoutes } from './audit.routes.ts';
import {
  authSettingsFrom,
  changePassword,
  confirmTotpEnrolment,
  type LoginResult,
  login,
  logout,
  startTotpEnrolment,
} from './auth.service.ts';
import { PRINCIPAL_SCHEMA, SESSION_SCHEMA } from './auth-answers.schema.ts';
import { bearerToken } from './bearer.ts';
import { ROLE_LABELS, ROLE_PERMISSIONS } from './roles.ts';
import { userAdminRoutes } from './user-admin.routes.ts';

/**
 * The routes a restricted session (first-login password change, pending TOTP enrolment) may
 * call; buildApp refuses every other route for such a session.
 */
export const RESTRICTED_SESSION_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/auth/me',
  'POST /api/auth/logout',
  'POST /api/auth/password',
  'POST /api/auth/totp/enrol',
  'POST /api/auth/totp/confirm',
]);

function sessionResponse(result: LoginResult) {
  return {
    token: result.token,
    expiresAt: result.expiresAt.toISOString(),
    mustChangePassword: result.mustChangePassword,
    passwordExpired: result.isPasswordExpired,
    totpEnrolmentRequired: result.totpEnrolmentRequired,
    user: describe(result.principal),
  };
}

const passwordField = { type: 'string', minLength: 1, maxLength: 256 } as const;

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const settings = authSettingsFrom(app.deps.config, app.deps.sessionPolicy);

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: '登录，返回会话令牌（Bearer）；已绑定动态口令的账号须同时提交 totpCode',
        body: {
          type: 'object',
          required: ['loginName', 'password'],
          additionalProperties: false,
          properties: {
            loginName: { type: 'string', minLength: 1, maxLength: 64 },
            password: passwordField,
            totpCode: { type: 'string', pattern: '^[0-9]{6}$' },
          },
        },
        response: { 200: SESSION_SCHEMA },
      },
    },
    async (request) =>
      sessionResponse(await login(app.deps.database.db, request.auditContext, request.body, settings)),
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: '注销当前会话',
        response: { 204: { type: 'null', description: '已注销（无内容）' } },
      },
    },
    async (request, reply) => {
      await logout(app.deps.database.db, request.auditContext, bearerToken(request)!);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: '当前用户及其权限', response: { 200: PRINCIPAL_SCHEMA } },
    },
    async (request) => describe(request.principal!),
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: '修改本人密码（首次登录须修改）；注销全部会话并返回新令牌',
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: { currentPassword: passwordField, newPassword: passwordField },
        },
        response: { 200: SESSION_SCHEMA },
      },
    },
    async (request) =>
      sessionResponse(
        await changePassword(
          app.deps.database.db,
          request.auditContext,
          request.principal!,
          request.body,
          settings,
        ),
      ),
  );

  app.post(
    '/api/auth/totp/enrol',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary:
          '开始绑定动态口令（TOTP），返回密钥与 otpauth 地址；重置后须提交安全管理员线下交付的一次性绑定码',
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { enrolmentCode: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: {
          200: { type: 'object', properties: { secret: { type: 'string' }, uri: { type: 'string' } } },
        },
      },
    },
    async (request) =>
      startTotpEnrolment(
        app.deps.database.db,
        request.auditContext,
        request.principal!,
        settings,
        request.body?.enrolmentCode,
      ),
  );

  app.post(
    '/api/auth/totp/confirm',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: '以首个动态口令确认绑定；注销全部会话并返回新令牌',
        body: {
          type: 'object',
          required: ['code'],
          additionalProperties: false,
          properties: { code: { type: 'string', pattern: '^[0-9]{6}$' } },
        },
        response: { 200: SESSION_SCHEMA },
      },
    },
    async (request) =>
      sessionResponse(
        await confirmTotpEnrolment(
          app.deps.database.db,
          request.auditContext,
          request.principal!,
          request.body.code,
          settings,
        ),
      ),
  );

  await userAdminRoutes(app);
  await auditRoutes(app);
}

function describe(principal: NonNullable<FastifyRequest['principal']>) {
  return {
    ...principal,
    roleLabel: ROLE_LABELS[principal.role],
    permissions: [...ROLE_PERMISSIONS[principal.role]],
  };
}
