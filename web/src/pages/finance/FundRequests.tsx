import { PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer, BodyOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { FilterSelect, LoadState, Money, pagination } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { RegionPicker } from '../../components/RegionPicker.tsx';
import { today, yuan } from '../../format.ts';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { ACCOUNT_KINDS, labelOf } from './labels.ts';

type FundRequest = Answer<'/api/ledger/fund-requests', 'get'>['items'][number];
type Kind = FundRequest['kind'];
type Status = FundRequest['status'];
type RequestBody = BodyOf<'/api/ledger/fund-requests', 'post'>;

const KINDS: Record<Kind, string> = { appropriation: '计提', allocation: '下拨', reallocation: '调剂' };
const KIND_HINTS: Record<Kind, string> = {
  appropriation: '从本地区失业保险基金结余计提，记入本地区专账。',
  allocation: '拨给直接下级地区的专账，或拨入本地区的补贴子账户（分账核算）。',
  reallocation: '同一市的两个县（区）之间调剂，两端为同一种资金账户；由市级提出。',
};
const STATUSES: Record<Status, { text: string; color: string }> = {
  pending: { text: '待复核', color: 'gold' },
  posted: { text: '已记账', color: 'green' },
  rejected: { text: '已退回', color: 'default' },
};
const SUB_ACCOUNT_KINDS = [
  'training',
  'on_the_job_training',
  'living_allowance',
  'certificate',
  'apprenticeship',
  'advance',
] as const;

interface RequestForm {
  kind: Kind;
  fromRegionCode: string;
  fromKind: NonNullable<RequestBody['fromKind']>;
  toRegionCode: string;
  toKind: NonNullable<RequestBody['toKind']>;
  amountYuan: number;
  valueDate: Dayjs;
  reason: string;
}

const accountOptions = (kinds: readonly string[]) =>
  kinds.map((kind) => ({ value: kind, label: labelOf(ACCOUNT_KINDS, kind) }));

/** The maker's form: 计提, 下拨 or 调剂, confirmed before it is sent for another officer's review. */
function NewRequest({ onCreated }: { onCreated(): void }) {
  const { message, modal } = App.useApp();
  const [isOpen, setOpen] = useState(false);
  const [form] = Form.useForm<RequestForm>();
  const kind = Form.useWatch('kind', form) ?? 'allocation';
  const send = async (values: RequestForm) => {
    const body: RequestBody = {
      kind: values.kind,
      fromRegionCode: values.fromRegionCode,
      fromKind: values.kind === 'appropriation' ? 'ui_fund_source' : values.fromKind,
      toRegionCode: values.kind === 'appropriation' ? values.fromRegionCode : values.toRegionCode,
      toKind:
        values.kind === 'appropriation'
          ? 'special'
          : values.kind === 'reallocation'
            ? (values.fromKind as RequestForm['toKind'])
            : values.toKind,
      amountFen: Math.round(values.amountYuan * 100),
      valueDate: values.valueDate.format('YYYY-MM-DD'),
      reason: values.reason.trim(),
    };
    try {
      const created = await call(client.POST('/api/ledger/fund-requests', { body }));
      message.success(`已提出${KINDS[created.kind]}申请（编号 ${created.id}），待另一名人员复核后记账`);
      setOpen(false);
      onCreated();
    } catch (error) {
      if (
        showFieldErrors(form, error, [
          ['kind'],
          ['fromRegionCode'],
          ['fromKind'],
          ['toRegionCode'],
          ['toKind'],
          ['amountFen'],
          ['valueDate'],
          ['reason'],
        ])
      )
        message.error(errorText(error));
    }
  };
  const confirm = (values: RequestForm) =>
    modal.confirm({
      title: '提交资金划转申请',
      content: `${KINDS[values.kind]} ${yuan(Math.round(values.amountYuan * 100))}，记账日期 ${values.valueDate.format('YYYY-MM-DD')}。提交后须由另一名人员复核，通过即记账。`,
      okText: '确认提交',
      cancelText: '取消',
      onOk: () => send(values),
    });
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
        新建划转申请
      </Button>
      <Modal
        title="新建资金划转申请"
        open={isOpen}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText="提交申请"
        cancelText="取消"
        destroyOnHidden
      >
        <Form<RequestForm>
          form={form}
          layout="vertical"
          name="fund-request"
          preserve={false}
          initialValues={{
            kind: 'allocation',
            fromKind: 'special',
            toKind: 'special',
            valueDate: dayjs(today()),
          }}
          onFinish={(values) => confirm(values)}
        >
          <Form.Item name="kind" label="类型" extra={KIND_HINTS[kind]}>
            <Radio.Group
              optionType="button"
              options={(Object.keys(KINDS) as Kind[]).map((value) => ({ value, label: KINDS[value] }))}
            />
          </Form.Item>
          <Space align="start" wrap>
            <Form.Item
              name="fromRegionCode"
              label={kind === 'appropriation' ? '地区' : '拨出地区'}
              rules={[{ required: true, message: '请选择地区' }]}
            >
              <RegionPicker ariaLabel={kind === 'appropriation' ? '地区' : '拨出地区'} />
            </Form.Item>
            {kind !== 'appropriation' && (
              <Form.Item name="fromKind" label="拨出账户">
                <Select
                  aria-label="拨出账户"
                  style={{ minWidth: 220 }}
                  options={accountOptions(['special', ...SUB_ACCOUNT_KINDS])}
                />
              </Form.Item>
            )}
          </Space>
          {kind !== 'appropriation' && (
            <Space align="start" wrap>
              <Form.Item
                name="toRegionCode"
                label="拨入地区"
                rules={[{ required: true, message: '请选择拨入地区' }]}
              >
                <RegionPicker ariaLabel="拨入地区" />
              </Form.Item>
              {kind === 'allocation' && (
                <Form.Item name="toKind" label="拨入账户">
                  <Select
                    aria-label="拨入账户"
                    style={{ minWidth: 220 }}
                    options={accountOptions(['special', ...SUB_ACCOUNT_KINDS])}
                  />
                </Form.Item>
              )}
            </Space>
          )}
          <Space align="start" wrap>
            <Form.Item
              name="amountYuan"
              label="金额（元）"
              rules={[{ required: true, message: '请填写金额' }]}
            >
              <InputNumber min={0.01} precision={2} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              name="valueDate"
              label="记账日期"
              rules={[{ required: true, message: '请选择记账日期' }]}
            >
              <DatePicker />
            </Form.Item>
          </Space>
          <Form.Item
            name="reason"
            label="事由"
            rules={[{ required: true, whitespace: true, message: '请填写事由' }]}
          >
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** 资金调度: appropriations, allocations and 调剂 between counties, each requested by one officer and posted by another. */
export function FundRequestsPage() {
  const { message, modal } = App.useApp();
  const { user, can } = useAuth();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<Status | undefined>();
  const [kind, setKind] = useState<Kind | undefined>();
  const [version, setVersion] = useState(0);
  const filters = { ...(status ? { status } : {}), ...(kind ? { kind } : {}) };
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/ledger/fund-requests', { params: { query: { ...filters, page, pageSize: 20 } } }),
      ),
    [page, status, kind, version],
  );
  const canPost = can('ledger.post');
  const decide = (row: FundRequest, isApproved: boolean) =>
    modal.confirm({
      title: isApproved
        ? `复核通过 ${KINDS[row.kind]}申请 ${row.id}`
        : `退回 ${KINDS[row.kind]}申请 ${row.id}`,
      content: isApproved
        ? `${yuan(row.amountFen)} 将于 ${row.valueDate} 记账（${row.fromRegionCode} → ${row.toRegionCode}），记账后只能冲正更正。`
        : '退回后此申请不再记账；如仍需划转，请重新提出。',
      okText: isApproved ? '确认记账' : '确认退回',
      okButtonProps: isApproved ? {} : { danger: true },
      cancelText: '取消',
      onOk: async () => {
        try {
          await call(
            client.POST('/api/ledger/fund-requests/{id}/decision', {
              params: { path: { id: row.id } },
              body: { isApproved },
            }),
          );
          message.success(isApproved ? '已复核通过并记账' : '已退回');
          setVersion((value) => value + 1);
        } catch (error) {
          message.error(errorText(error));
        }
      },
    });
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        资金调度
      </Typography.Title>
      <Card>
        <Typography.Paragraph type="secondary">
          计提、下拨和县（区）间调剂：由一人提出，另一名人员复核，通过即记入专账（双人复核）。
        </Typography.Paragraph>
        <Space wrap className="toolbar">
          <FilterSelect
            label="状态"
            value={status}
            onChange={(value) => {
              setStatus(value as Status | undefined);
              setPage(1);
            }}
            options={(Object.keys(STATUSES) as Status[]).map((value) => ({
              value,
              label: STATUSES[value].text,
            }))}
          />
          <FilterSelect
            label="类型"
            value={kind}
            onChange={(value) => {
              setKind(value as Kind | undefined);
              setPage(1);
            }}
            options={(Object.keys(KINDS) as Kind[]).map((value) => ({ value, label: KINDS[value] }))}
          />
          <ExportButton
            fileName="资金划转申请.xlsx"
            request={() =>
              client.GET('/api/ledger/fund-requests.xlsx', { params: { query: filters }, parseAs: 'blob' })
            }
          />
          {canPost && <NewRequest onCreated={() => setVersion((value) => value + 1)} />}
        </Space>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table<FundRequest>
              rowKey="id"
              size="small"
              data-testid="fund-requests"
              dataSource={data.items}
              pagination={pagination(data, setPage, '条')}
              scroll={{ x: 'max-content' }}
              columns={[
                { title: '编号', dataIndex: 'id', sorter: (a, b) => a.id - b.id },
                { title: '类型', dataIndex: 'kind', render: (value: Kind) => KINDS[value] },
                {
                  title: '拨出',
                  render: (_, row) => (
                    <Space direction="vertical" size={0}>
                      <RegionName code={row.fromRegionCode} withCode />
                      <Typography.Text type="secondary">
                        {labelOf(ACCOUNT_KINDS, row.fromKind)}
                      </Typography.Text>
                    </Space>
                  ),
                },
                {
                  title: '拨入',
                  render: (_, row) => (
                    <Space direction="vertical" size={0}>
                      <RegionName code={row.toRegionCode} withCode />
                      <Typography.Text type="secondary">{labelOf(ACCOUNT_KINDS, row.toKind)}</Typography.Text>
                    </Space>
                  ),
                },
                {
                  title: '金额',
                  dataIndex: 'amountFen',
                  align: 'right',
                  sorter: (a, b) => a.amountFen - b.amountFen,
                  render: (fen: number) => <Money fen={fen} />,
                },
                {
                  title: '记账日期（业务日期）',
                  dataIndex: 'valueDate',
                  sorter: (a, b) => a.valueDate.localeCompare(b.valueDate),
                },
                { title: '事由', dataIndex: 'reason' },
                {
                  title: '状态',
                  dataIndex: 'status',
                  render: (value: Status) => <Tag color={STATUSES[value].color}>{STATUSES[value].text}</Tag>,
                },
                { title: '经办人', dataIndex: 'requestedByName' },
                {
                  title: '复核人',
                  dataIndex: 'decidedByName',
                  render: (name: string | null) => name ?? '—',
                },
                ...(canPost
                  ? [
                      {
                        title: '操作',
                        key: 'actions',
                        render: (_: unknown, row: FundRequest) =>
                          row.status === 'pending' && row.requestedBy !== user?.userId ? (
                            <Space>
                              <Button size="small" type="primary" onClick={() => decide(row, true)}>
                                复核通过
                              </Button>
                              <Button size="small" danger onClick={() => decide(row, false)}>
                                退回
                              </Button>
                            </Space>
                          ) : row.status === 'pending' ? (
                            <Typography.Text type="secondary">待他人复核</Typography.Text>
                          ) : null,
                      },
                    ]
                  : []),
              ]}
            />
          )}
        </LoadState>
      </Card>
    </div>
  );
}
