import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordPersonalDataRead } from '../auth/personal-data.service.ts';
import { assertRegionScope, type Principal, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import * as schema from './bank.schema.ts';
import {
  BANK_PROFILE_LIST_SCHEMA,
  BANK_PROFILE_SCHEMA,
  CLOSED_PERIOD_LIST_SCHEMA,
  CLOSED_PERIOD_SCHEMA,
  PERIOD_CHECKLIST_SCHEMA,
  PREPARED_WORKSHEET_SCHEMA,
  RECONCILIATION_PAGE_SCHEMA,
  RECONCILIATION_SCHEMA,
  SPECIAL_ACCOUNT_LIST_SCHEMA,
  SPECIAL_ACCOUNT_SCHEMA,
  STATEMENT_PAGE_SCHEMA,
  STATEMENT_POSTING_ANSWERS,
  STATEMENT_SUMMARY_SCHEMA,
} from './bank-answers.schema.ts';
import { instructionFile, resultTemplate } from './bank-file.service.ts';
import {
  listProfiles,
  listSpecialAccounts,
  saveProfile,
  saveSpecialAccount,
} from './bank-profile.service.ts';
import {
  getReconciliation,
  listReconciliations,
  prepareReconciliation,
  prepareWorksheet,
  requestStatementPosting,
  signOffReconciliation,
} from './bank-reconciliation.service.ts';
import { getPaymentBatch } from './payment.service.ts';
import {
  assertMayClose,
  closeMonth,
  listClosedPeriods,
  type PeriodClosePorts,
  periodChecklist,
} from './period.service.ts';
import { getStatement, importStatement, listStatements } from './statement.service.ts';

const principalOf = (request: FastifyRequest): Principal => request.principal!;

/**
 * The instruction file and the result template carry every payee's bank account in full (the
 * bank needs them): each download is a `personal_data.read` of the batch's accounts (issue 18,
 * finding 4), written in the transaction that reads them.
 */
async function recordBankAccountsRead(
  executor: Executor,
  request: FastifyRequest,
  batch: { id: number; provinceCode: string; disbursements: readonly unknown[] },
  purpose: string,
): Promise<void> {
  await recordPersonalDataRead(executor, request.auditContext, {
    objectType: 'payment_batch',
    objectId: batch.id,
    provinceCode: batch.provinceCode,
    fields: ['bankAccount'],
    purpose,
    permission: 'payment.order',
    subject: { payees: batch.disbursements.length },
  });
}

/** The region a query looks at: the caller's own unless a narrower one inside it is asked for. */
function scopedRegion(request: FastifyRequest, regionCode: string | undefined): string {
  const principal = principalOf(request);
  if (regionCode === undefined) return principal.regionCode;
  assertRegionScope(principal, regionCode);
  return regionCode;
}

/** RFC 5987 file name (Chinese names survive every browser). */
function attachment(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Bank profiles, special accounts and the files exchanged with the bank (instruction, result template). */
/**
 * `ports`: what the reports domain lends the period close (its 账表相符 check and the freezing of
 * the month's report figures), handed in by src/api/routes.ts.
 */
export async function bankRoutes(fastify: FastifyInstance, ports: PeriodClosePorts = {}): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = () => app.deps.database.db;
  const tags = ['ledger'] as const;

  app.get(
    '/api/ledger/bank-profiles',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '银行文件格式（批量代发指令、结果文件、对账单）',
        response: { 200: BANK_PROFILE_LIST_SCHEMA },
      },
    },
    async (request) => ({ items: await listProfiles(db(), principalOf(request).provinceCode) }),
  );

  app.put(
    '/api/ledger/bank-profiles',
    {
      config: { access: 'ledger.reconcile' },
      schema: {
        tags,
        summary: '新增或调整本省的银行文件格式（含对账单列映射）',
        body: schema.profileBody,
        response: { 200: BANK_PROFILE_SCHEMA },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) =>
          saveProfile(trx, request.auditContext, {
            provinceCode: principalOf(request).provinceCode,
            profile: request.body.profile,
          }),
        ),
  );

  app.get(
    '/api/ledger/bank-accounts',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '专户（开户行、账号、银行格式）列表',
        querystring: schema.regionQuery,
        response: { 200: SPECIAL_ACCOUNT_LIST_SCHEMA },
      },
    },
    async (request) => ({
      items: await listSpecialAccounts(
        db(),
        regionLikePattern(scopedRegion(request, request.query.regionCode)),
      ),
    }),
  );

  app.put(
    '/api/ledger/bank-accounts',
    {
      config: { access: 'ledger.reconcile' },
      schema: {
        tags,
        summary: '登记或变更地区专户及其银行格式',
        body: schema.specialAccountBody,
        response: { 200: SPECIAL_ACCOUNT_SCHEMA },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => saveSpecialAccount(trx, request.auditContext, request.body)),
  );

  app.get(
    '/api/ledger/payment-batches/:id/instruction-file',
    {
      config: { access: 'payment.order' },
      schema: {
        tags,
        summary: '下载支付指令文件（按专户银行格式：xlsx、CSV 或定长文本，GBK 或带 BOM 的 UTF-8）',
        params: schema.idParams,
        querystring: schema.fileChoiceQuery,
      },
    },
    async (request, reply) => {
      const batch = await getPaymentBatch(db(), request.params.id);
      assertRegionScope(principalOf(request), batch.regionCode);
      const file = await db()
        .transaction()
        .execute(async (trx) => {
          const made = await instructionFile(trx, { batchId: batch.id, ...request.query });
          await recordBankAccountsRead(trx, request, batch, '下载支付指令文件');
          return made;
        });
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', attachment(file.fileName))
        .header('x-bank-profile', file.profileCode)
        .send(file.content);
    },
  );

  app.get(
    '/api/ledger/payment-batches/:id/result-template',
    {
      config: { access: 'payment.order' },
      schema: {
        tags,
        summary: '下载银行支付结果文件模板（与指令同格式，加处理结果、失败原因列）',
        params: schema.idParams,
        querystring: schema.fileChoiceQuery,
      },
    },
    async (request, reply) => {
      const batch = await getPaymentBatch(db(), request.params.id);
      assertRegionScope(principalOf(request), batch.regionCode);
      const file = await db()
        .transaction()
        .execute(async (trx) => {
          const made = await resultTemplate(trx, { batchId: batch.id, ...request.query });
          await recordBankAccountsRead(trx, request, batch, '下载银行支付结果文件模板');
          return made;
        });
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', attachment(file.fileName))
        .header('x-bank-profile', file.profileCode)
        .send(file.content);
    },
  );

  app.post(
    '/api/ledger/statements',
    {
      config: { access: 'ledger.reconcile' },
      schema: {
        tags,
        summary:
          '导入银行对账单（xlsx 或 CSV，GBK 或 UTF-8；借贷两列或一列带符号发生额；列映射可存为本省格式）',
        body: schema.statementImportBody,
        response: { 200: STATEMENT_SUMMARY_SCHEMA, 201: STATEMENT_SUMMARY_SCHEMA },
      },
    },
    async (request, reply) => {
      const { fileBase64, ...body } = request.body;
      const imported = await db()
        .transaction()
        .execute((trx) =>
          importStatement(trx, request.auditContext, {
            ...body,
            ...(fileBase64 ? { file: Buffer.from(fileBase64, 'base64') } : {}),
          }),
        );
      return reply.status(imported.isReplay ? 200 : 201).send(imported);
    },
  );

  app.get(
    '/api/ledger/statements',
    {
      config: { access: 'ledger.reconcile' },
      schema: {
        tags,
        summary: '已导入的银行对账单',
        querystring: schema.pagedRegionQuery,
        response: { 200: STATEMENT_PAGE_SCHEMA },
      },
    },
    async (request) =>
      listStatements(db(), {
        regionPattern: regionLikePattern(scopedRegion(request, request.query.regionCode)),
        page: request.query.page,
        pageSize: request.query.pageSize,
      }),
  );

  app.get(
    '/api/ledger/statements/:id/reconciliation',
    {
      config: { access: 'ledger.reconcile' },
      schema: {
        tags,
        summary: '银行对账工作底稿（双向勾对、差异分类、余额调节表；不保存）',
        params: schema.idParams,
        querystring: schema.worksheetQuery,
        response: { 200: PREPARED_WORKSHEET_SCHEMA },
      },
    },
    async (request) => {
      const statement = await getStatement(db(), request.params.id);
      assertRegionScope(principalOf(request), statement.region_code);
      const period =
        request.query.period ??
        (
          await db()
            .selectFrom('bank_statement_line')
            .select((eb) => eb.fn.max('booking_date').as('last'))
            .where('statement_id', '=', statement.id)
            .executeTakeFirst()
        )?.last?.slice(0, 7) ??
        app.clock.today().slice(0, 7);
      return prepareWorksheet(db(), {
        statementId: statement.id,
        period,
        toleranceDays: request.query.toleranceDays,
      });
    },
  );

  app.post(
    '/api/ledger/reconciliations',
    {
      config: { access: 'ledger.reconcile', scopedIds: { 'body.statementId': 'bankStatement' } },
      schema: {
        tags,
        summary: '编制月度银行对账（保存工作底稿，待他人复核）',
        body: schema.reconciliationBody,
        response: { 201: RECONCILIATION_SCHEMA },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await db()
          .transaction()
          .execute((trx) => prepareReconciliation(trx, request.auditContext, request.body)),
      ),
  );

  app.get(
    '/api/ledger/reconciliations',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '银行对账记录列表',
        querystring: schema.reconciliationListQuery,
        response: { 200: RECONCILIATION_PAGE_SCHEMA },
      },
    },
    async (request) =>
      listReconciliations(db(), {
        regionPattern: regionLikePattern(scopedRegion(request, request.query.regionCode)),
        ...(request.query.period ? { period: request.query.period } : {}),
        page: request.query.page,
        pageSize: request.query.pageSize,
      }),
  );

  app.get(
    '/api/ledger/reconciliations/:id',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '银行对账记录（工作底稿与余额调节表）',
        params: schema.idParams,
        response: { 200: RECONCILIATION_SCHEMA },
      },
    },
    async (request) => {
      const reconciliation = await getReconciliation(db(), request.params.id);
      assertRegionScope(principalOf(request), reconciliation.regionCode);
      return reconciliation;
    },
  );

  app.post(
    '/api/ledger/reconciliations/:id/sign-off',
    {
      config: { access: 'ledger.reconcile' },
      schema: {
        tags,
        summary: '复核银行对账（须非编制人、调节后余额相等、无未更正差错）',
        params: schema.idParams,
        response: { 200: RECONCILIATION_SCHEMA },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => signOffReconciliation(trx, request.auditContext, { id: request.params.id })),
  );

  app.post(
    '/api/ledger/statement-postings',
    {
      config: { access: 'ledger.post', scopedIds: { 'body.statementLineId': 'statementLine' } },
      schema: {
        tags,
        summary: '按对账单行提出利息或手续费记账（进入待复核，由另一名财政人员复核后记账）',
        body: schema.postingBody,
        response: STATEMENT_POSTING_ANSWERS,
      },
    },
    async (request, reply) => {
      const approval = await db()
        .transaction()
        .execute((trx) =>
          requestStatementPosting(trx, request.auditContext, request.body, app.clock.today()),
        );
      return reply.status(approval.isReplay ? 200 : 201).send(approval);
    },
  );

  /** The province a period request names: the caller's own (a period is province-wide). */
  const provinceOfRequest = (request: FastifyRequest, provinceCode: string | undefined) => {
    const principal = principalOf(request);
    const province = provinceCode ?? principal.provinceCode;
    if (province !== principal.provinceCode) assertRegionScope(principal, province);
    return province;
  };

  app.get(
    '/api/ledger/periods/checklist',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '月结检查清单（顺序、已结束、对账已复核、无在途）',
        querystring: schema.periodQuery,
        response: { 200: PERIOD_CHECKLIST_SCHEMA },
      },
    },
    async (request) =>
      periodChecklist(
        db(),
        {
          provinceCode: provinceOfRequest(request, request.query.provinceCode),
          period: request.query.period,
          today: app.clock.today(),
        },
        ports,
      ),
  );

  app.get(
    '/api/ledger/periods',
    {
      config: { access: 'ledger.read' },
      schema: {
        tags,
        summary: '已结账月份（含结账时冻结的账务数）',
        querystring: schema.provinceQuery,
        response: { 200: CLOSED_PERIOD_LIST_SCHEMA },
      },
    },
    async (request) => ({
      items: await listClosedPeriods(db(), provinceOfRequest(request, request.query.provinceCode)),
    }),
  );

  app.post(
    '/api/ledger/periods/close',
    {
      config: { access: 'ledger.close_period' },
      schema: {
        tags,
        summary: '月度结账（省级财政人员；按月顺序、月份已结束、对账已复核、无在途支付）',
        body: schema.periodCloseBody,
        response: { 200: CLOSED_PERIOD_SCHEMA },
      },
    },
    async (request) => {
      const provinceCode = provinceOfRequest(request, request.body.provinceCode);
      assertMayClose(principalOf(request), provinceCode);
      return db()
        .transaction()
        .execute((trx) =>
          closeMonth(
            trx,
            request.auditContext,
            { provinceCode, period: request.body.period, today: app.clock.today() },
            ports,
          ),
        );
    },
  );
}
