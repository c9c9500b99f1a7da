import { useState } from 'react';
import { Button, Card, DatePicker, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { CalendarOutlined, PlusOutlined, ScheduleOutlined, TableOutlined } from '@ant-design/icons';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { MEETING_STATUSES, MEETING_TYPES, type MeetingStatus, type MeetingType } from '../../../contracts/meeting';
import { dayjs, todayShanghai } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { SearchBox } from '../../shared/search-box';
import { usePageTitle } from '../../shared/use-title';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useMeetings, type MeetingListItem } from './api';
import { CreateMeetingModal } from './CreateMeetingModal';
import { MeetingCalendar, type CalendarMode } from './MeetingCalendar';
import { PlanModal } from './PlanModal';
import { MeetingStatusTag, MeetingTypeTag, statusOptions, timeRange, typeOptions, useMeetingOrg } from './ui';
import './meeting.css';

// 会议管理: the meetings of the org chosen in the header (or ?orgId=) and
// below, as a table (server-paginated) or as a month or week calendar; 安排会议
// and 生成年度计划 for those who run the meetings.

type View = 'table' | CalendarMode;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface ListState {
  view: View;
  type?: MeetingType;
  status?: MeetingStatus;
  from?: string;
  to?: string;
  q?: string;
  /** the calendar's anchor day */
  d?: string;
  page: number;
  pageSize: number;
}

function readState(p: URLSearchParams): ListState {
  const view = p.get('view');
  const type = p.get('type');
  const status = p.get('status');
  const pick = (k: string) => (DATE.test(p.get(k) ?? '') ? p.get(k)! : undefined);
  return {
    view: view === 'month' || view === 'week' ? view : 'table',
    type: type && type in MEETING_TYPES ? (type as MeetingType) : undefined,
    status: status && status in MEETING_STATUSES ? (status as MeetingStatus) : undefined,
    from: pick('from'),
    to: pick('to'),
    q: p.get('q') || undefined,
    d: pick('d'),
    page: Math.max(1, Number(p.get('page')) || 1),
    pageSize: [10, 20, 50, 100].includes(Number(p.get('pageSize'))) ? Number(p.get('pageSize')) : 20,
  };
}

export function MeetingListPage() {
  usePageTitle('会议管理');
  const me = useMe().data;
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const s = readState(params);
  const orgId = useMeetingOrg();
  const [creating, setCreating] = useState(false);
  const [planning, setPlanning] = useState(false);
  const manage = can(me, 'meeting.manage');

  const filters = { orgId, type: s.type, status: s.status, q: s.q };
  const list = useMeetings({ ...filters, from: s.from, to: s.to, page: s.page, pageSize: s.pageSize }, s.view === 'table');

  const update = (patch: Partial<ListState> & { orgId?: string | null }) => {
    const next = { ...s, page: 1, ...patch };
    const out: Record<string, string> = {};
    const org = patch.orgId === undefined ? params.get('orgId') : patch.orgId;
    if (org) out.orgId = org;
    if (next.view !== 'table') out.view = next.view;
    if (next.type) out.type = next.type;
    if (next.status) out.status = next.status;
    if (next.from) out.from = next.from;
    if (next.to) out.to = next.to;
    if (next.q) out.q = next.q;
    if (next.d) out.d = next.d;
    if (next.page !== 1) out.page = String(next.page);
    if (next.pageSize !== 20) out.pageSize = String(next.pageSize);
    setParams(out);
  };
  const filtered = !!(params.get('orgId') || s.type || s.status || s.from || s.to || s.q);
  const anchor = dayjs(s.d ?? todayShanghai());

  const columns: ColumnsType<MeetingListItem> = [
    {
      title: '日期',
      key: 'date',
      width: 130,
      render: (_: unknown, r) => (
        <div>
          <div>{r.heldOn ?? r.plannedDate}</div>
          {r.startsAt && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{timeRange(r.startsAt, r.endsAt)}</Typography.Text>}
        </div>
      ),
    },
    { title: '组织', dataIndex: 'orgName', key: 'orgName', width: 200, ellipsis: true },
    { title: '类型', dataIndex: 'type', key: 'type', width: 130, render: (t: MeetingType) => <MeetingTypeTag type={t} /> },
    {
      title: '会议名称',
      dataIndex: 'title',
      key: 'title',
      width: 260,
      render: (t: string, r) => (
        <Space size={6} wrap>
          <Link to={`/admin/meetings/${r.id}`}>{t}</Link>
          {r.fromPlan && r.status === 'planned' && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              年度计划
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: '状态', dataIndex: 'status', key: 'status', width: 90, render: (st: MeetingStatus) => <MeetingStatusTag status={st} /> },
    {
      title: '出席（实到/应到）',
      key: 'attendance',
      width: 150,
      render: (_: unknown, r) =>
        r.attendees === 0 ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          <span>
            {r.present}/{r.attendees}
            {r.onLeave > 0 && <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 6 }}>请假 {r.onLeave}</Typography.Text>}
          </span>
        ),
    },
    {
      title: '会议记录',
      dataIndex: 'minutesLocked',
      key: 'minutesLocked',
      width: 100,
      render: (locked: boolean, r) => (locked ? <Tag color="green">已锁定</Tag> : r.status === 'held' ? <Tag>未锁定</Tag> : <Typography.Text type="secondary">—</Typography.Text>),
    },
    { title: '操作', key: 'actions', width: 70, fixed: 'right', render: (_: unknown, r) => <Link to={`/admin/meetings/${r.id}`} aria-label={`查看 ${r.title}`}>查看</Link> },
  ];

  return (
    <Card>
      <div className="page-header">
        <div className="meeting-title-row">
          <Typography.Title level={3}>会议管理</Typography.Title>
          <div className="meeting-view-switch">
            <Segmented<View>
              value={s.view}
              onChange={(view) => update({ view })}
              options={[
                { value: 'table', label: '列表', icon: <TableOutlined /> },
                { value: 'month', label: '月历', icon: <CalendarOutlined /> },
                { value: 'week', label: '周历', icon: <CalendarOutlined /> },
              ]}
              aria-label="显示方式"
            />
          </div>
        </div>
        <Space wrap>
          <Link to={orgId ? `/admin/meetings/compliance?orgId=${orgId}` : '/admin/meetings/compliance'}>
            <Button>落实情况</Button>
          </Link>
          {manage && (
            <Button icon={<ScheduleOutlined />} onClick={() => setPlanning(true)}>
              生成年度计划
            </Button>
          )}
          {manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              安排会议
            </Button>
          )}
        </Space>
      </div>

      <div className="meeting-filters" role="search" aria-label="筛选会议">
        <OrgTreeSelect value={orgId} onChange={(id) => update({ orgId: id })} style={{ width: 240, minWidth: 0 }} placeholder="全部组织（可选择组织）" aria-label="组织" />
        <Select value={s.type} onChange={(type) => update({ type })} options={typeOptions} allowClear placeholder="会议类型" style={{ width: 140 }} aria-label="会议类型" />
        <Select value={s.status} onChange={(status) => update({ status })} options={statusOptions} allowClear placeholder="状态" style={{ width: 110 }} aria-label="状态" />
        {s.view === 'table' && (
          <DatePicker.RangePicker
            value={[s.from ? dayjs(s.from) : null, s.to ? dayjs(s.to) : null]}
            onChange={(v) => update({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD') })}
            allowEmpty={[true, true]}
            placeholder={['开始日期', '结束日期']}
            aria-label="日期范围"
            style={{ width: 250 }}
          />
        )}
        <SearchBox value={s.q} onSearch={(q) => update({ q })} placeholder="会议名称 / 组织名称" width={200} aria-label="会议名称或组织名称" />
        <Button onClick={() => setParams(s.view === 'table' ? {} : { view: s.view })} disabled={!filtered}>
          重置
        </Button>
      </div>

      {s.view !== 'table' ? (
        <MeetingCalendar
          mode={s.view}
          anchor={anchor}
          filters={filters}
          onAnchor={(d) => update({ d: d.format('YYYY-MM-DD') })}
          onWeek={(d) => update({ view: 'week', d: d.format('YYYY-MM-DD') })}
        />
      ) : list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} title="会议加载失败" />
      ) : (
        <Table<MeetingListItem>
          rowKey="id"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 1130 }}
          locale={{
            emptyText: list.isPending ? (
              ' '
            ) : (
              <EmptyState
                description={filtered ? '没有符合条件的会议。请调整筛选条件，或点击“重置”。' : manage ? '还没有会议。可点击“安排会议”，或用“生成年度计划”按三会一课的频次排出全年会议。' : '还没有会议。'}
              />
            ),
          }}
          pagination={{
            current: s.page,
            pageSize: s.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (t) => `共 ${t} 次`,
            onChange: (p, size) => update({ page: size !== s.pageSize ? 1 : p, pageSize: size }),
          }}
        />
      )}
      {creating && <CreateMeetingModal orgId={orgId} onClose={() => setCreating(false)} onCreated={(id) => navigate(`/admin/meetings/${id}`)} />}
      {planning && <PlanModal orgId={orgId} onClose={() => setPlanning(false)} />}
    </Card>
  );
}

