/**
 * Response schemas of supervision.routes.ts: what each route answers, written from what its
 * handler returns. Objects allow properties beyond those listed (`additionalProperties: true`):
 * Fastify serialises through these schemas and would otherwise drop a field the handler returns.
 */

/** GET /api/supervision/rules → 200 */
export const GET_SUPERVISION_RULES_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['blockThreshold', 'items'],
  properties: {
    blockThreshold: { type: 'number' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['code', 'label', 'baseScore', 'subject', 'basis'],
        properties: {
          code: { type: 'string' },
          label: { type: 'string' },
          baseScore: { type: 'number' },
          subject: { type: 'string' },
          basis: { type: 'string' },
        },
      },
    },
  },
} as const;

/** POST /api/supervision/reference-lists → 201 */
export const POST_SUPERVISION_REFERENCE_LISTS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'provinceCode', 'source', 'title', 'asOf', 'rowCount', 'importedAt'],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    source: { type: 'string' },
    title: { type: 'string' },
    asOf: { type: 'string' },
    rowCount: { type: 'integer' },
    importedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** POST /api/supervision/sanctions → 201 */
export const POST_SUPERVISION_SANCTIONS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'organisationId',
    'organisationKind',
    'caseId',
    'action',
    'effectiveDate',
    'reason',
    'decidedAt',
    'appealStatus',
    'appealFiledOn',
    'appealGrounds',
    'appealDecision',
    'appealDecidedAt',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    organisationId: { type: 'integer' },
    organisationKind: { type: 'string' },
    caseId: {},
    action: { type: 'string' },
    effectiveDate: { type: 'string' },
    reason: { type: 'string' },
    decidedAt: { type: 'string', format: 'date-time' },
    appealStatus: { type: 'string' },
    appealFiledOn: {},
    appealGrounds: {},
    appealDecision: {},
    appealDecidedAt: {},
  },
} as const;

/** POST /api/supervision/agency-contracts → 201 */
export const POST_SUPERVISION_AGENCY_CONTRACTS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'agencyId',
    'contractNumber',
    'regionCodes',
    'startsOn',
    'endsOn',
    'status',
    'terminatedOn',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    agencyId: { type: 'integer' },
    contractNumber: { type: 'string' },
    regionCodes: { type: 'array', items: { type: 'string' } },
    startsOn: { type: 'string' },
    endsOn: { type: 'string' },
    status: { type: 'string' },
    terminatedOn: {},
  },
} as const;

/** POST /api/supervision/agency-evaluations → 201 */
export const POST_SUPERVISION_AGENCY_EVALUATIONS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'agencyId',
    'periodStart',
    'periodEnd',
    'reviewedClaims',
    'missedFraudClaims',
    'officerScore',
    'overallScore',
    'conclusion',
    'comments',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    agencyId: { type: 'integer' },
    periodStart: { type: 'string' },
    periodEnd: { type: 'string' },
    reviewedClaims: { type: 'number' },
    missedFraudClaims: { type: 'number' },
    officerScore: { type: 'number' },
    overallScore: { type: 'number' },
    conclusion: { type: 'string' },
    comments: { type: 'string' },
  },
} as const;
