import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { EvaluateRequest, EvaluateResponse } from '../policy/evaluate.types.ts';

/**
 * Lean storage of a claim line's stored request and decision (issue 22, docs/performance.md).
 *
 * Most lines of a class share their request but for a few person facts, and most lines of a
 * province-year share one of a few hundred decisions. A line may therefore store:
 *
 * - `request_shape`: the sha-256 of the canonical JSON of the request without the line's own
 *   facts (region, date, subsidy, mode, the class's training facts); the shape is stored once in
 *   `claim_line_shape` (per province), and `request` holds only the line's own facts — `person`,
 *   `employment`, `certificate`, `history` and the trainee's hours in `training`
 *   (`offlineDays`, `onlineDays`, `classHours`). The full request is the shape with the facts laid
 *   over it (`training` merged key by key): `joinRequest` here, `claim_request_of` in SQL.
 * - `decision_shape`: the sha-256 of the canonical JSON of the whole decision, stored once in
 *   `claim_line_shape`; `decision` is then null.
 *
 * A line without shapes (the interactive path) stores both in full, as before. SQL that reads a
 * person fact (`request -> 'person'`, `-> 'employment'`, `-> 'certificate'`, `-> 'training' ->>
 * 'offlineDays'`) reads it in either form; the view `claim_line_record` and `withStoredForms`
 * give the full request and decision of any line.
 */

/** The request keys that are the line's own facts (stored in the line, not in the shape). */
const LINE_KEYS = ['person', 'employment', 'certificate', 'history'] as const;
/** The `training` keys that are the trainee's own (attended hours), not the class's. */
const LINE_TRAINING_KEYS = ['offlineDays', 'onlineDays', 'classHours'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** JSON with object keys sorted at every level (the form that is hashed). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) out += ',';
      const item = value[index];
      out += item === undefined ? 'null' : canonicalJson(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
    first = false;
  }
  return `${out}}`;
}

export interface Shape {
  hash: string;
  /** The canonical JSON text (what is stored as `claim_line_shape.body`). */
  json: string;
}

/** The content address of a JSON value: sha-256 (hex) of its canonical JSON. */
export function shapeOf(value: unknown): Shape {
  const json = canonicalJson(value);
  return { hash: createHash('sha256').update(json).digest('hex'), json };
}

/** Splits a request into its shape (shared by a class's lines) and the line's own facts. */
export function splitRequest(request: EvaluateRequest): {
  shape: Record<string, unknown>;
  facts: Record<string, unknown>;
} {
  const shape: Record<string, unknown> = {};
  const facts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined) continue;
    if ((LINE_KEYS as readonly string[]).includes(key)) facts[key] = value;
    else if (key === 'training' && value && typeof value === 'object') {
      const classPart: Record<string, unknown> = {};
      const linePart: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(value)) {
        if (item === undefined) continue;
        if ((LINE_TRAINING_KEYS as readonly string[]).includes(name)) linePart[name] = item;
        else classPart[name] = item;
      }
      shape.training = classPart;
      if (Object.keys(linePart).length > 0) facts.training = linePart;
    } else shape[key] = value;
  }
  return { shape, facts };
}

/** The full request of a line from its shape and its own facts (the inverse of `splitRequest`). */
export function joinRequest(shape: Record<string, unknown>, facts: Record<string, unknown>): EvaluateRequest {
  const joined: Record<string, unknown> = { ...shape, ...facts };
  if (shape.training !== undefined || facts.training !== undefined)
    joined.training = {
      ...(shape.training as Record<string, unknown> | undefined),
      ...(facts.training as Record<string, unknown> | undefined),
    };
  return joined as unknown as EvaluateRequest;
}

/** The columns of a claim line that hold its stored forms. */
export interface StoredFormColumns {
  province_code: string;
  request: unknown;
  decision: unknown;
  request_shape: string | null;
  decision_shape: string | null;
}

/**
 * Gives lines read from `claim_line` their full request and decision (one read of the shapes
 * they name, by province and hash); lines stored in full come back unchanged.
 */
export async function withStoredForms<Row extends StoredFormColumns>(
  executor: Executor,
  rows: readonly Row[],
): Promise<(Row & { request: EvaluateRequest; decision: EvaluateResponse })[]> {
  const wanted = new Map<string, Set<string>>();
  for (const row of rows) {
    for (const hash of [row.request_shape, row.decision_shape]) {
      if (hash === null) continue;
      const set = wanted.get(row.province_code) ?? new Set<string>();
      set.add(hash);
      wanted.set(row.province_code, set);
    }
  }
  const bodies = new Map<string, Json>();
  for (const [provinceCode, hashes] of wanted) {
    const found = await sql<{ hash: string; body: Json }>`select hash, body from claim_line_shape
      where province_code = ${provinceCode} and hash = any(${[...hashes]}::text[])`.execute(executor);
    for (const row of found.rows) bodies.set(`${provinceCode}|${row.hash}`, row.body);
  }
  const bodyOf = (provinceCode: string, hash: string) => {
    const body = bodies.get(`${provinceCode}|${hash}`);
    if (body === undefined) throw new Error(`claim_line_shape ${provinceCode}/${hash} is missing`);
    return body;
  };
  return rows.map((row) => ({
    ...row,
    request:
      row.request_shape === null
        ? (row.request as EvaluateRequest)
        : joinRequest(
            bodyOf(row.province_code, row.request_shape) as Record<string, unknown>,
            row.request as Record<string, unknown>,
          ),
    decision:
      row.decision_shape === null
        ? (row.decision as EvaluateResponse)
        : (bodyOf(row.province_code, row.decision_shape) as unknown as EvaluateResponse),
  }));
}
