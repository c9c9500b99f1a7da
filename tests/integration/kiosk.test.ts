import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { rotatingToken } from '../../src/server/platform/rotating-token';
import { createHarness, type Harness } from '../helpers/harness';
import { makeAccount, makeCommunity, makeResident, makeRoot } from '../helpers/factory';
import { sessionClient } from './security/support';

// The 智慧党群活动中心's screen (issue 17): a kiosk link made by the community's
// staff shows only the centre's public data (no resident's name, no address),
// the same 404 for an unknown and a revoked link; a volunteer with a place
// checks in by the rotating code of an activity open for check-in, and the
// organiser sees the arrival.

// 09:00 in Beijing on 8 December
const clock = fixedClock('2026-12-08T01:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await createHarness({}, { clock });
});
afterAll(async () => h.close());
beforeEach(() => clock.set('2026-12-08T01:00:00Z'));

const ACTIVITY = { description: '', capacity: 10, skills: [] };

async function world() {
  const root = await makeRoot(h.deps);
  const community = await makeCommunity(h.deps, root);
  const outside = await makeCommunity(h.deps, root);
  const staff = async (orgId: string) => sessionClient(h, (await makeAccount(h.deps, [{ role: 'secretary', orgId, scope: 'subtree' }])).id);
  const sec = await staff(community.id);
  const activity = async (orgId: string, c: typeof sec, title: string, startsAt: string, endsAt: string) => {
    const res = await c.post('/api/v1/volunteer/activities', { ...ACTIVITY, orgId, title, place: '党群服务中心一楼', startsAt, endsAt });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const outsideSec = await staff(outside.id);
  // 10:00–12:00 (check-in from 09:00) and 14:00–16:00 in Beijing today; another community's today; ours tomorrow
  const morning = await activity(community.id, sec, '为老人理发', '2026-12-08T02:00:00Z', '2026-12-08T04:00:00Z');
  const afternoon = await activity(community.id, sec, '清理楼道小广告', '2026-12-08T06:00:00Z', '2026-12-08T08:00:00Z');
  await activity(outside.id, outsideSec, '别处的活动', '2026-12-08T02:00:00Z', '2026-12-08T04:00:00Z');
  await activity(community.id, sec, '明天的活动', '2026-12-09T02:00:00Z', '2026-12-09T04:00:00Z');
  const r = await makeResident(h.deps, community.id, { name: '秦志愿' });
  const volunteer = await sessionClient(h, r.accountId);
  for (const id of [morning, afternoon]) expect((await volunteer.post('/api/v1/me/volunteer/signups', { activityId: id })).statusCode).toBe(200);
  const other = await sessionClient(h, (await makeResident(h.deps, community.id, { name: '未报名' })).accountId);
  // a need in the community with a resident's name and address that the screen must not show
  const publisher = await makeResident(h.deps, community.id, { name: '龚求助' });
  const need = await (await sessionClient(h, publisher.accountId)).post('/api/v1/me/needs', {
    category: 'repair', title: '帮忙修理晾衣架', detail: '家中只有老人', place: '幸福小区9栋3单元602', windowFrom: '2026-12-09T01:00:00Z', windowTo: '2026-12-09T03:00:00Z',
  });
  expect(need.statusCode, need.body).toBe(201);
  await h.db.exec(sql`INSERT INTO mall_item (supplier_org_id, audience_org_id, kind, name, points_price, sale_from, pickup_place, stock, created_at, updated_at)
    VALUES (${community.id}, ${community.id}, 'goods', '环保购物袋', 20, '2026-01-01', '党群服务中心服务台', 5, now(), now())`);
  return { root, community, outside, sec, outsideSec, morning, afternoon, volunteer, other };
}

const board = (url: string) => h.app.inject({ method: 'GET', url: `/api/v1${url}` });

describe('kiosk links and the board', () => {
  it('shows the centre\'s public data by the link, nothing else; the same 404 for an unknown and a revoked link', async () => {
    const w = await world();
    const made = await w.sec.post('/api/v1/kiosks', { orgId: w.community.id, name: '一楼大厅触摸屏' });
    expect(made.statusCode, made.body).toBe(201);
    const { kiosk, url } = made.json();
    expect(url).toMatch(/^\/kiosk\/[A-Za-z0-9_-]{32}$/);
    // the token is kept as a hash only
    expect(await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM kiosk WHERE id = ${kiosk.id} AND token_hash IS NOT NULL`)).toEqual({ n: 1 });

    const res = await board(url); // no session
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json();
    expect(b.centre.kioskName).toBe('一楼大厅触摸屏');
    expect(b.today).toBe('2026-12-08');
    expect(b.activities.map((a: { title: string; checkInUrl: string | null }) => [a.title, a.checkInUrl !== null])).toEqual([['为老人理发', true], ['清理楼道小广告', false]]);
    expect(b.needs).toMatchObject([{ category: '维修服务', title: '帮忙修理晾衣架' }]);
    expect(b.mallItems).toMatchObject([{ name: '环保购物袋', pointsPrice: 20, stock: 5, pickupPlace: '党群服务中心服务台' }]);
    // never the resident's name, the address or the details
    for (const secret of ['龚求助', '幸福小区', '家中只有老人', '秦志愿']) expect(res.body).not.toContain(secret);
    // the kiosk was seen
    expect((await w.sec.get(`/api/v1/kiosks?orgId=${w.community.id}`)).json().items).toMatchObject([{ id: kiosk.id, lastSeenAt: '2026-12-08T01:00:00.000Z', revokedAt: null }]);

    // scope: another community's staff neither list nor stop it
    expect((await w.outsideSec.get(`/api/v1/kiosks?orgId=${w.community.id}`)).statusCode).toBe(404);
    expect((await w.outsideSec.get('/api/v1/kiosks')).json().items.map((k: { id: string }) => k.id)).not.toContain(kiosk.id);
    expect((await w.outsideSec.post(`/api/v1/kiosks/${kiosk.id}/revoke`)).statusCode).toBe(404);

    const unknown = await board('/kiosk/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const stopped = await w.sec.post(`/api/v1/kiosks/${kiosk.id}/revoke`);
    expect(stopped.json()).toMatchObject({ revokedAt: '2026-12-08T01:00:00.000Z' });
    expect((await w.sec.post(`/api/v1/kiosks/${kiosk.id}/revoke`)).json().error.code).toBe('KIOSK_REVOKED');
    const revoked = await board(url);
    expect([unknown.statusCode, revoked.statusCode]).toEqual([404, 404]);
    const { code, message } = unknown.json().error;
    expect(revoked.json().error).toMatchObject({ code, message });
    // a malformed token: 400 before any lookup
    expect((await board('/kiosk/short')).statusCode).toBe(400);
  });
});

describe('check-in by the screen\'s code', () => {
  it('records the arrival of a volunteer with a place, once; refuses a forged or stale code, no place, and outside the check-in time', async () => {
    const w = await world();
    const { kiosk, url } = (await w.sec.post('/api/v1/kiosks', { orgId: w.community.id, name: '大厅屏' })).json();
    const b = (await board(url)).json();
    const scanned = new URL(b.activities[0].checkInUrl, 'http://kiosk.test');
    const body = { activityId: scanned.searchParams.get('a'), kioskId: scanned.searchParams.get('k'), token: scanned.searchParams.get('t') };
    expect(body).toMatchObject({ activityId: w.morning, kioskId: kiosk.id });

    // someone without a place
    expect((await w.other.post('/api/v1/me/volunteer/check-in', body)).json().error.code).toBe('CHECKIN_NOT_SIGNED_UP');
    // a forged code
    const forged = await w.volunteer.post('/api/v1/me/volunteer/check-in', { ...body, token: `${body.token!.split('.')[0]}.${'A'.repeat(24)}` });
    expect([forged.statusCode, forged.json().error.code]).toEqual([422, 'KIOSK_CODE_INVALID']);
    // the code of another activity does not fit this one
    expect((await w.volunteer.post('/api/v1/me/volunteer/check-in', { ...body, activityId: w.afternoon })).json().error.code).toBe('KIOSK_CODE_INVALID');

    // a code two minutes old (two 60-second slots): stale
    const key = (await h.db.one<{ signin_key: Buffer }>(sql`SELECT signin_key FROM kiosk WHERE id = ${kiosk.id}`)).signin_key;
    const stale = rotatingToken(key, w.morning, new Date(Date.parse('2026-12-08T01:00:00Z') - 120_000), 60).token;
    const old = await w.volunteer.post('/api/v1/me/volunteer/check-in', { ...body, token: stale });
    expect(old.json().error).toMatchObject({ code: 'KIOSK_CODE_INVALID', message: '签到码已过期，请重新扫描活动中心大屏上的二维码' });
    // the afternoon activity with a genuine code: not yet open for check-in (from 13:00)
    const early = rotatingToken(key, w.afternoon, new Date('2026-12-08T01:00:00Z'), 60).token;
    expect((await w.volunteer.post('/api/v1/me/volunteer/check-in', { ...body, activityId: w.afternoon, token: early })).json().error.code).toBe('CHECKIN_CLOSED');

    // the volunteer scans a minute later (the code of the slot before still works)
    clock.set('2026-12-08T01:01:00Z');
    const ok = await w.volunteer.post('/api/v1/me/volunteer/check-in', body);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ activityTitle: '为老人理发', arrivedAt: '2026-12-08T01:01:00.000Z', alreadyCheckedIn: false });
    clock.set('2026-12-08T01:01:30Z');
    expect((await w.volunteer.post('/api/v1/me/volunteer/check-in', body)).json()).toMatchObject({ arrivedAt: '2026-12-08T01:01:00.000Z', alreadyCheckedIn: true });

    // the organiser sees the arrival; the hours are still theirs to attest
    const detail = (await w.sec.get(`/api/v1/volunteer/activities/${w.morning}`)).json();
    expect(detail.signups).toMatchObject([{ name: '秦志愿', arrivedAt: '2026-12-08T01:01:00.000Z', status: 'signed_up', hours: null }]);
    // the check-in was audited on the centre
    const a = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'kiosk.check_in' AND object_id = ${w.morning}`);
    expect(a.n).toBe(1);

    // after the end: closed; a revoked kiosk's codes: invalid
    clock.set('2026-12-08T04:00:01Z');
    const late = rotatingToken(key, w.morning, new Date('2026-12-08T04:00:01Z'), 60).token;
    expect((await w.volunteer.post('/api/v1/me/volunteer/check-in', { ...body, token: late })).json().error.code).toBe('CHECKIN_CLOSED');
    await w.sec.post(`/api/v1/kiosks/${kiosk.id}/revoke`);
    clock.set('2026-12-08T01:30:00Z');
    const fresh = rotatingToken(key, w.morning, new Date('2026-12-08T01:30:00Z'), 60).token;
    expect((await w.volunteer.post('/api/v1/me/volunteer/check-in', { ...body, token: fresh })).json().error.code).toBe('KIOSK_CODE_INVALID');
  });
});
