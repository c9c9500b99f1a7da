import type { Deps } from '../../deps';
import type { Queryable } from '../../platform/db';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { ruleInForce, type RuleVersion } from '../../platform/rules';
import { covers, findOrgInScope, orgInScope, unscoped } from '../../platform/scope';
import {
  MEETING_STATUSES, MEETING_TYPES, periodBounds, periodOf,
  type AttendanceRule, type CadenceRule, type CancelMeetingBody, type CreateMeetingBody, type ListMeetingsQuery, type MeetingDetail,
  type MeetingListItem, type MeetingPage, type MeetingType, type UpdateMeetingBody,
} from '../../../contracts/meeting';
import { findMemberInScope } from '../member';
import * as repo from './meeting.repo';
import { attendanceSummary, isObligated, signInWindow } from './meeting.policy';

// 三会一课 (RULES §3): meetings as planned, held or cancelled. Every change
// locks the meeting row, checks its version and state, and writes the audit
// row, the rollups and the notifications in the same transaction.

export const SECRETARY_ROLES = ['secretary', 'party_worker'];

export function cadenceRule(q: Queryable, date: string, orgPath?: string | null): Promise<RuleVersion<CadenceRule>> {
  return ruleInForce<CadenceRule>(q, 'meetings', 'cadence', date, orgPath);
}
export function attendanceRule(q: Queryable, date: string): Promise<RuleVersion<AttendanceRule>> {
  return ruleInForce<AttendanceRule>(q, 'meetings', 'attendance', date);
}

export const readScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'meeting.read');
export const manageScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'meeting.manage');

const toDate = (d: string | null) => (d ? new Date(d) : null);

export function listItem(r: repo.MeetingRow): MeetingListItem {
  return {
    id: r.id, orgId: r.org_id, orgName: r.org_name, type: r.type, status: r.status, title: r.title, plannedDate: r.planned_date,
    startsAt: r.starts_at, endsAt: r.ends_at, location: r.location, heldOn: r.held_on, fromPlan: r.from_plan,
    attendees: r.attendees, present: r.present, onLeave: r.on_leave, minutesLocked: r.minutes_locked, version: r.version,
  };
}

export async function listMeetings(deps: Deps, ctx: ActorContext, query: ListMeetingsQuery): Promise<MeetingPage> {
  let underPath: string | null = null;
  if (query.orgId) {
    const org = await findOrgInScope(deps.db, query.orgId, readScope(ctx));
    if (!org) throw notFound();
    underPath = org.path;
  }
  const { rows, total } = await repo.listMeetings(deps.db, readScope(ctx), { underPath, type: query.type, status: query.status, from: query.from, to: query.to, q: query.q }, query.page, query.pageSize);
  return { items: rows.map(listItem), total, page: query.page, pageSize: query.pageSize };
}

/** A meeting the caller may read: through the org's scope, or as one of its attendees (a member's own meetings). */
export async function findReadable(q: Queryable, ctx: ActorContext, id: string): Promise<repo.MeetingRow> {
  const m = await repo.findMeeting(q, id, readScope(ctx));
  if (m) return m;
  if (ctx.actor.personId) {
    const mine = await repo.findMeeting(q, id, unscoped('an attendee reads the meeting they are expected at (checked below)'));
    if (mine && (await repo.findAttendee(q, id, ctx.actor.personId))) return mine;
    if (mine && mine.status === 'planned' && (await isOwnOrgMeeting(q, ctx.actor.personId, mine))) return mine;
  }
  throw notFound();
}

async function isOwnOrgMeeting(q: Queryable, personId: string, m: repo.MeetingRow) {
  if (m.type === 'committee_meeting') return false;
  return (await repo.personOrgs(q, personId)).some((o) => o.org_id === m.org_id);
}

/** A meeting to change, locked, in the caller's manage scope, at the version the caller saw. */
export async function lockForChange(t: Queryable, ctx: ActorContext, id: string, version?: number): Promise<repo.MeetingRow> {
  const m = await repo.findMeeting(t, id, manageScope(ctx), true);
  if (!m) {
    if (await repo.findMeeting(t, id, readScope(ctx))) throw new AppError('FORBIDDEN', '您可以查看此会议，但无权办理；请由本组织的书记或党务工作者办理');
    throw notFound();
  }
  if (version !== undefined && m.version !== version) throw new AppError('CONFLICT', '会议已被他人修改，请刷新后重试');
  return m;
}

export async function getMeeting(deps: Deps, ctx: ActorContext, id: string): Promise<MeetingDetail> {
  const q = deps.db;
  const m = await findReadable(q, ctx, id);
  const [att, minutes, corr, files, arule, crule] = await Promise.all([
    repo.attendees(q, id), repo.findMinutes(q, id), repo.corrections(q, id), repo.meetingFiles(q, id),
    attendanceRule(q, m.planned_date), cadenceRule(q, m.held_on ?? m.planned_date, m.org_path),
  ]);
  const canManage = covers(ctx.actor, 'meeting.manage', { id: m.org_id, path: m.org_path });
  const view = (a: repo.AttendeeRow) => ({
    personId: a.person_id, name: a.person_name, kind: a.kind, canVote: a.can_vote, attendance: a.attendance, method: a.method, signedAt: a.signed_at,
    leaveStatus: a.leave_status, leaveReason: a.leave_reason, leaveNote: a.leave_note,
  });
  const mine = ctx.actor.personId ? att.find((a) => a.person_id === ctx.actor.personId) ?? null : null;
  // a member sees their own line; the names of others are for those who run the meeting
  const attendeeList = canManage || covers(ctx.actor, 'meeting.read', { id: m.org_id, path: m.org_path }) ? att.map(view) : mine ? [view(mine)] : [];
  const win = signInWindow(arule.body, { startsAt: toDate(m.starts_at), endsAt: toDate(m.ends_at) });
  const locked = !!minutes?.locked_at;
  return {
    ...listItem(m),
    hostPersonId: m.host_person_id, hostName: m.host_name, recorderPersonId: m.recorder_person_id, recorderName: m.recorder_name,
    lecturer: m.lecturer, topic: m.topic, externalUrl: m.external_url, noticeSentAt: m.notice_sent_at, cancelledReason: m.cancelled_reason,
    attendeeList,
    summary: attendanceSummary(att.map((a) => ({ attendance: a.attendance, leaveStatus: a.leave_status, canVote: a.can_vote }))),
    minutes: minutes ? { agenda: minutes.agenda, resolutions: minutes.resolutions, record: minutes.record, hostConfirmedAt: minutes.host_confirmed_at, recorderConfirmedAt: minutes.recorder_confirmed_at, lockedAt: minutes.locked_at, version: minutes.version } : null,
    corrections: corr.map((c) => ({ body: c.body, actorName: c.actor_name, recordedAt: c.recorded_at })),
    files: canManage || mine || covers(ctx.actor, 'meeting.read', { id: m.org_id, path: m.org_path }) ? files.map((f) => ({ id: f.id, kind: f.kind, fileName: f.file_name, mime: f.mime, sizeBytes: Number(f.size_bytes), createdAt: f.created_at })) : [],
    signInWindow: win ? { opensAt: win.opensAt.toISOString(), closesAt: win.closesAt.toISOString() } : null,
    me: {
      attendee: mine ? view(mine) : null,
      canManage,
      canConfirmAsHost: !!minutes && !locked && !minutes.host_confirmed_at && !!ctx.actor.personId && ctx.actor.personId === m.host_person_id,
      canConfirmAsRecorder: !!minutes && !locked && !minutes.recorder_confirmed_at && !!ctx.actor.personId && ctx.actor.personId === m.recorder_person_id,
    },
    source: `${crule.source}；${arule.source}`,
  };
}

/** Host or recorder: a current member of the meeting's org or of an org above it. */
export async function personForRole(q: Queryable, orgPath: string, personId: string | null | undefined, label: string): Promise<{ id: string; name: string } | null> {
  if (!personId) return null;
  const p = await findMemberInScope(q, personId, unscoped('host and recorder are checked against the meeting org\'s line below'));
  if (!p || !(orgPath === p.org_path || orgPath.startsWith(`${p.org_path}.`))) {
    throw new AppError('VALIDATION_FAILED', `${label}须为本组织或上级组织在册的党员`, { issues: [{ field: label === '主持人' ? 'hostPersonId' : 'recorderPersonId', message: `${label}须为本组织或上级组织在册的党员` }] });
  }
  return { id: p.id, name: p.name };
}

function checkTimes(startsAt: string | null | undefined, endsAt: string | null | undefined) {
  if (startsAt && endsAt && new Date(endsAt) <= new Date(startsAt)) throw new AppError('VALIDATION_FAILED', '结束时间须晚于开始时间', { issues: [{ field: 'endsAt', message: '结束时间须晚于开始时间' }] });
  if (endsAt && !startsAt) throw new AppError('VALIDATION_FAILED', '请先填写开始时间', { issues: [{ field: 'startsAt', message: '请先填写开始时间' }] });
}

const defaultTitle = (type: MeetingType, date: string) => `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${MEETING_TYPES[type]}`;

export async function createMeeting(deps: Deps, ctx: ActorContext, body: CreateMeetingBody): Promise<string> {
  checkTimes(body.startsAt, body.endsAt);
  return deps.db.tx(async (t) => {
    const org = await repo.findOrgForMeeting(t, body.orgId, manageScope(ctx));
    if (!org) throw notFound();
    if (org.dissolved) throw new AppError('MEETING_RULE', '该组织已撤销，不能安排会议');
    if (org.type === 'committee' || org.type === 'working_committee') throw new AppError('MEETING_RULE', '三会一课由党支部（党总支、党小组）召开，请选择党支部');
    if (body.type === 'group_meeting' && org.type !== 'party_group') throw new AppError('MEETING_RULE', '党小组会由党小组召开，请选择党小组');
    if (org.type === 'party_group' && body.type !== 'group_meeting' && body.type !== 'party_lecture' && body.type !== 'heart_talk') throw new AppError('MEETING_RULE', `党小组不召开${MEETING_TYPES[body.type]}，请选择所在党支部`);
    if (body.type === 'committee_meeting' && !(await repo.hasCommittee(t, org.id))) throw new AppError('MEETING_RULE', '该支部未设支部委员会（正式党员不足7人只设书记），不召开支委会');
    if (body.type === 'heart_talk' && (body.attendeePersonIds?.length ?? 0) < 2) throw new AppError('VALIDATION_FAILED', '谈心谈话请选择至少两名参加人', { issues: [{ field: 'attendeePersonIds', message: '请选择谈心谈话的双方' }] });
    const host = await personForRole(t, org.path, body.hostPersonId, '主持人');
    const recorder = await personForRole(t, org.path, body.recorderPersonId, '记录人');
    const id = await repo.insertMeeting(t, {
      orgId: org.id, type: body.type, status: 'planned', title: body.title ?? defaultTitle(body.type, body.plannedDate), plannedDate: body.plannedDate,
      startsAt: body.startsAt ?? null, endsAt: body.endsAt ?? null, location: body.location ?? null, externalUrl: body.externalUrl ?? null,
      hostPersonId: host?.id ?? null, hostName: host?.name ?? null, recorderPersonId: recorder?.id ?? null, recorderName: recorder?.name ?? null,
      lecturer: body.lecturer ?? null, topic: body.topic ?? null, heldOn: null, fromPlan: false, createdBy: ctx.actor.accountId,
    });
    if (body.attendeePersonIds?.length) {
      const chosen = await repo.currentPersons(t, body.attendeePersonIds);
      if (chosen.length !== new Set(body.attendeePersonIds).size) throw new AppError('VALIDATION_FAILED', '参加人须为在册党员', { issues: [{ field: 'attendeePersonIds', message: '参加人须为在册党员' }] });
      if (chosen.some((p) => !covers(ctx.actor, 'meeting.manage', { id: '', path: p.org_path }) && !(org.path === p.org_path || org.path.startsWith(`${p.org_path}.`)))) throw notFound();
      await repo.insertAttendees(t, id, chosen);
    }
    await auditInTx(t, ctx, { action: 'meeting.create', objectType: 'meeting', objectId: id, orgId: org.id, detail: { type: body.type, plannedDate: body.plannedDate } });
    if (body.sendNotice) await sendNoticeInTx(deps, t, ctx, id);
    return id;
  });
}

export async function updateMeeting(deps: Deps, ctx: ActorContext, id: string, body: UpdateMeetingBody) {
  await deps.db.tx(async (t) => {
    const m = await lockForChange(t, ctx, id, body.version);
    if (m.status === 'cancelled') throw new AppError('MEETING_STATE', '会议已取消，不能修改');
    if (m.minutes_locked) throw new AppError('MINUTES_LOCKED');
    if (m.status === 'held' && body.plannedDate !== undefined && body.plannedDate !== m.planned_date) throw new AppError('MEETING_STATE', `会议已于 ${m.held_on} 召开，不能再改计划日期`);
    const next = {
      title: body.title ?? m.title, plannedDate: body.plannedDate ?? m.planned_date,
      startsAt: body.startsAt !== undefined ? body.startsAt : m.starts_at, endsAt: body.endsAt !== undefined ? body.endsAt : m.ends_at,
      location: body.location !== undefined ? body.location : m.location, externalUrl: body.externalUrl !== undefined ? body.externalUrl : m.external_url,
      lecturer: body.lecturer !== undefined ? body.lecturer : m.lecturer, topic: body.topic !== undefined ? body.topic : m.topic,
    };
    checkTimes(next.startsAt, next.endsAt);
    const host = body.hostPersonId !== undefined ? await personForRole(t, m.org_path, body.hostPersonId, '主持人') : m.host_person_id ? { id: m.host_person_id, name: m.host_name ?? '' } : null;
    const recorder = body.recorderPersonId !== undefined ? await personForRole(t, m.org_path, body.recorderPersonId, '记录人') : m.recorder_person_id ? { id: m.recorder_person_id, name: m.recorder_name ?? '' } : null;
    await repo.updateMeeting(t, id, { ...next, startsAt: next.startsAt ?? null, endsAt: next.endsAt ?? null, location: next.location ?? null, externalUrl: next.externalUrl ?? null, lecturer: next.lecturer ?? null, topic: next.topic ?? null, hostPersonId: host?.id ?? null, hostName: host?.name ?? null, recorderPersonId: recorder?.id ?? null, recorderName: recorder?.name ?? null });
    await auditInTx(t, ctx, { action: 'meeting.update', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { fields: Object.keys(body).filter((k) => k !== 'version') } });
  });
}

export async function cancelMeeting(deps: Deps, ctx: ActorContext, id: string, body: CancelMeetingBody) {
  await deps.db.tx(async (t) => {
    const m = await lockForChange(t, ctx, id, body.version);
    if (m.status !== 'planned') throw new AppError('MEETING_STATE', `会议${MEETING_STATUSES[m.status]}，不能取消`);
    await repo.setMeetingStatus(t, id, 'cancelled', { reason: body.reason });
    await auditInTx(t, ctx, { action: 'meeting.cancel', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { reason: body.reason } });
    for (const a of await repo.attendees(t, id)) await notifyPerson(deps, t, a.person_id, `会议取消：${m.title}`, body.reason, `/m/meetings/${id}`);
  });
}

/** Materialises the expected attendees from the registry when the meeting has none yet. */
export async function ensureAttendees(t: Queryable, m: repo.MeetingRow): Promise<void> {
  if (m.attendees > 0 || m.type === 'heart_talk') return;
  const rows = await repo.expectedFromRegistry(t, { id: m.org_id, type: m.org_type }, m.type);
  await repo.insertAttendees(t, m.id, rows);
}

export async function notifyPerson(deps: Deps, t: Queryable, personId: string, title: string, body: string, link: string) {
  const accounts = await repo.accountsOfPerson(t, personId);
  for (const a of accounts) await deps.notify.notify(t, a.id, { kind: 'meeting', title, body, link });
}

async function sendNoticeInTx(deps: Deps, t: Queryable, ctx: ActorContext, id: string) {
  const m = await repo.findMeeting(t, id, manageScope(ctx), true);
  if (!m) throw notFound();
  if (m.status !== 'planned') throw new AppError('MEETING_STATE', '只能为未召开的会议发送通知');
  if (!m.starts_at) throw new AppError('VALIDATION_FAILED', '请先确定会议开始时间，再发送通知', { issues: [{ field: 'startsAt', message: '请填写开始时间' }] });
  await ensureAttendees(t, m);
  const when = new Date(m.starts_at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
  const text = `${m.org_name}定于${when}${m.location ? `在${m.location}` : ''}召开${MEETING_TYPES[m.type]}${m.topic ? `（${m.topic}）` : ''}，请准时参加；不能参加的请在手机上请假。`;
  const people = await repo.attendeePhones(t, id);
  for (const p of people) {
    await notifyPerson(deps, t, p.person_id, `会议通知：${m.title}`, text, `/m/meetings/${id}`);
    if (p.phone_enc) {
      const phone = deps.cipher.decrypt(p.phone_enc);
      await deps.notify.sendMessage(t, 'sms', phone, null, `【智慧党建】${text}`);
    }
  }
  await repo.markNoticeSent(t, id);
  await auditInTx(t, ctx, { action: 'meeting.notice', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { recipients: people.length } });
}

export async function sendMeetingNotice(deps: Deps, ctx: ActorContext, id: string, version: number) {
  await deps.db.tx(async (t) => {
    await lockForChange(t, ctx, id, version);
    await sendNoticeInTx(deps, t, ctx, id);
  });
}

/**
 * The meeting took place: status held on its date, its held count in the
 * rollups and, when the org's count for the cadence period reaches the
 * required number, one more obligation met on the org and its ancestors.
 */
export async function markHeld(t: Queryable, m: repo.MeetingRow, heldOn: string): Promise<void> {
  if (m.status === 'held') return;
  const rule = await cadenceRule(t, heldOn, m.org_path);
  await repo.setMeetingStatus(t, m.id, 'held', { heldOn, ruleVersionId: rule.id });
  await repo.addToRollup(t, m.org_path, heldOn.slice(0, 7), m.type, { held: 1 });
  const c = rule.body.types[m.type];
  if (!c || !isObligated(rule.body, m.type, { type: m.org_type, hasCommittee: await repo.hasCommittee(t, m.org_id) })) return;
  const period = periodOf(c.period, heldOn);
  await repo.lockOrgPeriod(t, m.org_id, m.type, period);
  const { from, to } = periodBounds(period);
  if ((await repo.heldCount(t, m.org_id, m.type, from, to)) === c.min) await repo.addCompliance(t, m.org_path, period, m.type);
}
