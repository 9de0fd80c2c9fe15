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

async function openThrowawayPostgres(baseUrl: string): Promise<DatabaseHandle> {
  const name = `sf_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 20 });
  return {
    ...handle,
    async close() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
