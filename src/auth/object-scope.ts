import { AppError } from '../shared/errors.ts';
import type { Principal } from './scope.ts';

/**
 * Object scope of the ids a request names outside its path (body and query). Every route whose
 * body or query string has a property named `…Id` or `…Ids` declares, in `config.scopedIds`,
 * which object each of them names; `buildApp` refuses to build a route that leaves one
 * undeclared, and checks every declared id against the caller's scope before the handler runs.
 * Scope means which records the caller may see (the same rules as the path ids and the lists),
 * never where a worker comes from: a person of another province is named by ID number and name
 * (the real-name way, 渝人社发〔2021〕12号 八), not refused for his hukou.
 */

/** The kinds of object a body or query id can name. */
export const SCOPED_OBJECT_KINDS = [
  'person',
  'organisation',
  'class',
  'claim',
  'certificate',
  'assessment',
  'employmentRecord',
  'ledgerAccount',
  'bankStatement',
  'statementLine',
  'alert',
  'reportSnapshot',
  'user',
] as const;
export type ScopedObjectKind = (typeof SCOPED_OBJECT_KINDS)[number];

/**
 * What one id field names: an object kind checked centrally, or `{ unscoped }` with the reason
 * it needs no central check (a string key, a line of the path's own object checked by the
 * service, reference data every caller may read).
 */
export type IdDeclaration = ScopedObjectKind | { unscoped: string };

/**
 * Keys are locations: `body.personId`, `body.records[].personId`, `body.claim.classId`,
 * `body.claimIds[]`, `query.institutionId`.
 */
export type ScopedIds = Readonly<Record<string, IdDeclaration>>;

/** Names the objects of one kind, among `ids`, that the caller may see (the port buildApp gets). */
export type VisibleIds = (
  principal: Principal,
  kind: ScopedObjectKind,
  ids: readonly number[],
) => Promise<Set<number>>;

const ID_NAME = /(Id|Ids)$/;

/** Every `…Id`/`…Ids` property of a JSON schema, as locations (`records[].personId`). */
export function idLocationsOf(schema: unknown, prefix: string): string[] {
  const found: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (!node || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    const properties = object.properties as Record<string, unknown> | undefined;
    for (const [name, child] of Object.entries(properties ?? {})) {
      const childPath = `${path}.${name}`;
      const childSchema = child as { type?: unknown; items?: unknown };
      const isArray = childSchema?.type === 'array';
      if (ID_NAME.test(name)) found.push(isArray ? `${childPath}[]` : childPath);
      walk(isArray ? childSchema.items : child, isArray ? `${childPath}[]` : childPath);
    }
    if (object.items && object.type !== 'array') walk(object.items, `${path}[]`);
    for (const key of ['anyOf', 'oneOf', 'allOf']) {
      if (Array.isArray(object[key])) for (const branch of object[key] as unknown[]) walk(branch, path);
    }
  };
  walk(schema, prefix);
  return [...new Set(found)];
}

/** The values at a location (`body.records[].personId`) of a request part. */
export function valuesAt(root: unknown, location: string): unknown[] {
  const steps = location.split('.').slice(1);
  let values: unknown[] = [root];
  for (const step of steps) {
    const isArray = step.endsWith('[]');
    const name = isArray ? step.slice(0, -2) : step;
    const next: unknown[] = [];
    for (const value of values) {
      if (!value || typeof value !== 'object') continue;
      const child = (value as Record<string, unknown>)[name];
      if (isArray && Array.isArray(child)) next.push(...child);
      else if (!isArray && child !== undefined && child !== null) next.push(child);
    }
    values = next;
  }
  return values;
}

/** The location as error details name a field: `body.records[].personId` → `records[].personId`. */
export const fieldOf = (location: string) => location.split('.').slice(1).join('.');

/**
 * Refuses (404, the same answer for an id that does not exist and one outside the caller's
 * scope) the first declared id the caller may not see. Nothing about the object is echoed.
 */
export async function assertNamedIdsInScope(
  principal: Principal,
  declarations: ScopedIds,
  parts: { body: unknown; query: unknown },
  visibleIds: VisibleIds,
): Promise<void> {
  for (const [location, declaration] of Object.entries(declarations)) {
    if (typeof declaration !== 'string') continue;
    const root = location.startsWith('body.') ? parts.body : parts.query;
    const ids = valuesAt(root, location).filter((value): value is number => typeof value === 'number');
    if (ids.length === 0) continue;
    const visible = await visibleIds(principal, declaration, [...new Set(ids)]);
    const missing = ids.find((id) => !visible.has(id));
    if (missing !== undefined) {
      throw new AppError('NOT_FOUND', `所指对象不存在或不在本账号可见范围内：${fieldOf(location)}`, [
        { field: fieldOf(location), message: `不存在或不在本账号可见范围内：${missing}` },
      ]);
    }
  }
}
