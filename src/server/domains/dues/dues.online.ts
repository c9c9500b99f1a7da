import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { RequestContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { audit } from '../../platform/audit';
import { isUniqueViolation, type Queryable } from '../../platform/db';
import { raw, sql } from '../../platform/sql';
import type { SimulatedProvider } from '../../platform/payments';
import { payBills, ruleFor } from './dues.service';
import { backPayNeedsApproval, monthOf } from './dues.policy';
import { businessToday } from '../../platform/dates';

// Online payment of dues (RULES §2 through a payment provider): the member
// creates an order for their unpaid bills; the provider's signed notification
// settles it — once, whatever arrives twice, late or forged, and only for the
// amount ordered. A pending order can be settled by querying the provider; a
// daily reconciliation against the provider's statement reports differences.

const shanghaiDay = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
const SYSTEM: RequestContext = { requestId: 'payment-provider', ip: null, actor: null };

export async function createMyOrder(deps: Deps, ctx: RequestContext, billIds: string[]) {
  const personId = ctx.actor!.personId;
  if (!personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案，请联系支部书记');
  const ids = [...new Set(billIds)];
  const bills = await deps.db.query<{ id: string; month: string; due_fen: number; paid_on: string | null; org_id: string }>(sql`
    SELECT id, to_char(month, 'YYYY-MM') AS month, due_fen::int AS due_fen, paid_on, org_id FROM dues_bill WHERE id = ANY(${ids}::uuid[]) AND person_id = ${personId}::uuid`);
  if (bills.length !== ids.length) throw notFound();
  const done = bills.filter((b) => b.paid_on || b.due_fen === 0);
  if (done.length) throw new AppError('CONFLICT', `${done.map((b) => b.month).sort().join('、')} 无需再交`);
  const today = businessToday();
  const rule = await ruleFor(deps.db, monthOf(today));
  const old = bills.filter((b) => backPayNeedsApproval(rule.body, b.month, today));
  if (old.length) throw new AppError('VALIDATION_FAILED', `补交一般不超过${rule.body.backPayMaxMonths}个月：${old.map((b) => b.month).sort().join('、')} 须经党组织同意后由支部登记补交`);
  const amount = bills.reduce((s, b) => s + b.due_fen, 0);
  const outTradeNo = `DJ${new Date().toISOString().slice(0, 10).replace(/-/g, '')}${crypto.randomBytes(8).toString('hex').toUpperCase()}`;
  const months = bills.map((b) => b.month).sort();
  const { payUrl } = await deps.payments.createOrder({ outTradeNo, amountFen: amount, subject: `党费 ${months.join('、')}` });
  await deps.db.exec(sql`INSERT INTO payment_order (out_trade_no, person_id, org_id, bill_ids, amount_fen, provider, created_by)
    VALUES (${outTradeNo}, ${personId}, ${bills[0].org_id}, ${ids}::uuid[], ${amount}, ${deps.payments.name}, ${ctx.actor!.accountId})`);
  await audit(deps.db, ctx, { action: 'dues.order', objectType: 'payment_order', objectId: outTradeNo, detail: { amountFen: amount, months } });
  return { outTradeNo, amountFen: amount, months, payUrl, provider: deps.payments.label };
}

export async function myOrder(deps: Deps, ctx: RequestContext, outTradeNo: string) {
  const o = await deps.db.maybeOne<{ out_trade_no: string; amount_fen: number; status: string; paid_at: string | null; months: string[] }>(sql`
    SELECT o.out_trade_no, o.amount_fen::int AS amount_fen, o.status, o.paid_at,
      (SELECT coalesce(array_agg(to_char(b.month, 'YYYY-MM') ORDER BY b.month), '{}') FROM dues_bill b WHERE b.id = ANY(o.bill_ids)) AS months
    FROM payment_order o WHERE o.out_trade_no = ${outTradeNo} AND o.person_id = ${ctx.actor!.personId ?? null}::uuid`);
  if (!o) throw notFound();
  return {
    outTradeNo: o.out_trade_no, amountFen: o.amount_fen, status: o.status as 'pending' | 'paid' | 'closed' | 'failed', paidAt: o.paid_at ? new Date(o.paid_at).toISOString() : null,
    months: o.months, provider: deps.payments.label,
  };
}

type Outcome = 'settled' | 'duplicate' | 'forged' | 'unknown_order' | 'amount_mismatch' | 'already_paid_refund_due';

/** Settles a paid order inside a transaction (the order row is locked; a replay is a duplicate). */
async function settle(t: Queryable, outTradeNo: string, tradeNo: string, amountFen: number, paidAt: string, via: 'notification' | 'query'): Promise<Outcome> {
  const order = await t.maybeOne<{ id: string; status: string; amount_fen: number; bill_ids: string[] }>(sql`
    SELECT id, status, amount_fen::int AS amount_fen, bill_ids FROM payment_order WHERE out_trade_no = ${outTradeNo} FOR UPDATE`);
  if (!order) return 'unknown_order';
  if (order.status === 'paid') return 'duplicate';
  if (order.amount_fen !== amountFen) return 'amount_mismatch';
  let outcome: Outcome = 'settled';
  await t.exec(sql`SAVEPOINT settle`);
  try {
    await payBills(t, SYSTEM, raw('TRUE'), { billIds: order.bill_ids, method: 'online', paidOn: shanghaiDay(paidAt), idempotencyKey: `order:${outTradeNo}`, orderId: order.id, backPayApproval: '在线支付', note: `在线支付 ${tradeNo}（${via === 'query' ? '主动查询' : '支付通知'}）` });
  } catch (e) {
    // a bill paid meanwhile at the branch: the money came in twice and must be refunded
    if (e instanceof AppError && e.code === 'CONFLICT') {
      await t.exec(sql`ROLLBACK TO SAVEPOINT settle`);
      outcome = 'already_paid_refund_due';
    } else throw e;
  }
  await t.exec(sql`UPDATE payment_order SET status = 'paid', provider_trade_no = ${tradeNo}, paid_at = ${paidAt}::timestamptz, updated_at = now() WHERE id = ${order.id}::uuid`);
  return outcome;
}

/** The provider's notification: verified, recorded, settled at most once. */
export async function handleNotification(deps: Deps, body: unknown): Promise<{ accepted: boolean; outcome: Outcome }> {
  const n = deps.payments.verifyNotification(body);
  const ref = (body as { out_trade_no?: unknown } | null)?.out_trade_no;
  let outcome: Outcome;
  if (!n) outcome = 'forged';
  else {
    try {
      outcome = await deps.db.tx((t) => settle(t, n.outTradeNo, n.tradeNo, n.amountFen, n.paidAt, 'notification'));
    } catch (e) {
      // two deliveries raced: the other one settled it
      if (isUniqueViolation(e, 'dues_entry_idempotency_key_key')) outcome = 'duplicate';
      else throw e;
    }
  }
  await deps.db.exec(sql`INSERT INTO payment_notification (provider, out_trade_no, body, verified, outcome)
    VALUES (${deps.payments.name}, ${typeof ref === 'string' ? ref.slice(0, 100) : null}, ${JSON.stringify(body ?? null)}::jsonb, ${!!n}, ${outcome})`);
  // the provider stops retrying on success; forged and unknown messages are refused
  return { accepted: outcome === 'settled' || outcome === 'duplicate' || outcome === 'already_paid_refund_due', outcome };
}

/** The order-query fallback: pending orders whose notification never came are asked about. */
export async function settlePendingOrders(deps: Deps, olderThanMinutes = 5) {
  const pending = await deps.db.query<{ out_trade_no: string }>(sql`SELECT out_trade_no FROM payment_order
    WHERE status = 'pending' AND provider = ${deps.payments.name} AND created_at < now() - make_interval(mins => ${olderThanMinutes}) ORDER BY created_at`);
  const outcomes: Record<string, Outcome> = {};
  for (const o of pending) {
    const trade = await deps.payments.queryOrder(o.out_trade_no);
    if (trade?.status !== 'paid' || !trade.paidAt) continue;
    outcomes[o.out_trade_no] = await deps.db.tx((t) => settle(t, trade.outTradeNo, trade.tradeNo, trade.amountFen, trade.paidAt!, 'query'));
  }
  return outcomes;
}

export interface Difference {
  outTradeNo: string;
  kind: 'not_settled' | 'amount_mismatch' | 'not_in_statement' | 'refund_due';
  providerFen: number | null;
  ourFen: number | null;
}

/** Daily reconciliation: the provider's statement of a day against our settled orders. */
export async function reconcile(deps: Deps, day: string) {
  const statement = await deps.payments.statement(day);
  const ours = await deps.db.query<{ out_trade_no: string; amount_fen: number; status: string; settled: boolean }>(sql`
    SELECT o.out_trade_no, o.amount_fen::int AS amount_fen, o.status, EXISTS (SELECT 1 FROM dues_entry e WHERE e.order_id = o.id) AS settled
    FROM payment_order o WHERE o.provider = ${deps.payments.name}
      AND (o.out_trade_no = ANY(${statement.map((s) => s.outTradeNo)}::text[]) OR (o.paid_at AT TIME ZONE 'Asia/Shanghai')::date = ${day}::date)`);
  const byNo = new Map(ours.map((o) => [o.out_trade_no, o]));
  const differences: Difference[] = [];
  let matched = 0;
  for (const s of statement) {
    const o = byNo.get(s.outTradeNo);
    if (!o || o.status !== 'paid') differences.push({ outTradeNo: s.outTradeNo, kind: 'not_settled', providerFen: s.amountFen, ourFen: o?.amount_fen ?? null });
    else if (o.amount_fen !== s.amountFen) differences.push({ outTradeNo: s.outTradeNo, kind: 'amount_mismatch', providerFen: s.amountFen, ourFen: o.amount_fen });
    else if (!o.settled) differences.push({ outTradeNo: s.outTradeNo, kind: 'refund_due', providerFen: s.amountFen, ourFen: o.amount_fen });
    else matched++;
  }
  const inStatement = new Set(statement.map((s) => s.outTradeNo));
  for (const o of ours) if (o.status === 'paid' && !inStatement.has(o.out_trade_no)) differences.push({ outTradeNo: o.out_trade_no, kind: 'not_in_statement', providerFen: null, ourFen: o.amount_fen });
  await deps.db.exec(sql`INSERT INTO dues_reconciliation (provider, day, matched, differences) VALUES (${deps.payments.name}, ${day}, ${matched}, ${JSON.stringify(differences)}::jsonb)
    ON CONFLICT (provider, day) DO UPDATE SET matched = EXCLUDED.matched, differences = EXCLUDED.differences, created_at = now()`);
  return { day, provider: deps.payments.name, matched, differences };
}

/** The simulated cashier's confirm button (development and demo only). */
export async function simulatePay(deps: Deps, ctx: RequestContext, outTradeNo: string) {
  const provider = deps.payments as Partial<SimulatedProvider>;
  if (typeof provider.pay !== 'function') throw new AppError('NOT_FOUND', '当前未启用模拟支付');
  const order = await myOrder(deps, ctx, outTradeNo);
  if (order.status !== 'pending') throw new AppError('CONFLICT', '该订单已支付或已关闭');
  // the simulated provider keeps its side in memory: after a restart it learns the order again
  if (!(await provider.queryOrder!(outTradeNo))) await provider.createOrder!({ outTradeNo, amountFen: order.amountFen, subject: `党费 ${order.months.join('、')}` });
  const t = await provider.pay(outTradeNo);
  return { outTradeNo, status: t.status };
}
