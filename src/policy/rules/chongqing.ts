import { type Decision, yuan } from '../decision.ts';
import type { Level } from '../evaluate.types.ts';
import { payTrainingAmount, trainingPayee } from './catalog-training.ts';
import { checkTrainingPreconditions, isEnterpriseEmployee, overlappingHistory } from './common.ts';

const ADVANCED_AND_ABOVE: readonly Level[] = ['advanced', 'technician', 'senior_technician'];

/**
 * 渝人社发〔2021〕12号 一/二: the training subsidy is the district's daily rate × training days,
 * offline and online computed separately, capped by the standard of the earlier documents.
 */
export function evaluateChongqingDayRateTraining(decision: Decision): void {
  if (keepsOldPolicy(decision)) return;
  checkTrainingPreconditions(decision, { byOccupation: true });
  checkNoTrainingDuringOnTheJob(decision);
  const rateFen = offlineRate(decision);
  const days = trainingDays(decision);
  const onlineRateFen = onlineRate(decision, days?.online ?? 0);
  const capCitation = decision.citation('day-rates.totalCapSource');
  const capFen = decision.request.training?.catalogStandardFen;
  if (capFen === undefined) decision.missing('training.catalogStandardFen', capCitation);
  if (decision.isDenied || rateFen === undefined || days === undefined || capFen === undefined) return;
  if (days.offline + days.online === 0) {
    decision.deny(
      'DURATION_OUT_OF_RANGE',
      '可补贴的培训天数为0',
      decision.citation('day-rates.classHoursPerDay'),
    );
    return;
  }
  trainingPayee(decision);
  payDayRateLines(decision, { rateFen, onlineRateFen, days, capFen, capCitation });
}

interface DayRateAmounts {
  rateFen: number;
  onlineRateFen: number;
  days: { offline: number; online: number };
  capFen: number;
  capCitation: { doc: string; article: string };
}

function payDayRateLines(decision: Decision, amounts: DayRateAmounts): void {
  const { rateFen, onlineRateFen, days, capFen } = amounts;
  const offlineFen = days.offline * rateFen;
  const onlineFen = days.online * onlineRateFen;
  const kind = decision.request.subsidy;
  const rateCitation = decision.citation('day-rates.ceilingFen');
  if (decision.request.mode === 'advance') {
    payTrainingAmount(
      decision,
      kind,
      Math.min(offlineFen + onlineFen, capFen),
      '按天核算的培训补贴',
      rateCitation,
    );
    return;
  }
  // Days converted from flexible class hours cite the conversion article instead of the rate article.
  const hasClassHours = (decision.request.training?.classHours ?? 0) > 0;
  const offlineCitation = hasClassHours ? decision.citation('day-rates.classHoursPerDay') : rateCitation;
  const offlineBasis = `线下 ${days.offline}天${hasClassHours ? '（含课时折算，6课时=1天）' : ''} × ${yuan(rateFen)}/人/天`;
  decision.line(`${kind}_offline`, offlineFen, offlineBasis, offlineCitation);
  if (days.online > 0) {
    decision.line(
      `${kind}_online`,
      onlineFen,
      `线上 ${days.online}天 × ${yuan(onlineRateFen)}/人/天（分段核算）`,
      decision.citation('online.maxDailyRateFen'),
    );
  }
  if (offlineFen + onlineFen > capFen) {
    decision.line(
      'total_cap',
      capFen - offlineFen - onlineFen,
      `培训补贴总和不超过原标准 ${yuan(capFen)}`,
      amounts.capCitation,
    );
  }
}

/**
 * 末段 "已审核通过开班申请的培训班次，按原有政策执行": the approval date decides. A class that
 * started before the notice was necessarily approved before it, so its start date settles it; a
 * class starting on or after 2021-03-01 may still have been approved in February, so without the
 * approval date the engine asks for it rather than guess.
 */
function keepsOldPolicy(decision: Decision): boolean {
  const training = decision.request.training;
  const newPolicyFrom = decision.text('transition.newPolicyFrom');
  const citation = decision.citation('transition.newPolicyFrom');
  const approvedOn =
    training?.approvedOn ??
    (training?.start !== undefined && training.start < newPolicyFrom ? training.start : undefined);
  if (approvedOn === undefined) {
    decision.missing('training.approvedOn', citation);
    return true;
  }
  if (approvedOn >= newPolicyFrom) return false;
  decision.deny(
    'OTHER_POLICY_APPLIES',
    `该培训班次在${newPolicyFrom}前已审核通过开班申请，按原有政策（渝人社发〔2019〕124号、渝人社发〔2020〕43号）执行，不适用本通知的按天补贴标准；这不是不予补贴，请按原有政策申请`,
    citation,
  );
  return true;
}

/**
 * The district rate must respect the floor for its category and level and the 200-yuan
 * ceiling; a new occupation outside categories 2 and 6 has a fixed rate. Enterprise employee
 * training "可适当上浮", so the ceiling is not enforced for it.
 */
function offlineRate(decision: Decision): number | undefined {
  const training = decision.request.training;
  const citation = decision.citation('day-rates.ceilingFen');
  if (training?.occupationCode === undefined || training.level === undefined) return undefined;
  const isAdvanced = ADVANCED_AND_ABOVE.includes(training.level);
  const category = training.occupationCode.charAt(0);
  if (
    training.newOccupation === true &&
    !decision.list('day-rates.newOccupationExcludedCategories').includes(category)
  ) {
    const key = isAdvanced ? 'day-rates.newOccupationAdvancedFen' : 'day-rates.newOccupationFen';
    const fixedFen = decision.number(key);
    if (training.dailyRateFen !== undefined && training.dailyRateFen !== fixedFen) {
      decision.warn(`新职业培训补贴标准调整为${yuan(fixedFen)}/人/天，已按此计算`);
    }
    return fixedFen;
  }
  if (training.dailyRateFen === undefined) return void decision.missing('training.dailyRateFen', citation);
  const floorKey = floorKeyFor(category === '6', isAdvanced);
  const floorFen = decision.number(floorKey);
  const ceilingFen = decision.number('day-rates.ceilingFen');
  const isUplifted = isEnterpriseEmployee(decision);
  if (training.dailyRateFen < floorFen) {
    decision.deny(
      'RATE_OUT_OF_RANGE',
      `日补贴标准${yuan(training.dailyRateFen)}低于下限${yuan(floorFen)}`,
      decision.citation(floorKey),
    );
  } else if (training.dailyRateFen > ceilingFen && !isUplifted) {
    decision.deny(
      'RATE_OUT_OF_RANGE',
      `日补贴标准${yuan(training.dailyRateFen)}高于上限${yuan(ceilingFen)}`,
      citation,
    );
  } else if (training.dailyRateFen > ceilingFen) {
    decision.warn('企业职工培训学时补贴标准适当上浮，超过200元/人·天的部分由区县认定');
  }
  return training.dailyRateFen;
}

function floorKeyFor(isManufacturing: boolean, isAdvanced: boolean): string {
  if (isManufacturing)
    return isAdvanced ? 'day-rates.manufacturingAdvancedFloorFen' : 'day-rates.manufacturingFloorFen';
  return isAdvanced ? 'day-rates.otherAdvancedFloorFen' : 'day-rates.otherFloorFen';
}

/**
 * Offline days plus flexible class hours (6 × 45 min = 1 day, whole days only), and online
 * days limited so that they stay within 30 % of the subsidised total.
 */
function trainingDays(decision: Decision): { offline: number; online: number } | undefined {
  const training = decision.request.training;
  const hoursCitation = decision.citation('day-rates.classHoursPerDay');
  if (
    training?.offlineDays === undefined &&
    training?.onlineDays === undefined &&
    training?.classHours === undefined
  ) {
    return void decision.missing('training.offlineDays', hoursCitation);
  }
  const hoursPerDay = decision.number('day-rates.classHoursPerDay');
  const classHours = training.classHours ?? 0;
  if (classHours % hoursPerDay !== 0)
    decision.warn(`${classHours}课时中不足${hoursPerDay}课时的部分不折算为1天`);
  const offline = (training.offlineDays ?? 0) + Math.floor(classHours / hoursPerDay);
  const declaredOnline = training.onlineDays ?? 0;
  if (declaredOnline === 0) return { offline, online: 0 };
  const sharePercent = decision.number('online.maxSharePercent');
  const allowedOnline = Math.floor((offline * sharePercent) / (100 - sharePercent));
  if (declaredOnline <= allowedOnline) return { offline, online: declaredOnline };
  decision.warn(
    `线上培训学时原则上不超过总学时的${sharePercent}%：线上${declaredOnline}天按${allowedOnline}天核算`,
  );
  return { offline, online: allowedOnline };
}

function onlineRate(decision: Decision, onlineDays: number): number {
  if (onlineDays === 0) return 0;
  const citation = decision.citation('online.maxDailyRateFen');
  const rateFen = decision.request.training?.onlineDailyRateFen;
  if (rateFen === undefined) {
    decision.missing('training.onlineDailyRateFen', citation);
    return 0;
  }
  const maxFen = decision.number('online.maxDailyRateFen');
  if (rateFen > maxFen)
    decision.deny('RATE_OUT_OF_RANGE', `线上补贴标准${yuan(rateFen)}超过${yuan(maxFen)}/人·天`, citation);
  return rateFen;
}

/** 三: while in 以工代训 a worker cannot attend another subsidised training. */
export function checkNoTrainingDuringOnTheJob(decision: Decision): void {
  const training = decision.request.training;
  if (training?.start === undefined) return;
  const end = training.end ?? training.start;
  const overlap = overlappingHistory(decision.request.history, ['on_the_job_training'], training.start, end);
  if (overlap) {
    decision.deny(
      'OVERLAPPING_TRAINING',
      `培训期间与以工代训期间（${overlap.start}至${overlap.end ?? overlap.start}）重叠`,
      decision.citation('on-the-job-training.noOtherTrainingDuring'),
    );
  }
}

/** 五: apprenticeship at the catalog standard; the usual cycle is 1–2 years (一般, so only a warning). */
export function warnApprenticeshipCycle(decision: Decision): void {
  const months = decision.request.training?.months;
  if (months === undefined) return;
  const minMonths = decision.number('apprenticeship.usualMinMonths');
  const maxMonths = decision.number('apprenticeship.usualMaxMonths');
  if (months < minMonths || months > maxMonths) {
    decision.warn(
      `企业新型学徒制培训周期一般为${minMonths}-${maxMonths}个月（本期${months}个月），提前结业的按实际培训时长折算`,
    );
  }
}

/**
 * 六: a national (municipal) high-skill training base must train at least 600 (300) person-times
 * a year at advanced level or above on average, or lose the title. A pure check the supervision
 * domain can call with the base's yearly figures; "年均" includes the target itself ("达到").
 */
export function isHighSkillBaseOnTarget(
  parameters: ReadonlyMap<string, { value: unknown }>,
  options: { baseLevel: 'national' | 'municipal'; advancedTraineesPerYear: number },
): boolean {
  const key =
    options.baseLevel === 'national'
      ? 'high-skill-base.nationalMinAdvancedPerYear'
      : 'high-skill-base.municipalMinAdvancedPerYear';
  const target = parameters.get(key)?.value;
  if (typeof target !== 'number') throw new Error(`parameter ${key} is missing`);
  return options.advancedTraineesPerYear >= target;
}
