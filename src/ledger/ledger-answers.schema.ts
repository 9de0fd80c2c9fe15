import {
  CITATION_SCHEMA,
  DATE_TIME,
  listSchemaOf,
  NULLABLE_INTEGER,
  NULLABLE_STRING,
  pageSchemaOf,
} from '../shared/schemas.ts';
import { accountResponse } from './ledger.schema.ts';

/**
 * Response schemas of ledger.routes.ts: what each route answers, written from what its
 * handler returns. Objects allow properties beyond those listed (`additionalProperties: true`):
 * Fastify serialises through these schemas and would otherwise drop a field the handler returns.
 */

/** GET /api/ledger/totals → 200 */
export const GET_LEDGER_TOTALS_ANSWER = listSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: ['regionCode', 'account', 'code', 'debitFen', 'creditFen', 'transferCount'],
  properties: {
    regionCode: { type: 'string' },
    account: { type: 'string' },
    code: { type: 'string' },
    debitFen: { type: 'integer' },
    creditFen: { type: 'integer' },
    transferCount: { type: 'integer' },
  },
} as const);

/** POST /api/ledger/fund-requests → 201 */
export const POST_LEDGER_FUND_REQUESTS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'kind',
    'fromRegionCode',
    'fromKind',
    'toRegionCode',
    'toKind',
    'amountFen',
    'valueDate',
    'basis',
    'reason',
    'status',
    'requestedBy',
    'decidedBy',
    'journalId',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    kind: { type: 'string', enum: ['appropriation', 'allocation', 'reallocation'] },
    fromRegionCode: { type: 'string' },
    fromKind: { type: 'string' },
    toRegionCode: { type: 'string' },
    toKind: { type: 'string' },
    amountFen: { type: 'integer' },
    valueDate: { type: 'string' },
    /** How the amount was reached (an appropriation's ratio and its citation), or null. */
    basis: {},
    reason: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'posted', 'rejected'] },
    requestedBy: { type: 'integer' },
    decidedBy: NULLABLE_INTEGER,
    journalId: NULLABLE_INTEGER,
  },
} as const;

/** POST /api/ledger/recovery-orders → 201 */
export const POST_LEDGER_RECOVERY_ORDERS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'regionCode',
    'claimId',
    'subAccount',
    'amountFen',
    'recoveredFen',
    'reason',
    'status',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    regionCode: { type: 'string' },
    claimId: { type: 'integer' },
    subAccount: { type: 'string' },
    amountFen: { type: 'integer' },
    recoveredFen: { type: 'integer' },
    reason: { type: 'string' },
    status: { type: 'string' },
  },
} as const;

/** GET /api/ledger/recovery-orders → 200 */
export const GET_LEDGER_RECOVERY_ORDERS_ANSWER = pageSchemaOf(POST_LEDGER_RECOVERY_ORDERS_ANSWER);

/** A special-account ledger account with its posted totals (`Account`, transfer.service.ts). */
export const ACCOUNT_SCHEMA = accountResponse;

/** One posted transfer (`Transfer`, transfer.service.ts): a debit, a credit, an amount, what it refers to. */
export const TRANSFER_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'journalId',
    'idempotencyId',
    'debitAccountId',
    'creditAccountId',
    'amountFen',
    'code',
    'valueDate',
    'description',
    'claimId',
    'claimLineId',
    'paymentBatchId',
    'paymentItemId',
    'disbursementId',
    'statementLineId',
    'fundRequestId',
    'recoveryOrderId',
    'reversesTransferId',
    'createdAt',
  ],
  properties: {
    id: { type: 'integer' },
    journalId: { type: 'integer' },
    idempotencyId: { type: 'string' },
    debitAccountId: { type: 'integer' },
    creditAccountId: { type: 'integer' },
    amountFen: { type: 'integer' },
    code: { type: 'string' },
    valueDate: { type: 'string' },
    description: NULLABLE_STRING,
    claimId: NULLABLE_INTEGER,
    claimLineId: NULLABLE_INTEGER,
    paymentBatchId: NULLABLE_INTEGER,
    paymentItemId: NULLABLE_INTEGER,
    disbursementId: NULLABLE_INTEGER,
    statementLineId: NULLABLE_INTEGER,
    fundRequestId: NULLABLE_INTEGER,
    recoveryOrderId: NULLABLE_INTEGER,
    reversesTransferId: NULLABLE_INTEGER,
    createdAt: DATE_TIME,
  },
} as const;

/** What a posting did (`PostResult`): its journal and transfers; `isReplay` when a retry posted nothing. */
export const POST_RESULT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['journalId', 'transfers', 'isReplay'],
  properties: {
    journalId: { type: 'integer' },
    transfers: { type: 'array', items: TRANSFER_SCHEMA },
    isReplay: { type: 'boolean' },
  },
} as const;

/** A maker-checker request (双人复核, `Approval` of approval.service.ts). */
export const APPROVAL_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'regionCode',
    'kind',
    'idempotencyId',
    'payload',
    'amountFen',
    'summary',
    'status',
    'requestedBy',
    'requestedByName',
    'decidedBy',
    'decidedByName',
    'decidedAt',
    'decisionReason',
    'result',
    'createdAt',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    regionCode: { type: 'string' },
    kind: {
      type: 'string',
      enum: [
        'payment_order',
        'manual_transfer',
        'reversal',
        'payee_account',
        'recovery_receipt',
        'payment_failure',
      ],
    },
    idempotencyId: { type: 'string' },
    /** What the maker asked for, by kind (account numbers masked). */
    payload: { type: 'object', additionalProperties: {} },
    amountFen: NULLABLE_INTEGER,
    summary: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'approved', 'rejected'] },
    requestedBy: { type: 'integer' },
    requestedByName: NULLABLE_STRING,
    decidedBy: NULLABLE_INTEGER,
    decidedByName: NULLABLE_STRING,
    decidedAt: { ...DATE_TIME, nullable: true },
    decisionReason: NULLABLE_STRING,
    /** What the approval posted or changed, by kind (journal, transfers, account); null until decided. */
    result: {},
    createdAt: DATE_TIME,
  },
} as const;

/**
 * A maker's request as stored: 202 when it was recorded now, 200 (`isReplay`) when a retry with
 * the same idempotency id found the first one.
 */
export const APPROVAL_REQUEST_SCHEMA = {
  ...APPROVAL_SCHEMA,
  required: [...APPROVAL_SCHEMA.required, 'isReplay'],
  properties: { ...APPROVAL_SCHEMA.properties, isReplay: { type: 'boolean' } },
} as const;

/** The statuses a maker's request answers: 202 recorded, 200 a retry's replay. */
export const APPROVAL_REQUEST_ANSWERS = {
  200: APPROVAL_REQUEST_SCHEMA,
  202: APPROVAL_REQUEST_SCHEMA,
} as const;

/** A recovery order (追回单, `RecoveryOrder` of recovery.service.ts). */
export const RECOVERY_ORDER_SCHEMA = POST_LEDGER_RECOVERY_ORDERS_ANSWER;

/** POST /api/ledger/approvals/:id/decision → 200: the decided approval and what it posted or opened. */
export const APPROVAL_DECISION_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['approval'],
  properties: {
    approval: APPROVAL_SCHEMA,
    /** A manual transfer or a reversal: what was posted (null when rejected). */
    posted: { ...POST_RESULT_SCHEMA, nullable: true },
    /** A recovery receipt: the order as it stands after the money came back (null when rejected). */
    recoveryOrder: { ...POST_LEDGER_RECOVERY_ORDERS_ANSWER, nullable: true },
  },
} as const;

/** Who receives the money (`Payee` of payment.service.ts); the account masked in answers. */
export const PAYEE_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['type', 'id', 'name', 'bankAccount'],
  properties: {
    type: { type: 'string', enum: ['organisation', 'person'] },
    id: { type: 'integer' },
    name: { type: 'string' },
    bankAccount: { type: 'string' },
    bankName: NULLABLE_STRING,
    bankCode: NULLABLE_STRING,
  },
} as const;

/** A payment batch with its disbursements and their items (`PaymentBatch`), accounts masked. */
export const PAYMENT_BATCH_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'regionCode',
    'idempotencyId',
    'valueDate',
    'totalFen',
    'disbursements',
    'isReplay',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    regionCode: { type: 'string' },
    idempotencyId: { type: 'string' },
    valueDate: { type: 'string' },
    totalFen: { type: 'integer' },
    disbursements: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: [
          'id',
          'reference',
          'payee',
          'amountFen',
          'status',
          'failureReason',
          'pendingFailure',
          'items',
        ],
        properties: {
          id: { type: 'integer' },
          reference: { type: 'string' },
          payee: PAYEE_SCHEMA,
          amountFen: { type: 'integer' },
          status: { type: 'string', enum: ['ordered', 'paid', 'failed'] },
          failureReason: NULLABLE_STRING,
          /** A failure or 退回 the bank reported, waiting for the second finance officer (失败待复核). */
          pendingFailure: {
            type: 'object',
            nullable: true,
            additionalProperties: false,
            required: ['approvalId', 'reason'],
            properties: { approvalId: { type: 'integer' }, reason: { type: 'string' } },
          },
          items: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: true,
              required: [
                'id',
                'claimId',
                'lineId',
                'amountFen',
                'subAccount',
                'kind',
                'status',
                'transferId',
              ],
              properties: {
                id: { type: 'integer' },
                claimId: { type: 'integer' },
                lineId: NULLABLE_INTEGER,
                amountFen: { type: 'integer' },
                subAccount: { type: 'string' },
                kind: { type: 'string' },
                status: { type: 'string' },
                transferId: { type: 'integer' },
              },
            },
          },
        },
      },
    },
    isReplay: { type: 'boolean' },
  },
} as const;

/** GET /api/ledger/payment-batches → 200: batches with their disbursements counted by status. */
export const PAYMENT_BATCH_PAGE_SCHEMA = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'regionCode',
    'valueDate',
    'createdAt',
    'totalFen',
    'disbursementCount',
    'orderedCount',
    'paidCount',
    'failedCount',
  ],
  properties: {
    id: { type: 'integer' },
    regionCode: { type: 'string' },
    valueDate: { type: 'string' },
    createdAt: DATE_TIME,
    totalFen: { type: 'integer' },
    disbursementCount: { type: 'integer' },
    orderedCount: { type: 'integer' },
    paidCount: { type: 'integer' },
    failedCount: { type: 'integer' },
  },
} as const);

/** A fund request (计提、下拨、调剂, `FundRequest` of funding.service.ts). */
export const FUND_REQUEST_SCHEMA = POST_LEDGER_FUND_REQUESTS_ANSWER;

/** A fund request in the list: also who asked and who decided, by name (经办人, 复核人). */
export const LISTED_FUND_REQUEST_SCHEMA = {
  ...POST_LEDGER_FUND_REQUESTS_ANSWER,
  required: [...POST_LEDGER_FUND_REQUESTS_ANSWER.required, 'requestedByName', 'decidedByName'],
  properties: {
    ...POST_LEDGER_FUND_REQUESTS_ANSWER.properties,
    requestedByName: { type: 'string' },
    decidedByName: NULLABLE_STRING,
  },
} as const;

/** POST /api/ledger/appropriation/compute → 200 (`AppropriationBasis`). */
export const APPROPRIATION_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['provinceCode', 'yearEndBalanceFen', 'basisYear', 'ratePercent', 'amountFen', 'citation'],
  properties: {
    provinceCode: { type: 'string' },
    yearEndBalanceFen: { type: 'integer' },
    basisYear: { type: 'integer' },
    ratePercent: { type: 'number' },
    amountFen: { type: 'integer' },
    citation: CITATION_SCHEMA,
  },
} as const;

/** GET /api/ledger/trial-balance → 200 (`TrialBalance`). */
export const TRIAL_BALANCE_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['regionCode', 'accounts', 'debitsPostedFen', 'creditsPostedFen'],
  properties: {
    regionCode: { type: 'string' },
    accounts: { type: 'array', items: ACCOUNT_SCHEMA },
    debitsPostedFen: { type: 'integer' },
    creditsPostedFen: { type: 'integer' },
  },
} as const;

/** GET /api/ledger/accounts/:id/statement → 200: the account, its opening balance, a page of entries. */
export const ACCOUNT_STATEMENT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['account', 'openingBalanceFen', 'items', 'total', 'page', 'pageSize'],
  properties: {
    account: ACCOUNT_SCHEMA,
    openingBalanceFen: { type: 'integer' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['transfer', 'side', 'balanceAfterFen'],
        properties: {
          transfer: TRANSFER_SCHEMA,
          side: { type: 'string', enum: ['debit', 'credit'] },
          balanceAfterFen: { type: 'integer' },
        },
      },
    },
    total: { type: 'integer' },
    page: { type: 'integer' },
    pageSize: { type: 'integer' },
  },
} as const;

/** GET /api/ledger/execution-rate → 200 (`ExecutionRateRow` per region and sub-account). */
export const EXECUTION_RATE_SCHEMA = listSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: ['regionCode', 'subAccount', 'receivedFen', 'usedFen', 'balanceFen', 'rate'],
  properties: {
    regionCode: { type: 'string' },
    subAccount: { type: 'string' },
    receivedFen: { type: 'integer' },
    usedFen: { type: 'integer' },
    balanceFen: { type: 'integer' },
    rate: { type: 'number' },
  },
} as const);
