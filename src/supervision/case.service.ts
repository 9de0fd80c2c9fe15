import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, type Principal, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { type ListOrdering, orderList } from '../db/list-order.ts';
import {
  createRecoveryOrder,
  type RecoveryOrder,
  recoveryOrdersOpenedUnder,
} from '../ledger/recovery.service.ts';
import type { SubAccount } from '../ledger/transfer.service.ts';
import { offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import { AppError, notFound } from '../shared/errors.ts';
import type { ListSort } from '../shared/schemas.ts';
import { recomputeRatings } from './rating.service.ts';
import { type RiskAlert, refreshAlertClaims, toAlert } from './risk.service.ts';
import { imposeSanction, type Sanction, type SanctionAction } from './sanction.service.ts';

/**
 * Investigation cases (立案核查): one or more alerts → a case → notes and attachments → an
 * outcome. `cleared` releases the alerts; `confirmed` excludes the affected claim lines, opens
 * recovery orders in the ledger for what was already paid, may suspend or blacklist the
 * institution or agency, and recomputes the institution's credit rating.
 */
export type CaseStatus = 'open' | 'cleared' | 'confirmed';

export interface SupervisionCase {
  id: number;
  provinceCode: string;
  regionCode: string;
  caseNumber: string;
  title: string;
  status: CaseStatus;
  institutionId: number | null;
  agencyId: number | null;
  /** Record time (system clock); openedOn is the business date the case was opened on. */
  openedAt: Date;
  openedOn: string | null;
  outcomeReason: string | null;
  decidedAt: Date | null;
  decidedOn: string | null;
}

export interface CaseDetail extends SupervisionCase {
  alerts: RiskAlert[];
  notes: Array<{ id: number; authorUserId: number | null; content: string; createdAt: Date }>;
  attachments: Array<{
    id: number;
    fileName: string;
    contentType: string;
    sizeBytes: number;
    sha256: string;
  }>;
  recoveredClaimIds: number[];
  /** The recovery orders the decision opened, as they stand now (recovered so far, open or closed). */
  recoveryOrders: RecoveryOrder[];
}

type CaseRow = NonNullable<Awaited<ReturnType<typeof selectCaseRow>>>;

async function selectCaseRow(executor: Executor, id: number, forUpdate = false) {
  let query = executor.selectFrom('supervision_case').selectAll().where('id', '=', id);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

function toCase(row: CaseRow): SupervisionCase {
  return {
    id: row.id,
    provinceCode: row.province_code,
    regionCode: row.region_code,
    caseNumber: row.case_number,
    title: row.title,
    status: row.status,
    institutionId: row.institution_id,
    agencyId: row.agency_id,
    openedAt: row.opened_at,
    openedOn: row.opened_on,
    outcomeReason: row.outcome_reason,
    decidedAt: row.decided_at,
    decidedOn: row.decided_on,
  };
}

async function lockCase(executor: Executor, context: AuditContext, id: number): Promise<CaseRow> {
  const row = await selectCaseRow(executor, id, true);
  if (!row) throw notFound('核查案件', id);
  if (context.actor) assertRegionScope(context.actor, row.region_code);
  return row;
}

function assertOpen(row: CaseRow): void {
  if (row.status !== 'open')
    throw new AppError('INVALID_STATE', '案件已结案', [{ field: 'status', message: row.status }]);
}

/** Opens a case from open alerts of one province; the alerts move to `in_case`. */
export async function openCase(
  executor: Executor,
  context: AuditContext,
  input: { alertIds: number[]; title: string; agencyId?: number },
): Promise<CaseDetail> {
  const alerts = await executor
    .selectFrom('risk_alert')
    .selectAll()
    .where('id', 'in', input.alertIds)
    .forUpdate()
    .execute();
  if (alerts.length !== new Set(input.alertIds).size) throw notFound('风险预警', input.alertIds.join(','));
  for (const alert of alerts) {
    if (context.actor) assertRegionScope(context.actor, alert.region_code);
    if (alert.status !== 'open')
      throw new AppError('INVALID_STATE', `预警 ${alert.id} 不是待核查状态`, [
        { field: 'alertIds', message: `预警 ${alert.id} 不是待核查状态` },
      ]);
  }
  const first = alerts[0]!;
  if (alerts.some((alert) => alert.province_code !== first.province_code))
    throw new AppError('VALIDATION_FAILED', '一个案件只能包含同一省份的预警', [
      { field: 'alertIds', message: '预警分属多个省份' },
    ]);
  await sql`select pg_advisory_xact_lock(hashtext(${`case:${first.province_code}`}))`.execute(executor);
  const count = await executor
    .selectFrom('supervision_case')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('province_code', '=', first.province_code)
    .executeTakeFirstOrThrow();
  const caseNumber = `JG-${first.region_code}-${String(Number(count.n) + 1).padStart(6, '0')}`;
  const row = await executor
    .insertInto('supervision_case')
    .values({
      province_code: first.province_code,
      region_code: first.region_code,
      case_number: caseNumber,
      title: input.title,
      institution_id: alerts.find((alert) => alert.institution_id !== null)?.institution_id ?? null,
      agency_id: input.agencyId ?? null,
      opened_by_user_id: context.actor?.userId ?? null,
      opened_on: context.businessDate ?? null,
      outcome_reason: null,
      decided_by_user_id: null,
      decided_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await executor
    .insertInto('supervision_case_alert')
    .values(
      alerts.map((alert) => ({ province_code: first.province_code, case_id: row.id, alert_id: alert.id })),
    )
    .execute();
  await executor
    .updateTable('risk_alert')
    .set({ status: 'in_case', case_id: row.id })
    .where('id', 'in', input.alertIds)
    .execute();
  await recordAudit(executor, context, {
    action: 'supervision.case.open',
    objectType: 'supervision_case',
    objectId: row.id,
    provinceCode: row.province_code,
    after: { caseNumber, alertIds: input.alertIds, title: input.title },
  });
  return getCaseDetail(executor, row.id);
}

export async function getCaseDetail(executor: Executor, id: number): Promise<CaseDetail> {
  const row = await selectCaseRow(executor, id);
  if (!row) throw notFound('核查案件', id);
  const alerts = await executor
    .selectFrom('risk_alert')
    .innerJoin('supervision_case_alert as link', (join) =>
      join
        .onRef('link.alert_id', '=', 'risk_alert.id')
        .onRef('link.province_code', '=', 'risk_alert.province_code'),
    )
    .selectAll('risk_alert')
    .where('link.case_id', '=', id)
    .orderBy('risk_alert.id')
    .execute();
  const notes = await executor
    .selectFrom('supervision_case_note')
    .selectAll()
    .where('case_id', '=', id)
    .orderBy('id')
    .execute();
  const attachments = await executor
    .selectFrom('supervision_case_attachment')
    .selectAll()
    .where('case_id', '=', id)
    .orderBy('id')
    .execute();
  return {
    ...toCase(row),
    alerts: alerts.map(toAlert),
    notes: notes.map((note) => ({
      id: note.id,
      authorUserId: note.author_user_id,
      content: note.content,
      createdAt: note.created_at,
    })),
    attachments: attachments.map((file) => ({
      id: file.id,
      fileName: file.file_name,
      contentType: file.content_type,
      sizeBytes: file.size_bytes,
      sha256: file.sha256,
    })),
    recoveredClaimIds: (row.recovered_claim_ids as number[] | null) ?? [],
    recoveryOrders: await recoveryOrdersOpenedUnder(executor, row.province_code, recoveryKeyOf(row.id)),
  };
}

/** The key prefix of the recovery orders a case's decision opens (one per paid claim). */
function recoveryKeyOf(caseId: number): string {
  return `supervision-case:${caseId}:`;
}

export async function getVisibleCase(
  executor: Executor,
  principal: Principal,
  id: number,
): Promise<CaseDetail> {
  const row = await selectCaseRow(executor, id);
  if (!row) throw notFound('核查案件', id);
  assertRegionScope(principal, row.region_code);
  return getCaseDetail(executor, id);
}

/** Adds an investigation note (append-only). */
export async function addCaseNote(
  executor: Executor,
  context: AuditContext,
  caseId: number,
  content: string,
): Promise<CaseDetail> {
  const row = await lockCase(executor, context, caseId);
  assertOpen(row);
  const note = await executor
    .insertInto('supervision_case_note')
    .values({
      province_code: row.province_code,
      case_id: caseId,
      author_user_id: context.actor?.userId ?? null,
      content,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'supervision.case.note',
    objectType: 'supervision_case',
    objectId: caseId,
    provinceCode: row.province_code,
    after: { noteId: note.id },
  });
  return getCaseDetail(executor, caseId);
}

const ATTACHMENT_TYPES = new Set([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'video/mp4',
  'text/plain',
  'text/csv',
]);

/** Stores evidence (photos, statements, exports) under the upload directory by SHA-256. */
export async function addCaseAttachment(
  executor: Executor,
  context: AuditContext,
  input: { caseId: number; fileName: string; contentType: string; content: Buffer; uploadDir: string },
): Promise<CaseDetail> {
  const row = await lockCase(executor, context, input.caseId);
  assertOpen(row);
  if (!ATTACHMENT_TYPES.has(input.contentType))
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `不支持的文件类型：${input.contentType}`, [
      { field: 'contentType', message: '须为 PDF、JPEG、PNG、MP4、TXT 或 CSV 文件' },
    ]);
  const sha256 = createHash('sha256').update(input.content).digest('hex');
  const relativePath = path.join('supervision', sha256.slice(0, 2), sha256);
  const absolutePath = path.join(input.uploadDir, relativePath);
  await fs.mkdir(path.dirname(absolutePath), { recursive: true });
  await fs.writeFile(absolutePath, input.content);
  const file = await executor
    .insertInto('supervision_case_attachment')
    .values({
      province_code: row.province_code,
      case_id: input.caseId,
      file_name: input.fileName.slice(0, 200),
      content_type: input.contentType,
      size_bytes: input.content.length,
      sha256,
      storage_path: relativePath,
      uploaded_by_user_id: context.actor?.userId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'supervision.case.attachment',
    objectType: 'supervision_case',
    objectId: input.caseId,
    provinceCode: row.province_code,
    after: { attachmentId: file.id, sha256, sizeBytes: input.content.length },
  });
  return getCaseDetail(executor, input.caseId);
}

export interface CaseDecision {
  outcome: 'cleared' | 'confirmed';
  reason: string;
  /** Lines to exclude; by default every line the case's alerts point at. */
  claimLineIds?: number[];
  /** Value date of the recovery postings; today by default. */
  valueDate?: string;
  sanction?: { target: 'institution' | 'agency'; action: SanctionAction; effectiveDate: string };
}

export interface CaseOutcome extends CaseDetail {
  excludedLineIds: number[];
  recoveryOrders: RecoveryOrder[];
  sanction: Sanction | null;
}

/** The claim lines the case's alerts point at: the person's lines, or every line of the class or claim. */
async function affectedLines(executor: Executor, caseId: number, explicit: number[] | undefined) {
  let query = executor
    .selectFrom('claim_line as line')
    .innerJoin('claim', (join) =>
      join.onRef('claim.id', '=', 'line.claim_id').onRef('claim.province_code', '=', 'line.province_code'),
    )
    .select(['line.id', 'line.claim_id', 'line.amount_fen', 'line.is_eligible', 'claim.status'])
    .where('line.status', '=', 'active')
    .where('claim.status', 'not in', ['draft', 'rejected', 'returned']);
  if (explicit) {
    query = query.where('line.id', 'in', explicit.length > 0 ? explicit : [-1]);
  } else {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('supervision_case_alert as link')
          .innerJoin('risk_alert as a', (join) =>
            join.onRef('a.id', '=', 'link.alert_id').onRef('a.province_code', '=', 'link.province_code'),
          )
          .select(sql`1`.as('one'))
          .where('link.case_id', '=', caseId)
          .where((inner) =>
            inner.and([
              inner.or([
                inner('a.claim_id', '=', inner.ref('claim.id')),
                inner('a.class_id', '=', inner.ref('claim.class_id')),
                inner('a.related_class_id', '=', inner.ref('claim.class_id')),
              ]),
              inner.or([
                inner('a.person_id', 'is', null),
                inner('a.person_id', '=', inner.ref('line.person_id')),
              ]),
            ]),
          ),
      ),
    );
  }
  return query.orderBy('line.id').execute();
}

/**
 * What a confirmed case does to the claim lines it names: excludes them, releases their
 * entitlements and answers the claim's status and the amount they carried. The claims domain
 * implements it (claims/claim.service.ts `excludeClaimLinesBySupervision`); the composition root
 * (src/api/routes.ts) hands it to the supervision routes, so supervision never imports claims.
 */
export type ClaimLineExclusion = (
  executor: Executor,
  context: AuditContext,
  input: { claimId: number; lineIds: number[]; reason: string },
) => Promise<{ status: string; excludedAmountFen: number }>;

/**
 * Decides a case. Confirmed: excludes the affected lines (claims recompute their totals), opens
 * one recovery order per paid claim for the excluded amount (ledger: receivable / recovery
 * reserve), applies the sanction if asked, and recomputes the institution's rating.
 */
export async function decideCase(
  executor: Executor,
  context: AuditContext,
  caseId: number,
  decision: CaseDecision,
  excludeClaimLines: ClaimLineExclusion,
  clock: Clock = systemClock,
): Promise<CaseOutcome> {
  const row = await lockCase(executor, context, caseId);
  assertOpen(row);
  const alerts = await executor.selectFrom('risk_alert').selectAll().where('case_id', '=', caseId).execute();
  const excludedLineIds: number[] = [];
  const recoveryOrders: RecoveryOrder[] = [];
  let sanction: Sanction | null = null;
  if (decision.outcome === 'confirmed') {
    const lines = await affectedLines(executor, caseId, decision.claimLineIds);
    const byClaim = new Map<number, typeof lines>();
    for (const line of lines) byClaim.set(line.claim_id, [...(byClaim.get(line.claim_id) ?? []), line]);
    for (const [claimId, claimLines] of byClaim) {
      const excluded = await excludeClaimLines(executor, context, {
        claimId,
        lineIds: claimLines.map((line) => line.id),
        reason: `核查案件 ${row.case_number} 认定：${decision.reason}`,
      });
      excludedLineIds.push(...claimLines.map((line) => line.id));
      if (['paid', 'payment_ordered'].includes(excluded.status) && excluded.excludedAmountFen > 0) {
        recoveryOrders.push(
          await recover(executor, context, {
            caseRow: row,
            claimId,
            amountFen: excluded.excludedAmountFen,
            decision,
            clock,
          }),
        );
      }
    }
    if (decision.sanction) sanction = await sanctionFor(executor, context, row, decision);
  } else if (decision.sanction) {
    throw new AppError('VALIDATION_FAILED', '排除疑点的案件不能作出处罚', [
      { field: 'sanction', message: '只有认定违规的案件才能作出处罚' },
    ]);
  }
  const alertStatus = decision.outcome === 'confirmed' ? 'confirmed' : 'cleared';
  await executor
    .updateTable('risk_alert')
    .set({
      status: alertStatus,
      ...(alertStatus === 'cleared'
        ? {
            cleared_at: new Date(),
            cleared_by_user_id: context.actor?.userId ?? null,
            clear_reason: decision.reason,
          }
        : {}),
    })
    .where('case_id', '=', caseId)
    .execute();
  await refreshAlertClaims(executor, alerts);
  await executor
    .updateTable('supervision_case')
    .set({
      status: decision.outcome,
      outcome_reason: decision.reason,
      decided_by_user_id: context.actor?.userId ?? null,
      decided_at: new Date(),
      decided_on: context.businessDate ?? null,
      recovered_claim_ids: JSON.stringify(recoveryOrders.map((order) => order.claimId)),
    })
    .where('id', '=', caseId)
    .where('province_code', '=', row.province_code)
    .execute();
  await recordAudit(executor, context, {
    action: `supervision.case.${decision.outcome === 'confirmed' ? 'confirm' : 'clear'}`,
    objectType: 'supervision_case',
    objectId: caseId,
    provinceCode: row.province_code,
    before: { status: row.status },
    after: {
      status: decision.outcome,
      reason: decision.reason,
      excludedLineIds,
      recoveryOrderIds: recoveryOrders.map((order) => order.id),
      sanctionId: sanction?.id ?? null,
    },
  });
  if (decision.outcome === 'confirmed' && row.institution_id !== null) {
    const years = await caseYears(executor, caseId);
    for (const year of years)
      await recomputeRatings(executor, context, { year, institutionIds: [row.institution_id] });
  }
  return { ...(await getCaseDetail(executor, caseId)), excludedLineIds, recoveryOrders, sanction };
}

async function recover(
  executor: Executor,
  context: AuditContext,
  input: { caseRow: CaseRow; claimId: number; amountFen: number; decision: CaseDecision; clock: Clock },
): Promise<RecoveryOrder> {
  const claim = await executor
    .selectFrom('claim')
    .select(['region_code'])
    .where('id', '=', input.claimId)
    .executeTakeFirstOrThrow();
  const paid = await executor
    .selectFrom('payment_item')
    .select(['sub_account', 'region_code', (eb) => eb.fn.sum<number>('amount_fen').as('paid')])
    .where('claim_id', '=', input.claimId)
    .where('status', '!=', 'returned_to_payable')
    .groupBy(['sub_account', 'region_code'])
    .orderBy('paid', 'desc')
    .executeTakeFirst();
  if (!paid) throw new Error(`claim ${input.claimId} is ${'paid'} but has no payment item`);
  return createRecoveryOrder(executor, context, {
    idempotencyId: `${recoveryKeyOf(input.caseRow.id)}claim:${input.claimId}`,
    claimId: input.claimId,
    regionCode: paid.region_code ?? claim.region_code,
    subAccount: paid.sub_account as SubAccount,
    amountFen: Math.min(input.amountFen, Number(paid.paid)),
    reason: `核查案件 ${input.caseRow.case_number}：${input.decision.reason}`,
    valueDate: input.decision.valueDate ?? input.clock.today(),
  });
}

async function sanctionFor(
  executor: Executor,
  context: AuditContext,
  row: CaseRow,
  decision: CaseDecision,
): Promise<Sanction> {
  const sanction = decision.sanction!;
  const organisationId = sanction.target === 'institution' ? row.institution_id : row.agency_id;
  if (organisationId === null)
    throw new AppError('VALIDATION_FAILED', '案件未关联被处罚的机构', [
      { field: 'sanction.target', message: `案件未关联被处罚的机构` },
    ]);
  return imposeSanction(executor, context, {
    organisationId,
    action: sanction.action,
    effectiveDate: sanction.effectiveDate,
    reason: `核查案件 ${row.case_number}：${decision.reason}`,
    caseId: row.id,
  });
}

/** The years of the classes a case concerns (for the rating recomputation). */
async function caseYears(executor: Executor, caseId: number): Promise<number[]> {
  const rows = await sql<{ year: number }>`
    select distinct extract(year from ((c.starts_at at time zone 'UTC') + interval '8 hours'))::int as year
    from risk_alert a
    join training_class c on c.id = coalesce(a.class_id, (select class_id from claim where id = a.claim_id))
    where a.case_id = ${caseId}`.execute(executor);
  return rows.rows.map((row) => Number(row.year));
}

/** The fields the case list sorts by (`sort=`), each a property of its items. */
export const CASE_SORT_FIELDS = ['id', 'caseNumber', 'openedOn', 'decidedOn', 'openedAt'] as const;
export type CaseSortField = (typeof CASE_SORT_FIELDS)[number];

const CASE_ORDERING: ListOrdering<CaseSortField> = {
  columns: {
    id: 'id',
    caseNumber: 'case_number',
    openedOn: 'opened_on',
    decidedOn: 'decided_on',
    openedAt: 'opened_at',
  },
  textFields: ['caseNumber'],
  id: 'id',
  byDefault: { sort: 'id', order: 'desc' },
};

export interface CaseListQuery extends PageRequest, ListSort<CaseSortField> {
  status?: CaseStatus;
  regionCode?: string;
  institutionId?: number;
  openedFrom?: string;
  openedTo?: string;
}

export async function listCases(
  executor: Executor,
  principal: Principal,
  query: CaseListQuery,
): Promise<Page<SupervisionCase>> {
  let base = executor
    .selectFrom('supervision_case')
    .where('region_code', 'like', regionLikePattern(principal.regionCode));
  if (query.regionCode) base = base.where('region_code', 'like', regionLikePattern(query.regionCode));
  if (query.status) base = base.where('status', '=', query.status);
  if (query.institutionId) base = base.where('institution_id', '=', query.institutionId);
  if (query.openedFrom) base = base.where('opened_at', '>=', new Date(`${query.openedFrom}T00:00:00+08:00`));
  if (query.openedTo)
    base = base.where(
      'opened_at',
      '<',
      new Date(Date.parse(`${query.openedTo}T00:00:00+08:00`) + 86_400_000),
    );
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await orderList(base.selectAll(), CASE_ORDERING, query)
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toCase), total: Number(total), page: query.page, pageSize: query.pageSize };
}
