import { useState } from 'react';
import { Card, Checkbox, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { useNavigate, useSearchParams } from 'react-router';
import { NEED_CATEGORIES, NEED_STATUSES, type NeedStatus } from '../../../contracts/need';
import { usePageOrg } from '../../shared/current-org';
import { formatDateTime } from '../../shared/dates';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { NEED_STATUS_COLORS, useNeeds, type NeedAdminView } from './api';
import './need.css';

// 群众需求 (console): the needs published by residents of the communities of
// the caller's scope (or of the org chosen), by status or those escalated
// (超时上报: nobody claimed them in time). A row opens the need, its ranked
// candidates and 派单.

const statusOptions = (Object.keys(NEED_STATUSES) as NeedStatus[]).map((k) => ({ value: k, label: NEED_STATUSES[k] }));

export function NeedStatusTag({ n }: { n: Pick<NeedAdminView, 'status' | 'escalatedAt'> }) {
  return (
    <Space size={4} wrap>
      <Tag color={NEED_STATUS_COLORS[n.status]} data-testid="need-status" style={{ marginInlineEnd: 0 }}>
        {NEED_STATUSES[n.status]}
      </Tag>
      {n.escalatedAt && n.status === 'open' && (
        <Tooltip title={`${formatDateTime(n.escalatedAt)} 超时未接单，已上报社区`}>
          <Tag color="error" style={{ marginInlineEnd: 0 }}>
            超时上报
          </Tag>
        </Tooltip>
      )}
    </Space>
  );
}

export function NeedsPage() {
  usePageTitle('群众需求');
  const orgId = usePageOrg();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status = statusParam && statusParam in NEED_STATUSES ? (statusParam as NeedStatus) : undefined;
  const escalated = params.get('escalated') === 'true';
  const [page, setPage] = useState(1);
  const list = useNeeds({ orgId, status, escalated: escalated ? 'true' : undefined, page, pageSize: 20 });

  const setParam = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
    setPage(1);
  };

  const columns: ColumnsType<NeedAdminView> = [
    {
      title: '标题',
      key: 'title',
      width: 240,
      render: (_: unknown, n) => (
        <div className="nd-title-cell">
          <Typography.Link className="nd-title" onClick={() => navigate(`/admin/needs/${n.id}`)}>
            {n.title}
          </Typography.Link>
          <Typography.Text type="secondary" className="nd-sub">
            {n.place}
          </Typography.Text>
        </div>
      ),
    },
    { title: '类别', key: 'category', width: 110, render: (_: unknown, n) => <Tag color="blue">{NEED_CATEGORIES[n.category].label}</Tag> },
    {
      title: '村（社区）',
      key: 'community',
      width: 190,
      render: (_: unknown, n) => (
        <Space orientation="vertical" size={0}>
          <span>{n.communityName}</span>
          {n.gridName && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {n.gridName}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: '发布人', dataIndex: 'publisherName', key: 'publisher', width: 100 },
    { title: '状态', key: 'status', width: 150, render: (_: unknown, n) => <NeedStatusTag n={n} /> },
    { title: '发布时间', key: 'publishedAt', width: 140, render: (_: unknown, n) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(n.publishedAt)}</span> },
    { title: '推送人数', key: 'pushes', width: 90, align: 'right', render: (_: unknown, n) => <span data-testid="need-pushes">{n.pushes}</span> },
  ];

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>群众需求</Typography.Title>
          <Typography.Text type="secondary">群众在手机上发布需求（微心愿），平台按技能、距离、可服务时间和近期接单量推送给志愿者；志愿者接单、办结后由群众评价。超时无人接单的需求上报社区。</Typography.Text>
        </Space>
        <OrgTreeSelect value={orgId} onChange={(id) => setParam({ orgId: id })} style={{ width: 260, minWidth: 0 }} placeholder="全部组织（可选择村、社区）" aria-label="组织" />
      </div>
      <div className="nd-filters" role="search" aria-label="筛选需求">
        <Select<NeedStatus> value={status} onChange={(v) => setParam({ status: v ?? null })} options={statusOptions} allowClear placeholder="全部状态" style={{ width: 120 }} aria-label="需求状态" />
        <Checkbox checked={escalated} onChange={(e) => setParam({ escalated: e.target.checked ? 'true' : null })} data-testid="need-escalated-filter">
          只看超时上报
        </Checkbox>
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="需求加载失败" />
      ) : (
        <Table<NeedAdminView>
          rowKey="id"
          size="middle"
          className="nd-table"
          data-testid="needs"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 1020 }}
          onRow={(n) => ({ onClick: () => navigate(`/admin/needs/${n.id}`) })}
          locale={{
            emptyText: list.isPending ? ' ' : <EmptyState description={status || escalated ? '没有符合条件的需求。请调整筛选条件。' : '还没有群众发布需求。群众可在手机首页的“我的需求”中发布。'} />,
          }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 项需求`, showSizeChanger: false }}
        />
      )}
    </Card>
  );
}
