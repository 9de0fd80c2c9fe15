/**
 * The codes of shared/domain/vocabulary.md with the Chinese term the UI shows (and a short
 * English one for the language switch). The API speaks codes; people read these labels.
 */
import type { QueryOf } from './api/types.ts';

type Labels<Code extends string = string> = Record<Code, readonly [string, string]>;

/**
 * The codes a list filters by, as the generated client types its query parameter: a labels record
 * typed by one must name exactly the codes the API accepts, and its options carry that type.
 */
type AlertStatus = NonNullable<QueryOf<'/api/supervision/alerts', 'get'>['status']>;
type CaseStatus = NonNullable<QueryOf<'/api/supervision/cases', 'get'>['status']>;
type SanctionAction = NonNullable<QueryOf<'/api/supervision/sanctions', 'get'>['action']>;
type AppealStatus = NonNullable<QueryOf<'/api/supervision/sanctions', 'get'>['appealStatus']>;
type Role = NonNullable<QueryOf<'/api/admin/users', 'get'>['role']>;

export const SUBSIDY_KINDS: Labels = {
  training: ['职业培训补贴', 'Vocational training'],
  on_the_job_training: ['以工代训职业培训补贴', 'On-the-job training'],
  certificate: ['取证补贴 / 职业技能鉴定评价补贴', 'Certificate subsidy'],
  living_allowance: ['生活费补贴（含交通费）', 'Living allowance'],
  safety_training: ['高危行业安全技能培训补贴', 'Safety training'],
  apprenticeship: ['企业新型学徒制培训补贴', 'Apprenticeship'],
  directed_training: ['定向式（订单/定岗）培训补贴', 'Directed training'],
  technician_training: ['技师、高级技师培训补贴', 'Technician training'],
  insured_skill_upgrade: ['失业保险参保职工技能提升补贴', 'Insured skill upgrade'],
};

export const GROUPS: Labels = {
  enterprise_employee: ['企业职工', 'Enterprise employee'],
  rural_migrant_worker: ['农村转移就业劳动者', 'Rural migrant worker'],
  two_after_student: ['两后生（未继续升学的初高中毕业生）', 'School leaver'],
  registered_unemployed: ['城镇登记失业人员', 'Registered unemployed'],
  veteran: ['退役军人', 'Veteran'],
  employment_difficulty: ['就业困难人员', 'Hard to employ'],
  disabled: ['残疾人', 'Disabled'],
  disabled_severe: ['重度残疾人', 'Severely disabled'],
  zero_employment_family: ['零就业家庭成员', 'Zero-employment family'],
  recent_graduate: ['离校两年内高校毕业生', 'Recent graduate'],
  graduating_student: ['毕业年度毕业生', 'Graduating student'],
  poor_labor: ['贫困劳动力 / 建档立卡低收入农户劳动力', 'Poor labourer'],
  poor_family_child: ['贫困家庭子女', 'Child of a poor family'],
  low_income_family: ['城乡低保家庭成员', 'Low-income family'],
  laid_off: ['下岗失业人员', 'Laid off'],
  flexible_worker: ['灵活就业人员', 'Flexible worker'],
  self_employed_worker: ['个体工商户用工', 'Self-employed business staff'],
  nonprofit_worker: ['民办非企业单位用工', 'Non-profit staff'],
  platform_worker: ['互联网平台企业用工', 'Platform worker'],
  dispatched_worker: ['劳务派遣人员', 'Dispatched worker'],
  outsourced_worker: ['服务外包人员', 'Outsourced worker'],
  rural_resident: ['农村户籍', 'Rural household'],
  urban_resident: ['城镇户籍', 'Urban household'],
  entrepreneur: ['有创业意愿的劳动者', 'Would-be entrepreneur'],
  high_risk_industry_worker: ['高危行业从业人员', 'High-risk industry worker'],
  special_operations_worker: ['特种作业人员', 'Special operations worker'],
  soon_released: ['即将刑满释放人员', 'Soon released'],
  compulsory_rehab: ['强制隔离戒毒人员', 'In compulsory rehabilitation'],
  community_corrections: ['社区服刑人员', 'Community corrections'],
};

/** Certifying bodies of person groups (src/shared/vocabulary.ts GROUP_CERTIFIERS). */
export const GROUP_CERTIFIERS: Labels = {
  public_employment_service: ['公共就业服务机构', 'Public employment service'],
  human_resources_social_security: ['人力资源社会保障部门', 'Human resources and social security'],
  civil_affairs: ['民政部门', 'Civil affairs'],
  veterans_affairs: ['退役军人事务部门', 'Veterans affairs'],
  disabled_persons_federation: ['残疾人联合会', "Disabled persons' federation"],
  rural_revitalisation: ['乡村振兴部门', 'Rural revitalisation'],
  education: ['教育部门', 'Education'],
  justice: ['司法行政部门', 'Justice'],
  agriculture_rural_affairs: ['农业农村部门', 'Agriculture and rural affairs'],
  market_regulation: ['市场监督管理部门', 'Market regulation'],
};

export const LEVELS: Labels = {
  special_ability: ['专项职业能力', 'Special ability'],
  primary: ['初级工（五级）', 'Primary (5)'],
  intermediate: ['中级工（四级）', 'Intermediate (4)'],
  advanced: ['高级工（三级）', 'Advanced (3)'],
  technician: ['技师（二级）', 'Technician (2)'],
  senior_technician: ['高级技师（一级）', 'Senior technician (1)'],
};

export const CERTIFICATE_TYPES: Labels = {
  vocational_qualification: ['职业资格证书', 'Vocational qualification'],
  skill_level: ['职业技能等级证书', 'Skill level certificate'],
  special_ability: ['专项职业能力证书', 'Special ability certificate'],
  special_operation: ['特种作业操作证', 'Special operation permit'],
  special_equipment: ['特种设备作业人员证', 'Special equipment permit'],
  training_qualified: ['培训合格证', 'Training completion certificate'],
};

export const EMPLOYER_FLAGS: Labels = {
  difficult: ['困难企业', 'Enterprise in difficulty'],
  industrial_transfer: ['承接产业转移企业', 'Industrial transfer'],
  poverty_county_park: ['贫困县园区内企业', 'Poverty-county park'],
  classified: ['涉密企业', 'Classified'],
  insured: ['参保企业', 'Insured'],
  cooperative: ['农民专业合作社', 'Cooperative'],
  poverty_workshop: ['扶贫车间', 'Poverty workshop'],
};

export const EMPLOYER_SIZES: Labels = {
  micro: ['微型企业', 'Micro'],
  small: ['小型企业', 'Small'],
  medium: ['中型企业', 'Medium'],
  large: ['大型企业', 'Large'],
};

export const PAYEES: Labels = {
  person: ['劳动者本人', 'The worker'],
  enterprise: ['企业', 'Enterprise'],
  institution: ['培训机构', 'Training institution'],
  evaluation_org: ['评价机构', 'Evaluation organisation'],
};

/** What each denial code means, in plain words (vocabulary.md, Denial codes). */
export const DENIAL_CODES: Labels = {
  POLICY_NOT_IN_FORCE: ['该地区该日期没有适用的补贴政策', 'No policy in force here on this date'],
  DEADLINE_PASSED: ['该补贴的受理期限已过', 'The acceptance period has ended'],
  NOT_FILED: ['培训班未在开班前备案审批（未开班备案）', 'The class was not filed before it started'],
  GROUP_NOT_ELIGIBLE: ['人员类别不在补贴范围内', 'The person’s groups do not qualify'],
  PENSIONER_EXCLUDED: ['已按月领取养老金人员不予补贴', 'Pension recipients are excluded'],
  EMPLOYER_NOT_ELIGIBLE: ['用人单位类型或规模不符合条件', 'The employer does not qualify'],
  CONTRACT_TOO_SHORT: ['劳动合同期限不足', 'The labour contract is too short'],
  ANNUAL_LIMIT_REACHED: ['本年度享受补贴次数已满', 'The yearly number of subsidies is used up'],
  DUPLICATE_OCCUPATION_LEVEL: [
    '同一职业同一等级已享受过补贴',
    'Same occupation and level already subsidised',
  ],
  CERTIFICATE_ALREADY_SUBSIDIZED: ['该证书已享受过补贴', 'This certificate was already subsidised'],
  DUPLICATE_SUBSIDY: ['与已享受的补贴不得重复享受', 'Excluded by a subsidy already received'],
  OVERLAPPING_TRAINING: ['与其他补贴性培训或以工代训期间重叠', 'Overlaps another subsidised training'],
  REQUIRED_CERTIFICATE_MISSING: ['未取得政策要求的证书', 'The required certificate was not obtained'],
  DURATION_OUT_OF_RANGE: ['培训时长不在规定范围内', 'Training duration out of range'],
  RATE_OUT_OF_RANGE: ['地方标准超出文件规定的上下限', 'Local rate outside the allowed range'],
  NOT_IN_CATALOG: ['职业（工种）不在补贴目录内', 'Occupation not in the subsidy catalog'],
  MISSING_INPUT: ['缺少计算所需的信息', 'A fact the rule needs is missing'],
  ADVANCE_NOT_ALLOWED: ['该培训不适用预拨', 'No advance payment for this training'],
  CERTIFICATE_NOT_ELIGIBLE: ['该证书类型或等级无补贴标准', 'No subsidy standard for this certificate'],
  OTHER_POLICY_APPLIES: [
    '适用其他（原有）政策文件，不是不予补贴',
    'Another (earlier) policy document applies; not a refusal',
  ],
};

export const CLAIM_STATUSES: Labels = {
  draft: ['草稿', 'Draft'],
  submitted: ['已提交待审核', 'Submitted'],
  reviewed: ['已审核', 'Reviewed'],
  in_notice: ['公示中', 'In public notice'],
  approved: ['已审批', 'Approved'],
  payment_ordered: ['已下达支付', 'Payment ordered'],
  paid: ['已支付', 'Paid'],
  payment_failed: ['支付失败', 'Payment failed'],
  returned: ['退回修改', 'Returned'],
  rejected: ['不予补贴', 'Rejected'],
};

/** Roles of src/auth/roles.ts (ROLE_LABELS), as shown in histories and user lists. */
export const ROLES: Labels<Role> = {
  province_officer: ['省级人社经办人员', 'Province officer'],
  city_officer: ['市级人社经办人员', 'City officer'],
  county_officer: ['县级人社经办人员', 'County officer'],
  finance_officer: ['财政（专账）经办人员', 'Finance officer'],
  third_party_reviewer: ['第三方审核机构人员', 'Third-party reviewer'],
  institution_operator: ['培训机构经办人员', 'Institution operator'],
  enterprise_operator: ['企业经办人员', 'Enterprise operator'],
  evaluation_org_operator: ['评价机构经办人员', 'Evaluation organisation operator'],
  worker: ['劳动者', 'Worker'],
  auditor: ['只读审计人员', 'Auditor'],
  system_admin: ['系统管理员', 'System administrator'],
  security_admin: ['安全管理员', 'Security administrator'],
  audit_admin: ['审计管理员', 'Audit administrator'],
};

export const CLASS_STATUSES: Labels = {
  filed: ['已申请待审批', 'Filed'],
  approved: ['已备案', 'Approved'],
  rejected: ['已退回', 'Returned'],
  completed: ['已结业', 'Completed'],
  cancelled: ['已取消', 'Cancelled'],
};

export const ORGANISATION_KINDS: Labels = {
  enterprise: ['企业', 'Enterprise'],
  institution: ['培训机构', 'Training institution'],
  evaluation_org: ['评价机构', 'Evaluation organisation'],
  review_agency: ['第三方审核机构', 'Review agency'],
};

/** How a claim asks (claim.mode): in full after the training, an advance while it runs, or the settlement of an advance. */
export const CLAIM_MODES: Labels = {
  full: ['全额申请', 'Full claim'],
  advance: ['预拨（培训进行中先行拨付）', 'Advance while the training runs'],
  settlement: ['清算（按核定金额多退少补）', 'Settlement of an advance'],
};

export const SUB_ACCOUNTS: Labels = {
  special: ['专账', 'Special account'],
  training: ['职业培训补贴', 'Training'],
  on_the_job_training: ['以工代训', 'On-the-job training'],
  living_allowance: ['生活费补贴', 'Living allowance'],
  certificate: ['取证/鉴定评价补贴', 'Certificate'],
  apprenticeship: ['学徒制', 'Apprenticeship'],
  advance: ['预拨', 'Advance'],
};

/** Jurisdictions whose policy documents the engine knows (the public calculator's choices). */
export const JURISDICTIONS: readonly { code: string; name: string }[] = [
  { code: '430400', name: '湖南省衡阳市' },
  { code: '430421', name: '湖南省衡阳市衡阳县' },
  { code: '320000', name: '江苏省' },
  { code: '320100', name: '江苏省南京市' },
  { code: '360000', name: '江西省' },
  { code: '140000', name: '山西省' },
  { code: '140100', name: '山西省太原市' },
  { code: '500000', name: '重庆市' },
  { code: '500103', name: '重庆市渝中区' },
];

export function label(labels: Labels, code: string | null | undefined, language: 'zh' | 'en' = 'zh'): string {
  if (!code) return '—';
  const pair = labels[code];
  return pair ? pair[language === 'zh' ? 0 : 1] : code;
}

/** A select's options from a labels record, each value typed as the record's codes. */
export function options<Code extends string>(
  labels: Labels<Code>,
  language: 'zh' | 'en' = 'zh',
): { value: Code; label: string }[] {
  // Object.entries widens the keys to string; they are the record's codes.
  const entries = Object.entries(labels) as [Code, readonly [string, string]][];
  return entries.map(([value, pair]) => ({ value, label: pair[language === 'zh' ? 0 : 1] }));
}

/** Supervision (监管): alert and case statuses, case outcomes, sanctions (src/supervision). */
export const ALERT_STATUSES: Labels<AlertStatus> = {
  open: ['待处理', 'Open'],
  cleared: ['已排除', 'Cleared'],
  in_case: ['已立案', 'In a case'],
  confirmed: ['已查实', 'Confirmed'],
};

export const CASE_STATUSES: Labels<CaseStatus> = {
  open: ['核查中', 'Open'],
  cleared: ['已排除', 'Cleared'],
  confirmed: ['已查实', 'Confirmed'],
};

export const CASE_OUTCOMES: Labels = {
  cleared: ['排除疑点', 'Suspicion cleared'],
  confirmed: ['认定违规', 'Violation confirmed'],
};

export const SANCTION_ACTIONS: Labels<SanctionAction> = {
  suspended: ['暂停', 'Suspended'],
  blacklisted: ['列入黑名单', 'Blacklisted'],
};

/** A sanction's appeal (申诉) and its outcome. */
export const APPEAL_STATUSES: Labels<AppealStatus> = {
  none: ['未申诉', 'No appeal'],
  filed: ['申诉待复核', 'Appeal pending'],
  upheld: ['维持处罚', 'Sanction upheld'],
  overturned: ['撤销处罚', 'Sanction overturned'],
};

export const SANCTION_TARGETS: Labels = {
  institution: ['培训机构', 'Training institution'],
  agency: ['第三方审核机构', 'Review agency'],
};

/** Report targets (目标任务): the metric and how the figure is read (src/reports/target.service.ts). */
export const TARGET_METRICS: Labels = {
  training_person_times: ['补贴性职业技能培训（人次）', 'Subsidised training (person-times)'],
  new_apprentices: ['企业新型学徒制培训新型学徒（人）', 'New apprentices (persons)'],
};

export const TARGET_COMPARISONS: Labels = {
  at_least: ['以上', 'At least'],
  about: ['左右', 'About'],
};

/** The materials a claim's checklist (申报材料清单) may name; the packs' `materials.*` parameters hold these codes. */
export const MATERIALS: Labels = {
  labour_contracts: ['劳动合同', 'Labour contracts'],
  employee_roster: ['职工花名册', 'Employee roster'],
  payroll_bank_statement: ['工资发放银行对账单', 'Payroll bank statement'],
  certificate_list: ['取证人员及证书清单', 'Certificate list'],
  roster: ['培训学员花名册', 'Trainee roster'],
  certificates: ['结业或职业技能证书复印件', 'Certificates'],
  training_plan: ['培训计划', 'Training plan'],
  sign_in_sheets: ['学员签到表', 'Sign-in sheets'],
  training_video: ['培训视频类资料', 'Training video'],
  invoice: ['培训费发票或行政事业性收费票据', 'Invoice'],
};

/** Other codes policy parameters hold (the source of funds of a subsidy). */
export const PARAMETER_CODES: Labels = {
  special_account: ['专账资金', 'Special account'],
  employment_subsidy_fund: ['就业补助资金', 'Employment subsidy fund'],
};

export {
  AUDIT_ACTION_WORDS,
  AUDIT_OBJECTS,
  AUDIT_OUTCOMES,
  auditActionLabel,
} from '../../src/shared/audit-labels.ts';
