import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import {
  assertNoFullIdNumber,
  type Flow,
  idNumberWithCheckDigit,
  loginThroughUi,
  Pending,
} from './harness.ts';

const calculator: Flow = {
  name: 'Public calculator shows a cited answer',
  steps: ['open the calculator (no login)', 'usable at 375 px', 'compute and see amount, 依据 and 政策条款'],
  async run({ server, newPage, step, screenshot }) {
    const { page } = await newPage();
    await step('open the calculator (no login)', async () => {
      await page.goto(`${server.baseUrl}/calculator`);
      await page.getByRole('heading', { name: '补贴计算器' }).waitFor();
    });
    await step('usable at 375 px', async () => {
      await page.setViewportSize({ width: 375, height: 800 });
      await page.getByRole('button', { name: '计算补贴' }).scrollIntoViewIfNeeded();
      const width = await page.evaluate<number>('document.documentElement.scrollWidth');
      if (width > 400) throw new Error(`page is ${width}px wide at a 375px viewport`);
      await screenshot(page, 'public-calculator-375');
      await page.setViewportSize({ width: 1366, height: 900 });
    });
    await step('compute and see amount, 依据 and 政策条款', async () => {
      const answer = page.waitForResponse((response) => response.url().endsWith('/api/v1/evaluate'));
      await page.getByRole('button', { name: '计算补贴' }).click();
      const response = await answer;
      if (response.status() === 404) throw new Pending('POST /api/v1/evaluate is not served yet');
      if (!response.ok()) throw new Error(`evaluate answered ${response.status()}: ${await response.text()}`);
      await page.getByTestId('decision').waitFor();
      const text = (await page.getByTestId('decision').textContent()) ?? '';
      if (!/元/.test(text)) throw new Error('no amount in 元');
      if ((await page.locator('[data-testid="decision"] .citation').count()) === 0)
        throw new Error('no citation shown');
      await screenshot(page, 'public-calculator');
    });
  },
};

const verification: Flow = {
  name: 'Certificate verification',
  steps: ['register a certificate (setup through the API)', 'verify the right name', 'refuse a wrong name'],
  async run({ server, newPage, step, screenshot }) {
    const number = `HY-VERIFY-${Date.now()}`;
    await step('register a certificate (setup through the API)', async () => {
      const idNumber = idNumberWithCheckDigit('43042119900315123');
      const person = await server.apiAs('hy_county', 'POST', '/api/persons', {
        name: '王核验',
        idNumber,
        registeringRegionCode: '430421',
      });
      if (person.status !== 201)
        throw new Error(`register person: ${person.status} ${JSON.stringify(person.json)}`);
      const certificate = await server.apiAs('hy_school', 'POST', '/api/certificates', {
        personId: (person.json as { id: number }).id,
        certificateType: 'skill_level',
        level: 'primary',
        certificateNumber: number,
        issuer: '衡阳市职业技能鉴定中心',
        issuedOn: '2026-01-10',
      });
      if (certificate.status !== 201)
        throw new Error(`issue certificate: ${certificate.status} ${JSON.stringify(certificate.json)}`);
    });
    const { page } = await newPage({ width: 375, height: 800 });
    await step('verify the right name', async () => {
      await page.goto(`${server.baseUrl}/verify`);
      await page.getByLabel('证书编号').fill(number);
      await page.getByLabel('持证人姓名').fill('王核验');
      await page.getByRole('button', { name: '核验' }).click();
      await page.getByText('证书真实有效').waitFor();
      await assertNoFullIdNumber(page, 'verify page');
      await screenshot(page, 'public-verify');
    });
    await step('refuse a wrong name', async () => {
      await page.getByLabel('持证人姓名').fill('李四');
      await page.getByRole('button', { name: '核验' }).click();
      await page.getByText('未查到与该姓名匹配的有效证书').waitFor();
    });
  },
};

const catalog: Flow = {
  name: 'Catalog search page',
  steps: ['open the catalog search'],
  async run({ server, newPage, step, screenshot }) {
    const { page } = await newPage();
    await step('open the catalog search', async () => {
      await page.goto(`${server.baseUrl}/catalog`);
      await page.getByRole('heading', { name: '目录查询' }).waitFor();
      await screenshot(page, 'public-catalog');
    });
  },
};

/** Which menu entries each demo role must see (and one it must not). */
const ROLE_MENUS: { loginName: string; sees: string[]; notSees: string[] }[] = [
  { loginName: 'hy_county', sees: ['开班备案审批', '补贴审核', '专账余额'], notSees: ['支付批次'] },
  { loginName: 'hy_city', sees: ['补贴审核', '公示名单'], notSees: ['支付批次'] },
  { loginName: 'hy_finance', sees: ['支付批次', '专账余额'], notSees: ['开班备案审批'] },
  { loginName: 'js_province', sees: ['工作台', '开班备案审批'], notSees: ['开班与培训'] },
  { loginName: 'auditor', sees: ['审计日志', '专账余额'], notSees: ['开班备案审批', '支付批次'] },
  { loginName: 'hy_school', sees: ['开班与培训', '补贴申请'], notSees: ['开班备案审批', '专账余额'] },
];

const menus: Flow = {
  name: 'Each demo role sees its menu',
  steps: ROLE_MENUS.map((role) => `${role.loginName} menu`),
  async run({ server, newPage, step, screenshot }) {
    for (const role of ROLE_MENUS) {
      await step(`${role.loginName} menu`, async () => {
        const { page, context } = await newPage();
        await loginThroughUi(page, server.baseUrl, role.loginName, DEMO_PASSWORD);
        const menu = page.getByTestId('workbench-menu');
        for (const entry of role.sees) await menu.getByRole('menuitem', { name: entry }).first().waitFor();
        for (const entry of role.notSees) {
          if ((await menu.getByRole('menuitem', { name: entry, exact: true }).count()) > 0) {
            throw new Error(`${role.loginName} should not see ${entry}`);
          }
        }
        await page.waitForLoadState('networkidle');
        await screenshot(page, `home-${role.loginName}`);
        await context.close();
      });
    }
  },
};

export const flows: Flow[] = [calculator, verification, catalog, menus];
