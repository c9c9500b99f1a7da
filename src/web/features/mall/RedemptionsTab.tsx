import { useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Select, Space, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { DownloadOutlined, StopOutlined } from '@ant-design/icons';
import { CancelRedemptionBody, REDEMPTION_STATUSES, type RedemptionStatus } from '../../../contracts/mall';
import { applyServerErrors } from '../../shared/form-errors';
import { formatDateTime, fromDayjs } from '../../shared/dates';
import { errorMessage } from '../../shared/api';
import { LinkedFilters } from '../../shared/linked-filters';
import { EmptyState, ErrorState } from '../../shared/states';
import { zodRule } from '../../shared/zod-rule';
import { exportRedemptions, useCancelRedemption, useRedemptions, type RedemptionView } from './api';
import { FulfilCard } from './FulfilCard';
import { redemptionStatusOptions, RedemptionStatusTag, whenText } from './ui';

// 兑换记录 of the items the caller's orgs supply: the 领取核销 desk on top (the
// member shows the 8-character code, the supplier types it and confirms), then
// every redemption with its state; 取消 gives a reserved one's points and stock
// back, with the reason.

function CancelModal({ r, onClose }: { r: RedemptionView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason?: string }>();
  const cancel = useCancelRedemption();
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { reason?: string }) => {
    setError(null);
    try {
      await cancel.mutateAsync({ id: r.id, body: { reason: (v.reason ?? '').trim() } });
      message.success(`已取消，${r.points} 积分退回 ${r.personName}`);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`取消兑换：${r.personName} · ${r.itemName} × ${r.quantity}`} onCancel={onClose} destroyOnHidden okText="取消兑换" okButtonProps={{ danger: true }} cancelText="返回" onOk={() => form.submit()} confirmLoading={cancel.isPending}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">取消后冻结的 {r.points} 积分退回党员，商品退回库存；党员会收到通知和取消原因。</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
        <Form.Item name="reason" label="取消原因" rules={[{ required: true, whitespace: true, message: '请填写取消原因' }, zodRule(CancelRedemptionBody.shape.reason)]}>
          <Input.TextArea rows={3} maxLength={200} showCount aria-label="取消原因" placeholder="如：该商品已停止供应，请改兑其他商品" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function RedemptionsTab({ orgId, itemId, onClearItem, manage }: { orgId: string | undefined; itemId: string | undefined; onClearItem: () => void; manage: boolean }) {
  const [status, setStatus] = useState<RedemptionStatus | undefined>();
  const [page, setPage] = useState(1);
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  const q = useRedemptions({ orgId, itemId, status, ...range, page, pageSize: 20 });
  const { message } = App.useApp();
  const [exporting, setExporting] = useState(false);
  const onExport = async () => {
    setExporting(true);
    try {
      const name = await exportRedemptions({ orgId, itemId, status, ...range });
      message.success(`已导出：${name}`);
    } catch (e) {
      message.error(`导出失败：${errorMessage(e)}`);
    } finally {
      setExporting(false);
    }
  };
  const [cancelling, setCancelling] = useState<RedemptionView | null>(null);
  const itemName = itemId ? q.data?.items.find((r) => r.itemId === itemId)?.itemName : undefined;

  const columns: ColumnsType<RedemptionView> = [
    { title: '兑换时间', dataIndex: 'redeemedAt', key: 'redeemedAt', width: 140, render: (s: string) => formatDateTime(s) },
    {
      title: '党员',
      key: 'person',
      width: 170,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.personName}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.orgName}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: '商品',
      key: 'item',
      width: 200,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.itemName}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.supplierOrgName}
          </Typography.Text>
        </Space>
      ),
    },
    { title: '数量', dataIndex: 'quantity', key: 'quantity', width: 64, align: 'right' },
    { title: '积分', dataIndex: 'points', key: 'points', width: 80, align: 'right' },
    {
      title: '状态',
      key: 'status',
      width: 150,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <RedemptionStatusTag status={r.status} />
          {r.settledAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(r.settledAt)}
            </Typography.Text>
          )}
          {r.cancelReason && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: r.cancelReason }}>
              原因：{r.cancelReason}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: '领取期限', dataIndex: 'pickupBy', key: 'pickupBy', width: 140, render: (s: string) => whenText(s) },
    ...(manage
      ? [
          {
            title: '操作',
            key: 'act',
            width: 84,
            fixed: 'right' as const,
            render: (_: unknown, r: RedemptionView) =>
              r.status === 'reserved' ? (
                <Button size="small" type="link" danger icon={<StopOutlined />} onClick={() => setCancelling(r)} aria-label={`取消：${r.personName} ${r.itemName}`}>
                  取消
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <>
      {manage && <FulfilCard />}
      <Space style={{ margin: '16px 0 12px' }} wrap>
        <Select<RedemptionStatus>
          allowClear
          placeholder="全部状态"
          style={{ width: 140 }}
          aria-label="兑换状态"
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={redemptionStatusOptions}
        />
        <DatePicker.RangePicker
          aria-label="兑换日期"
          placeholder={['兑换开始日期', '结束日期']}
          onChange={(r) => {
            setRange({ from: fromDayjs(r?.[0]) ?? undefined, to: fromDayjs(r?.[1]) ?? undefined });
            setPage(1);
          }}
        />
        <Tooltip title="按当前筛选条件导出兑换记录和商品库存（Excel），用于对账">
          <Button icon={<DownloadOutlined />} onClick={() => void onExport()} loading={exporting}>
            导出对账表
          </Button>
        </Tooltip>
      </Space>
      <LinkedFilters items={itemId ? [itemName ? `商品“${itemName}”` : '一件商品'] : []} onClear={onClearItem} />
      {q.isError && !q.data ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} title="兑换记录加载失败" />
      ) : (
        <Table<RedemptionView>
          rowKey="id"
          size="middle"
          data-testid="mall-redemptions"
          loading={q.isFetching}
          dataSource={q.data?.items ?? []}
          columns={columns}
          scroll={{ x: 1030 }}
          locale={{ emptyText: q.isPending ? ' ' : <EmptyState description={status ? `没有“${REDEMPTION_STATUSES[status]}”的兑换记录。` : '还没有兑换记录。党员在手机上兑换后会显示在这里。'} /> }}
          pagination={{ current: page, pageSize: 20, total: q.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 笔`, showSizeChanger: false }}
        />
      )}
      {cancelling && <CancelModal r={cancelling} onClose={() => setCancelling(null)} />}
    </>
  );
}
