import type { Db } from '../platform/db';
import { sql } from '../platform/sql';
import { addDays } from '../platform/dates';
import { closeRedemption, writeRedemption } from '../domains/mall';
import type { Rng } from './random';

// Demo points mall (积分商城, issue 17): every town's committee supplies
// everyday goods to the members of its town, and every community branch a
// volunteer service to its own; a restock half-way; and six months of
// redemptions by members who hold points — most picked up within days, some
// cancelled, some never collected and expired, the last fortnight's partly
// still waiting at the desk. The redemptions and their pick-ups go through the
// mall's own writes (writeRedemption, closeRedemption), in time order, so the
// points ledger, the stock ledger and the counters are exactly what the
// product would have written.

const TOWN_GOODS = [
  { name: '环保购物袋', description: '可折叠环保布袋，印有“垃圾分类 从我做起”', price: 5, stock: 120, limit: 2 },
  { name: '党员学习笔记本', description: 'A5 笔记本，适合记录“三会一课”和学习心得', price: 8, stock: 100, limit: 2 },
  { name: '纯棉毛巾', description: '纯棉毛巾一条', price: 12, stock: 60, limit: 1 },
  { name: '洗衣液（2千克）', description: '家用洗衣液一瓶', price: 18, stock: 40, limit: 1 },
  { name: '不锈钢保温杯', description: '500 毫升保温杯', price: 25, stock: 20, limit: 1 },
] as const;
const COMMUNITY_SERVICES = [
  { name: '党员志愿者义剪', description: '每周六上午在社区党群服务站，凭兑换码理发一次', price: 6, stock: 30 },
  { name: '家电维修上门服务', description: '党员志愿者上门检修小家电一次（不含配件）', price: 15, stock: 15 },
] as const;

interface SeedItem { id: string; name: string; price: number; limit: number | null; audiencePath: string; saleTo: string | null; stock: number }
type Event =
  | { at: Date; day: string; kind: 'redeem'; ref: number; item: SeedItem; member: Holder; quantity: number }
  | { at: Date; day: string; kind: 'close'; ref: number; to: 'fulfilled' | 'cancelled' | 'expired'; reason: string | null }
  | { at: Date; day: string; kind: 'restock'; item: SeedItem; quantity: number };
interface Holder { personId: string; orgId: string; path: string; regionKey: string | null; balance: number }

/** A moment on a day between 09:00 and 17:00 Beijing time. */
const atOn = (rng: Rng, day: string) => new Date(Date.parse(`${day}T01:00:00Z`) + rng.int(0, 8 * 60 - 1) * 60_000);

export async function generateMall(db: Db, rng: Rng, opts: { rootId: string; today: string; months: number; accountId: string }) {
  const start = addDays(opts.today, -30 * opts.months);
  const pickupDays = (await db.one<{ body: { pickupDays: number } }>(sql`SELECT body FROM rule_version WHERE domain = 'mall' AND key = 'redemption' ORDER BY effective_from DESC LIMIT 1`)).body.pickupDays;
  const towns = await db.query<{ id: string; path: string; region_key: string | null; name: string }>(sql`SELECT id, path::text AS path, region_key, name FROM org
    WHERE parent_id = ${opts.rootId}::uuid AND type = 'committee' AND dissolved_on IS NULL ORDER BY seq`);
  const communities = await db.query<{ id: string; path: string; region_key: string | null; name: string }>(sql`SELECT o.id, o.path::text AS path, o.region_key, o.name FROM org o
    JOIN org r ON r.id = ${opts.rootId}::uuid WHERE o.path <@ r.path AND o.type = 'branch' AND o.name LIKE '%社区党支部' AND o.dissolved_on IS NULL ORDER BY o.seq`);
  const items: SeedItem[] = [];
  const insertItem = async (o: { id: string; path: string; region_key: string | null; name: string }, kind: 'goods' | 'service', g: { name: string; description: string; price: number; stock: number }, limit: number | null, place: string, saleTo: string | null) => {
    const created = atOn(rng, start);
    const id = (await db.one<{ id: string }>(sql`INSERT INTO mall_item (supplier_org_id, audience_org_id, kind, name, description, points_price, per_person_limit, sale_from, sale_to,
        pickup_place, stock, region_key, created_by, created_at, updated_at)
      VALUES (${o.id}::uuid, ${o.id}::uuid, ${kind}, ${g.name}, ${g.description}, ${g.price}, ${limit}, ${start}::date, ${saleTo}::date, ${place}, ${g.stock}, ${o.region_key}::uuid,
        ${opts.accountId}::uuid, ${created.toISOString()}::timestamptz, ${created.toISOString()}::timestamptz) RETURNING id`)).id;
    await db.exec(sql`INSERT INTO mall_stock_entry (item_id, kind, quantity, stock_after, reason, actor_id, at)
      VALUES (${id}::uuid, 'stock_in', ${g.stock}, ${g.stock}, '首批入库', ${opts.accountId}::uuid, ${created.toISOString()}::timestamptz)`);
    items.push({ id, name: g.name, price: g.price, limit, audiencePath: o.path, saleTo, stock: g.stock });
  };
  for (const t of towns) {
    for (const g of TOWN_GOODS) await insertItem(t, 'goods', g, g.limit, `${t.name.replace(/党委$/, '')}党群服务中心`, null);
  }
  for (const c of communities) {
    const g = COMMUNITY_SERVICES[items.length % COMMUNITY_SERVICES.length];
    await insertItem(c, 'service', g, null, `${c.name.replace(/党支部$/, '')}党群服务站`, null);
  }
  if (!items.length) return { items: 0, redemptions: 0 };

  // who holds points now, by organisation path (the balances the history is drawn against)
  const holders = await db.query<{ person_id: string; org_id: string; path: string; region_key: string | null; balance: string }>(sql`
    SELECT a.person_id, p.org_id, o.path::text AS path, o.region_key, a.balance FROM point_account a JOIN person p ON p.id = a.person_id AND p.is_current JOIN org o ON o.id = p.org_id
    JOIN org r ON r.id = ${opts.rootId}::uuid WHERE a.kind = 'member' AND a.balance >= 5 AND o.path <@ r.path ORDER BY a.person_id`);
  const held = new Map<string, number>(); // item|person → units reserved or fulfilled
  const events: Event[] = [];
  let ref = 0;
  for (const h of holders) {
    if (!rng.chance(0.12)) continue;
    const member: Holder = { personId: h.person_id, orgId: h.org_id, path: h.path, regionKey: h.region_key, balance: Number(h.balance) };
    for (let n = rng.int(1, 2); n > 0; n--) {
      const open = items.filter((i) => (member.path === i.audiencePath || member.path.startsWith(`${i.audiencePath}.`)) && i.price <= member.balance && i.stock > 0
        && (i.limit === null || (held.get(`${i.id}|${member.personId}`) ?? 0) < i.limit));
      if (!open.length) break;
      const item = rng.pick(open);
      const quantity = item.limit === null && item.price * 2 <= member.balance && rng.chance(0.2) ? 2 : 1;
      if (item.stock < quantity) continue;
      item.stock -= quantity;
      member.balance -= item.price * quantity;
      held.set(`${item.id}|${member.personId}`, (held.get(`${item.id}|${member.personId}`) ?? 0) + quantity);
      const day = addDays(start, rng.int(0, 30 * opts.months - 1));
      const r = ++ref;
      const redeemedAt = atOn(rng, day);
      events.push({ at: redeemedAt, day, kind: 'redeem', ref: r, item, member, quantity });
      /** a later step of the same redemption: on its day, never before the redemption itself */
      const after = (on: string) => new Date(Math.max(atOn(rng, on).getTime(), redeemedAt.getTime() + 10 * 60_000));
      const draw = rng.next();
      const pickup = addDays(day, rng.int(0, 9));
      const lastDay = addDays(day, pickupDays);
      if (draw < 0.06) {
        const on = addDays(day, rng.int(0, 3));
        if (on < opts.today) events.push({ at: after(on), day: on, kind: 'close', ref: r, to: 'cancelled', reason: rng.pick(['时间冲突，无法前往领取', '兑换错了商品', '家中已有，不需要了']) });
      } else if (draw < 0.12) {
        const on = addDays(lastDay, 1);
        if (on <= opts.today) events.push({ at: new Date(Date.parse(`${on}T18:00:00Z`) - 86_400_000), day: on, kind: 'close', ref: r, to: 'expired', reason: '逾期未领取' });
      } else if (pickup < opts.today) {
        events.push({ at: after(pickup), day: pickup, kind: 'close', ref: r, to: 'fulfilled', reason: null });
      }
    }
  }
  // popular goods restocked half-way
  for (const i of items.filter((x) => x.stock < 10)) {
    const day = addDays(start, 15 * opts.months);
    events.push({ at: atOn(rng, day), day, kind: 'restock', item: i, quantity: 30 });
  }
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.kind === 'redeem' ? -1 : 1));

  const ids = new Map<number, string>();
  let redemptions = 0;
  for (let k = 0; k < events.length; k += 100) {
    await db.tx(async (t) => {
      for (const e of events.slice(k, k + 100)) {
        if (e.kind === 'redeem') {
          const r = await writeRedemption(t, {
            item: { id: e.item.id, name: e.item.name, pointsPrice: e.item.price }, member: { personId: e.member.personId, orgId: e.member.orgId, regionKey: e.member.regionKey },
            quantity: e.quantity, key: `demo-redeem-${e.ref}`, hash: `demo-${e.ref}`, at: e.at, today: e.day, pickupDays, actorId: null,
          });
          ids.set(e.ref, r.id);
          redemptions++;
        } else if (e.kind === 'close') {
          const id = ids.get(e.ref)!;
          await closeRedemption(t, { at: e.at, today: e.day }, { id, item_id: (await t.one<{ item_id: string }>(sql`SELECT item_id FROM mall_redemption WHERE id = ${id}::uuid`)).item_id }, e.to, e.to === 'expired' ? null : opts.accountId, e.reason);
        } else {
          const r = await t.one<{ stock: number }>(sql`UPDATE mall_item SET stock = stock + ${e.quantity} WHERE id = ${e.item.id}::uuid RETURNING stock`);
          await t.exec(sql`INSERT INTO mall_stock_entry (item_id, kind, quantity, stock_after, reason, actor_id, at)
            VALUES (${e.item.id}::uuid, 'stock_in', ${e.quantity}, ${r.stock}, '补货', ${opts.accountId}::uuid, ${e.at.toISOString()}::timestamptz)`);
        }
      }
    });
  }
  return { items: items.length, redemptions };
}
