import { SingleBar } from 'cli-progress';
import { sql } from 'kysely';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { createUser } from '../auth/auth.service.ts';
import type { Role } from '../auth/roles.ts';
import { migrate } from '../db/migrator.ts';
import { ensureAccounts, postJournal, type TransferInput } from '../ledger/transfer.service.ts';
import { creditCodeCheckCharacter, idNumberCheckCharacter } from '../registry/identifiers.ts';
import { upsertOccupations } from '../registry/occupation.service.ts';
import { OCCUPATION_SEED } from '../registry/occupations.data.ts';
import { idNumberHash } from '../registry/person.repository.ts';
import { divisionRegions, upsertRegions } from '../registry/region.service.ts';
import { DEMO_REGIONS } from '../registry/regions.data.ts';
import { encryptOptional } from '../shared/data-keyring.ts';
import { type BulkTarget, resetIdentity, type TableSpec } from './bulk.ts';
import { Random } from './random.ts';

/**
 * The province-year generator (docs/performance.md, "Province scale"): a deterministic,
 * realistic year of one region's subsidised training — institutions, enterprises, evaluation
 * organisations, people with their groups, a published catalog, filed and approved classes with
 * their sessions, enrolments, attendance, results, certificates and employment (以工代训) records —
 * bulk-loaded (src/bench/bulk.ts). `people` is the number of subsidised person-times (enrolments
 * in completed classes); about one in eleven is a person's second training of the year.
 *
 * Attendance: every class has its sessions; one class in `sampleEvery` (default 50) gets
 * session-level sign-in/sign-out rows (the `attendance` table, read by the claims engine as in
 * production), the others get one total per trainee in `bench_attendance_total`, which the
 * batch adjudication reads through `benchAttendanceReader`. Ciphertexts (ID numbers, phones)
 * use random IVs; every plaintext value is a function of the seed.
 */
export interface GenerateOptions {
  region: string;
  people: number;
  seed: number;
  year?: number;
  /** One class in N gets session-level attendance rows (default 50). */
  sampleEvery?: number;
  /** Progress bar on stderr (default: when stderr is a TTY). */
  progress?: boolean;
  /** Rows per bulk statement (default 5000). */
  chunkRows?: number;
  /** Every class has this many trainees (default: 20 to 60, drawn per class). */
  classSize?: number;
}

export interface GenerateSummary {
  region: string;
  provinceCode: string;
  year: number;
  counties: number;
  personTimes: number;
  persons: number;
  classes: number;
  rows: Record<string, number>;
  totalRows: number;
  seconds: number;
  rowsPerSecond: number;
  users: BenchUsers;
}

/** The officers the adjudication benchmark acts as (created by the generator). */
export interface BenchUsers {
  reviewer: BenchUser;
  approver: BenchUser;
  finance: BenchUser;
  /** The second finance officer, who approves the payment orders (maker-checker). */
  financeChecker: BenchUser;
}
export interface BenchUser {
  userId: number;
  loginName: string;
  role: Role;
  regionCode: string;
}

/** Primary group of a person: the documented mix (shares of persons, in %). */
export const GROUP_MIX: readonly { code: string; share: number }[] = [
  { code: 'enterprise_employee', share: 42 },
  { code: 'rural_migrant_worker', share: 18 },
  { code: 'registered_unemployed', share: 9 },
  { code: 'flexible_worker', share: 6 },
  { code: 'recent_graduate', share: 5 },
  { code: 'urban_resident', share: 4 },
  { code: 'graduating_student', share: 3 },
  { code: 'poor_labor', share: 3 },
  { code: 'laid_off', share: 3 },
  { code: 'veteran', share: 2 },
  { code: 'employment_difficulty', share: 2 },
  { code: 'rural_resident', share: 2 },
  { code: 'disabled', share: 1 },
];
const GROUP_WEIGHTS = GROUP_MIX.map((group) => group.share);
const EMPLOYEE_GROUP = 0;

const LEVELS = ['primary', 'intermediate', 'advanced'] as const;
const LEVEL_LABEL = { primary: '初级', intermediate: '中级', advanced: '高级' } as const;
/** Share of classes per level, and of classes at a level the catalog does not list (技师). */
const LEVEL_WEIGHTS = [60, 30, 10];
const OFF_CATALOG_SHARE = 0.02;
/** Share of classes approved only after they started (not 开班备案 in time → NOT_FILED). */
const LATE_FILING_SHARE = 0.03;
/** Share of trainees who miss one to three sessions; share who fail the exam. */
const ABSENT_SHARE = 0.08;
const FAIL_SHARE = 0.04;
const PENSION_SHARE = 0.015;
const PHONE_SHARE = 0.6;
/** Person-times per distinct person (1.1: about 9 % of trainings are a second one in the year). */
const TRAININGS_PER_PERSON = 1.1;
const CLASS_HOURS_PER_SESSION = 6;

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建华志强国庆海燕丹春梅晓东宇浩然子涵欣怡梓萱一诺雨桐佳怡文博思远嘉怡晨阳';

interface ClassPlan {
  county: number;
  occupation: number;
  level: number;
  offCatalog: boolean;
  institution: number;
  startDay: number;
  days: number;
  size: number;
  lateFiling: boolean;
}

const DAY_MS = 86_400_000;

function isoDate(year: number, dayOfYear: number): string {
  return new Date(Date.UTC(year, 0, 1) + dayOfYear * DAY_MS).toISOString().slice(0, 10);
}
/** An instant on a day of the year at a China-time hour and minute, as ISO text. */
function chinaInstant(year: number, dayOfYear: number, hour: number, minute = 0): string {
  return new Date(
    Date.UTC(year, 0, 1) + dayOfYear * DAY_MS + ((hour - 8) * 60 + minute) * 60_000,
  ).toISOString();
}

const T = (name: string, columns: TableSpec['columns'], hasIdentity = true): TableSpec => ({
  name,
  columns,
  hasIdentity,
});
const P = 'province_code';
const TABLES = {
  organisation: T('organisation', [
    ['id', 'bigint'],
    [P, 'text'],
    ['region_code', 'text'],
    ['kind', 'text'],
    ['name', 'text'],
    ['credit_code', 'text'],
    ['status_since', 'date'],
    ['enterprise_size', 'text'],
    ['employer_flags', 'jsonb'],
    ['licence_number', 'text'],
    ['capacity', 'int'],
  ]),
  person: T('person', [
    ['id', 'bigint'],
    [P, 'text'],
    ['registering_region_code', 'text'],
    ['id_number_ciphertext', 'text'],
    ['id_number_hash', 'text'],
    ['name', 'text'],
    ['sex', 'text'],
    ['birth_date', 'date'],
    ['phone_ciphertext', 'text'],
    ['household_region_code', 'text'],
    ['pension_status', 'text'],
  ]),
  personGroup: T('person_group', [
    ['id', 'bigint'],
    [P, 'text'],
    ['person_id', 'bigint'],
    ['group_code', 'text'],
    ['certified_by_organisation', 'text'],
    ['certified_by_officer', 'text'],
    ['valid_from', 'date'],
  ]),
  employment: T('employment_record', [
    ['id', 'bigint'],
    [P, 'text'],
    ['enterprise_id', 'bigint'],
    ['person_id', 'bigint'],
    ['person_province_code', 'text'],
    ['contract_months', 'int'],
    ['start_date', 'date'],
    ['is_payroll_verified', 'boolean'],
  ]),
  trainingClass: T('training_class', [
    ['id', 'bigint'],
    [P, 'text'],
    ['region_code', 'text'],
    ['institution_id', 'bigint'],
    ['class_code', 'text'],
    ['name', 'text'],
    ['occupation_code', 'text'],
    ['level', 'text'],
    ['capacity', 'int'],
    ['starts_at', 'timestamptz'],
    ['ends_at', 'timestamptz'],
    ['teaching_plan', 'jsonb'],
    ['teachers', 'jsonb'],
    ['assessment_plan', 'jsonb'],
    ['status', 'text'],
    ['filed_at', 'timestamptz'],
    ['approved_at', 'timestamptz'],
  ]),
  session: T('class_session', [
    ['id', 'bigint'],
    [P, 'text'],
    ['class_id', 'bigint'],
    ['session_number', 'int'],
    ['starts_at', 'timestamptz'],
    ['ends_at', 'timestamptz'],
    ['mode', 'text'],
    ['class_hours', 'int'],
    ['topic', 'text'],
  ]),
  enrolment: T('enrolment', [
    ['id', 'bigint'],
    [P, 'text'],
    ['class_id', 'bigint'],
    ['person_id', 'bigint'],
    ['person_province_code', 'text'],
    ['enrolled_at', 'timestamptz'],
  ]),
  examResult: T('exam_result', [
    ['id', 'bigint'],
    [P, 'text'],
    ['class_id', 'bigint'],
    ['person_id', 'bigint'],
    ['score', 'numeric'],
    ['is_passed', 'boolean'],
    ['exam_date', 'date'],
  ]),
  certificate: T('certificate', [
    ['id', 'bigint'],
    [P, 'text'],
    ['person_id', 'bigint'],
    ['person_province_code', 'text'],
    ['class_id', 'bigint'],
    ['certificate_type', 'text'],
    ['level', 'text'],
    ['occupation_code', 'text'],
    ['certificate_number', 'text'],
    ['issuer', 'text'],
    ['issuer_organisation_id', 'bigint'],
    ['issued_on', 'date'],
  ]),
  attendance: T('attendance', [
    ['id', 'bigint'],
    [P, 'text'],
    ['class_id', 'bigint'],
    ['session_id', 'bigint'],
    ['person_id', 'bigint'],
    ['sign_in_at', 'timestamptz'],
    ['sign_in_method', 'text'],
    ['sign_out_at', 'timestamptz'],
    ['sign_out_method', 'text'],
  ]),
  attendanceTotal: T(
    'bench_attendance_total',
    [
      [P, 'text'],
      ['class_id', 'bigint'],
      ['person_id', 'bigint'],
      ['offline_class_hours', 'int'],
      ['online_class_hours', 'int'],
      ['sessions_attended', 'int'],
    ],
    false,
  ),
};
const IDENTITY_TABLES = Object.values(TABLES)
  .filter((table) => table.hasIdentity)
  .map((table) => table.name);

/** Attendance totals for the classes without session-level rows (not programme data: bench only). */
export const BENCH_ATTENDANCE_DDL = `create table if not exists bench_attendance_total (
  province_code text not null,
  class_id bigint not null,
  person_id bigint not null,
  offline_class_hours integer not null,
  online_class_hours integer not null,
  sessions_attended integer not null,
  primary key (class_id, person_id, province_code)
)`;

class ChunkedWriter {
  private readonly buffers = new Map<TableSpec, unknown[][]>();
  readonly counts: Record<string, number> = {};

  constructor(
    private readonly target: BulkTarget,
    private readonly chunkRows: number,
    private readonly onRows: (count: number) => void,
  ) {}

  async add(table: TableSpec, row: unknown[]): Promise<void> {
    let buffer = this.buffers.get(table);
    if (!buffer) {
      buffer = [];
      this.buffers.set(table, buffer);
    }
    buffer.push(row);
    if (buffer.length >= this.chunkRows) await this.flushTable(table);
  }

  private async flushTable(table: TableSpec): Promise<void> {
    const rows = this.buffers.get(table);
    if (!rows || rows.length === 0) return;
    this.buffers.set(table, []);
    this.counts[table.name] = (this.counts[table.name] ?? 0) + rows.length;
    await this.target.write(table, rows);
    this.onRows(rows.length);
  }

  /** Writes every buffered row and waits for the database (a barrier between phases). */
  async barrier(): Promise<void> {
    for (const table of this.buffers.keys()) await this.flushTable(table);
    await this.target.drain();
  }
}

async function nextIds(target: BulkTarget, tables: readonly string[]): Promise<Record<string, number>> {
  const next: Record<string, number> = {};
  for (const table of tables) {
    const row = await sql<{ max: number | null }>`select max(id) as max from ${sql.table(table)}`.execute(
      target.database.db,
    );
    next[table] = Number(row.rows[0]?.max ?? 0) + 1;
  }
  return next;
}

function creditCode(county: string, kindDigit: number, sequence: number): string {
  const first17 = `91${county}${kindDigit}${String(sequence).padStart(8, '0')}`;
  return `${first17}${creditCodeCheckCharacter(first17)}`;
}

/** Creates the province's regions, occupations, the bench officers and, for PostgreSQL, nothing else. */
async function prepareReference(target: BulkTarget, region: string): Promise<string[]> {
  const database = target.database;
  await migrate(database);
  const provinceCode = `${region.slice(0, 2)}0000`;
  const division = await divisionRegions([region.slice(0, 2)]).catch(() => []);
  const regions =
    division.length > 0 ? division : DEMO_REGIONS.filter((row) => row.code.startsWith(region.slice(0, 2)));
  await upsertRegions(database.db, regions);
  await upsertOccupations(database.db, OCCUPATION_SEED);
  const prefix = region.endsWith('0000')
    ? region.slice(0, 2)
    : region.endsWith('00')
      ? region.slice(0, 4)
      : region;
  const counties = regions
    .filter((row) => row.level === 'county' && row.code.startsWith(prefix))
    .map((row) => row.code)
    .sort();
  if (counties.length === 0) throw new Error(`region ${region} has no counties in the region table`);
  await sql.raw(BENCH_ATTENDANCE_DDL).execute(database.db);
  await ensureAccounts(database.db, [
    provinceCode,
    ...new Set(counties.map((code) => `${code.slice(0, 4)}00`)),
    ...counties,
  ]);
  return counties;
}

async function ensureBenchUsers(target: BulkTarget, region: string): Promise<BenchUsers> {
  const db = target.database.db;
  const wanted: [keyof BenchUsers, Role][] = [
    ['reviewer', region.endsWith('0000') ? 'province_officer' : 'city_officer'],
    ['approver', region.endsWith('0000') ? 'province_officer' : 'city_officer'],
    ['finance', 'finance_officer'],
    ['financeChecker', 'finance_officer'],
  ];
  const users = {} as BenchUsers;
  for (const [key, role] of wanted) {
    const loginName = `bench_${region}_${key}`;
    let row = await db
      .selectFrom('app_user')
      .select('id')
      .where('login_name', '=', loginName)
      .executeTakeFirst();
    if (!row) {
      const id = await createUser(db, SYSTEM_CONTEXT, {
        loginName,
        displayName: `基准测试 ${key}`,
        password: `Bench@${region}!x9Q`,
        role,
        regionCode: region,
      });
      row = { id };
    }
    users[key] = { userId: row.id, loginName, role, regionCode: region };
  }
  return users;
}

/** Generates and loads a province-year (see the module comment). */
export async function generateProvinceYear(
  target: BulkTarget,
  options: GenerateOptions,
): Promise<GenerateSummary> {
  const started = performance.now();
  const year = options.year ?? 2021;
  const sampleEvery = options.sampleEvery ?? 50;
  const region = options.region;
  if (!/^\d{6}$/.test(region)) throw new Error(`region must be a 6-digit GB/T 2260 code, got ${region}`);
  const provinceCode = `${region.slice(0, 2)}0000`;
  const counties = await prepareReference(target, region);
  const users = await ensureBenchUsers(target, region);
  const regionNames = new Map(
    (await target.database.db.selectFrom('region').select(['code', 'name']).execute()).map((row) => [
      row.code,
      row.name,
    ]),
  );
  const random = new Random(options.seed);
  const occupations = OCCUPATION_SEED.filter((row) => /^\d-\d\d-\d\d-\d\d$/.test(row.code));

  // Catalog: one published version at the region's own level, every occupation × three levels.
  const standard = occupations.map((_, index) => {
    const r = Random.derive(options.seed, 7, index);
    const base = r.int(8, 16) * 10_000;
    const days = r.int(10, 15);
    return LEVELS.map((_, level) => ({ amountFen: base * (1 + level * 0.5), days: days + level * 5 }));
  });

  // County weights and quotas of person-times.
  const weights = counties.map(() => 0.5 + random.next());
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const quotas = weights.map((weight) => Math.floor((options.people * weight) / weightSum));
  quotas[0]! += options.people - quotas.reduce((sum, quota) => sum + quota, 0);
  const personsPerCounty = quotas.map((quota) => Math.ceil(quota / TRAININGS_PER_PERSON));

  // Class plan (compact, in memory): sizes 20..60 until each county's quota is met.
  const plans: ClassPlan[] = [];
  const institutionsPerCounty: number[] = [];
  for (const [county, quota] of quotas.entries()) {
    let remaining = quota;
    const first = plans.length;
    while (remaining > 0) {
      const drawn = random.int(20, 60);
      const size = Math.min(remaining, options.classSize ?? drawn, Math.ceil(quota / TRAININGS_PER_PERSON));
      remaining -= size;
      const level = random.weighted(LEVEL_WEIGHTS);
      const occupation = random.int(0, occupations.length - 1);
      plans.push({
        county,
        occupation,
        level,
        offCatalog: random.chance(OFF_CATALOG_SHARE),
        institution: 0,
        startDay: random.int(10, 320),
        days: standard[occupation]![level]!.days,
        size,
        lateFiling: random.chance(LATE_FILING_SHARE),
      });
    }
    const classCount = plans.length - first;
    const institutions = Math.max(2, Math.ceil(classCount / 30));
    institutionsPerCounty.push(institutions);
    for (let index = first; index < plans.length; index += 1)
      plans[index]!.institution = random.int(0, institutions - 1);
  }
  // Chronological order: a person's second training comes after the first ended.
  plans.sort((a, b) => a.startDay - b.startDay || a.county - b.county);

  const totalPersons = personsPerCounty.reduce((sum, count) => sum + count, 0);
  const ids = await nextIds(target, IDENTITY_TABLES);
  const sampled = plans
    .filter((_, index) => index % sampleEvery === 0)
    .reduce((sum, plan) => sum + plan.size * plan.days, 0);
  const estimatedRows =
    totalPersons * 2.3 + options.people * 4 + plans.reduce((sum, plan) => sum + plan.days + 1, 0) + sampled;
  const bar =
    (options.progress ?? process.stderr.isTTY)
      ? new SingleBar({
          format: 'generate {bar} {percentage}% | {value}/{total} rows | {phase} | eta {eta_formatted}',
          stream: process.stderr,
          hideCursor: true,
        })
      : null;
  bar?.start(Math.round(estimatedRows), 0, { phase: 'organisations' });
  const writer = new ChunkedWriter(target, options.chunkRows ?? 5000, (count) => bar?.increment(count));
  const phase = (name: string) => bar?.update({ phase: name });

  // Organisations: institutions, one evaluation organisation and enterprises per county.
  const institutionBase: number[] = [];
  const evaluationOrg: number[] = [];
  const enterpriseBase: number[] = [];
  const enterpriseCount: number[] = [];
  let organisationId = ids.organisation!;
  const orgSequence = Random.derive(options.seed, 11).int(10_000, 90_000);
  for (const [index, county] of counties.entries()) {
    const countyName = regionNames.get(county) ?? county;
    institutionBase.push(organisationId);
    for (let n = 0; n < institutionsPerCounty[index]!; n += 1) {
      await writer.add(TABLES.organisation, [
        organisationId,
        provinceCode,
        county,
        'institution',
        `${countyName}第${n + 1}职业培训学校`,
        creditCode(county, 5, orgSequence + organisationId),
        `${year - 3}-01-01`,
        null,
        '[]',
        `JS${county}${String(n + 1).padStart(4, '0')}`,
        200,
      ]);
      organisationId += 1;
    }
    evaluationOrg.push(organisationId);
    await writer.add(TABLES.organisation, [
      organisationId,
      provinceCode,
      county,
      'evaluation_org',
      `${countyName}职业技能等级认定中心`,
      creditCode(county, 6, orgSequence + organisationId),
      `${year - 3}-01-01`,
      null,
      '[]',
      null,
      null,
    ]);
    organisationId += 1;
    const employees = Math.ceil(personsPerCounty[index]! * 0.45);
    const enterprises = Math.max(1, Math.ceil(employees / 40));
    enterpriseBase.push(organisationId);
    enterpriseCount.push(enterprises);
    for (let n = 0; n < enterprises; n += 1) {
      const r = Random.derive(options.seed, 13, organisationId);
      const size = r.pick(['micro', 'small', 'small', 'medium', 'medium', 'large']);
      const flags = r.chance(0.03) ? ['insured', 'difficult'] : r.chance(0.9) ? ['insured'] : [];
      await writer.add(TABLES.organisation, [
        organisationId,
        provinceCode,
        county,
        'enterprise',
        `${countyName}${SURNAMES[n % SURNAMES.length]}氏实业有限公司${n + 1}`,
        creditCode(county, 1, orgSequence + organisationId),
        `${year - 5}-01-01`,
        size,
        JSON.stringify(flags),
        null,
        null,
      ]);
      organisationId += 1;
    }
  }
  await writer.barrier();
  await loadCatalog(target, region, provinceCode, year, occupations, standard);

  // People: contiguous id ranges per county; the primary group drives employment.
  phase('persons');
  const personBase: number[] = [];
  const groupOf = new Uint8Array(totalPersons);
  let personId = ids.person!;
  const firstPersonId = personId;
  for (const [index, county] of counties.entries()) {
    personBase.push(personId);
    for (let n = 0; n < personsPerCounty[index]!; n += 1) {
      const r = Random.derive(options.seed, 17, personId);
      const day = n % 14_600;
      const birth = new Date(Date.UTC(year - 58, 0, 1) + day * DAY_MS).toISOString().slice(0, 10);
      const male = r.chance(0.52);
      const sequence = Math.floor(n / 14_600) * 2 + (male ? 1 : 0);
      const first17 = `${county}${birth.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
      const idNumber = `${first17}${idNumberCheckCharacter(first17)}`;
      const name = `${SURNAMES[r.int(0, SURNAMES.length - 1)]}${GIVEN[r.int(0, GIVEN.length - 1)]}${r.chance(0.6) ? GIVEN[r.int(0, GIVEN.length - 1)] : ''}`;
      const phone = r.chance(PHONE_SHARE)
        ? `1${r.pick(['3', '5', '7', '8', '9'])}${String(r.int(0, 999_999_999)).padStart(9, '0')}`
        : null;
      groupOf[personId - firstPersonId] = r.weighted(GROUP_WEIGHTS);
      await writer.add(TABLES.person, [
        personId,
        provinceCode,
        county,
        encryptOptional('person.id_number', idNumber),
        idNumberHash(idNumber),
        name,
        male ? 'male' : 'female',
        birth,
        encryptOptional('person.phone', phone),
        county,
        r.chance(PENSION_SHARE) ? 'receiving' : 'none',
      ]);
      personId += 1;
    }
  }
  await writer.barrier();

  // Groups and employment (以工代训 records included: new hires of the year at small enterprises).
  phase('groups, employment');
  let groupId = ids.person_group!;
  let employmentId = ids.employment_record!;
  for (const [index, county] of counties.entries()) {
    const countyName = regionNames.get(county) ?? county;
    for (let n = 0; n < personsPerCounty[index]!; n += 1) {
      const id = personBase[index]! + n;
      const r = Random.derive(options.seed, 19, id);
      const group = groupOf[id - firstPersonId]!;
      const code = GROUP_MIX[group]!.code;
      const validFrom =
        code === 'recent_graduate'
          ? `${year - 1}-07-01`
          : code === 'graduating_student'
            ? `${year}-07-01`
            : isoDate(year - r.int(1, 3), r.int(0, 300));
      await writer.add(TABLES.personGroup, [
        groupId++,
        provinceCode,
        id,
        code,
        `${countyName}公共就业服务中心`,
        '经办员',
        validFrom,
      ]);
      const isEmployee = group === EMPLOYEE_GROUP;
      const isOnTheJob =
        !isEmployee && (code === 'registered_unemployed' || code === 'recent_graduate') && r.chance(0.15);
      if (isEmployee || isOnTheJob) {
        const enterprise = enterpriseBase[index]! + r.int(0, enterpriseCount[index]! - 1);
        await writer.add(TABLES.employment, [
          employmentId++,
          provinceCode,
          enterprise,
          id,
          provinceCode,
          isOnTheJob ? 12 : r.pick([12, 24, 36, 60]),
          isOnTheJob ? isoDate(year, r.int(0, 200)) : isoDate(year - r.int(1, 6), r.int(0, 360)),
          r.chance(0.8),
        ]);
      }
    }
  }
  await writer.barrier();

  // Classes.
  phase('classes');
  let classId = ids.training_class!;
  const classIds = new Float64Array(plans.length);
  const classSequence = new Map<number, number>();
  for (const [index, plan] of plans.entries()) {
    const county = counties[plan.county]!;
    const occupation = occupations[plan.occupation]!;
    const level = plan.offCatalog ? 'technician' : LEVELS[plan.level]!;
    const sequence = (classSequence.get(plan.county) ?? 0) + 1;
    classSequence.set(plan.county, sequence);
    const r = Random.derive(options.seed, 23, index);
    const approvedDay = plan.lateFiling ? plan.startDay + 1 : plan.startDay - r.int(2, 10);
    classIds[index] = classId;
    await writer.add(TABLES.trainingClass, [
      classId,
      provinceCode,
      county,
      institutionBase[plan.county]! + plan.institution,
      `${county}${year}${String(sequence).padStart(5, '0')}`,
      `${occupation.name}（${plan.offCatalog ? '技师' : LEVEL_LABEL[LEVELS[plan.level]!]}）第${sequence}期`,
      occupation.code,
      level,
      Math.max(plan.size, 60),
      chinaInstant(year, plan.startDay, 8),
      chinaInstant(year, plan.startDay + plan.days - 1, 12, 30),
      '{"modules":["职业道德","理论知识","操作技能"]}',
      '[{"name":"张老师","qualification":"高级技师"}]',
      '{"method":"理论+实操","passScore":60}',
      'completed',
      chinaInstant(year, approvedDay - 1, 9),
      chinaInstant(year, approvedDay, 10),
    ]);
    classId += 1;
  }
  await writer.barrier();

  // Sessions, enrolments, results, certificates, attendance totals.
  phase('sessions, enrolments, results');
  let sessionId = ids.class_session!;
  let enrolmentId = ids.enrolment!;
  let resultId = ids.exam_result!;
  let certificateId = ids.certificate!;
  const sessionBase = new Float64Array(plans.length);
  const cursor = new Int32Array(counties.length);
  const trainedCount = new Uint8Array(totalPersons);
  const firstOccupation = new Uint8Array(totalPersons);
  const lastEndDay = new Int16Array(totalPersons).fill(-1);
  const rosters: Int32Array[] = [];
  for (const [index, plan] of plans.entries()) {
    const id = classIds[index]!;
    sessionBase[index] = sessionId;
    for (let day = 0; day < plan.days; day += 1) {
      await writer.add(TABLES.session, [
        sessionId++,
        provinceCode,
        id,
        day + 1,
        chinaInstant(year, plan.startDay + day, 8),
        chinaInstant(year, plan.startDay + day, 12, 30),
        'offline',
        CLASS_HOURS_PER_SESSION,
        `第${day + 1}天`,
      ]);
    }
    const r = Random.derive(options.seed, 29, index);
    const county = plan.county;
    const available = personsPerCounty[county]!;
    const repeatShare = 1 - available / Math.max(1, quotas[county]!);
    const roster = new Int32Array(plan.size);
    const inClass = new Set<number>();
    for (let slot = 0; slot < plan.size; slot += 1) {
      let chosen = -1;
      if ((r.chance(repeatShare) || cursor[county]! >= available) && cursor[county]! > 0) {
        for (let attempt = 0; attempt < 8 && chosen < 0; attempt += 1) {
          const candidate = personBase[county]! - firstPersonId + r.int(0, cursor[county]! - 1);
          if (
            !inClass.has(candidate) &&
            trainedCount[candidate]! < 3 &&
            firstOccupation[candidate] !== plan.occupation &&
            lastEndDay[candidate]! < plan.startDay
          )
            chosen = candidate;
        }
      }
      if (chosen < 0 && cursor[county]! < available) {
        chosen = personBase[county]! - firstPersonId + cursor[county]!;
        cursor[county]! += 1;
        firstOccupation[chosen] = plan.occupation;
      }
      if (chosen < 0) {
        // Everyone of the county is in this class or busy: take anyone not yet in it.
        for (let candidate = personBase[county]! - firstPersonId; chosen < 0; candidate += 1)
          if (!inClass.has(candidate)) chosen = candidate;
      }
      inClass.add(chosen);
      trainedCount[chosen]! += 1;
      lastEndDay[chosen] = plan.startDay + plan.days;
      roster[slot] = chosen + firstPersonId;
    }
    rosters.push(roster);
    const isSampled = index % sampleEvery === 0;
    const endDate = isoDate(year, plan.startDay + plan.days - 1);
    const level = plan.offCatalog ? 'technician' : LEVELS[plan.level]!;
    for (const person of roster) {
      const rp = Random.derive(options.seed, 31, index, person);
      await writer.add(TABLES.enrolment, [
        enrolmentId++,
        provinceCode,
        id,
        person,
        provinceCode,
        chinaInstant(year, plan.startDay - 3, 10),
      ]);
      const missed = rp.chance(ABSENT_SHARE) ? rp.int(1, Math.min(3, plan.days - 1)) : 0;
      if (!isSampled) {
        await writer.add(TABLES.attendanceTotal, [
          provinceCode,
          id,
          person,
          (plan.days - missed) * CLASS_HOURS_PER_SESSION,
          0,
          plan.days - missed,
        ]);
      }
      const passed = !rp.chance(FAIL_SHARE);
      await writer.add(TABLES.examResult, [
        resultId++,
        provinceCode,
        id,
        person,
        passed ? rp.int(60, 99) : rp.int(30, 59),
        passed,
        endDate,
      ]);
      if (passed) {
        const issuer = evaluationOrg[county]!;
        await writer.add(TABLES.certificate, [
          certificateId,
          provinceCode,
          person,
          provinceCode,
          id,
          level === 'primary' && rp.chance(0.2) ? 'training_qualified' : 'skill_level',
          level,
          occupations[plan.occupation]!.code,
          `${year}${counties[county]}${String(certificateId).padStart(9, '0')}`,
          `${regionNames.get(counties[county]!) ?? counties[county]}职业技能等级认定中心`,
          issuer,
          isoDate(year, plan.startDay + plan.days + 6),
        ]);
        certificateId += 1;
      }
    }
  }
  await writer.barrier();

  // Session-level attendance for the sampled classes (sign-in 5 min early, sign-out 2 min late).
  phase('attendance (sample)');
  let attendanceId = ids.attendance!;
  for (const [index, plan] of plans.entries()) {
    if (index % sampleEvery !== 0) continue;
    const id = classIds[index]!;
    for (const person of rosters[index]!) {
      const rp = Random.derive(options.seed, 31, index, person);
      const missed = rp.chance(ABSENT_SHARE) ? rp.int(1, Math.min(3, plan.days - 1)) : 0;
      for (let day = missed; day < plan.days; day += 1) {
        await writer.add(TABLES.attendance, [
          attendanceId++,
          provinceCode,
          id,
          sessionBase[index]! + day,
          person,
          chinaInstant(year, plan.startDay + day, 7, 55),
          'face',
          chinaInstant(year, plan.startDay + day, 12, 32),
          'face',
        ]);
      }
    }
  }
  await writer.barrier();
  phase('indexes, statistics');
  await resetIdentity(target.database, IDENTITY_TABLES);
  await fundCounties(target, provinceCode, counties, plans, standard, year);
  await sql`analyze`.execute(target.database.db);
  bar?.stop();

  const seconds = (performance.now() - started) / 1000;
  const totalRows = Object.values(writer.counts).reduce((sum, count) => sum + count, 0);
  return {
    region,
    provinceCode,
    year,
    counties: counties.length,
    personTimes: options.people,
    persons: totalPersons,
    classes: plans.length,
    rows: writer.counts,
    totalRows,
    seconds,
    rowsPerSecond: Math.round(totalRows / seconds),
    users,
  };
}

async function loadCatalog(
  target: BulkTarget,
  region: string,
  provinceCode: string,
  year: number,
  occupations: readonly { code: string }[],
  standard: { amountFen: number; days: number }[][],
): Promise<void> {
  const db = target.database.db;
  const existing = await db
    .selectFrom('catalog_version')
    .select('id')
    .where('region_code', '=', region)
    .where('title', '=', `${year}年补贴性职业技能培训目录（基准数据）`)
    .executeTakeFirst();
  if (existing) return;
  const numberRow = await db
    .selectFrom('catalog_version')
    .select((eb) => eb.fn.max('version_number').as('max'))
    .where('province_code', '=', provinceCode)
    .where('region_code', '=', region)
    .executeTakeFirst();
  const { id: versionId } = await db
    .insertInto('catalog_version')
    .values({
      province_code: provinceCode,
      region_code: region,
      version_number: Number(numberRow?.max ?? 0) + 1,
      title: `${year}年补贴性职业技能培训目录（基准数据）`,
      status: 'published',
      effective_from: `${year}-01-01`,
      effective_to: null,
      citation_document: '基准数据',
      citation_article: '培训补贴标准目录',
      published_at: new Date(`${year - 1}-12-20T02:00:00Z`),
      published_by_user_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('catalog_entry')
    .values(
      occupations.flatMap((occupation, index) =>
        LEVELS.map((level, levelIndex) => ({
          province_code: provinceCode,
          version_id: versionId,
          occupation_code: occupation.code,
          level,
          standard_amount_fen: standard[index]![levelIndex]!.amountFen,
          standard_days: standard[index]![levelIndex]!.days,
          standard_class_hours: standard[index]![levelIndex]!.days * CLASS_HOURS_PER_SESSION,
          effective_from: `${year}-01-01`,
          effective_to: null,
          citation_document: '基准数据',
          citation_article: '培训补贴标准目录',
        })),
      ),
    )
    .execute();
}

/**
 * Funds each county's training sub-account for the year (appropriation → province special →
 * city special → county special → county training), one journal, with 50 % headroom.
 */
async function fundCounties(
  target: BulkTarget,
  provinceCode: string,
  counties: readonly string[],
  plans: readonly ClassPlan[],
  standard: { amountFen: number; days: number }[][],
  year: number,
): Promise<void> {
  const db = target.database.db;
  const need = new Map<string, number>();
  for (const plan of plans) {
    const county = counties[plan.county]!;
    need.set(
      county,
      (need.get(county) ?? 0) + plan.size * standard[plan.occupation]![plan.level]!.amountFen * 1.5,
    );
  }
  const accounts = await db
    .selectFrom('ledger_account')
    .select(['id', 'region_code', 'kind'])
    .where('province_code', '=', provinceCode)
    .where('kind', 'in', ['ui_fund_source', 'special', 'training'])
    .execute();
  const account = (regionCode: string, kind: string) =>
    accounts.find((row) => row.region_code === regionCode && row.kind === kind)!.id;
  const total = [...need.values()].reduce((sum, value) => sum + Math.round(value), 0);
  const stamp = `${year}:${Date.now()}`;
  const transfers: TransferInput[] = [
    {
      idempotencyId: `bench:${stamp}:appropriation`,
      debitAccountId: account(provinceCode, 'ui_fund_source'),
      creditAccountId: account(provinceCode, 'special'),
      amountFen: total,
      code: 'appropriation',
      valueDate: `${year}-01-04`,
    },
  ];
  const byCity = new Map<string, number>();
  for (const [county, amount] of need)
    byCity.set(`${county.slice(0, 4)}00`, (byCity.get(`${county.slice(0, 4)}00`) ?? 0) + Math.round(amount));
  for (const [city, amount] of byCity) {
    if (city === provinceCode) continue;
    transfers.push({
      idempotencyId: `bench:${stamp}:${city}`,
      debitAccountId: account(provinceCode, 'special'),
      creditAccountId: account(city, 'special'),
      amountFen: amount,
      code: 'allocation',
      valueDate: `${year}-01-04`,
    });
  }
  for (const [county, amount] of need) {
    const city = `${county.slice(0, 4)}00`;
    transfers.push(
      {
        idempotencyId: `bench:${stamp}:${county}`,
        debitAccountId: account(city === provinceCode ? provinceCode : city, 'special'),
        creditAccountId: account(county, 'special'),
        amountFen: Math.round(amount),
        code: 'allocation',
        valueDate: `${year}-01-04`,
      },
      {
        idempotencyId: `bench:${stamp}:${county}:training`,
        debitAccountId: account(county, 'special'),
        creditAccountId: account(county, 'training'),
        amountFen: Math.round(amount),
        code: 'allocation',
        valueDate: `${year}-01-04`,
      },
    );
  }
  await db.transaction().execute((trx) =>
    postJournal(trx, SYSTEM_CONTEXT, {
      provinceCode,
      code: 'allocation',
      description: `基准数据 ${year} 年度资金下达`,
      transfers,
    }),
  );
}
