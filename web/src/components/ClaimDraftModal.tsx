import { App, DatePicker, Form, Modal, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { call, client } from '../api/client.ts';
import type { BodyOf } from '../api/types.ts';
import { errorText } from '../api.ts';
import { today } from '../format.ts';
import { showFieldErrors } from '../forms.ts';
import { PayeeAccountFields } from './PayeeAccountFields.tsx';

interface ClaimDraftForm {
  applicationDate: Dayjs;
  payeeAccount: { bankName: string; accountNumber: string };
}

/** What a page adds to the application date and the payee account of a new claim. */
export interface ClaimDraftRequest {
  /** The same key for the same selection on the same day, so a repeated click makes no second draft. */
  idempotencyKey: string;
  body: Omit<BodyOf<'/api/claims', 'post'>, 'applicationDate' | 'payeeAccount'>;
}

/**
 * A modal that asks for the application date and the payee account, creates the claim draft
 * (POST /api/claims) and opens it for the materials and submission. An answer naming one of the
 * form's fields is shown at that field; any other refusal as a message. `onClose` runs on cancel
 * and after the draft is made.
 */
export function ClaimDraftModal({
  isOpen,
  onClose,
  title,
  hint,
  formName,
  dateLabel,
  successText,
  request,
}: {
  isOpen: boolean;
  onClose(): void;
  title: React.ReactNode;
  /** A sentence on how the amount is computed and who is paid. */
  hint: React.ReactNode;
  formName: string;
  dateLabel: string;
  successText: string;
  request(applicationDate: string): ClaimDraftRequest;
}) {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<ClaimDraftForm>();
  const [isBusy, setBusy] = useState(false);
  const create = async (values: ClaimDraftForm) => {
    setBusy(true);
    try {
      const applicationDate = values.applicationDate.format('YYYY-MM-DD');
      const { idempotencyKey, body } = request(applicationDate);
      const claim = await call(
        client.POST('/api/claims', {
          headers: { 'idempotency-key': idempotencyKey },
          body: {
            applicationDate,
            payeeAccount: {
              bankName: values.payeeAccount.bankName.trim(),
              accountNumber: values.payeeAccount.accountNumber.trim(),
            },
            ...body,
          },
        }),
      );
      message.success(successText);
      onClose();
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
    <Modal
      title={title}
      open={isOpen}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="生成申请"
      cancelText="取消"
      confirmLoading={isBusy}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{hint}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        name={formName}
        preserve={false}
        initialValues={{ applicationDate: dayjs(today()) }}
        onFinish={(values) => void create(values)}
      >
        <Form.Item
          name="applicationDate"
          label={dateLabel}
          rules={[{ required: true, message: '请选择申请日期' }]}
        >
          <DatePicker className="full-width" />
        </Form.Item>
        <PayeeAccountFields />
      </Form>
    </Modal>
  );
}
