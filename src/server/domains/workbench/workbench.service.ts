import type { Deps } from '../../deps';
import type { RequestContext } from '../../platform/actor';
import { can } from '../../platform/actor';
import type { Workbench } from '../../../contracts/workbench';
import { workbenchSources } from './workbench.registry';

/** Every registered section the caller may read, in order; each source scopes its own reads. */
export async function getWorkbench(deps: Deps, ctx: RequestContext): Promise<Workbench> {
  const actor = ctx.actor!;
  const mine = workbenchSources().filter((s) => s.permission === 'authenticated' || can(actor, s.permission));
  const bodies = await Promise.all(mine.map((s) => s.load(deps, ctx)));
  return { today: deps.clock.today(), sections: mine.map((s, i) => ({ key: s.key, title: s.title, ...bodies[i] })) };
}
