import type { Page } from 'playwright-core';
import {
  confirmDialog,
  type Flow,
  type FlowContext,
  loggedIn,
  openFromMenu,
  visibleText,
} from './harness.ts';

/**
 * Issue 21, the province officer's policy parameters and the enterprise's training claim, on the
 * living demo (what `npm start` shows; business date 2021-11-16, moved to 2021-11-23 only by the
 * living-demo flow, which runs after every other flow).
 *
 * Publishing a parameter version changes the amounts of every later claim in the shared demo, so
 * the version published here cannot reach another flow: it is Hengyang's living allowance
 * (生活费补贴, living-allowance.dailyAmountFen), which no claim of the demo or of another flow
 * carries (they claim training, certificates, 以工代训 and advances), and it takes effect on
 * 2021-12-01, after every business date a flow uses (the latest is 2021-11-23), so no claim already
 * applied for is re-priced (no retroactive confirmation) and the 现行值 other flows read stays 20 元.
 *
 * The enterprise's training claim is the Nanjing enterprise's (nj_enterprise): Hengyang's document
 * pays its enterprise employees' training only on a certificate, which an enterprise cannot issue
 * for its own class, while Jiangsu's pays the catalog standard on the attendance records. Its class
 * (…岗位技能提升班2110期) is seeded for this walk alone; the advance flow uses the other one.
 */

/** Types a date into the date picker labelled `label` inside `scope` and confirms it. */
async function fillDate(scope: Page | ReturnType<Page['locator']>, label: string, value: string) {
  const input = scope.getByLabel(label, { exact: true });
  await input.click();
  await input.press('Control+a');
  await input.fill(value);
  await input.press('Enter');
}

/** Picks the option titled `title` of the select labelled `label`, typing `typed` (if any) to find it. */
async function pick(
  page: Page,
  scope: ReturnType<Page['locator']>,
  label: string,
  typed: string,
  title: string,
) {
  const input = scope.getByLabel(label, { exact: true });
  await input.click();
  // A select without search takes no typing: its options are picked from the open list.
  if (typed) await input.fill(typed);
  await page.locator('.ant-select-dropdown:visible').getByTitle(title, { exact: true }).click();
}

/** The living allowance the public calculator computes for ten days of training applied for on `date`. */
async function livingAllowanceOn(page: Page, baseUrl: string, date: string): Promise<string> {
  await page.goto(`${baseUrl}/calculator`);
  await page.getByRole('heading', { name: '补贴计算器', level: 1 }).waitFor();
  const form = page.locator('form#calculator');
  await fillDate(form, '申请日期', date);
  await pick(page, form, '补贴类型', '', '生活费补贴（含交通费）');
  await pick(page, form, '人员类别（可多选）', '就业困难', '就业困难人员');
  await page.keyboard.press('Escape');
  const answered = page.waitForResponse((response) => response.url().endsWith('/api/public/calculate'));
  await form.getByRole('button', { name: '计算补贴' }).click();
  const response = await answered;
  if (!response.ok()) throw new Error(`calculate: ${response.status()} ${await response.text()}`);
  const decision = page.getByTestId('decision');
  await decision.getByText('可以享受补贴').waitFor();
  return (await decision.locator('tr', { hasText: '生活费补贴' }).last().innerText()).replace(/\s+/g, ' ');
}

const policyVersion: Flow = {
  name: 'Province officer publishes a parameter version (living allowance from 2021-12-01) after simulating it; the calculator and the audit log follow',
  livingDemo: true,
  steps: [
    'the policy page shows Hengyang’s document by name, its parameters in Chinese, and names each missing field',
    'the simulation of the draft over recent claims shows that no claim applied for so far changes',
    'the version is published after a confirmation naming the value before and after, and is listed as 已发布',
    'the public calculator pays 30 元 a day from 2021-12-01 and 20 元 before it',
    'the audit log shows the publication by the province officer',
  ],
  async run(context: FlowContext) {
    const { server, step, screenshot } = context;
    const { page } = await loggedIn(context, 'hn_province');
    const note = `生活费补贴标准调整演示 ${String(Date.now() % 1_000_000).padStart(6, '0')}`;
    const publish = page.locator('.ant-card').filter({ hasText: '发布参数新版本' });
    await step(
      'the policy page shows Hengyang’s document by name, its parameters in Chinese, and names each missing field',
      async () => {
        await openFromMenu(page, '政策参数与模拟');
        // Hunan's only document is Hengyang's: the province officer lands on it, its region by name.
        const region = page.locator('.ant-descriptions-item').filter({ hasText: '地区' }).first();
        await region.getByText('衡阳市').waitFor();
        await page
          .getByText('衡阳市职业技能提升行动实施方案（2019-2021年）（衡人社发【2019】21号）')
          .waitFor();
        const parameters = page.getByTestId('policy-parameters');
        const row = parameters.getByRole('row').filter({ hasText: '每人每天生活费补贴' });
        await row.getByText('20.00 元/人/天').first().waitFor();
        const text = await visibleText(page);
        for (const code of ['dailyAmountFen', 'living-allowance', 'fen/person/day', 'poor_labor'])
          if (text.includes(code)) throw new Error(`the policy page shows the code ${code}`);
        // Publishing with nothing filled names every missing field, and sends nothing.
        await publish
          .getByRole('button', { name: '发 布' })
          .or(publish.getByRole('button', { name: '发布' }))
          .click();
        for (const message of [
          '请选择参数',
          '请填写新值（金额按元）',
          '请选择生效日期',
          '请填写依据文件（文号）',
          '请填写依据条款',
        ])
          await publish.getByText(message, { exact: true }).waitFor();
      },
    );
    await step(
      'the simulation of the draft over recent claims shows that no claim applied for so far changes',
      async () => {
        const simulation = page.locator('.ant-card').filter({ hasText: '补贴标准调整模拟测算' });
        await pick(page, simulation, '参数', '生活费', '每人每天生活费补贴；为空表示由地方或其他文件确定');
        await simulation.getByLabel('新值（金额按元）').fill('30');
        await fillDate(simulation, '生效日期', '2021-12-01');
        await simulation.getByLabel('依据文件').fill('衡人社发【2019】21号');
        await simulation.getByLabel('条款').fill('七');
        const simulated = page.waitForResponse((response) => response.url().endsWith('/api/policy/simulate'));
        await simulation.getByRole('button', { name: '模拟测算' }).click();
        const response = await simulated;
        if (!response.ok()) throw new Error(`simulate: ${response.status()} ${await response.text()}`);
        const result = page.getByTestId('simulation-result');
        const count = Number(
          (await result.locator('tr', { hasText: '测算人次' }).locator('td').first().innerText()).trim(),
        );
        if (!(count > 0)) throw new Error(`the simulation ran over ${count} claim lines`);
        const changed = (await result.locator('tr', { hasText: '金额变化人次' }).innerText()).replace(
          /\s+/g,
          ' ',
        );
        if (!/金额变化人次 0\b/.test(changed))
          throw new Error(`the simulation changes claims already applied for: ${changed}`);
        await screenshot(page, 'policy-simulation');
      },
    );
    await step(
      'the version is published after a confirmation naming the value before and after, and is listed as 已发布',
      async () => {
        await pick(page, publish, '参数', '生活费', '每人每天生活费补贴；为空表示由地方或其他文件确定');
        await publish.getByLabel('新值（金额按元）').fill('30');
        await fillDate(publish, '生效日期', '2021-12-01');
        await publish.getByLabel('依据文件').fill('衡人社发【2019】21号');
        await publish.getByLabel('条款').fill('七');
        await publish.getByLabel('说明').fill(note);
        await publish
          .getByRole('button', { name: '发 布' })
          .or(publish.getByRole('button', { name: '发布' }))
          .click();
        const confirmation = page.getByRole('dialog').filter({ hasText: '发布参数新版本？' });
        const named = confirmation.getByTestId('publish-confirmation');
        await named.getByText('20.00 元/人/天').waitFor();
        await named.getByText('30.00 元/人/天').waitFor();
        await named.getByText(/^2021-12-01/).waitFor();
        const answer = await confirmDialog(page, '确认发布', { dialog: confirmation });
        if (answer.status() !== 201) throw new Error(`publish: ${answer.status()}`);
        await page.getByText('参数新版本已发布').waitFor();
        const row = page
          .getByTestId('policy-parameters')
          .getByRole('row')
          .filter({ hasText: '每人每天生活费补贴' });
        // Still 20 元 on the business date: the new value applies from 2021-12-01.
        await row.getByText('20.00 元/人/天').first().waitFor();
        await row.locator('.ant-table-row-expand-icon').click();
        const published = page.getByRole('row').filter({ hasText: note });
        await published.getByText('2021-12-01').waitFor();
        await published.getByText('30.00 元/人/天').waitFor();
        await published.getByText('已发布').waitFor();
        await screenshot(page, 'policy-published');
      },
    );
    await step('the public calculator pays 30 元 a day from 2021-12-01 and 20 元 before it', async () => {
      const visitor = (await context.newPage({ width: 1440, height: 900 })).page;
      const after = await livingAllowanceOn(visitor, server.baseUrl, '2021-12-06');
      if (!after.includes('300.00') || !after.includes('30元/人/天'))
        throw new Error(`from 2021-12-01 the calculator shows: ${after}`);
      const before = await livingAllowanceOn(visitor, server.baseUrl, '2021-11-16');
      if (!before.includes('200.00') || !before.includes('20元/人/天'))
        throw new Error(`before 2021-12-01 the calculator shows: ${before}`);
      await screenshot(visitor, 'policy-calculator-after');
    });
    await step('the audit log shows the publication by the province officer', async () => {
      const { page: audit } = await loggedIn(context, 'auditadmin');
      await openFromMenu(audit, '审计日志');
      await audit.getByLabel('操作人').fill('hn_province');
      const filtered = audit.waitForResponse(
        (response) =>
          response.url().includes('/api/audit/entries?') && response.url().includes('hn_province'),
      );
      await audit
        .getByRole('button', { name: '查 询' })
        .or(audit.getByRole('button', { name: '查询' }))
        .click();
      if (!(await filtered).ok()) throw new Error('the filtered audit query failed');
      const row = audit
        .locator('.ant-table-tbody tr.ant-table-row')
        .filter({ hasText: '政策参数版本' })
        .first();
      await row.waitFor();
      const text = await row.innerText();
      if (!text.includes('发布')) throw new Error(`the audit entry does not read as a publication: ${text}`);
      if (text.includes('policy.parameter')) throw new Error(`the audit entry shows its code: ${text}`);
      await screenshot(audit, 'policy-audit');
    });
  },
};

const enterpriseTraining: Flow = {
  name: 'Enterprise applies for its employees’ training subsidy from its completed class and submits it; the county officer has it in review',
  livingDemo: true,
  steps: [
    'the enterprise opens its completed post-skill training class under 开班与培训 and generates the training claim',
    'the draft pays the enterprise one line per employee; it uploads the materials and submits after a confirmation',
    'the county officer finds the submitted claim in 补贴审核 and opens it with its lines and materials',
  ],
  async run(context: FlowContext) {
    const { server, step, screenshot } = context;
    const { page } = await loggedIn(context, 'nj_enterprise');
    const className = '养老护理员（初级）企业职工岗位技能提升班2110期';
    let claimNumber = '';
    await step(
      'the enterprise opens its completed post-skill training class under 开班与培训 and generates the training claim',
      async () => {
        await openFromMenu(page, '开班与培训');
        await page.getByRole('link', { name: className }).click();
        await page.getByRole('tab', { name: '补贴申请' }).click();
        await fillDate(page, '申请日期', server.today());
        await page.getByLabel('收款开户银行').fill('中国银行南京玄武支行');
        await page.getByLabel('收款账号').fill('4561000012345678');
        const created = page.waitForResponse(
          (response) => response.url().endsWith('/api/claims') && response.request().method() === 'POST',
        );
        await page.getByRole('button', { name: '生成补贴申请' }).click();
        const response = await created;
        if (response.status() !== 201)
          throw new Error(`create claim: ${response.status()} ${await response.text()}`);
        await page.waitForURL(/\/app\/claims\/\d+$/);
      },
    );
    await step(
      'the draft pays the enterprise one line per employee; it uploads the materials and submits after a confirmation',
      async () => {
        await page.getByTestId('claim-status').getByText('草稿').waitFor();
        const cell = (label: string) => page.locator('tr', { hasText: label }).locator('td').first();
        claimNumber = (await cell('申请编号').innerText()).trim();
        if (!claimNumber) throw new Error('the draft shows no claim number');
        const persons = await page.locator('tr', { hasText: '符合条件人数' }).innerText();
        if (!/2\s*\/\s*2\b/.test(persons)) throw new Error(`not both employees are eligible: ${persons}`);
        const total = (await page.getByTestId('claim-total').innerText()).replace(/\s+/g, '');
        if (!total.includes('2,000.00')) throw new Error(`the claim totals ${total}, not 2,000.00`);
        await uploadMaterials(page);
        await page.getByRole('button', { name: '提交申请' }).click();
        await confirmDialog(page, '确定');
        await page.getByTestId('claim-status').getByText('已提交待审核').waitFor();
        await screenshot(page, 'enterprise-training-claim');
      },
    );
    await step(
      'the county officer finds the submitted claim in 补贴审核 and opens it with its lines and materials',
      async () => {
        const { page: county } = await loggedIn(context, 'nj_county');
        await openFromMenu(county, '补贴审核');
        const row = county.getByRole('row').filter({ hasText: claimNumber });
        await row.getByText('已提交待审核').waitFor();
        await row.getByRole('link', { name: claimNumber }).click();
        await county.getByTestId('claim-status').getByText('已提交待审核').waitFor();
        await county.getByTestId('line-explanation').first().waitFor();
        if ((await county.getByTestId('line-explanation').count()) !== 2)
          throw new Error(`${await county.getByTestId('line-explanation').count()} lines, not 2`);
        await county.getByTestId('claim-materials').getByTestId('materials-complete').waitFor();
        await county.getByRole('button', { name: '审核通过' }).waitFor();
        await screenshot(county, 'enterprise-training-claim-review');
      },
    );
  },
};

const onTheJobNotice: Flow = {
  name: 'Hengyang enterprise is told up front that its document funds no 以工代训, and is offered no such claim',
  livingDemo: true,
  steps: [
    '职工与就业记录 cites 衡人社发【2019】21号 before anything is filled, and offers no 以工代训 claim',
  ],
  async run(context: FlowContext) {
    const { step, screenshot } = context;
    const { page } = await loggedIn(context, 'hy_enterprise');
    await step(
      '职工与就业记录 cites 衡人社发【2019】21号 before anything is filled, and offers no 以工代训 claim',
      async () => {
        await openFromMenu(page, '职工与就业记录');
        const notice = page.getByTestId('on-the-job-policy');
        await notice.getByText('本地区政策不补贴以工代训').waitFor();
        await notice
          .getByText(/衡人社发【2019】21号《衡阳市职业技能提升行动实施方案（2019-2021年）》未规定以工代训/)
          .waitFor();
        await page.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
        if ((await page.getByRole('button', { name: /申请以工代训补贴/ }).count()) > 0)
          throw new Error('the page offers a 以工代训 claim the document does not fund');
        if ((await page.locator('.ant-table-tbody .ant-checkbox-input').count()) > 0)
          throw new Error('the employees are still selectable for a 以工代训 claim');
        // Registering employees stays open: they are the basis of the enterprise's training claims.
        await page.getByRole('button', { name: '登记吸纳就业' }).waitFor();
        await screenshot(page, 'enterprise-on-the-job-notice');
      },
    );
  },
};

/** A one-page PDF, enough for the server's type check and SHA-256 storage. */
function tinyPdf(title: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n` +
      `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${title}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

/** Uploads a file to every item of the claim's materials checklist that asks for one, through the page. */
async function uploadMaterials(page: Page): Promise<void> {
  const materials = page.getByTestId('claim-materials');
  await materials.getByTestId('materials-missing').waitFor();
  const items = materials.locator('[data-testid^="material-"]');
  const count = await items.count();
  for (let index = 0; index < count; index += 1) {
    const item = items.nth(index);
    const input = item.locator('input[type=file]');
    if ((await input.count()) === 0) continue;
    const code = ((await item.getAttribute('data-testid')) ?? '').replace('material-', '');
    const uploaded = page.waitForResponse(
      (response) => response.url().endsWith('/attachments') && response.request().method() === 'POST',
    );
    await input.setInputFiles({ name: `${code}.pdf`, mimeType: 'application/pdf', buffer: tinyPdf(code) });
    const response = await uploaded;
    if (response.status() !== 201)
      throw new Error(`upload ${code}: ${response.status()} ${await response.text()}`);
    await item.getByText('已上传').first().waitFor();
  }
  await materials.getByTestId('materials-complete').waitFor();
}

export const flows: Flow[] = [policyVersion, enterpriseTraining, onTheJobNotice];
