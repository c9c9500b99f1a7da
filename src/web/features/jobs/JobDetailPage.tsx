import { Button, Card, Space, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { isActive, JOB_KINDS, useJob } from './api';
import { JobProgress, JobResult, JobSummary } from './JobResult';

export function JobDetailPage() {
  const { id } = useParams();
  const job = useJob(id);
  usePageTitle('任务详情');
  if (job.isPending) return <PageLoading />;
  if (job.isError) return <ErrorState error={job.error} onRetry={() => job.refetch()} title="任务加载失败" extra={<Link to="/admin/jobs">返回任务记录</Link>} />;
  const j = job.data;
  return (
    <Card>
      <div className="page-header">
        <Typography.Title level={3}>{JOB_KINDS[j.kind] ?? j.kind}</Typography.Title>
        <Link to="/admin/jobs">
          <Button>返回任务记录</Button>
        </Link>
      </div>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <JobSummary job={j} />
        {(isActive(j) || j.status === 'succeeded') && <JobProgress job={j} />}
        <JobResult job={j} />
      </Space>
    </Card>
  );
}
