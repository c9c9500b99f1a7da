import { serializerCompiler } from 'fastify-type-provider-zod';
import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import { resolveSession } from '../src/server/platform/session';
import type { Actor } from '../src/server/platform/actor';
import { getMember } from '../src/server/domains/member/member.service';
import { MemberDetail } from '../src/contracts/member';
import type { Benchmark } from './lib/context';
import { listen, loginHttp, loginInject, runLoad, shortSql, type LoadResult } from './lib/http';
import { traceQueries, usePreparedStatements, type TracedQuery } from './lib/pool';
import { embeddedPgCpu, ownCpuMs } from './lib/cpu';
import { LATENCY_HEADER, latencyRow, ms, num, printTable, summarize, verdict, type Summary } from './lib/stats';

// B4 — member profile read (GET /api/v1/members/:id: member, org chain,
// events) against a static JSON route of the same size on the same server,
// in the same run. Server time is reply.elapsedTime (onRequest → onResponse).
// The static routes are registered here only, never in product code.

const STATIC_URL = '/bench/static';
const STATIC_AUTH_URL = '/api/v1/bench/static-auth';

interface HttpRun extends LoadResult {
  label: string;
  serverTime: Summary;
  nodeCpuUsPerReq: number;
  pgCpuUsPerReq: number | null;
}

export const b4Profile: Benchmark = {
  name: 'b4',
  title: 'member profile read over HTTP (member, org chain, events) vs a static JSON route of the same size',
  target: 'p50 ≤ 1 ms server time; ≥ 50 % of the static route\'s throughput (same server, same run)',
  usesTierDb: true,
  async run(ctx) {
    const db = await ctx.tierDb();
    const { deps, accounts } = db;
    const { queries, connections, duration } = ctx.options;
    const app = await buildApp(deps);
    let payload = '{}';
    app.get(STATIC_URL, { schema: { hide: true } }, async (_req, reply) => reply.type('application/json; charset=utf-8').send(payload));
    // the same payload behind the session lookup (the auth hook runs for /api/ URLs): isolates its cost
    app.get(STATIC_AUTH_URL, { schema: { hide: true } }, async (req, reply) => (req.actor ? reply.type('application/json; charset=utf-8').send(payload) : reply.code(401).send()));
    let sink: number[] | null = null;
    app.addHook('onResponse', async (_req, reply) => {
      sink?.push(reply.elapsedTime);
    });
    const record = async <T>(fn: () => Promise<T>): Promise<{ value: T; times: number[] }> => {
      const times: number[] = [];
      sink = times;
      try {
        return { value: await fn(), times };
      } finally {
        sink = null;
      }
    };

    const secIds = (await deps.db.query<{ id: string }>(sql`SELECT id FROM person WHERE org_id = ${accounts.orgs.branch.id} AND is_current ORDER BY id`)).map((r) => r.id);
    const adminIds = (await deps.db.query<{ id: string }>(sql`SELECT id FROM person WHERE is_current ORDER BY id LIMIT 200`)).map((r) => r.id);
    const secCookie = await loginInject(app, accounts.secretary);
    const adminCookie = await loginInject(app, accounts.admin);
    const inject = (url: string, cookie?: string) => app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

    // the static payload: the median-sized profile of the secretary's branch, byte for byte
    const bodies: string[] = [];
    for (const id of secIds) {
      const r = await inject(`/api/v1/members/${id}`, secCookie);
      if (r.statusCode !== 200) throw new Error(`GET member ${id} as secretary → ${r.statusCode} ${r.body}`);
      bodies.push(r.body);
    }
    bodies.sort((a, b) => Buffer.byteLength(a) - Buffer.byteLength(b));
    payload = bodies[Math.floor(bodies.length / 2)];
    const payloadBytes = Buffer.byteLength(payload);
    const sizes = summarize(bodies.map((b) => Buffer.byteLength(b)));
    for (const id of adminIds.slice(0, 5)) {
      const r = await inject(`/api/v1/members/${id}`, adminCookie);
      if (r.statusCode !== 200) throw new Error(`GET member ${id} as org_admin → ${r.statusCode}`);
    }

    // -- in-process loops (app.inject, sequential)
    const loop = async (label: string, url: (i: number) => string, cookie?: string) => {
      for (let i = 0; i < Math.min(500, queries); i++) await inject(url(i), cookie); // warm-up
      const rtt: number[] = [];
      const { times } = await record(async () => {
        for (let i = 0; i < queries; i++) {
          const t0 = performance.now();
          const r = await inject(url(i), cookie);
          rtt.push(performance.now() - t0);
          if (r.statusCode !== 200) throw new Error(`${label} → ${r.statusCode}`);
        }
      });
      return { label, inject: summarize(rtt), server: summarize(times) };
    };
    const loops = [
      await loop('static JSON (no session)', () => STATIC_URL),
      await loop('static JSON + session lookup', () => STATIC_AUTH_URL, secCookie),
      await loop(`profile, secretary (${secIds.length} ids)`, (i) => `/api/v1/members/${secIds[i % secIds.length]}`, secCookie),
      await loop(`profile, org_admin (${adminIds.length} ids)`, (i) => `/api/v1/members/${adminIds[i % adminIds.length]}`, adminCookie),
    ];

    // -- where the time goes: statements per request, session lookup, service, serialization
    const tracer = traceQueries(deps.db.pool);
    const traced = 200;
    let statements: TracedQuery[];
    tracer.start();
    try {
      for (let i = 0; i < traced; i++) await inject(`/api/v1/members/${secIds[i % secIds.length]}`, secCookie);
    } finally {
      statements = tracer.stop();
      tracer.restore();
    }
    const byStatement = new Map<string, number[]>();
    for (const s of statements) {
      const key = shortSql(s.text, 90);
      byStatement.set(key, [...(byStatement.get(key) ?? []), s.ms]);
    }
    const lastOf = new Map(statements.map((st) => [shortSql(st.text, 90), st]));
    const statementRows = [];
    for (const [text, t] of byStatement) {
      const st = lastOf.get(text)!;
      const plan = (await deps.db.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE) ${st.text}`, st.values)).rows.map((r) => r['QUERY PLAN']).join('\n');
      const planningMs = Number(/Planning Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
      const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
      statementRows.push({ text, perRequest: t.length / traced, ...summarize(t), planningMs, executionMs });
    }

    const token = decodeURIComponent(secCookie.slice(secCookie.indexOf('=') + 1));
    const sessionTimes: number[] = [];
    let actor: Actor | null = null;
    for (let i = 0; i < queries; i++) {
      const t0 = performance.now();
      const s = await resolveSession(deps.db, token);
      sessionTimes.push(performance.now() - t0);
      if (s.kind !== 'ok') throw new Error('bench session expired');
      actor = s.actor;
    }
    if (!actor) throw new Error('bench: no session resolved');
    const signedIn: Actor = actor;
    // the same lookups through the session cache (deps.sessions, invalidated by NOTIFY), same process
    const cachedTimes: number[] = [];
    if (deps.sessions.enabled) {
      await deps.sessions.whenState('listening');
      for (let i = 0; i < queries; i++) {
        const t0 = performance.now();
        const s = await resolveSession(deps.db, token, deps.sessions);
        cachedTimes.push(performance.now() - t0);
        if (s.kind !== 'ok') throw new Error('bench session expired');
      }
    }
    const uncached = summarize(sessionTimes);
    const cached = cachedTimes.length ? summarize(cachedTimes) : null;
    const serviceTimes: number[] = [];
    for (let i = 0; i < queries; i++) {
      const t0 = performance.now();
      await getMember(deps, { requestId: 'bench', ip: null, actor: signedIn }, secIds[i % secIds.length]);
      serviceTimes.push(performance.now() - t0);
    }
    // experiment (bench only): the same service calls with named prepared statements
    const restorePool = usePreparedStatements(deps.db.pool);
    const preparedTimes: number[] = [];
    try {
      for (let i = 0; i < queries + 200; i++) {
        const t0 = performance.now();
        await getMember(deps, { requestId: 'bench', ip: null, actor: signedIn }, secIds[i % secIds.length]);
        if (i >= 200) preparedTimes.push(performance.now() - t0);
      }
    } finally {
      restorePool();
    }
    const serialize = serializerCompiler({ schema: MemberDetail, method: 'GET', url: '/api/v1/members/:id' } as never) as (data: unknown) => string;
    const object = JSON.parse(payload);
    const micro = (fn: () => unknown) => {
      for (let i = 0; i < 2000; i++) fn();
      const n = 20000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) fn();
      return ((performance.now() - t0) / n) * 1000; // µs per call
    };
    const zodUs = micro(() => serialize(object));
    const stringifyUs = micro(() => JSON.stringify(object));

    // -- real HTTP with autocannon (load generator in a child process)
    const baseUrl = await listen(app);
    const pgCpu = db.runtime.isEmbedded ? embeddedPgCpu(ctx.options.dataDir) : null;
    const secHttp = await loginHttp(baseUrl, accounts.secretary);
    const adminHttp = await loginHttp(baseUrl, accounts.admin);
    const http = async (label: string, paths: string[], cookie?: string): Promise<HttpRun> => {
      await runLoad({ url: baseUrl, paths, headers: cookie ? { cookie } : {}, connections, duration: Math.min(2, duration) }); // warm-up
      const cpu0 = ownCpuMs();
      const pg0 = pgCpu?.() ?? 0;
      const { value: res, times } = await record(() => runLoad({ url: baseUrl, paths, headers: cookie ? { cookie } : {}, connections, duration }));
      const n = Math.max(1, res.total);
      return { label, ...res, serverTime: summarize(times), nodeCpuUsPerReq: ((ownCpuMs() - cpu0) * 1000) / n, pgCpuUsPerReq: pgCpu ? ((pgCpu() - pg0) * 1000) / n : null };
    };
    const runs: HttpRun[] = [];
    try {
      runs.push(await http('static JSON (no session)', [STATIC_URL]));
      runs.push(await http('static JSON + session lookup', [STATIC_AUTH_URL], secHttp));
      runs.push(await http(`profile, secretary (${secIds.length} ids)`, secIds.map((id) => `/api/v1/members/${id}`), secHttp));
      runs.push(await http(`profile, org_admin (${adminIds.length} ids)`, adminIds.map((id) => `/api/v1/members/${id}`), adminHttp));
      const restore = usePreparedStatements(deps.db.pool);
      try {
        runs.push(await http('experiment: profile, secretary, prepared statements', secIds.map((id) => `/api/v1/members/${id}`), secHttp));
      } finally {
        restore();
      }
    } finally {
      await app.close();
    }
    const [stat, , prof] = runs;
    const ratio = prof.requestsPerSec / stat.requestsPerSec;
    const serverP50 = loops[2].server.p50;

    printTable(`B4 in-process (app.inject, sequential, ${num(queries)} requests each after a warm-up; payload ${num(payloadBytes)} bytes, profiles ${num(sizes.min)}–${num(sizes.max)} bytes)`,
      ['', 'n', 'inject p50', 'inject p95', 'inject p99', 'server p50', 'server p95', 'server p99', 'server mean'],
      loops.map((l) => [l.label, num(l.inject.count), ms(l.inject.p50, 3), ms(l.inject.p95, 3), ms(l.inject.p99, 3), ms(l.server.p50, 3), ms(l.server.p95, 3), ms(l.server.p99, 3), ms(l.server.mean, 3)]));
    printTable(`B4 statements per profile request (traced over ${traced} requests: pool round trip; EXPLAIN ANALYZE of the last one: planning and execution)`, ['statement', 'per req', 'p50 ms', 'p95 ms', 'mean ms', 'plan ms', 'exec ms'],
      statementRows.map((s) => [s.text, s.perRequest.toFixed(2), ms(s.p50, 3), ms(s.p95, 3), ms(s.mean, 3), ms(s.planningMs, 3), ms(s.executionMs, 3)]));
    printTable('B4 parts of one profile request (sequential)', LATENCY_HEADER, [
      latencyRow('session lookup (resolveSession, uncached)', uncached),
      ...(cached ? [latencyRow('session lookup (resolveSession, session cache)', cached)] : []),
      latencyRow('service getMember (one statement)', summarize(serviceTimes)),
      latencyRow('  same, named prepared statements (experiment)', summarize(preparedTimes)),
    ]);
    console.log(`   zod response serialization (safeEncode + JSON.stringify): ${zodUs.toFixed(1)} µs per response; JSON.stringify alone: ${stringifyUs.toFixed(1)} µs`);
    printTable(`B4 real HTTP, autocannon ${connections} connections × ${duration} s each (load generator in a child process)`,
      ['', 'req/s', 'requests', 'non-2xx', 'p50 ms', 'p90 ms', 'p99 ms', 'server p50', 'server p95', 'node CPU µs/req', 'PG CPU µs/req'],
      runs.map((r) => [r.label, num(r.requestsPerSec), num(r.total), num(r.non2xx + r.errors), ms(r.latency.p50), ms(r.latency.p90), ms(r.latency.p99), ms(r.serverTime.p50, 3), ms(r.serverTime.p95, 3), num(r.nodeCpuUsPerReq), r.pgCpuUsPerReq == null ? '—' : num(r.pgCpuUsPerReq)]));
    console.log(`\nB4 profile/static throughput ratio: ${(ratio * 100).toFixed(1)} % (target ≥ 50 %: ${verdict(ratio >= 0.5)}); session-only/static: ${((runs[1].requestsPerSec / stat.requestsPerSec) * 100).toFixed(1)} %`);
    if (cached) console.log(`B4 session lookup, uncached vs cached: mean ${ms(uncached.mean, 3)} ms vs ${ms(cached.mean, 3)} ms (×${(uncached.mean / cached.mean).toFixed(1)}), p50 ${ms(uncached.p50, 3)} vs ${ms(cached.p50, 3)} ms`);
    else console.log('B4 session cache off (SESSION_CACHE=off): only the uncached lookup was measured');
    console.log(`B4 server time p50 (in-process, secretary): ${ms(serverP50, 3)} ms (target ≤ 1 ms: ${verdict(serverP50 <= 1)})`);
    return {
      payloadBytes, profileBytes: sizes, ratio, ratioTargetMet: ratio >= 0.5, serverP50Ms: serverP50, serverTargetMet: serverP50 <= 1,
      loops, statements: statementRows, sessionLookup: uncached, sessionLookupCached: cached, sessionCacheSpeedup: cached ? uncached.mean / cached.mean : null, service: summarize(serviceTimes), servicePrepared: summarize(preparedTimes), zodSerializeUs: zodUs, jsonStringifyUs: stringifyUs, http: runs,
    };
  },
};
