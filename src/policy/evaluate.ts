import { SUBSIDY_KIND_LABELS } from '../shared/vocabulary.ts';
import { DEFAULT_PAYEE, Decision } from './decision.ts';
import type { EvaluateRequest, EvaluateResponse } from './evaluate.types.ts';
import { type PackRegistry, type PolicyPack, SHIPPED_PACKS } from './packs/index.ts';
import { mergeParameterVersions, ParameterTimeline } from './parameter.loader.ts';
import type { ParameterOverride } from './parameter.types.ts';
import { checkAdvanceMode } from './rules/catalog-training.ts';
import { checkRequestConsistency } from './rules/consistency.ts';

export interface EvaluateOptions {
  /** Parameter versions published in the database; they take precedence over the pack files. */
  overrides?: readonly ParameterOverride[];
  /** The packs to decide by: the shipped ones unless a test brings its own (test/fixtures/packs). */
  packs?: PackRegistry;
}

// Each pack's shipped timeline, built on its first evaluation.
const BASE_TIMELINES = new WeakMap<PolicyPack, ParameterTimeline>();
// Timelines merged with an overrides array are cached per array, so a batch evaluated with the
// same published versions resolves each period once.
const MERGED_TIMELINES = new WeakMap<readonly ParameterOverride[], Map<string, ParameterTimeline>>();

function timelineFor(
  pack: PolicyPack,
  overrides: readonly ParameterOverride[] | undefined,
): ParameterTimeline {
  let base = BASE_TIMELINES.get(pack);
  if (!base) {
    base = new ParameterTimeline(pack.parameters);
    BASE_TIMELINES.set(pack, base);
  }
  if (!overrides || overrides.length === 0) return base;
  let perPack = MERGED_TIMELINES.get(overrides);
  if (!perPack) {
    perPack = new Map();
    MERGED_TIMELINES.set(overrides, perPack);
  }
  let timeline = perPack.get(pack.id);
  if (!timeline) {
    timeline = new ParameterTimeline(mergeParameterVersions(pack.id, pack.parameters, overrides));
    perPack.set(pack.id, timeline);
  }
  return timeline;
}

function noPolicy(
  request: EvaluateRequest,
  policy: string | null,
  message: string,
  pack?: PolicyPack,
): EvaluateResponse {
  return {
    policy,
    eligible: false,
    amountFen: 0,
    payee: DEFAULT_PAYEE[request.subsidy],
    countsTowardAnnualLimit: false,
    lines: [],
    denials: [{ code: 'POLICY_NOT_IN_FORCE', message, ...(pack ? { citation: pack.periodCitation } : {}) }],
    warnings: [],
    parameterVersions: [],
    outcome: 'not_eligible',
  };
}

/**
 * Decides one schema-valid request: finds the pack of the region, checks the document is in
 * force on the request date and covers the subsidy, then runs the pack's checks and formula.
 * Pure: no I/O, the same request and overrides always give the same response.
 */
export function evaluate(request: EvaluateRequest, options: EvaluateOptions = {}): EvaluateResponse {
  const decided = decide(request, options);
  return decided instanceof Decision ? decided.finish() : decided;
}

/**
 * The work of `evaluate` without building the response: the finished Decision when a pack
 * decided the request (ResponseJsonWriter#decided writes it as JSON without the response object),
 * or the response when no pack could.
 */
export function decide(request: EvaluateRequest, options: EvaluateOptions = {}): Decision | EvaluateResponse {
  const pack = (options.packs ?? SHIPPED_PACKS).resolve(request.region);
  if (!pack) return noPolicy(request, null, `地区 ${request.region} 没有适用的政策文件`);
  if (request.date < pack.inForceFrom || (pack.inForceTo !== null && request.date > pack.inForceTo)) {
    const period = `${pack.inForceFrom}至${pack.inForceTo ?? '今'}`;
    return noPolicy(request, pack.id, `${pack.document}的适用期间为${period}，${request.date}不在其内`, pack);
  }
  const evaluator = pack.evaluators[request.subsidy];
  if (!evaluator)
    return noPolicy(request, pack.id, `${pack.document}未规定${SUBSIDY_KIND_LABELS[request.subsidy]}`, pack);
  const decision = new Decision(request, pack.id, timelineFor(pack, options.overrides).at(request.date));
  for (const check of pack.preChecks) check(decision);
  checkAdvanceMode(decision);
  evaluator(decision);
  checkRequestConsistency(decision);
  decision.settle();
  return decision;
}

/** Evaluates many requests with the same options (the batch path of the CLI and the bench). */
export function evaluateBatch(
  requests: readonly EvaluateRequest[],
  options: EvaluateOptions = {},
): EvaluateResponse[] {
  const responses = new Array<EvaluateResponse>(requests.length);
  for (let index = 0; index < requests.length; index += 1)
    responses[index] = evaluate(requests[index]!, options);
  return responses;
}
