import { DATE_SCHEMA } from '../shared/schemas.ts';
import { DRILLDOWN_DIMENSIONS } from './report.repository.ts';

/** JSON schemas of the report routes (bodies refuse unknown fields). */
const date = DATE_SCHEMA;
const region = { type: 'string', pattern: '^\\d{6}$' } as const;
const year = { type: 'integer', minimum: 2000, maximum: 2100 } as const;
const quarter = { type: 'integer', minimum: 1, maximum: 4 } as const;

const pageQuery = {
  page: { type: 'integer', minimum: 1, default: 1 },
  pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
} as const;

/** A period is `year` (+ `quarter`) or `from` + `to`; resolvePeriod refuses other mixes. */
const periodProperties = { year, quarter, from: date, to: date } as const;

export const reportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { regionCode: region, ...periodProperties },
} as const;

export const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    regionCode: region,
    ...periodProperties,
    snapshotId: { type: 'integer', minimum: 1 },
  },
} as const;

export const drilldownQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['dimension'],
  properties: {
    regionCode: region,
    ...periodProperties,
    dimension: { type: 'string', enum: [...DRILLDOWN_DIMENSIONS] },
    key: { type: 'string', minLength: 1, maxLength: 80, default: 'all' },
    ...pageQuery,
  },
} as const;

export const finalizeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['regionCode'],
  properties: {
    regionCode: region,
    ...periodProperties,
    reason: { type: 'string', minLength: 1, maxLength: 1000 },
  },
} as const;

export const snapshotsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { regionCode: region, ...periodProperties, ...pageQuery },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

export const targetsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { regionCode: region, year, asOf: date },
} as const;

export const targetBody = {
  type: 'object',
  additionalProperties: false,
  required: ['regionCode', 'metric', 'fromYear', 'toYear', 'targetValue', 'citation'],
  properties: {
    regionCode: region,
    metric: { type: 'string', enum: ['training_person_times', 'new_apprentices'] },
    fromYear: year,
    toYear: year,
    targetValue: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
    comparison: { type: 'string', enum: ['at_least', 'about'] },
    citation: {
      type: 'object',
      additionalProperties: false,
      required: ['doc', 'article'],
      properties: {
        doc: { type: 'string', minLength: 1, maxLength: 200 },
        article: { type: 'string', minLength: 1, maxLength: 200 },
      },
    },
  },
} as const;

export const disclosureQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['regionCode', 'year'],
  properties: { regionCode: region, year },
} as const;
