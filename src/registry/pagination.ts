import { PAGE_QUERY_SCHEMA_PROPERTIES } from '../shared/schemas.ts';

/** One page of a list: `{ items, total, page, pageSize }` (docs/CONVENTIONS.md). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface PageRequest {
  page: number;
  pageSize: number;
}

/** JSON-schema properties every list endpoint accepts in its query string. */
export const PAGE_QUERY_PROPERTIES = PAGE_QUERY_SCHEMA_PROPERTIES;

/** A query-string filter schema with its meaning, for the OpenAPI document. */
export function described<const T extends object>(
  schema: T,
  description: string,
): T & { description: string } {
  return { ...schema, description };
}

export function offsetOf(request: PageRequest): number {
  return (request.page - 1) * request.pageSize;
}

/** The instant a China-time calendar day (YYYY-MM-DD) starts. */
export function chinaDayStart(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/** The instant after a China-time calendar day ends (exclusive bound). */
export function chinaDayEnd(date: string): Date {
  return new Date(chinaDayStart(date).getTime() + 24 * 60 * 60 * 1000);
}
