/**
 * The domain vocabulary (shared/domain/vocabulary.md): the codes used in the API, the database and
 * the UI. One list each, here; the policy contract, the registry and the UI import them.
 */

export const SUBSIDY_KINDS = [
  'training',
  'on_the_job_training',
  'certificate',
  'living_allowance',
  'safety_training',
  'apprenticeship',
  'directed_training',
  'technician_training',
  'insured_skill_upgrade',
] as const;
export type SubsidyKind = (typeof SUBSIDY_KINDS)[number];

export const GROUP_CODES = [
  'enterprise_employee',
  'rural_migrant_worker',
  'two_after_student',
  'registered_unemployed',
  'veteran',
  'employment_difficulty',
  'disabled',
  'disabled_severe',
  'zero_employment_family',
  'recent_graduate',
  'graduating_student',
  'poor_labor',
  'poor_family_child',
  'low_income_family',
  'laid_off',
  'flexible_worker',
  'self_employed_worker',
  'nonprofit_worker',
  'platform_worker',
  'dispatched_worker',
  'outsourced_worker',
  'rural_resident',
  'urban_resident',
  'entrepreneur',
  'high_risk_industry_worker',
  'special_operations_worker',
  'soon_released',
  'compulsory_rehab',
  'community_corrections',
] as const;
export type GroupCode = (typeof GROUP_CODES)[number];

export const LEVELS = [
  'special_ability',
  'primary',
  'intermediate',
  'advanced',
  'technician',
  'senior_technician',
] as const;
export type Level = (typeof LEVELS)[number];

export const CERTIFICATE_TYPES = [
  'vocational_qualification',
  'skill_level',
  'special_ability',
  'special_operation',
  'special_equipment',
  'training_qualified',
] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];

export const EMPLOYER_FLAGS = [
  'difficult',
  'industrial_transfer',
  'poverty_county_park',
  'classified',
  'insured',
  'cooperative',
  'poverty_workshop',
] as const;
export type EmployerFlag = (typeof EMPLOYER_FLAGS)[number];

export const EMPLOYER_SIZES = ['micro', 'small', 'medium', 'large'] as const;
export type EmployerSize = (typeof EMPLOYER_SIZES)[number];

export const SUBSIDY_KIND_LABELS: Record<SubsidyKind, string> = {
  training: '职业培训补贴',
  on_the_job_training: '以工代训职业培训补贴',
  certificate: '取证补贴 / 职业技能鉴定评价补贴',
  living_allowance: '生活费补贴（含交通费）',
  safety_training: '高危行业安全技能培训补贴',
  apprenticeship: '企业新型学徒制培训补贴',
  directed_training: '定向式（订单/定岗）培训补贴',
  technician_training: '技师、高级技师培训补贴',
  insured_skill_upgrade: '失业保险参保职工技能提升补贴',
};

export const LEVEL_LABELS: Record<Level, string> = {
  special_ability: '专项职业能力',
  primary: '初级工（五级）',
  intermediate: '中级工（四级）',
  advanced: '高级工（三级）',
  technician: '技师（二级）',
  senior_technician: '高级技师（一级）',
};

/** "Advanced and above" (高级工及以上). */
export const ADVANCED_AND_ABOVE: readonly Level[] = ['advanced', 'technician', 'senior_technician'];
