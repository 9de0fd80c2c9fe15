import { Card, Col, Row, Statistic, Typography } from 'antd';
import { call, client } from '../../api/client.ts';
import type { Answer, ClaimSummary } from '../../api/types.ts';
import { useAuth } from '../../auth.tsx';
import { Chart } from '../../components/Chart.tsx';
import { LoadState, NoData } from '../../components/common.tsx';
import { yuan } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { regionNames } from '../../regions.ts';
import { label, SUB_ACCOUNTS, SUBSIDY_KINDS } from '../../vocabulary.ts';

type ExecutionRow = Answer<'/api/ledger/execution-rate', 'get'>['items'][number];

async function allClaims(): Promise<ClaimSummary[]> {
  const claims: ClaimSummary[] = [];
  for (let page = 1; page <= 10; page += 1) {
    const result = await call(client.GET('/api/claims', { params: { query: { page, pageSize: 100 } } }));
    claims.push(...result.items);
    if (page * result.pageSize >= result.total) break;
  }
  return claims;
}

const COUNTED = new Set(['approved', 'payment_ordered', 'paid', 'in_notice', 'reviewed', 'submitted']);

function ChartCard({
  title,
  option,
  isEmpty,
}: {
  title: string;
  option: Record<string, unknown>;
  isEmpty: boolean;
}) {
  return <Card title={title}>{isEmpty ? <NoData /> : <Chart option={option} label={title} />}</Card>;
}

/** Money by subsidy kind and region, fund balances, and open alerts. */
export function DashboardPage() {
  const { language } = useLanguage();
  const { can } = useAuth();
  const claims = useLoad(allClaims);
  const execution = useLoad(
    async (): Promise<ExecutionRow[]> =>
      can('ledger.read') ? (await call(client.GET('/api/ledger/execution-rate'))).items : [],
  );
  const names = useLoad(regionNames);
  const alerts = useLoad(() =>
    call(client.GET('/api/supervision/alerts', { params: { query: { status: 'open', pageSize: 1 } } })),
  );

  const claimItems = claims.data ?? [];
  const byKind = new Map<string, number>();
  const byRegion = new Map<string, number>();
  for (const claim of claimItems) {
    if (!COUNTED.has(claim.status)) continue;
    byKind.set(claim.subsidyKind, (byKind.get(claim.subsidyKind) ?? 0) + claim.totalAmountFen);
    byRegion.set(claim.regionCode, (byRegion.get(claim.regionCode) ?? 0) + claim.totalAmountFen);
  }
  const executionRows = execution.data ?? [];
  const balanceBySubAccount = new Map<string, number>();
  for (const row of executionRows)
    balanceBySubAccount.set(row.subAccount, (balanceBySubAccount.get(row.subAccount) ?? 0) + row.balanceFen);
  const totalBalance = [...balanceBySubAccount.values()].reduce((sum, value) => sum + value, 0);
  const regionName = (code: string) => names.data?.get(code) ?? code;
  const money = (fen: number) => Math.round(fen) / 100;

  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        工作台
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={12} lg={6}>
          <Card>
            <Statistic
              title="补贴申请（件）"
              loading={claims.isLoading}
              value={claims.data ? claimItems.length : '—'}
            />
          </Card>
        </Col>
        <Col xs={24} sm={12} lg={6}>
          <Card>
            <Statistic
              title="待审核"
              loading={claims.isLoading}
              value={claims.data ? claimItems.filter((claim) => claim.status === 'submitted').length : '—'}
            />
          </Card>
        </Col>
        <Col xs={24} sm={12} lg={6}>
          <Card>
            <Statistic
              title="专账可用余额"
              loading={execution.isLoading}
              value={execution.data ? yuan(totalBalance) : '暂无数据'}
            />
          </Card>
        </Col>
        <Col xs={24} sm={12} lg={6}>
          <Card>
            <Statistic
              title="未处理预警"
              loading={alerts.isLoading}
              value={alerts.data ? alerts.data.total : '暂无数据'}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <LoadState loaded={claims}>
            {() => (
              <ChartCard
                title="补贴金额（按补贴类型，元）"
                isEmpty={byKind.size === 0}
                option={{
                  tooltip: { trigger: 'item' },
                  series: [
                    {
                      type: 'pie',
                      radius: ['35%', '65%'],
                      data: [...byKind].map(([kind, fen]) => ({
                        name: label(SUBSIDY_KINDS, kind, language),
                        value: money(fen),
                      })),
                    },
                  ],
                }}
              />
            )}
          </LoadState>
        </Col>
        <Col xs={24} lg={12}>
          <LoadState loaded={claims}>
            {() => (
              <ChartCard
                title="补贴金额（按地区，元）"
                isEmpty={byRegion.size === 0}
                option={{
                  tooltip: { trigger: 'axis' },
                  grid: { left: 80, right: 16, bottom: 40 },
                  xAxis: { type: 'category', data: [...byRegion.keys()].map(regionName) },
                  yAxis: { type: 'value' },
                  series: [{ type: 'bar', data: [...byRegion.values()].map(money) }],
                }}
              />
            )}
          </LoadState>
        </Col>
        <Col xs={24} lg={12}>
          <ChartCard
            title="专账余额（按子账户，元）"
            isEmpty={balanceBySubAccount.size === 0}
            option={{
              tooltip: { trigger: 'axis' },
              grid: { left: 100, right: 16 },
              xAxis: { type: 'value' },
              yAxis: {
                type: 'category',
                data: [...balanceBySubAccount.keys()].map((kind) => label(SUB_ACCOUNTS, kind, language)),
              },
              series: [{ type: 'bar', data: [...balanceBySubAccount.values()].map(money) }],
            }}
          />
        </Col>
        <Col xs={24} lg={12}>
          <ChartCard
            title="资金执行率（按地区）"
            isEmpty={executionRows.length === 0}
            option={{
              tooltip: { trigger: 'axis' },
              grid: { left: 80, right: 16, bottom: 40 },
              xAxis: {
                type: 'category',
                data: [...new Set(executionRows.map((row) => row.regionCode))].map(regionName),
              },
              yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
              series: [
                {
                  type: 'bar',
                  data: [...new Set(executionRows.map((row) => row.regionCode))].map((code) => {
                    const rows = executionRows.filter((row) => row.regionCode === code);
                    const received = rows.reduce((sum, row) => sum + row.receivedFen, 0);
                    const used = rows.reduce((sum, row) => sum + row.usedFen, 0);
                    return received === 0 ? 0 : Math.round((used / received) * 1000) / 10;
                  }),
                },
              ],
            }}
          />
        </Col>
      </Row>
    </div>
  );
}
