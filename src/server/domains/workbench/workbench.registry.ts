import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import type { Permission } from '../../../contracts/permissions';
import type { WorkbenchSection } from '../../../contracts/workbench';

// The registry of 工作台 sources. Each domain registers its own source from
// its own folder (`<domain>.workbench.ts`, called from app.ts like its routes
// and jobs); the 工作台 asks every source whose permission the caller holds.
// A source reads through its own domain's scoped services, so an item on the
// 工作台 is exactly what the caller would find on that domain's list page.

/** The org the 工作台 is narrowed to (already checked to lie in the caller's scope). */
export interface WorkbenchOrg {
  id: string;
  path: string;
}

export interface WorkbenchSource {
  /** stable key of the section (the web may style a section by it) */
  key: string;
  /** the section's Chinese title */
  title: string;
  /** who may see the section: a permission, or any signed-in account */
  permission: Permission | 'authenticated';
  /** where the section stands on the page (smaller first) */
  order: number;
  /**
   * The section's content, scoped to ctx.actor (and, when `under` is given, to
   * that org's subtree as well); business dates from deps.clock.
   */
  load(deps: Deps, ctx: ActorContext, under: WorkbenchOrg | null): Promise<Omit<WorkbenchSection, 'key' | 'title'>>;
}

const sources = new Map<string, WorkbenchSource>();

/** Adds (or, for the same key, replaces: apps built again in one process) a source. */
export function registerWorkbenchSource(source: WorkbenchSource): void {
  sources.set(source.key, source);
}

export function workbenchSources(): WorkbenchSource[] {
  return [...sources.values()].sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
}
