import { buildApp } from '../src/server/app';
import { STATISTICS_FORMS, type StatisticsFormKey } from '../src/contracts/statistics';
import type { Benchmark } from './lib/context';
import { loginInject, timeInjectedGets } from './lib/http';
import { LATENCY_HEADER, latencyRow, ms, printTable, verdict } from './lib/stats';

// Issue 16: every annual statistics form (党内统计) of the tier's root for
// the last closed year and the running one, through the HTTP API
// (app.inject, sequential after a warm-up): each form aggregates the year's
// member change events and the formal roll at the cut-off, read from the raw
// rows (membership, member_event, person), not from rollups.

export const b16Statistics: Benchmark = {
  name: 'b16',
  title: 'the annual statistics forms (getStatisticsForm) of the root, every form, last year and the running year',
  target: 'every form of the root ≤ 2 s at county tier',
  usesTierDb: true,
  async run(ctx) {
    const { deps, accounts } = await ctx.tierDb();
    const app = await buildApp(deps);
    try {
      const cookie = await loginInject(app, accounts.admin);
      const thisYear = Number(deps.clock.today().slice(0, 4));
      const n = Math.max(5, Math.min(ctx.options.queries, 50));
      const rows: Array<Array<string | number>> = [];
      const out: Record<string, unknown> = {};
      let worst = 0;
      for (const year of [thisYear - 1, thisYear]) {
        for (const form of Object.keys(STATISTICS_FORMS) as StatisticsFormKey[]) {
          const s = await timeInjectedGets(app, cookie, `/api/v1/statistics/forms/${form}?orgId=${accounts.orgs.root.id}&year=${year}`, n, 2);
          rows.push(latencyRow(`${year} ${STATISTICS_FORMS[form]}`, s));
          out[`${year}.${form}`] = s;
          worst = Math.max(worst, s.max);
        }
      }
      printTable(`党内统计 of the root as org_admin of the tree; sequential app.inject × ${n} per form`, LATENCY_HEADER, rows);
      console.log(`B16 statistics forms: slowest single answer ${ms(worst)} ms (target every form ≤ 2 s at ${ctx.options.tier} tier: ${verdict(worst <= 2000)})`);
      return out;
    } finally {
      await app.close();
    }
  },
};
