import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type KyselyConfig, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { type CopyRows, pgliteCopier, postgresCopier } from './copy.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import type { Db, Executor } from './executor.types.ts';
import { PgliteDialect } from './pglite-dialect.ts';
import type { Database } from './schema.ts';
import {
  inlineParameters,
  isTogether,
  literal,
  type ParameterisedStatement,
  parameterisedForms,
} from './together.ts';

export type DatabaseKind = 'pglite' | 'postgres';
export type { Db, Executor, Tx } from './executor.types.ts';

/** The application's database: a Kysely instance plus what Kysely cannot express. */
export interface DatabaseHandle {
  readonly db: Db;
  readonly kind: DatabaseKind;
  /** Runs a multi-statement SQL script on the executor's connection (used by migrations). */
  runScript(executor: Executor, script: string): Promise<void>;
  /** Checks that the database answers, within the timeout. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  /** Bulk writes by COPY on an executor's connection, inside its transaction (src/db/copy.ts). */
  readonly copyRows: CopyRows;
  /** The embedded database's directory lock (one process per data dir); absent in memory and on PostgreSQL. */
  readonly dataDirLock?: DataDirLock;
  /**
   * PGlite only: a consistent copy of the data directory as a tarball (gzipped when asked), taken
   * between transactions after a checkpoint — to start another database from (`loadDataDir`, the
   * tests' template) or as a backup (`skillfund backup`). Absent on PostgreSQL (pg_dump there).
   */
  dumpDataDir?(compression?: 'gzip' | 'none'): Promise<Blob>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` or undefined for an in-memory database. */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** PGlite only: start from this dump of a data directory (`dumpDataDir`), e.g. the tests' migrated template. */
  loadDataDir?: Blob | undefined;
  /** Who opens the embedded data dir, named in the lock (default: the command line's words). */
  purpose?: string;
  /** Called with the SQL text of every statement sent through Kysely (tests of what a path sends). */
  onQuery?: ((sqlText: string) => void) | undefined;
}

/** Kysely's `log` option for `onQuery`, or nothing. */
function queryLog(onQuery: DatabaseOptions['onQuery']): KyselyConfig['log'] | undefined {
  if (!onQuery) return undefined;
  return (event) => {
    onQuery(event.query.sql);
  };
}

function commandPurpose(): string {
  const words = process.argv
    .slice(2)
    .filter((word) => !word.startsWith('-'))
    .slice(0, 2);
  return words.length > 0 ? `skillfund ${words.join(' ')}` : path.basename(process.argv[1] ?? 'node');
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

/**
 * bigint columns (all money in fen, all counters) come back as JS numbers: every amount the
 * programme handles is far below 2^53 fen, and a value that is not safe is refused loudly
 * rather than rounded.
 */
export function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed))
    throw new RangeError(`bigint value ${value} exceeds the safe integer range`);
  return parsed;
}

const identity = (value: string): string => value;

/** Opens the database chosen by the options: PostgreSQL when a URL is given, otherwise PGlite. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const log = queryLog(options.onQuery);
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10, log)
    : openPglite(options.dataDir, options.loadDataDir, options.purpose ?? commandPurpose(), log);
}

async function openPglite(
  dataDir: string | undefined,
  loadDataDir: Blob | undefined,
  purpose: string,
  log?: KyselyConfig['log'],
): Promise<DatabaseHandle> {
  const isMemory = dataDir === undefined || dataDir.startsWith('memory://');
  // Taken before PGlite touches the directory: a second process must not even start recovery on it.
  const lock = isMemory ? undefined : acquireDataDirLock(dataDir, purpose);
  let pglite: PGlite;
  try {
    if (!isMemory) fs.mkdirSync(dataDir, { recursive: true });
    pglite = new PGlite({
      ...(isMemory ? {} : { dataDir }),
      ...(loadDataDir ? { loadDataDir } : {}),
    });
    await pglite.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = new Kysely<Database>({
    dialect: new PgliteDialect(pglite, { [INT8]: parseInt8, [NUMERIC]: identity, [DATE]: identity }),
    ...(log ? { log } : {}),
  });
  return {
    db,
    kind: 'pglite',
    copyRows: pgliteCopier(pglite),
    ...(lock && { dataDirLock: lock }),
    async dumpDataDir(compression = 'none') {
      // Through Kysely's connection: the driver's mutex waits for any open transaction to end.
      return db.connection().execute(async (connection) => {
        await sql`checkpoint`.execute(connection);
        return pglite.dumpDataDir(compression);
      });
    },
    async runScript(_executor, script) {
      // The executor holds PGlite's only connection (inside its transaction), so exec runs there.
      await pglite.exec(script);
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * The pool's client: a list of statements sent together (src/db/together.ts) goes as one
 * simple-protocol query, and its results come back as one row per statement, `{ rows }`.
 */
/** Statements that PREPARE accepts (SELECT, INSERT, UPDATE, DELETE, VALUES, and WITH over them). */
const PREPARABLE = /^\s*(select|insert|update|delete|with|values)\b/i;
/** Prepared statements kept per connection (the least recently used beyond are deallocated). */
const PREPARED_PER_CONNECTION = 200;

class TogetherClient extends pg.Client {
  /** Statements prepared on this connection (text → name), oldest first; names are never reused. */
  private readonly prepared = new Map<string, string>();
  private preparedCount = 0;

  /**
   * The text to send for a list whose statements' parameters are known apart: each statement
   * PREPAREd once on this connection (plain DML and queries only) and run by EXECUTE with its
   * parameters as the same quoted literals, so PostgreSQL parses and plans it once, not every
   * time; `keep` marks the results that are the statements' own. Prepared statements outlive a
   * rolled-back transaction; after an error the names of the call are forgotten (the PREPAREs
   * after the failing statement did not run) and never reused.
   */
  private preparedText(forms: readonly ParameterisedStatement[]) {
    const parts: string[] = [];
    const keep: boolean[] = [];
    const added: string[] = [];
    for (const form of forms) {
      if (!PREPARABLE.test(form.sql)) {
        parts.push(inlineParameters(form.sql, form.parameters));
        keep.push(true);
        continue;
      }
      let name = this.prepared.get(form.sql);
      if (name) {
        // Most recently used last.
        this.prepared.delete(form.sql);
        this.prepared.set(form.sql, name);
      } else {
        this.preparedCount += 1;
        name = `together_${this.preparedCount}`;
        this.prepared.set(form.sql, name);
        added.push(form.sql);
        parts.push(`prepare ${name} as ${form.sql}`);
        keep.push(false);
      }
      const values = form.parameters.map(literal).join(', ');
      parts.push(form.parameters.length > 0 ? `execute ${name}(${values})` : `execute ${name}`);
      keep.push(true);
    }
    // The least recently used beyond the bound are deallocated at the end (a call that fails
    // before reaching them leaves them prepared and forgotten: harmless, the names are not reused).
    while (this.prepared.size > PREPARED_PER_CONNECTION) {
      const [oldest, name] = this.prepared.entries().next().value as [string, string];
      this.prepared.delete(oldest);
      parts.push(`deallocate ${name}`);
      keep.push(false);
    }
    return { text: parts.join(';\n'), keep, added };
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's query has many overloads; all but one pass through.
  override query(...args: any[]): any {
    const [text, values] = args;
    if (typeof text === 'string' && isTogether(text) && (values === undefined || values.length === 0)) {
      const forms = parameterisedForms.get(text);
      const sent = forms ? this.preparedText(forms) : undefined;
      return (
        super.query(sent ? sent.text : text) as unknown as Promise<pg.QueryResult | pg.QueryResult[]>
      ).then(
        (result) => {
          const all = Array.isArray(result) ? result : [result];
          const results = sent ? all.filter((_, index) => sent.keep[index]) : all;
          return {
            command: 'SELECT',
            rowCount: results.length,
            rows: results.map((each) => ({ rows: each.rows })),
          };
        },
        (error: unknown) => {
          for (const added of sent?.added ?? []) this.prepared.delete(added);
          throw error;
        },
      );
    }
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    return (super.query as (...rest: any[]) => any)(...args);
  }
}

async function openPostgres(
  databaseUrl: string,
  poolSize: number,
  log?: KyselyConfig['log'],
): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    Client: TogetherClient,
    // Under load a request may queue for a connection; waiting is better than failing it.
    connectionTimeoutMillis: 30_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8) return parseInt8;
        if (oid === NUMERIC || oid === DATE) return identity;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const copyRows = postgresCopier(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) });
  return {
    db,
    kind: 'postgres',
    copyRows,
    async runScript(executor, script) {
      // Without parameters pg uses the simple query protocol, which accepts many statements.
      await sql.raw(script).execute(executor);
    },
    async ping(timeoutMs = 2000) {
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('database ping timed out')), timeoutMs).unref(),
      );
      await Promise.race([sql`select 1`.execute(db), timeout]);
    },
    async close() {
      await db.destroy();
    },
  };
}
