import { buildApp } from '../src/server/app';
import type { Benchmark } from './lib/context';
import { loginInject, timeInjectedGets } from './lib/http';
import { LATENCY_HEADER, latencyRow, ms, num, printTable, verdict } from './lib/stats';

// B2: the ad-hoc drill-down (getDashboardDrill) — the members on the roll of
// the whole tree by two dimensions, one GROUP BY over person and org — for
// three pairs of dimensions and one filtered pair, as the tree's org_admin.

const PAIRS = [
  ['org', 'age', ''],
  ['education', 'sex', ''],
  ['join_period', 'occupation', ''],
  ['org', 'education', '&status=probationary&sex=female'],
] as const;

export const b2Drill: Benchmark = {
  name: 'b2',
  title: 'the drill-down of the whole tree by two dimensions (getDashboardDrill)',
  target: 'p95 ≤ 100 ms at the county tier, ≤ 500 ms at the city tier',
  usesTierDb: true,
  async run(ctx) {
    const { deps, accounts } = await ctx.tierDb();
    const app = await buildApp(deps);
    try {
      const cookie = await loginInject(app, accounts.admin);
      const n = Math.max(20, Math.min(ctx.options.queries, 200));
      const rows: Array<Array<string | number>> = [];
      const out: Record<string, unknown> = {};
      let worst = 0;
      for (const [r, c, filter] of PAIRS) {
        const url = `/api/v1/dashboard/drill?orgId=${accounts.orgs.root.id}&rows=${r}&cols=${c}${filter}`;
        const first = await app.inject({ method: 'GET', url, headers: { cookie } });
        if (first.statusCode !== 200) throw new Error(`${url} → ${first.statusCode} ${first.body}`);
        const s = await timeInjectedGets(app, cookie, url, n, 5);
        worst = Math.max(worst, s.p95);
        const label = `${r} × ${c}${filter ? ' (probationary women)' : ''}`;
        rows.push(latencyRow(label, s, [num((first.json() as { total: number }).total)]));
        out[label] = s;
      }
      printTable(`交叉分析 of the root as org_admin; sequential app.inject × ${n}`, [...LATENCY_HEADER, 'members'], rows);
      const limit = ctx.options.tier === 'city' ? 500 : 100;
      console.log(`B2 drill-down, worst p95 ${ms(worst)} ms (target at ${ctx.options.tier} tier ≤ ${limit} ms: ${verdict(worst <= limit)})`);
      return { ...out, worstP95: worst };
    } finally {
      await app.close();
    }
  },
};
