import { App, Alert, Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { CloudUploadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { formatBytes } from '../../shared/format';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { useBackups, useStartBackup, type Backups } from './api';

// 数据备份 (system administrator): where the scheduled backups go, how often,
// how many are kept, the backups there, and 立即备份. Restoring is an operator
// step with the server stopped (docs/OPERATIONS.md), not a button.

type Row = Backups['items'][number];

export function BackupsPage() {
  usePageTitle('数据备份');
  const { message } = App.useApp();
  const list = useBackups();
  const start = useStartBackup();
  if (list.isPending) return <PageLoading />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} title="备份列表加载失败" />;
  const d = list.data;
  const latest = d.items.find((b) => b.complete);
  const backupNow = () =>
    start.mutateAsync().then(
      () => void message.success('已开始备份，完成后显示在下方列表中（可在“任务记录”查看进度）'),
      (e: unknown) => void message.error(`未能开始备份：${errorMessage(e)}`),
    );
  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>数据备份</Typography.Title>
          <Typography.Text type="secondary">数据库的一致性备份（不含加密密钥和上传的附件，请另行妥善保管）</Typography.Text>
        </Space>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => list.refetch()} loading={list.isFetching}>
            刷新
          </Button>
          <Button type="primary" icon={<CloudUploadOutlined />} onClick={backupNow} loading={start.isPending}>
            立即备份
          </Button>
        </Space>
      </div>
      {!latest && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="还没有完整的备份。建议立即备份一次。" />}
      <Descriptions bordered size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="备份周期">{d.everyHours > 0 ? `每 ${d.everyHours} 小时自动备份` : <Tag color="orange">未开启定时备份</Tag>}</Descriptions.Item>
        <Descriptions.Item label="保留份数">最近 {d.keep} 份</Descriptions.Item>
        <Descriptions.Item label="最近一次">{latest?.createdAt ? formatDateTime(latest.createdAt) : '—'}</Descriptions.Item>
        <Descriptions.Item label="备份目录" span={3}>
          <Typography.Text code copyable>
            {d.dir}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Table<Row>
        rowKey="name"
        size="middle"
        dataSource={d.items}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="backup-list"
        locale={{ emptyText: <EmptyState description="备份目录中还没有备份。" /> }}
        columns={[
          { title: '备份', dataIndex: 'name', render: (n: string) => <Typography.Text code>{n}</Typography.Text> },
          { title: '状态', dataIndex: 'complete', width: 110, render: (c: boolean) => (c ? <Tag color="green">完整</Tag> : <Tag color="orange">未完成或失败</Tag>) },
          { title: '完成时间', dataIndex: 'createdAt', width: 170, render: (t: string | null) => (t ? formatDateTime(t) : '—') },
          { title: '表', dataIndex: 'tables', width: 70, align: 'right' },
          { title: '记录数', dataIndex: 'rows', width: 110, align: 'right', render: (n: number) => n.toLocaleString('zh-CN') },
          { title: '大小', dataIndex: 'sizeBytes', width: 100, align: 'right', render: (n: number) => formatBytes(n) },
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
        恢复备份需要停止系统后由运维人员在服务器上执行（npm run cli -- restore），详见运维文档。定时备份由后台任务执行，见 <Link to="/admin/jobs">任务记录</Link>。
      </Typography.Paragraph>
    </Card>
  );
}
