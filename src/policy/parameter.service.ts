import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import { evaluate } from './evaluate.ts';
import type { EvaluateRequest, EvaluateResponse } from './evaluate.types.ts';
import { packById } from './packs/index.ts';
import {
  insertParameterVersion,
  type PublishedParameterRow,
  parameterRowsFrom,
  parameterVersionsQuery,
  type RawRow,
  selectParameterVersions,
} from './parameter.repository.ts';
import type { ParameterOverride } from './parameter.types.ts';
import { type ParameterChangeInput, toOverride, validateParameterChange } from './parameter.validation.ts';

export interface PublishParameterInput extends ParameterChangeInput {
  note?: string;
  /** A retroactive publication (effective before today): the claims it re-prices, recorded in the audit. */
  repricedClaims?: { total: number; claimNumbers: string[] };
}

/**
 * Publishes a new value of a pack parameter from an effective date, after checking it against
 * the document's bounds; the publication is audited in the same transaction. Evaluations on or
 * after the date use it; earlier dates keep the previous version.
 */
export async function publishParameterVersion(
  executor: Executor,
  context: AuditContext,
  input: PublishParameterInput,
): Promise<PublishedParameterRow> {
  const problems = validateParameterChange(input);
  if (problems.length > 0)
    throw new AppError(
      'VALIDATION_FAILED',
      '参数值不符合政策文件的规定',
      problems.map(({ field, message }) => ({ field, message })),
    );
  const pack = packById(input.packId)!;
  const provinceCode = `${pack.regionCode.slice(0, 2)}0000`;
  // A set read earlier in this transaction no longer stands (transactionOverrides below).
  transactionOverrides.delete(executor);
  const row = await insertParameterVersion(executor, {
    provinceCode,
    packId: input.packId,
    key: input.key,
    effectiveFrom: input.effectiveFrom,
    value: input.value,
    citation: input.citation,
    note: input.note ?? null,
    publishedBy: context.actor?.userId ?? null,
  });
  await recordAudit(executor, context, {
    action: 'policy.parameter.publish',
    objectType: 'policy_parameter_version',
    objectId: row.id,
    provinceCode,
    after: input.repricedClaims ? { ...row, repricedClaims: input.repricedClaims } : row,
  });
  return row;
}

/** One parameter's versions, shipped and published, for the officer's view. */
export interface ParameterHistory {
  id: string;
  packId: string;
  key: string;
  unit: string;
  description: string;
  bounds: { min?: number; max?: number } | null;
  shipped: { effectiveFrom: string; value: unknown; citation: { doc: string; article: string } }[];
  published: PublishedParameterRow[];
}

/** Lists the parameters of a pack (or one of them) with every shipped and published version. */
export async function listParameterVersions(
  executor: Executor,
  filter: { packId: string; key?: string },
): Promise<ParameterHistory[]> {
  const pack = packById(filter.packId);
  if (!pack)
    throw new AppError('NOT_FOUND', `政策包不存在：${filter.packId}`, [
      { field: 'packId', message: '政策包不存在' },
    ]);
  const published = await selectParameterVersions(executor, filter);
  const histories: ParameterHistory[] = [];
  for (const definition of pack.parameters.values()) {
    if (filter.key !== undefined && definition.key !== filter.key) continue;
    histories.push({
      id: definition.id,
      packId: pack.id,
      key: definition.key,
      unit: definition.unit,
      description: definition.description,
      bounds: definition.bounds ? { min: definition.bounds.min, max: definition.bounds.max } : null,
      shipped: definition.versions.map((version) => ({ ...version })),
      published: published.filter((row) => row.key === definition.key),
    });
  }
  return histories;
}

// The engine caches merged parameter timelines per overrides array, so the same published set
// is handed out as the same array and a server merges once per publication, not per request.
// The signature is the content, not the row ids, so two databases never share a stale set.
let lastSignature = '';
let lastOverrides: ParameterOverride[] = [];

/**
 * The published set read in a transaction, by transaction: every reader in one transaction (the
 * submission's materials checklist and its decisions) is served by its first read, one statement
 * instead of one per reader, and all of them see the same versions. A read of one province's
 * versions (`provinceCode`) serves the readers of that province; a read of all serves every
 * reader. A publication in the transaction forgets it; the next transaction reads again.
 */
const transactionOverrides = new WeakMap<
  Executor,
  { provinceCode: string | null; overrides: Promise<ParameterOverride[]> }
>();

/**
 * The latest revision of every published version, as overrides for the engine: read in the
 * caller's transaction (once per transaction), or from the database handle each time. With a
 * province, only that province's versions — all a decision in one of its regions can use.
 */
export async function loadPublishedOverrides(
  executor: Executor,
  provinceCode?: string,
): Promise<ParameterOverride[]> {
  if (!executor.isTransaction) return readPublishedOverrides(executor, provinceCode);
  const kept = transactionOverrides.get(executor);
  if (kept && (kept.provinceCode === null || kept.provinceCode === provinceCode)) return kept.overrides;
  const overrides = readPublishedOverrides(executor, provinceCode);
  transactionOverrides.set(executor, { provinceCode: provinceCode ?? null, overrides });
  // A failed read is not kept: the caller's next read tries again.
  overrides.catch(() => transactionOverrides.delete(executor));
  return overrides;
}

async function readPublishedOverrides(
  executor: Executor,
  provinceCode?: string,
): Promise<ParameterOverride[]> {
  return overridesOf(await selectParameterVersions(executor, { isLatestOnly: true, provinceCode }));
}

/**
 * The statement that reads the published set of one province (to send with others:
 * src/db/together.ts). Claims send it with the province of the claim: on Citus it routes to that
 * province's shard (docs/scaling.md).
 */
export const publishedOverridesQuery = (provinceCode: string) =>
  parameterVersionsQuery({ isLatestOnly: true, provinceCode });

/**
 * The published set from the rows of `publishedOverridesQuery(provinceCode)`, read by the caller
 * in its transaction: kept as the transaction's read for that province (`loadPublishedOverrides`
 * serves it from now on).
 */
export function keepPublishedOverrides(
  executor: Executor,
  rows: readonly RawRow[],
  provinceCode: string,
): ParameterOverride[] {
  const overrides = overridesOf(parameterRowsFrom(rows));
  if (executor.isTransaction)
    transactionOverrides.set(executor, { provinceCode, overrides: Promise.resolve(overrides) });
  return overrides;
}

/**
 * The published set for a decision or check in a region: in a transaction, the transaction's
 * read of the region's province (shared with the claim's decisions); outside one, the recent set
 * (`recentPublishedOverrides`).
 */
export function publishedOverridesForRegion(
  executor: Executor,
  regionCode: string,
): Promise<ParameterOverride[]> {
  if (executor.isTransaction) return loadPublishedOverrides(executor, `${regionCode.slice(0, 2)}0000`);
  return recentPublishedOverrides(executor);
}

function overridesOf(rows: readonly PublishedParameterRow[]): ParameterOverride[] {
  const signature = JSON.stringify(
    rows.map((row) => [row.packId, row.key, row.effectiveFrom, row.value, row.citation]),
  );
  if (signature === lastSignature) return lastOverrides;
  lastOverrides = rows.map((row) =>
    toOverride({
      packId: row.packId,
      key: row.key,
      effectiveFrom: row.effectiveFrom,
      value: row.value,
      citation: row.citation,
    }),
  );
  lastSignature = signature;
  return lastOverrides;
}

/** How long the public routes may answer from the published set they last read. */
export const PUBLISHED_OVERRIDES_MAX_AGE_MS = 1_000;

const recentOverrides = new WeakMap<
  object,
  { readAt: number; generation: number; overrides: ParameterOverride[] }
>();
let publicationGeneration = 0;

/** Forgets every recently read published set: called after a publication commits. */
export function forgetPublishedOverrides(): void {
  publicationGeneration += 1;
}

/**
 * The published set for the public evaluate and simulate routes: the one this database handle read
 * less than `PUBLISHED_OVERRIDES_MAX_AGE_MS` ago, else a fresh read. The read was half the cost of
 * an evaluation request (bench/api.ts: 2,160 req/s with it, 5,300–6,200 without). A publication through
 * this process is seen by the next request; one through another process within a second. Claim
 * decisions and the CLI keep reading `loadPublishedOverrides` in their own transaction.
 */
export async function recentPublishedOverrides(
  db: Executor,
  now: () => number = performance.now.bind(performance),
): Promise<ParameterOverride[]> {
  // In a transaction (a claim's materials checklist at submission): the transaction's own read,
  // shared with its decisions (loadPublishedOverrides), never a set older than the transaction.
  if (db.isTransaction) return loadPublishedOverrides(db);
  const cached = recentOverrides.get(db);
  if (
    cached &&
    cached.generation === publicationGeneration &&
    now() - cached.readAt < PUBLISHED_OVERRIDES_MAX_AGE_MS
  )
    return cached.overrides;
  const generation = publicationGeneration;
  const readAt = now();
  const overrides = await loadPublishedOverrides(db);
  recentOverrides.set(db, { readAt, generation, overrides });
  return overrides;
}

/**
 * Evaluates with the parameter versions published in the database: the entry point for the
 * HTTP API, the CLI and the claim workflow.
 */
export async function evaluateWithPublishedParameters(
  executor: Executor,
  request: EvaluateRequest,
): Promise<EvaluateResponse> {
  return evaluate(request, { overrides: await loadPublishedOverrides(executor) });
}
