import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import type { Deps } from '../src/server/deps';
import { Rng } from '../src/server/seed/random';
import type { Benchmark } from './lib/context';
import { ensureAccount, openBenchDb } from './lib/data';
import { loginInject, timeInjectedGets } from './lib/http';
import { LATENCY_HEADER, latencyRow, ms, num, printTable, verdict } from './lib/stats';

// B10: the party-building map's layer (getMapLayer) for a viewport and a
// subtree with 150,000 org points. No tier has that many organisations (the
// city tier ~15,000), so B10 keeps its own embedded database under
// /tmp/dj-bench-b10 (--map-data-dir DIR): a province of 14 cities × 10 counties × 20 towns × 53
// branches (151,355 orgs) spread over 5.5° × 5.5°, with member rollups of
// 10–39 members per branch summed up the tree — the layer reads rollups, never
// persons, so no person rows are needed. Generated once, then reused.

const CITIES = 14;
const COUNTIES = 10;
const TOWNS = 20;
const BRANCHES = 53;
const BOX = { w: 108.8, s: 24.6, e: 114.3, n: 30.1 };
const MARK = 'bench.b10';

interface OrgRow { id: string; seq: number; parent: string | null; path: string; type: string; name: string; lng: number; lat: number; members: number }

function uuidOf(rng: Rng): string {
  const h = Array.from({ length: 32 }, () => Math.floor(rng.next() * 16).toString(16)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function insertOrgs(deps: Deps, rows: OrgRow[]) {
  for (let i = 0; i < rows.length; i += 5000) {
    const b = rows.slice(i, i + 5000);
    await deps.db.exec(sql`INSERT INTO org (id, seq, parent_id, path, type, name, code, unit_kind, lng, lat)
      SELECT x.id, x.seq, x.parent, x.path::ltree, x.type, x.name, 'B10-' || x.seq, 'other', x.lng, x.lat
      FROM unnest(${b.map((r) => r.id)}::uuid[], ${b.map((r) => r.seq)}::bigint[], ${b.map((r) => r.parent)}::uuid[], ${b.map((r) => r.path)}::text[],
                  ${b.map((r) => r.type)}::text[], ${b.map((r) => r.name)}::text[], ${b.map((r) => r.lng)}::float8[], ${b.map((r) => r.lat)}::float8[])
        AS x(id, seq, parent, path, type, name, lng, lat)`);
    await deps.db.exec(sql`INSERT INTO member_rollup (org_id, dimension, value, n)
      SELECT x.id, 'status', 'full', x.n FROM unnest(${b.map((r) => r.id)}::uuid[], ${b.map((r) => r.members)}::int[]) AS x(id, n)`);
  }
}

/** Builds the province once; returns the root and one city and one town (for the subtree scenarios) and whether it generated. */
async function ensureProvince(deps: Deps): Promise<{ generatedMs: number | null; root: OrgRow; city: OrgRow; town: OrgRow }> {
  const done = await deps.db.maybeOne(sql`SELECT 1 FROM app_setting WHERE key = ${MARK}`);
  const rng = new Rng(10);
  const rows: OrgRow[] = [];
  let seq = 0;
  const jitter = (c: number, spread: number) => +(c + (rng.next() - 0.5) * spread).toFixed(6);
  const mk = (parent: OrgRow | null, type: string, name: string, lng: number, lat: number, members = 0): OrgRow => {
    seq++;
    const r: OrgRow = { id: uuidOf(rng), seq, parent: parent?.id ?? null, path: parent ? `${parent.path}.${seq}` : String(seq), type, name, lng, lat, members };
    rows.push(r);
    return r;
  };
  const root = mk(null, 'committee', '基准测试省委', (BOX.w + BOX.e) / 2, (BOX.s + BOX.n) / 2);
  const byLevel: OrgRow[][] = [[root], [], [], [], []];
  for (let c = 0; c < CITIES; c++) {
    const city = mk(root, 'committee', `基准测试第${c + 1}市委`, +(BOX.w + 0.5 + rng.next() * (BOX.e - BOX.w - 1)).toFixed(6), +(BOX.s + 0.5 + rng.next() * (BOX.n - BOX.s - 1)).toFixed(6));
    byLevel[1].push(city);
    for (let k = 0; k < COUNTIES; k++) {
      const county = mk(city, 'committee', `${city.name}第${k + 1}县委`, jitter(city.lng, 1), jitter(city.lat, 1));
      byLevel[2].push(county);
      for (let t = 0; t < TOWNS; t++) {
        const town = mk(county, 'committee', `${county.name}第${t + 1}镇党委`, jitter(county.lng, 0.3), jitter(county.lat, 0.3));
        byLevel[3].push(town);
        for (let b = 0; b < BRANCHES; b++) byLevel[4].push(mk(town, 'branch', `${town.name}第${b + 1}支部`, jitter(town.lng, 0.08), jitter(town.lat, 0.08), rng.int(10, 39)));
      }
    }
  }
  // the rollups are cumulative over the subtree: sum the children up, level by level
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (let level = 4; level >= 1; level--) for (const r of byLevel[level]) byId.get(r.parent!)!.members += r.members;
  const city = byLevel[1][0];
  const town = byLevel[3][0];
  if (done) {
    const stored = await deps.db.maybeOne<{ id: string }>(sql`SELECT id FROM org WHERE id = ${root.id}::uuid`);
    if (!stored) throw new Error('The B10 database is marked generated but lacks its province: delete its data directory and run again.');
    return { generatedMs: null, root, city, town };
  }
  if (await deps.db.maybeOne(sql`SELECT 1 FROM org LIMIT 1`)) throw new Error('The B10 database holds organisations it did not finish generating: delete its data directory and run again.');
  console.log(`Generating the B10 province: ${num(rows.length)} orgs — done once, then cached…`);
  const t0 = performance.now();
  await insertOrgs(deps, rows);
  await deps.db.exec(sql`SELECT setval(pg_get_serial_sequence('org', 'seq'), ${seq})`);
  await deps.db.exec(sql`ANALYZE org`);
  await deps.db.exec(sql`ANALYZE member_rollup`);
  await deps.db.exec(sql`INSERT INTO app_setting (key, value) VALUES (${MARK}, ${JSON.stringify({ orgs: rows.length })}::jsonb)`);
  const generatedMs = performance.now() - t0;
  console.log(`Generated in ${(generatedMs / 1000).toFixed(1)} s`);
  return { generatedMs, root, city, town };
}

const box = (lng: number, lat: number, half: number) => [lng - half, lat - half * 0.8, lng + half, lat + half * 0.8].map((x) => x.toFixed(5)).join(',');

export const b10Map: Benchmark = {
  name: 'b10',
  title: 'the party-building map layer for a viewport and a subtree (getMapLayer) over 150,000 org points',
  target: 'p95 ≤ 100 ms with 150,000 org points; never ship raw member points',
  usesTierDb: false,
  async run(ctx) {
    const db = await openBenchDb({ dataDir: ctx.options.mapDataDir });
    try {
      const { deps } = db;
      const { generatedMs, root, city, town } = await ensureProvince(deps);
      const total = (await deps.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM org WHERE lng IS NOT NULL AND dissolved_on IS NULL`)).n;
      const admin = await ensureAccount(deps, 'bench_b10', '压测-省委组织部', [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
      const cityAdmin = await ensureAccount(deps, 'bench_b10_city', '压测-市委组织部', [{ role: 'org_admin', orgId: city.id, scope: 'subtree' }]);
      const app = await buildApp(deps);
      try {
        const cookies = { admin: await loginInject(app, admin), city: await loginInject(app, cityAdmin) };
        const scenarios: Array<{ label: string; who: keyof typeof cookies; q: string }> = [
          { label: 'orgs, whole province, zoom 7', who: 'admin', q: `layer=orgs&zoom=7` },
          { label: 'orgs, province viewport, zoom 7', who: 'admin', q: `layer=orgs&zoom=7&bbox=${[BOX.w, BOX.s, BOX.e, BOX.n].join(',')}` },
          { label: 'orgs, a city viewport, zoom 9', who: 'admin', q: `layer=orgs&zoom=9&bbox=${box(city.lng, city.lat, 0.9)}` },
          { label: 'orgs, a town viewport, zoom 13', who: 'admin', q: `layer=orgs&zoom=13&bbox=${box(town.lng, town.lat, 0.05)}` },
          { label: 'density, whole province, zoom 7', who: 'admin', q: `layer=density&zoom=7` },
          { label: 'density, a city viewport, zoom 9', who: 'admin', q: `layer=density&zoom=9&bbox=${box(city.lng, city.lat, 0.9)}` },
          { label: 'orgs, city subtree (city admin), zoom 8', who: 'city', q: `layer=orgs&zoom=8` },
          { label: 'density, city subtree (city admin), zoom 8', who: 'city', q: `layer=density&zoom=8` },
        ];
        const n = Math.max(30, Math.min(ctx.options.queries, 200));
        const rows: Array<Array<string | number>> = [];
        const out: Record<string, unknown> = { orgPoints: total, generatedMs };
        let worst = 0;
        for (const s of scenarios) {
          const url = `/api/v1/map/layer?${s.q}`;
          const first = await app.inject({ method: 'GET', url, headers: { cookie: cookies[s.who] } });
          if (first.statusCode !== 200) throw new Error(`${url} → ${first.statusCode} ${first.body}`);
          const body = first.json() as { points: unknown[]; clusters: unknown[]; clustered: boolean; total: number };
          const stats = await timeInjectedGets(app, cookies[s.who], url, n, 5);
          worst = Math.max(worst, stats.p95);
          rows.push(latencyRow(s.label, stats, [body.clustered ? `${num(body.clusters.length)} cells` : `${num(body.points.length)} points`, `${(first.body.length / 1024).toFixed(0)} KB`]));
          out[s.label] = { ...stats, features: body.clustered ? body.clusters.length : body.points.length, bytes: first.body.length };
        }
        printTable(`getMapLayer on ${num(total)} org points (${db.label}); sequential app.inject × ${n}`, [...LATENCY_HEADER, 'features', 'payload'], rows);
        console.log(`B10 map layer, worst p95 ${ms(worst)} ms (target ≤ 100 ms: ${verdict(worst <= 100)}); member density from rollups by cell, never member points`);
        return { ...out, worstP95: worst };
      } finally {
        await app.close();
      }
    } finally {
      await db.close();
    }
  },
};
