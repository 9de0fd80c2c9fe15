import { App, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer, BodyOf, QueryOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { LoadState, StatusTag } from '../../components/common.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { RegionPicker } from '../../components/RegionPicker.tsx';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { EMPLOYER_SIZES, label, ORGANISATION_KINDS, options } from '../../vocabulary.ts';

type Organisation = Answer<'/api/organisations', 'get'>['items'][number];
type OrganisationKind = QueryOf<'/api/organisations', 'get'>['kind'];
type NewOrganisation = BodyOf<'/api/organisations', 'post'>;

const STATUS_LABELS: Record<string, readonly [string, string]> = {
  active: ['正常', 'Active'],
  suspended: ['暂停', 'Suspended'],
  blacklisted: ['黑名单', 'Blacklisted'],
  revoked: ['撤销', 'Revoked'],
};

/** Enterprises, institutions, evaluation organisations and review agencies, with operator accounts. */
export function OrganisationsPage() {
  const { language } = useLanguage();
  const { user } = useAuth();
  const { message } = App.useApp();
  const [kind, setKind] = useState<OrganisationKind>();
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => call(client.GET('/api/organisations', { params: { query: { kind, page, pageSize: 20 } } })),
    [kind, page],
  );
  const [isCreating, setCreating] = useState(false);
  const [operatorFor, setOperatorFor] = useState<Organisation | null>(null);
  const [form] = Form.useForm<NewOrganisation>();
  const [operatorForm] = Form.useForm<{ loginName: string; displayName: string; password: string }>();

  const create = async () => {
    const values = await form.validateFields();
    try {
      await call(client.POST('/api/organisations', { body: values }));
      message.success('已登记');
      setCreating(false);
      loaded.reload();
    } catch (error) {
      if (
        showFieldErrors(form, error, [
          ['kind'],
          ['regionCode'],
          ['name'],
          ['creditCode'],
          ['capacity'],
          ['enterpriseSize'],
        ])
      )
        message.error(errorText(error));
    }
  };

  const createOperator = async () => {
    const values = await operatorForm.validateFields();
    if (!operatorFor) return;
    try {
      await call(
        client.POST('/api/organisations/{id}/operators', {
          params: { path: { id: operatorFor.id } },
          body: values,
        }),
      );
      message.success('已创建经办账号');
      setOperatorFor(null);
    } catch (error) {
      if (showFieldErrors(operatorForm, error, [['loginName'], ['displayName'], ['password']]))
        message.error(errorText(error));
    }
  };

  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        单位管理
      </Typography.Title>
      <Card>
        <Space wrap className="block-gap">
          <Select
            aria-label="单位类型"
            placeholder="单位类型"
            allowClear
            value={kind}
            onChange={(value) => {
              setKind(value);
              setPage(1);
            }}
            options={options(ORGANISATION_KINDS, language)}
            style={{ minWidth: 160 }}
          />
          <Button type="primary" onClick={() => setCreating(true)}>
            登记单位
          </Button>
        </Space>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table
              rowKey="id"
              scroll={{ x: true }}
              dataSource={data.items}
              pagination={{
                current: data.page,
                pageSize: data.pageSize,
                total: data.total,
                onChange: setPage,
              }}
              columns={[
                { title: '名称', dataIndex: 'name' },
                {
                  title: '类型',
                  dataIndex: 'kind',
                  render: (value: string) => label(ORGANISATION_KINDS, value, language),
                },
                { title: '统一社会信用代码', dataIndex: 'creditCode' },
                {
                  title: '地区',
                  dataIndex: 'regionCode',
                  render: (code: string) => <RegionName code={code} />,
                },
                {
                  title: '状态',
                  dataIndex: 'status',
                  render: (status: string) => (
                    <StatusTag status={status} text={label(STATUS_LABELS, status, language)} />
                  ),
                },
                {
                  title: '操作',
                  key: 'actions',
                  render: (_, row) => (
                    <Button size="small" onClick={() => setOperatorFor(row)}>
                      创建经办账号
                    </Button>
                  ),
                },
              ]}
            />
          )}
        </LoadState>
      </Card>
      <Modal
        open={isCreating}
        title="登记单位"
        onCancel={() => setCreating(false)}
        onOk={() => void create()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ kind: 'institution', regionCode: user?.regionCode }}
        >
          <Form.Item name="kind" label="单位类型" rules={[{ required: true }]}>
            <Select options={options(ORGANISATION_KINDS, language)} />
          </Form.Item>
          <Form.Item name="name" label="单位名称" rules={[{ required: true, whitespace: true }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="creditCode"
            label="统一社会信用代码"
            rules={[{ required: true, len: 18, message: '18 位' }]}
          >
            <Input maxLength={18} />
          </Form.Item>
          <Form.Item
            name="regionCode"
            label="所在地区"
            rules={[{ required: true, message: '请选择所在地区' }]}
          >
            <RegionPicker ariaLabel="所在地区" />
          </Form.Item>
          <Form.Item name="enterpriseSize" label="企业规模">
            <Select allowClear options={options(EMPLOYER_SIZES, language)} />
          </Form.Item>
          <Form.Item name="capacity" label="培训能力（人）">
            <InputNumber min={1} className="full-width" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={operatorFor !== null}
        title={`创建经办账号：${operatorFor?.name ?? ''}`}
        onCancel={() => setOperatorFor(null)}
        onOk={() => void createOperator()}
        destroyOnHidden
      >
        <Form form={operatorForm} layout="vertical" preserve={false}>
          <Form.Item name="loginName" label="账号" rules={[{ required: true, min: 3 }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label="姓名" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="password" label="初始密码" rules={[{ required: true }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
