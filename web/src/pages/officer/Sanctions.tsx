import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Radio,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import type { Answer, QueryOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { FilterSelect, LoadState, NoData, pagination, StatusTag } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { OrganisationName } from '../../components/OrganisationName.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { RegionPicker } from '../../components/RegionPicker.tsx';
import { businessNow, dateTime, today } from '../../format.ts';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { APPEAL_STATUSES, label, ORGANISATION_KINDS, options, SANCTION_ACTIONS } from '../../vocabulary.ts';

/**
 * 处罚与申诉: the sanctions (暂停, 列入黑名单) of institutions and review agencies in the officer's
 * region, filtered by measure, appeal status, region and organisation; an officer with
 * `supervision.sanction` records an organisation's written appeal and decides it (维持 or 撤销,
 * which reinstates the organisation), each after a confirmation. Others read.
 */
type Sanction = Answer<'/api/supervision/sanctions', 'get'>['items'][number];
type SanctionQuery = QueryOf<'/api/supervision/sanctions', 'get'>;

const APPEAL_COLOURS: Record<string, string> = {
  none: 'default',
  filed: 'gold',
  upheld: 'red',
  overturned: 'green',
};

function AppealTag({ status }: { status: string }) {
  const { language } = useLanguage();
  return <Tag color={APPEAL_COLOURS[status] ?? 'default'}>{label(APPEAL_STATUSES, status, language)}</Tag>;
}

interface AppealValues {
  filedOn: Dayjs;
  grounds: string;
}

/** Modal: records the organisation's written appeal (登记申诉), after a confirmation. */
function FileAppealModal({
  sanction,
  onClose,
  onFiled,
}: {
  sanction: Sanction;
  onClose(): void;
  onFiled(updated: Sanction): void;
}) {
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<AppealValues>();
  const send = async (values: AppealValues) => {
    try {
      const updated = await call(
        client.POST('/api/supervision/sanctions/{id}/appeal', {
          params: { path: { id: sanction.id } },
          body: { filedOn: values.filedOn.format('YYYY-MM-DD'), grounds: values.grounds.trim() },
        }),
      );
      message.success(`已登记 ${sanction.organisationName} 的申诉，待复核`);
      onFiled(updated);
    } catch (error) {
      showFieldErrors(form, error, [['filedOn'], ['grounds']]);
      message.error(errorText(error));
    }
  };
  const submit = async () => {
    const values = await form.validateFields();
    modal.confirm({
      title: '确认登记申诉？',
      content: `${sanction.organisationName} 对第 ${sanction.id} 号处罚的申诉将记入审计日志，每项处罚只能登记一次申诉。`,
      okText: '确认登记',
      cancelText: '取消',
      onOk: () => send(values),
    });
  };
  return (
    <Modal
      open
      title={`登记申诉：${sanction.organisationName}`}
      okText="登记申诉"
      onCancel={onClose}
      onOk={() => void submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        name="file-appeal"
        preserve={false}
        initialValues={{ filedOn: dayjs(businessNow()) }}
      >
        <Form.Item
          name="filedOn"
          label="申诉日期（业务日期）"
          rules={[{ required: true, message: '请选择申诉日期' }]}
        >
          <DatePicker className="full-width" disabledDate={(day) => day.format('YYYY-MM-DD') > today()} />
        </Form.Item>
        <Form.Item
          name="grounds"
          label="申诉理由"
          rules={[
            { required: true, whitespace: true, message: '请填写申诉理由' },
            { max: 1000, message: '申诉理由不超过 1000 字' },
          ]}
        >
          <Input.TextArea rows={4} maxLength={1000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface DecisionValues {
  outcome: 'upheld' | 'overturned';
  decision: string;
  effectiveDate: Dayjs;
}

/** The appeal's decision (申诉复核): uphold or overturn, confirmed before it is sent. */
function AppealDecisionForm({
  sanction,
  onDecided,
}: {
  sanction: Sanction;
  onDecided(updated: Sanction): void;
}) {
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<DecisionValues>();
  const outcome = Form.useWatch('outcome', form);
  const send = async (values: DecisionValues) => {
    try {
      const updated = await call(
        client.POST('/api/supervision/sanctions/{id}/appeal-decision', {
          params: { path: { id: sanction.id } },
          body: {
            isOverturned: values.outcome === 'overturned',
            decision: values.decision.trim(),
            effectiveDate: values.effectiveDate.format('YYYY-MM-DD'),
          },
        }),
      );
      message.success(
        updated.appealStatus === 'overturned'
          ? `已撤销处罚，${sanction.organisationName} 恢复正常`
          : `已维持对 ${sanction.organisationName} 的处罚`,
      );
      onDecided(updated);
    } catch (error) {
      showFieldErrors(form, error, [['decision'], ['effectiveDate']]);
      message.error(errorText(error));
    }
  };
  const submit = async () => {
    const values = await form.validateFields();
    const isOverturned = values.outcome === 'overturned';
    modal.confirm({
      title: isOverturned ? '确认撤销处罚？' : '确认维持处罚？',
      content: isOverturned
        ? `申诉成立：撤销第 ${sanction.id} 号处罚，${sanction.organisationName} 自 ${values.effectiveDate.format('YYYY-MM-DD')} 起恢复正常。复核结论不可更改。`
        : `申诉不成立：维持第 ${sanction.id} 号处罚（${label(SANCTION_ACTIONS, sanction.action)}）。复核结论不可更改。`,
      okText: isOverturned ? '确认撤销' : '确认维持',
      okButtonProps: { danger: isOverturned },
      cancelText: '取消',
      onOk: () => send(values),
    });
  };
  return (
    <Card size="small" title="申诉复核" data-testid="appeal-decision">
      <Form
        form={form}
        layout="vertical"
        name="appeal-decision"
        initialValues={{ outcome: 'upheld', effectiveDate: dayjs(businessNow()) }}
      >
        <Form.Item name="outcome" label="复核结论" rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 'upheld', label: '维持处罚（申诉不成立）' },
              { value: 'overturned', label: '撤销处罚（申诉成立）' },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="decision"
          label="复核意见"
          rules={[
            { required: true, whitespace: true, message: '请填写复核意见' },
            { max: 1000, message: '复核意见不超过 1000 字' },
          ]}
        >
          <Input.TextArea rows={3} maxLength={1000} showCount />
        </Form.Item>
        <Form.Item
          name="effectiveDate"
          label="生效日期（业务日期）"
          extra={outcome === 'overturned' ? '单位自该日起恢复正常' : undefined}
          rules={[{ required: true, message: '请选择生效日期' }]}
        >
          <DatePicker className="full-width" />
        </Form.Item>
        <Button type="primary" onClick={() => void submit()}>
          提交复核结论
        </Button>
      </Form>
    </Card>
  );
}

/** Drawer: one sanction, its appeal and, while the appeal waits, its decision. */
function SanctionDrawer({ id, onClose, onChanged }: { id: number; onClose(): void; onChanged(): void }) {
  const { language } = useLanguage();
  const { can } = useAuth();
  const loaded = useLoad(
    () => call(client.GET('/api/supervision/sanctions/{id}', { params: { path: { id } } })),
    [id],
  );
  return (
    <Drawer open size="large" title={`处罚详情 第 ${id} 号`} onClose={onClose} destroyOnHidden>
      <LoadState loaded={loaded}>
        {(sanction) => (
          <Space direction="vertical" className="full-width" data-testid="sanction-detail">
            <Typography.Title level={4}>{sanction.organisationName}</Typography.Title>
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label="单位类型">
                {label(ORGANISATION_KINDS, sanction.organisationKind, language)}
              </Descriptions.Item>
              <Descriptions.Item label="地区">
                <RegionName code={sanction.regionCode} withCode />
              </Descriptions.Item>
              <Descriptions.Item label="处罚措施">
                <StatusTag
                  status={sanction.action}
                  text={label(SANCTION_ACTIONS, sanction.action, language)}
                />
              </Descriptions.Item>
              <Descriptions.Item label="生效日期（业务日期）">{sanction.effectiveDate}</Descriptions.Item>
              <Descriptions.Item label="处罚理由">{sanction.reason}</Descriptions.Item>
              {sanction.caseId !== null && (
                <Descriptions.Item label="核查案件">
                  <Link to={`/app/cases?case=${sanction.caseId}`} data-testid="sanction-case-link">
                    查看案件
                  </Link>
                </Descriptions.Item>
              )}
              <Descriptions.Item label="记录时间（系统时钟）">
                {dateTime(sanction.decidedAt)}
              </Descriptions.Item>
              <Descriptions.Item label="申诉状态">
                <span data-testid="appeal-status">
                  <AppealTag status={sanction.appealStatus} />
                </span>
              </Descriptions.Item>
              {sanction.appealFiledOn && (
                <Descriptions.Item label="申诉日期（业务日期）">{sanction.appealFiledOn}</Descriptions.Item>
              )}
              {sanction.appealGrounds && (
                <Descriptions.Item label="申诉理由">{sanction.appealGrounds}</Descriptions.Item>
              )}
              {sanction.appealDecision && (
                <Descriptions.Item label="复核意见">{sanction.appealDecision}</Descriptions.Item>
              )}
              {sanction.appealDecidedAt && (
                <Descriptions.Item label="复核记录时间（系统时钟）">
                  {dateTime(sanction.appealDecidedAt)}
                </Descriptions.Item>
              )}
            </Descriptions>
            {sanction.appealStatus === 'filed' && can('supervision.sanction') && (
              <AppealDecisionForm
                sanction={sanction}
                onDecided={() => {
                  loaded.reload();
                  onChanged();
                }}
              />
            )}
            {sanction.appealStatus === 'filed' && !can('supervision.sanction') && (
              <Alert type="info" showIcon title="申诉待具有处罚权限的经办人员复核。" />
            )}
          </Space>
        )}
      </LoadState>
    </Drawer>
  );
}

/** 处罚与申诉: sanctions in the officer's region, with their appeals. */
export function SanctionsPage() {
  const { language } = useLanguage();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const organisationId = Number(params.get('organisationId')) || undefined;
  const [action, setAction] = useState<SanctionQuery['action']>();
  const [appealStatus, setAppealStatus] = useState<SanctionQuery['appealStatus']>();
  const [regionCode, setRegionCode] = useState<string>();
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<number | null>(null);
  const [appealing, setAppealing] = useState<Sanction | null>(null);
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/supervision/sanctions', {
          params: { query: { organisationId, action, appealStatus, regionCode, page, pageSize: 20 } },
        }),
      ),
    [organisationId, action, appealStatus, regionCode, page],
  );
  const canSanction = can('supervision.sanction');
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        处罚与申诉
      </Typography.Title>
      <Card>
        <Space wrap className="block-gap" data-testid="sanction-filters">
          <FilterSelect
            label="处罚措施"
            value={action}
            options={options(SANCTION_ACTIONS, language)}
            onChange={(value) => {
              setAction(value);
              setPage(1);
            }}
          />
          <FilterSelect
            label="申诉状态"
            value={appealStatus}
            options={options(APPEAL_STATUSES, language)}
            onChange={(value) => {
              setAppealStatus(value);
              setPage(1);
            }}
          />
          <RegionPicker
            value={regionCode}
            onChange={(code) => {
              setRegionCode(code);
              setPage(1);
            }}
            style={{ minWidth: 200 }}
          />
          <ExportButton
            fileName="处罚与申诉.xlsx"
            request={() =>
              client.GET('/api/supervision/sanctions.xlsx', {
                params: { query: { organisationId, action, appealStatus, regionCode } },
                parseAs: 'blob',
              })
            }
          />
          {organisationId !== undefined && (
            <Tag
              closable
              onClose={() => {
                setParams({});
                setPage(1);
              }}
              data-testid="organisation-filter"
            >
              单位：
              <OrganisationName id={organisationId} isLinked={false} />
            </Tag>
          )}
        </Space>
        <LoadState loaded={loaded}>
          {(data) =>
            data.items.length === 0 ? (
              <NoData description="没有符合条件的处罚记录" />
            ) : (
              <Table<Sanction>
                rowKey="id"
                size="small"
                scroll={{ x: true }}
                dataSource={data.items}
                data-testid="sanctions-table"
                pagination={{ ...pagination(data, setPage, '条'), hideOnSinglePage: false }}
                columns={[
                  {
                    title: '编号',
                    dataIndex: 'id',
                    sorter: (a, b) => a.id - b.id,
                    render: (id: number) => (
                      <Typography.Link onClick={() => setOpenId(id)}>第 {id} 号</Typography.Link>
                    ),
                  },
                  { title: '单位', dataIndex: 'organisationName' },
                  {
                    title: '单位类型',
                    dataIndex: 'organisationKind',
                    render: (kind: string) => label(ORGANISATION_KINDS, kind, language),
                  },
                  {
                    title: '地区',
                    dataIndex: 'regionCode',
                    render: (code: string) => <RegionName code={code} />,
                  },
                  {
                    title: '处罚措施',
                    dataIndex: 'action',
                    render: (value: string) => (
                      <StatusTag status={value} text={label(SANCTION_ACTIONS, value, language)} />
                    ),
                  },
                  {
                    title: '生效日期',
                    dataIndex: 'effectiveDate',
                    sorter: (a, b) => a.effectiveDate.localeCompare(b.effectiveDate),
                  },
                  { title: '处罚理由', dataIndex: 'reason', ellipsis: true },
                  {
                    title: '核查案件',
                    dataIndex: 'caseId',
                    render: (caseId: number | null) =>
                      caseId === null ? '—' : <Link to={`/app/cases?case=${caseId}`}>查看案件</Link>,
                  },
                  {
                    title: '申诉',
                    dataIndex: 'appealStatus',
                    render: (value: string, sanction) => (
                      <Space size={4}>
                        <AppealTag status={value} />
                        {sanction.appealFiledOn && (
                          <Typography.Text type="secondary">{sanction.appealFiledOn}</Typography.Text>
                        )}
                      </Space>
                    ),
                  },
                  {
                    title: '操作',
                    key: 'actions',
                    render: (_: unknown, sanction) => (
                      <Space size={4}>
                        <Button size="small" onClick={() => setOpenId(sanction.id)}>
                          {sanction.appealStatus === 'filed' && canSanction ? '复核申诉' : '查看'}
                        </Button>
                        {sanction.appealStatus === 'none' && canSanction && (
                          <Button size="small" onClick={() => setAppealing(sanction)}>
                            登记申诉
                          </Button>
                        )}
                      </Space>
                    ),
                  },
                ]}
              />
            )
          }
        </LoadState>
      </Card>
      {openId !== null && (
        <SanctionDrawer id={openId} onClose={() => setOpenId(null)} onChanged={loaded.reload} />
      )}
      {appealing && (
        <FileAppealModal
          sanction={appealing}
          onClose={() => setAppealing(null)}
          onFiled={() => {
            setAppealing(null);
            loaded.reload();
          }}
        />
      )}
    </div>
  );
}
