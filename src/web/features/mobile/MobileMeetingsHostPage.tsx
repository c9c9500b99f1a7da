import { useEffect, useState } from 'react';
import { App, Button, Tag } from 'antd';
import { CloseOutlined, ExpandOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { ATTENDANCE, ATTENDEE_KINDS, LEAVE_STATUSES, SIGN_METHODS, type AttendeeView } from '../../../contracts/meeting';
import { ApiError, errorMessage } from '../../shared/api';
import { todayShanghai } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { useDecideLeave, useMarkAttendance, useMeeting, useSignInCode, type MeetingDetail, type SignInCode } from '../meeting/api';
import { clock, clockSeconds, meetingDate, meetingTime, shortDateTime } from './MobileMeetingsShared';
import { MobileError, MobileLoading } from './MobileStates';
import './meetings.css';
import { useQrImage } from '../../shared/qr';

// The secretary's phone at the meeting (签到与考勤): the sign-in QR code to
// show the room (it rotates with the server's token), the roll to tap present
// or absent — signing in is optional, marking is always possible (RULES §8) —
// and the leave requests still waiting for an answer.

/** How often the roll is read again while the code is shown (members signing in). */
const ROLL_REFRESH_MS = 15_000;

function QrFigure({ img, code, big = false }: { img: string | null; code: SignInCode; big?: boolean }) {
  return (
    <figure className={big ? 'm-mt-qr m-mt-qr-big' : 'm-mt-qr'}>
      {img ? <img src={img} alt="签到二维码" data-testid="sign-in-qr" /> : <div className="m-mt-qr-wait">正在生成二维码…</div>}
      <figcaption>
        <strong>请用手机扫码签到</strong>
        <span data-testid="sign-in-qr-expiry">
          二维码 {clockSeconds(code.expiresAt)} 前有效，每 {code.refreshSeconds} 秒自动更新
        </span>
      </figcaption>
    </figure>
  );
}

function QrCard({ d }: { d: MeetingDetail }) {
  const qc = useQueryClient();
  const enabled = d.status !== 'cancelled' && !d.minutesLocked;
  const code = useSignInCode(d.id, enabled);
  const [full, setFull] = useState(false);
  const absolute = code.data && !code.isError ? `${window.location.origin}${code.data.url}` : null;
  const img = useQrImage(absolute);
  const showing = !!absolute;
  const opensAt = d.signInWindow?.opensAt ?? null;
  const { refetch } = code;

  // members sign in while the code is shown: read the roll again now and then
  useEffect(() => {
    if (!showing) return;
    const t = setInterval(() => void qc.invalidateQueries({ queryKey: ['meetings', 'detail', d.id], exact: true }), ROLL_REFRESH_MS);
    return () => clearInterval(t);
  }, [showing, qc, d.id]);
  // before the window opens the page waits and shows the code when it does (a day at most)
  useEffect(() => {
    if (showing || !opensAt) return;
    const wait = new Date(opensAt).getTime() - Date.now();
    if (wait <= 0 || wait > 24 * 3600_000) return;
    const t = setTimeout(() => void refetch(), wait + 1000);
    return () => clearTimeout(t);
  }, [showing, opensAt, refetch]);

  if (!enabled) return null;
  let body;
  if (code.isPending) body = <p className="m-mt-empty">正在获取签到二维码…</p>;
  else if (code.isError) {
    const closed = code.error instanceof ApiError && code.error.code === 'SIGNIN_CLOSED';
    const w = d.signInWindow;
    const late = w ? Date.now() > new Date(w.closesAt).getTime() : false;
    body = (
      <div className="m-mt-closed" role="status" data-testid="sign-in-closed">
        <p className="m-mt-closed-title">{closed ? (w ? (late ? '签到已结束' : '还没有到签到时间') : '会议还没有开始时间') : '签到二维码获取失败'}</p>
        <p>{closed && w ? `签到时间为 ${shortDateTime(w.opensAt)} 至 ${clock(w.closesAt)}。${late ? '' : '到签到时间后，这里会显示二维码。'}` : `${errorMessage(code.error).replace(/[。.]$/, '')}。`}</p>
        <p className="m-mt-hint">签到不是必须的：{d.status === 'planned' && d.plannedDate > todayShanghai() ? '会议当天起' : '您可以随时'}在下方登记出席情况。</p>
        {!closed && (
          <Button className="m-action" onClick={() => void refetch()} loading={code.isFetching}>
            重新获取
          </Button>
        )}
      </div>
    );
  } else
    body = (
      <>
        <QrFigure img={img} code={code.data} />
        <Button type="primary" className="m-action" icon={<ExpandOutlined />} onClick={() => setFull(true)}>
          全屏显示
        </Button>
      </>
    );

  return (
    <section className="m-card" aria-labelledby="m-mt-qr">
      <h2 id="m-mt-qr">签到二维码</h2>
      {body}
      {full && code.data && !code.isError && (
        <div className="m-mt-fullscreen" role="dialog" aria-modal="true" aria-label="签到二维码（全屏）">
          <p className="m-mt-fullscreen-title">{d.title}</p>
          <QrFigure img={img} code={code.data} big />
          <Button size="large" icon={<CloseOutlined />} onClick={() => setFull(false)} className="m-mt-fullscreen-close">
            退出全屏
          </Button>
        </div>
      )}
    </section>
  );
}

function attendeeSub(a: AttendeeView): string {
  const parts: string[] = [ATTENDEE_KINDS[a.kind]];
  if (a.attendance === 'present' && a.method) parts.push(a.method === 'qr' && a.signedAt ? `${SIGN_METHODS.qr} ${clock(a.signedAt)}` : SIGN_METHODS[a.method]);
  if (a.leaveStatus) parts.push(LEAVE_STATUSES[a.leaveStatus]);
  return parts.join(' · ');
}

function Roll({ d }: { d: MeetingDetail }) {
  const { message } = App.useApp();
  const markAttendance = useMarkAttendance(d.id);
  const today = todayShanghai();
  const locked = d.minutesLocked || d.status === 'cancelled';
  const early = d.status === 'planned' && d.plannedDate > today;
  const canMark = !locked && !early;
  // counted here for the meeting in progress: the server's summary reads everyone not present as absent (the rate of a held meeting)
  const count = (f: (a: AttendeeView) => boolean) => d.attendeeList.filter(f).length;
  const onLeave = (a: AttendeeView) => a.leaveStatus === 'approved' && a.attendance !== 'present';
  const mark = (a: AttendeeView, attendance: 'present' | 'absent') => {
    if (a.attendance === attendance) return;
    markAttendance.mutate({ marks: [{ personId: a.personId, attendance }] }, { onError: (e) => void message.error(`登记失败：${errorMessage(e)}`) });
  };
  const busy = (personId: string) => markAttendance.isPending && markAttendance.variables?.marks[0]?.personId === personId;

  return (
    <section className="m-card" aria-labelledby="m-mt-roll">
      <h2 id="m-mt-roll">出席登记</h2>
      <div className="m-mt-counts" data-testid="roll-counts">
        <span>应到 {d.attendeeList.length}</span>
        <span>出席 {count((a) => a.attendance === 'present')}</span>
        <span>请假 {count(onLeave)}</span>
        <span>缺席 {count((a) => a.attendance === 'absent' && !onLeave(a))}</span>
        <span>未登记 {count((a) => a.attendance === 'expected' && !onLeave(a))}</span>
      </div>
      {locked ? (
        <p className="m-mt-hint">{d.status === 'cancelled' ? '会议已取消。' : '会议记录已确认锁定，出席情况不能再修改。'}</p>
      ) : early ? (
        <p className="m-mt-hint">会议当天起可以登记出席。</p>
      ) : (
        <p className="m-mt-hint">点“出席”或“缺席”登记；扫码签到的会自动显示为出席。</p>
      )}
      {d.attendeeList.length === 0 ? (
        <p className="m-mt-empty">参会名单还没有生成：发出会议通知或第一位党员签到时，会按党员名册生成。</p>
      ) : (
        <ul className="m-mt-roll" data-testid="roll">
          {d.attendeeList.map((a) => (
            <li key={a.personId} className="m-mt-att" data-person={a.personId} data-attendance={a.attendance}>
              <div className="m-mt-att-who">
                <span className="m-mt-att-name">{a.name}</span>
                <span className="m-mt-item-sub">{attendeeSub(a)}</span>
              </div>
              {canMark ? (
                <div className="m-mt-att-buttons" role="group" aria-label={`${a.name}的出席情况`}>
                  <Button type={a.attendance === 'present' ? 'primary' : 'default'} aria-pressed={a.attendance === 'present'} onClick={() => mark(a, 'present')} loading={busy(a.personId) && markAttendance.variables?.marks[0]?.attendance === 'present'}>
                    出席
                  </Button>
                  <Button type={a.attendance === 'absent' ? 'primary' : 'default'} danger={a.attendance === 'absent'} aria-pressed={a.attendance === 'absent'} onClick={() => mark(a, 'absent')} loading={busy(a.personId) && markAttendance.variables?.marks[0]?.attendance === 'absent'}>
                    缺席
                  </Button>
                </div>
              ) : (
                <Tag style={{ marginInlineEnd: 0 }}>{ATTENDANCE[a.attendance]}</Tag>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function LeaveRequests({ d }: { d: MeetingDetail }) {
  const { message, modal } = App.useApp();
  const decide = useDecideLeave(d.id);
  const pending = d.attendeeList.filter((a) => a.leaveStatus === 'requested');
  if (pending.length === 0 || d.minutesLocked || d.status === 'cancelled') return null;
  const approve = (a: AttendeeView) => decide.mutate({ personId: a.personId, approve: true }, { onSuccess: () => void message.success(`已准假：${a.name}`), onError: (e) => void message.error(`审批失败：${errorMessage(e)}`) });
  const reject = (a: AttendeeView) =>
    modal.confirm({
      title: `不准${a.name}的假？`,
      content: '将通知本人按时参加会议。',
      okText: '不准假',
      okButtonProps: { danger: true },
      cancelText: '再想想',
      onOk: () => decide.mutateAsync({ personId: a.personId, approve: false }, { onSuccess: () => void message.success(`已通知${a.name}按时参会`), onError: (e) => void message.error(`审批失败：${errorMessage(e)}`) }).catch(() => undefined),
    });
  const busy = (a: AttendeeView) => decide.isPending && decide.variables?.personId === a.personId;
  return (
    <section className="m-card" aria-labelledby="m-mt-leaves">
      <h2 id="m-mt-leaves">待审批请假（{pending.length}）</h2>
      <ul className="m-mt-list" data-testid="pending-leaves">
        {pending.map((a) => (
          <li key={a.personId} className="m-mt-item">
            <div className="m-mt-item-head">
              <span className="m-mt-item-title">{a.name}</span>
              <Tag color="warning" style={{ marginInlineEnd: 0 }}>
                {LEAVE_STATUSES.requested}
              </Tag>
            </div>
            <p className="m-mt-sentence">事由：{a.leaveReason ?? '—'}</p>
            <div className="m-mt-buttons">
              <Button type="primary" className="m-mt-half" onClick={() => approve(a)} loading={busy(a) && decide.variables?.approve === true}>
                准假
              </Button>
              <Button className="m-mt-half" onClick={() => reject(a)} loading={busy(a) && decide.variables?.approve === false}>
                不准假
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function MobileMeetingsHostPage() {
  const { id = '' } = useParams();
  const me = useMe().data!;
  const navigate = useNavigate();
  const may = can(me, 'meeting.manage');
  const q = useMeeting(may ? id : undefined);
  usePageTitle('签到与考勤');

  if (!may) {
    return (
      <section className="m-card" role="alert">
        <h2>签到与考勤</h2>
        <p className="m-mt-hint">只有会议的组织者（支部书记、党务工作者）可以在这里展示签到二维码、登记出席。</p>
        <Button className="m-action" onClick={() => void navigate(`/m/meetings/${id}`)}>
          查看会议
        </Button>
      </section>
    );
  }
  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => q.refetch()} title="会议加载失败" />;
  const d = q.data;
  if (!d.me.canManage) {
    return (
      <section className="m-card" role="alert">
        <h2>{d.title}</h2>
        <p className="m-mt-hint">这次会议不在您的管理范围内，请由召开会议的组织办理签到与考勤。</p>
        <Button className="m-action" onClick={() => void navigate(`/m/meetings/${id}`)}>
          查看会议
        </Button>
      </section>
    );
  }
  return (
    <>
      <section className="m-card m-mt-host-head" aria-label="会议">
        <h1 className="m-mt-detail-title">{d.title}</h1>
        <div className="m-mt-item-sub">
          {meetingDate(d.plannedDate)} {meetingTime(d.startsAt, d.endsAt)}
          {d.location ? ` · ${d.location}` : ''}
        </div>
      </section>
      <QrCard d={d} />
      <LeaveRequests d={d} />
      <Roll d={d} />
      <Button className="m-action" onClick={() => void navigate(`/m/meetings/${id}`)}>
        返回会议
      </Button>
    </>
  );
}
