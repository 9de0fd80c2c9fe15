import { Button, Card, DatePicker, Descriptions, Drawer, Space, Table, Tabs, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import type { LedgerAccount as Account, Answer } from '../../api/types.ts';
import { LoadState, Money, pagination } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { dateTime } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { regionNames } from '../../regions.ts';
import { label, SUB_ACCOUNTS } from '../../vocabulary.ts';
import { labelOf, TRANSFER_CODES } from '../finance/labels.ts';

type StatementEntry = Answer<'/api/ledger/accounts/{id}/statement', 'get'>['items'][number];

const ACCOUNT_LABELS = {
  ...SUB_ACCOUNTS,
  ui_fund_source: ['失业保险基金结余（计提来源）', 'UI fund source'],
  special: ['职业技能提升行动专账（未分配）', 'Special account (unallocated)'],
  payable: ['应付待支付', 'Payable'],
  bank: ['银行付出', 'Bank'],
  receivable: ['应追回款', 'Receivable'],
  recovery_reserve: ['待追回款', 'Recovery reserve'],
} as const satisfies Record<string, readonly [string, string]>;

interface TreeRow {
  key: string;
  name: string;
  balanceFen: number;
  children?: TreeRow[];
  kind?: string;
  accountId?: number;
  regionCode: string;
}

async function loadAccounts(): Promise<Account[]> {
  const accounts: Account[] = [];
  for (let page = 1; page <= 50; page += 1) {
    const result = await call(
      client.GET('/api/ledger/accounts', { params: { query: { page, pageSize: 100 } } }),
    );
    accounts.push(...result.items);
    if (page * result.pageSize >= result.total) break;
  }
  return accounts;
}

/** Builds region → sub-account rows; a region row totals the spendable fund accounts below it. */
function toTree(accounts: Account[], names: Map<string, string>, language: 'zh' | 'en'): TreeRow[] {
  const byRegion = new Map<string, Account[]>();
  for (const account of accounts)
    byRegion.set(account.regionCode, [...(byRegion.get(account.regionCode) ?? []), account]);
  const regionRows = new Map<string, TreeRow>();
  const codes = [...byRegion.keys()].sort();
  for (const code of codes) {
    const own = byRegion.get(code) ?? [];
    regionRows.set(code, {
      key: code,
      regionCode: code,
      name: `${names.get(code) ?? ''} ${code}`.trim(),
      balanceFen: 0,
      children: own.map((account) => ({
        key: `account-${account.id}`,
        name: label(ACCOUNT_LABELS, account.kind, language),
        kind: account.kind,
        accountId: account.id,
        regionCode: code,
        balanceFen: account.balanceFen,
      })),
    });
  }
  const parentOf = (code: string) => {
    if (code.endsWith('0000')) return null;
    const city = `${code.slice(0, 4)}00`;
    if (code.endsWith('00'))
      return regionRows.has(`${code.slice(0, 2)}0000`) ? `${code.slice(0, 2)}0000` : null;
    if (regionRows.has(city)) return city;
    return regionRows.has(`${code.slice(0, 2)}0000`) ? `${code.slice(0, 2)}0000` : null;
  };
  const roots: TreeRow[] = [];
  for (const code of codes) {
    const row = regionRows.get(code)!;
    const parent = parentOf(code);
    if (parent && regionRows.get(parent)) regionRows.get(parent)!.children!.push(row);
    else roots.push(row);
  }
  const fundKinds = new Set(['special', ...Object.keys(SUB_ACCOUNTS)]);
  const total = (row: TreeRow): number => {
    if (!row.children) return fundKinds.has(row.kind ?? '') ? row.balanceFen : 0;
    row.balanceFen = row.children.reduce((sum, child) => sum + total(child), 0);
    return row.balanceFen;
  };
  for (const root of roots) total(root);
  return roots;
}

/** What an entry refers to, linked where a page shows it (the claim, the payment batch). */
function EntrySource({ entry }: { entry: StatementEntry }) {
  const { transfer } = entry;
  if (transfer.claimId !== null)
    return <Link to={`/app/claims/${transfer.claimId}`}>补贴申请 {transfer.claimId}</Link>;
  if (transfer.paymentBatchId !== null)
    return (
      <Link to={`/app/payments?tab=batches&batch=${transfer.paymentBatchId}`}>
        支付批次 {transfer.paymentBatchId}
      </Link>
    );
  if (transfer.fundRequestId !== null)
    return <Link to="/app/fund-requests">资金划转申请 {transfer.fundRequestId}</Link>;
  if (transfer.recoveryOrderId !== null) return <>追回单 {transfer.recoveryOrderId}</>;
  if (transfer.reversesTransferId !== null) return <>冲正分录 {transfer.reversesTransferId}</>;
  return <>—</>;
}

/**
 * 明细账: an account's entries in value-date order with the running balance, within a range of
 * value dates (记账日期, business dates) when one is chosen; exported as xlsx with the same range.
 */
function AccountStatement({ account, onClose }: { account: TreeRow; onClose(): void }) {
  const [page, setPage] = useState(1);
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/ledger/accounts/{id}/statement', {
          params: { path: { id: account.accountId! }, query: { ...range, page, pageSize: 20 } },
        }),
      ),
    [account.accountId, range.from, range.to, page],
  );
  const chooseRange = (dates: [Dayjs | null, Dayjs | null] | null) => {
    setRange({
      ...(dates?.[0] ? { from: dates[0].format('YYYY-MM-DD') } : {}),
      ...(dates?.[1] ? { to: dates[1].format('YYYY-MM-DD') } : {}),
    });
    setPage(1);
  };
  return (
    <Drawer
      open
      width={960}
      title={
        <>
          明细账：
          <RegionName code={account.regionCode} /> {account.name}
        </>
      }
      onClose={onClose}
    >
      <Space wrap className="block-gap" data-testid="statement-filters">
        <span>记账日期（业务日期）</span>
        <DatePicker.RangePicker aria-label="记账日期" onChange={chooseRange} />
        <ExportButton
          fileName="明细账.xlsx"
          request={() =>
            client.GET('/api/ledger/accounts/{id}/statement.xlsx', {
              params: { path: { id: account.accountId! }, query: range },
              parseAs: 'blob',
            })
          }
        />
      </Space>
      <LoadState loaded={loaded}>
        {(data) => (
          <Space direction="vertical" className="full-width">
            <Descriptions size="small" column={3}>
              <Descriptions.Item label="期初余额">
                <Money fen={data.openingBalanceFen} />
              </Descriptions.Item>
              <Descriptions.Item label="当前余额">
                <Money fen={data.account.balanceFen} />
              </Descriptions.Item>
              <Descriptions.Item label="分录数">{data.total}</Descriptions.Item>
            </Descriptions>
            <Table<StatementEntry>
              rowKey={(entry) => entry.transfer.id}
              size="small"
              data-testid="account-statement"
              dataSource={data.items}
              pagination={pagination(data, setPage, '笔分录')}
              columns={[
                { title: '记账日期（业务日期）', render: (_, entry) => entry.transfer.valueDate },
                { title: '业务', render: (_, entry) => labelOf(TRANSFER_CODES, entry.transfer.code) },
                { title: '摘要', render: (_, entry) => entry.transfer.description ?? '—' },
                { title: '来源', render: (_, entry) => <EntrySource entry={entry} /> },
                {
                  title: '借方',
                  align: 'right',
                  render: (_, entry) =>
                    entry.side === 'debit' ? <Money fen={entry.transfer.amountFen} /> : null,
                },
                {
                  title: '贷方',
                  align: 'right',
                  render: (_, entry) =>
                    entry.side === 'credit' ? <Money fen={entry.transfer.amountFen} /> : null,
                },
                {
                  title: '余额',
                  dataIndex: 'balanceAfterFen',
                  align: 'right',
                  render: (fen: number) => <Money fen={fen} />,
                },
                { title: '记录时间（系统时钟）', render: (_, entry) => dateTime(entry.transfer.createdAt) },
              ]}
            />
          </Space>
        )}
      </LoadState>
    </Drawer>
  );
}

/**
 * 试算平衡表: every account of the user's region and the regions below it, with the debits and
 * credits posted; within the subtree every transfer counts on both sides, so the difference of the
 * totals is what crossed its boundary (a province's allocation into a city, for instance).
 */
function TrialBalance() {
  const { language } = useLanguage();
  const loaded = useLoad(() => call(client.GET('/api/ledger/trial-balance')), []);
  return (
    <LoadState loaded={loaded}>
      {(data) => (
        <Space direction="vertical" className="full-width" data-testid="trial-balance">
          <Descriptions size="small" column={3} bordered>
            <Descriptions.Item label="借方发生额合计">
              <Money fen={data.debitsPostedFen} />
            </Descriptions.Item>
            <Descriptions.Item label="贷方发生额合计">
              <Money fen={data.creditsPostedFen} />
            </Descriptions.Item>
            <Descriptions.Item label="差额（与辖区外往来）">
              <Money fen={data.creditsPostedFen - data.debitsPostedFen} />
            </Descriptions.Item>
          </Descriptions>
          <Typography.Text type="secondary">
            辖区内的每笔分录借贷同时计入，差额为与辖区外账户之间的往来（如上级下拨）；全省试算时借贷相等。
          </Typography.Text>
          <Table
            rowKey="id"
            size="small"
            dataSource={data.accounts.filter(
              (account) => account.debitsPostedFen !== 0 || account.creditsPostedFen !== 0,
            )}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            columns={[
              {
                title: '地区',
                dataIndex: 'regionCode',
                sorter: (a, b) => a.regionCode.localeCompare(b.regionCode),
                render: (code: string) => <RegionName code={code} withCode />,
              },
              {
                title: '账户',
                dataIndex: 'kind',
                render: (kind: string) => label(ACCOUNT_LABELS, kind, language),
              },
              {
                title: '借方发生额',
                dataIndex: 'debitsPostedFen',
                align: 'right',
                sorter: (a, b) => a.debitsPostedFen - b.debitsPostedFen,
                render: (fen: number) => <Money fen={fen} />,
              },
              {
                title: '贷方发生额',
                dataIndex: 'creditsPostedFen',
                align: 'right',
                sorter: (a, b) => a.creditsPostedFen - b.creditsPostedFen,
                render: (fen: number) => <Money fen={fen} />,
              },
              {
                title: '余额',
                dataIndex: 'balanceFen',
                align: 'right',
                sorter: (a, b) => a.balanceFen - b.balanceFen,
                render: (fen: number) => <Money fen={fen} />,
              },
            ]}
          />
        </Space>
      )}
    </LoadState>
  );
}

/** Balances tree by region and sub-account (专账分账核算), the trial balance, each account's statement. */
export function LedgerPage() {
  const { language } = useLanguage();
  const [opened, setOpened] = useState<TreeRow | null>(null);
  const loaded = useLoad(async () => toTree(await loadAccounts(), await regionNames(), language), [language]);
  const balances = (
    <>
      <Typography.Paragraph type="secondary">
        地区行的金额为其下专账及各补贴子账户的可用余额合计；点「明细账」查看一个账户的每笔分录与余额。
      </Typography.Paragraph>
      <LoadState loaded={loaded}>
        {(rows) => (
          <Table
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={rows}
            expandable={{ defaultExpandAllRows: true }}
            data-testid="ledger-tree"
            columns={[
              { title: '地区 / 账户', dataIndex: 'name' },
              {
                title: '余额',
                dataIndex: 'balanceFen',
                align: 'right',
                render: (fen: number, row) => (
                  <span
                    data-testid={
                      row.kind ? `balance-${row.regionCode}-${row.kind}` : `region-balance-${row.regionCode}`
                    }
                  >
                    <Money fen={fen} />
                  </span>
                ),
              },
              {
                title: '操作',
                key: 'actions',
                render: (_, row) =>
                  row.accountId === undefined ? null : (
                    <Button size="small" type="link" onClick={() => setOpened(row)}>
                      明细账
                    </Button>
                  ),
              },
            ]}
          />
        )}
      </LoadState>
    </>
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        专账余额
      </Typography.Title>
      <Card>
        <Tabs
          items={[
            { key: 'balances', label: '账户余额', children: balances },
            { key: 'trial', label: '试算平衡表', children: <TrialBalance /> },
          ]}
        />
      </Card>
      {opened && <AccountStatement account={opened} onClose={() => setOpened(null)} />}
    </div>
  );
}
