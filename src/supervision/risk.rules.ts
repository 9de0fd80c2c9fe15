/**
 * The risk rules (风险筛查规则). Each is a small detector in risk.repository.ts that turns the
 * real-name records into alerts carrying evidence and a score from 0 to 100. A claim's risk
 * score is the highest score of the open alerts that concern it; at BLOCK_THRESHOLD or above
 * the claim cannot be approved until an officer clears the alert or a case decides it.
 * docs/supervision.md explains every rule, its thresholds and why they are set where they are.
 */
export const RULE_CODES = [
  'overlapping_classes',
  'impossible_travel',
  'pensioner',
  'full_time_student',
  'sign_in_identical',
  'sign_in_regular',
  'perfect_exam',
  'certificate_before_class_end',
  'over_capacity',
  'shared_phone',
  'on_the_job_without_payroll',
  'single_enterprise_unemployed',
  'outside_catalog_scope',
  'low_attendance',
  'certificate_before_exam',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/**
 * A trainee of an ended class who attended less than this share of its scheduled class hours is
 * flagged (every region; the policy packs' own minimum decides the pay).
 */
export const LOW_ATTENDANCE_PERCENT = 50;

/** A claim whose highest open alert scores this much or more cannot be approved. */
export const BLOCK_THRESHOLD = 70;

export interface RuleDefinition {
  code: RuleCode;
  /** What an officer reads in the alert list. */
  label: string;
  /** The score of a typical hit; some rules scale it with the evidence (see the detector). */
  baseScore: number;
  /** What the detector looks at: one class, one person in one class, or one claim. */
  subject: 'class' | 'person_in_class' | 'claim';
  /** The audit finding or document the rule answers. */
  basis: string;
}

const AUDIT = '审计署：虚假培训、冒名顶替、机器刷课、违规发证';
const FUND_RULE = '赣人社字〔2021〕151号 五；渝人社发〔2021〕12号 八：加大风险防控和排查';

export const RULES: Record<RuleCode, RuleDefinition> = {
  overlapping_classes: {
    code: 'overlapping_classes',
    label: '同一人员同时段参加两个培训班',
    baseScore: 80,
    subject: 'person_in_class',
    basis: AUDIT,
  },
  impossible_travel: {
    code: 'impossible_travel',
    label: '签到地点间距与时间间隔不符（时速超过 300 公里）',
    baseScore: 85,
    subject: 'person_in_class',
    basis: AUDIT,
  },
  pensioner: {
    code: 'pensioner',
    label: '学员为领取养老金人员（大数据比对）',
    baseScore: 90,
    subject: 'person_in_class',
    basis: '苏政办发〔2019〕71号：领取养老金人员不在补贴范围；审计署：冒用退休人员',
  },
  full_time_student: {
    code: 'full_time_student',
    label: '学员为全日制在校学生（大数据比对）',
    baseScore: 85,
    subject: 'person_in_class',
    basis: '审计署：以在校学生充当学员',
  },
  sign_in_identical: {
    code: 'sign_in_identical',
    label: '同班多名学员签到时间完全相同',
    baseScore: 80,
    subject: 'class',
    basis: AUDIT,
  },
  sign_in_regular: {
    code: 'sign_in_regular',
    label: '同班签到时间呈机器式等间隔',
    baseScore: 80,
    subject: 'class',
    basis: AUDIT,
  },
  perfect_exam: {
    code: 'perfect_exam',
    label: '全班通过且成绩完全相同',
    baseScore: 70,
    subject: 'class',
    basis: AUDIT,
  },
  certificate_before_class_end: {
    code: 'certificate_before_class_end',
    label: '证书发证日期早于培训结束',
    baseScore: 90,
    subject: 'class',
    basis: AUDIT,
  },
  over_capacity: {
    code: 'over_capacity',
    label: '班级人数超过机构核定培训规模',
    baseScore: 70,
    subject: 'class',
    basis: FUND_RULE,
  },
  shared_phone: {
    code: 'shared_phone',
    label: '多名学员共用同一手机号码',
    baseScore: 60,
    subject: 'class',
    basis: AUDIT,
  },
  on_the_job_without_payroll: {
    code: 'on_the_job_without_payroll',
    label: '以工代训申请月份无社会保险缴费记录（缴费金额大于0）',
    baseScore: 80,
    subject: 'claim',
    basis: '赣人社字〔2021〕151号 二；晋人社厅函〔2021〕600号：通过大数据比对（社会保险缴费记录）核实',
  },
  single_enterprise_unemployed: {
    code: 'single_enterprise_unemployed',
    label: '按失业人员就业技能培训申报，学员却几乎全部来自同一企业',
    baseScore: 85,
    subject: 'class',
    basis: AUDIT,
  },
  low_attendance: {
    code: 'low_attendance',
    label: '学员实际出勤课时不足课程表课时的一半',
    baseScore: 60,
    subject: 'person_in_class',
    basis: `${AUDIT}；出勤以实名制签到签退记录计算`,
  },
  certificate_before_exam: {
    code: 'certificate_before_exam',
    label: '培训结束后、结业考核之前已取得同职业同等级证书',
    baseScore: 80,
    subject: 'person_in_class',
    basis: `${AUDIT}；证书应在考核合格之后颁发`,
  },
  outside_catalog_scope: {
    code: 'outside_catalog_scope',
    label: '申报项目超出机构目录范围',
    baseScore: 80,
    subject: 'claim',
    basis: '两目录一系统：凡进必补、不进不补',
  },
};

export function isRuleCode(value: string): value is RuleCode {
  return (RULE_CODES as readonly string[]).includes(value);
}

/** The score of a shared phone: 3 trainees 60, 4 → 70, 5 → 80, 6 or more → 90 (capped at 95). */
export function sharedPhoneScore(sharing: number): number {
  return Math.min(95, 50 + 10 * (sharing - 2));
}

/** Great-circle distance in kilometres (the same formula the detector runs in SQL). */
export function distanceKm(from: { lat: number; lng: number }, to: { lat: number; lng: number }): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = radians(to.lat - from.lat);
  const dLng = radians(to.lng - from.lng);
  const a =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(from.lat)) * Math.cos(radians(to.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Travel between two sign-in points is impossible above this speed (faster than door-to-door flight). */
export const MAX_TRAVEL_KMH = 300;
/** Below this distance GPS noise and nearby campuses make speed meaningless. */
export const MIN_TRAVEL_KM = 100;

/** Level codes counted as 高级工及以上 (advanced and above). */
export const ADVANCED_LEVELS = ['advanced', 'technician', 'senior_technician'] as const;
