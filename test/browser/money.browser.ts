import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { completedClassClaim } from './claim-setup.ts';
import {
  api,
  confirmDialog,
  type Flow,
  type FlowContext,
  type Json,
  loginThroughUi,
  type ServerHandle,
} from './harness.ts';

/**
 * Issue 15's finance pages: a payment fails at the bank, the payee's account is corrected by two
 * people, only the failed line is ordered again and paid once; the batch list is the server's,
 * so a reload shows it. The approved claim it pays is set up through the API (the full flow
 * clicks that part through); every money step here is clicked through the pages.
 */

const STEPS = [
  'set-up: an approved training claim of one trainee',
  'finance orders payment (confirmed) and a second finance officer approves it',
  'the bank result leaves the failure in 待复核 (失败待复核, nothing moved); the second finance officer approves it and the disbursement is failed',
  'the payee account is corrected and approved by the second officer',
  'only the failed line is ordered again, to the corrected account, and paid once',
  'the batch list survives a reload',
] as const;

const OLD_ACCOUNT = '6222021901000012345';
const NEW_ACCOUNT = '6217003300005558888';

/** A bearer token of a demo account, for the multipart upload apiAs cannot send. */
async function tokenOf(server: ServerHandle, loginName: string): Promise<string> {
  const login = await fetch(`${server.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginName, password: DEMO_PASSWORD }),
  });
  if (!login.ok) throw new Error(`login ${loginName}: ${login.status}`);
  return ((await login.json()) as { token: string }).token;
}

async function uploadMaterials(server: ServerHandle, claimId: number): Promise<void> {
  const token = await tokenOf(server, 'hy_school');
  const checklist = (await api(server, 'hy_school', 'GET', `/api/claims/${claimId}/materials`)) as {
    items: { code: string; isRequired: boolean }[];
  };
  for (const item of checklist.items.filter((entry) => entry.isRequired)) {
    const form = new FormData();
    form.append('materialCode', item.code);
    form.append(
      'file',
      new Blob([`%PDF-1.4 ${item.code} ${claimId}\n`], { type: 'application/pdf' }),
      `${item.code}.pdf`,
    );
    const uploaded = await fetch(`${server.baseUrl}/api/claims/${claimId}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    if (uploaded.status !== 201) throw new Error(`material ${item.code}: ${await uploaded.text()}`);
  }
}

/**
 * A filed class of one registered-unemployed trainee, attended, passed and certified, its claim
 * reviewed, noticed and approved by the city. Returns the claim.
 */
async function approvedClaim(server: ServerHandle): Promise<{ id: number; claimNumber: string }> {
  const tag = String(Date.now() % 100_000);
  const claimId = await completedClassClaim(server, {
    className: `电工（初级）支付测试${tag}`,
    trainee: { name: '冯支付', idNumberFirst17: `43042119900101${tag.padStart(5, '0').slice(-3)}` },
    certificateNumber: `HY-PAY-${tag}`,
    payeeAccountNumber: OLD_ACCOUNT,
  });
  await uploadMaterials(server, claimId);
  await api(server, 'hy_school', 'POST', `/api/claims/${claimId}/submit`);
  await api(server, 'hy_county', 'POST', `/api/claims/${claimId}/review`, {});
  const noticed = await api(server, 'hy_county', 'POST', `/api/claims/${claimId}/start-notice`, {});
  const noticeEndsOn = noticed.noticeEndsOn as string;
  server.advanceDays(Math.round((Date.parse(noticeEndsOn) - Date.parse(server.today())) / 86_400_000) + 1);
  const approved = await api(server, 'hy_city', 'POST', `/api/claims/${claimId}/approve`, {});
  if (approved.status !== 'approved') throw new Error(`the claim is ${approved.status}, not approved`);
  return { id: claimId, claimNumber: approved.claimNumber as string };
}

async function openPayments(page: Page, tab: string): Promise<void> {
  await page.getByTestId('workbench-menu').getByRole('menuitem', { name: '支付批次' }).click();
  await page.getByRole('tab', { name: tab }).click();
  await page.waitForLoadState('networkidle');
}

/** The second finance officer approves the newest pending request of `kind` in 待复核; returns the answer. */
async function approveInQueue(flow: FlowContext, kind: RegExp): Promise<Json> {
  const { page, context } = await flow.newPage();
  await loginThroughUi(page, flow.server.baseUrl, 'hy_finance_checker', DEMO_PASSWORD);
  await openPayments(page, '待复核');
  const row = page.getByTestId('approval-queue').getByRole('row', { name: kind }).first();
  // The queue names who asked, not a user id.
  await row.getByText('衡阳市财政局 王会计').waitFor();
  await row.getByRole('button', { name: '复核通过' }).click();
  const response = await confirmDialog(page, '确认通过', {
    sends: (request) => request.url().includes('/decision'),
  });
  const answer = (await response.json()) as Json;
  if ((answer.batch as Json | null | undefined)?.id) await page.getByTestId('payment-batch').waitFor();
  await context.close();
  return answer;
}

/**
 * Uploads a bank result file through the batch's page (上传银行支付结果): the page previews it row
 * by row, and 确认导入 imports it.
 */
async function importBankResult(page: Page, rows: [string, '成功' | '失败', string][]): Promise<void> {
  const csv = `备注,处理结果,失败原因\n${rows.map((row) => row.join(',')).join('\n')}\n`;
  const previewed = page.waitForResponse((response) => response.url().endsWith('/bank-result'));
  await page
    .getByTestId('payment-batch')
    .locator('input[type=file]')
    .setInputFiles({ name: 'result.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const preview = await previewed;
  if (!preview.ok()) throw new Error(`bank result preview: ${preview.status()} ${await preview.text()}`);
  await confirmDialog(page, '确认导入', {
    dialog: page.getByRole('dialog', { name: /预览银行结果/ }),
    sends: (request) => request.url().endsWith('/bank-result'),
  });
}

interface BatchDetail {
  id: number;
  disbursements: {
    reference: string;
    status: string;
    payee: { bankAccount: string };
    items: { claimId: number; lineId: number | null; status: string }[];
  }[];
}

const money: Flow = {
  name: 'Issue 15: a failed payment corrected and re-paid once; batches survive a reload',
  steps: [...STEPS],
  async run(flow) {
    const { server, newPage, step, screenshot } = flow;
    let claim = { id: 0, claimNumber: '' };
    await step(STEPS[0], async () => {
      claim = await approvedClaim(server);
    });
    const finance = await newPage();
    let firstBatchId = 0;
    await step(STEPS[1], async () => {
      await loginThroughUi(finance.page, server.baseUrl, 'hy_finance', DEMO_PASSWORD);
      await openPayments(finance.page, '待下达支付');
      await finance.page
        .getByRole('row', { name: new RegExp(claim.claimNumber) })
        .getByRole('checkbox')
        .check();
      await finance.page.getByRole('button', { name: '下达支付' }).click();
      // Nothing is sent until the dialog is confirmed; the order then waits for the second officer.
      const ordered = await confirmDialog(finance.page, '确认提交', {
        sends: (request) => request.url().endsWith('/api/claims/payments'),
        status: 202,
      });
      const order = (await ordered.json()) as { approval: { id: number } };
      const pending = (await api(
        server,
        'hy_finance',
        'GET',
        `/api/ledger/approvals/${order.approval.id}`,
      )) as {
        status: string;
      };
      if (pending.status !== 'pending') throw new Error(`the order is ${pending.status} before review`);
      const decided = await approveInQueue(flow, /支付指令/);
      firstBatchId = (decided.batch as { id: number }).id;
    });
    let failedReference = '';
    await step(STEPS[2], async () => {
      const batch = (await api(
        server,
        'hy_finance',
        'GET',
        `/api/ledger/payment-batches/${firstBatchId}`,
      )) as unknown as BatchDetail;
      if (batch.disbursements.length !== 1) throw new Error(`${batch.disbursements.length} disbursements`);
      failedReference = batch.disbursements[0]!.reference;
      await finance.page.goto(`${server.baseUrl}/app/payments?tab=batches&batch=${firstBatchId}`);
      await importBankResult(finance.page, [[failedReference, '失败', '账户已销户']]);
      // One finance officer's import moves no money: the failure waits for the second one.
      await finance.page.getByTestId('payment-batch').getByText('失败待复核').first().waitFor();
      await finance.page.getByTestId('payment-batch').getByText('账户已销户').first().waitFor();
      const waiting = (await api(server, 'hy_county', 'GET', `/api/claims/${claim.id}`)) as {
        status: string;
      };
      if (waiting.status !== 'payment_ordered')
        throw new Error(`before review the claim is ${waiting.status}`);
      await screenshot(finance.page, 'finance-payment-failure-pending');
      await approveInQueue(flow, /支付失败退回/);
      await finance.page.reload();
      await finance.page.getByTestId('payment-batch').getByText('支付失败').first().waitFor();
      const detail = (await api(server, 'hy_county', 'GET', `/api/claims/${claim.id}`)) as { status: string };
      if (detail.status !== 'payment_failed') throw new Error(`the claim is ${detail.status}`);
      await screenshot(finance.page, 'finance-payment-failed');
    });
    await step(STEPS[3], async () => {
      await finance.page.goto(`${server.baseUrl}/app/payments?tab=failed`);
      await finance.page
        .getByTestId('failed-batch-list')
        .getByRole('row', { name: `#${firstBatchId}` })
        .getByRole('button', { name: '查看' })
        .click();
      await finance.page.getByTestId('payment-batch').getByRole('button', { name: '更正收款账户' }).click();
      const dialog = finance.page.getByRole('dialog', { name: /更正收款账户/ });
      await dialog.getByLabel('开户银行').fill('中国建设银行衡阳分行');
      await dialog.getByLabel('银行账号').fill(NEW_ACCOUNT);
      await dialog.getByLabel('更正原因').fill('原账户已销户，机构提供新结算账户');
      await confirmDialog(finance.page, '提交复核', {
        dialog,
        sends: (request) => request.url().endsWith('/api/ledger/payee-accounts'),
      });
      await approveInQueue(flow, /收款账户变更/);
    });
    let secondBatchId = 0;
    await step(STEPS[4], async () => {
      await finance.page.goto(`${server.baseUrl}/app/payments?tab=failed`);
      await finance.page
        .getByRole('row', { name: new RegExp(claim.claimNumber) })
        .getByRole('checkbox')
        .check();
      await finance.page.getByRole('button', { name: '重新下达支付（仅失败明细）' }).click();
      await confirmDialog(finance.page, '确认提交', {
        sends: (request) => request.url().endsWith('/api/claims/payments'),
        status: 202,
      });
      const decided = await approveInQueue(flow, /支付指令/);
      secondBatchId = (decided.batch as { id: number }).id;
      const batch = (await api(
        server,
        'hy_finance',
        'GET',
        `/api/ledger/payment-batches/${secondBatchId}`,
      )) as unknown as BatchDetail;
      const [disbursement] = batch.disbursements;
      if (
        batch.disbursements.length !== 1 ||
        !disbursement!.payee.bankAccount.endsWith(NEW_ACCOUNT.slice(-4))
      )
        throw new Error(`re-ordered: ${JSON.stringify(batch.disbursements.map((row) => row.payee))}`);
      await finance.page.goto(`${server.baseUrl}/app/payments?tab=batches&batch=${secondBatchId}`);
      await importBankResult(finance.page, [[disbursement!.reference, '成功', '']]);
      await finance.page.getByTestId('payment-batch').getByText('已支付').first().waitFor();
      // Exactly one payment item is paid per line of the claim, across both batches.
      const items = [];
      for (const id of [firstBatchId, secondBatchId]) {
        const detail = (await api(
          server,
          'hy_finance',
          'GET',
          `/api/ledger/payment-batches/${id}`,
        )) as unknown as BatchDetail;
        items.push(
          ...detail.disbursements.flatMap((row) => row.items).filter((item) => item.claimId === claim.id),
        );
      }
      const paidByLine = new Map<number | null, number>();
      for (const item of items.filter((candidate) => candidate.status === 'paid'))
        paidByLine.set(item.lineId, (paidByLine.get(item.lineId) ?? 0) + 1);
      const lines = new Set(items.map((item) => item.lineId));
      if (paidByLine.size !== lines.size || [...paidByLine.values()].some((count) => count !== 1))
        throw new Error(
          `paid items per line: ${JSON.stringify([...paidByLine])} of ${JSON.stringify(items)}`,
        );
      const detail = (await api(server, 'hy_county', 'GET', `/api/claims/${claim.id}`)) as { status: string };
      if (detail.status !== 'paid') throw new Error(`the claim is ${detail.status}, not paid`);
    });
    await step(STEPS[5], async () => {
      await finance.page.goto(`${server.baseUrl}/app/payments?tab=batches`);
      const list = finance.page.getByTestId('batch-list');
      for (const id of [firstBatchId, secondBatchId])
        await list.getByRole('cell', { name: `#${id}`, exact: true }).waitFor();
      await finance.page.reload();
      for (const id of [firstBatchId, secondBatchId])
        await list.getByRole('cell', { name: `#${id}`, exact: true }).waitFor();
      await screenshot(finance.page, 'finance-batches-after-reload');
    });
  },
};

export const flows: Flow[] = [money];
