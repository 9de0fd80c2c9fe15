import { describe, expect, it } from 'vitest';
import { isCommonPassword, isPublishedPassword, passwordProblems } from '../../src/auth/password.ts';
import { ORGANISATION_ROLES, ROLE_PERMISSIONS, ROLES, ROLES_REQUIRING_TOTP } from '../../src/auth/roles.ts';
import { ADMINISTRATOR_ROLES } from '../../src/auth/user-admin.service.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';

describe('password rules', () => {
  const zhang = { loginName: 'zhang', displayName: '张伟' };
  it('requires 10 characters of 3 classes, refuses common and login-name passwords', () => {
    expect(passwordProblems('Quartz#Lantern58', zhang)).toEqual([]);
    expect(passwordProblems('Ab1!', zhang)).toContain('密码至少 10 位');
    expect(passwordProblems('abcdefghij1', zhang).join()).toContain('三类');
    expect(passwordProblems('Zhang@2026x', zhang).join()).toContain('登录名');
  });

  // Issue 18, finding 5: each passed the old rule (8 characters of three classes, not on the list).
  it.each([
    ['Zhang@123', '至少 10 位'],
    ['Abcdefg1', '至少 10 位'],
    ['Aa1!Aa1!', '至少 10 位'],
    ['Zhang@12345', '强度不足'],
    ['Abcdefg123!', '强度不足'],
    ['Aa1!Aa1!Aa1!', '强度不足'],
    ['Zhangsan@123', '强度不足'],
    ['Liuyang123!', '强度不足'],
  ])('refuses the weak password %s (%s)', (password, reason) => {
    expect(passwordProblems(password, { loginName: 'someone' }).join()).toContain(reason);
  });

  it("counts the owner's own names as known to an attacker", () => {
    expect(passwordProblems('Liujingbo#88', { loginName: 'officer7' })).toEqual([]);
    expect(passwordProblems('Liujingbo#88', { loginName: 'ljb', displayName: 'liujingbo' }).join()).toContain(
      '强度不足',
    );
  });

  it.each([
    'Password123',
    'P@ssw0rd2026!',
    'Woaini1314!',
    'Qwerty@123',
    '1qaz@WSX',
    'Hengyang@2026',
    'Admin@123',
    'Skillfund#1',
  ])('refuses the common password %s', (password) => {
    expect(isCommonPassword(password)).toBe(true);
    expect(passwordProblems(password, { loginName: 'someone' }).join()).toContain('弱口令');
  });

  it('keeps the published demo password in step with the demo accounts, and it passes the rule', () => {
    expect(isPublishedPassword(DEMO_PASSWORD)).toBe(true);
    expect(
      passwordProblems(DEMO_PASSWORD, { loginName: 'hy_city', displayName: '衡阳市人社局 张科长' }),
    ).toEqual([]);
  });
});

describe('roles (三员分立 and the TOTP requirement)', () => {
  const DUTIES = ['user.admin', 'security.admin', 'audit.read'] as const;

  it('no role holds two of the system, security and audit administration duties', () => {
    for (const role of ROLES) {
      const held = DUTIES.filter((duty) => ROLE_PERMISSIONS[role].includes(duty));
      expect(held.length, `${role} holds ${held.join(' + ')}`).toBeLessThanOrEqual(1);
    }
  });

  it('administrators hold only their duty: no business data, no unmasking', () => {
    for (const role of ADMINISTRATOR_ROLES) expect(ROLE_PERMISSIONS[role]).toHaveLength(1);
    expect(ROLE_PERMISSIONS.system_admin).toEqual(['user.admin']);
    expect(ROLE_PERMISSIONS.security_admin).toEqual(['security.admin']);
    expect(ROLE_PERMISSIONS.audit_admin).toEqual(['audit.read']);
  });

  it('every privileged role needs TOTP (officers, finance, auditor, administrators); person.unmask is limited to HRSS officers', () => {
    expect([...ROLES_REQUIRING_TOTP].sort()).toEqual([
      'audit_admin',
      'auditor',
      'city_officer',
      'county_officer',
      'finance_officer',
      'province_officer',
      'security_admin',
      'system_admin',
    ]);
    const unmaskers = ROLES.filter((role) => ROLE_PERMISSIONS[role].includes('person.unmask'));
    expect(unmaskers.sort()).toEqual(['city_officer', 'county_officer', 'province_officer']);
    expect(ORGANISATION_ROLES).not.toContain('worker');
  });
});
