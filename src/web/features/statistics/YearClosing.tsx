import { Alert, App, Button, Popconfirm, Table, Tag, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table/interface';
import { ORG_TYPES, type OrgType } from '../../../contracts/dict';
import type { ReconciliationLine, StatisticsClosingInfo, StatisticsFigures } from '../../../contracts/statistics';
import { errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { ErrorState } from '../../shared/states';
import { useCloseYear, useReconciliation } from './api';

// 年度结算与下级核对: the subordinate orgs' closing status and form-1 figures
// against this org's, and the closing itself — a committee freezes its year
// once the year has ended and its subordinate committees have closed theirs.

interface Line {
  key: string;
  name: string;
  status: React.ReactNode;
  figures: StatisticsFigures;
  strong?: boolean;
}

export function closingText(c: StatisticsClosingInfo) {
  return `已于 ${formatDateTime(c.closedAt)} 结算${c.closedBy ? `（${c.closedBy}）` : ''}，数据已冻结`;
}

function statusOf(l: ReconciliationLine) {
  if (l.closing) return <Tag color="green" title={closingText(l.closing)}>已结算</Tag>;
  if (!l.closesOwnYear) return <Tag>随本级结算</Tag>;
  return <Tag color="orange">未结算</Tag>;
}

export function YearClosing({ orgId, year }: { orgId?: string; year?: number }) {
  const { message } = App.useApp();
  const me = useMe().data;
  const q = useReconciliation({ orgId, year });
  const close = useCloseYear();
  const r = q.data;
  if (q.isError && !r) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="结算情况加载失败" />;
  if (!r) return null;

  const n = (v: number) => <span>{v}</span>;
  const columns: ColumnsType<Line> = [
    { title: '组织', dataIndex: 'name', key: 'name', render: (v: string, l) => (l.strong ? <strong>{v}</strong> : v) },
    { title: '结算状态', dataIndex: 'status', key: 'status' },
    { title: `${r.year - 1}年底`, key: 'start', align: 'right', render: (_, l) => n(l.figures.start) },
    { title: '结算后更正', key: 'adjustment', align: 'right', render: (_, l) => n(l.figures.adjustment) },
    { title: '本年增加', key: 'increases', align: 'right', render: (_, l) => n(l.figures.increases) },
    { title: '本年减少', key: 'decreases', align: 'right', render: (_, l) => n(l.figures.decreases) },
    { title: r.year === r.currentYear ? '截至今日' : `${r.year}年底`, key: 'end', align: 'right', render: (_, l) => n(l.figures.end) },
  ];
  const lines: Line[] = [
    ...r.children.map((c) => ({ key: c.org.id, name: `${c.org.name}（${ORG_TYPES[c.org.type as OrgType] ?? c.org.type}）`, status: statusOf(c), figures: c.figures })),
    { key: 'own', name: '本级直接管理的党员', status: <Tag>随本级结算</Tag>, figures: r.own },
    { key: 'sum', name: '合计', status: null, figures: r.sum, strong: true },
    { key: 'total', name: `${r.org.name}报表数`, status: r.closing ? <Tag color="green">已结算</Tag> : <Tag color="orange">未结算</Tag>, figures: r.total, strong: true },
  ];
  const ended = r.year < r.currentYear;
  const mayClose = me && can(me, 'statistics.close') && r.closesOwnYear && !r.closing && ended;
  const blocked = r.openChildren.length > 0;
  const reconciled = r.difference.start === 0 && r.difference.end === 0;

  const submit = async () => {
    try {
      await close.mutateAsync({ orgId: r.org.id, year: r.year });
      message.success(`${r.org.name}${r.year}年度已结算，报表数据已冻结`);
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  return (
    <div data-testid="year-closing">
      {r.closing ? (
        <Alert type="success" showIcon icon={<LockOutlined />} style={{ marginBottom: 16 }} title={`${r.org.name}${r.year}年度${closingText(r.closing)}`} description="结算后登记的本年度及以前的变动，列入下一年度党员数综合比较表的“结算后更正”。" />
      ) : !r.closesOwnYear ? (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title="党支部的统计数据由上级党委（党总支）汇总结算，不单独结算。" />
      ) : !ended ? (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={`${r.year}年尚未结束，年度结束后再结算。`} />
      ) : blocked ? (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={`下级党组织尚未结算${r.year}年度：${r.openChildren.map((c) => c.name).join('、')}`} description="待下级结算后，本级才能结算。" />
      ) : (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={`${r.year}年度尚未结算`} description="结算后该年度的全部报表冻结，不再随记录变动；之后登记的更正列入下一年度。" />
      )}
      {!reconciled && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={`下级合计与本组织报表数不一致：${r.year - 1}年底相差 ${r.difference.start}，本年底相差 ${r.difference.end}`}
          description="多为下级结算后又登记了该年度的变动：差额在下级下一年度的“结算后更正”中列出。"
        />
      )}
      <Table<Line> rowKey="key" size="small" bordered dataSource={lines} columns={columns} pagination={false} scroll={{ x: 'max-content' }} loading={q.isFetching} data-testid="reconciliation" />
      <div style={{ marginTop: 12 }}>
        {r.notes.map((t) => (
          <Typography.Paragraph key={t} type="secondary" style={{ marginBottom: 4 }}>
            注：{t}
          </Typography.Paragraph>
        ))}
      </div>
      {mayClose && (
        <Popconfirm
          title={`结算${r.org.name}${r.year}年度？`}
          description="结算后该年度的全部报表冻结，不能撤销；之后登记的更正列入下一年度。"
          okText="结算"
          cancelText="取消"
          onConfirm={() => void submit()}
          disabled={blocked}
        >
          <Button type="primary" icon={<LockOutlined />} disabled={blocked} loading={close.isPending} style={{ marginTop: 8 }}>
            结算{r.year}年度
          </Button>
        </Popconfirm>
      )}
    </div>
  );
}
