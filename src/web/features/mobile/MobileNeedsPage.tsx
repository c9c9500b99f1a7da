import { useState } from 'react';
import { Alert, App, Button, Form, Input, Select, Tag } from 'antd';
import { ClockCircleOutlined, EnvironmentOutlined, PhoneOutlined, UserOutlined } from '@ant-design/icons';
import { CancelNeedBody, NEED_CATEGORIES, NEED_STATUSES, PublishNeedBody, RATING_LABELS, RateNeedBody, type NeedCategory } from '../../../contracts/need';
import { todayShanghai } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { usePageTitle } from '../../shared/use-title';
import { zodRule } from '../../shared/zod-rule';
import { NEED_STATUS_COLORS, needWindow, useCancelNeed, useMyNeeds, usePublishNeed, useRateNeed, type NeedView } from '../need/api';
import { MobileError, MobileLoading } from './MobileStates';
import './volunteer.css';
import './needs.css';

// 我的需求 on a resident's phone: 发布需求 (点单: what, where, when), the
// needs published with their status, 撤回 (with the reason) while nobody has
// claimed one, the volunteer who claimed it and what they did, and 评价
// (1–5 stars and a comment) once it is done.

const categoryOptions = (Object.keys(NEED_CATEGORIES) as NeedCategory[]).map((k) => ({ value: k, label: NEED_CATEGORIES[k].label }));
const RATINGS = [1, 2, 3, 4, 5] as const;
const SHAPE = PublishNeedBody.shape;

/** A datetime-local value (Beijing wall-clock time) as ISO with +08:00. */
export const localToIso = (v: string) => `${v.slice(0, 16)}:00+08:00`;

/** The day after a YYYY-MM-DD day. */
function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

interface PublishValues {
  category?: NeedCategory;
  title?: string;
  detail?: string;
  place?: string;
  windowFrom?: string;
  windowTo?: string;
}

function PublishForm({ onDone }: { onDone: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<PublishValues>();
  const publish = usePublishNeed();
  const [error, setError] = useState<string | null>(null);
  const tomorrow = nextDay(todayShanghai());

  const onFinish = async (v: PublishValues) => {
    setError(null);
    try {
      await publish.mutateAsync({
        category: v.category!,
        title: (v.title ?? '').trim(),
        detail: (v.detail ?? '').trim(),
        place: (v.place ?? '').trim(),
        windowFrom: localToIso(v.windowFrom!),
        windowTo: localToIso(v.windowTo!),
      });
      void message.success('需求已发布，附近的志愿者接单后会与您联系');
      form.resetFields();
      onDone();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };

  return (
    <Form<PublishValues>
      form={form}
      layout="vertical"
      size="large"
      requiredMark={false}
      name="need-publish"
      onFinish={onFinish}
      initialValues={{ detail: '', windowFrom: `${tomorrow}T09:00`, windowTo: `${tomorrow}T11:00` }}
    >
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form.Item name="category" label="需求类别" rules={[{ required: true, message: '请选择需求类别' }]}>
        <Select options={categoryOptions} placeholder="选择需求类别" aria-label="需求类别" />
      </Form.Item>
      <Form.Item name="title" label="需求标题" rules={[{ required: true, whitespace: true, message: '请用一句话说明需求' }, zodRule(SHAPE.title)]}>
        <Input maxLength={40} placeholder="如：帮忙修理厨房水龙头" aria-label="需求标题" />
      </Form.Item>
      <Form.Item name="detail" label="需求说明" rules={[zodRule(SHAPE.detail)]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} showCount placeholder="具体情况、需要注意的事项（可不填）" aria-label="需求说明" />
      </Form.Item>
      <Form.Item name="place" label="服务地点" rules={[{ required: true, whitespace: true, message: '请填写服务地点' }, zodRule(SHAPE.place)]}>
        <Input maxLength={100} placeholder="如：和平小区3栋2单元501" aria-label="服务地点" />
      </Form.Item>
      <div className="m-nd-window">
        <Form.Item name="windowFrom" label="开始时间" rules={[{ required: true, message: '请选择开始时间' }]}>
          <Input type="datetime-local" aria-label="开始时间" />
        </Form.Item>
        <Form.Item
          name="windowTo"
          label="结束时间"
          dependencies={['windowFrom']}
          rules={[
            { required: true, message: '请选择结束时间' },
            ({ getFieldValue }) => ({
              validator: async (_: unknown, to: string | undefined) => {
                const from = getFieldValue('windowFrom') as string | undefined;
                if (to && from && to <= from) throw new Error('结束时间须晚于开始时间');
              },
            }),
          ]}
        >
          <Input type="datetime-local" aria-label="结束时间" />
        </Form.Item>
      </div>
      <Button type="primary" htmlType="submit" className="m-action" loading={publish.isPending}>
        发布需求
      </Button>
    </Form>
  );
}

function CancelForm({ n, onClose }: { n: NeedView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason?: string }>();
  const cancel = useCancelNeed();
  const [error, setError] = useState<string | null>(null);
  const onFinish = async (v: { reason?: string }) => {
    setError(null);
    try {
      await cancel.mutateAsync({ id: n.id, body: { reason: (v.reason ?? '').trim() } });
      void message.success(`已撤回：${n.title}`);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Form form={form} layout="vertical" requiredMark={false} name={`need-cancel-${n.id}`} onFinish={onFinish} className="m-nd-inline">
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
      <Form.Item name="reason" label="撤回原因" rules={[{ required: true, whitespace: true, message: '请填写撤回原因' }, zodRule(CancelNeedBody.shape.reason)]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={200} placeholder="如：问题已自行解决" aria-label="撤回原因" />
      </Form.Item>
      <div className="m-vl-buttons">
        <Button onClick={onClose}>返回</Button>
        <Button danger type="primary" htmlType="submit" loading={cancel.isPending}>
          确认撤回
        </Button>
      </div>
    </Form>
  );
}

function RateForm({ n }: { n: NeedView }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ rating?: number; comment?: string }>();
  const rate = useRateNeed();
  const rating = Form.useWatch('rating', form);
  const [error, setError] = useState<string | null>(null);
  const onFinish = async (v: { rating?: number; comment?: string }) => {
    setError(null);
    try {
      await rate.mutateAsync({ id: n.id, body: { rating: v.rating!, comment: (v.comment ?? '').trim() } });
      void message.success('感谢您的评价');
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Form form={form} layout="vertical" requiredMark={false} name={`need-rate-${n.id}`} onFinish={onFinish} className="m-nd-inline" data-testid="m-need-rate">
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
      <Form.Item name="rating" label="评价服务" rules={[{ required: true, message: '请评分' }]}>
        <RatingButtons />
      </Form.Item>
      {rating && <div className="m-nd-rating-label">{RATING_LABELS[rating as keyof typeof RATING_LABELS]}</div>}
      <Form.Item name="comment" label="评价内容" rules={[zodRule(RateNeedBody.shape.comment)]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={200} placeholder="说说志愿者的服务（可不填）" aria-label="评价内容" />
      </Form.Item>
      <Button type="primary" htmlType="submit" className="m-vl-action" loading={rate.isPending}>
        提交评价
      </Button>
    </Form>
  );
}

/** 1–5 stars as five buttons (a Form control). */
function RatingButtons({ value, onChange, id }: { value?: number; onChange?: (v: number) => void; id?: string }) {
  return (
    <div className="m-nd-stars" role="radiogroup" aria-label="评分" id={id}>
      {RATINGS.map((r) => (
        <button
          key={r}
          type="button"
          role="radio"
          aria-checked={value === r}
          aria-label={`${r} 星：${RATING_LABELS[r]}`}
          className={value !== undefined && r <= value ? 'm-nd-star m-nd-star-on' : 'm-nd-star'}
          onClick={() => onChange?.(r)}
        >
          ★
        </button>
      ))}
    </div>
  );
}

export function NeedFacts({ n }: { n: Pick<NeedView, 'place' | 'windowFrom' | 'windowTo'> }) {
  return (
    <>
      <div className="m-vl-line">
        <ClockCircleOutlined />
        {needWindow(n)}
      </div>
      <div className="m-vl-line">
        <EnvironmentOutlined />
        {n.place}
      </div>
    </>
  );
}

export function NeedRating({ n }: { n: Pick<NeedView, 'rating' | 'ratingComment'> }) {
  if (n.rating === null) return null;
  return (
    <div className="m-vl-line" data-testid="m-need-rating">
      评价 <span className="m-nd-stars-shown">{'★'.repeat(n.rating) + '☆'.repeat(5 - n.rating)}</span> {RATING_LABELS[n.rating as keyof typeof RATING_LABELS]}
      {n.ratingComment ? `：${n.ratingComment}` : ''}
    </div>
  );
}

function NeedCard({ n }: { n: NeedView }) {
  const [cancelling, setCancelling] = useState(false);
  return (
    <li className="m-card m-vl-item" data-testid="m-need" data-id={n.id}>
      <div className="m-vl-head">
        <span className="m-vl-name">{n.title}</span>
        <Tag color={NEED_STATUS_COLORS[n.status]} data-testid="m-need-status">
          {NEED_STATUSES[n.status]}
        </Tag>
      </div>
      <div className="m-vl-tags">
        <Tag color="blue">{NEED_CATEGORIES[n.category].label}</Tag>
        {n.escalatedAt && n.status === 'open' && <Tag color="warning">已上报社区</Tag>}
      </div>
      <NeedFacts n={n} />
      {n.detail && <div className="m-vl-line">{n.detail}</div>}
      {n.volunteerName && (
        <div className="m-vl-line" data-testid="m-need-volunteer">
          <UserOutlined />
          接单志愿者：{n.volunteerName}
        </div>
      )}
      {n.completionNote && <div className="m-vl-line">办理情况：{n.completionNote}</div>}
      {n.status === 'cancelled' && n.cancelReason && <div className="m-vl-line">撤回原因：{n.cancelReason}</div>}
      <NeedRating n={n} />
      {n.status === 'open' &&
        (cancelling ? (
          <CancelForm n={n} onClose={() => setCancelling(false)} />
        ) : (
          <Button className="m-vl-action" danger onClick={() => setCancelling(true)} aria-label={`撤回：${n.title}`}>
            撤回
          </Button>
        ))}
      {n.status === 'claimed' && (
        <div className="m-vl-line m-nd-hint">
          <PhoneOutlined />
          志愿者已接单，会与您联系；办结后可在这里评价。
        </div>
      )}
      {n.status === 'completed' && <RateForm n={n} />}
    </li>
  );
}

export function MobileNeedsPage() {
  usePageTitle('我的需求');
  const q = useMyNeeds();
  const [publishing, setPublishing] = useState(false);

  return (
    <>
      <section className="m-card" aria-labelledby="m-nd-head">
        <h1 id="m-nd-head" className="m-vl-title">
          我的需求
        </h1>
        <p className="m-vl-empty">遇到困难可以在这里发布需求（微心愿），平台会推送给附近的志愿者，志愿者接单后上门或联系您。</p>
        {publishing ? (
          <div className="m-nd-publish">
            <PublishForm onDone={() => setPublishing(false)} />
            <Button className="m-action" style={{ marginTop: 8 }} onClick={() => setPublishing(false)}>
              取消
            </Button>
          </div>
        ) : (
          <Button type="primary" className="m-action" style={{ marginTop: 12 }} onClick={() => setPublishing(true)}>
            发布需求
          </Button>
        )}
      </section>

      <h2 className="m-vl-h2">已发布的需求</h2>
      {q.isPending ? (
        <MobileLoading />
      ) : q.isError ? (
        <MobileError error={q.error} onRetry={() => void q.refetch()} title="我的需求加载失败" contact="所在村（社区）" />
      ) : q.data.items.length === 0 ? (
        <section className="m-card">
          <p className="m-vl-empty">还没有发布过需求。</p>
        </section>
      ) : (
        <ul className="m-vl-list" data-testid="m-needs">
          {q.data.items.map((n) => (
            <NeedCard key={`${n.id}:${n.version}`} n={n} />
          ))}
        </ul>
      )}
    </>
  );
}
