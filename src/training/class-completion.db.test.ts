import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caller,
  completeClass,
  type Headers,
  publishHengyangCatalog,
  trainee,
} from '../../test/scenarios/claim-support.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { ManualClock } from '../shared/clock.ts';

/** 结业 (issue 21: the demo's classes never reached `completed`): the school closes a class it held. */
describe('class completion', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let school: Headers;
  let county: Headers;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    school = await harness.loginAs('hy_school');
    county = await harness.loginAs('hy_county');
    await publishHengyangCatalog(harness, await harness.loginAs('hy_city'));
  }, 240_000);
  afterAll(async () => harness?.close());

  it('before its last session has ended a class cannot be completed; after it, the school completes it (audited)', async () => {
    const classId = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-17',
      trainees: [trainee('结业甲', '501')],
      tag: 'END1',
    });
    const early = await call('POST', `/api/classes/${classId}/complete`, school, {});
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().error.message).toContain('培训尚未结束');

    clock.set('2021-05-21T10:00:00Z');
    // Officers approve classes; only the school that holds it closes it.
    expect((await call('POST', `/api/classes/${classId}/complete`, county, {})).statusCode).toBe(403);
    const done = await call('POST', `/api/classes/${classId}/complete`, school, {});
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().status).toBe('completed');
    const again = await call('POST', `/api/classes/${classId}/complete`, school, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('已结业');

    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select(['action', 'object_id'])
      .where('action', '=', 'class.complete')
      .execute();
    expect(audit).toEqual([{ action: 'class.complete', object_id: String(classId) }]);
    // A completed class still takes its claim.
    const claim = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-21',
      payeeAccount: { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000054321' },
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(claim.statusCode, claim.body).toBe(201);
  }, 240_000);
});
