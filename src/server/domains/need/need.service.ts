import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import type { Queryable } from '../../platform/db';
import { orgInScope, unscoped } from '../../platform/scope';
import { ruleInForce } from '../../platform/rules';
import { accountsCovering } from '../../platform/notify';
import {
  AVAILABILITY_SLOTS, NEED_CATEGORIES, type AvailabilitySlot, type CancelNeedBody, type CompleteNeedBody, type ListNeedsQuery, type MatchNeedBody, type MyNeeds, type MyServableNeeds,
  type NeedAdminView, type NeedCandidate, type NeedCategory, type NeedDetail, type NeedPage, type NeedView, type PublishNeedBody, type RateNeedBody, type SaveVolunteerProfileBody,
  type ServableNeedView, type VolunteerProfileView,
} from '../../../contracts/need';
import type { VolunteerSkill } from '../../../contracts/volunteer';
import { findCommunity, gridOfCommunity, residentOfAccount } from '../resident';
import { volunteerOf } from '../volunteer';
import * as repo from './need.repo';

// Needs (群众需求 / 微心愿, issue 17, docs/DECISIONS.md "Needs"): 点单 — a
// resident publishes a need in their community; 派单 — the platform ranks the
// volunteers who said they take needs (接单意愿) by skill, distance between
// grids, availability and recent load (rule need.matching) and pushes it to the
// best few, in-app and by SMS, and the community's staff can push it to others;
// 接单 — one volunteer claims it (one conditional UPDATE: of two at once, one
// wins); 办结 — they complete it with a note; 评单 — the resident rates it.
// A need nobody claimed within the rule's hours is escalated to the community.

const readScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'volunteer.read');
const manageScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'volunteer.manage');
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
/** The staff who hear of an escalated need: the community's secretaries and party workers, and the committee above. */
const ESCALATION_ROLES = ['secretary', 'party_worker', 'org_admin'] as const;

export function matchRule(q: Queryable, today: string, path: string | null) {
  return ruleInForce<repo.MatchRule>(q, 'need', 'matching', today, path).then((r) => r.body);
}

/**
 * The availability slots a time window touches, in Beijing time: a working
 * day's 8:00–18:00 (weekday_day) and 18:00–22:00 (weekday_evening), Saturday
 * and Sunday 8:00–22:00 (weekend). Calendar weekdays, not the work calendar: a
 * volunteer says when they are usually free.
 */
export function slotsOf(from: string, to: string): AvailabilitySlot[] {
  const out = new Set<AvailabilitySlot>();
  const start = Date.parse(from);
  const end = Math.min(Date.parse(to), start + 14 * 86_400_000);
  for (let t = start; t < end && out.size < 3; t += 30 * 60_000) {
    const bj = new Date(t + 8 * 3_600_000);
    const [day, hour] = [bj.getUTCDay(), bj.getUTCHours()];
    if (hour < 8 || hour >= 22) continue;
    if (day === 0 || day === 6) out.add('weekend');
    else out.add(hour < 18 ? 'weekday_day' : 'weekday_evening');
  }
  return (Object.keys(AVAILABILITY_SLOTS) as AvailabilitySlot[]).filter((s) => out.has(s));
}

function needView(r: repo.NeedRow): NeedView {
  return {
    id: r.id, category: r.category as NeedCategory, title: r.title, detail: r.detail, place: r.place, windowFrom: iso(r.window_from)!, windowTo: iso(r.window_to)!,
    communityOrgId: r.community_org_id, communityName: r.community_name, gridName: r.grid_name, status: r.status, publishedAt: iso(r.created_at)!, escalatedAt: iso(r.escalated_at),
    claimedAt: iso(r.claimed_at), completedAt: iso(r.completed_at), completionNote: r.completion_note, rating: r.rating, ratingComment: r.rating_comment, cancelReason: r.cancel_reason,
    volunteerName: r.volunteer_name, version: r.version,
  };
}

const adminView = (r: repo.NeedRow): NeedAdminView => ({ ...needView(r), publisherName: r.publisher_name, pushes: r.pushes });

function profileView(p: repo.ProfileRow): VolunteerProfileView {
  return {
    id: p.id, communityOrgId: p.community_org_id, communityName: p.community_name, gridId: p.grid_id, gridName: p.grid_name, skills: p.skills as VolunteerSkill[],
    availability: p.availability as AvailabilitySlot[], accepting: p.accepting, claimed: p.claimed, completed: p.completed,
    averageRating: p.rating_count ? Math.round((p.rating_sum / p.rating_count) * 10) / 10 : null, version: p.version,
  };
}

function candidateView(c: repo.CandidateRow): NeedCandidate {
  return {
    profileId: c.profile_id, name: c.name, kind: c.kind, orgName: c.org_name, skills: c.skills as VolunteerSkill[], distanceKm: c.distance_km === null ? null : Number(c.distance_km),
    skillMatch: c.skill_match, availabilityMatch: c.availability_match, recentLoad: c.recent_load, score: Number(c.score), pushedAt: iso(c.pushed_at),
  };
}

/** Where a volunteer or a need is: the grid's centre (when it is one of the community's), else the community's point. */
async function placeIn(q: Queryable, communityId: string, gridId: string | null | undefined, field: string) {
  const community = await findCommunity(q, communityId);
  if (!community) throw new AppError('VALIDATION_FAILED', '请选择所在的村（社区）', { issues: [{ field: 'communityOrgId', message: '请选择所在的村（社区）' }] });
  const org = await repo.orgPoint(q, community.id);
  if (!gridId) return { community, gridId: null, lng: org.lng, lat: org.lat, regionKey: org.region_key };
  const grid = await gridOfCommunity(q, gridId, community.path);
  if (!grid) throw new AppError('VALIDATION_FAILED', '所选网格不属于该村（社区）', { issues: [{ field, message: '所选网格不属于该村（社区）' }] });
  return { community, gridId: grid.id, lng: grid.lng, lat: grid.lat, regionKey: org.region_key };
}

// --- the resident: 点单 and 评单

async function myResident(deps: Deps, ctx: ActorContext, q: Queryable = deps.db) {
  const r = await residentOfAccount(q, ctx.actor.accountId);
  if (!r) throw notFound();
  return r;
}

export async function publishNeed(deps: Deps, ctx: ActorContext, body: PublishNeedBody): Promise<string> {
  const now = deps.clock.now();
  if (Date.parse(body.windowTo) <= now.getTime()) throw new AppError('NEED_WINDOW_PAST');
  const id = await deps.db.tx(async (t) => {
    const r = await myResident(deps, ctx, t);
    const where = await placeIn(t, r.community_org_id, r.grid_id, 'gridId');
    const id = await repo.insertNeed(t, {
      residentId: r.id, communityId: where.community.id, gridId: where.gridId, lng: where.lng, lat: where.lat, category: body.category, title: body.title, detail: body.detail,
      place: body.place, windowFrom: body.windowFrom, windowTo: body.windowTo, skills: [...NEED_CATEGORIES[body.category].skills], slots: slotsOf(body.windowFrom, body.windowTo), regionKey: where.regionKey,
      at: now.toISOString(),
    });
    await auditInTx(t, ctx, { action: 'need.publish', objectType: 'need', objectId: id, orgId: where.community.id, detail: { title: body.title, category: NEED_CATEGORIES[body.category].label } });
    // 派单: the best few at once, in the same transaction as the need
    await pushTo(deps, t, ctx, (await repo.findNeed(t, id, unscoped('the need the caller has just published')))!, null);
    return id;
  });
  return id;
}

export async function listMyNeeds(deps: Deps, ctx: ActorContext): Promise<MyNeeds> {
  const r = await myResident(deps, ctx);
  return { items: (await repo.needsOfResident(deps.db, r.id, 100)).map(needView) };
}

const mine = unscoped('the resident acts on their own need: the statement checks that the need is theirs');

export async function cancelMyNeed(deps: Deps, ctx: ActorContext, id: string, body: CancelNeedBody): Promise<NeedView> {
  return deps.db.tx(async (t) => {
    const r = await myResident(deps, ctx, t);
    const n = await repo.findNeed(t, id, mine, true);
    if (!n || n.resident_id !== r.id) throw notFound();
    if (!(await repo.cancel(t, id, r.id, body.reason, deps.clock.now().toISOString()))) throw new AppError('NEED_STATE', '该需求已有志愿者接单，不能撤回；如有变化请与志愿者联系');
    await auditInTx(t, ctx, { action: 'need.cancel', objectType: 'need', objectId: id, orgId: n.community_org_id, detail: { reason: body.reason } });
    return needView((await repo.findNeed(t, id, mine))!);
  });
}

export async function rateNeed(deps: Deps, ctx: ActorContext, id: string, body: RateNeedBody): Promise<NeedView> {
  return deps.db.tx(async (t) => {
    const r = await myResident(deps, ctx, t);
    const n = await repo.findNeed(t, id, mine, true);
    if (!n || n.resident_id !== r.id) throw notFound();
    if (!(await repo.rate(t, id, r.id, body.rating, body.comment, deps.clock.now().toISOString()))) throw new AppError('NEED_STATE', n.status === 'rated' ? '该需求已评价过' : '志愿者办结后才能评价');
    await auditInTx(t, ctx, { action: 'need.rate', objectType: 'need', objectId: id, orgId: n.community_org_id, detail: { rating: body.rating } });
    if (n.claimed_by) {
      for (const a of await repo.reachOf(t, n.claimed_by)) {
        if (a.account_id) await deps.notify.notify(t, a.account_id, { kind: 'need', title: `群众对「${n.title}」的评价：${body.rating}星`, body: body.comment, link: '/m/serve' });
      }
    }
    return needView((await repo.findNeed(t, id, mine))!);
  });
}

// --- 派单

/**
 * Pushes a need to volunteers: the ones named (by the staff), or the best
 * `pushTopN` not yet pushed. In-app to each account, SMS to the phone on file.
 * Returns how many were newly pushed.
 */
async function pushTo(deps: Deps, t: Queryable, ctx: ActorContext, n: repo.NeedRow, named: string[] | null): Promise<number> {
  const needId = n.id;
  const rule = await matchRule(t, deps.clock.today(), n.community_path);
  const ranked = await repo.rankCandidates(t, needOf(n), rule, deps.clock.now(), named ? named.length : rule.pushTopN + 50, named ?? undefined);
  if (named && ranked.length !== new Set(named).size) throw new AppError('VALIDATION_FAILED', '所选志愿者中有人已不再接单', { issues: [{ field: 'profileIds', message: '所选志愿者中有人已不再接单' }] });
  const targets = named ? ranked : ranked.filter((c) => !c.pushed_at).slice(0, rule.pushTopN);
  const when = new Date(n.window_from).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
  const text = `${n.community_name}有群众需求「${n.title}」（${NEED_CATEGORIES[n.category as NeedCategory].label}，${n.place}，${when}起），请打开手机端「身边需求」查看并接单。`;
  let pushed = 0;
  for (const c of targets) {
    if (!(await repo.insertPush(t, { needId, profileId: c.profile_id, rank: n.pushes + pushed + 1, score: Number(c.score), distanceKm: c.distance_km, by: named ? ctx.actor.accountId : null, at: deps.clock.now().toISOString() }))) continue;
    pushed++;
    const reach = await repo.reachOf(t, c.profile_id);
    for (const a of reach) if (a.account_id) await deps.notify.notify(t, a.account_id, { kind: 'need', title: `身边需求：${n.title}`, body: text, link: '/m/serve' });
    const phone = reach.find((a) => a.phone_enc)?.phone_enc;
    if (phone) await deps.notify.sendMessage(t, 'sms', deps.cipher.decrypt(phone), null, `【智慧党建】${text}`);
  }
  if (pushed) await auditInTx(t, ctx, { action: 'need.push', objectType: 'need', objectId: needId, orgId: n.community_org_id, detail: { count: pushed } });
  return pushed;
}

/** The matching as a push runs it (the need, its rule, the ranking over every accepting volunteer): for the benchmark. */
export async function matchCandidates(deps: Deps, needId: string) {
  const n = await repo.findNeed(deps.db, needId, unscoped('the benchmark times the matching of any need'));
  if (!n) throw notFound();
  const rule = await matchRule(deps.db, deps.clock.today(), n.community_path);
  return repo.rankCandidates(deps.db, needOf(n), rule, deps.clock.now(), rule.pushTopN + 50);
}

const needOf = (n: repo.NeedRow) => ({ id: n.id, residentId: n.resident_id, communityId: n.community_org_id, lng: n.lng, lat: n.lat, skills: n.skills, slots: n.slots });

// --- the community's staff

export async function listNeeds(deps: Deps, ctx: ActorContext, query: ListNeedsQuery): Promise<NeedPage> {
  let orgPath: string | undefined;
  if (query.orgId) {
    const org = await repo.orgOf(deps.db, query.orgId, readScope(ctx));
    if (!org) throw notFound();
    orgPath = org.path;
  }
  const escalated = query.escalated === undefined ? undefined : query.escalated === 'true';
  const { rows, total } = await repo.listNeeds(deps.db, readScope(ctx), { orgPath, status: query.status, escalated }, query.page, query.pageSize);
  return { items: rows.map(adminView), total, page: query.page, pageSize: query.pageSize };
}

const CANDIDATES_SHOWN = 20;

export async function getNeed(deps: Deps, ctx: ActorContext, id: string, q: Queryable = deps.db): Promise<NeedDetail> {
  const n = await repo.findNeed(q, id, readScope(ctx));
  if (!n) throw notFound();
  const rule = await matchRule(q, deps.clock.today(), n.community_path);
  const pushedIds = (await repo.pushedIds(q, id)).map((r) => r.profile_id);
  const [candidates, pushed] = await Promise.all([
    n.status === 'open' ? repo.rankCandidates(q, needOf(n), rule, deps.clock.now(), CANDIDATES_SHOWN) : Promise.resolve([]),
    pushedIds.length ? repo.rankCandidates(q, needOf(n), rule, deps.clock.now(), pushedIds.length, pushedIds) : Promise.resolve([]),
  ]);
  const order = new Map(pushedIds.map((p, i) => [p, i]));
  return { need: adminView(n), candidates: candidates.map(candidateView), pushed: pushed.sort((a, b) => order.get(a.profile_id)! - order.get(b.profile_id)!).map(candidateView) };
}

/** 派单 by the community: to the volunteers named, or to the best few not yet pushed. */
export async function matchNeed(deps: Deps, ctx: ActorContext, id: string, body: MatchNeedBody): Promise<NeedDetail> {
  return deps.db.tx(async (t) => {
    const n = await repo.findNeed(t, id, manageScope(ctx), true);
    if (!n) throw notFound();
    if (n.status !== 'open') throw new AppError('NEED_STATE');
    await pushTo(deps, t, ctx, n, body.profileIds?.length ? [...new Set(body.profileIds)] : null);
    return getNeed(deps, ctx, id, t);
  });
}

// --- the volunteer: 接单意愿, 接单 and 办结

async function whoAmI(deps: Deps, ctx: ActorContext, q: Queryable) {
  const v = await volunteerOf(q, ctx.actor.accountId, ctx.actor.personId);
  if (!v) throw notFound();
  return v;
}

async function myProfile(deps: Deps, ctx: ActorContext, q: Queryable, lock = false) {
  const v = await whoAmI(deps, ctx, q);
  const p = await repo.profileOf(q, v, lock);
  if (!p) throw new AppError('NEED_PROFILE_REQUIRED');
  return p;
}

export async function saveMyVolunteerProfile(deps: Deps, ctx: ActorContext, body: SaveVolunteerProfileBody): Promise<VolunteerProfileView> {
  return deps.db.tx(async (t) => {
    const v = await whoAmI(deps, ctx, t);
    const where = await placeIn(t, body.communityOrgId, body.gridId, 'gridId');
    const existing = await repo.profileOf(t, v, true);
    const values = { name: v.name, communityId: where.community.id, gridId: where.gridId, lng: where.lng, lat: where.lat, skills: [...new Set(body.skills)], availability: [...new Set(body.availability)], accepting: body.accepting };
    let id: string;
    if (existing) {
      if (body.version !== existing.version) throw new AppError('CONFLICT');
      await repo.updateProfile(t, existing.id, values);
      id = existing.id;
    } else {
      id = await repo.insertProfile(t, { personId: v.personId, residentId: v.residentId, ...values });
    }
    await auditInTx(t, ctx, { action: 'need.profile', objectType: 'volunteer_profile', objectId: id, orgId: where.community.id, detail: { community: where.community.name } });
    return profileView((await repo.profileOf(t, v))!);
  });
}

function servableView(deps: Deps, n: repo.NeedRow & { distance_km?: number | null; pushed_to_me?: boolean }, profileId: string): ServableNeedView {
  const mineNow = n.claimed_by === profileId;
  return {
    ...needView(n), distanceKm: n.distance_km === undefined || n.distance_km === null ? null : Number(n.distance_km), pushedToMe: n.pushed_to_me ?? false,
    publisherName: mineNow ? n.publisher_name : null, publisherPhone: mineNow ? deps.cipher.decrypt(n.publisher_phone_enc) : null,
  };
}

export async function getMyServableNeeds(deps: Deps, ctx: ActorContext): Promise<MyServableNeeds> {
  const v = await whoAmI(deps, ctx, deps.db);
  const p = await repo.profileOf(deps.db, v);
  if (!p) return { profile: null, open: [], mine: [] };
  const [open, claimed] = await Promise.all([repo.openFor(deps.db, p, 50), repo.claimedBy(deps.db, p.id, 50)]);
  return { profile: profileView(p), open: open.map((n) => servableView(deps, n, p.id)), mine: claimed.map((n) => servableView(deps, n, p.id)) };
}

export async function claimNeed(deps: Deps, ctx: ActorContext, id: string): Promise<ServableNeedView> {
  return deps.db.tx(async (t) => {
    const p = await myProfile(deps, ctx, t);
    // in reach whatever its status: a need another volunteer has just taken is 409, not 404
    const n = await repo.reachableNeed(t, id, p);
    if (!n) throw notFound();
    // the one statement that checks the need is still open and takes it
    if (!(await repo.claim(t, id, p.id, deps.clock.now().toISOString()))) throw new AppError('NEED_STATE', '该需求已被其他志愿者接单或已撤回');
    await auditInTx(t, ctx, { action: 'need.claim', objectType: 'need', objectId: id, orgId: n.community_org_id, detail: { name: p.name } });
    await deps.notify.notify(t, n.publisher_account_id, { kind: 'need', title: `您的需求「${n.title}」已有志愿者接单`, body: `志愿者：${p.name}`, link: '/m/needs' });
    return servableView(deps, (await repo.servableNeed(t, id, p))!, p.id);
  });
}

export async function completeNeed(deps: Deps, ctx: ActorContext, id: string, body: CompleteNeedBody): Promise<ServableNeedView> {
  return deps.db.tx(async (t) => {
    const p = await myProfile(deps, ctx, t);
    const n = await repo.servableNeed(t, id, p);
    if (!n || n.claimed_by !== p.id) throw notFound();
    if (!(await repo.complete(t, id, p.id, body.note, deps.clock.now().toISOString()))) throw new AppError('NEED_STATE', '该需求已办结');
    await auditInTx(t, ctx, { action: 'need.complete', objectType: 'need', objectId: id, orgId: n.community_org_id, detail: { name: p.name } });
    await deps.notify.notify(t, n.publisher_account_id, { kind: 'need', title: `您的需求「${n.title}」已办结，请评价`, body: body.note, link: '/m/needs' });
    return servableView(deps, (await repo.servableNeed(t, id, p))!, p.id);
  });
}

// --- escalation (the job need.escalate)

/** Escalates the needs unclaimed past the rule's hours: marks them and tells the community's staff. Returns how many. */
export async function escalateNeeds(deps: Deps): Promise<number> {
  return deps.db.tx(async (t) => {
    // the rule at the installation's root: one threshold for all communities
    const rule = await matchRule(t, deps.clock.today(), null);
    const now = deps.clock.now();
    const due = await repo.escalateBefore(t, new Date(now.getTime() - rule.escalateAfterHours * 3_600_000), now);
    for (const n of due) {
      for (const a of await accountsCovering(t, { id: n.community_org_id, path: n.community_path }, ESCALATION_ROLES)) {
        await deps.notify.notify(t, a, { kind: 'need', title: `群众需求「${n.title}」${rule.escalateAfterHours}小时无人接单`, body: '请在「群众需求」中派单给合适的志愿者，或联系群众了解情况。', link: `/admin/needs/${n.id}` });
      }
    }
    return due.length;
  });
}

// --- counters

export async function verifyNeeds(q: Queryable) {
  return { counterDifferences: await repo.counterDifferences(q) };
}

/** Recomputes the volunteer profiles' counters from the needs; the number of profiles corrected. */
export async function rebuildNeedCounters(q: Queryable): Promise<number> {
  return repo.rebuildCounters(q);
}
