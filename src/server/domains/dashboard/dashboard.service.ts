import { LRUCache } from 'lru-cache';
import type { Deps } from '../../deps';
import type { Actor, ActorContext } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import { coversSubtree, orgInScope, topOrgInScope } from '../../platform/scope';
import type { Dashboard, GetDashboardQuery } from '../../../contracts/dashboard';
import { warningTicker } from '../warning';
import { dashboardTiles, sharedReads, type DashboardOrgRef } from './dashboard.registry';
import * as repo from './dashboard.repo';

// The big screen (大屏): one org's subtree in the viewer's scope — the tiles
// whose permission covers that subtree, each read from its module's rollups,
// the children to drill into, the breadcrumb, and the warning ticker.
//
// The figures (tiles, children, ticker) are kept in process for
// DASHBOARD_CACHE_SECONDS per org, business day and set of grants (QUALITY
// B1 allows 60 s of staleness after a write; screens poll, and many hang on
// the same org): concurrent requests for one key share one read, a failed
// read is not kept. The org and its trail are read on every request — that
// read is the scope check — so a viewer never sees a screen the grants no
// longer allow; `generatedAt` says when the figures were read.

const READ = 'member.read' as const;
const MAX_SCREENS = 500;

type Figures = Pick<Dashboard, 'children' | 'tiles' | 'ticker' | 'generatedAt'>;
interface FigureRequest {
  ctx: ActorContext;
  ref: DashboardOrgRef;
  today: string;
}

const caches = new WeakMap<Deps, LRUCache<string, Figures, FigureRequest>>();

function figureCache(deps: Deps) {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new LRUCache<string, Figures, FigureRequest>({
      max: MAX_SCREENS,
      ttl: deps.config.dashboardCacheSeconds * 1000,
      // the business clock (tests move it), read at every lookup
      perf: { now: () => deps.clock.now().getTime() },
      ttlResolution: 0,
      fetchMethod: async (_key, _stale, { context }) => readFigures(deps, context),
    });
    caches.set(deps, cache);
  }
  return cache;
}

/** What the figures depend on besides the org and the day: the viewer's grants (tiles shown, children, ticker scope). */
function grantsKey(actor: Actor): string {
  return actor.grants
    .map((g) => `${g.role}:${g.orgId ?? ''}:${g.scope}`)
    .sort()
    .join(',');
}

async function readFigures(deps: Deps, { ctx, ref, today }: FigureRequest): Promise<Figures> {
  const org = { id: ref.id, path: ref.path };
  const shared = sharedReads();
  const tiles = dashboardTiles().filter((t) => coversSubtree(ctx.actor, t.permission, org));
  const [children, bodies, ticker] = await Promise.all([
    coversSubtree(ctx.actor, READ, org) ? repo.childrenOf(deps.db, org.id) : Promise.resolve([]),
    Promise.all(tiles.map((t) => t.load(deps, ref, today, shared))),
    warningTicker(deps, ctx, org.path),
  ]);
  return { children, tiles: tiles.map((t, i) => ({ key: t.key, title: t.title, ...bodies[i] })), ticker, generatedAt: deps.clock.now().toISOString() };
}

export async function getDashboard(deps: Deps, ctx: ActorContext, query: GetDashboardQuery): Promise<Dashboard> {
  const scope = orgInScope(ctx.actor, READ);
  const top = query.orgId ? null : await topOrgInScope(deps.db, scope);
  // one read: the org and the ancestors the viewer sees (the org itself last, when in scope)
  const trail = await repo.trailOf(deps.db, query.orgId ?? top?.id ?? null, scope);
  const self = trail[trail.length - 1];
  if (!self || self.id !== (query.orgId ?? top?.id)) throw notFound();
  const today = deps.clock.today();
  const ref = { id: self.id, path: self.path, type: self.type };
  const request = { ctx, ref, today };
  const figures = deps.config.dashboardCacheSeconds > 0 ? await figureCache(deps).fetch(`${self.id}|${today}|${grantsKey(ctx.actor)}`, { context: request }) : await readFigures(deps, request);
  return {
    org: { id: self.id, name: self.name, type: self.type },
    trail: trail.map((o) => ({ id: o.id, name: o.name, type: o.type })),
    ...figures!,
    asOf: today,
  };
}
