import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { escalateNeeds, needWarningDetector, rebuildNeedCounters, verifyNeeds } from '../../src/server/domains/need';
import { slotsOf } from '../../src/server/domains/need/need.service';
import { createHarness, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeCommunity, makeMember, makeOrg, makeResident, makeRoot, randomPhone } from '../helpers/factory';
import { sessionClient } from './security/support';

// Needs (群众需求 / 微心愿, issue 17): 点单 → 派单 (matching and push) → 接单 →
// 办结 → 评单, the refusals, escalation, and the profiles' counters against the
// needs.

const clock = fixedClock('2026-12-07T02:00:00Z'); // Monday 10:00 in Beijing
let h: Harness;
beforeAll(async () => {
  h = await createHarness({}, { clock });
});
afterAll(async () => h.close());

const KM = 1 / 111.32; // degrees of latitude in a kilometre
const SQUARE = { type: 'Polygon', coordinates: [[[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]]] };

/** A grid of the community centred `km` kilometres north of the origin. */
async function grid(community: { id: string }, origin: { lng: number; lat: number }, km: number) {
  const lat = origin.lat + km * KM;
  return (await h.db.one<{ id: string }>(sql`INSERT INTO map_area (kind, org_id, responsible_org_id, name, geometry, min_lng, min_lat, max_lng, max_lat, center_lng, center_lat)
    VALUES ('grid', ${community.id}, ${community.id}, ${`网格${km}`}, ${JSON.stringify(SQUARE)}::jsonb, ${origin.lng}, ${lat}, ${origin.lng}, ${lat}, ${origin.lng}, ${lat}) RETURNING id`)).id;
}

async function member(orgId: string, name: string) {
  const m = await makeMember(h.deps, orgId, { name, phone: randomPhone() });
  return sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId, scope: 'self' }], m.id)).id);
}

async function resident(orgId: string, name: string, gridId: string | null = null) {
  const r = await makeResident(h.deps, orgId, { name, gridId });
  return { ...r, client: await sessionClient(h, r.accountId) };
}

async function profile(c: Client, communityOrgId: string, gridId: string | null, skills: string[], availability: string[], accepting = true) {
  const res = await c.put('/api/v1/me/volunteer/profile', { communityOrgId, gridId, skills, availability, accepting });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().id as string;
}

/** `n` needs claimed by the profile within the load window (its recent load), its counter moved with them. */
async function load(profileId: string, residentId: string, communityId: string, n: number) {
  for (let i = 0; i < n; i++) {
    await h.db.exec(sql`INSERT INTO need (resident_id, community_org_id, category, title, place, window_from, window_to, status, claimed_by, claimed_at, created_at)
      VALUES (${residentId}, ${communityId}, 'repair', '修水龙头', '家中', '2026-11-20T01:00:00Z', '2026-11-20T03:00:00Z', 'claimed', ${profileId}, '2026-11-20T01:00:00Z', '2026-11-19T01:00:00Z')`);
  }
  await h.db.exec(sql`UPDATE volunteer_profile SET claimed = claimed + ${n} WHERE id = ${profileId}`);
}

// Saturday 2026-12-12, 09:00–11:00 in Beijing
const NEED = { category: 'repair', title: '家里的电视没信号了', detail: '独居老人，电视机顶盒没有信号', place: '幸福小区3栋2单元401', windowFrom: '2026-12-12T01:00:00Z', windowTo: '2026-12-12T03:00:00Z' };

async function world() {
  clock.set('2026-12-07T02:00:00Z');
  const root = await makeRoot(h.deps);
  const community = await makeCommunity(h.deps, root);
  const outside = await makeCommunity(h.deps, root);
  // a place of our own, far from any other test's volunteers
  const origin = { lng: 100 + crypto.randomInt(0, 10_000) / 1000, lat: 20 + crypto.randomInt(0, 10_000) / 1000 };
  const home = await grid(community, origin, 0);
  const sec = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'secretary', orgId: community.id, scope: 'subtree' }])).id);
  const outsideSec = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'secretary', orgId: outside.id, scope: 'subtree' }])).id);
  const publisher = await resident(community.id, '王奶奶', home);
  return { root, community, outside, origin, home, sec, outsideSec, publisher };
}

describe('availability slots', () => {
  it('reads the window in Beijing time: working-day daytime and evening, weekend', () => {
    expect(slotsOf('2026-12-12T01:00:00Z', '2026-12-12T03:00:00Z')).toEqual(['weekend']); // Saturday 09–11
    expect(slotsOf('2026-12-07T09:30:00Z', '2026-12-07T11:00:00Z')).toEqual(['weekday_day', 'weekday_evening']); // Monday 17:30–19:00
    expect(slotsOf('2026-12-11T15:00:00Z', '2026-12-11T23:30:00Z')).toEqual([]); // Friday 23:00 – Saturday 07:30: nobody's hours
    expect(slotsOf('2026-12-11T12:00:00Z', '2026-12-12T02:00:00Z')).toEqual(['weekday_evening', 'weekend']); // Friday 20:00 – Saturday 10:00
  });
});

describe('matching (派单)', () => {
  it('ranks by skill, distance, availability and recent load, pushes to the best five in-app and by SMS', async () => {
    const w = await world();
    const c = w.community.id;
    const ids: Record<string, string> = {};
    // score = 40·skill + 30·(1 − d/5) + 20·slot + 10·(1 − min(load, 3)/3)
    ids.A = await profile(await member(c, '甲'), c, await grid(w.community, w.origin, 1), ['repair'], ['weekend']); // 40 + 24 + 20 + 10 = 94
    const b = await resident(c, '乙');
    ids.B = await profile(b.client, c, await grid(w.community, w.origin, 0.5), ['digital'], ['weekday_day']); // 40 + 27 + 0 + 10 = 77
    ids.C = await profile(await member(c, '丙'), c, w.home, ['elderly'], ['weekend']); // 0 + 30 + 20 + 10 = 60
    ids.D = await profile(await member(c, '丁'), c, await grid(w.community, w.origin, 2), ['repair'], ['weekend']); // 40 + 18 + 20 + 0 = 78
    await load(ids.D, b.id, c, 3);
    ids.E = await profile(await member(c, '戊'), c, await grid(w.community, w.origin, 6), ['repair'], ['weekend']); // beyond 5 km
    ids.F = await profile(await member(c, '己'), c, w.home, ['repair', 'digital'], ['weekend'], false); // not taking needs
    await profile(w.publisher.client, c, w.home, ['repair'], ['weekend']); // the publisher is not their own volunteer
    ids.H = await profile((await resident(c, '辛')).client, c, await grid(w.community, w.origin, 4), ['cleaning'], ['weekday_evening']); // 0 + 6 + 0 + 10 = 16
    ids.I = await profile(await member(c, '壬'), c, await grid(w.community, w.origin, 3), ['repair'], ['weekend']); // 40 + 12 + 20 + 6.7 = 78.7
    await load(ids.I, b.id, c, 1);
    const names = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));

    const res = await w.publisher.client.post('/api/v1/me/needs', NEED);
    expect(res.statusCode, res.body).toBe(201);
    const needId = res.json().id as string;

    const detail = (await w.sec.get(`/api/v1/needs/${needId}`)).json();
    expect(detail.candidates.map((x: { profileId: string; score: number }) => [names[x.profileId], x.score])).toEqual([['A', 94], ['I', 78.7], ['D', 78], ['B', 77], ['C', 60], ['H', 16]]);
    expect(detail.candidates[0]).toMatchObject({ name: '甲', kind: 'member', distanceKm: 1, skillMatch: true, availabilityMatch: true, recentLoad: 0 });
    expect(detail.candidates.find((x: { profileId: string }) => x.profileId === ids.D)).toMatchObject({ recentLoad: 3, skillMatch: true });
    expect(detail.pushed.map((x: { profileId: string }) => names[x.profileId])).toEqual(['A', 'I', 'D', 'B', 'C']);
    expect(detail.need).toMatchObject({ status: 'open', pushes: 5, publisherName: '王奶奶', category: 'repair' });

    // each pushed volunteer: a notification and one SMS
    const told = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM notification WHERE kind = 'need' AND body LIKE ${'%' + NEED.title + '%'}`);
    expect(told.n).toBe(5);
    const texts = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM outbound_message WHERE channel = 'sms' AND body LIKE ${'%' + NEED.title + '%'}`);
    expect(texts.n).toBe(5);

    // the community pushes to the one left out (H) by hand; the best-few push finds nobody new within reach
    const byHand = await w.sec.post(`/api/v1/needs/${needId}/match`, { profileIds: [ids.H] });
    expect(byHand.statusCode, byHand.body).toBe(200);
    expect(byHand.json().pushed.map((x: { profileId: string }) => names[x.profileId])).toEqual(['A', 'I', 'D', 'B', 'C', 'H']);
    expect((await w.sec.post(`/api/v1/needs/${needId}/match`, {})).json().need.pushes).toBe(6);
    // a volunteer who no longer takes needs cannot be pushed to
    const refused = await w.sec.post(`/api/v1/needs/${needId}/match`, { profileIds: [ids.F] });
    expect(refused.statusCode).toBe(400);
    // the push reached H's phone page
    expect((await w.outsideSec.get(`/api/v1/needs/${needId}`)).statusCode).toBe(404);
    expect((await w.outsideSec.post(`/api/v1/needs/${needId}/match`, {})).statusCode).toBe(404);
  });
});

describe('the loop: 点单 → 接单 → 办结 → 评单', () => {
  it('one volunteer of two at once claims; completes; the resident rates once; the counters follow', async () => {
    const w = await world();
    const c = w.community.id;
    const one = await member(c, '张三');
    const two = await member(c, '李四');
    const p1 = await profile(one, c, w.home, ['repair'], ['weekend']);
    await profile(two, c, w.home, ['repair'], ['weekend']);
    const needId = (await w.publisher.client.post('/api/v1/me/needs', NEED)).json().id as string;

    const open = (await one.get('/api/v1/me/volunteer/needs')).json();
    expect(open.open.map((n: { id: string }) => n.id)).toEqual([needId]);
    expect(open.open[0]).toMatchObject({ pushedToMe: true, distanceKm: 0, publisherName: null, publisherPhone: null });

    const [r1, r2] = await Promise.all([one.post(`/api/v1/me/volunteer/needs/${needId}/claim`), two.post(`/api/v1/me/volunteer/needs/${needId}/claim`)]);
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([200, 409]);
    const [winner, loser] = r1.statusCode === 200 ? [one, two] : [two, one];
    const claimed = (r1.statusCode === 200 ? r1 : r2).json();
    expect(claimed).toMatchObject({ status: 'claimed', publisherName: '王奶奶', publisherPhone: w.publisher.phone });
    expect((r1.statusCode === 200 ? r2 : r1).json().error.code).toBe('NEED_STATE');
    // the slower volunteer trying again, after the claim is committed: still told it is taken (409), never 404
    const again = await loser.post(`/api/v1/me/volunteer/needs/${needId}/claim`);
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'NEED_STATE']);

    // only the claimer completes; the resident cannot withdraw a claimed need nor rate it before completion
    expect((await loser.post(`/api/v1/me/volunteer/needs/${needId}/complete`, { note: '已修好' })).statusCode).toBe(404);
    expect((await w.publisher.client.post(`/api/v1/me/needs/${needId}/cancel`, { reason: '不需要了' })).statusCode).toBe(409);
    expect((await w.publisher.client.post(`/api/v1/me/needs/${needId}/rate`, { rating: 5 })).statusCode).toBe(409);
    const done = await winner.post(`/api/v1/me/volunteer/needs/${needId}/complete`, { note: '更换了机顶盒电源，信号恢复' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().status).toBe('completed');

    const badRating = await w.publisher.client.post(`/api/v1/me/needs/${needId}/rate`, { rating: 6 });
    expect(badRating.json().error.details.issues).toEqual([{ field: 'rating', message: '评分须为1至5的整数' }]);
    const rated = await w.publisher.client.post(`/api/v1/me/needs/${needId}/rate`, { rating: 5, comment: '非常及时' });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({ status: 'rated', rating: 5, ratingComment: '非常及时', completionNote: '更换了机顶盒电源，信号恢复' });
    expect((await w.publisher.client.post(`/api/v1/me/needs/${needId}/rate`, { rating: 1 })).statusCode).toBe(409);

    const mine = (await winner.get('/api/v1/me/volunteer/needs')).json();
    expect(mine.profile).toMatchObject({ claimed: 1, completed: 1, averageRating: 5 });
    expect(mine.mine.map((n: { id: string; status: string }) => [n.id, n.status])).toEqual([[needId, 'rated']]);
    expect((await loser.get('/api/v1/me/volunteer/needs')).json().profile).toMatchObject({ claimed: 0, completed: 0, averageRating: null });
    expect((await w.publisher.client.get('/api/v1/me/needs')).json().items[0]).toMatchObject({ id: needId, status: 'rated', volunteerName: r1.statusCode === 200 ? '张三' : '李四' });

    // the counters against a recomputation from the needs, and the rebuild
    const mineOnly = (d: Array<{ id: string }>) => d.filter((x) => x.id === p1);
    expect(mineOnly((await verifyNeeds(h.db)).counterDifferences)).toEqual([]);
    await h.db.exec(sql`UPDATE volunteer_profile SET claimed = 7, rating_sum = 0 WHERE id = ${p1}`);
    expect(mineOnly((await verifyNeeds(h.db)).counterDifferences)).toHaveLength(1);
    await rebuildNeedCounters(h.db);
    expect((await verifyNeeds(h.db)).counterDifferences).toEqual([]);
    const after = await h.db.one<{ claimed: number; rating_sum: number }>(sql`SELECT claimed, rating_sum FROM volunteer_profile WHERE id = ${p1}`);
    expect(after).toEqual(r1.statusCode === 200 ? { claimed: 1, rating_sum: 5 } : { claimed: 0, rating_sum: 0 });

    const actions = await h.db.query<{ action: string }>(sql`SELECT action FROM audit_log WHERE object_id = ${needId} ORDER BY id`);
    expect(actions.map((a) => a.action)).toEqual(['need.publish', 'need.push', 'need.claim', 'need.complete', 'need.rate']);
  });
});

describe('refusals and scope', () => {
  it('refuses bad input, the past, members publishing, strangers, claims without a profile', async () => {
    const w = await world();
    const c = w.community.id;
    const bad = await w.publisher.client.post('/api/v1/me/needs', { ...NEED, category: 'magic', title: '', windowTo: NEED.windowFrom });
    expect(bad.statusCode).toBe(400);
    expect((bad.json().error.details.issues as Array<{ field: string }>).map((i) => i.field).sort()).toEqual(['category', 'title']);
    const backwards = await w.publisher.client.post('/api/v1/me/needs', { ...NEED, windowTo: NEED.windowFrom });
    expect(backwards.json().error.details.issues).toEqual([{ field: 'windowTo', message: '结束时间须晚于开始时间' }]);
    const past = await w.publisher.client.post('/api/v1/me/needs', { ...NEED, windowFrom: '2026-12-01T01:00:00Z', windowTo: '2026-12-01T03:00:00Z' });
    expect(past.json().error.code).toBe('NEED_WINDOW_PAST');
    const m = await member(c, '党员');
    expect((await m.post('/api/v1/me/needs', NEED)).statusCode).toBe(403);

    const needId = (await w.publisher.client.post('/api/v1/me/needs', NEED)).json().id as string;
    // a volunteer without a profile is asked for one
    const noProfile = await m.post(`/api/v1/me/volunteer/needs/${needId}/claim`);
    expect(noProfile.json().error.code).toBe('NEED_PROFILE_REQUIRED');
    expect((await m.get('/api/v1/me/volunteer/needs')).json()).toEqual({ profile: null, open: [], mine: [] });
    // a grid of another community is refused
    const far = await member(w.outside.id, '外村党员');
    const wrongGrid = await far.put('/api/v1/me/volunteer/profile', { communityOrgId: w.outside.id, gridId: w.home, skills: ['repair'], availability: ['weekend'], accepting: true });
    expect(wrongGrid.json().error.details.issues).toEqual([{ field: 'gridId', message: '所选网格不属于该村（社区）' }]);
    // a volunteer of another community, not pushed to, neither sees nor claims it
    await profile(far, w.outside.id, null, ['repair'], ['weekend']);
    expect((await far.get('/api/v1/me/volunteer/needs')).json().open).toEqual([]);
    expect((await far.post(`/api/v1/me/volunteer/needs/${needId}/claim`)).statusCode).toBe(404);
    // another resident neither withdraws nor rates it; a resident reads nothing of the staff side
    const other = await resident(c, '邻居');
    expect((await other.client.post(`/api/v1/me/needs/${needId}/cancel`, { reason: '不需要了' })).statusCode).toBe(404);
    expect((await other.client.get('/api/v1/me/needs')).json().items).toEqual([]);
    expect((await other.client.get('/api/v1/needs')).statusCode).toBe(403);
    // the secretary of another community does not see it
    expect((await w.outsideSec.get('/api/v1/needs')).json().items.map((n: { id: string }) => n.id)).not.toContain(needId);
    expect((await w.sec.get(`/api/v1/needs?orgId=${c}`)).json().items.map((n: { id: string }) => n.id)).toEqual([needId]);
    // the publisher withdraws it while open; then nobody claims it
    const cancelled = await w.publisher.client.post(`/api/v1/me/needs/${needId}/cancel`, { reason: '孩子回来修好了' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelReason: '孩子回来修好了' });
    await profile(m, c, w.home, ['repair'], ['weekend']);
    // (in the volunteer's community: told it is withdrawn, 409, as a need just taken by another is)
    const late = await m.post(`/api/v1/me/volunteer/needs/${needId}/claim`);
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'NEED_STATE']);
    // a stale profile version is refused
    const stale = await m.put('/api/v1/me/volunteer/profile', { communityOrgId: c, gridId: null, skills: ['repair'], availability: ['weekend'], accepting: false, version: 99 });
    expect(stale.statusCode).toBe(409);
  });
});

describe('escalation', () => {
  it('a need nobody claims within the rule hours goes to the community: notification and warning', async () => {
    const w = await world();
    const secAccount = await makeAccount(h.deps, [{ role: 'secretary', orgId: w.community.id, scope: 'node' }]);
    const branchElsewhere = await makeOrg(h.deps, w.root, 'branch');
    const elsewhere = await makeAccount(h.deps, [{ role: 'secretary', orgId: branchElsewhere.id, scope: 'subtree' }]);
    const needId = (await w.publisher.client.post('/api/v1/me/needs', NEED)).json().id as string;
    clock.set('2026-12-08T01:59:00Z'); // 23 h 59 min later
    await escalateNeeds(h.deps);
    expect((await h.db.one<{ escalated_at: Date | null }>(sql`SELECT escalated_at FROM need WHERE id = ${needId}`)).escalated_at).toBeNull();
    clock.set('2026-12-08T02:01:00Z');
    expect(await escalateNeeds(h.deps)).toBeGreaterThanOrEqual(1);
    expect(await escalateNeeds(h.deps)).toBe(0);
    const told = async (account: string) => (await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM notification WHERE account_id = ${account} AND kind = 'need' AND link = ${`/admin/needs/${needId}`}`)).n;
    expect(await told(secAccount.id)).toBe(1);
    expect(await told(elsewhere.id)).toBe(0);
    const warnings = (await needWarningDetector.detect(h.deps, '2026-12-08')).filter((x) => x.subject === needId);
    expect(warnings).toEqual([expect.objectContaining({ kind: 'unclaimed', orgId: w.community.id, title: NEED.title })]);
    expect((await w.sec.get('/api/v1/needs?escalated=true')).json().items.map((n: { id: string }) => n.id)).toContain(needId);
  });
});
