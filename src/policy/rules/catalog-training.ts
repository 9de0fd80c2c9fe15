import { SUBSIDY_KIND_LABELS } from '../../shared/vocabulary.ts';
import { type Decision, yuan } from '../decision.ts';
import type { Citation } from '../evaluate.types.ts';
import {
  checkCertificateOnce,
  checkInsuredSkillUpgradeExclusion,
  checkTrainingPreconditions,
  effectiveGroups,
  isEnterpriseEmployee,
  markAnnualLimitUse,
  TRAINING_FAMILY,
  TRAINING_OR_INSURED_EXCLUSION,
} from './common.ts';

/**
 * Adds the amount line of a training subsidy, or — in mode "advance" (预拨) — the advance share
 * of it. Only a pack whose document allows advance payment has `advance.maxSharePercent`;
 * the share is rounded down to whole fen because "不高于50%" is a ceiling.
 */
export function payTrainingAmount(
  decision: Decision,
  item: string,
  amountFen: number,
  basis: string,
  citation: Citation,
): void {
  if (decision.request.mode !== 'advance') {
    decision.line(item, amountFen, basis, citation);
    return;
  }
  if (!decision.has('advance.maxSharePercent')) {
    decision.deny('POLICY_NOT_IN_FORCE', '本文件未规定先行拨付（预拨）培训补贴，请按全额（培训结束后）申请');
    return;
  }
  const advanceCitation = decision.citation('advance.maxSharePercent');
  if (!isAdvanceAllowed(decision)) {
    decision.deny(
      'ADVANCE_NOT_ALLOWED',
      '仅企业开展培训或培训机构开展项目制培训的，可先行拨付培训补贴',
      advanceCitation,
    );
    return;
  }
  const sharePercent = decision.number('advance.maxSharePercent');
  const advanceFen = Math.floor((amountFen * sharePercent) / 100);
  decision.line(
    `${item}_advance`,
    advanceFen,
    `${basis}；先行拨付不高于${sharePercent}%：${yuan(advanceFen)}`,
    advanceCitation,
  );
  decision.warn('预拨金额；余额在培训结束后按实际结算');
}

function isAdvanceAllowed(decision: Decision): boolean {
  const kinds = decision.list('advance.allowedKinds');
  if (!kinds.includes(decision.request.subsidy)) return false;
  if (decision.request.training?.projectBased === true) return true;
  return isEnterpriseEmployee(decision);
}

/**
 * Mode "advance" is only for the kinds the document allows it for: refused up front for every
 * other kind (and everywhere when the document has no advance payment), so no formula pays a
 * full amount on an advance request.
 */
export function checkAdvanceMode(decision: Decision): void {
  if (decision.request.mode !== 'advance') return;
  if (!decision.has('advance.maxSharePercent')) {
    decision.deny('POLICY_NOT_IN_FORCE', '本文件未规定先行拨付（预拨）培训补贴，请按全额（培训结束后）申请');
  } else if (!decision.list('advance.allowedKinds').includes(decision.request.subsidy)) {
    decision.deny(
      'ADVANCE_NOT_ALLOWED',
      `${SUBSIDY_KIND_LABELS[decision.request.subsidy]}不适用先行拨付`,
      decision.citation('advance.allowedKinds'),
    );
  }
}

/** Enterprise employees' training subsidies go straight to the enterprise (直补企业). */
export function trainingPayee(decision: Decision): void {
  if (decision.request.subsidy === 'training' && isEnterpriseEmployee(decision)) {
    decision.payee = 'enterprise';
    // Jiangxi 三, Shanxi 三: the subsidy of an enterprise's own training goes straight to it.
    if (decision.has('payee.directToEnterprise'))
      decision.payeeCitation = decision.citation('payee.directToEnterprise');
  }
}

/**
 * A training subsidy at the local catalog standard: the document delegates the amount to the
 * city or district catalog (`training.catalogStandardFen` carries it), and sets the common
 * preconditions. Used wherever a document names a subsidy without its own formula.
 */
export function evaluateCatalogStandard(decision: Decision, options: { byOccupation: boolean }): void {
  checkTrainingPreconditions(decision, options);
  checkEligibleTrainingGroups(decision);
  if (decision.has(TRAINING_OR_INSURED_EXCLUSION) && TRAINING_FAMILY.includes(decision.request.subsidy))
    checkInsuredSkillUpgradeExclusion(decision, ['insured_skill_upgrade'], TRAINING_OR_INSURED_EXCLUSION);
  const citation = decision.citation('standards.localCatalog');
  const training = decision.request.training;
  if (training?.inCatalog === undefined) decision.missing('training.inCatalog', citation);
  else if (!training.inCatalog)
    decision.deny('NOT_IN_CATALOG', '该职业（工种）不在补贴性培训项目目录内', citation);
  const standardFen = training?.catalogStandardFen;
  if (standardFen === undefined) decision.missing('training.catalogStandardFen', citation);
  if (decision.isDenied || standardFen === undefined) return;
  trainingPayee(decision);
  payTrainingAmount(
    decision,
    decision.request.subsidy,
    standardFen,
    `补贴标准目录标准 ${yuan(standardFen)}/人`,
    citation,
  );
}

/** Packs that limit training to listed groups carry `training.eligibleGroups`; others do not. */
function checkEligibleTrainingGroups(decision: Decision): void {
  if (!decision.has('training.eligibleGroups')) return;
  const citation = decision.citation('training.eligibleGroups');
  if (decision.request.person?.groups === undefined) {
    decision.missing('person.groups', citation);
    return;
  }
  const eligible = decision.list('training.eligibleGroups');
  const groups = effectiveGroups(decision);
  if (!groups.some((group) => eligible.includes(group))) {
    decision.deny('GROUP_NOT_ELIGIBLE', '人员类别不在补贴性培训对象范围内', citation);
  }
}

/**
 * An evaluation (certificate) subsidy at the local standard: the document includes 职业技能鉴定
 * 评价补贴 in the standards the city sets, paid to the evaluation body once per certificate.
 */
export function evaluateLocalCertificateStandard(decision: Decision): void {
  markAnnualLimitUse(decision);
  const citation = decision.citation('standards.localCatalog');
  const certificate = decision.request.certificate;
  if (certificate?.number === undefined)
    decision.missing('certificate.number', decision.citation('limits.certificateOnce'));
  checkCertificateOnce(decision, ['certificate']);
  const standardFen = decision.request.training?.catalogStandardFen;
  if (standardFen === undefined) decision.missing('training.catalogStandardFen', citation);
  if (decision.isDenied || standardFen === undefined) return;
  decision.line('certificate', standardFen, `职业技能鉴定评价补贴，地方标准 ${yuan(standardFen)}`, citation);
}
