/** Shapes of the API answers the workbench reads (see /api/docs/json). */
import type { EvaluateResponse } from './pages/public/Calculator.tsx';

export interface ClaimSummary {
  id: number;
  claimNumber: string;
  regionCode: string;
  subsidyKind: string;
  mode: string;
  applicantKind: string;
  applicantOrganisationId: number | null;
  classId: number | null;
  applicationDate: string;
  status: string;
  totalAmountFen: number;
  lineCount: number;
  eligibleLineCount: number;
  noticeStartsOn: string | null;
  noticeEndsOn: string | null;
  lastReason: string | null;
  reviewedByUserId: number | null;
  approvedByUserId: number | null;
  isRiskBlocked: boolean;
  createdAt: string;
}

export interface ClaimLine {
  id: number;
  lineNumber: number;
  subject: string;
  personId: number | null;
  isEligible: boolean;
  amountFen: number;
  payee: string;
  payeeOrganisationId: number | null;
  payeePersonId: number | null;
  status: 'active' | 'excluded';
  excludedReason: string | null;
  /** The facts the engine was given, frozen with the decision (used by the simulation screen). */
  request?: unknown;
  decision: EvaluateResponse;
}

export interface ClaimDetail extends ClaimSummary {
  lines: ClaimLine[];
  transitions: {
    action: string;
    fromStatus: string;
    toStatus: string;
    actorUserId: number | null;
    actorRole: string | null;
    reason: string | null;
    occurredAt: string;
  }[];
}

export interface TrainingClass {
  id: number;
  regionCode: string;
  institutionId: number;
  classCode: string | null;
  name: string;
  occupationCode: string;
  level: string;
  subsidyKind: string;
  capacity: number;
  startsAt: string;
  endsAt: string;
  status: string;
  filedAt: string;
  approvedAt: string | null;
  decisionNote: string | null;
  isFiled: boolean;
  teachers?: { name: string; qualification?: string }[];
  sessions?: {
    id: number;
    sessionNumber: number;
    startsAt: string;
    endsAt: string;
    mode: string;
    classHours: number;
    topic: string;
    location: string | null;
  }[];
}

export interface Person {
  id: number;
  name: string;
  idNumber: string;
  phone: string | null;
  sex?: string;
  birthDate?: string;
  regionCode?: string;
  registeringRegionCode?: string;
  groups: { groupCode: string; validFrom: string; validTo: string | null }[];
}

export interface Account {
  id: number;
  provinceCode: string;
  regionCode: string;
  kind: string;
  balanceFen: number;
  debitsPostedFen: number;
  creditsPostedFen: number;
}

export interface Region {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}

/** One item of a claim's materials checklist (申报材料清单), with what has been uploaded to it. */
export interface MaterialItem {
  code: string;
  label: string;
  isRequired: boolean;
  /** Why it is required, or why it is waived. */
  note: string;
  citation: { doc: string; article?: string } | null;
  attachments: {
    id: number;
    fileName: string;
    contentType: string;
    sizeBytes: number;
    sha256: string;
    uploadedAt: string;
  }[];
}
