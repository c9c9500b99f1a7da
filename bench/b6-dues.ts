import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import { businessToday } from '../src/server/platform/dates';
import { addMonthsTo, generateBillsParallel, rebuildRollups } from '../src/server/domains/dues';
import { generateDues } from '../src/server/seed/dues';
import { Rng } from '../src/server/seed/random';
import type { Deps } from '../src/server/deps';
import type { Benchmark } from './lib/context';
import { loginInject } from './lib/http';
import { LATENCY_HEADER, latencyRow, ms, num, printTable, summarize, verdict } from './lib/stats';

// B6 — monthly dues bill generation for a whole subtree, and its idempotent
// rerun; getDuesSummary for the root over a year, read from the rollups.
// The measured month lies beyond the data and is removed afterwards.

// The city tier is generated without dues (b3 and b4 do not need them): 12 months are added here
// (3.7 M bills; the month-led bill indexes make a month's generation independent of the history).
async function ensureDuesHistory(deps: Deps, rootPath: string, months: number): Promise<void> {
  const have = await deps.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM dues_base`);
  if (have.n > 0) return;
  console.log(`The bench database has no dues history: adding ${months} months…`);
  const t0 = performance.now();
  const r = await generateDues(deps.db, new Rng(11), { rootPath, today: businessToday(), months });
  await deps.db.exec(sql`ANALYZE dues_bill, dues_entry, dues_base`);
  console.log(`Added ${num(r.bills)} bills and ${num(r.entries)} ledger entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

export const b6Dues: Benchmark = {
  name: 'b6',
  title: 'monthly dues bills for the whole tree (create, idempotent rerun, correction after base changes) and getDuesSummary from rollups',
  target: 'generation county ≤ 1 s, city ≤ 5 s; getDuesSummary for the root p95 ≤ 20 ms',
  usesTierDb: true,
  async run(ctx) {
    const db = await ctx.tierDb();
    const { deps, accounts } = db;
    const root = accounts.orgs.root;
    await ensureDuesHistory(deps, root.path, ctx.options.tier === 'city' ? 12 : 36);
    const month = addMonthsTo(businessToday().slice(0, 7), 2);
    const clean = async () => {
      await deps.db.exec(sql`DELETE FROM dues_bill WHERE month = ${`${month}-01`}::date`);
      await deps.db.exec(sql`DELETE FROM dues_base WHERE note = 'bench-b6'`).catch(() => undefined);
      await deps.db.tx((t) => rebuildRollups(t, [month]));
      // statistics as in production, where the month being generated has never had bills
      await deps.db.exec(sql`ANALYZE dues_bill`);
    };
    await clean();
    // The monthly job runs long after the last checkpoint: every page it touches
    // costs a full-page image in the WAL. A checkpoint before each run measures that.
    const checkpoint = await deps.db.exec(sql`CHECKPOINT`).then(() => true, () => false);
    if (!checkpoint) console.log('(no CHECKPOINT privilege: runs start from whatever the last checkpoint left)');
    const time = async (label: string) => {
      if (checkpoint) await deps.db.exec(sql`CHECKPOINT`);
      const t0 = performance.now();
      const r = await generateBillsParallel(deps.db, root.path, month);
      const elapsed = performance.now() - t0;
      console.log(`${label.padEnd(34)} ${ms(elapsed).padStart(8)} ms   created ${num(r.created)}, updated ${num(r.updated)}, unchanged ${num(r.unchanged)}, without base ${num(r.withoutBase)}`);
      return { label, elapsed, ...r };
    };
    console.log(`\nB6 bills for ${root.name}, month ${month}`);
    const runs = [await time('first run (creates every bill)'), await time('rerun (nothing to change)')];
    // 1 % of members get a new base effective that month: the rerun corrects exactly those unpaid bills
    const changed = await deps.db.exec(sql`INSERT INTO dues_base (person_id, category, base_fen, effective_month, note)
      SELECT person_id, 'in_service', 888800, ${`${month}-01`}::date, 'bench-b6' FROM dues_bill WHERE month = ${`${month}-01`}::date AND category = 'in_service' AND right(person_id::text, 2) = '00'`);
    runs.push({ ...(await time(`rerun after ${changed} base changes`)) });
    const billCount = runs[0].created;
    // the summary from rollups
    const app = await buildApp(deps);
    let summaryP95: number;
    try {
      const cookie = await loginInject(app, accounts.admin);
      const url = `/api/v1/dues/summary?orgId=${root.id}&from=${addMonthsTo(month, -13)}&to=${addMonthsTo(month, -2)}`;
      const first = await app.inject({ method: 'GET', url, headers: { cookie } });
      if (first.statusCode !== 200) throw new Error(`${url} → ${first.statusCode} ${first.body}`);
      for (let i = 0; i < 50; i++) await app.inject({ method: 'GET', url, headers: { cookie } });
      const times: number[] = [];
      const n = Math.min(ctx.options.queries, 1000);
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await app.inject({ method: 'GET', url, headers: { cookie } });
        times.push(performance.now() - t0);
      }
      const s = summarize(times);
      summaryP95 = s.p95;
      printTable(`getDuesSummary — ${root.name}, 12 months, sequential app.inject × ${n}`, LATENCY_HEADER, [latencyRow('summary from rollups', s)]);
      console.log(`   12-month total due ${num(first.json().total.dueFen / 100)} 元, collection rate ${first.json().total.collectionRate}`);
      // the arrears list of the whole tree (open bills from the partial index, last payment from the ledger)
      const arrearsUrl = `/api/v1/dues/arrears?orgId=${root.id}`;
      const a0 = await app.inject({ method: 'GET', url: arrearsUrl, headers: { cookie } });
      if (a0.statusCode !== 200) throw new Error(`${arrearsUrl} → ${a0.statusCode} ${a0.body}`);
      const arrearsTimes: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        await app.inject({ method: 'GET', url: arrearsUrl, headers: { cookie } });
        arrearsTimes.push(performance.now() - t0);
      }
      printTable(`listDuesArrears — ${root.name}, sequential app.inject × 100 (${num(a0.json().items.length)} members listed)`, LATENCY_HEADER, [latencyRow('arrears ≥ 3 months', summarize(arrearsTimes))]);
    } finally {
      await app.close();
      await clean();
    }
    const worst = Math.max(...runs.map((r) => r.elapsed));
    const target = ctx.options.tier === 'city' ? 5000 : 1000;
    console.log(`\nB6 worst generation run: ${ms(worst)} ms for ${num(billCount)} bills (target ≤ ${target} ms at ${ctx.options.tier} tier: ${verdict(worst <= target)}); summary p95 ${ms(summaryP95)} ms (target ≤ 20 ms: ${verdict(summaryP95 <= 20)})`);
    return { month, runs, worstMs: worst, targetMet: worst <= target, summaryP95Ms: summaryP95, summaryTargetMet: summaryP95 <= 20 };
  },
};
