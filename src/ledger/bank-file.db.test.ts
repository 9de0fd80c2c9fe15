import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { createPaymentBatch } from './payment.service.ts';
import { accountFor, inLedgerTransaction, postTransfers } from './transfer.service.ts';

let testApp: TestApp;
let finance: { authorization: string };

beforeAll(async () => {
  testApp = await createTestApp();
  finance = await testApp.loginAs('hy_finance');
});
afterAll(async () => {
  await testApp?.close();
});

async function fundCounty(regionCode: string, amountFen: number, key: string) {
  const db = testApp.database.db;
  const ui = await accountFor(db, regionCode, 'ui_fund_source');
  const special = await accountFor(db, regionCode, 'special');
  const training = await accountFor(db, regionCode, 'training');
  await postTransfers(db, SYSTEM_CONTEXT, {
    provinceCode: '430000',
    code: 'appropriation',
    description: 'fund the county',
    transfers: [
      {
        idempotencyId: `${key}-a`,
        debitAccountId: ui.id,
        creditAccountId: special.id,
        amountFen,
        code: 'appropriation',
        valueDate: '2026-04-01',
      },
      {
        idempotencyId: `${key}-b`,
        debitAccountId: special.id,
        creditAccountId: training.id,
        amountFen,
        code: 'allocation',
        valueDate: '2026-04-01',
      },
    ],
  });
}

interface Batch {
  id: number;
  disbursements: { id: number; reference: string; amountFen: number; status: string }[];
}

/**
 * A batch as the checker's approval of a payment order posts it (the free-form batch route is
 * gone: payments are derived from approved claims, issue 15); here through the ledger service.
 */
async function orderBatch(regionCode: string, key: string): Promise<Batch> {
  // Payment batches come from approved payment orders (claims domain); the ledger's own API is used here.
  return inLedgerTransaction(testApp.database.db, (trx) =>
    createPaymentBatch(trx, SYSTEM_CONTEXT, {
      idempotencyId: `bank-file-${key}`,
      valueDate: '2026-04-02',
      items: [
        {
          claimId: 90_001,
          payee: {
            type: 'organisation',
            id: 7,
            name: '衡阳市雁峰区职业培训学校',
            bankAccount: '6222020304050607080',
            bankName: '中国工商银行衡阳雁峰支行',
            bankCode: '102554000123',
          },
          amountFen: 1_234_567,
          subAccount: 'training',
          regionCode,
        },
        {
          claimId: 90_002,
          payee: { type: 'person', id: 8, name: '李四', bankAccount: '6217000011112222333' },
          amountFen: 50_005,
          subAccount: 'training',
          regionCode,
        },
      ],
    }),
  );
}

const download = (batchId: number, query: string, kind = 'instruction-file') =>
  testApp.app.inject({
    method: 'GET',
    url: `/api/ledger/payment-batches/${batchId}/${kind}${query}`,
    headers: finance,
  });

const postResult = (batchId: number, content: Buffer, extra: Record<string, unknown> = {}) =>
  testApp.app.inject({
    method: 'POST',
    url: `/api/claims/payments/${batchId}/bank-result`,
    headers: finance,
    payload: { fileBase64: content.toString('base64'), valueDate: '2026-04-03', ...extra },
  });

/** The bank's answer to an instruction CSV: the same rows with 处理结果 and 失败原因 added. */
function resultCsv(instructionText: string, outcomes: [string, string][]): string {
  const lines = instructionText.trim().split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.startsWith('序号,'));
  let detail = 0;
  return lines
    .map((line, index) => {
      if (index < headerIndex) return line;
      if (index === headerIndex) return `${line},处理结果,失败原因`;
      const [status, reason] = outcomes[detail++]!;
      return `${line},${status},${reason}`;
    })
    .join('\r\n');
}

describe('instruction files and bank results in the bank profile (批量代发)', () => {
  it('the xlsx instruction, read back by ExcelJS, has Chinese headers, payer, payee bank and 联行号, yuan, 备注 reference, batch number, count and total', async () => {
    await fundCounty('430405', 5_000_000, 'xlsx');
    const batch = await orderBatch('430405', 'xlsx');
    const response = await download(batch.id, '?format=xlsx');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(response.headers['x-bank-profile']).toBe('generic');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('批量代发');
    const rows: unknown[][] = [];
    let headerRowNumber = 0;
    sheet.eachRow((row, number) => {
      rows.push((row.values as unknown[]).slice(1));
      if (row.getCell(1).value === '序号') headerRowNumber = number;
    });
    const summary = Object.fromEntries(rows.slice(0, 8).map((row) => [row[0], row[1]]));
    expect(summary).toMatchObject({
      批次号: `SF43B${String(batch.id).padStart(12, '0')}`,
      付款账号: '430100000000430000',
      付款户名: '职业技能提升行动专账（演示）430000',
      总笔数: '2',
      '总金额（元）': '12845.72',
      指令日期: '2026-04-02',
    });
    const headerIndex = rows.findIndex((row) => row[0] === '序号');
    expect(rows[headerIndex]).toEqual([
      '序号',
      '收款账号',
      '收款户名',
      '收款行名称',
      '收款行联行号',
      '金额（元）',
      '用途',
      '备注',
    ]);
    expect(rows[headerIndex + 1]).toEqual([
      1,
      '6222020304050607080',
      '衡阳市雁峰区职业培训学校',
      '中国工商银行衡阳雁峰支行',
      '102554000123',
      12345.67,
      '职业技能提升补贴',
      batch.disbursements[0]!.reference,
    ]);
    expect(sheet.getRow(headerRowNumber + 1).getCell(6).numFmt).toBe('0.00');
    expect(rows[headerIndex + 2]?.slice(5)).toEqual([
      500.05,
      '职业技能提升补贴',
      batch.disbursements[1]!.reference,
    ]);
  });

  for (const encoding of ['gbk', 'utf8bom'] as const) {
    it(`round trip in ${encoding}: instruction CSV, the bank's result in the same layout (one paid, one failed with its reason)`, async () => {
      const region = encoding === 'gbk' ? '430406' : '430407';
      await fundCounty(region, 5_000_000, `rt-${encoding}`);
      const batch = await orderBatch(region, `rt-${encoding}`);
      const response = await download(batch.id, `?format=csv&encoding=${encoding}`);
      expect(response.statusCode).toBe(200);
      const bytes = response.rawPayload;
      const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      expect(hasBom).toBe(encoding === 'utf8bom');
      const text = encoding === 'gbk' ? iconv.decode(bytes, 'gbk') : bytes.subarray(3).toString('utf8');
      expect(text).toContain('序号,收款账号,收款户名,收款行名称,收款行联行号,金额（元）,用途,备注');
      expect(text).toContain(`12345.67,职业技能提升补贴,${batch.disbursements[0]!.reference}`);
      expect(text).toContain('总笔数,2');
      if (encoding === 'gbk') expect(bytes.includes(Buffer.from('序号', 'utf8'))).toBe(false);

      const answer = resultCsv(text, [
        ['成功', ''],
        ['失败', '收款账户已销户'],
      ]);
      const content =
        encoding === 'gbk' ? iconv.encode(answer, 'gbk') : Buffer.from(`\ufeff${answer}`, 'utf8');
      // A failed payment's money goes back to the sub-account it was charged to (issue 15).
      const balanceBefore = (await accountFor(testApp.database.db, region, 'training')).balanceFen;

      const preview = await postResult(batch.id, content, { isPreview: true });
      expect(preview.statusCode, preview.body).toBe(200);
      expect(preview.json().rows.map((row: { outcome: string }) => row.outcome)).toEqual(['paid', 'failed']);
      expect((await accountFor(testApp.database.db, region, 'training')).balanceFen).toBe(balanceBefore);

      const imported = await postResult(batch.id, content);
      expect(imported.statusCode, imported.body).toBe(200);
      expect(imported.json()).toMatchObject({
        paid: [batch.disbursements[0]!.reference],
        failed: [batch.disbursements[1]!.reference],
        ignored: [],
      });
      expect(imported.json().rows[1]).toMatchObject({ outcome: 'failed', reason: '收款账户已销户' });
      // One finance officer's import moves nothing back; a second one's approval does (待复核).
      expect((await accountFor(testApp.database.db, region, 'training')).balanceFen).toBe(balanceBefore);
      expect(imported.json().pendingApprovals).toHaveLength(1);
      const approved = await testApp.app.inject({
        method: 'POST',
        url: `/api/ledger/approvals/${imported.json().pendingApprovals[0].approvalId}/decision`,
        headers: await testApp.loginAs('hy_finance_checker'),
        payload: { isApproved: true },
      });
      expect(approved.statusCode, approved.body).toBe(200);
      expect((await accountFor(testApp.database.db, region, 'training')).balanceFen).toBe(
        balanceBefore + 50_005,
      );

      // The same file again changes nothing and says so row by row.
      const again = await postResult(batch.id, content);
      expect(again.statusCode).toBe(200);
      expect(again.json().recorded).toHaveLength(2);
      expect((await accountFor(testApp.database.db, region, 'training')).balanceFen).toBe(
        balanceBefore + 50_005,
      );
    });
  }

  it('round trip in fixed-column GBK text: every cell padded to its width in bytes; the bank appends 处理结果 and 失败原因 and it imports', async () => {
    await fundCounty('430481', 5_000_000, 'txt');
    const batch = await orderBatch('430481', 'txt');
    const response = await download(batch.id, '?format=txt&encoding=gbk');
    expect(response.statusCode, response.body).toBe(200);
    const bytes = response.rawPayload;
    const lines = iconv
      .decode(bytes, 'gbk')
      .split('\r\n')
      .filter((line) => line !== '');
    expect(lines[0]!.trim()).toBe(`批次号：SF43B${String(batch.id).padStart(12, '0')}`);
    expect(lines.map((line) => line.trim())).toEqual(
      expect.arrayContaining(['总笔数：2', '总金额（元）：12845.72', '付款账号：430100000000430000']),
    );
    const headerIndex = lines.findIndex((line) => line.startsWith('序号'));
    // 序号 6, 收款账号 32, 收款户名 60, 收款行名称 60, 收款行联行号 12, 金额（元） 16, 用途 40, 备注 20.
    const widths = [6, 32, 60, 60, 12, 16, 40, 20];
    const rowBytes = widths.reduce((sum, width) => sum + width, 0);
    const details = lines.slice(headerIndex, headerIndex + 3);
    for (const line of details) expect(iconv.encode(line, 'gbk').length).toBe(rowBytes);
    const first = iconv.encode(details[1]!, 'gbk');
    const cell = (index: number) => {
      const start = widths.slice(0, index).reduce((sum, width) => sum + width, 0);
      return iconv.decode(first.subarray(start, start + widths[index]!), 'gbk');
    };
    expect(cell(2).trim()).toBe('衡阳市雁峰区职业培训学校');
    expect(cell(4)).toBe('102554000123');
    expect(cell(5)).toBe('        12345.67');
    expect(cell(7).trim()).toBe(batch.disbursements[0]!.reference);

    const pad = (text: string, width: number) => text + ' '.repeat(width - iconv.encode(text, 'gbk').length);
    const answer = [
      ...lines.slice(0, headerIndex),
      details[0] + pad('处理结果', 10) + pad('失败原因', 60),
      details[1] + pad('成功', 10) + pad('', 60),
      details[2] + pad('失败', 10) + pad('户名与账号不符', 60),
    ].join('\r\n');
    const imported = await postResult(batch.id, iconv.encode(answer, 'gbk'));
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({
      paid: [batch.disbursements[0]!.reference],
      failed: [batch.disbursements[1]!.reference],
      ignored: [],
    });
    expect(imported.json().rows[1]).toMatchObject({ outcome: 'failed', reason: '户名与账号不符' });
  });

  it('the result template is the xlsx instruction with 处理结果 and 失败原因; filled in, it imports', async () => {
    await fundCounty('430408', 5_000_000, 'template');
    const batch = await orderBatch('430408', 'template');
    const template = await download(batch.id, '?format=xlsx', 'result-template');
    expect(template.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(template.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0]!;
    let headerRow = 0;
    sheet.eachRow((row, number) => {
      if (row.getCell(1).value === '序号') headerRow = number;
    });
    expect(sheet.getRow(headerRow).getCell(9).value).toBe('处理结果');
    expect(sheet.getRow(headerRow).getCell(10).value).toBe('失败原因');
    sheet.getRow(headerRow + 1).getCell(9).value = '交易成功';
    sheet.getRow(headerRow + 2).getCell(9).value = '交易成功';
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());
    const imported = await postResult(batch.id, filled);
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json().paid).toHaveLength(2);
  });

  it('a result file of which no row belongs to the batch is refused with 422 naming each row; nothing changes', async () => {
    await fundCounty('430412', 5_000_000, 'unmatched');
    const batch = await orderBatch('430412', 'unmatched');
    const content = iconv.encode(
      '序号,收款账号,收款户名,金额（元）,备注,处理结果,失败原因\r\n1,1,甲,1.00,SF43D999999999999,成功,\r\n2,2,乙,2.00,,失败,户名不符\r\n',
      'gbk',
    );
    const refused = await postResult(batch.id, content);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('BANK_FILE_UNMATCHED');
    expect(refused.json().error.details.map((detail: { field: string }) => detail.field)).toEqual([
      'rows[2]',
      'rows[3]',
    ]);
    const wrongLayout = await postResult(batch.id, Buffer.from('id,result\n1,ok\n'));
    expect(wrongLayout.statusCode).toBe(422);
    expect(wrongLayout.json().error.details[0]).toMatchObject({ field: 'file' });
    expect(wrongLayout.json().error.details[0].message).toContain('处理结果');
    const rows = await testApp.database.db
      .selectFrom('payment_disbursement')
      .select('status')
      .where('batch_id', '=', batch.id)
      .execute();
    expect(rows.map((row) => row.status)).toEqual(['ordered', 'ordered']);
  });

  it('a mismatched amount or an unknown status is an unmatched row with its reason, next to the rows that import', async () => {
    await fundCounty('430421', 5_000_000, 'partial');
    const batch = await orderBatch('430421', 'partial');
    const [first, second] = batch.disbursements;
    const content = Buffer.from(
      `\ufeff备注,金额（元）,处理结果,失败原因\r\n${first!.reference},12345.67,成功,\r\n${second!.reference},500.50,成功,\r\n合计,12846.17,,\r\n`,
    );
    const imported = await postResult(batch.id, content);
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json().paid).toEqual([first!.reference]);
    expect(imported.json().ignored).toEqual([
      { reference: second!.reference, reason: '金额不符：文件 500.50 元，指令 500.05 元' },
    ]);
  });

  it('bad requests name the field: an unknown format, a body with neither csv nor file', async () => {
    const badFormat = await download(1, '?format=pdf');
    expect(badFormat.statusCode).toBe(400);
    expect(badFormat.body).toContain('format');
    const noFile = await testApp.app.inject({
      method: 'POST',
      url: '/api/claims/payments/1/bank-result',
      headers: finance,
      payload: { valueDate: '2026-04-03' },
    });
    expect(noFile.statusCode).toBe(400);
  });
});
