import { useParams } from 'react-router';
import { usePageTitle } from '../../shared/use-title';
import { MeetingRoom } from '../meeting/MeetingRoom';
import { useMeetingRoomInfo } from '../meeting/room';
import { MobileError, MobileLoading } from './MobileStates';
import './meetings.css';

/** 视频会议室 on the phone: a member away from the meeting place (e.g. a mobile member) joins from here. */
export function MobileMeetingRoomPage() {
  const { id = '' } = useParams();
  const q = useMeetingRoomInfo(id);
  usePageTitle(q.data ? `视频会议室 · ${q.data.title}` : '视频会议室');
  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => void q.refetch()} title="会议室加载失败" />;
  const info = q.data;
  return (
    <section className="m-card" aria-labelledby="m-room-head">
      <h1 id="m-room-head" className="m-mt-detail-title">
        视频会议室
      </h1>
      <p className="m-mt-hint">
        {info.orgName} · {info.title}
      </p>
      <MeetingRoom info={info} myName={info.myName} onLeft={() => void q.refetch()} />
    </section>
  );
}
