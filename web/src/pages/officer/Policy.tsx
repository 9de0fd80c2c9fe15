import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  type FormInstance,
  Input,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer, BodyOf } from '../../api/types.ts';
import { ApiError, errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { CitationTag, LoadState, Money, NoData } from '../../components/common.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { today as businessToday } from '../../format.ts';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import {
  CERTIFICATE_TYPES,
  EMPLOYER_FLAGS,
  EMPLOYER_SIZES,
  GROUPS,
  LEVELS,
  label,
  MATERIALS,
  PARAMETER_CODES,
  PAYEES,
  SUBSIDY_KINDS,
} from '../../vocabulary.ts';

/** A parameter with its shipped (pack) and published versions. */
type ParameterHistory = Answer<'/api/policy/packs/{packId}/parameters', 'get'>['items'][number];
/** A value an officer may publish for a parameter: a number (fen for money), a code, a flag or a list of codes. */
type Value = BodyOf<'/api/policy/parameter-versions', 'post'>['value'];
/** A version of a parameter on its timeline, shipped with the pack or published since. */
type ParameterVersion = (ParameterHistory['shipped'][number] | ParameterHistory['published'][number]) & {
  source: 'pack' | 'published';
};
/** The answer of a simulation over requests (the other form of the answer simulates stored claims). */
type SimulationResult = Extract<Answer<'/api/policy/simulate', 'post'>, { requestCount: number }>;
/** True for the answer of a simulation over requests (it counts requests, not stored lines). */
function isRequestSimulation(answer: Answer<'/api/policy/simulate', 'post'>): answer is SimulationResult {
  return 'requestCount' in answer;
}
/** The requests a simulation runs over: the engine requests of stored claim lines. */
type SimulationRequests = NonNullable<BodyOf<'/api/policy/simulate', 'post'>['requests']>;

interface ChangeValues {
  key: string;
  value: string;
  effectiveFrom: Dayjs;
  citation: { doc: string; article: string };
  note?: string;
}

/** Every version of a parameter, shipped and published, in date order (a later revision wins). */
function timeline(parameter: ParameterHistory): ParameterVersion[] {
  const all = [
    ...parameter.shipped.map((version) => ({ ...version, source: 'pack' as const })),
    ...parameter.published.map((version) => ({ ...version, source: 'published' as const })),
  ];
  return all.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
}

function currentVersion(parameter: ParameterHistory, on: string): ParameterVersion | undefined {
  return timeline(parameter)
    .filter((version) => version.effectiveFrom <= on)
    .at(-1);
}

const UNIT_WORDS: [RegExp, string][] = [
  [/class hour/g, '课时'],
  [/person-times/g, '人次'],
  [/person/g, '人'],
  [/day/g, '天'],
  [/year/g, '年'],
  [/certificate/g, '证'],
  [/months?/g, '个月'],
  [/percent/g, '%'],
  [/count/g, '次'],
];

/** `fen/person/day` → `元/人/天`: money is shown in yuan, other units in Chinese. */
function unitText(unit: string): string {
  let text = unit.startsWith('fen') ? `元${unit.slice(3)}` : unit;
  for (const [word, chinese] of UNIT_WORDS) text = text.replace(word, chinese);
  return text;
}

/** A code a parameter holds (a group, subsidy kind, level…) as its Chinese label. */
function codeLabel(code: string): string {
  for (const labels of [
    GROUPS,
    SUBSIDY_KINDS,
    LEVELS,
    CERTIFICATE_TYPES,
    EMPLOYER_FLAGS,
    EMPLOYER_SIZES,
    PAYEES,
    MATERIALS,
    PARAMETER_CODES,
  ]) {
    if (labels[code]) return label(labels, code);
  }
  return code;
}

function isMoney(unit: string): boolean {
  return unit === 'fen' || unit.startsWith('fen/');
}

function showValue(value: unknown, unit: string): string {
  if (value === null) return '（由下级或其他文件规定）';
  if (Array.isArray(value)) return value.map((item) => codeLabel(String(item))).join('、') || '—';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number' && isMoney(unit)) return `${(value / 100).toFixed(2)} ${unitText(unit)}`;
  if (typeof value === 'number') return `${value} ${unitText(unit)}`;
  return codeLabel(String(value));
}

/** Reads the typed text as the kind of value the parameter holds (fen for money, in 元 here). */
function parseValue(text: string, like: unknown, unit: string): Value {
  const trimmed = text.trim();
  if (typeof like === 'number') {
    const number = Number(trimmed.replace(/,/g, ''));
    if (!Number.isFinite(number)) throw new Error('请输入数字');
    return isMoney(unit) ? Math.round(number * 100) : Math.round(number);
  }
  if (typeof like === 'boolean') return ['是', 'true', '1'].includes(trimmed);
  if (Array.isArray(like))
    return trimmed
      .split(/[,，、\s]+/)
      .map((item) => item.trim())
      .filter(Boolean);
  return trimmed;
}

function ChangeFields({ parameters, withNote }: { parameters: ParameterHistory[]; withNote?: boolean }) {
  return (
    <Row gutter={12}>
      <Col xs={24} md={12}>
        <Form.Item name="key" label="参数" rules={[{ required: true, message: '请选择参数' }]}>
          <Select
            showSearch
            optionFilterProp="label"
            options={parameters.map((parameter) => ({
              value: parameter.key,
              label: parameter.description,
            }))}
          />
        </Form.Item>
      </Col>
      <Col xs={24} md={6}>
        <Form.Item
          name="value"
          label="新值（金额按元）"
          rules={[{ required: true, whitespace: true, message: '请填写新值（金额按元）' }]}
        >
          <Input />
        </Form.Item>
      </Col>
      <Col xs={24} md={6}>
        <Form.Item
          name="effectiveFrom"
          label="生效日期"
          rules={[{ required: true, message: '请选择生效日期' }]}
        >
          <DatePicker className="full-width" />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item
          name={['citation', 'doc']}
          label="依据文件"
          rules={[{ required: true, whitespace: true, message: '请填写依据文件（文号）' }]}
        >
          <Input />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item
          name={['citation', 'article']}
          label="条款"
          rules={[{ required: true, whitespace: true, message: '请填写依据条款' }]}
        >
          <Input />
        </Form.Item>
      </Col>
      {withNote && (
        <Col span={24}>
          <Form.Item name="note" label="说明">
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Col>
      )}
    </Row>
  );
}

const CHANGE_FIELDS = [['key'], ['value'], ['effectiveFrom'], ['citation', 'doc'], ['citation', 'article']];

/** The change as the API takes it, or null (with the error on the value field) when unreadable. */
function toChange(
  packId: string,
  parameters: ParameterHistory[],
  values: ChangeValues,
  form: FormInstance<ChangeValues>,
) {
  const parameter = parameters.find((candidate) => candidate.key === values.key);
  if (!parameter) return null;
  const like = currentVersion(parameter, '9999-12-31')?.value ?? '';
  try {
    return {
      packId,
      key: values.key,
      effectiveFrom: values.effectiveFrom.format('YYYY-MM-DD'),
      value: parseValue(values.value, like, parameter.unit),
      citation: { doc: values.citation.doc.trim(), article: values.citation.article.trim() },
    };
  } catch (error) {
    form.setFields([{ name: 'value', errors: [error instanceof Error ? error.message : String(error)] }]);
    return null;
  }
}

/** Requests of recent claims in the user's region, to simulate a change over real cases. */
async function recentRequests(limit: number): Promise<SimulationRequests> {
  const claims = await call(client.GET('/api/claims', { params: { query: { page: 1, pageSize: limit } } }));
  const requests: SimulationRequests = [];
  for (const claim of claims.items) {
    const detail = await call(client.GET('/api/claims/{id}', { params: { path: { id: claim.id } } }));
    // A claim line's stored request is documented as an open object; it was a v1 evaluate request
    // when the line was decided, which is what the simulation takes.
    for (const line of detail.lines)
      if (line.request) requests.push(line.request as SimulationRequests[number]);
  }
  return requests;
}

function SimulationCard({ packId, parameters }: { packId: string; parameters: ParameterHistory[] }) {
  const { language } = useLanguage();
  const { message } = App.useApp();
  const [form] = Form.useForm<ChangeValues>();
  const [isBusy, setBusy] = useState(false);
  const [result, setResult] = useState<SimulationResult | null>(null);
  const [requestCount, setRequestCount] = useState<number | null>(null);
  const run = async () => {
    const values = await form.validateFields();
    const change = toChange(packId, parameters, values, form);
    if (!change) return;
    setBusy(true);
    try {
      const requests = await recentRequests(20);
      setRequestCount(requests.length);
      setResult(
        await call(client.POST('/api/policy/simulate', { body: { requests, changes: [change] } })).then(
          (answer) => (isRequestSimulation(answer) ? answer : null),
        ),
      );
    } catch (error) {
      if (showFieldErrors(form, error, CHANGE_FIELDS)) message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="补贴标准调整模拟测算（不改变任何数据）">
      <Form
        form={form}
        layout="vertical"
        name="simulate"
        initialValues={{ effectiveFrom: dayjs('2021-01-01') }}
      >
        <ChangeFields parameters={parameters} />
        <Button type="primary" loading={isBusy} onClick={() => void run()}>
          模拟测算
        </Button>
        <Typography.Text type="secondary" style={{ marginLeft: 12 }}>
          以本辖区最近 20 件补贴申请的逐人明细为样本。
        </Typography.Text>
      </Form>
      {result && (
        <Space direction="vertical" className="full-width block-gap-top" data-testid="simulation-result">
          {requestCount === 0 && <Alert type="info" showIcon title="本辖区暂无补贴申请明细可供测算" />}
          <Descriptions bordered size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label="测算人次">{result.requestCount}</Descriptions.Item>
            <Descriptions.Item label="金额变化人次">{result.changedRequestCount}</Descriptions.Item>
            <Descriptions.Item label="资格变化人次">{result.eligibilityChangedCount}</Descriptions.Item>
            <Descriptions.Item label="调整前">
              <Money fen={result.totalBeforeFen} />
            </Descriptions.Item>
            <Descriptions.Item label="调整后">
              <Money fen={result.totalAfterFen} />
            </Descriptions.Item>
            <Descriptions.Item label="差额">
              <Money fen={result.differenceFen} />
            </Descriptions.Item>
          </Descriptions>
          <Table
            rowKey="item"
            size="small"
            pagination={false}
            dataSource={result.lines}
            columns={[
              {
                title: '补贴项目',
                dataIndex: 'item',
                render: (item: string) => label(SUBSIDY_KINDS, item, language),
              },
              {
                title: '调整前',
                dataIndex: 'beforeFen',
                align: 'right',
                render: (fen: number) => <Money fen={fen} />,
              },
              {
                title: '调整后',
                dataIndex: 'afterFen',
                align: 'right',
                render: (fen: number) => <Money fen={fen} />,
              },
              {
                title: '差额',
                dataIndex: 'differenceFen',
                align: 'right',
                render: (fen: number) => <Money fen={fen} />,
              },
            ]}
          />
        </Space>
      )}
    </Card>
  );
}

function PublishCard({
  packId,
  parameters,
  onPublished,
}: {
  packId: string;
  parameters: ParameterHistory[];
  onPublished(): void;
}) {
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<ChangeValues>();
  const publish = async () => {
    const values = await form.validateFields();
    const change = toChange(packId, parameters, values, form);
    if (!change) return;
    const body = { ...change, ...(values.note?.trim() ? { note: values.note.trim() } : {}) };
    const send = async (confirmRetroactive: boolean) => {
      try {
        await call(
          client.POST('/api/policy/parameter-versions', {
            body: confirmRetroactive ? { ...body, confirmRetroactive: true } : body,
          }),
        );
        message.success('参数新版本已发布');
        form.resetFields();
        onPublished();
      } catch (error) {
        // Effective before today: the server lists the claims it would re-price; publish only on a second confirmation.
        if (error instanceof ApiError && error.code === 'RETROACTIVE_CONFIRMATION_REQUIRED') {
          modal.confirm({
            title: '追溯生效：将重新核定已申请的补贴',
            content: (
              <div data-testid="retroactive-claims">
                <p>{error.message}</p>
                <ul>
                  {error.details
                    .filter((detail) => detail.field === 'claims')
                    .map((detail) => (
                      <li key={detail.message}>{detail.message}</li>
                    ))}
                </ul>
              </div>
            ),
            okText: '确认追溯发布',
            onOk: () => send(true),
          });
          return;
        }
        if (showFieldErrors(form, error, CHANGE_FIELDS)) message.error(errorText(error));
      }
    };
    const parameter = parameters.find((candidate) => candidate.key === change.key);
    const before = parameter && currentVersion(parameter, change.effectiveFrom);
    modal.confirm({
      title: '发布参数新版本？',
      content: (
        <Descriptions size="small" column={1} data-testid="publish-confirmation">
          <Descriptions.Item label="参数">{parameter?.description ?? '该参数'}</Descriptions.Item>
          <Descriptions.Item label="原值">
            {before && parameter ? showValue(before.value, parameter.unit) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label="新值">
            {parameter ? showValue(change.value, parameter.unit) : String(change.value)}
          </Descriptions.Item>
          <Descriptions.Item label="生效日期">
            {change.effectiveFrom}
            （此日及以后申请的补贴按新值计算；早于今天的，将列出须重新核定的申请并再次确认）
          </Descriptions.Item>
          <Descriptions.Item label="依据">
            <CitationTag citation={change.citation} />
          </Descriptions.Item>
        </Descriptions>
      ),
      okText: '确认发布',
      cancelText: '取消',
      onOk: () => send(false),
    });
  };
  return (
    <Card title="发布参数新版本（须在政策文件规定的上下限内）">
      <Form form={form} layout="vertical" name="publish-parameter">
        <ChangeFields parameters={parameters} withNote />
        <Button type="primary" danger onClick={() => void publish()}>
          发布
        </Button>
      </Form>
    </Card>
  );
}

/** Policy packs, their cited parameters with every dated version, publishing and simulation. */
export function PolicyPage() {
  const { user, can } = useAuth();
  const packs = useLoad(() => call(client.GET('/api/policy/packs')));
  const defaultPack = useMemo(() => {
    const items = packs.data?.items ?? [];
    const region = user?.regionCode ?? '';
    return (
      items.find((pack) => pack.regionCode === region) ??
      items.find((pack) => pack.regionCode === `${region.slice(0, 4)}00`) ??
      items.find((pack) => pack.regionCode === `${region.slice(0, 2)}0000`) ??
      // A province officer whose province has only a city's document (Hunan: Hengyang's) gets it,
      // not the first pack of another province.
      items.find((pack) => region !== '' && pack.regionCode.startsWith(region.replace(/(00)+$/, ''))) ??
      items[0]
    )?.id;
  }, [packs.data, user?.regionCode]);
  const [chosen, setChosen] = useState<string>();
  const packId = chosen ?? defaultPack;
  const parameters = useLoad(
    () =>
      packId
        ? call(client.GET('/api/policy/packs/{packId}/parameters', { params: { path: { packId } } }))
        : Promise.resolve({ items: [] as ParameterHistory[] }),
    [packId],
  );
  const pack = packs.data?.items.find((item) => item.id === packId);
  const today = businessToday();
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        政策参数与模拟测算
      </Typography.Title>
      <Space direction="vertical" className="full-width" size="middle">
        <Card>
          <LoadState loaded={packs}>
            {({ items }) => (
              <Space direction="vertical" className="full-width">
                <Select
                  aria-label="政策包"
                  className="full-width"
                  value={packId}
                  onChange={setChosen}
                  options={items.map((item) => ({
                    value: item.id,
                    label: `${item.title}（${item.document}）`,
                  }))}
                />
                {pack && (
                  <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                    <Descriptions.Item label="文件">{pack.document}</Descriptions.Item>
                    <Descriptions.Item label="地区">
                      <RegionName code={pack.regionCode} withCode />
                    </Descriptions.Item>
                    <Descriptions.Item label="施行期间">
                      {pack.inForceFrom} 至 {pack.inForceTo ?? '—'}
                    </Descriptions.Item>
                  </Descriptions>
                )}
              </Space>
            )}
          </LoadState>
        </Card>
        <Card title="参数（每个值注明政策条款）">
          <LoadState loaded={parameters}>
            {({ items }) =>
              items.length === 0 ? (
                <NoData />
              ) : (
                <Table
                  rowKey="id"
                  size="small"
                  scroll={{ x: true }}
                  data-testid="policy-parameters"
                  dataSource={items}
                  pagination={{ pageSize: 50, hideOnSinglePage: true }}
                  expandable={{
                    expandedRowRender: (parameter) => (
                      <Table
                        rowKey={(version) =>
                          `${version.source}-${version.effectiveFrom}-${version.revision ?? 0}`
                        }
                        size="small"
                        pagination={false}
                        dataSource={timeline(parameter)}
                        columns={[
                          { title: '生效日期', dataIndex: 'effectiveFrom' },
                          {
                            title: '值',
                            dataIndex: 'value',
                            render: (value: unknown) => showValue(value, parameter.unit),
                          },
                          {
                            title: '来源',
                            dataIndex: 'source',
                            render: (source: string) =>
                              source === 'published' ? <Tag color="gold">已发布</Tag> : <Tag>文件内置</Tag>,
                          },
                          {
                            title: '依据',
                            dataIndex: 'citation',
                            render: (citation: ParameterVersion['citation']) => (
                              <CitationTag citation={citation} />
                            ),
                          },
                          { title: '说明', dataIndex: 'note', render: (note?: string | null) => note ?? '—' },
                        ]}
                      />
                    ),
                  }}
                  columns={[
                    { title: '参数', dataIndex: 'description' },
                    {
                      title: '现行值',
                      render: (_, parameter) => {
                        const current = currentVersion(parameter, today) ?? timeline(parameter).at(-1);
                        return current ? showValue(current.value, parameter.unit) : '—';
                      },
                    },
                    {
                      title: '上下限',
                      dataIndex: 'bounds',
                      render: (bounds: ParameterHistory['bounds'], parameter) =>
                        bounds
                          ? `${bounds.min === undefined ? '—' : showValue(bounds.min, parameter.unit)} ~ ${
                              bounds.max === undefined ? '—' : showValue(bounds.max, parameter.unit)
                            }`
                          : '—',
                    },
                    {
                      title: '依据',
                      width: 240,
                      render: (_, parameter) => (
                        <CitationTag
                          citation={
                            (currentVersion(parameter, today) ?? timeline(parameter).at(-1))?.citation
                          }
                        />
                      ),
                    },
                  ]}
                />
              )
            }
          </LoadState>
        </Card>
        {packId && can('policy.simulate') && parameters.data && (
          <SimulationCard packId={packId} parameters={parameters.data.items} />
        )}
        {packId && can('policy.parameter.publish') && parameters.data && (
          <PublishCard packId={packId} parameters={parameters.data.items} onPublished={parameters.reload} />
        )}
      </Space>
    </div>
  );
}
