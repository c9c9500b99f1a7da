import { Breadcrumb, Card, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { MeetingRoom } from './MeetingRoom';
import { useMeetingRoomInfo } from './room';

/** 视频会议室 in the console: the host or an observer at the desk. */
export function MeetingRoomPage() {
  const { id = '' } = useParams();
  const q = useMeetingRoomInfo(id);
  usePageTitle(q.data ? `视频会议室 · ${q.data.title}` : '视频会议室');
  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="会议室加载失败" />;
  const info = q.data;
  return (
    <>
      <div className="page-header" style={{ display: 'block' }}>
        <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: '组织生活' }, { title: <Link to="/admin/meetings">会议管理</Link> }, { title: <Link to={`/admin/meetings/${id}`}>{info.title}</Link> }, { title: '视频会议室' }]} />
        <Typography.Title level={3}>视频会议室</Typography.Title>
        <Typography.Text type="secondary">
          {info.orgName} · {info.title}
        </Typography.Text>
      </div>
      <Card>
        <MeetingRoom info={info} myName={info.myName} onLeft={() => void q.refetch()} />
      </Card>
    </>
  );
}
