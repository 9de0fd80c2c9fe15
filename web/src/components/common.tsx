import { Alert, Empty, Select, Skeleton, Table, type TableColumnsType, Tag } from 'antd';
import type { ReactNode } from 'react';
import type { Page } from '../api/types.ts';
import { errorText } from '../api.ts';
import { yuan } from '../format.ts';
import type { Loaded } from '../hooks.ts';
import { useLanguage } from '../i18n.tsx';

/** 暂无数据, also shown when the server has no such API yet. */
export function NoData({ description }: { description?: string }) {
  const { t } = useLanguage();
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={description ?? t('noData')} />;
}

/** Loading, error and missing-API states of a loaded block; renders children once data is there. */
export function LoadState<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  const { t } = useLanguage();
  if (loaded.isLoading && loaded.data === undefined) return <Skeleton active />;
  if (loaded.isMissing) return <NoData description={`${t('noData')}（${t('missingApi')}）`} />;
  if (loaded.error) return <Alert type="error" showIcon title={errorText(loaded.error)} />;
  if (loaded.data === undefined) return <NoData />;
  return <>{children(loaded.data)}</>;
}

export function Money({ fen }: { fen: number | null | undefined }) {
  return <span className="money">{yuan(fen)}</span>;
}

const STATUS_COLOURS: Record<string, string> = {
  draft: 'default',
  filed: 'processing',
  submitted: 'processing',
  reviewed: 'cyan',
  in_notice: 'gold',
  approved: 'green',
  payment_ordered: 'blue',
  paid: 'success',
  payment_failed: 'error',
  returned: 'warning',
  rejected: 'error',
  completed: 'purple',
  cancelled: 'default',
  active: 'green',
  suspended: 'warning',
  blacklisted: 'error',
  revoked: 'default',
  // Supervision alerts and cases.
  open: 'processing',
  in_case: 'warning',
  cleared: 'default',
  confirmed: 'error',
};

export function StatusTag({ status, text }: { status: string; text: string }) {
  return <Tag color={STATUS_COLOURS[status] ?? 'default'}>{text}</Tag>;
}

/** A citation of a policy document and article: 衡人社发【2019】21号 六（二）. */
export function CitationTag({
  citation,
}: {
  citation?: { doc?: string; document?: string; article?: string } | null;
}) {
  if (!citation) return null;
  const document = citation.doc ?? citation.document ?? '';
  return (
    <Tag color="geekblue" className="citation">
      {document}
      {citation.article ? ` ${citation.article}` : ''}
    </Tag>
  );
}

/** A list filter: a clearable select whose change also sends the list back to its first page. */
export function FilterSelect<Code extends string>({
  label: name,
  value,
  options,
  onChange,
  minWidth = 140,
}: {
  label: string;
  value: Code | undefined;
  options: { value: Code; label: string }[];
  onChange(value: Code | undefined): void;
  minWidth?: number;
}) {
  return (
    <Select
      aria-label={name}
      placeholder={name}
      allowClear
      value={value}
      onChange={onChange}
      options={options}
      style={{ minWidth }}
    />
  );
}

/** A table's pagination from one page of a list API, with the total counted in `unit`s. */
export function pagination(page: Page<unknown>, onChange: (page: number) => void, unit: string) {
  return {
    current: page.page,
    pageSize: page.pageSize,
    total: page.total,
    onChange,
    showTotal: (total: number) => `共 ${total} ${unit}`,
  };
}

/** A rejected row of an import report: its row number and why (each reason names its field). */
interface RejectedRow {
  rowNumber: number;
  reasons: readonly { message: string }[];
}

/** The rejected rows of an import's preview or report: 行号, the caller's columns, then 问题. */
export function RejectedRows<Row extends RejectedRow>({
  rows,
  columns = [],
}: {
  rows: Row[];
  columns?: TableColumnsType<Row>;
}) {
  if (rows.length === 0) return null;
  return (
    <Table<Row>
      size="small"
      rowKey="rowNumber"
      pagination={false}
      dataSource={rows}
      columns={[
        { title: '行号', dataIndex: 'rowNumber' },
        ...columns,
        {
          title: '问题',
          dataIndex: 'reasons',
          render: (reasons: Row['reasons']) => reasons.map((reason) => reason.message).join('；'),
        },
      ]}
    />
  );
}
