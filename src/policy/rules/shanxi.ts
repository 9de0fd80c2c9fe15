import { CERTIFICATE_TYPE_LABELS } from '../../shared/vocabulary.ts';
import { type Decision, levelLabel, yuan } from '../decision.ts';
import type { CertificateFacts } from '../evaluate.types.ts';
import { payTrainingAmount } from './catalog-training.ts';
import {
  checkCertificateOnce,
  checkTrainingPreconditions,
  markAnnualLimitUse,
  TRAINING_FAMILY,
} from './common.ts';

/**
 * 晋人社厅函〔2021〕600号 九（二）/十（一）: certificate subsidies to the evaluation body by
 * certificate type and level, once per certificate.
 */
export function evaluateShanxiCertificate(decision: Decision): void {
  markAnnualLimitUse(decision);
  const citation = decision.citation('certificate-subsidy.primaryFen');
  const certificate = decision.request.certificate;
  if (certificate?.type === undefined) {
    decision.missing('certificate.type', citation);
    return;
  }
  if (certificate.number === undefined)
    decision.missing('certificate.number', decision.citation('limits.certificateOnce'));
  checkCertificateOnce(decision, ['certificate']);
  const key = certificateAmountKey(decision, certificate);
  if (decision.isDenied || key === undefined) return;
  const amountFen = decision.number(key);
  decision.line(
    'certificate',
    amountFen,
    `取证补贴 ${CERTIFICATE_TYPE_LABELS[certificate.type]} ${levelLabel(certificate.level)} ${yuan(amountFen)}`,
    decision.citation(key),
  );
}

/** Which standard applies; special operation/equipment certificates count as primary on first issue only. */
function certificateAmountKey(decision: Decision, certificate: CertificateFacts): string | undefined {
  const citation = decision.citation('certificate-subsidy.primaryFen');
  switch (certificate.type) {
    case 'special_ability':
      return 'certificate-subsidy.specialAbilityFen';
    case 'special_operation':
    case 'special_equipment':
      if (certificate.firstIssue === undefined)
        return void decision.missing('certificate.firstIssue', citation);
      if (!certificate.firstIssue) {
        return void decision.deny(
          'CERTIFICATE_NOT_ELIGIBLE',
          '特种作业操作证、特种设备作业人员证仅初次取证给予补贴',
          citation,
        );
      }
      return 'certificate-subsidy.primaryFen';
    case 'vocational_qualification':
    case 'skill_level':
      return levelAmountKey(decision, certificate);
    case 'training_qualified':
    case undefined:
      return void decision.deny('CERTIFICATE_NOT_ELIGIBLE', '培训合格证不属于取证补贴范围', citation);
  }
}

function levelAmountKey(decision: Decision, certificate: CertificateFacts): string | undefined {
  const citation = decision.citation('certificate-subsidy.primaryFen');
  switch (certificate.level) {
    case undefined:
      return void decision.missing('certificate.level', citation);
    case 'special_ability':
      return 'certificate-subsidy.specialAbilityFen';
    case 'primary':
      return 'certificate-subsidy.primaryFen';
    case 'intermediate':
      return 'certificate-subsidy.intermediateFen';
    case 'advanced':
      return 'certificate-subsidy.advancedFen';
    case 'technician':
    case 'senior_technician':
      return void decision.deny(
        'CERTIFICATE_NOT_ELIGIBLE',
        '本文件未规定技师、高级技师证书的取证补贴标准',
        citation,
      );
  }
}

/**
 * 九（一）: directed training of 3–6 months (both included), ending with an advanced-level
 * skill certificate of the occupation, at the provincial standard of at most 8000 yuan.
 */
export function evaluateShanxiDirectedTraining(decision: Decision): void {
  checkTrainingPreconditions(decision, { byOccupation: true });
  checkDirectedMonths(decision);
  checkAdvancedCertificate(decision);
  const capCitation = decision.citation('directed-training.maxPerPersonFen');
  const standardFen = decision.request.training?.catalogStandardFen;
  if (standardFen === undefined) decision.missing('training.catalogStandardFen', capCitation);
  if (decision.isDenied || standardFen === undefined) return;
  const capFen = decision.number('directed-training.maxPerPersonFen');
  const amountFen = Math.min(standardFen, capFen);
  if (amountFen < standardFen) decision.warn(`定向式培训补贴每人不超过${yuan(capFen)}，已按上限计`);
  payTrainingAmount(
    decision,
    'directed_training',
    amountFen,
    `定向式培训，省级标准 ${yuan(standardFen)}，每人不超过${yuan(capFen)}`,
    capCitation,
  );
}

function checkDirectedMonths(decision: Decision): void {
  const citation = decision.citation('directed-training.minMonths');
  const months = decision.request.training?.months;
  if (months === undefined) {
    decision.missing('training.months', citation);
    return;
  }
  const minMonths = decision.number('directed-training.minMonths');
  const maxMonths = decision.number('directed-training.maxMonths');
  if (months < minMonths || months > maxMonths) {
    decision.deny(
      'DURATION_OUT_OF_RANGE',
      `每期培训${minMonths}-${maxMonths}个月（本期${months}个月）`,
      citation,
    );
  }
}

function checkAdvancedCertificate(decision: Decision): void {
  const citation = decision.citation('directed-training.requiredCertificateLevel');
  const certificate = decision.request.certificate;
  if (certificate?.type === undefined) {
    decision.missing('certificate.type', citation);
    return;
  }
  const requiredLevel = decision.text('directed-training.requiredCertificateLevel');
  const requiredTypes = decision.list('directed-training.requiredCertificateTypes');
  if (!requiredTypes.includes(certificate.type) || certificate.level !== requiredLevel) {
    decision.deny(
      'REQUIRED_CERTIFICATE_MISSING',
      '定向式培训结束须取得相应职业工种高级工职业技能等级证书',
      citation,
    );
  }
}

/** A catalog entry the catalog service checks against "不得全部按顶额标准确定". */
export interface CatalogStandardEntry {
  occupationCode: string;
  level: string;
  standardFen: number;
}

/**
 * 晋人社厅函〔2021〕600号 一: a city's catalog for 普惠制 training must not set every entry at
 * the top amount. Returns false when a catalog of two or more entries has all of them at the
 * top amount (the highest standard in the catalog, or `topAmountFen` when given).
 */
export function isCatalogNotAllAtTopAmount(
  entries: readonly CatalogStandardEntry[],
  topAmountFen?: number,
): boolean {
  if (entries.length < 2) return true;
  let top = topAmountFen ?? 0;
  if (topAmountFen === undefined) for (const entry of entries) top = Math.max(top, entry.standardFen);
  return entries.some((entry) => entry.standardFen < top);
}

/**
 * 四 "职业技能提升培训工作开展以来，已经参加培训的灵活就业人员可按现有政策执行": a flexible
 * worker whose training began before this notice stays under the existing policy, which this
 * pack does not hold — answered as another policy, not a refusal.
 */
export function checkFlexibleWorkerTransition(decision: Decision): void {
  if (!TRAINING_FAMILY.includes(decision.request.subsidy)) return;
  const start = decision.request.training?.start;
  const before = decision.text('transition.flexibleWorkersTrainingBefore');
  const groups = decision.list('transition.flexibleWorkerGroups');
  if (start === undefined || start >= before) return;
  if (!(decision.request.person?.groups ?? []).some((group) => groups.includes(group))) return;
  decision.deny(
    'OTHER_POLICY_APPLIES',
    `灵活就业人员在${before}前已经参加的培训，按现有政策执行，不按本通知测算；这不是不予补贴`,
    decision.citation('transition.flexibleWorkersTrainingBefore'),
  );
}
