-- Issue 15: a failure or 退回 (return) line of a bank result no longer posts on the word of the
-- finance officer who imported the file. It becomes a ledger_approval of kind 'payment_failure'
-- (the bank's reason in its payload); the payment_failure journal (bank → the item's
-- sub-account) is posted only when a second finance officer approves it. Until then the
-- disbursement keeps its status (ordered, or paid for a return), so its line is still in flight
-- and cannot be ordered a second time.
alter table ledger_approval drop constraint ledger_approval_kind_check;
alter table ledger_approval add constraint ledger_approval_kind_check
  check (kind in ('payment_order', 'manual_transfer', 'reversal', 'payee_account', 'recovery_receipt',
                  'payment_failure'));
