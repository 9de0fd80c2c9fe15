import { earlierDate, fullMonthsBetween, laterDate } from '../dates.ts';
import { type Decision, yuan } from '../decision.ts';
import type { GroupCode } from '../evaluate.types.ts';
import {
  checkAcceptanceDeadline,
  markAnnualLimitUse,
  overlappingHistory,
  TRAINING_FAMILY,
} from './common.ts';

const TOPIC = 'on-the-job-training';

/**
 * 以工代训: a monthly subsidy to the employer for each whole month of continuous work of a
 * person from the listed groups, up to a maximum number of months, within an acceptance period.
 * Where a document only extends an earlier policy (Shanxi, Chongqing) the amount and maximum are
 * parameters set to null until published, and the engine refuses to guess them.
 */
export function evaluateOnTheJobTraining(decision: Decision): void {
  markAnnualLimitUse(decision);
  checkAcceptanceDeadline(decision, `${TOPIC}.acceptUntil`);
  checkOnTheJobGroupsAndEmployer(decision);
  checkEmployerSize(decision);
  checkContractLength(decision);
  checkNoTrainingDuringWork(decision);
  const months = countPaidMonths(decision);
  const monthlyAmountFen = decision.optionalNumber(`${TOPIC}.monthlyAmountFen`);
  const maxMonths = decision.optionalNumber(`${TOPIC}.maxMonths`);
  if (monthlyAmountFen === null)
    decision.missingLocalParameter(`${TOPIC}.monthlyAmountFen`, '以工代训补贴标准');
  if (maxMonths === null) decision.missingLocalParameter(`${TOPIC}.maxMonths`, '以工代训最长补贴月数');
  if (months === 0)
    decision.deny(
      'DURATION_OUT_OF_RANGE',
      '连续工作时间不满1个月',
      decision.citation(`${TOPIC}.monthlyAmountFen`),
    );
  if (decision.isDenied || months === undefined || monthlyAmountFen === null || maxMonths === null) return;
  const paidMonths = Math.min(months, maxMonths);
  if (paidMonths < months) decision.warn(`连续工作${months}个月，最长补贴${maxMonths}个月`);
  decision.line(
    'on_the_job_training',
    paidMonths * monthlyAmountFen,
    `连续工作每满1个月：${paidMonths}个月 × ${yuan(monthlyAmountFen)}/人/月（最长${maxMonths}个月）`,
    decision.citation(`${TOPIC}.monthlyAmountFen`),
  );
}

function checkOnTheJobGroupsAndEmployer(decision: Decision): void {
  const groupsParameter = decision.param(`${TOPIC}.eligibleGroups`);
  if (groupsParameter.value === null) {
    decision.warn('本文件仅延续原以工代训政策，人员和企业条件按原文件审核');
    return;
  }
  const groups = decision.request.person?.groups;
  if (groups === undefined) {
    decision.missing('person.groups', groupsParameter.citation);
    return;
  }
  if (qualifyingGroups(decision, groups).length > 0) return;
  const insuredGroups = decision.list(`${TOPIC}.insuredEmployerGroups`);
  if (!groups.some((group) => insuredGroups.includes(group))) {
    decision.deny('GROUP_NOT_ELIGIBLE', '人员类别不属于以工代训补贴对象', groupsParameter.citation);
    return;
  }
  // These groups qualify only when the employer is an insured enterprise (参保企业).
  const flags = decision.request.employment?.employerFlags;
  const citation = decision.citation(`${TOPIC}.insuredEmployerGroups`);
  if (flags === undefined) decision.missing('employment.employerFlags', citation);
  else if (!flags.includes('insured'))
    decision.deny('EMPLOYER_NOT_ELIGIBLE', '吸纳该类人员的须为参保企业', citation);
}

/** Groups that qualify with any eligible employer; a recent graduate must have graduated on/after the cut-off. */
function qualifyingGroups(decision: Decision, groups: readonly GroupCode[]): GroupCode[] {
  const eligible = decision.list(`${TOPIC}.eligibleGroups`);
  const qualifying = groups.filter((group) => eligible.includes(group));
  if (!qualifying.includes('recent_graduate')) return qualifying;
  const since = decision.param(`${TOPIC}.recentGraduateSince`);
  if (typeof since.value !== 'string') return qualifying;
  const graduationDate = decision.request.person?.graduationDate;
  if (graduationDate === undefined) {
    if (qualifying.length === 1) decision.missing('person.graduationDate', since.citation);
    return qualifying.length === 1
      ? ['recent_graduate']
      : qualifying.filter((group) => group !== 'recent_graduate');
  }
  if (graduationDate >= since.value) return qualifying;
  return qualifying.filter((group) => group !== 'recent_graduate');
}

function checkEmployerSize(decision: Decision): void {
  const sizes = decision.param(`${TOPIC}.employerSizes`);
  if (!Array.isArray(sizes.value)) return;
  const size = decision.request.employment?.employerSize;
  if (size === undefined) decision.missing('employment.employerSize', sizes.citation);
  else if (!sizes.value.includes(size))
    decision.deny('EMPLOYER_NOT_ELIGIBLE', '以工代训限中小微企业', sizes.citation);
}

/** "6个月及以上劳动合同" includes a 6-month contract. */
function checkContractLength(decision: Decision): void {
  const minimum = decision.param(`${TOPIC}.minContractMonths`);
  if (typeof minimum.value !== 'number') return;
  const contractMonths = decision.request.employment?.contractMonths;
  if (contractMonths === undefined) decision.missing('employment.contractMonths', minimum.citation);
  else if (contractMonths < minimum.value) {
    decision.deny(
      'CONTRACT_TOO_SHORT',
      `劳动合同${contractMonths}个月，须${minimum.value}个月及以上`,
      minimum.citation,
    );
  }
}

/** Chongqing: a worker in 以工代训 cannot attend another subsidised training at the same time. */
function checkNoTrainingDuringWork(decision: Decision): void {
  if (decision.request.subsidy !== 'on_the_job_training' || !decision.has(`${TOPIC}.noOtherTrainingDuring`))
    return;
  const employment = decision.request.employment;
  if (employment?.start === undefined || employment.end === undefined) return;
  const overlap = overlappingHistory(
    decision.request.history,
    TRAINING_FAMILY,
    employment.start,
    employment.end,
  );
  if (overlap) {
    decision.deny(
      'OVERLAPPING_TRAINING',
      `以工代训期间（${employment.start}至${employment.end}）同时参加了其他补贴性培训（${overlap.start}起）`,
      decision.citation(`${TOPIC}.noOtherTrainingDuring`),
    );
  }
}

/**
 * Whole months of continuous work, counted from the later of the work start and the
 * document's counting start, and never past the application date (months not yet worked
 * cannot be claimed).
 */
function countPaidMonths(decision: Decision): number | undefined {
  const employment = decision.request.employment;
  const citation = decision.citation(`${TOPIC}.monthlyAmountFen`);
  if (employment?.start === undefined || employment.end === undefined) {
    decision.missing(employment?.start === undefined ? 'employment.start' : 'employment.end', citation);
    return undefined;
  }
  const countFrom = decision.param(`${TOPIC}.countFrom`).value;
  const start = typeof countFrom === 'string' ? laterDate(employment.start, countFrom) : employment.start;
  if (typeof countFrom === 'string' && employment.start < countFrom) {
    decision.warn(`连续工作时间自${countFrom}算起`);
  }
  const end = earlierDate(employment.end, decision.request.date);
  if (end < employment.end) decision.warn(`申请日${decision.request.date}之后的工作时间不计入`);
  return start <= end ? fullMonthsBetween(start, end) : 0;
}
