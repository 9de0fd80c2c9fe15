import type {
  Citation,
  DecisionLine,
  Denial,
  DenialCode,
  EvaluateRequest,
  EvaluateResponse,
  Level,
  ParameterVersionUsed,
  Payee,
  SubsidyKind,
} from './evaluate.types.ts';
import { outcomeOf } from './evaluate.types.ts';
import { fieldLabel, whereToFind } from './labels.ts';
import type { ResolvedParameters } from './parameter.loader.ts';
import type { ResolvedParameter } from './parameter.types.ts';

/** Who is usually paid for each subsidy kind (vocabulary.md); formulas may change it. */
export const DEFAULT_PAYEE: Record<SubsidyKind, Payee> = {
  training: 'institution',
  on_the_job_training: 'enterprise',
  certificate: 'evaluation_org',
  living_allowance: 'person',
  safety_training: 'enterprise',
  apprenticeship: 'enterprise',
  directed_training: 'institution',
  technician_training: 'enterprise',
  insured_skill_upgrade: 'person',
};

/**
 * The working state of one evaluation: the request, the parameters in force, and the lines,
 * denials and warnings the formulas add. Formulas read parameters only through it, so every
 * value used is recorded for the decision's `parameterVersions`.
 */
export class Decision {
  readonly lines: DecisionLine[] = [];
  readonly denials: Denial[] = [];
  readonly warnings: string[] = [];
  readonly used: ResolvedParameter[] = [];
  payee: Payee;
  payeeCitation: Citation | undefined;
  countsTowardAnnualLimit = false;

  constructor(
    readonly request: EvaluateRequest,
    readonly packId: string,
    private readonly parameters: ResolvedParameters,
  ) {
    this.payee = DEFAULT_PAYEE[request.subsidy];
  }

  /** The parameter in force; a missing key is a pack bug, caught by the pack tests. */
  param(key: string): ResolvedParameter {
    const parameter = this.parameters.get(key);
    if (!parameter)
      throw new Error(`parameter ${this.packId}/${key} is not in force on ${this.request.date}`);
    if (!this.used.includes(parameter)) this.used.push(parameter);
    return parameter;
  }

  has(key: string): boolean {
    return this.parameters.has(key);
  }

  number(key: string): number {
    const value = this.param(key).value;
    if (typeof value !== 'number') throw new Error(`parameter ${this.packId}/${key} is not a number`);
    return value;
  }

  text(key: string): string {
    const value = this.param(key).value;
    if (typeof value !== 'string') throw new Error(`parameter ${this.packId}/${key} is not a string`);
    return value;
  }

  list(key: string): readonly string[] {
    const value = this.param(key).value;
    if (!Array.isArray(value)) throw new Error(`parameter ${this.packId}/${key} is not a list`);
    return value;
  }

  /** A number the document may delegate to a local authority (null until published). */
  optionalNumber(key: string): number | null {
    const value = this.param(key).value;
    return typeof value === 'number' ? value : null;
  }

  citation(key: string): Citation {
    return this.param(key).citation;
  }

  deny(code: DenialCode, message: string, citation?: Citation): void {
    const denial: Denial = { code, message };
    if (citation) denial.citation = citation;
    this.denials.push(denial);
  }

  /** A fact the rule needs was not supplied: MISSING_INPUT naming the field. */
  missing(field: string, citation?: Citation): void {
    const denial: Denial = {
      code: 'MISSING_INPUT',
      message: `缺少“${fieldLabel(field)}”，该项规定需要这一信息才能测算。${whereToFind(field)}。`,
      field,
    };
    if (citation) denial.citation = citation;
    this.denials.push(denial);
  }

  /**
   * The document leaves this value to a local authority or an earlier document and no version
   * has been published: refuse to pay rather than guess, naming the parameter to publish.
   */
  missingLocalParameter(key: string, what: string): void {
    const parameter = this.param(key);
    this.denials.push({
      code: 'MISSING_INPUT',
      message: `${what}由地方或其他文件确定，本文件未规定；须由主管部门发布后才能测算，请向当地人力资源社会保障部门咨询`,
      field: `parameters.${parameter.id}`,
      citation: parameter.citation,
    });
  }

  line(item: string, amountFen: number, basis: string, citation: Citation): void {
    this.lines.push({ item, amountFen, basis, citation });
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  get isDenied(): boolean {
    return this.denials.length > 0;
  }

  /** Ends the rules: a decision with neither a line nor a denial is refused (no rule to pay by). */
  settle(): void {
    if (this.denials.length === 0 && this.lines.length === 0) {
      this.deny('POLICY_NOT_IN_FORCE', '本文件没有可据以计算该项补贴金额的规定');
    }
  }

  /** The sum of the lines when eligible; a denied decision pays nothing. */
  get amountFen(): number {
    let amountFen = 0;
    if (this.denials.length === 0) for (const line of this.lines) amountFen += line.amountFen;
    return amountFen;
  }

  /**
   * Builds the response; a denied decision pays nothing and shows no amount lines.
   * ResponseJsonWriter#decided writes the same members in the same order: change both together
   * (src/policy/response-json.test.ts compares them byte for byte).
   */
  finish(): EvaluateResponse {
    this.settle();
    const eligible = this.denials.length === 0;
    const amountFen = this.amountFen;
    return {
      policy: this.packId,
      eligible,
      amountFen,
      payee: this.payee,
      countsTowardAnnualLimit: this.countsTowardAnnualLimit,
      lines: eligible ? this.lines : [],
      denials: this.denials,
      warnings: this.warnings,
      outcome: outcomeOf(this.denials),
      ...(this.payeeCitation ? { payeeCitation: this.payeeCitation } : {}),
      parameterVersions: this.used.map(versionUsed),
    };
  }
}

// One entry object per resolved parameter, shared by every decision that used it: a batch of
// 100,000 decisions allocates a handful of entries, and responseJson serialises each once.
const VERSIONS_USED = new WeakMap<ResolvedParameter, ParameterVersionUsed>();

/** The frozen `parameterVersions` entry of a parameter, shared by every decision that used it. */
export function versionUsed(parameter: ResolvedParameter): ParameterVersionUsed {
  let entry = VERSIONS_USED.get(parameter);
  if (!entry) {
    entry = Object.freeze({
      id: parameter.id,
      effectiveFrom: parameter.effectiveFrom,
      source: parameter.source,
    });
    VERSIONS_USED.set(parameter, entry);
  }
  return entry;
}

const LEVEL_LABELS: Record<Level, string> = {
  special_ability: '专项职业能力',
  primary: '初级工（五级）',
  intermediate: '中级工（四级）',
  advanced: '高级工（三级）',
  technician: '技师（二级）',
  senior_technician: '高级技师（一级）',
};

/** The Chinese label of a skill level, for `basis` strings officers read. */
export function levelLabel(level: Level | undefined): string {
  return level === undefined ? '' : LEVEL_LABELS[level];
}

/** Yuan text for `basis` strings: 55000 fen → "550元", 12345 → "123.45元". */
export function yuan(amountFen: number): string {
  const whole = Math.trunc(amountFen / 100);
  const cents = amountFen % 100;
  return cents === 0 ? `${whole}元` : `${whole}.${String(cents).padStart(2, '0')}元`;
}
