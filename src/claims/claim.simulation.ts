import { regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { trialBalance } from '../ledger/ledger-report.service.ts';
import { SUB_ACCOUNTS } from '../ledger/transfer.service.ts';
import { evaluate } from '../policy/evaluate.ts';
import type { EvaluateRequest, Level } from '../policy/evaluate.types.ts';
import type { ParameterOverride } from '../policy/parameter.types.ts';
import { LIVE_CLAIM_STATUSES } from './claim.repository.ts';
import { withStoredForms } from './claim.stored-form.ts';
import type { ClaimStatus } from './claim.workflow.ts';

/** A proposed catalog standard: every stored line of this occupation and level is re-priced at it. */
export interface CatalogChange {
  occupationCode: string;
  level: Level;
  standardFen: number;
}

export interface StoredSimulationInput {
  /** The region subtree whose claims are re-decided (the claim's region). */
  regionCode: string;
  /** Application dates of the claims, inclusive. */
  from: string;
  to: string;
  /** Parameter versions as they would stand after the change (published ones plus the proposal). */
  proposed: readonly ParameterOverride[];
  /** Parameter versions as they stand. */
  baseline: readonly ParameterOverride[];
  catalogChanges: readonly CatalogChange[];
}

export interface SimulationTotal {
  key: string;
  lineCount: number;
  beforeFen: number;
  afterFen: number;
  differenceFen: number;
}

export interface StoredSimulationResult {
  lineCount: number;
  /** What the stored decisions granted. */
  storedTotalFen: number;
  /** The same lines re-decided with today's parameters and catalog. */
  totalBeforeFen: number;
  /** … and under the proposed change. */
  totalAfterFen: number;
  differenceFen: number;
  changedLineCount: number;
  eligibilityChangedCount: number;
  /** Distinct persons whose amount or eligibility changes. */
  personsAffected: number;
  byRegion: SimulationTotal[];
  bySubsidyKind: SimulationTotal[];
  /** A person in several groups counts in each of them; `none` when the request named no group. */
  byGroup: SimulationTotal[];
  /** The special account of the region subtree: unassigned plus spending sub-accounts. */
  specialAccount: { balanceFen: number; balanceAfterChangeFen: number; isSufficient: boolean };
}

export interface StoredLine {
  lineId: number;
  personId: number | null;
  regionCode: string;
  subsidyKind: string;
  isEligible: boolean;
  amountFen: number;
  request: EvaluateRequest;
}

const PAGE_SIZE = 500;

/** One page of the stored active lines of live claims in the region and period, by line id. */
export async function storedLinesPage(
  executor: Executor,
  input: { regionCode: string; from: string; to: string },
  afterLineId: number,
  limit = PAGE_SIZE,
): Promise<StoredLine[]> {
  const rows = await executor
    .selectFrom('claim_line as l')
    .innerJoin('claim as c', (join) =>
      join.onRef('c.id', '=', 'l.claim_id').onRef('c.province_code', '=', 'l.province_code'),
    )
    .select([
      'l.id',
      'l.person_id',
      'c.region_code',
      'c.subsidy_kind',
      'l.is_eligible',
      'l.amount_fen',
      'l.province_code',
      'l.request',
      'l.decision',
      'l.request_shape',
      'l.decision_shape',
    ])
    .where('c.region_code', 'like', regionLikePattern(input.regionCode))
    .where('c.application_date', '>=', input.from)
    .where('c.application_date', '<=', input.to)
    .where('c.status', 'in', LIVE_CLAIM_STATUSES as ClaimStatus[])
    .where('l.status', '=', 'active')
    .where('l.id', '>', afterLineId)
    .orderBy('l.id')
    .limit(limit)
    .execute();
  return (await withStoredForms(executor, rows))
    .filter((row) => isRequest(row.request))
    .map((row) => ({
      lineId: Number(row.id),
      personId: row.person_id === null ? null : Number(row.person_id),
      regionCode: row.region_code,
      subsidyKind: row.subsidy_kind,
      isEligible: row.is_eligible,
      amountFen: Number(row.amount_fen),
      request: row.request as EvaluateRequest,
    }));
}

/** Count of the lines a simulation will re-decide (for progress). */
export async function countStoredLines(
  executor: Executor,
  input: { regionCode: string; from: string; to: string },
): Promise<number> {
  const row = await executor
    .selectFrom('claim_line as l')
    .innerJoin('claim as c', (join) =>
      join.onRef('c.id', '=', 'l.claim_id').onRef('c.province_code', '=', 'l.province_code'),
    )
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('c.region_code', 'like', regionLikePattern(input.regionCode))
    .where('c.application_date', '>=', input.from)
    .where('c.application_date', '<=', input.to)
    .where('c.status', 'in', LIVE_CLAIM_STATUSES as ClaimStatus[])
    .where('l.status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

function isRequest(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { region?: unknown }).region === 'string' &&
    typeof (value as { subsidy?: unknown }).subsidy === 'string'
  );
}

/**
 * The request a stored line would carry under the catalog change: a line whose standard came
 * from the catalog (it states one) for a changed occupation and level gets the new standard.
 */
export function withCatalogChanges(
  request: EvaluateRequest,
  changes: readonly CatalogChange[],
): EvaluateRequest {
  const training = request.training;
  if (training?.catalogStandardFen === undefined || training.occupationCode === undefined) return request;
  const level = training.level ?? request.certificate?.level;
  const change = changes.find(
    (candidate) => candidate.occupationCode === training.occupationCode && candidate.level === level,
  );
  if (!change) return request;
  return { ...request, training: { ...training, catalogStandardFen: change.standardFen } };
}

function addTo(totals: Map<string, SimulationTotal>, key: string, beforeFen: number, afterFen: number): void {
  let total = totals.get(key);
  if (!total) {
    total = { key, lineCount: 0, beforeFen: 0, afterFen: 0, differenceFen: 0 };
    totals.set(key, total);
  }
  total.lineCount += 1;
  total.beforeFen += beforeFen;
  total.afterFen += afterFen;
  total.differenceFen = total.afterFen - total.beforeFen;
}

const sorted = (totals: Map<string, SimulationTotal>) =>
  [...totals.values()].sort((a, b) => a.key.localeCompare(b.key));

/**
 * 补贴标准动态评估调整 over what the platform holds: every stored line of the region and period
 * is decided again with its stored facts and history, once as things stand and once under the
 * proposed parameter or catalog change, page by page (`onProgress` after each page). Nothing is
 * written.
 */
export async function simulateStoredClaims(
  executor: Executor,
  input: StoredSimulationInput,
  onProgress: (processed: number, total: number) => void = () => {},
): Promise<StoredSimulationResult> {
  const total = await countStoredLines(executor, input);
  const byRegion = new Map<string, SimulationTotal>();
  const byKind = new Map<string, SimulationTotal>();
  const byGroup = new Map<string, SimulationTotal>();
  const affected = new Set<number>();
  const result: Omit<StoredSimulationResult, 'byRegion' | 'bySubsidyKind' | 'byGroup' | 'specialAccount'> = {
    lineCount: 0,
    storedTotalFen: 0,
    totalBeforeFen: 0,
    totalAfterFen: 0,
    differenceFen: 0,
    changedLineCount: 0,
    eligibilityChangedCount: 0,
    personsAffected: 0,
  };
  let afterLineId = 0;
  for (;;) {
    const page = await storedLinesPage(executor, input, afterLineId);
    if (page.length === 0) break;
    for (const line of page) {
      const before = evaluate(line.request, { overrides: input.baseline });
      const after = evaluate(withCatalogChanges(line.request, input.catalogChanges), {
        overrides: input.proposed,
      });
      result.lineCount += 1;
      result.storedTotalFen += line.isEligible ? line.amountFen : 0;
      result.totalBeforeFen += before.amountFen;
      result.totalAfterFen += after.amountFen;
      addTo(byRegion, line.regionCode, before.amountFen, after.amountFen);
      addTo(byKind, line.subsidyKind, before.amountFen, after.amountFen);
      const groups = line.request.person?.groups ?? [];
      for (const group of groups.length > 0 ? groups : ['none'])
        addTo(byGroup, group, before.amountFen, after.amountFen);
      if (before.amountFen !== after.amountFen || before.eligible !== after.eligible) {
        result.changedLineCount += 1;
        if (before.eligible !== after.eligible) result.eligibilityChangedCount += 1;
        if (line.personId !== null) affected.add(line.personId);
      }
    }
    afterLineId = page[page.length - 1]!.lineId;
    onProgress(result.lineCount, total);
  }
  result.differenceFen = result.totalAfterFen - result.totalBeforeFen;
  result.personsAffected = affected.size;
  const balanceFen = await specialAccountBalance(executor, input.regionCode);
  return {
    ...result,
    byRegion: sorted(byRegion),
    bySubsidyKind: sorted(byKind),
    byGroup: sorted(byGroup),
    specialAccount: {
      balanceFen,
      balanceAfterChangeFen: balanceFen - result.differenceFen,
      isSufficient: balanceFen - result.differenceFen >= 0,
    },
  };
}

/** What the region subtree's special account still holds: unassigned money and spending sub-accounts. */
async function specialAccountBalance(executor: Executor, regionCode: string): Promise<number> {
  const spending = new Set<string>(['special', ...SUB_ACCOUNTS]);
  const balance = await trialBalance(executor, { regionCode });
  return balance.accounts
    .filter((account) => spending.has(account.kind))
    .reduce((sum, account) => sum + account.balanceFen, 0);
}

/**
 * The live claims a parameter version effective from `effectiveFrom` would re-price: claims of the
 * pack's jurisdiction applied for on or after that date with lines the pack decided.
 */
export async function claimsRepricedFrom(
  executor: Executor,
  input: { regionCode: string; packId: string; effectiveFrom: string; limit: number },
): Promise<{ total: number; claims: { claimNumber: string; applicationDate: string; lineCount: number }[] }> {
  const rows = await executor
    .selectFrom('claim as c')
    .innerJoin('claim_line as l', (join) =>
      join.onRef('l.claim_id', '=', 'c.id').onRef('l.province_code', '=', 'c.province_code'),
    )
    .select((eb) => ['c.claim_number', 'c.application_date', eb.fn.countAll<string>().as('lines')])
    .where('c.region_code', 'like', regionLikePattern(input.regionCode))
    .where('c.application_date', '>=', input.effectiveFrom)
    .where('c.status', 'in', LIVE_CLAIM_STATUSES as ClaimStatus[])
    .where('l.policy_id', '=', input.packId)
    .where('l.status', '=', 'active')
    .groupBy(['c.claim_number', 'c.application_date'])
    .orderBy('c.application_date')
    .orderBy('c.claim_number')
    .execute();
  return {
    total: rows.length,
    claims: rows.slice(0, input.limit).map((row) => ({
      claimNumber: row.claim_number,
      applicationDate: row.application_date,
      lineCount: Number(row.lines),
    })),
  };
}
