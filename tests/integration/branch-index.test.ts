import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { createHarness, type Client, type Harness } from '../helpers/harness';
import { heldMeeting, indexWorld } from '../helpers/index-world';
import { makeMember, makeOrg } from '../helpers/factory';
import { rebuildAllMeetingRollups } from '../../src/server/domains/meeting';
import { recomputeAll } from '../../src/server/domains/branch-index';
import type { BranchIndex, MyBranchIndex, OrgPortrait } from '../../src/contracts/branch-index';

// The branch vanguard index (issue 14): the arithmetic on a hand-built branch
// whose figures are worked out here by hand (not by the code under test), 无数据
// left out of the weights, deductions and the veto, the committee's view in
// tree order, the portrait and its suggestions, the member's phone, scope.

const clock = fixedClock('2026-12-04T04:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await createHarness({}, { clock });
});
afterAll(async () => h.close());

const meeting = (orgId: string, type: string, heldOn: string, opts: Parameters<typeof heldMeeting>[4] = {}) => heldMeeting(h, orgId, type, heldOn, opts);
const world = () => indexWorld(h, '指数测试');


async function get<T>(c: Client, url: string): Promise<T> {
  const r = await c.get(url);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as T;
}

describe('the branch index of a hand-built branch', () => {
  it('computes each item, sub-index, the composite and the band as worked out by hand, with 无数据 left out of the weights', async () => {
    const w = await world();
    const idx = await get<BranchIndex>(w.sec, `/api/v1/index/branch?orgId=${w.branch.id}&period=2026-Q3`);
    const cur = idx.current!;
    const item = (k: string) => cur.subIndices.flatMap((s) => s.items).find((i) => i.key === k)!;
    const sub = (k: string) => cur.subIndices.find((s) => s.key === k)!;
    expect(cur.asOf).toBe('2026-09-30');
    // completion: assembly 1/1, 支委会 2/3, 党课 0/1, 主题党日 3/3 (the year's 组织生活会 and 民主评议 not yet due, not held) = 6/8
    expect(item('meetings.completion')).toMatchObject({ numerator: 6, denominator: 8, value: 0.75 });
    expect(item('meetings.political')).toMatchObject({ numerator: 3, denominator: 3, value: 1 });
    expect(item('meetings.lecture')).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
    // attendance at meetings with locked minutes: 6 present of 7 expected (the one on approved leave is not expected)
    expect(item('meetings.attendance')).toMatchObject({ numerator: 6, denominator: 7 });
    expect(item('meetings.minutes')).toMatchObject({ numerator: 4, denominator: 6 });
    expect(item('dues.collection')).toMatchObject({ numerator: 280, denominator: 300 });
    expect(item('dues.on_time')).toMatchObject({ numerator: 21, denominator: 24, value: 0.875 });
    expect(item('committee.complete')).toMatchObject({ numerator: 1, denominator: 1, value: 1 });
    expect(item('term.on_time')).toMatchObject({ value: 1 });
    // deadlines exist only as they stand today: a past quarter has no figure for them; study has no source yet
    expect(item('development.on_time')).toMatchObject({ value: null, link: null });
    expect(item('study.participation').value).toBeNull();
    // sub-indices: (2×0.75 + 1 + 1) / 4 = 87.5; (0.93333 + 0.875) / 2 = 90.4; (6/7 + 4/6) / 2 = 76.2
    expect(sub('political').score).toBe(100);
    expect(sub('organisational').score).toBe(87.5);
    expect(sub('discipline').score).toBe(90.4);
    expect(sub('leadership').score).toBe(76.2);
    expect(sub('competence').score).toBe(0);
    for (const k of ['ideological', 'conduct', 'integrity', 'satisfaction']) expect(sub(k).score).toBeNull();
    // composite: (15×100 + 20×87.5 + 15×90.4 + 15×76.2 + 5×0) / (15 + 20 + 15 + 15 + 5) = 5749 / 70 = 82.1
    expect(cur.base).toBe(82.1);
    expect(cur.composite).toBe(82.1);
    expect(cur).toMatchObject({ band: 'good', bandLabel: '较好', vetoed: false });
    expect(cur.adjustments.find((a) => a.key === 'term.overdue')).toMatchObject({ hasData: true, applied: false });
    expect(cur.adjustments.find((a) => a.key === 'inactive.half_year')).toMatchObject({ hasData: true, applied: false });
    expect(cur.adjustments.find((a) => a.key === 'development.irregular')).toMatchObject({ hasData: false, applied: false });
    // every figure with a source has a link to the facts behind it
    expect(item('meetings.completion').link).toBe(`/admin/meetings/compliance?orgId=${w.branch.id}&period=2026-Q3`);
    expect(item('dues.on_time').link).toBe(`/admin/dues/bills?orgId=${w.branch.id}&month=2026-09`);
    expect(cur.source).toContain('RULES §7');

    // the idle branch: nothing held for over a year → −5 and the veto; its empty items are 无数据, not zero
    const idle = (await get<BranchIndex>(w.idleSec, `/api/v1/index/branch?orgId=${w.idle.id}&period=2026-Q3`)).current!;
    expect(idle.subIndices.find((s) => s.key === 'organisational')!.items.find((i) => i.key === 'meetings.completion')).toMatchObject({ numerator: 0, denominator: 5 });
    expect(idle.subIndices.find((s) => s.key === 'leadership')!.score).toBeNull();
    expect(idle.subIndices.find((s) => s.key === 'discipline')!.score).toBeNull();
    expect(idle).toMatchObject({ base: 0, composite: 0, band: 'lagging', vetoed: true });
    expect(idle.adjustments.filter((a) => a.applied).map((a) => a.key).sort()).toEqual(['inactive.half_year', 'inactive.year']);

    // the county sees its branches in tree order with their bands, and the counts; never a ranking
    const county = await get<BranchIndex>(w.countyAdmin, `/api/v1/index/branch?orgId=${w.county.id}&period=2026-Q3`);
    expect(county.current).toBeNull();
    // (tree order is the order of the org paths; the two are compared by name here)
    expect(county.branches.map((b) => [b.orgName, b.composite, b.bandLabel]).sort()).toEqual([['指数测试第一支部', 82.1, '较好'], ['指数测试第二支部', 0, '后进']]);
    expect(county.bandCounts).toEqual({ good: 1, lagging: 1 });
    // the trend holds the quarters computed so far, 无数据 (null) for the others
    const t = (await get<BranchIndex>(w.sec, `/api/v1/index/branch?orgId=${w.branch.id}&period=2026-Q3`)).trend;
    expect(t.map((x) => x.period)).toEqual(['2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3']);
    expect(t.at(-1)).toMatchObject({ composite: 82.1, bandLabel: '较好' });
    expect(t[0].composite).toBeNull();
  });

  it('draws the portrait against the peers and suggests from the weakest items; the member sees the band; scope holds', async () => {
    const w = await world();
    await get<BranchIndex>(w.idleSec, `/api/v1/index/branch?orgId=${w.idle.id}&period=2026-Q3`);
    const p = await get<OrgPortrait>(w.sec, `/api/v1/index/portrait?orgId=${w.branch.id}&period=2026-Q3`);
    // two branches: percentiles would tell each the other's score, so there are none
    expect(p.peers).toBe(2);
    expect(p.peerDescription).toContain('不足3个');
    expect(p.axes.find((a) => a.key === 'political')).toMatchObject({ score: 100, p50: null });
    // a third branch under the county (70 in political: 主题党日 in July and August, not September) makes a comparison
    const third = await makeOrg(h.deps, w.county, 'branch', '指数测试第三支部');
    for (let i = 0; i < 3; i++) await makeMember(h.deps, third.id, { name: `三支部党员${i}` });
    await meeting(third.id, 'theme_day', '2026-07-15');
    await meeting(third.id, 'theme_day', '2026-08-15');
    await rebuildAllMeetingRollups(h.db);
    expect((await w.countyAdmin.post('/api/v1/index/recompute', { orgId: w.county.id, period: '2026-Q3' })).json()).toMatchObject({ branches: 3 });
    const p3 = await get<OrgPortrait>(w.sec, `/api/v1/index/portrait?orgId=${w.branch.id}&period=2026-Q3`);
    expect(p3.peers).toBe(3);
    // political of the three, as stored (one decimal): 0, 66.7 (2 of 3), 100 → p25 (0 + 66.7) / 2 = 33.35 → 33.4, p50 66.7, p75 (66.7 + 100) / 2 = 83.35 → 83.4
    expect(p3.axes.find((a) => a.key === 'political')).toMatchObject({ score: 100, p25: 33.4, p50: 66.7, p75: 83.4 });
    expect(p3.axes.find((a) => a.key === 'ideological')).toMatchObject({ score: null, p50: null });
    expect(p3.strengths.some((x) => x.startsWith('政治建设100分，处于同类支部前列'))).toBe(true);
    // suggestions where an item is under its threshold, in the library's order: completion 0.75 < 0.8, lecture 0 < 0.8,
    // minutes 0.67 < 0.9, collection 0.93 < 0.95, on time 0.875 < 0.9 (attendance 0.857 ≥ 0.85 and the committee are fine)
    expect(p.suggestions.map((s) => s.item)).toEqual(['meetings.completion', 'meetings.lecture', 'meetings.minutes', 'dues.collection', 'dues.on_time']);
    expect(p.weaknesses.some((x) => x.startsWith('党员干部素质提升0分'))).toBe(true);

    // a committee has no portrait of its own
    const bad = await w.countyAdmin.get(`/api/v1/index/portrait?orgId=${w.county.id}&period=2026-Q3`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('请选择一个党支部');
    // a quarter not yet begun is refused in words
    const future = await w.sec.get(`/api/v1/index/branch?orgId=${w.branch.id}&period=2027-Q2`);
    expect(future.statusCode).toBe(400);
    expect(future.json().error.message).toContain('尚未开始');
    // another branch's secretary does not see this branch
    expect((await w.idleSec.get(`/api/v1/index/branch?orgId=${w.branch.id}&period=2026-Q3`)).statusCode).toBe(404);

    // the member's phone: their own branch, this quarter, band and sub-indices
    const mine = await get<MyBranchIndex>(w.me, '/api/v1/me/branch-index');
    expect(mine).toMatchObject({ shown: true, orgName: '指数测试第一支部', periodLabel: '2026年第四季度' });
    expect(mine.subIndices.map((s) => s.label)).toContain('政治建设');
  });

  it('recomputes on demand after a fact changes, and the daily job covers the running quarter and year', async () => {
    const w = await world();
    const before = (await get<BranchIndex>(w.sec, `/api/v1/index/branch?orgId=${w.branch.id}&period=2026-Q3`)).current!;
    await meeting(w.branch.id, 'party_lecture', '2026-09-20', { locked: true });
    await rebuildAllMeetingRollups(h.db);
    // the stored figure stays until recomputed
    expect((await get<BranchIndex>(w.sec, `/api/v1/index/branch?orgId=${w.branch.id}&period=2026-Q3`)).current!.composite).toBe(before.composite);
    const r = await w.sec.post('/api/v1/index/recompute', { orgId: w.branch.id, period: '2026-Q3' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ branches: 1, period: '2026-Q3' });
    const after = (await get<BranchIndex>(w.sec, `/api/v1/index/branch?orgId=${w.branch.id}&period=2026-Q3`)).current!;
    expect(after.subIndices.find((s) => s.key === 'competence')!.score).toBe(100);
    expect(after.composite!).toBeGreaterThan(before.composite!);
    // a member cannot recompute
    expect((await w.me.post('/api/v1/index/recompute', { orgId: w.branch.id })).statusCode).toBe(403);

    const job = await recomputeAll(h.deps);
    expect(job.periods).toEqual(['2026-Q4', '2026']);
    const stored = await h.db.query<{ period: string }>(sql`SELECT period FROM branch_index WHERE org_id = ${w.branch.id} ORDER BY period`);
    expect(stored.map((s) => s.period)).toEqual(['2026', '2026-Q3', '2026-Q4']);

    // the 工作台 warns of the lagging branch with what put it there; and of the branches with no point rules
    const wb = (await w.countyAdmin.get('/api/v1/workbench')).json() as { sections: Array<{ key: string; groups: Array<{ kind: string; count: number; items: Array<{ title: string; detail: string; level: string }> }> }> };
    const lagging = wb.sections.find((x) => x.key === 'index')!.groups.find((g) => g.kind === 'lagging')!;
    // the idle branch under the veto (an error); the first branch, with nothing held since September, is 后进 this quarter by its score (a warning)
    expect(lagging.items.find((i) => i.title === '指数测试第二支部')).toMatchObject({ level: 'error', detail: expect.stringContaining('一年以上未开展组织生活') });
    expect(lagging.items.find((i) => i.title === '指数测试第一支部')).toMatchObject({ level: 'warning', detail: expect.stringMatching(/^综合指数 \d/) });
    expect(lagging.count).toBe(2);
    const missing = wb.sections.find((x) => x.key === 'points')!.groups.find((g) => g.kind === 'rules_missing')!;
    expect(missing.items.map((i) => i.title).sort()).toEqual(['指数测试第一支部', '指数测试第二支部'].sort());
  });
});
