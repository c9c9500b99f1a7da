import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import { coversSubtree, findOrgInScope, orgInScope, topOrgInScope } from '../../platform/scope';
import type { Dashboard, GetDashboardQuery } from '../../../contracts/dashboard';
import { warningTicker } from '../warning';
import { dashboardTiles } from './dashboard.registry';
import * as repo from './dashboard.repo';

// The big screen (大屏): one org's subtree in the viewer's scope — the tiles
// whose permission covers that subtree, each read from its module's rollups,
// the children to drill into, the breadcrumb, and the warning ticker.

const READ = 'member.read' as const;

export async function getDashboard(deps: Deps, ctx: ActorContext, query: GetDashboardQuery): Promise<Dashboard> {
  const scope = orgInScope(ctx.actor, READ);
  const org = query.orgId ? await findOrgInScope(deps.db, query.orgId, scope) : await topOrgInScope(deps.db, scope);
  if (!org) throw notFound();
  const today = deps.clock.today();
  const trail = await repo.trailOf(deps.db, org.path, scope);
  const self = trail[trail.length - 1];
  const ref = { id: org.id, path: org.path, type: self.type };
  const tiles = dashboardTiles().filter((t) => coversSubtree(ctx.actor, t.permission, org));
  const [children, bodies, ticker] = await Promise.all([
    coversSubtree(ctx.actor, READ, org) ? repo.childrenOf(deps.db, org.id) : Promise.resolve([]),
    Promise.all(tiles.map((t) => t.load(deps, ref, today))),
    warningTicker(deps, ctx, org.path),
  ]);
  return {
    org: { id: org.id, name: org.name, type: self.type },
    trail,
    children,
    tiles: tiles.map((t, i) => ({ key: t.key, title: t.title, ...bodies[i] })),
    ticker,
    asOf: today,
    generatedAt: deps.clock.now().toISOString(),
  };
}
