import { Card, Table, Typography } from 'antd';
import { call, client } from '../../api/client.ts';
import type { LedgerAccount as Account } from '../../api/types.ts';
import { LoadState, Money } from '../../components/common.tsx';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { regionNames } from '../../regions.ts';
import { label, SUB_ACCOUNTS } from '../../vocabulary.ts';

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

/** Balances tree by region and sub-account (专账分账核算). */
export function LedgerPage() {
  const { language } = useLanguage();
  const loaded = useLoad(async () => toTree(await loadAccounts(), await regionNames(), language), [language]);
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        专账余额
      </Typography.Title>
      <Card>
        <Typography.Paragraph type="secondary">
          地区行的金额为其下专账及各补贴子账户的可用余额合计。
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
                        row.kind
                          ? `balance-${row.regionCode}-${row.kind}`
                          : `region-balance-${row.regionCode}`
                      }
                    >
                      <Money fen={fen} />
                    </span>
                  ),
                },
              ]}
            />
          )}
        </LoadState>
      </Card>
    </div>
  );
}
