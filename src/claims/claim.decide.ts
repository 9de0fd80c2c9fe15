import type { Executor } from '../db/database.ts';
import { evaluate } from '../policy/evaluate.ts';
import type { EvaluateRequest, EvaluateResponse } from '../policy/evaluate.types.ts';
import { loadPublishedOverrides } from '../policy/parameter.service.ts';
import type { ParameterOverride } from '../policy/parameter.types.ts';

/** Decides evaluation requests with the parameter versions published when it was made. */
export type Decider = (request: EvaluateRequest) => EvaluateResponse;

/**
 * Reads the published parameter versions once, so every line of one claim operation is
 * decided against the same versions (and the engine's merged timelines are reused).
 */
export async function createDecider(executor: Executor): Promise<Decider> {
  return deciderWith(await loadPublishedOverrides(executor));
}

/** A decider with a published set the caller has read (`keepPublishedOverrides`). */
export function deciderWith(overrides: ParameterOverride[]): Decider {
  return (request) => evaluate(request, { overrides });
}
