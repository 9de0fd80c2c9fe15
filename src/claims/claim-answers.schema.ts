/**
 * Response schemas of claim.routes.ts: what each route answers, written from what its
 * handler returns. Objects allow properties beyond those listed (`additionalProperties: true`):
 * Fastify serialises through these schemas and would otherwise drop a field the handler returns.
 */

/** POST /api/claims/:id/attachments → 201 */
export const POST_CLAIMS_BY_ID_ATTACHMENTS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'materialCode', 'sha256', 'sizeBytes'],
  properties: {
    id: { type: 'integer' },
    materialCode: { type: 'string' },
    sha256: { type: 'string' },
    sizeBytes: { type: 'number' },
  },
} as const;
