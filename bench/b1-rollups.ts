import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import { memberRollupDifferences, rawSubtreeCounts, statsFromRollup, subtreeRollup } from '../src/server/domains/member';
import type { Benchmark } from './lib/context';
import { loginInject } from './lib/http';
import { LATENCY_HEADER, latencyRow, ms, num, printTable, summarize, verdict } from './lib/stats';

// B1 (member part): the 党员统计 of a subtree read from the member rollups
// (GET /api/v1/orgs/:id/member-stats) for the county root and the largest
// branch, against the same statistics computed with a raw GROUP BY over
// person and org in the same run (both through statsFromRollup, so only the
// source differs); the totals of both must agree. Then B9's bulk case: a town
// committee moved under another one and back (both ancestor chains' rollups
// adjusted by the org trigger), and a verification of every rollup.

export const b1Rollups: Benchmark = {
  name: 'b1',
  title: 'member statistics of a subtree from the member rollups (HTTP API) vs a raw GROUP BY; a committee move with its rollups',
  target: 'p50 ≤ 5 ms, p95 ≤ 20 ms; ≥ 100× faster than the raw GROUP BY; moving a committee of ~2,000 members ≤ 2 s (B9)',
  usesTierDb: true,
  async run(ctx) {
    const db = await ctx.tierDb();
    const { deps, accounts } = db;
    const app = await buildApp(deps);
    try {
      const cookie = await loginInject(app, accounts.admin);
      const asOf = deps.clock.today();
      const n = Math.min(ctx.options.queries, 1000);
      const rawN = Math.max(20, Math.min(200, Math.floor(n / 10)));
      const time = async (count: number, fn: () => Promise<unknown>) => {
        for (let i = 0; i < Math.min(20, count); i++) await fn();
        const times: number[] = [];
        for (let i = 0; i < count; i++) {
          const t0 = performance.now();
          await fn();
          times.push(performance.now() - t0);
        }
        return summarize(times);
      };
      const rows: Array<Array<string | number>> = [];
      const out: Record<string, unknown> = {};
      for (const [label, org] of [['county root', accounts.orgs.root], ['largest branch', accounts.orgs.branch]] as const) {
        const url = `/api/v1/orgs/${org.id}/member-stats?asOf=${asOf}`;
        const first = await app.inject({ method: 'GET', url, headers: { cookie } });
        if (first.statusCode !== 200) throw new Error(`${url} → ${first.statusCode} ${first.body}`);
        const api = await time(n, () => app.inject({ method: 'GET', url, headers: { cookie } }));
        const fromRollup = await time(n, async () => statsFromRollup(await subtreeRollup(deps.db, org.id), asOf));
        const fromRaw = await time(rawN, async () => statsFromRollup(await rawSubtreeCounts(deps.db, org.path), asOf));
        const a = statsFromRollup(await subtreeRollup(deps.db, org.id), asOf);
        const b = statsFromRollup(await rawSubtreeCounts(deps.db, org.path), asOf);
        const same = JSON.stringify(a) === JSON.stringify(b);
        rows.push(latencyRow(`${label}: API (rollups)`, api, [num(first.json().members), '']));
        rows.push(latencyRow(`${label}: rollups read`, fromRollup, ['', '']));
        rows.push(latencyRow(`${label}: raw GROUP BY`, fromRaw, ['', `${(fromRaw.p50 / fromRollup.p50).toFixed(0)}× (p50)`]));
        if (!same) console.log(`!! ${label}: the rollups and the raw GROUP BY disagree`);
        out[label] = { members: a.members, api, fromRollup, fromRaw, ratioP50: fromRaw.p50 / fromRollup.p50, ratioApiP50: fromRaw.p50 / api.p50, totalsEqual: same };
      }
      printTable(`党员统计 (getOrgMemberStats), as org_admin of the tree; sequential × ${n} (raw × ${rawN})`, [...LATENCY_HEADER, 'members', 'raw / rollups'], rows);

      // B9, bulk: a town committee moved under a sibling and back
      const committee = accounts.orgs.committee;
      const sibling = await deps.db.maybeOne<{ id: string; name: string }>(sql`
        SELECT id, name FROM org WHERE parent_id = (SELECT parent_id FROM org WHERE id = ${committee.id}) AND id <> ${committee.id}
          AND type IN ('committee', 'working_committee') AND dissolved_on IS NULL ORDER BY seq LIMIT 1`);
      const size = await deps.db.one<{ members: number; orgs: number }>(sql`SELECT
        (SELECT count(*)::int FROM person p JOIN org o ON o.id = p.org_id WHERE p.is_current AND o.path <@ ${committee.path}::ltree) AS members,
        (SELECT count(*)::int FROM org WHERE path <@ ${committee.path}::ltree) AS orgs`);
      const parent = await deps.db.one<{ parent_id: string }>(sql`SELECT parent_id FROM org WHERE id = ${committee.id}`);
      const move = async (to: string) => {
        const v = await deps.db.one<{ version: number }>(sql`SELECT version FROM org WHERE id = ${committee.id}`);
        const t0 = performance.now();
        const r = await app.inject({ method: 'POST', url: `/api/v1/orgs/${committee.id}/move`, headers: { cookie, 'content-type': 'application/json' }, payload: JSON.stringify({ newParentId: to, version: v.version }) });
        const took = performance.now() - t0;
        if (r.statusCode !== 200) throw new Error(`move → ${r.statusCode} ${r.body}`);
        return took;
      };
      let moveMs: number[] = [];
      if (sibling) {
        moveMs = [await move(sibling.id), await move(parent.parent_id)];
        console.log(`\nB9 bulk: ${committee.name} (${num(size.members)} members, ${num(size.orgs)} orgs) moved under ${sibling.name} in ${ms(moveMs[0])} ms and back in ${ms(moveMs[1])} ms (target ≤ 2 s: ${verdict(Math.max(...moveMs) <= 2000)})`);
      } else console.log('\nB9 bulk: no sibling committee to move under (skipped)');
      const t0 = performance.now();
      const v = await memberRollupDifferences(deps.db);
      const verifyMs = performance.now() - t0;
      console.log(`Verification: ${num(v.rows)} rollup rows, ${num(v.differenceCount)} differing from a recomputation (${ms(verifyMs)} ms)`);
      const root = out['county root'] as { api: { p50: number; p95: number }; ratioP50: number };
      console.log(`B1 member statistics for the root: API p50 ${ms(root.api.p50)} ms, p95 ${ms(root.api.p95)} ms (target p50 ≤ 5, p95 ≤ 20: ${verdict(root.api.p50 <= 5 && root.api.p95 <= 20)}); raw / rollups ${root.ratioP50.toFixed(0)}× (target ≥ 100×, measured at ${ctx.options.tier} tier: ${verdict(root.ratioP50 >= 100)})`);
      return { ...out, move: { members: size.members, orgs: size.orgs, ms: moveMs }, verify: { rows: v.rows, differences: v.differenceCount, ms: verifyMs } };
    } finally {
      await app.close();
    }
  },
};
