import type { Queryable } from '../../platform/db';
import { likeText, sql, type Sql } from '../../platform/sql';

// Every SQL statement of clubs (社团). A club is seen from its community (alias
// `o`): scope conditions come from orgInScope on it. Its activities are rows of
// volunteer_activity with club_id set (the volunteer domain writes them).

export interface ClubRow {
  id: string;
  community_org_id: string;
  community_name: string;
  community_path: string;
  name: string;
  category: string;
  description: string;
  founder_account_id: string;
  founder_person_id: string | null;
  founder_name: string;
  status: 'pending' | 'active' | 'rejected' | 'dissolved';
  review_note: string | null;
  reviewed_at: Date | null;
  dissolve_reason: string | null;
  member_count: number;
  activity_count: number;
  region_key: string | null;
  created_at: Date;
}

const COLUMNS = sql`c.id, c.community_org_id, o.name AS community_name, o.path::text AS community_path, c.name, c.category, c.description, c.founder_account_id, c.founder_person_id,
  c.founder_name, c.status, c.review_note, c.reviewed_at, c.dissolve_reason, c.member_count, c.activity_count, c.region_key, c.created_at`;
const FROM = sql`FROM club c JOIN org o ON o.id = c.community_org_id`;

/** The community a member takes part in: their 接单意愿's, else the one they reported to (双报到, accepted), else none. */
export function memberCommunityOf(q: Queryable, personId: string) {
  return q.maybeOne<{ id: string; name: string }>(sql`
    SELECT o.id, o.name FROM (
      SELECT v.community_org_id AS id, 1 AS rank FROM volunteer_profile v WHERE v.person_id = ${personId}::uuid
      UNION ALL SELECT r.community_org_id, 2 FROM community_report r WHERE r.kind = 'member' AND r.person_id = ${personId}::uuid AND r.status = 'accepted'
    ) c JOIN org o ON o.id = c.id ORDER BY c.rank LIMIT 1`);
}

export function founderCounts(q: Queryable, accountId: string) {
  return q.one<{ pending: number; led: number }>(sql`SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'active')::int AS led
    FROM club WHERE founder_account_id = ${accountId}::uuid`);
}

export async function insertClub(
  q: Queryable,
  v: { communityId: string; name: string; category: string; description: string; accountId: string; personId: string | null; residentId: string | null; founderName: string; at: string },
): Promise<string> {
  return (await q.one<{ id: string }>(sql`INSERT INTO club (community_org_id, name, category, description, founder_account_id, founder_person_id, founder_resident_id, founder_name, region_key, created_at, updated_at)
    VALUES (${v.communityId}::uuid, ${v.name}, ${v.category}, ${v.description}, ${v.accountId}::uuid, ${v.personId}::uuid, ${v.residentId}::uuid, ${v.founderName}, (SELECT region_key FROM org WHERE id = ${v.communityId}::uuid), ${v.at}::timestamptz, ${v.at}::timestamptz)
    RETURNING id`)).id;
}

export function orgOf(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; path: string }>(sql`SELECT o.id, o.path::text AS path FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

export function founderOf(q: Queryable, clubId: string) {
  return q.one<{ person_id: string | null; resident_id: string | null }>(sql`SELECT founder_person_id AS person_id, founder_resident_id AS resident_id FROM club WHERE id = ${clubId}::uuid`);
}

/** One club inside a scope condition on `o`; locked when asked. */
export function findClub(q: Queryable, id: string, scope: Sql, lock = false) {
  return q.maybeOne<ClubRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE c.id = ${id}::uuid AND ${scope} ${lock ? sql`FOR NO KEY UPDATE OF c` : sql``}`);
}

export async function listClubs(q: Queryable, scope: Sql, f: { orgPath?: string; status?: string; q?: string }, page: number, pageSize: number) {
  const like = f.q ? `%${likeText(f.q)}%` : null;
  const where = sql`${scope} AND (${f.orgPath ?? null}::ltree IS NULL OR o.path <@ ${f.orgPath ?? null}::ltree) AND (${f.status ?? null}::text IS NULL OR c.status = ${f.status ?? null})
    AND (${like}::text IS NULL OR c.name LIKE ${like} OR c.founder_name LIKE ${like})`;
  const [rows, total] = await Promise.all([
    q.query<ClubRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE ${where} ORDER BY (c.status = 'pending') DESC, c.created_at DESC, c.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`),
    q.one<{ n: string }>(sql`SELECT count(*) AS n ${FROM} WHERE ${where}`),
  ]);
  return { rows, total: Number(total.n) };
}

/** A community's active clubs, most members first, with whether the account is in each. */
export function activeClubsOf(q: Queryable, communityId: string, accountId: string) {
  return q.query<ClubRow & { joined: boolean }>(sql`SELECT ${COLUMNS},
      EXISTS (SELECT 1 FROM club_member m WHERE m.club_id = c.id AND m.account_id = ${accountId}::uuid AND m.status = 'active') AS joined
    ${FROM} WHERE c.community_org_id = ${communityId}::uuid AND c.status = 'active' ORDER BY c.member_count DESC, c.name`);
}

/** The clubs the account founded (any status) or is an active member of, newest first, with its role. */
export function clubsOfAccount(q: Queryable, accountId: string) {
  return q.query<ClubRow & { my_role: 'leader' | 'member' | null }>(sql`SELECT ${COLUMNS}, m.role AS my_role ${FROM}
    LEFT JOIN club_member m ON m.club_id = c.id AND m.account_id = ${accountId}::uuid AND m.status = 'active'
    WHERE c.founder_account_id = ${accountId}::uuid OR m.id IS NOT NULL ORDER BY c.created_at DESC, c.id`);
}

/** The account's role in the club (active membership), or null. */
export async function roleIn(q: Queryable, clubId: string, accountId: string): Promise<'leader' | 'member' | null> {
  const r = await q.maybeOne<{ role: 'leader' | 'member' }>(sql`SELECT role FROM club_member WHERE club_id = ${clubId}::uuid AND account_id = ${accountId}::uuid AND status = 'active'`);
  return r?.role ?? null;
}

export function membersOf(q: Queryable, clubId: string) {
  return q.query<{ id: string; name: string; person_id: string | null; role: 'leader' | 'member'; joined_at: Date }>(sql`
    SELECT id, name, person_id, role, joined_at FROM club_member WHERE club_id = ${clubId}::uuid AND status = 'active' ORDER BY (role = 'leader') DESC, joined_at, name, id`);
}

/** The accounts of the club's active members (told when it is dissolved, and of new activities). */
export function memberAccounts(q: Queryable, clubId: string) {
  return q.query<{ account_id: string }>(sql`SELECT m.account_id FROM club_member m JOIN account a ON a.id = m.account_id AND NOT a.is_disabled
    WHERE m.club_id = ${clubId}::uuid AND m.status = 'active'`);
}

/** Adds a member and moves the club's counter in the same statement. */
export async function insertMember(q: Queryable, v: { clubId: string; accountId: string; personId: string | null; residentId: string | null; name: string; role: 'leader' | 'member'; at: string }) {
  await q.exec(sql`WITH m AS (INSERT INTO club_member (club_id, account_id, person_id, resident_id, name, role, joined_at)
      VALUES (${v.clubId}::uuid, ${v.accountId}::uuid, ${v.personId}::uuid, ${v.residentId}::uuid, ${v.name}, ${v.role}, ${v.at}::timestamptz) RETURNING club_id)
    UPDATE club SET member_count = member_count + 1, updated_at = now() WHERE id = ${v.clubId}::uuid AND EXISTS (SELECT 1 FROM m)`);
}

/** Ends an active membership and moves the counter; false when there was none. */
export async function removeMember(q: Queryable, clubId: string, accountId: string, at: string): Promise<boolean> {
  const r = await q.maybeOne<{ id: string }>(sql`WITH m AS (UPDATE club_member SET status = 'left', left_at = ${at}::timestamptz
      WHERE club_id = ${clubId}::uuid AND account_id = ${accountId}::uuid AND status = 'active' RETURNING club_id)
    UPDATE club SET member_count = member_count - 1, updated_at = now() WHERE id = ${clubId}::uuid AND EXISTS (SELECT 1 FROM m) RETURNING id`);
  return r !== null;
}

export async function setReview(q: Queryable, v: { id: string; status: 'active' | 'rejected'; note: string; by: string | null; at: string }) {
  await q.exec(sql`UPDATE club SET status = ${v.status}, review_note = ${v.note || null}, reviewed_by = ${v.by}::uuid, reviewed_at = ${v.at}::timestamptz, updated_at = now(), version = version + 1
    WHERE id = ${v.id}::uuid`);
}

export async function setDissolved(q: Queryable, v: { id: string; reason: string; at: string }) {
  await q.exec(sql`UPDATE club SET status = 'dissolved', dissolve_reason = ${v.reason}, dissolved_at = ${v.at}::timestamptz, updated_at = now(), version = version + 1 WHERE id = ${v.id}::uuid`);
}

export async function countActivity(q: Queryable, clubId: string) {
  await q.exec(sql`UPDATE club SET activity_count = activity_count + 1, updated_at = now() WHERE id = ${clubId}::uuid`);
}

export interface ClubActivityRow {
  id: string;
  title: string;
  description: string;
  place: string;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  signed_up: number;
  status: 'open' | 'cancelled';
  cancel_reason: string | null;
  my_signup_id: string | null;
  my_status: 'signed_up' | 'withdrawn' | 'attested' | 'absent' | null;
}

/** The club's activities, newest first, with the account's live place on each (none when no account). */
export function activitiesOf(q: Queryable, clubId: string, accountId: string | null, limit: number) {
  return q.query<ClubActivityRow>(sql`SELECT a.id, a.title, a.description, a.place, a.starts_at, a.ends_at, a.capacity, a.signed_up, a.status, a.cancel_reason,
      s.id AS my_signup_id, s.status AS my_status
    FROM volunteer_activity a LEFT JOIN volunteer_signup s ON s.activity_id = a.id AND s.account_id = ${accountId}::uuid AND s.status <> 'withdrawn'
    WHERE a.club_id = ${clubId}::uuid ORDER BY a.starts_at DESC, a.id LIMIT ${limit}`);
}

/** The club's open activities that have not started at `now` (cancelled when it is dissolved). */
export function openFutureActivities(q: Queryable, clubId: string, now: string) {
  return q.query<{ id: string; title: string }>(sql`SELECT id, title FROM volunteer_activity WHERE club_id = ${clubId}::uuid AND status = 'open' AND starts_at > ${now}::timestamptz`);
}

// --- warnings (the scan reads every club; the warning list scopes its reads)

/** Applications pending since before `before` (a Beijing day). */
export function pendingBefore(q: Queryable, before: string) {
  return q.query<{ id: string; community_org_id: string; name: string; applied_on: string }>(sql`
    SELECT c.id, c.community_org_id, c.name, to_char(c.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS applied_on FROM club c
    WHERE c.status = 'pending' AND c.created_at < (${before}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`);
}

// --- counters: verify and rebuild

const RAW_COUNTS = sql`SELECT c.id,
    (SELECT count(*) FROM club_member m WHERE m.club_id = c.id AND m.status = 'active')::int AS member_count,
    (SELECT count(*) FROM volunteer_activity a WHERE a.club_id = c.id)::int AS activity_count
  FROM club c`;

export function counterDifferences(q: Queryable) {
  return q.query<{ id: string; name: string; member_count: number; raw_member_count: number; activity_count: number; raw_activity_count: number }>(sql`
    SELECT c.id, c.name, c.member_count, r.member_count AS raw_member_count, c.activity_count, r.activity_count AS raw_activity_count
    FROM club c JOIN (${RAW_COUNTS}) r ON r.id = c.id WHERE (c.member_count, c.activity_count) IS DISTINCT FROM (r.member_count, r.activity_count) ORDER BY c.id`);
}

export function rebuildCounters(q: Queryable) {
  return q.exec(sql`UPDATE club c SET member_count = r.member_count, activity_count = r.activity_count FROM (${RAW_COUNTS}) r
    WHERE r.id = c.id AND (c.member_count, c.activity_count) IS DISTINCT FROM (r.member_count, r.activity_count)`);
}
