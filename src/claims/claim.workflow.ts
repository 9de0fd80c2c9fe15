import type { Permission, Role } from '../auth/roles.ts';

/** Claim states, in the order a claim normally moves through them. */
export const CLAIM_STATUSES = [
  'draft',
  'submitted',
  'reviewed',
  'in_notice',
  'approved',
  'payment_ordered',
  'paid',
  'payment_failed',
  'returned',
  'rejected',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const CLAIM_STATUS_LABELS: Record<ClaimStatus, string> = {
  draft: '草稿',
  submitted: '已提交待审核',
  reviewed: '已审核',
  in_notice: '公示中',
  approved: '已审批',
  payment_ordered: '已下达支付',
  paid: '已支付',
  payment_failed: '支付失败',
  returned: '退回修改',
  rejected: '不予补贴',
};

export type ClaimAction =
  | 'submit'
  | 'review'
  | 'return'
  | 'reject'
  | 'start_notice'
  | 'approve'
  | 'order_payment'
  | 'mark_paid'
  | 'mark_failed';

interface TransitionRule {
  from: readonly ClaimStatus[];
  to: ClaimStatus;
  permission: Permission;
  /** Roles allowed besides holding the permission; undefined = any role with the permission. */
  roles?: readonly Role[];
  requiresReason: boolean;
}

const HRSS_OFFICERS: readonly Role[] = ['county_officer', 'city_officer', 'province_officer'];

/**
 * The claim state machine. The server enforces it; the UI only offers what it allows.
 * Review may be done by a county officer or a contracted third-party agency (赣人社字〔2021〕151号
 * 三; 渝人社发〔2021〕12号 七); approval stays with HRSS, and never by the reviewer.
 */
export const TRANSITIONS: Record<ClaimAction, TransitionRule> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', permission: 'claim.create', requiresReason: false },
  review: {
    from: ['submitted'],
    to: 'reviewed',
    permission: 'claim.review',
    roles: [...HRSS_OFFICERS, 'third_party_reviewer'],
    requiresReason: false,
  },
  return: {
    from: ['submitted', 'reviewed', 'in_notice'],
    to: 'returned',
    permission: 'claim.review',
    requiresReason: true,
  },
  reject: {
    from: ['submitted', 'reviewed', 'in_notice'],
    to: 'rejected',
    permission: 'claim.review',
    roles: HRSS_OFFICERS,
    requiresReason: true,
  },
  start_notice: {
    from: ['reviewed'],
    to: 'in_notice',
    permission: 'claim.review',
    roles: HRSS_OFFICERS,
    requiresReason: false,
  },
  approve: {
    from: ['in_notice'],
    to: 'approved',
    permission: 'claim.approve',
    roles: HRSS_OFFICERS,
    requiresReason: false,
  },
  order_payment: {
    from: ['approved', 'payment_failed'],
    to: 'payment_ordered',
    permission: 'payment.order',
    requiresReason: false,
  },
  mark_paid: { from: ['payment_ordered'], to: 'paid', permission: 'payment.order', requiresReason: false },
  // From paid too: a 退回 after a success reverses that disbursement and reopens its lines.
  mark_failed: {
    from: ['payment_ordered', 'paid'],
    to: 'payment_failed',
    permission: 'payment.order',
    requiresReason: true,
  },
};

export type TransitionRefusal =
  | { code: 'INVALID_STATE'; message: string }
  | { code: 'FORBIDDEN'; message: string }
  | { code: 'VALIDATION_FAILED'; message: string };

/** Why `role` may not apply `action` to a claim in `status`, or null when it may. */
export function transitionRefusal(
  action: ClaimAction,
  status: ClaimStatus,
  role: Role,
  rolePermissions: readonly Permission[],
  reason: string | undefined,
): TransitionRefusal | null {
  const rule = TRANSITIONS[action];
  if (!rolePermissions.includes(rule.permission) || (rule.roles && !rule.roles.includes(role))) {
    return { code: 'FORBIDDEN', message: `角色 ${role} 不能执行「${action}」` };
  }
  if (!rule.from.includes(status)) {
    return {
      code: 'INVALID_STATE',
      message: `申请当前状态为「${CLAIM_STATUS_LABELS[status]}」，不能执行「${action}」`,
    };
  }
  if (rule.requiresReason && !reason?.trim()) {
    return { code: 'VALIDATION_FAILED', message: '退回、不予补贴或支付失败必须填写原因' };
  }
  return null;
}

/** Adds working days (Monday–Friday) to a date; statutory holidays are not modelled. */
export function addWorkingDays(isoDate: string, workingDays: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  let remaining = workingDays;
  while (remaining > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    const day = date.getUTCDay();
    if (day !== 0 && day !== 6) remaining -= 1;
  }
  return date.toISOString().slice(0, 10);
}

/**
 * The last day of a notice of `workingDays` that starts on `startsOn`: the start day counts
 * when it is a working day ("5 working days" from Monday ends on Friday).
 */
export function noticeEndDate(startsOn: string, workingDays: number): string {
  const start = new Date(`${startsOn}T00:00:00Z`);
  const isWorkingDay = start.getUTCDay() !== 0 && start.getUTCDay() !== 6;
  return isWorkingDay ? addWorkingDays(startsOn, workingDays - 1) : addWorkingDays(startsOn, workingDays);
}
