import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import { addDays, businessToday } from '../src/server/platform/dates';
import { refreshAllDeadlines } from '../src/server/domains/development';
import { generateDevelopment } from '../src/server/seed/development';
import { Rng } from '../src/server/seed/random';
import type { Deps } from '../src/server/deps';
import type { Benchmark } from './lib/context';
import { loginInject } from './lib/http';
import { LATENCY_HEADER, latencyRow, ms, num, printTable, summarize, verdict } from './lib/stats';

// listDevelopmentDeadlines (issue 3): the deadlines of every open development
// file in the county subtree, through the HTTP API (app.inject, sequential).
// Deadlines are a projection (dev_deadline) rebuilt whenever a step is
// recorded and by the daily job; the job's full re-evaluation of every open
// file is timed as well.

/** Bench databases generated before the development module have no files: add them (deterministic). */
async function ensureDevelopmentFiles(deps: Deps): Promise<number> {
  const have = await deps.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM dev_file`);
  if (have.n > 0) return have.n;
  console.log('The bench database has no development files (generated before the module): adding them…');
  const branches = await deps.db.query<{ id: string; unitName: string; regionKey: string }>(sql`
    SELECT id, coalesce(unit_name, name) AS "unitName", region_key AS "regionKey" FROM org WHERE type = 'branch' AND dissolved_on IS NULL ORDER BY seq`);
  const rows = await deps.db.query<{ id: string; name: string; org_id: string }>(sql`SELECT id, name, org_id FROM person WHERE status = 'full' ORDER BY org_id, id`);
  const fullPeople = new Map<string, Array<{ id: string; name: string }>>();
  for (const r of rows) fullPeople.set(r.org_id, [...(fullPeople.get(r.org_id) ?? []), { id: r.id, name: r.name }]);
  const n = await generateDevelopment(deps.db, deps.cipher, new Rng(7), { branches, fullPeople, surnames: [...'王李张刘陈杨黄赵吴周'], given: [...'伟芳娜敏静丽强磊军洋'], usedIds: new Set(), today: businessToday() });
  await deps.db.exec(sql`ANALYZE dev_file`);
  await deps.db.exec(sql`ANALYZE dev_deadline`);
  return n;
}

export const bDevDeadlines: Benchmark = {
  name: 'dev',
  title: 'listDevelopmentDeadlines for the whole county subtree (HTTP API), and the daily re-evaluation of every open file',
  target: 'p95 ≤ 50 ms at county tier',
  usesTierDb: true,
  async run(ctx) {
    const db = await ctx.tierDb();
    const { deps, accounts } = db;
    const files = await ensureDevelopmentFiles(deps);
    const counts = await deps.db.one<{ open: number; deadlines: number; steps: number }>(sql`SELECT
      (SELECT count(*)::int FROM dev_file WHERE state = 'open') AS open, (SELECT count(*)::int FROM dev_deadline) AS deadlines, (SELECT count(*)::int FROM dev_step) AS steps`);
    const app = await buildApp(deps);
    try {
      const cookie = await loginInject(app, accounts.admin);
      const root = accounts.orgs.root;
      const today = businessToday();
      const urls = {
        'all open deadlines (first 100 + totals)': `/api/v1/development/deadlines?orgId=${root.id}`,
        'due within 30 days': `/api/v1/development/deadlines?orgId=${root.id}&before=${addDays(today, 30)}`,
        'overdue only': `/api/v1/development/deadlines?orgId=${root.id}&overdueOnly=true`,
        'pipeline overview (board)': `/api/v1/development/overview?orgId=${root.id}`,
      };
      const n = Math.min(ctx.options.queries, 1000);
      const results: Record<string, ReturnType<typeof summarize> & { total: number }> = {};
      for (const [label, url] of Object.entries(urls)) {
        const first = await app.inject({ method: 'GET', url, headers: { cookie } });
        if (first.statusCode !== 200) throw new Error(`${url} → ${first.statusCode} ${first.body}`);
        for (let i = 0; i < 20; i++) await app.inject({ method: 'GET', url, headers: { cookie } });
        const times: number[] = [];
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          await app.inject({ method: 'GET', url, headers: { cookie } });
          times.push(performance.now() - t0);
        }
        results[label] = { ...summarize(times), total: first.json().total ?? first.json().stages?.reduce((a: number, s: { count: number }) => a + s.count, 0) ?? 0 };
      }
      const t0 = performance.now();
      const refreshed = await refreshAllDeadlines(deps);
      const refreshMs = performance.now() - t0;
      printTable(`listDevelopmentDeadlines — ${root.name}, ${num(counts.open)} open files, ${num(counts.steps)} steps, ${num(counts.deadlines)} deadlines; sequential app.inject × ${n}`, [...LATENCY_HEADER, 'rows'],
        Object.entries(results).map(([k, s]) => latencyRow(k, s, [num(s.total)])));
      console.log(`\nDaily job: re-evaluated ${num(refreshed)} open files in ${ms(refreshMs)} ms (${ms(refreshMs / Math.max(1, refreshed), 3)} ms per file)`);
      const worst = Math.max(...Object.entries(results).filter(([k]) => !k.startsWith('pipeline')).map(([, s]) => s.p95));
      console.log(`listDevelopmentDeadlines worst p95: ${ms(worst)} ms (target ≤ 50 ms at county tier; measured at ${ctx.options.tier} tier: ${verdict(worst <= 50)})`);
      return { files, counts, results, refreshMs, refreshed, worstP95Ms: worst, targetMet: worst <= 50 };
    } finally {
      await app.close();
    }
  },
};
