import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, type Principal, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { type ListOrdering, orderList } from '../db/list-order.ts';
import { type Statement, sendTogether } from '../db/together.ts';
import { offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import { getPhones, phonesFromRows, phonesQuery } from '../registry/person.service.ts';
import { blindIndex } from '../shared/crypto.ts';
import { dataKeyring } from '../shared/data-keyring.ts';
import { AppError, notFound } from '../shared/errors.ts';
import type { ListSort } from '../shared/schemas.ts';
import {
  collectStaleFingerprints,
  DETECTORS,
  type DetectionScope,
  nextStaleFingerprints,
  refreshClaimRisk,
  refreshClaimRiskQuery,
  staleFingerprintsQuery,
  storeFingerprintsQueries,
  type TargetedScope,
  traineeIdsOf,
  upsertAlerts,
  upsertAlertsTogetherQuery,
} from './risk.repository.ts';
import { BLOCK_THRESHOLD, RULE_CODES, RULES, type RuleCode } from './risk.rules.ts';

export type AlertStatus = 'open' | 'cleared' | 'in_case' | 'confirmed';

export interface RiskAlert {
  id: number;
  provinceCode: string;
  regionCode: string;
  ruleCode: RuleCode;
  ruleLabel: string;
  subjectKey: string;
  classId: number | null;
  relatedClassId: number | null;
  claimId: number | null;
  institutionId: number | null;
  personId: number | null;
  score: number;
  isBlocking: boolean;
  evidence: unknown;
  status: AlertStatus;
  firstDetectedAt: Date;
  lastDetectedAt: Date;
  clearedAt: Date | null;
  clearReason: string | null;
  caseId: number | null;
}

type AlertRow = Awaited<ReturnType<typeof selectAlertRow>> & object;

async function selectAlertRow(executor: Executor, id: number, forUpdate = false) {
  let query = executor.selectFrom('risk_alert').selectAll().where('id', '=', id);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function toAlert(row: AlertRow): RiskAlert {
  const rule = RULES[row.rule_code as RuleCode];
  return {
    id: row.id,
    provinceCode: row.province_code,
    regionCode: row.region_code,
    ruleCode: row.rule_code as RuleCode,
    ruleLabel: rule?.label ?? row.rule_code,
    subjectKey: row.subject_key,
    classId: row.class_id,
    relatedClassId: row.related_class_id,
    claimId: row.claim_id,
    institutionId: row.institution_id,
    personId: row.person_id,
    score: row.score,
    isBlocking: row.score >= BLOCK_THRESHOLD,
    evidence: row.evidence,
    status: row.status,
    firstDetectedAt: row.first_detected_at,
    lastDetectedAt: row.last_detected_at,
    clearedAt: row.cleared_at,
    clearReason: row.clear_reason,
    caseId: row.case_id,
  };
}

const FINGERPRINT_PURPOSE = 'supervision.phone';
const FINGERPRINT_BATCH = 5000;

/** The keyed fingerprint of a phone number (digits only, without the +86 prefix). */
export function phoneFingerprint(phone: string | null): string | null {
  const digits = (phone ?? '').replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  return digits === '' ? null : blindIndex(dataKeyring(), FINGERPRINT_PURPOSE, digits);
}

/**
 * Brings the phone fingerprints of the trainees in scope up to date: people without one or
 * changed since. The phone is read through the registry (which decrypts it) and never stored.
 */
export async function refreshPhoneFingerprints(executor: Executor, scope: DetectionScope): Promise<number> {
  if (scope.kind === 'targeted') {
    if (scope.classIds.length === 0) return 0;
    return fingerprint(executor, (await staleFingerprintsQuery(scope).execute(executor)).rows);
  }
  // A sweep: the stale set in one statement (a temporary table of the transaction), then
  // fingerprinted in keyset pages — a first sweep over a province fingerprints millions.
  if (!executor.isTransaction)
    return executor.transaction().execute((trx) => refreshPhoneFingerprints(trx, scope));
  const stale = await collectStaleFingerprints(executor, scope);
  for (let afterId = 0, done = 0; done < stale; ) {
    const page = await nextStaleFingerprints(executor, { afterId, limit: FINGERPRINT_BATCH });
    if (page.length === 0) break;
    done += await fingerprint(executor, page);
    afterId = page[page.length - 1]!.id;
  }
  return stale;
}

/** Stores the fingerprints of these persons' phones (decrypting only the phones); returns how many. */
async function fingerprint(
  executor: Executor,
  persons: ReadonlyArray<{ id: number; province_code: string; updated_at: Date }>,
): Promise<number> {
  if (persons.length === 0) return 0;
  const phones = await getPhones(
    executor,
    persons.map((row) => row.id),
  );
  for (const statement of fingerprintStatements(persons, phones)) await statement.execute(executor);
  return persons.length;
}

/** The statements that store these persons' fingerprints, from their phones (decrypted by the registry). */
function fingerprintStatements(
  persons: ReadonlyArray<{ id: number; province_code: string }>,
  phones: ReadonlyMap<number, string | null>,
) {
  return storeFingerprintsQueries(
    persons.map((row) => ({
      id: row.id,
      province_code: row.province_code,
      phoneHash: phoneFingerprint(phones.get(row.id) ?? null),
    })),
  );
}

export interface DetectionSummary {
  byRule: Record<string, { found: number; created: number; durationMs: number }>;
  /** Time spent bringing phone fingerprints up to date (decrypting changed phones). */
  fingerprintMs: number;
  /** Trainees whose phone fingerprint was missing or stale and was computed. */
  fingerprinted: number;
  found: number;
  created: number;
}

/** Runs every detector over the scope, as of the business now, and stores the alerts. */
export async function detect(
  executor: Executor,
  scope: DetectionScope,
  now: Date,
): Promise<DetectionSummary> {
  const fingerprintStart = Date.now();
  const fingerprinted = await refreshPhoneFingerprints(executor, scope);
  const fingerprintMs = Date.now() - fingerprintStart;
  const byRule: DetectionSummary['byRule'] = {};
  let found = 0;
  let created = 0;
  for (const code of RULE_CODES) {
    const startedAt = Date.now();
    const result = await upsertAlerts(executor, DETECTORS[code](scope, now));
    byRule[code] = { ...result, durationMs: Date.now() - startedAt };
    found += result.found;
    created += result.created;
  }
  return { byRule, fingerprintMs, fingerprinted, found, created };
}

export interface ScreeningResult {
  claimId: number;
  riskScore: number;
  isRiskBlocked: boolean;
  alerts: RiskAlert[];
}

/** The claim a screening starts from (its row as the caller locked it, or as read here). */
export interface ScreenedClaim {
  id: number;
  province_code: string;
  class_id: number | null;
  risk_score: number;
  is_risk_blocked: boolean;
}

/**
 * Screens one claim when it is submitted (the hook in claims' submitClaim): the detectors run
 * over its class and itself, and the claim's risk_score/is_risk_blocked follow the open alerts.
 *
 * Two round trips (src/db/together.ts; eight statements one by one before, issue 22): the
 * trainees whose phone fingerprint is stale, with the trainees' phones; then the new
 * fingerprints, every rule's alerts in one upsert, the claim's risk and its alerts. The caller may
 * pass the claim's row it holds (submission has locked it) and statements of its own to send
 * first, in the first round trip (`sendFirst`: submission's decided lines).
 */
export async function screenClaim(
  executor: Executor,
  context: AuditContext,
  claimOrId: number | ScreenedClaim,
  /** The business now (`app.clock.now()`). */
  now: Date,
  sendFirst: readonly Statement[] = [],
): Promise<ScreeningResult> {
  const claim = typeof claimOrId === 'number' ? await selectScreenedClaim(executor, claimOrId) : claimOrId;
  const claimId = claim.id;
  const classIds = claim.class_id === null ? [] : [claim.class_id];
  // Every rule over the claim and its class in one statement (a sweep runs them one by one, timed).
  const scope: TargetedScope = {
    kind: 'targeted',
    provinceCode: claim.province_code,
    classIds,
    claimIds: [claimId],
  };
  let fingerprints: Statement[] = [];
  if (classIds.length > 0) {
    const reads = await sendTogether(executor, [
      ...sendFirst,
      staleFingerprintsQuery(scope).compile(executor),
      phonesQuery(executor, traineeIdsOf(executor, scope)),
    ]);
    const [stale, phoneRows] = reads.slice(sendFirst.length) as [
      Array<{ id: number; province_code: string; updated_at: Date }>,
      Parameters<typeof phonesFromRows>[0],
    ];
    // Only the stale trainees' phones are decrypted.
    const staleIds = new Set(stale.map((row) => row.id));
    const phones = phonesFromRows(phoneRows.filter((row) => staleIds.has(row.id)));
    fingerprints = fingerprintStatements(stale, phones).map((statement) => statement.compile(executor));
  } else if (sendFirst.length > 0) await sendTogether(executor, sendFirst);
  const [, refreshed, alertRows] = await sendTogether(executor, [
    ...fingerprints,
    upsertAlertsTogetherQuery(RULE_CODES.map((code) => DETECTORS[code](scope, now))).compile(executor),
    // The refresh returns the claim only when its risk changed.
    refreshClaimRiskQuery({ claimIds: [claimId], provinceCode: claim.province_code })!.compile(executor),
    alertsOfClaimQuery(executor, claimId, claim.class_id),
  ]).then((rows) => rows.slice(fingerprints.length) as [unknown, ScreenedClaim[], AlertRow[]]);
  const after = refreshed.find((row) => row.id === claimId) ?? claim;
  const alerts = alertRows.map(toAlert);
  await recordAudit(executor, context, {
    action: 'supervision.claim.screen',
    objectType: 'claim',
    objectId: claimId,
    provinceCode: claim.province_code,
    before: { riskScore: claim.risk_score, isRiskBlocked: claim.is_risk_blocked },
    after: {
      riskScore: after.risk_score,
      isRiskBlocked: after.is_risk_blocked,
      alertIds: alerts.filter((alert) => alert.status === 'open').map((alert) => alert.id),
    },
  });
  return { claimId, riskScore: after.risk_score, isRiskBlocked: after.is_risk_blocked, alerts };
}

async function selectScreenedClaim(executor: Executor, claimId: number): Promise<ScreenedClaim> {
  const claim = await executor
    .selectFrom('claim')
    .select(['id', 'province_code', 'class_id', 'risk_score', 'is_risk_blocked'])
    .where('id', '=', claimId)
    .executeTakeFirst();
  if (!claim) throw notFound('补贴申请', claimId);
  return claim;
}

/** Every alert on a claim: on itself, on its class, or naming its class as the related one. */
export async function alertsOfClaim(
  executor: Executor,
  claimId: number,
  /** The claim's class, when the caller has read the claim already. */
  known?: { classId: number | null },
): Promise<RiskAlert[]> {
  const claim =
    known ??
    (await executor
      .selectFrom('claim')
      .select('class_id as classId')
      .where('id', '=', claimId)
      .executeTakeFirst());
  if (!claim) return [];
  return (await alertsOfClaimQuery(executor, claimId, claim.classId).execute()).map(toAlert);
}

/**
 * The statement of `alertsOfClaim`. It names no province: an alert on the claim's class is in the
 * class's province, but one naming the class as the related one (two overlapping classes of one
 * trainee) is in the other class's, which may be another province's.
 */
function alertsOfClaimQuery(executor: Executor, claimId: number, classId: number | null) {
  return executor
    .selectFrom('risk_alert')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('claim_id', '=', claimId),
        ...(classId === null ? [] : [eb('class_id', '=', classId), eb('related_class_id', '=', classId)]),
      ]),
    )
    .orderBy('score', 'desc')
    .orderBy('id');
}

export interface SweepResult extends DetectionSummary {
  runId: number;
  provinceCode: string | null;
  claimsNewlyBlocked: number;
  claimsUnblocked: number;
  durationMs: number;
}

/**
 * The scheduled sweep over everything (or one province): every detector as one statement, then
 * the risk of every claim still on its way to approval. Recorded as a run and audited.
 */
export async function runSweep(
  executor: Executor,
  context: AuditContext,
  /** `now`: the business now (`app.clock.now()`) the rules ask "has it happened yet" against. */
  options: { provinceCode: string | null; analyze?: boolean; now: Date },
): Promise<SweepResult> {
  const startedAt = new Date();
  // Fresh planner statistics for the set-based statements (PGlite runs no autovacuum; on
  // PostgreSQL this is a cheap sample). ANALYZE is allowed inside the sweep's transaction.
  if (options.analyze !== false) await sql`analyze`.execute(executor);
  // PostgreSQL's JIT spends seconds compiling these one-off statements and saves nothing
  // (the same finding as the quarterly report); PGlite accepts and ignores the setting.
  await sql`set local jit = off`.execute(executor);
  const summary = await detect(executor, { kind: 'all', provinceCode: options.provinceCode }, options.now);
  const changed = await refreshClaimRisk(executor, { provinceCode: options.provinceCode });
  const finishedAt = new Date();
  const provinceCode = options.provinceCode ?? '000000';
  const run = await executor
    .insertInto('risk_sweep_run')
    .values({
      province_code: provinceCode,
      scope: options.provinceCode ?? 'all',
      started_at: startedAt,
      finished_at: finishedAt,
      alert_count: summary.found,
      new_alert_count: summary.created,
      by_rule: JSON.stringify(summary.byRule),
      triggered_by_user_id: context.actor?.userId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const claimsNewlyBlocked = changed.filter((row) => row.is_risk_blocked).length;
  await recordAudit(executor, context, {
    action: 'supervision.sweep',
    objectType: 'risk_sweep_run',
    objectId: run.id,
    provinceCode,
    after: {
      found: summary.found,
      created: summary.created,
      claimsNewlyBlocked,
      blockedClaimIds: changed
        .filter((row) => row.is_risk_blocked)
        .map((row) => row.id)
        .slice(0, 100),
    },
  });
  return {
    ...summary,
    runId: run.id,
    provinceCode: options.provinceCode,
    claimsNewlyBlocked,
    claimsUnblocked: changed.length - claimsNewlyBlocked,
    durationMs: finishedAt.getTime() - startedAt.getTime(),
  };
}

/** An alert the caller may see (region scope), or 404/403. */
export async function getVisibleAlert(
  executor: Executor,
  principal: Principal,
  id: number,
): Promise<RiskAlert> {
  const row = await selectAlertRow(executor, id);
  if (!row) throw notFound('风险预警', id);
  assertRegionScope(principal, row.region_code);
  return toAlert(row);
}

/**
 * An officer clears an alert after checking it (a reason is required; audited). The claims it
 * held back are unblocked when no other open alert keeps them above the threshold.
 */
export async function clearAlert(
  executor: Executor,
  context: AuditContext,
  id: number,
  reason: string,
): Promise<RiskAlert & { unblockedClaimIds: number[] }> {
  const row = await selectAlertRow(executor, id, true);
  if (!row) throw notFound('风险预警', id);
  if (context.actor) assertRegionScope(context.actor, row.region_code);
  if (row.status !== 'open')
    throw new AppError('INVALID_STATE', '只有待核查的预警可以解除；已立案的预警随案件结论处理', [
      { field: 'status', message: row.status },
    ]);
  const updated = await executor
    .updateTable('risk_alert')
    .set({
      status: 'cleared',
      cleared_at: new Date(),
      cleared_by_user_id: context.actor?.userId ?? null,
      clear_reason: reason,
    })
    .where('id', '=', id)
    .where('province_code', '=', row.province_code)
    .returningAll()
    .executeTakeFirstOrThrow();
  const changed = await refreshAlertClaims(executor, [row]);
  const unblockedClaimIds = changed.filter((claim) => !claim.is_risk_blocked).map((claim) => claim.id);
  await recordAudit(executor, context, {
    action: 'supervision.alert.clear',
    objectType: 'risk_alert',
    objectId: id,
    provinceCode: row.province_code,
    before: { status: row.status },
    after: { status: 'cleared', reason, unblockedClaimIds },
  });
  return { ...toAlert(updated), unblockedClaimIds };
}

/** Recomputes the risk of the claims the alerts concern; returns the claims whose blocking changed. */
export async function refreshAlertClaims(
  executor: Executor,
  alerts: ReadonlyArray<{
    claim_id: number | null;
    class_id: number | null;
    related_class_id: number | null;
  }>,
) {
  const claimIds = alerts.flatMap((alert) => (alert.claim_id === null ? [] : [alert.claim_id]));
  const classIds = alerts.flatMap((alert) =>
    [alert.class_id, alert.related_class_id].filter((id): id is number => id !== null),
  );
  return [
    ...(await refreshClaimRisk(executor, { claimIds })),
    ...(await refreshClaimRisk(executor, { classIds })),
  ];
}

/** The fields the alert list sorts by (`sort=`), each a property of its items. */
export const ALERT_SORT_FIELDS = ['id', 'score', 'firstDetectedAt', 'lastDetectedAt'] as const;
export type AlertSortField = (typeof ALERT_SORT_FIELDS)[number];

const ALERT_ORDERING: ListOrdering<AlertSortField> = {
  columns: {
    id: 'id',
    score: 'score',
    firstDetectedAt: 'first_detected_at',
    lastDetectedAt: 'last_detected_at',
  },
  id: 'id',
  byDefault: { sort: 'score', order: 'desc' },
};

export interface AlertListQuery extends PageRequest, ListSort<AlertSortField> {
  status?: AlertStatus;
  ruleCode?: RuleCode;
  regionCode?: string;
  classId?: number;
  claimId?: number;
  institutionId?: number;
  minScore?: number;
  detectedFrom?: string;
  detectedTo?: string;
}

/** Alerts in the caller's region subtree, highest score first unless sorted. */
export async function listAlerts(
  executor: Executor,
  principal: Principal,
  query: AlertListQuery,
): Promise<Page<RiskAlert>> {
  let base = executor
    .selectFrom('risk_alert')
    .where('region_code', 'like', regionLikePattern(principal.regionCode));
  if (query.regionCode) base = base.where('region_code', 'like', regionLikePattern(query.regionCode));
  if (query.status) base = base.where('status', '=', query.status);
  if (query.ruleCode) base = base.where('rule_code', '=', query.ruleCode);
  if (query.classId) {
    const classId = query.classId;
    base = base.where((eb) => eb.or([eb('class_id', '=', classId), eb('related_class_id', '=', classId)]));
  }
  if (query.claimId) base = base.where('claim_id', '=', query.claimId);
  if (query.institutionId) base = base.where('institution_id', '=', query.institutionId);
  if (query.minScore !== undefined) base = base.where('score', '>=', query.minScore);
  if (query.detectedFrom)
    base = base.where('last_detected_at', '>=', new Date(`${query.detectedFrom}T00:00:00+08:00`));
  if (query.detectedTo)
    base = base.where(
      'first_detected_at',
      '<',
      new Date(Date.parse(`${query.detectedTo}T00:00:00+08:00`) + 86_400_000),
    );
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await orderList(base.selectAll(), ALERT_ORDERING, query)
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toAlert), total: Number(total), page: query.page, pageSize: query.pageSize };
}

export async function listSweepRuns(executor: Executor, principal: Principal, query: PageRequest) {
  const base = executor.selectFrom('risk_sweep_run').where('province_code', '=', principal.provinceCode);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('id', 'desc')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      provinceCode: row.province_code,
      scope: row.scope,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      alertCount: row.alert_count,
      newAlertCount: row.new_alert_count,
      byRule: row.by_rule,
    })),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}
