import { useState } from 'react';
import { Button, Card, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { EditOutlined, InboxOutlined, PlusOutlined, ProfileOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import { MALL_ITEM_STATUSES } from '../../../contracts/mall';
import { todayShanghai } from '../../shared/dates';
import { usePageOrg } from '../../shared/current-org';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { SearchBox } from '../../shared/search-box';
import { usePageTitle } from '../../shared/use-title';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useMallItems, type MallItemView } from './api';
import { CreateItemModal, EditItemModal, LedgerDrawer, RestockModal } from './ItemModals';
import { RedemptionsTab } from './RedemptionsTab';
import { itemStatusOptions, KindTag, notOnSaleReason } from './ui';
import './mall.css';

// 积分商城 (console): the goods and services supplied by the orgs of the
// caller's scope (or of the org chosen in the header / ?orgId=) with their
// stock, what waits for pick-up and what was picked up; 上架商品, 编辑 (上架 /
// 下架), 入库 / 盘减 and 库存台账 for the suppliers; 兑换记录 with the 领取核销
// desk. Write actions only with mall.manage.

type ItemStatus = keyof typeof MALL_ITEM_STATUSES;
type Tab = 'items' | 'redemptions';
type Open = { kind: 'edit' | 'restock' | 'ledger'; item: MallItemView } | { kind: 'create' } | null;

function ItemsTab({ orgId, manage, onOpen }: { orgId: string | undefined; manage: boolean; onOpen: (o: Open) => void }) {
  const [status, setStatus] = useState<ItemStatus | undefined>();
  const [q, setQ] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const list = useMallItems({ orgId, status, q, page, pageSize: 20 });
  const today = todayShanghai();
  const filtered = !!(status || q);

  const columns: ColumnsType<MallItemView> = [
    {
      title: '商品',
      key: 'name',
      fixed: 'left',
      width: 200,
      render: (_: unknown, i) => (
        <div className="mall-name-cell">
          <span className="mall-name">{i.name}</span>
          {i.description && (
            <Typography.Text type="secondary" className="mall-desc" ellipsis={{ tooltip: i.description }}>
              {i.description}
            </Typography.Text>
          )}
        </div>
      ),
    },
    { title: '类别', dataIndex: 'kind', key: 'kind', width: 64, render: (_: unknown, i) => <KindTag kind={i.kind} /> },
    {
      title: '供应组织',
      key: 'supplier',
      width: 150,
      render: (_: unknown, i) => (
        <Space orientation="vertical" size={0}>
          <span>{i.supplierOrgName}</span>
          {i.audienceOrgId !== i.supplierOrgId && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              兑换范围：{i.audienceOrgName}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: '兑换积分', dataIndex: 'pointsPrice', key: 'price', width: 80, align: 'right', render: (n: number) => <strong>{n}</strong> },
    { title: '库存', dataIndex: 'stock', key: 'stock', width: 60, align: 'right', render: (n: number) => (n > 0 ? n : <Typography.Text type="danger">0</Typography.Text>) },
    { title: '待领取', dataIndex: 'reserved', key: 'reserved', width: 64, align: 'right' },
    { title: '已领取', dataIndex: 'fulfilled', key: 'fulfilled', width: 64, align: 'right' },
    {
      title: '每人限兑',
      dataIndex: 'perPersonLimit',
      key: 'limit',
      width: 76,
      align: 'right',
      render: (n: number | null) => (n === null ? <Typography.Text type="secondary">不限</Typography.Text> : `${n} 件`),
    },
    {
      title: '兑换期',
      key: 'window',
      width: 112,
      render: (_: unknown, i) => (
        <Space orientation="vertical" size={0} style={{ whiteSpace: 'nowrap' }}>
          <span>{i.saleFrom.slice(0, 10)}</span>
          <Typography.Text type="secondary">{i.saleTo ? `至 ${i.saleTo.slice(0, 10)}` : '起长期有效'}</Typography.Text>
        </Space>
      ),
    },
    {
      title: '状态',
      key: 'status',
      width: 100,
      render: (_: unknown, i) => {
        const why = notOnSaleReason(i, today);
        return (
          <Space orientation="vertical" size={0}>
            <Tag color={i.status === 'on_sale' ? 'success' : 'default'} style={{ marginInlineEnd: 0 }} data-testid="mall-item-status">
              {MALL_ITEM_STATUSES[i.status]}
            </Tag>
            {i.status === 'on_sale' && why && (
              <Typography.Text type="warning" style={{ fontSize: 12 }}>
                {why}
              </Typography.Text>
            )}
          </Space>
        );
      },
    },
    {
      title: '操作',
      key: 'act',
      fixed: 'right',
      width: 100,
      render: (_: unknown, i) => (
        <div className="mall-actions">
          {manage && (
            <>
              <Button size="small" type="link" icon={<EditOutlined />} onClick={() => onOpen({ kind: 'edit', item: i })} aria-label={`编辑：${i.name}`}>
                编辑
              </Button>
              <Button size="small" type="link" icon={<InboxOutlined />} onClick={() => onOpen({ kind: 'restock', item: i })} aria-label={`入库/盘减：${i.name}`}>
                入库/盘减
              </Button>
            </>
          )}
          <Button size="small" type="link" icon={<ProfileOutlined />} onClick={() => onOpen({ kind: 'ledger', item: i })} aria-label={`库存台账：${i.name}`}>
            库存台账
          </Button>
        </div>
      ),
    },
  ];

  return (
    <>
      <div className="mall-filters" role="search" aria-label="筛选商品">
        <Select<ItemStatus>
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={itemStatusOptions}
          allowClear
          placeholder="全部状态"
          style={{ width: 120 }}
          aria-label="商品状态"
        />
        <SearchBox
          value={q}
          onSearch={(v) => {
            setQ(v);
            setPage(1);
          }}
          placeholder="商品名称"
          width={200}
          aria-label="商品名称"
        />
        {manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => onOpen({ kind: 'create' })} className="mall-create">
            上架商品
          </Button>
        )}
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="商品加载失败" />
      ) : (
        <Table<MallItemView>
          rowKey="id"
          size="middle"
          data-testid="mall-items"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 1070 }}
          locale={{
            emptyText: list.isPending ? (
              ' '
            ) : (
              <EmptyState
                description={
                  filtered ? '没有符合条件的商品。请调整筛选条件。' : manage ? '还没有上架的商品。可点击“上架商品”，由本组织提供实物或服务供党员用积分兑换。' : '管理范围内的组织还没有上架商品。'
                }
              />
            ),
          }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 件商品`, showSizeChanger: false }}
        />
      )}
    </>
  );
}

export function MallPage() {
  usePageTitle('积分商城');
  const me = useMe().data;
  const manage = can(me, 'mall.manage');
  const orgId = usePageOrg();
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'redemptions' ? 'redemptions' : 'items';
  const itemId = params.get('itemId') || undefined;
  const [open, setOpen] = useState<Open>(null);

  const setParam = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>积分商城</Typography.Title>
          <Typography.Text type="secondary">
            社区、单位党组织提供实物或服务，党员用积分兑换：兑换时冻结积分并占用库存，党员凭兑换码到领取地点领取，核销后扣除积分；取消或逾期未领的，积分和库存自动退回。
          </Typography.Text>
        </Space>
        <OrgTreeSelect value={orgId} onChange={(id) => setParam({ orgId: id })} style={{ width: 260, minWidth: 0 }} placeholder="全部组织（可选择供应组织）" aria-label="组织" />
      </div>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParam({ tab: k === 'items' ? null : k })}
        items={[
          { key: 'items', label: '商品', children: <ItemsTab orgId={orgId} manage={manage} onOpen={setOpen} /> },
          {
            key: 'redemptions',
            label: '兑换记录',
            children: <RedemptionsTab orgId={orgId} itemId={itemId} manage={manage} onClearItem={() => setParam({ itemId: null })} />,
          },
        ]}
        destroyOnHidden
      />
      {open?.kind === 'create' && <CreateItemModal orgId={orgId} onClose={() => setOpen(null)} />}
      {open?.kind === 'edit' && <EditItemModal item={open.item} onClose={() => setOpen(null)} />}
      {open?.kind === 'restock' && <RestockModal item={open.item} onClose={() => setOpen(null)} />}
      {open?.kind === 'ledger' && (
        <LedgerDrawer
          item={open.item}
          onClose={() => setOpen(null)}
          onShowRedemptions={() => {
            setParam({ tab: 'redemptions', itemId: open.item.id });
            setOpen(null);
          }}
        />
      )}
    </Card>
  );
}
