import { useState } from 'react';
import { Alert, App, Button, DatePicker, Descriptions, Drawer, Form, Input, InputNumber, Modal, Radio, Table, Tag, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import type { Dayjs } from 'dayjs';
import { CreateMallItemBody, MALL_ITEM_KINDS, MALL_ITEM_STATUSES, RestockBody, STOCK_ENTRY_KINDS } from '../../../contracts/mall';
import { ApiError } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { dayjs, DATE_FORMAT, formatDateTime, toDayjs, todayShanghai } from '../../shared/dates';
import { enterConfirmsField } from '../../shared/long-form';
import { usePrefilledOrg } from '../../shared/current-org';
import { ErrorState } from '../../shared/states';
import { zodRule } from '../../shared/zod-rule';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useCreateMallItem, useRestock, useStockLedger, useUpdateMallItem, type MallItemView, type StockEntry } from './api';
import { KindTag, kindOptions, saleWindowText, STOCK_ENTRY_COLORS, type StockEntryKind } from './ui';

// The supplier's dialogs for an item: 上架商品 (a new item with its first
// stock), 编辑 (its terms, 上架 / 下架; the version guards against a change made
// meanwhile), 入库 / 盘减 with the reason, and the 库存台账 drawer.

const SHAPE = CreateMallItemBody.shape;

/** The fields an item's terms are kept in, shared by 上架商品 and 编辑. */
interface TermsValues {
  name?: string;
  description?: string;
  pointsPrice?: number | null;
  perPersonLimit?: number | null;
  saleFrom?: Dayjs | null;
  saleTo?: Dayjs | null;
  pickupPlace?: string;
}

const saleToAfterFrom: Rule = ({ getFieldValue }) => ({
  validator: async (_: unknown, to: Dayjs | null | undefined) => {
    const from = getFieldValue('saleFrom') as Dayjs | null | undefined;
    if (to && from && to.isBefore(from, 'day')) throw new Error('兑换截止日期不能早于开始日期');
  },
});

function TermsFields() {
  return (
    <>
      <Form.Item name="name" label="商品名称" rules={[{ required: true, whitespace: true, message: '请填写商品名称' }, zodRule(SHAPE.name)]}>
        <Input maxLength={60} showCount placeholder="如：社区便民理发券、党建读本" aria-label="商品名称" />
      </Form.Item>
      <Form.Item name="description" label="说明" rules={[zodRule(SHAPE.description)]}>
        <Input.TextArea rows={3} maxLength={1000} showCount placeholder="规格、使用方式、注意事项等" aria-label="说明" />
      </Form.Item>
      <div className="mall-form-row">
        <Form.Item name="pointsPrice" label="兑换积分" rules={[{ required: true, message: '请填写兑换积分' }, zodRule(SHAPE.pointsPrice)]}>
          <InputNumber min={1} max={100_000} precision={0} addonAfter="分/件" style={{ width: '100%' }} aria-label="兑换积分" />
        </Form.Item>
        <Form.Item name="perPersonLimit" label="每人限兑" extra="不填为不限" rules={[zodRule(SHAPE.perPersonLimit)]}>
          <InputNumber min={1} max={1000} precision={0} addonAfter="件" style={{ width: '100%' }} placeholder="不限" aria-label="每人限兑" />
        </Form.Item>
      </div>
      <div className="mall-form-row">
        <Form.Item name="saleFrom" label="兑换开始日期" rules={[{ required: true, message: '请选择开始日期' }]}>
          <DatePicker style={{ width: '100%' }} allowClear={false} aria-label="兑换开始日期" />
        </Form.Item>
        <Form.Item name="saleTo" label="兑换截止日期" extra="不填为长期有效" dependencies={['saleFrom']} rules={[saleToAfterFrom]}>
          <DatePicker style={{ width: '100%' }} placeholder="长期有效" aria-label="兑换截止日期" />
        </Form.Item>
      </div>
      <Form.Item name="pickupPlace" label="领取地点" rules={[{ required: true, whitespace: true, message: '请填写领取地点' }, zodRule(SHAPE.pickupPlace)]}>
        <Input maxLength={100} placeholder="如：幸福社区党群服务中心一楼服务台（工作日 9:00—17:00）" aria-label="领取地点" />
      </Form.Item>
    </>
  );
}

function termsBody(v: TermsValues) {
  return {
    name: (v.name ?? '').trim(),
    description: (v.description ?? '').trim(),
    pointsPrice: v.pointsPrice!,
    perPersonLimit: v.perPersonLimit ?? null,
    saleFrom: v.saleFrom!.format(DATE_FORMAT),
    saleTo: v.saleTo ? v.saleTo.format(DATE_FORMAT) : null,
    pickupPlace: (v.pickupPlace ?? '').trim(),
  };
}

interface CreateValues extends TermsValues {
  supplierOrgId?: string | null;
  audienceOrgId?: string | null;
  kind?: keyof typeof MALL_ITEM_KINDS;
  initialStock?: number | null;
}

export function CreateItemModal({ orgId, onClose }: { orgId: string | undefined; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateValues>();
  const create = useCreateMallItem();
  const [error, setError] = useState<string | null>(null);
  usePrefilledOrg(form, 'supplierOrgId', orgId);

  const submit = async () => {
    setError(null);
    let v: CreateValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    try {
      await create.mutateAsync({ ...termsBody(v), supplierOrgId: v.supplierOrgId!, audienceOrgId: v.audienceOrgId ?? null, kind: v.kind!, initialStock: v.initialStock ?? 0 });
      message.success(`已上架：${termsBody(v).name}`);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };

  return (
    <Modal open title="上架商品" onCancel={onClose} onOk={() => void submit()} okText="上架" cancelText="取消" confirmLoading={create.isPending} destroyOnHidden width={720}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">
        商品由社区、单位党组织提供，党员用积分兑换：兑换时冻结积分并占用库存，凭兑换码到领取地点领取后扣除；取消或逾期未领的，积分和库存自动退回。
      </Typography.Paragraph>
      <Form<CreateValues>
        form={form}
        layout="vertical"
        name="mall-item-create"
        onKeyDown={enterConfirmsField}
        requiredMark={false}
        initialValues={{ kind: 'goods', saleFrom: dayjs(todayShanghai()), initialStock: 0, description: '' }}
      >
        <div className="mall-form-row">
          <Form.Item name="supplierOrgId" label="供应组织" rules={[{ required: true, message: '请选择供应组织' }]} extra="提供商品、办理领取核销的党组织">
            <OrgTreeSelect style={{ width: '100%', minWidth: 0 }} placeholder="选择组织（可输入名称查找）" aria-label="供应组织" />
          </Form.Item>
          <Form.Item name="audienceOrgId" label="兑换范围" extra="可兑换的党员所在组织（含下级）；不选则为供应组织">
            <OrgTreeSelect style={{ width: '100%', minWidth: 0 }} placeholder="同供应组织" aria-label="兑换范围" />
          </Form.Item>
        </div>
        <Form.Item name="kind" label="类别" rules={[{ required: true, message: '请选择实物或服务' }]}>
          <Radio.Group options={kindOptions} optionType="button" aria-label="类别" />
        </Form.Item>
        <TermsFields />
        <Form.Item name="initialStock" label="首批库存" rules={[{ required: true, message: '请填写首批库存' }, zodRule(SHAPE.initialStock)]} extra="以后可在“入库/盘减”中增减，每一笔记入库存台账">
          <InputNumber min={0} max={100_000} precision={0} addonAfter="件" style={{ width: 200 }} aria-label="首批库存" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface EditValues extends TermsValues {
  status?: keyof typeof MALL_ITEM_STATUSES;
}

export function EditItemModal({ item, onClose }: { item: MallItemView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<EditValues>();
  const update = useUpdateMallItem();
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const submit = async () => {
    setError(null);
    let v: EditValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    try {
      await update.mutateAsync({ id: item.id, body: { ...termsBody(v), status: v.status!, version: item.version } });
      message.success(v.status === 'withdrawn' && item.status === 'on_sale' ? '已下架' : '已保存');
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CONFLICT') setConflict(true);
      else setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`编辑商品：${item.name}`} onCancel={onClose} onOk={() => void submit()} okText="保存" cancelText="取消" okButtonProps={{ disabled: conflict }} confirmLoading={update.isPending} destroyOnHidden width={720}>
      {conflict && (
        <Alert type="warning" showIcon role="alert" style={{ marginBottom: 16 }} title="该商品刚被他人修改" description="请关闭后在列表中重新打开，核对当前内容再修改。" action={<Button size="small" onClick={onClose}>关闭</Button>} />
      )}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Descriptions size="small" column={{ xs: 1, sm: 2 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="供应组织">{item.supplierOrgName}</Descriptions.Item>
        <Descriptions.Item label="兑换范围">{item.audienceOrgName}</Descriptions.Item>
        <Descriptions.Item label="类别">
          <KindTag kind={item.kind} />
        </Descriptions.Item>
        <Descriptions.Item label="库存">{`可兑 ${item.stock} 件，待领取 ${item.reserved} 件`}</Descriptions.Item>
      </Descriptions>
      <Form<EditValues>
        form={form}
        layout="vertical"
        name="mall-item-edit"
        onKeyDown={enterConfirmsField}
        requiredMark={false}
        initialValues={{
          name: item.name,
          description: item.description,
          pointsPrice: item.pointsPrice,
          perPersonLimit: item.perPersonLimit,
          saleFrom: toDayjs(item.saleFrom.slice(0, 10)),
          saleTo: toDayjs(item.saleTo?.slice(0, 10)),
          pickupPlace: item.pickupPlace,
          status: item.status,
        }}
      >
        <Form.Item name="status" label="状态" extra="下架后党员不能再兑换；已兑换待领取的照常领取">
          <Radio.Group optionType="button" options={[{ value: 'on_sale', label: '上架' }, { value: 'withdrawn', label: '下架' }]} aria-label="状态" />
        </Form.Item>
        <TermsFields />
        <Typography.Text type="secondary">修改兑换积分只影响以后的兑换，已兑换的按原积分办理。</Typography.Text>
      </Form>
    </Modal>
  );
}

interface RestockValues {
  direction: 'in' | 'out';
  quantity?: number | null;
  reason?: string;
}

export function RestockModal({ item, onClose }: { item: MallItemView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<RestockValues>();
  const restock = useRestock();
  const [error, setError] = useState<string | null>(null);
  const direction = Form.useWatch('direction', form) ?? 'in';
  const submit = async () => {
    setError(null);
    let v: RestockValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const quantity = v.direction === 'out' ? -v.quantity! : v.quantity!;
    try {
      const r = await restock.mutateAsync({ id: item.id, body: { quantity, reason: (v.reason ?? '').trim() } });
      message.success(`${v.direction === 'out' ? '已盘减' : '已入库'} ${v.quantity} 件，现可兑 ${r.stock} 件`);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`入库/盘减：${item.name}`} onCancel={onClose} onOk={() => void submit()} okText={direction === 'out' ? '盘减' : '入库'} cancelText="取消" confirmLoading={restock.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">
        现可兑 {item.stock} 件，另有 {item.reserved} 件已兑换待领取。入库记收到的货品；盘减记损坏、过期、盘点短少等，最多减到可兑数量为 0，不影响已兑换待领取的。每一笔记入库存台账。
      </Typography.Paragraph>
      <Form<RestockValues> form={form} layout="vertical" name="mall-restock" onKeyDown={enterConfirmsField} requiredMark={false} initialValues={{ direction: 'in' }}>
        <Form.Item name="direction" label="类型">
          <Radio.Group optionType="button" options={[{ value: 'in', label: STOCK_ENTRY_KINDS.stock_in }, { value: 'out', label: STOCK_ENTRY_KINDS.adjust_out }]} aria-label="类型" />
        </Form.Item>
        <Form.Item
          name="quantity"
          label="数量"
          dependencies={['direction']}
          rules={[
            { required: true, message: '请填写数量' },
            zodRule(RestockBody.shape.quantity),
            ({ getFieldValue }) => ({
              validator: async (_: unknown, n: number | null | undefined) => {
                if (getFieldValue('direction') === 'out' && typeof n === 'number' && n > item.stock) throw new Error(`盘减不能超过可兑数量 ${item.stock} 件`);
              },
            }),
          ]}
        >
          <InputNumber min={1} max={100_000} precision={0} addonAfter="件" style={{ width: 200 }} aria-label="数量" />
        </Form.Item>
        <Form.Item name="reason" label="事由" rules={[{ required: true, whitespace: true, message: '请填写入库或盘减的事由' }, zodRule(RestockBody.shape.reason)]}>
          <Input.TextArea rows={2} maxLength={200} showCount aria-label="事由" placeholder={direction === 'out' ? '如：月末盘点，破损2件' : '如：第二批共建单位捐赠到货'} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 库存台账: every movement of the item's stock (in the server's order), with what was left after it. */
export function LedgerDrawer({ item, onClose, onShowRedemptions }: { item: MallItemView; onClose: () => void; onShowRedemptions: () => void }) {
  const q = useStockLedger(item.id);
  const cur = q.data?.item ?? item;
  return (
    <Drawer open title={`库存台账：${item.name}`} onClose={onClose} size={Math.min(760, window.innerWidth)} destroyOnHidden>
      <Descriptions size="small" column={{ xs: 1, sm: 2 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="供应组织">{cur.supplierOrgName}</Descriptions.Item>
        <Descriptions.Item label="兑换期">{saleWindowText(cur)}</Descriptions.Item>
        <Descriptions.Item label="可兑库存">{cur.stock} 件</Descriptions.Item>
        <Descriptions.Item label="待领取">{cur.reserved} 件</Descriptions.Item>
        <Descriptions.Item label="已领取">{cur.fulfilled} 件</Descriptions.Item>
        <Descriptions.Item label="兑换记录">
          <Button type="link" size="small" onClick={onShowRedemptions} style={{ padding: 0, height: 'auto' }}>
            查看该商品的兑换记录
          </Button>
        </Descriptions.Item>
      </Descriptions>
      {q.isError && !q.data ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} title="库存台账加载失败" />
      ) : (
        <Table<StockEntry>
          rowKey="id"
          size="small"
          loading={q.isFetching}
          dataSource={q.data?.entries ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 660 }}
          data-testid="stock-ledger"
          locale={{ emptyText: q.isPending ? ' ' : '还没有库存变动' }}
          columns={[
            { title: '时间', dataIndex: 'at', key: 'at', width: 140, render: (s: string) => formatDateTime(s) },
            { title: '类型', dataIndex: 'kind', key: 'kind', width: 92, render: (k: StockEntryKind) => <Tag color={STOCK_ENTRY_COLORS[k]}>{STOCK_ENTRY_KINDS[k]}</Tag> },
            { title: '数量', dataIndex: 'quantity', key: 'quantity', width: 70, align: 'right', render: (n: number) => <strong>{n > 0 ? `+${n}` : n}</strong> },
            { title: '结存', dataIndex: 'stockAfter', key: 'stockAfter', width: 70, align: 'right' },
            { title: '事由', dataIndex: 'reason', key: 'reason', render: (s: string | null) => s ?? '—' },
            { title: '经办', dataIndex: 'actorName', key: 'actorName', width: 90, render: (s: string | null) => s ?? <Typography.Text type="secondary">系统</Typography.Text> },
          ]}
        />
      )}
    </Drawer>
  );
}
