import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { assertNoFullIdNumber, type Flow, idNumberWithCheckDigit, loginThroughUi } from './harness.ts';

const calculator: Flow = {
  name: 'Public calculator: a Hengyang worker picks an occupation and level and gets the catalog amount with its citation',
  steps: [
    'publish a Hengyang catalog (setup through the API)',
    'open the calculator (no login)',
    'usable at 375 px',
    'pick occupation and level from the catalog and see the catalog amount with its citation',
  ],
  async run({ server, newPage, step, screenshot }) {
    await step('publish a Hengyang catalog (setup through the API)', async () => {
      const version = await server.apiAs('hy_city', 'POST', '/api/catalog/versions', {
        regionCode: '430400',
        title: '衡阳市2021年职业技能培训补贴标准目录（计算器）',
        effectiveFrom: '2021-01-01',
        citation: { document: '衡人社发【2019】21号', article: '六（一）' },
        entries: [
          {
            occupationCode: '4-10-01-05',
            level: 'primary',
            standardAmountFen: 120_000,
            standardDays: 15,
            standardClassHours: 90,
          },
        ],
      });
      if (version.status !== 201)
        throw new Error(`catalog draft: ${version.status} ${JSON.stringify(version.json)}`);
      const id = (version.json as { id: number }).id;
      const published = await server.apiAs('hy_city', 'POST', `/api/catalog/versions/${id}/publish`);
      if (published.status !== 200)
        throw new Error(`catalog publish: ${published.status} ${JSON.stringify(published.json)}`);
    });
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
    await step(
      'pick occupation and level from the catalog and see the catalog amount with its citation',
      async () => {
        const choice = page.getByLabel('职业（工种）和等级（当地已公布的补贴标准目录）');
        await choice.click();
        await choice.fill('4-10-01-05');
        await page
          .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '1200元' })
          .first()
          .click();
        await page.getByRole('button', { name: '证书情况' }).click();
        await page.getByLabel('证书类型').click();
        await page
          .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '职业技能等级证书' })
          .first()
          .click();
        const answer = page.waitForResponse((response) => response.url().endsWith('/api/public/calculate'));
        await page.getByRole('button', { name: '计算补贴' }).click();
        const response = await answer;
        if (!response.ok())
          throw new Error(`calculate answered ${response.status()}: ${await response.text()}`);
        await page.getByTestId('decision').waitFor();
        const amount = (await page.getByTestId('decision-amount').textContent()) ?? '';
        if (!amount.includes('1,200.00'))
          throw new Error(`amount shown is "${amount}", not the catalog 1,200 元`);
        const standard = (await page.getByTestId('catalog-standard').textContent()) ?? '';
        if (
          !standard.includes('1200元') ||
          !standard.includes('衡人社发【2019】21号') ||
          !/第\d+版/.test(standard)
        )
          throw new Error(`catalog standard shown without its amount, citation or version: "${standard}"`);
        if ((await page.locator('[data-testid="decision"] .citation').count()) === 0)
          throw new Error('no citation shown for the amount');
        await screenshot(page, 'public-calculator');
      },
    );
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
        idNumber,
        name: '王核验',
        // 特种作业操作证 (a free-text issuer); skill-level certificates come from evaluation bodies.
        certificateType: 'special_operation',
        level: 'primary',
        certificateNumber: number,
        issuer: '衡阳市应急管理局',
        issuedOn: '2021-01-10',
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
  // The auditor reads the payment batches (read-only: the page offers it no payment action).
  { loginName: 'auditor', sees: ['审计日志', '专账余额', '支付批次'], notSees: ['开班备案审批'] },
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
