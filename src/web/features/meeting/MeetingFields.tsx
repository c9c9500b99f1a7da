import { DatePicker, Form, Input, type FormInstance } from 'antd';
import type { Rule } from 'antd/es/form';
import type { Dayjs } from 'dayjs';
import { MeetingFields } from '../../../contracts/meeting';
import { zodRule } from '../../shared/zod-rule';
import { MemberSearchSelect } from '../member/MemberSearchSelect';
import { isoWithOffset } from './ui';

// The fields a meeting is arranged with, shared by 安排会议 and 编辑: when,
// where, who hosts and who records, and for a 党课 who lectures on what.

export interface ScheduleValues {
  title?: string;
  plannedDate?: Dayjs;
  startsAt?: Dayjs | null;
  endsAt?: Dayjs | null;
  location?: string;
  hostPersonId?: string;
  recorderPersonId?: string;
  lecturer?: string;
  topic?: string;
  externalUrl?: string;
}

const DATETIME = 'YYYY-MM-DD HH:mm';
const moveTo = (d: Dayjs, day: Dayjs) => d.year(day.year()).month(day.month()).date(day.date());

/**
 * Keeps the date and the times on one day: a start picked on another day moves
 * the meeting's date there; a new date moves the times along (their hours stay).
 * Call from the form's onValuesChange.
 */
export function syncDates(form: FormInstance, changed: Partial<ScheduleValues>) {
  if (changed.startsAt) {
    const day = changed.startsAt;
    const planned = form.getFieldValue('plannedDate') as Dayjs | undefined;
    if (!planned || !planned.isSame(day, 'day')) form.setFieldValue('plannedDate', day.startOf('day'));
    const end = form.getFieldValue('endsAt') as Dayjs | null | undefined;
    if (end && !end.isSame(day, 'day')) form.setFieldValue('endsAt', moveTo(end, day));
  } else if (changed.plannedDate) {
    const day = changed.plannedDate;
    for (const f of ['startsAt', 'endsAt'] as const) {
      const v = form.getFieldValue(f) as Dayjs | null | undefined;
      if (v && !v.isSame(day, 'day')) form.setFieldValue(f, moveTo(v, day));
    }
  }
}

export const endAfterStart: Rule = ({ getFieldValue }) => ({
  validator: async (_: unknown, end: Dayjs | null | undefined) => {
    const start = getFieldValue('startsAt') as Dayjs | null | undefined;
    if (end && !start) throw new Error('请先填写开始时间');
    if (end && start && !end.isAfter(start)) throw new Error('结束时间须晚于开始时间');
  },
});

/** The time fields (date, start, end). */
export function TimeFields({ startRules = [] }: { startRules?: Rule[] }) {
  return (
    <div className="meeting-form-row">
      <Form.Item name="plannedDate" label="会议日期" rules={[{ required: true, message: '请选择会议日期' }]}>
        <DatePicker allowClear={false} style={{ width: '100%' }} aria-label="会议日期" />
      </Form.Item>
      <Form.Item name="startsAt" label="开始时间" dependencies={['sendNotice']} rules={startRules}>
        <DatePicker showTime={{ format: 'HH:mm' }} format={DATETIME} style={{ width: '100%' }} aria-label="开始时间" placeholder="选择开始时间" />
      </Form.Item>
      <Form.Item name="endsAt" label="结束时间" dependencies={['startsAt']} rules={[endAfterStart]}>
        <DatePicker showTime={{ format: 'HH:mm' }} format={DATETIME} style={{ width: '100%' }} aria-label="结束时间" placeholder="可不填" />
      </Form.Item>
    </div>
  );
}

/** Host and recorder: members of the meeting's org (or of an org above it). */
export function PeopleFields({ orgId, names, required = false }: { orgId: string | undefined; names?: Record<string, string>; required?: boolean }) {
  return (
    <div className="meeting-form-row meeting-form-row-2">
      <Form.Item name="hostPersonId" label="主持人" rules={required ? [{ required: true, message: '请选择主持人' }] : []}>
        <MemberSearchSelect orgId={orgId} aria-label="主持人" initialNames={names} placeholder="输入姓名查找" />
      </Form.Item>
      <Form.Item name="recorderPersonId" label="记录人" rules={required ? [{ required: true, message: '请选择记录人' }] : []}>
        <MemberSearchSelect orgId={orgId} aria-label="记录人" initialNames={names} placeholder="输入姓名查找" />
      </Form.Item>
    </div>
  );
}

/** 授课人 and 党课主题 (a 党课 needs both by the time its minutes are saved). */
export function LectureFields({ required = false }: { required?: boolean }) {
  return (
    <div className="meeting-form-row meeting-form-row-2">
      <Form.Item name="lecturer" label="授课人" rules={[...(required ? [{ required: true, whitespace: true, message: '党课须填写授课人' }] : []), zodRule(MeetingFields.shape.lecturer)]}>
        <Input maxLength={50} aria-label="授课人" />
      </Form.Item>
      <Form.Item name="topic" label="党课主题" rules={[...(required ? [{ required: true, whitespace: true, message: '党课须填写党课主题' }] : []), zodRule(MeetingFields.shape.topic)]}>
        <Input maxLength={200} aria-label="党课主题" />
      </Form.Item>
    </div>
  );
}

export function TitleField({ placeholder }: { placeholder?: string }) {
  return (
    <Form.Item name="title" label="会议名称" rules={[zodRule(MeetingFields.shape.title)]} >
      <Input maxLength={100} aria-label="会议名称" placeholder={placeholder} />
    </Form.Item>
  );
}

export function PlaceFields() {
  return (
    <>
      <Form.Item name="location" label="地点" rules={[zodRule(MeetingFields.shape.location)]}>
        <Input maxLength={100} aria-label="地点" placeholder="如 党员活动室" />
      </Form.Item>
      <Form.Item name="externalUrl" label="线上会议链接" rules={[zodRule(MeetingFields.shape.externalUrl)]} extra="可选：腾讯会议等外部会议的 https 链接">
        <Input maxLength={500} aria-label="线上会议链接" placeholder="https://" />
      </Form.Item>
    </>
  );
}

const trimOrNull = (s: string | undefined) => (s && s.trim() ? s.trim() : null);

/** The schedule as the API takes it. */
export function scheduleBody(v: ScheduleValues) {
  return {
    title: v.title?.trim() || undefined,
    plannedDate: v.plannedDate!.format('YYYY-MM-DD'),
    startsAt: isoWithOffset(v.startsAt),
    endsAt: isoWithOffset(v.endsAt),
    location: trimOrNull(v.location),
    externalUrl: trimOrNull(v.externalUrl),
    hostPersonId: v.hostPersonId ?? null,
    recorderPersonId: v.recorderPersonId ?? null,
    lecturer: trimOrNull(v.lecturer),
    topic: trimOrNull(v.topic),
  };
}
