import { GlobalOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Breadcrumb, Button, Grid, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth.tsx';
import { useLanguage } from '../i18n.tsx';
import { type MenuEntry, PUBLIC_MENU, visibleMenu } from '../menu.tsx';
import { BusinessDateBanner } from './BusinessDateBanner.tsx';

function HeaderBar({ menuButton }: { menuButton?: ReactNode }) {
  const { t, language, setLanguage } = useLanguage();
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  return (
    <Layout.Header className="app-header">
      <Space size="small" className="app-header-left">
        {menuButton}
        <Link to="/" className="app-logo" aria-label={t('appName')}>
          {screens.md ? t('appName') : screens.sm ? t('appShort') : t('appTiny')}
        </Link>
      </Space>
      <Space size="small" className="app-header-right">
        <Button
          type="text"
          icon={<GlobalOutlined />}
          onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}
          aria-label="切换语言 switch language"
        >
          {screens.sm ? t('language') : null}
        </Button>
        {user ? (
          <>
            <Tag icon={<UserOutlined />} color="blue" data-testid="current-user" title={user.loginName}>
              <span className="current-user-name">
                {screens.sm ? `${user.loginName} · ${user.roleLabel}` : user.loginName}
              </span>
            </Tag>
            <Button
              icon={<LogoutOutlined />}
              onClick={() => void logout().then(() => navigate('/login'))}
              aria-label={t('logout')}
            >
              {screens.sm ? t('logout') : null}
            </Button>
          </>
        ) : (
          <Button type="primary" onClick={() => navigate('/login')}>
            {t('login')}
          </Button>
        )}
      </Space>
    </Layout.Header>
  );
}

/** Public pages: a header and a horizontal menu; no login needed. */
export function PublicLayout() {
  const { t } = useLanguage();
  const location = useLocation();
  const { user } = useAuth();
  const items = PUBLIC_MENU.map((entry) => ({
    key: entry.path,
    icon: entry.icon,
    label: <Link to={entry.path}>{t(entry.key)}</Link>,
  }));
  if (user) items.push({ key: '/app', icon: null, label: <Link to="/app">{t('workbench')}</Link> });
  return (
    <Layout className="app-root">
      <HeaderBar />
      <BusinessDateBanner />
      <Menu mode="horizontal" selectedKeys={[location.pathname]} items={items} className="public-menu" />
      <Layout.Content className="app-content public-content">
        <Outlet />
      </Layout.Content>
      <Layout.Footer className="app-footer">
        <Typography.Text type="secondary">
          {t('appName')} · <a href="/api/docs">API</a>
        </Typography.Text>
      </Layout.Footer>
    </Layout>
  );
}

/**
 * Where a workbench page sits (Ant Design Pro's breadcrumb): 工作台, then the menu page it belongs
 * to, then 详情 for a page under it (a claim, a class).
 */
function WorkbenchBreadcrumb({ entries, selected }: { entries: MenuEntry[]; selected: string }) {
  const { t } = useLanguage();
  const location = useLocation();
  const entry = entries.find((candidate) => candidate.path === selected);
  const items: { title: ReactNode }[] = [{ title: <Link to="/app">{t('workbench')}</Link> }];
  if (entry && entry.path !== '/app')
    items.push({
      title: location.pathname === entry.path ? t(entry.key) : <Link to={entry.path}>{t(entry.key)}</Link>,
    });
  if (location.pathname !== '/app' && location.pathname !== entry?.path)
    items.push({ title: t('breadcrumbDetail') });
  return <Breadcrumb className="app-breadcrumb" items={items} data-testid="breadcrumb" />;
}

/** The workbench: a menu built from the user's permissions; collapses to a drawer-like sider on phones. */
export function WorkbenchLayout() {
  const { t } = useLanguage();
  const { user, isLoading } = useAuth();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const [isCollapsed, setCollapsed] = useState<boolean | null>(null);
  if (isLoading) return <Spin fullscreen />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  const collapsed = isCollapsed ?? !screens.lg;
  const entries = visibleMenu(user);
  const selected =
    entries
      .map((entry) => entry.path)
      .filter((path) => location.pathname === path || location.pathname.startsWith(`${path}/`))
      .sort((a, b) => b.length - a.length)[0] ?? '';
  const items = [
    ...entries.map((entry) => ({
      key: entry.path,
      icon: entry.icon,
      label: <Link to={entry.path}>{t(entry.key)}</Link>,
    })),
    { type: 'divider' as const },
    ...PUBLIC_MENU.map((entry) => ({
      key: entry.path,
      icon: entry.icon,
      label: <Link to={entry.path}>{t(entry.key)}</Link>,
    })),
  ];
  const menuButton = (
    <Button
      type="text"
      aria-label="菜单 menu"
      aria-expanded={!collapsed}
      onClick={() => setCollapsed(!collapsed)}
      className="menu-toggle"
    >
      ☰
    </Button>
  );
  return (
    <Layout className="app-root">
      <HeaderBar menuButton={menuButton} />
      <BusinessDateBanner />
      <Layout>
        <Layout.Sider
          width={208}
          collapsedWidth={screens.md ? 64 : 0}
          collapsed={collapsed}
          trigger={null}
          theme="light"
          className="app-sider"
        >
          <nav aria-label={t('workbench')} data-testid="workbench-menu">
            <Menu
              mode="inline"
              selectedKeys={[selected]}
              items={items}
              onClick={() => {
                if (!screens.md) setCollapsed(true);
              }}
            />
          </nav>
        </Layout.Sider>
        <Layout.Content className="app-content">
          <WorkbenchBreadcrumb entries={entries} selected={selected} />
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
