import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import { coversSubtree, orgInScope, topOrgInScope } from '../../platform/scope';
import type { Dashboard, GetDashboardQuery } from '../../../contracts/dashboard';
import { warningTicker } from '../warning';
import { dashboardTiles, sharedReads } from './dashboard.registry';
import * as repo from './dashboard.repo';

// The big screen (大屏): one org's subtree in the viewer's scope — the tiles
// whose permission covers that subtree, each read from its module's rollups,
// the children to drill into, the breadcrumb, and the warning ticker.

const READ = 'member.read' as const;

export async function getDashboard(deps: Deps, ctx: ActorContext, query: GetDashboardQuery): Promise<Dashboard> {
  const scope = orgInScope(ctx.actor, READ);
  const top = query.orgId ? null : await topOrgInScope(deps.db, scope);
  // one read: the org and the ancestors the viewer sees (the org itself last, when in scope)
  const trail = await repo.trailOf(deps.db, query.orgId ?? top?.id ?? null, scope);
  const self = trail[trail.length - 1];
  if (!self || self.id !== (query.orgId ?? top?.id)) throw notFound();
  const org = { id: self.id, name: self.name, path: self.path };
  const today = deps.clock.today();
  const ref = { id: org.id, path: org.path, type: self.type };
  const shared = sharedReads();
  const tiles = dashboardTiles().filter((t) => coversSubtree(ctx.actor, t.permission, org));
  const [children, bodies, ticker] = await Promise.all([
    coversSubtree(ctx.actor, READ, org) ? repo.childrenOf(deps.db, org.id) : Promise.resolve([]),
    Promise.all(tiles.map((t) => t.load(deps, ref, today, shared))),
    warningTicker(deps, ctx, org.path),
  ]);
  return {
    org: { id: org.id, name: org.name, type: self.type },
    trail: trail.map((o) => ({ id: o.id, name: o.name, type: o.type })),
    children,
    tiles: tiles.map((t, i) => ({ key: t.key, title: t.title, ...bodies[i] })),
    ticker,
    asOf: today,
    generatedAt: deps.clock.now().toISOString(),
  };
}
