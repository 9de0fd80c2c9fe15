import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, type Headers } from './claim-support.ts';
import { creditCode } from './training-helpers.ts';

/**
 * An organisation's status date (状态生效日期, a business date) is the business date it was
 * registered on: 我的评级与处理 showed the machine's date (2026) on the training clock of 2021.
 */
describe('an organisation registered on the business clock', () => {
  const clock = new ManualClock('2021-08-02T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let city: Headers;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    city = await harness.loginAs('hy_city');
  });
  afterAll(async () => harness.close());

  it('is active since the business date of its registration', async () => {
    const registered = await call('POST', '/api/organisations', city, {
      kind: 'enterprise',
      regionCode: '430421',
      name: '衡阳县状态日期测试有限公司',
      creditCode: creditCode('91430421MA4L00777'),
      enterpriseSize: 'small',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    expect(registered.json().statusSince).toBe('2021-08-02');
  });

  it('the demo institution is active since a date of the programme, not the machine’s', async () => {
    const school = await harness.loginAs('hy_school');
    const own = await call('GET', '/api/supervision/my-organisation', school);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().organisation.statusSince).toBe('2019-01-01');
  });
});
