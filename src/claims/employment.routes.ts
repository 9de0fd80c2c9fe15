import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { readTableFile } from '../ledger/bank-file.codec.ts';
import { resolvePersonReference } from '../registry/person.service.ts';
import { AppError } from '../shared/errors.ts';
import {
  DATE_SCHEMA as DATE,
  ID_PARAMS_SCHEMA,
  ID_SCHEMA,
  PAGE_QUERY_SCHEMA_PROPERTIES,
  pageSchemaOf,
} from '../shared/schemas.ts';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import { contributionRowsFromTable, importContributions, listContributions } from './contribution.service.ts';
import {
  getVisibleEmployment,
  listEmployment,
  recordPayroll,
  registerEmployment,
} from './employment.service.ts';

const idParams = ID_PARAMS_SCHEMA;
const CONTRIBUTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'enterpriseId',
    'enterpriseName',
    'creditCode',
    'personId',
    'personName',
    'idNumber',
    'month',
    'amountFen',
    'isVerifying',
    'importedOn',
    'sourceFileName',
  ],
  properties: {
    id: { type: 'integer' },
    enterpriseId: { type: 'integer' },
    enterpriseName: { type: 'string' },
    creditCode: { type: 'string' },
    personId: { type: 'integer' },
    personName: { type: ['string', 'null'] },
    idNumber: { type: ['string', 'null'], description: '公民身份号码（脱敏）' },
    month: { type: 'string', description: '费款所属期 YYYY-MM' },
    amountFen: { type: 'integer' },
    isVerifying: { type: 'boolean', description: '缴费金额大于0，可核验该月以工代训' },
    importedOn: { type: 'string', format: 'date' },
    sourceFileName: { type: 'string' },
  },
} as const;

const CONTRIBUTION_IMPORT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['totalRows', 'validRows', 'rejected', 'isWritten', 'inserted', 'updated'],
  properties: {
    totalRows: { type: 'integer' },
    validRows: { type: 'integer' },
    rejected: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rowNumber', 'reasons'],
        properties: {
          rowNumber: { type: 'integer' },
          reasons: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['field', 'message'],
              properties: { field: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
    isWritten: { type: 'boolean' },
    inserted: { type: 'integer' },
    updated: { type: 'integer' },
  },
} as const;

/** An employment record (`EmploymentRecord`): 以工代训's basis, with the months declared and verified. */
const EMPLOYMENT_RECORD_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'enterpriseId',
    'personId',
    'contractMonths',
    'start',
    'end',
    'payrollMonths',
    'verifiedMonths',
  ],
  properties: {
    id: { type: 'integer' },
    enterpriseId: { type: 'integer' },
    personId: { type: 'integer' },
    contractMonths: { type: 'integer' },
    start: { type: 'string', format: 'date' },
    end: { type: 'string', format: 'date', nullable: true },
    /** The payroll months the enterprise declared itself (not a verification). */
    payrollMonths: { type: 'array', items: { type: 'string' } },
    /** The months the imported social-insurance contributions verify (amount above zero). */
    verifiedMonths: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** A listed employment record: the employee and the enterprise by name as well. */
const EMPLOYMENT_LIST_ITEM_SCHEMA = {
  ...EMPLOYMENT_RECORD_SCHEMA,
  required: [...EMPLOYMENT_RECORD_SCHEMA.required, 'personName', 'enterpriseName'],
  properties: {
    ...EMPLOYMENT_RECORD_SCHEMA.properties,
    personName: { type: 'string', nullable: true },
    enterpriseName: { type: 'string' },
  },
} as const;

const MONTH = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } as const;

export async function employmentRoutes(fastify: FastifyInstance): Promise<void> {
  // Requests typed from the route schemas (no casts).
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = () => app.deps.database.db;
  await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 1 } });

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
        response: { 201: EMPLOYMENT_RECORD_SCHEMA },
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
        response: { 200: pageSchemaOf(EMPLOYMENT_LIST_ITEM_SCHEMA) },
      },
    },
    async (request) => listEmployment(db(), request.principal!, request.query),
  );

  app.get(
    '/api/employment-records/:id',
    {
      config: { access: 'claim.read' },
      schema: {
        tags: ['claims'],
        summary: '就业记录详情',
        params: idParams,
        response: { 200: EMPLOYMENT_RECORD_SCHEMA },
      },
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
        summary: '企业填报工资发放月份（企业自报，不作核验依据）',
        description:
          '企业自行填报的工资发放情况仅供参考：以工代训月份只以人社部门导入的社会保险缴费记录（缴费金额大于0）核验。',
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
        response: { 200: EMPLOYMENT_RECORD_SCHEMA },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { months } = request.body;
      return db()
        .transaction()
        .execute((trx) => recordPayroll(trx, request.auditContext, id, months));
    },
  );

  app.post(
    '/api/social-insurance-contributions/import',
    {
      config: { access: 'registry.write' },
      schema: {
        tags: ['claims'],
        summary:
          '导入社会保险缴费记录（xlsx/CSV，GBK 或 UTF-8，multipart 字段 file；列：公民身份号码、姓名、统一社会信用代码、费款所属期、缴费金额（元））；先逐行校验，accept=valid 时才写入有效行',
        description:
          '以工代训的月份只以这里导入的缴费金额大于0的记录核验（同一人员、企业、月份）。企业仅能为本辖区企业导入；' +
          '缺少列的文件整体拒绝（422，指明列），逐行问题在 rejected 中列出，未带 accept=valid 时不写入任何数据。',
        consumes: ['multipart/form-data'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { accept: { type: 'string', enum: ['valid'] } },
        },
        response: { 200: CONTRIBUTION_IMPORT_SCHEMA },
      },
    },
    async (request) => {
      if (!request.isMultipart())
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传缴费记录文件', [
          { field: 'file', message: '须以 multipart/form-data 上传' },
        ]);
      const file = await request.file();
      if (!file)
        throw new AppError('INVALID_REQUEST', '缺少缴费记录文件', [{ field: 'file', message: '必填' }]);
      const table = await readTableFile(await file.toBuffer());
      const rows = contributionRowsFromTable(table.rows);
      const accept = request.query.accept;
      return db()
        .transaction()
        .execute((trx) =>
          importContributions(trx, request.auditContext, rows, {
            ...(accept ? { accept } : {}),
            fileName: file.filename,
            today: app.clock.today(),
          }),
        );
    },
  );

  app.get(
    '/api/social-insurance-contributions',
    {
      config: {
        access: 'registry.read',
        scopedIds: { 'query.enterpriseId': 'organisation', 'query.personId': 'person' },
      },
      schema: {
        tags: ['claims'],
        summary: '社会保险缴费记录列表（分页；按企业、人员、费款所属期筛选）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...PAGE_QUERY_SCHEMA_PROPERTIES,
            enterpriseId: ID_SCHEMA,
            personId: ID_SCHEMA,
            monthFrom: MONTH,
            monthTo: MONTH,
          },
        },
        response: { 200: pageSchemaOf(CONTRIBUTION_SCHEMA) },
      },
    },
    async (request) => listContributions(db(), request.principal!, request.query),
  );
}
