import { useState } from 'react';
import { Alert, Button, Descriptions, Form, InputNumber, Modal, Typography } from 'antd';
import type { MeetingPlanResult } from '../../../contracts/meeting';
import { applyServerErrors } from '../../shared/form-errors';
import { todayShanghai } from '../../shared/dates';
import { useMe } from '../../shared/session';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useGeneratePlan } from './api';

// 生成年度计划: for every org of the chosen subtree bound by the cadence rule,
// the year's meetings on default days the secretary then moves. Meetings
// already planned or held fill their slots, so running it again adds only
// what is missing.

interface PlanValues {
  orgId?: string;
  year?: number;
}

export function PlanModal({ orgId, onClose }: { orgId?: string; onClose: () => void }) {
  const me = useMe().data;
  const [form] = Form.useForm<PlanValues>();
  const generate = useGeneratePlan();
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<(MeetingPlanResult & { year: number }) | null>(null);
  const today = todayShanghai();
  // in December the plan asked for is usually next year's
  const defaultYear = Number(today.slice(0, 4)) + (today.slice(5, 7) === '12' ? 1 : 0);

  const submit = async (v: PlanValues) => {
    setError(null);
    try {
      const r = await generate.mutateAsync({ orgId: v.orgId!, year: v.year! });
      setResult({ ...r, year: v.year! });
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };

  return (
    <Modal
      open
      title="生成年度计划"
      onCancel={onClose}
      destroyOnHidden
      width={560}
      footer={
        result ? (
          <Button type="primary" onClick={onClose}>
            完成
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>取消</Button>
            <Button type="primary" loading={generate.isPending} onClick={() => form.submit()}>
              生成
            </Button>
          </>
        )
      }
    >
      {result ? (
        <div data-testid="plan-result">
          <Alert type="success" showIcon title={`${result.year}年计划已生成：新增${result.created}次、已有${result.existing}次`} style={{ marginBottom: 12 }} />
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label="新增会议">{result.created} 次</Descriptions.Item>
            <Descriptions.Item label="已有会议">{result.existing} 次（已安排或已召开的不重复生成）</Descriptions.Item>
            <Descriptions.Item label="新增涉及组织">{result.orgs} 个</Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
            依据：{result.source}
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0', fontSize: 12 }}>
            计划中的会议排在默认日期，召开前请在会议详情中调整日期、时间和地点。
          </Typography.Paragraph>
        </div>
      ) : (
        <>
          {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
          <Typography.Paragraph type="secondary">按组织生活规则（三会一课的召开频次），为所选组织及其下级组织生成全年的会议计划。已安排或已召开的会议不会重复生成。</Typography.Paragraph>
          <Form<PlanValues> form={form} layout="vertical" name="meeting-plan" initialValues={{ year: defaultYear, orgId: orgId ?? (me?.scopeRoots.length === 1 ? me.scopeRoots[0].id : undefined) }} onFinish={submit}>
            <Form.Item name="orgId" label="组织" rules={[{ required: true, message: '请选择组织' }]}>
              <OrgTreeSelect style={{ width: '100%' }} aria-label="组织" allowClear={false} />
            </Form.Item>
            <Form.Item name="year" label="年度" rules={[{ required: true, message: '请填写年度' }]}>
              <InputNumber min={2000} max={2100} precision={0} style={{ width: 160 }} aria-label="年度" suffix="年" />
            </Form.Item>
          </Form>
        </>
      )}
    </Modal>
  );
}
