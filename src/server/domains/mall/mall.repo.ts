import type { Queryable } from '../../platform/db';
import { and, likeText, sql, type Sql } from '../../platform/sql';
import type { CreateMallItemBody, RedemptionStatus, UpdateMallItemBody } from '../../../contracts/mall';

// Every SQL statement of the points mall (积分商城). An item is seen from its
// supplier org (alias `o`): scope conditions come from orgInScope on it. A
// member's shop window is the items whose audience subtree holds the member's
// organisation.

export interface ItemRow {
  id: string;
  supplier_org_id: string;
  supplier_org_name: string;
  supplier_path: string;
  audience_org_id: string;
  audience_org_name: string;
  kind: 'goods' | 'service';
  name: string;
  description: string;
  points_price: number;
  per_person_limit: number | null;
  sale_from: string;
  sale_to: string | null;
  pickup_place: string;
  status: 'on_sale' | 'withdrawn';
  stock: number;
  reserved: number;
  fulfilled: number;
  version: number;
}

const ITEM_COLUMNS = sql`i.id, i.supplier_org_id, o.name AS supplier_org_name, o.path::text AS supplier_path, i.audience_org_id, ao.name AS audience_org_name,
  i.kind, i.name, i.description, i.points_price, i.per_person_limit, to_char(i.sale_from, 'YYYY-MM-DD') AS sale_from, to_char(i.sale_to, 'YYYY-MM-DD') AS sale_to,
  i.pickup_place, i.status, i.stock, i.reserved, i.fulfilled, i.version`;
const ITEM_FROM = sql`FROM mall_item i JOIN org o ON o.id = i.supplier_org_id JOIN org ao ON ao.id = i.audience_org_id`;

/** The item's audience subtree (alias `ao`) holds the member's organisation: who may redeem it. */
export function audienceHolds(memberPath: string): Sql {
  return sql`${memberPath}::ltree <@ ao.path`;
}

export function orgOf(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; name: string; path: string; region_key: string | null; dissolved_on: string | null }>(sql`
    SELECT o.id, o.name, o.path::text AS path, o.region_key, to_char(o.dissolved_on, 'YYYY-MM-DD') AS dissolved_on FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

export async function insertItem(q: Queryable, b: CreateMallItemBody & { audienceOrgId: string }, regionKey: string | null, actorId: string, at: Date): Promise<string> {
  const r = await q.one<{ id: string }>(sql`INSERT INTO mall_item (supplier_org_id, audience_org_id, kind, name, description, points_price, per_person_limit, sale_from, sale_to,
      pickup_place, stock, region_key, created_by, created_at, updated_at)
    VALUES (${b.supplierOrgId}::uuid, ${b.audienceOrgId}::uuid, ${b.kind}, ${b.name}, ${b.description}, ${b.pointsPrice}, ${b.perPersonLimit}, ${b.saleFrom}::date, ${b.saleTo}::date,
      ${b.pickupPlace}, 0, ${regionKey}::uuid, ${actorId}::uuid, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz)
    RETURNING id`);
  return r.id;
}

export async function updateItem(q: Queryable, id: string, version: number, b: UpdateMallItemBody, at: Date): Promise<boolean> {
  const n = await q.exec(sql`UPDATE mall_item SET name = ${b.name}, description = ${b.description}, points_price = ${b.pointsPrice}, per_person_limit = ${b.perPersonLimit},
      sale_from = ${b.saleFrom}::date, sale_to = ${b.saleTo}::date, pickup_place = ${b.pickupPlace}, status = ${b.status}, updated_at = ${at.toISOString()}::timestamptz, version = version + 1
    WHERE id = ${id}::uuid AND version = ${version}`);
  return n === 1;
}

/** One item in scope; `lock` takes its row lock (the supplier's edits and stock moves queue here). */
export function findItem(q: Queryable, id: string, scope: Sql, lock = false) {
  return q.prepared<ItemRow>('mall_item', sql`SELECT ${ITEM_COLUMNS} ${ITEM_FROM} WHERE i.id = ${id}::uuid AND ${scope} ${lock ? sql`FOR UPDATE OF i` : sql``}`).then((r) => r[0] ?? null);
}

/**
 * Takes units of an item for a redemption, atomically and only if it is on
 * sale that day with that many free: the counters and the stock-ledger line in
 * one statement (the item's row lock is held from here to the commit).
 * Returns the free stock after, or null when it could not.
 */
export async function takeStock(q: Queryable, itemId: string, quantity: number, today: string, e: { redemptionId: string; actorId: string | null; at: Date }): Promise<number | null> {
  const rows = await q.prepared<{ stock_after: number }>('mall_take_stock', sql`WITH u AS (
      UPDATE mall_item SET stock = stock - ${quantity}, reserved = reserved + ${quantity}
      WHERE id = ${itemId}::uuid AND stock >= ${quantity} AND status = 'on_sale' AND sale_from <= ${today}::date AND (sale_to IS NULL OR sale_to >= ${today}::date)
      RETURNING stock)
    INSERT INTO mall_stock_entry (item_id, kind, quantity, stock_after, reason, redemption_id, actor_id, at)
    SELECT ${itemId}::uuid, 'redeem', ${-quantity}, u.stock, NULL, ${e.redemptionId}::uuid, ${e.actorId}::uuid, ${e.at.toISOString()}::timestamptz FROM u
    RETURNING stock_after`);
  return rows[0]?.stock_after ?? null;
}

export async function listItems(q: Queryable, scope: Sql, f: { orgPath?: string; status?: string; q?: string }, page: number, pageSize: number) {
  const parts = [scope];
  if (f.orgPath) parts.push(sql`o.path <@ ${f.orgPath}::ltree`);
  if (f.status) parts.push(sql`i.status = ${f.status}`);
  if (f.q) parts.push(sql`i.name LIKE ${'%' + likeText(f.q) + '%'}`);
  const where = and(parts);
  const [rows, total] = await Promise.all([
    q.query<ItemRow>(sql`SELECT ${ITEM_COLUMNS} ${ITEM_FROM} WHERE ${where} ORDER BY i.status, i.created_at DESC, i.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`),
    q.one<{ n: string }>(sql`SELECT count(*) AS n ${ITEM_FROM} WHERE ${where}`),
  ]);
  return { rows, total: Number(total.n) };
}

/** Items on sale today to a member of the org at `memberPath`, with how many the member holds (reserved or fulfilled). */
export function itemsForMember(q: Queryable, memberPath: string, personId: string, today: string) {
  return q.query<ItemRow & { redeemed_by_me: number }>(sql`SELECT ${ITEM_COLUMNS},
      coalesce((SELECT sum(r.quantity) FROM mall_redemption r WHERE r.item_id = i.id AND r.person_id = ${personId}::uuid AND r.status IN ('reserved', 'fulfilled')), 0)::int AS redeemed_by_me
    ${ITEM_FROM}
    WHERE i.status = 'on_sale' AND i.sale_from <= ${today}::date AND (i.sale_to IS NULL OR i.sale_to >= ${today}::date)
      AND ${memberPath}::ltree <@ ao.path
    ORDER BY i.points_price, i.name, i.id LIMIT 200`);
}

/** Moves an item's counters (in the transaction of the fact) and appends a stock-ledger entry when the free stock changes. */
export async function moveItem(
  q: Queryable, itemId: string, d: { stock?: number; reserved?: number; fulfilled?: number },
  entry: { kind: 'stock_in' | 'adjust_out' | 'redeem' | 'release'; reason: string | null; redemptionId: string | null; actorId: string | null; at: Date } | null,
): Promise<number> {
  const update = sql`UPDATE mall_item SET stock = stock + ${d.stock ?? 0}, reserved = reserved + ${d.reserved ?? 0}, fulfilled = fulfilled + ${d.fulfilled ?? 0}
    WHERE id = ${itemId}::uuid RETURNING stock`;
  if (!entry || !d.stock) return (await q.prepared<{ stock: number }>('mall_move', update))[0].stock;
  // the counters and the stock-ledger line in one statement
  const rows = await q.prepared<{ stock_after: number }>('mall_move_entry', sql`WITH u AS (${update})
    INSERT INTO mall_stock_entry (item_id, kind, quantity, stock_after, reason, redemption_id, actor_id, at)
    SELECT ${itemId}::uuid, ${entry.kind}, ${d.stock}, u.stock, ${entry.reason}, ${entry.redemptionId}::uuid, ${entry.actorId}::uuid, ${entry.at.toISOString()}::timestamptz FROM u
    RETURNING stock_after`);
  return rows[0].stock_after;
}

export function stockEntries(q: Queryable, itemId: string) {
  return q.query<{ id: string; kind: 'stock_in' | 'adjust_out' | 'redeem' | 'release'; quantity: number; stock_after: number; reason: string | null; redemption_id: string | null; actor_name: string | null; at: string }>(sql`
    SELECT e.id, e.kind, e.quantity, e.stock_after, e.reason, e.redemption_id, a.display_name AS actor_name, e.at
    FROM mall_stock_entry e LEFT JOIN account a ON a.id = e.actor_id WHERE e.item_id = ${itemId}::uuid ORDER BY e.id DESC LIMIT 500`);
}

// --- redemptions

export interface RedemptionRow {
  id: string;
  item_id: string;
  item_name: string;
  supplier_org_id: string;
  supplier_org_name: string;
  supplier_path: string;
  pickup_place: string;
  person_id: string;
  person_name: string;
  org_name: string;
  quantity: number;
  points: number;
  status: RedemptionStatus;
  code: string;
  reservation_txn: string;
  request_hash: string;
  redeemed_at: string;
  pickup_by: string;
  settled_at: string | null;
  cancel_reason: string | null;
}

const RED_COLUMNS = sql`r.id, r.item_id, i.name AS item_name, i.supplier_org_id, o.name AS supplier_org_name, o.path::text AS supplier_path, i.pickup_place,
  r.person_id, p.name AS person_name, po.name AS org_name, r.quantity, r.points, r.status, r.code, r.reservation_txn, r.request_hash, r.redeemed_at,
  to_char(r.pickup_by, 'YYYY-MM-DD') AS pickup_by, r.settled_at, r.cancel_reason`;
const RED_FROM = sql`FROM mall_redemption r JOIN mall_item i ON i.id = r.item_id JOIN org o ON o.id = i.supplier_org_id
  JOIN person p ON p.id = r.person_id JOIN org po ON po.id = r.org_id`;

export interface RedemptionInsert {
  itemId: string; personId: string; orgId: string; quantity: number; points: number; code: string; reservationTxn: number; key: string; hash: string; at: Date; pickupBy: string; regionKey: string | null;
}

/** The id is made by the caller: the reservation names the redemption as its source before the row exists. */
export async function insertRedemption(q: Queryable, id: string, r: RedemptionInsert): Promise<void> {
  await q.prepared('mall_insert_redemption', sql`INSERT INTO mall_redemption (id, item_id, person_id, org_id, quantity, points, code, reservation_txn, idempotency_key, request_hash, redeemed_at, pickup_by, region_key)
    VALUES (${id}::uuid, ${r.itemId}::uuid, ${r.personId}::uuid, ${r.orgId}::uuid, ${r.quantity}, ${r.points}, ${r.code}, ${r.reservationTxn}, ${r.key}, ${r.hash}, ${r.at.toISOString()}::timestamptz,
      ${r.pickupBy}::date, ${r.regionKey}::uuid)`);
}

/** Whether a redemption was made under an idempotency key (a light read on every redemption; the full row only on a replay). */
export function keyUsed(q: Queryable, key: string) {
  return q.prepared<{ id: string }>('mall_key_used', sql`SELECT id FROM mall_redemption WHERE idempotency_key = ${key}`).then((r) => r.length > 0);
}

/** Locks a redemption row and reads what closing it needs. */
export function lockRedemption(q: Queryable, id: string) {
  return q.prepared<{ status: RedemptionStatus; quantity: number; reservation_txn: string }>('mall_lock_redemption', sql`
    SELECT status, quantity, reservation_txn FROM mall_redemption WHERE id = ${id}::uuid FOR UPDATE`).then((r) => r[0] ?? null);
}

export function redemptionByKey(q: Queryable, key: string) {
  return q.maybeOne<RedemptionRow>(sql`SELECT ${RED_COLUMNS} ${RED_FROM} WHERE r.idempotency_key = ${key}`);
}

/** One redemption: in the supplier's scope (`scope` on `o`), or the buyer's own (`personId`). */
export function findRedemption(q: Queryable, id: string, scope: Sql, lock = false) {
  return q.maybeOne<RedemptionRow>(sql`SELECT ${RED_COLUMNS} ${RED_FROM} WHERE r.id = ${id}::uuid AND ${scope} ${lock ? sql`FOR UPDATE OF r` : sql``}`);
}

/** The redemption waiting at the desk under a code, among items supplied in scope (not locked: the caller locks the item first). */
export function openByCode(q: Queryable, code: string, scope: Sql) {
  return q.maybeOne<RedemptionRow>(sql`SELECT ${RED_COLUMNS} ${RED_FROM} WHERE r.code = ${code} AND r.status = 'reserved' AND ${scope}`);
}

export async function settleRedemption(q: Queryable, id: string, status: Exclude<RedemptionStatus, 'reserved'>, settleTxn: number, by: string | null, at: Date, reason: string | null) {
  await q.exec(sql`UPDATE mall_redemption SET status = ${status}, settle_txn = ${settleTxn}, settled_by = ${by}::uuid, settled_at = ${at.toISOString()}::timestamptz, cancel_reason = ${reason}
    WHERE id = ${id}::uuid AND status = 'reserved'`);
}

/** Units of an item a member holds (reserved or fulfilled): the per-person limit counts them. */
export async function heldByPerson(q: Queryable, itemId: string, personId: string): Promise<number> {
  const [r] = await q.prepared<{ n: number }>('mall_held_by_person', sql`SELECT coalesce(sum(quantity), 0)::int AS n FROM mall_redemption WHERE item_id = ${itemId}::uuid AND person_id = ${personId}::uuid AND status IN ('reserved', 'fulfilled')`);
  return r.n;
}

export async function listRedemptions(q: Queryable, scope: Sql, f: { orgPath?: string; itemId?: string; status?: string; personId?: string; from?: string; to?: string }, page: number, pageSize: number) {
  const parts = [scope];
  if (f.from) parts.push(sql`r.redeemed_at >= (${f.from}::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (f.to) parts.push(sql`r.redeemed_at < (${f.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (f.orgPath) parts.push(sql`o.path <@ ${f.orgPath}::ltree`);
  if (f.itemId) parts.push(sql`r.item_id = ${f.itemId}::uuid`);
  if (f.status) parts.push(sql`r.status = ${f.status}`);
  if (f.personId) parts.push(sql`r.person_id = ${f.personId}::uuid`);
  const where = and(parts);
  const [rows, total] = await Promise.all([
    q.query<RedemptionRow>(sql`SELECT ${RED_COLUMNS} ${RED_FROM} WHERE ${where} ORDER BY r.redeemed_at DESC, r.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`),
    q.one<{ n: string }>(sql`SELECT count(*) AS n ${RED_FROM} WHERE ${where}`),
  ]);
  return { rows, total: Number(total.n) };
}

/** Redemptions whose pick-up day has passed (the daily job expires them). */
export function overdueRedemptions(q: Queryable, today: string) {
  return q.query<{ id: string }>(sql`SELECT id FROM mall_redemption WHERE status = 'reserved' AND pickup_by < ${today}::date ORDER BY id`);
}

export function personOrgPath(q: Queryable, personId: string) {
  return q.prepared<{ name: string; org_id: string; org_name: string; path: string; region_key: string | null }>('mall_member', sql`
    SELECT p.name, p.org_id, o.name AS org_name, o.path::text AS path, o.region_key FROM person p JOIN org o ON o.id = p.org_id WHERE p.id = ${personId}::uuid`).then((r) => r[0] ?? null);
}

// --- counters: verify and rebuild

const RAW_COUNTS = sql`SELECT i.id,
    coalesce((SELECT sum(e.quantity) FROM mall_stock_entry e WHERE e.item_id = i.id), 0)::int AS stock,
    coalesce((SELECT sum(r.quantity) FROM mall_redemption r WHERE r.item_id = i.id AND r.status = 'reserved'), 0)::int AS reserved,
    coalesce((SELECT sum(r.quantity) FROM mall_redemption r WHERE r.item_id = i.id AND r.status = 'fulfilled'), 0)::int AS fulfilled
  FROM mall_item i`;

/** Items whose counters differ from a recomputation from the stock ledger and the redemptions. */
export function counterDifferences(q: Queryable) {
  return q.query<{ id: string; name: string; stock: number; raw_stock: number; reserved: number; raw_reserved: number; fulfilled: number; raw_fulfilled: number }>(sql`
    SELECT i.id, i.name, i.stock, c.stock AS raw_stock, i.reserved, c.reserved AS raw_reserved, i.fulfilled, c.fulfilled AS raw_fulfilled
    FROM mall_item i JOIN (${RAW_COUNTS}) c ON c.id = i.id
    WHERE (i.stock, i.reserved, i.fulfilled) IS DISTINCT FROM (c.stock, c.reserved, c.fulfilled) ORDER BY i.id`);
}

export function rebuildCounters(q: Queryable) {
  return q.exec(sql`UPDATE mall_item i SET stock = c.stock, reserved = c.reserved, fulfilled = c.fulfilled FROM (${RAW_COUNTS}) c
    WHERE c.id = i.id AND (i.stock, i.reserved, i.fulfilled) IS DISTINCT FROM (c.stock, c.reserved, c.fulfilled)`);
}

/** Open redemptions whose reservation is not exactly the redemption's points on hold (the two ledgers agree). */
export function holdMismatches(q: Queryable) {
  return q.query<{ id: string }>(sql`SELECT r.id FROM mall_redemption r
    WHERE r.status = 'reserved' AND (
      coalesce((SELECT sum(e.amount) FROM point_entry e JOIN point_account a ON a.id = e.account_id AND a.kind = 'hold' WHERE e.txn_id = r.reservation_txn), 0) <> r.points
      OR EXISTS (SELECT 1 FROM point_txn s WHERE s.reservation_id = r.reservation_txn))
    ORDER BY r.id`);
}

// --- warnings (the scan reads every item; the warning list scopes its reads)

/** Items on sale today with nothing left to redeem. */
export function soldOutItems(q: Queryable, today: string) {
  return q.query<{ id: string; name: string; supplier_org_id: string; reserved: number }>(sql`SELECT i.id, i.name, i.supplier_org_id, i.reserved FROM mall_item i
    WHERE i.status = 'on_sale' AND i.stock = 0 AND i.sale_from <= ${today}::date AND (i.sale_to IS NULL OR i.sale_to >= ${today}::date)`);
}

/** Per item: open redemptions whose last pick-up day is on or before `by`, and the earliest such day. */
export function pickupsDue(q: Queryable, by: string) {
  return q.query<{ id: string; name: string; supplier_org_id: string; n: number; first_due: string }>(sql`SELECT i.id, i.name, i.supplier_org_id, count(*)::int AS n,
      to_char(min(r.pickup_by), 'YYYY-MM-DD') AS first_due
    FROM mall_redemption r JOIN mall_item i ON i.id = r.item_id WHERE r.status = 'reserved' AND r.pickup_by <= ${by}::date GROUP BY i.id, i.name, i.supplier_org_id`);
}

// --- the 工作台

/** Redemptions waiting at the desks of items supplied in scope, the soonest last pick-up day first, with the total. */
export function waitingForWorkbench(q: Queryable, scope: Sql, underPath: string | null, limit: number) {
  return q.query<{ id: string; person_name: string; item_name: string; supplier_org_name: string; quantity: number; pickup_by: string; total: number }>(sql`
    SELECT r.id, p.name AS person_name, i.name AS item_name, o.name AS supplier_org_name, r.quantity, to_char(r.pickup_by, 'YYYY-MM-DD') AS pickup_by, count(*) OVER ()::int AS total
    FROM mall_redemption r JOIN mall_item i ON i.id = r.item_id JOIN org o ON o.id = i.supplier_org_id JOIN person p ON p.id = r.person_id
    WHERE r.status = 'reserved' AND ${scope} ${underPath ? sql`AND o.path <@ ${underPath}::ltree` : sql``}
    ORDER BY r.pickup_by, r.redeemed_at, r.id LIMIT ${limit}`);
}

/** The member's own accounts (told when a supplier cancels or a pick-up expires). */
export function accountsOfPerson(q: Queryable, personId: string) {
  return q.query<{ id: string }>(sql`SELECT id FROM account WHERE person_id = ${personId}::uuid AND NOT is_disabled`);
}
