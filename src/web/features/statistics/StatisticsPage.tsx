import { useState } from 'react';
import { Alert, App, Button, Card, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, LockOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router';
import type { ColumnsType } from 'antd/es/table/interface';
import { STATISTICS_FIRST_YEAR, STATISTICS_FORMS, type BalanceMismatch, type StatisticsAdjustment, type StatisticsBalance, type StatisticsFormKey, type StatisticsRow } from '../../../contracts/statistics';
import { errorMessage } from '../../shared/api';
import { usePageOrg } from '../../shared/current-org';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { exportStatisticsForm, useStatisticsForm } from './api';
import { closingText, YearClosing } from './YearClosing';

// 党内统计 (issue 16, RULES §6): the annual forms of the chosen org's subtree
// for a year — each in the paper form's rows — with form 1's balance check and
// the members behind any difference, and the form as Excel.

const FORM_KEYS = Object.keys(STATISTICS_FORMS) as StatisticsFormKey[];
/** the forms, and the year's closing with the reconciliation of the subordinate units */
type View = StatisticsFormKey | 'closing';
const VIEWS: Array<{ value: View; label: string }> = [...FORM_KEYS.map((k) => ({ value: k, label: STATISTICS_FORMS[k] })), { value: 'closing', label: '年度结算' }];

/** Form 1's check in words: the sum, and where it does not hold, who is behind it. */
function BalanceCheck({ balance, year }: { balance: StatisticsBalance; year: number }) {
  const adjusted = balance.adjustment ? ` ${balance.adjustment < 0 ? '−' : '+'} 结算后更正 ${Math.abs(balance.adjustment)}` : '';
  const sum = `${year - 1}年底 ${balance.start}${adjusted} + 本年增加 ${balance.increases} − 本年减少 ${balance.decreases} = ${balance.expectedEnd}`;
  const adjustments = balance.adjustments.length > 0 && <Adjustments items={balance.adjustments} year={year} />;
  if (balance.difference === 0)
    return (
      <>
        <Alert type="success" showIcon style={{ marginBottom: 16 }} title={`平衡校验通过：${sum}，与本年底党员数 ${balance.end} 相符`} />
        {adjustments}
      </>
    );
  const columns: ColumnsType<BalanceMismatch> = [
    { title: '姓名', dataIndex: 'name', key: 'name', render: (v: string, m) => <Link to={`/admin/members/${m.personId}`}>{v}</Link> },
    { title: '现所在组织', dataIndex: 'orgName', key: 'org', render: (v: string | null) => v ?? '—' },
    { title: '上年底在册', dataIndex: 'atStart', key: 'start', render: (v: boolean) => (v ? '是' : '否') },
    { title: '本年底在册', dataIndex: 'atEnd', key: 'end', render: (v: boolean) => (v ? '是' : '否') },
    { title: '本年登记的变动', key: 'events', render: (_: unknown, m) => (m.events.length ? m.events.map((e) => `${e.date} ${e.label}`).join('；') : '无') },
    { title: '说明', dataIndex: 'explanation', key: 'explanation' },
  ];
  return (
    <>
      {adjustments}
      <Alert
        type="error"
        showIcon
        style={{ marginBottom: 16 }}
        title={`平衡校验不符：${sum}，本年底实有 ${balance.end}，差额 ${balance.difference > 0 ? '+' : ''}${balance.difference}`}
        description={
          <>
            <Typography.Paragraph style={{ marginBottom: 8 }}>以下党员的组织关系与本年登记的增减变动不一致（差额如实报告，不作调平）。请核实后在党员档案中补登变动：</Typography.Paragraph>
            <Table<BalanceMismatch> rowKey="personId" size="small" data-testid="mismatches" dataSource={balance.mismatches} columns={columns} pagination={false} scroll={{ x: 'max-content' }} />
          </>
        }
      />
    </>
  );
}

/** The changes recorded after the previous year was closed, dated in it: this year's adjustment. */
function Adjustments({ items, year }: { items: StatisticsAdjustment[]; year: number }) {
  const columns: ColumnsType<StatisticsAdjustment> = [
    { title: '姓名', dataIndex: 'name', key: 'name', render: (v: string, a) => <Link to={`/admin/members/${a.personId}`}>{v}</Link> },
    { title: '变动日期', dataIndex: 'date', key: 'date' },
    { title: '变动', dataIndex: 'label', key: 'label' },
    { title: '增减', dataIndex: 'direction', key: 'direction', render: (v: string) => (v === 'increase' ? '增加' : '减少') },
  ];
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      title={`${year - 1}年度结算后登记的${year - 1}年及以前的变动（${items.length} 项），列为本年的“结算后更正”`}
      description={<Table<StatisticsAdjustment> rowKey={(a) => `${a.personId}-${a.date}-${a.label}`} size="small" data-testid="adjustments" dataSource={items} columns={columns} pagination={false} scroll={{ x: 'max-content' }} />}
    />
  );
}

export function StatisticsPage() {
  usePageTitle('党内统计');
  const { message } = App.useApp();
  const me = useMe().data;
  const orgId = usePageOrg();
  const [params, setParams] = useSearchParams();
  const view: View = VIEWS.some((v) => v.value === params.get('form')) ? (params.get('form') as View) : 'balance';
  const form: StatisticsFormKey = view === 'closing' ? 'balance' : view;
  const year = Number(params.get('year')) || undefined;
  const q = useStatisticsForm(form, { orgId, year });
  const f = q.data;
  const [exporting, setExporting] = useState(false);
  const update = (patch: Record<string, string>) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      for (const [k, v] of Object.entries(patch)) next.set(k, v);
      return next;
    });

  const latest = f?.currentYear ?? new Date().getFullYear();
  const years = Array.from({ length: latest - STATISTICS_FIRST_YEAR + 1 }, (_, i) => latest - i).map((y) => ({ value: y, label: `${y}年${y === latest ? '（截至今日）' : ''}` }));
  const columns: ColumnsType<StatisticsRow> = [
    {
      title: '项目', dataIndex: 'label', key: 'label', width: 260,
      render: (v: string, r) => <span style={{ paddingLeft: r.level * 24, fontWeight: r.level === 0 ? 600 : undefined }}>{v}</span>,
    },
    ...(f?.columns ?? []).map((c, j) => ({
      title: c, key: `c${j}`, align: 'right' as const, width: 120,
      render: (_: unknown, r: StatisticsRow) => <span style={{ fontWeight: r.level === 0 ? 600 : undefined, color: r.key === 'difference' && r.values[j] !== 0 ? '#cf1322' : undefined }}>{r.values[j]}</span>,
    })),
  ];

  const download = async () => {
    setExporting(true);
    try {
      await exportStatisticsForm(form, { orgId, year: f?.year });
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setExporting(false);
    }
  };

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>党内统计</Typography.Title>
          <Typography.Text type="secondary">年度统计报表由组织关系和党员增减变动自动汇总，不需另行填报；本年度的报表统计到今天。</Typography.Text>
        </Space>
        {me && can(me, 'member.export') && view !== 'closing' && (
          <Button icon={<DownloadOutlined />} onClick={() => void download()} loading={exporting} disabled={!f}>
            导出 Excel
          </Button>
        )}
      </div>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginBottom: 16 }}>
        <Select<number> value={f?.year ?? year} options={years} onChange={(y) => update({ year: String(y) })} style={{ width: 200 }} aria-label="统计年度" placeholder="统计年度" />
        {/* six forms: on a phone the row scrolls sideways instead of widening the page */}
        <div style={{ maxWidth: '100%', overflowX: 'auto' }}>
          <Segmented<View> value={view} onChange={(k) => update({ form: k })} options={VIEWS} aria-label="报表" />
        </div>
      </div>
      {view === 'closing' ? (
        <YearClosing orgId={orgId} year={f?.year ?? year} />
      ) : q.isError && !f ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} title="报表加载失败" />
      ) : (
        <>
          {f?.closing && f.form === form && (
            <Alert type="success" showIcon icon={<LockOutlined />} style={{ marginBottom: 16 }} title={`${f.year}年度${closingText(f.closing)}`} />
          )}
          {f?.balance && f.form === form && <BalanceCheck balance={f.balance} year={f.year} />}
          <Table<StatisticsRow>
            rowKey="key"
            data-testid="statistics-form"
            size="small"
            bordered
            loading={q.isFetching && !f}
            dataSource={f?.form === form ? f.rows : []}
            columns={columns}
            pagination={false}
            scroll={{ x: 'max-content' }}
            title={() =>
              f && (
                <Space wrap>
                  <Typography.Text strong>{`${f.title}（${f.year}年）\u3000填报单位：${f.org.name}\u3000统计截止日期：${f.cutoff}`}</Typography.Text>
                  {f.closing && <Tag color="green">已结算</Tag>}
                </Space>
              )
            }
            locale={{ emptyText: q.isPending ? ' ' : <EmptyState description="没有数据" /> }}
          />
          {f && (
            <div style={{ marginTop: 12 }}>
              {[...f.notes.map((n) => `注：${n}`), ...f.sources.map((s) => `依据：${s}`)].map((t) => (
                <Typography.Paragraph key={t} type="secondary" style={{ marginBottom: 4 }}>
                  {t}
                </Typography.Paragraph>
              ))}
            </div>
          )}
        </>
      )}
    </Card>
  );
}
