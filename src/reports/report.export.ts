import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { LEVELS } from '../policy/evaluate.types.ts';
import { DRILLDOWN_DIMENSION_LABELS, drilldownKeyLabel, LEVEL_LABELS } from './report.labels.ts';
import type { LedgerComparison, Report } from './report.service.ts';

/** How a column's numbers are written: counts, money in yuan, or a rate shown as a percentage. */
type ColumnKind = 'count' | 'money' | 'rate' | 'text';

interface TableColumn {
  title: string;
  kind: ColumnKind;
  /** The measure a drill-down of this column shows (documentation; the row names the cell). */
  measure: string;
}

interface TableRow {
  label: string;
  /** Money values are in fen here; the renderers convert to yuan. */
  values: (number | string | null)[];
  /** The drill-down (`GET /api/reports/drilldown?dimension&key`) behind the row's cells. */
  drill: { dimension: string; key: string } | null;
  /** Per-cell drill-down keys where the cells of a row differ (level matrices). */
  cellKeys?: string[];
  isTotal?: boolean;
}

interface ReportTable {
  code: string;
  title: string;
  columns: TableColumn[];
  rows: TableRow[];
  note?: string;
}

/** Who prepared the table and when (表尾): from the snapshot, or the caller for a draft. */
export interface ExportMeta {
  preparer: string;
  preparedOn: string;
  /** 'v2' for a finalised version, null for a draft (未定稿). */
  version: number | null;
}

const count = (title: string, measure = 'personTimes'): TableColumn => ({ title, kind: 'count', measure });
const money = (title: string, measure = 'amountFen'): TableColumn => ({ title, kind: 'money', measure });

const sum = (rows: TableRow[], index: number) =>
  rows.reduce(
    (total, row) => total + (typeof row.values[index] === 'number' ? (row.values[index] as number) : 0),
    0,
  );

function totalsRow(label: string, rows: TableRow[], width: number, drill: TableRow['drill']): TableRow {
  return {
    label,
    values: Array.from({ length: width }, (_, index) => sum(rows, index)),
    drill,
    isTotal: true,
  };
}

function trainingTables(report: Report): ReportTable[] {
  const byType = report.trainingTypes.map((row) => ({
    label: row.label,
    values: [row.personTimes, row.persons, row.amountFen],
    drill: { dimension: 'training_type', key: row.key },
  }));
  const groups = report.groups.map((row) => ({
    label: row.label,
    values: [row.personTimes, row.persons, row.amountFen],
    drill: { dimension: 'group', key: row.key },
  }));
  const levelColumns = LEVELS.map((level) => count(LEVEL_LABELS[level]));
  const occupations = report.occupationLevels.map((row) => ({
    label: `${row.key} ${row.label}`,
    values: [...LEVELS.map((level) => row.byLevel[level]), row.total],
    drill: { dimension: 'occupation_level', key: `${row.key}:*` },
    cellKeys: [...LEVELS.map((level) => `${row.key}:${level}`), `${row.key}:*`],
  }));
  return [
    {
      code: '表1',
      title: '补贴性职业技能培训人次（按培训类型）',
      columns: [count('培训人次'), count('培训人数', 'persons'), money('补贴金额')],
      rows: [...byType, totalsRow('合计', byType, 3, { dimension: 'person_times', key: 'all' })],
      note: '人数为本表口径内的不同人员数，合计行人数按行相加',
    },
    {
      code: '表2',
      title: '补贴性职业技能培训人次（按人员类别）',
      columns: [count('培训人次'), count('培训人数', 'persons'), money('补贴金额')],
      rows: [
        ...groups,
        {
          label: '培训总人次（同一人员属多个类别的，分别计入各类别，各类别之和可大于总人次）',
          values: [report.totals.personTimes, report.totals.persons, sum(byType, 2)],
          drill: { dimension: 'person_times', key: 'all' },
          isTotal: true,
        },
      ],
    },
    {
      code: '表3',
      title: '补贴性职业技能培训人次（按职业大类和技能等级）',
      columns: [...levelColumns, count('合计')],
      rows: [
        ...occupations,
        totalsRow('合计', occupations, LEVELS.length + 1, { dimension: 'person_times', key: 'all' }),
        {
          label: '其中：高级工及以上人次 / 占比',
          values: [report.advanced.personTimes, report.advanced.share],
          drill: { dimension: 'advanced', key: 'all' },
        },
      ],
      note: '职业大类按职业分类大典编码首位',
    },
  ];
}

function certificateTable(report: Report): ReportTable {
  const levels = [...LEVELS, 'none'] as const;
  const rows = report.certificates.map((row) => ({
    label: row.label,
    values: [...levels.map((level) => row.byLevel[level]), row.total],
    drill: { dimension: 'certificate', key: `${row.key}:*` },
    cellKeys: [...levels.map((level) => `${row.key}:${level}`), `${row.key}:*`],
  }));
  return {
    code: '表4',
    title: '取得证书情况（按证书类型和等级，张）',
    columns: [
      ...LEVELS.map((level) => count(LEVEL_LABELS[level], 'certificates')),
      count('无等级'),
      count('合计'),
    ],
    rows: [...rows, totalsRow('合计', rows, levels.length + 1, null)],
  };
}

function moneyTables(report: Report, comparison: LedgerComparison | null): ReportTable[] {
  const kinds = report.subsidyKinds.map((row) => ({
    label: row.label,
    values: [row.lineCount, row.personTimes, row.paidFen, row.returnedFen, row.recoveredFen ?? 0, row.netFen],
    drill: { dimension: 'subsidy_kind', key: row.key },
  }));
  const accounts = report.subAccounts.map((row) => ({
    label: row.label,
    values: [row.lineCount, row.paidFen, row.returnedFen, row.recoveredFen ?? 0, row.netFen],
    drill: { dimension: 'sub_account', key: row.key },
  }));
  const moneyColumns = [
    money('支付金额', 'paidFen'),
    money('银行退回', 'returnedFen'),
    money('追回到账', 'recoveredFen'),
    money('净支付金额', 'netFen'),
  ];
  const tables: ReportTable[] = [
    {
      code: '表5',
      title: '补贴资金支出（按补贴类别）',
      columns: [count('补贴笔数', 'lineCount'), count('培训人次'), ...moneyColumns],
      rows: [...kinds, totalsRow('合计', kinds, 6, { dimension: 'total', key: 'all' })],
    },
    {
      code: '表6',
      title: '补贴资金支出（按专账子账户）',
      columns: [count('补贴笔数', 'lineCount'), ...moneyColumns],
      rows: [...accounts, totalsRow('合计', accounts, 5, { dimension: 'total', key: 'all' })],
    },
  ];
  if (comparison) {
    const rows = comparison.rows.map((row) => ({
      label: row.label,
      values: [row.reportFen, row.ledgerFen, row.differenceFen],
      drill:
        row.account === 'payable'
          ? { dimension: 'returned', key: 'all' }
          : { dimension: 'sub_account', key: row.account },
    }));
    // The regions and sub-accounts that disagree, each on its own row.
    for (const row of comparison.regions ?? []) {
      if (row.differenceFen === 0) continue;
      rows.push({
        label: `${row.regionCode} ${row.label}`,
        values: [row.reportFen, row.ledgerFen, row.differenceFen],
        drill: { dimension: 'sub_account', key: row.account },
      });
    }
    tables.push({
      code: '表7',
      title: `账表核对（${comparison.isBalanced ? '账表相符' : '账表不符'}）`,
      columns: [
        money('报表金额', 'reportFen'),
        money('专账金额', 'ledgerFen'),
        money('差额', 'differenceFen'),
      ],
      rows,
    });
  }
  return tables;
}

function otherTables(report: Report): ReportTable[] {
  const { cumulative, period } = report.fund;
  return [
    {
      code: '表8',
      title: '以工代训和生活费补贴',
      columns: [
        count('人数', 'persons'),
        count('人次或笔数'),
        count('月数或天数', 'quantity'),
        money('补贴金额'),
      ],
      rows: [
        {
          label: '以工代训（月数为补贴人月）',
          values: [
            report.onTheJob.persons,
            report.onTheJob.personTimes,
            report.onTheJob.months,
            report.onTheJob.amountFen,
          ],
          drill: { dimension: 'on_the_job', key: 'all' },
        },
        {
          label: '生活费（含交通费）补贴（天数为补贴人天）',
          values: [
            report.livingAllowance.persons,
            report.livingAllowance.lineCount,
            report.livingAllowance.days,
            report.livingAllowance.amountFen,
          ],
          drill: { dimension: 'living_allowance', key: 'all' },
        },
      ],
    },
    {
      code: '表9',
      title: '专账资金到位和执行情况',
      columns: [
        money('到位资金', 'receivedFen'),
        money('支出资金', 'spentFen'),
        { title: '执行率', kind: 'rate', measure: 'rate' },
      ],
      rows: [
        { label: '本期', values: [period.receivedFen, period.spentFen, null], drill: null },
        {
          label: '累计（至报告期末）',
          values: [cumulative.receivedFen, cumulative.spentFen, cumulative.executionRate],
          drill: null,
        },
      ],
    },
    {
      code: '表10',
      title: '目标任务完成情况',
      columns: [
        { title: '目标年度', kind: 'text', measure: 'years' },
        count('目标值', 'targetValue'),
        count('累计完成', 'achieved'),
        { title: '完成率', kind: 'rate', measure: 'completionRate' },
        { title: '时间进度', kind: 'rate', measure: 'elapsedShare' },
      ],
      rows: report.targets.map((target) => ({
        label: `${target.label}${target.comparison === 'about' ? '（左右）' : '（以上）'}`,
        values: [
          target.fromYear === target.toYear ? `${target.fromYear}` : `${target.fromYear}-${target.toYear}`,
          target.targetValue,
          target.achieved,
          target.completionRate,
          target.elapsedShare,
        ],
        drill: {
          dimension: target.metric === 'new_apprentices' ? 'training_type' : 'person_times',
          key: target.metric === 'new_apprentices' ? 'apprenticeship' : 'all',
        },
      })),
    },
  ];
}

/** The report as the tables an officer hands upwards (表1–表10), shared by xlsx and CSV. */
export function reportTables(report: Report, comparison: LedgerComparison | null): ReportTable[] {
  return [
    ...trainingTables(report),
    certificateTable(report),
    ...moneyTables(report, comparison),
    ...otherTables(report),
  ];
}

export const reportTitle = (report: Report) =>
  `${report.regionName}职业技能提升行动补贴性培训统计${report.period.kind === 'quarter' ? '季报' : report.period.kind === 'year' ? '年报' : '报表'}（${report.period.label}）`;

const yuan = (fen: number) => Math.round(fen) / 100;

/**
 * The official-table workbook: title, 填报单位, 报告期, 金额单位（元）, the tables with totals
 * rows, and 填报人 / 填报日期 / version at the foot of the header.
 */
export async function reportWorkbook(
  report: Report,
  comparison: LedgerComparison | null,
  meta: ExportMeta,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'SkillFund';
  const sheet = workbook.addWorksheet('统计报表', {
    pageSetup: { orientation: 'landscape', fitToPage: true },
  });
  const width = 9;
  const title = sheet.addRow([reportTitle(report)]);
  sheet.mergeCells(title.number, 1, title.number, width);
  title.font = { bold: true, size: 16 };
  title.alignment = { horizontal: 'center' };
  sheet.addRow([
    `填报单位：${report.regionName}人力资源和社会保障局`,
    '',
    '',
    '',
    `报告期：${report.period.from} 至 ${report.period.to}`,
    '',
    '',
    '',
    '金额单位：元',
  ]);
  sheet.addRow([
    `填报人：${meta.preparer}`,
    '',
    '',
    '',
    `填报日期：${meta.preparedOn}`,
    '',
    '',
    '',
    meta.version === null ? '未定稿' : `定稿第${meta.version}版`,
  ]);
  for (const table of reportTables(report, comparison)) {
    sheet.addRow([]);
    const heading = sheet.addRow([`${table.code} ${table.title}`]);
    heading.font = { bold: true };
    const header = sheet.addRow(['项目', ...table.columns.map((column) => column.title)]);
    header.font = { bold: true };
    for (const row of table.rows) {
      const written = sheet.addRow([
        row.label,
        ...row.values.map((value, index) => {
          const kind = table.columns[index]?.kind ?? 'count';
          if (value === null || typeof value === 'string') return value;
          return kind === 'money' ? yuan(value) : value;
        }),
      ]);
      table.columns.forEach((column, index) => {
        const cell = written.getCell(index + 2);
        if (column.kind === 'money') cell.numFmt = '#,##0.00';
        if (column.kind === 'rate') cell.numFmt = '0.00%';
      });
      if (row.isTotal) written.font = { bold: true };
    }
    if (table.note) sheet.addRow([`注：${table.note}`]);
  }
  sheet.getColumn(1).width = 48;
  for (let column = 2; column <= width; column += 1) sheet.getColumn(column).width = 16;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const yuanText = (fen: number) => {
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  return `${sign}${Math.trunc(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
};

/** A cell's drill-down (dimension, key) as people read it; empty where the cell has none. */
function drillInWords(dimension: string | undefined, key: string | undefined): [string, string] {
  if (!dimension) return ['', ''];
  return [DRILLDOWN_DIMENSION_LABELS[dimension] ?? dimension, key ? drilldownKeyLabel(dimension, key) : ''];
}

/**
 * The report as CSV, one cell per line (table, item, measure, value), with the drill-down of
 * each cell in words (dimension and item, e.g. 专账子账户 / 职业培训补贴); money in yuan with two
 * decimals.
 */
export function reportCsv(report: Report, comparison: LedgerComparison | null): string {
  const records: string[][] = [];
  for (const table of reportTables(report, comparison)) {
    for (const row of table.rows) {
      row.values.forEach((value, index) => {
        const column = table.columns[index]!;
        const text =
          value === null
            ? ''
            : typeof value === 'string'
              ? value
              : column.kind === 'money'
                ? yuanText(value)
                : String(value);
        records.push([
          report.regionCode,
          report.period.from,
          report.period.to,
          table.code,
          table.title,
          row.label,
          column.title,
          column.kind === 'money' ? '元' : column.kind === 'rate' ? '比率' : '',
          text,
          ...drillInWords(row.drill?.dimension, row.cellKeys?.[index] ?? row.drill?.key),
        ]);
      });
    }
  }
  // Chinese headers and a UTF-8 byte-order mark: Excel on a Chinese Windows machine opens it as is.
  const header = [
    '地区代码',
    '期间起',
    '期间止',
    '表号',
    '表名',
    '项目',
    '指标',
    '单位',
    '数值',
    '下钻维度',
    '下钻项目',
  ];
  return `\ufeff${stringify(records, { header: true, columns: header })}`;
}
