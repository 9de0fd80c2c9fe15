import type { Generated } from 'kysely';

export interface TrainingClassTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  institution_id: number;
  class_code: string | null;
  name: string;
  occupation_code: string;
  level: string;
  subsidy_kind: Generated<string>;
  catalog_entry_id: number | null;
  capacity: number;
  starts_at: Date;
  ends_at: Date;
  teaching_plan: unknown;
  teachers: unknown;
  assessment_plan: unknown;
  status: Generated<'filed' | 'approved' | 'rejected' | 'completed' | 'cancelled'>;
  filed_at: Generated<Date>;
  /** The business date of the filing (business clock); filed_at is the system's record time. */
  filed_on: string | null;
  filed_by_user_id: number | null;
  approved_at: Date | null;
  approved_by_user_id: number | null;
  decision_note: string | null;
  created_at: Generated<Date>;
}

export interface ClassSessionTable {
  id: Generated<number>;
  province_code: string;
  class_id: number;
  session_number: number;
  starts_at: Date;
  ends_at: Date;
  mode: 'offline' | 'online';
  class_hours: number;
  topic: string;
  location: string | null;
}

export interface EnrolmentTable {
  id: Generated<number>;
  province_code: string;
  class_id: number;
  person_id: number;
  person_province_code: string;
  status: Generated<'enrolled' | 'withdrawn'>;
  enrolled_at: Generated<Date>;
}

export interface AttendanceTable {
  id: Generated<number>;
  province_code: string;
  class_id: number;
  session_id: number;
  person_id: number;
  sign_in_at: Date | null;
  sign_in_method: string | null;
  sign_in_latitude: number | null;
  sign_in_longitude: number | null;
  sign_out_at: Date | null;
  sign_out_method: string | null;
  sign_out_latitude: number | null;
  sign_out_longitude: number | null;
}

export interface ExamResultTable {
  id: Generated<number>;
  province_code: string;
  class_id: number;
  person_id: number;
  /** numeric(5,2): read back as text. */
  score: string | number;
  is_passed: boolean;
  exam_date: string;
  recorded_at: Generated<Date>;
}

export interface CertificateTable {
  id: Generated<number>;
  province_code: string;
  person_id: number;
  person_province_code: string;
  class_id: number | null;
  certificate_type: string;
  level: string | null;
  occupation_code: string | null;
  certificate_number: string;
  issuer: string;
  issuer_organisation_id: number | null;
  issued_on: string;
  created_at: Generated<Date>;
  revoked_on: Generated<string | null>;
  revoked_reason: Generated<string | null>;
  revoked_by_user_id: Generated<number | null>;
  assessment_id: Generated<number | null>;
}

export interface AssessmentTable {
  id: Generated<number>;
  province_code: string;
  organisation_id: number;
  occupation_code: string;
  level: string;
  assessed_on: string;
  created_by_user_id: number | null;
  created_at: Generated<Date>;
}

export interface AssessmentResultTable {
  id: Generated<number>;
  province_code: string;
  assessment_id: number;
  person_id: number;
  person_province_code: string;
  /** numeric(5,2): read back as text. */
  score: string | number;
  is_passed: boolean;
  recorded_at: Generated<Date>;
}

export interface TrainingTables {
  training_class: TrainingClassTable;
  class_session: ClassSessionTable;
  enrolment: EnrolmentTable;
  attendance: AttendanceTable;
  exam_result: ExamResultTable;
  certificate: CertificateTable;
  assessment: AssessmentTable;
  assessment_result: AssessmentResultTable;
}
