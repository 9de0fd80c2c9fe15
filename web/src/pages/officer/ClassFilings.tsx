import { App, Button, Card, Drawer, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import type { ClassSummary, QueryOf, TrainingClass } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { ClassInfo } from '../../components/ClassInfo.tsx';
import { LoadState, StatusTag } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { useListSort } from '../../components/listSort.ts';
import { OccupationName } from '../../components/OccupationName.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { dateTime } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { CLASS_STATUSES, LEVELS, label, options } from '../../vocabulary.ts';

type ClassSortField = NonNullable<QueryOf<'/api/classes', 'get'>['sort']>;

/** 开班备案 queue: the county officer approves a filing (class code issued) or returns it with a reason. */
export function ClassFilingsPage() {
  const { language } = useLanguage();
  const { message } = App.useApp();
  const [status, setStatus] = useState<QueryOf<'/api/classes', 'get'>['status']>('filed');
  const [page, setPage] = useState(1);
  const sorting = useListSort<ClassSortField>(() => setPage(1));
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/classes', { params: { query: { status, ...sorting.query, page, pageSize: 20 } } }),
      ),
    [status, JSON.stringify(sorting.query), page],
  );
  const [viewing, setViewing] = useState<TrainingClass | null>(null);
  const [returning, setReturning] = useState<ClassSummary | null>(null);
  const [approving, setApproving] = useState<ClassSummary | null>(null);
  const [reasonForm] = Form.useForm<{ reason: string }>();
  const [noteForm] = Form.useForm<{ note?: string }>();
  const [isBusy, setBusy] = useState(false);

  const open = async (row: ClassSummary) => {
    try {
      setViewing(await call(client.GET('/api/classes/{id}', { params: { path: { id: row.id } } })));
    } catch (error) {
      message.error(errorText(error));
    }
  };

  const decide = async (
    row: ClassSummary,
    decision: { action: 'approve'; body: { note?: string } } | { action: 'reject'; body: { reason: string } },
  ) => {
    setBusy(true);
    const { action } = decision;
    const path = { path: { id: row.id } };
    try {
      const result =
        decision.action === 'approve'
          ? await call(client.POST('/api/classes/{id}/approve', { params: path, body: decision.body }))
          : await call(client.POST('/api/classes/{id}/reject', { params: path, body: decision.body }));
      message.success(action === 'approve' ? `已审批通过，班级编码 ${result.classCode ?? ''}` : '已退回');
      setReturning(null);
      setApproving(null);
      loaded.reload();
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        开班备案审批
      </Typography.Title>
      <Card>
        <Space wrap className="block-gap">
          <label htmlFor="class-status">状态</label>
          <Select
            id="class-status"
            value={status}
            onChange={(value) => {
              setStatus(value);
              setPage(1);
            }}
            options={options(CLASS_STATUSES, language)}
            style={{ minWidth: 160 }}
          />
          <ExportButton
            fileName="培训班.xlsx"
            request={() =>
              client.GET('/api/classes.xlsx', {
                params: { query: { status, ...sorting.query } },
                parseAs: 'blob',
              })
            }
          />
        </Space>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table
              rowKey="id"
              size="middle"
              scroll={{ x: true }}
              dataSource={data.items}
              onChange={sorting.onChange}
              pagination={{
                current: data.page,
                pageSize: data.pageSize,
                total: data.total,
                onChange: setPage,
              }}
              columns={[
                {
                  title: '班级名称',
                  dataIndex: 'name',
                  render: (name: string, row) => <Link to={`/app/classes/${row.id}`}>{name}</Link>,
                  ...sorting.column('name'),
                },
                {
                  title: '班级编码',
                  dataIndex: 'classCode',
                  render: (code: string | null) => code ?? '—',
                  ...sorting.column('classCode'),
                },
                {
                  title: '地区',
                  dataIndex: 'regionCode',
                  render: (code: string) => <RegionName code={code} />,
                },
                {
                  title: '职业',
                  dataIndex: 'occupationCode',
                  render: (code: string) => <OccupationName code={code} />,
                },
                {
                  title: '等级',
                  dataIndex: 'level',
                  render: (level: string) => label(LEVELS, level, language),
                },
                { title: '人数', dataIndex: 'capacity', ...sorting.column('capacity') },
                { title: '开班时间', dataIndex: 'startsAt', render: dateTime, ...sorting.column('startsAt') },
                {
                  title: '申请日期（业务日期）',
                  dataIndex: 'filedOn',
                  render: (value: string | null) => value ?? '—',
                  ...sorting.column('filedOn'),
                },
                {
                  title: '记录时间（系统时钟）',
                  dataIndex: 'filedAt',
                  render: dateTime,
                  ...sorting.column('filedAt'),
                },
                {
                  title: '状态',
                  dataIndex: 'status',
                  render: (value: string) => (
                    <StatusTag status={value} text={label(CLASS_STATUSES, value, language)} />
                  ),
                },
                {
                  title: '操作',
                  key: 'actions',
                  render: (_, row) => (
                    <Space wrap>
                      <Button size="small" onClick={() => void open(row)}>
                        详情
                      </Button>
                      {row.status === 'filed' && (
                        <>
                          <Button size="small" type="primary" onClick={() => setApproving(row)}>
                            通过
                          </Button>
                          <Button size="small" danger onClick={() => setReturning(row)}>
                            退回
                          </Button>
                        </>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
          )}
        </LoadState>
      </Card>
      <Drawer open={viewing !== null} onClose={() => setViewing(null)} title={viewing?.name} size="large">
        {viewing && <ClassInfo trainingClass={viewing} />}
      </Drawer>
      <Modal
        open={approving !== null}
        title={`审批通过：${approving?.name ?? ''}`}
        okText="确认通过"
        confirmLoading={isBusy}
        onCancel={() => setApproving(null)}
        onOk={() =>
          noteForm
            .validateFields()
            .then((values) => approving && decide(approving, { action: 'approve', body: values }))
        }
        destroyOnHidden
      >
        <Form form={noteForm} layout="vertical" preserve={false}>
          <Form.Item name="note" label="审批意见（可选）">
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={returning !== null}
        title={`退回开班申请：${returning?.name ?? ''}`}
        okText="确认退回"
        okButtonProps={{ danger: true }}
        confirmLoading={isBusy}
        onCancel={() => setReturning(null)}
        onOk={() =>
          reasonForm
            .validateFields()
            .then((values) => returning && decide(returning, { action: 'reject', body: values }))
        }
        destroyOnHidden
      >
        <Form form={reasonForm} layout="vertical" preserve={false}>
          <Form.Item
            name="reason"
            label="退回原因"
            rules={[{ required: true, whitespace: true, message: '请填写退回原因' }]}
          >
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
