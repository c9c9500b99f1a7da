import type { Deps } from '../../deps';
import { can, type ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { covers, orgInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import type { ApprovalItem } from '../../../contracts/approvals';
import * as repo from './dues.repo';
import { generateBills, orgPathOf } from './dues.bills';
import { findMember } from './dues.bases';

// ---------------------------------------------------------------------------
// 少交 / 免交: the branch proposes, the next-level committee decides
// ---------------------------------------------------------------------------
type ReductionRow = repo.ReductionRow;

/** The decision belongs to the next level up: an approver whose scope covers the branch's parent. */
function canDecide(ctx: ActorContext, r: Pick<ReductionRow, 'parent_id' | 'parent_path'>): boolean {
  const actor = ctx.actor;
  return !!r.parent_id && !!r.parent_path && covers(actor, 'dues.approve', { id: r.parent_id, path: r.parent_path });
}

function reductionView(ctx: ActorContext, r: ReductionRow) {
  return {
    id: r.id, personId: r.person_id, name: r.name, orgId: r.org_id, orgName: r.org_name, kind: r.kind, fromMonth: r.from_month, toMonth: r.to_month, monthlyFen: r.monthly_fen,
    reason: r.reason, evidenceIds: r.evidence_ids, evidence: r.evidence, status: r.status, proposedAt: new Date(r.proposed_at).toISOString(), decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    decisionNote: r.decision_note, canDecide: r.status === 'proposed' && canDecide(ctx, r),
  };
}

export async function proposeReduction(deps: Deps, ctx: ActorContext, body: { personId: string; kind: 'reduce' | 'exempt'; fromMonth: string; toMonth: string; monthlyFen?: number | null; reason: string; evidenceIds: string[] }) {
  if (body.toMonth < body.fromMonth) throw new AppError('VALIDATION_FAILED', '结束月份不能早于起始月份', { issues: [{ field: 'toMonth', message: '结束月份不能早于起始月份' }] });
  if (body.kind === 'reduce' && (body.monthlyFen == null || body.monthlyFen <= 0)) throw new AppError('VALIDATION_FAILED', '少交须填写每月实交金额（大于0；全部免除请选择免交）', { issues: [{ field: 'monthlyFen', message: '请填写每月实交金额' }] });
  return deps.db.tx(async (t) => {
    const p = await findMember(t, ctx, body.personId, 'dues.manage');
    if (p.status !== 'full' && p.status !== 'probationary') throw new AppError('MEMBER_NOT_CURRENT');
    if (body.evidenceIds.length) {
      const owned = await repo.filesOwnedByPerson(t, body.evidenceIds, p.id);
      if (owned.length !== new Set(body.evidenceIds).size) throw new AppError('VALIDATION_FAILED', '证明材料不存在或不属于该党员');
    }
    const id = await repo.insertReduction(t, {
      personId: p.id, orgId: p.org_id, kind: body.kind, fromMonth: body.fromMonth, toMonth: body.toMonth, monthlyFen: body.kind === 'exempt' ? 0 : body.monthlyFen, reason: body.reason,
      evidenceIds: body.evidenceIds, proposedBy: ctx.actor.accountId,
    });
    await auditInTx(t, ctx, { action: 'dues.reduction_propose', objectType: 'dues_reduction', objectId: id, orgId: p.org_id, detail: { kind: body.kind, from: body.fromMonth, to: body.toMonth } });
    return { id };
  });
}

export async function listReductions(deps: Deps, ctx: ActorContext, query: { orgId?: string; status: 'all' | 'proposed' | 'approved' | 'rejected'; page: number; pageSize: number }) {
  const org = await orgPathOf(deps.db, ctx, query.orgId);
  const { rows, total } = await repo.listReductions(deps.db, { scope: orgInScope(ctx.actor, 'dues.read'), orgPath: org?.path, status: query.status }, query.pageSize, (query.page - 1) * query.pageSize);
  return { items: rows.map((r) => reductionView(ctx, r)), total, page: query.page, pageSize: query.pageSize };
}

/** Approves or rejects a proposal; an approval corrects the unpaid bills of the months it covers at once. */
export async function decideReduction(deps: Deps, ctx: ActorContext, id: string, body: { approve: boolean; note?: string | null }) {
  return deps.db.tx(async (t) => {
    const r = await repo.lockReduction(t, id, orgInScope(ctx.actor, 'dues.read'));
    if (!r) throw notFound();
    if (!canDecide(ctx, r)) throw new AppError('FORBIDDEN', '少交、免交由党支部的上一级党组织审批');
    if (r.status !== 'proposed') throw new AppError('CONFLICT', '该申请已处理');
    await repo.decideReduction(t, id, { status: body.approve ? 'approved' : 'rejected', decidedBy: ctx.actor.accountId, note: body.note ?? null });
    let corrected = 0;
    if (body.approve) {
      const months = await repo.unpaidBillMonths(t, r.person_id, r.from_month, r.to_month);
      for (const m of months) corrected += (await generateBills(t, r.org_path, m)).updated;
    }
    await auditInTx(t, ctx, { action: 'dues.reduction_decide', objectType: 'dues_reduction', objectId: id, orgId: r.org_id, detail: { approve: body.approve, corrected } });
    return { status: body.approve ? ('approved' as const) : ('rejected' as const), correctedBills: corrected };
  });
}

/**
 * Proposed reductions the caller may decide (the "待我审批" queue): in scope
 * for reading and whose branch's parent the caller's dues.approve covers,
 * exactly what decideReduction allows. The oldest first, at most `limit`.
 */
export async function listPendingReductions(deps: Deps, ctx: ActorContext, limit: number): Promise<{ items: ApprovalItem[]; total: number }> {
  const actor = ctx.actor;
  if (!can(actor, 'dues.approve')) return { items: [], total: 0 };
  const { rows, total } = await repo.listPendingReductions(deps.db, orgInScope(actor, 'dues.read'), orgInScope(actor, 'dues.approve', 'po'), limit);
  const yuan = (fen: number) => `${(fen / 100).toFixed(2)}元`;
  const items = rows.map((r): ApprovalItem => ({
    kind: 'dues_reduction', key: `dues_reduction:${r.id}`, objectId: r.id, personId: r.person_id, personName: r.name, orgId: r.org_id, orgName: r.org_name, step: null,
    asked: `${r.kind === 'exempt' ? '免交党费' : `少交党费（每月实交${yuan(r.monthly_fen)}）`}，${r.from_month === r.to_month ? r.from_month : `${r.from_month} 至 ${r.to_month}`}`,
    detail: r.reason, since: r.since, due: null, overdue: false, link: `/admin/dues/reductions?status=proposed&focus=${r.id}`,
  }));
  return { items, total };
}
