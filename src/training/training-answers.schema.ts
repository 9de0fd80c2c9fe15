import { DATE_TIME, NULLABLE_INTEGER, NULLABLE_STRING, pageSchemaOf } from '../shared/schemas.ts';
import { CERTIFICATE_SCHEMA } from './assessment-answers.schema.ts';

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
    enrolledAt: DATE_TIME,
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
        enrolledAt: DATE_TIME,
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
        createdAt: DATE_TIME,
        groups: { type: 'array', items: {} },
      },
    },
  },
} as const);

/** POST /api/classes/:id/roster/import → 200 */
export const POST_CLASSES_BY_ID_ROSTER_IMPORT_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['totalRows', 'validRows', 'rejected', 'warnings', 'isWritten', 'enrolled', 'registered'],
  properties: {
    totalRows: { type: 'integer' },
    validRows: { type: 'integer' },
    /** Valid rows whose claimed 人员类别 is not certified for the person (imported all the same). */
    warnings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['rowNumber', 'name', 'idNumber', 'column', 'code', 'message'],
        properties: {
          rowNumber: { type: 'integer' },
          name: { type: 'string' },
          idNumber: { type: 'string' },
          column: { type: 'string' },
          code: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
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
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                column: { type: 'string' },
              },
            },
          },
        },
      },
    },
    isWritten: { type: 'boolean' },
    enrolled: { type: 'integer' },
    registered: { type: 'integer' },
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

/** POST /api/certificates → 201: the certificate as stored. */
export const POST_CERTIFICATES_ANSWER = CERTIFICATE_SCHEMA;

/** GET /api/certificates → 200 */
export const GET_CERTIFICATES_ANSWER = pageSchemaOf(CERTIFICATE_SCHEMA);

const CLASS_SUMMARY_PROPERTIES = {
  id: { type: 'integer' },
  provinceCode: { type: 'string' },
  regionCode: { type: 'string' },
  institutionId: { type: 'integer' },
  /** 班级编码, given on approval. */
  classCode: NULLABLE_STRING,
  name: { type: 'string' },
  occupationCode: { type: 'string' },
  level: { type: 'string' },
  subsidyKind: { type: 'string' },
  catalogEntryId: NULLABLE_INTEGER,
  capacity: { type: 'integer' },
  startsAt: DATE_TIME,
  endsAt: DATE_TIME,
  /** The teaching plan as filed (free-form). */
  teachingPlan: {},
  teachers: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: true,
      required: ['name'],
      properties: {
        name: { type: 'string' },
        qualification: { type: 'string' },
        certificateNumber: { type: 'string' },
      },
    },
  },
  /** The assessment plan as filed (free-form). */
  assessmentPlan: {},
  status: { type: 'string', enum: ['filed', 'approved', 'rejected', 'completed', 'cancelled'] },
  filedAt: { type: 'string', format: 'date-time', description: '记录时间（系统时钟）' },
  filedOn: {
    type: 'string',
    nullable: true,
    description: '备案申请日期（业务日期）；早于该字段启用的记录为 null',
  },
  approvedAt: { type: 'string', format: 'date-time', nullable: true },
  decisionNote: NULLABLE_STRING,
  /** 开班备案: approved strictly before the class started; only filed classes can be paid. */
  isFiled: { type: 'boolean' },
} as const;

const CLASS_SUMMARY_REQUIRED = [
  'id',
  'provinceCode',
  'regionCode',
  'institutionId',
  'classCode',
  'name',
  'occupationCode',
  'level',
  'subsidyKind',
  'catalogEntryId',
  'capacity',
  'startsAt',
  'endsAt',
  'teachingPlan',
  'teachers',
  'assessmentPlan',
  'status',
  'filedAt',
  'filedOn',
  'approvedAt',
  'decisionNote',
  'isFiled',
] as const;

/** GET /api/classes → 200: classes without their sessions. */
export const CLASS_PAGE_SCHEMA = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: CLASS_SUMMARY_REQUIRED,
  properties: CLASS_SUMMARY_PROPERTIES,
} as const);

/** A class with its sessions (`TrainingClass` of class.service.ts). */
export const TRAINING_CLASS_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [...CLASS_SUMMARY_REQUIRED, 'sessions'],
  properties: {
    ...CLASS_SUMMARY_PROPERTIES,
    sessions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['id', 'sessionNumber', 'startsAt', 'endsAt', 'mode', 'classHours', 'topic', 'location'],
        properties: {
          id: { type: 'integer' },
          sessionNumber: { type: 'integer' },
          startsAt: DATE_TIME,
          endsAt: DATE_TIME,
          mode: { type: 'string', enum: ['offline', 'online'] },
          classHours: { type: 'number' },
          topic: { type: 'string' },
          location: NULLABLE_STRING,
        },
      },
    },
  },
} as const;
