import { MinusCircleOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  TimePicker,
  Typography,
  Upload,
  type UploadFile,
} from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { call, callAll, client, multipart } from '../../api/client.ts';
import type { Answer, BodyOf, TrainingClass } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { ClassClaims } from '../../components/ClassClaims.tsx';
import { ClassInfo } from '../../components/ClassInfo.tsx';
import { LoadState, RejectedRows, StatusTag } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { OccupationName } from '../../components/OccupationName.tsx';
import { OccupationPicker } from '../../components/OccupationPicker.tsx';
import { PayeeAccountFields } from '../../components/PayeeAccountFields.tsx';
import { RegionPicker } from '../../components/RegionPicker.tsx';
import { businessNow, dateTime, today } from '../../format.ts';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import {
  CERTIFICATE_TYPES,
  CLASS_STATUSES,
  LEVELS,
  label,
  options,
  SUBSIDY_KINDS,
} from '../../vocabulary.ts';
import { CompleteClassButton } from './CompleteClass.tsx';

type Filing = BodyOf<'/api/classes', 'post'>;

/** The filing form's values (days and times picked, turned into the filing's instants on submit). */
interface FilingValues {
  name: string;
  regionCode: string;
  occupationCode: string;
  level: Filing['level'];
  subsidyKind: Filing['subsidyKind'];
  capacity: number;
  teachingPlanSummary: string;
  assessmentMethod: string;
  teachers: { name: string; qualification?: string }[];
  sessions: {
    day: Dayjs;
    time: [Dayjs, Dayjs];
    mode: 'offline' | 'online';
    topic: string;
    location?: string;
  }[];
}

/** `2026-03-02` + `09:00` in China time → ISO instant. */

/** Certificate types only an evaluation organisation issues (after its assessment). */
const EVALUATED_TYPES = new Set(['skill_level', 'special_ability', 'vocational_qualification']);

function chinaInstant(day: Dayjs, time: Dayjs): string {
  return `${day.format('YYYY-MM-DD')}T${time.format('HH:mm')}:00+08:00`;
}

function FileClassModal({
  open,
  onClose,
  onFiled,
}: {
  open: boolean;
  onClose(): void;
  onFiled(id: number): void;
}) {
  const { language } = useLanguage();
  const { user } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<FilingValues>();
  const [isBusy, setBusy] = useState(false);
  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      const filed = await call(
        client.POST('/api/classes', {
          body: {
            name: values.name,
            regionCode: values.regionCode,
            occupationCode: values.occupationCode.trim(),
            level: values.level,
            subsidyKind: values.subsidyKind,
            capacity: values.capacity,
            teachingPlan: { summary: values.teachingPlanSummary },
            assessmentPlan: { method: values.assessmentMethod },
            teachers: values.teachers.map((teacher) => ({
              name: teacher.name,
              ...(teacher.qualification ? { qualification: teacher.qualification } : {}),
            })),
            sessions: values.sessions.map((session) => ({
              startsAt: chinaInstant(session.day, session.time[0]),
              endsAt: chinaInstant(session.day, session.time[1]),
              mode: session.mode,
              topic: session.topic,
              location: session.location || null,
            })),
          },
        }),
      );
      message.success('开班申请已提交，等待审批');
      onFiled(filed.id);
    } catch (error) {
      if (
        showFieldErrors(form, error, [
          ['name'],
          ['regionCode'],
          ['occupationCode'],
          ['level'],
          ['capacity'],
          ['teachers'],
          ['sessions'],
        ])
      )
        message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  const firstDay = dayjs(businessNow()).add(7, 'day');
  return (
    <Modal
      open={open}
      title="开班申请（备案）"
      width={820}
      onCancel={onClose}
      onOk={() => void submit()}
      okText="提交申请"
      confirmLoading={isBusy}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        name="file-class"
        preserve={false}
        initialValues={{
          regionCode: user?.regionCode,
          level: 'primary',
          subsidyKind: 'training',
          capacity: 30,
          teachers: [{ name: '' }],
          sessions: [
            {
              day: firstDay,
              time: [dayjs('09:00', 'HH:mm'), dayjs('17:00', 'HH:mm')],
              mode: 'offline',
              topic: '',
            },
          ],
        }}
      >
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item
              name="name"
              label="班级名称"
              rules={[{ required: true, whitespace: true, message: '请填写班级名称' }]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="regionCode"
              label="开班地区"
              rules={[{ required: true, message: '请选择开班地区' }]}
            >
              <RegionPicker ariaLabel="开班地区" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="occupationCode"
              label="职业（工种）"
              rules={[{ required: true, message: '请选择职业（工种）' }]}
            >
              <OccupationPicker />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="level" label="等级" rules={[{ required: true }]}>
              <Select options={options(LEVELS, language)} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="capacity" label="计划人数" rules={[{ required: true }]}>
              <InputNumber min={1} max={1000} className="full-width" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="subsidyKind" label="补贴类型">
              <Select options={options(SUBSIDY_KINDS, language)} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="assessmentMethod"
              label="考核方案"
              rules={[{ required: true, message: '请填写考核方式' }]}
            >
              <Input placeholder="理论+实操考核" />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item
              name="teachingPlanSummary"
              label="教学计划"
              rules={[{ required: true, message: '请填写教学计划' }]}
            >
              <Input.TextArea rows={2} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={2} className="card-title">
          授课教师
        </Typography.Title>
        <Form.List name="teachers">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item
                    name={[field.name, 'name']}
                    label={`教师 ${index + 1} 姓名`}
                    rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}
                  >
                    <Input />
                  </Form.Item>
                  <Form.Item name={[field.name, 'qualification']} label="资质">
                    <Input />
                  </Form.Item>
                  {fields.length > 1 && (
                    <MinusCircleOutlined aria-label="删除教师" onClick={() => remove(field.name)} />
                  )}
                </Space>
              ))}
              <Button type="dashed" onClick={() => add({ name: '' })} icon={<PlusOutlined />}>
                添加教师
              </Button>
            </>
          )}
        </Form.List>
        <Typography.Title level={2} className="card-title block-gap-top">
          课程表（每课时 45 分钟）
        </Typography.Title>
        <Form.List name="sessions">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item
                    name={[field.name, 'day']}
                    label={`第 ${index + 1} 次 日期`}
                    rules={[{ required: true }]}
                  >
                    <DatePicker />
                  </Form.Item>
                  <Form.Item name={[field.name, 'time']} label="时间" rules={[{ required: true }]}>
                    <TimePicker.RangePicker format="HH:mm" minuteStep={5} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'mode']} label="方式">
                    <Select
                      style={{ width: 90 }}
                      options={[
                        { value: 'offline', label: '线下' },
                        { value: 'online', label: '线上' },
                      ]}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'topic']}
                    label="内容"
                    rules={[{ required: true, whitespace: true, message: '请填写内容' }]}
                  >
                    <Input />
                  </Form.Item>
                  <Form.Item name={[field.name, 'location']} label="地点">
                    <Input />
                  </Form.Item>
                  {fields.length > 1 && (
                    <MinusCircleOutlined aria-label="删除课次" onClick={() => remove(field.name)} />
                  )}
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => {
                  const sessions = form.getFieldValue('sessions') as FilingValues['sessions'];
                  const last = sessions[sessions.length - 1];
                  add({ ...last, day: (last?.day ?? firstDay).add(1, 'day'), topic: '' });
                }}
              >
                添加课次
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}

/** The institution's classes: file a new one, open one to work on its roster, attendance and results. */
export function MyClassesPage() {
  const { language } = useLanguage();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [isFiling, setFiling] = useState(false);
  const loaded = useLoad(
    () => call(client.GET('/api/classes', { params: { query: { page, pageSize: 20 } } })),
    [page],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        开班与培训
      </Typography.Title>
      <Card>
        <Space wrap className="block-gap">
          <Button type="primary" onClick={() => setFiling(true)}>
            开班申请
          </Button>
          <ExportButton
            fileName="培训班.xlsx"
            request={() => client.GET('/api/classes.xlsx', { params: { query: {} }, parseAs: 'blob' })}
          />
        </Space>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table
              rowKey="id"
              scroll={{ x: true }}
              dataSource={data.items}
              pagination={{
                current: data.page,
                pageSize: data.pageSize,
                total: data.total,
                onChange: setPage,
              }}
              columns={[
                {
                  title: '班级名称',
                  dataIndex: 'name',
                  render: (name: string, row) => <Link to={`/app/my/classes/${row.id}`}>{name}</Link>,
                },
                { title: '班级编码', dataIndex: 'classCode', render: (code: string | null) => code ?? '—' },
                {
                  title: '职业',
                  dataIndex: 'occupationCode',
                  render: (code: string) => <OccupationName code={code} />,
                },
                {
                  title: '等级',
                  dataIndex: 'level',
                  render: (level: string) => label(LEVELS, level, language),
                },
                { title: '开班时间', dataIndex: 'startsAt', render: dateTime },
                {
                  title: '状态',
                  dataIndex: 'status',
                  render: (status: string) => (
                    <StatusTag status={status} text={label(CLASS_STATUSES, status, language)} />
                  ),
                },
                {
                  title: '审批意见',
                  dataIndex: 'decisionNote',
                  render: (note: string | null) => note ?? '—',
                },
              ]}
            />
          )}
        </LoadState>
      </Card>
      <FileClassModal
        open={isFiling}
        onClose={() => setFiling(false)}
        onFiled={(id) => navigate(`/app/my/classes/${id}`)}
      />
    </div>
  );
}

type RosterReport = Answer<'/api/classes/{id}/roster/import', 'post'>;

function RosterTab({ classId, onChanged }: { classId: number; onChanged(): void }) {
  const { message } = App.useApp();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [report, setReport] = useState<RosterReport | null>(null);
  const [progress, setProgress] = useState<{ percent: number; text: string } | null>(null);
  const [page, setPage] = useState(1);
  const enrolments = useLoad(
    () =>
      call(
        client.GET('/api/classes/{id}/enrolments', {
          params: { path: { id: classId }, query: { page, pageSize: 50 } },
        }),
      ),
    [classId, page],
  );

  const upload = async (accept: boolean) => {
    const file = files[0]?.originFileObj;
    if (!file) return;
    const form = new FormData();
    form.append('file', file, file.name);
    setProgress({ percent: accept ? 60 : 30, text: accept ? '正在写入有效行…' : '正在校验名单…' });
    try {
      const result = await call(
        client.POST('/api/classes/{id}/roster/import', {
          params: { path: { id: classId }, query: accept ? { accept: 'valid' } : {} },
          ...multipart(form),
        }),
      );
      setReport(result);
      setProgress({
        percent: 100,
        text: result.isWritten
          ? `已导入 ${result.enrolled} 人`
          : `校验完成：有效 ${result.validRows} 行，问题 ${result.rejected.length} 行`,
      });
      if (result.isWritten) {
        message.success(`已导入 ${result.enrolled} 人`);
        enrolments.reload();
        onChanged();
      }
    } catch (error) {
      setProgress(null);
      message.error(errorText(error));
    }
  };

  return (
    <Space direction="vertical" className="full-width">
      <Alert
        type="info"
        showIcon
        title="名单文件（.xlsx 或 .csv）首行为表头：姓名、身份证号、手机号、户籍地区代码，可选“人员类别”（类别名称或代码，多个用顿号分隔）。系统先逐行校验，确认后只导入有效行。名单中的人员类别不作认定：与已认定的类别不符的行照常导入，并列为提示。"
      />
      <Space wrap>
        <Upload
          accept=".xlsx,.csv"
          maxCount={1}
          fileList={files}
          beforeUpload={() => false}
          onChange={(info) => {
            setFiles(info.fileList);
            setReport(null);
            setProgress(null);
          }}
        >
          <Button icon={<UploadOutlined />}>选择名单文件</Button>
        </Upload>
        <Button type="primary" disabled={files.length === 0} onClick={() => void upload(false)}>
          校验名单
        </Button>
        <Button
          disabled={!report || report.isWritten || report.validRows === 0}
          onClick={() => void upload(true)}
        >
          导入有效行
        </Button>
      </Space>
      {progress && (
        <Progress
          percent={progress.percent}
          status={progress.percent < 100 ? 'active' : 'success'}
          format={() => progress.text}
        />
      )}
      {report && (
        <>
          <Typography.Text data-testid="roster-summary">
            共 {report.totalRows} 行，有效 {report.validRows} 行，有问题 {report.rejected.length} 行
            {report.isWritten ? `；已导入 ${report.enrolled} 人（新登记 ${report.registered} 人）` : ''}
          </Typography.Text>
          {report.rejected.length > 0 && (
            <Table
              data-testid="roster-errors"
              size="small"
              rowKey="rowNumber"
              pagination={false}
              scroll={{ x: true }}
              dataSource={report.rejected}
              columns={[
                { title: '行号', dataIndex: 'rowNumber' },
                { title: '姓名', dataIndex: 'name' },
                {
                  title: '身份证号',
                  dataIndex: 'idNumber',
                  render: (value: string) => <span className="id-number">{value}</span>,
                },
                {
                  title: '问题',
                  dataIndex: 'reasons',
                  render: (reasons: RosterReport['rejected'][number]['reasons']) =>
                    reasons.map((reason) => reason.message).join('；'),
                },
              ]}
            />
          )}
          {(report.warnings ?? []).length > 0 && (
            <Table
              data-testid="roster-warnings"
              size="small"
              rowKey={(row) => `${row.rowNumber}-${row.message}`}
              pagination={false}
              scroll={{ x: true }}
              title={() => '提示（人员类别未经认定，照常导入，不登记该类别）'}
              dataSource={report.warnings ?? []}
              columns={[
                { title: '行号', dataIndex: 'rowNumber' },
                { title: '列', dataIndex: 'column' },
                { title: '姓名', dataIndex: 'name' },
                {
                  title: '身份证号',
                  dataIndex: 'idNumber',
                  render: (value: string) => <span className="id-number">{value}</span>,
                },
                { title: '提示', dataIndex: 'message' },
              ]}
            />
          )}
        </>
      )}
      <Typography.Title level={2} className="card-title block-gap-top">
        学员名单
      </Typography.Title>
      <LoadState loaded={enrolments}>
        {(data) => (
          <Table
            size="small"
            rowKey={(row) => row.enrolment.id}
            scroll={{ x: true }}
            dataSource={data.items}
            pagination={{ current: data.page, pageSize: data.pageSize, total: data.total, onChange: setPage }}
            columns={[
              { title: '姓名', render: (_, row) => row.person.name },
              {
                title: '身份证号',
                render: (_, row) => <span className="id-number">{row.person.idNumber}</span>,
              },
              { title: '电话', render: (_, row) => row.person.phone ?? '—' },
              {
                title: '状态',
                render: (_, row) => (row.enrolment.status === 'enrolled' ? '在册' : '已退出'),
              },
            ]}
          />
        )}
      </LoadState>
    </Space>
  );
}

type DeviceReport = Answer<'/api/classes/{id}/attendance/import', 'post'>;

/** Import of a sign-in device's export: checked row by row, only valid rows written on confirmation. */
function DeviceImport({ classId, onImported }: { classId: number; onImported(): void }) {
  const { message } = App.useApp();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [report, setReport] = useState<DeviceReport | null>(null);
  const upload = async (accept: boolean) => {
    const file = files[0]?.originFileObj;
    if (!file) return;
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const result = await call(
        client.POST('/api/classes/{id}/attendance/import', {
          params: { path: { id: classId }, query: accept ? { accept: 'valid' } : {} },
          ...multipart(form),
        }),
      );
      setReport(result);
      if (result.isWritten) {
        message.success(`已导入 ${result.recorded} 条签到签退`);
        onImported();
      }
    } catch (error) {
      message.error(errorText(error));
    }
  };
  return (
    <Space direction="vertical" className="full-width">
      <Typography.Text type="secondary">
        签到设备导出文件（.xlsx 或 .csv）表头：身份证号、姓名、课次、签到时间、签退时间、签到方式。
      </Typography.Text>
      <Space wrap>
        <Upload
          accept=".xlsx,.csv"
          maxCount={1}
          fileList={files}
          beforeUpload={() => false}
          onChange={(info) => {
            setFiles(info.fileList);
            setReport(null);
          }}
        >
          <Button icon={<UploadOutlined />}>选择签到记录文件</Button>
        </Upload>
        <Button disabled={files.length === 0} onClick={() => void upload(false)}>
          校验签到记录
        </Button>
        <Button
          disabled={!report || report.isWritten || report.validRows === 0}
          onClick={() => void upload(true)}
        >
          导入有效记录
        </Button>
      </Space>
      {report && (
        <>
          <Typography.Text data-testid="attendance-import-summary">
            共 {report.totalRows} 行，有效 {report.validRows} 行，有问题 {report.rejected.length} 行
            {report.isWritten ? `；已导入 ${report.recorded} 条` : ''}
          </Typography.Text>
          <RejectedRows rows={report.rejected} />
        </>
      )}
    </Space>
  );
}

function AttendanceTab({
  trainingClass,
  people,
}: {
  trainingClass: TrainingClass;
  people: Map<number, string>;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{
    sessionId: number;
    /** Each trainee's own times, keyed by person id: never one pair copied to everyone. */
    times?: Record<string, { signIn?: Dayjs | null; signOut?: Dayjs | null } | undefined>;
    method: BodyOf<'/api/classes/{id}/attendance', 'post'>['records'][number]['method'];
  }>();
  const summary = useLoad(
    () =>
      callAll((paging) =>
        client.GET('/api/classes/{id}/attendance', {
          params: { path: { id: trainingClass.id }, query: paging },
        }),
      ),
    [trainingClass.id],
  );
  const [progress, setProgress] = useState<number | null>(null);
  const sessions = trainingClass.sessions ?? [];

  /**
   * Records the times the operator saw (or read off a sign-in sheet) for each trainee: one row
   * per trainee, empty until filled — never the schedule's times, never one time for everyone.
   */
  const record = async () => {
    const values = await form.validateFields();
    const session = sessions.find((candidate) => candidate.id === values.sessionId);
    if (!session) return;
    const day = dayjs(session.startsAt).format('YYYY-MM-DD');
    const at = (time: Dayjs) => dayjs(`${day}T${time.format('HH:mm')}:00+08:00`).toISOString();
    const records = [...people.keys()].flatMap((personId) => {
      const times = values.times?.[String(personId)];
      const events = [
        ['sign_in', times?.signIn],
        ['sign_out', times?.signOut],
      ] as const;
      return events.flatMap(([event, time]) =>
        time ? [{ sessionId: session.id, personId, event, at: at(time), method: values.method }] : [],
      );
    });
    if (records.length === 0) {
      message.error('请至少为一名学员填写实际签到或签退时间');
      return;
    }
    setProgress(10);
    try {
      await call(
        client.POST('/api/classes/{id}/attendance', {
          params: { path: { id: trainingClass.id } },
          body: { records },
        }),
      );
      setProgress(100);
      message.success(`已记录 ${records.length} 条签到签退`);
      form.resetFields(['times']);
      summary.reload();
    } catch (error) {
      setProgress(null);
      message.error(errorText(error));
    }
  };

  return (
    <Space direction="vertical" className="full-width">
      <Alert
        type="info"
        showIcon
        title="请逐一录入每名学员实际的签到、签退时间（未到课的学员不填），或导入签到设备导出的记录。签到签退须在课次时间前后允许的范围内，且不能晚于当前时间。"
      />
      <Form form={form} layout="vertical" name="attendance" initialValues={{ method: 'face' }}>
        <Row gutter={12}>
          <Col xs={24} md={10}>
            <Form.Item name="sessionId" label="课次" rules={[{ required: true, message: '请选择课次' }]}>
              <Select
                options={sessions.map((session) => ({
                  value: session.id,
                  label: `第${session.sessionNumber}次 ${dateTime(session.startsAt)}`,
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="method" label="签到方式">
              <Select
                options={[
                  { value: 'face', label: '人脸识别' },
                  { value: 'fingerprint', label: '指纹' },
                  { value: 'qr_code', label: '扫码' },
                  { value: 'id_card', label: '身份证' },
                  { value: 'manual', label: '人工' },
                  { value: 'online_platform', label: '线上平台' },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>
        {[...people].map(([personId, name]) => (
          <Row gutter={12} key={personId}>
            <Col xs={12} md={5}>
              <Form.Item name={['times', String(personId), 'signIn']} label={`${name} 实际签到时间`}>
                <TimePicker format="HH:mm" minuteStep={1} />
              </Form.Item>
            </Col>
            <Col xs={12} md={5}>
              <Form.Item name={['times', String(personId), 'signOut']} label={`${name} 实际签退时间`}>
                <TimePicker format="HH:mm" minuteStep={1} />
              </Form.Item>
            </Col>
          </Row>
        ))}
        <Button type="primary" onClick={() => void record()}>
          记录实际签到签退
        </Button>
      </Form>
      <DeviceImport classId={trainingClass.id} onImported={() => summary.reload()} />
      {progress !== null && (
        <Progress percent={Math.min(progress, 100)} status={progress < 100 ? 'active' : 'success'} />
      )}
      <LoadState loaded={summary}>
        {(data) => (
          <Table
            size="small"
            rowKey="personId"
            pagination={false}
            scroll={{ x: true }}
            dataSource={data.items}
            columns={[
              { title: '学员', dataIndex: 'personId', render: (id: number) => people.get(id) ?? `#${id}` },
              { title: '应出勤学时', dataIndex: 'scheduledClassHours' },
              { title: '线下学时', dataIndex: 'offlineClassHours' },
              { title: '线上学时', dataIndex: 'onlineClassHours' },
              {
                title: '出勤率',
                dataIndex: 'attendanceRate',
                render: (rate: number) => `${Math.round(rate * 1000) / 10}%`,
              },
            ]}
          />
        )}
      </LoadState>
    </Space>
  );
}

function ResultsTab({
  trainingClass,
  people,
}: {
  trainingClass: TrainingClass;
  people: Map<number, string>;
}) {
  const { language } = useLanguage();
  const { message } = App.useApp();
  const [form] = Form.useForm<{
    personId: number;
    score: number;
    examDate: Dayjs;
    certificateType?: string;
    certificateNumber?: string;
    issuer?: string;
  }>();
  const results = useLoad(
    () =>
      callAll((paging) =>
        client.GET('/api/classes/{id}/results', {
          params: { path: { id: trainingClass.id }, query: paging },
        }),
      ),
    [trainingClass.id],
  );
  const certificates = useLoad(
    () =>
      callAll((paging) =>
        client.GET('/api/certificates', { params: { query: { ...paging, classId: trainingClass.id } } }),
      ),
    [trainingClass.id],
  );
  const save = async () => {
    const values = await form.validateFields();
    const examDate = values.examDate.format('YYYY-MM-DD');
    try {
      await call(
        client.POST('/api/classes/{id}/results', {
          params: { path: { id: trainingClass.id } },
          body: { personId: values.personId, score: values.score, isPassed: values.score >= 60, examDate },
        }),
      );
      if (values.certificateType && values.certificateNumber) {
        await call(
          client.POST('/api/certificates', {
            body: {
              personId: values.personId,
              classId: trainingClass.id,
              certificateType: values.certificateType,
              level: trainingClass.level,
              occupationCode: trainingClass.occupationCode,
              certificateNumber: values.certificateNumber.trim(),
              issuer: values.issuer?.trim() || '本培训机构',
              issuedOn: examDate,
            },
          }),
        );
      }
      message.success('已登记');
      form.resetFields(['personId', 'score', 'certificateNumber']);
      results.reload();
      certificates.reload();
    } catch (error) {
      if (
        showFieldErrors(form, error, [
          ['personId'],
          ['score'],
          ['examDate'],
          ['certificateNumber'],
          ['certificateType'],
          ['issuer'],
        ])
      )
        message.error(errorText(error));
    }
  };
  return (
    <Space direction="vertical" className="full-width">
      <Form
        form={form}
        layout="vertical"
        name="results"
        initialValues={{ examDate: dayjs(trainingClass.endsAt), certificateType: 'training_qualified' }}
      >
        <Row gutter={12}>
          <Col xs={24} md={6}>
            <Form.Item name="personId" label="学员" rules={[{ required: true, message: '请选择学员' }]}>
              <Select
                options={[...people].map(([value, name]) => ({ value, label: name }))}
                optionFilterProp="label"
                showSearch
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={3}>
            <Form.Item name="score" label="成绩" rules={[{ required: true, message: '请填写成绩' }]}>
              <InputNumber min={0} max={100} className="full-width" />
            </Form.Item>
          </Col>
          <Col xs={12} md={5}>
            <Form.Item name="examDate" label="考核日期" rules={[{ required: true }]}>
              <DatePicker className="full-width" />
            </Form.Item>
          </Col>
          <Col xs={24} md={5}>
            <Form.Item name="certificateType" label="证书类型">
              <Select
                allowClear
                options={options(CERTIFICATE_TYPES, language).filter(
                  // Skill-level, special-ability and qualification certificates come from evaluation bodies.
                  (option) => !EVALUATED_TYPES.has(option.value),
                )}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={5}>
            <Form.Item name="certificateNumber" label="证书编号">
              <Input />
            </Form.Item>
          </Col>
          <Form.Item
            noStyle
            shouldUpdate={(before, after) => before.certificateType !== after.certificateType}
          >
            {({ getFieldValue }) =>
              // A 培训合格证 is issued by this institution in its registered name; only a certificate
              // of another authority (特种作业操作证…) names its issuer.
              getFieldValue('certificateType') === 'training_qualified' ? null : (
                <Col xs={24} md={8}>
                  <Form.Item name="issuer" label="发证机构">
                    <Input placeholder="如：衡阳市应急管理局" />
                  </Form.Item>
                </Col>
              )
            }
          </Form.Item>
        </Row>
        <Button type="primary" onClick={() => void save()}>
          登记成绩与证书
        </Button>
      </Form>
      <LoadState loaded={results}>
        {(data) => (
          <Table
            size="small"
            rowKey="personId"
            pagination={false}
            dataSource={data.items}
            columns={[
              { title: '学员', dataIndex: 'personId', render: (id: number) => people.get(id) ?? `#${id}` },
              { title: '成绩', dataIndex: 'score' },
              {
                title: '结果',
                dataIndex: 'isPassed',
                render: (isPassed: boolean) => (isPassed ? '合格' : '不合格'),
              },
              { title: '考核日期', dataIndex: 'examDate' },
            ]}
          />
        )}
      </LoadState>
      <LoadState loaded={certificates}>
        {(data) => (
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: true }}
            dataSource={data.items}
            columns={[
              { title: '学员', dataIndex: 'personId', render: (id: number) => people.get(id) ?? `#${id}` },
              {
                title: '证书类型',
                dataIndex: 'certificateType',
                render: (type: string) => label(CERTIFICATE_TYPES, type, language),
              },
              { title: '证书编号', dataIndex: 'certificateNumber' },
              { title: '发证机构', dataIndex: 'issuer' },
              { title: '发证日期', dataIndex: 'issuedOn' },
            ]}
          />
        )}
      </LoadState>
    </Space>
  );
}

/** The class's claims, each linking to its detail, and (for its institution) a new claim's form. */
function ClaimTab({ trainingClass }: { trainingClass: TrainingClass }) {
  const { can } = useAuth();
  return (
    <>
      <ClassClaims classId={trainingClass.id} />
      {can('claim.create') && <NewClassClaim trainingClass={trainingClass} />}
    </>
  );
}

function NewClassClaim({ trainingClass }: { trainingClass: TrainingClass }) {
  const { language } = useLanguage();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<{
    subsidyKind: Extract<BodyOf<'/api/claims', 'post'>['claim'], { source: 'class' }>['subsidyKind'];
    applicationDate: Dayjs;
    payeeAccount: { bankName: string; accountNumber: string };
  }>();
  const [isBusy, setBusy] = useState(false);
  const create = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      const applicationDate = values.applicationDate.format('YYYY-MM-DD');
      const claim = await call(
        client.POST('/api/claims', {
          params: {
            header: {
              'idempotency-key': `class-${trainingClass.id}-${values.subsidyKind}-${applicationDate}`,
            },
          },
          body: {
            applicationDate,
            payeeAccount: {
              bankName: values.payeeAccount.bankName.trim(),
              accountNumber: values.payeeAccount.accountNumber.trim(),
            },
            claim: { source: 'class', classId: trainingClass.id, subsidyKind: values.subsidyKind },
          },
        }),
      );
      message.success('已生成补贴申请（草稿），请核对后提交');
      navigate(`/app/claims/${claim.id}`);
    } catch (error) {
      if (
        showFieldErrors(form, error, [
          ['applicationDate'],
          ['subsidyKind'],
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
    <Form
      form={form}
      layout="vertical"
      name="claim"
      initialValues={{
        subsidyKind: trainingClass.subsidyKind || 'training',
        applicationDate: dayjs(today()),
      }}
    >
      <Alert
        type="info"
        showIcon
        className="block-gap"
        title="按本班学员名单逐人生成补贴明细，金额由政策引擎依据实名记录（出勤、成绩、证书、人员类别）计算。"
      />
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Form.Item name="subsidyKind" label="补贴类型" rules={[{ required: true }]}>
            <Select options={options(SUBSIDY_KINDS, language)} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="applicationDate" label="申请日期" rules={[{ required: true }]}>
            <DatePicker className="full-width" />
          </Form.Item>
        </Col>
        <PayeeAccountFields inColumns />
      </Row>
      <Button type="primary" loading={isBusy} onClick={() => void create()}>
        生成补贴申请
      </Button>
    </Form>
  );
}

/** One class: its filing, roster (xlsx import with per-row errors), attendance, results, claim. */
export function ClassDetailPage() {
  const { id } = useParams();
  const classId = Number(id);
  const loaded = useLoad(
    () => call(client.GET('/api/classes/{id}', { params: { path: { id: classId } } })),
    [id],
  );
  const roster = useLoad(
    () =>
      callAll((paging) =>
        client.GET('/api/classes/{id}/enrolments', { params: { path: { id: classId }, query: paging } }),
      ),
    [id],
  );
  const people = new Map((roster.data?.items ?? []).map((row) => [row.person.id, row.person.name] as const));
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        培训班：{loaded.data?.name ?? ''}
      </Typography.Title>
      <LoadState loaded={loaded}>
        {(trainingClass) => (
          <Card>
            <Tabs
              tabBarExtraContent={
                <CompleteClassButton trainingClass={trainingClass} onDone={loaded.reload} />
              }
              items={[
                { key: 'info', label: '开班信息', children: <ClassInfo trainingClass={trainingClass} /> },
                {
                  key: 'roster',
                  label: '学员名单',
                  children: <RosterTab classId={trainingClass.id} onChanged={roster.reload} />,
                },
                {
                  key: 'attendance',
                  label: '考勤',
                  children: <AttendanceTab trainingClass={trainingClass} people={people} />,
                },
                {
                  key: 'results',
                  label: '成绩与证书',
                  children: <ResultsTab trainingClass={trainingClass} people={people} />,
                },
                { key: 'claim', label: '补贴申请', children: <ClaimTab trainingClass={trainingClass} /> },
              ]}
            />
          </Card>
        )}
      </LoadState>
    </div>
  );
}
