import { GROUP_LABELS } from '../../shared/vocabulary.ts';
import { type Decision, levelLabel } from '../decision.ts';
import type { GroupCode, HistoryEntry, SubsidyKind } from '../evaluate.types.ts';

/**
 * Rules most documents share: class filing, the yearly number of subsidised trainings, the
 * same occupation at the same level only once, one subsidy per certificate, acceptance
 * deadlines and group membership. Each reads its numbers and citations from the pack's
 * parameters, so a pack that words a rule differently only changes data.
 */

/** 开班备案: a class that was not filed before it started is never paid. */
export function checkClassFiled(decision: Decision): void {
  const citation = decision.citation('filing.classFilingRequired');
  const filed = decision.request.training?.filed;
  if (filed === undefined) decision.missing('training.filed', citation);
  else if (!filed) decision.deny('NOT_FILED', '培训班未按规定办理开班备案，不予享受培训补贴', citation);
}

/** Does this subsidy kind use one of the person's yearly subsidised trainings? */
export function markAnnualLimitUse(decision: Decision): boolean {
  const countedKinds = decision.list('limits.countedKinds');
  decision.countsTowardAnnualLimit = countedKinds.includes(decision.request.subsidy);
  return decision.countsTowardAnnualLimit;
}

/**
 * 每人每年不超过3次（含3次）: "不超过" includes the number itself, so a person with two counted
 * subsidies this calendar year gets the third and is refused the fourth.
 */
export function checkAnnualLimit(decision: Decision): void {
  if (!markAnnualLimitUse(decision)) return;
  const limit = decision.number('limits.annualTrainingCount');
  const countedKinds = decision.list('limits.countedKinds');
  const year = decision.request.date.slice(0, 4);
  let usedThisYear = 0;
  for (const entry of decision.request.history ?? []) {
    if (entry.date.startsWith(year) && countedKinds.includes(entry.subsidy)) usedThisYear += 1;
  }
  if (usedThisYear >= limit) {
    decision.deny(
      'ANNUAL_LIMIT_REACHED',
      `${year}年已享受${usedThisYear}次培训补贴，每人每年不超过${limit}次`,
      decision.citation('limits.annualTrainingCount'),
    );
  }
}

/** 同一职业同一等级不可重复享受, across all years and all counted training kinds. */
export function checkSameOccupationLevel(decision: Decision): void {
  const citation = decision.citation('limits.sameOccupationLevelOnce');
  const training = decision.request.training;
  const occupationCode = training?.occupationCode;
  const level = training?.level ?? decision.request.certificate?.level;
  if (occupationCode === undefined) {
    decision.missing('training.occupationCode', citation);
    return;
  }
  if (level === undefined) {
    decision.missing('training.level', citation);
    return;
  }
  const countedKinds = decision.list('limits.countedKinds');
  const repeated = (decision.request.history ?? []).some(
    (entry) =>
      countedKinds.includes(entry.subsidy) &&
      entry.occupationCode === occupationCode &&
      entry.level === level,
  );
  if (repeated) {
    decision.deny(
      'DUPLICATE_OCCUPATION_LEVEL',
      `同一职业（${occupationCode}）同一等级（${levelLabel(level)}）已享受过培训补贴`,
      citation,
    );
  }
}

/**
 * Each certificate is subsidised once: an earlier subsidy of one of `kinds` with the same
 * certificate number refuses this one. Without a certificate number the rule has nothing to
 * compare and stays silent; rules that need the certificate ask for it themselves.
 */
export function checkCertificateOnce(decision: Decision, kinds: readonly SubsidyKind[]): void {
  const number = decision.request.certificate?.number;
  if (number === undefined) return;
  const repeated = (decision.request.history ?? []).some(
    (entry) => entry.certificateNumber === number && kinds.includes(entry.subsidy),
  );
  if (repeated) {
    decision.deny(
      'CERTIFICATE_ALREADY_SUBSIDIZED',
      `证书 ${number} 已领取过补贴，每个证书只能领取一次`,
      decision.citation('limits.certificateOnce'),
    );
  }
}

/** The acceptance period of a subsidy ends on the date in `key` (inclusive: 截止到 includes it). */
export function checkAcceptanceDeadline(decision: Decision, key: string): void {
  const lastDay = decision.text(key);
  if (decision.request.date > lastDay) {
    decision.deny('DEADLINE_PASSED', `该补贴受理期限截止到${lastDay}`, decision.citation(key));
  }
}

/**
 * Groups the person counts as, beyond the ones certified:
 * - a 重度残疾人 is a 残疾人 (vocabulary: the narrower group implies the wider one);
 * - where the document writes 就业困难人员（含残疾人） (`groups.disabledAreEmploymentDifficulty`),
 *   a disabled person counts as an employment-difficulty person;
 * - where it counts dispatched or outsourced workers as the enterprise's employees
 *   (`groups.countedAsEnterpriseEmployees`), they are 企业职工;
 * - a pack with `relatives.extendedGroups` (Jiangsu) treats a direct relative of a poor or
 *   severely disabled person as that person for training.
 */
export function effectiveGroups(decision: Decision): readonly GroupCode[] {
  const own = decision.request.person?.groups ?? NO_GROUPS;
  const relatives = relativeGroups(decision, own);
  // The common case (one group or none, nothing implied, nothing counted as another) builds no set.
  if (
    own.length < 2 &&
    relatives.length === 0 &&
    (own.length === 0 || (own[0] !== 'disabled_severe' && own[0] !== 'disabled')) &&
    !decision.has('groups.countedAsEnterpriseEmployees')
  )
    return own;
  const groups = new Set<GroupCode>(own);
  for (const group of relatives) groups.add(group);
  if (groups.has('disabled_severe')) groups.add('disabled');
  if (groups.has('disabled') && decision.has('groups.disabledAreEmploymentDifficulty'))
    groups.add('employment_difficulty');
  if (decision.has('groups.countedAsEnterpriseEmployees')) {
    const counted = decision.list('groups.countedAsEnterpriseEmployees');
    if (own.some((group) => counted.includes(group))) groups.add('enterprise_employee');
  }
  return groups.size === own.length ? own : [...groups];
}

const NO_GROUPS: readonly GroupCode[] = Object.freeze([]);

function relativeGroups(decision: Decision, own: readonly GroupCode[]): readonly GroupCode[] {
  if (!decision.has('relatives.extendedGroups')) return NO_GROUPS;
  const relatives = decision.request.person?.relativeOfGroups ?? [];
  const extended = decision.list('relatives.extendedGroups');
  const added = relatives.filter((group) => extended.includes(group) && !own.includes(group));
  if (added.length > 0)
    decision.warn(
      `按直系亲属（${added.map((group) => GROUP_LABELS[group]).join('、')}）待遇认定，等同本人参加培训`,
    );
  return added;
}

export function hasAnyGroup(groups: readonly string[], wanted: readonly string[]): boolean {
  for (const group of groups) if (wanted.includes(group)) return true;
  return false;
}

/** The person's groups must be known for a group-dependent rule. */
export function requireGroups(decision: Decision, citationKey: string): readonly GroupCode[] | undefined {
  if (decision.request.person?.groups === undefined) {
    decision.missing('person.groups', decision.citation(citationKey));
    return undefined;
  }
  return effectiveGroups(decision);
}

/** Is the person an enterprise's employee, as the document counts them? */
export function isEnterpriseEmployee(decision: Decision): boolean {
  return effectiveGroups(decision).includes('enterprise_employee');
}

/** Earlier entries of the given kinds whose period overlaps [start, end]. */
export function overlappingHistory(
  history: readonly HistoryEntry[] | undefined,
  kinds: readonly SubsidyKind[],
  start: string,
  end: string,
): HistoryEntry | undefined {
  if (!history) return undefined;
  for (const entry of history) {
    if (!kinds.includes(entry.subsidy) || entry.start === undefined) continue;
    const entryEnd = entry.end ?? entry.start;
    if (entry.start <= end && start <= entryEnd) return entry;
  }
  return undefined;
}

/** The kinds that make up the "training" family for the one-subsidy-per-certificate rule. */
export const TRAINING_FAMILY: readonly SubsidyKind[] = [
  'training',
  'safety_training',
  'apprenticeship',
  'directed_training',
  'technician_training',
];

/**
 * The checks every certificate-based training subsidy runs: filing, yearly limit, same
 * occupation and level, and one subsidy per certificate.
 */
export function checkTrainingPreconditions(decision: Decision, options: { byOccupation: boolean }): void {
  checkClassFiled(decision);
  checkAttendanceShare(decision);
  checkAnnualLimit(decision);
  if (options.byOccupation) checkSameOccupationLevel(decision);
  checkCertificateOnce(decision, TRAINING_FAMILY);
}

/**
 * Attendance counts: a pack that pays a catalog standard per trainee carries
 * `attendance.minimumSharePercent`, the least share of the scheduled class hours
 * (`training.scheduledClassHours`) the trainee attended (`training.classHours`, both computed from
 * the real-name sign-in records). The documents leave the figure to the city; the parameter cites
 * the article that makes the training body answer for the training's reality, and
 * docs/policy-coverage.md states the source of its value. Requests without the schedule (v1
 * callers that send no `scheduledClassHours`) are not checked.
 */
export function checkAttendanceShare(decision: Decision): void {
  const training = decision.request.training;
  const scheduled = training?.scheduledClassHours;
  if (scheduled === undefined || scheduled <= 0 || !decision.has('attendance.minimumSharePercent')) return;
  // An advance (预拨) is paid while the training runs: its attendance is checked at settlement.
  if (decision.request.mode === 'advance') return;
  const minimum = decision.optionalNumber('attendance.minimumSharePercent');
  if (minimum === null) return;
  const citation = decision.citation('attendance.minimumSharePercent');
  const attended = training?.classHours;
  if (attended === undefined) {
    decision.missing('training.classHours', citation);
    return;
  }
  if (attended * 100 < minimum * scheduled) {
    const share = Math.floor((attended * 1000) / scheduled) / 10;
    decision.deny(
      'DURATION_OUT_OF_RANGE',
      `实际出勤 ${attended}/${scheduled} 课时（${share}%），低于最低出勤比例 ${minimum}%`,
      citation,
    );
  }
}

/**
 * 企业职工岗位技能提升培训补贴和失业保险参保职工技能提升补贴不得重复享受 (Hengyang 六（二）),
 * 给予职业培训补贴或参保职工技能提升补贴 (Jiangsu （十三）): the same skill (same certificate,
 * or same occupation and level) earns one of the two, never both. `citationKey` is the pack's
 * parameter stating the exclusion.
 */
export function checkInsuredSkillUpgradeExclusion(
  decision: Decision,
  otherKinds: readonly SubsidyKind[],
  citationKey: string,
): void {
  const certificateNumber = decision.request.certificate?.number;
  const occupationCode = decision.request.training?.occupationCode;
  const level = decision.request.training?.level ?? decision.request.certificate?.level;
  const clash = (decision.request.history ?? []).some(
    (entry) =>
      otherKinds.includes(entry.subsidy) &&
      ((certificateNumber !== undefined && entry.certificateNumber === certificateNumber) ||
        (occupationCode !== undefined && entry.occupationCode === occupationCode && entry.level === level)),
  );
  if (clash) {
    decision.deny(
      'DUPLICATE_SUBSIDY',
      '职业培训补贴和失业保险参保职工技能提升补贴只能享受其一，同一技能已享受过另一项补贴',
      decision.citation(citationKey),
    );
  }
}

/** The pack's exclusions between a training subsidy and the insured skill-upgrade subsidy. */
export const EMPLOYEE_TRAINING_EXCLUSION = 'employee-training.excludesInsuredSkillUpgrade';
export const TRAINING_OR_INSURED_EXCLUSION = 'exclusions.trainingOrInsuredSkillUpgrade';
