import { DATE_SCHEMA, pageSchemaOf, sortQueryProperties } from '../shared/schemas.ts';
import { PAYMENT_BATCH_SORT_FIELDS } from './payment.service.ts';
import { SUB_ACCOUNTS } from './transfer.service.ts';

/** JSON schemas of the ledger routes (bodies refuse unknown fields). */
const date = DATE_SCHEMA;
const region = { type: 'string', pattern: '^\\d{6}$' } as const;
const idempotencyId = { type: 'string', minLength: 1, maxLength: 100 } as const;
const fen = { type: 'integer', minimum: 1, maximum: 9_000_000_000_000_000 } as const;
const id = { type: 'integer', minimum: 1 } as const;

export const idParams = { type: 'object', required: ['id'], properties: { id } } as const;

export const pageQuery = {
  page: { type: 'integer', minimum: 1, default: 1 },
  pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
} as const;

export const accountsQuery = {
  type: 'object',
  properties: { regionCode: region, kind: { type: 'string' }, ...pageQuery },
} as const;

export const regionQuery = { type: 'object', properties: { regionCode: region } } as const;

export const totalsQuery = {
  type: 'object',
  required: ['from', 'to'],
  properties: { regionCode: region, from: date, to: date },
} as const;

export const statementQuery = { type: 'object', properties: { from: date, to: date, ...pageQuery } } as const;

/** The statement's export: the drawer's value-date range without the paging. */
export const statementExportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { from: date, to: date },
} as const;

export const manualTransferBody = {
  type: 'object',
  additionalProperties: false,
  required: ['idempotencyId', 'debitAccountId', 'creditAccountId', 'amountFen', 'code', 'valueDate'],
  properties: {
    idempotencyId,
    debitAccountId: id,
    creditAccountId: id,
    amountFen: fen,
    code: { type: 'string', enum: ['interest', 'bank_fee'] },
    valueDate: date,
    description: { type: 'string', maxLength: 500 },
  },
} as const;

export const reversalBody = {
  type: 'object',
  additionalProperties: false,
  required: ['idempotencyId', 'valueDate', 'reason'],
  properties: { idempotencyId, valueDate: date, reason: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;

export const fundRequestBody = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'fromRegionCode', 'toRegionCode', 'valueDate', 'reason'],
  properties: {
    kind: { type: 'string', enum: ['appropriation', 'allocation', 'reallocation'] },
    fromRegionCode: region,
    fromKind: { type: 'string', enum: ['ui_fund_source', 'special', ...SUB_ACCOUNTS] },
    toRegionCode: region,
    toKind: { type: 'string', enum: ['special', ...SUB_ACCOUNTS] },
    amountFen: fen,
    yearEndBalanceFen: fen,
    valueDate: date,
    reason: { type: 'string', minLength: 1, maxLength: 500 },
  },
} as const;

export const decisionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['isApproved'],
  properties: { isApproved: { type: 'boolean' } },
} as const;

export const appropriationBody = {
  type: 'object',
  additionalProperties: false,
  required: ['provinceCode', 'yearEndBalanceFen'],
  properties: { provinceCode: region, yearEndBalanceFen: fen },
} as const;

export const bankResultBody = {
  type: 'object',
  additionalProperties: false,
  required: ['csv', 'valueDate'],
  properties: { csv: { type: 'string', minLength: 1, maxLength: 900_000 }, valueDate: date },
} as const;

export const recoveryOrderBody = {
  type: 'object',
  additionalProperties: false,
  required: ['idempotencyId', 'claimId', 'regionCode', 'subAccount', 'amountFen', 'reason', 'valueDate'],
  properties: {
    idempotencyId,
    claimId: id,
    regionCode: region,
    subAccount: { type: 'string', enum: [...SUB_ACCOUNTS] },
    amountFen: fen,
    reason: { type: 'string', minLength: 1, maxLength: 500 },
    valueDate: date,
  },
} as const;

export const recoveryReceiptBody = {
  type: 'object',
  additionalProperties: false,
  required: ['idempotencyId', 'amountFen', 'valueDate'],
  properties: { idempotencyId, amountFen: fen, valueDate: date, statementLineId: id },
} as const;

export const statementImportBody = {
  type: 'object',
  additionalProperties: false,
  required: ['regionCode', 'fileName', 'csv'],
  properties: {
    regionCode: region,
    fileName: { type: 'string', minLength: 1, maxLength: 200 },
    csv: { type: 'string', minLength: 1, maxLength: 900_000 },
    mapping: {
      type: 'object',
      additionalProperties: false,
      properties: {
        reference: { type: 'string' },
        amount: { type: 'string' },
        date: { type: 'string' },
        amountUnit: { type: 'string', enum: ['yuan', 'fen'] },
        isOutflowNegative: { type: 'boolean' },
        delimiter: { type: 'string', minLength: 1, maxLength: 1 },
      },
    },
  },
} as const;

export const reconciliationQuery = {
  type: 'object',
  properties: {
    toleranceDays: { type: 'integer', minimum: 0, maximum: 60, default: 3 },
    from: date,
    to: date,
  },
} as const;

export const periodCloseBody = {
  type: 'object',
  additionalProperties: false,
  required: ['period'],
  properties: { period: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }, provinceCode: region },
} as const;

export const approvalsQuery = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['pending', 'approved', 'rejected'] },
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
    ...pageQuery,
  },
} as const;

export const approvalDecisionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['isApproved'],
  properties: { isApproved: { type: 'boolean' }, reason: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;

export const payeeAccountBody = {
  type: 'object',
  additionalProperties: false,
  required: ['idempotencyId', 'payeeType', 'payeeId', 'bankName', 'accountNumber', 'reason'],
  properties: {
    idempotencyId,
    payeeType: { type: 'string', enum: ['organisation', 'person'] },
    payeeId: id,
    bankName: { type: 'string', minLength: 1, maxLength: 100 },
    accountNumber: { type: 'string', pattern: '^[0-9 ]{8,40}$' },
    reason: { type: 'string', minLength: 1, maxLength: 500 },
  },
} as const;

/** One payee's registered account in full (finance, with a reason; audited personal_data.read). */
export const payeeAccountRevealBody = {
  type: 'object',
  additionalProperties: false,
  required: ['payeeType', 'payeeId'],
  properties: {
    payeeType: { type: 'string', enum: ['organisation', 'person'] },
    payeeId: id,
    // Required in substance: the service answers 422 naming it when missing or blank.
    reason: { type: 'string', maxLength: 200 },
  },
} as const;

export const payeeAccountRevealAnswer = {
  type: 'object',
  additionalProperties: false,
  required: ['payeeType', 'payeeId', 'payeeName', 'bankName', 'accountNumber'],
  properties: {
    payeeType: { type: 'string', enum: ['organisation', 'person'] },
    payeeId: { type: 'integer' },
    payeeName: { type: 'string' },
    bankName: { type: 'string' },
    accountNumber: { type: 'string', description: '完整银行账号' },
  },
} as const;

/** The filters of the payment-batch list, shared by its JSON page and its xlsx export. */
export const batchFilters = {
  status: { type: 'string', enum: ['ordered', 'paid', 'failed'], description: '含该状态支付的批次' },
  ...sortQueryProperties(PAYMENT_BATCH_SORT_FIELDS, '按批次编号降序，最新在前'),
} as const;

export const batchesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...batchFilters, ...pageQuery },
} as const;

export const batchesExportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: batchFilters,
} as const;

const fundRequestFilters = {
  status: { type: 'string', enum: ['pending', 'posted', 'rejected'] },
  kind: { type: 'string', enum: ['appropriation', 'allocation', 'reallocation'] },
} as const;

export const fundRequestsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...fundRequestFilters, ...pageQuery },
} as const;

export const fundRequestsExportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: fundRequestFilters,
} as const;

const recoveryOrderFilters = {
  claimId: id,
  status: { type: 'string', enum: ['open', 'closed'] },
} as const;

export const recoveryOrdersQuery = {
  type: 'object',
  properties: { ...recoveryOrderFilters, ...pageQuery },
} as const;

export const recoveryOrdersExportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: recoveryOrderFilters,
} as const;

/** A special-account ledger account with its posted totals (`Account`, transfer.service.ts). */
export const accountResponse = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'provinceCode',
    'regionCode',
    'kind',
    'normalSide',
    'isNonNegative',
    'balanceFen',
    'debitsPostedFen',
    'creditsPostedFen',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    regionCode: { type: 'string' },
    kind: { type: 'string' },
    normalSide: { type: 'string', enum: ['debit', 'credit'] },
    isNonNegative: { type: 'boolean' },
    balanceFen: { type: 'integer' },
    debitsPostedFen: { type: 'integer' },
    creditsPostedFen: { type: 'integer' },
  },
} as const;

export const accountPageResponse = pageSchemaOf(accountResponse);
