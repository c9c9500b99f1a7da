import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { runAwards, verifyPoints } from '../../src/server/domains/points';
import { rebuildVolunteerCounters, verifyVolunteer, volunteerWarningDetector } from '../../src/server/domains/volunteer';
import type { PointRules } from '../../src/contracts/points';
import { createHarness, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeCommunity, makeMember, makeOrg, makeResident, makeRoot } from '../helpers/factory';
import { sessionClient } from './security/support';
import { pdfText } from '../helpers/pdf';

// Volunteer service (志愿服务, issue 17): activities, sign-up within capacity,
// hours attested by the organiser within the activity's time, whole hours to
// points once, the certificate, and the counters against their sign-ups.

const clock = fixedClock('2026-12-04T04:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await createHarness({}, { clock });
});
afterAll(async () => h.close());

const RULES: PointRules = {
  items: [
    { key: 'volunteer.service', label: '志愿服务（每满1小时）', points: 2, caps: { year: 50 } },
    { key: 'manual.award', label: '先锋作用', points: 10, caps: { year: 40 } },
  ],
  expiry: { yearsAfterAward: 1 },
  secondApproverAbove: 10,
};

// Saturday 2026-12-05, 09:00–12:00 in Beijing
const ACTIVITY = { title: '敬老院义务清扫', description: '为社区敬老院打扫卫生、陪老人聊天', place: '和平社区敬老院', startsAt: '2026-12-05T01:00:00Z', endsAt: '2026-12-05T04:00:00Z', capacity: 3, skills: ['cleaning', 'elderly'] };

async function world() {
  clock.set('2026-12-04T04:00:00Z');
  const root = await makeRoot(h.deps);
  const community = await makeCommunity(h.deps, root);
  const branch = await makeOrg(h.deps, community, 'party_group');
  const outside = await makeOrg(h.deps, root, 'branch');
  const sec = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'secretary', orgId: community.id, scope: 'subtree' }])).id);
  const member = await makeMember(h.deps, community.id, { name: '志愿甲' });
  const memberClient = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId: community.id, scope: 'self' }], member.id)).id);
  const resident = await makeResident(h.deps, community.id, { name: '群众乙' });
  const residentClient = await sessionClient(h, resident.accountId);
  const stranger = await makeMember(h.deps, outside.id, { name: '外人丙' });
  const strangerClient = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId: outside.id, scope: 'self' }], stranger.id)).id);
  return { root, community, branch, outside, sec, member, memberClient, resident, residentClient, strangerClient };
}

async function publish(sec: Client, orgId: string, over: Record<string, unknown> = {}) {
  const res = await sec.post('/api/v1/volunteer/activities', { orgId, ...ACTIVITY, ...over });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function approveRules(c: Client, orgId: string) {
  const p = await c.post('/api/v1/points/rules/proposals', { orgId, effectiveFrom: '2026-12-04', rules: RULES });
  expect(p.statusCode, p.body).toBe(201);
  const a = await c.post(`/api/v1/points/rules/proposals/${p.json().id}/approve`, { version: 0, votedOn: '2026-12-04', expected: 20, present: 16, written: 1, yes: 15, no: 1, abstain: 0 });
  expect(a.statusCode, a.body).toBe(200);
}

const signupOf = async (activityId: string, name: string) => (await h.db.one<{ id: string }>(sql`SELECT id FROM volunteer_signup WHERE activity_id = ${activityId} AND name = ${name} AND status <> 'withdrawn'`)).id;

describe('volunteer activities', () => {
  it('publishes an activity with its checks; members and residents of the audience see it and sign up, outsiders do not', async () => {
    const w = await world();
    const bad = await w.sec.post('/api/v1/volunteer/activities', { orgId: w.community.id, ...ACTIVITY, endsAt: ACTIVITY.startsAt, capacity: 0, title: '' });
    expect(bad.statusCode).toBe(400);
    const fields = (bad.json().error.details.issues as Array<{ field: string }>).map((i) => i.field).sort();
    expect(fields).toEqual(['capacity', 'endsAt', 'title']);
    const past = await w.sec.post('/api/v1/volunteer/activities', { orgId: w.community.id, ...ACTIVITY, startsAt: '2026-12-01T01:00:00Z', endsAt: '2026-12-01T03:00:00Z' });
    expect(past.json().error.details.issues).toEqual([{ field: 'endsAt', message: '活动结束时间已过，不能发布' }]);
    expect((await w.sec.post('/api/v1/volunteer/activities', { orgId: w.outside.id, ...ACTIVITY })).statusCode).toBe(404);
    const id = await publish(w.sec, w.community.id);

    const seen = (await w.memberClient.get('/api/v1/me/volunteer')).json();
    expect(seen.upcoming.map((a: { id: string }) => a.id)).toEqual([id]);
    expect(seen.upcoming[0]).toMatchObject({ title: ACTIVITY.title, capacity: 3, signedUp: 0, skills: ['cleaning', 'elderly'], mySignup: null });
    expect((await w.residentClient.get('/api/v1/me/volunteer')).json().upcoming.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await w.strangerClient.get('/api/v1/me/volunteer')).json().upcoming).toEqual([]);
    expect((await w.strangerClient.post('/api/v1/me/volunteer/signups', { activityId: id })).statusCode).toBe(404);

    const mine = await w.memberClient.post('/api/v1/me/volunteer/signups', { activityId: id });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().upcoming[0]).toMatchObject({ signedUp: 1, mySignup: { status: 'signed_up', hours: null } });
    expect((await w.residentClient.post('/api/v1/me/volunteer/signups', { activityId: id })).statusCode).toBe(200);
    const again = await w.memberClient.post('/api/v1/me/volunteer/signups', { activityId: id });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('VOLUNTEER_ALREADY_SIGNED_UP');

    const detail = (await w.sec.get(`/api/v1/volunteer/activities/${id}`)).json();
    expect(detail.signups.map((s: { name: string; kind: string; status: string }) => `${s.name}:${s.kind}:${s.status}`)).toEqual(['志愿甲:member:signed_up', '群众乙:resident:signed_up']);
    expect(detail.maxHoursPerActivity).toBe(8);
    const listed = (await w.sec.get(`/api/v1/volunteer/activities?orgId=${w.community.id}&when=upcoming`)).json();
    expect(listed.items.map((a: { id: string; signedUp: number }) => `${a.id}:${a.signedUp}`)).toEqual([`${id}:2`]);
  });

  it('gives the last place to exactly one of five volunteers signing up at once', async () => {
    const w = await world();
    const id = await publish(w.sec, w.community.id, { capacity: 1 });
    const clients = await Promise.all(Array.from({ length: 5 }, async () => sessionClient(h, (await makeResident(h.deps, w.community.id)).accountId)));
    const results = await Promise.all(clients.map((c) => c.post('/api/v1/me/volunteer/signups', { activityId: id })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 422, 422, 422, 422]);
    expect(results.filter((r) => r.statusCode === 422).every((r) => r.json().error.code === 'VOLUNTEER_FULL')).toBe(true);
    expect((await h.db.one<{ n: number; signed_up: number }>(sql`SELECT (SELECT count(*)::int FROM volunteer_signup WHERE activity_id = ${id}) AS n, signed_up FROM volunteer_activity WHERE id = ${id}`))).toEqual({ n: 1, signed_up: 1 });
  });

  it('withdraws before the start and frees the place; after the start neither signing up nor withdrawing', async () => {
    const w = await world();
    const id = await publish(w.sec, w.community.id, { capacity: 1 });
    const first = (await w.memberClient.post('/api/v1/me/volunteer/signups', { activityId: id })).json();
    const signup = first.mine[0].mySignup.id as string;
    expect((await w.residentClient.post('/api/v1/me/volunteer/signups', { activityId: id })).json().error.code).toBe('VOLUNTEER_FULL');
    // not someone else's place
    expect((await w.residentClient.post(`/api/v1/me/volunteer/signups/${signup}/withdraw`)).statusCode).toBe(404);
    const out = await w.memberClient.post(`/api/v1/me/volunteer/signups/${signup}/withdraw`);
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json().upcoming[0]).toMatchObject({ signedUp: 0, mySignup: null });
    expect((await w.residentClient.post('/api/v1/me/volunteer/signups', { activityId: id })).statusCode).toBe(200);
    clock.set('2026-12-05T01:30:00Z');
    expect((await w.memberClient.post('/api/v1/me/volunteer/signups', { activityId: id })).json().error.code).toBe('VOLUNTEER_CLOSED');
    const theirs = await signupOf(id, '群众乙');
    expect((await w.residentClient.post(`/api/v1/me/volunteer/signups/${theirs}/withdraw`)).json().error.code).toBe('VOLUNTEER_CLOSED');
  });

  it('attests hours only within the activity and up to now, capped by the rule; once; a member earns points for whole hours once', async () => {
    const w = await world();
    await approveRules(w.sec, w.community.id);
    const id = await publish(w.sec, w.community.id, { startsAt: '2026-12-05T00:00:00Z', endsAt: '2026-12-05T10:00:00Z' });
    await w.memberClient.post('/api/v1/me/volunteer/signups', { activityId: id });
    await w.residentClient.post('/api/v1/me/volunteer/signups', { activityId: id });
    const member = await signupOf(id, '志愿甲');
    const resident = await signupOf(id, '群众乙');
    clock.set('2026-12-05T09:00:00Z');
    const attest = (body: Record<string, unknown>) => w.sec.post(`/api/v1/volunteer/activities/${id}/attest`, body);
    for (const [checkInAt, checkOutAt] of [['2026-12-04T23:59:00Z', '2026-12-05T02:00:00Z'], ['2026-12-05T01:00:00Z', '2026-12-05T09:30:00Z'], ['2026-12-05T03:00:00Z', '2026-12-05T02:00:00Z']]) {
      const r = await attest({ signupId: member, checkInAt, checkOutAt });
      expect(r.statusCode).toBe(422);
      expect(r.json().error.code).toBe('VOLUNTEER_HOURS_OUTSIDE');
    }
    // 8 h 40 min present: the rule caps one activity at 8 hours
    const ok = await attest({ signupId: member, checkInAt: '2026-12-05T00:10:00Z', checkOutAt: '2026-12-05T08:50:00Z' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().signups.find((s: { id: string }) => s.id === member)).toMatchObject({ status: 'attested', hours: 8 });
    expect(ok.json().activity).toMatchObject({ attested: 1, attestedHours: 8 });
    expect((await attest({ signupId: member, checkInAt: '2026-12-05T01:00:00Z', checkOutAt: '2026-12-05T02:00:00Z' })).json().error.code).toBe('VOLUNTEER_STATE');
    // 2 h 30 min for the resident: recorded, no points (a resident holds no point account)
    expect((await attest({ signupId: resident, checkInAt: '2026-12-05T01:00:00Z', checkOutAt: '2026-12-05T03:30:00Z' })).statusCode).toBe(200);

    const points = async () => (await h.db.query<{ source_id: string; amount: number }>(sql`SELECT t.source_id, e.amount FROM point_txn t JOIN point_entry e ON e.txn_id = t.id
      JOIN point_account a ON a.id = e.account_id AND a.kind = 'member' WHERE a.person_id = ${w.member.id} ORDER BY t.source_id`));
    const awarded = await points();
    expect(awarded.length).toBe(8);
    expect(awarded.every((p) => p.amount === 2)).toBe(true);
    expect(awarded.map((p) => p.source_id)).toEqual(Array.from({ length: 8 }, (_, k) => `${member}:${k + 1}`));
    // the daily job finds the same facts and awards nothing more
    await runAwards(h.deps, '2026-12-01', '2026-12-05');
    expect((await points()).length).toBe(8);
    const chain = await verifyPoints(h.db);
    expect([chain.broken, chain.balanceDrift, chain.unbalanced]).toEqual([[], [], []]);

    const mine = (await w.memberClient.get('/api/v1/me/volunteer')).json();
    expect([mine.hoursThisYear, mine.hoursTotal]).toEqual([8, 8]);
    expect((await w.residentClient.get('/api/v1/me/volunteer')).json().hoursTotal).toBe(2.5);
  });

  it('records absence, refuses an attestation of another activity, cancels with notice to those signed up', async () => {
    const w = await world();
    const id = await publish(w.sec, w.community.id);
    const other = await publish(w.sec, w.community.id, { title: '另一场活动' });
    await w.memberClient.post('/api/v1/me/volunteer/signups', { activityId: id });
    await w.residentClient.post('/api/v1/me/volunteer/signups', { activityId: other });
    const member = await signupOf(id, '志愿甲');
    expect((await w.sec.post(`/api/v1/volunteer/activities/${other}/attest`, { signupId: member, absent: true })).statusCode).toBe(404);
    const absent = await w.sec.post(`/api/v1/volunteer/activities/${id}/attest`, { signupId: member, absent: true });
    expect(absent.json().signups[0]).toMatchObject({ status: 'absent', hours: null });
    const cancel = await w.sec.post(`/api/v1/volunteer/activities/${other}/cancel`, { reason: '天气原因改期' });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', cancelReason: '天气原因改期' });
    const note = await h.db.one<{ title: string; kind: string }>(sql`SELECT title, kind FROM notification WHERE account_id = ${w.resident.accountId}`);
    expect(note).toEqual({ title: '志愿服务活动「另一场活动」已取消', kind: 'volunteer' });
    expect((await w.residentClient.get('/api/v1/me/volunteer')).json().upcoming.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await w.sec.post(`/api/v1/volunteer/activities/${other}/cancel`, { reason: '再次取消' })).json().error.code).toBe('VOLUNTEER_STATE');
  });

  it('issues the certificate of attested hours as a PDF that another reader reads back', async () => {
    const w = await world();
    const id = await publish(w.sec, w.community.id);
    await w.memberClient.post('/api/v1/me/volunteer/signups', { activityId: id });
    clock.set('2026-12-05T05:00:00Z');
    await w.sec.post(`/api/v1/volunteer/activities/${id}/attest`, { signupId: await signupOf(id, '志愿甲'), checkInAt: '2026-12-05T01:00:00Z', checkOutAt: '2026-12-05T03:30:00Z' });
    const res = await w.memberClient.get('/api/v1/me/volunteer/certificate?year=2026');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    const text = (await pdfText(res.rawPayload)).pages.join('').replace(/\s+/g, '');
    for (const s of ['志愿服务记录证明', '志愿甲', '2026年度', '累计志愿服务时长2.5小时', ACTIVITY.title, '2026-12-0509:00—11:30']) expect(text).toContain(s);
    expect((await w.strangerClient.get('/api/v1/me/volunteer/certificate')).statusCode).toBe(200);
  });

  it('warns of an activity starting soon with too few volunteers, and of one ended three days ago still unattested', async () => {
    const w = await world();
    const id = await publish(w.sec, w.community.id, { capacity: 4 });
    await w.memberClient.post('/api/v1/me/volunteer/signups', { activityId: id });
    const mine = async (today: string) => (await volunteerWarningDetector.detect(h.deps, today)).filter((d) => d.subject === id).map((d) => [d.kind, d.orgId === w.community.id, d.detail]);
    expect(await mine('2026-12-02')).toEqual([]);
    expect(await mine('2026-12-04')).toEqual([['undersubscribed', true, '2026-12-05 开始，已报名 1 人，招募 4 人']]);
    expect(await mine('2026-12-08')).toEqual([]);
    expect(await mine('2026-12-09')).toEqual([['unattested', true, '活动已于 2026-12-05 结束，仍有 1 名志愿者未认定服务时长，请登记签到签退或未到场']]);
    clock.set('2026-12-09T04:00:00Z');
    await w.sec.post(`/api/v1/volunteer/activities/${id}/attest`, { signupId: await signupOf(id, '志愿甲'), absent: true });
    expect(await mine('2026-12-09')).toEqual([]);
  });

  it('keeps the counters equal to the sign-ups; a rebuild mends a damaged one', async () => {
    const w = await world();
    const id = await publish(w.sec, w.community.id);
    await w.memberClient.post('/api/v1/me/volunteer/signups', { activityId: id });
    await w.residentClient.post('/api/v1/me/volunteer/signups', { activityId: id });
    const raw = async () => h.db.one<{ signed_up: number }>(sql`SELECT count(*)::int AS signed_up FROM volunteer_signup WHERE activity_id = ${id} AND status <> 'withdrawn'`);
    expect((await h.db.one<{ signed_up: number }>(sql`SELECT signed_up FROM volunteer_activity WHERE id = ${id}`)).signed_up).toBe((await raw()).signed_up);
    expect((await verifyVolunteer(h.db)).counterDifferences.filter((d) => d.id === id)).toEqual([]);
    await h.db.exec(sql`UPDATE volunteer_activity SET signed_up = 0 WHERE id = ${id}`);
    expect((await verifyVolunteer(h.db)).counterDifferences.filter((d) => d.id === id).map((d) => [d.signed_up, d.raw_signed_up])).toEqual([[0, 2]]);
    await rebuildVolunteerCounters(h.db);
    expect((await verifyVolunteer(h.db)).counterDifferences).toEqual([]);
  });
});
