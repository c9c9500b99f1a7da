import crypto from 'node:crypto';
import { buildApp } from '../src/server/app';
import { createDb } from '../src/server/platform/db';
import { sql } from '../src/server/platform/sql';
import { awardFact, awardFacts, verifyPoints, type PointFact } from '../src/server/domains/points';
import type { PointRules } from '../src/contracts/points';
import type { Deps } from '../src/server/deps';
import type { Benchmark } from './lib/context';
import type { BenchAccount } from './lib/data';
import { loginInject } from './lib/http';
import { ms, num, verdict } from './lib/stats';

// B5 — points ledger appends: 64 concurrent writers award verified facts
// (the path the daily job and every module's facts take: idempotency on the
// fact, the branch's approved rules, caps, the member lock, the hash chain, the
// pool side, the rollup — one transaction per award, two entries each). Then
// the same facts again (all must come back as already awarded), and a count
// and a verification: 0 lost, 0 duplicated.

const WRITERS = 64;
const BATCH = 20;
const RULES: PointRules = {
  items: [{ key: 'development.contact_duty', label: '基准测试：履行培养联系人职责', points: 1, caps: {} }],
  expiry: { yearsAfterAward: 1 },
  secondApproverAbove: 10,
};

/** The bench rules (one point per fact, no cap), passed by each branch's vote through the API where not in force already; returns how many branches voted now. */
export async function ensureBenchRules(deps: Deps, admin: BenchAccount, branches: readonly string[]): Promise<number> {
  const today = deps.clock.today();
  const app = await buildApp(deps);
  const cookie = await loginInject(app, admin);
  let approved = 0;
  for (const orgId of branches) {
    const current = await app.inject({ method: 'GET', url: `/api/v1/points/rules?orgId=${orgId}`, headers: { cookie } });
    const inForce = current.json().inForce as { rules: PointRules } | null;
    if (inForce?.rules.items.some((i) => i.key === 'development.contact_duty' && Object.keys(i.caps).length === 0)) continue;
    const p = await app.inject({ method: 'POST', url: '/api/v1/points/rules/proposals', headers: { cookie }, payload: { orgId, effectiveFrom: today, rules: RULES } });
    if (p.statusCode !== 201) throw new Error(`proposal: ${p.body}`);
    const a = await app.inject({ method: 'POST', url: `/api/v1/points/rules/proposals/${p.json().id}/approve`, headers: { cookie }, payload: { version: 0, votedOn: today, expected: 10, present: 9, written: 0, yes: 9, no: 0, abstain: 0 } });
    if (a.statusCode !== 200) throw new Error(`vote: ${a.body}`);
    approved++;
  }
  await app.close();
  return approved;
}

export const b5Points: Benchmark = {
  name: 'b5',
  title: 'points ledger: appends by 64 concurrent writers (idempotent on the fact), replays, count and verify',
  target: '≥ 5,000 entries/s with 64 concurrent writers; 0 lost, 0 duplicated',
  usesTierDb: true,
  async run(ctx) {
    const { deps, runtime, accounts } = await ctx.tierDb();
    const today = deps.clock.today();
    const awards = ctx.options.tier === 'demo' ? 4_000 : 20_000;
    // members of the branches, spread: one writer rarely waits on another's member
    const members = await deps.db.query<{ id: string; org_id: string; org_path: string }>(sql`
      SELECT p.id, p.org_id, o.path::text AS org_path FROM person p JOIN org o ON o.id = p.org_id
      WHERE p.is_current AND p.status IN ('full', 'probationary') AND o.type IN ('branch', 'general_branch') ORDER BY p.id LIMIT 2000`);
    const branches = [...new Set(members.map((m) => m.org_id))];
    const approved = await ensureBenchRules(deps, accounts.admin, branches);
    console.log(`${num(members.length)} members in ${num(branches.length)} branches; bench rules approved for ${num(approved)} (the others had them from an earlier run)`);

    const run = crypto.randomBytes(4).toString('hex');
    const fact = (i: number): PointFact => {
      const m = members[i % members.length];
      return { personId: m.id, orgId: m.org_id, orgPath: m.org_path, item: 'development.contact_duty', sourceType: 'bench-b5', sourceId: `${run}:${i}`, factDate: today };
    };
    // a pool as wide as the writers (the app's default pool is 20)
    const wide = createDb(runtime.databaseUrl, WRITERS);
    const wdeps = { ...deps, db: wide };
    try {
      const outcomes: Record<string, number> = {};
      // each writer appends batches of facts (as the daily job does: one transaction per batch, members locked in id order)
      const drive = async (n: number, from: number) => {
        let next = 0;
        await Promise.all(Array.from({ length: WRITERS }, async () => {
          for (;;) {
            const i = next;
            next += BATCH;
            if (i >= n) return;
            const batch = Array.from({ length: Math.min(BATCH, n - i) }, (_, j) => fact(from + i + j));
            for (const o of await awardFacts(wdeps, batch)) outcomes[o] = (outcomes[o] ?? 0) + 1;
          }
        }));
      };
      await drive(Math.min(500, awards), 1_000_000); // warm-up (other facts)
      const t0 = performance.now();
      await drive(awards, 0);
      const elapsed = performance.now() - t0;
      const entriesPerSecond = (2 * awards) / (elapsed / 1000);
      console.log(`\nB5 ${num(awards)} awards (${num(2 * awards)} entries) by ${WRITERS} writers (batches of ${BATCH} facts) in ${ms(elapsed, 0)} ms: ${num(Math.round(entriesPerSecond))} entries/s, ${num(Math.round(awards / (elapsed / 1000)))} transactions/s; outcomes ${JSON.stringify(outcomes)}`);

      // the same facts again, concurrently: every one is already awarded
      const replayOutcomes: Record<string, number> = {};
      let next = 0;
      const replays = Math.min(2_000, awards);
      const r0 = performance.now();
      await Promise.all(Array.from({ length: WRITERS }, async () => {
        for (;;) {
          const i = next++;
          if (i >= replays) return;
          const o = await awardFact(wdeps, fact(i));
          replayOutcomes[o] = (replayOutcomes[o] ?? 0) + 1;
        }
      }));
      console.log(`Replayed ${num(replays)} facts in ${ms(performance.now() - r0, 0)} ms: ${JSON.stringify(replayOutcomes)}`);

      const counted = await deps.db.one<{ txns: number; entries: number; distinct_facts: number }>(sql`
        SELECT count(DISTINCT t.id)::int AS txns, count(e.id)::int AS entries, count(DISTINCT t.source_id)::int AS distinct_facts
        FROM point_txn t JOIN point_entry e ON e.txn_id = t.id WHERE t.source_type = 'bench-b5' AND t.source_id LIKE ${`${run}:%`} AND t.source_id NOT LIKE ${`${run}:1______`}`);
      const lost = awards - counted.distinct_facts;
      const duplicated = counted.txns - counted.distinct_facts;
      const v0 = performance.now();
      const sample = members.slice(0, 50);
      const problems: string[] = [];
      for (const m of sample) {
        const v = await verifyPoints(deps.db, m.id);
        problems.push(...v.broken, ...v.balanceDrift, ...v.unbalanced);
      }
      console.log(`Counted ${num(counted.txns)} transactions, ${num(counted.entries)} entries for ${num(counted.distinct_facts)} facts: lost ${lost}, duplicated ${duplicated}; chains of ${sample.length} members verified in ${ms(performance.now() - v0, 0)} ms: ${problems.length ? problems.slice(0, 3).join('; ') : 'clean'}`);
      const ok = entriesPerSecond >= 5000 && lost === 0 && duplicated === 0 && (replayOutcomes.exists ?? 0) === replays && !problems.length;
      console.log(`B5 appends: ${num(Math.round(entriesPerSecond))} entries/s with ${WRITERS} writers, lost ${lost}, duplicated ${duplicated} (target ≥ 5,000/s, 0 lost, 0 duplicated: ${verdict(ok)})`);
      return { awards, elapsedMs: elapsed, entriesPerSecond, outcomes, replayOutcomes, lost, duplicated, problems: problems.length };
    } finally {
      await wide.close();
    }
  },
};
