import type { Generated } from 'kysely';

export interface ReportTargetTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  metric: 'training_person_times' | 'new_apprentices';
  from_year: number;
  to_year: number;
  target_value: number;
  comparison: Generated<'at_least' | 'about'>;
  citation_doc: string;
  citation_article: string;
  updated_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A finalised report (append-only: the database refuses UPDATE and DELETE). */
export interface ReportSnapshotTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  period_kind: 'quarter' | 'year' | 'custom';
  period_from: string;
  period_to: string;
  version: number;
  content: unknown;
  content_hash: string;
  ledger_comparison: unknown;
  differences: Generated<unknown>;
  reason: string | null;
  finalized_by: number;
  finalized_by_name: string;
  finalized_at: Generated<Date>;
}

/**
 * What a report fact is counted under (its dimensions); `id` is a 53-bit hash of the values (a safe integer).
 * Written by the triggers of migration 20261130090000_report_facts.sql, never by code.
 */
export interface ReportCellTable {
  province_code: string;
  id: number;
  subsidy_kind: string;
  sub_account: string;
  training_type: string | null;
  occupation_category: string | null;
  level: string | null;
  certificate_type: string | null;
  certificate_level: string | null;
  groups: string[];
}

/**
 * A payment event of a claim line, the row a report counts. Written by database triggers on
 * payment_item and ledger_transfer (migration 20261130090000_report_facts.sql), never by code.
 */
export interface ReportFactTable {
  id: Generated<number>;
  province_code: string;
  event: 'paid' | 'returned' | 'recovered';
  value_date: string;
  region_code: string;
  payment_item_id: number;
  claim_id: number;
  claim_line_id: number | null;
  person_id: number | null;
  certificate_id: number | null;
  cell_id: number;
  amount_fen: number;
  months: number;
  days: number;
  is_settlement: boolean;
  is_item_returned: Generated<boolean>;
  is_line_excluded: Generated<boolean>;
  is_counted: Generated<boolean>;
}

/** A month whose report facts were frozen by its close (append-only). */
export interface ReportPeriodFreezeTable {
  province_code: string;
  period: string;
  fact_count: number;
  frozen_at: Generated<Date>;
}

/** The report facts of a closed month as counted at its close (append-only). */
export interface ReportFactClosedTable {
  province_code: string;
  period: string;
  id: number;
  event: 'paid' | 'returned' | 'recovered';
  value_date: string;
  region_code: string;
  payment_item_id: number;
  claim_id: number;
  claim_line_id: number | null;
  person_id: number | null;
  certificate_id: number | null;
  cell_id: number;
  amount_fen: number;
  months: number;
  days: number;
  is_settlement: boolean;
  is_counted: boolean;
}

export interface ReportsTables {
  report_period_freeze: ReportPeriodFreezeTable;
  report_fact_closed: ReportFactClosedTable;
  report_target: ReportTargetTable;
  report_snapshot: ReportSnapshotTable;
  report_cell: ReportCellTable;
  report_fact: ReportFactTable;
}
