import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { evaluate } from './evaluate.ts';
import type { EvaluateRequest } from './evaluate.types.ts';
import {
  evaluateWithPublishedParameters,
  forgetPublishedOverrides,
  listParameterVersions,
  loadPublishedOverrides,
  PUBLISHED_OVERRIDES_MAX_AGE_MS,
  publishParameterVersion,
  recentPublishedOverrides,
} from './parameter.service.ts';
import { simulate } from './simulate.ts';

// Until the lead registers the policy routes in src/api/routes.ts, the test registers them itself.

const chongqingTraining: EvaluateRequest = {
  region: '500101',
  date: '2021-06-15',
  subsidy: 'training',
  person: { groups: ['registered_unemployed'] },
  training: {
    filed: true,
    approvedOn: '2021-04-01',
    occupationCode: '4-10-01-01',
    level: 'primary',
    offlineDays: 10,
    dailyRateFen: 13000,
    catalogStandardFen: 300000,
  },
};

const ceilingChange = {
  packId: 'cn-500000-2021',
  key: 'day-rates.otherFloorFen',
  effectiveFrom: '2021-06-01',
  value: 14000,
  citation: { doc: '渝人社发〔2021〕99号', article: '一' },
};

/** A Jiangsu 以工代训 monthly amount, published from `effectiveFrom`. */
const jiangsuMonthlyAmount = (effectiveFrom: string) => ({
  packId: 'cn-320000-2019',
  key: 'on-the-job-training.monthlyAmountFen',
  effectiveFrom,
  value: 50000,
  citation: { doc: '苏人社发〔2020〕1号', article: '三' },
});

let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp();
});
afterAll(async () => {
  await testApp.close();
});

describe('parameter versions in the database', () => {
  it('refuses a Chongqing rate outside 130–200 yuan', async () => {
    const db = testApp.database.db;
    await expect(
      publishParameterVersion(db, SYSTEM_CONTEXT, {
        ...ceilingChange,
        key: 'day-rates.ceilingFen',
        value: 25000,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'value' }] });
    await expect(
      publishParameterVersion(db, SYSTEM_CONTEXT, { ...ceilingChange, citation: { doc: '', article: '' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('uses a published version from its effective date only, and records it in the decision', async () => {
    const db = testApp.database.db;
    const before = await evaluateWithPublishedParameters(db, chongqingTraining);
    expect(before.eligible).toBe(true);
    await db
      .transaction()
      .execute((transaction) => publishParameterVersion(transaction, SYSTEM_CONTEXT, ceilingChange));
    const after = await evaluateWithPublishedParameters(db, chongqingTraining);
    expect(after.denials).toMatchObject([{ code: 'RATE_OUT_OF_RANGE' }]);
    expect(after.parameterVersions).toContainEqual({
      id: 'cn-500000-2021/day-rates.otherFloorFen',
      effectiveFrom: '2021-06-01',
      source: 'published',
    });
    const earlier = await evaluateWithPublishedParameters(db, { ...chongqingTraining, date: '2021-05-31' });
    expect(earlier.eligible).toBe(true);
  });

  it('keeps every revision and uses the latest one', async () => {
    const db = testApp.database.db;
    const corrected = await publishParameterVersion(db, SYSTEM_CONTEXT, { ...ceilingChange, value: 13500 });
    expect(corrected.revision).toBe(2);
    const [history] = await listParameterVersions(db, {
      packId: 'cn-500000-2021',
      key: 'day-rates.otherFloorFen',
    });
    expect(history?.published.map((row) => row.value)).toEqual([14000, 13500]);
    const overrides = await loadPublishedOverrides(db);
    expect(overrides.filter((override) => override.key === 'day-rates.otherFloorFen')).toHaveLength(1);
  });
});

describe('simulation', () => {
  it('reports total and per-line differences and changes nothing', () => {
    const requests = [
      chongqingTraining,
      { ...chongqingTraining, training: { ...chongqingTraining.training, dailyRateFen: 15000 } },
    ];
    const outcome = simulate(requests, [{ ...ceilingChange, value: 15000 }]);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.result).toMatchObject({
      requestCount: 2,
      totalBeforeFen: 280000,
      totalAfterFen: 150000,
      differenceFen: -130000,
      changedRequestCount: 1,
      eligibilityChangedCount: 1,
    });
    expect(outcome.result.lines).toEqual([
      { item: 'training_offline', beforeFen: 280000, afterFen: 150000, differenceFen: -130000 },
    ]);
    expect(evaluate(chongqingTraining).eligible).toBe(true);
  });

  it('refuses a proposed value outside the document bounds', () => {
    const outcome = simulate([chongqingTraining], [{ ...ceilingChange, value: 12000 }]);
    expect(outcome).toMatchObject({ ok: false, problems: [{ field: 'changes[0].value' }] });
  });
});

describe('HTTP', () => {
  it('POST /api/v1/evaluate answers the v1 contract', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/evaluate',
      payload: {
        ...chongqingTraining,
        region: '430421',
        date: '2020-06-01',
        training: { ...chongqingTraining.training, inCatalog: true },
        certificate: { type: 'skill_level' },
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ policy: 'cn-430400-2019', eligible: true });
  });

  it('POST /api/v1/evaluate answers byte for byte what the engine returns (every shipped case)', async () => {
    const casesDir = path.join(import.meta.dirname, 'cases');
    const files = fs
      .readdirSync(casesDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const { request } = JSON.parse(fs.readFileSync(path.join(casesDir, file), 'utf8')) as {
        request: EvaluateRequest;
      };
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/api/v1/evaluate',
        payload: request,
      });
      const overrides = await recentPublishedOverrides(testApp.database.db);
      expect(response.body, file).toBe(JSON.stringify(evaluate(request, { overrides })));
    }
  });

  it('POST /api/v1/evaluate names every bad field with 400 INVALID_REQUEST', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/evaluate',
      payload: {
        region: 'x',
        date: '2021-02-30',
        subsidy: 'training',
        person: { groups: ['veteran', 'nobody'] },
      },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe('INVALID_REQUEST');
    const fields = body.error.details.map((detail: { field: string }) => detail.field);
    expect(fields).toEqual(expect.arrayContaining(['region', 'date', 'person.groups[1]']));
  });

  it('POST /api/v1/evaluate refuses an end before its start with 400', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/evaluate',
      payload: { ...chongqingTraining, training: { start: '2021-05-10', end: '2021-05-01' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([
      { field: 'training.end', message: '培训结束日期不能早于开始日期' },
    ]);
  });

  it('GET /api/policy/coverage tells up front that Hengyang funds no 以工代训 and Chongqing does, naming the document', async () => {
    const ask = (query: string) =>
      testApp.app.inject({ method: 'GET', url: `/api/policy/coverage?${query}` });
    const hengyang = await ask('regionCode=430421&subsidyKind=on_the_job_training&date=2021-11-16');
    expect(hengyang.statusCode).toBe(200);
    expect(hengyang.json()).toMatchObject({
      regionCode: '430421',
      isProvided: false,
      packId: 'cn-430400-2019',
      document: '衡人社发【2019】21号',
    });
    expect(hengyang.json().explanation).toContain('衡人社发【2019】21号');
    expect(hengyang.json().explanation).toContain('未规定以工代训职业培训补贴');
    // The same document funds its enterprise employees' training.
    const training = await ask('regionCode=430421&subsidyKind=training&date=2021-11-16');
    expect(training.json()).toMatchObject({ isProvided: true, packId: 'cn-430400-2019' });
    const chongqing = await ask('regionCode=500101&subsidyKind=on_the_job_training&date=2021-06-01');
    expect(chongqing.json()).toMatchObject({ isProvided: true, packId: 'cn-500000-2021' });
    const bad = await ask('regionCode=43&subsidyKind=on_the_job_training');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toContain('regionCode');
  });

  it('publishing needs the permission and the region', async () => {
    const anonymous = await testApp.app.inject({
      method: 'POST',
      url: '/api/policy/parameter-versions',
      payload: ceilingChange,
    });
    expect(anonymous.statusCode).toBe(401);
    const jiangsu = await testApp.loginAs('js_province');
    const outside = await testApp.app.inject({
      method: 'POST',
      url: '/api/policy/parameter-versions',
      headers: jiangsu,
      payload: ceilingChange,
    });
    expect(outside.statusCode).toBe(403);
    const inside = await testApp.app.inject({
      method: 'POST',
      url: '/api/policy/parameter-versions',
      headers: jiangsu,
      payload: { ...jiangsuMonthlyAmount('2020-01-01'), confirmRetroactive: true },
    });
    expect(inside.statusCode).toBe(201);
  });

  it('POST /api/policy/simulate reports differences for an officer', async () => {
    const officer = await testApp.loginAs('hy_city');
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/policy/simulate',
      headers: officer,
      payload: {
        requests: [
          {
            region: '430400',
            date: '2020-10-01',
            subsidy: 'living_allowance',
            person: { groups: ['poor_labor'] },
            training: { filed: true, offlineDays: 10 },
          },
        ],
        changes: [
          {
            packId: 'cn-430400-2019',
            key: 'living-allowance.dailyAmountFen',
            effectiveFrom: '2020-01-01',
            value: 3000,
            citation: { doc: '衡人社发〔2020〕1号', article: '二' },
          },
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      totalBeforeFen: 20000,
      totalAfterFen: 30000,
      differenceFen: 10000,
    });
  });

  it("the public routes see a publication through the API at once, and another process's within the max age", async () => {
    const db = testApp.database.db;
    let clock = 0;
    const now = () => clock;
    const has = (
      overrides: { packId: string; key: string; effectiveFrom: string }[],
      key: string,
      from: string,
    ) => overrides.some((override) => override.key === key && override.effectiveFrom === from);
    forgetPublishedOverrides(); // the routes above read on the real clock
    const first = await recentPublishedOverrides(db, now);
    // Another process publishes: this one answers from what it read until the max age passes.
    await publishParameterVersion(db, SYSTEM_CONTEXT, {
      ...ceilingChange,
      key: 'day-rates.ceilingFen',
      effectiveFrom: '2022-01-01',
      value: 20000,
    });
    clock = PUBLISHED_OVERRIDES_MAX_AGE_MS - 1;
    expect(await recentPublishedOverrides(db, now)).toBe(first);
    clock = PUBLISHED_OVERRIDES_MAX_AGE_MS;
    const fresh = await recentPublishedOverrides(db, now);
    expect(has(fresh, 'day-rates.ceilingFen', '2022-01-01')).toBe(true);
    // A publication through this process's API is seen by the next request, max age or not.
    const published = await testApp.app.inject({
      method: 'POST',
      url: '/api/policy/parameter-versions',
      headers: await testApp.loginAs('js_province'),
      payload: { ...jiangsuMonthlyAmount('2020-02-01'), confirmRetroactive: true },
    });
    expect(published.statusCode).toBe(201);
    expect(
      has(await recentPublishedOverrides(db, now), 'on-the-job-training.monthlyAmountFen', '2020-02-01'),
    ).toBe(true);
  });
});
