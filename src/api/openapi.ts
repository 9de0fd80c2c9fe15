import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifySchema, RouteOptions } from 'fastify';

/**
 * What the OpenAPI document (`/api/docs/json`) says beyond the route schemas, so that a client
 * generated from it (web/src/api/openapi.d.ts) knows how to call every operation: the bearer
 * scheme on every non-public operation, an operationId per operation, the error answers with
 * the one error shape, and a success answer on every operation.
 */

/** The one error shape every refusal answers (src/api/error-handler.ts). */
export const API_ERROR_SCHEMA = {
  $id: 'ApiError',
  type: 'object',
  description: '错误应答：code 为稳定的错误代码，message 为中文说明，details 逐项指明出错的字段',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', description: '错误代码（SCREAMING_SNAKE，见 src/shared/errors.ts）' },
        message: { type: 'string', description: '中文说明' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            required: ['message'],
            properties: {
              field: { type: 'string', description: '出错的字段，如 body.person.idNumber' },
              message: { type: 'string' },
            },
            additionalProperties: true,
          },
        },
      },
    },
  },
} as const;

/** The security scheme of the document: the session token from POST /api/auth/login. */
export const BEARER_SCHEME = 'bearer';

export const OPENAPI_OPTIONS: FastifyDynamicSwaggerOptions['openapi'] = {
  openapi: '3.0.3',
  info: {
    title: 'SkillFund 技能提升行动专账资金与补贴性培训管理平台 API',
    version: '1.0.0',
    description:
      '错误一律应答 `{error:{code,message,details}}`；金额一律为整数分（fen）。' +
      '除标明公开的接口外，请求须带 `Authorization: Bearer <令牌>`（令牌由 POST /api/auth/login 取得）。',
    license: { name: 'UNLICENSED' },
  },
  servers: [{ url: '/', description: '本服务器（与网页同源）' }],
  components: {
    securitySchemes: {
      [BEARER_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        description: '会话令牌，由 POST /api/auth/login 取得',
      },
    },
  },
};

function pascalCase(word: string): string {
  return word
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/**
 * A stable operationId from the method and the path: `GET /api/claims/:id/materials` →
 * `getClaimsByIdMaterials`. A route may name its own (`schema.operationId`).
 */
export function operationIdOf(method: string, url: string): string {
  const segments = url
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'api')
    .map((segment) => (segment.startsWith(':') ? `By${pascalCase(segment.slice(1))}` : pascalCase(segment)));
  return `${method.toLowerCase()}${segments.join('')}`;
}

const ERROR_RESPONSE = { $ref: 'ApiError#', description: '请求被拒绝（参数、权限、状态等），见 error.code' };
const FAILURE_RESPONSE = { $ref: 'ApiError#', description: '服务器或数据库暂时不可用' };

/** A success answer for an operation that declares none yet: any JSON. */
export const UNDECLARED_SUCCESS = { description: '成功（应答结构未逐项声明）' };

function hasSuccessResponse(response: Record<string, unknown>): boolean {
  return Object.keys(response).some((status) => /^(2|3)/.test(status) || status === 'default');
}

/**
 * The route's schema as documented (@fastify/swagger's `transform`); the route's own schema,
 * which validates and serialises, is left as it is.
 */
export function documentedRoute({
  schema,
  url,
  route,
}: {
  schema: FastifySchema;
  url: string;
  route: RouteOptions;
}): {
  schema: FastifySchema;
  url: string;
} {
  if (!schema || (schema as { hide?: boolean }).hide) return { schema, url };
  const method = Array.isArray(route.method) ? route.method[0]! : route.method;
  const response = { ...((schema.response as Record<string, unknown> | undefined) ?? {}) };
  if (!hasSuccessResponse(response)) response['2xx'] = UNDECLARED_SUCCESS;
  response['4xx'] ??= ERROR_RESPONSE;
  response['5xx'] ??= FAILURE_RESPONSE;
  const isPublic = route.config?.access === 'public';
  return {
    url,
    schema: {
      ...schema,
      operationId: (schema as { operationId?: string }).operationId ?? operationIdOf(method, url),
      security: isPublic ? [] : [{ [BEARER_SCHEME]: [] }],
      response,
    } as FastifySchema,
  };
}
