import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';

/** Every column of a fact but its id: what a rebuild must reproduce. */
const FACT_COLUMNS =
  sql.raw(`event, value_date, region_code, payment_item_id, claim_id, claim_line_id, person_id,
  certificate_id, cell_id, amount_fen, months, days, is_settlement, is_item_returned, is_line_excluded, is_counted`);

export interface FactRebuild {
  provinceCode: string;
  /** Facts before and after. */
  before: number;
  after: number;
  /** Rows that were in the projection but not in the rebuild, and the other way round. */
  removed: number;
  added: number;
}

/**
 * Recomputes a province's report facts from its payment items and ledger transfers
 * (`report_fact_rebuild`, migration 20261130090000_report_facts.sql) and says how many rows
 * differed from the ones the triggers had written: 0 and 0 when the projection was true. Run it
 * after a migration changes the facts' definition, or to check the projection. Audited.
 */
export async function rebuildReportFacts(
  executor: Executor,
  context: AuditContext,
  provinceCode: string,
): Promise<FactRebuild> {
  await sql`create temporary table report_fact_before on commit drop as
    select ${FACT_COLUMNS} from report_fact where province_code = ${provinceCode}`.execute(executor);
  const after = Number(
    (await sql<{ n: string }>`select report_fact_rebuild(${provinceCode}) as n`.execute(executor)).rows[0]!.n,
  );
  const counts = (
    await sql<{ before: string; removed: string; added: string }>`
      select (select count(*) from report_fact_before) as before,
             (select count(*) from (select * from report_fact_before except all
               select ${FACT_COLUMNS} from report_fact where province_code = ${provinceCode}) as gone) as removed,
             (select count(*) from (select ${FACT_COLUMNS} from report_fact where province_code = ${provinceCode}
               except all select * from report_fact_before) as new) as added`.execute(executor)
  ).rows[0]!;
  await sql`drop table report_fact_before`.execute(executor);
  const result: FactRebuild = {
    provinceCode,
    before: Number(counts.before),
    after,
    removed: Number(counts.removed),
    added: Number(counts.added),
  };
  await recordAudit(executor, context, {
    action: 'report.facts.rebuild',
    objectType: 'report_fact',
    objectId: provinceCode,
    provinceCode,
    after: result,
  });
  return result;
}
