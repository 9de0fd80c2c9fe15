import type { InferResult } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { hasPermission } from '../auth/roles.ts';
import {
  assertRegionScope,
  isWithinRegion,
  type Principal,
  provinceOf,
  regionLikePattern,
} from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { publishedAllAtTopStandardForbidden } from '../policy/parameter.query.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { regionAncestors } from '../shared/regions.ts';
import { LEVEL_LABELS, type Level } from '../shared/vocabulary.ts';
import { assertOccupationExists } from './occupation.service.ts';
import { getOrganisation } from './organisation.service.ts';
import { offsetOf, type Page, type PageRequest } from './pagination.ts';
import { findRegion } from './region.service.ts';

export type { Level } from '../shared/vocabulary.ts';
export { LEVELS } from '../shared/vocabulary.ts';

export interface Citation {
  document: string;
  article: string;
}

export interface CatalogEntry {
  id: number;
  versionId: number;
  occupationCode: string;
  level: Level;
  standardAmountFen: number;
  standardDays: number;
  standardClassHours: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  citation: Citation;
  isShortage: boolean;
  isNewOccupation: boolean;
  /** `withdrawn` by an officer of the catalog's region: no longer filed against nor public. */
  status: 'active' | 'withdrawn';
  withdrawnOn: string | null;
  withdrawalReason: string | null;
}

export interface CatalogVersion {
  id: number;
  provinceCode: string;
  regionCode: string;
  versionNumber: number;
  title: string;
  status: 'draft' | 'published' | 'superseded';
  effectiveFrom: string;
  effectiveTo: string | null;
  citation: Citation;
  publishedAt: Date | null;
  entries: CatalogEntry[];
}

export interface NewCatalogVersion {
  regionCode: string;
  title: string;
  effectiveFrom: string;
  effectiveTo?: string | null;
  citation: Citation;
}

export interface NewCatalogEntry {
  occupationCode: string;
  level: Level;
  standardAmountFen: number;
  standardDays: number;
  standardClassHours: number;
  effectiveFrom?: string;
  effectiveTo?: string | null;
  /** Defaults to the version's citation. */
  citation?: Citation;
  isShortage?: boolean;
  isNewOccupation?: boolean;
}

type VersionRow = {
  id: number;
  province_code: string;
  region_code: string;
  version_number: number;
  title: string;
  status: 'draft' | 'published' | 'superseded';
  effective_from: string;
  effective_to: string | null;
  citation_document: string;
  citation_article: string;
  published_at: Date | null;
};

type EntryRow = {
  id: number;
  version_id: number;
  occupation_code: string;
  level: string;
  standard_amount_fen: number;
  standard_days: number;
  standard_class_hours: number;
  effective_from: string;
  effective_to: string | null;
  citation_document: string;
  citation_article: string;
  is_shortage: boolean;
  is_new_occupation: boolean;
  status: 'active' | 'withdrawn';
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
};

function toEntry(row: EntryRow): CatalogEntry {
  return {
    id: row.id,
    versionId: row.version_id,
    occupationCode: row.occupation_code,
    level: row.level as Level,
    standardAmountFen: row.standard_amount_fen,
    standardDays: row.standard_days,
    standardClassHours: row.standard_class_hours,
    effectiveFrom: row.effective_from,
    effectiveTo: row.effective_to,
    citation: { document: row.citation_document, article: row.citation_article },
    isShortage: row.is_shortage,
    isNewOccupation: row.is_new_occupation,
    status: row.status,
    withdrawnOn: row.withdrawn_on,
    withdrawalReason: row.withdrawal_reason,
  };
}

function toVersion(row: VersionRow, entries: CatalogEntry[]): CatalogVersion {
  return {
    id: row.id,
    provinceCode: row.province_code,
    regionCode: row.region_code,
    versionNumber: row.version_number,
    title: row.title,
    status: row.status,
    effectiveFrom: row.effective_from,
    effectiveTo: row.effective_to,
    citation: { document: row.citation_document, article: row.citation_article },
    publishedAt: row.published_at,
    entries,
  };
}

/** Opens a new draft version of a region's training-project catalog. */
export async function createCatalogVersion(
  executor: Executor,
  context: AuditContext,
  input: NewCatalogVersion,
): Promise<CatalogVersion> {
  if (!(await findRegion(executor, input.regionCode))) {
    throw new AppError('VALIDATION_FAILED', `行政区划代码不存在：${input.regionCode}`, [
      { field: 'regionCode', message: '行政区划不存在' },
    ]);
  }
  if (context.actor) assertRegionScope(context.actor, input.regionCode);
  const provinceCode = provinceOf(input.regionCode);
  const last = await executor
    .selectFrom('catalog_version')
    .select((eb) => eb.fn.max('version_number').as('last'))
    .where('province_code', '=', provinceCode)
    .where('region_code', '=', input.regionCode)
    .executeTakeFirst();
  const row = await executor
    .insertInto('catalog_version')
    .values({
      province_code: provinceCode,
      region_code: input.regionCode,
      version_number: Number(last?.last ?? 0) + 1,
      title: input.title,
      effective_from: input.effectiveFrom,
      effective_to: input.effectiveTo ?? null,
      citation_document: input.citation.document,
      citation_article: input.citation.article,
      published_at: null,
      published_by_user_id: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'catalog.version.create',
    objectType: 'catalog_version',
    objectId: row.id,
    provinceCode,
    after: input,
  });
  return toVersion(row, []);
}

export async function getCatalogVersion(executor: Executor, id: number): Promise<CatalogVersion | undefined> {
  const row = await executor
    .selectFrom('catalog_version')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const entries = await executor
    .selectFrom('catalog_entry')
    .selectAll()
    .where('version_id', '=', id)
    .orderBy('occupation_code')
    .orderBy('level')
    .execute();
  return toVersion(row, entries.map(toEntry));
}

/** Adds entries to a draft version; published versions are frozen. */
export async function addCatalogEntries(
  executor: Executor,
  context: AuditContext,
  versionId: number,
  entries: readonly NewCatalogEntry[],
  maximumAmountFen: Readonly<Record<Level, number>>,
): Promise<CatalogVersion> {
  const version = await getCatalogVersion(executor, versionId);
  if (!version) throw notFound('目录版本', versionId);
  if (context.actor) assertRegionScope(context.actor, version.regionCode);
  if (version.status !== 'draft')
    throw new AppError('INVALID_STATE', '已发布的目录版本不能修改', [
      { field: 'versionId', message: version.status },
    ]);
  for (const [index, entry] of entries.entries()) {
    await assertOccupationExists(executor, entry.occupationCode, `entries[${index}].occupationCode`);
    const maximum = maximumAmountFen[entry.level];
    if (entry.standardAmountFen > maximum)
      throw new AppError(
        'VALIDATION_FAILED',
        `补贴标准超过${LEVEL_LABELS[entry.level]}的上限（${maximum / 100} 元）`,
        [{ field: `entries[${index}].standardAmountFen`, message: `不能超过 ${maximum} 分` }],
      );
    if (
      version.entries.some(
        (existing) => existing.occupationCode === entry.occupationCode && existing.level === entry.level,
      )
    ) {
      throw new AppError('CONFLICT', `目录中已有该职业等级：${entry.occupationCode} ${entry.level}`, [
        { field: `entries[${index}]`, message: '职业和等级重复' },
      ]);
    }
  }
  if (entries.length > 0) {
    await executor
      .insertInto('catalog_entry')
      .values(
        entries.map((entry) => ({
          province_code: version.provinceCode,
          version_id: versionId,
          occupation_code: entry.occupationCode,
          level: entry.level,
          standard_amount_fen: entry.standardAmountFen,
          standard_days: entry.standardDays,
          standard_class_hours: entry.standardClassHours,
          effective_from: entry.effectiveFrom ?? version.effectiveFrom,
          effective_to: entry.effectiveTo ?? version.effectiveTo,
          citation_document: entry.citation?.document ?? version.citation.document,
          citation_article: entry.citation?.article ?? version.citation.article,
          is_shortage: entry.isShortage ?? false,
          is_new_occupation: entry.isNewOccupation ?? false,
        })),
      )
      .execute();
  }
  await recordAudit(executor, context, {
    action: 'catalog.entries.add',
    objectType: 'catalog_version',
    objectId: versionId,
    provinceCode: version.provinceCode,
    after: entries,
  });
  return (await getCatalogVersion(executor, versionId))!;
}

/**
 * Shanxi (晋人社厅函〔2021〕600号 一, its pack's `catalog.allAtTopStandardForbidden`):
 * "不得全部按顶额标准确定". The top amount of a level is
 * the highest standard that level has in the version; the version is refused when every entry
 * sits at its level's top, i.e. the city did not differentiate by occupation or duration at all.
 */
export function isEveryEntryAtTop(
  entries: readonly Pick<CatalogEntry, 'level' | 'standardAmountFen'>[],
): boolean {
  const topByLevel = new Map<string, number>();
  for (const entry of entries)
    topByLevel.set(entry.level, Math.max(topByLevel.get(entry.level) ?? 0, entry.standardAmountFen));
  return (
    entries.length > 0 && entries.every((entry) => entry.standardAmountFen === topByLevel.get(entry.level))
  );
}

/** Publishes a draft version; the region's previous published version becomes superseded. Audited. */
export async function publishCatalogVersion(
  executor: Executor,
  context: AuditContext,
  versionId: number,
): Promise<CatalogVersion> {
  const version = await getCatalogVersion(executor, versionId);
  if (!version) throw notFound('目录版本', versionId);
  if (context.actor) assertRegionScope(context.actor, version.regionCode);
  if (version.status !== 'draft')
    throw new AppError('INVALID_STATE', '只有草稿版本可以发布', [
      { field: 'status', message: version.status },
    ]);
  if (version.entries.length === 0)
    throw new AppError('VALIDATION_FAILED', '目录版本没有任何项目', [
      { field: 'entries', message: '不能为空' },
    ]);
  // A document may forbid a catalog with every entry at its level's top (Shanxi); its pack says so.
  const topForbidden = await publishedAllAtTopStandardForbidden(
    executor,
    version.provinceCode,
    version.effectiveFrom,
  );
  if (topForbidden && isEveryEntryAtTop(version.entries)) {
    throw new AppError(
      'CATALOG_ALL_AT_TOP_STANDARD',
      `不得全部按顶额标准确定补贴标准（${topForbidden.doc}）`,
      [
        {
          field: 'entries',
          message: '每个项目都按所在等级的最高标准设置',
          citation: `${topForbidden.doc} ${topForbidden.article}`,
        },
      ],
    );
  }
  const previous = await executor
    .updateTable('catalog_version')
    .set({ status: 'superseded' })
    .where('province_code', '=', version.provinceCode)
    .where('region_code', '=', version.regionCode)
    .where('status', '=', 'published')
    .returning('id')
    .execute();
  // A superseded version ends the day before its successor starts: an occupation dropped from the
  // new version no longer pays from the old one.
  const dayBefore = new Date(Date.parse(`${version.effectiveFrom}T00:00:00Z`) - 86_400_000)
    .toISOString()
    .slice(0, 10);
  if (previous.length > 0) {
    const ids = previous.map((row) => row.id);
    await executor
      .updateTable('catalog_version')
      .set({ effective_to: dayBefore })
      .where('id', 'in', ids)
      .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', dayBefore)]))
      .execute();
    await executor
      .updateTable('catalog_entry')
      .set({ effective_to: dayBefore })
      .where('version_id', 'in', ids)
      .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', dayBefore)]))
      .execute();
  }
  await executor
    .updateTable('catalog_version')
    .set({
      status: 'published',
      published_at: new Date(),
      published_by_user_id: context.actor?.userId ?? null,
    })
    .where('id', '=', versionId)
    .execute();
  await recordAudit(executor, context, {
    action: 'catalog.version.publish',
    objectType: 'catalog_version',
    objectId: versionId,
    provinceCode: version.provinceCode,
    before: { status: 'draft', supersedes: previous.map((row) => row.id) },
    after: { status: 'published', entries: version.entries.length },
  });
  return (await getCatalogVersion(executor, versionId))!;
}

export interface CatalogVersionListQuery extends PageRequest {
  regionCode?: string;
  status?: 'draft' | 'published' | 'superseded';
  effectiveOn?: string;
}

/** Published versions are public to every reader; drafts only within the caller's region scope. */
export async function listCatalogVersions(
  executor: Executor,
  principal: Principal,
  query: CatalogVersionListQuery,
): Promise<Page<Omit<CatalogVersion, 'entries'>>> {
  let base = executor.selectFrom('catalog_version');
  if (!hasPermission(principal.role, 'catalog.edit')) base = base.where('status', '!=', 'draft');
  else {
    const pattern = regionLikePattern(principal.regionCode);
    base = base.where((eb) => eb.or([eb('status', '!=', 'draft'), eb('region_code', 'like', pattern)]));
  }
  if (query.regionCode) base = base.where('region_code', 'like', regionLikePattern(query.regionCode));
  if (query.status) base = base.where('status', '=', query.status);
  if (query.effectiveOn) {
    const on = query.effectiveOn;
    base = base
      .where('effective_from', '<=', on)
      .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>=', on)]));
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('region_code')
    .orderBy('version_number')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return {
    items: rows.map((row) => {
      const { entries: _entries, ...version } = toVersion(row, []);
      return version;
    }),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}

/**
 * The catalog entry in force for an occupation and level on a date: the published version of
 * the region itself, else of its city, else of its province.
 */
export async function findCatalogEntry(
  executor: Executor,
  query: { regionCode: string; occupationCode: string; level: string; on: string },
): Promise<(CatalogEntry & { regionCode: string }) | undefined> {
  return catalogEntryFrom(query, await catalogEntryQuery(executor, query).execute());
}

/** The statement of `findCatalogEntry` (to send with others: src/db/together.ts). */
export function catalogEntryQuery(
  executor: Executor,
  query: { regionCode: string; occupationCode: string; level: string; on: string },
) {
  const candidates = regionAncestors(query.regionCode);
  return (
    executor
      .selectFrom('catalog_entry')
      .innerJoin('catalog_version', (join) =>
        join
          .onRef('catalog_version.id', '=', 'catalog_entry.version_id')
          .onRef('catalog_version.province_code', '=', 'catalog_entry.province_code'),
      )
      .selectAll('catalog_entry')
      .select('catalog_version.region_code')
      // The region's ancestors are all in its province, whose versions carry its code: the read
      // names the province (on Citus, one shard).
      .where('catalog_version.province_code', '=', provinceOf(query.regionCode))
      .where('catalog_version.region_code', 'in', candidates)
      .where('catalog_version.status', 'in', ['published', 'superseded'])
      .where('catalog_entry.occupation_code', '=', query.occupationCode)
      .where('catalog_entry.level', '=', query.level)
      .where('catalog_entry.effective_from', '<=', query.on)
      .where((eb) =>
        eb.or([
          eb('catalog_entry.effective_to', 'is', null),
          eb('catalog_entry.effective_to', '>=', query.on),
        ]),
      )
      .orderBy('catalog_version.version_number', 'desc')
  );
}

/** The entry of the nearest region from the rows of `catalogEntryQuery`. */
export function catalogEntryFrom(
  query: { regionCode: string },
  rows: readonly InferResult<ReturnType<typeof catalogEntryQuery>>[number][],
): (CatalogEntry & { regionCode: string }) | undefined {
  const candidates = regionAncestors(query.regionCode);
  for (const code of candidates) {
    const row = rows.find((candidate) => candidate.region_code === code);
    if (row) return { ...toEntry(row), regionCode: row.region_code };
  }
  return undefined;
}

/**
 * Withdraws an entry of a published (or superseded) training-project catalog version with a
 * reason, dated at the business today; audited (before/after). Only by an officer of the catalog's
 * region (404 otherwise, as for an unknown id); a withdrawn entry is refused again (409), as is an
 * entry of a draft (which is edited instead). Classes can no longer be filed against it and it
 * leaves the public catalog; classes filed before keep it.
 */
export async function withdrawCatalogEntry(
  executor: Executor,
  context: AuditContext,
  input: { id: number; reason: string; today: string },
): Promise<CatalogEntry & { regionCode: string }> {
  const reason = input.reason.trim();
  if (reason === '')
    throw new AppError('VALIDATION_FAILED', '须填写撤回目录项目的理由', [
      { field: 'reason', message: '撤回理由不能为空' },
    ]);
  const row = await executor
    .selectFrom('catalog_entry')
    .innerJoin('catalog_version', (join) =>
      join
        .onRef('catalog_version.id', '=', 'catalog_entry.version_id')
        .onRef('catalog_version.province_code', '=', 'catalog_entry.province_code'),
    )
    .selectAll('catalog_entry')
    .select(['catalog_version.region_code', 'catalog_version.status as version_status'])
    .where('catalog_entry.id', '=', input.id)
    .executeTakeFirst();
  if (!row || (context.actor && !isWithinRegion(context.actor.regionCode, row.region_code)))
    throw notFound('目录项目', input.id);
  if (row.status === 'withdrawn')
    throw new AppError('INVALID_STATE', `该目录项目已撤回（${row.withdrawn_on}）`, [
      { field: 'id', message: '已撤回' },
    ]);
  if (row.version_status === 'draft')
    throw new AppError('INVALID_STATE', '草稿目录版本的项目不能撤回，请直接修改草稿', [
      { field: 'id', message: '目录版本为草稿' },
    ]);
  await executor
    .updateTable('catalog_entry')
    .set({
      status: 'withdrawn',
      withdrawn_on: input.today,
      withdrawal_reason: reason,
      withdrawn_by_user_id: context.actor?.userId ?? null,
    })
    .where('id', '=', input.id)
    .where('province_code', '=', row.province_code)
    .execute();
  await recordAudit(executor, context, {
    action: 'catalog.entry.withdraw',
    objectType: 'catalog_entry',
    objectId: input.id,
    provinceCode: row.province_code,
    before: {
      status: row.status,
      versionId: row.version_id,
      occupationCode: row.occupation_code,
      level: row.level,
    },
    after: { status: 'withdrawn', withdrawnOn: input.today, reason },
  });
  return {
    ...toEntry({ ...row, status: 'withdrawn', withdrawn_on: input.today, withdrawal_reason: reason }),
    regionCode: row.region_code,
  };
}

/**
 * Refuses (422 CATALOG_ENTRY_WITHDRAWN, naming `occupationCode`) filing a class against a catalog
 * entry that was withdrawn: the entry in force for the class (`findCatalogEntry`) is withdrawn.
 */
export function assertCatalogEntryNotWithdrawn(entry: CatalogEntry | undefined): void {
  if (entry?.status !== 'withdrawn') return;
  throw new AppError(
    'CATALOG_ENTRY_WITHDRAWN',
    `培训项目目录中 ${entry.occupationCode}（${LEVEL_LABELS[entry.level] ?? entry.level}）已撤回（${entry.withdrawnOn}），不能据此开班`,
    [{ field: 'occupationCode', message: `目录项目已撤回：${entry.withdrawalReason}` }],
  );
}

export interface InstitutionCatalogEntry {
  id: number;
  institutionId: number;
  occupationCode: string;
  level: Level;
  regionCode: string;
  validFrom: string;
  validTo: string | null;
  /**
   * `withdrawn` by the admitting authority; `suspended` while the institution itself is not in
   * good standing (suspended, blacklisted or revoked) — derived, so reinstatement restores it.
   */
  status: AdmissionStatus;
  withdrawnOn: string | null;
  withdrawalReason: string | null;
}

export type AdmissionStatus = 'active' | 'suspended' | 'withdrawn';

export interface NewInstitutionCatalogEntry {
  institutionId: number;
  occupationCode: string;
  level: Level;
  regionCode: string;
  validFrom: string;
  validTo?: string | null;
}

/** Lists an institution in the institution catalog for one project in one region. */
export async function addInstitutionCatalogEntry(
  executor: Executor,
  context: AuditContext,
  input: NewInstitutionCatalogEntry,
): Promise<InstitutionCatalogEntry> {
  const institution = await getOrganisation(executor, input.institutionId);
  if (institution?.kind !== 'institution') throw notFound('培训机构', input.institutionId);
  if (context.actor) assertRegionScope(context.actor, input.regionCode);
  await assertOccupationExists(executor, input.occupationCode);
  // The institution catalog admits what the institution is licensed for, while it is in good
  // standing and its licence runs (两目录一系统: 培训机构目录).
  if (institution.status !== 'active')
    throw new AppError('INVALID_STATE', `培训机构状态为 ${institution.status}，不能列入目录`, [
      { field: 'institutionId', message: institution.status },
    ]);
  if (
    institution.allowedOccupationCodes.length > 0 &&
    !institution.allowedOccupationCodes.includes(input.occupationCode)
  )
    throw new AppError('VALIDATION_FAILED', `职业（工种）${input.occupationCode} 不在该机构办学许可范围内`, [
      { field: 'occupationCode', message: '不在办学许可的职业（工种）范围内' },
    ]);
  if (institution.licenceValidTo !== null && institution.licenceValidTo < input.validFrom)
    throw new AppError('VALIDATION_FAILED', `办学许可证已于 ${institution.licenceValidTo} 到期`, [
      { field: 'validFrom', message: `办学许可证有效期至 ${institution.licenceValidTo}` },
    ]);
  // An admission ends no later than the licence.
  const validTo =
    institution.licenceValidTo !== null && (input.validTo ?? '9999-12-31') > institution.licenceValidTo
      ? institution.licenceValidTo
      : (input.validTo ?? null);
  const row = await executor
    .insertInto('institution_catalog')
    .values({
      province_code: institution.provinceCode,
      institution_id: input.institutionId,
      occupation_code: input.occupationCode,
      level: input.level,
      region_code: input.regionCode,
      valid_from: input.validFrom,
      valid_to: validTo,
    })
    .onConflict((conflict) =>
      conflict
        .columns(['province_code', 'institution_id', 'occupation_code', 'level', 'region_code'])
        .doUpdateSet({
          valid_from: input.validFrom,
          valid_to: validTo,
          status: 'active',
          withdrawn_on: null,
          withdrawal_reason: null,
          withdrawn_by_user_id: null,
        }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'catalog.institution.add',
    objectType: 'institution_catalog',
    objectId: row.id,
    provinceCode: institution.provinceCode,
    after: input,
  });
  return toInstitutionEntry({ ...row, institution_status: institution.status });
}

type AdmissionRow = {
  id: number;
  institution_id: number;
  occupation_code: string;
  level: string;
  region_code: string;
  valid_from: string;
  valid_to: string | null;
  status: 'active' | 'withdrawn';
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
  institution_status: string;
};

function toInstitutionEntry(row: AdmissionRow): InstitutionCatalogEntry {
  return {
    id: row.id,
    institutionId: row.institution_id,
    occupationCode: row.occupation_code,
    level: row.level as Level,
    regionCode: row.region_code,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    status: row.status === 'active' && row.institution_status !== 'active' ? 'suspended' : row.status,
    withdrawnOn: row.withdrawn_on,
    withdrawalReason: row.withdrawal_reason,
  };
}

/** An admission with its institution's standing (which suspends it). */
function admissions(executor: Executor) {
  return executor
    .selectFrom('institution_catalog')
    .innerJoin('organisation', (join) =>
      join
        .onRef('organisation.id', '=', 'institution_catalog.institution_id')
        .onRef('organisation.province_code', '=', 'institution_catalog.province_code'),
    );
}

const ADMISSION_COLUMNS = [
  'institution_catalog.id',
  'institution_catalog.institution_id',
  'institution_catalog.occupation_code',
  'institution_catalog.level',
  'institution_catalog.region_code',
  'institution_catalog.valid_from',
  'institution_catalog.valid_to',
  'institution_catalog.status',
  'institution_catalog.withdrawn_on',
  'institution_catalog.withdrawal_reason',
  'organisation.status as institution_status',
] as const;

/**
 * Withdraws an admission (移出机构目录) with a reason, dated at the business today; audited. Only
 * within the officer's region (404 otherwise, as for an unknown id); a withdrawn admission is
 * refused again (409). The institution can then no longer file classes for that occupation and
 * level; classes already filed keep their filing.
 */
export async function withdrawInstitutionCatalogEntry(
  executor: Executor,
  context: AuditContext,
  input: { id: number; reason: string; today: string },
): Promise<InstitutionCatalogEntry> {
  const reason = input.reason.trim();
  if (reason === '')
    throw new AppError('VALIDATION_FAILED', '须填写移出机构目录的理由', [
      { field: 'reason', message: '理由不能为空' },
    ]);
  const before = await admissions(executor)
    .select(ADMISSION_COLUMNS)
    .where('institution_catalog.id', '=', input.id)
    .executeTakeFirst();
  if (!before || (context.actor && !isWithinRegion(context.actor.regionCode, before.region_code)))
    throw notFound('机构目录条目', input.id);
  if (before.status === 'withdrawn')
    throw new AppError('INVALID_STATE', `该目录条目已于 ${before.withdrawn_on} 移出`, [
      { field: 'id', message: '已移出机构目录' },
    ]);
  await executor
    .updateTable('institution_catalog')
    .set({
      status: 'withdrawn',
      withdrawn_on: input.today,
      withdrawal_reason: reason,
      withdrawn_by_user_id: context.actor?.userId ?? null,
    })
    .where('id', '=', input.id)
    .execute();
  const after = toInstitutionEntry({
    ...before,
    status: 'withdrawn',
    withdrawn_on: input.today,
    withdrawal_reason: reason,
  });
  await recordAudit(executor, context, {
    action: 'catalog.institution.withdraw',
    objectType: 'institution_catalog',
    objectId: input.id,
    provinceCode: provinceOf(before.region_code),
    before: { status: before.status },
    after: { status: 'withdrawn', withdrawnOn: input.today, reason },
  });
  return after;
}

/**
 * Refuses (422 NOT_IN_INSTITUTION_CATALOG, naming `occupationCode`) a class an institution files
 * for an occupation and level it holds no active admission for in the class's region on the
 * class's first day (两目录一系统: 培训机构目录).
 */
export async function assertInstitutionAdmitted(
  executor: Executor,
  query: { institutionId: number; occupationCode: string; level: string; regionCode: string; on: string },
): Promise<void> {
  if (await isInstitutionListed(executor, query)) return;
  throw new AppError(
    'NOT_IN_INSTITUTION_CATALOG',
    `该机构未列入 ${query.occupationCode}（${LEVEL_LABELS[query.level as Level] ?? query.level}）的培训机构目录，或目录条目已移出、暂停或不在有效期内，不能开班`,
    [{ field: 'occupationCode', message: `${query.on} 无有效的机构目录条目` }],
  );
}

/** True when the institution is listed for this occupation and level in the region (or an ancestor) on the date. */
export async function isInstitutionListed(
  executor: Executor,
  query: { institutionId: number; occupationCode: string; level: string; regionCode: string; on: string },
): Promise<boolean> {
  const row = await admissions(executor)
    .select('institution_catalog.id')
    .where('institution_catalog.institution_id', '=', query.institutionId)
    .where('institution_catalog.occupation_code', '=', query.occupationCode)
    .where('institution_catalog.level', '=', query.level)
    .where('institution_catalog.region_code', 'in', regionAncestors(query.regionCode))
    .where('institution_catalog.status', '=', 'active')
    .where('organisation.status', '=', 'active')
    .where('institution_catalog.valid_from', '<=', query.on)
    .where((eb) =>
      eb.or([
        eb('institution_catalog.valid_to', 'is', null),
        eb('institution_catalog.valid_to', '>=', query.on),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}

export interface InstitutionCatalogListQuery extends PageRequest {
  institutionId?: number;
  regionCode?: string;
  occupationCode?: string;
  status?: AdmissionStatus;
  validOn?: string;
}

export async function listInstitutionCatalog(
  executor: Executor,
  query: InstitutionCatalogListQuery,
): Promise<Page<InstitutionCatalogEntry>> {
  let base = admissions(executor);
  if (query.institutionId) base = base.where('institution_catalog.institution_id', '=', query.institutionId);
  if (query.regionCode)
    base = base.where('institution_catalog.region_code', 'like', regionLikePattern(query.regionCode));
  if (query.occupationCode)
    base = base.where('institution_catalog.occupation_code', '=', query.occupationCode);
  if (query.status === 'withdrawn') base = base.where('institution_catalog.status', '=', 'withdrawn');
  else if (query.status)
    base = base
      .where('institution_catalog.status', '=', 'active')
      .where('organisation.status', query.status === 'active' ? '=' : '!=', 'active');
  if (query.validOn) {
    const on = query.validOn;
    base = base
      .where('institution_catalog.valid_from', '<=', on)
      .where((eb) =>
        eb.or([eb('institution_catalog.valid_to', 'is', null), eb('institution_catalog.valid_to', '>=', on)]),
      );
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .select(ADMISSION_COLUMNS)
    .orderBy('institution_catalog.id')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return {
    items: rows.map(toInstitutionEntry),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}

/** A catalog entry as the public calculator offers it: what it pays and from which published version. */
export interface PublicCatalogEntry {
  occupationCode: string;
  occupationName: string;
  level: Level;
  standardAmountFen: number;
  citation: Citation;
  version: { id: number; versionNumber: number; title: string; regionCode: string; effectiveFrom: string };
}

/**
 * The published catalog in force for a region on a date, as a person chooses from it: for each
 * occupation and level, the entry of the nearest jurisdiction (county, then city, then province)
 * and its latest version. Public: published catalogs are public (两目录一系统).
 */
export async function listPublicCatalogEntries(
  executor: Executor,
  query: { regionCode: string; on: string; search?: string } & PageRequest,
): Promise<Page<PublicCatalogEntry>> {
  const candidates = regionAncestors(query.regionCode);
  let base = executor
    .selectFrom('catalog_entry as e')
    .innerJoin('catalog_version as v', (join) =>
      join.onRef('v.id', '=', 'e.version_id').onRef('v.province_code', '=', 'e.province_code'),
    )
    .leftJoin('occupation as o', 'o.code', 'e.occupation_code')
    .where('v.region_code', 'in', candidates)
    .where('v.status', 'in', ['published', 'superseded'])
    .where('e.effective_from', '<=', query.on)
    .where((eb) => eb.or([eb('e.effective_to', 'is', null), eb('e.effective_to', '>=', query.on)]));
  if (query.search) {
    const pattern = `%${query.search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    base = base.where((eb) =>
      eb.or([eb('e.occupation_code', 'like', pattern), eb('o.name', 'like', pattern)]),
    );
  }
  const rows = await base
    .select([
      'e.occupation_code',
      'e.level',
      'e.standard_amount_fen',
      'e.citation_document',
      'e.citation_article',
      'v.id as version_id',
      'v.version_number',
      'v.title',
      'v.region_code',
      'v.effective_from as version_effective_from',
      'o.name as occupation_name',
      'e.status',
    ])
    .orderBy('e.occupation_code')
    .orderBy('e.level')
    .orderBy('v.version_number', 'desc')
    .limit(5000)
    .execute();
  // Nearest jurisdiction first, then the latest version: one entry per occupation and level.
  const chosen = new Map<string, (typeof rows)[number]>();
  for (const code of candidates) {
    for (const row of rows) {
      const key = `${row.occupation_code}|${row.level}`;
      if (row.region_code === code && !chosen.has(key)) chosen.set(key, row);
    }
  }
  // A withdrawn entry is not offered, and does not let a farther jurisdiction's entry stand in for
  // it (class filing refuses it the same way).
  const all = [...chosen.values()]
    .filter((row) => row.status !== 'withdrawn')
    .sort((a, b) => a.occupation_code.localeCompare(b.occupation_code) || a.level.localeCompare(b.level));
  const start = offsetOf(query);
  return {
    items: all.slice(start, start + query.pageSize).map((row) => ({
      occupationCode: row.occupation_code,
      occupationName: row.occupation_name ?? row.occupation_code,
      level: row.level as Level,
      standardAmountFen: Number(row.standard_amount_fen),
      citation: { document: row.citation_document, article: row.citation_article },
      version: {
        id: row.version_id,
        versionNumber: row.version_number,
        title: row.title,
        regionCode: row.region_code,
        effectiveFrom: row.version_effective_from,
      },
    })),
    total: all.length,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/** An institution catalog entry as the public reads it: the institution by name. */
export interface PublicInstitutionCatalogEntry {
  id: number;
  institutionName: string;
  occupationCode: string;
  occupationName: string | null;
  level: Level;
  regionCode: string;
  validFrom: string;
  validTo: string | null;
}

/**
 * The institution catalog (机构目录) in force in a region's subtree on a date: active entries of
 * institutions in good standing. Public (两目录一系统: the catalogs are published).
 */
export async function listPublicInstitutionCatalog(
  executor: Executor,
  query: { regionCode: string; on: string; occupationCode?: string } & PageRequest,
): Promise<Page<PublicInstitutionCatalogEntry>> {
  let base = executor
    .selectFrom('institution_catalog as c')
    .innerJoin('organisation as i', (join) =>
      join.onRef('i.id', '=', 'c.institution_id').onRef('i.province_code', '=', 'c.province_code'),
    )
    .leftJoin('occupation as o', 'o.code', 'c.occupation_code')
    .where('c.status', '=', 'active')
    .where('i.status', '=', 'active')
    .where('c.region_code', 'like', regionLikePattern(query.regionCode))
    .where('c.valid_from', '<=', query.on)
    .where((eb) => eb.or([eb('c.valid_to', 'is', null), eb('c.valid_to', '>=', query.on)]));
  if (query.occupationCode) base = base.where('c.occupation_code', '=', query.occupationCode);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .select([
      'c.id',
      'i.name as institution_name',
      'c.occupation_code',
      'o.name as occupation_name',
      'c.level',
      'c.region_code',
      'c.valid_from',
      'c.valid_to',
    ])
    .orderBy('c.region_code')
    .orderBy('c.occupation_code')
    .orderBy('c.id')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      institutionName: row.institution_name,
      occupationCode: row.occupation_code,
      occupationName: row.occupation_name ?? null,
      level: row.level as Level,
      regionCode: row.region_code,
      validFrom: row.valid_from,
      validTo: row.valid_to,
    })),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}
