import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { can } from '../../platform/actor';
import { auditInTx } from '../../platform/audit';
import { AppError, forbidden, notFound } from '../../platform/errors';
import { covers, findOrgInScope, orgInScope } from '../../platform/scope';
import type { Sql } from '../../platform/sql';
import { WARNING_MODULE_PERMISSIONS, WARNING_MODULES, type HandleWarningBody, type ListWarningsQuery, type ScanWarningsResult, type WarningItem, type WarningModule, type WarningPage } from '../../../contracts/warning';
import { kindLabel, warningDetectors, type DetectedWarning } from './warning.registry';
import * as repo from './warning.repo';

// The warning centre (预警中心): a scan asks every registered detector for the
// conditions of the business day and turns them into warning rows; the list
// shows each caller the warnings of the modules it may read, over the orgs
// that permission reaches — one scope mechanism (orgInScope per module).

const LEVEL_RANK = { error: 3, warning: 2, info: 1 } as const;

/** The day a fact arose as a moment: the start of that business day in Asia/Shanghai. */
const startOfDay = (day: string) => `${day}T00:00:00+08:00`;

/**
 * One scan: every detector, one after another (a failing one is logged and
 * its module's warnings left as they were), then the findings written in one
 * transaction — opened, kept current, and the ones no longer found cleared.
 */
export async function scanWarnings(deps: Deps, log: (msg: string, extra?: unknown) => void = () => undefined): Promise<ScanWarningsResult> {
  const startedAt = deps.clock.now().toISOString();
  const today = deps.clock.today();
  const found = new Map<string, repo.DetectedRow>();
  const scanned: WarningModule[] = [];
  const failed: string[] = [];
  for (const d of warningDetectors()) {
    let list: DetectedWarning[];
    try {
      list = await d.detect(deps, today);
    } catch (err) {
      log('warning detector failed', { module: d.module, err: String(err) });
      failed.push(d.module);
      continue;
    }
    scanned.push(d.module);
    for (const w of list) {
      const key = `${d.module}.${w.kind}:${w.subject}`;
      const prev = found.get(key);
      if (prev && LEVEL_RANK[prev.level as keyof typeof LEVEL_RANK] >= LEVEL_RANK[w.level]) continue;
      found.set(key, {
        key, module: d.module, kind: w.kind, orgId: w.orgId, personId: w.personId ?? null, title: w.title, detail: w.detail, level: w.level,
        source: w.source, link: w.link, dueOn: w.dueOn, factAt: w.factOn ? startOfDay(w.factOn) : null,
      });
    }
  }
  const rows = [...found.values()];
  return deps.db.tx(async (t) => {
    const now = deps.clock.now().toISOString();
    const opened = await repo.upsertDetected(t, rows, now);
    const cleared = scanned.length ? await repo.clearMissing(t, scanned, rows.map((r) => r.key), now) : 0;
    await repo.recordScan(t, { startedAt, finishedAt: now, found: rows.length, opened, cleared, failed });
    return { found: rows.length, opened, cleared, failed };
  });
}

/** The caller's warnings: for each module it may read, the warnings on the orgs its read permission reaches. */
function visibleScope(ctx: ActorContext): Sql {
  const parts: Sql[] = [];
  for (const module of Object.keys(WARNING_MODULES) as WarningModule[]) {
    const perm = WARNING_MODULE_PERMISSIONS[module].read;
    if (can(ctx.actor, perm)) parts.push(repo.moduleInScope(module, orgInScope(ctx.actor, perm)));
  }
  return repo.anyOf(parts);
}

function itemOf(ctx: ActorContext, r: repo.WarningRow): WarningItem {
  const module = r.module as WarningModule;
  const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());
  return {
    id: r.id, module, kind: r.kind, kindLabel: kindLabel(module, r.kind), orgId: r.org_id, orgName: r.org_name,
    title: r.title, detail: r.detail, level: r.level, source: r.source, link: r.link, dueOn: r.due_on,
    factAt: iso(r.fact_at), discoveredAt: iso(r.discovered_at)!,
    discoverySeconds: r.fact_at === null ? null : Math.max(0, Math.round((new Date(r.discovered_at).getTime() - new Date(r.fact_at).getTime()) / 1000)),
    status: r.status, acknowledgedAt: iso(r.acknowledged_at), acknowledgedBy: r.acknowledged_by, resolvedAt: iso(r.resolved_at), resolvedBy: r.resolved_by,
    note: r.note, clearedAt: iso(r.cleared_at),
    canHandle: r.cleared_at === null && covers(ctx.actor, WARNING_MODULE_PERMISSIONS[module].handle, { id: r.org_id, path: r.org_path }),
  };
}

export async function listWarnings(deps: Deps, ctx: ActorContext, query: ListWarningsQuery): Promise<WarningPage> {
  let underPath: string | null = null;
  if (query.orgId) {
    const org = await findOrgInScope(deps.db, query.orgId, orgInScope(ctx.actor, 'org.read'));
    if (!org) throw notFound();
    underPath = org.path;
  }
  const scope = visibleScope(ctx);
  const [page, counts, lastScanAt] = await Promise.all([
    repo.listWarnings(deps.db, { scope, underPath, module: query.module, level: query.level, status: query.status, q: query.q || undefined }, query.pageSize, (query.page - 1) * query.pageSize),
    repo.liveCounts(deps.db, scope, underPath),
    repo.lastScanAt(deps.db),
  ]);
  return {
    items: page.rows.map((r) => itemOf(ctx, r)), total: page.total, page: query.page, pageSize: query.pageSize,
    counts, lastScanAt: lastScanAt ? new Date(lastScanAt).toISOString() : null,
  };
}

/**
 * Acknowledge (知悉, with an optional note) or resolve (办结, with a note) a
 * live warning. Out of the caller's sight: 404; seen without the module's
 * handling permission over its org: 403. A resolved warning that the next scan
 * still finds stays resolved unless its level rises.
 */
export async function handleWarning(deps: Deps, ctx: ActorContext, id: string, body: HandleWarningBody): Promise<WarningItem> {
  const scope = visibleScope(ctx);
  await deps.db.tx(async (t) => {
    const w = await repo.findForUpdate(t, id, scope);
    if (!w) throw notFound();
    const module = w.module as WarningModule;
    if (!covers(ctx.actor, WARNING_MODULE_PERMISSIONS[module].handle, { id: w.org_id, path: w.org_path })) throw forbidden();
    if (w.cleared_at) throw new AppError('WARNING_CLEARED');
    const now = deps.clock.now().toISOString();
    const note = body.note?.trim() || null;
    if (body.action === 'acknowledge') {
      if (w.status !== 'open') throw new AppError('WARNING_STATE', w.status === 'resolved' ? '该预警已办结' : '该预警已确认知悉');
      await repo.acknowledge(t, id, ctx.actor.accountId, note, now);
    } else {
      if (w.status === 'resolved') throw new AppError('WARNING_STATE', '该预警已办结');
      await repo.resolve(t, id, ctx.actor.accountId, note!, now);
    }
    await auditInTx(t, ctx, { action: `warning.${body.action}`, objectType: 'warning', objectId: id, orgId: w.org_id, detail: { module, kind: w.kind, note } });
  });
  const row = await repo.findOne(deps.db, id, scope);
  return itemOf(ctx, row!);
}

/** The caller's live warnings, not yet resolved, by status, level and module (the 工作台's figures). */
export async function liveWarningCounts(deps: Deps, ctx: ActorContext, underPath: string | null) {
  const scope = visibleScope(ctx);
  const [counts, modules] = await Promise.all([repo.liveCounts(deps.db, scope, underPath), repo.liveByModule(deps.db, scope, underPath)]);
  return { ...counts, byModule: Object.fromEntries(modules.map((m) => [m.module, m.n])) as Partial<Record<WarningModule, number>> };
}

/** The big screen's ticker: the viewer's live warnings under an org, by org and kind, without naming anyone. */
export async function warningTicker(deps: Deps, ctx: ActorContext, underPath: string, limit = 30) {
  const rows = await repo.tickerRows(deps.db, visibleScope(ctx), underPath, limit);
  return rows.map((r) => ({
    orgName: r.org_name, label: kindLabel(r.module as WarningModule, r.kind), level: r.level, count: r.n,
    link: `/admin/warnings?orgId=${r.org_id}&module=${r.module}`,
  }));
}

/** The live warnings under an org by module and kind, with the count 30 days before (the problem analysis reads them). */
export async function warningProblems(deps: Deps, ctx: ActorContext, underPath: string, then: string) {
  const rows = await repo.problemRows(deps.db, visibleScope(ctx), underPath, then);
  return rows.map((r) => ({
    module: r.module as WarningModule, kind: r.kind, label: kindLabel(r.module as WarningModule, r.kind), count: r.n, orgs: r.orgs,
    level: (['error', 'warning', 'info'] as const)[r.rank], topOrgs: r.top, before: r.then_n,
  }));
}
