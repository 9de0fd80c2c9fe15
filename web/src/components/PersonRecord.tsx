import { Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { call, client } from '../api/client.ts';
import type { Answer } from '../api/types.ts';
import { useLoad } from '../hooks.ts';
import { useLanguage } from '../i18n.tsx';
import { CLAIM_STATUSES, GROUPS, label, SUBSIDY_KINDS } from '../vocabulary.ts';
import { ArchiveView } from './ArchiveView.tsx';
import { LoadState, Money, StatusTag } from './common.tsx';

type PersonClaimLine = Answer<'/api/persons/{id}/claim-lines', 'get'>['items'][number];

/**
 * The person's lines on the claims the officer may see, newest first, each linking to its claim
 * (where the claim's lines link back here): the officer follows a person from claim to claim.
 */
export function PersonClaimLines({ personId }: { personId: number }) {
  const { language } = useLanguage();
  const loaded = useLoad(
    () => call(client.GET('/api/persons/{id}/claim-lines', { params: { path: { id: personId } } })),
    [personId],
  );
  return (
    <Card size="small" title="补贴申请明细" data-testid="person-claim-lines">
      <LoadState loaded={loaded}>
        {(data) => (
          <Table
            rowKey="lineId"
            size="small"
            scroll={{ x: true }}
            pagination={data.items.length > 10 ? { pageSize: 10 } : false}
            dataSource={data.items}
            locale={{ emptyText: '该人员没有可查看的补贴申请' }}
            columns={[
              {
                title: '申请编号',
                dataIndex: 'claimNumber',
                render: (claimNumber: string, line: PersonClaimLine) => (
                  <Link to={`/app/claims/${line.claimId}`}>{claimNumber}</Link>
                ),
              },
              { title: '申请日期', dataIndex: 'applicationDate' },
              {
                title: '补贴类型',
                dataIndex: 'subsidyKind',
                render: (kind: string) => label(SUBSIDY_KINDS, kind, language),
              },
              {
                title: '核定金额',
                dataIndex: 'amountFen',
                align: 'right',
                render: (fen: number, line: PersonClaimLine) =>
                  line.isEligible && line.lineStatus === 'active' ? <Money fen={fen} /> : '—',
              },
              {
                title: '本人结论',
                key: 'line',
                render: (_, line: PersonClaimLine) =>
                  line.lineStatus === 'excluded' ? (
                    <Tag>已排除：{line.excludedReason}</Tag>
                  ) : line.isEligible ? (
                    <Tag color="green">符合</Tag>
                  ) : (
                    <Tag color="red">不符合</Tag>
                  ),
              },
              {
                title: '申请状态',
                dataIndex: 'claimStatus',
                render: (status: string) => (
                  <StatusTag status={status} text={label(CLAIM_STATUSES, status, language)} />
                ),
              },
            ]}
          />
        )}
      </LoadState>
    </Card>
  );
}

/**
 * A person's record as an officer reads it: name, masked ID number and certified groups, the
 * claim lines naming the person (each linking to its claim), and the electronic training archive.
 */
export function PersonRecord({ personId }: { personId: number }) {
  const { language } = useLanguage();
  const person = useLoad(
    () => call(client.GET('/api/persons/{id}', { params: { path: { id: personId } } })),
    [personId],
  );
  const archive = useLoad(
    () => call(client.GET('/api/persons/{id}/archive', { params: { path: { id: personId } } })),
    [personId],
  );
  return (
    <Space direction="vertical" className="full-width" size="middle">
      <LoadState loaded={person}>
        {(data) => (
          <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} data-testid="person-record">
            <Descriptions.Item label="姓名">{data.name}</Descriptions.Item>
            <Descriptions.Item label="身份证号">
              <span className="id-number">{data.idNumber}</span>
            </Descriptions.Item>
            <Descriptions.Item label="电话">{data.phone ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="人员类别">
              {data.groups.length === 0 ? (
                <Typography.Text type="secondary">无</Typography.Text>
              ) : (
                data.groups.map((group) => (
                  <Tag key={group.groupCode}>{label(GROUPS, group.groupCode, language)}</Tag>
                ))
              )}
            </Descriptions.Item>
          </Descriptions>
        )}
      </LoadState>
      <PersonClaimLines personId={personId} />
      <Card size="small" title="电子培训档案">
        <LoadState loaded={archive}>{(data) => <ArchiveView archive={data} showsPerson={false} />}</LoadState>
      </Card>
    </Space>
  );
}
