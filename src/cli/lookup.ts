import type { Deps } from '../server/deps';
import { findAccountByUsername } from '../server/domains/admin';
import { findOrgRefByCode, findOrgRefById } from '../server/domains/org';
import { can, type Actor } from '../server/platform/actor';
import { actorOf } from '../server/domains/member';
import type { Permission } from '../contracts/permissions';
import { CliError, UUID_RE } from './shared';

// Look-ups by the names operators type: usernames, org ids or codes.

export interface OrgHit {
  id: string;
  name: string;
  code: string | null;
}

/** An existing, not dissolved org by id or by org code. */
export async function findOrg(deps: Deps, ref: string): Promise<OrgHit> {
  const org = UUID_RE.test(ref)
    ? await findOrgRefById(deps.db, ref)
    : await findOrgRefByCode(deps.db, ref);
  if (!org) throw new CliError(`No organisation with id or code "${ref}".`);
  if (org.dissolved_on) throw new CliError(`Organisation ${org.name} (${ref}) was dissolved on ${org.dissolved_on}.`);
  return { id: org.id, name: org.name, code: org.code };
}

export async function findAccountId(deps: Deps, username: string): Promise<{ id: string; is_disabled: boolean } | null> {
  return findAccountByUsername(deps.db, username);
}

/** The actor the CLI acts as (`--as USERNAME`): enabled and holding the permission. */
export async function actorFor(deps: Deps, username: string, permission: Permission): Promise<Actor> {
  const acc = await findAccountId(deps, username);
  if (!acc) throw new CliError(`No account named "${username}".`);
  if (acc.is_disabled) throw new CliError(`Account "${username}" is disabled.`);
  const actor = await actorOf(deps, acc.id);
  if (!can(actor, permission)) throw new CliError(`Account "${username}" does not have the permission ${permission}.`);
  return actor;
}
