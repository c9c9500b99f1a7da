import { useRef, useState } from 'react';
import { Alert, App, Button, Form, Input, Segmented, Select, Tag } from 'antd';
import { PlayCircleOutlined, VideoCameraOutlined, WarningOutlined } from '@ant-design/icons';
import { CreatePostBody, POST_KINDS, POST_STATUSES, ReportPostBody, VIDEO_MIME } from '../../../contracts/post';
import { formatDateTime } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { usePageTitle } from '../../shared/use-title';
import { zodRule } from '../../shared/zod-rule';
import {
  formatDuration, POST_STATUS_COLORS, thumbnailUrl, useCreatePost, useMyPosts, usePostFeed, useReportPost, useUploadVideo, useWithdrawPost, videoUrl, type FeedPost, type MyPosts, type PostView,
} from '../post/api';
import { MobileError, MobileLoading } from './MobileStates';
import './volunteer.css';
import './posts.css';

// 短视频 on the phone of a member or a resident: the feed (the published posts
// whose audience holds the viewer's org: thumbnail, the player on a tap,
// 举报), publishing a text or a short video to an audience chosen (their own
// community or branch, or an org above it), and 我发布的 with each post's
// status and the reviewer's reason; 撤回.

const ACCEPT = 'video/mp4,video/quicktime,video/webm,.mp4,.mov,.webm';

function Player({ p }: { p: Pick<PostView, 'id' | 'durationMs' | 'authorName'> }) {
  const [playing, setPlaying] = useState(false);
  return playing ? (
    <video className="m-ps-video" src={videoUrl(p.id)} controls autoPlay playsInline preload="metadata" data-testid="m-post-player" aria-label={`${p.authorName}的短视频`} />
  ) : (
    <button type="button" className="m-ps-video m-ps-thumb" onClick={() => setPlaying(true)} aria-label={`播放${p.authorName}的短视频`} data-testid="m-post-thumb">
      <img src={thumbnailUrl(p.id)} alt="" />
      <PlayCircleOutlined className="m-ps-play" />
      {p.durationMs !== null && <span className="m-ps-duration">{formatDuration(p.durationMs)}</span>}
    </button>
  );
}

function ReportForm({ p, onClose }: { p: FeedPost; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason?: string }>();
  const report = useReportPost();
  const [error, setError] = useState<string | null>(null);
  const onFinish = async (v: { reason?: string }) => {
    setError(null);
    try {
      const r = await report.mutateAsync({ id: p.id, body: { reason: (v.reason ?? '').trim() } });
      void message.success(r.hidden ? '举报已收到，该内容已暂停展示，等待重新审核' : '举报已收到，审核人员会尽快处理');
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Form form={form} layout="vertical" requiredMark={false} name={`post-report-${p.id}`} onFinish={onFinish} className="m-ps-inline">
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
      <Form.Item name="reason" label="举报原因" rules={[{ required: true, whitespace: true, message: '请填写举报原因' }, zodRule(ReportPostBody.shape.reason)]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={200} placeholder="如：虚假信息、广告、低俗内容" aria-label="举报原因" />
      </Form.Item>
      <div className="m-vl-buttons">
        <Button onClick={onClose}>返回</Button>
        <Button danger type="primary" htmlType="submit" loading={report.isPending}>
          提交举报
        </Button>
      </div>
    </Form>
  );
}

function FeedCard({ p }: { p: FeedPost }) {
  const [reporting, setReporting] = useState(false);
  return (
    <li className="m-card m-vl-item" data-testid="m-feed-post" data-id={p.id}>
      <div className="m-vl-head">
        <span className="m-vl-name">{p.authorName}</span>
        <span className="m-ps-time">{formatDateTime(p.publishedAt)}</span>
      </div>
      {p.body && <div className="m-ps-text">{p.body}</div>}
      {p.kind === 'video' && p.hasVideo && <Player p={p} />}
      <div className="m-ps-foot">
        <span className="m-ps-audience">{p.authorKind === 'member' ? '党员' : '群众'} · 发给{p.audienceName}</span>
        {!p.mine && !reporting && (
          <Button type="link" size="small" className="m-ps-report" disabled={p.reportedByMe} onClick={() => setReporting(true)} aria-label={`举报${p.authorName}的${POST_KINDS[p.kind]}`}>
            <WarningOutlined /> {p.reportedByMe ? '已举报' : '举报'}
          </Button>
        )}
      </div>
      {reporting && <ReportForm p={p} onClose={() => setReporting(false)} />}
    </li>
  );
}

interface PublishValues {
  body?: string;
  audienceOrgId?: string;
}

function PublishForm({ mine, onDone }: { mine: MyPosts; onDone: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<PublishValues>();
  const [kind, setKind] = useState<'text' | 'video'>('video');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const create = useCreatePost();
  const upload = useUploadVideo();
  const options = mine.audiences.map((a, i) => ({ value: a.orgId, label: i === 0 ? `${a.name}（本组织）` : a.name }));

  const onFinish = async (v: PublishValues) => {
    setError(null);
    try {
      if (kind === 'text') {
        await create.mutateAsync({ body: (v.body ?? '').trim(), audienceOrgId: v.audienceOrgId! });
        void message.success('已提交，审核通过后发布');
      } else {
        if (!file) {
          setError('请选择视频文件');
          return;
        }
        await upload.mutateAsync({ file, body: (v.body ?? '').trim(), audienceOrgId: v.audienceOrgId! });
        void message.success('视频已上传，转码完成并审核通过后发布');
      }
      form.resetFields();
      setFile(null);
      onDone();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };

  return (
    <Form<PublishValues> form={form} layout="vertical" size="large" requiredMark={false} name="post-publish" onFinish={onFinish} initialValues={{ body: '', audienceOrgId: mine.audiences[0]?.orgId }}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} data-testid="m-post-error" />}
      <Segmented<'text' | 'video'> block value={kind} onChange={setKind} options={[{ value: 'video', label: '短视频' }, { value: 'text', label: '文字动态' }]} style={{ marginBottom: 16 }} aria-label="发布类型" />
      {kind === 'video' && (
        <div className="m-ps-file">
          <input ref={input} type="file" accept={ACCEPT} style={{ display: 'none' }} data-testid="m-post-file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-label="选择视频" />
          <Button icon={<VideoCameraOutlined />} className="m-action" onClick={() => input.current?.click()}>
            {file ? '重新选择视频' : '拍摄或选择视频'}
          </Button>
          <div className="m-ps-hint">{file ? `已选择：${file.name}（${(file.size / 1024 / 1024).toFixed(1)} MB）` : `支持 ${[...new Set(Object.values(VIDEO_MIME))].join('、')}，60 秒以内`}</div>
        </div>
      )}
      <Form.Item name="body" label={kind === 'text' ? '内容' : '说明（可不填）'} rules={kind === 'text' ? [{ required: true, whitespace: true, message: '请写点内容' }, zodRule(CreatePostBody.shape.body)] : [{ max: 500, message: '内容不超过500字' }]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={500} showCount placeholder={kind === 'text' ? '分享身边的好人好事、社区活动…' : '给视频配一句话'} aria-label="内容" />
      </Form.Item>
      <Form.Item name="audienceOrgId" label="谁可以看到" rules={[{ required: true, message: '请选择谁可以看到' }]}>
        <Select options={options} aria-label="谁可以看到" />
      </Form.Item>
      <Button type="primary" htmlType="submit" className="m-action" loading={create.isPending || upload.isPending} data-testid="m-post-submit">
        {upload.isPending ? '正在上传…' : '提交审核'}
      </Button>
    </Form>
  );
}

function MyPostCard({ p }: { p: PostView }) {
  const { message } = App.useApp();
  const withdraw = useWithdrawPost();
  return (
    <li className="m-card m-vl-item" data-testid="m-my-post" data-id={p.id}>
      <div className="m-vl-head">
        <span className="m-vl-name">
          {POST_KINDS[p.kind]} · {formatDateTime(p.createdAt)}
        </span>
        <Tag color={POST_STATUS_COLORS[p.status]} data-testid="m-my-post-status">
          {POST_STATUSES[p.status]}
        </Tag>
      </div>
      {p.body && <div className="m-ps-text">{p.body}</div>}
      {p.kind === 'video' && p.hasVideo && <Player p={p} />}
      <div className="m-ps-audience">发给{p.audienceName}</div>
      {p.status === 'processing' && <div className="m-vl-line">视频正在转码，完成后交审核。</div>}
      {p.status === 'pending_review' && <div className="m-vl-line">等待审核，通过后展示给{p.audienceName}。</div>}
      {p.failure && <div className="m-ps-reason">处理失败：{p.failure}</div>}
      {p.reason && p.status !== 'published' && <div className="m-ps-reason">{p.status === 'rejected' ? '未通过原因' : '暂停原因'}：{p.reason}</div>}
      {p.status !== 'withdrawn' && (
        <Button
          className="m-vl-action"
          onClick={() =>
            void withdraw.mutateAsync(p.id).then(
              () => message.success('已撤回'),
              (e: unknown) => message.error(e instanceof Error ? e.message : '撤回失败'),
            )
          }
          loading={withdraw.isPending}
          aria-label={`撤回${POST_KINDS[p.kind]}`}
        >
          撤回
        </Button>
      )}
    </li>
  );
}

export function MobilePostsPage() {
  usePageTitle('短视频');
  const [tab, setTab] = useState<'feed' | 'mine'>('feed');
  const [publishing, setPublishing] = useState(false);
  const feed = usePostFeed();
  const mine = useMyPosts();

  return (
    <>
      <section className="m-card" aria-labelledby="m-ps-head">
        <h1 id="m-ps-head" className="m-vl-title">
          短视频与动态
        </h1>
        <p className="m-vl-empty">分享身边的好人好事和社区活动。发布的内容经所在村（社区）或党支部审核后，展示给您选择的范围。</p>
        {publishing && mine.data ? (
          <div className="m-ps-publish">
            <PublishForm
              mine={mine.data}
              onDone={() => {
                setPublishing(false);
                setTab('mine');
              }}
            />
            <Button className="m-action" style={{ marginTop: 8 }} onClick={() => setPublishing(false)}>
              取消
            </Button>
          </div>
        ) : (
          <Button type="primary" className="m-action" style={{ marginTop: 12 }} onClick={() => setPublishing(true)} disabled={!mine.data} data-testid="m-post-new">
            发布
          </Button>
        )}
      </section>
      <Segmented<'feed' | 'mine'> block value={tab} onChange={setTab} options={[{ value: 'feed', label: '大家的' }, { value: 'mine', label: '我发布的' }]} className="m-ps-tabs" aria-label="查看" />
      {tab === 'feed' ? (
        feed.isPending ? (
          <MobileLoading />
        ) : feed.isError ? (
          <MobileError error={feed.error} onRetry={() => void feed.refetch()} title="短视频加载失败" contact="所在村（社区）" />
        ) : feed.data.items.length === 0 ? (
          <section className="m-card">
            <p className="m-vl-empty">还没有可以看的内容。</p>
          </section>
        ) : (
          <ul className="m-vl-list" data-testid="m-feed">
            {feed.data.items.map((p) => (
              <FeedCard key={`${p.id}:${p.version}`} p={p} />
            ))}
          </ul>
        )
      ) : mine.isPending ? (
        <MobileLoading />
      ) : mine.isError ? (
        <MobileError error={mine.error} onRetry={() => void mine.refetch()} title="我发布的内容加载失败" contact="所在村（社区）" />
      ) : mine.data.items.length === 0 ? (
        <section className="m-card">
          <p className="m-vl-empty">还没有发布过内容。</p>
        </section>
      ) : (
        <ul className="m-vl-list" data-testid="m-my-posts">
          {mine.data.items.map((p) => (
            <MyPostCard key={`${p.id}:${p.version}`} p={p} />
          ))}
        </ul>
      )}
    </>
  );
}
