import { useMemo, useState } from 'react';
import { Alert, App, DatePicker, Form, Input, Modal, Radio, Typography } from 'antd';
import { enterConfirmsField } from '../../shared/long-form';
import { afterToday, dayjs, todayShanghai } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { errorMessage } from '../../shared/api';
import type { DuesBillView } from './api';
import { useDuesRules, useRecordPayment, useRecordVoluntary } from './api';
import { monthsBefore, yuan, yuanRule, yuanToFen } from './ui';
import { MemberSearchSelect } from '../member/MemberSearchSelect';

// 收缴登记: the selected unpaid bills paid together — a member's months (a
// quarter, in advance or back), or several members at once (dues collected at
// a branch meeting). The ledger takes one member per payment, so the dialog
// sends one request per member, each with its own idempotency key derived from
// a key made once per opening: a double click, or 登记 again after some
// members failed, records each member's payment once.


interface PayForm {
  method: 'cash' | 'transfer';
  paidOn: dayjs.Dayjs;
  payerName?: string;
  backPayApproval?: string;
  note?: string;
}

export function PaymentModal({ bills, onClose }: { bills: DuesBillView[]; onClose: (paid: boolean) => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<PayForm>();
  const pay = useRecordPayment();
  const [error, setError] = useState<string | null>(null);
  const key = useMemo(() => crypto.randomUUID(), []);
  const total = bills.reduce((s, b) => s + b.dueFen, 0);
  const paidOn = Form.useWatch('paidOn', form)?.format('YYYY-MM-DD') ?? todayShanghai();
  // the limit of the rule version in force when paying (the server checks it again)
  const maxMonths = useDuesRules(bills[0]?.orgId, paidOn.slice(0, 7)).data?.backPayMaxMonths;
  const late = maxMonths === undefined ? [] : bills.filter((b) => monthsBefore(b.month, paidOn) > maxMonths);

  const members = useMemo(() => {
    const by = new Map<string, DuesBillView[]>();
    for (const b of bills) by.set(b.personId, [...(by.get(b.personId) ?? []), b]);
    return [...by.values()];
  }, [bills]);
  const [failed, setFailed] = useState<Array<{ name: string; message: string }>>([]);

  const submit = async (v: PayForm) => {
    setError(null);
    setFailed([]);
    const body = {
      method: v.method,
      paidOn: v.paidOn.format('YYYY-MM-DD'),
      payerName: v.payerName?.trim() || null,
      backPayApproval: late.length ? v.backPayApproval?.trim() || null : null,
      note: v.note?.trim() || null,
    };
    if (members.length === 1) {
      try {
        const r = await pay.mutateAsync({ ...body, billIds: bills.map((b) => b.id), idempotencyKey: key });
        message.success(`已登记 ${yuan(r.amountFen)} 元${r.replayed ? '（此前已登记，未重复记账）' : ''}`);
        onClose(true);
      } catch (e) {
        setError(applyServerErrors(form, e));
      }
      return;
    }
    // several members: one payment each, in turn; a failure does not stop the others
    let paidFen = 0;
    const failures: Array<{ name: string; message: string }> = [];
    for (const group of members) {
      try {
        const r = await pay.mutateAsync({ ...body, billIds: group.map((b) => b.id), idempotencyKey: `${key}:${group[0].personId}` });
        paidFen += r.amountFen;
      } catch (e) {
        failures.push({ name: group[0].name, message: errorMessage(e) });
      }
    }
    if (failures.length === 0) {
      message.success(`已为 ${members.length} 名党员登记交纳，合计 ${yuan(paidFen)} 元`);
      onClose(true);
    } else setFailed(failures);
  };

  return (
    <Modal
      open
      title={members.length > 1 ? `登记交纳 · ${members.length} 名党员` : `登记交纳 · ${bills[0]?.name ?? ''}`}
      okText="登记"
      onOk={() => form.submit()}
      confirmLoading={pay.isPending}
      onCancel={() => onClose(failed.length > 0)}
      destroyOnHidden
      width={560}
    >
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      {failed.length > 0 && (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginBottom: 16 }}
          title={`${failed.length} 名党员未能登记，其余已登记。处理后可再次点击“登记”，已登记的不会重复记账。`}
          description={
            <ul className="plain-list" data-testid="pay-failures">
              {failed.map((f) => (
                <li key={f.name}>
                  {f.name}：{f.message}
                </li>
              ))}
            </ul>
          }
        />
      )}
      {members.length > 1 ? (
        <>
          <ul className="plain-list" data-testid="pay-members" style={{ marginBottom: 8 }}>
            {members.map((g) => (
              <li key={g[0].personId}>
                {g[0].name}：{g.map((b) => b.month).join('、')}，{yuan(g.reduce((s, b) => s + b.dueFen, 0))} 元
              </li>
            ))}
          </ul>
          <Typography.Paragraph>
            {members.length} 名党员，{bills.length} 笔账单，合计 <strong data-testid="pay-total">{yuan(total)}</strong> 元
          </Typography.Paragraph>
        </>
      ) : (
        <Typography.Paragraph>
          {bills.map((b) => b.month).join('、')}，共 {bills.length} 个月，合计 <strong data-testid="pay-total">{yuan(total)}</strong> 元
        </Typography.Paragraph>
      )}
      <Form<PayForm> onKeyDown={enterConfirmsField} form={form} layout="vertical" name="dues-payment" initialValues={{ method: 'cash', paidOn: dayjs(todayShanghai()) }} onFinish={submit}>
        <Form.Item name="method" label="交纳方式" rules={[{ required: true, message: '请选择交纳方式' }]}>
          <Radio.Group options={[{ value: 'cash', label: '现金' }, { value: 'transfer', label: '转账' }]} />
        </Form.Item>
        <Form.Item name="paidOn" label="交纳日期" rules={[{ required: true, message: '请选择交纳日期' }]}>
          <DatePicker disabledDate={afterToday} allowClear={false} aria-label="交纳日期" style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="payerName" label="代交人" extra="由他人代为交纳时填写" rules={[{ max: 50, message: '不超过50个字' }]}>
          <Input maxLength={50} aria-label="代交人" placeholder="本人交纳可不填" />
        </Form.Item>
        {late.length > 0 && (
          <Form.Item
            name="backPayApproval"
            label="补交批准情况"
            extra={`${late.map((b) => b.month).join('、')} 距交纳日期已超过 ${maxMonths} 个月，补交须经上级党委同意`}
            rules={[{ required: true, whitespace: true, message: '请注明上级党委同意补交的情况' }, { max: 200, message: '不超过200个字' }]}
          >
            <Input maxLength={200} aria-label="补交批准情况" placeholder="如 县委组织部 2026年3月5日 同意" />
          </Form.Item>
        )}
        <Form.Item name="note" label="备注" rules={[{ max: 500, message: '不超过500个字' }]}>
          <Input.TextArea rows={2} maxLength={500} aria-label="备注" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface VoluntaryForm {
  personId?: string;
  amountYuan?: string;
  method: 'cash' | 'transfer';
  paidOn: dayjs.Dayjs;
  note?: string;
}

/** 自愿交纳: a one-off voluntary payment; 1000 元 or more is listed separately and forwarded to the centre. */
export function VoluntaryModal({ orgId, onClose }: { orgId: string | undefined; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<VoluntaryForm>();
  const record = useRecordVoluntary();
  const [error, setError] = useState<string | null>(null);
  const key = useMemo(() => crypto.randomUUID(), []);
  const amount = yuanToFen(Form.useWatch('amountYuan', form));
  const large = useDuesRules(orgId).data?.voluntaryLargeFen;
  const largeText = large === undefined ? '' : `${yuan(large).replace(/\.00$/, '')}元以上的自愿交纳单独列账，全额上缴中央`;

  const submit = async (v: VoluntaryForm) => {
    setError(null);
    try {
      const r = await record.mutateAsync({ personId: v.personId!, amountFen: yuanToFen(v.amountYuan)!, method: v.method, paidOn: v.paidOn.format('YYYY-MM-DD'), idempotencyKey: key, note: v.note?.trim() || null });
      message.success(`已登记自愿交纳 ${yuan(r.amountFen)} 元${r.large ? `；${largeText}` : ''}`, r.large ? 6 : 3);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e, { amountFen: 'amountYuan' }));
    }
  };

  return (
    <Modal open title="登记自愿交纳党费" okText="登记" onOk={() => form.submit()} confirmLoading={record.isPending} onCancel={onClose} destroyOnHidden width={520}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form<VoluntaryForm> onKeyDown={enterConfirmsField} form={form} layout="vertical" name="dues-voluntary" initialValues={{ method: 'cash', paidOn: dayjs(todayShanghai()) }} onFinish={submit}>
        <Form.Item name="personId" label="党员" rules={[{ required: true, message: '请选择党员' }]}>
          <MemberSearchSelect orgId={orgId} aria-label="自愿交纳党员" />
        </Form.Item>
        <Form.Item name="amountYuan" label="金额（元）" rules={[yuanRule({ required: '请填写金额', positive: true })]} extra={amount !== null && large !== undefined && amount >= large ? largeText : undefined}>
          <Input inputMode="decimal" suffix="元" maxLength={13} aria-label="自愿交纳金额" />
        </Form.Item>
        <Form.Item name="method" label="交纳方式">
          <Radio.Group options={[{ value: 'cash', label: '现金' }, { value: 'transfer', label: '转账' }]} />
        </Form.Item>
        <Form.Item name="paidOn" label="交纳日期" rules={[{ required: true, message: '请选择交纳日期' }]}>
          <DatePicker disabledDate={afterToday} allowClear={false} aria-label="自愿交纳日期" style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="note" label="备注" rules={[{ max: 500, message: '不超过500个字' }]}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
