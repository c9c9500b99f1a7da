import crypto from 'node:crypto';
import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import { hashPassword } from '../src/server/platform/password';
import { createSession } from '../src/server/platform/session';
import { insertAccount, insertGrant } from '../src/server/domains/admin';
import { maskPhone } from '../src/contracts/idcard';
import { VOLUNTEER_SKILLS } from '../src/contracts/volunteer';
import { matchCandidates } from '../src/server/domains/need';
import type { Benchmark } from './lib/context';
import { loginInject } from './lib/http';
import { LATENCY_HEADER, latencyRow, num, printTable, summarize, verdict } from './lib/stats';

// 群众需求 matching (issue 17): every current member of the tier is a
// volunteer who takes needs (接单意愿), placed near their branch's point with
// random skills and times, four in five accepting; a month of claimed needs
// gives them recent load. Residents of the tier's communities then publish
// needs through the API as on the phone (the need, the ranking over all
// accepting volunteers, the push to the best five: notifications, SMS, audit),
// and the community's staff open each need (the ranking of the top twenty and
// of those pushed). The matching is timed on its own as the service runs it.

const NEEDS = 200;
const CATEGORIES = ['elderly', 'repair', 'health', 'study', 'legal', 'environment', 'errand', 'digital', 'other'] as const;

export const bNeeds: Benchmark = {
  name: 'b-needs',
  title: 'need matching: residents publish needs ranked over every volunteer of the tier and pushed to the best five; the staff open them',
  target: 'need matching over the county tier (40,000 members) ≤ 100 ms p95',
  usesTierDb: true,
  async run(ctx) {
    const { deps, accounts } = await ctx.tierDb();
    const skills = Object.keys(VOLUNTEER_SKILLS);
    // the volunteers: once per bench database
    const have = await deps.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM volunteer_profile`);
    if (have.n === 0) {
      const s0 = performance.now();
      await deps.db.exec(sql`INSERT INTO volunteer_profile (person_id, name, community_org_id, lng, lat, skills, availability, accepting)
        SELECT p.id, p.name, p.org_id, o.lng + (random() - 0.5) * 0.02, o.lat + (random() - 0.5) * 0.02,
          ARRAY[(${skills}::text[])[1 + floor(random() * ${skills.length})::int], (${skills}::text[])[1 + floor(random() * ${skills.length})::int]],
          CASE floor(random() * 5)::int WHEN 0 THEN ARRAY['weekday_day'] WHEN 1 THEN ARRAY['weekday_evening'] WHEN 2 THEN ARRAY['weekend'] WHEN 3 THEN ARRAY['weekday_evening', 'weekend']
            ELSE ARRAY['weekday_day', 'weekend'] END,
          random() < 0.8
        FROM person p JOIN org o ON o.id = p.org_id WHERE p.is_current AND p.status IN ('full', 'probationary') AND o.lng IS NOT NULL`);
      console.log(`volunteer profiles written in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    }
    const communities = await deps.db.query<{ id: string; path: string; lng: number; lat: number }>(sql`
      SELECT o.id, o.path::text AS path, o.lng, o.lat FROM org o WHERE o.unit_kind IN ('community', 'village') AND o.type <> 'party_group' AND o.dissolved_on IS NULL AND o.lng IS NOT NULL
      ORDER BY o.seq LIMIT 40`);
    if (!communities.length) throw new Error('no community in the tier');
    // residents who publish, one per community, with phone sessions
    const run = crypto.randomBytes(4).toString('hex');
    const hash = await hashPassword(crypto.randomBytes(12).toString('base64'));
    const residents: Array<{ cookie: string; id: string; community: string }> = [];
    for (const [i, c] of communities.entries()) {
      const phone = `159${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;
      const r = await deps.db.tx(async (t) => {
        const accountId = await insertAccount(t, { username: `bench_need_${run}_${i}`, displayName: '压测-群众', passwordHash: hash, personId: null });
        await insertGrant(t, { accountId, role: 'resident', orgId: c.id, scope: 'self', grantedBy: accountId });
        const id = (await t.one<{ id: string }>(sql`INSERT INTO resident (account_id, name, phone_enc, phone_hash, phone_masked, community_org_id, address)
          VALUES (${accountId}, '压测群众', ${deps.cipher.encrypt(phone)}, ${deps.cipher.hash(phone)}, ${maskPhone(phone)}, ${c.id}, '压测小区1号') RETURNING id`)).id;
        return { accountId, id };
      });
      residents.push({ id: r.id, community: c.id, cookie: `dj_sid=${await createSession(deps.db, r.accountId, deps.config.session.idleSeconds, deps.config.session.absoluteSeconds, '127.0.0.1', 'bench')}` });
    }
    // a month of claimed needs: recent load on a few thousand volunteers
    await deps.db.exec(sql`INSERT INTO need (resident_id, community_org_id, lng, lat, category, title, place, window_from, window_to, status, claimed_by, claimed_at, created_at)
      SELECT ${residents[0].id}::uuid, ${communities[0].id}::uuid, v.lng, v.lat, 'other', '压测历史需求', '压测小区', now() - interval '10 days', now() - interval '10 days' + interval '2 hours',
        'claimed', v.id, now() - random() * interval '29 days', now() - interval '30 days'
      FROM (SELECT id, lng, lat FROM volunteer_profile ORDER BY random() LIMIT 3000) v`);
    await deps.db.exec(sql`ANALYZE volunteer_profile; ANALYZE need`);
    const stats = await deps.db.one<{ profiles: number; accepting: number; needs: number }>(sql`SELECT (SELECT count(*)::int FROM volunteer_profile) AS profiles,
      (SELECT count(*)::int FROM volunteer_profile WHERE accepting) AS accepting, (SELECT count(*)::int FROM need) AS needs`);
    console.log(`${num(stats.profiles)} volunteer profiles (${num(stats.accepting)} accepting), ${num(stats.needs)} needs; ${residents.length} communities publish`);

    const app = await buildApp(deps);
    try {
      const staff = await loginInject(app, accounts.admin);
      const day = deps.clock.today();
      const windowFrom = new Date(Date.parse(`${day}T01:00:00Z`) + 3 * 86_400_000).toISOString();
      const windowTo = new Date(Date.parse(windowFrom) + 2 * 3_600_000).toISOString();
      const publish = (i: number) => {
        const r = residents[i % residents.length];
        return app.inject({ method: 'POST', url: '/api/v1/me/needs', headers: { cookie: r.cookie }, payload: { category: CATEGORIES[i % CATEGORIES.length], title: `压测需求${i}`, detail: '', place: '压测小区', windowFrom, windowTo } });
      };
      for (let i = 0; i < 10; i++) if ((await publish(i)).statusCode !== 201) throw new Error('warm-up publish failed');
      const publishTimes: number[] = [];
      const ids: string[] = [];
      for (let i = 0; i < NEEDS; i++) {
        const s = performance.now();
        const r = await publish(i);
        publishTimes.push(performance.now() - s);
        if (r.statusCode !== 201) throw new Error(`publish: ${r.body}`);
        ids.push(r.json().id as string);
      }
      const openTimes: number[] = [];
      const pushed: number[] = [];
      for (const id of ids) {
        const s = performance.now();
        const r = await app.inject({ method: 'GET', url: `/api/v1/needs/${id}`, headers: { cookie: staff } });
        openTimes.push(performance.now() - s);
        if (r.statusCode !== 200) throw new Error(`open: ${r.body}`);
        pushed.push(r.json().pushed.length as number);
      }
      // the matching alone, as a push runs it: the need, its rule, the ranking over every accepting volunteer
      const matchTimes: number[] = [];
      let inReach = 0;
      for (const id of ids) {
        const s = performance.now();
        const rows = await matchCandidates(deps, id);
        matchTimes.push(performance.now() - s);
        inReach += rows.length;
      }
      const match = summarize(matchTimes);
      const pub = summarize(publishTimes);
      const open = summarize(openTimes);
      printTable(`B-needs — ${NEEDS} needs over ${num(stats.accepting)} accepting volunteers (app.inject, the app's own pool)`, LATENCY_HEADER, [
        latencyRow('matching: rank every accepting volunteer (top 55)', match),
        latencyRow('publishNeed: the need, the ranking, 5 pushes (in-app, SMS, audit)', pub),
        latencyRow('getNeed: top-20 candidates and those pushed', open),
      ]);
      console.log(`pushed per need: ${Math.min(...pushed)}–${Math.max(...pushed)}; candidates within reach returned per need (≤ 55): ${(inReach / ids.length).toFixed(1)} on average`);
      const ok = match.p95 <= 100;
      console.log(`B-needs matching p95 ${match.p95.toFixed(1)} ms over ${num(stats.accepting)} volunteers (target ≤ 100 ms: ${verdict(ok)})`);
      return { profiles: stats.profiles, accepting: stats.accepting, needs: NEEDS, matching: match, publish: pub, open, pushedMin: Math.min(...pushed), pushedMax: Math.max(...pushed) };
    } finally {
      await app.close();
    }
  },
};
