import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or, when
 * DATABASE_URL is set (CI's second pass), a throwaway PostgreSQL database created beside the
 * one the URL names and dropped on close. Under vitest it starts as a copy of the database the
 * suite migrated once (test/support/template.global.ts); `migrate` then finds nothing pending.
 * `{ migrated: false }` gives an empty database (migration tests).
 */
export async function createTestDatabase(
  options: { migrated?: boolean; onQuery?: (sqlText: string) => void } = {},
): Promise<DatabaseHandle> {
  const baseUrl = process.env.DATABASE_URL;
  const migrated = options.migrated !== false;
  const handle = baseUrl
    ? await openThrowawayPostgres(
        baseUrl,
        migrated ? provided('postgresTemplate') : undefined,
        options.onQuery,
      )
    : await openDatabase({
        ...(migrated ? { loadDataDir: pgliteTemplate() } : {}),
        onQuery: options.onQuery,
      });
  if (migrated) await migrate(handle);
  return handle;
}

/** A value the suite's globalSetup provided, or undefined outside vitest or without it. */
function provided(key: 'pgliteTemplateFile' | 'postgresTemplate'): string | undefined {
  try {
    return inject(key) || undefined;
  } catch {
    return undefined;
  }
}

let pgliteTemplateBlob: Blob | undefined;
/** The migrated PGlite template, read once per worker. */
function pgliteTemplate(): Blob | undefined {
  const file = provided('pgliteTemplateFile');
  if (!file) return undefined;
  pgliteTemplateBlob ??= new Blob([fs.readFileSync(file)]);
  return pgliteTemplateBlob;
}

export const isPostgresRun = (): boolean => Boolean(process.env.DATABASE_URL);

/**
 * A throwaway PostgreSQL database beside the one `baseUrl` names: its URL, and `drop` to remove
 * it (for tests that hand the URL to a child process, e.g. the CLI).
 */
export async function throwawayPostgres(
  baseUrl: string,
  template?: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sf_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

async function openThrowawayPostgres(
  baseUrl: string,
  template: string | undefined,
  onQuery?: (sqlText: string) => void,
): Promise<DatabaseHandle> {
  const throwaway = await throwawayPostgres(baseUrl, template);
  const handle = await openDatabase({ databaseUrl: throwaway.url, poolSize: 20, onQuery });
  return {
    ...handle,
    async close() {
      await handle.close();
      await throwaway.drop();
    },
  };
}
