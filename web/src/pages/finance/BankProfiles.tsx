import { App, Button, Card, Descriptions, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { call, client } from '../../api/client.ts';
import type { Answer, BodyOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { LoadState } from '../../components/common.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { RegionPicker } from '../../components/RegionPicker.tsx';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { ENCODINGS, FILE_FORMATS, labelOf } from './labels.ts';

type BankProfile = Answer<'/api/ledger/bank-profiles', 'get'>['items'][number];
type SpecialAccount = BodyOf<'/api/ledger/bank-accounts', 'put'>;

const RESULT_COLUMNS: Record<string, string> = {
  reference: '支付参考号',
  status: '处理结果',
  reason: '失败原因',
  amount: '金额',
  payeeAccount: '收款账号',
};

const STATEMENT_COLUMNS: Record<string, string> = {
  date: '交易日期',
  debit: '借方（支出）',
  credit: '贷方（收入）',
  amount: '带符号发生额',
  balance: '余额',
  reference: '附言/备注',
  summary: '摘要',
  counterpartyName: '对方户名',
};

function ProfileDetail({ profile }: { profile: BankProfile }) {
  const names = (labels: Record<string, string>, columns: Record<string, string[]>) =>
    Object.entries(columns)
      .filter(([, headers]) => headers.length > 0)
      .map(([key, headers]) => `${labelOf(labels, key)}：${headers.join(' / ')}`)
      .join('；');
  return (
    <Descriptions size="small" column={1} bordered>
      <Descriptions.Item label="支付指令">
        {labelOf(FILE_FORMATS, profile.instruction.defaultFormat)}，
        {labelOf(ENCODINGS, profile.instruction.encoding)}
        ；表头汇总批次号、付款账号、户名、总笔数、总金额；明细列：
        {profile.instruction.columns.map((column) => column.header).join('、')}
      </Descriptions.Item>
      <Descriptions.Item label="银行结果文件">
        指令各列加 {profile.result.extraColumns.map((column) => `“${column.header}”`).join('、')}
        ；按列名识别：
        {names(RESULT_COLUMNS, profile.result.columns)}。成功：{profile.result.paidValues.join('、')}；失败：
        {profile.result.failedValues.join('、')}
      </Descriptions.Item>
      <Descriptions.Item label="对账单列映射">
        {names(STATEMENT_COLUMNS, profile.statement.columns)}
      </Descriptions.Item>
    </Descriptions>
  );
}

function SpecialAccountForm({ profiles, onSaved }: { profiles: BankProfile[]; onSaved(): void }) {
  const { message, modal } = App.useApp();
  const { user } = useAuth();
  const [form] = Form.useForm<SpecialAccount>();
  const submit = async () => {
    const values = await form.validateFields();
    modal.confirm({
      title: '登记或变更专户',
      content: `${values.regionCode} 的支付指令将从 ${values.bankName} ${values.accountNumber} 付出，按“${profiles.find((profile) => profile.code === values.profileCode)?.name ?? values.profileCode}”生成文件。确认登记？`,
      okText: '确认登记',
      cancelText: '取消',
      onOk: async () => {
        try {
          await call(
            client.PUT('/api/ledger/bank-accounts', {
              body: { ...values, bankCode: values.bankCode || undefined },
            }),
          );
          message.success('已登记专户');
          onSaved();
        } catch (error) {
          const fields = [
            'regionCode',
            'accountNumber',
            'accountName',
            'bankName',
            'bankCode',
            'profileCode',
          ];
          if (
            showFieldErrors(
              form,
              error,
              fields.map((field) => [field]),
            )
          )
            message.error(errorText(error));
        }
      },
    });
  };
  return (
    <Form
      form={form}
      layout="vertical"
      id="special-account"
      initialValues={{ regionCode: user?.regionCode, profileCode: 'generic' }}
    >
      <Space wrap align="start">
        <Form.Item
          name="regionCode"
          label="专户所属地区"
          rules={[{ required: true, message: '请选择专户所属地区' }]}
        >
          <RegionPicker ariaLabel="专户所属地区" />
        </Form.Item>
        <Form.Item
          name="accountNumber"
          label="专户账号"
          rules={[{ required: true, pattern: /^\d{6,32}$/, message: '账号应为 6 至 32 位数字' }]}
        >
          <Input style={{ width: 220 }} />
        </Form.Item>
        <Form.Item
          name="accountName"
          label="户名"
          rules={[{ required: true, min: 2, message: '请填写户名' }]}
        >
          <Input style={{ width: 240 }} />
        </Form.Item>
        <Form.Item
          name="bankName"
          label="开户行"
          rules={[{ required: true, min: 2, message: '请填写开户行' }]}
        >
          <Input style={{ width: 200 }} />
        </Form.Item>
        <Form.Item
          name="bankCode"
          label="联行号"
          rules={[{ pattern: /^\d{12}$/, message: '联行号为 12 位数字' }]}
        >
          <Input style={{ width: 150 }} />
        </Form.Item>
        <Form.Item
          name="profileCode"
          label="银行格式"
          rules={[{ required: true, message: '请选择银行格式' }]}
        >
          <Select
            style={{ minWidth: 200 }}
            options={profiles.map((profile) => ({ value: profile.code, label: profile.name }))}
          />
        </Form.Item>
      </Space>
      <Button type="primary" onClick={() => void submit()}>
        登记专户
      </Button>
    </Form>
  );
}

/** Bank layouts (kept as data; a province may adapt them) and the special accounts that use them. */
export function BankProfilesPanel() {
  const profiles = useLoad(() => call(client.GET('/api/ledger/bank-profiles')));
  const accounts = useLoad(() => call(client.GET('/api/ledger/bank-accounts')));
  return (
    <Space direction="vertical" className="full-width" size="middle">
      <Card size="small" title="专户">
        <Typography.Paragraph type="secondary">
          支付批次从本地区专户付出；本地区未登记时用所在市的，再无则用省级专户。
        </Typography.Paragraph>
        <LoadState loaded={accounts}>
          {(data) => (
            <Table
              size="small"
              rowKey="regionCode"
              pagination={false}
              data-testid="special-accounts"
              dataSource={data.items}
              columns={[
                {
                  title: '地区',
                  dataIndex: 'regionCode',
                  render: (code: string) => <RegionName code={code} withCode />,
                },
                { title: '账号', dataIndex: 'accountNumber' },
                { title: '户名', dataIndex: 'accountName' },
                { title: '开户行', dataIndex: 'bankName' },
                { title: '联行号', dataIndex: 'bankCode', render: (code: string | null) => code ?? '—' },
                {
                  title: '银行格式',
                  dataIndex: 'profileCode',
                  render: (code: string) =>
                    profiles.data?.items.find((profile) => profile.code === code)?.name ?? code,
                },
              ]}
            />
          )}
        </LoadState>
        <LoadState loaded={profiles}>
          {(data) => <SpecialAccountForm profiles={data.items} onSaved={accounts.reload} />}
        </LoadState>
      </Card>
      <Card size="small" title="银行文件格式">
        <LoadState loaded={profiles}>
          {(data) => (
            <Table
              size="small"
              rowKey="code"
              pagination={false}
              data-testid="bank-profiles"
              dataSource={data.items}
              expandable={{ expandedRowRender: (profile) => <ProfileDetail profile={profile} /> }}
              columns={[
                { title: '格式', dataIndex: 'name' },
                {
                  title: '来源',
                  render: (_, row) =>
                    row.isBuiltIn ? (
                      <Tag>{row.isCustomised ? '内置（本省已调整）' : '内置'}</Tag>
                    ) : (
                      <Tag color="blue">本省新增</Tag>
                    ),
                },
                {
                  title: '指令文件',
                  render: (_, row) =>
                    `${labelOf(FILE_FORMATS, row.instruction.defaultFormat)}，${labelOf(ENCODINGS, row.instruction.encoding)}`,
                },
                { title: '说明', dataIndex: 'description', render: (text?: string) => text ?? '—' },
              ]}
            />
          )}
        </LoadState>
      </Card>
    </Space>
  );
}
