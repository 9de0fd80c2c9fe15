import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer, BodyOf, QueryOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { FilterSelect, LoadState, pagination } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { OccupationName } from '../../components/OccupationName.tsx';
import { OccupationPicker } from '../../components/OccupationPicker.tsx';
import { PersonPicker } from '../../components/PersonPicker.tsx';
import { today } from '../../format.ts';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { CERTIFICATE_TYPES, LEVELS, label, options } from '../../vocabulary.ts';

/** An assessment the organisation registered, with its candidate and pass counts. */
type Assessment = Answer<'/api/assessments', 'get'>['items'][number];
/** A certificate the organisation issued (revoked ones included). */
type Certificate = Answer<'/api/evaluation/certificates', 'get'>['items'][number];
type Level = BodyOf<'/api/assessments', 'post'>['level'];
type CertificateQuery = QueryOf<'/api/evaluation/certificates', 'get'>;

const PAGE_SIZE = 20;

/** A date range picked on a filter, as the API's `YYYY-MM-DD` bounds. */
type DateRange = [Dayjs | null, Dayjs | null] | null;
const rangeBounds = (range: DateRange) => ({
  from: range?.[0]?.format('YYYY-MM-DD'),
  to: range?.[1]?.format('YYYY-MM-DD'),
});

const CERTIFICATE_STATUSES = [
  { value: 'valid' as const, label: '有效' },
  { value: 'revoked' as const, label: '已撤销' },
];

/** What an evaluation organisation issues after its assessment. */
const EVALUATED_TYPES = new Set(['skill_level', 'special_ability', 'vocational_qualification']);

/**
 * 考核评价与发证: the evaluation organisation registers its assessments (within its catalog
 * admission), records each candidate's result by ID number and name, issues certificates to those
 * who passed, and revokes a certificate with a reason.
 */
export function AssessmentsPage() {
  const [selected, setSelected] = useState<Assessment | null>(null);
  const [occupationCode, setOccupationCode] = useState<string>();
  const [assessedRange, setAssessedRange] = useState<DateRange>(null);
  const [page, setPage] = useState(1);
  // Bumped when a result or certificate is written, so that the certificate list reads again.
  const [certificateVersion, setCertificateVersion] = useState(0);
  const { from: assessedFrom, to: assessedTo } = rangeBounds(assessedRange);
  const filters = { occupationCode, assessedFrom, assessedTo };
  const assessments = useLoad(
    () =>
      call(client.GET('/api/assessments', { params: { query: { ...filters, page, pageSize: PAGE_SIZE } } })),
    [occupationCode, assessedFrom, assessedTo, page],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        考核评价与发证
      </Typography.Title>
      <NewAssessment onCreated={() => assessments.reload()} />
      <Card title="考核评价" className="block-gap-top">
        <Space wrap className="block-gap" data-testid="assessment-filters">
          <OccupationPicker
            ariaLabel="职业（工种）筛选"
            placeholder="职业（工种）"
            value={occupationCode}
            onChange={(code) => {
              setOccupationCode(code);
              setPage(1);
            }}
            style={{ minWidth: 220 }}
          />
          <DatePicker.RangePicker
            aria-label="考核日期"
            placeholder={['考核日期起', '考核日期止']}
            value={assessedRange}
            onChange={(range) => {
              setAssessedRange(range);
              setPage(1);
            }}
          />
          <ExportButton
            fileName="考核评价.xlsx"
            request={() =>
              client.GET('/api/assessments.xlsx', { params: { query: filters }, parseAs: 'blob' })
            }
          />
        </Space>
        <LoadState loaded={assessments}>
          {(data) => (
            <Table<Assessment>
              size="small"
              rowKey="id"
              pagination={{ ...pagination(data, setPage, '次'), hideOnSinglePage: false }}
              dataSource={data.items}
              rowClassName={(row) => (row.id === selected?.id ? 'ant-table-row-selected' : '')}
              onRow={(row) => ({ onClick: () => setSelected(row) })}
              columns={[
                { title: '考核编号', dataIndex: 'id', sorter: (a, b) => a.id - b.id },
                {
                  title: '职业（工种）',
                  dataIndex: 'occupationCode',
                  render: (code: string | null) => <OccupationName code={code} />,
                },
                { title: '等级', dataIndex: 'level', render: (level: string) => label(LEVELS, level, 'zh') },
                {
                  title: '考核日期',
                  dataIndex: 'assessedOn',
                  sorter: (a, b) => a.assessedOn.localeCompare(b.assessedOn),
                },
                { title: '考生', dataIndex: 'candidates', sorter: (a, b) => a.candidates - b.candidates },
                { title: '合格', dataIndex: 'passed', sorter: (a, b) => a.passed - b.passed },
                {
                  title: '操作',
                  render: (_, row) => (
                    <Button size="small" onClick={() => setSelected(row)}>
                      成绩与发证
                    </Button>
                  ),
                },
              ]}
            />
          )}
        </LoadState>
      </Card>
      {selected && (
        <AssessmentDetail
          key={selected.id}
          assessment={selected}
          onChanged={() => {
            assessments.reload();
            setCertificateVersion((version) => version + 1);
          }}
        />
      )}
      <CertificateList version={certificateVersion} />
    </div>
  );
}

function NewAssessment({ onCreated }: { onCreated: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ occupationCode: string; level: Level; assessedOn: Dayjs }>();
  const save = async () => {
    const values = await form.validateFields();
    try {
      await call(
        client.POST('/api/assessments', {
          body: {
            occupationCode: values.occupationCode.trim(),
            level: values.level,
            assessedOn: values.assessedOn.format('YYYY-MM-DD'),
          },
        }),
      );
      message.success('已登记考核');
      form.resetFields();
      onCreated();
    } catch (error) {
      if (showFieldErrors(form, error, [['occupationCode'], ['level'], ['assessedOn']]))
        message.error(errorText(error));
    }
  };
  return (
    <Card title="登记考核评价（须在本机构的评价机构目录范围内）">
      <Form form={form} layout="inline" name="assessment">
        <Form.Item
          name="occupationCode"
          label="职业（工种）"
          rules={[{ required: true, message: '请选择职业（工种）' }]}
        >
          <OccupationPicker />
        </Form.Item>
        <Form.Item name="level" label="等级" rules={[{ required: true, message: '请选择等级' }]}>
          <Select className="level-select" options={options(LEVELS, 'zh')} />
        </Form.Item>
        <Form.Item name="assessedOn" label="考核日期" rules={[{ required: true, message: '请选择考核日期' }]}>
          <DatePicker />
        </Form.Item>
        <Button type="primary" onClick={() => void save()}>
          登记考核
        </Button>
      </Form>
    </Card>
  );
}

function AssessmentDetail({ assessment, onChanged }: { assessment: Assessment; onChanged: () => void }) {
  const { message } = App.useApp();
  const results = useLoad(
    () => call(client.GET('/api/assessments/{id}/results', { params: { path: { id: assessment.id } } })),
    [assessment.id],
  );
  const [resultForm] = Form.useForm<{
    personId?: number;
    name?: string;
    idNumber?: string;
    score: number;
    isPassed: boolean;
  }>();
  const pickedCandidate = Form.useWatch('personId', resultForm);
  const [certificateForm] = Form.useForm<{
    personId: number;
    idNumber: string;
    certificateType: string;
    certificateNumber: string;
    issuedOn: Dayjs;
  }>();
  const saveResult = async () => {
    const values = await resultForm.validateFields();
    try {
      // A candidate picked among the persons this organisation may see, or named by ID number and name.
      const candidate =
        values.personId !== undefined
          ? { personId: values.personId }
          : { name: (values.name ?? '').trim(), idNumber: (values.idNumber ?? '').trim() };
      await call(
        client.POST('/api/assessments/{id}/results', {
          params: { path: { id: assessment.id } },
          body: { ...candidate, score: values.score, isPassed: values.isPassed ?? values.score >= 60 },
        }),
      );
      message.success('已记录成绩');
      resultForm.resetFields();
      results.reload();
      onChanged();
    } catch (error) {
      if (showFieldErrors(resultForm, error, [['personId'], ['name'], ['idNumber'], ['score']]))
        message.error(errorText(error));
    }
  };
  const issue = async () => {
    const values = await certificateForm.validateFields();
    try {
      await call(
        client.POST('/api/certificates', {
          body: {
            personId: values.personId,
            certificateType: values.certificateType,
            level: assessment.level,
            occupationCode: assessment.occupationCode,
            certificateNumber: values.certificateNumber.trim(),
            issuer: '本评价机构',
            issuedOn: values.issuedOn.format('YYYY-MM-DD'),
            assessmentId: assessment.id,
          },
        }),
      );
      message.success('证书已颁发');
      certificateForm.resetFields(['personId', 'certificateNumber']);
      onChanged();
    } catch (error) {
      if (
        showFieldErrors(certificateForm, error, [
          ['personId'],
          ['certificateType'],
          ['certificateNumber'],
          ['issuedOn'],
        ])
      )
        message.error(errorText(error));
    }
  };
  const levelLabel = label(LEVELS, assessment.level, 'zh');
  return (
    <Card
      title={
        <>
          考核 {assessment.id}：<OccupationName code={assessment.occupationCode} /> {levelLabel}（
          {assessment.assessedOn}）
        </>
      }
      className="block-gap-top"
    >
      <Space direction="vertical" className="full-width">
        <Typography.Title level={2}>记录成绩（按身份证号和姓名实名识别考生）</Typography.Title>
        <Form form={resultForm} layout="vertical" name="assessmentResult">
          <Row gutter={12}>
            <Col xs={24} md={8}>
              <Form.Item
                name="personId"
                label="已登记的考生"
                tooltip="本机构以前考核过或发过证的人员；新考生请填写姓名和身份证号"
              >
                <PersonPicker ariaLabel="已登记的考生" />
              </Form.Item>
            </Col>
            <Col xs={24} md={4}>
              <Form.Item
                name="name"
                label="姓名"
                rules={[{ required: pickedCandidate === undefined, message: '请填写姓名' }]}
              >
                <Input disabled={pickedCandidate !== undefined} />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item
                name="idNumber"
                label="身份证号"
                rules={[{ required: pickedCandidate === undefined, message: '请填写身份证号' }]}
              >
                <Input disabled={pickedCandidate !== undefined} />
              </Form.Item>
            </Col>
            <Col xs={12} md={3}>
              <Form.Item name="score" label="成绩" rules={[{ required: true, message: '请填写成绩' }]}>
                <InputNumber min={0} max={100} className="full-width" />
              </Form.Item>
            </Col>
            <Col xs={12} md={3}>
              <Form.Item name="isPassed" label="考核合格" valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
          <Button onClick={() => void saveResult()}>记录成绩</Button>
        </Form>
        <LoadState loaded={results}>
          {(data) => (
            <Table
              size="small"
              rowKey="personId"
              pagination={false}
              dataSource={data.items}
              columns={[
                { title: '考生', dataIndex: 'name' },
                { title: '成绩', dataIndex: 'score' },
                {
                  title: '结果',
                  dataIndex: 'isPassed',
                  render: (isPassed: boolean) => (isPassed ? '合格' : '不合格'),
                },
              ]}
            />
          )}
        </LoadState>
        <Typography.Title level={2}>颁发证书（仅限本次考核合格的考生）</Typography.Title>
        <Form
          form={certificateForm}
          layout="vertical"
          name="issueCertificate"
          initialValues={{
            certificateType: assessment.level === 'special_ability' ? 'special_ability' : 'skill_level',
          }}
        >
          <Row gutter={12}>
            <Col xs={24} md={5}>
              <Form.Item name="personId" label="持证人" rules={[{ required: true, message: '请选择持证人' }]}>
                <Select
                  options={(results.data?.items ?? [])
                    .filter((row) => row.isPassed)
                    .map((row) => ({ value: row.personId, label: row.name }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="certificateType" label="证书类型" rules={[{ required: true }]}>
                <Select
                  options={options(CERTIFICATE_TYPES, 'zh').filter((option) =>
                    EVALUATED_TYPES.has(option.value),
                  )}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item
                name="certificateNumber"
                label="证书编号"
                rules={[{ required: true, message: '请填写证书编号' }]}
              >
                <Input />
              </Form.Item>
            </Col>
            <Col xs={24} md={5}>
              <Form.Item
                name="issuedOn"
                label="发证日期"
                rules={[{ required: true, message: '请选择发证日期' }]}
              >
                <DatePicker />
              </Form.Item>
            </Col>
          </Row>
          <Button type="primary" onClick={() => void issue()}>
            颁发证书
          </Button>
        </Form>
      </Space>
    </Card>
  );
}

/**
 * The certificates the organisation issued, filtered by type, occupation, status and issue date,
 * newest first unless a column is sorted; 导出 xlsx exports what is filtered, in the order shown.
 */
function CertificateList({ version }: { version: number }) {
  const { message, modal } = App.useApp();
  const { language } = useLanguage();
  const [certificateType, setCertificateType] = useState<CertificateQuery['certificateType']>();
  const [occupationCode, setOccupationCode] = useState<string>();
  const [status, setStatus] = useState<CertificateQuery['status']>();
  const [issuedRange, setIssuedRange] = useState<DateRange>(null);
  const [sort, setSort] = useState<Pick<CertificateQuery, 'sort' | 'order'>>({ sort: 'id', order: 'desc' });
  const [page, setPage] = useState(1);
  const { from: issuedFrom, to: issuedTo } = rangeBounds(issuedRange);
  const filters = { certificateType, occupationCode, status, issuedFrom, issuedTo, ...sort };
  const certificates = useLoad(
    () =>
      call(
        client.GET('/api/evaluation/certificates', {
          params: { query: { ...filters, page, pageSize: PAGE_SIZE } },
        }),
      ),
    [certificateType, occupationCode, status, issuedFrom, issuedTo, sort.sort, sort.order, page, version],
  );
  const sortOrderOf = (field: NonNullable<CertificateQuery['sort']>) =>
    sort.sort === field ? (sort.order === 'desc' ? ('descend' as const) : ('ascend' as const)) : null;
  const reasonRef = useRef('');
  const revoke = (certificate: Certificate) =>
    modal.confirm({
      afterClose: () => {
        reasonRef.current = '';
      },
      title: `撤销证书 ${certificate.certificateNumber}`,
      content: (
        <Input.TextArea
          aria-label="撤销理由"
          placeholder="请填写撤销理由（将在公开核验中显示）"
          onChange={(event) => {
            reasonRef.current = event.target.value;
          }}
        />
      ),
      okText: '确认撤销',
      cancelText: '取消',
      onOk: async () => {
        try {
          await call(
            client.POST('/api/certificates/{id}/revoke', {
              params: { path: { id: certificate.id } },
              body: { reason: reasonRef.current },
            }),
          );
          message.success('证书已撤销');
          certificates.reload();
        } catch (error) {
          message.error(errorText(error));
          throw error;
        }
      },
    });
  return (
    <Card title="本机构颁发的证书" className="block-gap-top">
      <Space wrap className="block-gap" data-testid="certificate-filters">
        <FilterSelect
          label="证书类型"
          value={certificateType}
          options={options(CERTIFICATE_TYPES, language).filter((option) => EVALUATED_TYPES.has(option.value))}
          onChange={(value) => {
            setCertificateType(value as CertificateQuery['certificateType']);
            setPage(1);
          }}
        />
        <OccupationPicker
          ariaLabel="证书职业（工种）筛选"
          placeholder="职业（工种）"
          value={occupationCode}
          onChange={(code) => {
            setOccupationCode(code);
            setPage(1);
          }}
          style={{ minWidth: 220 }}
        />
        <FilterSelect
          label="状态"
          value={status}
          options={CERTIFICATE_STATUSES}
          onChange={(value) => {
            setStatus(value);
            setPage(1);
          }}
        />
        <DatePicker.RangePicker
          aria-label="发证日期"
          placeholder={['发证日期起', '发证日期止']}
          value={issuedRange}
          onChange={(range) => {
            setIssuedRange(range);
            setPage(1);
          }}
        />
        <ExportButton
          fileName="本机构颁发的证书.xlsx"
          request={() =>
            client.GET('/api/evaluation/certificates.xlsx', { params: { query: filters }, parseAs: 'blob' })
          }
        />
      </Space>
      <LoadState loaded={certificates}>
        {(data) => (
          <Table<Certificate>
            size="small"
            rowKey="id"
            pagination={{ ...pagination(data, setPage, '张'), hideOnSinglePage: false }}
            scroll={{ x: true }}
            dataSource={data.items}
            onChange={(_, __, sorter) => {
              const one = Array.isArray(sorter) ? sorter[0] : sorter;
              const field = one?.order ? (one.columnKey as CertificateQuery['sort']) : undefined;
              setSort(
                field
                  ? { sort: field, order: one?.order === 'descend' ? 'desc' : 'asc' }
                  : { sort: 'id', order: 'desc' },
              );
              setPage(1);
            }}
            columns={[
              {
                title: '证书编号',
                key: 'certificateNumber',
                dataIndex: 'certificateNumber',
                sorter: true,
                sortOrder: sortOrderOf('certificateNumber'),
              },
              {
                title: '证书类型',
                dataIndex: 'certificateType',
                render: (type: string) => label(CERTIFICATE_TYPES, type, language),
              },
              {
                title: '等级',
                dataIndex: 'level',
                render: (level: string | null) => (level ? label(LEVELS, level, language) : '—'),
              },
              {
                title: '职业（工种）',
                dataIndex: 'occupationCode',
                render: (code: string | null) => <OccupationName code={code} />,
              },
              {
                title: '发证日期',
                key: 'issuedOn',
                dataIndex: 'issuedOn',
                sorter: true,
                sortOrder: sortOrderOf('issuedOn'),
              },
              {
                title: '状态',
                render: (_, row) =>
                  row.revokedOn ? `已撤销（${row.revokedOn}：${row.revocationReason}）` : '有效',
              },
              {
                title: '操作',
                render: (_, row) =>
                  row.revokedOn ? null : (
                    <Button size="small" danger onClick={() => revoke(row)}>
                      撤销
                    </Button>
                  ),
              },
            ]}
          />
        )}
      </LoadState>
      <Typography.Paragraph type="secondary" className="block-gap-top">
        业务日期 {today()}。撤销须说明理由；以该证书申领的补贴将被剔除，已支付的生成追回单。
      </Typography.Paragraph>
    </Card>
  );
}
