import type { FastifyInstance } from 'fastify';
import { sendListExport } from '../auth/list-export.ts';
import { regionLikePattern } from '../auth/scope.ts';
import { described, PAGE_QUERY_PROPERTIES } from '../registry/pagination.ts';
import { type PersonReference, resolvePersonReference } from '../registry/person.service.ts';
import { AppError } from '../shared/errors.ts';
import { sortQueryProperties } from '../shared/schemas.ts';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import { CERTIFICATE_TYPES, LEVELS } from '../shared/vocabulary.ts';
import { ASSESSMENT_EXPORT_COLUMNS, EVALUATION_CERTIFICATE_EXPORT_COLUMNS } from './assessment.export.ts';
import {
  createAssessment,
  getOwnAssessment,
  listAssessmentResults,
  listAssessments,
  recordAssessmentResult,
} from './assessment.service.ts';
import {
  GET_ASSESSMENTS_ANSWER,
  GET_ASSESSMENTS_BY_ID_RESULTS_ANSWER,
  GET_EVALUATION_CERTIFICATES_ANSWER,
  POST_ASSESSMENTS_ANSWER,
  POST_ASSESSMENTS_BY_ID_RESULTS_ANSWER,
} from './assessment-answers.schema.ts';
import { CERTIFICATE_SORT_FIELDS, listCertificates } from './certificate.service.ts';

const date = { type: 'string', format: 'date' } as const;

/** The filters of the assessment list, shared by its JSON page and its xlsx export. */
const assessmentFilters = {
  occupationCode: described({ type: 'string', maxLength: 20 }, '职业（工种）代码'),
  assessedFrom: described(date, '考核日期起（含）'),
  assessedTo: described(date, '考核日期止（含）'),
} as const;

/** The filters of the organisation's certificate list, shared by its JSON page and its xlsx export. */
const certificateFilters = {
  certificateType: described({ type: 'string', enum: [...CERTIFICATE_TYPES] }, '证书类型'),
  occupationCode: described({ type: 'string', maxLength: 20 }, '职业（工种）代码'),
  status: described({ type: 'string', enum: ['valid', 'revoked'] }, '状态：valid 有效，revoked 已撤销'),
  issuedFrom: described(date, '发证日期起（含）'),
  issuedTo: described(date, '发证日期止（含）'),
  ...sortQueryProperties(CERTIFICATE_SORT_FIELDS, '按编号升序'),
} as const;

/** The query of a list's xlsx export: the list's filters without the paging. */
const exportQuery = <const Properties extends object>(properties: Properties) =>
  ({ type: 'object', additionalProperties: false, properties }) as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } },
} as const;

/** The candidate of a result: a person the organisation may see, or a name and ID number (实名). */
function candidateReference(
  personId: number | undefined,
  name: string | undefined,
  idNumber: string | undefined,
): PersonReference {
  if (personId !== undefined) {
    if (name !== undefined || idNumber !== undefined)
      throw new AppError('INVALID_REQUEST', '选择了考生时不再填写姓名和身份证号', [
        { field: 'personId', message: '选择考生，或填写姓名和身份证号，二者择一' },
      ]);
    return { personId };
  }
  if (name !== undefined && idNumber !== undefined) return { idNumber, name };
  throw new AppError('INVALID_REQUEST', '请选择考生，或填写考生的姓名和身份证号', [
    ...(name === undefined ? [{ field: 'name', message: '请填写姓名（或选择考生）' }] : []),
    ...(idNumber === undefined ? [{ field: 'idNumber', message: '请填写身份证号（或选择考生）' }] : []),
  ]);
}

/**
 * The evaluation organisation's assessments (考核评价) and their results; a skill-level,
 * special-ability or qualification certificate names the assessment its holder passed.
 */
export async function assessmentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = () => app.deps.database.db;
  const ownOrganisation = (principal: { role: string; organisationId: number | null }) => {
    if (principal.role !== 'evaluation_org_operator' || principal.organisationId === null)
      throw new AppError('FORBIDDEN', '考核评价由评价机构组织和记录', [
        { field: 'organisationId', message: '须为评价机构的经办人' },
      ]);
    return principal.organisationId;
  };

  app.post(
    '/api/assessments',
    {
      config: { access: 'certificate.issue' },
      schema: {
        response: { 201: POST_ASSESSMENTS_ANSWER },
        tags: ['training'],
        summary: '评价机构登记一次考核评价（职业、等级、考核日期；须在评价机构目录范围内）',
        body: {
          type: 'object',
          required: ['occupationCode', 'level', 'assessedOn'],
          additionalProperties: false,
          properties: {
            occupationCode: described({ type: 'string', minLength: 1, maxLength: 20 }, '职业（工种）代码'),
            level: described({ type: 'string', enum: [...LEVELS] }, '等级'),
            assessedOn: described(date, '考核日期（不晚于当前业务日期）'),
          },
        },
      },
    },
    async (request, reply) => {
      const organisationId = ownOrganisation(request.principal!);
      const assessment = await db()
        .transaction()
        .execute((trx) =>
          createAssessment(trx, request.auditContext, { ...request.body, organisationId }, app.clock.today()),
        );
      return reply.status(201).send(assessment);
    },
  );

  app.get(
    '/api/assessments',
    {
      config: { access: 'certificate.issue' },
      schema: {
        response: { 200: GET_ASSESSMENTS_ANSWER },
        tags: ['training'],
        summary: '本评价机构的考核评价（分页，按职业、考核日期筛选）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...PAGE_QUERY_PROPERTIES, ...assessmentFilters },
        },
      },
    },
    async (request) => listAssessments(db(), ownOrganisation(request.principal!), request.query),
  );

  app.get(
    '/api/assessments.xlsx',
    {
      config: { access: 'certificate.issue' },
      schema: {
        tags: ['training'],
        summary: '导出本评价机构的考核评价（按与考核评价分页查询相同的筛选条件，xlsx）',
        querystring: exportQuery(assessmentFilters),
      },
    },
    async (request, reply) => {
      const organisationId = ownOrganisation(request.principal!);
      return sendListExport(db(), request, reply, {
        title: '考核评价',
        asciiFileName: 'assessments.xlsx',
        action: 'assessment.export',
        objectType: 'assessment',
        columns: ASSESSMENT_EXPORT_COLUMNS,
        read: (paging) => listAssessments(db(), organisationId, { ...request.query, ...paging }),
      });
    },
  );

  app.post(
    '/api/assessments/:id/results',
    {
      config: { access: 'certificate.issue', scopedIds: { 'body.personId': 'person' } },
      schema: {
        response: { 201: POST_ASSESSMENTS_BY_ID_RESULTS_ANSWER },
        tags: ['training'],
        summary: '记录考生的考核成绩（按身份证号和姓名实名识别考生，或选择本机构可见的人员）',
        description:
          '考生由 personId（本机构可见的人员，如以前参加过本机构考核的考生）指明，或由 name 和 idNumber 实名识别（任何地区登记的人员）。',
        params: idParams,
        body: {
          type: 'object',
          required: ['score', 'isPassed'],
          additionalProperties: false,
          properties: {
            personId: { type: 'integer', minimum: 1 },
            name: { type: 'string', minLength: 1, maxLength: 50 },
            idNumber: { type: 'string', minLength: 15, maxLength: 18 },
            score: { type: 'number', minimum: 0, maximum: 100 },
            isPassed: { type: 'boolean' },
          },
        },
      },
    },
    async (request, reply) => {
      const organisationId = ownOrganisation(request.principal!);
      const { personId, name, idNumber, score, isPassed } = request.body;
      const reference = candidateReference(personId, name, idNumber);
      const result = await db()
        .transaction()
        .execute(async (trx) => {
          // The assessment first: another organisation's answers 404 before anyone is looked up.
          await getOwnAssessment(trx, organisationId, request.params.id);
          const person = await resolvePersonReference(trx, request.principal!, reference);
          return recordAssessmentResult(trx, request.auditContext, {
            organisationId,
            assessmentId: request.params.id,
            personId: person.id,
            score,
            isPassed,
          });
        });
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/api/evaluation/certificates',
    {
      config: { access: 'certificate.issue' },
      schema: {
        response: { 200: GET_EVALUATION_CERTIFICATES_ANSWER },
        tags: ['training'],
        summary: '本评价机构颁发的证书（分页，含撤销状态；按证书类型、职业、状态、发证日期筛选）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...PAGE_QUERY_PROPERTIES, ...certificateFilters },
        },
      },
    },
    async (request) => {
      ownOrganisation(request.principal!);
      return listCertificates(db(), request.principal!, request.query);
    },
  );

  app.get(
    '/api/evaluation/certificates.xlsx',
    {
      config: { access: 'certificate.issue' },
      schema: {
        tags: ['training'],
        summary: '导出本评价机构颁发的证书（按与证书分页查询相同的筛选条件，xlsx）',
        querystring: exportQuery(certificateFilters),
      },
    },
    async (request, reply) => {
      ownOrganisation(request.principal!);
      return sendListExport(db(), request, reply, {
        title: '本机构颁发的证书',
        asciiFileName: 'evaluation-certificates.xlsx',
        action: 'certificate.export',
        objectType: 'certificate',
        columns: EVALUATION_CERTIFICATE_EXPORT_COLUMNS,
        read: (paging) => listCertificates(db(), request.principal!, { ...request.query, ...paging }),
      });
    },
  );

  app.get(
    '/api/assessments/:id/results',
    {
      config: { access: 'registry.read' },
      schema: {
        response: { 200: GET_ASSESSMENTS_BY_ID_RESULTS_ANSWER },
        tags: ['training'],
        summary: '一次考核评价的全部成绩（评价机构查本机构的，经办人员查本辖区评价机构的）',
        params: idParams,
      },
    },
    async (request) => {
      const principal = request.principal!;
      if (principal.organisationId !== null && principal.role !== 'evaluation_org_operator')
        throw new AppError('FORBIDDEN', '考核成绩仅评价机构和经办人员可查', [
          { field: 'id', message: '不是评价机构' },
        ]);
      const scope =
        principal.organisationId !== null
          ? { organisationId: principal.organisationId }
          : { regionLike: regionLikePattern(principal.regionCode) };
      return { items: await listAssessmentResults(db(), scope, request.params.id) };
    },
  );
}
