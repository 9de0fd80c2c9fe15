/**
 * The quarterly report (季报) of a whole province on PostgreSQL, timed over one of two data sets:
 *
 * - by default, synthetic data the bench generates itself: paid claims with their lines, payment
 *   batches, items and the ledger's disbursement and bank-return transfers, spread over the
 *   counties of Jiangsu and a year, in a throwaway database next to DATABASE_URL (dropped after);
 * - with BENCH_SOURCE_DATABASE (a database name on DATABASE_URL's server, or a full URL), an
 *   existing database the issue-11 generator filled and `npm run bench -- adjudicate` adjudicated
 *   (`BENCH_KEEP_DB=1` keeps it and prints its URL). Pending migrations are applied to it and its
 *   statistics refreshed (not timed); the province is BENCH_REGION's (default 320000), the
 *   quarter the one with the most paid lines, the county the one with the most lines in it.
 *
 * Times `buildReport` (median of 5 after a warm-up) for the province quarter, the province year
 * and one county quarter, and `compareWithLedger`, after checking that the quarter agrees with the
 * ledger (账表相符). The last line is the summary; a JSON line goes to bench/results/report.jsonl.
 *
 *   npx tsx bench/report.ts              (BENCH_LINES claim lines, default 200,000; 20 per claim)
 *   BENCH_SOURCE_DATABASE=sf_bench_adjudicate_1234 npm run bench -- report
 *   BENCH_YEAR_ROUNDS=1 …      times the province year once after the warm-up instead of five times
 *   BENCH_EXPLAIN=1 …          prints EXPLAIN (ANALYZE, BUFFERS) of the province quarter's statement
 *   BENCH_KEEP_DB=1 …          keeps the generated database (its URL is printed) to inspect plans
 */
import os from 'node:os';
import { CompiledQuery, sql } from 'kysely';
import { SYSTEM_CONTEXT } from '../src/auth/audit.service.ts';
import { type Db, openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrator.ts';
import { ensureAccounts } from '../src/ledger/transfer.service.ts';
import { importJurisdictionRegions } from '../src/registry/region.service.ts';
import { quarterPeriod, yearPeriod } from '../src/reports/report.period.ts';
import { aggregatesQuery } from '../src/reports/report.repository.ts';
import { buildReport, compareWithLedger } from '../src/reports/report.service.ts';
import { DEMO_TARGETS, listTargets, upsertTarget } from '../src/reports/target.service.ts';
import { appendResult, fmt, sourceDatabaseUrl, throwawayDatabase } from './support.ts';

const SOURCE = process.env.BENCH_SOURCE_DATABASE;
const LINES = Number(process.env.BENCH_LINES ?? 200_000);
const LINES_PER_CLAIM = 20;
const PROVINCE = '320000';
const YEAR = 2021;
const ROUNDS = 5;
/** Timed rounds of the province year (the slowest read; BENCH_YEAR_ROUNDS=1 at full size saves minutes). */
const YEAR_ROUNDS = Number(process.env.BENCH_YEAR_ROUNDS ?? ROUNDS);

/** Claims, lines, batches, disbursements, items and ledger transfers, all set-based. */
async function generate(db: Db, counties: string[]): Promise<void> {
  const claims = Math.ceil(LINES / LINES_PER_CLAIM);
  await sql`create temporary table bench_county as
    select code, row_number() over (order by code) - 1 as position from unnest(${counties}::text[]) as code`.execute(
    db,
  );
  // Subsidy kinds in the proportions of a typical year: mostly general training.
  await sql`insert into claim (province_code, claim_number, region_code, subsidy_kind, applicant_kind, application_date, status)
    select ${PROVINCE}, 'BENCH' || lpad(g::text, 9, '0'), c.code,
           (array['training','training','training','training','training','training','training',
                  'on_the_job_training','living_allowance','certificate','apprenticeship','safety_training',
                  'directed_training','technician_training'])[1 + g % 14],
           'institution', make_date(${YEAR}, 1, 1) + (g % 355), 'paid'
    from generate_series(1, ${claims}::int) as g
    join bench_county c on c.position = g % ${counties.length}`.execute(db);
  await sql`insert into claim_line (province_code, claim_id, line_number, person_id, subject, is_eligible, amount_fen,
      payee, counts_toward_annual_limit, occupation_code, level, period_start, period_end, request, decision)
    select ${PROVINCE}, c.id, n, c.id * ${LINES_PER_CLAIM} + n, 'bench', true,
           case c.subsidy_kind when 'living_allowance' then 6000 when 'on_the_job_training' then 180000 else 120000 end,
           'institution', true,
           (array['4-10-01-05','6-18-02-04','2-02-07-04','4-03-02-01','5-01-02-01'])[1 + (c.id + n) % 5],
           (array['primary','primary','intermediate','advanced','technician','special_ability'])[1 + (c.id * 7 + n) % 6],
           c.application_date - 30, c.application_date - 10,
           jsonb_build_object(
             'person', jsonb_build_object('groups', (array['["registered_unemployed"]','["rural_migrant_worker","poor_labor"]',
               '["enterprise_employee"]','["entrepreneur","recent_graduate"]','["veteran"]'])[1 + (c.id + n * 3) % 5]::jsonb),
             'training', jsonb_build_object('offlineDays', 3 + n % 5)),
           case when c.subsidy_kind = 'on_the_job_training'
             then '{"lines":[{"item":"on_the_job_training","basis":"连续工作每满1个月：3个月 × 600元/人/月（最长6个月）"}]}'::jsonb
             else '{"lines":[]}'::jsonb end
    from claim c cross join generate_series(1, ${LINES_PER_CLAIM}::int) as n
    where c.claim_number like 'BENCH%'`.execute(db);
  // One batch per claim, paid ten days after application.
  await sql`insert into payment_batch (province_code, region_code, idempotency_id, request_hash, value_date)
    select ${PROVINCE}, region_code, 'bench:' || id, 'bench', least(application_date + 10, make_date(${YEAR}, 12, 31))
    from claim where claim_number like 'BENCH%'`.execute(db);
  await sql`insert into payment_disbursement (province_code, batch_id, payee_type, payee_id, payee_name, payee_bank_account, amount_fen, status)
    select ${PROVINCE}, b.id, 'organisation', 1, '基准测试培训机构', '6222000000000000', c.total, 'paid'
    from payment_batch b
    join (select claim_id, sum(amount_fen) as total from claim_line group by claim_id) c
      on 'bench:' || c.claim_id = b.idempotency_id`.execute(db);
  await sql`insert into ledger_journal (province_code, code, description)
    select ${PROVINCE}, 'disbursement', idempotency_id from payment_batch where idempotency_id like 'bench:%'`.execute(
    db,
  );
  await sql`insert into ledger_transfer (province_code, journal_id, idempotency_id, request_hash, debit_account_id,
      credit_account_id, amount_fen, code, value_date, claim_id, claim_line_id, payment_batch_id, disbursement_id)
    select ${PROVINCE}, j.id, 'bench:line:' || l.id, 'bench', sub.id, bank.id, l.amount_fen, 'disbursement', b.value_date,
           c.id, l.id, b.id, d.id
    from claim_line l
    join claim c on c.id = l.claim_id
    join payment_batch b on b.idempotency_id = 'bench:' || c.id
    join payment_disbursement d on d.batch_id = b.id
    join ledger_journal j on j.description = b.idempotency_id
    join ledger_account sub on sub.region_code = c.region_code and sub.kind = case c.subsidy_kind
      when 'on_the_job_training' then 'on_the_job_training' when 'living_allowance' then 'living_allowance'
      when 'certificate' then 'certificate' when 'apprenticeship' then 'apprenticeship' else 'training' end
    join ledger_account bank on bank.region_code = c.region_code and bank.kind = 'bank'
    where c.claim_number like 'BENCH%'`.execute(db);
  // About 1 % of the lines come back from the bank five days later, into the sub-account they were
  // charged to (bank → sub-account, as `importBankResult` posts a failure since issue 15).
  await sql`insert into payment_item (province_code, batch_id, disbursement_id, claim_id, claim_line_id, region_code,
      sub_account, kind, amount_fen, status, transfer_id)
    select ${PROVINCE}, t.payment_batch_id, t.disbursement_id, t.claim_id, t.claim_line_id, c.region_code, a.kind,
           'payment', t.amount_fen, case when t.claim_line_id % 97 = 0 then 'returned_to_payable' else 'paid' end, t.id
    from ledger_transfer t join claim c on c.id = t.claim_id join ledger_account a on a.id = t.debit_account_id
    where t.idempotency_id like 'bench:line:%'`.execute(db);
  await sql`insert into ledger_transfer (province_code, journal_id, idempotency_id, request_hash, debit_account_id,
      credit_account_id, amount_fen, code, value_date, claim_id, claim_line_id, payment_batch_id, payment_item_id, disbursement_id)
    select ${PROVINCE}, t.journal_id, 'bench:return:' || i.id, 'bench', t.credit_account_id, t.debit_account_id,
           i.amount_fen, 'payment_failure', least(t.value_date + 5, make_date(${YEAR}, 12, 31)), i.claim_id,
           i.claim_line_id, i.batch_id, i.id, i.disbursement_id
    from payment_item i
    join ledger_transfer t on t.id = i.transfer_id
    where i.status = 'returned_to_payable'`.execute(db);
  await sql`analyze`.execute(db);
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

const load = () => os.loadavg()[0]!.toFixed(1);

/** Median of ROUNDS runs after one warm-up, with the 1-minute load average before and after. */
async function medianOf(
  work: () => Promise<unknown>,
  rounds = ROUNDS,
): Promise<{ ms: number; load: string }> {
  const before = load();
  await work();
  const times: number[] = [];
  for (let round = 0; round < rounds; round += 1) times.push((await timed(work)).ms);
  times.sort((left, right) => left - right);
  return { ms: Math.round(times[Math.floor(times.length / 2)]!), load: `${before}–${load()}` };
}

interface Scope {
  province: string;
  year: number;
  quarter: number;
  county: string;
}

/**
 * The documents' targets of the province (Jiangsu: 1.95 million person-times in 2019, 4.5 million
 * over 2019–2021, 66,000 apprentices), so the report also computes their progress, as it would
 * in production.
 */
async function seedProvinceTargets(db: Db, province: string): Promise<number> {
  const existing = await listTargets(db, { regionCode: province });
  const missing = DEMO_TARGETS.filter(
    (target) =>
      target.regionCode.slice(0, 2) === province.slice(0, 2) &&
      !existing.some(
        (row) =>
          row.regionCode === target.regionCode &&
          row.metric === target.metric &&
          row.fromYear === target.fromYear &&
          row.toYear === target.toYear,
      ),
  );
  for (const target of missing) await upsertTarget(db, SYSTEM_CONTEXT, target);
  return existing.length + missing.length;
}

/** Checks 账表相符 for the province quarter, then times the four reads. */
async function measure(db: Db, scope: Scope) {
  const targets = await seedProvinceTargets(db, scope.province);
  const quarter = quarterPeriod(scope.year, scope.quarter);
  const report = await buildReport(db, { regionCode: scope.province, period: quarter });
  const comparison = await compareWithLedger(db, report);
  if (process.env.BENCH_EXPLAIN === '1') {
    const plan = await db.transaction().execute(async (trx) => {
      await sql`set local jit = off`.execute(trx);
      await sql`set local work_mem = '64MB'`.execute(trx);
      const query = aggregatesQuery({
        regionCode: scope.province,
        from: quarter.from,
        to: quarter.to,
      }).compile(trx);
      return trx.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain (analyze, buffers) ${query.sql}`, [...query.parameters]),
      );
    });
    for (const row of plan.rows) process.stderr.write(`${row['QUERY PLAN']}\n`);
  }
  const provinceQuarter = await medianOf(() =>
    buildReport(db, { regionCode: scope.province, period: quarter }),
  );
  const provinceYear = await medianOf(
    () => buildReport(db, { regionCode: scope.province, period: yearPeriod(scope.year) }),
    YEAR_ROUNDS,
  );
  const countyQuarter = await medianOf(() => buildReport(db, { regionCode: scope.county, period: quarter }));
  const ledgerComparison = await medianOf(() => compareWithLedger(db, report));
  return {
    quarter: `${scope.year}Q${scope.quarter}`,
    county: scope.county,
    targets,
    targetsShown: report.targets.length,
    quarterLines: report.totals.lineCount,
    quarterPersonTimes: report.totals.personTimes,
    provinceQuarterMs: provinceQuarter.ms,
    provinceYearMs: provinceYear.ms,
    provinceYearRounds: YEAR_ROUNDS,
    countyQuarterMs: countyQuarter.ms,
    ledgerComparisonMs: ledgerComparison.ms,
    loadAverage: {
      provinceQuarter: provinceQuarter.load,
      provinceYear: provinceYear.load,
      countyQuarter: countyQuarter.load,
      ledgerComparison: ledgerComparison.load,
    },
    isBalanced: comparison.isBalanced,
    ...(comparison.isBalanced ? {} : { comparison: comparison.rows }),
  };
}

function summaryLine(data: string, figures: Awaited<ReturnType<typeof measure>>): string {
  return (
    `report: ${data}; ${figures.quarter} ${fmt(figures.quarterLines)} lines, ${fmt(figures.quarterPersonTimes)} person-times: ` +
    `province quarter ${fmt(figures.provinceQuarterMs)} ms (target < 2,000; load ${figures.loadAverage.provinceQuarter}), ` +
    `province year ${fmt(figures.provinceYearMs)} ms${figures.provinceYearRounds === ROUNDS ? '' : ` (median of ${figures.provinceYearRounds})`}, county ${figures.county} quarter ${fmt(figures.countyQuarterMs)} ms, ` +
    `账表核对 ${fmt(figures.ledgerComparisonMs)} ms (balanced: ${figures.isBalanced})`
  );
}

/** The report over a generated and adjudicated province-year (BENCH_SOURCE_DATABASE). */
async function overSource(source: string): Promise<void> {
  const url = sourceDatabaseUrl(source);
  const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  try {
    const db = database.db;
    const migrated = await migrate(database);
    if (migrated.applied.length > 0)
      process.stderr.write(`applied migrations ${migrated.applied.join(', ')}\n`);
    const analyzed = await timed(() => sql`analyze`.execute(db));
    process.stderr.write(`analyzed in ${(analyzed.ms / 1000).toFixed(1)} s\n`);
    const region = process.env.BENCH_REGION ?? PROVINCE;
    const province = `${region.slice(0, 2)}0000`;
    const busiest = await sql<{ year: number; quarter: number; lines: number }>`
      select extract(year from pb.value_date)::int as year, extract(quarter from pb.value_date)::int as quarter,
             count(*)::int as lines
      from payment_batch pb join payment_item pi on pi.batch_id = pb.id and pi.province_code = pb.province_code
      where pb.province_code = ${province} and pi.kind in ('payment', 'advance')
      group by 1, 2 order by 3 desc, 1, 2 limit 1`.execute(db);
    const top = busiest.rows[0];
    if (!top)
      throw new Error(`${url} holds no payments of province ${province}; run the adjudicate bench first`);
    const period = quarterPeriod(top.year, top.quarter);
    const county = await sql<{ region_code: string }>`
      select pi.region_code from payment_batch pb
      join payment_item pi on pi.batch_id = pb.id and pi.province_code = pb.province_code
      where pb.province_code = ${province} and pb.value_date between ${period.from} and ${period.to}
      group by 1 order by count(*) desc, 1 limit 1`.execute(db);
    const counts = await sql<{ enrolments: number; claims: number; lines: number; items: number }>`
      select (select count(*) from enrolment)::int as enrolments, (select count(*) from claim)::int as claims,
             (select count(*) from claim_line)::int as lines, (select count(*) from payment_item)::int as items`.execute(
      db,
    );
    const size = counts.rows[0]!;
    const figures = await measure(db, {
      province,
      year: top.year,
      quarter: top.quarter,
      county: county.rows[0]!.region_code,
    });
    const data = `${new URL(url).pathname.slice(1)}, ${fmt(size.enrolments)} person-times, ${fmt(size.lines)} claim lines, ${fmt(size.items)} paid items`;
    appendResult('report', {
      database: 'postgres',
      source: new URL(url).pathname.slice(1),
      region: province,
      enrolments: size.enrolments,
      claims: size.claims,
      claimLines: size.lines,
      paymentItems: size.items,
      ...figures,
    });
    console.log(summaryLine(data, figures));
    if (!figures.isBalanced) process.exitCode = 1;
  } finally {
    await database.close();
  }
}

/** The report over the bench's own synthetic data (the default, and CI's tiny run). */
async function overGenerated(): Promise<void> {
  const throwaway = await throwawayDatabase('report');
  const database = await openDatabase({ databaseUrl: throwaway.url, poolSize: 4 });
  try {
    await migrate(database);
    const db = database.db;
    await importJurisdictionRegions(db);
    const counties = (
      await db
        .selectFrom('region')
        .select('code')
        .where('province_code', '=', PROVINCE)
        .where('level', '=', 'county')
        .orderBy('code')
        .execute()
    ).map((row) => row.code);
    await ensureAccounts(db, [PROVINCE, ...counties]);
    const generation = await timed(() => generate(db, counties));
    const figures = await measure(db, { province: PROVINCE, year: YEAR, quarter: 2, county: counties[0]! });
    if (!figures.isBalanced) throw new Error(`synthetic data does not balance: ${JSON.stringify(figures)}`);
    const generationSeconds = Math.round(generation.ms / 100) / 10;
    appendResult('report', {
      database: 'postgres',
      source: 'generated',
      claimLines: LINES,
      counties: counties.length,
      generationSeconds,
      ...figures,
    });
    console.log(
      summaryLine(
        `${fmt(LINES)} generated claim lines over ${counties.length} counties (${generationSeconds} s)`,
        figures,
      ),
    );
  } finally {
    await database.close();
    await throwaway.drop();
  }
}

if (SOURCE) await overSource(SOURCE);
else await overGenerated();
