import { useState } from 'react';
import { Alert, App, Button, DatePicker, Descriptions, Empty, Form, Grid, Input, List, Space, Tag, Typography, type FormInstance } from 'antd';
import { CheckCircleOutlined, DeleteOutlined, LockOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { AddCorrectionBody, SaveMeetingMinutesBody } from '../../../contracts/meeting';
import { errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { afterToday, dayjs, formatDateTime, todayShanghai } from '../../shared/dates';
import { enterConfirmsField } from '../../shared/long-form';
import { zodRule } from '../../shared/zod-rule';
import { useAddCorrection, useConfirmMinutes, useSaveMinutes, type MeetingDetail } from './api';
import { endAfterStart, LectureFields, PeopleFields } from './MeetingFields';
import { ConflictAlert, isConflict } from './MeetingModals';
import { RichTextEditor } from './RichTextEditor';
import { fromIso, isoWithOffset, timeRange } from './ui';

// 会议记录: filled in by the recorder (anyone who runs the branch's meetings),
// confirmed by the host and by the recorder in person, then locked: after
// that only corrections are appended, nothing is overwritten. Saving marks
// the meeting held on its date.

interface MinutesValues {
  heldOn?: Dayjs;
  startsAt?: Dayjs | null;
  endsAt?: Dayjs | null;
  location?: string;
  hostPersonId?: string;
  recorderPersonId?: string;
  lecturer?: string;
  topic?: string;
  agenda?: string;
  resolutions?: string[];
  record?: string;
}

const DATETIME = 'YYYY-MM-DD HH:mm';
const moveTo = (d: Dayjs, day: Dayjs) => d.year(day.year()).month(day.month()).date(day.date());

/** The times stay on the day the meeting was held (a new day moves them along; a start on another day moves the day). */
function syncHeldOn(form: FormInstance<MinutesValues>, changed: Partial<MinutesValues>, dayFixed: boolean) {
  if (changed.heldOn) {
    for (const f of ['startsAt', 'endsAt'] as const) {
      const v = form.getFieldValue(f) as Dayjs | null | undefined;
      if (v && !v.isSame(changed.heldOn, 'day')) form.setFieldValue(f, moveTo(v, changed.heldOn));
    }
  } else if (changed.startsAt) {
    const held = form.getFieldValue('heldOn') as Dayjs | undefined;
    if (!held || !held.isSame(changed.startsAt, 'day')) {
      if (dayFixed && held) form.setFieldValue('startsAt', moveTo(changed.startsAt, held));
      else if (!afterToday(changed.startsAt)) form.setFieldValue('heldOn', changed.startsAt.startOf('day'));
    }
  }
}

function Confirmations({ m }: { m: MeetingDetail }) {
  const mm = m.minutes!;
  const same = m.hostPersonId && m.hostPersonId === m.recorderPersonId;
  const line = (who: string, name: string | null, at: string | null) => (
    <Space size={6}>
      <span>
        {who}
        {name ? ` ${name}` : ''}：
      </span>
      {at ? <Tag color="green">已确认 {formatDateTime(at)}</Tag> : <Tag>待确认</Tag>}
    </Space>
  );
  return (
    <Space size={16} wrap data-testid="minutes-confirmations">
      {same ? line('主持人兼记录人', m.hostName, mm.hostConfirmedAt ?? mm.recorderConfirmedAt) : (
        <>
          {line('主持人', m.hostName, mm.hostConfirmedAt)}
          {line('记录人', m.recorderName, mm.recorderConfirmedAt)}
        </>
      )}
    </Space>
  );
}

/** The minutes as saved: read-only (locked, or for those who do not run the meeting). */
function MinutesReadOnly({ m }: { m: MeetingDetail }) {
  const mm = m.minutes!;
  const narrow = Grid.useBreakpoint().sm === false;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="minutes-view">
      <Descriptions layout={narrow ? 'vertical' : 'horizontal'} bordered size="small" column={{ xs: 1, sm: 1, md: 2, lg: 3, xl: 3, xxl: 3 }}>
        <Descriptions.Item label="召开日期">{m.heldOn ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="时间">{timeRange(m.startsAt, m.endsAt) || '—'}</Descriptions.Item>
        <Descriptions.Item label="地点">{m.location ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="主持人">{m.hostName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="记录人">{m.recorderName ?? '—'}</Descriptions.Item>
        {m.type === 'party_lecture' && <Descriptions.Item label="授课人">{m.lecturer ?? '—'}</Descriptions.Item>}
        {m.type === 'party_lecture' && <Descriptions.Item label="党课主题">{m.topic ?? '—'}</Descriptions.Item>}
        <Descriptions.Item label="议程" span="filled">
          <div style={{ whiteSpace: 'pre-wrap' }}>{mm.agenda || '—'}</div>
        </Descriptions.Item>
        <Descriptions.Item label="决议" span="filled">
          {mm.resolutions.length ? (
            <ol className="meeting-resolutions" data-testid="minutes-resolutions">
              {mm.resolutions.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ol>
          ) : (
            '—'
          )}
        </Descriptions.Item>
      </Descriptions>
      <div>
        <Typography.Text strong>会议记录</Typography.Text>
        {mm.record ? (
          // the record is kept sanitised by the server (RECORD_TAGS only, no attributes)
          <div className="meeting-record meeting-record-view" data-testid="minutes-record" dangerouslySetInnerHTML={{ __html: mm.record }} />
        ) : (
          <Typography.Paragraph type="secondary">（未填写正文）</Typography.Paragraph>
        )}
      </div>
    </Space>
  );
}

function Corrections({ m }: { m: MeetingDetail }) {
  const { message } = App.useApp();
  const add = useAddCorrection(m.id);
  const [form] = Form.useForm<{ body?: string }>();
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { body?: string }) => {
    setError(null);
    try {
      await add.mutateAsync({ body: (v.body ?? '').trim() });
      form.resetFields();
      message.success('已追加更正');
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <div data-testid="minutes-corrections">
      <Typography.Title level={5}>更正记录</Typography.Title>
      {m.corrections.length === 0 ? (
        <Typography.Paragraph type="secondary">没有更正。会议记录锁定后如发现错漏，在此追加更正说明，原记录保持不变。</Typography.Paragraph>
      ) : (
        <List
          size="small"
          bordered
          dataSource={m.corrections}
          style={{ marginBottom: 12 }}
          renderItem={(c, i) => (
            <List.Item>
              <div style={{ width: '100%' }}>
                <div style={{ whiteSpace: 'pre-wrap' }}>
                  <Typography.Text type="secondary">更正{i + 1}：</Typography.Text>
                  {c.body}
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {c.actorName} · {formatDateTime(c.recordedAt)}
                </Typography.Text>
              </div>
            </List.Item>
          )}
        />
      )}
      {m.me.canManage && (
        <Form form={form} layout="vertical" name="meeting-correction" onFinish={submit}>
          {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
          <Form.Item name="body" label="追加更正" rules={[{ required: true, whitespace: true, message: '请填写更正内容' }, zodRule(AddCorrectionBody.shape.body)]}>
            <Input.TextArea rows={3} maxLength={2000} showCount aria-label="更正内容" placeholder="写明更正哪一处、更正为什么内容" />
          </Form.Item>
          <Button htmlType="submit" loading={add.isPending}>
            追加更正
          </Button>
        </Form>
      )}
    </div>
  );
}

function ConfirmButton({ m, dirty }: { m: MeetingDetail; dirty: boolean }) {
  const { message, modal } = App.useApp();
  const confirm = useConfirmMinutes(m.id);
  const [conflict, setConflict] = useState(false);
  const as = m.me.canConfirmAsHost ? 'host' : 'recorder';
  const both = m.hostPersonId === m.recorderPersonId;
  const ask = () =>
    modal.confirm({
      title: '确认会议记录？',
      content: both
        ? '您是本次会议的主持人兼记录人，确认后会议记录即锁定，不能再修改，只能追加更正。'
        : `您以${as === 'host' ? '主持人' : '记录人'}身份确认。主持人和记录人都确认后，会议记录锁定，不能再修改，只能追加更正。`,
      okText: '确认',
      onOk: async () => {
        setConflict(false);
        try {
          await confirm.mutateAsync({ version: m.minutes!.version, as });
          message.success(both || (as === 'host' ? m.minutes!.recorderConfirmedAt : m.minutes!.hostConfirmedAt) ? '会议记录已确认并锁定' : '已确认，待另一方确认后锁定');
        } catch (e) {
          if (isConflict(e)) setConflict(true);
          else message.error(errorMessage(e));
        }
      },
    });
  return (
    <>
      {conflict && <ConflictAlert id={m.id} what="会议记录" onRefreshed={() => setConflict(false)} />}
      <Button type="primary" icon={<CheckCircleOutlined />} onClick={ask} disabled={dirty} title={dirty ? '有未保存的修改，请先保存' : undefined}>
        确认会议记录
      </Button>
    </>
  );
}

function MinutesForm({ m }: { m: MeetingDetail }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<MinutesValues>();
  const save = useSaveMinutes(m.id);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [dirty, setDirty] = useState(false);
  const mm = m.minutes;
  const today = todayShanghai();
  const dayFixed = m.status === 'held' && !!m.heldOn;
  const names: Record<string, string> = {};
  if (m.hostPersonId && m.hostName) names[m.hostPersonId] = m.hostName;
  if (m.recorderPersonId && m.recorderName) names[m.recorderPersonId] = m.recorderName;
  const confirmed = !!(mm?.hostConfirmedAt || mm?.recorderConfirmedAt);

  const submit = async (v: MinutesValues) => {
    setError(null);
    setConflict(false);
    try {
      await save.mutateAsync({
        version: mm?.version ?? 0,
        heldOn: v.heldOn!.format('YYYY-MM-DD'),
        startsAt: isoWithOffset(v.startsAt),
        endsAt: isoWithOffset(v.endsAt),
        location: v.location?.trim() || null,
        hostPersonId: v.hostPersonId!,
        recorderPersonId: v.recorderPersonId!,
        lecturer: m.type === 'party_lecture' ? v.lecturer?.trim() || null : undefined,
        topic: m.type === 'party_lecture' ? v.topic?.trim() || null : undefined,
        agenda: (v.agenda ?? '').trim(),
        resolutions: (v.resolutions ?? []).map((r) => (r ?? '').trim()).filter(Boolean),
        record: v.record ?? '',
      });
      setDirty(false);
      message.success('已保存会议记录');
    } catch (e) {
      if (isConflict(e)) setConflict(true);
      else setError(applyServerErrors(form, e));
    }
  };

  return (
    <Form<MinutesValues>
      form={form}
      layout="vertical"
      name="meeting-minutes"
      onKeyDown={enterConfirmsField}
      onFinish={submit}
      onValuesChange={(changed: Partial<MinutesValues>) => {
        setDirty(true);
        syncHeldOn(form, changed, dayFixed);
      }}
      initialValues={{
        heldOn: dayjs(m.heldOn ?? (m.plannedDate <= today ? m.plannedDate : today)),
        startsAt: fromIso(m.startsAt),
        endsAt: fromIso(m.endsAt),
        location: m.location ?? undefined,
        hostPersonId: m.hostPersonId ?? undefined,
        recorderPersonId: m.recorderPersonId ?? undefined,
        lecturer: m.lecturer ?? undefined,
        topic: m.topic ?? undefined,
        agenda: mm?.agenda ?? '',
        resolutions: mm?.resolutions.length ? mm.resolutions : [''],
        record: mm?.record ?? '',
      }}
      data-testid="minutes-form"
    >
      {conflict && <ConflictAlert id={m.id} what="会议记录" onRefreshed={() => setConflict(false)} />}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      {confirmed && <Alert type="info" showIcon style={{ marginBottom: 16 }} title="已有确认：再次保存后，主持人和记录人须重新确认" />}
      <div className="meeting-form-row">
        <Form.Item name="heldOn" label="召开日期" rules={[{ required: true, message: '请选择召开日期' }]} extra={dayFixed ? `会议已记为 ${m.heldOn} 召开` : undefined}>
          <DatePicker allowClear={false} disabledDate={afterToday} disabled={dayFixed} style={{ width: '100%' }} aria-label="召开日期" />
        </Form.Item>
        <Form.Item name="startsAt" label="开始时间">
          <DatePicker showTime={{ format: 'HH:mm' }} format={DATETIME} style={{ width: '100%' }} aria-label="开始时间" />
        </Form.Item>
        <Form.Item name="endsAt" label="结束时间" dependencies={['startsAt']} rules={[endAfterStart]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format={DATETIME} style={{ width: '100%' }} aria-label="结束时间" />
        </Form.Item>
      </div>
      <Form.Item name="location" label="地点" rules={[zodRule(SaveMeetingMinutesBody.shape.location)]}>
        <Input maxLength={100} aria-label="地点" />
      </Form.Item>
      <PeopleFields orgId={m.orgId} names={names} required />
      {m.type === 'party_lecture' && <LectureFields required />}
      <Form.Item name="agenda" label="议程" rules={[zodRule(SaveMeetingMinutesBody.shape.agenda)]}>
        <Input.TextArea rows={3} maxLength={2000} showCount aria-label="议程" placeholder="每行一项，如：一、传达学习……" />
      </Form.Item>
      <Form.Item label="决议" required={false}>
        <Form.List name="resolutions">
          {(fields, { add, remove }) => (
            <div className="meeting-resolution-list">
              {fields.map((f, i) => (
                <div key={f.key} className="meeting-resolution-row">
                  <span className="meeting-resolution-no">{i + 1}.</span>
                  <Form.Item name={f.name} noStyle rules={[{ max: 500, message: '每项决议不超过500字' }]}>
                    <Input maxLength={500} aria-label={`决议${i + 1}`} placeholder="决议内容" />
                  </Form.Item>
                  <Button type="text" icon={<DeleteOutlined />} aria-label={`删除决议${i + 1}`} onClick={() => remove(f.name)} />
                </div>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')} style={{ width: '100%' }}>
                添加决议
              </Button>
            </div>
          )}
        </Form.List>
      </Form.Item>
      <Form.Item name="record" label="会议记录正文" rules={[zodRule(SaveMeetingMinutesBody.shape.record)]} extra="可用加粗、列表、小标题等格式；粘贴的文字按段落保留。">
        <RichTextEditor aria-label="会议记录正文" placeholder="记录发言、讨论和表决情况" />
      </Form.Item>
      <Space wrap>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          保存会议记录
        </Button>
        {mm && (m.me.canConfirmAsHost || m.me.canConfirmAsRecorder) && <ConfirmButton m={m} dirty={dirty} />}
        {dirty && <Typography.Text type="warning">有未保存的修改</Typography.Text>}
      </Space>
    </Form>
  );
}

export function MinutesTab({ m }: { m: MeetingDetail }) {
  const mm = m.minutes;
  const locked = !!mm?.lockedAt;
  const editable = m.me.canManage && !locked && m.status !== 'cancelled';

  if (m.status === 'cancelled' && !mm) return <Empty description="会议已取消，没有会议记录。" />;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {locked && (
        <Alert
          type="success"
          showIcon
          icon={<LockOutlined />}
          data-testid="minutes-locked"
          title="已锁定"
          description={`会议记录已于 ${formatDateTime(mm!.lockedAt)} 经主持人、记录人确认后锁定，不能再修改；如有错漏，请在下方追加更正。`}
        />
      )}
      {mm && !locked && <Confirmations m={m} />}
      {editable ? (
        <MinutesForm key={mm?.version ?? 0} m={m} />
      ) : mm ? (
        <>
          <MinutesReadOnly m={m} />
          {!locked && (m.me.canConfirmAsHost || m.me.canConfirmAsRecorder) && <ConfirmButton m={m} dirty={false} />}
        </>
      ) : (
        <Empty description="尚未填写会议记录。" />
      )}
      {locked && <Corrections m={m} />}
    </Space>
  );
}
