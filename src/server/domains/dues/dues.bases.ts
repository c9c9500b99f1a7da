import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { orgInScope, personInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import type { Queryable } from '../../platform/db';
import { BASED_CATEGORIES, type DuesCategory, type SetDuesBaseBody } from '../../../contracts/dues';
import * as repo from './dues.repo';
import { baseFromComponents, monthOf, quote, type DuesRule } from './dues.policy';
import { generateBills, orgPathOf, ruleFor } from './dues.bills';

// Dues use-cases (RULES §2), bases: the quote, the rules in force, a member's
// category and base from a month on (correcting the current month's bill at
// once), and the list of members with and without a base.

export async function quoteDues(deps: Deps, query: { category: DuesCategory; base?: number; month?: string }) {
  const month = query.month ?? monthOf(deps.clock.today());
  if (BASED_CATEGORIES.includes(query.category) && query.base === undefined) throw new AppError('VALIDATION_FAILED', '该类别须提供计算基数（分）', { issues: [{ field: 'base', message: '请填写基数' }] });
  const rule = await ruleFor(deps.db, month);
  const q = quote(rule.body, query.category, BASED_CATEGORIES.includes(query.category) ? query.base! : null);
  return { amount: q.amountFen, rate: q.rateBp === null ? null : q.rateBp / 10000, rateBp: q.rateBp, ruleVersion: { id: rule.id, effectiveFrom: rule.effectiveFrom, source: rule.source }, explanation: q.explanation };
}

/** The rule version in force for a month, for the org's province if it has a scoped version. */
export async function rulesView(deps: Deps, ctx: ActorContext, query: { month?: string; orgId?: string }) {
  const org = query.orgId
    ? await repo.findOrgPathInScope(deps.db, query.orgId, orgInScope(ctx.actor, 'dues.read'))
    : null;
  if (query.orgId && !org) throw notFound();
  const rule = await ruleFor(deps.db, query.month ?? monthOf(deps.clock.today()), org?.path ?? null);
  return { ruleVersion: { id: rule.id, effectiveFrom: rule.effectiveFrom, source: rule.source }, ...rule.body };
}

export async function findMember(q: Queryable, ctx: ActorContext, personId: string, permission: 'dues.read' | 'dues.manage') {
  const p = await repo.findMember(q, personId, personInScope(ctx.actor, permission));
  if (!p) throw notFound();
  return p;
}

export async function listBases(deps: Deps, ctx: ActorContext, personId: string) {
  const p = await findMember(deps.db, ctx, personId, 'dues.read');
  const rows = await repo.listBases(deps.db, personId);
  const out = [];
  for (const r of rows) {
    const rule = await ruleFor(deps.db, r.effective_month, p.org_path);
    const q = quote(rule.body, r.category as DuesCategory, r.base_fen);
    out.push({
      id: r.id, category: r.category as DuesCategory, baseFen: r.base_fen, components: r.components, effectiveMonth: r.effective_month, note: r.note, recordedBy: r.recorded_by,
      recordedAt: new Date(r.recorded_at).toISOString(),
      quote: { amount: q.amountFen, rate: q.rateBp === null ? null : q.rateBp / 10000, rateBp: q.rateBp, ruleVersion: { id: rule.id, effectiveFrom: rule.effectiveFrom, source: rule.source }, explanation: q.explanation },
    });
  }
  return { items: out };
}

/** Validated base of a category from the body (components explain it; a given base must agree with them). */
export function resolveBase(rule: DuesRule, body: Pick<SetDuesBaseBody, 'category' | 'baseFen' | 'components'>): number | null {
  if (!BASED_CATEGORIES.includes(body.category)) return null;
  const fromComponents = body.components.length ? baseFromComponents(rule, body.components) : null;
  if (fromComponents !== null && body.baseFen != null && body.baseFen !== fromComponents) {
    throw new AppError('VALIDATION_FAILED', `基数（${(body.baseFen / 100).toFixed(2)} 元）与各项构成合计（${(fromComponents / 100).toFixed(2)} 元）不一致`, { issues: [{ field: 'baseFen', message: '基数与构成合计不一致' }] });
  }
  const base = body.baseFen ?? fromComponents;
  if (base === null || base === undefined) throw new AppError('VALIDATION_FAILED', '该类别须填写计算基数或基数构成', { issues: [{ field: 'baseFen', message: '请填写基数' }] });
  return base;
}

export async function setBase(deps: Deps, ctx: ActorContext, personId: string, body: SetDuesBaseBody) {
  return deps.db.tx(async (t) => {
    const p = await findMember(t, ctx, personId, 'dues.manage');
    if (p.status !== 'full' && p.status !== 'probationary') throw new AppError('MEMBER_NOT_CURRENT');
    const rule = await ruleFor(t, body.effectiveMonth, p.org_path);
    const base = resolveBase(rule.body, body);
    const id = await repo.insertBase(t, { personId, category: body.category, baseFen: base, components: body.components, month: body.effectiveMonth, note: body.note ?? null, actorId: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'dues.base', objectType: 'person', objectId: personId, orgId: p.org_id, detail: { category: body.category, effectiveMonth: body.effectiveMonth } });
    // a base in force this month: if the branch's bills of the month exist, the member's is created
    // (a new member) or corrected (unpaid) now, not at the next generation
    const current = monthOf(deps.clock.today());
    const currentBill = body.effectiveMonth <= current && (await repo.orgHasBills(t, p.org_id, current));
    if (currentBill) await generateBills(t, p.org_path, current);
    const q = quote(rule.body, body.category, base);
    return { id, amountFen: q.amountFen, rateBp: q.rateBp, currentBill };
  });
}

/** 基数设置's list: members with the base in force this month, those without one first. */
export async function baseStatus(deps: Deps, ctx: ActorContext, query: { orgId?: string; has: 'all' | 'with' | 'without'; q?: string; page: number; pageSize: number }) {
  const org = await orgPathOf(deps.db, ctx, query.orgId);
  const month = monthOf(deps.clock.today());
  const rule = await ruleFor(deps.db, month);
  const r = await repo.baseStatus(deps.db, { scope: orgInScope(ctx.actor, 'dues.read'), orgPath: org?.path ?? null, month, has: query.has, q: query.q }, query.pageSize, (query.page - 1) * query.pageSize);
  const total = query.has === 'with' ? r.withBase : query.has === 'without' ? r.withoutBase : r.withBase + r.withoutBase;
  return {
    month, withBase: r.withBase, withoutBase: r.withoutBase, total, page: query.page, pageSize: query.pageSize,
    items: r.rows.map((x) => ({
      personId: x.person_id, name: x.name, orgId: x.org_id, orgName: x.org_name, category: x.category as DuesCategory | null, baseFen: x.base_fen, effectiveMonth: x.effective_month,
      amountFen: x.category === null ? null : quote(rule.body, x.category as DuesCategory, x.base_fen).amountFen,
    })),
  };
}
