/**
 * JSON-schema pieces every route shares (issue 18): ids, money, dates and paging, each bounded
 * so that no value a schema accepts can overflow the database's types. `hardenRouteSchema`
 * (src/api/schema-hardening.ts) applies the same bounds to any route that forgot them. The
 * response fragments below are the shapes the answer schemas (`*-answers.schema.ts`) share, and
 * the vocabulary's codes as enums, so each is written once.
 */

import { CERTIFICATE_TYPES, GROUP_CODES, LEVELS, SUBSIDY_KINDS } from './vocabulary.ts';

/** The largest id or integer a request may name: ids are `bigint` and read back as safe JS numbers. */
export const MAX_INTEGER = Number.MAX_SAFE_INTEGER;

/**
 * The largest amount of money (fen) a request may carry when its schema sets none: 1000亿元,
 * far above any single payment or budget of the programme, far below what a sum of them could
 * overflow.
 */
export const MAX_AMOUNT_FEN = 10_000_000_000_000;

/** The largest page number a list accepts (its offset stays a safe integer). */
export const MAX_PAGE = 1_000_000;

/** An object id (path, query or body). */
export const ID_SCHEMA = { type: 'integer', minimum: 1, maximum: MAX_INTEGER } as const;

/** Path parameters `{ id }`. */
export const ID_PARAMS_SCHEMA = {
  type: 'object',
  required: ['id'],
  properties: { id: ID_SCHEMA },
} as const;

/** Money in integer fen, zero allowed. */
export const AMOUNT_FEN_SCHEMA = { type: 'integer', minimum: 0, maximum: MAX_AMOUNT_FEN } as const;

/**
 * A calendar date `YYYY-MM-DD` (the one shared format): ajv-formats' `date` checks the calendar,
 * so 2021-02-30 and 2021-13-45 are refused, 2020-02-29 accepted.
 */
export const DATE_SCHEMA = { type: 'string', format: 'date' } as const;

/** Query properties of every list: `page` (1-based) and `pageSize` (≤ 100). */
export const PAGE_QUERY_SCHEMA_PROPERTIES = {
  page: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 },
  pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
} as const;

/** The directions a list sorts in: `asc` (升序) and `desc` (降序). */
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** A list's requested order: one of its sortable fields and a direction (docs/CONVENTIONS.md). */
export interface ListSort<Field extends string = string> {
  sort?: Field;
  order?: SortOrder;
}

/**
 * Query properties `sort` (one of the list's sortable fields, by the item's property name) and
 * `order` (`asc`, the default, or `desc`). The enum refuses any other field with a 400 naming
 * `sort`. The list and its xlsx export share them, so the sheet is in the order on screen.
 */
export function sortQueryProperties<const Fields extends readonly [string, ...string[]]>(
  fields: Fields,
  byDefault: string,
) {
  return {
    sort: {
      type: 'string',
      enum: fields,
      description: `排序字段（缺省${byDefault}）；同值再按编号，同向`,
    },
    order: {
      type: 'string',
      enum: SORT_ORDERS,
      description: '排序方向：asc 升序（指定 sort 时缺省），desc 降序',
    },
  } as const;
}

/** The answer of a list: one page of `items` and the paging. */
export function pageSchemaOf<const Item extends object>(item: Item) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['items', 'total', 'page', 'pageSize'],
    properties: {
      items: { type: 'array', items: item },
      total: { type: 'integer' },
      page: { type: 'integer' },
      pageSize: { type: 'integer' },
    },
  } as const;
}

/** An answer's integer that may be null (an id not yet set, an amount not yet known). */
export const NULLABLE_INTEGER = { type: 'integer', nullable: true } as const;

/** An answer's text that may be null. */
export const NULLABLE_STRING = { type: 'string', nullable: true } as const;

/** A moment in an answer (ISO 8601 with the time zone). */
export const DATE_TIME = { type: 'string', format: 'date-time' } as const;

/** Where a figure comes from: the policy document and its article (`Citation`). */
export const CITATION_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['doc', 'article'],
  properties: { doc: { type: 'string' }, article: { type: 'string' } },
} as const;

/** A skill level (src/shared/vocabulary.ts `LEVELS`). */
export const LEVEL_SCHEMA = { type: 'string', enum: [...LEVELS] } as const;

/** A certificate type (src/shared/vocabulary.ts `CERTIFICATE_TYPES`). */
export const CERTIFICATE_TYPE_SCHEMA = { type: 'string', enum: [...CERTIFICATE_TYPES] } as const;

/** A person group (src/shared/vocabulary.ts `GROUP_CODES`). */
export const GROUP_CODE_SCHEMA = { type: 'string', enum: [...GROUP_CODES] } as const;

/** A subsidy kind (src/shared/vocabulary.ts `SUBSIDY_KINDS`). */
export const SUBSIDY_KIND_SCHEMA = { type: 'string', enum: [...SUBSIDY_KINDS] } as const;

/** The answer of a short list that is not paged: `{ items }`. */
export function listSchemaOf<const Item extends object>(item: Item) {
  return {
    type: 'object',
    additionalProperties: true,
    required: ['items'],
    properties: { items: { type: 'array', items: item } },
  } as const;
}

/** A NUL character or a UTF-16 surrogate without its pair: text no column can store faithfully. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the text holds a NUL or a lone surrogate. */
export function isUnstorableText(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** True for a real calendar day written `YYYY-MM-DD` (2020-02-29 yes, 2021-02-30 and 2021-13-45 no). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
