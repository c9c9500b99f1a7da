import { useMemo, useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, RollbackOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { Link, useSearchParams } from 'react-router';
import { POINT_ITEMS, POINT_TXN_KINDS, type PointItemKey, type PointTxnKind, type PointTxnView } from '../../../contracts/points';
import { applyServerErrors } from '../../shared/form-errors';
import { dayjs, formatDateTime, todayShanghai } from '../../shared/dates';
import { usePageOrg } from '../../shared/current-org';
import { can, useMe } from '../../shared/session';
import { ErrorState } from '../../shared/states';
import { LinkedFilters } from '../../shared/linked-filters';
import { usePageTitle } from '../../shared/use-title';
import { MemberSearchSelect } from '../member/MemberSearchSelect';
import { newKey, useAwardPoints, usePointEntries, useReversePoint } from './api';

// 积分流水: every transaction of the members of the org chosen in the header
// (or one member's), newest first — awards from verified facts, the branch's
// own awards and deductions, reversals, the mall's reservations. 登记奖惩
// records a decision of the branch with its reason (above the rules' threshold
// it waits for a second person); 冲正 undoes an award or a deduction, the
// original kept. No ranking anywhere (RULES §8).

const KIND_COLOR: Partial<Record<PointTxnKind, string>> = { award: 'green', deduction: 'red', reversal: 'orange', expire: 'default', reserve: 'blue', confirm: 'purple', release: 'cyan', refund: 'cyan' };

export function signed(n: number) {
  return n > 0 ? `+${n}` : String(n);
}

interface AwardValues {
  personId?: string;
  item: 'manual.award' | 'manual.deduction';
  points?: number;
  factDate?: Dayjs;
  reason?: string;
}

function AwardModal({ orgId, onClose }: { orgId: string | undefined; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<AwardValues>();
  const award = useAwardPoints();
  const [error, setError] = useState<string | null>(null);
  const key = useMemo(newKey, []);
  const submit = async (v: AwardValues) => {
    setError(null);
    try {
      const r = await award.mutateAsync({ personId: v.personId!, item: v.item, points: v.points!, factDate: v.factDate!.format('YYYY-MM-DD'), reason: v.reason ?? '', idempotencyKey: key });
      message.success(r.pendingRequestId ? '已提交，待另一名负责人复核后计入' : `已登记：${r.txn!.personName} ${signed(r.txn!.points)} 分`);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title="登记积分奖惩" onCancel={onClose} destroyOnHidden width={560} okText="登记" cancelText="取消" onOk={() => form.submit()} confirmLoading={award.isPending}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">登记支部认定的奖励或扣减，须写明事由；分值较大的须另一名负责人复核后才计入。按时交纳党费、参加组织生活等由系统根据已核实的记录自动计分，无需登记。</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ item: 'manual.award', factDate: dayjs(todayShanghai()) }} requiredMark={false}>
        <Form.Item name="personId" label="党员" rules={[{ required: true, message: '请选择党员' }]}>
          <MemberSearchSelect orgId={orgId} aria-label="党员" />
        </Form.Item>
        <Form.Item name="item" label="类别">
          <Radio.Group options={[{ value: 'manual.award', label: '奖励' }, { value: 'manual.deduction', label: '扣减' }]} optionType="button" />
        </Form.Item>
        <Space size={16} wrap>
          <Form.Item name="points" label="分值" rules={[{ required: true, message: '请填写分值' }]}>
            <InputNumber min={1} max={1000} precision={0} addonAfter="分" style={{ width: 160 }} aria-label="分值" />
          </Form.Item>
          <Form.Item name="factDate" label="认定日期" rules={[{ required: true, message: '请选择日期' }]}>
            <DatePicker allowClear={false} disabledDate={(d) => d.format('YYYY-MM-DD') > todayShanghai()} aria-label="认定日期" />
          </Form.Item>
        </Space>
        <Form.Item name="reason" label="事由" rules={[{ required: true, message: '请填写事由' }, { min: 4, message: '事由至少4个字' }]}>
          <Input.TextArea rows={3} maxLength={500} showCount aria-label="事由" placeholder="如：带头参加防汛抢险，经支委会研究给予奖励" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ReverseModal({ txn, onClose }: { txn: PointTxnView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason?: string }>();
  const reverse = useReversePoint();
  const [error, setError] = useState<string | null>(null);
  const key = useMemo(newKey, []);
  const submit = async (v: { reason?: string }) => {
    setError(null);
    try {
      await reverse.mutateAsync({ id: txn.id, body: { reason: v.reason ?? '', idempotencyKey: key } });
      message.success('已冲正，原记录保留');
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`冲正：${txn.personName} ${signed(txn.points)} 分`} onCancel={onClose} destroyOnHidden okText="冲正" okButtonProps={{ danger: true }} cancelText="取消" onOk={() => form.submit()} confirmLoading={reverse.isPending}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">
        冲正记一笔相反的积分，原记录保留、不可修改。{txn.itemLabel ? `原项目：${txn.itemLabel}；` : ''}原事由：{txn.reason ?? '—'}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="reason" label="冲正事由" rules={[{ required: true, message: '请填写冲正事由' }, { min: 4, message: '事由至少4个字' }]}>
          <Input.TextArea rows={3} maxLength={500} aria-label="冲正事由" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function PointsPage() {
  usePageTitle('积分流水');
  const me = useMe().data;
  const orgId = usePageOrg();
  const manage = can(me, 'points.manage');
  const [page, setPage] = useState(1);
  // the kind is the page's own filter; the item and the fact dates come with a link (a report's figure)
  const [params, setParams] = useSearchParams();
  const asked = params.get('kind');
  const kind = asked && asked in POINT_TXN_KINDS ? (asked as PointTxnKind) : undefined;
  const askedItem = params.get('item');
  const item = askedItem && askedItem in POINT_ITEMS ? (askedItem as PointItemKey) : undefined;
  const day = (k: string) => (/^\d{4}-\d{2}-\d{2}$/.test(params.get(k) ?? '') ? params.get(k)! : undefined);
  const from = day('from');
  const to = day('to');
  const setKind = (v: PointTxnKind | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set('kind', v);
    else next.delete('kind');
    setParams(next);
  };
  const clearLinked = () => {
    const next = new URLSearchParams(params);
    for (const k of ['item', 'from', 'to']) next.delete(k);
    setParams(next);
    setPage(1);
  };
  const q = usePointEntries({ orgId, kind, item, from, to, page, pageSize: 20 });
  const [awarding, setAwarding] = useState(false);
  const [reversing, setReversing] = useState<PointTxnView | null>(null);

  return (
    <>
      <div className="page-header">
        <div>
          <Typography.Title level={3}>积分流水</Typography.Title>
          <Typography.Text type="secondary">每一笔积分都有来源和事由；记录只增不改，更正用冲正。积分按支部党员大会表决通过的细则计算（<Link to="/admin/points/rules">积分细则</Link>）。</Typography.Text>
        </div>
        {manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAwarding(true)}>
            登记奖惩
          </Button>
        )}
      </div>
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          allowClear
          placeholder="全部类型"
          style={{ width: 160 }}
          aria-label="类型"
          value={kind}
          onChange={(v) => {
            setKind(v);
            setPage(1);
          }}
          options={Object.entries(POINT_TXN_KINDS).map(([value, label]) => ({ value, label }))}
        />
      </Space>
      <LinkedFilters
        items={[item ? `积分项目“${POINT_ITEMS[item]}”` : '', from || to ? `事实日期 ${from ?? '…'} 至 ${to ?? '…'}` : ''].filter(Boolean)}
        onClear={clearLinked}
      />
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} title="积分流水加载失败" />
      ) : (
        <Table<PointTxnView>
          rowKey="id"
          size="middle"
          loading={q.isFetching}
          dataSource={q.data?.items}
          scroll={{ x: 960 }}
          data-testid="point-entries"
          pagination={{ current: page, pageSize: 20, total: q.data?.total, onChange: setPage, showTotal: (t) => `共 ${t} 笔`, showSizeChanger: false }}
          locale={{ emptyText: '还没有积分记录' }}
          columns={[
            { title: '日期', dataIndex: 'factDate', width: 110 },
            { title: '党员', dataIndex: 'personName', width: 100 },
            { title: '类型', dataIndex: 'kind', width: 100, render: (k: PointTxnKind) => <Tag color={KIND_COLOR[k]}>{POINT_TXN_KINDS[k]}</Tag> },
            { title: '积分', dataIndex: 'points', width: 80, align: 'right', render: (n: number) => <strong className={n < 0 ? 'points-minus' : undefined}>{n === 0 ? '—' : signed(n)}</strong> },
            { title: '项目与事由', render: (_, t) => <>{t.itemLabel && t.itemLabel !== t.reason ? `${t.itemLabel}：` : ''}{t.reason ?? '—'}{t.reversedBy ? <Tag style={{ marginLeft: 8 }}>已冲正</Tag> : null}</> },
            { title: '登记', width: 170, render: (_, t) => <Typography.Text type="secondary">{t.actorName ? `${t.actorName}${t.approverName ? ` / 复核 ${t.approverName}` : ''}` : '系统计分'} · {formatDateTime(t.recordedAt)}</Typography.Text> },
            ...(manage
              ? [{
                  title: '操作', width: 90, fixed: 'right' as const,
                  render: (_: unknown, t: PointTxnView) => (t.kind === 'award' || t.kind === 'deduction') && !t.reversedBy ? (
                    <Button size="small" type="link" icon={<RollbackOutlined />} onClick={() => setReversing(t)} aria-label={`冲正 ${t.personName} ${signed(t.points)}`}>
                      冲正
                    </Button>
                  ) : null,
                }]
              : []),
          ]}
        />
      )}
      {awarding && <AwardModal orgId={orgId} onClose={() => setAwarding(false)} />}
      {reversing && <ReverseModal txn={reversing} onClose={() => setReversing(null)} />}
    </>
  );
}
