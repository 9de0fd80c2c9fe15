import { UploadOutlined } from '@ant-design/icons';
import { App, Button, Card, Input, Space, Table, Tag, Typography, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { call, client, multipart } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { LoadState, RejectedRows } from '../../components/common.tsx';
import { yuan } from '../../format.ts';
import { useLoad } from '../../hooks.ts';

/** The answer of the import, as the route declares it. */
type ImportReport = Answer<'/api/social-insurance-contributions/import', 'post'>;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * 社保缴费核验: an HRSS officer imports the social-insurance contribution list (xlsx or CSV, GBK
 * or UTF-8) — checked row by row, only the valid rows written on confirmation — and lists what
 * was imported. A 以工代训 month is paid only when this list shows a contribution above zero.
 */
export function ContributionsPage() {
  const [monthFrom, setMonthFrom] = useState<string>();
  const [page, setPage] = useState(1);
  const list = useLoad(
    () =>
      call(
        client.GET('/api/social-insurance-contributions', {
          params: { query: { page, pageSize: 20, ...(monthFrom ? { monthFrom } : {}) } },
        }),
      ),
    [page, monthFrom],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        社保缴费核验
      </Typography.Title>
      <Card title="导入社会保险缴费记录">
        <ContributionImport onImported={() => list.reload()} />
      </Card>
      <Card title="已导入的缴费记录（本辖区企业）" className="block-gap-top">
        <Space direction="vertical" className="full-width">
          <Input.Search
            placeholder="费款所属期起，如 2021-03"
            aria-label="费款所属期起"
            allowClear
            enterButton="筛选"
            onSearch={(value) => {
              const month = value.trim();
              setMonthFrom(MONTH.test(month) ? month : undefined);
              setPage(1);
            }}
          />
          <LoadState loaded={list}>
            {(data) => (
              <Table
                size="small"
                rowKey="id"
                data-testid="contribution-list"
                dataSource={data.items}
                pagination={{
                  current: page,
                  pageSize: 20,
                  total: data.total,
                  onChange: setPage,
                  showSizeChanger: false,
                }}
                columns={[
                  { title: '费款所属期', dataIndex: 'month' },
                  { title: '企业', dataIndex: 'enterpriseName' },
                  { title: '统一社会信用代码', dataIndex: 'creditCode' },
                  { title: '姓名', dataIndex: 'personName' },
                  {
                    title: '公民身份号码',
                    dataIndex: 'idNumber',
                    render: (value: string | null) => <span className="id-number">{value ?? '—'}</span>,
                  },
                  { title: '缴费金额', dataIndex: 'amountFen', render: (value: number) => yuan(value) },
                  {
                    title: '核验',
                    dataIndex: 'isVerifying',
                    render: (value: boolean) =>
                      value ? <Tag color="green">可核验该月</Tag> : <Tag color="red">金额为0，不作核验</Tag>,
                  },
                  { title: '导入日期', dataIndex: 'importedOn' },
                  {
                    title: '来源文件',
                    dataIndex: 'sourceFileName',
                    render: (value: string | null) =>
                      value ? <Typography.Text code>{value}</Typography.Text> : '—',
                  },
                ]}
              />
            )}
          </LoadState>
        </Space>
      </Card>
    </div>
  );
}

/** The import: check first, then write the valid rows. */
function ContributionImport({ onImported }: { onImported(): void }) {
  const { message } = App.useApp();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [report, setReport] = useState<ImportReport | null>(null);
  const upload = async (accept: boolean) => {
    const file = files[0]?.originFileObj;
    if (!file) return;
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const result = await call(
        client.POST('/api/social-insurance-contributions/import', {
          params: { query: accept ? { accept: 'valid' } : {} },
          ...multipart(form),
        }),
      );
      setReport(result);
      if (result.isWritten) {
        message.success(`已导入：新增 ${result.inserted} 条，更新 ${result.updated} 条`);
        onImported();
      }
    } catch (error) {
      message.error(errorText(error));
    }
  };
  return (
    <Space direction="vertical" className="full-width">
      <Typography.Text type="secondary">
        社保系统导出文件（.xlsx 或 .csv，GBK 或
        UTF-8）表头：公民身份号码、姓名（可选）、统一社会信用代码、费款所属期、缴费金额（元）。
        以工代训的月份只以缴费金额大于0的记录核验；企业自报的工资不作核验依据。
      </Typography.Text>
      <Space wrap>
        <Upload
          accept=".xlsx,.csv"
          maxCount={1}
          fileList={files}
          beforeUpload={() => false}
          onChange={(info) => {
            setFiles(info.fileList);
            setReport(null);
          }}
        >
          <Button icon={<UploadOutlined />}>选择缴费记录文件</Button>
        </Upload>
        <Button disabled={files.length === 0} onClick={() => void upload(false)}>
          校验缴费记录
        </Button>
        <Button
          type="primary"
          disabled={!report || report.isWritten || report.validRows === 0}
          onClick={() => void upload(true)}
        >
          导入有效记录
        </Button>
      </Space>
      {report && (
        <>
          <Typography.Text data-testid="contribution-import-summary">
            共 {report.totalRows} 行，有效 {report.validRows} 行，有问题 {report.rejected.length} 行
            {report.isWritten ? `；已导入（新增 ${report.inserted} 条，更新 ${report.updated} 条）` : ''}
          </Typography.Text>
          <RejectedRows rows={report.rejected} />
        </>
      )}
    </Space>
  );
}
