import type {
  CertificateFacts,
  CertificateType,
  EmployerFlag,
  EmployerSize,
  EmploymentFacts,
  GroupCode,
  Level,
  PersonFacts,
  TrainingFacts,
} from '../policy/evaluate.types.ts';

/**
 * Facts → evaluation request, the one builder of both claim paths (issue 16): the interactive
 * class claim (claim.training-sources.ts classDraft) and the batch (claim.batch.ts
 * adjudicateClassBatch) read their facts differently (one class through the services, thousands
 * of classes set-based) but turn them into request members here, so the two cannot drift.
 * Pure: no database, no clock.
 */

/** Class hours per training day for the day-rate formulas (渝人社发〔2021〕12号 二: 6 课时 = 1 天). */
export const CLASS_HOURS_PER_DAY = 6;

/** A group certification of a person (person_group). */
export interface GroupCertification {
  groupCode: string;
  validFrom: string;
  validTo: string | null;
}

/**
 * The person's facts on a date, from the real-name record: the groups whose certification is
 * valid that day, the pension status, and the graduation date (the start of a recent-graduate
 * or graduating-student certification, which HRSS records from the diploma).
 */
export function personFacts(
  groups: readonly GroupCertification[],
  pensionStatus: string | null,
  date: string,
): PersonFacts {
  const valid = groups.filter(
    (group) => group.validFrom <= date && (group.validTo === null || group.validTo >= date),
  );
  const facts: PersonFacts = {
    groups: [...new Set(valid.map((group) => group.groupCode as GroupCode))],
    receivesPension: pensionStatus === 'receiving',
  };
  const graduate = groups.find(
    (group) => group.groupCode === 'recent_graduate' || group.groupCode === 'graduating_student',
  );
  if (graduate) facts.graduationDate = graduate.validFrom;
  return facts;
}

/** The employer's facts: its size and flags, and the employment record's contract and dates. */
export function employmentFacts(input: {
  enterpriseSize: string | null;
  employerFlags: readonly string[] | null;
  contractMonths: number;
  start: string;
  end: string | null;
}): EmploymentFacts {
  const facts: EmploymentFacts = {
    ...(input.enterpriseSize ? { employerSize: input.enterpriseSize as EmployerSize } : {}),
    employerFlags: (input.employerFlags ?? []) as EmployerFlag[],
    contractMonths: input.contractMonths,
    start: input.start,
  };
  if (input.end) facts.end = input.end;
  return facts;
}

/** What a class and its catalog entry say of the training, the same for each of its trainees. */
export function classTrainingFacts(input: {
  isFiled: boolean;
  occupationCode: string;
  level: string;
  start: string;
  end: string;
  approvedOn: string | null;
  catalogEntry: { standardAmountFen: number; standardDays: number; isNewOccupation: boolean } | undefined;
}): TrainingFacts {
  const entry = input.catalogEntry;
  const training: TrainingFacts = {
    filed: input.isFiled,
    occupationCode: input.occupationCode,
    inCatalog: entry !== undefined,
    newOccupation: entry?.isNewOccupation ?? false,
    level: input.level as Level,
    start: input.start,
    end: input.end,
    projectBased: false,
  };
  if (input.approvedOn) training.approvedOn = input.approvedOn;
  if (entry) {
    training.catalogStandardFen = entry.standardAmountFen;
    training.dailyRateFen = Math.round(entry.standardAmountFen / entry.standardDays);
  }
  return training;
}

/** A trainee's attended class hours as the request's days (6 class hours a day) and hours. */
export function attendanceFacts(hours: { offlineClassHours: number; onlineClassHours: number }) {
  return {
    offlineDays: Math.floor(hours.offlineClassHours / CLASS_HOURS_PER_DAY),
    onlineDays: Math.floor(hours.onlineClassHours / CLASS_HOURS_PER_DAY),
    classHours: hours.offlineClassHours + hours.onlineClassHours,
  };
}

/** A certificate the trainee obtained, as the request's certificate (its first issue). */
export function certificateFacts(certificate: {
  type: string;
  level: string | null;
  number: string;
}): CertificateFacts {
  return {
    type: certificate.type as CertificateType,
    ...(certificate.level ? { level: certificate.level as Level } : {}),
    number: certificate.number,
    firstIssue: true,
  };
}
