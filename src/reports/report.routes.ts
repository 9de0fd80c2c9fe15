import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assertRegionScope, type Principal } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { chinaDateOf } from '../shared/clock.ts';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import { disclosureCsv, publicDisclosure } from './disclosure.service.ts';
import { drilldown } from './drilldown.service.ts';
import { type ExportMeta, reportCsv, reportWorkbook } from './report.export.ts';
import { type PeriodInput, type ReportPeriod, resolvePeriod } from './report.period.ts';
import * as schema from './report.schema.ts';
import { buildReport, compareWithLedger, type LedgerComparison, type Report } from './report.service.ts';
import {
  GET_PUBLIC_DISCLOSURE_ANSWER,
  GET_REPORTS_ANSWER,
  GET_REPORTS_DRILLDOWN_ANSWER,
  GET_REPORTS_LEDGER_COMPARISON_ANSWER,
  GET_REPORTS_SNAPSHOTS_ANSWER,
  GET_REPORTS_SNAPSHOTS_BY_ID_ANSWER,
  GET_REPORTS_TARGETS_ANSWER,
  POST_REPORTS_FINALIZE_ANSWER,
  PUT_REPORTS_TARGETS_ANSWER,
} from './report-answers.schema.ts';
import { finalizeReport, getSnapshot, listSnapshots } from './snapshot.service.ts';
import { listTargets, targetProgress, upsertTarget } from './target.service.ts';

type PeriodQuery = PeriodInput & { regionCode?: string };

const principalOf = (request: FastifyRequest): Principal => request.principal!;

/** The region asked for (within the caller's subtree), or the caller's own. */
function scopedRegion(request: FastifyRequest, regionCode: string | undefined): string {
  const principal = principalOf(request);
  if (regionCode === undefined) return principal.regionCode;
  assertRegionScope(principal, regionCode);
  return regionCode;
}

function periodOf(query: PeriodInput): ReportPeriod {
  const { year, quarter, from, to } = query;
  return resolvePeriod({
    ...(year === undefined ? {} : { year }),
    ...(quarter === undefined ? {} : { quarter }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  });
}

const fileStem = (report: Report) =>
  `report-${report.regionCode}-${report.period.quarter ? `${report.period.year}Q${report.period.quarter}` : (report.period.year ?? `${report.period.from}_${report.period.to}`)}`;

/** Statistics, statutory reports (季报、年报), 账表相符 finalisation, targets and public disclosure. */
export async function reportRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = () => app.deps.database.db;
  const tags = ['reports'] as const;

  /** The report to export: a finalised snapshot, or the live draft of the query's region and period. */
  async function reportForExport(
    request: FastifyRequest<{ Querystring: PeriodQuery & { snapshotId?: number } }>,
  ): Promise<{ report: Report; comparison: LedgerComparison; meta: ExportMeta }> {
    if (request.query.snapshotId !== undefined) {
      const snapshot = await getSnapshot(db(), principalOf(request), request.query.snapshotId);
      return {
        report: snapshot.content,
        comparison: snapshot.ledgerComparison,
        meta: {
          preparer: snapshot.finalizedByName,
          preparedOn: chinaDateOf(snapshot.finalizedAt),
          version: snapshot.version,
        },
      };
    }
    const regionCode = scopedRegion(request, request.query.regionCode);
    const report = await buildReport(db(), { regionCode, period: periodOf(request.query) });
    const user = await db()
      .selectFrom('app_user')
      .select('display_name')
      .where('id', '=', principalOf(request).userId)
      .executeTakeFirst();
    return {
      report,
      comparison: await compareWithLedger(db(), report),
      meta: {
        preparer: user?.display_name ?? principalOf(request).loginName,
        preparedOn: app.clock.today(),
        version: null,
      },
    };
  }

  app.get(
    '/api/reports',
    {
      config: { access: 'report.read' },
      schema: {
        response: { 200: GET_REPORTS_ANSWER },
        tags,
        summary: '统计报表（季报、年报、自定义期间；本辖区含下级）',
        querystring: schema.reportQuery,
      },
    },
    async (request) => {
      const regionCode = scopedRegion(request, request.query.regionCode);
      const report = await buildReport(db(), { regionCode, period: periodOf(request.query) });
      return { ...report, ledgerComparison: await compareWithLedger(db(), report) };
    },
  );

  app.get(
    '/api/reports/ledger-comparison',
    {
      config: { access: 'report.read' },
      schema: {
        response: { 200: GET_REPORTS_LEDGER_COMPARISON_ANSWER },
        tags,
        summary: '账表核对（报表金额与专账记录逐子账户比对）',
        querystring: schema.reportQuery,
      },
    },
    async (request) => {
      const regionCode = scopedRegion(request, request.query.regionCode);
      return compareWithLedger(
        db(),
        await buildReport(db(), { regionCode, period: periodOf(request.query) }),
      );
    },
  );

  app.get(
    '/api/reports/drilldown',
    {
      config: { access: 'report.read' },
      schema: {
        response: { 200: GET_REPORTS_DRILLDOWN_ANSWER },
        tags,
        summary: '报表单元格钻取（对应的补贴明细，个人信息脱敏）',
        querystring: schema.drilldownQuery,
      },
    },
    async (request) => {
      const { dimension, key, page, pageSize } = request.query;
      const regionCode = scopedRegion(request, request.query.regionCode);
      return drilldown(db(), { regionCode, period: periodOf(request.query), dimension, key, page, pageSize });
    },
  );

  const sendWorkbook = async (
    request: FastifyRequest<{ Querystring: PeriodQuery & { snapshotId?: number } }>,
    reply: FastifyReply,
  ) => {
    const { report, comparison, meta } = await reportForExport(request);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${fileStem(report)}.xlsx"`)
      .send(await reportWorkbook(report, comparison, meta));
  };

  app.get(
    '/api/reports/export.xlsx',
    {
      config: { access: 'report.read', scopedIds: { 'query.snapshotId': 'reportSnapshot' } },
      schema: { tags, summary: '导出统计报表（xlsx，正式表样）', querystring: schema.exportQuery },
    },
    sendWorkbook,
  );

  app.get(
    '/api/reports/export.csv',
    {
      config: { access: 'report.read', scopedIds: { 'query.snapshotId': 'reportSnapshot' } },
      schema: {
        tags,
        summary: '导出统计报表（CSV，逐单元格，含下钻维度与下钻项目的中文名称）',
        querystring: schema.exportQuery,
      },
    },
    async (request, reply) => {
      const { report, comparison } = await reportForExport(request);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileStem(report)}.csv"`)
        .send(reportCsv(report, comparison));
    },
  );

  app.post(
    '/api/reports/finalize',
    {
      config: { access: 'report.finalize' },
      schema: {
        response: { 200: POST_REPORTS_FINALIZE_ANSWER, 201: POST_REPORTS_FINALIZE_ANSWER },
        tags,
        summary: '报表定稿（须账表相符；更正生成新版本）',
        body: schema.finalizeBody,
      },
    },
    async (request, reply) => {
      const { regionCode, reason } = request.body;
      const period = periodOf(request.body);
      const result = await db()
        .transaction()
        .execute((trx) =>
          finalizeReport(trx as Executor, request.auditContext, {
            regionCode,
            period,
            finalizedAt: app.clock.now(),
            ...(reason === undefined ? {} : { reason }),
          }),
        );
      return reply.status(result.isNew ? 201 : 200).send(result.snapshot);
    },
  );

  app.get(
    '/api/reports/snapshots',
    {
      config: { access: 'report.read' },
      schema: {
        response: { 200: GET_REPORTS_SNAPSHOTS_ANSWER },
        tags,
        summary: '已定稿报表及版本',
        querystring: schema.snapshotsQuery,
      },
    },
    async (request) => {
      const { page, pageSize, year, from } = request.query;
      const regionCode = scopedRegion(request, request.query.regionCode);
      const hasPeriod = year !== undefined || from !== undefined;
      return listSnapshots(db(), {
        regionCode,
        ...(hasPeriod ? { period: periodOf(request.query) } : {}),
        page,
        pageSize,
      });
    },
  );

  app.get(
    '/api/reports/snapshots/:id',
    {
      config: { access: 'report.read' },
      schema: {
        response: { 200: GET_REPORTS_SNAPSHOTS_BY_ID_ANSWER },
        tags,
        summary: '定稿报表（含与上一版本的差异）',
        params: schema.idParams,
      },
    },
    async (request) => getSnapshot(db(), principalOf(request), request.params.id),
  );

  app.get(
    '/api/reports/targets',
    {
      config: { access: 'report.read' },
      schema: {
        response: { 200: GET_REPORTS_TARGETS_ANSWER },
        tags,
        summary: '目标任务及完成进度（驾驶舱）',
        querystring: schema.targetsQuery,
      },
    },
    async (request) => {
      const regionCode = scopedRegion(request, request.query.regionCode);
      const asOf = request.query.asOf ?? app.clock.today();
      const targets = await listTargets(db(), {
        regionCode,
        ...(request.query.year === undefined ? {} : { year: request.query.year }),
      });
      return { items: await targetProgress(db(), targets, asOf) };
    },
  );

  app.put(
    '/api/reports/targets',
    {
      config: { access: 'report.finalize' },
      schema: {
        response: { 200: PUT_REPORTS_TARGETS_ANSWER },
        tags,
        summary: '设置年度或多年目标任务',
        body: schema.targetBody,
      },
    },
    async (request) => {
      assertRegionScope(principalOf(request), request.body.regionCode);
      return db()
        .transaction()
        .execute((trx) => upsertTarget(trx as Executor, request.auditContext, request.body));
    },
  );

  app.get(
    '/api/public/disclosure',
    {
      config: { access: 'public' },
      schema: {
        response: { 200: GET_PUBLIC_DISCLOSURE_ANSWER },
        tags: ['public'],
        summary: '资金使用情况公开（按地区、季度汇总，不含个人信息）',
        querystring: schema.disclosureQuery,
      },
    },
    async (request) => publicDisclosure(db(), request.query),
  );

  app.get(
    '/api/public/disclosure.csv',
    {
      config: { access: 'public' },
      schema: { tags: ['public'], summary: '资金使用情况公开（CSV）', querystring: schema.disclosureQuery },
    },
    async (request, reply) => {
      const disclosure = await publicDisclosure(db(), request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="disclosure-${disclosure.regionCode}-${disclosure.year}.csv"`,
        )
        .send(disclosureCsv(disclosure));
    },
  );
}
