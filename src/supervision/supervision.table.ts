import type { Generated } from 'kysely';

export interface ReferenceListTable {
  id: Generated<number>;
  province_code: string;
  source: 'social_insurance' | 'pension' | 'school_enrolment';
  title: string;
  as_of: string;
  row_count: number;
  imported_by_user_id: number | null;
  imported_at: Generated<Date>;
}

export interface ReferenceListEntryTable {
  id: Generated<number>;
  province_code: string;
  list_id: number;
  source: string;
  /** Keyed blind index of the ID number (the registry's person.id_number_hash). */
  id_number_hash: string;
  valid_from: string | null;
  valid_to: string | null;
  organisation_credit_code: string | null;
  organisation_name: string | null;
  is_full_time: Generated<boolean>;
}

export interface PersonPhoneFingerprintTable {
  province_code: string;
  person_id: number;
  phone_hash: string | null;
  source_updated_at: Date;
}

export interface RiskAlertTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  rule_code: string;
  subject_key: string;
  class_id: number | null;
  related_class_id: number | null;
  claim_id: number | null;
  institution_id: number | null;
  person_id: number | null;
  score: number;
  evidence: unknown;
  status: Generated<'open' | 'cleared' | 'in_case' | 'confirmed'>;
  first_detected_at: Generated<Date>;
  last_detected_at: Generated<Date>;
  cleared_at: Date | null;
  cleared_by_user_id: number | null;
  clear_reason: string | null;
  case_id: number | null;
}

export interface RiskSweepRunTable {
  id: Generated<number>;
  province_code: string;
  scope: string;
  started_at: Date;
  finished_at: Date;
  alert_count: number;
  new_alert_count: number;
  by_rule: unknown;
  triggered_by_user_id: number | null;
}

export interface SupervisionCaseTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  case_number: string;
  title: string;
  status: Generated<'open' | 'cleared' | 'confirmed'>;
  institution_id: number | null;
  agency_id: number | null;
  opened_by_user_id: number | null;
  opened_at: Generated<Date>;
  /** Business dates (business clock) of the opening and the conclusion; the *_at are record times. */
  opened_on: string | null;
  decided_on: string | null;
  outcome_reason: string | null;
  decided_by_user_id: number | null;
  decided_at: Date | null;
  recovered_claim_ids: Generated<unknown>;
}

export interface SupervisionCaseAlertTable {
  province_code: string;
  case_id: number;
  alert_id: number;
}

export interface SupervisionCaseNoteTable {
  id: Generated<number>;
  province_code: string;
  case_id: number;
  author_user_id: number | null;
  content: string;
  created_at: Generated<Date>;
}

export interface SupervisionCaseAttachmentTable {
  id: Generated<number>;
  province_code: string;
  case_id: number;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_path: string;
  uploaded_by_user_id: number | null;
  uploaded_at: Generated<Date>;
}

export interface SupervisionSanctionTable {
  id: Generated<number>;
  province_code: string;
  organisation_id: number;
  case_id: number | null;
  action: 'suspended' | 'blacklisted';
  effective_date: string;
  reason: string;
  decided_by_user_id: number | null;
  decided_at: Generated<Date>;
  appeal_status: Generated<'none' | 'filed' | 'upheld' | 'overturned'>;
  appeal_filed_on: string | null;
  appeal_grounds: string | null;
  appeal_decided_at: Date | null;
  appeal_decision: string | null;
  appeal_decided_by_user_id: number | null;
}

export interface InstitutionInspectionTable {
  id: Generated<number>;
  province_code: string;
  institution_id: number;
  inspected_on: string;
  result: 'passed' | 'minor_issues' | 'failed';
  findings: string;
  recorded_by_user_id: number | null;
  recorded_at: Generated<Date>;
}

export interface InstitutionRatingTable {
  id: Generated<number>;
  province_code: string;
  institution_id: number;
  rating_year: number;
  grade: 'A' | 'B' | 'C' | 'D';
  /** numeric(6,2): read back as text. */
  score: string | number;
  components: unknown;
  explanation: unknown;
  computed_at: Generated<Date>;
}

export interface HighSkillBaseTable {
  id: Generated<number>;
  province_code: string;
  organisation_id: number;
  base_level: 'national' | 'municipal';
  designated_on: string;
  status: Generated<'active' | 'revoked'>;
  revoked_on: string | null;
  revoke_reason: string | null;
}

export interface ReviewAgencyContractTable {
  id: Generated<number>;
  province_code: string;
  agency_id: number;
  contract_number: string;
  region_codes: unknown;
  starts_on: string;
  ends_on: string;
  status: Generated<'active' | 'terminated'>;
  terminated_on: string | null;
  created_by_user_id: number | null;
  created_at: Generated<Date>;
}

export interface ReviewAgencyEvaluationTable {
  id: Generated<number>;
  province_code: string;
  agency_id: number;
  period_start: string;
  period_end: string;
  reviewed_claims: number;
  missed_fraud_claims: number;
  officer_score: number;
  /** numeric(6,2): read back as text. */
  overall_score: string | number;
  conclusion: 'excellent' | 'qualified' | 'unqualified';
  comments: string;
  evaluated_by_user_id: number | null;
  evaluated_at: Generated<Date>;
}

export interface SupervisionTables {
  reference_list: ReferenceListTable;
  reference_list_entry: ReferenceListEntryTable;
  person_phone_fingerprint: PersonPhoneFingerprintTable;
  risk_alert: RiskAlertTable;
  risk_sweep_run: RiskSweepRunTable;
  supervision_case: SupervisionCaseTable;
  supervision_case_alert: SupervisionCaseAlertTable;
  supervision_case_note: SupervisionCaseNoteTable;
  supervision_case_attachment: SupervisionCaseAttachmentTable;
  supervision_sanction: SupervisionSanctionTable;
  institution_inspection: InstitutionInspectionTable;
  institution_rating: InstitutionRatingTable;
  high_skill_base: HighSkillBaseTable;
  review_agency_contract: ReviewAgencyContractTable;
  review_agency_evaluation: ReviewAgencyEvaluationTable;
}
