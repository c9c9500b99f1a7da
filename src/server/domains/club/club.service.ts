import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { isUniqueViolation, type Queryable } from '../../platform/db';
import { orgInScope, unscoped } from '../../platform/scope';
import { ruleInForce } from '../../platform/rules';
import { accountsCovering } from '../../platform/notify';
import {
  CLUB_CATEGORIES, type ClubCategory, type ClubDetail, type ClubPage, type ClubView, type CreateClubActivityBody, type CreateClubBody, type DissolveClubBody, type ListClubsQuery, type MyClubDetail,
  type MyClubs, type MyClubsQuery, type ReviewClubBody,
} from '../../../contracts/club';
import { findCommunity } from '../resident';
import { cancelVolunteerActivity, insertVolunteerActivity, volunteerOf, volunteerSignedUpAccounts, type Volunteer } from '../volunteer';
import * as repo from './club.repo';

// Clubs (社团, issue 17, docs/DECISIONS.md "Clubs"): a member or a resident
// applies to found a club in a 村/社区 (a resident's own; a member's chosen
// one); the community's staff approve or refuse it; once active, members and
// residents join and leave; the leader (the founder) publishes the club's
// activities, which are volunteer activities marked with the club: the same
// sign-up with a capacity, open to the club's members only, never counted as
// volunteer service hours. The community may dissolve a club (its future
// activities are cancelled and everyone told).

/** The rule `club.founding` (migration 0044). */
export interface FoundingRule {
  maxPendingPerFounder: number;
  maxLedPerFounder: number;
  reviewWithinDays: number;
}

/** Who hears of a new application: the community's secretaries and party workers. */
const REVIEWER_ROLES = ['secretary', 'party_worker', 'org_admin'] as const;

const readScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'volunteer.read');
const manageScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'volunteer.manage');
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function clubView(r: repo.ClubRow): ClubView {
  return {
    id: r.id, communityOrgId: r.community_org_id, communityName: r.community_name, name: r.name, category: r.category as ClubCategory, description: r.description,
    founderName: r.founder_name, founderKind: r.founder_person_id ? 'member' : 'resident', status: r.status, reviewNote: r.review_note, reviewedAt: iso(r.reviewed_at),
    dissolveReason: r.dissolve_reason, memberCount: r.member_count, activityCount: r.activity_count, createdAt: iso(r.created_at)!,
  };
}

async function detailOf(q: Queryable, club: repo.ClubRow, accountId: string | null): Promise<ClubDetail> {
  const [members, activities] = await Promise.all([repo.membersOf(q, club.id), repo.activitiesOf(q, club.id, accountId, 50)]);
  return {
    club: clubView(club),
    members: members.map((m) => ({ id: m.id, name: m.name, kind: m.person_id ? ('member' as const) : ('resident' as const), role: m.role, joinedAt: iso(m.joined_at)! })),
    activities: activities.map((a) => ({
      id: a.id, title: a.title, description: a.description, place: a.place, startsAt: iso(a.starts_at)!, endsAt: iso(a.ends_at)!, capacity: a.capacity, signedUp: a.signed_up,
      status: a.status, cancelReason: a.cancel_reason, mySignup: a.my_signup_id ? { id: a.my_signup_id, status: a.my_status! } : null,
    })),
  };
}

async function me(deps: Deps, ctx: ActorContext, q: Queryable = deps.db): Promise<Volunteer> {
  const v = await volunteerOf(q, ctx.actor.accountId, ctx.actor.personId);
  if (!v) throw notFound();
  return v;
}

// --- the member or resident

/** The community a caller's club list opens on: the one asked for, a resident's own, a member's 接单/报到 community. */
async function communityFor(deps: Deps, v: Volunteer, asked: string | null | undefined) {
  if (asked) {
    const c = await findCommunity(deps.db, asked);
    if (!c) throw new AppError('VALIDATION_FAILED', '请选择所在的村（社区）', { issues: [{ field: 'communityOrgId', message: '请选择所在的村（社区）' }] });
    return { id: c.id, name: c.name };
  }
  if (v.residentId) return { id: v.orgId, name: (await findCommunity(deps.db, v.orgId))?.name ?? '' };
  return repo.memberCommunityOf(deps.db, v.personId!);
}

export async function getMyClubs(deps: Deps, ctx: ActorContext, query: MyClubsQuery): Promise<MyClubs> {
  const v = await me(deps, ctx);
  const community = await communityFor(deps, v, query.communityOrgId);
  const [clubs, mine] = await Promise.all([community ? repo.activeClubsOf(deps.db, community.id, v.accountId) : [], repo.clubsOfAccount(deps.db, v.accountId)]);
  return {
    community,
    clubs: clubs.map((c) => ({ ...clubView(c), joined: c.joined })),
    mine: mine.map((c) => ({ ...clubView(c), myRole: c.my_role })),
  };
}

/** An application to found a club: pending until the community reviews it; the founder becomes its leader on approval. */
export async function createClub(deps: Deps, ctx: ActorContext, body: CreateClubBody): Promise<string> {
  const at = deps.clock.now().toISOString();
  return deps.db.tx(async (t) => {
    const v = await me(deps, ctx, t);
    const communityId = v.residentId ? (body.communityOrgId ?? v.orgId) : body.communityOrgId;
    if (!communityId) throw new AppError('VALIDATION_FAILED', '请选择社团所在的村（社区）', { issues: [{ field: 'communityOrgId', message: '请选择社团所在的村（社区）' }] });
    const community = await findCommunity(t, communityId);
    if (!community) throw new AppError('VALIDATION_FAILED', '请选择社团所在的村（社区）', { issues: [{ field: 'communityOrgId', message: '请选择社团所在的村（社区）' }] });
    const rule = (await ruleInForce<FoundingRule>(t, 'club', 'founding', deps.clock.today(), community.path)).body;
    const counts = await repo.founderCounts(t, v.accountId);
    if (counts.pending >= rule.maxPendingPerFounder) throw new AppError('CLUB_LIMIT', `您已有${counts.pending}个社团申请在审核中，请等待审核结果后再申请`);
    if (counts.led >= rule.maxLedPerFounder) throw new AppError('CLUB_LIMIT', `每人担任负责人的社团至多${rule.maxLedPerFounder}个`);
    let id: string;
    try {
      id = await repo.insertClub(t, {
        communityId: community.id, name: body.name, category: body.category, description: body.description, accountId: v.accountId, personId: v.personId, residentId: v.residentId,
        founderName: v.name, at,
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('CLUB_NAME_TAKEN');
      throw e;
    }
    for (const a of await accountsCovering(t, { id: community.id, path: community.path }, REVIEWER_ROLES)) {
      await deps.notify.notify(t, a, { kind: 'club', title: `${community.name}有新的社团申请「${body.name}」`, body: `${v.name}申请成立${CLUB_CATEGORIES[body.category]}类社团，请审核`, link: `/admin/clubs/${id}` });
    }
    await auditInTx(t, ctx, { action: 'club.create', objectType: 'club', objectId: id, orgId: community.id, detail: { name: body.name, category: CLUB_CATEGORIES[body.category] } });
    return id;
  });
}

/** A club as a member or resident sees it: active clubs to anyone on the phone, their own applications to the founder. */
export async function getMyClub(deps: Deps, ctx: ActorContext, id: string): Promise<MyClubDetail> {
  const v = await me(deps, ctx);
  const club = await repo.findClub(deps.db, id, unscoped('an active club is public to members and residents; the founder sees their own application'));
  if (!club || (club.status !== 'active' && club.founder_account_id !== v.accountId)) throw notFound();
  const myRole = await repo.roleIn(deps.db, id, v.accountId);
  const detail = await detailOf(deps.db, club, v.accountId);
  // the members' names are for those in the club; anyone sees what it does
  return myRole ? { ...detail, myRole } : { ...detail, members: [], myRole };
}

async function activeClub(q: Queryable, id: string) {
  const club = await repo.findClub(q, id, unscoped('joining and leaving an active club: public to members and residents'), true);
  if (!club || club.status === 'pending' || club.status === 'rejected') throw notFound();
  if (club.status !== 'active') throw new AppError('CLUB_STATE', '该社团已解散');
  return club;
}

export async function joinClub(deps: Deps, ctx: ActorContext, id: string): Promise<MyClubDetail> {
  const at = deps.clock.now().toISOString();
  await deps.db.tx(async (t) => {
    const v = await me(deps, ctx, t);
    const club = await activeClub(t, id);
    if (await repo.roleIn(t, id, v.accountId)) throw new AppError('CLUB_ALREADY_MEMBER');
    try {
      await repo.insertMember(t, { clubId: id, accountId: v.accountId, personId: v.personId, residentId: v.residentId, name: v.name, role: 'member', at });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('CLUB_ALREADY_MEMBER');
      throw e;
    }
    await auditInTx(t, ctx, { action: 'club.join', objectType: 'club', objectId: id, orgId: club.community_org_id, detail: { name: v.name } });
  });
  return getMyClub(deps, ctx, id);
}

export async function leaveClub(deps: Deps, ctx: ActorContext, id: string): Promise<MyClubDetail> {
  const at = deps.clock.now().toISOString();
  await deps.db.tx(async (t) => {
    const v = await me(deps, ctx, t);
    const club = await activeClub(t, id);
    const role = await repo.roleIn(t, id, v.accountId);
    if (!role) throw new AppError('CLUB_STATE', '您不是该社团的成员');
    if (role === 'leader') throw new AppError('CLUB_STATE', '社团负责人不能退出；不再活动的社团请联系村（社区）解散');
    await repo.removeMember(t, id, v.accountId, at);
    await auditInTx(t, ctx, { action: 'club.leave', objectType: 'club', objectId: id, orgId: club.community_org_id, detail: { name: v.name } });
  });
  return getMyClub(deps, ctx, id);
}

/** The leader publishes an activity of the club: a volunteer activity marked with the club, open to its members; the members are told. */
export async function createClubActivity(deps: Deps, ctx: ActorContext, id: string, body: CreateClubActivityBody): Promise<string> {
  const now = deps.clock.now();
  if (Date.parse(body.startsAt) <= now.getTime()) throw new AppError('VALIDATION_FAILED', '活动开始时间已过', { issues: [{ field: 'startsAt', message: '活动开始时间须晚于现在' }] });
  return deps.db.tx(async (t) => {
    const v = await me(deps, ctx, t);
    const club = await activeClub(t, id);
    if ((await repo.roleIn(t, id, v.accountId)) !== 'leader') throw new AppError('CLUB_NOT_LEADER');
    const activityId = await insertVolunteerActivity(t, {
      orgId: club.community_org_id, audienceOrgId: club.community_org_id, title: body.title, description: body.description, place: body.place, startsAt: body.startsAt, endsAt: body.endsAt,
      capacity: body.capacity, skills: [], regionKey: club.region_key, createdBy: v.accountId, clubId: id, at: now.toISOString(),
    });
    await repo.countActivity(t, id);
    for (const m of await repo.memberAccounts(t, id)) {
      if (m.account_id === v.accountId) continue;
      await deps.notify.notify(t, m.account_id, { kind: 'club', title: `社团「${club.name}」发布了新活动`, body: `${body.title}，${body.place}`, link: `/m/clubs/${id}` });
    }
    await auditInTx(t, ctx, { action: 'club.activity', objectType: 'club', objectId: id, orgId: club.community_org_id, detail: { title: body.title, capacity: body.capacity } });
    return activityId;
  });
}

// --- the community's staff

export async function listClubs(deps: Deps, ctx: ActorContext, query: ListClubsQuery): Promise<ClubPage> {
  let orgPath: string | undefined;
  if (query.orgId) {
    const org = await repo.orgOf(deps.db, query.orgId, readScope(ctx));
    if (!org) throw notFound();
    orgPath = org.path;
  }
  const { rows, total } = await repo.listClubs(deps.db, readScope(ctx), { orgPath, status: query.status, q: query.q }, query.page, query.pageSize);
  return { items: rows.map(clubView), total, page: query.page, pageSize: query.pageSize };
}

export async function getClub(deps: Deps, ctx: ActorContext, id: string): Promise<ClubDetail> {
  const club = await repo.findClub(deps.db, id, readScope(ctx));
  if (!club) throw notFound();
  return detailOf(deps.db, club, null);
}

/** The community approves (the founder becomes the leader, the club opens) or refuses with a reason; the founder is told. */
export async function reviewClub(deps: Deps, ctx: ActorContext, id: string, body: ReviewClubBody): Promise<ClubDetail> {
  const at = deps.clock.now().toISOString();
  await deps.db.tx(async (t) => {
    const club = await repo.findClub(t, id, manageScope(ctx), true);
    if (!club) throw notFound();
    if (club.status !== 'pending') throw new AppError('CLUB_STATE', '该社团申请已审核');
    const approve = body.decision === 'approve';
    await repo.setReview(t, { id, status: approve ? 'active' : 'rejected', note: body.note, by: ctx.actor.accountId, at });
    if (approve) {
      const founder = await repo.founderOf(t, id);
      await repo.insertMember(t, { clubId: id, accountId: club.founder_account_id, personId: founder.person_id, residentId: founder.resident_id, name: club.founder_name, role: 'leader', at });
    }
    await deps.notify.notify(t, club.founder_account_id, {
      kind: 'club', title: approve ? `社团「${club.name}」已通过审核` : `社团「${club.name}」申请未通过`,
      body: approve ? '您是社团负责人，可以发布社团活动、邀请邻居加入' : `原因：${body.note}`, link: `/m/clubs/${id}`,
    });
    await auditInTx(t, ctx, { action: approve ? 'club.approve' : 'club.reject', objectType: 'club', objectId: id, orgId: club.community_org_id, detail: { name: club.name, note: body.note } });
  });
  return getClub(deps, ctx, id);
}

/** The community dissolves an active club: its activities not yet started are cancelled; members and those signed up are told. */
export async function dissolveClub(deps: Deps, ctx: ActorContext, id: string, body: DissolveClubBody): Promise<ClubDetail> {
  const at = deps.clock.now().toISOString();
  await deps.db.tx(async (t) => {
    const club = await repo.findClub(t, id, manageScope(ctx), true);
    if (!club) throw notFound();
    if (club.status !== 'active') throw new AppError('CLUB_STATE', '只有活动中的社团可以解散');
    const told = new Set((await repo.memberAccounts(t, id)).map((m) => m.account_id));
    for (const a of await repo.openFutureActivities(t, id, at)) {
      for (const s of await volunteerSignedUpAccounts(t, a.id)) told.add(s.account_id);
      await cancelVolunteerActivity(t, a.id, `社团已解散：${body.reason}`);
    }
    await repo.setDissolved(t, { id, reason: body.reason, at });
    for (const a of told) await deps.notify.notify(t, a, { kind: 'club', title: `社团「${club.name}」已解散`, body: `原因：${body.reason}`, link: `/m/clubs` });
    await auditInTx(t, ctx, { action: 'club.dissolve', objectType: 'club', objectId: id, orgId: club.community_org_id, detail: { name: club.name, reason: body.reason } });
  });
  return getClub(deps, ctx, id);
}

// --- counters

export async function verifyClubs(q: Queryable) {
  return { counterDifferences: await repo.counterDifferences(q) };
}

/** Recomputes the clubs' member and activity counts; the number of clubs corrected. */
export async function rebuildClubCounters(q: Queryable): Promise<number> {
  return repo.rebuildCounters(q);
}
