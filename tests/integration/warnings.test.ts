import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, TEST_NOW, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeCandidate, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import type { ProblemAnalysis, WarningItem, WarningPage } from '../../src/contracts/warning';

// The warning centre (预警中心): the scan job turns the modules' conditions
// into warnings — opened within one cycle of the fact, kept while it stands,
// cleared when it changes — and the people responsible acknowledge or resolve
// them, each seeing only the warnings of the modules and orgs in their scope.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

/** One cycle of the scheduled job. */
async function scanCycle() {
  await h.deps.jobs.enqueue('warnings.scan', {});
  expect(await h.deps.jobs.runDue()).toBeGreaterThanOrEqual(1);
  const last = await h.db.one<{ failed: string[] }>(sql`SELECT failed FROM warning_scan ORDER BY id DESC LIMIT 1`);
  expect(last.failed).toEqual([]); // every detector ran
}

async function list(c: Client, query: string): Promise<WarningPage> {
  const res = await c.get(`/api/v1/warnings?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as WarningPage;
}

/** A county with branch A (two full members: too few for a branch) and branch B, their secretaries and the county's org_admin. */
async function setup() {
  const root = await makeRoot(h.deps, '预警测试县委');
  const a = await makeOrg(h.deps, root, 'branch', '预警第一支部');
  const b = await makeOrg(h.deps, root, 'branch', '预警第二支部');
  for (const name of ['甲党员', '乙党员']) await makeMember(h.deps, a.id, { name, since: '2020-01-01' });
  const county = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
  const secA = await makeAccount(h.deps, [{ role: 'secretary', orgId: a.id, scope: 'subtree' }]);
  const secB = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: b.id, scope: 'subtree' }])).username, PASSWORD);
  return { root, a, b, county, secA: await login(h.app, secA.username, PASSWORD), secAName: secA.username, secB };
}

const tooFew = (p: WarningPage) => p.items.find((i) => i.kind === 'too_few_full_members');

describe('the warning centre', () => {
  it('opens a warning within one scan of its fact, keeps it while the fact stands, and clears it once the fact changes', async () => {
    const s = await setup();
    expect(tooFew(await list(s.county, `orgId=${s.a.id}&module=org`))).toBeUndefined(); // nothing before a scan
    await scanCycle();
    const first = await list(s.county, `orgId=${s.a.id}&module=org`);
    const w = tooFew(first)!;
    expect(w).toMatchObject({
      module: 'org', kindLabel: '正式党员人数不足', orgId: s.a.id, orgName: '预警第一支部', title: '预警第一支部', level: 'error', status: 'open',
      link: `/admin/orgs?id=${s.a.id}`, discoveredAt: new Date(TEST_NOW).toISOString(), factAt: null, discoverySeconds: null, clearedAt: null, canHandle: true,
    });
    expect(w.detail).toContain('正式党员仅 2 名，少于 3 名');
    expect(w.source).toMatch(/中国共产党支部工作条例/);
    expect(first.lastScanAt).toBe(new Date(TEST_NOW).toISOString());
    // the 工作台 of the county shows the same figures, linking to 预警中心
    const bench = (await s.county.get('/api/v1/workbench')).json() as { sections: Array<{ key: string; link: string; stats: Array<{ label: string; value: number }> }> };
    const section = bench.sections.find((x) => x.key === 'warnings')!;
    expect(section.link).toBe('/admin/warnings');
    expect(section.stats.find((x) => x.label === '待处理')!.value).toBe((await list(s.county, '')).counts.open);
    // branch B has no members at all: its own warning, not A's
    expect((await list(s.county, `orgId=${s.b.id}&module=org`)).items.every((i) => i.orgId === s.b.id)).toBe(true);

    // the fact stands: the same warning, not a second one
    await scanCycle();
    const again = await list(s.county, `orgId=${s.a.id}&module=org`);
    expect(tooFew(again)!.id).toBe(w.id);
    expect(again.items.filter((i) => i.kind === 'too_few_full_members')).toHaveLength(1);

    // a third full member: the next scan clears it, and it stays in the history as cleared automatically
    await makeMember(h.deps, s.a.id, { name: '丙党员', since: '2020-01-01' });
    await scanCycle();
    expect(tooFew(await list(s.county, `orgId=${s.a.id}&module=org`))).toBeUndefined();
    const history = await list(s.county, `orgId=${s.a.id}&module=org&status=cleared`);
    expect(tooFew(history)).toMatchObject({ id: w.id, status: 'resolved', resolvedBy: null, clearedAt: new Date(TEST_NOW).toISOString(), canHandle: false });
    const handled = await s.county.post(`/api/v1/warnings/${w.id}/handle`, { action: 'acknowledge' });
    expect(handled.statusCode).toBe(409);
    expect(handled.json().error.code).toBe('WARNING_CLEARED');
  });

  it('is acknowledged and resolved by those who handle it, with a note; a rise in level opens it again', async () => {
    const s = await setup();
    await scanCycle();
    const w = tooFew(await list(s.secA, 'module=org'))!;
    expect(w.orgId).toBe(s.a.id);

    const ack = await s.secA.post(`/api/v1/warnings/${w.id}/handle`, { action: 'acknowledge', note: '正在联系上级党委研究成立联合党支部' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: s.secAName, acknowledgedAt: new Date(TEST_NOW).toISOString(), note: '正在联系上级党委研究成立联合党支部' });
    const twice = await s.secA.post(`/api/v1/warnings/${w.id}/handle`, { action: 'acknowledge' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('WARNING_STATE');

    // resolving needs a note that says what was done
    const bare = await s.secA.post(`/api/v1/warnings/${w.id}/handle`, { action: 'resolve' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.details.issues).toEqual([{ field: 'note', message: '办结时请填写处理说明（至少2个字）' }]);
    const resolved = await s.secA.post(`/api/v1/warnings/${w.id}/handle`, { action: 'resolve', note: '已报县委同意，待下月合并' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolvedBy: s.secAName, note: '已报县委同意，待下月合并', clearedAt: null });
    const counts = (await list(s.secA, 'module=org')).counts;
    expect(counts.open + counts.acknowledged).toBe(
      (await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM warning w JOIN org o ON o.id = w.org_id WHERE w.cleared_at IS NULL AND w.status <> 'resolved' AND o.path <@ ${s.a.path}::ltree`)).n,
    );

    // the fact still stands: the next scan leaves the resolution alone …
    await scanCycle();
    expect(tooFew(await list(s.secA, 'module=org'))!.status).toBe('resolved');
    // … unless the level rises (stored as yellow, found red): open again
    await h.db.exec(sql`UPDATE warning SET level = 'warning' WHERE id = ${w.id}`);
    await scanCycle();
    expect(tooFew(await list(s.secA, 'module=org'))).toMatchObject({ id: w.id, status: 'open', level: 'error' });
  });

  it('shows each caller only the modules and orgs it may read', async () => {
    const s = await setup();
    await scanCycle();
    // branch B's secretary: A is out of sight, by list, by narrowing and by id
    const mine = await list(s.secB, 'pageSize=100');
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((i) => i.orgId === s.b.id)).toBe(true);
    expect((await s.secB.get(`/api/v1/warnings?orgId=${s.a.id}`)).statusCode).toBe(404);
    const w = tooFew(await list(s.county, `orgId=${s.a.id}&module=org`))!;
    const probe = await s.secB.post(`/api/v1/warnings/${w.id}/handle`, { action: 'acknowledge' });
    expect(probe.statusCode).toBe(404);
    expect(probe.json().error.code).toBe('NOT_FOUND');
    // a member reads no module's warnings
    const person = await makeMember(h.deps, s.a.id, { name: '普通党员', since: '2020-01-01' });
    const member = await login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId: s.a.id, scope: 'self' }], person.id)).username, PASSWORD);
    expect(await list(member, '')).toMatchObject({ items: [], total: 0, counts: { open: 0, acknowledged: 0, error: 0, warning: 0, info: 0 } });
  });

  it('measures the time from the triggering fact: a development deadline passed on 1 December is found on the 4th', async () => {
    const s = await setup();
    const file = await makeCandidate(h.deps, s.a.id, 16, '2026-11-02', '逾期对象');
    await h.db.exec(sql`INSERT INTO dev_deadline (file_id, kind, due) VALUES (${file.fileId}, 'approval', '2026-12-01')`);
    await scanCycle();
    const dev = (await list(s.county, `orgId=${s.a.id}&module=development`)).items.find((i: WarningItem) => i.title === '逾期对象' && i.kind === 'approval')!;
    expect(dev).toMatchObject({ level: 'error', dueOn: '2026-12-01', kindLabel: '上级党委审批（支部大会后3个月内）', link: `/admin/development/candidates/${file.fileId}` });
    expect(dev.detail).toBe('上级党委审批已逾期 3 天（2026-12-01）');
    // the fact: the day after the due date began (2 December 00:00 in Beijing = 1 December 16:00 UTC); found at 4 December 04:00 UTC
    expect(dev.factAt).toBe('2026-12-01T16:00:00.000Z');
    expect(dev.discoverySeconds).toBe(2 * 86400 + 12 * 3600);
  });

  it('ranks the main problems of a subtree by weight, with their trend, orgs and a sentence, and writes them into a one-page brief', async () => {
    const s = await setup();
    // a warning found 40 days ago and still live: the trend compares with 30 days ago
    await scanCycle();
    const live = await h.db.query<{ kind: string; n: number; orgs: number }>(sql`
      SELECT w.kind, count(*)::int AS n, count(DISTINCT w.org_id)::int AS orgs FROM warning w JOIN org o ON o.id = w.org_id
      WHERE w.cleared_at IS NULL AND w.status <> 'resolved' AND w.module = 'org' AND o.path <@ ${s.root.path}::ltree GROUP BY w.kind`);
    const tooFewRow = live.find((r) => r.kind === 'too_few_full_members')!;
    await h.db.exec(sql`UPDATE warning SET discovered_at = ${TEST_NOW}::timestamptz - interval '40 days'
      WHERE id = (SELECT w.id FROM warning w WHERE w.org_id = ${s.a.id} AND w.kind = 'too_few_full_members' AND w.cleared_at IS NULL)`);
    const res = await s.county.get(`/api/v1/analysis/problems?orgId=${s.root.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json() as ProblemAnalysis;
    expect(a.comparedWith).toBe('2026-11-04');
    const p = a.problems.find((x) => x.key === 'org.too_few_full_members')!;
    expect(p).toMatchObject({ source: 'warnings', title: '正式党员人数不足', level: 'error', size: tooFewRow.n, before: 1, orgs: tooFewRow.orgs, link: `/admin/warnings?module=org&orgId=${s.root.id}` });
    expect(p.topOrgs).toContain('预警第一支部');
    expect(p.explanation).toBe(`正式党员人数不足共 ${tooFewRow.n} 条，涉及 ${tooFewRow.orgs} 个组织，比 30 天前增加 ${tooFewRow.n - 1} 条。最集中的是${p.topOrgs.join('、')}。`);
    // ranked by weight: red counts 3 per warning, yellow 2, blue 1
    const weights = a.problems.filter((x) => x.source === 'warnings').map((x) => ({ error: 3, warning: 2, info: 1 })[x.level] * x.size);
    expect(weights).toEqual([...weights].sort((x, y) => y - x));
    // a secretary of branch B analyses only B
    expect((await s.secB.get(`/api/v1/analysis/problems?orgId=${s.root.id}`)).statusCode).toBe(404);

    const brief = await s.county.get(`/api/v1/analysis/problems/brief?orgId=${s.root.id}`);
    expect(brief.statusCode).toBe(200);
    const xml = await (await JSZip.loadAsync(brief.rawPayload)).file('word/document.xml')!.async('string');
    const text = xml.replace(/<[^>]+>/g, '');
    expect(text).toContain('预警测试县委党建工作主要问题简报');
    expect(text).toContain(`正式党员人数不足：${p.explanation}`);
  });
});
