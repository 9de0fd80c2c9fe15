-- Institution catalog admissions can be withdrawn by the admitting authority, with a reason and
-- the officer who did it (issue 17 finding 5). A withdrawn admission no longer lets its
-- institution file classes for that occupation and level.
alter table institution_catalog add column withdrawn_on date;
alter table institution_catalog add column withdrawal_reason text;
alter table institution_catalog add column withdrawn_by_user_id bigint;
alter table institution_catalog add constraint institution_catalog_withdrawal_check
  check ((status = 'withdrawn') = (withdrawn_on is not null and withdrawal_reason is not null));
