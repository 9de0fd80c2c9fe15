import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { yuan } from '../../web/src/format.ts';
import {
  assertNoFullIdNumber,
  confirmDialog,
  type Flow,
  FULL_ID_NUMBER,
  idNumberWithCheckDigit,
  loginThroughUi,
  Pending,
} from './harness.ts';

/** A masked ID number as the API sends it: `4304**********101X`. */
const MASKED_ID_NUMBER = /[1-8][0-9]{3}\*{10}[0-9]{3}[0-9Xx]/;

const STEPS = [
  'city officer drafts and publishes the training catalog',
  'institution files a class',
  'roster import shows the bad row and imports the valid ones',
  'county officer approves the class',
  'institution records attendance, results and certificates',
  'institution creates and submits the claim',
  'county officer reviews (explanation and citations shown) and starts the notice',
  'the notice period passes; the reviewer may not approve his own review',
  'city officer approves after the notice period',
  'finance orders payment',
  'ledger balance fell by the claimed amount',
  'the trainee sets his password and reads his own archive on a phone',
] as const;

async function writeRoster(): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名单');
  sheet.addRow(['姓名', '身份证号', '手机号', '户籍地区代码']);
  sheet.addRow(['赵一', idNumberWithCheckDigit('43042119900101101'), '13800000001', '430421']);
  sheet.addRow(['钱二', idNumberWithCheckDigit('43042119920202202'), '13800000002', '430421']);
  // A wrong check digit: the row the table must show.
  const good = idNumberWithCheckDigit('43042119930303303');
  sheet.addRow(['孙三', `${good.slice(0, 17)}${good.endsWith('0') ? '1' : '0'}`, '13800000003', '430421']);
  const file = path.join(os.tmpdir(), `roster-${Date.now()}.xlsx`);
  await workbook.xlsx.writeFile(file);
  return file;
}

async function fillDate(page: Page, label: string, value: string): Promise<void> {
  const input = page.getByLabel(label);
  await input.click();
  await input.press('Control+a');
  await input.fill(value);
  await input.press('Enter');
}

/** A one-page PDF, enough for the server's type check and SHA-256 storage. */
function tinyPdf(title: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n` +
      `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${title}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

/** Uploads a file to every required item of the claim's materials checklist, through the page. */
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

/** `1,200.00 元` on the page → 120000 fen. */
async function moneyFen(locator: Locator): Promise<number> {
  const text = (await locator.textContent()) ?? '';
  const match = /-?[\d,]+(?:\.\d{1,2})?/.exec(text);
  if (!match) throw new Error(`no amount in "${text}"`);
  return Math.round(Number(match[0].replaceAll(',', '')) * 100);
}

function claimIdOf(claimUrl: string): number {
  return Number(claimUrl.split('/').pop());
}

/** The balance of 衡阳县's 职业培训补贴 sub-account as the ledger page shows it. */
async function ledgerBalance(page: Page, baseUrl: string): Promise<number> {
  await page.goto(`${baseUrl}/app/ledger`);
  await page.getByTestId('ledger-tree').waitFor();
  return moneyFen(page.getByTestId('balance-430421-training'));
}

async function trainingBalance(flow: Parameters<Flow['run']>[0]): Promise<number> {
  const accounts = await flow.server.apiAs(
    'hy_finance',
    'GET',
    '/api/ledger/accounts?regionCode=430421&pageSize=100',
  );
  if (accounts.status !== 200) throw new Error(`accounts: ${accounts.status}`);
  const training = (
    accounts.json as { items: { kind: string; regionCode: string; balanceFen: number }[] }
  ).items.find((account) => account.kind === 'training' && account.regionCode === '430421');
  if (!training) throw new Error('no training sub-account for 430421');
  return training.balanceFen;
}

/** The class and claim the full flow made, for the masking flow that follows it. */
const visited = { classPath: '', claimPath: '' };

const fullFlow: Flow = {
  name: 'Issue 8 flow: class → roster → approval → claim → payment → ledger',
  steps: [...STEPS],
  async run(flow) {
    const { server, newPage, step, screenshot } = flow;
    const className = `浏览器测试电工班-${Date.now() % 100000}`;
    const school = await newPage();
    let classUrl = '';
    await step('city officer drafts and publishes the training catalog', async () => {
      // The class's occupation must be in Hengyang's published catalog, or the engine pays nothing.
      const city = await newPage();
      await loginThroughUi(city.page, server.baseUrl, 'hy_city', DEMO_PASSWORD);
      await city.page.getByTestId('workbench-menu').getByRole('menuitem', { name: '培训项目目录' }).click();
      await city.page.getByRole('button', { name: '新建目录草稿' }).click();
      const dialog = city.page.getByRole('dialog');
      await dialog.getByLabel('目录名称').fill('衡阳市职业技能培训补贴标准目录（2021）');
      await dialog.getByLabel('依据文件').fill('衡人社发【2019】21号');
      await dialog.getByLabel('条款').fill('六（一）');
      await dialog.getByRole('button', { name: '新建草稿' }).click();
      const version = city.page.getByTestId('catalog-version');
      await version.waitFor();
      // The occupation is picked by its code or name from the 职业分类大典, not typed free.
      await version.getByLabel('职业（工种）').click();
      await version.getByLabel('职业（工种）').fill('4-10-01-05');
      await city.page.locator('.ant-select-dropdown:visible').getByTitle('养老护理员（4-10-01-05）').click();
      await version.getByLabel('补贴标准（元）').fill('1200');
      await version.getByRole('button', { name: '添加项目' }).click();
      await version.getByRole('cell', { name: '4-10-01-05' }).waitFor();
      await screenshot(city.page, 'officer-catalog-draft');
      await version.getByRole('button', { name: '发布目录' }).click();
      await city.page.getByRole('button', { name: '确认发布' }).click();
      await version.getByText('已发布').first().waitFor();
      await city.context.close();
    });
    await step('institution files a class', async () => {
      await loginThroughUi(school.page, server.baseUrl, 'hy_school', DEMO_PASSWORD);
      await school.page.getByTestId('workbench-menu').getByRole('menuitem', { name: '开班与培训' }).click();
      await school.page.getByRole('button', { name: '开班申请' }).click();
      const dialog = school.page.getByRole('dialog');
      await dialog.getByLabel('班级名称').fill(className);
      await dialog.getByLabel('职业（工种）').click();
      await dialog.getByLabel('职业（工种）').fill('养老护理');
      await school.page
        .locator('.ant-select-dropdown:visible')
        .getByTitle('养老护理员（4-10-01-05）')
        .click();
      await dialog.getByLabel('考核方案').fill('理论+实操考核');
      await dialog.getByLabel('教学计划').fill('安全规范、实操训练');
      await dialog.getByLabel('教师 1 姓名').fill('周老师');
      await dialog.getByLabel('内容').fill('安全用电与实操');
      await screenshot(school.page, 'institution-file-class');
      await dialog.getByRole('button', { name: '提交申请' }).click();
      await school.page.waitForURL(/\/app\/my\/classes\/\d+/);
      classUrl = school.page.url();
      visited.classPath = classUrl.replace(server.baseUrl, '');
    });
    await step('roster import shows the bad row and imports the valid ones', async () => {
      await school.page.getByRole('tab', { name: '学员名单' }).click();
      await school.page.locator('input[type=file]').setInputFiles(await writeRoster());
      await school.page.getByRole('button', { name: '校验名单' }).click();
      const errors = school.page.getByTestId('roster-errors');
      await errors.waitFor();
      const text = (await errors.textContent()) ?? '';
      if (!text.includes('孙三') || !text.includes('4')) throw new Error(`bad row not shown: ${text}`);
      await assertNoFullIdNumber(school.page, 'roster import');
      await screenshot(school.page, 'institution-roster-import');
      await school.page.getByRole('button', { name: '导入有效行' }).click();
      await school.page
        .getByText(/已导入 2 人/)
        .first()
        .waitFor();
      await assertNoFullIdNumber(school.page, 'roster list');
    });
    await step('county officer approves the class', async () => {
      const county = await newPage();
      await loginThroughUi(county.page, server.baseUrl, 'hy_county', DEMO_PASSWORD);
      await county.page.getByTestId('workbench-menu').getByRole('menuitem', { name: '开班备案审批' }).click();
      const row = county.page.getByRole('row', { name: new RegExp(className) });
      await screenshot(county.page, 'officer-class-filings');
      await row.getByRole('button', { name: '通过' }).click();
      await confirmDialog(county.page, '确认通过');
      // Approved filings leave the queue of pending ones.
      await row.waitFor({ state: 'detached' });
      await county.context.close();
    });
    await step('institution records attendance, results and certificates', async () => {
      // Setup: the county certifies the trainees as registered unemployed (人员类别认定), a fact
      // the policy engine needs; it is done by HRSS, not in the institution's portal.
      const classId = Number(classUrl.split('/').pop());
      const roster = await server.apiAs(
        'hy_school',
        'GET',
        `/api/classes/${classId}/enrolments?pageSize=100`,
      );
      for (const item of (roster.json as { items: { person: { id: number } }[] }).items) {
        const certified = await server.apiAs('hy_county', 'POST', `/api/persons/${item.person.id}/groups`, {
          groupCode: 'registered_unemployed',
          certifierCode: 'public_employment_service',
          validFrom: '2021-01-01',
        });
        if (certified.status !== 201)
          throw new Error(`certify group: ${certified.status} ${JSON.stringify(certified.json)}`);
      }
      // The class's one session is a week after filing; what happened in it is recorded after it.
      server.advanceDays(8);
      await school.context.clock.setFixedTime(server.now());
      await school.page.goto(classUrl);
      await school.page.getByRole('tab', { name: '考勤' }).click();
      const attendance = school.page.locator('form#attendance');
      await attendance.getByLabel('课次', { exact: true }).click();
      await school.page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
      // Each trainee's own times, as each signed in and out (never one time for everyone).
      for (const [label, time] of [
        ['赵一 实际签到时间', '09:05'],
        ['赵一 实际签退时间', '16:50'],
        ['钱二 实际签到时间', '09:12'],
        ['钱二 实际签退时间', '16:44'],
      ] as const) {
        await attendance.getByLabel(label).click();
        await attendance.getByLabel(label).fill(time);
        await attendance.getByLabel(label).press('Enter');
      }
      await school.page.getByRole('button', { name: '记录实际签到签退' }).click();
      await school.page.getByText(/已记录 \d+ 条签到签退/).waitFor();
      await school.page.getByRole('tab', { name: '成绩与证书' }).click();
      const form = school.page.locator('form#results');
      for (const [index, name] of ['赵一', '钱二'].entries()) {
        await form.getByLabel('学员', { exact: true }).click();
        await school.page.locator('.ant-select-dropdown:visible').getByTitle(name).click();
        await form.getByLabel('成绩', { exact: true }).fill('85');
        await form.getByLabel('证书编号').fill(`HY-FLOW-${Date.now()}-${index}`);
        const saved = school.page.waitForResponse(
          (response) =>
            response.url().endsWith('/api/certificates') && response.request().method() === 'POST',
        );
        await form.getByRole('button', { name: '登记成绩与证书' }).click();
        const response = await saved;
        if (!response.ok()) throw new Error(`certificate: ${response.status()} ${await response.text()}`);
      }
      await screenshot(school.page, 'institution-results');
    });
    let claimUrl = '';
    await step('institution creates and submits the claim', async () => {
      server.advanceDays(10);
      await school.context.clock.setFixedTime(server.now());
      await school.page.reload();
      await school.page.getByRole('tab', { name: '补贴申请' }).click();
      await fillDate(school.page, '申请日期', server.today());
      await school.page.getByLabel('收款开户银行').fill('中国工商银行衡阳县支行');
      await school.page.getByLabel('收款账号').fill('6222021901000012345');
      const created = school.page.waitForResponse(
        (response) => response.url().endsWith('/api/claims') && response.request().method() === 'POST',
      );
      await school.page.getByRole('button', { name: '生成补贴申请' }).click();
      const response = await created;
      if (response.status() === 404) throw new Pending('POST /api/claims is not served yet');
      if (!response.ok()) throw new Error(`create claim: ${response.status()} ${await response.text()}`);
      await school.page.waitForURL(/\/app\/claims\/\d+/);
      claimUrl = school.page.url().replace(server.baseUrl, '');
      visited.claimPath = claimUrl;
      await uploadMaterials(school.page);
      await school.page.getByRole('button', { name: '提交申请' }).click();
      await confirmDialog(school.page, '确定');
      await school.page.getByTestId('claim-status').getByText('已提交待审核').waitFor();
      await assertNoFullIdNumber(school.page, 'claim detail (institution)');
      await screenshot(school.page, 'institution-claim');
    });
    await step('county officer reviews (explanation and citations shown) and starts the notice', async () => {
      const county = await newPage();
      await loginThroughUi(county.page, server.baseUrl, 'hy_county', DEMO_PASSWORD);
      await county.page.goto(`${server.baseUrl}${claimUrl}`);
      await county.page.getByTestId('line-explanation').first().waitFor();
      if ((await moneyFen(county.page.getByTestId('claim-total'))) <= 0)
        throw new Error('the claim was decided at 0 yuan');
      // Every line carries the engine's explanation with at least one policy citation.
      // The lines' table only (the page has other tables: risk alerts, 办理记录).
      const lineCount = await county.page
        .locator('.ant-card', { hasText: '逐人核定明细' })
        .locator('.ant-table-row-level-0')
        .count();
      const explanations = county.page.getByTestId('line-explanation');
      if ((await explanations.count()) !== lineCount)
        throw new Error(`${await explanations.count()} explanations for ${lineCount} lines`);
      for (let index = 0; index < lineCount; index += 1) {
        const explanation = explanations.nth(index);
        if (!((await explanation.textContent()) ?? '').includes('依据'))
          throw new Error(`line ${index + 1} has no 依据`);
        if ((await explanation.locator('.citation').count()) === 0)
          throw new Error(`line ${index + 1} has no citation`);
      }
      await county.page.getByTestId('claim-materials').getByTestId('materials-complete').waitFor();
      await screenshot(county.page, 'officer-claim-review');
      await county.page.getByRole('button', { name: '审核通过' }).click();
      await confirmDialog(county.page, '确定');
      await county.page.getByTestId('claim-status').getByText('已审核').waitFor();
      await county.page.getByRole('button', { name: '开始公示' }).click();
      await confirmDialog(county.page, '确定');
      await county.page.getByTestId('claim-status').getByText('公示中').waitFor();
      await county.page.getByTestId('notice-running').waitFor();
      await county.context.close();
    });
    await step('the notice period passes; the reviewer may not approve his own review', async () => {
      const claim = await server.apiAs('hy_county', 'GET', `/api/claims/${claimIdOf(claimUrl)}`);
      const noticeEndsOn = (claim.json as { noticeEndsOn: string | null }).noticeEndsOn;
      if (!noticeEndsOn) throw new Error('the claim has no notice period');
      // Five working days: move the business clock to the first day after the notice ends.
      const days = Math.round((Date.parse(noticeEndsOn) - Date.parse(server.today())) / 86_400_000) + 1;
      if (days < 5) throw new Error(`the notice ends on ${noticeEndsOn}, only ${days} days after today`);
      server.advanceDays(days);
      const county = await newPage();
      await loginThroughUi(county.page, server.baseUrl, 'hy_county', DEMO_PASSWORD);
      await county.page.goto(`${server.baseUrl}${claimUrl}`);
      await county.page.getByTestId('reviewer-cannot-approve').waitFor();
      if ((await county.page.getByRole('button', { name: '审批通过' }).count()) > 0)
        throw new Error('the reviewer is offered 审批通过');
      // The server refuses it too, whatever the page shows.
      const refused = await server.apiAs(
        'hy_county',
        'POST',
        `/api/claims/${claimIdOf(claimUrl)}/approve`,
        {},
      );
      if (refused.status < 400) throw new Error(`the reviewer approved his own review (${refused.status})`);
      await county.context.close();
    });
    await step('city officer approves after the notice period', async () => {
      const city = await newPage();
      await loginThroughUi(city.page, server.baseUrl, 'hy_city', DEMO_PASSWORD);
      await city.page.getByTestId('workbench-menu').getByRole('menuitem', { name: '公示名单' }).click();
      await city.page.waitForLoadState('networkidle');
      await screenshot(city.page, 'officer-notices');
      await city.page.goto(`${server.baseUrl}${claimUrl}`);
      await city.page.getByRole('button', { name: '审批通过' }).click();
      await confirmDialog(city.page, '确定');
      await city.page.getByTestId('claim-status').getByText('已审批').waitFor();
      await screenshot(city.page, 'officer-claim-approved');
      await city.context.close();
    });
    let claimedFen = 0;
    let balanceBefore = 0;
    await step('finance orders payment', async () => {
      const finance = await newPage();
      await loginThroughUi(finance.page, server.baseUrl, 'hy_finance', DEMO_PASSWORD);
      await finance.page.goto(`${server.baseUrl}${claimUrl}`);
      claimedFen = await moneyFen(finance.page.getByTestId('claim-total'));
      await assertNoFullIdNumber(finance.page, 'claim detail (finance)');
      balanceBefore = await ledgerBalance(finance.page, server.baseUrl);
      if (balanceBefore !== (await trainingBalance(flow)))
        throw new Error('the ledger page and the ledger API disagree');
      await finance.page.getByTestId('workbench-menu').getByRole('menuitem', { name: '支付批次' }).click();
      const row = finance.page.getByRole('row', { name: /已审批/ }).first();
      await row.getByRole('checkbox').check();
      // 下达支付 is confirmed in a dialog before the order is sent.
      await finance.page.getByRole('button', { name: '下达支付' }).click();
      await confirmDialog(finance.page, '确认提交', {
        sends: (request) => request.url().endsWith('/api/claims/payments'),
      });
      await finance.context.close();
      // 双人复核: a second finance officer approves the order in 待复核; only then is it posted.
      const checker = await newPage();
      await loginThroughUi(checker.page, server.baseUrl, 'hy_finance_checker', DEMO_PASSWORD);
      await checker.page.getByTestId('workbench-menu').getByRole('menuitem', { name: '支付批次' }).click();
      await checker.page.getByRole('tab', { name: '待复核' }).click();
      await checker.page
        .getByTestId('approval-queue')
        .getByRole('row', { name: /支付指令/ })
        .first()
        .getByRole('button', { name: '复核通过' })
        .click();
      await confirmDialog(checker.page, '确认通过', {
        sends: (request) => request.url().includes('/decision'),
      });
      await checker.page.getByTestId('payment-batch').waitFor();
      await assertNoFullIdNumber(checker.page, 'payments (finance)');
      await screenshot(checker.page, 'finance-payments');
      // The batch lives on the server: a reload shows it again.
      await checker.page.reload();
      await checker.page.getByTestId('payment-batch').waitFor();
      await checker.context.close();
    });
    await step('ledger balance fell by the claimed amount', async () => {
      const finance = await newPage();
      await loginThroughUi(finance.page, server.baseUrl, 'hy_finance', DEMO_PASSWORD);
      const after = await ledgerBalance(finance.page, server.baseUrl);
      if (balanceBefore - after !== claimedFen) {
        throw new Error(
          `衡阳县 职业培训补贴 ${balanceBefore} → ${after} fen, expected a fall of ${claimedFen}`,
        );
      }
      await assertNoFullIdNumber(finance.page, 'ledger (finance)');
      await screenshot(finance.page, 'finance-ledger');
      await finance.context.close();
    });
    await step('the trainee sets his password and reads his own archive on a phone', async () => {
      // Setup: the system administrator opens a worker account for 赵一 (first login: new password).
      const classId = Number(classUrl.split('/').pop());
      const roster = await server.apiAs(
        'hy_school',
        'GET',
        `/api/classes/${classId}/enrolments?pageSize=100`,
      );
      const trainee = (roster.json as { items: { person: { id: number; name: string } }[] }).items.find(
        (item) => item.person.name === '赵一',
      )!.person;
      const loginName = `zhao_yi_${Date.now() % 100000}`;
      const initialPassword = 'Zhao#Initial-2021';
      const account = await server.apiAs('sysadmin', 'POST', '/api/admin/users', {
        loginName,
        displayName: '赵一',
        role: 'worker',
        regionCode: '430421',
        personId: trainee.id,
        initialPassword,
      });
      if (account.status !== 201)
        throw new Error(`worker account: ${account.status} ${JSON.stringify(account.json)}`);
      const claim = await server.apiAs('hy_county', 'GET', `/api/claims/${claimUrl.split('/').pop()}`);
      const line = (claim.json as { lines: { personId: number; amountFen: number }[] }).lines.find(
        (candidate) => candidate.personId === trainee.id,
      )!;

      const worker = await newPage({ width: 375, height: 800 });
      await worker.page.goto(`${server.baseUrl}/login`);
      await worker.page.getByLabel('账号', { exact: true }).fill(loginName);
      await worker.page.getByLabel('密码', { exact: true }).fill(initialPassword);
      await worker.page.getByRole('button', { name: '登录' }).last().click();
      await worker.page.getByRole('heading', { name: '修改初始密码' }).waitFor();
      await worker.page.getByLabel('密码', { exact: true }).fill(initialPassword);
      await worker.page.getByLabel('新密码').fill('Zhao#Own-Password-58');
      await worker.page.getByRole('button', { name: '提交' }).click();
      // His menu has one page, so he lands on it.
      await worker.page.waitForURL(/\/app\/archive$/);
      await worker.page.getByRole('heading', { name: '我的培训档案' }).waitFor();
      const history = worker.page.locator('.ant-card').filter({ hasText: '培训经历' });
      await history.getByText(className, { exact: false }).waitFor();
      const certificates = worker.page.locator('.ant-card').filter({ hasText: '证书' }).last();
      await certificates.getByText(/编号 HY-FLOW-\d+-0 · 衡阳县职业技能培训学校/).waitFor();
      const subsidies = worker.page.locator('.ant-card').filter({ hasText: '补贴进度' });
      await subsidies.getByText(yuan(line.amountFen)).waitFor();
      const overflow = await worker.page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      if (overflow > 0) throw new Error(`the archive is ${overflow} px wider than a 375 px phone`);
      await screenshot(worker.page, 'worker-archive-phone');
      await worker.context.close();
    });
  },
};

/** Roles without person.unmask, and the detail pages each opens besides its whole menu. */
const MASKED_ROLES = [
  { loginName: 'hy_school', details: () => [visited.classPath, visited.claimPath] },
  { loginName: 'hy_finance', details: () => [visited.claimPath] },
  { loginName: 'auditor', details: () => [visited.claimPath] },
] as const;

/** Waits until no skeleton or spinner is left, i.e. the page's data has arrived (or failed). */
async function settled(page: Page): Promise<void> {
  await page
    .locator('.ant-skeleton, .ant-spin-spinning, .ant-btn-loading')
    .first()
    .waitFor({ state: 'detached' });
}

/** Opens every menu page of the signed-in user and asserts that none shows a full ID number. */
async function visitMenuPages(page: Page, loginName: string): Promise<number> {
  const menu = page.getByTestId('workbench-menu');
  // The public pages at the end of the menu (outside /app) leave the workbench; they show no
  // personal data.
  const links = await menu.getByRole('link').evaluateAll((anchors) =>
    anchors.map((anchor) => ({
      name: (anchor.textContent ?? '').trim(),
      href: anchor.getAttribute('href') ?? '',
    })),
  );
  const names = links.filter((link) => link.href.startsWith('/app')).map((link) => link.name);
  for (const name of names) {
    const link = menu.getByRole('link', { name, exact: true });
    const href = (await link.getAttribute('href')) ?? '';
    await link.click();
    await page.waitForURL((url) => url.pathname === href);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await settled(page);
    await assertNoFullIdNumber(page, `${loginName} · ${name}`);
  }
  return names.length;
}

const masking: Flow = {
  name: 'No page shows an unmasked ID number unless an officer reveals one with a reason',
  steps: [
    'the county officer (person.unmask) sees masked ID numbers and reveals one with a reason',
    ...MASKED_ROLES.map((role) => `${role.loginName} sees only masked ID numbers`),
  ],
  async run({ server, newPage, step, screenshot }) {
    await step(
      'the county officer (person.unmask) sees masked ID numbers and reveals one with a reason',
      async () => {
        // The reveal is also the control: a page that failed to load cannot show a full ID number.
        const { page, context } = await newPage();
        await loginThroughUi(page, server.baseUrl, 'hy_county', DEMO_PASSWORD);
        await page.getByTestId('workbench-menu').getByRole('menuitem', { name: '实名人员' }).click();
        await page.getByRole('cell', { name: MASKED_ID_NUMBER }).first().waitFor();
        await settled(page);
        await assertNoFullIdNumber(page, 'hy_county · 实名人员');
        await page.getByText('查看完整信息', { exact: true }).first().click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('button', { name: /查\s*看/ }).click();
        await dialog.getByText('请填写查看理由').waitFor();
        await dialog.getByLabel('查看理由').fill('核对补贴申请人身份');
        await dialog.getByRole('button', { name: /查\s*看/ }).click();
        await dialog.getByText(FULL_ID_NUMBER).waitFor();
        await screenshot(page, 'county-officer-reveals-one-person');
        await context.close();
      },
    );
    for (const role of MASKED_ROLES) {
      await step(`${role.loginName} sees only masked ID numbers`, async () => {
        const { page, context } = await newPage();
        await loginThroughUi(page, server.baseUrl, role.loginName, DEMO_PASSWORD);
        await visitMenuPages(page, role.loginName);
        for (const detail of role.details().filter(Boolean)) {
          await page.goto(`${server.baseUrl}${detail}`);
          await page.waitForLoadState('networkidle');
          await settled(page);
          await assertNoFullIdNumber(page, `${role.loginName} · ${detail}`);
          for (const tab of await page.getByRole('tab').all()) {
            await tab.click();
            await settled(page);
            await assertNoFullIdNumber(page, `${role.loginName} · ${detail} · ${await tab.textContent()}`);
          }
        }
        if (role.loginName === 'auditor') {
          await page.getByTestId('workbench-menu').getByRole('menuitem', { name: '实名人员' }).click();
          await page.waitForURL(/\/app\/persons$/);
          // The masked form must be there, so the checks above did not pass on empty pages.
          await page.getByRole('cell', { name: MASKED_ID_NUMBER }).first().waitFor();
          await screenshot(page, 'auditor-persons-masked');
        }
        await context.close();
      });
    }
  },
};

export const flows: Flow[] = [fullFlow, masking];
