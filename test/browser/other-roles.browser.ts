import type { Page } from 'playwright-core';
import { api, confirmDialog, type Flow, loggedIn, openFromMenu } from './harness.ts';

/**
 * Issue 21, "every role's job in its pages", for the jobs the other walks leave out (audit of
 * 2026-12-06, notes in the session's report): the evaluation organisation's certificate-subsidy
 * claims, the enterprise's advance where a document allows one (Jiangsu: 南京玄武康养服务有限公司,
 * nj_enterprise), and the public's 公示, fund disclosure, catalogs and certificate verification on a
 * 375 px phone — each on the living demo (what `npm start` shows), each step asserting what the
 * person sees.
 */

async function assertPhoneWidth(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  if (overflow > 0) throw new Error(`${what} is ${overflow} px wider than a 375 px phone`);
}

const evaluationClaims: Flow = {
  name: 'Evaluation organisation on the living demo: applies for the certificate subsidy of certificates it issued',
  livingDemo: true,
  steps: [
    'its 补贴申请 page lists the certificates it issued to claim for, and points to no menu it lacks',
    'it applies for two certificates and gets a draft whose lines the policy engine decided, citing the document',
    'the draft is listed among its claims',
  ],
  async run(context) {
    const { step, screenshot } = context;
    const { page } = await loggedIn(context, 'hy_eval');
    let claimNumber = '';
    await step(
      'its 补贴申请 page lists the certificates it issued to claim for, and points to no menu it lacks',
      async () => {
        await openFromMenu(page, '补贴申请');
        const certificates = page.getByTestId('certificate-claim');
        await certificates.getByRole('row').filter({ hasText: 'S000043040005210720' }).waitFor();
        // The institution's hint (open a completed class under 开班与培训) is a dead end here.
        if ((await page.getByText('开班与培训').count()) > 0)
          throw new Error('the evaluation organisation is sent to 开班与培训, a menu it lacks');
      },
    );
    await step(
      'it applies for two certificates and gets a draft whose lines the policy engine decided, citing the document',
      async () => {
        const certificates = page.getByTestId('certificate-claim');
        for (const number of ['S000043040005210720', 'S000043040005210721'])
          await certificates
            .getByRole('row')
            .filter({ hasText: number })
            .locator('.ant-checkbox-input')
            .check();
        await certificates.getByRole('button', { name: '申请取证补贴（2 本）' }).click();
        const dialog = page.getByRole('dialog', { name: '申请取证补贴' });
        await dialog.getByLabel('收款开户银行').fill('中国银行衡阳分行');
        await dialog.getByLabel('收款账号').fill('430012345678901');
        await confirmDialog(page, '生成申请', { dialog, status: 201 });
        await page.waitForURL(/\/app\/claims\/\d+$/);
        await page.getByTestId('claim-status').getByText('草稿').waitFor();
        const cell = (label: string) => page.locator('tr', { hasText: label }).locator('td').first();
        claimNumber = (await cell('申请编号').innerText()).trim();
        if (!claimNumber) throw new Error('the draft shows no claim number');
        await page
          .locator('tr', { hasText: '补贴类型' })
          .getByText(/取证补贴/)
          .first()
          .waitFor();
        // Hengyang's document provides no certificate subsidy: each line says so, citing it.
        await page
          .getByText(/衡人社发【2019】21号未规定取证补贴/)
          .first()
          .waitFor();
        await screenshot(page, 'evaluation-certificate-claim');
      },
    );
    await step('the draft is listed among its claims', async () => {
      await openFromMenu(page, '补贴申请');
      await page.getByRole('row').filter({ hasText: claimNumber }).getByText('草稿').waitFor();
    });
  },
};

const jiangsuEnterprise: Flow = {
  name: 'Enterprise in Jiangsu on the living demo: applies for an advance (预拨) while its training runs, as 苏政办发〔2019〕71号 allows',
  livingDemo: true,
  steps: [
    'the advances page cites the Jiangsu document: up to 50 % while the training runs, for its running class',
    'it applies for the advance after a confirmation and gets a draft at half the standard per trainee',
    'the advance is listed on the advances page and among its claims',
    'its class opens from 开班与培训 with its two employees on the roster',
  ],
  async run(context) {
    const { step, screenshot } = context;
    const { page } = await loggedIn(context, 'nj_enterprise');
    const className = '养老护理员（初级）企业职工班2111期';
    let claimNumber = '';
    await step(
      'the advances page cites the Jiangsu document: up to 50 % while the training runs, for its running class',
      async () => {
        await openFromMenu(page, '预拨与清算');
        const policy = page.getByTestId('advance-policy');
        await policy.getByText('本地区可以申请预拨').waitFor();
        await policy
          .getByText(/苏政办发〔2019〕71号/)
          .first()
          .waitFor();
        await policy.getByText(/不高于 50%/).waitFor();
        await page.getByTestId('advance-classes').getByRole('row').filter({ hasText: className }).waitFor();
        await screenshot(page, 'jiangsu-enterprise-advances');
      },
    );
    await step(
      'it applies for the advance after a confirmation and gets a draft at half the standard per trainee',
      async () => {
        await page
          .getByTestId('advance-classes')
          .getByRole('row')
          .filter({ hasText: className })
          .getByRole('button', { name: '申请预拨' })
          .click();
        const dialog = page.getByRole('dialog', { name: `申请预拨：${className}` });
        await dialog.getByLabel('收款开户银行').fill('中国工商银行南京玄武支行');
        await dialog.getByLabel('收款账号').fill('4301010900001234');
        await confirmDialog(page, '生成申请', { dialog, status: 201 });
        await page.waitForURL(/\/app\/claims\/\d+$/);
        await page.getByTestId('claim-status').getByText('草稿').waitFor();
        const cell = (label: string) => page.locator('tr', { hasText: label }).locator('td').first();
        claimNumber = (await cell('申请编号').innerText()).trim();
        await page.getByTestId('claim-mode').getByText(/预拨/).waitFor();
        // Two trainees, each at 50 % of the catalog's 1,000.00 元 for the level.
        await page.getByTestId('claim-total').getByText('1,000.00 元').waitFor();
        await page
          .getByText(/苏政办发〔2019〕71号/)
          .first()
          .waitFor();
        await screenshot(page, 'jiangsu-enterprise-advance-claim');
      },
    );
    await step('the advance is listed on the advances page and among its claims', async () => {
      await openFromMenu(page, '预拨与清算');
      await page.getByTestId('advance-items').getByRole('row').filter({ hasText: claimNumber }).waitFor();
      await page
        .getByTestId('advance-classes')
        .getByRole('row')
        .filter({ hasText: className })
        .getByRole('link', { name: '已申请，查看' })
        .waitFor();
      await openFromMenu(page, '补贴申请');
      await page.getByRole('row').filter({ hasText: claimNumber }).getByText('草稿').waitFor();
    });
    await step('its class opens from 开班与培训 with its two employees on the roster', async () => {
      await openFromMenu(page, '开班与培训');
      await page.getByRole('link', { name: className }).click();
      await page.getByRole('heading', { name: className, level: 1 }).waitFor();
      await page.getByRole('tab', { name: '学员名单' }).click();
      const rows = page.getByRole('tabpanel').locator('.ant-table-tbody tr.ant-table-row');
      await rows.filter({ hasText: '孔明远' }).waitFor();
      await rows.filter({ hasText: '孟云霞' }).waitFor();
      if ((await rows.count()) !== 2) throw new Error(`${await rows.count()} trainees, not 2`);
    });
  },
};

const publicPhone: Flow = {
  name: 'The public on a 375 px phone, on the living demo: current 公示 notices, fund disclosure, catalogs and certificate verification',
  livingDemo: true,
  steps: [
    'the 公示 page lists the claim in notice with its period, naming no person, within the phone width',
    'fund disclosure shows Hengyang’s 2021 quarters, hides small cells, and downloads as CSV',
    'the catalogs show Hengyang’s projects and institutions without login',
    'a certificate of the demo is verified by its number and holder',
    'the calculator names the document an amount rests on, not the policy pack’s code',
  ],
  async run(context) {
    const { server, step, screenshot } = context;
    const { page } = await context.newPage({ width: 375, height: 812 });
    await step(
      'the 公示 page lists the claim in notice with its period, naming no person, within the phone width',
      async () => {
        await page.goto(`${server.baseUrl}/notices`);
        await page.getByRole('heading', { name: '补贴公示', level: 1 }).waitFor();
        const row = page.getByRole('row').filter({ hasText: '养老护理员（初级）2114期' });
        await row.waitFor();
        await row.getByText(/^2021-\d\d-\d\d 至 2021-\d\d-\d\d$/).waitFor();
        await row.getByText('衡阳县职业技能培训学校').waitFor();
        await assertPhoneWidth(page, 'the 公示 page');
        await screenshot(page, 'public-notices-375');
      },
    );
    await step(
      'fund disclosure shows Hengyang’s 2021 quarters, hides small cells, and downloads as CSV',
      async () => {
        await page.goto(`${server.baseUrl}/disclosure`);
        await page.getByRole('heading', { name: '资金使用公开', level: 1 }).waitFor();
        await page.getByText(/衡阳市 2021 年/).waitFor();
        const rows = page.locator('.ant-table-tbody tr.ant-table-row');
        await rows.filter({ hasText: '第一季度' }).first().waitFor();
        await rows.filter({ hasText: '—' }).first().waitFor();
        const download = page.waitForEvent('download');
        await page.getByRole('button', { name: /下载 CSV/ }).click();
        const file = await download;
        if (!file.suggestedFilename().endsWith('.csv'))
          throw new Error(`the download is ${file.suggestedFilename()}`);
        await assertPhoneWidth(page, 'the disclosure page');
        await screenshot(page, 'public-disclosure-375');
      },
    );
    await step('the catalogs show Hengyang’s projects and institutions without login', async () => {
      await page.goto(`${server.baseUrl}/catalog`);
      await page.getByRole('heading', { name: '目录查询', level: 1 }).waitFor();
      // 培训项目与补贴标准: 衡阳市 is the region offered first.
      await page
        .locator('form#standards')
        .getByRole('button', { name: /查\s*询/ })
        .click();
      await page.getByRole('row').filter({ hasText: '养老护理员' }).first().waitFor();
      await page.getByRole('tab', { name: '培训机构目录' }).click();
      await page
        .locator('form#institutions')
        .getByRole('button', { name: /查\s*询/ })
        .click();
      await page.getByRole('row').filter({ hasText: '衡阳县职业技能培训学校' }).first().waitFor();
      await assertPhoneWidth(page, 'the catalog page');
      await screenshot(page, 'public-catalog-375');
    });
    await step('a certificate of the demo is verified by its number and holder', async () => {
      const certificates = (await api(
        server,
        'hy_eval',
        'GET',
        '/api/evaluation/certificates?pageSize=5',
      )) as {
        items: { personId: number; certificateNumber: string; revokedOn: string | null }[];
      };
      const certificate = certificates.items.find((item) => item.revokedOn === null);
      if (!certificate) throw new Error('the living demo has no valid certificate of hy_eval');
      const person = (await api(server, 'hy_county', 'GET', `/api/persons/${certificate.personId}`)) as {
        name: string;
      };
      await page.goto(`${server.baseUrl}/verify`);
      await page.getByLabel('证书编号').fill(certificate.certificateNumber);
      await page.getByLabel('持证人姓名').fill(person.name);
      await page.getByRole('button', { name: '核验' }).click();
      await page.getByText('衡阳市职业技能鉴定中心').first().waitFor();
      if ((await page.getByText('该证书已被发证机构撤销').count()) > 0)
        throw new Error('a valid certificate reads as revoked');
      await assertPhoneWidth(page, 'the verification page');
      await screenshot(page, 'public-verify-375');
    });
    await step(
      'the calculator names the document an amount rests on, not the policy pack’s code',
      async () => {
        await page.goto(`${server.baseUrl}/calculator`);
        await page.getByRole('heading', { name: '补贴计算器' }).waitFor();
        const choice = page.getByLabel('职业（工种）和等级（当地已公布的补贴标准目录）');
        await choice.click();
        await choice.fill('4-10-01-05');
        await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
        await page.getByRole('button', { name: '证书情况' }).click();
        await page.getByLabel('证书类型').click();
        await page
          .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '职业技能等级证书' })
          .first()
          .click();
        const answer = page.waitForResponse((response) => response.url().endsWith('/api/public/calculate'));
        await page.getByRole('button', { name: '计算补贴' }).click();
        if (!(await answer).ok()) throw new Error('the calculator’s request failed');
        const policy = page.getByTestId('decision').locator('tr', { hasText: '适用政策' });
        await policy.getByText('衡人社发【2019】21号').waitFor();
        const shown = await page.getByTestId('decision').innerText();
        if (/cn-\d{6}/.test(shown)) throw new Error(`the decision shows a policy pack's code: ${shown}`);
        await assertPhoneWidth(page, 'the calculator');
        await screenshot(page, 'public-calculator-decision-375');
      },
    );
  },
};

export const flows: Flow[] = [evaluationClaims, jiangsuEnterprise, publicPhone];
