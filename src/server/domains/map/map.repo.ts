import type { Queryable } from '../../platform/db';
import { likeText, raw, sql, type Sql } from '../../platform/sql';

// Every SQL statement of the party-building map. Scopes come from the service
// as conditions on an org aliased `o` (orgInScope); a subtree is an ltree
// path. Viewport reads filter org points by the (lng, lat) index.

export interface Viewport {
  w: number;
  s: number;
  e: number;
  n: number;
}

const MEMBERS_OF = (alias: string) => raw(`coalesce((SELECT sum(r.n) FROM member_rollup r WHERE r.org_id = ${alias}.id AND r.dimension = 'status' AND r.value IN ('full', 'probationary')), 0)::int`);

function inView(alias: string, v: Viewport | null): Sql {
  if (!v) return sql`${raw(alias)}.lng IS NOT NULL AND ${raw(alias)}.lat IS NOT NULL`;
  return sql`${raw(alias)}.lng BETWEEN ${v.w} AND ${v.e} AND ${raw(alias)}.lat BETWEEN ${v.s} AND ${v.n}`;
}

/** Org points (not dissolved, with coordinates) in the subtree, the scope and the view. */
function orgPointsWhere(path: string, scope: Sql, v: Viewport | null): Sql {
  return sql`o.dissolved_on IS NULL AND o.lng IS NOT NULL AND o.lat IS NOT NULL AND ${inView('o', v)} AND o.path <@ ${path}::ltree AND ${scope}`;
}

/**
 * How many org points lie in the subtree, the scope and the view, down to the
 * absolute depth `maxLevel` (null: every depth), counted no further than `cap`
 * (the level-of-detail probes only ask "more than the limit?").
 */
export async function countOrgPoints(q: Queryable, path: string, scope: Sql, v: Viewport | null, maxLevel: number | null, cap: number): Promise<number> {
  const r = await q.one<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM org o WHERE ${orgPointsWhere(path, scope, v)} AND ${upTo(maxLevel)} LIMIT ${cap}) x`);
  return r.n;
}

function upTo(maxLevel: number | null): Sql {
  return maxLevel === null ? raw('TRUE') : sql`nlevel(o.path) <= ${maxLevel}::int`;
}

/**
 * How many orgs a point stands for (`k`, joined to the org `o`): itself, or at
 * the level of detail's deepest level its whole live subtree (the org_type
 * rollup, which counts orgs without coordinates too).
 */
function weightJoin(maxLevel: number | null): Sql {
  if (maxLevel === null) return raw('CROSS JOIN LATERAL (SELECT 1 AS k) w');
  return sql`CROSS JOIN LATERAL (
    SELECT CASE WHEN nlevel(o.path) < ${maxLevel}::int THEN 1 ELSE greatest(coalesce(sum(t.n), 0), 1) END AS k
    FROM member_rollup t WHERE t.org_id = o.id AND t.dimension = 'org_type' AND nlevel(o.path) = ${maxLevel}::int) w`;
}

/** Up to `limit` org points with their subtree members (rollup) and latest index band. */
export function orgPoints(q: Queryable, path: string, scope: Sql, v: Viewport | null, limit: number) {
  return q.query<{ id: string; name: string; type: string; lng: number; lat: number; members: number; band: string | null }>(sql`
    SELECT o.id, o.name, o.type, o.lng, o.lat, ${MEMBERS_OF('o')} AS members,
      (SELECT b.band FROM branch_index b WHERE b.org_id = o.id AND b.period ~ '-Q' ORDER BY b.period DESC LIMIT 1) AS band
    FROM org o WHERE ${orgPointsWhere(path, scope, v)}
    ORDER BY nlevel(o.path), o.seq LIMIT ${limit}`);
}

/**
 * Org points grouped by map cell: how many orgs, where their (weighted) mean
 * lies. With a level of detail only orgs down to `maxLevel` are read, the
 * deepest standing for their subtree at their own point.
 */
export function orgClusters(q: Queryable, path: string, scope: Sql, v: Viewport | null, cell: number, maxLevel: number | null) {
  return q.query<{ lng: number; lat: number; count: number }>(sql`
    SELECT sum(o.lng * w.k) / sum(w.k) AS lng, sum(o.lat * w.k) / sum(w.k) AS lat, sum(w.k)::int AS count
    FROM org o ${weightJoin(maxLevel)} WHERE ${orgPointsWhere(path, scope, v)} AND ${upTo(maxLevel)}
    GROUP BY floor(o.lng / ${cell}::float8), floor(o.lat / ${cell}::float8)`);
}

/**
 * Members on the roll by map cell, from the member rollups (never person
 * rows): each org counts its own members, its subtree count less its
 * children's subtree counts, placed at the org's point. With a level of
 * detail an org at `maxLevel` counts its whole subtree (and the orgs in it).
 * Orgs in the subtree without coordinates or outside the view add nothing.
 */
export function densityCells(q: Queryable, path: string, scope: Sql, v: Viewport | null, cell: number, maxLevel: number | null) {
  const inner = maxLevel === null ? raw('TRUE') : sql`nlevel(o.path) < ${maxLevel}::int`;
  // per point, by index: its subtree members less (above the deepest level) its children's
  return q.query<{ lng: number; lat: number; members: number; count: number }>(sql`
    SELECT (c.gx + 0.5) * ${cell}::float8 AS lng, (c.gy + 0.5) * ${cell}::float8 AS lat, c.members::int AS members, c.count::int AS count FROM (
      SELECT floor(o.lng / ${cell}::float8) AS gx, floor(o.lat / ${cell}::float8) AS gy, sum(m.n) AS members, sum(w.k) AS count
      FROM org o ${weightJoin(maxLevel)}
      CROSS JOIN LATERAL (
        SELECT coalesce((SELECT sum(r.n) FROM member_rollup r WHERE r.org_id = o.id AND r.dimension = 'status' AND r.value IN ('full', 'probationary')), 0)
             - coalesce((SELECT sum(r.n) FROM org ch JOIN member_rollup r ON r.org_id = ch.id AND r.dimension = 'status' AND r.value IN ('full', 'probationary')
                         WHERE ch.parent_id = o.id AND ${inner}), 0) AS n) m
      WHERE ${orgPointsWhere(path, scope, v)} AND ${upTo(maxLevel)}
      GROUP BY 1, 2
    ) c WHERE c.members > 0`);
}

export interface AreaRow {
  id: string;
  kind: 'grid' | 'zone';
  org_id: string;
  org_name: string;
  responsible_org_id: string | null;
  responsible_org_name: string | null;
  name: string;
  code: string | null;
  residents: number | null;
  households: number | null;
  note: string | null;
  geometry: unknown;
  min_lng: number;
  min_lat: number;
  max_lng: number;
  max_lat: number;
  center_lng: number;
  center_lat: number;
  version: number;
}

const AREA_COLUMNS = raw(`a.id, a.kind, a.org_id, k.name AS org_name, a.responsible_org_id, ro.name AS responsible_org_name, a.name, a.code, a.residents, a.households, a.note,
  a.geometry, a.min_lng, a.min_lat, a.max_lng, a.max_lat, a.center_lng, a.center_lat, a.version`);

/**
 * An area is visible to whoever sees the committee keeping it or the org
 * responsible for it (a branch secretary sees the grid the branch answers for).
 */
function areaVisible(scope: Sql): Sql {
  return sql`(EXISTS (SELECT 1 FROM org o WHERE o.id = a.org_id AND ${scope}) OR EXISTS (SELECT 1 FROM org o WHERE o.id = a.responsible_org_id AND ${scope}))`;
}

/** Areas of the subtree (kept by or answered for by an org in it) crossing the view. */
export function areasIn(q: Queryable, path: string, scope: Sql, v: Viewport | null, kind: 'grid' | 'zone' | null, limit: number) {
  return q.query<AreaRow>(sql`
    SELECT ${AREA_COLUMNS} FROM map_area a JOIN org k ON k.id = a.org_id LEFT JOIN org ro ON ro.id = a.responsible_org_id
    WHERE a.deleted_at IS NULL AND ${kind ? sql`a.kind = ${kind}` : raw('TRUE')}
      AND (k.path <@ ${path}::ltree OR ro.path <@ ${path}::ltree) AND ${areaVisible(scope)}
      AND ${v ? sql`a.max_lng >= ${v.w} AND a.min_lng <= ${v.e} AND a.max_lat >= ${v.s} AND a.min_lat <= ${v.n}` : raw('TRUE')}
    ORDER BY a.kind DESC, a.name, a.id LIMIT ${limit}`);
}

/** Every zone (any scope) whose box contains one of the points: whether a grid is covered does not depend on who looks. */
export function zonesAround(q: Queryable, box: Viewport) {
  return q.query<{ id: string; geometry: unknown; min_lng: number; min_lat: number; max_lng: number; max_lat: number }>(sql`
    SELECT a.id, a.geometry, a.min_lng, a.min_lat, a.max_lng, a.max_lat FROM map_area a
    WHERE a.deleted_at IS NULL AND a.kind = 'zone' AND a.max_lng >= ${box.w} AND a.min_lng <= ${box.e} AND a.max_lat >= ${box.s} AND a.min_lat <= ${box.n}`);
}

export function findArea(q: Queryable, id: string, scope: Sql) {
  return q.maybeOne<AreaRow & { org_path: string }>(sql`
    SELECT ${AREA_COLUMNS}, k.path::text AS org_path FROM map_area a JOIN org k ON k.id = a.org_id LEFT JOIN org ro ON ro.id = a.responsible_org_id
    WHERE a.id = ${id}::uuid AND a.deleted_at IS NULL AND ${areaVisible(scope)}`);
}

export function findAreaByCode(q: Queryable, orgId: string, kind: string, code: string) {
  return q.maybeOne<{ id: string; version: number }>(sql`SELECT id, version FROM map_area WHERE org_id = ${orgId}::uuid AND kind = ${kind} AND code = ${code} AND deleted_at IS NULL`);
}

export interface AreaValues {
  kind: 'grid' | 'zone';
  orgId: string;
  responsibleOrgId: string | null;
  name: string;
  code: string | null;
  residents: number | null;
  households: number | null;
  note: string | null;
  geometry: unknown;
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
  centerLng: number;
  centerLat: number;
}

export async function insertArea(q: Queryable, v: AreaValues, createdBy: string | null): Promise<string> {
  const r = await q.one<{ id: string }>(sql`
    INSERT INTO map_area (kind, org_id, responsible_org_id, name, code, residents, households, note, geometry, min_lng, min_lat, max_lng, max_lat, center_lng, center_lat, created_by)
    VALUES (${v.kind}, ${v.orgId}, ${v.responsibleOrgId}, ${v.name}, ${v.code}, ${v.residents}, ${v.households}, ${v.note}, ${JSON.stringify(v.geometry)}::jsonb,
            ${v.minLng}, ${v.minLat}, ${v.maxLng}, ${v.maxLat}, ${v.centerLng}, ${v.centerLat}, ${createdBy})
    RETURNING id`);
  return r.id;
}

/** Updates an area at the version read; false when another write came first. */
export async function updateArea(q: Queryable, id: string, version: number, v: AreaValues): Promise<boolean> {
  const r = await q.query(sql`
    UPDATE map_area SET kind = ${v.kind}, org_id = ${v.orgId}, responsible_org_id = ${v.responsibleOrgId}, name = ${v.name}, code = ${v.code}, residents = ${v.residents},
      households = ${v.households}, note = ${v.note}, geometry = ${JSON.stringify(v.geometry)}::jsonb, min_lng = ${v.minLng}, min_lat = ${v.minLat}, max_lng = ${v.maxLng},
      max_lat = ${v.maxLat}, center_lng = ${v.centerLng}, center_lat = ${v.centerLat}, updated_at = now(), version = version + 1
    WHERE id = ${id}::uuid AND version = ${version} AND deleted_at IS NULL RETURNING id`);
  return r.length === 1;
}

export async function deleteArea(q: Queryable, id: string, version: number): Promise<boolean> {
  const r = await q.query(sql`UPDATE map_area SET deleted_at = now(), version = version + 1 WHERE id = ${id}::uuid AND version = ${version} AND deleted_at IS NULL RETURNING id`);
  if (r.length === 1) await q.exec(sql`UPDATE map_unit SET grid_id = NULL, updated_at = now() WHERE grid_id = ${id}::uuid`);
  return r.length === 1;
}

/** Units of the subtree (registered by an org in it) in the scope and the view. */
export function unitsIn(q: Queryable, path: string, scope: Sql, v: Viewport | null, limit: number) {
  return q.query<{ id: string; name: string; kind: string; lng: number; lat: number; party_org_id: string | null }>(sql`
    SELECT u.id, u.name, u.kind, u.lng, u.lat, u.party_org_id FROM map_unit u JOIN org o ON o.id = u.org_id
    WHERE o.path <@ ${path}::ltree AND ${scope} AND ${inView('u', v)}
    ORDER BY u.party_org_id IS NULL DESC, u.name, u.id LIMIT ${limit}`);
}

export interface UnitValues {
  orgId: string;
  gridId: string | null;
  partyOrgId: string | null;
  name: string;
  creditCode: string | null;
  kind: 'enterprise' | 'social';
  employees: number | null;
  partyMembers: number | null;
  address: string | null;
  lng: number | null;
  lat: number | null;
}

/** Inserts or (same committee and credit code, or same name without a code) updates a unit; whether it was new. */
export async function upsertUnit(q: Queryable, v: UnitValues): Promise<boolean> {
  const existing = await q.maybeOne<{ id: string }>(v.creditCode
    ? sql`SELECT id FROM map_unit WHERE org_id = ${v.orgId}::uuid AND credit_code = ${v.creditCode} FOR UPDATE`
    : sql`SELECT id FROM map_unit WHERE org_id = ${v.orgId}::uuid AND name = ${v.name} AND credit_code IS NULL FOR UPDATE`);
  if (existing) {
    await q.exec(sql`UPDATE map_unit SET grid_id = ${v.gridId}, party_org_id = ${v.partyOrgId}, name = ${v.name}, kind = ${v.kind}, employees = ${v.employees},
      party_members = ${v.partyMembers}, address = ${v.address}, lng = ${v.lng}, lat = ${v.lat}, updated_at = now() WHERE id = ${existing.id}::uuid`);
    return false;
  }
  await q.exec(sql`INSERT INTO map_unit (org_id, grid_id, party_org_id, name, credit_code, kind, employees, party_members, address, lng, lat)
    VALUES (${v.orgId}, ${v.gridId}, ${v.partyOrgId}, ${v.name}, ${v.creditCode}, ${v.kind}, ${v.employees}, ${v.partyMembers}, ${v.address}, ${v.lng}, ${v.lat})`);
  return true;
}

/** Grids of the subtree (null: all) the scope sees (for the blind spots), with their keeper's name. */
export function gridsOf(q: Queryable, path: string | null, scope: Sql) {
  return q.query<{ id: string; name: string; org_id: string; org_name: string; responsible_org_id: string | null; residents: number | null; households: number | null; center_lng: number; center_lat: number }>(sql`
    SELECT a.id, a.name, a.org_id, k.name AS org_name, a.responsible_org_id, a.residents, a.households, a.center_lng, a.center_lat
    FROM map_area a JOIN org k ON k.id = a.org_id
    WHERE a.deleted_at IS NULL AND a.kind = 'grid' AND ${path ? sql`k.path <@ ${path}::ltree` : raw('TRUE')} AND ${areaVisible(scope)}
    ORDER BY k.seq, a.name, a.id`);
}

/** Units without a party organisation in the subtree (null: all) the scope sees. */
export function unitsWithoutOrg(q: Queryable, path: string | null, scope: Sql) {
  return q.query<{ id: string; name: string; kind: string; org_id: string; org_name: string; grid_name: string | null; employees: number | null; party_members: number | null; credit_code: string | null; lng: number | null; lat: number | null }>(sql`
    SELECT u.id, u.name, u.kind, u.org_id, o.name AS org_name, g.name AS grid_name, u.employees, u.party_members, u.credit_code, u.lng, u.lat
    FROM map_unit u JOIN org o ON o.id = u.org_id LEFT JOIN map_area g ON g.id = u.grid_id AND g.deleted_at IS NULL
    WHERE u.party_org_id IS NULL AND ${path ? sql`o.path <@ ${path}::ltree` : raw('TRUE')} AND ${scope}
    ORDER BY u.party_members DESC NULLS LAST, u.employees DESC NULLS LAST, u.name, u.id`);
}

/** Grassroots org points (branch kinds) of the subtree in the scope: candidates for "the nearest party organisation". */
export function branchPoints(q: Queryable, path: string, scope: Sql) {
  return q.query<{ id: string; name: string; lng: number; lat: number }>(sql`
    SELECT o.id, o.name, o.lng, o.lat FROM org o
    WHERE o.dissolved_on IS NULL AND o.lng IS NOT NULL AND o.lat IS NOT NULL AND o.type IN ('branch', 'joint_branch', 'general_branch', 'temporary_branch')
      AND o.path <@ ${path}::ltree AND ${scope}`);
}

/** One org for its card: its secretary (masked phone as stored), members on the roll, the latest quarterly band. */
export function orgCard(q: Queryable, id: string, scope: Sql) {
  return q.maybeOne<{ id: string; name: string; type: string; address: string | null; lng: number | null; lat: number | null; version: number; members: number;
    secretary_name: string | null; secretary_phone: string | null; band: string | null; period: string | null }>(sql`
    SELECT o.id, o.name, o.type, o.address, o.lng, o.lat, o.version, ${MEMBERS_OF('o')} AS members,
      s.holder_name AS secretary_name, s.phone_masked AS secretary_phone, b.band, b.period
    FROM org o
    LEFT JOIN LATERAL (
      SELECT cp.holder_name, hp.phone_masked FROM org_committee c JOIN committee_post cp ON cp.committee_id = c.id AND cp.post = 'secretary'
      LEFT JOIN person hp ON hp.id = cp.person_id
      WHERE c.org_id = o.id AND c.ended_on IS NULL ORDER BY cp.created_at LIMIT 1) s ON TRUE
    LEFT JOIN LATERAL (SELECT bi.band, bi.period FROM branch_index bi WHERE bi.org_id = o.id AND bi.period ~ '-Q' ORDER BY bi.period DESC LIMIT 1) b ON TRUE
    WHERE o.id = ${id}::uuid AND ${scope}`);
}

export function areasAnsweredBy(q: Queryable, orgId: string) {
  return q.query<{ id: string; kind: 'grid' | 'zone'; name: string }>(sql`
    SELECT id, kind, name FROM map_area WHERE responsible_org_id = ${orgId}::uuid AND deleted_at IS NULL ORDER BY kind DESC, name LIMIT 50`);
}

/** Names containing the words: orgs (scope), areas (visible) and units (scope), in the subtree. */
export function searchNames(q: Queryable, path: string, scope: Sql, words: string, limit: number) {
  const like = `%${likeText(words)}%`;
  return q.query<{ kind: 'org' | 'grid' | 'zone' | 'unit'; id: string; name: string; lng: number | null; lat: number | null }>(sql`
    (SELECT 'org' AS kind, o.id, o.name, o.lng, o.lat FROM org o WHERE o.dissolved_on IS NULL AND o.name LIKE ${like} AND o.path <@ ${path}::ltree AND ${scope} ORDER BY nlevel(o.path), o.seq LIMIT ${limit})
    UNION ALL
    (SELECT a.kind, a.id, a.name, a.center_lng, a.center_lat FROM map_area a JOIN org k ON k.id = a.org_id
      WHERE a.deleted_at IS NULL AND a.name LIKE ${like} AND k.path <@ ${path}::ltree AND ${areaVisible(scope)} ORDER BY a.name LIMIT ${limit})
    UNION ALL
    (SELECT 'unit', u.id, u.name, u.lng, u.lat FROM map_unit u JOIN org o ON o.id = u.org_id WHERE u.name LIKE ${like} AND o.path <@ ${path}::ltree AND ${scope} ORDER BY u.name LIMIT ${limit})`);
}

/** The mean point of the subtree's orgs with coordinates (where the map opens when the top org has none). */
export function centreOf(q: Queryable, path: string) {
  return q.maybeOne<{ lng: number | null; lat: number | null }>(sql`
    SELECT avg(o.lng) AS lng, avg(o.lat) AS lat FROM org o WHERE o.path <@ ${path}::ltree AND o.lng IS NOT NULL AND o.lat IS NOT NULL AND o.dissolved_on IS NULL`);
}

/** An org (in scope) with its path, for checks of the committee keeping an area and of the responsible org. */
export function orgForArea(q: Queryable, id: string, scope: Sql) {
  return q.maybeOne<{ id: string; name: string; path: string; type: string }>(sql`SELECT o.id, o.name, o.path::text AS path, o.type FROM org o WHERE o.id = ${id}::uuid AND o.dissolved_on IS NULL AND ${scope}`);
}

/** Grids of a committee's subtree, to place imported units by their point. */
export function gridShapesUnder(q: Queryable, path: string) {
  return q.query<{ id: string; name: string; code: string | null; geometry: unknown; min_lng: number; min_lat: number; max_lng: number; max_lat: number }>(sql`
    SELECT a.id, a.name, a.code, a.geometry, a.min_lng, a.min_lat, a.max_lng, a.max_lat FROM map_area a JOIN org k ON k.id = a.org_id
    WHERE a.deleted_at IS NULL AND a.kind = 'grid' AND k.path <@ ${path}::ltree`);
}

/** Orgs of a subtree (null: anywhere in the scope) by exact name or code (the imports' 党组织 columns). */
export function orgsByNameOrCode(q: Queryable, path: string | null, scope: Sql, keys: string[]) {
  if (!keys.length) return Promise.resolve([]);
  return q.query<{ id: string; name: string; code: string | null }>(sql`
    SELECT o.id, o.name, o.code FROM org o WHERE o.dissolved_on IS NULL AND (o.name = ANY(${keys}::text[]) OR o.code = ANY(${keys}::text[])) AND ${path ? sql`o.path <@ ${path}::ltree` : raw('TRUE')} AND ${scope}`);
}

/** Where orgs are (those with coordinates). */
export function orgLocations(q: Queryable, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return q.query<{ id: string; lng: number; lat: number }>(sql`SELECT o.id, o.lng, o.lat FROM org o WHERE o.id = ANY(${ids}::uuid[]) AND o.lng IS NOT NULL AND o.lat IS NOT NULL`);
}
