import { useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Empty, Form, Input, Modal, Pagination, Select, Space, Spin, Tag, Typography } from 'antd';
import { PlayCircleOutlined, WarningOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import { MODERATION_ACTIONS, POST_KINDS, POST_STATUSES, type ModerationAction, type PostStatus } from '../../../contracts/post';
import { errorMessage } from '../../shared/api';
import { usePageOrg } from '../../shared/current-org';
import { formatDateTime } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { can, useMe } from '../../shared/session';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { formatDuration, POST_STATUS_COLORS, thumbnailUrl, useModeratePost, useModerationQueue, videoUrl, type ModerationPost } from './api';
import './post.css';

// 内容审核 (console): the posts and short videos of members and residents
// whose moderating org (the resident's community, the member's branch) is in
// the caller's scope — waiting for review and reported ones first. The video
// plays inline (by byte ranges); 通过 publishes, 不通过 and 暂停展示 need a reason
// the author is told; 恢复展示 puts a hidden post back.

const statusOptions = (Object.keys(POST_STATUSES) as PostStatus[]).filter((s) => s !== 'withdrawn').map((k) => ({ value: k, label: POST_STATUSES[k] }));
const kindOptions = (['text', 'video'] as const).map((k) => ({ value: k, label: POST_KINDS[k] }));

function VideoBox({ p }: { p: ModerationPost }) {
  const [playing, setPlaying] = useState(false);
  if (p.kind !== 'video') return null;
  if (!p.hasVideo) return <div className="pm-video pm-video-wait">{p.status === 'failed' ? '视频处理失败' : '视频转码中…'}</div>;
  return playing ? (
    <video className="pm-video" src={videoUrl(p.id)} controls autoPlay playsInline preload="metadata" data-testid="pm-player" aria-label={`${p.authorName}的短视频`} />
  ) : (
    <button type="button" className="pm-video pm-thumb" onClick={() => setPlaying(true)} aria-label={`播放${p.authorName}的短视频`} data-testid="pm-thumb">
      <img src={thumbnailUrl(p.id)} alt="" />
      <PlayCircleOutlined className="pm-play" />
      {p.durationMs !== null && <span className="pm-duration">{formatDuration(p.durationMs)}</span>}
    </button>
  );
}

function ReasonModal({ p, action, onClose }: { p: ModerationPost; action: 'reject' | 'hide'; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason?: string }>();
  const moderate = useModeratePost();
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      await moderate.mutateAsync({ id: p.id, body: { action, reason: (v.reason ?? '').trim() } });
      void message.success(action === 'reject' ? '已不予通过，已通知发布人' : '已暂停展示，已通知发布人');
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`${MODERATION_ACTIONS[action]}：${p.authorName}的${POST_KINDS[p.kind]}`} okText={MODERATION_ACTIONS[action]} okButtonProps={{ danger: true, loading: moderate.isPending }} cancelText="取消" onOk={() => void submit()} onCancel={onClose} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="reason" label="原因（发布人会收到）" rules={[{ required: true, whitespace: true, message: '请填写原因' }, { min: 2, message: '请填写原因（至少2个字）' }, { max: 200, message: '原因不超过200字' }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={200} showCount placeholder="如：含商业广告；内容与事实不符" aria-label="原因" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PostCard({ p, manage }: { p: ModerationPost; manage: boolean }) {
  const { message } = App.useApp();
  const moderate = useModeratePost();
  const [asking, setAsking] = useState<'reject' | 'hide' | null>(null);
  const act = async (action: ModerationAction) => {
    try {
      await moderate.mutateAsync({ id: p.id, body: { action } });
      void message.success(action === 'approve' ? '已通过并发布，已通知发布人' : '已恢复展示');
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };
  const canReview = p.status === 'pending_review' || p.status === 'hidden';
  return (
    <Card size="small" className="pm-card" data-testid="pm-post" data-id={p.id}>
      <div className="pm-card-body">
        <VideoBox p={p} />
        <div className="pm-main">
          <div className="pm-head">
            <Space size={4} wrap>
              <Tag color={POST_STATUS_COLORS[p.status]} data-testid="pm-status">
                {POST_STATUSES[p.status]}
              </Tag>
              <Tag>{POST_KINDS[p.kind]}</Tag>
              {p.reportCount > 0 && (
                <Tag color="error" icon={<WarningOutlined />}>
                  {p.reportCount} 人举报
                </Tag>
              )}
            </Space>
            <Typography.Text type="secondary" className="pm-time">
              {formatDateTime(p.createdAt)}
            </Typography.Text>
          </div>
          <div className="pm-author">
            <strong>{p.authorName}</strong>
            <Typography.Text type="secondary">
              {p.authorKind === 'resident' ? '群众' : '党员'} · {p.moderatingOrgName} · 可见范围：{p.audienceName}
            </Typography.Text>
          </div>
          {p.body ? <Typography.Paragraph className="pm-text">{p.body}</Typography.Paragraph> : <Typography.Text type="secondary">（无文字说明）</Typography.Text>}
          {p.reason && <div className="pm-reason">{p.status === 'rejected' ? '不通过原因' : '暂停原因'}：{p.reason}</div>}
          {p.failure && <div className="pm-reason">处理失败：{p.failure}</div>}
          {p.reports.length > 0 && (
            <ul className="pm-reports" aria-label="举报记录" data-testid="pm-reports">
              {p.reports.map((r, i) => (
                <li key={i}>
                  <Typography.Text type="secondary">{formatDateTime(r.createdAt)}</Typography.Text> {r.reporterName}：{r.reason}
                </li>
              ))}
            </ul>
          )}
          {manage && (
            <Space wrap className="pm-actions">
              {canReview && (
                <Button type="primary" onClick={() => void act('approve')} loading={moderate.isPending} disabled={p.kind === 'video' && !p.hasVideo} data-testid="pm-approve">
                  {p.status === 'hidden' ? '恢复展示' : '通过发布'}
                </Button>
              )}
              {canReview && (
                <Button danger onClick={() => setAsking('reject')} data-testid="pm-reject">
                  不通过
                </Button>
              )}
              {p.status === 'published' && (
                <Button danger onClick={() => setAsking('hide')} data-testid="pm-hide">
                  暂停展示
                </Button>
              )}
            </Space>
          )}
        </div>
      </div>
      {asking && <ReasonModal p={p} action={asking} onClose={() => setAsking(null)} />}
    </Card>
  );
}

export function PostsModerationPage() {
  usePageTitle('内容审核');
  const me = useMe().data;
  const orgId = usePageOrg();
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status = statusParam && statusParam in POST_STATUSES ? (statusParam as PostStatus) : undefined;
  const reported = params.get('reported') === 'true';
  const kindParam = params.get('kind');
  const kind = kindParam === 'text' || kindParam === 'video' ? kindParam : undefined;
  const [page, setPage] = useState(1);
  const list = useModerationQueue({ orgId, status, reported: reported ? 'true' : undefined, kind, page, pageSize: 12 });
  const manage = can(me, 'volunteer.manage');

  const setParam = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
    setPage(1);
  };

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>内容审核</Typography.Title>
          <Typography.Text type="secondary">党员和群众在手机上发布的动态与短视频，经所在村（社区）或党支部审核通过后才对选定的范围展示；被多人举报的内容自动暂停展示，等待重新审核。</Typography.Text>
        </Space>
        <OrgTreeSelect value={orgId} onChange={(id) => setParam({ orgId: id })} style={{ width: 260, minWidth: 0 }} placeholder="全部组织（可选择村、社区、支部）" aria-label="组织" />
      </div>
      <div className="pm-filters" role="search" aria-label="筛选内容">
        <Select<PostStatus> value={status} onChange={(v) => setParam({ status: v ?? null })} options={statusOptions} allowClear placeholder="全部状态" style={{ width: 130 }} aria-label="状态" />
        <Select<'text' | 'video'> value={kind} onChange={(v) => setParam({ kind: v ?? null })} options={kindOptions} allowClear placeholder="动态和短视频" style={{ width: 140 }} aria-label="类型" />
        <Checkbox checked={reported} onChange={(e) => setParam({ reported: e.target.checked ? 'true' : null })} data-testid="pm-reported-filter">
          只看被举报的
        </Checkbox>
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="内容加载失败" />
      ) : list.isPending ? (
        <div className="pm-loading">
          <Spin />
        </div>
      ) : list.data.items.length === 0 ? (
        status || reported || kind ? <Empty description="没有符合条件的内容。请调整筛选条件。" /> : <EmptyState description="还没有需要审核的内容。党员和群众可在手机端「短视频」中发布。" />
      ) : (
        <>
          <div className="pm-grid" data-testid="pm-posts">
            {list.data.items.map((p) => (
              <PostCard key={`${p.id}:${p.version}`} p={p} manage={manage} />
            ))}
          </div>
          <Pagination className="pm-pager" current={page} pageSize={12} total={list.data.total} onChange={setPage} showTotal={(t) => `共 ${t} 条`} showSizeChanger={false} />
        </>
      )}
    </Card>
  );
}
