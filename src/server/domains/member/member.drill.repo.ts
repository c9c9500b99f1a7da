import type { Queryable } from '../../platform/db';
import { raw, sql, type Sql } from '../../platform/sql';
import { JOIN_PERIODS } from '../../../contracts/member-stats';
import type { DrillDimension } from '../../../contracts/dashboard';

// The ad-hoc drill-down (B2): members on the roll in a subtree, counted by
// two dimensions at once (a cross-tab the one-dimensional rollups cannot
// give), within the caller's scope.

/** 入党时间 periods as a CASE over the join month (the same table the statistics use). */
const joinPeriod = sql`CASE ${raw(
  JOIN_PERIODS.map((p) => {
    const conds = [p.from ? `to_char(p.join_date, 'YYYY-MM') >= '${p.from}'` : null, p.to ? `to_char(p.join_date, 'YYYY-MM') <= '${p.to}'` : null].filter(Boolean).join(' AND ');
    return `WHEN ${conds} THEN '${p.key}'`;
  }).join(' '),
)} ELSE 'unknown' END`;

/** The SQL of a dimension's key for a person `p` in org `o`; `rootLevel` is the drilled org's depth. */
function keyOf(d: DrillDimension, year: number, rootLevel: number): Sql {
  switch (d) {
    case 'org':
      return sql`CASE WHEN nlevel(o.path) > ${rootLevel} THEN subpath(o.path, 0, ${rootLevel + 1})::text ELSE 'self' END`;
    case 'age':
      return sql`CASE WHEN ${year} - extract(year FROM p.birth_date) <= 30 THEN 'upto30' WHEN ${year} - extract(year FROM p.birth_date) <= 45 THEN '31_45'
        WHEN ${year} - extract(year FROM p.birth_date) <= 60 THEN '46_60' ELSE '61plus' END`;
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

export function crossTab(q: Queryable, o: { scope: Sql; path: string; rows: DrillDimension; cols: DrillDimension; year: number; status?: string; sex?: string }) {
  const level = o.path.split('.').length;
  const filters = [o.status ? sql`AND p.status = ${o.status}` : sql``, o.sex ? sql`AND p.sex = ${o.sex}` : sql``];
  return q.query<{ r: string; c: string; n: number }>(sql`
    SELECT ${keyOf(o.rows, o.year, level)} AS r, ${keyOf(o.cols, o.year, level)} AS c, count(*)::int AS n
    FROM person p JOIN org o ON o.id = p.org_id
    WHERE p.is_current AND o.path <@ ${o.path}::ltree AND ${o.scope} ${filters[0]} ${filters[1]}
    GROUP BY 1, 2`);
}

/** The drilled org's children (path → name), for the 下级组织 dimension. */
export function childLabels(q: Queryable, orgId: string) {
  return q.query<{ path: string; name: string }>(sql`SELECT path::text AS path, name FROM org WHERE parent_id = ${orgId}::uuid ORDER BY seq`);
}
