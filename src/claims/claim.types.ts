import type { EvaluateRequest, EvaluateResponse, SubsidyKind } from '../policy/evaluate.types.ts';
import type { Organisation } from '../registry/organisation.service.ts';
import type { ClaimStatus } from './claim.workflow.ts';

export type ApplicantKind = 'institution' | 'enterprise' | 'evaluation_org' | 'person';

/** Where the lines of a new claim come from. */
export type ClaimSource =
  | { source: 'class'; classId: number; subsidyKind: SubsidyKind }
  | { source: 'certificates'; certificateIds: number[] }
  | { source: 'employment'; employmentIds: number[] };

/** The applicant's receiving account (开户银行及账号), printed on the payment instruction. */
export interface PayeeAccount {
  bankName: string;
  accountNumber: string;
}

export interface NewClaim {
  applicationDate: string;
  payeeAccount: PayeeAccount;
  mode?: 'full' | 'advance';
  /** Settles this earlier advance (预拨) claim of the same class against the final amount. */
  advanceClaimId?: number;
  claim: ClaimSource;
}

/**
 * One person's part of a claim before the engine decides it: the facts from the real-name
 * records (never from the caller), and who would be paid.
 */
export interface LineCandidate {
  subject: string;
  personId: number;
  personProvinceCode: string;
  certificateId: number | null;
  employmentId: number | null;
  /** The evaluation request without `history`, which is always read from the database. */
  request: EvaluateRequest;
  payeeIds: { institution: number | null; enterprise: number | null; evaluation_org: number | null };
}

/** The facts and origin of a whole claim, produced by a claim source. */
export interface ClaimDraft {
  regionCode: string;
  provinceCode: string;
  subsidyKind: SubsidyKind;
  applicantKind: ApplicantKind;
  applicantOrganisationId: number | null;
  classId: number | null;
  candidates: LineCandidate[];
  /** The applicant organisation as the source read it (its standing is checked from it). */
  applicant?: Organisation;
  /** The class's name, for a class claim. */
  className?: string;
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
  countsTowardAnnualLimit: boolean;
  status: 'active' | 'excluded';
  excludedReason: string | null;
  /** The facts the engine was given (history included), frozen with the decision. */
  request: EvaluateRequest;
  /** The engine's whole answer: policy pack, parameter versions, lines with citations, denials. */
  decision: EvaluateResponse;
}

export interface ClaimSummary {
  id: number;
  claimNumber: string;
  regionCode: string;
  subsidyKind: string;
  mode: string;
  applicantKind: ApplicantKind;
  applicantOrganisationId: number | null;
  classId: number | null;
  applicationDate: string;
  status: ClaimStatus;
  totalAmountFen: number;
  lineCount: number;
  eligibleLineCount: number;
  noticeStartsOn: string | null;
  noticeEndsOn: string | null;
  lastReason: string | null;
  paymentBatchId: number | null;
  reviewedByUserId: number | null;
  approvedByUserId: number | null;
  isRiskBlocked: boolean;
  createdAt: string;
}

export interface ClaimDetail extends ClaimSummary {
  /** The class the claim is for, by name (a reader follows the link, not an id). */
  className: string | null;
  lines: ClaimLine[];
  transitions: {
    action: string;
    fromStatus: string;
    toStatus: string;
    actorUserId: number | null;
    actorRole: string | null;
    reason: string | null;
    occurredAt: string;
    /** The business date of the step; occurredAt is the system's record time. */
    businessDate: string | null;
  }[];
}
