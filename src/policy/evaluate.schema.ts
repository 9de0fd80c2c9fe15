import type { ErrorObject } from 'ajv';
import { MAX_MONEY_FEN, matchesRequestSchema } from './evaluate.check.ts';
import {
  CERTIFICATE_TYPES,
  EMPLOYER_FLAGS,
  EMPLOYER_SIZES,
  type EvaluateRequest,
  GROUP_CODES,
  LEVELS,
  MODES,
  SUBSIDY_KINDS,
} from './evaluate.types.ts';
import validateCompiled from './evaluate.validator.generated.js';
import { fieldLabel } from './labels.ts';

/** An ISO calendar date; the `date` format additionally refuses 2021-02-30 and friends. */
const isoDate = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', format: 'date' } as const;

/**
 * Money is a non-negative integer number of fen, at most 100 million yuan: far above any
 * per-person subsidy, and low enough that days × rate or standard × percent stays a safe integer.
 */
export { MAX_MONEY_FEN };

const count = { type: 'integer', minimum: 0, maximum: MAX_MONEY_FEN } as const;
const occupationCode = { type: 'string', pattern: '^[1-8](-[0-9]{2}){1,4}$' } as const;
const groups = { type: 'array', maxItems: 64, items: { enum: [...GROUP_CODES] } } as const;
const level = { enum: [...LEVELS] } as const;

const historyEntrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['date', 'subsidy'],
  properties: {
    date: isoDate,
    subsidy: { enum: [...SUBSIDY_KINDS] },
    occupationCode,
    level,
    certificateNumber: { type: 'string', minLength: 1, maxLength: 64 },
    start: isoDate,
    end: isoDate,
  },
} as const;

/** JSON Schema (draft-07) of the v1 evaluate request; usable as a Fastify body schema. */
export const evaluateRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['region', 'date', 'subsidy'],
  properties: {
    region: { type: 'string', pattern: '^[1-8][0-9]{5}$' },
    date: isoDate,
    subsidy: { enum: [...SUBSIDY_KINDS] },
    mode: { enum: [...MODES] },
    person: {
      type: 'object',
      additionalProperties: false,
      properties: {
        groups,
        graduationDate: isoDate,
        receivesPension: { type: 'boolean' },
        relativeOfGroups: groups,
      },
    },
    employment: {
      type: 'object',
      additionalProperties: false,
      properties: {
        employerSize: { enum: [...EMPLOYER_SIZES] },
        employerFlags: { type: 'array', maxItems: 16, items: { enum: [...EMPLOYER_FLAGS] } },
        contractMonths: { type: 'integer', minimum: 0, maximum: 1200 },
        start: isoDate,
        end: isoDate,
        verifiedMonths: {
          type: 'array',
          maxItems: 600,
          items: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' },
        },
      },
    },
    training: {
      type: 'object',
      additionalProperties: false,
      properties: {
        filed: { type: 'boolean' },
        approvedOn: isoDate,
        occupationCode,
        newOccupation: { type: 'boolean' },
        inCatalog: { type: 'boolean' },
        level,
        start: isoDate,
        end: isoDate,
        offlineDays: { type: 'integer', minimum: 0, maximum: 3660 },
        onlineDays: { type: 'integer', minimum: 0, maximum: 3660 },
        classHours: { type: 'integer', minimum: 0, maximum: 100000 },
        scheduledClassHours: { type: 'integer', minimum: 0, maximum: 100000 },
        months: { type: 'integer', minimum: 0, maximum: 120 },
        dailyRateFen: count,
        onlineDailyRateFen: count,
        catalogStandardFen: count,
        projectBased: { type: 'boolean' },
      },
    },
    certificate: {
      type: 'object',
      additionalProperties: false,
      properties: {
        type: { enum: [...CERTIFICATE_TYPES] },
        level,
        number: { type: 'string', minLength: 1, maxLength: 64 },
        firstIssue: { type: 'boolean' },
      },
    },
    history: { type: 'array', maxItems: 1000, items: historyEntrySchema },
  },
} as const;

export interface FieldProblem {
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; value: EvaluateRequest } | { ok: false; details: FieldProblem[] };

// validateCompiled is evaluateRequestSchema compiled ahead of time by ajv (`npm run gen:validator`,
// src/policy/evaluate.validator.source.ts): loading it costs nothing, compiling it costs ≈ 0.2 s.

/**
 * Validates an untrusted evaluate request. Never throws; on failure names every bad field
 * with a JSON-path-like name (`person.groups[1]`, `training.start`).
 */
export function validateEvaluateRequest(input: unknown): ValidationResult {
  if (!validateCompiled(input))
    return { ok: false, details: describeErrors(validateCompiled.errors ?? [], input) };
  const value = input as unknown as EvaluateRequest;
  // JSON Schema cannot say "end is not before start", so that check runs after the schema.
  const details = checkDateOrder(value);
  return details.length === 0 ? { ok: true, value } : { ok: false, details: [...details] };
}

/**
 * Whether validateEvaluateRequest would accept the input, without building its result. The
 * hand-written check (evaluate.check.ts) answers a batch's requests fast; ajv decides whatever it
 * does not accept.
 */
export function isValidEvaluateRequest(input: unknown): boolean {
  return (
    (matchesRequestSchema(input) || validateCompiled(input)) &&
    checkDateOrder(input as EvaluateRequest) === NO_PROBLEMS
  );
}

function checkDateOrder(request: EvaluateRequest): readonly FieldProblem[] {
  // Runs for every request of a batch: nothing is allocated unless a pair is out of order.
  let problems: FieldProblem[] | undefined;
  if (endsBeforeStart(request.employment)) problems = endBeforeStart(problems, 'employment');
  if (endsBeforeStart(request.training)) problems = endBeforeStart(problems, 'training');
  const history = request.history;
  if (history)
    for (let index = 0; index < history.length; index += 1)
      if (endsBeforeStart(history[index])) problems = endBeforeStart(problems, `history[${index}]`);
  return problems ?? NO_PROBLEMS;
}

const NO_PROBLEMS: readonly FieldProblem[] = Object.freeze([]) as readonly FieldProblem[];

function endsBeforeStart(pair: { start?: string; end?: string } | undefined): boolean {
  return pair?.start !== undefined && pair.end !== undefined && pair.end < pair.start;
}

function endBeforeStart(problems: FieldProblem[] | undefined, path: string): FieldProblem[] {
  const list = problems ?? [];
  list.push({ field: `${path}.end`, message: `${fieldLabel(`${path}.end`)}不能早于开始日期` });
  return list;
}

function describeErrors(errors: ErrorObject[], input: unknown): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const problem = describeError(error, input);
    const key = `${problem.field}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function describeError(error: ErrorObject, input: unknown): FieldProblem {
  const base = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    const field = joinPath(base, String(params.missingProperty));
    return { field, message: `缺少必填项“${fieldLabel(field)}”` };
  }
  if (error.keyword === 'additionalProperty' || error.keyword === 'additionalProperties') {
    return { field: joinPath(base, String(params.additionalProperty)), message: '不是本接口规定的字段' };
  }
  if (error.keyword === 'enum') {
    return {
      field: base || '(root)',
      message: `“${fieldLabel(base)}”的取值不在规定的代码范围内（可选代码见词汇表）`,
    };
  }
  if (error.keyword === 'format') {
    return {
      field: base,
      message: `“${fieldLabel(base)}”须为真实的日历日期，格式为年-月-日（如2021-06-15）`,
    };
  }
  if (base === '' && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    return { field: '(root)', message: '请求须为一个对象' };
  }
  return {
    field: base || '(root)',
    message: KEYWORD_MESSAGES[error.keyword] ?? `“${fieldLabel(base)}”的取值不符合规定`,
  };
}

/** Plain-Chinese reasons for the schema keywords a request can break. */
const KEYWORD_MESSAGES: Record<string, string> = {
  type: '类型不正确（如应为数字、文字、是否或列表）',
  minimum: '数值小于允许的最小值',
  maximum: '数值大于允许的最大值',
  minLength: '内容不能为空',
  maxLength: '内容过长',
  maxItems: '列表项目过多',
  minItems: '列表不能为空',
  uniqueItems: '列表中有重复的项目',
  pattern: '格式不正确',
  multipleOf: '数值须为整数',
};

/** `/person/groups/1` → `person.groups[1]`. */
function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  let path = '';
  for (const rawSegment of pointer.slice(1).split('/')) {
    const segment = rawSegment.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^[0-9]+$/.test(segment) ? `${path}[${segment}]` : joinPath(path, segment);
  }
  return path;
}

function joinPath(base: string, name: string): string {
  return base === '' ? name : `${base}.${name}`;
}
