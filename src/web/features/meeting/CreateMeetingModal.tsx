import { useEffect, useState } from 'react';
import { Alert, App, Checkbox, Form, Modal, Select } from 'antd';
import { MEETING_TYPES, type MeetingType } from '../../../contracts/meeting';
import { applyServerErrors } from '../../shared/form-errors';
import { enterConfirmsField } from '../../shared/long-form';
import { dayjs, todayShanghai } from '../../shared/dates';
import { useSuggestedOrg } from '../../shared/current-org';
import { MemberSearchSelect } from '../member/MemberSearchSelect';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useOrg } from '../org/api';
import { useCreateMeeting } from './api';
import { LectureFields, PeopleFields, PlaceFields, scheduleBody, syncDates, TimeFields, TitleField, type ScheduleValues } from './MeetingFields';
import { MEETING_ORG_TYPES, typesFor } from './ui';

// 安排会议: a meeting of a branch (党总支, 党小组) in the user's scope, on a
// day and, to send a notice, at a time. The attendees come from the registry
// when the notice goes out (or attendance is marked); a 谈心谈话 is between
// the people chosen here.

interface CreateValues extends ScheduleValues {
  orgId?: string;
  type?: MeetingType;
  attendeePersonIds?: string[];
  sendNotice?: boolean;
}

export function CreateMeetingModal({ orgId, onClose, onCreated }: { orgId?: string; onClose: () => void; onCreated: (id: string) => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateValues>();
  const create = useCreateMeeting();
  const [error, setError] = useState<string | null>(null);
  const [orgType, setOrgType] = useState<string | undefined>();
  const pickedOrg = Form.useWatch('orgId', form);
  const type = Form.useWatch('type', form);
  const sendNotice = Form.useWatch('sendNotice', form);
  const plannedDate = Form.useWatch('plannedDate', form);

  // the org the page shows (or the user's only scope root), when it is one that holds meetings
  const suggested = useSuggestedOrg(orgId);
  const suggestedOrg = useOrg(suggested);
  useEffect(() => {
    const o = suggestedOrg.data;
    if (o && MEETING_ORG_TYPES.includes(o.type) && !form.getFieldValue('orgId')) {
      form.setFieldValue('orgId', o.id);
      setOrgType(o.type);
    }
  }, [suggestedOrg.data, form]);

  const types = typesFor(orgType);
  const submit = async () => {
    setError(null);
    let v: CreateValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    try {
      const { id } = await create.mutateAsync({
        ...scheduleBody(v),
        orgId: v.orgId!,
        type: v.type!,
        attendeePersonIds: v.type === 'heart_talk' ? v.attendeePersonIds : undefined,
        sendNotice: !!v.sendNotice,
        ...(v.type === 'party_lecture' ? {} : { lecturer: null, topic: null }),
      });
      message.success(v.sendNotice ? '已安排会议并发送通知' : '已安排会议');
      onCreated(id);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };

  return (
    <Modal open title="安排会议" onCancel={onClose} onOk={() => void submit()} okText="安排" confirmLoading={create.isPending} destroyOnHidden width={680}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form<CreateValues>
        form={form}
        layout="vertical"
        name="meeting-create"
        onKeyDown={enterConfirmsField}
        initialValues={{ plannedDate: dayjs(todayShanghai()), sendNotice: false }}
        onValuesChange={(changed: Partial<CreateValues>) => syncDates(form, changed)}
      >
        <div className="meeting-form-row meeting-form-row-2">
          <Form.Item name="orgId" label="召开会议的组织" rules={[{ required: true, message: '请选择召开会议的组织' }]} extra="党支部、党总支或党小组">
            <OrgTreeSelect
              pickableTypes={MEETING_ORG_TYPES}
              style={{ width: '100%' }}
              aria-label="召开会议的组织"
              placeholder="选择党支部（可输入名称查找）"
              onChange={(_id, org) => {
                // (Form.Item stores the id; this keeps the org's type for the type list)
                setOrgType(org?.type);
                const t = form.getFieldValue('type') as MeetingType | undefined;
                if (t && org && !typesFor(org.type).includes(t)) form.setFieldValue('type', undefined);
              }}
            />
          </Form.Item>
          <Form.Item name="type" label="会议类型" rules={[{ required: true, message: '请选择会议类型' }]}>
            <Select aria-label="会议类型" placeholder="选择会议类型" options={types.map((k) => ({ value: k, label: MEETING_TYPES[k] }))} />
          </Form.Item>
        </div>
        <TitleField placeholder={type ? `不填则为 ${plannedDate?.format('YYYY年M月') ?? ''}${MEETING_TYPES[type]}` : '不填则按日期和类型命名'} />
        <TimeFields startRules={sendNotice ? [{ required: true, message: '发送会议通知须先填写开始时间' }] : []} />
        <PlaceFields />
        <PeopleFields orgId={pickedOrg} />
        {type === 'party_lecture' && <LectureFields />}
        {type === 'heart_talk' && (
          <Form.Item
            name="attendeePersonIds"
            label="谈心谈话参加人"
            rules={[{ required: true, type: 'array', min: 2, message: '请选择谈心谈话的双方（至少两人）' }]}
          >
            <MemberSearchSelect multiple orgId={pickedOrg} aria-label="谈心谈话参加人" />
          </Form.Item>
        )}
        <Form.Item name="sendNotice" valuePropName="checked" extra="通过站内消息和短信通知应参会人员；参会名单按党员名册生成">
          <Checkbox>同时发送会议通知</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
