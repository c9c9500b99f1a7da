import type { Queryable } from '../../platform/db';
import { sql, type Sql } from '../../platform/sql';

// The big screen's own reads: the breadcrumb and the children with their
// subtree counts from the member rollups (the tiles read their modules' rollups).

/** The org's ancestors-or-self that the scope (over `o`) sees, top first (the org itself last when the scope sees it). */
export function trailOf(q: Queryable, orgId: string | null, scope: Sql) {
  return q.prepared<{ id: string; name: string; type: string; path: string }>('dashboard_trail', sql`
    SELECT o.id, o.name, o.type, o.path::text AS path FROM org o
    WHERE o.path @> (SELECT t.path FROM org t WHERE t.id = ${orgId}::uuid) AND ${scope} ORDER BY nlevel(o.path)`);
}

/** The org's children not dissolved, in tree order, with their members on the roll and orgs (subtree rollups). */
export function childrenOf(q: Queryable, orgId: string) {
  return q.prepared<{ id: string; name: string; type: string; members: number; orgs: number }>('dashboard_children', sql`
    SELECT o.id, o.name, o.type,
      coalesce((SELECT sum(r.n) FROM member_rollup r WHERE r.org_id = o.id AND r.dimension = 'status' AND r.value IN ('full', 'probationary')), 0)::int AS members,
      coalesce((SELECT sum(r.n) FROM member_rollup r WHERE r.org_id = o.id AND r.dimension = 'org_type'), 0)::int AS orgs
    FROM org o WHERE o.parent_id = ${orgId}::uuid AND o.dissolved_on IS NULL ORDER BY o.seq, o.name, o.id`);
}
