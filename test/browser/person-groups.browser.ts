import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { confirmDialog, type Flow, idNumberWithCheckDigit, loginThroughUi } from './harness.ts';

/**
 * Person groups certified by an officer (issue 17 finding 7): a county officer finds a person of
 * his region on 人员类别认定, certifies a group from the list of certifying bodies with its
 * validity, sees himself recorded as the recording officer, and revokes it with a reason.
 */
const personGroups: Flow = {
  name: 'County officer: certifies a person group from the list of certifying bodies, then revokes it with a reason',
  steps: [
    'a person of the county without a group (setup through the API)',
    'the county officer opens 人员类别认定 from the menu and finds the person',
    'certify 城镇登记失业人员 by 公共就业服务机构 from the business today',
    'revoke the certification with a reason',
  ],
  async run({ server, newPage, step, screenshot }) {
    const stamp = String(Date.now()).slice(-3);
    // A name of its own each run (digits as 一二三…), so that the search finds one person.
    const person = {
      name: `郑${[...stamp].map((digit) => '零一二三四五六七八九'[Number(digit)]).join('')}`,
      idNumber: idNumberWithCheckDigit(`43042119930315${stamp}`),
    };
    await step('a person of the county without a group (setup through the API)', async () => {
      const registered = await server.apiAs('hy_county', 'POST', '/api/persons', {
        ...person,
        registeringRegionCode: '430421',
      });
      if (registered.status !== 201)
        throw new Error(`person: ${registered.status} ${JSON.stringify(registered.json)}`);
    });
    const { page } = await newPage();
    await step('the county officer opens 人员类别认定 from the menu and finds the person', async () => {
      await loginThroughUi(page, server.baseUrl, 'hy_county', DEMO_PASSWORD);
      await page.getByTestId('workbench-menu').getByRole('menuitem', { name: '人员类别认定' }).click();
      await page.getByRole('heading', { name: '人员类别认定' }).waitFor();
      // The person picker: the beginning of the name, then the person (masked ID number, region).
      const picker = page.getByLabel('按姓名或身份证号查找人员');
      await picker.click();
      await picker.fill(person.name.slice(0, 2));
      const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option', {
        hasText: person.name,
      });
      await option.getByText('衡阳县', { exact: false }).waitFor();
      if (await option.getByText(person.idNumber).count())
        throw new Error('the person picker shows the full ID number');
      await option.click();
      await page.getByText(`${person.name} 的人员类别认定`).waitFor();
    });
    await step('certify 城镇登记失业人员 by 公共就业服务机构 from the business today', async () => {
      const form = page.locator('form#certifyGroup');
      await form.getByLabel('人员类别').click();
      await page.locator('.ant-select-dropdown:visible').getByTitle('城镇登记失业人员').click();
      await form.getByLabel('认定机构').click();
      await page.locator('.ant-select-dropdown:visible').getByTitle('公共就业服务机构').click();
      await form.getByLabel('有效期起').click();
      await form.getByLabel('有效期起').fill(server.today());
      await form.getByLabel('有效期起').press('Enter');
      const saved = page.waitForResponse(
        (response) =>
          /\/api\/persons\/\d+\/groups$/.test(response.url()) && response.request().method() === 'POST',
      );
      await page.getByRole('button', { name: '登记认定' }).click();
      const response = await saved;
      if (response.status() !== 201)
        throw new Error(`certify: ${response.status()} ${await response.text()}`);
      const row = page.getByRole('row').filter({ hasText: '城镇登记失业人员' });
      await row.getByText('公共就业服务机构').waitFor();
      await row.getByText('有效').waitFor();
      // The recording officer and the business date are stored, not typed.
      await row.getByText(server.today()).first().waitFor();
      await screenshot(page, 'person-group-certified');
    });
    await step('revoke the certification with a reason', async () => {
      const row = page.getByRole('row').filter({ hasText: '城镇登记失业人员' });
      await row.getByRole('button', { name: '撤销' }).click();
      await page.getByRole('dialog').getByLabel('撤销理由').fill('已实现就业，经核实撤销认定');
      const answer = await confirmDialog(page, '确认撤销');
      if (answer.status() !== 200) throw new Error(`revoke: ${answer.status()}`);
      await page
        .getByRole('row')
        .filter({ hasText: '城镇登记失业人员' })
        .getByText(/已撤销.*已实现就业/)
        .waitFor();
      await screenshot(page, 'person-group-revoked');
    });
  },
};

export const flows: Flow[] = [personGroups];
