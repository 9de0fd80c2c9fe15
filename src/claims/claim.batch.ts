import { sql } from 'kysely';
import { type AuditContext, recordAudit, withDeferredAudit } from '../auth/audit.service.ts';
import { ROLE_PERMISSIONS } from '../auth/roles.ts';
import { type CopyRows, nextIds, writeRows } from '../db/copy.ts';
import type { Db, Executor } from '../db/database.ts';
import { finishApproval, lockPendingApproval, requestApproval } from '../ledger/approval.service.ts';
import { createPaymentBatch, type PayableItem } from '../ledger/payment.service.ts';
import { inLedgerTransaction } from '../ledger/transfer.service.ts';
import type {
  Denial,
  DenialCode,
  EvaluateRequest,
  EvaluateResponse,
  HistoryEntry,
  Level,
  SubsidyKind,
} from '../policy/evaluate.types.ts';
import { type PaidLine, withPaidFactsWrittenByCaller } from '../reports/report-facts.service.ts';
import { encryptOptional, rowKeyOf } from '../shared/data-keyring.ts';
import { AppError } from '../shared/errors.ts';
import { chinaDate } from '../training/class.service.ts';
import type { Decider } from './claim.decide.ts';
import { SUB_ACCOUNT_OF } from './claim.payment.ts';
import {
  claimNumberPrefix,
  LIVE_CLAIM_STATUSES,
  lockClaimNumberPrefixes,
  selectHistory,
} from './claim.repository.ts';
import {
  attendanceFacts,
  certificateFacts,
  classTrainingFacts,
  employmentFacts,
  type GroupCertification,
  personFacts,
} from './claim.request.ts';
import { joinRequest, type Shape, shapeOf } from './claim.stored-form.ts';
import type { PayeeAccount } from './claim.types.ts';
import {
  ANNUAL_SLOTS,
  entitlementsOf,
  releaseLineUsage,
  reserveUsage,
  type UsageSubject,
} from './claim.usage.ts';
import { addWorkingDays, type ClaimAction, noticeEndDate, transitionRefusal } from './claim.workflow.ts';

/**
 * Set-based adjudication of completed classes (the province-scale path, docs/performance.md):
 * the same claims, lines, transitions, subsidy_usage reservations and ledger payment as the
 * interactive path (claim.service.ts → claim.payment.ts), for a batch of classes at a time.
 *
 * Per batch: a handful of set-based reads (classes, rosters, groups, attendance, certificates,
 * employers, catalog, history, taken yearly slots); every line decided in-process by the policy
 * engine with its history (the database's, plus the lines decided earlier in the same batch);
 * bulk inserts of claims, lines, reservations (`on conflict do nothing`) and transitions; one
 * payment batch — one ledger journal — for the approved claims; one audit entry per step and
 * batch, not per line. A reservation another claim took first falls back to the interactive
 * path's `reserveUsage` and re-decision for that line only (denied by the race, as there).
 *
 * Differences from the interactive path, by design: claims are created, submitted, reviewed,
 * noticed, approved and ordered for payment in one run (the dates of each step follow the
 * workflow's rules: the notice lasts `noticeWorkingDays`, approval the working day after it
 * ends, by another officer than the reviewer); submission is recorded for the applicant without
 * a user (bulk declaration); uploaded materials are not checked (the roster, certificates and
 * sign-in records are the platform's own); a claim with nothing eligible is rejected; payment
 * items are one per claim and payee (the interactive path orders one per line).
 */

/** Attended class hours of one trainee in one class (the parts the claims engine uses). */
export interface TraineeHours {
  offlineClassHours: number;
  onlineClassHours: number;
}

/** Reads the attendance of the trainees of some classes, keyed `classId:personId`. */
export type AttendanceReader = (
  executor: Executor,
  classIds: readonly number[],
) => Promise<Map<string, TraineeHours>>;

/**
 * Attendance from the session-level sign-in records, set-based, with the rule of
 * `attendanceSummary`: whole 45-minute class hours between sign-in and sign-out within the
 * session, at most the session's hours; a missing sign-in or sign-out counts nothing.
 */
export const sessionAttendanceReader: AttendanceReader = async (executor, classIds) => {
  const rows = await sql<{ class_id: number; person_id: number; offline: number; online: number }>`
    select a.class_id, a.person_id,
           coalesce(sum(h.hours) filter (where s.mode = 'offline'), 0)::int as offline,
           coalesce(sum(h.hours) filter (where s.mode = 'online'), 0)::int as online
    from attendance a
    join class_session s on s.id = a.session_id and s.province_code = a.province_code and s.class_id = a.class_id
    cross join lateral (select case when a.sign_in_at is null or a.sign_out_at is null then 0
      else least(s.class_hours, greatest(0, floor(extract(epoch from
        (least(a.sign_out_at, s.ends_at) - greatest(a.sign_in_at, s.starts_at))) / 60 / 45)))::int end as hours) h
    where a.class_id = any(${[...classIds]}::bigint[])
    group by a.class_id, a.person_id`.execute(executor);
  return new Map(
    rows.rows.map((row) => [
      `${row.class_id}:${row.person_id}`,
      { offlineClassHours: row.offline, onlineClassHours: row.online },
    ]),
  );
};

/**
 * Who acts at each step. The reviewer and the approver must be different users; so must the
 * finance officer who orders the payment and the one who approves it (maker-checker, issue 15).
 */
export interface BatchContexts {
  reviewer: AuditContext;
  approver: AuditContext;
  finance: AuditContext;
  financeChecker: AuditContext;
}

export interface BatchOptions {
  contexts: BatchContexts;
  decide: Decider;
  subsidyKind?: SubsidyKind;
  /** The application date of a class's claim from the class's last day (default: 10 days after, within the year). */
  applicationDateOf?: (classEndDate: string) => string;
  noticeWorkingDays?: number;
  /** The applicant's receiving account printed on the payment instruction. */
  payeeAccountOf?: (organisation: { id: number; name: string }) => PayeeAccount;
  attendance?: AttendanceReader;
  /** Prefix of the payment batches' idempotency ids (a retry of a batch replays, never pays twice). */
  idempotencyPrefix: string;
  /**
   * Bulk writes by COPY (`DatabaseHandle.copyRows`); without it the rows go in through
   * `json_to_recordset` inserts (same rows, slower).
   */
  copy?: CopyRows;
  /**
   * 'lean' (default): each line stores its own facts and names its request shape and decision,
   * stored once (claim.stored-form.ts); 'full': the whole request and decision per line, as the
   * interactive path stores them.
   */
  storage?: 'lean' | 'full';
  /** Shapes known to be committed (`province|hash`): not written again (the runner keeps this). */
  knownShapes?: ReadonlySet<string>;
  /**
   * Where shapes are written, when not in the batch's transaction: the database itself (its own
   * connection, committed at once). Shapes are content-addressed and never change, so one
   * committed before its batch is harmless if the batch rolls back; two concurrent batches that
   * meet on a new shape then never wait for each other's transaction (a unique-key insert waits
   * for the other's commit). PostgreSQL only: PGlite's one connection is the transaction's.
   */
  shapeWriter?: Executor;
}

export interface BatchResult {
  classes: number;
  claims: number;
  approvedClaims: number;
  rejectedClaims: number;
  lines: number;
  eligibleLines: number;
  amountFen: number;
  raceDenials: number;
  paymentBatchId: number | null;
  /** Rows written, per table (for the bulk-insert comparison of the benchmark). */
  rows: Record<string, number>;
  /** Milliseconds per phase: read, decide, write, workflow, pay (where the time goes). */
  timings: Record<string, number>;
  /** The shapes this batch wrote (`province|hash`), known once its transaction commits. */
  newShapes: string[];
}

interface ClassRow {
  id: number;
  province_code: string;
  region_code: string;
  institution_id: number;
  name: string;
  occupation_code: string;
  level: string;
  starts_at: Date;
  ends_at: Date;
  approved_at: Date | null;
  runner_kind: string;
  runner_name: string;
}

interface TraineeRow {
  class_id: number;
  person_id: number;
  person_province_code: string;
  name: string;
  pension_status: string;
}

interface PendingLine {
  classIndex: number;
  lineNumber: number;
  personId: number;
  personProvinceCode: string;
  personName: string;
  certificateId: number | null;
  subject: string;
  payeeIds: { institution: number | null; enterprise: number | null; evaluation_org: number | null };
  request: EvaluateRequest;
  /** The line's own facts (the request without its class's shape). */
  facts: Record<string, unknown>;
  decision: EvaluateResponse;
  usage: UsageSubject;
  keys: { province_code: string; kind: string; usage_key: string }[];
  lineId?: number;
  /** The certificate's type and level (what the report projection counts the line under). */
  certificate: { type: string; level: string | null } | null;
  /** Re-decided after a lost race: stored with its whole request and decision. */
  isStoredInFull?: boolean;
}

const defaultApplicationDate = (end: string) => {
  const date = new Date(`${end}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 10);
  const candidate = date.toISOString().slice(0, 10);
  const yearEnd = `${end.slice(0, 4)}-12-31`;
  return candidate > yearEnd ? yearEnd : candidate;
};

const chinaTime = (isoDate: string, hour: number) =>
  new Date(`${isoDate}T${String(hour).padStart(2, '0')}:00:00+08:00`);

function assertMay(context: AuditContext, action: ClaimAction, from: string): void {
  const actor = context.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED', '请先登录');
  const refusal = transitionRefusal(action, from as never, actor.role, ROLE_PERMISSIONS[actor.role], 'batch');
  if (refusal)
    throw new AppError(refusal.code, refusal.message, [
      { field: 'contexts', message: `${action}: ${refusal.message}` },
    ]);
}

/** Region scope of an officer over a claim's region (the in-memory form of assertRegionScope). */
function inScope(context: AuditContext, regionCode: string): boolean {
  const root = context.actor!.regionCode;
  const prefix = root.endsWith('0000') ? root.slice(0, 2) : root.endsWith('00') ? root.slice(0, 4) : root;
  return regionCode.startsWith(prefix);
}

/**
 * Writes each new claim's payee account encrypted and bound to the claim's id (associated data,
 * issue 18), in one statement: the ids exist only after the insert.
 */
async function bindPayeeAccounts(
  executor: Executor,
  claims: readonly { id: number; provinceCode: string; accountNumber: string }[],
): Promise<void> {
  if (claims.length === 0) return;
  const rows = claims.map((claim) => ({
    id: claim.id,
    province_code: claim.provinceCode,
    ciphertext: encryptOptional('claim.payee_bank_account', claim.accountNumber, rowKeyOf(claim.id)),
  }));
  await sql`update claim c set payee_bank_account_ciphertext = x.ciphertext
    from json_to_recordset(${JSON.stringify(rows)}::json) as x(id bigint, province_code text, ciphertext text)
    where c.id = x.id and c.province_code = x.province_code`.execute(executor);
}

/** Inserts rows through `json_to_recordset` (one statement, one parameter) and returns `returning`. */
async function insertJson<R>(
  executor: Executor,
  table: string,
  columns: readonly (readonly [string, string])[],
  rows: readonly Record<string, unknown>[],
  returning?: string,
  onConflict?: string,
): Promise<R[]> {
  if (rows.length === 0) return [];
  const names = columns.map(([name]) => name).join(', ');
  const definition = columns.map(([name, type]) => `${name} ${type}`).join(', ');
  const result = await sql<R>`insert into ${sql.table(table)} (${sql.raw(names)})
    select ${sql.raw(names)} from json_to_recordset(${JSON.stringify(rows)}::json) as x(${sql.raw(definition)})
    ${sql.raw(onConflict ?? '')} ${sql.raw(returning ? `returning ${returning}` : '')}`.execute(executor);
  return result.rows;
}

const LINE_COLUMNS = [
  ['id', 'bigint'],
  ['province_code', 'text'],
  ['claim_id', 'bigint'],
  ['line_number', 'int'],
  ['person_id', 'bigint'],
  ['person_province_code', 'text'],
  ['certificate_id', 'bigint'],
  ['subject', 'text'],
  ['policy_id', 'text'],
  ['is_eligible', 'boolean'],
  ['amount_fen', 'bigint'],
  ['payee', 'text'],
  ['payee_organisation_id', 'bigint'],
  ['payee_person_id', 'bigint'],
  ['payee_ids', 'jsonb'],
  ['counts_toward_annual_limit', 'boolean'],
  ['occupation_code', 'text'],
  ['level', 'text'],
  ['period_start', 'date'],
  ['period_end', 'date'],
  ['request', 'jsonb'],
  ['decision', 'jsonb'],
  ['request_shape', 'text'],
  ['decision_shape', 'text'],
] as const;

const CLAIM_COLUMNS = [
  ['province_code', 'text'],
  ['claim_number', 'text'],
  ['region_code', 'text'],
  ['subsidy_kind', 'text'],
  ['mode', 'text'],
  ['applicant_kind', 'text'],
  ['applicant_organisation_id', 'bigint'],
  ['class_id', 'bigint'],
  ['application_date', 'date'],
  ['payee_bank_name', 'text'],
  ['payee_bank_account_ciphertext', 'text'],
  ['status', 'text'],
  ['total_amount_fen', 'bigint'],
  ['eligible_line_count', 'int'],
  ['line_count', 'int'],
  ['notice_starts_on', 'date'],
  ['notice_ends_on', 'date'],
  ['submitted_at', 'timestamptz'],
  ['reviewed_at', 'timestamptz'],
  ['reviewed_by_user_id', 'bigint'],
  ['approved_at', 'timestamptz'],
  ['approved_by_user_id', 'bigint'],
  ['last_reason', 'text'],
] as const;

const TRANSITION_COLUMNS = [
  ['province_code', 'text'],
  ['claim_id', 'bigint'],
  ['action', 'text'],
  ['from_status', 'text'],
  ['to_status', 'text'],
  ['actor_user_id', 'bigint'],
  ['actor_role', 'text'],
  ['reason', 'text'],
  ['occurred_at', 'timestamptz'],
  ['business_date', 'date'],
] as const;

const USAGE_COLUMNS = [
  ['province_code', 'text'],
  ['kind', 'text'],
  ['usage_key', 'text'],
  ['claim_id', 'bigint'],
  ['claim_province_code', 'text'],
  ['claim_line_id', 'bigint'],
] as const;

function payeeOf(line: Pick<PendingLine, 'personId' | 'payeeIds'>, decision: EvaluateResponse) {
  return decision.payee === 'person'
    ? { organisationId: null, personId: line.personId }
    : { organisationId: line.payeeIds[decision.payee], personId: null };
}

/** A written line as the report projection reads it (its stored request, lean or whole). */
function paidLineOf(line: PendingLine, claimId: number, lean: boolean): PaidLine {
  const payee = payeeOf(line, line.decision);
  return {
    id: line.lineId!,
    claimId,
    personId: line.personId,
    certificateId: line.certificateId,
    isEligible: line.decision.eligible,
    isActive: true,
    amountFen: line.decision.amountFen,
    payeeOrganisationId: payee.organisationId,
    payeePersonId: payee.personId,
    occupationCode: line.usage.occupationCode,
    level: line.usage.level,
    periodStart: line.usage.periodStart,
    periodEnd: line.usage.periodEnd,
    storedRequest:
      lean && !line.isStoredInFull ? line.facts : (line.request as unknown as Record<string, unknown>),
    decision: line.decision,
    certificate: line.certificate,
  };
}

function deniedByRace(decision: EvaluateResponse, code: DenialCode): EvaluateResponse {
  const denial: Denial = { code, message: '该资格已被同时提交的另一笔申请占用' };
  return {
    ...decision,
    eligible: false,
    amountFen: 0,
    lines: [],
    denials: [...decision.denials, denial],
    outcome: 'not_eligible',
  };
}

function historyEntryOf(line: PendingLine): HistoryEntry {
  const entry: HistoryEntry = { date: line.request.date, subsidy: line.request.subsidy };
  if (line.usage.occupationCode) entry.occupationCode = line.usage.occupationCode;
  if (line.usage.level) entry.level = line.usage.level as Level;
  if (line.request.certificate?.number) entry.certificateNumber = line.request.certificate.number;
  if (line.usage.periodStart) entry.start = line.usage.periodStart;
  if (line.usage.periodEnd) entry.end = line.usage.periodEnd;
  return entry;
}

/** The published catalog entry for a class, by the rule of `findCatalogEntry` (own region, city, province). */
async function catalogLookup(executor: Executor, classes: readonly ClassRow[]) {
  const candidatesOf = (region: string) => [region, `${region.slice(0, 4)}00`, `${region.slice(0, 2)}0000`];
  const codes = [...new Set(classes.flatMap((row) => candidatesOf(row.region_code)))];
  const rows = await sql<{
    region_code: string;
    occupation_code: string;
    level: string;
    effective_from: string;
    effective_to: string | null;
    standard_amount_fen: number;
    standard_days: number;
    is_new_occupation: boolean;
  }>`select v.region_code, e.occupation_code, e.level, e.effective_from, e.effective_to,
            e.standard_amount_fen, e.standard_days, e.is_new_occupation
     from catalog_entry e join catalog_version v on v.id = e.version_id and v.province_code = e.province_code
     where v.region_code = any(${codes}::text[]) and v.status in ('published', 'superseded')
     order by v.version_number desc`.execute(executor);
  return (row: ClassRow, on: string) => {
    for (const code of candidatesOf(row.region_code)) {
      const found = rows.rows.find(
        (entry) =>
          entry.region_code === code &&
          entry.occupation_code === row.occupation_code &&
          entry.level === row.level &&
          entry.effective_from <= on &&
          (entry.effective_to === null || entry.effective_to >= on),
      );
      if (found) return found;
    }
    return undefined;
  };
}

/**
 * The read phase of a batch: the facts of every class, its trainees and what the decision needs
 * of them (groups, attendance, certificates, employers, earlier subsidies, the catalog), in a few
 * set-based queries; a class outside any of the three officers' regions is refused.
 */
async function readBatchFacts(executor: Executor, ids: readonly number[], options: BatchOptions) {
  const { reviewer, approver, finance } = options.contexts;
  const classes = (
    await sql<ClassRow>`select c.id, c.province_code, c.region_code, c.institution_id, c.name, c.occupation_code, c.level,
        c.starts_at, c.ends_at, c.approved_at, o.kind as runner_kind, o.name as runner_name
      from training_class c join organisation o on o.id = c.institution_id and o.province_code = c.province_code
      where c.id = any(${ids}::bigint[]) order by c.id`.execute(executor)
  ).rows;
  for (const row of classes) {
    if (
      !inScope(reviewer, row.region_code) ||
      !inScope(approver, row.region_code) ||
      !inScope(finance, row.region_code)
    )
      throw new AppError('NOT_FOUND', `培训班 ${row.id} 不在经办人员的辖区内`, [
        { field: 'classIds', message: '不在本辖区内' },
      ]);
  }
  const trainees = (
    await sql<TraineeRow>`select e.class_id, e.person_id, p.province_code as person_province_code, p.name, p.pension_status
      from enrolment e join person p on p.id = e.person_id and p.province_code = e.person_province_code
      where e.class_id = any(${ids}::bigint[]) and e.status = 'enrolled' order by e.class_id, e.id`.execute(
      executor,
    )
  ).rows;
  const personIds = [...new Set(trainees.map((row) => row.person_id))];
  const groups = new Map<number, GroupCertification[]>();
  for (const row of (
    await sql<{ person_id: number; group_code: string; valid_from: string; valid_to: string | null }>`
      select person_id, group_code, valid_from, valid_to from person_group
      where person_id = any(${personIds}::bigint[]) order by id`.execute(executor)
  ).rows) {
    const list = groups.get(row.person_id) ?? [];
    list.push({ groupCode: row.group_code, validFrom: row.valid_from, validTo: row.valid_to });
    groups.set(row.person_id, list);
  }
  const attendance = await (options.attendance ?? sessionAttendanceReader)(executor, ids);
  const scheduledHours = new Map(
    (
      await sql<{ class_id: number; hours: number }>`
        select class_id, coalesce(sum(class_hours), 0)::int as hours from class_session
        where class_id = any(${[...ids]}::bigint[]) group by class_id`.execute(executor)
    ).rows.map((row) => [row.class_id, row.hours]),
  );
  const certificates = new Map<
    string,
    {
      id: number;
      certificate_type: string;
      level: string | null;
      certificate_number: string;
      issuer_organisation_id: number | null;
    }
  >();
  for (const row of (
    await sql<{
      id: number;
      class_id: number;
      person_id: number;
      certificate_type: string;
      level: string | null;
      certificate_number: string;
      issuer_organisation_id: number | null;
    }>`
      select id, class_id, person_id, certificate_type, level, certificate_number, issuer_organisation_id
      from certificate where class_id = any(${ids}::bigint[]) and revoked_on is null order by id`.execute(
      executor,
    )
  ).rows) {
    const key = `${row.class_id}:${row.person_id}`;
    if (!certificates.has(key)) certificates.set(key, row);
  }
  const startOf = new Map(classes.map((row) => [row.id, chinaDate(row.starts_at)]));
  const employerKeys = trainees.map((row) => [row.person_id, startOf.get(row.class_id)!] as const);
  const employers = new Map<
    string,
    {
      enterprise_id: number;
      contract_months: number;
      start_date: string;
      end_date: string | null;
      enterprise_size: string | null;
      employer_flags: unknown;
    }
  >();
  if (employerKeys.length > 0) {
    for (const row of (
      await sql<{
        person_id: number;
        on_date: string;
        enterprise_id: number;
        contract_months: number;
        start_date: string;
        end_date: string | null;
        enterprise_size: string | null;
        employer_flags: unknown;
      }>`
        select distinct on (v.person_id, v.on_date) v.person_id, v.on_date::text as on_date, e.enterprise_id,
               e.contract_months, e.start_date, e.end_date, o.enterprise_size, o.employer_flags
        from unnest(${employerKeys.map(([id]) => id)}::bigint[], ${employerKeys.map(([, date]) => date)}::date[]) as v(person_id, on_date)
        join employment_record e on e.person_id = v.person_id and e.start_date <= v.on_date
             and (e.end_date is null or e.end_date >= v.on_date)
        join organisation o on o.id = e.enterprise_id and o.province_code = e.province_code
        order by v.person_id, v.on_date, e.start_date desc, e.id desc`.execute(executor)
    ).rows)
      employers.set(`${row.person_id}:${row.on_date}`, row);
  }
  const history = new Map<number, HistoryEntry[]>();
  for (const row of (
    await sql<{
      person_id: number;
      application_date: string;
      subsidy_kind: string;
      occupation_code: string | null;
      level: string | null;
      period_start: string | null;
      period_end: string | null;
      certificate_number: string | null;
    }>`
      select l.person_id, c.application_date, c.subsidy_kind, l.occupation_code, l.level, l.period_start, l.period_end,
             l.request -> 'certificate' ->> 'number' as certificate_number
      from claim_line l join claim c on c.id = l.claim_id and c.province_code = l.province_code
      where l.person_id = any(${personIds}::bigint[]) and l.is_eligible and l.status = 'active'
        and c.status = any(${[...LIVE_CLAIM_STATUSES]}::text[])
      order by c.application_date, l.id`.execute(executor)
  ).rows) {
    const entry: HistoryEntry = { date: row.application_date, subsidy: row.subsidy_kind as SubsidyKind };
    if (row.occupation_code) entry.occupationCode = row.occupation_code;
    if (row.level) entry.level = row.level as Level;
    if (row.certificate_number) entry.certificateNumber = row.certificate_number;
    if (row.period_start) entry.start = row.period_start;
    if (row.period_end) entry.end = row.period_end;
    const list = history.get(row.person_id) ?? [];
    list.push(entry);
    history.set(row.person_id, list);
  }
  const catalog = await catalogLookup(executor, classes);
  return {
    classes,
    trainees,
    groups,
    attendance,
    scheduledHours,
    certificates,
    employers,
    history,
    catalog,
  };
}

type BatchFacts = Awaited<ReturnType<typeof readBatchFacts>>;

/**
 * The build-and-decide phase: each trainee's request from the batch's facts (claim.request.ts,
 * the builder the class claim uses too), decided in-process; lines decided earlier in the batch
 * count as history (`facts.history` grows with them).
 */
function decideBatchLines(
  facts: BatchFacts,
  options: BatchOptions & {
    subsidyKind: SubsidyKind;
    applicationDateOf: (end: string) => string;
  },
) {
  const { classes, trainees, groups, attendance, scheduledHours, certificates, employers, history, catalog } =
    facts;
  const { subsidyKind, applicationDateOf } = options;
  const lines: PendingLine[] = [];
  const byClass = new Map<number, TraineeRow[]>();
  for (const row of trainees) {
    const list = byClass.get(row.class_id) ?? [];
    list.push(row);
    byClass.set(row.class_id, list);
  }
  const applicationDates: string[] = [];
  const lean = (options.storage ?? 'lean') === 'lean';
  const requestShapes: (Shape | null)[] = [];
  for (const [classIndex, row] of classes.entries()) {
    const start = chinaDate(row.starts_at);
    const end = chinaDate(row.ends_at);
    const applicationDate = applicationDateOf(end);
    applicationDates.push(applicationDate);
    if (end > applicationDate) {
      throw new AppError('VALIDATION_FAILED', `培训班于 ${end} 结束，结业后方可申请补贴`, [
        { field: 'classIds', message: `培训班 ${row.id} 尚未结业` },
      ]);
    }
    const entry = catalog(row, start);
    const training = classTrainingFacts({
      isFiled: row.approved_at !== null && row.approved_at.getTime() < row.starts_at.getTime(),
      occupationCode: row.occupation_code,
      level: row.level,
      start,
      end,
      approvedOn: row.approved_at ? chinaDate(row.approved_at) : null,
      catalogEntry: entry && {
        standardAmountFen: entry.standard_amount_fen,
        standardDays: entry.standard_days,
        isNewOccupation: entry.is_new_occupation,
      },
    });
    // The request's shape: what every line of the class shares (claim.stored-form.ts).
    const classShape: Record<string, unknown> = {
      region: row.region_code,
      date: applicationDate,
      subsidy: subsidyKind,
      training: { ...training, scheduledClassHours: scheduledHours.get(row.id) ?? 0 },
      mode: 'full',
    };
    requestShapes.push(lean ? shapeOf(classShape) : null);
    let lineNumber = 0;
    for (const trainee of byClass.get(row.id) ?? []) {
      lineNumber += 1;
      const key = `${row.id}:${trainee.person_id}`;
      const hours = attendance.get(key) ?? { offlineClassHours: 0, onlineClassHours: 0 };
      const certificate = certificates.get(key);
      const employer = employers.get(`${trainee.person_id}:${start}`);
      const facts: Record<string, unknown> = {
        person: personFacts(groups.get(trainee.person_id) ?? [], trainee.pension_status, start),
        ...(employer
          ? {
              employment: employmentFacts({
                enterpriseSize: employer.enterprise_size,
                employerFlags: employer.employer_flags as string[] | null,
                contractMonths: employer.contract_months,
                start: employer.start_date,
                end: employer.end_date,
              }),
            }
          : {}),
        training: attendanceFacts(hours),
        ...(certificate
          ? {
              certificate: certificateFacts({
                type: certificate.certificate_type,
                level: certificate.level,
                number: certificate.certificate_number,
              }),
            }
          : {}),
        history: [...(history.get(trainee.person_id) ?? [])],
      };
      const request = joinRequest(classShape, facts);
      const decision = options.decide(request);
      const usage: UsageSubject = {
        subsidyKind,
        personId: trainee.person_id,
        personProvinceCode: trainee.person_province_code,
        applicationDate,
        certificateId: certificate?.id ?? null,
        occupationCode: row.occupation_code,
        level: row.level,
        periodStart: start,
        periodEnd: end,
      };
      const line: PendingLine = {
        classIndex,
        lineNumber,
        personId: trainee.person_id,
        personProvinceCode: trainee.person_province_code,
        personName: trainee.name,
        certificateId: certificate?.id ?? null,
        subject: `${trainee.name} ${row.name}`,
        payeeIds: {
          institution: row.runner_kind === 'institution' ? row.institution_id : null,
          enterprise:
            row.runner_kind === 'enterprise' ? row.institution_id : (employer?.enterprise_id ?? null),
          evaluation_org: certificate?.issuer_organisation_id ?? null,
        },
        request,
        facts,
        decision,
        usage,
        keys: [],
        certificate: certificate ? { type: certificate.certificate_type, level: certificate.level } : null,
      };
      if (decision.eligible) {
        const list = history.get(trainee.person_id) ?? [];
        list.push(historyEntryOf(line));
        history.set(trainee.person_id, list);
      }
      lines.push(line);
    }
  }

  return { lines, applicationDates, lean, requestShapes };
}

/** What the phases after the decisions share: the batch's classes, its decided lines and how to count rows. */
interface BatchWork {
  executor: Executor;
  options: BatchOptions;
  subsidyKind: SubsidyKind;
  classes: readonly ClassRow[];
  lines: PendingLine[];
  applicationDates: readonly string[];
  lean: boolean;
  requestShapes: readonly (Shape | null)[];
  count: (table: string, n: number) => void;
}

/** Per class: its lines, eligible lines and amount. */
type ClassTotals = { lines: number; eligible: number; amount: number }[];

/** The workflow's dates of each class's claim. */
type Timeline = { applicationDate: string; noticeStarts: string; noticeEnds: string; approvedOn: string }[];

/**
 * The reservation plan: each eligible line's entitlements plus the first free yearly slot, the
 * committed slots read once by primary key. A line with no free slot falls back to the interactive
 * path's rules after the write (returned).
 */
async function planReservations(
  executor: Executor,
  lines: readonly PendingLine[],
): Promise<Set<PendingLine>> {
  const slotKeys = [
    ...new Set(
      lines
        .filter((line) => line.decision.eligible && line.decision.countsTowardAnnualLimit)
        .flatMap((line) =>
          Array.from(
            { length: ANNUAL_SLOTS },
            (_, slot) =>
              `${line.personProvinceCode}|${line.personId}:${line.usage.applicationDate.slice(0, 4)}:${slot + 1}`,
          ),
        ),
    ),
  ];
  const takenSlots = new Set(
    slotKeys.length === 0
      ? []
      : // By the primary key, one lookup per candidate slot (a filter on the concatenated key
        // scanned every reservation of the table, once per batch: quadratic in the run's size).
        (
          await sql<{ key: string }>`select u.province_code || '|' || u.usage_key as key
            from unnest(${slotKeys.map((key) => key.slice(0, key.indexOf('|')))}::text[],
                        ${slotKeys.map((key) => key.slice(key.indexOf('|') + 1))}::text[]) as x(province_code, usage_key)
            join subsidy_usage u on u.province_code = x.province_code and u.kind = 'annual_slot'
              and u.usage_key = x.usage_key`.execute(executor)
        ).rows.map((row) => row.key),
  );
  const needsFallback = new Set<PendingLine>();
  for (const line of lines) {
    if (!line.decision.eligible) continue;
    line.keys = entitlementsOf(line.usage, line.decision).map((usage) => ({
      province_code: usage.provinceCode,
      kind: usage.kind,
      usage_key: usage.usageKey,
    }));
    if (line.decision.countsTowardAnnualLimit) {
      const year = line.usage.applicationDate.slice(0, 4);
      let slotKey: string | null = null;
      for (let slot = 1; slot <= ANNUAL_SLOTS && slotKey === null; slot += 1) {
        const key = `${line.personId}:${year}:${slot}`;
        if (!takenSlots.has(`${line.personProvinceCode}|${key}`)) slotKey = key;
      }
      if (slotKey === null) needsFallback.add(line);
      else {
        takenSlots.add(`${line.personProvinceCode}|${slotKey}`);
        line.keys.push({ province_code: line.personProvinceCode, kind: 'annual_slot', usage_key: slotKey });
      }
    }
  }

  return needsFallback;
}

/**
 * The write phase, its claims: one per class, numbered under the prefixes' locks, with the
 * workflow's dates and actors, its payee account bound to its id.
 */
async function writeBatchClaims(work: BatchWork, needsFallback: ReadonlySet<PendingLine>) {
  const { executor, options, subsidyKind, classes, lines, applicationDates, count } = work;
  const { reviewer, approver } = options.contexts;
  const noticeDays = options.noticeWorkingDays ?? 5;
  const prefixes = [
    ...new Set(classes.map((row, index) => claimNumberPrefix(row.region_code, applicationDates[index]!))),
  ];
  await lockClaimNumberPrefixes(executor, prefixes);
  const lastNumbers = new Map<string, number>();
  for (const row of (
    await sql<{ prefix: string; last: string | null }>`select p.prefix,
        (select max(claim_number) from claim c where c.province_code = ${classes[0]?.province_code ?? ''}
           and c.claim_number between p.prefix || '000000' and p.prefix || '999999') as last
      from unnest(${prefixes}::text[]) as p(prefix)`.execute(executor)
  ).rows)
    lastNumbers.set(row.prefix, row.last ? Number(row.last.slice(row.prefix.length)) : 0);
  const totals = classes.map(() => ({ lines: 0, eligible: 0, amount: 0 }));
  for (const line of lines) {
    const total = totals[line.classIndex]!;
    total.lines += 1;
    if (line.decision.eligible && !needsFallback.has(line)) {
      total.eligible += 1;
      total.amount += line.decision.amountFen;
    }
  }
  const timeline = classes.map((_, index) => {
    const applicationDate = applicationDates[index]!;
    const noticeEnds = noticeEndDate(applicationDate, noticeDays);
    const approvedOn = addWorkingDays(noticeEnds, 1);
    return { applicationDate, noticeStarts: applicationDate, noticeEnds, approvedOn };
  });
  const needsFallbackInClass = (classIndex: number): boolean => {
    for (const line of needsFallback) if (line.classIndex === classIndex) return true;
    return false;
  };
  const payeeAccountNumbers: string[] = [];
  const claimRows = classes.map((row, index) => {
    const prefix = claimNumberPrefix(row.region_code, applicationDates[index]!);
    const next = (lastNumbers.get(prefix) ?? 0) + 1;
    lastNumbers.set(prefix, next);
    const account = options.payeeAccountOf?.({ id: row.institution_id, name: row.runner_name }) ?? {
      bankName: '专项资金代发银行',
      accountNumber: `62220${String(row.institution_id).padStart(14, '0')}`,
    };
    payeeAccountNumbers.push(account.accountNumber);
    const times = timeline[index]!;
    const approved = totals[index]!.amount > 0 || needsFallbackInClass(index);
    return {
      province_code: row.province_code,
      claim_number: `${prefix}${String(next).padStart(6, '0')}`,
      region_code: row.region_code,
      subsidy_kind: subsidyKind,
      mode: 'full',
      applicant_kind: row.runner_kind === 'enterprise' ? 'enterprise' : 'institution',
      applicant_organisation_id: row.institution_id,
      class_id: row.id,
      application_date: times.applicationDate,
      payee_bank_name: account.bankName,
      // Bound to the claim's id once it exists (bindPayeeAccounts below).
      payee_bank_account_ciphertext: null,
      status: approved ? 'approved' : 'rejected',
      total_amount_fen: totals[index]!.amount,
      eligible_line_count: totals[index]!.eligible,
      line_count: totals[index]!.lines,
      notice_starts_on: approved ? times.noticeStarts : null,
      notice_ends_on: approved ? times.noticeEnds : null,
      submitted_at: chinaTime(times.applicationDate, 9).toISOString(),
      reviewed_at: approved ? chinaTime(times.applicationDate, 15).toISOString() : null,
      reviewed_by_user_id: approved ? reviewer.actor!.userId : null,
      approved_at: approved ? chinaTime(times.approvedOn, 10).toISOString() : null,
      approved_by_user_id: approved ? approver.actor!.userId : null,
      last_reason: approved ? null : '没有符合条件的补贴金额，不予补贴',
    };
  });
  const insertedClaims = await insertJson<{ id: number; class_id: number }>(
    executor,
    'claim',
    CLAIM_COLUMNS,
    claimRows,
    'id, class_id',
  );
  count('claim', insertedClaims.length);
  const claimIdOfClass = new Map(insertedClaims.map((row) => [row.class_id, row.id]));
  const claimIds = classes.map((row) => claimIdOfClass.get(row.id)!);
  await bindPayeeAccounts(
    executor,
    claimRows.map((row, index) => ({
      id: claimIds[index]!,
      provinceCode: row.province_code,
      accountNumber: payeeAccountNumbers[index]!,
    })),
  );
  return { claimIds, totals, timeline };
}

/**
 * The write phase, its lines: the new shapes (on their own connection when one is given), then
 * every line by COPY with its id taken from the sequence. Returns the shapes written.
 */
async function writeBatchLines(work: BatchWork, claimIds: readonly number[]): Promise<string[]> {
  const { executor, options, classes, lines, lean, requestShapes, count } = work;
  // Shapes first (the lines' foreign keys name them): each distinct one once, in hash order.
  const newShapes = new Map<string, { province_code: string; hash: string; body: string }>();
  const noteShape = (provinceCode: string, shape: Shape) => {
    const key = `${provinceCode}|${shape.hash}`;
    if (!options.knownShapes?.has(key) && !newShapes.has(key))
      newShapes.set(key, { province_code: provinceCode, hash: shape.hash, body: shape.json });
  };
  const decisionShapes = lines.map((line) => {
    if (!lean) return null;
    const provinceCode = classes[line.classIndex]!.province_code;
    noteShape(provinceCode, requestShapes[line.classIndex]!);
    const shape = shapeOf(line.decision);
    noteShape(provinceCode, shape);
    return shape.hash;
  });
  const shapeRows = [...newShapes.values()].sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  if (shapeRows.length > 0) {
    const written = await sql<{ hash: string }>`insert into claim_line_shape (province_code, hash, body)
      select s.province_code, s.hash, s.body::jsonb
      from unnest(${shapeRows.map((row) => row.province_code)}::text[], ${shapeRows.map((row) => row.hash)}::text[],
                  ${shapeRows.map((row) => row.body)}::text[]) as s(province_code, hash, body)
      on conflict (hash, province_code) do nothing returning hash`.execute(options.shapeWriter ?? executor);
    count('claim_line_shape', written.rows.length);
  }
  const lineIds = await nextIds(executor, 'claim_line', lines.length);
  const lineRows = lines.map((line, index) => {
    const payee = payeeOf(line, line.decision);
    line.lineId = lineIds[index]!;
    return [
      line.lineId,
      classes[line.classIndex]!.province_code,
      claimIds[line.classIndex]!,
      line.lineNumber,
      line.personId,
      line.personProvinceCode,
      line.certificateId,
      line.subject,
      line.decision.policy,
      line.decision.eligible,
      line.decision.amountFen,
      line.decision.payee,
      payee.organisationId,
      payee.personId,
      line.payeeIds,
      line.decision.countsTowardAnnualLimit,
      line.usage.occupationCode,
      line.usage.level,
      line.usage.periodStart,
      line.usage.periodEnd,
      lean ? line.facts : line.request,
      lean ? null : line.decision,
      lean ? requestShapes[line.classIndex]!.hash : null,
      decisionShapes[index],
    ];
  });
  await writeRows(executor, options.copy, 'claim_line', LINE_COLUMNS, lineRows);
  count('claim_line', lineRows.length);
  return [...newShapes.keys()];
}

/**
 * The reservations of the written lines (`on conflict do nothing`: the guard against racing
 * claims), and the rare line whose entitlement another claim holds re-decided by the interactive
 * path's rules; its class's totals (and, with nothing left, its claim's status) follow.
 */
async function reserveBatchUsage(
  work: BatchWork,
  written: { claimIds: readonly number[]; totals: ClassTotals },
  needsFallback: Set<PendingLine>,
): Promise<number> {
  const { executor, options, classes, lines, count } = work;
  const { claimIds, totals } = written;
  const usageRows = lines
    .filter((line) => line.decision.eligible && !needsFallback.has(line))
    .flatMap((line) =>
      line.keys.map((key) => ({
        ...key,
        claim_id: claimIds[line.classIndex]!,
        claim_province_code: classes[line.classIndex]!.province_code,
        claim_line_id: line.lineId!,
      })),
    )
    // One lock order for every writer (no deadlock between two batches sharing people).
    .sort((a, b) =>
      a.province_code + a.kind + a.usage_key < b.province_code + b.kind + b.usage_key ? -1 : 1,
    );
  // One array parameter per column (unnest): no JSON text to build and parse for thousands of rows.
  const reserved =
    usageRows.length === 0
      ? []
      : (
          await sql<{ claim_line_id: number; kind: string; usage_key: string }>`insert into subsidy_usage
              (${sql.raw(USAGE_COLUMNS.map(([name]) => name).join(', '))})
            select * from unnest(${sql.join(
              USAGE_COLUMNS.map(
                ([name, type]) => sql`${usageRows.map((row) => row[name])}::${sql.raw(type)}[]`,
              ),
            )})
            on conflict (province_code, kind, usage_key) do nothing
            returning claim_line_id, kind, usage_key`.execute(executor)
        ).rows;
  count('subsidy_usage', reserved.length);
  const reservedBy = new Set(reserved.map((row) => `${row.claim_line_id}|${row.kind}|${row.usage_key}`));
  for (const line of lines) {
    if (!line.decision.eligible || needsFallback.has(line)) continue;
    if (line.keys.some((key) => !reservedBy.has(`${line.lineId}|${key.kind}|${key.usage_key}`)))
      needsFallback.add(line);
  }

  // --- The rare line whose entitlement another claim holds: the interactive path's rules.
  let raceDenials = 0;
  const changedClasses = new Set<number>();
  for (const line of [...needsFallback].sort((a, b) => a.personId - b.personId)) {
    const claimId = claimIds[line.classIndex]!;
    const owner = {
      claimId,
      claimProvinceCode: classes[line.classIndex]!.province_code,
      claimLineId: line.lineId!,
    };
    await releaseLineUsage(executor, line.lineId!);
    const refusal = await reserveUsage(executor, line.usage, line.decision, owner);
    if (refusal) {
      const { history: _stale, ...facts } = line.request;
      const request: EvaluateRequest = {
        ...facts,
        history: await selectHistory(executor, line.personId, [claimId]),
      };
      let decision = options.decide(request);
      if (decision.eligible) decision = deniedByRace(decision, refusal);
      line.request = request;
      line.decision = decision;
      line.isStoredInFull = true;
      raceDenials += 1;
      const payee = payeeOf(line, decision);
      await executor
        .updateTable('claim_line')
        .set({
          is_eligible: decision.eligible,
          amount_fen: decision.amountFen,
          payee: decision.payee,
          payee_organisation_id: payee.organisationId,
          payee_person_id: payee.personId,
          counts_toward_annual_limit: decision.countsTowardAnnualLimit,
          policy_id: decision.policy,
          // The re-decided line is stored in full (its history differs from the batch's).
          request: JSON.stringify(request),
          decision: JSON.stringify(decision),
          request_shape: null,
          decision_shape: null,
        })
        .where('id', '=', line.lineId!)
        .where('province_code', '=', classes[line.classIndex]!.province_code)
        .execute();
    }
    changedClasses.add(line.classIndex);
  }
  for (const classIndex of changedClasses) {
    const total = { lines: 0, eligible: 0, amount: 0 };
    for (const line of lines) {
      if (line.classIndex !== classIndex) continue;
      total.lines += 1;
      if (line.decision.eligible) {
        total.eligible += 1;
        total.amount += line.decision.amountFen;
      }
    }
    totals[classIndex] = total;
    await executor
      .updateTable('claim')
      .set({
        total_amount_fen: total.amount,
        eligible_line_count: total.eligible,
        ...(total.amount > 0
          ? {}
          : {
              status: 'rejected',
              last_reason: '没有符合条件的补贴金额，不予补贴',
              notice_starts_on: null,
              notice_ends_on: null,
              approved_at: null,
              approved_by_user_id: null,
            }),
      })
      .where('id', '=', claimIds[classIndex]!)
      .execute();
  }
  return raceDenials;
}

/**
 * The workflow phase: each claim's transitions (submitted, then reviewed, noticed, approved and
 * ordered for payment, or rejected), appended in one statement before the payment. The batch's
 * value date is the latest approval day.
 */
async function advanceBatchWorkflow(
  work: BatchWork,
  written: { claimIds: readonly number[]; totals: ClassTotals; timeline: Timeline },
  approvedIndexes: readonly number[],
): Promise<string> {
  const { executor, options, classes, count } = work;
  const { reviewer, approver, finance } = options.contexts;
  const { claimIds, totals, timeline } = written;
  const transitions: unknown[][] = [];
  const step = (
    index: number,
    action: ClaimAction,
    from: string,
    to: string,
    context: AuditContext | null,
    at: Date,
    reason: string | null = null,
  ) => {
    const row = classes[index]!;
    transitions.push([
      row.province_code,
      claimIds[index]!,
      action,
      from,
      to,
      context?.actor?.userId ?? null,
      context?.actor?.role ??
        (row.runner_kind === 'enterprise' ? 'enterprise_operator' : 'institution_operator'),
      reason,
      at.toISOString(),
      // The step's business date: the batch dates its steps on the business clock.
      chinaDate(at),
    ]);
  };
  let valueDate = '';
  for (const index of approvedIndexes) {
    const times = timeline[index]!;
    if (times.approvedOn > valueDate) valueDate = times.approvedOn;
  }
  for (const [index] of classes.entries()) {
    const times = timeline[index]!;
    step(index, 'submit', 'draft', 'submitted', null, chinaTime(times.applicationDate, 9));
    if (totals[index]!.amount <= 0) {
      step(
        index,
        'reject',
        'submitted',
        'rejected',
        reviewer,
        chinaTime(times.applicationDate, 15),
        '没有符合条件的补贴金额，不予补贴',
      );
      continue;
    }
    step(index, 'review', 'submitted', 'reviewed', reviewer, chinaTime(times.applicationDate, 15));
    step(index, 'start_notice', 'reviewed', 'in_notice', reviewer, chinaTime(times.applicationDate, 16));
    step(index, 'approve', 'in_notice', 'approved', approver, chinaTime(times.approvedOn, 10));
    step(index, 'order_payment', 'approved', 'payment_ordered', finance, chinaTime(valueDate, 14), null);
  }

  // Written before the payment. (The batch's audit entries are appended at its end, under
  // withDeferredAudit, so the province's audit chain is locked only from there to the commit.)
  await writeRows(executor, options.copy, 'claim_transition', TRANSITION_COLUMNS, transitions);
  count('claim_transition', transitions.length);
  return valueDate;
}

/**
 * The payment phase: one payment batch (one ledger journal) for the approved claims, one item per
 * claim and payee, ordered by the finance officer and approved by the second one; the batch's
 * report facts written from its lines; the claims marked payment_ordered.
 */
async function payBatch(
  work: BatchWork,
  written: { claimIds: readonly number[] },
  approvedIndexes: readonly number[],
  valueDate: string,
): Promise<number | null> {
  const { executor, options, subsidyKind, classes, lines, lean, count } = work;
  const { finance } = options.contexts;
  const { claimIds } = written;
  // --- Payment: one batch (one journal) per batch of classes, one item per claim and payee.
  let paymentBatchId: number | null = null;
  if (approvedIndexes.length > 0) {
    const payeeOrganisationIds = [
      ...new Set(
        lines
          .filter((line) => line.decision.eligible)
          .map((line) => payeeOf(line, line.decision).organisationId)
          .filter((id): id is number => id !== null),
      ),
    ];
    const organisationNames = new Map(
      (
        await sql<{
          id: number;
          name: string;
        }>`select id, name from organisation where id = any(${payeeOrganisationIds}::bigint[])`.execute(
          executor,
        )
      ).rows.map((row) => [row.id, row.name]),
    );
    const items: PayableItem[] = [];
    for (const index of approvedIndexes) {
      const byPayee = new Map<string, PayableItem>();
      const account = options.payeeAccountOf?.({
        id: classes[index]!.institution_id,
        name: classes[index]!.runner_name,
      }) ?? {
        bankName: '专项资金代发银行',
        accountNumber: `62220${String(classes[index]!.institution_id).padStart(14, '0')}`,
      };
      for (const line of lines) {
        if (line.classIndex !== index || !line.decision.eligible || line.decision.amountFen <= 0) continue;
        const payee = payeeOf(line, line.decision);
        const key = payee.organisationId !== null ? `o${payee.organisationId}` : `p${payee.personId}`;
        const item = byPayee.get(key);
        if (item) item.amountFen += line.decision.amountFen;
        else
          byPayee.set(key, {
            claimId: claimIds[index]!,
            lineId: null,
            payee:
              payee.organisationId !== null
                ? {
                    type: 'organisation',
                    id: payee.organisationId,
                    name: organisationNames.get(payee.organisationId) ?? '',
                    bankAccount: account.accountNumber,
                  }
                : {
                    type: 'person',
                    id: payee.personId!,
                    name: line.personName,
                    bankAccount: account.accountNumber,
                  },
            amountFen: line.decision.amountFen,
            subAccount: SUB_ACCOUNT_OF[subsidyKind] ?? 'training',
            regionCode: classes[index]!.region_code,
          });
      }
      items.push(...byPayee.values());
    }
    // The same maker-checker as the interactive path: the finance officer's payment order is a
    // ledger_approval, posted only under a second finance officer's approval (same transaction).
    const idempotencyId = `${options.idempotencyPrefix}:${classes[0]!.id}-${classes[classes.length - 1]!.id}`;
    const checker = options.contexts.financeChecker;
    const order = await requestApproval(executor, finance, {
      kind: 'payment_order',
      regionCode: classes[0]!.region_code,
      idempotencyId,
      payload: { claimIds: approvedIndexes.map((index) => claimIds[index]!), valueDate },
      amountFen: items.reduce((sum, item) => sum + item.amountFen, 0),
      summary: `批量支付 ${approvedIndexes.length} 件申请：${items.length} 笔`,
    });
    const locked = order.status === 'pending' ? await lockPendingApproval(executor, checker, order) : null;
    // The report facts of the batch's lines are written here by COPY from the lines in hand,
    // not by the payment_item trigger joining each line back (reports/report-facts.service.ts).
    const provinceOfBatch = classes[0]!.province_code;
    const { inserted: batch, facts } = await withPaidFactsWrittenByCaller(
      executor,
      options.copy,
      () => createPaymentBatch(executor, checker, { idempotencyId, valueDate, items }),
      (created) =>
        created.isReplay
          ? null
          : {
              batch: {
                provinceCode: provinceOfBatch,
                valueDate,
                claims: new Map(
                  approvedIndexes.map((index) => [
                    claimIds[index]!,
                    { subsidyKind, isSettlement: false, regionCode: classes[index]!.region_code },
                  ]),
                ),
                disbursements: created.disbursements,
              },
              lines: lines.map((line) => paidLineOf(line, claimIds[line.classIndex]!, lean)),
            },
    );
    count('report_fact', facts);
    if (locked)
      await finishApproval(executor, checker, locked, { isApproved: true, result: { batchId: batch.id } });
    paymentBatchId = batch.id;
    count('payment_batch', 1);
    count('payment_disbursement', batch.disbursements.length);
    count('payment_item', items.length);
    count('ledger_transfer', items.length);
    count('ledger_journal', 1);
    await sql`update claim set status = 'payment_ordered', payment_batch_id = ${batch.id},
        payment_ordered_at = ${chinaTime(valueDate, 14)}, updated_at = now()
      where province_code = ${classes[0]!.province_code}
        and id = any(${approvedIndexes.map((index) => claimIds[index]!)}::bigint[])`.execute(executor);
  }
  return paymentBatchId;
}

/** One audit entry per step and batch (the payment batch and journal audit themselves). */
async function auditBatch(
  work: BatchWork,
  outcome: {
    claimIds: readonly number[];
    totals: ClassTotals;
    approvedIndexes: readonly number[];
    rejectedIndexes: readonly number[];
    paymentBatchId: number | null;
  },
): Promise<void> {
  const { executor, options, classes, lines, count } = work;
  const { reviewer, approver } = options.contexts;
  const { claimIds, totals, approvedIndexes, rejectedIndexes, paymentBatchId } = outcome;
  const provinceCode = classes[0]?.province_code;
  if (provinceCode) {
    const summary = {
      classes: classes.length,
      claimIds: [Math.min(...claimIds), Math.max(...claimIds)],
      claims: claimIds.length,
      lines: lines.length,
      eligibleLines: lines.filter((line) => line.decision.eligible).length,
      amountFen: approvedIndexes.reduce((sum, index) => sum + totals[index]!.amount, 0),
      paymentBatchId,
    };
    await recordAudit(executor, reviewer, {
      action: 'claim.batch.review',
      objectType: 'claim_batch',
      objectId: `${summary.claimIds[0]}-${summary.claimIds[1]}`,
      provinceCode,
      after: { ...summary, approved: approvedIndexes.length, rejected: rejectedIndexes.length },
    });
    await recordAudit(executor, approver, {
      action: 'claim.batch.approve',
      objectType: 'claim_batch',
      objectId: `${summary.claimIds[0]}-${summary.claimIds[1]}`,
      provinceCode,
      after: summary,
    });
    count('audit_log', 4);
  }
}

/**
 * Adjudicates a batch of completed classes in the caller's transaction: claims decided,
 * reserved, reviewed, noticed, approved and ordered for payment (one ledger journal), in phases
 * (docs/architecture.md): read facts → build requests and decide → write → workflow → pay.
 */
export async function adjudicateClassBatch(
  executor: Executor,
  classIds: readonly number[],
  options: BatchOptions,
): Promise<BatchResult> {
  const { reviewer, approver, finance } = options.contexts;
  assertMay(reviewer, 'review', 'submitted');
  assertMay(reviewer, 'start_notice', 'reviewed');
  assertMay(reviewer, 'reject', 'reviewed');
  assertMay(approver, 'approve', 'in_notice');
  assertMay(finance, 'order_payment', 'approved');
  if (reviewer.actor!.userId === approver.actor!.userId) {
    throw new AppError('FORBIDDEN', '同一人不能既审核又审批同一笔申请', [
      { field: 'approver', message: '审核人不能审批同一笔申请' },
    ]);
  }
  const subsidyKind = options.subsidyKind ?? 'training';
  const applicationDateOf = options.applicationDateOf ?? defaultApplicationDate;
  const rows: Record<string, number> = {};
  const count = (table: string, n: number) => {
    rows[table] = (rows[table] ?? 0) + n;
  };
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    timings[name] = (timings[name] ?? 0) + (now - mark);
    mark = now;
  };

  const facts = await readBatchFacts(executor, [...classIds], options);
  const { classes } = facts;
  phase('read');
  const decided = decideBatchLines(facts, { ...options, subsidyKind, applicationDateOf });
  const { lines } = decided;
  phase('decide');
  const work: BatchWork = { executor, options, subsidyKind, classes, ...decided, count };
  const needsFallback = await planReservations(executor, lines);
  phase('reserve');
  const claims = await writeBatchClaims(work, needsFallback);
  const written = { ...claims, newShapes: await writeBatchLines(work, claims.claimIds) };
  phase('write');
  const raceDenials = await reserveBatchUsage(work, written, needsFallback);
  phase('reserve');
  const { claimIds, totals } = written;
  const approvedIndexes = classes.map((_, index) => index).filter((index) => totals[index]!.amount > 0);
  const rejectedIndexes = classes.map((_, index) => index).filter((index) => totals[index]!.amount <= 0);
  const valueDate = await advanceBatchWorkflow(work, written, approvedIndexes);
  phase('workflow');
  const paymentBatchId = await payBatch(work, written, approvedIndexes, valueDate);
  phase('pay');
  await auditBatch(work, { claimIds, totals, approvedIndexes, rejectedIndexes, paymentBatchId });
  phase('workflow');
  return {
    classes: classes.length,
    claims: claimIds.length,
    approvedClaims: approvedIndexes.length,
    rejectedClaims: rejectedIndexes.length,
    lines: lines.length,
    eligibleLines: lines.filter((line) => line.decision.eligible).length,
    amountFen: approvedIndexes.reduce((sum, index) => sum + totals[index]!.amount, 0),
    raceDenials,
    paymentBatchId,
    rows,
    timings,
    newShapes: written.newShapes,
  };
}

/**
 * Completed classes of a region subtree without a claim of the kind yet, by keyset pagination
 * (`id > afterId`), so a province-year is adjudicated in batches without holding it in memory.
 */
export async function nextClassesToAdjudicate(
  executor: Executor,
  query: {
    regionCodes: readonly string[];
    afterId: number;
    limit: number;
    endedBefore: string;
    subsidyKind?: SubsidyKind;
  },
): Promise<number[]> {
  const rows = await sql<{ id: number }>`select t.id from training_class t
    where t.region_code = any(${[...query.regionCodes]}::text[]) and t.id > ${query.afterId}
      and t.status in ('approved', 'completed') and t.ends_at < ${new Date(`${query.endedBefore}T00:00:00+08:00`)}
      and not exists (select 1 from claim c where c.class_id = t.id and c.province_code = t.province_code
                      and c.subsidy_kind = ${query.subsidyKind ?? 'training'})
    order by t.id limit ${query.limit}`.execute(executor);
  return rows.rows.map((row) => row.id);
}

export interface RegionRunOptions extends BatchOptions {
  /** County codes to adjudicate; split between the workers so no two share a county. */
  regionCodes: readonly string[];
  classesPerBatch: number;
  workers: number;
  endedBefore: string;
  onBatch?: (result: BatchResult) => void;
  /**
   * Refresh the planner statistics of the written tables when the lines written since the last
   * refresh reach this share of the lines written before it (default 1: after the first batch,
   * then whenever the tables have doubled — O(log n) ANALYZEs). Without it, a run that starts on
   * empty claim tables keeps plans made for empty tables (foreign-key checks and history reads
   * degrade to scans) wherever autovacuum is off or lags behind a bulk run. 0 disables.
   */
  analyzeGrowth?: number;
}

const ANALYZED_TABLES = [
  'claim',
  'claim_line',
  'subsidy_usage',
  'claim_transition',
  'payment_batch',
  'payment_disbursement',
  'payment_item',
  'ledger_journal',
  'ledger_transfer',
  'audit_log',
];

/**
 * Adjudicates every completed class of the counties, `workers` transactions at a time (each
 * worker owns whole counties, so claim numbers and county accounts never contend), one
 * transaction per batch; a deadlock or serialization failure is retried by `inLedgerTransaction`.
 */
export async function adjudicateCompletedClasses(db: Db, options: RegionRunOptions): Promise<BatchResult> {
  const total: BatchResult = {
    classes: 0,
    claims: 0,
    approvedClaims: 0,
    rejectedClaims: 0,
    lines: 0,
    eligibleLines: 0,
    amountFen: 0,
    raceDenials: 0,
    paymentBatchId: null,
    rows: {},
    timings: {},
    newShapes: [],
  };
  const knownShapes = new Set<string>(options.knownShapes ?? []);
  const growth = options.analyzeGrowth ?? 1;
  let analyzedAt = 0;
  let analyzing: Promise<void> | null = null;
  const maybeAnalyze = async () => {
    if (growth <= 0 || analyzing || total.lines - analyzedAt < Math.max(1, analyzedAt * growth))
      return analyzing ?? undefined;
    analyzedAt = total.lines;
    analyzing = (async () => {
      for (const table of ANALYZED_TABLES) await sql.raw(`analyze ${table}`).execute(db);
    })().finally(() => {
      analyzing = null;
    });
    return analyzing;
  };
  const shares: string[][] = Array.from({ length: Math.max(1, options.workers) }, () => []);
  for (const [index, code] of [...options.regionCodes].sort().entries())
    shares[index % shares.length]!.push(code);
  await Promise.all(
    shares
      .filter((share) => share.length > 0)
      .map(async (share) => {
        let afterId = 0;
        for (;;) {
          const classIds = await nextClassesToAdjudicate(db, {
            regionCodes: share,
            afterId,
            limit: options.classesPerBatch,
            endedBefore: options.endedBefore,
            subsidyKind: options.subsidyKind,
          });
          if (classIds.length === 0) return;
          afterId = classIds[classIds.length - 1]!;
          // Audit entries appended at the end of the batch: the province's chain is locked
          // from the append to the commit only, not through the payment (withDeferredAudit).
          const result = await inLedgerTransaction(db, (trx) =>
            withDeferredAudit(trx, (executor) =>
              adjudicateClassBatch(executor, classIds, { ...options, knownShapes }),
            ),
          );
          // Committed: later batches need not write these shapes again.
          for (const key of result.newShapes) knownShapes.add(key);
          for (const [name, ms] of Object.entries(result.timings))
            total.timings[name] = (total.timings[name] ?? 0) + ms;
          total.classes += result.classes;
          total.claims += result.claims;
          total.approvedClaims += result.approvedClaims;
          total.rejectedClaims += result.rejectedClaims;
          total.lines += result.lines;
          total.eligibleLines += result.eligibleLines;
          total.amountFen += result.amountFen;
          total.raceDenials += result.raceDenials;
          for (const [table, n] of Object.entries(result.rows))
            total.rows[table] = (total.rows[table] ?? 0) + n;
          options.onBatch?.(result);
          await maybeAnalyze();
        }
      }),
  );
  return total;
}
