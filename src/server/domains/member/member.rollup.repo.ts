import type { Queryable } from '../../platform/db';
import { sql } from '../../platform/sql';

// Member rollups (migration 0017): per org, counts over its whole subtree,
// kept by triggers on person and org in the writing statement's transaction.
// Here: reading them, recomputing them, and comparing the two.

export interface RollupRow {
  dimension: string;
  value: string;
  n: number;
}

/** The rollup rows of one org (its whole subtree). */
export function subtreeRollup(q: Queryable, orgId: string) {
  return q.prepared<RollupRow>('member_rollup_subtree', sql`SELECT dimension, value, n FROM member_rollup WHERE org_id = ${orgId}::uuid AND n <> 0`);
}

/**
 * The counts of an org alone (without its descendants): its subtree rows less
 * its children's subtree rows.
 */
export function nodeRollup(q: Queryable, orgId: string) {
  return q.query<RollupRow>(sql`
    SELECT dimension, value, sum(CASE WHEN org_id = ${orgId}::uuid THEN n ELSE -n END)::int AS n
    FROM member_rollup
    WHERE org_id = ${orgId}::uuid OR org_id IN (SELECT id FROM org WHERE parent_id = ${orgId}::uuid)
    GROUP BY dimension, value HAVING sum(CASE WHEN org_id = ${orgId}::uuid THEN n ELSE -n END) <> 0`);
}

/** Recomputes every member rollup from the person and org rows (repair, and the reference `verify` compares with). */
export async function rebuildMemberRollups(q: Queryable) {
  await q.exec(sql`SELECT rebuild_member_rollups()`);
}

/** Copies the stored rollups into a temporary table dropped at the end of the transaction. */
export async function snapshotMemberRollups(q: Queryable) {
  await q.exec(sql`CREATE TEMP TABLE member_rollup_stored ON COMMIT DROP AS SELECT * FROM member_rollup`);
}

export interface MemberRollupDifferenceRow {
  org_id: string;
  org_name: string | null;
  dimension: string;
  value: string;
  stored: number;
  computed: number;
}

/** Rows where the snapshot differs from the current rollups (a zero and a missing row are equal), and how many there are. */
export async function snapshotDifferences(q: Queryable, limit: number) {
  const diff = sql`
    SELECT coalesce(s.org_id, c.org_id) AS org_id, coalesce(s.dimension, c.dimension) AS dimension, coalesce(s.value, c.value) AS value,
      coalesce(s.n, 0) AS stored, coalesce(c.n, 0) AS computed
    FROM member_rollup_stored s FULL JOIN member_rollup c ON c.org_id = s.org_id AND c.dimension = s.dimension AND c.value = s.value
    WHERE coalesce(s.n, 0) <> coalesce(c.n, 0)`;
  const rows = await q.query<MemberRollupDifferenceRow>(sql`
    SELECT d.org_id, o.name AS org_name, d.dimension, d.value, d.stored, d.computed FROM (${diff}) d LEFT JOIN org o ON o.id = d.org_id
    ORDER BY o.path, d.dimension, d.value LIMIT ${limit}`);
  const total = await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM (${diff}) d`);
  return { rows, total: total.n };
}

/** How many rollup rows are stored (for the verification's summary line). */
export function rollupRowCount(q: Queryable) {
  return q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM member_rollup WHERE n <> 0`);
}

/** The same counts as the rollups of one org, straight from the person and org rows (the benchmark's reference). */
export function rawSubtreeCounts(q: Queryable, orgPath: string) {
  return q.query<RollupRow>(sql`
    SELECT k.dimension, k.value, count(*)::int AS n
    FROM person x JOIN org o ON o.id = x.org_id,
      member_rollup_keys(x.status, x.sex, x.birth_date, x.education, x.occupation, x.ethnicity, x.join_date) k
    WHERE o.path <@ ${orgPath}::ltree GROUP BY 1, 2
    UNION ALL
    SELECT 'org_type', o.type, count(*)::int FROM org o WHERE o.path <@ ${orgPath}::ltree AND o.dissolved_on IS NULL GROUP BY 2`);
}
