import { UploadOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { call, client } from '../api/client.ts';
import { errorText } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { dateTime, today } from '../format.ts';
import { showFieldErrors } from '../forms.ts';
import { useLoad } from '../hooks.ts';
import { LoadState } from './common.tsx';

const RESULTS = {
  passed: { text: '未发现问题', color: 'green' },
  minor_issues: { text: '发现一般问题', color: 'orange' },
  failed: { text: '发现严重问题', color: 'red' },
} as const;

type Result = keyof typeof RESULTS;

/** A file as the API takes it: name, type and Base64 content. */
async function asAttachment(file: File) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return { fileName: file.name, contentType: file.type || 'application/pdf', contentBase64: btoa(binary) };
}

/**
 * 第三方现场核查 of a claim: every officer who sees the claim reads the inspections (business date
 * of the check, result, findings, the agency and contract, the file, when it was recorded); the
 * third-party reviewer records one under its contract, dated no later than the business today.
 */
export function ClaimInspections({ claimId }: { claimId: number }) {
  const { user } = useAuth();
  const { message, modal } = App.useApp();
  const loaded = useLoad(
    () => call(client.GET('/api/claims/{id}/inspections', { params: { path: { id: claimId } } })),
    [claimId],
  );
  const [form] = Form.useForm<{ inspectedOn: Dayjs; result: Result; findings: string }>();
  const [file, setFile] = useState<File | null>(null);
  const isReviewer = user?.role === 'third_party_reviewer';

  const record = async () => {
    const values = await form.validateFields();
    modal.confirm({
      title: '登记现场核查',
      content: '登记后不能修改，将记入审计日志并在申请详情中向经办人员展示。',
      okText: '确认登记',
      cancelText: '取消',
      onOk: async () => {
        try {
          await call(
            client.POST('/api/claims/{id}/inspections', {
              params: { path: { id: claimId } },
              body: {
                inspectedOn: values.inspectedOn.format('YYYY-MM-DD'),
                result: values.result,
                findings: values.findings.trim(),
                ...(file && { attachment: await asAttachment(file) }),
              },
            }),
          );
          message.success('已登记现场核查');
          form.resetFields();
          setFile(null);
          loaded.reload();
        } catch (error) {
          if (showFieldErrors(form, error, [['inspectedOn'], ['result'], ['findings']]))
            message.error(errorText(error));
          throw error;
        }
      },
    });
  };

  return (
    <Card title="第三方现场核查" data-testid="claim-inspections">
      <LoadState loaded={loaded}>
        {({ items }) => (
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: true }}
            dataSource={items}
            locale={{ emptyText: '暂无现场核查记录' }}
            columns={[
              { title: '检查日期（业务日期）', dataIndex: 'inspectedOn' },
              {
                title: '核查结果',
                dataIndex: 'result',
                render: (result: Result) => <Tag color={RESULTS[result].color}>{RESULTS[result].text}</Tag>,
              },
              { title: '核查情况', dataIndex: 'findings' },
              {
                title: '审核机构（合同）',
                render: (_, row) => `${row.agencyName}（${row.contractNumber}）`,
              },
              {
                title: '附件',
                dataIndex: 'attachment',
                render: (attachment: (typeof items)[number]['attachment']) =>
                  attachment ? (
                    <span title={`SHA-256 ${attachment.sha256}`}>{attachment.fileName}</span>
                  ) : (
                    '—'
                  ),
              },
              {
                title: '记录时间（系统时钟）',
                dataIndex: 'recordedAt',
                render: (value: string) => dateTime(value),
              },
            ]}
          />
        )}
      </LoadState>
      {isReviewer && (
        <Form
          form={form}
          layout="vertical"
          name="inspection"
          className="block-gap-top"
          initialValues={{ inspectedOn: dayjs(today()) }}
        >
          <Typography.Title level={2}>
            登记现场核查（合同范围内，检查日期不晚于业务日期 {today()}）
          </Typography.Title>
          <Space wrap align="start">
            <Form.Item
              name="inspectedOn"
              label="检查日期"
              rules={[{ required: true, message: '请选择检查日期' }]}
            >
              <DatePicker disabledDate={(day) => day.format('YYYY-MM-DD') > today()} />
            </Form.Item>
            <Form.Item name="result" label="核查结果" rules={[{ required: true, message: '请选择核查结果' }]}>
              <Select
                className="inspection-result"
                options={Object.entries(RESULTS).map(([value, { text }]) => ({ value, label: text }))}
              />
            </Form.Item>
          </Space>
          <Form.Item
            name="findings"
            label="核查情况与发现的问题"
            rules={[{ required: true, whitespace: true, message: '请填写核查情况' }]}
          >
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Space wrap>
            <Upload
              accept=".pdf,.jpg,.jpeg,.png,.mp4"
              maxCount={1}
              beforeUpload={(chosen) => {
                setFile(chosen);
                return false;
              }}
              onRemove={() => setFile(null)}
            >
              <Button icon={<UploadOutlined />}>附件（可选）</Button>
            </Upload>
            <Button type="primary" onClick={() => void record()}>
              登记核查
            </Button>
          </Space>
        </Form>
      )}
    </Card>
  );
}
