import iconv from 'iconv-lite';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import {
  api,
  confirmDialog,
  type Flow,
  loginThroughUi,
  openMenuAndSettle,
  type ServerHandle,
} from './harness.ts';

/**
 * Issue 20's finance pages: Hengyang's finance officer imports February's bank statement, proposes
 * the interest and the fee the bank booked, a second officer approves them and signs the
 * reconciliation off, and the province's finance officer closes the month. The demo books begin
 * on 5 January 2026, so the flow runs on a server of its own whose business date is 3 March 2026;
 * January (the province's appropriation) is reconciled and closed through the API first.
 */

const STEPS = [
  'set-up: January reconciled by the province and closed',
  'hy_finance imports February’s statement (GBK CSV): the worksheet shows the 余额调节表 and two unknown lines',
  'interest and fee are proposed from their lines; the preparer cannot sign off herself',
  'hy_finance2 approves both postings; the worksheet balances with no differences',
  'hy_finance prepares the reconciliation (confirmed)',
  'the close checklist names Hengyang’s unsigned reconciliation; 结账 is disabled',
  'hy_finance2 signs the reconciliation off (confirmed)',
  'hn_finance closes February (confirmed); a posting dated in February is refused',
] as const;

const gbkBase64 = (text: string) => iconv.encode(text, 'gbk').toString('base64');

/** The province's January: its statement shows the appropriation; prepared, signed off, closed. */
async function closeJanuary(server: ServerHandle): Promise<void> {
  const imported = await api(server, 'hn_finance', 'POST', '/api/ledger/statements', {
    regionCode: '430000',
    fileName: '湖南省专户2026年1月.csv',
    fileBase64: gbkBase64(
      '交易日期,摘要,借方发生额,贷方发生额,余额\r\n2026-01-05,拨款,,20000000.00,20000000.00\r\n',
    ),
  });
  const prepared = await api(server, 'hn_finance', 'POST', '/api/ledger/reconciliations', {
    statementId: imported.statementId,
    period: '2026-01',
  });
  await api(server, 'hn_finance2', 'POST', `/api/ledger/reconciliations/${prepared.id}/sign-off`);
  await api(server, 'hn_finance', 'POST', '/api/ledger/periods/close', { period: '2026-01' });
}

/** Hengyang's account in February: 8,000,000 yuan at the start, interest on the 21st, a fee on the 25th. */
const FEBRUARY_STATEMENT = [
  '交易日期,摘要,借方发生额,贷方发生额,余额,附言',
  '2026-02-21,结息,,1234.56,8001234.56,第一季度利息',
  '2026-02-25,手续费,20.00,,8001214.56,网银手续费',
].join('\r\n');

/** Opens 银行对账 → the statement list → 对账 on the newest statement (the worksheet of its month). */
async function openWorksheet(page: Page): Promise<void> {
  await openMenuAndSettle(page, '银行对账');
  await page.getByTestId('statement-list').getByRole('button', { name: '对账' }).first().click();
  await page.getByTestId('balance-reconciliation').waitFor();
}

async function checkOf(page: Page, code: string): Promise<string | null> {
  return page.getByTestId(`check-${code}`).getAttribute('data-ok');
}

const bank: Flow = {
  name: 'Bank reconciliation and month-end close (issue 20)',
  steps: [...STEPS],
  clockStart: '2026-03-03',
  async run({ server, newPage, step, screenshot }) {
    await step(STEPS[0], () => closeJanuary(server));

    const maker = await newPage();
    await step(STEPS[1], async () => {
      await loginThroughUi(maker.page, server.baseUrl, 'hy_finance', DEMO_PASSWORD);
      await openMenuAndSettle(maker.page, '银行对账');
      const form = maker.page.locator('form#statement-import');
      // The account's region is picked by its name, not typed as a code.
      await form.getByLabel('专户所属地区').click();
      await form.getByLabel('专户所属地区').fill('衡阳市');
      await maker.page.locator('.ant-select-dropdown:visible').getByTitle('衡阳市（430400）').click();
      await form.locator('input[type=file]').setInputFiles({
        name: '衡阳市专户2026年2月.csv',
        mimeType: 'text/csv',
        buffer: iconv.encode(FEBRUARY_STATEMENT, 'gbk'),
      });
      const imported = maker.page.waitForResponse(
        (response) =>
          response.url().endsWith('/api/ledger/statements') && response.request().method() === 'POST',
      );
      await form.getByRole('button', { name: '导入对账单' }).click();
      const response = await imported;
      if (response.status() !== 201) throw new Error(`import: ${response.status()} ${await response.text()}`);
      await maker.page.getByTestId('balance-reconciliation').waitFor();
      const problems = maker.page.getByTestId('worksheet-problems');
      await problems.getByText('未知收入').waitFor();
      await problems.getByText('未知支出').waitFor();
      const text = await maker.page.getByTestId('balance-reconciliation').innerText();
      if (!text.includes('8,001,214.56')) throw new Error(`the bank balance is not shown: ${text}`);
      await screenshot(maker.page, 'bank-worksheet-before');
    });

    await step(STEPS[2], async () => {
      const problems = maker.page.getByTestId('worksheet-problems');
      for (const button of ['记为利息收入', '记为银行手续费']) {
        const proposed = maker.page.waitForResponse((response) =>
          response.url().endsWith('/api/ledger/statement-postings'),
        );
        await problems.getByRole('button', { name: button }).click();
        const response = await proposed;
        if (response.status() !== 201)
          throw new Error(`${button}: ${response.status()} ${await response.text()}`);
      }
      // Both wait for a second person; the maker sees them but approving her own is refused.
      const pending = maker.page.getByTestId('pending-postings');
      await pending.getByText('利息收入').waitFor();
      await pending.getByRole('button', { name: '复核通过' }).first().click();
      await confirmDialog(maker.page, '确认记账', { status: 403 });
      await maker.page.getByRole('dialog').waitFor({ state: 'hidden' });
    });

    const checker = await newPage();
    await step(STEPS[3], async () => {
      await loginThroughUi(checker.page, server.baseUrl, 'hy_finance2', DEMO_PASSWORD);
      await openWorksheet(checker.page);
      const pending = checker.page.getByTestId('pending-postings');
      for (let index = 0; index < 2; index += 1) {
        await pending.getByRole('button', { name: '复核通过' }).first().click();
        await confirmDialog(checker.page, '确认记账');
        await checker.page.getByRole('dialog').waitFor({ state: 'hidden' });
      }
      await checker.page.getByTestId('worksheet-problems').getByText('无差异').waitFor();
      await checker.page.getByText('调节后余额相等（账实相符）').waitFor();
    });

    await step(STEPS[4], async () => {
      await maker.page.getByRole('button', { name: '重新计算' }).click();
      await maker.page.getByTestId('worksheet-problems').getByText('无差异').waitFor();
      await maker.page.getByRole('button', { name: '编制对账（交他人复核）' }).click();
      await confirmDialog(maker.page, '编制', { status: 201 });
      const detail = maker.page.getByTestId('reconciliation-detail');
      await detail.getByText('已编制，待复核').waitFor();
      // The preparer is told another person signs off; she has no button for it.
      await detail.getByText('须由编制人以外的财政人员复核。').waitFor();
      await screenshot(maker.page, 'bank-reconciliation-prepared');
    });

    const province = await newPage();
    await step(STEPS[5], async () => {
      await loginThroughUi(province.page, server.baseUrl, 'hn_finance', DEMO_PASSWORD);
      await openMenuAndSettle(province.page, '月结');
      await province.page.getByLabel('结账月份').fill('2026-02');
      await province.page.getByRole('button', { name: '查看检查清单' }).click();
      await province.page
        .getByTestId('check-reconciled')
        .getByText('衡阳市 2026-02 的银行对账未经复核')
        .waitFor();
      if ((await checkOf(province.page, 'reconciled')) !== 'no')
        throw new Error('reconciled shown as passed');
      if ((await checkOf(province.page, 'in_order')) !== 'yes') throw new Error('in_order failed');
      if (!(await province.page.getByRole('button', { name: '结账' }).isDisabled()))
        throw new Error('结账 is enabled with a check failing');
    });

    await step(STEPS[6], async () => {
      await openMenuAndSettle(checker.page, '银行对账');
      await checker.page.getByRole('tab', { name: '对账记录与复核' }).click();
      await checker.page
        .getByTestId('reconciliation-list')
        .getByRole('button', { name: '查看' })
        .first()
        .click();
      const detail = checker.page.getByTestId('reconciliation-detail');
      await detail.getByTestId('balance-reconciliation').waitFor();
      await detail.getByRole('button', { name: '复核签字' }).click();
      await confirmDialog(checker.page, '确认复核', { status: 200 });
      await detail.getByText('已复核', { exact: true }).waitFor();
      await screenshot(checker.page, 'bank-reconciliation-signed-off');
    });

    await step(STEPS[7], async () => {
      await province.page.getByRole('button', { name: '查看检查清单' }).click();
      await province.page.reload();
      await province.page.getByTestId('close-checklist').waitFor();
      for (const code of ['in_order', 'month_over', 'reconciled', 'nothing_in_flight'])
        if ((await checkOf(province.page, code)) !== 'yes') throw new Error(`${code} not passed`);
      await province.page.getByRole('button', { name: '结账' }).click();
      await confirmDialog(province.page, '确认结账', { status: 200 });
      await province.page.getByTestId('period-closed').waitFor();
      await province.page.getByTestId('closed-periods').getByText('2026-02').waitFor();
      await screenshot(province.page, 'bank-period-closed');
      const accounts = (await api(
        server,
        'hy_finance',
        'GET',
        '/api/ledger/accounts?regionCode=430400&pageSize=100',
      )) as {
        items: { id: number; regionCode: string; kind: string }[];
      };
      const of = (kind: string) =>
        accounts.items.find((item) => item.regionCode === '430400' && item.kind === kind)!;
      const refused = await server.apiAs('hy_finance', 'POST', '/api/ledger/transfers', {
        idempotencyId: 'bank-flow-after-close',
        debitAccountId: of('bank').id,
        creditAccountId: of('special').id,
        amountFen: 100,
        code: 'interest',
        valueDate: '2026-02-27',
      });
      const code = (refused.json as { error?: { code?: string } }).error?.code;
      if (refused.status !== 409 || code !== 'PERIOD_CLOSED')
        throw new Error(
          `a posting in the closed month answered ${refused.status} ${JSON.stringify(refused.json)}`,
        );
    });
  },
};

export const flows: Flow[] = [bank];
