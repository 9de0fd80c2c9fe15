import { parse } from 'csv-parse/sync';
import type { Executor } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';

export interface Occupation {
  code: string;
  name: string;
  majorCategory: number;
  parentCode: string | null;
}

const OCCUPATION_CODE = /^[1-8](-\d{2}){0,3}$/;

/** The nearest listed ancestor of a code ("6-18-01-01" → "6-18-01", "6-18", "6"). */
function parentOf(code: string, known: Set<string>): string | null {
  const parts = code.split('-');
  for (let length = parts.length - 1; length >= 1; length -= 1) {
    const candidate = parts.slice(0, length).join('-');
    if (known.has(candidate)) return candidate;
  }
  return null;
}

/**
 * Inserts or renames occupations; every code must follow the 大典 pattern. Parents are the
 * nearest ancestor already present or in the same batch. Idempotent.
 */
export async function upsertOccupations(
  executor: Executor,
  rows: readonly { code: string; name: string }[],
): Promise<number> {
  const bad = rows.filter((row) => !OCCUPATION_CODE.test(row.code) || row.name.trim() === '');
  if (bad.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      '职业编码或名称无效',
      bad
        .slice(0, 20)
        .map((row) => ({ field: 'code', message: `职业编码或名称无效：${row.code} ${row.name}` })),
    );
  }
  const existing = await executor.selectFrom('occupation').select('code').execute();
  const known = new Set([...existing.map((row) => row.code), ...rows.map((row) => row.code)]);
  const sorted = [...rows].sort(
    (a, b) => a.code.split('-').length - b.code.split('-').length || a.code.localeCompare(b.code),
  );
  for (let start = 0; start < sorted.length; start += 500) {
    const chunk = sorted.slice(start, start + 500);
    await executor
      .insertInto('occupation')
      .values(
        chunk.map((row) => ({
          code: row.code,
          name: row.name.trim(),
          major_category: Number(row.code[0]),
          parent_code: parentOf(row.code, known),
        })),
      )
      .onConflict((conflict) =>
        conflict.column('code').doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })),
      )
      .execute();
  }
  return rows.length;
}

/** Reads an occupation CSV with a header row naming `code` and `name` (or 职业编码, 职业名称). */
export function parseOccupationCsv(text: string): { code: string; name: string }[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<
    string,
    string
  >[];
  return records.map((record) => ({
    code: record.code ?? record.职业编码 ?? '',
    name: record.name ?? record.职业名称 ?? '',
  }));
}

/** The occupation with this code, or undefined. */
export async function findOccupation(executor: Executor, code: string): Promise<Occupation | undefined> {
  const row = await executor.selectFrom('occupation').selectAll().where('code', '=', code).executeTakeFirst();
  return row ? toOccupation(row) : undefined;
}

/** Refuses (422) a code that is not in the occupation table. */
export async function assertOccupationExists(
  executor: Executor,
  code: string,
  field = 'occupationCode',
): Promise<Occupation> {
  const occupation = await findOccupation(executor, code);
  if (!occupation)
    throw new AppError('VALIDATION_FAILED', `职业编码不存在：${code}`, [
      { field, message: `职业编码不存在：${code}` },
    ]);
  return occupation;
}

export async function listOccupationPage(
  executor: Executor,
  query: { majorCategory?: number; search?: string; page: number; pageSize: number },
): Promise<{ items: Occupation[]; total: number; page: number; pageSize: number }> {
  let base = executor.selectFrom('occupation');
  if (query.majorCategory) base = base.where('major_category', '=', query.majorCategory);
  if (query.search) {
    const pattern = `%${query.search}%`;
    base = base.where((eb) => eb.or([eb('name', 'like', pattern), eb('code', 'like', pattern)]));
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('code')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return { items: rows.map(toOccupation), total: Number(total), page: query.page, pageSize: query.pageSize };
}

function toOccupation(row: {
  code: string;
  name: string;
  major_category: number;
  parent_code: string | null;
}): Occupation {
  return { code: row.code, name: row.name, majorCategory: row.major_category, parentCode: row.parent_code };
}
