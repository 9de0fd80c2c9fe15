import { pageSchemaOf } from '../shared/schemas.ts';

/**
 * Response schemas of ledger.routes.ts: what each route answers, written from what its
 * handler returns. Objects allow properties beyond those listed (`additionalProperties: true`):
 * Fastify serialises through these schemas and would otherwise drop a field the handler returns.
 */

/** GET /api/ledger/totals → 200 */
export const GET_LEDGER_TOTALS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
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
      },
    },
  },
} as const;

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
    kind: { type: 'string' },
    fromRegionCode: { type: 'string' },
    fromKind: { type: 'string' },
    toRegionCode: { type: 'string' },
    toKind: { type: 'string' },
    amountFen: { type: 'integer' },
    valueDate: { type: 'string' },
    basis: {},
    reason: { type: 'string' },
    status: { type: 'string' },
    requestedBy: { type: 'number' },
    decidedBy: {},
    journalId: {},
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
export const GET_LEDGER_RECOVERY_ORDERS_ANSWER = pageSchemaOf({
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
} as const);
