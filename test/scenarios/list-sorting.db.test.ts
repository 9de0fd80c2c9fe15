import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/demo.service.ts';
import { LIVING_DEMO_LEDGER_DATE, seedLivingDemo } from '../../src/demo/living-demo.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { RULE_CODES } from '../../src/supervision/risk.rules.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Server-side sorting of the officers' paged lists (issue 21: "lists with a search form, sortable
 * columns, pagination and xlsx export of what is filtered"): `sort=<field>&order=asc|desc` on
 * claims, classes, persons, alerts, cases and payment batches. Played on the living demo, with six
 * more alerts (scores out of order, in four counties) and four cases opened from them on
 * successive days: rows created in an order that is not the order asked for (each case checks
 * that, so a list that ignored `sort` fails). Page 1 and page 2 of a small page size are the slices of the
 * whole list sorted by the field and then the id, in both directions (so the sort is applied
 * before the paging, not to one page); the xlsx export has the same order; a field that is not
 * sortable is a 400 naming `sort`; and the caller's scope still applies to a sorted list.
 */

type Item = Record<string, unknown> & { id: number };
type Order = 'asc' | 'desc';

interface SortedList {
  title: string;
  loginName: string;
  /** An officer of another province, who must see none of these rows. */
  outsiderLoginName: string;
  /** The list's URL with its filters (a `?` always). */
  url: string;
  /** The export's URL with the same filters, its sheet and the column that names a row. */
  exportUrl: string;
  sheet: string;
  rowColumn: string;
  rowOf(item: Item): string;
  /** Fields sorted by in this test (none a timestamp, whose microseconds JSON does not show). */
  fields: string[];
}

const LISTS: SortedList[] = [
  {
    title: '补贴审核 claims',
    loginName: 'hy_city',
    outsiderLoginName: 'nj_county',
    url: '/api/claims?',
    exportUrl: '/api/claims/export.xlsx?',
    sheet: '补贴申请',
    rowColumn: '申请编号',
    rowOf: (item) => String(item.claimNumber),
    fields: ['totalAmountFen', 'applicationDate', 'claimNumber'],
  },
  {
    title: '开班备案 classes',
    loginName: 'hy_city',
    outsiderLoginName: 'nj_county',
    url: '/api/classes?',
    exportUrl: '/api/classes.xlsx?',
    sheet: '培训班',
    rowColumn: '培训班编号',
    rowOf: (item) => String(item.id),
    fields: ['name', 'startsAt', 'filedOn'],
  },
  {
    title: '实名人员 persons',
    loginName: 'hy_county',
    outsiderLoginName: 'nj_county',
    url: '/api/persons?',
    exportUrl: '/api/persons.xlsx?',
    sheet: '实名人员',
    rowColumn: '人员编号',
    rowOf: (item) => String(item.id),
    fields: ['birthDate', 'name'],
  },
  {
    title: '监管预警 alerts',
    loginName: 'hy_city',
    outsiderLoginName: 'nj_county',
    url: '/api/supervision/alerts?',
    exportUrl: '/api/supervision/alerts.xlsx?',
    sheet: '监管预警',
    rowColumn: '预警编号',
    rowOf: (item) => String(item.id),
    fields: ['score', 'id'],
  },
  {
    title: '核查案件 cases',
    loginName: 'hy_city',
    outsiderLoginName: 'nj_county',
    url: '/api/supervision/cases?',
    exportUrl: '/api/supervision/cases.xlsx?',
    sheet: '核查案件',
    rowColumn: '案件编号',
    rowOf: (item) => String(item.caseNumber),
    fields: ['openedOn', 'decidedOn', 'caseNumber'],
  },
  {
    title: '支付批次 payment batches',
    loginName: 'hy_finance',
    outsiderLoginName: 'nj_finance',
    url: '/api/ledger/payment-batches?',
    exportUrl: '/api/ledger/payment-batches.xlsx?',
    sheet: '支付批次',
    rowColumn: '批次编号',
    rowOf: (item) => String(item.id),
    fields: ['totalFen', 'failedCount', 'valueDate'],
  },
];

/** Small pages, so that page 2 exists on every list of the demo. */
const PAGE_SIZE = 2;

/** The expected order: by the field (empty values last either way), then by id, in one direction. */
function sortedIds(items: Item[], field: string, order: Order): number[] {
  const sign = order === 'asc' ? 1 : -1;
  const compare = (a: unknown, b: unknown) =>
    a === b ? 0 : (a as string | number) < (b as string | number) ? -1 : 1;
  return [...items]
    .sort((a, b) => {
      const [left, right] = [a[field] ?? null, b[field] ?? null];
      if (left === null || right === null) {
        if (left !== right) return left === null ? 1 : -1;
      } else if (left !== right) return sign * compare(left, right);
      return sign * (a.id - b.id);
    })
    .map((item) => item.id);
}

describe('sorting of the officers’ paged lists, before the paging', () => {
  const clock = new ManualClock('2021-01-04T00:00:00Z');
  let harness: TestApp;
  const headers = new Map<string, { authorization: string }>();
  const get = async (loginName: string, url: string) => {
    if (!headers.has(loginName)) headers.set(loginName, await harness.loginAs(loginName));
    return harness.app.inject({ method: 'GET', url, headers: headers.get(loginName)! });
  };
  const page = async (loginName: string, url: string) => {
    const response = await get(loginName, url);
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    return response.json() as { items: Item[]; total: number };
  };
  /** Every row of a list in its default order. */
  const everything = async (list: SortedList): Promise<Item[]> => {
    const items: Item[] = [];
    for (let number = 1; ; number += 1) {
      const answer = await page(list.loginName, `${list.url}page=${number}&pageSize=100`);
      items.push(...answer.items);
      if (items.length >= answer.total || answer.items.length === 0) return items;
    }
  };
  const sheetColumn = async (list: SortedList, query: string): Promise<string[]> => {
    const response = await get(list.loginName, `${list.exportUrl}${query}`);
    expect(response.statusCode, `${list.exportUrl}${query}: ${response.body}`).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const rows: string[][] = [];
    workbook.getWorksheet(list.sheet)!.eachRow({ includeEmpty: false }, (row) => {
      rows.push(
        (row.values as unknown[]).slice(1).map((value) => (value === undefined ? '' : String(value))),
      );
    });
    const index = rows[0]!.indexOf(list.rowColumn);
    expect(index, `${list.rowColumn} in ${rows[0]!.join(',')}`).toBeGreaterThanOrEqual(0);
    return rows.slice(1).map((row) => row[index]!);
  };

  beforeAll(async () => {
    harness = await createTestApp({ clock, seed: false });
    await seedDemo(harness.database.db, { ledgerValueDate: LIVING_DEMO_LEDGER_DATE });
    await seedLivingDemo(harness.app, clock);
    // Alerts whose scores and counties are not in the order they were detected in.
    const regions = ['430481', '430405', '430421', '430406', '430481', '430405'];
    const scores = [40, 95, 10, 70, 55, 85];
    const alertIds: number[] = [];
    for (const [index, score] of scores.entries()) {
      const row = await harness.database.db
        .insertInto('risk_alert')
        .values({
          province_code: '430000',
          region_code: regions[index]!,
          rule_code: RULE_CODES[index % RULE_CODES.length]!,
          subject_key: `list-sorting:${index}`,
          score,
          evidence: { note: '排序测试' },
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      alertIds.push(row.id);
    }
    // Cases opened from four of them, a day apart: their numbers name the county, so they do
    // not sort as their ids do.
    for (const alertId of alertIds.slice(0, 4)) {
      clock.advanceDays(1);
      const opened = await harness.app.inject({
        method: 'POST',
        url: '/api/supervision/cases',
        headers: await harness.loginAs('hy_city'),
        payload: { alertIds: [alertId], title: `排序测试案件 ${alertId}` },
      });
      expect(opened.statusCode, opened.body).toBe(201);
    }
  });
  afterAll(async () => harness?.close());

  for (const list of LISTS) {
    it(`${list.title}: pages 1 and 2 sorted both ways, the export in the same order`, async () => {
      const items = await everything(list);
      expect(items.length, `${list.title} needs more than two pages' rows`).toBeGreaterThan(2 * PAGE_SIZE);
      const byId = new Map(items.map((item) => [item.id, item]));
      const defaultIds = items.map((item) => item.id);
      let differsFromDefault = false;
      for (const field of list.fields) {
        expect(
          new Set(items.map((item) => JSON.stringify(item[field] ?? null))).size,
          `${list.title}: ${field} takes several values`,
        ).toBeGreaterThan(1);
        for (const order of ['asc', 'desc'] as const) {
          const expected = sortedIds(items, field, order);
          if (expected.join() !== defaultIds.join()) differsFromDefault = true;
          const query = `sort=${field}&order=${order}`;
          for (const number of [1, 2]) {
            const answer = await page(
              list.loginName,
              `${list.url}${query}&page=${number}&pageSize=${PAGE_SIZE}`,
            );
            expect(answer.total).toBe(items.length);
            expect(
              answer.items.map((item) => item.id),
              `${list.title} ${query} page ${number}`,
            ).toEqual(expected.slice((number - 1) * PAGE_SIZE, number * PAGE_SIZE));
          }
          expect(await sheetColumn(list, query), `${list.title} export ${query}`).toEqual(
            expected.map((id) => list.rowOf(byId.get(id)!)),
          );
        }
      }
      // The rows were not created in any of these orders: a list that ignored `sort` fails above.
      expect(differsFromDefault, `${list.title}: some order differs from the default`).toBe(true);
    });

    it(`${list.title}: an unknown sort field is a 400 naming sort; another province's officer sees none of these rows`, async () => {
      const refused = await get(list.loginName, `${list.url}sort=password&order=asc`);
      expect(refused.statusCode, refused.body).toBe(400);
      const error = refused.json().error as {
        code: string;
        message: string;
        details: Array<{ field: string; message: string }>;
      };
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.details).toContainEqual({
        field: 'querystring.sort',
        message: expect.stringMatching(new RegExp(`^应为以下之一：.*${list.fields[0]}`)),
      });
      const badOrder = await get(list.loginName, `${list.url}sort=${list.fields[0]}&order=up`);
      expect(badOrder.statusCode).toBe(400);
      expect(badOrder.json().error.details[0].field).toBe('querystring.order');
      const badExport = await get(list.loginName, `${list.exportUrl}sort=password`);
      expect(badExport.statusCode).toBe(400);
      expect(badExport.json().error.details[0].field).toBe('querystring.sort');

      const ours = new Set((await everything(list)).map((item) => item.id));
      expect(ours.size).toBeGreaterThan(0);
      for (const order of ['asc', 'desc'] as const) {
        const theirs = await page(
          list.outsiderLoginName,
          `${list.url}sort=${list.fields[0]}&order=${order}&pageSize=100`,
        );
        expect(theirs.items.filter((item) => ours.has(item.id))).toEqual([]);
      }
    });
  }
});
