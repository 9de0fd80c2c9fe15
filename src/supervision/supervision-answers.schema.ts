import { RECOVERY_ORDER_SCHEMA as LEDGER_RECOVERY_ORDER_SCHEMA } from '../ledger/ledger-answers.schema.ts';
import { listSchemaOf, pageSchemaOf } from '../shared/schemas.ts';
import { RULE_CODES } from './risk.rules.ts';

/**
 * Response schemas of supervision.routes.ts: what each route answers, written from the types its
 * handler returns (nullable where the type says so). Objects allow properties beyond those listed
 * (`additionalProperties: true`): Fastify serialises through these schemas and would otherwise
 * drop a field the handler returns.
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

/** RiskAlert (the service's type of that name). */
export const RISK_ALERT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'regionCode',
    'ruleCode',
    'ruleLabel',
    'subjectKey',
    'classId',
    'relatedClassId',
    'claimId',
    'institutionId',
    'personId',
    'score',
    'isBlocking',
    'evidence',
    'status',
    'firstDetectedAt',
    'lastDetectedAt',
    'clearedAt',
    'clearReason',
    'caseId',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    regionCode: { type: 'string' },
    ruleCode: { type: 'string', enum: [...RULE_CODES] },
    ruleLabel: { type: 'string' },
    subjectKey: { type: 'string' },
    classId: { type: 'integer', nullable: true },
    relatedClassId: { type: 'integer', nullable: true },
    claimId: { type: 'integer', nullable: true },
    institutionId: { type: 'integer', nullable: true },
    personId: { type: 'integer', nullable: true },
    score: { type: 'number' },
    isBlocking: { type: 'boolean' },
    evidence: {},
    status: { type: 'string', enum: ['open', 'cleared', 'in_case', 'confirmed'] },
    firstDetectedAt: { type: 'string', format: 'date-time' },
    lastDetectedAt: { type: 'string', format: 'date-time' },
    clearedAt: { type: 'string', format: 'date-time', nullable: true },
    clearReason: { type: 'string', nullable: true },
    caseId: { type: 'integer', nullable: true },
  },
} as const;

/** SweepResult (the service's type of that name). */
export const SWEEP_RESULT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'runId',
    'provinceCode',
    'claimsNewlyBlocked',
    'claimsUnblocked',
    'durationMs',
    'byRule',
    'fingerprintMs',
    'fingerprinted',
    'found',
    'created',
  ],
  properties: {
    runId: { type: 'integer' },
    provinceCode: { type: 'string', nullable: true },
    claimsNewlyBlocked: { type: 'number' },
    claimsUnblocked: { type: 'number' },
    durationMs: { type: 'number' },
    byRule: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: true,
        required: ['found', 'created', 'durationMs'],
        properties: {
          found: { type: 'number' },
          created: { type: 'number' },
          durationMs: { type: 'number' },
        },
      },
    },
    fingerprintMs: { type: 'number' },
    fingerprinted: { type: 'number' },
    found: { type: 'number' },
    created: { type: 'number' },
  },
} as const;

/** ReferenceList (the service's type of that name). */
export const REFERENCE_LIST_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'provinceCode', 'source', 'title', 'asOf', 'rowCount', 'importedAt'],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    source: { type: 'string', enum: ['social_insurance', 'pension', 'school_enrolment'] },
    title: { type: 'string' },
    asOf: { type: 'string' },
    rowCount: { type: 'integer' },
    importedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/**
 * RecoveryOrder (the service's type of that name): the ledger's recovery order, its status named
 * (the ledger's answers leave it a string).
 */
export const RECOVERY_ORDER_SCHEMA = {
  ...LEDGER_RECOVERY_ORDER_SCHEMA,
  properties: {
    ...LEDGER_RECOVERY_ORDER_SCHEMA.properties,
    status: { type: 'string', enum: ['open', 'closed'] },
  },
} as const;

/** SupervisionCase (the service's type of that name). */
export const SUPERVISION_CASE_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'regionCode',
    'caseNumber',
    'title',
    'status',
    'institutionId',
    'agencyId',
    'openedAt',
    'openedOn',
    'outcomeReason',
    'decidedAt',
    'decidedOn',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    regionCode: { type: 'string' },
    caseNumber: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'string', enum: ['open', 'cleared', 'confirmed'] },
    institutionId: { type: 'integer', nullable: true },
    agencyId: { type: 'integer', nullable: true },
    openedAt: { type: 'string', format: 'date-time', description: '立案记录时间（系统时钟）' },
    openedOn: { type: 'string', nullable: true, description: '立案日期（业务日期）' },
    outcomeReason: { type: 'string', nullable: true },
    decidedAt: {
      type: 'string',
      format: 'date-time',
      nullable: true,
      description: '办结记录时间（系统时钟）',
    },
    decidedOn: { type: 'string', nullable: true, description: '办结日期（业务日期）' },
  },
} as const;

/** CaseDetail (the service's type of that name). */
export const CASE_DETAIL_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'alerts',
    'notes',
    'attachments',
    'recoveredClaimIds',
    'recoveryOrders',
    ...SUPERVISION_CASE_SCHEMA.required,
  ],
  properties: {
    alerts: { type: 'array', items: RISK_ALERT_SCHEMA },
    notes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['id', 'authorUserId', 'content', 'createdAt'],
        properties: {
          id: { type: 'integer' },
          authorUserId: { type: 'integer', nullable: true },
          content: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['id', 'fileName', 'contentType', 'sizeBytes', 'sha256'],
        properties: {
          id: { type: 'integer' },
          fileName: { type: 'string' },
          contentType: { type: 'string' },
          sizeBytes: { type: 'number' },
          sha256: { type: 'string' },
        },
      },
    },
    recoveredClaimIds: { type: 'array', items: { type: 'integer' } },
    recoveryOrders: { type: 'array', items: RECOVERY_ORDER_SCHEMA },
    ...SUPERVISION_CASE_SCHEMA.properties,
  },
} as const;

/** Sanction (the service's type of that name). */
export const SANCTION_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'organisationId',
    'organisationName',
    'organisationKind',
    'regionCode',
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
    organisationName: { type: 'string' },
    organisationKind: { type: 'string' },
    regionCode: { type: 'string', description: '被处罚单位所在地区' },
    caseId: { type: 'integer', nullable: true },
    action: { type: 'string', enum: ['suspended', 'blacklisted'] },
    effectiveDate: { type: 'string' },
    reason: { type: 'string' },
    decidedAt: { type: 'string', format: 'date-time' },
    appealStatus: { type: 'string', enum: ['none', 'filed', 'upheld', 'overturned'] },
    appealFiledOn: { type: 'string', nullable: true },
    appealGrounds: { type: 'string', nullable: true },
    appealDecision: { type: 'string', nullable: true },
    appealDecidedAt: { type: 'string', format: 'date-time', nullable: true },
  },
} as const;

/** CaseOutcome (the service's type of that name). */
export const CASE_OUTCOME_SCHEMA = {
  ...CASE_DETAIL_SCHEMA,
  required: [...CASE_DETAIL_SCHEMA.required, 'excludedLineIds', 'sanction'],
  properties: {
    ...CASE_DETAIL_SCHEMA.properties,
    excludedLineIds: { type: 'array', items: { type: 'integer' } },
    recoveryOrders: { type: 'array', items: RECOVERY_ORDER_SCHEMA },
    sanction: { ...SANCTION_SCHEMA, nullable: true },
  },
} as const;

/** Inspection (the service's type of that name). */
export const INSPECTION_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'provinceCode', 'institutionId', 'inspectedOn', 'result', 'findings'],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    institutionId: { type: 'integer' },
    inspectedOn: { type: 'string' },
    result: { type: 'string', enum: ['passed', 'minor_issues', 'failed'] },
    findings: { type: 'string' },
  },
} as const;

/** InstitutionRating (the service's type of that name). */
export const INSTITUTION_RATING_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'institutionId',
    'year',
    'grade',
    'score',
    'components',
    'explanation',
    'computedAt',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    institutionId: { type: 'integer' },
    year: { type: 'integer' },
    grade: { type: 'string', enum: ['A', 'B', 'C', 'D'] },
    score: { type: 'number' },
    components: {},
    explanation: { type: 'array', items: { type: 'string' } },
    computedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** RecomputeResult (the service's type of that name). */
export const RECOMPUTE_RESULT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['year', 'ratings', 'revokedBases'],
  properties: {
    year: { type: 'integer' },
    ratings: { type: 'array', items: INSTITUTION_RATING_SCHEMA },
    revokedBases: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['organisationId', 'baseLevel', 'advancedPersonTimes'],
        properties: {
          organisationId: { type: 'integer' },
          baseLevel: { type: 'string' },
          advancedPersonTimes: { type: 'number' },
        },
      },
    },
  },
} as const;

/** HighSkillBase (the service's type of that name). */
export const HIGH_SKILL_BASE_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'organisationId',
    'baseLevel',
    'designatedOn',
    'status',
    'revokedOn',
    'revokeReason',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    organisationId: { type: 'integer' },
    baseLevel: { type: 'string', enum: ['national', 'municipal'] },
    designatedOn: { type: 'string' },
    status: { type: 'string', enum: ['active', 'revoked'] },
    revokedOn: { type: 'string', nullable: true },
    revokeReason: { type: 'string', nullable: true },
  },
} as const;

/** AgencyContract (the service's type of that name). */
export const AGENCY_CONTRACT_SCHEMA = {
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
    status: { type: 'string', enum: ['active', 'terminated'] },
    terminatedOn: { type: 'string', nullable: true },
  },
} as const;

/** AgencyEvaluation (the service's type of that name). */
export const AGENCY_EVALUATION_SCHEMA = {
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
    conclusion: { type: 'string', enum: ['excellent', 'qualified', 'unqualified'] },
    comments: { type: 'string' },
  },
} as const;

/** GET /api/supervision/alerts → 200 */
export const GET_SUPERVISION_ALERTS_ANSWER = pageSchemaOf(RISK_ALERT_SCHEMA);

/** GET /api/supervision/alerts/:id → 200 */
export const GET_SUPERVISION_ALERTS_BY_ID_ANSWER = RISK_ALERT_SCHEMA;

/** POST /api/supervision/alerts/:id/clear → 200 */
export const POST_SUPERVISION_ALERTS_BY_ID_CLEAR_ANSWER = {
  ...RISK_ALERT_SCHEMA,
  required: [...RISK_ALERT_SCHEMA.required, 'unblockedClaimIds'],
  properties: {
    ...RISK_ALERT_SCHEMA.properties,
    unblockedClaimIds: { type: 'array', items: { type: 'integer' } },
  },
} as const;

/** GET /api/supervision/claims/:id/alerts → 200 */
export const GET_SUPERVISION_CLAIMS_BY_ID_ALERTS_ANSWER = listSchemaOf(RISK_ALERT_SCHEMA);

/** POST /api/supervision/sweeps → 201 */
export const POST_SUPERVISION_SWEEPS_ANSWER = SWEEP_RESULT_SCHEMA;

/** GET /api/supervision/sweeps → 200 */
export const GET_SUPERVISION_SWEEPS_ANSWER = pageSchemaOf({
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'scope',
    'startedAt',
    'finishedAt',
    'alertCount',
    'newAlertCount',
    'byRule',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    scope: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    alertCount: { type: 'integer' },
    newAlertCount: { type: 'integer' },
    byRule: {},
  },
});

/** GET /api/supervision/reference-lists → 200 */
export const GET_SUPERVISION_REFERENCE_LISTS_ANSWER = pageSchemaOf(REFERENCE_LIST_SCHEMA);

/** POST /api/supervision/cases → 201 */
export const POST_SUPERVISION_CASES_ANSWER = CASE_DETAIL_SCHEMA;

/** GET /api/supervision/cases → 200 */
export const GET_SUPERVISION_CASES_ANSWER = pageSchemaOf(SUPERVISION_CASE_SCHEMA);

/** GET /api/supervision/cases/:id → 200 */
export const GET_SUPERVISION_CASES_BY_ID_ANSWER = CASE_DETAIL_SCHEMA;

/** POST /api/supervision/cases/:id/notes → 201 */
export const POST_SUPERVISION_CASES_BY_ID_NOTES_ANSWER = CASE_DETAIL_SCHEMA;

/** POST /api/supervision/cases/:id/attachments → 201 */
export const POST_SUPERVISION_CASES_BY_ID_ATTACHMENTS_ANSWER = CASE_DETAIL_SCHEMA;

/** POST /api/supervision/cases/:id/decision → 200 */
export const POST_SUPERVISION_CASES_BY_ID_DECISION_ANSWER = CASE_OUTCOME_SCHEMA;

/** GET /api/supervision/sanctions → 200 */
export const GET_SUPERVISION_SANCTIONS_ANSWER = pageSchemaOf(SANCTION_SCHEMA);

/** GET /api/supervision/sanctions/:id → 200 */
export const GET_SUPERVISION_SANCTIONS_BY_ID_ANSWER = SANCTION_SCHEMA;

/** POST /api/supervision/sanctions/:id/appeal → 200 */
export const POST_SUPERVISION_SANCTIONS_BY_ID_APPEAL_ANSWER = SANCTION_SCHEMA;

/** POST /api/supervision/sanctions/:id/appeal-decision → 200 */
export const POST_SUPERVISION_SANCTIONS_BY_ID_APPEAL_DECISION_ANSWER = SANCTION_SCHEMA;

/** POST /api/supervision/inspections → 201 */
export const POST_SUPERVISION_INSPECTIONS_ANSWER = INSPECTION_SCHEMA;

/** GET /api/supervision/inspections → 200 */
export const GET_SUPERVISION_INSPECTIONS_ANSWER = pageSchemaOf(INSPECTION_SCHEMA);

/** POST /api/supervision/ratings/recompute → 200 */
export const POST_SUPERVISION_RATINGS_RECOMPUTE_ANSWER = RECOMPUTE_RESULT_SCHEMA;

/** GET /api/supervision/ratings → 200 */
export const GET_SUPERVISION_RATINGS_ANSWER = pageSchemaOf(INSTITUTION_RATING_SCHEMA);

/** GET /api/supervision/institutions/:id/ratings → 200 */
export const GET_SUPERVISION_INSTITUTIONS_BY_ID_RATINGS_ANSWER = listSchemaOf(INSTITUTION_RATING_SCHEMA);

/** POST /api/supervision/high-skill-bases → 201 */
export const POST_SUPERVISION_HIGH_SKILL_BASES_ANSWER = HIGH_SKILL_BASE_SCHEMA;

/** GET /api/supervision/high-skill-bases → 200 */
export const GET_SUPERVISION_HIGH_SKILL_BASES_ANSWER = pageSchemaOf(HIGH_SKILL_BASE_SCHEMA);

/** GET /api/supervision/agency-contracts → 200 */
export const GET_SUPERVISION_AGENCY_CONTRACTS_ANSWER = pageSchemaOf(AGENCY_CONTRACT_SCHEMA);

/** GET /api/supervision/agency-evaluations → 200 */
export const GET_SUPERVISION_AGENCY_EVALUATIONS_ANSWER = pageSchemaOf(AGENCY_EVALUATION_SCHEMA);

/** POST /api/supervision/reference-lists → 201 */
export const POST_SUPERVISION_REFERENCE_LISTS_ANSWER = REFERENCE_LIST_SCHEMA;

/** POST /api/supervision/sanctions → 201 */
export const POST_SUPERVISION_SANCTIONS_ANSWER = SANCTION_SCHEMA;

/** POST /api/supervision/agency-contracts → 201 */
export const POST_SUPERVISION_AGENCY_CONTRACTS_ANSWER = AGENCY_CONTRACT_SCHEMA;

/** POST /api/supervision/agency-evaluations → 201 */
export const POST_SUPERVISION_AGENCY_EVALUATIONS_ANSWER = AGENCY_EVALUATION_SCHEMA;

/** A sanction as its own organisation reads it (OwnSanction): whether it may still be appealed. */
export const OWN_SANCTION_SCHEMA = {
  ...SANCTION_SCHEMA,
  required: [...SANCTION_SCHEMA.required, 'isAppealable'],
  properties: {
    ...SANCTION_SCHEMA.properties,
    isAppealable: { type: 'boolean', description: '未申诉且处罚仍在执行，本单位可以申诉' },
  },
} as const;

/** GET /api/supervision/my-organisation → 200 (OwnSupervisionRecord) */
export const GET_SUPERVISION_MY_ORGANISATION_ANSWER = {
  type: 'object',
  additionalProperties: false,
  required: ['organisation', 'ratings', 'sanctions'],
  properties: {
    organisation: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'kind', 'regionCode', 'status', 'statusSince'],
      properties: {
        id: { type: 'integer' },
        name: { type: 'string' },
        kind: { type: 'string', enum: ['institution', 'enterprise', 'evaluation_org', 'review_agency'] },
        regionCode: { type: 'string' },
        status: { type: 'string', enum: ['active', 'suspended', 'blacklisted', 'revoked'] },
        statusSince: { type: 'string', format: 'date', description: '当前状态的生效日期（业务日期）' },
      },
    },
    ratings: {
      type: 'array',
      description: '各年度现行信用等级（培训机构），新年度在前',
      items: INSTITUTION_RATING_SCHEMA,
    },
    sanctions: { type: 'array', description: '本单位受到的处罚及申诉，新的在前', items: OWN_SANCTION_SCHEMA },
  },
} as const;

/** POST /api/supervision/my-organisation/sanctions/:id/appeal → 200 */
export const POST_SUPERVISION_MY_ORGANISATION_SANCTIONS_BY_ID_APPEAL_ANSWER = OWN_SANCTION_SCHEMA;
