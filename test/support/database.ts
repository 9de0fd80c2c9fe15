import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import { seedDemo } from '../../src/demo/demo.service.ts';

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or, when
 * DATABASE_URL is set (CI's second pass), a throwaway PostgreSQL database created beside the
 * one the URL names and dropped on close. Under vitest it starts as a copy of the database the
 * suite migrated once (test/support/template.global.ts); `migrate` then finds nothing pending.
 * `{ migrated: false }` gives an empty database (migration tests). `{ seeded: true }` gives one
 * with the demo data (`seedDemo`), copied from the suite's seeded template when there is one
 * (seeding it costs about 3 s of CPU per database), seeded here otherwise.
 */
export async function createTestDatabase(
  options: { migrated?: boolean; seeded?: boolean; onQuery?: (sqlText: string) => void } = {},
): Promise<DatabaseHandle> {
  const baseUrl = process.env.DATABASE_URL;
  const migrated = options.migrated !== false || options.seeded === true;
  const seededTemplate = options.seeded
    ? provided(baseUrl ? 'postgresSeededTemplate' : 'pgliteSeededTemplateFile')
    : undefined;
  const handle = baseUrl
    ? await openThrowawayPostgres(
        baseUrl,
        seededTemplate ?? (migrated ? provided('postgresTemplate') : undefined),
        options.onQuery,
      )
    : await openDatabase({
        ...(migrated
          ? {
              loadDataDir: pgliteTemplate(seededTemplate ? 'pgliteSeededTemplateFile' : 'pgliteTemplateFile'),
            }
          : {}),
        onQuery: options.onQuery,
      });
  if (migrated) await migrate(handle);
  // Without the suite's seeded template (outside vitest): seed here.
  if (options.seeded && !seededTemplate) await seedDemo(handle.db);
  return handle;
}

type TemplateKey =
  | 'pgliteTemplateFile'
  | 'postgresTemplate'
  | 'pgliteSeededTemplateFile'
  | 'postgresSeededTemplate';

/** A value the suite's globalSetup provided, or undefined outside vitest or without it. */
function provided(key: TemplateKey): string | undefined {
  try {
    return inject(key) || undefined;
  } catch {
    return undefined;
  }
}

const pgliteTemplateBlobs = new Map<string, Blob>();
/** A PGlite template (migrated, or migrated and seeded), read once per worker. */
function pgliteTemplate(key: 'pgliteTemplateFile' | 'pgliteSeededTemplateFile'): Blob | undefined {
  const file = provided(key);
  if (!file) return undefined;
  let blob = pgliteTemplateBlobs.get(file);
  if (!blob) {
    blob = new Blob([fs.readFileSync(file)]);
    pgliteTemplateBlobs.set(file, blob);
  }
  return blob;
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
