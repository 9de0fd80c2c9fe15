import type { Executor } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import { type AuditContext, recordAudit } from './audit.service.ts';
import { hasPermission, type Permission } from './roles.ts';
import type { Principal } from './scope.ts';

/**
 * Reading personal data unmasked (PIPL art. 51, 等保 个人信息保护). Responses mask ID numbers,
 * phones and bank accounts (src/shared/crypto.ts `maskIdNumber`, `maskPhone`, `maskBankAccount`)
 * unless the caller holds `person.unmask`; every unmasked read is recorded in the audit trail
 * with the fields revealed. Other domains call these two functions; see docs/security.md.
 */

/** The personal-data fields the audit trail names when they are revealed. */
export type PersonalDataField = 'idNumber' | 'phone' | 'bankAccount' | 'name' | 'address';

/** True when the caller's role may see personal data unmasked. */
export function canUnmask(principal: Principal | null): boolean {
  return principal !== null && hasPermission(principal.role, 'person.unmask');
}

/** Refuses (403) a caller whose role may not see personal data unmasked. */
export function assertMayUnmask(principal: Principal | null): asserts principal is Principal {
  if (!canUnmask(principal)) {
    throw new AppError('FORBIDDEN', '当前角色无权查看完整个人信息', [
      { field: 'unmask', message: '当前角色无权查看完整个人信息' },
    ]);
  }
}

export interface PersonalDataRead {
  objectType: string;
  objectId: string | number;
  fields: readonly PersonalDataField[];
  /** Province of the object; defaults to the caller's. */
  provinceCode?: string;
  /** Why the data was needed (e.g. 'claim.review'); recorded with the entry. */
  purpose?: string;
  /**
   * The permission that allows this read; `person.unmask` by default. Payees' bank accounts are
   * read by finance officers (`payment.order`), who order the payments that need them.
   */
  permission?: Permission;
  /** Whose data it is when the object is not the person itself (e.g. the payee of an account). */
  subject?: Record<string, string | number>;
}

/**
 * Checks the read's permission (`person.unmask` unless stated) and records the read (action
 * `personal_data.read`) in the caller's executor. Call it in the same transaction as the query
 * that returns the unmasked values, and before returning them: when the audit entry cannot be
 * written, nothing is revealed.
 */
export async function recordPersonalDataRead(
  executor: Executor,
  context: AuditContext,
  read: PersonalDataRead,
): Promise<void> {
  if (read.permission === undefined || read.permission === 'person.unmask') assertMayUnmask(context.actor);
  else if (!context.actor || !hasPermission(context.actor.role, read.permission))
    throw new AppError('FORBIDDEN', '当前角色无权查看完整个人信息', [
      { field: 'unmask', message: '当前角色无权查看完整个人信息' },
    ]);
  await recordAudit(executor, context, {
    action: 'personal_data.read',
    objectType: read.objectType,
    objectId: read.objectId,
    ...(read.provinceCode !== undefined && { provinceCode: read.provinceCode }),
    after: {
      fields: [...read.fields],
      ...(read.purpose !== undefined && { purpose: read.purpose }),
      ...read.subject,
    },
  });
}
