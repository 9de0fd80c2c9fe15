import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, isWithinRegion, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { LEVEL_LABELS, type Level } from '../shared/vocabulary.ts';
import { assertOccupationExists } from './occupation.service.ts';
import { getOrganisation } from './organisation.service.ts';
import { offsetOf, type Page, type PageRequest } from './pagination.ts';

/**
 * One admission of the evaluation-organisation catalog (评价机构目录): the organisation may assess
 * and certify the occupation at the level from `validFrom` to `validTo`. `suspended` is derived
 * while the organisation itself is suspended, blacklisted or revoked.
 */
export interface EvaluationCatalogEntry {
  id: number;
  organisationId: number;
  organisationName: string;
  occupationCode: string;
  level: Level;
  regionCode: string;
  validFrom: string;
  validTo: string | null;
  status: 'active' | 'suspended' | 'withdrawn';
  withdrawnOn: string | null;
  withdrawalReason: string | null;
}

export interface NewEvaluationCatalogEntry {
  organisationId: number;
  occupationCode: string;
  level: Level;
  regionCode: string;
  validFrom: string;
  validTo?: string | null;
}

function entries(executor: Executor) {
  return executor
    .selectFrom('evaluation_catalog')
    .innerJoin('organisation', (join) =>
      join
        .onRef('organisation.id', '=', 'evaluation_catalog.organisation_id')
        .onRef('organisation.province_code', '=', 'evaluation_catalog.province_code'),
    );
}

const COLUMNS = [
  'evaluation_catalog.id',
  'evaluation_catalog.organisation_id',
  'evaluation_catalog.occupation_code',
  'evaluation_catalog.level',
  'evaluation_catalog.region_code',
  'evaluation_catalog.valid_from',
  'evaluation_catalog.valid_to',
  'evaluation_catalog.status',
  'evaluation_catalog.withdrawn_on',
  'evaluation_catalog.withdrawal_reason',
  'organisation.name as organisation_name',
  'organisation.status as organisation_status',
] as const;

type Row = {
  id: number;
  organisation_id: number;
  occupation_code: string;
  level: string;
  region_code: string;
  valid_from: string;
  valid_to: string | null;
  status: 'active' | 'withdrawn';
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
  organisation_name: string;
  organisation_status: string;
};

function toEntry(row: Row): EvaluationCatalogEntry {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    occupationCode: row.occupation_code,
    level: row.level as Level,
    regionCode: row.region_code,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    status: row.status === 'active' && row.organisation_status !== 'active' ? 'suspended' : row.status,
    withdrawnOn: row.withdrawn_on,
    withdrawalReason: row.withdrawal_reason,
  };
}

async function entryById(executor: Executor, id: number): Promise<EvaluationCatalogEntry | undefined> {
  const row = await entries(executor)
    .select(COLUMNS)
    .where('evaluation_catalog.id', '=', id)
    .executeTakeFirst();
  return row ? toEntry(row) : undefined;
}

/**
 * Admits an evaluation organisation for an occupation and level (audited): only an active
 * evaluation organisation of the officer's region; the occupation must exist; `validTo` not
 * before `validFrom`. Admitting the same scope again re-opens it with the new dates.
 */
export async function addEvaluationCatalogEntry(
  executor: Executor,
  context: AuditContext,
  input: NewEvaluationCatalogEntry,
): Promise<EvaluationCatalogEntry> {
  const organisation = await getOrganisation(executor, input.organisationId);
  if (organisation?.kind !== 'evaluation_org') throw notFound('评价机构', input.organisationId);
  if (context.actor) {
    assertRegionScope(context.actor, input.regionCode);
    assertRegionScope(context.actor, organisation.regionCode);
  }
  if (!isWithinRegion(input.regionCode, organisation.regionCode))
    throw new AppError('VALIDATION_FAILED', '目录地区须为评价机构所在地或其上级', [
      { field: 'regionCode', message: `评价机构位于 ${organisation.regionCode}` },
    ]);
  if (organisation.status !== 'active')
    throw new AppError('INVALID_STATE', `评价机构状态为 ${organisation.status}，不能列入目录`, [
      { field: 'organisationId', message: organisation.status },
    ]);
  await assertOccupationExists(executor, input.occupationCode);
  if (input.validTo && input.validTo < input.validFrom)
    throw new AppError('VALIDATION_FAILED', '有效期止不能早于有效期起', [
      { field: 'validTo', message: `早于 ${input.validFrom}` },
    ]);
  const row = await executor
    .insertInto('evaluation_catalog')
    .values({
      province_code: organisation.provinceCode,
      organisation_id: organisation.id,
      occupation_code: input.occupationCode,
      level: input.level,
      region_code: input.regionCode,
      valid_from: input.validFrom,
      valid_to: input.validTo ?? null,
    })
    .onConflict((conflict) =>
      conflict
        .columns(['province_code', 'organisation_id', 'occupation_code', 'level', 'region_code'])
        .doUpdateSet({
          valid_from: input.validFrom,
          valid_to: input.validTo ?? null,
          status: 'active',
          withdrawn_on: null,
          withdrawal_reason: null,
          withdrawn_by_user_id: null,
        }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'catalog.evaluation.add',
    objectType: 'evaluation_catalog',
    objectId: row.id,
    provinceCode: organisation.provinceCode,
    after: input,
  });
  return (await entryById(executor, row.id))!;
}

/** Withdraws an admission with a reason, dated at the business today (audited); 404 outside the region. */
export async function withdrawEvaluationCatalogEntry(
  executor: Executor,
  context: AuditContext,
  input: { id: number; reason: string; today: string },
): Promise<EvaluationCatalogEntry> {
  const reason = input.reason.trim();
  if (reason === '')
    throw new AppError('VALIDATION_FAILED', '须填写移出评价机构目录的理由', [
      { field: 'reason', message: '理由不能为空' },
    ]);
  const before = await entryById(executor, input.id);
  if (!before || (context.actor && !isWithinRegion(context.actor.regionCode, before.regionCode)))
    throw notFound('评价机构目录条目', input.id);
  if (before.status === 'withdrawn')
    throw new AppError('INVALID_STATE', `该目录条目已于 ${before.withdrawnOn} 移出`, [
      { field: 'id', message: '已移出评价机构目录' },
    ]);
  const updated = await executor
    .updateTable('evaluation_catalog')
    .set({
      status: 'withdrawn',
      withdrawn_on: input.today,
      withdrawal_reason: reason,
      withdrawn_by_user_id: context.actor?.userId ?? null,
    })
    .where('id', '=', input.id)
    .returning('province_code')
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'catalog.evaluation.withdraw',
    objectType: 'evaluation_catalog',
    objectId: input.id,
    provinceCode: updated.province_code,
    before: { status: before.status },
    after: { status: 'withdrawn', withdrawnOn: input.today, reason },
  });
  return (await entryById(executor, input.id))!;
}

export interface EvaluationCatalogListQuery extends PageRequest {
  organisationId?: number;
  regionCode?: string;
  occupationCode?: string;
  status?: 'active' | 'suspended' | 'withdrawn';
  validOn?: string;
}

/** The evaluation-organisation catalog, public to every reader like the institution catalog. */
export async function listEvaluationCatalog(
  executor: Executor,
  query: EvaluationCatalogListQuery,
): Promise<Page<EvaluationCatalogEntry>> {
  let base = entries(executor);
  if (query.organisationId)
    base = base.where('evaluation_catalog.organisation_id', '=', query.organisationId);
  if (query.regionCode)
    base = base.where('evaluation_catalog.region_code', 'like', regionLikePattern(query.regionCode));
  if (query.occupationCode)
    base = base.where('evaluation_catalog.occupation_code', '=', query.occupationCode);
  if (query.status === 'withdrawn') base = base.where('evaluation_catalog.status', '=', 'withdrawn');
  else if (query.status)
    base = base
      .where('evaluation_catalog.status', '=', 'active')
      .where('organisation.status', query.status === 'active' ? '=' : '!=', 'active');
  if (query.validOn) {
    const on = query.validOn;
    base = base
      .where('evaluation_catalog.valid_from', '<=', on)
      .where((eb) =>
        eb.or([eb('evaluation_catalog.valid_to', 'is', null), eb('evaluation_catalog.valid_to', '>=', on)]),
      );
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .select(COLUMNS)
    .orderBy('evaluation_catalog.id')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toEntry), total: Number(total), page: query.page, pageSize: query.pageSize };
}

/**
 * Refuses (422 NOT_IN_EVALUATION_CATALOG, naming `field`) an evaluation organisation that holds no
 * active admission for the occupation and level on the date, or is itself not in good standing.
 */
export async function assertEvaluationAdmitted(
  executor: Executor,
  query: { organisationId: number; occupationCode: string; level: string; on: string; field: string },
): Promise<void> {
  const row = await entries(executor)
    .select('evaluation_catalog.id')
    .where('evaluation_catalog.organisation_id', '=', query.organisationId)
    .where('evaluation_catalog.occupation_code', '=', query.occupationCode)
    .where('evaluation_catalog.level', '=', query.level)
    .where('evaluation_catalog.status', '=', 'active')
    .where('organisation.status', '=', 'active')
    .where('evaluation_catalog.valid_from', '<=', query.on)
    .where((eb) =>
      eb.or([
        eb('evaluation_catalog.valid_to', 'is', null),
        eb('evaluation_catalog.valid_to', '>=', query.on),
      ]),
    )
    .executeTakeFirst();
  if (row) return;
  throw new AppError(
    'NOT_IN_EVALUATION_CATALOG',
    `该评价机构在 ${query.on} 未列入 ${query.occupationCode}（${LEVEL_LABELS[query.level as Level] ?? query.level}）的评价机构目录`,
    [{ field: query.field, message: '评价机构目录未覆盖该职业（工种）和等级' }],
  );
}
