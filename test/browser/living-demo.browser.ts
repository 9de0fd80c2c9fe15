import type { Flow } from './harness.ts';

/**
 * Issue 21: `npm start`'s living demo as a newcomer meets it. The login page lists the demo
 * accounts, recommended one first; with it the dashboard shows the year's figures; every page shows
 * the business date, and the system administrator moves it forward from the banner.
 */
const newcomer: Flow = {
  name: 'The living demo: the recommended account sees a year of figures; the administrator moves the clock',
  livingDemo: true,
  movesClock: true,
  steps: [
    'the login page lists the demo accounts, the recommended one first',
    'the recommended account sees non-empty dashboard figures and the business date',
    'the system administrator moves the business date forward from the banner',
  ],
  async run({ server, newPage, step, screenshot }) {
    const { page } = await newPage({ width: 1440, height: 900 });
    await step('the login page lists the demo accounts, the recommended one first', async () => {
      await page.goto(`${server.baseUrl}/login`);
      const list = page.getByTestId('demo-accounts');
      await list.getByText('建议先试').waitFor();
      const first = list.locator('.ant-list-item').first();
      if (!(await first.innerText()).includes('hy_city'))
        throw new Error(`the first account listed is not hy_city: ${await first.innerText()}`);
      for (const loginName of [
        'hy_county',
        'hy_finance_checker',
        'hy_eval',
        'hy_enterprise',
        'hy_reviewer',
        'hy_worker',
      ])
        await list.getByText(loginName, { exact: true }).waitFor();
      await screenshot(page, 'living-demo-login');
    });
    await step('the recommended account sees non-empty dashboard figures and the business date', async () => {
      await page.getByTestId('demo-accounts').getByRole('button', { name: '使用账号 hy_city' }).click();
      await page.getByRole('button', { name: '登录' }).last().click();
      await page.waitForURL((url) => url.pathname === '/app');
      await page.getByTestId('current-user').waitFor();
      await page.getByTestId('business-date').getByText(`业务日期：${server.today()}`).waitFor();
      const claims = page.locator('.ant-statistic').filter({ hasText: '补贴申请（件）' });
      await claims.locator('.ant-statistic-content-value').waitFor();
      const count = Number(
        (await claims.locator('.ant-statistic-content-value').innerText()).replace(/\D/g, ''),
      );
      if (!(count > 0)) throw new Error(`the dashboard counts ${count} claims`);
      // A figure still loading shows no value (the statistic's skeleton): wait for the answer.
      const alerts = page.locator('.ant-statistic').filter({ hasText: '未处理预警' });
      await alerts.locator('.ant-statistic-content-value').waitFor();
      const open = Number(
        (await alerts.locator('.ant-statistic-content-value').innerText()).replace(/\D/g, ''),
      );
      if (!(open > 0)) throw new Error(`the dashboard counts ${open} open alerts`);
      if ((await page.getByText('暂无数据').count()) > 0)
        throw new Error('the dashboard of the living demo still says 暂无数据');
      await screenshot(page, 'living-demo-dashboard');
    });
    await step('the system administrator moves the business date forward from the banner', async () => {
      const admin = (await newPage({ width: 1440, height: 900 })).page;
      await admin.goto(`${server.baseUrl}/login`);
      await admin.getByTestId('demo-accounts').getByRole('button', { name: '使用账号 sysadmin' }).click();
      await admin.getByRole('button', { name: '登录' }).last().click();
      await admin.getByTestId('current-user').waitFor();
      const banner = admin.getByTestId('business-date');
      const before = server.today();
      const target = new Date(Date.parse(`${before}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
      const picker = banner.getByPlaceholder('新的业务日期');
      const move = banner.getByRole('button', { name: '推进业务日期' });
      // The landing page must have settled (a redirect re-mounts the banner and drops a picked
      // day); then pick the day in the calendar, or type it and press Enter when the calendar has
      // not opened, a few times on a busy machine.
      await admin.getByRole('heading', { level: 1 }).first().waitFor();
      await admin.waitForLoadState('networkidle');
      for (let attempt = 1; attempt <= 3 && (await move.isDisabled()); attempt += 1) {
        await picker.click();
        await picker.fill(target);
        const day = admin.locator(`.ant-picker-dropdown:visible td[title="${target}"]`);
        const calendarShown = await day
          .waitFor({ timeout: 5_000 })
          .then(() => true)
          .catch(() => false);
        if (calendarShown) await day.click();
        else await picker.press('Enter');
      }
      if (await move.isDisabled()) throw new Error(`the date picker did not take ${target}`);
      await move.click();
      const moved = admin.waitForResponse((response) => response.url().endsWith('/api/demo/clock'));
      await admin.getByRole('button', { name: '确认推进' }).click();
      const response = await moved;
      if (!response.ok())
        throw new Error(`POST /api/demo/clock: ${response.status()} ${await response.text()}`);
      await admin.getByTestId('business-date').getByText(`业务日期：${target}`).waitFor();
      if (server.today() !== target)
        throw new Error(`the server's business date is ${server.today()}, not ${target}`);
      await screenshot(admin, 'living-demo-clock-moved');
    });
  },
};

export const flows: Flow[] = [newcomer];
