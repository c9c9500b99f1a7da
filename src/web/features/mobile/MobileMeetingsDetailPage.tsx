import { useState } from 'react';
import { Button, Tag } from 'antd';
import { LinkOutlined, QrcodeOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import { MEETING_STATUSES, MEETING_TYPES, SIGN_METHODS, type MeetingDetail } from '../../../contracts/meeting';
import { formatDateTime } from '../../shared/dates';
import { usePageTitle } from '../../shared/use-title';
import { useMeeting } from '../meeting/api';
import { canAskLeave, clock, LeaveSheet, leaveButtonText, meetingDate, meetingTime, MyStatusTag, shortDateTime } from './MobileMeetingsShared';
import { MobileError, MobileLoading } from './MobileStates';
import './meetings.css';

// One meeting on the phone: what, when, where; the member's own attendance
// and leave; once the host and the recorder have confirmed (locked) the
// minutes, the minutes to read. Those who run the meeting go on to 签到与考勤.

const STATUS_COLOR: Record<string, string> = { planned: 'processing', held: 'success', cancelled: 'default' };

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="m-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The member's standing in one sentence. */
function mineSentence(d: MeetingDetail): string {
  const a = d.me.attendee;
  if (d.status === 'cancelled') return `会议已取消${d.cancelledReason ? `：${d.cancelledReason}` : '。'}`;
  if (!a) return d.status === 'planned' ? '本支部的会议。支部发出会议通知后，您会收到通知；不能参加的可以请假。' : '您不在本次会议的参会名单中。';
  if (a.attendance === 'present') return a.method === 'qr' ? `您已于 ${shortDateTime(a.signedAt!)} 扫码签到。` : a.method === 'room' ? '您已远程参会。' : '会议记录人已登记您出席。';
  if (a.leaveStatus === 'requested') return '您已请假，等待支部审批。';
  if (a.leaveStatus === 'approved') return '支部已准假。请会后自行学习会议内容。';
  if (a.leaveStatus === 'rejected') return '支部未准假，请按时参加会议。';
  if (a.attendance === 'absent') return '会议记录人登记您缺席。如有出入，请联系会议记录人。';
  if (d.status === 'planned') return '请按时参加会议。不能参加的，请提前请假。';
  return d.minutesLocked ? '会议记录中没有登记您的出席情况。如有出入，请联系支部书记。' : '出席情况尚未登记。';
}

function SignInHint({ d }: { d: MeetingDetail }) {
  const w = d.signInWindow;
  if (!w || d.status === 'cancelled' || d.minutesLocked || d.me.attendee?.attendance === 'present') return null;
  const now = Date.now();
  if (now > new Date(w.closesAt).getTime()) return null;
  const open = now >= new Date(w.opensAt).getTime();
  return (
    <p className={open ? 'm-mt-signin-hint m-mt-signin-open' : 'm-mt-signin-hint'}>
      {open ? '现在可以签到：' : `签到时间 ${shortDateTime(w.opensAt)} 至 ${clock(w.closesAt)}。`}
      到会后用手机扫描会场展示的二维码签到；签到不是必须的，未签到的由会议记录人登记出席。
    </p>
  );
}

function Minutes({ d }: { d: MeetingDetail }) {
  const m = d.minutes;
  if (d.status !== 'held') return null;
  if (!m?.lockedAt) {
    return (
      <section className="m-card" aria-labelledby="m-mt-minutes">
        <h2 id="m-mt-minutes">会议记录</h2>
        <p className="m-mt-empty">会议记录经主持人和记录人确认后，可在这里查看。</p>
      </section>
    );
  }
  return (
    <section className="m-card" aria-labelledby="m-mt-minutes" data-testid="meeting-minutes">
      <h2 id="m-mt-minutes">会议记录</h2>
      <p className="m-mt-hint">已于 {formatDateTime(m.lockedAt)} 经主持人、记录人确认。</p>
      {m.agenda.trim() && (
        <>
          <h3 className="m-mt-h3">议程</h3>
          <p className="m-mt-pre">{m.agenda}</p>
        </>
      )}
      {m.resolutions.length > 0 && (
        <>
          <h3 className="m-mt-h3">决议</h3>
          <ol className="m-mt-resolutions">
            {m.resolutions.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ol>
        </>
      )}
      {m.record.trim() && (
        <>
          <h3 className="m-mt-h3">记录</h3>
          {/* sanitised on save by the server (RECORD_TAGS only) */}
          <div className="m-mt-record" dangerouslySetInnerHTML={{ __html: m.record }} />
        </>
      )}
      {d.corrections.length > 0 && (
        <>
          <h3 className="m-mt-h3">更正说明</h3>
          <ul className="m-mt-corrections">
            {d.corrections.map((c, i) => (
              <li key={i}>
                <p className="m-mt-pre">{c.body}</p>
                <span className="m-mt-item-sub">
                  {c.actorName} · {formatDateTime(c.recordedAt)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function MobileMeetingsDetailPage() {
  const { id = '' } = useParams();
  const q = useMeeting(id);
  const navigate = useNavigate();
  usePageTitle(q.data?.title ?? '会议');
  const [leaveOpen, setLeaveOpen] = useState(false);

  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => q.refetch()} title="会议加载失败" />;
  const d = q.data;
  const mine = d.me.attendee;
  const leaveOk = canAskLeave(d.status, d.minutesLocked, mine);

  return (
    <>
      <section className="m-card" aria-labelledby="m-mt-head">
        <h1 id="m-mt-head" className="m-mt-detail-title">
          {d.title}
        </h1>
        <div className="m-mt-tags">
          <Tag>{MEETING_TYPES[d.type]}</Tag>
          <Tag color={STATUS_COLOR[d.status]}>{MEETING_STATUSES[d.status]}</Tag>
        </div>
        <dl className="m-rows">
          <Row label="日期">{meetingDate(d.heldOn ?? d.plannedDate)}</Row>
          {(d.startsAt || d.status === 'planned') && <Row label="时间">{meetingTime(d.startsAt, d.endsAt)}</Row>}
          <Row label="地点">{d.location ?? '—'}</Row>
          <Row label="召开组织">{d.orgName}</Row>
          {d.hostName && <Row label="主持人">{d.hostName}</Row>}
          {d.recorderName && <Row label="记录人">{d.recorderName}</Row>}
          {d.lecturer && <Row label="授课人">{d.lecturer}</Row>}
          {d.topic && <Row label="主题">{d.topic}</Row>}
          {d.cancelledReason && <Row label="取消原因">{d.cancelledReason}</Row>}
        </dl>
        {d.externalUrl && d.status !== 'cancelled' && (
          <Button type="primary" className="m-action m-mt-gap" icon={<LinkOutlined />} href={d.externalUrl} target="_blank" rel="noopener noreferrer">
            进入会议链接
          </Button>
        )}
        {d.startsAt && d.status !== 'cancelled' && !d.minutesLocked && (
          <Button className="m-action m-mt-gap" icon={<VideoCameraOutlined />} onClick={() => void navigate(`/m/meetings/${d.id}/room`)}>
            视频会议室（远程参会）
          </Button>
        )}
        {d.me.canManage && d.status !== 'cancelled' && (
          <Button className="m-action m-mt-gap" icon={<QrcodeOutlined />} onClick={() => void navigate(`/m/meetings/${d.id}/host`)}>
            签到与考勤（主持）
          </Button>
        )}
      </section>

      <section className="m-card" aria-labelledby="m-mt-mine">
        <div className="m-mt-item-head">
          <h2 id="m-mt-mine" style={{ margin: 0 }}>
            我的出席
          </h2>
          <MyStatusTag mine={mine} status={d.status} />
        </div>
        <p className="m-mt-sentence" data-testid="my-meeting-sentence">
          {mineSentence(d)}
        </p>
        {mine && (mine.method || mine.leaveReason || mine.leaveNote) && (
          <dl className="m-rows">
            {mine.method && <Row label="登记方式">{SIGN_METHODS[mine.method]}</Row>}
            {mine.signedAt && <Row label="签到时间">{formatDateTime(mine.signedAt)}</Row>}
            {mine.leaveReason && <Row label="请假事由">{mine.leaveReason}</Row>}
            {mine.leaveNote && <Row label="支部说明">{mine.leaveNote}</Row>}
          </dl>
        )}
        <SignInHint d={d} />
        {leaveOk && (
          <Button className="m-action m-mt-gap" onClick={() => setLeaveOpen(true)}>
            {leaveButtonText(mine)}
          </Button>
        )}
      </section>

      <Minutes d={d} />
      <Link to="/m/meetings" className="m-mt-back">
        返回会议列表
      </Link>
      {leaveOpen && <LeaveSheet meetingId={d.id} title={`${d.title}（${meetingDate(d.plannedDate)}）`} onClose={() => setLeaveOpen(false)} />}
    </>
  );
}
