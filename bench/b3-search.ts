import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import type { Deps } from '../src/server/deps';
import type { Benchmark } from './lib/context';
import type { BenchAccount } from './lib/data';
import { listen, loginHttp, loginInject, runLoad, type LoadResult } from './lib/http';
import { traceQueries } from './lib/pool';
import { LATENCY_HEADER, latencyRow, ms, num, printTable, summarize, verdict, type Summary } from './lib/stats';

// B3 — member search by name / pinyin initials / phone tail (and full phone
// and ID number), scoped to the whole county and to a town committee's
// subtree, through the HTTP API: sequential app.inject loops for per-kind
// latency, autocannon over real HTTP for throughput, EXPLAIN ANALYZE of the
// statements one search runs.

const KINDS = ['name', 'initials', 'phoneTail', 'phone', 'idNumber'] as const;
type Kind = (typeof KINDS)[number];
const KIND_LABEL: Record<Kind, string> = {
  name: 'name substring (2 chars)',
  initials: 'pinyin initials prefix',
  phoneTail: 'phone tail (4 digits)',
  phone: 'full phone (11 digits)',
  idNumber: 'full ID number (18)',
};
const TERMS_PER_KIND = 100;

/** Search terms taken from real members of the scope, deterministically (ordered by id). */
async function pickTerms(deps: Deps, orgPath: string): Promise<Record<Kind, string[]>> {
  const rows = await deps.db.query<{ name: string; name_initials: string; phone_tail: string | null; phone_enc: Buffer | null; id_no_enc: Buffer }>(sql`
    SELECT p.name, p.name_initials, p.phone_tail, p.phone_enc, p.id_no_enc FROM person p JOIN org o ON o.id = p.org_id
    WHERE o.path <@ ${orgPath}::ltree AND p.is_current AND p.phone_enc IS NOT NULL ORDER BY p.id LIMIT ${TERMS_PER_KIND}`);
  const chars = (s: string) => [...s];
  return {
    name: rows.map((r, i) => {
      const c = chars(r.name);
      return (i % 2 === 0 || c.length < 3 ? c.slice(0, 2) : c.slice(1, 3)).join('');
    }),
    initials: rows.map((r, i) => r.name_initials.slice(0, i % 2 === 0 || r.name_initials.length < 3 ? 2 : 3)),
    phoneTail: rows.map((r) => r.phone_tail!),
    phone: rows.map((r) => deps.cipher.decrypt(r.phone_enc!)),
    idNumber: rows.map((r) => deps.cipher.decrypt(r.id_no_enc)),
  };
}

const searchUrl = (q: string) => `/api/v1/members?q=${encodeURIComponent(q)}&pageSize=20`;

interface ScopeResult {
  scope: string;
  orgName: string;
  perKind: Record<Kind, Summary & { meanHits: number }>;
  overall: Summary;
  serverTime: Summary;
  http: LoadResult;
  plans: Array<{ kind: Kind; term: string; statement: string; executionMs: number; scans: string[]; plan: string }>;
}

async function measureScope(app: FastifyInstance, deps: Deps, baseUrl: string, label: string, orgName: string, orgPath: string, account: BenchAccount, opts: { queries: number; connections: number; duration: number }, serverTimes: number[]): Promise<ScopeResult> {
  const terms = await pickTerms(deps, orgPath);
  const cookie = await loginInject(app, account);
  const get = (q: string) => app.inject({ method: 'GET', url: searchUrl(q), headers: { cookie } });
  // warm-up: every term of every kind once
  for (const k of KINDS) for (const t of terms[k]) {
    const r = await get(t);
    if (r.statusCode !== 200) throw new Error(`search ${k} "${t}" → ${r.statusCode} ${r.body}`);
  }
  const times: Record<Kind, number[]> = { name: [], initials: [], phoneTail: [], phone: [], idNumber: [] };
  const hits: Record<Kind, number[]> = { name: [], initials: [], phoneTail: [], phone: [], idNumber: [] };
  serverTimes.length = 0;
  for (let i = 0; i < opts.queries; i++) {
    const k = KINDS[i % KINDS.length];
    const list = terms[k];
    const term = list[Math.floor(i / KINDS.length) % list.length];
    const t0 = performance.now();
    const r = await get(term);
    times[k].push(performance.now() - t0);
    if (r.statusCode !== 200) throw new Error(`search ${k} "${term}" → ${r.statusCode}`);
    hits[k].push((r.json() as { total: number }).total);
  }
  const server = summarize(serverTimes);
  const perKind = Object.fromEntries(KINDS.map((k) => [k, { ...summarize(times[k]), meanHits: hits[k].reduce((a, b) => a + b, 0) / hits[k].length }])) as ScopeResult['perKind'];
  const overall = summarize(KINDS.flatMap((k) => times[k]));

  // EXPLAIN ANALYZE of the statements one search of each kind runs (first term)
  const tracer = traceQueries(deps.db.pool);
  const plans: ScopeResult['plans'] = [];
  try {
    for (const k of KINDS) {
      tracer.start();
      await get(terms[k][0]);
      const statements = tracer.stop().filter((s) => /FROM person p/.test(s.text));
      for (const s of statements) {
        const rows = await deps.db.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values);
        const plan = rows.rows.map((r) => r['QUERY PLAN']).join('\n');
        const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
        const scans = [...plan.matchAll(/((?:Parallel )?(?:Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan|Bitmap Heap Scan)(?: using \S+)? on \S+)/g)].map((m) => m[1]);
        plans.push({ kind: k, term: terms[k][0], statement: /count\(\*\)/.test(s.text) ? 'count' : 'page', executionMs, scans: [...new Set(scans)], plan });
      }
    }
  } finally {
    tracer.restore();
  }

  // throughput over real HTTP, all kinds mixed
  const httpCookie = await loginHttp(baseUrl, account);
  const paths = KINDS.flatMap((k) => terms[k].map(searchUrl));
  const mixed: string[] = [];
  for (let i = 0; i < TERMS_PER_KIND; i++) for (let j = 0; j < KINDS.length; j++) mixed.push(paths[j * TERMS_PER_KIND + i]);
  const http = await runLoad({ url: baseUrl, paths: mixed, headers: { cookie: httpCookie }, connections: opts.connections, duration: opts.duration });

  printTable(`B3 ${label} (${orgName}) — sequential app.inject, ${num(opts.queries)} searches after a warm-up, page of 20 + total`, [...LATENCY_HEADER, 'mean hits'],
    [...KINDS.map((k) => latencyRow(KIND_LABEL[k], perKind[k], [num(perKind[k].meanHits)])), latencyRow('all kinds', overall, ['']), latencyRow('server time (onResponse)', server, [''])]);
  printTable(`B3 ${label} — EXPLAIN ANALYZE (first term of each kind)`, ['kind', 'statement', 'exec ms', 'scans'],
    plans.map((p) => [KIND_LABEL[p.kind], p.statement, ms(p.executionMs), p.scans.join('; ')]));
  printTable(`B3 ${label} — real HTTP, autocannon ${opts.connections} connections × ${opts.duration} s, kinds mixed`, ['req/s', 'requests', 'non-2xx', 'errors', 'p50 ms', 'p90 ms', 'p97.5 ms', 'p99 ms', 'max ms'],
    [[num(http.requestsPerSec), num(http.total), num(http.non2xx), num(http.errors), ms(http.latency.p50), ms(http.latency.p90), ms(http.latency.p97_5), ms(http.latency.p99), ms(http.latency.max)]]);
  return { scope: label, orgName, perKind, overall, serverTime: server, http, plans };
}

export const b3Search: Benchmark = {
  name: 'b3',
  title: 'member search by name / pinyin initials / phone tail, scoped to a subtree (HTTP API)',
  target: 'p95 ≤ 15 ms at city tier',
  usesTierDb: true,
  async run(ctx) {
    const db = await ctx.tierDb();
    const { deps, accounts } = db;
    const app = await buildApp(deps);
    const serverTimes: number[] = [];
    app.addHook('onResponse', async (req, reply) => {
      if (req.url.startsWith('/api/v1/members?')) serverTimes.push(reply.elapsedTime);
    });
    const baseUrl = await listen(app);
    try {
      const { queries, connections, duration } = ctx.options;
      const scopes = [
        await measureScope(app, deps, baseUrl, 'whole tree', accounts.orgs.root.name, accounts.orgs.root.path, accounts.admin, { queries, connections, duration }, serverTimes),
        await measureScope(app, deps, baseUrl, 'committee subtree', accounts.orgs.committee.name, accounts.orgs.committee.path, accounts.sub, { queries, connections, duration }, serverTimes),
      ];
      const worst = Math.max(...scopes.flatMap((s) => KINDS.map((k) => s.perKind[k].p95)));
      const slow = scopes.flatMap((s) => KINDS.filter((k) => s.perKind[k].p95 > 15).map((k) => `${s.scope}: ${KIND_LABEL[k]}`));
      console.log(`\nB3 worst per-kind p95: ${ms(worst)} ms (target ≤ 15 ms at city tier; measured at ${ctx.options.tier} tier: ${verdict(worst <= 15)})${slow.length ? `\n   over 15 ms: ${slow.join(', ')}` : ''}`);
      const seqScans = scopes.flatMap((s) => s.plans.filter((p) => p.scans.some((x) => /Seq Scan on person/.test(x))).map((p) => `${s.scope} / ${KIND_LABEL[p.kind]} / ${p.statement}`));
      if (seqScans.length) console.log(`   sequential scans of person: ${seqScans.join(', ')}`);
      return { worstP95Ms: worst, targetMet: worst <= 15, slowKinds: slow, seqScans, scopes, note: 'sequential latency = app.inject round trip; server time = reply.elapsedTime in onResponse' };
    } finally {
      await app.close();
    }
  },
};
