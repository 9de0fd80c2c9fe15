import type { Executor } from '../db/database.ts';
import { type RowsOf, type Statement, sendTogether } from '../db/together.ts';
import { publishedParameterInForce } from '../policy/parameter.query.ts';
import { getOrganisation } from '../registry/organisation.service.ts';
import {
  personGroupsFrom,
  personGroupsQuery,
  personsByIdsQuery,
  toRecord,
} from '../registry/person.repository.ts';
import { getPerson, type Person } from '../registry/person.service.ts';
import { notFound } from '../shared/errors.ts';
import {
  rosterAttendanceFrom,
  rosterAttendanceQueries,
  type TraineeAttendance,
  traineeAttendance,
} from './attendance.service.ts';
import {
  type Certificate,
  certificatesOfClassQuery,
  certificatesOfPerson,
  type ExamResult,
  examResultsQuery,
  listExamResults,
  toCertificate,
  toExamResult,
} from './certificate.service.ts';
import {
  type ClassRow,
  chinaDate,
  classRowQuery,
  classSessionsQuery,
  classWithSessions,
  getClass,
  type TrainingClass,
} from './class.service.ts';

/**
 * Online hours credited for a class: at most `maxSharePercent` of (offline + credited online);
 * all of them when the document in force sets no share (undefined). The share is the pack's
 * `online.maxSharePercent` (Chongqing 渝人社发〔2021〕12号 二: 30 %), asked of the policy service.
 */
export function creditedOnlineHours(
  maxSharePercent: number | undefined,
  offlineClassHours: number,
  onlineClassHours: number,
): number {
  if (maxSharePercent === undefined) return onlineClassHours;
  if (maxSharePercent >= 100) return onlineClassHours;
  const cap = Math.floor((offlineClassHours * maxSharePercent) / (100 - maxSharePercent));
  return Math.min(onlineClassHours, cap);
}

/** A subsidy paid to or for the person, as the claims domain reports it. */
export interface ArchiveSubsidy {
  claimId: number;
  claimNumber: string;
  /** The claim's workflow state (submitted, in_notice, paid…): the worker follows it here. */
  status: string;
  subsidyKind: string;
  amountFen: number;
  /** The business date the payment was ordered on, once the claim is paid. */
  paidOn: string | null;
  classId: number | null;
  certificateId: number | null;
}

/**
 * Reads the subsidies of a person: the claims domain implements it
 * (claims/claim.repository.ts `selectSubsidiesOfPerson`) and src/api/routes.ts hands it to the
 * training routes, so every path that builds an archive must say where subsidies come from.
 */
export type SubsidyHistorySource = (executor: Executor, personId: number) => Promise<ArchiveSubsidy[]>;

export interface ArchiveClass {
  classId: number;
  classCode: string | null;
  name: string;
  occupationCode: string;
  level: string;
  institutionId: number;
  institutionName: string | null;
  regionCode: string;
  startsAt: Date;
  endsAt: Date;
  status: TrainingClass['status'];
  isFiled: boolean;
  attendance: Omit<TraineeAttendance, 'personId'>;
  creditedClassHours: number;
  result: Omit<ExamResult, 'classId' | 'personId'> | null;
}

/** 电子培训档案: every class, attendance total, certificate and subsidy, and accumulated credits. */
export interface PersonArchive {
  person: Person;
  classes: ArchiveClass[];
  certificates: Certificate[];
  subsidies: ArchiveSubsidy[];
  credits: {
    offlineClassHours: number;
    onlineClassHours: number;
    creditedOnlineClassHours: number;
    /** Offline hours plus credited online hours. */
    totalCreditedClassHours: number;
  };
}

export async function getPersonArchive(
  executor: Executor,
  personId: number,
  subsidyHistory: SubsidyHistorySource,
): Promise<PersonArchive> {
  const person = await getPerson(executor, personId);
  if (!person) throw notFound('人员', personId);
  const enrolments = await executor
    .selectFrom('enrolment')
    .select('class_id')
    .where('person_id', '=', personId)
    .where('status', '=', 'enrolled')
    .orderBy('id')
    .execute();
  const classes: ArchiveClass[] = [];
  const credits = {
    offlineClassHours: 0,
    onlineClassHours: 0,
    creditedOnlineClassHours: 0,
    totalCreditedClassHours: 0,
  };
  for (const { class_id: classId } of enrolments) {
    const trainingClass = (await getClass(executor, classId))!;
    const summary = await traineeAttendance(executor, trainingClass, personId);
    const result = (await listExamResults(executor, classId)).find((entry) => entry.personId === personId);
    const institution = await getOrganisation(executor, trainingClass.institutionId);
    const onlineShare = await publishedParameterInForce(
      executor,
      trainingClass.regionCode,
      chinaDate(trainingClass.startsAt),
      'online.maxSharePercent',
    );
    const creditedOnline = creditedOnlineHours(
      typeof onlineShare?.value === 'number' ? onlineShare.value : undefined,
      summary.offlineClassHours,
      summary.onlineClassHours,
    );
    const { personId: _personId, ...attendance } = summary;
    classes.push({
      classId,
      classCode: trainingClass.classCode,
      name: trainingClass.name,
      occupationCode: trainingClass.occupationCode,
      level: trainingClass.level,
      institutionId: trainingClass.institutionId,
      institutionName: institution?.name ?? null,
      regionCode: trainingClass.regionCode,
      startsAt: trainingClass.startsAt,
      endsAt: trainingClass.endsAt,
      status: trainingClass.status,
      isFiled: trainingClass.isFiled,
      attendance,
      creditedClassHours: summary.offlineClassHours + creditedOnline,
      result: result ? { score: result.score, isPassed: result.isPassed, examDate: result.examDate } : null,
    });
    credits.offlineClassHours += summary.offlineClassHours;
    credits.onlineClassHours += summary.onlineClassHours;
    credits.creditedOnlineClassHours += creditedOnline;
  }
  credits.totalCreditedClassHours = credits.offlineClassHours + credits.creditedOnlineClassHours;
  return {
    person,
    classes,
    certificates: await certificatesOfPerson(executor, personId),
    subsidies: await subsidyHistory(executor, personId),
    credits,
  };
}

export interface ClaimTrainee {
  person: Person;
  attendance: TraineeAttendance;
  result: ExamResult | null;
  certificates: Certificate[];
}

/** Everything the claims engine needs about a class, in one read. */
export interface ClassForClaim {
  trainingClass: TrainingClass;
  regionCode: string;
  provinceCode: string;
  approvedAt: Date | null;
  startsAt: Date;
  /** approvedAt < startsAt (开班备案 before the start). */
  isFiled: boolean;
  trainees: ClaimTrainee[];
}

/**
 * Reads a class for a claim in three round trips (src/db/together.ts): the class's row; its
 * sessions, roster, attendance, results and certificates with the caller's `withClass` statements
 * (which may use the row); the trainees with their groups and the caller's `withTrainees`
 * statements (given the trainees' ids; sent only when there are trainees, else their rows are
 * empty). The rows of the caller's statements come back beside the class.
 */
export async function getClassForClaim<
  const C extends readonly Statement[] = [],
  const T extends readonly Statement[] = [],
>(
  executor: Executor,
  classId: number,
  also: {
    withClass?: (row: ClassRow) => C;
    withTrainees?: (row: ClassRow, personIds: readonly number[]) => T;
  } = {},
): Promise<ClassForClaim & { withClass: RowsOf<C>; withTrainees: RowsOf<T> | undefined }> {
  const row = await classRowQuery(executor, classId).executeTakeFirst();
  if (!row) throw notFound('培训班', classId);
  const [sessionRows, rosterRows, attendanceRows, resultRows, certificateRows, ...withClass] =
    await sendTogether(executor, [
      classSessionsQuery(executor, row),
      ...rosterAttendanceQueries(executor, row),
      examResultsQuery(executor, classId, row.province_code),
      certificatesOfClassQuery(executor, classId, row.province_code),
      ...(also.withClass?.(row) ?? []),
    ]);
  const trainingClass = classWithSessions(row, sessionRows);
  const attendance = rosterAttendanceFrom(trainingClass, rosterRows, attendanceRows);
  const results = resultRows.map(toExamResult);
  // A revoked certificate is no certificate for a claim (its line would be held again at once).
  const certificates = certificateRows
    .map(toCertificate)
    .filter((certificate) => certificate.revokedOn === null);
  const personIds = attendance.map((entry) => entry.personId);
  let persons = new Map<number, Person>();
  let withTrainees: unknown[][] | undefined;
  if (personIds.length > 0) {
    const [personRows, groupRows, ...rest] = await sendTogether(executor, [
      personsByIdsQuery(executor, personIds),
      personGroupsQuery(executor, personIds),
      ...(also.withTrainees?.(row, personIds) ?? []),
    ]);
    const groups = personGroupsFrom(groupRows);
    persons = new Map(
      personRows
        .map(toRecord)
        .map((record) => [record.id, { ...record, groups: groups.get(record.id) ?? [] }]),
    );
    withTrainees = rest;
  }
  return {
    withClass: withClass as RowsOf<C>,
    withTrainees: withTrainees as RowsOf<T> | undefined,
    trainingClass,
    regionCode: trainingClass.regionCode,
    provinceCode: trainingClass.provinceCode,
    approvedAt: trainingClass.approvedAt,
    startsAt: trainingClass.startsAt,
    isFiled: trainingClass.isFiled,
    trainees: attendance.map((entry) => ({
      person: persons.get(entry.personId)!,
      attendance: entry,
      result: results.find((result) => result.personId === entry.personId) ?? null,
      certificates: certificates.filter((certificate) => certificate.personId === entry.personId),
    })),
  };
}
