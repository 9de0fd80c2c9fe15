import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import { seedDemo } from '../../src/demo/demo.service.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** File holding a PGlite dump of a freshly migrated database ('' on a PostgreSQL run). */
    pgliteTemplateFile: string;
    /** Name of a migrated PostgreSQL database to copy (CREATE DATABASE … TEMPLATE), '' on PGlite. */
    postgresTemplate: string;
    /** The same as `pgliteTemplateFile` with the demo data seeded (`seedDemo`). */
    pgliteSeededTemplateFile: string;
    /** The same as `postgresTemplate` with the demo data seeded (`seedDemo`). */
    postgresSeededTemplate: string;
  }
}

/**
 * Migrates one database before the suite; every test database starts as a copy of it instead of
 * running initdb and every migration again (test/support/database.ts). A second template holds
 * the same database with the demo data (`seedDemo`, about 3 s of CPU: argon2 hashes, password
 * checks, regions and the ledger's demo funds), which most test apps start from
 * (`createTestDatabase({ seeded: true })`, `createTestApp`). PGlite: the templates are dumps of
 * the data directory that each test database loads. PostgreSQL (DATABASE_URL): template
 * databases each test database is created from, dropped after the run.
 */
export default async function setup(project: TestProject) {
  const baseUrl = process.env.DATABASE_URL;
  if (baseUrl) {
    const name = `sf_template_${process.pid}`;
    const seededName = `sf_template_seeded_${process.pid}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${seededName} with (force)`);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    const urlOf = (database: string) => {
      const url = new URL(baseUrl);
      url.pathname = `/${database}`;
      return url.toString();
    };
    const handle = await openDatabase({ databaseUrl: urlOf(name), poolSize: 1 });
    await migrate(handle);
    await handle.close();
    await admin.query(`create database ${seededName} template ${name}`);
    const seeded = await openDatabase({ databaseUrl: urlOf(seededName), poolSize: 1 });
    await seedDemo(seeded.db);
    await seeded.close();
    await admin.end();
    project.provide('postgresTemplate', name);
    project.provide('postgresSeededTemplate', seededName);
    project.provide('pgliteTemplateFile', '');
    project.provide('pgliteSeededTemplateFile', '');
    return async () => {
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${seededName} with (force)`);
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-template-'));
  const file = path.join(dir, 'migrated.tar');
  const seededFile = path.join(dir, 'seeded.tar');
  const handle = await openDatabase({});
  await migrate(handle);
  const dump = await handle.dumpDataDir!();
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await seedDemo(handle.db);
  const seededDump = await handle.dumpDataDir!();
  fs.writeFileSync(seededFile, Buffer.from(await seededDump.arrayBuffer()));
  await handle.close();
  project.provide('pgliteTemplateFile', file);
  project.provide('pgliteSeededTemplateFile', seededFile);
  project.provide('postgresTemplate', '');
  project.provide('postgresSeededTemplate', '');
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
