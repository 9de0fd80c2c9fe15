import type { FastifyInstance } from 'fastify';
import { type AuditQuery, listAuditEntries, verifyAuditChain } from './audit.service.ts';

const entrySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    occurredAt: { type: 'string' },
    actorUserId: { type: ['integer', 'null'] },
    actorRole: { type: ['string', 'null'] },
    ip: { type: ['string', 'null'] },
    action: { type: 'string' },
    objectType: { type: 'string' },
    objectId: { type: ['string', 'null'] },
    outcome: { type: 'string' },
    before: {},
    after: {},
    requestId: { type: ['string', 'null'] },
    hash: { type: 'string' },
  },
} as const;

/** The audit trail for auditors and the audit administrator: read-only, paginated, one province. */
export async function auditRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.database.db;

  app.get<{ Querystring: AuditQuery }>(
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
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            page: { type: 'integer', minimum: 1, default: 1 },
            pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            action: { type: 'string', maxLength: 64 },
            objectType: { type: 'string', maxLength: 64 },
            objectId: { type: 'string', maxLength: 64 },
            actorUserId: { type: 'integer', minimum: 1 },
            outcome: { type: 'string', enum: ['success', 'denied', 'failure'] },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: entrySchema },
              total: { type: 'integer' },
              page: { type: 'integer' },
              pageSize: { type: 'integer' },
            },
          },
        },
      },
    },
    async (request) => listAuditEntries(db, request.principal!, request.query),
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
