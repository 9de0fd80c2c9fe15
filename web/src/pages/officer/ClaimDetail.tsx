import { App, Button, Card, Descriptions, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { call, client, saveFile } from '../../api/client.ts';
import type { Answer, ClaimDetail, ClaimLine } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { ClaimInspections } from '../../components/ClaimInspections.tsx';
import { ClaimMaterials } from '../../components/ClaimMaterials.tsx';
import { ClaimObjections } from '../../components/ClaimObjections.tsx';
import { CitationTag, LoadState, Money, StatusTag } from '../../components/common.tsx';
import { PolicyPackName } from '../../components/PolicyPackName.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { dateTime } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { visibleMenu } from '../../menu.tsx';
import {
  ALERT_STATUSES,
  CLAIM_MODES,
  CLAIM_STATUSES,
  DENIAL_CODES,
  label,
  PAYEES,
  ROLES,
  SUBSIDY_KINDS,
} from '../../vocabulary.ts';

type Action = 'review' | 'start-notice' | 'approve' | 'return' | 'reject' | 'submit';

const ACTION_LABELS: Record<Action, string> = {
  submit: '提交申请',
  review: '审核通过',
  'start-notice': '开始公示',
  approve: '审批通过',
  return: '退回修改',
  reject: '不予补贴',
};

const ACTION_PATHS = {
  review: '/api/claims/{id}/review',
  'start-notice': '/api/claims/{id}/start-notice',
  approve: '/api/claims/{id}/approve',
  return: '/api/claims/{id}/return',
  reject: '/api/claims/{id}/reject',
} as const;

/** Which actions the claim's state and the user's permissions allow; the server decides again. */
function actionsFor(
  claim: ClaimDetail,
  can: (permission: string) => boolean,
  userId: number | undefined,
): Action[] {
  const actions: Action[] = [];
  if (can('claim.create') && (claim.status === 'draft' || claim.status === 'returned'))
    actions.push('submit');
  if (can('claim.review')) {
    if (claim.status === 'submitted') actions.push('review');
    if (claim.status === 'reviewed') actions.push('start-notice');
    if (['submitted', 'reviewed', 'in_notice'].includes(claim.status)) actions.push('return', 'reject');
  }
  // The officer who reviewed a claim may not approve it (审核、审批分离).
  if (can('claim.approve') && claim.status === 'in_notice' && claim.reviewedByUserId !== userId)
    actions.push('approve');
  return actions;
}

type ClaimAlert = Answer<'/api/supervision/claims/{id}/alerts', 'get'>['items'][number];

/** The risk alerts of a claim (its own, its class's), visible from submission, not only when approval fails. */
function ClaimAlerts({ claimId }: { claimId: number }) {
  const { language } = useLanguage();
  const loaded = useLoad(
    () => call(client.GET('/api/supervision/claims/{id}/alerts', { params: { path: { id: claimId } } })),
    [claimId],
  );
  return (
    <Card title="风险预警">
      <LoadState loaded={loaded}>
        {(data) =>
          data.items.length === 0 ? (
            <Typography.Text type="secondary">本申请及其培训班没有风险预警。</Typography.Text>
          ) : (
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={data.items}
              columns={[
                { title: '预警规则', dataIndex: 'ruleLabel' },
                {
                  title: '风险分',
                  dataIndex: 'score',
                  align: 'right',
                  sorter: (a: ClaimAlert, b: ClaimAlert) => a.score - b.score,
                },
                {
                  title: '阻断审批',
                  dataIndex: 'isBlocking',
                  render: (isBlocking: boolean) => (isBlocking ? <Tag color="red">是</Tag> : '否'),
                },
                {
                  title: '状态',
                  dataIndex: 'status',
                  render: (status: string) => (
                    <StatusTag status={status} text={label(ALERT_STATUSES, status, language)} />
                  ),
                },
                { title: '最近发现记录时间（系统时钟）', dataIndex: 'lastDetectedAt', render: dateTime },
                {
                  title: '核查',
                  render: (_, row) => (
                    <Link to={row.caseId ? `/app/cases?case=${row.caseId}` : '/app/alerts'}>
                      {row.caseId ? `案件 ${row.caseId}` : '去处理'}
                    </Link>
                  ),
                },
              ]}
            />
          )
        }
      </LoadState>
    </Card>
  );
}

/** One line's explanation: the engine's computed items with 依据 and 政策条款, and any denials. */
export function LineExplanation({ line }: { line: ClaimLine }) {
  const { language } = useLanguage();
  const decision = line.decision;
  return (
    <Space direction="vertical" className="full-width" data-testid="line-explanation">
      {decision.lines.map((item) => (
        <Space key={`${item.item}-${item.basis}-${item.amountFen}`} wrap>
          <Tag>{label(SUBSIDY_KINDS, item.item, language)}</Tag>
          <Money fen={item.amountFen} />
          <Typography.Text>依据：{item.basis}</Typography.Text>
          <CitationTag citation={item.citation} />
        </Space>
      ))}
      {decision.denials.map((denial) => (
        <Space key={`${denial.code}-${denial.message}`} wrap>
          <Tag color="red">{label(DENIAL_CODES, denial.code, language)}</Tag>
          <Typography.Text>{denial.message}</Typography.Text>
          <CitationTag citation={denial.citation} />
        </Space>
      ))}
      {decision.warnings.map((warning) => (
        <Typography.Text key={warning} type="warning">
          {warning}
        </Typography.Text>
      ))}
      <Typography.Text type="secondary">
        适用政策：
        <PolicyPackName id={decision.policy} />
      </Typography.Text>
    </Space>
  );
}

export function ClaimDetailPage() {
  const { id } = useParams();
  const { language } = useLanguage();
  const { can, user } = useAuth();
  const { message } = App.useApp();
  const claimId = Number(id);
  const loaded = useLoad(
    () => call(client.GET('/api/claims/{id}', { params: { path: { id: claimId } } })),
    [claimId],
  );
  const [pending, setPending] = useState<Action | null>(null);
  const [form] = Form.useForm<{ reason?: string }>();
  const [isBusy, setBusy] = useState(false);

  const act = async (action: Action, reason?: string) => {
    setBusy(true);
    try {
      const path = { params: { path: { id: claimId } } };
      if (action === 'submit') await call(client.POST('/api/claims/{id}/submit', path));
      else await call(client.POST(ACTION_PATHS[action], { ...path, body: reason ? { reason } : {} }));
      message.success(`${ACTION_LABELS[action]}：已完成`);
      setPending(null);
      loaded.reload();
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  const needsReason = pending === 'return' || pending === 'reject';
  const canOpenPersons = user !== null && visibleMenu(user).some((entry) => entry.path === '/app/persons');

  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        补贴申请详情
      </Typography.Title>
      <LoadState loaded={loaded}>
        {(claim) => (
          <Space direction="vertical" className="full-width" size="middle">
            <Card>
              <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
                <Descriptions.Item label="申请编号">{claim.claimNumber}</Descriptions.Item>
                <Descriptions.Item label="状态">
                  <span data-testid="claim-status">
                    <StatusTag status={claim.status} text={label(CLAIM_STATUSES, claim.status, language)} />
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label="补贴类型">
                  {label(SUBSIDY_KINDS, claim.subsidyKind, language)}
                </Descriptions.Item>
                {claim.mode !== 'full' && (
                  <Descriptions.Item label="申请方式">
                    <span data-testid="claim-mode">{label(CLAIM_MODES, claim.mode, language)}</span>
                  </Descriptions.Item>
                )}
                <Descriptions.Item label="地区">
                  <RegionName code={claim.regionCode} />
                </Descriptions.Item>
                <Descriptions.Item label="申请日期">{claim.applicationDate}</Descriptions.Item>
                <Descriptions.Item label="核定金额">
                  <Typography.Text strong data-testid="claim-total">
                    <Money fen={claim.totalAmountFen} />
                  </Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label="符合条件人数">
                  {claim.eligibleLineCount} / {claim.lineCount}
                </Descriptions.Item>
                <Descriptions.Item label="公示期">
                  {claim.noticeStartsOn ? `${claim.noticeStartsOn} 至 ${claim.noticeEndsOn}` : '—'}
                </Descriptions.Item>
                {claim.paymentBatchId !== null && can('ledger.read') && (
                  <Descriptions.Item label="支付批次">
                    <Link to={`/app/payments?tab=batches&batch=${claim.paymentBatchId}`}>
                      支付批次 {claim.paymentBatchId}
                    </Link>
                  </Descriptions.Item>
                )}
                {claim.classId && (
                  <Descriptions.Item label="培训班">
                    {/* The class with its roster, attendance and results (read-only for officers). */}
                    <Link
                      to={
                        can('class.file')
                          ? `/app/my/classes/${claim.classId}`
                          : `/app/classes/${claim.classId}`
                      }
                    >
                      {claim.className ?? '查看培训班'}
                    </Link>
                  </Descriptions.Item>
                )}
                <Descriptions.Item label="最近意见">{claim.lastReason ?? '—'}</Descriptions.Item>
              </Descriptions>
              <Space wrap className="block-gap-top">
                {actionsFor(claim, can, user?.userId).map((action) => (
                  <Button
                    key={action}
                    type={
                      action === 'approve' || action === 'review' || action === 'submit'
                        ? 'primary'
                        : 'default'
                    }
                    danger={action === 'reject' || action === 'return'}
                    onClick={() => setPending(action)}
                  >
                    {ACTION_LABELS[action]}
                  </Button>
                ))}
                {can('claim.approve') &&
                  claim.status === 'in_notice' &&
                  claim.reviewedByUserId === user?.userId && (
                    <Typography.Text type="secondary" data-testid="reviewer-cannot-approve">
                      您审核了本申请，须由其他经办人员审批（审核、审批分离）。
                    </Typography.Text>
                  )}
                {claim.status === 'in_notice' && claim.noticeEndsOn && (
                  <Typography.Text type="secondary" data-testid="notice-running">
                    公示期至 {claim.noticeEndsOn}，期满且异议处理完毕后方可审批。
                  </Typography.Text>
                )}
                <Button
                  onClick={() =>
                    void saveFile(
                      client.GET('/api/claims/{id}/notice.xlsx', {
                        params: { path: { id: claim.id } },
                        parseAs: 'blob',
                      }),
                      `notice-${claim.claimNumber}.xlsx`,
                    ).catch((error: unknown) => message.error(errorText(error)))
                  }
                >
                  导出公示名单
                </Button>
              </Space>
            </Card>
            {can('supervision.read') && <ClaimAlerts claimId={claim.id} />}
            {claim.noticeStartsOn && <ClaimObjections claim={claim} onChanged={loaded.reload} />}
            <ClaimInspections claimId={claim.id} />
            <ClaimMaterials
              claimId={claim.id}
              canUpload={can('claim.create') && (claim.status === 'draft' || claim.status === 'returned')}
            />
            <Card title="逐人核定明细（含计算依据与政策条款）">
              <Table
                rowKey="id"
                size="small"
                scroll={{ x: true }}
                dataSource={claim.lines}
                expandable={{
                  expandedRowRender: (line) => <LineExplanation line={line} />,
                  defaultExpandAllRows: claim.lines.length <= 10,
                }}
                columns={[
                  { title: '序号', dataIndex: 'lineNumber' },
                  {
                    title: '对象',
                    dataIndex: 'subject',
                    // The trainee's record (person, claim lines, archive), for the roles with that page.
                    render: (subject: string, line: ClaimLine) =>
                      line.personId !== null && canOpenPersons ? (
                        <Link to={`/app/persons/${line.personId}`} data-testid="line-person">
                          {subject}
                        </Link>
                      ) : (
                        subject
                      ),
                  },
                  {
                    title: '结论',
                    dataIndex: 'isEligible',
                    render: (isEligible: boolean, line) =>
                      line.status === 'excluded' ? (
                        <Tag>已排除：{line.excludedReason}</Tag>
                      ) : isEligible ? (
                        <Tag color="green">符合</Tag>
                      ) : (
                        <Tag color="red">不符合</Tag>
                      ),
                  },
                  {
                    title: '金额',
                    dataIndex: 'amountFen',
                    align: 'right',
                    render: (fen: number) => <Money fen={fen} />,
                  },
                  {
                    title: '补贴对象',
                    dataIndex: 'payee',
                    render: (payee: string) => label(PAYEES, payee, language),
                  },
                ]}
              />
            </Card>
            <Card title="办理记录">
              <Table
                rowKey={(_, index) => String(index)}
                size="small"
                scroll={{ x: true }}
                pagination={false}
                data-testid="claim-history"
                dataSource={claim.transitions}
                columns={[
                  {
                    title: '业务日期',
                    dataIndex: 'businessDate',
                    render: (value: string | null) => value ?? '—',
                  },
                  { title: '记录时间（系统时钟）', dataIndex: 'occurredAt', render: dateTime },
                  {
                    title: '经办',
                    dataIndex: 'actorRole',
                    render: (role: string | null) => (role ? label(ROLES, role, language) : '系统'),
                  },
                  {
                    title: '状态变化',
                    key: 'change',
                    render: (_, transition) =>
                      `${label(CLAIM_STATUSES, transition.fromStatus, language)} → ${label(CLAIM_STATUSES, transition.toStatus, language)}`,
                  },
                  {
                    title: '说明',
                    dataIndex: 'reason',
                    render: (reason: string | null) => reason ?? '—',
                  },
                ]}
              />
            </Card>
          </Space>
        )}
      </LoadState>
      <Modal
        open={pending !== null}
        title={pending ? ACTION_LABELS[pending] : ''}
        okText="确定"
        confirmLoading={isBusy}
        okButtonProps={{ danger: needsReason }}
        onCancel={() => setPending(null)}
        onOk={() => form.validateFields().then((values) => pending && act(pending, values.reason))}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            name="reason"
            label={needsReason ? '原因（必填）' : '意见（可选）'}
            rules={needsReason ? [{ required: true, whitespace: true, message: '请填写原因' }] : []}
          >
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
