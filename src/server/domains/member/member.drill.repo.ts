import type { Queryable } from '../../platform/db';
import { raw, sql, type Sql } from '../../platform/sql';
import { JOIN_PERIODS } from '../../../contracts/member-stats';
import type { DrillDimension } from '../../../contracts/dashboard';

// The ad-hoc drill-down (B2): members on the roll in a subtree, counted by
// two dimensions at once (a cross-tab the one-dimensional rollups cannot
// give), within the caller's scope.

/** The first day of the month after 'YYYY-MM'. */
function monthAfter(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * 入党时间 periods (the statistics' table, contiguous and in order) as a CASE
 * comparing the join date with each period's end: date comparisons, no text
 * per row.
 */
export const joinPeriod = sql`CASE ${raw(
  JOIN_PERIODS.map((p) => (p.to ? `WHEN p.join_date < DATE '${monthAfter(p.to)}' THEN '${p.key}'` : `ELSE '${p.key}'`)).join(' '),
)} END`;

/** The SQL of a dimension's key for a person `p` (下级组织 is mapped per org by crossTab). */
function keyOf(d: DrillDimension, year: number): Sql {
  switch (d) {
    case 'org':
      return sql`NULL::text`; // mapped per org by crossTab
    case 'age':
      // the age reached in the business year ≤ N ⇔ born on or after 1 January of (year − N)
      return sql`CASE WHEN p.birth_date >= ${`${year - 30}-01-01`}::date THEN 'upto30' WHEN p.birth_date >= ${`${year - 45}-01-01`}::date THEN '31_45'
        WHEN p.birth_date >= ${`${year - 60}-01-01`}::date THEN '46_60' ELSE '61plus' END`;
    case 'join_period':
      return sql`CASE WHEN p.join_date IS NULL THEN 'unknown' ELSE ${joinPeriod} END`;
    case 'sex':
      return sql`p.sex`;
    case 'education':
      return sql`p.education`;
    case 'occupation':
      return sql`p.occupation`;
    case 'ethnicity':
      return sql`p.ethnicity`;
    case 'status':
      return sql`p.status`;
  }
}

/**
 * The cross-tab of the members on the roll (an index-only scan of
 * person_drill). For the 下级组织 dimension each org of the subtree is mapped
 * to the drilled org's child once, in a subquery kept apart (OFFSET 0) so
 * the mapping is not repeated for every person.
 */
export function crossTab(q: Queryable, o: { scope: Sql; path: string; rows: DrillDimension; cols: DrillDimension; year: number; status?: string; sex?: string }) {
  const level = o.path.split('.').length;
  const filters = [o.status ? sql`AND p.status = ${o.status}` : sql``, o.sex ? sql`AND p.sex = ${o.sex}` : sql``];
  const key = (d: DrillDimension) => (d === 'org' ? sql`o.child` : keyOf(d, o.year));
  const orgs =
    o.rows === 'org' || o.cols === 'org'
      ? sql`(SELECT o.id, o.path, CASE WHEN nlevel(o.path) > ${level} THEN subpath(o.path, 0, ${level + 1})::text ELSE 'self' END AS child
          FROM org o WHERE o.path <@ ${o.path}::ltree OFFSET 0) o`
      : sql`org o`;
  return q.query<{ r: string; c: string; n: number }>(sql`
    SELECT ${key(o.rows)} AS r, ${key(o.cols)} AS c, count(*)::int AS n
    FROM person p JOIN ${orgs} ON o.id = p.org_id
    WHERE p.is_current AND o.path <@ ${o.path}::ltree AND ${o.scope} ${filters[0]} ${filters[1]}
    GROUP BY 1, 2`);
}

/** The drilled org's children (path → name), for the 下级组织 dimension. */
export function childLabels(q: Queryable, orgId: string) {
  return q.query<{ path: string; name: string }>(sql`SELECT path::text AS path, name FROM org WHERE parent_id = ${orgId}::uuid ORDER BY seq`);
}
