import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Select, Space, Statistic, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { Link, useSearchParams } from 'react-router';
import { DUES_CATEGORIES, type DuesCategory } from '../../../contracts/dues';
import { errorMessage } from '../../shared/api';
import { dayjs, formatDate } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { SearchBox } from '../../shared/search-box';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useBills, useGenerateBills, type BillFilters, type DuesBillView, type Generated } from './api';
import { PaymentModal, VoluntaryModal } from './PaymentModal';
import { BillStatusTag, currentMonth, rateText, useDuesOrg, yuan } from './ui';
import { StatementDrawer } from './StatementDrawer';

// 月度账单: the bills of an org subtree for a month, with the totals, the
// month's generation (idempotent: corrects unpaid bills, keeps paid ones) and
// 收缴登记 for the selected unpaid bills (one member's months, or several
// members at once).

const STATUSES = { all: '全部', unpaid: '未交', paid: '已交' } as const;
const BILL_SORTS: ReadonlyArray<BillFilters['sort']> = ['org', 'name', 'baseFen', 'dueFen', 'month'];

function readFilters(p: URLSearchParams, org: string | undefined, defaultStatus: BillFilters['status']): BillFilters {
  const status = p.get('status');
  const month = p.get('month');
  return {
    orgId: p.get('orgId') || org,
    month: month && /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month : currentMonth(),
    status: status === 'unpaid' || status === 'paid' || status === 'all' ? status : defaultStatus,
    q: p.get('q') || undefined,
    sort: BILL_SORTS.includes(p.get('sort') as BillFilters['sort']) ? (p.get('sort') as BillFilters['sort']) : 'org',
    order: p.get('order') === 'desc' ? 'desc' : 'asc',
    page: Math.max(1, Number(p.get('page')) || 1),
    pageSize: [10, 20, 50, 100].includes(Number(p.get('pageSize'))) ? Number(p.get('pageSize')) : 20,
  };
}

function writeFilters(f: BillFilters, org: string | undefined, defaultStatus: BillFilters['status']): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.orgId && f.orgId !== org) out.orgId = f.orgId;
  if (f.month !== currentMonth()) out.month = f.month;
  if (f.status !== defaultStatus) out.status = f.status;
  if (f.q) out.q = f.q;
  if (f.sort !== 'org') out.sort = f.sort;
  if (f.order !== 'asc') out.order = f.order;
  if (f.page !== 1) out.page = String(f.page);
  if (f.pageSize !== 20) out.pageSize = String(f.pageSize);
  return out;
}

function GeneratedAlert({ r, onClose }: { r: Generated; onClose: () => void }) {
  return (
    <Alert
      type={r.withoutBase > 0 ? 'warning' : 'success'}
      showIcon
      closable
      onClose={onClose}
      data-testid="generate-result"
      style={{ marginBottom: 16 }}
      title={`${r.month} 账单已生成：新增 ${r.created}、更正 ${r.updated}、不变 ${r.unchanged}、已交未变 ${r.paidKept}、未设基数 ${r.withoutBase}`}
      description={
        r.withoutBase > 0 ? (
          <span>
            有 {r.withoutBase} 名党员尚未设置党费基数，未生成账单。请到 <Link to="/admin/dues/bases">基数设置</Link> 为其设置类别和基数后重新生成。
          </span>
        ) : undefined
      }
    />
  );
}

/** 收缴登记: the same list, starting from the unpaid bills. */
export function PaymentsPage() {
  return <BillsPage payments />;
}

export function BillsPage({ payments = false }: { payments?: boolean }) {
  const title = payments ? '收缴登记' : '月度账单';
  const defaultStatus: BillFilters['status'] = payments ? 'unpaid' : 'all';
  usePageTitle(title);
  const { message } = App.useApp();
  const me = useMe().data;
  const org = useDuesOrg();
  const [params, setParams] = useSearchParams();
  const f = readFilters(params, org, defaultStatus);
  const list = useBills(f);
  const generate = useGenerateBills();
  const [generated, setGenerated] = useState<Generated | null>(null);
  const [selected, setSelected] = useState<DuesBillView[]>([]);
  const [paying, setPaying] = useState(false);
  const [voluntary, setVoluntary] = useState(false);
  const [statementOf, setStatementOf] = useState<{ personId: string; name: string } | null>(null);
  const manage = can(me, 'dues.manage');

  const update = (patch: Partial<BillFilters>) => {
    setSelected([]);
    setParams(writeFilters({ ...f, page: 1, ...patch }, org, defaultStatus));
  };
  const filtered = f.status !== defaultStatus || !!f.q || f.month !== currentMonth() || f.orgId !== org;

  const runGenerate = async () => {
    if (!f.orgId) return;
    try {
      setGenerated(await generate.mutateAsync({ orgId: f.orgId, month: f.month }));
    } catch (e) {
      message.error(`生成失败：${errorMessage(e)}`);
    }
  };

  const selectedMembers = new Set(selected.map((b) => b.personId)).size;
  const sortOrderOf = (k: BillFilters['sort']) => (f.sort === k ? (f.order === 'desc' ? ('descend' as const) : ('ascend' as const)) : null);
  const columns: ColumnsType<DuesBillView> = [
    {
      title: '姓名',
      dataIndex: 'name',
      key: 'name',
      width: 100,
      fixed: 'left',
      sorter: true,
      sortOrder: sortOrderOf('name'),
      render: (n: string, r) => (
        <Typography.Link onClick={() => setStatementOf({ personId: r.personId, name: n })} title="查看党费明细">
          {n}
        </Typography.Link>
      ),
    },
    { title: '支部', dataIndex: 'orgName', key: 'orgName', width: 180, ellipsis: true },
    { title: '月份', dataIndex: 'month', key: 'month', width: 90 },
    { title: '类别', dataIndex: 'category', key: 'category', width: 170, ellipsis: true, render: (c: DuesCategory) => DUES_CATEGORIES[c] },
    { title: '基数（元）', dataIndex: 'baseFen', key: 'baseFen', width: 120, align: 'right', render: (v: number | null) => yuan(v), sorter: true, sortOrder: sortOrderOf('baseFen') },
    { title: '比例', dataIndex: 'rateBp', key: 'rateBp', width: 90, align: 'right', render: rateText },
    { title: '应交（元）', dataIndex: 'dueFen', key: 'dueFen', width: 110, align: 'right', render: (v: number) => yuan(v), sorter: true, sortOrder: sortOrderOf('dueFen') },
    { title: '状态', dataIndex: 'status', key: 'status', width: 110, render: (s: DuesBillView['status'], r) => <BillStatusTag status={s} reduced={r.reduced} /> },
    { title: '交纳日期', dataIndex: 'paidOn', key: 'paidOn', width: 110, render: formatDate },
  ];

  return (
    <Card>
      <div className="page-header">
        <Typography.Title level={3}>{title}</Typography.Title>
        {manage && (
          <Space wrap>
            <Button onClick={() => setVoluntary(true)}>自愿交纳</Button>
            <Button type="primary" onClick={runGenerate} loading={generate.isPending} disabled={!f.orgId}>
              {f.month === currentMonth() ? '生成本月账单' : `生成 ${f.month} 账单`}
            </Button>
          </Space>
        )}
      </div>
      {generated && <GeneratedAlert r={generated} onClose={() => setGenerated(null)} />}

      <Space wrap style={{ display: 'flex', marginBottom: 16 }} role="search" aria-label="筛选账单">
        <OrgTreeSelect value={f.orgId} onChange={(id) => update({ orgId: id ?? undefined })} style={{ width: 260 }} placeholder="选择组织" aria-label="组织" allowClear={false} />
        <DatePicker
          picker="month"
          format="YYYY-MM"
          allowClear={false}
          value={dayjs(`${f.month}-01`)}
          onChange={(d) => d && update({ month: d.format('YYYY-MM') })}
          aria-label="月份"
          style={{ width: 120 }}
        />
        <Select value={f.status} onChange={(status) => update({ status })} style={{ width: 100 }} aria-label="交纳状态" options={(Object.keys(STATUSES) as Array<keyof typeof STATUSES>).map((k) => ({ value: k, label: STATUSES[k] }))} />
        <SearchBox value={f.q} onSearch={(q) => update({ q })} placeholder="姓名 / 拼音首字母" width={220} aria-label="按姓名查找" />
        <Button
          onClick={() => {
            setSelected([]);
            setParams({});
          }}
          disabled={!filtered}
        >
          重置
        </Button>
      </Space>

      <Space size={48} wrap style={{ display: 'flex', marginBottom: 16 }} data-testid="bill-totals">
        <Statistic title="应交合计（元）" value={yuan(list.data?.totals.dueFen ?? 0)} />
        <Statistic title="已交合计（元）" value={yuan(list.data?.totals.paidFen ?? 0)} />
        <Statistic title="账单数" value={list.data?.total ?? 0} />
      </Space>

      {manage && (
        <Space wrap style={{ display: 'flex', marginBottom: 12 }}>
          <Button type="primary" ghost disabled={!selected.length} onClick={() => setPaying(true)}>
            登记交纳{!selected.length ? '' : selectedMembers > 1 ? `（${selectedMembers} 名党员 · ${selected.length} 笔）` : `（${selected[0].name} · ${selected.length} 个月）`}
          </Button>
          {selected.length > 0 && (
            <Button type="link" onClick={() => setSelected([])}>
              清除勾选
            </Button>
          )}
          <Typography.Text type="secondary">勾选未交账单后登记：一名党员可一次交纳多个月（按季、预交、补交），也可勾选多名党员一并登记（如支部集中收缴）。</Typography.Text>
        </Space>
      )}

      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} title="账单加载失败" />
      ) : (
        <Table<DuesBillView>
          rowKey="id"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 1080 }}
          rowSelection={
            manage
              ? {
                  selectedRowKeys: selected.map((b) => b.id),
                  preserveSelectedRowKeys: true,
                  getCheckboxProps: (r) => ({ disabled: r.status !== 'unpaid', 'aria-label': `选择 ${r.name} ${r.month}` }),
                  onChange: (_keys, rows) => setSelected(rows.filter(Boolean)),
                }
              : undefined
          }
          locale={{
            emptyText: list.isPending ? ' ' : <EmptyState description={filtered ? '没有符合条件的账单。请调整筛选条件，或点击“重置”。' : `${f.month} 还没有账单。${manage ? '点击“生成本月账单”生成。' : ''}`} />,
          }}
          pagination={{ current: f.page, pageSize: f.pageSize, total: list.data?.total ?? 0, showSizeChanger: true, pageSizeOptions: [10, 20, 50, 100], showTotal: (t) => `共 ${t} 条` }}
          onChange={(p, _filters, sorter) => {
            // sorting is done by the server over all pages
            const one = Array.isArray(sorter) ? sorter[0] : sorter;
            const key = one?.order && BILL_SORTS.includes(one.columnKey as BillFilters['sort']) ? (one.columnKey as BillFilters['sort']) : 'org';
            const order = one?.order === 'descend' ? 'desc' : 'asc';
            const sortChanged = key !== f.sort || order !== f.order;
            if (sortChanged || (p.current ?? 1) !== f.page || (p.pageSize ?? f.pageSize) !== f.pageSize) {
              setSelected([]);
              setParams(writeFilters({ ...f, sort: key, order, page: sortChanged ? 1 : (p.current ?? 1), pageSize: p.pageSize ?? f.pageSize }, org, defaultStatus));
            }
          }}
        />
      )}
      {paying && selected.length > 0 && (
        <PaymentModal
          bills={selected}
          onClose={(paid) => {
            setPaying(false);
            if (paid) setSelected([]);
          }}
        />
      )}
      {voluntary && <VoluntaryModal orgId={f.orgId} onClose={() => setVoluntary(false)} />}
      {statementOf && <StatementDrawer personId={statementOf.personId} name={statementOf.name} onClose={() => setStatementOf(null)} />}
    </Card>
  );
}
