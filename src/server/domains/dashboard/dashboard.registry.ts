import type { Deps } from '../../deps';
import type { Permission } from '../../../contracts/permissions';
import type { DashboardTile } from '../../../contracts/dashboard';

// The big screen's tiles (issue 15). Each module registers its own tile
// (`<domain>.dashboard.ts`, gathered in src/server/dashboard-tiles.ts), read
// from its own rollups for one org's whole subtree; the screen shows a tile
// only to a viewer whose permission covers that subtree. A tile never names a
// member (the screen hangs in public rooms).

/** The org the screen shows (already checked to lie in the viewer's scope). */
export interface DashboardOrgRef {
  id: string;
  path: string;
  type: string;
}

export interface DashboardTileSource {
  key: string;
  title: string;
  permission: Permission;
  /** where the tile stands (smaller first) */
  order: number;
  load(deps: Deps, org: DashboardOrgRef, today: string, shared: SharedReads): Promise<Omit<DashboardTile, 'key' | 'title'>>;
}

/** Reads several tiles of one screen share (the member rollups of the subtree): made once per screen. */
export type SharedReads = <T>(key: string, read: () => Promise<T>) => Promise<T>;

export function sharedReads(): SharedReads {
  const made = new Map<string, Promise<unknown>>();
  return <T>(key: string, read: () => Promise<T>) => {
    if (!made.has(key)) made.set(key, read());
    return made.get(key) as Promise<T>;
  };
}

const sources = new Map<string, DashboardTileSource>();

/** Adds (or, for the same key, replaces: apps built again in one process) a tile. */
export function registerDashboardTile(source: DashboardTileSource): void {
  sources.set(source.key, source);
}

export function dashboardTiles(): DashboardTileSource[] {
  return [...sources.values()].sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
}
