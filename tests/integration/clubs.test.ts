import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { clubWarningDetector, rebuildClubCounters, verifyClubs } from '../../src/server/domains/club';
import { createHarness, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeCommunity, makeMember, makeOrg, makeResident, makeRoot, randomPhone } from '../helpers/factory';
import { sessionClient } from './security/support';

// Clubs (社团, issue 17): founded by a member or a resident, approved by the
// community, joined and left; the leader's activities are volunteer
// activities open to the club's members only, never volunteer hours; the
// community dissolves a club; counters move with the facts.

const clock = fixedClock('2026-12-08T02:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await createHarness({}, { clock });
});
afterAll(async () => h.close());

async function world() {
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch');
  const community = await makeCommunity(h.deps, root);
  const outside = await makeCommunity(h.deps, root);
  const staff = async (orgId: string) => sessionClient(h, (await makeAccount(h.deps, [{ role: 'secretary', orgId, scope: 'subtree' }])).id);
  const resident = async (communityId: string, name: string) => {
    const r = await makeResident(h.deps, communityId, { name });
    return { ...r, c: await sessionClient(h, r.accountId) };
  };
  const m = await makeMember(h.deps, branch.id, { name: '周党员', phone: randomPhone() });
  const memberAccount = await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], m.id);
  return {
    root, branch, community, outside,
    communitySec: await staff(community.id), outsideSec: await staff(outside.id),
    founder: await resident(community.id, '李书法'), neighbour: await resident(community.id, '王邻居'), far: await resident(outside.id, '赵远方'),
    member: { accountId: memberAccount.id, c: await sessionClient(h, memberAccount.id) },
  };
}

const CLUB = { name: '墨香书法社', category: 'calligraphy', description: '每周六上午在党群服务中心练习书法，春节前为邻居写春联。' };

async function found(c: Client, body: Record<string, unknown> = CLUB) {
  const res = await c.post('/api/v1/me/clubs', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function approve(c: Client, id: string) {
  const res = await c.post(`/api/v1/clubs/${id}/review`, { decision: 'approve', note: '' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const inFuture = (days: number, hours = 2) => ({ startsAt: new Date(Date.parse('2026-12-08T02:00:00Z') + days * 86_400_000).toISOString(), endsAt: new Date(Date.parse('2026-12-08T02:00:00Z') + days * 86_400_000 + hours * 3_600_000).toISOString() });

describe('founding and review', () => {
  it('a resident applies in their community; refusals; the community is told, reviews, and the founder becomes the leader', async () => {
    const w = await world();
    const id = await found(w.founder.c);
    const mine = (await w.founder.c.get('/api/v1/me/clubs')).json();
    expect(mine.community).toEqual({ id: w.community.id, name: expect.any(String) });
    expect(mine.clubs).toEqual([]); // pending: not listed for the neighbours yet
    expect(mine.mine).toMatchObject([{ id, status: 'pending', founderName: '李书法', founderKind: 'resident', memberCount: 0, myRole: null }]);
    // the neighbour cannot see a pending club
    expect((await w.neighbour.c.get(`/api/v1/me/clubs/${id}`)).statusCode).toBe(404);
    // the same name again in the community while pending: 409
    const same = await w.neighbour.c.post('/api/v1/me/clubs', CLUB);
    expect(same.statusCode).toBe(409);
    expect(same.json().error.code).toBe('CLUB_NAME_TAKEN');
    // a member names the community; without one: 400 on the field
    const noCommunity = await w.member.c.post('/api/v1/me/clubs', { ...CLUB, name: '党员读书会' });
    expect(noCommunity.statusCode).toBe(400);
    expect(noCommunity.json().error.details.issues[0].field).toBe('communityOrgId');
    // a short description: 400
    expect((await w.founder.c.post('/api/v1/me/clubs', { ...CLUB, name: '太极拳队', description: '打拳' })).statusCode).toBe(400);
    // the rule: two applications pending at most
    await found(w.founder.c, { ...CLUB, name: '太极拳队', category: 'sports' });
    const third = await w.founder.c.post('/api/v1/me/clubs', { ...CLUB, name: '合唱团', category: 'music' });
    expect(third.statusCode).toBe(422);
    expect(third.json().error.code).toBe('CLUB_LIMIT');

    // the community's secretary was told; the other community's cannot review it
    const told = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM notification WHERE kind = 'club' AND link = ${'/admin/clubs/' + id}`);
    expect(told.n).toBeGreaterThanOrEqual(1);
    expect((await w.outsideSec.post(`/api/v1/clubs/${id}/review`, { decision: 'approve', note: '' })).statusCode).toBe(404);
    expect((await w.outsideSec.get(`/api/v1/clubs/${id}`)).statusCode).toBe(404);
    // refusing needs a reason
    const noReason = await w.communitySec.post(`/api/v1/clubs/${id}/review`, { decision: 'reject', note: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details.issues[0].field).toBe('note');
    // a resident has no console
    expect((await w.founder.c.get('/api/v1/clubs')).statusCode).toBe(403);

    const d = await approve(w.communitySec, id);
    expect(d.club).toMatchObject({ status: 'active', memberCount: 1 });
    expect(d.members).toMatchObject([{ name: '李书法', role: 'leader', kind: 'resident' }]);
    expect((await w.communitySec.post(`/api/v1/clubs/${id}/review`, { decision: 'approve', note: '' })).json().error.code).toBe('CLUB_STATE');
    const toFounder = await h.db.one<{ title: string }>(sql`SELECT title FROM notification WHERE account_id = ${w.founder.accountId} AND kind = 'club'`);
    expect(toFounder.title).toBe('社团「墨香书法社」已通过审核');
    const list = (await w.communitySec.get(`/api/v1/clubs?orgId=${w.community.id}`)).json();
    expect(list.items.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual(['太极拳队:pending', '墨香书法社:active']);
  });
});

describe('membership and activities', () => {
  it('join and leave; members only see names; the leader publishes; members sign up like a volunteer activity; never volunteer hours', async () => {
    const w = await world();
    const id = await found(w.founder.c);
    await approve(w.communitySec, id);
    // anyone sees an active club, not its members
    const before = (await w.neighbour.c.get(`/api/v1/me/clubs/${id}`)).json();
    expect(before).toMatchObject({ myRole: null, members: [] });
    expect((await w.neighbour.c.get('/api/v1/me/clubs')).json().clubs).toMatchObject([{ id, joined: false, memberCount: 1 }]);
    // the neighbour and a Party member (who looks the community up) join
    expect((await w.neighbour.c.post(`/api/v1/me/clubs/${id}/join`)).json()).toMatchObject({ myRole: 'member', club: { memberCount: 2 } });
    expect((await w.member.c.get(`/api/v1/me/clubs?communityOrgId=${w.community.id}`)).json().clubs).toMatchObject([{ id, joined: false }]);
    const joined = (await w.member.c.post(`/api/v1/me/clubs/${id}/join`)).json();
    // the leader first, then by joining time (here the same instant: by name)
    const names = joined.members.map((m: { name: string; kind: string; role: string }) => `${m.name}:${m.kind}:${m.role}`);
    expect(names[0]).toBe('李书法:resident:leader');
    expect(names.slice(1).sort()).toEqual(['周党员:member:member', '王邻居:resident:member'].sort());
    const twice = await w.member.c.post(`/api/v1/me/clubs/${id}/join`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('CLUB_ALREADY_MEMBER');
    // the leader cannot leave
    expect((await w.founder.c.post(`/api/v1/me/clubs/${id}/leave`)).json().error.code).toBe('CLUB_STATE');

    // only the leader publishes; the activity's time must be ahead
    const body = { title: '周六书法练习', place: '党群服务中心二楼', capacity: 2, description: '', ...inFuture(3) };
    expect((await w.neighbour.c.post(`/api/v1/me/clubs/${id}/activities`, body)).json().error.code).toBe('CLUB_NOT_LEADER');
    expect((await w.founder.c.post(`/api/v1/me/clubs/${id}/activities`, { ...body, ...inFuture(-1) })).statusCode).toBe(400);
    const created = await w.founder.c.post(`/api/v1/me/clubs/${id}/activities`, body);
    expect(created.statusCode, created.body).toBe(201);
    const activityId = created.json().id as string;
    // the members are told
    const told = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM notification WHERE kind = 'club' AND link = ${'/m/clubs/' + id} AND account_id = ANY(${[w.neighbour.accountId, w.member.accountId]}::uuid[])`);
    expect(told.n).toBe(2);

    // a non-member (another community's resident) cannot sign up: 404
    expect((await w.far.c.post('/api/v1/me/volunteer/signups', { activityId })).statusCode).toBe(404);
    // members take the two places through the volunteer sign-up; the third is refused
    expect((await w.neighbour.c.post('/api/v1/me/volunteer/signups', { activityId })).statusCode).toBe(200);
    expect((await w.member.c.post('/api/v1/me/volunteer/signups', { activityId })).statusCode).toBe(200);
    const full = await w.founder.c.post('/api/v1/me/volunteer/signups', { activityId });
    expect(full.json().error.code).toBe('VOLUNTEER_FULL');
    const seen = (await w.member.c.get(`/api/v1/me/clubs/${id}`)).json();
    expect(seen.activities).toMatchObject([{ id: activityId, signedUp: 2, capacity: 2, mySignup: { status: 'signed_up' } }]);
    expect(seen.club.activityCount).toBe(1);
    // not a volunteer activity anywhere else: not in the member's volunteer lists, not in the console's volunteer pages
    const vol = (await w.member.c.get('/api/v1/me/volunteer')).json();
    expect([...vol.upcoming, ...vol.mine].map((a: { id: string }) => a.id)).not.toContain(activityId);
    expect((await w.communitySec.get(`/api/v1/volunteer/activities/${activityId}`)).statusCode).toBe(404);
    expect((await w.communitySec.get(`/api/v1/volunteer/activities?orgId=${w.community.id}`)).json().items).toEqual([]);
    // the console's club page shows it with the members
    const console = (await w.communitySec.get(`/api/v1/clubs/${id}`)).json();
    expect(console.activities).toMatchObject([{ id: activityId, signedUp: 2, mySignup: null }]);
    expect(console.members).toHaveLength(3);

    // leaving moves the counter
    expect((await w.neighbour.c.post(`/api/v1/me/clubs/${id}/leave`)).json()).toMatchObject({ myRole: null, club: { memberCount: 2 } });
  });

  it('dissolving cancels the activities not yet started and tells everyone; nothing more can be done', async () => {
    const w = await world();
    const id = await found(w.founder.c);
    await approve(w.communitySec, id);
    await w.neighbour.c.post(`/api/v1/me/clubs/${id}/join`);
    const activityId = (await w.founder.c.post(`/api/v1/me/clubs/${id}/activities`, { title: '读帖交流', place: '社区活动室', capacity: 10, ...inFuture(2) })).json().id;
    await w.neighbour.c.post('/api/v1/me/volunteer/signups', { activityId });
    expect((await w.communitySec.post(`/api/v1/clubs/${id}/dissolve`, { reason: '' })).statusCode).toBe(400);
    const d = (await w.communitySec.post(`/api/v1/clubs/${id}/dissolve`, { reason: '负责人搬离本社区，无人继续组织' })).json();
    expect(d.club).toMatchObject({ status: 'dissolved', dissolveReason: '负责人搬离本社区，无人继续组织' });
    expect(d.activities).toMatchObject([{ id: activityId, status: 'cancelled', cancelReason: '社团已解散：负责人搬离本社区，无人继续组织' }]);
    const told = await h.db.query<{ account_id: string }>(sql`SELECT account_id FROM notification WHERE kind = 'club' AND title = '社团「墨香书法社」已解散'`);
    expect(told.map((t) => t.account_id).sort()).toEqual([w.founder.accountId, w.neighbour.accountId].sort());
    expect((await w.member.c.post(`/api/v1/me/clubs/${id}/join`)).json().error.code).toBe('CLUB_STATE');
    expect((await w.communitySec.post(`/api/v1/clubs/${id}/dissolve`, { reason: '再次解散' })).json().error.code).toBe('CLUB_STATE');
  });
});

describe('warnings and counters', () => {
  it('an application unreviewed past the rule\'s 7 days is a warning on the community; counters verify against a raw recomputation and rebuild', async () => {
    const w = await world();
    const id = await found(w.founder.c);
    const at = (day: string) => clubWarningDetector.detect(h.deps, day);
    expect((await at('2026-12-15')).filter((x) => x.subject === id)).toEqual([]); // applied on 12-08: the 15th is the 7th day
    expect((await at('2026-12-16')).filter((x) => x.subject === id)).toMatchObject([{ kind: 'pending_review', orgId: w.community.id, dueOn: '2026-12-15', factOn: '2026-12-08' }]);

    await approve(w.communitySec, id);
    await w.neighbour.c.post(`/api/v1/me/clubs/${id}/join`);
    expect((await verifyClubs(h.db)).counterDifferences.filter((d) => d.id === id)).toEqual([]);
    await h.db.exec(sql`UPDATE club SET member_count = 9, activity_count = 4 WHERE id = ${id}`);
    expect((await verifyClubs(h.db)).counterDifferences.filter((d) => d.id === id)).toEqual([
      { id, name: '墨香书法社', member_count: 9, raw_member_count: 2, activity_count: 4, raw_activity_count: 0 },
    ]);
    expect(await rebuildClubCounters(h.db)).toBeGreaterThanOrEqual(1);
    expect((await verifyClubs(h.db)).counterDifferences).toEqual([]);
  });
});
