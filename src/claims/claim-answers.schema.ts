import {
  APPROVAL_SCHEMA,
  PAYMENT_BATCH_SCHEMA,
  RECOVERY_ORDER_SCHEMA,
} from '../ledger/ledger-answers.schema.ts';
import { SUBSIDY_KINDS } from '../policy/evaluate.types.ts';
import { NULLABLE_INTEGER, NULLABLE_STRING, pageSchemaOf } from '../shared/schemas.ts';
import { CERTIFICATE_SCHEMA } from '../training/assessment-answers.schema.ts';
import { CLAIM_DETAIL_SCHEMA } from './claim.schema.ts';
import { CLAIM_STATUSES } from './claim.workflow.ts';

/**
 * Response schemas of claim.routes.ts: what each route answers, written from what its
 * handler returns. Objects allow properties beyond those listed (`additionalProperties: true`):
 * Fastify serialises through these schemas and would otherwise drop a field the handler returns.
 */

/** POST /api/claims/:id/attachments → 201 */
export const POST_CLAIMS_BY_ID_ATTACHMENTS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'materialCode', 'sha256', 'sizeBytes'],
  properties: {
    id: { type: 'integer' },
    materialCode: { type: 'string' },
    sha256: { type: 'string' },
    sizeBytes: { type: 'number' },
  },
} as const;

/** POST /api/claims → 201: the claim created (a retry with the same Idempotency-Key: the first one). */
export const CLAIM_CREATED_ANSWERS = { 201: CLAIM_DETAIL_SCHEMA } as const;

/** POST /api/claims/:id/objections → 201: the objection recorded. */
export const OBJECTION_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'claimId', 'lineId', 'objector', 'content'],
  properties: {
    id: { type: 'integer' },
    claimId: { type: 'integer' },
    lineId: NULLABLE_INTEGER,
    objector: { type: 'string' },
    content: { type: 'string' },
  },
} as const;

/** GET /api/claims/:id/objections → 200: the notice's objections, resolved or not. */
export const OBJECTION_LIST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'claimId',
          'lineId',
          'objector',
          'content',
          'recordedAt',
          'recordedByName',
          'resolution',
          'isUpheld',
          'resolvedAt',
          'resolvedByName',
        ],
        properties: {
          id: { type: 'integer' },
          claimId: { type: 'integer' },
          lineId: NULLABLE_INTEGER,
          objector: { type: 'string' },
          content: { type: 'string' },
          recordedAt: { type: 'string', format: 'date-time' },
          recordedByName: NULLABLE_STRING,
          resolution: NULLABLE_STRING,
          isUpheld: { type: 'boolean', nullable: true },
          resolvedAt: { type: 'string', format: 'date-time', nullable: true },
          resolvedByName: NULLABLE_STRING,
        },
      },
    },
  },
} as const;

/** POST /api/classes/:id/claim-reopenings → 201 (`Reopening`). */
export const REOPENING_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'classId', 'personId', 'subsidyKind', 'reason', 'reopenedAt'],
  properties: {
    id: { type: 'integer' },
    classId: { type: 'integer' },
    personId: { type: 'integer' },
    subsidyKind: { type: 'string' },
    reason: { type: 'string' },
    reopenedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** GET /api/public/notices → 200: what a public notice shows (`PublicNotice`), no person named. */
export const PUBLIC_NOTICE_PAGE_SCHEMA = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: [
    'claimNumber',
    'regionCode',
    'subsidyKind',
    'applicantKind',
    'applicantName',
    'className',
    'lineCount',
    'totalAmountFen',
    'noticeStartsOn',
    'noticeEndsOn',
  ],
  properties: {
    claimNumber: { type: 'string' },
    regionCode: { type: 'string' },
    subsidyKind: { type: 'string' },
    applicantKind: { type: 'string' },
    applicantName: NULLABLE_STRING,
    className: NULLABLE_STRING,
    lineCount: { type: 'integer' },
    totalAmountFen: { type: 'integer' },
    noticeStartsOn: { type: 'string' },
    noticeEndsOn: { type: 'string' },
  },
} as const);

/** POST /api/certificates/:id/revoke → 200: the certificate, the claims held, what is to be recovered. */
export const CERTIFICATE_REVOCATION_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['certificate', 'heldClaimIds', 'toRecoverFen', 'recoveryOrders'],
  properties: {
    certificate: CERTIFICATE_SCHEMA,
    heldClaimIds: { type: 'array', items: { type: 'integer' } },
    toRecoverFen: { type: 'integer' },
    recoveryOrders: { type: 'array', items: RECOVERY_ORDER_SCHEMA },
  },
} as const;

/**
 * POST /api/claims/payments and POST /api/claims/:id/settle (`PaymentOrderRequest`): the maker's
 * order waiting for a second finance officer; 202 recorded now, 200 a retry's replay.
 */
export const PAYMENT_ORDER_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['approval', 'totalFen', 'lineCount', 'isReplay'],
  properties: {
    approval: APPROVAL_SCHEMA,
    totalFen: { type: 'integer' },
    lineCount: { type: 'integer' },
    isReplay: { type: 'boolean' },
  },
} as const;

export const PAYMENT_ORDER_ANSWERS = { 200: PAYMENT_ORDER_SCHEMA, 202: PAYMENT_ORDER_SCHEMA } as const;

/** POST /api/claims/payment-orders/:id/decision → 200: the decided order, its batch, an advance's settlement. */
export const PAYMENT_ORDER_DECISION_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['approval', 'batch'],
  properties: {
    approval: APPROVAL_SCHEMA,
    /** The batch posted on approval (null when rejected). */
    batch: { ...PAYMENT_BATCH_SCHEMA, nullable: true },
    /** An advance's settlement (清算): paid now, or an excess to be recovered. */
    settlement: {
      type: 'object',
      additionalProperties: true,
      required: ['claimId', 'advancedFen', 'finalAmountFen', 'paymentBatch', 'recoveryOrder'],
      properties: {
        claimId: { type: 'integer' },
        advancedFen: { type: 'integer' },
        finalAmountFen: { type: 'integer' },
        paymentBatch: { ...PAYMENT_BATCH_SCHEMA, nullable: true },
        recoveryOrder: { ...RECOVERY_ORDER_SCHEMA, nullable: true },
      },
    },
  },
} as const;

/** POST /api/claims/payments/:batchId/bank-result → 200: every row of the bank's file with its outcome. */
export const BANK_RESULT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['profileCode', 'isPreview', 'paid', 'failed', 'recorded', 'ignored', 'rows', 'pendingApprovals'],
  properties: {
    profileCode: { type: 'string' },
    /** Each failure or 退回 of this import, waiting for a second finance officer (待复核): nothing posted yet. */
    pendingApprovals: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['reference', 'approvalId', 'reason'],
        properties: {
          reference: { type: 'string' },
          approvalId: { type: 'integer' },
          reason: { type: 'string' },
        },
      },
    },
    isPreview: { type: 'boolean' },
    paid: { type: 'array', items: { type: 'string' } },
    failed: { type: 'array', items: { type: 'string' } },
    recorded: { type: 'array', items: { type: 'string' } },
    ignored: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['reference', 'reason'],
        properties: { reference: { type: 'string' }, reason: { type: 'string' } },
      },
    },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: [
          'rowNumber',
          'reference',
          'outcome',
          'reason',
          'disbursementId',
          'amountFen',
          'bankStatus',
        ],
        properties: {
          rowNumber: { type: 'integer' },
          reference: { type: 'string' },
          outcome: { type: 'string', enum: ['paid', 'failed', 'returned', 'recorded', 'unmatched'] },
          reason: NULLABLE_STRING,
          disbursementId: NULLABLE_INTEGER,
          amountFen: NULLABLE_INTEGER,
          bankStatus: { type: 'string' },
        },
      },
    },
  },
} as const;

/** GET /api/persons/:id/claim-lines → 200: the person's lines on the claims the caller may see. */
export const PERSON_CLAIM_LINES_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'claimId',
          'claimNumber',
          'subsidyKind',
          'claimStatus',
          'applicationDate',
          'regionCode',
          'classId',
          'lineId',
          'lineNumber',
          'amountFen',
          'isEligible',
          'lineStatus',
          'excludedReason',
        ],
        properties: {
          claimId: { type: 'integer' },
          claimNumber: { type: 'string' },
          subsidyKind: { type: 'string', description: `补贴类别：${SUBSIDY_KINDS.join(' | ')}` },
          claimStatus: { type: 'string', enum: [...CLAIM_STATUSES] },
          applicationDate: { type: 'string', format: 'date' },
          regionCode: { type: 'string' },
          classId: NULLABLE_INTEGER,
          lineId: { type: 'integer' },
          lineNumber: { type: 'integer' },
          amountFen: { type: 'integer', description: '本行核定金额（分）' },
          isEligible: { type: 'boolean' },
          lineStatus: { type: 'string', enum: ['active', 'excluded'] },
          excludedReason: NULLABLE_STRING,
        },
      },
    },
  },
} as const;
