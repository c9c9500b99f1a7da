import { useState } from 'react';
import { Card, DatePicker, Space, Table, Tag, Typography } from 'antd';
import { dayjs } from '../../shared/dates';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useArrears, useDuesRules, useSummary, type Arrears, type Summary } from './api';
import { currentMonth, useDuesOrg, yuan } from './ui';
import { StatementDrawer } from './StatementDrawer';
import { Link } from 'react-router';

// 收缴统计: due, paid, collection and on-time rates per month for an org
// subtree (read from the rollups), and 欠费提醒: members who have not paid for
// 3 months or more (批评教育), 6 months or more (组织处理).

type MonthRow = Summary['months'][number];
type ChildRow = Summary['children'][number];

/**
 * Collection by month: 应交 (grey) and 实交 (red) side by side, the collection
 * rate above each month. Plain SVG scaled to the card's width.
 */
function CollectionChart({ months }: { months: MonthRow[] }) {
  if (months.length === 0) return null;
  const max = Math.max(1, ...months.map((m) => Math.max(m.dueFen, m.paidFen)));
  const slot = 64;
  const h = 180;
  const top = 22;
  const bottom = 24;
  const scale = (fen: number) => Math.round(((h - top - bottom) * fen) / max);
  const width = Math.max(slot * months.length, 320);
  return (
    <figure className="dues-chart" aria-label="按月收缴情况图" data-testid="collection-chart">
      <svg viewBox={`0 0 ${width} ${h}`} width="100%" height={h} preserveAspectRatio="xMinYMid meet" role="img">
        <title>按月应交与实交党费</title>
        {months.map((m, i) => {
          const x = i * slot + 12;
          const due = scale(m.dueFen);
          const paid = scale(m.paidFen);
          return (
            <g key={m.month}>
              <rect x={x} y={h - bottom - due} width={18} height={due} fill="#d9d9d9">
                <title>{`${m.month} 应交 ${yuan(m.dueFen)} 元`}</title>
              </rect>
              <rect x={x + 20} y={h - bottom - paid} width={18} height={paid} fill="#c8161d">
                <title>{`${m.month} 实交 ${yuan(m.paidFen)} 元`}</title>
              </rect>
              <text x={x + 19} y={h - bottom - Math.max(due, paid) - 6} textAnchor="middle" fontSize="11" fill="#595959">
                {pct(m.collectionRate)}
              </text>
              <text x={x + 19} y={h - 6} textAnchor="middle" fontSize="11" fill="#8c8c8c">
                {m.month.slice(2).replace('-', '.')}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="dues-chart-legend">
        <span><i style={{ background: '#d9d9d9' }} />应交</span>
        <span><i style={{ background: '#c8161d' }} />实交</span>
        <span>柱上数字为当月收缴率</span>
      </figcaption>
    </figure>
  );
}
type ArrearsRow = Arrears['items'][number];

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

export function SummaryPage() {
  usePageTitle('党费收缴统计');
  const defaultOrg = useDuesOrg();
  const [picked, setPicked] = useState<string | undefined>();
  const orgId = picked ?? defaultOrg;
  const [range, setRange] = useState<[string, string]>(() => [`${currentMonth().slice(0, 4)}-01`, currentMonth()]);
  const q = useSummary(orgId, range[0], range[1]);
  const arrears = useArrears(orgId);
  const rules = useDuesRules(orgId);
  const t = q.data?.total;
  const [statementOf, setStatementOf] = useState<{ personId: string; name: string } | null>(null);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <div className="page-header">
          <Space orientation="vertical" size={0}>
            <Typography.Title level={3}>收缴统计</Typography.Title>
            <Typography.Text type="secondary">{q.data ? `${q.data.org.name}及下级组织` : '本组织及下级组织'} · 按时交纳指在当月内交纳</Typography.Text>
          </Space>
        </div>
        <Space wrap style={{ display: 'flex', marginBottom: 16 }} role="search" aria-label="统计范围">
          <OrgTreeSelect value={orgId} onChange={(id) => setPicked(id ?? undefined)} style={{ width: 260 }} aria-label="组织" allowClear={false} />
          <DatePicker.RangePicker
            picker="month"
            format="YYYY-MM"
            allowClear={false}
            value={[dayjs(`${range[0]}-01`), dayjs(`${range[1]}-01`)]}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM'), v[1].format('YYYY-MM')])}
            aria-label="月份范围"
            style={{ width: 240 }}
          />
        </Space>
        {q.isError && !q.data ? (
          <ErrorState error={q.error} onRetry={() => q.refetch()} title="收缴统计加载失败" />
        ) : (
          <Table<MonthRow>
            rowKey="month"
            size="middle"
            loading={q.isFetching}
            dataSource={q.data?.months ?? []}
            pagination={false}
            scroll={{ x: 'max-content' }}
            data-testid="summary-table"
            locale={{ emptyText: q.isPending ? ' ' : <EmptyState description="所选月份没有账单。" /> }}
            columns={[
              {
                title: '月份',
                dataIndex: 'month',
                key: 'month',
                width: 100,
                sorter: (a, b) => a.month.localeCompare(b.month),
                // each figure leads to the bills behind it (and from a bill to its ledger entries)
                render: (m: string) => (
                  <Link to={`/admin/dues/bills?${new URLSearchParams({ ...(orgId ? { orgId } : {}), month: m })}`} title="查看该月账单">
                    {m}
                  </Link>
                ),
              },
              { title: '账单数', dataIndex: 'bills', key: 'bills', align: 'right' },
              { title: '应交（元）', dataIndex: 'dueFen', key: 'dueFen', align: 'right', render: (v: number) => yuan(v), sorter: (a, b) => a.dueFen - b.dueFen },
              { title: '实交（元）', dataIndex: 'paidFen', key: 'paidFen', align: 'right', render: (v: number) => yuan(v), sorter: (a, b) => a.paidFen - b.paidFen },
              { title: '收缴率', dataIndex: 'collectionRate', key: 'collectionRate', align: 'right', render: pct, sorter: (a, b) => (a.collectionRate ?? -1) - (b.collectionRate ?? -1) },
              { title: '按时交纳率', dataIndex: 'onTimeRate', key: 'onTimeRate', align: 'right', render: pct, sorter: (a, b) => (a.onTimeRate ?? -1) - (b.onTimeRate ?? -1) },
              { title: '自愿交纳（元）', dataIndex: 'voluntaryFen', key: 'voluntaryFen', align: 'right', render: (v: number) => yuan(v) },
            ]}
            summary={() =>
              t ? (
                <Table.Summary.Row style={{ fontWeight: 600 }}>
                  <Table.Summary.Cell index={0}>合计</Table.Summary.Cell>
                  <Table.Summary.Cell index={1} align="right">
                    {(q.data?.months ?? []).reduce((s, m) => s + m.bills, 0)}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={2} align="right">
                    {yuan(t.dueFen)}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={3} align="right">
                    {yuan(t.paidFen)}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={4} align="right">
                    {pct(t.collectionRate)}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={5} align="right">
                    {pct(t.onTimeRate)}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={6} align="right">
                    {yuan((q.data?.months ?? []).reduce((s, m) => s + m.voluntaryFen, 0))}
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              ) : null
            }
          />
        )}
        {q.data && <CollectionChart months={q.data.months} />}
      </Card>
      {q.data && q.data.children.length > 0 && (
        <Card title={`下级组织收缴情况（${range[0]} 至 ${range[1]}）`} size="small">
          <Table<ChildRow>
            rowKey={(r) => r.org.id}
            size="middle"
            dataSource={q.data.children}
            pagination={q.data.children.length > 20 ? { pageSize: 20, showTotal: (n) => `共 ${n} 个组织` } : false}
            scroll={{ x: 'max-content' }}
            data-testid="summary-children"
            columns={[
              {
                title: '组织',
                key: 'org',
                render: (_: unknown, r) => (
                  <Typography.Link onClick={() => setPicked(r.org.id)} title="查看该组织的收缴统计">
                    {r.org.name}
                  </Typography.Link>
                ),
              },
              { title: '账单数', dataIndex: 'bills', key: 'bills', align: 'right', sorter: (a, b) => a.bills - b.bills },
              { title: '应交（元）', dataIndex: 'dueFen', key: 'dueFen', align: 'right', render: (v: number) => yuan(v), sorter: (a, b) => a.dueFen - b.dueFen },
              { title: '实交（元）', dataIndex: 'paidFen', key: 'paidFen', align: 'right', render: (v: number) => yuan(v), sorter: (a, b) => a.paidFen - b.paidFen },
              {
                title: '收缴率',
                dataIndex: 'collectionRate',
                key: 'collectionRate',
                align: 'right',
                defaultSortOrder: 'ascend',
                sorter: (a, b) => (a.collectionRate ?? 2) - (b.collectionRate ?? 2),
                render: (r: number | null) => (r !== null && r < 0.9 ? <Tag color="orange">{pct(r)}</Tag> : pct(r)),
              },
              { title: '按时交纳率', dataIndex: 'onTimeRate', key: 'onTimeRate', align: 'right', render: pct, sorter: (a, b) => (a.onTimeRate ?? -1) - (b.onTimeRate ?? -1) },
              { title: '自愿交纳（元）', dataIndex: 'voluntaryFen', key: 'voluntaryFen', align: 'right', render: (v: number) => yuan(v) },
            ]}
          />
        </Card>
      )}
      <Card title={`欠费提醒${arrears.data ? `（截至 ${arrears.data.asOf}）` : ''}`} size="small">
        {rules.data && (
          <Typography.Paragraph type="secondary">
            连续 {rules.data.arrearsWarnMonths} 个月未交纳党费的，进行批评教育；连续 {rules.data.arrearsActionMonths} 个月不交纳且无正当理由的，按自行脱党处理（组织处理）。
          </Typography.Paragraph>
        )}
        {arrears.isError && !arrears.data ? (
          <ErrorState error={arrears.error} onRetry={() => arrears.refetch()} title="欠费名单加载失败" />
        ) : (
          <Table<ArrearsRow>
            rowKey="personId"
            size="small"
            loading={arrears.isFetching}
            dataSource={arrears.data?.items ?? []}
            pagination={(arrears.data?.items.length ?? 0) > 20 ? { pageSize: 20 } : false}
            scroll={{ x: 'max-content' }}
            data-testid="arrears-table"
            locale={{ emptyText: arrears.isPending ? ' ' : <EmptyState description={`没有连续 ${rules.data?.arrearsWarnMonths ?? 3} 个月以上未交党费的党员。`} /> }}
            columns={[
              {
                title: '姓名',
                dataIndex: 'name',
                key: 'name',
                width: 100,
                render: (n: string, r) => (
                  <Typography.Link onClick={() => setStatementOf({ personId: r.personId, name: n })} title="查看党费明细">
                    {n}
                  </Typography.Link>
                ),
              },
              { title: '支部', dataIndex: 'orgName', key: 'orgName', width: 220 },
              { title: '连续未交月数', dataIndex: 'months', key: 'months', align: 'right', sorter: (a, b) => a.months - b.months, defaultSortOrder: 'descend' },
              { title: '欠交（元）', dataIndex: 'owedFen', key: 'owedFen', align: 'right', render: (v: number) => yuan(v), sorter: (a, b) => a.owedFen - b.owedFen },
              { title: '起始月份', dataIndex: 'since', key: 'since', render: (s: string) => `自 ${s} 起` },
              { title: '处理', dataIndex: 'level', key: 'level', render: (l: ArrearsRow['level']) => (l === 'action' ? <Tag color="red">组织处理</Tag> : <Tag color="orange">批评教育</Tag>) },
            ]}
          />
        )}
      </Card>
      {statementOf && <StatementDrawer personId={statementOf.personId} name={statementOf.name} onClose={() => setStatementOf(null)} />}
    </Space>
  );
}
