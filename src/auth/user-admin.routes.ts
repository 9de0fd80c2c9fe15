import type { FastifyInstance } from 'fastify';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import {
  SECURITY_KEYS_ANSWER,
  USER_ACCOUNT_SCHEMA,
  USER_ACCOUNT_WITH_ENROLMENT_SCHEMA,
  USER_PAGE_ANSWER,
} from './auth-answers.schema.ts';
import { chinaDateTime, type ExportColumn, sendListExport } from './list-export.ts';
import { ROLE_LABELS, ROLES } from './roles.ts';
import {
  ADMINISTRATOR_ROLES,
  applySecurityAction,
  createUserByAdmin,
  listUsers,
  type SecurityAction,
  type UserSummary,
  updateUser,
} from './user-admin.service.ts';

const userIdParams = {
  type: 'object',
  required: ['userId'],
  additionalProperties: false,
  properties: { userId: { type: 'integer', minimum: 1 } },
} as const;

const NON_ADMIN_ROLES = ROLES.filter((role) => !ADMINISTRATOR_ROLES.includes(role));

/** The filters of the user list, shared by its JSON page and its xlsx export. */
const userFilters = {
  role: { type: 'string', enum: [...ROLES] },
  status: { type: 'string', enum: ['active', 'disabled'] },
} as const;

/** The user list as a sheet: who, which role and region (by name), and the account's state. */
const USER_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<UserSummary>> = [
  { header: '用户编号', value: (user) => user.id },
  { header: '登录名', width: 18, value: (user) => user.loginName },
  { header: '姓名', width: 24, value: (user) => user.displayName },
  { header: '角色', width: 20, value: (user) => ROLE_LABELS[user.role] },
  { header: '所属地区', width: 14, value: (user, names) => names.region(user.regionCode) },
  { header: '地区代码', value: (user) => user.regionCode },
  { header: '所属单位', width: 24, value: (user, names) => names.organisation(user.organisationId) },
  { header: '关联人员编号', value: (user) => user.personId },
  { header: '状态', value: (user) => (user.status === 'active' ? '启用' : '停用') },
  { header: '登录受限', value: (user) => user.isLocked },
  { header: '已绑定动态口令', value: (user) => user.hasTotp },
  { header: '须修改密码', value: (user) => user.mustChangePassword },
  { header: '创建时间（北京时间）', width: 20, value: (user) => chinaDateTime(user.createdAt) },
];
const optionalId = { type: ['integer', 'null'], minimum: 1 } as const;

/** System administrator: accounts. Security administrator: locks, second factors, sessions, keys. */
export async function userAdminRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = app.deps.database.db;

  // One list for both administrators of accounts: the system administrator manages them, the
  // security administrator unlocks them, resets their second factor and revokes their sessions.
  for (const [url, access, summary] of [
    ['/api/admin/users', 'user.admin', '本辖区用户列表（系统管理员）'],
    ['/api/security/users', 'security.admin', '本辖区用户的锁定、动态口令与状态（安全管理员）'],
  ] as const) {
    app.get(
      url,
      {
        config: { access },
        schema: {
          tags: [access === 'user.admin' ? 'admin' : 'security'],
          summary,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              page: { type: 'integer', minimum: 1, default: 1 },
              pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
              ...userFilters,
            },
          },
          response: { 200: USER_PAGE_ANSWER },
        },
      },
      async (request) => listUsers(db, request.principal!, request.query),
    );

    app.get(
      `${url}.xlsx`,
      {
        config: { access },
        schema: {
          tags: [access === 'user.admin' ? 'admin' : 'security'],
          summary: `导出${summary.replace('（', '（按与列表相同的筛选条件，xlsx；')}`,
          querystring: { type: 'object', additionalProperties: false, properties: userFilters },
        },
      },
      async (request, reply) =>
        sendListExport(db, request, reply, {
          title: '用户账号',
          asciiFileName: 'users.xlsx',
          action: 'user.export',
          objectType: 'user',
          columns: USER_EXPORT_COLUMNS,
          organisationIdsOf: (user) => [user.organisationId],
          read: (paging) => listUsers(db, request.principal!, { ...request.query, ...paging }),
        }),
    );
  }

  app.post(
    '/api/admin/users',
    {
      config: {
        access: 'user.admin',
        scopedIds: { 'body.organisationId': 'organisation', 'body.personId': 'person' },
      },
      schema: {
        tags: ['admin'],
        summary: '创建用户（系统管理员；首次登录须改密；管理员账号只能用命令行创建）',
        body: {
          type: 'object',
          required: ['loginName', 'displayName', 'role', 'regionCode', 'initialPassword'],
          additionalProperties: false,
          properties: {
            loginName: { type: 'string', pattern: '^[A-Za-z0-9_.-]{3,64}$' },
            displayName: { type: 'string', minLength: 1, maxLength: 100 },
            role: { type: 'string', enum: NON_ADMIN_ROLES },
            regionCode: { type: 'string', pattern: '^[0-9]{6}$' },
            organisationId: optionalId,
            personId: optionalId,
            initialPassword: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
        response: { 201: USER_ACCOUNT_SCHEMA },
      },
    },
    async (request, reply) => {
      const user = await db
        .transaction()
        .execute((trx) => createUserByAdmin(trx, request.auditContext, request.principal!, request.body));
      return reply.status(201).send(user);
    },
  );

  app.patch(
    '/api/admin/users/:userId',
    {
      config: {
        access: 'user.admin',
        scopedIds: { 'body.organisationId': 'organisation', 'body.personId': 'person' },
      },
      schema: {
        tags: ['admin'],
        summary: '修改用户（仅限显示名、状态、所属单位/人员；停用即注销其全部会话）',
        params: userIdParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            displayName: { type: 'string', minLength: 1, maxLength: 100 },
            status: { type: 'string', enum: ['active', 'disabled'] },
            organisationId: optionalId,
            personId: optionalId,
          },
        },
        response: { 200: USER_ACCOUNT_SCHEMA },
      },
    },
    async (request) =>
      db
        .transaction()
        .execute((trx) =>
          updateUser(trx, request.auditContext, request.principal!, request.params.userId, request.body),
        ),
  );

  const securityActions: Array<[string, SecurityAction, string]> = [
    ['unlock', 'unlock', '解除账号锁定（安全管理员）'],
    ['totp-reset', 'reset_totp', '重置动态口令并注销其会话（安全管理员）'],
    ['sessions/revoke', 'revoke_sessions', '注销用户全部会话（安全管理员）'],
  ];
  for (const [path, action, summary] of securityActions) {
    app.post(
      `/api/security/users/:userId/${path}`,
      {
        config: { access: 'security.admin' },
        schema: {
          tags: ['security'],
          summary,
          params: userIdParams,
          response: {
            200: action === 'reset_totp' ? USER_ACCOUNT_WITH_ENROLMENT_SCHEMA : USER_ACCOUNT_SCHEMA,
          },
        },
      },
      async (request) =>
        db
          .transaction()
          .execute((trx) =>
            applySecurityAction(trx, request.auditContext, request.principal!, request.params.userId, action),
          ),
    );
  }

  app.get(
    '/api/security/keys',
    {
      config: { access: 'security.admin' },
      schema: {
        tags: ['security'],
        summary: '个人信息加密密钥状态（仅密钥编号，不含密钥）',
        response: { 200: SECURITY_KEYS_ANSWER },
      },
    },
    async () => {
      const keyring = app.deps.config.dataKeyring;
      return {
        currentKeyId: keyring.current.id,
        keyIds: [...keyring.keys.keys()],
        isDemoKeyring: keyring.isDemoKeyring,
      };
    },
  );
}
