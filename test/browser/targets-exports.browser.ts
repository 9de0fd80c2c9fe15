import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { confirmDialog, type Flow, loggedIn, openFromMenu, visibleText } from './harness.ts';

/**
 * Issue 21, "city and province officers set targets" and "xlsx export of what is filtered": the
 * city officer sets a year's target on 统计报表 through a form in Chinese, after a confirmation, and
 * reads it back with its progress; the sanction, rating, recovery-order and account-statement
 * lists download as xlsx with their filters. On the living demo; the flow reads no state another
 * flow may change (it sets its own target value and checks only that each export downloads).
 */

/**
 * Clicks an export button and returns the downloaded file's name, after checking that the request
 * went to `path` with `query` in its address and that the file is an xlsx workbook (a zip: "PK").
 */
async function downloadXlsx(
  page: Page,
  button: Locator,
  path: string,
  query: string[] = [],
): Promise<string> {
  await button.waitFor();
  const [request, file] = await Promise.all([
    page.waitForRequest((request) => new URL(request.url()).pathname.endsWith(path)),
    page.waitForEvent('download'),
    button.click(),
  ]);
  const address = decodeURIComponent(request.url());
  for (const part of query)
    if (!address.includes(part))
      throw new Error(`${path}: the export was asked without ${part} (${address})`);
  const response = await request.response();
  if (!response?.ok()) throw new Error(`${path}: ${response?.status()} ${await response?.text()}`);
  const name = file.suggestedFilename();
  if (!name.endsWith('.xlsx')) throw new Error(`${path}: downloaded ${name}`);
  const saved = await file.path();
  const head = fs.readFileSync(saved).subarray(0, 2).toString('latin1');
  if (head !== 'PK') throw new Error(`${path}: ${name} is not an xlsx workbook`);
  return name;
}

const targetsAndExports: Flow = {
  name: 'City and finance officers on the living demo: a year’s target set after a confirmation and read back with its progress; sanctions, ratings, recovery orders and an account statement exported as xlsx',
  livingDemo: true,
  steps: [
    'the city officer sets 衡阳市’s 2021 new-apprentice target on 统计报表 after a confirmation, the numbers checked first',
    'the saved target reads back in Chinese with its progress, and the report lists it',
    'the city officer exports 处罚与申诉 filtered to appeals awaiting review, and 信用评级, as xlsx',
    'the finance officer exports the open recovery orders and 衡阳县’s special-account 明细账 for 2021 as xlsx',
  ],
  async run(context) {
    const { step, screenshot } = context;
    const stamp = Number(String(Date.now()).slice(-3));
    const targetValue = 2_000 + stamp;
    const shown = targetValue.toLocaleString('zh-CN');
    const city = await loggedIn(context, 'hy_city');
    await step(
      'the city officer sets 衡阳市’s 2021 new-apprentice target on 统计报表 after a confirmation, the numbers checked first',
      async () => {
        const { page } = city;
        await openFromMenu(page, '统计报表');
        await page.getByRole('button', { name: '设置目标任务' }).click();
        const form = page.getByRole('dialog', { name: '设置目标任务' });
        await form.getByText('衡阳市（430400）').waitFor();
        // Picked again when the click landed while the dialog or the list was still moving in.
        const metric = '企业新型学徒制培训新型学徒（人）';
        const picked = form.locator('.ant-select', { hasText: metric });
        for (let attempt = 1; attempt <= 3 && !(await picked.isVisible()); attempt += 1) {
          await form.getByLabel('指标', { exact: true }).click();
          await page.locator('.ant-select-dropdown:visible').getByTitle(metric, { exact: true }).click();
          await picked.waitFor({ timeout: 3_000 }).catch(() => undefined);
        }
        await picked.waitFor();
        await form.locator('label.ant-radio-button-wrapper', { hasText: '左右' }).click();
        await form.locator('label.ant-radio-button-wrapper-checked', { hasText: '左右' }).waitFor();
        await form.getByLabel('依据文件', { exact: true }).fill('衡阳市2021年职业技能提升行动工作计划');
        await form.getByLabel('条款', { exact: true }).fill('二（三）');
        // Saved without a number: the form says what it needs and sends nothing.
        await form.getByRole('button', { name: '保存' }).click();
        const needed = form.getByText('目标值应为 1 至 1,000,000,000 的整数');
        await needed.waitFor();
        await form.getByLabel('目标值', { exact: true }).fill(String(targetValue));
        await needed.waitFor({ state: 'hidden' });
        await form.getByRole('button', { name: '保存' }).click();
        const confirmation = page.getByRole('dialog', { name: '确认保存目标任务？' });
        await confirmation.getByText(`${shown} 人左右`, { exact: false }).waitFor();
        await confirmation.getByText(/衡阳市 2021 年「企业新型学徒制培训新型学徒（人）」/).waitFor();
        const answer = await confirmDialog(page, '确认保存', { dialog: confirmation });
        const saved = (await answer.json()) as { targetValue: number; comparison: string; metric: string };
        if (
          saved.targetValue !== targetValue ||
          saved.comparison !== 'about' ||
          saved.metric !== 'new_apprentices'
        )
          throw new Error(`saved ${JSON.stringify(saved)}`);
        await page.getByText('目标任务已保存').waitFor();
      },
    );
    await step(
      'the saved target reads back in Chinese with its progress, and the report lists it',
      async () => {
        const { page } = city;
        const row = page
          .getByTestId('report-targets')
          .getByRole('row')
          .filter({ hasText: '企业新型学徒制培训新型学徒（人）' })
          .filter({ hasText: '衡阳市' })
          .filter({ hasText: '2021 年' });
        await row.getByText(`${shown} 人左右`).waitFor();
        await row.locator('.ant-progress').waitFor();
        await row.getByText('衡阳市2021年职业技能提升行动工作计划').waitFor();
        await page.getByTestId('report').getByText(shown).first().waitFor();
        const text = await visibleText(page);
        for (const code of ['new_apprentices', 'training_person_times', 'at_least', 'about'])
          if (text.includes(code)) throw new Error(`the page shows the code ${code}`);
        await screenshot(page, 'targets-set');
      },
    );
    await step(
      'the city officer exports 处罚与申诉 filtered to appeals awaiting review, and 信用评级, as xlsx',
      async () => {
        const { page } = city;
        await openFromMenu(page, '处罚与申诉');
        await page.getByRole('combobox', { name: '申诉状态', exact: true }).click();
        await page.locator('.ant-select-dropdown:visible').getByTitle('申诉待复核', { exact: true }).click();
        await page.waitForLoadState('networkidle');
        await downloadXlsx(
          page,
          page.getByTestId('sanction-filters').getByRole('button', { name: '导出 xlsx' }),
          '/api/supervision/sanctions.xlsx',
          ['appealStatus=filed'],
        );
        await openFromMenu(page, '信用评级');
        await page.getByTestId('ratings').waitFor();
        await downloadXlsx(
          page,
          page.getByRole('button', { name: '导出 xlsx' }),
          '/api/supervision/ratings.xlsx',
          ['year=2021'],
        );
      },
    );
    const finance = await loggedIn(context, 'hy_finance');
    await step(
      'the finance officer exports the open recovery orders and 衡阳县’s special-account 明细账 for 2021 as xlsx',
      async () => {
        const { page } = finance;
        await openFromMenu(page, '支付批次');
        await page.getByRole('tab', { name: '追回单' }).click();
        await page.getByTestId('recovery-order-list').waitFor();
        await downloadXlsx(
          page,
          page.getByRole('tabpanel').getByRole('button', { name: '导出 xlsx' }),
          '/api/ledger/recovery-orders.xlsx',
          ['status=open'],
        );
        await openFromMenu(page, '专账余额');
        await page
          .getByTestId('ledger-tree')
          .getByRole('row')
          .filter({ has: page.getByTestId('balance-430421-special') })
          .getByRole('button', { name: '明细账' })
          .click();
        const drawer = page.getByRole('dialog', { name: /明细账/ });
        await drawer.getByTestId('account-statement').waitFor();
        await drawer.getByPlaceholder('开始日期').click();
        await drawer.getByPlaceholder('开始日期').fill('2021-01-01');
        await drawer.getByPlaceholder('开始日期').press('Enter');
        await drawer.getByPlaceholder('结束日期').fill('2021-12-31');
        await drawer.getByPlaceholder('结束日期').press('Enter');
        await page.waitForLoadState('networkidle');
        await downloadXlsx(page, drawer.getByRole('button', { name: '导出 xlsx' }), '/statement.xlsx', [
          'from=2021-01-01',
          'to=2021-12-31',
        ]);
        await screenshot(page, 'exports-account-statement');
      },
    );
  },
};

export const flows: Flow[] = [targetsAndExports];
