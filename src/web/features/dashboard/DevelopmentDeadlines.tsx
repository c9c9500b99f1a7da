import { useEffect } from 'react';
import { Card, Space, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { z } from 'zod';
import { INFORMATIONAL_DEADLINES, type DeadlinePage, type DeadlineView } from '../../../contracts/development';
import { ApiError, api } from '../../shared/api';
import { dayjs, todayShanghai } from '../../shared/dates';
import { setCurrentOrg, useCurrentOrg } from '../../shared/current-org';
import { useMe } from '../../shared/session';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';

// 工作台 card: development deadlines of the chosen org (or the whole scope)
// due within the next 30 days, overdue ones included.

const WINDOW_DAYS = 30;
const LIMIT = 10;

function useDueDeadlines(orgId: string | null) {
  const before = dayjs(todayShanghai()).add(WINDOW_DAYS, 'day').format('YYYY-MM-DD');
  return useQuery({
    queryKey: ['development', 'deadlines', { orgId, before, limit: LIMIT }],
    queryFn: () => api.get<z.infer<typeof DeadlinePage>>('/api/v1/development/deadlines', { orgId, before, limit: LIMIT }),
  });
}

export function DueTag({ d }: { d: DeadlineView }) {
  if (d.overdue) return <Tag color="error">已逾期</Tag>;
  const informational = INFORMATIONAL_DEADLINES.includes(d.kind);
  if (d.daysLeft < 0) return <Tag color="blue">{informational ? '已可办理' : '已到期'}</Tag>;
  if (d.daysLeft === 0) return <Tag color={informational ? 'blue' : 'warning'}>{informational ? '今天起可办理' : '今天到期'}</Tag>;
  return <Tag color={informational ? 'blue' : d.daysLeft <= 7 ? 'warning' : 'default'}>{informational ? `${d.daysLeft}天后可办理` : `${d.daysLeft}天后到期`}</Tag>;
}

function DeadlineItems() {
  const me = useMe().data!;
  const current = useCurrentOrg(me.username);
  const q = useDueDeadlines(current);
  const isGone = q.isError && q.error instanceof ApiError && q.error.code === 'NOT_FOUND';
  useEffect(() => {
    if (isGone && current) setCurrentOrg(me.username, null); // the remembered org left the user's scope
  }, [isGone, current, me.username]);
  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="发展党员待办加载失败" />;
  const { items, total, overdue } = q.data;
  if (items.length === 0) return <EmptyState description="近30天没有到期事项" />;
  return (
    <>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }} data-testid="dev-deadline-summary">
        近{WINDOW_DAYS}天到期及已逾期共 {total} 项
        {overdue > 0 && (
          <>
            ，其中<Typography.Text type="danger" strong>已逾期 {overdue} 项</Typography.Text>
          </>
        )}
        {total > items.length ? `，以下列出最早到期的 ${items.length} 项` : ''}。
      </Typography.Paragraph>
      <ul className="plain-list" data-testid="dev-deadlines" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(320px, 1fr))', columnGap: 32 }}>
        {items.map((d) => (
          <li key={`${d.fileId}-${d.kind}`}>
            <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'flex-start' }}>
              <Space size={6} wrap style={{ minWidth: 0 }}>
                <Link to={`/admin/development/candidates/${d.fileId}`}>{d.personName}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {d.orgName}
                </Typography.Text>
              </Space>
              <span style={{ flex: 'none' }}>
                <DueTag d={d} />
                {d.provisional && (
                  <Tag color="default" title="按已登记的步骤推算，登记后续步骤后会更新">
                    暂定
                  </Tag>
                )}
              </span>
            </div>
            <div style={{ marginTop: 4 }}>{d.label}</div>
            <Typography.Text type={d.overdue ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
              {INFORMATIONAL_DEADLINES.includes(d.kind) ? '自' : '截止'} {d.due}
              {d.extendedDue ? `（有特殊情况的最迟 ${d.extendedDue}）` : ''}
            </Typography.Text>
          </li>
        ))}
      </ul>
    </>
  );
}

export function DevelopmentDeadlinesCard() {
  return (
    <Card title="发展党员待办" extra={<Link to="/admin/development/candidates">发展档案</Link>} data-testid="dev-deadlines-card">
      <DeadlineItems />
    </Card>
  );
}
