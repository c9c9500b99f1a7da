import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import type { StatisticsForm, StatisticsReconciliation } from '../../src/contracts/statistics';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { cellsOf, sheetsOf } from '../helpers/xlsx';

// Year closing and reconciliation (issue 16) on a hand-built county:
//   K  县委 (committee) ── T 镇党委 (committee) ── T1 镇甲支部 (branch)
//                      └─ K1 县直支部 (branch)
//   n1, n2  T1 since 2024-01-01
//   n3      K1 since 2024-01-01
//   n4      K1 registered 2025-03-01
//   n5      K itself since 2024-01-01 (a member kept by the committee)
// 2025 for K: 4 at the start (n1 n2 n3 n5), n4 registered, 5 at the end; for T: 2 and 2.

let h: Harness;
let county: Client;
let secretary: Client;
let k: { id: string; path: string };
let t: { id: string };
let t1: { id: string };
let k1: { id: string };
const n: Record<string, string> = {};

beforeAll(async () => {
  h = await createHarness();
  const root = await makeRoot(h.deps, '结算测试县委');
  k = root;
  const town = await makeOrg(h.deps, root, 'committee', '结算测试镇党委');
  t = town;
  t1 = await makeOrg(h.deps, town, 'branch', '镇甲支部');
  k1 = await makeOrg(h.deps, root, 'branch', '县直支部');
  const add = async (key: string, orgId: string, since: string) => (n[key] = (await makeMember(h.deps, orgId, { name: `结算${key}`, since })).id);
  await add('n1', t1.id, '2024-01-01');
  await add('n2', t1.id, '2024-01-01');
  await add('n3', k1.id, '2024-01-01');
  await add('n4', k1.id, '2025-03-01');
  await add('n5', k.id, '2024-01-01');
  county = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
  secretary = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: town.id, scope: 'subtree' }])).username, PASSWORD);
});
afterAll(async () => h.close());

async function form(key: string, orgId: string, year: number): Promise<StatisticsForm> {
  const res = await county.get(`/api/v1/statistics/forms/${key}?orgId=${orgId}&year=${year}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as StatisticsForm;
}
async function reconciliation(orgId: string, year: number): Promise<StatisticsReconciliation> {
  const res = await county.get(`/api/v1/statistics/reconciliation?orgId=${orgId}&year=${year}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as StatisticsReconciliation;
}
const close = (client: Client, orgId: string, year: number) => client.post('/api/v1/statistics/closings', { orgId, year });

describe('党内统计年度结算', () => {
  it('reconciles the county with its subordinate orgs before anything is closed', async () => {
    const r = await reconciliation(k.id, 2025);
    expect(r.closing).toBeNull();
    expect(r.closesOwnYear).toBe(true);
    expect(r.children.map((c) => [c.org.name, c.closesOwnYear, c.closing, c.figures.start, c.figures.increases, c.figures.end])).toEqual([
      ['结算测试镇党委', true, null, 2, 0, 2],
      ['县直支部', false, null, 1, 1, 2],
    ]);
    expect(r.openChildren.map((c) => c.name)).toEqual(['结算测试镇党委']);
    expect(r.own).toEqual({ start: 1, adjustment: 0, increases: 0, decreases: 0, end: 1 });
    expect(r.sum).toMatchObject({ start: 4, end: 5 });
    expect(r.total).toEqual({ start: 4, adjustment: 0, increases: 1, decreases: 0, end: 5 });
    expect(r.difference).toEqual({ start: 0, end: 0 });
  });

  it('refuses a closing out of order, of a branch, of the running year, without the permission or out of scope', async () => {
    const early = await close(county, k.id, 2025);
    expect(early.statusCode).toBe(422);
    expect(early.json().error).toMatchObject({ code: 'STATISTICS_CLOSING_RULE', message: '下级党组织尚未结算2025年度：结算测试镇党委。请待下级结算后再结算本级' });
    const branch = await close(county, t1.id, 2025);
    expect(branch.statusCode).toBe(422);
    expect(branch.json().error.message).toBe('党支部的统计数据由上级党委（党总支）汇总结算，不单独结算');
    const running = await close(county, t.id, 2026);
    expect(running.json().error.message).toBe('2026年尚未结束，只能结算2025年及以前的年度');
    expect((await close(secretary, t.id, 2025)).statusCode).toBe(403);
    const other = await makeRoot(h.deps, '结算外县县委');
    expect((await close(county, other.id, 2025)).statusCode).toBe(404);
    const bad = await county.post('/api/v1/statistics/closings', { orgId: k.id, year: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0]).toEqual({ field: 'year', message: '请选择统计年度' });
    const rows = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM statistics_closing`);
    expect(rows.n).toBe(0);
  });

  it('closes the town, then the county, once each, with the reconciliation frozen', async () => {
    const town = await close(county, t.id, 2025);
    expect(town.statusCode, town.body).toBe(200);
    expect((town.json() as StatisticsReconciliation).closing).toMatchObject({ closedAt: h.deps.clock.now().toISOString() });
    const again = await close(county, t.id, 2025);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe('结算测试镇党委2025年度的党内统计已结算，数据已冻结；之后登记的更正列入下一年度');
    const top = await close(county, k.id, 2025);
    expect(top.statusCode, top.body).toBe(200);
    const r = top.json() as StatisticsReconciliation;
    expect(r.closing).not.toBeNull();
    expect(r.openChildren).toEqual([]);
    expect(r.children[0].closing).not.toBeNull();
    expect(r.total).toMatchObject({ start: 4, end: 5 });
    const audits = await h.db.query<{ org_id: string }>(sql`SELECT org_id FROM audit_log WHERE action = 'statistics.year_close' ORDER BY id`);
    expect(audits.map((x) => x.org_id)).toEqual([t.id, k.id]);
    // the snapshot is never rewritten
    await expect(h.db.exec(sql`UPDATE statistics_closing SET year = 2024 WHERE org_id = ${k.id}`)).rejects.toThrow();
  });

  it('keeps a closed year still after a later correction, and carries the correction into the next year as an adjustment', async () => {
    const before = await form('basics', k.id, 2025);
    // a death recorded now, dated in the closed year
    const v = await h.db.one<{ version: number }>(sql`SELECT version FROM person WHERE id = ${n.n1}`);
    const res = await county.post(`/api/v1/members/${n.n1}/events`, { reason: 'deceased', eventDate: '2025-06-01', version: v.version });
    expect(res.statusCode, res.body).toBe(200);

    const frozen = await form('balance', k.id, 2025);
    expect(frozen.closing).not.toBeNull();
    expect(frozen.balance).toMatchObject({ start: 4, increases: 1, decreases: 0, end: 5, difference: 0 });
    expect(await form('basics', k.id, 2025)).toEqual(before);
    expect((await form('balance', t.id, 2025)).balance).toMatchObject({ start: 2, end: 2 });
    // the export of a closed year is the frozen form too
    const xlsx = Buffer.from((await county.get(`/api/v1/statistics/forms/balance/export?orgId=${k.id}&year=2025`)).rawPayload);
    const cells = cellsOf(xlsx, sheetsOf(xlsx)[0].part);
    const rows = new Map([...cells.values()].filter((c) => c.ref.startsWith('A')).map((c) => [c.text, cells.get(`B${c.ref.slice(1)}`)?.text]));
    expect(rows.get('2025年底党员数')).toBe('5');
    expect(cells.get('A1')!.text).toBe('党员数综合比较（2025年）\u3000填报单位：结算测试县委\u3000统计截止日期：2025-12-31\u3000已结算');

    // 2026 starts from the frozen 5; the correction is listed, and the year still balances
    const next = await form('balance', k.id, 2026);
    expect(next.rows.find((x) => x.key === 'adjustment')).toMatchObject({ label: '2025年度结算后更正', values: [-1] });
    expect(next.balance).toMatchObject({ start: 5, adjustment: -1, increases: 0, decreases: 0, expectedEnd: 4, end: 4, difference: 0 });
    expect(next.balance!.adjustments).toEqual([{ personId: n.n1, name: '结算n1', date: '2025-06-01', label: '死亡', direction: 'decrease' }]);
    const nx = Buffer.from((await county.get(`/api/v1/statistics/forms/balance/export?orgId=${k.id}&year=2026`)).rawPayload);
    const sheets = sheetsOf(nx);
    expect(sheets.map((x) => x.name)).toEqual(['党员数综合比较', '结算后更正']);
    const adj = cellsOf(nx, sheets[1].part);
    expect(['A3', 'B3', 'C3', 'D3'].map((ref) => adj.get(ref)!.text)).toEqual(['结算n1', '2025-06-01', '死亡', '减少']);
    // the live reading of 2025 for the branch (closed with the town) shows the death
    expect((await form('balance', t1.id, 2025)).balance).toMatchObject({ start: 2, decreases: 1, end: 1 });

    // the frozen reconciliation of 2025, and 2026 open again
    const r2025 = await reconciliation(k.id, 2025);
    expect(r2025.children[0].figures.end).toBe(2);
    const r2026 = await reconciliation(k.id, 2026);
    expect(r2026.closing).toBeNull();
    expect(r2026.children[0].closing).toBeNull();
    expect(r2026.total).toMatchObject({ start: 5, adjustment: -1, end: 4 });
    expect(r2026.difference).toEqual({ start: 0, end: 0 });
  });
});
