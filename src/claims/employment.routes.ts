import type { FastifyInstance } from 'fastify';
import { resolvePersonReference } from '../registry/person.service.ts';
import { DATE_SCHEMA as DATE, ID_PARAMS_SCHEMA } from '../shared/schemas.ts';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import {
  getVisibleEmployment,
  listEmployment,
  recordPayroll,
  registerEmployment,
} from './employment.service.ts';

const idParams = ID_PARAMS_SCHEMA;

export async function employmentRoutes(fastify: FastifyInstance): Promise<void> {
  // Requests typed from the route schemas (no casts).
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = () => app.deps.database.db;

  app.post(
    '/api/employment-records',
    {
      config: {
        access: 'claim.create',
        scopedIds: { 'body.enterpriseId': 'organisation', 'body.personId': 'person' },
      },
      schema: {
        tags: ['claims'],
        summary: '登记企业吸纳就业记录（以工代训依据）',
        body: {
          type: 'object',
          required: ['enterpriseId', 'contractMonths', 'start'],
          // The employee: an id the caller may see, or ID number and name (实名). A migrant worker
          // is employed by his ID number and name, never refused for his hukou (渝人社发〔2021〕12号 八).
          anyOf: [{ required: ['personId'] }, { required: ['idNumber', 'name'] }],
          additionalProperties: false,
          properties: {
            enterpriseId: { type: 'integer', minimum: 1 },
            personId: { type: 'integer', minimum: 1 },
            idNumber: { type: 'string', minLength: 15, maxLength: 18 },
            name: { type: 'string', minLength: 1, maxLength: 50 },
            contractMonths: { type: 'integer', minimum: 1, maximum: 600 },
            start: DATE,
            end: { anyOf: [DATE, { type: 'null' }] },
          },
        },
      },
    },
    async (request, reply) => {
      const record = await db()
        .transaction()
        .execute(async (trx) => {
          const { idNumber, name, personId, ...fields } = request.body;
          const person = await resolvePersonReference(
            trx,
            request.principal!,
            // The schema's anyOf: without ID number and name, personId is there.
            idNumber !== undefined && name !== undefined ? { idNumber, name } : { personId: personId! },
          );
          return registerEmployment(trx, request.auditContext, { ...fields, personId: person.id });
        });
      return reply.status(201).send(record);
    },
  );

  app.get(
    '/api/employment-records',
    {
      config: { access: 'claim.read', scopedIds: { 'query.enterpriseId': 'organisation' } },
      schema: {
        tags: ['claims'],
        summary: '就业记录列表（分页）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            page: { type: 'integer', minimum: 1, default: 1 },
            pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            enterpriseId: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
    async (request) => listEmployment(db(), request.principal!, request.query),
  );

  app.get(
    '/api/employment-records/:id',
    {
      config: { access: 'claim.read' },
      schema: { tags: ['claims'], summary: '就业记录详情', params: idParams },
    },
    async (request) => {
      const { id } = request.params;
      return getVisibleEmployment(db(), request.principal!, id);
    },
  );

  app.post(
    '/api/employment-records/:id/payroll',
    {
      config: { access: 'claim.create' },
      schema: {
        tags: ['claims'],
        summary: '登记工资发放月份（大数据比对结果）',
        params: idParams,
        body: {
          type: 'object',
          required: ['months'],
          additionalProperties: false,
          properties: {
            months: {
              type: 'array',
              minItems: 1,
              maxItems: 120,
              items: {
                type: 'object',
                required: ['month', 'grossPayFen'],
                additionalProperties: false,
                properties: {
                  month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' },
                  grossPayFen: { type: 'integer', minimum: 0 },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { months } = request.body;
      return db()
        .transaction()
        .execute((trx) => recordPayroll(trx, request.auditContext, id, months, app.clock.today()));
    },
  );
}
