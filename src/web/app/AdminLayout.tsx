import { Suspense, useMemo, useState } from 'react';
import { Avatar, Breadcrumb, Button, Dropdown, Layout, Menu, Space, Tag, Tooltip } from 'antd';
import { KeyOutlined, LogoutOutlined, MobileOutlined, UserOutlined } from '@ant-design/icons';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { ROLES } from '../../contracts/permissions';
import { can, consoleRedirect, useMe } from '../shared/session';
import { ErrorState, PageLoading } from '../shared/states';
import { NotificationBell } from '../features/notification/NotificationBell';
import { useLogout } from '../features/auth/use-logout';
import { breadcrumbFor, menuFor, selectedKeyFor } from './menu';
import { OrgTreeSelect } from '../features/org/OrgTreeSelect';
import { setCurrentOrg, useCurrentOrg } from '../shared/current-org';
import { GlobalSearch } from '../features/search/GlobalSearch';

const { Header, Sider, Content } = Layout;

export function AdminLayout() {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const logout = useLogout();
  const [collapsed, setCollapsed] = useState(false);
  const entries = useMemo(() => (me.data ? menuFor(me.data) : []), [me.data]);
  const [openKeys, setOpenKeys] = useState<string[]>(['members', 'development', 'dues', 'meetings', 'points', 'system']);
  const currentOrg = useCurrentOrg(me.data?.username ?? '');

  if (me.isPending) return <PageLoading tip="正在进入管理端…" />;
  const away = consoleRedirect(me, location);
  if (away) return <Navigate to={away} replace />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => me.refetch()} />;
  const user = me.data;

  const roleLabels = [...new Set(user.grants.map((g) => ROLES[g.role].label))];
  const isSystemAdmin = user.grants.some((g) => ROLES[g.role].admin);
  const scope = isSystemAdmin && user.grants.every((g) => ROLES[g.role].admin) ? '全系统' : user.scopeRoots.map((r) => r.name).join('、') || '未设置管理范围';
  const selected = selectedKeyFor(location.pathname, entries);
  const crumbs = breadcrumbFor(location.pathname, entries);
  // the org switcher: members and org pages follow the chosen org; the workbench checks its subtree
  const hasOrgScope = can(user, 'org.read') && user.scopeRoots.length > 0 && !isSystemAdmin;
  const switchOrg = (id: string | null) => {
    setCurrentOrg(user.username, id);
    if (location.pathname === '/admin/members') navigate(id ? `/admin/members?orgId=${id}` : '/admin/members');
    else if (location.pathname === '/admin/orgs' && id) navigate(`/admin/orgs?id=${id}`);
    else if (location.pathname === '/admin/meetings' || location.pathname === '/admin/meetings/compliance' || new URLSearchParams(location.search).has('orgId')) {
      // a page that reads ?orgId= before the switcher (the meeting pages always; any list opened with one, e.g. from a
      // screen tile or a warning): the switch replaces it (other filters stay, from page 1)
      const next = new URLSearchParams(location.search);
      next.delete('orgId');
      next.delete('page');
      if (id) next.set('orgId', id);
      navigate({ pathname: location.pathname, search: next.toString() });
    }
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider width={220} theme="light" collapsible collapsed={collapsed} onCollapse={setCollapsed} breakpoint="md" onBreakpoint={setCollapsed} style={{ borderRight: '1px solid #f0f0f0' }} aria-label="主菜单">
        <div className="brand" onClick={() => navigate('/admin')} role="link" tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && navigate('/admin')}>
          <span className="brand-logo" aria-hidden>
            党
          </span>
          {!collapsed && <span className="brand-name">智慧党建云平台</span>}
        </div>
        <Menu
          mode="inline"
          selectedKeys={selected ? [selected] : []}
          openKeys={collapsed ? undefined : openKeys}
          onOpenChange={(k) => setOpenKeys(k as string[])}
          items={entries.map((e) => ({
            key: e.key,
            icon: e.icon,
            label: e.extra ? (
              <span>
                {e.label}
                {e.extra}
              </span>
            ) : (
              e.label
            ),
            children: e.children?.map((c) => ({ key: c.key, label: c.label })),
          }))}
          onClick={({ key }) => navigate(key)}
          style={{ borderInlineEnd: 'none' }}
        />
      </Sider>
      <Layout>
        <Header className="admin-header">
          <div className="header-scope">
            <span style={{ color: '#8c8c8c', whiteSpace: 'nowrap' }}>管理范围：</span>
            {hasOrgScope ? (
              <OrgTreeSelect
                value={currentOrg}
                onChange={switchOrg}
                placeholder={scope}
                style={{ width: 280 }}
                aria-label="切换当前组织"
              />
            ) : (
              <Tooltip title={scope}>
                <strong className="header-scope-name" data-testid="scope">
                  {scope}
                </strong>
              </Tooltip>
            )}
            {roleLabels.map((r) => (
              <Tag key={r} color="red" style={{ marginInlineEnd: 0 }}>
                {r}
              </Tag>
            ))}
          </div>
          <Space size={8}>
            {(can(user, 'member.read') || can(user, 'org.read') || can(user, 'development.read')) && <GlobalSearch />}
            <NotificationBell />
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'account', icon: <UserOutlined />, label: '账号' },
                  { key: 'password', icon: <KeyOutlined />, label: '修改密码' },
                  ...(user.personId && can(user, 'self.read') ? [{ key: 'mobile', icon: <MobileOutlined />, label: '我的党员档案（手机版）' }] : []),
                  { type: 'divider' as const },
                  { key: 'logout', icon: <LogoutOutlined />, label: '退出', danger: true },
                ],
                onClick: ({ key }) => {
                  if (key === 'account') navigate('/admin/account');
                  else if (key === 'password') navigate('/admin/account#password');
                  else if (key === 'mobile') navigate('/m/me');
                  else if (key === 'logout') void logout();
                },
              }}
            >
              <Button type="text" style={{ height: 40 }} aria-label="用户菜单">
                <Avatar size="small" style={{ background: '#c8102e' }}>
                  {user.displayName.slice(0, 1)}
                </Avatar>
                <span className="header-user-name" style={{ marginLeft: 8 }}>{user.displayName}</span>
              </Button>
            </Dropdown>
          </Space>
        </Header>
        <Content className="admin-content">
          {crumbs && <Breadcrumb className="page-breadcrumb" items={crumbs.map((title) => ({ title }))} />}
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
