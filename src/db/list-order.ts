import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { ListSort, SortOrder } from '../shared/schemas.ts';

/**
 * How a paged list may be sorted (docs/CONVENTIONS.md, "Lists"): the SQL column behind each
 * sortable field, the id column that breaks ties, and the order of the list when no `sort` is
 * asked for. Only the fields named here can reach the SQL (the route's schema refuses others).
 */
export interface ListOrdering<Field extends string> {
  /** Each sortable field's column reference (`claim.application_date`, or an output alias). */
  columns: Readonly<Record<Field, string>>;
  /** Text fields, compared by code point (`collate "C"`): the same order on PGlite and PostgreSQL. */
  textFields?: ReadonlyArray<Field>;
  /** The id column: the tie-break, in the same direction, so every order is total and stable. */
  id: string;
  /** The order without `sort` (`order` alone turns its direction). */
  byDefault: { sort: Field; order: SortOrder };
}

/**
 * Appends the requested order (or the list's default) to a list query, before its limit and
 * offset: the sorted field with empty values last in either direction, then the id.
 */
export function orderList<DB, TB extends keyof DB, O, Field extends string>(
  query: SelectQueryBuilder<DB, TB, O>,
  ordering: ListOrdering<Field>,
  requested: ListSort<Field>,
): SelectQueryBuilder<DB, TB, O> {
  const field = requested.sort ?? ordering.byDefault.sort;
  const order = requested.order ?? (requested.sort ? 'asc' : ordering.byDefault.order);
  const column = ordering.columns[field];
  let ordered = query.orderBy(expressionOf(column, ordering.textFields?.includes(field) ?? false), (item) =>
    order === 'desc' ? item.desc().nullsLast() : item.asc().nullsLast(),
  );
  if (column !== ordering.id) ordered = ordered.orderBy(sql.ref(ordering.id), order);
  return ordered;
}

function expressionOf(column: string, isText: boolean): RawBuilder<unknown> {
  return isText ? sql`${sql.ref(column)} collate "C"` : sql`${sql.ref(column)}`;
}
