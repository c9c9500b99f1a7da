import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Radio, Space } from 'antd';
import { errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { enterConfirmsField } from '../../shared/long-form';
import { MemberSearchSelect } from '../member/MemberSearchSelect';
import { ReceivingBranchSelect } from './ReceivingBranchSelect';
import { issueNew, useCreateTransfer, useTransferPreview } from './api';
import { monthText, scopeLabel } from './ui';

// 新建转接: the member, the receiver (a branch of this installation, or an
// organisation outside it), the reason; before saving, what the letter will
// say (scope, validity, approval hops, dues paid up to). The receiving branch
// is any branch of the installation, found by name (ReceivingBranchSelect).

interface CreateForm {
  personId?: string;
  receiver: 'inside' | 'outside';
  toOrgId?: string;
  toOrgName?: string;
  outsideScope?: 'province' | 'national';
  reason?: string;
}

/** A member's own request (党员申请) the letter answers: the member, the branch when named, the reason. */
export interface TransferPrefill {
  requestId: string;
  personId: string;
  personName: string;
  toOrgId: string | null;
  destination: string;
  reason: string;
}

export function CreateTransferModal({ onClose, onCreated, prefill }: { onClose: () => void; onCreated: (id: string) => void; prefill?: TransferPrefill }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateForm>();
  const create = useCreateTransfer();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'draft' | 'issue' | null>(null);
  const personId = Form.useWatch('personId', form);
  const receiver = Form.useWatch('receiver', form) ?? 'inside';
  const toOrgId = Form.useWatch('toOrgId', form);
  const outsideScope = Form.useWatch('outsideScope', form);
  const preview = useTransferPreview(personId, receiver === 'inside' ? { toOrgId } : { outsideScope });

  const save = async (issue: boolean) => {
    setError(null);
    let v: CreateForm;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(issue ? 'issue' : 'draft');
    try {
      const { id } = await create.mutateAsync({
        personId: v.personId!,
        ...(v.receiver === 'inside' ? { toOrgId: v.toOrgId } : { toOrgName: v.toOrgName?.trim(), outsideScope: v.outsideScope }),
        reason: (v.reason ?? '').trim(),
        requestId: prefill?.requestId ?? null,
      });
      if (issue) {
        try {
          await issueNew(id);
          message.success('已开具介绍信');
        } catch (e) {
          message.error(`已保存草稿，但未能开具：${errorMessage(e)}`);
        }
      } else {
        message.success('已保存草稿');
      }
      onCreated(id);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    } finally {
      setBusy(null);
    }
  };

  const p = preview.data;
  return (
    <Modal
      open
      title="新建组织关系转接"
      onCancel={onClose}
      destroyOnHidden
      width={600}
      footer={
        <Space wrap style={{ justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>取消</Button>
          <Button onClick={() => void save(false)} loading={busy === 'draft'} disabled={!!busy}>
            保存草稿
          </Button>
          <Button type="primary" onClick={() => void save(true)} loading={busy === 'issue'} disabled={!!busy}>
            开具介绍信
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      {prefill && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={`${prefill.personName} 申请转往 ${prefill.destination}`} description="保存后，该申请记为“支部已起草介绍信”，党员本人可以看到。" />}
      <Form<CreateForm>
        onKeyDown={enterConfirmsField}
        form={form}
        layout="vertical"
        name="transfer-create"
        initialValues={{ receiver: 'inside', outsideScope: 'province', ...(prefill ? { personId: prefill.personId, toOrgId: prefill.toOrgId ?? undefined, reason: prefill.reason } : {}) }}
      >
        {prefill ? (
          <>
            <Form.Item name="personId" hidden>
              <Input />
            </Form.Item>
            <Form.Item label="转出党员">
              <Input value={prefill.personName} disabled aria-label="转出党员" />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="personId" label="转出党员" rules={[{ required: true, message: '请选择转出的党员' }]}>
            <MemberSearchSelect orgId={undefined} aria-label="转出党员" />
          </Form.Item>
        )}
        <Form.Item name="receiver" label="接收方">
          <Radio.Group
            options={[
              { value: 'inside', label: '本系统内党支部' },
              { value: 'outside', label: '本系统以外党组织' },
            ]}
          />
        </Form.Item>
        {receiver === 'inside' ? (
          <Form.Item name="toOrgId" label="接收党支部" rules={[{ required: true, message: '请选择接收的党支部' }]}>
            <ReceivingBranchSelect aria-label="接收党支部" initialLabel={prefill?.toOrgId ? prefill.destination : undefined} />
          </Form.Item>
        ) : (
          <>
            <Form.Item name="toOrgName" label="接收党组织名称" rules={[{ required: true, whitespace: true, message: '请填写接收党组织名称' }, { min: 2, message: '请填写接收党组织名称' }, { max: 100, message: '不超过100字' }]}>
              <Input maxLength={100} aria-label="接收党组织名称" placeholder="按介绍信抬头填写，如 中共某某市某某区委组织部" />
            </Form.Item>
            <Form.Item name="outsideScope" label="范围" rules={[{ required: true, message: '请选择范围' }]}>
              <Radio.Group
                options={[
                  { value: 'province', label: '省内' },
                  { value: 'national', label: '跨省' },
                ]}
              />
            </Form.Item>
          </>
        )}
        <Form.Item name="reason" label="转接原因" rules={[{ required: true, whitespace: true, message: '请填写转接原因' }, { min: 2, message: '请填写转接原因' }, { max: 200, message: '不超过200字' }]}>
          <Input.TextArea rows={2} maxLength={200} showCount aria-label="转接原因" placeholder="如 工作调动、升学、异地居住" />
        </Form.Item>
      </Form>
      {preview.isError && <Alert type="error" showIcon role="alert" title={errorMessage(preview.error)} />}
      {p && (
        <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="transfer-preview">
          <Alert
            type="info"
            showIcon
            title={`转接范围：${scopeLabel(p.scope)}`}
            description={
              <>
                <div>
                  有效期 {p.validityDays} 天；{p.approvals > 0 ? `需上级审批 ${p.approvals} 级` : '无需上级审批'}；党费交到 {monthText(p.duesPaidTo)}
                </div>
                {p.ruleSource && <div style={{ fontSize: 12, opacity: 0.75 }}>依据：{p.ruleSource}</div>}
              </>
            }
          />
          {p.unpaidMonths.length > 0 && (
            <Alert type="warning" showIcon title={`尚有 ${p.unpaidMonths.length} 个月党费未交（${p.unpaidMonths.map(monthText).join('、')}），按规定应在转出前交清`} />
          )}
        </Space>
      )}
    </Modal>
  );
}
