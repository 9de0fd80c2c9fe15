import {
  CERTIFICATE_TYPE_SCHEMA,
  LEVEL_SCHEMA,
  listSchemaOf,
  NULLABLE_INTEGER,
  NULLABLE_STRING,
  pageSchemaOf,
} from '../shared/schemas.ts';

/**
 * Response schemas of assessment.routes.ts: what each route answers, written from the types its
 * handler returns (nullable where the type says so). Objects allow properties beyond those listed
 * (`additionalProperties: true`): Fastify serialises through these schemas and would otherwise
 * drop a field the handler returns.
 */

/** An assessment (考核) of an evaluation organisation (`Assessment`). */
export const ASSESSMENT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'organisationId', 'occupationCode', 'level', 'assessedOn', 'candidates', 'passed'],
  properties: {
    id: { type: 'integer' },
    organisationId: { type: 'integer' },
    occupationCode: { type: 'string' },
    level: LEVEL_SCHEMA,
    assessedOn: { type: 'string' },
    candidates: { type: 'number' },
    passed: { type: 'number' },
  },
} as const;

/** One candidate's result in an assessment (`AssessmentResult`). */
export const ASSESSMENT_RESULT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['assessmentId', 'personId', 'name', 'score', 'isPassed'],
  properties: {
    assessmentId: { type: 'integer' },
    personId: { type: 'integer' },
    name: { type: 'string' },
    score: { type: 'number' },
    isPassed: { type: 'boolean' },
  },
} as const;

/** A certificate as stored (`Certificate`, certificate.service.ts). */
export const CERTIFICATE_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'personId',
    'classId',
    'certificateType',
    'level',
    'occupationCode',
    'certificateNumber',
    'issuer',
    'issuerOrganisationId',
    'issuedOn',
    'revokedOn',
    'revocationReason',
    'assessmentId',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    personId: { type: 'integer' },
    classId: NULLABLE_INTEGER,
    certificateType: CERTIFICATE_TYPE_SCHEMA,
    level: NULLABLE_STRING,
    occupationCode: NULLABLE_STRING,
    certificateNumber: { type: 'string' },
    issuer: { type: 'string' },
    issuerOrganisationId: NULLABLE_INTEGER,
    issuedOn: { type: 'string' },
    revokedOn: NULLABLE_STRING,
    revocationReason: NULLABLE_STRING,
    assessmentId: NULLABLE_INTEGER,
  },
} as const;

/** POST /api/assessments → 201 */
export const POST_ASSESSMENTS_ANSWER = ASSESSMENT_SCHEMA;

/** GET /api/assessments → 200 */
export const GET_ASSESSMENTS_ANSWER = pageSchemaOf(ASSESSMENT_SCHEMA);

/** POST /api/assessments/:id/results → 201 */
export const POST_ASSESSMENTS_BY_ID_RESULTS_ANSWER = ASSESSMENT_RESULT_SCHEMA;

/** GET /api/assessments/:id/results → 200 */
export const GET_ASSESSMENTS_BY_ID_RESULTS_ANSWER = listSchemaOf(ASSESSMENT_RESULT_SCHEMA);

/** GET /api/evaluation/certificates → 200 */
export const GET_EVALUATION_CERTIFICATES_ANSWER = pageSchemaOf(CERTIFICATE_SCHEMA);
