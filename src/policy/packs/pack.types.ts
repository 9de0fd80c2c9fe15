import type { Decision } from '../decision.ts';
import type { Citation, SubsidyKind } from '../evaluate.types.ts';

/** A formula: reads the request and parameters through the decision and adds lines or denials. */
export type Evaluator = (decision: Decision) => void;

/** The code part of a policy pack; its numbers live in `packs/<id>/parameters/*.json`. */
export interface PackDefinition {
  /** `cn-<GB/T 2260 code>-<year>`. */
  id: string;
  /** The jurisdiction the document governs; sub-regions resolve to it by walking up. */
  regionCode: string;
  /** Document number, e.g. 衡人社发【2019】21号. */
  document: string;
  title: string;
  /** First and last application date the document covers (inclusive); null = no end date given. */
  inForceFrom: string;
  inForceTo: string | null;
  periodCitation: Citation;
  /** Checks that apply to every subsidy kind of this pack (e.g. Jiangsu's pensioner exclusion). */
  preChecks: readonly Evaluator[];
  /** One formula per subsidy kind the document covers; other kinds are not in force. */
  evaluators: Partial<Record<SubsidyKind, Evaluator>>;
  /** Where its parameter files are; by default `packs/<id>/parameters/` beside the registry. */
  parameterDirectory?: string;
}
