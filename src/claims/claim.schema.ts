import { CITATION_SCHEMA, DECISION_SCHEMA } from '../policy/decision.schema.ts';
import { SUBSIDY_KINDS } from '../policy/evaluate.types.ts';
import { pageSchemaOf } from '../shared/schemas.ts';
import { CLAIM_STATUSES } from './claim.workflow.ts';

/**
 * JSON schemas of the claims API's answers (claim.types.ts): they serialise the answers and
 * describe them in the OpenAPI document, from which the web client's types are generated.
 */

const NULLABLE_INTEGER = { type: 'integer', nullable: true } as const;
const NULLABLE_STRING = { type: 'string', nullable: true } as const;

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
        required: ['action', 'fromStatus', 'toStatus', 'actorUserId', 'actorRole', 'reason', 'occurredAt'],
        properties: {
          action: { type: 'string' },
          fromStatus: { type: 'string' },
          toStatus: { type: 'string' },
          actorUserId: NULLABLE_INTEGER,
          actorRole: NULLABLE_STRING,
          reason: NULLABLE_STRING,
          occurredAt: { type: 'string', format: 'date-time' },
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
