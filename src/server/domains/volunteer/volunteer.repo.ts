import type { Queryable } from '../../platform/db';
import { sql, type Sql } from '../../platform/sql';

// Every SQL statement of volunteer service (志愿服务). An activity is seen
// from its organiser org (alias `o`): scope conditions come from orgInScope
// on it. A volunteer sees the activities whose audience subtree (alias `ao`)
// holds their organisation (a member's branch, a resident's community).

export interface ActivityRow {
  id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  audience_org_id: string;
  audience_org_name: string;
  title: string;
  description: string;
  place: string;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  signed_up: number;
  attested: number;
  attested_minutes: number;
  skills: string[];
  status: 'open' | 'cancelled';
  cancel_reason: string | null;
  version: number;
  /** set on a club's activity (社团活动): open to the club's members, never volunteer service hours */
  club_id: string | null;
}

const COLUMNS = sql`a.id, a.org_id, o.name AS org_name, o.path::text AS org_path, a.audience_org_id, ao.name AS audience_org_name, a.title, a.description, a.place,
  a.starts_at, a.ends_at, a.capacity, a.signed_up, a.attested, a.attested_minutes, a.skills, a.status, a.cancel_reason, a.version, a.club_id`;
const FROM = sql`FROM volunteer_activity a JOIN org o ON o.id = a.org_id JOIN org ao ON ao.id = a.audience_org_id`;

export function orgOf(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; name: string; path: string; region_key: string | null; dissolved_on: string | null }>(sql`
    SELECT o.id, o.name, o.path::text AS path, o.region_key, to_char(o.dissolved_on, 'YYYY-MM-DD') AS dissolved_on FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

export async function insertActivity(q: Queryable, v: { orgId: string; audienceOrgId: string; title: string; description: string; place: string; startsAt: string; endsAt: string; capacity: number; skills: string[]; regionKey: string | null; createdBy: string | null; clubId?: string; at?: string }): Promise<string> {
  return (await q.one<{ id: string }>(sql`INSERT INTO volunteer_activity (org_id, audience_org_id, title, description, place, starts_at, ends_at, capacity, skills, region_key, created_by, club_id, created_at, updated_at)
    VALUES (${v.orgId}::uuid, ${v.audienceOrgId}::uuid, ${v.title}, ${v.description}, ${v.place}, ${v.startsAt}::timestamptz, ${v.endsAt}::timestamptz, ${v.capacity}, ${v.skills}::text[],
      ${v.regionKey}::uuid, ${v.createdBy}::uuid, ${v.clubId ?? null}::uuid, coalesce(${v.at ?? null}::timestamptz, now()), coalesce(${v.at ?? null}::timestamptz, now())) RETURNING id`)).id;
}

/** One activity inside a scope condition on `o`; locked when asked. */
export function findActivity(q: Queryable, id: string, scope: Sql, lock = false) {
  return q.maybeOne<ActivityRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE a.id = ${id}::uuid AND ${scope} ${lock ? sql`FOR NO KEY UPDATE OF a` : sql``}`);
}

export async function listActivities(q: Queryable, scope: Sql, f: { orgPath?: string; status?: string; when?: 'upcoming' | 'past'; now: Date }, page: number, pageSize: number) {
  const where = sql`${scope} AND a.club_id IS NULL AND (${f.orgPath ?? null}::ltree IS NULL OR o.path <@ ${f.orgPath ?? null}::ltree) AND (${f.status ?? null}::text IS NULL OR a.status = ${f.status ?? null})
    ${f.when === 'upcoming' ? sql`AND a.ends_at > ${f.now.toISOString()}::timestamptz` : f.when === 'past' ? sql`AND a.ends_at <= ${f.now.toISOString()}::timestamptz` : sql``}`;
  const order = f.when === 'upcoming' ? sql`a.starts_at, a.id` : sql`a.starts_at DESC, a.id`;
  const [rows, total] = await Promise.all([
    q.query<ActivityRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE ${where} ORDER BY ${order} LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`),
    q.one<{ n: string }>(sql`SELECT count(*) AS n ${FROM} WHERE ${where}`),
  ]);
  return { rows, total: Number(total.n) };
}

export async function cancelActivity(q: Queryable, id: string, reason: string): Promise<void> {
  await q.exec(sql`UPDATE volunteer_activity SET status = 'cancelled', cancel_reason = ${reason}, updated_at = now(), version = version + 1 WHERE id = ${id}::uuid`);
}

// --- volunteers

export interface Volunteer {
  accountId: string;
  personId: string | null;
  residentId: string | null;
  name: string;
  /** the member's branch or the resident's community */
  path: string;
  orgId: string;
}

/** The caller as a volunteer: their member record (current) or their resident profile. */
export async function volunteerOf(q: Queryable, accountId: string, personId: string | null): Promise<Volunteer | null> {
  if (personId) {
    const p = await q.maybeOne<{ id: string; name: string; org_id: string; path: string }>(sql`SELECT p.id, p.name, p.org_id, o.path::text AS path FROM person p JOIN org o ON o.id = p.org_id
      WHERE p.id = ${personId}::uuid AND p.status IN ('probationary','full')`);
    return p ? { accountId, personId: p.id, residentId: null, name: p.name, path: p.path, orgId: p.org_id } : null;
  }
  const r = await q.maybeOne<{ id: string; name: string; community_org_id: string; path: string }>(sql`SELECT r.id, r.name, r.community_org_id, o.path::text AS path
    FROM resident r JOIN org o ON o.id = r.community_org_id WHERE r.account_id = ${accountId}::uuid`);
  return r ? { accountId, personId: null, residentId: r.id, name: r.name, path: r.path, orgId: r.community_org_id } : null;
}

/** The sign-ups (alias `s`) that are the volunteer's own. */
const own = (v: { personId: string | null; residentId: string | null }): Sql =>
  v.personId ? sql`s.person_id = ${v.personId}::uuid` : sql`s.resident_id = ${v.residentId}::uuid`;

/** The activity's audience subtree holds the volunteer's organisation. */
export const audienceHolds = (path: string): Sql => sql`${path}::ltree <@ ao.path`;

export interface SignupRow {
  id: string;
  activity_id: string;
  account_id: string | null;
  person_id: string | null;
  resident_id: string | null;
  name: string;
  org_name: string | null;
  status: 'signed_up' | 'withdrawn' | 'attested' | 'absent';
  check_in_at: Date | null;
  check_out_at: Date | null;
  minutes: number | null;
  created_at: Date;
  arrived_at: Date | null;
}

const SIGNUP_COLUMNS = sql`s.id, s.activity_id, s.account_id, s.person_id, s.resident_id, s.name, coalesce(po.name, ro.name) AS org_name, s.status, s.check_in_at, s.check_out_at, s.minutes, s.created_at, s.arrived_at`;
const SIGNUP_FROM = sql`FROM volunteer_signup s LEFT JOIN person p ON p.id = s.person_id LEFT JOIN org po ON po.id = p.org_id
  LEFT JOIN resident r ON r.id = s.resident_id LEFT JOIN org ro ON ro.id = r.community_org_id`;

export function signupsOf(q: Queryable, activityId: string) {
  return q.query<SignupRow>(sql`SELECT ${SIGNUP_COLUMNS} ${SIGNUP_FROM} WHERE s.activity_id = ${activityId}::uuid ORDER BY s.created_at, s.id`);
}

export function findSignup(q: Queryable, id: string, lock = false) {
  return q.maybeOne<SignupRow>(sql`SELECT ${SIGNUP_COLUMNS} ${SIGNUP_FROM} WHERE s.id = ${id}::uuid ${lock ? sql`FOR NO KEY UPDATE OF s` : sql``}`);
}

export function liveSignupOf(q: Queryable, activityId: string, v: Volunteer) {
  return q.maybeOne<{ id: string }>(sql`SELECT s.id FROM volunteer_signup s WHERE s.activity_id = ${activityId}::uuid AND ${own(v)} AND s.status <> 'withdrawn'`);
}

export async function insertSignup(q: Queryable, v: { activityId: string; volunteer: Volunteer; at?: string }): Promise<string> {
  return (await q.one<{ id: string }>(sql`INSERT INTO volunteer_signup (activity_id, account_id, person_id, resident_id, name, created_at, updated_at)
    VALUES (${v.activityId}::uuid, ${v.volunteer.accountId}::uuid, ${v.volunteer.personId}::uuid, ${v.volunteer.residentId}::uuid, ${v.volunteer.name},
      coalesce(${v.at ?? null}::timestamptz, now()), coalesce(${v.at ?? null}::timestamptz, now())) RETURNING id`)).id;
}

/**
 * Takes a place: the one statement that checks and moves the counter (open,
 * not yet started at `now`, a place left). Null when refused.
 */
export function takePlace(q: Queryable, activityId: string, now: Date) {
  return q.maybeOne<{ signed_up: number }>(sql`UPDATE volunteer_activity SET signed_up = signed_up + 1, updated_at = now()
    WHERE id = ${activityId}::uuid AND status = 'open' AND starts_at > ${now.toISOString()}::timestamptz AND signed_up < capacity RETURNING signed_up`);
}

export async function withdrawSignup(q: Queryable, signupId: string, activityId: string): Promise<void> {
  await q.exec(sql`WITH s AS (UPDATE volunteer_signup SET status = 'withdrawn', updated_at = now() WHERE id = ${signupId}::uuid RETURNING activity_id)
    UPDATE volunteer_activity SET signed_up = signed_up - 1, updated_at = now() WHERE id = ${activityId}::uuid AND EXISTS (SELECT 1 FROM s)`);
}

export async function attestSignup(q: Queryable, v: { signupId: string; activityId: string; checkInAt: string; checkOutAt: string; minutes: number; by: string | null; at?: string }): Promise<void> {
  await q.exec(sql`WITH s AS (UPDATE volunteer_signup SET status = 'attested', check_in_at = ${v.checkInAt}::timestamptz, check_out_at = ${v.checkOutAt}::timestamptz, minutes = ${v.minutes},
        attested_by = ${v.by}::uuid, attested_at = coalesce(${v.at ?? null}::timestamptz, now()), updated_at = now() WHERE id = ${v.signupId}::uuid RETURNING minutes)
    UPDATE volunteer_activity SET attested = attested + 1, attested_minutes = attested_minutes + (SELECT minutes FROM s), updated_at = now() WHERE id = ${v.activityId}::uuid`);
}

export async function markAbsent(q: Queryable, signupId: string, by: string | null, at?: string): Promise<void> {
  await q.exec(sql`UPDATE volunteer_signup SET status = 'absent', attested_by = ${by}::uuid, attested_at = coalesce(${at ?? null}::timestamptz, now()), updated_at = now() WHERE id = ${signupId}::uuid`);
}

/** The enabled accounts of the volunteers with a live place on the activity (told when it is cancelled). */
export function signedUpAccounts(q: Queryable, activityId: string) {
  return q.query<{ account_id: string }>(sql`SELECT DISTINCT ac.id AS account_id FROM volunteer_signup s LEFT JOIN resident r ON r.id = s.resident_id
    JOIN account ac ON (ac.person_id = s.person_id OR ac.id = r.account_id) AND NOT ac.is_disabled
    WHERE s.activity_id = ${activityId}::uuid AND s.status = 'signed_up'`);
}

// --- the volunteer's own view

export type OpenRow = ActivityRow & { my_signup_id: string | null; my_status: SignupRow['status'] | null; my_minutes: number | null };

/** Open activities for the volunteer's organisation that have not ended, soonest first, with the caller's place. */
export function upcomingFor(q: Queryable, v: Volunteer, now: Date, limit: number) {
  return q.query<OpenRow>(sql`SELECT ${COLUMNS}, s.id AS my_signup_id, s.status AS my_status, s.minutes AS my_minutes ${FROM}
    LEFT JOIN volunteer_signup s ON s.activity_id = a.id AND ${own(v)} AND s.status <> 'withdrawn'
    WHERE a.status = 'open' AND a.club_id IS NULL AND a.ends_at > ${now.toISOString()}::timestamptz AND ${audienceHolds(v.path)} ORDER BY a.starts_at, a.id LIMIT ${limit}`);
}

/** One activity the volunteer may see: its audience holds them, or (a club's activity) they are one of the club's members. */
export function activityFor(q: Queryable, v: Volunteer, activityId: string) {
  return q.maybeOne<ActivityRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE a.id = ${activityId}::uuid
    AND CASE WHEN a.club_id IS NULL THEN ${audienceHolds(v.path)}
      ELSE EXISTS (SELECT 1 FROM club_member m WHERE m.club_id = a.club_id AND m.account_id = ${v.accountId}::uuid AND m.status = 'active') END`);
}

/** The volunteer's places, newest activity first. */
export function placesOf(q: Queryable, v: Volunteer, limit: number) {
  return q.query<OpenRow>(sql`SELECT ${COLUMNS}, s.id AS my_signup_id, s.status AS my_status, s.minutes AS my_minutes ${FROM}
    JOIN volunteer_signup s ON s.activity_id = a.id WHERE ${own(v)} AND a.club_id IS NULL ORDER BY a.starts_at DESC, s.created_at DESC LIMIT ${limit}`);
}

/** The volunteer's attested minutes: in a Beijing year and in all. */
export function minutesOf(q: Queryable, v: Volunteer, year: number) {
  return q.one<{ year: number; total: number }>(sql`SELECT
      coalesce(sum(s.minutes) FILTER (WHERE extract(year FROM s.check_out_at AT TIME ZONE 'Asia/Shanghai') = ${year}), 0)::int AS year,
      coalesce(sum(s.minutes), 0)::int AS total
    FROM volunteer_signup s WHERE ${own(v)} AND s.status = 'attested'`);
}

/** The volunteer's attested records (in a Beijing year, or all), oldest first: the certificate's lines. */
export function attestedRecords(q: Queryable, v: Volunteer, year: number | null) {
  return q.query<{ title: string; org_name: string; place: string; check_in_at: Date; check_out_at: Date; minutes: number }>(sql`
    SELECT a.title, o.name AS org_name, a.place, s.check_in_at, s.check_out_at, s.minutes FROM volunteer_signup s JOIN volunteer_activity a ON a.id = s.activity_id JOIN org o ON o.id = a.org_id
    WHERE ${own(v)} AND s.status = 'attested' ${year === null ? sql`` : sql`AND extract(year FROM s.check_out_at AT TIME ZONE 'Asia/Shanghai') = ${year}`}
    ORDER BY s.check_in_at, s.id`);
}

// --- points: whole attested hours of members

const ATTESTATIONS = sql`SELECT s.id, s.person_id, p.org_id, o.path::text AS org_path, s.minutes, to_char(s.check_out_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day
  FROM volunteer_signup s JOIN person p ON p.id = s.person_id JOIN org o ON o.id = p.org_id
  WHERE s.status = 'attested' AND s.minutes >= 60 AND p.status IN ('probationary','full')`;
type AttestationRow = { id: string; person_id: string; org_id: string; org_path: string; minutes: number; day: string };

/** Members' attestations whose check-out falls on a Beijing day in [from, to], with the member's branch now. */
export function memberAttestations(q: Queryable, from: string, to: string) {
  return q.query<AttestationRow>(sql`${ATTESTATIONS}
    AND s.check_out_at >= (${from}::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND s.check_out_at < ((${to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`);
}

/** The same for the sign-ups given (the award right after an attestation). */
export function memberAttestationsByIds(q: Queryable, ids: string[]) {
  return q.query<AttestationRow>(sql`${ATTESTATIONS} AND s.id = ANY(${ids}::uuid[])`);
}

// --- warnings (the scan reads every activity; the warning list scopes its reads)

/** Open activities that ended on a Beijing day before `before` with places neither attested nor marked absent. */
export function unattestedBefore(q: Queryable, before: string) {
  return q.query<{ id: string; org_id: string; title: string; ended_on: string; waiting: number }>(sql`
    SELECT a.id, a.org_id, a.title, to_char(a.ends_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS ended_on, count(*)::int AS waiting
    FROM volunteer_activity a JOIN volunteer_signup s ON s.activity_id = a.id AND s.status = 'signed_up'
    WHERE a.status = 'open' AND a.club_id IS NULL AND a.ends_at < (${before}::date::timestamp AT TIME ZONE 'Asia/Shanghai') GROUP BY a.id`);
}

/** Open activities starting on a Beijing day in [from, to] with fewer than half their places taken. */
export function undersubscribedBy(q: Queryable, from: string, to: string) {
  return q.query<{ id: string; org_id: string; title: string; starts_on: string; signed_up: number; capacity: number }>(sql`
    SELECT a.id, a.org_id, a.title, to_char(a.starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS starts_on, a.signed_up, a.capacity FROM volunteer_activity a
    WHERE a.status = 'open' AND a.club_id IS NULL AND a.signed_up * 2 < a.capacity
      AND a.starts_at >= (${from}::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND a.starts_at < ((${to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`);
}

// --- counters: verify and rebuild

const RAW_COUNTS = sql`SELECT a.id,
    (SELECT count(*) FROM volunteer_signup s WHERE s.activity_id = a.id AND s.status <> 'withdrawn')::int AS signed_up,
    (SELECT count(*) FROM volunteer_signup s WHERE s.activity_id = a.id AND s.status = 'attested')::int AS attested,
    coalesce((SELECT sum(s.minutes) FROM volunteer_signup s WHERE s.activity_id = a.id AND s.status = 'attested'), 0)::int AS attested_minutes
  FROM volunteer_activity a`;

/** Activities whose counters differ from a recomputation from their sign-ups. */
export function counterDifferences(q: Queryable) {
  return q.query<{ id: string; title: string; signed_up: number; raw_signed_up: number; attested: number; raw_attested: number; attested_minutes: number; raw_attested_minutes: number }>(sql`
    SELECT a.id, a.title, a.signed_up, c.signed_up AS raw_signed_up, a.attested, c.attested AS raw_attested, a.attested_minutes, c.attested_minutes AS raw_attested_minutes
    FROM volunteer_activity a JOIN (${RAW_COUNTS}) c ON c.id = a.id
    WHERE (a.signed_up, a.attested, a.attested_minutes) IS DISTINCT FROM (c.signed_up, c.attested, c.attested_minutes) ORDER BY a.id`);
}

export function rebuildCounters(q: Queryable) {
  return q.exec(sql`UPDATE volunteer_activity a SET signed_up = c.signed_up, attested = c.attested, attested_minutes = c.attested_minutes FROM (${RAW_COUNTS}) c
    WHERE c.id = a.id AND (a.signed_up, a.attested, a.attested_minutes) IS DISTINCT FROM (c.signed_up, c.attested, c.attested_minutes)`);
}
