import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import {
  confirmDialog,
  type Flow,
  type FlowContext,
  idNumberWithCheckDigit,
  loginThroughUi,
  type ServerHandle,
} from './harness.ts';

/**
 * Issue 21, "a browser test per role walks its daily job on the demo end to end", for the roles
 * whose other walks run on the bare demo accounts (certificates, money, full-flow): the evaluation
 * organisation, the finance officers, the county and city officers and the institution, each on
 * the living demo (what `npm start` shows). Each flow sets up what it consumes itself (through the
 * API, marked "set-up") and leaves the seeded claims other flows read alone, so any one of them
 * runs alone or after the others.
 *
 * Which test walks each of the demo's roles:
 * - city officer (hy_city): cityOfficer below; living-demo (the year's figures)
 * - county officer (hy_county): countyOfficer below; full-flow, person-groups
 * - province officer (hn_province): roles (province)
 * - finance officer and checker (hy_finance, hy_finance_checker): finance below; money, bank
 * - institution (hy_school): institution below; full-flow
 * - evaluation organisation (hy_eval): evaluation below; certificates
 * - enterprise (hy_enterprise), third-party reviewer (hy_reviewer), worker (hy_worker),
 *   auditor, audit administrator (auditadmin): roles
 * - system administrator (sysadmin): living-demo (the training clock), workbench (accounts)
 * - security administrator (secadmin): workbench
 * - the public: public, certificates (verification)
 */

type Json = Record<string, unknown>;

async function api(server: ServerHandle, who: string, method: string, url: string, body?: unknown) {
  const answer = await server.apiAs(who, method, url, body);
  if (answer.status >= 300)
    throw new Error(`${method} ${url} as ${who}: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json as Json;
}

async function openFromMenu(page: Page, item: string, heading = item): Promise<void> {
  await page.getByTestId('workbench-menu').getByRole('menuitem', { name: item }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

async function loggedIn(context: FlowContext, loginName: string) {
  const opened = await context.newPage({ width: 1440, height: 900 });
  await loginThroughUi(opened.page, context.server.baseUrl, loginName, DEMO_PASSWORD);
  return opened;
}

/** A date picker set by typing, as a user who knows the date does. */
async function pickDate(scope: Page | ReturnType<Page['locator']>, labelText: string, date: string) {
  const input = scope.getByLabel(labelText);
  await input.click();
  await input.fill(date);
  await input.press('Enter');
}

/** A Chinese name unique to this run: 郑 + the digits of `stamp` as Chinese numerals. */
function uniqueName(surname: string, stamp: string): string {
  return `${surname}${[...stamp].map((digit) => '零一二三四五六七八九'[Number(digit)]).join('')}`;
}

const evaluation: Flow = {
  name: 'Evaluation organisation on the living demo: assessment → results → certificate → revocation, verified by the public',
  livingDemo: true,
  steps: [
    'set-up: two candidates registered in the county',
    'the evaluation organisation registers an assessment within its catalog admission',
    'it records a pass and a fail by ID number and name',
    'it issues a certificate only to the candidate who passed',
    'it revokes the certificate with a reason, and public verification shows the revocation',
  ],
  async run(context) {
    const { server, step, screenshot } = context;
    const stamp = String(Date.now() % 1_000_000).padStart(6, '0');
    const passed = { name: uniqueName('贺', stamp.slice(-3)), idNumber: '' };
    const failed = { name: uniqueName('龙', stamp.slice(-3)), idNumber: '' };
    const certificateNumber = `S0000430400${stamp}`;
    await step('set-up: two candidates registered in the county', async () => {
      passed.idNumber = idNumberWithCheckDigit(`43042119880101${stamp.slice(-3)}`);
      failed.idNumber = idNumberWithCheckDigit(`43042119890202${stamp.slice(-3)}`);
      for (const person of [passed, failed])
        await api(server, 'hy_county', 'POST', '/api/persons', {
          ...person,
          registeringRegionCode: '430421',
        });
    });
    const { page } = await loggedIn(context, 'hy_eval');
    const today = server.today();
    await step(
      'the evaluation organisation registers an assessment within its catalog admission',
      async () => {
        await openFromMenu(page, '考核评价与发证');
        const form = page.locator('form#assessment');
        await form.getByLabel('职业代码').fill('4-03-02-01');
        await form.locator('.level-select').click();
        await page.locator('.ant-select-dropdown:visible').getByTitle('初级工（五级）').click();
        await pickDate(form, '考核日期', today);
        const saved = page.waitForResponse(
          (response) => response.url().endsWith('/api/assessments') && response.request().method() === 'POST',
        );
        await page.getByRole('button', { name: '登记考核' }).click();
        const answer = await saved;
        if (answer.status() !== 201) throw new Error(`assessment: ${answer.status()} ${await answer.text()}`);
        const row = page.getByRole('row').filter({ hasText: today }).last();
        await row.getByRole('button', { name: '成绩与发证' }).click();
        await page.locator('form#assessmentResult').waitFor();
      },
    );
    await step('it records a pass and a fail by ID number and name', async () => {
      const form = page.locator('form#assessmentResult');
      for (const [person, score] of [
        [passed, 86],
        [failed, 41],
      ] as const) {
        await form.getByLabel('姓名').fill(person.name);
        await form.getByLabel('身份证号').fill(person.idNumber);
        await form.getByLabel('成绩').fill(String(score));
        const isOn = (await form.getByLabel('考核合格').getAttribute('aria-checked')) === 'true';
        if (isOn !== score >= 60) await form.getByLabel('考核合格').click();
        const saved = page.waitForResponse((response) => response.url().endsWith('/results'));
        await form.getByRole('button', { name: '记录成绩' }).click();
        const answer = await saved;
        if (answer.status() !== 201) throw new Error(`result: ${answer.status()} ${await answer.text()}`);
        await page
          .getByRole('row')
          .filter({ hasText: person.name })
          .getByText(score >= 60 ? '合格' : '不合格', { exact: true })
          .waitFor();
      }
    });
    await step('it issues a certificate only to the candidate who passed', async () => {
      const form = page.locator('form#issueCertificate');
      await form.getByLabel('持证人').click();
      const dropdown = page.locator('.ant-select-dropdown:visible');
      await dropdown.getByTitle(passed.name).waitFor();
      if ((await dropdown.getByTitle(failed.name).count()) > 0)
        throw new Error('the candidate who failed is offered a certificate');
      await dropdown.getByTitle(passed.name).click();
      await form.getByLabel('证书编号').fill(certificateNumber);
      await pickDate(form, '发证日期', today);
      const saved = page.waitForResponse(
        (response) => response.url().endsWith('/api/certificates') && response.request().method() === 'POST',
      );
      await form.getByRole('button', { name: '颁发证书' }).click();
      const answer = await saved;
      if (answer.status() !== 201) throw new Error(`issue: ${answer.status()} ${await answer.text()}`);
      await page.getByRole('row').filter({ hasText: certificateNumber }).getByText('有效').waitFor();
      await screenshot(page, 'daily-evaluation-issued');
    });
    await step(
      'it revokes the certificate with a reason, and public verification shows the revocation',
      async () => {
        await page
          .getByRole('row')
          .filter({ hasText: certificateNumber })
          .getByRole('button', { name: '撤销' })
          .click();
        await page.getByRole('dialog').getByLabel('撤销理由').fill('考核现场核查发现替考');
        await confirmDialog(page, '确认撤销');
        await page
          .getByRole('row')
          .filter({ hasText: certificateNumber })
          .getByText(/已撤销/)
          .waitFor();
        const { page: publicPage } = await context.newPage({ width: 375, height: 812 });
        await publicPage.goto(`${server.baseUrl}/verify`);
        await publicPage.getByLabel('证书编号').fill(certificateNumber);
        await publicPage.getByLabel('持证人姓名').fill(passed.name);
        await publicPage.getByRole('button', { name: '核验' }).click();
        await publicPage.getByText('该证书已被发证机构撤销').waitFor();
        await publicPage.getByText('考核现场核查发现替考').waitFor();
        await screenshot(publicPage, 'daily-evaluation-verified-revoked');
      },
    );
  },
};

async function openPayments(page: Page, tab: string): Promise<void> {
  await openFromMenu(page, '支付批次');
  await page.getByRole('tab', { name: tab }).click();
}

const finance: Flow = {
  name: 'Finance officers on the living demo: order an approved claim paid, the checker approves, the bank result pays it; failed payments and the statement waiting',
  livingDemo: true,
  steps: [
    'the finance officer orders the approved claim paid, after a confirmation',
    'the second finance officer approves the order from 待复核 and a batch is made',
    'the bank result is imported and the claim reads 已支付',
    'the failed payment of the year and the October statement wait for the finance officer',
  ],
  async run(context) {
    const { server, step, screenshot } = context;
    const approved = (await api(server, 'hy_finance', 'GET', '/api/claims?status=approved&pageSize=100')) as {
      items: { id: number; claimNumber: string }[];
    };
    const claim = approved.items[0];
    const { page } = await loggedIn(context, 'hy_finance');
    let batchId = 0;
    await step('the finance officer orders the approved claim paid, after a confirmation', async () => {
      if (!claim) throw new Error('the living demo has no approved claim');
      await openPayments(page, '待下达支付');
      await page
        .getByRole('row', { name: new RegExp(claim.claimNumber) })
        .getByRole('checkbox')
        .check();
      await page.getByRole('button', { name: '下达支付' }).click();
      await confirmDialog(page, '确认提交', {
        sends: (request) => request.url().endsWith('/api/claims/payments'),
        status: 202,
      });
    });
    await step('the second finance officer approves the order from 待复核 and a batch is made', async () => {
      const { page: checker } = await loggedIn(context, 'hy_finance_checker');
      await openPayments(checker, '待复核');
      const row = checker
        .getByTestId('approval-queue')
        .getByRole('row', { name: /支付指令/ })
        .first();
      await row.getByRole('button', { name: '复核通过' }).click();
      const response = await confirmDialog(checker, '确认通过', {
        sends: (request) => request.url().includes('/decision'),
      });
      const answer = (await response.json()) as { batch?: { id: number } | null };
      if (!answer.batch?.id) throw new Error('the approval made no batch');
      batchId = answer.batch.id;
      await checker.getByTestId('payment-batch').getByText(`支付批次 #${batchId}`).waitFor();
    });
    await step('the bank result is imported and the claim reads 已支付', async () => {
      const batch = (await api(server, 'hy_finance', 'GET', `/api/ledger/payment-batches/${batchId}`)) as {
        disbursements: { reference: string }[];
      };
      await page.goto(`${server.baseUrl}/app/payments?tab=batches&batch=${batchId}`);
      const csv = `备注,处理结果,失败原因\n${batch.disbursements.map((row) => `${row.reference},成功,`).join('\n')}\n`;
      const previewed = page.waitForResponse((response) => response.url().endsWith('/bank-result'));
      await page
        .getByTestId('payment-batch')
        .locator('input[type=file]')
        .setInputFiles({ name: '回盘.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      const preview = await previewed;
      if (!preview.ok()) throw new Error(`bank result preview: ${preview.status()} ${await preview.text()}`);
      await confirmDialog(page, '确认导入', {
        dialog: page.getByRole('dialog', { name: /预览银行结果/ }),
        sends: (request) => request.url().endsWith('/bank-result'),
      });
      await page.getByTestId('payment-batch').getByText('已支付').first().waitFor();
      await page.goto(`${server.baseUrl}/app/claims/${claim!.id}`);
      await page.getByTestId('claim-status').getByText('已支付').waitFor();
      await screenshot(page, 'daily-finance-paid');
    });
    await step(
      'the failed payment of the year and the October statement wait for the finance officer',
      async () => {
        await openPayments(page, '支付失败');
        await page.getByTestId('failed-batch-list').getByRole('row').nth(1).waitFor();
        await openFromMenu(page, '银行对账');
        await page.getByText('衡阳县专账2021年10月对账单.csv').first().waitFor();
        await screenshot(page, 'daily-finance-statement');
      },
    );
  },
};

export const flows: Flow[] = [evaluation, finance];
