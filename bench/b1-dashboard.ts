import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import { periodOf } from '../src/contracts/meeting';
import { actorOf, rawSubtreeCounts, statsFromRollup } from '../src/server/domains/member';
import { dashboardTiles, getDashboard, sharedReads } from '../src/server/domains/dashboard';
import type { Benchmark } from './lib/context';
import { loginInject, timeInjectedGets } from './lib/http';
import { LATENCY_HEADER, latencyRow, ms, num, printTable, summarize, verdict } from './lib/stats';

// B1 (the big screen): getDashboard of the root and of a town committee —
// every tile read from the rollups (members, development, dues, meetings,
// index bands), the children with their subtree counts and the warning
// ticker — against the same tiles computed with raw GROUP BYs over person,
// org, dues_bill, meeting and branch_index in the same run. Timed as served
// (the figures kept DASHBOARD_CACHE_SECONDS, QUALITY B1's "at most 60 s
// stale": the org and trail are read every time) and read anew (cache off).

export const b1Dashboard: Benchmark = {
  name: 'b1-dashboard',
  title: 'the big screen (getDashboard, every tile from the rollups) vs the same tiles by raw GROUP BY',
  target: 'p50 ≤ 5 ms, p95 ≤ 20 ms; ≥ 100× faster than the raw GROUP BY',
  usesTierDb: true,
  async run(ctx) {
    const { deps, accounts } = await ctx.tierDb();
    const today = deps.clock.today();
    const month = `${today.slice(0, 7)}-01`;
    const year = `${today.slice(0, 4)}-01-01`;
    const quarter = periodOf('quarter', today);
    /** The screen's tiles for a subtree, from the raw rows (what the rollups save). */
    const rawTiles = async (org: { id: string; path: string }) => {
      const members = statsFromRollup(await rawSubtreeCounts(deps.db, org.path), today);
      const [dues, meetings, children, bands] = await Promise.all([
        deps.db.query(sql`SELECT b.month, sum(b.due_fen) AS due, count(*) AS bills, count(*) FILTER (WHERE b.paid_on IS NOT NULL) AS paid
          FROM dues_bill b JOIN org o ON o.id = b.org_id WHERE o.path <@ ${org.path}::ltree AND b.month BETWEEN ${year}::date AND ${month}::date GROUP BY b.month`),
        deps.db.query(sql`SELECT m.type, count(*) FILTER (WHERE m.status = 'held') AS held FROM meeting m JOIN org o ON o.id = m.org_id
          WHERE o.path <@ ${org.path}::ltree AND m.held_on >= ${year}::date GROUP BY m.type`),
        deps.db.query(sql`SELECT c.id, (SELECT count(*) FROM person p JOIN org o ON o.id = p.org_id WHERE o.path <@ c.path AND p.is_current) AS members
          FROM org c WHERE c.parent_id = ${org.id}::uuid AND c.dissolved_on IS NULL`),
        deps.db.query(sql`SELECT coalesce(i.band, 'none') AS band, count(*) AS n FROM branch_index i JOIN org o ON o.id = i.org_id
          WHERE o.path <@ ${org.path}::ltree AND i.period = ${quarter} GROUP BY 1`),
      ]);
      return { members: members.members, dues: dues.length, meetings: meetings.length, children: children.length, bands: bands.length };
    };
    const app = await buildApp(deps);
    // the same server without the figure cache: every request reads the rollups anew (what the first viewer of a screen waits for)
    const uncachedDeps = { ...deps, config: { ...deps.config, dashboardCacheSeconds: 0 } };
    const uncachedApp = await buildApp(uncachedDeps);
    try {
      const cookie = await loginInject(app, accounts.admin);
      const n = Math.max(20, Math.min(ctx.options.queries, 500));
      const rawN = Math.max(5, Math.min(50, Math.floor(n / 10)));
      const rows: Array<Array<string | number>> = [];
      const out: Record<string, unknown> = {};
      for (const [label, org] of [['the root', accounts.orgs.root], ['a committee under it', accounts.orgs.committee]] as const) {
        const url = `/api/v1/dashboard?orgId=${org.id}`;
        const first = await app.inject({ method: 'GET', url, headers: { cookie } });
        if (first.statusCode !== 200) throw new Error(`${url} → ${first.statusCode} ${first.body}`);
        const body = first.json() as { tiles: unknown[]; children: unknown[] };
        const api = await timeInjectedGets(app, cookie, url, n);
        const uncached = await timeInjectedGets(uncachedApp, cookie, url, n);
        const rawTimes: number[] = [];
        for (let i = 0; i < rawN; i++) {
          const t0 = performance.now();
          await rawTiles(org);
          rawTimes.push(performance.now() - t0);
        }
        const raw = summarize(rawTimes);
        rows.push(latencyRow(`${label}: getDashboard (figures kept ${deps.config.dashboardCacheSeconds} s)`, api, [num(body.tiles.length), num(body.children.length), `${(raw.p50 / api.p50).toFixed(0)}× (p50)`]));
        rows.push(latencyRow(`${label}: getDashboard read anew (rollups)`, uncached, ['', '', `${(raw.p50 / uncached.p50).toFixed(0)}× (p50)`]));
        rows.push(latencyRow(`${label}: the same tiles by raw GROUP BY`, raw));
        out[label] = { api, uncached, raw, ratioP50: raw.p50 / api.p50, uncachedRatioP50: raw.p50 / uncached.p50 };
      }
      // each tile's own read for the root (where the time of the screen goes)
      const rootOrg = { ...accounts.orgs.root, type: 'committee' };
      const perTile: Array<Array<string | number>> = [];
      for (const t of dashboardTiles()) {
        const times: number[] = [];
        for (let i = 0; i < Math.min(n, 100); i++) {
          const t0 = performance.now();
          await t.load(deps, rootOrg, today, sharedReads());
          times.push(performance.now() - t0);
        }
        perTile.push(latencyRow(`tile ${t.key}`, summarize(times)));
      }
      // the whole screen through the service, without HTTP (the difference is routing, the session and serialisation)
      const admin = await deps.db.one<{ id: string }>(sql`SELECT id FROM account WHERE username = ${accounts.admin.username}`);
      const actx = { requestId: 'bench', ip: null, actor: await actorOf(deps, admin.id) };
      const svc: number[] = [];
      for (let i = 0; i < Math.min(n, 100); i++) {
        const t0 = performance.now();
        await getDashboard(uncachedDeps, actx, { orgId: accounts.orgs.root.id });
        svc.push(performance.now() - t0);
      }
      perTile.push(latencyRow('getDashboard service read anew (no HTTP)', summarize(svc)));
      printTable('Each tile of the root alone, and the service (sequential × 100)', LATENCY_HEADER, perTile);
      printTable(`党建大屏 (getDashboard) as org_admin of the tree; sequential app.inject × ${n} (raw × ${rawN})`, [...LATENCY_HEADER, 'tiles', 'children', 'raw / API'], rows);
      type Row = { api: { p50: number; p95: number }; uncached: { p50: number; p95: number }; ratioP50: number; uncachedRatioP50: number };
      for (const label of ['the root', 'a committee under it']) {
        const r = out[label] as Row;
        console.log(
          `B1 big screen, ${label}: p50 ${ms(r.api.p50)} ms, p95 ${ms(r.api.p95)} ms (target p50 ≤ 5, p95 ≤ 20: ${verdict(r.api.p50 <= 5 && r.api.p95 <= 20)}); raw / API ${r.ratioP50.toFixed(0)}× (target ≥ 100×, at ${ctx.options.tier} tier: ${verdict(r.ratioP50 >= 100)}); ` +
            `read anew: p50 ${ms(r.uncached.p50)} ms, p95 ${ms(r.uncached.p95)} ms, raw / API ${r.uncachedRatioP50.toFixed(0)}×`,
        );
      }
      return out;
    } finally {
      await app.close();
      await uncachedApp.close();
    }
  },
};
