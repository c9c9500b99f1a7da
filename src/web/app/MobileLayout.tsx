import { Suspense } from 'react';
import { AuditOutlined, FlagOutlined, HomeOutlined, PayCircleOutlined, UserOutlined } from '@ant-design/icons';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { ApiError } from '../shared/api';
import { can, isResident, useMe } from '../shared/session';
import { APPROVAL_PERMISSIONS } from '../features/approvals/api';
import { ErrorState, PageLoading } from '../shared/states';

const TABS = [
  { to: '/m', label: '首页', icon: <HomeOutlined /> },
  { to: '/m/meetings', label: '组织生活', icon: <FlagOutlined /> },
  { to: '/m/dues', label: '党费', icon: <PayCircleOutlined /> },
  { to: '/m/me', label: '我的', icon: <UserOutlined /> },
];
/** A resident (群众) has no Party pages: their 首页 (with 我的需求 and 身边需求 under it) and 我的 (with 修改密码 and 志愿服务 under it). */
const RESIDENT_TABS = [TABS[0], TABS[3]];
const RESIDENT_PATHS = ['/m', '/m/me', '/m/password', '/m/volunteer', '/m/needs', '/m/serve', '/m/posts', '/m/clubs', '/m/checkin'];

/** A resident's page: one of theirs, or a club's page under 社团. */
function residentMay(pathname: string) {
  const p = pathname.replace(/\/+$/, '') || '/m';
  return RESIDENT_PATHS.includes(p) || p.startsWith('/m/clubs/');
}

/** 审批 for those who decide what 待我审批 holds (the superior committee), before 我的. */
const APPROVALS_TAB = { to: '/m/approvals', label: '审批', icon: <AuditOutlined /> };

/**
 * Pages under a tab without being its path: 修改密码, 组织关系, 我的积分, 积分商城, 志愿服务 and a member's 身边需求 under 我的,
 * the cashier under 党费, a meeting under 组织生活, 重点项目 (a card of the home page) and a resident's 我的需求, 身边需求 and 社团 under 首页
 * (a member's 社团 under 我的).
 */
function activeFor(tab: string, pathname: string, resident: boolean) {
  const serve = pathname.startsWith('/m/serve') || pathname.startsWith('/m/clubs');
  return (
    (tab === '/m' && (pathname.startsWith('/m/projects') || pathname.startsWith('/m/needs') || (resident && pathname.startsWith('/m/posts')) || (resident && serve))) ||
    (tab === '/m/me' && (pathname.startsWith('/m/password') || pathname.startsWith('/m/transfers') || pathname.startsWith('/m/points') || pathname.startsWith('/m/mall') || pathname.startsWith('/m/volunteer') || (!resident && (serve || pathname.startsWith('/m/posts'))))) ||
    (tab === '/m/dues' && pathname.startsWith('/m/pay/')) ||
    (tab === '/m/meetings' && pathname.startsWith('/m/meetings/'))
  );
}

/** The member's phone pages (360–430 px): a title bar, the page, a bottom tab bar. */
export function MobileLayout() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageLoading tip="正在加载…" />;
  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) return <Navigate to={`/login?${me.error.code === 'SESSION_EXPIRED' ? 'reason=expired&' : ''}next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
    return (
      <div className="m-shell">
        <ErrorState error={me.error} onRetry={() => me.refetch()} />
      </div>
    );
  }
  if (me.data.passwordChangeRequired && !location.pathname.startsWith('/m/password')) return <Navigate to="/m/password" replace />;
  const resident = isResident(me.data);
  // a Party page (a link, a QR code) is no page for a resident: their 首页 instead
  if (resident && !residentMay(location.pathname)) return <Navigate to="/m" replace />;
  const tabs = resident ? RESIDENT_TABS : APPROVAL_PERMISSIONS.some((p) => can(me.data, p)) ? [...TABS.slice(0, 3), APPROVALS_TAB, ...TABS.slice(3)] : TABS;
  return (
    <div className="m-shell">
      <header className="m-header">
        <span className="m-header-logo" aria-hidden>
          党
        </span>
        智慧党建
      </header>
      <main className="m-main">
        <Suspense fallback={<PageLoading />}>
          <Outlet />
        </Suspense>
      </main>
      <nav className="m-tabbar" aria-label="底部导航">
        {tabs.map((t) => (
          <NavLink key={t.to} to={t.to} end className={({ isActive }) => (isActive || activeFor(t.to, location.pathname, resident) ? 'm-tab m-tab-active' : 'm-tab')}>
            <span className="m-tab-icon">{t.icon}</span>
            <span>{t.label}</span>
          </NavLink>
        ))}
      </nav>
    </div>
  );
}
