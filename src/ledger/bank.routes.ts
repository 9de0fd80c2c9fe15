import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertRegionScope, type Principal, regionLikePattern } from '../auth/scope.ts';
import * as schema from './bank.schema.ts';
import type { FileFormat, TextEncoding } from './bank-file.codec.ts';
import { instructionFile, resultTemplate } from './bank-file.service.ts';
import {
  listProfiles,
  listSpecialAccounts,
  type SpecialAccountInput,
  saveProfile,
  saveSpecialAccount,
} from './bank-profile.service.ts';
import { getPaymentBatch } from './payment.service.ts';

const principalOf = (request: FastifyRequest): Principal => request.principal!;

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
export async function bankRoutes(app: FastifyInstance): Promise<void> {
  const db = () => app.deps.database.db;
  const tags = ['ledger'];

  app.get(
    '/api/ledger/bank-profiles',
    {
      config: { access: 'ledger.read' },
      schema: { tags, summary: '银行文件格式（批量代发指令、结果文件、对账单）' },
    },
    async (request) => ({ items: await listProfiles(db(), principalOf(request).provinceCode) }),
  );

  app.put<{ Body: { profile: unknown } }>(
    '/api/ledger/bank-profiles',
    {
      config: { access: 'ledger.reconcile' },
      schema: { tags, summary: '新增或调整本省的银行文件格式（含对账单列映射）', body: schema.profileBody },
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

  app.get<{ Querystring: { regionCode?: string } }>(
    '/api/ledger/bank-accounts',
    {
      config: { access: 'ledger.read' },
      schema: { tags, summary: '专户（开户行、账号、银行格式）列表', querystring: schema.regionQuery },
    },
    async (request) => ({
      items: await listSpecialAccounts(
        db(),
        regionLikePattern(scopedRegion(request, request.query.regionCode)),
      ),
    }),
  );

  app.put<{ Body: SpecialAccountInput }>(
    '/api/ledger/bank-accounts',
    {
      config: { access: 'ledger.reconcile' },
      schema: { tags, summary: '登记或变更地区专户及其银行格式', body: schema.specialAccountBody },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => saveSpecialAccount(trx, request.auditContext, request.body)),
  );

  app.get<{ Params: { id: number }; Querystring: { format?: FileFormat; encoding?: TextEncoding } }>(
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
      const file = await instructionFile(db(), { batchId: batch.id, ...request.query });
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', attachment(file.fileName))
        .header('x-bank-profile', file.profileCode)
        .send(file.content);
    },
  );

  app.get<{ Params: { id: number }; Querystring: { format?: FileFormat; encoding?: TextEncoding } }>(
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
      const file = await resultTemplate(db(), { batchId: batch.id, ...request.query });
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', attachment(file.fileName))
        .header('x-bank-profile', file.profileCode)
        .send(file.content);
    },
  );
}
