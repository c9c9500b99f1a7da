import type { Queryable } from '../../platform/db';
import { and, raw, sql, type Sql } from '../../platform/sql';
import type { MeetingType } from '../../../contracts/meeting';

/** A timestamptz column as an ISO instant in UTC ('2026-12-10T06:00:00.000Z'), aliased to its own name. */
const ts = (col: string, alias = col.split('.').pop()!) => raw(`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${alias}`);

// Every SQL statement of the meeting domain. A meeting is seen through its org
// `o`: scope conditions are orgInScope(actor, permission) on that alias.

export interface MeetingRow {
  id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  org_type: string;
  type: MeetingType;
  status: 'planned' | 'held' | 'cancelled';
  title: string;
  planned_date: string;
  starts_at: string | null;
  ends_at: string | null;
  location: string | null;
  external_url: string | null;
  host_person_id: string | null;
  host_name: string | null;
  recorder_person_id: string | null;
  recorder_name: string | null;
  lecturer: string | null;
  topic: string | null;
  held_on: string | null;
  from_plan: boolean;
  notice_sent_at: string | null;
  cancelled_reason: string | null;
  signin_key: Buffer;
  version: number;
  attendees: number;
  present: number;
  on_leave: number;
  minutes_locked: boolean;
}

const COLUMNS = sql`m.id, m.org_id, o.name AS org_name, o.path::text AS org_path, o.type AS org_type, m.type, m.status, m.title,
  to_char(m.planned_date, 'YYYY-MM-DD') AS planned_date, ${ts('m.starts_at')}, ${ts('m.ends_at')}, m.location, m.external_url,
  m.host_person_id, m.host_name, m.recorder_person_id, m.recorder_name, m.lecturer, m.topic,
  to_char(m.held_on, 'YYYY-MM-DD') AS held_on, m.from_plan, ${ts('m.notice_sent_at')}, m.cancelled_reason, m.signin_key, m.version,
  (SELECT count(*)::int FROM meeting_attendee a WHERE a.meeting_id = m.id) AS attendees,
  (SELECT count(*)::int FROM meeting_attendee a WHERE a.meeting_id = m.id AND a.attendance = 'present') AS present,
  (SELECT count(*)::int FROM meeting_attendee a WHERE a.meeting_id = m.id AND a.leave_status = 'approved' AND a.attendance <> 'present') AS on_leave,
  EXISTS (SELECT 1 FROM meeting_minutes mm WHERE mm.meeting_id = m.id AND mm.locked_at IS NOT NULL) AS minutes_locked`;

/** One meeting in a scope condition on `o`; `forUpdate` locks the meeting row. */
export function findMeeting(q: Queryable, id: string, scope: Sql, forUpdate = false) {
  return q.maybeOne<MeetingRow>(sql`SELECT ${COLUMNS} FROM meeting m JOIN org o ON o.id = m.org_id
    WHERE m.id = ${id}::uuid AND ${scope} ${forUpdate ? raw('FOR UPDATE OF m') : raw('')}`);
}

export interface MeetingFilter {
  underPath: string | null;
  type?: MeetingType;
  status?: string;
  from?: string;
  to?: string;
  q?: string;
}

function filterOf(scope: Sql, f: MeetingFilter): Sql {
  const parts: Sql[] = [scope];
  if (f.underPath) parts.push(sql`o.path <@ ${f.underPath}::ltree`);
  if (f.type) parts.push(sql`m.type = ${f.type}`);
  if (f.status) parts.push(sql`m.status = ${f.status}`);
  // a held meeting is found by the day it was held
  if (f.from) parts.push(sql`COALESCE(m.held_on, m.planned_date) >= ${f.from}::date`);
  if (f.to) parts.push(sql`COALESCE(m.held_on, m.planned_date) <= ${f.to}::date`);
  if (f.q) parts.push(sql`(m.title ILIKE ${`%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`} OR o.name ILIKE ${`%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`})`);
  return and(parts);
}

export async function listMeetings(q: Queryable, scope: Sql, f: MeetingFilter, page: number, pageSize: number) {
  const where = filterOf(scope, f);
  const [rows, total] = await Promise.all([
    q.query<MeetingRow>(sql`SELECT ${COLUMNS} FROM meeting m JOIN org o ON o.id = m.org_id WHERE ${where}
      ORDER BY COALESCE(m.held_on, m.planned_date) DESC, m.starts_at DESC NULLS LAST, o.seq, m.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`),
    q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM meeting m JOIN org o ON o.id = m.org_id WHERE ${where}`),
  ]);
  return { rows, total: total.n };
}

export interface NewMeeting {
  orgId: string;
  type: MeetingType;
  status: 'planned' | 'held';
  title: string;
  plannedDate: string;
  startsAt: string | null;
  endsAt: string | null;
  location: string | null;
  externalUrl: string | null;
  hostPersonId: string | null;
  hostName: string | null;
  recorderPersonId: string | null;
  recorderName: string | null;
  lecturer: string | null;
  topic: string | null;
  heldOn: string | null;
  fromPlan: boolean;
  createdBy: string | null;
}

export async function insertMeeting(q: Queryable, m: NewMeeting): Promise<string> {
  const r = await q.one<{ id: string }>(sql`INSERT INTO meeting (org_id, type, status, title, planned_date, starts_at, ends_at, location, external_url,
      host_person_id, host_name, recorder_person_id, recorder_name, lecturer, topic, held_on, from_plan, created_by)
    VALUES (${m.orgId}::uuid, ${m.type}, ${m.status}, ${m.title}, ${m.plannedDate}::date, ${m.startsAt}::timestamptz, ${m.endsAt}::timestamptz, ${m.location}, ${m.externalUrl},
      ${m.hostPersonId}::uuid, ${m.hostName}, ${m.recorderPersonId}::uuid, ${m.recorderName}, ${m.lecturer}, ${m.topic}, ${m.heldOn}::date, ${m.fromPlan}, ${m.createdBy}::uuid)
    RETURNING id`);
  return r.id;
}

/** Planned meetings of a year's plan, in one statement per chunk. */
export async function insertPlannedMeetings(q: Queryable, rows: readonly { orgId: string; type: string; title: string; plannedDate: string }[], createdBy: string | null) {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await q.exec(sql`INSERT INTO meeting (org_id, type, status, title, planned_date, from_plan, created_by)
      SELECT t.org_id, t.type, 'planned', t.title, t.d, true, ${createdBy}::uuid
      FROM unnest(${chunk.map((r) => r.orgId)}::uuid[], ${chunk.map((r) => r.type)}::text[], ${chunk.map((r) => r.title)}::text[], ${chunk.map((r) => r.plannedDate)}::date[]) AS t(org_id, type, title, d)`);
  }
}

/** Updates the meeting's editable columns (null keeps nothing: every column is written). */
export function updateMeeting(q: Queryable, id: string, m: Omit<NewMeeting, 'orgId' | 'type' | 'status' | 'fromPlan' | 'createdBy' | 'heldOn'>) {
  return q.exec(sql`UPDATE meeting SET title = ${m.title}, planned_date = ${m.plannedDate}::date, starts_at = ${m.startsAt}::timestamptz, ends_at = ${m.endsAt}::timestamptz,
      location = ${m.location}, external_url = ${m.externalUrl}, host_person_id = ${m.hostPersonId}::uuid, host_name = ${m.hostName},
      recorder_person_id = ${m.recorderPersonId}::uuid, recorder_name = ${m.recorderName}, lecturer = ${m.lecturer}, topic = ${m.topic},
      updated_at = now(), version = version + 1
    WHERE id = ${id}::uuid`);
}

export function setMeetingStatus(q: Queryable, id: string, status: 'held' | 'cancelled', f: { heldOn?: string; reason?: string; ruleVersionId?: string | null }) {
  return q.exec(sql`UPDATE meeting SET status = ${status}, held_on = COALESCE(${f.heldOn ?? null}::date, held_on), cancelled_reason = ${f.reason ?? null},
      rule_version_id = COALESCE(${f.ruleVersionId ?? null}::uuid, rule_version_id), updated_at = now(), version = version + 1
    WHERE id = ${id}::uuid`);
}

export function markNoticeSent(q: Queryable, id: string) {
  return q.exec(sql`UPDATE meeting SET notice_sent_at = now(), updated_at = now(), version = version + 1 WHERE id = ${id}::uuid`);
}

// ---------------------------------------------------------------- attendees

export interface AttendeeRow {
  person_id: string;
  person_name: string;
  kind: 'member' | 'probationary' | 'visitor' | 'invited';
  can_vote: boolean;
  attendance: 'expected' | 'present' | 'absent';
  method: 'qr' | 'marked' | 'room' | null;
  signed_at: string | null;
  leave_status: 'requested' | 'approved' | 'rejected' | null;
  leave_reason: string | null;
  leave_note: string | null;
}

export function attendees(q: Queryable, meetingId: string) {
  return q.query<AttendeeRow>(sql`SELECT a.person_id, a.person_name, a.kind, a.can_vote, a.attendance, a.method, ${ts('a.signed_at')}, a.leave_status, a.leave_reason, a.leave_note
    FROM meeting_attendee a LEFT JOIN person p ON p.id = a.person_id
    WHERE a.meeting_id = ${meetingId}::uuid ORDER BY a.kind = 'visitor', a.kind = 'invited', p.name_pinyin, a.person_id`);
}

export function findAttendee(q: Queryable, meetingId: string, personId: string, forUpdate = false) {
  return q.maybeOne<AttendeeRow>(sql`SELECT person_id, person_name, kind, can_vote, attendance, method, ${ts('signed_at')}, leave_status, leave_reason, leave_note
    FROM meeting_attendee WHERE meeting_id = ${meetingId}::uuid AND person_id = ${personId}::uuid ${forUpdate ? raw('FOR UPDATE') : raw('')}`);
}

export interface ExpectedAttendee {
  person_id: string;
  person_name: string;
  kind: 'member' | 'probationary' | 'visitor' | 'invited';
  can_vote: boolean;
}

/**
 * The expected attendees from the registry: the org's members on the roll
 * (probationary members attend without a vote) and the mobile members
 * registered here for organisational life (no vote); a 支委会 expects the
 * current committee's members, a 党小组会 the group's members.
 */
export function expectedFromRegistry(q: Queryable, org: { id: string; type: string }, type: MeetingType) {
  if (type === 'committee_meeting') {
    return q.query<ExpectedAttendee>(sql`SELECT DISTINCT ON (p.id) p.id AS person_id, p.name AS person_name, 'invited' AS kind, true AS can_vote
      FROM org_committee c JOIN committee_post cp ON cp.committee_id = c.id JOIN person p ON p.id = cp.person_id AND p.is_current
      WHERE c.org_id = ${org.id}::uuid AND c.ended_on IS NULL ORDER BY p.id`);
  }
  if (org.type === 'party_group') {
    return q.query<ExpectedAttendee>(sql`SELECT p.id AS person_id, p.name AS person_name, CASE WHEN p.status = 'full' THEN 'member' ELSE 'probationary' END AS kind, p.status = 'full' AS can_vote
      FROM party_group_member g JOIN person p ON p.id = g.person_id AND p.is_current WHERE g.group_org_id = ${org.id}::uuid`);
  }
  return q.query<ExpectedAttendee>(sql`SELECT p.id AS person_id, p.name AS person_name, CASE WHEN p.status = 'full' THEN 'member' ELSE 'probationary' END AS kind, p.status = 'full' AS can_vote
      FROM person p WHERE p.org_id = ${org.id}::uuid AND p.is_current
    UNION ALL
    SELECT p.id, p.name, 'visitor', false FROM flow_certificate f JOIN person p ON p.id = f.person_id AND p.is_current
      WHERE f.host_org_id = ${org.id}::uuid AND f.status = 'registered' AND p.org_id IS DISTINCT FROM ${org.id}::uuid`);
}

/** Persons by id who are current members (for chosen attendees: 谈心谈话). */
export function currentPersons(q: Queryable, ids: readonly string[]) {
  return q.query<ExpectedAttendee & { org_path: string }>(sql`SELECT p.id AS person_id, p.name AS person_name, 'invited' AS kind, p.status = 'full' AS can_vote, o.path::text AS org_path
    FROM person p JOIN org o ON o.id = p.org_id WHERE p.id = ANY(${ids}::uuid[]) AND p.is_current`);
}

export async function insertAttendees(q: Queryable, meetingId: string, rows: readonly ExpectedAttendee[]) {
  if (!rows.length) return 0;
  return q.exec(sql`INSERT INTO meeting_attendee (meeting_id, person_id, person_name, kind, can_vote)
    SELECT ${meetingId}::uuid, t.p, t.n, t.k, t.v FROM unnest(${rows.map((r) => r.person_id)}::uuid[], ${rows.map((r) => r.person_name)}::text[], ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.can_vote)}::boolean[]) AS t(p, n, k, v)
    ON CONFLICT DO NOTHING`);
}

export function signIn(q: Queryable, meetingId: string, personId: string, method: 'qr' | 'room', at: Date) {
  return q.exec(sql`UPDATE meeting_attendee SET attendance = 'present', method = ${method}, signed_at = ${at.toISOString()}::timestamptz
    WHERE meeting_id = ${meetingId}::uuid AND person_id = ${personId}::uuid`);
}

export function markAttendance(q: Queryable, meetingId: string, marks: readonly { personId: string; attendance: string }[], by: string, at: Date) {
  return q.exec(sql`UPDATE meeting_attendee a SET attendance = t.att,
      method = CASE WHEN t.att = 'present' THEN COALESCE(a.method, 'marked') ELSE NULL END,
      signed_at = CASE WHEN t.att = 'present' THEN COALESCE(a.signed_at, ${at.toISOString()}::timestamptz) ELSE NULL END,
      marked_by = ${by}::uuid
    FROM unnest(${marks.map((m) => m.personId)}::uuid[], ${marks.map((m) => m.attendance)}::text[]) AS t(p, att)
    WHERE a.meeting_id = ${meetingId}::uuid AND a.person_id = t.p`);
}

export function requestLeave(q: Queryable, meetingId: string, personId: string, reason: string) {
  return q.exec(sql`UPDATE meeting_attendee SET leave_status = 'requested', leave_reason = ${reason}, leave_requested_at = now(), leave_decided_by = NULL, leave_decided_at = NULL, leave_note = NULL
    WHERE meeting_id = ${meetingId}::uuid AND person_id = ${personId}::uuid`);
}

export function decideLeave(q: Queryable, meetingId: string, personId: string, approve: boolean, note: string | null, by: string) {
  return q.exec(sql`UPDATE meeting_attendee SET leave_status = ${approve ? 'approved' : 'rejected'}, leave_note = ${note}, leave_decided_by = ${by}::uuid, leave_decided_at = now()
    WHERE meeting_id = ${meetingId}::uuid AND person_id = ${personId}::uuid`);
}

// ---------------------------------------------------------------- minutes

export interface MinutesRow {
  agenda: string;
  resolutions: string[];
  record: string;
  host_confirmed_at: string | null;
  recorder_confirmed_at: string | null;
  locked_at: string | null;
  version: number;
}

export function findMinutes(q: Queryable, meetingId: string, forUpdate = false) {
  return q.maybeOne<MinutesRow>(sql`SELECT agenda, resolutions, record, ${ts('host_confirmed_at')}, ${ts('recorder_confirmed_at')}, ${ts('locked_at')}, version
    FROM meeting_minutes WHERE meeting_id = ${meetingId}::uuid ${forUpdate ? raw('FOR UPDATE') : raw('')}`);
}

export function upsertMinutes(q: Queryable, meetingId: string, m: { agenda: string; resolutions: string[]; record: string }, by: string) {
  return q.exec(sql`INSERT INTO meeting_minutes (meeting_id, agenda, resolutions, record, updated_by)
    VALUES (${meetingId}::uuid, ${m.agenda}, ${JSON.stringify(m.resolutions)}::jsonb, ${m.record}, ${by}::uuid)
    ON CONFLICT (meeting_id) DO UPDATE SET agenda = EXCLUDED.agenda, resolutions = EXCLUDED.resolutions, record = EXCLUDED.record,
      updated_by = EXCLUDED.updated_by, updated_at = now(), version = meeting_minutes.version + 1,
      host_confirmed_at = NULL, host_confirmed_by = NULL, recorder_confirmed_at = NULL, recorder_confirmed_by = NULL`);
}

export function confirmMinutes(q: Queryable, meetingId: string, as: 'host' | 'recorder', by: string, at: Date, lock: boolean) {
  const set = as === 'host' ? sql`host_confirmed_by = ${by}::uuid, host_confirmed_at = ${at.toISOString()}::timestamptz` : sql`recorder_confirmed_by = ${by}::uuid, recorder_confirmed_at = ${at.toISOString()}::timestamptz`;
  return q.exec(sql`UPDATE meeting_minutes SET ${set}, locked_at = ${lock ? at.toISOString() : null}::timestamptz, version = version + 1 WHERE meeting_id = ${meetingId}::uuid`);
}

export function corrections(q: Queryable, meetingId: string) {
  return q.query<{ body: string; actor_name: string; recorded_at: string }>(sql`SELECT body, actor_name, ${ts('recorded_at')} FROM meeting_correction WHERE meeting_id = ${meetingId}::uuid ORDER BY id`);
}

export function insertCorrection(q: Queryable, meetingId: string, body: string, actorId: string, actorName: string) {
  return q.exec(sql`INSERT INTO meeting_correction (meeting_id, body, actor_id, actor_name) VALUES (${meetingId}::uuid, ${body}, ${actorId}::uuid, ${actorName})`);
}

export function meetingFiles(q: Queryable, meetingId: string) {
  return q.query<{ id: string; kind: 'photo' | 'document' | 'audio'; file_name: string; mime: string; size_bytes: string; created_at: string }>(sql`
    SELECT f.id, mf.kind, f.file_name, f.mime, f.size_bytes, ${ts('f.created_at')} FROM meeting_file mf JOIN stored_file f ON f.id = mf.file_id
    WHERE mf.meeting_id = ${meetingId}::uuid ORDER BY f.created_at, f.id`);
}

export function insertMeetingFile(q: Queryable, meetingId: string, fileId: string, kind: 'photo' | 'document' | 'audio') {
  return q.exec(sql`INSERT INTO meeting_file (meeting_id, file_id, kind) VALUES (${meetingId}::uuid, ${fileId}::uuid, ${kind})`);
}

/** A file of a meeting (the meeting's scope is checked by the caller). */
export function findMeetingFile(q: Queryable, meetingId: string, fileId: string) {
  return q.maybeOne<{ id: string; file_name: string; mime: string; storage_key: string }>(sql`SELECT f.id, f.file_name, f.mime, f.storage_key
    FROM meeting_file mf JOIN stored_file f ON f.id = mf.file_id WHERE mf.meeting_id = ${meetingId}::uuid AND mf.file_id = ${fileId}::uuid`);
}

// ---------------------------------------------------------------- member reviews

export function reviewsOf(q: Queryable, orgId: string, year: number) {
  return q.query<{ person_id: string; grade: string; note: string | null }>(sql`SELECT person_id, grade, note FROM member_review WHERE org_id = ${orgId}::uuid AND year = ${year}`);
}

export async function upsertReviews(q: Queryable, orgId: string, meetingId: string, year: number, grades: readonly { personId: string; grade: string; note: string | null }[], by: string) {
  await q.exec(sql`INSERT INTO member_review (person_id, year, org_id, meeting_id, grade, note, decided_by)
    SELECT t.p, ${year}, ${orgId}::uuid, ${meetingId}::uuid, t.g, t.n, ${by}::uuid
    FROM unnest(${grades.map((g) => g.personId)}::uuid[], ${grades.map((g) => g.grade)}::text[], ${grades.map((g) => g.note)}::text[]) AS t(p, g, n)
    ON CONFLICT (person_id, year) DO UPDATE SET grade = EXCLUDED.grade, note = EXCLUDED.note, org_id = EXCLUDED.org_id, meeting_id = EXCLUDED.meeting_id,
      decided_by = EXCLUDED.decided_by, recorded_at = now()`);
}

// ---------------------------------------------------------------- plans

/** Orgs of a subtree that may hold meetings, with whether they have a current committee. */
export function orgsForPlan(q: Queryable, path: string) {
  return q.query<{ id: string; type: string; name: string; path: string; has_committee: boolean }>(sql`SELECT o.id, o.type, o.name, o.path::text AS path,
      EXISTS (SELECT 1 FROM org_committee c WHERE c.org_id = o.id AND c.ended_on IS NULL) AS has_committee
    FROM org o WHERE o.path <@ ${path}::ltree AND o.dissolved_on IS NULL AND o.type <> 'committee' AND o.type <> 'working_committee'`);
}

/** The meetings of a year in a subtree that fill plan slots (planned or held, by org, type and planned month). */
export function meetingsOfYear(q: Queryable, path: string, year: number) {
  return q.query<{ org_id: string; type: string; d: string }>(sql`SELECT m.org_id, m.type, to_char(COALESCE(m.held_on, m.planned_date), 'YYYY-MM-DD') AS d
    FROM meeting m JOIN org o ON o.id = m.org_id
    WHERE o.path <@ ${path}::ltree AND m.status <> 'cancelled' AND COALESCE(m.held_on, m.planned_date) BETWEEN ${`${year}-01-01`}::date AND ${`${year}-12-31`}::date`);
}

// ---------------------------------------------------------------- rollups

export interface RollupDelta {
  held?: number;
  expected?: number;
  present?: number;
  onLeave?: number;
  minutesDone?: number;
}

/** Adds deltas to the meeting rollups of an org and all its ancestors, in path order. */
export function addToRollup(q: Queryable, orgPath: string, month: string, type: string, d: RollupDelta) {
  return q.exec(sql`INSERT INTO meeting_rollup (org_id, month, type, held, expected, present, on_leave, minutes_done)
    SELECT a.id, ${`${month}-01`}::date, ${type}, ${d.held ?? 0}, ${d.expected ?? 0}, ${d.present ?? 0}, ${d.onLeave ?? 0}, ${d.minutesDone ?? 0}
    FROM org a WHERE a.path @> ${orgPath}::ltree ORDER BY a.path
    ON CONFLICT (org_id, month, type) DO UPDATE SET held = meeting_rollup.held + EXCLUDED.held, expected = meeting_rollup.expected + EXCLUDED.expected,
      present = meeting_rollup.present + EXCLUDED.present, on_leave = meeting_rollup.on_leave + EXCLUDED.on_leave, minutes_done = meeting_rollup.minutes_done + EXCLUDED.minutes_done`);
}

/** Adds one met obligation to an org and its ancestors for a period and type. */
export function addCompliance(q: Queryable, orgPath: string, period: string, type: string) {
  return q.exec(sql`INSERT INTO meeting_compliance (org_id, period, type, met)
    SELECT a.id, ${period}, ${type}, 1 FROM org a WHERE a.path @> ${orgPath}::ltree ORDER BY a.path
    ON CONFLICT (org_id, period, type) DO UPDATE SET met = meeting_compliance.met + 1`);
}

/** Serialises the held count of one org, type and period (two meetings held at once count once each). */
export function lockOrgPeriod(q: Queryable, orgId: string, type: string, period: string) {
  return q.exec(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`meeting:${orgId}:${type}:${period}`}, 0))`);
}

/** Meetings of one org and type held between two dates. */
export async function heldCount(q: Queryable, orgId: string, type: string, from: string, to: string) {
  const r = await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM meeting WHERE org_id = ${orgId}::uuid AND type = ${type} AND status = 'held' AND held_on BETWEEN ${from}::date AND ${to}::date`);
  return r.n;
}

/** Whether an org has a current committee (a 支委会 is required of it). */
export async function hasCommittee(q: Queryable, orgId: string) {
  const r = await q.one<{ b: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM org_committee WHERE org_id = ${orgId}::uuid AND ended_on IS NULL) AS b`);
  return r.b;
}

/** Rollup sums of an org per type over months. */
export function rollupSums(q: Queryable, orgId: string, from: string, to: string) {
  return q.prepared<{ type: string; held: number; expected: number; present: number; on_leave: number; minutes_done: number }>('meeting_rollup_sums', sql`
    SELECT type, sum(held)::int AS held, sum(expected)::int AS expected, sum(present)::int AS present, sum(on_leave)::int AS on_leave, sum(minutes_done)::int AS minutes_done
    FROM meeting_rollup WHERE org_id = ${orgId}::uuid AND month BETWEEN ${from}::date AND ${to}::date GROUP BY type`);
}

/** Met obligations of an org per type over period keys. */
export function complianceSums(q: Queryable, orgId: string, periods: readonly string[]) {
  return q.query<{ type: string; period: string; met: number }>(sql`SELECT type, period, met FROM meeting_compliance WHERE org_id = ${orgId}::uuid AND period = ANY(${periods}::text[])`);
}

/** Orgs of a subtree by org type and committee, counted per direct child of the root (the root itself under its own id). */
export function obligatedCounts(q: Queryable, root: { id: string; path: string }) {
  return q.query<{ child_id: string; type: string; has_committee: boolean; n: number }>(sql`
    SELECT COALESCE(c.id, ${root.id}::uuid) AS child_id, o.type, (oc.org_id IS NOT NULL) AS has_committee, count(*)::int AS n
    FROM org o
    LEFT JOIN org c ON nlevel(o.path) > nlevel(${root.path}::ltree) AND c.path = subpath(o.path, 0, nlevel(${root.path}::ltree) + 1)
    LEFT JOIN org_committee oc ON oc.org_id = o.id AND oc.ended_on IS NULL
    WHERE o.path <@ ${root.path}::ltree AND o.dissolved_on IS NULL
    GROUP BY 1, 2, 3`);
}

/** The direct children of an org with their rollups over months and their met obligations over periods. */
export function childFigures(q: Queryable, orgId: string, from: string, to: string, periods: readonly string[]) {
  return q.query<{ id: string; name: string; type: string; held: number; expected: number; present: number; met: number }>(sql`
    SELECT c.id, c.name, c.type,
      COALESCE((SELECT sum(r.held) FROM meeting_rollup r WHERE r.org_id = c.id AND r.month BETWEEN ${from}::date AND ${to}::date), 0)::int AS held,
      COALESCE((SELECT sum(r.expected) FROM meeting_rollup r WHERE r.org_id = c.id AND r.month BETWEEN ${from}::date AND ${to}::date), 0)::int AS expected,
      COALESCE((SELECT sum(r.present) FROM meeting_rollup r WHERE r.org_id = c.id AND r.month BETWEEN ${from}::date AND ${to}::date), 0)::int AS present,
      COALESCE((SELECT sum(mc.met) FROM meeting_compliance mc WHERE mc.org_id = c.id AND mc.period = ANY(${periods}::text[])), 0)::int AS met
    FROM org c WHERE c.parent_id = ${orgId}::uuid AND c.dissolved_on IS NULL ORDER BY c.seq`);
}

/** Recomputes both rollup tables from the meetings and the met obligations computed from them (repair, bulk loads, the reference the deltas are tested against). */
export async function rebuildRollups(q: Queryable, met: readonly { orgId: string; period: string; type: string }[]) {
  await q.exec(sql`DELETE FROM meeting_rollup`);
  await q.exec(sql`DELETE FROM meeting_compliance`);
  await q.exec(sql`INSERT INTO meeting_rollup (org_id, month, type, held, expected, present, on_leave, minutes_done)
    SELECT a.id, f.month, f.type, sum(f.held), sum(f.expected), sum(f.present), sum(f.on_leave), sum(f.minutes_done)
    FROM (${rawFacts()}) f JOIN org o ON o.id = f.org_id JOIN org a ON a.path @> o.path
    GROUP BY a.id, f.month, f.type`);
  await q.exec(sql`INSERT INTO meeting_compliance (org_id, period, type, met)
    SELECT a.id, k.period, k.type, count(*) FROM unnest(${met.map((m) => m.orgId)}::uuid[], ${met.map((m) => m.period)}::text[], ${met.map((m) => m.type)}::text[]) AS k(org_id, period, type)
      JOIN org o ON o.id = k.org_id JOIN org a ON a.path @> o.path
    GROUP BY a.id, k.period, k.type`);
}

/** Per own org, month and type: the facts the rollups sum (one row per org, month, type). */
export function rawFacts(): Sql {
  return sql`SELECT m.org_id, date_trunc('month', m.held_on)::date AS month, m.type, count(*)::int AS held,
      COALESCE(sum(x.expected) FILTER (WHERE mm.locked_at IS NOT NULL), 0)::int AS expected,
      COALESCE(sum(x.present) FILTER (WHERE mm.locked_at IS NOT NULL), 0)::int AS present,
      COALESCE(sum(x.on_leave) FILTER (WHERE mm.locked_at IS NOT NULL), 0)::int AS on_leave,
      count(mm.locked_at)::int AS minutes_done
    FROM meeting m
    LEFT JOIN meeting_minutes mm ON mm.meeting_id = m.id
    LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE a.leave_status IS DISTINCT FROM 'approved' OR a.attendance = 'present') AS expected,
        count(*) FILTER (WHERE a.attendance = 'present') AS present,
        count(*) FILTER (WHERE a.leave_status = 'approved' AND a.attendance <> 'present') AS on_leave
      FROM meeting_attendee a WHERE a.meeting_id = m.id) x ON true
    WHERE m.status = 'held'
    GROUP BY m.org_id, date_trunc('month', m.held_on), m.type`;
}

/** Held meetings per own org and type with their dates (the compliance rebuild counts them against the cadence). */
export function heldMeetings(q: Queryable) {
  return q.query<{ org_id: string; org_type: string; has_committee: boolean; type: string; held_on: string }>(sql`SELECT m.org_id, o.type AS org_type,
      EXISTS (SELECT 1 FROM org_committee c WHERE c.org_id = o.id AND c.ended_on IS NULL) AS has_committee, m.type, to_char(m.held_on, 'YYYY-MM-DD') AS held_on
    FROM meeting m JOIN org o ON o.id = m.org_id WHERE m.status = 'held'`);
}

/** Stored rollups compared with the raw recomputation: the rows that differ. */
export function rollupDifferences(q: Queryable) {
  return q.query<{ org_id: string; month: string; type: string }>(sql`
    WITH raw AS (SELECT a.id AS org_id, f.month, f.type, sum(f.held)::int AS held, sum(f.expected)::int AS expected, sum(f.present)::int AS present, sum(f.on_leave)::int AS on_leave, sum(f.minutes_done)::int AS minutes_done
      FROM (${rawFacts()}) f JOIN org o ON o.id = f.org_id JOIN org a ON a.path @> o.path GROUP BY a.id, f.month, f.type),
    stored AS (SELECT org_id, month, type, held, expected, present, on_leave, minutes_done FROM meeting_rollup WHERE held + expected + present + on_leave + minutes_done > 0)
    SELECT COALESCE(r.org_id, s.org_id) AS org_id, to_char(COALESCE(r.month, s.month), 'YYYY-MM') AS month, COALESCE(r.type, s.type) AS type
    FROM raw r FULL JOIN stored s ON s.org_id = r.org_id AND s.month = r.month AND s.type = r.type
    WHERE r IS DISTINCT FROM s`);
}

export function storedCompliance(q: Queryable) {
  return q.query<{ org_id: string; period: string; type: string; met: number }>(sql`SELECT org_id, period, type, met FROM meeting_compliance WHERE met > 0`);
}

export function orgPathsOf(q: Queryable, ids: readonly string[]) {
  return q.query<{ id: string; path: string }>(sql`SELECT id, path::text AS path FROM org WHERE id = ANY(${ids}::uuid[])`);
}

// ---------------------------------------------------------------- member side

/** The meetings a person is expected at, by date window. */
export function meetingsOfPerson(q: Queryable, personId: string, from: string, to: string, limit: number) {
  return q.query<MeetingRow & { my_attendance: 'expected' | 'present' | 'absent'; my_leave: 'requested' | 'approved' | 'rejected' | null }>(sql`
    SELECT ${COLUMNS}, a.attendance AS my_attendance, a.leave_status AS my_leave
    FROM meeting_attendee a JOIN meeting m ON m.id = a.meeting_id JOIN org o ON o.id = m.org_id
    WHERE a.person_id = ${personId}::uuid AND m.planned_date BETWEEN ${from}::date AND ${to}::date AND m.status <> 'cancelled'
    ORDER BY m.planned_date, m.starts_at NULLS LAST, m.id LIMIT ${limit}`);
}

/** Planned meetings of the member's own org (and its party group), not yet materialised with attendees. */
export function plannedForOrgs(q: Queryable, orgIds: readonly string[], from: string, to: string) {
  return q.query<MeetingRow>(sql`SELECT ${COLUMNS} FROM meeting m JOIN org o ON o.id = m.org_id
    WHERE m.org_id = ANY(${orgIds}::uuid[]) AND m.status = 'planned' AND m.planned_date BETWEEN ${from}::date AND ${to}::date
      AND NOT EXISTS (SELECT 1 FROM meeting_attendee a WHERE a.meeting_id = m.id)
      AND m.type <> 'committee_meeting' ORDER BY m.planned_date LIMIT 50`);
}

export function personOrgs(q: Queryable, personId: string) {
  return q.query<{ org_id: string }>(sql`SELECT p.org_id FROM person p WHERE p.id = ${personId}::uuid AND p.is_current AND p.org_id IS NOT NULL
    UNION SELECT g.group_org_id FROM party_group_member g WHERE g.person_id = ${personId}::uuid`);
}

// ---------------------------------------------------------------- calendar feed

export function feedOf(q: Queryable, accountId: string) {
  return q.maybeOne<{ token_enc: Buffer; created_at: string }>(sql`SELECT token_enc, created_at FROM calendar_feed WHERE account_id = ${accountId}::uuid`);
}
export function setFeed(q: Queryable, accountId: string, tokenHash: Buffer, tokenEnc: Buffer) {
  return q.exec(sql`INSERT INTO calendar_feed (account_id, token_hash, token_enc) VALUES (${accountId}::uuid, ${tokenHash}, ${tokenEnc})
    ON CONFLICT (account_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, token_enc = EXCLUDED.token_enc, created_at = now()`);
}
export function removeFeed(q: Queryable, accountId: string) {
  return q.exec(sql`DELETE FROM calendar_feed WHERE account_id = ${accountId}::uuid`);
}
/** The account and person of a feed token (public route: the token is the credential). */
export function accountOfFeed(q: Queryable, tokenHash: Buffer) {
  return q.maybeOne<{ account_id: string; person_id: string | null; is_disabled: boolean }>(sql`SELECT a.id AS account_id, a.person_id, a.is_disabled
    FROM calendar_feed f JOIN account a ON a.id = f.account_id WHERE f.token_hash = ${tokenHash}`);
}

// ---------------------------------------------------------------- helpers of the use-cases

/** An org that may hold a meeting, in a scope condition on `o`. */
export function findOrgForMeeting(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; name: string; path: string; type: string; dissolved: boolean }>(sql`SELECT o.id, o.name, o.path::text AS path, o.type, o.dissolved_on IS NOT NULL AS dissolved
    FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

export function orgTypeOf(q: Queryable, orgId: string) {
  return q.one<{ type: string }>(sql`SELECT type FROM org WHERE id = ${orgId}::uuid`);
}

export function orgRef(q: Queryable, orgId: string) {
  return q.one<{ id: string; path: string }>(sql`SELECT id, path::text AS path FROM org WHERE id = ${orgId}::uuid`);
}

export function allOrgPaths(q: Queryable) {
  return q.query<{ id: string; path: string }>(sql`SELECT id, path::text AS path FROM org`);
}

/** The enabled accounts of a person (notices go to each). */
export function accountsOfPerson(q: Queryable, personId: string) {
  return q.query<{ id: string }>(sql`SELECT id FROM account WHERE person_id = ${personId}::uuid AND NOT is_disabled`);
}

/** The attendees of a meeting with their encrypted phone numbers (the SMS notice). */
export function attendeePhones(q: Queryable, meetingId: string) {
  return q.query<{ person_id: string; phone_enc: Buffer | null }>(sql`SELECT a.person_id, p.phone_enc FROM meeting_attendee a JOIN person p ON p.id = a.person_id WHERE a.meeting_id = ${meetingId}::uuid`);
}

/** One plan run per subtree at a time. */
export function lockPlan(q: Queryable, rootId: string) {
  return q.exec(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`meeting-plan:${rootId}`}, 0))`);
}

/** Records a reminder once; true when this call recorded it. */
export async function logReminder(q: Queryable, kind: string, objectId: string, periodKey: string): Promise<boolean> {
  return (await q.exec(sql`INSERT INTO reminder_log (kind, object_id, period_key) VALUES (${kind}, ${objectId}::uuid, ${periodKey}) ON CONFLICT DO NOTHING`)) > 0;
}

/**
 * Orgs bound by a type's cadence (org types, a current committee where asked)
 * that held fewer than the required meetings of their own in [from, to], in a
 * scope condition on `o` and optionally under a path; with the total count.
 */
export function behindInPeriod(q: Queryable, c: { orgTypes: string[]; withCommittee?: boolean; min: number }, type: string, from: string, to: string, scope: Sql, underPath: string | null, limit: number | null) {
  const committee = c.withCommittee ? sql`AND EXISTS (SELECT 1 FROM org_committee oc WHERE oc.org_id = o.id AND oc.ended_on IS NULL)` : sql``;
  const under = underPath ? sql`AND o.path <@ ${underPath}::ltree` : sql``;
  return q.query<{ id: string; name: string; path: string; parent_id: string | null; held: number; total: number }>(sql`
    SELECT o.id, o.name, o.path::text AS path, o.parent_id, x.held, count(*) OVER ()::int AS total
    FROM org o CROSS JOIN LATERAL (SELECT count(*)::int AS held FROM meeting m WHERE m.org_id = o.id AND m.type = ${type} AND m.status = 'held' AND m.held_on BETWEEN ${from}::date AND ${to}::date) x
    WHERE o.type = ANY(${c.orgTypes}::text[]) AND o.dissolved_on IS NULL AND (o.setup_date IS NULL OR o.setup_date <= ${from}::date) ${committee} ${under} AND ${scope} AND x.held < ${c.min}
    ORDER BY o.seq ${limit === null ? sql`` : sql`LIMIT ${limit}`}`);
}

/** Leave requests waiting for a decision, in a scope condition on `o`, with the total count. */
export function pendingLeave(q: Queryable, scope: Sql, underPath: string | null, limit: number) {
  return q.query<{ meeting_id: string; title: string; org_name: string; person_name: string; total: number }>(sql`
    SELECT m.id AS meeting_id, m.title, o.name AS org_name, a.person_name, count(*) OVER ()::int AS total
    FROM meeting_attendee a JOIN meeting m ON m.id = a.meeting_id JOIN org o ON o.id = m.org_id
    WHERE a.leave_status = 'requested' AND m.status <> 'cancelled' AND ${scope} ${underPath ? sql`AND o.path <@ ${underPath}::ltree` : sql``}
    ORDER BY m.planned_date, m.id LIMIT ${limit}`);
}

/** Holds off rollup writers while the rollups are rebuilt. */
export function lockRollups(q: Queryable) {
  return q.exec(sql`LOCK TABLE meeting_rollup, meeting_compliance IN EXCLUSIVE MODE`);
}

// ---------------------------------------------------------------- files and transcripts

export function insertStoredFile(q: Queryable, f: { ownerId: string; orgId: string; fileName: string; mime: string; sizeBytes: number; sha256: string; storageKey: string; createdBy: string }) {
  return q.one<{ id: string }>(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key, created_by)
    VALUES ('meeting', ${f.ownerId}::uuid, ${f.orgId}::uuid, ${f.fileName}, ${f.mime}, ${f.sizeBytes}, ${f.sha256}, ${f.storageKey}, ${f.createdBy}::uuid) RETURNING id`);
}

export async function insertTranscript(q: Queryable, meetingId: string, fileId: string, engine: string, by: string) {
  return (await q.one<{ id: string }>(sql`INSERT INTO meeting_transcript (meeting_id, file_id, status, engine, created_by) VALUES (${meetingId}::uuid, ${fileId}::uuid, 'queued', ${engine}, ${by}::uuid) RETURNING id`)).id;
}
export function setTranscriptJob(q: Queryable, id: string, jobId: string) {
  return q.exec(sql`UPDATE meeting_transcript SET job_id = ${jobId}::uuid WHERE id = ${id}::uuid`);
}
export function findTranscript(q: Queryable, id: string) {
  return q.maybeOne<{ id: string; meeting_id: string; status: string; storage_key: string }>(sql`SELECT t.id, t.meeting_id, t.status, f.storage_key
    FROM meeting_transcript t JOIN stored_file f ON f.id = t.file_id WHERE t.id = ${id}::uuid`);
}
export function transcriptRunning(q: Queryable, id: string) {
  return q.exec(sql`UPDATE meeting_transcript SET status = 'running', progress = 0, error_code = NULL, error_message = NULL WHERE id = ${id}::uuid`);
}
export function transcriptProgress(q: Queryable, id: string, progress: number) {
  return q.exec(sql`UPDATE meeting_transcript SET progress = ${progress} WHERE id = ${id}::uuid AND status = 'running'`);
}
export function transcriptDone(q: Queryable, id: string, durationMs: number, segments: readonly { startMs: number; endMs: number; text: string }[]) {
  return q.exec(sql`UPDATE meeting_transcript SET status = 'done', progress = 100, duration_ms = ${durationMs}, segments = ${JSON.stringify(segments)}::jsonb, version = version + 1 WHERE id = ${id}::uuid`);
}
export function transcriptFailed(q: Queryable, id: string, code: string, message: string) {
  return q.exec(sql`UPDATE meeting_transcript SET status = 'failed', error_code = ${code}, error_message = ${message}, version = version + 1 WHERE id = ${id}::uuid`);
}
export function saveTranscript(q: Queryable, id: string, segments: readonly { startMs: number; endMs: number; text: string }[], by: string) {
  return q.exec(sql`UPDATE meeting_transcript SET segments = ${JSON.stringify(segments)}::jsonb, edited_by = ${by}::uuid, edited_at = now(), version = version + 1 WHERE id = ${id}::uuid`);
}
export interface TranscriptRow {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  duration_ms: number | null;
  segments: { startMs: number; endMs: number; text: string }[];
  error_code: string | null;
  error_message: string | null;
  file_name: string;
  edited_at: string | null;
  created_at: string;
  version: number;
}
/** The meeting's latest recording and its transcript. */
export function latestTranscript(q: Queryable, meetingId: string) {
  return q.maybeOne<TranscriptRow>(sql`SELECT t.id, t.status, t.progress, t.duration_ms, t.segments, t.error_code, t.error_message, f.file_name,
      ${ts('t.edited_at')}, ${ts('t.created_at')}, t.version
    FROM meeting_transcript t JOIN stored_file f ON f.id = t.file_id WHERE t.meeting_id = ${meetingId}::uuid ORDER BY t.created_at DESC, t.id DESC LIMIT 1`);
}

/** The latest minutes' texts (the keyword corpus), in a scope condition on `o`. */
export function latestRecords(q: Queryable, scope: Sql, limit: number) {
  return q.query<{ agenda: string; record: string }>(sql`SELECT mm.agenda, mm.record FROM meeting_minutes mm JOIN meeting m ON m.id = mm.meeting_id JOIN org o ON o.id = m.org_id
    WHERE ${scope} AND length(mm.record) > 0 ORDER BY mm.updated_at DESC LIMIT ${limit}`);
}

/** One org's own figures per type over months (not its subtree's): for a caller who sees the org alone. */
export function ownSums(q: Queryable, orgId: string, from: string, to: string) {
  return q.query<{ type: string; held: number; expected: number; present: number; on_leave: number; minutes_done: number }>(sql`
    SELECT f.type, sum(f.held)::int AS held, sum(f.expected)::int AS expected, sum(f.present)::int AS present, sum(f.on_leave)::int AS on_leave, sum(f.minutes_done)::int AS minutes_done
    FROM (${rawFacts()}) f WHERE f.org_id = ${orgId}::uuid AND f.month BETWEEN ${from}::date AND ${to}::date GROUP BY f.type`);
}

/** One org's own held meetings per type in [from, to] with their dates. */
export function ownHeld(q: Queryable, orgId: string, from: string, to: string) {
  return q.query<{ type: string; held_on: string }>(sql`SELECT type, to_char(held_on, 'YYYY-MM-DD') AS held_on FROM meeting
    WHERE org_id = ${orgId}::uuid AND status = 'held' AND held_on BETWEEN ${from}::date AND ${to}::date`);
}

/** People present at meetings held in [from, to] whose minutes are locked (attendance final): the facts behind the meeting points items. */
export function presentAtLockedMeetings(q: Queryable, from: string, to: string) {
  return q.query<{ meeting_id: string; type: MeetingType; person_id: string; org_id: string; org_path: string; held_on: string }>(sql`
    SELECT m.id AS meeting_id, m.type, a.person_id, m.org_id, o.path::text AS org_path, to_char(m.held_on, 'YYYY-MM-DD') AS held_on
    FROM meeting m JOIN meeting_minutes mm ON mm.meeting_id = m.id AND mm.locked_at IS NOT NULL
    JOIN meeting_attendee a ON a.meeting_id = m.id AND a.attendance = 'present'
    JOIN org o ON o.id = m.org_id
    WHERE m.status = 'held' AND m.held_on BETWEEN ${from}::date AND ${to}::date`);
}

// -- the branch index's figures (issue 14), for many orgs at once, from the rollups

/** Met cadence obligations per org, type and period key (meeting_compliance, the org with its subtree). */
export function metOf(q: Queryable, orgIds: readonly string[], periods: readonly string[]) {
  return q.query<{ org_id: string; period: string; type: string; met: number }>(sql`
    SELECT org_id, period, type, met FROM meeting_compliance WHERE org_id = ANY(${orgIds as string[]}::uuid[]) AND period = ANY(${periods as string[]}::text[]) AND met > 0`);
}

/** Rollup sums per org over the months [fromMonth, toMonth] (first days), every meeting type together. */
export function rollupTotals(q: Queryable, orgIds: readonly string[], fromMonth: string, toMonth: string) {
  return q.query<{ org_id: string; held: number; expected: number; present: number; on_leave: number; minutes_done: number }>(sql`
    SELECT org_id, sum(held)::int AS held, sum(expected)::int AS expected, sum(present)::int AS present, sum(on_leave)::int AS on_leave, sum(minutes_done)::int AS minutes_done
    FROM meeting_rollup WHERE org_id = ANY(${orgIds as string[]}::uuid[]) AND month BETWEEN ${fromMonth}::date AND ${toMonth}::date GROUP BY org_id`);
}

/** The last month (first day) with a meeting held by each org or its subtree, up to a month. */
export function lastHeldMonth(q: Queryable, orgIds: readonly string[], toMonth: string) {
  return q.query<{ org_id: string; month: string }>(sql`
    SELECT org_id, max(month)::text AS month FROM meeting_rollup WHERE org_id = ANY(${orgIds as string[]}::uuid[]) AND month <= ${toMonth}::date AND held > 0 AND type <> 'heart_talk' GROUP BY org_id`);
}
