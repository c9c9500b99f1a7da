import crypto from 'node:crypto';
import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import { hashPassword } from '../src/server/platform/password';
import { createSession } from '../src/server/platform/session';
import { insertAccount, insertGrant } from '../src/server/domains/admin';
import { awardFacts, verifyPoints, type PointFact } from '../src/server/domains/points';
import { verifyMall } from '../src/server/domains/mall';
import type { Benchmark } from './lib/context';
import { loginInject } from './lib/http';
import { LATENCY_HEADER, latencyRow, num, printTable, summarize, verdict } from './lib/stats';
import { ensureBenchRules } from './b5-points';

// 积分商城 (issue 17): 50 members of one town redeem the same item, each
// through the API as on the phone (the member's session, the item's audience,
// the per-order rule, the points reserved in the ledger, the stock taken, the
// audit row). A: at a brisk pace (50 a second in all), 20 each, until the stock
// of exactly 50 × 20 is gone, timed from when each was due; every buyer once
// more (all must be told it is gone: nothing oversold). B: all 50 at once,
// each again as soon as answered — the most one item takes on this machine
// (every audited write of the installation queues on the audit chain's lock).
// The desk then fulfils half of A's codes one after another, and the mall's
// counters and the buyers' point chains are verified.

const BUYERS = 50;
/** redemptions a second in all while paced (each buyer one a second) */
const RATE = 50;
const RUSH_EACH = 4;

export const bMall: Benchmark = {
  name: 'b-mall',
  title: 'points mall: 50 concurrent buyers redeem one item through the API until it is gone; the pick-up desk',
  target: 'redemption p95 ≤ 20 ms with 50 concurrent buyers on one item; 0 oversold; counters and ledgers verify',
  usesTierDb: true,
  async run(ctx) {
    const { deps, accounts } = await ctx.tierDb();
    const town = accounts.orgs.committee;
    const buyers = await deps.db.query<{ id: string; org_id: string; org_path: string }>(sql`
      SELECT p.id, p.org_id, o.path::text AS org_path FROM person p JOIN org o ON o.id = p.org_id
      WHERE p.is_current AND p.status IN ('full', 'probationary') AND o.path <@ ${town.path}::ltree AND o.type IN ('branch', 'general_branch')
      ORDER BY p.id LIMIT ${BUYERS}`);
    if (buyers.length < BUYERS) throw new Error(`only ${buyers.length} members under ${town.name}`);
    const approved = await ensureBenchRules(deps, accounts.admin, [...new Set(buyers.map((b) => b.org_id))]);
    // points enough for the run: one per fact, awarded as the daily job awards them
    const run = crypto.randomBytes(4).toString('hex');
    // 20 redemptions each (10 s at the pace below); CI's smoke run (--duration 1) does 2
    const each = Math.max(2, Math.min(20, ctx.options.duration * 2));
    const facts: PointFact[] = buyers.flatMap((b) => Array.from({ length: each + RUSH_EACH + 2 }, (_, i) => ({
      personId: b.id, orgId: b.org_id, orgPath: b.org_path, item: 'development.contact_duty', sourceType: 'bench-mall', sourceId: `${run}:${b.id}:${i}`, factDate: deps.clock.today(),
    })));
    for (let i = 0; i < facts.length; i += 200) await awardFacts(deps, facts.slice(i, i + 200));
    // each buyer's phone session (accounts linked to the members; sessions made directly: no 50 password logins)
    const hash = await hashPassword(crypto.randomBytes(12).toString('base64'));
    const cookies: string[] = [];
    for (const b of buyers) {
      const id = await deps.db.tx(async (t) => {
        const accountId = await insertAccount(t, { username: `bench_mall_${run}_${cookies.length}`, displayName: '压测-兑换党员', passwordHash: hash, personId: b.id });
        await insertGrant(t, { accountId, role: 'member', orgId: b.org_id, scope: 'self', grantedBy: accountId });
        return accountId;
      });
      cookies.push(`dj_sid=${await createSession(deps.db, id, deps.config.session.idleSeconds, deps.config.session.absoluteSeconds, '127.0.0.1', 'bench')}`);
    }
    console.log(`${BUYERS} buyers under ${town.name}; bench rules voted in ${approved} branch(es); ${num(facts.length)} points awarded`);

    const app = await buildApp(deps);
    try {
      const desk = await loginInject(app, accounts.admin);
      const create = async (name: string, stock: number) => {
        const r = await app.inject({ method: 'POST', url: '/api/v1/mall/items', headers: { cookie: desk }, payload: {
          supplierOrgId: town.id, kind: 'goods', name, description: '基准测试商品', pointsPrice: 1, perPersonLimit: null, saleFrom: '2024-01-01', saleTo: null, pickupPlace: '基准测试服务中心', initialStock: stock,
        } });
        if (r.statusCode !== 201) throw new Error(`item: ${r.body}`);
        return r.json().id as string;
      };
      const warm = await create(`压测预热${run}`, BUYERS);
      const item = await create(`压测商品${run}`, BUYERS * each);
      const redeem = (cookie: string, itemId: string) => app.inject({ method: 'POST', url: '/api/v1/me/mall/redemptions', headers: { cookie }, payload: { itemId, quantity: 1, idempotencyKey: crypto.randomUUID() } });
      // warm-up: one each, concurrently, on another item
      await Promise.all(cookies.map(async (c) => {
        const r = await redeem(c, warm);
        if (r.statusCode !== 200) throw new Error(`warm-up: ${r.body}`);
      }));

      // A: the buyers at a brisk pace — 50 redemptions a second in all, each buyer one a second —,
      // timed from the moment each was due (open loop: a slow answer does not delay the next request)
      const times: number[] = [];
      const codes: string[] = [];
      const other: Record<string, number> = {};
      const t0 = performance.now() + 50;
      await Promise.all(cookies.map(async (c, b) => {
        const sent: Array<Promise<void>> = [];
        for (let i = 0; i < each; i++) {
          const due = t0 + (i * BUYERS + b) * (1000 / RATE);
          await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
          sent.push(redeem(c, item).then((r) => {
            times.push(performance.now() - due);
            if (r.statusCode === 200) codes.push(r.json().code as string);
            else other[r.json().error?.code ?? r.statusCode] = (other[r.json().error?.code ?? r.statusCode] ?? 0) + 1;
          }));
        }
        await Promise.all(sent);
      }));
      const elapsed = performance.now() - t0;
      // B: all 50 at once, each redeeming again as soon as answered (closed loop: the most the one item takes)
      const rush = await create(`压测抢兑${run}`, BUYERS * RUSH_EACH);
      const rushTimes: number[] = [];
      const r0 = performance.now();
      await Promise.all(cookies.map(async (c) => {
        for (let i = 0; i < RUSH_EACH; i++) {
          const s = performance.now();
          const r = await redeem(c, rush);
          rushTimes.push(performance.now() - s);
          if (r.statusCode !== 200) throw new Error(`rush: ${r.body}`);
        }
      }));
      const rushElapsed = performance.now() - r0;
      // once more each: the stock is gone
      const after = await Promise.all(cookies.map((c) => redeem(c, item)));
      const refused = after.filter((r) => r.statusCode === 422 && r.json().error.code === 'MALL_OUT_OF_STOCK').length;

      const fulfil: number[] = [];
      for (const code of codes.slice(0, codes.length / 2)) {
        const s = performance.now();
        const r = await app.inject({ method: 'POST', url: '/api/v1/mall/redemptions/fulfil', headers: { cookie: desk }, payload: { code } });
        fulfil.push(performance.now() - s);
        if (r.statusCode !== 200) throw new Error(`fulfil: ${r.body}`);
      }

      const redemption = summarize(times);
      const rushed = summarize(rushTimes);
      const desk1 = summarize(fulfil);
      printTable(`B-mall — ${BUYERS} buyers of one item (app.inject, the app's own pool)`, LATENCY_HEADER, [
        latencyRow(`redeem, ${RATE}/s paced (${each} each)`, redemption),
        latencyRow(`redeem, all ${BUYERS} at once (${RUSH_EACH} each)`, rushed),
        latencyRow('fulfil at the desk (one after another)', desk1),
      ]);
      console.log(`all ${BUYERS} at once: ${num(BUYERS * RUSH_EACH)} redeemed in ${(rushElapsed / 1000).toFixed(2)} s (${num(Math.round((BUYERS * RUSH_EACH) / (rushElapsed / 1000)))}/s: what one item takes on this machine)`);
      const stock = await deps.db.one<{ stock: number; reserved: number; fulfilled: number }>(sql`SELECT stock, reserved, fulfilled FROM mall_item WHERE id = ${item}::uuid`);
      const mall = await verifyMall(deps.db);
      const problems: string[] = [];
      for (const b of buyers) {
        const v = await verifyPoints(deps.db, b.id);
        problems.push(...v.broken, ...v.balanceDrift, ...v.unbalanced);
      }
      const oversold = codes.length - BUYERS * each;
      console.log(`${num(codes.length)} redeemed in ${(elapsed / 1000).toFixed(2)} s (${num(Math.round(codes.length / (elapsed / 1000)))}/s), other answers ${JSON.stringify(other)}; afterwards ${refused}/${BUYERS} told it is gone; item stock ${stock.stock}, reserved ${stock.reserved}, fulfilled ${stock.fulfilled}`);
      console.log(`mall verify: ${mall.ok ? 'clean' : `${mall.counterDifferences.length} counter, ${mall.holdMismatches.length} hold problem(s)`}; buyers' point chains: ${problems.length ? problems.slice(0, 3).join('; ') : 'clean'}`);
      const ok = redemption.p95 <= 20 && oversold === 0 && refused === BUYERS && stock.stock === 0 && mall.ok && !problems.length;
      console.log(`B-mall redemption p95 ${redemption.p95.toFixed(1)} ms with ${BUYERS} buyers at ${RATE}/s, oversold ${oversold} (target ≤ 20 ms, 0 oversold: ${verdict(ok)})`);
      return { buyers: BUYERS, each, rate: RATE, redeemed: codes.length, elapsedMs: elapsed, redemption, rush: { each: RUSH_EACH, elapsedMs: rushElapsed, latency: rushed }, fulfil: desk1, oversold, refusedAfter: refused, other, mallOk: mall.ok, chainProblems: problems.length };
    } finally {
      await app.close();
    }
  },
};
