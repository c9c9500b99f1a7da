import { useState } from 'react';
import { App, Button, Card, List, Select, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, FileWordOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import type { ColumnsType } from 'antd/es/table/interface';
import { DRILL_DIMENSIONS, type DrillDimension } from '../../../contracts/dashboard';
import { errorMessage } from '../../shared/api';
import { usePageOrg } from '../../shared/current-org';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { downloadBrief, exportDrill, useDrill, useProblems, type DrillQuery } from './api';

// 党建分析: the main problems of the chosen org's subtree (from the warning
// centre and the branch index), with a one-page brief; then 交叉分析 (QUALITY
// B2): the members on the roll of the chosen org's subtree
// counted by any two dimensions, with filters and totals, exported to Excel.

const LEVEL_TAGS = { error: { color: 'red', text: '红色' }, warning: { color: 'gold', text: '黄色' }, info: { color: 'blue', text: '蓝色' } } as const;

/** 主要问题: ranked, each in a sentence with a link to act, and the Word brief. */
function ProblemsCard({ orgId }: { orgId: string | undefined }) {
  const { message } = App.useApp();
  const q = useProblems(orgId);
  const [busy, setBusy] = useState(false);
  const brief = async () => {
    setBusy(true);
    try {
      await downloadBrief(orgId);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      style={{ marginBottom: 16 }}
      title="主要问题"
      extra={
        <Button icon={<FileWordOutlined />} onClick={() => void brief()} loading={busy} disabled={!q.data}>
          下载简报
        </Button>
      }
    >
      {q.isError && !q.data ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} title="问题分析加载失败" />
      ) : (
        <List
          data-testid="problems"
          loading={q.isPending}
          dataSource={q.data?.problems ?? []}
          locale={{ emptyText: <EmptyState description="管理范围内暂无预警，先锋指数各分项均在良好以上" /> }}
          header={q.data && <Typography.Text type="secondary">{`${q.data.org.name}，截至 ${q.data.asOf}，趋势与 ${q.data.comparedWith} 比较；按预警级别和数量排序`}</Typography.Text>}
          renderItem={(p, i) => (
            <List.Item actions={[<Link key="go" to={p.link}>去处理</Link>]}>
              <List.Item.Meta
                title={
                  <Space size={6} wrap>
                    <span>{i + 1}.</span>
                    <Tag color={LEVEL_TAGS[p.level].color}>{LEVEL_TAGS[p.level].text}</Tag>
                    <span>{p.title}</span>
                  </Space>
                }
                description={p.explanation}
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

const DIMENSION_OPTIONS = (Object.keys(DRILL_DIMENSIONS) as DrillDimension[]).map((d) => ({ value: d, label: DRILL_DIMENSIONS[d] }));

interface Line {
  key: string;
  label: string;
  cells: number[];
  total: number;
}

export function AnalysisPage() {
  usePageTitle('党建分析');
  const { message } = App.useApp();
  const me = useMe().data;
  const orgId = usePageOrg();
  const [q, setQ] = useState<Omit<DrillQuery, 'orgId'>>({ rows: 'org', cols: 'age' });
  const query: DrillQuery = { ...q, orgId };
  const drill = useDrill(query);
  const d = drill.data;
  const [exporting, setExporting] = useState(false);
  const set = (patch: Partial<DrillQuery>) => setQ((x) => {
    const next = { ...x, ...patch };
    // the same dimension twice: move the other one away
    if (next.rows === next.cols) {
      const other = DIMENSION_OPTIONS.find((o) => o.value !== next.rows)!.value;
      if (patch.rows) next.cols = x.rows === next.rows ? other : x.rows;
      else next.rows = x.cols === next.cols ? other : x.cols;
    }
    return next;
  });

  const lines: Line[] = d ? d.rows.map((r, i) => ({ key: r.key, label: r.label, cells: d.cells[i], total: d.rowTotals[i] })) : [];
  const columns: ColumnsType<Line> = [
    { title: DRILL_DIMENSIONS[q.rows], dataIndex: 'label', key: 'label', fixed: 'left', width: 200 },
    ...(d?.cols ?? []).map((c, j) => ({ title: c.label, key: c.key, align: 'right' as const, width: 110, render: (_: unknown, r: Line) => r.cells[j] || <Typography.Text type="secondary">0</Typography.Text> })),
    { title: '合计', key: 'total', dataIndex: 'total', align: 'right', width: 100, fixed: 'right', render: (v: number) => <Typography.Text strong>{v}</Typography.Text> },
  ];

  const download = async () => {
    setExporting(true);
    try {
      await exportDrill(query);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
    <ProblemsCard orgId={orgId} />
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>交叉分析</Typography.Title>
          <Typography.Text type="secondary">管理范围内在册党员按任意两个维度统计（只计人数，不列姓名）；选择行、列和筛选条件，可导出 Excel。</Typography.Text>
        </Space>
        {me && can(me, 'member.export') && (
          <Button icon={<DownloadOutlined />} onClick={() => void download()} loading={exporting} disabled={!d}>
            导出 Excel
          </Button>
        )}
      </div>
      <Space wrap style={{ display: 'flex', marginBottom: 16 }}>
        <span>行</span>
        <Select<DrillDimension> value={q.rows} options={DIMENSION_OPTIONS} onChange={(v) => set({ rows: v })} style={{ width: 130 }} aria-label="行维度" />
        <span>列</span>
        <Select<DrillDimension> value={q.cols} options={DIMENSION_OPTIONS} onChange={(v) => set({ cols: v })} style={{ width: 130 }} aria-label="列维度" />
        <Select
          value={q.status ?? 'all'}
          onChange={(v) => set({ status: v === 'all' ? undefined : (v as 'full' | 'probationary') })}
          style={{ width: 130 }}
          aria-label="党员类别"
          options={[{ value: 'all', label: '全部在册党员' }, { value: 'full', label: '正式党员' }, { value: 'probationary', label: '预备党员' }]}
        />
        <Select
          value={q.sex ?? 'all'}
          onChange={(v) => set({ sex: v === 'all' ? undefined : (v as 'male' | 'female') })}
          style={{ width: 110 }}
          aria-label="性别筛选"
          options={[{ value: 'all', label: '不限性别' }, { value: 'male', label: '男' }, { value: 'female', label: '女' }]}
        />
      </Space>
      {drill.isError && !d ? (
        <ErrorState error={drill.error} onRetry={() => drill.refetch()} title="统计加载失败" />
      ) : (
        <Table<Line>
          rowKey="key"
          data-testid="drill"
          size="middle"
          loading={drill.isFetching && !d}
          dataSource={lines}
          columns={columns}
          pagination={false}
          scroll={{ x: 'max-content' }}
          caption={d && <Typography.Text type="secondary">{`${d.org.name}，截至 ${d.asOf}，共 ${d.total} 人`}</Typography.Text>}
          locale={{ emptyText: drill.isPending ? ' ' : <EmptyState description="没有符合条件的党员" /> }}
          summary={() =>
            d && lines.length > 0 ? (
              <Table.Summary fixed>
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0}>
                    <Typography.Text strong>合计</Typography.Text>
                  </Table.Summary.Cell>
                  {d.colTotals.map((n, j) => (
                    <Table.Summary.Cell key={j} index={j + 1} align="right">
                      <Typography.Text strong>{n}</Typography.Text>
                    </Table.Summary.Cell>
                  ))}
                  <Table.Summary.Cell index={d.colTotals.length + 1} align="right">
                    <Typography.Text strong>{d.total}</Typography.Text>
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              </Table.Summary>
            ) : null
          }
        />
      )}
    </Card>
    </>
  );
}
