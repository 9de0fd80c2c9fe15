import type { SubAccount } from '../ledger/transfer.service.ts';
import type { CertificateType, GroupCode, Level, SubsidyKind } from '../policy/evaluate.types.ts';
import { GROUP_LABELS as VOCABULARY_GROUP_LABELS } from '../shared/vocabulary.ts';

/**
 * Training types of the statistical tables (培训类型). A claim line's type follows from its
 * subsidy kind and, for the general training subsidy, from the facts the engine evaluated
 * (docs/reports.md): entrepreneurs → 创业培训, the employed → 岗位技能提升培训, everyone else →
 * 就业技能培训.
 */
export const TRAINING_TYPES = [
  'employment_skills',
  'skill_upgrade',
  'entrepreneurship',
  'on_the_job',
  'apprenticeship',
  'safety',
  'directed',
] as const;
export type TrainingType = (typeof TRAINING_TYPES)[number];

export const TRAINING_TYPE_LABELS: Record<TrainingType, string> = {
  employment_skills: '就业技能培训',
  skill_upgrade: '岗位技能提升培训（含转岗转业、技师培训、参保职工技能提升）',
  entrepreneurship: '创业培训',
  on_the_job: '以工代训',
  apprenticeship: '企业新型学徒制培训',
  safety: '高危行业安全技能培训',
  directed: '定向式（订单、定岗）培训',
};

export const SUBSIDY_KIND_LABELS: Record<SubsidyKind, string> = {
  training: '职业培训补贴',
  on_the_job_training: '以工代训职业培训补贴',
  certificate: '职业技能鉴定评价（取证）补贴',
  living_allowance: '生活费（含交通费）补贴',
  safety_training: '高危行业安全技能培训补贴',
  apprenticeship: '企业新型学徒制培训补贴',
  directed_training: '定向式培训补贴',
  technician_training: '技师、高级技师培训补贴',
  insured_skill_upgrade: '失业保险参保职工技能提升补贴',
};

/** The spending sub-accounts in the order of the fund table; 'advance' is the 预拨 pool. */
export const REPORT_SUB_ACCOUNTS: readonly SubAccount[] = [
  'training',
  'on_the_job_training',
  'living_allowance',
  'certificate',
  'apprenticeship',
  'advance',
];

export const SUB_ACCOUNT_LABELS: Record<SubAccount, string> = {
  training: '职业培训补贴',
  on_the_job_training: '以工代训补贴',
  living_allowance: '生活费（含交通费）补贴',
  certificate: '职业技能鉴定评价（取证）补贴',
  apprenticeship: '企业新型学徒制培训补贴',
  advance: '预拨资金',
};

export const LEVEL_LABELS: Record<Level, string> = {
  special_ability: '专项职业能力',
  primary: '初级工（五级）',
  intermediate: '中级工（四级）',
  advanced: '高级工（三级）',
  technician: '技师（二级）',
  senior_technician: '高级技师（一级）',
};

/** 高级工及以上 (vocabulary.md). */
export const ADVANCED_AND_ABOVE: readonly Level[] = ['advanced', 'technician', 'senior_technician'];

export const OCCUPATION_CATEGORY_LABELS: Record<string, string> = {
  '1': '党政机关、群团和社会组织、企事业单位负责人',
  '2': '专业技术人员',
  '3': '办事人员和有关人员',
  '4': '社会生产服务和生活服务人员',
  '5': '农、林、牧、渔业生产及辅助人员',
  '6': '生产制造及有关人员',
  '7': '军人',
  '8': '不便分类的其他从业人员',
};

export const CERTIFICATE_TYPE_LABELS: Record<CertificateType, string> = {
  vocational_qualification: '职业资格证书',
  skill_level: '职业技能等级证书',
  special_ability: '专项职业能力证书',
  special_operation: '特种作业操作证',
  special_equipment: '特种设备作业人员证',
  training_qualified: '培训合格证',
};

/**
 * Person groups as the statistical tables name them: the vocabulary's label (src/shared/
 * vocabulary.ts, the one list) without its explanation in brackets — 两后生, not
 * 两后生（未继续升学的初高中毕业生）.
 */
export const GROUP_LABELS = Object.fromEntries(
  Object.entries(VOCABULARY_GROUP_LABELS).map(([code, text]) => [code, text.replace(/（[^）]*）$/, '')]),
) as Record<GroupCode, string>;

/** The drill-down dimensions of the report's cells (`GET /api/reports/drilldown?dimension`), in words. */
export const DRILLDOWN_DIMENSION_LABELS: Record<string, string> = {
  total: '全部支出',
  person_times: '补贴人次',
  advanced: '高级工及以上人次',
  training_type: '培训类型',
  group: '人员类别',
  occupation_level: '职业大类和技能等级',
  subsidy_kind: '补贴类型',
  sub_account: '专账子账户',
  certificate: '证书类型和等级',
  on_the_job: '以工代训',
  living_allowance: '生活费（含交通费）补贴',
  returned: '退回资金',
};

/** A level of a drill-down key (`*` = every level, `none` = no level), in words. */
function levelPart(level: string | undefined): string {
  if (level === undefined || level === '*') return '各等级合计';
  if (level === 'none') return '无等级';
  return LEVEL_LABELS[level as Level] ?? level;
}

/**
 * A drill-down key in words, for what people read (the report CSV): `training` of the
 * sub-account dimension → 职业培训补贴, `4:primary` of occupation and level →
 * 4 社会生产服务和生活服务人员 · 初级工（五级）, `all` → 全部.
 */
export function drilldownKeyLabel(dimension: string, key: string): string {
  if (key === 'all') return '全部';
  const [first = '', level] = key.split(':');
  switch (dimension) {
    case 'training_type':
      return TRAINING_TYPE_LABELS[key as TrainingType] ?? key;
    case 'group':
      return GROUP_LABELS[key as GroupCode] ?? key;
    case 'subsidy_kind':
      return SUBSIDY_KIND_LABELS[key as SubsidyKind] ?? key;
    case 'sub_account':
      return SUB_ACCOUNT_LABELS[key as SubAccount] ?? key;
    case 'occupation_level': {
      const category = OCCUPATION_CATEGORY_LABELS[first];
      return `${category ? `${first} ${category}` : first} · ${levelPart(level)}`;
    }
    case 'certificate':
      return `${CERTIFICATE_TYPE_LABELS[first as CertificateType] ?? first} · ${levelPart(level)}`;
    default:
      return key;
  }
}
