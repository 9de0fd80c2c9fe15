import { Col, Form, Input } from 'antd';

/**
 * The payee's bank and account number of a claim form (`payeeAccount.bankName`,
 * `payeeAccount.accountNumber`), one definition for every page that creates a claim. With
 * `inColumns`, each field stands in a half-width column of the form's Row.
 */
export function PayeeAccountFields({ inColumns = false }: { inColumns?: boolean }) {
  const fields = [
    <Form.Item
      key="bankName"
      name={['payeeAccount', 'bankName']}
      label="收款开户银行"
      rules={[{ required: true, min: 2, message: '请填写开户银行' }]}
    >
      <Input />
    </Form.Item>,
    <Form.Item
      key="accountNumber"
      name={['payeeAccount', 'accountNumber']}
      label="收款账号"
      rules={[{ required: true, pattern: /^\d{8,32}$/, message: '8–32 位数字' }]}
    >
      <Input inputMode="numeric" autoComplete="off" />
    </Form.Item>,
  ];
  if (!inColumns) return <>{fields}</>;
  return (
    <>
      {fields.map((field) => (
        <Col key={field.key} xs={24} md={12}>
          {field}
        </Col>
      ))}
    </>
  );
}
