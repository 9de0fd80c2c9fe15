import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditContext } from '../auth/audit.service.ts';
import { chinaDateTime, type ExportColumn, sendListExport, yuanOf } from '../auth/list-export.ts';
import type { Principal } from '../auth/scope.ts';
import { assertRegionScope, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import { pageSchemaOf } from '../shared/schemas.ts';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import { getApproval, listApprovals } from './approval.service.ts';
import {
  computeAppropriation,
  decideFundRequest,
  type ListedFundRequest,
  listFundRequests,
  requestFundMovement,
} from './funding.service.ts';
import { RECOVERY_ORDER_EXPORT_COLUMNS, STATEMENT_EXPORT_COLUMNS, statementNotes } from './ledger.export.ts';
import * as schema from './ledger.schema.ts';
import type { AccountKind } from './ledger.vocabulary.ts';
import {
  ACCOUNT_STATEMENT_SCHEMA,
  APPROPRIATION_SCHEMA,
  APPROVAL_DECISION_SCHEMA,
  APPROVAL_REQUEST_ANSWERS,
  APPROVAL_SCHEMA,
  EXECUTION_RATE_SCHEMA,
  FUND_REQUEST_SCHEMA,
  GET_LEDGER_RECOVERY_ORDERS_ANSWER,
  GET_LEDGER_TOTALS_ANSWER,
  LISTED_FUND_REQUEST_SCHEMA,
  PAYMENT_BATCH_PAGE_SCHEMA,
  PAYMENT_BATCH_SCHEMA,
  POST_LEDGER_FUND_REQUESTS_ANSWER,
  POST_LEDGER_RECOVERY_ORDERS_ANSWER,
  TRIAL_BALANCE_SCHEMA,
} from './ledger-answers.schema.ts';
import { accountStatement, executionRate, ledgerTotals, trialBalance } from './ledger-report.service.ts';
import { decideLedgerApproval, requestManualTransfer, requestReversal } from './manual.service.ts';
import {
  decidePayeeAccountChange,
  requestPayeeAccountChange,
  revealPayeeAccount,
} from './payee-account.service.ts';
import {
  batchRegion,
  decidePaymentFailure,
  getPaymentBatch,
  listPaymentBatches,
  maskedBatch,
  type PaymentBatchSummary,
} from './payment.service.ts';
import {
  createRecoveryOrder,
  decideRecoveryReceipt,
  getRecoveryOrder,
  listRecoveryOrders,
  requestRecoveryReceipt,
} from './recovery.service.ts';
import { getAccount, inLedgerTransaction, toAccount } from './transfer.service.ts';
import { ACCOUNT_KIND_NAMES } from './transfer-codes.ts';

const principalOf = (request: FastifyRequest): Principal => request.principal!;

/** The payment-batch list as a sheet: amounts in yuan, each disbursement status counted. */
const BATCH_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<PaymentBatchSummary>> = [
  { header: '批次编号', value: (batch) => batch.id },
  { header: '地区', width: 14, value: (batch, names) => names.region(batch.regionCode) },
  { header: '地区代码', value: (batch) => batch.regionCode },
  { header: '起息日', width: 12, value: (batch) => batch.valueDate },
  { header: '下达时间（北京时间）', width: 20, value: (batch) => chinaDateTime(batch.createdAt) },
  { header: '金额（元）', width: 14, value: (batch) => yuanOf(batch.totalFen) },
  { header: '支付笔数', value: (batch) => batch.disbursementCount },
  { header: '待银行回单', value: (batch) => batch.orderedCount },
  { header: '已支付', value: (batch) => batch.paidCount },
  { header: '支付失败', value: (batch) => batch.failedCount },
];

const FUND_REQUEST_KIND_NAMES: Record<string, string> = {
  appropriation: '计提',
  allocation: '下拨',
  reallocation: '调剂',
};
const FUND_REQUEST_STATUS_NAMES: Record<string, string> = {
  pending: '待复核',
  posted: '已记账',
  rejected: '已退回',
};

const FUND_REQUEST_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<ListedFundRequest>> = [
  { header: '申请编号', value: (request) => request.id },
  { header: '类型', value: (request) => FUND_REQUEST_KIND_NAMES[request.kind] ?? request.kind },
  { header: '拨出地区', width: 14, value: (request, names) => names.region(request.fromRegionCode) },
  {
    header: '拨出账户',
    width: 22,
    value: (request) => ACCOUNT_KIND_NAMES[request.fromKind as AccountKind] ?? request.fromKind,
  },
  { header: '拨入地区', width: 14, value: (request, names) => names.region(request.toRegionCode) },
  {
    header: '拨入账户',
    width: 22,
    value: (request) => ACCOUNT_KIND_NAMES[request.toKind as AccountKind] ?? request.toKind,
  },
  { header: '金额（元）', width: 14, value: (request) => yuanOf(request.amountFen) },
  { header: '记账日期', width: 12, value: (request) => request.valueDate },
  { header: '事由', width: 30, value: (request) => request.reason },
  { header: '状态', value: (request) => FUND_REQUEST_STATUS_NAMES[request.status] ?? request.status },
  { header: '经办人', width: 20, value: (request) => request.requestedByName },
  { header: '复核人', width: 20, value: (request) => request.decidedByName ?? '' },
];

/** The region a query looks at: the caller's own unless a narrower one inside it is asked for. */
function scopedRegion(request: FastifyRequest, regionCode: string | undefined): string {
  const principal = principalOf(request);
  if (regionCode === undefined) return principal.regionCode;
  assertRegionScope(principal, regionCode);
  return regionCode;
}

/**
 * What the ledger's routes borrow from the claims domain (which imports the ledger, not the
 * other way round): moving a batch's claims on once a failure the bank reported is approved.
 */
export interface LedgerRoutePorts {
  advanceClaimsAfterBankResult(
    executor: Executor,
    context: AuditContext,
    batchId: number,
    onlyClaimIds: readonly number[],
  ): Promise<void>;
}

/** The special-account ledger: accounts, postings, funding, payments, reconciliation, close. */
export async function ledgerRoutes(fastify: FastifyInstance, ports: LedgerRoutePorts): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = () => app.deps.database.db;
  const tags = ['ledger'] as const;
  // Postings made here may not be dated after the business date (issue: period close).
  const businessContext = (request: FastifyRequest) => ({
    ...request.auditContext,
    businessToday: app.clock.today(),
  });

  app.get(
    '/api/ledger/accounts',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '专账账户列表（本辖区）',
        querystring: schema.accountsQuery,
        response: { 200: schema.accountPageResponse },
      },
    },
    async (request) => {
      const { page, pageSize, kind } = request.query;
      let query = db()
        .selectFrom('ledger_account')
        .where('region_code', 'like', regionLikePattern(scopedRegion(request, request.query.regionCode)));
      if (kind) query = query.where('kind', '=', kind);
      const { total } = await query
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();
      const rows = await query
        .selectAll()
        .orderBy('region_code')
        .orderBy('id')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute();
      return { items: rows.map(toAccount), total: Number(total), page, pageSize };
    },
  );

  app.get(
    '/api/ledger/accounts/:id/statement',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '账户明细账（含余额）',
        response: { 200: ACCOUNT_STATEMENT_SCHEMA },
        params: schema.idParams,
        querystring: schema.statementQuery,
      },
    },
    async (request) => {
      const account = await getAccount(db(), request.params.id);
      assertRegionScope(principalOf(request), account.regionCode);
      return accountStatement(db(), { accountId: account.id, ...request.query });
    },
  );

  app.get(
    '/api/ledger/accounts/:id/statement.xlsx',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '导出账户明细账（按记账日期范围，含期初、期末余额，xlsx）',
        params: schema.idParams,
        querystring: schema.statementExportQuery,
      },
    },
    async (request, reply) => {
      const account = await getAccount(db(), request.params.id);
      assertRegionScope(principalOf(request), account.regionCode);
      let balances = { openingBalanceFen: 0, closingBalanceFen: 0 };
      return sendListExport(db(), request, reply, {
        title: '明细账',
        asciiFileName: 'account-statement.xlsx',
        action: 'ledger.account_statement.export',
        objectType: 'ledger_account',
        columns: STATEMENT_EXPORT_COLUMNS,
        read: async (paging) => {
          const statement = await accountStatement(db(), {
            accountId: account.id,
            ...request.query,
            ...paging,
          });
          balances = {
            openingBalanceFen: statement.openingBalanceFen,
            closingBalanceFen: statement.items.at(-1)?.balanceAfterFen ?? statement.openingBalanceFen,
          };
          return statement;
        },
        notes: (names) =>
          statementNotes({
            regionName: names.region(account.regionCode),
            kind: account.kind,
            from: request.query.from,
            to: request.query.to,
            ...balances,
          }),
      });
    },
  );

  app.get(
    '/api/ledger/trial-balance',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '试算平衡表',
        querystring: schema.regionQuery,
        response: { 200: TRIAL_BALANCE_SCHEMA },
      },
    },
    async (request) => trialBalance(db(), { regionCode: scopedRegion(request, request.query.regionCode) }),
  );

  app.get(
    '/api/ledger/execution-rate',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '专账资金执行率（按地区、子账户）',
        querystring: schema.regionQuery,
        response: { 200: EXECUTION_RATE_SCHEMA },
      },
    },
    async (request) => ({
      items: await executionRate(db(), { regionCode: scopedRegion(request, request.query.regionCode) }),
    }),
  );

  app.get(
    '/api/ledger/totals',
    {
      config: { access: 'ledger.read' },
      schema: {
        response: { 200: GET_LEDGER_TOTALS_ANSWER },
        tags,
        summary: '分期间、分地区账务合计（账表相符）',
        querystring: schema.totalsQuery,
      },
    },
    async (request) => ({
      items: await ledgerTotals(db(), {
        regionCode: scopedRegion(request, request.query.regionCode),
        from: request.query.from,
        to: request.query.to,
      }),
    }),
  );

  app.post(
    '/api/ledger/transfers',
    {
      config: {
        access: 'ledger.post',
        scopedIds: {
          'body.idempotencyId': { unscoped: 'the caller’s retry key, not an object' },
          'body.debitAccountId': 'ledgerAccount',
          'body.creditAccountId': 'ledgerAccount',
        },
      },
      schema: {
        tags,
        summary: '手工记账申请（利息：银行→本级专账；手续费：本级专账→银行），待另一人复核',
        response: APPROVAL_REQUEST_ANSWERS,
        body: schema.manualTransferBody,
      },
    },
    async (request, reply) => {
      const approval = await inLedgerTransaction(db(), (trx) =>
        requestManualTransfer(trx, request.auditContext, request.body, app.clock.today()),
      );
      return reply.status(approval.isReplay ? 200 : 202).send(approval);
    },
  );

  app.post(
    '/api/ledger/transfers/:id/reversal',
    {
      config: {
        access: 'ledger.post',
        scopedIds: { 'body.idempotencyId': { unscoped: 'the caller’s retry key, not an object' } },
      },
      schema: {
        tags,
        summary: '冲正申请（以新分录更正），待另一人复核',
        response: APPROVAL_REQUEST_ANSWERS,
        params: schema.idParams,
        body: schema.reversalBody,
      },
    },
    async (request, reply) => {
      const approval = await inLedgerTransaction(db(), (trx) =>
        requestReversal(
          trx,
          request.auditContext,
          { transferId: request.params.id, ...request.body },
          app.clock.today(),
        ),
      );
      return reply.status(approval.isReplay ? 200 : 202).send(approval);
    },
  );

  app.get(
    '/api/ledger/approvals',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '待复核资金事项（支付指令、手工记账、冲正、收款账户变更、追回到账）',
        response: { 200: pageSchemaOf(APPROVAL_SCHEMA) },
        querystring: schema.approvalsQuery,
      },
    },
    async (request) =>
      listApprovals(db(), { scopeRegionCode: principalOf(request).regionCode, ...request.query }),
  );

  app.get(
    '/api/ledger/approvals/:id',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '复核事项详情',
        params: schema.idParams,
        response: { 200: APPROVAL_SCHEMA },
      },
    },
    async (request) => getApproval(db(), request.auditContext, request.params.id),
  );

  app.post(
    '/api/ledger/approvals/:id/decision',
    {
      config: { access: 'ledger.post' },
      schema: {
        tags,
        summary: '复核手工记账、冲正、收款账户变更、追回到账或银行支付失败退回（须另一人；通过即记账或生效）',
        response: { 200: APPROVAL_DECISION_SCHEMA },
        params: schema.idParams,
        body: schema.approvalDecisionBody,
      },
    },
    async (request) => {
      const id = request.params.id;
      return inLedgerTransaction(db(), async (trx) => {
        const approval = await getApproval(trx, request.auditContext, id);
        switch (approval.kind) {
          case 'manual_transfer':
          case 'reversal':
            return decideLedgerApproval(
              trx,
              request.auditContext,
              { id, kind: approval.kind, ...request.body },
              app.clock.today(),
            );
          case 'payee_account':
            return {
              approval: await decidePayeeAccountChange(trx, request.auditContext, { id, ...request.body }),
            };
          case 'recovery_receipt':
            return decideRecoveryReceipt(
              trx,
              request.auditContext,
              { id, ...request.body },
              app.clock.today(),
            );
          case 'payment_failure': {
            const decided = await decidePaymentFailure(
              trx,
              request.auditContext,
              { id, ...request.body },
              app.clock.today(),
            );
            if (decided.posted)
              await ports.advanceClaimsAfterBankResult(
                trx,
                request.auditContext,
                decided.batchId,
                decided.claimIds,
              );
            return { approval: decided.approval, posted: decided.posted };
          }
          case 'payment_order':
            throw new AppError('INVALID_STATE', '支付指令请在支付复核中处理', [
              { field: 'id', message: '支付指令请在支付复核中处理' },
            ]);
        }
      });
    },
  );

  app.post(
    '/api/ledger/payee-accounts/reveal',
    {
      config: {
        access: 'payment.order',
        revealsPersonalData: true,
        scopedIds: {
          'body.payeeId': {
            unscoped:
              'an organisation or a person by payeeType; a payee outside the caller’s region is answered as unknown',
          },
        },
        // Per user, like the person reveal, so one officer cannot page through every account.
        rateLimit: {
          max: app.deps.config.personalDataRevealsPerHour ?? 30,
          timeWindow: 3_600_000,
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) =>
            `reveal-payee|${request.principal?.userId ?? request.ip}`,
        },
      },
      schema: {
        tags,
        summary: '查看收款人完整银行账号（须填写理由，记入审计）',
        description:
          '收款账户在各处答复中掩码显示；财政人员逐个查看完整账号时必须说明理由（reason，必填），' +
          '每次查看记入审计（personal_data.read：谁、查看了谁、为何），并按用户限制频率。',
        body: schema.payeeAccountRevealBody,
        response: { 200: schema.payeeAccountRevealAnswer },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => revealPayeeAccount(trx, request.auditContext, request.body)),
  );

  app.post(
    '/api/ledger/payee-accounts',
    {
      config: {
        access: 'payment.order',
        scopedIds: {
          'body.idempotencyId': { unscoped: 'the caller’s retry key, not an object' },
          'body.payeeId': {
            unscoped:
              'an organisation or a person by payeeType; the approval is scoped to the payee’s region',
          },
        },
      },
      schema: {
        tags,
        summary: '登记或更正收款人银行账户（单位结算账户、个人社会保障卡账户），待另一名财政人员复核',
        response: APPROVAL_REQUEST_ANSWERS,
        body: schema.payeeAccountBody,
      },
    },
    async (request, reply) => {
      const approval = await inLedgerTransaction(db(), (trx) =>
        requestPayeeAccountChange(trx, request.auditContext, request.body),
      );
      return reply.status(approval.isReplay ? 200 : 202).send(approval);
    },
  );

  app.post(
    '/api/ledger/appropriation/compute',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '按政策比例测算计提金额（江苏 20%）',
        body: schema.appropriationBody,
        response: { 200: APPROPRIATION_SCHEMA },
      },
    },
    async (request) => computeAppropriation(request.body),
  );

  app.post(
    '/api/ledger/fund-requests',
    {
      config: { access: 'ledger.post' },
      schema: {
        response: { 201: POST_LEDGER_FUND_REQUESTS_ANSWER },
        tags,
        summary: '提出计提/下拨/调剂申请（待复核）',
        body: schema.fundRequestBody,
      },
    },
    async (request, reply) => {
      const created = await db()
        .transaction()
        .execute((trx) => requestFundMovement(trx, request.auditContext, request.body));
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/ledger/fund-requests',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '资金划转申请列表（计提、下拨、调剂；可按状态、类型筛选）',
        response: { 200: pageSchemaOf(LISTED_FUND_REQUEST_SCHEMA) },
        querystring: schema.fundRequestsQuery,
      },
    },
    async (request) =>
      listFundRequests(db(), { scopeRegionCode: principalOf(request).regionCode, ...request.query }),
  );

  app.get(
    '/api/ledger/fund-requests.xlsx',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '导出资金划转申请列表（本辖区，按与列表相同的筛选条件，xlsx）',
        querystring: schema.fundRequestsExportQuery,
      },
    },
    async (request, reply) =>
      sendListExport(db(), request, reply, {
        title: '资金划转申请',
        asciiFileName: 'fund-requests.xlsx',
        action: 'ledger.fund_request.export',
        objectType: 'ledger_fund_request',
        columns: FUND_REQUEST_EXPORT_COLUMNS,
        read: (paging) =>
          listFundRequests(db(), {
            scopeRegionCode: principalOf(request).regionCode,
            ...request.query,
            ...paging,
          }),
      }),
  );

  app.post(
    '/api/ledger/fund-requests/:id/decision',
    {
      config: { access: 'ledger.post' },
      schema: {
        tags,
        summary: '复核资金划转申请（通过即记账）',
        response: { 200: FUND_REQUEST_SCHEMA },
        params: schema.idParams,
        body: schema.decisionBody,
      },
    },
    async (request) =>
      inLedgerTransaction(db(), (trx) =>
        decideFundRequest(trx, businessContext(request), {
          requestId: request.params.id,
          isApproved: request.body.isApproved,
        }),
      ),
  );

  app.get(
    '/api/ledger/payment-batches',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '支付批次列表（本辖区）',
        querystring: schema.batchesQuery,
        response: { 200: PAYMENT_BATCH_PAGE_SCHEMA },
      },
    },
    async (request) =>
      listPaymentBatches(db(), { scopeRegionCode: principalOf(request).regionCode, ...request.query }),
  );

  app.get(
    '/api/ledger/payment-batches.xlsx',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '导出支付批次列表（本辖区，按与列表相同的筛选条件，xlsx）',
        querystring: schema.batchesExportQuery,
      },
    },
    async (request, reply) =>
      sendListExport(db(), request, reply, {
        title: '支付批次',
        asciiFileName: 'payment-batches.xlsx',
        action: 'payment.batch.export',
        objectType: 'payment_batch',
        columns: BATCH_EXPORT_COLUMNS,
        read: (paging) =>
          listPaymentBatches(db(), {
            scopeRegionCode: principalOf(request).regionCode,
            ...request.query,
            ...paging,
          }),
      }),
  );

  app.get(
    '/api/ledger/payment-batches/:id',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '支付批次详情（每笔支付及明细状态）',
        params: schema.idParams,
        response: { 200: PAYMENT_BATCH_SCHEMA },
      },
    },
    async (request) => {
      const region = await batchRegion(db(), request.params.id);
      assertRegionScope(principalOf(request), region);
      return maskedBatch(await getPaymentBatch(db(), request.params.id));
    },
  );

  // The instruction file and the result template are served by bank.routes.ts.

  // Bank results and advance settlements move claims on (paid, payment failed, settled), so they
  // are served by the claims domain: POST /api/claims/payments/:batchId/bank-result and
  // POST /api/claims/:id/settle, which call importBankResult and settleAdvance.

  app.post(
    '/api/ledger/recovery-orders',
    {
      config: {
        access: 'ledger.post',
        scopedIds: {
          'body.idempotencyId': { unscoped: 'the caller’s retry key, not an object' },
          'body.claimId': 'claim',
        },
      },
      schema: {
        response: { 201: POST_LEDGER_RECOVERY_ORDERS_ANSWER },
        tags,
        summary: '开具追回单（记应收）',
        body: schema.recoveryOrderBody,
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await inLedgerTransaction(db(), (trx) =>
            createRecoveryOrder(trx, businessContext(request), request.body),
          ),
        ),
  );

  app.get(
    '/api/ledger/recovery-orders',
    {
      config: { access: 'ledger.read', scopedIds: { 'query.claimId': 'claim' } },
      schema: {
        response: { 200: GET_LEDGER_RECOVERY_ORDERS_ANSWER },
        tags,
        summary: '追回单列表（本辖区，可按申请、状态筛选）',
        querystring: schema.recoveryOrdersQuery,
      },
    },
    async (request) =>
      listRecoveryOrders(db(), { scopeRegionCode: principalOf(request).regionCode, ...request.query }),
  );

  app.get(
    '/api/ledger/recovery-orders.xlsx',
    {
      config: { access: 'ledger.read', scopedIds: { 'query.claimId': 'claim' } },
      schema: {
        tags,
        summary: '导出追回单列表（本辖区，按与列表相同的筛选条件，xlsx）',
        querystring: schema.recoveryOrdersExportQuery,
      },
    },
    async (request, reply) =>
      sendListExport(db(), request, reply, {
        title: '追回单',
        asciiFileName: 'recovery-orders.xlsx',
        action: 'ledger.recovery_order.export',
        objectType: 'recovery_order',
        columns: RECOVERY_ORDER_EXPORT_COLUMNS,
        read: (paging) =>
          listRecoveryOrders(db(), {
            scopeRegionCode: principalOf(request).regionCode,
            ...request.query,
            ...paging,
          }),
      }),
  );

  app.get(
    '/api/ledger/recovery-orders/:id',
    {
      config: { access: 'ledger.read' },
      schema: {
        response: { 200: POST_LEDGER_RECOVERY_ORDERS_ANSWER },
        tags,
        summary: '追回单详情',
        params: schema.idParams,
      },
    },
    async (request) => getRecoveryOrder(db(), request.auditContext, request.params.id),
  );

  app.post(
    '/api/ledger/recovery-orders/:id/receipts',
    {
      config: {
        access: 'ledger.post',
        scopedIds: {
          'body.idempotencyId': { unscoped: 'the caller’s retry key, not an object' },
          'body.statementLineId': 'statementLine',
        },
      },
      schema: {
        tags,
        summary: '追回款到账（提出，待另一人复核后记账）',
        response: APPROVAL_REQUEST_ANSWERS,
        params: schema.idParams,
        body: schema.recoveryReceiptBody,
      },
    },
    async (request, reply) => {
      const approval = await inLedgerTransaction(db(), (trx) =>
        requestRecoveryReceipt(
          trx,
          request.auditContext,
          { orderId: request.params.id, ...request.body },
          app.clock.today(),
        ),
      );
      return reply.status(approval.isReplay ? 200 : 202).send(approval);
    },
  );

  // Statements, reconciliations and postings from statement lines are served by bank.routes.ts.
  // Period close (with its checklist) is served by bank.routes.ts.
}
