import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp();
});
afterAll(async () => {
  await testApp?.close();
});

describe('fund requests list (资金调度)', () => {
  it('names the maker and the checker, filters by kind and exports what is filtered as xlsx in Chinese', async () => {
    const maker = await testApp.loginAs('hy_finance');
    const checker = await testApp.loginAs('hy_finance_checker');
    const valueDate = testApp.app.clock.today();
    const request = async (kind: string, toRegionCode: string, fromRegionCode = '430400') => {
      const created = await testApp.app.inject({
        method: 'POST',
        url: '/api/ledger/fund-requests',
        headers: maker,
        payload: { kind, fromRegionCode, toRegionCode, amountFen: 12_345, valueDate, reason: `${kind} 测试` },
      });
      expect(created.statusCode, created.body).toBe(201);
      return created.json().id as number;
    };
    const allocation = await request('allocation', '430421');
    await request('reallocation', '430405', '430421');
    const decided = await testApp.app.inject({
      method: 'POST',
      url: `/api/ledger/fund-requests/${allocation}/decision`,
      headers: checker,
      payload: { isApproved: true },
    });
    expect(decided.statusCode, decided.body).toBe(200);

    const all = await testApp.app.inject({ method: 'GET', url: '/api/ledger/fund-requests', headers: maker });
    expect(all.statusCode).toBe(200);
    const posted = all.json().items.find((item: { id: number }) => item.id === allocation);
    expect(posted).toMatchObject({
      status: 'posted',
      requestedByName: '衡阳市财政局 王会计（hy_finance）',
      decidedByName: '衡阳市财政局 孙复核（hy_finance_checker）',
    });

    const onlyReallocations = await testApp.app.inject({
      method: 'GET',
      url: '/api/ledger/fund-requests?kind=reallocation',
      headers: maker,
    });
    expect(onlyReallocations.json().items.map((item: { kind: string }) => item.kind)).toEqual([
      'reallocation',
    ]);

    const exported = await testApp.app.inject({
      method: 'GET',
      url: '/api/ledger/fund-requests.xlsx?kind=reallocation',
      headers: maker,
    });
    expect(exported.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
    const text = JSON.stringify(workbook.worksheets[0]!.getSheetValues());
    expect(text).toContain('调剂');
    expect(text).toContain('待复核');
    expect(text).toContain('经办人');
    expect(text).not.toContain('下拨');

    const auditor = await testApp.loginAs('auditor');
    const readOnly = await testApp.app.inject({
      method: 'GET',
      url: '/api/ledger/fund-requests.xlsx',
      headers: auditor,
    });
    expect(readOnly.statusCode).toBe(200);
  });
});
