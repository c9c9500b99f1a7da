import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import type { Queryable } from '../../src/server/platform/db';
import { indexRollupDifferences, rebuildIndexRollup, recomputeIndex } from '../../src/server/domains/branch-index';
import type { Dashboard } from '../../src/contracts/dashboard';
import type { BranchIndex } from '../../src/contracts/branch-index';
import { INDEX_BANDS, type IndexBand } from '../../src/contracts/branch-index';
import { createDemoHarness, login, type Client, type Harness, TEST_NOW, TEST_TODAY } from '../helpers/harness';
import { makeAccount, PASSWORD } from '../helpers/factory';

// The branch index's band rollup (migration 0030): per org and period, the
// branch_index rows of its subtree by band. On the demo county (whose index
// the seed computed through the same upsert), after a seeded random sequence
// of recomputes, direct writes of branch_index rows and org moves — one after
// the other and concurrently — the rollup equals a recomputation written here
// in plain SQL (not the rebuild under test); the screen's tile and the index
// page read the same counts; verify finds drift and rebuild repairs it.

let h: Harness;
let admin: Client;
let rootId: string;
let rootPath: string;
beforeAll(async () => {
  h = await createDemoHarness();
  const root = await h.db.one<{ id: string; path: string }>(sql`SELECT id, path::text AS path FROM org WHERE parent_id IS NULL ORDER BY seq LIMIT 1`);
  rootId = root.id;
  rootPath = root.path;
  admin = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
});
afterAll(async () => h.close());

type Row = { org_id: string; period: string; band: string; n: number };
const key = (r: Row) => `${r.org_id}|${r.period}|${r.band}`;
const sorted = (rows: Row[]) => rows.map((r) => ({ ...r, n: Number(r.n) })).sort((a, b) => key(a).localeCompare(key(b)));

/** The rollup as it should be, from branch_index and org by this test's own SQL. */
async function recomputed(q: Queryable): Promise<Row[]> {
  return sorted(await q.query<Row>(sql`
    SELECT anc.id AS org_id, i.period, CASE WHEN i.band IS NULL THEN 'none' ELSE i.band END AS band, count(*)::int AS n
    FROM branch_index i JOIN org own ON own.id = i.org_id JOIN org anc ON own.path <@ anc.path
    GROUP BY 1, 2, 3`));
}

async function stored(q: Queryable): Promise<Row[]> {
  return sorted(await q.query<Row>(sql`SELECT org_id, period, band, n FROM branch_index_rollup WHERE n <> 0`));
}

async function expectConsistent(what: string) {
  const [want, got] = await Promise.all([recomputed(h.db), stored(h.db)]);
  expect(want.length, `${what}: the demo has index rows`).toBeGreaterThan(0);
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    const w = new Map(want.map((r) => [key(r), r.n]));
    const g = new Map(got.map((r) => [key(r), r.n]));
    const diff = [...new Set([...w.keys(), ...g.keys()])].filter((k) => w.get(k) !== g.get(k)).slice(0, 10).map((k) => `${k}: stored ${g.get(k) ?? 0}, recomputed ${w.get(k) ?? 0}`);
    expect(diff, what).toEqual([]);
  }
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

const BANDS = [...(Object.keys(INDEX_BANDS) as IndexBand[]), null];
const QUARTER = '2026-Q4'; // the running quarter on the harness's day (the screen's tile)
const orgsOf = (types: string[]) =>
  h.db.query<{ id: string; path: string; type: string }>(sql`SELECT id, path::text AS path, type FROM org WHERE type = ANY(${types}::text[]) AND dissolved_on IS NULL AND parent_id IS NOT NULL ORDER BY seq`);
const version = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM org WHERE id = ${id}`)).version;
const pathOf = async (id: string) => (await h.db.one<{ path: string }>(sql`SELECT path::text AS path FROM org WHERE id = ${id}`)).path;

/** Band counts of a subtree for a period from the raw rows. */
async function rawBands(orgId: string, period: string): Promise<Record<string, number>> {
  const rows = await h.db.query<{ band: string; n: number }>(sql`
    SELECT coalesce(i.band, 'none') AS band, count(*)::int AS n FROM branch_index i JOIN org o ON o.id = i.org_id JOIN org r ON r.id = ${orgId}::uuid
    WHERE o.path <@ r.path AND i.period = ${period} GROUP BY 1`);
  return Object.fromEntries(rows.map((r) => [r.band, r.n]));
}

async function move(orgId: string, newParentId: string) {
  const res = await admin.post(`/api/v1/orgs/${orgId}/move`, { newParentId, version: await version(orgId) });
  expect(res.statusCode, res.body).toBe(200);
}

/** Writes that change bands directly (what a recompute after new facts does): some rows re-banded, some removed. */
async function perturb(r: ReturnType<typeof prng>, periods: string[], under: string) {
  const period = r.pick(periods);
  const band = r.pick(BANDS);
  await h.db.exec(sql`UPDATE branch_index SET band = ${band}, composite = ${band === null ? null : r.int(0, 100)}
    WHERE period = ${period} AND org_id IN (SELECT i.org_id FROM branch_index i JOIN org o ON o.id = i.org_id
      WHERE i.period = ${period} AND o.path <@ ${under}::ltree ORDER BY md5(i.org_id::text || ${String(r.next())}) LIMIT ${r.int(1, 12)})`);
  if (r.int(0, 2) === 0) {
    await h.db.exec(sql`DELETE FROM branch_index WHERE period = ${r.pick(periods)} AND org_id IN (SELECT i.org_id FROM branch_index i JOIN org o ON o.id = i.org_id
      WHERE o.path <@ ${under}::ltree ORDER BY md5(i.org_id::text || ${String(r.next())}) LIMIT ${r.int(1, 6)})`);
  }
}

describe('the band rollup of the branch index', () => {
  it('equals a raw recomputation on the seeded demo, after random recomputes, direct writes and org moves, and the screen and the index page read it', async () => {
    await expectConsistent('after the seed');
    const periods = (await h.db.query<{ period: string }>(sql`SELECT DISTINCT period FROM branch_index ORDER BY period DESC`)).map((p) => p.period).filter((p) => p <= QUARTER).slice(0, 6);
    expect(periods).toContain(QUARTER);
    const committees = await orgsOf(['committee', 'working_committee']);
    const generals = await orgsOf(['general_branch']);
    const branches = await orgsOf(['branch', 'joint_branch']);
    expect(committees.length).toBeGreaterThanOrEqual(2);
    const r = prng(20261206);
    const log: string[] = [];
    for (let step = 0; step < 40; step++) {
      const op = r.int(0, 5);
      log.push(String(op));
      if (op <= 1) {
        // a recompute of a random subtree and period (upserts: updates, and inserts where rows were removed)
        const where = r.pick([rootId, r.pick(committees).id, r.pick(generals).id, r.pick(branches).id]);
        await recomputeIndex(h.db, new Date(TEST_NOW), TEST_TODAY, await pathOf(where), r.pick(periods));
      } else if (op === 2) {
        await perturb(r, periods, r.int(0, 1) ? rootPath : await pathOf(r.pick(committees).id));
      } else if (op === 3) {
        // a committee (with its branches and their index rows) under another committee, or back under the root
        const c = r.pick(committees);
        const parent = (await h.db.one<{ parent_id: string }>(sql`SELECT parent_id FROM org WHERE id = ${c.id}`)).parent_id;
        const others = committees.filter((o) => o.id !== c.id);
        const target = parent === rootId ? r.pick(others) : { id: rootId };
        const targetPath = await pathOf(target.id);
        if (!targetPath.startsWith(`${await pathOf(c.id)}.`)) await move(c.id, target.id);
      } else if (op === 4) {
        // a branch to another committee
        const b = r.pick(branches);
        await move(b.id, r.pick(committees).id);
      } else {
        // the rows of a whole subtree removed and recomputed (one statement inserting them all)
        const c = r.pick(committees);
        const p = r.pick(periods);
        await h.db.exec(sql`DELETE FROM branch_index WHERE period = ${p} AND org_id IN (SELECT id FROM org WHERE path <@ ${await pathOf(c.id)}::ltree)`);
        await recomputeIndex(h.db, new Date(TEST_NOW), TEST_TODAY, await pathOf(c.id), p);
      }
      if (step % 5 === 4) await expectConsistent(`after steps ${log.join(',')}`);
    }
    await expectConsistent(`after steps ${log.join(',')}`);

    // the screen's tile and the index page's counts for the root, a committee and a branch: the raw counts of the quarter
    await perturb(r, [QUARTER], rootPath);
    for (const org of [{ id: rootId }, r.pick(committees), r.pick(branches)]) {
      const want = await rawBands(org.id, QUARTER);
      const d = (await admin.get(`/api/v1/dashboard?orgId=${org.id}`)).json() as Dashboard;
      const tile = d.tiles.find((t) => t.key === 'index')!;
      for (const b of Object.keys(INDEX_BANDS) as IndexBand[]) expect(tile.figures.find((f) => f.label === `${INDEX_BANDS[b]}支部`)!.value, `${org.id} ${b}`).toBe(want[b] ?? 0);
      expect(tile.series[0].points.find((p) => p.label === '无数据')?.values[0] ?? 0).toBe(want.none ?? 0);
      const page = (await admin.get(`/api/v1/index/branch?orgId=${org.id}&period=${QUARTER}`)).json() as BranchIndex;
      expect(page.bandCounts).toEqual(want);
    }
    // a small subtree with every band, so that an equal empty answer would not pass
    expect(Object.keys(await rawBands(rootId, QUARTER)).length).toBeGreaterThan(1);
  });

  it('stays equal when recomputes, direct writes and moves run concurrently', async () => {
    const committees = await orgsOf(['committee', 'working_committee']);
    const branches = await orgsOf(['branch', 'joint_branch']);
    const r = prng(7);
    for (let round = 0; round < 6; round++) {
      const [a, b] = [committees[round % committees.length], committees[(round + 1) % committees.length]];
      const aParent = (await h.db.one<{ parent_id: string }>(sql`SELECT parent_id FROM org WHERE id = ${a.id}`)).parent_id;
      const bPath = await pathOf(b.id);
      const aPath = await pathOf(a.id);
      const moveA = aParent === rootId && !bPath.startsWith(`${aPath}.`) ? move(a.id, b.id) : aParent !== rootId ? move(a.id, rootId) : Promise.resolve();
      await Promise.all([
        moveA,
        recomputeIndex(h.db, new Date(TEST_NOW), TEST_TODAY, rootPath, QUARTER),
        recomputeIndex(h.db, new Date(TEST_NOW), TEST_TODAY, aPath, '2026'),
        perturb(r, [QUARTER, '2026'], rootPath),
        move(r.pick(branches).id, r.pick(committees).id),
      ]);
      await expectConsistent(`concurrent round ${round}`);
    }
  });

  it('verify finds drift and rebuild restores a damaged rollup', async () => {
    expect((await indexRollupDifferences(h.db)).differenceCount).toBe(0);
    const before = await stored(h.db);
    const victim = before.find((x) => x.org_id === rootId && x.n > 1)!;
    const gone = before.find((x) => x.org_id !== rootId)!;
    const branch = (await orgsOf(['branch']))[0];
    await h.db.exec(sql`UPDATE branch_index_rollup SET n = n + 3 WHERE org_id = ${victim.org_id} AND period = ${victim.period} AND band = ${victim.band}`);
    await h.db.exec(sql`DELETE FROM branch_index_rollup WHERE org_id = ${gone.org_id} AND period = ${gone.period} AND band = ${gone.band}`);
    await h.db.exec(sql`INSERT INTO branch_index_rollup (org_id, period, band, n) VALUES (${branch.id}, '2030-Q1', 'good', 2)`);
    const v = await indexRollupDifferences(h.db);
    expect(v.differenceCount).toBe(3);
    const byKey = new Map(v.differences.map((d) => [`${d.org_id}|${d.period}|${d.band}`, [d.stored, d.computed]]));
    expect(byKey.get(key(victim))).toEqual([victim.n + 3, victim.n]);
    expect(byKey.get(key(gone))).toEqual([0, gone.n]);
    expect(byKey.get(`${branch.id}|2030-Q1|good`)).toEqual([2, 0]);
    // verification changes nothing
    expect((await indexRollupDifferences(h.db)).differenceCount).toBe(3);

    const rows = await rebuildIndexRollup(h.db);
    expect(rows).toBe(before.length);
    expect((await indexRollupDifferences(h.db)).differenceCount).toBe(0);
    await expectConsistent('after the rebuild');
    expect(await stored(h.db)).toEqual(before);
  });
});
