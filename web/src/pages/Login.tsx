import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError, errorText } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { showFieldErrors } from '../forms.ts';
import { useLanguage } from '../i18n.tsx';
import { homeOf } from '../menu.tsx';

interface LoginValues {
  loginName: string;
  password: string;
  totpCode?: string;
}

export function LoginPage() {
  const { t } = useLanguage();
  const { user, login, mustChangePassword, changePassword } = useAuth();
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
      <Card className="login-card">
        <Typography.Title level={1} className="page-title">
          {mustChangePassword ? t('changePassword') : t('loginTitle')}
        </Typography.Title>
        {message && <Alert type="error" showIcon title={message} className="block-gap" role="alert" />}
        {mustChangePassword ? (
          <Form form={passwordForm} layout="vertical" onFinish={onChangePassword} requiredMark>
            <Form.Item name="currentPassword" label={t('password')} rules={[{ required: true }]}>
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            <Form.Item
              name="newPassword"
              label={t('newPassword')}
              rules={[{ required: true }, { min: 10, message: '至少 10 位' }]}
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
        <Typography.Paragraph type="secondary" className="login-hint">
          演示账号：hy_county、hy_city、hy_finance、js_province、auditor，密码 Demo@2026!
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
