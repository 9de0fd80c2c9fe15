import { App, Button, DatePicker, Form, Modal, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import { errorText } from '../../api.ts';
import { PayeeAccountFields } from '../../components/PayeeAccountFields.tsx';
import { today } from '../../format.ts';
import { showFieldErrors } from '../../forms.ts';

interface ClaimForm {
  applicationDate: Dayjs;
  payeeAccount: { bankName: string; accountNumber: string };
}

/**
 * 以工代训: the enterprise applies for the employees it selected in its employment records; the
 * policy engine decides each line from the real-name records (contract, payroll months), and the
 * draft opens for the materials and submission.
 */
export function ApplyEmploymentClaim({ employmentIds }: { employmentIds: number[] }) {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<ClaimForm>();
  const [isOpen, setOpen] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const create = async (values: ClaimForm) => {
    setBusy(true);
    try {
      const applicationDate = values.applicationDate.format('YYYY-MM-DD');
      const claim = await call(
        client.POST('/api/claims', {
          headers: {
            'idempotency-key': `employment-${[...employmentIds].sort((a, b) => a - b).join('-')}-${applicationDate}`,
          },
          body: {
            applicationDate,
            payeeAccount: {
              bankName: values.payeeAccount.bankName.trim(),
              accountNumber: values.payeeAccount.accountNumber.trim(),
            },
            claim: { source: 'employment', employmentIds },
          },
        }),
      );
      message.success('已生成以工代训补贴申请（草稿），请上传材料后提交');
      setOpen(false);
      navigate(`/app/claims/${claim.id}`);
    } catch (error) {
      if (
        showFieldErrors(form, error, [
          ['applicationDate'],
          ['payeeAccount', 'bankName'],
          ['payeeAccount', 'accountNumber'],
        ])
      )
        message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button disabled={employmentIds.length === 0} onClick={() => setOpen(true)}>
        申请以工代训补贴{employmentIds.length > 0 ? `（${employmentIds.length} 人）` : ''}
      </Button>
      <Modal
        title="申请以工代训补贴"
        open={isOpen}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText="生成申请"
        cancelText="取消"
        confirmLoading={isBusy}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">
          按所选职工的就业记录逐人计算补贴；补贴支付给企业的收款账户。
        </Typography.Paragraph>
        <Form
          form={form}
          layout="vertical"
          name="employment-claim"
          preserve={false}
          initialValues={{ applicationDate: dayjs(today()) }}
          onFinish={(values) => void create(values)}
        >
          <Form.Item
            name="applicationDate"
            label="申请日期"
            rules={[{ required: true, message: '请选择申请日期' }]}
          >
            <DatePicker className="full-width" />
          </Form.Item>
          <PayeeAccountFields />
        </Form>
      </Modal>
    </>
  );
}
