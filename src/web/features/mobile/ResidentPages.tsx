import { useState } from 'react';
import { Alert, App, Button, Form, Input, Tag } from 'antd';
import { AimOutlined, HeartOutlined, KeyOutlined, LogoutOutlined, RightOutlined, SmileOutlined, SolutionOutlined } from '@ant-design/icons';
import { VideoCameraOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { ApiError } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { can, useMe } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { useLogout } from '../auth/use-logout';
import { useCommunityOf, useMyResident, useUpdateMyResident, type CommunityOption, type ResidentProfile } from '../resident/api';
import { CommunitySelect, GridSelect } from '../resident/CommunityFields';
import { MobileError, MobileLoading } from './MobileStates';
import './resident.css';

// The phone pages of a resident (群众): 首页 (who and where they are) and 我的
// (their profile, its edit form, the password and the logout), each with the
// way to 志愿服务 (/m/volunteer); 首页 also leads to 我的需求 (/m/needs) and
// 身边需求 (/m/serve). A resident reads no Party data: these pages
// call only /api/v1/me/resident and the public list of communities.

const CONTACT = '所在村（社区）';

/** The day of a timestamp in Beijing time. */
const dayOf = (iso: string) => formatDateTime(iso).slice(0, 10);

function Hero({ p, label }: { p: ResidentProfile; label: string }) {
  return (
    <section className="m-hero" aria-label={label}>
      <div className="m-hero-name" data-testid="resident-name">
        {p.name}
        <Tag className="m-rs-tag">群众</Tag>
      </div>
      <div className="m-hero-sub" data-testid="resident-community">
        {p.communityName}
      </div>
      <div className="m-hero-sub" data-testid="resident-grid">
        {p.gridName ?? '未选择网格'}
      </div>
      <div className="m-hero-sub">{dayOf(p.registeredAt)} 注册</div>
    </section>
  );
}

/** The link to 志愿服务 (sign-up, hours, certificate), for whoever may take part. */
function VolunteerLink() {
  const me = useMe().data;
  if (!can(me, 'volunteer.self')) return null;
  return (
    <section className="m-card" aria-labelledby="m-rs-volunteer">
      <Link to="/m/volunteer" className="m-rs-card-link" data-testid="resident-volunteer-link">
        <h2 id="m-rs-volunteer">
          <HeartOutlined /> 志愿服务
        </h2>
        <span className="m-rs-go">
          去报名 <RightOutlined />
        </span>
      </Link>
      <p className="m-rs-note">报名社区志愿服务活动，查看服务时长，下载志愿服务记录证明。</p>
    </section>
  );
}

/** 短视频与动态 (the feed, publishing, my posts), for whoever may take part. */
function PostsLink() {
  const me = useMe().data;
  if (!can(me, 'volunteer.self')) return null;
  return (
    <section className="m-card" aria-labelledby="m-rs-posts">
      <Link to="/m/posts" className="m-rs-card-link" data-testid="resident-posts-link">
        <h2 id="m-rs-posts">
          <VideoCameraOutlined /> 短视频
        </h2>
        <span className="m-rs-go">
          去看看 <RightOutlined />
        </span>
      </Link>
      <p className="m-rs-note">看看身边的好人好事，发布短视频和动态（审核后展示）。</p>
    </section>
  );
}

/** 我的需求 (publish a need, follow and rate it) and 身边需求 (take the needs of neighbours), on the resident's 首页. */
function NeedLinks() {
  const me = useMe().data;
  return (
    <>
      <section className="m-card" aria-labelledby="m-rs-needs">
        <Link to="/m/needs" className="m-rs-card-link" data-testid="resident-needs-link">
          <h2 id="m-rs-needs">
            <SolutionOutlined /> 我的需求
          </h2>
          <span className="m-rs-go">
            发布需求 <RightOutlined />
          </span>
        </Link>
        <p className="m-rs-note">遇到困难发布需求（微心愿），志愿者接单上门，办结后请您评价。</p>
      </section>
      {can(me, 'volunteer.self') && (
        <section className="m-card" aria-labelledby="m-rs-serve">
          <Link to="/m/serve" className="m-rs-card-link" data-testid="resident-serve-link">
            <h2 id="m-rs-serve">
              <AimOutlined /> 身边需求
            </h2>
            <span className="m-rs-go">
              去接单 <RightOutlined />
            </span>
          </Link>
          <p className="m-rs-note">登记接单意愿，帮助附近有需要的邻居。</p>
        </section>
      )}
      {can(me, 'volunteer.self') && (
        <section className="m-card" aria-labelledby="m-rs-clubs">
          <Link to="/m/clubs" className="m-rs-card-link" data-testid="resident-clubs-link">
            <h2 id="m-rs-clubs">
              <SmileOutlined /> 社团
            </h2>
            <span className="m-rs-go">
              去看看 <RightOutlined />
            </span>
          </Link>
          <p className="m-rs-note">书法、合唱、健身、读书……加入邻里兴趣社团，或发起成立一个。</p>
        </section>
      )}
    </>
  );
}

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="m-row">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

export function ResidentHomePage() {
  usePageTitle('首页');
  const q = useMyResident();
  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => void q.refetch()} title="我的资料加载失败" contact={CONTACT} />;
  const p = q.data;
  return (
    <>
      <Hero p={p} label="我的基本信息" />
      <section className="m-card" aria-labelledby="m-rs-profile">
        <Link to="/m/me" className="m-rs-card-link" data-testid="home-my-profile">
          <h2 id="m-rs-profile">我的资料</h2>
          <span className="m-rs-go">
            查看和修改 <RightOutlined />
          </span>
        </Link>
        <dl className="m-rows">
          <Row label="手机号" value={p.phoneMasked} />
          <Row label="居住地址" value={p.address} />
        </dl>
      </section>
      <NeedLinks />
      <PostsLink />
      <VolunteerLink />
    </>
  );
}

interface Values {
  name: string;
  communityId: string;
  gridId?: string;
  address: string;
}

/** The edit form of the profile at one version (a new version mounts a fresh form). */
function ProfileForm({ p, onReload }: { p: ResidentProfile; onReload: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useUpdateMyResident();
  const current = useCommunityOf(p.communityId, p.communityName);
  // undefined: the community of the profile; null: cleared; else the one picked
  const [picked, setPicked] = useState<CommunityOption | null | undefined>(undefined);
  const [error, setError] = useState<{ text: string; stale?: boolean } | null>(null);
  const initialGrid = p.gridId && p.gridName ? { id: p.gridId, name: p.gridName } : null;
  // the profile's community as the public list has it (its grids); if that list no longer has it, what the profile says
  const own: CommunityOption | null = current.data ?? (current.isPending ? null : { id: p.communityId, name: p.communityName, unitName: p.communityName, grids: initialGrid ? [initialGrid] : [] });
  const community = picked === undefined ? own : picked;

  // awaited, not mutate's callbacks: the saved profile's new version mounts a fresh form, and this one's callbacks would not run
  const onFinish = async (v: Values) => {
    setError(null);
    try {
      await save.mutateAsync({ name: v.name.trim(), communityId: v.communityId, gridId: v.gridId ?? null, address: v.address.trim(), version: p.version });
      void message.success('已保存');
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setError({ text: e.message, stale: true });
      else {
        const rest = applyServerErrors(form, e);
        if (rest) setError({ text: rest });
      }
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      size="large"
      requiredMark={false}
      onFinish={onFinish}
      initialValues={{ name: p.name, communityId: p.communityId, gridId: p.gridId ?? undefined, address: p.address }}
    >
      {error && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={error.text}
          style={{ marginBottom: 16 }}
          action={
            error.stale ? (
              <Button size="small" onClick={onReload}>
                刷新
              </Button>
            ) : undefined
          }
        />
      )}
      <Form.Item label="姓名" name="name" rules={[{ required: true, whitespace: true, message: '请填写姓名' }, { max: 30, message: '姓名不能超过30个字' }]}>
        <Input autoComplete="name" maxLength={30} />
      </Form.Item>
      <Form.Item label="所在村（社区）" name="communityId" rules={[{ required: true, message: '请选择所在村（社区）' }]}>
        <CommunitySelect
          initial={{ id: p.communityId, name: p.communityName }}
          onPicked={(c) => {
            if (c?.id !== community?.id) form.setFieldValue('gridId', undefined);
            setPicked(c);
          }}
        />
      </Form.Item>
      <Form.Item label="网格" name="gridId">
        <GridSelect community={community} initial={initialGrid} />
      </Form.Item>
      <Form.Item label="居住地址" name="address" rules={[{ required: true, whitespace: true, message: '请填写居住地址' }, { max: 120, message: '地址不能超过120个字' }]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={120} autoComplete="street-address" />
      </Form.Item>
      <Button type="primary" htmlType="submit" className="m-action" loading={save.isPending}>
        保存
      </Button>
    </Form>
  );
}

export function ResidentMePage() {
  usePageTitle('我的');
  const me = useMe().data!;
  const q = useMyResident();
  const logout = useLogout();
  return (
    <>
      {q.isPending ? (
        <MobileLoading />
      ) : q.isError ? (
        <MobileError error={q.error} onRetry={() => void q.refetch()} title="我的资料加载失败" contact={CONTACT} />
      ) : (
        <>
          <Hero p={q.data} label="我的基本信息" />
          <section className="m-card" aria-labelledby="m-rs-account">
            <h2 id="m-rs-account">我的资料</h2>
            <dl className="m-rows">
              <Row label="手机号" value={q.data.phoneMasked} testId="resident-phone" />
              <Row label="注册时间" value={formatDateTime(q.data.registeredAt)} />
            </dl>
          </section>
          <section className="m-card" aria-labelledby="m-rs-edit">
            <h2 id="m-rs-edit">修改资料</h2>
            <ProfileForm key={q.data.version} p={q.data} onReload={() => void q.refetch()} />
          </section>
        </>
      )}

      <VolunteerLink />
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
