import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import type { Dashboard, DashboardDrill, DashboardTile } from '../../src/contracts/dashboard';
import { fixedClock } from '../../src/server/platform/clock';
import { createDemoHarness, login, TEST_NOW, type Client, type Harness } from '../helpers/harness';
import JSZip from 'jszip';
import { makeAccount, makeIdNumber, makeMember, PASSWORD } from '../helpers/factory';

// The big screen (getDashboard) on the demo county: every figure equals a raw
// GROUP BY of the facts written in this test (before and after random writes),
// the drill-down stays inside the viewer's scope, and the payload names no one.

let h: Harness;
let county: Client;
let rootId: string;
const clock = fixedClock(TEST_NOW);
beforeAll(async () => {
  h = await createDemoHarness({}, { clock });
  const root = await h.db.one<{ id: string }>(sql`SELECT id FROM org WHERE parent_id IS NULL ORDER BY seq LIMIT 1`);
  rootId = root.id;
  county = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
});
afterAll(async () => h.close());

async function dashboard(c: Client, orgId?: string): Promise<Dashboard> {
  const res = await c.get(`/api/v1/dashboard${orgId ? `?orgId=${orgId}` : ''}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Dashboard;
}
const tile = (d: Dashboard, key: string): DashboardTile => d.tiles.find((t) => t.key === key)!;
const figure = (t: DashboardTile, label: string) => t.figures.find((f) => f.label === label)!.value;

/** The figures recomputed from the raw rows of an org's subtree, by this test's own SQL. */
async function raw(orgId: string, today: string) {
  const month = `${today.slice(0, 7)}-01`;
  const year = `${today.slice(0, 4)}-01-01`;
  const r = await h.db.one<{ full: number; probationary: number; candidate: number; female: number; orgs: number; due: string; bills: number; bills_paid: number; held: number; joined: number; planned: number | null }>(sql`
    WITH sub AS (SELECT o.id FROM org o JOIN org r ON r.id = ${orgId}::uuid WHERE o.path <@ r.path)
    SELECT
      (SELECT count(*) FROM person p WHERE p.org_id IN (SELECT id FROM sub) AND p.status = 'full')::int AS full,
      (SELECT count(*) FROM person p WHERE p.org_id IN (SELECT id FROM sub) AND p.status = 'probationary')::int AS probationary,
      (SELECT count(*) FROM person p WHERE p.org_id IN (SELECT id FROM sub) AND p.status = 'candidate')::int AS candidate,
      (SELECT count(*) FROM person p WHERE p.org_id IN (SELECT id FROM sub) AND p.status IN ('full', 'probationary') AND p.sex = 'female')::int AS female,
      (SELECT count(*) FROM org o WHERE o.id IN (SELECT id FROM sub) AND o.dissolved_on IS NULL AND o.type <> 'party_group')::int AS orgs,
      (SELECT coalesce(sum(b.due_fen), 0) FROM dues_bill b WHERE b.org_id IN (SELECT id FROM sub) AND b.month = ${month}::date)::text AS due,
      (SELECT count(*) FROM dues_bill b WHERE b.org_id IN (SELECT id FROM sub) AND b.month = ${month}::date)::int AS bills,
      (SELECT count(*) FROM dues_bill b WHERE b.org_id IN (SELECT id FROM sub) AND b.month = ${month}::date AND b.paid_on IS NOT NULL)::int AS bills_paid,
      (SELECT count(*) FROM meeting m WHERE m.org_id IN (SELECT id FROM sub) AND m.status = 'held' AND m.held_on >= ${year}::date
         AND m.held_on < (${month}::date + interval '1 month'))::int AS held,
      (SELECT count(*) FROM person p WHERE p.org_id IN (SELECT id FROM sub) AND p.is_current AND p.status IN ('full', 'probationary')
         AND p.join_date >= ${year}::date AND p.join_date < (${year}::date + interval '1 year'))::int AS joined,
      (SELECT planned FROM dev_plan WHERE org_id = ${orgId}::uuid AND year = ${Number(today.slice(0, 4))}) AS planned`);
  const children = await h.db.query<{ id: string; members: number }>(sql`
    SELECT c.id, (SELECT count(*) FROM person p JOIN org o ON o.id = p.org_id WHERE o.path <@ c.path AND p.status IN ('full', 'probationary'))::int AS members
    FROM org c WHERE c.parent_id = ${orgId}::uuid AND c.dissolved_on IS NULL`);
  return { ...r, children: Object.fromEntries(children.map((c) => [c.id, c.members])) };
}

async function expectMatchesRaw(d: Dashboard) {
  const want = await raw(d.org.id, d.asOf);
  // the demo county has facts of every kind here, so an empty tile would not pass as equal
  expect([want.full, want.female, want.bills, want.held, want.planned ?? 0].every((n) => n > 0), JSON.stringify(want)).toBe(true);
  const basics = tile(d, 'basics');
  expect(figure(basics, '党员总数')).toBe(want.full + want.probationary);
  expect(figure(basics, '正式党员')).toBe(want.full);
  expect(figure(basics, '预备党员')).toBe(want.probationary);
  expect(figure(basics, '发展对象')).toBe(want.candidate);
  expect(figure(basics, '基层党组织')).toBe(want.orgs);
  expect(figure(tile(d, 'structure'), '女党员')).toBe(want.female);
  const dues = tile(d, 'dues');
  expect(figure(dues, '本月应交')).toBe(Number(want.due) / 100);
  expect(figure(dues, '本月收缴率')).toBe(want.bills ? Math.round((want.bills_paid / want.bills) * 1000) / 10 : 0);
  expect(figure(tile(d, 'meetings'), '本年召开会议')).toBe(want.held);
  const dev = tile(d, 'development');
  const y = d.asOf.slice(0, 4);
  expect(figure(dev, `${y}年已发展`)).toBe(want.joined);
  expect(dev.figures.find((f) => f.label === `${y}年发展计划`)?.value ?? null).toBe(want.planned);
  expect(Object.fromEntries(d.children.map((c) => [c.id, c.members]))).toEqual(want.children);
}

describe('getDashboard', () => {
  it('reads every figure from the rollups, equal to a raw recomputation, before and after random writes', async () => {
    const d = await dashboard(county);
    expect(d.org.id).toBe(rootId);
    expect(d.trail.map((o) => o.id)).toEqual([rootId]);
    expect(d.tiles.map((t) => t.key)).toEqual(['basics', 'structure', 'development', 'dues', 'meetings', 'index', 'projects']);
    expect(d.children.length).toBeGreaterThan(0);
    await expectMatchesRaw(d);

    // random writes: members added to random branches, one member leaves through a status change
    const branches = await h.db.query<{ id: string; path: string }>(sql`SELECT id, path::text AS path FROM org WHERE type = 'branch' AND dissolved_on IS NULL ORDER BY seq LIMIT 40`);
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 12; i++) {
      const b = branches[next() % branches.length];
      const sex = next() % 2 ? 'female' : 'male';
      await makeMember(h.deps, b.id, { name: `大屏随机${i}`, sex, status: next() % 3 ? 'full' : 'probationary', idNumber: makeIdNumber(`19${70 + (i % 20)}-0${1 + (i % 9)}-1${i % 9}`, sex) });
    }
    await h.db.exec(sql`UPDATE person SET status = 'deceased' WHERE id = (SELECT id FROM person WHERE status = 'full' AND is_current ORDER BY id LIMIT 1)`);
    // within DASHBOARD_CACHE_SECONDS the screen still shows the figures it read (QUALITY B1: at most 60 s stale) ...
    const before = figure(tile(d, 'basics'), '党员总数');
    const want = await raw(rootId, d.asOf);
    expect(want.full + want.probationary).toBe(before + 11);
    expect(figure(tile(await dashboard(county), 'basics'), '党员总数')).toBe(before);
    // ... and once that has passed, the rollups as they are now
    clock.set(new Date(clock.now().getTime() + h.deps.config.dashboardCacheSeconds * 1000 + 1));
    const fresh = await dashboard(county);
    expect(fresh.generatedAt).toBe(clock.now().toISOString());
    await expectMatchesRaw(fresh);

    // drill down into the first child and back: the trail grows, the figures are the child's
    const child = d.children[0];
    const down = await dashboard(county, child.id);
    expect(down.trail.map((o) => o.id)).toEqual([rootId, child.id]);
    await expectMatchesRaw(down);
  });

  it('stays inside the viewer scope: a secretary sees the branch only, a stranger org is not found, a member is refused', async () => {
    const secretary = await h.db.one<{ org_id: string; name: string }>(sql`SELECT g.org_id, o.name FROM account a JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1'`);
    const sec = await login(h.app, 'secretary1', 'Dangjian@2026');
    const own = await dashboard(sec);
    expect(own.org.id).toBe(secretary.org_id);
    // the breadcrumb holds only what the secretary sees: the branch, not the county above it
    expect(own.trail.map((o) => o.id)).toEqual([secretary.org_id]);
    const other = await h.db.one<{ id: string }>(sql`SELECT id FROM org WHERE type = 'branch' AND id <> ${secretary.org_id} ORDER BY seq LIMIT 1`);
    const probe = await sec.get(`/api/v1/dashboard?orgId=${other.id}`);
    expect(probe.statusCode).toBe(404);
    expect((await sec.get(`/api/v1/dashboard?orgId=${rootId}`)).statusCode).toBe(404);
    const member = await login(h.app, 'member1', 'Dangjian@2026');
    expect((await member.get('/api/v1/dashboard')).statusCode).toBe(403);
  });

  it('names no member: no personal field and no name, ID number or phone of anyone in the county', async () => {
    const d = await dashboard(county);
    const body = JSON.stringify(d);
    // the PI fields of the member record never appear as keys
    for (const field of ['personId', 'personName', 'idNumber', 'idNo', 'phone', 'address', 'birthDate', 'unitName', 'monthlyIncomeFen']) expect(body).not.toContain(`"${field}"`);
    const people = await h.db.query<{ name: string; phone: string | null }>(sql`SELECT DISTINCT name, NULL::text AS phone FROM person WHERE length(name) >= 2`);
    const leaked = people.filter((p) => body.includes(`"${p.name}"`) || body.includes(`${p.name}：`));
    expect(leaked.map((p) => p.name)).toEqual([]);
  });
});

describe('getDashboardDrill', () => {
  it('counts the members by two dimensions exactly as a raw GROUP BY, with totals, filters and the children', async () => {
    const res = await county.get('/api/v1/dashboard/drill?rows=education&cols=sex');
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json() as DashboardDrill;
    expect(d.cols.map((c) => c.label)).toEqual(['男', '女']);
    const want = await h.db.query<{ education: string; sex: string; n: number }>(sql`
      SELECT p.education, p.sex, count(*)::int AS n FROM person p JOIN org o ON o.id = p.org_id JOIN org r ON r.id = ${rootId}::uuid
      WHERE o.path <@ r.path AND p.status IN ('full', 'probationary') GROUP BY 1, 2`);
    for (const w of want) {
      const i = d.rows.findIndex((r) => r.key === w.education);
      const j = d.cols.findIndex((c) => c.key === w.sex);
      expect(d.cells[i][j], `${w.education} × ${w.sex}`).toBe(w.n);
    }
    expect(d.total).toBe(want.reduce((a, w) => a + w.n, 0));
    expect(d.rowTotals.reduce((a, n) => a + n, 0)).toBe(d.total);
    expect(d.colTotals.reduce((a, n) => a + n, 0)).toBe(d.total);

    // a filter narrows it: probationary women only
    const f = (await county.get('/api/v1/dashboard/drill?rows=age&cols=sex&status=probationary&sex=female')).json() as DashboardDrill;
    const pf = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person p JOIN org o ON o.id = p.org_id JOIN org r ON r.id = ${rootId}::uuid
      WHERE o.path <@ r.path AND p.status = 'probationary' AND p.sex = 'female'`);
    expect(f.total).toBe(pf.n);
    expect(f.rows.map((r) => r.label)).toEqual(['30岁及以下', '31—45岁', '46—60岁', '61岁及以上']);

    // by 下级组织: each child's row is its subtree, as the screen's children say
    const byOrg = (await county.get('/api/v1/dashboard/drill?rows=org&cols=status')).json() as DashboardDrill;
    const screen = await dashboard(county);
    for (const c of screen.children.filter((x) => x.members > 0)) {
      const i = byOrg.rows.findIndex((r) => r.label === c.name);
      expect(byOrg.rowTotals[i], c.name).toBe(c.members);
    }

    // 入党时间 and 年龄段 agree with the member statistics (periods and ages computed there in JS from the rollups)
    const stats = (await county.get(`/api/v1/orgs/${rootId}/member-stats`)).json() as { byJoinPeriod: Array<{ key: string; n: number }>; byAgeBand: Array<{ key: string; n: number }> };
    const join = (await county.get('/api/v1/dashboard/drill?rows=join_period&cols=sex')).json() as DashboardDrill;
    for (const p of stats.byJoinPeriod.filter((x) => x.n > 0)) expect(join.rowTotals[join.rows.findIndex((r) => r.key === p.key)], p.key).toBe(p.n);
    const ages = (await county.get('/api/v1/dashboard/drill?rows=age&cols=sex')).json() as DashboardDrill;
    const band = (keys: string[]) => stats.byAgeBand.filter((b) => keys.includes(b.key)).reduce((a, b) => a + b.n, 0);
    expect(ages.rowTotals).toEqual([band(['upto25', '26_30']), band(['31_35', '36_40', '41_45']), band(['46_50', '51_55', '56_60']), band(['61plus'])]);

    // the same dimension twice is refused with the field named
    const same = await county.get('/api/v1/dashboard/drill?rows=sex&cols=sex');
    expect(same.statusCode).toBe(400);
    expect(same.json().error.details.issues).toEqual([{ field: 'cols', message: '行和列请选择不同的维度' }]);
  });

  it('exports the cross-tab to Excel, read back from the sheet XML, and keeps to the scope', async () => {
    const d = (await county.get('/api/v1/dashboard/drill?rows=education&cols=sex')).json() as DashboardDrill;
    const res = await county.get('/api/v1/dashboard/drill/export?rows=education&cols=sex');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const zip = await JSZip.loadAsync(res.rawPayload);
    const sheet = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    const shared = (await zip.file('xl/sharedStrings.xml')?.async('string')) ?? '';
    const text = sheet + shared;
    for (const label of ['党员交叉统计', '学历', '男', '女', '合计', d.rows[0].label]) expect(text).toContain(label);
    // the grand total is in the sheet as a number
    expect(sheet).toContain(`<v>${d.total}</v>`);
    // a secretary drills only the branch: the county is not found
    const sec = await login(h.app, 'secretary1', 'Dangjian@2026');
    expect((await sec.get(`/api/v1/dashboard/drill?orgId=${rootId}&rows=sex&cols=age`)).statusCode).toBe(404);
    const own = (await sec.get('/api/v1/dashboard/drill?rows=sex&cols=age')).json() as DashboardDrill;
    const branch = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person p JOIN account a ON a.username = 'secretary1'
      JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL JOIN org b ON b.id = g.org_id JOIN org o ON o.id = p.org_id
      WHERE o.path <@ b.path AND p.status IN ('full', 'probationary')`);
    expect(own.total).toBe(branch.n);
  });
});

describe('the screen page', () => {
  it('serves /screen from its own lean page and every other client route from the console page', async () => {
    const screen = await h.app.inject({ method: 'GET', url: '/screen?orgId=x' });
    expect(screen.statusCode).toBe(200);
    expect(screen.headers['content-type']).toContain('text/html');
    expect(screen.body).toContain('<title>党建大屏 - 智慧党建云平台</title>');
    for (const url of ['/admin', '/admin/members', '/m', '/screen/other']) {
      const page = await h.app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain('<title>智慧党建云平台</title>');
    }
  });
});
