import { useState } from 'react';
import { Alert, App, Breadcrumb, Button, Card, Descriptions, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { SendOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router';
import { NEED_CATEGORIES, RATING_LABELS } from '../../../contracts/need';
import { errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { SkillTags } from '../volunteer/VolunteerPage';
import { kmText, needWindow, useMatchNeed, useNeed, type NeedCandidate } from './api';
import { NeedStatusTag } from './NeedsPage';
import './need.css';

// 群众需求 (console): the need's facts, its status and the resident's rating;
// the volunteers ranked for it (skill, distance between grids, availability,
// recent load) with those already pushed marked, and 派单 while it is open:
// to the volunteers ticked, or 推送给最佳人选 (the best few not yet pushed).

const yesNo = (ok: boolean) => (ok ? <Tag color="success">匹配</Tag> : <Tag>不匹配</Tag>);

export function Stars({ rating }: { rating: number }) {
  return (
    <span className="nd-rating" aria-label={`${rating} 星`}>
      {'★'.repeat(rating)}
      {'☆'.repeat(5 - rating)}
    </span>
  );
}

export function NeedDetailPage() {
  const { id } = useParams();
  const q = useNeed(id);
  usePageTitle(q.data ? q.data.need.title : '群众需求');
  const me = useMe().data;
  const manage = can(me, 'volunteer.manage');
  const { message } = App.useApp();
  const match = useMatchNeed();
  const [selected, setSelected] = useState<string[]>([]);

  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="需求加载失败" />;
  const d = q.data;
  const n = d.need;
  const open = n.status === 'open';
  // the candidates ranked, then whoever was pushed and is no longer among them
  const ranked = new Set(d.candidates.map((c) => c.profileId));
  const rows = [...d.candidates, ...d.pushed.filter((p) => !ranked.has(p.profileId))];

  const push = (profileIds?: string[]) => {
    match.reset();
    match.mutate(
      { id: n.id, body: profileIds ? { profileIds } : {} },
      {
        onSuccess: (after) => {
          const added = after.pushed.length - d.pushed.length;
          setSelected([]);
          void message.success(added > 0 ? `已推送给 ${added} 名志愿者` : '没有新的志愿者可推送');
        },
      },
    );
  };

  const columns: ColumnsType<NeedCandidate> = [
    { title: '姓名', dataIndex: 'name', key: 'name', width: 90 },
    { title: '身份', key: 'kind', width: 70, render: (_: unknown, c) => (c.kind === 'member' ? <Tag color="red">党员</Tag> : <Tag>群众</Tag>) },
    { title: '组织', dataIndex: 'orgName', key: 'org', width: 170 },
    { title: '技能', key: 'skills', width: 190, render: (_: unknown, c) => <SkillTags skills={c.skills} /> },
    { title: '距离', key: 'distance', width: 80, align: 'right', render: (_: unknown, c) => kmText(c.distanceKm) },
    { title: '技能匹配', key: 'skillMatch', width: 90, render: (_: unknown, c) => yesNo(c.skillMatch) },
    { title: '时间匹配', key: 'availabilityMatch', width: 90, render: (_: unknown, c) => yesNo(c.availabilityMatch) },
    { title: '近期接单', key: 'recentLoad', width: 80, align: 'right', render: (_: unknown, c) => c.recentLoad },
    { title: '得分', key: 'score', width: 70, align: 'right', render: (_: unknown, c) => <strong>{Math.round(c.score * 10) / 10}</strong> },
    {
      title: '已推送时间',
      key: 'pushedAt',
      width: 140,
      render: (_: unknown, c) => (c.pushedAt ? <span data-testid="candidate-pushed">{formatDateTime(c.pushedAt)}</span> : <Typography.Text type="secondary">未推送</Typography.Text>),
    },
  ];

  return (
    <Card>
      <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: <Link to="/admin/needs">群众需求</Link> }, { title: n.title }]} />
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>
            {n.title} <NeedStatusTag n={n} />
          </Typography.Title>
          {n.detail && <Typography.Text type="secondary">{n.detail}</Typography.Text>}
        </Space>
      </div>
      {n.status === 'cancelled' && <Alert type="warning" showIcon title={`群众已撤回${n.cancelReason ? `：${n.cancelReason}` : ''}`} style={{ marginBottom: 16 }} />}
      {n.escalatedAt && open && <Alert type="error" showIcon title={`${formatDateTime(n.escalatedAt)} 超时无人接单，已上报社区。请尽快派单或联系群众。`} style={{ marginBottom: 16 }} />}
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} style={{ marginBottom: 16 }} data-testid="need-facts">
        <Descriptions.Item label="类别">{NEED_CATEGORIES[n.category].label}</Descriptions.Item>
        <Descriptions.Item label="发布人">{n.publisherName}</Descriptions.Item>
        <Descriptions.Item label="发布时间">{formatDateTime(n.publishedAt)}</Descriptions.Item>
        <Descriptions.Item label="村（社区）">{n.gridName ? `${n.communityName} · ${n.gridName}` : n.communityName}</Descriptions.Item>
        <Descriptions.Item label="地点">{n.place}</Descriptions.Item>
        <Descriptions.Item label="期望时间">{needWindow(n)}</Descriptions.Item>
        <Descriptions.Item label="接单志愿者">{n.volunteerName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="接单时间">{formatDateTime(n.claimedAt)}</Descriptions.Item>
        <Descriptions.Item label="办结时间">{formatDateTime(n.completedAt)}</Descriptions.Item>
        {n.completionNote && (
          <Descriptions.Item label="办理情况" span={3}>
            {n.completionNote}
          </Descriptions.Item>
        )}
        {n.rating !== null && (
          <Descriptions.Item label="群众评价" span={3}>
            <span data-testid="need-rating">
              <Stars rating={n.rating} /> {RATING_LABELS[n.rating as keyof typeof RATING_LABELS]}
              {n.ratingComment ? `：${n.ratingComment}` : ''}
            </span>
          </Descriptions.Item>
        )}
      </Descriptions>

      <Typography.Title level={4}>派单</Typography.Title>
      <div className="nd-match-bar">
        <Typography.Text type="secondary" className="nd-match-note">
          {open ? `按技能、距离、可服务时间和近期接单量排序的志愿者；已推送 ${d.pushed.length} 人。勾选后派单，或推送给得分最高且尚未推送的几位。` : `需求${n.status === 'cancelled' ? '已撤回' : '已有人接单'}，不再派单；已推送 ${d.pushed.length} 人。`}
        </Typography.Text>
        {manage && open && (
          <>
            <Button icon={<SendOutlined />} type="primary" disabled={selected.length === 0} loading={match.isPending && !!match.variables?.body.profileIds} onClick={() => push(selected)}>
              派单给所选{selected.length ? `（${selected.length}）` : ''}
            </Button>
            <Tooltip title="推送给得分最高、尚未推送的几位志愿者">
              <Button icon={<ThunderboltOutlined />} loading={match.isPending && !match.variables?.body.profileIds} onClick={() => push()}>
                推送给最佳人选
              </Button>
            </Tooltip>
          </>
        )}
      </div>
      {match.error && <Alert type="error" showIcon role="alert" title={errorMessage(match.error)} style={{ marginBottom: 12 }} />}
      <Table<NeedCandidate>
        rowKey="profileId"
        size="middle"
        data-testid="need-candidates"
        dataSource={rows}
        columns={columns}
        scroll={{ x: 1080 }}
        loading={q.isFetching}
        rowSelection={
          manage && open
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys.map(String)),
                getCheckboxProps: (c) => ({ disabled: !!c.pushedAt, 'aria-label': `选择：${c.name}` }),
              }
            : undefined
        }
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: '该村（社区）还没有愿意接单的志愿者' }}
      />
    </Card>
  );
}
