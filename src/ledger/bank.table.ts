import type { Generated } from 'kysely';

/** Kysely row types of the bank side of the ledger (migration 20261205160000_bank_side.sql). */
export interface LedgerBankProfileTable {
  province_code: string;
  code: string;
  name: string;
  definition: unknown;
  updated_by: number | null;
  updated_at: Generated<Date>;
}

export interface LedgerBankAccountTable {
  province_code: string;
  region_code: string;
  account_number: string;
  account_name: string;
  bank_name: string;
  /** 联行号 (CNAPS) of the special account's bank. */
  bank_code: string | null;
  profile_code: Generated<string>;
  updated_by: number | null;
  updated_at: Generated<Date>;
}

export interface LedgerReconciliationTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  period: string;
  statement_id: number;
  worksheet: unknown;
  worksheet_hash: string;
  bank_closing_fen: number;
  book_balance_fen: number;
  is_balanced: boolean;
  problem_count: number;
  status: Generated<'prepared' | 'signed_off'>;
  prepared_by: number;
  prepared_at: Generated<Date>;
  signed_off_by: number | null;
  signed_off_at: Date | null;
}

export interface BankSideTables {
  ledger_bank_profile: LedgerBankProfileTable;
  ledger_bank_account: LedgerBankAccountTable;
  ledger_reconciliation: LedgerReconciliationTable;
}
