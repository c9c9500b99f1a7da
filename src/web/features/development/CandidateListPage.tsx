import { Button, Card, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { DEVELOPMENT_STAGES, DEVELOPMENT_STEPS } from '../../../contracts/development';
import { formatDate } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { SearchBox } from '../../shared/search-box';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useCandidates, type CandidateFilters, type CandidateListItem } from './api';
import { DeadlineLine, StageText, StateTag, StatusTag, useDevelopmentOrg, useForgetGoneOrg } from './ui';

// 发展对象档案: the files of an org and its subtree, by stage and state.
// The org filter starts at the header's current org; "orgId=" (empty) in the
// address means the whole scope.

const STATES = { open: '进行中', closed: '已结束', all: '全部' } as const;
const SORTS: ReadonlyArray<CandidateFilters['sort']> = ['stage', 'name', 'appliedOn', 'nextDue'];

function readFilters(p: URLSearchParams, currentOrg: string | undefined): CandidateFilters {
  const state = p.get('state');
  const stage = Number(p.get('stage'));
  return {
    orgId: p.has('orgId') ? p.get('orgId') || undefined : currentOrg,
    stage: stage >= 1 && stage <= 5 ? stage : undefined,
    state: state === 'closed' || state === 'all' ? state : 'open',
    q: p.get('q') || undefined,
    sort: SORTS.includes(p.get('sort') as CandidateFilters['sort']) ? (p.get('sort') as CandidateFilters['sort']) : 'stage',
    order: p.get('order') === 'asc' ? 'asc' : 'desc',
    page: Math.max(1, Number(p.get('page')) || 1),
    pageSize: [10, 20, 50, 100].includes(Number(p.get('pageSize'))) ? Number(p.get('pageSize')) : 20,
  };
}

function writeFilters(f: CandidateFilters, currentOrg: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.orgId !== currentOrg) out.orgId = f.orgId ?? '';
  if (f.stage) out.stage = String(f.stage);
  if (f.state !== 'open') out.state = f.state;
  if (f.q) out.q = f.q;
  if (f.sort !== 'stage') out.sort = f.sort;
  if (f.order !== 'desc') out.order = f.order;
  if (f.page !== 1) out.page = String(f.page);
  if (f.pageSize !== 20) out.pageSize = String(f.pageSize);
  return out;
}

export function CandidateListPage() {
  usePageTitle('发展对象档案');
  const me = useMe().data;
  const navigate = useNavigate();
  const currentOrg = useDevelopmentOrg();
  const [params, setParams] = useSearchParams();
  const f = readFilters(params, currentOrg);
  const list = useCandidates(f);
  useForgetGoneOrg(f.orgId === currentOrg ? currentOrg : undefined, list.error);

  const update = (patch: Partial<CandidateFilters>) => setParams(writeFilters({ ...f, page: 1, ...patch }, currentOrg));
  const filtered = !!(f.stage || f.q || f.state !== 'open' || f.orgId !== currentOrg);

  const sortOrderOf = (k: CandidateFilters['sort']) => (f.sort === k ? (f.order === 'asc' ? ('ascend' as const) : ('descend' as const)) : null);
  const columns: ColumnsType<CandidateListItem> = [
    { title: '姓名', dataIndex: 'name', key: 'name', fixed: 'left', width: 90, sorter: true, sortOrder: sortOrderOf('name'), render: (n: string, r) => <Link to={`/admin/development/candidates/${r.id}`}>{n}</Link> },
    { title: '所在支部', dataIndex: 'orgName', key: 'orgName', width: 170 }, // whole names, wrapped: branches differ only at the end (…第一党支部 / …第二党支部)
    { title: '当前身份', dataIndex: 'status', key: 'status', width: 100, render: (s: CandidateListItem['status']) => <StatusTag status={s} /> },
    { title: '阶段', dataIndex: 'stage', key: 'stage', width: 180, sorter: true, sortOrder: sortOrderOf('stage'), render: (s: number) => <StageText stage={s} /> },
    {
      title: '进度',
      dataIndex: 'lastStep',
      key: 'lastStep',
      width: 190,
      // two short lines that wrap inside the column instead of running over the dates
      render: (n: number, r) => (
        <div style={{ minWidth: 0 }}>
          <Space size={4} wrap>
            <span>已完成到第{n}步</span>
            {r.state !== 'open' && <StateTag state={r.state} />}
          </Space>
          {DEVELOPMENT_STEPS[n - 1] && (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {DEVELOPMENT_STEPS[n - 1].label}
            </Typography.Text>
          )}
        </div>
      ),
    },
    { title: '申请日期', dataIndex: 'appliedOn', key: 'appliedOn', width: 104, sorter: true, sortOrder: sortOrderOf('appliedOn'), render: formatDate },
    { title: '下一期限', dataIndex: 'nextDue', key: 'nextDue', width: 280, sorter: true, sortOrder: sortOrderOf('nextDue'), render: (_: unknown, r) => <DeadlineLine d={r.nextDue} /> },
  ];

  return (
    <Card>
      <div className="page-header">
        <Typography.Title level={3}>发展对象档案</Typography.Title>
        <Space wrap>
          {can(me, 'development.manage') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(f.orgId ? `/admin/development/candidates/new?orgId=${f.orgId}` : '/admin/development/candidates/new')}>
              受理入党申请
            </Button>
          )}
        </Space>
      </div>

      <Space wrap style={{ marginBottom: 16 }} role="search" aria-label="筛选发展对象">
        <OrgTreeSelect value={f.orgId} onChange={(id) => update({ orgId: id ?? undefined })} style={{ width: 260 }} placeholder="全部组织（可选择组织）" aria-label="所在组织" />
        <Select
          value={f.stage}
          onChange={(stage) => update({ stage })}
          allowClear
          placeholder="全部阶段"
          style={{ width: 240 }}
          aria-label="阶段"
          options={[1, 2, 3, 4, 5].map((s) => ({ value: s, label: `第${s}阶段 · ${DEVELOPMENT_STAGES[s as keyof typeof DEVELOPMENT_STAGES]}` }))}
          popupMatchSelectWidth={false}
        />
        <Select
          value={f.state}
          onChange={(state) => update({ state })}
          style={{ width: 110 }}
          aria-label="档案状态"
          options={(Object.keys(STATES) as Array<keyof typeof STATES>).map((k) => ({ value: k, label: STATES[k] }))}
        />
        <SearchBox value={f.q} onSearch={(q) => update({ q })} placeholder="姓名 / 拼音首字母" width={220} aria-label="姓名或拼音首字母" />
        <Button
          onClick={() => {
            setParams({});
          }}
          disabled={!filtered}
        >
          重置
        </Button>
      </Space>

      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} title="发展对象档案加载失败" />
      ) : (
        <Table<CandidateListItem>
          rowKey="id"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 1114 }}
          locale={{
            emptyText: list.isPending ? (
              ' '
            ) : (
              <EmptyState
                description={
                  filtered
                    ? '没有符合条件的发展档案。请调整筛选条件，或点击“重置”。'
                    : can(me, 'development.manage')
                      ? '还没有进行中的发展档案。收到入党申请书后，点击“受理入党申请”建立档案。'
                      : '还没有进行中的发展档案。'
                }
              />
            ),
          }}
          pagination={{
            current: f.page,
            pageSize: f.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (t) => `共 ${t} 人`,
          }}
          onChange={(p, _filters, sorter) => {
            const one = Array.isArray(sorter) ? sorter[0] : sorter;
            const key = one?.order ? (one.columnKey as CandidateFilters['sort']) : 'stage';
            const order = one?.order === 'ascend' ? 'asc' : 'desc';
            const sortChanged = key !== f.sort || order !== f.order;
            setParams(writeFilters({ ...f, sort: SORTS.includes(key) ? key : 'stage', order, page: sortChanged ? 1 : (p.current ?? 1), pageSize: p.pageSize ?? f.pageSize }, currentOrg));
          }}
        />
      )}
    </Card>
  );
}
