import { Alert, Descriptions, Progress, Space, Statistic, Table, Tag, Typography } from 'antd';
import { MemberImportReport } from '../../../contracts/member';
import { formatDateTime } from '../../shared/dates';
import { JOB_KINDS, JOB_STATUSES, percentOf, type Job } from './api';
import { summarizeJob } from './summaries';

export type ImportReport = MemberImportReport;

/** A job's result is free-form JSON; an import job's is a MemberImportReport. */
export function isImportReport(v: unknown): v is ImportReport {
  return MemberImportReport.safeParse(v).success;
}

export function ImportErrors({ errors }: { errors: ImportReport['errors'] }) {
  return (
    <Table
      size="small"
      rowKey={(r) => `${r.row}-${r.field}-${r.message}`}
      dataSource={errors}
      pagination={errors.length > 10 ? { pageSize: 10, showSizeChanger: false, showTotal: (t) => `共 ${t} 处错误` } : false}
      columns={[
        { title: '行号', dataIndex: 'row', width: 80 },
        { title: '列', dataIndex: 'field', width: 180, render: (f: string) => f || '—' },
        { title: '问题', dataIndex: 'message' },
      ]}
    />
  );
}

export function JobStatusTag({ job }: { job: Job }) {
  const s = JOB_STATUSES[job.status];
  return <Tag color={s.color}>{s.text}</Tag>;
}

export function JobProgress({ job }: { job: Job }) {
  const status = job.status === 'failed' ? 'exception' : job.status === 'succeeded' ? 'success' : 'active';
  return (
    <div>
      <Progress percent={percentOf(job)} status={status} aria-label="任务进度" />
      <Typography.Text type="secondary">{job.message ?? (job.status === 'queued' ? '排队等待执行…' : '')}</Typography.Text>
    </div>
  );
}

/** What a finished job did; an import shows its counts and the rows it refused. */
export function JobResult({ job }: { job: Job }) {
  if (job.status === 'failed') {
    return <Alert type="error" showIcon title="任务执行失败" description={`${job.lastError ?? '未知错误'}。请检查文件后重新导入；如仍失败，请联系系统管理员。`} />;
  }
  if (job.status !== 'succeeded') return null;
  if (job.kind === 'member.import' && isImportReport(job.result)) {
    const r = job.result;
    return (
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Space size={48} wrap>
          <Statistic title="文件行数" value={r.total} />
          <Statistic title="新增党员" value={r.created} styles={{ content: { color: '#389e0d' } }} />
          <Statistic title="已存在而跳过" value={r.skipped} />
          <Statistic title="有错误的行" value={new Set(r.errors.map((e) => e.row)).size} styles={{ content: r.errors.length ? { color: '#cf1322' } : undefined }} />
        </Space>
        {r.errors.length > 0 && <ImportErrors errors={r.errors} />}
      </Space>
    );
  }
  const summary = summarizeJob(job.kind, job.result);
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }}>
      {summary && <Alert type="success" showIcon title={summary} />}
      {/* the raw result stays available to the operator, folded */}
      <details>
        <summary style={{ cursor: 'pointer', color: '#8c8c8c' }}>技术详情（供系统管理员排查）</summary>
        <pre className="json-block">{JSON.stringify(job.result, null, 2)}</pre>
      </details>
    </Space>
  );
}

export function JobSummary({ job }: { job: Job }) {
  return (
    <Descriptions size="small" column={3}>
      <Descriptions.Item label="任务">{JOB_KINDS[job.kind] ?? job.kind}</Descriptions.Item>
      <Descriptions.Item label="状态">
        <JobStatusTag job={job} />
      </Descriptions.Item>
      <Descriptions.Item label="尝试次数">{job.attempts}</Descriptions.Item>
      <Descriptions.Item label="创建时间">{formatDateTime(job.createdAt)}</Descriptions.Item>
      <Descriptions.Item label="开始时间">{formatDateTime(job.startedAt)}</Descriptions.Item>
      <Descriptions.Item label="完成时间">{formatDateTime(job.finishedAt)}</Descriptions.Item>
    </Descriptions>
  );
}
