import { Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { call, client } from '../api/client.ts';
import type { ClaimSummary } from '../api/types.ts';
import { useLoad } from '../hooks.ts';
import { useLanguage } from '../i18n.tsx';
import { CLAIM_STATUSES, label, SUBSIDY_KINDS } from '../vocabulary.ts';
import { LoadState, Money, StatusTag } from './common.tsx';

/** The claims made for a class (GET /api/claims?classId=), each linking to its detail. */
export function ClassClaims({ classId }: { classId: number }) {
  const { language } = useLanguage();
  const loaded = useLoad(
    () => call(client.GET('/api/claims', { params: { query: { classId, page: 1, pageSize: 50 } } })),
    [classId],
  );
  return (
    <LoadState loaded={loaded}>
      {(data) =>
        data.items.length === 0 ? (
          <Typography.Paragraph type="secondary">本班尚无补贴申请。</Typography.Paragraph>
        ) : (
          <Table
            rowKey="id"
            size="small"
            className="block-gap"
            pagination={false}
            scroll={{ x: true }}
            data-testid="class-claims"
            dataSource={data.items}
            columns={[
              {
                title: '申请编号',
                dataIndex: 'claimNumber',
                render: (claimNumber: string, claim: ClaimSummary) => (
                  <Link to={`/app/claims/${claim.id}`}>{claimNumber}</Link>
                ),
              },
              {
                title: '补贴类型',
                dataIndex: 'subsidyKind',
                render: (kind: string) => label(SUBSIDY_KINDS, kind, language),
              },
              { title: '申请日期', dataIndex: 'applicationDate' },
              {
                title: '核定金额',
                dataIndex: 'totalAmountFen',
                align: 'right',
                render: (fen: number) => <Money fen={fen} />,
              },
              {
                title: '符合条件人数',
                key: 'lines',
                render: (_, claim: ClaimSummary) => `${claim.eligibleLineCount} / ${claim.lineCount}`,
              },
              {
                title: '状态',
                dataIndex: 'status',
                render: (status: string) => (
                  <StatusTag status={status} text={label(CLAIM_STATUSES, status, language)} />
                ),
              },
            ]}
          />
        )
      }
    </LoadState>
  );
}
