import { type Compilable, CompiledQuery, type InferResult } from 'kysely';
import pg from 'pg';
import type { Executor } from './executor.types.ts';

/**
 * Several statements in one round trip (issue 22). node-postgres cannot pipeline: it sends a
 * client's next query after the previous one's answer, and each query costs a write system call
 * and a wait on this machine's loaded cores. `sendTogether` sends a list of statements as one
 * simple-protocol query (their parameters written into the text as escaped literals) and returns
 * each statement's rows, parsed by the same type parsers as any other query.
 *
 * Each statement still runs on its own, in order, with a snapshot of its own (READ COMMITTED):
 * a statement after `pg_advisory_xact_lock` sees what the lock's previous holder committed, as
 * it would if sent alone. Inside a transaction an error in one aborts the transaction as usual;
 * outside one, the statements are one implicit transaction.
 *
 * The database drivers recognise the text by its first line (`TOGETHER_MARKER`): the PostgreSQL
 * pool's client (`TogetherClient`, src/db/database.ts) and the PGlite dialect (its `exec`) answer
 * with one row per statement, `{ rows }`. Statements are separated by `TOGETHER_SEPARATOR`, so a
 * test that records what a path sends (Kysely's log) can look at each of them
 * (test/distribution/statement-routing.db.test.ts).
 */
export const TOGETHER_MARKER = '/* together */\n';
export const TOGETHER_SEPARATOR = ';\n/* next */\n';

// biome-ignore lint/suspicious/noExplicitAny: any row type (InferResult takes the same bound).
export type Statement = Compilable<any> | CompiledQuery<any>;
/** The rows of each statement of a list. */
export type RowsOf<Q extends readonly Statement[]> = { -readonly [K in keyof Q]: InferResult<Q[K]> };

/** The statements of a text sent together (one element for an ordinary statement). */
export function statementsOf(text: string): string[] {
  return text.startsWith(TOGETHER_MARKER)
    ? text.slice(TOGETHER_MARKER.length).split(TOGETHER_SEPARATOR)
    : [text];
}

/** Whether a query text is a list of statements sent together. */
export function isTogether(text: string): boolean {
  return text.startsWith(TOGETHER_MARKER);
}

/** A statement of a list with its parameters apart (to prepare it: `TogetherClient`, src/db/database.ts). */
export interface ParameterisedStatement {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * The statements of the lists being sent, by their text, with their parameters apart. PostgreSQL
 * parses and plans a statement whose parameters are written into its text each time it runs (on
 * this machine, two thirds of the server's time per claim created: docs/performance.md); the
 * PostgreSQL pool's client prepares each statement once per connection instead and executes it
 * with the same literals. A driver that does not look here (PGlite's) runs the text as written.
 */
export const parameterisedForms = new Map<string, readonly ParameterisedStatement[]>();

/** Sends the statements in one round trip and returns the rows of each, in order. */
export async function sendTogether<const Q extends readonly Statement[]>(
  executor: Executor,
  statements: Q,
): Promise<RowsOf<Q>> {
  const compiled = statements.map((statement) => ('compile' in statement ? statement.compile() : statement));
  const texts = compiled.map((each) => inlineParameters(each.sql, each.parameters));
  const text = `${TOGETHER_MARKER}${texts.join(TOGETHER_SEPARATOR)}`;
  // Two identical lists at once share their (identical) forms; the first to end removes them and
  // the other runs as written.
  parameterisedForms.set(
    text,
    compiled.map((each) => ({ sql: each.sql, parameters: each.parameters })),
  );
  let result: { rows: { rows: unknown[] }[] };
  try {
    result = await executor.executeQuery<{ rows: unknown[] }>(CompiledQuery.raw(text));
  } finally {
    parameterisedForms.delete(text);
  }
  if (result.rows.length !== statements.length)
    throw new Error(`sent ${statements.length} statements together, got ${result.rows.length} results`);
  return result.rows.map((entry) => entry.rows) as RowsOf<Q>;
}

/**
 * A string as a SQL literal, by node-postgres's own `escapeLiteral` (quotes doubled; with
 * backslashes, an escape string E'…' with them doubled), so it reads the same whatever
 * `standard_conforming_strings` says.
 */
function stringLiteral(text: string): string {
  if (text.includes('\0')) throw new Error('a NUL character cannot be sent in a statement');
  return pg.escapeLiteral(text).trimStart();
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value) || (typeof value === 'object' && !(value instanceof Date)))
    throw new Error('only flat arrays of scalars can be sent together');
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `"${text.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

/**
 * A parameter's value as a literal of unknown type, which PostgreSQL resolves from its context as
 * it resolves an untyped parameter: every value is quoted (a negative number after a minus sign
 * would otherwise start a comment).
 */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? "'true'" : "'false'";
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} cannot be sent as a parameter`);
    return `'${value}'`;
  }
  if (typeof value === 'bigint') return `'${value}'`;
  if (typeof value === 'string') return stringLiteral(value);
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (Array.isArray(value)) return stringLiteral(`{${value.map(arrayElement).join(',')}}`);
  if (value instanceof Uint8Array) throw new Error('binary parameters cannot be sent together');
  return stringLiteral(JSON.stringify(value));
}

/**
 * Writes the `$n` parameters of a statement into its text as literals. Quoted strings and
 * identifiers and comments are left alone; a dollar-quoted string is refused (none is sent).
 */
export function inlineParameters(text: string, parameters: readonly unknown[]): string {
  let out = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === "'" || char === '"') {
      const escapes = char === "'" && /[eE]/.test(text[index - 1] ?? '') && !/\w/.test(text[index - 2] ?? '');
      let end = index + 1;
      while (end < text.length) {
        if (escapes && text[end] === '\\') end += 2;
        else if (text[end] === char && text[end + 1] === char) end += 2;
        else if (text[end] === char) break;
        else end += 1;
      }
      if (end >= text.length) throw new Error('unterminated quoted text in a statement');
      out += text.slice(index, end + 1);
      index = end + 1;
    } else if (char === '-' && text[index + 1] === '-') {
      const end = text.indexOf('\n', index);
      const stop = end === -1 ? text.length : end;
      out += text.slice(index, stop);
      index = stop;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      if (end === -1) throw new Error('unterminated comment in a statement');
      out += text.slice(index, end + 2);
      index = end + 2;
    } else if (char === '$') {
      const digits = /^\d+/.exec(text.slice(index + 1))?.[0];
      if (!digits) throw new Error('a dollar-quoted string cannot be sent together');
      const position = Number(digits);
      if (position < 1 || position > parameters.length)
        throw new Error(`parameter $${position} of ${parameters.length}`);
      out += literal(parameters[position - 1]);
      index += 1 + digits.length;
    } else {
      out += char;
      index += 1;
    }
  }
  return out;
}
