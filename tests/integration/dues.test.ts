import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, type Client, type Harness, TEST_TODAY } from '../helpers/harness';
import { cellFormats, cellsOf, printLayout, sheetsOf } from '../helpers/xlsx';
import { DUES_CATEGORIES } from '../../src/contracts/dues';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { rebuildRollups, sendArrearsReminders } from '../../src/server/domains/dues';
import ExcelJS from 'exceljs';
import { multipartFile, readXlsx } from './security/support';

// Party dues through the HTTP API (RULES §2): the quote, bases with their
// components, idempotent monthly bills, payments (idempotent, exactly once per
// bill, back-payment limit), the summary from rollups checked against a raw
// recomputation, scope, and the member's own view.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

async function setup(members = 3) {
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch');
  const other = await makeOrg(h.deps, root, 'branch');
  const sec = await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'node' }]);
  const otherSec = await makeAccount(h.deps, [{ role: 'secretary', orgId: other.id, scope: 'node' }]);
  const sup = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
  const ids: string[] = [];
  for (let i = 0; i < members; i++) ids.push((await makeMember(h.deps, branch.id, { name: `交费党员${i}`, since: '2020-01-01' })).id);
  return {
    root, branch, other, ids,
    sec: await login(h.app, sec.username, PASSWORD), otherSec: await login(h.app, otherSec.username, PASSWORD), sup: await login(h.app, sup.username, PASSWORD),
  };
}

const key = () => `k-${crypto.randomUUID()}`;
const ok = async (p: Promise<{ statusCode: number; body: string; json(): unknown }>, status = 200) => {
  const r = await p;
  expect(r.statusCode, r.body).toBe(status);
  return r.json() as Record<string, unknown> & { items?: unknown[] };
};
const bills = async (c: Client, query: string) => (await ok(c.get(`/api/v1/dues/bills?${query}&pageSize=100`))) as unknown as { items: Array<{ id: string; personId: string; month: string; dueFen: number; status: string; paidOn: string | null }>; total: number; totals: { dueFen: number; paidFen: number } };

describe('dues', () => {
  it('quotes every category with its rate and rule version (amounts in 分)', async () => {
    const s = await setup(0);
    expect(await ok(s.sec.get('/api/v1/dues/quote?category=in_service&base=500001'))).toMatchObject({ amount: 7500, rate: 0.015, rateBp: 150, ruleVersion: { effectiveFrom: '2008-04-01' } });
    expect(await ok(s.sec.get('/api/v1/dues/quote?category=retired&base=500000'))).toMatchObject({ amount: 2500, rate: 0.005 });
    expect(await ok(s.sec.get('/api/v1/dues/quote?category=student'))).toMatchObject({ amount: 20, rate: null });
    const missing = await s.sec.get('/api/v1/dues/quote?category=in_service');
    expect(missing.statusCode).toBe(400);
    expect((await s.sec.get('/api/v1/dues/quote?category=bogus&base=1')).statusCode).toBe(400);
    // the pages read their thresholds from the version in force
    expect(await ok(s.sec.get(`/api/v1/dues/rules?month=2026-11&orgId=${s.branch.id}`))).toMatchObject({
      ruleVersion: { effectiveFrom: '2008-04-01' }, backPayMaxMonths: 6, arrearsWarnMonths: 3, arrearsActionMonths: 6, voluntaryLargeFen: 100000, deductSocialInsurance: false, farmerFen: 20, fixedFen: 20,
    });
    expect((await s.sec.get('/api/v1/dues/rules?month=2000-01')).statusCode).toBe(400);
    expect((await s.sec.get(`/api/v1/dues/rules?orgId=${s.other.id}`)).statusCode).toBe(404);
  });

  it('keeps bases with their components; a base change applies from its month', async () => {
    const s = await setup(1);
    const [m] = s.ids;
    const bad = await s.sec.post(`/api/v1/members/${m}/dues-bases`, { category: 'in_service', baseFen: 100, components: [{ item: '岗位工资', kind: 'include', amountFen: 400000 }], effectiveMonth: '2026-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('不一致');
    const set = await ok(s.sec.post(`/api/v1/members/${m}/dues-bases`, {
      category: 'in_service', effectiveMonth: '2026-01',
      components: [{ item: '岗位工资', kind: 'include', amountFen: 400000 }, { item: '薪级工资', kind: 'include', amountFen: 120000 }, { item: '奖励性绩效', kind: 'exclude', amountFen: 300000 }],
    }), 201);
    expect(set).toMatchObject({ amountFen: 7800, rateBp: 150 }); // 5200 × 1.5 % = 78
    await ok(s.sec.post(`/api/v1/members/${m}/dues-bases`, { category: 'in_service', baseFen: 480000, effectiveMonth: '2026-07' }), 201);
    const history = await ok(s.sec.get(`/api/v1/members/${m}/dues-bases`));
    expect((history.items as Array<{ effectiveMonth: string; baseFen: number; quote: { amount: number } }>).map((b) => [b.effectiveMonth, b.baseFen, b.quote.amount])).toEqual([['2026-07', 480000, 4800], ['2026-01', 520000, 7800]]);
  });

  it('lists members with and without a base in force this month, those without first, and scoped', async () => {
    const s = await setup(3);
    const [a, b, c] = s.ids;
    await ok(s.sec.post(`/api/v1/members/${a}/dues-bases`, { category: 'in_service', baseFen: 400000, effectiveMonth: '2026-01' }), 201);
    // b's first base starts next month: none is in force in December
    await ok(s.sec.post(`/api/v1/members/${b}/dues-bases`, { category: 'in_service', baseFen: 400000, effectiveMonth: '2027-01' }), 201);
    type Page = { month: string; withBase: number; withoutBase: number; total: number; items: Array<{ personId: string; category: string | null; baseFen: number | null; amountFen: number | null; effectiveMonth: string | null }> };
    const all = (await ok(s.sec.get(`/api/v1/dues/bases?orgId=${s.branch.id}`))) as unknown as Page;
    expect(all).toMatchObject({ month: '2026-12', withBase: 1, withoutBase: 2, total: 3 });
    expect(all.items.slice(0, 2).map((i) => i.personId).sort()).toEqual([b, c].sort());
    expect(all.items.slice(0, 2).every((i) => i.category === null && i.amountFen === null)).toBe(true);
    // 4,000 元 a month in service: 1 % (RULES §2, 3,000–5,000 元) = 40 元
    expect(all.items[2]).toEqual({ personId: a, name: '交费党员0', orgId: s.branch.id, orgName: expect.any(String), category: 'in_service', baseFen: 400000, amountFen: 4000, effectiveMonth: '2026-01' });
    const without = (await ok(s.sec.get(`/api/v1/dues/bases?orgId=${s.branch.id}&has=without`))) as unknown as Page;
    expect(without.total).toBe(2);
    expect(without.items.map((i) => i.personId).sort()).toEqual([b, c].sort());
    const found = (await ok(s.sec.get(`/api/v1/dues/bases?orgId=${s.branch.id}&q=${encodeURIComponent('交费党员2')}`))) as unknown as Page;
    expect(found.items.map((i) => i.personId)).toEqual([c]);
    expect((await s.otherSec.get(`/api/v1/dues/bases?orgId=${s.branch.id}`)).statusCode).toBe(404);
    expect(((await ok(s.otherSec.get('/api/v1/dues/bases'))) as unknown as Page).total).toBe(0);
  });

  it('bills a member at once when their base is in force this month and the month was already generated for the branch', async () => {
    const s = await setup(2);
    const [a, b] = s.ids;
    // the month not generated yet: the base is kept, no bill appears on its own
    const early = await ok(s.sec.post(`/api/v1/members/${a}/dues-bases`, { category: 'in_service', baseFen: 400000, effectiveMonth: '2026-12' }), 201);
    expect(early.currentBill).toBe(false);
    expect((await bills(s.sec, `personId=${a}`)).total).toBe(0);
    const gen = await ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month: '2026-12' }));
    expect(gen).toMatchObject({ created: 1, withoutBase: 1 });
    // a new member's base from this month: this month's bill is created now
    const now = await ok(s.sec.post(`/api/v1/members/${b}/dues-bases`, { category: 'in_service', baseFen: 600000, effectiveMonth: '2026-12' }), 201);
    expect(now.currentBill).toBe(true);
    expect((await bills(s.sec, `personId=${b}&month=2026-12`)).items.map((x) => [x.month, x.dueFen, x.status])).toEqual([['2026-12', 9000, 'unpaid']]);
    // a base from next month leaves this month's bill as it is
    const later = await ok(s.sec.post(`/api/v1/members/${b}/dues-bases`, { category: 'in_service', baseFen: 800000, effectiveMonth: '2027-01' }), 201);
    expect(later.currentBill).toBe(false);
    expect((await bills(s.sec, `personId=${b}&month=2026-12`)).items.map((x) => x.dueFen)).toEqual([9000]);
  });

  it('generates bills idempotently, corrects unpaid ones after a late base change, never touches paid ones', async () => {
    const s = await setup(3);
    const [a, b, c] = s.ids;
    await ok(s.sec.post(`/api/v1/members/${a}/dues-bases`, { category: 'in_service', baseFen: 300000, effectiveMonth: '2026-01' }), 201);
    await ok(s.sec.post(`/api/v1/members/${b}/dues-bases`, { category: 'retired', baseFen: 600000, effectiveMonth: '2026-01' }), 201);
    // c has no base yet: counted, not billed
    const gen = (month: string) => ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month }));
    expect(await gen('2026-03')).toMatchObject({ created: 2, updated: 0, unchanged: 0, withoutBase: 1 });
    expect(await gen('2026-03')).toMatchObject({ created: 0, updated: 0, unchanged: 2, withoutBase: 1 });
    expect(await gen('2026-04')).toMatchObject({ created: 2 });
    const march = await bills(s.sec, `orgId=${s.branch.id}&month=2026-03`);
    expect(march.items.map((x) => [x.personId, x.dueFen]).sort()).toEqual([[a, 1500], [b, 6000]].sort());
    // a pays March; then a's base is corrected back to January (the raise was paid since then)
    const billA3 = march.items.find((x) => x.personId === a)!;
    await ok(s.sec.post('/api/v1/dues/payments', { billIds: [billA3.id], method: 'cash', paidOn: '2026-03-20', idempotencyKey: key() }));
    await ok(s.sec.post(`/api/v1/members/${a}/dues-bases`, { category: 'in_service', baseFen: 600000, effectiveMonth: '2026-01', note: '补录调资' }), 201);
    await ok(s.sec.post(`/api/v1/members/${c}/dues-bases`, { category: 'student', effectiveMonth: '2026-01' }), 201);
    expect(await gen('2026-03')).toMatchObject({ created: 1, updated: 0, unchanged: 1, paidKept: 1, withoutBase: 0 });
    expect(await gen('2026-04')).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    const april = await bills(s.sec, `orgId=${s.branch.id}&month=2026-04`);
    expect(april.items.map((x) => [x.personId, x.dueFen]).sort()).toEqual([[a, 9000], [b, 6000], [c, 20]].sort());
    // sorted by the server over every page
    expect((await bills(s.sec, `orgId=${s.branch.id}&month=2026-04&sort=dueFen&order=desc`)).items.map((x) => x.dueFen)).toEqual([9000, 6000, 20]);
    expect((await ok(s.sec.get(`/api/v1/dues/bills?orgId=${s.branch.id}&month=2026-04&sort=dueFen&order=asc&pageSize=1&page=2`))).items).toEqual([expect.objectContaining({ dueFen: 6000 })]);
    expect((await s.sec.get(`/api/v1/dues/bills?sort=bogus`)).statusCode).toBe(400);
    const march2 = await bills(s.sec, `orgId=${s.branch.id}&month=2026-03`);
    expect(march2.items.find((x) => x.personId === a)).toMatchObject({ dueFen: 1500, status: 'paid', paidOn: '2026-03-20' });
    // the rollups equal a raw recomputation
    const raw = await h.db.one<{ due: number; paid: number; n: number }>(sql`SELECT coalesce(sum(due_fen), 0)::int AS due, coalesce(sum(due_fen) FILTER (WHERE paid_on IS NOT NULL), 0)::int AS paid, count(*)::int AS n
      FROM dues_bill b JOIN org o ON o.id = b.org_id WHERE o.path <@ ${s.root.path}::ltree`);
    const sum = await ok(s.sup.get(`/api/v1/dues/summary?orgId=${s.root.id}&from=2026-01&to=2026-12`));
    expect(sum.total).toMatchObject({ dueFen: raw.due, paidFen: raw.paid });
    expect((sum.months as Array<{ bills: number }>).reduce((x, m) => x + m.bills, 0)).toBe(raw.n);
    expect(raw).toEqual({ due: 1500 + 6000 + 20 + 9000 + 6000 + 20, paid: 1500, n: 6 });
    // the incremental rollups equal a rebuild from the bills, for every org of the tree
    const snap = () => h.db.query(sql`SELECT r.* FROM dues_rollup r JOIN org o ON o.id = r.org_id WHERE o.path <@ ${s.root.path}::ltree ORDER BY r.org_id, r.month`);
    const incremental = await snap();
    expect(incremental.length).toBe(4); // root and branch × March and April
    await h.db.tx((t) => rebuildRollups(t, ['2026-03', '2026-04']));
    expect(await snap()).toEqual(incremental);
    // March: 7520 due, 1500 paid on time → 19.95 %
    expect((sum.months as Array<{ month: string }>).find((m) => m.month === '2026-03')).toMatchObject({ dueFen: 7520, paidFen: 1500, paidOnTimeFen: 1500, collectionRate: 0.1995, onTimeRate: 0.1995 });
    // the per-organisation breakdown: each direct sub-organisation over the period (the other branch has no bills)
    const byOrg = (sum.children as Array<{ org: { id: string }; bills: number; dueFen: number; paidFen: number; collectionRate: number | null }>).map((c) => [c.org.id, c.bills, c.dueFen, c.paidFen, c.collectionRate]);
    expect(byOrg.sort()).toEqual([[s.branch.id, 6, 22540, 1500, 0.0665], [s.other.id, 0, 0, 0, null]].sort());
    // a branch's own summary has no sub-organisations
    expect((await ok(s.sec.get(`/api/v1/dues/summary?orgId=${s.branch.id}&from=2026-01&to=2026-12`))).children).toEqual([]);
  });

  it('keeps one bill per member and month when a member moves or overlapping subtrees generate at once', async () => {
    const s = await setup(12);
    for (const p of s.ids) await ok(s.sec.post(`/api/v1/members/${p}/dues-bases`, { category: 'in_service', baseFen: 300000, effectiveMonth: '2026-01' }), 201);
    const supGen = (orgId: string, month: string) => s.sup.post('/api/v1/dues/bills/generate', { orgId, month });
    // the root's and the branch's generation of one month race: each member is billed once
    const [r1, r2] = await Promise.all([supGen(s.root.id, '2026-05'), supGen(s.branch.id, '2026-05')]);
    expect([r1.statusCode, r2.statusCode]).toEqual([200, 200]);
    expect(r1.json().created + r2.json().created).toBe(12);
    expect(r1.json().created + r1.json().unchanged).toBe(12);
    // June is billed in the branch; then a move to the other branch from June is recorded (the transfer module will write this)
    expect(await ok(supGen(s.branch.id, '2026-06'))).toMatchObject({ created: 12 });
    const mover = s.ids[0];
    await h.db.exec(sql`UPDATE membership SET valid_to = '2026-05-31' WHERE person_id = ${mover} AND valid_to IS NULL`);
    await h.db.exec(sql`INSERT INTO membership (person_id, org_id, valid_from) VALUES (${mover}, ${s.other.id}, '2026-06-01')`);
    await h.db.exec(sql`UPDATE person SET org_id = ${s.other.id} WHERE id = ${mover}`);
    // generating the new branch alone moves the unpaid June bill there instead of billing twice
    expect(await ok(supGen(s.other.id, '2026-06'))).toMatchObject({ created: 0, updated: 1 });
    const june = await h.db.query<{ org_id: string }>(sql`SELECT org_id FROM dues_bill WHERE person_id = ${mover} AND month = '2026-06-01'`);
    expect(june).toEqual([{ org_id: s.other.id }]);
    expect((await bills(s.sup, `orgId=${s.branch.id}&month=2026-06`)).total).toBe(11);
    expect((await bills(s.sup, `orgId=${s.other.id}&month=2026-06`)).total).toBe(1);
    // and the incremental rollups still equal a rebuild
    const snap = () => h.db.query(sql`SELECT r.* FROM dues_rollup r JOIN org o ON o.id = r.org_id WHERE o.path <@ ${s.root.path}::ltree ORDER BY r.org_id, r.month`);
    const incremental = await snap();
    await h.db.tx((t) => rebuildRollups(t, ['2026-05', '2026-06']));
    expect(await snap()).toEqual(incremental);
    // the member's own bill list follows the bill (open bills are found by member)
    expect((await bills(s.sup, `personId=${mover}`)).items.map((b) => b.month).sort()).toEqual(['2026-05', '2026-06']);
  });

  it('records payments idempotently and exactly once per bill, even under 50 concurrent attempts', async () => {
    const s = await setup(1);
    const [m] = s.ids;
    await ok(s.sec.post(`/api/v1/members/${m}/dues-bases`, { category: 'in_service', baseFen: 800000, effectiveMonth: '2026-01' }), 201);
    for (const month of ['2026-09', '2026-10', '2026-11']) await ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month }));
    const all = await bills(s.sec, `orgId=${s.branch.id}`);
    const nov = all.items.find((x) => x.month === '2026-11')!;
    const k = key();
    const first = await ok(s.sec.post('/api/v1/dues/payments', { billIds: [nov.id], method: 'transfer', paidOn: '2026-11-05', payerName: '家属代交', idempotencyKey: k }));
    expect(first).toMatchObject({ amountFen: 12000, replayed: false });
    expect(await ok(s.sec.post('/api/v1/dues/payments', { billIds: [nov.id], method: 'transfer', paidOn: '2026-11-05', payerName: ' 家属代交 ', idempotencyKey: k }))).toMatchObject({ entryIds: first.entryIds, replayed: true });
    // the same key for other bills, or for the same bill with other details, is refused rather than taken for a replay
    const reused = await s.sec.post('/api/v1/dues/payments', { billIds: [all.items.find((x) => x.month === '2026-10')!.id], method: 'cash', paidOn: '2026-11-05', idempotencyKey: k });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    for (const other of [{ method: 'cash' }, { paidOn: '2026-11-06' }, { payerName: null }, { payerName: '本人' }, { note: '另一笔' }]) {
      const r = await s.sec.post('/api/v1/dues/payments', { billIds: [nov.id], method: 'transfer', paidOn: '2026-11-05', payerName: '家属代交', idempotencyKey: k, ...other });
      expect(r.statusCode, JSON.stringify(other)).toBe(422);
      expect(r.json().error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', message: expect.stringContaining('该请求编号已用于另一笔内容不同的交纳') });
    }
    const again = await s.sec.post('/api/v1/dues/payments', { billIds: [nov.id], method: 'cash', paidOn: '2026-11-06', idempotencyKey: key() });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('2026-11 的党费已交纳');
    // a quarter at once: two months in one payment, 50 racing requests with their own keys
    const ids = all.items.filter((x) => x.month !== '2026-11').map((x) => x.id);
    const results = await Promise.all(Array.from({ length: 50 }, () => s.sec.post('/api/v1/dues/payments', { billIds: ids, method: 'cash', paidOn: '2026-11-20', idempotencyKey: key() })));
    expect(results.filter((r) => r.statusCode === 200).length).toBe(1);
    expect(results.filter((r) => r.statusCode === 409).length).toBe(49);
    const entries = await h.db.query<{ bill_id: string; amount_fen: string; prev_hash: string; hash: string }>(sql`SELECT bill_id, amount_fen, prev_hash, hash FROM dues_entry WHERE person_id = ${m} ORDER BY id`);
    expect(entries.length).toBe(3);
    // the ledger is chained per member
    expect(entries[0].prev_hash).toBe('genesis');
    expect(entries[1].prev_hash).toBe(entries[0].hash);
    expect(entries[2].prev_hash).toBe(entries[1].hash);
    await expect(h.db.exec(sql`UPDATE dues_entry SET amount_fen = 1 WHERE person_id = ${m}`)).rejects.toMatchObject({ code: 'P0001' });
  });

  it('limits back payment to 6 months unless approved', async () => {
    const s = await setup(1);
    const [m] = s.ids;
    await ok(s.sec.post(`/api/v1/members/${m}/dues-bases`, { category: 'in_service', baseFen: 200000, effectiveMonth: '2025-01' }), 201);
    await ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month: '2026-04' }));
    await ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month: '2026-05' }));
    const all = await bills(s.sec, `orgId=${s.branch.id}`);
    const apr = all.items.find((x) => x.month === '2026-04')!;
    const may = all.items.find((x) => x.month === '2026-05')!;
    // paid in November: May is 6 months back (allowed), April is 7 (needs approval)
    await ok(s.sec.post('/api/v1/dues/payments', { billIds: [may.id], method: 'cash', paidOn: '2026-11-27', idempotencyKey: key() }));
    const refused = await s.sec.post('/api/v1/dues/payments', { billIds: [apr.id], method: 'cash', paidOn: '2026-11-27', idempotencyKey: key() });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('补交一般不超过6个月');
    await ok(s.sec.post('/api/v1/dues/payments', { billIds: [apr.id], method: 'cash', paidOn: '2026-11-27', backPayApproval: '镇党委2026年11月20日同意', idempotencyKey: key() }));
  });

  it('scopes bills and payments to the branch, and shows a member their own dues', async () => {
    const s = await setup(1);
    const [m] = s.ids;
    await ok(s.sec.post(`/api/v1/members/${m}/dues-bases`, { category: 'in_service', baseFen: 350000, effectiveMonth: '2026-01' }), 201);
    await ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month: '2026-10' }));
    await ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month: '2026-11' }));
    const all = await bills(s.sec, `orgId=${s.branch.id}`);
    expect(all.total).toBe(2);
    expect((await s.otherSec.get(`/api/v1/dues/bills?orgId=${s.branch.id}`)).statusCode).toBe(404);
    expect((await bills(s.otherSec, 'status=all')).total).toBe(0);
    expect((await s.otherSec.post('/api/v1/dues/payments', { billIds: [all.items[0].id], method: 'cash', paidOn: '2026-11-01', idempotencyKey: key() })).statusCode).toBe(404);
    expect((await s.otherSec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month: '2026-11' })).statusCode).toBe(404);
    expect((await s.otherSec.get(`/api/v1/members/${m}/dues-bases`)).statusCode).toBe(404);
    const acc = await makeAccount(h.deps, [{ role: 'member', orgId: s.branch.id, scope: 'self' }], m);
    const me = await login(h.app, acc.username, PASSWORD);
    const mine = await ok(me.get('/api/v1/me/dues'));
    expect(mine).toMatchObject({ current: { category: 'in_service', amountFen: 3500 }, owedFen: 7000, unpaidMonths: 2 });
    expect((await me.get('/api/v1/dues/bills')).statusCode).toBe(403);
  });

  it('takes a 免交 proposed by the branch and approved by the next level into the unpaid bills', async () => {
    const s = await setup(1);
    const [m] = s.ids;
    await ok(s.sec.post(`/api/v1/members/${m}/dues-bases`, { category: 'in_service', baseFen: 400000, effectiveMonth: '2026-01' }), 201);
    for (const month of ['2026-09', '2026-10', '2026-11']) await ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month }));
    const sep = (await bills(s.sec, `orgId=${s.branch.id}&month=2026-09`)).items[0];
    await ok(s.sec.post('/api/v1/dues/payments', { billIds: [sep.id], method: 'cash', paidOn: '2026-09-10', idempotencyKey: key() }));
    const bad = await s.sec.post('/api/v1/dues/reductions', { personId: m, kind: 'reduce', fromMonth: '2026-09', toMonth: '2026-12', reason: '长期患病，收入减少' });
    expect(bad.statusCode).toBe(400);
    // the evidence is uploaded to the member's file first; another member's file is refused
    const upload = async (person: string) => {
      const mp = multipartFile('诊断证明.pdf', Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'));
      const r = await h.app.inject({ method: 'POST', url: `/api/v1/files?ownerType=person&ownerId=${person}`, headers: { cookie: s.sec.cookie, ...mp.headers }, payload: mp.payload });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    const evidence = await upload(m);
    const stranger = await makeMember(h.deps, s.branch.id, { name: '他人', since: '2020-01-01' });
    const wrong = await s.sec.post('/api/v1/dues/reductions', { personId: m, kind: 'exempt', fromMonth: '2026-09', toMonth: '2026-12', reason: '长期患病，生活困难', evidenceIds: [await upload(stranger.id)] });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toContain('不属于该党员');
    const { id } = await ok(s.sec.post('/api/v1/dues/reductions', { personId: m, kind: 'exempt', fromMonth: '2026-09', toMonth: '2026-12', reason: '长期患病，生活困难', evidenceIds: [evidence] }), 201) as { id: string };
    // the branch cannot approve its own proposal; the committee above can
    expect((await s.sec.post(`/api/v1/dues/reductions/${id}/decision`, { approve: true })).statusCode).toBe(403);
    const list = await ok(s.sup.get(`/api/v1/dues/reductions?orgId=${s.root.id}&status=proposed`));
    expect(list.items).toEqual([expect.objectContaining({ id, kind: 'exempt', canDecide: true, evidence: [{ id: evidence, fileName: '诊断证明.pdf' }] })]);
    // the approving committee can open the evidence
    expect((await s.sup.get(`/api/v1/files/${evidence}`)).statusCode).toBe(200);
    expect(await ok(s.sup.post(`/api/v1/dues/reductions/${id}/decision`, { approve: true, note: '同意免交' }))).toEqual({ status: 'approved', correctedBills: 2 });
    expect((await s.sup.post(`/api/v1/dues/reductions/${id}/decision`, { approve: false })).statusCode).toBe(409);
    // September was paid before and stays; October and November owe nothing now
    const all = await bills(s.sec, `orgId=${s.branch.id}`);
    expect(all.items.map((b) => [b.month, b.dueFen, b.status]).sort()).toEqual([['2026-09', 4000, 'paid'], ['2026-10', 0, 'exempt'], ['2026-11', 0, 'exempt']]);
  });

  it('lists arrears at 3 and 6 consecutive unpaid months and reminds once per level', async () => {
    const s = await setup(3);
    const [late, fine, lapsed] = s.ids;
    for (const p of s.ids) await ok(s.sec.post(`/api/v1/members/${p}/dues-bases`, { category: 'in_service', baseFen: 300000, effectiveMonth: '2026-01' }), 201);
    const months = ['2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];
    for (const month of months.slice(0, 6)) await ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month }));
    const pay = async (person: string, upTo: string) => {
      const all = await bills(s.sec, `orgId=${s.branch.id}&status=unpaid`);
      const ids = all.items.filter((b) => b.personId === person && b.month <= upTo).map((b) => b.id);
      await ok(s.sec.post('/api/v1/dues/payments', { billIds: ids, method: 'cash', paidOn: '2026-08-20', backPayApproval: '补交', idempotencyKey: key() }));
    };
    // `lapsed` paid up to May and never again: June–November unpaid (6)
    await pay(lapsed, '2026-05');
    for (const month of months.slice(6)) await ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month }));
    // `late` paid up to August: September–November unpaid (3); `fine` paid everything
    await pay(late, '2026-08');
    await pay(fine, '2026-11');
    const list = await ok(s.sec.get(`/api/v1/dues/arrears?orgId=${s.branch.id}`));
    expect(list.items).toEqual([
      expect.objectContaining({ personId: lapsed, months: 6, owedFen: 9000, since: '2026-06', level: 'action' }),
      expect.objectContaining({ personId: late, months: 3, owedFen: 4500, since: '2026-09', level: 'warn' }),
    ]);
    expect((await ok(s.sec.get(`/api/v1/dues/arrears?orgId=${s.branch.id}&minMonths=6`))).items).toEqual([expect.objectContaining({ personId: lapsed })]);
    const inbox = async () => (await s.sec.get('/api/v1/notifications')).json().items.map((n: { title: string }) => n.title).filter((t: string) => t.includes('未交党费'));
    await sendArrearsReminders(h.deps, '2026-11');
    await sendArrearsReminders(h.deps, '2026-11');
    expect((await inbox()).sort()).toEqual(['交费党员0 已连续3个月未交党费，请进行批评教育', '交费党员2 已连续6个月未交党费，须按规定组织处理'].sort());
    // paying the oldest month starts a new run of unpaid months after it
    await pay(lapsed, '2026-06');
    expect((await ok(s.sec.get(`/api/v1/dues/arrears?orgId=${s.branch.id}`))).items).toEqual([
      expect.objectContaining({ personId: lapsed, months: 5, since: '2026-07', level: 'warn' }),
      expect.objectContaining({ personId: late, months: 3 }),
    ]);
  });

  it('traces a member\'s statement to its ledger entries, and exports it', async () => {
    const s = await setup(1);
    const [m] = s.ids;
    await ok(s.sec.post(`/api/v1/members/${m}/dues-bases`, { category: 'in_service', baseFen: 500000, effectiveMonth: '2026-01' }), 201);
    for (const month of ['2026-09', '2026-10', '2026-11']) await ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month }));
    const all = await bills(s.sec, `orgId=${s.branch.id}`);
    const byMonth = (mm: string) => all.items.find((b) => b.month === mm)!;
    await ok(s.sec.post('/api/v1/dues/payments', { billIds: [byMonth('2026-09').id, byMonth('2026-10').id], method: 'transfer', paidOn: '2026-10-12', payerName: '配偶代交', idempotencyKey: key() }));
    const vk = key();
    const vol = await ok(s.sec.post('/api/v1/dues/voluntary', { personId: m, amountFen: 50000, method: 'cash', paidOn: '2026-11-02', idempotencyKey: vk }));
    expect(await ok(s.sec.post('/api/v1/dues/voluntary', { personId: m, amountFen: 50000, method: 'cash', paidOn: '2026-11-02', idempotencyKey: vk }))).toMatchObject({ entryIds: vol.entryIds, replayed: true });
    for (const other of [{ amountFen: 60000 }, { method: 'transfer' }, { paidOn: '2026-11-03' }, { note: '另一笔' }]) {
      const r = await s.sec.post('/api/v1/dues/voluntary', { personId: m, amountFen: 50000, method: 'cash', paidOn: '2026-11-02', idempotencyKey: vk, ...other });
      expect(r.statusCode, JSON.stringify(other)).toBe(422);
      expect(r.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    const st = await ok(s.sec.get(`/api/v1/members/${m}/dues-statement?from=2026-01&to=2026-12`)) as unknown as {
      bills: Array<{ month: string; dueFen: number; status: string; entries: Array<{ id: number; amountFen: number; method: string; paidOn: string; payerName: string | null; hash: string }> }>;
      voluntary: Array<{ amountFen: number }>; totals: Record<string, number>; chain: { ok: boolean; checked: number };
    };
    expect(st.bills.map((b) => [b.month, b.dueFen, b.status, b.entries.map((e) => [e.amountFen, e.method, e.paidOn, e.payerName])])).toEqual([
      ['2026-09', 5000, 'paid', [[5000, 'transfer', '2026-10-12', '配偶代交']]],
      ['2026-10', 5000, 'paid', [[5000, 'transfer', '2026-10-12', '配偶代交']]],
      ['2026-11', 5000, 'unpaid', []],
    ]);
    expect(st.voluntary.map((e) => e.amountFen)).toEqual([50000]);
    expect(st.totals).toEqual({ dueFen: 15000, paidFen: 10000, owedFen: 5000, voluntaryFen: 50000 });
    expect(st.chain).toEqual({ ok: true, checked: 3, problem: null });
    // each entry is the ledger row itself
    const rows = await h.db.query<{ id: number; hash: string }>(sql`SELECT id::int AS id, hash FROM dues_entry WHERE person_id = ${m} AND kind = 'payment' ORDER BY id`);
    expect(st.bills.flatMap((b) => b.entries.map((e) => ({ id: e.id, hash: e.hash })))).toEqual(rows);
    // scope: another branch's secretary cannot read it; a bad range is a validation error
    expect((await s.otherSec.get(`/api/v1/members/${m}/dues-statement?from=2026-01&to=2026-12`)).statusCode).toBe(404);
    expect((await s.sec.get(`/api/v1/members/${m}/dues-statement?from=2026-12&to=2026-01`)).statusCode).toBe(400);
    const x = await h.app.inject({ method: 'GET', url: `/api/v1/members/${m}/dues-statement/export?from=2026-01&to=2026-12`, headers: { cookie: s.sec.cookie } });
    expect(x.statusCode).toBe(200);
    expect(decodeURIComponent(String(x.headers['content-disposition']))).toContain('党费明细-交费党员0-2026-01至2026-12.xlsx');
    const sheet = await readXlsx(x.rawPayload);
    expect(sheet[1].slice(0, 6)).toEqual(['月份', '类别', '基数（元）', '比例', '应交（元）', '状态']);
    expect(sheet.find((r) => r[0] === '2026-09')).toEqual(['2026-09', '在职（月工资收入）', '5000', '1%', '50', '已交', '2026-10-12', '转账', '配偶代交', String(rows[0].id), expect.any(String)]);
    expect(sheet.some((r) => r[0]?.startsWith('流水校验：3 条交纳记录前后衔接完整'))).toBe(true);
    // printed: the header repeated on every page, the filter over the bills only (not the totals and notes below)
    const l = printLayout(x.rawPayload, '党费明细');
    expect(l.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: '9', fitToWidth: '1', fitToHeight: '0' });
    expect(l.pane).toMatchObject({ state: 'frozen', ySplit: '2' });
    expect(l.printTitles).toBe("'党费明细'!$2:$2");
    const colA = [...cellsOf(x.rawPayload, l.part).values()].filter((c) => /^A\d+$/.test(c.ref));
    const rowOf = (p: RegExp) => Number(colA.find((c) => p.test(c.text))!.ref.slice(1));
    expect(l.autoFilter).toBe(`A2:K${rowOf(/^合计$/) - 2}`); // the bills, then an empty row, then the totals
    expect(l.printArea).toBe(`'党费明细'!$A$1:$K$${rowOf(/^流水校验/)}`);
    expect(l.oddFooter).toBe('&C第 &P 页，共 &N 页');
    expect(sheet[0][0]).toBe(`党费交纳明细\u3000交费党员0（${(await h.db.one<{ name: string }>(sql`SELECT o.name FROM person p JOIN org o ON o.id = p.org_id WHERE p.id = ${m}`)).name}）\u30002026-01 至 2026-12\u3000制表日期 ${TEST_TODAY}`);
  });

  it('imports bases by Excel: template, dry run with row errors, all-or-nothing commit, idempotent re-run', async () => {
    const s = await setup(0);
    const a = await makeMember(h.deps, s.branch.id, { name: '导入甲', since: '2020-01-01' });
    const b = await makeMember(h.deps, s.branch.id, { name: '导入乙', since: '2020-01-01' });
    const template = await h.app.inject({ method: 'GET', url: '/api/v1/dues/bases/import/template', headers: { cookie: s.sec.cookie } });
    expect(template.statusCode).toBe(200);
    const header = (await readXlsx(template.rawPayload))[0];
    expect(header).toEqual(['姓名', '身份证号', '党费类别', '月基数（元）', '计入项目（名称:金额；…）', '扣除项目（名称:金额；…）', '执行月份（YYYY-MM）', '备注']);
    // the template: header frozen, ID number and month as text (also the example row's), the categories as a drop-down list
    const t = printLayout(template.rawPayload, '党费基数');
    expect(t.pane).toMatchObject({ state: 'frozen', ySplit: '1' });
    const formats = cellFormats(template.rawPayload);
    const cells = cellsOf(template.rawPayload, t.part);
    expect(cells.get('B2')).toMatchObject({ type: 's', text: '430102198001010011' });
    expect(formats[cells.get('B2')!.style]).toBe('@');
    expect(formats[t.cols.find((c) => c.min <= 2 && 2 <= c.max)!.style]).toBe('@');
    expect(formats[t.cols.find((c) => c.min <= 7 && 7 <= c.max)!.style]).toBe('@');
    expect(t.validations).toEqual([expect.objectContaining({ type: 'list', sqref: 'C2:C10001', formula1: `'代码表'!$A$2:$A$${Object.keys(DUES_CATEGORIES).length + 1}` })]);
    const lists = cellsOf(template.rawPayload, sheetsOf(template.rawPayload).find((x) => x.name === '代码表')!.part);
    expect(Object.keys(DUES_CATEGORIES).map((_, i) => lists.get(`A${i + 2}`)?.text)).toEqual(Object.values(DUES_CATEGORIES));
    const file = async (rows: string[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('党费基数');
      ws.addRow(header);
      for (const r of rows) ws.addRow(r);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const upload = async (data: Buffer, dryRun: boolean) => {
      const mp = multipartFile('基数.xlsx', data, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const r = await h.app.inject({ method: 'POST', url: `/api/v1/dues/bases/import?dryRun=${dryRun}`, headers: { cookie: s.sec.cookie, ...mp.headers }, payload: mp.payload });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().report;
    };
    const good = [
      ['导入甲', a.idNumber, '在职（月工资收入）', '', '岗位工资:4000；薪级工资:1,200.50', '', '2027-01', ''],
      ['导入乙', b.idNumber, '离退休', '5200', '', '', '2027-01', '调资'],
    ];
    const bad = await upload(await file([...good, ['导入乙', b.idNumber, '在职', '5200', '', '', '2027-1', ''], ['错名', a.idNumber, '学生', '', '', '', '2027-01', '']]), false);
    expect(bad.errors).toEqual([{ row: 4, field: '执行月份', message: '应为 YYYY-MM，例如 2027-01' }, { row: 5, field: '姓名', message: '与身份证号对应的党员姓名（导入甲）不一致' }]);
    expect(bad.created).toBe(0); // nothing is imported while any row is wrong
    expect(await upload(await file(good), true)).toMatchObject({ total: 2, valid: 2, created: 0, errors: [] });
    expect(await upload(await file(good), false)).toMatchObject({ valid: 2, created: 2 });
    expect(await upload(await file(good), false)).toMatchObject({ valid: 0, unchanged: 2, created: 0 });
    const bases = await ok(s.sec.get(`/api/v1/members/${a.id}/dues-bases`));
    expect((bases.items as Array<{ baseFen: number; quote: { amount: number } }>)[0]).toMatchObject({ baseFen: 520050, quote: { amount: 7801 } }); // 5200.50 × 1.5 % = 78.00750 → 78.01
  });

  it('exports the summary, the remittance per org and large voluntary payments to Excel', async () => {
    const s = await setup(1);
    const [m] = s.ids;
    await ok(s.sec.post(`/api/v1/members/${m}/dues-bases`, { category: 'in_service', baseFen: 300000, effectiveMonth: '2026-01' }), 201);
    await ok(s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month: '2026-10' }));
    const bill = (await bills(s.sec, `orgId=${s.branch.id}`)).items[0];
    await ok(s.sec.post('/api/v1/dues/payments', { billIds: [bill.id], method: 'cash', paidOn: '2026-10-08', idempotencyKey: key() }));
    expect(await ok(s.sec.post('/api/v1/dues/voluntary', { personId: m, amountFen: 150000, method: 'transfer', paidOn: '2026-10-09', idempotencyKey: key() }))).toMatchObject({ large: true });
    const r = await h.app.inject({ method: 'GET', url: `/api/v1/dues/summary/export?orgId=${s.root.id}&from=2026-10&to=2026-10`, headers: { cookie: s.sup.cookie } });
    expect(r.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const text = (name: string) => wb.getWorksheet(name)!.getSheetValues().filter(Boolean).map((row) => (row as unknown[]).slice(1).join('|'));
    expect(text('收缴统计')[2]).toBe('2026-10|1|15|15|15|1|1|1500');
    expect(text('上缴汇总')).toContain(`${(await h.db.one<{ name: string }>(sql`SELECT name FROM org WHERE id = ${s.branch.id}`)).name}|15|15|1500|1515`);
    for (const [name, cols] of [['收缴统计', 'H'], ['上缴汇总', 'E'], ['大额自愿党费', 'D']] as const) {
      const l = printLayout(r.rawPayload, name);
      expect(l.pageSetup, name).toMatchObject({ orientation: 'landscape', paperSize: '9', fitToWidth: '1' });
      expect(l.pane, name).toMatchObject({ state: 'frozen', ySplit: '2', topLeftCell: 'A3' });
      expect(l.printTitles).toBe(`'${name}'!$2:$2`);
      expect(l.autoFilter).toMatch(new RegExp(`^A2:${cols}\\d+$`));
      expect(l.oddFooter).toBe('&C第 &P 页，共 &N 页');
    }
    // the totals row is printed below the months but kept out of the filter; the rates stay percentages
    expect(printLayout(r.rawPayload, '收缴统计').autoFilter).toBe('A2:H3');
    const months = printLayout(r.rawPayload, '收缴统计');
    expect(cellFormats(r.rawPayload)[cellsOf(r.rawPayload, months.part).get('F3')!.style]).toBe('0.00%');
    expect(text('收缴统计')[0]).toContain(`2026-10 至 2026-10\u3000制表日期 ${TEST_TODAY}`);
    expect(text('大额自愿党费')[2]).toBe('交费党员0||1500|2026-10-09'.replace('||', `|${(await h.db.one<{ name: string }>(sql`SELECT name FROM org WHERE id = ${s.branch.id}`)).name}|`));
  });
});
