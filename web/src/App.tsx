import { Result, Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { Link, Navigate, Route, Routes } from 'react-router-dom';
import { useAuth } from './auth.tsx';
import { PublicLayout, WorkbenchLayout } from './components/AppLayout.tsx';
import { homeOf } from './menu.tsx';
import { SecurityPage } from './pages/admin/Security.tsx';
import { UsersPage } from './pages/admin/Users.tsx';
import { AdvancesPage } from './pages/enterprise/Advances.tsx';
import { EmploymentPage } from './pages/enterprise/Employment.tsx';
import { AssessmentsPage } from './pages/evaluation/Assessments.tsx';
import { FundRequestsPage } from './pages/finance/FundRequests.tsx';
import { PeriodClosePage } from './pages/finance/PeriodClose.tsx';
import { ReconciliationPage } from './pages/finance/Reconciliation.tsx';
import { ClassDetailPage, MyClassesPage } from './pages/institution/Classes.tsx';
import { MyClaimsPage } from './pages/institution/MyClaims.tsx';
import { MySupervisionPage } from './pages/institution/MySupervision.tsx';
import { LoginPage } from './pages/Login.tsx';
import { ArchivePage } from './pages/officer/Archive.tsx';
import { AuditPage } from './pages/officer/Audit.tsx';
import { CatalogVersionsPage } from './pages/officer/CatalogVersions.tsx';
import { ClaimDetailPage } from './pages/officer/ClaimDetail.tsx';
import { ClaimsPage } from './pages/officer/Claims.tsx';
import { ClassFilingsPage } from './pages/officer/ClassFilings.tsx';
import { ContributionsPage } from './pages/officer/Contributions.tsx';
import { LedgerPage } from './pages/officer/Ledger.tsx';
import { NoticesPage } from './pages/officer/Notices.tsx';
import { OrganisationsPage } from './pages/officer/Organisations.tsx';
import { PaymentsPage } from './pages/officer/Payments.tsx';
import { PersonDetailPage } from './pages/officer/PersonDetail.tsx';
import { PersonGroupsPage } from './pages/officer/PersonGroups.tsx';
import { PersonsPage } from './pages/officer/Persons.tsx';
import { PolicyPage } from './pages/officer/Policy.tsx';
import { RatingsPage } from './pages/officer/Ratings.tsx';
import { ReportsPage } from './pages/officer/Reports.tsx';
import { SanctionsPage } from './pages/officer/Sanctions.tsx';
import { AlertsPage, CasesPage } from './pages/officer/Supervision.tsx';
import { CalculatorPage } from './pages/public/Calculator.tsx';
import { CatalogPage } from './pages/public/Catalog.tsx';
import { DisclosurePage } from './pages/public/Disclosure.tsx';
import { HomePage } from './pages/public/Home.tsx';
import { PublicNoticesPage } from './pages/public/Notices.tsx';
import { VerifyPage } from './pages/public/Verify.tsx';
import { MyAgencyPage } from './pages/reviewer/MyAgency.tsx';

// ECharts is large; only the dashboard needs it, so it loads on demand.
const DashboardPage = lazy(() =>
  import('./pages/officer/Dashboard.tsx').then((module) => ({ default: module.DashboardPage })),
);

function WorkbenchHome() {
  const { user } = useAuth();
  if (!user) return null;
  const home = homeOf(user);
  if (home === '/app') {
    return (
      <Suspense fallback={<Spin />}>
        <DashboardPage />
      </Suspense>
    );
  }
  return <Navigate to={home} replace />;
}

function NotFound() {
  return <Result status="404" title="页面不存在" extra={<Link to="/">返回首页</Link>} />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<PublicLayout />}>
        <Route index element={<HomePage />} />
        <Route path="calculator" element={<CalculatorPage />} />
        <Route path="catalog" element={<CatalogPage />} />
        <Route path="verify" element={<VerifyPage />} />
        <Route path="notices" element={<PublicNoticesPage />} />
        <Route path="disclosure" element={<DisclosurePage />} />
        <Route path="login" element={<LoginPage />} />
      </Route>
      <Route path="app" element={<WorkbenchLayout />}>
        <Route index element={<WorkbenchHome />} />
        <Route path="class-filings" element={<ClassFilingsPage />} />
        <Route path="claims" element={<ClaimsPage />} />
        <Route path="claims/:id" element={<ClaimDetailPage />} />
        <Route path="notices" element={<NoticesPage />} />
        <Route path="ledger" element={<LedgerPage />} />
        <Route path="fund-requests" element={<FundRequestsPage />} />
        <Route path="payments" element={<PaymentsPage />} />
        <Route path="reconciliation" element={<ReconciliationPage />} />
        <Route path="period-close" element={<PeriodClosePage />} />
        <Route path="persons" element={<PersonsPage />} />
        <Route path="persons/:id" element={<PersonDetailPage />} />
        <Route path="person-groups" element={<PersonGroupsPage />} />
        <Route path="social-insurance" element={<ContributionsPage />} />
        <Route path="organisations" element={<OrganisationsPage />} />
        <Route path="my/classes" element={<MyClassesPage />} />
        <Route path="my/classes/:id" element={<ClassDetailPage />} />
        <Route path="classes/:id" element={<ClassDetailPage />} />
        <Route path="my/claims" element={<MyClaimsPage />} />
        <Route path="my/employment" element={<EmploymentPage />} />
        <Route path="my/advances" element={<AdvancesPage />} />
        <Route path="my/assessments" element={<AssessmentsPage />} />
        <Route path="my/agency" element={<MyAgencyPage />} />
        <Route path="my/supervision" element={<MySupervisionPage />} />
        <Route path="archive" element={<ArchivePage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="security" element={<SecurityPage />} />
        <Route path="catalog-versions" element={<CatalogVersionsPage />} />
        <Route path="policy" element={<PolicyPage />} />
        <Route path="alerts" element={<AlertsPage />} />
        <Route path="cases" element={<CasesPage />} />
        <Route path="sanctions" element={<SanctionsPage />} />
        <Route path="ratings" element={<RatingsPage />} />
        <Route path="reports" element={<ReportsPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
