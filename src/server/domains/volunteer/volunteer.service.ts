import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { isUniqueViolation, type Queryable } from '../../platform/db';
import { orgInScope, unscoped } from '../../platform/scope';
import { ruleInForce } from '../../platform/rules';
import type {
  AttestHoursBody, CancelVolunteerActivityBody, CreateVolunteerActivityBody, ListVolunteerActivitiesQuery, MyVolunteer, OpenActivityView, VolunteerActivityDetail,
  VolunteerActivityPage, VolunteerActivityView, VolunteerSkill,
} from '../../../contracts/volunteer';
import { awardFacts, type PointFact, type PointSource } from '../points';
import * as repo from './volunteer.repo';

// Volunteer service (志愿服务, issue 17, docs/DECISIONS.md "Volunteer
// service"): the organiser publishes an activity; members and residents in
// its audience sign up (a place taken by one conditional UPDATE, so the last
// place goes to one volunteer); after the service the organiser attests each
// one's check-in and check-out, within the activity's time and capped by the
// rule volunteer.service; a member's whole hours become points through the
// ledger, once per hour (PointSource volunteer.service).

/** The rule `volunteer.service` (migration 0041). */
export interface ServiceRule {
  maxHoursPerActivity: number;
}

const readScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'volunteer.read');
const manageScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'volunteer.manage');
const hoursOf = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function activityView(r: repo.ActivityRow): VolunteerActivityView {
  return {
    id: r.id, orgId: r.org_id, orgName: r.org_name, audienceOrgId: r.audience_org_id, audienceOrgName: r.audience_org_name, title: r.title, description: r.description, place: r.place,
    startsAt: iso(r.starts_at)!, endsAt: iso(r.ends_at)!, capacity: r.capacity, signedUp: r.signed_up, attested: r.attested, attestedHours: hoursOf(r.attested_minutes),
    skills: r.skills as VolunteerSkill[], status: r.status, cancelReason: r.cancel_reason, version: r.version,
  };
}

function openView(r: repo.OpenRow): OpenActivityView {
  const { attested: _a, attestedHours: _h, version: _v, audienceOrgId: _ai, audienceOrgName: _an, ...rest } = activityView(r);
  return { ...rest, mySignup: r.my_signup_id ? { id: r.my_signup_id, status: r.my_status!, hours: r.my_minutes === null ? null : hoursOf(r.my_minutes) } : null };
}

export async function createVolunteerActivity(deps: Deps, ctx: ActorContext, body: CreateVolunteerActivityBody): Promise<string> {
  const now = deps.clock.now();
  if (Date.parse(body.endsAt) <= now.getTime()) throw new AppError('VALIDATION_FAILED', '活动结束时间已过，不能发布', { issues: [{ field: 'endsAt', message: '活动结束时间已过，不能发布' }] });
  return deps.db.tx(async (t) => {
    const org = await repo.orgOf(t, body.orgId, manageScope(ctx));
    if (!org) throw notFound();
    if (org.dissolved_on) throw new AppError('ORG_DISSOLVED');
    let audience = org;
    if (body.audienceOrgId && body.audienceOrgId !== org.id) {
      const a = await repo.orgOf(t, body.audienceOrgId, manageScope(ctx));
      if (!a) throw new AppError('VALIDATION_FAILED', '报名范围须是您管理的组织', { issues: [{ field: 'audienceOrgId', message: '报名范围须是您管理的组织' }] });
      audience = a;
    }
    const id = await repo.insertActivity(t, {
      orgId: org.id, audienceOrgId: audience.id, title: body.title, description: body.description, place: body.place, startsAt: body.startsAt, endsAt: body.endsAt, capacity: body.capacity,
      skills: [...new Set(body.skills)], regionKey: org.region_key, createdBy: ctx.actor.accountId,
    });
    await auditInTx(t, ctx, { action: 'volunteer.create', objectType: 'volunteer_activity', objectId: id, orgId: org.id, detail: { title: body.title, capacity: body.capacity } });
    return id;
  });
}

export async function listVolunteerActivities(deps: Deps, ctx: ActorContext, query: ListVolunteerActivitiesQuery): Promise<VolunteerActivityPage> {
  let orgPath: string | undefined;
  if (query.orgId) {
    const org = await repo.orgOf(deps.db, query.orgId, readScope(ctx));
    if (!org) throw notFound();
    orgPath = org.path;
  }
  const { rows, total } = await repo.listActivities(deps.db, readScope(ctx), { orgPath, status: query.status, when: query.when, now: deps.clock.now() }, query.page, query.pageSize);
  return { items: rows.map(activityView), total, page: query.page, pageSize: query.pageSize };
}

export async function getVolunteerActivity(deps: Deps, ctx: ActorContext, id: string): Promise<VolunteerActivityDetail> {
  const a = await repo.findActivity(deps.db, id, readScope(ctx));
  // a club's activity is the club's (社团): seen in the club's pages, never attested as volunteer service
  if (!a || a.club_id) throw notFound();
  const [signups, rule] = await Promise.all([repo.signupsOf(deps.db, id), ruleInForce<ServiceRule>(deps.db, 'volunteer', 'service', deps.clock.today(), a.org_path)]);
  return {
    activity: activityView(a),
    maxHoursPerActivity: rule.body.maxHoursPerActivity,
    signups: signups.map((s) => ({
      id: s.id, name: s.name, kind: s.person_id ? ('member' as const) : ('resident' as const), orgName: s.org_name, status: s.status, checkInAt: iso(s.check_in_at), checkOutAt: iso(s.check_out_at),
      hours: s.minutes === null ? null : hoursOf(s.minutes), signedUpAt: iso(s.created_at)!, arrivedAt: iso(s.arrived_at),
    })),
  };
}

export async function cancelVolunteerActivity(deps: Deps, ctx: ActorContext, id: string, body: CancelVolunteerActivityBody): Promise<VolunteerActivityView> {
  await deps.db.tx(async (t) => {
    const a = await repo.findActivity(t, id, manageScope(ctx), true);
    if (!a || a.club_id) throw notFound();
    if (a.status !== 'open' || a.attested > 0) throw new AppError('VOLUNTEER_STATE', a.attested > 0 ? '该活动已认定服务时长，不能取消' : '该活动已取消');
    await repo.cancelActivity(t, id, body.reason);
    for (const s of await repo.signedUpAccounts(t, id)) {
      await deps.notify.notify(t, s.account_id, { kind: 'volunteer', title: `志愿服务活动「${a.title}」已取消`, body: `取消原因：${body.reason}`, link: '/m/volunteer' });
    }
    await auditInTx(t, ctx, { action: 'volunteer.cancel', objectType: 'volunteer_activity', objectId: id, orgId: a.org_id, detail: { reason: body.reason } });
  });
  return (await getVolunteerActivity(deps, ctx, id)).activity;
}

/** The organiser attests one volunteer's check-in and check-out (or absence); a member's whole hours become points. */
export async function attestVolunteerHours(deps: Deps, ctx: ActorContext, activityId: string, body: AttestHoursBody): Promise<VolunteerActivityDetail> {
  const now = deps.clock.now();
  const facts = await deps.db.tx(async (t) => {
    const a = await repo.findActivity(t, activityId, manageScope(ctx), true);
    if (!a || a.club_id) throw notFound();
    const s = await repo.findSignup(t, body.signupId, true);
    if (!s || s.activity_id !== activityId) throw notFound();
    if (a.status !== 'open' || s.status !== 'signed_up') throw new AppError('VOLUNTEER_STATE');
    if (body.absent) {
      await repo.markAbsent(t, s.id, ctx.actor.accountId);
      await auditInTx(t, ctx, { action: 'volunteer.absent', objectType: 'volunteer_activity', objectId: activityId, orgId: a.org_id, detail: { name: s.name } });
      return [];
    }
    const [start, end, inAt, outAt] = [new Date(a.starts_at).getTime(), new Date(a.ends_at).getTime(), Date.parse(body.checkInAt), Date.parse(body.checkOutAt)];
    if (inAt < start || outAt > end || outAt <= inAt || outAt > now.getTime()) throw new AppError('VOLUNTEER_HOURS_OUTSIDE');
    const rule = (await ruleInForce<ServiceRule>(t, 'volunteer', 'service', deps.clock.today(), a.org_path)).body;
    const minutes = Math.min(Math.floor((outAt - inAt) / 60_000), rule.maxHoursPerActivity * 60);
    await repo.attestSignup(t, { signupId: s.id, activityId, checkInAt: body.checkInAt, checkOutAt: body.checkOutAt, minutes, by: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'volunteer.attest', objectType: 'volunteer_activity', objectId: activityId, orgId: a.org_id, detail: { name: s.name, minutes } });
    return s.person_id ? await factsOfSignups(t, [s.id]) : [];
  });
  // the points follow at once (the daily job would find them too: one award per hour, whoever comes first)
  if (facts.length) await awardFacts(deps, facts);
  return getVolunteerActivity(deps, ctx, activityId);
}

// --- the volunteer

async function me(deps: Deps, ctx: ActorContext, q: Queryable = deps.db) {
  const v = await repo.volunteerOf(q, ctx.actor.accountId, ctx.actor.personId);
  if (!v) throw notFound();
  return v;
}

export async function getMyVolunteer(deps: Deps, ctx: ActorContext): Promise<MyVolunteer> {
  const v = await me(deps, ctx);
  const now = deps.clock.now();
  const [upcoming, mine, minutes] = await Promise.all([repo.upcomingFor(deps.db, v, now, 50), repo.placesOf(deps.db, v, 100), repo.minutesOf(deps.db, v, Number(deps.clock.today().slice(0, 4)))]);
  return { upcoming: upcoming.map(openView), mine: mine.map(openView), hoursThisYear: hoursOf(minutes.year), hoursTotal: hoursOf(minutes.total) };
}

export async function signUpActivity(deps: Deps, ctx: ActorContext, activityId: string): Promise<MyVolunteer> {
  const now = deps.clock.now();
  await deps.db.tx(async (t) => {
    const v = await me(deps, ctx, t);
    const a = await repo.activityFor(t, v, activityId);
    if (!a) throw notFound();
    if (await repo.liveSignupOf(t, activityId, v)) throw new AppError('VOLUNTEER_ALREADY_SIGNED_UP');
    try {
      await repo.insertSignup(t, { activityId, volunteer: v });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('VOLUNTEER_ALREADY_SIGNED_UP');
      throw e;
    }
    // the activity's row last: the one statement that checks and takes the place
    if (!(await repo.takePlace(t, activityId, now))) {
      throw a.status !== 'open' || new Date(a.starts_at).getTime() <= now.getTime() ? new AppError('VOLUNTEER_CLOSED') : new AppError('VOLUNTEER_FULL');
    }
    await auditInTx(t, ctx, { action: 'volunteer.sign_up', objectType: 'volunteer_activity', objectId: activityId, orgId: a.org_id, detail: { name: v.name } });
  });
  return getMyVolunteer(deps, ctx);
}

export async function withdrawSignup(deps: Deps, ctx: ActorContext, signupId: string): Promise<MyVolunteer> {
  const now = deps.clock.now();
  await deps.db.tx(async (t) => {
    const v = await me(deps, ctx, t);
    const s = await repo.findSignup(t, signupId, true);
    if (!s || (v.personId ? s.person_id !== v.personId : s.resident_id !== v.residentId)) throw notFound();
    if (s.status !== 'signed_up') throw new AppError('VOLUNTEER_STATE');
    const a = await repo.findActivity(t, s.activity_id, unscoped('the volunteer withdraws their own place: the sign-up is theirs'), true);
    if (!a || a.status !== 'open' || new Date(a.starts_at).getTime() <= now.getTime()) throw new AppError('VOLUNTEER_CLOSED');
    await repo.withdrawSignup(t, signupId, s.activity_id);
    await auditInTx(t, ctx, { action: 'volunteer.withdraw', objectType: 'volunteer_activity', objectId: s.activity_id, orgId: a.org_id, detail: { name: s.name } });
  });
  return getMyVolunteer(deps, ctx);
}

// --- points

async function factsOfSignups(q: Queryable, ids: string[]): Promise<PointFact[]> {
  return (await repo.memberAttestationsByIds(q, ids)).flatMap(toFacts);
}

function toFacts(r: { id: string; person_id: string; org_id: string; org_path: string; minutes: number; day: string }): PointFact[] {
  return Array.from({ length: Math.floor(r.minutes / 60) }, (_, k) => ({
    personId: r.person_id, orgId: r.org_id, orgPath: r.org_path, item: 'volunteer.service' as const, sourceType: 'volunteer_hour', sourceId: `${r.id}:${k + 1}`, factDate: r.day,
  }));
}

/** Points for attested volunteer service: one fact per whole hour of a member's attestation, dated its check-out day. */
export const volunteerPointSource: PointSource = {
  name: 'volunteer.service',
  async facts(q, from, to) {
    return (await repo.memberAttestations(q, from, to)).flatMap(toFacts);
  },
};

// --- counters

export async function verifyVolunteer(q: Queryable) {
  return { counterDifferences: await repo.counterDifferences(q) };
}

/** Recomputes the activities' counters from their sign-ups; the number of activities corrected. */
export async function rebuildVolunteerCounters(q: Queryable): Promise<number> {
  return repo.rebuildCounters(q);
}
