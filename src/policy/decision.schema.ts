import { DENIAL_CODES, FUNDING_SOURCES, OUTCOMES, PAYEES } from './evaluate.types.ts';

/**
 * JSON schemas of the engine's answer (`EvaluateResponse`, evaluate.types.ts) where the API
 * returns it (a claim line's decision): the OpenAPI document and the web client read it from here.
 */

/** Document number and article. */
export const CITATION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['doc', 'article'],
  properties: { doc: { type: 'string' }, article: { type: 'string' } },
} as const;

const DECISION_LINE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['item', 'amountFen', 'basis', 'citation'],
  properties: {
    item: { type: 'string' },
    amountFen: { type: 'integer' },
    basis: { type: 'string' },
    citation: CITATION_SCHEMA,
    period: {
      type: 'object',
      additionalProperties: false,
      required: ['start', 'end'],
      properties: { start: { type: 'string' }, end: { type: 'string' } },
    },
    fundingSource: { type: 'string', enum: [...FUNDING_SOURCES] },
    fundingCitation: CITATION_SCHEMA,
  },
} as const;

const DENIAL_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', enum: [...DENIAL_CODES] },
    message: { type: 'string' },
    field: { type: 'string' },
    citation: CITATION_SCHEMA,
  },
} as const;

/** The engine's whole answer: pack, parameter versions, lines with citations, denials. */
export const DECISION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'policy',
    'eligible',
    'amountFen',
    'payee',
    'countsTowardAnnualLimit',
    'lines',
    'denials',
    'warnings',
    'parameterVersions',
    'outcome',
  ],
  properties: {
    policy: { type: 'string', nullable: true },
    eligible: { type: 'boolean' },
    amountFen: { type: 'integer' },
    payee: { type: 'string', enum: [...PAYEES] },
    countsTowardAnnualLimit: { type: 'boolean' },
    lines: { type: 'array', items: DECISION_LINE_SCHEMA },
    denials: { type: 'array', items: DENIAL_SCHEMA },
    warnings: { type: 'array', items: { type: 'string' } },
    parameterVersions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'effectiveFrom', 'source'],
        properties: {
          id: { type: 'string' },
          effectiveFrom: { type: 'string' },
          source: { type: 'string', enum: ['pack', 'published'] },
        },
      },
    },
    outcome: { type: 'string', enum: [...OUTCOMES] },
    payeeCitation: CITATION_SCHEMA,
  },
} as const;
