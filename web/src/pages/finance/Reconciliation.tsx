import { UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { LoadState, Money, pagination } from '../../components/common.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { RegionPicker } from '../../components/RegionPicker.tsx';
import { dateTime, today, yuan } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { BankProfilesPanel } from './BankProfiles.tsx';
import { fileToBase64, previousMonth } from './files.ts';
import {
  BLOCKING_PROBLEMS,
  labelOf,
  MATCHED_BY,
  MOVEMENT_KINDS,
  PROBLEM_KINDS,
  RECONCILIATION_STATUS,
  SUGGESTIONS,
} from './labels.ts';

type StatementItem = Answer<'/api/ledger/statements', 'get'>['items'][number];
/** What opening a statement needs (an imported one or a listed one). */
type StatementRef = Pick<StatementItem, 'statementId' | 'to'>;
type PreparedWorksheet = Answer<'/api/ledger/statements/{id}/reconciliation', 'get'>;
type Problem = PreparedWorksheet['worksheet']['problems'][number];
type Match = PreparedWorksheet['worksheet']['matches'][number];
type Balance = PreparedWorksheet['worksheet']['balance'];
type Reconciliation = Answer<'/api/ledger/reconciliations/{id}', 'get'>;
type Approval = Answer<'/api/ledger/approvals', 'get'>['items'][number];

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/** 余额调节表: the bank's side and the books' side, each adjusted by the other's outstanding items. */
export function BalanceTable({ balance }: { balance: Balance }) {
  const total = (items: { amountFen: number }[]) => items.reduce((sum, item) => sum + item.amountFen, 0);
  const itemsOf = (items: { amountFen: number; lineNumber?: number; kind?: string; valueDate?: string }[]) =>
    items.length === 0
      ? '无'
      : items
          .map((item) =>
            item.lineNumber !== undefined
              ? `第 ${item.lineNumber} 行`
              : `${labelOf(MOVEMENT_KINDS, item.kind ?? 'other')} ${item.valueDate}`,
          )
          .join('、');
  return (
    <Space direction="vertical" className="full-width" data-testid="balance-reconciliation">
      <Alert
        type={balance.isBalanced ? 'success' : 'error'}
        showIcon
        title={
          balance.isBalanced
            ? '调节后余额相等（账实相符）'
            : `调节后余额不等：银行方 ${(balance.adjustedBankFen / 100).toFixed(2)} 元，单位方 ${(balance.adjustedBookFen / 100).toFixed(2)} 元`
        }
      />
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Descriptions bordered size="small" column={1} title="银行方">
            <Descriptions.Item label="银行对账单余额">
              <Money fen={balance.bankClosingFen} />
            </Descriptions.Item>
            <Descriptions.Item label={`加：单位已收、银行未收（${itemsOf(balance.bookCreditsNotInBank)}）`}>
              <Money fen={total(balance.bookCreditsNotInBank)} />
            </Descriptions.Item>
            <Descriptions.Item label={`减：单位已付、银行未付（${itemsOf(balance.bookDebitsNotInBank)}）`}>
              <Money fen={total(balance.bookDebitsNotInBank)} />
            </Descriptions.Item>
            <Descriptions.Item label="调节后余额">
              <strong data-testid="adjusted-bank">
                <Money fen={balance.adjustedBankFen} />
              </strong>
            </Descriptions.Item>
          </Descriptions>
        </Col>
        <Col xs={24} md={12}>
          <Descriptions bordered size="small" column={1} title="单位方（专账）">
            <Descriptions.Item label="专账账面余额">
              <Money fen={balance.bookBalanceFen} />
            </Descriptions.Item>
            <Descriptions.Item label={`加：银行已收、单位未收（${itemsOf(balance.bankCreditsNotInBooks)}）`}>
              <Money fen={total(balance.bankCreditsNotInBooks)} />
            </Descriptions.Item>
            <Descriptions.Item label={`减：银行已付、单位未付（${itemsOf(balance.bankDebitsNotInBooks)}）`}>
              <Money fen={total(balance.bankDebitsNotInBooks)} />
            </Descriptions.Item>
            <Descriptions.Item label="调节后余额">
              <strong data-testid="adjusted-book">
                <Money fen={balance.adjustedBookFen} />
              </strong>
            </Descriptions.Item>
          </Descriptions>
        </Col>
      </Row>
    </Space>
  );
}

function ProblemsTable({
  problems,
  onPropose,
}: {
  problems: Problem[];
  onPropose?: (problem: Problem, kind: 'interest' | 'bank_fee') => void;
}) {
  return (
    <Table
      size="small"
      rowKey={(row) => `${row.kind}-${row.lineNumbers.join('-')}-${row.movementKeys.join('-')}`}
      pagination={false}
      data-testid="worksheet-problems"
      dataSource={problems}
      locale={{ emptyText: '无差异' }}
      columns={[
        {
          title: '差异',
          dataIndex: 'kind',
          render: (kind: string) => (
            <Tag color={BLOCKING_PROBLEMS.has(kind) ? 'error' : 'warning'}>
              {labelOf(PROBLEM_KINDS, kind)}
            </Tag>
          ),
        },
        {
          title: '对账单行',
          dataIndex: 'lineNumbers',
          render: (numbers: number[]) => (numbers.length ? numbers.join('、') : '—'),
        },
        { title: '参考号', dataIndex: 'reference', render: (text: string | null) => text ?? '—' },
        {
          title: '金额',
          dataIndex: 'amountFen',
          align: 'right',
          render: (fen: number) => <Money fen={fen} />,
        },
        {
          title: '提示',
          render: (_, row) =>
            [
              row.suggestion ? labelOf(SUGGESTIONS, row.suggestion) : '',
              row.differenceFen ? `相差 ${(row.differenceFen / 100).toFixed(2)} 元` : '',
            ]
              .filter(Boolean)
              .join('；') || '—',
        },
        ...(onPropose
          ? [
              {
                title: '操作',
                render: (_: unknown, row: Problem) =>
                  row.kind === 'unknown_credit' ? (
                    <Button size="small" onClick={() => onPropose(row, 'interest')}>
                      记为利息收入
                    </Button>
                  ) : row.kind === 'unknown_debit' ? (
                    <Button size="small" onClick={() => onPropose(row, 'bank_fee')}>
                      记为银行手续费
                    </Button>
                  ) : null,
              },
            ]
          : []),
      ]}
    />
  );
}

function MatchesTable({ matches }: { matches: Match[] }) {
  return (
    <Table
      size="small"
      rowKey={(row) => `${row.kind}-${row.lineNumbers.join('-')}-${row.reference ?? ''}`}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      data-testid="worksheet-matches"
      dataSource={matches}
      columns={[
        { title: '对账单行', dataIndex: 'lineNumbers', render: (numbers: number[]) => numbers.join('、') },
        { title: '账务', dataIndex: 'kind', render: (kind: string) => labelOf(MOVEMENT_KINDS, kind) },
        {
          title: '方向',
          dataIndex: 'direction',
          render: (direction: string) => (direction === 'credit' ? '收入' : '支出'),
        },
        { title: '参考号', dataIndex: 'reference', render: (text: string | null) => text ?? '—' },
        {
          title: '金额',
          dataIndex: 'amountFen',
          align: 'right',
          render: (fen: number) => <Money fen={fen} />,
        },
        { title: '勾对依据', dataIndex: 'matchedBy', render: (by: string) => labelOf(MATCHED_BY, by) },
      ]}
    />
  );
}

/** Interest and fees proposed from statement lines, awaiting a second finance officer (待复核). */
function PendingPostings({ version, onDecided }: { version: number; onDecided(): void }) {
  const { message, modal } = App.useApp();
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/ledger/approvals', {
          params: { query: { status: 'pending', kind: 'manual_transfer', page: 1, pageSize: 50 } },
        }),
      ),
    [version],
  );
  // Approving posts money to the ledger, which cannot be undone but by a reversal: confirm first.
  const decide = (approval: Approval, isApproved: boolean) =>
    modal.confirm({
      title: isApproved ? `复核通过并记账（复核单 #${approval.id}）` : `不通过（复核单 #${approval.id}）`,
      content: isApproved
        ? `${approval.summary}，金额 ${yuan(approval.amountFen)} 元。通过后即记入专账，只能以冲正更正。`
        : `${approval.summary}。不通过则不记账，退回提出人。`,
      okText: isApproved ? '确认记账' : '确认不通过',
      cancelText: '取消',
      onOk: async () => {
        try {
          await call(
            client.POST('/api/ledger/approvals/{id}/decision', {
              params: { path: { id: approval.id } },
              body: { isApproved },
            }),
          );
          message.success(isApproved ? '已复核通过并记账' : '已退回（不通过）');
          loaded.reload();
          onDecided();
        } catch (error) {
          message.error(errorText(error));
        }
      },
    });
  return (
    <LoadState loaded={loaded}>
      {(data) =>
        data.items.length === 0 ? null : (
          <Card size="small" title="待复核的利息、手续费记账">
            <Typography.Paragraph type="secondary">
              由提出人以外的财政人员复核；通过即记账，底稿随之勾对。
            </Typography.Paragraph>
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              data-testid="pending-postings"
              dataSource={data.items}
              columns={[
                { title: '复核单', dataIndex: 'id' },
                { title: '内容', dataIndex: 'summary' },
                {
                  title: '金额',
                  dataIndex: 'amountFen',
                  align: 'right',
                  render: (fen: number | null) => <Money fen={fen} />,
                },
                {
                  title: '操作',
                  render: (_, row) => (
                    <Space>
                      <Button size="small" type="primary" onClick={() => decide(row, true)}>
                        复核通过
                      </Button>
                      <Button size="small" danger onClick={() => decide(row, false)}>
                        不通过
                      </Button>
                    </Space>
                  ),
                },
              ]}
            />
          </Card>
        )
      }
    </LoadState>
  );
}

function Worksheet({
  statementId,
  period,
  onPrepared,
}: {
  statementId: number;
  period: string;
  onPrepared(id: number): void;
}) {
  const { message, modal } = App.useApp();
  const [version, setVersion] = useState(0);
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/ledger/statements/{id}/reconciliation', {
          params: { path: { id: statementId }, query: { period } },
        }),
      ),
    [statementId, period, version],
  );
  const refresh = () => setVersion((value) => value + 1);
  const propose = async (problem: Problem, kind: 'interest' | 'bank_fee') => {
    try {
      const approval = await call(
        client.POST('/api/ledger/statement-postings', {
          body: { statementLineId: problem.lineIds[0]!, kind },
        }),
      );
      message.success(
        `已提出${kind === 'interest' ? '利息' : '手续费'}记账（复核单 #${approval.id}），待另一名财政人员复核`,
      );
      refresh();
    } catch (error) {
      message.error(errorText(error));
    }
  };
  const prepare = (prepared: PreparedWorksheet) =>
    modal.confirm({
      title: `编制 ${period} 银行对账`,
      content: `保存当前工作底稿（${prepared.worksheet.problems.length} 项差异${prepared.worksheet.balance.isBalanced ? '，调节后余额相等' : '，调节后余额不等'}），交另一名财政人员复核。`,
      okText: '编制',
      cancelText: '取消',
      onOk: async () => {
        try {
          const stored = await call(
            client.POST('/api/ledger/reconciliations', { body: { statementId, period } }),
          );
          message.success(`已编制对账记录 #${stored.id}，待复核`);
          onPrepared(stored.id);
        } catch (error) {
          message.error(errorText(error));
        }
      },
    });
  return (
    <LoadState loaded={loaded}>
      {(prepared) => (
        <Space direction="vertical" className="full-width" size="middle" data-testid="worksheet">
          <Descriptions size="small" column={{ xs: 1, md: 4 }}>
            <Descriptions.Item label="对账单">#{prepared.statementId}</Descriptions.Item>
            <Descriptions.Item label="地区">
              <RegionName code={prepared.regionCode} withCode />
            </Descriptions.Item>
            <Descriptions.Item label="期间">{prepared.period}</Descriptions.Item>
            <Descriptions.Item label="期初差额">
              {prepared.openingDifferenceFen === null ? '—' : <Money fen={prepared.openingDifferenceFen} />}
            </Descriptions.Item>
          </Descriptions>
          {prepared.blockingProblems > 0 && (
            <Alert
              type="error"
              showIcon
              title={`有 ${prepared.blockingProblems} 项差错（金额不符、重复或日期超出容差）须更正后才能复核`}
            />
          )}
          <BalanceTable balance={prepared.worksheet.balance} />
          <Typography.Title level={4}>差异与未达账项</Typography.Title>
          <ProblemsTable
            problems={prepared.worksheet.problems}
            onPropose={(problem, kind) => void propose(problem, kind)}
          />
          <PendingPostings version={version} onDecided={refresh} />
          {prepared.worksheet.notExecuted.length > 0 && (
            <Alert
              type="info"
              showIcon
              title={`银行未执行的失败支付（下达与退回相抵）：${prepared.worksheet.notExecuted.join('、')}`}
            />
          )}
          <Typography.Title level={4}>已勾对</Typography.Title>
          <MatchesTable matches={prepared.worksheet.matches} />
          <Space>
            <Button type="primary" onClick={() => prepare(prepared)}>
              编制对账（交他人复核）
            </Button>
            <Button onClick={refresh}>重新计算</Button>
          </Space>
        </Space>
      )}
    </LoadState>
  );
}

function StatementImport({ onImported }: { onImported(statement: StatementRef): void }) {
  const { message } = App.useApp();
  const { user } = useAuth();
  const [form] = Form.useForm<{ regionCode: string; profileCode?: string }>();
  const [file, setFile] = useState<File | null>(null);
  const [isBusy, setBusy] = useState(false);
  const profiles = useLoad(() => call(client.GET('/api/ledger/bank-profiles')));
  const submit = async () => {
    const values = await form.validateFields();
    if (!file) {
      message.error('请选择对账单文件');
      return;
    }
    setBusy(true);
    try {
      const imported = await call(
        client.POST('/api/ledger/statements', {
          body: {
            regionCode: values.regionCode,
            fileName: file.name,
            fileBase64: await fileToBase64(file),
            ...(values.profileCode ? { profileCode: values.profileCode } : {}),
          },
        }),
      );
      message.success(
        imported.isReplay
          ? `该对账单此前已导入（#${imported.statementId}）`
          : `已导入对账单 #${imported.statementId}：${imported.lineCount} 行，支出 ${(imported.debitFen / 100).toFixed(2)} 元，收入 ${(imported.creditFen / 100).toFixed(2)} 元`,
      );
      onImported(imported);
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form
      form={form}
      layout="inline"
      id="statement-import"
      initialValues={{ regionCode: user?.regionCode }}
      className="block-gap"
    >
      <Form.Item
        name="regionCode"
        label="专户所属地区"
        rules={[{ required: true, message: '请选择专户所属地区' }]}
      >
        <RegionPicker ariaLabel="专户所属地区" />
      </Form.Item>
      <Form.Item name="profileCode" label="银行格式">
        <Select
          allowClear
          placeholder="按专户登记的格式"
          style={{ minWidth: 200 }}
          options={(profiles.data?.items ?? []).map((profile) => ({
            value: profile.code,
            label: profile.name,
          }))}
        />
      </Form.Item>
      <Form.Item label="对账单文件">
        <Upload
          accept=".xlsx,.csv,.txt"
          maxCount={1}
          beforeUpload={(chosen) => {
            setFile(chosen);
            return false;
          }}
          onRemove={() => setFile(null)}
        >
          <Button icon={<UploadOutlined />}>选择文件（xlsx 或 CSV，GBK 或 UTF-8）</Button>
        </Upload>
      </Form.Item>
      <Form.Item>
        <Button type="primary" loading={isBusy} onClick={() => void submit()}>
          导入对账单
        </Button>
      </Form.Item>
    </Form>
  );
}

function StatementList({ version, onOpen }: { version: number; onOpen(statement: StatementItem): void }) {
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => call(client.GET('/api/ledger/statements', { params: { query: { page, pageSize: 20 } } })),
    [page, version],
  );
  return (
    <LoadState loaded={loaded}>
      {(data) => (
        <Table
          size="small"
          rowKey="statementId"
          data-testid="statement-list"
          dataSource={data.items}
          pagination={pagination(data, setPage, '份')}
          columns={[
            { title: '对账单', dataIndex: 'statementId', render: (id: number) => `#${id}` },
            {
              title: '地区',
              dataIndex: 'regionCode',
              render: (code: string) => <RegionName code={code} withCode />,
            },
            { title: '文件', dataIndex: 'fileName' },
            { title: '行数', dataIndex: 'lineCount' },
            {
              title: '交易日期',
              render: (_, row) => (row.from ? `${row.from} 至 ${row.to}` : '—'),
            },
            {
              title: '导入记录时间（系统时钟）',
              dataIndex: 'importedAt',
              render: (value: string) => dateTime(value),
            },
            {
              title: '操作',
              render: (_, row) => (
                <Button size="small" onClick={() => onOpen(row)}>
                  对账
                </Button>
              ),
            },
          ]}
        />
      )}
    </LoadState>
  );
}

function ReconciliationDetail({ id, onChanged }: { id: number; onChanged(): void }) {
  const { message, modal } = App.useApp();
  const { user } = useAuth();
  const loaded = useLoad(
    () => call(client.GET('/api/ledger/reconciliations/{id}', { params: { path: { id } } })),
    [id],
  );
  const signOff = (reconciliation: Reconciliation) =>
    modal.confirm({
      title: `复核 ${reconciliation.period} 银行对账`,
      content: '复核签字后对账记录即定稿，不能撤回；月结以已复核的对账为准。确认复核？',
      okText: '确认复核',
      cancelText: '取消',
      onOk: async () => {
        try {
          await call(
            client.POST('/api/ledger/reconciliations/{id}/sign-off', {
              params: { path: { id: reconciliation.id } },
            }),
          );
          message.success('已复核签字');
          loaded.reload();
          onChanged();
        } catch (error) {
          message.error(errorText(error));
        }
      },
    });
  return (
    <LoadState loaded={loaded}>
      {(reconciliation) => (
        <Card
          size="small"
          title={
            <>
              对账记录 #{reconciliation.id}：<RegionName code={reconciliation.regionCode} />{' '}
              {reconciliation.period}
            </>
          }
          data-testid="reconciliation-detail"
        >
          <Space direction="vertical" className="full-width" size="middle">
            <Descriptions size="small" column={{ xs: 1, md: 3 }}>
              <Descriptions.Item label="状态">
                <Tag color={reconciliation.status === 'signed_off' ? 'success' : 'processing'}>
                  {labelOf(RECONCILIATION_STATUS, reconciliation.status)}
                </Tag>
              </Descriptions.Item>
              <Descriptions.Item label="编制记录时间（系统时钟）">
                {dateTime(reconciliation.preparedAt)}
              </Descriptions.Item>
              <Descriptions.Item label="复核记录时间（系统时钟）">
                {dateTime(reconciliation.signedOffAt)}
              </Descriptions.Item>
            </Descriptions>
            <BalanceTable balance={reconciliation.worksheet.balance} />
            <ProblemsTable problems={reconciliation.worksheet.problems} />
            {reconciliation.status === 'prepared' &&
              (reconciliation.preparedBy === user?.userId ? (
                <Alert type="info" showIcon title="须由编制人以外的财政人员复核。" />
              ) : (
                <Button type="primary" onClick={() => signOff(reconciliation)}>
                  复核签字
                </Button>
              ))}
          </Space>
        </Card>
      )}
    </LoadState>
  );
}

function ReconciliationList({ version, onOpen }: { version: number; onOpen(id: number): void }) {
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => call(client.GET('/api/ledger/reconciliations', { params: { query: { page, pageSize: 20 } } })),
    [page, version],
  );
  return (
    <LoadState loaded={loaded}>
      {(data) => (
        <Table
          size="small"
          rowKey="id"
          data-testid="reconciliation-list"
          dataSource={data.items}
          pagination={pagination(data, setPage, '份')}
          columns={[
            { title: '对账记录', dataIndex: 'id', render: (id: number) => `#${id}` },
            {
              title: '地区',
              dataIndex: 'regionCode',
              render: (code: string) => <RegionName code={code} withCode />,
            },
            { title: '期间', dataIndex: 'period' },
            {
              title: '状态',
              dataIndex: 'status',
              render: (status: string) => (
                <Tag color={status === 'signed_off' ? 'success' : 'processing'}>
                  {labelOf(RECONCILIATION_STATUS, status)}
                </Tag>
              ),
            },
            {
              title: '银行余额',
              dataIndex: 'bankClosingFen',
              align: 'right',
              render: (fen: number) => <Money fen={fen} />,
            },
            {
              title: '账面余额',
              dataIndex: 'bookBalanceFen',
              align: 'right',
              render: (fen: number) => <Money fen={fen} />,
            },
            { title: '调节平衡', dataIndex: 'isBalanced', render: (is: boolean) => (is ? '是' : '否') },
            { title: '差异项', dataIndex: 'problemCount' },
            {
              title: '操作',
              render: (_, row) => (
                <Button size="small" onClick={() => onOpen(row.id)}>
                  查看
                </Button>
              ),
            },
          ]}
        />
      )}
    </LoadState>
  );
}

/**
 * 银行对账: statement import, the worksheet (both-way matching, 余额调节表, interest and fees
 * proposed from their lines), reconciliation records with a second person's sign-off, and the
 * special accounts and bank layouts. The tab, statement, period and record are in the address.
 */
export function ReconciliationPage() {
  const [params, setParams] = useSearchParams();
  const [version, setVersion] = useState(0);
  const tab = params.get('tab') ?? 'statements';
  const statementId = Number(params.get('statement')) || null;
  const period = params.get('period') ?? previousMonth(today());
  const reconciliationId = Number(params.get('reconciliation')) || null;
  const [periodInput, setPeriodInput] = useState(period);
  const go = (next: Record<string, string | number | null>) => {
    const merged: Record<string, string> = {};
    for (const [key, value] of Object.entries({
      tab,
      statement: statementId,
      period,
      reconciliation: reconciliationId,
      ...next,
    }))
      if (value !== null && value !== '') merged[key] = String(value);
    setParams(merged);
  };
  const openStatement = (statement: StatementRef) => {
    const month = statement.to?.slice(0, 7) ?? period;
    setPeriodInput(month);
    go({ tab: 'worksheet', statement: statement.statementId, period: month });
  };
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        银行对账
      </Typography.Title>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) => go({ tab: key })}
          items={[
            {
              key: 'statements',
              label: '对账单导入',
              children: (
                <Space direction="vertical" className="full-width">
                  <StatementImport
                    onImported={(statement) => {
                      setVersion((value) => value + 1);
                      openStatement(statement);
                    }}
                  />
                  <StatementList version={version} onOpen={openStatement} />
                </Space>
              ),
            },
            {
              key: 'worksheet',
              label: '对账工作底稿',
              children:
                statementId === null ? (
                  <Typography.Text type="secondary">
                    请先在“对账单导入”中导入或选择一份对账单。
                  </Typography.Text>
                ) : (
                  <Space direction="vertical" className="full-width">
                    <Space>
                      <Typography.Text>对账期间</Typography.Text>
                      <Input
                        aria-label="对账期间"
                        value={periodInput}
                        style={{ width: 110 }}
                        onChange={(event) => setPeriodInput(event.target.value)}
                      />
                      <Button
                        disabled={!PERIOD.test(periodInput)}
                        onClick={() => go({ period: periodInput })}
                      >
                        计算
                      </Button>
                    </Space>
                    <Worksheet
                      key={`${statementId}-${period}`}
                      statementId={statementId}
                      period={period}
                      onPrepared={(id) => {
                        setVersion((value) => value + 1);
                        go({ tab: 'records', reconciliation: id });
                      }}
                    />
                  </Space>
                ),
            },
            {
              key: 'records',
              label: '对账记录与复核',
              children: (
                <Space direction="vertical" className="full-width">
                  {reconciliationId !== null && (
                    <ReconciliationDetail
                      key={`${reconciliationId}-${version}`}
                      id={reconciliationId}
                      onChanged={() => setVersion((value) => value + 1)}
                    />
                  )}
                  <ReconciliationList version={version} onOpen={(id) => go({ reconciliation: id })} />
                </Space>
              ),
            },
            { key: 'profiles', label: '专户与银行格式', children: <BankProfilesPanel /> },
          ]}
        />
      </Card>
    </div>
  );
}
