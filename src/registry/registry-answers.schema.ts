import { LEVEL_SCHEMA, pageSchemaOf } from '../shared/schemas.ts';

/**
 * Response schemas of registry.routes.ts: what each route answers, written from the types its
 * handler returns (nullable where the type says so). Objects allow properties beyond those listed
 * (`additionalProperties: true`): Fastify serialises through these schemas and would otherwise
 * drop a field the handler returns.
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

/** An organisation (`Organisation`, organisation.service.ts). */
export const ORGANISATION_SCHEMA = {
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
    kind: {
      type: 'string',
      enum: ['institution', 'enterprise', 'evaluation_org', 'review_agency'],
    },
    name: { type: 'string' },
    creditCode: { type: 'string' },
    status: { type: 'string', enum: ['suspended', 'blacklisted', 'active', 'revoked'] },
    statusSince: { type: 'string' },
    enterpriseSize: { type: 'string', enum: ['small', 'micro', 'medium', 'large', null], nullable: true },
    employerFlags: { type: 'array', items: { type: 'string' } },
    licenceNumber: { type: 'string', nullable: true },
    licenceValidTo: { type: 'string', nullable: true },
    allowedOccupationCodes: { type: 'array', items: { type: 'string' } },
    capacity: { type: 'number', nullable: true },
    contactName: { type: 'string', nullable: true },
    contactPhone: { type: 'string', nullable: true },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** One change of an organisation's status. */
export const ORGANISATION_STATUS_HISTORY_ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['fromStatus', 'toStatus', 'effectiveDate', 'reason', 'changedByUserId', 'recordedAt'],
  properties: {
    fromStatus: { type: 'string' },
    toStatus: { type: 'string' },
    effectiveDate: { type: 'string' },
    reason: { type: 'string' },
    changedByUserId: { type: 'integer', nullable: true },
    recordedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** GET /api/organisations/:id → 200: the organisation with its status history. */
export const GET_ORGANISATIONS_BY_ID_ANSWER = {
  ...ORGANISATION_SCHEMA,
  required: [...ORGANISATION_SCHEMA.required, 'statusHistory'],
  properties: {
    ...ORGANISATION_SCHEMA.properties,
    statusHistory: { type: 'array', items: ORGANISATION_STATUS_HISTORY_ENTRY_SCHEMA },
  },
} as const;

/** POST /api/organisations → 201 */
export const POST_ORGANISATIONS_ANSWER = ORGANISATION_SCHEMA;

/** GET /api/organisations → 200 */
export const GET_ORGANISATIONS_ANSWER = pageSchemaOf(ORGANISATION_SCHEMA);

/** POST /api/organisations/:id/operators → 201 */
export const POST_ORGANISATIONS_BY_ID_OPERATORS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['userId', 'role'],
  properties: { userId: { type: 'integer' }, role: { type: 'string' } },
} as const;

/** Where a catalog says it (document and article). */
export const CITATION_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['document', 'article'],
  properties: { document: { type: 'string' }, article: { type: 'string' } },
} as const;

/** One entry of a training-project catalog (`CatalogEntry`). */
export const CATALOG_ENTRY_SCHEMA = {
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
    'status',
    'withdrawnOn',
    'withdrawalReason',
  ],
  properties: {
    id: { type: 'integer' },
    versionId: { type: 'integer' },
    occupationCode: { type: 'string' },
    level: LEVEL_SCHEMA,
    standardAmountFen: { type: 'integer' },
    standardDays: { type: 'integer' },
    standardClassHours: { type: 'integer' },
    effectiveFrom: { type: 'string' },
    effectiveTo: { type: 'string', nullable: true },
    citation: CITATION_SCHEMA,
    isShortage: { type: 'boolean' },
    isNewOccupation: { type: 'boolean' },
    status: { type: 'string', enum: ['active', 'withdrawn'] },
    withdrawnOn: { type: 'string', nullable: true },
    withdrawalReason: { type: 'string', nullable: true },
  },
} as const;

/** A catalog version without its entries (`Omit<CatalogVersion, 'entries'>`, catalog.service.ts). */
export const CATALOG_VERSION_SUMMARY_SCHEMA = {
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
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    regionCode: { type: 'string' },
    versionNumber: { type: 'integer' },
    title: { type: 'string' },
    status: { type: 'string', enum: ['draft', 'published', 'superseded'] },
    effectiveFrom: { type: 'string' },
    effectiveTo: { type: 'string', nullable: true },
    citation: CITATION_SCHEMA,
    publishedAt: { type: 'string', format: 'date-time', nullable: true },
  },
} as const;

/** A catalog version with its entries (`CatalogVersion`, catalog.service.ts). */
export const CATALOG_VERSION_SCHEMA = {
  ...CATALOG_VERSION_SUMMARY_SCHEMA,
  required: [...CATALOG_VERSION_SUMMARY_SCHEMA.required, 'entries'],
  properties: {
    ...CATALOG_VERSION_SUMMARY_SCHEMA.properties,
    entries: { type: 'array', items: CATALOG_ENTRY_SCHEMA },
  },
} as const;

/** An entry of the published catalog as the public reads it. */
export const PUBLIC_CATALOG_ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['occupationCode', 'occupationName', 'level', 'standardAmountFen', 'citation', 'version'],
  properties: {
    occupationCode: { type: 'string' },
    occupationName: { type: 'string' },
    level: LEVEL_SCHEMA,
    standardAmountFen: { type: 'integer' },
    citation: CITATION_SCHEMA,
    version: {
      type: 'object',
      additionalProperties: true,
      required: ['id', 'versionNumber', 'title', 'regionCode', 'effectiveFrom'],
      properties: {
        id: { type: 'integer' },
        versionNumber: { type: 'integer' },
        title: { type: 'string' },
        regionCode: { type: 'string' },
        effectiveFrom: { type: 'string' },
      },
    },
  },
} as const;

/** An entry of the institution catalog as the public reads it. */
export const PUBLIC_INSTITUTION_CATALOG_ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'institutionName',
    'occupationCode',
    'occupationName',
    'level',
    'regionCode',
    'validFrom',
    'validTo',
  ],
  properties: {
    id: { type: 'integer' },
    institutionName: { type: 'string' },
    occupationCode: { type: 'string' },
    occupationName: { type: 'string', nullable: true },
    level: LEVEL_SCHEMA,
    regionCode: { type: 'string' },
    validFrom: { type: 'string' },
    validTo: { type: 'string', nullable: true },
  },
} as const;

/** An entry of the institution catalog (`InstitutionCatalogEntry`). */
export const INSTITUTION_CATALOG_ENTRY_SCHEMA = {
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
    level: LEVEL_SCHEMA,
    regionCode: { type: 'string' },
    validFrom: { type: 'string' },
    validTo: { type: 'string', nullable: true },
    status: { type: 'string', enum: ['suspended', 'active', 'withdrawn'] },
    withdrawnOn: { type: 'string', nullable: true },
    withdrawalReason: { type: 'string', nullable: true },
  },
} as const;

/** An entry of the evaluation-organisation catalog (`EvaluationCatalogEntry`). */
export const EVALUATION_CATALOG_ENTRY_SCHEMA = {
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
    level: LEVEL_SCHEMA,
    regionCode: { type: 'string' },
    validFrom: { type: 'string' },
    validTo: { type: 'string', nullable: true },
    status: { type: 'string', enum: ['suspended', 'active', 'withdrawn'] },
    withdrawnOn: { type: 'string', nullable: true },
    withdrawalReason: { type: 'string', nullable: true },
  },
} as const;

/** POST /api/catalog/versions → 201 (also the answer of PUT …/:id) */
export const POST_CATALOG_VERSIONS_ANSWER = CATALOG_VERSION_SCHEMA;

/** POST /api/catalog/evaluation-organisations → 201 */
export const POST_CATALOG_EVALUATION_ORGANISATIONS_ANSWER = EVALUATION_CATALOG_ENTRY_SCHEMA;

/** GET /api/catalog/institutions → 200 */
export const GET_CATALOG_INSTITUTIONS_ANSWER = pageSchemaOf(INSTITUTION_CATALOG_ENTRY_SCHEMA);

/** GET /api/catalog/evaluation-organisations → 200 */
export const GET_CATALOG_EVALUATION_ORGANISATIONS_ANSWER = pageSchemaOf(EVALUATION_CATALOG_ENTRY_SCHEMA);

/** GET /api/catalog/versions → 200 */
export const GET_CATALOG_VERSIONS_ANSWER = pageSchemaOf(CATALOG_VERSION_SUMMARY_SCHEMA);

/** GET /api/public/catalog-entries → 200 */
export const GET_PUBLIC_CATALOG_ENTRIES_ANSWER = pageSchemaOf(PUBLIC_CATALOG_ENTRY_SCHEMA);

/** GET /api/public/institution-catalog → 200 */
export const GET_PUBLIC_INSTITUTION_CATALOG_ANSWER = pageSchemaOf(PUBLIC_INSTITUTION_CATALOG_ENTRY_SCHEMA);

/** GET /api/admin/organisation-choices → 200: organisations to bind an account to, by name. */
export const ORGANISATION_CHOICES_ANSWER = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'kind', 'regionCode'],
        properties: {
          id: { type: 'integer' },
          name: { type: 'string' },
          kind: { type: 'string', enum: ['enterprise', 'institution', 'evaluation_org', 'review_agency'] },
          regionCode: { type: 'string' },
        },
      },
    },
  },
} as const;

/** GET /api/admin/person-choices → 200: persons to bind a worker's account to (ID number masked). */
export const PERSON_CHOICES_ANSWER = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'idNumber', 'registeringRegionCode'],
        properties: {
          id: { type: 'integer' },
          name: { type: 'string' },
          idNumber: { type: 'string', description: '脱敏的公民身份号码' },
          registeringRegionCode: { type: 'string' },
        },
      },
    },
  },
} as const;
