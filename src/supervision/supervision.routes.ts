import type { FastifyInstance } from 'fastify';
import { chinaDateTime, type ExportColumn, sendListExport } from '../auth/list-export.ts';
import { hasPermission } from '../auth/roles.ts';
import { assertRegionScope } from '../auth/scope.ts';
import { PAGE_QUERY_PROPERTIES } from '../registry/pagination.ts';
import { AppError } from '../shared/errors.ts';
import { sortQueryProperties } from '../shared/schemas.ts';
import type { SchemaTypedApp, SchemaTypeProvider } from '../shared/type-provider.ts';
import {
  createAgencyContract,
  evaluateAgency,
  getOwnAgency,
  listAgencyContracts,
  listAgencyEvaluations,
} from './agency.service.ts';
import {
  addCaseAttachment,
  addCaseNote,
  CASE_SORT_FIELDS,
  type CaseStatus,
  type ClaimLineExclusion,
  decideCase,
  getVisibleCase,
  listCases,
  openCase,
  type SupervisionCase,
} from './case.service.ts';
import { getOwnSupervisionRecord } from './own-record.service.ts';
import {
  designateHighSkillBase,
  listHighSkillBases,
  listInspections,
  listRatings,
  ratingHistory,
  recomputeRatings,
  recordInspection,
} from './rating.service.ts';
import { importReferenceList, LIST_SOURCES, listReferenceLists } from './reference-list.service.ts';
import { BLOCK_THRESHOLD, RULE_CODES, RULES } from './risk.rules.ts';
import {
  ALERT_SORT_FIELDS,
  type AlertStatus,
  alertsOfClaim,
  clearAlert,
  getVisibleAlert,
  listAlerts,
  listSweepRuns,
  type RiskAlert,
  runSweep,
} from './risk.service.ts';
import {
  decideAppeal,
  fileAppeal,
  fileOwnAppeal,
  getVisibleSanction,
  imposeSanction,
  listSanctions,
} from './sanction.service.ts';
import { RATING_EXPORT_COLUMNS, SANCTION_EXPORT_COLUMNS } from './supervision.export.ts';
import {
  GET_SUPERVISION_AGENCY_CONTRACTS_ANSWER,
  GET_SUPERVISION_AGENCY_EVALUATIONS_ANSWER,
  GET_SUPERVISION_ALERTS_ANSWER,
  GET_SUPERVISION_ALERTS_BY_ID_ANSWER,
  GET_SUPERVISION_CASES_ANSWER,
  GET_SUPERVISION_CASES_BY_ID_ANSWER,
  GET_SUPERVISION_CLAIMS_BY_ID_ALERTS_ANSWER,
  GET_SUPERVISION_HIGH_SKILL_BASES_ANSWER,
  GET_SUPERVISION_INSPECTIONS_ANSWER,
  GET_SUPERVISION_INSTITUTIONS_BY_ID_RATINGS_ANSWER,
  GET_SUPERVISION_MY_ORGANISATION_ANSWER,
  GET_SUPERVISION_RATINGS_ANSWER,
  GET_SUPERVISION_REFERENCE_LISTS_ANSWER,
  GET_SUPERVISION_RULES_ANSWER,
  GET_SUPERVISION_SANCTIONS_ANSWER,
  GET_SUPERVISION_SANCTIONS_BY_ID_ANSWER,
  GET_SUPERVISION_SWEEPS_ANSWER,
  POST_SUPERVISION_AGENCY_CONTRACTS_ANSWER,
  POST_SUPERVISION_AGENCY_EVALUATIONS_ANSWER,
  POST_SUPERVISION_ALERTS_BY_ID_CLEAR_ANSWER,
  POST_SUPERVISION_CASES_ANSWER,
  POST_SUPERVISION_CASES_BY_ID_ATTACHMENTS_ANSWER,
  POST_SUPERVISION_CASES_BY_ID_DECISION_ANSWER,
  POST_SUPERVISION_CASES_BY_ID_NOTES_ANSWER,
  POST_SUPERVISION_HIGH_SKILL_BASES_ANSWER,
  POST_SUPERVISION_INSPECTIONS_ANSWER,
  POST_SUPERVISION_MY_ORGANISATION_SANCTIONS_BY_ID_APPEAL_ANSWER,
  POST_SUPERVISION_RATINGS_RECOMPUTE_ANSWER,
  POST_SUPERVISION_REFERENCE_LISTS_ANSWER,
  POST_SUPERVISION_SANCTIONS_ANSWER,
  POST_SUPERVISION_SANCTIONS_BY_ID_APPEAL_ANSWER,
  POST_SUPERVISION_SANCTIONS_BY_ID_APPEAL_DECISION_ANSWER,
  POST_SUPERVISION_SWEEPS_ANSWER,
} from './supervision-answers.schema.ts';

const TAGS = ['supervision'] as const;
const date = { type: 'string', format: 'date' } as const;
const regionCode = { type: 'string', pattern: '^[0-9]{6}$' } as const;
const id = { type: 'integer', minimum: 1 } as const;
const idParams = { type: 'object', required: ['id'], properties: { id } } as const;
const reason = { type: 'string', minLength: 1, maxLength: 1000 } as const;
const emptyBody = { type: 'object', additionalProperties: false, properties: {} } as const;
const OWN_AGENCY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['agency', 'contracts', 'evaluations'],
  properties: {
    agency: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'regionCode', 'status'],
      properties: {
        id: { type: 'integer' },
        name: { type: 'string' },
        regionCode: { type: 'string' },
        status: { type: 'string', enum: ['active', 'suspended', 'blacklisted', 'revoked'] },
      },
    },
    contracts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'contractNumber',
          'regionCodes',
          'startsOn',
          'endsOn',
          'status',
          'terminatedOn',
          'isInForce',
        ],
        properties: {
          id: { type: 'integer' },
          contractNumber: { type: 'string' },
          regionCodes: { type: 'array', items: { type: 'string' } },
          startsOn: { type: 'string', format: 'date' },
          endsOn: { type: 'string', format: 'date' },
          status: { type: 'string', enum: ['active', 'terminated'] },
          terminatedOn: { type: 'string', format: 'date', nullable: true },
          isInForce: { type: 'boolean', description: '今日（业务日期）在合同期内且未终止' },
        },
      },
    },
    evaluations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'periodStart',
          'periodEnd',
          'reviewedClaims',
          'missedFraudClaims',
          'officerScore',
          'overallScore',
          'conclusion',
          'comments',
        ],
        properties: {
          id: { type: 'integer' },
          periodStart: { type: 'string', format: 'date' },
          periodEnd: { type: 'string', format: 'date' },
          reviewedClaims: { type: 'integer' },
          missedFraudClaims: { type: 'integer' },
          officerScore: { type: 'integer' },
          overallScore: { type: 'number' },
          conclusion: { type: 'string', enum: ['excellent', 'qualified', 'unqualified'] },
          comments: { type: 'string' },
        },
      },
    },
  },
} as const;

const listQuery = <const Properties extends object>(properties: Properties) =>
  ({
    type: 'object',
    additionalProperties: false,
    properties: { ...PAGE_QUERY_PROPERTIES, ...properties },
  }) as const;

/** The query of a list's xlsx export: the list's filters without the paging. */
const exportQuery = <const Properties extends object>(properties: Properties) =>
  ({ type: 'object', additionalProperties: false, properties }) as const;

/** The filters of the alert list, shared by its JSON page and its xlsx export. */
const alertFilters = {
  status: { type: 'string', enum: ['open', 'cleared', 'in_case', 'confirmed'] },
  ruleCode: { type: 'string', enum: [...RULE_CODES] },
  regionCode,
  classId: id,
  claimId: id,
  institutionId: id,
  minScore: { type: 'integer', minimum: 0, maximum: 100 },
  detectedFrom: date,
  detectedTo: date,
  ...sortQueryProperties(ALERT_SORT_FIELDS, '按风险分降序'),
} as const;

/** The filters of the case list, shared by its JSON page and its xlsx export. */
const caseFilters = {
  status: { type: 'string', enum: ['open', 'cleared', 'confirmed'] },
  regionCode,
  institutionId: id,
  openedFrom: date,
  openedTo: date,
  ...sortQueryProperties(CASE_SORT_FIELDS, '按编号降序，最新在前'),
} as const;

/** The filters of the sanction list, shared by its JSON page and its xlsx export. */
const sanctionFilters = {
  organisationId: id,
  regionCode,
  action: { type: 'string', enum: ['suspended', 'blacklisted'] },
  appealStatus: { type: 'string', enum: ['none', 'filed', 'upheld', 'overturned'] },
} as const;

/** The filters of the rating list, shared by its JSON page and its xlsx export. */
const ratingFilters = {
  year: { type: 'integer', minimum: 2019, maximum: 2100 },
  grade: { type: 'string', enum: ['A', 'B', 'C', 'D'] },
  institutionId: id,
} as const;

const ALERT_STATUS_LABELS: Record<AlertStatus, string> = {
  open: '待处理',
  cleared: '已排除',
  in_case: '已立案',
  confirmed: '已查实',
};

const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  open: '核查中',
  cleared: '已排除',
  confirmed: '已查实',
};

/** The alert list as a sheet: the rule by name, no evidence (it may name persons). */
const ALERT_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<RiskAlert>> = [
  { header: '预警编号', value: (alert) => alert.id },
  { header: '预警规则', width: 28, value: (alert) => alert.ruleLabel },
  { header: '风险分值', value: (alert) => alert.score },
  { header: '阻断支付', value: (alert) => alert.isBlocking },
  { header: '状态', value: (alert) => ALERT_STATUS_LABELS[alert.status] },
  { header: '地区', width: 14, value: (alert, names) => names.region(alert.regionCode) },
  { header: '地区代码', value: (alert) => alert.regionCode },
  { header: '培训机构', width: 24, value: (alert, names) => names.organisation(alert.institutionId) },
  { header: '培训班编号', value: (alert) => alert.classId },
  { header: '补贴申请编号', value: (alert) => alert.claimId },
  { header: '核查案件编号', value: (alert) => alert.caseId },
  { header: '首次发现（北京时间）', width: 20, value: (alert) => chinaDateTime(alert.firstDetectedAt) },
  { header: '最近发现（北京时间）', width: 20, value: (alert) => chinaDateTime(alert.lastDetectedAt) },
  { header: '排除原因', width: 30, value: (alert) => alert.clearReason },
];

const CASE_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<SupervisionCase>> = [
  { header: '案件编号', width: 18, value: (item) => item.caseNumber },
  { header: '案件名称', width: 36, value: (item) => item.title },
  { header: '状态', value: (item) => CASE_STATUS_LABELS[item.status] },
  { header: '地区', width: 14, value: (item, names) => names.region(item.regionCode) },
  { header: '地区代码', value: (item) => item.regionCode },
  { header: '涉及机构', width: 24, value: (item, names) => names.organisation(item.institutionId) },
  { header: '第三方审核机构', width: 24, value: (item, names) => names.organisation(item.agencyId) },
  { header: '立案日期（业务日期）', width: 14, value: (item) => item.openedOn },
  { header: '结案日期（业务日期）', width: 14, value: (item) => item.decidedOn },
  { header: '立案记录时间（系统时钟）', width: 20, value: (item) => chinaDateTime(item.openedAt) },
  { header: '结案记录时间（系统时钟）', width: 20, value: (item) => chinaDateTime(item.decidedAt) },
  { header: '结论', width: 36, value: (item) => item.outcomeReason },
];

/** What the supervision routes need from other domains, handed in by src/api/routes.ts. */
export interface SupervisionPorts {
  excludeClaimLines: ClaimLineExclusion;
}

/** Supervision: risk alerts and sweeps, data-comparison lists, cases, sanctions, ratings, agencies. */
export async function supervisionRoutes(fastify: FastifyInstance, ports: SupervisionPorts): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = () => app.deps.database.db;
  const inTransaction = <T>(work: (trx: ReturnType<typeof db>) => Promise<T>) =>
    db()
      .transaction()
      .execute((trx) => work(trx));

  app.get(
    '/api/supervision/rules',
    {
      config: { access: 'supervision.read' },
      schema: {
        response: { 200: GET_SUPERVISION_RULES_ANSWER },
        tags: TAGS,
        summary: '风险筛查规则、基础分值与拦截阈值',
      },
    },
    async () => ({ blockThreshold: BLOCK_THRESHOLD, items: RULE_CODES.map((code) => RULES[code]) }),
  );

  app.get(
    '/api/supervision/alerts',
    {
      config: {
        access: 'supervision.read',
        scopedIds: {
          'query.classId': 'class',
          'query.claimId': 'claim',
          'query.institutionId': 'organisation',
        },
      },
      schema: {
        response: { 200: GET_SUPERVISION_ALERTS_ANSWER },
        tags: TAGS,
        summary: '风险预警分页查询（按状态、规则、辖区、班级、申请、机构、分值、发现日期筛选）',
        querystring: listQuery(alertFilters),
      },
    },
    async (request) => listAlerts(db(), request.principal!, request.query),
  );

  app.get(
    '/api/supervision/alerts.xlsx',
    {
      config: {
        access: 'supervision.read',
        scopedIds: {
          'query.classId': 'class',
          'query.claimId': 'claim',
          'query.institutionId': 'organisation',
        },
      },
      schema: {
        tags: TAGS,
        summary: '导出风险预警列表（按与预警分页查询相同的筛选条件，xlsx）',
        querystring: exportQuery(alertFilters),
      },
    },
    async (request, reply) =>
      sendListExport(db(), request, reply, {
        title: '监管预警',
        asciiFileName: 'risk-alerts.xlsx',
        action: 'supervision.alert.export',
        objectType: 'risk_alert',
        columns: ALERT_EXPORT_COLUMNS,
        organisationIdsOf: (alert) => [alert.institutionId],
        read: (paging) => listAlerts(db(), request.principal!, { ...request.query, ...paging }),
      }),
  );

  app.get(
    '/api/supervision/alerts/:id',
    {
      config: { access: 'supervision.read' },
      schema: {
        response: { 200: GET_SUPERVISION_ALERTS_BY_ID_ANSWER },
        tags: TAGS,
        summary: '风险预警详情（含证据）',
        params: idParams,
      },
    },
    async (request) => getVisibleAlert(db(), request.principal!, request.params.id),
  );

  app.post(
    '/api/supervision/alerts/:id/clear',
    {
      config: { access: 'supervision.case' },
      schema: {
        response: { 200: POST_SUPERVISION_ALERTS_BY_ID_CLEAR_ANSWER },
        tags: TAGS,
        summary: '核查后解除预警（须填写理由，留痕）；无其他高风险预警的申请随之解除拦截',
        params: idParams,
        body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason } },
      },
    },
    async (request) =>
      inTransaction((trx) => clearAlert(trx, request.auditContext, request.params.id, request.body.reason)),
  );

  app.get(
    '/api/supervision/claims/:id/alerts',
    {
      config: { access: 'supervision.read' },
      schema: {
        response: { 200: GET_SUPERVISION_CLAIMS_BY_ID_ALERTS_ANSWER },
        tags: TAGS,
        summary: '某笔补贴申请涉及的风险预警',
        params: idParams,
      },
    },
    async (request) => {
      const claim = await db()
        .selectFrom('claim')
        .select(['region_code'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!claim)
        throw new AppError('NOT_FOUND', `补贴申请不存在：${request.params.id}`, [
          { field: 'id', message: '不存在' },
        ]);
      assertRegionScope(request.principal!, claim.region_code);
      return { items: await alertsOfClaim(db(), request.params.id) };
    },
  );

  app.post(
    '/api/supervision/sweeps',
    {
      config: { access: 'supervision.case' },
      schema: {
        response: { 201: POST_SUPERVISION_SWEEPS_ANSWER },
        tags: TAGS,
        summary: '对本省全部数据运行风险筛查（定时任务亦调用此功能）',
        body: emptyBody,
      },
    },
    async (request, reply) => {
      const result = await inTransaction((trx) =>
        runSweep(trx, request.auditContext, {
          provinceCode: request.principal!.provinceCode,
          now: app.clock.now(),
        }),
      );
      reply.code(201);
      return result;
    },
  );

  app.get(
    '/api/supervision/sweeps',
    {
      config: { access: 'supervision.read' },
      schema: {
        response: { 200: GET_SUPERVISION_SWEEPS_ANSWER },
        tags: TAGS,
        summary: '风险筛查运行记录',
        querystring: listQuery({}),
      },
    },
    async (request) => listSweepRuns(db(), request.principal!, request.query),
  );

  app.post(
    '/api/supervision/reference-lists',
    {
      config: { access: 'supervision.case' },
      schema: {
        response: { 201: POST_SUPERVISION_REFERENCE_LISTS_ANSWER },
        tags: TAGS,
        summary: '导入大数据比对名单（社保参保、养老金领取、全日制学籍；CSV，身份证号仅存盲索引）',
        body: {
          type: 'object',
          required: ['source', 'title', 'asOf', 'regionCode', 'csv'],
          additionalProperties: false,
          properties: {
            source: { type: 'string', enum: [...LIST_SOURCES] },
            title: { type: 'string', minLength: 1, maxLength: 200 },
            asOf: date,
            regionCode,
            csv: { type: 'string', minLength: 1, maxLength: 20_000_000 },
          },
        },
      },
    },
    async (request, reply) => {
      const list = await inTransaction((trx) => importReferenceList(trx, request.auditContext, request.body));
      reply.code(201);
      return list;
    },
  );

  app.get(
    '/api/supervision/reference-lists',
    {
      config: { access: 'supervision.read' },
      schema: {
        response: { 200: GET_SUPERVISION_REFERENCE_LISTS_ANSWER },
        tags: TAGS,
        summary: '已导入的比对名单',
        querystring: listQuery({ source: { type: 'string', enum: [...LIST_SOURCES] } }),
      },
    },
    async (request) => listReferenceLists(db(), request.principal!, request.query),
  );

  registerCaseRoutes(app, inTransaction, ports);
  registerSanctionRoutes(app, inTransaction);
  registerRatingRoutes(app, inTransaction);
  registerAgencyRoutes(app, inTransaction);
}

type InTransaction = <T>(work: (trx: FastifyInstance['deps']['database']['db']) => Promise<T>) => Promise<T>;

function registerCaseRoutes(
  app: SchemaTypedApp,
  inTransaction: InTransaction,
  ports: SupervisionPorts,
): void {
  const db = () => app.deps.database.db;
  app.post(
    '/api/supervision/cases',
    {
      config: {
        access: 'supervision.case',
        scopedIds: { 'body.alertIds[]': 'alert', 'body.agencyId': 'organisation' },
      },
      schema: {
        response: { 201: POST_SUPERVISION_CASES_ANSWER },
        tags: TAGS,
        summary: '由风险预警立案核查',
        body: {
          type: 'object',
          required: ['alertIds', 'title'],
          additionalProperties: false,
          properties: {
            alertIds: { type: 'array', minItems: 1, maxItems: 200, items: id },
            title: { type: 'string', minLength: 1, maxLength: 200 },
            agencyId: id,
          },
        },
      },
    },
    async (request, reply) => {
      const detail = await inTransaction((trx) => openCase(trx, request.auditContext, request.body));
      reply.code(201);
      return detail;
    },
  );

  app.get(
    '/api/supervision/cases',
    {
      config: { access: 'supervision.read', scopedIds: { 'query.institutionId': 'organisation' } },
      schema: {
        response: { 200: GET_SUPERVISION_CASES_ANSWER },
        tags: TAGS,
        summary: '核查案件分页查询',
        querystring: listQuery(caseFilters),
      },
    },
    async (request) => listCases(db(), request.principal!, request.query),
  );

  app.get(
    '/api/supervision/cases.xlsx',
    {
      config: { access: 'supervision.read', scopedIds: { 'query.institutionId': 'organisation' } },
      schema: {
        tags: TAGS,
        summary: '导出核查案件列表（按与案件分页查询相同的筛选条件，xlsx）',
        querystring: exportQuery(caseFilters),
      },
    },
    async (request, reply) =>
      sendListExport(db(), request, reply, {
        title: '核查案件',
        asciiFileName: 'supervision-cases.xlsx',
        action: 'supervision.case.export',
        objectType: 'supervision_case',
        columns: CASE_EXPORT_COLUMNS,
        organisationIdsOf: (item) => [item.institutionId, item.agencyId],
        read: (paging) => listCases(db(), request.principal!, { ...request.query, ...paging }),
      }),
  );

  app.get(
    '/api/supervision/cases/:id',
    {
      config: { access: 'supervision.read' },
      schema: {
        response: { 200: GET_SUPERVISION_CASES_BY_ID_ANSWER },
        tags: TAGS,
        summary: '核查案件详情',
        params: idParams,
      },
    },
    async (request) => getVisibleCase(db(), request.principal!, request.params.id),
  );

  app.post(
    '/api/supervision/cases/:id/notes',
    {
      config: { access: 'supervision.case' },
      schema: {
        response: { 201: POST_SUPERVISION_CASES_BY_ID_NOTES_ANSWER },
        tags: TAGS,
        summary: '添加核查记录（只增不改）',
        params: idParams,
        body: {
          type: 'object',
          required: ['content'],
          additionalProperties: false,
          properties: { content: { type: 'string', minLength: 1, maxLength: 5000 } },
        },
      },
    },
    async (request, reply) => {
      const detail = await inTransaction((trx) =>
        addCaseNote(trx, request.auditContext, request.params.id, request.body.content),
      );
      reply.code(201);
      return detail;
    },
  );

  app.post(
    '/api/supervision/cases/:id/attachments',
    {
      config: { access: 'supervision.case' },
      schema: {
        response: { 201: POST_SUPERVISION_CASES_BY_ID_ATTACHMENTS_ANSWER },
        tags: TAGS,
        summary: '上传核查证据（Base64，按 SHA-256 存储）',
        params: idParams,
        body: {
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
    async (request, reply) => {
      const detail = await inTransaction((trx) =>
        addCaseAttachment(trx, request.auditContext, {
          caseId: request.params.id,
          fileName: request.body.fileName,
          contentType: request.body.contentType,
          content: Buffer.from(request.body.contentBase64, 'base64'),
          uploadDir: app.deps.config.uploadDir,
        }),
      );
      reply.code(201);
      return detail;
    },
  );

  app.post(
    '/api/supervision/cases/:id/decision',
    {
      config: {
        access: 'supervision.case',
        scopedIds: {
          'body.claimLineIds[]': {
            unscoped: 'lines of the claims of the path’s case; the service refuses any other',
          },
        },
      },
      schema: {
        response: { 200: POST_SUPERVISION_CASES_BY_ID_DECISION_ANSWER },
        tags: TAGS,
        summary: '案件结论：排除疑点，或认定违规（剔除补贴、追回已付资金、可暂停或列入黑名单）',
        params: idParams,
        body: {
          type: 'object',
          required: ['outcome', 'reason'],
          additionalProperties: false,
          properties: {
            outcome: { type: 'string', enum: ['cleared', 'confirmed'] },
            reason,
            claimLineIds: { type: 'array', maxItems: 5000, items: id },
            valueDate: date,
            sanction: {
              type: 'object',
              required: ['target', 'action', 'effectiveDate'],
              additionalProperties: false,
              properties: {
                target: { type: 'string', enum: ['institution', 'agency'] },
                action: { type: 'string', enum: ['suspended', 'blacklisted'] },
                effectiveDate: date,
              },
            },
          },
        },
      },
    },
    async (request) => {
      if (request.body.sanction && !hasPermission(request.principal!.role, 'supervision.sanction'))
        throw new AppError('FORBIDDEN', '无权作出处罚', [
          { field: 'sanction', message: '当前角色无处罚权限' },
        ]);
      return inTransaction((trx) =>
        decideCase(
          trx,
          request.auditContext,
          request.params.id,
          request.body,
          ports.excludeClaimLines,
          app.clock,
        ),
      );
    },
  );
}

function registerSanctionRoutes(app: SchemaTypedApp, inTransaction: InTransaction): void {
  const db = () => app.deps.database.db;
  app.post(
    '/api/supervision/sanctions',
    {
      config: { access: 'supervision.sanction', scopedIds: { 'body.organisationId': 'organisation' } },
      schema: {
        response: { 201: POST_SUPERVISION_SANCTIONS_ANSWER },
        tags: TAGS,
        summary: '暂停培训机构或第三方审核机构，或列入黑名单（列入黑名单的审核机构不能再审核）',
        body: {
          type: 'object',
          required: ['organisationId', 'action', 'effectiveDate', 'reason'],
          additionalProperties: false,
          properties: {
            organisationId: id,
            action: { type: 'string', enum: ['suspended', 'blacklisted'] },
            effectiveDate: date,
            reason,
          },
        },
      },
    },
    async (request, reply) => {
      const sanction = await inTransaction((trx) => imposeSanction(trx, request.auditContext, request.body));
      reply.code(201);
      return sanction;
    },
  );

  app.get(
    '/api/supervision/sanctions',
    {
      config: { access: 'supervision.read', scopedIds: { 'query.organisationId': 'organisation' } },
      schema: {
        response: { 200: GET_SUPERVISION_SANCTIONS_ANSWER },
        tags: TAGS,
        summary: '处罚（暂停、黑名单）及申诉记录（按单位、辖区、处罚措施、申诉状态筛选）',
        querystring: listQuery(sanctionFilters),
      },
    },
    async (request) => listSanctions(db(), request.principal!, request.query),
  );

  app.get(
    '/api/supervision/sanctions.xlsx',
    {
      config: { access: 'supervision.read', scopedIds: { 'query.organisationId': 'organisation' } },
      schema: {
        tags: TAGS,
        summary: '导出处罚及申诉记录（按与处罚列表相同的筛选条件，xlsx）',
        querystring: exportQuery(sanctionFilters),
      },
    },
    async (request, reply) =>
      sendListExport(db(), request, reply, {
        title: '处罚与申诉',
        asciiFileName: 'sanctions.xlsx',
        action: 'supervision.sanction.export',
        objectType: 'supervision_sanction',
        columns: SANCTION_EXPORT_COLUMNS,
        read: (paging) => listSanctions(db(), request.principal!, { ...request.query, ...paging }),
      }),
  );

  app.get(
    '/api/supervision/sanctions/:id',
    {
      config: { access: 'supervision.read' },
      schema: {
        response: { 200: GET_SUPERVISION_SANCTIONS_BY_ID_ANSWER },
        tags: TAGS,
        summary: '处罚详情',
        params: idParams,
      },
    },
    async (request) => getVisibleSanction(db(), request.principal!, request.params.id),
  );

  app.post(
    '/api/supervision/sanctions/:id/appeal',
    {
      config: { access: 'supervision.sanction' },
      schema: {
        response: { 200: POST_SUPERVISION_SANCTIONS_BY_ID_APPEAL_ANSWER },
        tags: TAGS,
        summary: '登记被处罚单位的书面申诉',
        params: idParams,
        body: {
          type: 'object',
          required: ['filedOn', 'grounds'],
          additionalProperties: false,
          properties: { filedOn: date, grounds: reason },
        },
      },
    },
    async (request) =>
      inTransaction((trx) => fileAppeal(trx, request.auditContext, request.params.id, request.body)),
  );

  app.get(
    '/api/supervision/my-organisation',
    {
      config: { access: 'supervision.self' },
      schema: {
        response: { 200: GET_SUPERVISION_MY_ORGANISATION_ANSWER },
        tags: TAGS,
        summary: '本单位（培训机构、企业、评价机构）：状态、年度信用等级、受到的处罚及申诉',
      },
    },
    async (request) => getOwnSupervisionRecord(db(), request.principal!),
  );

  app.post(
    '/api/supervision/my-organisation/sanctions/:id/appeal',
    {
      config: { access: 'supervision.self' },
      schema: {
        response: { 200: POST_SUPERVISION_MY_ORGANISATION_SANCTIONS_BY_ID_APPEAL_ANSWER },
        tags: TAGS,
        summary: '本单位对自己受到的、仍在执行的处罚提出申诉（每项处罚一次，申诉日期为业务日期）',
        params: idParams,
        body: {
          type: 'object',
          required: ['grounds'],
          additionalProperties: false,
          properties: { grounds: reason },
        },
      },
    },
    async (request) =>
      inTransaction((trx) =>
        fileOwnAppeal(trx, request.auditContext, request.principal!, request.params.id, {
          filedOn: app.clock.today(),
          grounds: request.body.grounds.trim(),
        }),
      ),
  );

  app.post(
    '/api/supervision/sanctions/:id/appeal-decision',
    {
      config: { access: 'supervision.sanction' },
      schema: {
        response: { 200: POST_SUPERVISION_SANCTIONS_BY_ID_APPEAL_DECISION_ANSWER },
        tags: TAGS,
        summary: '申诉处理结论（撤销处罚则恢复单位状态）',
        params: idParams,
        body: {
          type: 'object',
          required: ['isOverturned', 'decision', 'effectiveDate'],
          additionalProperties: false,
          properties: { isOverturned: { type: 'boolean' }, decision: reason, effectiveDate: date },
        },
      },
    },
    async (request) =>
      inTransaction((trx) => decideAppeal(trx, request.auditContext, request.params.id, request.body)),
  );
}

function registerRatingRoutes(app: SchemaTypedApp, inTransaction: InTransaction): void {
  const db = () => app.deps.database.db;
  app.post(
    '/api/supervision/inspections',
    {
      config: { access: 'supervision.case', scopedIds: { 'body.institutionId': 'organisation' } },
      schema: {
        response: { 201: POST_SUPERVISION_INSPECTIONS_ANSWER },
        tags: TAGS,
        summary: '登记对培训机构的检查结果',
        body: {
          type: 'object',
          required: ['institutionId', 'inspectedOn', 'result', 'findings'],
          additionalProperties: false,
          properties: {
            institutionId: id,
            inspectedOn: date,
            result: { type: 'string', enum: ['passed', 'minor_issues', 'failed'] },
            findings: reason,
          },
        },
      },
    },
    async (request, reply) => {
      const inspection = await inTransaction((trx) =>
        recordInspection(trx, request.auditContext, request.body),
      );
      reply.code(201);
      return inspection;
    },
  );

  app.get(
    '/api/supervision/inspections',
    {
      config: { access: 'supervision.read', scopedIds: { 'query.institutionId': 'organisation' } },
      schema: {
        response: { 200: GET_SUPERVISION_INSPECTIONS_ANSWER },
        tags: TAGS,
        summary: '检查记录',
        querystring: listQuery({
          institutionId: id,
          result: { type: 'string', enum: ['passed', 'minor_issues', 'failed'] },
        }),
      },
    },
    async (request) => listInspections(db(), request.principal!, request.query),
  );

  app.post(
    '/api/supervision/ratings/recompute',
    {
      config: { access: 'supervision.case' },
      schema: {
        response: { 200: POST_SUPERVISION_RATINGS_RECOMPUTE_ANSWER },
        tags: TAGS,
        summary: '重新评定辖区内培训机构的年度信用等级（A/B/C/D，含重庆高技能人才培训基地达标检查）',
        body: {
          type: 'object',
          required: ['year'],
          additionalProperties: false,
          properties: { year: { type: 'integer', minimum: 2019, maximum: 2100 } },
        },
      },
    },
    async (request) =>
      inTransaction((trx) =>
        recomputeRatings(
          trx,
          request.auditContext,
          { year: request.body.year, regionCode: request.principal!.regionCode },
          app.clock,
        ),
      ),
  );

  app.get(
    '/api/supervision/ratings',
    {
      config: { access: 'supervision.read', scopedIds: { 'query.institutionId': 'organisation' } },
      schema: {
        response: { 200: GET_SUPERVISION_RATINGS_ANSWER },
        tags: TAGS,
        summary: '培训机构信用等级（每个机构每年度最新一次评定，含评定说明）',
        querystring: listQuery(ratingFilters),
      },
    },
    async (request) => listRatings(db(), request.principal!, request.query),
  );

  app.get(
    '/api/supervision/ratings.xlsx',
    {
      config: { access: 'supervision.read', scopedIds: { 'query.institutionId': 'organisation' } },
      schema: {
        tags: TAGS,
        summary: '导出培训机构信用等级（按与评级列表相同的筛选条件，xlsx）',
        querystring: exportQuery(ratingFilters),
      },
    },
    async (request, reply) =>
      sendListExport(db(), request, reply, {
        title: '信用评级',
        asciiFileName: 'institution-ratings.xlsx',
        action: 'supervision.rating.export',
        objectType: 'institution_rating',
        columns: RATING_EXPORT_COLUMNS,
        organisationIdsOf: (rating) => [rating.institutionId],
        read: (paging) => listRatings(db(), request.principal!, { ...request.query, ...paging }),
      }),
  );

  app.get(
    '/api/supervision/institutions/:id/ratings',
    {
      config: { access: 'supervision.read' },
      schema: {
        response: { 200: GET_SUPERVISION_INSTITUTIONS_BY_ID_RATINGS_ANSWER },
        tags: TAGS,
        summary: '某培训机构的信用等级历史及说明',
        params: idParams,
      },
    },
    async (request) => ({ items: await ratingHistory(db(), request.principal!, request.params.id) }),
  );

  app.post(
    '/api/supervision/high-skill-bases',
    {
      config: { access: 'supervision.sanction', scopedIds: { 'body.organisationId': 'organisation' } },
      schema: {
        response: { 201: POST_SUPERVISION_HIGH_SKILL_BASES_ANSWER },
        tags: TAGS,
        summary: '登记国家级或市级高技能人才培训基地',
        body: {
          type: 'object',
          required: ['organisationId', 'baseLevel', 'designatedOn'],
          additionalProperties: false,
          properties: {
            organisationId: id,
            baseLevel: { type: 'string', enum: ['national', 'municipal'] },
            designatedOn: date,
          },
        },
      },
    },
    async (request, reply) => {
      const base = await inTransaction((trx) =>
        designateHighSkillBase(trx, request.auditContext, request.body),
      );
      reply.code(201);
      return base;
    },
  );

  app.get(
    '/api/supervision/high-skill-bases',
    {
      config: { access: 'supervision.read' },
      schema: {
        response: { 200: GET_SUPERVISION_HIGH_SKILL_BASES_ANSWER },
        tags: TAGS,
        summary: '高技能人才培训基地及其资格状态',
        querystring: listQuery({ status: { type: 'string', enum: ['active', 'revoked'] } }),
      },
    },
    async (request) => listHighSkillBases(db(), request.principal!, request.query),
  );
}

function registerAgencyRoutes(app: SchemaTypedApp, inTransaction: InTransaction): void {
  const db = () => app.deps.database.db;
  app.post(
    '/api/supervision/agency-contracts',
    {
      config: { access: 'supervision.sanction', scopedIds: { 'body.agencyId': 'organisation' } },
      schema: {
        response: { 201: POST_SUPERVISION_AGENCY_CONTRACTS_ANSWER },
        tags: TAGS,
        summary: '登记第三方审核机构的政府购买服务合同（服务地区、期限）',
        body: {
          type: 'object',
          required: ['agencyId', 'contractNumber', 'regionCodes', 'startsOn', 'endsOn'],
          additionalProperties: false,
          properties: {
            agencyId: id,
            contractNumber: { type: 'string', minLength: 1, maxLength: 100 },
            regionCodes: { type: 'array', minItems: 1, maxItems: 200, items: regionCode },
            startsOn: date,
            endsOn: date,
          },
        },
      },
    },
    async (request, reply) => {
      const contract = await inTransaction((trx) =>
        createAgencyContract(trx, request.auditContext, request.body),
      );
      reply.code(201);
      return contract;
    },
  );

  app.get(
    '/api/supervision/agency-contracts',
    {
      config: { access: 'supervision.read', scopedIds: { 'query.agencyId': 'organisation' } },
      schema: {
        response: { 200: GET_SUPERVISION_AGENCY_CONTRACTS_ANSWER },
        tags: TAGS,
        summary: '第三方审核机构合同',
        querystring: listQuery({ agencyId: id, status: { type: 'string', enum: ['active', 'terminated'] } }),
      },
    },
    async (request) => listAgencyContracts(db(), request.principal!, request.query),
  );

  app.post(
    '/api/supervision/agency-evaluations',
    {
      config: { access: 'supervision.case', scopedIds: { 'body.agencyId': 'organisation' } },
      schema: {
        response: { 201: POST_SUPERVISION_AGENCY_EVALUATIONS_ANSWER },
        tags: TAGS,
        summary: '第三方审核机构工作效果评估（审核量、漏审违规、经办评分）',
        body: {
          type: 'object',
          required: ['agencyId', 'periodStart', 'periodEnd', 'officerScore', 'comments'],
          additionalProperties: false,
          properties: {
            agencyId: id,
            periodStart: date,
            periodEnd: date,
            officerScore: { type: 'integer', minimum: 0, maximum: 100 },
            comments: reason,
          },
        },
      },
    },
    async (request, reply) => {
      const evaluation = await inTransaction((trx) =>
        evaluateAgency(trx, request.auditContext, request.body),
      );
      reply.code(201);
      return evaluation;
    },
  );

  app.get(
    '/api/supervision/my-agency',
    {
      config: { access: 'claim.review' },
      schema: {
        tags: TAGS,
        summary: '本机构（第三方审核机构）：状态、审核服务合同（今日是否有效）与工作效果评估',
        response: { 200: OWN_AGENCY_SCHEMA },
      },
    },
    async (request) => getOwnAgency(db(), request.principal!, app.clock.today()),
  );

  app.get(
    '/api/supervision/agency-evaluations',
    {
      config: { access: 'supervision.read', scopedIds: { 'query.agencyId': 'organisation' } },
      schema: {
        response: { 200: GET_SUPERVISION_AGENCY_EVALUATIONS_ANSWER },
        tags: TAGS,
        summary: '第三方审核机构评估记录',
        querystring: listQuery({ agencyId: id }),
      },
    },
    async (request) => listAgencyEvaluations(db(), request.principal!, request.query),
  );
}
