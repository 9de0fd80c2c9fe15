import { parse } from 'csv-parse/sync';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, type Principal, provinceOf } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { offsetOf, type Page, type PageRequest } from '../registry/pagination.ts';
import { idNumberHash } from '../registry/person.repository.ts';
import { assertValidIdNumber } from '../registry/person.service.ts';
import { AppError, isAppError } from '../shared/errors.ts';

/**
 * Lists from other systems for data comparison (大数据比对): the social-insurance register
 * (who is insured by which employer), pension payments and school enrolment. A CSV with a
 * header; the ID number is checked and kept only as its keyed blind index.
 *
 * Columns: id_number (required), valid_from, valid_to (YYYY-MM-DD, optional),
 * organisation_credit_code, organisation_name (employer or school, optional),
 * is_full_time (school lists: 1/0, true/false, 是/否; default true).
 */
export const LIST_SOURCES = ['social_insurance', 'pension', 'school_enrolment'] as const;
export type ListSource = (typeof LIST_SOURCES)[number];

export const LIST_SOURCE_LABELS: Record<ListSource, string> = {
  social_insurance: '社会保险参保名单',
  pension: '养老金领取名单',
  school_enrolment: '全日制学籍名单',
};

export interface ReferenceListImport {
  source: ListSource;
  title: string;
  asOf: string;
  /** Province whose list this is (the caller's region must cover it). */
  regionCode: string;
  csv: string;
}

export interface ReferenceList {
  id: number;
  provinceCode: string;
  source: ListSource;
  title: string;
  asOf: string;
  rowCount: number;
  importedAt: Date;
}

interface ParsedEntry {
  id_number_hash: string;
  valid_from: string | null;
  valid_to: string | null;
  organisation_credit_code: string | null;
  organisation_name: string | null;
  is_full_time: boolean;
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const MAX_ROWS = 200_000;

function optionalDate(value: string | undefined, field: string): string | null {
  const text = value?.trim() ?? '';
  if (text === '') return null;
  if (!DATE_PATTERN.test(text))
    throw new AppError('VALIDATION_FAILED', `日期格式应为 YYYY-MM-DD：${text}`, [
      { field, message: '日期格式应为 YYYY-MM-DD' },
    ]);
  return text;
}

function parseRow(row: Record<string, string>, line: number): ParsedEntry {
  const idNumber = assertValidIdNumber(row.id_number ?? '', `csv[${line}].id_number`);
  const fullTime = (row.is_full_time ?? '').trim().toLowerCase();
  return {
    id_number_hash: idNumberHash(idNumber),
    valid_from: optionalDate(row.valid_from, `csv[${line}].valid_from`),
    valid_to: optionalDate(row.valid_to, `csv[${line}].valid_to`),
    organisation_credit_code: row.organisation_credit_code?.trim() || null,
    organisation_name: row.organisation_name?.trim() || null,
    is_full_time: !['0', 'false', '否', 'no'].includes(fullTime),
  };
}

/** Parses the CSV, refusing the whole file with every bad line named (at most 20). */
export function parseReferenceCsv(csv: string): ParsedEntry[] {
  let records: Record<string, string>[];
  try {
    records = parse(csv, { bom: true, columns: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new AppError('VALIDATION_FAILED', '名单 CSV 无法解析', [
      { field: 'csv', message: (error as Error).message },
    ]);
  }
  if (records.length > MAX_ROWS)
    throw new AppError('VALIDATION_FAILED', `名单一次最多 ${MAX_ROWS} 行`, [
      { field: 'csv', message: '行数过多' },
    ]);
  if (records.length > 0 && !('id_number' in records[0]!))
    throw new AppError('VALIDATION_FAILED', '名单缺少 id_number 列', [
      { field: 'csv', message: '缺少身份证号（id_number）列' },
    ]);
  const entries: ParsedEntry[] = [];
  const problems: { field?: string; message: string }[] = [];
  records.forEach((record, index) => {
    try {
      entries.push(parseRow(record, index + 2));
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (problems.length < 20) problems.push(...error.details);
    }
  });
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', '名单中有无效的行，未导入', problems);
  return entries;
}

/** Imports one list (audited); the entries are matched by the detectors at the next screening. */
export async function importReferenceList(
  executor: Executor,
  context: AuditContext,
  input: ReferenceListImport,
): Promise<ReferenceList> {
  if (context.actor) assertRegionScope(context.actor, input.regionCode);
  const entries = parseReferenceCsv(input.csv);
  const provinceCode = provinceOf(input.regionCode);
  const list = await executor
    .insertInto('reference_list')
    .values({
      province_code: provinceCode,
      source: input.source,
      title: input.title,
      as_of: input.asOf,
      row_count: entries.length,
      imported_by_user_id: context.actor?.userId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (let start = 0; start < entries.length; start += 2000) {
    await executor
      .insertInto('reference_list_entry')
      .values(
        entries.slice(start, start + 2000).map((entry) => ({
          ...entry,
          province_code: provinceCode,
          list_id: list.id,
          source: input.source,
        })),
      )
      .execute();
  }
  await recordAudit(executor, context, {
    action: 'supervision.reference_list.import',
    objectType: 'reference_list',
    objectId: list.id,
    provinceCode,
    after: { source: input.source, title: input.title, asOf: input.asOf, rows: entries.length },
  });
  return toList(list);
}

function toList(row: {
  id: number;
  province_code: string;
  source: ListSource;
  title: string;
  as_of: string;
  row_count: number;
  imported_at: Date;
}): ReferenceList {
  return {
    id: row.id,
    provinceCode: row.province_code,
    source: row.source,
    title: row.title,
    asOf: row.as_of,
    rowCount: row.row_count,
    importedAt: row.imported_at,
  };
}

export async function listReferenceLists(
  executor: Executor,
  principal: Principal,
  query: PageRequest & { source?: ListSource },
): Promise<Page<ReferenceList>> {
  let base = executor.selectFrom('reference_list').where('province_code', '=', principal.provinceCode);
  if (query.source) base = base.where('source', '=', query.source);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('id', 'desc')
    .limit(query.pageSize)
    .offset(offsetOf(query))
    .execute();
  return { items: rows.map(toList), total: Number(total), page: query.page, pageSize: query.pageSize };
}
