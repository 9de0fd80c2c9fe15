import { pageSchemaOf } from '../shared/schemas.ts';

/**
 * Response schemas of report.routes.ts: what each route answers, written from what its
 * handler returns (the types, nullable where they are). Objects allow properties beyond those listed (`additionalProperties: true`):
 * Fastify serialises through these schemas and would otherwise drop a field the handler returns.
 */

/** `LedgerComparisonRow` (report.service.ts and its helpers). */
export const LEDGER_COMPARISON_ROW_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['account', 'label', 'reportFen', 'ledgerFen', 'differenceFen'],
  properties: {
    account: {
      type: 'string',
      enum: [
        'certificate',
        'apprenticeship',
        'training',
        'on_the_job_training',
        'living_allowance',
        'advance',
        'payable',
      ],
    },
    label: { type: 'string' },
    reportFen: { type: 'integer' },
    ledgerFen: { type: 'integer' },
    differenceFen: { type: 'integer' },
  },
} as const;

/** `RegionComparisonRow` (report.service.ts and its helpers). */
export const REGION_COMPARISON_ROW_SCHEMA = {
  ...LEDGER_COMPARISON_ROW_SCHEMA,
  required: [...LEDGER_COMPARISON_ROW_SCHEMA.required, 'regionCode'],
  properties: {
    ...LEDGER_COMPARISON_ROW_SCHEMA.properties,
    regionCode: { type: 'string' },
  },
} as const;

/** `LedgerComparison` (report.service.ts and its helpers). */
export const LEDGER_COMPARISON_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['regionCode', 'from', 'to', 'rows', 'isBalanced'],
  properties: {
    regionCode: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    rows: { type: 'array', items: LEDGER_COMPARISON_ROW_SCHEMA },
    regions: { type: 'array', items: REGION_COMPARISON_ROW_SCHEMA },
    isBalanced: { type: 'boolean' },
  },
} as const;

/** `ReportPeriod` (report.service.ts and its helpers). */
export const REPORT_PERIOD_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['kind', 'from', 'to', 'year', 'quarter', 'label'],
  properties: {
    kind: { type: 'string', enum: ['year', 'quarter', 'custom'] },
    from: { type: 'string' },
    to: { type: 'string' },
    year: { type: 'integer', nullable: true },
    quarter: { type: 'number', nullable: true },
    label: { type: 'string' },
  },
} as const;

/** `FundFigures` (report.service.ts and its helpers). */
export const FUND_FIGURES_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['receivedFen', 'spentFen'],
  properties: { receivedFen: { type: 'integer' }, spentFen: { type: 'integer' } },
} as const;

/** `TargetProgress` (report.service.ts and its helpers). */
export const TARGET_PROGRESS_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'label',
    'asOf',
    'achieved',
    'completionRate',
    'elapsedShare',
    'id',
    'regionCode',
    'metric',
    'fromYear',
    'toYear',
    'targetValue',
    'comparison',
    'citation',
  ],
  properties: {
    label: { type: 'string' },
    asOf: { type: 'string' },
    achieved: { type: 'number' },
    completionRate: { type: 'number' },
    elapsedShare: { type: 'number' },
    id: { type: 'integer' },
    regionCode: { type: 'string' },
    metric: { type: 'string', enum: ['training_person_times', 'new_apprentices'] },
    fromYear: { type: 'integer' },
    toYear: { type: 'integer' },
    targetValue: { type: 'number' },
    comparison: { type: 'string', enum: ['at_least', 'about'] },
    citation: {
      type: 'object',
      additionalProperties: true,
      required: ['doc', 'article'],
      properties: { doc: { type: 'string' }, article: { type: 'string' } },
    },
  },
} as const;

/** `DrilldownItem` (report.service.ts and its helpers). */
export const DRILLDOWN_ITEM_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'person',
    'regionCode',
    'claimId',
    'valueDate',
    'level',
    'occupationCode',
    'event',
    'claimNumber',
    'subsidyKind',
    'lineId',
    'lineNumber',
    'trainingType',
    'subAccount',
    'amountFen',
    'isCounted',
  ],
  properties: {
    person: {
      type: 'object',
      additionalProperties: true,
      required: ['id', 'maskedName', 'maskedIdNumber'],
      properties: {
        id: { type: 'integer' },
        maskedName: { type: 'string' },
        maskedIdNumber: { type: 'string' },
      },
      nullable: true,
    },
    regionCode: { type: 'string' },
    claimId: { type: 'integer' },
    valueDate: { type: 'string' },
    level: { type: 'string', nullable: true },
    occupationCode: { type: 'string', nullable: true },
    event: { type: 'string', enum: ['returned', 'paid', 'recovered'] },
    claimNumber: { type: 'string' },
    subsidyKind: { type: 'string' },
    lineId: { type: 'integer', nullable: true },
    lineNumber: { type: 'integer', nullable: true },
    trainingType: { type: 'string', nullable: true },
    subAccount: { type: 'string' },
    amountFen: { type: 'integer' },
    isCounted: { type: 'boolean' },
  },
} as const;

/** `SnapshotSummary` (report.service.ts and its helpers). */
export const SNAPSHOT_SUMMARY_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'regionCode',
    'version',
    'id',
    'reason',
    'period',
    'contentHash',
    'finalizedBy',
    'finalizedByName',
    'finalizedAt',
    'differenceCount',
  ],
  properties: {
    regionCode: { type: 'string' },
    version: { type: 'integer' },
    id: { type: 'integer' },
    reason: { type: 'string', nullable: true },
    period: REPORT_PERIOD_SCHEMA,
    contentHash: { type: 'string' },
    finalizedBy: { type: 'number' },
    finalizedByName: { type: 'string' },
    finalizedAt: { type: 'string', format: 'date-time' },
    differenceCount: { type: 'integer' },
  },
} as const;

/** `Report` (report.service.ts and its helpers). */
export const REPORT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'regionCode',
    'regionName',
    'period',
    'totals',
    'trainingTypes',
    'groups',
    'occupationLevels',
    'levelTotals',
    'advanced',
    'certificates',
    'subsidyKinds',
    'subAccounts',
    'onTheJob',
    'livingAllowance',
    'fund',
    'targets',
  ],
  properties: {
    regionCode: { type: 'string' },
    regionName: { type: 'string' },
    period: REPORT_PERIOD_SCHEMA,
    totals: {
      type: 'object',
      additionalProperties: true,
      required: ['personTimes', 'persons', 'lineCount', 'paidFen', 'returnedFen', 'recoveredFen', 'netFen'],
      properties: {
        personTimes: { type: 'number' },
        persons: { type: 'number' },
        lineCount: { type: 'integer' },
        paidFen: { type: 'integer' },
        returnedFen: { type: 'integer' },
        recoveredFen: { type: 'integer' },
        netFen: { type: 'integer' },
      },
    },
    trainingTypes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['key', 'label', 'personTimes', 'persons', 'amountFen'],
        properties: {
          key: {
            type: 'string',
            enum: [
              'employment_skills',
              'skill_upgrade',
              'entrepreneurship',
              'on_the_job',
              'apprenticeship',
              'safety',
              'directed',
            ],
          },
          label: { type: 'string' },
          personTimes: { type: 'number' },
          persons: { type: 'number' },
          amountFen: { type: 'integer' },
        },
      },
    },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['key', 'label', 'personTimes', 'persons', 'amountFen'],
        properties: {
          key: {
            type: 'string',
            enum: [
              'enterprise_employee',
              'rural_migrant_worker',
              'two_after_student',
              'registered_unemployed',
              'veteran',
              'employment_difficulty',
              'disabled',
              'disabled_severe',
              'zero_employment_family',
              'recent_graduate',
              'graduating_student',
              'poor_labor',
              'poor_family_child',
              'low_income_family',
              'laid_off',
              'flexible_worker',
              'self_employed_worker',
              'nonprofit_worker',
              'platform_worker',
              'dispatched_worker',
              'outsourced_worker',
              'rural_resident',
              'urban_resident',
              'entrepreneur',
              'high_risk_industry_worker',
              'special_operations_worker',
              'soon_released',
              'compulsory_rehab',
              'community_corrections',
            ],
          },
          label: { type: 'string' },
          personTimes: { type: 'number' },
          persons: { type: 'number' },
          amountFen: { type: 'integer' },
        },
      },
    },
    occupationLevels: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['key', 'label', 'byLevel', 'total'],
        properties: {
          key: { type: 'string' },
          label: { type: 'string' },
          byLevel: {
            type: 'object',
            additionalProperties: true,
            required: [
              'special_ability',
              'primary',
              'intermediate',
              'advanced',
              'technician',
              'senior_technician',
            ],
            properties: {
              special_ability: { type: 'number' },
              primary: { type: 'number' },
              intermediate: { type: 'number' },
              advanced: { type: 'number' },
              technician: { type: 'number' },
              senior_technician: { type: 'number' },
            },
          },
          total: { type: 'integer' },
        },
      },
    },
    levelTotals: {
      type: 'object',
      additionalProperties: true,
      required: ['special_ability', 'primary', 'intermediate', 'advanced', 'technician', 'senior_technician'],
      properties: {
        special_ability: { type: 'number' },
        primary: { type: 'number' },
        intermediate: { type: 'number' },
        advanced: { type: 'number' },
        technician: { type: 'number' },
        senior_technician: { type: 'number' },
      },
    },
    advanced: {
      type: 'object',
      additionalProperties: true,
      required: ['personTimes', 'share'],
      properties: { personTimes: { type: 'number' }, share: { type: 'number' } },
    },
    certificates: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['label', 'total', 'key', 'byLevel'],
        properties: {
          label: { type: 'string' },
          total: { type: 'integer' },
          key: {
            type: 'string',
            enum: [
              'special_ability',
              'vocational_qualification',
              'skill_level',
              'special_operation',
              'special_equipment',
              'training_qualified',
            ],
          },
          byLevel: {
            type: 'object',
            additionalProperties: true,
            required: [
              'none',
              'special_ability',
              'primary',
              'intermediate',
              'advanced',
              'technician',
              'senior_technician',
            ],
            properties: {
              none: { type: 'number' },
              special_ability: { type: 'number' },
              primary: { type: 'number' },
              intermediate: { type: 'number' },
              advanced: { type: 'number' },
              technician: { type: 'number' },
              senior_technician: { type: 'number' },
            },
          },
        },
      },
    },
    subsidyKinds: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: [
          'key',
          'label',
          'lineCount',
          'paidFen',
          'returnedFen',
          'recoveredFen',
          'netFen',
          'personTimes',
        ],
        properties: {
          key: {
            type: 'string',
            enum: [
              'certificate',
              'apprenticeship',
              'training',
              'on_the_job_training',
              'living_allowance',
              'safety_training',
              'directed_training',
              'technician_training',
              'insured_skill_upgrade',
            ],
          },
          label: { type: 'string' },
          lineCount: { type: 'integer' },
          paidFen: { type: 'integer' },
          returnedFen: { type: 'integer' },
          recoveredFen: { type: 'integer' },
          netFen: { type: 'integer' },
          personTimes: { type: 'number' },
        },
      },
    },
    subAccounts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['key', 'label', 'lineCount', 'paidFen', 'returnedFen', 'recoveredFen', 'netFen'],
        properties: {
          key: {
            type: 'string',
            enum: [
              'certificate',
              'apprenticeship',
              'training',
              'on_the_job_training',
              'living_allowance',
              'advance',
            ],
          },
          label: { type: 'string' },
          lineCount: { type: 'integer' },
          paidFen: { type: 'integer' },
          returnedFen: { type: 'integer' },
          recoveredFen: { type: 'integer' },
          netFen: { type: 'integer' },
        },
      },
    },
    onTheJob: {
      type: 'object',
      additionalProperties: true,
      required: ['persons', 'personTimes', 'months', 'amountFen'],
      properties: {
        persons: { type: 'number' },
        personTimes: { type: 'number' },
        months: { type: 'number' },
        amountFen: { type: 'integer' },
      },
    },
    livingAllowance: {
      type: 'object',
      additionalProperties: true,
      required: ['persons', 'lineCount', 'days', 'amountFen'],
      properties: {
        persons: { type: 'number' },
        lineCount: { type: 'integer' },
        days: { type: 'number' },
        amountFen: { type: 'integer' },
      },
    },
    fund: {
      type: 'object',
      additionalProperties: true,
      required: ['period', 'cumulative'],
      properties: {
        period: FUND_FIGURES_SCHEMA,
        cumulative: {
          ...FUND_FIGURES_SCHEMA,
          required: [...FUND_FIGURES_SCHEMA.required, 'executionRate'],
          properties: {
            ...FUND_FIGURES_SCHEMA.properties,
            executionRate: { type: 'number', nullable: true },
          },
        },
      },
    },
    targets: { type: 'array', items: TARGET_PROGRESS_SCHEMA },
  },
} as const;

/** `CellDifference` (report.service.ts and its helpers). */
export const CELL_DIFFERENCE_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['path', 'before', 'after'],
  properties: { path: { type: 'string' }, before: {}, after: {} },
} as const;

/** `ReportSnapshot` (report.service.ts and its helpers). */
export const REPORT_SNAPSHOT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'regionCode',
    'period',
    'version',
    'content',
    'contentHash',
    'ledgerComparison',
    'differences',
    'reason',
    'finalizedBy',
    'finalizedByName',
    'finalizedAt',
  ],
  properties: {
    id: { type: 'integer' },
    regionCode: { type: 'string' },
    period: REPORT_PERIOD_SCHEMA,
    version: { type: 'integer' },
    content: REPORT_SCHEMA,
    contentHash: { type: 'string' },
    ledgerComparison: LEDGER_COMPARISON_SCHEMA,
    differences: { type: 'array', items: CELL_DIFFERENCE_SCHEMA },
    reason: { type: 'string', nullable: true },
    finalizedBy: { type: 'number' },
    finalizedByName: { type: 'string' },
    finalizedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** GET /api/reports → 200 */
export const GET_REPORTS_ANSWER = {
  ...REPORT_SCHEMA,
  required: [...REPORT_SCHEMA.required, 'ledgerComparison'],
  properties: {
    ...REPORT_SCHEMA.properties,
    ledgerComparison: LEDGER_COMPARISON_SCHEMA,
  },
} as const;

/** GET /api/reports/drilldown → 200 */
export const GET_REPORTS_DRILLDOWN_ANSWER = pageSchemaOf(DRILLDOWN_ITEM_SCHEMA);

/** GET /api/reports/snapshots → 200 */
export const GET_REPORTS_SNAPSHOTS_ANSWER = pageSchemaOf(SNAPSHOT_SUMMARY_SCHEMA);

/** GET /api/reports/snapshots/:id → 200 */
export const GET_REPORTS_SNAPSHOTS_BY_ID_ANSWER = REPORT_SNAPSHOT_SCHEMA;

/** GET /api/reports/targets → 200 */
export const GET_REPORTS_TARGETS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['items'],
  properties: { items: { type: 'array', items: TARGET_PROGRESS_SCHEMA } },
} as const;

/** GET /api/reports/ledger-comparison → 200 */
export const GET_REPORTS_LEDGER_COMPARISON_ANSWER = LEDGER_COMPARISON_SCHEMA;

/** POST /api/reports/finalize → 201 (a new version) or 200 (the same figures: the existing one) */
export const POST_REPORTS_FINALIZE_ANSWER = REPORT_SNAPSHOT_SCHEMA;

/** PUT /api/reports/targets → 200 */
export const PUT_REPORTS_TARGETS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'regionCode', 'metric', 'fromYear', 'toYear', 'targetValue', 'comparison', 'citation'],
  properties: {
    id: { type: 'integer' },
    regionCode: { type: 'string' },
    metric: { type: 'string' },
    fromYear: { type: 'number' },
    toYear: { type: 'number' },
    targetValue: { type: 'number' },
    comparison: { type: 'string' },
    citation: {
      type: 'object',
      additionalProperties: true,
      required: ['doc', 'article'],
      properties: { doc: { type: 'string' }, article: { type: 'string' } },
    },
  },
} as const;

/** GET /api/public/disclosure → 200 */
export const GET_PUBLIC_DISCLOSURE_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['regionCode', 'regionName', 'year', 'unit', 'minPersons', 'items'],
  properties: {
    regionCode: { type: 'string' },
    regionName: { type: 'string' },
    year: { type: 'integer' },
    unit: { type: 'string' },
    minPersons: { type: 'number' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: [
          'regionCode',
          'regionName',
          'quarter',
          'allocatedFen',
          'personTimes',
          'paidFen',
          'isSuppressed',
        ],
        properties: {
          regionCode: { type: 'string' },
          regionName: { type: 'string' },
          quarter: { type: 'integer' },
          allocatedFen: { type: 'integer' },
          personTimes: { type: 'integer', nullable: true },
          paidFen: { type: 'integer', nullable: true },
          isSuppressed: { type: 'boolean' },
        },
      },
    },
  },
} as const;
