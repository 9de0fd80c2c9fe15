import {
  Alert,
  Button,
  Card,
  Col,
  Collapse,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  List,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer, BodyOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { CitationTag, Money } from '../../components/common.tsx';
import { PolicyPackName } from '../../components/PolicyPackName.tsx';
import { showFieldErrors } from '../../forms.ts';
import { useLanguage } from '../../i18n.tsx';
import {
  CERTIFICATE_TYPES,
  DENIAL_CODES,
  EMPLOYER_FLAGS,
  EMPLOYER_SIZES,
  GROUPS,
  JURISDICTIONS,
  LEVELS,
  label,
  options,
  PAYEES,
  SUBSIDY_KINDS,
} from '../../vocabulary.ts';

/** The answer of 补贴计算器 (POST /api/public/calculate): the decision, the catalog standard used, guidance. */
type CalculateResponse = Answer<'/api/public/calculate', 'post'>;
/** The policy engine's decision, with its lines and denials, each citing its document and article. */
export type EvaluateResponse = CalculateResponse['decision'];
type Citation = EvaluateResponse['lines'][number]['citation'];
/** A published catalog entry the person picks from (GET /api/public/catalog-entries). */
type PublicCatalogEntry = Answer<'/api/public/catalog-entries', 'get'>['items'][number];
/** What the calculator sends: the facts given, nothing else. */
type CalculateRequest = BodyOf<'/api/public/calculate', 'post'>;

type Day = Dayjs | null | undefined;

interface CalculatorValues {
  region: string;
  date: Dayjs;
  subsidy: string;
  mode?: 'full' | 'advance';
  person?: { groups?: string[]; receivesPension?: boolean; graduationDate?: Day };
  employment?: {
    employerSize?: string;
    employerFlags?: string[];
    contractMonths?: number;
    start?: Day;
    end?: Day;
  };
  training?: {
    filed?: boolean;
    /** `occupationCode|level` of the chosen catalog entry. */
    catalogChoice?: string;
    approvedOn?: Day;
    onlineDailyRateYuan?: number;
    occupationCode?: string;
    inCatalog?: boolean;
    newOccupation?: boolean;
    level?: string;
    start?: Day;
    end?: Day;
    offlineDays?: number;
    onlineDays?: number;
    classHours?: number;
    months?: number;
    catalogStandardYuan?: number;
    dailyRateYuan?: number;
  };
  certificate?: { type?: string; level?: string; number?: string; firstIssue?: boolean };
}

/** The form fields an API error may name (details[].field), for showing errors beside them. */
const FIELD_NAMES: (string | number)[][] = [
  ['region'],
  ['date'],
  ['subsidy'],
  ['person', 'groups'],
  ['person', 'graduationDate'],
  ['employment', 'employerSize'],
  ['employment', 'contractMonths'],
  ['employment', 'start'],
  ['employment', 'end'],
  ['training', 'occupationCode'],
  ['training', 'level'],
  ['training', 'start'],
  ['training', 'end'],
  ['training', 'offlineDays'],
  ['training', 'onlineDays'],
  ['training', 'classHours'],
  ['training', 'months'],
  ['certificate', 'type'],
  ['certificate', 'level'],
  ['certificate', 'number'],
];

const isoDay = (value: Day) => (value ? value.format('YYYY-MM-DD') : undefined);
const fenOf = (value: number | undefined) =>
  value === undefined || value === null ? undefined : Math.round(value * 100);

/** Drops undefined, empty arrays and empty objects, so only the facts given are sent. */
function compact<T>(value: T): T | undefined {
  if (Array.isArray(value)) return (value.length > 0 ? value : undefined) as T | undefined;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([key, inner]) => [key, compact(inner)] as const)
      .filter(([, inner]) => inner !== undefined && inner !== '');
    return (entries.length > 0 ? Object.fromEntries(entries) : undefined) as T | undefined;
  }
  return value;
}

export function toEvaluateRequest(values: CalculatorValues): CalculateRequest {
  const training = values.training ?? {};
  const employment = values.employment ?? {};
  // The selects hold the API's own codes (subsidy kinds, groups, levels); the server validates every
  // field and names a bad one, which the form shows beside it.
  return compact({
    region: values.region,
    date: isoDay(values.date),
    subsidy: values.subsidy,
    mode: values.mode,
    person: {
      groups: values.person?.groups,
      receivesPension: values.person?.receivesPension,
      graduationDate: isoDay(values.person?.graduationDate),
    },
    employment: {
      employerSize: employment.employerSize,
      employerFlags: employment.employerFlags,
      contractMonths: employment.contractMonths,
      start: isoDay(employment.start),
      end: isoDay(employment.end),
    },
    training: {
      filed: training.filed,
      approvedOn: isoDay(training.approvedOn),
      occupationCode: training.catalogChoice?.split('|')[0] ?? training.occupationCode?.trim(),
      newOccupation: training.newOccupation,
      level: training.catalogChoice?.split('|')[1] ?? training.level,
      start: isoDay(training.start),
      end: isoDay(training.end),
      offlineDays: training.offlineDays,
      onlineDays: training.onlineDays,
      classHours: training.classHours,
      months: training.months,
      dailyRateFen: fenOf(training.dailyRateYuan),
      onlineDailyRateFen: fenOf(training.onlineDailyRateYuan),
    },
    certificate: values.certificate,
  }) as CalculateRequest;
}

export function DecisionView({ decision }: { decision: EvaluateResponse }) {
  const { language } = useLanguage();
  return (
    <div data-testid="decision">
      <Descriptions bordered size="small" column={{ xs: 1, sm: 2 }} className="block-gap">
        <Descriptions.Item label="结论">
          {decision.eligible ? (
            <Tag color="green">可以享受补贴</Tag>
          ) : decision.outcome === 'missing_input' ? (
            <Tag color="orange">还缺少信息，暂不能计算</Tag>
          ) : decision.outcome === 'other_policy' ? (
            <Tag color="blue">适用其他政策文件，不是不予补贴</Tag>
          ) : (
            <Tag color="red">不符合补贴条件</Tag>
          )}
        </Descriptions.Item>
        <Descriptions.Item label="补贴金额">
          <Typography.Text strong data-testid="decision-amount">
            <Money fen={decision.amountFen} />
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label="补贴对象">{label(PAYEES, decision.payee, language)}</Descriptions.Item>
        <Descriptions.Item label="适用政策">
          <PolicyPackName id={decision.policy} />
        </Descriptions.Item>
        <Descriptions.Item label="计入年度补贴次数">
          {decision.countsTowardAnnualLimit ? '是' : '否'}
        </Descriptions.Item>
      </Descriptions>
      {decision.lines.length > 0 && (
        <Table
          size="small"
          rowKey={(_, index) => String(index)}
          pagination={false}
          dataSource={decision.lines}
          scroll={{ x: true }}
          className="block-gap"
          columns={[
            {
              title: '补贴项目',
              dataIndex: 'item',
              render: (item: string) => label(SUBSIDY_KINDS, item, language),
            },
            {
              title: '金额',
              dataIndex: 'amountFen',
              align: 'right',
              render: (fen: number) => <Money fen={fen} />,
            },
            { title: '依据', dataIndex: 'basis' },
            {
              title: '政策条款',
              dataIndex: 'citation',
              render: (citation: Citation) => <CitationTag citation={citation} />,
            },
          ]}
        />
      )}
      {decision.denials.length > 0 && (
        <List
          header={<Typography.Text strong>不予补贴或核减的原因</Typography.Text>}
          bordered
          size="small"
          className="block-gap"
          dataSource={decision.denials}
          renderItem={(denial) => (
            <List.Item>
              <Space direction="vertical" size={2}>
                <Space wrap>
                  <Tag color="red">{label(DENIAL_CODES, denial.code, language)}</Tag>
                  <Typography.Text type="secondary">{denial.code}</Typography.Text>
                  <CitationTag citation={denial.citation} />
                </Space>
                <Typography.Text>{denial.message}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
      {decision.warnings.map((warning) => (
        <Alert key={warning} type="warning" showIcon title={warning} className="block-gap" />
      ))}
    </div>
  );
}

const yesNo = [
  { value: true, label: '是' },
  { value: false, label: '否' },
];

const yuanText = (fen: number) => `${(fen / 100).toFixed(fen % 100 === 0 ? 0 : 2)}元`;

/** The published catalog of the region on the date, searched by occupation code or name. */
function useCatalog(region: string | undefined, date: Dayjs | undefined, search: string) {
  const [entries, setEntries] = useState<PublicCatalogEntry[]>([]);
  const on = date ? date.format('YYYY-MM-DD') : undefined;
  useEffect(() => {
    if (!region || !on) return;
    let isCurrent = true;
    call(
      client.GET('/api/public/catalog-entries', {
        params: { query: { regionCode: region, on, pageSize: 100, q: search || undefined } },
      }),
    )
      .then((page) => {
        if (isCurrent) setEntries(page.items);
      })
      .catch(() => {
        if (isCurrent) setEntries([]);
      });
    return () => {
      isCurrent = false;
    };
  }, [region, on, search]);
  return entries;
}

export function CalculatorPage() {
  const { language } = useLanguage();
  const [form] = Form.useForm<CalculatorValues>();
  const [decision, setDecision] = useState<EvaluateResponse | null>(null);
  const [catalog, setCatalog] = useState<CalculateResponse['catalog']>(undefined);
  const [guidance, setGuidance] = useState<string[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [search, setSearch] = useState('');
  const subsidy = Form.useWatch('subsidy', form);
  const region = Form.useWatch('region', form);
  const date = Form.useWatch('date', form);
  const onlineDays = Form.useWatch(['training', 'onlineDays'], form);
  const entries = useCatalog(region, date, search);
  const isChongqing = (region ?? '').startsWith('50');

  const onFinish = async (values: CalculatorValues) => {
    setBusy(true);
    setMessage(null);
    try {
      const answer = await call(client.POST('/api/public/calculate', { body: toEvaluateRequest(values) }));
      setDecision(answer.decision);
      setCatalog(answer.catalog);
      setGuidance(answer.guidance);
    } catch (error) {
      setDecision(null);
      setCatalog(undefined);
      setGuidance([]);
      if (showFieldErrors(form, error, FIELD_NAMES)) setMessage(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  const showsTraining = subsidy !== 'on_the_job_training' && subsidy !== 'certificate';
  const showsEmployment = [
    'on_the_job_training',
    'training',
    'apprenticeship',
    'safety_training',
    'technician_training',
    'insured_skill_upgrade',
  ].includes(subsidy ?? '');

  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        补贴计算器
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        选择地区、日期和补贴类型，从当地已公布的补贴标准目录中选择职业（工种）和等级，系统自动带出目录补贴标准，按当地政策文件计算可享受的补贴，并列出每一项的依据和政策条款。缺少的信息会说明到哪里查。结果仅供参考，以经办机构审核为准。
      </Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title="填写情况">
            <Form
              form={form}
              layout="vertical"
              name="calculator"
              onFinish={onFinish}
              initialValues={{
                region: '430400',
                date: dayjs('2021-06-15'),
                subsidy: 'training',
                person: { groups: ['registered_unemployed'], receivesPension: false },
                training: {
                  filed: true,
                  start: dayjs('2021-05-10'),
                  end: dayjs('2021-05-21'),
                  offlineDays: 10,
                },
              }}
            >
              <Row gutter={12}>
                <Col xs={24} sm={12}>
                  <Form.Item name="region" label="地区（适用哪里的政策）" rules={[{ required: true }]}>
                    <Select
                      showSearch={{ optionFilterProp: 'label' }}
                      options={JURISDICTIONS.map((item) => ({
                        value: item.code,
                        label: `${item.name}（${item.code}）`,
                      }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item name="date" label="申请日期" rules={[{ required: true }]}>
                    <DatePicker className="full-width" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="subsidy" label="补贴类型" rules={[{ required: true }]}>
                <Select options={options(SUBSIDY_KINDS, language)} />
              </Form.Item>
              <Form.Item name={['person', 'groups']} label="人员类别（可多选）">
                <Select
                  mode="multiple"
                  allowClear
                  options={options(GROUPS, language)}
                  optionFilterProp="label"
                />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={12}>
                  <Form.Item
                    name={['person', 'receivesPension']}
                    label="按月领取养老金"
                    valuePropName="checked"
                  >
                    <Switch />
                  </Form.Item>
                </Col>
                <Col xs={12}>
                  <Form.Item name={['person', 'graduationDate']} label="毕业日期（高校毕业生）">
                    <DatePicker className="full-width" />
                  </Form.Item>
                </Col>
              </Row>
              <Collapse
                defaultActiveKey={['training']}
                items={[
                  {
                    key: 'training',
                    label: '培训情况',
                    forceRender: true,
                    style: showsTraining ? undefined : { display: 'none' },
                    children: (
                      <>
                        <Row gutter={12}>
                          <Col xs={24} sm={12}>
                            <Form.Item name={['training', 'filed']} label="开班前已备案审批">
                              <Select options={yesNo} allowClear />
                            </Form.Item>
                          </Col>
                          <Col xs={24}>
                            <Form.Item
                              name={['training', 'catalogChoice']}
                              label="职业（工种）和等级（当地已公布的补贴标准目录）"
                              tooltip="目录补贴标准由系统按目录自动带出，无需填写"
                            >
                              <Select
                                showSearch={{ filterOption: false, onSearch: setSearch }}
                                allowClear
                                placeholder="输入职业名称或代码查找"
                                notFoundContent="该地区该日期没有已公布的目录项目"
                                options={entries.map((entry) => ({
                                  value: `${entry.occupationCode}|${entry.level}`,
                                  label: `${entry.occupationName}（${entry.occupationCode}）${label(LEVELS, entry.level, language)} · ${yuanText(entry.standardAmountFen)}`,
                                }))}
                              />
                            </Form.Item>
                          </Col>
                          {isChongqing && (
                            <Col xs={24} sm={12}>
                              <Form.Item
                                name={['training', 'approvedOn']}
                                label="开班审核通过日期"
                                tooltip="重庆：2021年3月1日前已审核通过开班申请的班次按原有政策执行"
                              >
                                <DatePicker className="full-width" />
                              </Form.Item>
                            </Col>
                          )}
                          <Col xs={12}>
                            <Form.Item name={['training', 'start']} label="开班日期">
                              <DatePicker className="full-width" />
                            </Form.Item>
                          </Col>
                          <Col xs={12}>
                            <Form.Item name={['training', 'end']} label="结业日期">
                              <DatePicker className="full-width" />
                            </Form.Item>
                          </Col>
                          <Col xs={12} sm={8}>
                            <Form.Item name={['training', 'offlineDays']} label="线下培训天数">
                              <InputNumber min={0} className="full-width" />
                            </Form.Item>
                          </Col>
                          <Col xs={12} sm={8}>
                            <Form.Item name={['training', 'onlineDays']} label="线上培训天数">
                              <InputNumber min={0} className="full-width" />
                            </Form.Item>
                          </Col>
                          <Col xs={12} sm={8}>
                            <Form.Item name={['training', 'classHours']} label="课时（45 分钟）">
                              <InputNumber min={0} className="full-width" />
                            </Form.Item>
                          </Col>
                          <Col xs={12} sm={8}>
                            <Form.Item name={['training', 'months']} label="培训月数">
                              <InputNumber min={0} className="full-width" />
                            </Form.Item>
                          </Col>
                          {isChongqing && (
                            <Col xs={12} sm={8}>
                              <Form.Item
                                name={['training', 'dailyRateYuan']}
                                label="区县日补贴标准（元/人·天）"
                              >
                                <InputNumber min={0} precision={2} className="full-width" />
                              </Form.Item>
                            </Col>
                          )}
                          {isChongqing && (onlineDays ?? 0) > 0 && (
                            <Col xs={12} sm={8}>
                              <Form.Item
                                name={['training', 'onlineDailyRateYuan']}
                                label="线上日补贴标准（元/人·天）"
                              >
                                <InputNumber min={0} max={60} precision={2} className="full-width" />
                              </Form.Item>
                            </Col>
                          )}
                        </Row>
                      </>
                    ),
                  },
                  {
                    key: 'employment',
                    label: '就业与用人单位',
                    forceRender: true,
                    style: showsEmployment ? undefined : { display: 'none' },
                    children: (
                      <Row gutter={12}>
                        <Col xs={24} sm={12}>
                          <Form.Item name={['employment', 'employerSize']} label="企业规模">
                            <Select allowClear options={options(EMPLOYER_SIZES, language)} />
                          </Form.Item>
                        </Col>
                        <Col xs={24} sm={12}>
                          <Form.Item name={['employment', 'contractMonths']} label="劳动合同期限（月）">
                            <InputNumber min={0} className="full-width" />
                          </Form.Item>
                        </Col>
                        <Col xs={24}>
                          <Form.Item name={['employment', 'employerFlags']} label="企业类型">
                            <Select mode="multiple" allowClear options={options(EMPLOYER_FLAGS, language)} />
                          </Form.Item>
                        </Col>
                        <Col xs={12}>
                          <Form.Item name={['employment', 'start']} label="入职（开始）日期">
                            <DatePicker className="full-width" />
                          </Form.Item>
                        </Col>
                        <Col xs={12}>
                          <Form.Item name={['employment', 'end']} label="截止日期">
                            <DatePicker className="full-width" />
                          </Form.Item>
                        </Col>
                      </Row>
                    ),
                  },
                  {
                    key: 'certificate',
                    label: '证书情况',
                    forceRender: true,
                    children: (
                      <Row gutter={12}>
                        <Col xs={24} sm={12}>
                          <Form.Item name={['certificate', 'type']} label="证书类型">
                            <Select allowClear options={options(CERTIFICATE_TYPES, language)} />
                          </Form.Item>
                        </Col>
                        <Col xs={24} sm={12}>
                          <Form.Item name={['certificate', 'level']} label="证书等级">
                            <Select allowClear options={options(LEVELS, language)} />
                          </Form.Item>
                        </Col>
                        <Col xs={24} sm={12}>
                          <Form.Item name={['certificate', 'number']} label="证书编号">
                            <Input />
                          </Form.Item>
                        </Col>
                        <Col xs={24} sm={12}>
                          <Form.Item name={['certificate', 'firstIssue']} label="首次取得">
                            <Select options={yesNo} allowClear />
                          </Form.Item>
                        </Col>
                      </Row>
                    ),
                  },
                ]}
              />
              <Space className="form-actions">
                <Button type="primary" htmlType="submit" loading={isBusy}>
                  计算补贴
                </Button>
                <Button htmlType="reset" onClick={() => setDecision(null)}>
                  重置
                </Button>
              </Space>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title="计算结果" aria-live="polite">
            {message && <Alert type="error" showIcon title={message} role="alert" />}
            {catalog && (
              <Alert
                type="info"
                showIcon
                className="block-gap"
                data-testid="catalog-standard"
                title={`目录补贴标准：${yuanText(catalog.standardFen)}`}
                description={
                  <Space wrap>
                    <span>
                      来源：
                      {catalog.version
                        ? `《${catalog.version.title}》第${catalog.version.versionNumber}版`
                        : '已公布的补贴标准目录'}
                    </span>
                    <span className="citation">
                      {catalog.citation.doc} {catalog.citation.article}
                    </span>
                  </Space>
                }
              />
            )}
            {catalog === null && (
              <Alert
                type="warning"
                showIcon
                className="block-gap"
                title="所选职业和等级不在该地区该日期已公布的补贴标准目录内"
              />
            )}
            {guidance.length > 0 && (
              <Alert
                type="warning"
                showIcon
                className="block-gap"
                data-testid="guidance"
                title="还需要补充以下信息"
                description={
                  <ul className="plain-list">
                    {guidance.map((text) => (
                      <li key={text}>{text}</li>
                    ))}
                  </ul>
                }
              />
            )}
            {decision ? (
              <DecisionView decision={decision} />
            ) : (
              !message && <Typography.Text type="secondary">填写左侧信息后点击“计算补贴”。</Typography.Text>
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
