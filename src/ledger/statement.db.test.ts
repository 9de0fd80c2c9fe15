import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { createPaymentBatch } from './payment.service.ts';
import { accountFor, inLedgerTransaction, postTransfers } from './transfer.service.ts';

let testApp: TestApp;
let finance: { authorization: string };
let reviewer: { authorization: string };

beforeAll(async () => {
  testApp = await createTestApp();
  finance = await testApp.loginAs('hy_finance');
  reviewer = await testApp.loginAs('hy_finance2');
});
afterAll(async () => {
  await testApp?.close();
});

type Headers = { authorization: string };
async function call(method: 'GET' | 'POST', url: string, headers: Headers, payload?: unknown) {
  const response = await testApp.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  return { status: response.statusCode, body: response.json() };
}

async function appropriate(regionCode: string, amountFen: number, valueDate: string, key: string) {
  const db = testApp.database.db;
  const ui = await accountFor(db, regionCode, 'ui_fund_source');
  const special = await accountFor(db, regionCode, 'special');
  const training = await accountFor(db, regionCode, 'training');
  await postTransfers(db, SYSTEM_CONTEXT, {
    provinceCode: '430000',
    code: 'appropriation',
    description: 'appropriation',
    transfers: [
      {
        idempotencyId: `${key}-a`,
        debitAccountId: ui.id,
        creditAccountId: special.id,
        amountFen,
        code: 'appropriation',
        valueDate,
      },
      {
        idempotencyId: `${key}-b`,
        debitAccountId: special.id,
        creditAccountId: training.id,
        amountFen: Math.floor(amountFen / 2),
        code: 'allocation',
        valueDate,
      },
    ],
  });
}

/** Orders one disbursement per amount on 2 April; returns the references in order. */
async function pay(
  regionCode: string,
  key: string,
  amountsFen: number[],
): Promise<{ id: number; refs: string[] }> {
  // Batches are posted by the checker's approval of a payment order (issue 15): the ledger service.
  const batch = await inLedgerTransaction(testApp.database.db, (trx) =>
    createPaymentBatch(trx, SYSTEM_CONTEXT, {
      idempotencyId: `stmt-${key}`,
      valueDate: '2026-04-02',
      items: amountsFen.map((amountFen, index) => ({
        claimId: 80_000 + index,
        payee: { type: 'person', id: index + 1, name: `学员${index + 1}`, bankAccount: `62170000${index}` },
        amountFen,
        subAccount: 'training',
        regionCode,
      })),
    }),
  );
  return { id: batch.id, refs: batch.disbursements.map((item) => item.reference) };
}

async function failPayments(batchId: number, refs: string[]) {
  const csv = `备注,处理结果,失败原因\n${refs.map((ref) => `${ref},失败,户名不符`).join('\n')}\n`;
  const result = await call('POST', `/api/claims/payments/${batchId}/bank-result`, finance, {
    csv,
    valueDate: '2026-04-03',
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  // A failure posts its money back only when a second finance officer approves it (待复核).
  for (const { approvalId } of (result.body as { pendingApprovals: { approvalId: number }[] })
    .pendingApprovals) {
    const decided = await call('POST', `/api/ledger/approvals/${approvalId}/decision`, reviewer, {
      isApproved: true,
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  }
}

interface Line {
  date: string;
  summary: string;
  debit?: number;
  credit?: number;
  counterparty?: string;
  note?: string;
}

/** The statement table with a running 余额 from the opening balance (fen in, yuan out). */
function statementRows(openingFen: number, lines: Line[]): string[][] {
  let balance = openingFen;
  const yuan = (fen: number | undefined) => (fen ? (fen / 100).toFixed(2) : '');
  return [
    ['账号', '430100000000430000', '', '', '', '', ''],
    ['交易日期', '摘要', '借方发生额', '贷方发生额', '余额', '对方户名', '附言'],
    ...lines.map((line) => {
      balance += (line.credit ?? 0) - (line.debit ?? 0);
      return [
        line.date.replaceAll('-', ''),
        line.summary,
        yuan(line.debit),
        yuan(line.credit),
        (balance / 100).toFixed(2),
        line.counterparty ?? '',
        line.note ?? '',
      ];
    }),
  ];
}

function gbkCsv(rows: string[][]): Buffer {
  return iconv.encode(rows.map((row) => row.join(',')).join('\r\n'), 'gbk');
}

/**
 * The statement as a bank's xlsx export: under the header, dates are date cells and amounts and
 * balances number cells formatted 0.00 (text cells elsewhere).
 */
async function xlsx(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('对账单');
  const headerIndex = rows.findIndex((row) => row[0] === '交易日期');
  rows.forEach((row, index) => {
    if (index <= headerIndex) {
      sheet.addRow(row);
      return;
    }
    const [date, summary, debit, credit, balance, ...rest] = row;
    const number = (text: string | undefined) => (text ? Number(text) : null);
    const added = sheet.addRow([
      new Date(`${date!.slice(0, 4)}-${date!.slice(4, 6)}-${date!.slice(6, 8)}T00:00:00Z`),
      summary,
      number(debit),
      number(credit),
      number(balance),
      ...rest,
    ]);
    added.getCell(1).numFmt = 'yyyy-mm-dd';
    for (const column of [3, 4, 5]) added.getCell(column).numFmt = '0.00';
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function bookBalanceFen(regionCode: string): Promise<number> {
  const db = testApp.database.db;
  let total = 0;
  for (const kind of ['special', 'training', 'payable'] as const)
    total += (await accountFor(db, regionCode, kind)).balanceFen;
  return total;
}

/** A month with every anomaly kind, for the region; returns the statement rows. */
async function monthWithEveryAnomaly(regionCode: string, key: string): Promise<string[][]> {
  await appropriate(regionCode, 5_000_000, '2026-03-15', `${key}-march`);
  const openingFen = await bookBalanceFen(regionCode);
  await appropriate(regionCode, 10_000_000, '2026-04-01', `${key}-april`);
  // d1 paid, d2 failed after the bank debited and returned it, d3 booked 299.00 by the bank,
  // d4 booked twice, d5 not on the statement, d6 failed and never executed, d7 booked 18 days late.
  const batch = await pay(regionCode, key, [100_000, 50_000, 30_000, 20_000, 15_000, 8_000, 40_000]);
  const [d1, d2, d3, d4, _d5, d6, d7] = batch.refs;
  await failPayments(batch.id, [d2!, d6!]);
  return statementRows(openingFen, [
    { date: '2026-04-01', summary: '拨款', credit: 10_000_000, counterparty: '湖南省财政厅' },
    { date: '2026-04-02', summary: '代发', debit: 100_000, note: d1 },
    { date: '2026-04-02', summary: '代发', debit: 50_000, note: d2 },
    { date: '2026-04-05', summary: '退汇', credit: 50_000, note: d2 },
    { date: '2026-04-02', summary: '代发', debit: 29_900, note: d3 },
    { date: '2026-04-02', summary: '代发', debit: 20_000, note: d4 },
    { date: '2026-04-03', summary: '代发', debit: 20_000, note: d4 },
    { date: '2026-04-20', summary: '代发', debit: 40_000, note: d7 },
    { date: '2026-04-10', summary: '来账', credit: 1_234_567, counterparty: '某公司' },
    { date: '2026-04-11', summary: '转账', debit: 6_600, counterparty: '某个人' },
    { date: '2026-04-21', summary: '结息', credit: 1_234 },
    { date: '2026-04-22', summary: '手续费', debit: 500 },
  ]);
}

const kindsOf = (worksheet: { problems: { kind: string; lineNumbers: number[] }[] }) =>
  worksheet.problems.map((problem) => `${problem.kind}:${problem.lineNumbers.join('+')}`).sort();

describe('statement import and reconciliation both ways (账实相符, 余额调节表)', () => {
  for (const format of ['gbk-csv', 'xlsx'] as const) {
    it(`a ${format} statement with every anomaly kind: each line matched or classified, credits kept, the failed payment's debit matched to its order`, async () => {
      const region = format === 'xlsx' ? '430405' : '430406';
      const rows = await monthWithEveryAnomaly(region, `every-${format}`);
      const content = format === 'xlsx' ? await xlsx(rows) : gbkCsv(rows);
      const imported = await call('POST', '/api/ledger/statements', finance, {
        regionCode: region,
        fileName: `4月对账单.${format === 'xlsx' ? 'xlsx' : 'csv'}`,
        fileBase64: content.toString('base64'),
      });
      expect(imported.status, JSON.stringify(imported.body)).toBe(201);
      expect(imported.body).toMatchObject({
        lineCount: 12,
        creditFen: 10_000_000 + 50_000 + 1_234_567 + 1_234,
      });
      const worksheet = await call(
        'GET',
        `/api/ledger/statements/${imported.body.statementId}/reconciliation?period=2026-04`,
        finance,
      );
      expect(worksheet.status, JSON.stringify(worksheet.body)).toBe(200);
      const sheet = worksheet.body.worksheet;
      expect(kindsOf(sheet)).toEqual(
        [
          'amount_mismatch:5',
          'duplicate:7',
          'date_out_of_tolerance:8',
          'unknown_credit:9',
          'unknown_debit:10',
          'unknown_credit:11',
          'unknown_debit:12',
          'missing_from_bank:',
        ].sort(),
      );
      const matched = Object.fromEntries(
        sheet.matches.map((match: { lineNumbers: number[]; kind: string }) => [
          match.lineNumbers.join('+'),
          match.kind,
        ]),
      );
      expect(matched).toEqual({
        '1': 'appropriation',
        '2': 'disbursement',
        '3': 'disbursement',
        '4': 'payment_return',
        '6': 'disbursement',
      });
      expect(sheet.notExecuted).toHaveLength(1);
      const suggestions = sheet.problems
        .filter((problem: { suggestion?: string }) => problem.suggestion)
        .map((problem: { suggestion: string }) => problem.suggestion);
      expect(suggestions.sort()).toEqual(['bank_fee', 'interest']);
      expect(sheet.balance).toMatchObject({ isBalanced: true });
      expect(
        sheet.balance.bankCreditsNotInBooks.map((item: { amountFen: number }) => item.amountFen),
      ).toEqual([1_234_567, 1_234]);
      expect(worksheet.body.openingDifferenceFen).toBe(0);
      expect(worksheet.body.blockingProblems).toBe(3);
    });
  }

  it('interest and a fee are posted from their statement lines through the approvals queue (maker-checker); a reconciliation is signed off by a second person and stored', async () => {
    const region = '430407';
    await appropriate(region, 5_000_000, '2026-03-15', 'clean-march');
    const openingFen = await bookBalanceFen(region);
    const batch = await pay(region, 'clean', [100_000]);
    const rows = statementRows(openingFen, [
      { date: '2026-04-02', summary: '代发', debit: 100_000, note: batch.refs[0] },
      { date: '2026-04-21', summary: '结息', credit: 1_234 },
      { date: '2026-04-22', summary: '手续费', debit: 500 },
    ]);
    const imported = await call('POST', '/api/ledger/statements', finance, {
      regionCode: region,
      fileName: '4月对账单-净.csv',
      fileBase64: gbkCsv(rows).toString('base64'),
    });
    expect(imported.status).toBe(201);
    const url = `/api/ledger/statements/${imported.body.statementId}/reconciliation?period=2026-04`;
    const before = (await call('GET', url, finance)).body.worksheet;
    const lineOf = (kind: string) =>
      before.problems.find((problem: { kind: string }) => problem.kind === kind).lineIds[0] as number;
    const interest = await call('POST', '/api/ledger/statement-postings', finance, {
      statementLineId: lineOf('unknown_credit'),
      kind: 'interest',
    });
    expect(interest.status, JSON.stringify(interest.body)).toBe(201);
    const wrongSide = await call('POST', '/api/ledger/statement-postings', finance, {
      statementLineId: lineOf('unknown_debit'),
      kind: 'interest',
    });
    expect(wrongSide.status).toBe(422);
    expect(wrongSide.body.error.details[0].field).toBe('kind');
    const fee = await call('POST', '/api/ledger/statement-postings', finance, {
      statementLineId: lineOf('unknown_debit'),
      kind: 'bank_fee',
    });
    expect(fee.status).toBe(201);
    // Both are maker-checker requests in the one approvals queue, like every manual posting.
    expect(interest.body).toMatchObject({ kind: 'manual_transfer', status: 'pending', amountFen: 1_234 });
    expect(interest.body.payload).toMatchObject({
      code: 'interest',
      statementLineId: lineOf('unknown_credit'),
    });
    const twice = await call('POST', '/api/ledger/statement-postings', finance, {
      statementLineId: lineOf('unknown_credit'),
      kind: 'interest',
    });
    expect(twice.status).toBe(409);
    const queue = await call('GET', '/api/ledger/approvals?status=pending&kind=manual_transfer', reviewer);
    expect(queue.body.items.map((item: { id: number }) => item.id)).toEqual(
      expect.arrayContaining([interest.body.id, fee.body.id]),
    );
    const selfApproved = await call('POST', `/api/ledger/approvals/${interest.body.id}/decision`, finance, {
      isApproved: true,
    });
    expect(selfApproved.status).toBe(403);
    for (const posting of [interest, fee]) {
      const decided = await call('POST', `/api/ledger/approvals/${posting.body.id}/decision`, reviewer, {
        isApproved: true,
      });
      expect(decided.status, JSON.stringify(decided.body)).toBe(200);
      expect(decided.body.approval.status).toBe('approved');
    }
    const after = (await call('GET', url, finance)).body.worksheet;
    expect(after.problems).toEqual([]);
    expect(after.matches.map((match: { kind: string }) => match.kind).sort()).toEqual([
      'bank_fee',
      'disbursement',
      'interest',
    ]);
    expect(after.balance).toMatchObject({ isBalanced: true, bookBalanceFen: after.balance.bankClosingFen });

    const prepared = await call('POST', '/api/ledger/reconciliations', finance, {
      statementId: imported.body.statementId,
      period: '2026-04',
    });
    expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
    const self = await call('POST', `/api/ledger/reconciliations/${prepared.body.id}/sign-off`, finance);
    expect(self.status).toBe(403);
    const signed = await call('POST', `/api/ledger/reconciliations/${prepared.body.id}/sign-off`, reviewer);
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body).toMatchObject({ status: 'signed_off', period: '2026-04' });
    const stored = await call('GET', `/api/ledger/reconciliations/${prepared.body.id}`, finance);
    expect(stored.body.worksheet.balance.isBalanced).toBe(true);
    const again = await call('POST', `/api/ledger/reconciliations/${prepared.body.id}/sign-off`, reviewer);
    expect(again.status).toBe(409);
  });

  it('a worksheet with open errors is not signed off; the refusal names them', async () => {
    const region = '430408';
    const rows = await monthWithEveryAnomaly(region, 'blocked');
    const imported = await call('POST', '/api/ledger/statements', finance, {
      regionCode: region,
      fileName: '4月对账单-差错.csv',
      fileBase64: gbkCsv(rows).toString('base64'),
    });
    const prepared = await call('POST', '/api/ledger/reconciliations', finance, {
      statementId: imported.body.statementId,
      period: '2026-04',
    });
    expect(prepared.status).toBe(201);
    const refused = await call('POST', `/api/ledger/reconciliations/${prepared.body.id}/sign-off`, reviewer);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
      'problems.amount_mismatch',
      'problems.date_out_of_tolerance',
      'problems.duplicate',
    ]);
  });

  it('a month with five reconciliation problems open is not closed: the sign-off is refused and the close names the region', async () => {
    const region = '430422';
    const rows = await monthWithEveryAnomaly(region, 'five-open');
    const imported = await call('POST', '/api/ledger/statements', finance, {
      regionCode: region,
      fileName: '4月对账单-五处差异.xlsx',
      fileBase64: (await xlsx(rows)).toString('base64'),
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    const prepared = await call('POST', '/api/ledger/reconciliations', finance, {
      statementId: imported.body.statementId,
      period: '2026-04',
    });
    expect(prepared.status, JSON.stringify(prepared.body)).toBe(201);
    // Amount mismatch, duplicate, date out of tolerance, an unknown credit and an unknown debit.
    const open = new Set(prepared.body.worksheet.problems.map((problem: { kind: string }) => problem.kind));
    for (const kind of [
      'amount_mismatch',
      'duplicate',
      'date_out_of_tolerance',
      'unknown_credit',
      'unknown_debit',
    ])
      expect(open).toContain(kind);
    const refused = await call('POST', `/api/ledger/reconciliations/${prepared.body.id}/sign-off`, reviewer);
    expect(refused.status).toBe(409);

    const province = await testApp.loginAs('hn_finance');
    const checklist = await call('GET', '/api/ledger/periods/checklist?period=2026-04', province);
    expect(checklist.status, JSON.stringify(checklist.body)).toBe(200);
    expect(checklist.body.mayClose).toBe(false);
    const reconciled = checklist.body.items.find((item: { code: string }) => item.code === 'reconciled');
    expect(reconciled.isOk).toBe(false);
    expect(reconciled.details.map((detail: { field: string }) => detail.field)).toContain(
      `reconciliations.${region}`,
    );
    const close = await call('POST', '/api/ledger/periods/close', province, { period: '2026-04' });
    expect(close.status).toBe(409);
    expect(close.body.error.code).toBe('PERIOD_CLOSE_REFUSED');
    expect(close.body.error.details).toContainEqual(
      expect.objectContaining({ check: 'reconciled', field: `reconciliations.${region}` }),
    );
    const closedRows = await testApp.database.db
      .selectFrom('ledger_period_close')
      .select('period')
      .where('province_code', '=', '430000')
      .execute();
    expect(closedRows).toEqual([]);
  });

  it('a statement in one signed column maps its headers, and the mapping is saved for the profile', async () => {
    const region = '430412';
    const csv =
      '\ufeff记账日期,交易金额,用途,账户余额\r\n2026-04-03,-12.00,手续费,988.00\r\n2026-04-04,+2.00,利息,990.00\r\n';
    const refused = await call('POST', '/api/ledger/statements', finance, {
      regionCode: region,
      fileName: 'signed.csv',
      csv,
      columns: { date: ['记账日期'], amount: ['金额'] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details[0].field).toBe('file');
    const imported = await call('POST', '/api/ledger/statements', finance, {
      regionCode: region,
      fileName: 'signed.csv',
      csv,
      columns: { amount: ['交易金额'], reference: ['用途'] },
      saveMapping: true,
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({
      debitFen: 1_200,
      creditFen: 200,
      openingBalanceFen: 100_000,
      closingBalanceFen: 99_000,
    });
    const profiles = await call('GET', '/api/ledger/bank-profiles', finance);
    const generic = profiles.body.items.find((profile: { code: string }) => profile.code === 'generic');
    expect(generic).toMatchObject({ isCustomised: true, statement: { columns: { amount: ['交易金额'] } } });
  });

  it('imported statements are listed within the caller’s region, newest first', async () => {
    // A region code that names no region is a 422 naming the field (it was a 500).
    const unknown = await call('POST', '/api/ledger/statements', finance, {
      regionCode: '430415',
      fileName: '无此地区.csv',
      csv: '交易日期,摘要,借方发生额,贷方发生额,余额\r\n2026-04-09,结息,,3.00,3.00\r\n',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details[0].field).toBe('regionCode');
    const imported = await call('POST', '/api/ledger/statements', finance, {
      regionCode: '430426',
      fileName: '列表用对账单.csv',
      csv: '交易日期,摘要,借方发生额,贷方发生额,余额\r\n2026-04-09,结息,,3.00,3.00\r\n',
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    // The same file again is the same import; for another region's account it is refused.
    const again = await call('POST', '/api/ledger/statements', finance, {
      regionCode: '430426',
      fileName: '列表用对账单.csv',
      csv: '交易日期,摘要,借方发生额,贷方发生额,余额\r\n2026-04-09,结息,,3.00,3.00\r\n',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ statementId: imported.body.statementId, isReplay: true });
    const elsewhere = await call('POST', '/api/ledger/statements', finance, {
      regionCode: '430421',
      fileName: '列表用对账单.csv',
      csv: '交易日期,摘要,借方发生额,贷方发生额,余额\r\n2026-04-09,结息,,3.00,3.00\r\n',
    });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.details[0].field).toBe('regionCode');
    const listed = await call('GET', '/api/ledger/statements?pageSize=100', finance);
    expect(listed.status).toBe(200);
    expect(listed.body.items[0]).toMatchObject({
      statementId: imported.body.statementId,
      regionCode: '430426',
      fileName: '列表用对账单.csv',
      lineCount: 1,
      from: '2026-04-09',
      to: '2026-04-09',
    });
    const other = await call('GET', '/api/ledger/statements', await testApp.loginAs('nj_finance'));
    expect(other.status).toBe(200);
    expect(other.body.items.map((item: { regionCode: string }) => item.regionCode.slice(0, 2))).not.toContain(
      '43',
    );
    const outside = await call('GET', '/api/ledger/statements?regionCode=320100', finance);
    expect(outside.status).toBe(403);
  });

  it('bad statement rows are refused with 422 naming each row, nothing stored', async () => {
    const csv = '交易日期,借方发生额,贷方发生额\r\n2026-13-01,1.00,\r\n2026-04-02,1.00,2.00\r\n';
    const refused = await call('POST', '/api/ledger/statements', finance, {
      regionCode: '430421',
      fileName: 'bad.csv',
      csv,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.map((detail: { field: string }) => detail.field)).toEqual([
      'rows[2].date',
      'rows[3].amount',
    ]);
    const stored = await testApp.database.db
      .selectFrom('bank_statement')
      .select('id')
      .where('file_name', '=', 'bad.csv')
      .execute();
    expect(stored).toEqual([]);
    const badBody = await call('POST', '/api/ledger/statements', finance, { regionCode: '430421' });
    expect(badBody.status).toBe(400);
  });
});
