/**
 * Response schemas of assessment.routes.ts: what each route answers, written from what its
 * handler returns. Objects allow properties beyond those listed (`additionalProperties: true`):
 * Fastify serialises through these schemas and would otherwise drop a field the handler returns.
 */

/** POST /api/assessments → 201 */
export const POST_ASSESSMENTS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'organisationId', 'occupationCode', 'level', 'assessedOn', 'candidates', 'passed'],
  properties: {
    id: { type: 'integer' },
    organisationId: { type: 'integer' },
    occupationCode: { type: 'string' },
    level: { type: 'string' },
    assessedOn: { type: 'string' },
    candidates: { type: 'number' },
    passed: { type: 'number' },
  },
} as const;

/** POST /api/assessments/:id/results → 201 */
export const POST_ASSESSMENTS_BY_ID_RESULTS_ANSWER = {
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
