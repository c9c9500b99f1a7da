import { useState } from 'react';
import { Alert, DatePicker, Form, InputNumber, Modal, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { voteArithmetic, type VoteFigures } from '../../../contracts/vote';
import { applyServerErrors } from '../../shared/form-errors';
import { dayjs, todayShanghai } from '../../shared/dates';

// The 支部党员大会 vote as the secretary records it — 应到 / 实到 / 书面意见 /
// 赞成 / 反对 / 弃权 and the day — with the RULES §1 arithmetic shown while
// typing (contracts/vote.ts, the same as admitting a member). Used for a
// branch's point rules and for its agreement to the superior's assessment.

interface VoteValues {
  votedOn?: Dayjs;
  expected?: number;
  present?: number;
  written?: number;
  yes?: number;
  no?: number;
  abstain?: number;
}

export function VoteFiguresModal({ title, pending, onSubmit, onClose }: { title: string; pending: boolean; onSubmit: (f: VoteFigures) => Promise<void>; onClose: () => void }) {
  const [form] = Form.useForm<VoteValues>();
  const [error, setError] = useState<string | null>(null);
  const values = Form.useWatch([], form) as VoteValues | undefined;
  const figures = { expected: values?.expected ?? 0, present: values?.present ?? 0, written: values?.written ?? 0, yes: values?.yes ?? 0, no: values?.no ?? 0, abstain: values?.abstain ?? 0 };
  const arithmetic = voteArithmetic(figures);
  const submit = async (v: VoteValues) => {
    setError(null);
    try {
      await onSubmit({ votedOn: v.votedOn!.format('YYYY-MM-DD'), ...figures });
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  const n = (name: keyof VoteValues, label: string) => (
    <Form.Item name={name} label={label} rules={[{ required: true, message: `请填写${label}` }]}>
      <InputNumber min={0} precision={0} addonAfter="人" style={{ width: 130 }} aria-label={label} />
    </Form.Item>
  );
  return (
    <Modal open title={title} onCancel={onClose} destroyOnHidden width={640} okText="登记" cancelText="取消" onOk={() => form.submit()} confirmLoading={pending}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} initialValues={{ votedOn: dayjs(todayShanghai()), written: 0, no: 0, abstain: 0 }}>
        <Form.Item name="votedOn" label="支部党员大会日期" rules={[{ required: true, message: '请选择日期' }]}>
          <DatePicker allowClear={false} disabledDate={(d) => d.format('YYYY-MM-DD') > todayShanghai()} aria-label="支部党员大会日期" />
        </Form.Item>
        <Space size={12} wrap>
          {n('expected', '应到')}
          {n('present', '实到')}
          {n('written', '书面意见')}
        </Space>
        <Space size={12} wrap>
          {n('yes', '赞成')}
          {n('no', '反对')}
          {n('abstain', '弃权')}
        </Space>
      </Form>
      <Alert
        type={arithmetic.problems.length ? 'error' : arithmetic.isPassed ? 'success' : 'warning'}
        showIcon
        data-testid="vote-arithmetic"
        title={arithmetic.problems.length ? arithmetic.problems[0] : arithmetic.lines[arithmetic.lines.length - 1]}
        description={arithmetic.problems.length ? null : arithmetic.lines.slice(0, -1).join('；')}
      />
    </Modal>
  );
}
