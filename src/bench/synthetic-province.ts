import { sql } from 'kysely';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { idNumberCheckCharacter } from '../registry/identifiers.ts';
import { upsertOccupations } from '../registry/occupation.service.ts';
import { OCCUPATION_SEED } from '../registry/occupations.data.ts';
import { idNumberHash } from '../registry/person.repository.ts';
import { upsertRegions } from '../registry/region.service.ts';
import { DEMO_REGIONS } from '../registry/regions.data.ts';
import { encryptOptional } from '../shared/data-keyring.ts';
import { importReferenceList } from '../supervision/reference-list.service.ts';
import type { RuleCode } from '../supervision/risk.rules.ts';

/**
 * A synthetic province-year of training for the detection scenario and the sweep benchmark:
 * clean classes (with the awkward-but-legal cases a detector must NOT flag: family members
 * sharing a phone, a person in two classes weeks apart, whole classes passing with different
 * scores, certificates issued on the last day, graduating students, pensions that began after
 * the class, 以工代训 starting mid-month) and planted frauds of every rule on separate classes.
 *
 * Written with set-based inserts straight into the tables (the services would take hours at
 * this size); persons are encrypted and indexed exactly as the registry stores them. Every
 * "random" value is a hash of row ids, so a dataset is the same on every run.
 */
export interface SyntheticOptions {
  /** Clean classes; each has `classSize` trainees (default 20). */
  cleanClasses: number;
  classSize?: number;
  /** Distinguishes two datasets in one database (class codes, credit codes). */
  tag?: string;
}

export interface PlantedFraud {
  rule: RuleCode;
  description: string;
  classId: number | null;
  claimId: number | null;
  personId: number | null;
}

export interface SyntheticDataset {
  tag: string;
  cleanClassIds: number[];
  fraudClassIds: number[];
  cleanEnrolments: number;
  cleanOnTheJobLines: number;
  totalEnrolments: number;
  planted: PlantedFraud[];
}

const PROVINCE = '430000';
const COUNTIES = ['430405', '430406', '430421', '430481', '430102'];
const ALLOWED = ['4-10-01-05', '4-03-02-01', '6-18-02-04'];
const OUTSIDE_SCOPE_OCCUPATION = '4-07-05-01';
const FRAUD_CLASSES_PER_RULE = 3;
/** Class-level planted rules, in the order their fraud classes are generated. */
const CLASS_FRAUDS = [
  'sign_in_identical',
  'sign_in_regular',
  'perfect_exam',
  'certificate_before_class_end',
  'over_capacity',
  'shared_phone',
  'single_enterprise_unemployed',
  'outside_catalog_scope',
  'pensioner',
  'full_time_student',
  'overlapping_classes',
  'impossible_travel',
  'low_attendance',
  'certificate_before_exam',
] as const satisfies readonly RuleCode[];

function idNumberOf(index: number): string {
  const birth = new Date(Date.UTC(1970, 0, 1) + (index % 10_000) * 86_400_000);
  const sequence = String(Math.floor(index / 10_000) % 1000).padStart(3, '0');
  const first17 = `430421${birth.toISOString().slice(0, 10).replace(/-/g, '')}${sequence}`;
  return `${first17}${idNumberCheckCharacter(first17)}`;
}

function phoneOf(index: number): string {
  return `13${String(100_000_000 + index).slice(-9)}`;
}

async function insertPersons(executor: Executor, from: number, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < count; start += 1000) {
    const rows = [];
    for (let index = from + start; index < from + Math.min(count, start + 1000); index += 1) {
      const idNumber = idNumberOf(index);
      rows.push({
        province_code: PROVINCE,
        registering_region_code: COUNTIES[index % COUNTIES.length]!,
        id_number: null,
        id_number_ciphertext: encryptOptional('person.id_number', idNumber),
        id_number_hash: idNumberHash(idNumber),
        name: `学员${index}`,
        sex: Number(idNumber[16]) % 2 === 1 ? ('male' as const) : ('female' as const),
        birth_date: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
        phone: null,
        phone_ciphertext: encryptOptional('person.phone', phoneOf(index)),
        household_region_code: null,
      });
    }
    const inserted = await executor.insertInto('person').values(rows).returning('id').execute();
    ids.push(...inserted.map((row) => row.id));
  }
  await sql`
    insert into person_group (province_code, person_id, group_code, certified_by_organisation,
      certified_by_officer, valid_from)
    select province_code, id, 'registered_unemployed', '就业服务中心', '经办人', date '2020-01-01'
    from person where id between ${ids[0]!} and ${ids.at(-1)!}`.execute(executor);
  return ids;
}

async function insertOrganisations(
  executor: Executor,
  tag: string,
  kind: 'institution' | 'enterprise',
  count: number,
): Promise<number[]> {
  const rows = Array.from({ length: count }, (_, index) => ({
    province_code: PROVINCE,
    region_code: COUNTIES[index % COUNTIES.length]!,
    kind,
    name: `${kind === 'institution' ? '合成职业培训学校' : '合成制造有限公司'}${tag}-${index}`,
    credit_code: `SYN${tag}${kind === 'institution' ? 'I' : 'E'}${String(index).padStart(6, '0')}`,
    enterprise_size: kind === 'enterprise' ? ('small' as const) : null,
    employer_flags: JSON.stringify(kind === 'enterprise' ? ['insured'] : []),
    allowed_occupation_codes: JSON.stringify(kind === 'institution' ? ALLOWED : []),
    capacity: kind === 'institution' ? 60 : null,
  }));
  const inserted = await executor.insertInto('organisation').values(rows).returning('id').execute();
  return inserted.map((row) => row.id);
}

/** Classes g = 0..count-1: four morning sessions on consecutive days, starting on day g mod 250. */
async function insertClasses(
  executor: Executor,
  tag: string,
  prefix: string,
  count: number,
  institutions: number[],
): Promise<number[]> {
  const result = await sql<{ id: number }>`
    insert into training_class (province_code, region_code, institution_id, class_code, name, occupation_code,
      level, subsidy_kind, capacity, starts_at, ends_at, teaching_plan, teachers, assessment_plan, status,
      filed_at, approved_at)
    select o.province_code, o.region_code, o.id, ${`SYN${tag}${prefix}`} || g, '合成班' || g,
      (${sql.val(ALLOWED)}::text[])[g % ${ALLOWED.length} + 1], 'primary', 'training', 50,
      timestamptz '2021-03-01 08:00:00+08' + (g % 250) * interval '1 day',
      timestamptz '2021-03-04 12:00:00+08' + (g % 250) * interval '1 day',
      '{}'::jsonb, '[]'::jsonb, '{}'::jsonb, 'completed',
      timestamptz '2021-02-20 08:00:00+08' + (g % 250) * interval '1 day',
      timestamptz '2021-02-22 08:00:00+08' + (g % 250) * interval '1 day'
    from generate_series(0, ${count - 1}) as g
    join organisation o on o.id = (${sql.val(institutions)}::bigint[])[g % ${institutions.length} + 1]
    order by g
    returning id`.execute(executor);
  const ids = result.rows.map((row) => row.id);
  await sql`
    insert into class_session (province_code, class_id, session_number, starts_at, ends_at, mode, class_hours,
      topic, location)
    select c.province_code, c.id, d + 1, c.starts_at + d * interval '1 day',
      c.starts_at + d * interval '1 day' + interval '4 hours', 'offline', 4, '第' || (d + 1) || '讲', '实训楼'
    from training_class c cross join generate_series(0, 3) as d
    where c.id between ${ids[0]!} and ${ids.at(-1)!}`.execute(executor);
  return ids;
}

/** Enrols persons[i*size .. i*size+size-1] in classes[i]. */
async function enrolBlocks(
  executor: Executor,
  classIds: number[],
  personIds: number[],
  size: number,
): Promise<void> {
  const classOfPerson = personIds.map((_, index) => classIds[Math.floor(index / size)]!);
  await sql`
    insert into enrolment (province_code, class_id, person_id, person_province_code, enrolled_at)
    select c.province_code, c.id, pair.person_id, ${PROVINCE}, c.approved_at
    from unnest(${sql.val(classOfPerson)}::bigint[], ${sql.val(personIds)}::bigint[]) as pair(class_id, person_id)
    join training_class c on c.id = pair.class_id`.execute(executor);
}

/** Attendance, results and certificates for every enrolment of the classes, with human jitter. */
async function recordClassOutcomes(
  executor: Executor,
  firstClassId: number,
  lastClassId: number,
): Promise<void> {
  const classes = sql`e.class_id between ${firstClassId} and ${lastClassId}`;
  await sql`
    insert into attendance (province_code, class_id, session_id, person_id, sign_in_at, sign_in_method,
      sign_in_latitude, sign_in_longitude, sign_out_at, sign_out_method, sign_out_latitude, sign_out_longitude)
    select e.province_code, e.class_id, s.id, e.person_id,
      s.starts_at - (abs(hashtext(e.id || ':' || s.id)) % 1500) * interval '1 second'
        - (abs(hashtext(s.id || ':' || e.id)) % 1000) * interval '1 millisecond', 'face',
      26.80 + (e.class_id % 40) * 0.01 + (abs(hashtext('la' || e.id)) % 100) * 0.00001,
      112.50 + (e.class_id % 30) * 0.01 + (abs(hashtext('lo' || e.id)) % 100) * 0.00001,
      s.ends_at + (abs(hashtext('out' || e.id || ':' || s.id)) % 900) * interval '1 second', 'face',
      26.80 + (e.class_id % 40) * 0.01, 112.50 + (e.class_id % 30) * 0.01
    from enrolment e join class_session s on s.class_id = e.class_id and s.province_code = e.province_code
    where ${classes} and abs(hashtext('absent' || e.id || ':' || s.id)) % 40 <> 0`.execute(executor);
  // One class in ten passes everyone, with different scores; elsewhere about one in ten fails.
  await sql`
    insert into exam_result (province_code, class_id, person_id, score, is_passed, exam_date)
    select e.province_code, e.class_id, e.person_id, sc.score, sc.score >= 60,
      ((c.ends_at at time zone 'UTC') + interval '8 hours')::date
    from enrolment e join training_class c on c.id = e.class_id and c.province_code = e.province_code
    cross join lateral (select case when e.class_id % 10 = 0 then 60 + abs(hashtext('s' || e.id)) % 40
      else 54 + abs(hashtext('s' || e.id)) % 46 end as score) sc
    where ${classes}`.execute(executor);
  await sql`
    insert into certificate (province_code, person_id, person_province_code, class_id, certificate_type, level,
      occupation_code, certificate_number, issuer, issued_on)
    select r.province_code, r.person_id, e.person_province_code, r.class_id, 'training_qualified', c.level,
      c.occupation_code, 'SYN-' || r.id, '合成人社局',
      ((c.ends_at at time zone 'UTC') + interval '8 hours')::date + abs(hashtext('d' || r.id)) % 10
    from exam_result r join training_class c on c.id = r.class_id and c.province_code = r.province_code
    join enrolment e on e.class_id = r.class_id and e.person_id = r.person_id and e.province_code = r.province_code
    where r.is_passed and ${classes}`.execute(executor);
  await sql`
    insert into claim (province_code, claim_number, region_code, subsidy_kind, applicant_kind,
      applicant_organisation_id, class_id, application_date, status, submitted_at)
    select c.province_code, 'SYN-C' || c.id, c.region_code, 'training', 'institution', c.institution_id, c.id,
      ((c.ends_at at time zone 'UTC') + interval '8 hours')::date + 10, 'submitted', c.ends_at + interval '10 days'
    from training_class c where c.id between ${firstClassId} and ${lastClassId}`.execute(executor);
}

/** Legal-but-unusual cases among the clean records (see the module comment). */
async function plantHardNegatives(
  executor: Executor,
  cleanClassIds: number[],
  enterprises: number[],
): Promise<void> {
  const first = cleanClassIds[0]!;
  const last = cleanClassIds.at(-1)!;
  // Family members: in one class in twenty, two trainees share a phone.
  await sql`
    with pairs as (
      select e.class_id, min(e.person_id) as a, max(e.person_id) as b
      from (select class_id, person_id, row_number() over (partition by class_id order by person_id) as n
            from enrolment where class_id between ${first} and ${last} and class_id % 20 = 3) e
      where e.n <= 2 group by e.class_id)
    update person p set phone_ciphertext = q.phone_ciphertext, updated_at = now()
    from pairs, person q where p.id = pairs.b and q.id = pairs.a`.execute(executor);
  // Employment after the training (the employment rate of the ratings) and a few before it,
  // spread over the enterprises so no class looks like one employer's staff.
  await sql`
    insert into employment_record (province_code, enterprise_id, person_id, person_province_code,
      contract_months, start_date, end_date)
    select o.province_code, o.id, e.person_id, e.person_province_code, 12,
      ((c.ends_at at time zone 'UTC') + interval '8 hours')::date
        + case when abs(hashtext('pre' || e.id)) % 5 = 0 then -200 else 30 end, null
    from enrolment e join training_class c on c.id = e.class_id and c.province_code = e.province_code
    join organisation o on o.id = (${sql.val(enterprises)}::bigint[])[abs(hashtext('emp' || e.id)) % ${enterprises.length} + 1]
    where e.class_id between ${first} and ${last} and abs(hashtext('job' || e.id)) % 10 < 4`.execute(
    executor,
  );
  // A trainee in two classes three weeks apart, in different places.
  await sql`
    insert into enrolment (province_code, class_id, person_id, person_province_code, enrolled_at)
    select e.province_code, later.id, e.person_id, e.person_province_code, later.approved_at
    from (select distinct on (class_id) * from enrolment
          where class_id between ${first} and ${last} and class_id % 25 = 1
          order by class_id, person_id) e
    join training_class c on c.id = e.class_id
    join training_class later on later.id = c.id + 21 and later.id <= ${last}
      and later.starts_at > c.ends_at + interval '7 days'`.execute(executor);
}

export interface GenerationTimings {
  [step: string]: number;
}

/** Generates the dataset into an empty or existing database (regions and occupations are upserted). */
export async function generateSyntheticProvince(
  executor: Executor,
  options: SyntheticOptions,
  timings: GenerationTimings = {},
): Promise<SyntheticDataset> {
  const tag = options.tag ?? 'A';
  const size = options.classSize ?? 20;
  const clock = (step: string, startedAt: number) => {
    timings[step] = Date.now() - startedAt;
  };
  let started = Date.now();
  await upsertRegions(executor, DEMO_REGIONS);
  await upsertOccupations(executor, OCCUPATION_SEED);
  const institutions = await insertOrganisations(
    executor,
    tag,
    'institution',
    Math.max(4, Math.ceil(options.cleanClasses / 40)),
  );
  const enterprises = await insertOrganisations(
    executor,
    tag,
    'enterprise',
    Math.max(8, Math.ceil(options.cleanClasses / 20)),
  );
  const fraudClassCount = CLASS_FRAUDS.length * FRAUD_CLASSES_PER_RULE;
  const base = (
    await executor
      .selectFrom('person')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;
  const personIds = await insertPersons(
    executor,
    Number(base) + 1,
    (options.cleanClasses + fraudClassCount) * size,
  );
  clock('persons', started);
  started = Date.now();
  const cleanClassIds = await insertClasses(executor, tag, 'C', options.cleanClasses, institutions);
  const fraudClassIds = await insertClasses(executor, tag, 'F', fraudClassCount, institutions);
  await enrolBlocks(executor, [...cleanClassIds, ...fraudClassIds], personIds, size);
  clock('enrolments', started);
  started = Date.now();
  // A bulk load: give the planner statistics before the joins that follow (PGlite has no autovacuum).
  await sql`analyze`.execute(executor);
  await recordClassOutcomes(executor, cleanClassIds[0]!, fraudClassIds.at(-1)!);
  clock('classes', started);
  started = Date.now();
  await plantHardNegatives(executor, cleanClassIds, enterprises);
  const ojt = await generateOnTheJob(executor, {
    tag,
    enterprises,
    clean: Math.max(10, Math.ceil(options.cleanClasses / 10)),
    fraud: FRAUD_CLASSES_PER_RULE,
    firstPersonIndex: Number(base) + 1 + personIds.length,
  });
  const planted = await plantFrauds(executor, {
    fraudClassIds,
    enterprises,
    firstPersonIndex: Number(base) + 1 + personIds.length + ojt.persons,
  });
  planted.push(...ojt.planted);
  await sql`analyze`.execute(executor);
  clock('frauds', started);
  const counts = await sql<{ clean: number; total: number }>`
    select count(*) filter (where class_id between ${cleanClassIds[0]!} and ${cleanClassIds.at(-1)!}) as clean,
      count(*) as total
    from enrolment where class_id between ${cleanClassIds[0]!} and ${fraudClassIds.at(-1)!}`.execute(
    executor,
  );
  return {
    tag,
    cleanClassIds,
    fraudClassIds,
    cleanEnrolments: Number(counts.rows[0]!.clean),
    cleanOnTheJobLines: ojt.cleanLines,
    totalEnrolments: Number(counts.rows[0]!.total),
    planted,
  };
}

const EMPTY_CLAIM = {
  applicant_person_id: null,
  class_id: null,
  advance_claim_id: null,
  payee_bank_name: null,
  payee_bank_account: null,
  payee_bank_account_ciphertext: null,
  payment_batch_id: null,
  idempotency_key: null,
  request_hash: null,
  notice_starts_on: null,
  notice_ends_on: null,
  reviewed_at: null,
  reviewed_by_user_id: null,
  approved_at: null,
  approved_by_user_id: null,
  payment_ordered_at: null,
  paid_at: null,
  last_reason: null,
  created_by_user_id: null,
} as const;

/** 以工代训 claims: clean ones with a contribution for every whole month (some start mid-month), frauds without. */
async function generateOnTheJob(
  executor: Executor,
  options: { tag: string; enterprises: number[]; clean: number; fraud: number; firstPersonIndex: number },
): Promise<{ planted: PlantedFraud[]; cleanLines: number; persons: number }> {
  const total = options.clean + options.fraud;
  const personIds = await insertPersons(executor, options.firstPersonIndex, total);
  const planted: PlantedFraud[] = [];
  for (let index = 0; index < total; index += 1) {
    const enterpriseId = options.enterprises[index % options.enterprises.length]!;
    const isMidMonth = index % 4 === 1;
    const start = isMidMonth ? '2021-03-15' : '2021-03-01';
    const end = isMidMonth ? '2021-09-14' : '2021-08-31';
    const employment = await executor
      .insertInto('employment_record')
      .values({
        province_code: PROVINCE,
        enterprise_id: enterpriseId,
        person_id: personIds[index]!,
        person_province_code: PROVINCE,
        contract_months: 12,
        start_date: start,
        end_date: end,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const isFraud = index >= options.clean;
    const months = isFraud ? ['2021-03', '2021-04'] : ['2021-04', '2021-05', '2021-06', '2021-07', '2021-08'];
    if (!isMidMonth && !isFraud) months.unshift('2021-03');
    // The social-insurance contributions an officer imported (the rule's evidence), not payroll.
    await executor
      .insertInto('social_insurance_contribution')
      .values(
        months.map((month) => ({
          province_code: PROVINCE,
          region_code: COUNTIES[index % COUNTIES.length]!,
          enterprise_id: enterpriseId,
          person_id: personIds[index]!,
          person_province_code: PROVINCE,
          contribution_month: month,
          amount_fen: 102_360,
          imported_by_user_id: 0,
          imported_on: '2021-10-01',
          source_file_name: 'synthetic.csv',
        })),
      )
      .execute();
    const claim = await executor
      .insertInto('claim')
      .values({
        ...EMPTY_CLAIM,
        province_code: PROVINCE,
        claim_number: `SYN${options.tag}-OJT${index}`,
        region_code: COUNTIES[index % COUNTIES.length]!,
        subsidy_kind: 'on_the_job_training',
        applicant_kind: 'enterprise',
        applicant_organisation_id: enterpriseId,
        application_date: '2021-10-08',
        status: 'submitted',
        submitted_at: new Date('2021-10-08T02:00:00Z'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await executor
      .insertInto('claim_line')
      .values({
        province_code: PROVINCE,
        claim_id: claim.id,
        line_number: 1,
        person_id: personIds[index]!,
        person_province_code: PROVINCE,
        certificate_id: null,
        employment_id: employment.id,
        subject: '以工代训',
        policy_id: 'cn-430400-2019',
        is_eligible: true,
        amount_fen: 300_000,
        payee: 'enterprise',
        payee_organisation_id: enterpriseId,
        payee_person_id: null,
        payee_ids: JSON.stringify({ enterprise: enterpriseId }),
        counts_toward_annual_limit: false,
        occupation_code: null,
        level: null,
        period_start: start,
        period_end: end,
        request: '{}',
        decision: '{}',
        excluded_reason: null,
      })
      .execute();
    if (isFraud)
      planted.push({
        rule: 'on_the_job_without_payroll',
        description: `以工代训申请 ${claim.id}：2021年5月至8月无社会保险缴费记录`,
        classId: null,
        claimId: claim.id,
        personId: null,
      });
  }
  return { planted, cleanLines: options.clean, persons: total };
}

async function firstPersonOf(executor: Executor, classId: number, offset = 0): Promise<number> {
  const row = await executor
    .selectFrom('enrolment')
    .select('person_id')
    .where('class_id', '=', classId)
    .orderBy('person_id')
    .offset(offset)
    .limit(1)
    .executeTakeFirstOrThrow();
  return row.person_id;
}

/** Plants each class-level fraud on its own three classes; returns what a detector must find. */
async function plantFrauds(
  executor: Executor,
  options: { fraudClassIds: number[]; enterprises: number[]; firstPersonIndex: number },
): Promise<PlantedFraud[]> {
  const planted: PlantedFraud[] = [];
  const classesOf = (rule: (typeof CLASS_FRAUDS)[number]) => {
    const start = CLASS_FRAUDS.indexOf(rule) * FRAUD_CLASSES_PER_RULE;
    return options.fraudClassIds.slice(start, start + FRAUD_CLASSES_PER_RULE);
  };
  const plant = (rule: RuleCode, description: string, classId: number, personId: number | null = null) =>
    planted.push({ rule, description, classId, claimId: null, personId });
  let extraPersonIndex = options.firstPersonIndex;

  for (const classId of classesOf('sign_in_identical')) {
    await sql`update attendance a set sign_in_at = s.starts_at from class_session s
      where s.id = a.session_id and a.class_id = ${classId}`.execute(executor);
    plant('sign_in_identical', `班级 ${classId}：全班签到时间完全相同`, classId);
  }
  for (const classId of classesOf('sign_in_regular')) {
    await sql`update attendance a set sign_in_at = s.starts_at - interval '10 minutes' + r.n * interval '7 seconds'
      from class_session s, (select id, row_number() over (partition by session_id order by person_id) as n
        from attendance where class_id = ${classId}) r
      where s.id = a.session_id and r.id = a.id and a.class_id = ${classId}`.execute(executor);
    plant('sign_in_regular', `班级 ${classId}：每隔7秒一人签到`, classId);
  }
  for (const classId of classesOf('low_attendance')) {
    const { personId } = await sql<{ personId: number }>`
      select min(person_id) as "personId" from enrolment where class_id = ${classId}`
      .execute(executor)
      .then((result) => result.rows[0]!);
    await sql`delete from attendance where class_id = ${classId} and person_id = ${personId}`.execute(
      executor,
    );
    plant('low_attendance', `班级 ${classId}：一名学员没有任何签到记录`, classId, personId);
  }
  for (const classId of classesOf('certificate_before_exam')) {
    // The exam is held five days after the class; one trainee already holds a skill-level
    // certificate of the class's occupation and level dated on its last day.
    await sql`update exam_result r set exam_date = ((c.ends_at at time zone 'UTC') + interval '8 hours')::date + 5
      from training_class c where c.id = r.class_id and r.class_id = ${classId}`.execute(executor);
    const { personId } = await sql<{ personId: number }>`
      select min(person_id) as "personId" from enrolment where class_id = ${classId}`
      .execute(executor)
      .then((result) => result.rows[0]!);
    await sql`delete from certificate where class_id = ${classId}`.execute(executor);
    await sql`insert into certificate (province_code, person_id, person_province_code, class_id, certificate_type,
        level, occupation_code, certificate_number, issuer, issued_on)
      select e.person_province_code, e.person_id, e.person_province_code, null, 'skill_level', c.level,
        c.occupation_code, 'SYN-BEFORE-EXAM-' || e.id, '合成评价机构', ((c.ends_at at time zone 'UTC') + interval '8 hours')::date
      from enrolment e join training_class c on c.id = e.class_id
      where c.id = ${classId} and e.person_id = ${personId}`.execute(executor);
    plant('certificate_before_exam', `班级 ${classId}：结业考核前已取得证书`, classId, personId);
  }
  for (const classId of classesOf('perfect_exam')) {
    await sql`update exam_result set score = 95, is_passed = true where class_id = ${classId}`.execute(
      executor,
    );
    plant('perfect_exam', `班级 ${classId}：全员95分通过`, classId);
  }
  for (const classId of classesOf('certificate_before_class_end')) {
    await sql`insert into certificate (province_code, person_id, person_province_code, class_id, certificate_type,
        level, occupation_code, certificate_number, issuer, issued_on)
      select e.province_code, e.person_id, e.person_province_code, c.id, 'training_qualified', c.level,
        c.occupation_code, 'SYN-EARLY-' || e.id, '合成人社局', ((c.starts_at at time zone 'UTC') + interval '8 hours')::date
      from enrolment e join training_class c on c.id = e.class_id where c.id = ${classId}`.execute(executor);
    plant('certificate_before_class_end', `班级 ${classId}：开班当天发证`, classId);
  }
  for (const classId of classesOf('over_capacity')) {
    const extra = await insertPersons(executor, extraPersonIndex, 45);
    extraPersonIndex += 45;
    await sql`insert into enrolment (province_code, class_id, person_id, person_province_code)
      select c.province_code, c.id, p.id, p.province_code from training_class c, person p
      where c.id = ${classId} and p.id between ${extra[0]!} and ${extra.at(-1)!}`.execute(executor);
    plant('over_capacity', `班级 ${classId}：65人，机构核定规模60人`, classId);
  }
  for (const classId of classesOf('shared_phone')) {
    await sql`with six as (select person_id from enrolment where class_id = ${classId} order by person_id limit 6)
      update person p set phone_ciphertext = ${encryptOptional('person.phone', '13999990000')}, updated_at = now()
      where p.id in (select person_id from six)`.execute(executor);
    plant('shared_phone', `班级 ${classId}：6名学员共用一个手机号`, classId);
  }
  for (const [index, classId] of classesOf('single_enterprise_unemployed').entries()) {
    const enterpriseId = options.enterprises[index]!;
    await sql`insert into employment_record (province_code, enterprise_id, person_id, person_province_code,
        contract_months, start_date)
      select e.province_code, ${enterpriseId}, e.person_id, e.person_province_code, 36, date '2019-06-01'
      from enrolment e where e.class_id = ${classId}`.execute(executor);
    plant('single_enterprise_unemployed', `班级 ${classId}：登记失业学员全部为同一企业在职职工`, classId);
  }
  for (const classId of classesOf('outside_catalog_scope')) {
    await sql`update training_class set occupation_code = ${OUTSIDE_SCOPE_OCCUPATION} where id = ${classId}`.execute(
      executor,
    );
    const claim = await executor
      .selectFrom('claim')
      .select('id')
      .where('class_id', '=', classId)
      .executeTakeFirstOrThrow();
    planted.push({
      rule: 'outside_catalog_scope',
      description: `申请 ${claim.id}：保安员不在机构目录范围内`,
      classId,
      claimId: claim.id,
      personId: null,
    });
  }
  planted.push(...(await plantListFrauds(executor, classesOf('pensioner'), classesOf('full_time_student'))));
  const overlapping = classesOf('overlapping_classes');
  const movers = await Promise.all(overlapping.map((classId) => firstPersonOf(executor, classId)));
  for (const [index, from] of overlapping.entries()) {
    const to = overlapping[(index + 1) % overlapping.length]!;
    const personId = movers[index]!;
    await sql`insert into enrolment (province_code, class_id, person_id, person_province_code)
      select c.province_code, c.id, p.id, p.province_code from training_class c, person p
      where c.id = ${to} and p.id = ${personId}`.execute(executor);
    plant('overlapping_classes', `学员 ${personId} 同时在班级 ${from} 和 ${to}`, to, personId);
  }
  for (const classId of classesOf('impossible_travel')) {
    const personId = await firstPersonOf(executor, classId, 1);
    await sql`update attendance set sign_out_at = sign_in_at + interval '1 hour',
        sign_out_latitude = 39.9042, sign_out_longitude = 116.4074
      where id = (select min(id) from attendance where class_id = ${classId} and person_id = ${personId})`.execute(
      executor,
    );
    plant('impossible_travel', `学员 ${personId}：衡阳签到1小时后在北京签退`, classId, personId);
  }
  return planted;
}

/** Pensioners and students: one flagged in the registry, two found only through imported lists. */
async function plantListFrauds(
  executor: Executor,
  pensionClasses: number[],
  studentClasses: number[],
): Promise<PlantedFraud[]> {
  const planted: PlantedFraud[] = [];
  const pensionRows = ['id_number,valid_from,valid_to,organisation_name'];
  const schoolRows = ['id_number,valid_from,valid_to,organisation_name,is_full_time'];
  for (const [index, classId] of pensionClasses.entries()) {
    const personId = await firstPersonOf(executor, classId);
    if (index === 0)
      await sql`update person set pension_status = 'receiving' where id = ${personId}`.execute(executor);
    else
      pensionRows.push(`${await idNumberOfPerson(executor, personId)},2018-05-01,,湖南省社会保险事业管理局`);
    planted.push({
      rule: 'pensioner',
      description: `学员 ${personId} 领取养老金`,
      classId,
      claimId: null,
      personId,
    });
  }
  for (const [index, classId] of studentClasses.entries()) {
    const personId = await firstPersonOf(executor, classId);
    if (index === 0)
      await sql`update person set is_full_time_student = true where id = ${personId}`.execute(executor);
    else
      schoolRows.push(
        `${await idNumberOfPerson(executor, personId)},2019-09-01,2023-06-30,湖南某职业技术学院,1`,
      );
    planted.push({
      rule: 'full_time_student',
      description: `学员 ${personId} 为全日制在校生`,
      classId,
      claimId: null,
      personId,
    });
  }
  // Noise the lists must not turn into alerts: a pension that starts after 2021, a student who
  // graduated before the training, and a part-time student.
  const clean = await executor.selectFrom('enrolment').select('person_id').orderBy('id').limit(3).execute();
  pensionRows.push(
    `${await idNumberOfPerson(executor, clean[0]!.person_id)},2022-03-01,,湖南省社会保险事业管理局`,
  );
  schoolRows.push(
    `${await idNumberOfPerson(executor, clean[1]!.person_id)},2016-09-01,2020-06-30,衡阳师范学院,1`,
  );
  schoolRows.push(
    `${await idNumberOfPerson(executor, clean[2]!.person_id)},2020-09-01,2023-06-30,湖南开放大学,0`,
  );
  await importReferenceList(executor, SYSTEM_CONTEXT, {
    source: 'pension',
    title: '2021年养老金领取人员名单',
    asOf: '2021-12-31',
    regionCode: PROVINCE,
    csv: pensionRows.join('\n'),
  });
  await importReferenceList(executor, SYSTEM_CONTEXT, {
    source: 'school_enrolment',
    title: '2021年全日制学籍名单',
    asOf: '2021-12-31',
    regionCode: PROVINCE,
    csv: schoolRows.join('\n'),
  });
  return planted;
}

async function idNumberOfPerson(executor: Executor, personId: number): Promise<string> {
  const row = await executor
    .selectFrom('person')
    .select('name')
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  return idNumberOf(Number(row.name.replace('学员', '')));
}

export interface DetectionMeasure {
  planted: number;
  flagged: number;
  missed: PlantedFraud[];
  cleanRecords: number;
  falsePositiveRecords: number;
  falsePositiveRate: number;
  alertsByRule: Record<string, number>;
}

/**
 * Which planted frauds carry an alert of their rule, and how many clean records (enrolments of
 * clean classes, clean 以工代训 lines) any alert implicates: a class alert implicates all its
 * trainees, a person alert that person's enrolment, a claim alert the claim's records.
 */
export async function measureDetection(
  executor: Executor,
  dataset: SyntheticDataset,
): Promise<DetectionMeasure> {
  const alerts = await executor
    .selectFrom('risk_alert')
    .select(['rule_code', 'class_id', 'related_class_id', 'claim_id', 'person_id'])
    .execute();
  const missed = dataset.planted.filter(
    (fraud) =>
      !alerts.some(
        (alert) =>
          alert.rule_code === fraud.rule &&
          (fraud.claimId === null || alert.claim_id === fraud.claimId) &&
          (fraud.personId === null || alert.person_id === fraud.personId) &&
          (fraud.classId === null ||
            alert.class_id === fraud.classId ||
            alert.related_class_id === fraud.classId),
      ),
  );
  const [first, last] = [dataset.cleanClassIds[0]!, dataset.cleanClassIds.at(-1)!];
  const implicated = await sql<{ n: number }>`
    select count(*) as n from (
      select e.id from enrolment e join risk_alert a on a.class_id = e.class_id
        and (a.person_id is null or a.person_id = e.person_id)
      where e.class_id between ${first} and ${last}
      union
      select e.id from enrolment e join risk_alert a on a.related_class_id = e.class_id
        and (a.person_id is null or a.person_id = e.person_id)
      where e.class_id between ${first} and ${last}) implicated`.execute(executor);
  const plantedClaims = new Set(
    dataset.planted.flatMap((fraud) => (fraud.claimId === null ? [] : [fraud.claimId])),
  );
  const onTheJobAlerts = await executor
    .selectFrom('risk_alert')
    .innerJoin('claim', 'claim.id', 'risk_alert.claim_id')
    .select('claim.id')
    .where('claim.claim_number', 'like', `SYN${dataset.tag}-OJT%`)
    .execute();
  const falsePositiveRecords =
    Number(implicated.rows[0]!.n) + onTheJobAlerts.filter((row) => !plantedClaims.has(row.id)).length;
  const cleanRecords = dataset.cleanEnrolments + dataset.cleanOnTheJobLines;
  const alertsByRule: Record<string, number> = {};
  for (const alert of alerts) alertsByRule[alert.rule_code] = (alertsByRule[alert.rule_code] ?? 0) + 1;
  return {
    planted: dataset.planted.length,
    flagged: dataset.planted.length - missed.length,
    missed,
    cleanRecords,
    falsePositiveRecords,
    falsePositiveRate: falsePositiveRecords / cleanRecords,
    alertsByRule,
  };
}
