import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.ts';
import type { DatabaseHandle } from './database.ts';
import { MIGRATIONS_DIR, migrate, readMigrations } from './migrator.ts';
import { describeSchema } from './schema-snapshot.ts';

function migrationsPlus(extra: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-migrations-'));
  for (const file of fs.readdirSync(MIGRATIONS_DIR))
    fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  for (const [file, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

describe('migrator', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => database.close());

  it('applies every migration once, and a second run changes nothing', async () => {
    const first = await migrate(database);
    expect(first.applied).toEqual(readMigrations().map((migration) => migration.version));
    const schemaAfterFirst = await describeSchema(database.db);
    const second = await migrate(database);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(first.applied.length);
    expect(await describeSchema(database.db)).toEqual(schemaAfterFirst);
  });

  it('rolls back a failing migration completely, leaving the database as it was', async () => {
    const before = await describeSchema(database.db);
    const dir = migrationsPlus({
      '29990101000000_good_part.sql': 'create table half_done (id int primary key, province_code text);',
      '29990101000001_bad_part.sql': 'create table other_half (id int); select * from no_such_table;',
    });
    await expect(migrate(database, dir)).rejects.toThrow(/29990101000001_bad_part failed/);
    expect(await describeSchema(database.db)).toEqual(before);
    const versions = await sql<{ version: string }>`select version from schema_migrations`.execute(
      database.db,
    );
    expect(versions.rows.map((row) => row.version)).not.toContain('29990101000000');
  });

  it('refuses a migration file that changed after it was applied', async () => {
    const [first] = readMigrations();
    const dir = migrationsPlus({});
    fs.appendFileSync(path.join(dir, `${first!.version}_${first!.name}.sql`), '\n-- edited\n');
    await expect(migrate(database, dir)).rejects.toThrow(/was changed after it was applied/);
  });

  it('refuses a file name without a timestamp', async () => {
    const dir = migrationsPlus({ 'add_things.sql': 'select 1;' });
    expect(() => readMigrations(dir)).toThrow(/14-digit timestamp/);
  });
});
