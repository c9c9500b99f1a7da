import { useEffect } from 'react';
import { Button, Card, Col, Progress, Row, Space, Statistic, Tag, Typography } from 'antd';
import { ApartmentOutlined, PlusOutlined, TeamOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueries } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ORG_TYPES, type OrgType } from '../../../contracts/dict';
import { formatDateTime, todayShanghai } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { setCurrentOrg, useCurrentOrg } from '../../shared/current-org';
import { ApiError } from '../../shared/api';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { JOB_KINDS, percentOf, useJobs } from '../jobs/api';
import { JobStatusTag } from '../jobs/JobResult';
import { useNotifications } from '../notification/api';
import { NotificationItems } from '../notification/NotificationList';
import { childrenQuery, orgQuery, useOrgWarnings } from '../org/api';
import { DevelopmentDeadlinesCard } from './DevelopmentDeadlines';


function ScopeRoots() {
  const me = useMe().data!;
  const roots = useQueries({ queries: me.scopeRoots.map((r) => orgQuery(r.id)) });
  const kids = useQueries({ queries: me.scopeRoots.map((r) => childrenQuery(r.id)) });
  if (me.scopeRoots.length === 0) return <EmptyState description="您还没有管理范围。请联系安全管理员为您授予组织角色。" />;
  return (
    <Row gutter={[16, 16]}>
      {me.scopeRoots.map((r, i) => {
        const q = roots[i];
        return (
          <Col span={me.scopeRoots.length === 1 ? 24 : 12} key={r.id}>
            <Card size="small" type="inner" title={<Link to={`/admin/orgs?id=${r.id}`}>{r.name}</Link>} extra={<Tag color="red">{ORG_TYPES[r.type as OrgType] ?? r.type}</Tag>}>
              {q.isPending ? (
                <PageLoading />
              ) : q.isError ? (
                <ErrorState error={q.error} onRetry={() => q.refetch()} title="加载失败" />
              ) : (
                <Space size={48} wrap>
                  <Statistic title="本级及下级党员" value={q.data.stats.subtreeMembers} suffix="名" />
                  {(q.data.stats.fullMembers > 0 || q.data.stats.probationaryMembers > 0) && (
                    <>
                      <Statistic title="本级正式党员" value={q.data.stats.fullMembers} suffix="名" />
                      <Statistic title="本级预备党员" value={q.data.stats.probationaryMembers} suffix="名" />
                    </>
                  )}
                  {q.data.hasChildren && <Statistic title="直属下级组织" value={kids[i]?.data?.length ?? '…'} suffix="个" />}
                </Space>
              )}
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}

const WARNING_LIMIT = 50;

function SetupWarnings() {
  const me = useMe().data!;
  const current = useCurrentOrg(me.username);
  const q = useOrgWarnings(current ?? undefined, WARNING_LIMIT);
  const isGone = q.isError && q.error instanceof ApiError && q.error.code === 'NOT_FOUND';
  useEffect(() => {
    if (isGone) setCurrentOrg(me.username, null); // the remembered org left the user's scope
  }, [isGone, me.username]);
  if (me.scopeRoots.length === 0) return <EmptyState description="没有管理范围，无需设置检查。" />;
  if (q.isPending) return <PageLoading tip="正在检查组织设置…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="设置检查加载失败" />;
  const { items, total, checkedOrgs } = q.data;
  if (items.length === 0) return <EmptyState description={`已检查管理范围内 ${checkedOrgs} 个组织，未发现设置问题。`} />;
  return (
    <>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        已检查 {checkedOrgs} 个组织，发现 {total} 项问题{total > items.length ? `，以下列出前 ${items.length} 项（须整改在前）` : ''}。
      </Typography.Paragraph>
      <ul className="plain-list">
        {items.map((it) => (
          <li key={`${it.orgId}-${it.warning.code}`}>
            <Space size={6}>
              <Tag color={it.warning.level === 'error' ? 'error' : 'warning'}>{it.warning.level === 'error' ? '须整改' : '提醒'}</Tag>
              <Link to={`/admin/orgs?id=${it.orgId}`}>{it.orgName}</Link>
            </Space>
            <div style={{ marginTop: 4 }}>{it.warning.message}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              依据：{it.warning.source}
            </Typography.Text>
          </li>
        ))}
      </ul>
    </>
  );
}

function UnreadNotifications() {
  const n = useNotifications({ unreadOnly: true, pageSize: 5 });
  if (n.isPending) return <PageLoading />;
  if (n.isError) return <ErrorState error={n.error} onRetry={() => n.refetch()} title="通知加载失败" />;
  if (n.data.items.length === 0) return <EmptyState description="没有未读通知。" />;
  return <NotificationItems items={n.data.items} />;
}

function RecentJobs() {
  const jobs = useJobs(1, 5);
  if (jobs.isPending) return <PageLoading />;
  if (jobs.isError) return <ErrorState error={jobs.error} onRetry={() => jobs.refetch()} title="任务加载失败" />;
  if (jobs.data.items.length === 0) return <EmptyState description="最近没有后台任务。批量导入党员后，进度和结果会显示在这里。" />;
  return (
    <ul className="plain-list">
      {jobs.data.items.map((j) => (
        <li key={j.id}>
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
            <Link to={`/admin/jobs/${j.id}`}>{JOB_KINDS[j.kind] ?? j.kind}</Link>
            <JobStatusTag job={j} />
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatDateTime(j.createdAt)}
          </Typography.Text>
          <Progress percent={percentOf(j)} size="small" status={j.status === 'failed' ? 'exception' : undefined} />
        </li>
      ))}
    </ul>
  );
}

export function DashboardPage() {
  usePageTitle('工作台');
  const me = useMe().data!;
  const hasOrgs = can(me, 'org.read');
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <div className="page-header" style={{ marginBottom: 0 }}>
          <div>
            <Typography.Title level={3}>工作台</Typography.Title>
            <Typography.Text type="secondary">
              您好，{me.displayName}。今天是 {todayShanghai()}。
            </Typography.Text>
          </div>
          <Space wrap>
            {can(me, 'member.create') && (
              <Link to="/admin/members/new">
                <Button type="primary" icon={<PlusOutlined />}>
                  新增党员
                </Button>
              </Link>
            )}
            {can(me, 'member.import') && (
              <Link to="/admin/members/import">
                <Button icon={<UploadOutlined />}>批量导入</Button>
              </Link>
            )}
            {can(me, 'member.read') && (
              <Link to="/admin/members">
                <Button icon={<TeamOutlined />}>党员名册</Button>
              </Link>
            )}
            {hasOrgs && (
              <Link to="/admin/orgs">
                <Button icon={<ApartmentOutlined />}>组织管理</Button>
              </Link>
            )}
          </Space>
        </div>
      </Card>
      {hasOrgs && (
        <Card title="我的管理范围">
          <ScopeRoots />
        </Card>
      )}
      {can(me, 'development.read') && <DevelopmentDeadlinesCard />}
      <Row gutter={16}>
        {hasOrgs && (
          <Col span={can(me, 'job.read') ? 12 : 16}>
            <Card title="设置检查提醒" style={{ height: '100%' }}>
              <SetupWarnings />
            </Card>
          </Col>
        )}
        <Col span={hasOrgs ? (can(me, 'job.read') ? 6 : 8) : 12}>
          <Card title="未读通知" style={{ height: '100%' }}>
            <UnreadNotifications />
          </Card>
        </Col>
        {can(me, 'job.read') && (
          <Col span={hasOrgs ? 6 : 12}>
            <Card title="我的最近任务" style={{ height: '100%' }} extra={<Link to="/admin/jobs">全部</Link>}>
              <RecentJobs />
            </Card>
          </Col>
        )}
      </Row>
    </Space>
  );
}
