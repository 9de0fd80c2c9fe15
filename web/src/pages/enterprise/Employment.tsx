import {
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { LoadState } from '../../components/common.tsx';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { ApplyEmploymentClaim } from './EmploymentClaim.tsx';

type EmploymentRecord = Answer<'/api/employment-records', 'get'>['items'][number];

interface NewRecord {
  name: string;
  idNumber: string;
  contractMonths: number;
  start: Dayjs;
  end?: Dayjs | null;
}

function RegisterEmployment({ onDone }: { onDone: () => void }) {
  const { user } = useAuth();
  const [form] = Form.useForm<NewRecord>();
  const [isOpen, setOpen] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const submit = async (values: NewRecord) => {
    setBusy(true);
    setMessage(null);
    try {
      await call(
        client.POST('/api/employment-records', {
          body: {
            enterpriseId: user?.organisationId ?? 0,
            name: values.name,
            idNumber: values.idNumber,
            contractMonths: values.contractMonths,
            start: values.start.format('YYYY-MM-DD'),
            end: values.end ? values.end.format('YYYY-MM-DD') : null,
          },
        }),
      );
      setOpen(false);
      form.resetFields();
      onDone();
    } catch (error) {
      if (showFieldErrors(form, error, [['name'], ['idNumber'], ['contractMonths'], ['start'], ['end']]))
        setMessage(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button type="primary" onClick={() => setOpen(true)}>
        登记吸纳就业
      </Button>
      <Modal
        title="登记吸纳就业（以工代训依据）"
        open={isOpen}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText="登记"
        cancelText="取消"
        confirmLoading={isBusy}
      >
        <Form form={form} layout="vertical" onFinish={(values) => void submit(values)}>
          <Form.Item name="name" label="姓名" rules={[{ required: true, message: '请填写姓名' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="idNumber" label="身份证号" rules={[{ required: true, message: '请填写身份证号' }]}>
            <Input maxLength={18} />
          </Form.Item>
          <Form.Item
            name="contractMonths"
            label="劳动合同期限（月）"
            rules={[{ required: true, message: '请填写合同期限' }]}
          >
            <InputNumber min={1} max={600} />
          </Form.Item>
          <Form.Item name="start" label="入职日期" rules={[{ required: true, message: '请选择入职日期' }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="end" label="合同终止日期（可不填）">
            <DatePicker />
          </Form.Item>
          {message && <Typography.Text type="danger">{message}</Typography.Text>}
        </Form>
      </Modal>
    </>
  );
}

type Coverage = Answer<'/api/policy/coverage', 'get'>;

/**
 * Whether the document of the enterprise's region funds 以工代训, asked of the policy engine's
 * packs (a document without a 以工代训 formula funds none): told before anything is filled.
 */
function OnTheJobPolicy({ coverage }: { coverage: Coverage }) {
  return (
    <Alert
      data-testid="on-the-job-policy"
      type={coverage.isProvided ? 'success' : 'warning'}
      showIcon
      className="block-gap"
      title={coverage.isProvided ? '本地区政策规定了以工代训补贴' : '本地区政策不补贴以工代训'}
      description={
        coverage.isProvided
          ? `${coverage.explanation}以工代训补贴按就业记录申请，只补贴人社部门导入的社会保险缴费记录（缴费金额大于0）核验的月份；所申请月份全部核验的，免交花名册和工资流水。`
          : `${coverage.explanation}职工仍可登记就业记录，作为企业职工培训等其他补贴的依据。`
      }
    />
  );
}

/** The enterprise's employees: employment records (以工代训 claims are made from them) and the months the social-insurance contributions verify. */
export function EmploymentPage() {
  const { user } = useAuth();
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<number[]>([]);
  const loaded = useLoad(
    () => call(client.GET('/api/employment-records', { params: { query: { page, pageSize: 20 } } })),
    [page],
  );
  const regionCode = user?.regionCode ?? '';
  const coverage = useLoad(
    () =>
      call(
        client.GET('/api/policy/coverage', {
          params: { query: { regionCode, subsidyKind: 'on_the_job_training' } },
        }),
      ),
    [regionCode],
  );
  const isFunded = coverage.data?.isProvided === true;
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        职工与就业记录
      </Typography.Title>
      <Card>
        {coverage.data && <OnTheJobPolicy coverage={coverage.data} />}
        <Space className="block-gap" wrap>
          <RegisterEmployment onDone={loaded.reload} />
          {isFunded && <ApplyEmploymentClaim employmentIds={selected} />}
        </Space>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table
              rowKey="id"
              size="small"
              scroll={{ x: true }}
              dataSource={data.items}
              rowSelection={
                isFunded
                  ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(Number)) }
                  : undefined
              }
              pagination={{
                current: data.page,
                pageSize: data.pageSize,
                total: data.total,
                onChange: setPage,
              }}
              locale={{ emptyText: '尚未登记吸纳就业记录' }}
              columns={[
                {
                  title: '职工',
                  dataIndex: 'personName',
                  render: (name: string | null, row) => name ?? `人员编号 ${row.personId}`,
                },
                { title: '企业', dataIndex: 'enterpriseName' },
                {
                  title: '合同期限',
                  dataIndex: 'contractMonths',
                  align: 'right',
                  sorter: (a: EmploymentRecord, b: EmploymentRecord) => a.contractMonths - b.contractMonths,
                  render: (months: number) => `${months} 个月`,
                },
                {
                  title: '入职日期',
                  dataIndex: 'start',
                  sorter: (a: EmploymentRecord, b: EmploymentRecord) => a.start.localeCompare(b.start),
                },
                { title: '终止日期', dataIndex: 'end', render: (end: string | null) => end ?? '—' },
                {
                  title: '社保缴费核验',
                  render: (_, row) =>
                    row.verifiedMonths.length > 0 ? (
                      <Tag color="green" title={row.verifiedMonths.join('、')}>
                        已核验 {row.verifiedMonths.length} 个月
                      </Tag>
                    ) : (
                      <Tag>尚无社保缴费记录</Tag>
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
