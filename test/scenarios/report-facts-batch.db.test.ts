import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { benchContexts } from '../../bench/support.ts';
import { benchAttendanceReader } from '../../src/bench/attendance.ts';
import { type BulkTarget, openPgliteWithHandle, pgliteTarget, postgresTarget } from '../../src/bench/bulk.ts';
import { generateProvinceYear } from '../../src/bench/generator.ts';
import { adjudicateCompletedClasses } from '../../src/claims/claim.batch.ts';
import { createDecider } from '../../src/claims/claim.decide.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { selectAggregates, selectPersonTimes } from '../../src/reports/report.repository.ts';
import { rebuildReportFacts } from '../../src/reports/report-facts.service.ts';
import { createTestDatabase, isPostgresRun } from '../support/database.ts';

/** A fresh database with a generated Hengyang city-year (PGlite, or PostgreSQL when DATABASE_URL is set). */
async function cityYear(): Promise<DatabaseHandle> {
  let database: DatabaseHandle;
  let target: BulkTarget;
  if (isPostgresRun()) {
    database = await createTestDatabase({ migrated: false });
    target = postgresTarget(database);
  } else {
    const opened = await openPgliteWithHandle();
    database = opened.database;
    target = pgliteTarget(opened.database, opened.pglite);
  }
  await generateProvinceYear(target, { region: '430400', people: 300, seed: 11, sampleEvery: 3 });
  return database;
}

/** Every column of the province's facts but the id, sorted: the projection as a report reads it. */
async function factsOf(database: DatabaseHandle) {
  const rows = await sql<Record<string, unknown>>`select event, value_date::text as value_date, region_code,
      payment_item_id, claim_id, claim_line_id, person_id, certificate_id, cell_id::text as cell_id, amount_fen,
      months, days, is_settlement, is_item_returned, is_line_excluded, is_counted
    from report_fact where province_code = '430000'
    order by payment_item_id, claim_line_id nulls first, event`.execute(database.db);
  return rows.rows;
}

/** The figures the quarterly and yearly reports read from the facts, for the whole city and year. */
async function figuresOf(database: DatabaseHandle) {
  const year = { regionCode: '430400', from: '2021-01-01', to: '2021-12-31' };
  return {
    aggregates: await selectAggregates(database.db, year),
    personTimes: await selectPersonTimes(database.db, year),
  };
}

async function adjudicate(database: DatabaseHandle, options: { isLeanByCopy: boolean }) {
  const contexts = await benchContexts(database, '430400');
  return adjudicateCompletedClasses(database.db, {
    regionCodes: (
      await sql<{ code: string }>`select distinct region_code as code from training_class`.execute(
        database.db,
      )
    ).rows.map((row) => row.code),
    classesPerBatch: 4,
    workers: 1,
    endedBefore: '2022-01-01',
    contexts,
    decide: await createDecider(database.db),
    attendance: benchAttendanceReader,
    idempotencyPrefix: 'report-facts-batch',
    ...(options.isLeanByCopy ? { copy: database.copyRows } : { storage: 'full' as const }),
  });
}

/**
 * The batch adjudication writes its report facts itself (by COPY, from the lines it holds) while
 * the payment_item trigger stands aside; report_fact_rebuild recomputes them by the trigger's one
 * definition (report_fact_append). Both must give the reports the same rows and figures.
 */
describe('report facts written by the batch path', () => {
  it.each([
    ['lean storage, written by COPY', true],
    ['full storage, written by insert', false],
  ])('are the rows and figures the trigger definition computes (%s)', async (_label, isLeanByCopy) => {
    const database = await cityYear();
    try {
      const result = await adjudicate(database, { isLeanByCopy });
      expect(result.rows.report_fact).toBeGreaterThan(150);
      const written = await factsOf(database);
      const figures = await figuresOf(database);
      expect(written).toHaveLength(result.rows.report_fact!);
      // Every paid line is one counted fact, and the money adds up to what the ledger paid.
      expect(written.every((row) => row.claim_line_id !== null && row.is_counted === true)).toBe(true);
      expect(written.reduce((sum, row) => sum + Number(row.amount_fen), 0)).toBe(result.amountFen);
      // The rows classify into more than one cell (else the comparison would prove little).
      expect(new Set(written.map((row) => row.cell_id)).size).toBeGreaterThan(3);
      const reviewer = (await benchContexts(database, '430400')).reviewer;
      const rebuild = await database.db
        .transaction()
        .execute((trx) => rebuildReportFacts(trx, reviewer, '430000'));
      expect(rebuild).toMatchObject({ before: written.length, after: written.length, removed: 0, added: 0 });
      expect(await factsOf(database)).toEqual(written);
      expect(await figuresOf(database)).toEqual(figures);
      expect(figures.aggregates.find((row) => row.dimension === 'total')).toMatchObject({
        paidFen: result.amountFen,
        lineCount: written.length,
      });
    } finally {
      await database.close();
    }
  });
});
