import type { Page } from 'playwright-core';
import {
  api,
  confirmDialog,
  type Flow,
  idNumberWithCheckDigit,
  loggedIn,
  openFromMenu,
  type ServerHandle,
} from './harness.ts';

/**
 * Issue 21, "a browser test per role walks its daily job on the demo end to end", for the roles
 * whose other walks run on the bare demo accounts (certificates, money, full-flow): the evaluation
 * organisation, the finance officers, the institution, the county and city officers, each on
 * the living demo (what `npm start` shows). Each flow sets up what it consumes itself (through the
 * API, marked "set-up") and leaves the seeded claims other flows read alone, so any one of them
 * runs alone or after the others.
 *
 * Which test walks each of the demo's roles:
 * - city officer (hy_city): cityOfficer below; living-demo (the year's figures)
 * - county officer (hy_county): countyOfficer below; full-flow, person-groups
 * - province officer (hn_province): roles (province); policy-enterprise (a parameter version published)
 * - finance officer and checker (hy_finance, hy_finance_checker): finance below; money, bank
 * - institution (hy_school): institution below; full-flow
 * - evaluation organisation (hy_eval): evaluation below; certificates
 * - third-party reviewer (hy_reviewer): reviewerInspection below (现场核查); roles (claim review)
 * - enterprise (hy_enterprise): roles; policy-enterprise (its training claim, the 以工代训 notice)
 * - worker (hy_worker), auditor, audit administrator (auditadmin): roles
 * - system administrator (sysadmin): living-demo (the training clock), workbench (accounts)
 * - security administrator (secadmin): workbench
 * - the public: public, certificates (verification)
 */

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
        // The occupation picked by its name (typed 中式烹调), not typed as a code.
        await form.getByLabel('职业（工种）').click();
        await form.getByLabel('职业（工种）').fill('中式烹调');
        await page.locator('.ant-select-dropdown:visible').getByTitle('中式烹调师（4-03-02-01）').click();
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

/** The living demo's claim of a class, by the class's tag (e.g. 2109 → 中式烹调师（初级）2109期). */
async function claimOfClass(server: ServerHandle, tag: string) {
  const claims = (await api(server, 'hy_school', 'GET', '/api/claims?pageSize=100')) as {
    items: { id: number }[];
  };
  for (const item of claims.items) {
    const claim = (await api(server, 'hy_school', 'GET', `/api/claims/${item.id}`)) as {
      id: number;
      claimNumber: string;
      status: string;
      className?: string | null;
    };
    if (claim.className?.endsWith(`${tag}期`)) return claim;
  }
  throw new Error(`the living demo has no claim of class ${tag}`);
}

const institution: Flow = {
  name: 'Institution on the living demo: its classes and roster, a draft claim completed with its materials and submitted',
  livingDemo: true,
  steps: [
    'the institution sees its classes in every state and opens a filed class’s roster',
    'it opens its draft claim, uploads each missing material and submits it',
    'the claims list shows the submitted claim and the paid ones',
  ],
  async run(context) {
    const { server, step, screenshot } = context;
    const { page } = await loggedIn(context, 'hy_school');
    let draft = { id: 0, claimNumber: '', status: '' };
    await step(
      'the institution sees its classes in every state and opens a filed class’s roster',
      async () => {
        draft = await claimOfClass(server, '2115');
        await openFromMenu(page, '开班与培训');
        for (const status of ['已结业', '已备案'])
          await page.locator('.ant-table-tbody').getByText(status).first().waitFor();
        await page.getByRole('link', { name: '中式烹调师（初级）2117期' }).click();
        await page.getByRole('heading', { name: /2117期/, level: 1 }).waitFor();
        await page.getByRole('tab', { name: '学员名单' }).click();
        const rows = page.getByRole('tabpanel').locator('.ant-table-tbody tr.ant-table-row');
        await rows.first().waitFor();
        if ((await rows.count()) !== 2) throw new Error(`${await rows.count()} trainees, not 2`);
        await screenshot(page, 'daily-institution-roster');
      },
    );
    await step('it opens its draft claim, uploads each missing material and submits it', async () => {
      if (draft.status !== 'draft') throw new Error(`the claim of 2115 is ${draft.status}, not a draft`);
      await openFromMenu(page, '补贴申请');
      await page.getByRole('row').filter({ hasText: draft.claimNumber }).getByRole('link').first().click();
      await page.getByTestId('claim-status').getByText('草稿').waitFor();
      await page.getByTestId('materials-missing').waitFor();
      const missing = page
        .getByTestId('claim-materials')
        .locator('.ant-list-item', { hasText: '必备，未上传' });
      for (let count = await missing.count(); count > 0; count = await missing.count()) {
        const item = missing.first();
        const uploaded = page.waitForResponse((response) => response.url().endsWith('/attachments'));
        await item.locator('input[type=file]').setInputFiles({
          name: '材料.pdf',
          mimeType: 'application/pdf',
          buffer: Buffer.from('%PDF-1.4 材料\n'),
        });
        const answer = await uploaded;
        if (answer.status() !== 201) throw new Error(`upload: ${answer.status()} ${await answer.text()}`);
        await page.waitForFunction(
          (before) =>
            document.querySelectorAll('[data-testid="claim-materials"] .ant-tag-orange').length < before,
          count,
        );
      }
      await page.getByTestId('materials-complete').waitFor();
      await page.getByRole('button', { name: '提交申请' }).click();
      await confirmDialog(page, '确定');
      await page.getByTestId('claim-status').getByText('已提交待审核').waitFor();
      await screenshot(page, 'daily-institution-submitted');
    });
    await step('the claims list shows the submitted claim and the paid ones', async () => {
      await openFromMenu(page, '补贴申请');
      await page.getByRole('row').filter({ hasText: draft.claimNumber }).getByText('已提交待审核').waitFor();
      await page.locator('.ant-table-tbody').getByText('已支付').first().waitFor();
    });
  },
};

const countyOfficer: Flow = {
  name: 'County officer on the living demo: approves a class filing, reviews a resubmitted claim and starts its notice, reads the open alert',
  livingDemo: true,
  steps: [
    'set-up: the claim returned for a wrong invoice is resubmitted by the school',
    'the county officer approves the filed class after a confirmation',
    'it reviews the resubmitted claim and starts its public notice',
    'the claim is on 公示名单, and the open risk alert is on 监管预警',
    'it exports the open alerts as xlsx, and finds a person of the county with the person picker',
  ],
  async run(context) {
    const { server, step, screenshot } = context;
    let returned = { id: 0, claimNumber: '' };
    await step('set-up: the claim returned for a wrong invoice is resubmitted by the school', async () => {
      const claim = await claimOfClass(server, '2109');
      if (claim.status === 'returned')
        await api(server, 'hy_school', 'POST', `/api/claims/${claim.id}/submit`);
      returned = claim;
    });
    const { page } = await loggedIn(context, 'hy_county');
    await step('the county officer approves the filed class after a confirmation', async () => {
      await openFromMenu(page, '开班备案审批');
      const row = page.getByRole('row').filter({ hasText: '养老护理员（初级）2116期' });
      // The filing's business date (2021) apart from the system's record time.
      await page.getByRole('columnheader', { name: '申请日期（业务日期）' }).waitFor();
      await page.getByRole('columnheader', { name: '记录时间（系统时钟）' }).waitFor();
      await row
        .getByText(/^2021-\d\d-\d\d$/)
        .first()
        .waitFor();
      // Region and occupation by name, the code secondary (shown once the name is known).
      await row.locator('.secondary-code').first().waitFor();
      await row
        .getByRole('cell', { name: /^\d{6}$/ })
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => {
          throw new Error('开班备案审批 shows a region code without its name');
        });
      await row.getByRole('button', { name: '通过' }).click();
      await confirmDialog(page, '确认通过');
      await page
        .getByRole('row')
        .filter({ hasText: '养老护理员（初级）2116期' })
        .waitFor({ state: 'detached' })
        .catch(async () => {
          await page
            .getByRole('row')
            .filter({ hasText: '养老护理员（初级）2116期' })
            .getByText('已备案')
            .waitFor();
        });
    });
    await step('it reviews the resubmitted claim and starts its public notice', async () => {
      await openFromMenu(page, '补贴审核');
      // The region by its name, not its six-digit code.
      const listed = page.getByRole('row').filter({ hasText: returned.claimNumber });
      await listed.getByText('衡阳县', { exact: true }).waitFor();
      if ((await listed.getByText('430421', { exact: true }).count()) > 0)
        throw new Error('the claims list shows the region as a code');
      await listed.getByRole('link').first().click();
      await page.getByTestId('claim-status').getByText('已提交待审核').waitFor();
      await page.getByRole('button', { name: '审核通过' }).click();
      await confirmDialog(page, '确定');
      await page.getByTestId('claim-status').getByText('已审核').waitFor();
      await page.getByRole('button', { name: '开始公示' }).click();
      await confirmDialog(page, '确定');
      await page.getByTestId('claim-status').getByText('公示中').waitFor();
      await page.getByTestId('notice-running').waitFor();
      // 办理记录: each step's business date apart from the system's record time.
      const history = page.getByTestId('claim-history');
      await history.getByRole('columnheader', { name: '业务日期' }).waitFor();
      await history.getByRole('columnheader', { name: '记录时间（系统时钟）' }).waitFor();
      await history.getByRole('row').filter({ hasText: '公示中' }).getByText(server.today()).waitFor();
      await screenshot(page, 'daily-county-notice');
    });
    await step('the claim is on 公示名单, and the open risk alert is on 监管预警', async () => {
      await openFromMenu(page, '公示名单');
      await page.getByRole('row').filter({ hasText: returned.claimNumber }).waitFor();
      await openFromMenu(page, '监管预警');
      await page.getByTestId('alerts-table').getByRole('button', { name: '解除预警' }).first().waitFor();
      await screenshot(page, 'daily-county-alerts');
    });
    await step(
      'it exports the open alerts as xlsx, and finds a person of the county with the person picker',
      async () => {
        // 监管预警 is still open, filtered by 待处理: the export is of what is filtered.
        const exported = page.waitForResponse((response) =>
          response.url().includes('/api/supervision/alerts.xlsx?status=open'),
        );
        const downloaded = page.waitForEvent('download');
        await page.getByRole('button', { name: '导出 xlsx' }).click();
        const answer = await exported;
        if (answer.status() !== 200)
          throw new Error(`alerts export: ${answer.status()} ${await answer.text()}`);
        const file = await downloaded;
        if (file.suggestedFilename() !== '监管预警.xlsx')
          throw new Error(`the alerts export is named ${file.suggestedFilename()}`);
        // A trainee of the year, found by the beginning of the name (the demo's persons).
        const persons = (await api(
          server,
          'hy_county',
          'GET',
          '/api/persons?regionCode=430421&pageSize=1',
        )) as {
          items: { name: string; idNumber: string }[];
        };
        const person = persons.items[0]!;
        await openFromMenu(page, '人员类别认定');
        const picker = page.getByLabel('按姓名或身份证号查找人员');
        await picker.click();
        await picker.fill(person.name);
        const option = page
          .locator('.ant-select-dropdown:visible .ant-select-item-option')
          .filter({ hasText: `${person.name}（${person.idNumber}，衡阳县）` })
          .first();
        await option.click();
        await page.getByText(`${person.name} 的人员类别认定`).waitFor();
        await screenshot(page, 'daily-county-person-picker');
      },
    );
  },
};

const cityOfficer: Flow = {
  name: 'City officer on the living demo: a claim in notice, the year’s confirmed case and its recovery, the school’s appeal decided, the quarter report exported',
  livingDemo: true,
  steps: [
    'the city officer finds the claim in notice and is told when it may be approved',
    'it opens the confirmed case of the year and reads its outcome',
    'it finds the school’s appeal under 处罚与申诉 and upholds the suspension after a confirmation',
    'it reads the third quarter’s report and exports it as xlsx',
  ],
  async run(context) {
    const { server, step, screenshot } = context;
    const { page } = await loggedIn(context, 'hy_city');
    await step('the city officer finds the claim in notice and is told when it may be approved', async () => {
      const inNotice = await claimOfClass(server, '2114');
      await openFromMenu(page, '补贴审核');
      await page.getByLabel('状态').click();
      await page.locator('.ant-select-dropdown:visible').getByTitle('公示中').click();
      // The region picked by its name (typed 衡阳县), not typed as a code.
      const filtered = page.waitForResponse(
        (response) => response.url().includes('/api/claims?') && response.url().includes('regionCode=430421'),
      );
      await page.getByLabel('地区').click();
      await page.getByLabel('地区').fill('衡阳县');
      await page.locator('.ant-select-dropdown:visible').getByTitle('衡阳县（430421）').click();
      await filtered;
      await page.getByRole('row').filter({ hasText: inNotice.claimNumber }).getByRole('link').first().click();
      await page.getByTestId('claim-status').getByText('公示中').waitFor();
      await page
        .getByTestId('notice-running')
        .getByText(/公示期至 2021-\d\d-\d\d/)
        .waitFor();
    });
    await step('it opens the confirmed case of the year and reads its outcome', async () => {
      await openFromMenu(page, '核查案件');
      const row = page.getByRole('row').filter({ hasText: '冒用退休人员参训' });
      await row.getByText('已查实').waitFor();
      // The case number opens the case's drawer.
      await row.locator('a').first().click();
      const detail = page.getByTestId('case-detail');
      await detail.getByText('冒用退休人员身份虚报培训人数').waitFor();
      await detail.getByText('约谈学员').first().waitFor();
      // The institution by its name, linked to its sanctions — not by its id.
      await detail.getByTestId('organisation-link').getByText('衡阳县惠民职业培训学校').waitFor();
      // Opened and decided on the business dates of 2021, the record times labelled apart.
      await detail.locator('tr', { hasText: '立案日期（业务日期）' }).getByText('2021-06-29').waitFor();
      await detail.locator('tr', { hasText: '办结日期（业务日期）' }).getByText('2021-07-05').waitFor();
      await detail.getByText('立案记录时间（系统时钟）').waitFor();
      await screenshot(page, 'daily-city-case');
      await page.keyboard.press('Escape');
    });
    await step(
      'it finds the school’s appeal under 处罚与申诉 and upholds the suspension after a confirmation',
      async () => {
        await openFromMenu(page, '处罚与申诉');
        const filtered = page.waitForResponse(
          (response) =>
            response.url().includes('/api/supervision/sanctions?') &&
            response.url().includes('appealStatus=filed'),
        );
        await page.getByLabel('申诉状态').click();
        await page.locator('.ant-select-dropdown:visible').getByTitle('申诉待复核').click();
        await filtered;
        const row = page
          .getByTestId('sanctions-table')
          .getByRole('row')
          .filter({ hasText: '衡阳县惠民职业培训学校' });
        await row.getByText('暂停').waitFor();
        await row.getByText('衡阳县', { exact: true }).waitFor();
        await row.getByRole('button', { name: '复核申诉' }).click();
        const detail = page.getByTestId('sanction-detail');
        await detail.getByText('机构称系招生代理人员所为').waitFor();
        await detail.getByText('记录时间（系统时钟）').waitFor();
        const form = page.getByTestId('appeal-decision');
        await form.getByText('维持处罚（申诉不成立）').click();
        await form.getByLabel('复核意见').fill('经复核，机构对招生代理人员负有管理责任，维持暂停资格');
        await form.getByRole('button', { name: '提交复核结论' }).click();
        await confirmDialog(page, '确认维持', {
          dialog: page.getByRole('dialog').filter({ hasText: '确认维持处罚？' }),
          sends: (request) => request.url().endsWith('/appeal-decision'),
        });
        await detail.getByTestId('appeal-status').getByText('维持处罚').waitFor();
        await screenshot(page, 'daily-city-appeal-upheld');
        // The sanction links to the case it came from: its drawer opens on 核查案件.
        await detail.getByTestId('sanction-case-link').click();
        await page.getByTestId('case-detail').getByText('冒用退休人员身份虚报培训人数').waitFor();
        await page.keyboard.press('Escape');
      },
    );
    await step('it reads the third quarter’s report and exports it as xlsx', async () => {
      await openFromMenu(page, '统计报表');
      await page.getByLabel('季度').click();
      await page.locator('.ant-select-dropdown:visible').getByTitle('第 3 季度').click();
      await page.getByTestId('report').waitFor();
      const downloaded = page.waitForEvent('download');
      await page.getByRole('button', { name: '导出 xlsx' }).click();
      const file = await downloaded;
      if (!file.suggestedFilename().endsWith('.xlsx'))
        throw new Error(`the export is ${file.suggestedFilename()}`);
      await screenshot(page, 'daily-city-report');
    });
  },
};

const reviewerInspection: Flow = {
  name: 'Third-party reviewer on the living demo: records an on-site inspection of a claim under its contract; the county officer reads it on the claim',
  livingDemo: true,
  steps: [
    'the reviewer opens a claim it reviewed and records an inspection with a file, after a confirmation',
    'the county officer reads the inspection on the claim, business date and record time apart',
  ],
  async run(context) {
    const { server, step, screenshot } = context;
    const { page } = await loggedIn(context, 'hy_reviewer');
    let claim = { id: 0, claimNumber: '' };
    const findings = `现场抽查学员2人，签到照片与本人相符（${Date.now() % 100_000}）`;
    await step(
      'the reviewer opens a claim it reviewed and records an inspection with a file, after a confirmation',
      async () => {
        claim = await claimOfClass(server, '2112');
        await openFromMenu(page, '补贴审核');
        await page.getByLabel('状态').click();
        await page.locator('.ant-select-dropdown:visible').getByTitle('已审核', { exact: true }).click();
        await page.getByRole('row').filter({ hasText: claim.claimNumber }).getByRole('link').first().click();
        const card = page.getByTestId('claim-inspections');
        const form = card.locator('form#inspection');
        // The option is chosen again if the click landed while the dropdown was still opening.
        const chosen = form.getByText('未发现问题', { exact: true }).filter({ visible: true });
        for (let attempt = 0; attempt < 3 && (await chosen.count()) === 0; attempt += 1) {
          await form.getByLabel('核查结果').click();
          await page.locator('.ant-select-dropdown:visible').getByTitle('未发现问题').click();
          await chosen.waitFor({ timeout: 3_000 }).catch(() => undefined);
        }
        await chosen.waitFor();
        await form.getByLabel('核查情况与发现的问题').fill(findings);
        await form.locator('input[type=file]').setInputFiles({
          name: '现场核查记录.pdf',
          mimeType: 'application/pdf',
          buffer: Buffer.from('%PDF-1.4 核查\n'),
        });
        await form.getByRole('button', { name: '登记核查' }).click();
        await confirmDialog(page, '确认登记', { status: 201 });
        const row = card.getByRole('row').filter({ hasText: findings });
        await row.getByText('未发现问题').waitFor();
        await row.getByText('现场核查记录.pdf').waitFor();
        await screenshot(page, 'daily-reviewer-inspection');
      },
    );
    await step(
      'the county officer reads the inspection on the claim, business date and record time apart',
      async () => {
        const { page: county } = await loggedIn(context, 'hy_county');
        await county.goto(`${server.baseUrl}/app/claims/${claim.id}`);
        const card = county.getByTestId('claim-inspections');
        await card.getByRole('columnheader', { name: '检查日期（业务日期）' }).waitFor();
        await card.getByRole('columnheader', { name: '记录时间（系统时钟）' }).waitFor();
        const row = card.getByRole('row').filter({ hasText: findings });
        await row.getByText(server.today()).waitFor();
        await row.getByText('衡阳众信第三方审核服务有限公司（HY-GM-2021-007）').waitFor();
        if ((await card.locator('form#inspection').count()) > 0)
          throw new Error('the county officer is offered the reviewer’s inspection form');
      },
    );
  },
};

export const flows: Flow[] = [
  evaluation,
  finance,
  institution,
  countyOfficer,
  cityOfficer,
  reviewerInspection,
];
