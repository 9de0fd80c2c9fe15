import type { FastifyInstance } from 'fastify';
import { assertRegionScope } from '../auth/scope.ts';
import type * as ClaimSimulation from '../claims/claim.simulation.ts';
import type { Executor } from '../db/database.ts';
import type * as Catalog from '../registry/catalog.service.ts';
import { AppError } from '../shared/errors.ts';
import type { SchemaTypedApp, SchemaTypeProvider } from '../shared/type-provider.ts';
import { DECISION_SCHEMA } from './decision.schema.ts';
import { evaluateRequestSchema, validateEvaluateRequest } from './evaluate.schema.ts';
import { evaluate } from './evaluate.ts';
import type { EvaluateRequest } from './evaluate.types.ts';
import { LEVELS, SUBSIDY_KINDS } from './evaluate.types.ts';
import { POLICY_PACKS, packById } from './packs/index.ts';
import { subsidyCoverage } from './parameter.query.ts';
import {
  forgetPublishedOverrides,
  listParameterVersions,
  publishParameterVersion,
  recentPublishedOverrides,
} from './parameter.service.ts';
import {
  GET_POLICY_COVERAGE_ANSWER,
  GET_POLICY_PACKS_ANSWER,
  GET_POLICY_PACKS_BY_PACK_ID_PARAMETERS_ANSWER,
  POST_POLICY_SIMULATE_ANSWER,
  POST_PUBLIC_CALCULATE_ANSWER,
  PUBLISHED_PARAMETER_ROW_SCHEMA,
} from './policy-answers.schema.ts';
import { proposedOverrides, simulate } from './simulate.ts';

const citationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['doc', 'article'],
  properties: {
    doc: { type: 'string', minLength: 1, maxLength: 200 },
    article: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const parameterValueSchema = {
  anyOf: [
    { type: 'integer' },
    { type: 'string', maxLength: 200 },
    { type: 'boolean' },
    { type: 'array', maxItems: 64, items: { type: 'string' } },
  ],
} as const;

const changeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['packId', 'key', 'effectiveFrom', 'value', 'citation'],
  properties: {
    packId: { type: 'string', pattern: '^cn-[0-9]{6}-[0-9]{4}$' },
    key: { type: 'string', maxLength: 100 },
    effectiveFrom: { type: 'string', format: 'date' },
    value: parameterValueSchema,
    citation: citationSchema,
    note: { type: 'string', maxLength: 500 },
  },
} as const;

/** Re-checks what JSON Schema cannot (end before start) and answers 400 naming each field. */
function checkedRequest(body: unknown, prefix = ''): EvaluateRequest {
  const result = validateEvaluateRequest(body);
  if (result.ok) return result.value;
  const details = result.details.map((detail) => ({ ...detail, field: `${prefix}${detail.field}` }));
  throw new AppError('INVALID_REQUEST', '请求不符合补贴测算接口（第1版）的规定', details);
}

/** The v1 evaluate API, policy packs, parameter versions and simulation. */
/**
 * What the policy routes need from other domains, handed in by src/api/routes.ts: the simulation
 * over stored claims and the claims a retroactive version re-prices are the claims domain's
 * (claims/claim.simulation.ts), the published catalog is the registry's (registry asks policy what
 * a document decides of catalogs, so policy must not import it back); policy imports only their
 * types.
 */
export interface PolicyPorts {
  simulateStoredClaims: typeof ClaimSimulation.simulateStoredClaims;
  claimsRepricedFrom: typeof ClaimSimulation.claimsRepricedFrom;
  findCatalogEntry: typeof Catalog.findCatalogEntry;
  getCatalogVersion: typeof Catalog.getCatalogVersion;
}

export async function policyRoutes(fastify: FastifyInstance, ports: PolicyPorts): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = () => app.deps.database.db;
  const tags = ['policy'] as const;

  app.post(
    '/api/v1/evaluate',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '补贴测算 evaluate a subsidy request (v1 contract)',
        body: evaluateRequestSchema,
        response: { 200: DECISION_SCHEMA },
      },
      // The published v1 contract answers exactly what the engine returns, in its order: the
      // schema documents the answer, JSON.stringify writes it (no field dropped or reordered).
      serializerCompiler: () => (answer) => JSON.stringify(answer),
    },
    async (request) =>
      evaluate(checkedRequest(request.body), { overrides: await recentPublishedOverrides(db()) }),
  );

  app.post(
    '/api/public/calculate',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '公众补贴计算器：按已发布的补贴标准目录带出标准并测算（无需登录）',
        description:
          '与 /api/v1/evaluate 的请求相同；填写职业（工种）和等级而不填目录补贴标准时，按该地区该日期有效的已发布目录带出标准，并返回目录版本和依据。',
        body: evaluateRequestSchema,
        response: { 200: POST_PUBLIC_CALCULATE_ANSWER },
      },
    },
    async (request) => {
      const evaluateRequest = checkedRequest(request.body);
      const catalog = await catalogStandardFor(db(), evaluateRequest, ports);
      const filled: EvaluateRequest = catalog.training
        ? { ...evaluateRequest, training: catalog.training }
        : evaluateRequest;
      const decision = evaluate(filled, { overrides: await recentPublishedOverrides(db()) });
      return {
        catalog: catalog.entry,
        decision,
        guidance: decision.denials
          .filter((denial) => denial.code === 'MISSING_INPUT')
          .map((denial) => denial.message),
      };
    },
  );

  await parameterRoutes(app, ports);
  await simulationRoute(app, ports);
}

/** Packs and parameter versions: public reading, publishing by permission within the region. */
async function parameterRoutes(app: SchemaTypedApp, ports: PolicyPorts): Promise<void> {
  const db = () => app.deps.database.db;
  const tags = ['policy'] as const;

  app.get(
    '/api/policy/packs',
    {
      config: { access: 'public' },
      schema: { tags, summary: '政策包列表', response: { 200: GET_POLICY_PACKS_ANSWER } },
    },
    async () => ({
      items: POLICY_PACKS.map((pack) => ({
        id: pack.id,
        regionCode: pack.regionCode,
        document: pack.document,
        title: pack.title,
        inForceFrom: pack.inForceFrom,
        inForceTo: pack.inForceTo,
        subsidies: Object.keys(pack.evaluators),
      })),
    }),
  );

  app.get(
    '/api/policy/coverage',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '某地区适用的政策文件是否规定某类补贴（申请前告知，不必等提交时才被拒）',
        querystring: {
          type: 'object',
          required: ['regionCode', 'subsidyKind'],
          additionalProperties: false,
          properties: {
            regionCode: { type: 'string', pattern: '^[0-9]{6}$' },
            subsidyKind: { type: 'string', enum: [...SUBSIDY_KINDS] },
            date: { type: 'string', format: 'date', description: '默认为业务日期' },
          },
        },
        response: { 200: GET_POLICY_COVERAGE_ANSWER },
      },
    },
    async (request) =>
      subsidyCoverage(
        request.query.regionCode,
        request.query.date ?? app.clock.today(),
        request.query.subsidyKind,
      ),
  );

  app.get(
    '/api/policy/packs/:packId/parameters',
    {
      config: { access: 'public' },
      schema: {
        response: { 200: GET_POLICY_PACKS_BY_PACK_ID_PARAMETERS_ANSWER },
        tags,
        summary: '政策参数及其版本（文件内置与已发布）',
        params: {
          type: 'object',
          required: ['packId'],
          properties: { packId: { type: 'string', maxLength: 40 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { key: { type: 'string', maxLength: 100 } },
        },
      },
    },
    async (request) => ({
      items: await listParameterVersions(db(), {
        packId: request.params.packId,
        ...(request.query.key ? { key: request.query.key } : {}),
      }),
    }),
  );

  app.post(
    '/api/policy/parameter-versions',
    {
      config: {
        access: 'policy.parameter.publish',
        scopedIds: {
          'body.packId': { unscoped: 'a policy pack: reference data; the route checks the pack’s region' },
        },
      },
      schema: {
        response: { 201: PUBLISHED_PARAMETER_ROW_SCHEMA },
        tags,
        summary:
          '发布参数新版本（按生效日期，校验文件规定的上下限；生效日期早于今天须确认并列出将重新核定的申请）',
        body: {
          ...changeSchema,
          properties: { ...changeSchema.properties, confirmRetroactive: { type: 'boolean' } },
        },
      },
    },
    async (request, reply) => {
      // Only an officer whose region covers the pack's jurisdiction may change its parameters.
      const pack = packById(request.body.packId);
      if (pack && request.principal) assertRegionScope(request.principal, pack.regionCode);
      const { confirmRetroactive, ...change } = request.body;
      const repricedClaims = pack
        ? await retroactiveCheck(app, ports, pack, change, confirmRetroactive === true)
        : undefined;
      const row = await db()
        .transaction()
        .execute((transaction) =>
          publishParameterVersion(transaction, request.auditContext, {
            ...change,
            ...(repricedClaims ? { repricedClaims } : {}),
          }),
        );
      // After the commit: a read that raced the transaction must not stay cached.
      forgetPublishedOverrides();
      return reply.code(201).send(row);
    },
  );
}

const REPRICED_LISTED = 100;

/**
 * A version effective before today changes how claims already applied for are decided: it is
 * published only with `confirmRetroactive: true`, after a 409 that lists the claims it re-prices.
 */
async function retroactiveCheck(
  app: SchemaTypedApp,
  ports: PolicyPorts,
  pack: { id: string; regionCode: string },
  change: { effectiveFrom: string },
  isConfirmed: boolean,
): Promise<{ total: number; claimNumbers: string[] } | undefined> {
  if (change.effectiveFrom >= app.clock.today()) return undefined;
  const repriced = await ports.claimsRepricedFrom(app.deps.database.db, {
    regionCode: pack.regionCode,
    packId: pack.id,
    effectiveFrom: change.effectiveFrom,
    limit: REPRICED_LISTED,
  });
  if (isConfirmed)
    return { total: repriced.total, claimNumbers: repriced.claims.map((claim) => claim.claimNumber) };
  throw new AppError(
    'RETROACTIVE_CONFIRMATION_REQUIRED',
    `生效日期${change.effectiveFrom}早于今天，发布后将按新参数重新核定${repriced.total}笔已申请的补贴；确认无误后请勾选“确认追溯生效”再发布`,
    [
      { field: 'confirmRetroactive', message: `将重新核定${repriced.total}笔申请` },
      ...repriced.claims.map((claim) => ({
        field: 'claims',
        message: `${claim.claimNumber}（申请日期${claim.applicationDate}，${claim.lineCount}条明细）`,
      })),
      ...(repriced.total > REPRICED_LISTED
        ? [{ field: 'claims', message: `另有${repriced.total - REPRICED_LISTED}笔未列出` }]
        : []),
    ],
  );
}

const catalogChangeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['occupationCode', 'level', 'standardFen'],
  properties: {
    occupationCode: { type: 'string', pattern: '^[1-8](-[0-9]{2}){1,3}$' },
    level: { type: 'string', enum: [...LEVELS] },
    standardFen: { type: 'integer', minimum: 0, maximum: 100_000_000 },
  },
} as const;

function invalidSimulation(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', '模拟测算的条件不完整或有误', [{ field, message }]);
}

/**
 * 补贴标准动态评估调整: simulate a proposed parameter or catalog-standard change, either over the
 * stored claim lines of a region and period (`regionCode`, `from`, `to`) or over pasted requests.
 */
async function simulationRoute(app: SchemaTypedApp, ports: PolicyPorts): Promise<void> {
  const db = () => app.deps.database.db;
  const tags = ['policy'] as const;

  app.post(
    '/api/policy/simulate',
    {
      config: {
        access: 'policy.simulate',
        scopedIds: {
          'body.changes[].packId': { unscoped: 'a policy pack: reference data of the rules engine' },
        },
      },
      schema: {
        response: { 200: POST_POLICY_SIMULATE_ANSWER },
        tags,
        summary: '补贴标准调整模拟测算：按地区和期间重新核定已存申请明细，或测算粘贴的请求（不改变任何数据）',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            requests: { type: 'array', maxItems: 10000, items: evaluateRequestSchema },
            changes: { type: 'array', maxItems: 20, items: changeSchema },
            regionCode: { type: 'string', pattern: '^[0-9]{6}$' },
            from: { type: 'string', format: 'date' },
            to: { type: 'string', format: 'date' },
            catalogChanges: { type: 'array', maxItems: 200, items: catalogChangeSchema },
          },
        },
      },
    },
    async (request) => {
      const body = request.body;
      const changes = body.changes ?? [];
      const catalogChanges = body.catalogChanges ?? [];
      if (changes.length === 0 && catalogChanges.length === 0)
        throw invalidSimulation('changes', '请至少提出一项参数调整或目录标准调整');
      const baseline = await recentPublishedOverrides(db());
      const checked = proposedOverrides(changes, baseline);
      if (!checked.ok)
        throw new AppError(
          'VALIDATION_FAILED',
          '参数值不符合政策文件的规定',
          checked.problems.map(({ field, message }) => ({ field, message })),
        );
      if (body.regionCode === undefined) {
        if (catalogChanges.length > 0)
          throw invalidSimulation('regionCode', '目录标准调整须按地区和期间测算已存申请');
        const requests = (body.requests ?? []).map((item, index) =>
          checkedRequest(item, `requests[${index}].`),
        );
        const outcome = simulate(requests, changes, baseline);
        if (!outcome.ok) throw new Error('parameter changes were validated above');
        return outcome.result;
      }
      if (body.from === undefined) throw invalidSimulation('from', '请填写申请日期的起始日');
      if (body.to === undefined) throw invalidSimulation('to', '请填写申请日期的截止日');
      if (body.to < body.from) throw invalidSimulation('to', '截止日不能早于起始日');
      if (request.principal) assertRegionScope(request.principal, body.regionCode);
      return ports.simulateStoredClaims(db(), {
        regionCode: body.regionCode,
        from: body.from,
        to: body.to,
        baseline,
        proposed: checked.overrides,
        catalogChanges,
      });
    },
  );
}

/**
 * The catalog standard the platform holds for the request's occupation and level: the published
 * catalog in force for the region on the date. A person never types the standard; an occupation
 * missing from the published catalog is not in the catalog.
 */
async function catalogStandardFor(
  executor: Executor,
  request: EvaluateRequest,
  { findCatalogEntry, getCatalogVersion }: Pick<PolicyPorts, 'findCatalogEntry' | 'getCatalogVersion'>,
) {
  const training = request.training;
  const level = training?.level;
  if (!training?.occupationCode || !level || training.catalogStandardFen !== undefined) return {};
  const entry = await findCatalogEntry(executor, {
    regionCode: request.region,
    occupationCode: training.occupationCode,
    level,
    on: request.date,
  });
  // A withdrawn entry is no longer offered (nor filed against); classes filed before keep it.
  if (!entry || entry.status === 'withdrawn')
    return { entry: null, training: { ...training, inCatalog: false } };
  const version = await getCatalogVersion(executor, entry.versionId);
  return {
    training: { ...training, inCatalog: true, catalogStandardFen: entry.standardAmountFen },
    entry: {
      occupationCode: entry.occupationCode,
      level: entry.level,
      standardFen: entry.standardAmountFen,
      citation: { doc: entry.citation.document, article: entry.citation.article },
      version: version
        ? {
            id: version.id,
            versionNumber: version.versionNumber,
            title: version.title,
            regionCode: version.regionCode,
          }
        : null,
    },
  };
}
