import { CompiledQuery } from 'kysely';
import type { Executor } from '../db/database.ts';
import { sendTogether } from '../db/together.ts';
import type { DenialCode, EvaluateResponse, SubsidyKind } from '../policy/evaluate.types.ts';
import type { SubsidyUsageTable } from './claims.table.ts';

/** Subsidy kinds that pay for a training (and so use its certificate and occupation+level). */
const TRAINING_KINDS: readonly SubsidyKind[] = [
  'training',
  'safety_training',
  'apprenticeship',
  'directed_training',
  'technician_training',
  'insured_skill_upgrade',
];

export interface UsageClaim {
  kind: SubsidyUsageTable['kind'];
  provinceCode: string;
  usageKey: string;
  /** The denial a second, racing use of the same entitlement receives. */
  denial: DenialCode;
}

export interface UsageSubject {
  subsidyKind: SubsidyKind;
  personId: number;
  personProvinceCode: string;
  applicationDate: string;
  certificateId: number | null;
  occupationCode: string | null;
  level: string | null;
  periodStart: string | null;
  periodEnd: string | null;
}

/** Months `YYYY-MM` from the month of `start` to the month of `end`, inclusive. */
export function monthsBetween(start: string, end: string): string[] {
  const months: string[] = [];
  let year = Number(start.slice(0, 4));
  let month = Number(start.slice(5, 7));
  const lastYear = Number(end.slice(0, 4));
  const lastMonth = Number(end.slice(5, 7));
  while (year < lastYear || (year === lastYear && month <= lastMonth)) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/**
 * The calendar months in which the whole months of a 以工代训 period end: a period paid from
 * the 15th ends each month on the 14th of the next, so two consecutive claims of one employment
 * (15 March–14 June, then 15 June on) never share a key, while two claims of the same months do.
 */
export function paidMonthKeys(start: string, end: string): string[] {
  const months = monthsBetween(start, end);
  return start.endsWith('-01') ? months : months.slice(1);
}

/**
 * The limited entitlements an eligible line uses, besides the yearly slot (which is chosen at
 * reservation time). Their keys are unique in subsidy_usage, so two racing claims cannot both
 * take one.
 *
 * A training line's certificate is not reserved on its own when the line reserves its person's
 * occupation and level: the certificate of a training claim is always its class's own (the class
 * claim and the batch read `certificate.class_id`), and a certificate belongs to one person and
 * one class, whose occupation and level are fixed, so any two training lines naming one
 * certificate also share the `person:occupation:level` key — the certificate's row would only
 * repeat it (one row in three of the batch path's reservations, issue 22). A certificate subsidy
 * (取证补贴) keeps its own key.
 */
export function entitlementsOf(subject: UsageSubject, decision: EvaluateResponse): UsageClaim[] {
  if (!decision.eligible) return [];
  const claims: UsageClaim[] = [];
  const isTraining = TRAINING_KINDS.includes(subject.subsidyKind);
  const reservesOccupationLevel = isTraining && Boolean(subject.occupationCode && subject.level);
  if (
    subject.certificateId !== null &&
    ((isTraining && !reservesOccupationLevel) || subject.subsidyKind === 'certificate')
  ) {
    claims.push({
      kind: 'certificate',
      // Keyed in the holder's province, like the other entitlements of that person.
      provinceCode: subject.personProvinceCode,
      usageKey: `${subject.certificateId}:${isTraining ? 'training' : 'certificate'}`,
      denial: 'CERTIFICATE_ALREADY_SUBSIDIZED',
    });
  }
  if (reservesOccupationLevel) {
    claims.push({
      kind: 'occupation_level',
      provinceCode: subject.personProvinceCode,
      usageKey: `${subject.personId}:${subject.occupationCode!}:${subject.level!}`,
      denial: 'DUPLICATE_OCCUPATION_LEVEL',
    });
  }
  if (subject.subsidyKind === 'on_the_job_training' && subject.periodStart && subject.periodEnd) {
    for (const month of paidMonthKeys(subject.periodStart, subject.periodEnd)) {
      claims.push({
        kind: 'ojt_month',
        provinceCode: subject.personProvinceCode,
        usageKey: `${subject.personId}:${month}`,
        denial: 'OVERLAPPING_TRAINING',
      });
    }
  }
  return claims;
}

export const ANNUAL_SLOTS = 3;

export interface Owner {
  claimId: number;
  claimProvinceCode: string;
  claimLineId: number;
}

/** Inserts one usage; false when another claim already holds it (after that claim commits). */
async function take(executor: Executor, usage: Omit<UsageClaim, 'denial'>, owner: Owner): Promise<boolean> {
  const inserted = await executor
    .insertInto('subsidy_usage')
    .values({
      province_code: usage.provinceCode,
      kind: usage.kind,
      usage_key: usage.usageKey,
      claim_id: owner.claimId,
      claim_province_code: owner.claimProvinceCode,
      claim_line_id: owner.claimLineId,
    })
    .onConflict((conflict) => conflict.columns(['province_code', 'kind', 'usage_key']).doNothing())
    .returning('usage_key')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Reserves everything an eligible line uses. Returns the denial code of the first entitlement
 * another claim holds (releasing what this line took), or null when all were reserved.
 */
export async function reserveUsage(
  executor: Executor,
  subject: UsageSubject,
  decision: EvaluateResponse,
  owner: Owner,
): Promise<DenialCode | null> {
  if (!decision.eligible) return null;
  for (const usage of entitlementsOf(subject, decision)) {
    if (!(await take(executor, usage, owner))) {
      await releaseLineUsage(executor, owner.claimLineId);
      return usage.denial;
    }
  }
  if (decision.countsTowardAnnualLimit) {
    const year = subject.applicationDate.slice(0, 4);
    for (let slot = 1; slot <= ANNUAL_SLOTS; slot += 1) {
      const usage = {
        kind: 'annual_slot' as const,
        provinceCode: subject.personProvinceCode,
        usageKey: `${subject.personId}:${year}:${slot}`,
      };
      if (await take(executor, usage, owner)) return null;
    }
    await releaseLineUsage(executor, owner.claimLineId);
    return 'ANNUAL_LIMIT_REACHED';
  }
  return null;
}

/** One line's part of `reserveLinesTogether`: what `reserveUsage` would be given for it. */
export interface LineReservation {
  subject: UsageSubject;
  decision: EvaluateResponse;
  owner: Owner;
}

/**
 * The savepoint `reserveLinesTogether` opens before its insert. Whoever reserved together ends it
 * with `RELEASE_RESERVATIONS`, sent with its next statement (the savepoint costs no round trip).
 */
const RESERVATIONS_SAVEPOINT = 'claim_reservations';
export const RELEASE_RESERVATIONS = CompiledQuery.raw(`release savepoint ${RESERVATIONS_SAVEPOINT}`);

/** How `reserveLinesTogether` went. */
export interface TogetherReservation {
  /** Every line holds what `reserveUsage`, line after line, would have given it. */
  isReserved: boolean;
  /** A savepoint was opened: end it with `RELEASE_RESERVATIONS`. */
  isSavepointOpen: boolean;
}

/**
 * Reserves what every line of a claim uses in one statement (issue 22: a five-trainee claim sent
 * ten inserts, one round trip each): a multi-row `insert … on conflict do nothing returning`, in
 * the order `reserveUsage` takes them line after line (lines in person order; a line's
 * entitlements, then its yearly slot), each line taking the slot `reserveUsage` would reach first
 * when nothing else holds the person's slots: 1, or 2 for the person's second counted line.
 *
 * When every row is inserted, each line holds exactly what `reserveUsage` would have given it.
 * When one is not (another claim holds it, the slot `reserveUsage` would reach is another, or two
 * lines of the claim share a key), the statement is undone by rolling back to the savepoint taken
 * before it — which also wakes a racing claim waiting on one of its rows, so that no order of
 * waits arises that the sequential path could not produce — and the caller reserves line after
 * line with `reserveUsage`: the line that lost the race is denied as before, with the same reason.
 */
export async function reserveLinesTogether(
  executor: Executor,
  lines: readonly LineReservation[],
): Promise<TogetherReservation> {
  const rows: Array<{
    province_code: string;
    kind: SubsidyUsageTable['kind'];
    usage_key: string;
    claim_id: number;
    claim_province_code: string;
    claim_line_id: number;
  }> = [];
  const slotsTaken = new Map<string, number>();
  for (const { subject, decision, owner } of lines) {
    if (!decision.eligible) continue;
    const ownedBy = {
      claim_id: owner.claimId,
      claim_province_code: owner.claimProvinceCode,
      claim_line_id: owner.claimLineId,
    };
    for (const usage of entitlementsOf(subject, decision))
      rows.push({
        province_code: usage.provinceCode,
        kind: usage.kind,
        usage_key: usage.usageKey,
        ...ownedBy,
      });
    if (decision.countsTowardAnnualLimit) {
      const year = subject.applicationDate.slice(0, 4);
      const person = `${subject.personProvinceCode}:${subject.personId}:${year}`;
      const slot = (slotsTaken.get(person) ?? 0) + 1;
      // A fourth counted line of one person in one year: only the sequential path says why not.
      if (slot > ANNUAL_SLOTS) return { isReserved: false, isSavepointOpen: false };
      slotsTaken.set(person, slot);
      rows.push({
        province_code: subject.personProvinceCode,
        kind: 'annual_slot',
        usage_key: `${subject.personId}:${year}:${slot}`,
        ...ownedBy,
      });
    }
  }
  if (rows.length === 0) return { isReserved: true, isSavepointOpen: false };
  const [, inserted] = await sendTogether(executor, [
    CompiledQuery.raw(`savepoint ${RESERVATIONS_SAVEPOINT}`),
    executor
      .insertInto('subsidy_usage')
      .values(rows)
      .onConflict((conflict) => conflict.columns(['province_code', 'kind', 'usage_key']).doNothing())
      .returning('usage_key'),
  ]);
  if (inserted.length === rows.length) return { isReserved: true, isSavepointOpen: true };
  await executor.executeQuery(CompiledQuery.raw(`rollback to savepoint ${RESERVATIONS_SAVEPOINT}`));
  return { isReserved: false, isSavepointOpen: true };
}

export async function releaseLineUsage(executor: Executor, claimLineId: number): Promise<void> {
  await executor.deleteFrom('subsidy_usage').where('claim_line_id', '=', claimLineId).execute();
}

export async function releaseClaimUsage(
  executor: Executor,
  claimId: number,
  claimProvinceCode: string,
): Promise<void> {
  await releaseClaimUsageQuery(executor, claimId, claimProvinceCode).execute();
}

/** The statement of `releaseClaimUsage` (to send with others: src/db/together.ts). */
export function releaseClaimUsageQuery(executor: Executor, claimId: number, claimProvinceCode: string) {
  return executor
    .deleteFrom('subsidy_usage')
    .where('claim_id', '=', claimId)
    .where('claim_province_code', '=', claimProvinceCode);
}
