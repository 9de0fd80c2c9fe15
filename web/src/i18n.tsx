import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

/** The UI speaks Chinese by default; English is a switch in the header (a small dictionary). */
export type Language = 'zh' | 'en';

const LANGUAGE_KEY = 'skillfund.language';

const DICTIONARY = {
  appName: ['技能提升行动专账资金与补贴性培训管理平台', 'SkillFund — Vocational Training Subsidy Platform'],
  appShort: ['SkillFund 技能补贴平台', 'SkillFund'],
  appTiny: ['技能补贴', 'SkillFund'],
  login: ['登录', 'Log in'],
  logout: ['退出登录', 'Log out'],
  loginTitle: ['经办人员与机构登录', 'Staff and institution login'],
  loginName: ['账号', 'Account'],
  password: ['密码', 'Password'],
  totpCode: ['动态口令（6 位）', 'One-time code (6 digits)'],
  newPassword: ['新密码', 'New password'],
  changePassword: ['修改初始密码', 'Change the initial password'],
  submit: ['提交', 'Submit'],
  search: ['查询', 'Search'],
  reset: ['重置', 'Reset'],
  cancel: ['取消', 'Cancel'],
  confirm: ['确定', 'OK'],
  noData: ['暂无数据', 'No data'],
  language: ['English', '中文'],
  menuHome: ['首页', 'Home'],
  menuCalculator: ['补贴计算器', 'Subsidy calculator'],
  menuCatalog: ['目录查询', 'Catalog search'],
  menuVerify: ['证书核验', 'Verify a certificate'],
  menuPublicNotices: ['补贴公示', 'Public notices'],
  menuDisclosure: ['资金使用公开', 'Fund disclosure'],
  menuEmployment: ['职工与就业记录', 'Employees'],
  menuMyAgency: ['审核合同与评估', 'Review contracts'],
  menuMySupervision: ['我的评级与处理', 'Our rating and sanctions'],
  menuDashboard: ['工作台', 'Dashboard'],
  menuClassQueue: ['开班备案审批', 'Class filings'],
  menuClaimsReview: ['补贴审核', 'Claims review'],
  menuNotices: ['公示名单', 'Public notices'],
  menuLedger: ['专账余额', 'Ledger balances'],
  menuPayments: ['支付批次', 'Payment batches'],
  menuFundRequests: ['资金调度', 'Fund movements'],
  menuRatings: ['信用评级', 'Credit ratings'],
  menuReconciliation: ['银行对账', 'Bank reconciliation'],
  menuPeriodClose: ['月结', 'Month-end close'],
  menuPersons: ['实名人员', 'People'],
  menuOrganisations: ['单位管理', 'Organisations'],
  menuMyClasses: ['开班与培训', 'My classes'],
  menuMyClaims: ['补贴申请', 'My claims'],
  menuPersonGroups: ['人员类别认定', 'Person groups'],
  menuContributions: ['社保缴费核验', 'Social-insurance contributions'],
  menuAssessments: ['考核评价与发证', 'Assessments and certificates'],
  menuArchive: ['我的培训档案', 'My training archive'],
  menuAudit: ['审计日志', 'Audit log'],
  menuUsers: ['用户管理', 'Users'],
  menuSecurity: ['账号安全', 'Account security'],
  menuCatalogAdmin: ['培训项目目录', 'Training catalog'],
  menuPolicy: ['政策参数与模拟', 'Policy parameters'],
  menuAlerts: ['监管预警', 'Risk alerts'],
  menuCases: ['核查案件', 'Cases'],
  menuSanctions: ['处罚与申诉', 'Sanctions and appeals'],
  menuAdvances: ['预拨与清算', 'Advances'],
  menuReports: ['统计报表', 'Reports'],
  menuPublic: ['公共服务', 'Public services'],
  workbench: ['业务工作台', 'Workbench'],
  breadcrumbDetail: ['详情', 'Details'],
  role: ['角色', 'Role'],
  region: ['辖区', 'Region'],
  missingApi: ['该功能的接口尚未开放', 'This function is not available on the server yet'],
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof DICTIONARY;

interface LanguageState {
  language: Language;
  setLanguage(language: Language): void;
  t(key: MessageKey): string;
  /** Picks the text of the current language from a `[zh, en]` pair. */
  pick(pair: readonly [string, string]): string;
}

const LanguageContext = createContext<LanguageState | null>(null);

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() =>
    localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh',
  );
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(LANGUAGE_KEY, next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLanguageState(next);
  }, []);
  const value = useMemo<LanguageState>(() => {
    const index = language === 'zh' ? 0 : 1;
    return {
      language,
      setLanguage,
      t: (key) => DICTIONARY[key][index],
      pick: (pair) => pair[index],
    };
  }, [language, setLanguage]);
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): LanguageState {
  const state = useContext(LanguageContext);
  if (!state) throw new Error('useLanguage outside LanguageProvider');
  return state;
}
