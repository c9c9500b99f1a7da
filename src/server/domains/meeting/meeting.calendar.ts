import ical from 'ical-generator';
import type { Deps } from '../../deps';
import type { ActorContext, RequestContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { audit } from '../../platform/audit';
import { randomToken, sha256 } from '../../platform/crypto';
import { addDays } from '../../platform/dates';
import { MEETING_TYPES, type CalendarFeed, type MyMeetings } from '../../../contracts/meeting';
import * as repo from './meeting.repo';
import { listItem } from './meeting.service';

// The iCalendar feed (RFC 5545) of a member's meetings: a secret URL the
// phone's calendar subscribes to. The token is the credential (only its hash
// finds the account; the owner sees it again from an encrypted copy); a new
// one replaces the old, and revoking removes it. Times are written in UTC
// (DTSTART:…Z), which every calendar shows in its own time zone; a meeting
// without a start time is an all-day event on its date.

const feedPath = (token: string) => `/api/v1/calendar/${token}.ics`;

export async function getCalendarFeed(deps: Deps, ctx: ActorContext): Promise<CalendarFeed> {
  const f = await repo.feedOf(deps.db, ctx.actor.accountId);
  return f ? { active: true, url: feedPath(deps.cipher.decrypt(f.token_enc)) } : { active: false, url: null };
}

export async function createCalendarFeed(deps: Deps, ctx: ActorContext): Promise<CalendarFeed> {
  if (!ctx.actor.personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案，没有可订阅的会议');
  const token = randomToken(24);
  await deps.db.tx(async (t) => {
    await repo.setFeed(t, ctx.actor.accountId, sha256(token), deps.cipher.encrypt(token));
  });
  await audit(deps.db, ctx, { action: 'meeting.calendar_feed', objectType: 'account', objectId: ctx.actor.accountId, orgId: null, detail: { rotated: true } });
  return { active: true, url: feedPath(token) };
}

export async function revokeCalendarFeed(deps: Deps, ctx: ActorContext) {
  await repo.removeFeed(deps.db, ctx.actor.accountId);
  await audit(deps.db, ctx, { action: 'meeting.calendar_feed_revoke', objectType: 'account', objectId: ctx.actor.accountId, orgId: null, detail: {} });
}

/** The feed itself: the meetings the member is expected at, 90 days back to a year ahead. */
export async function calendarIcs(deps: Deps, _ctx: RequestContext, token: string): Promise<string> {
  const owner = await repo.accountOfFeed(deps.db, sha256(token));
  if (!owner || owner.is_disabled || !owner.person_id) throw notFound();
  const today = deps.clock.today();
  const from = addDays(today, -90);
  const to = addDays(today, 365);
  const [mine, orgs] = await Promise.all([repo.meetingsOfPerson(deps.db, owner.person_id, from, to, 1000), repo.personOrgs(deps.db, owner.person_id)]);
  const planned = await repo.plannedForOrgs(deps.db, orgs.map((o) => o.org_id), today, to);
  const cal = ical({ name: '组织生活', prodId: { company: 'dangjian-cloud', product: 'meetings', language: 'ZH' }, ttl: 3600 });
  const stamp = deps.clock.now();
  for (const m of [...mine, ...planned]) {
    const summary = `${MEETING_TYPES[m.type]}：${m.title}`;
    const description = [m.org_name, m.topic ? `主题：${m.topic}` : null, m.status === 'cancelled' ? `已取消：${m.cancelled_reason ?? ''}` : null].filter(Boolean).join('\n');
    const common = { id: `${m.id}@dangjian-cloud`, summary, description, location: m.location ?? undefined, url: m.external_url ?? undefined, stamp, sequence: m.version };
    if (m.starts_at) cal.createEvent({ ...common, start: new Date(m.starts_at), end: m.ends_at ? new Date(m.ends_at) : new Date(new Date(m.starts_at).getTime() + 2 * 3600_000) });
    else cal.createEvent({ ...common, start: new Date(`${m.planned_date}T12:00:00Z`), allDay: true });
  }
  return cal.toString();
}

/** The member's phone page: upcoming meetings (with the own org's planned ones) and the past year's. */
export async function myMeetings(deps: Deps, ctx: ActorContext): Promise<MyMeetings> {
  if (!ctx.actor.personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案，请联系支部书记');
  const today = deps.clock.today();
  const [rows, orgs, feed] = await Promise.all([
    repo.meetingsOfPerson(deps.db, ctx.actor.personId, addDays(today, -365), addDays(today, 90), 500),
    repo.personOrgs(deps.db, ctx.actor.personId),
    repo.feedOf(deps.db, ctx.actor.accountId),
  ]);
  const planned = await repo.plannedForOrgs(deps.db, orgs.map((o) => o.org_id), today, addDays(today, 90));
  const item = (r: repo.MeetingRow, attendance: 'expected' | 'present' | 'absent', leave: 'requested' | 'approved' | 'rejected' | null) => ({ ...listItem(r), attendance, leaveStatus: leave });
  const all = [...rows.map((r) => item(r, r.my_attendance, r.my_leave)), ...planned.map((r) => item(r, 'expected', null))];
  const isUpcoming = (m: { status: string; plannedDate: string }) => m.status === 'planned' && m.plannedDate >= today;
  return {
    upcoming: all.filter(isUpcoming).sort((a, b) => (a.plannedDate < b.plannedDate ? -1 : a.plannedDate > b.plannedDate ? 1 : 0)),
    past: all.filter((m) => !isUpcoming(m)).sort((a, b) => ((a.heldOn ?? a.plannedDate) > (b.heldOn ?? b.plannedDate) ? -1 : 1)),
    calendarFeed: !!feed,
  };
}
