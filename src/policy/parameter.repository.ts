import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { Citation } from './evaluate.types.ts';
import type { ParameterValue } from './parameter.types.ts';

/** One published parameter version as stored. */
export interface PublishedParameterRow {
  id: number;
  provinceCode: string;
  packId: string;
  key: string;
  effectiveFrom: string;
  revision: number;
  value: ParameterValue;
  citation: Citation;
  note: string | null;
  publishedBy: number | null;
  publishedAt: string;
}

export interface RawRow {
  id: number | string;
  province_code: string;
  pack_id: string;
  parameter_key: string;
  effective_from: string;
  revision: number;
  value: ParameterValue | string;
  citation_doc: string;
  citation_article: string;
  note: string | null;
  published_by: number | string | null;
  published_at: string;
}

function toRow(raw: RawRow): PublishedParameterRow {
  // jsonb arrives parsed from node-postgres and PGlite; a driver returning text is parsed here.
  const value =
    typeof raw.value === 'string' && /^[[{"]|^-?[0-9]|^(true|false|null)$/.test(raw.value)
      ? safeParse(raw.value)
      : raw.value;
  return {
    id: Number(raw.id),
    provinceCode: raw.province_code,
    packId: raw.pack_id,
    key: raw.parameter_key,
    effectiveFrom: raw.effective_from,
    revision: raw.revision,
    value: value as ParameterValue,
    citation: { doc: raw.citation_doc, article: raw.citation_article },
    note: raw.note,
    publishedBy: raw.published_by === null ? null : Number(raw.published_by),
    publishedAt: raw.published_at,
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const COLUMNS = sql`id, province_code, pack_id, parameter_key, effective_from::text as effective_from, revision, value,
  citation_doc, citation_article, note, published_by, published_at::text as published_at`;

export interface InsertParameterVersion {
  provinceCode: string;
  packId: string;
  key: string;
  effectiveFrom: string;
  value: ParameterValue;
  citation: Citation;
  note: string | null;
  publishedBy: number | null;
}

/** Inserts the next revision for (pack, key, effective date) and returns the stored row. */
export async function insertParameterVersion(
  executor: Executor,
  input: InsertParameterVersion,
): Promise<PublishedParameterRow> {
  await sql`select pg_advisory_xact_lock(hashtext(${`policy:${input.packId}:${input.key}`}))`.execute(
    executor,
  );
  const result = await sql<RawRow>`
    insert into policy_parameter_version
      (province_code, pack_id, parameter_key, effective_from, revision, value, citation_doc, citation_article, note, published_by)
    select ${input.provinceCode}, ${input.packId}, ${input.key}, ${input.effectiveFrom}::date,
      coalesce(max(revision), 0) + 1, ${JSON.stringify(input.value)}::jsonb, ${input.citation.doc}, ${input.citation.article},
      ${input.note}, ${input.publishedBy}
    from policy_parameter_version
    where province_code = ${input.provinceCode} and pack_id = ${input.packId}
      and parameter_key = ${input.key} and effective_from = ${input.effectiveFrom}::date
    returning ${COLUMNS}`.execute(executor);
  return toRow(result.rows[0]!);
}

export interface ParameterVersionFilter {
  packId?: string;
  key?: string;
  /** Only the latest revision of each (pack, key, effective date). */
  isLatestOnly?: boolean;
  /**
   * Only the versions of one province's packs (a version's province is its pack's: a decision in
   * a region uses the pack of the region or of one of its ancestors, all in its province).
   */
  provinceCode?: string;
}

/** Published versions, oldest effective date first. */
export async function selectParameterVersions(
  executor: Executor,
  filter: ParameterVersionFilter = {},
): Promise<PublishedParameterRow[]> {
  return parameterRowsFrom((await parameterVersionsQuery(filter).execute(executor)).rows);
}

/** The rows of `parameterVersionsQuery` as published versions. */
export function parameterRowsFrom(rows: readonly RawRow[]): PublishedParameterRow[] {
  return rows.map(toRow);
}

/** The statement of `selectParameterVersions` (to send with others: src/db/together.ts). */
export function parameterVersionsQuery(filter: ParameterVersionFilter = {}) {
  const packId = filter.packId ?? null;
  const key = filter.key ?? null;
  const latest = filter.isLatestOnly === true;
  const province =
    filter.provinceCode === undefined ? sql`` : sql`province_code = ${filter.provinceCode} and `;
  return sql<RawRow>`
    select ${COLUMNS} from policy_parameter_version v
    where ${province}(${packId}::text is null or pack_id = ${packId}::text)
      and (${key}::text is null or parameter_key = ${key}::text)
      and (not ${latest}::boolean or revision = (
        select max(revision) from policy_parameter_version w
        where w.province_code = v.province_code and w.pack_id = v.pack_id
          and w.parameter_key = v.parameter_key and w.effective_from = v.effective_from))
    order by pack_id, parameter_key, effective_from, revision`;
}
