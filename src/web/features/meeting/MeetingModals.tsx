import { useEffect, useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Spin, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { ApiError, errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { formatDateTime } from '../../shared/dates';
import { enterConfirmsField } from '../../shared/long-form';
import { useCancelMeeting, useSignInCode, useUpdateMeeting, type MeetingDetail } from './api';
import { LectureFields, PeopleFields, PlaceFields, scheduleBody, syncDates, TimeFields, TitleField, type ScheduleValues } from './MeetingFields';
import { fromIso, timeOf } from './ui';
import { dayjs } from '../../shared/dates';

// The modals of a meeting's header: 编辑, 取消会议 and the sign-in QR code.

/** The meeting was changed by someone else meanwhile (409): reload it, then act again. */
export function ConflictAlert({ id, what = '会议', onRefreshed }: { id: string; what?: string; onRefreshed?: () => void }) {
  const qc = useQueryClient();
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title={`${what}刚被他人修改`}
      description="请刷新后核对当前内容，再办理。"
      action={
        <Button size="small" onClick={() => void qc.invalidateQueries({ queryKey: ['meetings', 'detail', id] }).then(onRefreshed)}>
          刷新
        </Button>
      }
    />
  );
}

export const isConflict = (e: unknown) => e instanceof ApiError && e.code === 'CONFLICT';

export function EditMeetingModal({ m, onClose }: { m: MeetingDetail; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ScheduleValues>();
  const update = useUpdateMeeting(m.id);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const names: Record<string, string> = {};
  if (m.hostPersonId && m.hostName) names[m.hostPersonId] = m.hostName;
  if (m.recorderPersonId && m.recorderName) names[m.recorderPersonId] = m.recorderName;

  const submit = async () => {
    setError(null);
    setConflict(false);
    let v: ScheduleValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    try {
      const body = scheduleBody(v);
      await update.mutateAsync({ ...body, title: body.title ?? m.title, ...(m.type === 'party_lecture' ? {} : { lecturer: undefined, topic: undefined }), version: m.version });
      message.success('已保存会议安排');
      onClose();
    } catch (e) {
      if (isConflict(e)) setConflict(true);
      else setError(applyServerErrors(form, e));
    }
  };

  return (
    <Modal open title="编辑会议安排" onCancel={onClose} onOk={() => void submit()} okText="保存" confirmLoading={update.isPending} destroyOnHidden width={680}>
      {conflict && <ConflictAlert id={m.id} onRefreshed={onClose} />}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form<ScheduleValues>
        form={form}
        layout="vertical"
        name="meeting-edit"
        onKeyDown={enterConfirmsField}
        initialValues={{
          title: m.title,
          plannedDate: dayjs(m.plannedDate),
          startsAt: fromIso(m.startsAt),
          endsAt: fromIso(m.endsAt),
          location: m.location ?? undefined,
          externalUrl: m.externalUrl ?? undefined,
          hostPersonId: m.hostPersonId ?? undefined,
          recorderPersonId: m.recorderPersonId ?? undefined,
          lecturer: m.lecturer ?? undefined,
          topic: m.topic ?? undefined,
        }}
        onValuesChange={(changed: Partial<ScheduleValues>) => syncDates(form, changed)}
      >
        <TitleField />
        <TimeFields startRules={m.noticeSentAt ? [{ required: true, message: '已发送通知的会议须有开始时间' }] : []} />
        <PlaceFields />
        <PeopleFields orgId={m.orgId} names={names} />
        {m.type === 'party_lecture' && <LectureFields />}
      </Form>
      {m.noticeSentAt && <Typography.Text type="secondary">修改时间或地点后，可在会议页面点击“发送通知”再次通知参会人员。</Typography.Text>}
    </Modal>
  );
}

export function CancelMeetingModal({ m, onClose }: { m: MeetingDetail; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason?: string }>();
  const cancel = useCancelMeeting(m.id);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const submit = async (v: { reason?: string }) => {
    setError(null);
    setConflict(false);
    try {
      await cancel.mutateAsync({ version: m.version, reason: (v.reason ?? '').trim() });
      message.success('已取消会议');
      onClose();
    } catch (e) {
      if (isConflict(e)) setConflict(true);
      else setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title="取消会议" okText="取消会议" cancelText="返回" okButtonProps={{ danger: true }} onOk={() => form.submit()} confirmLoading={cancel.isPending} onCancel={onClose} destroyOnHidden width={480}>
      {conflict && <ConflictAlert id={m.id} onRefreshed={onClose} />}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph>取消“{m.title}”后，应参会人员会收到取消通知。已取消的会议不能恢复，可重新安排。</Typography.Paragraph>
      <Form form={form} layout="vertical" name="meeting-cancel" onFinish={submit}>
        <Form.Item name="reason" label="取消原因" rules={[{ required: true, whitespace: true, message: '请填写取消原因' }, { min: 2, message: '至少2个字' }, { max: 200, message: '不超过200字' }]}>
          <Input.TextArea rows={3} maxLength={200} showCount aria-label="取消原因" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 签到二维码: shown on the meeting room's screen. The server rotates the token
 * every slot; the hook fetches the next one before this one runs out, and the
 * image is drawn here (no third party sees the link).
 */
export function SignInQrModal({ m, onClose }: { m: MeetingDetail; onClose: () => void }) {
  const code = useSignInCode(m.id, true);
  const [img, setImg] = useState<{ url: string; src: string } | null>(null);
  const link = code.data ? `${window.location.origin}${code.data.url}` : null;
  useEffect(() => {
    if (!link) return;
    let live = true;
    QRCode.toDataURL(link, { width: 320, margin: 1, errorCorrectionLevel: 'M' }).then(
      (src) => live && setImg({ url: link, src }),
      () => live && setImg(null),
    );
    return () => {
      live = false;
    };
  }, [link]);

  return (
    <Modal open title="签到二维码" onCancel={onClose} footer={<Button onClick={onClose}>关闭</Button>} destroyOnHidden width={440}>
      {code.isError ? (
        <Alert type="warning" showIcon role="alert" title="现在不能签到" description={errorMessage(code.error)} />
      ) : !img ? (
        <div style={{ display: 'flex', justifyContent: 'center', padding: 40 }}>
          <Spin />
        </div>
      ) : (
        <div className="meeting-qr" data-testid="sign-in-qr">
          <img src={img.src} alt="会议签到二维码" width={280} height={280} />
          <Typography.Text type="secondary">
            请参会党员用手机扫码签到。二维码每 {code.data!.refreshSeconds} 秒自动更换，本码 {timeOf(code.data!.expiresAt)} 前有效{code.isFetching ? '（正在更新…）' : ''}。
          </Typography.Text>
          {m.signInWindow && (
            <Typography.Text type="secondary">
              签到时间：{formatDateTime(m.signInWindow.opensAt)} 至 {formatDateTime(m.signInWindow.closesAt)}
            </Typography.Text>
          )}
        </div>
      )}
      <Alert
        style={{ marginTop: 16 }}
        type="info"
        showIcon
        title="扫码签到不是必须的"
        description="扫码只是登记出席的一种方式。没有手机或未扫码的党员，由记录人在“出席”中直接标记出席即可。"
      />
    </Modal>
  );
}
