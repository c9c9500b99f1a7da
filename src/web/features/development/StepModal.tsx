import { useEffect, useRef, useState } from 'react';
import { Alert, App, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Space, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import type { Dayjs } from 'dayjs';
import { DEVELOPMENT_STEPS, REPEATABLE_STEPS, SUPERIOR_STEPS } from '../../../contracts/development';
import { ApiError } from '../../shared/api';
import { afterToday, DATE_FORMAT, dayjs, fromDayjs, todayShanghai } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { AttachmentUpload, useAttachments } from '../../shared/attachments';
import { useRecordStep, type CandidateDetail, type StepInput, type StepPlanView } from './api';
import { MemberSearchSelect } from '../member/MemberSearchSelect';
import { ConflictAlert, ErrorAlert, ruleRefusal, RuleAlert, type RuleRefusal } from './ui';

// 登记 one step of the 25 (not the 支部大会 votes, which have their own form).
// The form asks for what the step needs (development.steps recordStep);
// dates before the earliest day or past the due day are flagged as you type,
// and the server's rule refusal is shown with its source, the form kept open.

const RULE_TEXT = '《中国共产党发展党员工作细则》';

interface Values {
  date?: Dayjs;
  talkers?: string[];
  envoy?: string;
  recommendation?: 'member' | 'mass_org';
  decisionBody?: string;
  contactIds?: string[];
  introducerIds?: string[];
  conclusion?: string;
  publicNoticeStart?: Dayjs;
  trainingName?: string;
  trainingDays?: number | null;
  trainingHours?: number | null;
  approved?: boolean;
  extensionReason?: string;
  formNumber?: string;
  groupName?: string;
  archiveLocation?: string;
  note?: string;
}

const CONCLUSION_LABEL: Record<number, { label: string; placeholder: string }> = {
  6: { label: '考察意见', placeholder: '如：该同志政治立场坚定，学习积极，表现良好' },
  21: { label: '考察意见', placeholder: '预备期内的教育考察情况' },
  10: { label: '政治审查结论', placeholder: '如：政治审查合格' },
  12: { label: '支部委员会审查意见', placeholder: '如：经审查，同意将其列为预备党员接收对象，并进行公示' },
};

const BRANCH_BODIES = ['支部委员会', '支部大会'];

export function StepModal({ detail, plan, onClose }: { detail: CandidateDetail; plan: StepPlanView; onClose: () => void }) {
  const step = plan.step;
  const label = DEVELOPMENT_STEPS[step - 1].label;
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const record = useRecordStep();
  const [refusal, setRefusal] = useState<RuleRefusal | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const attachments = useAttachments();
  const top = useRef<HTMLDivElement>(null);
  const today = todayShanghai();
  const approved = Form.useWatch('approved', form);
  const isSuperior = SUPERIOR_STEPS.includes(step);
  const repeat = REPEATABLE_STEPS.includes(step) && plan.done.length > 0;

  useEffect(() => {
    if (refusal || error || conflict) top.current?.scrollIntoView({ block: 'nearest' });
  }, [refusal, error, conflict]);

  const dateRules: Rule[] = [
    { required: true, message: '请选择日期' },
    {
      validator: async (_r, v: Dayjs | undefined) => {
        if (v && v.format(DATE_FORMAT) > today) throw new Error('日期不能晚于今天');
      },
    },
    {
      warningOnly: true,
      validator: async (_r, v: Dayjs | undefined) => {
        const d = v?.format(DATE_FORMAT);
        if (d && plan.earliest && d < plan.earliest) throw new Error(`早于最早可办理日期 ${plan.earliest}，登记时将按规定校验`);
        if (d && plan.due && d > plan.due) throw new Error(`晚于应完成日期 ${plan.due}`);
      },
    },
  ];

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    if (attachments.uploading) {
      setError('附件正在上传，请稍候再登记');
      return;
    }
    setRefusal(null);
    setError(null);
    setConflict(false);
    const text = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);
    const body: StepInput = { step, date: fromDayjs(v.date)!, version: detail.version, note: text(v.note) };
    if (attachments.storedIds.length) body.attachmentIds = attachments.storedIds;
    switch (step) {
      case 2:
      case 16:
        body.talkers = (v.talkers ?? []).map((t) => t.trim()).filter(Boolean);
        body.envoy = text(v.envoy);
        break;
      case 3:
        body.recommendation = v.recommendation;
        body.decisionBody = v.decisionBody as StepInput['decisionBody'];
        break;
      case 5:
        body.contactIds = v.contactIds ?? [];
        break;
      case 6:
      case 21:
      case 10:
        body.conclusion = text(v.conclusion);
        break;
      case 12:
        body.conclusion = text(v.conclusion);
        body.publicNoticeStart = fromDayjs(v.publicNoticeStart);
        break;
      case 7:
        body.decisionBody = v.decisionBody as StepInput['decisionBody'];
        break;
      case 9:
        body.introducerIds = v.introducerIds ?? [];
        break;
      case 11:
        body.trainingName = text(v.trainingName);
        body.trainingDays = v.trainingDays ?? 0;
        body.trainingHours = v.trainingHours ?? 0;
        break;
      case 13:
      case 17:
      case 24:
        body.approved = step === 24 ? true : v.approved;
        if (step === 17) body.extensionReason = text(v.extensionReason);
        break;
      case 14:
        body.formNumber = text(v.formNumber);
        break;
      case 19:
        body.groupName = text(v.groupName);
        break;
      case 25:
        body.archiveLocation = text(v.archiveLocation);
        break;
    }
    try {
      await record.mutateAsync({ id: detail.id, body });
      message.success(`已登记第${step}步“${label}”`);
      onClose();
    } catch (e) {
      const rule = ruleRefusal(e);
      if (rule) setRefusal(rule);
      else if (e instanceof ApiError && e.code === 'CONFLICT') setConflict(true);
      else setError(applyServerErrors(form, e));
    }
  };

  const dateWindow = [plan.earliest && `最早可办理日期 ${plan.earliest}`, plan.due && `应完成日期 ${plan.due}`].filter(Boolean).join('；');

  return (
    <Modal
      open
      title={`${repeat ? '再次登记' : '登记'}：第${step}步 ${label}`}
      onCancel={onClose}
      onOk={submit}
      // not confirmLoading: antd's button can stay in its loading state when a refusal comes back within a frame
      okText={record.isPending ? '正在登记…' : '登记'}
      okButtonProps={{ disabled: record.isPending }}
      destroyOnHidden
      width={640}
      maskClosable={false}
    >
      <div ref={top} />
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        发展对象：{detail.name}（{detail.orgName}）
      </Typography.Paragraph>
      {refusal && <RuleAlert refusal={refusal} onClose={() => setRefusal(null)} />}
      {error && <ErrorAlert error={error} onClose={() => setError(null)} />}
      {conflict && <ConflictAlert candidateId={detail.id} onRefreshed={() => setConflict(false)} />}
      {isSuperior && (step === 13 || step === 17) && approved === false && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={`登记“${step === 13 ? '不同意' : '不批准'}”后，该同志的发展档案将结束（未通过）。`} />
      )}
      <Form<Values>
        form={form}
        name="step"
        layout="vertical"
        initialValues={{ date: dayjs(today), approved: true, decisionBody: step === 3 || step === 7 ? '支部委员会' : undefined, recommendation: step === 3 ? 'member' : undefined }}
        onValuesChange={() => setError(null)}
      >
        <Form.Item label="日期" name="date" rules={dateRules} extra={dateWindow || undefined}>
          <DatePicker disabledDate={afterToday} style={{ width: 200 }} placeholder="YYYY-MM-DD" />
        </Form.Item>

        {(step === 2 || step === 16) && (
          <>
            <Form.Item
              label="谈话人"
              name="talkers"
              rules={[
                { required: true, type: 'array', min: 1, message: '请填写谈话人' },
                { type: 'array', max: 5, message: '谈话人最多5名' },
              ]}
              extra="输入姓名后按回车，可填写多名"
            >
              <Select mode="tags" suffixIcon={null} tokenSeparators={[',', '，', '、']} placeholder="如：王书记" aria-label="谈话人" />
            </Form.Item>
            <Form.Item label={step === 2 ? '指派谈话的党组织负责人' : '派出谈话人的上级党委'} name="envoy" rules={[{ max: 50, message: '不能超过50个字' }]}>
              <Input maxLength={50} placeholder="选填" />
            </Form.Item>
          </>
        )}

        {step === 3 && (
          <>
            <Form.Item label="推荐方式" name="recommendation" rules={[{ required: true, message: '请选择推荐方式（党员推荐或群团组织推优）' }]}>
              <Radio.Group
                options={[
                  { value: 'member', label: '党员推荐' },
                  { value: 'mass_org', label: '群团组织推优' },
                ]}
              />
            </Form.Item>
          </>
        )}

        {(step === 3 || step === 7) && (
          <Form.Item
            label="决定机关"
            name="decisionBody"
            rules={[{ required: true, message: '请选择决定机关' }]}
            extra={step === 3 ? '由支部委员会（不设支部委员会的由支部大会）研究确定' : '支部委员会在听取党小组、培养联系人、党员和群众意见的基础上讨论确定'}
          >
            <Radio.Group options={BRANCH_BODIES.map((b) => ({ value: b, label: b }))} />
          </Form.Item>
        )}

        {step === 5 && (
          <Form.Item
            label="培养联系人"
            name="contactIds"
            rules={[
              { required: true, type: 'array', min: 1, message: '请指定培养联系人' },
              { type: 'array', max: 2, message: `应指定1至2名正式党员作培养联系人（依据${RULE_TEXT}）` },
            ]}
            extra="1至2名正式党员"
          >
            <MemberSearchSelect multiple status="full" orgId={detail.orgId} aria-label="培养联系人" />
          </Form.Item>
        )}

        {step === 9 && (
          <Form.Item
            label="入党介绍人"
            name="introducerIds"
            rules={[
              { required: true, type: 'array', min: 1, message: '请选择入党介绍人' },
              { warningOnly: true, type: 'array', len: 2, message: `一般由2名正式党员作入党介绍人（依据${RULE_TEXT}）` },
            ]}
            extra="2名正式党员；受留党察看处分的党员不能作入党介绍人"
          >
            <MemberSearchSelect multiple status="full" orgId={detail.orgId} aria-label="入党介绍人" />
          </Form.Item>
        )}

        {CONCLUSION_LABEL[step] && (
          <Form.Item
            label={CONCLUSION_LABEL[step].label}
            name="conclusion"
            rules={[
              { required: true, whitespace: true, message: `请填写${CONCLUSION_LABEL[step].label}` },
              { max: 1000, message: '不能超过1000个字' },
            ]}
          >
            <Input.TextArea rows={3} maxLength={1000} showCount placeholder={CONCLUSION_LABEL[step].placeholder} />
          </Form.Item>
        )}

        {step === 12 && (
          <Form.Item
            label="公示开始日期"
            name="publicNoticeStart"
            rules={[{ required: true, message: '请选择公示开始日期' }]}
            extra="对发展对象公示不少于5个工作日；公示期满后方可报上级党委预审"
          >
            <DatePicker style={{ width: 200 }} placeholder="YYYY-MM-DD" />
          </Form.Item>
        )}

        {step === 11 && (
          <>
            <Form.Item label="培训班名称" name="trainingName" rules={[{ max: 100, message: '不能超过100个字' }]}>
              <Input maxLength={100} placeholder="如：2024年发展对象培训班" />
            </Form.Item>
            <Space size={16} wrap align="start">
              <Form.Item
                label="培训天数"
                name="trainingDays"
                dependencies={['trainingHours']}
                rules={[
                  {
                    warningOnly: true,
                    validator: async (_r, days: number | null | undefined) => {
                      const hours = form.getFieldValue('trainingHours') as number | null | undefined;
                      if ((days ?? 0) < 3 && (hours ?? 0) < 24) throw new Error(`集中培训一般不少于3天或24个学时（依据${RULE_TEXT}）`);
                    },
                  },
                ]}
              >
                <InputNumber min={0} max={365} precision={1} suffix="天" style={{ width: 140 }} />
              </Form.Item>
              <Form.Item label="培训学时" name="trainingHours">
                <InputNumber min={0} max={2000} precision={1} suffix="学时" style={{ width: 140 }} />
              </Form.Item>
            </Space>
          </>
        )}

        {(step === 13 || step === 17) && (
          <Form.Item label={step === 13 ? '预审结论' : '审批结论'} name="approved" rules={[{ required: true, message: '请选择结论' }]}>
            <Radio.Group
              options={[
                { value: true, label: step === 13 ? '同意' : '批准' },
                { value: false, label: step === 13 ? '不同意' : '不批准' },
              ]}
            />
          </Form.Item>
        )}
        {step === 13 && (
          <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
            预审前须已完成政治审查（1年内有效）、集中培训，且公示期已满。
          </Typography.Paragraph>
        )}
        {step === 17 && (
          <Form.Item
            label="超过3个月审批的特殊情况"
            name="extensionReason"
            rules={[{ max: 500, message: '不能超过500个字' }]}
            extra={plan.due ? `上级党委审批一般在支部大会后3个月内（${plan.due} 前）；超过的须写明特殊情况，最长不超过6个月` : undefined}
          >
            <Input.TextArea rows={2} maxLength={500} placeholder="在3个月内审批的不填" />
          </Form.Item>
        )}
        {step === 24 && (
          <Form.Item label="审批结论" extra="上级党委对支部大会转正决议的审批意见。上级党委不同意的，请由支部重新讨论。">
            <Radio.Group value options={[{ value: true, label: '批准支部大会决议' }]} />
          </Form.Item>
        )}

        {step === 14 && (
          <Form.Item label="入党志愿书编号" name="formNumber" rules={[{ max: 50, message: '不能超过50个字' }]}>
            <Input maxLength={50} placeholder="选填" />
          </Form.Item>
        )}
        {step === 19 && (
          <Form.Item label="编入的党小组" name="groupName" rules={[{ max: 50, message: '不能超过50个字' }]}>
            <Input maxLength={50} placeholder="如：第一党小组" />
          </Form.Item>
        )}
        {step === 25 && (
          <Form.Item label="归档位置" name="archiveLocation" rules={[{ max: 100, message: '不能超过100个字' }]} extra="入党材料归入本人人事档案">
            <Input maxLength={100} placeholder="如：县委组织部人事档案室" />
          </Form.Item>
        )}

        <Form.Item label="备注" name="note" rules={[{ max: 1000, message: '不能超过1000个字' }]}>
          <Input.TextArea rows={2} maxLength={1000} placeholder="选填" />
        </Form.Item>
        <Form.Item label="附件" extra="选填。如谈话记录、会议记录的扫描件（PDF、PNG、JPG、DOCX、XLSX）">
          <AttachmentUpload personId={detail.personId} state={attachments} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
