import { readdirSync, readFileSync } from 'node:fs';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, provinceOf } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import { regionAncestors } from '../shared/regions.ts';
import type { FileFormat, TextEncoding } from './bank-file.codec.ts';

/** What an instruction-file column holds. */
export const INSTRUCTION_FIELDS = [
  'sequence',
  'payeeAccount',
  'payeeName',
  'payeeBankName',
  'payeeBankCode',
  'amountYuan',
  'purpose',
  'reference',
  'payerAccount',
  'payerName',
  'batchNumber',
  'valueDate',
] as const;
export type InstructionField = (typeof INSTRUCTION_FIELDS)[number];

export const RESULT_COLUMNS = ['reference', 'status', 'reason', 'amount', 'payeeAccount'] as const;
export const STATEMENT_COLUMNS = [
  'date',
  'debit',
  'credit',
  'amount',
  'balance',
  'reference',
  'summary',
  'counterpartyName',
] as const;
export type StatementColumn = (typeof STATEMENT_COLUMNS)[number];

/**
 * A bank's file layouts, kept as data: built-in profiles are JSON files in `bank-profiles/`, a
 * province adds or adapts one through the API (stored in `ledger_bank_profile`). Headers are
 * matched by name (a list of names the banks use for the same column), never by position, except
 * in fixed-column text where `width` (bytes) places them.
 */
export interface BankProfile {
  code: string;
  name: string;
  description?: string;
  instruction: {
    defaultFormat: FileFormat;
    encoding: TextEncoding;
    sheetName: string;
    columns: { header: string; field: InstructionField; width: number }[];
  };
  result: {
    extraColumns: { header: string; width: number }[];
    columns: Record<(typeof RESULT_COLUMNS)[number], string[]>;
    paidValues: string[];
    failedValues: string[];
  };
  statement: {
    columns: Record<StatementColumn, string[]>;
    /** In a single signed amount column: true when money out is printed negative. */
    isOutflowNegative: boolean;
  };
}

export interface ProfileView extends BankProfile {
  isBuiltIn: boolean;
  isCustomised: boolean;
}

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', '银行格式定义不合规', [{ field, message }]);

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string' && item.trim() !== '');

/** Checks a profile definition (built-in at start, or posted by a province) and names each bad field. */
export function validateProfile(value: unknown): BankProfile {
  const profile = value as BankProfile;
  if (!profile || typeof profile !== 'object') throw invalid('profile', '须为对象');
  if (typeof profile.code !== 'string' || !/^[a-z0-9_-]{2,40}$/.test(profile.code))
    throw invalid('code', '格式代码须为 2–40 位小写字母、数字、-、_');
  if (typeof profile.name !== 'string' || profile.name.trim() === '') throw invalid('name', '须填写格式名称');
  const instruction = profile.instruction;
  if (!instruction || !['xlsx', 'csv', 'txt'].includes(instruction.defaultFormat))
    throw invalid('instruction.defaultFormat', '须为 xlsx、csv 或 txt');
  if (!['gbk', 'utf8bom'].includes(instruction.encoding))
    throw invalid('instruction.encoding', '须为 gbk 或 utf8bom');
  if (!Array.isArray(instruction.columns) || instruction.columns.length === 0)
    throw invalid('instruction.columns', '至少一列');
  instruction.columns.forEach((column, index) => {
    if (!column?.header) throw invalid(`instruction.columns[${index}].header`, '须填写列名');
    if (!INSTRUCTION_FIELDS.includes(column.field))
      throw invalid(`instruction.columns[${index}].field`, `须为 ${INSTRUCTION_FIELDS.join('、')} 之一`);
    if (!Number.isInteger(column.width) || column.width < 1 || column.width > 200)
      throw invalid(`instruction.columns[${index}].width`, '须为 1–200 的整数（字节）');
  });
  for (const field of ['reference', 'amountYuan'] as const)
    if (!instruction.columns.some((column) => column.field === field))
      throw invalid('instruction.columns', `须含 ${field} 列`);
  const result = profile.result;
  if (!result?.columns) throw invalid('result.columns', '须填写结果文件列名');
  for (const column of RESULT_COLUMNS)
    if (!isStringList(result.columns[column])) throw invalid(`result.columns.${column}`, '须为列名数组');
  if (!isStringList(result.paidValues) || result.paidValues.length === 0)
    throw invalid('result.paidValues', '须列出表示成功的取值');
  if (!isStringList(result.failedValues) || result.failedValues.length === 0)
    throw invalid('result.failedValues', '须列出表示失败的取值');
  if (!Array.isArray(result.extraColumns)) throw invalid('result.extraColumns', '须为数组');
  if (!profile.statement?.columns) throw invalid('statement.columns', '须填写对账单列名');
  for (const column of STATEMENT_COLUMNS)
    if (!isStringList(profile.statement.columns[column]))
      throw invalid(`statement.columns.${column}`, '须为列名数组（可为空数组）');
  if (profile.statement.columns.date.length === 0) throw invalid('statement.columns.date', '须有日期列');
  if (
    profile.statement.columns.amount.length === 0 &&
    (profile.statement.columns.debit.length === 0 || profile.statement.columns.credit.length === 0)
  )
    throw invalid('statement.columns', '须有借方与贷方发生额两列，或一列带符号的发生额');
  if (typeof profile.statement.isOutflowNegative !== 'boolean')
    throw invalid('statement.isOutflowNegative', '须为布尔值');
  return profile;
}

function loadBuiltInProfiles(): Map<string, BankProfile> {
  const directory = new URL('./bank-profiles/', import.meta.url);
  const profiles = new Map<string, BankProfile>();
  for (const file of readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const profile = validateProfile(JSON.parse(readFileSync(new URL(file, directory), 'utf8')));
    profiles.set(profile.code, profile);
  }
  if (!profiles.has('generic')) throw new Error('the generic bank profile is missing');
  return profiles;
}

/** Read once at start; a bad built-in profile fails fast. */
const BUILT_IN_PROFILES = loadBuiltInProfiles();

export async function listProfiles(executor: Executor, provinceCode: string): Promise<ProfileView[]> {
  const rows = await executor
    .selectFrom('ledger_bank_profile')
    .select(['code', 'definition'])
    .where('province_code', '=', provinceCode)
    .orderBy('code')
    .execute();
  const saved = new Map(rows.map((row) => [row.code, row.definition as BankProfile]));
  const views: ProfileView[] = [...BUILT_IN_PROFILES.values()].map((profile) => ({
    ...(saved.get(profile.code) ?? profile),
    isBuiltIn: true,
    isCustomised: saved.has(profile.code),
  }));
  for (const [code, profile] of saved)
    if (!BUILT_IN_PROFILES.has(code)) views.push({ ...profile, isBuiltIn: false, isCustomised: true });
  return views;
}

export async function getProfile(
  executor: Executor,
  provinceCode: string,
  code: string,
): Promise<BankProfile> {
  const row = await executor
    .selectFrom('ledger_bank_profile')
    .select('definition')
    .where('province_code', '=', provinceCode)
    .where('code', '=', code)
    .executeTakeFirst();
  const profile = (row?.definition as BankProfile | undefined) ?? BUILT_IN_PROFILES.get(code);
  if (!profile)
    throw new AppError('NOT_FOUND', `银行格式不存在：${code}`, [{ field: 'profileCode', message: '不存在' }]);
  return profile;
}

/** Adds or replaces a province's profile (a built-in code is adapted, e.g. its statement mapping). */
export async function saveProfile(
  executor: Executor,
  context: AuditContext,
  input: { provinceCode: string; profile: unknown },
): Promise<BankProfile> {
  const profile = validateProfile(input.profile);
  const before = await executor
    .selectFrom('ledger_bank_profile')
    .select('definition')
    .where('province_code', '=', input.provinceCode)
    .where('code', '=', profile.code)
    .executeTakeFirst();
  const values = {
    name: profile.name,
    definition: JSON.stringify(profile),
    updated_by: context.actor?.userId ?? null,
    updated_at: new Date(),
  };
  await executor
    .insertInto('ledger_bank_profile')
    .values({ province_code: input.provinceCode, code: profile.code, ...values })
    .onConflict((conflict) => conflict.columns(['province_code', 'code']).doUpdateSet(values))
    .execute();
  await recordAudit(executor, context, {
    action: 'ledger.bank_profile.save',
    objectType: 'ledger_bank_profile',
    objectId: `${input.provinceCode}:${profile.code}`,
    provinceCode: input.provinceCode,
    before: before?.definition ?? null,
    after: profile,
  });
  return profile;
}

/** The special account (专户) of a region at its bank. */
export interface SpecialBankAccount {
  provinceCode: string;
  regionCode: string;
  accountNumber: string;
  accountName: string;
  bankName: string;
  /** 联行号 (CNAPS) of the account's bank. */
  bankCode: string | null;
  profileCode: string;
}

/** The region itself, its city and its province: where a special account may be registered. */
export function regionAndAncestors(regionCode: string): string[] {
  return regionAncestors(regionCode);
}

type AccountRow = {
  province_code: string;
  region_code: string;
  account_number: string;
  account_name: string;
  bank_name: string;
  bank_code: string | null;
  profile_code: string;
};

const toSpecialAccount = (row: AccountRow): SpecialBankAccount => ({
  provinceCode: row.province_code,
  regionCode: row.region_code,
  accountNumber: row.account_number,
  accountName: row.account_name,
  bankName: row.bank_name,
  bankCode: row.bank_code,
  profileCode: row.profile_code,
});

/** The special account that pays for a region: its own, else its city's, else its province's. */
export async function specialAccountFor(
  executor: Executor,
  regionCode: string,
): Promise<SpecialBankAccount | null> {
  const candidates = regionAndAncestors(regionCode);
  const rows = await executor
    .selectFrom('ledger_bank_account')
    .selectAll()
    .where('province_code', '=', provinceOf(regionCode))
    .where('region_code', 'in', candidates)
    .execute();
  for (const candidate of candidates) {
    const row = rows.find((item) => item.region_code === candidate);
    if (row) return toSpecialAccount(row);
  }
  return null;
}

export async function listSpecialAccounts(
  executor: Executor,
  regionPattern: string,
): Promise<SpecialBankAccount[]> {
  const rows = await executor
    .selectFrom('ledger_bank_account')
    .selectAll()
    .where('region_code', 'like', regionPattern)
    .orderBy('region_code')
    .execute();
  return rows.map(toSpecialAccount);
}

export interface SpecialAccountInput {
  regionCode: string;
  accountNumber: string;
  accountName: string;
  bankName: string;
  bankCode?: string | null;
  profileCode: string;
}

/** Registers or changes a region's special account and the bank layout it uses (audited). */
export async function saveSpecialAccount(
  executor: Executor,
  context: AuditContext,
  input: SpecialAccountInput,
): Promise<SpecialBankAccount> {
  if (context.actor) assertRegionScope(context.actor, input.regionCode);
  const provinceCode = provinceOf(input.regionCode);
  await getProfile(executor, provinceCode, input.profileCode);
  const before = await executor
    .selectFrom('ledger_bank_account')
    .selectAll()
    .where('province_code', '=', provinceCode)
    .where('region_code', '=', input.regionCode)
    .executeTakeFirst();
  const values = {
    account_number: input.accountNumber,
    account_name: input.accountName,
    bank_name: input.bankName,
    bank_code: input.bankCode ?? null,
    profile_code: input.profileCode,
    updated_by: context.actor?.userId ?? null,
    updated_at: new Date(),
  };
  const row = await executor
    .insertInto('ledger_bank_account')
    .values({ province_code: provinceCode, region_code: input.regionCode, ...values })
    .onConflict((conflict) => conflict.columns(['province_code', 'region_code']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  const saved = toSpecialAccount(row);
  await recordAudit(executor, context, {
    action: 'ledger.bank_account.save',
    objectType: 'ledger_bank_account',
    objectId: `${provinceCode}:${input.regionCode}`,
    provinceCode,
    before: before ? toSpecialAccount(before) : null,
    after: saved,
  });
  return saved;
}

/**
 * The layout a region's bank files are read in: its paying special account's profile, or the
 * generic one when none is registered (reading a result or a statement needs no payer).
 */
export async function profileForRegion(executor: Executor, regionCode: string): Promise<BankProfile> {
  const account = await specialAccountFor(executor, regionCode);
  return getProfile(executor, provinceOf(regionCode), account?.profileCode ?? 'generic');
}
