import { evaluate } from './evaluate.ts';
import type { EvaluateRequest, EvaluateResponse } from './evaluate.types.ts';
import type { ParameterOverride } from './parameter.types.ts';
import {
  type ParameterChangeInput,
  type ParameterProblem,
  toOverride,
  validateParameterChange,
} from './parameter.validation.ts';

/** The difference one request sees under the proposed change. */
export interface SimulatedRequest {
  index: number;
  policy: string | null;
  beforeFen: number;
  afterFen: number;
  differenceFen: number;
  isEligibleBefore: boolean;
  isEligibleAfter: boolean;
}

/** The difference per line item (e.g. `training_offline`, `on_the_job_training`) over all requests. */
export interface SimulatedLineTotal {
  item: string;
  beforeFen: number;
  afterFen: number;
  differenceFen: number;
}

export interface SimulationResult {
  requestCount: number;
  totalBeforeFen: number;
  totalAfterFen: number;
  differenceFen: number;
  changedRequestCount: number;
  eligibilityChangedCount: number;
  lines: SimulatedLineTotal[];
  /** Only the requests whose amount or eligibility changed. */
  changedRequests: SimulatedRequest[];
}

export type SimulationOutcome =
  | { ok: true; result: SimulationResult }
  | { ok: false; problems: ParameterProblem[] };

function addLines(
  totals: Map<string, SimulatedLineTotal>,
  response: EvaluateResponse,
  side: 'beforeFen' | 'afterFen',
): void {
  for (const line of response.lines) {
    let total = totals.get(line.item);
    if (!total) {
      total = { item: line.item, beforeFen: 0, afterFen: 0, differenceFen: 0 };
      totals.set(line.item, total);
    }
    total[side] += line.amountFen;
  }
}

/**
 * 补贴标准动态评估调整: evaluates past requests under the current parameters and under the
 * proposed change, and reports the total and per-line differences. Pure: nothing is stored.
 */
/** The published versions plus the proposed changes, or the problems of the changes. */
export function proposedOverrides(
  proposedChanges: readonly ParameterChangeInput[],
  baseline: readonly ParameterOverride[],
): { ok: true; overrides: ParameterOverride[] } | { ok: false; problems: ParameterProblem[] } {
  const problems = proposedChanges.flatMap((change, index) =>
    validateParameterChange(change).map((problem) => ({
      field: `changes[${index}].${problem.field}`,
      message: problem.message,
    })),
  );
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, overrides: [...baseline, ...proposedChanges.map(toOverride)] };
}

export function simulate(
  requests: readonly EvaluateRequest[],
  proposedChanges: readonly ParameterChangeInput[],
  baseline: readonly ParameterOverride[] = [],
): SimulationOutcome {
  const checked = proposedOverrides(proposedChanges, baseline);
  if (!checked.ok) return { ok: false, problems: checked.problems };
  const proposed = checked.overrides;
  const totals = new Map<string, SimulatedLineTotal>();
  const result: SimulationResult = {
    requestCount: requests.length,
    totalBeforeFen: 0,
    totalAfterFen: 0,
    differenceFen: 0,
    changedRequestCount: 0,
    eligibilityChangedCount: 0,
    lines: [],
    changedRequests: [],
  };
  requests.forEach((request, index) => {
    const before = evaluate(request, { overrides: baseline });
    const after = evaluate(request, { overrides: proposed });
    result.totalBeforeFen += before.amountFen;
    result.totalAfterFen += after.amountFen;
    addLines(totals, before, 'beforeFen');
    addLines(totals, after, 'afterFen');
    if (before.amountFen === after.amountFen && before.eligible === after.eligible) return;
    result.changedRequestCount += 1;
    if (before.eligible !== after.eligible) result.eligibilityChangedCount += 1;
    result.changedRequests.push({
      index,
      policy: after.policy,
      beforeFen: before.amountFen,
      afterFen: after.amountFen,
      differenceFen: after.amountFen - before.amountFen,
      isEligibleBefore: before.eligible,
      isEligibleAfter: after.eligible,
    });
  });
  result.differenceFen = result.totalAfterFen - result.totalBeforeFen;
  result.lines = [...totals.values()]
    .map((total) => ({ ...total, differenceFen: total.afterFen - total.beforeFen }))
    .sort((a, b) => a.item.localeCompare(b.item));
  return { ok: true, result };
}
