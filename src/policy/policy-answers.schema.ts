import { LEVEL_SCHEMA, listSchemaOf } from '../shared/schemas.ts';
import { CITATION_SCHEMA, DECISION_SCHEMA } from './decision.schema.ts';

/**
 * Response schemas of policy.routes.ts: what each route answers, written from the types its
 * handler returns (nullable where the type says so). Objects allow properties beyond those listed
 * (`additionalProperties: true`): Fastify serialises through these schemas and would otherwise
 * drop a field the handler returns. The engine's own answer is DECISION_SCHEMA
 * (decision.schema.ts).
 */

/** A published parameter version (`PublishedParameterRow`, parameter.repository.ts). */
export const PUBLISHED_PARAMETER_ROW_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'id',
    'provinceCode',
    'packId',
    'key',
    'effectiveFrom',
    'revision',
    'value',
    'citation',
    'note',
    'publishedBy',
    'publishedAt',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    packId: { type: 'string' },
    key: { type: 'string' },
    effectiveFrom: { type: 'string' },
    revision: { type: 'number' },
    value: { description: '参数值（金额、比例、天数、文本、列表或空）' },
    citation: CITATION_SCHEMA,
    note: { type: 'string', nullable: true },
    publishedBy: { type: 'number', nullable: true },
    publishedAt: { type: 'string' },
  },
} as const;

/** One parameter of a pack: what the pack ships and what was published (`ParameterHistory`). */
export const PARAMETER_HISTORY_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'packId', 'key', 'unit', 'description', 'bounds', 'shipped', 'published'],
  properties: {
    id: { type: 'string' },
    packId: { type: 'string' },
    key: { type: 'string' },
    unit: { type: 'string' },
    description: { type: 'string' },
    bounds: {
      type: 'object',
      additionalProperties: true,
      properties: { min: { type: 'number' }, max: { type: 'number' } },
      nullable: true,
    },
    shipped: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['effectiveFrom', 'value', 'citation'],
        properties: {
          effectiveFrom: { type: 'string' },
          value: {},
          citation: CITATION_SCHEMA,
        },
      },
    },
    published: { type: 'array', items: PUBLISHED_PARAMETER_ROW_SCHEMA },
  },
} as const;

/** Totals of one line item before and after a simulated change. */
export const SIMULATED_LINE_TOTAL_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['item', 'beforeFen', 'afterFen', 'differenceFen'],
  properties: {
    item: { type: 'string' },
    beforeFen: { type: 'integer' },
    afterFen: { type: 'integer' },
    differenceFen: { type: 'integer' },
  },
} as const;

/** One pasted request whose answer a simulated change alters. */
export const SIMULATED_REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'index',
    'policy',
    'beforeFen',
    'afterFen',
    'differenceFen',
    'isEligibleBefore',
    'isEligibleAfter',
  ],
  properties: {
    index: { type: 'number' },
    policy: { type: 'string', nullable: true },
    beforeFen: { type: 'integer' },
    afterFen: { type: 'integer' },
    differenceFen: { type: 'integer' },
    isEligibleBefore: { type: 'boolean' },
    isEligibleAfter: { type: 'boolean' },
  },
} as const;

/** A simulation over pasted requests (`SimulationResult`, simulate.ts). */
export const SIMULATION_RESULT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'requestCount',
    'totalBeforeFen',
    'totalAfterFen',
    'differenceFen',
    'changedRequestCount',
    'eligibilityChangedCount',
    'lines',
    'changedRequests',
  ],
  properties: {
    requestCount: { type: 'integer' },
    totalBeforeFen: { type: 'integer' },
    totalAfterFen: { type: 'integer' },
    differenceFen: { type: 'integer' },
    changedRequestCount: { type: 'integer' },
    eligibilityChangedCount: { type: 'integer' },
    lines: { type: 'array', items: SIMULATED_LINE_TOTAL_SCHEMA },
    changedRequests: { type: 'array', items: SIMULATED_REQUEST_SCHEMA },
  },
} as const;

/** Totals of one region, subsidy kind or group in a simulation over stored claims. */
export const SIMULATION_TOTAL_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['key', 'lineCount', 'beforeFen', 'afterFen', 'differenceFen'],
  properties: {
    key: { type: 'string' },
    lineCount: { type: 'integer' },
    beforeFen: { type: 'integer' },
    afterFen: { type: 'integer' },
    differenceFen: { type: 'integer' },
  },
} as const;

/** A simulation over the stored claim lines of a region and period (`StoredSimulationResult`). */
export const STORED_SIMULATION_RESULT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: [
    'lineCount',
    'storedTotalFen',
    'totalBeforeFen',
    'totalAfterFen',
    'differenceFen',
    'changedLineCount',
    'eligibilityChangedCount',
    'personsAffected',
    'byRegion',
    'bySubsidyKind',
    'byGroup',
    'specialAccount',
  ],
  properties: {
    lineCount: { type: 'integer' },
    storedTotalFen: { type: 'integer' },
    totalBeforeFen: { type: 'integer' },
    totalAfterFen: { type: 'integer' },
    differenceFen: { type: 'integer' },
    changedLineCount: { type: 'integer' },
    eligibilityChangedCount: { type: 'integer' },
    personsAffected: { type: 'number' },
    byRegion: { type: 'array', items: SIMULATION_TOTAL_SCHEMA },
    bySubsidyKind: { type: 'array', items: SIMULATION_TOTAL_SCHEMA },
    byGroup: { type: 'array', items: SIMULATION_TOTAL_SCHEMA },
    specialAccount: {
      type: 'object',
      additionalProperties: true,
      required: ['balanceFen', 'balanceAfterChangeFen', 'isSufficient'],
      properties: {
        balanceFen: { type: 'integer' },
        balanceAfterChangeFen: { type: 'integer' },
        isSufficient: { type: 'boolean' },
      },
    },
  },
} as const;

/** POST /api/public/calculate → 200: the catalog standard used (if any), the decision and what to fill in. */
export const POST_PUBLIC_CALCULATE_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['decision', 'guidance'],
  properties: {
    catalog: {
      type: 'object',
      additionalProperties: true,
      required: ['occupationCode', 'level', 'standardFen', 'citation', 'version'],
      properties: {
        occupationCode: { type: 'string' },
        level: LEVEL_SCHEMA,
        standardFen: { type: 'integer' },
        citation: CITATION_SCHEMA,
        version: {
          type: 'object',
          additionalProperties: true,
          required: ['id', 'versionNumber', 'title', 'regionCode'],
          properties: {
            id: { type: 'integer' },
            versionNumber: { type: 'integer' },
            title: { type: 'string' },
            regionCode: { type: 'string' },
          },
          nullable: true,
        },
      },
      nullable: true,
    },
    decision: DECISION_SCHEMA,
    guidance: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** GET /api/policy/packs → 200 */
export const GET_POLICY_PACKS_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['id', 'regionCode', 'document', 'title', 'inForceFrom', 'inForceTo', 'subsidies'],
        properties: {
          id: { type: 'string' },
          regionCode: { type: 'string' },
          document: { type: 'string' },
          title: { type: 'string' },
          inForceFrom: { type: 'string' },
          inForceTo: { type: 'string', nullable: true },
          subsidies: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;

/** GET /api/policy/coverage → 200 (`SubsidyCoverage`, parameter.query.ts) */
export const GET_POLICY_COVERAGE_ANSWER = {
  type: 'object',
  additionalProperties: true,
  required: ['regionCode', 'subsidyKind', 'date', 'isProvided', 'packId', 'document', 'title', 'explanation'],
  properties: {
    regionCode: { type: 'string' },
    subsidyKind: { type: 'string' },
    date: { type: 'string', format: 'date' },
    isProvided: { type: 'boolean' },
    packId: { type: 'string', nullable: true },
    document: { type: 'string', nullable: true },
    title: { type: 'string', nullable: true },
    explanation: { type: 'string' },
  },
} as const;

/** GET /api/policy/packs/:packId/parameters → 200 */
export const GET_POLICY_PACKS_BY_PACK_ID_PARAMETERS_ANSWER = listSchemaOf(PARAMETER_HISTORY_SCHEMA);

/** POST /api/policy/simulate → 200: over pasted requests, or over the stored claims of a region. */
export const POST_POLICY_SIMULATE_ANSWER = {
  anyOf: [SIMULATION_RESULT_SCHEMA, STORED_SIMULATION_RESULT_SCHEMA],
} as const;
