import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Modal, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { call, client, saveFile } from '../../api/client.ts';
import type { Answer, QueryOf } from '../../api/types.ts';
import { ApiError, type ErrorDetail, errorText } from '../../api.ts';
import { Money } from '../../components/common.tsx';
import { today } from '../../format.ts';
import { fileToBase64 } from './files.ts';

/** One data row of the bank's result file as the server read it (docs/bank-reconciliation.md). */
type ResultRow = Answer<'/api/claims/payments/{batchId}/bank-result', 'post'>['rows'][number];

const OUTCOMES: Record<ResultRow['outcome'], { text: string; color: string }> = {
  paid: { text: '支付成功', color: 'success' },
  failed: { text: '支付失败', color: 'error' },
  returned: { text: '银行退回', color: 'warning' },
  recorded: { text: '此前已导入', color: 'default' },
  unmatched: { text: '未匹配', color: 'orange' },
};

type BankFileQuery = QueryOf<'/api/ledger/payment-batches/{id}/instruction-file', 'get'>;

/** The file formats and encodings a bank file comes in; '' leaves it to the special account's bank. */
const FORMATS: { value: NonNullable<BankFileQuery['format']> | ''; label: string }[] = [
  { value: '', label: '按专户银行格式' },
  { value: 'xlsx', label: 'Excel（xlsx）' },
  { value: 'csv', label: 'CSV 文本' },
  { value: 'txt', label: '定长文本' },
];
const ENCODINGS: { value: NonNullable<BankFileQuery['encoding']> | ''; label: string }[] = [
  { value: '', label: '按专户银行格式' },
  { value: 'gbk', label: 'GBK' },
  { value: 'utf8bom', label: 'UTF-8（带 BOM）' },
];

function ResultRowsTable({ rows }: { rows: ResultRow[] }) {
  return (
    <Table
      size="small"
      rowKey="rowNumber"
      pagination={false}
      scroll={{ y: 360 }}
      data-testid="bank-result-preview"
      dataSource={rows}
      columns={[
        { title: '文件行', dataIndex: 'rowNumber', width: 70 },
        { title: '支付参考号', dataIndex: 'reference', render: (text: string) => text || '—' },
        {
          title: '结果',
          dataIndex: 'outcome',
          render: (outcome: ResultRow['outcome']) => (
            <Tag color={OUTCOMES[outcome].color}>{OUTCOMES[outcome].text}</Tag>
          ),
        },
        {
          title: '金额',
          dataIndex: 'amountFen',
          align: 'right',
          render: (fen: number | null) => (fen === null ? '—' : <Money fen={fen} />),
        },
        { title: '银行状态', dataIndex: 'bankStatus', render: (text: string) => text || '—' },
        { title: '原因', dataIndex: 'reason', render: (text: string | null) => text ?? '—' },
      ]}
    />
  );
}

/**
 * The files a payment batch exchanges with the bank: the instruction file and the result template
 * in the special account's bank layout, and the bank's result file, previewed row by row before
 * it is imported.
 */
export function BatchBankFiles({ batchId, onChanged }: { batchId: number; onChanged(): void }) {
  const { message } = App.useApp();
  const [format, setFormat] = useState<(typeof FORMATS)[number]['value']>('');
  const [encoding, setEncoding] = useState<(typeof ENCODINGS)[number]['value']>('');
  const [preview, setPreview] = useState<{ fileBase64: string; fileName: string; rows: ResultRow[] } | null>(
    null,
  );
  const [refusal, setRefusal] = useState<{ message: string; details: ErrorDetail[] } | null>(null);
  const [isBusy, setBusy] = useState(false);
  const query: BankFileQuery = { format: format || undefined, encoding: encoding || undefined };
  const file = { params: { path: { id: batchId }, query }, parseAs: 'blob' } as const;

  const send = (fileBase64: string, isPreview: boolean) =>
    call(
      client.POST('/api/claims/payments/{batchId}/bank-result', {
        params: { path: { batchId } },
        body: { fileBase64, valueDate: today(), isPreview },
      }),
    );

  const readFile = async (file: File) => {
    setBusy(true);
    setRefusal(null);
    try {
      const fileBase64 = await fileToBase64(file);
      const summary = await send(fileBase64, true);
      setPreview({ fileBase64, fileName: file.name, rows: summary.rows });
    } catch (error) {
      if (error instanceof ApiError) setRefusal({ message: error.message, details: error.details });
      else message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    if (!preview) return;
    try {
      const summary = await send(preview.fileBase64, false);
      const count = (outcome: ResultRow['outcome']) =>
        summary.rows.filter((row) => row.outcome === outcome).length;
      message.success(
        `已导入银行结果：成功 ${count('paid')} 笔，失败 ${count('failed')} 笔，退回 ${count('returned')} 笔，未匹配 ${count('unmatched')} 行${summary.pendingApprovals.length > 0 ? `；失败与退回 ${summary.pendingApprovals.length} 笔待另一名财政人员复核后退回原子账户` : ''}`,
      );
      setPreview(null);
      onChanged();
    } catch (error) {
      message.error(errorText(error));
    }
  };

  const counts = preview
    ? Object.entries(OUTCOMES)
        .map(
          ([outcome, { text }]) =>
            [text, preview.rows.filter((row) => row.outcome === outcome).length] as const,
        )
        .filter(([, count]) => count > 0)
    : [];

  return (
    <Space direction="vertical" className="full-width block-gap-top">
      <Space wrap>
        <Typography.Text>文件格式</Typography.Text>
        <Select
          aria-label="文件格式"
          value={format}
          onChange={setFormat}
          options={FORMATS}
          style={{ minWidth: 150 }}
        />
        <Typography.Text>编码</Typography.Text>
        <Select
          aria-label="编码"
          value={encoding}
          onChange={setEncoding}
          options={ENCODINGS}
          style={{ minWidth: 150 }}
        />
        <Button
          icon={<DownloadOutlined />}
          onClick={() =>
            void saveFile(
              client.GET('/api/ledger/payment-batches/{id}/instruction-file', file),
              `支付指令-${batchId}`,
            ).catch((error: unknown) => message.error(errorText(error)))
          }
        >
          下载支付指令文件
        </Button>
        <Button
          icon={<DownloadOutlined />}
          onClick={() =>
            void saveFile(
              client.GET('/api/ledger/payment-batches/{id}/result-template', file),
              `银行结果模板-${batchId}`,
            ).catch((error: unknown) => message.error(errorText(error)))
          }
        >
          下载银行结果文件模板
        </Button>
        <Upload
          accept=".xlsx,.csv,.txt"
          showUploadList={false}
          beforeUpload={(file) => {
            void readFile(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={isBusy}>
            上传银行支付结果（先预览）
          </Button>
        </Upload>
      </Space>
      <Typography.Text type="secondary">
        银行结果文件应与支付指令同一银行格式（xlsx、CSV 或定长文本，GBK 或 UTF-8
        均可）：须有表头行，含“备注”（支付参考号）与“处理结果”列，可有“失败原因”“金额（元）”列；可下载上方模板填写。上传后先逐行预览，确认后才导入。
      </Typography.Text>
      {refusal && (
        <Alert
          type="error"
          showIcon
          closable
          onClose={() => setRefusal(null)}
          title={refusal.message}
          description={
            <ul className="plain-list" data-testid="bank-result-refusal">
              {refusal.details.map((detail) => (
                <li key={`${detail.field}-${detail.message}`}>
                  {detail.field?.startsWith('rows[') ? `第 ${detail.field.slice(5, -1)} 行：` : ''}
                  {detail.message}
                </li>
              ))}
            </ul>
          }
        />
      )}
      <Modal
        open={preview !== null}
        width={960}
        title={`预览银行结果：${preview?.fileName ?? ''}`}
        okText="确认导入"
        cancelText="取消"
        onOk={() => void apply()}
        onCancel={() => setPreview(null)}
      >
        <Space direction="vertical" className="full-width">
          <Typography.Text>
            共 {preview?.rows.length ?? 0} 行：{counts.map(([text, count]) => `${text} ${count}`).join('，')}
            。确认导入后，成功的支付记为已支付；失败与退回进入待复核，经另一名财政人员复核通过后资金才回到原子账户。
          </Typography.Text>
          {preview && <ResultRowsTable rows={preview.rows} />}
        </Space>
      </Modal>
    </Space>
  );
}
