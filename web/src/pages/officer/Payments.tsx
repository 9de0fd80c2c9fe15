import { UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Progress,
  Space,
  Table,
  Tabs,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { api, download, errorText, type Page } from '../../api.ts';
import { LoadState, Money, StatusTag } from '../../components/common.tsx';
import { today } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import type { ClaimSummary } from '../../shared-types.ts';
import { ClaimsTable } from './Claims.tsx';

interface PaymentBatch {
  id: number;
  regionCode: string;
  valueDate: string;
  totalFen: number;
  isReplay: boolean;
  disbursements: {
    id: number;
    reference: string;
    payee: { type: string; id: number; name: string; bankAccount: string };
    amountFen: number;
    status: string;
    failureReason: string | null;
  }[];
}

const DISBURSEMENT_STATUS: Record<string, string> = { ordered: '已下达', paid: '已支付', failed: '支付失败' };

function BatchView({ batch, onChanged }: { batch: PaymentBatch; onChanged(batch: PaymentBatch): void }) {
  const { message } = App.useApp();
  const [isBusy, setBusy] = useState(false);
  const importResult = async (file: File) => {
    setBusy(true);
    try {
      const csv = await file.text();
      const result = await api<PaymentBatch | { batch?: PaymentBatch }>(
        `/api/claims/payments/${batch.id}/bank-result`,
        {
          method: 'POST',
          body: { csv, valueDate: today() },
        },
      );
      message.success('已导入银行支付结果');
      const updated = 'disbursements' in result ? result : result.batch;
      if (updated) onChanged(updated);
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={`支付批次 #${batch.id}`} data-testid="payment-batch">
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label="地区">{batch.regionCode}</Descriptions.Item>
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
            title: '金额',
            dataIndex: 'amountFen',
            align: 'right',
            render: (fen: number) => <Money fen={fen} />,
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (status: string) => (
              <StatusTag
                status={
                  status === 'ordered' ? 'payment_ordered' : status === 'failed' ? 'payment_failed' : status
                }
                text={DISBURSEMENT_STATUS[status] ?? status}
              />
            ),
          },
          { title: '失败原因', dataIndex: 'failureReason', render: (reason: string | null) => reason ?? '—' },
        ]}
      />
      <Space wrap className="block-gap-top">
        <Button
          onClick={() =>
            void download(
              `/api/ledger/payment-batches/${batch.id}/instruction-file`,
              `payment-${batch.id}.csv`,
            )
          }
        >
          下载支付指令文件（CSV）
        </Button>
        <Upload
          accept=".csv"
          showUploadList={false}
          beforeUpload={(file) => {
            void importResult(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={isBusy}>
            导入银行支付结果
          </Button>
        </Upload>
      </Space>
    </Card>
  );
}

function PayableClaims({ onOrdered }: { onOrdered(batch: PaymentBatch): void }) {
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<number[]>([]);
  // One idempotency id per selection: a retry after a lost answer returns the same batch.
  const [idempotencyId, setIdempotencyId] = useState(() => crypto.randomUUID());
  const [progress, setProgress] = useState<number | null>(null);
  const loaded = useLoad(
    () => api<Page<ClaimSummary>>('/api/claims', { query: { status: 'approved', page, pageSize: 50 } }),
    [page],
  );

  const order = async () => {
    setProgress(30);
    try {
      const batch = await api<PaymentBatch>('/api/claims/payments', {
        method: 'POST',
        body: { claimIds: selected, valueDate: today(), idempotencyId },
      });
      setProgress(100);
      message.success(`已下达支付：批次 #${batch.id}，合计 ${(batch.totalFen / 100).toFixed(2)} 元`);
      setSelected([]);
      setIdempotencyId(crypto.randomUUID());
      onOrdered(batch);
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
        <Button type="primary" disabled={selected.length === 0} onClick={() => void order()}>
          下达支付
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

function ClaimList({ status }: { status: string }) {
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => api<Page<ClaimSummary>>('/api/claims', { query: { status, page, pageSize: 20 } }),
    [status, page],
  );
  return <LoadState loaded={loaded}>{(data) => <ClaimsTable data={data} onPage={setPage} />}</LoadState>;
}

/** Finance: approved claims → payment batch (posted in the special account), instruction file, bank result. */
export function PaymentsPage() {
  const [batches, setBatches] = useState<PaymentBatch[]>([]);
  const upsert = (batch: PaymentBatch) =>
    setBatches((current) => [batch, ...current.filter((item) => item.id !== batch.id)]);
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        支付批次
      </Typography.Title>
      <Space direction="vertical" className="full-width" size="middle">
        {batches.length > 0 && (
          <Alert
            type="success"
            showIcon
            title="本次下达的支付批次如下；下载支付指令文件交银行，银行回盘后导入支付结果。"
          />
        )}
        {batches.map((batch) => (
          <BatchView key={batch.id} batch={batch} onChanged={upsert} />
        ))}
        <Card>
          <Tabs
            items={[
              { key: 'approved', label: '待下达支付', children: <PayableClaims onOrdered={upsert} /> },
              { key: 'ordered', label: '已下达支付', children: <ClaimList status="payment_ordered" /> },
              { key: 'paid', label: '已支付', children: <ClaimList status="paid" /> },
              { key: 'failed', label: '支付失败', children: <ClaimList status="payment_failed" /> },
            ]}
          />
        </Card>
      </Space>
    </div>
  );
}
