import {
  CERTIFICATE_TYPE_SCHEMA,
  CITATION_SCHEMA,
  DATE_TIME,
  GROUP_CODE_SCHEMA,
  listSchemaOf,
  NULLABLE_INTEGER,
  NULLABLE_STRING,
  pageSchemaOf,
  SUBSIDY_KIND_SCHEMA,
} from '../shared/schemas.ts';
import { LEVELS } from '../shared/vocabulary.ts';
import { TRAINING_TYPES } from './report.labels.ts';

/**
 * Response schemas of report.routes.ts: what each route answers, written from what its
 * handler returns (the types, nullable where they are). Objects allow properties beyond those listed (`additionalProperties: true`):
 * Fastify serialises through these schemas and would otherwise drop a field the handler returns.
 */

/** A count of persons or person-times (whole, but typed as the service's `number`). */
const COUNT = { type: 'number' } as const;

/** Counts by key (`Record<Key, number>`): person-times by level, certificates by level. */
function countsSchemaOf<const Keys extends readonly string[]>(keys: Keys) {
  const properties = Object.fromEntries(keys.map((key) => [key, COUNT])) as {
    [Key in Keys[number]]: typeof COUNT;
  };
  return { type: 'object', additionalProperties: true, required: keys, properties } as const;
}

/** Person-times by skill level (`Record<Level, number>`). */
const LEVEL_COUNTS_SCHEMA = countsSchemaOf(LEVELS);

/** The money columns of a report row (`MoneyRow`): lines, paid, returned, recovered and net fen. */
const MONEY_FIGURES_REQUIRED = ['lineCount', 'paidFen', 'returnedFen', 'recoveredFen', 'netFen'] as const;
const MONEY_FIGURES_PROPERTIES = {
  lineCount: { type: 'integer' },
  paidFen: { type: 'integer' },
  returnedFen: { type: 'integer' },
  recoveredFen: { type: 'integer' },
  netFen: { type: 'integer' },
} as const;

/** A row of money by key (`MoneyRow<Key>`): by subsidy kind, by sub-account. */
function moneyRowOf<const Key extends object>(key: Key) {
  return {
    type: 'object',
    additionalProperties: true,
    required: ['key', 'label', ...MONEY_FIGURES_REQUIRED],
    properties: { key, label: { type: 'string' }, ...MONEY_FIGURES_PROPERTIES },
  } as const;
}

const SUBSIDY_KIND_ROW = moneyRowOf(SUBSIDY_KIND_SCHEMA);

/** A row of person-times by key (`PersonTimesRow<Key>`): by training type, by person group. */
function personTimesRowOf<const Key extends object>(key: Key) {
  return {
    type: 'object',
    additionalProperties: true,
    required: ['key', 'label', 'personTimes', 'persons', 'amountFen'],
    properties: {
      key,
      label: { type: 'string' },
      personTimes: COUNT,
      persons: COUNT,
      amountFen: { type: 'integer' },
    },
  } as const;
}

/** A training type of the report (report.labels.ts `TRAINING_TYPES`). */
const TRAINING_TYPE_SCHEMA = { type: 'string', enum: [...TRAINING_TYPES] } as const;

/** A sub-account the report sums (report.labels.ts `REPORT_SUB_ACCOUNTS`). */
const SUB_ACCOUNT_KEY_SCHEMA = {
  type: 'string',
  enum: ['certificate', 'apprenticeship', 'training', 'on_the_job_training', 'living_allowance', 'advance'],
} as const;

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
    year: NULLABLE_INTEGER,
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
    citation: CITATION_SCHEMA,
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
    level: NULLABLE_STRING,
    occupationCode: NULLABLE_STRING,
    event: { type: 'string', enum: ['returned', 'paid', 'recovered'] },
    claimNumber: { type: 'string' },
    subsidyKind: { type: 'string' },
    lineId: NULLABLE_INTEGER,
    lineNumber: NULLABLE_INTEGER,
    trainingType: NULLABLE_STRING,
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
    reason: NULLABLE_STRING,
    period: REPORT_PERIOD_SCHEMA,
    contentHash: { type: 'string' },
    finalizedBy: { type: 'number' },
    finalizedByName: { type: 'string' },
    finalizedAt: DATE_TIME,
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
      required: ['personTimes', 'persons', ...MONEY_FIGURES_REQUIRED],
      properties: { personTimes: COUNT, persons: COUNT, ...MONEY_FIGURES_PROPERTIES },
    },
    trainingTypes: { type: 'array', items: personTimesRowOf(TRAINING_TYPE_SCHEMA) },
    groups: { type: 'array', items: personTimesRowOf(GROUP_CODE_SCHEMA) },
    occupationLevels: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['key', 'label', 'byLevel', 'total'],
        properties: {
          key: { type: 'string' },
          label: { type: 'string' },
          byLevel: LEVEL_COUNTS_SCHEMA,
          total: { type: 'integer' },
        },
      },
    },
    levelTotals: LEVEL_COUNTS_SCHEMA,
    advanced: {
      type: 'object',
      additionalProperties: true,
      required: ['personTimes', 'share'],
      properties: { personTimes: COUNT, share: { type: 'number' } },
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
          key: CERTIFICATE_TYPE_SCHEMA,
          byLevel: countsSchemaOf(['none', ...LEVELS]),
        },
      },
    },
    subsidyKinds: {
      type: 'array',
      items: {
        ...SUBSIDY_KIND_ROW,
        required: [...SUBSIDY_KIND_ROW.required, 'personTimes'],
        properties: { ...SUBSIDY_KIND_ROW.properties, personTimes: COUNT },
      },
    },
    subAccounts: { type: 'array', items: moneyRowOf(SUB_ACCOUNT_KEY_SCHEMA) },
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
    reason: NULLABLE_STRING,
    finalizedBy: { type: 'number' },
    finalizedByName: { type: 'string' },
    finalizedAt: DATE_TIME,
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
export const GET_REPORTS_TARGETS_ANSWER = listSchemaOf(TARGET_PROGRESS_SCHEMA);

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
    citation: CITATION_SCHEMA,
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
          personTimes: NULLABLE_INTEGER,
          paidFen: NULLABLE_INTEGER,
          isSuppressed: { type: 'boolean' },
        },
      },
    },
  },
} as const;
