import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Setting a region's target (目标任务, `PUT /api/reports/targets`), as the officer's Reports page
 * does (issue 21: "city and province officers set targets"): the city officer sets its year's
 * target and reads it back with its progress; the change is audited with the previous value; a
 * county officer may not set its city's target, an officer of another province may neither set nor
 * read it, a finance officer may not set one at all, and a bad number is refused naming the field,
 * with nothing changed.
 */
describe('report targets set by the officers', () => {
  const clock = new ManualClock('2021-07-01T02:00:00Z');
  let harness: TestApp;
  const headers = new Map<string, { authorization: string }>();
  const as = async (loginName: string) => {
    if (!headers.has(loginName)) headers.set(loginName, await harness.loginAs(loginName));
    return headers.get(loginName)!;
  };
  const put = async (loginName: string, payload: Record<string, unknown>) =>
    harness.app.inject({ method: 'PUT', url: '/api/reports/targets', headers: await as(loginName), payload });
  const get = async (loginName: string, url: string) =>
    harness.app.inject({ method: 'GET', url, headers: await as(loginName) });

  const target = (overrides: Record<string, unknown> = {}) => ({
    regionCode: '430400',
    metric: 'new_apprentices',
    fromYear: 2021,
    toYear: 2021,
    targetValue: 1_234,
    comparison: 'about',
    citation: { doc: '衡阳市2021年职业技能提升行动工作计划', article: '二（三）' },
    ...overrides,
  });

  type Progress = {
    id: number;
    regionCode: string;
    metric: string;
    fromYear: number;
    toYear: number;
    targetValue: number;
    comparison: string;
    label: string;
    asOf: string;
    achieved: number;
    completionRate: number;
    elapsedShare: number;
  };
  const cityTargets = async (): Promise<Progress[]> => {
    const response = await get('hy_city', '/api/reports/targets?year=2021');
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { items: Progress[] }).items;
  };
  const apprenticesOf = (items: Progress[]) =>
    items.filter(
      (item) =>
        item.regionCode === '430400' &&
        item.metric === 'new_apprentices' &&
        item.fromYear === 2021 &&
        item.toYear === 2021,
    );

  beforeAll(async () => {
    harness = await createTestApp({ clock });
  });
  afterAll(async () => harness?.close());

  it('the city officer sets the year’s target, reads it back with its progress, and the change is audited', async () => {
    const created = await put('hy_city', target());
    expect(created.statusCode, created.body).toBe(200);
    const [saved] = apprenticesOf(await cityTargets());
    expect(saved).toMatchObject({
      targetValue: 1_234,
      comparison: 'about',
      label: '企业新型学徒制培训新型学徒（人）',
      asOf: '2021-07-01',
      achieved: 0,
      completionRate: 0,
    });
    // Half the year has passed on the business clock (1 July: 182 of 365 days).
    expect(saved!.elapsedShare).toBeCloseTo(182 / 365, 3);

    const changed = await put('hy_city', target({ targetValue: 2_000, comparison: 'at_least' }));
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().id).toBe(created.json().id);
    expect(apprenticesOf(await cityTargets())).toEqual([
      expect.objectContaining({ targetValue: 2_000, comparison: 'at_least' }),
    ]);
    const audit = await get('auditor', '/api/audit/entries?action=report.target.update&pageSize=1');
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.json().items[0]).toMatchObject({
      actorLoginName: 'hy_city',
      objectType: 'report_target',
      before: { targetValue: 1_234, comparison: 'about' },
      after: { targetValue: 2_000, comparison: 'at_least' },
    });
  });

  it('refuses a county officer for its city, another province’s officer and a finance officer; nothing changes', async () => {
    expect((await put('hy_city', target({ targetValue: 3_000 }))).statusCode).toBe(200);
    const county = await put('hy_county', target({ targetValue: 1 }));
    expect(county.statusCode, county.body).toBe(403);
    expect(county.json().error.details).toEqual([expect.objectContaining({ field: 'regionCode' })]);
    const jiangsu = await put('js_province', target({ targetValue: 2 }));
    expect(jiangsu.statusCode, jiangsu.body).toBe(403);
    expect((await get('js_province', '/api/reports/targets?regionCode=430400&year=2021')).statusCode).toBe(
      403,
    );
    // Jiangsu's own targets say nothing of Hengyang.
    const own = await get('js_province', '/api/reports/targets?year=2021');
    expect(own.statusCode, own.body).toBe(200);
    expect((own.json().items as Progress[]).filter((item) => item.regionCode.startsWith('43'))).toEqual([]);
    expect((await put('hy_finance', target({ targetValue: 3 }))).statusCode).toBe(403);
    expect(apprenticesOf(await cityTargets())).toEqual([expect.objectContaining({ targetValue: 3_000 })]);
  });

  it('refuses a bad number, years in the wrong order or a missing citation, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ targetValue: 0 }, 'targetValue'],
      [{ targetValue: 12.5 }, 'targetValue'],
      [{ targetValue: '100' }, 'targetValue'],
      [{ targetValue: 2_000_000_000 }, 'targetValue'],
      [{ fromYear: 2021, toYear: 2020 }, 'toYear'],
      [{ metric: 'training_hours' }, 'metric'],
      [{ comparison: 'more' }, 'comparison'],
      [{ citation: { doc: '', article: '一' } }, 'citation'],
    ];
    const before = apprenticesOf(await cityTargets());
    for (const [overrides, field] of cases) {
      const response = await put('hy_city', target(overrides));
      expect([400, 422], `${JSON.stringify(overrides)}: ${response.body}`).toContain(response.statusCode);
      const details = response.json().error.details as Array<{ field: string }>;
      expect(
        details.some((detail) => detail.field.includes(field)),
        `${JSON.stringify(overrides)}: ${response.body}`,
      ).toBe(true);
    }
    expect(apprenticesOf(await cityTargets())).toEqual(before);
  });
});
