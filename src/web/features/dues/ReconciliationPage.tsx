import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Space, Statistic, Table, Tag, Typography } from 'antd';
import { errorMessage } from '../../shared/api';
import { afterToday, dayjs, todayShanghai } from '../../shared/dates';
import { EmptyState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { useReconcile, type Difference, type Reconciliation } from './api';
import { yuan } from './ui';

// 对账: the platform's online payments of a day against the payment provider's
// statement; every difference listed with what it means.

const KINDS: Record<Difference['kind'], { label: string; color: string }> = {
  not_settled: { label: '支付机构已收款、平台未入账', color: 'red' },
  amount_mismatch: { label: '金额不一致', color: 'orange' },
  not_in_statement: { label: '平台已入账、对账单无记录', color: 'gold' },
  refund_due: { label: '重复收款、应退款', color: 'purple' },
};

export function ReconciliationPage() {
  usePageTitle('党费对账');
  const [day, setDay] = useState(() => dayjs(todayShanghai()).subtract(1, 'day').format('YYYY-MM-DD'));
  const run = useReconcile();
  const [result, setResult] = useState<Reconciliation | null>(null);
  const [error, setError] = useState<string | null>(null);

  const start = async () => {
    setError(null);
    try {
      setResult(await run.mutateAsync({ day }));
    } catch (e) {
      setResult(null);
      setError(errorMessage(e));
    }
  };

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>对账</Typography.Title>
          <Typography.Text type="secondary">在线交纳的党费与支付机构对账单逐笔核对</Typography.Text>
        </Space>
      </div>
      <Space wrap style={{ display: 'flex', marginBottom: 16 }}>
        <span>对账日期</span>
        <DatePicker value={dayjs(day)} onChange={(d) => d && setDay(d.format('YYYY-MM-DD'))} disabledDate={afterToday} allowClear={false} aria-label="对账日期" />
        <Button type="primary" onClick={start} loading={run.isPending}>
          开始对账
        </Button>
      </Space>
      {error && <Alert type="error" showIcon role="alert" title={`对账失败：${error}`} style={{ marginBottom: 16 }} />}
      {result && (
        <>
          <Space size={48} wrap style={{ display: 'flex', marginBottom: 16 }}>
            <Statistic title={`${result.day} 核对一致（笔）`} value={result.matched} />
            <Statistic title="差异（笔）" value={result.differences.length} styles={result.differences.length ? { content: { color: '#cf1322' } } : undefined} />
            <Statistic title="支付机构" value={result.provider} />
          </Space>
          <Table<Difference>
            rowKey={(r) => `${r.outTradeNo}-${r.kind}`}
            size="middle"
            dataSource={result.differences}
            pagination={result.differences.length > 20 ? { pageSize: 20 } : false}
            locale={{ emptyText: <EmptyState description="没有差异：平台记录与对账单一致。" /> }}
            columns={[
              { title: '订单号', dataIndex: 'outTradeNo', key: 'outTradeNo' },
              { title: '差异类型', dataIndex: 'kind', key: 'kind', render: (k: Difference['kind']) => <Tag color={KINDS[k].color}>{KINDS[k].label}</Tag> },
              { title: '机构金额（元）', dataIndex: 'providerFen', key: 'providerFen', align: 'right', render: (v: number | null) => yuan(v) },
              { title: '平台金额（元）', dataIndex: 'ourFen', key: 'ourFen', align: 'right', render: (v: number | null) => yuan(v) },
            ]}
          />
        </>
      )}
    </Card>
  );
}
