-- Recovery is a reversal (issue 15 finding 6; docs/reports.md "What is counted").
--
-- recovery_receipt_line: what an approved recovery receipt (追回到账) took back, per payment item
-- and claim line. The receipt's money (bank → the order's sub-account) is allocated to the
-- claim's paid items of that sub-account: lines excluded by supervision first, then by item id;
-- each item at most its amount less what earlier receipts took back. Append-only.
--
-- report_fact gains the event 'recovered' (one row per receipt line, counted under the paid
-- row's cell, dated by the receipt), so reports and disclosure show money net of recoveries, and
-- the flag is_line_excluded (the claim line was excluded: a confirmed case, an upheld objection),
-- so an excluded trainee is no longer counted.

create table recovery_receipt_line (
  id bigint generated always as identity,
  province_code text not null,
  recovery_order_id bigint not null,
  -- the receipt's fund transfer (bank → sub-account)
  transfer_id bigint not null,
  claim_id bigint not null,
  payment_item_id bigint not null,
  claim_line_id bigint,
  amount_fen bigint not null check (amount_fen > 0),
  value_date date not null,
  primary key (id, province_code),
  foreign key (recovery_order_id, province_code) references recovery_order (id, province_code),
  foreign key (payment_item_id, province_code) references payment_item (id, province_code)
);
create index recovery_receipt_line_item_idx on recovery_receipt_line (province_code, payment_item_id);
create index recovery_receipt_line_order_idx on recovery_receipt_line (province_code, recovery_order_id);
create trigger recovery_receipt_line_append_only before update or delete on recovery_receipt_line
  for each row execute function refuse_modification();

alter table report_fact drop constraint report_fact_event_check;
alter table report_fact add constraint report_fact_event_check
  check (event in ('paid', 'returned', 'recovered'));
alter table report_fact add column is_line_excluded boolean not null default false;
alter table report_fact drop column is_counted;
-- subsidised: paid, not returned, the line not excluded, not a settlement claim, a claim line
alter table report_fact add column is_counted boolean generated always as (
  event = 'paid' and not is_item_returned and not is_line_excluded and not is_settlement
  and claim_line_id is not null
) stored;

-- The 'recovered' rows of receipt lines: counted under the cell of the item's paid row of the
-- same line (or, for an item without a line, its first paid row).
create function report_fact_append_recovered(p_lines bigint[]) returns void
language sql as $$
  insert into report_fact (province_code, event, value_date, region_code, payment_item_id, claim_id, claim_line_id,
                           person_id, certificate_id, cell_id, amount_fen, months, days, is_settlement,
                           is_item_returned, is_line_excluded)
  select distinct on (r.id) r.province_code, 'recovered', r.value_date, f.region_code, r.payment_item_id, r.claim_id,
         f.claim_line_id, f.person_id, f.certificate_id, f.cell_id, r.amount_fen, 0, 0, f.is_settlement, false,
         f.is_line_excluded
  from recovery_receipt_line r
  join report_fact f on f.province_code = r.province_code and f.payment_item_id = r.payment_item_id
    and f.event = 'paid' and (r.claim_line_id is null or f.claim_line_id = r.claim_line_id)
  where r.id = any(p_lines)
  order by r.id, f.id
$$;

create function report_fact_on_recovery_line_insert() returns trigger language plpgsql as $$
begin
  perform report_fact_append_recovered(array_agg(n.id)) from inserted_lines n;
  return null;
end $$;
create trigger report_fact_recovery_line_insert after insert on recovery_receipt_line
  referencing new table as inserted_lines
  for each statement execute function report_fact_on_recovery_line_insert();

create function report_fact_on_claim_line_update() returns trigger language plpgsql as $$
begin
  update report_fact f set is_line_excluded = (n.status = 'excluded')
  from updated_lines n
  where f.province_code = n.province_code and f.claim_line_id = n.id
    and f.is_line_excluded <> (n.status = 'excluded');
  return null;
end $$;
create trigger report_fact_claim_line_update after update on claim_line
  referencing new table as updated_lines
  for each statement execute function report_fact_on_claim_line_update();

create or replace function report_fact_rebuild(p_province text) returns bigint language plpgsql as $$
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
  update report_fact f set is_line_excluded = true
  from claim_line l
  where f.province_code = p_province and l.province_code = f.province_code and l.id = f.claim_line_id
    and l.status = 'excluded';
  perform report_fact_append_recovered(array_agg(r.id))
  from recovery_receipt_line r where r.province_code = p_province;
  select count(*) into written from report_fact where province_code = p_province;
  return written;
end $$;

update report_fact f set is_line_excluded = true
from claim_line l
where l.province_code = f.province_code and l.id = f.claim_line_id and l.status = 'excluded';
