import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { can } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import { findOrgInScope, orgInScope, orgPathInScope } from '../../platform/scope';
import type { GetWorkbenchQuery, Workbench } from '../../../contracts/workbench';
import { workbenchSources, type WorkbenchOrg } from './workbench.registry';

/**
 * Every registered section the caller may read, in order; each source scopes
 * its own reads. Narrowed to an org (the header's org switcher): the org must
 * be one the caller sees (else 404, like any object out of scope), and a
 * section whose permission does not reach that org is left out.
 */
export async function getWorkbench(deps: Deps, ctx: ActorContext, query: GetWorkbenchQuery): Promise<Workbench> {
  const actor = ctx.actor;
  let under: WorkbenchOrg | null = null;
  if (query.orgId) {
    under = await findOrgInScope(deps.db, query.orgId, orgInScope(actor, 'org.read'));
    if (!under) throw notFound();
  }
  const mine = workbenchSources().filter((s) => {
    if (s.permission === 'authenticated') return true;
    if (!can(actor, s.permission)) return false;
    return !under || orgPathInScope(actor, s.permission, under.id, under.path);
  });
  const bodies = await Promise.all(mine.map((s) => s.load(deps, ctx, under)));
  return { today: deps.clock.today(), sections: mine.map((s, i) => ({ key: s.key, title: s.title, ...bodies[i] })) };
}
