import { Alert, Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { LoadState } from '../../components/common.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { today } from '../../format.ts';
import { useLoad } from '../../hooks.ts';

type OwnAgency = Answer<'/api/supervision/my-agency', 'get'>;
type Contract = OwnAgency['contracts'][number];
type Evaluation = OwnAgency['evaluations'][number];

const AGENCY_STATUSES: Record<string, { text: string; color: string }> = {
  active: { text: '正常', color: 'green' },
  suspended: { text: '已暂停', color: 'orange' },
  blacklisted: { text: '已列入黑名单', color: 'red' },
  revoked: { text: '已撤销', color: 'red' },
};

const CONCLUSIONS: Record<string, { text: string; color: string }> = {
  excellent: { text: '优秀', color: 'green' },
  qualified: { text: '合格', color: 'blue' },
  unqualified: { text: '不合格', color: 'red' },
};

/**
 * The third-party reviewer's own page: the agency's standing, its purchase-of-services contracts
 * (which regions it may review today) and HRSS's evaluations of its work; the claims to review
 * are one click away, on the claims list the server already limits to the agency's regions.
 */
export function MyAgencyPage() {
  const loaded = useLoad(() => call(client.GET('/api/supervision/my-agency')));
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        审核合同与评估
      </Typography.Title>
      <LoadState loaded={loaded}>
        {(data) => {
          const inForce = data.contracts.filter((contract) => contract.isInForce);
          const status = AGENCY_STATUSES[data.agency.status] ?? {
            text: data.agency.status,
            color: 'default',
          };
          return (
            <Space direction="vertical" size="middle" className="full-width">
              <Card data-testid="my-agency">
                <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                  <Descriptions.Item label="审核机构">{data.agency.name}</Descriptions.Item>
                  <Descriptions.Item label="所在地区">
                    <RegionName code={data.agency.regionCode} />
                  </Descriptions.Item>
                  <Descriptions.Item label="机构状态">
                    <Tag color={status.color}>{status.text}</Tag>
                  </Descriptions.Item>
                </Descriptions>
                {inForce.length > 0 && data.agency.status === 'active' ? (
                  <Alert
                    type="success"
                    showIcon
                    title={
                      <span>
                        今日（{today()}）可审核：
                        {inForce
                          .flatMap((contract) => contract.regionCodes)
                          .map((code, index) => (
                            <span key={code}>
                              {index > 0 && '、'}
                              <RegionName code={code} />
                            </span>
                          ))}
                        的补贴申请
                      </span>
                    }
                    action={
                      <Link to="/app/claims">
                        <Button type="primary" size="small">
                          去审核补贴申请
                        </Button>
                      </Link>
                    }
                  />
                ) : (
                  <Alert
                    type="warning"
                    showIcon
                    title="今日没有有效的审核服务合同（或机构已被暂停），不能审核补贴申请"
                  />
                )}
              </Card>
              <Card title="审核服务合同" size="small">
                <Table<Contract>
                  rowKey="id"
                  size="small"
                  scroll={{ x: true }}
                  pagination={false}
                  dataSource={data.contracts}
                  locale={{ emptyText: '尚无审核服务合同' }}
                  columns={[
                    { title: '合同编号', dataIndex: 'contractNumber' },
                    {
                      title: '服务地区',
                      dataIndex: 'regionCodes',
                      render: (codes: string[]) => (
                        <Space wrap size={4}>
                          {codes.map((code) => (
                            <Tag key={code}>
                              <RegionName code={code} />
                            </Tag>
                          ))}
                        </Space>
                      ),
                    },
                    {
                      title: '服务期限',
                      sorter: (a, b) => a.startsOn.localeCompare(b.startsOn),
                      render: (_, row) => `${row.startsOn} 至 ${row.endsOn}`,
                    },
                    {
                      title: '状态',
                      render: (_, row) =>
                        row.status === 'terminated' ? (
                          <Tag>已终止（{row.terminatedOn}）</Tag>
                        ) : row.isInForce ? (
                          <Tag color="green">履行中</Tag>
                        ) : (
                          <Tag color="orange">不在服务期内</Tag>
                        ),
                    },
                  ]}
                />
              </Card>
              <Card title="工作效果评估" size="small">
                <Table<Evaluation>
                  rowKey="id"
                  size="small"
                  scroll={{ x: true }}
                  pagination={false}
                  dataSource={data.evaluations}
                  locale={{ emptyText: '人社部门尚未评估本机构的工作' }}
                  columns={[
                    { title: '评估期间', render: (_, row) => `${row.periodStart} 至 ${row.periodEnd}` },
                    { title: '审核申请（件）', dataIndex: 'reviewedClaims', align: 'right' },
                    { title: '漏审违规（件）', dataIndex: 'missedFraudClaims', align: 'right' },
                    { title: '经办评分', dataIndex: 'officerScore', align: 'right' },
                    {
                      title: '综合得分',
                      dataIndex: 'overallScore',
                      align: 'right',
                      sorter: (a, b) => a.overallScore - b.overallScore,
                      render: (score: number) => score.toFixed(1),
                    },
                    {
                      title: '结论',
                      dataIndex: 'conclusion',
                      render: (conclusion: string) => {
                        const shown = CONCLUSIONS[conclusion] ?? { text: conclusion, color: 'default' };
                        return <Tag color={shown.color}>{shown.text}</Tag>;
                      },
                    },
                    { title: '评语', dataIndex: 'comments' },
                  ]}
                />
              </Card>
            </Space>
          );
        }}
      </LoadState>
    </div>
  );
}
