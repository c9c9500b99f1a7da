import type { Queryable } from '../../platform/db';
import { sql, type Sql } from '../../platform/sql';

// Every SQL statement of the centre's kiosk (活动中心大屏). A kiosk is seen from
// its org (alias `o`): scope conditions come from orgInScope on it. The board
// reads the centre's public data under the kiosk's org path.

export interface KioskRow {
  id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  name: string;
  signin_key: Buffer;
  created_at: Date;
  revoked_at: Date | null;
  last_seen_at: Date | null;
}

const COLUMNS = sql`k.id, k.org_id, o.name AS org_name, o.path::text AS org_path, k.name, k.signin_key, k.created_at, k.revoked_at, k.last_seen_at`;
const FROM = sql`FROM kiosk k JOIN org o ON o.id = k.org_id`;

export function orgOf(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; path: string; dissolved_on: string | null }>(sql`SELECT o.id, o.path::text AS path, o.dissolved_on::text FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

export async function insertKiosk(q: Queryable, v: { orgId: string; name: string; tokenHash: Buffer; key: Buffer; by: string | null; at: string }): Promise<string> {
  return (await q.one<{ id: string }>(sql`INSERT INTO kiosk (org_id, name, token_hash, signin_key, created_by, created_at)
    VALUES (${v.orgId}::uuid, ${v.name}, ${v.tokenHash}, ${v.key}, ${v.by}::uuid, ${v.at}::timestamptz) RETURNING id`)).id;
}

export function findKiosk(q: Queryable, id: string, scope: Sql, lock = false) {
  return q.maybeOne<KioskRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE k.id = ${id}::uuid AND ${scope} ${lock ? sql`FOR NO KEY UPDATE OF k` : sql``}`);
}

export function listKiosks(q: Queryable, scope: Sql, orgPath: string | null) {
  return q.query<KioskRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE ${scope} AND (${orgPath}::ltree IS NULL OR o.path <@ ${orgPath}::ltree)
    ORDER BY (k.revoked_at IS NULL) DESC, k.created_at DESC, k.id LIMIT 200`);
}

export async function revokeKiosk(q: Queryable, id: string, at: string) {
  await q.exec(sql`UPDATE kiosk SET revoked_at = ${at}::timestamptz WHERE id = ${id}::uuid AND revoked_at IS NULL`);
}

/** A live kiosk by its link's token hash (the public board: the token is the credential). */
export function kioskByToken(q: Queryable, tokenHash: Buffer) {
  return q.maybeOne<KioskRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE k.token_hash = ${tokenHash} AND k.revoked_at IS NULL AND o.dissolved_on IS NULL`);
}

/** A live kiosk by id (a scanned check-in code names it). */
export function liveKiosk(q: Queryable, id: string) {
  return q.maybeOne<KioskRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE k.id = ${id}::uuid AND k.revoked_at IS NULL`);
}

export async function touchKiosk(q: Queryable, id: string, at: string) {
  await q.exec(sql`UPDATE kiosk SET last_seen_at = ${at}::timestamptz WHERE id = ${id}::uuid AND (last_seen_at IS NULL OR last_seen_at < ${at}::timestamptz - interval '1 minute')`);
}

// --- the board: the centre's public data

/** Open activities of the orgs under the centre starting in [from, to), earliest first. */
export function activitiesBetween(q: Queryable, path: string, from: string, to: string) {
  return q.query<{ id: string; title: string; place: string; starts_at: Date; ends_at: Date; capacity: number; signed_up: number; club_name: string | null }>(sql`
    SELECT a.id, a.title, a.place, a.starts_at, a.ends_at, a.capacity, a.signed_up, c.name AS club_name
    FROM volunteer_activity a JOIN org o ON o.id = a.org_id LEFT JOIN club c ON c.id = a.club_id
    WHERE o.path <@ ${path}::ltree AND a.status = 'open' AND a.starts_at >= ${from}::timestamptz AND a.starts_at < ${to}::timestamptz
    ORDER BY a.starts_at, a.id LIMIT 30`);
}

/** Needs waiting for a volunteer in the centre's communities, newest first: no resident, no place. */
export function openNeeds(q: Queryable, path: string, limit: number) {
  return q.query<{ id: string; category: string; title: string; window_from: Date; window_to: Date; created_at: Date }>(sql`
    SELECT n.id, n.category, n.title, n.window_from, n.window_to, n.created_at FROM need n JOIN org o ON o.id = n.community_org_id
    WHERE o.path <@ ${path}::ltree AND n.status = 'open' ORDER BY n.created_at DESC, n.id LIMIT ${limit}`);
}

/** Items on sale today, in stock, supplied by the centre's organisations (picked up there). */
export function mallItems(q: Queryable, path: string, today: string) {
  return q.query<{ id: string; name: string; kind: string; points_price: number; stock: number; pickup_place: string }>(sql`
    SELECT i.id, i.name, i.kind, i.points_price, i.stock, i.pickup_place FROM mall_item i JOIN org o ON o.id = i.supplier_org_id
    WHERE o.path <@ ${path}::ltree AND i.status = 'on_sale' AND i.stock > 0 AND i.sale_from <= ${today}::date AND (i.sale_to IS NULL OR i.sale_to >= ${today}::date)
    ORDER BY i.points_price, i.name LIMIT 12`);
}

// --- check-in

/** An activity under the centre (any status), with its club. */
export function activityUnder(q: Queryable, activityId: string, path: string) {
  return q.maybeOne<{ id: string; title: string; status: string; starts_at: Date; ends_at: Date }>(sql`
    SELECT a.id, a.title, a.status, a.starts_at, a.ends_at FROM volunteer_activity a JOIN org o ON o.id = a.org_id WHERE a.id = ${activityId}::uuid AND o.path <@ ${path}::ltree`);
}

/** The caller's live place on the activity (by their person or resident record), locked. */
export function placeOf(q: Queryable, activityId: string, who: { personId: string | null; residentId: string | null }) {
  return q.maybeOne<{ id: string; status: string; arrived_at: Date | null }>(sql`SELECT s.id, s.status, s.arrived_at FROM volunteer_signup s
    WHERE s.activity_id = ${activityId}::uuid AND ${who.personId ? sql`s.person_id = ${who.personId}::uuid` : sql`s.resident_id = ${who.residentId}::uuid`} AND s.status <> 'withdrawn'
    FOR NO KEY UPDATE`);
}

export async function markArrived(q: Queryable, signupId: string, kioskId: string, at: string) {
  await q.exec(sql`UPDATE volunteer_signup SET arrived_at = ${at}::timestamptz, arrived_kiosk_id = ${kioskId}::uuid, updated_at = now() WHERE id = ${signupId}::uuid AND arrived_at IS NULL`);
}
