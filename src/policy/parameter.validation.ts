import type { Citation } from './evaluate.types.ts';
import type { PolicyPack } from './packs/index.ts';
import { packById } from './packs/index.ts';
import type { ParameterDefinition, ParameterOverride, ParameterValue } from './parameter.types.ts';

/** One problem with a proposed parameter value, naming the field. */
export interface ParameterProblem {
  field: string;
  message: string;
}

export interface ParameterChangeInput {
  packId: string;
  key: string;
  effectiveFrom: string;
  value: ParameterValue;
  citation: Citation;
}

/** 1 million yuan in fen; far above any per-person standard. */
const GENERIC_MAX = 100_000_000;
const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

function isRealDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** The kind of value a parameter holds, from its shipped versions (null versions say nothing). */
function expectedKind(definition: ParameterDefinition): 'number' | 'string' | 'boolean' | 'list' | 'unknown' {
  for (const version of definition.versions) {
    const value = version.value;
    if (value === null) continue;
    if (Array.isArray(value)) return 'list';
    return typeof value as 'number' | 'string' | 'boolean';
  }
  // A value the document leaves to local authorities is an amount, a count or a date limit.
  return definition.unit.startsWith('fen') || definition.unit === 'months' ? 'number' : 'unknown';
}

function checkValue(definition: ParameterDefinition, value: ParameterValue): ParameterProblem[] {
  const kind = expectedKind(definition);
  if (value === null) return [{ field: 'value', message: '已发布的参数值不能为空' }];
  const actual = Array.isArray(value) ? 'list' : typeof value;
  if (kind !== 'unknown' && actual !== kind)
    return [
      {
        field: 'value',
        message: `类型应为${{ list: '列表', number: '数值', string: '文本', boolean: '是/否' }[kind]}`,
      },
    ];
  if (typeof value !== 'number') return [];
  if (!Number.isSafeInteger(value))
    return [{ field: 'value', message: '应为整数（分、百分比、天数或月数）' }];
  // Without document bounds a value still stays non-negative and small enough that formulas
  // multiplying it by days or hours keep safe integers.
  if (value < 0 || value > GENERIC_MAX) return [{ field: 'value', message: `应在 0 至 ${GENERIC_MAX} 之间` }];
  const bounds = definition.bounds;
  const basis = bounds?.citation ? `（${bounds.citation.doc} ${bounds.citation.article}）` : '';
  if (bounds?.min !== undefined && value < bounds.min)
    return [{ field: 'value', message: `不得低于 ${bounds.min}${basis}` }];
  if (bounds?.max !== undefined && value > bounds.max)
    return [{ field: 'value', message: `不得高于 ${bounds.max}${basis}` }];
  return [];
}

function checkDate(pack: PolicyPack, effectiveFrom: string): ParameterProblem[] {
  if (!isRealDate(effectiveFrom))
    return [{ field: 'effectiveFrom', message: '应为真实存在的日期（YYYY-MM-DD）' }];
  if (effectiveFrom < pack.inForceFrom || (pack.inForceTo !== null && effectiveFrom > pack.inForceTo)) {
    return [
      {
        field: 'effectiveFrom',
        message: `须在政策有效期 ${pack.inForceFrom} 至 ${pack.inForceTo ?? '今'} 之内`,
      },
    ];
  }
  return [];
}

function checkCitation(citation: Citation | undefined): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  if (typeof citation?.doc !== 'string' || citation.doc.trim() === '')
    problems.push({ field: 'citation.doc', message: '必填' });
  if (typeof citation?.article !== 'string' || citation.article.trim() === '') {
    problems.push({ field: 'citation.article', message: '必填' });
  }
  return problems;
}

/**
 * Checks a proposed parameter value against the pack and the document's bounds (e.g. Chongqing
 * day rates 130–200 yuan). Pure, so publishing and simulation refuse exactly the same values.
 */
export function validateParameterChange(input: ParameterChangeInput): ParameterProblem[] {
  if (typeof input !== 'object' || input === null) return [{ field: '(root)', message: '应为对象' }];
  const pack = packById(input.packId);
  if (!pack) return [{ field: 'packId', message: `政策包不存在：${input.packId}` }];
  const definition = pack.parameters.get(input.key);
  if (!definition) return [{ field: 'key', message: `政策包 ${input.packId} 没有参数 ${input.key}` }];
  return [
    ...checkDate(pack, input.effectiveFrom),
    ...checkValue(definition, input.value),
    ...checkCitation(input.citation),
  ];
}

export function toOverride(input: ParameterChangeInput): ParameterOverride {
  return {
    packId: input.packId,
    key: input.key,
    effectiveFrom: input.effectiveFrom,
    value: input.value,
    citation: input.citation,
  };
}
