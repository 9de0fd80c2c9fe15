import { Alert, Button, Card, Form, Input, List, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { call, client } from '../api/client.ts';
import { ApiError, errorText } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { BusinessDateBanner } from '../components/BusinessDateBanner.tsx';
import { showFieldErrors } from '../forms.ts';
import { useLoad } from '../hooks.ts';
import { useLanguage } from '../i18n.tsx';
import { homeOf } from '../menu.tsx';

/** The demo accounts, recommended one first; choosing one fills the form. */
function DemoAccountList({ onChoose }: { onChoose(loginName: string, password: string): void }) {
  // Answered only in demo mode (403 elsewhere, so nothing is shown).
  const accounts = useLoad(() => call(client.GET('/api/demo/accounts')));
  if (!accounts.data || accounts.data.items.length === 0) return null;
  const { password, items } = accounts.data;
  return (
    <div className="login-hint" data-testid="demo-accounts">
      <Typography.Paragraph type="secondary">
        培训环境演示账号（密码均为 <Typography.Text code>{password}</Typography.Text>），点选即可填入：
      </Typography.Paragraph>
      <List
        size="small"
        dataSource={items}
        renderItem={(item) => (
          <List.Item
            actions={[
              <Button
                key="use"
                size="small"
                type={item.isRecommended ? 'primary' : 'default'}
                onClick={() => onChoose(item.loginName, password)}
                aria-label={`使用账号 ${item.loginName}`}
              >
                使用
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={
                <>
                  <Typography.Text code>{item.loginName}</Typography.Text> {item.roleLabel}
                  {item.isRecommended && (
                    <Tag color="green" className="inline-gap">
                      建议先试
                    </Tag>
                  )}
                </>
              }
              description={`${item.displayName}：${item.hint}`}
            />
          </List.Item>
        )}
      />
    </div>
  );
}

interface LoginValues {
  loginName: string;
  password: string;
  totpCode?: string;
}

export function LoginPage() {
  const { t } = useLanguage();
  const { user, login, mustChangePassword, isPasswordExpired, changePassword } = useAuth();
  const [form] = Form.useForm<LoginValues>();
  const [passwordForm] = Form.useForm<{ currentPassword: string; newPassword: string }>();
  const [needsTotp, setNeedsTotp] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from;

  if (user && !mustChangePassword) return <Navigate to={from ?? homeOf(user)} replace />;

  const onLogin = async (values: LoginValues) => {
    setBusy(true);
    setMessage(null);
    try {
      const session = await login({ ...values, totpCode: values.totpCode || undefined });
      if (!session.mustChangePassword) navigate(from ?? homeOf(session.user), { replace: true });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'TOTP_REQUIRED') setNeedsTotp(true);
      if (showFieldErrors(form, error, [['loginName'], ['password'], ['totpCode']]))
        setMessage(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  const onChangePassword = async (values: { currentPassword: string; newPassword: string }) => {
    setBusy(true);
    try {
      await changePassword(values);
    } catch (error) {
      if (showFieldErrors(passwordForm, error, [['currentPassword'], ['newPassword']]))
        setMessage(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <BusinessDateBanner />
      <Card className="login-card">
        <Typography.Title level={1} className="page-title">
          {mustChangePassword ? t('changePassword') : t('loginTitle')}
        </Typography.Title>
        {message && <Alert type="error" showIcon title={message} className="block-gap" role="alert" />}
        {mustChangePassword && isPasswordExpired && (
          <Alert
            type="warning"
            showIcon
            className="block-gap"
            title="密码已超过规定的使用期限，请修改后继续使用"
          />
        )}
        {mustChangePassword ? (
          <Form form={passwordForm} layout="vertical" onFinish={onChangePassword} requiredMark>
            <Form.Item name="currentPassword" label={t('password')} rules={[{ required: true }]}>
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            <Form.Item
              name="newPassword"
              label={t('newPassword')}
              rules={[{ required: true }, { min: 10, message: '至少 10 位' }]}
              extra="至少 10 位，含大写字母、小写字母、数字、符号中的 3 类，不能是姓名、拼音或常见词的简单组合，不能与最近 5 次的密码相同"
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={isBusy} block>
              {t('submit')}
            </Button>
          </Form>
        ) : (
          <Form form={form} layout="vertical" onFinish={onLogin} requiredMark name="login">
            <Form.Item
              name="loginName"
              label={t('loginName')}
              rules={[{ required: true, message: '请输入账号' }]}
            >
              <Input autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('password')}
              rules={[{ required: true, message: '请输入密码' }]}
            >
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            {needsTotp && (
              <Form.Item
                name="totpCode"
                label={t('totpCode')}
                rules={[{ required: true, pattern: /^\d{6}$/, message: '请输入 6 位动态口令' }]}
              >
                <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
              </Form.Item>
            )}
            <Button type="primary" htmlType="submit" loading={isBusy} block>
              {t('login')}
            </Button>
          </Form>
        )}
        {!mustChangePassword && (
          <DemoAccountList onChoose={(loginName, password) => form.setFieldsValue({ loginName, password })} />
        )}
      </Card>
    </div>
  );
}
