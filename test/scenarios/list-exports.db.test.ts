import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/demo.service.ts';
import { LIVING_DEMO_LEDGER_DATE, seedLivingDemo } from '../../src/demo/living-demo.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { trainee } from './claim-support.ts';

/**
 * The xlsx export of what is filtered (issue 21): persons, classes, payment batches, alerts,
 * cases and users, each a sibling `<list>.xlsx` of its JSON list taking the same filters. Read
 * back with ExcelJS, a sheet has Chinese headers, exactly the rows the JSON list counts for the
 * same filters and caller, personal data masked as the list masks it, nothing of another region,
 * and an audit entry; a bad filter is refused naming the field. Played on the living demo.
 */
describe('xlsx export of filtered lists', () => {
  const clock = new ManualClock('2021-01-04T00:00:00Z');
  let harness: TestApp;
  const headers = new Map<string, { authorization: string }>();
  const as = async (loginName: string) => {
    if (!headers.has(loginName)) headers.set(loginName, await harness.loginAs(loginName));
    return headers.get(loginName)!;
  };
  const get = async (loginName: string, url: string) =>
    harness.app.inject({ method: 'GET', url, headers: await as(loginName) });
  const list = async (loginName: string, url: string) => {
    const response = await get(loginName, url);
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    return response.json() as { items: Array<Record<string, unknown>>; total: number };
  };

  /** The export as rows of cell texts, the header row first. */
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

  const column = (rows: string[][], header: string) => {
    const index = rows[0]!.indexOf(header);
    expect(index, `column ${header} in ${rows[0]!.join(',')}`).toBeGreaterThanOrEqual(0);
    return rows.slice(1).map((row) => row[index]!);
  };

  const CHINESE_HEADER = /^[\u4e00-\u9fff（）、]+$/u;

  beforeAll(async () => {
    harness = await createTestApp({ clock, seed: false });
    await seedDemo(harness.database.db, { ledgerValueDate: LIVING_DEMO_LEDGER_DATE });
    await seedLivingDemo(harness.app, clock);
  });
  afterAll(async () => harness?.close());

  it('persons: the filtered rows with masked ID numbers and phones, Chinese headers, audited', async () => {
    const filter = 'regionCode=430421';
    const page = await list('hy_county', `/api/persons?${filter}&pageSize=100`);
    expect(page.total).toBeGreaterThan(0);
    const rows = await sheetOf('hy_county', `/api/persons.xlsx?${filter}`, '实名人员');
    expect(rows[0]).toContain('公民身份号码（脱敏）');
    for (const header of rows[0]!) expect(header).toMatch(CHINESE_HEADER);
    expect(rows.length - 1).toBe(page.total);
    expect(column(rows, '姓名').sort()).toEqual(page.items.map((person) => String(person.name)).sort());
    for (const idNumber of column(rows, '公民身份号码（脱敏）'))
      expect(idNumber).toMatch(/^\d{4}\*+[\dX]{4}$/);
    for (const phone of column(rows, '手机号（脱敏）')) expect(phone).not.toMatch(/^\d{11}$/);
    expect(new Set(column(rows, '登记地'))).toEqual(new Set(['衡阳县']));
    // No unmasked ID number anywhere in the sheet.
    expect(rows.flat().filter((cell) => /\d{17}[\dX]/.test(cell))).toEqual([]);

    const entries = await list('auditor', '/api/audit/entries?action=person.export&pageSize=5');
    expect(entries.total).toBeGreaterThan(0);
    expect(entries.items[0]).toMatchObject({ objectType: 'person', actorLoginName: 'hy_county' });
    expect(entries.items[0]!.after).toMatchObject({ filters: { regionCode: '430421' }, rows: page.total });
  });

  it('persons: a filter narrows the sheet; an officer of another province gets none of them', async () => {
    const one = (await list('hy_county', '/api/persons?pageSize=1')).items[0]!;
    const named = await sheetOf(
      'hy_county',
      `/api/persons.xlsx?name=${encodeURIComponent(String(one.name))}`,
      '实名人员',
    );
    expect(column(named, '姓名').every((name) => name === one.name)).toBe(true);
    expect(named.length).toBeGreaterThan(1);
    // The living demo has a Nanjing enterprise with employees: Jiangsu's officer gets those, none of Hunan's.
    const hengyang = await sheetOf('hy_county', '/api/persons.xlsx', '实名人员');
    const nanjing = await sheetOf('nj_county', '/api/persons.xlsx', '实名人员');
    const hengyangNumbers = new Set(column(hengyang, '人员编号'));
    expect(hengyangNumbers.size).toBeGreaterThan(0);
    expect(column(nanjing, '人员编号').filter((number) => hengyangNumbers.has(number))).toEqual([]);
    expect(column(nanjing, '登记地').every((place) => !place.includes('衡'))).toBe(true);
  });

  it('classes: the filtered rows, occupation and region by name; none for another province', async () => {
    const page = await list('hy_county', '/api/classes?status=completed&pageSize=100');
    expect(page.total).toBeGreaterThan(0);
    const rows = await sheetOf('hy_county', '/api/classes.xlsx?status=completed', '培训班');
    for (const header of rows[0]!) expect(header).toMatch(CHINESE_HEADER);
    expect(rows.length - 1).toBe(page.total);
    expect(new Set(column(rows, '状态'))).toEqual(new Set(['已结业']));
    expect(column(rows, '班级名称').sort()).toEqual(page.items.map((item) => String(item.name)).sort());
    const occupations = column(rows, '职业（工种）');
    const codes = column(rows, '职业代码');
    expect(occupations.some((name, index) => name !== codes[index] && /[\u4e00-\u9fff]/u.test(name))).toBe(
      true,
    );
    expect(column(rows, '开班地区').every((name) => /[\u4e00-\u9fff]/u.test(name))).toBe(true);
    expect(column(rows, '培训机构').every((name) => /[\u4e00-\u9fff]/u.test(name))).toBe(true);
    const nanjing = await sheetOf('nj_county', '/api/classes.xlsx', '培训班');
    const hengyangClasses = new Set(column(rows, '班级名称'));
    expect(column(nanjing, '班级名称').filter((name) => hengyangClasses.has(name))).toEqual([]);
    expect(column(nanjing, '开班地区').every((place) => !place.includes('衡'))).toBe(true);
  });

  it('payment batches: amounts in yuan, the region by name; none for another province', async () => {
    const page = await list('hy_finance', '/api/ledger/payment-batches?pageSize=100');
    expect(page.total).toBeGreaterThan(0);
    const rows = await sheetOf('hy_finance', '/api/ledger/payment-batches.xlsx', '支付批次');
    for (const header of rows[0]!) expect(header).toMatch(CHINESE_HEADER);
    expect(rows.length - 1).toBe(page.total);
    expect(column(rows, '金额（元）').map(Number)).toEqual(
      page.items.map((batch) => Number(batch.totalFen) / 100),
    );
    const failed = await list('hy_finance', '/api/ledger/payment-batches?status=failed&pageSize=100');
    const failedRows = await sheetOf(
      'hy_finance',
      '/api/ledger/payment-batches.xlsx?status=failed',
      '支付批次',
    );
    expect(failedRows.length - 1).toBe(failed.total);
    expect(await sheetOf('nj_finance', '/api/ledger/payment-batches.xlsx', '支付批次')).toHaveLength(1);
  });

  it('alerts and cases: the filtered rows, rules and statuses in Chinese; none for another province', async () => {
    const alerts = await list('hy_city', '/api/supervision/alerts?pageSize=100');
    expect(alerts.total).toBeGreaterThan(0);
    const alertRows = await sheetOf('hy_city', '/api/supervision/alerts.xlsx', '监管预警');
    for (const header of alertRows[0]!) expect(header).toMatch(CHINESE_HEADER);
    expect(alertRows.length - 1).toBe(alerts.total);
    expect(column(alertRows, '预警规则').every((rule) => /[\u4e00-\u9fff]/u.test(rule))).toBe(true);
    const open = await list('hy_city', '/api/supervision/alerts?status=open&pageSize=100');
    const openRows = await sheetOf('hy_city', '/api/supervision/alerts.xlsx?status=open', '监管预警');
    expect(openRows.length - 1).toBe(open.total);
    if (open.total > 0) expect(new Set(column(openRows, '状态'))).toEqual(new Set(['待处理']));
    expect(await sheetOf('nj_county', '/api/supervision/alerts.xlsx', '监管预警')).toHaveLength(1);

    const cases = await list('hy_city', '/api/supervision/cases?pageSize=100');
    expect(cases.total).toBeGreaterThan(0);
    const caseRows = await sheetOf('hy_city', '/api/supervision/cases.xlsx', '核查案件');
    for (const header of caseRows[0]!) expect(header).toMatch(CHINESE_HEADER);
    expect(column(caseRows, '案件编号').sort()).toEqual(
      cases.items.map((item) => String(item.caseNumber)).sort(),
    );
    expect(await sheetOf('nj_county', '/api/supervision/cases.xlsx', '核查案件')).toHaveLength(1);
  });

  it('users: filtered by role, the role and region by name', async () => {
    const page = await list('sysadmin', '/api/admin/users?role=county_officer&pageSize=100');
    expect(page.total).toBeGreaterThan(0);
    const rows = await sheetOf('sysadmin', '/api/admin/users.xlsx?role=county_officer', '用户账号');
    for (const header of rows[0]!) expect(header).toMatch(CHINESE_HEADER);
    expect(rows.length - 1).toBe(page.total);
    expect(new Set(column(rows, '角色'))).toEqual(new Set(['县级人社经办人员']));
    expect(column(rows, '登录名')).toContain('hy_county');
    // The system administrator of Hengyang sees no Nanjing account.
    expect(column(rows, '登录名')).not.toContain('nj_county');
  });

  it('claims and the audit log go through the same export: names, not codes, and each export audited', async () => {
    const page = await list('hy_city', '/api/claims?status=paid&pageSize=100');
    expect(page.total).toBeGreaterThan(0);
    const rows = await sheetOf('hy_city', '/api/claims/export.xlsx?status=paid', '补贴申请');
    expect(rows.length - 1).toBe(page.total);
    expect(new Set(column(rows, '状态'))).toEqual(new Set(['已支付']));
    expect(column(rows, '地区').every((name) => /[\u4e00-\u9fff]/u.test(name))).toBe(true);
    expect(column(rows, '补贴类别').every((kind) => /[\u4e00-\u9fff]/u.test(kind))).toBe(true);

    await sheetOf('auditor', '/api/audit/entries.xlsx?actionPrefix=claim.', '审计日志');
    const exports = await list('auditadmin', '/api/audit/entries?actionPrefix=audit.export&pageSize=5');
    expect(exports.items[0]).toMatchObject({ actorLoginName: 'auditor', objectType: 'audit_log' });
    const claimExports = await list('auditor', '/api/audit/entries?action=claim.export&pageSize=5');
    expect(claimExports.items[0]).toMatchObject({
      actorLoginName: 'hy_city',
      after: { filters: { status: 'paid' } },
    });
  });

  it('the person picker finds a person by the beginning of the name or by the full ID number, masked', async () => {
    const idNumber = trainee('选择框测试', '931').idNumber;
    const created = await harness.app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: await as('hy_county'),
      payload: { name: '选择框测试', idNumber, registeringRegionCode: '430421' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const byName = await list('hy_county', `/api/persons?nameStartsWith=${encodeURIComponent('选择框')}`);
    expect(byName.items.map((person) => person.name)).toEqual(['选择框测试']);
    const byId = await list('hy_county', `/api/persons?idNumber=${idNumber}`);
    expect(byId.items.map((person) => person.id)).toEqual([created.json().id]);
    expect(byId.items[0]!.idNumber).not.toBe(idNumber);
    // A wildcard is a character, not a pattern; another province finds nobody.
    expect((await list('hy_county', '/api/persons?nameStartsWith=%25')).total).toBe(0);
    expect((await list('nj_county', `/api/persons?idNumber=${idNumber}`)).total).toBe(0);
    // Exported by the full ID number: the audit entry keeps the filter masked, also as stored.
    expect((await get('hy_county', `/api/persons.xlsx?idNumber=${idNumber}`)).statusCode).toBe(200);
    const stored = await harness.database.db
      .selectFrom('audit_log')
      .select('after_state')
      .where('action', '=', 'person.export')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const storedText = JSON.stringify(stored.after_state);
    expect(storedText).toContain('idNumber');
    expect(storedText).not.toContain(idNumber);
  });

  it('an assessment result names its candidate by a picked person or by name and ID number, never both or neither', async () => {
    const post = async (url: string, payload: Record<string, unknown>) =>
      harness.app.inject({ method: 'POST', url, headers: await as('hy_eval'), payload });
    const candidate = trainee('复考测试', '941');
    const registered = await harness.app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: await as('hy_county'),
      payload: { ...candidate, registeringRegionCode: '430421' },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const assessment = async () => {
      const created = await post('/api/assessments', {
        occupationCode: '4-03-02-01',
        level: 'primary',
        assessedOn: clock.today(),
      });
      expect(created.statusCode, created.body).toBe(201);
      return created.json().id as number;
    };
    const first = await assessment();
    const byName = await post(`/api/assessments/${first}/results`, {
      ...candidate,
      score: 41,
      isPassed: false,
    });
    expect(byName.statusCode, byName.body).toBe(201);
    // Now a candidate of the organisation: the picker finds the person, and the re-sit names it by id.
    const found = (await list('hy_eval', `/api/persons?nameStartsWith=${encodeURIComponent('复考')}`)).items;
    expect(found.map((person) => person.id)).toEqual([registered.json().id]);
    const second = await assessment();
    const byId = await post(`/api/assessments/${second}/results`, {
      personId: registered.json().id,
      score: 82,
      isPassed: true,
    });
    expect(byId.statusCode, byId.body).toBe(201);
    const fields = (response: { json(): unknown }) =>
      (response.json() as { error: { details: Array<{ field: string }> } }).error.details.map(
        (detail) => detail.field,
      );
    const neither = await post(`/api/assessments/${second}/results`, { score: 60, isPassed: true });
    expect(neither.statusCode).toBe(400);
    expect(fields(neither)).toEqual(['name', 'idNumber']);
    const both = await post(`/api/assessments/${second}/results`, {
      personId: registered.json().id,
      name: candidate.name,
      score: 60,
      isPassed: true,
    });
    expect(both.statusCode).toBe(400);
    expect(fields(both)).toContain('personId');
    // A person the organisation never assessed is not picked by id.
    const stranger = (await list('hy_county', '/api/persons?pageSize=1')).items[0]!;
    const unseen = await post(`/api/assessments/${second}/results`, {
      personId: stranger.id,
      score: 60,
      isPassed: true,
    });
    expect([403, 404]).toContain(unseen.statusCode);
    expect(unseen.body).toContain('personId');
  });

  it('refuses a bad filter naming the field, and an export the role may not read', async () => {
    const cases: Array<[string, string, string]> = [
      ['hy_county', '/api/persons.xlsx?regionCode=43', 'regionCode'],
      ['hy_county', '/api/persons.xlsx?idNumber=123', 'idNumber'],
      ['hy_county', '/api/classes.xlsx?status=finished', 'status'],
      ['hy_finance', '/api/ledger/payment-batches.xlsx?status=lost', 'status'],
      ['hy_city', '/api/supervision/alerts.xlsx?detectedFrom=2021-02-30', 'detectedFrom'],
      ['hy_city', '/api/supervision/cases.xlsx?colour=red', 'colour'],
      ['sysadmin', '/api/admin/users.xlsx?role=king', 'role'],
    ];
    for (const [loginName, url, field] of cases) {
      const response = await get(loginName, url);
      expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
      const details = response.json().error.details as Array<{ field: string; message: string }>;
      expect(
        details.some((detail) => detail.field.includes(field)),
        `${url}: ${response.body}`,
      ).toBe(true);
    }
    expect((await get('hy_school', '/api/ledger/payment-batches.xlsx')).statusCode).toBe(403);
    expect((await get('hy_county', '/api/admin/users.xlsx')).statusCode).toBe(403);
  });
});
