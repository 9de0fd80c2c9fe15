import { inclusiveDays } from '../dates.ts';
import { type Decision, yuan } from '../decision.ts';
import { checkClassFiled, effectiveGroups, hasAnyGroup, markAnnualLimitUse } from './common.ts';

/**
 * 生活费补贴: a daily amount for listed groups during subsidised training, paid to the person
 * (advanced by the institution). It rides on a filed training and is not a training of its own,
 * so it does not use one of the yearly subsidised trainings.
 */
export function evaluateLivingAllowance(decision: Decision): void {
  markAnnualLimitUse(decision);
  checkClassFiled(decision);
  checkLivingAllowanceGroups(decision);
  const days = trainingDays(decision);
  const dailyAmountFen = decision.optionalNumber('living-allowance.dailyAmountFen');
  if (dailyAmountFen === null)
    decision.missingLocalParameter('living-allowance.dailyAmountFen', '生活费补贴标准');
  if (decision.isDenied || days === undefined || dailyAmountFen === null) return;
  const amountFen = days * dailyAmountFen;
  const source = decision.param('living-allowance.fundingSource');
  const fundingSource =
    source.value === 'employment_subsidy_fund' ? 'employment_subsidy_fund' : 'special_account';
  const fund = fundingSource === 'employment_subsidy_fund' ? '从就业补助资金中列支' : '可从专账资金支出';
  decision.lines.push({
    item: 'living_allowance',
    amountFen,
    basis: `培训${days}天 × ${yuan(dailyAmountFen)}/人/天（${fund}）`,
    citation: decision.citation('living-allowance.dailyAmountFen'),
    fundingSource,
    fundingCitation: source.citation,
  });
}

function checkLivingAllowanceGroups(decision: Decision): void {
  const groupsParameter = decision.param('living-allowance.eligibleGroups');
  if (groupsParameter.value === null) {
    decision.warn('本文件未列明生活费补贴对象，按当地规定审核人员类别');
    return;
  }
  if (decision.request.person?.groups === undefined) {
    decision.missing('person.groups', groupsParameter.citation);
    return;
  }
  const groups = effectiveGroups(decision);
  const eligible = decision.list('living-allowance.eligibleGroups');
  const studentPartners = decision.list('living-allowance.twoAfterStudentWith');
  // "两后生" qualify only together with a second attribute (rural, or an urban low-income family).
  const isQualifyingStudent = groups.includes('two_after_student') && hasAnyGroup(groups, studentPartners);
  if (!hasAnyGroup(groups, eligible) && !isQualifyingStudent) {
    decision.deny('GROUP_NOT_ELIGIBLE', '人员类别不属于生活费补贴对象', groupsParameter.citation);
  }
}

/**
 * "按照培训天数": the days attended in class. Online days are left out because the allowance
 * covers living and travel costs of attending; without day counts the inclusive span is used.
 */
function trainingDays(decision: Decision): number | undefined {
  const training = decision.request.training;
  if (training?.offlineDays !== undefined) return training.offlineDays;
  if (training?.start !== undefined && training.end !== undefined)
    return inclusiveDays(training.start, training.end);
  decision.missing('training.offlineDays', decision.citation('living-allowance.dailyAmountFen'));
  return undefined;
}
