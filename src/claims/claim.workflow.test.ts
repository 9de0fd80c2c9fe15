import { describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS } from '../auth/roles.ts';
import { noticeEndDate, transitionRefusal } from './claim.workflow.ts';

const refusal = (
  action: Parameters<typeof transitionRefusal>[0],
  status: Parameters<typeof transitionRefusal>[1],
  role: keyof typeof ROLE_PERMISSIONS,
  reason?: string,
) => transitionRefusal(action, status, role, ROLE_PERMISSIONS[role], reason)?.code ?? null;

describe('claim workflow', () => {
  it('lets an institution submit a draft and a county officer review it', () => {
    expect(refusal('submit', 'draft', 'institution_operator')).toBeNull();
    expect(refusal('review', 'submitted', 'county_officer')).toBeNull();
    expect(refusal('review', 'submitted', 'third_party_reviewer')).toBeNull();
  });

  it('refuses a transition by the wrong role', () => {
    expect(refusal('review', 'submitted', 'institution_operator')).toBe('FORBIDDEN');
    expect(refusal('approve', 'in_notice', 'third_party_reviewer')).toBe('FORBIDDEN');
    expect(refusal('approve', 'in_notice', 'finance_officer')).toBe('FORBIDDEN');
    expect(refusal('order_payment', 'approved', 'county_officer')).toBe('FORBIDDEN');
  });

  it('refuses a transition from the wrong state', () => {
    expect(refusal('approve', 'reviewed', 'city_officer')).toBe('INVALID_STATE');
    expect(refusal('order_payment', 'in_notice', 'finance_officer')).toBe('INVALID_STATE');
    expect(refusal('submit', 'approved', 'institution_operator')).toBe('INVALID_STATE');
  });

  it('requires a reason to return or reject', () => {
    expect(refusal('return', 'submitted', 'county_officer')).toBe('VALIDATION_FAILED');
    expect(refusal('return', 'submitted', 'county_officer', '花名册缺少签字')).toBeNull();
    expect(refusal('reject', 'reviewed', 'county_officer', ' ')).toBe('VALIDATION_FAILED');
  });

  it('ends a five-working-day notice started on a Monday on Friday, skipping weekends otherwise', () => {
    expect(noticeEndDate('2021-06-07', 5)).toBe('2021-06-11');
    expect(noticeEndDate('2021-06-09', 5)).toBe('2021-06-15');
    expect(noticeEndDate('2021-06-12', 5)).toBe('2021-06-18');
  });
});
