import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { buildApp } from '../api/app.ts';
import { DemoClock, ManualClock } from '../shared/clock.ts';
import { isLivingDemoPlayed } from './demo.service.ts';

/** The training clock (POST /api/demo/clock) and the demo accounts list, issue 21. */
describe('the training clock', () => {
  let harness: TestApp;
  afterEach(async () => harness?.close());

  it('lets the system administrator move the business date forward, audited, and /api/clock shows it', async () => {
    harness = await createTestApp({ clock: new DemoClock('2021-05-06') });
    const admin = await harness.loginAs('sysadmin');
    const before = await harness.app.inject({ method: 'GET', url: '/api/clock' });
    expect(before.json()).toMatchObject({ today: '2021-05-06', isTrainingClock: true });
    const moved = await harness.app.inject({
      method: 'POST',
      url: '/api/demo/clock',
      headers: admin,
      payload: { date: '2021-06-01' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().today).toBe('2021-06-01');
    expect((await harness.app.inject({ method: 'GET', url: '/api/clock' })).json().today).toBe('2021-06-01');
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select(['action', 'before_state', 'after_state', 'actor_role'])
      .where('action', '=', 'demo.clock.advance')
      .execute();
    expect(audit).toEqual([
      {
        action: 'demo.clock.advance',
        before_state: { today: '2021-05-06' },
        after_state: { today: '2021-06-01' },
        actor_role: 'system_admin',
      },
    ]);
  });

  it('refuses to move it backwards or to the same day, naming the field', async () => {
    harness = await createTestApp({ clock: new DemoClock('2021-05-06') });
    const admin = await harness.loginAs('sysadmin');
    for (const date of ['2021-05-06', '2021-01-01']) {
      const refused = await harness.app.inject({
        method: 'POST',
        url: '/api/demo/clock',
        headers: admin,
        payload: { date },
      });
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json().error.details[0].field).toBe('date');
      expect(refused.json().error.message).toContain('只能向后');
    }
    const invalid = await harness.app.inject({
      method: 'POST',
      url: '/api/demo/clock',
      headers: admin,
      payload: { date: '2021-02-30' },
    });
    expect(invalid.statusCode).toBe(400);
    expect((await harness.app.inject({ method: 'GET', url: '/api/clock' })).json().today).toBe('2021-05-06');
  });

  it('refuses other roles, a clock that is not the training clock, and a server outside demo mode', async () => {
    harness = await createTestApp({ clock: new DemoClock('2021-05-06') });
    const city = await harness.loginAs('hy_city');
    const byOfficer = await harness.app.inject({
      method: 'POST',
      url: '/api/demo/clock',
      headers: city,
      payload: { date: '2021-06-01' },
    });
    expect(byOfficer.statusCode).toBe(403);
    const admin = await harness.loginAs('sysadmin');

    // The same database behind an app on a manual (not a training) clock, then outside demo mode.
    const config = harness.app.deps.config;
    const manual = await buildApp({
      config,
      database: harness.database,
      clock: new ManualClock('2021-05-06'),
    });
    const production = await buildApp({
      config: { ...config, isDemoMode: false },
      database: harness.database,
      clock: new DemoClock('2021-05-06'),
    });
    try {
      for (const app of [manual, production]) {
        const refused = await app.inject({
          method: 'POST',
          url: '/api/demo/clock',
          headers: admin,
          payload: { date: '2021-06-01' },
        });
        expect(refused.statusCode, refused.body).toBe(403);
        expect(refused.json().error.code).toBe('DEMO_MODE_ONLY');
      }
      const accounts = await production.inject({ method: 'GET', url: '/api/demo/accounts' });
      expect(accounts.statusCode).toBe(403);
      expect((await production.inject({ method: 'GET', url: '/api/clock' })).json().isTrainingClock).toBe(
        false,
      );
    } finally {
      await manual.close();
      await production.close();
    }
    const count = await harness.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'demo.clock.advance')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});

describe('the demo accounts list', () => {
  let harness: TestApp;
  afterEach(async () => harness?.close());

  it('lists the existing demo accounts with their role in Chinese, the recommended one first', async () => {
    harness = await createTestApp();
    const response = await harness.app.inject({ method: 'GET', url: '/api/demo/accounts' });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.password).toBe('Demo@2026!');
    expect(body.items[0]).toMatchObject({
      loginName: 'hy_city',
      roleLabel: '市级人社经办人员',
      isRecommended: true,
    });
    const names = body.items.map((item: { loginName: string }) => item.loginName);
    expect(names).toEqual(expect.arrayContaining(['hy_county', 'hy_finance', 'hy_school', 'sysadmin']));
    // Accounts only the living demo creates are not offered before they exist; tests seed the
    // base accounts only and do not pay for the year.
    expect(names).not.toContain('hy_worker');
    expect(await isLivingDemoPlayed(harness.database.db)).toBe(false);
    expect(body.items.filter((item: { isRecommended: boolean }) => item.isRecommended)).toHaveLength(1);
  });
});
