-- Report facts (issue 10, docs/reports.md "How the facts are stored").
--
-- report_fact: the payment events of claim lines, one narrow row per line and event, the rows a
-- report counts. Triggers write it in the transaction of the payment item (event 'paid', dated by
-- the payment batch's value date) and of the ledger's payment_failure transfer (event 'returned',
-- dated by the transfer), and mark the rows of an item the bank returned. A report reads one
-- narrow, date-indexed table instead of expanding payment items to their claim lines and reading
-- each line's stored request and decision (bench/report.ts: 20 s for Jiangsu's busiest quarter
-- that way).
--
-- report_cell: what a fact is counted under — subsidy kind, sub-account, training type,
-- occupation category, level, certificate type and level, person groups. A province has a few
-- hundred of them; a fact carries its cell's id, a 53-bit hash of those values, so a report
-- aggregates by one integer and a writer never has to read an id back (concurrent writers of a
-- new cell insert the same row; `on conflict do nothing`).
--
-- Both are a projection of payment_item, payment_batch, ledger_transfer, claim, claim_line and
-- certificate: report_fact_rebuild(province) recomputes a province's rows from them
-- (`skillfund report rebuild-facts`), and report_fact_append is the one definition of a row.

create table report_cell (
  province_code text not null,
  id bigint not null,
  subsidy_kind text not null,
  sub_account text not null,
  training_type text,
  occupation_category text,
  level text,
  certificate_type text,
  certificate_level text,
  groups text[] not null,
  primary key (province_code, id)
);

create table report_fact (
  id bigint generated always as identity,
  province_code text not null,
  event text not null check (event in ('paid', 'returned')),
  value_date date not null,
  -- the region whose accounts paid (the payment item's), as the ledger's postings are
  region_code text not null,
  payment_item_id bigint not null,
  claim_id bigint not null,
  -- null for an item whose claim lines could not be matched (its money is still counted)
  claim_line_id bigint,
  person_id bigint,
  certificate_id bigint,
  cell_id bigint not null,
  amount_fen bigint not null check (amount_fen >= 0),
  months integer not null,
  days integer not null,
  is_settlement boolean not null,
  -- the row's payment item has been returned by the bank (item status returned_to_payable)
  is_item_returned boolean not null default false,
  -- subsidised: paid, not returned, not a settlement claim, and a claim line
  is_counted boolean generated always as (
    event = 'paid' and not is_item_returned and not is_settlement and claim_line_id is not null
  ) stored,
  primary key (id, province_code),
  foreign key (province_code, cell_id) references report_cell (province_code, id)
);
create index report_fact_period_idx on report_fact (province_code, value_date);
create index report_fact_item_idx on report_fact (province_code, payment_item_id);

-- The rows of payment events: p_items[i] happened on p_dates[i]. An item of one claim line is
-- that line's event. An item without a line (the batch path orders one per payee and claim,
-- src/claims/claim.batch.ts) stands for its claim's eligible, active, non-zero lines of that
-- payee when their amounts add up to the item's; otherwise it is one row of money without a
-- line. The training type, months and days follow docs/reports.md.
create function report_fact_append(p_event text, p_items bigint[], p_dates date[]) returns void
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
             from jsonb_array_elements(coalesce(l.decision -> 'lines', '[]'::jsonb)) as x
             where x ->> 'item' = 'on_the_job_training' limit 1), 0) else 0 end as months,
           -- living allowance: the offline days the engine counted, else the span
           case when c.subsidy_kind = 'living_allowance' then coalesce(
             (l.request -> 'training' ->> 'offlineDays')::int, (l.period_end - l.period_start) + 1, 0)
             else 0 end as days
    from event e
    join claim c on c.id = e.claim_id and c.province_code = e.province_code
    left join claim_line l on l.id = e.line_id and l.province_code = e.province_code
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

create function report_fact_on_payment_item_insert() returns trigger language plpgsql as $$
begin
  perform report_fact_append('paid', array_agg(n.id), array_agg(b.value_date))
  from inserted_items n
  join payment_batch b on b.id = n.batch_id and b.province_code = n.province_code
  where n.kind in ('payment', 'advance');
  return null;
end $$;
create trigger report_fact_payment_item_insert after insert on payment_item
  referencing new table as inserted_items
  for each statement execute function report_fact_on_payment_item_insert();

create function report_fact_on_payment_item_update() returns trigger language plpgsql as $$
begin
  update report_fact f set is_item_returned = (n.status = 'returned_to_payable')
  from updated_items n
  where f.province_code = n.province_code and f.payment_item_id = n.id
    and f.is_item_returned <> (n.status = 'returned_to_payable');
  return null;
end $$;
create trigger report_fact_payment_item_update after update on payment_item
  referencing new table as updated_items
  for each statement execute function report_fact_on_payment_item_update();

create function report_fact_on_transfer_insert() returns trigger language plpgsql as $$
begin
  perform report_fact_append('returned', array_agg(n.payment_item_id), array_agg(n.value_date))
  from inserted_transfers n
  where n.code = 'payment_failure' and n.payment_item_id is not null;
  return null;
end $$;
create trigger report_fact_transfer_insert after insert on ledger_transfer
  referencing new table as inserted_transfers
  for each statement execute function report_fact_on_transfer_insert();

-- Recomputes a province's facts from the payment items and transfers (after a change of the
-- definition above, or to check the projection: `skillfund report rebuild-facts`).
create function report_fact_rebuild(p_province text) returns bigint language plpgsql as $$
declare
  written bigint;
begin
  delete from report_fact where province_code = p_province;
  perform report_fact_append('paid', array_agg(pi.id), array_agg(b.value_date))
  from payment_item pi
  join payment_batch b on b.id = pi.batch_id and b.province_code = pi.province_code
  where pi.province_code = p_province and pi.kind in ('payment', 'advance');
  perform report_fact_append('returned', array_agg(t.payment_item_id), array_agg(t.value_date))
  from ledger_transfer t
  where t.province_code = p_province and t.code = 'payment_failure' and t.payment_item_id is not null;
  select count(*) into written from report_fact where province_code = p_province;
  return written;
end $$;

select report_fact_rebuild(p.province_code)
from (select distinct province_code from payment_item) as p;
