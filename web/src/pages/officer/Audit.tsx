import { Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer, QueryOf } from '../../api/types.ts';
import { LoadState } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { dateTime } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { AUDIT_OBJECTS, AUDIT_OUTCOMES, auditActionLabel, label, ROLES } from '../../vocabulary.ts';

type AuditEntry = Answer<'/api/audit/entries', 'get'>['items'][number];

interface Filters {
  actorLoginName?: string;
  actionPrefix?: string;
  outcome?: QueryOf<'/api/audit/entries', 'get'>['outcome'];
  range?: [Dayjs | null, Dayjs | null] | null;
}

/** The domains an auditor filters by (the first segment of an action code). */
const ACTION_DOMAINS = [
  ['auth.', '登录认证'],
  ['user.', '用户账号'],
  ['security.', '安全管理'],
  ['claim.', '补贴申请'],
  ['class.', '培训班'],
  ['attendance.', '考勤'],
  ['certificate.', '证书'],
  ['catalog.', '目录'],
  ['person.', '实名人员'],
  ['organisation.', '单位'],
  ['employment.', '就业记录'],
  ['payment.', '支付'],
  ['ledger.', '专账'],
  ['policy.', '政策参数'],
  ['report.', '报表'],
  ['supervision.', '监管'],
  ['access.', '越权访问'],
  ['personal_data.', '个人信息查看'],
] as const;

/** A date range as the API takes it: from the first day's start to the day after the last (China time). */
function rangeQuery(range: Filters['range']): { from?: string; to?: string } {
  const [start, end] = range ?? [null, null];
  return {
    ...(start && { from: `${start.format('YYYY-MM-DD')}T00:00:00+08:00` }),
    ...(end && { to: `${end.add(1, 'day').format('YYYY-MM-DD')}T00:00:00+08:00` }),
  };
}

export function AuditPage() {
  const { language } = useLanguage();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const query = {
    actorLoginName: filters.actorLoginName?.trim() || undefined,
    actionPrefix: filters.actionPrefix,
    outcome: filters.outcome,
    ...rangeQuery(filters.range),
  };
  const loaded = useLoad(
    () => call(client.GET('/api/audit/entries', { params: { query: { ...query, page, pageSize: 50 } } })),
    [JSON.stringify(query), page],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        审计日志
      </Typography.Title>
      <Card>
        <Form
          form={form}
          layout="inline"
          className="block-gap search-form"
          onFinish={(values) => {
            setFilters(values);
            setPage(1);
          }}
        >
          <Form.Item name="actorLoginName" label="操作人">
            <Input allowClear placeholder="登录名" />
          </Form.Item>
          <Form.Item name="actionPrefix" label="操作类别">
            <Select
              allowClear
              placeholder="全部"
              style={{ minWidth: 140 }}
              options={ACTION_DOMAINS.map(([value, text]) => ({ value, label: text }))}
            />
          </Form.Item>
          <Form.Item name="outcome" label="结果">
            <Select
              allowClear
              placeholder="全部"
              style={{ minWidth: 100 }}
              options={Object.entries(AUDIT_OUTCOMES).map(([value, pair]) => ({ value, label: pair[0] }))}
            />
          </Form.Item>
          <Form.Item name="range" label="日期">
            <DatePicker.RangePicker />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              查询
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                setFilters({});
                setPage(1);
              }}
            >
              重置
            </Button>
            <ExportButton
              fileName="审计日志.xlsx"
              request={() => client.GET('/api/audit/entries.xlsx', { params: { query }, parseAs: 'blob' })}
            />
          </Space>
        </Form>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table
              rowKey="id"
              size="small"
              scroll={{ x: true }}
              dataSource={data.items}
              pagination={{
                current: data.page,
                pageSize: data.pageSize,
                total: data.total,
                onChange: setPage,
                showTotal: (total) => `共 ${total} 条`,
              }}
              columns={[
                {
                  title: '记录时间（系统时钟）',
                  dataIndex: 'occurredAt',
                  render: dateTime,
                  sorter: (a: AuditEntry, b: AuditEntry) => a.occurredAt.localeCompare(b.occurredAt),
                },
                {
                  title: '操作人',
                  render: (_, row) =>
                    row.actorLoginName
                      ? `${row.actorDisplayName ?? ''}（${row.actorLoginName}）`
                      : row.actorUserId === null
                        ? '系统'
                        : `用户 ${row.actorUserId}`,
                },
                {
                  title: '角色',
                  dataIndex: 'actorRole',
                  render: (role: string | null) => (role ? label(ROLES, role, language) : '—'),
                },
                {
                  title: '操作',
                  dataIndex: 'action',
                  render: (action: string) => <span title={action}>{auditActionLabel(action)}</span>,
                  sorter: (a: AuditEntry, b: AuditEntry) => a.action.localeCompare(b.action),
                },
                {
                  title: '对象',
                  render: (_, row) =>
                    `${label(AUDIT_OBJECTS, row.objectType, language)}${row.objectId ? ` ${row.objectId}` : ''}`,
                },
                {
                  title: '结果',
                  dataIndex: 'outcome',
                  render: (outcome: string) => (
                    <Tag color={outcome === 'success' ? 'green' : 'red'}>
                      {label(AUDIT_OUTCOMES, outcome, language)}
                    </Tag>
                  ),
                },
              ]}
            />
          )}
        </LoadState>
      </Card>
    </div>
  );
}
