import { App, Button, Card, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../api/client.ts';
import type { Answer, ClaimDetail } from '../api/types.ts';
import { errorText } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { dateTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { LoadState } from './common.tsx';

type Objection = Answer<'/api/claims/{id}/objections', 'get'>['items'][number];

/**
 * 公示期异议: the objections raised against a claim's public notice, recorded by the officer who
 * receives them and resolved with a conclusion (an upheld objection against a trainee excludes
 * that trainee's line, irreversibly, so the resolution is confirmed first).
 */
export function ClaimObjections({ claim, onChanged }: { claim: ClaimDetail; onChanged(): void }) {
  const { message, modal } = App.useApp();
  const { can } = useAuth();
  const [isRecording, setRecording] = useState(false);
  const [resolving, setResolving] = useState<Objection | null>(null);
  const [recordForm] = Form.useForm<{ objector: string; content: string; lineId?: number }>();
  const [resolveForm] = Form.useForm<{ isUpheld: boolean; resolution: string }>();
  const loaded = useLoad(
    () => call(client.GET('/api/claims/{id}/objections', { params: { path: { id: claim.id } } })),
    [claim.id],
  );
  const canReview = can('claim.review');
  const lineName = (lineId: number | null) => {
    if (lineId === null) return '整件申请';
    const line = claim.lines.find((candidate) => candidate.id === lineId);
    return line ? `第 ${line.lineNumber} 人 ${line.subject}` : `明细 ${lineId}`;
  };
  const record = async () => {
    const values = await recordForm.validateFields();
    try {
      await call(
        client.POST('/api/claims/{id}/objections', {
          params: { path: { id: claim.id } },
          body: {
            objector: values.objector.trim(),
            content: values.content.trim(),
            ...(values.lineId ? { lineId: values.lineId } : {}),
          },
        }),
      );
      message.success('已登记异议，处理完毕前不能审批');
      setRecording(false);
      loaded.reload();
    } catch (error) {
      message.error(errorText(error));
    }
  };
  const resolve = async () => {
    if (!resolving) return;
    const values = await resolveForm.validateFields();
    const objection = resolving;
    modal.confirm({
      title: `确认处理异议（${values.isUpheld ? '成立' : '不成立'}）`,
      content: values.isUpheld
        ? objection.lineId === null
          ? '异议成立：处理结论记入申请，处理后不能更改；如需不予补贴，请再退回或不予补贴。'
          : `异议成立：${lineName(objection.lineId)}的明细将被排除、不予支付，处理后不能更改。`
        : '异议不成立：处理结论记入申请，处理后不能更改。',
      okText: '确认处理',
      cancelText: '取消',
      okButtonProps: values.isUpheld ? { danger: true } : {},
      onOk: async () => {
        try {
          await call(
            client.POST('/api/claims/{id}/objections/{objectionId}/resolve', {
              params: { path: { id: claim.id, objectionId: objection.id } },
              body: { isUpheld: values.isUpheld, resolution: values.resolution.trim() },
            }),
          );
          message.success('异议已处理');
          setResolving(null);
          loaded.reload();
          onChanged();
        } catch (error) {
          message.error(errorText(error));
        }
      },
    });
  };
  return (
    <Card
      title="公示期异议"
      data-testid="claim-objections"
      extra={
        canReview && claim.status === 'in_notice' ? (
          <Button onClick={() => setRecording(true)}>登记异议</Button>
        ) : null
      }
    >
      <LoadState loaded={loaded}>
        {(data) =>
          data.items.length === 0 ? (
            <Typography.Text type="secondary">公示期内未收到异议。</Typography.Text>
          ) : (
            <Table<Objection>
              rowKey="id"
              size="small"
              pagination={false}
              scroll={{ x: true }}
              dataSource={data.items}
              columns={[
                { title: '异议人', dataIndex: 'objector' },
                { title: '涉及', dataIndex: 'lineId', render: (lineId: number | null) => lineName(lineId) },
                { title: '异议内容', dataIndex: 'content' },
                {
                  title: '登记',
                  render: (_, row) => (
                    <Space direction="vertical" size={0}>
                      <span>{row.recordedByName ?? '—'}</span>
                      <Typography.Text type="secondary">
                        {dateTime(row.recordedAt)}（系统时钟）
                      </Typography.Text>
                    </Space>
                  ),
                },
                {
                  title: '结论',
                  dataIndex: 'isUpheld',
                  render: (isUpheld: boolean | null) =>
                    isUpheld === null ? (
                      <Tag color="gold">待处理</Tag>
                    ) : isUpheld ? (
                      <Tag color="red">成立</Tag>
                    ) : (
                      <Tag color="green">不成立</Tag>
                    ),
                },
                {
                  title: '处理意见',
                  render: (_, row) =>
                    row.resolution === null ? (
                      canReview ? (
                        <Button
                          size="small"
                          type="primary"
                          onClick={() => {
                            resolveForm.resetFields();
                            setResolving(row);
                          }}
                        >
                          处理
                        </Button>
                      ) : (
                        '—'
                      )
                    ) : (
                      <Space direction="vertical" size={0}>
                        <span>{row.resolution}</span>
                        <Typography.Text type="secondary">
                          {row.resolvedByName ?? ''} {dateTime(row.resolvedAt)}（系统时钟）
                        </Typography.Text>
                      </Space>
                    ),
                },
              ]}
            />
          )
        }
      </LoadState>
      <Modal
        open={isRecording}
        title="登记公示期异议"
        okText="登记"
        cancelText="取消"
        onOk={() => void record()}
        onCancel={() => setRecording(false)}
        destroyOnHidden
      >
        <Form form={recordForm} layout="vertical" preserve={false}>
          <Form.Item
            name="objector"
            label="异议人"
            rules={[{ required: true, whitespace: true, message: '请填写异议人（可写“匿名”）' }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="content"
            label="异议内容"
            rules={[{ required: true, whitespace: true, message: '请填写异议内容' }]}
          >
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Form.Item name="lineId" label="涉及人员" extra="不选则针对整件申请。">
            <Select
              allowClear
              aria-label="涉及人员"
              options={claim.lines.map((line) => ({
                value: line.id,
                label: `第 ${line.lineNumber} 人 ${line.subject}`,
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={resolving !== null}
        title="处理异议"
        okText="提交"
        cancelText="取消"
        onOk={() => void resolve()}
        onCancel={() => setResolving(null)}
        destroyOnHidden
      >
        {resolving && (
          <Typography.Paragraph>
            {resolving.objector}：{resolving.content}（{lineName(resolving.lineId)}）
          </Typography.Paragraph>
        )}
        <Form form={resolveForm} layout="vertical" preserve={false} initialValues={{ isUpheld: false }}>
          <Form.Item name="isUpheld" label="结论">
            <Radio.Group
              options={[
                { value: false, label: '不成立' },
                { value: true, label: '成立' },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="resolution"
            label="处理意见"
            rules={[{ required: true, whitespace: true, message: '请填写处理意见' }]}
          >
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
