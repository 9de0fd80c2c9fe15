import { sql } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { isWithinRegion, type Principal, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { creditCodeProblem, idNumberProblem } from '../registry/identifiers.ts';
import { findEnterprise, type Organisation } from '../registry/organisation.service.ts';
import { findPersonByIdNumber, getPersons, type Person } from '../registry/person.service.ts';
import { maskIdNumber } from '../shared/crypto.ts';
import { AppError } from '../shared/errors.ts';

/**
 * The social-insurance contribution list (社会保险缴费记录) an HRSS officer imports from the
 * social-insurance system: per person, enterprise and contribution month (费款所属期), the amount.
 * It is the official data a 以工代训 month is verified against (大数据比对): a month counts only
 * when a row of this list shows a contribution above zero by that enterprise for that person.
 * What an enterprise enters about its own payroll verifies nothing.
 */

/** One data row of an imported list, as text, with its row number in the file (1-based). */
export interface ContributionRow {
  rowNumber: number;
  idNumber: string;
  name: string;
  creditCode: string;
  month: string;
  amount: string;
}

type Column = Exclude<keyof ContributionRow, 'rowNumber'>;

/** The headings each column is known by in the exports of the provinces' social-insurance systems. */
const HEADINGS: Record<Column, { label: string; aliases: string[]; isRequired: boolean }> = {
  idNumber: {
    label: '公民身份号码',
    aliases: ['公民身份号码', '身份证号', '身份证号码', '证件号码', '社会保障号码'],
    isRequired: true,
  },
  name: { label: '姓名', aliases: ['姓名'], isRequired: false },
  creditCode: {
    label: '统一社会信用代码',
    aliases: ['统一社会信用代码', '单位统一社会信用代码', '社会信用代码', '单位社会信用代码'],
    isRequired: true,
  },
  month: {
    label: '费款所属期',
    aliases: ['费款所属期', '缴费月份', '所属期', '缴费年月', '费款所属期（年月）'],
    isRequired: true,
  },
  amount: {
    label: '缴费金额（元）',
    aliases: ['缴费金额（元）', '缴费金额', '实缴金额（元）', '实缴金额', '应缴金额（元）', '应缴金额'],
    isRequired: true,
  },
};

/** Full-width brackets and spaces folded, so that 缴费金额(元) and 缴费金额（元） are one heading. */
function normaliseHeading(text: string): string {
  return text.replace(/\s+/g, '').replace(/\(/g, '（').replace(/\)/g, '）');
}

/**
 * The rows of a contribution list read as a table (xlsx or CSV, GBK or UTF-8): the first row
 * names the columns. A missing column refuses the whole file (422 naming it).
 */
export function contributionRowsFromTable(table: readonly string[][]): ContributionRow[] {
  const header = (table[0] ?? []).map((cell) => normaliseHeading(cell ?? ''));
  const positions = new Map<Column, number>();
  for (const [column, heading] of Object.entries(HEADINGS) as [Column, (typeof HEADINGS)[Column]][]) {
    const index = header.findIndex((cell) => heading.aliases.map(normaliseHeading).includes(cell));
    if (index >= 0) positions.set(column, index);
  }
  const missing = (Object.keys(HEADINGS) as Column[]).filter(
    (column) => HEADINGS[column].isRequired && !positions.has(column),
  );
  if (missing.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      `缴费记录文件缺少列：${missing.map((column) => HEADINGS[column].label).join('、')}`,
      missing.map((column) => ({
        field: `file.${column}`,
        message: `缺少列“${HEADINGS[column].label}”`,
      })),
    );
  }
  const cell = (cells: readonly string[], column: Column) => {
    const index = positions.get(column);
    return index === undefined ? '' : (cells[index] ?? '').trim();
  };
  const rows: ContributionRow[] = [];
  for (const [index, cells] of table.slice(1).entries()) {
    if (cells.every((value) => (value ?? '').trim() === '')) continue;
    rows.push({
      rowNumber: index + 2,
      idNumber: cell(cells, 'idNumber'),
      name: cell(cells, 'name'),
      creditCode: cell(cells, 'creditCode'),
      month: cell(cells, 'month'),
      amount: cell(cells, 'amount'),
    });
  }
  if (rows.length === 0) {
    throw new AppError('VALIDATION_FAILED', '缴费记录文件没有数据行', [
      { field: 'file', message: '没有数据行' },
    ]);
  }
  if (rows.length > MAX_ROWS) {
    throw new AppError('VALIDATION_FAILED', `缴费记录文件超过 ${MAX_ROWS} 行，请分批导入`, [
      { field: 'file', message: `超过 ${MAX_ROWS} 行` },
    ]);
  }
  return rows;
}

const MAX_ROWS = 20_000;

/** A yuan amount with at most two decimals, in fen; null when it is not one. */
function amountFenOf(text: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.replace(/,/g, ''));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** The contribution month as `YYYY-MM` from 2021-03, 202103, 2021/03 or 2021年3月. */
function monthOf(text: string): string | null {
  // An xlsx date cell reads as a day: its month is meant.
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return monthOf(text.slice(0, 7));
  const match = /^(\d{4})([-/.年]?)(\d{1,2})月?$/.exec(text);
  if (!match) return null;
  const [, year, separator, month] = match;
  const number = Number(month);
  if (number < 1 || number > 12 || (separator === '' && month!.length !== 2)) return null;
  return `${year}-${String(number).padStart(2, '0')}`;
}

export interface ContributionRowProblem {
  rowNumber: number;
  reasons: { field: string; message: string }[];
}

export interface ContributionImportReport {
  totalRows: number;
  validRows: number;
  rejected: ContributionRowProblem[];
  isWritten: boolean;
  inserted: number;
  updated: number;
}

interface CheckedRow {
  rowNumber: number;
  person: Person;
  enterprise: Organisation;
  month: string;
  amountFen: number;
}

/** Looks registry entries up once per ID number and credit code. */
function registryLookups(executor: Executor) {
  const persons = new Map<string, Promise<Person | undefined>>();
  const enterprises = new Map<string, Promise<Organisation | undefined>>();
  return {
    person(idNumber: string) {
      const key = idNumber.toUpperCase();
      if (!persons.has(key)) persons.set(key, findPersonByIdNumber(executor, key));
      return persons.get(key)!;
    },
    enterprise(creditCode: string) {
      const key = creditCode.toUpperCase();
      if (!enterprises.has(key)) enterprises.set(key, findEnterprise(executor, { creditCode: key }));
      return enterprises.get(key)!;
    },
  };
}

async function checkRow(
  row: ContributionRow,
  lookups: ReturnType<typeof registryLookups>,
  principal: Principal,
  today: string,
): Promise<{ checked?: CheckedRow; reasons: { field: string; message: string }[] }> {
  const reasons: { field: string; message: string }[] = [];
  let person: Person | undefined;
  const idProblem = row.idNumber === '' ? '必填' : idNumberProblem(row.idNumber);
  if (idProblem) reasons.push({ field: 'idNumber', message: `公民身份号码无效：${idProblem}` });
  else {
    person = await lookups.person(row.idNumber);
    if (!person) reasons.push({ field: 'idNumber', message: '实名制系统中没有该人员' });
    else if (row.name !== '' && row.name !== person.name)
      reasons.push({ field: 'name', message: '姓名与实名制系统中该身份号码的姓名不符' });
  }
  let enterprise: Organisation | undefined;
  const codeProblem = row.creditCode === '' ? '必填' : creditCodeProblem(row.creditCode);
  if (codeProblem) reasons.push({ field: 'creditCode', message: `统一社会信用代码无效：${codeProblem}` });
  else {
    enterprise = await lookups.enterprise(row.creditCode);
    if (!enterprise) reasons.push({ field: 'creditCode', message: '未登记的企业' });
    else if (!isWithinRegion(principal.regionCode, enterprise.regionCode))
      reasons.push({ field: 'creditCode', message: '企业不在本账号辖区内' });
  }
  const month = monthOf(row.month);
  if (!month)
    reasons.push({ field: 'month', message: `费款所属期无效（须为年月，如 2021-03）：${row.month}` });
  else if (month > today.slice(0, 7))
    reasons.push({ field: 'month', message: `费款所属期 ${month} 晚于当前业务月份` });
  const amountFen = amountFenOf(row.amount);
  if (amountFen === null)
    reasons.push({
      field: 'amount',
      message: `缴费金额无效（须为不小于0的元金额，最多两位小数）：${row.amount}`,
    });
  if (reasons.length > 0 || !person || !enterprise || !month || amountFen === null) return { reasons };
  return { checked: { rowNumber: row.rowNumber, person, enterprise, month, amountFen }, reasons };
}

/**
 * Checks every row of an imported contribution list (the person in the real-name registry with
 * a matching name, the enterprise registered and inside the officer's region, the month not
 * after the business month, the amount); with `accept: 'valid'` writes the valid rows — a row of
 * a person, enterprise and month already imported replaces its amount — and audits the import.
 * Without it nothing is written: the answer is the check.
 */
export async function importContributions(
  executor: Executor,
  context: AuditContext,
  rows: readonly ContributionRow[],
  options: { accept?: 'valid'; fileName: string; today: string },
): Promise<ContributionImportReport> {
  const principal = context.actor;
  if (!principal) throw new AppError('UNAUTHENTICATED', '请先登录');
  const lookups = registryLookups(executor);
  const report: ContributionImportReport = {
    totalRows: rows.length,
    validRows: 0,
    rejected: [],
    isWritten: false,
    inserted: 0,
    updated: 0,
  };
  const valid: CheckedRow[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const { checked, reasons } = await checkRow(row, lookups, principal, options.today);
    const key = checked ? `${checked.person.id}:${checked.enterprise.id}:${checked.month}` : null;
    if (key && seen.has(key))
      reasons.push({ field: 'month', message: `与第 ${seen.get(key)} 行重复（同一人员、企业和月份）` });
    if (key && !seen.has(key)) seen.set(key, row.rowNumber);
    if (reasons.length > 0 || !checked) report.rejected.push({ rowNumber: row.rowNumber, reasons });
    else valid.push(checked);
  }
  report.validRows = valid.length;
  if (options.accept !== 'valid' || valid.length === 0) return report;
  for (const row of valid) {
    const existing = await executor
      .selectFrom('social_insurance_contribution')
      .select(['id', 'amount_fen'])
      .where('province_code', '=', row.enterprise.provinceCode)
      .where('enterprise_id', '=', row.enterprise.id)
      .where('person_id', '=', row.person.id)
      .where('contribution_month', '=', row.month)
      .executeTakeFirst();
    const imported = {
      amount_fen: row.amountFen,
      imported_by_user_id: principal.userId,
      imported_on: options.today,
      source_file_name: options.fileName,
    };
    if (existing) {
      await executor
        .updateTable('social_insurance_contribution')
        .set({ ...imported, updated_at: sql<Date>`now()` })
        .where('id', '=', existing.id)
        .where('province_code', '=', row.enterprise.provinceCode)
        .execute();
      report.updated += 1;
    } else {
      await executor
        .insertInto('social_insurance_contribution')
        .values({
          ...imported,
          province_code: row.enterprise.provinceCode,
          region_code: row.enterprise.regionCode,
          enterprise_id: row.enterprise.id,
          person_id: row.person.id,
          person_province_code: row.person.provinceCode,
          contribution_month: row.month,
        })
        .execute();
      report.inserted += 1;
    }
  }
  report.isWritten = true;
  await recordAudit(executor, context, {
    action: 'social_insurance.contribution.import',
    objectType: 'social_insurance_contribution',
    objectId: null,
    after: {
      fileName: options.fileName,
      totalRows: report.totalRows,
      inserted: report.inserted,
      updated: report.updated,
      rejectedRows: report.rejected.map((problem) => problem.rowNumber),
      enterpriseIds: [...new Set(valid.map((row) => row.enterprise.id))],
      months: [...new Set(valid.map((row) => row.month))].sort(),
    },
  });
  return report;
}

export interface ContributionListQuery {
  page: number;
  pageSize: number;
  enterpriseId?: number;
  personId?: number;
  monthFrom?: string;
  monthTo?: string;
}

/**
 * Imported contributions, newest month first: an officer's region's enterprises; an enterprise
 * operator its own enterprise's. ID numbers masked.
 */
export async function listContributions(
  executor: Executor,
  principal: Principal,
  query: ContributionListQuery,
) {
  let base = executor
    .selectFrom('social_insurance_contribution as c')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 'c.enterprise_id').onRef('o.province_code', '=', 'c.province_code'),
    );
  if (principal.organisationId !== null && principal.role !== 'third_party_reviewer')
    base = base.where('c.enterprise_id', '=', principal.organisationId);
  else base = base.where('c.region_code', 'like', regionLikePattern(principal.regionCode));
  if (query.enterpriseId) base = base.where('c.enterprise_id', '=', query.enterpriseId);
  if (query.personId) base = base.where('c.person_id', '=', query.personId);
  if (query.monthFrom) base = base.where('c.contribution_month', '>=', query.monthFrom);
  if (query.monthTo) base = base.where('c.contribution_month', '<=', query.monthTo);
  const [rows, total] = await Promise.all([
    base
      .select([
        'c.id',
        'c.enterprise_id',
        'o.name as enterprise_name',
        'o.credit_code',
        'c.person_id',
        'c.contribution_month',
        'c.amount_fen',
        'c.imported_on',
        'c.source_file_name',
      ])
      .orderBy('c.contribution_month', 'desc')
      .orderBy('c.id', 'desc')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow(),
  ]);
  const persons = new Map(
    (await getPersons(executor, [...new Set(rows.map((row) => row.person_id))])).map((person) => [
      person.id,
      person,
    ]),
  );
  return {
    items: rows.map((row) => {
      const person = persons.get(row.person_id);
      return {
        id: row.id,
        enterpriseId: row.enterprise_id,
        enterpriseName: row.enterprise_name,
        creditCode: row.credit_code,
        personId: row.person_id,
        personName: person?.name ?? null,
        idNumber: person ? maskIdNumber(person.idNumber) : null,
        month: row.contribution_month,
        amountFen: row.amount_fen,
        /** Only a contribution above zero verifies its month. */
        isVerifying: row.amount_fen > 0,
        importedOn: row.imported_on,
        sourceFileName: row.source_file_name,
      };
    }),
    total: total.count,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/**
 * The months verified by the contribution list for each person at an enterprise: those with a
 * contribution above zero. Keyed `personId:enterpriseId`.
 */
export async function verifiedMonthsOf(
  executor: Executor,
  pairs: readonly { personId: number; enterpriseId: number }[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(
    pairs.map((pair) => [`${pair.personId}:${pair.enterpriseId}`, []]),
  );
  if (pairs.length === 0) return result;
  const rows = await executor
    .selectFrom('social_insurance_contribution')
    .select(['person_id', 'enterprise_id', 'contribution_month'])
    .where('person_id', 'in', [...new Set(pairs.map((pair) => pair.personId))])
    .where('enterprise_id', 'in', [...new Set(pairs.map((pair) => pair.enterpriseId))])
    .where('amount_fen', '>', 0)
    .orderBy('contribution_month')
    .execute();
  for (const row of rows) result.get(`${row.person_id}:${row.enterprise_id}`)?.push(row.contribution_month);
  return result;
}
