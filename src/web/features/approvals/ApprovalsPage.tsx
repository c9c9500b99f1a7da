import { useState } from 'react';
import { Alert, Card, Radio, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { Link } from 'react-router';
import { APPROVAL_KINDS, type ApprovalKind } from '../../../contracts/approvals';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { useMyApprovals, type ApprovalItem } from './api';

const GO_LABELS: Record<ApprovalKind, string> = { development_step: '发展党员事项', dues_reduction: '党费减免申请', transfer_letter: '组织关系介绍信', lost_contact_decision: '失联党员处理决议', point_award: '积分复核' };
const KIND_COLORS: Record<ApprovalKind, string> = { development_step: 'red', dues_reduction: 'gold', transfer_letter: 'blue', lost_contact_decision: 'purple', point_award: 'green' };

/** 待我审批: what awaits the caller's decision, the oldest first; each row opens the page where it is decided. */
export function ApprovalsPage() {
  usePageTitle('待我审批');
  const q = useMyApprovals();
  const [kind, setKind] = useState<ApprovalKind | 'all'>('all');
  const items = (q.data?.items ?? []).filter((i) => kind === 'all' || i.kind === kind);
  const counts = q.data?.counts;

  const columns: ColumnsType<ApprovalItem> = [
    { title: '类型', dataIndex: 'kind', key: 'kind', width: 120, render: (k: ApprovalKind) => <Tag color={KIND_COLORS[k]}>{APPROVAL_KINDS[k]}</Tag> },
    {
      title: '待审批事项',
      key: 'asked',
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <Link to={r.link}>{r.asked}</Link>
          {r.detail && (
            <Typography.Text type="secondary" ellipsis style={{ maxWidth: 480 }}>
              {r.detail}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: '姓名', dataIndex: 'personName', key: 'personName', width: 100 },
    { title: '党支部', dataIndex: 'orgName', key: 'orgName', width: 180, ellipsis: true },
    { title: '等待自', dataIndex: 'since', key: 'since', width: 110, render: (d: string) => <span style={{ whiteSpace: 'nowrap' }}>{d}</span> },
    {
      title: '期限',
      key: 'due',
      width: 130,
      render: (_: unknown, r) => (r.due ? <span style={{ whiteSpace: 'nowrap', color: r.overdue ? '#cf1322' : undefined }}>{r.overdue ? `已逾期（${r.due}）` : r.due}</span> : <Typography.Text type="secondary">—</Typography.Text>),
    },
    {
      title: '操作',
      key: 'go',
      width: 90,
      fixed: 'right',
      render: (_: unknown, r) => (
        <Link to={r.link} aria-label={`审批 ${r.personName} 的${GO_LABELS[r.kind]}`}>
          去审批
        </Link>
      ),
    },
  ];

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>待我审批</Typography.Title>
          <Typography.Text type="secondary">本人管理范围内等待上级党委决定的发展党员预审、审批、转正审批，以及党支部报来的党费少交、免交申请</Typography.Text>
        </Space>
      </div>
      <Space wrap style={{ display: 'flex', marginBottom: 16 }}>
        <Radio.Group
          value={kind}
          onChange={(e) => setKind(e.target.value as ApprovalKind | 'all')}
          optionType="button"
          aria-label="审批类型"
          options={[
            { value: 'all', label: `全部 ${q.data?.total ?? 0}` },
            { value: 'development_step', label: `${APPROVAL_KINDS.development_step} ${counts?.development_step ?? 0}` },
            { value: 'dues_reduction', label: `${APPROVAL_KINDS.dues_reduction} ${counts?.dues_reduction ?? 0}` },
            { value: 'transfer_letter', label: `${APPROVAL_KINDS.transfer_letter} ${counts?.transfer_letter ?? 0}` },
            { value: 'lost_contact_decision', label: `${APPROVAL_KINDS.lost_contact_decision} ${counts?.lost_contact_decision ?? 0}` },
            { value: 'point_award', label: `${APPROVAL_KINDS.point_award} ${counts?.point_award ?? 0}` },
          ]}
        />
      </Space>
      {q.data && q.data.items.length < q.data.total && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={`共 ${q.data.total} 项，这里列出等待最久的 ${q.data.items.length} 项；处理后其余各项依次列出。`} />
      )}
      {q.isError && !q.data ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} title="待审批事项加载失败" />
      ) : (
        <Table<ApprovalItem>
          rowKey="key"
          loading={q.isFetching && !q.data}
          dataSource={items}
          columns={columns}
          scroll={{ x: 1000 }}
          locale={{ emptyText: q.isPending ? ' ' : <EmptyState description="暂无待审批事项" /> }}
          pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true, showTotal: (t) => `共 ${t} 项` }}
        />
      )}
    </Card>
  );
}
