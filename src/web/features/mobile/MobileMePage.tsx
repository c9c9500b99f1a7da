import { Button, Tag } from 'antd';
import { AimOutlined, GiftOutlined, HeartOutlined, HomeOutlined, KeyOutlined, LogoutOutlined, RightOutlined, SwapOutlined, TrophyOutlined, ScanOutlined, SmileOutlined } from '@ant-design/icons';
import { VideoCameraOutlined } from '@ant-design/icons';
import { useEffect } from 'react';
import { Link, useLocation } from 'react-router';
import { MEMBER_EVENT_REASONS, MEMBER_STATUSES, type MemberEventReason } from '../../../contracts/dict';
import { formatDate } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { useLogout } from '../auth/use-logout';
import { isNoProfile, useMyDevelopment, useMyProfile } from './api';
import { DevelopmentProgress, ReportSection, StatusTag } from './MyDevelopment';
import { MobileError, MobileLoading } from './MobileStates';

const STATUS_COLOR: Record<string, string> = { full: 'red', probationary: 'orange' };

function Row({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <div className="m-row">
      <dt>{label}</dt>
      <dd>{value ?? '—'}</dd>
    </div>
  );
}

export function MobileMePage() {
  usePageTitle('我的');
  const me = useMe().data!;
  const selfRead = can(me, 'self.read');
  const profile = useMyProfile(selfRead);
  const dev = useMyDevelopment(selfRead);
  const logout = useLogout();
  const location = useLocation();
  const p = profile.data;
  const file = dev.data?.file ?? null;
  // an applicant (not yet a Party member) has no member profile: their page is the development file
  const noProfile = profile.isError && isNoProfile(profile.error);
  const waitingForDev = noProfile && dev.isPending;

  // /m/me#progress, /m/me#reports (from the 首页 card): scroll there once the data is in
  const ready = !!file;
  useEffect(() => {
    const id = location.hash.slice(1);
    if (ready && (id === 'progress' || id === 'reports')) document.getElementById(id)?.scrollIntoView({ block: 'start' });
  }, [ready, location.hash]);

  return (
    <>
      {profile.isPending || waitingForDev ? (
        <MobileLoading />
      ) : p ? (
        <section className="m-hero" aria-label="我的基本信息">
          <div className="m-hero-name" data-testid="my-name">
            {p.name}{' '}
            <Tag color={STATUS_COLOR[p.status] ?? 'default'} style={{ verticalAlign: 'middle', marginInlineStart: 6 }}>
              {MEMBER_STATUSES[p.status]}
            </Tag>
          </div>
          <div className="m-hero-sub">{p.orgName ?? '—'}</div>
          <div className="m-hero-sub">党龄 {p.partyAgeYears === null ? '—' : `${p.partyAgeYears} 年`}</div>
        </section>
      ) : noProfile && file ? (
        <section className="m-hero" aria-label="我的基本信息">
          <div className="m-hero-name" data-testid="my-name">
            {file.name}
            <StatusTag file={file} onHero />
          </div>
          <div className="m-hero-sub">{file.orgName}</div>
          <div className="m-hero-sub">递交入党申请书 {file.appliedOn}</div>
        </section>
      ) : (
        profile.isError && <MobileError error={profile.error} onRetry={() => profile.refetch()} title="我的档案" />
      )}

      {dev.isError ? (
        <MobileError error={dev.error} onRetry={() => dev.refetch()} title="入党进度加载失败" />
      ) : (
        dev.data?.file && (
          <>
            <DevelopmentProgress dev={dev.data} />
            <ReportSection dev={dev.data} />
          </>
        )
      )}

      {p && (
        <>
          <section className="m-card" aria-labelledby="m-profile">
            <h2 id="m-profile">我的档案</h2>
            <dl className="m-rows">
              <Row label="所在党支部" value={p.orgName} />
              <Row label="入党日期" value={formatDate(p.joinDate)} />
              <Row label="转正日期" value={formatDate(p.conversionDate)} />
              <Row label="党龄" value={p.partyAgeYears === null ? null : `${p.partyAgeYears} 年`} />
              <Row label="身份证号" value={p.idNumberMasked} />
              <Row label="手机号码" value={p.phoneMasked ?? '未登记'} />
            </dl>
            <p style={{ color: '#8c8c8c', fontSize: 13, margin: '8px 0 0' }}>信息有误请联系支部书记更正。</p>
          </section>

          <section className="m-card" aria-labelledby="m-history">
            <h2 id="m-history">变动记录</h2>
            {p.events.length === 0 ? (
              <p style={{ color: '#8c8c8c', margin: 0 }}>暂无变动记录。</p>
            ) : (
              <ol style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {[...p.events]
                  .sort((a, b) => (a.eventDate < b.eventDate ? 1 : a.eventDate > b.eventDate ? -1 : b.id - a.id))
                  .map((e) => (
                    <li key={e.id} className="m-row" style={{ display: 'block' }}>
                      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                        <strong>{MEMBER_EVENT_REASONS[e.reason as MemberEventReason]?.label ?? e.reason}</strong>
                        <span style={{ color: '#8c8c8c' }}>{e.eventDate}</span>
                      </div>
                      {e.orgName && <div style={{ color: '#595959', fontSize: 14 }}>{e.orgName}</div>}
                      {e.note && <div style={{ color: '#595959', fontSize: 14 }}>{e.note}</div>}
                    </li>
                  ))}
              </ol>
            )}
          </section>
        </>
      )}

      {can(me, 'mall.manage') && (
        <section className="m-card" aria-label="积分商城供应方">
          <Link to="/m/mall/desk" className="m-row" style={{ color: 'inherit', minHeight: 48, alignItems: 'center' }}>
            <span>
              <ScanOutlined /> 领取核销
            </span>
            <span style={{ color: '#8c8c8c', fontSize: 14 }}>
              输入党员出示的兑换码 <RightOutlined style={{ color: '#bfbfbf' }} />
            </span>
          </Link>
        </section>
      )}

      {p && (
        <section className="m-card" aria-label="办事">
          <Link to="/m/points" className="m-row" style={{ color: 'inherit', minHeight: 48, alignItems: 'center' }}>
            <span>
              <TrophyOutlined /> 我的积分
            </span>
            <span style={{ color: '#8c8c8c', fontSize: 14 }}>
              每一笔的事由和来源 <RightOutlined style={{ color: '#bfbfbf' }} />
            </span>
          </Link>
          <Link to="/m/mall" className="m-row" style={{ color: 'inherit', minHeight: 48, alignItems: 'center' }}>
            <span>
              <GiftOutlined /> 积分商城
            </span>
            <span style={{ color: '#8c8c8c', fontSize: 14 }}>
              用积分兑换实物和服务 <RightOutlined style={{ color: '#bfbfbf' }} />
            </span>
          </Link>
          {can(me, 'volunteer.self') && (
            <Link to="/m/volunteer" className="m-row" style={{ color: 'inherit', minHeight: 48, alignItems: 'center' }}>
              <span>
                <HeartOutlined /> 志愿服务
              </span>
              <span style={{ color: '#8c8c8c', fontSize: 14 }}>
                报名活动、服务时长与证明 <RightOutlined style={{ color: '#bfbfbf' }} />
              </span>
            </Link>
          )}
          {can(me, 'volunteer.self') && (
            <Link to="/m/serve" className="m-row" style={{ color: 'inherit', minHeight: 48, alignItems: 'center' }}>
              <span>
                <AimOutlined /> 身边需求
              </span>
              <span style={{ color: '#8c8c8c', fontSize: 14 }}>
                接单帮助附近群众 <RightOutlined style={{ color: '#bfbfbf' }} />
              </span>
            </Link>
          )}
          {can(me, 'volunteer.self') && (
            <Link to="/m/posts" className="m-row" style={{ color: 'inherit', minHeight: 48, alignItems: 'center' }} data-testid="me-posts-link">
              <span>
                <VideoCameraOutlined /> 短视频
              </span>
              <span style={{ color: '#8c8c8c', fontSize: 14 }}>
                看看身边事，发布短视频 <RightOutlined style={{ color: '#bfbfbf' }} />
              </span>
            </Link>
          )}
          {can(me, 'volunteer.self') && (
            <Link to="/m/community-report" className="m-row" style={{ color: 'inherit', minHeight: 48, alignItems: 'center' }} data-testid="me-community-report-link">
              <span>
                <HomeOutlined /> 双报到
              </span>
              <span style={{ color: '#8c8c8c', fontSize: 14 }}>
                向居住地村（社区）报到 <RightOutlined style={{ color: '#bfbfbf' }} />
              </span>
            </Link>
          )}
          {can(me, 'volunteer.self') && (
            <Link to="/m/clubs" className="m-row" style={{ color: 'inherit', minHeight: 48, alignItems: 'center' }} data-testid="me-clubs-link">
              <span>
                <SmileOutlined /> 社团
              </span>
              <span style={{ color: '#8c8c8c', fontSize: 14 }}>
                兴趣社团与活动 <RightOutlined style={{ color: '#bfbfbf' }} />
              </span>
            </Link>
          )}
          <Link to="/m/transfers" className="m-row" style={{ color: 'inherit', minHeight: 48, alignItems: 'center' }}>
            <span>
              <SwapOutlined /> 组织关系
            </span>
            <span style={{ color: '#8c8c8c', fontSize: 14 }}>
              转接申请与介绍信 <RightOutlined style={{ color: '#bfbfbf' }} />
            </span>
          </Link>
        </section>
      )}

      <section className="m-card" aria-label="账号">
        <Link to="/m/password" className="m-row" style={{ color: 'inherit', minHeight: 48, alignItems: 'center' }}>
          <span>
            <KeyOutlined /> 修改密码
          </span>
          <RightOutlined style={{ color: '#bfbfbf' }} />
        </Link>
        <div className="m-row" style={{ minHeight: 48, alignItems: 'center' }}>
          <span style={{ color: '#8c8c8c' }}>登录账号</span>
          <span>{me.username}</span>
        </div>
      </section>
      <Button danger className="m-action" icon={<LogoutOutlined />} onClick={() => void logout()}>
        退出登录
      </Button>
    </>
  );
}
