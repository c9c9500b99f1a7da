import { useState } from 'react';
import { App, Button, Tag } from 'antd';
import { CalendarOutlined, EnvironmentOutlined, QrcodeOutlined, RightOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { MEETING_STATUSES, MEETING_TYPES, type MeetingStatus } from '../../../contracts/meeting';
import { errorMessage } from '../../shared/api';
import { todayShanghai } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { useCalendarFeed, useCreateCalendarFeed, useMeetings, useMyMeetings, useRevokeCalendarFeed, type MyMeetings } from '../meeting/api';
import { canAskLeave, LeaveSheet, leaveButtonText, meetingDate, meetingTime, MyStatusTag } from './MobileMeetingsShared';
import { MobileError, MobileLoading } from './MobileStates';
import './meetings.css';

// 组织生活 on the phone: the member's upcoming meetings (with 请假), the past
// year's, and the calendar subscription; for those who run meetings, the
// branch's meetings of the coming days with the way to the host's page.

type Item = MyMeetings['upcoming'][number];
const PAST_PAGE = 10;

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Past meetings read as done, cancelled, or not yet recorded (planned, the day gone). */
const PAST_STATUS: Record<MeetingStatus, { text: string; color: string }> = {
  held: { text: MEETING_STATUSES.held, color: 'success' },
  cancelled: { text: MEETING_STATUSES.cancelled, color: 'default' },
  planned: { text: '待记录', color: 'default' },
};

function WhenWhere({ m }: { m: Pick<Item, 'plannedDate' | 'heldOn' | 'startsAt' | 'endsAt' | 'location' | 'status'> }) {
  return (
    <>
      <div className="m-mt-line">
        <CalendarOutlined aria-hidden /> {meetingDate(m.heldOn ?? m.plannedDate)} {m.status === 'planned' && meetingTime(m.startsAt, m.endsAt)}
      </div>
      {m.location && (
        <div className="m-mt-line">
          <EnvironmentOutlined aria-hidden /> {m.location}
        </div>
      )}
    </>
  );
}

function Upcoming({ items, onLeave }: { items: Item[]; onLeave: (m: Item) => void }) {
  return (
    <section className="m-card" aria-labelledby="m-mt-upcoming">
      <h2 id="m-mt-upcoming">即将召开</h2>
      {items.length === 0 ? (
        <p className="m-mt-empty">近期没有需要参加的会议。支部发出会议通知后，会议会显示在这里。</p>
      ) : (
        <ul className="m-mt-list" data-testid="my-upcoming-meetings">
          {items.map((m) => (
            <li key={m.id} className="m-mt-item">
              <Link to={`/m/meetings/${m.id}`} className="m-mt-item-link">
                <div className="m-mt-item-head">
                  <span className="m-mt-item-title">{m.title}</span>
                  <MyStatusTag mine={m} status={m.status} />
                </div>
                <div className="m-mt-item-sub">
                  {MEETING_TYPES[m.type]} · {m.orgName}
                </div>
                <WhenWhere m={m} />
              </Link>
              {canAskLeave(m.status, m.minutesLocked, m) && (
                <Button className="m-mt-item-action" onClick={() => onLeave(m)}>
                  {leaveButtonText(m)}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Past({ items }: { items: Item[] }) {
  const [shown, setShown] = useState(PAST_PAGE);
  return (
    <section className="m-card" aria-labelledby="m-mt-past">
      <h2 id="m-mt-past">往期会议</h2>
      {items.length === 0 ? (
        <p className="m-mt-empty">近一年没有会议记录。</p>
      ) : (
        <>
          <ul className="m-mt-list" data-testid="my-past-meetings">
            {items.slice(0, shown).map((m) => (
              <li key={m.id} className="m-mt-item">
                <Link to={`/m/meetings/${m.id}`} className="m-mt-item-link">
                  <div className="m-mt-item-head">
                    <span className="m-mt-item-title">{m.title}</span>
                    <Tag color={PAST_STATUS[m.status].color} style={{ marginInlineEnd: 0 }}>
                      {PAST_STATUS[m.status].text}
                    </Tag>
                  </div>
                  <div className="m-mt-item-sub">
                    {MEETING_TYPES[m.type]} · {meetingDate(m.heldOn ?? m.plannedDate)}
                  </div>
                  {m.status !== 'cancelled' && (
                    <div className="m-mt-line">
                      我的出席：<MyStatusTag mine={m} status={m.status} />
                      {m.minutesLocked && <span className="m-mt-minutes-note">可查看会议记录</span>}
                    </div>
                  )}
                </Link>
              </li>
            ))}
          </ul>
          {items.length > shown && (
            <Button type="link" className="m-mt-more" onClick={() => setShown((n) => n + PAST_PAGE)}>
              显示更多（还有 {items.length - shown} 次）
            </Button>
          )}
        </>
      )}
    </section>
  );
}

/** Copies text; the async clipboard needs a secure context and permission, the fallback selects a hidden field. */
async function copyText(text: string) {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    /* fall back below */
  }
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.appendChild(field);
  field.select();
  const ok = document.execCommand('copy');
  field.remove();
  if (!ok) throw new Error('copy');
}

/** 日历订阅: a secret address the phone's calendar subscribes to (meetings appear and update by themselves). */
function CalendarCard() {
  const { message, modal } = App.useApp();
  const feed = useCalendarFeed();
  const create = useCreateCalendarFeed();
  const revoke = useRevokeCalendarFeed();
  const url = feed.data?.active && feed.data.url ? `${window.location.origin}${feed.data.url}` : null;
  const webcal = feed.data?.url ? `webcal://${window.location.host}${feed.data.url}` : null;

  const generate = () => create.mutate(undefined, { onError: (e) => void message.error(`生成失败：${errorMessage(e)}`) });
  const rotate = () =>
    modal.confirm({
      title: '更换订阅地址？',
      content: '更换后旧地址立即停止工作，已用旧地址订阅的日历将不再更新，需要用新地址重新订阅。',
      okText: '更换地址',
      cancelText: '不更换',
      onOk: () =>
        create.mutateAsync(undefined, { onSuccess: () => void message.success('已更换，请用新地址重新订阅'), onError: (e) => void message.error(`更换失败：${errorMessage(e)}`) }).catch(() => undefined),
    });
  const stop = () =>
    modal.confirm({
      title: '停用日历订阅？',
      content: '停用后订阅地址立即失效，手机日历中的会议将不再更新。需要时可以重新生成。',
      okText: '停用',
      okButtonProps: { danger: true },
      cancelText: '不停用',
      onOk: () => revoke.mutateAsync(undefined, { onSuccess: () => void message.success('日历订阅已停用'), onError: (e) => void message.error(`停用失败：${errorMessage(e)}`) }).catch(() => undefined),
    });
  const copy = () => {
    if (!url) return;
    copyText(url).then(
      () => void message.success('订阅地址已复制'),
      () => void message.warning('复制失败，请长按地址手动复制'),
    );
  };

  return (
    <section className="m-card" aria-labelledby="m-mt-calendar" data-testid="calendar-feed">
      <h2 id="m-mt-calendar">日历订阅</h2>
      {feed.isPending ? (
        <p className="m-mt-empty">正在加载…</p>
      ) : feed.isError ? (
        <MobileError error={feed.error} onRetry={() => feed.refetch()} title="订阅信息加载失败" />
      ) : !url ? (
        <>
          <p className="m-mt-hint">把会议加入手机日历：生成您的专属订阅地址，在手机日历中订阅后，会议安排和变动会自动出现在日历里。</p>
          <Button type="primary" className="m-action" onClick={generate} loading={create.isPending}>
            生成订阅地址
          </Button>
        </>
      ) : (
        <>
          <p className="m-mt-hint">在手机上点击“添加到手机日历”，或复制地址到日历应用的“添加订阅日历”中。</p>
          <div className="m-mt-feed-url" data-testid="calendar-feed-url">
            {url}
          </div>
          <div className="m-mt-buttons">
            <Button className="m-mt-half" onClick={copy}>
              复制地址
            </Button>
            <Button type="primary" className="m-mt-half" href={webcal ?? undefined}>
              添加到手机日历
            </Button>
          </div>
          <p className="m-mt-hint m-mt-warn">此地址相当于您的专属密码，请勿转发给他人。如已泄露，请更换地址。</p>
          <div className="m-mt-buttons">
            <Button className="m-mt-half" onClick={rotate} loading={create.isPending}>
              更换地址
            </Button>
            <Button danger className="m-mt-half" onClick={stop} loading={revoke.isPending}>
              停用
            </Button>
          </div>
        </>
      )}
    </section>
  );
}

/** For those who run meetings: the coming days' meetings in their scope, each with the way to 签到与考勤. */
function HostingCard() {
  const today = todayShanghai();
  const list = useMeetings({ from: addDays(today, -1), to: addDays(today, 14), page: 1, pageSize: 20 });
  const items = (list.data?.items ?? [])
    .filter((m) => m.status !== 'cancelled' && !m.minutesLocked)
    .sort((a, b) => (a.plannedDate + (a.startsAt ?? '') < b.plannedDate + (b.startsAt ?? '') ? -1 : 1));
  return (
    <section className="m-card" aria-labelledby="m-mt-hosting">
      <h2 id="m-mt-hosting">主持会议</h2>
      {list.isPending ? (
        <p className="m-mt-empty">正在加载…</p>
      ) : list.isError ? (
        <MobileError error={list.error} onRetry={() => list.refetch()} title="会议加载失败" />
      ) : items.length === 0 ? (
        <p className="m-mt-empty">近两周没有安排会议。安排会议请在电脑上的管理端操作。</p>
      ) : (
        <ul className="m-mt-list" data-testid="hosting-meetings">
          {items.map((m) => (
            <li key={m.id}>
              <Link to={`/m/meetings/${m.id}/host`} className="m-mt-host-link">
                <span className="m-mt-item-title">{m.title}</span>
                <span className="m-mt-item-sub">
                  {meetingDate(m.plannedDate)} {meetingTime(m.startsAt, m.endsAt)}
                </span>
                <span className="m-mt-item-sub">
                  {m.orgName}
                  {m.present + m.onLeave > 0 && ` · 出席 ${m.present} · 请假 ${m.onLeave}`}
                </span>
                <span className="m-mt-host-go">
                  <QrcodeOutlined aria-hidden /> 签到二维码与考勤 <RightOutlined aria-hidden />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function MobileMeetingsPage() {
  usePageTitle('组织生活');
  const me = useMe().data!;
  const mine = useMyMeetings();
  const [leaveFor, setLeaveFor] = useState<Item | null>(null);
  const hosts = can(me, 'meeting.manage', 'meeting.read');
  // an account without a member record (an officer) may still host meetings: then only that card
  const hostOnly = hosts && !me.personId;

  return (
    <>
      <h1 className="m-mt-title">组织生活</h1>
      {hosts && <HostingCard />}
      {hostOnly ? null : mine.isPending ? (
        <MobileLoading />
      ) : mine.isError ? (
        <MobileError error={mine.error} onRetry={() => mine.refetch()} title="我的会议加载失败" />
      ) : (
        <>
          <Upcoming items={mine.data.upcoming} onLeave={setLeaveFor} />
          <Past items={mine.data.past} />
          <CalendarCard />
        </>
      )}
      {leaveFor && <LeaveSheet meetingId={leaveFor.id} title={`${leaveFor.title}（${meetingDate(leaveFor.plannedDate)}）`} onClose={() => setLeaveFor(null)} />}
    </>
  );
}
