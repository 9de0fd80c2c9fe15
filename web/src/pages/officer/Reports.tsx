import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, InputNumber, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { call, client, saveFile } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { CitationTag, LoadState, Money, NoData } from '../../components/common.tsx';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { LEVELS, label, TARGET_COMPARISONS, TARGET_METRICS } from '../../vocabulary.ts';
import { TargetsCard } from './Targets.tsx';

/** A row of a report table: a labelled line with counts and money (…Fen) columns. */
type ReportRow = { label: string } & Record<string, unknown>;

type Report = Answer<'/api/reports', 'get'>;

/** The tables of a report, read by their key in the answer, in the order they are shown. */
const SECTIONS = [
  ['subsidyKinds', '按补贴类型'],
  ['trainingTypes', '按培训类型'],
  ['groups', '按人员类别'],
  ['occupationLevels', '按职业大类与等级（人次）'],
  ['certificates', '取证情况'],
  ['subAccounts', '按专账子账户'],
  ['targets', '目标任务完成情况'],
] as const satisfies ReadonlyArray<readonly [keyof Report, string]>;

const COLUMN_TITLES: Record<string, string> = {
  personTimes: '人次',
  persons: '人数',
  lineCount: '补贴笔数',
  amountFen: '金额',
  paidFen: '支付',
  returnedFen: '退回',
  recoveredFen: '追回',
  netFen: '净支出',
  total: '合计',
  metric: '指标',
  fromYear: '起始年度',
  toYear: '截止年度',
  targetValue: '目标',
  achieved: '完成',
  completionRate: '完成率',
  elapsedShare: '时间进度',
  comparison: '比较方式',
  citation: '依据',
  asOf: '截至',
};

/** Columns that identify a row rather than describe it. */
const HIDDEN_COLUMNS = new Set(['key', 'label', 'id', 'regionCode']);

function cell(name: string, value: unknown) {
  if (name === 'metric' && typeof value === 'string') return label(TARGET_METRICS, value);
  if (name === 'comparison' && typeof value === 'string') return label(TARGET_COMPARISONS, value);
  // A year is a name, not a quantity: 2019, never "2,019".
  if (typeof value === 'number' && (name === 'year' || name.endsWith('Year'))) return String(value);
  if (typeof value === 'number') {
    if (name.endsWith('Fen')) return <Money fen={value} />;
    if (name.endsWith('Rate') || name.endsWith('Share')) return `${(value * 100).toFixed(1)}%`;
    return value.toLocaleString();
  }
  if (value && typeof value === 'object' && 'doc' in value)
    return <CitationTag citation={value as { doc?: string; article?: string }} />;
  return String(value ?? '—');
}

/** Column names of the rows; an object column such as byLevel becomes one column per level. */
function columnsOf(rows: ReportRow[], language: 'zh' | 'en'): ColumnsType<ReportRow> {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter(
    (name) => !HIDDEN_COLUMNS.has(name),
  );
  return names.flatMap((name): ColumnsType<ReportRow> => {
    const sample = rows.find((row) => row[name] !== null && row[name] !== undefined)?.[name];
    if (sample && typeof sample === 'object' && !('doc' in sample)) {
      return Object.keys(sample).map((part) => ({
        title: part === 'none' ? '无等级' : label(LEVELS, part, language),
        key: `${name}.${part}`,
        align: 'right' as const,
        render: (_: unknown, row: ReportRow) => cell(part, (row[name] as Record<string, unknown>)[part]),
      }));
    }
    return [
      {
        title: COLUMN_TITLES[name] ?? name,
        key: name,
        dataIndex: name,
        align: typeof sample === 'number' ? ('right' as const) : undefined,
        render: (value: unknown) => cell(name, value),
      },
    ];
  });
}

function SectionTable({ rows }: { rows: ReportRow[] }) {
  const { language } = useLanguage();
  return (
    <Table
      rowKey={(row) => String(row.key ?? row.id ?? row.label)}
      size="small"
      pagination={false}
      scroll={{ x: true }}
      dataSource={rows}
      columns={[{ title: '项目', key: 'label', dataIndex: 'label' }, ...columnsOf(rows, language)]}
    />
  );
}

/**
 * Statistical reports of the user's region by year/quarter, with xlsx export, the year's targets
 * (set here by an officer who finalises reports) and 账表核对.
 */
export function ReportsPage() {
  const { message } = App.useApp();
  const [year, setYear] = useState(2021);
  const [quarter, setQuarter] = useState<number | undefined>();
  const [isExporting, setExporting] = useState(false);
  const query = { year, quarter };
  const report = useLoad(() => call(client.GET('/api/reports', { params: { query } })), [year, quarter]);
  const comparison = useLoad(
    () => call(client.GET('/api/reports/ledger-comparison', { params: { query } })),
    [year, quarter],
  );
  const exportXlsx = async () => {
    setExporting(true);
    try {
      await saveFile(
        client.GET('/api/reports/export.xlsx', { params: { query }, parseAs: 'blob' }),
        `report-${year}${quarter ? `-Q${quarter}` : ''}.xlsx`,
      );
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setExporting(false);
    }
  };
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        统计报表
      </Typography.Title>
      <Space direction="vertical" className="full-width" size="middle">
        <Card>
          <Space wrap>
            <InputNumber
              aria-label="年度"
              min={2019}
              max={2100}
              value={year}
              onChange={(value) => value && setYear(value)}
              addonAfter="年"
            />
            <Select
              aria-label="季度"
              placeholder="全年"
              allowClear
              value={quarter}
              onChange={setQuarter}
              options={[1, 2, 3, 4].map((value) => ({ value, label: `第 ${value} 季度` }))}
              style={{ minWidth: 120 }}
            />
            <Button
              icon={<DownloadOutlined />}
              loading={isExporting}
              disabled={report.isMissing}
              onClick={() => void exportXlsx()}
            >
              导出 xlsx
            </Button>
          </Space>
        </Card>
        <LoadState loaded={report}>
          {(data) => (
            <Space direction="vertical" className="full-width" size="middle" data-testid="report">
              <Card title={`${data.regionName} · ${data.period.from} 至 ${data.period.to}`}>
                <Descriptions bordered size="small" column={{ xs: 1, md: 3 }}>
                  {Object.entries(data.totals).map(([name, value]) => (
                    <Descriptions.Item key={name} label={COLUMN_TITLES[name] ?? name}>
                      {cell(name, value)}
                    </Descriptions.Item>
                  ))}
                </Descriptions>
              </Card>
              {SECTIONS.map(([name, title]) => {
                const rows: ReportRow[] = data[name];
                return (
                  <Card key={name} title={title} size="small">
                    {rows.length === 0 ? <NoData /> : <SectionTable rows={rows} />}
                  </Card>
                );
              })}
            </Space>
          )}
        </LoadState>
        <TargetsCard year={year} onSaved={report.reload} />
        <Card title="账表核对（报表金额与专账记录）">
          <LoadState loaded={comparison}>
            {(data) => (
              <Space direction="vertical" className="full-width">
                <Alert
                  type={data.isBalanced ? 'success' : 'error'}
                  showIcon
                  title={data.isBalanced ? '账表相符' : '账表不符，请核对差异'}
                />
                <Table
                  rowKey="account"
                  size="small"
                  pagination={false}
                  dataSource={data.rows}
                  columns={[
                    { title: '子账户', dataIndex: 'label' },
                    {
                      title: '报表',
                      dataIndex: 'reportFen',
                      align: 'right',
                      render: (fen: number) => <Money fen={fen} />,
                    },
                    {
                      title: '专账',
                      dataIndex: 'ledgerFen',
                      align: 'right',
                      render: (fen: number) => <Money fen={fen} />,
                    },
                    {
                      title: '差异',
                      dataIndex: 'differenceFen',
                      align: 'right',
                      render: (fen: number) => <Money fen={fen} />,
                    },
                  ]}
                />
              </Space>
            )}
          </LoadState>
        </Card>
      </Space>
    </div>
  );
}
