import type { Deps } from '../deps';
import { closeStatisticsYear } from '../domains/statistics';
import { actorOf } from '../domains/member';
import { sql } from '../platform/sql';
import { fixedClock } from '../platform/clock';
import { CLOSING_ORG_TYPES } from '../../contracts/statistics';

// The demo county's closed statistics years, as its organisation department
// would have left them: every committee closed the year before last, bottom
// up; last year every committee below the county has closed and the county's
// own closing is left to the demo user (the last step of the annual report).
// Each year is closed as in the following February, committees a day apart
// from the bottom up.

export async function closeDemoStatisticsYears(deps: Deps, o: { rootId: string; accountId: string; today: string }) {
  const actor = await actorOf(deps, o.accountId);
  const ctx = { requestId: 'seed', ip: null, actor };
  const committees = await deps.db.query<{ id: string; level: number; dissolved_on: string | null }>(sql`
    SELECT o.id, nlevel(o.path) AS level, to_char(o.dissolved_on, 'YYYY-MM-DD') AS dissolved_on FROM org o JOIN org r ON r.id = ${o.rootId}::uuid
    WHERE o.path <@ r.path AND o.type = ANY(${CLOSING_ORG_TYPES as readonly string[]}::text[])
    ORDER BY nlevel(o.path) DESC, o.seq`);
  const thisYear = Number(o.today.slice(0, 4));
  for (const year of [thisYear - 2, thisYear - 1]) {
    const depth = new Map<number, number>();
    for (const c of committees) {
      if ((year === thisYear - 1 && c.id === o.rootId) || (c.dissolved_on && c.dissolved_on < `${year}-01-01`)) continue;
      // the deepest committees on 10 February, each level up a day later
      const day = 10 + (depth.get(c.level) ?? depth.set(c.level, depth.size).get(c.level)!);
      const at = `${year + 1}-02-${String(day).padStart(2, '0')}T02:00:00Z`;
      await closeStatisticsYear({ ...deps, clock: fixedClock(at < `${o.today}T00:00:00Z` ? at : `${o.today}T00:00:00Z`) }, ctx, { orgId: c.id, year });
    }
  }
}
