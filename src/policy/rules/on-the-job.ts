import {
  earlierDate,
  endOfFullMonths,
  fullMonthsBetween,
  laterDate,
  nextDay,
  periodsOverlap,
} from '../dates.ts';
import { type Decision, yuan } from '../decision.ts';
import type { GroupCode } from '../evaluate.types.ts';
import {
  checkAcceptanceDeadline,
  effectiveGroups,
  markAnnualLimitUse,
  overlappingHistory,
  TRAINING_FAMILY,
} from './common.ts';

// Parameter keys are written out whole (not `${topic}.x`): a literal key is hashed once, a built
// one on every lookup of every request.

/**
 * 以工代训: a monthly subsidy to the employer for each whole month of continuous work of a
 * person from the listed groups, up to a maximum number of months, within an acceptance period.
 * Where a document only extends an earlier policy (Shanxi, Chongqing) the amount and maximum are
 * parameters set to null until published, and the engine refuses to guess them.
 */
export function evaluateOnTheJobTraining(decision: Decision): void {
  markAnnualLimitUse(decision);
  checkAcceptanceDeadline(decision, 'on-the-job-training.acceptUntil');
  checkOnTheJobGroupsAndEmployer(decision);
  checkEmployerSize(decision);
  checkContractLength(decision);
  checkNoTrainingDuringWork(decision);
  const counted = countPaidMonths(decision);
  const monthlyAmountFen = decision.optionalNumber('on-the-job-training.monthlyAmountFen');
  const maxMonths = decision.optionalNumber('on-the-job-training.maxMonths');
  if (monthlyAmountFen === null)
    decision.missingLocalParameter('on-the-job-training.monthlyAmountFen', '以工代训补贴标准');
  if (maxMonths === null)
    decision.missingLocalParameter('on-the-job-training.maxMonths', '以工代训最长补贴月数');
  const citation = decision.citation('on-the-job-training.monthlyAmountFen');
  const remaining = maxMonths === null || counted === undefined ? null : maxMonths - counted.alreadyPaid;
  if (remaining !== null && remaining <= 0) {
    decision.deny(
      'DUPLICATE_SUBSIDY',
      `该人员在本企业本次连续工作期间已享受以工代训补贴${counted!.alreadyPaid}个月，最长不超过${maxMonths}个月`,
      decision.citation('on-the-job-training.maxMonths'),
    );
  } else if (counted?.months === 0)
    decision.deny('DURATION_OUT_OF_RANGE', '尚未补贴的连续工作时间不满1个月', citation);
  if (decision.isDenied || counted === undefined || monthlyAmountFen === null || remaining === null) return;
  payMonths(decision, { ...counted, monthlyAmountFen, maxMonths: maxMonths!, remaining });
}

/**
 * "最长不超过6个月" is a total per person and enterprise: months already paid for this continuous
 * employment are neither paid again nor counted twice, and the line pays at most what remains,
 * naming the whole months it pays for.
 */
function payMonths(
  decision: Decision,
  amounts: {
    months: number;
    from: string;
    alreadyPaid: number;
    monthlyAmountFen: number;
    maxMonths: number;
    remaining: number;
  },
): void {
  const { months, from, alreadyPaid, monthlyAmountFen, maxMonths, remaining } = amounts;
  const spanMonths = Math.min(months, remaining);
  if (alreadyPaid > 0)
    decision.warn(`本企业已补贴${alreadyPaid}个月，本次自${from}起计算，最多还可补贴${remaining}个月`);
  if (spanMonths < months)
    decision.warn(`未补贴的连续工作${months}个月，最长补贴${maxMonths}个月，本次补贴${spanMonths}个月`);
  const verification = verifyMonths(decision, from, spanMonths);
  if (verification === null) return;
  const { paidMonths, periodMonths, unverified } = verification;
  const unpaid =
    unverified.length > 0 ? `；未经社会保险缴费核验、不予补贴的月份：${unverified.join('、')}` : '';
  decision.lines.push({
    item: 'on_the_job_training',
    amountFen: paidMonths * monthlyAmountFen,
    basis: `连续工作每满1个月：${paidMonths}个月 × ${yuan(monthlyAmountFen)}/人/月（最长${maxMonths}个月）${unpaid}`,
    citation: decision.citation('on-the-job-training.monthlyAmountFen'),
    period: { start: from, end: endOfFullMonths(from, periodMonths) },
  });
}

/**
 * 大数据比对: with the social-insurance months given, a whole month of work is paid only when the
 * calendar month it ends in (the month its usage is keyed by) shows a contribution above zero.
 * Unverified months are named and not paid. The paid period ends with the last verified month,
 * so months at its end whose contributions are not imported yet stay claimable; an unverified
 * month before a paid one is inside the period and is not paid later. Null when nothing is verified
 * (the line is refused, naming the months).
 */
function verifyMonths(
  decision: Decision,
  from: string,
  spanMonths: number,
): { paidMonths: number; periodMonths: number; unverified: string[] } | null {
  const verified = decision.request.employment?.verifiedMonths;
  if (verified === undefined) return { paidMonths: spanMonths, periodMonths: spanMonths, unverified: [] };
  const monthsOfWork = Array.from({ length: spanMonths }, (_, index) =>
    endOfFullMonths(from, index + 1).slice(0, 7),
  );
  const lastVerified = monthsOfWork.findLastIndex((month) => verified.includes(month));
  const unverified = monthsOfWork.filter((month) => !verified.includes(month));
  if (lastVerified < 0) {
    decision.deny(
      'DURATION_OUT_OF_RANGE',
      `连续工作月份均无社会保险缴费记录（缴费金额大于0），未经核验不予补贴：${unverified.join('、')}`,
      decision.citation('on-the-job-training.monthlyAmountFen'),
    );
    return null;
  }
  if (unverified.length > 0)
    decision.warn(`以下月份无社会保险缴费记录（缴费金额大于0），不予补贴：${unverified.join('、')}`);
  const periodMonths = lastVerified + 1;
  return {
    paidMonths: monthsOfWork.slice(0, periodMonths).filter((month) => verified.includes(month)).length,
    periodMonths,
    unverified,
  };
}

function checkOnTheJobGroupsAndEmployer(decision: Decision): void {
  const groupsParameter = decision.param('on-the-job-training.eligibleGroups');
  if (groupsParameter.value === null) {
    decision.warn('本文件仅延续原以工代训政策，人员和企业条件按原文件审核');
    return;
  }
  if (decision.request.person?.groups === undefined) {
    decision.missing('person.groups', groupsParameter.citation);
    return;
  }
  const groups = effectiveGroups(decision);
  if (qualifyingGroups(decision, groups).length > 0) return;
  const insuredGroups = decision.list('on-the-job-training.insuredEmployerGroups');
  if (!groups.some((group) => insuredGroups.includes(group))) {
    decision.deny('GROUP_NOT_ELIGIBLE', '人员类别不属于以工代训补贴对象', groupsParameter.citation);
    return;
  }
  // These groups qualify only when the employer is an insured enterprise (参保企业).
  const flags = decision.request.employment?.employerFlags;
  const citation = decision.citation('on-the-job-training.insuredEmployerGroups');
  if (flags === undefined) decision.missing('employment.employerFlags', citation);
  else if (!flags.includes('insured'))
    decision.deny('EMPLOYER_NOT_ELIGIBLE', '吸纳该类人员的须为参保企业', citation);
}

/** Groups that qualify with any eligible employer; a recent graduate must have graduated on/after the cut-off and by the application date. */
function qualifyingGroups(decision: Decision, groups: readonly GroupCode[]): GroupCode[] {
  const eligible = decision.list('on-the-job-training.eligibleGroups');
  const qualifying = groups.filter((group) => eligible.includes(group));
  if (!qualifying.includes('recent_graduate')) return qualifying;
  const since = decision.param('on-the-job-training.recentGraduateSince');
  if (typeof since.value !== 'string') return qualifying;
  const graduationDate = decision.request.person?.graduationDate;
  if (graduationDate === undefined) {
    if (qualifying.length === 1) decision.missing('person.graduationDate', since.citation);
    return qualifying.length === 1
      ? ['recent_graduate']
      : qualifying.filter((group) => group !== 'recent_graduate');
  }
  const others = qualifying.filter((group) => group !== 'recent_graduate');
  // "离校两年内": graduated on or after the cut-off and by the day applied for; a graduation
  // date after the application date contradicts the request itself.
  if (graduationDate > decision.request.date) {
    if (others.length > 0) return others;
    decision.deny(
      'GROUP_NOT_ELIGIBLE',
      `毕业日期（${graduationDate}）晚于申请日期（${decision.request.date}），申请时尚未毕业，不属于离校两年内高校毕业生`,
      since.citation,
    );
    return qualifying;
  }
  return graduationDate >= since.value ? qualifying : others;
}

function checkEmployerSize(decision: Decision): void {
  const sizes = decision.param('on-the-job-training.employerSizes');
  if (!Array.isArray(sizes.value)) return;
  const size = decision.request.employment?.employerSize;
  if (size === undefined) decision.missing('employment.employerSize', sizes.citation);
  else if (!sizes.value.includes(size))
    decision.deny('EMPLOYER_NOT_ELIGIBLE', '以工代训限中小微企业', sizes.citation);
}

/** "6个月及以上劳动合同" includes a 6-month contract. */
function checkContractLength(decision: Decision): void {
  const minimum = decision.param('on-the-job-training.minContractMonths');
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
  if (
    decision.request.subsidy !== 'on_the_job_training' ||
    !decision.has('on-the-job-training.noOtherTrainingDuring')
  )
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
      decision.citation('on-the-job-training.noOtherTrainingDuring'),
    );
  }
}

/**
 * Whole months of continuous work not yet paid, counted from the latest of the work start, the
 * document's counting start and the day after the last month already paid for this continuous
 * employment, and never past the application date (months not yet worked cannot be claimed).
 * Earlier 以工代训 entries that overlap the employment are this enterprise's: a person works
 * continuously at one employer, and an entry before the employment began is another one.
 */
function countPaidMonths(
  decision: Decision,
): { months: number; from: string; alreadyPaid: number } | undefined {
  const employment = decision.request.employment;
  const citation = decision.citation('on-the-job-training.monthlyAmountFen');
  if (employment?.start === undefined || employment.end === undefined) {
    decision.missing(employment?.start === undefined ? 'employment.start' : 'employment.end', citation);
    return undefined;
  }
  const countFrom = decision.param('on-the-job-training.countFrom').value;
  let start = typeof countFrom === 'string' ? laterDate(employment.start, countFrom) : employment.start;
  if (typeof countFrom === 'string' && employment.start < countFrom) {
    decision.warn(`连续工作时间自${countFrom}算起`);
  }
  let alreadyPaid = 0;
  for (const entry of decision.request.history ?? []) {
    if (entry.subsidy !== 'on_the_job_training' || entry.start === undefined || entry.end === undefined)
      continue;
    if (!periodsOverlap(entry.start, entry.end, employment.start, employment.end)) continue;
    const paidFrom = typeof countFrom === 'string' ? laterDate(entry.start, countFrom) : entry.start;
    if (paidFrom <= entry.end) alreadyPaid += fullMonthsBetween(paidFrom, entry.end);
    if (entry.end >= start) start = nextDay(entry.end);
  }
  const end = earlierDate(employment.end, decision.request.date);
  if (end < employment.end) decision.warn(`申请日${decision.request.date}之后的工作时间不计入`);
  return { months: start <= end ? fullMonthsBetween(start, end) : 0, from: start, alreadyPaid };
}
