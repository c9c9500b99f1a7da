import { Button, Card, Col, Progress, Row, Space, Statistic, Tag, Typography } from 'antd';
import { ApartmentOutlined, PlusOutlined, TeamOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueries } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ORG_TYPES, type OrgType } from '../../../contracts/dict';
import { formatDateTime, todayShanghai } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { JOB_KINDS, percentOf, useJobs } from '../jobs/api';
import { JobStatusTag } from '../jobs/JobResult';
import { childrenQuery, orgQuery } from '../org/api';
import { useCurrentOrg } from '../../shared/current-org';
import { useWorkbench } from './api';
import { WorkbenchSections } from './WorkbenchSections';


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
          <Col xs={24} lg={me.scopeRoots.length === 1 ? 24 : 12} key={r.id}>
            <Card size="small" type="inner" title={<Space size={8} wrap style={{ whiteSpace: 'normal' }}><Link to={`/admin/orgs?id=${r.id}`}>{r.name}</Link><Tag color="red">{ORG_TYPES[r.type as OrgType] ?? r.type}</Tag></Space>}>
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
  const today = useWorkbench(useCurrentOrg(me.username)).data?.today ?? todayShanghai(); // the server's business day once it answers
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <div className="page-header" style={{ marginBottom: 0 }}>
          <div>
            <Typography.Title level={3}>工作台</Typography.Title>
            <Typography.Text type="secondary">
              您好，{me.displayName}。今天是 {today}。
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
      <WorkbenchSections />
      {can(me, 'job.read') && (
        <Card title="我的最近任务" extra={<Link to="/admin/jobs">全部</Link>}>
          <RecentJobs />
        </Card>
      )}
    </Space>
  );
}
