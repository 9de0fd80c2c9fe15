import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { bearer, createSecurityApp, type SecurityApp, STRONG_PASSWORD, seedUsers } from './security-app.ts';

/**
 * Issue 18, finding 5: "Zhang@123", "Abcdefg1" and "Aa1!Aa1!" were accepted, the previous
 * password could be reused and passwords never expired. Now: at least 10 characters and a zxcvbn
 * score of 3 (counting the owner's names and common pinyin), none of the last five passwords,
 * and a change is due after SKILLFUND_PASSWORD_MAX_AGE_DAYS (90 by default).
 */

const WEAK = ['Zhang@123', 'Abcdefg1', 'Aa1!Aa1!', 'Zhangsan@123', 'Abcdefg123!'];
const NEXT = [
  'Violet!Harbour93',
  'Copper#Meadow417',
  'Saffron&Glacier26',
  'Walnut^Comet881',
  'Indigo%Ferry3056',
];

async function changePassword(t: SecurityApp, token: string, currentPassword: string, newPassword: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: bearer(token),
    payload: { currentPassword, newPassword },
  });
}

describe('password strength and reuse', () => {
  let t: SecurityApp;
  beforeAll(async () => {
    t = await createSecurityApp({ isDemoMode: true });
    await seedUsers(t.database, [
      { loginName: 'weak_changer', role: 'institution_operator', regionCode: '430421', organisationId: 7 },
      { loginName: 'cycler', role: 'institution_operator', regionCode: '430421', organisationId: 7 },
    ]);
  });
  afterAll(async () => t.close());

  it.each(WEAK)('refuses %s as a new password: 422 naming newPassword, in Chinese', async (weak) => {
    const token = (await t.login('weak_changer')).json().token as string;
    const response = await changePassword(t, token, STRONG_PASSWORD, weak);
    expect(response.statusCode).toBe(422);
    const error = response.json().error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('新密码不符合安全要求');
    expect(error.details.length).toBeGreaterThan(0);
    for (const detail of error.details) {
      expect(detail.field).toBe('newPassword');
      expect(detail.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it.each(WEAK)(
    'refuses %s as an initial password set by the system administrator (naming initialPassword)',
    async (weak) => {
      const admin = (await t.login('sysadmin', DEMO_PASSWORD)).json().token as string;
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/admin/users',
        headers: bearer(admin),
        payload: {
          loginName: `new_${WEAK.indexOf(weak)}`,
          displayName: '新用户',
          role: 'auditor',
          regionCode: '430400',
          initialPassword: weak,
        },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.details.map((detail: { field: string }) => detail.field)).toContain(
        'initialPassword',
      );
    },
  );

  it('refuses any of the last five passwords, and accepts the sixth back', async () => {
    let current = STRONG_PASSWORD;
    let token = (await t.login('cycler')).json().token as string;
    const change = async (next: string) => {
      const response = await changePassword(t, token, current, next);
      if (response.statusCode === 200) {
        token = response.json().token;
        current = next;
      }
      return response;
    };
    expect((await change(NEXT[0]!)).statusCode).toBe(200);
    // The previous password, straight back: refused.
    const back = await change(STRONG_PASSWORD);
    expect(back.statusCode).toBe(422);
    expect(back.json().error.details).toEqual([
      { field: 'newPassword', message: '新密码不得与最近 5 次使用过的密码相同' },
    ]);
    for (const next of NEXT.slice(1)) expect((await change(next)).statusCode).toBe(200);
    // The last five are NEXT[0..4] (NEXT[4] is the current one): each refused.
    for (const recent of NEXT.slice(0, 4)) expect((await change(recent)).statusCode).toBe(422);
    // The initial password is now six changes back: allowed again.
    expect((await change(STRONG_PASSWORD)).statusCode).toBe(200);
    const kept = await t.database.db
      .selectFrom('password_history')
      .innerJoin('app_user', 'app_user.id', 'password_history.user_id')
      .select('password_history.password_hash')
      .where('app_user.login_name', '=', 'cycler')
      .execute();
    expect(kept).toHaveLength(5);
    for (const row of kept) expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('keeps the published demo password valid under the rule for the demo accounts', async () => {
    expect((await t.login('hy_city', DEMO_PASSWORD)).statusCode).toBe(200);
  });
});

describe('password expiry', () => {
  let t: SecurityApp;
  beforeAll(async () => {
    t = await createSecurityApp({ isDemoMode: true, env: { SKILLFUND_PASSWORD_MAX_AGE_DAYS: '30' } });
    await seedUsers(t.database, [
      { loginName: 'ageing', role: 'institution_operator', regionCode: '430421', organisationId: 7 },
    ]);
  });
  afterAll(async () => t.close());

  it('after the maximum age, login answers that the password must be changed, and nothing else is allowed until it is', async () => {
    t.clock.advanceMinutes(29 * 24 * 60);
    const fresh = await t.login('ageing');
    expect(fresh.json()).toMatchObject({ mustChangePassword: false, passwordExpired: false });

    t.clock.advanceMinutes(2 * 24 * 60);
    const expired = await t.login('ageing');
    expect(expired.statusCode).toBe(200);
    expect(expired.json()).toMatchObject({ mustChangePassword: true, passwordExpired: true });
    const token = expired.json().token as string;
    const refused = await t.app.inject({ url: '/api/classes', headers: bearer(token) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('请先修改密码');

    const changed = await changePassword(t, token, STRONG_PASSWORD, 'Juniper@Lantern72');
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ mustChangePassword: false, passwordExpired: false });
    const after = await t.login('ageing', 'Juniper@Lantern72');
    expect(after.json()).toMatchObject({ mustChangePassword: false, passwordExpired: false });
    expect(
      (await t.app.inject({ url: '/api/classes', headers: bearer(after.json().token) })).statusCode,
    ).toBe(200);
  });
});
