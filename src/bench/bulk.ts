import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { pgliteCopier } from '../db/copy.ts';
import { type DatabaseHandle, openDatabase, parseInt8 } from '../db/database.ts';
import { PgliteDialect } from '../db/pglite-dialect.ts';
import type { Database } from '../db/schema.ts';

/**
 * The fastest bulk-load path each database offers to this code base:
 *
 * - PostgreSQL (node-postgres without pg-copy-streams, so no `COPY … FROM STDIN`): one
 *   `INSERT … SELECT … FROM unnest($1::bigint[], $2::text[], …)` per chunk — one statement, one
 *   parameter per column whatever the row count — with two chunks in flight on two connections
 *   so the client builds the next chunk while the server writes the previous one.
 * - PGlite: `COPY … FROM '/dev/blob'` with the chunk as a CSV blob (PGlite's own COPY path).
 *
 * Ids are assigned by the generator (`OVERRIDING SYSTEM VALUE`; COPY writes identity columns as
 * given) so foreign keys need no round trip; `resetIdentity` moves the sequences past them.
 */
export type ColumnType = 'bigint' | 'int' | 'text' | 'date' | 'timestamptz' | 'boolean' | 'jsonb' | 'numeric';

export interface TableSpec {
  name: string;
  columns: readonly (readonly [string, ColumnType])[];
  /** Whether the table has a generated-always identity `id` that the rows supply. */
  hasIdentity: boolean;
}

export interface BulkTarget {
  readonly kind: 'postgres' | 'pglite';
  readonly database: DatabaseHandle;
  /** Queues rows for insertion; resolves once they are accepted (they may still be in flight). */
  write(table: TableSpec, rows: unknown[][]): Promise<void>;
  /** Waits until every queued write has committed (a barrier between dependent tables). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

const ARRAY_TYPE: Record<ColumnType, string> = {
  bigint: 'bigint[]',
  int: 'int[]',
  text: 'text[]',
  date: 'date[]',
  timestamptz: 'timestamptz[]',
  boolean: 'boolean[]',
  jsonb: 'text[]',
  numeric: 'numeric[]',
};

class PostgresTarget implements BulkTarget {
  readonly kind = 'postgres' as const;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(
    readonly database: DatabaseHandle,
    private readonly maxInFlight: number,
  ) {}

  async write(table: TableSpec, rows: unknown[][]): Promise<void> {
    if (this.failure) throw this.failure;
    if (rows.length === 0) return;
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    const columns = table.columns.map(([name]) => name);
    const arrays = table.columns.map((_, index) => rows.map((row) => row[index] ?? null));
    const selectList = table.columns
      .map(([name, type]) => (type === 'jsonb' ? `u.${name}::jsonb` : `u.${name}`))
      .join(', ');
    const unnestArgs = sql.join(
      table.columns.map(([, type], index) => sql`${arrays[index]}::${sql.raw(ARRAY_TYPE[type])}`),
    );
    const query = sql`insert into ${sql.table(table.name)} (${sql.raw(columns.join(', '))})
      ${sql.raw(table.hasIdentity ? 'overriding system value' : '')}
      select ${sql.raw(selectList)} from unnest(${unnestArgs}) as u(${sql.raw(columns.join(', '))})`;
    const promise: Promise<void> = query
      .execute(this.database.db)
      .then(() => undefined)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.inFlight.delete(promise);
      });
    this.inFlight.add(promise);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await this.drain().finally(() => this.database.close());
  }
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  if (text === '' || /[",\n\r]/.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

class PgliteTarget implements BulkTarget {
  readonly kind = 'pglite' as const;

  constructor(
    readonly database: DatabaseHandle,
    private readonly pglite: PGlite,
  ) {}

  async write(table: TableSpec, rows: unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    const lines: string[] = new Array(rows.length);
    for (let index = 0; index < rows.length; index += 1) lines[index] = rows[index]!.map(csvField).join(',');
    const columns = table.columns.map(([name]) => name).join(', ');
    await this.pglite.query(`copy ${table.name} (${columns}) from '/dev/blob' with (format csv)`, [], {
      blob: new Blob([`${lines.join('\n')}\n`]),
    });
  }

  async drain(): Promise<void> {}

  async close(): Promise<void> {
    await this.database.close();
  }
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const identity = (value: string): string => value;

/** Opens PGlite keeping its handle (for COPY), wrapped as the application's DatabaseHandle. */
export async function openPgliteWithHandle(
  dataDir?: string,
): Promise<{ database: DatabaseHandle; pglite: PGlite }> {
  const isMemory = dataDir === undefined || dataDir.startsWith('memory://');
  if (!isMemory) fs.mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(isMemory ? undefined : dataDir);
  await pglite.waitReady;
  const db = new Kysely<Database>({
    dialect: new PgliteDialect(pglite, { [INT8]: parseInt8, [NUMERIC]: identity, [DATE]: identity }),
  });
  const database: DatabaseHandle = {
    db,
    kind: 'pglite',
    copyRows: pgliteCopier(pglite),
    async runScript(_executor, script) {
      await pglite.exec(script);
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
  return { database, pglite };
}

/** The bulk target of the configured database: PostgreSQL when a URL is given, else PGlite. */
export async function openBulkTarget(options: {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  pglite?: { database: DatabaseHandle; pglite: PGlite };
}): Promise<BulkTarget> {
  if (options.databaseUrl) {
    const database = await openDatabase({ databaseUrl: options.databaseUrl, poolSize: 4 });
    return new PostgresTarget(database, 2);
  }
  const opened = options.pglite ?? (await openPgliteWithHandle(options.dataDir));
  return new PgliteTarget(opened.database, opened.pglite);
}

/** Wraps an already open database (PostgreSQL only; PGlite needs its handle for COPY). */
export function postgresTarget(database: DatabaseHandle, maxInFlight = 2): BulkTarget {
  return new PostgresTarget(database, maxInFlight);
}

export function pgliteTarget(database: DatabaseHandle, pglite: PGlite): BulkTarget {
  return new PgliteTarget(database, pglite);
}

/** Moves each table's identity sequence past the ids the generator wrote. */
export async function resetIdentity(database: DatabaseHandle, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'),
      greatest((select coalesce(max(id), 0) from ${sql.table(table)}), 1))`.execute(database.db);
  }
}
