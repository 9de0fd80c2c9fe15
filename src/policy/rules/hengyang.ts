import { CERTIFICATE_TYPE_LABELS } from '../../shared/vocabulary.ts';
import { type Decision, levelLabel, yuan } from '../decision.ts';
import type { Citation, GroupCode, Level } from '../evaluate.types.ts';
import { payTrainingAmount } from './catalog-training.ts';
import {
  checkInsuredSkillUpgradeExclusion,
  checkTrainingPreconditions,
  EMPLOYEE_TRAINING_EXCLUSION,
  hasAnyGroup,
  isEnterpriseEmployee,
  markAnnualLimitUse,
  requireGroups,
  TRAINING_FAMILY,
  TRAINING_OR_INSURED_EXCLUSION,
} from './common.ts';

/**
 * 衡人社发【2019】21号 六: free training for listed groups at the catalog standard (六（一）),
 * enterprise employees' post-skill training with uplifts and the difficult-enterprise
 * out-of-catalog amounts (六（二）), safety training (六（三）).
 */
export function evaluateHengyangTraining(decision: Decision): void {
  checkTrainingPreconditions(decision, { byOccupation: true });
  requireAcceptedCertificate(decision, 'training.acceptedCertificateTypes');
  const groups = requireGroups(decision, 'training.freeTrainingGroups');
  if (groups === undefined) return;
  const isFreeTrainee = hasAnyGroup(groups, decision.list('training.freeTrainingGroups'));
  if (groups.includes('enterprise_employee') && !(isFreeTrainee && !meetsEmployeeContract(decision))) {
    evaluateEmployeeTraining(decision, groups);
    return;
  }
  if (isFreeTrainee) {
    evaluateFreeTraining(decision);
    return;
  }
  if (hasAnyGroup(groups, decision.list('training.groupsUnderOtherRules'))) {
    decision.deny(
      'OTHER_POLICY_APPLIES',
      '即将刑满释放人员、强制戒毒人员、社区服刑人员的培训补贴按现行有关文件规定执行，不按本方案测算；请向当地人力资源社会保障部门咨询适用的文件',
      decision.citation('training.groupsUnderOtherRules'),
    );
    return;
  }
  decision.deny(
    'GROUP_NOT_ELIGIBLE',
    '人员类别不属于免费培训对象或企业职工',
    decision.citation('training.freeTrainingGroups'),
  );
}

/** 六（四）: a subsidy needs a certificate obtained after the training. */
function requireAcceptedCertificate(decision: Decision, key: string): void {
  const citation = decision.citation(key);
  const type = decision.request.certificate?.type;
  if (type === undefined) {
    decision.missing('certificate.type', citation);
    return;
  }
  if (!decision.list(key).includes(type)) {
    decision.deny(
      'REQUIRED_CERTIFICATE_MISSING',
      `${CERTIFICATE_TYPE_LABELS[type]}不能作为该项培训补贴的凭证`,
      citation,
    );
  }
}

/** 六（一）/（五）: free training at the catalog standard; the institution may claim on the trainee's behalf. */
function evaluateFreeTraining(decision: Decision): void {
  const standardFen = catalogStandard(decision, 'training.freeTrainingGroups');
  if (decision.isDenied || standardFen === undefined) return;
  decision.payee = 'institution';
  payTrainingAmount(
    decision,
    'training',
    standardFen,
    `免费职业技能培训，目录标准 ${yuan(standardFen)}/人`,
    decision.citation('training.freeTrainingGroups'),
  );
}

function catalogStandard(decision: Decision, citationKey: string): number | undefined {
  const citation = decision.citation(citationKey);
  const training = decision.request.training;
  if (training?.inCatalog === undefined) decision.missing('training.inCatalog', citation);
  else if (!training.inCatalog) decision.deny('NOT_IN_CATALOG', '该职业（工种）不在补贴标准目录内', citation);
  if (training?.catalogStandardFen === undefined) decision.missing('training.catalogStandardFen', citation);
  return training?.catalogStandardFen;
}

/**
 * 六（一） and 六（二） are two routes, not one: a person of a free-training group (an employed
 * rural migrant worker, poor worker, veteran, disabled person…) is trained free at the catalog
 * standard whatever the contract; the one-year contract is the condition of 六（二） only. Such a
 * person takes 六（二） (with its uplifts) only when that route is open, i.e. the contract is known
 * to be one year or more.
 */
function meetsEmployeeContract(decision: Decision): boolean {
  const contractMonths = decision.request.employment?.contractMonths;
  return (
    contractMonths !== undefined && contractMonths >= decision.number('employee-training.minContractMonths')
  );
}

/** 六（二）: employees with a contract of one year or more (一年以上 includes 12 months). */
function evaluateEmployeeTraining(decision: Decision, groups: readonly GroupCode[]): void {
  decision.payee = 'enterprise';
  checkEmployeeContract(decision);
  checkInsuredSkillUpgradeExclusion(decision, ['insured_skill_upgrade'], EMPLOYEE_TRAINING_EXCLUSION);
  const training = decision.request.training;
  const citation = decision.citation('employee-training.minContractMonths');
  if (training?.inCatalog === undefined) {
    decision.missing('training.inCatalog', citation);
    return;
  }
  if (!training.inCatalog) {
    evaluateOutOfCatalog(decision);
    return;
  }
  const standardFen = training.catalogStandardFen;
  if (standardFen === undefined) {
    decision.missing('training.catalogStandardFen', citation);
    return;
  }
  if (decision.isDenied) return;
  const upliftKey = upliftFor(decision, groups);
  const upliftPercent = upliftKey ? decision.number(upliftKey) : 0;
  const totalFen = standardFen + Math.floor((standardFen * upliftPercent) / 100);
  const basis = upliftKey
    ? `目录标准 ${yuan(standardFen)} 上浮${upliftPercent}%：${yuan(totalFen)}`
    : `企业职工岗位技能提升培训，目录标准 ${yuan(standardFen)}/人`;
  payTrainingAmount(
    decision,
    'training',
    totalFen,
    basis,
    upliftKey ? decision.citation(upliftKey) : citation,
  );
}

/**
 * The two uplifts are alternatives for different people, not stacked: a poor worker in a
 * poverty-county park enterprise that also took over transferred industry gets the larger one.
 */
function upliftFor(decision: Decision, groups: readonly GroupCode[]): string | undefined {
  const flags = decision.request.employment?.employerFlags ?? [];
  const isPoorInPark = groups.includes('poor_labor') && flags.includes('poverty_county_park');
  const isTransfer = flags.includes('industrial_transfer');
  if (isPoorInPark && isTransfer) decision.warn('两项上浮不叠加，按较高的上浮比例计算');
  if (isPoorInPark) return 'employee-training.povertyCountyParkUpliftPercent';
  if (isTransfer) return 'employee-training.industrialTransferUpliftPercent';
  return undefined;
}

function checkEmployeeContract(decision: Decision): void {
  const minimumMonths = decision.number('employee-training.minContractMonths');
  const citation = decision.citation('employee-training.minContractMonths');
  const contractMonths = decision.request.employment?.contractMonths;
  if (contractMonths === undefined) decision.missing('employment.contractMonths', citation);
  else if (contractMonths < minimumMonths) {
    decision.deny(
      'CONTRACT_TOO_SHORT',
      `须与企业签订一年以上劳动合同（合同${contractMonths}个月）`,
      citation,
    );
  }
}

const OUT_OF_CATALOG_KEYS: Partial<Record<Level, string>> = {
  primary: 'difficult-enterprise.primaryFen',
  intermediate: 'difficult-enterprise.intermediateFen',
  advanced: 'difficult-enterprise.advancedFen',
};

/** Difficult enterprises may train out-of-catalog occupations: 550/990/1320 yuan by level, with a 培训合格证. */
function evaluateOutOfCatalog(decision: Decision): void {
  const citation = decision.citation('difficult-enterprise.primaryFen');
  const flags = decision.request.employment?.employerFlags;
  if (flags === undefined) {
    decision.missing('employment.employerFlags', citation);
    return;
  }
  if (!flags.includes('difficult')) {
    decision.deny('NOT_IN_CATALOG', '目录外职业（工种）仅困难企业组织的职工培训可享受补贴', citation);
    return;
  }
  if (decision.request.certificate?.type !== 'training_qualified') {
    decision.deny('REQUIRED_CERTIFICATE_MISSING', '困难企业目录外工种须凭统一编码的《培训合格证》', citation);
  }
  const level = decision.request.training?.level;
  if (level === undefined) {
    decision.missing('training.level', citation);
    return;
  }
  const key = OUT_OF_CATALOG_KEYS[level];
  if (!key) {
    decision.deny(
      'NOT_IN_CATALOG',
      `困难企业目录外工种补贴只设初、中、高级工，不含${levelLabel(level)}`,
      citation,
    );
    return;
  }
  if (decision.isDenied) return;
  const amountFen = decision.number(key);
  payTrainingAmount(
    decision,
    'training',
    amountFen,
    `困难企业目录外工种 ${levelLabel(level)} ${yuan(amountFen)}/人`,
    decision.citation(key),
  );
}

/** 六（三）: safety training, 5 yuan per class hour, at most 300 yuan per person, with a 特种作业操作证. */
export function evaluateHengyangSafetyTraining(decision: Decision): void {
  checkTrainingPreconditions(decision, { byOccupation: false });
  requireAcceptedCertificate(decision, 'safety-training.acceptedCertificateTypes');
  const citation = decision.citation('safety-training.perClassHourFen');
  requireEnterpriseOrganised(decision, citation);
  const classHours = decision.request.training?.classHours;
  if (classHours === undefined) decision.missing('training.classHours', citation);
  else if (classHours === 0) decision.deny('DURATION_OUT_OF_RANGE', '培训课时为0', citation);
  if (decision.isDenied || classHours === undefined) return;
  const perHourFen = decision.number('safety-training.perClassHourFen');
  const capFen = decision.number('safety-training.maxPerPersonFen');
  const amountFen = Math.min(classHours * perHourFen, capFen);
  if (amountFen < classHours * perHourFen)
    decision.warn(`按课时计 ${yuan(classHours * perHourFen)}，每人最高不超过${yuan(capFen)}`);
  payTrainingAmount(
    decision,
    'safety_training',
    amountFen,
    `${classHours}课时 × ${yuan(perHourFen)}/课时，每人最高${yuan(capFen)}`,
    citation,
  );
}

/**
 * 六（三） "对企业组织开展专项安全技能培训的，给予企业职工技能培训补贴": the training is one an
 * enterprise organises for its own workers and the subsidy goes to that enterprise, so a person
 * with no employer (a flexible worker) is outside it.
 */
function requireEnterpriseOrganised(decision: Decision, citation: Citation): void {
  if (decision.request.person?.groups === undefined) {
    decision.missing('person.groups', citation);
    return;
  }
  if (!isEnterpriseEmployee(decision)) {
    decision.deny(
      'GROUP_NOT_ELIGIBLE',
      '安全技能培训补贴只补贴企业为本企业职工组织的专项安全技能培训，补贴给予企业；没有用人企业的人员不在此列',
      citation,
    );
  }
}

/** The insured skill-upgrade subsidy: excluded against post-skill training; its amount is set by other documents. */
export function evaluateInsuredSkillUpgrade(decision: Decision): void {
  markAnnualLimitUse(decision);
  if (decision.has(EMPLOYEE_TRAINING_EXCLUSION))
    checkInsuredSkillUpgradeExclusion(decision, ['training'], EMPLOYEE_TRAINING_EXCLUSION);
  if (decision.has(TRAINING_OR_INSURED_EXCLUSION))
    checkInsuredSkillUpgradeExclusion(decision, TRAINING_FAMILY, TRAINING_OR_INSURED_EXCLUSION);
  const amountFen = decision.optionalNumber('insured-skill-upgrade.amountFen');
  if (amountFen === null) {
    decision.missingLocalParameter('insured-skill-upgrade.amountFen', '参保职工技能提升补贴标准');
    return;
  }
  if (decision.isDenied) return;
  decision.line(
    'insured_skill_upgrade',
    amountFen,
    `参保职工技能提升补贴 ${yuan(amountFen)}`,
    decision.citation('insured-skill-upgrade.amountFen'),
  );
}
