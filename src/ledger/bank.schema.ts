import { DATE_SCHEMA, ID_SCHEMA, MAX_AMOUNT_FEN } from '../shared/schemas.ts';

/** JSON schemas of the bank-side routes (bodies refuse unknown fields). */
const date = DATE_SCHEMA;
const region = { type: 'string', pattern: '^\\d{6}$' } as const;
const period = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } as const;
const id = ID_SCHEMA;
const balanceFen = { type: 'integer', minimum: -MAX_AMOUNT_FEN, maximum: MAX_AMOUNT_FEN } as const;
const profileCode = { type: 'string', pattern: '^[a-z0-9_-]{2,40}$' } as const;
/** An uploaded file as base64 (JSON bodies; at most ~10 MB of file). */
const fileBase64 = {
  type: 'string',
  minLength: 4,
  maxLength: 14_000_000,
  pattern: '^[A-Za-z0-9+/=\\s]+$',
} as const;

export const idParams = { type: 'object', required: ['id'], properties: { id } } as const;

export const fileChoiceQuery = {
  type: 'object',
  properties: {
    format: { type: 'string', enum: ['xlsx', 'csv', 'txt'] },
    encoding: { type: 'string', enum: ['gbk', 'utf8bom'] },
  },
} as const;

export const regionQuery = { type: 'object', properties: { regionCode: region } } as const;

export const profileBody = {
  type: 'object',
  additionalProperties: false,
  required: ['profile'],
  properties: { profile: { type: 'object' } },
} as const;

export const specialAccountBody = {
  type: 'object',
  additionalProperties: false,
  required: ['regionCode', 'accountNumber', 'accountName', 'bankName', 'profileCode'],
  properties: {
    regionCode: region,
    accountNumber: { type: 'string', pattern: '^[0-9]{6,32}$' },
    accountName: { type: 'string', minLength: 2, maxLength: 100 },
    bankName: { type: 'string', minLength: 2, maxLength: 100 },
    bankCode: { type: 'string', pattern: '^[0-9]{12}$' },
    profileCode,
  },
} as const;

/** The headers a statement column may go by (several banks, several spellings). */
const columnHeaders = {
  type: 'array',
  maxItems: 20,
  items: { type: 'string', minLength: 1, maxLength: 40 },
} as const;

export const statementColumnsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    date: columnHeaders,
    debit: columnHeaders,
    credit: columnHeaders,
    amount: columnHeaders,
    balance: columnHeaders,
    reference: columnHeaders,
    summary: columnHeaders,
    counterpartyName: columnHeaders,
  },
} as const;

export const statementImportBody = {
  type: 'object',
  additionalProperties: false,
  required: ['regionCode', 'fileName'],
  properties: {
    regionCode: region,
    fileName: { type: 'string', minLength: 1, maxLength: 200 },
    /** A UTF-8 CSV as text (older clients), or any file (xlsx, GBK text) as base64. */
    csv: { type: 'string', minLength: 1, maxLength: 5_000_000 },
    fileBase64,
    profileCode,
    /** Columns of this file where they differ from the profile's; `saveMapping` keeps them. */
    columns: statementColumnsSchema,
    isOutflowNegative: { type: 'boolean' },
    saveMapping: { type: 'boolean' },
    /** The bank's balances when the file has no 余额 column. */
    openingBalanceFen: balanceFen,
    closingBalanceFen: balanceFen,
    /** Legacy single-column mapping (reference/amount/date headers, amount unit). */
    mapping: {
      type: 'object',
      additionalProperties: false,
      properties: {
        reference: { type: 'string' },
        amount: { type: 'string' },
        date: { type: 'string' },
        amountUnit: { type: 'string', enum: ['yuan', 'fen'] },
        isOutflowNegative: { type: 'boolean' },
        delimiter: { type: 'string', maxLength: 1 },
      },
    },
  },
} as const;

export const reconciliationBody = {
  type: 'object',
  additionalProperties: false,
  required: ['statementId', 'period'],
  properties: { statementId: id, period, toleranceDays: { type: 'integer', minimum: 0, maximum: 10 } },
} as const;

export const postingBody = {
  type: 'object',
  additionalProperties: false,
  required: ['statementLineId', 'kind'],
  properties: { statementLineId: id, kind: { type: 'string', enum: ['interest', 'bank_fee'] } },
} as const;

export const periodCloseBody = {
  type: 'object',
  additionalProperties: false,
  required: ['period'],
  properties: { period, provinceCode: region },
} as const;

export const periodQuery = {
  type: 'object',
  required: ['period'],
  properties: { period, provinceCode: region },
} as const;

export const reconciliationListQuery = {
  type: 'object',
  properties: {
    period,
    regionCode: region,
    page: { type: 'integer', minimum: 1, default: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
} as const;

export const pagedRegionQuery = {
  type: 'object',
  properties: {
    regionCode: region,
    page: { type: 'integer', minimum: 1, default: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
} as const;

export const worksheetQuery = {
  type: 'object',
  properties: { period, toleranceDays: { type: 'integer', minimum: 0, maximum: 10, default: 3 } },
} as const;

export const provinceQuery = { type: 'object', properties: { provinceCode: region } } as const;

export { date };
