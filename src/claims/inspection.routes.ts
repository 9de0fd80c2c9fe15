import type { FastifyInstance } from 'fastify';
import { DATE_SCHEMA, ID_PARAMS_SCHEMA } from '../shared/schemas.ts';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import { listClaimInspections, recordClaimInspection } from './claim.inspection.ts';

const RESULT = {
  type: 'string',
  enum: ['passed', 'minor_issues', 'failed'],
  description: '核查结果：passed 未发现问题，minor_issues 发现一般问题，failed 发现严重问题',
} as const;

const INSPECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'claimId',
    'classId',
    'agencyId',
    'agencyName',
    'contractNumber',
    'inspectedOn',
    'result',
    'findings',
    'attachment',
    'recordedAt',
  ],
  properties: {
    id: { type: 'integer' },
    claimId: { type: 'integer' },
    classId: { type: 'integer', nullable: true },
    agencyId: { type: 'integer' },
    agencyName: { type: 'string' },
    contractNumber: { type: 'string' },
    inspectedOn: { ...DATE_SCHEMA, description: '检查日期（业务日期）' },
    result: RESULT,
    findings: { type: 'string' },
    attachment: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: ['fileName', 'contentType', 'sizeBytes', 'sha256'],
      properties: {
        fileName: { type: 'string' },
        contentType: { type: 'string' },
        sizeBytes: { type: 'integer' },
        sha256: { type: 'string' },
      },
    },
    recordedAt: { type: 'string', format: 'date-time', description: '记录时间（系统时钟）' },
  },
} as const;

/** On-site inspections (现场核查) of a claim by the third-party review agency under contract. */
export async function inspectionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = () => app.deps.database.db;

  app.post(
    '/api/claims/:id/inspections',
    {
      config: { access: 'claim.review' },
      schema: {
        tags: ['claims'],
        summary: '第三方审核机构登记现场核查（合同范围内的申请；检查日期不晚于业务日期）',
        params: ID_PARAMS_SCHEMA,
        body: {
          type: 'object',
          required: ['inspectedOn', 'result', 'findings'],
          additionalProperties: false,
          properties: {
            inspectedOn: DATE_SCHEMA,
            result: RESULT,
            findings: { type: 'string', minLength: 1, maxLength: 2000 },
            attachment: {
              type: 'object',
              required: ['fileName', 'contentType', 'contentBase64'],
              additionalProperties: false,
              properties: {
                fileName: { type: 'string', minLength: 1, maxLength: 200 },
                contentType: { type: 'string', minLength: 1, maxLength: 100 },
                contentBase64: { type: 'string', minLength: 1, maxLength: 14_000_000 },
              },
            },
          },
        },
        response: { 201: INSPECTION_SCHEMA },
      },
    },
    async (request, reply) => {
      const { attachment, ...body } = request.body;
      const inspection = await db()
        .transaction()
        .execute((trx) =>
          recordClaimInspection(trx, request.auditContext, {
            ...body,
            claimId: request.params.id,
            ...(attachment && {
              attachment: {
                fileName: attachment.fileName,
                contentType: attachment.contentType,
                content: Buffer.from(attachment.contentBase64, 'base64'),
              },
            }),
            today: app.clock.today(),
            uploadDir: app.deps.config.uploadDir,
          }),
        );
      reply.code(201);
      return inspection;
    },
  );

  app.get(
    '/api/claims/:id/inspections',
    {
      config: { access: 'claim.read' },
      schema: {
        tags: ['claims'],
        summary: '申请的现场核查记录',
        params: ID_PARAMS_SCHEMA,
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: { items: { type: 'array', items: INSPECTION_SCHEMA } },
          },
        },
      },
    },
    async (request) => listClaimInspections(db(), request.principal!, request.params.id),
  );
}
