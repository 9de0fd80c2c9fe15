import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { type CopyRows, writeRows } from '../db/copy.ts';
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

/**
 * A claim line as the report projection reads it: its stored row, and its certificate's type and
 * level (what report_fact_append joins back for each line).
 */
export interface PaidLine {
  id: number;
  claimId: number;
  personId: number | null;
  certificateId: number | null;
  isEligible: boolean;
  isActive: boolean;
  amountFen: number;
  payeeOrganisationId: number | null;
  payeePersonId: number | null;
  occupationCode: string | null;
  level: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  /** `claim_line.request` as stored: the line's own facts when its shape is stored apart, else the whole request. */
  storedRequest: Readonly<Record<string, unknown>>;
  /** The line's whole decision (its `lines` state the months of 以工代训). */
  decision: { readonly lines?: readonly { readonly item?: string; readonly basis?: string }[] };
  certificate: { type: string; level: string | null } | null;
}

/** A payment batch just inserted, with what its items' facts need besides their lines. */
export interface PaidBatch {
  provinceCode: string;
  valueDate: string;
  claims: ReadonlyMap<number, { subsidyKind: string; isSettlement: boolean; regionCode: string }>;
  disbursements: readonly {
    payee: { type: string; id: number };
    items: readonly {
      id: number;
      claimId: number;
      lineId: number | null;
      amountFen: number;
      subAccount: string;
      kind: string;
      status: string;
    }[];
  }[];
}

/** The report setting under which the payment_item trigger leaves an insert's facts to its caller. */
const FACTS_BY_CALLER = 'written_by_caller';

/**
 * Runs `insertItems` (which inserts payment items) with the projection's trigger standing aside for
 * this transaction's items, then writes their 'paid' facts itself by COPY from the lines the caller
 * holds (`factsFor` gives them once the items exist): the same rows report_fact_append writes,
 * without joining every line back. For the batch adjudication (src/claims/claim.batch.ts), whose
 * lines are in memory; report_fact_rebuild recomputes them by the one definition (migration
 * 20261210080000_report_facts_by_batch.sql, and the test that compares the two).
 */
export async function withPaidFactsWrittenByCaller<T>(
  executor: Executor,
  copy: CopyRows | undefined,
  insertItems: () => Promise<T>,
  factsFor: (inserted: T) => { batch: PaidBatch; lines: readonly PaidLine[] } | null,
): Promise<{ inserted: T; facts: number }> {
  await sql`select set_config('skillfund.report_facts', ${FACTS_BY_CALLER}, true)`.execute(executor);
  let inserted: T;
  try {
    inserted = await insertItems();
  } finally {
    await sql`select set_config('skillfund.report_facts', '', true)`.execute(executor);
  }
  const input = factsFor(inserted);
  const facts = input ? await writePaidFacts(executor, copy, input.batch, input.lines) : 0;
  return { inserted, facts };
}

/** What a fact is counted under, before its cell id (report_fact_append's `classified`). */
interface CellValues {
  subsidyKind: string;
  subAccount: string;
  trainingType: string | null;
  occupationCategory: string | null;
  level: string | null;
  certificateType: string | null;
  certificateLevel: string | null;
  groups: readonly string[];
}

const TRAINING_TYPE_OF_KIND: Readonly<Record<string, string>> = {
  on_the_job_training: 'on_the_job',
  apprenticeship: 'apprenticeship',
  safety_training: 'safety',
  directed_training: 'directed',
  technician_training: 'skill_upgrade',
  insured_skill_upgrade: 'skill_upgrade',
};

/** The person's groups as stored (`request -> 'person' -> 'groups'`, an array or nothing). */
function groupsOf(request: Readonly<Record<string, unknown>> | null): string[] {
  const groups = (request?.person as { groups?: unknown } | undefined)?.groups;
  return Array.isArray(groups) ? groups.map(String) : [];
}

function trainingTypeOf(
  subsidyKind: string,
  request: Readonly<Record<string, unknown>> | null,
): string | null {
  if (subsidyKind !== 'training') return TRAINING_TYPE_OF_KIND[subsidyKind] ?? null;
  const groups = groupsOf(request);
  if (groups.includes('entrepreneur')) return 'entrepreneurship';
  if ((request !== null && request.employment !== undefined) || groups.includes('enterprise_employee'))
    return 'skill_upgrade';
  return 'employment_skills';
}

/** 以工代训: the months the decision's line states (连续工作每满1个月：N个月 × …). */
function monthsOf(subsidyKind: string, line: PaidLine | null): number {
  if (subsidyKind !== 'on_the_job_training' || !line) return 0;
  const item = (line.decision.lines ?? []).find((entry) => entry.item === 'on_the_job_training');
  const match = item?.basis ? /：([0-9]+)个月/.exec(item.basis) : null;
  return match ? Number(match[1]) : 0;
}

/** Living allowance: the offline days the engine counted, else the span. */
function daysOf(subsidyKind: string, line: PaidLine | null): number {
  if (subsidyKind !== 'living_allowance' || !line) return 0;
  const offline = (line.storedRequest.training as { offlineDays?: unknown } | undefined)?.offlineDays;
  if (offline !== undefined && offline !== null) return Number(offline);
  if (line.periodStart && line.periodEnd)
    return (Date.parse(line.periodEnd) - Date.parse(line.periodStart)) / 86_400_000 + 1;
  return 0;
}

const PAID_FACT_COLUMNS = [
  ['province_code', 'text'],
  ['event', 'text'],
  ['value_date', 'date'],
  ['region_code', 'text'],
  ['payment_item_id', 'bigint'],
  ['claim_id', 'bigint'],
  ['claim_line_id', 'bigint'],
  ['person_id', 'bigint'],
  ['certificate_id', 'bigint'],
  ['cell_id', 'bigint'],
  ['amount_fen', 'bigint'],
  ['months', 'int'],
  ['days', 'int'],
  ['is_settlement', 'boolean'],
  ['is_item_returned', 'boolean'],
] as const;

/**
 * The 'paid' facts of a batch's items, by report_fact_append's rules: an item of one line is that
 * line's fact; an item without a line stands for its claim's eligible, active, non-zero lines of
 * its payee when their amounts add up to the item's, else it is one fact of money without a line.
 * The cells (their ids are hashes the database computes, with its collation's order of the groups)
 * come from one statement that also adds the new ones; the facts go in by COPY.
 */
async function writePaidFacts(
  executor: Executor,
  copy: CopyRows | undefined,
  batch: PaidBatch,
  lines: readonly PaidLine[],
): Promise<number> {
  const linesOfClaim = new Map<number, PaidLine[]>();
  const lineById = new Map<number, PaidLine>();
  for (const line of lines) {
    lineById.set(line.id, line);
    const list = linesOfClaim.get(line.claimId) ?? [];
    list.push(line);
    linesOfClaim.set(line.claimId, list);
  }
  const pending: {
    item: PaidBatch['disbursements'][number]['items'][number];
    line: PaidLine | null;
    cell: number;
  }[] = [];
  const cells = new Map<string, { index: number; values: CellValues }>();
  for (const disbursement of batch.disbursements) {
    for (const item of disbursement.items) {
      if (item.kind !== 'payment' && item.kind !== 'advance') continue;
      const claim = batch.claims.get(item.claimId);
      if (!claim)
        throw new Error(`payment item ${item.id} names claim ${item.claimId}, not among the paid claims`);
      let itemLines: (PaidLine | null)[];
      if (item.lineId !== null) itemLines = [lineById.get(item.lineId) ?? null];
      else {
        const matched = (linesOfClaim.get(item.claimId) ?? [])
          .filter(
            (line) =>
              line.isEligible &&
              line.isActive &&
              line.amountFen > 0 &&
              (disbursement.payee.type === 'organisation'
                ? line.payeeOrganisationId === disbursement.payee.id
                : disbursement.payee.type === 'person' && line.payeePersonId === disbursement.payee.id),
          )
          .sort((a, b) => a.id - b.id);
        const sum = matched.reduce((total, line) => total + line.amountFen, 0);
        itemLines = sum === item.amountFen ? matched : [null];
      }
      for (const line of itemLines) {
        const request = line?.storedRequest ?? null;
        const values: CellValues = {
          subsidyKind: claim.subsidyKind,
          subAccount: item.kind === 'advance' ? 'advance' : item.subAccount,
          trainingType: trainingTypeOf(claim.subsidyKind, request),
          occupationCategory: line?.occupationCode == null ? null : line.occupationCode.slice(0, 1),
          level: line?.level ?? null,
          certificateType: line?.certificate?.type ?? null,
          certificateLevel: line?.certificate?.level ?? null,
          groups: groupsOf(request),
        };
        const key = JSON.stringify([...Object.values(values).slice(0, 7), [...values.groups].sort()]);
        let cell = cells.get(key);
        if (!cell) {
          cell = { index: cells.size + 1, values };
          cells.set(key, cell);
        }
        pending.push({ item, line, cell: cell.index });
      }
    }
  }
  if (pending.length === 0) return 0;
  const cellIds = await cellIdsOf(
    executor,
    batch.provinceCode,
    [...cells.values()].map((cell) => cell.values),
  );
  const rows = pending.map(({ item, line, cell }) => {
    const claim = batch.claims.get(item.claimId)!;
    return [
      batch.provinceCode,
      'paid',
      batch.valueDate,
      claim.regionCode,
      item.id,
      item.claimId,
      line?.id ?? null,
      line?.personId ?? null,
      line?.certificateId ?? null,
      cellIds[cell - 1]!,
      line?.amountFen ?? item.amountFen,
      monthsOf(claim.subsidyKind, line),
      daysOf(claim.subsidyKind, line),
      claim.isSettlement,
      item.status === 'returned_to_payable',
    ];
  });
  await writeRows(executor, copy, 'report_fact', PAID_FACT_COLUMNS, rows);
  return rows.length;
}

/**
 * The cell id of each set of values, in order, adding the province's new cells: the groups sorted
 * and the id hashed exactly as report_fact_append does (`keyed` and `new_cell` there).
 */
async function cellIdsOf(
  executor: Executor,
  provinceCode: string,
  cells: readonly CellValues[],
): Promise<string[]> {
  const column = <K extends keyof CellValues>(name: K) => cells.map((cell) => cell[name]);
  const result = await sql<{ n: number; cell_id: string }>`
    with input as (
      select x.*, coalesce((select array_agg(g order by g) from jsonb_array_elements_text(x.groups_json::jsonb) as g),
                           '{}') as groups
      from unnest(${column('subsidyKind')}::text[], ${column('subAccount')}::text[], ${column('trainingType')}::text[],
                  ${column('occupationCategory')}::text[], ${column('level')}::text[],
                  ${column('certificateType')}::text[], ${column('certificateLevel')}::text[],
                  ${cells.map((cell) => JSON.stringify(cell.groups))}::text[])
        with ordinality as x(subsidy_kind, sub_account, training_type, occupation_category, level, certificate_type,
                             certificate_level, groups_json, n)
    ), keyed as materialized (
      select k.*, hashtextextended(concat_ws('|', k.subsidy_kind, k.sub_account, coalesce(k.training_type, '-'),
               coalesce(k.occupation_category, '-'), coalesce(k.level, '-'), coalesce(k.certificate_type, '-'),
               coalesce(k.certificate_level, '-'), array_to_string(k.groups, ',')), 0)
               & 9007199254740991 as cell_id
      from input k
    ), new_cell as (
      insert into report_cell (province_code, id, subsidy_kind, sub_account, training_type, occupation_category, level,
                               certificate_type, certificate_level, groups)
      select distinct ${provinceCode}::text, cell_id, subsidy_kind, sub_account, training_type, occupation_category, level,
             certificate_type, certificate_level, groups
      from keyed
      on conflict (province_code, id) do nothing
    )
    select n::int as n, cell_id::text as cell_id from keyed`.execute(executor);
  const ids: string[] = new Array(cells.length);
  for (const row of result.rows) ids[Number(row.n) - 1] = row.cell_id;
  return ids;
}
