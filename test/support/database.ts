import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or, when
 * DATABASE_URL is set (CI's second pass), a throwaway PostgreSQL database created beside the
 * one the URL names and dropped on close.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<DatabaseHandle> {
  const baseUrl = process.env.DATABASE_URL;
  const handle = baseUrl ? await openThrowawayPostgres(baseUrl) : await openDatabase({});
  if (options.migrated !== false) await migrate(handle);
  return handle;
}

export const isPostgresRun = (): boolean => Boolean(process.env.DATABASE_URL);

/**
 * A throwaway PostgreSQL database beside the one `baseUrl` names: its URL, and `drop` to remove
 * it (for tests that hand the URL to a child process, e.g. the CLI).
 */
export async function throwawayPostgres(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sf_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
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

async function openThrowawayPostgres(baseUrl: string): Promise<DatabaseHandle> {
  const throwaway = await throwawayPostgres(baseUrl);
  const handle = await openDatabase({ databaseUrl: throwaway.url, poolSize: 20 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await throwaway.drop();
    },
  };
}
