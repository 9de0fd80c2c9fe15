import { App, Button, Card, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import type { ClaimSummary, Page, QueryOf } from '../../api/types.ts';
import { useAuth } from '../../auth.tsx';
import { useBatch } from '../../components/BatchProgress.tsx';
import { LoadState, Money, StatusTag } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { type ListSort, useListSort } from '../../components/listSort.ts';
import { RegionName } from '../../components/RegionName.tsx';
import { RegionPicker } from '../../components/RegionPicker.tsx';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { CLAIM_STATUSES, label, options, SUBSIDY_KINDS } from '../../vocabulary.ts';

/** The fields the claims list sorts by on the server. */
export type ClaimSortField = NonNullable<QueryOf<'/api/claims', 'get'>['sort']>;

export function ClaimsTable({
  data,
  onPage,
  selected,
  onSelect,
  sorting,
}: {
  data: Page<ClaimSummary>;
  onPage(page: number): void;
  selected?: number[];
  onSelect?(ids: number[]): void;
  /** Sortable columns, the list sorted by the server (without it, no column sorts). */
  sorting?: ListSort<ClaimSortField>;
}) {
  const { language } = useLanguage();
  const sortable = (field: ClaimSortField) => (sorting ? sorting.column(field) : {});
  return (
    <Table
      rowKey="id"
      scroll={{ x: true }}
      dataSource={data.items}
      onChange={sorting?.onChange}
      data-testid="claims-table"
      rowSelection={
        onSelect ? { selectedRowKeys: selected, onChange: (keys) => onSelect(keys as number[]) } : undefined
      }
      pagination={{ current: data.page, pageSize: data.pageSize, total: data.total, onChange: onPage }}
      columns={[
        {
          title: '申请编号',
          dataIndex: 'claimNumber',
          render: (number: string, row) => <Link to={`/app/claims/${row.id}`}>{number}</Link>,
          ...sortable('claimNumber'),
        },
        {
          title: '补贴类型',
          dataIndex: 'subsidyKind',
          render: (kind: string) => label(SUBSIDY_KINDS, kind, language),
        },
        {
          title: '地区',
          dataIndex: 'regionCode',
          render: (code: string) => <RegionName code={code} />,
        },
        { title: '申请日期', dataIndex: 'applicationDate', ...sortable('applicationDate') },
        {
          title: '人数',
          render: (_, row) => `${row.eligibleLineCount}/${row.lineCount}`,
          ...sortable('lineCount'),
        },
        {
          title: '金额',
          dataIndex: 'totalAmountFen',
          align: 'right',
          render: (fen: number) => <Money fen={fen} />,
          ...sortable('totalAmountFen'),
        },
        {
          title: '状态',
          dataIndex: 'status',
          render: (status: string) => (
            <StatusTag status={status} text={label(CLAIM_STATUSES, status, language)} />
          ),
        },
        {
          title: '公示截止',
          dataIndex: 'noticeEndsOn',
          render: (value: string | null) => value ?? '—',
          ...sortable('noticeEndsOn'),
        },
        { title: '最近意见', dataIndex: 'lastReason', render: (value: string | null) => value ?? '—' },
      ]}
    />
  );
}

const BATCH_ACTION_PATHS = {
  review: '/api/claims/{id}/review',
  'start-notice': '/api/claims/{id}/start-notice',
  approve: '/api/claims/{id}/approve',
} as const;

/** The claims review queue: filter, open a claim, or decide several at once with a progress bar. */
export function ClaimsPage() {
  const { language } = useLanguage();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const [filters, setFilters] = useState<
    Pick<QueryOf<'/api/claims', 'get'>, 'status' | 'subsidyKind' | 'regionCode'>
  >({
    status: can('claim.review') ? 'submitted' : undefined,
  });
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<number[]>([]);
  const sorting = useListSort<ClaimSortField>(() => setPage(1));
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/claims', {
          params: { query: { ...filters, ...sorting.query, page, pageSize: 20 } },
        }),
      ),
    [JSON.stringify(filters), JSON.stringify(sorting.query), page],
  );
  const batch = useBatch();

  /** Every batch decision is confirmed first: it moves many claims (批量审批 makes them payable). */
  const runBatch = (action: 'review' | 'start-notice' | 'approve', title: string) =>
    modal.confirm({
      title: `${title}：已选 ${selected.length} 件申请？`,
      content: action === 'approve' ? '审批通过后即可下达支付。' : undefined,
      okText: '确认',
      cancelText: '取消',
      onOk: () => void decideSelected(action, title),
    });

  const decideSelected = async (action: 'review' | 'start-notice' | 'approve', title: string) => {
    const claims = (loaded.data?.items ?? []).filter((claim) => selected.includes(claim.id));
    const failures = await batch.run(
      title,
      claims,
      (claim) => claim.claimNumber,
      (claim) =>
        call(client.POST(BATCH_ACTION_PATHS[action], { params: { path: { id: claim.id } }, body: {} })),
    );
    if (failures.length === 0) message.success(`${title}完成：${claims.length} 件`);
    setSelected([]);
    loaded.reload();
  };

  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        补贴审核
      </Typography.Title>
      <Card>
        <Space wrap className="block-gap">
          <Select
            aria-label="状态"
            placeholder="状态"
            allowClear
            value={filters.status}
            onChange={(status) => {
              setFilters({ ...filters, status });
              setPage(1);
            }}
            options={options(CLAIM_STATUSES, language)}
            style={{ minWidth: 150 }}
          />
          <Select
            aria-label="补贴类型"
            placeholder="补贴类型"
            allowClear
            value={filters.subsidyKind}
            onChange={(subsidyKind) => {
              setFilters({ ...filters, subsidyKind });
              setPage(1);
            }}
            options={options(SUBSIDY_KINDS, language)}
            style={{ minWidth: 200 }}
          />
          <RegionPicker
            value={filters.regionCode}
            onChange={(regionCode) => {
              setFilters({ ...filters, regionCode });
              setPage(1);
            }}
          />
          <ExportButton
            fileName="claims.xlsx"
            request={() =>
              client.GET('/api/claims/export.xlsx', {
                params: { query: { ...filters, ...sorting.query } },
                parseAs: 'blob',
              })
            }
          />
        </Space>
        <Space wrap className="block-gap">
          <Typography.Text>已选 {selected.length} 件：</Typography.Text>
          {can('claim.review') && (
            <>
              <Button disabled={selected.length === 0} onClick={() => runBatch('review', '批量审核通过')}>
                批量审核通过
              </Button>
              <Button
                disabled={selected.length === 0}
                onClick={() => runBatch('start-notice', '批量开始公示')}
              >
                批量开始公示
              </Button>
            </>
          )}
          {can('claim.approve') && (
            <Button
              type="primary"
              disabled={selected.length === 0}
              onClick={() => runBatch('approve', '批量审批')}
            >
              批量审批
            </Button>
          )}
        </Space>
        <LoadState loaded={loaded}>
          {(data) => (
            <ClaimsTable
              data={data}
              onPage={setPage}
              selected={selected}
              onSelect={setSelected}
              sorting={sorting}
            />
          )}
        </LoadState>
      </Card>
      {batch.modal}
    </div>
  );
}
