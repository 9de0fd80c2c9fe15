/**
 * Request and response of the subsidy evaluation API, version 1 (the published contract in
 * shared/domain/evaluate-api.md). Field names and codes are frozen: fields may be added, never
 * renamed or dropped. Money is an integer number of fen; dates are ISO `YYYY-MM-DD`; every
 * start/end pair is inclusive.
 */

export type {
  CertificateType,
  EmployerFlag,
  EmployerSize,
  GroupCode,
  Level,
  SubsidyKind,
} from '../shared/vocabulary.ts';
export {
  CERTIFICATE_TYPES,
  EMPLOYER_FLAGS,
  EMPLOYER_SIZES,
  GROUP_CODES,
  LEVELS,
  SUBSIDY_KINDS,
} from '../shared/vocabulary.ts';

import type {
  CertificateType,
  EmployerFlag,
  EmployerSize,
  GroupCode,
  Level,
  SubsidyKind,
} from '../shared/vocabulary.ts';

export const MODES = ['full', 'advance'] as const;
export type EvaluationMode = (typeof MODES)[number];

export const PAYEES = ['person', 'enterprise', 'institution', 'evaluation_org'] as const;
export type Payee = (typeof PAYEES)[number];

/**
 * Denial codes of vocabulary.md, plus three this engine adds where no listed code fits:
 * ADVANCE_NOT_ALLOWED (预拨 asked for a training that is neither enterprise nor project-based),
 * CERTIFICATE_NOT_ELIGIBLE (the certificate type/level/issue has no subsidy standard) and
 * OTHER_POLICY_APPLIES (the document hands this case to another or an earlier document — a
 * Chongqing class approved before 2021-03-01, Hengyang's 六（五） groups: not a refusal, the
 * subsidy is decided under that other document, which no pack here holds).
 */
export const DENIAL_CODES = [
  'POLICY_NOT_IN_FORCE',
  'DEADLINE_PASSED',
  'NOT_FILED',
  'GROUP_NOT_ELIGIBLE',
  'PENSIONER_EXCLUDED',
  'EMPLOYER_NOT_ELIGIBLE',
  'CONTRACT_TOO_SHORT',
  'ANNUAL_LIMIT_REACHED',
  'DUPLICATE_OCCUPATION_LEVEL',
  'CERTIFICATE_ALREADY_SUBSIDIZED',
  'DUPLICATE_SUBSIDY',
  'OVERLAPPING_TRAINING',
  'REQUIRED_CERTIFICATE_MISSING',
  'DURATION_OUT_OF_RANGE',
  'RATE_OUT_OF_RANGE',
  'NOT_IN_CATALOG',
  'MISSING_INPUT',
  'ADVANCE_NOT_ALLOWED',
  'CERTIFICATE_NOT_ELIGIBLE',
  'OTHER_POLICY_APPLIES',
] as const;
export type DenialCode = (typeof DENIAL_CODES)[number];

/** Document number and article, e.g. `{ doc: '衡人社发【2019】21号', article: '六（二）' }`. */
export interface Citation {
  doc: string;
  article: string;
}

export interface PersonFacts {
  groups?: GroupCode[];
  graduationDate?: string;
  receivesPension?: boolean;
  relativeOfGroups?: GroupCode[];
}

export interface EmploymentFacts {
  employerSize?: EmployerSize;
  employerFlags?: EmployerFlag[];
  contractMonths?: number;
  /** First day of continuous work at this employer (inclusive). */
  start?: string;
  /** Last day of continuous work at this employer (inclusive). */
  end?: string;
  /**
   * Added field: the calendar months (`YYYY-MM`) the social-insurance contribution list shows a
   * contribution above zero by this employer for this person (大数据比对). When given, a whole
   * month of work is paid only when the calendar month it ends in is listed; the others are
   * named on the line and not paid. Claims always give it; a bare calculation may leave it out.
   */
  verifiedMonths?: string[];
}

export interface TrainingFacts {
  filed?: boolean;
  /** Added field: the day the class was approved (开班审核通过); Chongqing keeps the old policy before 2021-03-01. */
  approvedOn?: string;
  occupationCode?: string;
  newOccupation?: boolean;
  inCatalog?: boolean;
  level?: Level;
  start?: string;
  end?: string;
  offlineDays?: number;
  onlineDays?: number;
  classHours?: number;
  /** Added field: the class hours the class's schedule has for the trainee (attendance share = classHours / this). */
  scheduledClassHours?: number;
  months?: number;
  dailyRateFen?: number;
  onlineDailyRateFen?: number;
  catalogStandardFen?: number;
  projectBased?: boolean;
}

export interface CertificateFacts {
  type?: CertificateType;
  level?: Level;
  number?: string;
  firstIssue?: boolean;
}

/** One earlier subsidy of the person, as the real-name system records it. */
export interface HistoryEntry {
  date: string;
  subsidy: SubsidyKind;
  occupationCode?: string;
  level?: Level;
  certificateNumber?: string;
  start?: string;
  end?: string;
}

export interface EvaluateRequest {
  region: string;
  date: string;
  subsidy: SubsidyKind;
  mode?: EvaluationMode;
  person?: PersonFacts;
  employment?: EmploymentFacts;
  training?: TrainingFacts;
  certificate?: CertificateFacts;
  history?: HistoryEntry[];
}

export interface DecisionLine {
  item: string;
  amountFen: number;
  basis: string;
  citation: Citation;
  /** Added field: the inclusive period a line pays for (以工代训: the whole months paid). */
  period?: { start: string; end: string };
  /**
   * Added field: the fund a line is paid from when the document names one other than the
   * special account — Hengyang 七 and Jiangsu （十三） pay living allowances from 就业补助资金.
   */
  fundingSource?: FundingSource;
  fundingCitation?: Citation;
}

/** `special_account` 职业技能提升行动专账；`employment_subsidy_fund` 就业补助资金. */
export const FUNDING_SOURCES = ['special_account', 'employment_subsidy_fund'] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

export interface Denial {
  code: DenialCode;
  message: string;
  /** Added field: the request field (or parameter id) a MISSING_INPUT denial is about. */
  field?: string;
  citation?: Citation;
}

/** Added field: one parameter value a decision used, so a stored decision can be traced. */
export interface ParameterVersionUsed {
  id: string;
  effectiveFrom: string;
  /** Where the value came from: the pack's data file or a version published in the database. */
  source: 'pack' | 'published';
}

export interface EvaluateResponse {
  /** Id of the policy pack that decided; null when no pack covers the region. */
  policy: string | null;
  eligible: boolean;
  amountFen: number;
  payee: Payee;
  countsTowardAnnualLimit: boolean;
  lines: DecisionLine[];
  denials: Denial[];
  warnings: string[];
  parameterVersions: ParameterVersionUsed[];
  /**
   * Added field: how a person should read the answer. `eligible`: due as computed;
   * `not_eligible`: refused; `missing_input`: nothing refused yet, a fact is missing (see the
   * MISSING_INPUT denials); `other_policy`: decided under another or an earlier document
   * (OTHER_POLICY_APPLIES) — not a refusal.
   */
  outcome: EvaluationOutcome;
  /** Added field: the article that makes `payee` who it is, where a document says (直补企业). */
  payeeCitation?: Citation;
}

export const OUTCOMES = ['eligible', 'not_eligible', 'missing_input', 'other_policy'] as const;
export type EvaluationOutcome = (typeof OUTCOMES)[number];

/** The outcome a set of denials means (see `EvaluateResponse.outcome`). */
export function outcomeOf(denials: readonly Denial[]): EvaluationOutcome {
  if (denials.length === 0) return 'eligible';
  if (denials.some((denial) => denial.code === 'OTHER_POLICY_APPLIES')) return 'other_policy';
  if (denials.every((denial) => denial.code === 'MISSING_INPUT')) return 'missing_input';
  return 'not_eligible';
}
