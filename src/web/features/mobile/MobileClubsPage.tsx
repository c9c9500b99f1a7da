import { useState, type ReactNode } from 'react';
import { Alert, App, Button, Form, Input, InputNumber, Select, Tag } from 'antd';
import { ClockCircleOutlined, EnvironmentOutlined, PlusOutlined, RightOutlined, TeamOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import { CLUB_CATEGORIES, CLUB_STATUSES, type ClubCategory } from '../../../contracts/club';
import { SIGNUP_STATUSES } from '../../../contracts/volunteer';
import { ApiError, errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { usePageTitle } from '../../shared/use-title';
import { can, useMe } from '../../shared/session';
import {
  CLUB_STATUS_COLORS, useClubSignUp, useClubWithdraw, useCreateClub, useCreateClubActivity, useJoinClub, useLeaveClub, useMyClub, useMyClubs, type MyClubs,
} from '../club/api';
import { activityTime } from '../volunteer/api';
import { CommunitySelect } from '../resident/CommunityFields';
import { localToIso } from './MobileNeedsPage';
import { MobileError, MobileLoading } from './MobileStates';
import './volunteer.css';

// 社团 on the phone, for members and residents: the clubs of my community (a
// resident's own; a member's 接单/报到 community, or one they look up), the
// clubs I lead or joined and my applications; 申请成立 (reviewed by the
// community). A club's page: what it does, 加入/退出, its activities with 报名
// (the volunteer sign-up, members only), its members (for members), and for
// the leader 发布活动.

const categoryOptions = (Object.keys(CLUB_CATEGORIES) as ClubCategory[]).map((k) => ({ value: k, label: CLUB_CATEGORIES[k] }));

export function MobileClubsPage() {
  const { id } = useParams();
  return id ? <ClubPage id={id} /> : <ClubList />;
}

function ClubRow({ c, extra }: { c: MyClubs['clubs'][number] | MyClubs['mine'][number]; extra?: ReactNode }) {
  return (
    <li>
      <Link to={`/m/clubs/${c.id}`} className="m-card m-vl-item" style={{ color: 'inherit' }} data-testid="m-club" data-id={c.id}>
        <div className="m-vl-head">
          <span className="m-vl-name">{c.name}</span>
          {extra}
        </div>
        <div className="m-vl-line">
          {CLUB_CATEGORIES[c.category]} · {c.memberCount} 名成员 · {c.communityName}
        </div>
        <div className="m-vl-line" style={{ display: '-webkit-box', WebkitLineClamp: 2, WebkitBoxOrient: 'vertical', overflow: 'hidden' }}>
          {c.description}
        </div>
      </Link>
    </li>
  );
}

function ClubList() {
  usePageTitle('社团');
  const [community, setCommunity] = useState<string | undefined>();
  const q = useMyClubs(community);
  const me = useMe().data;
  const [applying, setApplying] = useState(false);
  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => void q.refetch()} title="社团加载失败" />;
  const d = q.data;
  const isMember = !can(me, 'resident.self');
  return (
    <>
      <p className="m-vl-empty" style={{ margin: '0 4px 12px' }}>
        邻里兴趣社团：书法、合唱、健身、读书……由村（社区）审核成立，加入后可报名参加社团活动。
      </p>
      {isMember && (
        <section className="m-card">
          <div className="m-vl-line" style={{ marginBottom: 8 }}>
            {d.community ? `当前查看：${d.community.name}` : '请选择您居住或参加活动的村（社区）'}
          </div>
          <CommunitySelect value={community ?? d.community?.id} onChange={setCommunity} initial={d.community ?? undefined} size="large" />
        </section>
      )}
      <h2 className="m-vl-h2">{d.community ? `${d.community.name}的社团` : '社团'}</h2>
      {d.clubs.length === 0 ? (
        <p className="m-card m-vl-empty">{d.community ? '这里还没有社团，欢迎发起成立。' : '选择村（社区）后查看那里的社团。'}</p>
      ) : (
        <ul className="m-vl-list" data-testid="m-clubs">
          {d.clubs.map((c) => (
            <ClubRow key={c.id} c={c} extra={c.joined ? <Tag color="red">已加入</Tag> : undefined} />
          ))}
        </ul>
      )}
      {d.mine.length > 0 && (
        <>
          <h2 className="m-vl-h2">我的社团</h2>
          <ul className="m-vl-list" data-testid="m-my-clubs">
            {d.mine.map((c) => (
              <ClubRow
                key={c.id}
                c={c}
                extra={
                  c.status === 'active' ? (
                    c.myRole === 'leader' ? <Tag color="gold">负责人</Tag> : <Tag color="red">成员</Tag>
                  ) : (
                    <Tag color={CLUB_STATUS_COLORS[c.status]} data-testid="m-club-status">
                      {CLUB_STATUSES[c.status]}
                    </Tag>
                  )
                }
              />
            ))}
          </ul>
        </>
      )}
      {applying ? (
        <ApplyForm community={d.community} isMember={isMember} onDone={() => setApplying(false)} />
      ) : (
        <Button type="primary" icon={<PlusOutlined />} className="m-vl-action" style={{ marginTop: 12 }} onClick={() => setApplying(true)} data-testid="m-club-apply">
          申请成立社团
        </Button>
      )}
    </>
  );
}

interface ApplyValues {
  communityOrgId?: string;
  name?: string;
  category?: ClubCategory;
  description?: string;
}

function ApplyForm({ community, isMember, onDone }: { community: MyClubs['community']; isMember: boolean; onDone: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ApplyValues>();
  const create = useCreateClub();
  const [error, setError] = useState<string | null>(null);
  const onFinish = async (v: ApplyValues) => {
    setError(null);
    try {
      await create.mutateAsync({ communityOrgId: v.communityOrgId ?? community?.id ?? null, name: v.name!, category: v.category!, description: v.description! });
      void message.success('已提交申请，请等待村（社区）审核');
      onDone();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 409 || e.status === 422)) setError(e.message);
      else setError(applyServerErrors(form, e));
    }
  };
  return (
    <section className="m-card" aria-labelledby="m-club-apply-title" style={{ marginTop: 12 }}>
      <h2 id="m-club-apply-title" className="m-vl-title">
        申请成立社团
      </h2>
      <Form<ApplyValues> form={form} layout="vertical" size="large" requiredMark={false} name="club-apply" onFinish={onFinish} initialValues={{ communityOrgId: community?.id }}>
        {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
        {isMember && (
          <Form.Item name="communityOrgId" label="所在村（社区）" rules={[{ required: true, message: '请选择社团所在的村（社区）' }]}>
            <CommunitySelect initial={community ?? undefined} />
          </Form.Item>
        )}
        <Form.Item name="name" label="社团名称" rules={[{ required: true, whitespace: true, message: '请填写社团名称' }]}>
          <Input maxLength={30} placeholder="如：墨香书法社" aria-label="社团名称" />
        </Form.Item>
        <Form.Item name="category" label="类别" rules={[{ required: true, message: '请选择社团类别' }]}>
          <Select options={categoryOptions} placeholder="选择类别" aria-label="社团类别" />
        </Form.Item>
        <Form.Item name="description" label="社团介绍" rules={[{ required: true, min: 10, message: '请用至少10个字介绍社团的宗旨和活动' }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 6 }} maxLength={500} showCount placeholder="宗旨、活动内容、时间地点" aria-label="社团介绍" />
        </Form.Item>
        <div className="m-vl-buttons">
          <Button onClick={onDone}>取消</Button>
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="m-club-submit">
            提交申请
          </Button>
        </div>
      </Form>
    </section>
  );
}

function ClubPage({ id }: { id: string }) {
  const q = useMyClub(id);
  usePageTitle(q.data ? q.data.club.name : '社团');
  const { message } = App.useApp();
  const navigate = useNavigate();
  const join = useJoinClub();
  const leave = useLeaveClub();
  const signUp = useClubSignUp();
  const withdraw = useClubWithdraw();
  const [error, setError] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => void q.refetch()} title="社团加载失败" />;
  const d = q.data;
  const c = d.club;
  const run = (p: Promise<unknown>, done: string) => {
    setError(null);
    p.then(() => void message.success(done)).catch((e: unknown) => setError(errorMessage(e)));
  };
  return (
    <>
      <button type="button" className="m-link-back" onClick={() => navigate('/m/clubs')} style={{ background: 'none', border: 0, color: '#c8102e', padding: '0 4px 8px', fontSize: 15 }}>
        ‹ 全部社团
      </button>
      <section className="m-card m-vl-item" data-testid="m-club-detail">
        <div className="m-vl-head">
          <h1 className="m-vl-title" style={{ margin: 0 }}>
            {c.name}
          </h1>
          <Tag color={CLUB_STATUS_COLORS[c.status]} data-testid="m-club-status">
            {CLUB_STATUSES[c.status]}
          </Tag>
        </div>
        <div className="m-vl-line">
          {CLUB_CATEGORIES[c.category]} · {c.communityName} · 负责人 {c.founderName}
        </div>
        <div className="m-vl-line">{c.description}</div>
        {c.status === 'pending' && <Alert type="info" showIcon title="申请已提交，等待村（社区）审核。" />}
        {c.status === 'rejected' && <Alert type="warning" showIcon title={`申请未通过：${c.reviewNote ?? ''}`} />}
        {c.status === 'dissolved' && <Alert type="warning" showIcon title={`社团已解散：${c.dissolveReason ?? ''}`} />}
        <div className="m-vl-figures">
          <div>
            <strong data-testid="m-club-members">{c.memberCount}</strong>
            <span>成员</span>
          </div>
          <div>
            <strong>{c.activityCount}</strong>
            <span>活动</span>
          </div>
        </div>
        {error && <Alert type="error" showIcon role="alert" title={error} />}
        {c.status === 'active' &&
          (d.myRole === null ? (
            <Button type="primary" className="m-vl-action" loading={join.isPending} onClick={() => run(join.mutateAsync(id), '已加入社团')} data-testid="m-club-join">
              加入社团
            </Button>
          ) : d.myRole === 'member' ? (
            <Button className="m-vl-action" loading={leave.isPending} onClick={() => run(leave.mutateAsync(id), '已退出社团')}>
              退出社团
            </Button>
          ) : (
            !publishing && (
              <Button type="primary" icon={<PlusOutlined />} className="m-vl-action" onClick={() => setPublishing(true)} data-testid="m-club-new-activity">
                发布社团活动
              </Button>
            )
          ))}
      </section>
      {publishing && <ActivityForm clubId={id} onDone={() => setPublishing(false)} />}
      <h2 className="m-vl-h2">社团活动</h2>
      {d.activities.length === 0 ? (
        <p className="m-card m-vl-empty">还没有活动。</p>
      ) : (
        <ul className="m-vl-list" data-testid="m-club-activities">
          {d.activities.map((a) => {
            const started = Date.parse(a.startsAt) <= Date.now();
            const signed = a.mySignup?.status === 'signed_up';
            return (
              <li key={a.id} className="m-card m-vl-item" data-testid="m-club-activity">
                <div className="m-vl-head">
                  <span className="m-vl-name">{a.title}</span>
                  {a.status === 'cancelled' ? <Tag>已取消</Tag> : <Tag color="red">已报名 {a.signedUp}/{a.capacity}</Tag>}
                </div>
                <div className="m-vl-line">
                  <ClockCircleOutlined />
                  {activityTime(a)}
                </div>
                <div className="m-vl-line">
                  <EnvironmentOutlined />
                  {a.place}
                </div>
                {a.description && <div className="m-vl-line">{a.description}</div>}
                {a.cancelReason && <div className="m-vl-line">取消原因：{a.cancelReason}</div>}
                {a.mySignup && !signed && <Tag>{SIGNUP_STATUSES[a.mySignup.status]}</Tag>}
                {a.status === 'open' &&
                  !started &&
                  d.myRole !== null &&
                  (signed ? (
                    <Button danger className="m-vl-action" loading={withdraw.isPending} onClick={() => run(withdraw.mutateAsync(a.mySignup!.id), '已取消报名')} aria-label={`取消报名：${a.title}`}>
                      取消报名
                    </Button>
                  ) : (
                    <Button type="primary" className="m-vl-action" disabled={a.signedUp >= a.capacity} loading={signUp.isPending} onClick={() => run(signUp.mutateAsync(a.id), '报名成功')} aria-label={`报名：${a.title}`}>
                      {a.signedUp >= a.capacity ? '名额已满' : '报名'}
                    </Button>
                  ))}
                {a.status === 'open' && !started && d.myRole === null && c.status === 'active' && <div className="m-vl-line">加入社团后可报名</div>}
              </li>
            );
          })}
        </ul>
      )}
      {d.myRole !== null && (
        <>
          <h2 className="m-vl-h2">
            <TeamOutlined /> 成员（{d.members.length}）
          </h2>
          <section className="m-card">
            <ul className="m-vl-list" data-testid="m-club-member-list">
              {d.members.map((m) => (
                <li key={m.id} className="m-vl-line" style={{ display: 'flex', justifyContent: 'space-between' }}>
                  <span>
                    {m.name} {m.role === 'leader' && <Tag color="gold">负责人</Tag>}
                  </span>
                  <span style={{ color: '#8c8c8c' }}>{m.kind === 'member' ? '党员' : '群众'}</span>
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
      <Link to="/m/clubs" className="m-row" style={{ color: 'inherit', minHeight: 48, alignItems: 'center', marginTop: 12 }}>
        <span>全部社团</span>
        <RightOutlined style={{ color: '#bfbfbf' }} />
      </Link>
    </>
  );
}

interface ActivityValues {
  title?: string;
  place?: string;
  startsAt?: string;
  endsAt?: string;
  capacity?: number;
  description?: string;
}

function ActivityForm({ clubId, onDone }: { clubId: string; onDone: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ActivityValues>();
  const create = useCreateClubActivity();
  const [error, setError] = useState<string | null>(null);
  const onFinish = async (v: ActivityValues) => {
    setError(null);
    try {
      await create.mutateAsync({
        id: clubId,
        body: { title: v.title!, place: v.place!, startsAt: localToIso(v.startsAt!), endsAt: localToIso(v.endsAt!), capacity: v.capacity!, description: v.description ?? '' },
      });
      void message.success('活动已发布，已通知社团成员');
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setError(e.message);
      else setError(applyServerErrors(form, e));
    }
  };
  return (
    <section className="m-card" aria-labelledby="m-club-activity-title">
      <h2 id="m-club-activity-title" className="m-vl-title">
        发布社团活动
      </h2>
      <Form<ActivityValues> form={form} layout="vertical" size="large" requiredMark={false} name="club-activity" onFinish={onFinish} initialValues={{ capacity: 20 }}>
        {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
        <Form.Item name="title" label="活动名称" rules={[{ required: true, whitespace: true, message: '请填写活动名称' }]}>
          <Input maxLength={60} placeholder="如：周六书法练习" aria-label="活动名称" />
        </Form.Item>
        <Form.Item name="place" label="地点" rules={[{ required: true, whitespace: true, message: '请填写活动地点' }]}>
          <Input maxLength={100} placeholder="如：党群服务中心二楼活动室" aria-label="活动地点" />
        </Form.Item>
        <Form.Item name="startsAt" label="开始时间" rules={[{ required: true, message: '请选择开始时间' }]}>
          <Input type="datetime-local" aria-label="开始时间" />
        </Form.Item>
        <Form.Item
          name="endsAt"
          label="结束时间"
          dependencies={['startsAt']}
          rules={[
            { required: true, message: '请选择结束时间' },
            ({ getFieldValue }) => ({
              validator: async (_: unknown, to: string | undefined) => {
                const from = getFieldValue('startsAt') as string | undefined;
                if (to && from && to <= from) throw new Error('结束时间须晚于开始时间');
              },
            }),
          ]}
        >
          <Input type="datetime-local" aria-label="结束时间" />
        </Form.Item>
        <Form.Item name="capacity" label="人数上限" rules={[{ required: true, message: '请填写人数上限' }]}>
          <InputNumber min={1} max={1000} style={{ width: '100%' }} aria-label="人数上限" />
        </Form.Item>
        <Form.Item name="description" label="活动说明（可选）">
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={1000} aria-label="活动说明" />
        </Form.Item>
        <div className="m-vl-buttons">
          <Button onClick={onDone}>取消</Button>
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="m-club-activity-submit">
            发布
          </Button>
        </div>
      </Form>
    </section>
  );
}
