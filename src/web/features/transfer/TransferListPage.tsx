import { useState } from 'react';
import { Button, Card, Segmented, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { formatDate } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { SearchBox } from '../../shared/search-box';
import { LinkedFilters } from '../../shared/linked-filters';
import { useOrg } from '../org/api';
import { TRANSFER_KINDS, TRANSFER_STATUSES, type TransferKind, type TransferStatus } from '../../../contracts/transfer';
import { usePageTitle } from '../../shared/use-title';
import { useTransfers, type TransferFilters, type TransferListItem } from './api';
import { CreateTransferModal } from './CreateTransferModal';
import { TransferRequests } from './TransferRequests';
import { scopeLabel, TransferStatusTag } from './ui';

// 转接管理: the letters the viewer sends and receives, by tab.

const VIEWS = {
  outgoing: { label: '转出', filter: { direction: 'outgoing', status: 'all' } },
  incoming: { label: '转入', filter: { direction: 'incoming', status: 'all' } },
  approval: { label: '待审批', filter: { direction: 'all', status: 'approval' } },
  expiring: { label: '即将到期', filter: { direction: 'all', status: 'expiring' } },
  all: { label: '全部', filter: { direction: 'all', status: 'all' } },
} as const satisfies Record<string, { label: string; filter: Pick<TransferFilters, 'direction' | 'status'> }>;
type LetterView = keyof typeof VIEWS;
/** the letters by tab, or the members' own requests (党员申请; notifications link to ?tab=requests) */
type View = LetterView | 'requests';
const isView = (v: string | null): v is View => !!v && (v in VIEWS || v === 'requests');

const EMPTY: Record<LetterView, string> = {
  outgoing: '没有转出的介绍信。',
  incoming: '没有转入本组织的介绍信。',
  approval: '没有待审批的介绍信。',
  expiring: '没有即将到期的介绍信。',
  all: '还没有组织关系转接记录。',
};

/** The letters as a table; also used on the member detail page (one member's letters). */
export function TransferTable({ items, loading, pagination, emptyText, onPage }: {
  items: TransferListItem[];
  loading: boolean;
  pagination?: { page: number; pageSize: number; total: number };
  emptyText: React.ReactNode;
  onPage?: (page: number, pageSize: number) => void;
}) {
  const columns: ColumnsType<TransferListItem> = [
    { title: '党员', dataIndex: 'personName', key: 'personName', fixed: 'left', width: 90, render: (n: string, r) => <Link to={`/admin/transfers/${r.id}`}>{n}</Link> },
    { title: '转出组织', dataIndex: 'fromOrgName', key: 'fromOrgName', width: 190 },
    { title: '接收组织', dataIndex: 'toOrgName', key: 'toOrgName', width: 190 },
    { title: '范围', dataIndex: 'scope', key: 'scope', width: 130, render: scopeLabel },
    { title: '状态', dataIndex: 'status', key: 'status', width: 100, render: (s: TransferListItem['status'], r) => (
      <Space size={4} wrap>
        <TransferStatusTag status={s} />
        {r.expiringSoon && <Typography.Text type="warning" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>即将到期</Typography.Text>}
      </Space>
    ) },
    { title: '介绍信编号', dataIndex: 'letterCode', key: 'letterCode', width: 130, render: (c: string | null) => c ?? '—' },
    { title: '有效期至', dataIndex: 'validUntil', key: 'validUntil', width: 110, render: formatDate },
    { title: '操作', key: 'actions', width: 70, render: (_: unknown, r) => <Link to={`/admin/transfers/${r.id}`} aria-label={`查看 ${r.personName} 的介绍信`}>查看</Link> },
  ];
  return (
    <Table<TransferListItem>
      rowKey="id"
      loading={loading}
      dataSource={items}
      columns={columns}
      scroll={{ x: 1010 }}
      locale={{ emptyText }}
      pagination={
        pagination
          ? { current: pagination.page, pageSize: pagination.pageSize, total: pagination.total, showSizeChanger: true, pageSizeOptions: [10, 20, 50, 100], showTotal: (t) => `共 ${t} 件`, onChange: onPage }
          : false
      }
    />
  );
}

const LINKED_KEYS = ['orgId', 'orgRole', 'kind', 'status', 'issuedFrom', 'issuedTo'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readLinked(p: URLSearchParams) {
  const kind = p.get('kind');
  const status = p.get('status');
  const day = (k: string) => (DAY.test(p.get(k) ?? '') ? p.get(k)! : undefined);
  return {
    orgId: UUID.test(p.get('orgId') ?? '') ? p.get('orgId')! : undefined,
    orgRole: p.get('orgRole') === 'recorded' ? ('recorded' as const) : undefined,
    kind: kind && kind in TRANSFER_KINDS ? (kind as TransferKind) : undefined,
    status: status && status in TRANSFER_STATUSES ? (status as TransferStatus) : undefined,
    issuedFrom: day('issuedFrom'),
    issuedTo: day('issuedTo'),
  };
}

export function TransferListPage() {
  usePageTitle('转接管理');
  const me = useMe().data;
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const asked = params.get('view') ?? params.get('tab');
  const view: View = isView(asked) ? asked : 'outgoing';
  const q = params.get('q') || undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const pageSize = [10, 20, 50, 100].includes(Number(params.get('pageSize'))) ? Number(params.get('pageSize')) : 20;
  const [creating, setCreating] = useState(false);
  const letters = view !== 'requests';
  // a report's figure opens the letters recorded under an org, by kind, status and issue date
  const linked = readLinked(params);
  const linkedOrg = useOrg(linked.orgId);
  const base = VIEWS[letters ? view : 'outgoing'].filter;
  const { status: linkedStatus, ...linkedRest } = linked;
  const list = useTransfers({ ...base, status: linkedStatus ?? base.status, ...linkedRest, q, page, pageSize }, letters);

  const update = (patch: { view?: View; q?: string; page?: number; pageSize?: number }, keepLinked = true) => {
    const next = { view, q, page: 1, pageSize, ...patch };
    const out: Record<string, string> = {};
    if (keepLinked) for (const k of LINKED_KEYS) if (params.get(k)) out[k] = params.get(k)!;
    if (next.view !== 'outgoing') out.view = next.view;
    if (next.q) out.q = next.q;
    if (next.page !== 1) out.page = String(next.page);
    if (next.pageSize !== 20) out.pageSize = String(next.pageSize);
    setParams(out);
  };

  return (
    <Card>
      <div className="page-header">
        <Typography.Title level={3}>转接管理</Typography.Title>
        <Space wrap>
          {can(me, 'transfer.manage') && can(me, 'member.create') && (
            <Link to="/admin/members/new?reason=transfer_in">
              <Button>登记外来介绍信</Button>
            </Link>
          )}
          {can(me, 'transfer.manage') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              新建转接
            </Button>
          )}
        </Space>
      </div>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginBottom: 16 }} role="search" aria-label="筛选介绍信">
        {/* on a phone the five views scroll sideways inside their own strip, not the page */}
        <div style={{ maxWidth: '100%', overflowX: 'auto' }}>
          <Segmented<View>
            value={view}
            onChange={(v) => update({ view: v })}
            options={[...(Object.keys(VIEWS) as LetterView[]).map((k) => ({ value: k as View, label: VIEWS[k].label })), { value: 'requests' as const, label: '党员申请' }]}
            aria-label="介绍信范围"
          />
        </div>
        {letters && <SearchBox value={q} onSearch={(v) => update({ q: v })} placeholder="党员姓名 / 组织名称" width={220} aria-label="党员姓名或组织名称" />}
      </div>
      {letters && (
        <LinkedFilters
          items={[
            linked.orgId ? `${linkedOrg.data?.name ?? '所选组织'}${linked.orgRole === 'recorded' ? '及下级记录的介绍信' : '及下级的介绍信'}` : '',
            linked.kind ? TRANSFER_KINDS[linked.kind] : '',
            linkedStatus ? TRANSFER_STATUSES[linkedStatus] : '',
            linked.issuedFrom || linked.issuedTo ? `开具日期 ${linked.issuedFrom ?? '…'} 至 ${linked.issuedTo ?? '…'}` : '',
          ].filter(Boolean)}
          onClear={() => update({}, false)}
        />
      )}
      {!letters ? (
        <TransferRequests />
      ) : list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} title="介绍信加载失败" />
      ) : (
        <TransferTable
          items={list.data?.items ?? []}
          loading={list.isFetching}
          pagination={{ page, pageSize, total: list.data?.total ?? 0 }}
          onPage={(p, s) => update({ page: s !== pageSize ? 1 : p, pageSize: s })}
          emptyText={list.isPending ? ' ' : <EmptyState description={q ? '没有符合条件的介绍信。请调整查找条件。' : EMPTY[view as LetterView]} />}
        />
      )}
      {creating && <CreateTransferModal onClose={() => setCreating(false)} onCreated={(id) => navigate(`/admin/transfers/${id}`)} />}
    </Card>
  );
}
