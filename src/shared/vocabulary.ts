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

/**
 * The bodies that certify a person group (人员类别认定): each group is certified by the department
 * that keeps its register (就业困难人员 by the public employment service, 退役军人 by veterans
 * affairs, 残疾人 by the disabled persons' federation, 脱贫人口 by rural revitalisation, …).
 */
export const GROUP_CERTIFIERS = [
  'public_employment_service',
  'human_resources_social_security',
  'civil_affairs',
  'veterans_affairs',
  'disabled_persons_federation',
  'rural_revitalisation',
  'education',
  'justice',
  'agriculture_rural_affairs',
  'market_regulation',
] as const;
export type GroupCertifier = (typeof GROUP_CERTIFIERS)[number];

export const GROUP_CERTIFIER_LABELS: Record<GroupCertifier, string> = {
  public_employment_service: '公共就业服务机构',
  human_resources_social_security: '人力资源社会保障部门',
  civil_affairs: '民政部门',
  veterans_affairs: '退役军人事务部门',
  disabled_persons_federation: '残疾人联合会',
  rural_revitalisation: '乡村振兴部门',
  education: '教育部门',
  justice: '司法行政部门',
  agriculture_rural_affairs: '农业农村部门',
  market_regulation: '市场监督管理部门',
};

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

export const GROUP_LABELS: Record<GroupCode, string> = {
  enterprise_employee: '企业职工',
  rural_migrant_worker: '农村转移就业劳动者',
  two_after_student: '两后生（未继续升学的初高中毕业生）',
  registered_unemployed: '城镇登记失业人员',
  veteran: '退役军人',
  employment_difficulty: '就业困难人员',
  disabled: '残疾人',
  disabled_severe: '重度残疾人',
  zero_employment_family: '零就业家庭成员',
  recent_graduate: '离校两年内高校毕业生',
  graduating_student: '毕业年度毕业生',
  poor_labor: '贫困劳动力（建档立卡低收入农户劳动力）',
  poor_family_child: '贫困家庭子女',
  low_income_family: '城乡低保家庭成员',
  laid_off: '下岗失业人员',
  flexible_worker: '灵活就业人员',
  self_employed_worker: '个体工商户用工',
  nonprofit_worker: '民办非企业单位用工',
  platform_worker: '互联网平台企业用工',
  dispatched_worker: '劳务派遣人员',
  outsourced_worker: '服务外包人员',
  rural_resident: '农村户籍',
  urban_resident: '城镇户籍',
  entrepreneur: '有创业意愿的劳动者',
  high_risk_industry_worker: '高危行业从业人员',
  special_operations_worker: '特种作业人员',
  soon_released: '即将刑满释放人员',
  compulsory_rehab: '强制隔离戒毒人员',
  community_corrections: '社区服刑人员',
};

export const CERTIFICATE_TYPE_LABELS: Record<CertificateType, string> = {
  vocational_qualification: '职业资格证书',
  skill_level: '职业技能等级证书',
  special_ability: '专项职业能力证书',
  special_operation: '特种作业操作证',
  special_equipment: '特种设备作业人员证',
  training_qualified: '培训合格证',
};
