import { fullMonthsBetween, inclusiveDays } from '../dates.ts';
import { type Decision, levelLabel } from '../decision.ts';
import type { Level } from '../evaluate.types.ts';

/** Skill levels in rising order; 专项职业能力 is outside this scale. */
const LEVEL_ORDER: readonly Level[] = [
  'primary',
  'intermediate',
  'advanced',
  'technician',
  'senior_technician',
];

/**
 * A request whose own dates and figures contradict each other is how an inflated claim looks to
 * an engine: more training days than the class had calendar days, more months than its dates
 * span, a certificate below the level the subsidy is computed for. The facts come from the
 * real-name records (凡进必补、不进不补), so such a request is refused naming the contradiction,
 * never paid on the larger figure. Runs after the formula, so a rule that already refused the
 * certificate is not repeated.
 */
export function checkRequestConsistency(decision: Decision): void {
  const training = decision.request.training;
  const citation = decision.citation('filing.classFilingRequired');
  if (training?.start !== undefined && training.end !== undefined) {
    const spanDays = inclusiveDays(training.start, training.end);
    const statedDays = (training.offlineDays ?? 0) + (training.onlineDays ?? 0);
    if (statedDays > spanDays) {
      decision.deny(
        'DURATION_OUT_OF_RANGE',
        `申报的培训天数（线下${training.offlineDays ?? 0}天、线上${training.onlineDays ?? 0}天）超过培训起止日期（${training.start}至${training.end}）之间的${spanDays}天，请核对培训记录`,
        citation,
      );
    }
    if (
      training.months !== undefined &&
      training.months > fullMonthsBetween(training.start, training.end) + 1
    ) {
      decision.deny(
        'DURATION_OUT_OF_RANGE',
        `申报的培训月数（${training.months}个月）超过培训起止日期（${training.start}至${training.end}）所跨的月数，请核对培训记录`,
        citation,
      );
    }
  }
  const trainingLevel = training?.level;
  const certificateLevel = decision.request.certificate?.level;
  if (
    trainingLevel !== undefined &&
    certificateLevel !== undefined &&
    LEVEL_ORDER.includes(trainingLevel) &&
    LEVEL_ORDER.includes(certificateLevel) &&
    LEVEL_ORDER.indexOf(certificateLevel) < LEVEL_ORDER.indexOf(trainingLevel) &&
    !decision.denials.some((denial) => denial.code === 'REQUIRED_CERTIFICATE_MISSING')
  ) {
    decision.deny(
      'REQUIRED_CERTIFICATE_MISSING',
      `取得的证书等级（${levelLabel(certificateLevel)}）低于申报的培训等级（${levelLabel(trainingLevel)}），补贴须按取得的证书认定`,
      citation,
    );
  }
}
