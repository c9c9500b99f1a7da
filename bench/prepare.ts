import { sql } from '../src/server/platform/sql';
import type { Benchmark } from './lib/context';
import { num, printTable } from './lib/stats';

// Prepares (generates once, then reuses) the tier's bench database and the
// bench accounts, and prints what it holds.

export const prepare: Benchmark = {
  name: 'prepare',
  title: 'prepare the bench database of the tier (generated once, then cached) and show its size',
  target: '— (QUALITY.md "Data sizes")',
  usesTierDb: true,
  async run(ctx) {
    const db = await ctx.tierDb();
    const c = await db.deps.db.one<{ orgs: number; party_groups: number; branches: number; persons: number; current: number; events: number }>(sql`
      SELECT (SELECT count(*) FROM org WHERE type <> 'party_group')::int AS orgs,
             (SELECT count(*) FROM org WHERE type = 'party_group')::int AS party_groups,
             (SELECT count(*) FROM org WHERE type = 'branch')::int AS branches,
             (SELECT count(*) FROM person)::int AS persons,
             (SELECT count(*) FROM person WHERE is_current)::int AS current,
             (SELECT count(*) FROM member_event)::int AS events`);
    const a = db.accounts;
    printTable('Bench database', ['', 'value'], [
      ['organisations (without party groups)', num(c.orgs)], ['party groups', num(c.party_groups)], ['branches', num(c.branches)],
      ['persons', num(c.persons)], ['current members', num(c.current)], ['member events', num(c.events)],
      ['generation time', db.generatedMs == null ? 'cached' : `${(db.generatedMs / 1000).toFixed(1)} s`],
      ['bench_admin (org_admin)', a.orgs.root.name], ['bench_sub (org_admin)', a.orgs.committee.name], ['bench_secretary (secretary)', a.orgs.branch.name],
    ]);
    return { counts: c, generatedMs: db.generatedMs, orgs: a.orgs };
  },
};
