import type { Queryable } from '../../platform/db';
import { sql, raw, type Sql } from '../../platform/sql';
import type { OrgType, UnitKind, CommitteePost } from '../../../contracts/dict';

export interface OrgRow {
  id: string;
  parent_id: string | null;
  path: string;
  type: OrgType;
  name: string;
  code: string | null;
  unit_name: string | null;
  unit_kind: UnitKind;
  address: string | null;
  lng: number | null;
  lat: number | null;
  setup_date: string | null;
  dissolved_on: string | null;
  dissolve_reason: string | null;
  region_key: string | null;
  version: number;
}

const ORG_COLUMNS = raw(`o.id, o.parent_id, o.path::text AS path, o.type, o.name, o.code, o.unit_name, o.unit_kind, o.address, o.lng, o.lat,
  o.setup_date, o.dissolved_on, o.dissolve_reason, o.region_key, o.version`);

/** One org by id, only if `scope` (a condition on alias o) admits it. */
export function findOrg(q: Queryable, id: string, scope: Sql, forUpdate = false) {
  return q.maybeOne<OrgRow>(sql`SELECT ${ORG_COLUMNS} FROM org o WHERE o.id = ${id}::uuid AND ${scope} ${raw(forUpdate ? 'FOR UPDATE' : '')}`);
}

export interface OrgSummaryRow {
  id: string;
  parent_id: string | null;
  type: OrgType;
  name: string;
  code: string | null;
  dissolved_on: string | null;
  has_children: boolean;
  member_count: number;
}

const SUMMARY = raw(`o.id, o.parent_id, o.type, o.name, o.code, o.dissolved_on,
  EXISTS (SELECT 1 FROM org c WHERE c.parent_id = o.id) AS has_children,
  (SELECT count(*)::int FROM person p WHERE p.org_id = o.id AND p.is_current) AS member_count`);

export function listChildren(q: Queryable, parentId: string, scope: Sql, includeDissolved: boolean) {
  return q.query<OrgSummaryRow>(sql`SELECT ${SUMMARY} FROM org o
    WHERE o.parent_id = ${parentId}::uuid AND ${scope} AND (${includeDissolved} OR o.dissolved_on IS NULL)
    ORDER BY o.sort_order, o.seq`);
}

export function listByIds(q: Queryable, ids: string[], scope: Sql) {
  return q.query<OrgSummaryRow>(sql`SELECT ${SUMMARY} FROM org o WHERE o.id = ANY(${ids}::uuid[]) AND ${scope} ORDER BY o.path`);
}

export function listTopLevel(q: Queryable, scope: Sql) {
  return q.query<OrgSummaryRow>(sql`SELECT ${SUMMARY} FROM org o WHERE o.parent_id IS NULL AND ${scope} ORDER BY o.sort_order, o.seq`);
}

const nameContains = (text: string) => sql`o.name ILIKE ${'%' + text.replace(/[%_\\]/g, '\\$&') + '%'}`;

export function searchOrgs(q: Queryable, text: string, scope: Sql, limit: number) {
  return q.query<OrgSummaryRow>(sql`SELECT ${SUMMARY} FROM org o WHERE ${nameContains(text)} AND ${scope}
    ORDER BY o.dissolved_on NULLS FIRST, nlevel(o.path), o.name LIMIT ${limit}`);
}

export async function countOrgsByName(q: Queryable, text: string, scope: Sql): Promise<number> {
  return (await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM org o WHERE ${nameContains(text)} AND ${scope}`)).n;
}

export function ancestorsOf(q: Queryable, path: string, scope: Sql) {
  return q.query<{ id: string; name: string }>(sql`SELECT o.id, o.name FROM org o WHERE o.path @> ${path}::ltree AND o.path <> ${path}::ltree AND ${scope} ORDER BY nlevel(o.path)`);
}

export function memberCounts(q: Queryable, orgId: string, path: string) {
  return q.one<{ full_members: number; probationary_members: number; subtree_members: number; subtree_applicants: number }>(sql`
    SELECT count(*) FILTER (WHERE p.org_id = ${orgId}::uuid AND p.status = 'full')::int AS full_members,
           count(*) FILTER (WHERE p.org_id = ${orgId}::uuid AND p.status = 'probationary')::int AS probationary_members,
           count(*) FILTER (WHERE p.is_current)::int AS subtree_members,
           -- people in the development pipeline keep an org too: it cannot be dissolved under them
           count(*) FILTER (WHERE NOT p.is_current)::int AS subtree_applicants
    FROM person p JOIN org o ON o.id = p.org_id
    WHERE p.status IN ('probationary','full','applicant','activist','candidate') AND o.path <@ ${path}::ltree`);
}

export async function insertOrg(q: Queryable, v: {
  parentId: string; parentPath: string; regionKey: string | null; type: OrgType; name: string; code: string | null; unitName: string | null;
  unitKind: UnitKind; address: string | null; lng: number | null; lat: number | null; setupDate: string | null;
}): Promise<string> {
  const { seq } = await q.one<{ seq: number }>(sql`SELECT nextval(pg_get_serial_sequence('org', 'seq'))::bigint AS seq`);
  const r = await q.one<{ id: string }>(sql`INSERT INTO org (seq, parent_id, path, type, name, code, unit_name, unit_kind, address, lng, lat, setup_date, region_key)
    VALUES (${seq}, ${v.parentId}, (${v.parentPath} || '.' || ${String(seq)})::ltree, ${v.type}, ${v.name}, ${v.code}, ${v.unitName}, ${v.unitKind},
            ${v.address}, ${v.lng}, ${v.lat}, ${v.setupDate}, ${v.regionKey})
    RETURNING id`);
  return r.id;
}

export async function insertRootOrg(q: Queryable, v: { type: OrgType; name: string; code: string | null; unitName: string | null; unitKind: UnitKind; address: string | null; setupDate: string | null; lng?: number | null; lat?: number | null }): Promise<string> {
  const { seq } = await q.one<{ seq: number }>(sql`SELECT nextval(pg_get_serial_sequence('org', 'seq'))::bigint AS seq`);
  const r = await q.one<{ id: string }>(sql`INSERT INTO org (seq, parent_id, path, type, name, code, unit_name, unit_kind, address, setup_date, lng, lat)
    VALUES (${seq}, NULL, ${String(seq)}::ltree, ${v.type}, ${v.name}, ${v.code}, ${v.unitName}, ${v.unitKind}, ${v.address}, ${v.setupDate}, ${v.lng ?? null}, ${v.lat ?? null}) RETURNING id`);
  await q.exec(sql`UPDATE org SET region_key = id WHERE id = ${r.id}`);
  return r.id;
}

export async function updateOrg(q: Queryable, id: string, version: number, patch: Record<string, unknown>): Promise<boolean> {
  const columns: Record<string, string> = {
    type: 'type', name: 'name', code: 'code', unitName: 'unit_name', unitKind: 'unit_kind', address: 'address', lng: 'lng', lat: 'lat', setupDate: 'setup_date',
  };
  const sets: Sql[] = [];
  for (const [k, col] of Object.entries(columns)) if (k in patch && patch[k] !== undefined) sets.push(sql`${raw(col)} = ${patch[k] ?? null}`);
  sets.push(sql`updated_at = now()`, sql`version = version + 1`);
  const setSql = sets.reduce((acc, s, i) => (i === 0 ? s : sql`${acc}, ${s}`));
  return (await q.exec(sql`UPDATE org SET ${setSql} WHERE id = ${id} AND version = ${version}`)) === 1;
}

/** Re-paths the whole subtree under the new parent in one statement. */
export async function moveSubtree(q: Queryable, org: OrgRow, newParent: OrgRow) {
  await q.exec(sql`UPDATE org SET
      path = ${newParent.path}::ltree || subpath(path, nlevel(${org.path}::ltree) - 1),
      region_key = ${newParent.region_key},
      parent_id = CASE WHEN id = ${org.id}::uuid THEN ${newParent.id}::uuid ELSE parent_id END,
      version = CASE WHEN id = ${org.id}::uuid THEN version + 1 ELSE version END,
      updated_at = now()
    WHERE path <@ ${org.path}::ltree`);
  await q.exec(sql`UPDATE person p SET region_key = ${newParent.region_key} FROM org o
    WHERE o.id = p.org_id AND o.path <@ (${newParent.path}::ltree || subpath(${org.path}::ltree, nlevel(${org.path}::ltree) - 1))`);
}

export async function dissolveOrg(q: Queryable, id: string, version: number, on: string, reason: string) {
  return (await q.exec(sql`UPDATE org SET dissolved_on = ${on}, dissolve_reason = ${reason}, version = version + 1, updated_at = now() WHERE id = ${id} AND version = ${version}`)) === 1;
}

export function countActiveChildren(q: Queryable, id: string) {
  return q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM org WHERE parent_id = ${id} AND dissolved_on IS NULL`);
}

export async function insertOrgEvent(q: Queryable, orgId: string, kind: string, actorId: string | null, detail: Record<string, unknown>) {
  await q.exec(sql`INSERT INTO org_event (org_id, kind, actor_id, detail) VALUES (${orgId}, ${kind}, ${actorId}, ${JSON.stringify(detail)}::jsonb)`);
}

export interface CommitteeRow { id: string; elected_on: string; term_years: number; term_ends_on: string }
export interface PostRow { id: string; committee_id: string; post: CommitteePost; holder_name: string; person_id: string | null; approved_on: string | null }

export async function currentCommittee(q: Queryable, orgId: string) {
  const c = await q.maybeOne<CommitteeRow>(sql`SELECT id, elected_on, term_years, term_ends_on FROM org_committee WHERE org_id = ${orgId} AND ended_on IS NULL`);
  if (!c) return null;
  const posts = await q.query<PostRow & { holder_current: boolean }>(sql`SELECT id, committee_id, post, holder_name, person_id, approved_on,
      (person_id IS NULL OR EXISTS (SELECT 1 FROM person hp WHERE hp.id = committee_post.person_id AND hp.is_current)) AS holder_current
    FROM committee_post WHERE committee_id = ${c.id}
    ORDER BY array_position(ARRAY['secretary','deputy_secretary','organisation','propaganda','discipline','member'], post), created_at`);
  return { ...c, posts };
}

export async function endCommittee(q: Queryable, orgId: string, on: string) {
  await q.exec(sql`UPDATE org_committee SET ended_on = ${on} WHERE org_id = ${orgId} AND ended_on IS NULL`);
}

export async function insertCommittee(q: Queryable, orgId: string, electedOn: string, termYears: number, termEndsOn: string) {
  return (await q.one<{ id: string }>(sql`INSERT INTO org_committee (org_id, elected_on, term_years, term_ends_on) VALUES (${orgId}, ${electedOn}, ${termYears}, ${termEndsOn}) RETURNING id`)).id;
}

export async function insertPost(q: Queryable, committeeId: string, p: { post: CommitteePost; holderName: string; personId: string | null; approvedOn: string | null }) {
  await q.exec(sql`INSERT INTO committee_post (committee_id, post, holder_name, person_id, approved_on) VALUES (${committeeId}, ${p.post}, ${p.holderName}, ${p.personId}, ${p.approvedOn})`);
}

export function personInOrg(q: Queryable, personId: string, orgPath: string) {
  return q.maybeOne<{ id: string }>(sql`SELECT p.id FROM person p JOIN org o ON o.id = p.org_id WHERE p.id = ${personId} AND p.is_current AND o.path <@ ${orgPath}::ltree`);
}

export interface SetupFactsRow {
  id: string; name: string; type: OrgType; path: string; full_members: number; probationary_members: number; term_ends_on: string | null; post_count: number; has_secretary: boolean;
}

/** The facts the setup checks need, for every open org (party groups aside) matching `scope`. */
export function setupFactsIn(q: Queryable, scope: Sql, underPath: string | null) {
  return q.query<SetupFactsRow>(sql`
    SELECT o.id, o.name, o.type, o.path::text AS path,
           coalesce(m.full_members, 0) AS full_members, coalesce(m.probationary_members, 0) AS probationary_members,
           c.term_ends_on, coalesce((SELECT count(*)::int FROM committee_post cp WHERE cp.committee_id = c.id), 0) AS post_count,
           EXISTS (SELECT 1 FROM committee_post cp LEFT JOIN person hp ON hp.id = cp.person_id
                   WHERE cp.committee_id = c.id AND cp.post = 'secretary' AND (cp.person_id IS NULL OR hp.is_current)) AS has_secretary
    FROM org o
    LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE p.status = 'full')::int AS full_members, count(*) FILTER (WHERE p.status = 'probationary')::int AS probationary_members
                       FROM person p WHERE p.org_id = o.id AND p.is_current) m ON true
    LEFT JOIN org_committee c ON c.org_id = o.id AND c.ended_on IS NULL
    WHERE ${scope} AND o.dissolved_on IS NULL AND o.type <> 'party_group' AND (${underPath}::ltree IS NULL OR o.path <@ ${underPath}::ltree)
    ORDER BY o.path`);
}

export interface DueCommitteeRow { org_id: string; org_name: string; path: string; committee_id: string; term_ends_on: string }

/** Open committees of live orgs whose term ends on or before `until` (the reminder job's candidates; installation-wide, no actor). */
export function listCommitteesEndingBy(q: Queryable, until: string) {
  return q.query<DueCommitteeRow>(sql`
    SELECT o.id AS org_id, o.name AS org_name, o.path::text AS path, c.id AS committee_id, c.term_ends_on
    FROM org_committee c JOIN org o ON o.id = c.org_id
    WHERE c.ended_on IS NULL AND o.dissolved_on IS NULL AND c.term_ends_on <= ${until}::date`);
}

/** Records that a reminder went out; false when it already had (notify once per object and period). */
export async function insertReminderLog(q: Queryable, kind: string, objectId: string, periodKey: string): Promise<boolean> {
  const fresh = await q.maybeOne(sql`INSERT INTO reminder_log (kind, object_id, period_key) VALUES (${kind}, ${objectId}, ${periodKey})
        ON CONFLICT DO NOTHING RETURNING kind`);
  return !!fresh;
}

export interface OrgRefRow { id: string; name: string; code: string | null; dissolved_on: string | null }

/** An org by id, dissolved or not (installation-wide: the operator CLI has no actor scope). */
export function findOrgRefById(q: Queryable, id: string) {
  return q.maybeOne<OrgRefRow>(sql`SELECT id, name, code, dissolved_on FROM org WHERE id = ${id}::uuid`);
}

/** An org by its code, dissolved or not (installation-wide: the operator CLI has no actor scope). */
export function findOrgRefByCode(q: Queryable, code: string) {
  return q.maybeOne<OrgRefRow>(sql`SELECT id, name, code, dissolved_on FROM org WHERE code = ${code}`);
}

/**
 * Moves take a transaction-level advisory lock so that two concurrent moves
 * cannot interleave their re-pathing of overlapping subtrees.
 */
export async function lockTreeForMove(q: Queryable): Promise<void> {
  await q.exec(raw('SELECT pg_advisory_xact_lock(727276)'));
}

/** The committee of each org in office on a day, with whether it has a secretary and when its term ends (for the branch index). */
export function committeesOn(q: Queryable, orgIds: readonly string[], day: string) {
  return q.query<{ org_id: string; term_ends_on: string; has_secretary: boolean }>(sql`
    SELECT DISTINCT ON (c.org_id) c.org_id, c.term_ends_on::text AS term_ends_on,
      EXISTS (SELECT 1 FROM committee_post p WHERE p.committee_id = c.id AND p.post = 'secretary') AS has_secretary
    FROM org_committee c WHERE c.org_id = ANY(${orgIds as string[]}::uuid[]) AND c.elected_on <= ${day}::date AND (c.ended_on IS NULL OR c.ended_on > ${day}::date)
    ORDER BY c.org_id, c.elected_on DESC`);
}
