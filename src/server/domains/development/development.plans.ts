import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import { covers, orgInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import * as repo from './development.repo';
import { resolveOrgPath } from './development.shared';

// ---------------------------------------------------------------------------
// Annual development plan (发展计划) vs actual
// ---------------------------------------------------------------------------
export async function getPlan(deps: Deps, ctx: ActorContext, query: { orgId?: string; year: number }) {
  const actor = ctx.actor;
  const root = (await resolveOrgPath(deps.db, ctx, query.orgId)) ?? (await repo.findWidestOrgInScope(deps.db, orgInScope(actor, 'development.read')));
  if (!root) throw notFound();
  const rows = await repo.listPlanRows(deps.db, root, query.year);
  const canEdit = covers(actor, 'development.plan', root);
  return { year: query.year, rows: rows.map((r) => ({ orgId: r.org_id, orgName: r.org_name, isRoot: r.is_root, planned: r.planned, admitted: r.admitted, converted: r.converted, applicants: r.applicants, activists: r.activists, candidates: r.candidates })), canEdit };
}

export async function putPlan(deps: Deps, ctx: ActorContext, body: { orgId: string; year: number; planned: number; note?: string | null }) {
  await deps.db.tx(async (t) => {
    const o = await repo.findOrgIdInScope(t, body.orgId, orgInScope(ctx.actor, 'development.plan'));
    if (!o) throw notFound();
    await repo.upsertPlan(t, { orgId: body.orgId, year: body.year, planned: body.planned, note: body.note ?? null, updatedBy: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'development.plan', objectType: 'org', objectId: body.orgId, orgId: body.orgId, detail: { year: body.year, planned: body.planned } });
  });
  return { ok: true as const };
}
