import {
  AccountBookOutlined,
  AlertOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  BookOutlined,
  CalculatorOutlined,
  CalendarOutlined,
  DashboardOutlined,
  ExperimentOutlined,
  FileDoneOutlined,
  FileProtectOutlined,
  FileSearchOutlined,
  FundOutlined,
  IdcardOutlined,
  LockOutlined,
  MoneyCollectOutlined,
  NotificationOutlined,
  ReadOutlined,
  ReconciliationOutlined,
  SafetyCertificateOutlined,
  ShopOutlined,
  SolutionOutlined,
  StopOutlined,
  SwapOutlined,
  TeamOutlined,
  TrophyOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { MessageKey } from './i18n.tsx';

export interface MenuEntry {
  path: string;
  key: MessageKey;
  icon: ReactNode;
  /** Shown when the user holds any of these permissions. */
  anyOf: string[];
  /** Hidden for organisation-scoped roles (institutions, enterprises): officer-only pages. */
  officersOnly?: boolean;
  /** Organisation-scoped roles that still see an officersOnly page (the reviewer reviews claims). */
  alsoFor?: string[];
  /** Shown only to these roles (besides the permission): a page made for one kind of organisation. */
  onlyFor?: string[];
  /**
   * Roles that read the page without the permission that acts on it (the auditor reads payment
   * batches with ledger.read); the page itself hides what they may not do.
   */
  readOnlyFor?: string[];
}

/** The workbench menu. Each entry names the permissions that make it useful; the server still decides. */
export const WORKBENCH_MENU: MenuEntry[] = [
  {
    path: '/app',
    key: 'menuDashboard',
    icon: <DashboardOutlined />,
    anyOf: ['report.read', 'ledger.read'],
    officersOnly: true,
  },
  { path: '/app/class-filings', key: 'menuClassQueue', icon: <FileDoneOutlined />, anyOf: ['class.approve'] },
  {
    path: '/app/claims',
    key: 'menuClaimsReview',
    icon: <AuditOutlined />,
    anyOf: ['claim.review', 'claim.approve', 'payment.order', 'report.read'],
    officersOnly: true,
    alsoFor: ['third_party_reviewer'],
  },
  {
    path: '/app/my/agency',
    key: 'menuMyAgency',
    icon: <FileProtectOutlined />,
    anyOf: ['claim.review'],
    onlyFor: ['third_party_reviewer'],
  },
  {
    path: '/app/notices',
    key: 'menuNotices',
    icon: <NotificationOutlined />,
    anyOf: ['claim.review', 'claim.approve'],
    officersOnly: true,
  },
  {
    path: '/app/catalog-versions',
    key: 'menuCatalogAdmin',
    icon: <BookOutlined />,
    anyOf: ['catalog.edit'],
    officersOnly: true,
  },
  { path: '/app/ledger', key: 'menuLedger', icon: <AccountBookOutlined />, anyOf: ['ledger.read'] },
  {
    path: '/app/fund-requests',
    key: 'menuFundRequests',
    icon: <SwapOutlined />,
    anyOf: ['ledger.read'],
    officersOnly: true,
  },
  {
    path: '/app/payments',
    key: 'menuPayments',
    icon: <BankOutlined />,
    anyOf: ['payment.order'],
    readOnlyFor: ['auditor'],
  },
  {
    path: '/app/reconciliation',
    key: 'menuReconciliation',
    icon: <ReconciliationOutlined />,
    anyOf: ['ledger.reconcile'],
    officersOnly: true,
  },
  {
    path: '/app/period-close',
    key: 'menuPeriodClose',
    icon: <CalendarOutlined />,
    anyOf: ['ledger.close_period'],
    officersOnly: true,
  },
  {
    path: '/app/persons',
    key: 'menuPersons',
    icon: <TeamOutlined />,
    anyOf: ['registry.read'],
    officersOnly: true,
  },
  {
    path: '/app/person-groups',
    key: 'menuPersonGroups',
    icon: <TeamOutlined />,
    anyOf: ['registry.write'],
    officersOnly: true,
  },
  {
    path: '/app/social-insurance',
    key: 'menuContributions',
    icon: <SafetyCertificateOutlined />,
    anyOf: ['registry.write'],
    officersOnly: true,
  },
  { path: '/app/organisations', key: 'menuOrganisations', icon: <ShopOutlined />, anyOf: ['registry.write'] },
  {
    path: '/app/alerts',
    key: 'menuAlerts',
    icon: <AlertOutlined />,
    anyOf: ['supervision.read'],
    officersOnly: true,
  },
  {
    path: '/app/cases',
    key: 'menuCases',
    icon: <FileProtectOutlined />,
    anyOf: ['supervision.read'],
    officersOnly: true,
  },
  {
    path: '/app/sanctions',
    key: 'menuSanctions',
    icon: <StopOutlined />,
    anyOf: ['supervision.read'],
    onlyFor: ['city_officer', 'province_officer', 'auditor'],
  },
  {
    path: '/app/ratings',
    key: 'menuRatings',
    icon: <TrophyOutlined />,
    anyOf: ['supervision.read'],
    onlyFor: ['city_officer', 'province_officer', 'auditor'],
  },
  {
    path: '/app/reports',
    key: 'menuReports',
    icon: <BarChartOutlined />,
    anyOf: ['report.read'],
    officersOnly: true,
  },
  {
    path: '/app/policy',
    key: 'menuPolicy',
    icon: <ExperimentOutlined />,
    anyOf: ['policy.simulate', 'policy.parameter.publish'],
    officersOnly: true,
  },
  { path: '/app/my/classes', key: 'menuMyClasses', icon: <SolutionOutlined />, anyOf: ['class.file'] },
  {
    path: '/app/my/assessments',
    key: 'menuAssessments',
    icon: <SafetyCertificateOutlined />,
    anyOf: ['certificate.issue'],
    onlyFor: ['evaluation_org_operator'],
  },
  { path: '/app/my/claims', key: 'menuMyClaims', icon: <FileSearchOutlined />, anyOf: ['claim.create'] },
  {
    path: '/app/my/employment',
    key: 'menuEmployment',
    icon: <TeamOutlined />,
    anyOf: ['claim.create'],
    onlyFor: ['enterprise_operator'],
  },
  {
    path: '/app/my/advances',
    key: 'menuAdvances',
    icon: <MoneyCollectOutlined />,
    anyOf: ['claim.create'],
    onlyFor: ['enterprise_operator'],
  },
  {
    path: '/app/my/supervision',
    key: 'menuMySupervision',
    icon: <StopOutlined />,
    anyOf: ['supervision.self'],
  },
  { path: '/app/archive', key: 'menuArchive', icon: <IdcardOutlined />, anyOf: ['archive.self'] },
  { path: '/app/audit', key: 'menuAudit', icon: <ReadOutlined />, anyOf: ['audit.read'] },
  { path: '/app/users', key: 'menuUsers', icon: <UserSwitchOutlined />, anyOf: ['user.admin'] },
  { path: '/app/security', key: 'menuSecurity', icon: <LockOutlined />, anyOf: ['security.admin'] },
];

export const PUBLIC_MENU: MenuEntry[] = [
  { path: '/calculator', key: 'menuCalculator', icon: <CalculatorOutlined />, anyOf: [] },
  { path: '/catalog', key: 'menuCatalog', icon: <FileSearchOutlined />, anyOf: [] },
  { path: '/verify', key: 'menuVerify', icon: <SafetyCertificateOutlined />, anyOf: [] },
  { path: '/notices', key: 'menuPublicNotices', icon: <NotificationOutlined />, anyOf: [] },
  { path: '/disclosure', key: 'menuDisclosure', icon: <FundOutlined />, anyOf: [] },
];

export function visibleMenu(
  user: { role?: string; permissions: string[]; organisationId: number | null } | null,
): MenuEntry[] {
  if (!user) return [];
  const role = user.role ?? '';
  return WORKBENCH_MENU.filter(
    (entry) =>
      (entry.anyOf.some((permission) => user.permissions.includes(permission)) ||
        entry.readOnlyFor?.includes(role) === true) &&
      !(entry.officersOnly && user.organisationId !== null && !entry.alsoFor?.includes(role)) &&
      (!entry.onlyFor || entry.onlyFor.includes(role)),
  );
}

/** Where a user lands after logging in: the first page of their menu. */
export function homeOf(user: {
  role?: string;
  permissions: string[];
  organisationId: number | null;
}): string {
  return visibleMenu(user)[0]?.path ?? '/calculator';
}
