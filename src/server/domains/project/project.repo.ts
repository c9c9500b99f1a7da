import type { Queryable } from '../../platform/db';
import { and, likeText, sql, type Sql } from '../../platform/sql';

// Every SQL statement of key projects (重点项目). A project is seen from its
// owner org (alias `o`) and from the orgs responsible for its milestones
// (alias `mo`): scope conditions come from orgInScope on those aliases.

export interface ProjectRow {
  id: string;
  type: 'secretary' | 'innovation' | 'major';
  name: string;
  rationale: string;
  goals: string;
  status: 'active' | 'accepted';
  owner_org_id: string;
  owner_org_name: string;
  owner_path: string;
  parent_id: string | null;
  parent_path: string | null;
  owner_person_id: string;
  owner_person_name: string;
  start_on: string;
  end_on: string;
  accepted_on: string | null;
  accept_grade: 'excellent' | 'good' | 'qualified' | 'unqualified' | null;
  accept_score: number | null;
  accept_opinion: string | null;
  accept_org_name: string | null;
  accepted_by_name: string | null;
  created_by_name: string | null;
  created_at: string;
  version: number;
}

const COLUMNS = sql`pr.id, pr.type, pr.name, pr.rationale, pr.goals, pr.status, pr.owner_org_id, o.name AS owner_org_name, o.path::text AS owner_path,
  o.parent_id, par.path::text AS parent_path, pr.owner_person_id, p.name AS owner_person_name,
  to_char(pr.start_on, 'YYYY-MM-DD') AS start_on, to_char(pr.end_on, 'YYYY-MM-DD') AS end_on,
  to_char(pr.accepted_on, 'YYYY-MM-DD') AS accepted_on, pr.accept_grade, pr.accept_score, pr.accept_opinion, ao.name AS accept_org_name,
  acc.display_name AS accepted_by_name, cb.display_name AS created_by_name, pr.created_at, pr.version`;

const FROM = sql`FROM project pr
  JOIN org o ON o.id = pr.owner_org_id
  LEFT JOIN org par ON par.id = o.parent_id
  JOIN person p ON p.id = pr.owner_person_id
  LEFT JOIN org ao ON ao.id = pr.accept_org_id
  LEFT JOIN account acc ON acc.id = pr.accepted_by
  LEFT JOIN account cb ON cb.id = pr.created_by`;

/**
 * Who sees a project: a scope over its owner org (`owner`, on `o`), or over
 * the org responsible for one of its milestones (`responsible`, on `mo`).
 */
export function projectVisible(owner: Sql, responsible: Sql): Sql {
  return sql`(${owner} OR EXISTS (SELECT 1 FROM project_milestone vm JOIN org mo ON mo.id = vm.responsible_org_id
    WHERE vm.project_id = pr.id AND vm.removed_at IS NULL AND ${responsible}))`;
}

/** The org `o` lies in the subtree at `path` (the owner's subtree: every org of a project is there). */
export function orgUnder(path: string): Sql {
  return sql`o.path <@ ${path}::ltree`;
}

export function findProject(q: Queryable, id: string, visible: Sql, forUpdate = false) {
  return q.maybeOne<ProjectRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE pr.id = ${id}::uuid AND ${visible} ${forUpdate ? sql`FOR UPDATE OF pr` : sql``}`);
}

export interface ProjectFilter {
  visible: Sql;
  /** the owner org inside this subtree */
  under?: string | null;
  type?: string;
  status?: string;
  q?: string;
}

function where(f: ProjectFilter): Sql {
  const parts: Sql[] = [f.visible];
  if (f.under) parts.push(sql`o.path <@ ${f.under}::ltree`);
  if (f.type) parts.push(sql`pr.type = ${f.type}`);
  if (f.status) parts.push(sql`pr.status = ${f.status}`);
  if (f.q) parts.push(sql`pr.name LIKE ${'%' + likeText(f.q) + '%'}`);
  return and(parts);
}

/**
 * The projects matching a filter, newest term first. Their warning level is
 * computed from their roadmap and reports, so the caller filters by level and
 * pages in memory: `limit` caps the read (projects are counted in tens per
 * county, not thousands).
 */
export function listProjects(q: Queryable, f: ProjectFilter, limit: number) {
  return q.query<ProjectRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE ${where(f)} ORDER BY pr.end_on DESC, pr.created_at DESC, pr.id LIMIT ${limit}`);
}

export interface MilestoneRow {
  id: string;
  project_id: string;
  seq: number;
  title: string;
  due_on: string;
  weight: number;
  responsible_org_id: string;
  responsible_org_name: string;
  responsible_path: string;
  responsible_person_id: string | null;
  responsible_person_name: string | null;
  done_on: string | null;
}

export function milestonesOf(q: Queryable, projectIds: readonly string[]) {
  if (!projectIds.length) return Promise.resolve([] as MilestoneRow[]);
  return q.prepared<MilestoneRow>('project_milestones_of', sql`SELECT m.id, m.project_id, m.seq, m.title, to_char(m.due_on, 'YYYY-MM-DD') AS due_on, m.weight, m.responsible_org_id, ro.name AS responsible_org_name,
      ro.path::text AS responsible_path, m.responsible_person_id, rp.name AS responsible_person_name, to_char(m.done_on, 'YYYY-MM-DD') AS done_on
    FROM project_milestone m JOIN org ro ON ro.id = m.responsible_org_id LEFT JOIN person rp ON rp.id = m.responsible_person_id
    WHERE m.project_id = ANY(${projectIds}::uuid[]) AND m.removed_at IS NULL ORDER BY m.project_id, m.seq`);
}

export interface ReportRow {
  id: string;
  project_id: string;
  milestone_id: string | null;
  reported_on: string;
  percent: number;
}

/** The reports of the projects, in recording order (the later of two on one day wins). */
export function reportFactsOf(q: Queryable, projectIds: readonly string[]) {
  if (!projectIds.length) return Promise.resolve([] as ReportRow[]);
  return q.prepared<ReportRow>('project_report_facts_of', sql`SELECT r.id, r.project_id, r.milestone_id, to_char(r.reported_on, 'YYYY-MM-DD') AS reported_on, r.percent
    FROM project_progress r WHERE r.project_id = ANY(${projectIds}::uuid[]) ORDER BY r.project_id, r.recorded_at, r.id`);
}

export interface ReportDetailRow extends ReportRow {
  note: string;
  evidence_ids: string[];
  reported_by_name: string;
  recorded_at: string;
}

/** One project's reports with what was said and by whom, newest first. */
export function reportsOf(q: Queryable, projectId: string) {
  return q.query<ReportDetailRow>(sql`SELECT r.id, r.project_id, r.milestone_id, to_char(r.reported_on, 'YYYY-MM-DD') AS reported_on, r.percent, r.note, r.evidence_ids,
      a.display_name AS reported_by_name, r.recorded_at
    FROM project_progress r JOIN account a ON a.id = r.reported_by WHERE r.project_id = ${projectId}::uuid ORDER BY r.reported_on DESC, r.recorded_at DESC, r.id`);
}

/** An org the actor may use (scope on `o`), with its type and whether it is dissolved. */
export function findOrg(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; name: string; path: string; region_key: string | null; dissolved_on: string | null }>(sql`
    SELECT o.id, o.name, o.path::text AS path, o.region_key, to_char(o.dissolved_on, 'YYYY-MM-DD') AS dissolved_on FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

/** A current member the actor may see (scope on `p` joined to `o`). */
export function findCurrentPerson(q: Queryable, personId: string, scope: Sql) {
  return q.maybeOne<{ id: string; name: string }>(sql`
    SELECT p.id, p.name FROM person p JOIN org o ON o.id = p.org_id WHERE p.id = ${personId}::uuid AND p.is_current AND ${scope}`);
}

export async function insertProject(q: Queryable, v: {
  ownerOrgId: string; ownerPersonId: string; type: string; name: string; rationale: string; goals: string; startOn: string; endOn: string; regionKey: string | null; createdBy: string;
}): Promise<string> {
  return (await q.one<{ id: string }>(sql`INSERT INTO project (owner_org_id, owner_person_id, type, name, rationale, goals, start_on, end_on, region_key, created_by)
    VALUES (${v.ownerOrgId}::uuid, ${v.ownerPersonId}::uuid, ${v.type}, ${v.name}, ${v.rationale}, ${v.goals}, ${v.startOn}::date, ${v.endOn}::date, ${v.regionKey}::uuid, ${v.createdBy}::uuid)
    RETURNING id`)).id;
}

/** Changes the project's own fields under its version; false when the version moved on. */
export async function updateProject(q: Queryable, id: string, version: number, v: { ownerPersonId: string; type: string; name: string; rationale: string; goals: string; startOn: string; endOn: string }) {
  return (await q.exec(sql`UPDATE project SET owner_person_id = ${v.ownerPersonId}::uuid, type = ${v.type}, name = ${v.name}, rationale = ${v.rationale}, goals = ${v.goals},
      start_on = ${v.startOn}::date, end_on = ${v.endOn}::date, updated_at = now(), version = version + 1
    WHERE id = ${id}::uuid AND version = ${version}`)) === 1;
}

/** Moves the version on (a roadmap saved, a report recorded): the page's copy is stale. */
export async function bumpVersion(q: Queryable, id: string, version: number) {
  return (await q.exec(sql`UPDATE project SET updated_at = now(), version = version + 1 WHERE id = ${id}::uuid AND version = ${version}`)) === 1;
}

export async function acceptProject(q: Queryable, id: string, version: number, v: { status: 'active' | 'accepted'; acceptedOn: string; grade: string; score: number; opinion: string; orgId: string | null; by: string }) {
  return (await q.exec(sql`UPDATE project SET status = ${v.status}, accepted_on = ${v.acceptedOn}::date, accept_grade = ${v.grade}, accept_score = ${v.score}, accept_opinion = ${v.opinion},
      accept_org_id = ${v.orgId}::uuid, accepted_by = ${v.by}::uuid, updated_at = now(), version = version + 1
    WHERE id = ${id}::uuid AND version = ${version}`)) === 1;
}

/** Which of the milestones have reports (they may be changed but not removed). */
export async function milestonesWithReports(q: Queryable, projectId: string): Promise<Set<string>> {
  const rows = await q.query<{ milestone_id: string }>(sql`SELECT DISTINCT milestone_id FROM project_progress WHERE project_id = ${projectId}::uuid AND milestone_id IS NOT NULL`);
  return new Set(rows.map((r) => r.milestone_id));
}

export function insertMilestone(q: Queryable, projectId: string, v: { seq: number; title: string; dueOn: string; weight: number; responsibleOrgId: string; responsiblePersonId: string | null }) {
  return q.one<{ id: string }>(sql`INSERT INTO project_milestone (project_id, seq, title, due_on, weight, responsible_org_id, responsible_person_id)
    VALUES (${projectId}::uuid, ${v.seq}, ${v.title}, ${v.dueOn}::date, ${v.weight}, ${v.responsibleOrgId}::uuid, ${v.responsiblePersonId}::uuid) RETURNING id`);
}

export function updateMilestone(q: Queryable, id: string, v: { seq: number; title: string; dueOn: string; weight: number; responsibleOrgId: string; responsiblePersonId: string | null }) {
  return q.exec(sql`UPDATE project_milestone SET seq = ${v.seq}, title = ${v.title}, due_on = ${v.dueOn}::date, weight = ${v.weight},
      responsible_org_id = ${v.responsibleOrgId}::uuid, responsible_person_id = ${v.responsiblePersonId}::uuid WHERE id = ${id}::uuid`);
}

/** Takes milestones off the roadmap (kept as history), and moves the remaining ones out of the way of the new numbering. */
export async function removeMilestones(q: Queryable, projectId: string, ids: readonly string[]) {
  if (ids.length) await q.exec(sql`UPDATE project_milestone SET removed_at = now() WHERE project_id = ${projectId}::uuid AND id = ANY(${ids}::uuid[])`);
  await q.exec(sql`UPDATE project_milestone SET seq = -seq WHERE project_id = ${projectId}::uuid AND removed_at IS NULL`);
}

export function setMilestoneDone(q: Queryable, id: string, doneOn: string | null) {
  return q.exec(sql`UPDATE project_milestone SET done_on = ${doneOn}::date WHERE id = ${id}::uuid`);
}

export async function insertProgress(q: Queryable, v: { projectId: string; milestoneId: string | null; reportedOn: string; percent: number; note: string; evidenceIds: string[]; orgId: string; by: string }) {
  return (await q.one<{ id: string }>(sql`INSERT INTO project_progress (project_id, milestone_id, reported_on, percent, note, evidence_ids, org_id, reported_by)
    VALUES (${v.projectId}::uuid, ${v.milestoneId}::uuid, ${v.reportedOn}::date, ${v.percent}, ${v.note}, ${v.evidenceIds}::uuid[], ${v.orgId}::uuid, ${v.by}::uuid) RETURNING id`)).id;
}

export function insertProjectFile(q: Queryable, f: { projectId: string; orgId: string; fileName: string; mime: string; sizeBytes: number; sha256: string; storageKey: string; createdBy: string }) {
  return q.one<{ id: string; created_at: string }>(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key, created_by)
    VALUES ('project', ${f.projectId}::uuid, ${f.orgId}::uuid, ${f.fileName}, ${f.mime}, ${f.sizeBytes}, ${f.sha256}, ${f.storageKey}, ${f.createdBy}::uuid) RETURNING id, created_at`);
}

/** Files of the project among the ids (evidence must have been uploaded to this project). */
export function projectFiles(q: Queryable, projectId: string, ids: readonly string[]) {
  if (!ids.length) return Promise.resolve([] as Array<{ id: string; file_name: string; mime: string }>);
  return q.query<{ id: string; file_name: string; mime: string }>(sql`SELECT id, file_name, mime FROM stored_file
    WHERE owner_type = 'project' AND owner_id = ${projectId}::uuid AND id = ANY(${ids}::uuid[])`);
}

export function findProjectFile(q: Queryable, projectId: string, fileId: string) {
  return q.maybeOne<{ file_name: string; mime: string; storage_key: string }>(sql`SELECT file_name, mime, storage_key FROM stored_file
    WHERE owner_type = 'project' AND owner_id = ${projectId}::uuid AND id = ${fileId}::uuid`);
}

/** The active and accepted projects owned inside a subtree, for the big screen (no scope: the screen checks the subtree). */
export function projectsUnder(q: Queryable, path: string) {
  return q.prepared<{ id: string; type: string; name: string; status: 'active' | 'accepted'; owner_org_id: string; owner_path: string; start_on: string; end_on: string }>('projects_under', sql`
    SELECT pr.id, pr.type, pr.name, pr.status, pr.owner_org_id, o.path::text AS owner_path, to_char(pr.start_on, 'YYYY-MM-DD') AS start_on, to_char(pr.end_on, 'YYYY-MM-DD') AS end_on
    FROM project pr JOIN org o ON o.id = pr.owner_org_id WHERE o.path <@ ${path}::ltree ORDER BY pr.id`);
}
