import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import {
  api,
  confirmDialog,
  type Flow,
  type FlowContext,
  idNumberWithCheckDigit,
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

/** `today` + `days` at `hour` o'clock China time, as an ISO instant with offset. */
function at(today: string, days: number, hour: number): string {
  const day = new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${String(hour).padStart(2, '0')}:00:00+08:00`;
}

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

/** Publishes Hengyang's catalog unless one is in force (the full flow publishes it through the page). */
async function ensureCatalog(server: ServerHandle): Promise<void> {
  const published = (await api(
    server,
    'hy_city',
    'GET',
    `/api/catalog/versions?regionCode=430400&status=published&effectiveOn=${server.today()}`,
  )) as { total: number };
  if (published.total > 0) return;
  const version = await api(server, 'hy_city', 'POST', '/api/catalog/versions', {
    regionCode: '430400',
    title: '衡阳市2021年职业技能培训补贴标准目录',
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
  await api(server, 'hy_city', 'POST', `/api/catalog/versions/${version.id}/publish`, {});
}

/**
 * A filed class of one registered-unemployed trainee, attended, passed and certified, its claim
 * reviewed, noticed and approved by the city. Returns the claim.
 */
async function approvedClaim(server: ServerHandle): Promise<{ id: number; claimNumber: string }> {
  await ensureCatalog(server);
  const tag = String(Date.now() % 100_000);
  const today = server.today();
  const sessions = [3, 4, 5, 6].map((offset) => ({
    startsAt: at(today, offset, 8),
    endsAt: at(today, offset, 12),
    mode: 'offline',
    topic: `第${offset - 2}讲`,
    location: '衡阳县实训楼101',
  }));
  const filed = await api(server, 'hy_school', 'POST', '/api/classes', {
    regionCode: '430421',
    name: `电工（初级）支付测试${tag}`,
    occupationCode: '4-10-01-05',
    level: 'primary',
    capacity: 40,
    teachingPlan: { modules: ['安全用电', '实操训练'] },
    teachers: [{ name: '周老师', qualification: '电工技师' }],
    assessmentPlan: { method: '理论+实操', passScore: 60 },
    sessions,
  });
  const classId = filed.id as number;
  await api(server, 'hy_county', 'POST', `/api/classes/${classId}/approve`, {});
  const name = '冯支付';
  const idNumber = idNumberWithCheckDigit(`43042119900101${tag.padStart(5, '0').slice(-3)}`);
  const person = await api(server, 'hy_county', 'POST', '/api/persons', {
    name,
    idNumber,
    registeringRegionCode: '430421',
    groups: [
      {
        groupCode: 'registered_unemployed',
        certifierCode: 'public_employment_service',
        validFrom: '2021-01-01',
      },
    ],
  });
  const personId = person.id as number;
  await api(server, 'hy_school', 'POST', `/api/classes/${classId}/enrolments`, { name, idNumber });
  // What happened in the class is recorded after it: the business clock moves past it.
  server.advanceDays(7);
  const detail = (await api(server, 'hy_school', 'GET', `/api/classes/${classId}`)) as {
    sessions: { id: number; startsAt: string; endsAt: string }[];
  };
  await api(server, 'hy_school', 'POST', `/api/classes/${classId}/attendance`, {
    records: detail.sessions.flatMap((session) => [
      { sessionId: session.id, personId, event: 'sign_in', at: session.startsAt, method: 'face' },
      { sessionId: session.id, personId, event: 'sign_out', at: session.endsAt, method: 'face' },
    ]),
  });
  const examDate = at(today, 6, 14).slice(0, 10);
  await api(server, 'hy_school', 'POST', `/api/classes/${classId}/results`, {
    personId,
    score: 88,
    isPassed: true,
    examDate,
  });
  await api(server, 'hy_school', 'POST', '/api/certificates', {
    personId,
    classId,
    certificateType: 'training_qualified',
    level: 'primary',
    occupationCode: '4-10-01-05',
    certificateNumber: `HY-PAY-${tag}`,
    issuer: '衡阳县人力资源和社会保障局',
    issuedOn: examDate,
  });
  const claim = await api(server, 'hy_school', 'POST', '/api/claims', {
    applicationDate: server.today(),
    payeeAccount: { bankName: '中国工商银行衡阳县支行', accountNumber: OLD_ACCOUNT },
    claim: { source: 'class', classId, subsidyKind: 'training' },
  });
  const claimId = claim.id as number;
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
