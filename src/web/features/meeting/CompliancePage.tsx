import { Button, Card, DatePicker, Progress, Segmented, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ORG_TYPES, type OrgType } from '../../../contracts/dict';
import { PeriodKey, periodBounds, periodOf, type ComplianceRow, type MeetingCompliance, type MeetingType } from '../../../contracts/meeting';
import { dayjs, todayShanghai } from '../../shared/dates';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useCompliance } from './api';
import { MeetingTypeTag, pct, ratio, useMeetingOrg } from './ui';
import './meeting.css';

// 落实情况: for an org and its subtree in a period, each meeting type's
// cadence against what was held — the orgs bound by it (× its periods inside
// the one asked), those that met it, meetings held, minutes confirmed and the
// attendance rate — and the same per child org, to drill down. Read from the
// rollups; the rule's source is the citation.

type Kind = 'year' | 'quarter' | 'month';
type ChildRow = MeetingCompliance['children'][number];

const kindOf = (key: string): Kind => (/^\d{4}$/.test(key) ? 'year' : /-Q/.test(key) ? 'quarter' : 'month');

/** A picked day as the period key of a kind: 2026, 2026-Q4, 2026-12. */
function keyOf(kind: Kind, d: Dayjs): string {
  return periodOf(kind, d.format('YYYY-MM-DD'));
}

function Rate({ value }: { value: number | null }) {
  if (value === null) return <Typography.Text type="secondary">—</Typography.Text>;
  const p = Math.round(value * 1000) / 10;
  return (
    <div className="compliance-rate">
      <Progress percent={p} size="small" showInfo={false} strokeColor={value >= 1 ? '#52c41a' : value >= 0.8 ? '#faad14' : '#c8102e'} />
      <span>{pct(value)}</span>
    </div>
  );
}

export function CompliancePage() {
  usePageTitle('组织生活落实情况');
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const orgId = useMeetingOrg();
  const asked = params.get('period');
  const period = asked && PeriodKey.safeParse(asked).success ? asked : periodOf('quarter', todayShanghai());
  const kind = kindOf(period);
  const q = useCompliance(orgId, period);
  const c = q.data;

  const update = (patch: { orgId?: string | null; period?: string }) => {
    const next = new URLSearchParams(params);
    if (patch.orgId !== undefined) {
      if (patch.orgId) next.set('orgId', patch.orgId);
      else next.delete('orgId');
    }
    if (patch.period) next.set('period', patch.period);
    setParams(next);
  };
  const anchor = dayjs(periodBounds(period).from);
  const drill = (id: string) => `/admin/meetings/compliance?${new URLSearchParams({ orgId: id, period })}`;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <div className="page-header">
          <Space orientation="vertical" size={0}>
            <Typography.Title level={3}>落实情况</Typography.Title>
            <Typography.Text type="secondary" data-testid="compliance-scope">
              {c ? `${c.org.name}及下级组织 · ${c.periodLabel}（${c.from} 至 ${c.to}）` : '本组织及下级组织'}
            </Typography.Text>
          </Space>
          <Link to={orgId ? `/admin/meetings?orgId=${orgId}` : '/admin/meetings'}>
            <Button>会议管理</Button>
          </Link>
        </div>
        <Space wrap style={{ display: 'flex', marginBottom: 16 }} role="search" aria-label="统计范围">
          <OrgTreeSelect value={orgId ?? c?.org.id} onChange={(id) => update({ orgId: id })} style={{ width: 260, minWidth: 0, maxWidth: '100%' }} aria-label="组织" allowClear={false} />
          <Segmented<Kind>
            value={kind}
            onChange={(k) => update({ period: keyOf(k, anchor) })}
            options={[
              { value: 'year', label: '年' },
              { value: 'quarter', label: '季度' },
              { value: 'month', label: '月' },
            ]}
            aria-label="期间类型"
          />
          <DatePicker
            picker={kind}
            value={anchor}
            allowClear={false}
            format={(d) => (kind === 'year' ? `${d.year()}年` : kind === 'quarter' ? `${d.year()}年第${Math.floor(d.month() / 3) + 1}季度` : `${d.year()}年${d.month() + 1}月`)}
            onChange={(d) => d && update({ period: keyOf(kind, d) })}
            aria-label="期间"
            style={{ width: 170 }}
          />
        </Space>
        {q.isError && !c ? (
          <ErrorState error={q.error} onRetry={() => q.refetch()} title="落实情况加载失败" />
        ) : (
          <>
            <Table<ComplianceRow>
              rowKey="type"
              size="middle"
              loading={q.isFetching}
              dataSource={c?.rows ?? []}
              pagination={false}
              scroll={{ x: 'max-content' }}
              data-testid="compliance-table"
              locale={{ emptyText: q.isPending ? ' ' : <EmptyState description="没有数据。" /> }}
              columns={[
                { title: '类型', dataIndex: 'type', key: 'type', width: 130, render: (t: MeetingType) => <MeetingTypeTag type={t} /> },
                { title: '要求', dataIndex: 'cadence', key: 'cadence', width: 120 },
                {
                  title: '应开（组织·期）',
                  dataIndex: 'obligated',
                  key: 'obligated',
                  align: 'right',
                  width: 130,
                  render: (n: number, r) => (
                    <Typography.Text title={r.periods.join('、')}>
                      {n}
                    </Typography.Text>
                  ),
                },
                { title: '已开', dataIndex: 'met', key: 'met', align: 'right', width: 80 },
                { title: '落实率', key: 'rate', width: 160, render: (_: unknown, r) => <Rate value={ratio(r.met, r.obligated)} /> },
                { title: '召开次数', dataIndex: 'held', key: 'held', align: 'right', width: 90 },
                { title: '记录完整率', key: 'minutes', width: 160, render: (_: unknown, r) => (r.held ? <span>{pct(ratio(r.minutesDone, r.held))}<Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 6 }}>{r.minutesDone}/{r.held}</Typography.Text></span> : <Typography.Text type="secondary">—</Typography.Text>) },
                { title: '出席率', dataIndex: 'attendanceRate', key: 'attendanceRate', align: 'right', width: 90, render: pct },
              ]}
            />
            <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
              应开：受该频次约束的组织数 × 期间内已开始的考核期数；已开：按要求次数召开的组织·期；记录完整率：会议记录经主持人、记录人确认的比例；出席率按扣除请假人数计。
            </Typography.Paragraph>
            {c?.source && (
              <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0', fontSize: 12 }} data-testid="compliance-source">
                依据：{c.source}
              </Typography.Paragraph>
            )}
          </>
        )}
      </Card>
      {c && c.children.length > 0 && (
        <Card title="下级组织">
          <Table<ChildRow>
            rowKey="orgId"
            size="middle"
            dataSource={c.children}
            pagination={c.children.length > 50 ? { pageSize: 50 } : false}
            scroll={{ x: 'max-content' }}
            data-testid="compliance-children"
            columns={[
              { title: '组织', dataIndex: 'orgName', key: 'orgName', render: (n: string, r) => <Link to={drill(r.orgId)}>{n}</Link>, sorter: (a, b) => a.orgName.localeCompare(b.orgName, 'zh-CN') },
              { title: '类型', dataIndex: 'orgType', key: 'orgType', width: 100, render: (t: string) => ORG_TYPES[t as OrgType] ?? t },
              { title: '应开', dataIndex: 'obligated', key: 'obligated', align: 'right', width: 80 },
              { title: '已开', dataIndex: 'met', key: 'met', align: 'right', width: 80 },
              {
                title: '落实率',
                key: 'rate',
                width: 160,
                render: (_: unknown, r) => <Rate value={ratio(r.met, r.obligated)} />,
                sorter: (a, b) => (ratio(a.met, a.obligated) ?? 2) - (ratio(b.met, b.obligated) ?? 2),
                defaultSortOrder: 'ascend',
              },
              { title: '召开次数', dataIndex: 'held', key: 'held', align: 'right', width: 90 },
              { title: '出席率', dataIndex: 'attendanceRate', key: 'attendanceRate', align: 'right', width: 90, render: pct },
              {
                title: '操作',
                key: 'actions',
                width: 130,
                render: (_: unknown, r) => (
                  <Space size={8}>
                    <Link to={drill(r.orgId)} aria-label={`查看 ${r.orgName} 的落实情况`}>
                      下钻
                    </Link>
                    <Link to={`/admin/meetings?orgId=${r.orgId}`}>会议</Link>
                  </Space>
                ),
              },
            ]}
            // a click anywhere on a row drills down (the links inside keep their own targets)
            onRow={(r) => ({
              onClick: (e) => {
                if (!(e.target as HTMLElement).closest('a')) navigate(drill(r.orgId));
              },
              style: { cursor: 'pointer' },
            })}
          />
        </Card>
      )}
    </Space>
  );
}

