import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { BenchAccount } from './data';
import { summarize, type Summary } from './stats';

const LOAD_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'load.mjs');

function cookieFrom(setCookie: string | string[] | undefined | null): string {
  const first = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).find((c) => c.startsWith('dj_sid='));
  if (!first) throw new Error('login did not set the session cookie');
  return first.split(';')[0];
}

/** Logs in through the API (app.inject) and returns the Cookie header value. */
export async function loginInject(app: FastifyInstance, account: BenchAccount): Promise<string> {
  const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: account.username, password: account.password } });
  if (r.statusCode !== 200) throw new Error(`login ${account.username} failed: ${r.statusCode} ${r.body}`);
  return cookieFrom(r.headers['set-cookie'] as string | string[] | undefined);
}

/** Times `n` sequential GETs of a URL through app.inject after `warmup` untimed ones (the first must answer 200). */
export async function timeInjectedGets(app: FastifyInstance, cookie: string, url: string, n: number, warmup = 20): Promise<Summary> {
  return timeInjected(app, cookie, { method: 'GET', url }, n, warmup);
}

/** Sequential timings of one request through app.inject (after a checked first answer and a warm-up). */
export async function timeInjected(app: FastifyInstance, cookie: string, req: { method: 'GET' | 'POST'; url: string; payload?: unknown }, n: number, warmup = 20): Promise<Summary> {
  const send = () => app.inject({ method: req.method, url: req.url, headers: { cookie }, payload: req.payload as object | undefined });
  const first = await send();
  if (first.statusCode !== 200) throw new Error(`${req.method} ${req.url} → ${first.statusCode} ${first.body}`);
  for (let i = 0; i < warmup; i++) await send();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await send();
    times.push(performance.now() - s);
  }
  return summarize(times);
}

/** Logs in over real HTTP and returns the Cookie header value. */
export async function loginHttp(baseUrl: string, account: BenchAccount): Promise<string> {
  const r = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: account.username, password: account.password }) });
  if (r.status !== 200) throw new Error(`login ${account.username} failed: ${r.status} ${await r.text()}`);
  return cookieFrom(r.headers.getSetCookie());
}

export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${addr.port}`;
}

export interface LoadResult {
  requestsPerSec: number;
  total: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  bytesPerSec: number;
  latency: { p50: number; p90: number; p97_5: number; p99: number; mean: number; max: number };
  durationS: number;
}

/** Runs autocannon in a child process (its own event loop), rotating over the paths. */
export function runLoad(cfg: { url: string; paths: string[]; headers?: Record<string, string>; connections: number; duration: number }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(LOAD_SCRIPT, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    child.once('message', (m: LoadResult | { error: string }) => {
      settled = true;
      if ('error' in m) reject(new Error(m.error));
      else resolve(m);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with ${code}`));
    });
    child.send(cfg);
  });
}

/** A full garbage collection, for memory baselines (exposes gc at run time). */
export function collectGarbage() {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
}

/** Short one-line rendering of a statement for the report. */
export function shortSql(text: string, max = 110): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}
