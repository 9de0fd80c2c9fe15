import type { Executor } from '../db/database.ts';
import type { Citation } from './evaluate.types.ts';
import { resolvePack } from './packs/index.ts';
import { versionInForce } from './parameter.loader.ts';
import { recentPublishedOverrides } from './parameter.service.ts';
import type { ParameterOverride, ResolvedParameter } from './parameter.types.ts';

/**
 * What a document decides, for the other domains: the value of one parameter (`<topic>.<name>`)
 * of the pack that governs `regionCode`, in force on `date`, with its citation. A version
 * published in the database (an override) wins from its effective date. Undefined when no pack
 * governs the region, the pack has no such parameter (its document sets no such rule), or the
 * date is before the parameter's first value.
 */
export function parameterInForce(
  regionCode: string,
  date: string,
  key: string,
  overrides: readonly ParameterOverride[] = [],
): ResolvedParameter | undefined {
  const pack = resolvePack(regionCode);
  const definition = pack?.parameters.get(key);
  if (!pack || !definition) return undefined;
  const shipped = versionInForce(definition, date);
  const published = overrides
    .filter(
      (override) => override.packId === pack.id && override.key === key && override.effectiveFrom <= date,
    )
    .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
    .at(-1);
  const chosen =
    published && (!shipped || published.effectiveFrom >= shipped.effectiveFrom)
      ? { ...published, source: 'published' as const }
      : shipped && { ...shipped };
  if (!chosen) return undefined;
  return {
    id: definition.id,
    key,
    unit: definition.unit,
    value: chosen.value,
    citation: chosen.citation,
    effectiveFrom: chosen.effectiveFrom,
    source: chosen.source,
  };
}

/** parameterInForce with the versions published in the database (read at most once a second). */
export async function publishedParameterInForce(
  executor: Executor,
  regionCode: string,
  date: string,
  key: string,
): Promise<ResolvedParameter | undefined> {
  return parameterInForce(regionCode, date, key, await recentPublishedOverrides(executor));
}

/** How a document has the province appropriate its skills fund: a percentage of a year-end balance. */
export interface AppropriationRule {
  ratePercent: number;
  basisYear: number;
  citation: Citation;
}

/**
 * The appropriation ratio the document of `regionCode` states (Jiangsu: 20 % of the 2018 year-end
 * unemployment-insurance balance), in force on `date`; undefined when its document states none
 * (the appropriation is then entered as an amount).
 */
export function appropriationRule(
  regionCode: string,
  date: string,
  overrides: readonly ParameterOverride[] = [],
): AppropriationRule | undefined {
  const rate = parameterInForce(regionCode, date, 'funding.appropriationRatePercent', overrides);
  const basis = parameterInForce(regionCode, date, 'funding.appropriationBasisYear', overrides);
  if (typeof rate?.value !== 'number' || typeof basis?.value !== 'number') return undefined;
  return { ratePercent: rate.value, basisYear: basis.value, citation: rate.citation };
}
