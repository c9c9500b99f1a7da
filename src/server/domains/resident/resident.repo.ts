import type { Queryable } from '../../platform/db';
import { likeText, sql, type Sql } from '../../platform/sql';

// Residents (群众): their profile rows, their registration codes, and the
// communities (村/社区) they choose from.

/**
 * A community: the topmost organisation of a 村 or 社区 (unit kind village or
 * community, its parent of another kind), not dissolved, not a 党小组.
 */
const IS_COMMUNITY = sql`o.unit_kind IN ('village','community') AND o.dissolved_on IS NULL AND o.type <> 'party_group'
  AND NOT EXISTS (SELECT 1 FROM org up WHERE up.id = o.parent_id AND up.unit_kind IN ('village','community'))`;

export interface CommunityRow {
  id: string;
  name: string;
  unit_name: string | null;
  path: string;
}

/** Public: communities by name or unit name (what a resident types), the first 20 by the tree's order. */
export function searchCommunities(q: Queryable, text: string | undefined) {
  const like = text ? `%${likeText(text)}%` : null;
  return q.query<CommunityRow>(sql`SELECT o.id, o.name, o.unit_name, o.path::text AS path FROM org o
    WHERE ${IS_COMMUNITY} AND (${like}::text IS NULL OR o.name LIKE ${like} OR o.unit_name LIKE ${like})
    ORDER BY o.path LIMIT 20`);
}

export function findCommunity(q: Queryable, id: string) {
  return q.maybeOne<CommunityRow>(sql`SELECT o.id, o.name, o.unit_name, o.path::text AS path FROM org o WHERE o.id = ${id}::uuid AND ${IS_COMMUNITY}`);
}

/** The grids a community answers for (its own organisation or one under it is responsible). */
export function gridsOfCommunities(q: Queryable, paths: string[]) {
  if (!paths.length) return Promise.resolve([]);
  return q.query<{ id: string; name: string; community_path: string }>(sql`
    SELECT a.id, a.name, c.path AS community_path FROM map_area a JOIN org r ON r.id = a.responsible_org_id
    JOIN unnest(${paths}::text[]) AS c(path) ON r.path <@ c.path::ltree
    WHERE a.kind = 'grid' AND a.deleted_at IS NULL ORDER BY a.code NULLS LAST, a.name`);
}

/** A grid of the community (its responsible org under the community) and its centre; null when it is not one of the community's. */
export function gridOfCommunity(q: Queryable, gridId: string, communityPath: string) {
  return q.maybeOne<{ id: string; name: string; lng: number; lat: number }>(sql`
    SELECT a.id, a.name, a.center_lng AS lng, a.center_lat AS lat FROM map_area a JOIN org r ON r.id = a.responsible_org_id
    WHERE a.id = ${gridId}::uuid AND a.kind = 'grid' AND a.deleted_at IS NULL AND r.path <@ ${communityPath}::ltree`);
}

// --- codes

export async function lockPhone(q: Queryable, phoneHash: Buffer): Promise<void> {
  // serialises the requests and registrations of one number (no row exists before registration)
  await q.exec(sql`SELECT pg_advisory_xact_lock(hashtext('resident_phone:' || encode(${phoneHash}::bytea, 'hex')))`);
}

export async function codesIssuedSince(q: Queryable, phoneHash: Buffer, minutes: number): Promise<number> {
  return (await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM phone_code
    WHERE purpose = 'resident_register' AND phone_hash = ${phoneHash} AND created_at > now() - make_interval(mins => ${minutes})`)).n;
}

export async function closeOpenCodes(q: Queryable, phoneHash: Buffer): Promise<void> {
  await q.exec(sql`UPDATE phone_code SET expires_at = least(expires_at, now())
    WHERE purpose = 'resident_register' AND phone_hash = ${phoneHash} AND used_at IS NULL AND expires_at > now()`);
}

export async function insertCode(q: Queryable, v: { id: string; phoneHash: Buffer; codeHash: Buffer; ttlMinutes: number }): Promise<void> {
  await q.exec(sql`INSERT INTO phone_code (id, purpose, phone_hash, code_hash, expires_at)
    VALUES (${v.id}::uuid, 'resident_register', ${v.phoneHash}, ${v.codeHash}, now() + make_interval(mins => ${v.ttlMinutes}))`);
}

/** The latest unused code of the number, locked; `is_live` by the database's clock. */
export function latestCode(q: Queryable, phoneHash: Buffer) {
  return q.maybeOne<{ id: string; code_hash: Buffer; attempts: number; is_live: boolean }>(sql`
    SELECT id, code_hash, attempts, expires_at > now() AS is_live FROM phone_code
    WHERE purpose = 'resident_register' AND phone_hash = ${phoneHash} AND used_at IS NULL ORDER BY created_at DESC LIMIT 1 FOR UPDATE`);
}

export async function countAttempt(q: Queryable, codeId: string): Promise<number> {
  return (await q.one<{ attempts: number }>(sql`UPDATE phone_code SET attempts = attempts + 1 WHERE id = ${codeId}::uuid RETURNING attempts`)).attempts;
}

export async function markCodeUsed(q: Queryable, codeId: string): Promise<void> {
  await q.exec(sql`UPDATE phone_code SET used_at = now() WHERE id = ${codeId}::uuid`);
}

// --- residents

export function residentByPhone(q: Queryable, phoneHash: Buffer) {
  return q.maybeOne<{ id: string }>(sql`SELECT id FROM resident WHERE phone_hash = ${phoneHash}`);
}

export function accountByUsername(q: Queryable, username: string) {
  return q.maybeOne<{ id: string }>(sql`SELECT id FROM account WHERE lower(username) = lower(${username})`);
}

export async function insertResident(q: Queryable, v: { accountId: string; name: string; phoneEnc: Buffer; phoneHash: Buffer; phoneMasked: string; communityId: string; gridId: string | null; address: string }): Promise<string> {
  return (await q.one<{ id: string }>(sql`INSERT INTO resident (account_id, name, phone_enc, phone_hash, phone_masked, community_org_id, grid_id, address)
    VALUES (${v.accountId}::uuid, ${v.name}, ${v.phoneEnc}, ${v.phoneHash}, ${v.phoneMasked}, ${v.communityId}::uuid, ${v.gridId}, ${v.address}) RETURNING id`)).id;
}

/** The resident's grant sits on their community (moved when they move). */
export async function placeResidentGrant(q: Queryable, accountId: string, communityId: string): Promise<void> {
  await q.exec(sql`UPDATE role_grant SET revoked_at = now() WHERE account_id = ${accountId}::uuid AND role = 'resident' AND revoked_at IS NULL AND org_id IS DISTINCT FROM ${communityId}::uuid`);
  await q.exec(sql`INSERT INTO role_grant (account_id, role, org_id, scope, granted_by) SELECT ${accountId}::uuid, 'resident', ${communityId}::uuid, 'self', ${accountId}::uuid
    WHERE NOT EXISTS (SELECT 1 FROM role_grant WHERE account_id = ${accountId}::uuid AND role = 'resident' AND revoked_at IS NULL)`);
}

export interface ResidentRow {
  id: string;
  account_id: string;
  name: string;
  phone_masked: string;
  community_org_id: string;
  community_name: string;
  grid_id: string | null;
  grid_name: string | null;
  address: string;
  created_at: Date;
  version: number;
}

const COLUMNS = sql`r.id, r.account_id, r.name, r.phone_masked, r.community_org_id, o.name AS community_name, r.grid_id, g.name AS grid_name, r.address, r.created_at, r.version`;
const FROM = sql`FROM resident r JOIN org o ON o.id = r.community_org_id LEFT JOIN map_area g ON g.id = r.grid_id AND g.deleted_at IS NULL`;

/** The signed-in resident's own row (by their account: a resident sees nothing else). */
export function residentOfAccount(q: Queryable, accountId: string, lock = false) {
  return q.maybeOne<ResidentRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE r.account_id = ${accountId}::uuid ${lock ? sql`FOR NO KEY UPDATE OF r` : sql``}`);
}

export async function updateResident(q: Queryable, id: string, v: { name: string; communityId: string; gridId: string | null; address: string }): Promise<void> {
  await q.exec(sql`UPDATE resident SET name = ${v.name}, community_org_id = ${v.communityId}::uuid, grid_id = ${v.gridId}, address = ${v.address},
    updated_at = now(), version = version + 1 WHERE id = ${id}::uuid`);
}

export async function setDisplayName(q: Queryable, accountId: string, name: string): Promise<void> {
  await q.exec(sql`UPDATE account SET display_name = ${name}, updated_at = now() WHERE id = ${accountId}::uuid`);
}

/** Residents whose community lies in the scope (a condition on `o`, the community's org), newest first. */
export async function listResidents(q: Queryable, scope: Sql, f: { orgPath?: string; gridId?: string; q?: string }, page: number, pageSize: number) {
  const like = f.q ? `%${likeText(f.q)}%` : null;
  const where = sql`${scope} AND (${f.orgPath ?? null}::ltree IS NULL OR o.path <@ ${f.orgPath ?? null}::ltree)
    AND (${f.gridId ?? null}::uuid IS NULL OR r.grid_id = ${f.gridId ?? null}::uuid)
    AND (${like}::text IS NULL OR r.name LIKE ${like} OR r.address LIKE ${like})`;
  const [rows, total] = await Promise.all([
    q.query<ResidentRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE ${where} ORDER BY r.created_at DESC, r.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`),
    q.one<{ n: string }>(sql`SELECT count(*) AS n ${FROM} WHERE ${where}`),
  ]);
  return { rows, total: Number(total.n) };
}
