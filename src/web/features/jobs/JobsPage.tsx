import { useState } from 'react';
import { Card, Progress, Table, Typography } from 'antd';
import { Link } from 'react-router';
import { formatDateTime } from '../../shared/dates';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { JOB_KINDS, percentOf, useJobs, type Job } from './api';
import { JobResult, JobStatusTag } from './JobResult';
import { summarizeJob } from './summaries';

function resultText(j: Job): string {
  if (j.status === 'failed') return j.lastError ?? '失败';
  if (j.status === 'succeeded') return summarizeJob(j.kind, j.result) ?? j.message ?? '已完成';
  return j.message ?? '—';
}

export function JobsPage() {
  usePageTitle('任务记录');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const jobs = useJobs(page, pageSize);
  return (
    <Card>
      <div className="page-header">
        <Typography.Title level={3}>任务记录</Typography.Title>
        <Typography.Text type="secondary">批量导入等耗时操作在后台执行，进度和结果在这里查看</Typography.Text>
      </div>
      {jobs.isError && !jobs.data ? (
        <ErrorState error={jobs.error} onRetry={() => jobs.refetch()} title="任务记录加载失败" />
      ) : (
        <Table<Job>
          rowKey="id"
          loading={jobs.isPending}
          dataSource={jobs.data?.items ?? []}
          locale={{ emptyText: jobs.isPending ? ' ' : <EmptyState description="还没有任务。在“党员管理 → 批量导入”中确认导入后，任务会出现在这里。" /> }}
          expandable={{ expandedRowRender: (j) => <JobResult job={j} />, rowExpandable: (j) => j.status === 'succeeded' || j.status === 'failed' }}
          pagination={{ current: page, pageSize, total: jobs.data?.total ?? 0, showTotal: (t) => `共 ${t} 个任务`, onChange: (p, s) => (setPage(p), setPageSize(s)) }}
          columns={[
            { title: '任务', dataIndex: 'kind', render: (k: string, j) => <Link to={`/admin/jobs/${j.id}`}>{JOB_KINDS[k] ?? k}</Link> },
            { title: '状态', dataIndex: 'status', width: 100, render: (_: unknown, j) => <JobStatusTag job={j} /> },
            {
              title: '进度',
              width: 200,
              render: (_: unknown, j) => <Progress percent={percentOf(j)} size="small" status={j.status === 'failed' ? 'exception' : j.status === 'succeeded' ? 'success' : 'active'} />,
            },
            { title: '结果', render: (_: unknown, j) => resultText(j), ellipsis: true },
            { title: '创建时间', dataIndex: 'createdAt', width: 170, render: (s: string) => formatDateTime(s) },
            { title: '完成时间', dataIndex: 'finishedAt', width: 170, render: (s: string | null) => formatDateTime(s) },
          ]}
        />
      )}
    </Card>
  );
}
