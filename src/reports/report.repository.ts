import { type RawBuilder, sql } from 'kysely';
import { provinceOf } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { factSource, frozenRanges } from './report-freeze.service.ts';

/** The region subtree and date range (inclusive) a query covers. */
export interface FactScope {
  regionCode: string;
  from: string;
  to: string;
  /** The closed months in the range, read from their frozen copy (`withFrozen`). */
  frozen?: { from: string; to: string }[];
}

/** The scope with its frozen (closed) months looked up. */
export async function withFrozen(executor: Executor, scope: FactScope): Promise<FactScope> {
  return scope.frozen ? scope : { ...scope, frozen: await frozenRanges(executor, scope) };
}

/**
 * The payment events of claims of the region subtree in the period, one row per claim line and
 * event (docs/reports.md, "What is counted"), read from `report_fact` joined to its `report_cell`:
 * the triggers of migration 20261130090000_report_facts.sql write a row when a payment item is
 * ordered (`paid`, dated by its batch's value date: exactly the ledger's `disbursement`/`advance`
 * transfers of that date) and when the ledger posts its `payment_failure` (`returned`); the cell
 * holds what the row is counted under (subsidy kind, sub-account, training type, occupation
 * category, level, certificate, groups). `is_counted` marks the subsidised person-times: paid,
 * not returned, not a settlement, a claim line.
 */
export function factsCte(scope: FactScope): RawBuilder<unknown> {
  const provinceCode = provinceOf(scope.regionCode);
  return sql`fact as (
      select f.event, f.payment_item_id as item_id, f.value_date, f.claim_id, f.region_code, f.claim_line_id as line_id,
             f.person_id, f.certificate_id, f.amount_fen, f.months, f.days, f.is_counted,
             c.subsidy_kind, c.sub_account, c.training_type, c.occupation_category, c.level,
             c.certificate_type, c.certificate_level, c.groups
      from (${factSource(scope, scope.frozen ?? [])}) f
      join report_cell c on c.province_code = ${provinceCode} and c.id = f.cell_id
    )`;
}

export interface AggregateRow {
  dimension: string;
  key: string;
  personTimes: number;
  persons: number;
  lineCount: number;
  paidFen: number;
  returnedFen: number;
  /** Taken back by approved recovery receipts (追回到账) in the period. */
  recoveredFen: number;
  /** Months (以工代训), days (living allowance), certificates, advanced person-times. */
  quantity: number;
}

/**
 * Every cell of a report in one statement: the facts CTE is computed once and aggregated by
 * each dimension (`union all`). Person-times count training lines only; a person in several
 * groups counts in each of them.
 */
export async function selectAggregates(executor: Executor, scope: FactScope): Promise<AggregateRow[]> {
  const frozenScope = await withFrozen(executor, scope);
  const result = await withoutJit(executor, (trx) => aggregatesQuery(frozenScope).execute(trx));
  return result.rows.map((row) => ({
    dimension: row.dimension,
    key: row.key,
    personTimes: Number(row.person_times),
    persons: Number(row.persons),
    lineCount: Number(row.line_count),
    paidFen: Number(row.paid_fen),
    returnedFen: Number(row.returned_fen),
    recoveredFen: Number(row.recovered_fen),
    quantity: Number(row.quantity),
  }));
}

/**
 * Runs `work` with PostgreSQL's JIT compiler off (`set local`, so inside a transaction — the
 * caller's, or a read-only one of its own). The report statement has many expressions over a
 * few hundred thousand rows; compiling them costs seconds and saves nothing (bench/report.ts).
 */
export async function withoutJit<T>(executor: Executor, work: (trx: Executor) => Promise<T>): Promise<T> {
  const configure = async (trx: Executor) => {
    await sql`set local jit = off`.execute(trx);
    // The hash of the period's claim lines stays in memory instead of spilling to disk.
    await sql`set local work_mem = '64MB'`.execute(trx);
  };
  if (executor.isTransaction) {
    await configure(executor);
    return work(executor);
  }
  return executor.transaction().execute(async (trx) => {
    await configure(trx);
    return work(trx);
  });
}

/**
 * Distinct persons of the rows of `cell` matching `condition`. The persons with one fact in the
 * period (almost all of them) are each one row of a `single` group, so they are counted by
 * adding up `line_count`; only the few with several facts are counted distinct.
 */
const persons = (condition: RawBuilder<unknown>) =>
  sql`coalesce(sum(line_count) filter (where is_single and ${condition}), 0)
      + count(distinct multi_person_id) filter (where ${condition})`;

/**
 * The statement behind `selectAggregates` (exported so the bench can EXPLAIN it). One pass over
 * the period's facts groups them by cell and flags, keeping apart the rows of persons with
 * more than one fact (`multi`); every dimension is then an aggregate of those few hundred
 * groups, with no sort of the period's rows (docs/reports.md, "How the facts are stored").
 */
export function aggregatesQuery(scope: FactScope) {
  const provinceCode = provinceOf(scope.regionCode);
  const training = sql`is_training`;
  const counted = sql`is_counted`;
  const advanced = sql`is_training and level in ('advanced', 'technician', 'senior_technician')`;
  const certificate = sql`is_counted and has_certificate and (training_type is not null or subsidy_kind = 'certificate')`;
  const onTheJob = sql`is_counted and subsidy_kind = 'on_the_job_training'`;
  const living = sql`is_counted and subsidy_kind = 'living_allowance'`;
  const occupation = sql`is_training and occupation_category is not null and level is not null`;
  return sql<{
    dimension: string;
    key: string;
    person_times: string | number;
    persons: string | number;
    line_count: string | number;
    paid_fen: string | number;
    returned_fen: string | number;
    recovered_fen: string | number;
    quantity: string | number;
  }>`
    with f as (
      select person_id, cell_id, certificate_id, event, is_counted, amount_fen, months, days
      from (${factSource(scope, scope.frozen ?? [])}) source
    ), multi as (
      select person_id from f where person_id is not null group by person_id having count(*) > 1
    ), part as (
      -- persons with one fact: grouped by cell and flags (a few hundred groups, hashed)
      select f.cell_id, f.event, f.is_counted, f.certificate_id is not null as has_certificate,
             f.person_id is not null as is_single, null::bigint as multi_person_id, null::bigint as multi_certificate_id,
             count(*) as line_count, sum(f.amount_fen) as amount_fen, sum(f.months) as months, sum(f.days) as days
      from f where not exists (select from multi m where m.person_id = f.person_id)
      group by 1, 2, 3, 4, 5
      union all
      -- persons with several facts: one row each, to be counted distinct
      select f.cell_id, f.event, f.is_counted, f.certificate_id is not null, false, f.person_id, f.certificate_id,
             1, f.amount_fen, f.months, f.days
      from f join multi m on m.person_id = f.person_id
    ), cell as materialized (
      select p.*, c.subsidy_kind, c.sub_account, c.training_type, c.occupation_category, c.level,
             c.certificate_type, c.certificate_level, c.groups,
             p.is_counted and c.training_type is not null as is_training
      from part p
      join report_cell c on c.province_code = ${provinceCode} and c.id = p.cell_id
    )
    select 'total' as dimension, 'all' as key,
           coalesce(sum(line_count) filter (where ${training}), 0) as person_times,
           ${persons(training)} as persons,
           coalesce(sum(line_count) filter (where ${counted}), 0) as line_count,
           coalesce(sum(amount_fen) filter (where event = 'paid'), 0) as paid_fen,
           coalesce(sum(amount_fen) filter (where event = 'returned'), 0) as returned_fen,
           coalesce(sum(amount_fen) filter (where event = 'recovered'), 0) as recovered_fen,
           coalesce(sum(line_count) filter (where ${advanced}), 0) as quantity
    from cell
    union all
    select 'training_type', training_type, sum(line_count), ${persons(training)}, sum(line_count),
           coalesce(sum(amount_fen), 0), 0, 0, 0
    from cell where ${training} group by training_type
    union all
    select 'subsidy_kind', subsidy_kind,
           coalesce(sum(line_count) filter (where ${training}), 0),
           ${persons(counted)},
           coalesce(sum(line_count) filter (where ${counted}), 0),
           coalesce(sum(amount_fen) filter (where event = 'paid'), 0),
           coalesce(sum(amount_fen) filter (where event = 'returned'), 0),
           coalesce(sum(amount_fen) filter (where event = 'recovered'), 0), 0
    from cell group by subsidy_kind
    union all
    select 'sub_account', sub_account, 0, 0, coalesce(sum(line_count) filter (where ${counted}), 0),
           coalesce(sum(amount_fen) filter (where event = 'paid'), 0),
           coalesce(sum(amount_fen) filter (where event = 'returned'), 0),
           coalesce(sum(amount_fen) filter (where event = 'recovered'), 0), 0
    from cell group by sub_account
    union all
    select 'occupation_level', occupation_category || ':' || level, sum(line_count), ${persons(occupation)},
           sum(line_count), coalesce(sum(amount_fen), 0), 0, 0, 0
    from cell where ${occupation}
    group by occupation_category, level
    union all
    select 'group', g.code, sum(line_count), ${persons(training)}, sum(line_count), coalesce(sum(amount_fen), 0), 0, 0, 0
    from cell cross join lateral unnest(groups) as g(code)
    where ${training}
    group by g.code
    union all
    select 'certificate', certificate_type || ':' || coalesce(certificate_level, 'none'), 0, ${persons(certificate)},
           0, 0, 0, 0,
           coalesce(sum(line_count) filter (where is_single), 0) + count(distinct multi_certificate_id)
    from cell where ${certificate}
    group by certificate_type, coalesce(certificate_level, 'none')
    union all
    select 'on_the_job', 'all', coalesce(sum(line_count), 0), ${persons(onTheJob)}, coalesce(sum(line_count), 0),
           coalesce(sum(amount_fen), 0), 0, 0, coalesce(sum(months), 0)
    from cell where ${onTheJob}
    union all
    select 'living_allowance', 'all', 0, ${persons(living)}, coalesce(sum(line_count), 0), coalesce(sum(amount_fen), 0),
           0, 0, coalesce(sum(days), 0)
    from cell where ${living}`;
}

/** Subsidised person-times of a subtree in a range, and the persons trained as apprentices. */
export async function selectPersonTimes(
  executor: Executor,
  scope: FactScope,
): Promise<{ training: number; apprenticeship: number }> {
  const provinceCode = provinceOf(scope.regionCode);
  const frozen = (await withFrozen(executor, scope)).frozen ?? [];
  const result = await sql<{ training: string | number; apprenticeship: string | number }>`
    with f as not materialized (
      select cell_id, person_id from (${factSource(scope, frozen)}) source where is_counted
    ), trained as (
      select id, training_type from report_cell where province_code = ${provinceCode} and training_type is not null
    )
    select (select count(*) from f join trained t on t.id = f.cell_id) as training,
           (select count(distinct f.person_id) from f join trained t on t.id = f.cell_id
            where t.training_type = 'apprenticeship') as apprenticeship`.execute(executor);
  const row = result.rows[0];
  return { training: Number(row?.training ?? 0), apprenticeship: Number(row?.apprenticeship ?? 0) };
}

/** One line behind a cell (drill-down), before personal data is looked up and masked. */
export interface DrilldownRow {
  event: 'paid' | 'returned' | 'recovered';
  valueDate: string;
  claimId: number;
  claimNumber: string;
  regionCode: string;
  subsidyKind: string;
  lineId: number | null;
  lineNumber: number | null;
  personId: number | null;
  occupationCode: string | null;
  level: string | null;
  trainingType: string | null;
  subAccount: string;
  amountFen: number;
  isCounted: boolean;
}

/** The condition selecting the facts behind one cell; see `DRILLDOWN_DIMENSIONS`. */
export function drilldownCondition(dimension: string, key: string): RawBuilder<unknown> {
  const training = sql`is_counted and training_type is not null`;
  switch (dimension) {
    case 'total':
      return sql`true`;
    case 'person_times':
      return training;
    case 'advanced':
      return sql`${training} and level in ('advanced', 'technician', 'senior_technician')`;
    case 'training_type':
      return sql`${training} and training_type = ${key}`;
    case 'group':
      return sql`${training} and ${key}::text = any(groups)`;
    case 'occupation_level': {
      // `4:primary`, or `4:*` for every level of the category.
      const [category = '', level = ''] = key.split(':');
      return sql`${training} and occupation_category = ${category} and level is not null
        and (${level} = '*' or level = ${level})`;
    }
    case 'subsidy_kind':
      return sql`subsidy_kind = ${key}`;
    case 'sub_account':
      return sql`sub_account = ${key}`;
    case 'certificate': {
      const [type = '', level = ''] = key.split(':');
      return sql`is_counted and (training_type is not null or subsidy_kind = 'certificate')
        and certificate_id is not null and certificate_type = ${type}
        and (${level} = '*' or coalesce(certificate_level, 'none') = ${level})`;
    }
    case 'on_the_job':
      return sql`is_counted and subsidy_kind = 'on_the_job_training'`;
    case 'living_allowance':
      return sql`is_counted and subsidy_kind = 'living_allowance'`;
    case 'returned':
      return sql`event = 'returned' and (${key} = 'all' or sub_account = ${key})`;
    default:
      throw new Error(`unknown drill-down dimension ${dimension}`);
  }
}

export const DRILLDOWN_DIMENSIONS = [
  'total',
  'person_times',
  'advanced',
  'training_type',
  'group',
  'occupation_level',
  'subsidy_kind',
  'sub_account',
  'certificate',
  'on_the_job',
  'living_allowance',
  'returned',
] as const;
export type DrilldownDimension = (typeof DRILLDOWN_DIMENSIONS)[number];

export async function selectDrilldown(
  executor: Executor,
  scope: FactScope,
  input: { dimension: DrilldownDimension; key: string; limit: number; offset: number },
): Promise<{ rows: DrilldownRow[]; total: number }> {
  const frozenScope = await withFrozen(executor, scope);
  const condition = drilldownCondition(input.dimension, input.key);
  const result = await sql<{
    event: 'paid' | 'returned' | 'recovered';
    value_date: string;
    claim_id: number;
    claim_number: string;
    region_code: string;
    subsidy_kind: string;
    line_id: number | null;
    line_number: number | null;
    person_id: number | null;
    occupation_code: string | null;
    level: string | null;
    training_type: string | null;
    sub_account: string;
    amount_fen: string | number;
    is_counted: boolean;
    total: string | number;
  }>`
    with ${factsCte(frozenScope)}, page as (
      select event, value_date, claim_id, region_code, subsidy_kind, line_id, person_id, level, training_type,
             sub_account, amount_fen, is_counted, count(*) over () as total
      from fact where ${condition}
      order by value_date, claim_id, line_id nulls first, event
      limit ${input.limit} offset ${input.offset}
    )
    select p.*, c.claim_number, l.line_number, l.occupation_code
    from page p
    join claim c on c.id = p.claim_id and c.province_code = ${provinceOf(scope.regionCode)}
    left join claim_line l on l.id = p.line_id and l.province_code = ${provinceOf(scope.regionCode)}
    order by p.value_date, p.claim_id, p.line_id nulls first, p.event`.execute(executor);
  const total = result.rows[0]
    ? Number(result.rows[0].total)
    : await countOnly(executor, frozenScope, condition);
  return {
    total,
    rows: result.rows.map((row) => ({
      event: row.event,
      valueDate: String(row.value_date),
      claimId: Number(row.claim_id),
      claimNumber: row.claim_number,
      regionCode: row.region_code,
      subsidyKind: row.subsidy_kind,
      lineId: row.line_id === null ? null : Number(row.line_id),
      lineNumber: row.line_number,
      personId: row.person_id === null ? null : Number(row.person_id),
      occupationCode: row.occupation_code,
      level: row.level,
      trainingType: row.training_type,
      subAccount: row.sub_account,
      amountFen: Number(row.amount_fen),
      isCounted: row.is_counted,
    })),
  };
}

async function countOnly(executor: Executor, scope: FactScope, condition: RawBuilder<unknown>) {
  const result = await sql<{ total: string | number }>`
    with ${factsCte(scope)} select count(*) as total from fact where ${condition}`.execute(executor);
  return Number(result.rows[0]?.total ?? 0);
}

/** The money of the subtree's facts by paying region and sub-account (the report side of 账表相符). */
export async function selectMoneyByRegion(
  executor: Executor,
  scope: FactScope,
): Promise<
  { regionCode: string; subAccount: string; paidFen: number; returnedFen: number; recoveredFen: number }[]
> {
  const frozenScope = await withFrozen(executor, scope);
  const result = await sql<{
    region_code: string;
    sub_account: string;
    paid_fen: string | number;
    returned_fen: string | number;
    recovered_fen: string | number;
  }>`
    with ${factsCte(frozenScope)}
    select region_code, sub_account,
           coalesce(sum(amount_fen) filter (where event = 'paid'), 0) as paid_fen,
           coalesce(sum(amount_fen) filter (where event = 'returned'), 0) as returned_fen,
           coalesce(sum(amount_fen) filter (where event = 'recovered'), 0) as recovered_fen
    from fact group by 1, 2 order by 1, 2`.execute(executor);
  return result.rows.map((row) => ({
    regionCode: row.region_code,
    subAccount: row.sub_account,
    paidFen: Number(row.paid_fen),
    returnedFen: Number(row.returned_fen),
    recoveredFen: Number(row.recovered_fen),
  }));
}

/** Public disclosure: person-times and money by sub-region (next level down) and quarter. */
export async function selectDisclosure(
  executor: Executor,
  scope: FactScope & { childCodeLength: number; childSuffix: string },
): Promise<
  {
    regionCode: string;
    quarter: number;
    personTimes: number;
    persons: number;
    paidFen: number;
    returnedFen: number;
    recoveredFen: number;
  }[]
> {
  const frozenScope = await withFrozen(executor, scope);
  const result = await sql<{
    region_code: string;
    quarter: number;
    person_times: string | number;
    persons: string | number;
    paid_fen: string | number;
    returned_fen: string | number;
    recovered_fen: string | number;
  }>`
    with ${factsCte(frozenScope)}
    select left(region_code, ${scope.childCodeLength}) || ${scope.childSuffix} as region_code,
           extract(quarter from value_date)::int as quarter,
           count(*) filter (where is_counted and training_type is not null) as person_times,
           count(distinct person_id) filter (where is_counted) as persons,
           coalesce(sum(amount_fen) filter (where event = 'paid'), 0) as paid_fen,
           coalesce(sum(amount_fen) filter (where event = 'returned'), 0) as returned_fen,
           coalesce(sum(amount_fen) filter (where event = 'recovered'), 0) as recovered_fen
    from fact
    group by 1, 2 order by 1, 2`.execute(executor);
  return result.rows.map((row) => ({
    regionCode: row.region_code,
    quarter: Number(row.quarter),
    personTimes: Number(row.person_times),
    persons: Number(row.persons),
    paidFen: Number(row.paid_fen),
    returnedFen: Number(row.returned_fen),
    recoveredFen: Number(row.recovered_fen),
  }));
}
