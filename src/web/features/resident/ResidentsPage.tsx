import { Button, Card, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { useSearchParams } from 'react-router';
import { usePageOrg, useSuggestedOrg } from '../../shared/current-org';
import { formatDateTime } from '../../shared/dates';
import { EmptyState, ErrorState } from '../../shared/states';
import { SearchBox } from '../../shared/search-box';
import { usePageTitle } from '../../shared/use-title';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useResidents, type ResidentView } from './api';
import './resident.css';

// 群众: the residents who registered on the phone in the 村 and 社区 of the
// caller's scope (the org chosen in the header / ?orgId=, else the caller's
// own org when their scope has a single root), with their
// community, grid and address; found by name or address.

const PAGE_SIZES = [10, 20, 50, 100];

function readState(p: URLSearchParams) {
  return {
    q: p.get('q') || undefined,
    page: Math.max(1, Number(p.get('page')) || 1),
    pageSize: PAGE_SIZES.includes(Number(p.get('pageSize'))) ? Number(p.get('pageSize')) : 20,
  };
}

const columns: ColumnsType<ResidentView> = [
  { title: '姓名', dataIndex: 'name', key: 'name', width: 100, fixed: 'left' },
  { title: '手机号', dataIndex: 'phoneMasked', key: 'phone', width: 130, render: (s: string) => <span style={{ whiteSpace: 'nowrap' }}>{s}</span> },
  { title: '村（社区）', dataIndex: 'communityName', key: 'community', width: 200, ellipsis: { showTitle: true } },
  { title: '网格', dataIndex: 'gridName', key: 'grid', width: 150, render: (s: string | null) => s ?? <Typography.Text type="secondary">未选择</Typography.Text> },
  { title: '居住地址', dataIndex: 'address', key: 'address', width: 280, render: (s: string) => <span style={{ wordBreak: 'break-word' }}>{s}</span> },
  { title: '注册时间', dataIndex: 'registeredAt', key: 'registeredAt', width: 150, render: (s: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(s)}</span> },
];

export function ResidentsPage() {
  usePageTitle('群众');
  const [params, setParams] = useSearchParams();
  const s = readState(params);
  // the org the page shows (?orgId=, the header's switcher), else the user's own when they have one
  const orgId = useSuggestedOrg(usePageOrg());
  const list = useResidents({ orgId, q: s.q, page: s.page, pageSize: s.pageSize });
  const data = list.data;

  const update = (patch: { orgId?: string | null; q?: string; page?: number; pageSize?: number }) => {
    const next = { ...s, page: 1, ...patch };
    const out: Record<string, string> = {};
    const org = patch.orgId === undefined ? params.get('orgId') : patch.orgId;
    if (org) out.orgId = org;
    if (next.q) out.q = next.q;
    if (next.page !== 1) out.page = String(next.page);
    if (next.pageSize !== 20) out.pageSize = String(next.pageSize);
    setParams(out);
  };
  const filtered = !!(params.get('orgId') || s.q);

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>群众</Typography.Title>
          <Typography.Text type="secondary">本辖区村（社区）的居民在手机上用手机号注册，登记所在村（社区）、网格和居住地址；手机号只显示部分数字。</Typography.Text>
        </Space>
      </div>

      <div className="rs-filters" role="search" aria-label="筛选群众">
        <OrgTreeSelect value={orgId} onChange={(id) => update({ orgId: id })} style={{ width: 260, minWidth: 0 }} placeholder="全部组织（可选择村、社区）" aria-label="组织" />
        <SearchBox value={s.q} onSearch={(q) => update({ q })} placeholder="姓名或地址" width={220} aria-label="姓名或地址" />
        <Button onClick={() => setParams({})} disabled={!filtered}>
          重置
        </Button>
      </div>

      {list.isError && !data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="群众名单加载失败" />
      ) : (
        <Table<ResidentView>
          rowKey="id"
          size="middle"
          data-testid="residents-table"
          loading={list.isFetching}
          dataSource={data?.items ?? []}
          columns={columns}
          scroll={{ x: 1010 }}
          locale={{ emptyText: list.isPending ? ' ' : <EmptyState description={s.q ? '没有符合条件的群众。请调整筛选条件。' : '本辖区还没有注册的群众'} /> }}
          pagination={{
            current: s.page,
            pageSize: s.pageSize,
            total: data?.total ?? 0,
            showTotal: (t) => `共 ${t} 人`,
            showSizeChanger: true,
            pageSizeOptions: PAGE_SIZES,
            onChange: (page, pageSize) => update({ page: pageSize !== s.pageSize ? 1 : page, pageSize }),
          }}
        />
      )}
    </Card>
  );
}
