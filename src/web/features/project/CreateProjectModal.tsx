import { useState } from 'react';
import { Alert, App, Divider, Form, Modal, Typography } from 'antd';
import { applyServerErrors } from '../../shared/form-errors';
import { DATE_FORMAT } from '../../shared/dates';
import { enterConfirmsField } from '../../shared/long-form';
import { usePrefilledOrg } from '../../shared/current-org';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useCreateProject } from './api';
import { ProjectFields, projectBody, type ProjectValues } from './ProjectFields';
import { milestonesBody, RoadmapFields, type MilestoneValues } from './RoadmapFields';

// 立项: a key project of an org in the user's scope, its leader, term,
// rationale and goals, and (now or later) its roadmap of milestones.

interface CreateValues extends ProjectValues {
  ownerOrgId?: string | null;
  milestones?: MilestoneValues[];
}

export function CreateProjectModal({ orgId, onClose, onCreated }: { orgId?: string; onClose: () => void; onCreated: (id: string) => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateValues>();
  const create = useCreateProject();
  const [error, setError] = useState<string | null>(null);
  const ownerOrgId = Form.useWatch('ownerOrgId', form);
  const startOn = Form.useWatch('startOn', form);
  const endOn = Form.useWatch('endOn', form);

  usePrefilledOrg(form, 'ownerOrgId', orgId);

  const submit = async () => {
    setError(null);
    let v: CreateValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    try {
      const rows = v.milestones ?? [];
      const { id } = await create.mutateAsync({ ...projectBody(v), ownerOrgId: v.ownerOrgId!, milestones: rows.length ? milestonesBody(rows) : undefined });
      message.success('已立项');
      onCreated(id);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };

  return (
    <Modal open title="立项" onCancel={onClose} onOk={() => void submit()} okText="立项" cancelText="取消" confirmLoading={create.isPending} destroyOnHidden width={960} className="project-modal">
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form<CreateValues> form={form} layout="vertical" name="project-create" onKeyDown={enterConfirmsField} initialValues={{ milestones: [] }}>
        <Form.Item name="ownerOrgId" label="牵头组织" rules={[{ required: true, message: '请选择牵头组织' }]} extra="项目由牵头组织负责推进，由其上级党组织验收">
          <OrgTreeSelect
            style={{ width: '100%', minWidth: 0 }}
            placeholder="选择牵头组织（可输入名称查找）"
            onChange={(id) => {
              // the leader belongs to the owner; rows that followed the old owner follow the new one
              // (the watched value is still the previous owner: the form has already stored the new one)
              const before = ownerOrgId;
              form.setFieldValue('ownerPersonId', undefined);
              const rows = (form.getFieldValue('milestones') as MilestoneValues[] | undefined) ?? [];
              if (before && rows.some((r) => r?.responsibleOrgId === before)) {
                form.setFieldValue('milestones', rows.map((r) => (r?.responsibleOrgId === before ? { ...r, responsibleOrgId: id ?? undefined, responsiblePersonId: undefined } : r)));
              }
            }}
          />
        </Form.Item>
        <ProjectFields ownerOrgId={ownerOrgId} />
        <Divider titlePlacement="start" style={{ marginTop: 4 }}>
          路线图（时间表）
        </Divider>
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          把项目分解为若干节点：每个节点的计划完成日期须在项目起止日期之内；权重决定节点在项目中的占比，系统据此计算计划进度，并与登记的实际进度比较发出预警。
        </Typography.Paragraph>
        <RoadmapFields form={form} ownerOrgId={ownerOrgId} term={{ start: startOn?.format(DATE_FORMAT), end: endOn?.format(DATE_FORMAT) }} />
      </Form>
    </Modal>
  );
}
