import type { Role } from '../auth/roles.ts';

/** One demo account as the login page lists it: what the account is for, in a line. */
export interface DemoAccountGuide {
  loginName: string;
  /** What to try with this account first (shown on the login page). */
  hint: string;
}

/**
 * The demo accounts a visitor is offered, in the order to try them: the first is the one the
 * README and the login page recommend. Accounts that do not exist (the living demo creates some of
 * them) are left out by the listing.
 */
export const DEMO_ACCOUNT_GUIDE: readonly DemoAccountGuide[] = [
  { loginName: 'hy_city', hint: '先看这个：衡阳市2021年的全貌——总览、补贴审核、案件、处罚与申诉、报表' },
  { loginName: 'hy_county', hint: '开班备案审批、人员群体认定、补贴初审、公示与异议、预警' },
  { loginName: 'hn_province', hint: '湖南省：目录与政策参数、评级、目标与报表' },
  { loginName: 'hy_finance', hint: '专账：下达支付、失败支付、银行对账单与对账（经办）' },
  { loginName: 'hy_finance_checker', hint: '专账：复核另一位财政人员发起的支付（双人复核）' },
  { loginName: 'hy_school', hint: '培训机构：开班、花名册、考勤、成绩、合格证书、补贴申请' },
  { loginName: 'hy_eval', hint: '评价机构：鉴定成绩、职业技能等级证书与撤销、取证补贴申请' },
  { loginName: 'hy_enterprise', hint: '企业：职工与用工记录（衡阳文件不补贴以工代训，页面写明依据）' },
  {
    loginName: 'nj_enterprise',
    hint: '江苏企业：已结业的职工岗位技能提升培训班申请培训补贴；培训进行中申请预拨（不高于50%），结业后清算',
  },
  { loginName: 'hy_reviewer', hint: '第三方审核机构：合同范围内的补贴申请' },
  { loginName: 'hy_worker', hint: '劳动者（手机）：培训档案、证书与补贴进度' },
  { loginName: 'auditor', hint: '只读审计：查看并导出' },
  { loginName: 'sysadmin', hint: '系统管理员：用户管理；培训环境可推进业务日期' },
  { loginName: 'secadmin', hint: '安全管理员：锁定、动态口令与会话' },
  { loginName: 'auditadmin', hint: '审计管理员：审计日志' },
];

/** The role of each account the living demo adds (the base accounts are in demo.service.ts). */
export type LivingDemoRole = Extract<
  Role,
  'province_officer' | 'evaluation_org_operator' | 'enterprise_operator' | 'third_party_reviewer' | 'worker'
>;
