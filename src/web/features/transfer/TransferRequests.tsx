import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { Link, useNavigate } from 'react-router';
import { TRANSFER_REQUEST_STATUSES } from '../../../contracts/transfer';
import { ApiError, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { useDeclineTransferRequest, useTransferRequests, type TransferRequestView } from './api';
import { CreateTransferModal } from './CreateTransferModal';
import { StaleRowAlert } from './ui';

// 党员申请: the members' own requests to transfer (from the phone), open ones
// first. The branch answers with a letter (起草介绍信, the request closes with
// it) or declines with a reason the member reads.

const STATUS_COLORS: Record<TransferRequestView['status'], string> = { open: 'orange', drafted: 'green', declined: 'red', withdrawn: 'default' };

function DeclineModal({ r, onClose }: { r: TransferRequestView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ answer?: string }>();
  const decline = useDeclineTransferRequest();
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  return (
    <Modal open title={`不同意 ${r.personName} 的转接申请`} okText="不同意" okButtonProps={{ danger: true }} onOk={() => form.submit()} confirmLoading={decline.isPending} onCancel={onClose} destroyOnHidden width={480}>
      {conflict && <StaleRowAlert what="申请" onRefreshed={onClose} />}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        name="transfer-request-decline"
        onFinish={async (v) => {
          setError(null);
          setConflict(false);
          try {
            await decline.mutateAsync({ id: r.id, body: { version: r.version, answer: (v.answer ?? '').trim() } });
            message.success('已答复党员');
            onClose();
          } catch (e) {
            if (e instanceof ApiError && e.code === 'CONFLICT') setConflict(true);
            else setError(errorMessage(e));
          }
        }}
      >
        <Form.Item name="answer" label="不同意的原因" extra="党员本人可以看到" rules={[{ required: true, whitespace: true, message: '请填写不同意的原因' }, { min: 2, message: '请填写不同意的原因' }, { max: 200, message: '不超过200字' }]}>
          <Input.TextArea rows={3} maxLength={200} showCount aria-label="不同意的原因" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function TransferRequests() {
  const me = useMe().data;
  const manage = can(me, 'transfer.manage');
  const navigate = useNavigate();
  const q = useTransferRequests();
  const [drafting, setDrafting] = useState<TransferRequestView | null>(null);
  const [declining, setDeclining] = useState<TransferRequestView | null>(null);
  // open first, then the newest
  const items = [...(q.data?.items ?? [])].sort((a, b) => Number(b.status === 'open') - Number(a.status === 'open') || b.createdAt.localeCompare(a.createdAt));

  const columns: ColumnsType<TransferRequestView> = [
    { title: '党员', dataIndex: 'personName', key: 'personName', width: 90 },
    { title: '支部', dataIndex: 'orgName', key: 'orgName', width: 170, ellipsis: true },
    { title: '转往', dataIndex: 'destination', key: 'destination', width: 180, ellipsis: true },
    { title: '原因', dataIndex: 'reason', key: 'reason', ellipsis: true },
    { title: '申请时间', dataIndex: 'createdAt', key: 'createdAt', width: 150, render: (t: string) => formatDateTime(t) },
    {
      title: '状态',
      dataIndex: 'status',
      key: 'status',
      width: 150,
      render: (s: TransferRequestView['status'], r) => (
        <Space orientation="vertical" size={0}>
          <Tag color={STATUS_COLORS[s]}>{TRANSFER_REQUEST_STATUSES[s]}</Tag>
          {r.answer && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.answer}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 160,
      render: (_: unknown, r) =>
        r.status === 'open' && manage ? (
          <Space size={12}>
            <Button type="link" size="small" autoInsertSpace={false} style={{ padding: 0 }} onClick={() => setDrafting(r)} aria-label={`为 ${r.personName} 起草介绍信`}>
              起草介绍信
            </Button>
            <Button type="link" size="small" danger autoInsertSpace={false} style={{ padding: 0 }} onClick={() => setDeclining(r)} aria-label={`不同意 ${r.personName} 的申请`}>
              不同意
            </Button>
          </Space>
        ) : r.transferId ? (
          <Link to={`/admin/transfers/${r.transferId}`}>查看介绍信</Link>
        ) : null,
    },
  ];

  return (
    <>
      {q.isError && !q.data ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} title="党员申请加载失败" />
      ) : (
        <Table<TransferRequestView>
          rowKey="id"
          loading={q.isFetching}
          dataSource={items}
          columns={columns}
          scroll={{ x: 1100 }}
          locale={{ emptyText: q.isPending ? ' ' : <EmptyState description="没有党员提交的转接申请。" /> }}
          pagination={items.length > 20 ? { pageSize: 20, showTotal: (t) => `共 ${t} 件` } : false}
        />
      )}
      {drafting && (
        <CreateTransferModal
          prefill={{ requestId: drafting.id, personId: drafting.personId, personName: drafting.personName, toOrgId: drafting.toOrgId, destination: drafting.destination, reason: drafting.reason }}
          onClose={() => setDrafting(null)}
          onCreated={(id) => navigate(`/admin/transfers/${id}`)}
        />
      )}
      {declining && <DeclineModal r={declining} onClose={() => setDeclining(null)} />}
    </>
  );
}
