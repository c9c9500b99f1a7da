import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import { recomputeIndex } from '../src/server/domains/branch-index';
import { registerIndexItems } from '../src/server/index-items';
import { generateMeetings } from '../src/server/seed/meetings';
import { Rng } from '../src/server/seed/random';
import type { Benchmark } from './lib/context';
import { loginInject, timeInjectedGets } from './lib/http';
import { LATENCY_HEADER, latencyRow, ms, num, printTable, verdict } from './lib/stats';

// B5 (the branch index part): the index of every branch of the tier's tree
// recomputed for the running quarter and year (each calculator one query per
// batch of 400 branches, from the meeting, dues and committee rollups), after
// a CHECKPOINT; then getBranchIndex of one branch, of the root (its branches
// in tree order with their bands) and getOrgPortrait, sequential app.inject.

export const b5Index: Benchmark = {
  name: 'b5-index',
  title: 'branch index: recompute of the whole tree (quarter and year); getBranchIndex and getOrgPortrait',
  target: 'recompute of the county tier ≤ 30 s; getBranchIndex p95 ≤ 20 ms',
  usesTierDb: true,
  async run(ctx) {
    const { deps, accounts } = await ctx.tierDb();
    registerIndexItems();
    const root = accounts.orgs.root;
    const rootPath = (await deps.db.one<{ path: string }>(sql`SELECT path::text AS path FROM org WHERE id = ${root.id}`)).path;
    const today = deps.clock.today();
    if ((await deps.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM meeting`)).n === 0) {
      const made = await generateMeetings(deps.db, new Rng(12), { rootPath, today, years: 1, planAhead: true });
      console.log(`Meeting history added to the tier database: ${num(made.meetings)} meetings`);
    }
    const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
    const year = today.slice(0, 4);
    const recompute = async (period: string) => {
      await deps.db.exec(sql`CHECKPOINT`);
      const t0 = performance.now();
      const r = await recomputeIndex(deps.db, deps.clock.now(), today, rootPath, period);
      return { ...r, ms: performance.now() - t0 };
    };
    const rq = await recompute(quarter);
    const ry = await recompute(year);
    const bands = await deps.db.query<{ band: string | null; n: number }>(sql`SELECT band, count(*)::int AS n FROM branch_index WHERE period = ${quarter} GROUP BY 1 ORDER BY 1`);
    console.log(`Recompute of ${num(rq.branches)} branches: quarter ${quarter} ${ms(rq.ms)} ms, year ${year} ${ms(ry.ms)} ms; bands this quarter: ${bands.map((b) => `${b.band ?? '无数据'} ${num(b.n)}`).join(', ')}`);

    const branch = await deps.db.one<{ org_id: string }>(sql`SELECT i.org_id FROM branch_index i JOIN org o ON o.id = i.org_id WHERE i.period = ${quarter} ORDER BY o.path OFFSET (SELECT count(*) / 2 FROM branch_index WHERE period = ${quarter}) LIMIT 1`);
    const app = await buildApp(deps);
    try {
      const cookie = await loginInject(app, accounts.admin);
      const n = Math.max(20, Math.min(ctx.options.queries, 500));
      const timeGet = (url: string) => timeInjectedGets(app, cookie, url, n);
      const one = await timeGet(`/api/v1/index/branch?orgId=${branch.org_id}&period=${quarter}`);
      const top = await timeGet(`/api/v1/index/branch?orgId=${root.id}&period=${quarter}`);
      const portrait = await timeGet(`/api/v1/index/portrait?orgId=${branch.org_id}&period=${quarter}`);
      printTable(`Index reads (${num(n)} sequential app.inject after 20 warm-up)`, LATENCY_HEADER, [
        latencyRow('getBranchIndex, one branch (8-quarter trend)', one),
        latencyRow('getBranchIndex, the root (up to 500 branches listed)', top),
        latencyRow('getOrgPortrait, one branch', portrait),
      ]);
      console.log(`B5 index recompute (${num(rq.branches)} branches): quarter ${ms(rq.ms)} ms, year ${ms(ry.ms)} ms (target ≤ 30 s: ${verdict(Math.max(rq.ms, ry.ms) <= 30_000)})`);
      console.log(`B5 getBranchIndex p95: one branch ${ms(one.p95)} ms, the root ${ms(top.p95)} ms (target ≤ 20 ms: ${verdict(Math.max(one.p95, top.p95) <= 20)})`);
      return { branches: rq.branches, recomputeQuarterMs: rq.ms, recomputeYearMs: ry.ms, getBranchIndex: one, getBranchIndexRoot: top, getOrgPortrait: portrait };
    } finally {
      await app.close();
    }
  },
};
