import type { Queryable } from '../../platform/db';
import { sql, type Sql } from '../../platform/sql';

// The superior's assessment of its branches: schemes are rule versions
// (points.assessment, scoped to the committee, one year); agreements and
// scores are append-only rows (migration 0026).

export interface SchemeRow {
  id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  body: { items: Array<{ key: string; label: string; maxPoints: number; basis: string }>; note?: string | null };
  source: string;
  created_at: string;
}

export function orgOf(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; name: string; path: string; type: string }>(sql`SELECT o.id, o.name, o.path::text AS path, o.type FROM org o WHERE o.id = ${orgId}::uuid AND o.dissolved_on IS NULL AND ${scope}`);
}

/** The FROM/WHERE/ORDER of the scheme of a year that applies under an org (rule_version `r` joined to its org `s`), LIMIT 1. */
function applyingScheme(orgPath: string, year: number, includeSelf: boolean): Sql {
  return sql`FROM rule_version r JOIN org s ON s.id = r.scope_org_id
    WHERE r.domain = 'points' AND r.key = 'assessment' AND s.path @> ${orgPath}::ltree AND (${includeSelf}::boolean OR s.path <> ${orgPath}::ltree)
      AND r.effective_from >= ${`${year}-01-01`}::date AND r.effective_from < ${`${year + 1}-01-01`}::date
    ORDER BY nlevel(s.path) DESC, r.effective_from DESC, r.created_at DESC LIMIT 1`;
}

/** The scheme of a year that applies under an org: published by the nearest committee above it (or itself), the latest published. */
export function schemeFor(q: Queryable, orgPath: string, year: number, includeSelf: boolean) {
  return q.maybeOne<SchemeRow>(sql`
    SELECT r.id, s.id AS org_id, s.name AS org_name, s.path::text AS org_path, r.body, r.source, r.created_at
    ${applyingScheme(orgPath, year, includeSelf)}`);
}

/**
 * In one query, the scheme of a year that applies to a branch (as schemeFor,
 * not the branch's own), whether the branch agreed to it (a passed vote), and
 * the sum of the latest score of each item (null: no score yet). No row: no
 * scheme applies.
 */
export function schemeTotalFor(q: Queryable, org: { id: string; path: string }, year: number) {
  return q.maybeOne<{ id: string; agreed: boolean; total: string | null }>(sql`
    SELECT sc.id,
      EXISTS (SELECT 1 FROM assessment_agreement g WHERE g.rule_version_id = sc.id AND g.org_id = ${org.id}::uuid AND g.passed) AS agreed,
      (SELECT sum(x.points)::text FROM (SELECT DISTINCT ON (s.item) s.points FROM assessment_score s WHERE s.rule_version_id = sc.id AND s.org_id = ${org.id}::uuid ORDER BY s.item, s.id DESC) x) AS total
    FROM (SELECT r.id ${applyingScheme(org.path, year, false)}) sc`);
}

/** The scheme published by an org itself for a year (the latest). */
export function ownScheme(q: Queryable, orgId: string, year: number) {
  return q.maybeOne<SchemeRow>(sql`
    SELECT r.id, s.id AS org_id, s.name AS org_name, s.path::text AS org_path, r.body, r.source, r.created_at
    FROM rule_version r JOIN org s ON s.id = r.scope_org_id
    WHERE r.domain = 'points' AND r.key = 'assessment' AND r.scope_org_id = ${orgId}::uuid
      AND r.effective_from >= ${`${year}-01-01`}::date AND r.effective_from < ${`${year + 1}-01-01`}::date
    ORDER BY r.effective_from DESC, r.created_at DESC LIMIT 1`);
}

export async function insertScheme(q: Queryable, s: { orgId: string; effectiveFrom: string; effectiveTo: string; source: string; body: unknown }): Promise<string> {
  const r = await q.one<{ id: string }>(sql`INSERT INTO rule_version (domain, key, scope_org_id, effective_from, effective_to, source, body)
    VALUES ('points', 'assessment', ${s.orgId}::uuid, ${s.effectiveFrom}::date, ${s.effectiveTo}::date, ${s.source}, ${JSON.stringify(s.body)}::jsonb) RETURNING id`);
  return r.id;
}

export interface VoteRow {
  voted_on: string;
  expected: number;
  present: number;
  written: number;
  yes: number;
  no: number;
  abstain: number;
  passed: boolean;
  recorded_at: string;
}

export function votesOf(q: Queryable, ruleVersionId: string, orgId: string) {
  return q.query<VoteRow>(sql`SELECT voted_on::text AS voted_on, expected, present, written, yes, no, abstain, passed, recorded_at
    FROM assessment_agreement WHERE rule_version_id = ${ruleVersionId}::uuid AND org_id = ${orgId}::uuid ORDER BY recorded_at DESC`);
}

export function insertVote(q: Queryable, v: { ruleVersionId: string; orgId: string; votedOn: string; expected: number; present: number; written: number; yes: number; no: number; abstain: number; passed: boolean; by: string; at: Date }) {
  return q.exec(sql`INSERT INTO assessment_agreement (rule_version_id, org_id, voted_on, expected, present, written, yes, no, abstain, passed, recorded_by, recorded_at)
    VALUES (${v.ruleVersionId}::uuid, ${v.orgId}::uuid, ${v.votedOn}::date, ${v.expected}, ${v.present}, ${v.written}, ${v.yes}, ${v.no}, ${v.abstain}, ${v.passed}, ${v.by}::uuid, ${v.at.toISOString()}::timestamptz)`);
}

/** Serialises the votes of a branch on a scheme (two secretaries recording at once record one passed vote). */
export function lockAgreement(q: Queryable, ruleVersionId: string, orgId: string) {
  return q.exec(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`assessment:${ruleVersionId}:${orgId}`}, 0))`);
}

/** The latest score of each item of a branch under a scheme, with the scorer's name. */
export function latestScores(q: Queryable, ruleVersionId: string, orgId: string) {
  return q.query<{ item: string; points: string; evidence: string; scored_by: string; scored_at: string }>(sql`
    SELECT DISTINCT ON (s.item) s.item, s.points::text AS points, s.evidence, a.display_name AS scored_by, s.scored_at
    FROM assessment_score s JOIN account a ON a.id = s.scored_by
    WHERE s.rule_version_id = ${ruleVersionId}::uuid AND s.org_id = ${orgId}::uuid ORDER BY s.item, s.id DESC`);
}

export function insertScores(q: Queryable, ruleVersionId: string, orgId: string, rows: ReadonlyArray<{ item: string; points: number; evidence: string }>, by: string, at: Date) {
  return q.exec(sql`INSERT INTO assessment_score (rule_version_id, org_id, item, points, evidence, scored_by, scored_at)
    SELECT ${ruleVersionId}::uuid, ${orgId}::uuid, x.item, x.points, x.evidence, ${by}::uuid, ${at.toISOString()}::timestamptz
    FROM unnest(${rows.map((r) => r.item)}::text[], ${rows.map((r) => r.points)}::numeric[], ${rows.map((r) => r.evidence)}::text[]) WITH ORDINALITY AS x(item, points, evidence, ord) ORDER BY x.ord`);
}

/** The branches below a scheme's org (the index's org types), in tree order, with whether each agreed to this scheme and its total under it. */
export function branchesOfScheme(q: Queryable, scheme: { id: string; org_path: string }, types: readonly string[], scope: Sql) {
  return q.query<{ id: string; name: string; agreed: boolean; total: string | null }>(sql`
    SELECT o.id, o.name,
      EXISTS (SELECT 1 FROM assessment_agreement g WHERE g.rule_version_id = ${scheme.id}::uuid AND g.org_id = o.id AND g.passed) AS agreed,
      (SELECT sum(x.points)::text FROM (SELECT DISTINCT ON (s.item) s.points FROM assessment_score s WHERE s.rule_version_id = ${scheme.id}::uuid AND s.org_id = o.id ORDER BY s.item, s.id DESC) x) AS total
    FROM org o WHERE o.path <@ ${scheme.org_path}::ltree AND o.path <> ${scheme.org_path}::ltree AND o.type = ANY(${types as string[]}::text[]) AND o.dissolved_on IS NULL AND ${scope}
    ORDER BY o.path LIMIT 1000`);
}

/** Branches to which a scheme of the year applies and whose 支部党员大会 has not agreed to it yet, in tree order, with the total (工作台). */
export function awaitingAgreement(q: Queryable, scope: Sql, underPath: string | null, year: number, types: readonly string[], limit: number) {
  return q.query<{ id: string; name: string; scheme_org: string; total: number }>(sql`
    SELECT o.id, o.name, sc.org_name AS scheme_org, count(*) OVER ()::int AS total
    FROM org o
    JOIN LATERAL (SELECT r.id, s.name AS org_name FROM rule_version r JOIN org s ON s.id = r.scope_org_id
      WHERE r.domain = 'points' AND r.key = 'assessment' AND s.path @> o.path AND s.path <> o.path
        AND r.effective_from >= ${`${year}-01-01`}::date AND r.effective_from < ${`${year + 1}-01-01`}::date
      ORDER BY nlevel(s.path) DESC, r.effective_from DESC, r.created_at DESC LIMIT 1) sc ON true
    WHERE o.type = ANY(${types as string[]}::text[]) AND o.dissolved_on IS NULL AND ${scope} ${underPath ? sql`AND o.path <@ ${underPath}::ltree` : sql``}
      AND NOT EXISTS (SELECT 1 FROM assessment_agreement g WHERE g.rule_version_id = sc.id AND g.org_id = o.id AND g.passed)
    ORDER BY o.path LIMIT ${limit}`);
}
