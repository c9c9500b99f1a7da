import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import { memberRollupDifferences } from '../src/server/domains/member';
import type { Benchmark } from './lib/context';
import { loginInject } from './lib/http';
import { LATENCY_HEADER, latencyRow, ms, num, printTable, summarize, verdict } from './lib/stats';

// B9 (single transfers): acceptance of 组织关系介绍信 through the API. N letters
// from branches of one town committee to branches of another (scope 'county':
// one approval hop) are created, issued and approved beforehand (not timed);
// then the N acceptances are timed one after the other, each moving the
// relation, the member events, the rollups (person trigger) and the letter in
// one transaction; every rollup is verified afterwards. Then the transfer list
// of the whole tree as bench_admin. The bulk case of B9 (a committee of ~2,000
// members moved) is measured by b1. The accepted members stay where they went
// (the tier database keeps a growing transfer history; each run takes other members).

export const b9Transfers: Benchmark = {
  name: 'b9',
  title: 'relation transfers: sequential acceptances through the API (relation, events, rollups) and the transfer list of the whole tree',
  target: 'acceptTransfer p95 ≤ 20 ms, rollups verify clean afterwards; listTransfers for the root p95 ≤ 20 ms',
  usesTierDb: true,
  async run(ctx) {
    const db = await ctx.tierDb();
    const { deps, accounts } = db;
    const app = await buildApp(deps);
    try {
      const cookie = await loginInject(app, accounts.admin);
      const headers = { cookie, 'content-type': 'application/json' };
      const post = async (url: string, body: unknown) => {
        const r = await app.inject({ method: 'POST', url, headers, payload: JSON.stringify(body) });
        if (r.statusCode !== 200 && r.statusCode !== 201) throw new Error(`${url} → ${r.statusCode} ${r.body}`);
        return r;
      };
      const today = deps.clock.today();
      const n = Math.max(10, Math.min(ctx.options.queries, 200));
      const listN = Math.max(20, Math.min(ctx.options.queries, 1000));

      // two town committees under the root: the one with the most movable members sends, another receives
      const committees = await deps.db.query<{ id: string; name: string; path: string; movable: number }>(sql`
        SELECT c.id, c.name, c.path::text AS path,
          (SELECT count(*)::int FROM person p JOIN org o ON o.id = p.org_id WHERE o.path <@ c.path AND p.status IN ('full', 'probationary')
             AND NOT EXISTS (SELECT 1 FROM transfer t WHERE t.person_id = p.id AND t.status IN ('draft', 'pending_approval', 'issued'))) AS movable
        FROM org c WHERE c.parent_id = ${accounts.orgs.root.id} AND c.type IN ('committee', 'working_committee') AND c.dissolved_on IS NULL ORDER BY c.seq`);
      if (committees.length < 2) throw new Error('the tier needs two committees under the root');
      const from = [...committees].sort((a, b) => b.movable - a.movable)[0];
      const to = committees.find((c) => c.id !== from.id && c.id !== accounts.orgs.committee.id) ?? committees.find((c) => c.id !== from.id)!;
      const people = await deps.db.query<{ id: string }>(sql`
        SELECT p.id FROM person p JOIN org o ON o.id = p.org_id WHERE o.path <@ ${from.path}::ltree AND p.status IN ('full', 'probationary')
          AND NOT EXISTS (SELECT 1 FROM transfer t WHERE t.person_id = p.id AND t.status IN ('draft', 'pending_approval', 'issued'))
        ORDER BY p.id LIMIT ${n}`);
      const targets = await deps.db.query<{ id: string }>(sql`SELECT id FROM org WHERE path <@ ${to.path}::ltree AND type = 'branch' AND dissolved_on IS NULL ORDER BY seq`);
      if (people.length < n || !targets.length) throw new Error(`not enough members under ${from.name} (${people.length}) or branches under ${to.name}`);

      const prep0 = performance.now();
      const letters: Array<{ id: string; version: number }> = [];
      for (const [i, p] of people.entries()) {
        const id = (await post('/api/v1/transfers', { personId: p.id, toOrgId: targets[i % targets.length].id, reason: '压测：工作调动' })).json().id as string;
        const state = () => deps.db.one<{ version: number; status: string }>(sql`SELECT version, status FROM transfer WHERE id = ${id}`);
        await post(`/api/v1/transfers/${id}/issue`, { version: (await state()).version });
        const s = await state();
        if (s.status === 'pending_approval') await post(`/api/v1/transfers/${id}/approve`, { version: s.version, note: '同意' });
        const r = await state();
        if (r.status !== 'issued') throw new Error(`letter ${id} is ${r.status}, not issued`);
        letters.push({ id, version: r.version });
      }
      const prepMs = performance.now() - prep0;
      const scope = (await deps.db.one<{ scope: string }>(sql`SELECT scope FROM transfer WHERE id = ${letters[0].id}`)).scope;
      console.log(`Prepared ${num(n)} letters ${from.name} → ${to.name} (scope ${scope}; create, issue, approve through the API) in ${ms(prepMs)} ms`);

      const acceptTimes: number[] = [];
      for (const l of letters) {
        const t0 = performance.now();
        const r = await app.inject({ method: 'POST', url: `/api/v1/transfers/${l.id}/accept`, headers, payload: JSON.stringify({ version: l.version, acceptedOn: today }) });
        acceptTimes.push(performance.now() - t0);
        if (r.statusCode !== 200) throw new Error(`accept ${l.id} → ${r.statusCode} ${r.body}`);
      }
      const accept = summarize(acceptTimes);
      const v0 = performance.now();
      const verify = await memberRollupDifferences(deps.db);
      const verifyMs = performance.now() - v0;

      const url = '/api/v1/transfers?direction=all&pageSize=20';
      const first = await app.inject({ method: 'GET', url, headers: { cookie } });
      if (first.statusCode !== 200) throw new Error(`${url} → ${first.statusCode} ${first.body}`);
      const total = first.json().total as number;
      for (let i = 0; i < 20; i++) await app.inject({ method: 'GET', url, headers: { cookie } });
      const listTimes: number[] = [];
      for (let i = 0; i < listN; i++) {
        const t0 = performance.now();
        await app.inject({ method: 'GET', url, headers: { cookie } });
        listTimes.push(performance.now() - t0);
      }
      const list = summarize(listTimes);

      printTable('组织关系转接 as org_admin of the tree (sequential app.inject)', LATENCY_HEADER, [
        latencyRow(`acceptTransfer (${scope})`, accept),
        latencyRow(`listTransfers root (${num(total)} letters, page of 20)`, list),
      ]);
      console.log(`\nVerification after the acceptances: ${num(verify.rows)} rollup rows, ${num(verify.differenceCount)} differing from a recomputation (${ms(verifyMs)} ms)`);
      console.log(`B9 acceptTransfer: p50 ${ms(accept.p50)} ms, p95 ${ms(accept.p95)} ms, p99 ${ms(accept.p99)} ms over ${num(n)} (target p95 ≤ 20: ${verdict(accept.p95 <= 20)}); rollup differences ${num(verify.differenceCount)} (${verdict(verify.differenceCount === 0)})`);
      console.log(`B9 listTransfers for the root: p50 ${ms(list.p50)} ms, p95 ${ms(list.p95)} ms over ${num(listN)}, ${num(total)} letters visible (target p95 ≤ 20: ${verdict(list.p95 <= 20)})`);
      console.log('B9 bulk (a committee of ~2,000 members moved): see b1');
      return { letters: n, scope, from: from.name, to: to.name, prepMs, accept, rollupDifferences: verify.differenceCount, verifyMs, list: { ...list, total } };
    } finally {
      await app.close();
    }
  },
};
