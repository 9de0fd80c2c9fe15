import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { DatabaseHandle } from './database.ts';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  /** The timestamp prefix of the file name, e.g. `20261123090000`. */
  version: string;
  name: string;
  checksum: string;
  script: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/** A migration whose file changed after it was applied, or a file name that breaks the rules. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_PATTERN = /^(\d{14})_([a-z0-9_]+)\.sql$/;

/** Reads the migration folder: timestamp-named plain SQL files, in order. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  return files.map((file) => {
    const match = FILE_PATTERN.exec(file);
    if (!match)
      throw new MigrationError(`migration file name must be <14-digit timestamp>_<snake_name>.sql: ${file}`);
    const script = fs.readFileSync(path.join(dir, file), 'utf8');
    return {
      version: match[1]!,
      name: match[2]!,
      checksum: createHash('sha256').update(script).digest('hex'),
      script,
    };
  });
}

/**
 * Applies every pending migration in one transaction, under an advisory lock so two servers
 * starting together do not race. A failing migration rolls back the whole run: the database
 * is left exactly as it was. An applied migration whose file has since changed is refused.
 */
export async function migrate(
  handle: DatabaseHandle,
  dir: string = MIGRATIONS_DIR,
): Promise<MigrationResult> {
  const migrations = readMigrations(dir);
  // An application role that owns nothing (docs/security.md) may not create tables: when every
  // migration is applied (and unchanged) there is nothing to do, so it runs no DDL at all.
  const upToDate = await isUpToDate(handle, migrations);
  if (upToDate !== undefined) return { applied: [], alreadyApplied: upToDate };
  return handle.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(7243001)`.execute(trx);
    await sql`
      create table if not exists schema_migrations (
        version text primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`.execute(trx);
    const rows = await trx.selectFrom('schema_migrations').select(['version', 'checksum']).execute();
    const applied = new Map(rows.map((row) => [row.version, row.checksum]));
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationError(
            `migration ${migration.version}_${migration.name} was changed after it was applied; write a new migration instead`,
          );
        }
        continue;
      }
      try {
        await handle.runScript(trx, migration.script);
      } catch (error) {
        throw new MigrationError(
          `migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`,
        );
      }
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, checksum: migration.checksum })
        .execute();
      done.push(migration.version);
    }
    return { applied: done, alreadyApplied: applied.size };
  });
}

/** The number of applied migrations when every file is applied unchanged, else undefined. */
async function isUpToDate(handle: DatabaseHandle, migrations: Migration[]): Promise<number | undefined> {
  const { rows: exists } = await sql<{
    name: string | null;
  }>`select to_regclass('schema_migrations')::text as name`.execute(handle.db);
  if (!exists[0]?.name) return undefined;
  const rows = await handle.db.selectFrom('schema_migrations').select(['version', 'checksum']).execute();
  const applied = new Map(rows.map((row) => [row.version, row.checksum]));
  const isCurrent = migrations.every((migration) => applied.get(migration.version) === migration.checksum);
  return isCurrent ? applied.size : undefined;
}
