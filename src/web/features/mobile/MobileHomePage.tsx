import { Button } from 'antd';
import { RightOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { can, useMe } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { useMyMeetings } from '../meeting/api';
import { PROJECT_LEVELS } from '../../../contracts/project';
import { useProjects } from '../project/api';
import { useMarkRead, useNotifications } from '../notification/api';
import { NotificationItems } from '../notification/NotificationList';
import { isNoProfile, useMyDevelopment, useMyProfile } from './api';
import { DevelopmentTodoCard } from './MyDevelopment';
import { MobileError, MobileLoading } from './MobileStates';
import './projects.css';
import { meetingDate, meetingTime, MyStatusTag } from './MobileMeetingsShared';

function greeting(hour: number) {
  if (hour < 11) return '早上好';
  if (hour < 13) return '中午好';
  if (hour < 18) return '下午好';
  return '晚上好';
}

/** 组织生活: the next meeting the member is expected at, and the way to all of them. */
function NextMeetingCard() {
  const q = useMyMeetings();
  const next = q.data?.upcoming[0];
  if (q.isError) return null; // the 组织生活 tab says why
  return (
    <section className="m-card" aria-labelledby="m-next-meeting">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <h2 id="m-next-meeting" style={{ margin: 0 }}>
          近期会议
        </h2>
        <Link to="/m/meetings" style={{ minHeight: 44, display: 'inline-flex', alignItems: 'center', gap: 4 }}>
          全部会议 <RightOutlined />
        </Link>
      </div>
      {q.isPending ? (
        <div style={{ color: '#8c8c8c' }}>正在加载…</div>
      ) : !next ? (
        <p style={{ color: '#8c8c8c', margin: '8px 0 0' }}>近期没有需要参加的会议。</p>
      ) : (
        <Link to={`/m/meetings/${next.id}`} style={{ display: 'block', color: 'inherit', marginTop: 8 }} data-testid="next-meeting">
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'flex-start' }}>
            <strong style={{ minWidth: 0, wordBreak: 'break-word' }}>{next.title}</strong>
            <MyStatusTag mine={next} status={next.status} />
          </div>
          <div style={{ color: '#595959', fontSize: 14, marginTop: 4 }}>
            {meetingDate(next.plannedDate)} {meetingTime(next.startsAt, next.endsAt)}
            {next.location ? ` · ${next.location}` : ''}
          </div>
          {q.data.upcoming.length > 1 && <div style={{ color: '#8c8c8c', fontSize: 13, marginTop: 4 }}>另有 {q.data.upcoming.length - 1} 次会议待参加</div>}
        </Link>
      )}
    </section>
  );
}

/** 重点项目 for those who report on them: the warnings of the projects in progress, and the way to 登记进展. */
function ProjectsCard() {
  const q = useProjects({ status: 'active', page: 1, pageSize: 1 });
  if (q.isError) return null; // the 重点项目 page says why
  const c = q.data?.counts;
  const total = q.data?.total ?? 0;
  const warned = c ? (['error', 'warning', 'info'] as const).filter((k) => c[k] > 0).map((k) => `${PROJECT_LEVELS[k]} ${c[k]} 个`) : [];
  return (
    <section className="m-card" aria-labelledby="m-projects">
      <Link to="/m/projects" className="m-pj-home-link" data-testid="home-projects">
        <h2 id="m-projects" style={{ margin: 0 }}>
          重点项目
        </h2>
        <span className="m-pj-home-go">
          登记进展 <RightOutlined />
        </span>
      </Link>
      <p style={{ color: '#595959', margin: '8px 0 0' }}>
        {!c
          ? '正在加载…'
          : total === 0
            ? '管理范围内没有推进中的项目。'
            : `推进中 ${total} 个${warned.length ? `，其中${warned.join('、')}` : '，进度均正常'}。`}
      </p>
    </section>
  );
}

export function MobileHomePage() {
  usePageTitle('首页');
  const me = useMe().data!;
  const selfRead = can(me, 'self.read');
  const profile = useMyProfile(selfRead);
  const dev = useMyDevelopment(selfRead);
  const file = dev.data?.file ?? null;
  // an applicant has no member profile (404): the branch comes from the development file
  const noProfile = profile.isError && isNoProfile(profile.error);
  const orgName = profile.data?.orgName ?? file?.orgName;
  const notes = useNotifications({ unreadOnly: true, pageSize: 10 });
  const markAll = useMarkRead();
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));

  return (
    <>
      <section className="m-hero" aria-label="问候">
        <div className="m-hero-name">
          {greeting(hour)}，{me.displayName}
        </div>
        <div className="m-hero-sub">{orgName ?? (profile.isPending || (noProfile && dev.isPending) ? '　' : '欢迎使用智慧党建')}</div>
      </section>

      {file?.state === 'open' && dev.data && <DevelopmentTodoCard dev={dev.data} />}

      {me.personId && !noProfile && <NextMeetingCard />}

      {can(me, 'project.manage') && <ProjectsCard />}

      <section className="m-card" aria-labelledby="m-branch">
        <h2 id="m-branch">我的支部</h2>
        {profile.isPending || (noProfile && dev.isPending) ? (
          <div style={{ color: '#8c8c8c' }}>正在加载…</div>
        ) : noProfile && file ? (
          <dl className="m-rows">
            <div className="m-row">
              <dt>所在党支部</dt>
              <dd>{file.orgName}</dd>
            </div>
          </dl>
        ) : profile.isError ? (
          <MobileError error={profile.error} onRetry={() => profile.refetch()} title="支部信息加载失败" />
        ) : (
          <dl className="m-rows">
            <div className="m-row">
              <dt>所在党支部</dt>
              <dd>{profile.data.orgName ?? '—'}</dd>
            </div>
            {profile.data.orgPath.length > 1 && (
              <div className="m-row">
                <dt>上级党组织</dt>
                <dd>{profile.data.orgPath.at(-2)?.name}</dd>
              </div>
            )}
          </dl>
        )}
      </section>

      <section className="m-card" aria-labelledby="m-notes">
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <h2 id="m-notes" style={{ margin: 0 }}>
            未读通知{notes.data?.unread ? `（${notes.data.unread}）` : ''}
          </h2>
          {!!notes.data?.unread && (
            <Button type="link" onClick={() => markAll.mutate(undefined)} loading={markAll.isPending} style={{ height: 44 }}>
              全部已读
            </Button>
          )}
        </div>
        {notes.isPending ? (
          <MobileLoading />
        ) : notes.isError ? (
          <MobileError error={notes.error} onRetry={() => notes.refetch()} title="通知加载失败" />
        ) : notes.data.items.length === 0 ? (
          <p style={{ color: '#8c8c8c', margin: '12px 0 0' }}>没有未读通知。支部发布的通知会显示在这里。</p>
        ) : (
          <NotificationItems items={notes.data.items} large />
        )}
      </section>
    </>
  );
}
