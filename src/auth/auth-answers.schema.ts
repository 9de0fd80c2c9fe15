import { pageSchemaOf } from '../shared/schemas.ts';
import { ROLES } from './roles.ts';

/**
 * Response schemas of the auth domain's routes (auth.routes.ts, user-admin.routes.ts,
 * audit.routes.ts), written from the types their handlers return: every field a handler always
 * returns is required, so the web client's generated types are not all optional.
 */

/** The signed-in user (`Principal` of scope.ts) with the role's label and permissions. */
export const PRINCIPAL_SCHEMA = {
  type: 'object',
  required: [
    'userId',
    'loginName',
    'role',
    'roleLabel',
    'regionCode',
    'provinceCode',
    'organisationId',
    'personId',
    'permissions',
  ],
  properties: {
    userId: { type: 'integer' },
    loginName: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    roleLabel: { type: 'string' },
    regionCode: { type: 'string' },
    provinceCode: { type: 'string' },
    organisationId: { type: ['integer', 'null'] },
    personId: { type: ['integer', 'null'] },
    permissions: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** The answer of a login or a password change: the bearer token and what the session must do first. */
export const SESSION_SCHEMA = {
  type: 'object',
  required: ['token', 'expiresAt', 'mustChangePassword', 'passwordExpired', 'totpEnrolmentRequired', 'user'],
  properties: {
    token: { type: 'string' },
    expiresAt: { type: 'string' },
    mustChangePassword: { type: 'boolean' },
    passwordExpired: { type: 'boolean' },
    totpEnrolmentRequired: { type: 'boolean' },
    user: PRINCIPAL_SCHEMA,
  },
} as const;

/** An account as the administrators see it (`UserSummary` of user-admin.service.ts). */
export const USER_ACCOUNT_SCHEMA = {
  type: 'object',
  required: [
    'id',
    'loginName',
    'displayName',
    'role',
    'regionCode',
    'organisationId',
    'personId',
    'status',
    'isLocked',
    'hasTotp',
    'mustChangePassword',
    'createdAt',
  ],
  properties: {
    id: { type: 'integer' },
    loginName: { type: 'string' },
    displayName: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    regionCode: { type: 'string' },
    organisationId: { type: ['integer', 'null'] },
    personId: { type: ['integer', 'null'] },
    status: { type: 'string', enum: ['active', 'disabled'] },
    isLocked: { type: 'boolean' },
    hasTotp: { type: 'boolean' },
    mustChangePassword: { type: 'boolean' },
    createdAt: { type: 'string' },
  },
} as const;

/** GET /api/admin/users and GET /api/security/users → 200 */
export const USER_PAGE_ANSWER = pageSchemaOf(USER_ACCOUNT_SCHEMA);

/** POST /api/security/users/:userId/totp-reset → 200: the account and its one-time enrolment code. */
export const USER_ACCOUNT_WITH_ENROLMENT_SCHEMA = {
  ...USER_ACCOUNT_SCHEMA,
  properties: {
    ...USER_ACCOUNT_SCHEMA.properties,
    enrolmentCode: {
      type: 'string',
      description: '一次性绑定码：仅显示一次，由安全管理员线下交付本人，72 小时内有效',
    },
  },
} as const;

/** GET /api/security/keys → 200: the data keys' ids, never a key. */
export const SECURITY_KEYS_ANSWER = {
  type: 'object',
  required: ['currentKeyId', 'keyIds', 'isDemoKeyring'],
  properties: {
    currentKeyId: { type: 'string' },
    keyIds: { type: 'array', items: { type: 'string' } },
    isDemoKeyring: { type: 'boolean' },
  },
} as const;

/** One audit entry as an auditor reads it (personal data in `before`/`after` masked). */
export const AUDIT_ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'provinceCode',
    'occurredAt',
    'actorUserId',
    'actorRole',
    'actorLoginName',
    'actorDisplayName',
    'ip',
    'action',
    'objectType',
    'objectId',
    'outcome',
    'before',
    'after',
    'requestId',
    'hash',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    occurredAt: { type: 'string', format: 'date-time' },
    actorUserId: { type: ['integer', 'null'] },
    actorRole: { type: ['string', 'null'] },
    actorLoginName: { type: ['string', 'null'] },
    actorDisplayName: { type: ['string', 'null'] },
    ip: { type: ['string', 'null'] },
    action: { type: 'string' },
    objectType: { type: 'string' },
    objectId: { type: ['string', 'null'] },
    outcome: { type: 'string', enum: ['success', 'denied', 'failure'] },
    before: {},
    after: {},
    requestId: { type: ['string', 'null'] },
    hash: { type: 'string' },
  },
} as const;

/** GET /api/audit/entries → 200 */
export const GET_AUDIT_ENTRIES_ANSWER = pageSchemaOf(AUDIT_ENTRY_SCHEMA);
