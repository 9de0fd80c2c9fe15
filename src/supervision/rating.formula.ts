/**
 * The institution credit rating (培训机构信用等级, 苏政办发〔2019〕71号 十八: 建立职业技能培训机构
 * 信用等级评定制度; 渝人社发〔2021〕12号 八: 开展培训机构综合评估). A pure function of one
 * institution's year; docs/supervision.md states the same formula for readers.
 *
 *   score = 30 × completion rate + 30 × certification rate + 20 × employment rate
 *         + 20 × inspection factor − 25 × confirmed fraud cases            (floored at 0)
 *   inspection factor: latest inspection of the year passed 1, minor issues 0.5, failed 0,
 *   none 0.75 (neither rewarded nor punished much).
 *   grade: A ≥ 85, B ≥ 70, C ≥ 55, otherwise D; then caps: one confirmed case → at most C,
 *   two or more → D, failed inspection or suspension → at most C, blacklisted → D.
 */
export type Grade = 'A' | 'B' | 'C' | 'D';

export interface RatingInput {
  trainees: number;
  completed: number;
  certified: number;
  employed: number;
  confirmedCases: number;
  inspection: 'passed' | 'minor_issues' | 'failed' | null;
  organisationStatus: 'active' | 'suspended' | 'blacklisted' | 'revoked';
}

export interface Rating {
  grade: Grade;
  score: number;
  components: {
    completionRate: number;
    certificationRate: number;
    employmentRate: number;
    inspectionFactor: number;
    casePenalty: number;
  };
  explanation: string[];
}

const GRADE_ORDER: Grade[] = ['A', 'B', 'C', 'D'];
const INSPECTION_FACTOR = { passed: 1, minor_issues: 0.5, failed: 0 } as const;

function worse(a: Grade, b: Grade): Grade {
  return GRADE_ORDER[Math.max(GRADE_ORDER.indexOf(a), GRADE_ORDER.indexOf(b))]!;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

export function rateInstitution(input: RatingInput): Rating {
  const rate = (count: number) => (input.trainees === 0 ? 0 : count / input.trainees);
  const completionRate = rate(input.completed);
  const certificationRate = rate(input.certified);
  const employmentRate = rate(input.employed);
  const inspectionFactor = input.inspection === null ? 0.75 : INSPECTION_FACTOR[input.inspection];
  const casePenalty = 25 * input.confirmedCases;
  const raw =
    30 * completionRate + 30 * certificationRate + 20 * employmentRate + 20 * inspectionFactor - casePenalty;
  const score = Math.max(0, Math.round(raw * 100) / 100);
  let grade: Grade = score >= 85 ? 'A' : score >= 70 ? 'B' : score >= 55 ? 'C' : 'D';
  const explanation = [
    `培训${input.trainees}人次：结业率 ${percent(completionRate)}（×30）、取证率 ${percent(certificationRate)}（×30）、就业率 ${percent(employmentRate)}（×20）`,
    input.inspection === null
      ? '本年度无检查记录，检查系数按 0.75 计（×20）'
      : `本年度最近一次检查结果：${{ passed: '合格', minor_issues: '存在一般问题', failed: '不合格' }[input.inspection]}，系数 ${inspectionFactor}（×20）`,
  ];
  if (input.confirmedCases > 0)
    explanation.push(`经核查认定的违规案件 ${input.confirmedCases} 起，扣 ${casePenalty} 分`);
  explanation.push(`综合得分 ${score.toFixed(2)}，按分数为 ${grade} 级（A≥85，B≥70，C≥55）`);
  const cap = (limit: Grade, why: string) => {
    if (worse(grade, limit) !== grade) {
      grade = limit;
      explanation.push(why);
    }
  };
  if (input.confirmedCases >= 2) cap('D', '两起及以上认定违规案件，评为 D 级');
  else if (input.confirmedCases === 1) cap('C', '存在认定违规案件，最高评为 C 级');
  if (input.inspection === 'failed') cap('C', '检查不合格，最高评为 C 级');
  if (input.organisationStatus === 'suspended') cap('C', '机构处于暂停状态，最高评为 C 级');
  if (input.organisationStatus === 'blacklisted' || input.organisationStatus === 'revoked')
    cap('D', '机构已列入黑名单或被撤销，评为 D 级');
  return {
    grade,
    score,
    components: { completionRate, certificationRate, employmentRate, inspectionFactor, casePenalty },
    explanation,
  };
}
