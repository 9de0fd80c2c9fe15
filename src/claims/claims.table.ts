import type { Generated } from 'kysely';

export interface EmploymentRecordTable {
  id: Generated<number>;
  province_code: string;
  enterprise_id: number;
  person_id: number;
  person_province_code: string;
  contract_months: number;
  start_date: string;
  end_date: string | null;
  is_payroll_verified: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface PayrollRecordTable {
  id: Generated<number>;
  province_code: string;
  employment_id: number;
  pay_month: string;
  gross_pay_fen: number;
}

/** A row of the social-insurance contribution list an officer imports (社会保险缴费记录). */
export interface SocialInsuranceContributionTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  enterprise_id: number;
  person_id: number;
  person_province_code: string;
  /** The contribution month (费款所属期), `YYYY-MM`. */
  contribution_month: string;
  amount_fen: number;
  imported_by_user_id: number;
  imported_on: string;
  source_file_name: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ClaimTable {
  id: Generated<number>;
  province_code: string;
  claim_number: string;
  region_code: string;
  subsidy_kind: string;
  mode: Generated<'full' | 'advance' | 'settlement'>;
  applicant_kind: 'institution' | 'enterprise' | 'evaluation_org' | 'person';
  applicant_organisation_id: number | null;
  applicant_person_id: number | null;
  class_id: number | null;
  advance_claim_id: number | null;
  application_date: string;
  payee_bank_name: string | null;
  /** Legacy plaintext; new values go to payee_bank_account_ciphertext. */
  payee_bank_account: string | null;
  /** AES-256-GCM ciphertext, context 'claim.payee_bank_account'. */
  payee_bank_account_ciphertext: string | null;
  payment_batch_id: number | null;
  status: Generated<string>;
  total_amount_fen: Generated<number>;
  eligible_line_count: Generated<number>;
  line_count: Generated<number>;
  idempotency_key: string | null;
  request_hash: string | null;
  notice_starts_on: string | null;
  notice_ends_on: string | null;
  submitted_at: Date | null;
  reviewed_at: Date | null;
  reviewed_by_user_id: number | null;
  approved_at: Date | null;
  approved_by_user_id: number | null;
  payment_ordered_at: Date | null;
  paid_at: Date | null;
  last_reason: string | null;
  risk_score: Generated<number>;
  is_risk_blocked: Generated<boolean>;
  created_by_user_id: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ClaimLineTable {
  id: Generated<number>;
  province_code: string;
  claim_id: number;
  line_number: number;
  person_id: number | null;
  person_province_code: string | null;
  certificate_id: number | null;
  employment_id: number | null;
  subject: string;
  policy_id: string | null;
  is_eligible: boolean;
  amount_fen: number;
  payee: string;
  payee_organisation_id: number | null;
  payee_person_id: number | null;
  /** Who would be paid under each payee kind the engine may choose. */
  payee_ids: unknown;
  counts_toward_annual_limit: boolean;
  occupation_code: string | null;
  level: string | null;
  period_start: string | null;
  period_end: string | null;
  /** The full request, or only the line's own facts when `request_shape` is set (claim.stored-form.ts). */
  request: unknown;
  /** The full decision, or null when `decision_shape` is set. */
  decision: unknown;
  request_shape: Generated<string | null>;
  decision_shape: Generated<string | null>;
  status: Generated<'active' | 'excluded'>;
  excluded_reason: string | null;
  decided_at: Generated<Date>;
}

/** A distinct request shape or decision, stored once per province (claim.stored-form.ts). */
export interface ClaimLineShapeTable {
  province_code: string;
  hash: string;
  body: unknown;
  created_at: Generated<Date>;
}

export interface ClaimTransitionTable {
  id: Generated<number>;
  province_code: string;
  claim_id: number;
  action: string;
  from_status: string;
  to_status: string;
  actor_user_id: number | null;
  actor_role: string | null;
  reason: string | null;
  occurred_at: Generated<Date>;
  /** The business date of the step (business clock); null for rows recorded before it was kept. */
  business_date: string | null;
}

export interface ClaimObjectionTable {
  id: Generated<number>;
  province_code: string;
  claim_id: number;
  claim_line_id: number | null;
  objector: string;
  content: string;
  recorded_by_user_id: number | null;
  recorded_at: Generated<Date>;
  resolution: string | null;
  is_upheld: boolean | null;
  resolved_by_user_id: number | null;
  resolved_at: Date | null;
}

export interface ClaimAttachmentTable {
  id: Generated<number>;
  province_code: string;
  claim_id: number;
  material_code: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_path: string;
  uploaded_by_user_id: number | null;
  uploaded_at: Generated<Date>;
}

export interface SubsidyUsageTable {
  province_code: string;
  kind: 'annual_slot' | 'certificate' | 'occupation_level' | 'ojt_month';
  usage_key: string;
  claim_id: number;
  claim_province_code: string;
  claim_line_id: number;
  created_at: Generated<Date>;
}

export interface IdempotencyRecordTable {
  province_code: string;
  user_id: number;
  idempotency_key: string;
  request_hash: string;
  response_status: number;
  response_body: unknown;
  created_at: Generated<Date>;
}

/** An officer's reopening of a trainee's rejected or excluded line for the class's next claim. */
export interface ClaimReopeningTable {
  id: Generated<number>;
  province_code: string;
  class_id: number;
  person_id: number;
  subsidy_kind: string;
  reason: string;
  reopened_by_user_id: number | null;
  reopened_at: Generated<Date>;
  used_by_claim_id: number | null;
}

/** A third-party review agency's on-site inspection (现场核查) of a claim under its contract. */
export interface ClaimInspectionTable {
  id: Generated<number>;
  province_code: string;
  claim_id: number;
  class_id: number | null;
  agency_id: number;
  contract_id: number;
  inspected_on: string;
  result: 'passed' | 'minor_issues' | 'failed';
  findings: string;
  attachment_file_name: string | null;
  attachment_content_type: string | null;
  attachment_size_bytes: number | string | null;
  attachment_sha256: string | null;
  attachment_storage_path: string | null;
  recorded_by_user_id: number | null;
  recorded_at: Generated<Date>;
}

export interface ClaimsTables {
  employment_record: EmploymentRecordTable;
  payroll_record: PayrollRecordTable;
  social_insurance_contribution: SocialInsuranceContributionTable;
  claim: ClaimTable;
  claim_line: ClaimLineTable;
  claim_line_shape: ClaimLineShapeTable;
  claim_transition: ClaimTransitionTable;
  claim_objection: ClaimObjectionTable;
  claim_attachment: ClaimAttachmentTable;
  subsidy_usage: SubsidyUsageTable;
  idempotency_record: IdempotencyRecordTable;
  claim_reopening: ClaimReopeningTable;
  claim_inspection: ClaimInspectionTable;
}
