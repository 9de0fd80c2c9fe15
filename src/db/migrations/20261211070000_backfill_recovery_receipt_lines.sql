-- Recovery receipts posted before 20261207010000_recovery_reversal have no recovery_receipt_line,
-- so reports and the public disclosure still count their money as paid, and report_fact_rebuild
-- (which reads only recovery_receipt_line) cannot correct it. This allocates each such receipt
-- (the fund-leg 'recovery' transfer, bank → sub-account, of a recovery order, with no line yet)
-- by the rule of allocateReceipt in src/ledger/recovery.service.ts, receipts in transfer order:
-- the claim's items of the order's sub-account (kind 'advance' for an advance order), not
-- returned to payable; lines excluded by supervision first, then by item id; each item at most its
-- amount less what earlier receipts took back. Line status and item status are today's (the old
-- ones were not recorded). A receipt larger than what is left is allocated as far as it goes.
-- The insert trigger on recovery_receipt_line writes the 'recovered' report facts, so no rebuild
-- is needed; a month already closed keeps its frozen figures (report_fact_closed).
-- Idempotent: a receipt that has lines is left alone. No approval is invented for receipts posted
-- before approvals were required (src/ledger/README.md).
do $$
declare
  receipt record;
  item record;
  remaining bigint;
  taken bigint;
begin
  for receipt in
    select t.id, t.province_code, t.amount_fen, t.value_date, o.id as order_id, o.claim_id, o.sub_account
    from ledger_transfer t
    join recovery_order o on o.id = t.recovery_order_id and o.province_code = t.province_code
    where t.code = 'recovery' and t.idempotency_id like 'recovery-receipt:%:fund'
      and not exists (
        select 1 from recovery_receipt_line r where r.province_code = t.province_code and r.transfer_id = t.id)
    order by t.id
  loop
    remaining := receipt.amount_fen;
    for item in
      select i.id, i.claim_line_id,
             i.amount_fen - coalesce((
               select sum(r.amount_fen) from recovery_receipt_line r
               where r.province_code = i.province_code and r.payment_item_id = i.id), 0) as open_fen
      from payment_item i
      left join claim_line l on l.id = i.claim_line_id and l.province_code = i.province_code
      where i.province_code = receipt.province_code and i.claim_id = receipt.claim_id
        and i.status <> 'returned_to_payable'
        and i.kind = case when receipt.sub_account = 'advance' then 'advance' else 'payment' end
        and (receipt.sub_account = 'advance' or i.sub_account = receipt.sub_account)
      order by coalesce(l.status, 'active') = 'excluded' desc, i.id
    loop
      exit when remaining = 0;
      continue when item.open_fen <= 0;
      taken := least(item.open_fen, remaining);
      insert into recovery_receipt_line (province_code, recovery_order_id, transfer_id, claim_id, payment_item_id,
                                         claim_line_id, amount_fen, value_date)
      values (receipt.province_code, receipt.order_id, receipt.id, receipt.claim_id, item.id, item.claim_line_id,
              taken, receipt.value_date);
      remaining := remaining - taken;
    end loop;
  end loop;
end $$;
