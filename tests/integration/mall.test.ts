import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { releaseStaleReservations, verifyPoints } from '../../src/server/domains/points';
import { expireOverdueRedemptions, mallWarningDetector, rebuildMallCounters, verifyMall } from '../../src/server/domains/mall';
import type { PointRules } from '../../src/contracts/points';
import type { MallItemView, MyMall, RedemptionView, StockLedger } from '../../src/contracts/mall';
import { cellsOf, sheetsOf } from '../helpers/xlsx';

// 积分商城 (issue 17): the supplier's catalogue and stock ledger, a member's
// redemption (points reserved in the ledger and stock taken in one
// transaction), the pick-up desk's code, cancellation and expiry giving both
// back, every refusal leaving nothing behind, the last unit bought by exactly
// one of several concurrent buyers, and the item counters against a
// recomputation written here.

const clock = fixedClock('2026-12-04T04:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await createHarness({}, { clock });
});
afterAll(async () => h.close());

const RULES: PointRules = {
  items: [{ key: 'manual.award', label: '志愿服务', points: 100, caps: { year: 1000 } }, { key: 'manual.deduction', label: '违反纪律', points: -20, caps: {} }],
  expiry: null,
  secondApproverAbove: 1000,
};

const key = () => `mall-test-${crypto.randomUUID()}`;

/**
 * A community committee that supplies the mall, a branch under it with two
 * members holding points, a branch elsewhere (outside the item's audience),
 * the community's secretary and another community's.
 */
async function world(points = 100) {
  clock.set('2026-12-04T04:00:00Z');
  const county = await makeRoot(h.deps, '商城测试县委');
  const community = await makeOrg(h.deps, county, 'committee', '幸福社区党委');
  const branch = await makeOrg(h.deps, community, 'branch', '幸福社区第一支部');
  const elsewhere = await makeOrg(h.deps, county, 'committee', '向阳社区党委');
  const farBranch = await makeOrg(h.deps, elsewhere, 'branch', '向阳社区支部');
  const admin = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: county.id, scope: 'subtree' }])).username, PASSWORD);
  // the branches' point rules, passed by their 支部党员大会 (awards need them)
  for (const orgId of [branch.id, farBranch.id]) {
    const p = await admin.post('/api/v1/points/rules/proposals', { orgId, effectiveFrom: '2026-12-04', rules: RULES });
    expect(p.statusCode, p.body).toBe(201);
    const a = await admin.post(`/api/v1/points/rules/proposals/${p.json().id}/approve`, { version: 0, votedOn: '2026-12-04', expected: 10, present: 9, written: 0, yes: 9, no: 0, abstain: 0 });
    expect(a.statusCode, a.body).toBe(200);
  }
  const member = async (orgId: string, name: string, n: number) => {
    const m = await makeMember(h.deps, orgId, { name });
    if (n > 0) {
      const r = await admin.post('/api/v1/points/awards', { personId: m.id, item: 'manual.award', points: n, factDate: '2026-12-04', reason: '参加社区志愿服务', idempotencyKey: key() });
      expect(r.statusCode, r.body).toBe(200);
    }
    const c = await login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId, scope: 'self' }], m.id)).username, PASSWORD);
    return { id: m.id, c };
  };
  return {
    county, community, branch, farBranch, admin,
    sec: await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: community.id, scope: 'subtree' }])).username, PASSWORD),
    otherSec: await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: elsewhere.id, scope: 'subtree' }])).username, PASSWORD),
    alice: await member(branch.id, '商城甲', points),
    bob: await member(branch.id, '商城乙', points),
    far: await member(farBranch.id, '商城丙', points),
  };
}

type World = Awaited<ReturnType<typeof world>>;

const ITEM = { kind: 'goods', name: '环保购物袋', description: '社区党群服务中心提供', pointsPrice: 30, perPersonLimit: 2, saleFrom: '2026-11-01', saleTo: '2026-12-31', pickupPlace: '幸福社区党群服务中心一楼', initialStock: 5 };

async function createItem(w: World, over: Record<string, unknown> = {}): Promise<string> {
  const r = await w.sec.post('/api/v1/mall/items', { ...ITEM, supplierOrgId: w.community.id, ...over });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
}

const redeem = (c: Client, itemId: string, quantity = 1, idempotencyKey = key()) => c.post('/api/v1/me/mall/redemptions', { itemId, quantity, idempotencyKey });

async function item(w: World, id: string): Promise<MallItemView> {
  const r = await w.sec.get(`/api/v1/mall/items/${id}/stock`);
  expect(r.statusCode, r.body).toBe(200);
  return (r.json() as StockLedger).item;
}

async function myMall(c: Client): Promise<MyMall> {
  const r = await c.get('/api/v1/me/mall');
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as MyMall;
}

/** What the test itself recomputes for an item from the raw facts. */
async function rawCounts(itemId: string) {
  return h.db.one<{ stock: number; reserved: number; fulfilled: number; entries: number }>(sql`SELECT
    (SELECT coalesce(sum(quantity), 0)::int FROM mall_stock_entry WHERE item_id = ${itemId}) AS stock,
    (SELECT coalesce(sum(quantity), 0)::int FROM mall_redemption WHERE item_id = ${itemId} AND status = 'reserved') AS reserved,
    (SELECT coalesce(sum(quantity), 0)::int FROM mall_redemption WHERE item_id = ${itemId} AND status = 'fulfilled') AS fulfilled,
    (SELECT count(*)::int FROM mall_stock_entry WHERE item_id = ${itemId}) AS entries`);
}

async function ledgersClean(w: World) {
  for (const p of [w.alice, w.bob, w.far]) {
    const v = await verifyPoints(h.db, p.id);
    expect(v.broken).toEqual([]);
    expect(v.balanceDrift).toEqual([]);
    expect(v.unbalanced).toEqual([]);
  }
  expect((await verifyPoints(h.db)).rollup).toEqual([]);
  const m = await verifyMall(h.db);
  expect(m.counterDifferences).toEqual([]);
  expect(m.holdMismatches).toEqual([]);
}

describe('the supplier\'s catalogue', () => {
  it('lists an item with its first stock in the ledger, refuses bad input field by field, and keeps other communities out', async () => {
    const w = await world(0);
    const bad = await w.sec.post('/api/v1/mall/items', { ...ITEM, supplierOrgId: w.community.id, pointsPrice: 0, saleTo: '2026-10-01' });
    expect(bad.statusCode).toBe(400);
    const fields = (bad.json().error.details.issues as Array<{ field: string; message: string }>).map((i) => `${i.field}: ${i.message}`).sort();
    expect(fields).toEqual(['pointsPrice: 兑换积分至少为1分', 'saleTo: 兑换截止日期不能早于开始日期']);
    // another community's secretary cannot supply in this community's name
    expect((await w.otherSec.post('/api/v1/mall/items', { ...ITEM, supplierOrgId: w.community.id })).statusCode).toBe(404);

    const id = await createItem(w);
    const listed = await w.sec.get(`/api/v1/mall/items?orgId=${w.community.id}`);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toMatchObject([{ id, name: '环保购物袋', stock: 5, reserved: 0, fulfilled: 0, onSaleToday: true, supplierOrgName: '幸福社区党委', audienceOrgName: '幸福社区党委' }]);
    const ledger = (await w.sec.get(`/api/v1/mall/items/${id}/stock`)).json() as StockLedger;
    expect(ledger.entries.map((e) => [e.kind, e.quantity, e.stockAfter, e.reason])).toEqual([['stock_in', 5, 5, '首批入库']]);
    expect((await w.otherSec.get(`/api/v1/mall/items/${id}/stock`)).statusCode).toBe(404);
    expect((await w.otherSec.get('/api/v1/mall/items')).json().items).toEqual([]);
    // a member has no console access to the catalogue
    expect((await w.alice.c.get('/api/v1/mall/items')).statusCode).toBe(403);

    // stock in and out; out never below what is free
    expect((await w.sec.post(`/api/v1/mall/items/${id}/stock`, { quantity: 3, reason: '街道捐赠' })).json()).toMatchObject({ stock: 8 });
    const over = await w.sec.post(`/api/v1/mall/items/${id}/stock`, { quantity: -9, reason: '盘点破损' });
    expect(over.statusCode).toBe(422);
    expect(over.json().error).toMatchObject({ code: 'MALL_OUT_OF_STOCK', message: '当前可兑换库存 8 件，盘减不能超过该数（待领取的 0 件已被兑换占用）' });
    expect((await w.sec.post(`/api/v1/mall/items/${id}/stock`, { quantity: -2, reason: '盘点破损' })).json()).toMatchObject({ stock: 6 });
    const after = (await w.sec.get(`/api/v1/mall/items/${id}/stock`)).json() as StockLedger;
    expect(after.entries.map((e) => [e.kind, e.quantity, e.stockAfter])).toEqual([['adjust_out', -2, 6], ['stock_in', 3, 8], ['stock_in', 5, 5]]);

    // an edit with a stale version is refused; withdrawing takes it off the members' window
    const v = after.item.version;
    const body = { ...ITEM, name: '环保布袋', perPersonLimit: 2, saleTo: '2026-12-31', status: 'withdrawn', version: v };
    expect((await w.sec.put(`/api/v1/mall/items/${id}`, body)).json()).toMatchObject({ name: '环保布袋', status: 'withdrawn', onSaleToday: false });
    expect((await w.sec.put(`/api/v1/mall/items/${id}`, body)).json().error.code).toBe('CONFLICT');
    expect((await myMall(w.alice.c)).items).toEqual([]);
  });
});

describe('redeeming and picking up', () => {
  it('reserves the points and the stock, shows the code only to the member, and the desk confirms with the code', async () => {
    const w = await world();
    const id = await createItem(w);
    const window = await myMall(w.alice.c);
    expect(window).toMatchObject({ balance: 100, onHold: 0, items: [{ id, name: '环保购物袋', pointsPrice: 30, stock: 5, redeemedByMe: 0 }] });
    // the member of a branch outside the audience sees nothing and cannot buy
    expect((await myMall(w.far.c)).items).toEqual([]);
    expect((await redeem(w.far.c, id)).statusCode).toBe(404);

    const r = await redeem(w.alice.c, id, 2);
    expect(r.statusCode, r.body).toBe(200);
    const red = r.json() as RedemptionView;
    expect(red).toMatchObject({ itemName: '环保购物袋', quantity: 2, points: 60, status: 'reserved', pickupBy: '2026-12-18', pickupPlace: '幸福社区党群服务中心一楼' });
    expect(red.code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
    expect(await myMall(w.alice.c)).toMatchObject({ balance: 40, onHold: 60, items: [{ id, stock: 3, redeemedByMe: 2 }] });
    expect(await item(w, id)).toMatchObject({ stock: 3, reserved: 2, fulfilled: 0 });
    // the supplier's list never shows the code
    const listed = (await w.sec.get(`/api/v1/mall/redemptions?itemId=${id}`)).json();
    expect(listed.items).toMatchObject([{ id: red.id, personName: '商城甲', status: 'reserved', code: null }]);

    // a wrong code, and the right code at another community's desk, read the same
    const wrong = await w.sec.post('/api/v1/mall/redemptions/fulfil', { code: red.code === 'ZZZZZZZZ' ? 'YYYYYYYY' : 'ZZZZZZZZ' });
    expect(wrong.json().error).toMatchObject({ code: 'MALL_CODE_INVALID', message: '兑换码不正确，或该兑换已领取、已取消' });
    expect((await w.otherSec.post('/api/v1/mall/redemptions/fulfil', { code: red.code })).json().error.code).toBe('MALL_CODE_INVALID');
    const badShape = await w.sec.post('/api/v1/mall/redemptions/fulfil', { code: '12' });
    expect(badShape.statusCode).toBe(400);
    expect(badShape.json().error.details.issues[0].message).toBe('兑换码为8位字母或数字，请核对后重新输入');

    // typed in lower case at the desk: accepted
    const done = await w.sec.post('/api/v1/mall/redemptions/fulfil', { code: red.code!.toLowerCase() });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ id: red.id, status: 'fulfilled', personName: '商城甲', quantity: 2 });
    expect(await myMall(w.alice.c)).toMatchObject({ balance: 40, onHold: 0 });
    expect(await item(w, id)).toMatchObject({ stock: 3, reserved: 0, fulfilled: 2 });
    // the points are spent: a confirm transaction of −60, in the branch's rollup of the month
    const spent = await h.db.one<{ points: number; spent: number }>(sql`SELECT
      (SELECT points FROM point_txn WHERE person_id = ${w.alice.id} AND kind = 'confirm') AS points,
      (SELECT spent FROM point_rollup WHERE org_id = ${w.branch.id} AND month = '2026-12-01') AS spent`);
    expect(spent).toEqual({ points: -60, spent: 60 });
    // once picked up, the code no longer works and nothing can cancel it
    expect((await w.sec.post('/api/v1/mall/redemptions/fulfil', { code: red.code })).json().error.code).toBe('MALL_CODE_INVALID');
    expect((await w.alice.c.post(`/api/v1/mall/redemptions/${red.id}/cancel`, { reason: '不要了' })).json().error.code).toBe('MALL_STATE');
    const mine = (await w.alice.c.get('/api/v1/me/mall/redemptions')).json();
    expect(mine.items).toMatchObject([{ id: red.id, status: 'fulfilled', code: null }]);
    await ledgersClean(w);
  });

  it('refuses beyond the balance, the stock, the per-person limit and the sale window, and writes nothing when it refuses', async () => {
    const w = await world(70);
    const id = await createItem(w, { initialStock: 3 });
    const before = await h.db.one<{ txns: number; reds: number; entries: number }>(sql`SELECT (SELECT count(*)::int FROM point_txn) AS txns, (SELECT count(*)::int FROM mall_redemption) AS reds, (SELECT count(*)::int FROM mall_stock_entry) AS entries`);
    const refused = async (c: Client, itemId: string, quantity: number, code: string, message: string) => {
      const r = await redeem(c, itemId, quantity);
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().error).toMatchObject({ code, message });
    };
    const dear = await createItem(w, { name: '电饭煲', pointsPrice: 80, perPersonLimit: null, initialStock: 2 });
    await refused(w.alice.c, dear, 1, 'POINTS_INSUFFICIENT', '可用积分 70 分，不足 80 分');
    const badge = await createItem(w, { name: '限量纪念徽章', pointsPrice: 10, perPersonLimit: null, initialStock: 2 });
    await refused(w.alice.c, badge, 3, 'MALL_OUT_OF_STOCK', '该商品仅剩 2 件');
    await refused(w.alice.c, id, 11, 'MALL_LIMIT_REACHED', '一次最多兑换 10 件');
    const later = await createItem(w, { name: '新年挂历', saleFrom: '2026-12-20' });
    await refused(w.alice.c, later, 1, 'MALL_NOT_ON_SALE', '该商品 2026-12-20 起可兑换');
    const after = await h.db.one<{ txns: number; reds: number; entries: number }>(sql`SELECT (SELECT count(*)::int FROM point_txn) AS txns, (SELECT count(*)::int FROM mall_redemption) AS reds, (SELECT count(*)::int FROM mall_stock_entry) AS entries`);
    // only the three items' first stock was written in between
    expect(after).toEqual({ txns: before.txns, reds: before.reds, entries: before.entries + 3 });
    expect(await myMall(w.alice.c)).toMatchObject({ balance: 70, onHold: 0 });

    // per person: 2 of the bag; the third is refused, naming what is held
    expect((await redeem(w.alice.c, id, 1)).statusCode).toBe(200);
    expect((await redeem(w.alice.c, id, 1)).statusCode).toBe(200);
    await refused(w.alice.c, id, 1, 'MALL_LIMIT_REACHED', '该商品每人限兑 2 件，您已兑换 2 件');
    // a cancelled one no longer counts
    const first = (await w.alice.c.get('/api/v1/me/mall/redemptions')).json().items[0] as RedemptionView;
    expect((await w.alice.c.post(`/api/v1/mall/redemptions/${first.id}/cancel`, { reason: '买错了' })).json()).toMatchObject({ status: 'cancelled', cancelReason: '买错了' });
    expect((await redeem(w.alice.c, id, 1)).statusCode).toBe(200);
    await ledgersClean(w);
  });

  it('answers a repeated request with the same redemption, and refuses the key with another quantity', async () => {
    const w = await world();
    const id = await createItem(w);
    const k = key();
    const a = await redeem(w.alice.c, id, 1, k);
    const b = await redeem(w.alice.c, id, 1, k);
    expect(b.json()).toEqual(a.json());
    const c = await redeem(w.alice.c, id, 2, k);
    expect(c.statusCode).toBe(422);
    expect(c.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // the same key at once from two tabs: one redemption
    const k2 = key();
    const [x, y] = await Promise.all([redeem(w.bob.c, id, 1, k2), redeem(w.bob.c, id, 1, k2)]);
    expect([x.statusCode, y.statusCode]).toEqual([200, 200]);
    expect(x.json().id).toBe(y.json().id);
    expect(await item(w, id)).toMatchObject({ stock: 3, reserved: 2 });
    await ledgersClean(w);
  });
});

describe('the last unit', () => {
  it('goes to exactly one of five concurrent buyers; the others are told it is gone and keep their points', async () => {
    const w = await world();
    const id = await createItem(w, { initialStock: 1, perPersonLimit: null });
    const extra = await Promise.all([1, 2, 3].map(async (n) => {
      const m = await makeMember(h.deps, w.branch.id, { name: `抢购${n}` });
      expect((await w.admin.post('/api/v1/points/awards', { personId: m.id, item: 'manual.award', points: 100, factDate: '2026-12-04', reason: '参加社区志愿服务', idempotencyKey: key() })).statusCode).toBe(200);
      return login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId: w.branch.id, scope: 'self' }], m.id)).username, PASSWORD);
    }));
    const buyers = [w.alice.c, w.bob.c, ...extra];
    const answers = await Promise.all(buyers.map((c) => redeem(c, id)));
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(1);
    const losers = answers.filter((a) => a.statusCode !== 200);
    expect(losers.map((l) => [l.statusCode, l.json().error.code, l.json().error.message])).toEqual(Array(4).fill([422, 'MALL_OUT_OF_STOCK', '该商品已兑完']));
    expect(await item(w, id)).toMatchObject({ stock: 0, reserved: 1 });
    const held = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM point_txn t JOIN mall_redemption r ON r.reservation_txn = t.id WHERE r.item_id = ${id}`);
    expect(held.n).toBe(1);
    await ledgersClean(w);
  });
});

describe('cancellation and expiry', () => {
  it('gives the points and the stock back, by the member or the supplier, never by another community, and once', async () => {
    const w = await world();
    const id = await createItem(w);
    const a = (await redeem(w.alice.c, id, 2)).json() as RedemptionView;
    const b = (await redeem(w.bob.c, id, 1)).json() as RedemptionView;
    expect((await w.otherSec.post(`/api/v1/mall/redemptions/${a.id}/cancel`, { reason: '越权取消' })).statusCode).toBe(404);
    expect((await w.bob.c.post(`/api/v1/mall/redemptions/${a.id}/cancel`, { reason: '替人取消' })).statusCode).toBe(404);
    expect((await w.alice.c.post(`/api/v1/mall/redemptions/${a.id}/cancel`, { reason: '' })).statusCode).toBe(400);
    const mine = await w.alice.c.post(`/api/v1/mall/redemptions/${a.id}/cancel`, { reason: '时间来不及领取' });
    expect(mine.json()).toMatchObject({ status: 'cancelled', cancelReason: '时间来不及领取' });
    expect((await w.alice.c.post(`/api/v1/mall/redemptions/${a.id}/cancel`, { reason: '再取消一次' })).json().error.code).toBe('MALL_STATE');
    expect((await w.sec.post(`/api/v1/mall/redemptions/${b.id}/cancel`, { reason: '商品受潮，无法提供' })).json()).toMatchObject({ status: 'cancelled', code: null });
    // the supplier's cancellation is told to the member; their own is not
    const told = await h.db.query<{ person_id: string; kind: string; title: string; body: string }>(sql`SELECT a.person_id, n.kind, n.title, n.body FROM notification n JOIN account a ON a.id = n.account_id
      WHERE a.person_id IN (${w.alice.id}, ${w.bob.id}) AND n.kind = 'mall'`);
    expect(told).toEqual([{ person_id: w.bob.id, kind: 'mall', title: '兑换已取消：环保购物袋 × 1', body: '幸福社区党委取消了您的兑换，原因：商品受潮，无法提供。冻结的 30 积分已退回。' }]);
    expect(await myMall(w.alice.c)).toMatchObject({ balance: 100, onHold: 0 });
    expect(await myMall(w.bob.c)).toMatchObject({ balance: 100, onHold: 0 });
    expect(await item(w, id)).toMatchObject({ stock: 5, reserved: 0 });
    const ledger = (await w.sec.get(`/api/v1/mall/items/${id}/stock`)).json() as StockLedger;
    expect(ledger.entries.map((e) => [e.kind, e.quantity, e.stockAfter])).toEqual([['release', 1, 5], ['release', 2, 4], ['redeem', -1, 2], ['redeem', -2, 3], ['stock_in', 5, 5]]);
    await ledgersClean(w);
  });

  it('is left alone by the points job after 48 hours and expired by the mall job after its pick-up day', async () => {
    const w = await world();
    const id = await createItem(w);
    const a = (await redeem(w.alice.c, id, 1)).json() as RedemptionView;
    const job = { requestId: 'test-job', ip: null, actor: null };
    clock.set('2026-12-10T04:00:00Z');
    await releaseStaleReservations(h.deps, 48);
    expect(await myMall(w.alice.c)).toMatchObject({ balance: 70, onHold: 30 });
    // the last day to pick up is still in time
    clock.set('2026-12-18T15:00:00Z');
    expect(await expireOverdueRedemptions(h.deps, job)).toBe(0);
    clock.set('2026-12-19T01:00:00Z');
    // (the job expires every overdue redemption in the database: the other tests' open ones too)
    expect(await expireOverdueRedemptions(h.deps, job)).toBeGreaterThanOrEqual(1);
    expect(await expireOverdueRedemptions(h.deps, job)).toBe(0);
    const mine = (await w.alice.c.get('/api/v1/me/mall/redemptions')).json().items as RedemptionView[];
    expect(mine).toMatchObject([{ id: a.id, status: 'expired', cancelReason: '逾期未领取' }]);
    const told = await h.db.query<{ title: string; link: string }>(sql`SELECT n.title, n.link FROM notification n JOIN account a ON a.id = n.account_id WHERE a.person_id = ${w.alice.id} AND n.kind = 'mall'`);
    expect(told).toEqual([{ title: '兑换逾期未领取：环保购物袋 × 1', link: '/m/mall' }]);
    expect(await myMall(w.alice.c)).toMatchObject({ balance: 100, onHold: 0 });
    expect(await item(w, id)).toMatchObject({ stock: 5, reserved: 0 });
    await ledgersClean(w);
  });
});

describe('the reconciliation workbook', () => {
  it('exports the redemptions of a period and the items stock, read back without exceljs; another community gets 404', async () => {
    const w = await world();
    const id = await createItem(w, { name: '=环保袋' });
    clock.set('2026-11-30T03:00:00Z');
    const early = (await redeem(w.alice.c, id, 1)).json() as RedemptionView;
    clock.set('2026-12-04T04:00:00Z');
    const a = (await redeem(w.alice.c, id, 1)).json() as RedemptionView;
    const b = (await redeem(w.bob.c, id, 2)).json() as RedemptionView;
    expect((await w.sec.post('/api/v1/mall/redemptions/fulfil', { code: a.code })).statusCode).toBe(200);
    expect((await w.sec.post(`/api/v1/mall/redemptions/${b.id}/cancel`, { reason: '库存盘点有误' })).statusCode).toBe(200);
    // the list and the workbook take the same dates (Beijing days)
    const dec = await w.sec.get(`/api/v1/mall/redemptions?itemId=${id}&from=2026-12-01&to=2026-12-31`);
    expect((dec.json().items as RedemptionView[]).map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect((await w.sec.get(`/api/v1/mall/redemptions?itemId=${id}&from=2026-12-05&to=2026-12-01`)).statusCode).toBe(400);

    const res = await w.sec.get(`/api/v1/mall/redemptions/export?orgId=${w.community.id}&from=2026-12-01&to=2026-12-31`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const xlsx = Buffer.from(res.rawPayload);
    const sheets = sheetsOf(xlsx);
    expect(sheets.map((x) => x.name)).toEqual(['兑换记录', '商品库存']);
    const list = cellsOf(xlsx, sheets[0].part);
    expect(list.get('A1')!.text).toBe('积分商城兑换记录\u3000幸福社区党委\u3000全部状态\u30002026-12-01 至 2026-12-31');
    expect(['A2', 'B2', 'C2', 'E2', 'H2', 'I2'].map((r) => list.get(r)!.text)).toEqual(['序号', '兑换时间', '党员', '商品', '积分', '状态']);
    const rows = [3, 4].map((n) => ['B', 'C', 'E', 'G', 'H', 'I', 'L'].map((c) => list.get(`${c}${n}`)?.text ?? ''));
    // newest first; the name that starts like a formula stays text
    expect(rows.map((r) => r.slice(1))).toEqual(expect.arrayContaining([
      ['商城甲', "'=环保袋", '1', '30', '已领取', ''],
      ['商城乙', "'=环保袋", '2', '60', '已取消', '库存盘点有误'],
    ]));
    expect(rows.every((r) => r[0] === '2026-12-04 12:00')).toBe(true);
    expect(list.get('A5')!.text).toBe('共 2 笔；已领取 30 积分，待领取冻结 0 积分。');
    const stock = cellsOf(xlsx, sheets[1].part);
    expect(['A3', 'E3', 'F3', 'G3', 'H3', 'I3'].map((r) => stock.get(r)!.text)).toEqual(["'=环保袋", '30', '3', '1', '1', '2']);
    const audit = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'mall.export' AND org_id = ${w.community.id}`);
    expect(audit.n).toBe(1);
    expect((await w.otherSec.get(`/api/v1/mall/redemptions/export?orgId=${w.community.id}`)).statusCode).toBe(404);
    void early;
  });
});

describe('warnings', () => {
  it('names an item on sale with nothing left, and redemptions two days from their last pick-up day, on the supplier', async () => {
    const w = await world();
    const id = await createItem(w, { initialStock: 1 });
    const other = await createItem(w, { name: '义诊服务', kind: 'service', initialStock: 3 });
    expect((await redeem(w.alice.c, id)).statusCode).toBe(200);
    expect((await redeem(w.bob.c, other)).statusCode).toBe(200);
    const mine = async (today: string) => (await mallWarningDetector.detect(h.deps, today)).filter((d) => d.subject === id || d.subject === other).map((d) => [d.kind, d.subject === id ? '购物袋' : '义诊', d.orgId === w.community.id, d.detail]).sort();
    expect(await mine('2026-12-04')).toEqual([['sold_out', '购物袋', true, '已兑完（另有 1 件待领取），请补货或下架']]);
    // pick-up by 2026-12-18: from the 16th the supplier is reminded
    expect((await mine('2026-12-16')).filter((d) => d[0] === 'pickups_due')).toEqual([
      ['pickups_due', '义诊', true, '1 笔兑换最迟 2026-12-18 须领取，逾期将自动取消并退回积分，请提醒兑换人'],
      ['pickups_due', '购物袋', true, '1 笔兑换最迟 2026-12-18 须领取，逾期将自动取消并退回积分，请提醒兑换人'],
    ]);
    // restocked: no longer sold out
    await w.sec.post(`/api/v1/mall/items/${id}/stock`, { quantity: 4, reason: '补货' });
    expect(await mine('2026-12-04')).toEqual([]);
  });
});

describe('the item counters', () => {
  it('match a recomputation from the stock ledger and the redemptions after a mixed run; verify finds a corrupted counter and rebuild mends it', async () => {
    const w = await world(1000);
    const ids = [await createItem(w, { perPersonLimit: null, initialStock: 8 }), await createItem(w, { name: '理发服务', kind: 'service', pointsPrice: 20, perPersonLimit: null, initialStock: 6 })];
    // a fixed sequence of redemptions, pick-ups, cancellations and stock moves
    const opened: RedemptionView[] = [];
    const buyers = [w.alice.c, w.bob.c];
    for (let i = 0; i < 12; i++) {
      const itemId = ids[i % 2];
      const r = await redeem(buyers[i % 2], itemId, 1 + (i % 3));
      if (r.statusCode === 200) opened.push(r.json() as RedemptionView);
      else expect(r.json().error.code).toBe('MALL_OUT_OF_STOCK');
      if (i % 4 === 1) await w.sec.post(`/api/v1/mall/items/${itemId}/stock`, { quantity: 2, reason: '补货' });
      if (i % 4 === 2 && opened.length) {
        const o = opened.shift()!;
        expect((await w.sec.post('/api/v1/mall/redemptions/fulfil', { code: o.code })).statusCode).toBe(200);
      }
      if (i % 4 === 3 && opened.length) {
        const o = opened.shift()!;
        expect((await w.sec.post(`/api/v1/mall/redemptions/${o.id}/cancel`, { reason: '供应方取消' })).statusCode).toBe(200);
      }
    }
    for (const id of ids) {
      const raw = await rawCounts(id);
      expect(await item(w, id)).toMatchObject({ stock: raw.stock, reserved: raw.reserved, fulfilled: raw.fulfilled });
      expect(raw.entries).toBeGreaterThan(3);
    }
    await ledgersClean(w);

    await h.db.exec(sql`UPDATE mall_item SET stock = stock + 7, fulfilled = 0 WHERE id = ${ids[0]}`);
    const broken = await verifyMall(h.db);
    expect(broken.ok).toBe(false);
    expect(broken.counterDifferences.map((d) => d.id)).toEqual([ids[0]]);
    await rebuildMallCounters(h.db);
    expect((await verifyMall(h.db)).ok).toBe(true);
    const raw = await rawCounts(ids[0]);
    expect(await item(w, ids[0])).toMatchObject({ stock: raw.stock, reserved: raw.reserved, fulfilled: raw.fulfilled });
  });
});
