import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { CheckCircleOutlined } from '@ant-design/icons';
import { RedemptionCode } from '../../../contracts/mall';
import { applyServerErrors } from '../../shared/form-errors';
import { formatDateTime } from '../../shared/dates';
import { zodRule } from '../../shared/zod-rule';
import { useFulfil, type RedemptionView } from './api';

// The pick-up desk (领取核销), in the console's 兑换记录 and on the phone of a
// supplier's secretary at the service station (`compact`: stacked, full width).

/** 领取核销: one code, one button; what was handed over on success, the server's words on failure. */
export function FulfilCard({ compact = false }: { compact?: boolean }) {
  const [form] = Form.useForm<{ code?: string }>();
  const fulfil = useFulfil();
  const [done, setDone] = useState<RedemptionView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { code?: string }) => {
    setError(null);
    setDone(null);
    try {
      const r = await fulfil.mutateAsync({ code: (v.code ?? '').trim().toUpperCase() });
      setDone(r);
      form.resetFields();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Card size="small" title="领取核销" className="mall-fulfil" data-testid="mall-fulfil">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        党员到领取地点出示兑换码（8位字母或数字），核对本人后输入并点击“核销”，再交付商品或提供服务。核销后冻结的积分正式扣除。
      </Typography.Paragraph>
      <Form form={form} layout={compact ? 'vertical' : 'inline'} name="mall-fulfil" onFinish={(v) => void submit(v)} requiredMark={false} className="mall-fulfil-form">
        <Form.Item
          name="code"
          normalize={(s: string | undefined) => (s ?? '').replace(/\s+/g, '').toUpperCase()}
          rules={[{ required: true, message: '请输入兑换码' }, zodRule(RedemptionCode)]}
          validateTrigger="onSubmit"
        >
          <Input
            maxLength={8}
            placeholder="输入8位兑换码"
            aria-label="兑换码"
            autoComplete="off"
            className="mall-code-input"
            onChange={() => {
              setError(null);
              setDone(null);
            }}
          />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" icon={<CheckCircleOutlined />} loading={fulfil.isPending} block={compact} size={compact ? 'large' : undefined}>
            核销
          </Button>
        </Form.Item>
      </Form>
      {done && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginTop: 12 }}
          data-testid="fulfil-result"
          title={`已核销：${done.personName} 领取 ${done.itemName} × ${done.quantity}`}
          description={`${done.orgName} · 扣除 ${done.points} 积分 · 兑换于 ${formatDateTime(done.redeemedAt)}`}
        />
      )}
      {error && <Alert type="error" showIcon role="alert" style={{ marginTop: 12 }} title={`未能核销：${error}`} />}
    </Card>
  );
}

