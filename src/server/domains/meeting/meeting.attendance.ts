import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { accountsCovering } from '../../platform/notify';
import { unscoped } from '../../platform/scope';
import type { DecideMeetingLeaveBody, MarkAttendanceBody, RequestMeetingLeaveBody, SignInCode, SignInResult } from '../../../contracts/meeting';
import * as repo from './meeting.repo';
import { checkSignInToken, signInToken, signInWindow } from './meeting.policy';
import { SECRETARY_ROLES, attendanceRule, ensureAttendees, findReadable, lockForChange, manageScope, markHeld, notifyPerson } from './meeting.service';

// Attendance (RULES §8): signing in is one optional way to record attendance
// at a meeting that takes place — the recorder can always mark it — and
// nothing here counts time online or taps. Leave is asked for on the phone and
// decided by the branch; attendance is net of approved leave.

function myPersonId(ctx: ActorContext): string {
  if (!ctx.actor.personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案，请联系支部书记');
  return ctx.actor.personId;
}

/** The QR code the host shows: a token of the current slot, valid for two slots. */
export async function getSignInCode(deps: Deps, ctx: ActorContext, id: string): Promise<SignInCode> {
  const m = await repo.findMeeting(deps.db, id, manageScope(ctx));
  if (!m) throw notFound();
  if (m.status === 'cancelled') throw new AppError('MEETING_STATE', '会议已取消');
  const rule = (await attendanceRule(deps.db, m.planned_date)).body;
  const win = signInWindow(rule, { startsAt: m.starts_at ? new Date(m.starts_at) : null, endsAt: m.ends_at ? new Date(m.ends_at) : null });
  if (!win) throw new AppError('SIGNIN_CLOSED', '会议尚未确定开始时间，请先在会议信息中填写开始时间');
  const now = deps.clock.now();
  if (now < win.opensAt || now > win.closesAt) throw new AppError('SIGNIN_CLOSED', `签到时间为会议开始前${rule.signInOpensMinutesBefore}分钟至结束后${rule.signInClosesMinutesAfter}分钟`);
  const { token, expiresAt } = signInToken(m.signin_key, m.id, now, rule.qrTokenSeconds);
  return { token, url: `/m/meetings/${m.id}/sign-in?t=${encodeURIComponent(token)}`, expiresAt: expiresAt.toISOString(), refreshSeconds: rule.qrTokenSeconds };
}

/** A member scans the code: in the window, on the list, once, with a fresh token. The first sign-in marks the meeting held. */
export async function signInMeeting(deps: Deps, ctx: ActorContext, id: string, token: string, method: 'qr' | 'room' = 'qr'): Promise<SignInResult> {
  const personId = myPersonId(ctx);
  return deps.db.tx(async (t) => {
    const m = await repo.findMeeting(t, id, unscoped('a member signs in to a meeting they are expected at (checked below)'), true);
    if (!m) throw notFound();
    if (m.status === 'cancelled') throw new AppError('MEETING_STATE', '会议已取消');
    if (m.minutes_locked) throw new AppError('MINUTES_LOCKED');
    // someone already present hears so, whatever the code or the hour they reopen it at
    if ((await repo.findAttendee(t, id, personId))?.attendance === 'present') throw new AppError('SIGNIN_DUPLICATE');
    const rule = (await attendanceRule(t, m.planned_date)).body;
    const now = deps.clock.now();
    const win = signInWindow(rule, { startsAt: m.starts_at ? new Date(m.starts_at) : null, endsAt: m.ends_at ? new Date(m.ends_at) : null });
    if (!win || now < win.opensAt || now > win.closesAt) throw new AppError('SIGNIN_CLOSED');
    if (method === 'qr') {
      const check = checkSignInToken(m.signin_key, m.id, token, now, rule.qrTokenSeconds);
      if (check !== 'ok') throw new AppError('SIGNIN_TOKEN_INVALID', check === 'expired' ? '签到码已过期，请重新扫描会场二维码' : '签到码无效，请扫描会场展示的二维码');
    }
    await ensureAttendees(t, m);
    const a = await repo.findAttendee(t, id, personId, true);
    if (!a) throw new AppError('SIGNIN_NOT_EXPECTED');
    if (a.attendance === 'present') throw new AppError('SIGNIN_DUPLICATE');
    await repo.signIn(t, id, personId, method, now);
    await markHeld(t, m, deps.clock.today());
    await auditInTx(t, ctx, { action: method === 'qr' ? 'meeting.sign_in' : 'meeting.join_room', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { personId } });
    return { signedAt: now.toISOString(), meetingTitle: m.title };
  });
}

export async function requestMeetingLeave(deps: Deps, ctx: ActorContext, id: string, body: RequestMeetingLeaveBody) {
  const personId = myPersonId(ctx);
  await deps.db.tx(async (t) => {
    const m = await findReadable(t, ctx, id);
    if (m.status === 'cancelled') throw new AppError('MEETING_STATE', '会议已取消，无需请假');
    if (m.minutes_locked) throw new AppError('MINUTES_LOCKED');
    const locked = await repo.findMeeting(t, id, unscoped('the attendee asks for leave from a meeting they read (findReadable above)'), true);
    await ensureAttendees(t, locked!);
    const a = await repo.findAttendee(t, id, personId, true);
    if (!a) throw new AppError('SIGNIN_NOT_EXPECTED', '您不在本次会议的参会名单中，无需请假');
    if (a.attendance === 'present') throw new AppError('MEETING_STATE', '您已签到出席，不能再请假');
    if (a.leave_status === 'approved') throw new AppError('MEETING_STATE', '您的请假已获批准');
    await repo.requestLeave(t, id, personId, body.reason);
    await auditInTx(t, ctx, { action: 'meeting.leave_request', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { personId } });
    for (const accountId of await accountsCovering(t, { id: m.org_id, path: m.org_path }, SECRETARY_ROLES)) {
      await deps.notify.notify(t, accountId, { kind: 'meeting', title: `请假申请：${a.person_name}`, body: `${m.title}：${body.reason}`, link: `/admin/meetings/${id}` });
    }
  });
}

export async function decideMeetingLeave(deps: Deps, ctx: ActorContext, id: string, body: DecideMeetingLeaveBody) {
  await deps.db.tx(async (t) => {
    const m = await lockForChange(t, ctx, id);
    if (m.minutes_locked) throw new AppError('MINUTES_LOCKED');
    const a = await repo.findAttendee(t, id, body.personId, true);
    if (!a || a.leave_status !== 'requested') throw new AppError('MEETING_STATE', '该参会人没有待审批的请假申请');
    await repo.decideLeave(t, id, body.personId, body.approve, body.note ?? null, ctx.actor.accountId);
    await auditInTx(t, ctx, { action: body.approve ? 'meeting.leave_approve' : 'meeting.leave_reject', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { personId: body.personId } });
    await notifyPerson(deps, t, body.personId, body.approve ? `请假已批准：${m.title}` : `请假未批准：${m.title}`, body.note ?? (body.approve ? '已准假，请自行学习会议内容。' : '请按时参加会议。'), `/m/meetings/${id}`);
  });
}

/** The recorder marks attendance (present, absent, or back to not yet marked); marking someone present means the meeting took place. */
export async function markMeetingAttendance(deps: Deps, ctx: ActorContext, id: string, body: MarkAttendanceBody) {
  await deps.db.tx(async (t) => {
    const m = await lockForChange(t, ctx, id);
    if (m.status === 'cancelled') throw new AppError('MEETING_STATE', '会议已取消');
    if (m.minutes_locked) throw new AppError('MINUTES_LOCKED');
    const today = deps.clock.today();
    if (m.status === 'planned' && m.planned_date > today) throw new AppError('MEETING_STATE', '会议尚未召开，不能登记出席');
    await ensureAttendees(t, m);
    const known = new Set((await repo.attendees(t, id)).map((a) => a.person_id));
    const unknown = body.marks.filter((x) => !known.has(x.personId));
    if (unknown.length) throw new AppError('VALIDATION_FAILED', '所选人员不在本次会议的参会名单中', { issues: [{ field: 'marks', message: '所选人员不在参会名单中' }] });
    await repo.markAttendance(t, id, body.marks, ctx.actor.accountId, deps.clock.now());
    if (body.marks.some((x) => x.attendance === 'present')) await markHeld(t, m, m.status === 'planned' ? (m.planned_date < today ? m.planned_date : today) : m.held_on!);
    await auditInTx(t, ctx, { action: 'meeting.mark_attendance', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { marks: body.marks.length } });
  });
}
