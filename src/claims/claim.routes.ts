import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { sendListExport } from '../auth/list-export.ts';
import { maskedBatch } from '../ledger/payment.service.ts';
import { inLedgerTransaction } from '../ledger/transfer.service.ts';
import { SUBSIDY_KINDS } from '../policy/evaluate.types.ts';
import { getVisiblePerson } from '../registry/person.service.ts';
import { AppError } from '../shared/errors.ts';
import {
  DATE_SCHEMA as DATE,
  ID_PARAMS_SCHEMA,
  PAGE_QUERY_SCHEMA_PROPERTIES,
  sortQueryProperties,
} from '../shared/schemas.ts';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import { revokeCertificate } from '../training/certificate.service.ts';
import { getVisibleClass } from '../training/class.service.ts';
import { listAdvances } from './claim.advances.ts';
import { holdSubsidiesOfCertificate } from './claim.certificate-hold.ts';
import { CLAIM_EXPORT_COLUMNS, publicNoticeWorkbook } from './claim.export.ts';
import { createClaimIdempotently } from './claim.idempotency.ts';
import { attachMaterial, claimChecklist } from './claim.materials.ts';
import {
  decideClaimPayments,
  importClaimBankResult,
  requestClaimPayments,
  requestClaimSettlement,
} from './claim.payment.ts';
import {
  CLAIM_SORT_FIELDS,
  listClaims,
  listObjections,
  listPersonClaimLines,
  listPublicNotices,
  recordObjection,
  resolveObjection,
} from './claim.query.ts';
import { reopenTrainee } from './claim.reopen.ts';
import { selectClaimDetail, selectClaimRow } from './claim.repository.ts';
import {
  ADVANCE_PAGE_SCHEMA,
  CLAIM_DETAIL_SCHEMA,
  CLAIM_MATERIALS_SCHEMA,
  CLAIM_PAGE_SCHEMA,
} from './claim.schema.ts';
import { assertClaimVisible, submitClaim, transitionClaim } from './claim.service.ts';
import { CLAIM_STATUSES } from './claim.workflow.ts';
import {
  BANK_RESULT_SCHEMA,
  CERTIFICATE_REVOCATION_SCHEMA,
  CLAIM_CREATED_ANSWERS,
  OBJECTION_LIST_SCHEMA,
  OBJECTION_SCHEMA,
  PAYMENT_ORDER_ANSWERS,
  PAYMENT_ORDER_DECISION_SCHEMA,
  PERSON_CLAIM_LINES_SCHEMA,
  POST_CLAIMS_BY_ID_ATTACHMENTS_ANSWER,
  PUBLIC_NOTICE_PAGE_SCHEMA,
  REOPENING_SCHEMA,
} from './claim-answers.schema.ts';

const idParams = ID_PARAMS_SCHEMA;

const createBody = {
  type: 'object',
  required: ['applicationDate', 'payeeAccount', 'claim'],
  additionalProperties: false,
  properties: {
    applicationDate: DATE,
    payeeAccount: {
      type: 'object',
      required: ['bankName', 'accountNumber'],
      additionalProperties: false,
      properties: {
        bankName: { type: 'string', minLength: 2, maxLength: 100 },
        accountNumber: { type: 'string', pattern: '^[0-9]{8,32}$' },
      },
    },
    mode: { type: 'string', enum: ['full', 'advance'] },
    advanceClaimId: { type: 'integer', minimum: 1 },
    claim: {
      oneOf: [
        {
          type: 'object',
          required: ['source', 'classId', 'subsidyKind'],
          additionalProperties: false,
          properties: {
            source: { const: 'class' },
            classId: { type: 'integer', minimum: 1 },
            subsidyKind: { type: 'string', enum: [...SUBSIDY_KINDS] },
          },
        },
        {
          type: 'object',
          required: ['source', 'certificateIds'],
          additionalProperties: false,
          properties: {
            source: { const: 'certificates' },
            certificateIds: {
              type: 'array',
              minItems: 1,
              maxItems: 1000,
              items: { type: 'integer', minimum: 1 },
            },
          },
        },
        {
          type: 'object',
          required: ['source', 'employmentIds'],
          additionalProperties: false,
          properties: {
            source: { const: 'employment' },
            employmentIds: {
              type: 'array',
              minItems: 1,
              maxItems: 1000,
              items: { type: 'integer', minimum: 1 },
            },
          },
        },
      ],
    },
  },
} as const;

const transitionBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', maxLength: 500 } },
} as const;

/** The filters of the claim list, shared by its JSON page and its xlsx export. */
const claimFilters = {
  regionCode: { type: 'string', pattern: '^\\d{6}$' },
  status: { type: 'string', enum: [...CLAIM_STATUSES] },
  subsidyKind: { type: 'string', enum: [...SUBSIDY_KINDS] },
  from: DATE,
  to: DATE,
  ...sortQueryProperties(CLAIM_SORT_FIELDS, '按编号降序，最新在前'),
  classId: { type: 'integer', minimum: 1, description: '培训班编号：只列该班的补贴申请' },
} as const;

/** The class a claim list is filtered by must be one the caller may see. */
const CLAIM_FILTER_IDS = { 'query.classId': 'class' } as const;

export async function claimRoutes(fastify: FastifyInstance): Promise<void> {
  // Requests and answers typed from the route schemas (no casts).
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = () => app.deps.database.db;
  await app.register(multipart, { limits: { fileSize: 50 * 1024 * 1024, files: 1, fields: 5 } });

  app.get(
    '/api/claims/:id/materials',
    {
      config: { access: 'claim.read' },
      schema: {
        tags: ['claims'],
        summary: '申报材料清单（按地区、补贴类别、申请主体）及已上传文件',
        params: idParams,
        response: { 200: CLAIM_MATERIALS_SCHEMA },
      },
    },
    async (request) => {
      const { id } = request.params;
      const row = await selectClaimRow(db(), id);
      if (!row)
        throw new AppError('NOT_FOUND', `补贴申请不存在：${id}`, [{ field: 'id', message: '不存在' }]);
      assertClaimVisible(request.principal!, row);
      return { items: await claimChecklist(db(), id) };
    },
  );

  app.post(
    '/api/claims/:id/attachments',
    {
      config: { access: 'claim.create' },
      schema: {
        response: { 201: POST_CLAIMS_BY_ID_ATTACHMENTS_ANSWER },
        tags: ['claims'],
        summary: '上传申报材料（multipart：字段 materialCode 在前，file 在后）；文件按 SHA-256 存储',
        consumes: ['multipart/form-data'],
        params: idParams,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!request.isMultipart()) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传材料', [
          { field: 'file', message: '须以 multipart/form-data 上传' },
        ]);
      }
      const file = await request.file();
      if (!file) throw new AppError('INVALID_REQUEST', '缺少文件', [{ field: 'file', message: '必填' }]);
      const field = file.fields.materialCode as { value?: unknown } | undefined;
      const materialCode = typeof field?.value === 'string' ? field.value : '';
      if (!/^[a-z_]{2,40}$/.test(materialCode)) {
        throw new AppError('INVALID_REQUEST', '缺少或无效的材料类别', [
          { field: 'materialCode', message: '须在文件之前填写' },
        ]);
      }
      const content = await file.toBuffer();
      const stored = await db()
        .transaction()
        .execute((trx) =>
          attachMaterial(trx, request.auditContext, {
            claimId: id,
            materialCode,
            fileName: file.filename,
            contentType: file.mimetype,
            content,
            uploadDir: app.deps.config.uploadDir,
          }),
        );
      return reply.status(201).send(stored);
    },
  );

  app.post(
    '/api/claims',
    {
      config: {
        access: 'claim.create',
        scopedIds: {
          'body.advanceClaimId': 'claim',
          'body.claim.classId': 'class',
          'body.claim.certificateIds[]': 'certificate',
          'body.claim.employmentIds[]': 'employmentRecord',
        },
      },
      schema: {
        tags: ['claims'],
        summary: '创建补贴申请（按班级、证书或以工代训就业记录生成明细，由政策引擎逐人计算）',
        description: '支持 Idempotency-Key 请求头：同一键同一内容的重试返回第一次创建的申请。',
        body: createBody,
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 8, maxLength: 128 } },
        },
        response: CLAIM_CREATED_ANSWERS,
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const result = await createClaimIdempotently(db(), request.auditContext, request.body, {
        idempotencyKey: typeof key === 'string' ? key : undefined,
        clock: app.clock,
      });
      return reply.status(result.status).send(result.body);
    },
  );

  app.get(
    '/api/claims',
    {
      config: { access: 'claim.read', scopedIds: CLAIM_FILTER_IDS },
      schema: {
        tags: ['claims'],
        summary: '补贴申请列表（按辖区、状态、日期、培训班筛选，分页）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...PAGE_QUERY_SCHEMA_PROPERTIES, ...claimFilters },
        },
        response: { 200: CLAIM_PAGE_SCHEMA },
      },
    },
    async (request) => listClaims(db(), request.principal!, request.query),
  );

  app.get(
    '/api/claims/advances',
    {
      config: { access: 'claim.read' },
      schema: {
        tags: ['claims'],
        summary: '预拨与清算：本地区政策是否允许预拨、可申请预拨的培训班、预拨申请及其清算（分页）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...PAGE_QUERY_SCHEMA_PROPERTIES },
        },
        response: { 200: ADVANCE_PAGE_SCHEMA },
      },
    },
    async (request) => listAdvances(db(), request.principal!, { ...request.query, today: app.clock.today() }),
  );

  app.get(
    '/api/public/notices',
    {
      config: { access: 'public' },
      schema: {
        tags: ['claims'],
        summary: '正在公示的补贴申请（无需登录）：申请单位、培训班、人数、金额和公示期',
        description: '只列业务日期处于公示期内的申请；不公开个人姓名、身份证号和银行账号。',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...PAGE_QUERY_SCHEMA_PROPERTIES,
            regionCode: { type: 'string', pattern: '^\\d{6}$' },
          },
        },
        response: { 200: PUBLIC_NOTICE_PAGE_SCHEMA },
      },
    },
    async (request) => listPublicNotices(db(), { ...request.query, today: app.clock.today() }),
  );

  app.get(
    '/api/claims/export.xlsx',
    {
      config: { access: 'claim.read', scopedIds: CLAIM_FILTER_IDS },
      schema: {
        tags: ['claims'],
        summary: '导出补贴申请列表（按与列表相同的筛选条件，xlsx）',
        querystring: { type: 'object', additionalProperties: false, properties: claimFilters },
      },
    },
    async (request, reply) =>
      sendListExport(db(), request, reply, {
        title: '补贴申请',
        asciiFileName: 'claims.xlsx',
        action: 'claim.export',
        objectType: 'claim',
        columns: CLAIM_EXPORT_COLUMNS,
        organisationIdsOf: (claim) => [claim.applicantOrganisationId],
        read: (paging) => listClaims(db(), request.principal!, { ...request.query, ...paging }),
      }),
  );

  app.get(
    '/api/claims/:id/notice.xlsx',
    {
      config: { access: 'claim.read' },
      schema: { tags: ['claims'], summary: '导出公示名单（xlsx，身份证号脱敏）', params: idParams },
    },
    async (request, reply) => {
      const { id } = request.params;
      const row = await selectClaimRow(db(), id);
      if (!row)
        throw new AppError('NOT_FOUND', `补贴申请不存在：${id}`, [{ field: 'id', message: '不存在' }]);
      assertClaimVisible(request.principal!, row);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="notice-${row.claim_number}.xlsx"`)
        .send(await publicNoticeWorkbook(db(), id));
    },
  );

  app.get(
    '/api/claims/:id',
    {
      config: { access: 'claim.read' },
      schema: {
        tags: ['claims'],
        summary: '补贴申请详情（含每人的计算依据与政策条款）',
        params: idParams,
        response: { 200: CLAIM_DETAIL_SCHEMA },
      },
    },
    async (request) => {
      const { id } = request.params;
      const row = await selectClaimRow(db(), id);
      if (!row)
        throw new AppError('NOT_FOUND', `补贴申请不存在：${id}`, [{ field: 'id', message: '不存在' }]);
      assertClaimVisible(request.principal!, row);
      const detail = await selectClaimDetail(db(), id);
      if (!detail) throw new Error(`claim ${id} vanished while it was read`);
      return detail;
    },
  );

  app.get(
    '/api/persons/:id/claim-lines',
    {
      config: { access: 'claim.read' },
      schema: {
        tags: ['claims'],
        summary:
          '某人的补贴申请明细（本人在调用者可见的申请中的每一行：申请编号、补贴类型、金额、状态；人员不在可见范围时 404）',
        params: idParams,
        response: { 200: PERSON_CLAIM_LINES_SCHEMA },
      },
    },
    async (request) => {
      // The person first, with the registry's scope (404 outside it, so existence does not leak).
      await getVisiblePerson(db(), request.principal!, request.params.id);
      return { items: await listPersonClaimLines(db(), request.principal!, request.params.id) };
    },
  );

  app.post(
    '/api/claims/:id/submit',
    {
      config: { access: 'claim.create' },
      schema: {
        tags: ['claims'],
        summary: '提交申请（重新按数据库记录核定并占用资格）',
        params: idParams,
        response: { 200: CLAIM_DETAIL_SCHEMA },
      },
    },
    async (request) => {
      const { id } = request.params;
      return db()
        .transaction()
        .execute((trx) => submitClaim(trx, request.auditContext, id, app.clock));
    },
  );

  const transitions = [
    ['review', 'claim.review', '审核通过（县级经办或第三方机构）'],
    ['return', 'claim.review', '退回修改（须填写原因）'],
    ['reject', 'claim.review', '不予补贴（须填写原因）'],
    ['start_notice', 'claim.review', '开始公示'],
    ['approve', 'claim.approve', '审批（公示期满且异议已处理；审核人不得审批）'],
  ] as const;
  for (const [action, access, summary] of transitions) {
    app.post(
      `/api/claims/:id/${action.replace('_', '-')}`,
      {
        config: { access },
        schema: {
          tags: ['claims'],
          summary,
          params: idParams,
          body: transitionBody,
          response: { 200: CLAIM_DETAIL_SCHEMA },
        },
      },
      async (request) => {
        const { id } = request.params;
        const { reason } = request.body ?? {};
        return db()
          .transaction()
          .execute((trx) =>
            transitionClaim(
              trx,
              request.auditContext,
              id,
              { action, reason },
              {
                clock: app.clock,
                noticeWorkingDays: app.deps.config.publicNoticeWorkingDays,
              },
            ),
          );
      },
    );
  }

  app.post(
    '/api/certificates/:id/revoke',
    {
      config: { access: 'certificate.issue' },
      schema: {
        tags: ['training'],
        summary:
          '发证机构撤销证书（须说明理由，留痕）；以该证书申领的补贴行被剔除，已支付的列出应追回金额并生成追回单',
        params: idParams,
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
        },
        response: { 200: CERTIFICATE_REVOCATION_SCHEMA },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { reason } = request.body;
      return db()
        .transaction()
        .execute(async (trx) => {
          const certificate = await revokeCertificate(trx, request.auditContext, {
            certificateId: id,
            reason,
            today: app.clock.today(),
          });
          const held = await holdSubsidiesOfCertificate(trx, request.auditContext, {
            certificateId: id,
            reason,
            today: app.clock.today(),
          });
          return { certificate, ...held };
        });
    },
  );

  app.post(
    '/api/classes/:id/claim-reopenings',
    {
      config: { access: 'claim.approve', scopedIds: { 'body.personId': 'person' } },
      schema: {
        tags: ['claims'],
        summary: '重新开放被驳回或经异议剔除的学员，使本班下一笔该类补贴申请可再次包含其（须说明理由，留痕）',
        params: idParams,
        body: {
          type: 'object',
          required: ['personId', 'subsidyKind', 'reason'],
          additionalProperties: false,
          properties: {
            personId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
            subsidyKind: { type: 'string', enum: [...SUBSIDY_KINDS] },
            reason: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
        response: { 201: REOPENING_SCHEMA },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const body = request.body;
      const trainingClass = await getVisibleClass(db(), request.principal!, id);
      const reopening = await db()
        .transaction()
        .execute((trx) => reopenTrainee(trx, request.auditContext, { classId: trainingClass.id, ...body }));
      return reply.status(201).send(reopening);
    },
  );

  app.post(
    '/api/claims/:id/objections',
    {
      config: {
        access: 'claim.review',
        scopedIds: {
          'body.lineId': { unscoped: 'a line of the path’s claim; the service refuses any other' },
        },
      },
      schema: {
        tags: ['claims'],
        summary: '登记公示期异议',
        params: idParams,
        body: {
          type: 'object',
          required: ['objector', 'content'],
          additionalProperties: false,
          properties: {
            objector: { type: 'string', minLength: 1, maxLength: 100 },
            content: { type: 'string', minLength: 1, maxLength: 2000 },
            lineId: { type: 'integer', minimum: 1 },
          },
        },
        response: { 201: OBJECTION_SCHEMA },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const objection = await db()
        .transaction()
        .execute((trx) => recordObjection(trx, request.auditContext, id, request.body));
      return reply.status(201).send(objection);
    },
  );

  app.get(
    '/api/claims/:id/objections',
    {
      config: { access: 'claim.read' },
      schema: {
        tags: ['claims'],
        summary: '申请的公示期异议（含处理结果）',
        params: idParams,
        response: { 200: OBJECTION_LIST_SCHEMA },
      },
    },
    async (request) => ({ items: await listObjections(db(), request.principal!, request.params.id) }),
  );

  app.post(
    '/api/claims/:id/objections/:objectionId/resolve',
    {
      config: { access: 'claim.review' },
      schema: {
        tags: ['claims'],
        summary: '处理异议（成立的异议将该人员明细排除）',
        params: {
          type: 'object',
          required: ['id', 'objectionId'],
          properties: { id: { type: 'integer', minimum: 1 }, objectionId: { type: 'integer', minimum: 1 } },
        },
        body: {
          type: 'object',
          required: ['resolution', 'isUpheld'],
          additionalProperties: false,
          properties: {
            resolution: { type: 'string', minLength: 1, maxLength: 2000 },
            isUpheld: { type: 'boolean' },
          },
        },
        response: { 200: CLAIM_DETAIL_SCHEMA },
      },
    },
    async (request) => {
      const { id, objectionId } = request.params;
      return db()
        .transaction()
        .execute((trx) => resolveObjection(trx, request.auditContext, id, objectionId, request.body));
    },
  );

  app.post(
    '/api/claims/payments',
    {
      config: {
        access: 'payment.order',
        scopedIds: {
          'body.claimIds[]': 'claim',
          'body.idempotencyId': { unscoped: 'the caller’s retry key, not an object' },
        },
      },
      schema: {
        tags: ['claims'],
        summary: '财政经办提出支付：按已审批明细计算应付金额（已付、在途不重复），待另一名财政人员复核后记账',
        body: {
          type: 'object',
          required: ['claimIds', 'valueDate', 'idempotencyId'],
          additionalProperties: false,
          properties: {
            claimIds: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'integer', minimum: 1 } },
            valueDate: DATE,
            idempotencyId: { type: 'string', minLength: 8, maxLength: 100 },
          },
        },
        response: PAYMENT_ORDER_ANSWERS,
      },
    },
    async (request, reply) => {
      const order = await inLedgerTransaction(db(), (trx) =>
        requestClaimPayments(trx, request.auditContext, request.body, app.clock.today()),
      );
      return reply.status(order.isReplay ? 200 : 202).send(order);
    },
  );

  app.post(
    '/api/claims/payment-orders/:id/decision',
    {
      config: { access: 'payment.order' },
      schema: {
        tags: ['claims'],
        summary: '复核支付指令（另一名财政人员）：通过即生成支付批次并记账，不通过则作废',
        params: idParams,
        body: {
          type: 'object',
          required: ['isApproved'],
          additionalProperties: false,
          properties: {
            isApproved: { type: 'boolean' },
            reason: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
        response: { 200: PAYMENT_ORDER_DECISION_SCHEMA },
      },
    },
    async (request) => {
      const { id } = request.params;
      const body = request.body;
      const decided = await inLedgerTransaction(db(), (trx) =>
        decideClaimPayments(trx, request.auditContext, { id, ...body }, app.clock.today()),
      );
      const batch = decided.batch && maskedBatch(decided.batch);
      return {
        approval: decided.approval,
        batch,
        ...(decided.settlement ? { settlement: { ...decided.settlement, paymentBatch: batch } } : {}),
      };
    },
  );

  app.post(
    '/api/claims/payments/:batchId/bank-result',
    {
      config: { access: 'payment.order' },
      schema: {
        tags: ['claims'],
        summary:
          '导入银行支付结果文件（专户银行格式：xlsx/CSV/定长文本，GBK 或 UTF-8；isPreview 只预览不导入）：成功的记为已支付；失败与退回不记账，待另一名财政人员复核（待复核）通过后才退回原子账户',
        params: {
          type: 'object',
          required: ['batchId'],
          properties: { batchId: { type: 'integer', minimum: 1 } },
        },
        body: {
          type: 'object',
          required: ['valueDate'],
          additionalProperties: false,
          properties: {
            csv: { type: 'string', minLength: 1, maxLength: 5_000_000 },
            fileBase64: {
              type: 'string',
              minLength: 4,
              maxLength: 14_000_000,
              pattern: '^[A-Za-z0-9+/=\\s]+$',
            },
            valueDate: DATE,
            isPreview: { type: 'boolean' },
          },
          oneOf: [{ required: ['csv'] }, { required: ['fileBase64'] }],
        },
        response: { 200: BANK_RESULT_SCHEMA },
      },
    },
    async (request) => {
      const { batchId } = request.params;
      const { fileBase64, ...body } = request.body;
      return inLedgerTransaction(db(), (trx) =>
        importClaimBankResult(trx, request.auditContext, {
          batchId,
          ...body,
          businessDate: app.clock.today(),
          ...(fileBase64 ? { file: Buffer.from(fileBase64, 'base64') } : {}),
        }),
      );
    },
  );

  app.post(
    '/api/claims/:id/settle',
    {
      config: {
        access: 'payment.order',
        scopedIds: { 'body.idempotencyId': { unscoped: 'the caller’s retry key, not an object' } },
      },
      schema: {
        tags: ['claims'],
        summary:
          '预拨清算（提出，待另一名财政人员复核）：按核定金额与已预拨金额差额支付，或对超拨部分生成追回单',
        params: idParams,
        body: {
          type: 'object',
          required: ['valueDate', 'idempotencyId'],
          additionalProperties: false,
          properties: { valueDate: DATE, idempotencyId: { type: 'string', minLength: 8, maxLength: 100 } },
        },
        response: PAYMENT_ORDER_ANSWERS,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const order = await inLedgerTransaction(db(), (trx) =>
        requestClaimSettlement(trx, request.auditContext, id, request.body, app.clock.today()),
      );
      return reply.status(order.isReplay ? 200 : 202).send(order);
    },
  );
}
