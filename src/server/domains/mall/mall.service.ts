import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { ActorContext, RequestContext } from '../../platform/actor';
import type { Queryable } from '../../platform/db';
import { isUniqueViolation } from '../../platform/db';
import { AppError, conflict, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { requestHash } from '../../platform/idempotency';
import { addDays } from '../../platform/dates';
import { ruleInForce } from '../../platform/rules';
import { covers, orgInScope, unscoped } from '../../platform/scope';
import { MALL_SOURCE, lockMemberPoints, pointBalancesOf, reserveIn, settleIn } from '../points';
import type {
  CancelRedemptionBody, CreateMallItemBody, FulfilRedemptionBody, ListMallItemsQuery, ListRedemptionsQuery, MallItemPage, MallItemView, MyMall, MyRedemptions, RedeemBody,
  RedemptionPage, RedemptionView, RestockBody, StockLedger, UpdateMallItemBody,
} from '../../../contracts/mall';
import * as repo from './mall.repo';

// 积分商城 (issue 17): the supplier's catalogue and stock, the member's
// redemption, the pick-up desk. Lock order everywhere: a redemption row, then
// the member's point accounts, then the item row (taken last, by the statement
// that moves its counters) — so redemptions, pick-ups and cancellations of one
// item never deadlock and the item's row is held only to the commit. A redemption
// reserves the points (points.reserveIn, its source the redemption) and the
// stock in one transaction; fulfilment confirms the points (spent, into the
// mall account); cancellation and expiry release both.

/** The rule `mall.redemption` (migration 0039). */
export interface RedemptionRule {
  pickupDays: number;
  maxQuantityPerOrder: number;
}

const readScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'mall.read');
const manageScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'mall.manage');

const whenOf = (deps: Deps) => ({ at: deps.clock.now(), today: deps.clock.today() });

/** Redemption codes: 8 characters without 0/O and 1/I (read aloud at the desk), 32⁸ ≈ 10¹² codes. */
const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
function newCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
  return s;
}

function itemView(r: repo.ItemRow, today: string): MallItemView {
  return {
    id: r.id, supplierOrgId: r.supplier_org_id, supplierOrgName: r.supplier_org_name, audienceOrgId: r.audience_org_id, audienceOrgName: r.audience_org_name,
    kind: r.kind, name: r.name, description: r.description, pointsPrice: r.points_price, perPersonLimit: r.per_person_limit, saleFrom: r.sale_from, saleTo: r.sale_to,
    pickupPlace: r.pickup_place, status: r.status, stock: r.stock, reserved: r.reserved, fulfilled: r.fulfilled, onSaleToday: onSale(r, today) && r.stock > 0, version: r.version,
  };
}

function onSale(r: repo.ItemRow, today: string): boolean {
  return r.status === 'on_sale' && r.sale_from <= today && (r.sale_to === null || r.sale_to >= today);
}

function redemptionView(r: repo.RedemptionRow, showCode: boolean): RedemptionView {
  return {
    id: r.id, itemId: r.item_id, itemName: r.item_name, supplierOrgName: r.supplier_org_name, pickupPlace: r.pickup_place, personId: r.person_id, personName: r.person_name,
    orgName: r.org_name, quantity: r.quantity, points: r.points, status: r.status, code: showCode && r.status === 'reserved' ? r.code : null,
    redeemedAt: new Date(r.redeemed_at).toISOString(), pickupBy: r.pickup_by, settledAt: r.settled_at ? new Date(r.settled_at).toISOString() : null, cancelReason: r.cancel_reason,
  };
}

// --- the supplier's catalogue

async function supplierOrg(q: Queryable, ctx: ActorContext, orgId: string) {
  const org = await repo.orgOf(q, orgId, manageScope(ctx));
  if (!org) throw notFound();
  if (org.dissolved_on) throw new AppError('ORG_DISSOLVED');
  return org;
}

export async function createMallItem(deps: Deps, ctx: ActorContext, body: CreateMallItemBody): Promise<string> {
  return deps.db.tx(async (t) => {
    const supplier = await supplierOrg(t, ctx, body.supplierOrgId);
    const audience = body.audienceOrgId ? await supplierOrg(t, ctx, body.audienceOrgId) : supplier;
    const at = deps.clock.now();
    const id = await repo.insertItem(t, { ...body, audienceOrgId: audience.id }, supplier.region_key, ctx.actor.accountId, at);
    if (body.initialStock > 0) await repo.moveItem(t, id, { stock: body.initialStock }, { kind: 'stock_in', reason: '首批入库', redemptionId: null, actorId: ctx.actor.accountId, at });
    await auditInTx(t, ctx, { action: 'mall.item_create', objectType: 'mall_item', objectId: id, orgId: supplier.id, detail: { name: body.name, points: body.pointsPrice, quantity: body.initialStock } });
    return id;
  });
}

async function lockItem(t: Queryable, ctx: ActorContext, id: string, version: number | null) {
  const r = await repo.findItem(t, id, manageScope(ctx), true);
  if (!r) throw notFound();
  if (version !== null && r.version !== version) throw conflict();
  return r;
}

export async function updateMallItem(deps: Deps, ctx: ActorContext, id: string, body: UpdateMallItemBody): Promise<MallItemView> {
  await deps.db.tx(async (t) => {
    const r = await lockItem(t, ctx, id, body.version);
    if (!(await repo.updateItem(t, id, r.version, body, deps.clock.now()))) throw conflict();
    const changed = body.status !== r.status ? { from: r.status, to: body.status } : {};
    await auditInTx(t, ctx, { action: 'mall.item_update', objectType: 'mall_item', objectId: id, orgId: r.supplier_org_id, detail: { name: body.name, points: body.pointsPrice, ...changed } });
  });
  return getMallItem(deps, ctx, id);
}

export async function restockMallItem(deps: Deps, ctx: ActorContext, id: string, body: RestockBody): Promise<MallItemView> {
  await deps.db.tx(async (t) => {
    const r = await lockItem(t, ctx, id, null);
    if (r.stock + body.quantity < 0) throw new AppError('MALL_OUT_OF_STOCK', `当前可兑换库存 ${r.stock} 件，盘减不能超过该数（待领取的 ${r.reserved} 件已被兑换占用）`);
    const after = await repo.moveItem(t, id, { stock: body.quantity }, { kind: body.quantity > 0 ? 'stock_in' : 'adjust_out', reason: body.reason, redemptionId: null, actorId: ctx.actor.accountId, at: deps.clock.now() });
    await auditInTx(t, ctx, { action: 'mall.restock', objectType: 'mall_item', objectId: id, orgId: r.supplier_org_id, detail: { quantity: body.quantity, stockAfter: after, reason: body.reason } });
  });
  return getMallItem(deps, ctx, id);
}

export async function getMallItem(deps: Deps, ctx: ActorContext, id: string): Promise<MallItemView> {
  const r = await repo.findItem(deps.db, id, readScope(ctx));
  if (!r) throw notFound();
  return itemView(r, deps.clock.today());
}

export async function listMallItems(deps: Deps, ctx: ActorContext, query: ListMallItemsQuery): Promise<MallItemPage> {
  let orgPath: string | undefined;
  if (query.orgId) {
    const org = await repo.orgOf(deps.db, query.orgId, readScope(ctx));
    if (!org) throw notFound();
    orgPath = org.path;
  }
  const { rows, total } = await repo.listItems(deps.db, readScope(ctx), { orgPath, status: query.status, q: query.q }, query.page, query.pageSize);
  const today = deps.clock.today();
  return { items: rows.map((r) => itemView(r, today)), total, page: query.page, pageSize: query.pageSize };
}

export async function getStockLedger(deps: Deps, ctx: ActorContext, id: string): Promise<StockLedger> {
  const item = await getMallItem(deps, ctx, id);
  const entries = await repo.stockEntries(deps.db, id);
  return {
    item,
    entries: entries.map((e) => ({ id: Number(e.id), kind: e.kind, quantity: e.quantity, stockAfter: e.stock_after, reason: e.reason, redemptionId: e.redemption_id, actorName: e.actor_name, at: new Date(e.at).toISOString() })),
  };
}

export async function listRedemptions(deps: Deps, ctx: ActorContext, query: ListRedemptionsQuery): Promise<RedemptionPage> {
  let orgPath: string | undefined;
  if (query.orgId) {
    const org = await repo.orgOf(deps.db, query.orgId, readScope(ctx));
    if (!org) throw notFound();
    orgPath = org.path;
  }
  const { rows, total } = await repo.listRedemptions(deps.db, readScope(ctx), { orgPath, itemId: query.itemId, status: query.status, from: query.from, to: query.to }, query.page, query.pageSize);
  return { items: rows.map((r) => redemptionView(r, false)), total, page: query.page, pageSize: query.pageSize };
}

// --- the member's side

function myPersonId(ctx: ActorContext): string {
  if (!ctx.actor.personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案');
  return ctx.actor.personId;
}

export async function getMyMall(deps: Deps, ctx: ActorContext): Promise<MyMall> {
  const personId = myPersonId(ctx);
  const member = await repo.personOrgPath(deps.db, personId);
  if (!member) throw notFound();
  const today = deps.clock.today();
  const [points, items] = await Promise.all([pointBalancesOf(deps.db, personId), repo.itemsForMember(deps.db, member.path, personId, today)]);
  return { balance: points.balance, onHold: points.onHold, items: items.map((r) => ({ ...itemView(r, today), redeemedByMe: r.redeemed_by_me })) };
}

export async function listMyRedemptions(deps: Deps, ctx: ActorContext): Promise<MyRedemptions> {
  const personId = myPersonId(ctx);
  const { rows } = await repo.listRedemptions(deps.db, unscoped('the caller\'s own redemptions'), { personId }, 1, 100);
  return { items: rows.map((r) => redemptionView(r, true)) };
}

function replay(earlier: repo.RedemptionRow, hash: string): RedemptionView {
  if (earlier.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', '该请求编号已用于另一笔内容不同的兑换，请刷新页面后重新提交');
  return redemptionView(earlier, true);
}

/**
 * The writes of a redemption the caller has checked, in its transaction: the
 * points reserved in the ledger (its source the redemption; locks the member,
 * refuses beyond the balance), the redemption with its code, and last the
 * stock taken — atomically, only if the item is on sale that day with that
 * many free (else MALL_OUT_OF_STOCK or MALL_NOT_ON_SALE, and the caller's
 * transaction rolls back). The item's row lock is thus held only from that
 * last statement to the commit. Also the demo seed's path, so that its history
 * is written as the product writes it.
 */
export async function writeRedemption(
  t: Queryable,
  r: { item: { id: string; name: string; pointsPrice: number }; member: { personId: string; orgId: string; regionKey: string | null }; quantity: number; key: string; hash: string; at: Date; today: string; pickupDays: number; actorId: string | null },
): Promise<{ id: string; points: number; code: string; pickupBy: string }> {
  const id = crypto.randomUUID();
  const code = newCode();
  const points = r.item.pointsPrice * r.quantity;
  const pickupBy = addDays(r.today, r.pickupDays);
  const txn = await reserveIn(t, {
    personId: r.member.personId, orgId: r.member.orgId, points, reason: `兑换 ${r.item.name} × ${r.quantity}`, sourceType: MALL_SOURCE, sourceId: id,
    idempotencyKey: `mall.redeem:${id}`, requestHash: r.hash, actorId: r.actorId, at: r.at, factDate: r.today,
  });
  await repo.insertRedemption(t, id, {
    itemId: r.item.id, personId: r.member.personId, orgId: r.member.orgId, quantity: r.quantity, points, code, reservationTxn: txn, key: r.key, hash: r.hash, at: r.at,
    pickupBy, regionKey: r.member.regionKey,
  });
  if ((await repo.takeStock(t, r.item.id, r.quantity, r.today, { redemptionId: id, actorId: r.actorId, at: r.at })) === null) {
    // taken or withdrawn since the caller looked: say which
    const now = await repo.findItem(t, r.item.id, unscoped('the item just refused'));
    if (now && onSale(now, r.today)) throw new AppError('MALL_OUT_OF_STOCK', now.stock === 0 ? '该商品已兑完' : `该商品仅剩 ${now.stock} 件`);
    throw new AppError('MALL_NOT_ON_SALE', '该商品已下架或不在兑换期内');
  }
  return { id, points, code, pickupBy };
}

/** 兑换: the member's points (reserved in the ledger) and the stock, in one transaction; nothing is written when any check refuses. */
export async function redeemMallItem(deps: Deps, ctx: ActorContext, body: RedeemBody): Promise<RedemptionView> {
  const personId = myPersonId(ctx);
  const hash = requestHash({ op: 'mall.redeem', personId, itemId: body.itemId, quantity: body.quantity });
  const earlierOf = async (q: Queryable) => {
    const earlier = await repo.redemptionByKey(q, body.idempotencyKey);
    if (!earlier) return null;
    if (earlier.person_id !== personId) throw new AppError('IDEMPOTENCY_KEY_REUSED', '该请求编号已被使用，请刷新页面后重新提交');
    return replay(earlier, hash);
  };
  try {
    return await deps.db.tx(async (t) => {
      if (await repo.keyUsed(t, body.idempotencyKey)) return (await earlierOf(t))!;
      const member = await repo.personOrgPath(t, personId);
      if (!member) throw notFound();
      // the item as the member may see it: its audience subtree holds the member's organisation
      const item = await repo.findItem(t, body.itemId, repo.audienceHolds(member.path));
      if (!item) throw notFound();
      const today = deps.clock.today();
      const rule = (await ruleInForce<RedemptionRule>(t, 'mall', 'redemption', today, member.path)).body;
      if (!onSale(item, today)) throw new AppError('MALL_NOT_ON_SALE', item.status !== 'on_sale' ? '该商品已下架' : item.sale_from > today ? `该商品 ${item.sale_from} 起可兑换` : `该商品的兑换已于 ${item.sale_to} 截止`);
      if (body.quantity > rule.maxQuantityPerOrder) throw new AppError('MALL_LIMIT_REACHED', `一次最多兑换 ${rule.maxQuantityPerOrder} 件`);
      if (item.stock < body.quantity) throw new AppError('MALL_OUT_OF_STOCK', item.stock === 0 ? '该商品已兑完' : `该商品仅剩 ${item.stock} 件`);
      if (item.per_person_limit !== null) {
        // counted under the member's lock: two redemptions of one member queue here
        await lockMemberPoints(t, personId);
        const held = await repo.heldByPerson(t, item.id, personId);
        if (held + body.quantity > item.per_person_limit) {
          throw new AppError('MALL_LIMIT_REACHED', held > 0 ? `该商品每人限兑 ${item.per_person_limit} 件，您已兑换 ${held} 件` : `该商品每人限兑 ${item.per_person_limit} 件`);
        }
      }
      const at = deps.clock.now();
      const w = await writeRedemption(t, {
        item: { id: item.id, name: item.name, pointsPrice: item.points_price }, member: { personId, orgId: member.org_id, regionKey: member.region_key },
        quantity: body.quantity, key: body.idempotencyKey, hash, at, today, pickupDays: rule.pickupDays, actorId: ctx.actor.accountId,
      });
      // the audit row last: the installation-wide audit lock is held for the shortest time
      await auditInTx(t, ctx, { action: 'mall.redeem', objectType: 'mall_redemption', objectId: w.id, orgId: item.supplier_org_id, detail: { item: item.name, quantity: body.quantity, points: w.points } });
      return {
        id: w.id, itemId: item.id, itemName: item.name, supplierOrgName: item.supplier_org_name, pickupPlace: item.pickup_place, personId, personName: member.name, orgName: member.org_name,
        quantity: body.quantity, points: w.points, status: 'reserved', code: w.code, redeemedAt: at.toISOString(), pickupBy: w.pickupBy, settledAt: null, cancelReason: null,
      } satisfies RedemptionView;
    });
  } catch (e) {
    // the same key sent twice at once: the loser answers what the winner wrote
    if (isUniqueViolation(e, 'mall_redemption_idempotency_key_key')) {
      const earlier = await earlierOf(deps.db);
      if (earlier) return earlier;
    }
    throw e;
  }
}

/**
 * Closes an open redemption: fulfilled at the desk (the points are spent),
 * cancelled or expired (points and stock go back). Locks the redemption, then
 * (settling the points) the member, then (the counters, last) the item — the
 * order every path of the mall keeps — and checks the state under the lock.
 */
export async function closeRedemption(t: Queryable, when: { at: Date; today: string }, r: { id: string; item_id: string }, to: 'fulfilled' | 'cancelled' | 'expired', actorId: string | null, reason: string | null): Promise<void> {
  const now = await repo.lockRedemption(t, r.id);
  if (!now || now.status !== 'reserved') throw new AppError('MALL_STATE');
  const settle = await settleIn(t, Number(now.reservation_txn), to === 'fulfilled' ? 'confirm' : 'release', { idempotencyKey: `mall.${to}:${r.id}`, actorId, at: when.at, factDate: when.today });
  await repo.settleRedemption(t, r.id, to, settle, actorId, when.at, reason);
  if (to === 'fulfilled') await repo.moveItem(t, r.item_id, { reserved: -now.quantity, fulfilled: now.quantity }, null);
  else await repo.moveItem(t, r.item_id, { stock: now.quantity, reserved: -now.quantity }, { kind: 'release', reason, redemptionId: r.id, actorId, at: when.at });
}

/** Tells the member (their own accounts) that a redemption was closed without them: cancelled by the supplier, or expired. */
async function tellMember(t: Queryable, deps: Deps, r: repo.RedemptionRow, title: string, body: string) {
  for (const a of await repo.accountsOfPerson(t, r.person_id)) await deps.notify.notify(t, a.id, { kind: 'mall', title, body, link: '/m/mall' });
}

/** The view of a redemption just closed, from the row read before (no second read). */
function closedView(r: repo.RedemptionRow, to: 'fulfilled' | 'cancelled' | 'expired', at: Date, reason: string | null, showCode: boolean): RedemptionView {
  return { ...redemptionView(r, showCode), status: to, code: null, settledAt: at.toISOString(), cancelReason: reason };
}

/** 领取核销: the desk types the member's code; the redemption must be of an item supplied in the caller's scope. */
export async function fulfilRedemption(deps: Deps, ctx: ActorContext, body: FulfilRedemptionBody): Promise<RedemptionView> {
  return deps.db.tx(async (t) => {
    const r = await repo.openByCode(t, body.code, manageScope(ctx));
    // a code of another supplier's item reads as a wrong code: no oracle
    if (!r) throw new AppError('MALL_CODE_INVALID');
    const when = whenOf(deps);
    await closeRedemption(t, when, r, 'fulfilled', ctx.actor.accountId, null);
    await auditInTx(t, ctx, { action: 'mall.fulfil', objectType: 'mall_redemption', objectId: r.id, orgId: r.supplier_org_id, detail: { item: r.item_name, quantity: r.quantity, points: r.points } });
    return closedView(r, 'fulfilled', when.at, null, false);
  });
}

/** 取消兑换: by the member who redeemed, or by a supplier of the item. */
export async function cancelRedemption(deps: Deps, ctx: ActorContext, id: string, body: CancelRedemptionBody): Promise<RedemptionView> {
  return deps.db.tx(async (t) => {
    const r = await repo.findRedemption(t, id, unscoped('checked below: the buyer or a supplier in scope'));
    const mine = !!r && r.person_id === ctx.actor.personId;
    if (!r || (!mine && !covers(ctx.actor, 'mall.manage', { id: r.supplier_org_id, path: r.supplier_path }))) throw notFound();
    const when = whenOf(deps);
    await closeRedemption(t, when, r, 'cancelled', ctx.actor.accountId, body.reason);
    if (!mine) await tellMember(t, deps, r, `兑换已取消：${r.item_name} × ${r.quantity}`, `${r.supplier_org_name}取消了您的兑换，原因：${body.reason}。冻结的 ${r.points} 积分已退回。`);
    await auditInTx(t, ctx, { action: 'mall.cancel', objectType: 'mall_redemption', objectId: r.id, orgId: r.supplier_org_id, detail: { item: r.item_name, quantity: r.quantity, points: r.points, reason: body.reason } });
    return closedView(r, 'cancelled', when.at, body.reason, mine);
  });
}

/** Redemptions not picked up by their day (the daily job): points and stock go back. */
export async function expireOverdueRedemptions(deps: Deps, ctx: RequestContext): Promise<number> {
  let n = 0;
  for (const { id } of await repo.overdueRedemptions(deps.db, deps.clock.today())) {
    await deps.db.tx(async (t) => {
      const r = await repo.findRedemption(t, id, unscoped('the job expiring redemptions'));
      if (!r || r.status !== 'reserved') return;
      await closeRedemption(t, whenOf(deps), r, 'expired', null, '逾期未领取');
      await tellMember(t, deps, r, `兑换逾期未领取：${r.item_name} × ${r.quantity}`, `最迟领取日期 ${r.pickup_by} 已过，兑换已自动取消，冻结的 ${r.points} 积分已退回。`);
      await auditInTx(t, ctx, { action: 'mall.expire', objectType: 'mall_redemption', objectId: r.id, orgId: r.supplier_org_id, detail: { item: r.item_name, quantity: r.quantity, points: r.points } });
      n++;
    });
  }
  return n;
}

/** The mall's counters against a recomputation from its facts, and open redemptions against the points on hold. */
export async function verifyMall(q: Queryable) {
  const [counters, holds] = await Promise.all([repo.counterDifferences(q), repo.holdMismatches(q)]);
  return { ok: counters.length === 0 && holds.length === 0, counterDifferences: counters, holdMismatches: holds.map((h) => h.id) };
}

export const rebuildMallCounters = (q: Queryable) => repo.rebuildCounters(q);
