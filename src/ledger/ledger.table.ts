import type { Generated } from 'kysely';

/** Kysely row types of the special-account ledger (migration 20261123120000_ledger.sql). */
export interface LedgerAccountTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  kind: string;
  normal_side: 'debit' | 'credit';
  is_non_negative: boolean;
  debits_posted_fen: Generated<number>;
  credits_posted_fen: Generated<number>;
  balance_fen: Generated<number>;
  created_at: Generated<Date>;
}

export interface LedgerJournalTable {
  id: Generated<number>;
  province_code: string;
  code: string;
  description: string;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface LedgerTransferTable {
  id: Generated<number>;
  province_code: string;
  journal_id: number;
  idempotency_id: string;
  request_hash: string;
  debit_account_id: number;
  credit_account_id: number;
  amount_fen: number;
  code: string;
  value_date: string;
  description: string | null;
  claim_id: number | null;
  claim_line_id: number | null;
  payment_batch_id: number | null;
  payment_item_id: number | null;
  disbursement_id: number | null;
  statement_line_id: number | null;
  fund_request_id: number | null;
  recovery_order_id: number | null;
  reverses_transfer_id: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
  /** Keyed seal (src/ledger/seal.service.ts, migration 20261207020000); null until sealed. */
  seal: Generated<string | null>;
  seal_key_id: Generated<string | null>;
}

export interface LedgerPeriodCloseTable {
  province_code: string;
  period: string;
  closed_by: number | null;
  closed_at: Generated<Date>;
  /** The month's ledger figures at close (migration 20261205160000_bank_side.sql). */
  figures: unknown | null;
}

export interface LedgerFundRequestTable {
  id: Generated<number>;
  province_code: string;
  kind: 'appropriation' | 'allocation' | 'reallocation';
  from_region_code: string;
  from_kind: string;
  to_region_code: string;
  to_kind: string;
  amount_fen: number;
  value_date: string;
  basis: unknown;
  reason: string;
  status: Generated<'pending' | 'posted' | 'rejected'>;
  requested_by: number;
  decided_by: number | null;
  decided_at: Date | null;
  journal_id: number | null;
  created_at: Generated<Date>;
}

export interface PaymentBatchTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  idempotency_id: string;
  request_hash: string;
  value_date: string;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface PaymentDisbursementTable {
  id: Generated<number>;
  province_code: string;
  batch_id: number;
  payee_type: 'organisation' | 'person';
  payee_id: number;
  payee_name: string;
  payee_bank_account: string;
  amount_fen: number;
  status: Generated<'ordered' | 'paid' | 'failed'>;
  failure_reason: string | null;
  payee_bank_name: string | null;
  /** 联行号 (CNAPS) of the payee's bank. */
  payee_bank_code: string | null;
}

export interface PaymentItemTable {
  id: Generated<number>;
  province_code: string;
  batch_id: number;
  disbursement_id: number;
  claim_id: number;
  claim_line_id: number | null;
  region_code: string;
  sub_account: string;
  kind: 'payment' | 'advance' | 'settlement';
  amount_fen: number;
  status: Generated<'ordered' | 'paid' | 'returned_to_payable'>;
  transfer_id: number;
  /** Keyed seal (src/ledger/seal.service.ts, migration 20261207020000); null until sealed. */
  seal: Generated<string | null>;
  seal_key_id: Generated<string | null>;
}

export interface BankStatementTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  file_name: string;
  file_hash: string;
  line_count: number;
  imported_by: number | null;
  imported_at: Generated<Date>;
  profile_code: string | null;
  opening_balance_fen: number | null;
  closing_balance_fen: number | null;
}

export interface BankStatementLineTable {
  id: Generated<number>;
  province_code: string;
  statement_id: number;
  line_number: number;
  reference: string | null;
  amount_fen: number;
  booking_date: string;
  raw: unknown;
  /** debit = out of the special account (amount_fen > 0), credit = in (amount_fen < 0). */
  direction: 'debit' | 'credit' | null;
  counterparty_name: string | null;
  summary: string | null;
  balance_fen: number | null;
}

export interface RecoveryOrderTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  claim_id: number;
  sub_account: string;
  amount_fen: number;
  recovered_fen: Generated<number>;
  reason: string;
  idempotency_id: string;
  status: Generated<'open' | 'closed'>;
  created_by: number | null;
  created_at: Generated<Date>;
}

/** What an approved recovery receipt took back, per payment item and claim line (append-only). */
export interface RecoveryReceiptLineTable {
  id: Generated<number>;
  province_code: string;
  recovery_order_id: number;
  transfer_id: number;
  claim_id: number;
  payment_item_id: number;
  claim_line_id: number | null;
  amount_fen: number;
  value_date: string;
}

export interface LedgerApprovalTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  kind:
    | 'payment_order'
    | 'manual_transfer'
    | 'reversal'
    | 'payee_account'
    | 'recovery_receipt'
    | 'payment_failure';
  idempotency_id: string;
  request_hash: string;
  payload: unknown;
  amount_fen: number | null;
  summary: string;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  requested_by: number;
  decided_by: number | null;
  decided_at: Date | null;
  decision_reason: string | null;
  result: unknown;
  created_at: Generated<Date>;
}

export interface PayeeAccountTable {
  id: Generated<number>;
  province_code: string;
  payee_type: 'organisation' | 'person';
  payee_id: number;
  bank_name: string;
  account_ciphertext: string;
  is_current: Generated<boolean>;
  approval_id: number | null;
  reason: string;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface LedgerTables {
  ledger_approval: LedgerApprovalTable;
  payee_account: PayeeAccountTable;
  ledger_account: LedgerAccountTable;
  ledger_journal: LedgerJournalTable;
  ledger_transfer: LedgerTransferTable;
  ledger_period_close: LedgerPeriodCloseTable;
  ledger_fund_request: LedgerFundRequestTable;
  payment_batch: PaymentBatchTable;
  payment_disbursement: PaymentDisbursementTable;
  payment_item: PaymentItemTable;
  bank_statement: BankStatementTable;
  bank_statement_line: BankStatementLineTable;
  recovery_order: RecoveryOrderTable;
  recovery_receipt_line: RecoveryReceiptLineTable;
}
