import type { Queryable } from '../../platform/db';
import { sql, raw, and, type Sql } from '../../platform/sql';
import type { WorkCalendar } from '../../platform/workdays';
import type { OrgRef } from '../../platform/scope';
import type { DeadlineKind } from '../../../contracts/development';
import type { ComputedDeadline, RecordedStep, RecordedVote } from './development.policy';

/** The working-day calendar for the years in [fromYear, toYear]. */
export async function loadCalendar(q: Queryable, fromYear: number, toYear: number): Promise<WorkCalendar> {
  const years = await q.query<{ year: number }>(sql`SELECT year FROM work_calendar_year WHERE year BETWEEN ${fromYear} AND ${toYear}`);
  const days = await q.query<{ day: string; kind: 'holiday' | 'workday' }>(sql`
    SELECT day, kind FROM work_calendar_day WHERE day >= make_date(${fromYear}, 1, 1) AND day <= make_date(${toYear}, 12, 31)`);
  return { configuredYears: new Set(years.map((y) => y.year)), days: new Map(days.map((d) => [d.day, d.kind])) };
}

export interface FileRow {
  id: string;
  person_id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  org_type: string;
  parent_name: string | null;
  region_key: string | null;
  applied_on: string;
  state: 'open' | 'archived' | 'rejected' | 'withdrawn' | 'cancelled';
  stage: number;
  last_step: number;
  leaves_unit_on: string | null;
  closed_on: string | null;
  close_reason: string | null;
  version: number;
  name: string;
  sex: 'male' | 'female';
  ethnicity: string;
  birth_date: string;
  education: string;
  occupation: string;
  unit_name: string | null;
  id_no_masked: string;
  phone_masked: string | null;
  status: string;
  person_version: number;
}

const FILE_COLUMNS = raw(`f.id, f.person_id, f.org_id, o.name AS org_name, o.path::text AS org_path, o.type AS org_type,
  (SELECT po.name FROM org po WHERE po.id = o.parent_id) AS parent_name, f.region_key, f.applied_on, f.state, f.stage, f.last_step,
  f.leaves_unit_on, f.closed_on, f.close_reason, f.version, p.name, p.sex, p.ethnicity, p.birth_date, p.education, p.occupation,
  p.unit_name, p.id_no_masked, p.phone_masked, p.status, p.version AS person_version`);

/** One file by id, inside a scope condition on its org `o`. */
export function findFile(q: Queryable, id: string, scope: Sql, forUpdate = false) {
  return q.maybeOne<FileRow>(sql`SELECT ${FILE_COLUMNS} FROM dev_file f JOIN person p ON p.id = f.person_id JOIN org o ON o.id = f.org_id
    WHERE f.id = ${id}::uuid AND ${scope} ${raw(forUpdate ? 'FOR UPDATE OF f' : '')}`);
}

/** A person's current file: the open one, else the latest closed one. */
export function findLatestFileOfPerson(q: Queryable, personId: string) {
  return q.maybeOne<FileRow>(sql`SELECT ${FILE_COLUMNS} FROM dev_file f JOIN person p ON p.id = f.person_id JOIN org o ON o.id = f.org_id
    WHERE f.person_id = ${personId}::uuid ORDER BY (f.state = 'open') DESC, f.created_at DESC LIMIT 1`);
}

export interface StepRow {
  id: number;
  step_no: number;
  step_date: string;
  decision_body: string | null;
  people: { talkers?: string[]; envoy?: string | null; contacts?: Array<{ id: string; name: string }>; introducers?: Array<{ id: string; name: string }> };
  data: Record<string, unknown>;
  note: string | null;
  attachment_ids: string[];
  recorded_by: string | null;
  recorded_at: string;
}

export function listSteps(q: Queryable, fileId: string) {
  return q.query<StepRow>(sql`SELECT s.id::int AS id, s.step_no, s.step_date, s.decision_body, s.people, s.data, s.note, s.attachment_ids,
      a.display_name AS recorded_by, s.recorded_at
    FROM dev_step s LEFT JOIN account a ON a.id = s.actor_id WHERE s.file_id = ${fileId}::uuid ORDER BY s.step_date, s.id`);
}

export interface VoteRow {
  kind: 'admission' | 'conversion';
  round: number;
  meeting_date: string;
  expected: number;
  registry_count: number;
  expected_note: string | null;
  present: number;
  written: number;
  yes: number;
  no: number;
  abstain: number;
  is_quorate: boolean;
  is_passed: boolean;
  outcome: 'convert' | 'extend' | 'cancel' | null;
  extension_months: number | null;
}

export function listVotes(q: Queryable, fileId: string) {
  return q.query<VoteRow>(sql`SELECT kind, round, meeting_date, expected, registry_count, expected_note, present, written, yes, no, abstain,
      is_quorate, is_passed, outcome, extension_months FROM dev_vote WHERE file_id = ${fileId}::uuid ORDER BY kind, round`);
}

export const toRecordedSteps = (rows: readonly StepRow[]): RecordedStep[] => rows.map((r) => ({ step: r.step_no, date: r.step_date, data: r.data }));
export const toRecordedVotes = (rows: readonly VoteRow[]): RecordedVote[] =>
  rows.map((r) => ({ kind: r.kind, round: r.round, meetingDate: r.meeting_date, isPassed: r.is_passed, outcome: r.outcome, extensionMonths: r.extension_months }));

export async function insertStep(q: Queryable, s: { fileId: string; step: number; date: string; decisionBody: string | null; people: object; data: object; note: string | null; attachmentIds: string[]; ruleVersionId: string; actorId: string | null }) {
  await q.exec(sql`INSERT INTO dev_step (file_id, step_no, step_date, decision_body, people, data, note, attachment_ids, rule_version_id, actor_id)
    VALUES (${s.fileId}, ${s.step}, ${s.date}, ${s.decisionBody}, ${JSON.stringify(s.people)}::jsonb, ${JSON.stringify(s.data)}::jsonb, ${s.note}, ${s.attachmentIds}::uuid[], ${s.ruleVersionId}, ${s.actorId})`);
}

export async function insertVote(q: Queryable, fileId: string, v: Omit<VoteRow, 'kind'> & { kind: string; actorId: string | null }) {
  await q.exec(sql`INSERT INTO dev_vote (file_id, kind, round, meeting_date, expected, registry_count, expected_note, present, written, yes, no, abstain, is_quorate, is_passed, outcome, extension_months, actor_id)
    VALUES (${fileId}, ${v.kind}, ${v.round}, ${v.meeting_date}, ${v.expected}, ${v.registry_count}, ${v.expected_note}, ${v.present}, ${v.written}, ${v.yes}, ${v.no}, ${v.abstain},
      ${v.is_quorate}, ${v.is_passed}, ${v.outcome}, ${v.extension_months}, ${v.actorId})`);
}

export async function updateFile(q: Queryable, id: string, version: number, set: { stage?: number; last_step?: number; state?: string; closed_on?: string | null; close_reason?: string | null }) {
  const r = await q.maybeOne<{ version: number }>(sql`UPDATE dev_file SET
      stage = coalesce(${set.stage ?? null}::smallint, stage), last_step = coalesce(${set.last_step ?? null}::smallint, last_step),
      state = coalesce(${set.state ?? null}, state), closed_on = coalesce(${set.closed_on ?? null}::date, closed_on), close_reason = coalesce(${set.close_reason ?? null}, close_reason),
      updated_at = now(), version = version + 1
    WHERE id = ${id}::uuid AND version = ${version} RETURNING version`);
  return !!r;
}

export async function replaceDeadlines(q: Queryable, fileId: string, deadlines: readonly ComputedDeadline[]) {
  await q.exec(sql`DELETE FROM dev_deadline WHERE file_id = ${fileId}::uuid`);
  if (!deadlines.length) return;
  await q.exec(sql`INSERT INTO dev_deadline (file_id, kind, due, extended_due, provisional)
    SELECT ${fileId}::uuid, k, d, e, pv FROM unnest(${deadlines.map((x) => x.kind)}::text[], ${deadlines.map((x) => x.due)}::date[],
      ${deadlines.map((x) => x.extendedDue ?? null)}::date[], ${deadlines.map((x) => x.provisional)}::boolean[]) AS t(k, d, e, pv)`);
}

/** Full members with a vote in an org on a date (应到 from the registry): formal relation open that day, converted by then, not under 留党察看. */
export async function votingMembersOn(q: Queryable, orgId: string, date: string): Promise<number> {
  const r = await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM membership m JOIN person p ON p.id = m.person_id
    WHERE m.org_id = ${orgId}::uuid AND m.valid_from <= ${date}::date AND (m.valid_to IS NULL OR m.valid_to > ${date}::date)
      AND p.status IN ('full','probationary','left','suspended','deceased')
      AND ((p.conversion_date IS NOT NULL AND p.conversion_date <= ${date}::date) OR (p.conversion_date IS NULL AND p.status = 'full'))
      AND coalesce((SELECT e.reason FROM member_event e WHERE e.person_id = p.id AND e.reason IN ('party_probation','party_probation_ended') AND e.event_date <= ${date}::date
                    ORDER BY e.event_date DESC, e.id DESC LIMIT 1), '') <> 'party_probation'`);
  return r.n;
}

export interface MemberRefRow {
  id: string;
  name: string;
  status: string;
  on_party_probation: boolean;
}

/**
 * Members by id inside a scope, with their standing on a date (a member
 * converted after it was still probationary then) and whether each was under
 * 留党察看 on it. Former members count as neither.
 */
export function findMembers(q: Queryable, ids: readonly string[], scope: Sql, date: string) {
  return q.query<MemberRefRow>(sql`SELECT p.id, p.name,
      CASE WHEN NOT p.is_current THEN p.status
           WHEN p.conversion_date IS NOT NULL AND p.conversion_date <= ${date}::date THEN 'full'
           WHEN p.conversion_date IS NULL AND p.status = 'full' THEN 'full'
           WHEN p.join_date IS NOT NULL AND p.join_date <= ${date}::date THEN 'probationary'
           ELSE 'not_yet' END AS status,
      coalesce((SELECT e.reason FROM member_event e WHERE e.person_id = p.id AND e.reason IN ('party_probation','party_probation_ended') AND e.event_date <= ${date}::date
                ORDER BY e.event_date DESC, e.id DESC LIMIT 1), '') = 'party_probation' AS on_party_probation
    FROM person p JOIN org o ON o.id = p.org_id WHERE p.id = ANY(${ids}::uuid[]) AND ${scope}`);
}

/** The last rejected application of this human under any of their records (the 6-month rule follows the person, not the branch). */
export function lastRejectionOfIdentity(q: Queryable, idHash: Buffer) {
  return q.maybeOne<{ closed_on: string }>(sql`SELECT to_char(f.closed_on, 'YYYY-MM-DD') AS closed_on FROM dev_file f JOIN person p ON p.id = f.person_id
    WHERE p.id_no_hash = ${idHash} AND f.state = 'rejected' ORDER BY f.closed_on DESC LIMIT 1`);
}

export interface ListFilter {
  scope: Sql;
  orgPath?: string | null;
  stage?: number;
  state: 'open' | 'closed' | 'all';
  q?: string;
}

function fileWhere(f: ListFilter): Sql {
  const parts: Sql[] = [f.scope];
  if (f.orgPath) parts.push(sql`o.path <@ ${f.orgPath}::ltree`);
  if (f.stage) parts.push(sql`f.stage = ${f.stage}`);
  if (f.state === 'open') parts.push(sql`f.state = 'open'`);
  else if (f.state === 'closed') parts.push(sql`f.state <> 'open'`);
  if (f.q) parts.push(sql`(p.name LIKE ${'%' + f.q.replace(/[%_\\]/g, '\\$&') + '%'} OR p.name_initials LIKE ${f.q.toLowerCase() + '%'})`);
  return and(parts);
}

export interface FileListRow {
  id: string;
  person_id: string;
  name: string;
  sex: 'male' | 'female';
  org_id: string;
  org_name: string;
  status: string;
  state: FileRow['state'];
  stage: number;
  last_step: number;
  applied_on: string;
  next_kind: string | null;
  next_due: string | null;
  next_extended_due: string | null;
  next_provisional: boolean | null;
}

const SORTS = {
  stage: 'f.stage {o}, f.last_step {o}, f.applied_on',
  name: 'p.name_pinyin {o}',
  appliedOn: 'f.applied_on {o}',
  nextDue: 'd.due {o} NULLS LAST',
} as const;

export async function listFiles(q: Queryable, f: ListFilter, limit: number, offset: number, sort: keyof typeof SORTS = 'stage', order: 'asc' | 'desc' = 'desc') {
  const where = fileWhere(f);
  const orderBy = raw(SORTS[sort].replaceAll('{o}', order === 'asc' ? 'ASC' : 'DESC') + ', f.id');
  const [rows, total] = await Promise.all([
    q.query<FileListRow>(sql`SELECT f.id, f.person_id, p.name, p.sex, f.org_id, o.name AS org_name, p.status, f.state, f.stage, f.last_step, f.applied_on,
        d.kind AS next_kind, d.due AS next_due, d.extended_due AS next_extended_due, d.provisional AS next_provisional
      FROM dev_file f JOIN person p ON p.id = f.person_id JOIN org o ON o.id = f.org_id
      LEFT JOIN LATERAL (SELECT kind, due, extended_due, provisional FROM dev_deadline x WHERE x.file_id = f.id ORDER BY x.due LIMIT 1) d ON true
      WHERE ${where} ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`),
    q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM dev_file f JOIN person p ON p.id = f.person_id JOIN org o ON o.id = f.org_id WHERE ${where}`),
  ]);
  return { rows, total: total.n };
}

export interface DeadlineRow {
  file_id: string;
  person_name: string;
  org_id: string;
  org_name: string;
  kind: string;
  due: string;
  extended_due: string | null;
  provisional: boolean;
}

/** Deadlines of open files in a subtree, soonest first. */
export async function listDeadlines(q: Queryable, scope: Sql, orgPath: string | null, before: string | null, overdueBefore: string, overdueKinds: readonly string[], informationalKinds: readonly string[], overdueOnly: boolean, limit: number) {
  const parts: Sql[] = [scope, sql`f.state = 'open'`];
  if (orgPath) parts.push(sql`o.path <@ ${orgPath}::ltree`);
  if (before) parts.push(sql`d.due <= ${before}::date`);
  // a point from which something may be done stays listed for 30 days once reached
  parts.push(sql`(d.kind <> ALL(${informationalKinds}::text[]) OR d.due >= ${overdueBefore}::date - 30)`);
  const isOverdue = sql`(d.due < ${overdueBefore}::date AND d.kind = ANY(${overdueKinds}::text[]))`;
  if (overdueOnly) parts.push(isOverdue);
  const where = and(parts);
  const [rows, totals] = await Promise.all([
    q.query<DeadlineRow>(sql`SELECT d.file_id, p.name AS person_name, o.id AS org_id, o.name AS org_name, d.kind, d.due, d.extended_due, d.provisional
      FROM dev_deadline d JOIN dev_file f ON f.id = d.file_id JOIN person p ON p.id = f.person_id JOIN org o ON o.id = f.org_id
      WHERE ${where} ORDER BY d.due, d.file_id, d.kind LIMIT ${limit}`),
    q.one<{ total: number; overdue: number }>(sql`SELECT count(*)::int AS total, count(*) FILTER (WHERE ${isOverdue})::int AS overdue
      FROM dev_deadline d JOIN dev_file f ON f.id = d.file_id JOIN org o ON o.id = f.org_id WHERE ${where}`),
  ]);
  return { rows, ...totals };
}

export async function reportDates(q: Queryable, fileId: string): Promise<string[]> {
  const rows = await q.query<{ d: string }>(sql`SELECT submitted_on AS d FROM dev_report WHERE file_id = ${fileId}::uuid ORDER BY submitted_on`);
  return rows.map((r) => r.d);
}

export function deadlinesOfFile(q: Queryable, fileId: string) {
  return q.query<{ kind: string; due: string; extended_due: string | null; provisional: boolean }>(sql`
    SELECT kind, due, extended_due, provisional FROM dev_deadline WHERE file_id = ${fileId}::uuid ORDER BY due`);
}

export function listReports(q: Queryable, fileId: string) {
  return q.query<{ id: string; title: string; submitted_on: string; stored_file_id: string; file_name: string }>(sql`
    SELECT r.id, r.title, r.submitted_on, r.stored_file_id, sf.file_name FROM dev_report r JOIN stored_file sf ON sf.id = r.stored_file_id
    WHERE r.file_id = ${fileId}::uuid ORDER BY r.submitted_on DESC, r.created_at DESC`);
}

export function fileNames(q: Queryable, ids: readonly string[]) {
  if (!ids.length) return Promise.resolve([] as Array<{ id: string; file_name: string; owner_id: string }>);
  return q.query<{ id: string; file_name: string; owner_id: string }>(sql`SELECT id, file_name, owner_id FROM stored_file WHERE id = ANY(${ids}::uuid[])`);
}

// ---------------------------------------------------------------------------
// Organisations as the development domain sees them (scope passed in)
// ---------------------------------------------------------------------------

export interface BranchRow {
  id: string;
  path: string;
  type: string;
  dissolved_on: string | null;
  region_key: string | null;
  name: string;
}

/** One org by id inside a scope condition on `o`, with what a new file needs (type, dissolution, region). */
export function findBranchOrg(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<BranchRow>(sql`
    SELECT o.id, o.path::text AS path, o.type, o.dissolved_on, o.region_key, o.name FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}




/** Whether an org id is inside a scope condition on `o` (its id, or null). */
export function findOrgIdInScope(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string }>(sql`SELECT o.id FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

// ---------------------------------------------------------------------------
// Files, persons and reports written by the use-cases
// ---------------------------------------------------------------------------

/** Opens a development file; returns its id. */
export async function insertFile(q: Queryable, f: { personId: string; orgId: string; regionKey: string | null; appliedOn: string; leavesUnitOn: string | null }): Promise<string> {
  const file = await q.one<{ id: string }>(sql`INSERT INTO dev_file (person_id, org_id, region_key, applied_on, leaves_unit_on)
        VALUES (${f.personId}, ${f.orgId}, ${f.regionKey}, ${f.appliedOn}, ${f.leavesUnitOn}) RETURNING id`);
  return file.id;
}

/** One of a person's own 思想汇报 (the report must belong to a file of that person). */
export function findOwnReport(q: Queryable, reportId: string, personId: string) {
  return q.maybeOne<{ file_name: string; mime: string; storage_key: string }>(sql`
    SELECT sf.file_name, sf.mime, sf.storage_key FROM dev_report r JOIN dev_file f ON f.id = r.file_id JOIN stored_file sf ON sf.id = r.stored_file_id
    WHERE r.id = ${reportId}::uuid AND f.person_id = ${personId}::uuid`);
}

/** Stores the uploaded file of a 思想汇报, owned by the person; returns its id. */
export async function insertReportFile(q: Queryable, s: { personId: string; orgId: string; fileName: string; mime: string; sizeBytes: number; sha256: string; storageKey: string; createdBy: string }): Promise<string> {
  const sf = await q.one<{ id: string }>(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key, created_by)
      VALUES ('person', ${s.personId}, ${s.orgId}, ${s.fileName}, ${s.mime}, ${s.sizeBytes}, ${s.sha256}, ${s.storageKey}, ${s.createdBy}) RETURNING id`);
  return sf.id;
}

/** Records a 思想汇报 on a file; returns its id. */
export async function insertReport(q: Queryable, r: { fileId: string; title: string; storedFileId: string; submittedOn: string; actorId: string }): Promise<string> {
  const row = await q.one<{ id: string }>(sql`INSERT INTO dev_report (file_id, title, stored_file_id, submitted_on, actor_id) VALUES (${r.fileId}, ${r.title}, ${r.storedFileId}, ${r.submittedOn}, ${r.actorId}) RETURNING id`);
  return row.id;
}

// ---------------------------------------------------------------------------
// Overview and plan
// ---------------------------------------------------------------------------

/** Open files per stage in a subtree, inside a scope condition on `o`. */
export function countOpenFilesByStage(q: Queryable, rootPath: string, scope: Sql) {
  return q.query<{ stage: number; n: number }>(sql`SELECT f.stage, count(*)::int AS n FROM dev_file f JOIN org o ON o.id = f.org_id
      WHERE f.state = 'open' AND o.path <@ ${rootPath}::ltree AND ${scope} GROUP BY f.stage`);
}

/** Deadlines of open files in a subtree: overdue ones (of the given kinds) before `today`, and those due from today to `soonUntil`. */
export function countDeadlinesOverdueAndSoon(q: Queryable, rootPath: string, scope: Sql, today: string, soonUntil: string, overdueKinds: readonly string[]) {
  return q.one<{ overdue: number; soon: number }>(sql`SELECT count(*) FILTER (WHERE d.due < ${today}::date AND d.kind = ANY(${overdueKinds}::text[]))::int AS overdue,
        count(*) FILTER (WHERE d.due >= ${today}::date AND d.due <= ${soonUntil}::date)::int AS soon
      FROM dev_deadline d JOIN dev_file f ON f.id = d.file_id JOIN org o ON o.id = f.org_id WHERE f.state = 'open' AND o.path <@ ${rootPath}::ltree AND ${scope}`);
}

export interface ChildOverviewRow {
  org_id: string;
  org_name: string;
  open: number;
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
  overdue: number;
}

/** Per undissolved child org of a root: open files in its subtree, by stage, and their overdue deadlines. */
export function listChildOverview(q: Queryable, rootId: string, today: string, overdueKinds: readonly string[]) {
  return q.query<ChildOverviewRow>(sql`
      SELECT c.id AS org_id, c.name AS org_name,
        count(f.id)::int AS open,
        count(f.id) FILTER (WHERE f.stage = 1)::int AS s1, count(f.id) FILTER (WHERE f.stage = 2)::int AS s2, count(f.id) FILTER (WHERE f.stage = 3)::int AS s3,
        count(f.id) FILTER (WHERE f.stage = 4)::int AS s4, count(f.id) FILTER (WHERE f.stage = 5)::int AS s5,
        coalesce(sum((SELECT count(*) FROM dev_deadline d WHERE d.file_id = f.id AND d.due < ${today}::date AND d.kind = ANY(${overdueKinds}::text[]))), 0)::int AS overdue
      FROM org c LEFT JOIN org o ON o.path <@ c.path LEFT JOIN dev_file f ON f.org_id = o.id AND f.state = 'open'
      WHERE c.parent_id = ${rootId}::uuid AND c.dissolved_on IS NULL
      GROUP BY c.id, c.name ORDER BY c.name`);
}

export interface PlanRow {
  org_id: string;
  org_name: string;
  is_root: boolean;
  planned: number | null;
  admitted: number;
  converted: number;
  applicants: number;
  activists: number;
  candidates: number;
}

/** The development plan of a year vs actual, for a root org and each of its undissolved children (root first). */
export function listPlanRows(q: Queryable, root: OrgRef, year: number) {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  return q.query<PlanRow>(sql`
    WITH targets AS (
      SELECT c.id, c.name, c.path, false AS is_root FROM org c WHERE c.parent_id = ${root.id}::uuid AND c.dissolved_on IS NULL
      UNION ALL SELECT ${root.id}::uuid, ${root.name}, ${root.path}::ltree, true)
    SELECT t.id AS org_id, t.name AS org_name, t.is_root,
      (SELECT pl.planned FROM dev_plan pl WHERE pl.org_id = t.id AND pl.year = ${year}) AS planned,
      (SELECT count(*) FROM member_event e JOIN org o ON o.id = e.org_id WHERE e.reason = 'recruited' AND e.event_date BETWEEN ${from}::date AND ${to}::date AND o.path <@ t.path)::int AS admitted,
      (SELECT count(*) FROM member_event e JOIN org o ON o.id = e.org_id WHERE e.reason = 'converted' AND e.event_date BETWEEN ${from}::date AND ${to}::date AND o.path <@ t.path)::int AS converted,
      (SELECT count(*) FROM dev_file f JOIN person p ON p.id = f.person_id JOIN org o ON o.id = f.org_id WHERE f.state = 'open' AND p.status = 'applicant' AND o.path <@ t.path)::int AS applicants,
      (SELECT count(*) FROM dev_file f JOIN person p ON p.id = f.person_id JOIN org o ON o.id = f.org_id WHERE f.state = 'open' AND p.status = 'activist' AND o.path <@ t.path)::int AS activists,
      (SELECT count(*) FROM dev_file f JOIN person p ON p.id = f.person_id JOIN org o ON o.id = f.org_id WHERE f.state = 'open' AND p.status = 'candidate' AND o.path <@ t.path)::int AS candidates
    FROM targets t ORDER BY t.is_root DESC, t.name`);
}

/** An org's own planned number for a year (null: no plan set). */
export async function plannedFor(q: Queryable, orgId: string, year: number): Promise<number | null> {
  const [r] = await q.prepared<{ planned: number }>('dev_plan_of', sql`SELECT planned FROM dev_plan WHERE org_id = ${orgId}::uuid AND year = ${year}`);
  return r?.planned ?? null;
}

/** Sets (or replaces) an org's planned number for a year. */
export async function upsertPlan(q: Queryable, p: { orgId: string; year: number; planned: number; note: string | null; updatedBy: string }) {
  await q.exec(sql`INSERT INTO dev_plan (org_id, year, planned, note, updated_by) VALUES (${p.orgId}, ${p.year}, ${p.planned}, ${p.note}, ${p.updatedBy})
      ON CONFLICT (org_id, year) DO UPDATE SET planned = EXCLUDED.planned, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = now()`);
}

// ---------------------------------------------------------------------------
// The daily deadline job
// ---------------------------------------------------------------------------

/** Every open file with its org path and application date. */
export function listOpenFiles(q: Queryable) {
  return q.query<{ id: string; path: string; applied_on: string }>(sql`SELECT f.id, o.path::text AS path, f.applied_on FROM dev_file f JOIN org o ON o.id = f.org_id WHERE f.state = 'open'`);
}

export interface DueDeadlineRow {
  file_id: string;
  kind: DeadlineKind;
  due: string;
  person_name: string;
  org_id: string;
  org_name: string;
  path: string;
}

/** Deadlines of open files due on or before a horizon (reminder candidates). */
export function listDeadlinesDueBy(q: Queryable, horizon: string) {
  return q.query<DueDeadlineRow>(sql`
    SELECT d.file_id, d.kind, d.due, p.name AS person_name, o.id AS org_id, o.name AS org_name, o.path::text AS path
    FROM dev_deadline d JOIN dev_file f ON f.id = d.file_id JOIN person p ON p.id = f.person_id JOIN org o ON o.id = f.org_id
    WHERE f.state = 'open' AND d.due <= ${horizon}::date`);
}

/** Logs a development reminder once: true when this (file, period key) is new, false when it was already sent. */
export async function logReminderOnce(q: Queryable, fileId: string, periodKey: string): Promise<boolean> {
  const fresh = await q.maybeOne(sql`INSERT INTO reminder_log (kind, object_id, period_key) VALUES ('development', ${fileId}, ${periodKey})
        ON CONFLICT DO NOTHING RETURNING kind`);
  return !!fresh;
}

// the scope helpers' org lookups (platform/scope.ts), as this domain's services call them
export { findOrgInScope, topOrgInScope as findWidestOrgInScope, type OrgRef } from '../../platform/scope';

/** A file awaiting the superior committee's decision on a step (the "待我审批" queue). */
export interface PendingApprovalRow {
  file_id: string;
  person_id: string;
  person_name: string;
  org_id: string;
  org_name: string;
  step: 13 | 17 | 24;
  since: string;
  /** step 13: the end of the 公示 (from which the 预审 may be given); 17, 24: the date the approval is due */
  due: string | null;
  /** step 17: whether the superior's talk (step 16) is recorded */
  talked: boolean;
  /** step 24: the branch's conversion resolution of the round */
  outcome: 'convert' | 'extend' | 'cancel' | null;
  extension_months: number | null;
}

// Open files whose next superior step awaits: 预审 (13) once the 支委会审查 (12)
// is recorded, 审批 (17) once the 支部大会 (15) is, 转正审批 (24) for each
// conversion resolution (23) not yet approved. Read from the recorded steps, so
// a decision leaves the queue in its own transaction.
const PENDING_APPROVALS_FROM = sql`
  FROM dev_file f JOIN org o ON o.id = f.org_id JOIN person p ON p.id = f.person_id
  CROSS JOIN LATERAL (SELECT
      count(*) FILTER (WHERE s.step_no = 12) AS n12, count(*) FILTER (WHERE s.step_no = 13) AS n13,
      count(*) FILTER (WHERE s.step_no = 15) AS n15, count(*) FILTER (WHERE s.step_no = 16) AS n16, count(*) FILTER (WHERE s.step_no = 17) AS n17,
      count(*) FILTER (WHERE s.step_no = 23) AS n23, count(*) FILTER (WHERE s.step_no = 24) AS n24,
      max(s.step_date) FILTER (WHERE s.step_no = 12) AS d12, max(s.step_date) FILTER (WHERE s.step_no = 15) AS d15, max(s.step_date) FILTER (WHERE s.step_no = 23) AS d23
    FROM dev_step s WHERE s.file_id = f.id AND s.step_no IN (12, 13, 15, 16, 17, 23, 24)) c
  CROSS JOIN LATERAL (VALUES
      (13, c.n12 > 0 AND c.n13 = 0, c.d12, 'public_notice_end'),
      (17, c.n15 > 0 AND c.n17 = 0, c.d15, 'approval'),
      (24, c.n23 > c.n24, c.d23, 'conversion_approval')) v(step, pending, since, deadline_kind)`;
const pendingApprovalsWhere = (scopes: Sql[]) => and([sql`f.state = 'open' AND f.last_step >= 12 AND v.pending`, ...scopes]);

/** Files awaiting a superior step inside every scope condition on `o`, the oldest first, and their number. */
export async function listPendingApprovals(q: Queryable, scopes: Sql[], limit: number) {
  const [rows, total] = await Promise.all([
    q.query<PendingApprovalRow>(sql`SELECT f.id AS file_id, f.person_id, p.name AS person_name, o.id AS org_id, o.name AS org_name, v.step, to_char(v.since, 'YYYY-MM-DD') AS since,
        to_char(d.due, 'YYYY-MM-DD') AS due, c.n16 > 0 AS talked, dv.outcome, dv.extension_months
      ${PENDING_APPROVALS_FROM}
      LEFT JOIN dev_deadline d ON d.file_id = f.id AND d.kind = v.deadline_kind
      LEFT JOIN dev_vote dv ON v.step = 24 AND dv.file_id = f.id AND dv.kind = 'conversion' AND dv.round = c.n23
      WHERE ${pendingApprovalsWhere(scopes)}
      ORDER BY v.since, f.id, v.step LIMIT ${limit}`),
    q.one<{ n: number }>(sql`SELECT count(*)::int AS n ${PENDING_APPROVALS_FROM} WHERE ${pendingApprovalsWhere(scopes)}`),
  ]);
  return { rows, total: total.n };
}

/**
 * The 工作台's development deadlines, by kind: per kind the first `perKind`
 * (earliest due) with the kind's count and overdue count; the same conditions
 * as listDeadlines without an org filter.
 */
export function deadlinesByKind(q: Queryable, scope: Sql, orgPath: string | null, before: string, today: string, overdueKinds: readonly string[], informationalKinds: readonly string[], perKind: number) {
  const where = and([scope, orgPath ? sql`o.path <@ ${orgPath}::ltree` : sql`TRUE`, sql`f.state = 'open'`, sql`d.due <= ${before}::date`,
    sql`(d.kind <> ALL(${informationalKinds}::text[]) OR d.due >= ${today}::date - 30)`]);
  const isOverdue = sql`(d.due < ${today}::date AND d.kind = ANY(${overdueKinds}::text[]))`;
  return q.query<DeadlineRow & { n: number; overdue_n: number }>(sql`
    SELECT x.file_id, x.person_name, x.org_id, x.org_name, x.kind, x.due, x.extended_due, x.provisional, x.n, x.overdue_n FROM (
      SELECT d.file_id, p.name AS person_name, o.id AS org_id, o.name AS org_name, d.kind, d.due, d.extended_due, d.provisional,
        row_number() OVER (PARTITION BY d.kind ORDER BY d.due, d.file_id) AS rn,
        (count(*) OVER (PARTITION BY d.kind))::int AS n,
        (count(*) FILTER (WHERE ${isOverdue}) OVER (PARTITION BY d.kind))::int AS overdue_n
      FROM dev_deadline d JOIN dev_file f ON f.id = d.file_id JOIN person p ON p.id = f.person_id JOIN org o ON o.id = f.org_id
      WHERE ${where}) x
    WHERE x.rn <= ${perKind} ORDER BY x.kind, x.due, x.file_id`);
}

/** A probationary member's open file follows them to the branch that accepted their transfer (the file is the branch's to finish). */
export async function moveOpenFileOf(q: Queryable, personId: string, org: { id: string; region_key: string | null }): Promise<boolean> {
  return (await q.exec(sql`UPDATE dev_file SET org_id = ${org.id}::uuid, region_key = ${org.region_key}::uuid, updated_at = now(), version = version + 1
    WHERE person_id = ${personId}::uuid AND state = 'open'`)) > 0;
}

/** Open development files per org (the file's branch) and how many are past a deadline on a day (for the branch index). */
export function overdueFiles(q: Queryable, orgIds: readonly string[], day: string) {
  return q.query<{ org_id: string; open: number; overdue: number }>(sql`
    SELECT f.org_id, count(*)::int AS open,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM dev_deadline d WHERE d.file_id = f.id AND NOT d.provisional AND coalesce(d.extended_due, d.due) < ${day}::date))::int AS overdue
    FROM dev_file f WHERE f.org_id = ANY(${orgIds as string[]}::uuid[]) AND f.state = 'open' GROUP BY f.org_id`);
}

/**
 * The 培养教育考察 records (step 6) made in a date range, each with the
 * 培养联系人 appointed for the file at the time (the latest step 5 on or
 * before it) and where each contact belongs now — the facts of the points
 * item development.contact_duty.
 */
export function contactDuties(q: Queryable, from: string, to: string) {
  return q.query<{ step_id: string; step_date: string; person_id: string; org_id: string; org_path: string }>(sql`
    SELECT s.id::text AS step_id, s.step_date::text AS step_date, p.id AS person_id, p.org_id, o.path::text AS org_path
    FROM dev_step s
    JOIN LATERAL (SELECT c5.people FROM dev_step c5 WHERE c5.file_id = s.file_id AND c5.step_no = 5 AND c5.step_date <= s.step_date ORDER BY c5.step_date DESC, c5.id DESC LIMIT 1) k ON true
    CROSS JOIN LATERAL jsonb_to_recordset(coalesce(k.people->'contacts', '[]'::jsonb)) AS c(id uuid, name text)
    JOIN person p ON p.id = c.id AND p.is_current
    JOIN org o ON o.id = p.org_id
    WHERE s.step_no = 6 AND s.step_date BETWEEN ${from}::date AND ${to}::date`);
}
