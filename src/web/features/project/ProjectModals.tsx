import { useState } from 'react';
import { Alert, App, DatePicker, Form, Input, InputNumber, Modal, Select, Typography, type FormInstance } from 'antd';
import type { Dayjs } from 'dayjs';
import { AcceptProjectBody, PROJECT_GRADES, type ProjectGrade } from '../../../contracts/project';
import { applyServerErrors } from '../../shared/form-errors';
import { DATE_FORMAT, dayjs, todayShanghai, toDayjs } from '../../shared/dates';
import { enterConfirmsField } from '../../shared/long-form';
import { zodRule } from '../../shared/zod-rule';
import { useAcceptProject, useRecordProgress, useSaveMilestones, useUpdateProject, type ProjectDetail } from './api';
import { ProjectFields, projectBody, type ProjectValues } from './ProjectFields';
import { evidenceUploading, PROGRESS_FIELDS, progressBody, progressInitial, ProgressFields, type ProgressValues } from './ProgressFields';
import { milestoneNames, milestonesBody, milestoneValues, RoadmapFields, type MilestoneValues } from './RoadmapFields';
import { ConflictAlert, isConflict, pctText } from './ui';

// The modals of a project's page: 修改项目, 调整路线图, 登记进展 and 验收.
// Each change carries the version the page shows; one made meanwhile by
// someone else is refused (409) and the modal offers to reload.

/** Submits a modal's form: validation, the call, server problems onto the fields, a conflict as an alert. */
function useSubmit<V>(form: FormInstance<V>, fieldMap: Record<string, string> = {}) {
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const run = async (send: (v: V) => Promise<unknown>) => {
    setError(null);
    setConflict(false);
    let v: V;
    try {
      v = await form.validateFields();
    } catch {
      return false;
    }
    try {
      await send(v);
      return true;
    } catch (e) {
      if (isConflict(e)) setConflict(true);
      else setError(applyServerErrors(form, e, fieldMap));
      return false;
    }
  };
  return { error, conflict, run };
}

export function EditProjectModal({ p, onClose }: { p: ProjectDetail; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ProjectValues>();
  const update = useUpdateProject(p.id);
  const { error, conflict, run } = useSubmit(form);
  const submit = async () => {
    if (await run((v) => update.mutateAsync({ ...projectBody(v), version: p.version }))) {
      message.success('已保存');
      onClose();
    }
  };
  return (
    <Modal open title="修改项目" onCancel={onClose} onOk={() => void submit()} okText="保存" cancelText="取消" confirmLoading={update.isPending} destroyOnHidden width={760} className="project-modal">
      {conflict && <ConflictAlert id={p.id} onRefreshed={onClose} />}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">牵头组织：{p.ownerOrgName}（立项后不能更改）</Typography.Paragraph>
      <Form<ProjectValues>
        form={form}
        layout="vertical"
        name="project-edit"
        onKeyDown={enterConfirmsField}
        initialValues={{ type: p.type, name: p.name, ownerPersonId: p.ownerPersonId, startOn: toDayjs(p.startOn), endOn: toDayjs(p.endOn), rationale: p.rationale, goals: p.goals }}
      >
        <ProjectFields ownerOrgId={p.ownerOrgId} names={{ [p.ownerPersonId]: p.ownerPersonName }} />
      </Form>
    </Modal>
  );
}

export function RoadmapModal({ p, onClose }: { p: ProjectDetail; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ milestones: MilestoneValues[] }>();
  const save = useSaveMilestones(p.id);
  const { error, conflict, run } = useSubmit(form);
  const locked = new Set(p.roadmap.filter((m) => m.reports > 0).map((m) => m.id));
  const submit = async () => {
    if (await run((v) => save.mutateAsync({ version: p.version, milestones: milestonesBody(v.milestones) }))) {
      message.success('路线图已保存');
      onClose();
    }
  };
  return (
    <Modal open title="调整路线图" onCancel={onClose} onOk={() => void submit()} okText="保存" cancelText="取消" confirmLoading={save.isPending} destroyOnHidden width={960} className="project-modal">
      {conflict && <ConflictAlert id={p.id} onRefreshed={onClose} />}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">
        项目起止日期 {p.startOn} 至 {p.endOn}，节点的计划完成日期须在此之内。已有进展记录的节点可以修改，不能删除。
      </Typography.Paragraph>
      <Form form={form} layout="vertical" name="project-roadmap" onKeyDown={enterConfirmsField} initialValues={{ milestones: milestoneValues(p.roadmap, (s) => dayjs(s, DATE_FORMAT)) }}>
        <RoadmapFields form={form} ownerOrgId={p.ownerOrgId} term={{ start: p.startOn, end: p.endOn }} names={milestoneNames(p.roadmap)} lockedIds={locked} required />
      </Form>
    </Modal>
  );
}

export function ProgressModal({ p, milestoneId, onClose }: { p: ProjectDetail; milestoneId?: string | null; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ProgressValues>();
  const record = useRecordProgress(p.id);
  const { error, run } = useSubmit(form, PROGRESS_FIELDS);
  const [waiting, setWaiting] = useState(false);
  const submit = async () => {
    if (evidenceUploading(form.getFieldsValue())) {
      setWaiting(true);
      return;
    }
    setWaiting(false);
    if (await run((v) => record.mutateAsync(progressBody(v)))) {
      message.success('进展已登记');
      onClose();
    }
  };
  return (
    <Modal open title="登记进展" onCancel={onClose} onOk={() => void submit()} okText="登记" cancelText="取消" confirmLoading={record.isPending} destroyOnHidden width={680} className="project-modal">
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      {waiting && <Alert type="info" showIcon title="佐证材料正在上传，请稍候再登记" style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {p.name}：计划进度 {pctText(p.planned)}，实际进度 {pctText(p.actual)}
      </Typography.Paragraph>
      <Form<ProgressValues> form={form} layout="vertical" name="project-progress" onKeyDown={enterConfirmsField} initialValues={progressInitial(p, milestoneId)}>
        <ProgressFields form={form} project={p} />
      </Form>
    </Modal>
  );
}

interface AcceptValues {
  acceptedOn?: Dayjs | null;
  grade?: ProjectGrade;
  score?: number | null;
  opinion?: string;
}

export function AcceptModal({ p, onClose }: { p: ProjectDetail; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<AcceptValues>();
  const accept = useAcceptProject(p.id);
  const { error, conflict, run } = useSubmit(form);
  const today = todayShanghai();
  const complete = p.actual >= 100;
  const submit = async () => {
    let grade: ProjectGrade | undefined;
    const ok = await run((v) => {
      grade = v.grade;
      return accept.mutateAsync({ version: p.version, acceptedOn: v.acceptedOn!.format(DATE_FORMAT), grade: v.grade!, score: v.score ?? 0, opinion: (v.opinion ?? '').trim() });
    });
    if (ok) {
      message.success(grade === 'unqualified' ? '已评为不合格，项目转入整改' : '已验收');
      onClose();
    }
  };
  return (
    <Modal open title="验收与考评" onCancel={onClose} onOk={() => void submit()} okText="验收" cancelText="取消" confirmLoading={accept.isPending} destroyOnHidden width={620} className="project-modal">
      {conflict && <ConflictAlert id={p.id} onRefreshed={onClose} />}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      {!complete && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={`项目尚未全部完成（实际进度 ${pctText(p.actual)}）`}
          description={`只能评为“${PROJECT_GRADES.unqualified}”并提出整改意见；整改完成后再验收。`}
        />
      )}
      <Form<AcceptValues> form={form} layout="vertical" name="project-accept" onKeyDown={enterConfirmsField} initialValues={{ acceptedOn: dayjs(today), grade: complete ? undefined : 'unqualified' }}>
        <div className="project-form-row project-form-row-3">
          <Form.Item name="acceptedOn" label="验收日期" rules={[{ required: true, message: '请选择验收日期' }]}>
            <DatePicker style={{ width: '100%' }} allowClear={false} disabledDate={(d) => d.format(DATE_FORMAT) > today || d.format(DATE_FORMAT) < p.startOn} />
          </Form.Item>
          <Form.Item name="grade" label="考评等次" rules={[{ required: true, message: '请选择考评等次' }]}>
            <Select
              placeholder="选择等次"
              options={(Object.keys(PROJECT_GRADES) as ProjectGrade[]).map((k) => ({ value: k, label: PROJECT_GRADES[k], disabled: !complete && k !== 'unqualified' }))}
              popupMatchSelectWidth={false}
            />
          </Form.Item>
          <Form.Item name="score" label="考评得分" rules={[{ required: true, message: '请填写考评得分' }]}>
            <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} suffix="分" />
          </Form.Item>
        </div>
        <Form.Item name="opinion" label="验收意见" rules={[{ required: true, whitespace: true, message: '请填写验收意见' }, zodRule(AcceptProjectBody.shape.opinion)]}>
          <Input.TextArea rows={4} maxLength={1000} showCount placeholder="如：各节点按期完成，成效明显，群众满意度高" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
