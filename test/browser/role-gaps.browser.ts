import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { type Flow, loggedIn, openFromMenu } from './harness.ts';

/**
 * Issue 21, the gaps a walk of every role's pages on the living demo found after the big pieces
 * landed: a region still printed as its six-digit code, a business date that was the machine's
 * (2026 on the training clock of 2021). Each step reads one such place on the living demo
 * (read-only: it changes no demo data other flows rely on).
 */

/** The text of a Descriptions item by its label. */
async function descriptionValue(page: Page, testId: string, itemLabel: string): Promise<string> {
  const cell = page
    .getByTestId(testId)
    .locator('.ant-descriptions-item')
    .filter({ has: page.locator('.ant-descriptions-item-label', { hasText: itemLabel }) })
    .locator('.ant-descriptions-item-content')
    .first();
  await cell.waitFor();
  return cell.innerText();
}

const roleGaps: Flow = {
  name: 'Living demo, role by role: a payment batch’s region by name, an organisation’s status date on the business clock',
  livingDemo: true,
  steps: [
    'the finance officer opens a batch and reads its region by name',
    'the enterprise reads on 我的评级与处理 a status date of the business clock, not the machine’s',
    'the auditor opens 支付批次 from its menu, reads a batch and the recovery orders without any action, and exports the batches',
    'the institution filters its own claims to 已支付 and exports exactly those',
  ],
  async run(context) {
    const { server, step, screenshot } = context;
    await step('the finance officer opens a batch and reads its region by name', async () => {
      const { page } = await loggedIn(context, 'hy_finance');
      await openFromMenu(page, '支付批次');
      await page.getByRole('tab', { name: '支付批次' }).click();
      await page.getByTestId('batch-list').getByRole('button', { name: '查看' }).first().click();
      // Region names load once per session; the list's own region column shows them first.
      await page.getByTestId('payment-batch').getByText('衡阳县').first().waitFor();
      const region = await descriptionValue(page, 'payment-batch', '地区');
      if (!region.startsWith('衡阳县')) throw new Error(`the batch's region reads "${region}", not 衡阳县`);
      await screenshot(page, 'role-gaps-batch-region');
    });
    await step(
      'the enterprise reads on 我的评级与处理 a status date of the business clock, not the machine’s',
      async () => {
        const { page } = await loggedIn(context, 'hy_enterprise');
        await openFromMenu(page, '我的评级与处理');
        const since = await descriptionValue(page, 'own-organisation', '状态生效日期');
        if (!/^\d{4}-\d{2}-\d{2}$/.test(since.trim()) || since.trim() > server.today())
          throw new Error(`状态生效日期 reads "${since}", after the business date ${server.today()}`);
        await screenshot(page, 'role-gaps-status-date');
      },
    );
    await step(
      'the auditor opens 支付批次 from its menu, reads a batch and the recovery orders without any action, and exports the batches',
      async () => {
        const { page } = await loggedIn(context, 'auditor');
        await openFromMenu(page, '支付批次');
        for (const tab of ['待下达支付', '待复核'])
          if ((await page.getByRole('tab', { name: tab }).count()) > 0)
            throw new Error(`the auditor is offered the tab ${tab}`);
        const batches = page.getByTestId('batch-list');
        await batches.getByRole('button', { name: '查看' }).first().click();
        await page.getByTestId('payment-batch').getByRole('cell').first().waitFor();
        const download = page.waitForEvent('download');
        await page.getByRole('button', { name: '导出 xlsx' }).first().click();
        if (!(await download).suggestedFilename().endsWith('.xlsx')) throw new Error('the export is no xlsx');
        await page.getByRole('tab', { name: '追回单' }).click();
        await page.getByTestId('recovery-order-list').getByRole('row').nth(1).waitFor();
        for (const action of [
          '下达支付',
          '更正收款账户',
          '登记到账',
          '复核通过',
          '上传银行支付结果（先预览）',
        ])
          if ((await page.getByRole('button', { name: action }).count()) > 0)
            throw new Error(`the auditor is offered ${action}`);
        await screenshot(page, 'role-gaps-auditor-payments');
      },
    );
    await step('the institution filters its own claims to 已支付 and exports exactly those', async () => {
      const { page } = await loggedIn(context, 'hy_school');
      await openFromMenu(page, '补贴申请');
      await page.getByLabel('状态', { exact: true }).click();
      await page.locator('.ant-select-dropdown:visible').getByTitle('已支付', { exact: true }).click();
      const rows = page.locator('.ant-table-tbody tr.ant-table-row');
      await rows.first().waitFor();
      await page.waitForLoadState('networkidle');
      const shown = (await rows.allInnerTexts()).map((text) => /BT\d+/.exec(text)?.[0] ?? text).sort();
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: '导出 xlsx' }).click();
      const file = await download;
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(await file.path());
      const sheet = workbook.worksheets[0]!;
      const exported: string[] = [];
      sheet.eachRow((row, index) => {
        if (index === 1) return;
        const values = (row.values as unknown[]).map(String);
        if (!values.includes('已支付'))
          throw new Error(`an exported claim is not 已支付: ${values.join(' ')}`);
        exported.push(values[1]!);
      });
      if (shown.length === 0 || JSON.stringify(exported.sort()) !== JSON.stringify(shown))
        throw new Error(`the page lists ${shown.join('、')}, the sheet ${exported.join('、')}`);
    });
  },
};

export const flows: Flow[] = [roleGaps];
