-- Report facts written by the batch adjudication itself (issue 22, docs/performance.md).
--
-- The statement trigger on payment_item classifies every claim line of the inserted items
-- (report_fact_append: the items' claims, lines, shapes and certificates joined back, each
-- line's stored request read as JSON) in the batch's transaction: the largest statement of the
-- batch path. The batch already holds those lines in memory, so it classifies them itself and
-- writes the same rows by COPY (src/claims/claim.report-facts.ts). While it inserts its items it
-- sets `skillfund.report_facts` to 'written_by_caller' for its own transaction only
-- (set_config(…, true)), and the trigger leaves those items to it. Every other writer of
-- payment items — the interactive path, recoveries, a rebuild — is unchanged, and
-- report_fact_rebuild recomputes the batch's rows by the one definition (report_fact_append):
-- test/scenarios/report-facts-batch.db.test.ts compares the two.
create or replace function report_fact_on_payment_item_insert() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('skillfund.report_facts', true), '') = 'written_by_caller' then
    return null;
  end if;
  perform report_fact_append('paid', array_agg(n.id), array_agg(b.value_date))
  from inserted_items n
  join payment_batch b on b.id = n.batch_id and b.province_code = n.province_code
  where n.kind in ('payment', 'advance');
  return null;
end $$;
