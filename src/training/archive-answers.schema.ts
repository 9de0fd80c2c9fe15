import { PERSON_SCHEMA } from '../registry/registry.schema.ts';
import { CERTIFICATE_TYPE_SCHEMA, DATE_TIME, NULLABLE_INTEGER, NULLABLE_STRING } from '../shared/schemas.ts';
import { CERTIFICATE_SCHEMA } from './assessment-answers.schema.ts';

/**
 * Response schemas of the archive and certificate-verification routes of training.routes.ts,
 * written from the types their handlers return (nullable where the type says so). Objects allow
 * properties beyond those listed (`additionalProperties: true`): Fastify serialises through these
 * schemas and would otherwise drop a field the handler returns.
 */

/** What the public learns of a certificate it verifies (`CertificateVerification`). */
export const CERTIFICATE_VERIFICATION_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['valid'],
  properties: {
    valid: { type: 'boolean' },
    certificateType: CERTIFICATE_TYPE_SCHEMA,
    level: NULLABLE_STRING,
    issuer: { type: 'string' },
    isRevoked: { type: 'boolean' },
    revokedOn: { type: 'string' },
    revocationReason: { type: 'string' },
  },
} as const;

/** A class in a worker's archive: attendance, credited hours and result (`ArchiveClass`). */
export const ARCHIVE_CLASS_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'classId',
    'classCode',
    'name',
    'occupationCode',
    'level',
    'institutionId',
    'institutionName',
    'regionCode',
    'startsAt',
    'endsAt',
    'status',
    'isFiled',
    'attendance',
    'creditedClassHours',
    'result',
  ],
  properties: {
    classId: { type: 'integer' },
    classCode: NULLABLE_STRING,
    name: { type: 'string' },
    occupationCode: { type: 'string' },
    level: { type: 'string' },
    institutionId: { type: 'integer' },
    institutionName: NULLABLE_STRING,
    regionCode: { type: 'string' },
    startsAt: DATE_TIME,
    endsAt: DATE_TIME,
    status: { type: 'string', enum: ['filed', 'approved', 'rejected', 'completed', 'cancelled'] },
    isFiled: { type: 'boolean' },
    attendance: {
      type: 'object',
      additionalProperties: true,
      required: [
        'scheduledClassHours',
        'offlineClassHours',
        'onlineClassHours',
        'attendedClassHours',
        'attendanceRate',
        'sessionsAttended',
      ],
      properties: {
        scheduledClassHours: { type: 'integer' },
        offlineClassHours: { type: 'integer' },
        onlineClassHours: { type: 'integer' },
        attendedClassHours: { type: 'integer' },
        attendanceRate: { type: 'number' },
        sessionsAttended: { type: 'number' },
      },
    },
    creditedClassHours: { type: 'integer' },
    result: {
      type: 'object',
      additionalProperties: true,
      required: ['score', 'isPassed', 'examDate'],
      properties: {
        score: { type: 'number' },
        isPassed: { type: 'boolean' },
        examDate: { type: 'string' },
      },
      nullable: true,
    },
  },
} as const;

/** A subsidy in a worker's archive (`ArchiveSubsidy`). */
export const ARCHIVE_SUBSIDY_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'claimId',
    'claimNumber',
    'status',
    'subsidyKind',
    'amountFen',
    'paidOn',
    'classId',
    'certificateId',
  ],
  properties: {
    claimId: { type: 'integer' },
    claimNumber: { type: 'string' },
    status: { type: 'string' },
    subsidyKind: { type: 'string' },
    amountFen: { type: 'integer' },
    paidOn: NULLABLE_STRING,
    classId: NULLABLE_INTEGER,
    certificateId: NULLABLE_INTEGER,
  },
} as const;

/** A worker's archive (培训档案): the person, classes, certificates, subsidies and credited hours. */
export const ARCHIVE_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['person', 'classes', 'certificates', 'subsidies', 'credits'],
  properties: {
    person: PERSON_SCHEMA,
    classes: { type: 'array', items: ARCHIVE_CLASS_SCHEMA },
    certificates: { type: 'array', items: CERTIFICATE_SCHEMA },
    subsidies: { type: 'array', items: ARCHIVE_SUBSIDY_SCHEMA },
    credits: {
      type: 'object',
      additionalProperties: true,
      required: [
        'offlineClassHours',
        'onlineClassHours',
        'creditedOnlineClassHours',
        'totalCreditedClassHours',
      ],
      properties: {
        offlineClassHours: { type: 'integer' },
        onlineClassHours: { type: 'integer' },
        creditedOnlineClassHours: { type: 'integer' },
        totalCreditedClassHours: { type: 'integer' },
      },
    },
  },
} as const;
