-- Issue 18, finding 6: a keyed seal on every ledger transfer and payment item. The seal is
-- HMAC-SHA256 under the audit key (SKILLFUND_AUDIT_KEY, configuration, never stored here) over
-- the row's identity and money fields (src/ledger/seal.service.ts), written by the application in
-- the transaction that inserts the row; `skillfund ledger verify` recomputes it. Someone who can
-- write the database but does not hold the key can no longer change an amount, an account or a
-- reference consistently: the balances must equal the sealed entries, and the entries cannot be
-- resealed. Rows written before this migration have no seal until `skillfund ledger seal` gives
-- them one (verify reports them until then).
alter table ledger_transfer add column seal text, add column seal_key_id text;
alter table payment_item add column seal text, add column seal_key_id text;

-- A transfer stays append-only, except that a row without a seal may be given one, once, with
-- every other column unchanged (the insert computes the seal over the generated id).
create function ledger_transfer_seal_once() returns trigger language plpgsql as $$
begin
  if old.seal is null and new.seal is not null
     and (to_jsonb(new) - 'seal' - 'seal_key_id') = (to_jsonb(old) - 'seal' - 'seal_key_id') then
    return new;
  end if;
  raise exception 'table % is append-only: % refused', tg_table_name, tg_op using errcode = 'P0001';
end;
$$;
drop trigger ledger_transfer_append_only on ledger_transfer;
create trigger ledger_transfer_append_only before update on ledger_transfer
  for each row execute function ledger_transfer_seal_once();
create trigger ledger_transfer_no_delete before delete on ledger_transfer
  for each row execute function refuse_modification();
