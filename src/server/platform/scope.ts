import type { Permission } from '../../contracts/permissions';
import { can, grantsWith, type Actor } from './actor';
import type { Queryable } from './db';
import { raw, sql, join, type Sql } from './sql';

// Data scope inside the query. Every repository that reads or writes scoped
// data builds its WHERE clause with these helpers; an object outside the
// actor's scope is simply not found (404), and is absent from lists, counts
// and exports. A grant with no org (administrators) covers the whole tree.

/** Condition on an org row aliased `alias` (columns id, path). */
export function orgInScope(actor: Actor, permission: Permission, alias = 'o'): Sql {
  const parts: Sql[] = [];
  for (const g of grantsWith(actor, permission)) {
    if (g.orgId === null) return raw('TRUE');
    if (g.scope === 'subtree') parts.push(sql`${raw(alias)}.path <@ ${g.orgPath}::ltree`);
    else if (g.scope === 'node') parts.push(sql`${raw(alias)}.id = ${g.orgId}::uuid`);
  }
  return parts.length ? sql`(${join(parts, ' OR ')})` : raw('FALSE');
}

/**
 * Condition on a person row `p` joined to its org `o`: subtree/node grants
 * cover persons whose formal relation sits in scope; a self grant covers the
 * actor's own person record.
 */
export function personInScope(actor: Actor, permission: Permission, personAlias = 'p', orgAlias = 'o'): Sql {
  const parts: Sql[] = [];
  for (const g of grantsWith(actor, permission)) {
    if (g.orgId === null) return raw('TRUE');
    if (g.scope === 'subtree') parts.push(sql`${raw(orgAlias)}.path <@ ${g.orgPath}::ltree`);
    else if (g.scope === 'node') parts.push(sql`${raw(orgAlias)}.id = ${g.orgId}::uuid`);
    else if (g.scope === 'self' && actor.personId) parts.push(sql`${raw(personAlias)}.id = ${actor.personId}::uuid`);
  }
  return parts.length ? sql`(${join(parts, ' OR ')})` : raw('FALSE');
}

/** Whether an org path is inside the actor's scope for a permission (checked in memory). */
export function orgPathInScope(actor: Actor, permission: Permission, orgId: string, orgPath: string): boolean {
  return grantsWith(actor, permission).some((g) => {
    if (g.orgId === null) return true;
    if (g.scope === 'subtree') return orgPath === g.orgPath || orgPath.startsWith(g.orgPath + '.');
    if (g.scope === 'node') return orgId === g.orgId;
    return false;
  });
}

/** Whether the actor holds a permission and the org lies in its scope for it: "may this actor do P on this org". */
export function covers(actor: Actor, permission: Permission, org: { id: string; path: string }): boolean {
  return can(actor, permission) && orgPathInScope(actor, permission, org.id, org.path);
}

/**
 * Whether the actor's permission covers the org's whole subtree (checked in
 * memory): a grant with no org, or a subtree grant on the org itself or on an
 * org above it (its path is an ancestor-or-self of the org's path). A node
 * grant never covers a subtree, not even on the org itself (it covers the org
 * alone); a self grant covers no org. Holding such a grant implies holding the
 * permission, so no separate can() check is needed.
 */
export function coversSubtree(actor: Actor, permission: Permission, org: { path: string }): boolean {
  return grantsWith(actor, permission).some((g) => g.orgId === null || (g.scope === 'subtree' && (org.path === g.orgPath || org.path.startsWith(`${g.orgPath}.`))));
}

/**
 * The one named escape hatch from data scope: the TRUE condition, for a read or
 * write that is deliberately not limited to an actor. The reason is required and
 * says why (it documents the call site; an empty reason is a programming error).
 */
export function unscoped(reason: string): Sql {
  if (!reason.trim()) throw new Error('unscoped() needs a reason');
  return raw('TRUE');
}

/** An org as the scope helpers find it. */
export interface OrgRef {
  id: string;
  name: string;
  path: string;
}

/** One org by id inside a scope condition on `o` (from orgInScope), or null: out of scope is not found. */
export function findOrgInScope(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<OrgRef>(sql`SELECT o.id, o.name, o.path::text AS path FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

/** The widest org a scope sees: the shallowest, then by name (where a page starts when no org is chosen). */
export function topOrgInScope(q: Queryable, scope: Sql) {
  return q.prepared<OrgRef>('top_org_in_scope', sql`SELECT o.id, o.name, o.path::text AS path FROM org o WHERE ${scope} ORDER BY nlevel(o.path), o.name LIMIT 1`).then((rows) => rows[0] ?? null);
}
