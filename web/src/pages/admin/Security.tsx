import { App, Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { LoadState, pagination, StatusTag } from '../../components/common.tsx';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { label } from '../../vocabulary.ts';
import { ADMINISTRATOR_ROLES, accountColumns, USER_STATUSES, type UserSummary } from './Users.tsx';

/** The security administrator's actions on one account (src/auth/user-admin.routes.ts). */
const ACTIONS = [
  {
    path: '/api/security/users/{userId}/unlock',
    label: '解除登录限制',
    confirm: '清除该账号因多次登录失败而产生的登录延迟？',
    done: '已解除登录限制',
    applies: (row: UserSummary) => row.isLocked,
  },
  {
    path: '/api/security/users/{userId}/totp-reset',
    label: '重置动态口令',
    confirm: '重置后该账号须重新绑定动态口令，其全部会话立即注销。',
    done: '已重置动态口令',
    applies: (row: UserSummary) => row.hasTotp,
  },
  {
    path: '/api/security/users/{userId}/sessions/revoke',
    label: '注销会话',
    confirm: '注销该账号当前的全部登录会话？',
    done: '已注销全部会话',
    applies: () => true,
  },
] as const;

/** 账号安全: locks, second factors and sessions of the accounts of one's region, and the data keys. */
export function SecurityPage() {
  const { language } = useLanguage();
  const { user } = useAuth();
  const { message, modal } = App.useApp();
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => call(client.GET('/api/security/users', { params: { query: { page, pageSize: 20 } } })),
    [page],
  );
  const keys = useLoad(() => call(client.GET('/api/security/keys')));

  const act = (row: UserSummary, action: (typeof ACTIONS)[number]) =>
    modal.confirm({
      title: `${action.label}：${row.loginName}`,
      content: action.confirm,
      okText: '确定',
      cancelText: '取消',
      onOk: async () => {
        try {
          await call(client.POST(action.path, { params: { path: { userId: row.id } } }));
          message.success(`${action.done}：${row.loginName}`);
          loaded.reload();
        } catch (error) {
          message.error(errorText(error));
        }
      },
    });

  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        账号安全
      </Typography.Title>
      <Card title="个人信息加密密钥" className="block-gap" size="small">
        <LoadState loaded={keys}>
          {(status) => (
            <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="key-status">
              <Descriptions.Item label="当前密钥编号">{status.currentKeyId}</Descriptions.Item>
              <Descriptions.Item label="可解密的密钥">
                {status.keyIds.map((keyId, index) => (
                  <span key={keyId}>
                    {index > 0 && '、'}
                    <code>{keyId}</code>
                  </span>
                ))}
              </Descriptions.Item>
              <Descriptions.Item label="密钥来源">
                {status.isDemoKeyring ? (
                  <Tag color="orange">演示密钥（不得用于生产）</Tag>
                ) : (
                  <Tag>配置的密钥</Tag>
                )}
              </Descriptions.Item>
            </Descriptions>
          )}
        </LoadState>
      </Card>
      <Card>
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
                  title: '安全状态',
                  key: 'security',
                  render: (_, row) => (
                    <Space size={4} wrap>
                      <StatusTag
                        status={row.status === 'active' ? 'approved' : 'rejected'}
                        text={label(USER_STATUSES, row.status, language)}
                      />
                      {row.isLocked && <Tag color="red">登录受限</Tag>}
                      <Tag color={row.hasTotp ? 'green' : 'default'}>
                        {row.hasTotp ? '已绑定动态口令' : '未绑定动态口令'}
                      </Tag>
                    </Space>
                  ),
                },
                {
                  title: '操作',
                  key: 'actions',
                  // The server refuses actions on oneself and on other administrators (三员分立).
                  render: (_, row) =>
                    row.loginName === user?.loginName || ADMINISTRATOR_ROLES.has(row.role) ? (
                      '—'
                    ) : (
                      <Space size={4} wrap>
                        {ACTIONS.filter((action) => action.applies(row)).map((action) => (
                          <Button key={action.path} size="small" onClick={() => act(row, action)}>
                            {action.label}
                          </Button>
                        ))}
                      </Space>
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
