import type { Page, Response } from 'playwright-core';
import { type Flow, loggedIn, openFromMenu } from './harness.ts';

/**
 * Issue 21, "lists with … sortable columns": a column header of 补贴审核 asks the server for the
 * order (`sort=totalAmountFen&order=asc|desc`, from page 1), and the table shows the rows in the
 * order the server answered, across the whole list rather than within the page in hand. On the
 * living demo; it reads and changes nothing.
 */

interface ClaimRow {
  claimNumber: string;
  totalAmountFen: number;
}

/** The claims list's answer to the click (the next request that names `sort`). */
function sortedAnswer(page: Page): Promise<Response> {
  return page.waitForResponse((response) => {
    const url = new URL(response.url());
    return url.pathname === '/api/claims' && url.searchParams.has('sort');
  });
}

/** Checks the request and its answer, and that the table's rows are the answer's, in order. */
async function expectSorted(page: Page, answer: Response, order: 'asc' | 'desc'): Promise<ClaimRow[]> {
  const url = new URL(answer.url());
  if (url.searchParams.get('sort') !== 'totalAmountFen' || url.searchParams.get('order') !== order)
    throw new Error(`the click asked ${url.search}, expected sort=totalAmountFen&order=${order}`);
  if (url.searchParams.get('page') !== '1')
    throw new Error(`a new order starts at page 1, asked ${url.search}`);
  if (answer.status() !== 200) throw new Error(`the sorted list answered ${answer.status()}`);
  const items = ((await answer.json()) as { items: ClaimRow[] }).items;
  const amounts = items.map((item) => item.totalAmountFen);
  const sorted = [...amounts].sort((a, b) => (order === 'asc' ? a - b : b - a));
  if (amounts.join() !== sorted.join())
    throw new Error(`answer not in ${order} order: ${amounts.join(', ')}`);
  const table = page.getByTestId('claims-table');
  const expected = items.map((item) => item.claimNumber);
  const expectedSort = order === 'asc' ? 'ascending' : 'descending';
  // The table re-renders once the answer is in: wait for its header and first row to show it.
  await page.waitForFunction(
    ([sort, first]) => {
      const table = document.querySelector('[data-testid="claims-table"]');
      const header = [...(table?.querySelectorAll('th') ?? [])].find((cell) =>
        cell.textContent?.startsWith('金额'),
      );
      const link = table?.querySelector('tbody tr.ant-table-row a[href^="/app/claims/"]');
      return header?.getAttribute('aria-sort') === sort && link?.textContent?.trim() === first;
    },
    [expectedSort, expected[0]] as const,
  );
  const shown = await table.locator('tbody tr.ant-table-row a[href^="/app/claims/"]').allInnerTexts();
  if (shown.map((text) => text.trim()).join() !== expected.join())
    throw new Error(`the table shows ${shown.join(', ')}, the server answered ${expected.join(', ')}`);
  return items;
}

const claimsSorted: Flow = {
  name: 'Sorting on the server: 补贴审核 sorted by 金额 both ways from a column header',
  livingDemo: true,
  steps: [
    'the city officer lists every claim on 补贴审核 (and turns to page 2 where there is one)',
    'a click on 金额 asks the server for the ascending order from page 1, and the table shows it',
    'a second click asks for the descending order, and the first row changes',
  ],
  async run(context) {
    const { step, screenshot } = context;
    const { page } = await loggedIn(context, 'hy_city');
    await step(
      'the city officer lists every claim on 补贴审核 (and turns to page 2 where there is one)',
      async () => {
        await openFromMenu(page, '补贴审核');
        // The reviewer's queue opens on 已提交: cleared, every claim of the year is listed.
        const status = page.locator('.ant-select').filter({ has: page.getByLabel('状态', { exact: true }) });
        await status.hover();
        const listed = page.waitForResponse((response) => {
          const url = new URL(response.url());
          return url.pathname === '/api/claims' && !url.searchParams.has('status');
        });
        await status.locator('.ant-select-clear').click();
        await listed;
        const second = page.getByTestId('claims-table').locator('.ant-pagination-item-2');
        if ((await second.count()) > 0) {
          const turned = page.waitForResponse(
            (response) => new URL(response.url()).searchParams.get('page') === '2',
          );
          await second.click();
          await turned;
        }
      },
    );
    let ascending: ClaimRow[] = [];
    await step(
      'a click on 金额 asks the server for the ascending order from page 1, and the table shows it',
      async () => {
        const answered = sortedAnswer(page);
        await page.getByTestId('claims-table').getByRole('columnheader', { name: /^金额/ }).click();
        ascending = await expectSorted(page, await answered, 'asc');
        if (new Set(ascending.map((item) => item.totalAmountFen)).size < 2)
          throw new Error('the first page has one amount only: the order cannot be seen');
        await screenshot(page, 'claims-sorted-ascending');
      },
    );
    await step('a second click asks for the descending order, and the first row changes', async () => {
      const answered = sortedAnswer(page);
      await page.getByTestId('claims-table').getByRole('columnheader', { name: /^金额/ }).click();
      const descending = await expectSorted(page, await answered, 'desc');
      if (descending[0]!.totalAmountFen <= ascending[0]!.totalAmountFen)
        throw new Error(
          `the largest amount ${descending[0]!.totalAmountFen} is not above the smallest ${ascending[0]!.totalAmountFen}`,
        );
      await screenshot(page, 'claims-sorted-descending');
    });
  },
};

export const flows: Flow[] = [claimsSorted];
