import type { Page } from 'playwright-core';
import { api, confirmDialog, type Flow, loggedIn, openFromMenu, type ServerHandle } from './harness.ts';

/**
 * Issue 21, the officers' jobs that daily-jobs.browser.ts does not walk: the finance officer's
 * ledger work (下拨 and 调剂 requested by one finance officer and decided by another, the trial
 * balance, an account's statement), on the living demo (what `npm start` shows).
 * Each flow sets up nothing the others read and leaves the seeded claims alone.
 */

/** An option of the select labelled `label` inside `scope`, picked by typing part of its text. */
async function pick(
  page: Page,
  scope: ReturnType<Page['locator']>,
  label: string,
  typed: string,
  title: string,
) {
  const input = scope.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(typed);
  await page.locator('.ant-select-dropdown:visible').getByTitle(title, { exact: true }).click();
}

async function balanceOf(server: ServerHandle, regionCode: string, kind: string): Promise<number> {
  const accounts = (await api(
    server,
    'hy_finance',
    'GET',
    `/api/ledger/accounts?regionCode=${regionCode}&kind=${kind}&pageSize=100`,
  )) as unknown as { items: { regionCode: string; kind: string; balanceFen: number }[] };
  return accounts.items.find((account) => account.regionCode === regionCode)?.balanceFen ?? 0;
}

const finance: Flow = {
  name: 'Finance officers on the living demo: 下拨 and 调剂 requested by one and decided by another, exported; the trial balance and an account’s statement',
  livingDemo: true,
  steps: [
    'the finance officer requests a 下拨 from the city to 衡阳县 on 资金调度, after a confirmation',
    'the second finance officer posts it after a confirmation, and 衡阳县’s special account grows by the amount',
    'a 调剂 between two counties is requested, and the second finance officer returns it after a confirmation',
    'the list filtered to 调剂 is exported as xlsx',
    'the ledger page shows the trial balance, and 衡阳县’s special account statement lists the allocation with its running balance',
  ],
  async run(context) {
    const { server, step, screenshot } = context;
    const stamp = String(Date.now() % 1_000_000).padStart(6, '0');
    const allocationReason = `第四季度培训资金下拨 ${stamp}`;
    const reallocationReason = `县区间调剂 ${stamp}`;
    const maker = await loggedIn(context, 'hy_finance');
    await step(
      'the finance officer requests a 下拨 from the city to 衡阳县 on 资金调度, after a confirmation',
      async () => {
        const { page } = maker;
        await openFromMenu(page, '资金调度');
        await page.getByRole('button', { name: '新建划转申请' }).click();
        const form = page.getByRole('dialog', { name: '新建资金划转申请' });
        await form.getByText('下拨', { exact: true }).click();
        await pick(page, form, '拨出地区', '衡阳市', '衡阳市（430400）');
        await pick(page, form, '拨入地区', '衡阳县', '衡阳县（430421）');
        await form.getByLabel('金额（元）').fill('12345.67');
        await form.getByLabel('事由').fill(allocationReason);
        await form.getByRole('button', { name: '提交申请' }).click();
        const answer = await confirmDialog(page, '确认提交', {
          dialog: page.getByRole('dialog', { name: '提交资金划转申请' }),
        });
        if (answer.status() !== 201) throw new Error(`fund request: ${answer.status()}`);
        const row = page.getByTestId('fund-requests').getByRole('row').filter({ hasText: allocationReason });
        await row.getByText('待复核', { exact: true }).waitFor();
        await row.getByText('12,345.67').waitFor();
        await row.getByText('衡阳县').waitFor();
        // The maker may not decide his own request: no decision buttons on his row.
        if ((await row.getByRole('button', { name: '复核通过' }).count()) > 0)
          throw new Error('the maker is offered to approve his own request');
      },
    );
    const checker = await loggedIn(context, 'hy_finance_checker');
    await step(
      'the second finance officer posts it after a confirmation, and 衡阳县’s special account grows by the amount',
      async () => {
        const { page } = checker;
        const before = await balanceOf(server, '430421', 'special');
        await openFromMenu(page, '资金调度');
        const row = page.getByTestId('fund-requests').getByRole('row').filter({ hasText: allocationReason });
        await row.getByRole('button', { name: '复核通过' }).click();
        await confirmDialog(page, '确认记账', { dialog: page.getByRole('dialog', { name: /复核通过/ }) });
        await row.getByText('已记账', { exact: true }).waitFor();
        await row.getByText('衡阳市财政局 孙复核（hy_finance_checker）').waitFor();
        const after = await balanceOf(server, '430421', 'special');
        if (after - before !== 1_234_567)
          throw new Error(`衡阳县 special account moved by ${after - before} fen, expected 1234567`);
      },
    );
    await step(
      'a 调剂 between two counties is requested, and the second finance officer returns it after a confirmation',
      async () => {
        const { page } = maker;
        await page.getByRole('button', { name: '新建划转申请' }).click();
        const form = page.getByRole('dialog', { name: '新建资金划转申请' });
        await form.getByText('调剂', { exact: true }).click();
        await pick(page, form, '拨出地区', '衡阳县', '衡阳县（430421）');
        await pick(page, form, '拨入地区', '珠晖', '珠晖区（430405）');
        await form.getByLabel('金额（元）').fill('500');
        await form.getByLabel('事由').fill(reallocationReason);
        await form.getByRole('button', { name: '提交申请' }).click();
        await confirmDialog(page, '确认提交', {
          dialog: page.getByRole('dialog', { name: '提交资金划转申请' }),
        });
        await page
          .getByTestId('fund-requests')
          .getByRole('row')
          .filter({ hasText: reallocationReason })
          .getByText('待复核', { exact: true })
          .waitFor();
        await checker.page.reload();
        await checker.page.getByRole('heading', { name: '资金调度', level: 1 }).waitFor();
        const row = checker.page
          .getByTestId('fund-requests')
          .getByRole('row')
          .filter({ hasText: reallocationReason });
        await row.getByRole('button', { name: '退回' }).click();
        await confirmDialog(checker.page, '确认退回', {
          dialog: checker.page.getByRole('dialog', { name: /退回/ }),
        });
        await row.getByText('已退回', { exact: true }).waitFor();
      },
    );
    await step('the list filtered to 调剂 is exported as xlsx', async () => {
      const { page } = maker;
      await page.reload();
      await page.getByRole('heading', { name: '资金调度', level: 1 }).waitFor();
      await page.getByLabel('类型', { exact: true }).click();
      await page.locator('.ant-select-dropdown:visible').getByTitle('调剂', { exact: true }).click();
      const table = page.getByTestId('fund-requests');
      await table.getByRole('row').filter({ hasText: reallocationReason }).waitFor();
      if ((await table.getByRole('row').filter({ hasText: allocationReason }).count()) > 0)
        throw new Error('the 下拨 is still listed under 调剂');
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: '导出 xlsx' }).click();
      const file = await download;
      if (!file.suggestedFilename().endsWith('.xlsx'))
        throw new Error(`export file name: ${file.suggestedFilename()}`);
      await screenshot(page, 'officer-jobs-fund-requests');
    });
    await step(
      'the ledger page shows the trial balance, and 衡阳县’s special account statement lists the allocation with its running balance',
      async () => {
        const { page } = maker;
        await openFromMenu(page, '专账余额');
        await page.getByRole('tab', { name: '试算平衡表' }).click();
        const trial = page.getByTestId('trial-balance');
        await trial.getByText('借方发生额合计').waitFor();
        await trial.getByRole('cell', { name: '衡阳县（430421）' }).first().waitFor();
        await page.getByRole('tab', { name: '账户余额' }).click();
        await page.getByTestId('balance-430421-special').waitFor();
        await page
          .getByTestId('ledger-tree')
          .getByRole('row')
          .filter({ has: page.getByTestId('balance-430421-special') })
          .getByRole('button', { name: '明细账' })
          .click();
        const drawer = page.getByRole('dialog', { name: /明细账/ });
        const entry = drawer.getByRole('row').filter({ hasText: '12,345.67' });
        await entry.getByRole('cell', { name: '下拨', exact: true }).waitFor();
        await entry.getByRole('link', { name: /资金划转申请/ }).waitFor();
        await drawer.getByRole('columnheader', { name: '余额' }).waitFor();
        await screenshot(page, 'officer-jobs-account-statement');
      },
    );
  },
};

const objections: Flow = {
  name: 'County officer on the living demo: records an objection to the running 公示 and resolves it, after a confirmation',
  livingDemo: true,
  steps: [
    'the county officer opens the claim in notice from 公示名单 and records an objection against one trainee',
    'it resolves the objection as unfounded after a confirmation; the claim still reads its full amount',
  ],
  async run(context) {
    const { step, screenshot } = context;
    const stamp = String(Date.now() % 1_000_000).padStart(6, '0');
    const objector = `匿名群众${stamp}`;
    const { page } = await loggedIn(context, 'hy_county');
    await step(
      'the county officer opens the claim in notice from 公示名单 and records an objection against one trainee',
      async () => {
        await openFromMenu(page, '公示名单');
        await page.getByRole('link', { name: 'BT4304212021000012' }).click();
        await page.getByRole('heading', { name: '补贴申请详情', level: 1 }).waitFor();
        const card = page.getByTestId('claim-objections');
        await card.getByRole('button', { name: '登记异议' }).click();
        const dialog = page.getByRole('dialog', { name: '登记公示期异议' });
        await dialog.getByLabel('异议人').fill(objector);
        await dialog.getByLabel('异议内容').fill('反映该学员培训期间未实际到课');
        await dialog.getByLabel('涉及人员').click();
        await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
        // The option list closes before 登记 is pressed (it may lie over the dialog's buttons).
        await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
        const [answer] = await Promise.all([
          page.waitForResponse(
            (response) => response.url().endsWith('/objections') && response.request().method() === 'POST',
          ),
          dialog.getByRole('button', { name: '登记' }).click(),
        ]);
        if (answer.status() !== 201) throw new Error(`objection: ${answer.status()} ${await answer.text()}`);
        const row = card.getByRole('row').filter({ hasText: objector });
        await row.getByText('待处理', { exact: true }).waitFor();
        await row.getByText(/^第 \d+ 人/).waitFor();
      },
    );
    await step(
      'it resolves the objection as unfounded after a confirmation; the claim still reads its full amount',
      async () => {
        const card = page.getByTestId('claim-objections');
        const row = card.getByRole('row').filter({ hasText: objector });
        await row.getByRole('button', { name: '处理' }).click();
        const dialog = page.getByRole('dialog', { name: '处理异议' });
        await dialog.getByText('不成立', { exact: true }).click();
        await dialog.getByLabel('处理意见').fill('经核对考勤与签到照片，该学员到课属实');
        await dialog.getByRole('button', { name: '提交' }).click();
        await confirmDialog(page, '确认处理', { dialog: page.getByRole('dialog', { name: /确认处理异议/ }) });
        await row.getByText('不成立', { exact: true }).waitFor();
        await row.getByText('经核对考勤与签到照片，该学员到课属实').waitFor();
        await page.getByText('3,600.00').first().waitFor();
        await screenshot(page, 'officer-jobs-objection');
      },
    );
  },
};

const ratings: Flow = {
  name: 'City officer on the living demo: the institutions’ yearly credit ratings with their reasons, recomputed after a confirmation',
  livingDemo: true,
  steps: [
    'the city officer opens 信用评级 and reads each institution’s 2021 grade with its reasons, sorted by score',
    'it recomputes the 2021 ratings after a confirmation',
  ],
  async run(context) {
    const { step, screenshot } = context;
    const { page } = await loggedIn(context, 'hy_city');
    await step(
      'the city officer opens 信用评级 and reads each institution’s 2021 grade with its reasons, sorted by score',
      async () => {
        await openFromMenu(page, '信用评级');
        const table = page.getByTestId('ratings');
        await table.getByText('衡阳县职业技能培训学校').first().waitFor();
        await table
          .getByText(/综合得分 \d+\.\d\d，按分数为 [ABCD] 级/)
          .first()
          .waitFor();
        await table.getByRole('columnheader', { name: '得分' }).click();
        const scores = (await table.locator('td.rating-score').allInnerTexts()).map(Number);
        if (scores.length < 2) throw new Error(`only ${scores.length} ratings listed`);
        if (scores.some((score, index) => index > 0 && score < scores[index - 1]!))
          throw new Error(`not sorted by score: ${scores.join(', ')}`);
        await page.getByRole('combobox', { name: '等级', exact: true }).click();
        await page.locator('.ant-select-dropdown:visible').getByTitle('D 级', { exact: true }).click();
        await table.getByText('D 级', { exact: true }).first().waitFor();
        if ((await table.getByText('B 级', { exact: true }).count()) > 0)
          throw new Error('a B rating under D');
      },
    );
    await step('it recomputes the 2021 ratings after a confirmation', async () => {
      await page.getByRole('button', { name: '重新评定' }).click();
      await confirmDialog(page, '确认重新评定', {
        dialog: page.getByRole('dialog', { name: /重新评定 2021 年度/ }),
      });
      await page.getByText(/已重新评定 \d+ 家培训机构/).waitFor();
      await screenshot(page, 'officer-jobs-ratings');
    });
  },
};

const recovery: Flow = {
  name: 'Finance officers on the living demo: part of the case’s recovery order comes back, registered by one and posted by the other',
  livingDemo: true,
  steps: [
    'the finance officer registers 500 yuan received against the year’s open recovery order, named by its region',
    'the second finance officer posts it from 待复核 after a confirmation, and the order reads 500 recovered',
  ],
  async run(context) {
    const { step, screenshot } = context;
    const maker = await loggedIn(context, 'hy_finance');
    await step(
      'the finance officer registers 500 yuan received against the year’s open recovery order, named by its region',
      async () => {
        const { page } = maker;
        await openFromMenu(page, '支付批次');
        await page.getByRole('tab', { name: '追回单' }).click();
        const row = page
          .getByTestId('recovery-order-list')
          .getByRole('row')
          .filter({ hasText: '冒用退休人员身份虚报培训人数' });
        await row.getByText('衡阳县').waitFor();
        await row.getByRole('button', { name: '登记到账' }).click();
        const dialog = page.getByRole('dialog', { name: /登记追回到账/ });
        await dialog.getByLabel('到账金额（元）').fill('500');
        await confirmDialog(page, '提交复核', { dialog });
      },
    );
    const checker = await loggedIn(context, 'hy_finance_checker');
    await step(
      'the second finance officer posts it from 待复核 after a confirmation, and the order reads 500 recovered',
      async () => {
        const { page } = checker;
        await openFromMenu(page, '支付批次');
        await page.getByRole('tab', { name: '待复核' }).click();
        const row = page
          .getByTestId('approval-queue')
          .getByRole('row')
          .filter({ hasText: '追回到账' })
          .filter({ hasText: '500.00' });
        await row.getByRole('button', { name: '复核通过' }).click();
        await confirmDialog(page, '确认通过', { dialog: page.getByRole('dialog', { name: /复核通过/ }) });
        await page.getByRole('tab', { name: '追回单' }).click();
        const order = page
          .getByTestId('recovery-order-list')
          .getByRole('row')
          .filter({ hasText: '冒用退休人员身份虚报培训人数' });
        await order.getByText('500.00').waitFor();
        await screenshot(page, 'officer-jobs-recovery');
      },
    );
  },
};

const links: Flow = {
  name: 'City officer on the living demo: a claim links to its payment batch and to the case its alert opened; a class filing links to the class',
  livingDemo: true,
  steps: [
    'a paid claim links to its payment batch',
    'the claim of the year’s case links from its alert to the case itself',
    'a class filing links the county officer to the class with its roster',
  ],
  async run(context) {
    const { server, step } = context;
    const { page } = await loggedIn(context, 'hy_city');
    await step('a paid claim links to its payment batch', async () => {
      const paid = (await api(server, 'hy_city', 'GET', '/api/claims?status=paid&pageSize=1')) as unknown as {
        items: { id: number; paymentBatchId: number }[];
      };
      const claim = paid.items[0]!;
      await page.goto(`${server.baseUrl}/app/claims/${claim.id}`);
      await page.getByRole('heading', { name: '补贴申请详情', level: 1 }).waitFor();
      await page.getByRole('link', { name: `支付批次 ${claim.paymentBatchId}` }).click();
      await page.getByRole('heading', { name: '支付批次', level: 1 }).waitFor();
      await page.getByTestId('payment-batch').waitFor();
    });
    await step('the claim of the year’s case links from its alert to the case itself', async () => {
      const orders = (await api(server, 'hy_city', 'GET', '/api/ledger/recovery-orders')) as unknown as {
        items: { claimId: number; reason: string }[];
      };
      const order = orders.items.find((item) => item.reason.includes('JG-430421-000001'))!;
      await page.goto(`${server.baseUrl}/app/claims/${order.claimId}`);
      await page.getByRole('heading', { name: '补贴申请详情', level: 1 }).waitFor();
      await page
        .getByRole('link', { name: /^案件 \d+$/ })
        .first()
        .click();
      await page.getByRole('heading', { name: '核查案件', level: 1 }).waitFor();
      await page.getByRole('dialog').getByText('JG-430421-000001').first().waitFor();
    });
    await step('a class filing links the county officer to the class with its roster', async () => {
      const county = (await loggedIn(context, 'hy_county')).page;
      await openFromMenu(county, '开班备案审批');
      // The filings waiting for approval may all be decided by earlier walks: the completed classes stay.
      await county.locator('#class-status').click();
      await county
        .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '已结业' })
        .click();
      await county.getByRole('table').getByRole('link').first().click();
      await county.getByRole('tab', { name: '学员名单' }).waitFor();
    });
  },
};

export const flows: Flow[] = [finance, objections, ratings, recovery, links];
