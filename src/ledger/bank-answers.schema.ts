import {
  DATE_TIME,
  listSchemaOf,
  NULLABLE_INTEGER,
  NULLABLE_STRING,
  pageSchemaOf,
} from '../shared/schemas.ts';
import { APPROVAL_REQUEST_SCHEMA, GET_LEDGER_TOTALS_ANSWER } from './ledger-answers.schema.ts';

/**
 * Response schemas of bank.routes.ts, written from the services' types (bank-profile.service.ts,
 * statement.service.ts, statement.match.ts, bank-reconciliation.service.ts, period.service.ts).
 * Objects allow properties beyond those listed (`additionalProperties: true`): Fastify serialises
 * through these schemas and would otherwise drop a field the handler returns.
 */

const STRINGS = { type: 'array', items: { type: 'string' } } as const;
const INTEGERS = { type: 'array', items: { type: 'integer' } } as const;
/** Header names by column (`Record<column, string[]>`). */
const HEADERS_BY_COLUMN = { type: 'object', additionalProperties: STRINGS } as const;
const MOVEMENT_KIND = {
  type: 'string',
  enum: [
    'disbursement',
    'payment_return',
    'appropriation',
    'allocation',
    'interest',
    'bank_fee',
    'refund',
    'reversal',
    'other',
  ],
} as const;
const DIRECTION = { type: 'string', enum: ['debit', 'credit'] } as const;

/** A bank's file layouts (`BankProfile`): instruction file, result file, statement columns. */
export const BANK_PROFILE_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['code', 'name', 'instruction', 'result', 'statement'],
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    instruction: {
      type: 'object',
      additionalProperties: true,
      required: ['defaultFormat', 'encoding', 'sheetName', 'columns'],
      properties: {
        defaultFormat: { type: 'string', enum: ['xlsx', 'csv', 'txt'] },
        encoding: { type: 'string', enum: ['gbk', 'utf8bom'] },
        sheetName: { type: 'string' },
        columns: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: true,
            required: ['header', 'field', 'width'],
            properties: { header: { type: 'string' }, field: { type: 'string' }, width: { type: 'integer' } },
          },
        },
      },
    },
    result: {
      type: 'object',
      additionalProperties: true,
      required: ['extraColumns', 'columns', 'paidValues', 'failedValues'],
      properties: {
        extraColumns: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: true,
            required: ['header', 'width'],
            properties: { header: { type: 'string' }, width: { type: 'integer' } },
          },
        },
        columns: HEADERS_BY_COLUMN,
        paidValues: STRINGS,
        failedValues: STRINGS,
      },
    },
    statement: {
      type: 'object',
      additionalProperties: true,
      required: ['columns', 'isOutflowNegative'],
      properties: { columns: HEADERS_BY_COLUMN, isOutflowNegative: { type: 'boolean' } },
    },
  },
} as const;

/** GET /api/ledger/bank-profiles → 200: the province's profiles, built-in or its own. */
export const BANK_PROFILE_LIST_SCHEMA = listSchemaOf({
  ...BANK_PROFILE_SCHEMA,
  required: [...BANK_PROFILE_SCHEMA.required, 'isBuiltIn', 'isCustomised'],
  properties: {
    ...BANK_PROFILE_SCHEMA.properties,
    isBuiltIn: { type: 'boolean' },
    isCustomised: { type: 'boolean' },
  },
});

/** A region's special account (专户, `SpecialBankAccount`) and the bank format it uses. */
export const SPECIAL_ACCOUNT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'provinceCode',
    'regionCode',
    'accountNumber',
    'accountName',
    'bankName',
    'bankCode',
    'profileCode',
  ],
  properties: {
    provinceCode: { type: 'string' },
    regionCode: { type: 'string' },
    accountNumber: { type: 'string' },
    accountName: { type: 'string' },
    bankName: { type: 'string' },
    bankCode: NULLABLE_STRING,
    profileCode: { type: 'string' },
  },
} as const;

/** GET /api/ledger/bank-accounts → 200. */
export const SPECIAL_ACCOUNT_LIST_SCHEMA = listSchemaOf(SPECIAL_ACCOUNT_SCHEMA);

/** An imported bank statement (`StatementSummary`): 201 imported now, 200 the same file again. */
export const STATEMENT_SUMMARY_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'statementId',
    'lineCount',
    'isReplay',
    'profileCode',
    'from',
    'to',
    'openingBalanceFen',
    'closingBalanceFen',
    'debitFen',
    'creditFen',
  ],
  properties: {
    statementId: { type: 'integer' },
    lineCount: { type: 'integer' },
    isReplay: { type: 'boolean' },
    profileCode: { type: 'string' },
    from: NULLABLE_STRING,
    to: NULLABLE_STRING,
    openingBalanceFen: NULLABLE_INTEGER,
    closingBalanceFen: NULLABLE_INTEGER,
    debitFen: { type: 'integer' },
    creditFen: { type: 'integer' },
  },
} as const;

/** GET /api/ledger/statements → 200 (`StatementListItem`). */
export const STATEMENT_PAGE_SCHEMA = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: ['statementId', 'regionCode', 'fileName', 'lineCount', 'profileCode', 'from', 'to', 'importedAt'],
  properties: {
    statementId: { type: 'integer' },
    regionCode: { type: 'string' },
    fileName: { type: 'string' },
    lineCount: { type: 'integer' },
    profileCode: { type: 'string' },
    from: NULLABLE_STRING,
    to: NULLABLE_STRING,
    importedAt: DATE_TIME,
  },
} as const);

const UNBOOKED_LINE = {
  type: 'object',
  additionalProperties: true,
  required: ['lineNumber', 'amountFen', 'summary'],
  properties: { lineNumber: { type: 'integer' }, amountFen: { type: 'integer' }, summary: NULLABLE_STRING },
} as const;

const UNBANKED_MOVEMENT = {
  type: 'object',
  additionalProperties: true,
  required: ['key', 'kind', 'amountFen', 'valueDate'],
  properties: {
    key: { type: 'string' },
    kind: MOVEMENT_KIND,
    amountFen: { type: 'integer' },
    valueDate: { type: 'string' },
  },
} as const;

/** The reconciliation worksheet (`Worksheet` of statement.match.ts). */
export const WORKSHEET_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['toleranceDays', 'matches', 'problems', 'notExecuted', 'balance', 'totals'],
  properties: {
    toleranceDays: { type: 'integer' },
    matches: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: [
          'lineNumbers',
          'lineIds',
          'movementKeys',
          'kind',
          'direction',
          'amountFen',
          'reference',
          'matchedBy',
        ],
        properties: {
          lineNumbers: INTEGERS,
          lineIds: INTEGERS,
          movementKeys: STRINGS,
          kind: MOVEMENT_KIND,
          direction: DIRECTION,
          amountFen: { type: 'integer' },
          reference: NULLABLE_STRING,
          matchedBy: { type: 'string', enum: ['statement_line', 'reference', 'amount_and_date'] },
        },
      },
    },
    problems: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['kind', 'lineNumbers', 'lineIds', 'movementKeys', 'reference', 'amountFen'],
        properties: {
          kind: {
            type: 'string',
            enum: [
              'unknown_credit',
              'unknown_debit',
              'amount_mismatch',
              'duplicate',
              'missing_from_bank',
              'date_out_of_tolerance',
            ],
          },
          lineNumbers: INTEGERS,
          lineIds: INTEGERS,
          movementKeys: STRINGS,
          reference: NULLABLE_STRING,
          amountFen: { type: 'integer' },
          differenceFen: { type: 'integer' },
          dayShift: { type: 'integer' },
          suggestion: { type: 'string', enum: ['interest', 'bank_fee', 'payment_return'] },
        },
      },
    },
    notExecuted: STRINGS,
    balance: {
      type: 'object',
      additionalProperties: true,
      required: [
        'bankClosingFen',
        'bookBalanceFen',
        'bankCreditsNotInBooks',
        'bankDebitsNotInBooks',
        'bookCreditsNotInBank',
        'bookDebitsNotInBank',
        'adjustedBankFen',
        'adjustedBookFen',
        'isBalanced',
      ],
      properties: {
        bankClosingFen: { type: 'integer' },
        bookBalanceFen: { type: 'integer' },
        bankCreditsNotInBooks: { type: 'array', items: UNBOOKED_LINE },
        bankDebitsNotInBooks: { type: 'array', items: UNBOOKED_LINE },
        bookCreditsNotInBank: { type: 'array', items: UNBANKED_MOVEMENT },
        bookDebitsNotInBank: { type: 'array', items: UNBANKED_MOVEMENT },
        adjustedBankFen: { type: 'integer' },
        adjustedBookFen: { type: 'integer' },
        isBalanced: { type: 'boolean' },
      },
    },
    totals: {
      type: 'object',
      additionalProperties: true,
      required: ['bankDebitFen', 'bankCreditFen', 'bookDebitFen', 'bookCreditFen'],
      properties: {
        bankDebitFen: { type: 'integer' },
        bankCreditFen: { type: 'integer' },
        bookDebitFen: { type: 'integer' },
        bookCreditFen: { type: 'integer' },
      },
    },
  },
} as const;

/** GET /api/ledger/statements/:id/reconciliation → 200: the worksheet, not saved (`PreparedWorksheet`). */
export const PREPARED_WORKSHEET_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'statementId',
    'regionCode',
    'provinceCode',
    'period',
    'from',
    'to',
    'openingDifferenceFen',
    'worksheet',
    'blockingProblems',
  ],
  properties: {
    statementId: { type: 'integer' },
    regionCode: { type: 'string' },
    provinceCode: { type: 'string' },
    period: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    openingDifferenceFen: NULLABLE_INTEGER,
    worksheet: WORKSHEET_SCHEMA,
    blockingProblems: { type: 'integer' },
  },
} as const;

const RECONCILIATION_STATUS = { type: 'string', enum: ['prepared', 'signed_off'] } as const;

/** A saved monthly reconciliation (`StoredReconciliation`): the worksheet, who prepared and signed it. */
export const RECONCILIATION_SCHEMA = {
  ...PREPARED_WORKSHEET_SCHEMA,
  required: [
    ...PREPARED_WORKSHEET_SCHEMA.required,
    'id',
    'status',
    'preparedBy',
    'preparedAt',
    'signedOffBy',
    'signedOffAt',
  ],
  properties: {
    ...PREPARED_WORKSHEET_SCHEMA.properties,
    id: { type: 'integer' },
    status: RECONCILIATION_STATUS,
    preparedBy: { type: 'integer' },
    preparedAt: DATE_TIME,
    signedOffBy: NULLABLE_INTEGER,
    signedOffAt: { ...DATE_TIME, nullable: true },
  },
} as const;

/** GET /api/ledger/reconciliations → 200: one line per saved reconciliation. */
export const RECONCILIATION_PAGE_SCHEMA = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'regionCode',
    'period',
    'statementId',
    'status',
    'isBalanced',
    'problemCount',
    'bankClosingFen',
    'bookBalanceFen',
    'preparedBy',
    'preparedAt',
    'signedOffBy',
    'signedOffAt',
  ],
  properties: {
    id: { type: 'integer' },
    regionCode: { type: 'string' },
    period: { type: 'string' },
    statementId: { type: 'integer' },
    status: RECONCILIATION_STATUS,
    isBalanced: { type: 'boolean' },
    problemCount: { type: 'integer' },
    bankClosingFen: { type: 'integer' },
    bookBalanceFen: { type: 'integer' },
    preparedBy: { type: 'integer' },
    preparedAt: DATE_TIME,
    signedOffBy: NULLABLE_INTEGER,
    signedOffAt: { ...DATE_TIME, nullable: true },
  },
} as const);

/** POST /api/ledger/statement-postings: the maker's request, 201 recorded, 200 a retry's replay. */
export const STATEMENT_POSTING_ANSWERS = {
  200: APPROVAL_REQUEST_SCHEMA,
  201: APPROVAL_REQUEST_SCHEMA,
} as const;

const CHECKLIST_ITEM_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['code', 'label', 'isOk', 'details'],
  properties: {
    code: {
      type: 'string',
      enum: ['in_order', 'month_over', 'reconciled', 'nothing_in_flight', 'report_matches_ledger'],
    },
    label: { type: 'string' },
    isOk: { type: 'boolean' },
    details: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;

/** GET /api/ledger/periods/checklist → 200 (`PeriodChecklist`). */
export const PERIOD_CHECKLIST_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['provinceCode', 'period', 'lastClosed', 'isClosed', 'mayClose', 'items'],
  properties: {
    provinceCode: { type: 'string' },
    period: { type: 'string' },
    lastClosed: NULLABLE_STRING,
    isClosed: { type: 'boolean' },
    mayClose: { type: 'boolean' },
    items: { type: 'array', items: CHECKLIST_ITEM_SCHEMA },
  },
} as const;

/** A closed month (`ClosedPeriod`) with the ledger figures frozen at close. */
export const CLOSED_PERIOD_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['provinceCode', 'period', 'closedBy', 'closedAt', 'figures'],
  properties: {
    provinceCode: { type: 'string' },
    period: { type: 'string' },
    closedBy: NULLABLE_INTEGER,
    closedAt: DATE_TIME,
    /** The month's ledger figures at close, per region, account and code. */
    figures: { ...GET_LEDGER_TOTALS_ANSWER.properties.items, nullable: true },
  },
} as const;

/** GET /api/ledger/periods → 200. */
export const CLOSED_PERIOD_LIST_SCHEMA = listSchemaOf(CLOSED_PERIOD_SCHEMA);
