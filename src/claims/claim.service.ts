import { randomUUID } from 'node:crypto';
import type { Expression } from 'kysely';
import { type AuditContext, recordAudit, withDeferredAudit } from '../auth/audit.service.ts';
import { ROLE_PERMISSIONS } from '../auth/roles.ts';
import { assertOrganisationScope, assertRegionScope } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { type RowsOf, sendTogether } from '../db/together.ts';
import type {
  Denial,
  DenialCode,
  EvaluateRequest,
  EvaluateResponse,
  HistoryEntry,
} from '../policy/evaluate.types.ts';
import { keepPublishedOverrides, publishedOverridesQuery } from '../policy/parameter.service.ts';
import { type Organisation, organisationQuery, toOrganisation } from '../registry/organisation.service.ts';
import { assertInGoodStanding, assertOrganisationInGoodStanding } from '../registry/standing.service.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import { encryptOptional, rowKeyOf } from '../shared/data-keyring.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { assertAgencyMayReview } from '../supervision/agency.service.ts';
import { screenClaim } from '../supervision/risk.service.ts';
import { assertClaimVisible, ORGANISATION_APPLICANT_ROLES } from './claim.access.ts';
import { createDecider, type Decider, deciderWith } from './claim.decide.ts';
import { assertMaterialsComplete, claimAttachmentsQuery } from './claim.materials.ts';
import {
  classClaimLock,
  classClaimState,
  classClaimStateFrom,
  classClaimStateQuery,
  consumeReopenings,
} from './claim.reopen.ts';
import {
  claimDetailFrom,
  claimDetailQueries,
  claimNumberAndAuditReads,
  historiesFrom,
  historiesQuery,
  type LineDecisionUpdate,
  selectClaimRow,
  selectHistories,
  selectHistory,
  toLine,
  toSummary,
  updateDecidedLinesQuery,
  writeClaimNumberAndAudit,
} from './claim.repository.ts';
import { loadClaimDraft } from './claim.sources.ts';
import { withStoredForms } from './claim.stored-form.ts';
import type { ClaimDetail, LineCandidate, NewClaim } from './claim.types.ts';
import {
  RELEASE_RESERVATIONS,
  releaseClaimUsage,
  releaseClaimUsageQuery,
  releaseLineUsage,
  reserveLinesTogether,
  reserveUsage,
  type UsageSubject,
} from './claim.usage.ts';
import {
  type ClaimAction,
  type ClaimStatus,
  noticeEndDate,
  TRANSITIONS,
  transitionRefusal,
} from './claim.workflow.ts';

export { assertClaimVisible } from './claim.access.ts';

/**
 * Decides one line with the person's history from the database, leaving out the claim itself
 * and, for a settlement, the advance it settles (the same training, not an earlier one).
 */
async function decideCandidate(
  executor: Executor,
  decide: Decider,
  candidate: LineCandidate,
  excludeClaimIds: readonly number[],
) {
  const history = await selectHistory(executor, candidate.personId, excludeClaimIds);
  const request: EvaluateRequest = { ...candidate.request, history };
  return { request, decision: decide(request) };
}

function payeeOf(candidate: LineCandidate, decision: EvaluateResponse) {
  switch (decision.payee) {
    case 'person':
      return { organisationId: null, personId: candidate.personId };
    case 'institution':
    case 'enterprise':
    case 'evaluation_org':
      return { organisationId: candidate.payeeIds[decision.payee], personId: null };
  }
}

/**
 * 以工代训 pays whole months up to a total per person and enterprise: an eligible line names the
 * months it pays (its period), which may start after the employment did when earlier months were
 * paid already. The line records and reserves those months, not the whole employment.
 */
function usageSubject(
  candidate: LineCandidate,
  applicationDate: string,
  decision?: EvaluateResponse,
): UsageSubject {
  const training = candidate.request.training;
  const isOnTheJob = candidate.request.subsidy === 'on_the_job_training';
  const paid = isOnTheJob ? decision?.lines.find((line) => line.period)?.period : undefined;
  const employment = paid ?? candidate.request.employment;
  return {
    subsidyKind: candidate.request.subsidy,
    personId: candidate.personId,
    personProvinceCode: candidate.personProvinceCode,
    applicationDate,
    certificateId: candidate.certificateId,
    occupationCode: training?.occupationCode ?? null,
    level: training?.level ?? candidate.request.certificate?.level ?? null,
    periodStart: (isOnTheJob ? employment?.start : training?.start) ?? null,
    periodEnd: (isOnTheJob ? employment?.end : training?.end) ?? null,
  };
}

/**
 * A settlement claim (清算) names the advance claim of the same class and applicant, which must
 * have been approved; its final lines are decided in full and paid net of the advance.
 */
async function assertSettles(
  executor: Executor,
  advanceClaimId: number,
  draft: { classId: number | null; applicantOrganisationId: number | null },
): Promise<number> {
  const advance = await selectClaimRow(executor, advanceClaimId);
  const problem = !advance
    ? 'does not exist'
    : advance.mode !== 'advance'
      ? 'is not an advance claim'
      : advance.class_id !== draft.classId ||
          advance.applicant_organisation_id !== draft.applicantOrganisationId
        ? 'belongs to another class or applicant'
        : !['approved', 'payment_ordered', 'paid'].includes(advance.status)
          ? `is ${advance.status}, not yet approved`
          : null;
  if (problem) {
    throw new AppError('VALIDATION_FAILED', `预拨申请 ${advanceClaimId} 不能用于清算`, [
      { field: 'advanceClaimId', message: problem },
    ]);
  }
  return advanceClaimId;
}

/**
 * Creates a draft claim: the lines come from the real-name records of the chosen source and
 * each is decided by the policy engine with the person's history from the database.
 */
export async function createClaim(
  executor: Executor,
  context: AuditContext,
  input: NewClaim,
  clock: Clock = systemClock,
): Promise<ClaimDetail> {
  const principal = context.actor;
  if (!principal) throw new AppError('UNAUTHENTICATED', '请先登录');
  if (input.applicationDate > clock.today()) {
    throw new AppError('VALIDATION_FAILED', '申请日期不能晚于今天', [
      { field: 'applicationDate', message: '晚于当前业务日期' },
    ]);
  }
  const isAdvance = input.mode === 'advance';
  const draft = await loadClaimDraft(executor, input.claim, input.applicationDate, { isAdvance });
  const advanceClaimId =
    input.advanceClaimId === undefined ? null : await assertSettles(executor, input.advanceClaimId, draft);
  if (principal.role in ORGANISATION_APPLICANT_ROLES) {
    assertOrganisationScope(principal, draft.applicantOrganisationId ?? -1);
  } else {
    assertRegionScope(principal, draft.regionCode);
  }
  // A suspended or blacklisted applicant files nothing while the sanction stands (issue 15).
  const standing = { field: 'claim', action: '申请补贴' };
  if (draft.applicant) assertInGoodStanding(draft.applicant, standing);
  else if (draft.applicantOrganisationId !== null)
    await assertOrganisationInGoodStanding(executor, draft.applicantOrganisationId, standing);
  let reopened = new Set<number>();
  // A new claim has no lines yet, so only the advance it settles is left out of the history:
  // every trainee's history is read at once and the lines are written in one statement. The
  // class's lock, its earlier claims, the published parameters and the histories are one round
  // trip (src/db/together.ts: each statement still runs after the one before, with its own snapshot).
  const personIds = draft.candidates.map((candidate) => candidate.personId);
  const excluded = advanceClaimId === null ? [] : [advanceClaimId];
  let decide: Decider;
  let histories: Map<number, HistoryEntry[]>;
  if (draft.classId !== null && personIds.length > 0) {
    const classDraft = {
      classId: draft.classId,
      provinceCode: draft.provinceCode,
      subsidyKind: draft.subsidyKind,
    };
    const [, stateRows, parameterRows, historyRows] = await sendTogether(executor, [
      classClaimLock(classDraft).compile(executor),
      classClaimStateQuery(executor, classDraft, advanceClaimId),
      publishedOverridesQuery(draft.provinceCode).compile(executor),
      historiesQuery(executor, personIds, excluded),
    ]);
    // One live claim per class and kind; rejected or excluded trainees stay out until an officer
    // reopens them.
    const state = classClaimStateFrom(stateRows);
    reopened = state.reopened;
    draft.candidates = draft.candidates.filter((candidate) => !state.blocked.has(candidate.personId));
    decide = deciderWith(keepPublishedOverrides(executor, parameterRows, draft.provinceCode));
    histories = historiesFrom(personIds, historyRows);
  } else {
    if (draft.classId !== null) {
      const state = await classClaimState(
        executor,
        { classId: draft.classId, provinceCode: draft.provinceCode, subsidyKind: draft.subsidyKind },
        advanceClaimId,
      );
      reopened = state.reopened;
    }
    if (draft.candidates.length > 0) {
      const [parameterRows, historyRows] = await sendTogether(executor, [
        publishedOverridesQuery(draft.provinceCode).compile(executor),
        historiesQuery(executor, personIds, excluded),
      ]);
      decide = deciderWith(keepPublishedOverrides(executor, parameterRows, draft.provinceCode));
      histories = historiesFrom(personIds, historyRows);
    } else {
      decide = await createDecider(executor);
      histories = new Map();
    }
  }
  if (draft.candidates.length === 0) {
    throw new AppError('VALIDATION_FAILED', '没有可申请补贴的人员', [
      { field: 'claim', message: '没有可申请补贴的人员' },
    ]);
  }
  const lines = draft.candidates.map((candidate): DecidedLine => {
    const withMode: LineCandidate = {
      ...candidate,
      request: { ...candidate.request, mode: input.mode ?? 'full' },
    };
    const request: EvaluateRequest = {
      ...withMode.request,
      history: histories.get(candidate.personId) ?? [],
    };
    return { candidate: withMode, request, decision: decide(request) };
  });
  const eligible = lines.filter((line) => line.decision.eligible);
  // The claim number is assigned last, under its per-region lock, so concurrent creators in one
  // region wait only for each other's final writes, not for each other's line decisions. The
  // inserts return the rows the answer is made of (no read-back).
  const pendingNumber = `PENDING-${randomUUID()}`;
  const insertClaim = executor
    .insertInto('claim')
    .values({
      province_code: draft.provinceCode,
      claim_number: pendingNumber,
      region_code: draft.regionCode,
      subsidy_kind: draft.subsidyKind,
      mode: advanceClaimId === null ? (input.mode ?? 'full') : 'settlement',
      applicant_kind: draft.applicantKind,
      applicant_organisation_id: draft.applicantOrganisationId,
      applicant_person_id: null,
      class_id: draft.classId,
      advance_claim_id: advanceClaimId,
      application_date: input.applicationDate,
      payee_bank_name: input.payeeAccount.bankName,
      // Written bound to the claim's id with its number (numberClaimAndAudit; associated data, issue 18).
      payee_bank_account_ciphertext: null,
      payment_batch_id: null,
      idempotency_key: null,
      request_hash: null,
      notice_starts_on: null,
      notice_ends_on: null,
      submitted_at: null,
      reviewed_at: null,
      reviewed_by_user_id: null,
      approved_at: null,
      approved_by_user_id: null,
      payment_ordered_at: null,
      paid_at: null,
      last_reason: null,
      created_by_user_id: principal.userId,
      // The totals `refreshTotals` would compute: every new line is active.
      line_count: lines.length,
      eligible_line_count: eligible.length,
      total_amount_fen: eligible.reduce((sum, line) => sum + line.decision.amountFen, 0),
    })
    .returningAll();
  // The claim, its lines (naming the claim by its pending number: its id is not known before),
  // then the claim number's and the audit chain's locks and the last number and hash: one round
  // trip (src/db/together.ts), each statement after the one before.
  const auditEntryOf = (number: string, claimId: number) => ({
    action: 'claim.create',
    objectType: 'claim',
    objectId: claimId,
    provinceCode: draft.provinceCode,
    after: {
      claimNumber: number,
      subsidyKind: draft.subsidyKind,
      lines: lines.length,
      source: input.claim.source,
    },
  });
  const numbering = {
    provinceCode: draft.provinceCode,
    regionCode: draft.regionCode,
    applicationDate: input.applicationDate,
  };
  const [[claimRow], lineRows, , [last]] = await sendTogether(executor, [
    insertClaim,
    insertLines(
      executor,
      draft.provinceCode,
      executor
        .selectFrom('claim')
        .select('id')
        .where('province_code', '=', draft.provinceCode)
        .where('claim_number', '=', pendingNumber)
        .$asScalar(),
      lines,
    ),
    ...claimNumberAndAuditReads(executor, context, numbering, (number) => auditEntryOf(number, 0)),
  ]);
  const claimId = claimRow!.id;
  const reopenedCandidates = draft.candidates.filter((candidate) => reopened.has(candidate.personId));
  if (draft.classId !== null && reopenedCandidates.length > 0)
    await consumeReopenings(executor, {
      classId: draft.classId,
      provinceCode: draft.provinceCode,
      subsidyKind: draft.subsidyKind,
      claimId,
      personIds: reopenedCandidates.map((candidate) => candidate.personId),
    });
  const claimNumber = await writeClaimNumberAndAudit(
    executor,
    context,
    {
      id: claimId,
      ...numbering,
      payeeAccountCiphertext: encryptOptional(
        'claim.payee_bank_account',
        input.payeeAccount.accountNumber,
        rowKeyOf(claimId),
      ),
    },
    last!,
    (number) => auditEntryOf(number, claimId),
  );
  return {
    ...toSummary(claimRow!),
    className: draft.classId === null ? null : (draft.className ?? null),
    lines: (await withStoredForms(executor, lineRows))
      .sort((a, b) => a.line_number - b.line_number)
      .map(toLine),
    transitions: [],
    claimNumber,
  };
}

interface DecidedLine {
  candidate: LineCandidate;
  request: EvaluateRequest;
  decision: EvaluateResponse;
}

/** Writes a claim's decided lines (at least one), numbered from 1 in the order given, in one statement. */
function insertLines(
  executor: Executor,
  provinceCode: string,
  claimId: Expression<number>,
  lines: readonly DecidedLine[],
) {
  return executor
    .insertInto('claim_line')
    .values(
      lines.map(({ candidate, request, decision }, index) => {
        const payee = payeeOf(candidate, decision);
        const subject = usageSubject(candidate, request.date, decision);
        return {
          province_code: provinceCode,
          claim_id: claimId,
          line_number: index + 1,
          person_id: candidate.personId,
          person_province_code: candidate.personProvinceCode,
          certificate_id: candidate.certificateId,
          employment_id: candidate.employmentId,
          subject: candidate.subject,
          policy_id: decision.policy,
          is_eligible: decision.eligible,
          amount_fen: decision.amountFen,
          payee: decision.payee,
          payee_organisation_id: payee.organisationId,
          payee_person_id: payee.personId,
          payee_ids: JSON.stringify(candidate.payeeIds),
          counts_toward_annual_limit: decision.countsTowardAnnualLimit,
          occupation_code: subject.occupationCode,
          level: subject.level,
          period_start: subject.periodStart,
          period_end: subject.periodEnd,
          request: JSON.stringify(request),
          decision: JSON.stringify(decision),
          excluded_reason: null,
        };
      }),
    )
    .returningAll();
}

async function refreshTotals(executor: Executor, claimId: number): Promise<void> {
  const totals = await executor
    .selectFrom('claim_line')
    .select((eb) => [
      eb.fn.countAll<number>().as('lines'),
      eb.fn.sum<number>(eb.case().when('is_eligible', '=', true).then(1).else(0).end()).as('eligible'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb('is_eligible', '=', true), eb('status', '=', 'active')]))
            .then(eb.ref('amount_fen'))
            .else(0)
            .end(),
        )
        .as('amount'),
    ])
    .where('claim_id', '=', claimId)
    .executeTakeFirstOrThrow();
  await executor
    .updateTable('claim')
    .set({
      line_count: Number(totals.lines),
      eligible_line_count: Number(totals.eligible ?? 0),
      total_amount_fen: Number(totals.amount ?? 0),
      updated_at: new Date(),
    })
    .where('id', '=', claimId)
    .execute();
}

/** A denial the engine did not give but the database did: another claim holds the entitlement. */
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

/**
 * Submits a draft (or corrected) claim: every line is decided again with the history as it
 * stands now, and each entitlement it uses is reserved in subsidy_usage. A line whose
 * entitlement a racing claim took first is decided again, and denied.
 */
export async function submitClaim(
  executor: Executor,
  context: AuditContext,
  claimId: number,
  /** The business clock: the risk rules ask "has the class ended" against its now. */
  clock: Clock = systemClock,
): Promise<ClaimDetail> {
  // The risk screening's and the transition's audit entries are appended together at the end:
  // one lock, one head read and one insert of the province's chain instead of three per entry.
  return withDeferredAudit(executor, (trx) => submitClaimWork(trx, context, claimId, clock));
}

async function submitClaimWork(
  executor: Executor,
  context: AuditContext,
  claimId: number,
  clock: Clock,
): Promise<ClaimDetail> {
  const claim = await lockForTransition(executor, context, claimId, 'submit', undefined);
  // After the lock, one round trip (src/db/together.ts): the applicant, the published parameters,
  // the checklist's files, the lines, and the release of what the claim (and, for a settlement,
  // its advance) reserved before. Lines are reserved in person order, so two claims sharing people
  // take their usage rows in the same order and cannot deadlock.
  const [applicantRows, parameterRows, attachmentRows, lines] = await sendTogether(executor, [
    organisationQuery(executor, claim.applicant_organisation_id ?? -1),
    publishedOverridesQuery(claim.province_code).compile(executor),
    claimAttachmentsQuery(executor, claimId),
    executor
      .selectFrom('claim_line')
      .selectAll()
      .where('claim_id', '=', claimId)
      .orderBy('person_id')
      .orderBy('line_number'),
    // What the lines reserved before (a corrected claim) is released at once, and every line is
    // decided with the history read at once: the claim itself is left out of it, so no line's
    // reservation changes another's history. A line that loses a race reads its history again.
    releaseClaimUsageQuery(executor, claimId, claim.province_code),
  ]);
  let applicant: Organisation | undefined;
  if (claim.applicant_organisation_id !== null) {
    if (!applicantRows[0]) throw notFound('单位', claim.applicant_organisation_id);
    applicant = assertInGoodStanding(toOrganisation(applicantRows[0]), {
      field: 'id',
      action: '提交补贴申请',
    });
  }
  // A settlement takes over what its advance reserved: the same training, decided in full now.
  if (claim.advance_claim_id !== null)
    await releaseClaimUsage(executor, claim.advance_claim_id, claim.province_code);
  const decide = deciderWith(keepPublishedOverrides(executor, parameterRows, claim.province_code));
  // The claim locked above, its applicant and its files are the checklist's facts: not read again.
  await assertMaterialsComplete(executor, claimId, { claim, applicant, attachments: attachmentRows });
  const excluded = claim.advance_claim_id === null ? [claimId] : [claimId, claim.advance_claim_id];
  const histories = await selectHistories(
    executor,
    lines.map((line) => line.person_id!),
    excluded,
  );
  // Every line decided first, then what they use reserved in one statement; when a line loses a
  // race (or the rows are not those the line-by-line path would take), they are reserved line
  // after line as before, and the line that lost is decided again and denied.
  const planned = lines.map((line) => {
    const candidate = candidateFromLine(line);
    const request: EvaluateRequest = {
      ...candidate.request,
      history: histories.get(candidate.personId) ?? [],
    };
    const decision = decide(request);
    const owner = { claimId, claimProvinceCode: claim.province_code, claimLineId: line.id };
    return {
      line,
      candidate,
      request,
      decision,
      owner,
      subject: usageSubject(candidate, request.date, decision),
    };
  });
  const reservation = await reserveLinesTogether(executor, planned);
  const decided: LineDecisionUpdate[] = [];
  const totals = { lines: lines.length, eligible: 0, amountFen: 0 };
  for (const { line, candidate, owner, subject: planSubject, ...plan } of planned) {
    let { request, decision } = plan;
    const refusal = reservation.isReserved
      ? null
      : await reserveUsage(executor, planSubject, decision, owner);
    if (refusal) {
      ({ request, decision } = await decideCandidate(executor, decide, candidate, excluded));
      if (decision.eligible) decision = deniedByRace(decision, refusal);
    }
    const subject = usageSubject(candidate, request.date, decision);
    decided.push({
      id: line.id,
      periodStart: subject.periodStart,
      periodEnd: subject.periodEnd,
      isEligible: decision.eligible,
      amountFen: decision.amountFen,
      payee: decision.payee,
      payeeOrganisationId: payeeOf(candidate, decision).organisationId,
      payeePersonId: payeeOf(candidate, decision).personId,
      countsTowardAnnualLimit: decision.countsTowardAnnualLimit,
      policyId: decision.policy,
      request,
      decision,
    });
    if (decision.eligible) {
      totals.eligible += 1;
      if (line.status === 'active') totals.amountFen += decision.amountFen;
    }
  }
  // The lines' decisions and the claim's totals (refreshTotals' sums, from the lines in hand), with
  // the end of the reservations' savepoint, go in the risk screening's first round trip. The
  // screening (supervision: risk rules, may block approval) starts from the claim locked above:
  // nothing before it changes the claim's class or risk.
  await screenClaim(executor, context, claim, clock.now(), [
    ...(reservation.isSavepointOpen ? [RELEASE_RESERVATIONS] : []),
    updateDecidedLinesQuery(executor, { id: claimId, provinceCode: claim.province_code }, decided, totals),
  ]);
  return (await applyTransition(executor, context, claim, 'submit', undefined, {
    submitted_at: new Date(),
  }))!;
}

function candidateFromLine(line: {
  subject: string;
  person_id: number | null;
  person_province_code: string | null;
  certificate_id: number | null;
  employment_id: number | null;
  request: unknown;
  payee_ids: unknown;
}): LineCandidate {
  const { history: _history, ...request } = line.request as EvaluateRequest;
  return {
    subject: line.subject,
    personId: line.person_id!,
    personProvinceCode: line.person_province_code!,
    certificateId: line.certificate_id,
    employmentId: line.employment_id,
    request,
    payeeIds: line.payee_ids as LineCandidate['payeeIds'],
  };
}

type ClaimRow = NonNullable<Awaited<ReturnType<typeof selectClaimRow>>>;

/** Locks a claim for an action, refusing a caller outside its scope, a wrong role or state. */
export async function lockForTransition(
  executor: Executor,
  context: AuditContext,
  claimId: number,
  action: ClaimAction,
  reason: string | undefined,
): Promise<ClaimRow> {
  const principal = context.actor;
  if (!principal) throw new AppError('UNAUTHENTICATED', '请先登录');
  const claim = await selectClaimRow(executor, claimId, true);
  if (!claim) throw notFound('补贴申请', claimId);
  assertClaimVisible(principal, claim);
  const refusal = transitionRefusal(
    action,
    claim.status as ClaimStatus,
    principal.role,
    ROLE_PERMISSIONS[principal.role],
    reason,
  );
  if (refusal) {
    throw new AppError(refusal.code, refusal.message, [
      { field: refusal.code === 'VALIDATION_FAILED' ? 'reason' : 'status', message: refusal.message },
    ]);
  }
  return claim;
}

async function applyTransition(
  executor: Executor,
  context: AuditContext,
  claim: ClaimRow,
  action: ClaimAction,
  reason: string | undefined,
  changes: Record<string, unknown>,
  /** Read the claim's detail back in the same round trip (the answer of submit and the transitions). */
  withDetail = true,
): Promise<ClaimDetail | undefined> {
  const to = TRANSITIONS[action].to;
  // The change, its transition and the claim's detail as it now stands: one round trip.
  const [, , ...detail] = await sendTogether(executor, [
    executor
      .updateTable('claim')
      .set({ ...changes, status: to, last_reason: reason ?? claim.last_reason, updated_at: new Date() })
      .where('id', '=', claim.id),
    executor.insertInto('claim_transition').values({
      province_code: claim.province_code,
      claim_id: claim.id,
      action,
      from_status: claim.status,
      to_status: to,
      actor_user_id: context.actor?.userId ?? null,
      actor_role: context.actor?.role ?? null,
      reason: reason ?? null,
      business_date: context.businessDate ?? null,
    }),
    ...(withDetail ? claimDetailQueries(executor, claim.id, claim) : []),
  ]);
  await recordAudit(executor, context, {
    action: `claim.${action}`,
    objectType: 'claim',
    objectId: claim.id,
    provinceCode: claim.province_code,
    before: { status: claim.status },
    after: { status: to, reason: reason ?? null, ...changes },
  });
  return withDetail
    ? claimDetailFrom(executor, detail as RowsOf<ReturnType<typeof claimDetailQueries>>)
    : undefined;
}

/** Applies an already-authorised transition by claim id (used by payment ordering). */
export async function applyTransitionById(
  executor: Executor,
  context: AuditContext,
  claimId: number,
  action: ClaimAction,
  reason: string | undefined,
  changes: Record<string, unknown>,
): Promise<void> {
  const claim = await selectClaimRow(executor, claimId, true);
  if (!claim) throw notFound('补贴申请', claimId);
  await applyTransition(executor, context, claim, action, reason, changes, false);
}

export interface TransitionInput {
  action: Exclude<ClaimAction, 'submit' | 'order_payment'>;
  reason?: string;
}

/**
 * Review, return, reject, public notice, approval and payment results. The same person may
 * not review and approve one claim; approval waits for the end of the notice and for every
 * objection to be resolved.
 */
export async function transitionClaim(
  executor: Executor,
  context: AuditContext,
  claimId: number,
  input: TransitionInput,
  options: { clock?: Clock; noticeWorkingDays?: number } = {},
): Promise<ClaimDetail> {
  const clock = options.clock ?? systemClock;
  const claim = await lockForTransition(executor, context, claimId, input.action, input.reason);
  const principal = context.actor!;
  // Supervision: a third-party agency reviews only under a live contract and while not sanctioned.
  if (principal.role === 'third_party_reviewer')
    await assertAgencyMayReview(executor, principal, claim.region_code, clock.today());
  const now = new Date();
  let changes: Record<string, unknown> = {};
  switch (input.action) {
    case 'review':
      changes = { reviewed_at: now, reviewed_by_user_id: principal.userId };
      break;
    case 'start_notice': {
      const startsOn = clock.today();
      changes = {
        notice_starts_on: startsOn,
        notice_ends_on: noticeEndDate(startsOn, options.noticeWorkingDays ?? 5),
      };
      break;
    }
    case 'approve':
      await assertApprovable(executor, claim, principal.userId, clock);
      changes = { approved_at: now, approved_by_user_id: principal.userId };
      break;
    case 'return':
    case 'reject':
      await releaseClaimUsage(executor, claim.id, claim.province_code);
      break;
    case 'mark_paid':
      changes = { paid_at: now };
      break;
    case 'mark_failed':
      break;
  }
  return (await applyTransition(executor, context, claim, input.action, input.reason, changes))!;
}

async function assertApprovable(
  executor: Executor,
  claim: ClaimRow,
  approverId: number,
  clock: Clock,
): Promise<void> {
  if (claim.reviewed_by_user_id === approverId) {
    throw new AppError('FORBIDDEN', '同一人不能既审核又审批同一笔申请', [
      { field: 'approver', message: '审核人不能审批同一笔申请' },
    ]);
  }
  if (!claim.notice_ends_on || clock.today() <= claim.notice_ends_on) {
    throw new AppError('INVALID_STATE', `公示期至 ${claim.notice_ends_on} 结束，期满后方可审批`, [
      { field: 'noticeEndsOn', message: '公示期尚未结束' },
    ]);
  }
  const open = await executor
    .selectFrom('claim_objection')
    .select('id')
    .where('claim_id', '=', claim.id)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  if (open)
    throw new AppError('INVALID_STATE', '公示期间的异议尚未处理', [
      { field: 'objections', message: '有未处理的异议' },
    ]);
  if (claim.is_risk_blocked) {
    throw new AppError('INVALID_STATE', '该申请存在高风险预警，须经办人员核查解除后方可审批', [
      { field: 'risk', message: '存在未解除的高风险预警' },
    ]);
  }
  if (claim.total_amount_fen <= 0) {
    throw new AppError('INVALID_STATE', '该申请没有符合条件的补贴金额，应作不予补贴处理', [
      { field: 'totalAmountFen', message: '没有符合条件的补贴金额' },
    ]);
  }
}

/**
 * Supervision hook (issue 9): a confirmed fraud case excludes claim lines. Each line is marked
 * excluded with the case's reason, its entitlements are released and the claim's totals are
 * recomputed; returns the claim's status and the amount the excluded lines had carried (what a
 * paid claim must recover).
 */
export async function excludeClaimLinesBySupervision(
  executor: Executor,
  context: AuditContext,
  input: { claimId: number; lineIds: number[]; reason: string },
): Promise<{ status: string; excludedAmountFen: number }> {
  const claim = await selectClaimRow(executor, input.claimId, true);
  if (!claim) throw notFound('补贴申请', input.claimId);
  const lines = await executor
    .selectFrom('claim_line')
    .select(['id', 'amount_fen', 'is_eligible'])
    .where('claim_id', '=', input.claimId)
    .where('id', 'in', input.lineIds.length > 0 ? input.lineIds : [-1])
    .where('status', '=', 'active')
    .execute();
  if (lines.length === 0) return { status: claim.status, excludedAmountFen: 0 };
  await executor
    .updateTable('claim_line')
    .set({ status: 'excluded', excluded_reason: input.reason })
    .where(
      'id',
      'in',
      lines.map((line) => line.id),
    )
    .execute();
  for (const line of lines) await releaseLineUsage(executor, line.id);
  await refreshTotals(executor, input.claimId);
  const excludedAmountFen = lines.reduce((sum, line) => sum + (line.is_eligible ? line.amount_fen : 0), 0);
  await recordAudit(executor, context, {
    action: 'claim.lines.exclude',
    objectType: 'claim',
    objectId: input.claimId,
    provinceCode: claim.province_code,
    before: { totalAmountFen: claim.total_amount_fen },
    after: { excludedLineIds: lines.map((line) => line.id), excludedAmountFen, reason: input.reason },
  });
  return { status: claim.status, excludedAmountFen };
}
