import { useState } from 'react';
import { App, Button, Card, Checkbox, Popover, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface';
import { DownloadOutlined, PlusOutlined, SettingOutlined, UploadOutlined } from '@ant-design/icons';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorMessage } from '../../shared/api';
import { formatDate } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { SearchBox } from '../../shared/search-box';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { exportMembers, STATUS_FILTERS, useMembers, type MemberFilters, type MemberListItem, type MemberStatusFilter } from './api';
import { EDUCATIONS, educationOptions, label, MEMBER_STATUSES, OCCUPATIONS, SEXES, sexOptions, STATUS_COLORS } from './labels';

const SORTS = ['name', 'joinDate', 'birthDate'] as const;

function readFilters(p: URLSearchParams): MemberFilters {
  const status = p.get('status') as MemberStatusFilter | null;
  const sort = p.get('sort') as MemberFilters['sort'] | null;
  const sex = p.get('sex');
  return {
    orgId: p.get('orgId') || undefined,
    q: p.get('q') || undefined,
    status: status && status in STATUS_FILTERS ? status : 'current',
    sex: sex === 'male' || sex === 'female' ? sex : undefined,
    education: p.get('education') && p.get('education')! in EDUCATIONS ? p.get('education')! : undefined,
    sort: sort && SORTS.includes(sort) ? sort : 'name',
    order: p.get('order') === 'desc' ? 'desc' : 'asc',
    page: Math.max(1, Number(p.get('page')) || 1),
    pageSize: [10, 20, 50, 100].includes(Number(p.get('pageSize'))) ? Number(p.get('pageSize')) : 20,
  };
}

function writeFilters(f: MemberFilters): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.orgId) out.orgId = f.orgId;
  if (f.q) out.q = f.q;
  if (f.status !== 'current') out.status = f.status;
  if (f.sex) out.sex = f.sex;
  if (f.education) out.education = f.education;
  if (f.sort !== 'name') out.sort = f.sort;
  if (f.order !== 'asc') out.order = f.order;
  if (f.page !== 1) out.page = String(f.page);
  if (f.pageSize !== 20) out.pageSize = String(f.pageSize);
  return out;
}

const OPTIONAL_COLUMNS = [
  { key: 'birthDate', label: '出生日期' },
  { key: 'education', label: '学历' },
  { key: 'occupation', label: '人员类别' },
  { key: 'orgName', label: '所在党支部' },
  { key: 'partyAgeYears', label: '党龄' },
  { key: 'phoneMasked', label: '手机号码' },
  { key: 'activated', label: '账号激活' },
];
const COLUMN_PREF = 'dj.members.columns';
const DEFAULT_HIDDEN = ['occupation'];

function loadHidden(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(COLUMN_PREF) ?? 'null') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : DEFAULT_HIDDEN;
  } catch {
    return DEFAULT_HIDDEN;
  }
}

export function MemberListPage() {
  usePageTitle('党员名册');
  const me = useMe().data;
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const f = readFilters(params);
  const [exporting, setExporting] = useState(false);
  // rows ticked for 导出所选 (kept across pages; at most 500, the export's limit)
  const [picked, setPicked] = useState<string[]>([]);
  const [hidden, setHidden] = useState<string[]>(loadHidden);
  const list = useMembers(f);

  const update = (patch: Partial<MemberFilters>) => setParams(writeFilters({ ...f, page: 1, ...patch }));
  const filtered = !!(f.orgId || f.q || f.sex || f.education || f.status !== 'current');

  const onExport = async (ids?: string[]) => {
    setExporting(true);
    try {
      const name = await exportMembers(f, ids);
      message.success(`已导出：${name}`);
    } catch (e) {
      message.error(`导出失败：${errorMessage(e)}`);
    } finally {
      setExporting(false);
    }
  };

  const sortOrder = (key: MemberFilters['sort']) => (f.sort === key ? (f.order === 'asc' ? 'ascend' : 'descend') : null);
  const allColumns: ColumnsType<MemberListItem> = [
    {
      title: '姓名',
      dataIndex: 'name',
      key: 'name',
      sorter: true,
      sortOrder: sortOrder('name'),
      fixed: 'left',
      width: 110,
      render: (n: string, r) => <Link to={`/admin/members/${r.id}`}>{n}</Link>,
    },
    { title: '性别', dataIndex: 'sex', key: 'sex', width: 64, render: (s: string) => label(SEXES, s) },
    { title: '出生日期', dataIndex: 'birthDate', key: 'birthDate', sorter: true, sortOrder: sortOrder('birthDate'), width: 116 },
    { title: '学历', dataIndex: 'education', key: 'education', width: 96, render: (s: string) => label(EDUCATIONS, s) },
    { title: '人员类别', dataIndex: 'occupation', key: 'occupation', width: 180, ellipsis: true, render: (s: string) => label(OCCUPATIONS, s) },
    {
      title: '党员类别',
      dataIndex: 'status',
      key: 'status',
      width: 104,
      render: (s: keyof typeof MEMBER_STATUSES) => <Tag color={STATUS_COLORS[s]}>{MEMBER_STATUSES[s]}</Tag>,
    },
    { title: '所在党支部', dataIndex: 'orgName', key: 'orgName', width: 200, ellipsis: true, render: (s: string | null) => s ?? '—' },
    { title: '入党日期', dataIndex: 'joinDate', key: 'joinDate', sorter: true, sortOrder: sortOrder('joinDate'), width: 116, render: formatDate },
    { title: '党龄', dataIndex: 'partyAgeYears', key: 'partyAgeYears', width: 72, align: 'right', render: (n: number | null) => (n === null ? '—' : `${n}年`) },
    { title: '手机号码', dataIndex: 'phoneMasked', key: 'phoneMasked', width: 128, render: (s: string | null) => s ?? '—' },
    { title: '账号激活', dataIndex: 'activated', key: 'activated', width: 96, render: (a: boolean) => (a ? <Tag color="green">已激活</Tag> : <Tag>未激活</Tag>) },
    {
      title: '操作',
      key: 'actions',
      width: 110,
      fixed: 'right',
      render: (_: unknown, r) => (
        <Space size={4}>
          <Link to={`/admin/members/${r.id}`}>查看</Link>
          {can(me, 'member.update') && (r.status === 'full' || r.status === 'probationary') && <Link to={`/admin/members/${r.id}/edit`}>编辑</Link>}
        </Space>
      ),
    },
  ];
  const columns = allColumns.filter((c) => !hidden.includes(String(c.key)));

  const columnSettings = (
    <Checkbox.Group
      value={OPTIONAL_COLUMNS.map((c) => c.key).filter((k) => !hidden.includes(k))}
      onChange={(shown) => {
        const h = OPTIONAL_COLUMNS.map((c) => c.key).filter((k) => !shown.includes(k));
        setHidden(h);
        localStorage.setItem(COLUMN_PREF, JSON.stringify(h));
      }}
      style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
      options={OPTIONAL_COLUMNS.map((c) => ({ value: c.key, label: c.label }))}
    />
  );

  return (
    <Card>
      <div className="page-header">
        <Typography.Title level={3}>党员名册</Typography.Title>
        <Space wrap>
          {can(me, 'member.export') && (
            <Tooltip title="按当前筛选条件导出 Excel（敏感信息已脱敏）">
              <Button icon={<DownloadOutlined />} onClick={() => onExport()} loading={exporting}>
                导出
              </Button>
            </Tooltip>
          )}
          {can(me, 'member.export') && picked.length > 0 && (
            <Space size={0}>
              <Button icon={<DownloadOutlined />} onClick={() => onExport(picked)} loading={exporting} disabled={picked.length > 500}>
                导出所选（{picked.length} 人）
              </Button>
              <Button type="link" onClick={() => setPicked([])}>
                清除勾选
              </Button>
            </Space>
          )}
          {can(me, 'member.import') && (
            <Link to="/admin/members/import">
              <Button icon={<UploadOutlined />}>导入</Button>
            </Link>
          )}
          {can(me, 'member.create') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(f.orgId ? `/admin/members/new?orgId=${f.orgId}` : '/admin/members/new')}>
              新增党员
            </Button>
          )}
        </Space>
      </div>

      <Space wrap style={{ marginBottom: 16 }} role="search" aria-label="筛选党员">
        <OrgTreeSelect value={f.orgId} onChange={(id) => update({ orgId: id ?? undefined })} style={{ width: 260 }} placeholder="全部组织（可选择组织）" aria-label="所在组织" />
        <SearchBox value={f.q} onSearch={(q) => update({ q })} placeholder="姓名 / 拼音首字母 / 手机尾号" width={260} aria-label="姓名、拼音首字母或手机尾号" />
        <Select
          value={f.status}
          onChange={(status) => update({ status })}
          options={(Object.keys(STATUS_FILTERS) as MemberStatusFilter[]).map((k) => ({ value: k, label: STATUS_FILTERS[k] }))}
          style={{ width: 120 }}
          aria-label="党员类别"
        />
        <Select value={f.sex} onChange={(sex) => update({ sex })} options={sexOptions} allowClear placeholder="性别" style={{ width: 96 }} aria-label="性别" />
        <Select value={f.education} onChange={(education) => update({ education })} options={educationOptions} allowClear placeholder="学历" style={{ width: 130 }} aria-label="学历" />
        <Button
          onClick={() => {
            setParams({});
          }}
          disabled={!filtered}
        >
          重置
        </Button>
        <Popover content={columnSettings} title="显示的列" trigger="click" placement="bottomRight">
          <Button icon={<SettingOutlined />}>列设置</Button>
        </Popover>
      </Space>

      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} title="党员名册加载失败" />
      ) : (
        <Table<MemberListItem>
          rowKey="id"
          size="medium"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 'max-content' }}
          rowSelection={
            can(me, 'member.export')
              ? {
                  selectedRowKeys: picked,
                  preserveSelectedRowKeys: true,
                  onChange: (keys) => setPicked((keys as string[]).slice(0, 500)),
                  getCheckboxProps: (r) => ({ 'aria-label': `选择 ${r.name}` }),
                }
              : undefined
          }
          locale={{
            emptyText: list.isPending ? ' ' : (
              <EmptyState
                description={filtered ? '没有符合条件的党员。请调整筛选条件，或点击“重置”查看全部。' : '还没有党员记录。可点击“新增党员”逐个录入，或用“导入”从 Excel 批量导入。'}
              />
            ),
          }}
          pagination={{
            current: f.page,
            pageSize: f.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (t) => (list.data?.totalCapped ? `${t}+ 条` : `共 ${t} 人`),
          }}
          onChange={(p, _filters, sorter) => {
            const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<MemberListItem>;
            const key = s?.order ? (String(s.columnKey) as MemberFilters['sort']) : 'name';
            const order = s?.order === 'descend' ? 'desc' : 'asc';
            const sortChanged = key !== f.sort || order !== f.order;
            setParams(writeFilters({ ...f, sort: key, order, page: sortChanged ? 1 : (p.current ?? 1), pageSize: p.pageSize ?? f.pageSize }));
          }}
        />
      )}
    </Card>
  );
}
