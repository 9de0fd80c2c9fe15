import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * The audit log as an auditor reads it (issue 21, finding 6): who by name, filters by actor,
 * action and date range, and an xlsx export of what is filtered, in Chinese.
 */
describe('audit log: names, filters and xlsx export', () => {
  let harness: TestApp;
  let auditor: { authorization: string };
  const get = (url: string, headers = auditor) => harness.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    harness = await createTestApp();
    await harness.loginAs('hy_county');
    await harness.loginAs('hy_city');
    auditor = await harness.loginAs('auditor');
  });
  afterAll(async () => harness.close());

  it('names the actor of each entry and filters by actor login name', async () => {
    const response = await get('/api/audit/entries?actorLoginName=hy_county&pageSize=100');
    expect(response.statusCode, response.body).toBe(200);
    const { items, total } = response.json();
    expect(total).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.actorLoginName).toBe('hy_county');
      expect(item.actorDisplayName).toEqual(expect.any(String));
    }
    const nobody = await get('/api/audit/entries?actorLoginName=no_such_user');
    expect(nobody.json().total).toBe(0);
  });

  it('filters by action prefix and by date range', async () => {
    const logins = (await get('/api/audit/entries?actionPrefix=auth.&pageSize=100')).json();
    expect(logins.total).toBeGreaterThanOrEqual(3);
    expect(logins.items.every((item: { action: string }) => item.action.startsWith('auth.'))).toBe(true);
    const all = (await get('/api/audit/entries?pageSize=1')).json().total;
    expect(logins.total).toBeLessThan(all);
    const future = (await get('/api/audit/entries?from=2999-01-01T00:00:00Z')).json();
    expect(future.total).toBe(0);
    const past = (await get('/api/audit/entries?to=2000-01-01T00:00:00Z')).json();
    expect(past.total).toBe(0);
  });

  it('exports what is filtered as xlsx, in Chinese', async () => {
    const filtered = (
      await get('/api/audit/entries?actorLoginName=hy_city&actionPrefix=auth.&pageSize=100')
    ).json();
    const response = await get('/api/audit/entries.xlsx?actorLoginName=hy_city&actionPrefix=auth.');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('审计日志')!;
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      '序号',
      '时间（北京时间）',
      '操作人',
      '角色',
      '操作',
      '操作代码',
      '对象',
      '对象编号',
      '结果',
      '来源地址',
    ]);
    expect(sheet.rowCount - 1).toBe(filtered.total);
    const first = sheet.getRow(2);
    expect(String(first.getCell(3).value)).toContain('hy_city');
    expect(first.getCell(4).value).toBe('市级人社经办人员');
    expect(first.getCell(5).value).toBe('登录认证·登录');
    expect(first.getCell(6).value).toBe('auth.login');
  });

  it('refuses the export to a role without audit.read', async () => {
    const county = await harness.loginAs('hy_county');
    expect((await get('/api/audit/entries.xlsx', county)).statusCode).toBe(403);
  });
});
