import { lazy, Suspense, type ComponentType } from 'react';
import { Button, Result } from 'antd';
import { createBrowserRouter, Link, Navigate, useLocation, useNavigate, useRouteError, type RouteObject } from 'react-router';
import { ApiError } from '../shared/api';
import { homePathFor, isResident, useMe } from '../shared/session';
import { ErrorState, PageLoading } from '../shared/states';
import { RequirePermission } from '../shared/guards';
import type { Permission } from '../../contracts/permissions';
import { AdminLayout } from './AdminLayout';
import { MobileLayout } from './MobileLayout';
import { RequireSession, ScreenLoading } from '../features/screen/RequireSession';

// Pages load on demand: the first load carries only the shell. A page whose
// code could not be fetched (server unreachable, a restart) is loaded again by
// reloading the document when the user asks (重试): the browser keeps a failed
// module import, and those of the chunks it imports, for the life of the
// document, so importing again in place would fail again.
function page<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M): ComponentType {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}

/** The browser could not fetch a page's code (not an error in the page itself). */
function isLoadFailure(e: unknown): boolean {
  return e instanceof Error && /dynamically imported module|Importing a module script failed|error loading dynamically imported module|Failed to fetch/i.test(e.message);
}

/**
 * An error inside a page: shown in the layout's content area, so the menu, the
 * header and whatever else is open stay as they were. 重试 renders the page
 * again (a new location resets the boundary), or reloads the document when the
 * page's code could not be fetched.
 */
function PageError() {
  const error = useRouteError();
  const navigate = useNavigate();
  const location = useLocation();
  const offline = isLoadFailure(error);
  const retry = () => {
    if (offline) {
      window.location.reload();
      return;
    }
    void navigate({ pathname: location.pathname, search: location.search, hash: location.hash }, { replace: true, state: location.state });
  };
  return (
    <Result
      status={offline ? 'warning' : 'error'}
      title={offline ? '页面没有加载出来' : '页面出错了'}
      subTitle={offline ? '与服务器的连接中断了（网络故障或系统正在重启）。其他已打开的内容不受影响；请稍后点击“重试”。' : '这个页面出现了错误。请点击“重试”；如仍然出错，请联系系统管理员。'}
      extra={
        <Button type="primary" onClick={retry}>
          重试
        </Button>
      }
    />
  );
}

const LoginPage = page(() => import('../features/auth/LoginPage'), 'LoginPage');
const ActivatePage = page(() => import('../features/auth/ActivatePage'), 'ActivatePage');
const RegisterPage = page(() => import('../features/auth/RegisterPage'), 'RegisterPage');
const AccountPage = page(() => import('../features/auth/AccountPage'), 'AccountPage');
const DashboardPage = page(() => import('../features/dashboard/DashboardPage'), 'DashboardPage');
const OrgPage = page(() => import('../features/org/OrgPage'), 'OrgPage');
const MemberListPage = page(() => import('../features/member/MemberListPage'), 'MemberListPage');
const MemberFormPage = page(() => import('../features/member/MemberFormPage'), 'MemberFormPage');
const MemberDetailPage = page(() => import('../features/member/MemberDetailPage'), 'MemberDetailPage');
const MemberImportPage = page(() => import('../features/member/MemberImportPage'), 'MemberImportPage');
const DevelopmentBoardPage = page(() => import('../features/development/DevelopmentBoardPage'), 'DevelopmentBoardPage');
const CandidateListPage = page(() => import('../features/development/CandidateListPage'), 'CandidateListPage');
const CandidateFormPage = page(() => import('../features/development/CandidateFormPage'), 'CandidateFormPage');
const CandidateDetailPage = page(() => import('../features/development/CandidateDetailPage'), 'CandidateDetailPage');
const PlanPage = page(() => import('../features/development/PlanPage'), 'PlanPage');
const DevelopmentDocumentsPage = page(() => import('../features/development/DocumentsPage'), 'DocumentsPage');
const DuesBasesPage = page(() => import('../features/dues/BasesPage'), 'BasesPage');
const DuesBillsPage = page(() => import('../features/dues/BillsPage'), 'BillsPage');
const DuesPaymentsPage = page(() => import('../features/dues/BillsPage'), 'PaymentsPage');
const DuesReductionsPage = page(() => import('../features/dues/ReductionsPage'), 'ReductionsPage');
const DuesSummaryPage = page(() => import('../features/dues/SummaryPage'), 'SummaryPage');
const DuesReconciliationPage = page(() => import('../features/dues/ReconciliationPage'), 'ReconciliationPage');
const TransferListPage = page(() => import('../features/transfer/TransferListPage'), 'TransferListPage');
const TransferDetailPage = page(() => import('../features/transfer/TransferDetailPage'), 'TransferDetailPage');
const MobileMembersPage = page(() => import('../features/transfer/MobileMembersPage'), 'MobileMembersPage');
const LostContactPage = page(() => import('../features/transfer/LostContactPage'), 'LostContactPage');
const ApprovalsPage = page(() => import('../features/approvals/ApprovalsPage'), 'ApprovalsPage');
const WarningsPage = page(() => import('../features/warning/WarningsPage'), 'WarningsPage');
const AnalysisPage = page(() => import('../features/analysis/AnalysisPage'), 'AnalysisPage');
const StatisticsPage = page(() => import('../features/statistics/StatisticsPage'), 'StatisticsPage');
const ReportsPage = page(() => import('../features/reports/ReportsPage'), 'ReportsPage');
const MapPage = page(() => import('../features/map/MapPage'), 'MapPage');
const ProjectListPage = page(() => import('../features/project/ProjectListPage'), 'ProjectListPage');
const ProjectDetailPage = page(() => import('../features/project/ProjectDetailPage'), 'ProjectDetailPage');
const MobileProjectsPage = page(() => import('../features/mobile/MobileProjectsPage'), 'MobileProjectsPage');
const MobileApprovalsPage = page(() => import('../features/mobile/MobileApprovalsPage'), 'MobileApprovalsPage');
const MeetingListPage = page(() => import('../features/meeting/MeetingListPage'), 'MeetingListPage');
const MeetingDetailPage = page(() => import('../features/meeting/MeetingDetailPage'), 'MeetingDetailPage');
const MeetingRoomPage = page(() => import('../features/meeting/MeetingRoomPage'), 'MeetingRoomPage');
const PointsPage = page(() => import('../features/points/PointsPage'), 'PointsPage');
const PointRulesPage = page(() => import('../features/points/PointRulesPage'), 'PointRulesPage');
const PointRequestsPage = page(() => import('../features/points/PointRequestsPage'), 'PointRequestsPage');
const BranchIndexPage = page(() => import('../features/points/BranchIndexPage'), 'BranchIndexPage');
const MobilePointsPage = page(() => import('../features/mobile/MobilePointsPage'), 'MobilePointsPage');
const MallPage = page(() => import('../features/mall/MallPage'), 'MallPage');
const ResidentsPage = page(() => import('../features/resident/ResidentsPage'), 'ResidentsPage');
const VolunteerPage = page(() => import('../features/volunteer/VolunteerPage'), 'VolunteerPage');
const VolunteerDetailPage = page(() => import('../features/volunteer/VolunteerDetailPage'), 'VolunteerDetailPage');
const MobileVolunteerPage = page(() => import('../features/mobile/MobileVolunteerPage'), 'MobileVolunteerPage');
const NeedsPage = page(() => import('../features/need/NeedsPage'), 'NeedsPage');
const NeedDetailPage = page(() => import('../features/need/NeedDetailPage'), 'NeedDetailPage');
const MobileNeedsPage = page(() => import('../features/mobile/MobileNeedsPage'), 'MobileNeedsPage');
const PostsModerationPage = page(() => import('../features/post/PostsModerationPage'), 'PostsModerationPage');
const MobilePostsPage = page(() => import('../features/mobile/MobilePostsPage'), 'MobilePostsPage');
const CommunityReportsPage = page(() => import('../features/community-report/CommunityReportsPage'), 'CommunityReportsPage');
const MobileCommunityReportPage = page(() => import('../features/mobile/MobileCommunityReportPage'), 'MobileCommunityReportPage');
const ClubsPage = page(() => import('../features/club/ClubsPage'), 'ClubsPage');
const KioskPage = page(() => import('../features/kiosk/KioskPage'), 'KioskPage');
const KiosksPage = page(() => import('../features/kiosk/KiosksPage'), 'KiosksPage');
const MobileCheckInPage = page(() => import('../features/mobile/MobileCheckInPage'), 'MobileCheckInPage');
const MobileClubsPage = page(() => import('../features/mobile/MobileClubsPage'), 'MobileClubsPage');
const MobileServePage = page(() => import('../features/mobile/MobileServePage'), 'MobileServePage');
const MobileMallPage = page(() => import('../features/mobile/MobileMallPage'), 'MobileMallPage');
const MobileMallDeskPage = page(() => import('../features/mobile/MobileMallDeskPage'), 'MobileMallDeskPage');
const MeetingCompliancePage = page(() => import('../features/meeting/CompliancePage'), 'CompliancePage');
const AccountsPage = page(() => import('../features/admin/AccountsPage'), 'AccountsPage');
const AuditPage = page(() => import('../features/admin/AuditPage'), 'AuditPage');
const RulesPage = page(() => import('../features/admin/RulesPage'), 'RulesPage');
const WorkCalendarPage = page(() => import('../features/admin/WorkCalendarPage'), 'WorkCalendarPage');
const BackupsPage = page(() => import('../features/admin/BackupsPage'), 'BackupsPage');
const JobsPage = page(() => import('../features/jobs/JobsPage'), 'JobsPage');
const JobDetailPage = page(() => import('../features/jobs/JobDetailPage'), 'JobDetailPage');
const MobileHomePage = page(() => import('../features/mobile/MobileHomePage'), 'MobileHomePage');
const MobileMePage = page(() => import('../features/mobile/MobileMePage'), 'MobileMePage');
const ResidentHomePage = page(() => import('../features/mobile/ResidentPages'), 'ResidentHomePage');
const ResidentMePage = page(() => import('../features/mobile/ResidentPages'), 'ResidentMePage');
const MobilePasswordPage = page(() => import('../features/mobile/MobilePasswordPage'), 'MobilePasswordPage');
const MobileDuesPage = page(() => import('../features/mobile/MobileDuesPage'), 'MobileDuesPage');
const MobilePayPage = page(() => import('../features/mobile/MobilePayPage'), 'MobilePayPage');
const MobileTransfersPage = page(() => import('../features/mobile/MobileTransfersPage'), 'MobileTransfersPage');
const MobileMeetingsPage = page(() => import('../features/mobile/MobileMeetingsPage'), 'MobileMeetingsPage');
const MobileMeetingsDetailPage = page(() => import('../features/mobile/MobileMeetingsDetailPage'), 'MobileMeetingsDetailPage');
const MobileMeetingsSignInPage = page(() => import('../features/mobile/MobileMeetingsSignInPage'), 'MobileMeetingsSignInPage');
const MobileMeetingsHostPage = page(() => import('../features/mobile/MobileMeetingsHostPage'), 'MobileMeetingsHostPage');
const MobileMeetingRoomPage = page(() => import('../features/mobile/MobileMeetingRoomPage'), 'MobileMeetingRoomPage');
const TransferVerifyPage = page(() => import('../features/verify/TransferVerifyPage'), 'TransferVerifyPage');
const ScreenPage = page(() => import('../features/screen/ScreenPage'), 'ScreenPage');

const guarded = (perm: Permission | Permission[], Page: ComponentType) => (
  <RequirePermission perm={perm}>
    <Page />
  </RequirePermission>
);

/** A page shown to users holding any one of the permissions (the page shows each part by its own). */
const guardedAny = (perms: Permission[], Page: ComponentType) => (
  <RequirePermission perm={perms} anyOf>
    <Page />
  </RequirePermission>
);

/** A phone page with a resident's (群众) version: the layout has loaded the user before its pages render. */
function ForResident({ resident: Resident, member: Member }: { resident: ComponentType; member: ComponentType }) {
  const me = useMe();
  return isResident(me.data) ? <Resident /> : <Member />;
}

function RootRedirect() {
  const me = useMe();
  if (me.isPending) return <PageLoading />;
  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) return <Navigate to="/login" replace />;
    return <ErrorState error={me.error} onRetry={() => me.refetch()} />;
  }
  return <Navigate to={homePathFor(me.data)} replace />;
}

function NotFound() {
  return (
    <Result
      status="404"
      title="页面不存在"
      subTitle="您访问的地址不存在，可能是链接有误或页面已调整。"
      extra={
        <Link to="/">
          <Button type="primary">返回首页</Button>
        </Link>
      }
    />
  );
}

function RouteError() {
  return (
    <Result
      status="error"
      title="页面出错了"
      subTitle="页面加载失败，可能是系统刚刚升级。请刷新页面；如仍然出错，请联系系统管理员。"
      extra={
        <Button type="primary" onClick={() => location.reload()}>
          刷新页面
        </Button>
      }
    />
  );
}

// The pages inside each layout; an error in one of them stays inside the layout (PageError).
const adminPages: RouteObject[] = [
  { index: true, element: <DashboardPage /> },
  { path: 'approvals', element: <ApprovalsPage /> },
  { path: 'warnings', element: <WarningsPage /> },
  { path: 'analysis', element: guarded('member.read', AnalysisPage) },
  { path: 'statistics', element: guarded('member.read', StatisticsPage) },
  { path: 'reports', element: guarded('org.read', ReportsPage) },
  { path: 'map', element: guarded('org.read', MapPage) },
  { path: 'projects', element: guarded('project.read', ProjectListPage) },
  { path: 'projects/:id', element: guarded('project.read', ProjectDetailPage) },
  { path: 'orgs', element: guarded('org.read', OrgPage) },
  { path: 'members', element: guarded('member.read', MemberListPage) },
  { path: 'members/new', element: guarded('member.create', MemberFormPage) },
  { path: 'members/import', element: guarded('member.import', MemberImportPage) },
  { path: 'members/:id', element: guarded('member.read', MemberDetailPage) },
  { path: 'members/:id/edit', element: guarded('member.update', MemberFormPage) },
  { path: 'development', element: guarded('development.read', DevelopmentBoardPage) },
  { path: 'development/candidates', element: guarded('development.read', CandidateListPage) },
  { path: 'development/candidates/new', element: guarded('development.manage', CandidateFormPage) },
  { path: 'development/candidates/:id', element: guarded('development.read', CandidateDetailPage) },
  { path: 'development/plans', element: guarded('development.read', PlanPage) },
  { path: 'development/documents', element: guarded('development.read', DevelopmentDocumentsPage) },
  { path: 'dues', element: <Navigate to="/admin/dues/bills" replace /> },
  { path: 'dues/bases', element: guarded('dues.read', DuesBasesPage) },
  { path: 'dues/bills', element: guarded('dues.read', DuesBillsPage) },
  { path: 'dues/payments', element: guarded('dues.manage', DuesPaymentsPage) },
  { path: 'dues/reductions', element: guarded('dues.read', DuesReductionsPage) },
  { path: 'dues/summary', element: guarded('dues.read', DuesSummaryPage) },
  { path: 'dues/reconciliation', element: guarded('dues.approve', DuesReconciliationPage) },
  { path: 'transfers', element: guarded('transfer.read', TransferListPage) },
  { path: 'transfers/:id', element: guarded('transfer.read', TransferDetailPage) },
  { path: 'transfers/mobile', element: guarded('transfer.read', MobileMembersPage) },
  { path: 'transfers/lost-contact', element: guarded('transfer.read', LostContactPage) },
  { path: 'meetings', element: guarded('meeting.read', MeetingListPage) },
  { path: 'meetings/compliance', element: guarded('meeting.read', MeetingCompliancePage) },
  { path: 'meetings/:id', element: guarded('meeting.read', MeetingDetailPage) },
  { path: 'meetings/:id/room', element: guarded('meeting.read', MeetingRoomPage) },
  { path: 'points', element: guarded('points.read', PointsPage) },
  { path: 'points/rules', element: guarded('points.read', PointRulesPage) },
  { path: 'points/requests', element: guarded('points.approve', PointRequestsPage) },
  { path: 'points/index', element: guarded('points.read', BranchIndexPage) },
  { path: 'mall', element: guarded('mall.read', MallPage) },
  { path: 'residents', element: guarded('resident.read', ResidentsPage) },
  { path: 'volunteer', element: guarded('volunteer.read', VolunteerPage) },
  { path: 'volunteer/:id', element: guarded('volunteer.read', VolunteerDetailPage) },
  { path: 'needs', element: guarded('volunteer.read', NeedsPage) },
  { path: 'needs/:id', element: guarded('volunteer.read', NeedDetailPage) },
  { path: 'posts', element: guarded('volunteer.read', PostsModerationPage) },
  // the community's reports (volunteer.read) and the branch's 支部评议参考 tab (member.read)
  { path: 'community-reports', element: guardedAny(['volunteer.read', 'member.read'], CommunityReportsPage) },
  { path: 'community-reports/:id', element: guarded('volunteer.read', CommunityReportsPage) },
  { path: 'clubs', element: guarded('volunteer.read', ClubsPage) },
  { path: 'clubs/:id', element: guarded('volunteer.read', ClubsPage) },
  { path: 'kiosks', element: guarded('volunteer.read', KiosksPage) },
  { path: 'accounts', element: guarded('account.manage', AccountsPage) },
  { path: 'audit', element: guarded('audit.read', AuditPage) },
  { path: 'rules', element: guarded('system.config', RulesPage) },
  { path: 'system/calendar', element: guarded('system.config', WorkCalendarPage) },
  { path: 'system/backups', element: guarded('system.config', BackupsPage) },
  { path: 'jobs', element: guarded('job.read', JobsPage) },
  { path: 'jobs/:id', element: guarded('job.read', JobDetailPage) },
  { path: 'account', element: <AccountPage /> },
  { path: '*', element: <NotFound /> },
];

const mobilePages: RouteObject[] = [
  { index: true, element: <ForResident resident={ResidentHomePage} member={MobileHomePage} /> },
  { path: 'me', element: <ForResident resident={ResidentMePage} member={MobileMePage} /> },
  { path: 'password', element: <MobilePasswordPage /> },
  { path: 'dues', element: <MobileDuesPage /> },
  { path: 'approvals', element: <MobileApprovalsPage /> },
  { path: 'pay/:outTradeNo', element: <MobilePayPage /> },
  { path: 'transfers', element: <MobileTransfersPage /> },
  { path: 'meetings', element: <MobileMeetingsPage /> },
  { path: 'meetings/:id', element: <MobileMeetingsDetailPage /> },
  // the host's QR code opens this (SignInCode.url); without a session the login brings the member back here
  { path: 'meetings/:id/sign-in', element: <MobileMeetingsSignInPage /> },
  { path: 'meetings/:id/host', element: <MobileMeetingsHostPage /> },
  { path: 'meetings/:id/room', element: <MobileMeetingRoomPage /> },
  { path: 'points', element: <MobilePointsPage /> },
  { path: 'mall', element: <MobileMallPage /> },
  { path: 'mall/desk', element: guarded('mall.manage', MobileMallDeskPage) },
  { path: 'volunteer', element: guarded('volunteer.self', MobileVolunteerPage) },
  // 我的需求 (a resident's own needs) and 身边需求 (a volunteer's side: 接单意愿, 接单, 办结)
  { path: 'needs', element: guarded('resident.self', MobileNeedsPage) },
  { path: 'serve', element: guarded('volunteer.self', MobileServePage) },
  // 短视频与动态: the feed, publishing (text or video), my posts, reports
  { path: 'posts', element: guarded('volunteer.self', MobilePostsPage) },
  // 双报到: the in-service member reports to the community where they live
  { path: 'community-report', element: guarded('volunteer.self', MobileCommunityReportPage) },
  // 社团: clubs of the community, 申请成立, 加入, the leader's activities
  { path: 'clubs', element: guarded('volunteer.self', MobileClubsPage) },
  { path: 'clubs/:id', element: guarded('volunteer.self', MobileClubsPage) },
  // the centre's screen's check-in code opens this (a login first brings the volunteer back here)
  { path: 'checkin', element: guarded('volunteer.self', MobileCheckInPage) },
  { path: 'projects', element: <MobileProjectsPage /> },
  { path: '*', element: <NotFound /> },
];

export const router = createBrowserRouter([
  { path: '/', element: <RootRedirect />, errorElement: <RouteError /> },
  {
    path: '/login',
    errorElement: <RouteError />,
    element: (
      <Suspense fallback={<PageLoading />}>
        <LoginPage />
      </Suspense>
    ),
  },
  {
    path: '/activate',
    errorElement: <RouteError />,
    element: (
      <Suspense fallback={<PageLoading />}>
        <ActivatePage />
      </Suspense>
    ),
  },
  {
    // public, no login: a resident (群众) registers by phone
    path: '/register',
    errorElement: <RouteError />,
    element: (
      <Suspense fallback={<PageLoading />}>
        <RegisterPage />
      </Suspense>
    ),
  },
  {
    // public, no login: the centre's touch screen (活动中心大屏), by its kiosk link
    path: '/kiosk/:token',
    errorElement: <RouteError />,
    element: (
      <Suspense fallback={<PageLoading />}>
        <KioskPage />
      </Suspense>
    ),
  },
  {
    // public, no login: the QR code printed on a relation transfer letter
    path: '/verify/transfer/:code',
    errorElement: <RouteError />,
    element: (
      <Suspense fallback={<PageLoading />}>
        <TransferVerifyPage />
      </Suspense>
    ),
  },
  {
    path: '/admin',
    element: <AdminLayout />,
    errorElement: <RouteError />,
    children: [{ errorElement: <PageError />, children: adminPages }],
  },
  {
    // the big screen (党建大屏): full window, outside the admin layout (no menu), the layouts' session check
    path: '/screen',
    errorElement: <RouteError />,
    element: (
      <RequireSession>
        <Suspense fallback={<ScreenLoading />}>{guarded('member.read', ScreenPage)}</Suspense>
      </RequireSession>
    ),
  },
  {
    path: '/m',
    element: <MobileLayout />,
    errorElement: <RouteError />,
    children: [{ errorElement: <PageError />, children: mobilePages }],
  },
  { path: '*', element: <NotFound /> },
]);
