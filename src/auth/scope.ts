import { AppError } from '../shared/errors.ts';
import type { Role } from './roles.ts';

/** The authenticated caller, as every service sees it. */
export interface Principal {
  userId: number;
  loginName: string;
  role: Role;
  /** Root of the caller's region scope (GB/T 2260). */
  regionCode: string;
  provinceCode: string;
  organisationId: number | null;
  personId: number | null;
}

/**
 * The prefix shared by every code in a region's subtree: a province 320000 → "32", a city
 * 320100 → "3201", a county 320102 → "320102".
 */
export function regionPrefix(regionCode: string): string {
  if (regionCode.endsWith('0000')) return regionCode.slice(0, 2);
  if (regionCode.endsWith('00')) return regionCode.slice(0, 4);
  return regionCode;
}

/** The province a region belongs to. */
export function provinceOf(regionCode: string): string {
  return `${regionCode.slice(0, 2)}0000`;
}

/** True when `regionCode` lies in the subtree rooted at `scopeCode` (inclusive). */
export function isWithinRegion(scopeCode: string, regionCode: string): boolean {
  return regionCode.startsWith(regionPrefix(scopeCode));
}

/**
 * Refuses (403) an object outside the caller's region subtree. The refusal does not name the
 * object's region: probing ids must not tell a caller where another region's objects belong.
 */
export function assertRegionScope(principal: Principal, regionCode: string): void {
  if (!isWithinRegion(principal.regionCode, regionCode)) {
    throw new AppError('FORBIDDEN', '无权访问本辖区以外的数据', [
      { field: 'regionCode', message: `不在本账号辖区（${principal.regionCode}）内` },
    ]);
  }
}

/** Refuses (403) an organisation-scoped caller acting for another organisation. */
export function assertOrganisationScope(principal: Principal, organisationId: number): void {
  if (principal.organisationId !== organisationId) {
    throw new AppError('FORBIDDEN', '无权访问其他单位的数据', [
      { field: 'organisationId', message: '该数据属于其他单位' },
    ]);
  }
}

/** A SQL LIKE pattern matching the region subtree, for `where region_code like ?`. */
export function regionLikePattern(scopeCode: string): string {
  return `${regionPrefix(scopeCode)}%`;
}
