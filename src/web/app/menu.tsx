import type { ReactNode } from 'react';
import { AccountBookOutlined, AlertOutlined, EnvironmentOutlined, BarChartOutlined, ApartmentOutlined, AuditOutlined, CalendarOutlined, DashboardOutlined, DesktopOutlined, ProjectOutlined, FlagOutlined, FundProjectionScreenOutlined, GiftOutlined, PieChartOutlined, SettingOutlined, SwapOutlined, TableOutlined, TeamOutlined, TrophyOutlined, ContactsOutlined, HeartOutlined, HomeOutlined, SmileOutlined, SolutionOutlined } from '@ant-design/icons';
import type { MeView } from '../../contracts/auth';
import type { Permission } from '../../contracts/permissions';
import { can } from '../shared/session';
import { VideoCameraOutlined } from '@ant-design/icons';
import { ApprovalsBadge } from '../features/approvals/ApprovalsBadge';
import { APPROVAL_PERMISSIONS } from '../features/approvals/api';
import { WarningsBadge } from '../features/warning/WarningsBadge';
import { WARNING_MODULE_PERMISSIONS } from '../../contracts/warning';
import { REPORT_SUBJECT_PERMISSIONS as REPORT_PERMISSIONS } from '../../contracts/reports';

/** Whoever reads any module's warnings sees the warning centre. */
const WARNING_PERMISSIONS = Object.values(WARNING_MODULE_PERMISSIONS).map((p) => p.read);

export interface MenuEntry {
  key: string; // the path
  label: string;
  icon?: ReactNode;
  perm?: Permission;
  /** shown when the user holds any of these */
  anyPerm?: readonly Permission[];
  /** shown after the label (a count) */
  extra?: ReactNode;
  children?: MenuEntry[];
}

// Only modules that exist; each shown only with the permission it needs.
const MENU: MenuEntry[] = [
  { key: '/admin', label: '工作台', icon: <DashboardOutlined /> },
  { key: '/admin/approvals', label: '待我审批', icon: <AuditOutlined />, anyPerm: APPROVAL_PERMISSIONS, extra: <ApprovalsBadge /> },
  { key: '/admin/warnings', label: '预警中心', icon: <AlertOutlined />, anyPerm: WARNING_PERMISSIONS, extra: <WarningsBadge /> },
  { key: '/screen', label: '党建大屏', icon: <FundProjectionScreenOutlined />, perm: 'member.read' },
  { key: '/admin/map', label: '党建云图', icon: <EnvironmentOutlined />, perm: 'org.read' },
  { key: '/admin/projects', label: '重点项目', icon: <ProjectOutlined />, perm: 'project.read' },
  { key: '/admin/analysis', label: '党建分析', icon: <BarChartOutlined />, perm: 'member.read' },
  { key: '/admin/statistics', label: '党内统计', icon: <TableOutlined />, perm: 'member.read' },
  { key: '/admin/reports', label: '自定义报表', icon: <PieChartOutlined />, anyPerm: REPORT_PERMISSIONS },
  { key: '/admin/orgs', label: '组织管理', icon: <ApartmentOutlined />, perm: 'org.read' },
  {
    key: 'members',
    label: '党员管理',
    icon: <TeamOutlined />,
    children: [
      { key: '/admin/members', label: '党员名册', perm: 'member.read' },
      { key: '/admin/members/import', label: '批量导入', perm: 'member.import' },
    ],
  },
  {
    key: 'development',
    label: '发展党员',
    icon: <FlagOutlined />,
    children: [
      { key: '/admin/development', label: '发展看板', perm: 'development.read' },
      { key: '/admin/development/candidates', label: '发展对象档案', perm: 'development.read' },
      { key: '/admin/development/plans', label: '发展计划', perm: 'development.read' },
      { key: '/admin/development/documents', label: '文书', perm: 'development.read' },
    ],
  },
  {
    key: 'dues',
    label: '党费管理',
    icon: <AccountBookOutlined />,
    children: [
      { key: '/admin/dues/bases', label: '基数设置', perm: 'dues.read' },
      { key: '/admin/dues/bills', label: '月度账单', perm: 'dues.read' },
      { key: '/admin/dues/payments', label: '收缴登记', perm: 'dues.manage' },
      { key: '/admin/dues/reductions', label: '减免审批', perm: 'dues.read' },
      { key: '/admin/dues/summary', label: '收缴统计', perm: 'dues.read' },
      { key: '/admin/dues/reconciliation', label: '对账', perm: 'dues.approve' },
    ],
  },
  {
    key: 'transfers',
    label: '组织关系转接',
    icon: <SwapOutlined />,
    children: [
      { key: '/admin/transfers', label: '转接管理', perm: 'transfer.read' },
      { key: '/admin/transfers/mobile', label: '流动党员', perm: 'transfer.read' },
      { key: '/admin/transfers/lost-contact', label: '失联党员', perm: 'transfer.read' },
    ],
  },
  {
    key: 'meetings',
    label: '组织生活',
    icon: <CalendarOutlined />,
    children: [
      { key: '/admin/meetings', label: '会议管理', perm: 'meeting.read' },
      { key: '/admin/meetings/compliance', label: '落实情况', perm: 'meeting.read' },
    ],
  },
  {
    key: 'points',
    label: '党员积分',
    icon: <TrophyOutlined />,
    children: [
      { key: '/admin/points', label: '积分流水', perm: 'points.read' },
      { key: '/admin/points/rules', label: '积分细则', perm: 'points.read' },
      { key: '/admin/points/requests', label: '积分复核', perm: 'points.approve' },
      { key: '/admin/points/index', label: '先锋指数', perm: 'points.read' },
    ],
  },
  { key: '/admin/mall', label: '积分商城', icon: <GiftOutlined />, perm: 'mall.read' },
  { key: '/admin/residents', label: '群众', icon: <ContactsOutlined />, perm: 'resident.read' },
  { key: '/admin/volunteer', label: '志愿服务', icon: <HeartOutlined />, perm: 'volunteer.read' },
  { key: '/admin/needs', label: '群众需求', icon: <SolutionOutlined />, perm: 'volunteer.read' },
  { key: '/admin/posts', label: '内容审核', icon: <VideoCameraOutlined />, perm: 'volunteer.read' },
  { key: '/admin/community-reports', label: '双报到', icon: <HomeOutlined />, anyPerm: ['volunteer.read', 'member.read'] },
  { key: '/admin/clubs', label: '社团', icon: <SmileOutlined />, perm: 'volunteer.read' },
  { key: '/admin/kiosks', label: '活动中心大屏', icon: <DesktopOutlined />, perm: 'volunteer.read' },
  {
    key: 'system',
    label: '系统',
    icon: <SettingOutlined />,
    children: [
      { key: '/admin/accounts', label: '账号与角色', perm: 'account.manage' },
      { key: '/admin/audit', label: '审计日志', perm: 'audit.read' },
      { key: '/admin/rules', label: '规则版本', perm: 'system.config' },
      { key: '/admin/system/calendar', label: '工作日历', perm: 'system.config' },
      { key: '/admin/system/backups', label: '数据备份', perm: 'system.config' },
      { key: '/admin/jobs', label: '任务记录', perm: 'job.read' },
      { key: '/admin/account', label: '我的账号' },
    ],
  },
];

export function menuFor(me: MeView): MenuEntry[] {
  const allowed = (e: MenuEntry) => (!e.perm || can(me, e.perm)) && (!e.anyPerm || e.anyPerm.some((p) => can(me, p)));
  return MENU.filter(allowed)
    .map((e) => (e.children ? { ...e, children: e.children.filter(allowed) } : e))
    .filter((e) => !e.children || e.children.length > 0);
}

/** The menu key for a path: the longest menu path that prefixes it. */
export function selectedKeyFor(path: string, entries: MenuEntry[]): string | undefined {
  const keys = entries.flatMap((e) => (e.children ? e.children.map((c) => c.key) : [e.key]));
  let best: string | undefined;
  for (const k of keys) {
    if ((path === k || path.startsWith(k + '/')) && (!best || k.length > best.length)) best = k;
  }
  // the member form and detail pages belong to 党员名册
  if (best === '/admin/members/import' && !path.startsWith('/admin/members/import')) best = '/admin/members';
  return best;
}

/**
 * Where a list page sits in the menu (党员管理 / 党员名册), for the breadcrumb
 * above it; null off the menu's pages (a record's own page carries its own
 * trail) and for top-level entries (one level says nothing).
 */
export function breadcrumbFor(path: string, entries: MenuEntry[]): [string, string] | null {
  for (const group of entries) {
    const item = group.children?.find((c) => c.key === path);
    if (item) return [group.label, item.label];
  }
  return null;
}
