import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.ts';
import type { DatabaseHandle } from './database.ts';
import { distributionProblems } from './distribution.ts';

describe('the schema can be distributed by province (docs/scaling.md)', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  it('every non-reference table carries province_code and every unique constraint includes it', async () => {
    expect(await distributionProblems(database.db)).toEqual([]);
  });

  it('notices a table that breaks the rule', async () => {
    await database.db.transaction().execute(async (trx) => {
      await database.runScript(trx, 'create table broken_example (id bigint primary key, code text unique)');
      const problems = await distributionProblems(trx);
      expect(problems.map((problem) => problem.problem)).toEqual(
        expect.arrayContaining([
          'has no province_code column',
          'constraint broken_example_pkey does not include province_code',
          'constraint broken_example_code_key does not include province_code',
        ]),
      );
      await database.runScript(trx, 'drop table broken_example');
    });
  });
});
