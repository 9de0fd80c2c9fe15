import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/auth/totp.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { bearer, createSecurityApp, type SecurityApp, STRONG_PASSWORD, seedUsers } from './security-app.ts';

describe('identity in production mode (lockout, timeouts, sessions, TOTP, first-login change)', () => {
  let t: SecurityApp;
  beforeAll(async () => {
    t = await createSecurityApp({ isDemoMode: false });
    await seedUsers(t.database, [
      { loginName: 'lock_me', role: 'auditor', regionCode: '430400' },
      { loginName: 'idle_me', role: 'auditor', regionCode: '430400' },
      { loginName: 'reuse_me', role: 'auditor', regionCode: '430400' },
      { loginName: 'officer_new', role: 'county_officer', regionCode: '430421' },
      { loginName: 'seeded_new', role: 'auditor', regionCode: '430400', mustChangePassword: true },
      { loginName: 'disable_me', role: 'institution_operator', regionCode: '430421', organisationId: 7 },
      { loginName: 'admin_sys', role: 'system_admin', regionCode: '430400' },
    ]);
    // Auditors and administrators are privileged: outside demo mode they use a second factor.
    for (const loginName of ['lock_me', 'idle_me', 'reuse_me', 'seeded_new', 'admin_sys'])
      await t.enrolTotp(loginName);
  });
  afterAll(async () => t.close());

  it('delays repeated failures per name instead of locking: the same answers for an unknown name, and the owner gets in after the delay', async () => {
    await seedUsers(t.database, [
      { loginName: 'slow_me', role: 'institution_operator', regionCode: '430421', organisationId: 7 },
    ]);
    const attempt = (loginName: string, password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: `10.1.1.${loginName.length}`,
        payload: { loginName, password },
      });
    const answers = async (loginName: string) => {
      const seen: string[] = [];
      for (let index = 0; index < 5; index += 1) {
        const response = await attempt(loginName, 'Wrong#Password1');
        seen.push(`${response.statusCode} ${response.json().error.code} ${response.json().error.message}`);
      }
      return seen;
    };
    const known = await answers('slow_me');
    const unknown = await answers('slow_no');
    expect(known).toEqual(unknown);
    // Three free failures, a fourth answered 401 and then a delay: 429, the password unchecked.
    expect(known.slice(0, 4).every((answer) => answer.startsWith('401 UNAUTHENTICATED'))).toBe(true);
    expect(known[4]).toMatch(/^429 RATE_LIMITED/);
    const during = await attempt('slow_me', STRONG_PASSWORD);
    expect(during.statusCode).toBe(429);
    // No lock-out: once the short delay has passed, the right password works.
    t.clock.advanceSeconds(5);
    const after = await attempt('slow_me', STRONG_PASSWORD);
    expect(after.statusCode, after.body).toBe(200);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select('outcome')
      .where('action', '=', 'auth.login')
      .where('outcome', '=', 'denied')
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(4);
  });

  it('never locks an administrator out: a stranger who keeps failing costs the owner at most the 5-minute cap, not 30 minutes', async () => {
    await seedUsers(t.database, [{ loginName: 'slow_admin', role: 'system_admin', regionCode: '430400' }]);
    await t.enrolTotp('slow_admin');
    // A stranger tries twelve times, one a minute (refused attempts while delayed count nothing).
    for (let index = 0; index < 12; index += 1) {
      if (index > 0) t.clock.advanceSeconds(60);
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.4.4.4',
        payload: { loginName: 'slow_admin', password: 'Wrong#Password1' },
      });
      expect([401, 429]).toContain(response.statusCode);
      expect(response.json().error.code).not.toBe('ACCOUNT_LOCKED');
    }
    // The owner, the longest per-name delay after the stranger's last try, gets in.
    t.clock.advanceSeconds(5 * 60 + 1);
    const owner = await t.login('slow_admin');
    expect(owner.statusCode, owner.body).toBe(200);
    expect(owner.json().totpEnrolmentRequired).toBe(false);
    t.clock.advanceMinutes(16);
  });

  it('throttles one address trying many names (password spraying)', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 30; index += 1) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.2.2.2',
        payload: { loginName: `spray_${index}`, password: 'Wrong#Password1' },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(10);
    // Another address is not slowed down by it.
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '10.3.3.3',
      payload: { loginName: 'spray_0', password: 'Wrong#Password1' },
    });
    expect(other.statusCode).toBe(401);
    t.clock.advanceMinutes(16);
  });

  it('refuses a session idle for 30 minutes and one past its absolute lifetime', async () => {
    const first = await t.login('idle_me');
    const token = first.json().token as string;
    t.clock.advanceMinutes(29);
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(token) })).statusCode).toBe(200);
    t.clock.advanceMinutes(30);
    const idle = await t.app.inject({ url: '/api/auth/me', headers: bearer(token) });
    expect(idle.statusCode).toBe(401);
    expect(idle.json().error.message).toContain('超时');

    const second = (await t.login('idle_me')).json().token as string;
    for (let step = 0; step < 25; step += 1) {
      t.clock.advanceMinutes(29);
      await t.app.inject({ url: '/api/auth/me', headers: bearer(second) });
    }
    // 25 × 29 minutes > 12 hours: active all along, but past the absolute timeout.
    const expired = await t.app.inject({ url: '/api/auth/me', headers: bearer(second) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toContain('最长有效期');
  });

  it('issues a new token at every login and refuses a token after logout', async () => {
    const first = (await t.login('reuse_me')).json().token as string;
    const second = (await t.login('reuse_me')).json().token as string;
    expect(second).not.toBe(first);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(first) });
    expect(logout.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(first) })).statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(first) })).statusCode,
    ).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(second) })).statusCode).toBe(200);
    const stored = await t.database.db.selectFrom('user_session').select('token_hash').execute();
    expect(stored.map((row) => row.token_hash)).not.toContain(first);
  });

  it('refuses the published demo password outside demo mode', async () => {
    const response = await t.login('sysadmin', DEMO_PASSWORD);
    expect(response.statusCode).toBe(401);
  });

  it('makes a seeded account change its password before doing anything else', async () => {
    const login = await t.login('seeded_new');
    expect(login.statusCode).toBe(200);
    expect(login.json().mustChangePassword).toBe(true);
    const restricted = login.json().token as string;
    expect((await t.app.inject({ url: '/api/audit/entries', headers: bearer(restricted) })).statusCode).toBe(
      403,
    );
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(restricted),
      payload: { currentPassword: STRONG_PASSWORD, newPassword: 'P@ssw0rd2026' },
    });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().error.details[0].field).toBe('newPassword');
    const demo = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(restricted),
      payload: { currentPassword: STRONG_PASSWORD, newPassword: DEMO_PASSWORD },
    });
    expect(demo.statusCode).toBe(422);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(restricted),
      payload: { currentPassword: STRONG_PASSWORD, newPassword: 'Violet!Harbour93' },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().mustChangePassword).toBe(false);
    const renewed = changed.json().token as string;
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(restricted) })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/audit/entries', headers: bearer(renewed) })).statusCode).toBe(
      200,
    );
  });

  it('requires an officer to enrol TOTP, then accepts each code only once', async () => {
    const login = await t.login('officer_new');
    expect(login.json().totpEnrolmentRequired).toBe(true);
    const restricted = login.json().token as string;
    expect((await t.app.inject({ url: '/api/admin/users', headers: bearer(restricted) })).statusCode).toBe(
      403,
    );
    const enrol = await t.app.inject({
      method: 'POST',
      url: '/api/auth/totp/enrol',
      headers: bearer(restricted),
    });
    expect(enrol.statusCode).toBe(200);
    const { secret, uri } = enrol.json() as { secret: string; uri: string };
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    const stored = await t.database.db
      .selectFrom('app_user')
      .select('totp_pending_secret')
      .where('login_name', '=', 'officer_new')
      .executeTakeFirstOrThrow();
    expect(stored.totp_pending_secret).toMatch(/^v2:t1:/);
    expect(stored.totp_pending_secret).not.toContain(secret);

    const firstCode = totpCodeAt(secret, t.clock.now().getTime());
    const confirm = await t.app.inject({
      method: 'POST',
      url: '/api/auth/totp/confirm',
      headers: bearer(restricted),
      payload: { code: firstCode },
    });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.json().totpEnrolmentRequired).toBe(false);

    const withoutCode = await t.login('officer_new');
    expect(withoutCode.statusCode).toBe(401);
    expect(withoutCode.json().error.code).toBe('TOTP_REQUIRED');
    const replayed = await t.login('officer_new', STRONG_PASSWORD, firstCode);
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json().error.details[0].field).toBe('totpCode');

    t.clock.advanceSeconds(30);
    const nextCode = totpCodeAt(secret, t.clock.now().getTime());
    const accepted = await t.login('officer_new', STRONG_PASSWORD, nextCode);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().totpEnrolmentRequired).toBe(false);
    const again = await t.login('officer_new', STRONG_PASSWORD, nextCode);
    expect(again.statusCode).toBe(401);
    // An earlier step, still inside the drift window, is refused too.
    const older = await t.login('officer_new', STRONG_PASSWORD, firstCode);
    expect(older.statusCode).toBe(401);
    await t.database.db
      .updateTable('app_user')
      .set({ failed_login_count: 0 })
      .where('login_name', '=', 'officer_new')
      .execute();
  });

  it('requires a second factor of every privileged role outside demo mode, administrators and auditors too', async () => {
    const roles = [
      'province_officer',
      'finance_officer',
      'auditor',
      'system_admin',
      'security_admin',
      'audit_admin',
    ] as const;
    await seedUsers(
      t.database,
      roles.map((role) => ({ loginName: `tf_${role}`, role, regionCode: '430400' })),
    );
    for (const role of roles) {
      const login = await t.login(`tf_${role}`);
      expect(login.statusCode, role).toBe(200);
      expect(login.json().totpEnrolmentRequired, role).toBe(true);
      const restricted = bearer(login.json().token);
      for (const url of ['/api/audit/entries', '/api/admin/users', '/api/security/users', '/api/claims']) {
        const response = await t.app.inject({ url, headers: restricted });
        expect(response.statusCode, `${role} ${url}`).toBe(403);
      }
    }
    // An operator of an organisation is not privileged: no second factor is asked.
    const operator = await t.login('disable_me');
    expect(operator.json().totpEnrolmentRequired).toBe(false);
  });

  it('a second-factor reset yields a one-time enrolment code: the password alone enrols nothing; audited', async () => {
    await seedUsers(t.database, [
      { loginName: 'reset_officer', role: 'county_officer', regionCode: '430421' },
      { loginName: 'sec_admin', role: 'security_admin', regionCode: '430400' },
    ]);
    await t.enrolTotp('reset_officer');
    await t.enrolTotp('sec_admin');
    const admin = bearer((await t.login('sec_admin')).json().token);
    const officer = await t.database.db
      .selectFrom('app_user')
      .select('id')
      .where('login_name', '=', 'reset_officer')
      .executeTakeFirstOrThrow();
    const reset = await t.app.inject({
      method: 'POST',
      url: `/api/security/users/${officer.id}/totp-reset`,
      headers: admin,
    });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json().hasTotp).toBe(false);
    const code = reset.json().enrolmentCode as string;
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    // The password now opens only an enrolment session, and enrolment needs the code.
    const login = await t.login('reset_officer', STRONG_PASSWORD, '000000');
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().totpEnrolmentRequired).toBe(true);
    const restricted = bearer(login.json().token);
    const enrol = (payload?: object) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/totp/enrol',
        headers: restricted,
        ...(payload && { payload }),
      });
    const withoutCode = await enrol();
    expect(withoutCode.statusCode).toBe(401);
    expect(withoutCode.json().error.details[0].field).toBe('enrolmentCode');
    expect((await enrol({ enrolmentCode: 'AAAA-BBBB-CCCC-DDDD' })).statusCode).toBe(401);
    const started = await enrol({ enrolmentCode: code.toLowerCase() });
    expect(started.statusCode, started.body).toBe(200);
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/totp/confirm',
      headers: restricted,
      payload: { code: totpCodeAt(started.json().secret, t.clock.now().getTime()) },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const stored = await t.database.db
      .selectFrom('app_user')
      .select(['totp_enrolment_code_hash', 'totp_secret'])
      .where('id', '=', officer.id)
      .executeTakeFirstOrThrow();
    expect(stored.totp_enrolment_code_hash).toBeNull();
    expect(stored.totp_secret).not.toBeNull();

    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'after_state'])
      .where('action', '=', 'security.reset_totp')
      .where('object_id', '=', String(officer.id))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after_state).toMatchObject({ enrolmentCodeIssued: true });
    expect(JSON.stringify(audit[0]!.after_state)).not.toContain(code.slice(0, 4));
    const refusedEnrolments = await t.database.db
      .selectFrom('audit_log')
      .select('outcome')
      .where('action', '=', 'auth.totp_enrol_start')
      .where('object_id', '=', String(officer.id))
      .execute();
    expect(refusedEnrolments.map((row) => row.outcome).sort()).toEqual(['denied', 'denied', 'success']);
  });

  it('revokes every session when an account is disabled', async () => {
    const operator = (await t.login('disable_me')).json().token as string;
    const admin = (await t.login('admin_sys')).json().token as string;
    const user = await t.database.db
      .selectFrom('app_user')
      .select('id')
      .where('login_name', '=', 'disable_me')
      .executeTakeFirstOrThrow();
    const disabled = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${user.id}`,
      headers: bearer(admin),
      payload: { status: 'disabled' },
    });
    expect(disabled.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(operator) })).statusCode).toBe(401);
    const open = await t.database.db
      .selectFrom('user_session')
      .select('token_hash')
      .where('user_id', '=', user.id)
      .where('revoked_at', 'is', null)
      .execute();
    expect(open).toEqual([]);
    expect((await t.login('disable_me')).statusCode).toBe(403);
  });
});

describe('demo mode keeps the demo accounts usable', () => {
  let t: SecurityApp;
  beforeAll(async () => {
    t = await createSecurityApp({ isDemoMode: true });
  });
  afterAll(async () => t.close());

  it('lets a demo officer log in with the published password and no TOTP enrolment', async () => {
    const response = await t.login('hy_county', DEMO_PASSWORD);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ mustChangePassword: false, totpEnrolmentRequired: false });
  });

  it('answers 429 after too many logins for one name from one address', async () => {
    let last = 0;
    for (let attempt = 0; attempt < 11; attempt += 1)
      last = (await t.login('nobody_here', 'Wrong#Password1')).statusCode;
    expect(last).toBe(429);
    const response = await t.login('nobody_here', 'Wrong#Password1');
    expect(response.json().error.code).toBe('RATE_LIMITED');
  });

  it('sends security headers, and a relaxed CSP only for the Swagger UI', async () => {
    const api = await t.app.inject({ url: '/healthz' });
    expect(api.headers['content-security-policy']).toContain("default-src 'self'");
    expect(api.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(api.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['strict-transport-security']).toBeTruthy();
    expect(api.headers['set-cookie']).toBeUndefined();
    const docs = await t.app.inject({ url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
  });
});
