import { CITATION_SCHEMA, DECISION_SCHEMA } from '../policy/decision.schema.ts';
import { SUBSIDY_KINDS } from '../policy/evaluate.types.ts';
import { NULLABLE_INTEGER, NULLABLE_STRING, pageSchemaOf } from '../shared/schemas.ts';
import { CLAIM_STATUSES } from './claim.workflow.ts';

/**
 * JSON schemas of the claims API's answers (claim.types.ts): they serialise the answers and
 * describe them in the OpenAPI document, from which the web client's types are generated.
 */

const CLAIM_SUMMARY_PROPERTIES = {
  id: { type: 'integer' },
  claimNumber: { type: 'string' },
  regionCode: { type: 'string' },
  subsidyKind: { type: 'string', description: `补贴类别：${SUBSIDY_KINDS.join(' | ')}` },
  mode: { type: 'string', description: 'full 全额申请 | advance 预拨' },
  applicantKind: { type: 'string', enum: ['institution', 'enterprise', 'evaluation_org', 'person'] },
  applicantOrganisationId: NULLABLE_INTEGER,
  classId: NULLABLE_INTEGER,
  applicationDate: { type: 'string', format: 'date' },
  status: { type: 'string', enum: [...CLAIM_STATUSES] },
  totalAmountFen: { type: 'integer' },
  lineCount: { type: 'integer' },
  eligibleLineCount: { type: 'integer' },
  noticeStartsOn: NULLABLE_STRING,
  noticeEndsOn: NULLABLE_STRING,
  lastReason: NULLABLE_STRING,
  paymentBatchId: NULLABLE_INTEGER,
  reviewedByUserId: NULLABLE_INTEGER,
  approvedByUserId: NULLABLE_INTEGER,
  isRiskBlocked: { type: 'boolean' },
  createdAt: { type: 'string', format: 'date-time' },
} as const;

const CLAIM_SUMMARY_REQUIRED = Object.keys(CLAIM_SUMMARY_PROPERTIES) as Array<
  keyof typeof CLAIM_SUMMARY_PROPERTIES
>;

/** A claim without its lines (`ClaimSummary`). */
export const CLAIM_SUMMARY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: CLAIM_SUMMARY_REQUIRED,
  properties: CLAIM_SUMMARY_PROPERTIES,
} as const;

/** One person's line of a claim with the engine's decision (`ClaimLine`). */
export const CLAIM_LINE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'lineNumber',
    'subject',
    'personId',
    'isEligible',
    'amountFen',
    'payee',
    'payeeOrganisationId',
    'payeePersonId',
    'countsTowardAnnualLimit',
    'status',
    'excludedReason',
    'request',
    'decision',
  ],
  properties: {
    id: { type: 'integer' },
    lineNumber: { type: 'integer' },
    subject: { type: 'string' },
    personId: NULLABLE_INTEGER,
    isEligible: { type: 'boolean' },
    amountFen: { type: 'integer' },
    payee: { type: 'string' },
    payeeOrganisationId: NULLABLE_INTEGER,
    payeePersonId: NULLABLE_INTEGER,
    countsTowardAnnualLimit: { type: 'boolean' },
    status: { type: 'string', enum: ['active', 'excluded'] },
    excludedReason: NULLABLE_STRING,
    request: { description: '交给政策引擎的事实（含历史享受记录），随决定冻结（EvaluateRequest）' },
    decision: DECISION_SCHEMA,
  },
} as const;

/** A claim with its lines and its workflow history (`ClaimDetail`). */
export const CLAIM_DETAIL_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [...CLAIM_SUMMARY_REQUIRED, 'className', 'lines', 'transitions'],
  properties: {
    ...CLAIM_SUMMARY_PROPERTIES,
    className: { ...NULLABLE_STRING, description: '培训班名称（按班级申请时）' },
    lines: { type: 'array', items: CLAIM_LINE_SCHEMA },
    transitions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'action',
          'fromStatus',
          'toStatus',
          'actorUserId',
          'actorRole',
          'reason',
          'occurredAt',
          'businessDate',
        ],
        properties: {
          action: { type: 'string' },
          fromStatus: { type: 'string' },
          toStatus: { type: 'string' },
          actorUserId: NULLABLE_INTEGER,
          actorRole: NULLABLE_STRING,
          reason: NULLABLE_STRING,
          occurredAt: { type: 'string', format: 'date-time', description: '记录时间（系统时钟）' },
          businessDate: {
            ...NULLABLE_STRING,
            description: '业务日期（业务时钟）；早于该字段启用的记录为 null',
          },
        },
      },
    },
  },
} as const;

export const CLAIM_PAGE_SCHEMA = pageSchemaOf(CLAIM_SUMMARY_SCHEMA);

/** One uploaded file of a claim's materials. */
export const ATTACHMENT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'fileName', 'contentType', 'sizeBytes', 'sha256', 'uploadedAt'],
  properties: {
    id: { type: 'integer' },
    fileName: { type: 'string' },
    contentType: { type: 'string' },
    sizeBytes: { type: 'integer' },
    sha256: { type: 'string' },
    uploadedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** The materials checklist (申报材料清单) of a claim, each item with its uploaded files. */
export const CLAIM_MATERIALS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'label', 'isRequired', 'note', 'citation', 'attachments'],
        properties: {
          code: { type: 'string' },
          label: { type: 'string' },
          isRequired: { type: 'boolean' },
          note: { type: 'string' },
          citation: { ...CITATION_SCHEMA, nullable: true },
          attachments: { type: 'array', items: ATTACHMENT_SCHEMA },
        },
      },
    },
  },
} as const;

const CLAIM_BRIEF_PROPERTIES = {
  id: { type: 'integer' },
  claimNumber: { type: 'string' },
  status: { type: 'string', enum: [...CLAIM_STATUSES] },
  applicationDate: { type: 'string', format: 'date' },
  totalAmountFen: { type: 'integer' },
} as const;
const CLAIM_BRIEF_REQUIRED = Object.keys(CLAIM_BRIEF_PROPERTIES) as Array<
  keyof typeof CLAIM_BRIEF_PROPERTIES
>;

/** GET /api/claims/advances: the advance policy, the classes an advance may be asked for, advances and settlements. */
export const ADVANCE_PAGE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['items', 'total', 'page', 'pageSize', 'policy', 'classes'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['advance', 'settlement'],
        properties: {
          advance: {
            type: 'object',
            additionalProperties: false,
            required: [...CLAIM_BRIEF_REQUIRED, 'classId', 'className', 'subsidyKind'],
            properties: {
              ...CLAIM_BRIEF_PROPERTIES,
              classId: NULLABLE_INTEGER,
              className: NULLABLE_STRING,
              subsidyKind: { type: 'string', description: `补贴类别：${SUBSIDY_KINDS.join(' | ')}` },
            },
          },
          settlement: {
            type: 'object',
            nullable: true,
            additionalProperties: false,
            required: CLAIM_BRIEF_REQUIRED,
            properties: CLAIM_BRIEF_PROPERTIES,
            description: '清算申请（按核定金额与已预拨金额结算）；尚未提出时为 null',
          },
        },
      },
    },
    total: { type: 'integer' },
    page: { type: 'integer' },
    pageSize: { type: 'integer' },
    policy: {
      type: 'object',
      additionalProperties: false,
      required: [
        'regionCode',
        'document',
        'title',
        'isProvided',
        'maxSharePercent',
        'allowedKinds',
        'citation',
        'explanation',
      ],
      properties: {
        regionCode: { type: 'string' },
        document: { ...NULLABLE_STRING, description: '本地区适用的政策文件文号' },
        title: NULLABLE_STRING,
        isProvided: { type: 'boolean', description: '该文件是否规定先行拨付（预拨）' },
        maxSharePercent: { type: 'number', nullable: true, description: '预拨比例上限（%）' },
        allowedKinds: { type: 'array', items: { type: 'string' }, description: '可预拨的补贴类别' },
        citation: { ...CITATION_SCHEMA, nullable: true },
        explanation: { type: 'string', description: '可否申请预拨及其依据' },
      },
    },
    classes: {
      type: 'array',
      description: '可申请预拨的培训班（已备案、未结业）',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'regionCode', 'subsidyKind', 'startsAt', 'endsAt', 'advanceClaimId'],
        properties: {
          id: { type: 'integer' },
          name: { type: 'string' },
          regionCode: { type: 'string' },
          subsidyKind: { type: 'string', description: `补贴类别：${SUBSIDY_KINDS.join(' | ')}` },
          startsAt: { type: 'string', format: 'date-time' },
          endsAt: { type: 'string', format: 'date-time' },
          advanceClaimId: { ...NULLABLE_INTEGER, description: '已提出的预拨申请' },
        },
      },
    },
  },
} as const;
