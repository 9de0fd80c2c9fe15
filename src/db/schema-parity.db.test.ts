import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, isPostgresRun } from '../../test/support/database.ts';
import { type DatabaseHandle, openDatabase } from './database.ts';
import { migrate } from './migrator.ts';
import { describeSchema } from './schema-snapshot.ts';

// Runs in CI's PostgreSQL pass (DATABASE_URL set): the same migrations on PGlite and on
// PostgreSQL must give the same schema, column by column, constraint by constraint.
describe.runIf(isPostgresRun())('migrations give the same schema on PGlite and PostgreSQL', () => {
  let postgres: DatabaseHandle;
  let pglite: DatabaseHandle;
  beforeAll(async () => {
    postgres = await createTestDatabase();
    pglite = await openDatabase({});
    await migrate(pglite);
  });
  afterAll(async () => {
    await postgres.close();
    await pglite.close();
  });

  it('is identical', async () => {
    expect(postgres.kind).toBe('postgres');
    expect(pglite.kind).toBe('pglite');
    const onPostgres = await describeSchema(postgres.db);
    const onPglite = await describeSchema(pglite.db);
    expect(onPostgres.columns.length).toBeGreaterThan(10);
    expect(onPglite).toEqual(onPostgres);
  });
});
