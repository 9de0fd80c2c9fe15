import type { Page } from 'playwright-core';
import { confirmDialog, type Flow, loggedIn, openFromMenu } from './harness.ts';

/**
 * Issue 21, "a browser test per role walks its daily job on the demo": the roles the other browser
 * files do not walk — the third-party reviewer, the enterprise, the worker on a phone, the
 * province officer, the read-only auditor and the audit administrator — each on the living demo
 * (what `npm start` shows), each step asserting what the person sees. The county and city officers,
 * finance, the institution, the evaluation organisation, the system and security administrators and
 * the public are walked by full-flow, money, bank, certificates, workbench, living-demo and public.
 */

/** A number shown in an Ant Design statistic, by its title. */
async function statistic(page: Page, title: string): Promise<number> {
  const value = page
    .locator('.ant-statistic')
    .filter({ hasText: title })
    .locator('.ant-statistic-content-value');
  await value.first().waitFor();
  // '—' while the figure loads: wait for a number (up to 30 s) before reading it.
  for (let waited = 0; waited < 30_000; waited += 250) {
    const text = await value.first().innerText();
    if (/\d/.test(text)) return Number(text.replace(/[^\d.]/g, ''));
    await page.waitForTimeout(250);
  }
  throw new Error(`${title}: no figure after 30 s`);
}

const reviewer: Flow = {
  name: 'Third-party reviewer: sees the contract it reviews under, and reviews a submitted claim in its region',
  livingDemo: true,
  steps: [
    'the reviewer sees its agency, the contract in force and the regions it may review today',
    'from there to the claims list, and a submitted claim reviewed',
  ],
  async run(context) {
    const { step, screenshot } = context;
    const { page } = await loggedIn(context, 'hy_reviewer');
    await step(
      'the reviewer sees its agency, the contract in force and the regions it may review today',
      async () => {
        await openFromMenu(page, '审核合同与评估');
        await page.getByTestId('breadcrumb').getByText('审核合同与评估').waitFor();
        const agency = page.getByTestId('my-agency');
        await agency.getByText('衡阳众信第三方审核服务有限公司').waitFor();
        await agency.getByText('正常').waitFor();
        await agency.getByText(/今日（2021-\d\d-\d\d）可审核：衡阳市/).waitFor();
        const contract = page.getByRole('row').filter({ hasText: 'HY-GM-2021-007' });
        await contract.getByText('履行中').waitFor();
        await contract.getByText('衡阳市').waitFor();
        await contract.getByText('2021-07-01 至 2021-12-31').waitFor();
        await screenshot(page, 'reviewer-agency');
      },
    );
    await step('from there to the claims list, and a submitted claim reviewed', async () => {
      await page.getByRole('button', { name: '去审核补贴申请' }).click();
      await page.getByRole('heading', { name: '补贴审核', level: 1 }).waitFor();
      const submitted = page.getByRole('row').filter({ hasText: '已提交待审核' }).first();
      await submitted.waitFor();
      await submitted.getByRole('link').first().click();
      await page.getByTestId('claim-status').getByText('已提交待审核').waitFor();
      await page.getByRole('button', { name: '审核通过' }).click();
      await confirmDialog(page, '确定');
      await page.getByTestId('claim-status').getByText('已审核').waitFor();
      // Approval stays with HRSS: the reviewer is never offered it.
      if ((await page.getByRole('button', { name: '审批通过' }).count()) > 0)
        throw new Error('the reviewer is offered 审批通过');
      await screenshot(page, 'reviewer-claim-reviewed');
    });
  },
};

const enterprise: Flow = {
  // Hengyang's document funds no 以工代训: the page says so up front and offers no such claim
  // (policy-enterprise.browser.ts walks that notice and the enterprise's training claim).
  name: 'Enterprise: its employees and employment records, and its advances page',
  livingDemo: true,
  steps: [
    'the enterprise sees the employees it took on',
    'its advances page says why no advance applies in Hengyang',
  ],
  async run(context) {
    const { step, screenshot } = context;
    const { page } = await loggedIn(context, 'hy_enterprise');
    await step('the enterprise sees the employees it took on', async () => {
      await openFromMenu(page, '职工与就业记录');
      const rows = page.locator('.ant-table-tbody tr.ant-table-row');
      await rows.first().waitFor();
      if ((await rows.count()) < 2) throw new Error(`${await rows.count()} employment records, not 2`);
      await rows.first().getByText('2021-09-01').waitFor();
      await rows.first().getByText('24 个月').waitFor();
      await screenshot(page, 'enterprise-employment');
    });
    await step('its advances page says why no advance applies in Hengyang', async () => {
      await openFromMenu(page, '预拨与清算');
      const policy = page.getByTestId('advance-policy');
      await policy.getByText('本地区不适用预拨').waitFor();
      await policy.getByText(/未规定先行拨付（预拨）培训补贴/).waitFor();
      await policy.getByText('衡阳县', { exact: false }).first().waitFor();
      await page.getByText('尚无预拨申请：本地区政策未规定预拨').waitFor();
      if ((await page.getByRole('button', { name: '申请预拨' }).count()) > 0)
        throw new Error('an advance is offered where the document provides none');
      await screenshot(page, 'enterprise-advances');
    });
  },
};

const worker: Flow = {
  name: 'Worker on a 375 px phone: archive, certificate, subsidy progress on the business clock, calculator',
  livingDemo: true,
  steps: [
    'the worker lands on the archive: the class, the certificate and the paid subsidy, within the phone width',
    'the calculator is one tap away in the menu',
  ],
  async run(context) {
    const { step, screenshot } = context;
    const { page } = await loggedIn(context, 'hy_worker', 375);
    await step(
      'the worker lands on the archive: the class, the certificate and the paid subsidy, within the phone width',
      async () => {
        await page.waitForURL(/\/app\/archive$/);
        await page.getByRole('heading', { name: '我的培训档案', level: 1 }).waitFor();
        await page
          .locator('.ant-card')
          .filter({ hasText: '培训经历' })
          .getByText(/养老护理员（初级）2101期/)
          .waitFor();
        await page
          .locator('.ant-card')
          .filter({ hasText: '证书' })
          .getByText(/编号 HY2101001/)
          .waitFor();
        const subsidies = page.getByTestId('archive-subsidies');
        await subsidies.getByText('已支付').first().waitFor();
        // Paid on the business clock of 2021, not the machine's date.
        await subsidies
          .getByText(/已于 2021-\d\d-\d\d 支付/)
          .first()
          .waitFor();
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        if (overflow > 0) throw new Error(`the archive is ${overflow} px wider than a 375 px phone`);
        await screenshot(page, 'worker-archive-375');
      },
    );
    await step('the calculator is one tap away in the menu', async () => {
      await openFromMenu(page, '补贴计算器');
      await page.getByRole('button', { name: '计算补贴' }).waitFor();
      const width = await page.evaluate<number>('document.documentElement.scrollWidth');
      if (width > 400) throw new Error(`the calculator is ${width}px wide on a 375px phone`);
    });
  },
};

const province: Flow = {
  name: 'Province officer: the province-wide dashboard, cases of its cities, reports and policy parameters',
  livingDemo: true,
  steps: [
    'the dashboard counts the province’s claims',
    'the confirmed case of Hengyang is in its case list',
    'reports and the policy parameters open with figures',
  ],
  async run(context) {
    const { step, screenshot } = context;
    const { page } = await loggedIn(context, 'hn_province');
    await step('the dashboard counts the province’s claims', async () => {
      const claims = await statistic(page, '补贴申请（件）');
      if (!(claims > 0)) throw new Error(`the province dashboard counts ${claims} claims`);
      await screenshot(page, 'province-dashboard');
    });
    await step('the confirmed case of Hengyang is in its case list', async () => {
      await openFromMenu(page, '核查案件');
      await page.getByRole('row').filter({ hasText: '冒用退休人员' }).first().waitFor();
    });
    await step('reports and the policy parameters open with figures', async () => {
      await openFromMenu(page, '统计报表');
      await page.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
      await openFromMenu(page, '政策参数与模拟');
      await page.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
    });
  },
};

const auditors: Flow = {
  name: 'Auditor reads and exports without acting; the audit administrator filters the audit log and exports it',
  livingDemo: true,
  steps: [
    'the auditor opens a claim read-only and exports the claims list',
    'the audit administrator filters the log by operator and exports the filtered entries',
  ],
  async run(context) {
    const { step } = context;
    await step('the auditor opens a claim read-only and exports the claims list', async () => {
      const { page } = await loggedIn(context, 'auditor');
      await openFromMenu(page, '补贴审核');
      const paid = page.getByRole('row').filter({ hasText: '已支付' }).first();
      await paid.getByRole('link').first().click();
      await page.getByTestId('claim-status').getByText('已支付').waitFor();
      for (const action of ['审核通过', '审批通过', '退回修改', '不予补贴'])
        if ((await page.getByRole('button', { name: action }).count()) > 0)
          throw new Error(`the auditor is offered ${action}`);
      await openFromMenu(page, '补贴审核');
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: '导出 xlsx' }).click();
      const file = await download;
      if (!file.suggestedFilename().endsWith('.xlsx'))
        throw new Error(`the export is ${file.suggestedFilename()}`);
    });
    await step(
      'the audit administrator filters the log by operator and exports the filtered entries',
      async () => {
        const { page } = await loggedIn(context, 'auditadmin');
        await openFromMenu(page, '审计日志');
        await page.getByLabel('操作人').fill('hy_school');
        const filtered = page.waitForResponse(
          (response) =>
            response.url().includes('/api/audit/entries?') && response.url().includes('hy_school'),
        );
        await page
          .getByRole('button', { name: '查 询' })
          .or(page.getByRole('button', { name: '查询' }))
          .click();
        if (!(await filtered).ok()) throw new Error('the filtered audit query failed');
        const rows = page.locator('.ant-table-tbody tr.ant-table-row');
        await rows.first().waitFor();
        const operators = await rows.evaluateAll((list) => list.map((row) => row.textContent ?? ''));
        const foreign = operators.filter((text) => !text.includes('hy_school'));
        if (foreign.length > 0) throw new Error(`rows of other operators after the filter: ${foreign[0]}`);
        const download = page.waitForEvent('download');
        await page.getByRole('button', { name: '导出 xlsx' }).click();
        const file = await download;
        if (!file.suggestedFilename().endsWith('.xlsx'))
          throw new Error(`the export is ${file.suggestedFilename()}`);
      },
    );
  },
};

export const flows: Flow[] = [reviewer, enterprise, worker, province, auditors];
