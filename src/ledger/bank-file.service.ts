import type { Executor } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import {
  CONTENT_TYPES,
  type FileFormat,
  type TextEncoding,
  type WrittenTable,
  writeTableFile,
} from './bank-file.codec.ts';
import {
  type BankProfile,
  getProfile,
  type InstructionField,
  type SpecialBankAccount,
  specialAccountFor,
} from './bank-profile.service.ts';
import { type Disbursement, fenToYuan, getPaymentBatch, type PaymentBatch } from './payment.service.ts';

/** `SF43B000000000012`: the batch number printed on the instruction file (province prefix + batch id). */
export function batchNumber(provinceCode: string, batchId: number): string {
  return `SF${provinceCode.slice(0, 2)}B${String(batchId).padStart(12, '0')}`;
}

export interface GeneratedFile {
  fileName: string;
  contentType: string;
  content: Buffer;
  profileCode: string;
}

/** The special account that pays a batch; a batch cannot be sent to a bank without one. */
export async function payingAccount(executor: Executor, regionCode: string): Promise<SpecialBankAccount> {
  const account = await specialAccountFor(executor, regionCode);
  if (!account)
    throw new AppError('BANK_ACCOUNT_MISSING', '本地区尚未登记专户（开户行与账号），无法生成支付指令文件', [
      {
        field: 'regionCode',
        message: `${regionCode} 及其所属市、省均未登记专户`,
      },
    ]);
  return account;
}

function cellOf(
  field: InstructionField,
  context: { batch: PaymentBatch; account: SpecialBankAccount; disbursement: Disbursement; sequence: number },
): string | number {
  const { batch, account, disbursement } = context;
  switch (field) {
    case 'sequence':
      return context.sequence;
    case 'payeeAccount':
      return disbursement.payee.bankAccount;
    case 'payeeName':
      return disbursement.payee.name;
    case 'payeeBankName':
      return disbursement.payee.bankName ?? '';
    case 'payeeBankCode':
      return disbursement.payee.bankCode ?? '';
    case 'amountYuan':
      return fenToYuan(disbursement.amountFen);
    case 'purpose':
      return '职业技能提升补贴';
    case 'reference':
      return disbursement.reference;
    case 'payerAccount':
      return account.accountNumber;
    case 'payerName':
      return account.accountName;
    case 'batchNumber':
      return batchNumber(batch.provinceCode, batch.id);
    case 'valueDate':
      return batch.valueDate;
  }
}

/** The summary block above the detail table: batch number, payer, count and total. */
function summaryRows(
  batch: PaymentBatch,
  account: SpecialBankAccount,
  disbursements: Disbursement[],
): string[][] {
  const totalFen = disbursements.reduce((sum, item) => sum + item.amountFen, 0);
  return [
    ['批次号', batchNumber(batch.provinceCode, batch.id)],
    ['付款账号', account.accountNumber],
    ['付款户名', account.accountName],
    ['付款行', account.bankName],
    ['付款行联行号', account.bankCode ?? ''],
    ['总笔数', String(disbursements.length)],
    ['总金额（元）', fenToYuan(totalFen)],
    ['指令日期', batch.valueDate],
  ];
}

/** Builds the table of an instruction file (or, with `extraHeaders`, the template of its result file). */
function instructionTable(
  profile: BankProfile,
  batch: PaymentBatch,
  account: SpecialBankAccount,
  options: { format: FileFormat; extra?: { header: string; width: number }[] },
): WrittenTable {
  // Only disbursements still awaiting the bank go to it; a paid or failed one is never sent twice.
  const disbursements = batch.disbursements.filter((item) => item.status === 'ordered');
  const columns = [
    ...profile.instruction.columns,
    ...(options.extra ?? []).map((column) => ({ ...column, field: null })),
  ];
  const summary = summaryRows(batch, account, disbursements);
  const header = columns.map((column) => column.header);
  const details = disbursements.map((disbursement, index) =>
    columns.map((column) =>
      column.field === null
        ? ''
        : cellOf(column.field, { batch, account, disbursement, sequence: index + 1 }),
    ),
  );
  const amountIndex = columns.findIndex((column) => column.field === 'amountYuan');
  // Fixed-column text carries the summary as "名称：值" lines; tables put it in two cells.
  const summaryLines =
    options.format === 'txt' ? summary.map(([name, value]) => [`${name}：${value}`]) : summary;
  const rows: (string | number)[][] = [...summaryLines, [], header, ...details];
  if (options.format === 'xlsx')
    for (const row of details) if (amountIndex >= 0) row[amountIndex] = Number(row[amountIndex]);
  return {
    rows: options.format === 'txt' ? rows.filter((row) => row.length > 0) : rows,
    amountColumns: amountIndex >= 0 ? [amountIndex] : [],
    headerRowIndex: summaryLines.length + (options.format === 'txt' ? 0 : 1),
    sheetName: profile.instruction.sheetName,
    fixedWidths: columns.map((column) => column.width),
  };
}

function parseChoice(profile: BankProfile, format?: FileFormat, encoding?: TextEncoding) {
  return {
    format: format ?? profile.instruction.defaultFormat,
    encoding: encoding ?? profile.instruction.encoding,
  };
}

/**
 * The payment instruction file of a batch (批量代发/批量转账) in the layout of the paying special
 * account's bank profile: xlsx, CSV or fixed-column text, GBK or UTF-8 with BOM.
 */
export async function instructionFile(
  executor: Executor,
  input: { batchId: number; format?: FileFormat; encoding?: TextEncoding },
): Promise<GeneratedFile> {
  const batch = await getPaymentBatch(executor, input.batchId);
  const account = await payingAccount(executor, batch.regionCode);
  const profile = await getProfile(executor, batch.provinceCode, account.profileCode);
  const { format, encoding } = parseChoice(profile, input.format, input.encoding);
  if (!batch.disbursements.some((item) => item.status === 'ordered'))
    throw new AppError('INVALID_STATE', '本批次没有待银行处理的支付', [
      { field: 'batchId', message: '每笔支付均已有银行处理结果' },
    ]);
  const table = instructionTable(profile, batch, account, { format });
  return {
    fileName: `支付指令_${batchNumber(batch.provinceCode, batch.id)}.${format}`,
    contentType:
      CONTENT_TYPES[format] + (format === 'xlsx' ? '' : `; charset=${encoding === 'gbk' ? 'gbk' : 'utf-8'}`),
    content: await writeTableFile(table, format, encoding),
    profileCode: profile.code,
  };
}

/**
 * The result file the profile expects for a batch, pre-filled: the instruction rows with the
 * result columns (处理结果, 失败原因) left empty for the bank or the officer to fill in.
 */
export async function resultTemplate(
  executor: Executor,
  input: { batchId: number; format?: FileFormat; encoding?: TextEncoding },
): Promise<GeneratedFile> {
  const batch = await getPaymentBatch(executor, input.batchId);
  const account = await payingAccount(executor, batch.regionCode);
  const profile = await getProfile(executor, batch.provinceCode, account.profileCode);
  const { format, encoding } = parseChoice(profile, input.format, input.encoding);
  const table = instructionTable(profile, batch, account, { format, extra: profile.result.extraColumns });
  return {
    fileName: `支付结果模板_${batchNumber(batch.provinceCode, batch.id)}.${format}`,
    contentType:
      CONTENT_TYPES[format] + (format === 'xlsx' ? '' : `; charset=${encoding === 'gbk' ? 'gbk' : 'utf-8'}`),
    content: await writeTableFile(table, format, encoding),
    profileCode: profile.code,
  };
}
