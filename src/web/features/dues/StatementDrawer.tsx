import { useState } from 'react';
import { Alert, App, Button, DatePicker, Descriptions, Drawer, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { DUES_CATEGORIES, PAYMENT_METHODS } from '../../../contracts/dues';
import { errorMessage } from '../../shared/api';
import { dayjs, formatDateTime } from '../../shared/dates';
import { ErrorState } from '../../shared/states';
import { downloadStatement, useStatement, type MemberStatement } from './api';
import { BillStatusTag, currentMonth, rateText, shiftMonth, yuan } from './ui';

// 党费明细: a member's bills of a period, each with the ledger entries that
// paid it (流水号, date, method, who paid on their behalf, who recorded it),
// voluntary payments, totals and the check of the member's hash chain —
// every figure of the reports can be followed down to these rows.

type Bill = MemberStatement['bills'][number];
type Entry = Bill['entries'][number];

function EntryLine({ e }: { e: Entry }) {
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      {e.paidOn} · {PAYMENT_METHODS[e.method]}
      {e.payerName ? ` · ${e.payerName}` : ''}
      <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }} title={`校验码 ${e.hash.slice(0, 16)}…\n登记 ${formatDateTime(e.recordedAt)}${e.recordedBy ? ` · ${e.recordedBy}` : ''}`}>
        流水 #{e.id}
      </Typography.Text>
    </span>
  );
}

export function StatementDrawer({ personId, name, onClose }: { personId: string; name: string; onClose: () => void }) {
  const { message } = App.useApp();
  const [range, setRange] = useState<[string, string]>([shiftMonth(currentMonth(), -11), currentMonth()]);
  const q = useStatement(personId, range[0], range[1]);
  const s = q.data;
  const [downloading, setDownloading] = useState(false);
  const download = async () => {
    setDownloading(true);
    try {
      await downloadStatement(personId, range[0], range[1], name);
    } catch (e) {
      message.error(`导出失败：${errorMessage(e)}`);
    } finally {
      setDownloading(false);
    }
  };
  return (
    <Drawer open title={`${name} · 党费明细`} onClose={onClose} size={Math.min(736, window.innerWidth)} destroyOnHidden>
      <Space wrap style={{ display: 'flex', marginBottom: 16 }}>
        <DatePicker.RangePicker
          picker="month"
          format="YYYY-MM"
          allowClear={false}
          aria-label="明细月份范围"
          value={[dayjs(`${range[0]}-01`), dayjs(`${range[1]}-01`)]}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM'), v[1].format('YYYY-MM')])}
        />
        <Button icon={<DownloadOutlined />} loading={downloading} onClick={download}>
          导出 Excel
        </Button>
      </Space>
      {q.isError && !s ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} title="党费明细加载失败" />
      ) : (
        <>
          {s && (
            <>
              <div data-testid="statement-chain" style={{ marginBottom: 16 }}>
                {s.chain.ok ? (
                  <Alert type="success" showIcon title={`流水校验通过：${s.chain.checked} 条交纳记录前后衔接完整，登记后没有被改动或删除`} />
                ) : (
                  <Alert type="error" showIcon title={`流水校验未通过：${s.chain.problem}`} description="请立即报告安全保密管理员核查" />
                )}
              </div>
              <Descriptions size="small" column={{ xs: 1, sm: 2 }} style={{ marginBottom: 16 }}>
                <Descriptions.Item label="所在支部">{s.person.orgName}</Descriptions.Item>
                <Descriptions.Item label="期间">{`${s.from} 至 ${s.to}`}</Descriptions.Item>
                <Descriptions.Item label="应交">{yuan(s.totals.dueFen)} 元</Descriptions.Item>
                <Descriptions.Item label="已交">{yuan(s.totals.paidFen)} 元</Descriptions.Item>
                <Descriptions.Item label="欠交">{s.totals.owedFen ? <Typography.Text type="danger">{yuan(s.totals.owedFen)} 元</Typography.Text> : '无'}</Descriptions.Item>
                <Descriptions.Item label="自愿交纳">{s.totals.voluntaryFen ? `${yuan(s.totals.voluntaryFen)} 元` : '无'}</Descriptions.Item>
              </Descriptions>
            </>
          )}
          <Table<Bill>
            rowKey="id"
            size="small"
            loading={q.isFetching}
            dataSource={s?.bills ?? []}
            pagination={false}
            scroll={{ x: 690 }}
            locale={{ emptyText: q.isPending ? ' ' : '该期间没有党费账单' }}
            columns={[
              { title: '月份', dataIndex: 'month', key: 'month', width: 76 },
              { title: '类别', dataIndex: 'category', key: 'category', width: 110, ellipsis: true, render: (c: Bill['category']) => DUES_CATEGORIES[c] },
              { title: '基数 / 比例', key: 'base', width: 124, render: (_: unknown, b) => (b.baseFen === null ? rateText(b.rateBp) : `${yuan(b.baseFen)} × ${rateText(b.rateBp)}`) },
              { title: '应交（元）', dataIndex: 'dueFen', key: 'dueFen', width: 84, align: 'right', render: (v: number) => yuan(v) },
              { title: '状态', key: 'status', width: 76, render: (_: unknown, b) => <BillStatusTag status={b.status} reduced={b.reduced} /> },
              {
                title: '交纳流水',
                key: 'entries',
                width: 220,
                render: (_: unknown, b) =>
                  b.entries.length ? (
                    <Space orientation="vertical" size={0}>
                      {b.entries.map((e) => (
                        <EntryLine key={e.id} e={e} />
                      ))}
                    </Space>
                  ) : (
                    <Typography.Text type="secondary">—</Typography.Text>
                  ),
              },
            ]}
          />
          {!!s?.voluntary.length && (
            <>
              <Typography.Title level={5} style={{ marginTop: 24 }}>
                自愿交纳
              </Typography.Title>
              <Space orientation="vertical">
                {s.voluntary.map((e) => (
                  <span key={e.id}>
                    <Tag>{yuan(e.amountFen)} 元</Tag>
                    <EntryLine e={e} />
                  </span>
                ))}
              </Space>
            </>
          )}
        </>
      )}
    </Drawer>
  );
}
