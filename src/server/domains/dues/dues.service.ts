import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { can, type RequestContext, type ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { covers, orgInScope, personInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import { isUniqueViolation, type Db, type Queryable } from '../../platform/db';
import { pickRule, ruleInForce, rulesInForce, type RuleVersion } from '../../platform/rules';
import { BASED_CATEGORIES, type DuesBillView, type DuesCategory, type SetDuesBaseBody } from '../../../contracts/dues';
import type { OrgType } from '../../../contracts/dict';
import type { ApprovalItem } from '../../../contracts/approvals';
import * as repo from './dues.repo';
import { backPayNeedsApproval, baseFromComponents, monthEnd, monthOf, quote, quoteAmount, type DuesRule } from './dues.policy';

// Dues use-cases (RULES §2): bases, the quote, monthly bills, payments and the
// summary. Money movements are append-only ledger entries chained per member;
// a bill's paid state is cached on the bill in the paying transaction, and the
// per-org monthly rollups move in the same transaction.

export async function ruleFor(q: Queryable, month: string, orgPath?: string | null): Promise<RuleVersion<DuesRule>> {
  const first = await repo.firstRatesMonth(q);
  if (!first || month < first) throw new AppError('VALIDATION_FAILED', `${month} 没有生效的党费规则（最早自 ${first ?? '—'} 起），请检查月份`, { issues: [{ field: 'month', message: '月份早于党费规则的生效日期' }] });
  return ruleInForce<DuesRule>(q, 'dues', 'rates', `${month}-01`, orgPath);
}

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

async function orgPathOf(q: Queryable, ctx: ActorContext, orgId: string | undefined, permission: 'dues.read' | 'dues.manage' = 'dues.read') {
  if (!orgId) return null;
  const o = await repo.findOrgInScope(q, orgId, orgInScope(ctx.actor, permission));
  if (!o) throw notFound();
  return o;
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
// Payments: one ledger entry per bill, idempotent, exactly once per bill
// ---------------------------------------------------------------------------
export function entryHash(prevHash: string, e: { personId: string; billId: string | null; kind: string; amountFen: number; method: string; paidOn: string; key: string }): string {
  return crypto.createHash('sha256').update(`${prevHash}|${e.personId}|${e.billId ?? ''}|${e.kind}|${e.amountFen}|${e.method}|${e.paidOn}|${e.key}`).digest('hex');
}

export interface PaymentInput {
  billIds: string[];
  method: 'cash' | 'transfer' | 'online';
  paidOn: string;
  payerName?: string | null;
  backPayApproval?: string | null;
  idempotencyKey: string;
  note?: string | null;
  orderId?: string | null;
}

/**
 * Records the payment of whole bills inside a transaction. Replays of the
 * same idempotency key return the first result; a bill already paid is a
 * conflict (of 50 concurrent payments of one bill exactly one succeeds: the
 * bill rows are locked in id order and re-read).
 */
/**
 * sha256 of a request's canonical form (sorted keys, trimmed text, empty text as null): an
 * idempotency key replays only the very request it was first used for.
 */
export function requestHash(body: Record<string, unknown>): string {
  const norm = (v: unknown): unknown => (typeof v === 'string' ? v.trim() || null : Array.isArray(v) ? [...v].map(norm).sort() : v ?? null);
  const canonical = JSON.stringify(Object.keys(body).sort().map((k) => [k, norm(body[k])]));
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

const paymentRequestHash = (input: PaymentInput, billIds: readonly string[]) => requestHash({
  kind: 'payment', billIds: [...billIds], method: input.method, paidOn: input.paidOn, payerName: input.payerName, backPayApproval: input.backPayApproval, note: input.note, orderId: input.orderId,
});

/** The result of an earlier request with this idempotency key; the key used for another request (other bills, or other details) is refused. */
async function earlierPayment(q: Queryable, key: string, personId: string, billIds: readonly string[], hash: string) {
  const earlier = await repo.entriesOfRequest(q, personId, key);
  if (!earlier.length) return null;
  const same = earlier.length === billIds.length && earlier.every((e) => e.bill_id !== null && billIds.includes(e.bill_id))
    // entries written before request hashes were kept compare by bills only
    && earlier.every((e) => e.request_hash === null || e.request_hash === hash);
  if (!same) throw new AppError('IDEMPOTENCY_KEY_REUSED', '该请求编号已用于另一笔内容不同的交纳（账单、方式、日期或备注不同），请刷新后重新提交');
  return { entryIds: earlier.map((e) => e.id), amountFen: earlier.reduce((s, e) => s + e.amount_fen, 0), replayed: true };
}

/** Records payments of bills; `today` is the business date a payment may not be after (for an online payment: the day the provider says it was paid). */
export async function payBills(t: Queryable, ctx: RequestContext, scope: ReturnType<typeof orgInScope>, input: PaymentInput, today: string): Promise<{ entryIds: number[]; amountFen: number; replayed: boolean }> {
  const ids = [...new Set(input.billIds)];
  const bills = await repo.lockBills(t, ids, scope);
  if (bills.length !== ids.length) throw notFound();
  const persons = new Set(bills.map((b) => b.person_id));
  if (persons.size !== 1) throw new AppError('VALIDATION_FAILED', '一次只能为一名党员交纳党费');
  // a replay (possibly one that waited on the bill locks for the original) returns the first result
  const hashOfRequest = paymentRequestHash(input, ids);
  const earlier = await earlierPayment(t, input.idempotencyKey, bills[0].person_id, ids, hashOfRequest);
  if (earlier) return earlier;
  const paid = bills.filter((b) => b.paid_on);
  if (paid.length) throw new AppError('CONFLICT', `${paid.map((b) => b.month).join('、')} 的党费已交纳，请勿重复交纳`);
  const free = bills.filter((b) => b.due_fen === 0);
  if (free.length) throw new AppError('VALIDATION_FAILED', `${free.map((b) => b.month).join('、')} 免交党费，无需交纳`);
  if (input.paidOn > today) throw new AppError('VALIDATION_FAILED', '交纳日期不能晚于今天');
  const rule = await ruleFor(t, monthOf(input.paidOn), bills[0].org_path);
  const late = bills.filter((b) => backPayNeedsApproval(rule.body, b.month, input.paidOn));
  if (late.length && !input.backPayApproval?.trim()) {
    throw new AppError('VALIDATION_FAILED', `补交一般不超过${rule.body.backPayMaxMonths}个月：${late.map((b) => b.month).join('、')} 已超过，须经上级党委同意并注明批准情况`, { issues: [{ field: 'backPayApproval', message: '请注明上级党委同意补交的情况' }] });
  }
  const personId = bills[0].person_id;
  await repo.lockMemberLedger(t, personId);
  let prev = (await repo.lastEntryHash(t, personId))?.hash ?? 'genesis';
  const entryIds: number[] = [];
  const deltas: Array<{ orgPath: string; month: string; paidFen: number; paidOnTimeFen: number; billsPaid: number; billsOnTime: number }> = [];
  for (const b of [...bills].sort((x, y) => (x.month < y.month ? -1 : 1))) {
    const key = `${input.idempotencyKey}:${b.id}`;
    const e = { personId, billId: b.id, kind: 'payment', amountFen: b.due_fen, method: input.method, paidOn: input.paidOn, key };
    const hash = entryHash(prev, e);
    entryIds.push(await repo.insertEntry(t, {
      ...e, kind: 'payment', orgId: b.org_id, regionKey: b.region_key, payerName: input.payerName ?? null, orderId: input.orderId ?? null, ruleVersionId: rule.id,
      note: [input.note, late.includes(b) ? `补交批准：${input.backPayApproval}` : null].filter(Boolean).join('；') || null, actorId: ctx.actor?.accountId ?? null, prevHash: prev, hash,
      requestHash: hashOfRequest,
    }));
    prev = hash;
    await repo.markBillPaid(t, b.id, input.paidOn);
    const onTime = input.paidOn <= monthEnd(b.month);
    deltas.push({ orgPath: b.org_path, month: b.month, paidFen: b.due_fen, paidOnTimeFen: onTime ? b.due_fen : 0, billsPaid: 1, billsOnTime: onTime ? 1 : 0 });
  }
  for (const month of new Set(deltas.map((d) => d.month))) await repo.addToRollups(t, month, deltas.filter((d) => d.month === month));
  return { entryIds, amountFen: bills.reduce((s, b) => s + b.due_fen, 0), replayed: false };
}

export async function recordPayment(deps: Deps, ctx: ActorContext, input: PaymentInput) {
  try {
    return await deps.db.tx(async (t) => {
      const r = await payBills(t, ctx, orgInScope(ctx.actor, 'dues.manage'), input, deps.clock.today());
      if (!r.replayed) await auditInTx(t, ctx, { action: 'dues.payment', objectType: 'dues_bill', objectId: input.billIds[0], detail: { bills: input.billIds.length, amountFen: r.amountFen, method: input.method, payer: input.payerName ?? null } });
      return r;
    });
  } catch (e) {
    // the same key raced itself: the other request recorded it
    if (isUniqueViolation(e, 'dues_entry_idempotency_key_key')) {
      const bill = await repo.findBillPerson(deps.db, input.billIds[0]);
      const ids = [...new Set(input.billIds)];
      const earlier = bill && (await earlierPayment(deps.db, input.idempotencyKey, bill.person_id, ids, paymentRequestHash(input, ids)));
      if (earlier) return earlier;
    }
    throw e;
  }
}

/** A voluntary one-off payment (≥ 1000 元 is listed separately: forwarded entirely to the centre). */
export async function recordVoluntary(deps: Deps, ctx: ActorContext, body: { personId: string; amountFen: number; method: 'cash' | 'transfer'; paidOn: string; idempotencyKey: string; note?: string | null }) {
  return deps.db.tx(async (t) => {
    const hashOfRequest = requestHash({ kind: 'voluntary', personId: body.personId, amountFen: body.amountFen, method: body.method, paidOn: body.paidOn, note: body.note });
    const earlier = await repo.entriesByKey(t, body.idempotencyKey);
    if (earlier.length) {
      if (earlier.some((e) => e.request_hash !== null && e.request_hash !== hashOfRequest)) throw new AppError('IDEMPOTENCY_KEY_REUSED', '该请求编号已用于另一笔内容不同的自愿交纳，请刷新后重新提交');
      return { entryIds: earlier.map((e) => e.id), amountFen: earlier[0].amount_fen, replayed: true, large: false };
    }
    const p = await findMember(t, ctx, body.personId, 'dues.manage');
    const region = await repo.personRegion(t, p.id);
    if (body.paidOn > deps.clock.today()) throw new AppError('VALIDATION_FAILED', '交纳日期不能晚于今天');
    const rule = await ruleFor(t, monthOf(body.paidOn), p.org_path);
    await repo.lockMemberLedger(t, p.id);
    const prev = (await repo.lastEntryHash(t, p.id))?.hash ?? 'genesis';
    const e = { personId: p.id, billId: null, kind: 'voluntary', amountFen: body.amountFen, method: body.method, paidOn: body.paidOn, key: body.idempotencyKey };
    const hash = entryHash(prev, e);
    const id = await repo.insertEntry(t, { ...e, kind: 'voluntary', orgId: p.org_id, regionKey: region.region_key, payerName: null, orderId: null, ruleVersionId: rule.id, note: body.note ?? null, actorId: ctx.actor.accountId, prevHash: prev, hash, requestHash: hashOfRequest });
    await repo.addToRollups(t, monthOf(body.paidOn), [{ orgPath: p.org_path, voluntaryFen: body.amountFen }]);
    const large = body.amountFen >= rule.body.voluntaryLargeFen;
    await auditInTx(t, ctx, { action: 'dues.voluntary', objectType: 'person', objectId: p.id, orgId: p.org_id, detail: { amountFen: body.amountFen, large } });
    return { entryIds: [id], amountFen: body.amountFen, replayed: false, large };
  });
}

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
