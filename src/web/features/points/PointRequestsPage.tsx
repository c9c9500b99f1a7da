import { App, Button, Space, Table, Typography } from 'antd';
import type { PointAwardRequestView } from '../../../contracts/points';
import { errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { useDecideAward, usePendingAwards } from './api';
import { signed } from './PointsPage';

// 待复核: manual awards and deductions above the rules' threshold wait here
// for a second person; whoever registered one cannot approve it.

export function PointRequestsPage() {
  usePageTitle('积分复核');
  const { message, modal } = App.useApp();
  const q = usePendingAwards(true);
  const decide = useDecideAward();
  const act = (r: PointAwardRequestView, approve: boolean) =>
    modal.confirm({
      title: `${approve ? '同意' : '不同意'}：${r.personName} ${signed(r.points)} 分？`,
      content: r.reason,
      okText: approve ? '同意' : '不同意',
      cancelText: '取消',
      okButtonProps: { danger: !approve },
      onOk: () =>
        decide.mutateAsync({ id: r.id, body: { approve } }).then(
          () => void message.success(approve ? '已同意，积分已计入' : '已退回'),
          (e: unknown) => void message.error(errorMessage(e)),
        ),
    });
  return (
    <>
      <div className="page-header">
        <div>
          <Typography.Title level={3}>积分复核</Typography.Title>
          <Typography.Text type="secondary">超过细则规定分值的人工奖惩，须由登记人以外的负责人复核后才计入。</Typography.Text>
        </div>
      </div>
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} title="待复核记录加载失败" />
      ) : (
        <Table<PointAwardRequestView>
          rowKey="id"
          loading={q.isFetching}
          dataSource={q.data}
          pagination={false}
          scroll={{ x: 820 }}
          data-testid="point-requests"
          locale={{ emptyText: '没有待复核的积分奖惩' }}
          columns={[
            { title: '党员', dataIndex: 'personName', width: 100 },
            { title: '类别', dataIndex: 'itemLabel', width: 130 },
            { title: '积分', dataIndex: 'points', width: 80, align: 'right', render: (n: number) => <strong>{signed(n)}</strong> },
            { title: '认定日期', dataIndex: 'factDate', width: 110 },
            { title: '事由', dataIndex: 'reason' },
            { title: '登记', width: 170, render: (_, r) => `${r.requestedByName} · ${formatDateTime(r.requestedAt)}` },
            {
              title: '复核', width: 150, fixed: 'right',
              render: (_, r) => r.mine ? <Typography.Text type="secondary">本人登记，须他人复核</Typography.Text> : (
                <Space>
                  <Button size="small" type="primary" onClick={() => act(r, true)}>同意</Button>
                  <Button size="small" danger onClick={() => act(r, false)}>不同意</Button>
                </Space>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
