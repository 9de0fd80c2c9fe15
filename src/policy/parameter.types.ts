import type { Citation } from './evaluate.types.ts';

/**
 * A parameter value: a number (fen, percent, days, months, counts), a date or code string, a
 * list of codes, a flag, or null. Null means the document delegates the value to another
 * authority (设区市/区县 or an earlier document): the engine refuses to pay on it until a value
 * is published through the parameter service.
 */
export type ParameterValue = number | string | boolean | string[] | null;

/** One dated value of a parameter. Every value carries the article it comes from. */
export interface ParameterVersion {
  effectiveFrom: string;
  value: ParameterValue;
  citation: Citation;
  /** `pack` for values shipped in the pack's data files, `published` for database versions. */
  source: 'pack' | 'published';
  note?: string;
}

/** Bounds the document sets for a numeric parameter; publishing outside them is refused. */
export interface ParameterBounds {
  min?: number;
  max?: number;
  citation?: Citation;
}

export interface ParameterDefinition {
  /** `<pack id>/<topic>.<name>`, e.g. `cn-500000-2021/day-rates.ceilingFen`. */
  id: string;
  /** `<topic>.<name>`, the key formulas use. */
  key: string;
  unit: string;
  description: string;
  bounds?: ParameterBounds;
  /** Sorted by effectiveFrom ascending. */
  versions: ParameterVersion[];
}

/** The value of one parameter in force on a date. */
export interface ResolvedParameter {
  id: string;
  key: string;
  unit: string;
  value: ParameterValue;
  citation: Citation;
  effectiveFrom: string;
  source: 'pack' | 'published';
}

export type ParameterSet = ReadonlyMap<string, ParameterDefinition>;

/** A new version for one parameter of one pack, e.g. from the database. */
export interface ParameterOverride {
  packId: string;
  key: string;
  effectiveFrom: string;
  value: ParameterValue;
  citation: Citation;
}
