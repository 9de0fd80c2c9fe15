import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPermission, type Permission } from '../../src/auth/roles.ts';
import { DEMO_ACCOUNTS } from '../../src/demo/demo.service.ts';
import { DEMO_INSTITUTION_OPERATOR } from '../../src/demo/registry-demo.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Hostile input on every operation of the OpenAPI document (issue 18, finding 7): for each
 * operation a few seeded hostile requests — ids and integers beyond bigint, paging values like
 * 1e308 and Infinity, NUL bytes and lone surrogates, impossible dates, malformed CSV, huge
 * amounts — sent by a caller who holds the operation's permission. No answer may be a 5xx, and
 * an operation whose every hostile request was refused leaves the data as it was.
 */

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

interface Operation {
  method: string;
  /** OpenAPI path, `{id}` style. */
  path: string;
  access: string;
  parameters: Array<{ in: string; name: string; schema: JsonSchema }>;
  body: JsonSchema | undefined;
  isMultipart: boolean;
}

/** A small deterministic generator (mulberry32) so a failure replays exactly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRING_SAMPLES = ['430421', '430400', '2021-05-06', '2021-05', 'A', '示例', '91430400MA4L000000', 'x'];

/** A plausible valid value for a schema, so a hostile field is not refused for its neighbours. */
function sampleOf(schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return sampleOf(variants[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((item) => item !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(name)) value[name] = sampleOf(child, depth + 1);
      }
      return value;
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
        sampleOf(schema.items, depth + 1),
      );
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'date') return '2021-05-06';
      if (schema.format === 'date-time') return '2021-05-06T08:00:00Z';
      if (schema.pattern) {
        const pattern = new RegExp(schema.pattern, 'u');
        const match = STRING_SAMPLES.find((candidate) => pattern.test(candidate));
        if (match) return match;
      }
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    }
    default:
      return null;
  }
}

/** Hostile values for a field of this schema (beyond bigint, non-finite, NUL, lone surrogate, bad dates). */
function hostileValues(schema: JsonSchema): unknown[] {
  const type = Array.isArray(schema.type) ? schema.type.find((item) => item !== 'null') : schema.type;
  if (type === 'integer' || type === 'number') return [1e30, 1e20, 1e22, 1e308, -1e308];
  if (type === 'string') {
    return [
      'a\u0000b',
      '\ud800',
      '2021-02-30',
      '2021-13-45',
      'x'.repeat(2000),
      'a,b\n"unterminated\n2021-13-45,1e22,\u0000',
    ];
  }
  if (type === 'array') return [[1e30], ['\u0000']];
  return [1e30, '\u0000'];
}

const HOSTILE_PATH_VALUES = ['99999999999999999999', '1e308', 'Infinity', '-1', '%00', '%ED%A0%80', '1.5'];
const HOSTILE_QUERY_VALUES = [
  '1e308',
  'Infinity',
  '99999999999999999999',
  '-1e308',
  '%00',
  '%ED%A0%80',
  '2021-02-30',
  '2021-13-45',
];

function readOperations(document: {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/') || path.startsWith('/api/docs')) continue;
    for (const [method, operation] of Object.entries(methods)) {
      const content = (
        operation.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined
      )?.content;
      operations.push({
        method: method.toUpperCase(),
        path,
        access: '',
        parameters: (operation.parameters as Operation['parameters'] | undefined) ?? [],
        body: content?.['application/json']?.schema,
        isMultipart: content !== undefined && content['application/json'] === undefined,
      });
    }
  }
  return operations;
}

let testApp: TestApp;
let operations: Operation[];
const tokenByLogin = new Map<string, string>();

/** A logged-in demo account whose role holds the permission (undefined when none does). */
async function callerFor(access: string): Promise<Record<string, string>> {
  if (access === 'public') return {};
  const accounts = [
    ...DEMO_ACCOUNTS,
    { loginName: DEMO_INSTITUTION_OPERATOR.loginName, role: 'institution_operator' },
  ];
  const account =
    access === 'authenticated'
      ? accounts[1]
      : accounts.find((candidate) => hasPermission(candidate.role as never, access as Permission));
  if (!account) return {};
  let token = tokenByLogin.get(account.loginName);
  if (!token) {
    token = (await testApp.loginAs(account.loginName)).authorization;
    tokenByLogin.set(account.loginName, token);
  }
  return { authorization: token };
}

/**
 * Tables a refused request legitimately writes: sessions (last seen), the audit trail (checked
 * apart), and the login delays a refused login or password change counts (login_throttle).
 */
const TABLES_REFUSALS_TOUCH = ['audit_log', 'user_session', 'schema_migrations', 'login_throttle'];
/** Columns a refused request legitimately writes: a wrong current password counts as a failed login. */
const COLUMNS_REFUSALS_TOUCH = ['failed_login_count', 'locked_until', 'updated_at'];

/**
 * A fingerprint of the data: every table's row count and content hash, leaving out what a
 * refused request legitimately touches (the audit trail is checked apart: a refusal may add
 * only `denied` entries).
 */
async function fingerprint(): Promise<string> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
    order by table_name`.execute(testApp.database.db);
  const ignored = sql.join(COLUMNS_REFUSALS_TOUCH.map((column) => sql.lit(column)));
  const parts = rows
    .filter((row) => !TABLES_REFUSALS_TOUCH.includes(row.table_name))
    .map(
      (row) =>
        sql`select ${row.table_name}::text as name, count(*)::text as n, coalesce(sum(hashtext((to_jsonb(t) - array[${ignored}]::text[])::text)::bigint), 0)::text as h from ${sql.table(row.table_name)} t`,
    );
  const result = await sql<{
    name: string;
    n: string;
    h: string;
  }>`${sql.join(parts, sql` union all `)}`.execute(testApp.database.db);
  return result.rows.map((row) => `${row.name}:${row.n}:${row.h}`).join('|');
}

async function lastAuditId(): Promise<number> {
  const row = await testApp.database.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

beforeAll(async () => {
  testApp = await createTestApp();
  const response = await testApp.app.inject({ method: 'GET', url: '/api/docs/json' });
  operations = readOperations(response.json());
  const accessByRoute = new Map(
    testApp.app.routeTable.map((route) => [`${route.method} ${route.url}`, String(route.access)]),
  );
  for (const operation of operations) {
    const fastifyPath = operation.path.replace(/\{([^}]+)\}/g, ':$1');
    operation.access = accessByRoute.get(`${operation.method} ${fastifyPath}`) ?? 'public';
  }
});
afterAll(async () => {
  await testApp?.close();
});

interface HostileRequest {
  label: string;
  url: string;
  payload?: unknown;
}

/** The few hostile requests of one operation, chosen by the seeded generator. */
function hostileRequests(operation: Operation, random: () => number): HostileRequest[] {
  const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)]!;
  const pathParams = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParams = operation.parameters.filter((parameter) => parameter.in === 'query');
  const validPath = (overrides: Record<string, string> = {}) =>
    operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => overrides[name] ?? '1');
  const requests: HostileRequest[] = [];
  const body = operation.body && !operation.isMultipart ? sampleOf(operation.body) : undefined;
  const withBody = (request: HostileRequest): HostileRequest =>
    body === undefined || request.payload !== undefined ? request : { ...request, payload: body };
  for (const parameter of pathParams) {
    for (const value of [pick(HOSTILE_PATH_VALUES), '99999999999999999999']) {
      requests.push(
        withBody({ label: `path ${parameter.name}=${value}`, url: validPath({ [parameter.name]: value }) }),
      );
    }
  }
  for (const parameter of queryParams) {
    const value = pick(HOSTILE_QUERY_VALUES);
    requests.push(
      withBody({
        label: `query ${parameter.name}=${value}`,
        url: `${validPath()}?${parameter.name}=${value}`,
      }),
    );
  }
  if (queryParams.some((parameter) => parameter.name === 'page')) {
    for (const value of ['1e308', 'Infinity']) {
      requests.push(withBody({ label: `query page=${value}`, url: `${validPath()}?page=${value}` }));
    }
  }
  if (operation.body && !operation.isMultipart && body && typeof body === 'object') {
    const fields = collectFields(operation.body, body as Record<string, unknown>);
    for (const field of fields.slice(0, 12)) {
      for (const value of [pick(hostileValues(field.schema)), pick(hostileValues(field.schema))]) {
        const payload = structuredClone(body) as Record<string, unknown>;
        field.set(payload, value);
        requests.push({
          label: `body ${field.name}=${JSON.stringify(value)?.slice(0, 40)}`,
          url: validPath(),
          payload,
        });
      }
    }
  }
  return requests;
}

interface BodyField {
  name: string;
  schema: JsonSchema;
  set(body: Record<string, unknown>, value: unknown): void;
}

/** The body's fields (top level and one level of nested objects/first array item). */
function collectFields(schema: JsonSchema, sample: Record<string, unknown>, prefix = ''): BodyField[] {
  const fields: BodyField[] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    fields.push({
      name: path,
      schema: child,
      set: (body, value) => setPath(body, path.split('.'), value),
    });
    const childType = Array.isArray(child.type) ? child.type[0] : child.type;
    if (!prefix && childType === 'object' && sample[name] && typeof sample[name] === 'object') {
      fields.push(...collectFields(child, sample[name] as Record<string, unknown>, `${name}.`));
    }
    if (!prefix && childType === 'array' && child.items?.type === 'object') {
      for (const [itemName, itemSchema] of Object.entries(child.items.properties ?? {})) {
        fields.push({
          name: `${name}[0].${itemName}`,
          schema: itemSchema,
          set: (body, value) => {
            const list = (body[name] as Array<Record<string, unknown>> | undefined) ?? [{}];
            list[0] = { ...(list[0] ?? {}), [itemName]: value };
            body[name] = list;
          },
        });
      }
    }
  }
  return fields;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] = (node[key] && typeof node[key] === 'object' ? node[key] : {}) as Record<string, unknown>;
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

describe('hostile input on every operation (OpenAPI-driven fuzz, seeded)', () => {
  it('answers no request with a 5xx, and an operation refused every time changes no data', async () => {
    const random = seededRandom(20261205);
    const failures: string[] = [];
    let sent = 0;
    expect(operations.length).toBeGreaterThan(100);
    for (const operation of operations) {
      const headers = await callerFor(operation.access);
      const before = await fingerprint();
      const auditBefore = await lastAuditId();
      let wasAlwaysRefused = true;
      for (const request of hostileRequests(operation, random)) {
        const response = await testApp.app.inject({
          method: operation.method as 'GET',
          url: request.url,
          headers: {
            ...headers,
            ...(request.payload === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(request.payload === undefined ? {} : { payload: JSON.stringify(request.payload) }),
        });
        sent += 1;
        if (response.statusCode >= 500) {
          failures.push(
            `${operation.method} ${operation.path} ${request.label} → ${response.statusCode} ${response.body.slice(0, 200)}`,
          );
        }
        if (response.statusCode < 400) wasAlwaysRefused = false;
      }
      if (wasAlwaysRefused) {
        const after = await fingerprint();
        if (after !== before)
          failures.push(
            `${operation.method} ${operation.path}: data changed although every request was refused`,
          );
        const newAudit = await testApp.database.db
          .selectFrom('audit_log')
          .select(['action', 'outcome'])
          .where('id', '>', auditBefore)
          .execute();
        const written = newAudit.filter((entry) => entry.outcome === 'success');
        if (written.length > 0)
          failures.push(
            `${operation.method} ${operation.path}: refused, yet audited ${written.map((entry) => entry.action).join(', ')}`,
          );
      }
    }
    expect(sent).toBeGreaterThan(operations.length);
    expect(failures).toEqual([]);
  });
});
