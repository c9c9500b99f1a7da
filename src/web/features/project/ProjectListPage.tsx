import { useState } from 'react';
import { App, Button, Card, Select, Space, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { PROJECT_LEVELS, PROJECT_STATUSES, PROJECT_TYPES, type ProjectLevelFilter, type ProjectStatus, type ProjectType } from '../../../contracts/project';
import { errorMessage } from '../../shared/api';
import { usePageOrg } from '../../shared/current-org';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { SearchBox } from '../../shared/search-box';
import { usePageTitle } from '../../shared/use-title';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { exportProjects, useProjects, type ProjectFilters, type ProjectListItem } from './api';
import { CreateProjectModal } from './CreateProjectModal';
import { LevelTag, levelKeys, PlanProgress, ProjectTypeTag, statusOptions, typeOptions } from './ui';
import './project.css';

// 重点项目: the 书记项目, 创新项目 and 重大工程 of the org chosen in the header
// (or ?orgId=) and below, each with its planned against its actual progress
// and its warning level; 立项 for those who manage projects, 导出 (Excel) for
// everyone who reads them.

interface ListState {
  type?: ProjectType;
  status?: ProjectStatus;
  level?: ProjectLevelFilter;
  q?: string;
  page: number;
  pageSize: number;
}

function readState(p: URLSearchParams): ListState {
  const type = p.get('type');
  const status = p.get('status');
  const level = p.get('level');
  return {
    type: type && type in PROJECT_TYPES ? (type as ProjectType) : undefined,
    status: status && status in PROJECT_STATUSES ? (status as ProjectStatus) : undefined,
    level: level && level in PROJECT_LEVELS ? (level as ProjectLevelFilter) : undefined,
    q: p.get('q') || undefined,
    page: Math.max(1, Number(p.get('page')) || 1),
    pageSize: [10, 20, 50, 100].includes(Number(p.get('pageSize'))) ? Number(p.get('pageSize')) : 20,
  };
}

export function ProjectListPage() {
  usePageTitle('重点项目');
  const me = useMe().data;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const s = readState(params);
  const orgId = usePageOrg();
  const [creating, setCreating] = useState(false);
  const [exporting, setExporting] = useState(false);
  const manage = can(me, 'project.manage');

  const filters = { orgId, type: s.type, status: s.status, level: s.level, q: s.q };
  const f: ProjectFilters = { ...filters, page: s.page, pageSize: s.pageSize };
  const list = useProjects(f);
  const data = list.data;

  const update = (patch: Partial<ListState> & { orgId?: string | null }) => {
    const next = { ...s, page: 1, ...patch };
    const out: Record<string, string> = {};
    const org = patch.orgId === undefined ? params.get('orgId') : patch.orgId;
    if (org) out.orgId = org;
    if (next.type) out.type = next.type;
    if (next.status) out.status = next.status;
    if (next.level) out.level = next.level;
    if (next.q) out.q = next.q;
    if (next.page !== 1) out.page = String(next.page);
    if (next.pageSize !== 20) out.pageSize = String(next.pageSize);
    setParams(out);
  };
  const filtered = !!(params.get('orgId') || s.type || s.status || s.level || s.q);

  const onExport = async () => {
    setExporting(true);
    try {
      const name = await exportProjects(filters);
      message.success(`已导出：${name}`);
    } catch (e) {
      message.error(`导出失败：${errorMessage(e)}`);
    } finally {
      setExporting(false);
    }
  };

  const columns: ColumnsType<ProjectListItem> = [
    {
      title: '项目名称',
      key: 'name',
      fixed: 'left',
      width: 230,
      render: (_: unknown, r) => (
        <div className="project-name-cell">
          <Link to={`/admin/projects/${r.id}`} className="project-name-link">
            {r.name}
          </Link>
          {r.nextMilestone && (
            <Typography.Text type="secondary" className="project-next" ellipsis={{ tooltip: `下一节点：${r.nextMilestone.title}（${r.nextMilestone.dueOn}）` }}>
              下一节点：{r.nextMilestone.title}（{r.nextMilestone.dueOn}）
            </Typography.Text>
          )}
        </div>
      ),
    },
    { title: '类型', dataIndex: 'type', key: 'type', width: 96, render: (t: ProjectType) => <ProjectTypeTag type={t} /> },
    { title: '牵头组织', dataIndex: 'ownerOrgName', key: 'org', width: 160, ellipsis: { showTitle: true } },
    { title: '负责人', dataIndex: 'ownerPersonName', key: 'person', width: 80, ellipsis: true },
    {
      title: '起止日期',
      key: 'term',
      width: 112,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0} style={{ whiteSpace: 'nowrap' }}>
          <span>{r.startOn}</span>
          <Typography.Text type="secondary">至 {r.endOn}</Typography.Text>
        </Space>
      ),
    },
    {
      title: (
        <Tooltip title="彩色为登记的实际进度，灰色为按路线图截至今天应达到的计划进度">
          <span>进度（实际 / 计划）</span>
        </Tooltip>
      ),
      key: 'progress',
      width: 190,
      render: (_: unknown, r) => <PlanProgress planned={r.planned} actual={r.actual} level={r.status === 'accepted' ? null : r.level} compact />,
    },
    { title: '预警', key: 'level', width: 96, render: (_: unknown, r) => <LevelTag level={r.level} status={r.status} reasons={r.reasons} /> },
    { title: '节点', key: 'milestones', width: 70, render: (_: unknown, r) => (r.milestones ? `${r.milestonesDone}/${r.milestones}` : <Typography.Text type="secondary">未制定</Typography.Text>) },
    {
      title: '操作',
      key: 'act',
      width: 64,
      fixed: 'right',
      render: (_: unknown, r) => (
        <Link to={`/admin/projects/${r.id}`} aria-label={`查看：${r.name}`}>
          查看
        </Link>
      ),
    },
  ];

  const counts = data?.counts;
  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>重点项目</Typography.Title>
          <Typography.Text type="secondary">
            书记项目、创新项目和重大工程按路线图推进：系统按节点的计划完成日期和权重计算计划进度，与登记的实际进度比较，落后或逾期的发出红、黄、蓝预警。
            {data?.asOf ? `进度截至 ${data.asOf}。` : ''}
          </Typography.Text>
        </Space>
        <Space wrap>
          <Tooltip title="按当前筛选条件导出项目清单和路线图（Excel）">
            <Button icon={<DownloadOutlined />} onClick={() => void onExport()} loading={exporting}>
              导出
            </Button>
          </Tooltip>
          {manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              立项
            </Button>
          )}
        </Space>
      </div>

      <div className="project-filters" role="search" aria-label="筛选项目">
        <OrgTreeSelect value={orgId} onChange={(id) => update({ orgId: id })} style={{ width: 240, minWidth: 0 }} placeholder="全部组织（可选择组织）" aria-label="组织" />
        <Select value={s.type} onChange={(type) => update({ type })} options={typeOptions} allowClear placeholder="项目类型" style={{ width: 130 }} aria-label="项目类型" />
        <Select value={s.status} onChange={(status) => update({ status })} options={statusOptions} allowClear placeholder="状态" style={{ width: 110 }} aria-label="状态" />
        <Select<ProjectLevelFilter>
          value={s.level}
          onChange={(level) => update({ level })}
          allowClear
          placeholder="预警级别"
          style={{ width: 140 }}
          aria-label="预警级别"
          options={levelKeys.map((k) => ({ value: k, label: counts ? `${PROJECT_LEVELS[k]} ${counts[k]}` : PROJECT_LEVELS[k] }))}
        />
        <SearchBox value={s.q} onSearch={(q) => update({ q })} placeholder="项目名称" width={200} aria-label="项目名称" />
        <Button onClick={() => setParams({})} disabled={!filtered}>
          重置
        </Button>
      </div>

      {list.isError && !data ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} title="项目加载失败" />
      ) : (
        <Table<ProjectListItem>
          rowKey="id"
          data-testid="projects"
          loading={list.isFetching}
          dataSource={data?.items ?? []}
          columns={columns}
          scroll={{ x: 1098 }}
          locale={{
            emptyText: list.isPending ? (
              ' '
            ) : (
              <EmptyState description={filtered ? '没有符合条件的项目。请调整筛选条件，或点击“重置”。' : manage ? '还没有重点项目。可点击“立项”，并制定路线图。' : '还没有重点项目。'} />
            ),
          }}
          pagination={{
            current: s.page,
            pageSize: s.pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (t) => `共 ${t} 个项目`,
            onChange: (p, size) => update({ page: size !== s.pageSize ? 1 : p, pageSize: size }),
          }}
        />
      )}
      {creating && <CreateProjectModal orgId={orgId} onClose={() => setCreating(false)} onCreated={(id) => navigate(`/admin/projects/${id}`)} />}
    </Card>
  );
}
