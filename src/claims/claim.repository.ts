import { type CompiledQuery, type InferResult, type Selectable, sql } from 'kysely';
import {
  type AuditContext,
  type AuditEntry,
  auditLockKey,
  auditProvinceOf,
  chainedAuditRow,
  lastAuditHashQuery,
} from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { type RowsOf, sendTogether } from '../db/together.ts';
import type {
  EvaluateRequest,
  EvaluateResponse,
  HistoryEntry,
  Level,
  SubsidyKind,
} from '../policy/evaluate.types.ts';
import { withStoredForms } from './claim.stored-form.ts';
import type { ClaimDetail, ClaimLine, ClaimSummary } from './claim.types.ts';
import type { ClaimStatus } from './claim.workflow.ts';
import type { ClaimLineTable, ClaimTable } from './claims.table.ts';

/** Claims whose lines count as received subsidies for the history of later claims. */
export const LIVE_CLAIM_STATUSES: readonly ClaimStatus[] = [
  'submitted',
  'reviewed',
  'in_notice',
  'approved',
  'payment_ordered',
  'paid',
  'payment_failed',
];

/** People's eligible, active lines on live claims: the subsidies they have received. */
function liveLinesOf(executor: Executor, personIds: readonly number[]) {
  return executor
    .selectFrom('claim_line as l')
    .innerJoin('claim as c', (join) =>
      join.onRef('c.id', '=', 'l.claim_id').onRef('c.province_code', '=', 'l.province_code'),
    )
    .where('l.person_id', 'in', [...personIds])
    .where('l.is_eligible', '=', true)
    .where('l.status', '=', 'active')
    .where('c.status', 'in', LIVE_CLAIM_STATUSES as ClaimStatus[])
    .orderBy('c.application_date')
    .orderBy('l.id');
}

/**
 * Each person's earlier subsidies, as the real-name system records them (never from the caller),
 * in one read; every person asked for has an entry, empty when nothing was received.
 */
export async function selectHistories(
  executor: Executor,
  personIds: readonly number[],
  excludeClaimIds: readonly number[],
): Promise<Map<number, HistoryEntry[]>> {
  if (personIds.length === 0) return new Map();
  return historiesFrom(personIds, await historiesQuery(executor, personIds, excludeClaimIds).execute());
}

/** The statement of `selectHistories` (at least one person; to send with others: src/db/together.ts). */
export function historiesQuery(
  executor: Executor,
  personIds: readonly number[],
  excludeClaimIds: readonly number[],
) {
  let query = liveLinesOf(executor, [...new Set(personIds)]).select([
    'l.person_id',
    'c.application_date',
    'c.subsidy_kind',
    'l.occupation_code',
    'l.level',
    'l.period_start',
    'l.period_end',
    'l.request',
  ]);
  if (excludeClaimIds.length > 0) query = query.where('c.id', 'not in', [...excludeClaimIds]);
  return query;
}

/** Each person's history from the rows of `historiesQuery`; every person asked for has an entry. */
export function historiesFrom(
  personIds: readonly number[],
  rows: readonly InferResult<ReturnType<typeof historiesQuery>>[number][],
): Map<number, HistoryEntry[]> {
  const histories = new Map<number, HistoryEntry[]>(personIds.map((personId) => [personId, []]));
  for (const row of rows) {
    const entry: HistoryEntry = { date: row.application_date, subsidy: row.subsidy_kind as SubsidyKind };
    if (row.occupation_code) entry.occupationCode = row.occupation_code;
    if (row.level) entry.level = row.level as Level;
    const certificateNumber = (row.request as EvaluateRequest | null)?.certificate?.number;
    if (certificateNumber) entry.certificateNumber = certificateNumber;
    if (row.period_start) entry.start = row.period_start;
    if (row.period_end) entry.end = row.period_end;
    histories.get(Number(row.person_id))?.push(entry);
  }
  return histories;
}

/** One person's earlier subsidies (`selectHistories` for one). */
export async function selectHistory(
  executor: Executor,
  personId: number,
  excludeClaimIds: readonly number[],
): Promise<HistoryEntry[]> {
  return (await selectHistories(executor, [personId], excludeClaimIds)).get(personId) ?? [];
}

/** Claim numbers are `BT` + region code + year + a six-digit sequence. */
export function claimNumberPrefix(regionCode: string, applicationDate: string): string {
  return `BT${regionCode}${applicationDate.slice(0, 4)}`;
}

/**
 * Takes the transaction-scoped lock of each claim-number prefix (in a fixed order, so two callers
 * never wait on each other crosswise). Held until commit: a concurrent creator in the same region
 * and year reads the sequence only after this transaction's claim is visible.
 */
export async function lockClaimNumberPrefixes(executor: Executor, prefixes: Iterable<string>): Promise<void> {
  const keys = [...new Set(prefixes)].sort().map((prefix) => `claim-number:${prefix}`);
  if (keys.length === 1) {
    await sql`select pg_advisory_xact_lock(hashtext(${keys[0]}))`.execute(executor);
    return;
  }
  // Many prefixes (the batch path): one round trip, taken in the sorted order of the subquery.
  if (keys.length > 1)
    await sql`select count(pg_advisory_xact_lock(hashtext(k.key)))
      from (select key from unnest(${keys}::text[]) with ordinality as u(key, n) order by n) k`.execute(
      executor,
    );
}

const claimNumberLockKey = (prefix: string) => `claim-number:${prefix}`;

/** The highest claim number of a prefix (a subquery or a query of its own). */
function lastClaimNumberQuery(executor: Executor, provinceCode: string, prefix: string) {
  return executor
    .selectFrom('claim')
    .select((eb) => eb.fn.max('claim_number').as('last'))
    .where('province_code', '=', provinceCode)
    .where('claim_number', '>=', `${prefix}000000`)
    .where('claim_number', '<=', `${prefix}999999`);
}

const followingNumber = (prefix: string, last: string | null | undefined) =>
  `${prefix}${String((last ? Number(last.slice(prefix.length)) : 0) + 1).padStart(6, '0')}`;

/** The next free claim number; the caller must be inside a transaction (the lock lasts until commit). */
export async function nextClaimNumber(
  executor: Executor,
  provinceCode: string,
  regionCode: string,
  applicationDate: string,
): Promise<string> {
  const prefix = claimNumberPrefix(regionCode, applicationDate);
  await lockClaimNumberPrefixes(executor, [prefix]);
  const row = await lastClaimNumberQuery(executor, provinceCode, prefix).executeTakeFirst();
  return followingNumber(prefix, row?.last);
}

/**
 * Gives a new claim its number and appends its audit entry in three statements — what
 * `nextClaimNumber`, an update and `recordAudit` do in seven: both locks at once (the claim
 * number's, then the audit chain's, the order every path takes them), the last number and the
 * last hash in one read, the number and the entry in one write. The caller must be inside a
 * transaction (both locks last until commit).
 */
export async function numberClaimAndAudit(
  executor: Executor,
  context: AuditContext,
  claim: {
    id: number;
    provinceCode: string;
    regionCode: string;
    applicationDate: string;
    /** The payee account's ciphertext, bound to the claim's id: written with the number, not by an update of its own. */
    payeeAccountCiphertext?: string | null;
  },
  entryOf: (claimNumber: string) => AuditEntry,
): Promise<string> {
  const [, [last]] = await sendTogether(
    executor,
    claimNumberAndAuditReads(executor, context, claim, entryOf),
  );
  return writeClaimNumberAndAudit(executor, context, claim, last!, entryOf);
}

/**
 * The first two statements of `numberClaimAndAudit`: both locks, then (with a snapshot taken once
 * they are held) the last number and the last hash. To send together (src/db/together.ts), after
 * other statements of the caller's.
 */
export function claimNumberAndAuditReads(
  executor: Executor,
  context: AuditContext,
  claim: { provinceCode: string; regionCode: string; applicationDate: string },
  entryOf: (claimNumber: string) => AuditEntry,
) {
  const prefix = claimNumberPrefix(claim.regionCode, claim.applicationDate);
  const auditProvince = auditProvinceOf(context, entryOf(''));
  return [
    sql`select pg_advisory_xact_lock(hashtext(${claimNumberLockKey(prefix)})),
    pg_advisory_xact_lock(hashtext(${auditLockKey(auditProvince)}))`.compile(executor),
    executor.selectNoFrom(() => [
      lastClaimNumberQuery(executor, claim.provinceCode, prefix).as('last'),
      lastAuditHashQuery(executor, auditProvince).as('hash'),
    ]),
  ] as const;
}

/** The last statement of `numberClaimAndAudit`: the number (and ciphertext) and the audit entry. */
export async function writeClaimNumberAndAudit(
  executor: Executor,
  context: AuditContext,
  claim: {
    id: number;
    provinceCode: string;
    regionCode: string;
    applicationDate: string;
    payeeAccountCiphertext?: string | null;
  },
  last: { last: string | null; hash: string | null },
  entryOf: (claimNumber: string) => AuditEntry,
): Promise<string> {
  const prefix = claimNumberPrefix(claim.regionCode, claim.applicationDate);
  const claimNumber = followingNumber(prefix, last.last);
  await executor
    .with('numbered', (db) =>
      db
        .updateTable('claim')
        .set({
          claim_number: claimNumber,
          ...(claim.payeeAccountCiphertext === undefined
            ? {}
            : { payee_bank_account_ciphertext: claim.payeeAccountCiphertext }),
        })
        .where('id', '=', claim.id)
        .where('province_code', '=', claim.provinceCode),
    )
    .insertInto('audit_log')
    .values(chainedAuditRow(context, entryOf(claimNumber), last.hash ?? null))
    .execute();
  return claimNumber;
}

export function toSummary(row: Selectable<ClaimTable>): ClaimSummary {
  return {
    id: row.id,
    claimNumber: row.claim_number,
    regionCode: row.region_code,
    subsidyKind: row.subsidy_kind,
    mode: row.mode,
    applicantKind: row.applicant_kind,
    applicantOrganisationId: row.applicant_organisation_id,
    classId: row.class_id,
    applicationDate: row.application_date,
    status: row.status as ClaimStatus,
    totalAmountFen: row.total_amount_fen,
    lineCount: row.line_count,
    eligibleLineCount: row.eligible_line_count,
    noticeStartsOn: row.notice_starts_on,
    noticeEndsOn: row.notice_ends_on,
    lastReason: row.last_reason,
    paymentBatchId: row.payment_batch_id,
    reviewedByUserId: row.reviewed_by_user_id,
    approvedByUserId: row.approved_by_user_id,
    isRiskBlocked: row.is_risk_blocked,
    createdAt: row.created_at.toISOString(),
  };
}

export function toLine(row: Selectable<ClaimLineTable>): ClaimLine {
  return {
    id: row.id,
    lineNumber: row.line_number,
    subject: row.subject,
    personId: row.person_id,
    isEligible: row.is_eligible,
    amountFen: row.amount_fen,
    payee: row.payee,
    payeeOrganisationId: row.payee_organisation_id,
    payeePersonId: row.payee_person_id,
    countsTowardAnnualLimit: row.counts_toward_annual_limit,
    status: row.status,
    excludedReason: row.excluded_reason,
    request: row.request as EvaluateRequest,
    decision: row.decision as EvaluateResponse,
  };
}

export async function selectClaimRow(executor: Executor, claimId: number, forUpdate = false) {
  let query = executor.selectFrom('claim').selectAll().where('id', '=', claimId);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function selectClaimDetail(
  executor: Executor,
  claimId: number,
): Promise<ClaimDetail | undefined> {
  const row = await selectClaimRow(executor, claimId);
  if (!row) return undefined;
  // The claim first (its class names the third read), then the rest in one round trip.
  const [, lines, transitions, className] = claimDetailQueries(executor, claimId, row);
  const [lineRows, transitionRows, classRows] = await sendTogether(executor, [lines, transitions, className]);
  return claimDetailFrom(executor, [[row], lineRows, transitionRows, classRows]);
}

/**
 * The reads of a claim's detail, for a claim whose class and province the caller knows (to send
 * with others: src/db/together.ts): the claim, its lines, its transitions, its class's name.
 */
export function claimDetailQueries(
  executor: Executor,
  claimId: number,
  claim: { class_id: number | null; province_code: string },
) {
  return [
    executor.selectFrom('claim').selectAll().where('id', '=', claimId),
    executor.selectFrom('claim_line').selectAll().where('claim_id', '=', claimId).orderBy('line_number'),
    executor.selectFrom('claim_transition').selectAll().where('claim_id', '=', claimId).orderBy('id'),
    executor
      .selectFrom('training_class')
      .select('name')
      .where('id', '=', claim.class_id ?? -1)
      .where('province_code', '=', claim.province_code),
  ] as const;
}

/** The detail from the rows of `claimDetailQueries`. */
export async function claimDetailFrom(
  executor: Executor,
  [[row], lines, transitions, classNames]: RowsOf<ReturnType<typeof claimDetailQueries>>,
): Promise<ClaimDetail> {
  if (!row) throw new Error('the claim of a detail is missing');
  return {
    ...toSummary(row),
    className: row.class_id === null ? null : (classNames[0]?.name ?? null),
    lines: (await withStoredForms(executor, lines)).map(toLine),
    transitions: transitions.map((transition) => ({
      action: transition.action,
      fromStatus: transition.from_status,
      toStatus: transition.to_status,
      actorUserId: transition.actor_user_id,
      actorRole: transition.actor_role,
      reason: transition.reason,
      occurredAt: transition.occurred_at.toISOString(),
      businessDate: transition.business_date,
    })),
  };
}

/** The subsidies decided for a person (for the electronic training archive): live, eligible lines. */
export async function selectSubsidiesOfPerson(executor: Executor, personId: number) {
  const rows = await liveLinesOf(executor, [personId])
    // The business date the payment was ordered on (the batch's value date), not the machine's
    // instant the bank's answer was recorded at: a worker reads the day the money left.
    .leftJoin('payment_batch as b', (join) =>
      join.onRef('b.id', '=', 'c.payment_batch_id').onRef('b.province_code', '=', 'c.province_code'),
    )
    .select([
      'c.id as claimId',
      'c.claim_number',
      'c.status',
      'c.subsidy_kind',
      'l.amount_fen',
      'c.paid_at',
      'b.value_date',
      'c.class_id',
      'l.certificate_id',
    ])
    .execute();
  return rows.map((row) => ({
    claimId: row.claimId,
    claimNumber: row.claim_number,
    status: row.status,
    subsidyKind: row.subsidy_kind,
    amountFen: row.amount_fen,
    paidOn:
      row.status !== 'paid'
        ? null
        : (row.value_date ?? (row.paid_at ? row.paid_at.toISOString().slice(0, 10) : null)),
    classId: row.class_id,
    certificateId: row.certificate_id,
  }));
}

/** A line's decision as submission stores it. */
export interface LineDecisionUpdate {
  id: number;
  periodStart: string | null;
  periodEnd: string | null;
  isEligible: boolean;
  amountFen: number;
  payee: string;
  payeeOrganisationId: number | null;
  payeePersonId: number | null;
  countsTowardAnnualLimit: boolean;
  policyId: string | null;
  request: EvaluateRequest;
  decision: EvaluateResponse;
}

/**
 * The statement that stores every line's decision and the claim's totals (a data-modifying
 * `with`): one statement where an update per line, a count and the claim's update were sent
 * before; the caller sends it with others (src/db/together.ts).
 */
export function updateDecidedLinesQuery(
  executor: Executor,
  claim: { id: number; provinceCode: string },
  lines: readonly LineDecisionUpdate[],
  totals: { lines: number; eligible: number; amountFen: number },
): CompiledQuery {
  const now = new Date();
  const rows = lines.map((line) => ({
    id: line.id,
    period_start: line.periodStart,
    period_end: line.periodEnd,
    is_eligible: line.isEligible,
    amount_fen: line.amountFen,
    payee: line.payee,
    payee_organisation_id: line.payeeOrganisationId,
    payee_person_id: line.payeePersonId,
    counts_toward_annual_limit: line.countsTowardAnnualLimit,
    policy_id: line.policyId,
    request: line.request,
    decision: line.decision,
  }));
  return sql`with decided as (
      update "claim_line" as "l" set period_start = x.period_start, period_end = x.period_end,
        is_eligible = x.is_eligible, amount_fen = x.amount_fen, payee = x.payee,
        payee_organisation_id = x.payee_organisation_id, payee_person_id = x.payee_person_id,
        counts_toward_annual_limit = x.counts_toward_annual_limit, policy_id = x.policy_id,
        request = x.request, decision = x.decision, decided_at = ${now}
      from json_to_recordset(${JSON.stringify(rows)}::json) as x(id bigint, period_start date, period_end date,
        is_eligible boolean, amount_fen bigint, payee text, payee_organisation_id bigint, payee_person_id bigint,
        counts_toward_annual_limit boolean, policy_id text, request jsonb, decision jsonb)
      where "l"."province_code" = ${claim.provinceCode} and "l"."claim_id" = ${claim.id} and "l"."id" = x.id
      returning "l"."id")
    update "claim" set line_count = ${totals.lines}, eligible_line_count = ${totals.eligible},
      total_amount_fen = ${totals.amountFen}, updated_at = ${now}
    where "province_code" = ${claim.provinceCode} and "id" = ${claim.id}`.compile(executor);
}
