import type { Page } from 'playwright-core';
import { api, type Flow, type Json, loggedIn } from './harness.ts';

/**
 * Issue 21, "detail pages or drawers linked to each other (class ↔ claim ↔ person ↔ payment ↔
 * alert ↔ case)": on the living demo, the city officer follows the links by clicking only — a class
 * to its claims, a claim to a line's person, the person's claims back to the claim, the claim to
 * its payment batch and back, an alert to its case and the case to the claim. Nothing is changed.
 */

interface Claim {
  id: number;
  claimNumber: string;
  classId: number | null;
  status: string;
  paymentBatchId: number | null;
}

/** The path and query of the page's address. */
function where(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

async function waitForPath(page: Page, path: string | RegExp): Promise<void> {
  await page.waitForURL((url) =>
    typeof path === 'string'
      ? `${url.pathname}${url.search}` === path
      : path.test(`${url.pathname}${url.search}`),
  );
}

const links: Flow = {
  name: 'Links between details: class → claims → claim → person → claims → back; claim → payment batch → claim; alert → case → claim',
  livingDemo: true,
  steps: [
    'a class lists its claims, each a link to the claim',
    'a claim line’s trainee links to the person’s record, whose claim lines link back to the claim',
    'a paid claim links to its payment batch, whose claims link back',
    'an alert links to its case, and the case’s alerts to their claims',
  ],
  async run(context) {
    const { server, step, screenshot } = context;
    const { page } = await loggedIn(context, 'hy_city');
    // A paid class claim of the year: it has a class, trainees and a payment batch.
    const listed = (await api(server, 'hy_city', 'GET', '/api/claims?status=paid&pageSize=50')) as {
      items: Claim[];
    };
    const claim = listed.items.find((item) => item.classId !== null && item.paymentBatchId !== null);
    if (!claim) throw new Error('the living demo has no paid class claim with a payment batch');

    await step('a class lists its claims, each a link to the claim', async () => {
      await page.goto(`${server.baseUrl}/app/classes/${claim.classId}`);
      await page.getByRole('tab', { name: '补贴申请' }).click();
      const claims = page.getByTestId('class-claims');
      await claims.getByRole('link', { name: claim.claimNumber }).click();
      await waitForPath(page, `/app/claims/${claim.id}`);
      await page.getByTestId('claim-status').waitFor();
      // And back from the claim to its class.
      const classLink = page.locator(`.app-content a[href$="/classes/${claim.classId}"]`).first();
      await classLink.click();
      await waitForPath(page, `/app/classes/${claim.classId}`);
      await screenshot(page, 'links-class');
    });

    await step(
      'a claim line’s trainee links to the person’s record, whose claim lines link back to the claim',
      async () => {
        await page.goto(`${server.baseUrl}/app/claims/${claim.id}`);
        const person = page.getByTestId('line-person').first();
        const name = (await person.innerText()).trim();
        await person.click();
        await waitForPath(page, /^\/app\/persons\/\d+$/);
        const record = page.getByTestId('person-record');
        await record.waitFor();
        const shown = await record.innerText();
        // The line names the trainee with a masked ID number; the record shows the same name.
        const personName = name.split(/[（(\s]/)[0]!;
        if (!shown.includes(personName))
          throw new Error(`the person's record shows ${shown}, not ${personName}`);
        const lines = page.getByTestId('person-claim-lines');
        await lines.getByRole('link', { name: claim.claimNumber }).first().click();
        await waitForPath(page, `/app/claims/${claim.id}`);
        await page.getByTestId('claim-status').waitFor();
        await page.goBack();
        await waitForPath(page, /^\/app\/persons\/\d+$/);
        await page.getByTestId('person-claim-lines').waitFor();
        await screenshot(page, 'links-person');
      },
    );

    await step('a paid claim links to its payment batch, whose claims link back', async () => {
      await page.goto(`${server.baseUrl}/app/claims/${claim.id}`);
      await page.getByRole('link', { name: `支付批次 ${claim.paymentBatchId}` }).click();
      await waitForPath(page, /^\/app\/payments\?/);
      if (!where(page).includes(`batch=${claim.paymentBatchId}`))
        throw new Error(`the batch link opened ${where(page)}`);
      // The batch's claims, each a link back to its claim.
      await page.locator(`.app-content a[href="/app/claims/${claim.id}"]`).first().click();
      await waitForPath(page, `/app/claims/${claim.id}`);
      await screenshot(page, 'links-payment');
    });

    await step('an alert links to its case, and the case’s alerts to their claims', async () => {
      // The living demo's case is decided (查实), so its alerts read 已查实; one still open reads 已立案.
      const listed = await Promise.all(
        (['in_case', 'confirmed'] as const).map(async (status) => {
          const answer = (await api(
            server,
            'hy_city',
            'GET',
            `/api/supervision/alerts?status=${status}&pageSize=50`,
          )) as { items: (Json & { id: number; caseId: number | null; claimId: number | null })[] };
          return answer.items.map((item) => ({ ...item, status }));
        }),
      );
      const inCases = listed.flat().filter((item) => item.caseId !== null);
      const alert = inCases.find((item) => item.claimId !== null) ?? inCases[0];
      if (!alert) throw new Error('the living demo has no alert in a case');
      await page.goto(`${server.baseUrl}/app/alerts`);
      await page.getByRole('combobox', { name: '状态' }).click();
      await page
        .locator('.ant-select-dropdown')
        .getByTitle(alert.status === 'in_case' ? '已立案' : '已查实')
        .click();
      const row = page.getByTestId('alerts-table').locator(`tr[data-row-key="${alert.id}"]`);
      await row.getByRole('link', { name: `案件 #${alert.caseId}` }).click();
      await waitForPath(page, `/app/cases?case=${alert.caseId}`);
      const detail = page.getByTestId('case-detail');
      await detail.waitFor();
      const caseAlert = detail.getByTestId('case-alert').filter({ hasText: `#${alert.id}` });
      if (alert.claimId === null) {
        await caseAlert.waitFor();
        return;
      }
      await caseAlert.getByRole('link', { name: `申请 #${alert.claimId}` }).click();
      await waitForPath(page, `/app/claims/${alert.claimId}`);
      await page.getByTestId('claim-status').waitFor();
      await screenshot(page, 'links-alert-case');
    });
  },
};

export const flows: Flow[] = [links];
