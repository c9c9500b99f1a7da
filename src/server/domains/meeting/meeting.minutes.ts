import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { REVIEW_GRADES, type AddCorrectionBody, type ConfirmMeetingMinutesBody, type RecordReviewsBody, type ReviewList, type SaveMeetingMinutesBody } from '../../../contracts/meeting';
import * as repo from './meeting.repo';
import { cleanRecord } from './meeting.policy';
import { cadenceRule, ensureAttendees, findReadable, lockForChange, markHeld, personForRole } from './meeting.service';

// Minutes (会议记录): saved by the recorder while open, confirmed by the host
// and by the recorder, then locked. Confirmation moves the attendance figures
// into the rollups; after it, corrections are appended and nothing is
// overwritten. A save after one confirmation clears it (both confirm the same text).

export async function saveMeetingMinutes(deps: Deps, ctx: ActorContext, id: string, body: SaveMeetingMinutesBody) {
  await deps.db.tx(async (t) => {
    const m = await lockForChange(t, ctx, id);
    if (m.status === 'cancelled') throw new AppError('MEETING_STATE', '会议已取消，不能填写会议记录');
    const today = deps.clock.today();
    if (body.heldOn > today) throw new AppError('VALIDATION_FAILED', '会议日期不能晚于今天：会议记录只记已经召开的会议', { issues: [{ field: 'heldOn', message: '会议日期不能晚于今天' }] });
    if (m.status === 'held' && m.held_on !== body.heldOn) throw new AppError('VALIDATION_FAILED', `会议已记为 ${m.held_on} 召开，日期不能更改`, { issues: [{ field: 'heldOn', message: `会议已记为 ${m.held_on} 召开` }] });
    if (body.startsAt && body.endsAt && new Date(body.endsAt) <= new Date(body.startsAt)) throw new AppError('VALIDATION_FAILED', '结束时间须晚于开始时间', { issues: [{ field: 'endsAt', message: '结束时间须晚于开始时间' }] });
    const minutes = await repo.findMinutes(t, id, true);
    if (minutes?.locked_at) throw new AppError('MINUTES_LOCKED');
    if ((minutes?.version ?? 0) !== body.version) throw new AppError('CONFLICT', '会议记录已被他人修改，请刷新后重试');
    if (m.type === 'party_lecture' && !(body.lecturer && body.topic)) throw new AppError('VALIDATION_FAILED', '党课须填写授课人和党课主题', { issues: [{ field: body.lecturer ? 'topic' : 'lecturer', message: '党课须填写授课人和党课主题' }] });
    const host = (await personForRole(t, m.org_path, body.hostPersonId, '主持人'))!;
    const recorder = (await personForRole(t, m.org_path, body.recorderPersonId, '记录人'))!;
    await repo.updateMeeting(t, id, {
      // a field sent (even null) replaces the arrangement's value; a field left out keeps it
      title: m.title, plannedDate: m.planned_date, startsAt: body.startsAt !== undefined ? body.startsAt : m.starts_at, endsAt: body.endsAt !== undefined ? body.endsAt : m.ends_at,
      location: body.location !== undefined ? body.location : m.location, externalUrl: m.external_url, hostPersonId: host.id, hostName: host.name, recorderPersonId: recorder.id, recorderName: recorder.name,
      lecturer: body.lecturer !== undefined ? body.lecturer : m.lecturer, topic: body.topic !== undefined ? body.topic : m.topic,
    });
    await repo.upsertMinutes(t, id, { agenda: body.agenda, resolutions: body.resolutions, record: cleanRecord(body.record) }, ctx.actor.accountId);
    await ensureAttendees(t, m);
    await markHeld(t, m, body.heldOn);
    await auditInTx(t, ctx, { action: 'meeting.minutes_save', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { heldOn: body.heldOn, resolutions: body.resolutions.length } });
  });
}

/** The host or the recorder confirms; with both (or one person holding both roles) the minutes lock and the attendance enters the rollups. */
export async function confirmMeetingMinutes(deps: Deps, ctx: ActorContext, id: string, body: ConfirmMeetingMinutesBody) {
  await deps.db.tx(async (t) => {
    const m = await findReadable(t, ctx, id);
    const minutes = await repo.findMinutes(t, id, true);
    if (!minutes) throw new AppError('MEETING_STATE', '会议记录尚未填写');
    if (minutes.locked_at) throw new AppError('MINUTES_LOCKED');
    if (minutes.version !== body.version) throw new AppError('CONFLICT', '会议记录已被修改，请刷新后核对再确认');
    const me = ctx.actor.personId;
    const personOf = body.as === 'host' ? m.host_person_id : m.recorder_person_id;
    if (!me || me !== personOf) throw new AppError('MINUTES_CONFIRMER', body.as === 'host' ? '只有本次会议的主持人本人可以确认' : '只有本次会议的记录人本人可以确认');
    const hostDone = body.as === 'host' || !!minutes.host_confirmed_at || m.host_person_id === m.recorder_person_id;
    const recorderDone = body.as === 'recorder' || !!minutes.recorder_confirmed_at || m.host_person_id === m.recorder_person_id;
    const lock = hostDone && recorderDone;
    const now = deps.clock.now();
    await repo.confirmMinutes(t, id, body.as, ctx.actor.accountId, now, lock);
    if (lock && m.host_person_id === m.recorder_person_id) await repo.confirmMinutes(t, id, body.as === 'host' ? 'recorder' : 'host', ctx.actor.accountId, now, true);
    if (lock) {
      const att = await repo.attendees(t, id);
      const onLeave = att.filter((a) => a.leave_status === 'approved' && a.attendance !== 'present').length;
      await repo.addToRollup(t, m.org_path, m.held_on!.slice(0, 7), m.type, { expected: att.length - onLeave, present: att.filter((a) => a.attendance === 'present').length, onLeave, minutesDone: 1 });
    }
    await auditInTx(t, ctx, { action: lock ? 'meeting.minutes_lock' : 'meeting.minutes_confirm', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { as: body.as } });
  });
}

export async function addMeetingCorrection(deps: Deps, ctx: ActorContext, id: string, body: AddCorrectionBody) {
  await deps.db.tx(async (t) => {
    const m = await lockForChange(t, ctx, id);
    const minutes = await repo.findMinutes(t, id);
    if (!minutes?.locked_at) throw new AppError('MEETING_STATE', '会议记录尚未锁定，请直接修改会议记录');
    await repo.insertCorrection(t, id, body.body, ctx.actor.accountId, ctx.actor.displayName);
    await auditInTx(t, ctx, { action: 'meeting.correction', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { length: body.body.length } });
  });
}

/** 民主评议党员: the grades of a review meeting's members for its year. */
export async function getMeetingReviews(deps: Deps, ctx: ActorContext, id: string): Promise<ReviewList> {
  const m = await findReadable(deps.db, ctx, id);
  if (m.type !== 'democratic_review') throw new AppError('MEETING_RULE', '只有民主评议党员会议记录评议结果');
  const year = Number((m.held_on ?? m.planned_date).slice(0, 4));
  const [att, grades, rule] = await Promise.all([repo.attendees(deps.db, id), repo.reviewsOf(deps.db, m.org_id, year), cadenceRule(deps.db, m.held_on ?? m.planned_date, m.org_path)]);
  const byPerson = new Map(grades.map((g) => [g.person_id, g]));
  return {
    year,
    items: att.filter((a) => a.kind !== 'visitor').map((a) => ({ personId: a.person_id, name: a.person_name, grade: (byPerson.get(a.person_id)?.grade as keyof typeof REVIEW_GRADES | undefined) ?? null, note: byPerson.get(a.person_id)?.note ?? null })),
    excellentShareCap: rule.body.excellentShareCap,
  };
}

export async function recordMeetingReviews(deps: Deps, ctx: ActorContext, id: string, body: RecordReviewsBody) {
  await deps.db.tx(async (t) => {
    const m = await lockForChange(t, ctx, id);
    if (m.type !== 'democratic_review') throw new AppError('MEETING_RULE', '只有民主评议党员会议记录评议结果');
    if (m.status !== 'held') throw new AppError('MEETING_STATE', '评议结果在会议召开后登记');
    const att = new Set((await repo.attendees(t, id)).filter((a) => a.kind !== 'visitor').map((a) => a.person_id));
    if (body.grades.some((g) => !att.has(g.personId))) throw new AppError('VALIDATION_FAILED', '评议对象须为本次会议名单中的本支部党员', { issues: [{ field: 'grades', message: '评议对象须为本支部党员' }] });
    const year = Number(m.held_on!.slice(0, 4));
    const rule = await cadenceRule(t, m.held_on!, m.org_path);
    const cap = rule.body.excellentShareCap;
    if (cap !== null) {
      const excellent = body.grades.filter((g) => g.grade === 'excellent').length;
      if (excellent > Math.floor(att.size * cap)) throw new AppError('MEETING_RULE', `评为优秀的党员不超过参评人数的${Math.round(cap * 100)}%（${rule.source}）`);
    }
    await repo.upsertReviews(t, m.org_id, id, year, body.grades.map((g) => ({ personId: g.personId, grade: g.grade, note: g.note ?? null })), ctx.actor.accountId);
    await auditInTx(t, ctx, { action: 'meeting.reviews', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { year, count: body.grades.length } });
  });
}
