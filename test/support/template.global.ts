import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** File holding a PGlite dump of a freshly migrated database ('' on a PostgreSQL run). */
    pgliteTemplateFile: string;
    /** Name of a migrated PostgreSQL database to copy (CREATE DATABASE … TEMPLATE), '' on PGlite. */
    postgresTemplate: string;
  }
}

/**
 * Migrates one database before the suite; every test database starts as a copy of it instead of
 * running initdb and every migration again (test/support/database.ts). PGlite: the template is a
 * dump of the data directory that each test database loads. PostgreSQL (DATABASE_URL): a
 * template database each test database is created from, dropped after the run.
 */
export default async function setup(project: TestProject) {
  const baseUrl = process.env.DATABASE_URL;
  if (baseUrl) {
    const name = `sf_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 1 });
    await migrate(handle);
    await handle.close();
    project.provide('postgresTemplate', name);
    project.provide('pgliteTemplateFile', '');
    return async () => {
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-template-'));
  const file = path.join(dir, 'migrated.tar');
  const handle = await openDatabase({});
  await migrate(handle);
  const dump = await handle.dumpDataDir!();
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide('pgliteTemplateFile', file);
  project.provide('postgresTemplate', '');
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
