import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { orgInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import type { Db, Queryable } from '../../platform/db';
import { pickRule, ruleInForce, rulesInForce, type RuleVersion } from '../../platform/rules';
import { BASED_CATEGORIES, type DuesBillView, type DuesCategory } from '../../../contracts/dues';
import type { OrgType } from '../../../contracts/dict';
import * as repo from './dues.repo';
import { monthOf, quoteAmount, type DuesRule } from './dues.policy';

// Dues use-cases (RULES §2), bills: the rule version in force for a month,
// the monthly bills of a subtree, their lists, the summary and arrears. The
// per-org monthly rollups move in the same transaction as the bills. The
// other use-cases (bases, payments, reductions) build on this file, never the
// other way round.

export async function ruleFor(q: Queryable, month: string, orgPath?: string | null): Promise<RuleVersion<DuesRule>> {
  const first = await repo.firstRatesMonth(q);
  if (!first || month < first) throw new AppError('VALIDATION_FAILED', `${month} 没有生效的党费规则（最早自 ${first ?? '—'} 起），请检查月份`, { issues: [{ field: 'month', message: '月份早于党费规则的生效日期' }] });
  return ruleInForce<DuesRule>(q, 'dues', 'rates', `${month}-01`, orgPath);
}

// ---------------------------------------------------------------------------
// Monthly bills for a subtree (idempotent)
// ---------------------------------------------------------------------------
export interface GenerateOutcome {
  month: string;
  created: number;
  updated: number;
  unchanged: number;
  paidKept: number;
  withoutBase: number;
}

/**
 * Generates (or corrects) the bills of a month for every member in a
 * subtree. Rerunning changes nothing that is already right; an unpaid bill
 * whose base, category, reduction or rule changed is recomputed; a paid bill
 * is never touched. Members without a base are counted, not billed.
 */
export async function generateBills(q: Queryable, subtreePath: string, month: string): Promise<GenerateOutcome> {
  const r = await writeBills(q, subtreePath, month, null);
  await repo.addToRollups(q, month, r.deltas);
  return r.outcome;
}

/**
 * A subtree's bills of a month with one transaction per member partition,
 * run at once (B6). The first partition's transaction waits for the others
 * to commit before it adds its rollups (they lock the shared ancestors'
 * rollup rows) and runs `finish` (the audit). A failed run leaves some
 * partitions done; rerunning completes it (generation is idempotent).
 */
export async function generateBillsParallel(db: Db, subtreePath: string, month: string, finish?: (t: Queryable, outcome: GenerateOutcome) => Promise<void>): Promise<GenerateOutcome> {
  await ruleFor(db, month);
  const others = Promise.allSettled([...Array(repo.BILL_PARTITIONS).keys()].slice(1).map((p) => db.tx(async (t) => {
    const r = await writeBills(t, subtreePath, month, p);
    await repo.addToRollups(t, month, r.deltas);
    return r.outcome;
  })));
  try {
    return await db.tx(async (t) => {
      const first = await writeBills(t, subtreePath, month, 0);
      const rest = await others;
      const failed = rest.find((x) => x.status === 'rejected');
      if (failed) throw failed.reason;
      await repo.addToRollups(t, month, first.deltas);
      const outcome = [first.outcome, ...rest.map((x) => (x as PromiseFulfilledResult<GenerateOutcome>).value)].reduce((a, b) => ({
        month, created: a.created + b.created, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged, paidKept: a.paidKept + b.paidKept, withoutBase: a.withoutBase + b.withoutBase,
      }));
      if (finish) await finish(t, outcome);
      return outcome;
    });
  } finally {
    await others; // never leave a partition's transaction running behind a failure
  }
}

/** Writes (creates or corrects) the bills of one partition or all; returns the rollup deltas for the caller to apply. */
async function writeBills(q: Queryable, subtreePath: string, month: string, part: repo.BillPartition): Promise<{ outcome: GenerateOutcome; deltas: repo.RollupDelta[] }> {
  await ruleFor(q, month); // refuses a month before the first rule version
  await repo.lockMonth(q, month, part);
  // sequential: q may be a transaction's single connection
  const rules = await rulesInForce<DuesRule>(q, 'dues', 'rates', `${month}-01`);
  const national = rules.find((r) => r.scopePath === null) ?? null;
  // One version for the whole tree (the usual case): members without a bill are billed set-based
  // in SQL; the members who have one are read and corrected here. Otherwise everyone is read here.
  const setBased = rules.length === 1 && national !== null;
  const rows = await repo.billingRows(q, subtreePath, month, part, setBased);
  const reductions = new Map((await repo.reductionsInForce(q, month)).map((r) => [r.person_id, r]));
  const inserts: Array<repo.NewBill & { orgPath: string }> = [];
  const updates: Array<repo.NewBill & { id: string; orgPath: string; oldDue: number; oldOrgPath: string }> = [];
  const deltas: repo.RollupDelta[] = [];
  let created = 0;
  let unchanged = 0;
  let paidKept = 0;
  let withoutBase = 0;
  if (setBased) {
    for (const x of await repo.insertNewBills(q, subtreePath, month, part, national)) {
      if (x.path === null) withoutBase += x.bills;
      else {
        created += x.bills;
        deltas.push({ orgPath: x.path, bills: x.bills, dueFen: x.due });
      }
    }
  }
  for (const r of rows) {
    if (!r.category) {
      withoutBase++;
      continue;
    }
    const rule = rules.length === 1 ? national : pickRule(rules, r.org_path);
    if (!rule) throw new Error(`no dues rule in force for ${month}`);
    const category = r.category as DuesCategory;
    const based = BASED_CATEGORIES.includes(category);
    const q2 = quoteAmount(rule.body, category, based ? r.base_fen : null);
    const red = reductions.get(r.person_id);
    const due = red?.kind === 'exempt' ? 0 : red?.kind === 'reduce' ? Math.min(q2.amountFen, red.monthly_fen) : q2.amountFen;
    const bill: repo.NewBill = {
      personId: r.person_id, orgId: r.org_id, regionKey: r.region_key, category, baseFen: based ? r.base_fen : null, rateBp: q2.rateBp,
      computedFen: q2.amountFen, dueFen: due, baseId: r.base_id, reductionId: red?.id ?? null, ruleVersionId: rule.id,
    };
    if (!r.bill_id) {
      inserts.push({ ...bill, orgPath: r.org_path });
      continue;
    }
    if (r.bill_paid_on) {
      paidKept++;
      continue;
    }
    const same = r.bill_org_id === bill.orgId && r.bill_category === bill.category && r.bill_base_fen === bill.baseFen && r.bill_rate_bp === bill.rateBp
      && r.bill_computed_fen === bill.computedFen && r.bill_due_fen === bill.dueFen && r.bill_base_id === bill.baseId && r.bill_reduction_id === bill.reductionId
      && r.bill_rule_version_id === bill.ruleVersionId;
    if (same) unchanged++;
    else updates.push({ ...bill, id: r.bill_id, orgPath: r.org_path, oldDue: r.bill_due_fen!, oldOrgPath: r.bill_org_path! });
  }
  await repo.insertBills(q, month, inserts);
  created += inserts.length;
  const updated = await repo.updateBills(q, updates);
  // rollups: new bills add to their org; corrected bills move their due (and org)
  for (const b of inserts) deltas.push({ orgPath: b.orgPath, bills: 1, dueFen: b.dueFen });
  for (const u of updates) {
    if (!updated.has(u.id)) continue;
    deltas.push({ orgPath: u.oldOrgPath, bills: -1, dueFen: -u.oldDue }, { orgPath: u.orgPath, bills: 1, dueFen: u.dueFen });
  }
  return { outcome: { month, created, updated: updated.size, unchanged, paidKept: paidKept + (updates.length - updated.size), withoutBase }, deltas };
}

export async function generateBillsFor(deps: Deps, ctx: ActorContext, orgId: string, month: string) {
  const o = await repo.findOrgIdPathInScope(deps.db, orgId, orgInScope(ctx.actor, 'dues.manage'));
  if (!o) throw notFound();
  return generateBillsParallel(deps.db, o.path, month, (t, r) => auditInTx(t, ctx, { action: 'dues.bills', objectType: 'org', objectId: o.id, orgId: o.id, detail: { ...r } }));
}

// ---------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------
export function billView(r: repo.BillRow): DuesBillView {
  return {
    id: r.id, personId: r.person_id, name: r.name, orgId: r.org_id, orgName: r.org_name, month: r.month, category: r.category as DuesCategory, baseFen: r.base_fen, rateBp: r.rate_bp,
    computedFen: r.computed_fen, dueFen: r.due_fen, paidFen: r.paid_fen, paidOn: r.paid_on, status: r.due_fen === 0 ? 'exempt' : r.paid_on ? 'paid' : 'unpaid', reduced: !!r.reduction_id,
  };
}

export async function orgPathOf(q: Queryable, ctx: ActorContext, orgId: string | undefined, permission: 'dues.read' | 'dues.manage' = 'dues.read') {
  if (!orgId) return null;
  const o = await repo.findOrgInScope(q, orgId, orgInScope(ctx.actor, permission));
  if (!o) throw notFound();
  return o;
}

export async function listBills(deps: Deps, ctx: ActorContext, query: { orgId?: string; personId?: string; month?: string; status: 'all' | 'unpaid' | 'paid'; q?: string; sort: 'org' | 'name' | 'baseFen' | 'dueFen' | 'month'; order: 'asc' | 'desc'; page: number; pageSize: number }) {
  const org = await orgPathOf(deps.db, ctx, query.orgId);
  const r = await repo.listBills(deps.db, { scope: orgInScope(ctx.actor, 'dues.read'), orgPath: org?.path, personId: query.personId, month: query.month, status: query.status, q: query.q }, query.pageSize, (query.page - 1) * query.pageSize, query.sort, query.order);
  return { items: r.rows.map(billView), total: r.total, page: query.page, pageSize: query.pageSize, totals: { dueFen: r.dueFen, paidFen: r.paidFen } };
}

export async function summary(deps: Deps, ctx: ActorContext, query: { orgId?: string; from: string; to: string }) {
  if (query.from > query.to) throw new AppError('VALIDATION_FAILED', '起始月份不能晚于结束月份');
  const org = (await orgPathOf(deps.db, ctx, query.orgId)) ?? (await repo.findWidestOrgInScope(deps.db, orgInScope(ctx.actor, 'dues.read')));
  if (!org) throw notFound();
  const [rows, children] = await Promise.all([repo.rollups(deps.db, org.id, query.from, query.to), repo.childRollups(deps.db, org.id, query.from, query.to)]);
  const rate = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10000) / 10000 : null);
  const months = rows.map((r) => ({
    month: r.month, bills: r.bills, dueFen: r.due_fen, paidFen: r.paid_fen, paidOnTimeFen: r.paid_on_time_fen, billsPaid: r.bills_paid, billsOnTime: r.bills_on_time, voluntaryFen: r.voluntary_fen,
    collectionRate: rate(r.paid_fen, r.due_fen), onTimeRate: rate(r.paid_on_time_fen, r.due_fen),
  }));
  const due = months.reduce((s, m) => s + m.dueFen, 0);
  const paid = months.reduce((s, m) => s + m.paidFen, 0);
  const onTime = months.reduce((s, m) => s + m.paidOnTimeFen, 0);
  return {
    org: { id: org.id, name: org.name }, months, total: { dueFen: due, paidFen: paid, collectionRate: rate(paid, due), onTimeRate: rate(onTime, due) },
    children: children.map((c) => ({
      org: { id: c.id, name: c.name, type: c.type as OrgType }, bills: c.bills, dueFen: c.due_fen, paidFen: c.paid_fen, voluntaryFen: c.voluntary_fen,
      collectionRate: rate(c.paid_fen, c.due_fen), onTimeRate: rate(c.paid_on_time_fen, c.due_fen),
    })),
  };
}

// ---------------------------------------------------------------------------
// Arrears: consecutive unpaid months (3: 批评教育 reminder; 6: 组织处理)
// ---------------------------------------------------------------------------
export async function arrears(deps: Deps, ctx: ActorContext, query: { orgId?: string; minMonths: number }, asOf = monthOf(deps.clock.today())) {
  const org = await orgPathOf(deps.db, ctx, query.orgId);
  const rule = await ruleFor(deps.db, asOf);
  const rows = await repo.arrears(deps.db, orgInScope(ctx.actor, 'dues.read'), org?.path ?? null, asOf, query.minMonths);
  return {
    asOf,
    items: rows.map((r) => ({ personId: r.person_id, name: r.name, orgId: r.org_id, orgName: r.org_name, months: r.months, owedFen: r.owed_fen, since: r.since, level: r.months >= rule.body.arrearsActionMonths ? ('action' as const) : ('warn' as const) })),
  };
}
