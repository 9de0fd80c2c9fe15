import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/demo.service.ts';
import { LIVING_DEMO_LEDGER_DATE, seedLivingDemo } from '../../src/demo/living-demo.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { type Headers, operatorHeaders } from './claim-support.ts';
import { creditCode } from './training-helpers.ts';

/**
 * The evaluation organisation's lists on 考核评价与发证 (issue 21: "lists with … pagination and
 * xlsx export of what is filtered"): its assessments and the certificates it issued, paged, and
 * exported with the list's own filters. Read back with ExcelJS, each sheet has Chinese headers,
 * exactly the rows the JSON list answers for the same filters, levels, certificate types,
 * occupations and statuses as labels, and an audit entry; another evaluation organisation (of the
 * same city or of another province) exports none of these rows. Played on the living demo.
 */
describe('xlsx export of the evaluation organisation’s assessments and certificates', () => {
  const clock = new ManualClock('2021-01-04T00:00:00Z');
  let harness: TestApp;
  let evaluator: Headers;
  let otherCityEvaluator: Headers;
  let otherProvinceEvaluator: Headers;
  const get = (headers: Headers, url: string) => harness.app.inject({ method: 'GET', url, headers });
  const json = async (headers: Headers, url: string) => {
    const response = await get(headers, url);
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    return response.json() as { items: Array<Record<string, unknown>>; total: number; pageSize: number };
  };

  /** The export as rows of cell texts, the header row first. */
  async function sheetOf(headers: Headers, url: string, title: string): Promise<string[][]> {
    const response = await get(headers, url);
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
  const lastAudit = async (action: string) => {
    const auditor = await harness.loginAs('auditor');
    const entries = await json(auditor, `/api/audit/entries?action=${action}&pageSize=1`);
    expect(entries.total, action).toBeGreaterThan(0);
    return entries.items[0]!;
  };

  /** An evaluation organisation and its operator, registered by an officer of its province. */
  async function evaluationOrganisation(
    officerLogin: string,
    regionCode: string,
    name: string,
    first17: string,
    loginName: string,
  ): Promise<Headers> {
    const officer = await harness.loginAs(officerLogin);
    const created = await harness.app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: officer,
      payload: { kind: 'evaluation_org', regionCode, name, creditCode: creditCode(first17) },
    });
    expect(created.statusCode, created.body).toBe(201);
    return operatorHeaders(harness, officer, created.json().id, loginName);
  }

  beforeAll(async () => {
    harness = await createTestApp({ clock, seed: false });
    await seedDemo(harness.database.db, { ledgerValueDate: LIVING_DEMO_LEDGER_DATE });
    await seedLivingDemo(harness.app, clock);
    evaluator = await harness.loginAs('hy_eval');
    otherCityEvaluator = await evaluationOrganisation(
      'hy_city',
      '430405',
      '珠晖区职业技能等级认定中心',
      '12430405MB1X00091',
      'zh_exporter',
    );
    otherProvinceEvaluator = await evaluationOrganisation(
      'js_province',
      '320102',
      '玄武区职业技能等级认定中心',
      '12320102MB1X00091',
      'xw_exporter',
    );
  });
  afterAll(async () => harness?.close());

  it('assessments: pages, the filtered rows with occupations and levels in Chinese, audited', async () => {
    const all = await json(evaluator, '/api/assessments?pageSize=100');
    expect(all.total).toBeGreaterThan(0);
    const firstPage = await json(evaluator, '/api/assessments?page=1&pageSize=1');
    expect(firstPage.items).toHaveLength(1);
    expect(firstPage.total).toBe(all.total);

    const rows = await sheetOf(evaluator, '/api/assessments.xlsx', '考核评价');
    expectChineseHeaders(rows);
    expect(column(rows, '考核编号').map(Number)).toEqual(all.items.map((item) => Number(item.id)));
    expect(column(rows, '等级').every((level) => /^[\u4e00-\u9fff（）]+$/u.test(level))).toBe(true);
    expect(column(rows, '职业（工种）').every((name) => /[\u4e00-\u9fff]/u.test(name))).toBe(true);
    expect(column(rows, '职业代码')).toEqual(all.items.map((item) => String(item.occupationCode)));
    expect(column(rows, '合格人数').map(Number)).toEqual(all.items.map((item) => Number(item.passed)));

    // A filter that keeps none and one that keeps all: the sheet follows the list.
    const assessedOn = String(all.items[0]!.assessedOn);
    const sameDay = await json(
      evaluator,
      `/api/assessments?assessedFrom=${assessedOn}&assessedTo=${assessedOn}`,
    );
    const sameDayRows = await sheetOf(
      evaluator,
      `/api/assessments.xlsx?assessedFrom=${assessedOn}&assessedTo=${assessedOn}`,
      '考核评价',
    );
    expect(column(sameDayRows, '考核编号').map(Number)).toEqual(sameDay.items.map((item) => Number(item.id)));
    expect(new Set(column(sameDayRows, '考核日期（业务日期）'))).toEqual(new Set([assessedOn]));
    const none = await sheetOf(evaluator, '/api/assessments.xlsx?occupationCode=9-99-99-99', '考核评价');
    expect(dataRows(none)).toEqual([]);

    const audit = await lastAudit('assessment.export');
    expect(audit).toMatchObject({
      actorLoginName: 'hy_eval',
      objectType: 'assessment',
      after: { filters: { occupationCode: '9-99-99-99' }, rows: 0 },
    });
  });

  it('certificates: pages and sorts, the filtered rows with types, levels and statuses in Chinese', async () => {
    const all = await json(evaluator, '/api/evaluation/certificates?pageSize=100');
    expect(all.total).toBeGreaterThan(1);
    const newest = await json(evaluator, '/api/evaluation/certificates?pageSize=1&sort=id&order=desc');
    expect(newest.items[0]!.id).toBe(Math.max(...all.items.map((item) => Number(item.id))));

    const rows = await sheetOf(evaluator, '/api/evaluation/certificates.xlsx', '本机构颁发的证书');
    expectChineseHeaders(rows);
    expect(column(rows, '证书编号')).toEqual(all.items.map((item) => String(item.certificateNumber)));
    expect(new Set(column(rows, '证书类型'))).toEqual(new Set(['职业技能等级证书']));
    expect(column(rows, '等级').every((level) => /^[\u4e00-\u9fff（）]+$/u.test(level))).toBe(true);
    expect(column(rows, '职业（工种）').every((name) => /[\u4e00-\u9fff]/u.test(name))).toBe(true);
    for (const status of column(rows, '状态')) expect(['有效', '已撤销']).toContain(status);

    // Revoke one: the status filter splits the list, and the sheet follows it.
    const revoked = all.items[0]!;
    const revoke = await harness.app.inject({
      method: 'POST',
      url: `/api/certificates/${revoked.id}/revoke`,
      headers: evaluator,
      payload: { reason: '考核中替考，经查属实' },
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    const revokedList = await json(evaluator, '/api/evaluation/certificates?status=revoked');
    expect(revokedList.items.map((item) => item.id)).toContain(revoked.id);
    const revokedRows = await sheetOf(
      evaluator,
      '/api/evaluation/certificates.xlsx?status=revoked',
      '本机构颁发的证书',
    );
    expect(column(revokedRows, '证书编号')).toEqual(
      revokedList.items.map((item) => String(item.certificateNumber)),
    );
    expect(new Set(column(revokedRows, '状态'))).toEqual(new Set(['已撤销']));
    expect(column(revokedRows, '撤销理由')).toContain('考核中替考，经查属实');
    const valid = await json(evaluator, '/api/evaluation/certificates?status=valid&pageSize=100');
    expect(valid.total + revokedList.total).toBe(all.total);
    const sorted = await sheetOf(
      evaluator,
      '/api/evaluation/certificates.xlsx?status=valid&sort=certificateNumber&order=desc',
      '本机构颁发的证书',
    );
    const sortedList = await json(
      evaluator,
      '/api/evaluation/certificates?status=valid&sort=certificateNumber&order=desc&pageSize=100',
    );
    expect(column(sorted, '证书编号')).toEqual(
      sortedList.items.map((item) => String(item.certificateNumber)),
    );
    expect(new Set(column(sorted, '状态'))).toEqual(new Set(['有效']));

    const audit = await lastAudit('certificate.export');
    expect(audit).toMatchObject({
      actorLoginName: 'hy_eval',
      objectType: 'certificate',
      after: { filters: { status: 'valid', sort: 'certificateNumber' }, rows: valid.total },
    });
  });

  it('another evaluation organisation, of this city or of another province, exports none of these rows', async () => {
    const ours = await sheetOf(evaluator, '/api/evaluation/certificates.xlsx', '本机构颁发的证书');
    expect(dataRows(ours).length).toBeGreaterThan(0);
    for (const other of [otherCityEvaluator, otherProvinceEvaluator]) {
      expect(dataRows(await sheetOf(other, '/api/assessments.xlsx', '考核评价'))).toEqual([]);
      expect(dataRows(await sheetOf(other, '/api/evaluation/certificates.xlsx', '本机构颁发的证书'))).toEqual(
        [],
      );
      expect((await json(other, '/api/evaluation/certificates')).total).toBe(0);
    }
    // Neither export is an officer's or an institution's.
    for (const loginName of ['hy_city', 'hy_school']) {
      const headers = await harness.loginAs(loginName);
      expect((await get(headers, '/api/assessments.xlsx')).statusCode).toBe(403);
      expect((await get(headers, '/api/evaluation/certificates.xlsx')).statusCode).toBe(403);
    }
  });

  it('bad parameters answer 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['/api/assessments.xlsx?assessedFrom=2021-13-40', 'assessedFrom'],
      ['/api/assessments.xlsx?page=2', 'page'],
      ['/api/evaluation/certificates.xlsx?status=lost', 'status'],
      ['/api/evaluation/certificates.xlsx?certificateType=diploma', 'certificateType'],
      ['/api/evaluation/certificates.xlsx?sort=holder', 'sort'],
      ['/api/evaluation/certificates?pageSize=0', 'pageSize'],
    ];
    for (const [url, field] of cases) {
      const response = await get(evaluator, url);
      expect(response.statusCode, url).toBe(400);
      const body = response.json() as { error: { code: string; details: Array<{ field: string }> } };
      expect(JSON.stringify(body.error.details), url).toContain(field);
    }
  });
});
