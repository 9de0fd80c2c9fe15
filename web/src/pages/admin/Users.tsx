import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer, BodyOf, QueryOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { FilterSelect, LoadState, pagination, StatusTag } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { OrganisationPicker } from '../../components/OrganisationPicker.tsx';
import { PersonPicker } from '../../components/PersonPicker.tsx';
import { RegionPicker } from '../../components/RegionPicker.tsx';
import { dateTime } from '../../format.ts';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { label, options, ROLES } from '../../vocabulary.ts';

/** An account as the administrators see it. */
export type UserSummary = Answer<'/api/admin/users', 'get'>['items'][number];
type UserQuery = QueryOf<'/api/admin/users', 'get'>;
type NewUser = BodyOf<'/api/admin/users', 'post'>;

export const USER_STATUSES = {
  active: ['启用', 'Active'],
  disabled: ['停用', 'Disabled'],
} as const;

/** Accounts of these roles are created on the server only (三员分立), never here. */
export const ADMINISTRATOR_ROLES = new Set(['system_admin', 'security_admin', 'audit_admin']);
/** The kind of organisation an account of each organisation role is bound to. */
const ORGANISATION_KIND_OF_ROLE: Record<
  string,
  'institution' | 'enterprise' | 'evaluation_org' | 'review_agency'
> = {
  institution_operator: 'institution',
  enterprise_operator: 'enterprise',
  evaluation_org_operator: 'evaluation_org',
  third_party_reviewer: 'review_agency',
};
const ORGANISATION_ROLES = new Set(Object.keys(ORGANISATION_KIND_OF_ROLE));

/** The columns every account list starts with. */
export function accountColumns(language: 'zh' | 'en') {
  return [
    { title: '账号', dataIndex: 'loginName' },
    { title: '姓名', dataIndex: 'displayName' },
    { title: '角色', dataIndex: 'role', render: (value: string) => label(ROLES, value, language) },
    { title: '辖区', dataIndex: 'regionCode' },
  ];
}

/** The system administrator's accounts page: list, create (first login changes the password), disable. */
export function UsersPage() {
  const { language } = useLanguage();
  const { user } = useAuth();
  const { message, modal } = App.useApp();
  const [role, setRole] = useState<UserQuery['role']>();
  const [status, setStatus] = useState<UserQuery['status']>();
  const [page, setPage] = useState(1);
  const filters = { role, status };
  const loaded = useLoad(
    () => call(client.GET('/api/admin/users', { params: { query: { ...filters, page, pageSize: 20 } } })),
    [role, status, page],
  );
  const [isCreating, setCreating] = useState(false);
  const [isSaving, setSaving] = useState(false);
  const [form] = Form.useForm<NewUser>();
  const chosenRole = Form.useWatch('role', form);
  const roleOptions = options(ROLES, language).filter((option) => !ADMINISTRATOR_ROLES.has(option.value));

  const create = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      const created = await call(client.POST('/api/admin/users', { body: values }));
      message.success(`已创建账号 ${created.loginName}，首次登录须修改初始密码`);
      setCreating(false);
      loaded.reload();
    } catch (error) {
      if (
        showFieldErrors(form, error, [
          ['loginName'],
          ['displayName'],
          ['role'],
          ['regionCode'],
          ['organisationId'],
          ['personId'],
          ['initialPassword'],
        ])
      )
        message.error(errorText(error));
    } finally {
      setSaving(false);
    }
  };

  const setAccountStatus = (row: UserSummary, next: 'active' | 'disabled') =>
    modal.confirm({
      title: next === 'disabled' ? `停用账号 ${row.loginName}？` : `启用账号 ${row.loginName}？`,
      content: next === 'disabled' ? '停用后该账号的全部会话立即注销，且不能再登录。' : undefined,
      okText: '确定',
      cancelText: '取消',
      onOk: async () => {
        try {
          await call(
            client.PATCH('/api/admin/users/{userId}', {
              params: { path: { userId: row.id } },
              body: { status: next },
            }),
          );
          message.success(next === 'disabled' ? `已停用 ${row.loginName}` : `已启用 ${row.loginName}`);
          loaded.reload();
        } catch (error) {
          message.error(errorText(error));
        }
      },
    });

  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        用户管理
      </Typography.Title>
      <Card>
        <Space wrap className="block-gap">
          <FilterSelect
            label="角色"
            value={role}
            onChange={(value) => {
              setRole(value);
              setPage(1);
            }}
            options={options(ROLES, language)}
            minWidth={180}
          />
          <FilterSelect
            label="账号状态"
            value={status}
            onChange={(value) => {
              setStatus(value);
              setPage(1);
            }}
            options={options(USER_STATUSES, language)}
            minWidth={120}
          />
          <ExportButton
            fileName="用户账号.xlsx"
            request={() =>
              client.GET('/api/admin/users.xlsx', {
                params: {
                  query: filters,
                },
                parseAs: 'blob',
              })
            }
          />
          <Button type="primary" onClick={() => setCreating(true)}>
            新建账号
          </Button>
        </Space>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table
              rowKey="id"
              scroll={{ x: true }}
              dataSource={data.items}
              pagination={pagination(data, setPage, '个账号')}
              columns={[
                ...accountColumns(language),
                {
                  title: '绑定',
                  key: 'binding',
                  render: (_, row) =>
                    row.organisationId !== null
                      ? `单位 #${row.organisationId}`
                      : row.personId !== null
                        ? `人员 #${row.personId}`
                        : '—',
                },
                {
                  title: '状态',
                  dataIndex: 'status',
                  render: (value: string, row) => (
                    <Space size={4} wrap>
                      <StatusTag
                        status={value === 'active' ? 'approved' : 'rejected'}
                        text={label(USER_STATUSES, value, language)}
                      />
                      {row.isLocked && <Tag color="red">登录受限</Tag>}
                      {row.mustChangePassword && <Tag color="orange">待改初始密码</Tag>}
                      {row.hasTotp && <Tag color="green">已绑定动态口令</Tag>}
                    </Space>
                  ),
                },
                {
                  title: '创建记录时间（系统时钟）',
                  dataIndex: 'createdAt',
                  render: (value: string) => dateTime(value),
                },
                {
                  title: '操作',
                  key: 'actions',
                  // The server refuses changes to one's own account and to administrators (三员分立).
                  render: (_, row) =>
                    row.loginName === user?.loginName || ADMINISTRATOR_ROLES.has(row.role) ? (
                      '—'
                    ) : row.status === 'active' ? (
                      <Button size="small" danger onClick={() => setAccountStatus(row, 'disabled')}>
                        停用
                      </Button>
                    ) : (
                      <Button size="small" onClick={() => setAccountStatus(row, 'active')}>
                        启用
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
        title="新建账号"
        okText="创建"
        cancelText="取消"
        confirmLoading={isSaving}
        onCancel={() => setCreating(false)}
        onOk={() => void create()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          name="new-user"
          initialValues={{ role: 'county_officer', regionCode: user?.regionCode }}
        >
          <Form.Item
            name="loginName"
            label="账号"
            rules={[
              { required: true, message: '请填写账号' },
              { pattern: /^[A-Za-z0-9_.-]{3,64}$/, message: '3–64 位字母、数字、下划线、点或短横线' },
            ]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="displayName"
            label="姓名"
            rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]}>
            <Select options={roleOptions} />
          </Form.Item>
          <Form.Item name="regionCode" label="辖区" rules={[{ required: true, message: '请选择辖区' }]}>
            <RegionPicker ariaLabel="辖区" />
          </Form.Item>
          {chosenRole !== undefined && ORGANISATION_ROLES.has(chosenRole) && (
            <Form.Item
              name="organisationId"
              label="所属单位"
              rules={[{ required: true, message: '该角色须绑定单位' }]}
              extra="按单位名称检索本辖区已登记的单位"
            >
              <OrganisationPicker ariaLabel="所属单位" kind={ORGANISATION_KIND_OF_ROLE[chosenRole]} />
            </Form.Item>
          )}
          {chosenRole === 'worker' && (
            <Form.Item
              name="personId"
              label="实名人员"
              rules={[{ required: true, message: '劳动者账号须绑定实名人员' }]}
              extra="按姓名开头或完整身份证号检索本辖区的实名人员"
            >
              <PersonPicker ariaLabel="实名人员" source="admin" />
            </Form.Item>
          )}
          <Form.Item
            name="initialPassword"
            label="初始密码"
            rules={[{ required: true, message: '请填写初始密码' }]}
            extra="至少 10 位，含大写字母、小写字母、数字、符号中的 3 类，且不能是姓名、拼音或常见词的简单组合；首次登录须修改"
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
