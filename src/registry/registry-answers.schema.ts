import { pageSchemaOf } from '../shared/schemas.ts';

/**
 * Response schemas of registry.routes.ts: what each route answers, written from what its
 * handler returns. Objects allow properties beyond those listed (`additionalProperties: true`):
 * Fastify serialises through these schemas and would otherwise drop a field the handler returns.
 */

/** GET /api/occupations → 200 */
export const GET_OCCUPATIONS_ANSWER = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: ['code', 'name', 'majorCategory', 'parentCode'],
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    majorCategory: { type: 'number' },
    parentCode: { type: 'string', nullable: true },
  },
} as const);

/** POST /api/organisations → 201 */
export const POST_ORGANISATIONS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'regionCode',
    'kind',
    'name',
    'creditCode',
    'status',
    'statusSince',
    'enterpriseSize',
    'employerFlags',
    'licenceNumber',
    'licenceValidTo',
    'allowedOccupationCodes',
    'capacity',
    'contactName',
    'contactPhone',
    'createdAt',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    regionCode: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    creditCode: { type: 'string' },
    status: { type: 'string' },
    statusSince: { type: 'string' },
    enterpriseSize: { type: 'string', nullable: true },
    employerFlags: { type: 'array', items: { type: 'string' } },
    licenceNumber: {},
    licenceValidTo: {},
    allowedOccupationCodes: { type: 'array', items: {} },
    capacity: {},
    contactName: {},
    contactPhone: {},
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** GET /api/organisations → 200 */
export const GET_ORGANISATIONS_ANSWER = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'regionCode',
    'kind',
    'name',
    'creditCode',
    'status',
    'statusSince',
    'enterpriseSize',
    'employerFlags',
    'licenceNumber',
    'licenceValidTo',
    'allowedOccupationCodes',
    'capacity',
    'contactName',
    'contactPhone',
    'createdAt',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    regionCode: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    creditCode: { type: 'string' },
    status: { type: 'string' },
    statusSince: { type: 'string' },
    enterpriseSize: { type: 'string', nullable: true },
    employerFlags: { type: 'array', items: { type: 'string' } },
    licenceNumber: { type: 'string', nullable: true },
    licenceValidTo: {},
    allowedOccupationCodes: { type: 'array', items: { type: 'string' } },
    capacity: { type: 'number', nullable: true },
    contactName: {},
    contactPhone: {},
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const);

/** POST /api/organisations/:id/operators → 201 */
export const POST_ORGANISATIONS_BY_ID_OPERATORS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['userId', 'role'],
  properties: { userId: { type: 'integer' }, role: { type: 'string' } },
} as const;

/** POST /api/catalog/versions → 201 */
export const POST_CATALOG_VERSIONS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'regionCode',
    'versionNumber',
    'title',
    'status',
    'effectiveFrom',
    'effectiveTo',
    'citation',
    'publishedAt',
    'entries',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    regionCode: { type: 'string' },
    versionNumber: { type: 'integer' },
    title: { type: 'string' },
    status: { type: 'string' },
    effectiveFrom: { type: 'string' },
    effectiveTo: {},
    citation: {
      type: 'object',
      additionalProperties: true,
      required: ['document', 'article'],
      properties: { document: { type: 'string' }, article: { type: 'string' } },
    },
    publishedAt: {},
    entries: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: [
          'id',
          'versionId',
          'occupationCode',
          'level',
          'standardAmountFen',
          'standardDays',
          'standardClassHours',
          'effectiveFrom',
          'effectiveTo',
          'citation',
          'isShortage',
          'isNewOccupation',
        ],
        properties: {
          id: { type: 'integer' },
          versionId: { type: 'integer' },
          occupationCode: { type: 'string' },
          level: { type: 'string' },
          standardAmountFen: { type: 'integer' },
          standardDays: { type: 'integer' },
          standardClassHours: { type: 'integer' },
          effectiveFrom: { type: 'string' },
          effectiveTo: {},
          citation: {
            type: 'object',
            additionalProperties: true,
            required: ['document', 'article'],
            properties: { document: { type: 'string' }, article: { type: 'string' } },
          },
          isShortage: { type: 'boolean' },
          isNewOccupation: { type: 'boolean' },
        },
      },
    },
  },
} as const;

/** POST /api/catalog/evaluation-organisations → 201 */
export const POST_CATALOG_EVALUATION_ORGANISATIONS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'organisationId',
    'organisationName',
    'occupationCode',
    'level',
    'regionCode',
    'validFrom',
    'validTo',
    'status',
    'withdrawnOn',
    'withdrawalReason',
  ],
  properties: {
    id: { type: 'integer' },
    organisationId: { type: 'integer' },
    organisationName: { type: 'string' },
    occupationCode: { type: 'string' },
    level: { type: 'string' },
    regionCode: { type: 'string' },
    validFrom: { type: 'string' },
    validTo: {},
    status: { type: 'string' },
    withdrawnOn: {},
    withdrawalReason: {},
  },
} as const;

/** GET /api/catalog/institutions → 200 */
export const GET_CATALOG_INSTITUTIONS_ANSWER = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'institutionId',
    'occupationCode',
    'level',
    'regionCode',
    'validFrom',
    'validTo',
    'status',
    'withdrawnOn',
    'withdrawalReason',
  ],
  properties: {
    id: { type: 'integer' },
    institutionId: { type: 'integer' },
    occupationCode: { type: 'string' },
    level: { type: 'string' },
    regionCode: { type: 'string' },
    validFrom: { type: 'string' },
    validTo: { type: 'string', nullable: true },
    status: { type: 'string' },
    withdrawnOn: {},
    withdrawalReason: {},
  },
} as const);
