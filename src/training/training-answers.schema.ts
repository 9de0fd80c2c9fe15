import { pageSchemaOf } from '../shared/schemas.ts';

/**
 * Response schemas of training.routes.ts: what each route answers, written from what its
 * handler returns. Objects allow properties beyond those listed (`additionalProperties: true`):
 * Fastify serialises through these schemas and would otherwise drop a field the handler returns.
 */

/** POST /api/classes/:id/enrolments → 201 */
export const POST_CLASSES_BY_ID_ENROLMENTS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'classId', 'personId', 'status', 'enrolledAt'],
  properties: {
    id: { type: 'integer' },
    classId: { type: 'integer' },
    personId: { type: 'integer' },
    status: { type: 'string' },
    enrolledAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** GET /api/classes/:id/enrolments → 200 */
export const GET_CLASSES_BY_ID_ENROLMENTS_ANSWER = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: ['enrolment', 'person'],
  properties: {
    enrolment: {
      type: 'object',
      additionalProperties: true,
      required: ['id', 'classId', 'personId', 'status', 'enrolledAt'],
      properties: {
        id: { type: 'integer' },
        classId: { type: 'integer' },
        personId: { type: 'integer' },
        status: { type: 'string' },
        enrolledAt: { type: 'string', format: 'date-time' },
      },
    },
    person: {
      type: 'object',
      additionalProperties: true,
      required: [
        'id',
        'provinceCode',
        'registeringRegionCode',
        'idNumber',
        'name',
        'sex',
        'birthDate',
        'phone',
        'householdRegionCode',
        'pensionStatus',
        'isFullTimeStudent',
        'createdAt',
        'groups',
      ],
      properties: {
        id: { type: 'integer' },
        provinceCode: { type: 'string' },
        registeringRegionCode: { type: 'string' },
        idNumber: { type: 'string' },
        name: { type: 'string' },
        sex: { type: 'string' },
        birthDate: { type: 'string' },
        phone: {},
        householdRegionCode: {},
        pensionStatus: { type: 'string' },
        isFullTimeStudent: { type: 'boolean' },
        createdAt: { type: 'string', format: 'date-time' },
        groups: { type: 'array', items: {} },
      },
    },
  },
} as const);

/** POST /api/classes/:id/roster/import → 200 */
export const POST_CLASSES_BY_ID_ROSTER_IMPORT_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['totalRows', 'validRows', 'rejected', 'isWritten', 'enrolled', 'registered'],
  properties: {
    totalRows: { type: 'number' },
    validRows: { type: 'number' },
    rejected: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['rowNumber', 'name', 'idNumber', 'reasons'],
        properties: {
          rowNumber: { type: 'integer' },
          name: { type: 'string' },
          idNumber: { type: 'string' },
          reasons: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: true,
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
    isWritten: { type: 'boolean' },
    enrolled: { type: 'number' },
    registered: { type: 'number' },
  },
} as const;

/** POST /api/classes/:id/attendance → 200 */
export const POST_CLASSES_BY_ID_ATTENDANCE_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['recorded'],
  properties: { recorded: { type: 'number' } },
} as const;

/** POST /api/classes/:id/attendance/import → 200 */
export const POST_CLASSES_BY_ID_ATTENDANCE_IMPORT_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['totalRows', 'validRows', 'rejected', 'isWritten', 'recorded'],
  properties: {
    totalRows: { type: 'number' },
    validRows: { type: 'number' },
    rejected: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['rowNumber', 'reasons'],
        properties: {
          rowNumber: { type: 'integer' },
          reasons: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: true,
              required: ['field', 'message'],
              properties: { field: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
    isWritten: { type: 'boolean' },
    recorded: { type: 'number' },
  },
} as const;

/** GET /api/classes/:id/attendance → 200 */
export const GET_CLASSES_BY_ID_ATTENDANCE_ANSWER = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: [
    'personId',
    'scheduledClassHours',
    'offlineClassHours',
    'onlineClassHours',
    'attendedClassHours',
    'attendanceRate',
    'sessionsAttended',
  ],
  properties: {
    personId: { type: 'integer' },
    scheduledClassHours: { type: 'integer' },
    offlineClassHours: { type: 'integer' },
    onlineClassHours: { type: 'integer' },
    attendedClassHours: { type: 'integer' },
    attendanceRate: { type: 'number' },
    sessionsAttended: { type: 'number' },
  },
} as const);

/** POST /api/classes/:id/results → 200 */
export const POST_CLASSES_BY_ID_RESULTS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['classId', 'personId', 'score', 'isPassed', 'examDate'],
  properties: {
    classId: { type: 'integer' },
    personId: { type: 'integer' },
    score: { type: 'number' },
    isPassed: { type: 'boolean' },
    examDate: { type: 'string' },
  },
} as const;

/** GET /api/classes/:id/results → 200 */
export const GET_CLASSES_BY_ID_RESULTS_ANSWER = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: ['classId', 'personId', 'score', 'isPassed', 'examDate'],
  properties: {
    classId: { type: 'integer' },
    personId: { type: 'integer' },
    score: { type: 'number' },
    isPassed: { type: 'boolean' },
    examDate: { type: 'string' },
  },
} as const);

/** POST /api/certificates → 201 */
export const POST_CERTIFICATES_ANSWER = {
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
    classId: { type: 'integer', nullable: true },
    certificateType: { type: 'string' },
    level: { type: 'string', nullable: true },
    occupationCode: { type: 'string', nullable: true },
    certificateNumber: { type: 'string' },
    issuer: { type: 'string' },
    issuerOrganisationId: { type: 'integer', nullable: true },
    issuedOn: { type: 'string' },
    revokedOn: {},
    revocationReason: {},
    assessmentId: { type: 'integer', nullable: true },
  },
} as const;

/** GET /api/certificates → 200 */
export const GET_CERTIFICATES_ANSWER = pageSchemaOf({
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
    classId: { type: 'integer', nullable: true },
    certificateType: { type: 'string' },
    level: { type: 'string', nullable: true },
    occupationCode: { type: 'string', nullable: true },
    certificateNumber: { type: 'string' },
    issuer: { type: 'string' },
    issuerOrganisationId: { type: 'integer', nullable: true },
    issuedOn: { type: 'string' },
    revokedOn: {},
    revocationReason: {},
    assessmentId: { type: 'integer', nullable: true },
  },
} as const);
