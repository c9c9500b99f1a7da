import { useState, type FormEvent } from 'react';
import { Alert, App, Button, Drawer, Input, Tag } from 'antd';
import { ATTENDANCE, LEAVE_STATUSES, type Attendance, type LeaveStatus, type MeetingStatus } from '../../../contracts/meeting';
import { errorMessage } from '../../shared/api';
import { useRequestLeave } from '../meeting/api';

// What the meeting pages of the phone share: dates and times as a member reads
// them, "my status" in one tag, and the 请假 sheet.

const WEEKDAYS = '日一二三四五六';
const hm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const hms = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** 2026-12-10 → 2026年12月10日 周四 */
export function meetingDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  const wd = new Date(`${iso.slice(0, 10)}T00:00:00Z`).getUTCDay();
  return `${y}年${Number(m)}月${Number(d)}日 周${WEEKDAYS[wd]}`;
}

/** HH:mm in Asia/Shanghai */
export function clock(iso: string): string {
  return hm.format(new Date(iso));
}

/** HH:mm:ss in Asia/Shanghai */
export function clockSeconds(iso: string): string {
  return hms.format(new Date(iso));
}

/** 14:00–16:00, 14:00 开始, or 时间待定 */
export function meetingTime(startsAt: string | null, endsAt: string | null): string {
  if (!startsAt) return '时间待定';
  return endsAt ? `${clock(startsAt)}–${clock(endsAt)}` : `${clock(startsAt)} 开始`;
}

/** 12月10日 14:05 (the day only when it is not today) */
export function shortDateTime(iso: string): string {
  const d = new Date(iso);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  return day === today ? `今天 ${clock(iso)}` : `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日 ${clock(iso)}`;
}

export interface MineLine {
  attendance: Attendance;
  leaveStatus: LeaveStatus | null;
}

/** The member's own standing at a meeting, as one tag. */
export function myStatusOf(mine: MineLine | null, status: MeetingStatus): { text: string; color: string } {
  if (status === 'cancelled') return { text: '会议已取消', color: 'default' };
  if (!mine) return { text: '待参加', color: 'processing' };
  if (mine.attendance === 'present') return { text: ATTENDANCE.present, color: 'success' };
  if (mine.leaveStatus) return { text: LEAVE_STATUSES[mine.leaveStatus], color: mine.leaveStatus === 'approved' ? 'blue' : mine.leaveStatus === 'requested' ? 'warning' : 'error' };
  if (mine.attendance === 'absent') return { text: ATTENDANCE.absent, color: 'error' };
  return status === 'planned' ? { text: '待参加', color: 'processing' } : { text: '未登记', color: 'default' };
}

export function MyStatusTag({ mine, status }: { mine: MineLine | null; status: MeetingStatus }) {
  const s = myStatusOf(mine, status);
  return (
    <Tag color={s.color} style={{ marginInlineEnd: 0 }} data-testid="my-meeting-status">
      {s.text}
    </Tag>
  );
}

/** Whether the member may still ask for leave (the server has the last word). */
export function canAskLeave(status: MeetingStatus, minutesLocked: boolean, mine: MineLine | null): boolean {
  if (status !== 'planned' || minutesLocked) return false;
  return !mine || (mine.attendance !== 'present' && mine.leaveStatus !== 'approved');
}

export function leaveButtonText(mine: MineLine | null): string {
  if (mine?.leaveStatus === 'requested') return '修改请假事由';
  if (mine?.leaveStatus === 'rejected') return '再次请假';
  return '请假';
}

/** The 请假 sheet: a reason, sent to the branch; the branch decides and the member is told. */
export function LeaveSheet({ meetingId, title, onClose }: { meetingId: string; title: string; onClose: () => void }) {
  const { message } = App.useApp();
  const leave = useRequestLeave(meetingId);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (leave.isPending) return;
    const r = reason.trim();
    const p = r.length < 2 ? '请填写请假事由' : r.length > 200 ? '请假事由不超过200字' : null;
    setProblem(p);
    if (p) return;
    leave.mutate(
      { reason: r },
      {
        onSuccess: () => {
          void message.success('请假申请已提交，等待支部审批');
          onClose();
        },
      },
    );
  };
  return (
    <Drawer open placement="bottom" size="auto" title="请假" onClose={onClose} destroyOnHidden rootClassName="m-mt-sheet">
      <form onSubmit={submit} noValidate aria-label="请假" className="m-mt-form">
        <p className="m-mt-sheet-meeting">{title}</p>
        <div>
          <label className="m-mt-label" htmlFor="mt-leave-reason">
            请假事由 <span className="m-mt-required">*</span>
          </label>
          <Input.TextArea
            id="mt-leave-reason"
            value={reason}
            maxLength={200}
            autoSize={{ minRows: 3, maxRows: 6 }}
            placeholder="如：外出务工、身体不适"
            status={problem ? 'error' : undefined}
            onChange={(e) => {
              setReason(e.target.value);
              setProblem(null);
            }}
            style={{ fontSize: 16 }}
          />
          {problem ? <div className="m-mt-error">{problem}</div> : <div className="m-mt-help">支部审批后会通知您。准假的，请会后自行学习会议内容。</div>}
        </div>
        {leave.isError && <Alert type="error" showIcon title={`提交失败：${errorMessage(leave.error)}`} role="alert" />}
        <Button type="primary" htmlType="submit" className="m-action" loading={leave.isPending}>
          提交请假
        </Button>
      </form>
    </Drawer>
  );
}
