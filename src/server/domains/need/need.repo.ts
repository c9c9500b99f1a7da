import type { Queryable } from '../../platform/db';
import { sql, type Sql } from '../../platform/sql';

// Every SQL statement of needs (群众需求). A need is seen by the staff from its
// community org (alias `o`): scope conditions come from orgInScope on it. A
// volunteer profile (alias `v`) is the member's or the resident's own.

/** Kilometres between two points (equirectangular: exact enough within a county). */
const distanceKm = (aLng: Sql, aLat: Sql, bLng: Sql, bLat: Sql) =>
  sql`(111.32 * sqrt(power(${bLat} - ${aLat}, 2) + power((${bLng} - ${aLng}) * cos(radians((${aLat} + ${bLat}) / 2)), 2)))`;

export interface Point {
  lng: number | null;
  lat: number | null;
}

export function orgPoint(q: Queryable, orgId: string) {
  return q.one<Point & { region_key: string | null }>(sql`SELECT lng, lat, region_key FROM org WHERE id = ${orgId}::uuid`);
}

// --- volunteer profiles (接单意愿)

export interface ProfileRow {
  id: string;
  person_id: string | null;
  resident_id: string | null;
  name: string;
  community_org_id: string;
  community_name: string;
  grid_id: string | null;
  grid_name: string | null;
  lng: number | null;
  lat: number | null;
  skills: string[];
  availability: string[];
  accepting: boolean;
  claimed: number;
  completed: number;
  rating_sum: number;
  rating_count: number;
  version: number;
}

const PROFILE = sql`SELECT v.id, v.person_id, v.resident_id, v.name, v.community_org_id, c.name AS community_name, v.grid_id, g.name AS grid_name, v.lng, v.lat, v.skills, v.availability,
  v.accepting, v.claimed, v.completed, v.rating_sum, v.rating_count, v.version
  FROM volunteer_profile v JOIN org c ON c.id = v.community_org_id LEFT JOIN map_area g ON g.id = v.grid_id`;

export interface Who {
  personId: string | null;
  residentId: string | null;
}
const ownProfile = (w: Who): Sql => (w.personId ? sql`v.person_id = ${w.personId}::uuid` : sql`v.resident_id = ${w.residentId}::uuid`);

export function profileOf(q: Queryable, w: Who, lock = false) {
  return q.maybeOne<ProfileRow>(sql`${PROFILE} WHERE ${ownProfile(w)} ${lock ? sql`FOR NO KEY UPDATE OF v` : sql``}`);
}

export async function insertProfile(q: Queryable, v: Who & { name: string; communityId: string; gridId: string | null; lng: number | null; lat: number | null; skills: string[]; availability: string[]; accepting: boolean; at?: string }): Promise<string> {
  return (await q.one<{ id: string }>(sql`INSERT INTO volunteer_profile (person_id, resident_id, name, community_org_id, grid_id, lng, lat, skills, availability, accepting, created_at, updated_at)
    VALUES (${v.personId}::uuid, ${v.residentId}::uuid, ${v.name}, ${v.communityId}::uuid, ${v.gridId}::uuid, ${v.lng}::float8, ${v.lat}::float8, ${v.skills}::text[], ${v.availability}::text[], ${v.accepting},
      coalesce(${v.at ?? null}::timestamptz, now()), coalesce(${v.at ?? null}::timestamptz, now())) RETURNING id`)).id;
}

export async function updateProfile(q: Queryable, id: string, v: { name: string; communityId: string; gridId: string | null; lng: number | null; lat: number | null; skills: string[]; availability: string[]; accepting: boolean }): Promise<void> {
  await q.exec(sql`UPDATE volunteer_profile SET name = ${v.name}, community_org_id = ${v.communityId}::uuid, grid_id = ${v.gridId}::uuid, lng = ${v.lng}::float8, lat = ${v.lat}::float8,
    skills = ${v.skills}::text[], availability = ${v.availability}::text[], accepting = ${v.accepting}, updated_at = now(), version = version + 1 WHERE id = ${id}::uuid`);
}

/** The enabled accounts and the encrypted phone of a profile's member or resident (who a push reaches). */
export function reachOf(q: Queryable, profileId: string) {
  return q.query<{ account_id: string | null; phone_enc: Buffer | null }>(sql`
    SELECT ac.id AS account_id, coalesce(p.phone_enc, r.phone_enc) AS phone_enc FROM volunteer_profile v
    LEFT JOIN person p ON p.id = v.person_id LEFT JOIN resident r ON r.id = v.resident_id
    LEFT JOIN account ac ON (ac.person_id = v.person_id OR ac.id = r.account_id) AND NOT ac.is_disabled
    WHERE v.id = ${profileId}::uuid`);
}

// --- needs

export interface NeedRow {
  id: string;
  resident_id: string;
  publisher_name: string;
  publisher_account_id: string;
  publisher_phone_enc: Buffer;
  community_org_id: string;
  community_name: string;
  community_path: string;
  grid_name: string | null;
  lng: number | null;
  lat: number | null;
  category: string;
  title: string;
  detail: string;
  place: string;
  window_from: Date;
  window_to: Date;
  skills: string[];
  slots: string[];
  status: 'open' | 'claimed' | 'completed' | 'rated' | 'cancelled';
  created_at: Date;
  escalated_at: Date | null;
  claimed_by: string | null;
  claimed_at: Date | null;
  completed_at: Date | null;
  completion_note: string | null;
  rating: number | null;
  rating_comment: string | null;
  cancel_reason: string | null;
  volunteer_name: string | null;
  pushes: number;
  version: number;
}

const NEED = sql`SELECT n.id, n.resident_id, r.name AS publisher_name, r.account_id AS publisher_account_id, r.phone_enc AS publisher_phone_enc, n.community_org_id, o.name AS community_name,
  o.path::text AS community_path, g.name AS grid_name, n.lng, n.lat, n.category, n.title, n.detail, n.place, n.window_from, n.window_to, n.skills, n.slots, n.status, n.created_at, n.escalated_at,
  n.claimed_by, n.claimed_at, n.completed_at, n.completion_note, n.rating, n.rating_comment, n.cancel_reason, cv.name AS volunteer_name,
  (SELECT count(*) FROM need_push np WHERE np.need_id = n.id)::int AS pushes, n.version
  FROM need n JOIN resident r ON r.id = n.resident_id JOIN org o ON o.id = n.community_org_id LEFT JOIN map_area g ON g.id = n.grid_id
  LEFT JOIN volunteer_profile cv ON cv.id = n.claimed_by`;

export async function insertNeed(q: Queryable, v: {
  residentId: string; communityId: string; gridId: string | null; lng: number | null; lat: number | null; category: string; title: string; detail: string; place: string;
  windowFrom: string; windowTo: string; skills: string[]; slots: string[]; regionKey: string | null; at?: string;
}): Promise<string> {
  return (await q.one<{ id: string }>(sql`INSERT INTO need (resident_id, community_org_id, grid_id, lng, lat, category, title, detail, place, window_from, window_to, skills, slots, region_key, created_at, updated_at)
    VALUES (${v.residentId}::uuid, ${v.communityId}::uuid, ${v.gridId}::uuid, ${v.lng}::float8, ${v.lat}::float8, ${v.category}, ${v.title}, ${v.detail}, ${v.place},
      ${v.windowFrom}::timestamptz, ${v.windowTo}::timestamptz, ${v.skills}::text[], ${v.slots}::text[], ${v.regionKey}::uuid,
      coalesce(${v.at ?? null}::timestamptz, now()), coalesce(${v.at ?? null}::timestamptz, now())) RETURNING id`)).id;
}

/** One need inside a scope condition on its community `o`; locked when asked. */
export function findNeed(q: Queryable, id: string, scope: Sql, lock = false) {
  return q.maybeOne<NeedRow>(sql`${NEED} WHERE n.id = ${id}::uuid AND ${scope} ${lock ? sql`FOR NO KEY UPDATE OF n` : sql``}`);
}

export function needsOfResident(q: Queryable, residentId: string, limit: number) {
  return q.query<NeedRow>(sql`${NEED} WHERE n.resident_id = ${residentId}::uuid ORDER BY n.created_at DESC, n.id LIMIT ${limit}`);
}

export async function listNeeds(q: Queryable, scope: Sql, f: { orgPath?: string; status?: string; escalated?: boolean }, page: number, pageSize: number) {
  const where = sql`${scope} AND (${f.orgPath ?? null}::ltree IS NULL OR o.path <@ ${f.orgPath ?? null}::ltree) AND (${f.status ?? null}::text IS NULL OR n.status = ${f.status ?? null})
    ${f.escalated === undefined ? sql`` : f.escalated ? sql`AND n.escalated_at IS NOT NULL` : sql`AND n.escalated_at IS NULL`}`;
  const [rows, total] = await Promise.all([
    q.query<NeedRow>(sql`${NEED} WHERE ${where} ORDER BY n.created_at DESC, n.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`),
    q.one<{ n: string }>(sql`SELECT count(*) AS n FROM need n JOIN org o ON o.id = n.community_org_id WHERE ${where}`),
  ]);
  return { rows, total: Number(total.n) };
}

export function orgOf(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; path: string }>(sql`SELECT o.id, o.path::text AS path FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

// --- matching

export interface MatchRule {
  pushTopN: number;
  maxDistanceKm: number;
  weights: { skill: number; distance: number; availability: number; load: number };
  loadWindowDays: number;
  loadFullAt: number;
  escalateAfterHours: number;
}

export interface CandidateRow {
  profile_id: string;
  name: string;
  kind: 'member' | 'resident';
  org_name: string;
  skills: string[];
  distance_km: number | null;
  skill_match: boolean;
  availability_match: boolean;
  recent_load: number;
  score: number;
  pushed_at: Date | null;
}

/**
 * Ranks the volunteers for a need: those accepting needs within the rule's
 * distance (or with no known point, in the need's own community), not the
 * publisher. score = skill·[a skill the need asks for, or the need asks for
 * none: half] + distance·(1 − d/max) + availability·[a slot of the window] +
 * load·(1 − min(claims in the window, full)/full). Best first; ties by
 * distance, then the profile's id.
 */
export function rankCandidates(q: Queryable, need: { id: string; residentId: string; communityId: string; lng: number | null; lat: number | null; skills: string[]; slots: string[] }, rule: MatchRule, now: Date, limit: number, only?: string[]) {
  const d = need.lng === null || need.lat === null ? sql`NULL::float8` : distanceKm(sql`v.lng`, sql`v.lat`, sql`${need.lng}::float8`, sql`${need.lat}::float8`);
  const w = rule.weights;
  return q.query<CandidateRow>(sql`
    WITH load AS (
      SELECT claimed_by, count(*)::int AS n FROM need WHERE claimed_by IS NOT NULL AND claimed_at > ${now.toISOString()}::timestamptz - make_interval(days => ${rule.loadWindowDays}) GROUP BY claimed_by
    ), c AS (
      SELECT v.id, v.name, v.person_id, v.community_org_id, v.skills, ${d} AS distance_km,
        CASE WHEN cardinality(${need.skills}::text[]) = 0 THEN 0.5 WHEN v.skills && ${need.skills}::text[] THEN 1 ELSE 0 END AS skill_score,
        v.availability && ${need.slots}::text[] AS availability_match, coalesce(l.n, 0) AS recent_load
      FROM volunteer_profile v LEFT JOIN load l ON l.claimed_by = v.id
      WHERE v.accepting AND v.resident_id IS DISTINCT FROM ${need.residentId}::uuid ${only ? sql`AND v.id = ANY(${only}::uuid[])` : sql``}
    )
    SELECT c.id AS profile_id, c.name, CASE WHEN c.person_id IS NULL THEN 'resident' ELSE 'member' END AS kind,
      coalesce(po.name, co.name) AS org_name, c.skills, round(c.distance_km::numeric, 2)::float8 AS distance_km, c.skill_score > 0.5 AS skill_match, c.availability_match, c.recent_load,
      round((${w.skill} * c.skill_score + ${w.distance} * greatest(0, 1 - coalesce(c.distance_km, ${rule.maxDistanceKm}) / ${rule.maxDistanceKm})
        + ${w.availability} * (CASE WHEN c.availability_match THEN 1 ELSE 0 END) + ${w.load} * (1 - least(c.recent_load, ${rule.loadFullAt})::float8 / ${rule.loadFullAt}))::numeric, 1)::float8 AS score,
      np.pushed_at
    FROM c JOIN org co ON co.id = c.community_org_id LEFT JOIN person p ON p.id = c.person_id LEFT JOIN org po ON po.id = p.org_id
    LEFT JOIN need_push np ON np.need_id = ${need.id}::uuid AND np.profile_id = c.id
    WHERE ${only ? sql`TRUE` : sql`(c.distance_km <= ${rule.maxDistanceKm} OR (c.distance_km IS NULL AND c.community_org_id = ${need.communityId}::uuid))`}
    ORDER BY score DESC, c.distance_km NULLS LAST, c.id LIMIT ${limit}`);
}

export async function insertPush(q: Queryable, v: { needId: string; profileId: string; rank: number; score: number; distanceKm: number | null; by: string | null; at?: string }): Promise<boolean> {
  const r = await q.maybeOne<{ need_id: string }>(sql`INSERT INTO need_push (need_id, profile_id, rank, score, distance_km, pushed_by, pushed_at)
    VALUES (${v.needId}::uuid, ${v.profileId}::uuid, ${v.rank}, ${v.score}, ${v.distanceKm}::float8, ${v.by}::uuid, coalesce(${v.at ?? null}::timestamptz, now()))
    ON CONFLICT DO NOTHING RETURNING need_id`);
  return r !== null;
}

/** The profiles a need was pushed to, in the order pushed. */
export function pushedIds(q: Queryable, needId: string) {
  return q.query<{ profile_id: string }>(sql`SELECT profile_id FROM need_push WHERE need_id = ${needId}::uuid ORDER BY rank`);
}

// --- transitions (each one statement that checks the state it leaves; the profile's counters in the same transaction)

export function claim(q: Queryable, needId: string, profileId: string, at?: string) {
  return q.maybeOne<{ id: string }>(sql`WITH n AS (UPDATE need SET status = 'claimed', claimed_by = ${profileId}::uuid, claimed_at = coalesce(${at ?? null}::timestamptz, now()), updated_at = now(), version = version + 1
      WHERE id = ${needId}::uuid AND status = 'open' RETURNING id)
    UPDATE volunteer_profile SET claimed = claimed + 1 WHERE id = ${profileId}::uuid AND EXISTS (SELECT 1 FROM n) RETURNING (SELECT id FROM n) AS id`);
}

export function complete(q: Queryable, needId: string, profileId: string, note: string, at?: string) {
  return q.maybeOne<{ id: string }>(sql`WITH n AS (UPDATE need SET status = 'completed', completed_at = coalesce(${at ?? null}::timestamptz, now()), completion_note = ${note}, updated_at = now(), version = version + 1
      WHERE id = ${needId}::uuid AND status = 'claimed' AND claimed_by = ${profileId}::uuid RETURNING id)
    UPDATE volunteer_profile SET completed = completed + 1 WHERE id = ${profileId}::uuid AND EXISTS (SELECT 1 FROM n) RETURNING (SELECT id FROM n) AS id`);
}

export function rate(q: Queryable, needId: string, residentId: string, rating: number, comment: string, at?: string) {
  return q.maybeOne<{ id: string }>(sql`WITH n AS (UPDATE need SET status = 'rated', rating = ${rating}, rating_comment = ${comment}, rated_at = coalesce(${at ?? null}::timestamptz, now()), updated_at = now(), version = version + 1
      WHERE id = ${needId}::uuid AND status = 'completed' AND resident_id = ${residentId}::uuid RETURNING id, claimed_by)
    UPDATE volunteer_profile SET rating_sum = rating_sum + ${rating}, rating_count = rating_count + 1 WHERE id = (SELECT claimed_by FROM n) RETURNING (SELECT id FROM n) AS id`);
}

export function cancel(q: Queryable, needId: string, residentId: string, reason: string, at: string) {
  return q.maybeOne<{ id: string }>(sql`UPDATE need SET status = 'cancelled', cancelled_at = ${at}::timestamptz, cancel_reason = ${reason}, updated_at = now(), version = version + 1
    WHERE id = ${needId}::uuid AND status = 'open' AND resident_id = ${residentId}::uuid RETURNING id`);
}

// --- the volunteer's view

export type ServableRow = NeedRow & { distance_km: number | null; pushed_to_me: boolean };

/** Open needs pushed to the profile or in its community, nearest first, then newest. */
export function openFor(q: Queryable, p: ProfileRow, limit: number) {
  const d = p.lng === null || p.lat === null ? sql`NULL::float8` : distanceKm(sql`x.lng`, sql`x.lat`, sql`${p.lng}::float8`, sql`${p.lat}::float8`);
  return q.query<ServableRow>(sql`SELECT * FROM (${NEED}) x CROSS JOIN LATERAL (SELECT round(${d}::numeric, 2)::float8 AS distance_km,
      EXISTS (SELECT 1 FROM need_push np WHERE np.need_id = x.id AND np.profile_id = ${p.id}::uuid) AS pushed_to_me) e
    WHERE x.status = 'open' AND x.resident_id IS DISTINCT FROM ${p.resident_id}::uuid AND (e.pushed_to_me OR x.community_org_id = ${p.community_org_id}::uuid)
    ORDER BY e.pushed_to_me DESC, e.distance_km NULLS LAST, x.created_at DESC LIMIT ${limit}`);
}

/** The needs the profile claimed, newest first. */
export function claimedBy(q: Queryable, profileId: string, limit: number) {
  return q.query<NeedRow>(sql`${NEED} WHERE n.claimed_by = ${profileId}::uuid ORDER BY n.claimed_at DESC, n.id LIMIT ${limit}`);
}

/** One need the volunteer may act on: open and pushed to them or in their community, or claimed by them. */
export function servableNeed(q: Queryable, needId: string, p: ProfileRow, lock = false) {
  return q.maybeOne<NeedRow>(sql`${NEED} WHERE n.id = ${needId}::uuid AND (n.claimed_by = ${p.id}::uuid OR (n.status = 'open' AND n.resident_id IS DISTINCT FROM ${p.resident_id}::uuid
      AND (n.community_org_id = ${p.community_org_id}::uuid OR EXISTS (SELECT 1 FROM need_push np WHERE np.need_id = n.id AND np.profile_id = ${p.id}::uuid))))
    ${lock ? sql`FOR NO KEY UPDATE OF n` : sql``}`);
}

/**
 * One need within the volunteer's reach whatever its status: pushed to them or in their
 * community (not their own), or claimed by them. A claim is refused on it by its state (409),
 * so two volunteers racing for one need get 200 and 409, never 404 for the slower one.
 */
export function reachableNeed(q: Queryable, needId: string, p: ProfileRow) {
  return q.maybeOne<NeedRow>(sql`${NEED} WHERE n.id = ${needId}::uuid AND (n.claimed_by = ${p.id}::uuid OR (n.resident_id IS DISTINCT FROM ${p.resident_id}::uuid
      AND (n.community_org_id = ${p.community_org_id}::uuid OR EXISTS (SELECT 1 FROM need_push np WHERE np.need_id = n.id AND np.profile_id = ${p.id}::uuid))))`);
}

// --- escalation and warnings

/** Marks the open needs published before `before` and not yet escalated; returns them. */
export function escalateBefore(q: Queryable, before: Date, at: Date) {
  return q.query<{ id: string; title: string; community_org_id: string; community_path: string }>(sql`
    UPDATE need n SET escalated_at = ${at.toISOString()}::timestamptz FROM org o WHERE o.id = n.community_org_id AND n.status = 'open' AND n.escalated_at IS NULL AND n.created_at < ${before.toISOString()}::timestamptz
    RETURNING n.id, n.title, n.community_org_id, o.path::text AS community_path`);
}

/** Open needs that were escalated (the community's to dispatch by hand). */
export function escalatedOpen(q: Queryable) {
  return q.query<{ id: string; community_org_id: string; title: string; published_on: string }>(sql`
    SELECT n.id, n.community_org_id, n.title, to_char(n.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS published_on FROM need n
    WHERE n.status = 'open' AND n.escalated_at IS NOT NULL`);
}

// --- counters: verify and rebuild

const RAW = sql`SELECT v.id,
    (SELECT count(*) FROM need n WHERE n.claimed_by = v.id)::int AS claimed,
    (SELECT count(*) FROM need n WHERE n.claimed_by = v.id AND n.status IN ('completed', 'rated'))::int AS completed,
    coalesce((SELECT sum(n.rating) FROM need n WHERE n.claimed_by = v.id AND n.status = 'rated'), 0)::int AS rating_sum,
    (SELECT count(*) FROM need n WHERE n.claimed_by = v.id AND n.status = 'rated')::int AS rating_count
  FROM volunteer_profile v`;

export function counterDifferences(q: Queryable) {
  return q.query<{ id: string; name: string; claimed: number; raw_claimed: number; completed: number; raw_completed: number; rating_sum: number; raw_rating_sum: number; rating_count: number; raw_rating_count: number }>(sql`
    SELECT v.id, v.name, v.claimed, c.claimed AS raw_claimed, v.completed, c.completed AS raw_completed, v.rating_sum, c.rating_sum AS raw_rating_sum, v.rating_count, c.rating_count AS raw_rating_count
    FROM volunteer_profile v JOIN (${RAW}) c ON c.id = v.id
    WHERE (v.claimed, v.completed, v.rating_sum, v.rating_count) IS DISTINCT FROM (c.claimed, c.completed, c.rating_sum, c.rating_count) ORDER BY v.id`);
}

export function rebuildCounters(q: Queryable) {
  return q.exec(sql`UPDATE volunteer_profile v SET claimed = c.claimed, completed = c.completed, rating_sum = c.rating_sum, rating_count = c.rating_count FROM (${RAW}) c
    WHERE c.id = v.id AND (v.claimed, v.completed, v.rating_sum, v.rating_count) IS DISTINCT FROM (c.claimed, c.completed, c.rating_sum, c.rating_count)`);
}
