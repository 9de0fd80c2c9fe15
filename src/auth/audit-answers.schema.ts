import { pageSchemaOf } from '../shared/schemas.ts';

/**
 * Response schemas of audit.routes.ts, written from `AuditEntryView` (audit.service.ts): every
 * field the handler always returns is required, so the generated web types are not all optional.
 */

/** One audit entry as an auditor reads it (personal data in `before`/`after` masked). */
export const AUDIT_ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'provinceCode',
    'occurredAt',
    'actorUserId',
    'actorRole',
    'actorLoginName',
    'actorDisplayName',
    'ip',
    'action',
    'objectType',
    'objectId',
    'outcome',
    'before',
    'after',
    'requestId',
    'hash',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    occurredAt: { type: 'string', format: 'date-time' },
    actorUserId: { type: ['integer', 'null'] },
    actorRole: { type: ['string', 'null'] },
    actorLoginName: { type: ['string', 'null'] },
    actorDisplayName: { type: ['string', 'null'] },
    ip: { type: ['string', 'null'] },
    action: { type: 'string' },
    objectType: { type: 'string' },
    objectId: { type: ['string', 'null'] },
    outcome: { type: 'string', enum: ['success', 'denied', 'failure'] },
    before: {},
    after: {},
    requestId: { type: ['string', 'null'] },
    hash: { type: 'string' },
  },
} as const;

/** GET /api/audit/entries → 200 */
export const GET_AUDIT_ENTRIES_ANSWER = pageSchemaOf(AUDIT_ENTRY_SCHEMA);
