import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type ReactNode, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import type { Answer, ClaimDetail, QueryOf } from '../../api/types.ts';
import { ApiError, errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { AlertEvidence } from '../../components/AlertEvidence.tsx';
import { LoadState, Money, NoData, StatusTag } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { useListSort } from '../../components/listSort.ts';
import { OrganisationName } from '../../components/OrganisationName.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { businessNow, dateTime } from '../../format.ts';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import {
  ALERT_STATUSES,
  CASE_OUTCOMES,
  CASE_STATUSES,
  label,
  options,
  SANCTION_ACTIONS,
  SANCTION_TARGETS,
  SUB_ACCOUNTS,
} from '../../vocabulary.ts';

/**
 * Supervision (监管预警与立案核查): officers with `supervision.case` run the risk sweep, clear
 * alerts, open cases from alerts and record a case's conclusion; everyone with
 * `supervision.read` sees the same lists read-only. Until the API is served these pages say
 * 暂无数据（该功能的接口尚未开放）instead of an error.
 */
/** A risk alert as listed. */
type RiskAlert = Answer<'/api/supervision/alerts', 'get'>['items'][number];
type AlertSortField = NonNullable<QueryOf<'/api/supervision/alerts', 'get'>['sort']>;
type CaseSortField = NonNullable<QueryOf<'/api/supervision/cases', 'get'>['sort']>;

/** A case with its alerts, notes, attachments and the recovery orders its decision opened. */
type CaseDetail = Answer<'/api/supervision/cases/{id}', 'get'>;

type SweepResult = Answer<'/api/supervision/sweeps', 'post'>;

type RecoveryOrder = CaseDetail['recoveryOrders'][number];

/** A decided case: the lines excluded, the recovery orders opened and the sanction imposed, if any. */
type CaseOutcome = Answer<'/api/supervision/cases/{id}/decision', 'post'>;

type InstitutionRating = Answer<'/api/supervision/institutions/{id}/ratings', 'get'>['items'][number];

/** What the page shows after a decision: the API's answer and the institution's new rating. */
interface DecisionResult {
  outcome: CaseOutcome;
  rating: { current: InstitutionRating; previous: InstitutionRating | null } | null;
}

/**
 * The API's message and, when the error names fields, each field with its message
 * (e.g. 预警 12 不是待核查状态（alertIds：12 is in_case）).
 */
function errorWithFields(error: unknown): string {
  if (!(error instanceof ApiError) || error.details.length === 0) return errorText(error);
  const details = error.details
    .map((detail) => (detail.field ? `${detail.field}：${detail.message}` : detail.message))
    .filter(Boolean);
  return details.length > 0 ? `${error.message}（${details.join('；')}）` : error.message;
}

function scoreTag(score: number, isBlocking: boolean) {
  const colour = score >= 70 ? 'red' : score >= 40 ? 'orange' : 'blue';
  return (
    <Space size={4}>
      <Tag color={colour}>{score}</Tag>
      {isBlocking && <Tag color="red">阻断审批</Tag>}
    </Space>
  );
}

/** What an alert is about, each part a link to its page (the claim, the class, the person). */
function alertSubject(alert: RiskAlert) {
  const parts: ReactNode[] = [];
  if (alert.claimId)
    parts.push(
      <Link key="claim" to={`/app/claims/${alert.claimId}`}>
        申请 #{alert.claimId}
      </Link>,
    );
  else if (alert.classId)
    parts.push(
      <Link key="class" to={`/app/classes/${alert.classId}`}>
        班级 #{alert.classId}
      </Link>,
    );
  if (alert.personId)
    parts.push(
      <Link key="person" to={`/app/persons/${alert.personId}`}>
        人员 #{alert.personId}
      </Link>,
    );
  if (parts.length === 0) return alert.subjectKey;
  return (
    <Space size={4} separator="·">
      {parts}
    </Space>
  );
}

function sweepSummary(result: SweepResult): string {
  return (
    `风险筛查完成：发现预警 ${result.found} 条（新增 ${result.created} 条），` +
    `新拦截申请 ${result.claimsNewlyBlocked} 笔，解除拦截 ${result.claimsUnblocked} 笔，` +
    `用时 ${(result.durationMs / 1000).toFixed(1)} 秒`
  );
}

/** Modal: opens a case (立案核查) from the selected open alerts. */
function OpenCaseModal({
  alerts,
  onClose,
  onOpened,
}: {
  alerts: RiskAlert[];
  /** `hasFailed`: the API refused, so the list (and the selection) may be stale. */
  onClose(hasFailed: boolean): void;
  onOpened(detail: CaseDetail): void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ title: string }>();
  const [isBusy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setFailure(null);
    try {
      const detail = await call(
        client.POST('/api/supervision/cases', {
          body: { alertIds: alerts.map((alert) => alert.id), title: values.title.trim() },
        }),
      );
      message.success(`已立案：${detail.caseNumber}，可在“核查案件”中继续核查`);
      onOpened(detail);
    } catch (error) {
      showFieldErrors(form, error, [['title']]);
      setFailure(errorWithFields(error));
      message.error(errorWithFields(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={`立案核查（${alerts.length} 条预警）`}
      okText="确认立案"
      confirmLoading={isBusy}
      onCancel={() => onClose(failure !== null)}
      onOk={() => void submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" name="open-case" preserve={false}>
        <ul className="block-gap" data-testid="case-alerts">
          {alerts.map((alert) => (
            <li key={alert.id}>
              #{alert.id} {alert.ruleLabel}（{alert.score} 分）
            </li>
          ))}
        </ul>
        <Form.Item
          name="title"
          label="案件事由"
          rules={[
            { required: true, whitespace: true, message: '请填写案件事由' },
            { max: 200, message: '案件事由不超过 200 字' },
          ]}
        >
          <Input maxLength={200} showCount placeholder="如：衡阳县某培训机构学员重复参训核查" />
        </Form.Item>
        {failure && <Alert type="error" showIcon title={failure} data-testid="case-open-error" />}
      </Form>
    </Modal>
  );
}

/** Modal: clears one open alert with a reason (解除预警, audited). */
function ClearAlertModal({
  alert,
  onClose,
  onCleared,
}: {
  alert: RiskAlert;
  onClose(): void;
  onCleared(): void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [isBusy, setBusy] = useState(false);
  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      const cleared = await call(
        client.POST('/api/supervision/alerts/{id}/clear', {
          params: { path: { id: alert.id } },
          body: { reason: values.reason.trim() },
        }),
      );
      message.success(
        cleared.unblockedClaimIds.length > 0
          ? `已解除预警 #${alert.id}，解除拦截的申请：${cleared.unblockedClaimIds.map((id) => `#${id}`).join('、')}`
          : `已解除预警 #${alert.id}`,
      );
      onCleared();
    } catch (error) {
      showFieldErrors(form, error, [['reason']]);
      message.error(errorWithFields(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={`解除预警 #${alert.id}`}
      okText="确认解除"
      okButtonProps={{ danger: true }}
      confirmLoading={isBusy}
      onCancel={onClose}
      onOk={() => void submit()}
      destroyOnHidden
    >
      <Typography.Paragraph>
        {alert.ruleLabel}（{alert.score} 分）。解除后该预警不再拦截相关申请，理由将记入审计日志。
      </Typography.Paragraph>
      <Form form={form} layout="vertical" name="clear-alert" preserve={false}>
        <Form.Item
          name="reason"
          label="解除理由"
          rules={[
            { required: true, whitespace: true, message: '请填写解除理由' },
            { max: 1000, message: '解除理由不超过 1000 字' },
          ]}
        >
          <Input.TextArea rows={3} maxLength={1000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Risk alerts in the user's region, highest score first. */
export function AlertsPage() {
  const { language } = useLanguage();
  const { can } = useAuth();
  const { message } = App.useApp();
  const canAct = can('supervision.case');
  const [status, setStatus] = useState<QueryOf<'/api/supervision/alerts', 'get'>['status']>('open');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<RiskAlert[]>([]);
  const [isOpening, setOpening] = useState(false);
  const [clearing, setClearing] = useState<RiskAlert | null>(null);
  const [isSweeping, setSweeping] = useState(false);
  const [sweep, setSweep] = useState<SweepResult | null>(null);
  const sorting = useListSort<AlertSortField>(() => setPage(1));
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/supervision/alerts', {
          params: { query: { status, ...sorting.query, page, pageSize: 20 } },
        }),
      ),
    [status, JSON.stringify(sorting.query), page],
  );

  const runSweep = async () => {
    setSweeping(true);
    try {
      const result = await call(client.POST('/api/supervision/sweeps', { body: {} }));
      setSweep(result);
      message.success(sweepSummary(result));
      loaded.reload();
    } catch (error) {
      message.error(errorWithFields(error));
    } finally {
      setSweeping(false);
    }
  };

  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        监管预警
      </Typography.Title>
      <Card>
        <Space wrap className="block-gap">
          <Select
            aria-label="状态"
            placeholder="状态"
            allowClear
            value={status}
            onChange={(value) => {
              setStatus(value);
              setPage(1);
              setSelected([]);
            }}
            options={options(ALERT_STATUSES, language)}
            style={{ minWidth: 140 }}
          />
          <ExportButton
            fileName="监管预警.xlsx"
            request={() =>
              client.GET('/api/supervision/alerts.xlsx', {
                params: {
                  query: { status, ...sorting.query },
                },
                parseAs: 'blob',
              })
            }
          />
          {canAct && (
            <>
              <Button
                type="primary"
                loading={isSweeping}
                disabled={isSweeping}
                onClick={() => void runSweep()}
              >
                运行风险筛查
              </Button>
              <Button disabled={selected.length === 0} onClick={() => setOpening(true)}>
                立案核查{selected.length > 0 ? `（已选 ${selected.length} 条）` : ''}
              </Button>
            </>
          )}
        </Space>
        {sweep && (
          <Alert
            className="block-gap"
            type="success"
            showIcon
            closable
            onClose={() => setSweep(null)}
            title={sweepSummary(sweep)}
            data-testid="sweep-result"
          />
        )}
        <LoadState loaded={loaded}>
          {(data) =>
            data.items.length === 0 ? (
              <NoData />
            ) : (
              <Table
                rowKey="id"
                size="small"
                scroll={{ x: true }}
                dataSource={data.items}
                data-testid="alerts-table"
                onChange={sorting.onChange}
                pagination={{
                  current: data.page,
                  pageSize: data.pageSize,
                  total: data.total,
                  onChange: setPage,
                  hideOnSinglePage: true,
                }}
                rowSelection={
                  canAct
                    ? {
                        preserveSelectedRowKeys: true,
                        selectedRowKeys: selected.map((alert) => alert.id),
                        // Rows selected on other pages come back as keys only: keep their alerts.
                        onChange: (keys, rows) =>
                          setSelected((current) => {
                            const known = new Map(
                              [...current, ...rows.filter(Boolean)].map((a) => [a.id, a]),
                            );
                            return keys.flatMap((key) => known.get(Number(key)) ?? []);
                          }),
                        getCheckboxProps: (alert) => ({
                          disabled: alert.status !== 'open',
                          'aria-label': `选择预警 ${alert.id}`,
                        }),
                      }
                    : undefined
                }
                expandable={{
                  expandedRowRender: (alert) => <AlertEvidence evidence={alert.evidence} />,
                }}
                columns={[
                  { title: '编号', dataIndex: 'id', ...sorting.column('id') },
                  { title: '规则', dataIndex: 'ruleLabel' },
                  {
                    title: '风险分',
                    dataIndex: 'score',
                    render: (score: number, alert) => scoreTag(score, alert.isBlocking),
                    ...sorting.column('score'),
                  },
                  {
                    title: '地区',
                    dataIndex: 'regionCode',
                    render: (code: string) => <RegionName code={code} />,
                  },
                  { title: '对象', render: (_, alert) => alertSubject(alert) },
                  {
                    title: '状态',
                    dataIndex: 'status',
                    render: (value: string) => (
                      <StatusTag status={value} text={label(ALERT_STATUSES, value, language)} />
                    ),
                  },
                  {
                    title: '最近发现记录时间（系统时钟）',
                    dataIndex: 'lastDetectedAt',
                    render: (value: string) => dateTime(value),
                    ...sorting.column('lastDetectedAt'),
                  },
                  {
                    title: '案件',
                    dataIndex: 'caseId',
                    render: (caseId: number | null) =>
                      caseId ? <Link to={`/app/cases?case=${caseId}`}>案件 #{caseId}</Link> : '—',
                  },
                  ...(canAct
                    ? [
                        {
                          title: '操作',
                          key: 'actions',
                          render: (_: unknown, alert: RiskAlert) =>
                            alert.status === 'open' ? (
                              <Button size="small" danger onClick={() => setClearing(alert)}>
                                解除预警
                              </Button>
                            ) : null,
                        },
                      ]
                    : []),
                ]}
              />
            )
          }
        </LoadState>
      </Card>
      {isOpening && (
        <OpenCaseModal
          alerts={selected}
          onClose={(hasFailed) => {
            setOpening(false);
            if (hasFailed) {
              // Some alert changed meanwhile (cleared or put in a case): select again from fresh data.
              setSelected([]);
              loaded.reload();
            }
          }}
          onOpened={() => {
            setOpening(false);
            setSelected([]);
            loaded.reload();
          }}
        />
      )}
      {clearing && (
        <ClearAlertModal
          alert={clearing}
          onClose={() => setClearing(null)}
          onCleared={() => {
            setClearing(null);
            setSelected((current) => current.filter((alert) => alert.id !== clearing.id));
            loaded.reload();
          }}
        />
      )}
    </div>
  );
}

interface DecisionValues {
  outcome: 'cleared' | 'confirmed';
  reason: string;
  claimLineIds?: number[];
  valueDate?: Dayjs;
  withSanction?: boolean;
  sanction?: { target: 'institution' | 'agency'; action: 'suspended' | 'blacklisted'; effectiveDate: Dayjs };
}

/** The active lines of the claims the case's alerts name, to pick from when confirming. */
function useCaseClaimLines(detail: CaseDetail, isEnabled: boolean) {
  const claimIds = [
    ...new Set((detail.alerts ?? []).map((alert) => alert.claimId).filter((id): id is number => id !== null)),
  ];
  return useLoad(
    async () =>
      isEnabled && claimIds.length > 0
        ? Promise.all(
            claimIds.map((id) => call(client.GET('/api/claims/{id}', { params: { path: { id } } }))),
          )
        : ([] as ClaimDetail[]),
    [isEnabled, claimIds.join(',')],
  );
}

/** Modal: the case's conclusion (作出结论). Confirmed cases may exclude lines and sanction. */
function DecisionModal({
  detail,
  onClose,
  onDecided,
}: {
  detail: CaseDetail;
  onClose(): void;
  onDecided(result: DecisionResult): void;
}) {
  const { language } = useLanguage();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<DecisionValues>();
  const [isBusy, setBusy] = useState(false);
  const outcome = Form.useWatch('outcome', form);
  const withSanction = Form.useWatch('withSanction', form);
  const canSanction = can('supervision.sanction');
  const claims = useCaseClaimLines(detail, can('claim.read'));
  const lineOptions = (claims.data ?? []).flatMap((claim) =>
    claim.lines
      .filter((line) => line.status === 'active')
      .map((line) => ({
        value: line.id,
        label: `申请 #${claim.id} 第 ${line.lineNumber} 行 ${line.subject}（${(line.amountFen / 100).toFixed(2)} 元）`,
      })),
  );

  const send = async (values: DecisionValues) => {
    setBusy(true);
    try {
      const body = {
        outcome: values.outcome,
        reason: values.reason.trim(),
        ...(values.outcome === 'confirmed' && values.claimLineIds && values.claimLineIds.length > 0
          ? { claimLineIds: values.claimLineIds }
          : {}),
        ...(values.outcome === 'confirmed' && values.valueDate
          ? { valueDate: values.valueDate.format('YYYY-MM-DD') }
          : {}),
        ...(values.outcome === 'confirmed' && canSanction && values.withSanction && values.sanction
          ? {
              sanction: {
                target: values.sanction.target,
                action: values.sanction.action,
                effectiveDate: values.sanction.effectiveDate.format('YYYY-MM-DD'),
              },
            }
          : {}),
      };
      const result = await call(
        client.POST('/api/supervision/cases/{id}/decision', { params: { path: { id: detail.id } }, body }),
      );
      let rating: DecisionResult['rating'] = null;
      if (result.status === 'confirmed' && result.institutionId !== null) {
        // The decision recomputes the institution's rating; the answer does not carry it.
        const history = await call(
          client.GET('/api/supervision/institutions/{id}/ratings', {
            params: { path: { id: result.institutionId } },
          }),
        ).catch(() => null);
        const current = history?.items[0];
        if (current)
          rating = {
            current,
            previous:
              history.items.find((item) => item.year === current.year && item.id !== current.id) ?? null,
          };
      }
      message.success(`案件 ${result.caseNumber} 已${label(CASE_OUTCOMES, result.status, language)}`);
      onDecided({ outcome: result, rating });
    } catch (error) {
      showFieldErrors(form, error, [
        ['reason'],
        ['claimLineIds'],
        ['valueDate'],
        ['sanction', 'target'],
        ['sanction', 'action'],
        ['sanction', 'effectiveDate'],
      ]);
      message.error(errorWithFields(error));
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    const values = await form.validateFields();
    const what = label(CASE_OUTCOMES, values.outcome, language);
    modal.confirm({
      title: `确认${what}？`,
      content:
        values.outcome === 'confirmed'
          ? '认定违规后将剔除相关补贴明细，已支付的资金将生成追回单，结论不可撤销。'
          : '排除疑点后关联预警随之解除，结论不可撤销。',
      okText: '确定',
      cancelText: '取消',
      onOk: () => send(values),
    });
  };

  return (
    <Modal
      open
      title={`作出结论：${detail.caseNumber}`}
      okText="提交结论"
      confirmLoading={isBusy}
      onCancel={onClose}
      onOk={() => void submit()}
      destroyOnHidden
      width={640}
    >
      <Form
        form={form}
        layout="vertical"
        name="case-decision"
        preserve={false}
        initialValues={{
          outcome: 'cleared',
          valueDate: dayjs(businessNow()),
          withSanction: false,
          sanction: { target: 'institution', action: 'suspended', effectiveDate: dayjs(businessNow()) },
        }}
      >
        <Form.Item name="outcome" label="结论" rules={[{ required: true }]}>
          <Radio.Group optionType="button" buttonStyle="solid" options={options(CASE_OUTCOMES, language)} />
        </Form.Item>
        <Form.Item
          name="reason"
          label="结论理由"
          rules={[
            { required: true, whitespace: true, message: '请填写结论理由' },
            { max: 1000, message: '结论理由不超过 1000 字' },
          ]}
        >
          <Input.TextArea rows={3} maxLength={1000} showCount />
        </Form.Item>
        {outcome === 'confirmed' && (
          <>
            {lineOptions.length > 0 && (
              <Form.Item
                name="claimLineIds"
                label="剔除的补贴明细（可选）"
                extra="不选则按关联预警涉及的全部明细剔除"
              >
                <Select mode="multiple" allowClear options={lineOptions} placeholder="全部涉及的明细" />
              </Form.Item>
            )}
            <Form.Item
              name="valueDate"
              label="追回记账日期"
              extra="已支付的申请按此日期生成追回单"
              rules={[{ required: true, message: '请选择记账日期' }]}
            >
              <DatePicker className="full-width" />
            </Form.Item>
            {canSanction && (
              <Card size="small" title="处罚" data-testid="sanction-section">
                <Form.Item name="withSanction" valuePropName="checked">
                  <Checkbox>同时作出处罚（暂停或列入黑名单）</Checkbox>
                </Form.Item>
                {withSanction && (
                  <>
                    <Form.Item name={['sanction', 'target']} label="处罚对象" rules={[{ required: true }]}>
                      <Radio.Group
                        options={options(SANCTION_TARGETS, language).map((option) => ({
                          ...option,
                          disabled:
                            option.value === 'institution' ? detail.institutionId === null : !detail.agencyId,
                        }))}
                      />
                    </Form.Item>
                    <Form.Item name={['sanction', 'action']} label="处罚措施" rules={[{ required: true }]}>
                      <Radio.Group options={options(SANCTION_ACTIONS, language)} />
                    </Form.Item>
                    <Form.Item
                      name={['sanction', 'effectiveDate']}
                      label="生效日期"
                      rules={[{ required: true, message: '请选择生效日期' }]}
                    >
                      <DatePicker className="full-width" />
                    </Form.Item>
                  </>
                )}
              </Card>
            )}
          </>
        )}
      </Form>
    </Modal>
  );
}

/** What the decision did: lines excluded, recovery orders, sanction, the institution's rating. */
function DecisionOutcome({ result }: { result: DecisionResult }) {
  const { language } = useLanguage();
  const { outcome, rating } = result;
  return (
    <Card size="small" title="结论处理结果" data-testid="case-outcome">
      <Descriptions size="small" column={1}>
        <Descriptions.Item label="结论">
          <StatusTag status={outcome.status} text={label(CASE_OUTCOMES, outcome.status, language)} />
        </Descriptions.Item>
        {outcome.status === 'confirmed' && (
          <Descriptions.Item label="剔除补贴明细">{outcome.excludedLineIds.length} 条</Descriptions.Item>
        )}
        {outcome.sanction && (
          <Descriptions.Item label="处罚">
            {label(SANCTION_ACTIONS, outcome.sanction.action, language)}（
            <OrganisationName id={outcome.sanction.organisationId} />，{outcome.sanction.effectiveDate} 起）
          </Descriptions.Item>
        )}
        {rating && (
          <Descriptions.Item label="机构信用等级">
            <span data-testid="rating-change">
              {rating.current.year} 年度：
              {rating.previous ? `${rating.previous.grade} 级（${rating.previous.score} 分）→ ` : ''}
              {rating.current.grade} 级（{rating.current.score} 分）
            </span>
          </Descriptions.Item>
        )}
      </Descriptions>
      {rating && rating.current.explanation.length > 0 && (
        <ul>
          {rating.current.explanation.map((sentence) => (
            <li key={sentence}>{sentence}</li>
          ))}
        </ul>
      )}
      {outcome.status === 'confirmed' &&
        (outcome.recoveryOrders.length === 0 ? (
          <Typography.Text type="secondary">无需追回资金（涉及的申请尚未支付）。</Typography.Text>
        ) : (
          <RecoveryOrdersTable orders={outcome.recoveryOrders} />
        ))}
    </Card>
  );
}

/** A case's recovery orders: what is owed, what came back, open or settled. */
function RecoveryOrdersTable({ orders }: { orders: RecoveryOrder[] }) {
  const { language } = useLanguage();
  return (
    <Table
      rowKey="id"
      size="small"
      pagination={false}
      data-testid="recovery-orders"
      dataSource={orders}
      columns={[
        { title: '追回单', dataIndex: 'id', render: (id: number) => `#${id}` },
        {
          title: '申请',
          dataIndex: 'claimId',
          render: (id: number) => <Link to={`/app/claims/${id}`}>#{id}</Link>,
        },
        {
          title: '子账户',
          dataIndex: 'subAccount',
          render: (value: string) => label(SUB_ACCOUNTS, value, language),
        },
        { title: '应追回', dataIndex: 'amountFen', render: (fen: number) => <Money fen={fen} /> },
        { title: '已追回', dataIndex: 'recoveredFen', render: (fen: number) => <Money fen={fen} /> },
        {
          title: '状态',
          dataIndex: 'status',
          render: (value: string) => (value === 'open' ? '待追回' : '已结清'),
        },
      ]}
    />
  );
}

function CaseDrawer({ id, onClose, onChanged }: { id: number; onClose(): void; onChanged(): void }) {
  const { language } = useLanguage();
  const { can } = useAuth();
  const loaded = useLoad(
    () => call(client.GET('/api/supervision/cases/{id}', { params: { path: { id } } })),
    [id],
  );
  const [isDeciding, setDeciding] = useState(false);
  const [result, setResult] = useState<DecisionResult | null>(null);
  return (
    <Drawer open size="large" title="核查案件" onClose={onClose} destroyOnHidden>
      <LoadState loaded={loaded}>
        {(detail) => (
          <Space direction="vertical" className="full-width" data-testid="case-detail">
            <Typography.Title level={4}>
              {detail.caseNumber} {detail.title}
            </Typography.Title>
            <Space wrap>
              <span data-testid="case-status">
                <StatusTag status={detail.status} text={label(CASE_STATUSES, detail.status, language)} />
              </span>
              {detail.status === 'open' && can('supervision.case') && (
                <Button type="primary" onClick={() => setDeciding(true)}>
                  作出结论
                </Button>
              )}
            </Space>
            <Descriptions size="small" column={1}>
              <Descriptions.Item label="地区">
                <RegionName code={detail.regionCode} withCode />
              </Descriptions.Item>
              <Descriptions.Item label="立案日期（业务日期）">{detail.openedOn ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="立案记录时间（系统时钟）">
                {dateTime(detail.openedAt)}
              </Descriptions.Item>
              {detail.institutionId !== null && (
                <Descriptions.Item label="涉及机构">
                  <OrganisationName id={detail.institutionId} />
                </Descriptions.Item>
              )}
              {detail.agencyId != null && (
                <Descriptions.Item label="涉及审核机构">
                  <OrganisationName id={detail.agencyId} />
                </Descriptions.Item>
              )}
              {detail.decidedAt && (
                <>
                  <Descriptions.Item label="办结日期（业务日期）">
                    {detail.decidedOn ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label="办结记录时间（系统时钟）">
                    {dateTime(detail.decidedAt)}
                  </Descriptions.Item>
                </>
              )}
              {detail.outcomeReason && (
                <Descriptions.Item label="结论理由">{detail.outcomeReason}</Descriptions.Item>
              )}
            </Descriptions>
            {result && <DecisionOutcome result={result} />}
            {!result && (detail.recoveryOrders ?? []).length > 0 && (
              <>
                <Typography.Text strong>追回单</Typography.Text>
                <RecoveryOrdersTable orders={detail.recoveryOrders ?? []} />
              </>
            )}
            <Typography.Text strong>关联预警</Typography.Text>
            <ul>
              {(detail.alerts ?? []).map((alert) => (
                <li key={alert.id} data-testid="case-alert">
                  #{alert.id} {alert.ruleLabel}（{alert.score} 分）{' '}
                  <StatusTag status={alert.status} text={label(ALERT_STATUSES, alert.status, language)} />{' '}
                  {alertSubject(alert)}
                </li>
              ))}
            </ul>
            <Typography.Text strong>核查记录</Typography.Text>
            {(detail.notes ?? []).length === 0 ? (
              <Typography.Text type="secondary">暂无核查记录</Typography.Text>
            ) : (
              <ul>
                {(detail.notes ?? []).map((note) => (
                  <li key={note.id}>
                    <Typography.Text type="secondary">
                      记录时间（系统时钟）{dateTime(note.createdAt)}
                    </Typography.Text>
                    ：{note.content}
                  </li>
                ))}
              </ul>
            )}
            {isDeciding && (
              <DecisionModal
                detail={detail}
                onClose={() => setDeciding(false)}
                onDecided={(decided) => {
                  setDeciding(false);
                  setResult(decided);
                  loaded.reload();
                  onChanged();
                }}
              />
            )}
          </Space>
        )}
      </LoadState>
    </Drawer>
  );
}

/** Investigation cases (立案核查) in the user's region. */
export function CasesPage() {
  const { language } = useLanguage();
  const [status, setStatus] = useState<QueryOf<'/api/supervision/cases', 'get'>['status']>();
  const [page, setPage] = useState(1);
  // A link from elsewhere (a sanction's case) opens the case's drawer: /app/cases?case=12.
  const [params] = useSearchParams();
  const [openId, setOpenId] = useState<number | null>(Number(params.get('case')) || null);
  const sorting = useListSort<CaseSortField>(() => setPage(1));
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/supervision/cases', {
          params: { query: { status, ...sorting.query, page, pageSize: 20 } },
        }),
      ),
    [status, JSON.stringify(sorting.query), page],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        核查案件
      </Typography.Title>
      <Card>
        <Space wrap className="block-gap">
          <Select
            aria-label="状态"
            placeholder="状态"
            allowClear
            value={status}
            onChange={(value) => {
              setStatus(value);
              setPage(1);
            }}
            options={options(CASE_STATUSES, language)}
            style={{ minWidth: 140 }}
          />
          <ExportButton
            fileName="核查案件.xlsx"
            request={() =>
              client.GET('/api/supervision/cases.xlsx', {
                params: {
                  query: { status, ...sorting.query },
                },
                parseAs: 'blob',
              })
            }
          />
        </Space>
        <LoadState loaded={loaded}>
          {(data) =>
            data.items.length === 0 ? (
              <NoData />
            ) : (
              <Table
                rowKey="id"
                size="small"
                scroll={{ x: true }}
                dataSource={data.items}
                pagination={{
                  current: data.page,
                  pageSize: data.pageSize,
                  total: data.total,
                  onChange: setPage,
                  hideOnSinglePage: true,
                }}
                columns={[
                  {
                    title: '案件编号',
                    dataIndex: 'caseNumber',
                    render: (number: string, item) => (
                      <Typography.Link onClick={() => setOpenId(item.id)}>{number}</Typography.Link>
                    ),
                    ...sorting.column('caseNumber'),
                  },
                  { title: '事由', dataIndex: 'title' },
                  {
                    title: '地区',
                    dataIndex: 'regionCode',
                    render: (code: string) => <RegionName code={code} />,
                  },
                  {
                    title: '状态',
                    dataIndex: 'status',
                    render: (value: string) => (
                      <StatusTag status={value} text={label(CASE_STATUSES, value, language)} />
                    ),
                  },
                  {
                    title: '立案日期（业务日期）',
                    dataIndex: 'openedOn',
                    render: (value: string | null) => value ?? '—',
                    ...sorting.column('openedOn'),
                  },
                  {
                    title: '办结日期（业务日期）',
                    dataIndex: 'decidedOn',
                    render: (value: string | null) => value ?? '—',
                    ...sorting.column('decidedOn'),
                  },
                  {
                    title: '立案记录时间（系统时钟）',
                    dataIndex: 'openedAt',
                    render: (value: string) => dateTime(value),
                    ...sorting.column('openedAt'),
                  },
                ]}
              />
            )
          }
        </LoadState>
      </Card>
      {openId !== null && (
        <CaseDrawer id={openId} onClose={() => setOpenId(null)} onChanged={loaded.reload} />
      )}
    </div>
  );
}
