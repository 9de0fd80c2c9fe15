-- A training-project catalog entry can be withdrawn by an officer of its catalog's region, with a
-- reason and the officer who did it (issue 17, the two catalogs). A withdrawn entry is no longer
-- filed against and leaves the public catalog; classes filed before keep it.
alter table catalog_entry add column status text not null default 'active';
alter table catalog_entry add column withdrawn_on date;
alter table catalog_entry add column withdrawal_reason text;
alter table catalog_entry add column withdrawn_by_user_id bigint;
alter table catalog_entry add constraint catalog_entry_status_check
  check (status in ('active', 'withdrawn'));
alter table catalog_entry add constraint catalog_entry_withdrawal_check
  check ((status = 'withdrawn') = (withdrawn_on is not null and withdrawal_reason is not null));
