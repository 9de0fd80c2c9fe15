import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress,
  Space,
  Table,
  Tabs,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import type { Answer, QueryOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { LoadState, Money, pagination, StatusTag } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { useListSort } from '../../components/listSort.ts';
import { RegionName } from '../../components/RegionName.tsx';
import { dateTime, today, yuan } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { label, SUB_ACCOUNTS } from '../../vocabulary.ts';
import { BatchBankFiles } from '../finance/BankFiles.tsx';
import { ClaimsTable } from './Claims.tsx';

type PaymentBatch = Answer<'/api/ledger/payment-batches/{id}', 'get'>;
type BatchSortField = NonNullable<QueryOf<'/api/ledger/payment-batches', 'get'>['sort']>;
type Payee = PaymentBatch['disbursements'][number]['payee'];
type ClaimStatus = NonNullable<QueryOf<'/api/claims', 'get'>['status']>;

const DISBURSEMENT_STATUS: Record<string, string> = { ordered: '已下达', paid: '已支付', failed: '支付失败' };

/** Whether the signed-in user orders payments (the finance officers); the auditor only reads. */
function useCanPay(): boolean {
  const { user } = useAuth();
  return user?.permissions.includes('payment.order') ?? false;
}

function BatchView({ batch, onChanged }: { batch: PaymentBatch; onChanged(batch: PaymentBatch): void }) {
  const { message } = App.useApp();
  const canPay = useCanPay();
  return (
    <Card size="small" title={`支付批次 #${batch.id}`} data-testid="payment-batch">
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label="地区">
          <RegionName code={batch.regionCode} withCode />
        </Descriptions.Item>
        <Descriptions.Item label="记账日期">{batch.valueDate}</Descriptions.Item>
        <Descriptions.Item label="合计">
          <Money fen={batch.totalFen} />
        </Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        scroll={{ x: true }}
        dataSource={batch.disbursements}
        columns={[
          { title: '支付参考号', dataIndex: 'reference' },
          { title: '收款人', render: (_, row) => row.payee.name },
          { title: '账号', render: (_, row) => row.payee.bankAccount },
          {
            // The claims this payment pays (one payee may be paid for several claims' lines).
            title: '申请',
            render: (_, row) => (
              <Space size={4} wrap>
                {[...new Set(row.items.map((item) => item.claimId))].map((claimId) => (
                  <Link key={claimId} to={`/app/claims/${claimId}`}>
                    #{claimId}
                  </Link>
                ))}
              </Space>
            ),
          },
          {
            title: '金额',
            dataIndex: 'amountFen',
            align: 'right',
            render: (fen: number) => <Money fen={fen} />,
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (status: string, row) =>
              row.pendingFailure ? (
                // The bank reported a failure or 退回: nothing moves until a second finance officer
                // approves it in 待复核, and the line cannot be ordered again meanwhile.
                <StatusTag
                  status="payment_ordered"
                  text={`失败待复核（复核单 #${row.pendingFailure.approvalId}）`}
                />
              ) : (
                <StatusTag
                  status={
                    status === 'ordered' ? 'payment_ordered' : status === 'failed' ? 'payment_failed' : status
                  }
                  text={DISBURSEMENT_STATUS[status] ?? status}
                />
              ),
          },
          {
            title: '失败原因',
            dataIndex: 'failureReason',
            render: (reason: string | null, row) => reason ?? row.pendingFailure?.reason ?? '—',
          },
          ...(canPay
            ? [
                {
                  title: '操作',
                  render: (_: unknown, row: PaymentBatch['disbursements'][number]) =>
                    row.status === 'failed' ? <CorrectAccount payee={row.payee} /> : null,
                },
              ]
            : []),
        ]}
      />
      {canPay && (
        <BatchBankFiles
          batchId={batch.id}
          onChanged={() =>
            void call(client.GET('/api/ledger/payment-batches/{id}', { params: { path: { id: batch.id } } }))
              .then(onChanged)
              .catch((error: unknown) => message.error(errorText(error)))
          }
        />
      )}
    </Card>
  );
}

/** A payee's bank account corrected by one finance officer, in force when a second approves it. */
function CorrectAccount({ payee }: { payee: Payee }) {
  const { message } = App.useApp();
  const [isOpen, setOpen] = useState(false);
  const [form] = Form.useForm<{ bankName: string; accountNumber: string; reason: string }>();
  const submit = async () => {
    const values = await form.validateFields();
    try {
      const approval = await call(
        client.POST('/api/ledger/payee-accounts', {
          body: { ...values, payeeType: payee.type, payeeId: payee.id, idempotencyId: crypto.randomUUID() },
        }),
      );
      message.success(`已提交账户更正（复核单 #${approval.id}），待另一名财政人员复核`);
      setOpen(false);
      form.resetFields();
    } catch (error) {
      message.error(errorText(error));
    }
  };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        更正收款账户
      </Button>
      <Modal
        open={isOpen}
        title={`更正收款账户：${payee.name}`}
        okText="提交复核"
        cancelText="取消"
        onOk={() => void submit()}
        onCancel={() => setOpen(false)}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="bankName" label="开户银行" rules={[{ required: true, message: '请填写开户银行' }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="accountNumber"
            label="银行账号"
            rules={[{ required: true, pattern: /^\d{8,32}$/, message: '银行账号应为8至32位数字' }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="reason" label="更正原因" rules={[{ required: true, message: '请填写更正原因' }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function PayableClaims({ status, onRequested }: { status: ClaimStatus; onRequested(): void }) {
  const { message, modal } = App.useApp();
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<number[]>([]);
  // One idempotency id per selection: a retry after a lost answer returns the same request.
  const [idempotencyId, setIdempotencyId] = useState(() => crypto.randomUUID());
  const [progress, setProgress] = useState<number | null>(null);
  const loaded = useLoad(
    () => call(client.GET('/api/claims', { params: { query: { status, page, pageSize: 50 } } })),
    [status, page],
  );

  const order = async () => {
    setProgress(30);
    try {
      const order = await call(
        client.POST('/api/claims/payments', {
          body: { claimIds: selected, valueDate: today(), idempotencyId },
        }),
      );
      setProgress(100);
      message.success(
        `已提交支付指令（复核单 #${order.approval.id}），合计 ${(order.totalFen / 100).toFixed(2)} 元，待另一名财政人员复核`,
      );
      setSelected([]);
      setIdempotencyId(crypto.randomUUID());
      onRequested();
      loaded.reload();
    } catch (error) {
      setProgress(null);
      message.error(errorText(error));
    }
  };

  return (
    <>
      <Space className="block-gap" wrap>
        <Typography.Text>已选 {selected.length} 件</Typography.Text>
        <Button
          type="primary"
          disabled={selected.length === 0}
          onClick={() =>
            modal.confirm({
              title: `${status === 'payment_failed' ? '重新下达支付' : '下达支付'}：已选 ${selected.length} 件申请？`,
              content:
                status === 'payment_failed'
                  ? '只支付失败或退回的明细，已支付、在途的明细不再重复支付；提交后须另一名财政人员复核才记账。'
                  : '按已审批明细计算应付金额；提交后须另一名财政人员复核才记账。',
              okText: '确认提交',
              cancelText: '取消',
              onOk: order,
            })
          }
        >
          {status === 'payment_failed' ? '重新下达支付（仅失败明细）' : '下达支付'}
        </Button>
      </Space>
      {progress !== null && (
        <Progress percent={progress} status={progress < 100 ? 'active' : 'success'} className="block-gap" />
      )}
      <LoadState loaded={loaded}>
        {(data) => (
          <ClaimsTable
            data={data}
            onPage={setPage}
            selected={selected}
            onSelect={(ids) => {
              setSelected(ids);
              setIdempotencyId(crypto.randomUUID());
              setProgress(null);
            }}
          />
        )}
      </LoadState>
    </>
  );
}

type Approval = Answer<'/api/ledger/approvals', 'get'>['items'][number];

const APPROVAL_KINDS: Record<Approval['kind'], string> = {
  payment_order: '支付指令',
  manual_transfer: '手工记账',
  reversal: '冲正',
  payee_account: '收款账户变更',
  recovery_receipt: '追回到账',
  payment_failure: '支付失败退回',
};

/** 待复核: what another person requested and this one may approve or reject. */
function ApprovalQueue({ version, onDecided }: { version: number; onDecided(batchId: number | null): void }) {
  const { message, modal } = App.useApp();
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/ledger/approvals', { params: { query: { status: 'pending', page, pageSize: 20 } } }),
      ),
    [page, version],
  );
  const decide = async (approval: Approval, isApproved: boolean) => {
    try {
      const request = { params: { path: { id: approval.id } }, body: { isApproved } };
      let batchId: number | null = null;
      if (approval.kind === 'payment_order') {
        const decided = await call(client.POST('/api/claims/payment-orders/{id}/decision', request));
        batchId = decided.batch?.id ?? null;
      } else {
        await call(client.POST('/api/ledger/approvals/{id}/decision', request));
      }
      message.success(isApproved ? '已复核通过并记账' : '已退回（不通过）');
      loaded.reload();
      onDecided(batchId);
    } catch (error) {
      message.error(errorText(error));
    }
  };
  return (
    <LoadState loaded={loaded}>
      {(data) => (
        <Table
          size="small"
          rowKey="id"
          data-testid="approval-queue"
          dataSource={data.items}
          pagination={pagination(data, setPage, '件')}
          columns={[
            { title: '复核单', dataIndex: 'id' },
            { title: '类型', dataIndex: 'kind', render: (kind: Approval['kind']) => APPROVAL_KINDS[kind] },
            { title: '内容', dataIndex: 'summary' },
            {
              title: '提出人',
              dataIndex: 'requestedByName',
              render: (name: string | null) => name ?? '—',
            },
            {
              title: '提出记录时间（系统时钟）',
              dataIndex: 'createdAt',
              render: (at: string) => dateTime(at),
            },
            {
              title: '金额',
              dataIndex: 'amountFen',
              align: 'right',
              render: (fen: number | null) => (fen === null ? '—' : <Money fen={fen} />),
            },
            {
              title: '操作',
              render: (_, row) => (
                <Space>
                  <Button
                    size="small"
                    type="primary"
                    onClick={() =>
                      modal.confirm({
                        title: `复核通过：${APPROVAL_KINDS[row.kind]} #${row.id}？`,
                        content: `${row.summary}${row.amountFen === null ? '' : `，金额 ${yuan(row.amountFen)}`}。通过即记账或生效。`,
                        okText: '确认通过',
                        cancelText: '取消',
                        onOk: () => decide(row, true),
                      })
                    }
                  >
                    复核通过
                  </Button>
                  <Button
                    size="small"
                    danger
                    onClick={() =>
                      modal.confirm({
                        title: `不通过：${APPROVAL_KINDS[row.kind]} #${row.id}？`,
                        okText: '确认不通过',
                        cancelText: '取消',
                        onOk: () => decide(row, false),
                      })
                    }
                  >
                    不通过
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      )}
    </LoadState>
  );
}

/** The batches kept by the server (they survive a reload); `status=failed` lists those with failed payments. */
function BatchList({
  status,
  version,
  onOpen,
}: {
  status?: QueryOf<'/api/ledger/payment-batches', 'get'>['status'];
  version: number;
  onOpen(id: number): void;
}) {
  const [page, setPage] = useState(1);
  const sorting = useListSort<BatchSortField>(() => setPage(1));
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/ledger/payment-batches', {
          params: { query: { page, pageSize: 20, ...(status ? { status } : {}), ...sorting.query } },
        }),
      ),
    [page, status, version, JSON.stringify(sorting.query)],
  );
  return (
    <LoadState loaded={loaded}>
      {(data) => (
        <Table
          size="small"
          rowKey="id"
          title={() => (
            <ExportButton
              fileName={status === 'failed' ? '支付失败批次.xlsx' : '支付批次.xlsx'}
              request={() =>
                client.GET('/api/ledger/payment-batches.xlsx', {
                  params: { query: { ...(status ? { status } : {}), ...sorting.query } },
                  parseAs: 'blob',
                })
              }
            />
          )}
          data-testid={status === 'failed' ? 'failed-batch-list' : 'batch-list'}
          dataSource={data.items}
          onChange={sorting.onChange}
          pagination={pagination(data, setPage, '个批次')}
          columns={[
            { title: '批次', dataIndex: 'id', render: (id: number) => `#${id}`, ...sorting.column('id') },
            { title: '地区', dataIndex: 'regionCode', render: (code: string) => <RegionName code={code} /> },
            { title: '记账日期', dataIndex: 'valueDate', ...sorting.column('valueDate') },
            {
              title: '合计',
              dataIndex: 'totalFen',
              align: 'right',
              render: (fen: number) => <Money fen={fen} />,
              ...sorting.column('totalFen'),
            },
            { title: '笔数', dataIndex: 'disbursementCount', ...sorting.column('disbursementCount') },
            { title: '已下达', dataIndex: 'orderedCount' },
            { title: '已支付', dataIndex: 'paidCount', ...sorting.column('paidCount') },
            { title: '支付失败', dataIndex: 'failedCount', ...sorting.column('failedCount') },
            {
              title: '操作',
              render: (_, row) => (
                <Button size="small" onClick={() => onOpen(row.id)}>
                  查看
                </Button>
              ),
            },
          ]}
        />
      )}
    </LoadState>
  );
}

function BatchDetail({ batchId, onChanged }: { batchId: number; onChanged(): void }) {
  const loaded = useLoad(
    () => call(client.GET('/api/ledger/payment-batches/{id}', { params: { path: { id: batchId } } })),
    [batchId],
  );
  return (
    <LoadState loaded={loaded}>
      {(batch) => (
        <BatchView
          batch={batch}
          onChanged={() => {
            loaded.reload();
            onChanged();
          }}
        />
      )}
    </LoadState>
  );
}

function ClaimList({ status }: { status: ClaimStatus }) {
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => call(client.GET('/api/claims', { params: { query: { status, page, pageSize: 20 } } })),
    [status, page],
  );
  return <LoadState loaded={loaded}>{(data) => <ClaimsTable data={data} onPage={setPage} />}</LoadState>;
}

type RecoveryOrder = Answer<'/api/ledger/recovery-orders', 'get'>['items'][number];

/**
 * 追回单: the region's recovery orders; money that came back is recorded by one finance officer
 * (登记到账) and posted to the sub-account only when another approves it in 待复核.
 */
function RecoveryOrders({ version, onRequested }: { version: number; onRequested(): void }) {
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<'open' | 'closed' | undefined>('open');
  const [receiving, setReceiving] = useState<RecoveryOrder | null>(null);
  const [form] = Form.useForm<{ amountYuan: number }>();
  const canPay = useCanPay();
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/ledger/recovery-orders', {
          params: { query: { page, pageSize: 20, ...(status ? { status } : {}) } },
        }),
      ),
    [page, status, version],
  );
  const submit = async () => {
    if (!receiving) return;
    const { amountYuan } = await form.validateFields();
    try {
      const approval = await call(
        client.POST('/api/ledger/recovery-orders/{id}/receipts', {
          params: { path: { id: receiving.id } },
          body: {
            amountFen: Math.round(amountYuan * 100),
            valueDate: today(),
            idempotencyId: crypto.randomUUID(),
          },
        }),
      );
      message.success(`已登记追回到账（复核单 #${approval.id}），待另一人复核后记账`);
      setReceiving(null);
      form.resetFields();
      onRequested();
    } catch (error) {
      message.error(errorText(error));
    }
  };
  return (
    <>
      <Space className="block-gap" wrap>
        <Button type={status === 'open' ? 'primary' : 'default'} onClick={() => setStatus('open')}>
          待追回
        </Button>
        <Button type={status === 'closed' ? 'primary' : 'default'} onClick={() => setStatus('closed')}>
          已结清
        </Button>
        <Button type={status === undefined ? 'primary' : 'default'} onClick={() => setStatus(undefined)}>
          全部
        </Button>
        <ExportButton
          fileName="追回单.xlsx"
          request={() =>
            client.GET('/api/ledger/recovery-orders.xlsx', {
              params: { query: status ? { status } : {} },
              parseAs: 'blob',
            })
          }
        />
      </Space>
      <LoadState loaded={loaded}>
        {(data) => (
          <Table
            size="small"
            rowKey="id"
            data-testid="recovery-order-list"
            dataSource={data.items}
            pagination={pagination(data, setPage, '张追回单')}
            columns={[
              { title: '追回单', dataIndex: 'id', render: (id: number) => `#${id}` },
              {
                title: '申请',
                dataIndex: 'claimId',
                render: (id: number) => <Link to={`/app/claims/${id}`}>#{id}</Link>,
              },
              {
                title: '地区',
                dataIndex: 'regionCode',
                render: (code: string) => <RegionName code={code} withCode />,
              },
              {
                title: '子账户',
                dataIndex: 'subAccount',
                render: (value: string) => label(SUB_ACCOUNTS, value),
              },
              { title: '原因', dataIndex: 'reason' },
              {
                title: '应追回',
                dataIndex: 'amountFen',
                align: 'right',
                render: (fen: number) => <Money fen={fen} />,
              },
              {
                title: '已追回',
                dataIndex: 'recoveredFen',
                align: 'right',
                render: (fen: number) => <Money fen={fen} />,
              },
              {
                title: '状态',
                dataIndex: 'status',
                render: (value: RecoveryOrder['status']) => (value === 'open' ? '待追回' : '已结清'),
              },
              {
                title: '操作',
                render: (_, row) =>
                  canPay && row.status === 'open' ? (
                    <Button
                      size="small"
                      onClick={() => {
                        form.setFieldsValue({ amountYuan: (row.amountFen - row.recoveredFen) / 100 });
                        setReceiving(row);
                      }}
                    >
                      登记到账
                    </Button>
                  ) : null,
              },
            ]}
          />
        )}
      </LoadState>
      <Modal
        open={receiving !== null}
        title={receiving ? `登记追回到账：追回单 #${receiving.id}` : ''}
        okText="提交复核"
        cancelText="取消"
        onOk={() => void submit()}
        onCancel={() => setReceiving(null)}
      >
        <Typography.Paragraph type="secondary">
          到账金额记入原子账户，须另一人复核通过后才记账。
        </Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item
            name="amountYuan"
            label="到账金额（元）"
            rules={[{ required: true, message: '请填写到账金额' }]}
          >
            <InputNumber min={0.01} precision={2} className="full-width" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/**
 * Finance: approved claims → payment order (待复核) → a second finance officer's approval posts
 * the batch; instruction file, bank result, failed payments (account correction, re-order of the
 * failed lines only). The open tab and batch are in the address, so a reload keeps them.
 */
export function PaymentsPage() {
  const [params, setParams] = useSearchParams();
  const [version, setVersion] = useState(0);
  const canPay = useCanPay();
  // The auditor reads the batches, failures, recovery orders and paid claims; ordering is not theirs.
  const tab = params.get('tab') ?? (canPay ? 'approved' : 'batches');
  const batchId = Number(params.get('batch')) || null;
  const refresh = () => setVersion((value) => value + 1);
  const open = (id: number) => setParams({ tab: params.get('tab') ?? 'batches', batch: String(id) });
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        支付批次
      </Typography.Title>
      <Space direction="vertical" className="full-width" size="middle">
        <Alert
          type="info"
          showIcon
          title={
            canPay
              ? '支付金额按已审批明细计算（已付、在途不重复）；下达支付须另一名财政人员复核后才记账。'
              : '只读：查看并导出支付批次、支付失败、追回单和已支付的申请；下达支付与复核由财政人员办理。'
          }
        />
        {batchId !== null && (
          <BatchDetail key={`${batchId}-${version}`} batchId={batchId} onChanged={refresh} />
        )}
        <Card>
          <Tabs
            activeKey={tab}
            onChange={(key) => setParams({ tab: key, ...(batchId ? { batch: String(batchId) } : {}) })}
            items={[
              ...(canPay
                ? [
                    {
                      key: 'approved',
                      label: '待下达支付',
                      children: <PayableClaims status="approved" onRequested={refresh} />,
                    },
                    {
                      key: 'review',
                      label: '待复核',
                      children: (
                        <ApprovalQueue
                          version={version}
                          onDecided={(id) => {
                            refresh();
                            if (id !== null) open(id);
                          }}
                        />
                      ),
                    },
                  ]
                : []),
              { key: 'batches', label: '支付批次', children: <BatchList version={version} onOpen={open} /> },
              {
                key: 'failed',
                label: '支付失败',
                children: (
                  <Space direction="vertical" className="full-width">
                    {canPay && (
                      <Typography.Text type="secondary">
                        打开含失败支付的批次，更正收款账户（须复核）后，在下方重新下达支付：只支付失败的明细。
                      </Typography.Text>
                    )}
                    <BatchList status="failed" version={version} onOpen={open} />
                    {canPay && <PayableClaims status="payment_failed" onRequested={refresh} />}
                  </Space>
                ),
              },
              {
                key: 'recovery',
                label: '追回单',
                children: <RecoveryOrders version={version} onRequested={refresh} />,
              },
              { key: 'ordered', label: '已下达支付', children: <ClaimList status="payment_ordered" /> },
              { key: 'paid', label: '已支付', children: <ClaimList status="paid" /> },
            ]}
          />
        </Card>
      </Space>
    </div>
  );
}
