/**
 * Response schemas of report.routes.ts: what each route answers, written from what its
 * handler returns. Objects allow properties beyond those listed (`additionalProperties: true`):
 * Fastify serialises through these schemas and would otherwise drop a field the handler returns.
 */

/** GET /api/reports/ledger-comparison → 200 */
export const GET_REPORTS_LEDGER_COMPARISON_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['regionCode', 'from', 'to', 'rows', 'isBalanced'],
  properties: {
    regionCode: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['account', 'label', 'reportFen', 'ledgerFen', 'differenceFen'],
        properties: {
          account: { type: 'string' },
          label: { type: 'string' },
          reportFen: { type: 'integer' },
          ledgerFen: { type: 'integer' },
          differenceFen: { type: 'integer' },
        },
      },
    },
    isBalanced: { type: 'boolean' },
  },
} as const;

/** PUT /api/reports/targets → 200 */
export const PUT_REPORTS_TARGETS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'regionCode', 'metric', 'fromYear', 'toYear', 'targetValue', 'comparison', 'citation'],
  properties: {
    id: { type: 'integer' },
    regionCode: { type: 'string' },
    metric: { type: 'string' },
    fromYear: { type: 'number' },
    toYear: { type: 'number' },
    targetValue: { type: 'number' },
    comparison: { type: 'string' },
    citation: {
      type: 'object',
      additionalProperties: true,
      required: ['doc', 'article'],
      properties: { doc: { type: 'string' }, article: { type: 'string' } },
    },
  },
} as const;

/** GET /api/public/disclosure → 200 */
export const GET_PUBLIC_DISCLOSURE_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['regionCode', 'regionName', 'year', 'unit', 'minPersons', 'items'],
  properties: {
    regionCode: { type: 'string' },
    regionName: { type: 'string' },
    year: { type: 'integer' },
    unit: { type: 'string' },
    minPersons: { type: 'number' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: [
          'regionCode',
          'regionName',
          'quarter',
          'allocatedFen',
          'personTimes',
          'paidFen',
          'isSuppressed',
        ],
        properties: {
          regionCode: { type: 'string' },
          regionName: { type: 'string' },
          quarter: { type: 'integer' },
          allocatedFen: { type: 'integer' },
          personTimes: { type: 'integer', nullable: true },
          paidFen: { type: 'integer', nullable: true },
          isSuppressed: { type: 'boolean' },
        },
      },
    },
  },
} as const;
