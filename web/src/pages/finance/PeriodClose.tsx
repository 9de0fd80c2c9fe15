import { CheckCircleTwoTone, CloseCircleTwoTone } from '@ant-design/icons';
import { Alert, App, Button, Card, Input, List, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { LoadState, Money } from '../../components/common.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { dateTime, today } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { previousMonth } from './files.ts';
import { ACCOUNT_KINDS, CHECKLIST_ITEMS, labelOf, TRANSFER_CODES } from './labels.ts';

type Checklist = Answer<'/api/ledger/periods/checklist', 'get'>;
type Figure = NonNullable<Answer<'/api/ledger/periods', 'get'>['items'][number]['figures']>[number];

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

function ChecklistView({ checklist }: { checklist: Checklist }) {
  return (
    <List
      bordered
      data-testid="close-checklist"
      dataSource={checklist.items}
      renderItem={(item) => (
        <List.Item data-testid={`check-${item.code}`} data-ok={item.isOk ? 'yes' : 'no'}>
          <Space direction="vertical" size={2}>
            <Space>
              {item.isOk ? (
                <CheckCircleTwoTone twoToneColor="#52c41a" />
              ) : (
                <CloseCircleTwoTone twoToneColor="#ff4d4f" />
              )}
              <Typography.Text strong>{labelOf(CHECKLIST_ITEMS, item.code)}</Typography.Text>
              <Typography.Text type="secondary">{item.label}</Typography.Text>
            </Space>
            {item.details.map((detail) => (
              <Typography.Text key={`${detail.field}-${detail.message}`} type="danger">
                {detail.message}
              </Typography.Text>
            ))}
          </Space>
        </List.Item>
      )}
    />
  );
}

function FiguresTable({ figures }: { figures: Figure[] }) {
  return (
    <Table
      size="small"
      rowKey={(row) => `${row.regionCode}-${row.account}-${row.code}`}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      dataSource={figures}
      columns={[
        {
          title: '地区',
          dataIndex: 'regionCode',
          render: (code: string) => <RegionName code={code} withCode />,
        },
        { title: '账户', dataIndex: 'account', render: (kind: string) => labelOf(ACCOUNT_KINDS, kind) },
        { title: '业务', dataIndex: 'code', render: (code: string) => labelOf(TRANSFER_CODES, code) },
        {
          title: '借方',
          dataIndex: 'debitFen',
          align: 'right',
          render: (fen: number) => <Money fen={fen} />,
        },
        {
          title: '贷方',
          dataIndex: 'creditFen',
          align: 'right',
          render: (fen: number) => <Money fen={fen} />,
        },
        { title: '笔数', dataIndex: 'transferCount' },
      ]}
    />
  );
}

/**
 * 月结: the month's checklist (in order, over, reconciled and signed off, nothing in flight, 账表相符) and
 * the close itself, by the province's finance officer; closed months with their frozen figures.
 */
export function PeriodClosePage() {
  const { message, modal } = App.useApp();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const period = params.get('period') ?? previousMonth(today());
  const [periodInput, setPeriodInput] = useState(period);
  const checklist = useLoad(
    () => call(client.GET('/api/ledger/periods/checklist', { params: { query: { period } } })),
    [period],
  );
  const closed = useLoad(() => call(client.GET('/api/ledger/periods')));
  const isProvinceOfficer = user ? user.regionCode.endsWith('0000') : false;
  const close = (current: Checklist) =>
    modal.confirm({
      title: `结账 ${current.period}`,
      content: `结账后，${current.period} 及以前月份的账不能再记，本月账务数随之冻结，不可撤销。确认结账？`,
      okText: '确认结账',
      okButtonProps: { danger: true },
      cancelText: '取消',
      onOk: async () => {
        try {
          await call(client.POST('/api/ledger/periods/close', { body: { period: current.period } }));
          message.success(`${current.period} 已结账`);
          checklist.reload();
          closed.reload();
        } catch (error) {
          message.error(errorText(error));
          checklist.reload();
        }
      },
    });
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        月结
      </Typography.Title>
      <Space direction="vertical" className="full-width" size="middle">
        <Card>
          <Space className="block-gap">
            <Typography.Text>结账月份</Typography.Text>
            <Input
              aria-label="结账月份"
              value={periodInput}
              style={{ width: 110 }}
              onChange={(event) => setPeriodInput(event.target.value)}
            />
            <Button disabled={!PERIOD.test(periodInput)} onClick={() => setParams({ period: periodInput })}>
              查看检查清单
            </Button>
          </Space>
          <LoadState loaded={checklist}>
            {(current) => (
              <Space direction="vertical" className="full-width">
                {current.isClosed ? (
                  <Alert
                    type="success"
                    showIcon
                    title={`${current.period} 已结账`}
                    data-testid="period-closed"
                  />
                ) : (
                  <Alert
                    type={current.mayClose ? 'info' : 'warning'}
                    showIcon
                    title={
                      current.mayClose
                        ? `${current.period} 检查全部通过，可以结账`
                        : `${current.period} 尚不能结账：请先处理下列未通过的检查`
                    }
                    description={current.lastClosed ? `上次结账：${current.lastClosed}` : '本省尚未结过账'}
                  />
                )}
                <ChecklistView checklist={current} />
                {!current.isClosed && (
                  <Space>
                    <Button
                      type="primary"
                      danger
                      disabled={!current.mayClose || !isProvinceOfficer}
                      onClick={() => close(current)}
                    >
                      结账
                    </Button>
                    {!isProvinceOfficer && (
                      <Typography.Text type="secondary">
                        结账对全省专账生效，由省级财政人员办理。
                      </Typography.Text>
                    )}
                  </Space>
                )}
              </Space>
            )}
          </LoadState>
        </Card>
        <Card title="已结账月份">
          <LoadState loaded={closed}>
            {(data) => (
              <Table
                size="small"
                rowKey="period"
                pagination={false}
                data-testid="closed-periods"
                dataSource={data.items}
                expandable={{
                  expandedRowRender: (row) => <FiguresTable figures={row.figures ?? []} />,
                  rowExpandable: (row) => (row.figures ?? []).length > 0,
                }}
                columns={[
                  { title: '月份', dataIndex: 'period' },
                  {
                    title: '状态',
                    render: () => <Tag color="success">已结账</Tag>,
                  },
                  {
                    title: '结账记录时间（系统时钟）',
                    dataIndex: 'closedAt',
                    render: (value: string) => dateTime(value),
                  },
                ]}
              />
            )}
          </LoadState>
        </Card>
      </Space>
    </div>
  );
}
