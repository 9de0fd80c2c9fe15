import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress,
  Radio,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer, BodyOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { CitationTag, LoadState, NoData } from '../../components/common.tsx';
import { RegionName, useRegionNames } from '../../components/RegionName.tsx';
import { RegionPicker } from '../../components/RegionPicker.tsx';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { label, options, TARGET_COMPARISONS, TARGET_METRICS } from '../../vocabulary.ts';

type TargetProgress = Answer<'/api/reports/targets', 'get'>['items'][number];
type TargetBody = BodyOf<'/api/reports/targets', 'put'>;

/** The unit a metric is counted in, for the confirmation and the table (人次 or 人). */
const METRIC_UNITS: Record<string, string> = { training_person_times: '人次', new_apprentices: '人' };

interface TargetValues {
  regionCode: string;
  metric: TargetBody['metric'];
  fromYear: number;
  toYear: number;
  targetValue: number;
  comparison: NonNullable<TargetBody['comparison']>;
  citationDoc: string;
  citationArticle: string;
}

const FIELDS = [
  ['regionCode'],
  ['metric'],
  ['fromYear'],
  ['toYear'],
  ['targetValue'],
  ['comparison'],
  ['citationDoc'],
  ['citationArticle'],
] as const;

const yearSpan = (target: { fromYear: number; toYear: number }) =>
  target.fromYear === target.toYear ? `${target.fromYear} 年` : `${target.fromYear}—${target.toYear} 年`;

const percent = (share: number) => Math.round(share * 1000) / 10;

/**
 * Modal: sets a region's target (目标任务) through `PUT /api/reports/targets`, after a
 * confirmation that repeats it in words. The same region, measure and years update the target
 * (the audit entry keeps the previous value); the server checks the region is in the caller's scope.
 */
function TargetModal({
  initial,
  onClose,
  onSaved,
}: {
  initial: TargetValues;
  onClose(): void;
  onSaved(): void;
}) {
  const { message, modal } = App.useApp();
  const { language } = useLanguage();
  const names = useRegionNames();
  const [form] = Form.useForm<TargetValues>();
  const send = async (values: TargetValues) => {
    try {
      await call(
        client.PUT('/api/reports/targets', {
          body: {
            regionCode: values.regionCode,
            metric: values.metric,
            fromYear: values.fromYear,
            toYear: values.toYear,
            targetValue: values.targetValue,
            comparison: values.comparison,
            citation: { doc: values.citationDoc.trim(), article: values.citationArticle.trim() },
          },
        }),
      );
      message.success('目标任务已保存');
      onSaved();
    } catch (error) {
      const fields = FIELDS.map((field) => [...field]);
      if (showFieldErrors(form, error, fields)) message.error(errorText(error));
    }
  };
  const submit = async () => {
    const values = await form.validateFields();
    const region = names.get(values.regionCode) ?? values.regionCode;
    modal.confirm({
      title: '确认保存目标任务？',
      content: (
        <Space direction="vertical" data-testid="target-confirmation">
          <span>
            {region} {yearSpan(values)}「{label(TARGET_METRICS, values.metric, language)}」目标：
            {values.targetValue.toLocaleString('zh-CN')} {METRIC_UNITS[values.metric] ?? ''}
            {label(TARGET_COMPARISONS, values.comparison, language)}
          </span>
          <span>
            依据：{values.citationDoc.trim()} {values.citationArticle.trim()}
          </span>
          <Typography.Text type="secondary">
            同一地区、指标和年度已有目标的，将改为新目标；修改前后的数值记入审计日志。
          </Typography.Text>
        </Space>
      ),
      okText: '确认保存',
      cancelText: '取消',
      onOk: () => send(values),
    });
  };
  return (
    <Modal
      open
      title="设置目标任务"
      okText="保存"
      cancelText="取消"
      onCancel={onClose}
      onOk={() => void submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" name="report-target" preserve={false} initialValues={initial}>
        <Form.Item name="regionCode" label="地区" rules={[{ required: true, message: '请选择地区' }]}>
          <RegionPicker />
        </Form.Item>
        <Form.Item name="metric" label="指标" rules={[{ required: true, message: '请选择指标' }]}>
          <Select aria-label="指标" options={options(TARGET_METRICS, language)} />
        </Form.Item>
        <Space wrap>
          <Form.Item
            name="fromYear"
            label="起始年度"
            rules={[
              { required: true, type: 'integer', min: 2019, max: 2100, message: '请填写 2019—2100 的年度' },
            ]}
          >
            <InputNumber min={2019} max={2100} precision={0} addonAfter="年" />
          </Form.Item>
          <Form.Item
            name="toYear"
            label="截止年度"
            dependencies={['fromYear']}
            rules={[
              { required: true, type: 'integer', min: 2019, max: 2100, message: '请填写 2019—2100 的年度' },
              ({ getFieldValue }) => ({
                validator: (_, value: number | undefined) =>
                  value === undefined || value >= getFieldValue('fromYear')
                    ? Promise.resolve()
                    : Promise.reject(new Error('截止年度不得早于起始年度')),
              }),
            ]}
          >
            <InputNumber min={2019} max={2100} precision={0} addonAfter="年" />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          <Form.Item
            name="targetValue"
            label="目标值"
            rules={[
              {
                required: true,
                type: 'integer',
                min: 1,
                max: 1_000_000_000,
                message: '目标值应为 1 至 1,000,000,000 的整数',
              },
            ]}
          >
            <InputNumber
              aria-label="目标值"
              min={1}
              max={1_000_000_000}
              precision={0}
              style={{ width: 200 }}
            />
          </Form.Item>
          <Form.Item
            name="comparison"
            label="比较方式"
            rules={[{ required: true, message: '请选择比较方式' }]}
          >
            <Radio.Group options={options(TARGET_COMPARISONS, language)} optionType="button" />
          </Form.Item>
        </Space>
        <Form.Item
          name="citationDoc"
          label="依据文件"
          rules={[
            { required: true, whitespace: true, message: '请填写下达目标的文件' },
            { max: 200, message: '不超过 200 字' },
          ]}
        >
          <Input placeholder="如：衡阳市职业技能提升行动实施方案" maxLength={200} />
        </Form.Item>
        <Form.Item
          name="citationArticle"
          label="条款"
          rules={[
            { required: true, whitespace: true, message: '请填写条款' },
            { max: 200, message: '不超过 200 字' },
          ]}
        >
          <Input placeholder="如：二（一）" maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 目标任务: the targets of the officer's region (and the regions below it) covering the report's
 * year, each with its progress (完成, 完成率 beside 时间进度); an officer who finalises reports sets
 * or changes one. Saving reloads the report, whose 目标任务完成情况 reads the same targets.
 */
export function TargetsCard({ year, onSaved }: { year: number; onSaved(): void }) {
  const { user, can } = useAuth();
  const { language } = useLanguage();
  const [editing, setEditing] = useState<TargetValues | null>(null);
  const loaded = useLoad(
    () => call(client.GET('/api/reports/targets', { params: { query: { year } } })),
    [year],
  );
  const canSet = can('report.finalize');
  const blank = (): TargetValues => ({
    regionCode: user?.regionCode ?? '',
    metric: 'training_person_times',
    fromYear: year,
    toYear: year,
    targetValue: undefined as unknown as number,
    comparison: 'at_least',
    citationDoc: '',
    citationArticle: '',
  });
  const valuesOf = (target: TargetProgress): TargetValues => ({
    regionCode: target.regionCode,
    metric: target.metric as TargetValues['metric'],
    fromYear: target.fromYear,
    toYear: target.toYear,
    targetValue: target.targetValue,
    comparison: target.comparison as TargetValues['comparison'],
    citationDoc: target.citation.doc ?? '',
    citationArticle: target.citation.article ?? '',
  });
  return (
    <Card
      title={`目标任务（${year} 年）`}
      size="small"
      extra={
        canSet && (
          <Button type="primary" onClick={() => setEditing(blank())}>
            设置目标任务
          </Button>
        )
      }
    >
      <LoadState loaded={loaded}>
        {(data) =>
          data.items.length === 0 ? (
            <NoData description={`${year} 年尚未设置目标任务`} />
          ) : (
            <Table<TargetProgress>
              rowKey="id"
              size="small"
              pagination={false}
              scroll={{ x: true }}
              dataSource={data.items}
              data-testid="report-targets"
              columns={[
                {
                  title: '地区',
                  dataIndex: 'regionCode',
                  render: (code: string) => <RegionName code={code} />,
                },
                {
                  title: '指标',
                  dataIndex: 'metric',
                  render: (metric: string) => label(TARGET_METRICS, metric, language),
                },
                { title: '年度', key: 'years', render: (_, target) => yearSpan(target) },
                {
                  title: '目标',
                  dataIndex: 'targetValue',
                  align: 'right',
                  render: (value: number, target) =>
                    `${value.toLocaleString('zh-CN')} ${METRIC_UNITS[target.metric] ?? ''}${label(TARGET_COMPARISONS, target.comparison, language)}`,
                },
                {
                  title: '完成',
                  dataIndex: 'achieved',
                  align: 'right',
                  render: (value: number) => value.toLocaleString('zh-CN'),
                },
                {
                  title: '完成率',
                  dataIndex: 'completionRate',
                  sorter: (a, b) => a.completionRate - b.completionRate,
                  render: (rate: number) => (
                    <Progress
                      percent={Math.min(100, percent(rate))}
                      format={() => `${percent(rate)}%`}
                      size="small"
                      style={{ minWidth: 120 }}
                    />
                  ),
                },
                {
                  title: '时间进度',
                  dataIndex: 'elapsedShare',
                  render: (share: number) => `${percent(share)}%`,
                },
                { title: '截至（业务日期）', dataIndex: 'asOf' },
                {
                  title: '依据',
                  dataIndex: 'citation',
                  render: (citation: TargetProgress['citation']) => <CitationTag citation={citation} />,
                },
                ...(canSet
                  ? [
                      {
                        title: '操作',
                        key: 'actions',
                        render: (_: unknown, target: TargetProgress) => (
                          <Button size="small" onClick={() => setEditing(valuesOf(target))}>
                            修改
                          </Button>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          )
        }
      </LoadState>
      {editing && (
        <TargetModal
          initial={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            loaded.reload();
            onSaved();
          }}
        />
      )}
    </Card>
  );
}
