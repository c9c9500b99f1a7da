import type { DataScope, Permission, Role } from '../../contracts/permissions';
import { ROLE_PERMISSIONS, ADMIN_ROLES } from '../../contracts/permissions';

export interface Grant {
  id: string;
  role: Role;
  orgId: string | null;
  orgPath: string | null;
  orgName: string | null;
  scope: DataScope;
}

export interface Actor {
  accountId: string;
  username: string;
  displayName: string;
  personId: string | null;
  grants: Grant[];
  isDemo: boolean;
}

/** Who is asking and from where; passed from routes to services for scope and audit. */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  actor: Actor | null;
}

/** The context of a signed-in request: every route other than a public one runs with an actor. */
export interface ActorContext extends RequestContext {
  actor: Actor;
}

export function grantsWith(actor: Actor, permission: Permission): Grant[] {
  return actor.grants.filter((g) => ROLE_PERMISSIONS[g.role].includes(permission));
}

export function can(actor: Actor | null, permission: Permission): boolean {
  return !!actor && grantsWith(actor, permission).length > 0;
}

export function permissionsOf(actor: Actor): Permission[] {
  const set = new Set<Permission>();
  for (const g of actor.grants) for (const p of ROLE_PERMISSIONS[g.role]) set.add(p);
  return [...set].sort();
}

export function isAdministrator(actor: Actor): boolean {
  return actor.grants.some((g) => ADMIN_ROLES.includes(g.role));
}

export function rolesLabel(actor: Actor | null): string | null {
  return actor ? [...new Set(actor.grants.map((g) => g.role))].join(',') : null;
}

/**
 * The orgs from which these grants' scopes start: each granted org, except
 * one that lies inside another grant's subtree, and except self-only grants.
 */
export function scopeRootOrgIds(grants: readonly Grant[]): string[] {
  const ids = grants
    .filter((g) => g.orgId && g.scope !== 'self')
    .filter((g) => !grants.some((o) => o !== g && o.scope === 'subtree' && o.orgPath && g.orgPath!.startsWith(o.orgPath + '.')))
    .map((g) => g.orgId!);
  return [...new Set(ids)];
}
