import { useState } from 'react';
import { Alert, App, Button, Checkbox, Form, Input, Switch, Tag } from 'antd';
import { AimOutlined, EditOutlined, PhoneOutlined, UserOutlined } from '@ant-design/icons';
import { AVAILABILITY_SLOTS, CompleteNeedBody, NEED_CATEGORIES, NEED_STATUSES, skillLabels, type AvailabilitySlot } from '../../../contracts/need';
import { VOLUNTEER_SKILLS, type VolunteerSkill } from '../../../contracts/volunteer';
import { ApiError, errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { usePageTitle } from '../../shared/use-title';
import { zodRule } from '../../shared/zod-rule';
import { kmText, NEED_STATUS_COLORS, useClaimNeed, useCompleteNeed, useMyServableNeeds, useSaveVolunteerProfile, type ServableNeedView, type VolunteerProfileView } from '../need/api';
import { useCommunityOf, type CommunityOption } from '../resident/api';
import { CommunitySelect, GridSelect } from '../resident/CommunityFields';
import { MobileError, MobileLoading } from './MobileStates';
import { NeedFacts, NeedRating } from './MobileNeedsPage';
import './volunteer.css';
import './needs.css';

// 身边需求 on the phone, for members and residents alike: the 接单意愿 (where
// they serve, their skills, when they can help, whether they take needs now),
// the open needs pushed to them or in their community (接单), and the needs
// they claimed, with the publisher's phone and 办结 (what was done).

const skillOptions = (Object.keys(VOLUNTEER_SKILLS) as VolunteerSkill[]).map((k) => ({ value: k, label: VOLUNTEER_SKILLS[k] }));
const slotOptions = (Object.keys(AVAILABILITY_SLOTS) as AvailabilitySlot[]).map((k) => ({ value: k, label: AVAILABILITY_SLOTS[k] }));

interface ProfileValues {
  communityOrgId?: string;
  gridId?: string;
  skills: VolunteerSkill[];
  availability: AvailabilitySlot[];
  accepting: boolean;
}

/** The 接单意愿 form: a new one (profile null) or the one saved, at its version. */
function ProfileForm({ profile, onDone }: { profile: VolunteerProfileView | null; onDone?: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ProfileValues>();
  const save = useSaveVolunteerProfile();
  const current = useCommunityOf(profile?.communityOrgId, profile?.communityName);
  const [picked, setPicked] = useState<CommunityOption | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const initialGrid = profile?.gridId && profile.gridName ? { id: profile.gridId, name: profile.gridName } : null;
  const own: CommunityOption | null = !profile
    ? null
    : (current.data ?? (current.isPending ? null : { id: profile.communityOrgId, name: profile.communityName, unitName: profile.communityName, grids: initialGrid ? [initialGrid] : [] }));
  const community = picked === undefined ? own : picked;

  const onFinish = async (v: ProfileValues) => {
    setError(null);
    try {
      await save.mutateAsync({ communityOrgId: v.communityOrgId!, gridId: v.gridId ?? null, skills: v.skills, availability: v.availability, accepting: v.accepting, version: profile?.version ?? null });
      void message.success(profile ? '接单意愿已保存' : '已登记接单意愿，附近群众的需求会推送给您');
      onDone?.();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setError(`${e.message}（请返回后刷新再修改）`);
      else setError(applyServerErrors(form, e));
    }
  };

  return (
    <Form<ProfileValues>
      form={form}
      layout="vertical"
      size="large"
      requiredMark={false}
      name="volunteer-profile"
      onFinish={onFinish}
      initialValues={{
        communityOrgId: profile?.communityOrgId,
        gridId: profile?.gridId ?? undefined,
        skills: profile?.skills ?? [],
        availability: profile?.availability ?? [],
        accepting: profile?.accepting ?? true,
      }}
    >
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form.Item name="communityOrgId" label="服务的村（社区）" extra="您居住或报到（双报到）的村、社区" rules={[{ required: true, message: '请选择服务的村/社区' }]}>
        <CommunitySelect
          initial={profile ? { id: profile.communityOrgId, name: profile.communityName } : undefined}
          onPicked={(c) => {
            if (c?.id !== community?.id) form.setFieldValue('gridId', undefined);
            setPicked(c);
          }}
        />
      </Form.Item>
      <Form.Item name="gridId" label="网格">
        <GridSelect community={community} initial={initialGrid} />
      </Form.Item>
      <Form.Item
        name="skills"
        label="服务技能"
        className="m-nd-checks"
        rules={[
          { type: 'array', min: 1, message: '请至少选择一项技能' },
          { type: 'array', max: 6, message: '最多选择6项技能' },
        ]}
      >
        <Checkbox.Group options={skillOptions} />
      </Form.Item>
      <Form.Item name="availability" label="可服务时间" className="m-nd-checks" rules={[{ type: 'array', min: 1, message: '请至少选择一个可服务时间' }]}>
        <Checkbox.Group options={slotOptions} />
      </Form.Item>
      <div className="m-nd-switch">
        <span>现在接单</span>
        <Form.Item name="accepting" valuePropName="checked" noStyle>
          <Switch checkedChildren="接单" unCheckedChildren="暂停" aria-label="现在接单" />
        </Form.Item>
      </div>
      <div className="m-vl-buttons" style={{ marginTop: 16 }}>
        {onDone && profile && <Button onClick={onDone}>取消</Button>}
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {profile ? '保存' : '登记接单意愿'}
        </Button>
      </div>
    </Form>
  );
}

function ProfileSummary({ p, onEdit }: { p: VolunteerProfileView; onEdit: () => void }) {
  return (
    <section className="m-card m-nd-profile" aria-labelledby="m-nd-profile" data-testid="m-serve-profile">
      <div className="m-nd-profile-head">
        <h2 id="m-nd-profile">我的接单意愿</h2>
        <Tag color={p.accepting ? 'success' : 'default'} style={{ marginInlineEnd: 0 }}>
          {p.accepting ? '接单中' : '暂停接单'}
        </Tag>
      </div>
      <div className="m-vl-line">
        服务：<strong>{p.gridName ? `${p.communityName} · ${p.gridName}` : p.communityName}</strong>
      </div>
      <div className="m-vl-line">技能：{skillLabels(p.skills)}</div>
      <div className="m-vl-line">时间：{p.availability.map((a) => AVAILABILITY_SLOTS[a]).join('、')}</div>
      <div className="m-vl-line">
        已接 {p.claimed} 单 · 已办结 {p.completed} 单{p.averageRating !== null ? ` · 平均评分 ${p.averageRating}` : ''}
      </div>
      <Button icon={<EditOutlined />} onClick={onEdit} className="m-vl-action">
        修改
      </Button>
    </section>
  );
}

function CompleteForm({ n, onClose }: { n: ServableNeedView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note?: string }>();
  const complete = useCompleteNeed();
  const [error, setError] = useState<string | null>(null);
  const onFinish = async (v: { note?: string }) => {
    setError(null);
    try {
      await complete.mutateAsync({ id: n.id, body: { note: (v.note ?? '').trim() } });
      void message.success(`已办结：${n.title}`);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Form form={form} layout="vertical" requiredMark={false} name={`need-complete-${n.id}`} onFinish={onFinish} className="m-nd-inline">
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
      <Form.Item name="note" label="办理情况" rules={[{ required: true, whitespace: true, message: '请简要说明办理情况' }, zodRule(CompleteNeedBody.shape.note)]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={300} placeholder="如：已上门更换水龙头，试用正常" aria-label="办理情况" />
      </Form.Item>
      <div className="m-vl-buttons">
        <Button onClick={onClose}>返回</Button>
        <Button type="primary" htmlType="submit" loading={complete.isPending}>
          确认办结
        </Button>
      </div>
    </Form>
  );
}

/** A need's title, status, category, distance and facts; 推送给我 on the open ones pushed to the caller. */
function Head({ n }: { n: ServableNeedView }) {
  return (
    <>
      <div className="m-vl-head">
        <span className="m-vl-name">{n.title}</span>
        <Tag color={NEED_STATUS_COLORS[n.status]} data-testid="m-serve-status">
          {NEED_STATUSES[n.status]}
        </Tag>
      </div>
      <div className="m-vl-tags">
        <Tag color="blue">{NEED_CATEGORIES[n.category].label}</Tag>
        {n.pushedToMe && n.status === 'open' && <Tag color="red">推送给我</Tag>}
        {n.distanceKm !== null && (
          <Tag icon={<AimOutlined />} data-testid="m-serve-distance">
            {kmText(n.distanceKm)}
          </Tag>
        )}
      </div>
      <NeedFacts n={n} />
      {n.detail && <div className="m-vl-line">{n.detail}</div>}
    </>
  );
}

function MineCard({ n }: { n: ServableNeedView }) {
  const [completing, setCompleting] = useState(false);
  return (
    <li className="m-card m-vl-item" data-testid="m-serve-mine" data-id={n.id}>
      <Head n={n} />
      {n.publisherName && (
        <div className="m-vl-line" data-testid="m-serve-publisher">
          <UserOutlined />
          {n.publisherName}
          {n.publisherPhone && (
            <>
              {' · '}
              <a href={`tel:${n.publisherPhone}`} className="m-nd-tel" aria-label={`拨打电话：${n.publisherName}`}>
                <PhoneOutlined /> {n.publisherPhone}
              </a>
            </>
          )}
        </div>
      )}
      {n.completionNote && <div className="m-vl-line">办理情况：{n.completionNote}</div>}
      <NeedRating n={n} />
      {n.status === 'claimed' &&
        (completing ? (
          <CompleteForm n={n} onClose={() => setCompleting(false)} />
        ) : (
          <Button type="primary" className="m-vl-action" onClick={() => setCompleting(true)} aria-label={`办结：${n.title}`}>
            办结
          </Button>
        ))}
    </li>
  );
}

export function MobileServePage() {
  usePageTitle('身边需求');
  const { message } = App.useApp();
  const q = useMyServableNeeds();
  const claim = useClaimNeed();
  const [editing, setEditing] = useState(false);

  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => void q.refetch()} title="身边需求加载失败" />;
  const { profile, open, mine } = q.data;

  if (!profile) {
    return (
      <section className="m-card" aria-labelledby="m-nd-serve-head">
        <h1 id="m-nd-serve-head" className="m-vl-title">
          登记接单意愿
        </h1>
        <p className="m-vl-empty" style={{ marginBottom: 16 }}>
          登记服务的村（社区）、技能和可服务时间后，附近群众发布的需求会推送给您，您可以在这里接单、办结。
        </p>
        <ProfileForm profile={null} />
      </section>
    );
  }

  return (
    <>
      {editing ? (
        <section className="m-card" aria-labelledby="m-nd-edit-head">
          <h1 id="m-nd-edit-head" className="m-vl-title">
            修改接单意愿
          </h1>
          <ProfileForm key={profile.version} profile={profile} onDone={() => setEditing(false)} />
        </section>
      ) : (
        <ProfileSummary p={profile} onEdit={() => setEditing(true)} />
      )}

      {claim.error && (
        <Alert type="error" showIcon role="alert" title={errorMessage(claim.error)} style={{ marginBottom: 12 }} closable={{ onClose: () => claim.reset() }} />
      )}

      <h2 className="m-vl-h2">待接单</h2>
      {open.length === 0 ? (
        <section className="m-card">
          <p className="m-vl-empty">{profile.accepting ? '暂时没有待接单的需求。附近群众发布需求后会推送给您。' : '您已暂停接单。需要接单时请点击“修改”打开“现在接单”。'}</p>
        </section>
      ) : (
        <ul className="m-vl-list" data-testid="m-serve-open-list">
          {open.map((n) => (
            <li key={n.id} className="m-card m-vl-item" data-testid="m-serve-open" data-id={n.id}>
              <Head n={n} />
              <Button
                type="primary"
                className="m-vl-action"
                loading={claim.isPending && claim.variables === n.id}
                disabled={claim.isPending && claim.variables !== n.id}
                onClick={() => {
                  claim.reset();
                  claim.mutate(n.id, { onSuccess: () => void message.success(`已接单：${n.title}，请尽快联系群众`) });
                }}
                aria-label={`接单：${n.title}`}
              >
                接单
              </Button>
            </li>
          ))}
        </ul>
      )}

      <h2 className="m-vl-h2">我接的单</h2>
      {mine.length === 0 ? (
        <section className="m-card">
          <p className="m-vl-empty">还没有接过单。</p>
        </section>
      ) : (
        <ul className="m-vl-list" data-testid="m-serve-mine-list">
          {mine.map((n) => (
            <MineCard key={`${n.id}:${n.version}`} n={n} />
          ))}
        </ul>
      )}
    </>
  );
}
