-- Issue 15: money that comes back for a recovery order (追回到账) is posted bank → sub-account only
-- when a second person approves it, like every other money movement a person starts. The maker's
-- request is a ledger_approval of kind 'recovery_receipt'.
alter table ledger_approval drop constraint ledger_approval_kind_check;
alter table ledger_approval add constraint ledger_approval_kind_check
  check (kind in ('payment_order', 'manual_transfer', 'reversal', 'payee_account', 'recovery_receipt'));
