import type { Executor } from '../db/database.ts';
import { SUBSIDY_KIND_LABELS } from '../shared/vocabulary.ts';
import type { Citation, SubsidyKind } from './evaluate.types.ts';
import { POLICY_PACKS, resolvePack } from './packs/index.ts';
import { versionInForce } from './parameter.loader.ts';
import { publishedOverridesForRegion } from './parameter.service.ts';
import type { ParameterOverride, ResolvedParameter } from './parameter.types.ts';
import { isHighSkillBaseOnTarget } from './rules/chongqing.ts';

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
  return parameterInForce(regionCode, date, key, await publishedOverridesForRegion(executor, regionCode));
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

/** A rule of a materials checklist a document states: the materials it names, why, and where. */
export interface MaterialsRule {
  codes: readonly string[];
  /** The document's words for it (the parameter's description). */
  note: string;
  citation: Citation;
}

/**
 * What the document of `regionCode` says about a claim's materials (申报材料清单), in force on
 * `date`. Each is absent when the document says nothing of it:
 * - `payrollVerifiedWaived`: 以工代训 materials not asked when 大数据比对 verifies the wages paid;
 * - `onTheJobTrainingWaived`: materials a 以工代训 claim never gives;
 * - `directEnterpriseRequired`: materials an enterprise (not classified) claiming directly gives;
 * - `directEnterpriseInvoiceWaived`: that enterprise gives no invoice (`codes` empty).
 */
export interface MaterialsRules {
  payrollVerifiedWaived?: MaterialsRule;
  onTheJobTrainingWaived?: MaterialsRule;
  directEnterpriseRequired?: MaterialsRule;
  directEnterpriseInvoiceWaived?: MaterialsRule;
}

const MATERIALS_RULE_KEYS = [
  'payrollVerifiedWaived',
  'onTheJobTrainingWaived',
  'directEnterpriseRequired',
  'directEnterpriseInvoiceWaived',
] as const;

/** The parameter's description (the document's words), from the pack that governs the region. */
function describe(regionCode: string, key: string): string {
  return resolvePack(regionCode)?.parameters.get(key)?.description ?? '';
}

export function materialsRules(
  regionCode: string,
  date: string,
  overrides: readonly ParameterOverride[] = [],
): MaterialsRules {
  const rules: MaterialsRules = {};
  for (const name of MATERIALS_RULE_KEYS) {
    const key = `materials.${name}`;
    const found = parameterInForce(regionCode, date, key, overrides);
    const codes = Array.isArray(found?.value) ? found.value : found?.value === true ? [] : undefined;
    if (!found || !codes) continue;
    rules[name] = { codes, note: describe(regionCode, key), citation: found.citation };
  }
  return rules;
}

/** materialsRules with the versions published in the database. */
export async function publishedMaterialsRules(
  executor: Executor,
  regionCode: string,
  date: string,
): Promise<MaterialsRules> {
  return materialsRules(regionCode, date, await publishedOverridesForRegion(executor, regionCode));
}

/**
 * Whether the document of `regionCode` forbids a catalog whose every entry sits at its level's top
 * standard (Shanxi: 不得全部按顶额标准确定), in force on `date`: the citation when it does.
 */
export function allAtTopStandardForbidden(
  regionCode: string,
  date: string,
  overrides: readonly ParameterOverride[] = [],
): Citation | undefined {
  const rule = parameterInForce(regionCode, date, 'catalog.allAtTopStandardForbidden', overrides);
  return rule?.value === true ? rule.citation : undefined;
}

/** allAtTopStandardForbidden with the versions published in the database. */
export async function publishedAllAtTopStandardForbidden(
  executor: Executor,
  regionCode: string,
  date: string,
): Promise<Citation | undefined> {
  return allAtTopStandardForbidden(regionCode, date, await publishedOverridesForRegion(executor, regionCode));
}

/** A target (目标任务) a document sets for its region: a metric over a span of years. */
export interface DocumentTarget {
  regionCode: string;
  metric: 'training_person_times' | 'new_apprentices';
  fromYear: number;
  toYear: number;
  targetValue: number;
  /** 'at_least' for 以上, 'about' for 左右. */
  comparison: 'at_least' | 'about';
  citation: Citation;
}

/**
 * The target parameters a pack may have (topic `targets`, the years in `targets.fromYear` and
 * `targets.toYear`): each names its metric and which of the years it spans. A `<key>Comparison`
 * parameter of value `about` marks a 左右 target; otherwise a target is 以上.
 */
const TARGET_KEYS = [
  { key: 'targets.trainingPersonTimesEachYear', metric: 'training_person_times', span: 'each year' },
  { key: 'targets.trainingPersonTimesFirstYear', metric: 'training_person_times', span: 'first year' },
  { key: 'targets.trainingPersonTimesTotal', metric: 'training_person_times', span: 'all years' },
  { key: 'targets.newApprenticesTotal', metric: 'new_apprentices', span: 'all years' },
] as const;

/**
 * The targets every shipped document sets, as its pack states them on its first day (published
 * versions in `overrides` included).
 */
export function documentTargets(overrides: readonly ParameterOverride[] = []): DocumentTarget[] {
  const targets: DocumentTarget[] = [];
  for (const pack of POLICY_PACKS) {
    const at = (key: string) => parameterInForce(pack.regionCode, pack.inForceFrom, key, overrides);
    const fromYear = at('targets.fromYear')?.value;
    const toYear = at('targets.toYear')?.value;
    if (typeof fromYear !== 'number' || typeof toYear !== 'number') continue;
    for (const { key, metric, span } of TARGET_KEYS) {
      const target = at(key);
      if (typeof target?.value !== 'number') continue;
      const comparison = at(`${key}Comparison`)?.value === 'about' ? 'about' : 'at_least';
      const spans =
        span === 'each year'
          ? Array.from({ length: toYear - fromYear + 1 }, (_, index) => [fromYear + index, fromYear + index])
          : span === 'first year'
            ? [[fromYear, fromYear]]
            : [[fromYear, toYear]];
      for (const [from, to] of spans)
        targets.push({
          regionCode: pack.regionCode,
          metric,
          fromYear: from!,
          toYear: to!,
          targetValue: target.value,
          comparison,
          citation: target.citation,
        });
    }
  }
  return targets;
}

/** A high-skill training base's year against the yearly scale its document requires. */
export interface HighSkillBaseCheck {
  isOnTarget: boolean;
  /** Person-times at advanced level or above a year the base must reach. */
  minimumPerYear: number;
  citation: Citation;
}

/**
 * Whether a high-skill training base (高技能人才培训基地) of `regionCode` trained enough at advanced
 * level or above in a year ending on `date` (Chongqing, 渝人社发〔2021〕12号 六: 600 national, 300
 * municipal), through the rule of the pack; undefined when its document sets no such scale.
 */
export function highSkillBaseCheck(
  regionCode: string,
  date: string,
  base: { baseLevel: 'national' | 'municipal'; advancedTraineesPerYear: number },
  overrides: readonly ParameterOverride[] = [],
): HighSkillBaseCheck | undefined {
  const key =
    base.baseLevel === 'national'
      ? 'high-skill-base.nationalMinAdvancedPerYear'
      : 'high-skill-base.municipalMinAdvancedPerYear';
  const minimum = parameterInForce(regionCode, date, key, overrides);
  if (typeof minimum?.value !== 'number') return undefined;
  return {
    isOnTarget: isHighSkillBaseOnTarget(new Map([[key, minimum]]), base),
    minimumPerYear: minimum.value,
    citation: minimum.citation,
  };
}

/** highSkillBaseCheck with the versions published in the database. */
export async function publishedHighSkillBaseCheck(
  executor: Executor,
  regionCode: string,
  date: string,
  base: { baseLevel: 'national' | 'municipal'; advancedTraineesPerYear: number },
): Promise<HighSkillBaseCheck | undefined> {
  return highSkillBaseCheck(regionCode, date, base, await publishedOverridesForRegion(executor, regionCode));
}

/** What a document says about advance payment (预拨): the share and the subsidy kinds it may be asked for. */
export interface AdvanceRule {
  maxSharePercent: number;
  allowedKinds: readonly string[];
  /** What the document allows it for, in its words (the parameter's description). */
  note: string;
  citation: Citation;
}

/**
 * The advance payment the document of `regionCode` allows on `date` (Jiangsu: 企业开展培训或培训机构
 * 开展项目制培训的，可先行拨付不高于50%); undefined when its document provides none, and then the
 * engine refuses every advance (POLICY_NOT_IN_FORCE).
 */
export function advanceRule(
  regionCode: string,
  date: string,
  overrides: readonly ParameterOverride[] = [],
): AdvanceRule | undefined {
  const share = parameterInForce(regionCode, date, 'advance.maxSharePercent', overrides);
  if (typeof share?.value !== 'number') return undefined;
  const kinds = parameterInForce(regionCode, date, 'advance.allowedKinds', overrides);
  return {
    maxSharePercent: share.value,
    allowedKinds: Array.isArray(kinds?.value) ? kinds.value.map(String) : [],
    note: describe(regionCode, 'advance.allowedKinds'),
    citation: share.citation,
  };
}

/** advanceRule with the versions published in the database. */
export async function publishedAdvanceRule(
  executor: Executor,
  regionCode: string,
  date: string,
): Promise<AdvanceRule | undefined> {
  return advanceRule(regionCode, date, await publishedOverridesForRegion(executor, regionCode));
}

/** Whether the document that governs a region pays one kind of subsidy on a date, and why not. */
export interface SubsidyCoverage {
  regionCode: string;
  subsidyKind: SubsidyKind;
  date: string;
  isProvided: boolean;
  /** The pack (document) that governs the region, whatever it decides of this kind. */
  packId: string | null;
  document: string | null;
  title: string | null;
  /** In Chinese, naming the document: what an applicant reads before filling anything. */
  explanation: string;
}

/**
 * What the document of `regionCode` decides of `subsidyKind` on `date`: paid when its pack has a
 * formula for the kind and is in force then (the engine refuses it otherwise, POLICY_NOT_IN_FORCE).
 * Pages ask this to tell an applicant up front, e.g. that Hengyang's document funds no 以工代训.
 */
export function subsidyCoverage(regionCode: string, date: string, subsidyKind: SubsidyKind): SubsidyCoverage {
  const pack = resolvePack(regionCode);
  const kind = SUBSIDY_KIND_LABELS[subsidyKind];
  const base = { regionCode, subsidyKind, date };
  if (!pack)
    return {
      ...base,
      isProvided: false,
      packId: null,
      document: null,
      title: null,
      explanation: `本地区没有适用的政策文件，不能申请${kind}。`,
    };
  const named = { packId: pack.id, document: pack.document, title: pack.title };
  if (date < pack.inForceFrom || (pack.inForceTo !== null && date > pack.inForceTo))
    return {
      ...base,
      ...named,
      isProvided: false,
      explanation: `本地区适用的${pack.document}《${pack.title}》施行期间为${pack.inForceFrom}至${pack.inForceTo ?? '今'}，${date}不在其内，不能申请${kind}。`,
    };
  if (!pack.evaluators[subsidyKind])
    return {
      ...base,
      ...named,
      isProvided: false,
      explanation: `本地区适用的${pack.document}《${pack.title}》未规定${kind}，本地区不予补贴，不能申请。`,
    };
  return {
    ...base,
    ...named,
    isProvided: true,
    explanation: `本地区适用的${pack.document}《${pack.title}》规定了${kind}。`,
  };
}
