import { Alert, Button, Card, Descriptions, Form, Input, Result, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { showFieldErrors } from '../../forms.ts';
import { useLanguage } from '../../i18n.tsx';
import { CERTIFICATE_TYPES, LEVELS, label } from '../../vocabulary.ts';

/** What the public learns of a certificate: valid or not, type, level, issuer, revocation. */
type Verification = Answer<'/api/public/certificates/verify', 'post'>;

/** Public certificate check: number + holder's name → valid or not, and nothing else personal. */
export function VerifyPage() {
  const { language } = useLanguage();
  const [form] = Form.useForm<{ number: string; name: string }>();
  const [result, setResult] = useState<Verification | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  const onFinish = async (values: { number: string; name: string }) => {
    setBusy(true);
    setMessage(null);
    try {
      setResult(await call(client.POST('/api/public/certificates/verify', { body: values })));
    } catch (error) {
      setResult(null);
      if (showFieldErrors(form, error, [['number'], ['name']])) setMessage(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page narrow-page">
      <Typography.Title level={1} className="page-title">
        证书核验
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        输入证书编号和持证人姓名，核验职业技能等级证书、专项职业能力证书等是否真实有效。为保护个人信息，不显示其他个人资料。
      </Typography.Paragraph>
      <Card>
        <Form form={form} layout="vertical" name="verify" onFinish={onFinish}>
          <Form.Item
            name="number"
            label="证书编号"
            rules={[{ required: true, whitespace: true, message: '请输入证书编号' }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="name"
            label="持证人姓名"
            rules={[{ required: true, whitespace: true, message: '请输入姓名' }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={isBusy}>
            核验
          </Button>
        </Form>
      </Card>
      <div aria-live="polite" className="block-gap-top">
        {message && <Alert type="error" showIcon title={message} role="alert" />}
        {result &&
          (result.valid ? (
            <Result
              status="success"
              title="证书真实有效"
              data-testid="verify-result"
              extra={
                <Descriptions bordered size="small" column={1}>
                  <Descriptions.Item label="证书类型">
                    {label(CERTIFICATE_TYPES, result.certificateType, language)}
                  </Descriptions.Item>
                  <Descriptions.Item label="等级">{label(LEVELS, result.level, language)}</Descriptions.Item>
                  <Descriptions.Item label="发证机构">{result.issuer ?? '—'}</Descriptions.Item>
                </Descriptions>
              }
            />
          ) : result.isRevoked ? (
            <Result
              status="error"
              title="该证书已被发证机构撤销"
              data-testid="verify-result"
              extra={
                <Descriptions bordered size="small" column={1}>
                  <Descriptions.Item label="证书类型">
                    {label(CERTIFICATE_TYPES, result.certificateType, language)}
                  </Descriptions.Item>
                  <Descriptions.Item label="发证机构">{result.issuer ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label="撤销日期">{result.revokedOn ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label="撤销理由">{result.revocationReason ?? '—'}</Descriptions.Item>
                </Descriptions>
              }
            />
          ) : (
            <Result status="warning" title="未查到与该姓名匹配的有效证书" data-testid="verify-result" />
          ))}
      </div>
    </div>
  );
}
