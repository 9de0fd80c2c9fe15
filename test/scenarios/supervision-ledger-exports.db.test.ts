import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/demo.service.ts';
import { LIVING_DEMO_LEDGER_DATE, seedLivingDemo } from '../../src/demo/living-demo.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * The xlsx exports of the sanction, rating and recovery-order lists and of an account's
 * statement (明细账) (issue 21: "xlsx export of what is filtered"): read back with ExcelJS, each
 * sheet has Chinese headers, exactly the rows the JSON list answers for the same filters and
 * caller, amounts in yuan from the fen the list answers, codes as labels, an audit entry with
 * its filters, and nothing for an officer of another province. Played on the living demo.
 */
describe('xlsx export of sanctions, ratings, recovery orders and account statements', () => {
  const clock = new ManualClock('2021-01-04T00:00:00Z');
  let harness: TestApp;
  const headers = new Map<string, { authorization: string }>();
  const as = async (loginName: string) => {
    if (!headers.has(loginName)) headers.set(loginName, await harness.loginAs(loginName));
    return headers.get(loginName)!;
  };
  const get = async (loginName: string, url: string) =>
    harness.app.inject({ method: 'GET', url, headers: await as(loginName) });
  const json = async <T = { items: Array<Record<string, unknown>>; total: number }>(
    loginName: string,
    url: string,
  ): Promise<T> => {
    const response = await get(loginName, url);
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    return response.json() as T;
  };

  /** The export as rows of cell texts, the header row first (notes below the rows included). */
  async function sheetOf(loginName: string, url: string, title: string): Promise<string[][]> {
    const response = await get(loginName, url);
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(String(response.headers['content-disposition'])).toContain(
      `filename*=UTF-8''${encodeURIComponent(`${title}.xlsx`)}`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet(title);
    expect(sheet, `sheet ${title}`).toBeDefined();
    const rows: string[][] = [];
    sheet!.eachRow({ includeEmpty: false }, (row) => {
      rows.push(
        (row.values as unknown[]).slice(1).map((value) => (value === undefined ? '' : String(value))),
      );
    });
    return rows;
  }

  /** The data rows only: those with as many cells as the header has (notes are one cell). */
  const dataRows = (rows: string[][]) => rows.slice(1).filter((row) => row.length > 1);

  const column = (rows: string[][], header: string) => {
    const index = rows[0]!.indexOf(header);
    expect(index, `column ${header} in ${rows[0]!.join(',')}`).toBeGreaterThanOrEqual(0);
    return dataRows(rows).map((row) => row[index] ?? '');
  };

  const CHINESE_HEADER = /^[\u4e00-\u9fff（）、]+$/u;
  const expectChineseHeaders = (rows: string[][]) => {
    for (const header of rows[0]!) expect(header).toMatch(CHINESE_HEADER);
  };

  /** The newest audit entry of an action, as the auditor reads it. */
  const lastAudit = async (action: string) => {
    const entries = await json('auditor', `/api/audit/entries?action=${action}&pageSize=1`);
    expect(entries.total, action).toBeGreaterThan(0);
    return entries.items[0]!;
  };

  beforeAll(async () => {
    harness = await createTestApp({ clock, seed: false });
    await seedDemo(harness.database.db, { ledgerValueDate: LIVING_DEMO_LEDGER_DATE });
    await seedLivingDemo(harness.app, clock);
  });
  afterAll(async () => harness?.close());

  it('sanctions: the filtered rows, measures and appeals in Chinese, audited; none for another province', async () => {
    const all = await json('hy_city', '/api/supervision/sanctions?pageSize=100');
    expect(all.total).toBeGreaterThan(0);
    const rows = await sheetOf('hy_city', '/api/supervision/sanctions.xlsx', '处罚与申诉');
    expectChineseHeaders(rows);
    expect(dataRows(rows)).toHaveLength(all.total);
    expect(column(rows, '处罚编号').map(Number).sort()).toEqual(
      all.items.map((item) => Number(item.id)).sort(),
    );
    for (const measure of column(rows, '处罚措施')) expect(['暂停', '列入黑名单']).toContain(measure);
    expect(column(rows, '地区').every((name) => /[\u4e00-\u9fff]/u.test(name))).toBe(true);
    expect(column(rows, '单位类型').every((kind) => /^[\u4e00-\u9fff]+$/u.test(kind))).toBe(true);

    // The living demo has a sanction under appeal: the filter keeps exactly those.
    const filed = await json('hy_city', '/api/supervision/sanctions?appealStatus=filed&pageSize=100');
    expect(filed.total).toBeGreaterThan(0);
    expect(filed.total).toBeLessThan(all.total + 1);
    const filedRows = await sheetOf(
      'hy_city',
      '/api/supervision/sanctions.xlsx?appealStatus=filed',
      '处罚与申诉',
    );
    expect(dataRows(filedRows)).toHaveLength(filed.total);
    expect(new Set(column(filedRows, '申诉状态'))).toEqual(new Set(['申诉待复核']));
    expect(column(filedRows, '申诉理由').every((grounds) => grounds.length > 0)).toBe(true);
    const audit = await lastAudit('supervision.sanction.export');
    expect(audit).toMatchObject({
      actorLoginName: 'hy_city',
      objectType: 'supervision_sanction',
      after: { filters: { appealStatus: 'filed' }, rows: filed.total },
    });

    const foreign = await sheetOf('js_province', '/api/supervision/sanctions.xlsx', '处罚与申诉');
    const hengyangIds = new Set(column(rows, '处罚编号'));
    expect(column(foreign, '处罚编号').filter((id) => hengyangIds.has(id))).toEqual([]);
    expect(column(foreign, '地区').every((place) => !place.includes('衡'))).toBe(true);
  });

  it('ratings: the filtered year and grade, institutions by name, audited; none for another province', async () => {
    const all = await json('hy_city', '/api/supervision/ratings?pageSize=100');
    expect(all.total).toBeGreaterThan(0);
    const rows = await sheetOf('hy_city', '/api/supervision/ratings.xlsx', '信用评级');
    expectChineseHeaders(rows);
    expect(dataRows(rows)).toHaveLength(all.total);
    expect(
      column(rows, '培训机构').every((name) => /[\u4e00-\u9fff]/u.test(name) && !name.startsWith('单位 ')),
    ).toBe(true);
    expect(column(rows, '综合得分').map(Number)).toEqual(all.items.map((item) => Number(item.score)));
    expect(column(rows, '评定说明').every((text) => /[\u4e00-\u9fff]/u.test(text))).toBe(true);

    const grade = String(all.items[0]!.grade);
    const year = Number(all.items[0]!.year);
    const graded = await json('hy_city', `/api/supervision/ratings?year=${year}&grade=${grade}&pageSize=100`);
    const gradedRows = await sheetOf(
      'hy_city',
      `/api/supervision/ratings.xlsx?year=${year}&grade=${grade}`,
      '信用评级',
    );
    expect(dataRows(gradedRows)).toHaveLength(graded.total);
    expect(new Set(column(gradedRows, '等级'))).toEqual(new Set([`${grade} 级`]));
    // A year is a name, not a quantity: 2021, never 2,021.
    expect(new Set(column(gradedRows, '年度'))).toEqual(new Set([String(year)]));
    const otherGrade = ['A', 'B', 'C', 'D'].find((value) => value !== grade)!;
    const other = await json(
      'hy_city',
      `/api/supervision/ratings?year=${year}&grade=${otherGrade}&pageSize=100`,
    );
    expect(
      dataRows(
        await sheetOf(
          'hy_city',
          `/api/supervision/ratings.xlsx?year=${year}&grade=${otherGrade}`,
          '信用评级',
        ),
      ),
    ).toHaveLength(other.total);
    expect(await lastAudit('supervision.rating.export')).toMatchObject({
      actorLoginName: 'hy_city',
      objectType: 'institution_rating',
      after: { filters: { year, grade: otherGrade }, rows: other.total },
    });

    const foreign = await sheetOf('js_province', '/api/supervision/ratings.xlsx', '信用评级');
    const hengyangInstitutions = new Set(column(rows, '机构编号'));
    expect(column(foreign, '机构编号').filter((id) => hengyangInstitutions.has(id))).toEqual([]);
  });

  it('recovery orders: amounts in yuan, the status filter, audited; none for another province', async () => {
    const all = await json('hy_finance', '/api/ledger/recovery-orders?pageSize=100');
    expect(all.total).toBeGreaterThan(0);
    const rows = await sheetOf('hy_finance', '/api/ledger/recovery-orders.xlsx', '追回单');
    expectChineseHeaders(rows);
    expect(dataRows(rows)).toHaveLength(all.total);
    expect(column(rows, '应追回金额（元）').map(Number)).toEqual(
      all.items.map((order) => Number(order.amountFen) / 100),
    );
    expect(column(rows, '已追回金额（元）').map(Number)).toEqual(
      all.items.map((order) => Number(order.recoveredFen) / 100),
    );
    expect(column(rows, '子账户').every((name) => /^[\u4e00-\u9fff（）]+$/u.test(name))).toBe(true);
    expect(column(rows, '地区').every((name) => /[\u4e00-\u9fff]/u.test(name))).toBe(true);

    for (const [status, text] of [
      ['open', '待追回'],
      ['closed', '已结清'],
    ] as const) {
      const page = await json('hy_finance', `/api/ledger/recovery-orders?status=${status}&pageSize=100`);
      const filtered = await sheetOf(
        'hy_finance',
        `/api/ledger/recovery-orders.xlsx?status=${status}`,
        '追回单',
      );
      expect(dataRows(filtered)).toHaveLength(page.total);
      if (page.total > 0) expect(new Set(column(filtered, '状态'))).toEqual(new Set([text]));
    }
    const claimId = Number(all.items[0]!.claimId);
    const ofClaim = await sheetOf(
      'hy_finance',
      `/api/ledger/recovery-orders.xlsx?claimId=${claimId}`,
      '追回单',
    );
    expect(new Set(column(ofClaim, '补贴申请编号'))).toEqual(new Set([String(claimId)]));
    expect(await lastAudit('ledger.recovery_order.export')).toMatchObject({
      actorLoginName: 'hy_finance',
      objectType: 'recovery_order',
      after: { filters: { claimId } },
    });

    expect(dataRows(await sheetOf('nj_finance', '/api/ledger/recovery-orders.xlsx', '追回单'))).toEqual([]);
    // Another province's claim is refused by the scope check, not answered empty.
    expect(
      (await get('nj_finance', `/api/ledger/recovery-orders.xlsx?claimId=${claimId}`)).statusCode,
    ).toBeGreaterThanOrEqual(403);
  });

  it('account statements: the value-date range, debits, credits and balances in yuan, audited; refused to another province', async () => {
    const accounts = await json<{
      items: Array<{
        id: number;
        regionCode: string;
        kind: string;
        debitsPostedFen: number;
        creditsPostedFen: number;
      }>;
    }>('hy_finance', '/api/ledger/accounts?pageSize=100');
    const busiest = [...accounts.items].sort(
      (a, b) => b.debitsPostedFen + b.creditsPostedFen - (a.debitsPostedFen + a.creditsPostedFen),
    )[0]!;
    type Statement = {
      openingBalanceFen: number;
      total: number;
      items: Array<{
        side: 'debit' | 'credit';
        balanceAfterFen: number;
        transfer: { id: number; valueDate: string; amountFen: number; code: string };
      }>;
    };
    const whole = await json<Statement>(
      'hy_finance',
      `/api/ledger/accounts/${busiest.id}/statement?pageSize=100`,
    );
    expect(whole.total).toBeGreaterThan(1);
    const rows = await sheetOf('hy_finance', `/api/ledger/accounts/${busiest.id}/statement.xlsx`, '明细账');
    expectChineseHeaders(rows);
    expect(dataRows(rows)).toHaveLength(whole.total);
    expect(column(rows, '分录编号').map(Number)).toEqual(whole.items.map((entry) => entry.transfer.id));
    expect(column(rows, '余额（元）').map(Number)).toEqual(
      whole.items.map((entry) => entry.balanceAfterFen / 100),
    );
    expect(column(rows, '借方（元）').map((cell) => (cell === '' ? null : Number(cell)))).toEqual(
      whole.items.map((entry) => (entry.side === 'debit' ? entry.transfer.amountFen / 100 : null)),
    );
    expect(column(rows, '贷方（元）').map((cell) => (cell === '' ? null : Number(cell)))).toEqual(
      whole.items.map((entry) => (entry.side === 'credit' ? entry.transfer.amountFen / 100 : null)),
    );
    expect(column(rows, '业务').every((name) => /^[\u4e00-\u9fff]+$/u.test(name))).toBe(true);
    const notes = rows.flat().join('\n');
    expect(notes).toContain('账户：');
    expect(notes).toContain(`期末余额（元）：${(whole.items.at(-1)!.balanceAfterFen / 100).toFixed(2)}`);

    // The range: from the second entry's date on, the opening balance is what came before it.
    const from = whole.items[1]!.transfer.valueDate;
    const ranged = await json<Statement>(
      'hy_finance',
      `/api/ledger/accounts/${busiest.id}/statement?from=${from}&pageSize=100`,
    );
    const rangedRows = await sheetOf(
      'hy_finance',
      `/api/ledger/accounts/${busiest.id}/statement.xlsx?from=${from}`,
      '明细账',
    );
    expect(dataRows(rangedRows)).toHaveLength(ranged.total);
    expect(column(rangedRows, '记账日期（业务日期）').every((date) => date >= from)).toBe(true);
    expect(rangedRows.flat().join('\n')).toContain(
      `期初余额（元）：${(ranged.openingBalanceFen / 100).toFixed(2)}`,
    );
    expect(await lastAudit('ledger.account_statement.export')).toMatchObject({
      actorLoginName: 'hy_finance',
      objectType: 'ledger_account',
      after: { filters: { from }, rows: ranged.total },
    });

    const foreign = await get('nj_finance', `/api/ledger/accounts/${busiest.id}/statement.xlsx`);
    expect(foreign.statusCode).toBeGreaterThanOrEqual(403);
    expect(foreign.statusCode).toBeLessThan(500);
    expect(foreign.body).not.toContain('明细账');
  });

  it('refuses a bad filter naming the field, and an export the role may not read', async () => {
    const cases: Array<[string, string, string]> = [
      ['hy_city', '/api/supervision/sanctions.xlsx?appealStatus=lost', 'appealStatus'],
      ['hy_city', '/api/supervision/sanctions.xlsx?regionCode=43', 'regionCode'],
      ['hy_city', '/api/supervision/ratings.xlsx?grade=E', 'grade'],
      ['hy_city', '/api/supervision/ratings.xlsx?year=1999', 'year'],
      ['hy_finance', '/api/ledger/recovery-orders.xlsx?status=paid', 'status'],
      ['hy_finance', '/api/ledger/recovery-orders.xlsx?page=2', 'page'],
      ['hy_finance', '/api/ledger/accounts/1/statement.xlsx?from=2021-02-30', 'from'],
    ];
    for (const [loginName, url, field] of cases) {
      const response = await get(loginName, url);
      expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
      const details = response.json().error.details as Array<{ field: string }>;
      expect(
        details.some((detail) => detail.field.includes(field)),
        `${url}: ${response.body}`,
      ).toBe(true);
    }
    expect((await get('hy_school', '/api/ledger/recovery-orders.xlsx')).statusCode).toBe(403);
    expect((await get('hy_school', '/api/supervision/sanctions.xlsx')).statusCode).toBe(403);
    expect((await get('hy_worker', '/api/supervision/ratings.xlsx')).statusCode).toBe(403);
  });
});
