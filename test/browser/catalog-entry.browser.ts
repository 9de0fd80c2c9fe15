import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { confirmDialog, type Flow, loginThroughUi } from './harness.ts';

/**
 * A training-project catalog entry withdrawn (issue 17, the two catalogs): the city officer opens
 * a published version on 培训项目目录, withdraws one entry with a reason after confirming, and the
 * entry reads 已撤回 with the date and the reason.
 */
const catalogEntryWithdrawal: Flow = {
  name: 'City officer: withdraws a published catalog entry with a reason (撤回)',
  steps: [
    'a published county catalog version with two entries (setup through the API)',
    'the city officer opens the version on 培训项目目录',
    'withdraw one entry with a reason; it reads 已撤回',
  ],
  async run({ server, newPage, step, screenshot }) {
    const title = `耒阳市撤回演示目录 ${String(Date.now()).slice(-5)}`;
    await step('a published county catalog version with two entries (setup through the API)', async () => {
      const created = (await server.apiAs('hy_city', 'POST', '/api/catalog/versions', {
        // 耒阳市 (a county of the city): no other flow trains there, so their catalogs stay as seeded.
        regionCode: '430481',
        title,
        effectiveFrom: server.today(),
        citation: { document: '衡人社发【2019】21号', article: '六（一）' },
        entries: [
          {
            occupationCode: '6-31-01-03',
            level: 'primary',
            standardAmountFen: 90_000,
            standardDays: 10,
            standardClassHours: 60,
          },
          {
            occupationCode: '6-18-02-04',
            level: 'primary',
            standardAmountFen: 95_000,
            standardDays: 10,
            standardClassHours: 60,
          },
        ],
      })) as { status: number; json: { id: number } };
      if (created.status !== 201)
        throw new Error(`version: ${created.status} ${JSON.stringify(created.json)}`);
      const published = await server.apiAs(
        'hy_city',
        'POST',
        `/api/catalog/versions/${created.json.id}/publish`,
      );
      if (published.status !== 200) throw new Error(`publish: ${published.status}`);
    });
    const { page } = await newPage();
    await step('the city officer opens the version on 培训项目目录', async () => {
      await loginThroughUi(page, server.baseUrl, 'hy_city', DEMO_PASSWORD);
      await page.getByTestId('workbench-menu').getByRole('menuitem', { name: '培训项目目录' }).click();
      await page.getByRole('heading', { name: '培训项目目录' }).waitFor();
      await page.getByRole('button', { name: title }).click();
      await page.getByTestId('catalog-version').getByText('6-31-01-03').waitFor();
    });
    await step('withdraw one entry with a reason; it reads 已撤回', async () => {
      const row = page.getByTestId('catalog-version').getByRole('row').filter({ hasText: '6-31-01-03' });
      await row.getByRole('button', { name: '撤回' }).click();
      const dialog = page.getByRole('dialog').filter({ hasText: '撤回理由' });
      await dialog.getByLabel('撤回理由').fill('本地已无该职业培训需求');
      const answer = await confirmDialog(page, '确认撤回', { dialog });
      if (answer.status() !== 200) throw new Error(`withdraw: ${answer.status()}`);
      await row.getByText('已撤回').waitFor();
      await row.getByText(/本地已无该职业培训需求/).waitFor();
      // The other entry stays in force and can still be withdrawn.
      const other = page.getByTestId('catalog-version').getByRole('row').filter({ hasText: '6-18-02-04' });
      await other.getByRole('button', { name: '撤回' }).waitFor();
      await screenshot(page, 'catalog-entry-withdrawn');
    });
  },
};

export const flows: Flow[] = [catalogEntryWithdrawal];
