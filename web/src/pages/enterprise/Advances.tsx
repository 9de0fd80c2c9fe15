import { Alert, Button, Card, Descriptions, Space, Table, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { ClaimDraftModal } from '../../components/ClaimDraftModal.tsx';
import { CitationTag, LoadState, Money, NoData, pagination, StatusTag } from '../../components/common.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { date, today } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { CLAIM_STATUSES, label, SUBSIDY_KINDS } from '../../vocabulary.ts';

/**
 * 预拨与清算: what the document of the applicant's region says about advance payment (预拨), the
 * approved classes an advance may still be asked for, and each advance with the settlement (清算)
 * that closes it. Where the document provides no advance, the page says so and offers none.
 */
type Advances = Answer<'/api/claims/advances', 'get'>;
type Candidate = Advances['classes'][number];
type AdvanceItem = Advances['items'][number];
type Policy = Advances['policy'];

/** What the modal asks for: an advance on a class, or the settlement of an advance. */
type Request =
  | { kind: 'advance'; candidate: Candidate }
  | { kind: 'settlement'; item: AdvanceItem & { advance: { classId: number } } };

/** Modal: the draft of an advance or of its settlement, with the payee account. */
function ClaimRequestModal({ request, onClose }: { request: Request; onClose(): void }) {
  const isAdvance = request.kind === 'advance';
  const classId = isAdvance ? request.candidate.id : request.item.advance.classId;
  const subsidyKind = (isAdvance ? request.candidate.subsidyKind : request.item.advance.subsidyKind) as
    | 'training'
    | 'on_the_job_training';
  return (
    <ClaimDraftModal
      isOpen
      onClose={onClose}
      title={
        isAdvance ? `申请预拨：${request.candidate.name}` : `申请清算：${request.item.advance.claimNumber}`
      }
      hint={
        isAdvance
          ? '培训进行中按目录标准的预拨比例逐人计算；培训结束后再提出清算。'
          : '按培训结束后的考勤与结果逐人核定全额，扣除已预拨金额后支付差额；多拨部分生成追回单。'
      }
      formName="advance-claim"
      dateLabel="申请日期（业务日期）"
      successText={
        isAdvance
          ? '已生成预拨申请（草稿），请上传材料后提交'
          : '已生成清算申请（草稿），按核定金额与已预拨金额结算'
      }
      request={(applicationDate) => ({
        idempotencyKey: isAdvance
          ? `advance-${classId}-${applicationDate}`
          : `settlement-${request.item.advance.id}-${applicationDate}`,
        body: {
          ...(isAdvance ? { mode: 'advance' as const } : { advanceClaimId: request.item.advance.id }),
          claim: { source: 'class' as const, classId, subsidyKind },
        },
      })}
    />
  );
}

function PolicyCard({ policy }: { policy: Policy }) {
  const { language } = useLanguage();
  return (
    <Card size="small" title="本地区预拨政策" className="block-gap" data-testid="advance-policy">
      <Alert
        type={policy.isProvided ? 'success' : 'info'}
        showIcon
        title={policy.isProvided ? '本地区可以申请预拨' : '本地区不适用预拨'}
        description={policy.explanation}
        className="block-gap"
      />
      <Descriptions size="small" column={1}>
        <Descriptions.Item label="地区">
          <RegionName code={policy.regionCode} withCode />
        </Descriptions.Item>
        <Descriptions.Item label="适用政策文件">
          {policy.document ? `${policy.document}${policy.title ? ` ${policy.title}` : ''}` : '—'}
        </Descriptions.Item>
        {policy.isProvided && (
          <>
            <Descriptions.Item label="预拨比例上限">不高于 {policy.maxSharePercent}%</Descriptions.Item>
            <Descriptions.Item label="可预拨的补贴类别">
              {policy.allowedKinds.map((kind) => label(SUBSIDY_KINDS, kind, language)).join('、')}
            </Descriptions.Item>
            <Descriptions.Item label="依据">
              <CitationTag citation={policy.citation} />
            </Descriptions.Item>
          </>
        )}
      </Descriptions>
    </Card>
  );
}

/** Why a class cannot be advanced, or null when it can. */
function refusal(policy: Policy, candidate: Candidate): string | null {
  if (!policy.isProvided) return policy.explanation;
  if (!policy.allowedKinds.includes(candidate.subsidyKind)) return '该班级的补贴类别不在本地区可预拨的范围内';
  if (date(candidate.endsAt) < today()) return '培训已结束，请按全额申请';
  return null;
}

/** 预拨与清算 of the enterprise (and any applicant organisation). */
export function AdvancesPage() {
  const { language } = useLanguage();
  const [page, setPage] = useState(1);
  const [request, setRequest] = useState<Request | null>(null);
  const loaded = useLoad(
    () => call(client.GET('/api/claims/advances', { params: { query: { page, pageSize: 20 } } })),
    [page],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        预拨与清算
      </Typography.Title>
      <LoadState loaded={loaded}>
        {(data) => (
          <>
            <PolicyCard policy={data.policy} />
            <Card size="small" title="可申请预拨的培训班（已备案、未结业）" className="block-gap">
              {data.classes.length === 0 ? (
                <NoData description="暂无已备案、未结业的培训班" />
              ) : (
                <Table<Candidate>
                  rowKey="id"
                  size="small"
                  scroll={{ x: true }}
                  dataSource={data.classes}
                  data-testid="advance-classes"
                  pagination={{ pageSize: 10, hideOnSinglePage: true }}
                  columns={[
                    {
                      title: '培训班',
                      dataIndex: 'name',
                      render: (name: string, candidate) => (
                        <Link to={`/app/my/classes/${candidate.id}`}>{name}</Link>
                      ),
                    },
                    {
                      title: '地区',
                      dataIndex: 'regionCode',
                      render: (code: string) => <RegionName code={code} />,
                    },
                    {
                      title: '补贴类别',
                      dataIndex: 'subsidyKind',
                      render: (kind: string) => label(SUBSIDY_KINDS, kind, language),
                    },
                    {
                      title: '培训期间',
                      key: 'span',
                      sorter: (a, b) => a.startsAt.localeCompare(b.startsAt),
                      render: (_, candidate) => `${date(candidate.startsAt)} 至 ${date(candidate.endsAt)}`,
                    },
                    {
                      title: '预拨',
                      key: 'advance',
                      render: (_, candidate) => {
                        if (candidate.advanceClaimId !== null)
                          return <Link to={`/app/claims/${candidate.advanceClaimId}`}>已申请，查看</Link>;
                        const reason = refusal(data.policy, candidate);
                        const button = (
                          <Button
                            size="small"
                            disabled={reason !== null}
                            onClick={() => setRequest({ kind: 'advance', candidate })}
                          >
                            申请预拨
                          </Button>
                        );
                        return reason ? <Tooltip title={reason}>{button}</Tooltip> : button;
                      },
                    },
                  ]}
                />
              )}
            </Card>
            <Card size="small" title="预拨申请与清算">
              {data.items.length === 0 ? (
                <NoData
                  description={data.policy.isProvided ? '尚无预拨申请' : '尚无预拨申请：本地区政策未规定预拨'}
                />
              ) : (
                <Table<AdvanceItem>
                  rowKey={(item) => item.advance.id}
                  size="small"
                  scroll={{ x: true }}
                  dataSource={data.items}
                  data-testid="advance-items"
                  pagination={pagination(data, setPage, '笔')}
                  columns={[
                    {
                      title: '预拨申请',
                      key: 'advance',
                      render: (_, item) => (
                        <Link to={`/app/claims/${item.advance.id}`}>{item.advance.claimNumber}</Link>
                      ),
                    },
                    {
                      title: '培训班',
                      key: 'class',
                      render: (_, item) => item.advance.className ?? '—',
                    },
                    {
                      title: '申请日期',
                      key: 'applicationDate',
                      sorter: (a, b) => a.advance.applicationDate.localeCompare(b.advance.applicationDate),
                      render: (_, item) => item.advance.applicationDate,
                    },
                    {
                      title: '预拨金额',
                      key: 'amount',
                      render: (_, item) => <Money fen={item.advance.totalAmountFen} />,
                    },
                    {
                      title: '预拨状态',
                      key: 'status',
                      render: (_, item) => (
                        <StatusTag
                          status={item.advance.status}
                          text={label(CLAIM_STATUSES, item.advance.status, language)}
                        />
                      ),
                    },
                    {
                      title: '清算',
                      key: 'settlement',
                      render: (_, item) => {
                        const { settlement, advance } = item;
                        if (settlement)
                          return (
                            <Space size={4} wrap>
                              <Link to={`/app/claims/${settlement.id}`}>{settlement.claimNumber}</Link>
                              <StatusTag
                                status={settlement.status}
                                text={label(CLAIM_STATUSES, settlement.status, language)}
                              />
                              <span>
                                核定 <Money fen={settlement.totalAmountFen} />
                              </span>
                            </Space>
                          );
                        const isSettleable =
                          advance.classId !== null &&
                          ['approved', 'payment_ordered', 'paid'].includes(advance.status);
                        return (
                          <Space size={4}>
                            <Typography.Text type="secondary">未清算</Typography.Text>
                            {isSettleable && advance.classId !== null && (
                              <Button
                                size="small"
                                onClick={() =>
                                  setRequest({
                                    kind: 'settlement',
                                    item: { ...item, advance: { ...advance, classId: advance.classId! } },
                                  })
                                }
                              >
                                申请清算
                              </Button>
                            )}
                          </Space>
                        );
                      },
                    },
                  ]}
                />
              )}
            </Card>
          </>
        )}
      </LoadState>
      {request && (
        <ClaimRequestModal
          request={request}
          onClose={() => {
            setRequest(null);
            loaded.reload();
          }}
        />
      )}
    </div>
  );
}
