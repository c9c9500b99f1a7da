import { Alert, App, Button, Tag } from 'antd';
import { ClockCircleOutlined, DownloadOutlined, EnvironmentOutlined, TeamOutlined } from '@ant-design/icons';
import { SIGNUP_STATUSES, VOLUNTEER_SKILLS } from '../../../contracts/volunteer';
import { errorMessage } from '../../shared/api';
import { todayShanghai } from '../../shared/dates';
import { usePageTitle } from '../../shared/use-title';
import { activityTime, certificateUrl, hoursText, useMyVolunteer, useSignUp, useWithdraw, type OpenActivityView } from '../volunteer/api';
import { MobileError, MobileLoading } from './MobileStates';
import './volunteer.css';

// 志愿服务 on the phone, for members and residents alike: my hours (this year
// and in all), the activities open to me (报名, 取消报名 before the start), my
// places with their status and hours, and the year's 志愿服务记录证明 (PDF).

const STATUS_COLORS: Record<keyof typeof SIGNUP_STATUSES, string> = { signed_up: 'processing', withdrawn: 'default', attested: 'success', absent: 'warning' };

function Facts({ a }: { a: OpenActivityView }) {
  return (
    <>
      <div className="m-vl-line">
        <ClockCircleOutlined />
        {activityTime(a)}
      </div>
      <div className="m-vl-line">
        <EnvironmentOutlined />
        {a.place}
      </div>
      <div className="m-vl-line">
        <TeamOutlined />
        {a.orgName}
      </div>
    </>
  );
}

function OpenCard({ a, busy, onSignUp, onWithdraw }: { a: OpenActivityView; busy: boolean; onSignUp: () => void; onWithdraw: (signupId: string) => void }) {
  const signed = a.mySignup?.status === 'signed_up';
  const started = Date.parse(a.startsAt) <= Date.now();
  const full = a.signedUp >= a.capacity;
  return (
    <li className="m-card m-vl-item" data-testid="m-volunteer-activity" data-id={a.id}>
      <div className="m-vl-head">
        <span className="m-vl-name">{a.title}</span>
        <Tag color={full ? 'default' : 'red'} data-testid="m-volunteer-count">
          已报名 {a.signedUp}/{a.capacity}
        </Tag>
      </div>
      <Facts a={a} />
      {a.description && <div className="m-vl-line">{a.description}</div>}
      {a.skills.length > 0 && (
        <div className="m-vl-tags">
          {a.skills.map((s) => (
            <Tag key={s} color="blue">
              {VOLUNTEER_SKILLS[s]}
            </Tag>
          ))}
        </div>
      )}
      {signed ? (
        <div className="m-vl-buttons">
          <Button disabled data-testid="m-volunteer-signed">
            已报名
          </Button>
          {!started && (
            <Button danger loading={busy} onClick={() => onWithdraw(a.mySignup!.id)} aria-label={`取消报名：${a.title}`}>
              取消报名
            </Button>
          )}
        </div>
      ) : started ? (
        <Button className="m-vl-action" disabled>
          活动已开始
        </Button>
      ) : full ? (
        <Button className="m-vl-action" disabled>
          名额已满
        </Button>
      ) : (
        <Button type="primary" className="m-vl-action" loading={busy} onClick={onSignUp} aria-label={`报名：${a.title}`}>
          报名
        </Button>
      )}
    </li>
  );
}

export function MobileVolunteerPage() {
  usePageTitle('志愿服务');
  const { message } = App.useApp();
  const q = useMyVolunteer();
  const signUp = useSignUp();
  const withdraw = useWithdraw();
  const year = Number(todayShanghai().slice(0, 4));

  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => void q.refetch()} title="志愿服务加载失败" />;
  const { upcoming, mine, hoursThisYear, hoursTotal } = q.data;
  const busyId = signUp.isPending ? signUp.variables : withdraw.isPending ? upcoming.find((a) => a.mySignup?.id === withdraw.variables)?.id : undefined;
  const failure = signUp.error ?? withdraw.error;

  return (
    <>
      <section className="m-card" aria-labelledby="m-vl-head" data-testid="my-volunteer-hours">
        <h1 id="m-vl-head" className="m-vl-title">
          志愿服务
        </h1>
        <div className="m-vl-figures">
          <div>
            <strong data-testid="hours-this-year">
              {hoursText(hoursThisYear)}
              <small> 小时</small>
            </strong>
            <span>本年服务时长</span>
          </div>
          <div>
            <strong data-testid="hours-total">
              {hoursText(hoursTotal)}
              <small> 小时</small>
            </strong>
            <span>累计服务时长</span>
          </div>
        </div>
        <Button className="m-vl-cert" icon={<DownloadOutlined />} href={certificateUrl(year)} download={`志愿服务记录证明-${year}.pdf`} data-testid="volunteer-certificate">
          下载志愿服务记录证明
        </Button>
      </section>

      {failure && <Alert type="error" showIcon role="alert" title={errorMessage(failure)} style={{ marginBottom: 12 }} />}

      <h2 className="m-vl-h2">可报名的活动</h2>
      {upcoming.length === 0 ? (
        <section className="m-card">
          <p className="m-vl-empty">暂无可报名的活动。党组织发布志愿服务活动后会显示在这里。</p>
        </section>
      ) : (
        <ul className="m-vl-list" data-testid="m-volunteer-upcoming">
          {upcoming.map((a) => (
            <OpenCard
              key={a.id}
              a={a}
              busy={busyId === a.id}
              onSignUp={() => {
                withdraw.reset();
                signUp.mutate(a.id, { onSuccess: () => void message.success(`已报名：${a.title}`) });
              }}
              onWithdraw={(sid) => {
                signUp.reset();
                withdraw.mutate(sid, { onSuccess: () => void message.success(`已取消报名：${a.title}`) });
              }}
            />
          ))}
        </ul>
      )}

      <h2 className="m-vl-h2">我的报名</h2>
      {mine.length === 0 ? (
        <section className="m-card">
          <p className="m-vl-empty">还没有报名记录。报名参加活动并由组织单位认定时长后，服务时长会计入这里。</p>
        </section>
      ) : (
        <ul className="m-vl-list" data-testid="m-volunteer-mine">
          {mine.map((a) => (
            <li key={`${a.id}:${a.mySignup?.id ?? ''}`} className="m-card m-vl-item" data-testid="m-volunteer-mine-item" data-id={a.id}>
              <div className="m-vl-head">
                <span className="m-vl-name">{a.title}</span>
                {a.status === 'cancelled' ? (
                  <Tag>活动已取消</Tag>
                ) : (
                  a.mySignup && (
                    <Tag color={STATUS_COLORS[a.mySignup.status]} data-testid="m-volunteer-mine-status">
                      {SIGNUP_STATUSES[a.mySignup.status]}
                    </Tag>
                  )
                )}
              </div>
              <Facts a={a} />
              {a.status === 'cancelled' && a.cancelReason && <div className="m-vl-line">取消原因：{a.cancelReason}</div>}
              {a.mySignup?.hours != null && (
                <div className="m-vl-line">
                  认定服务时长 <strong>{hoursText(a.mySignup.hours)} 小时</strong>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
