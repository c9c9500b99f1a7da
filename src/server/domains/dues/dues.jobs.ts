import type { Deps } from '../../deps';
import { sql } from '../../platform/sql';
import { businessToday } from '../../platform/dates';
import { generateBills } from './dues.service';
import { monthOf } from './dues.policy';

// Bills appear by themselves: once a day the current month's bills of every
// tree are generated or corrected (idempotent, so a late base change before
// payment is picked up and a paid bill never moves).

export async function generateCurrentMonth(deps: Deps, month = monthOf(businessToday())) {
  const roots = await deps.db.query<{ id: string; path: string }>(sql`SELECT id, path::text AS path FROM org WHERE parent_id IS NULL AND dissolved_on IS NULL ORDER BY seq`);
  const results = [];
  for (const r of roots) {
    results.push(await deps.db.tx(async (t) => {
      await t.exec(sql`SELECT pg_advisory_xact_lock(hashtext('dues.bills'), hashtext(${r.path + ':' + month}))`);
      return { orgId: r.id, ...(await generateBills(t, r.path, month)) };
    }));
  }
  return results;
}

export function registerDuesJobs(deps: Deps) {
  deps.jobs.register('dues.monthly_bills', async () => generateCurrentMonth(deps));
}
