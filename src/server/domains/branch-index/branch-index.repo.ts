import type { Queryable } from '../../platform/db';
import { sql, type Sql } from '../../platform/sql';
import type { IndexAdjustment, SubIndex } from '../../../contracts/branch-index';

export interface IndexOrgRow {
  id: string;
  name: string;
  path: string;
  type: string;
  parent_id: string | null;
  has_committee: boolean;
  full_members: number;
  setup_date: string | null;
}

/** The branches of a subtree that exist on the as-of day, with their committee (then) and full members (now), in org order. */
export function indexOrgs(q: Queryable, rootPath: string, types: readonly string[], asOf: string) {
  return q.query<IndexOrgRow>(sql`
    SELECT o.id, o.name, o.path::text AS path, o.type, o.parent_id, o.setup_date::text AS setup_date,
      EXISTS (SELECT 1 FROM org_committee c WHERE c.org_id = o.id AND c.elected_on <= ${asOf}::date AND (c.ended_on IS NULL OR c.ended_on > ${asOf}::date)) AS has_committee,
      (SELECT count(*)::int FROM person p WHERE p.org_id = o.id AND p.is_current AND p.status = 'full') AS full_members
    FROM org o
    WHERE o.path <@ ${rootPath}::ltree AND o.type = ANY(${types as string[]}::text[])
      AND (o.dissolved_on IS NULL OR o.dissolved_on > ${asOf}::date) AND (o.setup_date IS NULL OR o.setup_date <= ${asOf}::date)
    ORDER BY o.path`);
}

export interface IndexRowInsert {
  orgId: string;
  period: string;
  asOf: string;
  ruleVersionId: string;
  composite: number | null;
  band: string | null;
  vetoed: boolean;
  sub: SubIndex[];
  adjustments: IndexAdjustment[];
}

/** Replaces the rows of some orgs for a period, in one statement. */
export function upsertIndices(q: Queryable, rows: readonly IndexRowInsert[], at: Date) {
  if (!rows.length) return Promise.resolve();
  return q.exec(sql`
    INSERT INTO branch_index (org_id, period, as_of, rule_version_id, composite, band, vetoed, sub, adjustments, computed_at)
    SELECT x.org_id, x.period, x.as_of, x.rule_version_id, x.composite, x.band, x.vetoed, x.sub, x.adjustments, ${at.toISOString()}::timestamptz
    FROM unnest(${rows.map((r) => r.orgId)}::uuid[], ${rows.map((r) => r.period)}::text[], ${rows.map((r) => r.asOf)}::date[], ${rows.map((r) => r.ruleVersionId)}::uuid[],
      ${rows.map((r) => r.composite)}::numeric[], ${rows.map((r) => r.band)}::text[], ${rows.map((r) => r.vetoed)}::boolean[],
      ${rows.map((r) => JSON.stringify(r.sub))}::jsonb[], ${rows.map((r) => JSON.stringify(r.adjustments))}::jsonb[])
      AS x(org_id, period, as_of, rule_version_id, composite, band, vetoed, sub, adjustments)
    ORDER BY x.org_id
    ON CONFLICT (org_id, period) DO UPDATE SET as_of = EXCLUDED.as_of, rule_version_id = EXCLUDED.rule_version_id, composite = EXCLUDED.composite, band = EXCLUDED.band,
      vetoed = EXCLUDED.vetoed, sub = EXCLUDED.sub, adjustments = EXCLUDED.adjustments, computed_at = EXCLUDED.computed_at`);
}

export interface IndexRow {
  org_id: string;
  period: string;
  as_of: string;
  rule_version_id: string;
  composite: string | null;
  band: string | null;
  vetoed: boolean;
  sub: SubIndex[];
  adjustments: IndexAdjustment[];
  computed_at: string;
  source: string;
}

export function findIndex(q: Queryable, orgId: string, period: string) {
  return q.maybeOne<IndexRow>(sql`
    SELECT i.org_id, i.period, i.as_of::text AS as_of, i.rule_version_id, i.composite::text AS composite, i.band, i.vetoed, i.sub, i.adjustments, i.computed_at, r.source
    FROM branch_index i JOIN rule_version r ON r.id = i.rule_version_id WHERE i.org_id = ${orgId}::uuid AND i.period = ${period}`);
}

export function trendOf(q: Queryable, orgId: string, periods: readonly string[]) {
  return q.query<{ period: string; composite: string | null; band: string | null }>(sql`
    SELECT period, composite::text AS composite, band FROM branch_index WHERE org_id = ${orgId}::uuid AND period = ANY(${periods as string[]}::text[])`);
}

/** The branches of a subtree with their index for a period, in org order (never by score, RULES §8). */
export function branchesUnder(q: Queryable, path: string, types: readonly string[], period: string, limit: number, scope: Sql) {
  return q.query<{ id: string; name: string; composite: string | null; band: string | null }>(sql`
    SELECT o.id, o.name, i.composite::text AS composite, i.band
    FROM org o LEFT JOIN branch_index i ON i.org_id = o.id AND i.period = ${period}
    WHERE o.path <@ ${path}::ltree AND o.type = ANY(${types as string[]}::text[]) AND o.dissolved_on IS NULL AND ${scope}
    ORDER BY o.path LIMIT ${limit}`);
}

/**
 * Each sub-index's average score over the branches of a subtree for some
 * periods (无数据 left out), with how many branches scored and the names of
 * the lowest five of the first period.
 */
export function subIndexAverages(q: Queryable, path: string, periods: readonly string[], scope: Sql) {
  return q.query<{ period: string; key: string; label: string; avg: string; branches: number; lowest: string[] }>(sql`
    SELECT i.period, s->>'key' AS key, min(s->>'label') AS label, round(avg((s->>'score')::numeric), 1)::text AS avg, count(*)::int AS branches,
      (array_agg(o.name ORDER BY (s->>'score')::numeric, o.name))[1:5] AS lowest
    FROM branch_index i JOIN org o ON o.id = i.org_id CROSS JOIN LATERAL jsonb_array_elements(i.sub) s
    WHERE o.path <@ ${path}::ltree AND i.period = ANY(${periods as string[]}::text[]) AND s->>'score' IS NOT NULL AND ${scope}
    GROUP BY i.period, s->>'key'`);
}

export function bandCounts(q: Queryable, path: string, period: string, scope: Sql) {
  return q.query<{ band: string; n: number }>(sql`
    SELECT coalesce(i.band, 'none') AS band, count(*)::int AS n FROM branch_index i JOIN org o ON o.id = i.org_id
    WHERE o.path <@ ${path}::ltree AND i.period = ${period} AND ${scope} GROUP BY 1`);
}

/**
 * The band counts of an org's whole subtree for a period from the rollup
 * (migration 0030, kept per ancestor by triggers): the same figures as
 * `bandCounts` under a scope covering the subtree, in one index range.
 */
export function bandRollup(q: Queryable, orgId: string, period: string) {
  return q.prepared<{ band: string; n: number }>('branch_index_rollup_bands', sql`
    SELECT band, n FROM branch_index_rollup WHERE org_id = ${orgId}::uuid AND period = ${period} AND n <> 0`);
}

/** Recomputes the band rollup from branch_index and org (repair, and the reference the verification compares with). */
export async function rebuildBandRollup(q: Queryable) {
  await q.exec(sql`SELECT rebuild_branch_index_rollup()`);
}

/** Copies the stored band rollup into a temporary table dropped at the end of the transaction. */
export async function snapshotBandRollup(q: Queryable) {
  await q.exec(sql`CREATE TEMP TABLE branch_index_rollup_stored ON COMMIT DROP AS SELECT * FROM branch_index_rollup`);
}

export interface BandRollupDifferenceRow {
  org_id: string;
  org_name: string | null;
  period: string;
  band: string;
  stored: number;
  computed: number;
}

/** Rows where the snapshot differs from the current band rollup (a zero and a missing row are equal), and how many there are. */
export async function bandSnapshotDifferences(q: Queryable, limit: number) {
  const diff = sql`
    SELECT coalesce(s.org_id, c.org_id) AS org_id, coalesce(s.period, c.period) AS period, coalesce(s.band, c.band) AS band,
      coalesce(s.n, 0) AS stored, coalesce(c.n, 0) AS computed
    FROM branch_index_rollup_stored s FULL JOIN branch_index_rollup c ON c.org_id = s.org_id AND c.period = s.period AND c.band = s.band
    WHERE coalesce(s.n, 0) <> coalesce(c.n, 0)`;
  const rows = await q.query<BandRollupDifferenceRow>(sql`
    SELECT d.org_id, o.name AS org_name, d.period, d.band, d.stored, d.computed FROM (${diff}) d LEFT JOIN org o ON o.id = d.org_id
    ORDER BY o.path, d.period, d.band LIMIT ${limit}`);
  const total = await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM (${diff}) d`);
  return { rows, total: total.n };
}

/** How many band rollup rows are stored (for the verification's summary line). */
export function bandRollupRowCount(q: Queryable) {
  return q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM branch_index_rollup WHERE n <> 0`);
}

/** The sub-indices of the peers of an org for a period: same type, same parent. */
export function peerSubs(q: Queryable, org: { id: string; parent_id: string | null; type: string }, period: string) {
  return q.query<{ org_id: string; sub: SubIndex[] }>(sql`
    SELECT i.org_id, i.sub FROM branch_index i JOIN org o ON o.id = i.org_id
    WHERE o.parent_id IS NOT DISTINCT FROM ${org.parent_id}::uuid AND o.type = ${org.type} AND o.dissolved_on IS NULL AND i.period = ${period}`);
}

export function orgOf(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; name: string; path: string; type: string; parent_id: string | null }>(sql`
    SELECT o.id, o.name, o.path::text AS path, o.type, o.parent_id FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

/** The net points the members of a subtree (the part a scope covers) were awarded in some months, from the points rollup. */
export async function subtreeNetPoints(q: Queryable, path: string, fromMonth: string, toMonth: string, scope: Sql): Promise<number> {
  const r = await q.one<{ net: string }>(sql`
    SELECT coalesce(sum(r.awarded - r.deducted), 0)::text AS net FROM point_rollup r JOIN org o ON o.id = r.org_id
    WHERE o.path <@ ${path}::ltree AND r.month BETWEEN ${fromMonth}::date AND ${toMonth}::date AND ${scope}`);
  return Number(r.net);
}

/** Full and probationary members of the part of a subtree a scope covers, counted from the registry. */
export async function scopedMembers(q: Queryable, path: string, scope: Sql): Promise<number> {
  const r = await q.one<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM person p JOIN org o ON o.id = p.org_id WHERE o.path <@ ${path}::ltree AND p.is_current AND p.status IN ('full', 'probationary') AND ${scope}`);
  return r.n;
}

/** Full and probationary members of an org with its subtree, from the member rollup (kept per ancestor by trigger). */
export async function rollupMembers(q: Queryable, orgId: string): Promise<number> {
  const r = await q.one<{ n: number }>(sql`SELECT coalesce(sum(n), 0)::int AS n FROM member_rollup WHERE org_id = ${orgId}::uuid AND dimension = 'status' AND value IN ('full', 'probationary')`);
  return r.n;
}

/** The member's own branch (the branch type org holding them, or the branch above their party group). */
export function branchOfPerson(q: Queryable, personId: string, types: readonly string[]) {
  return q.maybeOne<{ id: string; name: string; path: string; type: string; parent_id: string | null }>(sql`
    SELECT b.id, b.name, b.path::text AS path, b.type, b.parent_id FROM person p JOIN org o ON o.id = p.org_id
    JOIN org b ON b.path @> o.path AND b.type = ANY(${types as string[]}::text[])
    WHERE p.id = ${personId}::uuid AND p.is_current ORDER BY nlevel(b.path) DESC LIMIT 1`);
}

export function rootOrgs(q: Queryable) {
  return q.query<{ id: string; path: string }>(sql`SELECT id, path::text AS path FROM org WHERE parent_id IS NULL AND dissolved_on IS NULL ORDER BY seq`);
}

/** Branches of a period in the lowest band or vetoed, in tree order, with the total (工作台). */
export function laggingBranches(q: Queryable, scope: Sql, underPath: string | null, period: string, limit: number) {
  return q.query<{ id: string; name: string; composite: string | null; vetoed: boolean; adjustments: Array<{ applied: boolean; detail: string | null; label: string }>; total: number }>(sql`
    SELECT o.id, o.name, i.composite::text AS composite, i.vetoed, i.adjustments, count(*) OVER ()::int AS total
    FROM branch_index i JOIN org o ON o.id = i.org_id
    WHERE i.period = ${period} AND (i.band = 'lagging' OR i.vetoed) AND o.dissolved_on IS NULL AND ${scope} ${underPath ? sql`AND o.path <@ ${underPath}::ltree` : sql``}
    ORDER BY o.path LIMIT ${limit}`);
}
