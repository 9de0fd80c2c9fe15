import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Executor } from './executor.types.ts';

/**
 * Bulk writes by `COPY … FROM` on the executor's connection (inside its transaction): on
 * PostgreSQL through pg-copy-streams (`COPY … FROM STDIN`), on PGlite through its
 * `COPY … FROM '/dev/blob'`. Rows are encoded in COPY's text format. COPY writes identity
 * columns as given (the caller assigns ids, e.g. from `nextIds`), has no `on conflict` and
 * returns nothing.
 */
export type CopyRows = (
  executor: Executor,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
) => Promise<void>;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NEEDS_ESCAPE = /[\\\t\n\r]/;

function textField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  else if (typeof value === 'boolean') return value ? 't' : 'f';
  else if (value instanceof Date) return value.toISOString();
  else text = JSON.stringify(value);
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\t\n\r]/g, (char) => ESCAPES[char]!) : text;
}

/** Rows in COPY's text format (tab-separated, `\N` for null; objects as JSON). */
export function copyText(rows: readonly (readonly unknown[])[]): string {
  const lines: string[] = new Array(rows.length);
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index]!;
    let line = '';
    for (let column = 0; column < row.length; column += 1)
      line += column === 0 ? textField(row[column]) : `\t${textField(row[column])}`;
    lines[index] = line;
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

const statement = (table: string, columns: readonly string[], source: string) =>
  `copy ${table} (${columns.join(', ')}) from ${source}`;

/**
 * PostgreSQL: the pool's clients by server process id, so the client that holds an executor's
 * transaction is found with one `select pg_backend_pid()`; the COPY then runs on that client.
 */
export function postgresCopier(pool: pg.Pool): CopyRows {
  const clients = new Map<number, pg.PoolClient>();
  pool.on('connect', (client) => {
    const pid = (client as unknown as { processID: number }).processID;
    clients.set(pid, client);
    client.on('end', () => clients.delete(pid));
  });
  // A transaction stays on its connection: its server process is asked once, not once per COPY.
  const pidOfTransaction = new WeakMap<Executor, number>();
  return async (executor, table, columns, rows) => {
    if (rows.length === 0) return;
    let pid = executor.isTransaction ? pidOfTransaction.get(executor) : undefined;
    if (pid === undefined) {
      pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(executor)).rows[0]!.pid;
      if (executor.isTransaction) pidOfTransaction.set(executor, pid);
    }
    const client = clients.get(pid);
    if (!client) throw new Error(`no pooled client for server process ${pid}`);
    // Loaded on first use: only bulk writers need it (an install without it still serves the API).
    const { from: copyFrom } = await import('pg-copy-streams');
    const stream = client.query(copyFrom(statement(table, columns, 'stdin')));
    await pipeline(
      (async function* () {
        // In pieces of about 1,000 rows: the text of a whole batch is never held twice.
        for (let start = 0; start < rows.length; start += 1000)
          yield copyText(rows.slice(start, start + 1000));
      })(),
      stream,
    );
  };
}

/** PGlite: its one connection holds the executor's transaction; COPY reads the rows as a blob. */
export function pgliteCopier(pglite: PGlite): CopyRows {
  return async (_executor, table, columns, rows) => {
    if (rows.length === 0) return;
    await pglite.query(statement(table, columns, `'/dev/blob'`), [], {
      blob: new Blob([copyText(rows)]),
    });
  };
}

/** `count` fresh values of a table's identity sequence (ids for rows written by COPY). */
export async function nextIds(executor: Executor, table: string, count: number): Promise<number[]> {
  if (count === 0) return [];
  const result = await sql<{ id: number }>`select nextval(pg_get_serial_sequence(${table}, 'id')) as id
    from generate_series(1, ${count})`.execute(executor);
  return result.rows.map((row) => Number(row.id));
}

/**
 * Writes rows given as arrays in the columns' order: by COPY when the caller gives a copier,
 * else in one `json_to_recordset` insert (identity ids as given: `overriding system value`).
 */
export async function writeRows(
  executor: Executor,
  copy: CopyRows | undefined,
  table: string,
  columns: readonly (readonly [string, string])[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  if (rows.length === 0) return;
  if (copy) {
    await copy(
      executor,
      table,
      columns.map(([name]) => name),
      rows,
    );
    return;
  }
  const names = columns.map(([name]) => name).join(', ');
  const definition = columns.map(([name, type]) => `${name} ${type}`).join(', ');
  const objects = rows.map((row) => Object.fromEntries(columns.map(([name], index) => [name, row[index]])));
  await sql`insert into ${sql.table(table)} (${sql.raw(names)})
    ${sql.raw(columns[0]![0] === 'id' ? 'overriding system value' : '')}
    select ${sql.raw(names)} from json_to_recordset(${JSON.stringify(objects)}::json) as x(${sql.raw(definition)})`.execute(
    executor,
  );
}
