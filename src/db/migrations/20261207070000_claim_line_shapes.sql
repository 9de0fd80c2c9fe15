-- Lean decision storage (issue 22, src/claims/claim.stored-form.ts, docs/performance.md).
-- Each distinct request shape (a request without the line's own facts) and each distinct decision
-- is stored once per province, keyed by the sha-256 (hex) of its canonical JSON. A claim line
-- then names them: `request_shape` (and `request` holds only the line's own facts: person,
-- employment, certificate, history, the trainee's hours in `training`) and `decision_shape`
-- (and `decision` is null). Lines without shapes store both in full, as before.
create table claim_line_shape (
  province_code text not null,
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  body jsonb not null,
  created_at timestamptz not null default now(),
  primary key (hash, province_code)
);
create trigger claim_line_shape_append_only before update or delete on claim_line_shape
  for each row execute function refuse_modification();

alter table claim_line alter column decision drop not null;
alter table claim_line add column request_shape text;
alter table claim_line add column decision_shape text;
alter table claim_line add constraint claim_line_decision_stored
  check ((decision is null) = (decision_shape is not null));
alter table claim_line add constraint claim_line_request_shape_fk
  foreign key (request_shape, province_code) references claim_line_shape (hash, province_code);
alter table claim_line add constraint claim_line_decision_shape_fk
  foreign key (decision_shape, province_code) references claim_line_shape (hash, province_code);

-- The full request of a line from its own facts and its shape (null shape: stored in full).
create function claim_request_of(p_request jsonb, p_shape jsonb) returns jsonb
language sql immutable as $$
  select case
    when p_shape is null then p_request
    when p_shape ? 'training' or p_request ? 'training' then p_shape || p_request
      || jsonb_build_object('training', coalesce(p_shape -> 'training', '{}'::jsonb)
                                        || coalesce(p_request -> 'training', '{}'::jsonb))
    else p_shape || p_request end
$$;

-- Every line with its full stored request and decision, whichever form it is stored in (for
-- auditors and reports; the application reads through `withStoredForms`).
create view claim_line_record as
select l.id, l.province_code, l.claim_id, l.line_number, l.person_id,
       claim_request_of(l.request, rs.body) as request,
       coalesce(l.decision, ds.body) as decision
from claim_line l
left join claim_line_shape rs on rs.hash = l.request_shape and rs.province_code = l.province_code
left join claim_line_shape ds on ds.hash = l.decision_shape and ds.province_code = l.province_code;

-- The report projection reads the on-the-job months from the decision: through the shape now.
create or replace function report_fact_append(p_event text, p_items bigint[], p_dates date[]) returns void
language sql as $$
  with item_event as (
    select pi.id as item_id, pi.province_code, pi.claim_id, pi.claim_line_id, pi.disbursement_id,
           pi.kind as item_kind, pi.status as item_status, pi.amount_fen as item_amount_fen,
           pi.sub_account as item_sub_account, pi.region_code as item_region_code, x.value_date
    from unnest(p_items, p_dates) as x(item_id, value_date)
    join payment_item pi on pi.id = x.item_id
  ), loose as (
    -- one row per item without a line: its claim's matching lines and their sum
    select e.item_id, e.province_code, e.claim_id, e.claim_line_id, e.disbursement_id, e.item_kind,
           e.item_status, e.item_amount_fen, e.item_sub_account, e.item_region_code, e.value_date,
           array_agg(pl.id order by pl.id) filter (where pl.id is not null) as line_ids,
           coalesce(sum(pl.amount_fen), 0) as lines_fen
    from item_event e
    join payment_disbursement d on d.id = e.disbursement_id and d.province_code = e.province_code
    left join claim_line pl on pl.claim_id = e.claim_id and pl.province_code = e.province_code
      and pl.is_eligible and pl.status = 'active' and pl.amount_fen > 0
      and case d.payee_type when 'organisation' then pl.payee_organisation_id
                            when 'person' then pl.payee_person_id end = d.payee_id
    where e.claim_line_id is null
    group by e.item_id, e.province_code, e.claim_id, e.claim_line_id, e.disbursement_id, e.item_kind,
             e.item_status, e.item_amount_fen, e.item_sub_account, e.item_region_code, e.value_date
  ), event as (
    select e.*, e.claim_line_id as line_id from item_event e where e.claim_line_id is not null
    union all
    -- lines that add up: one row each; otherwise one row of the item's money without a line
    select o.item_id, o.province_code, o.claim_id, o.claim_line_id, o.disbursement_id, o.item_kind,
           o.item_status, o.item_amount_fen, o.item_sub_account, o.item_region_code, o.value_date, x.line_id
    from loose o
    cross join lateral unnest(case when o.lines_fen = o.item_amount_fen then o.line_ids
                                   else array[null::bigint] end) as x(line_id)
  ), classified as (
    select e.province_code, e.value_date, e.item_id, e.item_region_code, c.id as claim_id, c.subsidy_kind,
           c.mode = 'settlement' as is_settlement, l.id as claim_line_id, l.person_id, l.certificate_id,
           coalesce(l.amount_fen, e.item_amount_fen) as amount_fen, e.item_status = 'returned_to_payable' as is_returned,
           case when e.item_kind = 'advance' then 'advance' else e.item_sub_account end as sub_account,
           case c.subsidy_kind
             when 'on_the_job_training' then 'on_the_job'
             when 'apprenticeship' then 'apprenticeship'
             when 'safety_training' then 'safety'
             when 'directed_training' then 'directed'
             when 'technician_training' then 'skill_upgrade'
             when 'insured_skill_upgrade' then 'skill_upgrade'
             when 'training' then case
               when coalesce(l.request -> 'person' -> 'groups', '[]'::jsonb) @> '["entrepreneur"]'::jsonb
                 then 'entrepreneurship'
               when l.request -> 'employment' is not null
                 or coalesce(l.request -> 'person' -> 'groups', '[]'::jsonb) @> '["enterprise_employee"]'::jsonb
                 then 'skill_upgrade'
               else 'employment_skills' end
             else null end as training_type,
           left(l.occupation_code, 1) as occupation_category, l.level,
           ct.certificate_type, ct.level as certificate_level,
           coalesce((select array_agg(g order by g) from jsonb_array_elements_text(
             case when jsonb_typeof(l.request -> 'person' -> 'groups') = 'array'
                  then l.request -> 'person' -> 'groups' else '[]'::jsonb end) as g), '{}') as groups,
           -- 以工代训: the months the engine's decision line states (连续工作每满1个月：N个月 × …)
           case when c.subsidy_kind = 'on_the_job_training' then coalesce((
             select substring(x ->> 'basis' from '：([0-9]+)个月')::int
             from jsonb_array_elements(coalesce(coalesce(l.decision, lds.body) -> 'lines', '[]'::jsonb)) as x
             where x ->> 'item' = 'on_the_job_training' limit 1), 0) else 0 end as months,
           -- living allowance: the offline days the engine counted, else the span
           case when c.subsidy_kind = 'living_allowance' then coalesce(
             (l.request -> 'training' ->> 'offlineDays')::int, (l.period_end - l.period_start) + 1, 0)
             else 0 end as days
    from event e
    join claim c on c.id = e.claim_id and c.province_code = e.province_code
    left join claim_line l on l.id = e.line_id and l.province_code = e.province_code
    left join claim_line_shape lds on lds.hash = l.decision_shape and lds.province_code = l.province_code
    left join certificate ct on ct.id = l.certificate_id and ct.province_code = l.province_code
  ), keyed as materialized (
    select k.*, hashtextextended(concat_ws('|', k.subsidy_kind, k.sub_account, coalesce(k.training_type, '-'),
             coalesce(k.occupation_category, '-'), coalesce(k.level, '-'), coalesce(k.certificate_type, '-'),
             coalesce(k.certificate_level, '-'), array_to_string(k.groups, ',')), 0)
             -- 53 bits: a safe integer in JavaScript
             & 9007199254740991 as cell_id
    from classified k
  ), new_cell as (
    insert into report_cell (province_code, id, subsidy_kind, sub_account, training_type, occupation_category, level,
                             certificate_type, certificate_level, groups)
    select distinct province_code, cell_id, subsidy_kind, sub_account, training_type, occupation_category, level,
           certificate_type, certificate_level, groups
    from keyed
    on conflict (province_code, id) do nothing
  )
  insert into report_fact (province_code, event, value_date, region_code, payment_item_id, claim_id, claim_line_id,
                           person_id, certificate_id, cell_id, amount_fen, months, days, is_settlement, is_item_returned)
  select province_code, p_event, value_date, item_region_code, item_id, claim_id, claim_line_id, person_id,
         certificate_id, cell_id, amount_fen, months, days, is_settlement, is_returned
  from keyed
$$;
