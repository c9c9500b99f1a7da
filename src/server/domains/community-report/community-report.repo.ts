import type { Queryable } from '../../platform/db';
import { sql, type Sql } from '../../platform/sql';

// Every SQL statement of 双报到 (community reports). The staff see a report from
// its community org (alias `o`) or from the reporting org (alias `ro`): scope
// conditions come from orgInScope on them. The branch reads its members'
// evaluations through the member's current branch (alias `po`).

/** Either scope condition (the community's side or the reporter's). */
export const eitherOf = (a: Sql, b: Sql): Sql => sql`(${a} OR ${b})`;

/** The enabled accounts of a member. */
export async function accountsOfPerson(q: Queryable, personId: string): Promise<string[]> {
  return (await q.query<{ id: string }>(sql`SELECT id FROM account WHERE person_id = ${personId}::uuid AND NOT is_disabled`)).map((a) => a.id);
}

export interface ReportRow {
  id: string;
  kind: 'org' | 'member';
  reporter_org_id: string;
  reporter_org_name: string;
  person_id: string | null;
  person_name: string | null;
  person_org_id: string | null;
  person_org_path: string | null;
  community_org_id: string;
  community_name: string;
  community_path: string;
  grid_id: string | null;
  grid_name: string | null;
  address: string | null;
  note: string;
  status: 'pending' | 'accepted' | 'declined' | 'ended';
  role: string | null;
  tasks: string | null;
  decline_reason: string | null;
  reported_at: Date;
  accepted_at: Date | null;
  ended_at: Date | null;
  end_reason: string | null;
  service_count: number;
  service_minutes: number;
  version: number;
}

const REPORT = sql`SELECT c.id, c.kind, c.reporter_org_id, ro.name AS reporter_org_name, c.person_id, p.name AS person_name, p.org_id AS person_org_id, po.path::text AS person_org_path,
  c.community_org_id, o.name AS community_name, o.path::text AS community_path, c.grid_id, g.name AS grid_name, c.address, c.note, c.status, c.role, c.tasks, c.decline_reason,
  c.reported_at, c.accepted_at, c.ended_at, c.end_reason, c.service_count, c.service_minutes, c.version
  FROM community_report c JOIN org o ON o.id = c.community_org_id JOIN org ro ON ro.id = c.reporter_org_id
  LEFT JOIN person p ON p.id = c.person_id LEFT JOIN org po ON po.id = p.org_id LEFT JOIN map_area g ON g.id = c.grid_id`;

export async function insertReport(q: Queryable, v: { kind: 'org' | 'member'; reporterOrgId: string; personId: string | null; communityId: string; gridId: string | null; address: string | null; note: string; at: string }): Promise<string> {
  return (await q.one<{ id: string }>(sql`INSERT INTO community_report (kind, reporter_org_id, person_id, community_org_id, grid_id, address, note, reported_at, created_at, updated_at)
    VALUES (${v.kind}, ${v.reporterOrgId}::uuid, ${v.personId}::uuid, ${v.communityId}::uuid, ${v.gridId}::uuid, ${v.address}, ${v.note}, ${v.at}::timestamptz, ${v.at}::timestamptz, ${v.at}::timestamptz)
    RETURNING id`)).id;
}

/** The live (pending or accepted) report of a member, or of a unit org to a community. */
export function liveReport(q: Queryable, v: { personId: string } | { reporterOrgId: string; communityId: string }) {
  const where = 'personId' in v
    ? sql`kind = 'member' AND person_id = ${v.personId}::uuid`
    : sql`kind = 'org' AND reporter_org_id = ${v.reporterOrgId}::uuid AND community_org_id = ${v.communityId}::uuid`;
  return q.maybeOne<{ id: string }>(sql`SELECT id FROM community_report WHERE ${where} AND status IN ('pending', 'accepted')`);
}

/** One report inside a scope condition on its community `o` and reporter `ro`; locked when asked. */
export function findReport(q: Queryable, id: string, scope: Sql, lock = false) {
  return q.maybeOne<ReportRow>(sql`${REPORT} WHERE c.id = ${id}::uuid AND ${scope} ${lock ? sql`FOR NO KEY UPDATE OF c` : sql``}`);
}

export function reportsOfPerson(q: Queryable, personId: string, limit: number) {
  return q.query<ReportRow>(sql`${REPORT} WHERE c.person_id = ${personId}::uuid ORDER BY c.reported_at DESC, c.id LIMIT ${limit}`);
}

export async function listReports(q: Queryable, scope: Sql, f: { orgPath?: string; status?: string; kind?: string }, page: number, pageSize: number) {
  const where = sql`${scope} AND (${f.orgPath ?? null}::ltree IS NULL OR o.path <@ ${f.orgPath ?? null}::ltree OR ro.path <@ ${f.orgPath ?? null}::ltree)
    AND (${f.status ?? null}::text IS NULL OR c.status = ${f.status ?? null}) AND (${f.kind ?? null}::text IS NULL OR c.kind = ${f.kind ?? null})`;
  const [rows, total] = await Promise.all([
    q.query<ReportRow>(sql`${REPORT} WHERE ${where} ORDER BY c.reported_at DESC, c.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`),
    q.one<{ n: string }>(sql`SELECT count(*) AS n FROM community_report c JOIN org o ON o.id = c.community_org_id JOIN org ro ON ro.id = c.reporter_org_id WHERE ${where}`),
  ]);
  return { rows, total: Number(total.n) };
}

export function orgOf(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; path: string; name: string }>(sql`SELECT o.id, o.path::text AS path, o.name FROM org o WHERE o.id = ${orgId}::uuid AND o.dissolved_on IS NULL AND ${scope}`);
}

// --- transitions (each one statement that checks the state it leaves)

export function accept(q: Queryable, id: string, v: { version: number; gridId: string | null; role: string; tasks: string; by: string; at: string }) {
  return q.maybeOne<{ id: string }>(sql`UPDATE community_report SET status = 'accepted', grid_id = coalesce(${v.gridId}::uuid, grid_id), role = ${v.role}, tasks = ${v.tasks},
      accepted_at = ${v.at}::timestamptz, accepted_by = ${v.by}::uuid, updated_at = ${v.at}::timestamptz, version = version + 1
    WHERE id = ${id}::uuid AND status = 'pending' AND version = ${v.version} RETURNING id`);
}

export function decline(q: Queryable, id: string, reason: string, at: string) {
  return q.maybeOne<{ id: string }>(sql`UPDATE community_report SET status = 'declined', decline_reason = ${reason}, updated_at = ${at}::timestamptz, version = version + 1
    WHERE id = ${id}::uuid AND status = 'pending' RETURNING id`);
}

export function end(q: Queryable, id: string, reason: string, at: string) {
  return q.maybeOne<{ id: string }>(sql`UPDATE community_report SET status = 'ended', ended_at = ${at}::timestamptz, end_reason = ${reason}, updated_at = ${at}::timestamptz, version = version + 1
    WHERE id = ${id}::uuid AND status = 'accepted' RETURNING id`);
}

/** A service record and the report's counters, in one statement (accepted reports only). */
export function insertService(q: Queryable, v: { reportId: string; servedOn: string; minutes: number; content: string; by: string; at: string }) {
  return q.maybeOne<{ id: string }>(sql`WITH r AS (UPDATE community_report SET service_count = service_count + 1, service_minutes = service_minutes + ${v.minutes}, updated_at = ${v.at}::timestamptz
      WHERE id = ${v.reportId}::uuid AND status = 'accepted' RETURNING id)
    INSERT INTO community_service (report_id, served_on, minutes, content, recorded_by, created_at)
    SELECT r.id, ${v.servedOn}::date, ${v.minutes}, ${v.content}, ${v.by}::uuid, ${v.at}::timestamptz FROM r RETURNING id`);
}

export function insertEvaluation(q: Queryable, v: { reportId: string; year: number; grade: string; comment: string; by: string; at: string }) {
  return q.maybeOne<{ id: string }>(sql`INSERT INTO community_evaluation (report_id, year, grade, comment, evaluated_by, evaluated_at)
    VALUES (${v.reportId}::uuid, ${v.year}, ${v.grade}, ${v.comment}, ${v.by}::uuid, ${v.at}::timestamptz) ON CONFLICT (report_id, year) DO NOTHING RETURNING id`);
}

export function servicesOf(q: Queryable, reportIds: string[]) {
  return q.query<{ id: string; report_id: string; served_on: string; minutes: number; content: string; created_at: Date }>(sql`
    SELECT id, report_id, to_char(served_on, 'YYYY-MM-DD') AS served_on, minutes, content, created_at FROM community_service
    WHERE report_id = ANY(${reportIds}::uuid[]) ORDER BY served_on DESC, created_at DESC, id`);
}

export function evaluationsOf(q: Queryable, reportIds: string[]) {
  return q.query<{ id: string; report_id: string; year: number; grade: string; comment: string; evaluated_at: Date }>(sql`
    SELECT id, report_id, year, grade, comment, evaluated_at FROM community_evaluation WHERE report_id = ANY(${reportIds}::uuid[]) ORDER BY year DESC, id`);
}

// --- the branch's view (民主评议)

export interface BranchEvaluationRow {
  person_id: string;
  person_name: string;
  report_id: string;
  community_name: string;
  status: 'pending' | 'accepted' | 'declined' | 'ended';
  role: string | null;
  grade: string | null;
  comment: string | null;
  service_count: number;
  service_minutes: number;
  year_minutes: number;
}

/**
 * The current members under the branch `orgPath` (in scope, a condition on
 * `p` and its org `po`) with their member report: the live one, else the
 * latest; its evaluation of the year and the year's service minutes.
 */
export function branchEvaluations(q: Queryable, scope: Sql, orgPath: string, year: number) {
  return q.query<BranchEvaluationRow>(sql`
    SELECT DISTINCT ON (p.id) p.id AS person_id, p.name AS person_name, c.id AS report_id, o.name AS community_name, c.status, c.role, e.grade, e.comment,
      c.service_count, c.service_minutes,
      coalesce((SELECT sum(s.minutes) FROM community_service s WHERE s.report_id = c.id AND extract(year FROM s.served_on) = ${year}), 0)::int AS year_minutes
    FROM community_report c JOIN person p ON p.id = c.person_id JOIN org po ON po.id = p.org_id JOIN org o ON o.id = c.community_org_id
    LEFT JOIN community_evaluation e ON e.report_id = c.id AND e.year = ${year}
    WHERE c.kind = 'member' AND c.status IN ('accepted', 'ended') AND p.status IN ('probationary', 'full') AND po.path <@ ${orgPath}::ltree AND ${scope}
    ORDER BY p.id, (e.id IS NOT NULL) DESC, (c.status = 'accepted') DESC, c.reported_at DESC`);
}

// --- points

export interface EvaluationFactRow {
  id: string;
  person_id: string;
  org_id: string;
  org_path: string;
  day: string;
}

/** Evaluations of 优秀 or 良好 of current members made on a Beijing day in [from, to], with the member's branch now. */
export function goodEvaluations(q: Queryable, from: string, to: string) {
  return q.query<EvaluationFactRow>(sql`
    SELECT e.id, p.id AS person_id, p.org_id, o.path::text AS org_path, to_char(e.evaluated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day
    FROM community_evaluation e JOIN community_report c ON c.id = e.report_id JOIN person p ON p.id = c.person_id JOIN org o ON o.id = p.org_id
    WHERE e.grade IN ('excellent', 'good') AND p.status IN ('probationary', 'full')
      AND e.evaluated_at >= (${from}::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND e.evaluated_at < ((${to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`);
}

// --- counters: verify and rebuild

const RAW = sql`SELECT c.id, (SELECT count(*) FROM community_service s WHERE s.report_id = c.id)::int AS service_count,
    coalesce((SELECT sum(s.minutes) FROM community_service s WHERE s.report_id = c.id), 0)::int AS service_minutes
  FROM community_report c`;

export function counterDifferences(q: Queryable) {
  return q.query<{ id: string; service_count: number; raw_service_count: number; service_minutes: number; raw_service_minutes: number }>(sql`
    SELECT c.id, c.service_count, r.service_count AS raw_service_count, c.service_minutes, r.service_minutes AS raw_service_minutes
    FROM community_report c JOIN (${RAW}) r ON r.id = c.id
    WHERE (c.service_count, c.service_minutes) IS DISTINCT FROM (r.service_count, r.service_minutes) ORDER BY c.id`);
}

export function rebuildCounters(q: Queryable) {
  return q.exec(sql`UPDATE community_report c SET service_count = r.service_count, service_minutes = r.service_minutes FROM (${RAW}) r
    WHERE r.id = c.id AND (c.service_count, c.service_minutes) IS DISTINCT FROM (r.service_count, r.service_minutes)`);
}
