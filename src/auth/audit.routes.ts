import type { FastifyInstance } from 'fastify';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import { AUDIT_EXPORT_COLUMNS } from './audit.export.ts';
import { listAuditEntries, verifyAuditChain } from './audit.service.ts';
import { GET_AUDIT_ENTRIES_ANSWER } from './auth-answers.schema.ts';
import { sendListExport } from './list-export.ts';

const filterProperties = {
  action: { type: 'string', maxLength: 64 },
  actionPrefix: {
    type: 'string',
    maxLength: 64,
    description: '操作代码前缀，如 claim. 表示全部补贴申请操作',
  },
  objectType: { type: 'string', maxLength: 64 },
  objectId: { type: 'string', maxLength: 64 },
  actorUserId: { type: 'integer', minimum: 1 },
  actorLoginName: { type: 'string', maxLength: 64, description: '操作人登录名' },
  outcome: { type: 'string', enum: ['success', 'denied', 'failure'] },
  from: { type: 'string', format: 'date-time' },
  to: { type: 'string', format: 'date-time' },
} as const;

const auditQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    page: { type: 'integer', minimum: 1, default: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    ...filterProperties,
  },
} as const;

/** The audit trail for auditors and the audit administrator: read-only, paginated, one province. */
export async function auditRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = app.deps.database.db;

  app.get(
    '/api/audit/entries',
    {
      config: {
        access: 'audit.read',
        scopedIds: {
          'query.objectId': { unscoped: 'a text key within the audit trail the caller may read' },
          'query.actorUserId': 'user',
        },
      },
      schema: {
        tags: ['audit'],
        summary: '查询本省审计日志（分页，个人信息已脱敏）',
        querystring: auditQuerySchema,
        response: { 200: GET_AUDIT_ENTRIES_ANSWER },
      },
    },
    async (request) => listAuditEntries(db, request.principal!, request.query),
  );

  app.get(
    '/api/audit/entries.xlsx',
    {
      config: {
        access: 'audit.read',
        scopedIds: {
          'query.objectId': { unscoped: 'a text key within the audit trail the caller may read' },
          'query.actorUserId': 'user',
        },
      },
      schema: {
        tags: ['audit'],
        summary: '导出本省审计日志（按筛选条件，xlsx，个人信息已脱敏）',
        querystring: { type: 'object', additionalProperties: false, properties: filterProperties },
      },
    },
    async (request, reply) =>
      sendListExport(db, request, reply, {
        title: '审计日志',
        asciiFileName: 'audit-log.xlsx',
        action: 'audit.export',
        objectType: 'audit_log',
        columns: AUDIT_EXPORT_COLUMNS,
        read: (paging) => listAuditEntries(db, request.principal!, { ...request.query, ...paging }),
      }),
  );

  app.get(
    '/api/audit/verify',
    {
      config: { access: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: '校验本省审计日志哈希链，指出第一条被篡改的记录',
        response: {
          200: {
            type: 'object',
            properties: {
              isIntact: { type: 'boolean' },
              checked: { type: 'integer' },
              firstTampered: {
                type: ['object', 'null'],
                properties: {
                  id: { type: 'integer' },
                  provinceCode: { type: 'string' },
                  reason: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const result = await verifyAuditChain(db, request.principal!.provinceCode);
      return { isIntact: result.firstTampered === null, ...result };
    },
  );
}
