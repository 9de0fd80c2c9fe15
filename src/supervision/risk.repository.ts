import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import {
  BLOCK_THRESHOLD,
  LOW_ATTENDANCE_PERCENT,
  MAX_TRAVEL_KMH,
  MIN_TRAVEL_KM,
  RULES,
  type RuleCode,
} from './risk.rules.ts';

/**
 * The SQL of the risk detectors. Each detector is ONE set-based statement over the real-name
 * records that yields candidate alerts (the same columns for every rule); `upsertAlerts` stores
 * them, so a sweep over a province-year is a dozen statements, not a loop over classes.
 *
 * A scope is either everything (optionally one province) or the classes and claims of one
 * submission. Dates in China time: `chinaDate(x)` is the calendar day of a timestamptz at +08:00.
 */
export type DetectionScope = { kind: 'all'; provinceCode: string | null } | TargetedScope;

/**
 * The classes and claims of one submission, all of one province (a claim's class is in the
 * claim's province): every statement of a screening names it, so on Citus each routes to the
 * province's shard (docs/scaling.md).
 */
export interface TargetedScope {
  kind: 'targeted';
  provinceCode: string;
  classIds: readonly number[];
  claimIds: readonly number[];
}

type Sql = RawBuilder<unknown>;

const ACTIVE_CLASS = sql`not in ('rejected', 'cancelled')`;

function chinaDate(column: Sql): Sql {
  return sql`((${column} at time zone 'UTC') + interval '8 hours')::date`;
}

function idList(ids: readonly number[]): Sql {
  return sql`(${sql.join(ids.map((id) => sql`${id}`))})`;
}

/** The condition that puts a class (table alias `alias`) in scope. */
function classInScope(scope: DetectionScope, alias: string): Sql {
  if (scope.kind === 'all')
    return scope.provinceCode ? sql`${sql.ref(`${alias}.province_code`)} = ${scope.provinceCode}` : sql`true`;
  if (scope.classIds.length === 0) return sql`false`;
  return sql`(${sql.ref(`${alias}.province_code`)} = ${scope.provinceCode}
    and ${sql.ref(`${alias}.id`)} in ${idList(scope.classIds)})`;
}

/** The condition that puts a claim in scope; a sweep looks at every claim past its draft. */
function claimInScope(scope: DetectionScope, alias: string): Sql {
  if (scope.kind === 'all') {
    const live = sql`${sql.ref(`${alias}.status`)} not in ('draft', 'rejected')`;
    return scope.provinceCode
      ? sql`${sql.ref(`${alias}.province_code`)} = ${scope.provinceCode} and ${live}`
      : live;
  }
  if (scope.claimIds.length === 0) return sql`false`;
  return sql`(${sql.ref(`${alias}.province_code`)} = ${scope.provinceCode}
    and ${sql.ref(`${alias}.id`)} in ${idList(scope.claimIds)})`;
}

/** Persons enrolled in a class in scope (for the detectors that follow a person everywhere). */
function personInScope(scope: DetectionScope, column: string): Sql {
  if (scope.kind === 'all' && !scope.provinceCode) return sql`true`;
  return sql`${sql.ref(column)} in (select se.person_id from enrolment se
    join training_class sc on sc.id = se.class_id and sc.province_code = se.province_code
    where ${classInScope(scope, 'sc')})`;
}

function overlappingClasses(scope: DetectionScope): Sql {
  return sql`
    select c2.province_code, c2.region_code, 'overlapping_classes' as rule_code,
      'person:' || e1.person_id || ':classes:' || c1.id || '-' || c2.id as subject_key,
      c2.id as class_id, c1.id as related_class_id, null::bigint as claim_id, c2.institution_id,
      e1.person_id, ${RULES.overlapping_classes.baseScore} as score,
      jsonb_build_object('personId', e1.person_id, 'classes', jsonb_build_array(
        jsonb_build_object('classId', c1.id, 'institutionId', c1.institution_id,
          'startsAt', c1.starts_at, 'endsAt', c1.ends_at),
        jsonb_build_object('classId', c2.id, 'institutionId', c2.institution_id,
          'startsAt', c2.starts_at, 'endsAt', c2.ends_at))) as evidence
    from enrolment e1
    join enrolment e2 on e2.person_id = e1.person_id
      and e2.person_province_code = e1.person_province_code and e2.class_id > e1.class_id
    join training_class c1 on c1.id = e1.class_id and c1.province_code = e1.province_code
    join training_class c2 on c2.id = e2.class_id and c2.province_code = e2.province_code
    where e1.status = 'enrolled' and e2.status = 'enrolled'
      and c1.status ${ACTIVE_CLASS} and c2.status ${ACTIVE_CLASS}
      and c1.starts_at < c2.ends_at and c2.starts_at < c1.ends_at
      and (${classInScope(scope, 'c1')} or ${classInScope(scope, 'c2')})
      ${
        // Screening a claim: only its trainees' enrolments (by the person index), not every pair.
        scope.kind === 'targeted' ? sql`and ${personInScope(scope, 'e1.person_id')}` : sql``
      }`;
}

/** Consecutive sign-in/sign-out points of one person further apart than any journey allows. */
function impossibleTravel(scope: DetectionScope): Sql {
  return sql`
    with events as (
      select a.person_id, a.class_id, a.province_code, a.sign_in_at as at,
        a.sign_in_latitude as lat, a.sign_in_longitude as lng
      from attendance a
      where a.sign_in_at is not null and a.sign_in_latitude is not null and a.sign_in_longitude is not null
        and ${personInScope(scope, 'a.person_id')}
      union all
      select a.person_id, a.class_id, a.province_code, a.sign_out_at,
        a.sign_out_latitude, a.sign_out_longitude
      from attendance a
      where a.sign_out_at is not null and a.sign_out_latitude is not null and a.sign_out_longitude is not null
        and ${personInScope(scope, 'a.person_id')}
    ), legs as (
      select person_id, class_id, province_code, at, lat, lng,
        lag(at) over w as prev_at, lag(lat) over w as prev_lat, lag(lng) over w as prev_lng,
        lag(class_id) over w as prev_class_id
      from events window w as (partition by person_id order by at)
    ), measured as (
      select *,
        2 * 6371 * asin(least(1, sqrt(power(sin(radians(lat - prev_lat) / 2), 2)
          + cos(radians(prev_lat)) * cos(radians(lat)) * power(sin(radians(lng - prev_lng) / 2), 2)))) as km,
        greatest(extract(epoch from at - prev_at)::float8 / 3600.0, 1.0 / 60) as hours
      from legs where prev_at is not null
    ), fast as (
      select distinct on (person_id, class_id) *, km / hours as kmh
      from measured
      where km > ${MIN_TRAVEL_KM} and km / hours > ${MAX_TRAVEL_KMH}
      order by person_id, class_id, km / hours desc
    )
    select c.province_code, c.region_code, 'impossible_travel' as rule_code,
      'person:' || f.person_id || ':class:' || f.class_id as subject_key,
      f.class_id, case when f.prev_class_id <> f.class_id then f.prev_class_id end as related_class_id,
      null::bigint as claim_id, c.institution_id, f.person_id, ${RULES.impossible_travel.baseScore} as score,
      jsonb_build_object('personId', f.person_id,
        'from', jsonb_build_object('classId', f.prev_class_id, 'at', f.prev_at,
          'lat', round(f.prev_lat::numeric, 4), 'lng', round(f.prev_lng::numeric, 4)),
        'to', jsonb_build_object('classId', f.class_id, 'at', f.at,
          'lat', round(f.lat::numeric, 4), 'lng', round(f.lng::numeric, 4)),
        'distanceKm', round(f.km::numeric, 1), 'speedKmh', round(f.kmh::numeric, 0)) as evidence
    from fast f join training_class c on c.id = f.class_id and c.province_code = f.province_code
    where c.status ${ACTIVE_CLASS}`;
}

/** A trainee found in an imported list (or flagged in the registry) on the day the class started. */
function listMatch(
  scope: DetectionScope,
  rule: 'pensioner' | 'full_time_student',
  registryScore: number,
): Sql {
  const isPension = rule === 'pensioner';
  const source = isPension ? 'pension' : 'school_enrolment';
  const registryFlag = isPension ? sql`p.pension_status = 'receiving'` : sql`p.is_full_time_student`;
  const registryValue = isPension ? sql`p.pension_status` : sql`p.is_full_time_student`;
  const fullTime = isPension ? sql`true` : sql`le.is_full_time`;
  // A graduating student (毕业年度毕业生) is still enrolled but may be trained under the documents.
  const exempt = isPension
    ? sql`false`
    : sql`exists (select 1 from person_group g where g.person_id = p.id and g.province_code = p.province_code
        and g.group_code = 'graduating_student' and g.valid_from <= ${chinaDate(sql`c.starts_at`)}
        and (g.valid_to is null or g.valid_to >= ${chinaDate(sql`c.starts_at`)}))`;
  return sql`
    select c.province_code, c.region_code, ${rule}::text as rule_code,
      'person:' || p.id || ':class:' || c.id as subject_key,
      c.id as class_id, null::bigint as related_class_id, null::bigint as claim_id, c.institution_id,
      p.id as person_id,
      case when m.list_id is not null then ${RULES[rule].baseScore} else ${registryScore} end as score,
      jsonb_build_object('personId', p.id, 'classStartsOn', ${chinaDate(sql`c.starts_at`)},
        'registry', ${registryValue},
        'list', case when m.list_id is null then null else jsonb_build_object('listId', m.list_id,
          'title', m.title, 'asOf', m.as_of, 'validFrom', m.valid_from, 'validTo', m.valid_to,
          'organisation', m.organisation_name) end) as evidence
    from enrolment e
    join training_class c on c.id = e.class_id and c.province_code = e.province_code
    join person p on p.id = e.person_id and p.province_code = e.person_province_code
    left join lateral (
      select le.list_id, le.valid_from, le.valid_to, le.organisation_name, rl.title, rl.as_of
      from reference_list_entry le
      join reference_list rl on rl.id = le.list_id and rl.province_code = le.province_code
      where le.id_number_hash = p.id_number_hash and le.source = ${source} and ${fullTime}
        and (le.valid_from is null or le.valid_from <= ${chinaDate(sql`c.starts_at`)})
        and (le.valid_to is null or le.valid_to >= ${chinaDate(sql`c.starts_at`)})
      order by le.id limit 1
    ) m on true
    where e.status = 'enrolled' and c.status ${ACTIVE_CLASS} and ${classInScope(scope, 'c')}
      and (${registryFlag} or m.list_id is not null) and not ${exempt}`;
}

/**
 * Sign-in timestamps per session: `identical` when at least half the trainees (and 5 or more)
 * signed in within the same second; `regular` when 5 or more sign-ins follow each other at the
 * same interval (±1 s), as a script does. A class is flagged when half its sessions are.
 */
function signInPattern(scope: DetectionScope, rule: 'sign_in_identical' | 'sign_in_regular'): Sql {
  const flagged = rule === 'sign_in_identical' ? sql`pc.identical` : sql`pc.regular`;
  return sql`
    with att as (
      select a.class_id, a.session_id, a.sign_in_at
      from attendance a join training_class c on c.id = a.class_id and c.province_code = a.province_code
      where a.sign_in_at is not null and c.status ${ACTIVE_CLASS} and ${classInScope(scope, 'c')}
    ), per_second as (
      select class_id, session_id, date_trunc('second', sign_in_at) as second, count(*) as k
      from att group by class_id, session_id, date_trunc('second', sign_in_at)
    ), same as (
      select class_id, session_id, sum(k) as n, max(k) as top from per_second group by class_id, session_id
    ), gaps as (
      select class_id, session_id,
        extract(epoch from sign_in_at - lag(sign_in_at) over (partition by session_id order by sign_in_at))::float8
          as gap
      from att
    ), spacing as (
      select class_id, session_id, min(gap) as min_gap, max(gap) as max_gap
      from gaps where gap is not null group by class_id, session_id
    ), sessions as (
      select s.class_id, s.n, s.top, g.min_gap, g.max_gap,
        (s.n >= 5 and s.top >= greatest(5, ceil(s.n * 0.5))) as is_identical,
        (s.n >= 5 and g.min_gap > 0 and g.max_gap - g.min_gap <= 1) as is_regular
      from same s left join spacing g on g.class_id = s.class_id and g.session_id = s.session_id
    ), pc as (
      select class_id, count(*) as sessions,
        count(*) filter (where is_identical) as identical,
        count(*) filter (where is_regular) as regular,
        max(top) as top, max(n) as trainees,
        min(min_gap) filter (where is_regular) as min_gap, max(max_gap) filter (where is_regular) as max_gap
      from sessions group by class_id
    )
    select c.province_code, c.region_code, ${rule}::text as rule_code, 'class:' || c.id as subject_key,
      c.id as class_id, null::bigint as related_class_id, null::bigint as claim_id, c.institution_id,
      null::bigint as person_id, ${RULES[rule].baseScore} as score,
      jsonb_build_object('classId', c.id, 'sessions', pc.sessions, 'flaggedSessions', ${flagged},
        'largestSameSecondGroup', pc.top, 'signInsPerSession', pc.trainees,
        'intervalSeconds', case when pc.regular > 0 then jsonb_build_array(pc.min_gap, pc.max_gap) end)
        as evidence
    from pc join training_class c on c.id = pc.class_id
    where ${flagged} >= greatest(1, ceil(pc.sessions * 0.5))`;
}

function perfectExam(scope: DetectionScope): Sql {
  return sql`
    select c.province_code, c.region_code, 'perfect_exam' as rule_code, 'class:' || c.id as subject_key,
      c.id as class_id, null::bigint as related_class_id, null::bigint as claim_id, c.institution_id,
      null::bigint as person_id, ${RULES.perfect_exam.baseScore} as score,
      jsonb_build_object('classId', c.id, 'examinees', count(*), 'passRate', 1, 'score', min(r.score))
        as evidence
    from exam_result r join training_class c on c.id = r.class_id and c.province_code = r.province_code
    where c.status ${ACTIVE_CLASS} and ${classInScope(scope, 'c')}
    group by c.id, c.province_code, c.region_code, c.institution_id
    having count(*) >= 5 and bool_and(r.is_passed) and max(r.score) = min(r.score)`;
}

function certificateBeforeClassEnd(scope: DetectionScope): Sql {
  return sql`
    select c.province_code, c.region_code, 'certificate_before_class_end' as rule_code,
      'class:' || c.id as subject_key, c.id as class_id, null::bigint as related_class_id,
      null::bigint as claim_id, c.institution_id, null::bigint as person_id,
      ${RULES.certificate_before_class_end.baseScore} as score,
      jsonb_build_object('classId', c.id, 'classEndsOn', ${chinaDate(sql`c.ends_at`)},
        'certificates', count(*), 'earliestIssuedOn', min(cert.issued_on),
        'certificateIds', to_jsonb((array_agg(cert.id order by cert.id))[1:20])) as evidence
    from certificate cert join training_class c on c.id = cert.class_id and c.province_code = cert.province_code
    where cert.issued_on < ${chinaDate(sql`c.ends_at`)} and c.status ${ACTIVE_CLASS}
      and ${classInScope(scope, 'c')}
    group by c.id, c.province_code, c.region_code, c.institution_id, c.ends_at`;
}

function overCapacity(scope: DetectionScope): Sql {
  return sql`
    select c.province_code, c.region_code, 'over_capacity' as rule_code, 'class:' || c.id as subject_key,
      c.id as class_id, null::bigint as related_class_id, null::bigint as claim_id, c.institution_id,
      null::bigint as person_id,
      case when count(e.id) > o.capacity * 1.5 then 85 else ${RULES.over_capacity.baseScore} end as score,
      jsonb_build_object('classId', c.id, 'enrolled', count(e.id), 'institutionCapacity', o.capacity)
        as evidence
    from training_class c
    join organisation o on o.id = c.institution_id and o.province_code = c.province_code
    join enrolment e on e.class_id = c.id and e.province_code = c.province_code and e.status = 'enrolled'
    where o.capacity is not null and c.status ${ACTIVE_CLASS} and ${classInScope(scope, 'c')}
    group by c.id, c.province_code, c.region_code, c.institution_id, o.capacity
    having count(e.id) > o.capacity`;
}

/** Three or more trainees of one class with the same phone (compared by keyed fingerprint). */
function sharedPhone(scope: DetectionScope): Sql {
  return sql`
    with shared as (
      select e.class_id, e.province_code, f.phone_hash, count(distinct e.person_id) as k,
        array_agg(distinct e.person_id) as persons
      from enrolment e
      join training_class c on c.id = e.class_id and c.province_code = e.province_code
      join person_phone_fingerprint f on f.person_id = e.person_id and f.province_code = e.person_province_code
      where e.status = 'enrolled' and f.phone_hash is not null and c.status ${ACTIVE_CLASS}
        and ${classInScope(scope, 'c')}
      group by e.class_id, e.province_code, f.phone_hash
      having count(distinct e.person_id) >= 3
    )
    select c.province_code, c.region_code, 'shared_phone' as rule_code, 'class:' || c.id as subject_key,
      c.id as class_id, null::bigint as related_class_id, null::bigint as claim_id, c.institution_id,
      null::bigint as person_id, least(95, 50 + 10 * (max(s.k) - 2)) as score,
      jsonb_build_object('classId', c.id, 'largestGroup', max(s.k),
        'groups', jsonb_agg(jsonb_build_object('sharing', s.k, 'personIds', to_jsonb(s.persons))
          order by s.k desc)) as evidence
    from shared s join training_class c on c.id = s.class_id and c.province_code = s.province_code
    group by c.id, c.province_code, c.region_code, c.institution_id`;
}

/**
 * Every calendar month wholly inside a 以工代训 line's period needs an imported social-insurance
 * contribution above zero by the enterprise for the person; the enterprise's own payroll entries
 * count for nothing.
 */
function onTheJobWithoutPayroll(scope: DetectionScope): Sql {
  return sql`
    with lines as (
      select cl.id as line_id, cl.claim_id, cl.province_code, cl.employment_id, cl.person_id,
        cl.period_start, coalesce(cl.period_end, c.application_date) as period_end
      from claim c join claim_line cl on cl.claim_id = c.id and cl.province_code = c.province_code
      where c.subsidy_kind = 'on_the_job_training' and cl.status = 'active' and cl.is_eligible
        and cl.employment_id is not null and cl.period_start is not null and ${claimInScope(scope, 'c')}
    ), months as (
      select l.*, m::date as month_start
      from lines l cross join lateral generate_series(date_trunc('month', l.period_start::timestamp),
        l.period_end::timestamp, interval '1 month') as m
      where m::date >= l.period_start and (m + interval '1 month' - interval '1 day')::date <= l.period_end
    ), missing as (
      select claim_id, province_code, line_id, person_id, employment_id,
        jsonb_agg(to_char(month_start, 'YYYY-MM') order by month_start) as months, count(*) as k
      from months mo
      where not exists (select 1 from employment_record er
        join social_insurance_contribution sc on sc.person_id = er.person_id
          and sc.enterprise_id = er.enterprise_id and sc.province_code = er.province_code
        where er.id = mo.employment_id and er.province_code = mo.province_code
          and sc.contribution_month = to_char(mo.month_start, 'YYYY-MM') and sc.amount_fen > 0)
      group by claim_id, province_code, line_id, person_id, employment_id
    )
    select c.province_code, c.region_code, 'on_the_job_without_payroll' as rule_code,
      'claim:' || c.id as subject_key, null::bigint as class_id, null::bigint as related_class_id,
      c.id as claim_id, c.applicant_organisation_id as institution_id, null::bigint as person_id,
      ${RULES.on_the_job_without_payroll.baseScore} as score,
      jsonb_build_object('claimId', c.id, 'missingMonths', sum(mi.k),
        'lines', jsonb_agg(jsonb_build_object('lineId', mi.line_id, 'personId', mi.person_id,
          'employmentId', mi.employment_id, 'months', mi.months) order by mi.line_id)) as evidence
    from missing mi join claim c on c.id = mi.claim_id and c.province_code = mi.province_code
    group by c.id, c.province_code, c.region_code, c.applicant_organisation_id`;
}

/**
 * A training class of at least 5 whose trainees are mostly certified unemployed (≥ 50 %) yet
 * mostly (≥ 80 %) employed by one enterprise when it started, by the employment records or the
 * imported social-insurance list: enterprise training passed off as training for the unemployed.
 */
function singleEnterpriseUnemployed(scope: DetectionScope): Sql {
  const startDay = chinaDate(sql`c.starts_at`);
  return sql`
    with trainees as (
      select e.class_id, e.person_id, e.person_province_code, ${startDay} as start_day
      from enrolment e join training_class c on c.id = e.class_id and c.province_code = e.province_code
      where e.status = 'enrolled' and c.subsidy_kind = 'training' and c.status ${ACTIVE_CLASS}
        and ${classInScope(scope, 'c')}
    ), sizes as (
      select class_id, count(*) as n from trainees group by class_id having count(*) >= 5
    ), unemployed as (
      select t.class_id, count(distinct t.person_id) as k
      from trainees t join person_group g on g.person_id = t.person_id and g.province_code = t.person_province_code
      where g.group_code in ('registered_unemployed', 'laid_off', 'employment_difficulty', 'zero_employment_family')
        and g.valid_from <= t.start_day and (g.valid_to is null or g.valid_to >= t.start_day)
      group by t.class_id
    ), employer as (
      select t.class_id, t.person_id, o.credit_code as employer, o.name as employer_name
      from trainees t join employment_record er on er.person_id = t.person_id
      join organisation o on o.id = er.enterprise_id and o.province_code = er.province_code
      where er.start_date <= t.start_day and (er.end_date is null or er.end_date >= t.start_day)
      union
      select t.class_id, t.person_id, le.organisation_credit_code, le.organisation_name
      from trainees t join person p on p.id = t.person_id and p.province_code = t.person_province_code
      join reference_list_entry le on le.id_number_hash = p.id_number_hash and le.source = 'social_insurance'
      where le.organisation_credit_code is not null
        and (le.valid_from is null or le.valid_from <= t.start_day)
        and (le.valid_to is null or le.valid_to >= t.start_day)
    ), ranked as (
      select class_id, employer, min(employer_name) as employer_name, count(distinct person_id) as k,
        row_number() over (partition by class_id order by count(distinct person_id) desc, employer) as rank
      from employer group by class_id, employer
    )
    select c.province_code, c.region_code, 'single_enterprise_unemployed' as rule_code,
      'class:' || c.id as subject_key, c.id as class_id, null::bigint as related_class_id,
      null::bigint as claim_id, c.institution_id, null::bigint as person_id,
      ${RULES.single_enterprise_unemployed.baseScore} as score,
      jsonb_build_object('classId', c.id, 'trainees', s.n, 'certifiedUnemployed', u.k,
        'employer', r.employer_name, 'employerCreditCode', r.employer, 'employedThere', r.k) as evidence
    from sizes s
    join ranked r on r.class_id = s.class_id and r.rank = 1
    join unemployed u on u.class_id = s.class_id
    join training_class c on c.id = s.class_id
    where r.k >= ceil(s.n * 0.8) and u.k >= ceil(s.n * 0.5)`;
}

/**
 * A claim for a class whose occupation is in neither the institution's approved occupations nor
 * its institution-catalog listing (for the class region or an ancestor, on the start day). An
 * institution that declares no scope at all is left to the catalog check of the claims engine.
 */
function outsideCatalogScope(scope: DetectionScope): Sql {
  const startDay = chinaDate(sql`tc.starts_at`);
  return sql`
    select cl.province_code, cl.region_code, 'outside_catalog_scope' as rule_code,
      'claim:' || cl.id as subject_key, tc.id as class_id, null::bigint as related_class_id,
      cl.id as claim_id, tc.institution_id, null::bigint as person_id,
      ${RULES.outside_catalog_scope.baseScore} as score,
      jsonb_build_object('claimId', cl.id, 'classId', tc.id, 'occupationCode', tc.occupation_code,
        'level', tc.level, 'allowedOccupationCodes', o.allowed_occupation_codes) as evidence
    from claim cl
    join training_class tc on tc.id = cl.class_id and tc.province_code = cl.province_code
    join organisation o on o.id = tc.institution_id and o.province_code = tc.province_code
    where o.kind = 'institution' and ${claimInScope(scope, 'cl')}
      and not (o.allowed_occupation_codes @> jsonb_build_array(tc.occupation_code))
      and not exists (select 1 from institution_catalog ic
        where ic.institution_id = o.id and ic.province_code = o.province_code
          and ic.occupation_code = tc.occupation_code and ic.level = tc.level and ic.status = 'active'
          and ic.region_code in (tc.region_code, substr(tc.region_code, 1, 4) || '00',
            substr(tc.region_code, 1, 2) || '0000')
          and ic.valid_from <= ${startDay} and (ic.valid_to is null or ic.valid_to >= ${startDay}))
      and (jsonb_array_length(o.allowed_occupation_codes) > 0
        or exists (select 1 from institution_catalog ic2 where ic2.institution_id = o.id
          and ic2.province_code = o.province_code))`;
}

/**
 * Trainees of an ended class whose attended class hours (whole 45-minute hours between sign-in and
 * sign-out within each session, at most the session's hours) are below LOW_ATTENDANCE_PERCENT of
 * the scheduled hours.
 */
function lowAttendance(scope: DetectionScope, now: Date): Sql {
  return sql`
    with scheduled as (
      select s.class_id, s.province_code, sum(s.class_hours) as hours
      from class_session s group by s.class_id, s.province_code
    ), attended as (
      select a.class_id, a.province_code, a.person_id, sum(case when a.sign_in_at is null or a.sign_out_at is null then 0
        else least(s.class_hours, greatest(0, floor(extract(epoch from
          (least(a.sign_out_at, s.ends_at) - greatest(a.sign_in_at, s.starts_at))) / 60 / 45))) end) as hours
      from attendance a
      join class_session s on s.id = a.session_id and s.province_code = a.province_code and s.class_id = a.class_id
      group by a.class_id, a.province_code, a.person_id
    )
    select c.province_code, c.region_code, 'low_attendance' as rule_code,
      'person:' || e.person_id || ':class:' || c.id as subject_key,
      c.id as class_id, null::bigint as related_class_id, null::bigint as claim_id, c.institution_id,
      e.person_id, ${RULES.low_attendance.baseScore}::int as score,
      jsonb_build_object('personId', e.person_id, 'attendedClassHours', coalesce(done.hours, 0),
        'scheduledClassHours', sc.hours, 'minimumPercent', ${LOW_ATTENDANCE_PERCENT}::int) as evidence
    from enrolment e
    join training_class c on c.id = e.class_id and c.province_code = e.province_code
    join scheduled sc on sc.class_id = c.id and sc.province_code = c.province_code
    left join attended done on done.class_id = c.id and done.province_code = c.province_code
      and done.person_id = e.person_id
    where e.status = 'enrolled' and c.status ${ACTIVE_CLASS} and ${classInScope(scope, 'c')}
      and c.ends_at < ${now} and sc.hours > 0
      and coalesce(done.hours, 0) * 100 < ${LOW_ATTENDANCE_PERCENT}::int * sc.hours`;
}

/**
 * A trainee of a class who holds a certificate of the class's occupation and level (from any
 * issuer, with or without the class) dated after the class ended but before the class's
 * completion exam: the certificate did not follow the assessment the class claims it did.
 */
function certificateBeforeExam(scope: DetectionScope): Sql {
  return sql`
    select c.province_code, c.region_code, 'certificate_before_exam' as rule_code,
      'person:' || e.person_id || ':class:' || c.id as subject_key,
      c.id as class_id, null::bigint as related_class_id, null::bigint as claim_id, c.institution_id,
      e.person_id, ${RULES.certificate_before_exam.baseScore}::int as score,
      jsonb_build_object('personId', e.person_id, 'classEndsOn', ${chinaDate(sql`c.ends_at`)},
        'examDate', r.exam_date, 'earliestIssuedOn', min(cert.issued_on),
        'certificateIds', to_jsonb((array_agg(cert.id order by cert.id))[1:20])) as evidence
    from enrolment e
    join training_class c on c.id = e.class_id and c.province_code = e.province_code
    join exam_result r on r.class_id = c.id and r.province_code = c.province_code and r.person_id = e.person_id
    join certificate cert on cert.person_id = e.person_id and cert.person_province_code = e.person_province_code
      and cert.occupation_code = c.occupation_code and cert.level = c.level and cert.revoked_on is null
    where e.status = 'enrolled' and c.status ${ACTIVE_CLASS} and ${classInScope(scope, 'c')}
      and cert.issued_on >= ${chinaDate(sql`c.ends_at`)} and cert.issued_on < r.exam_date
    group by c.id, c.province_code, c.region_code, c.institution_id, c.ends_at, e.person_id, r.exam_date`;
}

/** The detector of each rule, as one SQL select of candidate alerts. */
/**
 * The detectors, each one statement over the scope. `now` is the business now (`app.clock`), never
 * the database's or the machine's clock: "has the class ended" is a business question, asked on
 * the programme's dates in a training environment and in tests.
 */
export const DETECTORS: Record<RuleCode, (scope: DetectionScope, now: Date) => Sql> = {
  overlapping_classes: overlappingClasses,
  impossible_travel: impossibleTravel,
  pensioner: (scope) => listMatch(scope, 'pensioner', 60),
  full_time_student: (scope) => listMatch(scope, 'full_time_student', 70),
  sign_in_identical: (scope) => signInPattern(scope, 'sign_in_identical'),
  sign_in_regular: (scope) => signInPattern(scope, 'sign_in_regular'),
  perfect_exam: perfectExam,
  certificate_before_class_end: certificateBeforeClassEnd,
  over_capacity: overCapacity,
  shared_phone: sharedPhone,
  on_the_job_without_payroll: onTheJobWithoutPayroll,
  single_enterprise_unemployed: singleEnterpriseUnemployed,
  outside_catalog_scope: outsideCatalogScope,
  low_attendance: lowAttendance,
  certificate_before_exam: certificateBeforeExam,
};

/**
 * Stores a detector's candidates: new subjects become open alerts, known ones get the fresh
 * evidence and score. A cleared alert stays cleared while its evidence is unchanged and opens
 * again when the evidence changes (an officer cleared what they saw, not what came later).
 */
export async function upsertAlerts(
  executor: Executor,
  detector: Sql,
): Promise<{ found: number; created: number }> {
  return alertCounts((await upsertAlertsQuery(detector).execute(executor)).rows);
}

/** How many candidates `upsertAlertsQuery` stored, and how many of them were new. */
export function alertCounts(rows: ReadonlyArray<{ is_new: boolean }>): { found: number; created: number } {
  return { found: rows.length, created: rows.filter((row) => row.is_new).length };
}

/** The statement of `upsertAlerts` (to send with others: src/db/together.ts). */
export function upsertAlertsQuery(detector: Sql): RawBuilder<{ is_new: boolean }> {
  return sql<{ is_new: boolean }>`
    insert into risk_alert (province_code, region_code, rule_code, subject_key, class_id, related_class_id,
      claim_id, institution_id, person_id, score, evidence)
    select d.province_code, d.region_code, d.rule_code, d.subject_key, d.class_id, d.related_class_id,
      d.claim_id, d.institution_id, d.person_id, d.score::int, d.evidence
    from (${detector}) as d
    on conflict (province_code, rule_code, subject_key) do update set
      region_code = excluded.region_code, class_id = excluded.class_id,
      related_class_id = excluded.related_class_id, claim_id = excluded.claim_id,
      institution_id = excluded.institution_id, person_id = excluded.person_id,
      score = excluded.score, evidence = excluded.evidence, last_detected_at = now(),
      status = case when risk_alert.status = 'cleared' and risk_alert.evidence is distinct from excluded.evidence
        then 'open' else risk_alert.status end,
      cleared_at = case when risk_alert.status = 'cleared' and risk_alert.evidence is distinct from excluded.evidence
        then null else risk_alert.cleared_at end
    returning (xmax = 0) as is_new`;
}

/**
 * The statement of `upsertAlerts` for several detectors at once (their candidates put together
 * with `union all`, each cast to the alert's columns; at least one detector): the screening of one
 * claim at submission sends one statement instead of one per rule. Rules differ, so no alert is
 * proposed twice.
 */
export function upsertAlertsTogetherQuery(detectors: readonly Sql[]): RawBuilder<{ is_new: boolean }> {
  const candidates = sql.join(
    detectors.map(
      (detector) => sql`select d.province_code::text as province_code, d.region_code::text as region_code,
        d.rule_code::text as rule_code, d.subject_key::text as subject_key, d.class_id::bigint as class_id,
        d.related_class_id::bigint as related_class_id, d.claim_id::bigint as claim_id,
        d.institution_id::bigint as institution_id, d.person_id::bigint as person_id, d.score::int as score,
        d.evidence::jsonb as evidence
        from (${detector}) as d`,
    ),
    sql` union all `,
  );
  return upsertAlertsQuery(candidates);
}

type StaleFingerprint = { id: number; province_code: string; updated_at: Date };

/**
 * The trainees of a screening's classes whose phone fingerprint is missing or older than their
 * registry row, in one statement (the classes' enrolments of any status, as a sweep takes them).
 */
export function staleFingerprintsQuery(scope: TargetedScope): RawBuilder<StaleFingerprint> {
  return sql<StaleFingerprint>`
    select p.id, p.province_code, p.updated_at
    from person p
    left join person_phone_fingerprint f on f.person_id = p.id and f.province_code = p.province_code
    where (f.person_id is null or f.source_updated_at < p.updated_at)
      and (p.id, p.province_code) in (select e.person_id, e.person_province_code from enrolment e
        where e.province_code = ${scope.provinceCode} and e.class_id in ${idList(scope.classIds)})
    order by p.id`;
}

/** The ids of the trainees of a screening's classes, as a subquery (at least one class). */
export function traineeIdsOf(executor: Executor, scope: TargetedScope) {
  return executor
    .selectFrom('enrolment')
    .select('enrolment.person_id')
    .where('enrolment.province_code', '=', scope.provinceCode)
    .where('enrolment.class_id', 'in', [...scope.classIds]);
}

/**
 * The statements that store phone fingerprints, one per province of the persons (each names its
 * province, so on Citus it routes to one shard). The registry row's own updated_at is taken in
 * SQL: a JavaScript Date would drop its microseconds, and the fingerprint would look stale to
 * every later sweep.
 */
export function storeFingerprintsQueries(
  persons: ReadonlyArray<{ id: number; province_code: string; phoneHash: string | null }>,
): RawBuilder<unknown>[] {
  const byProvince = new Map<string, Array<{ id: number; phoneHash: string | null }>>();
  for (const person of persons) {
    const group = byProvince.get(person.province_code) ?? [];
    group.push(person);
    byProvince.set(person.province_code, group);
  }
  return [...byProvince].map(
    ([provinceCode, group]) => sql`
    insert into person_phone_fingerprint (province_code, person_id, phone_hash, source_updated_at)
    select p.province_code, p.id, x.phone_hash, p.updated_at
    from unnest(${group.map((person) => person.id)}::bigint[],
                ${group.map((person) => person.phoneHash)}::text[]) as x(person_id, phone_hash)
    join person p on p.id = x.person_id and p.province_code = ${provinceCode}
    on conflict (person_id, province_code)
    do update set phone_hash = excluded.phone_hash, source_updated_at = excluded.source_updated_at`,
  );
}

/**
 * Every trainee of a sweep's scope whose fingerprint is missing or stale, in one set-based
 * statement, into the transaction's temporary table `sweep_stale_fingerprint` (read back in
 * keyset pages: a first sweep over a province finds millions). Returns how many.
 */
export async function collectStaleFingerprints(executor: Executor, scope: DetectionScope): Promise<number> {
  await sql`drop table if exists sweep_stale_fingerprint`.execute(executor);
  await sql`create temporary table sweep_stale_fingerprint on commit drop as
    select p.id, p.province_code, p.updated_at
    from person p
    left join person_phone_fingerprint f on f.person_id = p.id and f.province_code = p.province_code
    where (f.person_id is null or f.source_updated_at < p.updated_at)
      and exists (select 1 from enrolment e
        join training_class c on c.id = e.class_id and c.province_code = e.province_code
        where e.person_id = p.id and e.person_province_code = p.province_code and ${classInScope(scope, 'c')})`.execute(
    executor,
  );
  await sql`create index on sweep_stale_fingerprint (id)`.execute(executor);
  const count = await sql<{ n: number }>`select count(*)::int as n from sweep_stale_fingerprint`.execute(
    executor,
  );
  return count.rows[0]!.n;
}

/** The next page of `collectStaleFingerprints`'s persons after `afterId`. */
export async function nextStaleFingerprints(
  executor: Executor,
  page: { afterId: number; limit: number },
): Promise<Array<{ id: number; province_code: string; updated_at: Date }>> {
  const result = await sql<{ id: number; province_code: string; updated_at: Date }>`
    select id, province_code, updated_at from sweep_stale_fingerprint
    where id > ${page.afterId} order by id limit ${page.limit}`.execute(executor);
  return result.rows;
}

/** The alerts that hold a claim back: open or under investigation, on its class or on itself. */
const CLAIM_RISK = sql`coalesce((select max(a.score) from risk_alert a
  where a.status in ('open', 'in_case')
    and (a.claim_id = claim.id or a.class_id = claim.class_id or a.related_class_id = claim.class_id)), 0)`;

/**
 * Recomputes risk_score and is_risk_blocked of the given claims (or of every claim still on its
 * way to approval) and returns the claims whose blocking changed.
 */
export async function refreshClaimRisk(
  executor: Executor,
  target: RiskTarget,
): Promise<Array<{ id: number; province_code: string; risk_score: number; is_risk_blocked: boolean }>> {
  const query = refreshClaimRiskQuery(target);
  return query ? (await query.execute(executor)).rows : [];
}

/** The claims `refreshClaimRisk` recomputes: by id (in one province when it is known), by class, or all. */
export type RiskTarget =
  | { claimIds: readonly number[]; provinceCode?: string }
  | { classIds: readonly number[] }
  | { provinceCode: string | null };

/** The statement of `refreshClaimRisk` (to send with others), or null when no claim is named. */
export function refreshClaimRiskQuery(
  target: RiskTarget,
): RawBuilder<{ id: number; province_code: string; risk_score: number; is_risk_blocked: boolean }> | null {
  let where: Sql;
  if ('claimIds' in target) {
    if (target.claimIds.length === 0) return null;
    where = sql`claim.id in ${idList(target.claimIds)}`;
    if (target.provinceCode) where = sql`claim.province_code = ${target.provinceCode} and ${where}`;
  } else if ('classIds' in target) {
    if (target.classIds.length === 0) return null;
    where = sql`claim.class_id in ${idList(target.classIds)}
      and claim.status in ('draft', 'submitted', 'reviewed', 'in_notice', 'returned')`;
  } else {
    const live = sql`claim.status in ('submitted', 'reviewed', 'in_notice', 'returned')`;
    where = target.provinceCode ? sql`claim.province_code = ${target.provinceCode} and ${live}` : live;
  }
  return sql<{
    id: number;
    province_code: string;
    risk_score: number;
    is_risk_blocked: boolean;
  }>`
    update claim set risk_score = ${CLAIM_RISK}, is_risk_blocked = ${CLAIM_RISK} >= ${BLOCK_THRESHOLD},
      updated_at = now()
    where ${where} and (claim.risk_score <> ${CLAIM_RISK} or claim.is_risk_blocked <> (${CLAIM_RISK} >= ${BLOCK_THRESHOLD}))
    returning claim.id, claim.province_code, claim.risk_score, claim.is_risk_blocked`;
}
