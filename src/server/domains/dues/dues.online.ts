import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { grantsWith, type RequestContext, type ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { audit } from '../../platform/audit';
import { inSavepoint, isUniqueViolation, type Queryable } from '../../platform/db';
import { orgInScope, unscoped } from '../../platform/scope';
import type { NotificationInput, PaymentProvider, SimulatedProvider } from '../../platform/payments';
import { payBills } from './dues.payments';
import { ruleFor } from './dues.bills';
import { backPayNeedsApproval, monthOf } from './dues.policy';
import * as repo from './dues.repo';

// Online payment of dues (RULES §2 through a payment provider): the member
// creates an order for their unpaid bills; the provider's signed notification
// settles it — once, whatever arrives twice, late or forged, and only for the
// amount ordered. A bill has at most one pending order (the database refuses a
// second), which the provider closes after ORDER_TTL_MINUTES. A pending order
// can be settled by querying the provider; a daily reconciliation against the
// provider's statement reports differences. Without a provider (production
// without configuration) there is no online payment at all.

const shanghaiDay = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
const SYSTEM: RequestContext = { requestId: 'payment-provider', ip: null, actor: null };
/** An order not paid within this time is closed at the provider (time_expire) and by the hourly job. */
export const ORDER_TTL_MINUTES = 30;
const UNAVAILABLE_MESSAGE = '未开通在线缴纳党费，请向支部线下交纳';

function providerOrRefuse(deps: Deps): PaymentProvider {
  if (!deps.payments) throw new AppError('ONLINE_PAYMENT_UNAVAILABLE', UNAVAILABLE_MESSAGE);
  return deps.payments;
}

/** What the phone shows: whether online payment is offered, and through whom. */
export function onlinePaymentInfo(deps: Deps) {
  const p = deps.payments;
  return p ? { available: true, provider: p.label, simulated: p.simulated } : { available: false, provider: null, simulated: false };
}

/** Pending orders of these bills that have expired: settled if the provider says paid, else closed there and here. */
async function endExpiredOrders(deps: Deps, provider: PaymentProvider, orders: repo.PendingOrderRow[]) {
  for (const o of orders.filter((x) => x.expired)) {
    if (o.provider !== provider.name) {
      // the provider was changed: its orders cannot be paid any more
      await repo.endOrder(deps.db, o.id, 'closed');
      continue;
    }
    const trade = await provider.queryOrder(o.out_trade_no);
    if (trade?.status === 'paid' && trade.paidAt) {
      await settleSafely(deps, trade.outTradeNo, trade.tradeNo, trade.amountFen, trade.paidAt, 'query');
      continue;
    }
    await provider.closeOrder(o.out_trade_no);
    await repo.endOrder(deps.db, o.id, 'closed');
  }
}

export async function createMyOrder(deps: Deps, ctx: ActorContext, billIds: string[]) {
  const provider = providerOrRefuse(deps);
  const personId = ctx.actor.personId;
  if (!personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案，请联系支部书记');
  const ids = [...new Set(billIds)];
  const bills = await repo.billsOfMember(deps.db, personId, ids);
  if (bills.length !== ids.length) throw notFound();
  const done = bills.filter((b) => b.paid_on || b.due_fen === 0);
  if (done.length) throw new AppError('CONFLICT', `${done.map((b) => b.month).sort().join('、')} 无需再交`);
  const today = deps.clock.today();
  const rule = await ruleFor(deps.db, monthOf(today));
  const old = bills.filter((b) => backPayNeedsApproval(rule.body, b.month, today));
  if (old.length) throw new AppError('VALIDATION_FAILED', `补交一般不超过${rule.body.backPayMaxMonths}个月：${old.map((b) => b.month).sort().join('、')} 须经党组织同意后由支部登记补交`);
  await endExpiredOrders(deps, provider, await repo.pendingOrdersOfBills(deps.db, ids, ORDER_TTL_MINUTES));
  const amount = bills.reduce((s, b) => s + b.due_fen, 0);
  const outTradeNo = `DJ${today.replace(/-/g, '')}${crypto.randomBytes(8).toString('hex').toUpperCase()}`;
  const months = bills.map((b) => b.month).sort();
  let orderId: string;
  try {
    // one pending order per bill: the partial unique index decides between racing requests
    orderId = await deps.db.tx((t) => repo.insertOrder(t, { outTradeNo, personId, orgId: bills[0].org_id, billIds: ids, amountFen: amount, provider: provider.name, createdBy: ctx.actor.accountId }));
  } catch (e) {
    if (isUniqueViolation(e, 'payment_order_bill_one_pending')) {
      throw new AppError('CONFLICT', `所选月份已有一笔待支付的订单：请完成该订单的支付，或在订单关闭后（${ORDER_TTL_MINUTES}分钟）重新发起，以免重复扣款`);
    }
    throw e;
  }
  let payUrl: string;
  try {
    ({ payUrl } = await provider.createOrder({
      outTradeNo, amountFen: amount, subject: `党费 ${months.join('、')}`, payerIp: ctx.ip, returnPath: `/m/pay/${outTradeNo}`,
      expiresAt: new Date(Date.now() + ORDER_TTL_MINUTES * 60_000),
    }));
  } catch {
    // the provider refused or could not be reached: the bills are free again
    await repo.endOrder(deps.db, orderId, 'failed');
    throw new AppError('UNAVAILABLE', '支付机构暂时无法受理，请稍后重试');
  }
  await audit(deps.db, ctx, { action: 'dues.order', objectType: 'payment_order', objectId: outTradeNo, detail: { amountFen: amount, months, provider: provider.name } });
  return { outTradeNo, amountFen: amount, months, payUrl, provider: provider.label };
}

export async function myOrder(deps: Deps, ctx: ActorContext, outTradeNo: string) {
  const o = await repo.orderOfPerson(deps.db, outTradeNo, ctx.actor.personId ?? null);
  if (!o) throw notFound();
  return {
    outTradeNo: o.out_trade_no, amountFen: o.amount_fen, status: o.status as 'pending' | 'paid' | 'closed' | 'failed', paidAt: o.paid_at ? new Date(o.paid_at).toISOString() : null,
    months: o.months, provider: deps.payments?.name === o.provider ? deps.payments.label : o.provider, simulated: o.provider === 'simulated' && !!deps.payments?.simulated,
  };
}

type Outcome = 'settled' | 'duplicate' | 'forged' | 'late' | 'malformed' | 'unknown_order' | 'amount_mismatch' | 'already_paid_refund_due';

/** Settles a paid order inside a transaction (the order row is locked; a replay is a duplicate). */
async function settle(t: Queryable, outTradeNo: string, tradeNo: string, amountFen: number, paidAt: string, via: 'notification' | 'query'): Promise<Outcome> {
  const order = await repo.lockOrder(t, outTradeNo);
  if (!order) return 'unknown_order';
  if (order.status === 'paid') return 'duplicate';
  if (order.amount_fen !== amountFen) return 'amount_mismatch';
  let outcome: Outcome = 'settled';
  try {
    // the provider's order settles its own member's bills: no actor's scope applies
    await inSavepoint(t, 'settle', () => payBills(t, SYSTEM, unscoped('settling an order the provider confirmed'), { billIds: order.bill_ids, method: 'online', paidOn: shanghaiDay(paidAt), idempotencyKey: `order:${outTradeNo}`, orderId: order.id, backPayApproval: '在线支付', note: `在线支付 ${tradeNo}（${via === 'query' ? '主动查询' : '支付通知'}）` }, shanghaiDay(paidAt)));
  } catch (e) {
    // a bill paid meanwhile at the branch: the money came in twice and must be refunded
    if (e instanceof AppError && e.code === 'CONFLICT') outcome = 'already_paid_refund_due';
    else throw e;
  }
  await repo.markOrderPaid(t, order.id, tradeNo, paidAt);
  return outcome;
}

async function settleSafely(deps: Deps, outTradeNo: string, tradeNo: string, amountFen: number, paidAt: string, via: 'notification' | 'query'): Promise<Outcome> {
  try {
    return await deps.db.tx((t) => settle(t, outTradeNo, tradeNo, amountFen, paidAt, via));
  } catch (e) {
    // two deliveries raced: the other one settled it
    if (isUniqueViolation(e, 'dues_entry_idempotency_key_key')) return 'duplicate';
    throw e;
  }
}

/** Text as PostgreSQL stores it: no NUL, no lone surrogate. */
const storable = (s: string) => s.replaceAll('\u0000', '\uFFFD').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
/** What is kept of a verified body (bounded, in case a provider sent more than it should). */
const KEPT_BODY_CHARS = 16 * 1024;

/** The provider's notification: verified, recorded as a bounded digest, settled at most once. */
export async function handleNotification(deps: Deps, input: NotificationInput): Promise<{ accepted: boolean; outcome: Outcome }> {
  const provider = deps.payments;
  if (!provider) throw notFound();
  const v = await provider.verifyNotification(input);
  const outcome: Outcome = v.ok ? await settleSafely(deps, v.notification.outTradeNo, v.notification.tradeNo, v.notification.amountFen, v.notification.paidAt, 'notification') : v.reason;
  const ref = v.ok ? v.notification.outTradeNo : v.ref;
  // a forged body is not kept: its digest, size and what it claimed to be about are enough to investigate
  await repo.insertNotification(deps.db, {
    provider: provider.name, outTradeNo: ref === null ? null : storable(ref).slice(0, 64), verified: v.ok, outcome,
    sha256: crypto.createHash('sha256').update(input.rawBody).digest('hex'), bytes: Buffer.byteLength(input.rawBody),
    body: v.ok ? { notification: v.notification, raw: storable(input.rawBody).slice(0, KEPT_BODY_CHARS) } : null,
  });
  // the provider stops retrying on success; forged and unknown messages are refused
  return { accepted: outcome === 'settled' || outcome === 'duplicate' || outcome === 'already_paid_refund_due', outcome };
}

/**
 * The order-query fallback (hourly): pending orders whose notification never
 * came are asked about and settled; expired ones are closed at the provider.
 */
export async function settlePendingOrders(deps: Deps, olderThanMinutes = 5) {
  const provider = deps.payments;
  const outcomes: Record<string, Outcome | 'closed'> = {};
  if (!provider) return outcomes;
  for (const o of await repo.pendingOrders(deps.db, olderThanMinutes, ORDER_TTL_MINUTES)) {
    if (o.provider !== provider.name) {
      if (o.expired) {
        await repo.endOrder(deps.db, o.id, 'closed');
        outcomes[o.out_trade_no] = 'closed';
      }
      continue;
    }
    const trade = await provider.queryOrder(o.out_trade_no);
    if (trade?.status === 'paid' && trade.paidAt) outcomes[o.out_trade_no] = await settleSafely(deps, trade.outTradeNo, trade.tradeNo, trade.amountFen, trade.paidAt, 'query');
    else if (o.expired) {
      await provider.closeOrder(o.out_trade_no);
      await repo.endOrder(deps.db, o.id, 'closed');
      outcomes[o.out_trade_no] = 'closed';
    }
  }
  return outcomes;
}

export interface Difference {
  outTradeNo: string;
  kind: 'not_settled' | 'amount_mismatch' | 'not_in_statement' | 'refund_due';
  providerFen: number | null;
  ourFen: number | null;
}

/**
 * Reconciliation of a day: the provider's statement against our orders. The
 * installation's (the daily job; an administrator of the whole tree) covers
 * every line of the statement; a committee's covers only the orders of its own
 * subtree and is stored under its own scope key, never over another's.
 */
async function reconcileIn(deps: Deps, day: string, scope: { sql: ReturnType<typeof orgInScope>; key: string; requestedBy: string | null }) {
  const provider = providerOrRefuse(deps);
  const full = await provider.statement(day);
  const ours = await repo.ordersToReconcile(deps.db, provider.name, full.map((s) => s.outTradeNo), day, scope.sql);
  const byNo = new Map(ours.map((o) => [o.out_trade_no, o]));
  const installation = scope.key === 'installation';
  // a committee sees only its own orders' lines; lines of no order at all are the installation's
  const statement = installation ? full : full.filter((s) => byNo.has(s.outTradeNo));
  const differences: Difference[] = [];
  let matched = 0;
  for (const s of statement) {
    const o = byNo.get(s.outTradeNo);
    if (!o || o.status !== 'paid') differences.push({ outTradeNo: s.outTradeNo, kind: 'not_settled', providerFen: s.amountFen, ourFen: o?.amount_fen ?? null });
    else if (o.amount_fen !== s.amountFen) differences.push({ outTradeNo: s.outTradeNo, kind: 'amount_mismatch', providerFen: s.amountFen, ourFen: o.amount_fen });
    else if (!o.settled) differences.push({ outTradeNo: s.outTradeNo, kind: 'refund_due', providerFen: s.amountFen, ourFen: o.amount_fen });
    else matched++;
  }
  const inStatement = new Set(full.map((s) => s.outTradeNo));
  for (const o of ours) if (o.status === 'paid' && !inStatement.has(o.out_trade_no)) differences.push({ outTradeNo: o.out_trade_no, kind: 'not_in_statement', providerFen: null, ourFen: o.amount_fen });
  await repo.saveReconciliation(deps.db, { provider: provider.name, day, scopeKey: scope.key, matched, differences, requestedBy: scope.requestedBy });
  return { day, provider: provider.name, matched, differences };
}

/** The installation's reconciliation (the daily job). */
export function reconcile(deps: Deps, day: string) {
  return reconcileIn(deps, day, { sql: unscoped('the installation-wide reconciliation job covers every order'), key: 'installation', requestedBy: null });
}

/** A committee's reconciliation: scoped to the orders of its subtree (`dues.approve`). */
export async function reconcileForActor(deps: Deps, ctx: ActorContext, day: string) {
  const actor = ctx.actor;
  const grants = grantsWith(actor, 'dues.approve');
  const key = grants.some((g) => g.orgId === null) ? 'installation' : grants.map((g) => `${g.scope}:${g.orgId}`).sort().join(',');
  const r = await reconcileIn(deps, day, { sql: orgInScope(actor, 'dues.approve'), key, requestedBy: actor.accountId });
  await audit(deps.db, ctx, { action: 'dues.reconcile', objectType: 'dues_reconciliation', detail: { day, provider: r.provider, matched: r.matched, differences: r.differences.length } });
  return r;
}

/** The simulated cashier's confirm button (demo mode only: the simulated provider exists nowhere else). */
export async function simulatePay(deps: Deps, ctx: ActorContext, outTradeNo: string) {
  const provider = deps.payments as SimulatedProvider | null;
  if (!provider?.simulated || deps.config.payments.provider !== 'simulated') throw new AppError('NOT_FOUND', '当前未启用模拟支付');
  const order = await myOrder(deps, ctx, outTradeNo);
  if (!order.simulated) throw notFound();
  if (order.status !== 'pending') throw new AppError('CONFLICT', '该订单已支付或已关闭');
  // the simulated provider keeps its side in memory: after a restart it learns the order again
  if (!(await provider.queryOrder(outTradeNo))) {
    await provider.createOrder({ outTradeNo, amountFen: order.amountFen, subject: `党费 ${order.months.join('、')}`, payerIp: ctx.ip, returnPath: `/m/pay/${outTradeNo}`, expiresAt: new Date(Date.now() + ORDER_TTL_MINUTES * 60_000) });
  }
  const t = await provider.pay(outTradeNo);
  return { outTradeNo, status: t.status };
}
