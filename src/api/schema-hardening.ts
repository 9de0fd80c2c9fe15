import type { FastifySchema } from 'fastify';
import { isUnstorableText, MAX_AMOUNT_FEN, MAX_INTEGER, MAX_PAGE } from '../shared/schemas.ts';

/**
 * Bounds every request schema of every route before it is compiled (and documented), so that no
 * value a schema accepts can overflow a database type or reach the database as a non-finite
 * number (issue 18, finding 7). Routes should use the shared pieces of src/shared/schemas.ts;
 * this is the rule that holds for any route that forgot them:
 * - an integer or number without a bound gets ±MAX_INTEGER (`*Fen` money: ±MAX_AMOUNT_FEN,
 *   `page`: MAX_PAGE), so `99999999999999999999`, `1e308` and `Infinity` are refused;
 * - a string whose pattern only has the shape of a date (accepts 2021-05-06) gets `format: date`,
 *   which checks the calendar (2021-02-30 refused).
 * Text holding a NUL or a lone surrogate, and non-finite numbers, are refused by the validator
 * (`valueIssues`), whatever the schema.
 */
export function hardenRouteSchema(schema: FastifySchema): void {
  for (const part of ['params', 'querystring', 'query', 'body', 'headers'] as const) {
    hardenSchema((schema as Record<string, unknown>)[part]);
  }
}

const NUMERIC_TYPES = new Set(['integer', 'number']);

function typesOf(node: Record<string, unknown>): unknown[] {
  return Array.isArray(node.type) ? node.type : [node.type];
}

function hardenNumber(node: Record<string, unknown>, propertyName: string | undefined): void {
  const limit = propertyName?.endsWith('Fen')
    ? MAX_AMOUNT_FEN
    : propertyName === 'page'
      ? MAX_PAGE
      : MAX_INTEGER;
  if (node.maximum === undefined && node.exclusiveMaximum === undefined) node.maximum = limit;
  if (node.minimum === undefined && node.exclusiveMinimum === undefined) node.minimum = -limit;
}

function hasDateShapedPattern(node: Record<string, unknown>): boolean {
  if (typeof node.pattern !== 'string' || node.format !== undefined) return false;
  try {
    const pattern = new RegExp(node.pattern, 'u');
    // A name pattern such as ^[A-Za-z0-9_.-]{3,64}$ also accepts a date: it is no date pattern.
    return pattern.test('2021-05-06') && !pattern.test('2021-05-06T00:00:00Z') && !pattern.test('login-name');
  } catch {
    return false;
  }
}

function hardenSchema(schema: unknown, propertyName?: string): void {
  if (schema === null || typeof schema !== 'object') return;
  if (Array.isArray(schema)) {
    for (const item of schema) hardenSchema(item, propertyName);
    return;
  }
  const node = schema as Record<string, unknown>;
  const types = typesOf(node);
  if (types.some((type) => NUMERIC_TYPES.has(type as string))) hardenNumber(node, propertyName);
  if (types.includes('string') && hasDateShapedPattern(node)) node.format = 'date';
  const properties = node.properties as Record<string, unknown> | undefined;
  if (properties && typeof properties === 'object') {
    for (const [name, child] of Object.entries(properties)) hardenSchema(child, name);
  }
  for (const keyword of ['items', 'anyOf', 'oneOf', 'allOf', 'then', 'else', 'not']) {
    hardenSchema(node[keyword], propertyName);
  }
  if (typeof node.additionalProperties === 'object') hardenSchema(node.additionalProperties);
  if (node.patternProperties && typeof node.patternProperties === 'object') {
    for (const child of Object.values(node.patternProperties)) hardenSchema(child);
  }
}

/** An Ajv-shaped issue, so the error handler names the field like any schema error. */
export interface ValueIssue {
  instancePath: string;
  keyword: 'text' | 'finite';
  message: string;
  params: Record<string, unknown>;
}

function issue(instancePath: string, keyword: ValueIssue['keyword'], message: string): ValueIssue {
  return { instancePath, keyword, message, params: {} };
}

/**
 * Every value of a request part that no schema keyword catches: a string (value or key) holding
 * a NUL or a lone surrogate (PostgreSQL cannot store the first; the second is not text and would
 * be silently replaced), and a non-finite number (Ajv coerces the query text `Infinity` to one
 * and then applies no bound to it).
 */
export function valueIssues(data: unknown, path = ''): ValueIssue[] {
  if (typeof data === 'string') {
    return isUnstorableText(data) ? [issue(path, 'text', '不得包含 NUL 字符或不成对的代理项')] : [];
  }
  if (typeof data === 'number') return Number.isFinite(data) ? [] : [issue(path, 'finite', '必须是有限的数')];
  if (data === null || typeof data !== 'object') return [];
  const issues: ValueIssue[] = [];
  const entries = Array.isArray(data) ? data.entries() : Object.entries(data);
  for (const [key, value] of entries) {
    const child = `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (typeof key === 'string' && isUnstorableText(key)) {
      issues.push(issue(child, 'text', '字段名不得包含 NUL 字符或不成对的代理项'));
    }
    issues.push(...valueIssues(value, child));
  }
  return issues;
}

/**
 * A compiled validator (Ajv's shape) wrapped so that, after Ajv has coerced and checked the
 * data, unstorable text and non-finite numbers are refused too (`valueIssues`).
 */
export function refusingUnstorableValues<T extends ((data: unknown) => unknown) & { errors?: unknown }>(
  validate: T,
): (data: unknown) => boolean {
  const wrapped = (data: unknown): boolean => {
    const isValid = validate(data) as boolean;
    const issues = valueIssues(data);
    const ajvIssues = (isValid ? [] : (validate.errors as unknown[] | null | undefined)) ?? [];
    wrapped.errors = issues.length > 0 || !isValid ? [...ajvIssues, ...issues] : null;
    return isValid && issues.length === 0;
  };
  wrapped.errors = null as unknown;
  return wrapped;
}
