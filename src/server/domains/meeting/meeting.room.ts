import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { AppConfig } from '../../platform/config';
import type { ActorContext } from '../../platform/actor';
import type { Queryable } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { unscoped } from '../../platform/scope';
import type { IceServer, MeetingRoomInfo } from '../../../contracts/meeting';
import * as repo from './meeting.repo';
import { signInWindow } from './meeting.policy';
import { attendanceRule, ensureAttendees, findReadable, manageScope, markHeld } from './meeting.service';

// The meeting's video room (remote participation, PRODUCT M5): a WebRTC mesh
// whose signalling runs over the app's WebSocket (routes). Who may enter: the
// people on the roll, and whoever manages the meeting's organisation (to host
// or observe). Entering during the meeting's window records the attendance of
// someone on the roll — as scanning the code does; nothing counts time online
// (RULES §8). The participant limit is the rule's roomMaxParticipants: a mesh
// sends every stream to every peer, which a phone's uplink bears for a handful.

/** STUN and TURN servers for this user; a TURN shared secret gives short-lived credentials (coturn use-auth-secret). */
export function iceServersFor(config: AppConfig['webrtc'], accountId: string, now: Date): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length) servers.push({ urls: config.stunUrls });
  if (config.turnUrls.length) {
    if (config.turnSecret) {
      const username = `${Math.floor(now.getTime() / 1000) + config.turnTtlSeconds}:${accountId}`;
      const credential = crypto.createHmac('sha1', config.turnSecret).update(username).digest('base64');
      servers.push({ urls: config.turnUrls, username, credential });
    } else {
      servers.push({ urls: config.turnUrls, username: config.turnUsername, credential: config.turnCredential });
    }
  }
  return servers;
}

function fmt(d: Date) {
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
}

interface Standing {
  meeting: repo.MeetingRow;
  attendee: repo.AttendeeRow | repo.ExpectedAttendee | null;
  manager: boolean;
  max: number;
  window: { opensAt: Date; closesAt: Date } | null;
  /** why this person cannot enter now, or null */
  refusal: AppError | null;
}

async function standing(q: Queryable, deps: Deps, ctx: ActorContext, id: string): Promise<Standing> {
  const meeting = await findReadable(q, ctx, id);
  const rule = (await attendanceRule(q, meeting.planned_date)).body;
  const manager = !!(await repo.findMeeting(q, id, manageScope(ctx)));
  const personId = ctx.actor.personId;
  let attendee: Standing['attendee'] = null;
  if (personId) {
    attendee = await repo.findAttendee(q, id, personId);
    // a roll not yet drawn from the registry: who it would hold
    if (!attendee && meeting.attendees === 0 && meeting.type !== 'heart_talk') {
      attendee = (await repo.expectedFromRegistry(q, { id: meeting.org_id, type: meeting.org_type }, meeting.type)).find((a) => a.person_id === personId) ?? null;
    }
  }
  const window = signInWindow(rule, { startsAt: meeting.starts_at ? new Date(meeting.starts_at) : null, endsAt: meeting.ends_at ? new Date(meeting.ends_at) : null });
  const now = deps.clock.now();
  let refusal: AppError | null = null;
  if (meeting.status === 'cancelled') refusal = new AppError('MEETING_STATE', '会议已取消');
  else if (meeting.minutes_locked) refusal = new AppError('ROOM_CLOSED', '会议记录已确认锁定，会议室已关闭');
  else if (!attendee && !manager) refusal = new AppError('SIGNIN_NOT_EXPECTED', '您不在本次会议的参会名单中，不能进入会议室；如需参会请联系会议记录人');
  else if (!window) refusal = new AppError('ROOM_CLOSED', '会议尚未确定开始时间，会议室暂未开放');
  else if (now < window.opensAt || now > window.closesAt) refusal = new AppError('ROOM_CLOSED', `会议室开放时间为${fmt(window.opensAt)}至${fmt(window.closesAt)}`);
  return { meeting, attendee, manager, max: rule.roomMaxParticipants, window, refusal };
}

/** The room page's first question: may I enter now, who is there, which servers to use. */
export async function getMeetingRoom(deps: Deps, ctx: ActorContext, id: string, present: Array<{ name: string }>, socketPath: string): Promise<MeetingRoomInfo> {
  const s = await standing(deps.db, deps, ctx, id);
  const full = !s.refusal && present.length >= s.max && !present.some((p) => p.name === nameOf(ctx, s));
  return {
    meetingId: s.meeting.id, title: s.meeting.title, orgName: s.meeting.org_name,
    startsAt: s.meeting.starts_at, endsAt: s.meeting.ends_at,
    opensAt: s.window?.opensAt.toISOString() ?? null, closesAt: s.window?.closesAt.toISOString() ?? null,
    maxParticipants: s.max, participants: present.map((p) => ({ name: p.name })), myName: nameOf(ctx, s),
    countsAttendance: !!s.attendee,
    canJoin: !s.refusal && !full,
    reason: s.refusal ? s.refusal.message : full ? `会议室已满（最多${s.max}人），请到会场参会${s.meeting.external_url ? '，或使用外部会议链接' : ''}` : null,
    externalUrl: s.meeting.external_url,
    iceServers: s.refusal ? [] : iceServersFor(deps.config.webrtc, ctx.actor.accountId, deps.clock.now()),
    socketPath,
  };
}

function nameOf(ctx: ActorContext, s: Pick<Standing, 'attendee'>): string {
  return s.attendee?.person_name ?? ctx.actor.displayName;
}

/** Before the socket is admitted: may this person enter now (throws the refusal), under what name, and how many may be in. */
export async function roomEntry(deps: Deps, ctx: ActorContext, id: string): Promise<{ name: string; max: number; countsAttendance: boolean }> {
  const s = await standing(deps.db, deps, ctx, id);
  if (s.refusal) throw s.refusal;
  return { name: nameOf(ctx, s), max: s.max, countsAttendance: !!s.attendee };
}

/**
 * Entering the room, once admitted: someone on the roll not yet present is
 * recorded present (method 'room'; the first attendance marks the meeting
 * held). Answers when they were recorded, or null for a host or observer
 * who is not on the roll.
 */
export async function enterMeetingRoom(deps: Deps, ctx: ActorContext, id: string): Promise<{ signedAt: string | null }> {
  return deps.db.tx(async (t) => {
    const m = await repo.findMeeting(t, id, unscoped('entering a room the standing check admitted (roomEntry)'), true);
    if (!m) throw new AppError('NOT_FOUND');
    const s = await standing(t, deps, ctx, id);
    if (s.refusal) throw s.refusal;
    const personId = ctx.actor.personId;
    let signedAt: string | null = null;
    if (personId && s.attendee) {
      await ensureAttendees(t, m);
      const a = await repo.findAttendee(t, id, personId, true);
      if (a && a.attendance !== 'present') {
        const now = deps.clock.now();
        await repo.signIn(t, id, personId, 'room', now);
        await markHeld(t, m, deps.clock.today());
        signedAt = now.toISOString();
      } else if (a) signedAt = a.signed_at;
    }
    await auditInTx(t, ctx, { action: 'meeting.join_room', objectType: 'meeting', objectId: id, orgId: m.org_id, detail: { personId, recordedPresent: signedAt !== null } });
    return { signedAt };
  });
}
