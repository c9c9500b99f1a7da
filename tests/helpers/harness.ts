import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createDb, type Db } from '../../src/server/platform/db';
import { loadConfig } from '../../src/server/platform/config';
import { createFieldCipher } from '../../src/server/platform/crypto';
import { createLocalFileStore } from '../../src/server/platform/files';
import { createNotifier } from '../../src/server/platform/notify';
import { createSimulatedProvider } from '../../src/server/platform/payments';
import { createJobRunner } from '../../src/server/platform/jobs';
import { setAuditKey } from '../../src/server/platform/audit';
import { buildApp } from '../../src/server/app';
import type { Deps } from '../../src/server/deps';
import { fixedClock, type Clock } from '../../src/server/platform/clock';
import { createSessionCache } from '../../src/server/platform/session-cache';
import { seed } from '../../src/server/seed/demo';

// Each test file gets its own database cloned from the migrated template, its
// own data directory and its own app (driven with inject, no port).

export const TEST_KEY = crypto.createHash('sha256').update('dangjian-test-key').digest('base64');
/** the audit chain's key in tests (one per process: every harness of a test file shares it, and the spawned CLI gets it too) */
export const TEST_AUDIT_KEY = crypto.createHash('sha256').update('dangjian-test-audit-key').digest('base64');

export interface Harness {
  deps: Deps;
  db: Db;
  app: FastifyInstance;
  dbUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * The business day the integration tests run on, whatever the wall clock says
 * (their dates are written against it). Browser tests use the real clock, as
 * the browser does.
 */
export const TEST_NOW = '2026-12-04T04:00:00Z'; // 12:00 in Asia/Shanghai
export const TEST_TODAY = '2026-12-04';

export async function createHarness(env: Record<string, string> = {}, opts: { clock?: Clock } = {}): Promise<Harness> {
  const template = inject('templateDb');
  return openHarness(`${template}_${crypto.randomBytes(5).toString('hex')}`, template, env, opts.clock ?? fixedClock(TEST_NOW), { dropOnClose: true });
}

/**
 * A harness on the demo county (`seed(deps, 'demo', 1)`) as of the clock's
 * day. The demo is generated once per test run and business day — by the first
 * test file that asks, under an advisory lock — into a template database (with
 * its uploaded files beside it); every caller gets its own clone.
 */
export async function createDemoHarness(env: Record<string, string> = {}, opts: { clock?: Clock } = {}): Promise<Harness> {
  const template = inject('templateDb');
  const clock = opts.clock ?? fixedClock(TEST_NOW);
  const demo = `${template}_demo_${clock.today().replaceAll('-', '')}`;
  const filesDir = path.join(os.tmpdir(), `${demo}_files`);
  const admin = new pg.Client({ connectionString: inject('adminUrl') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [demo]);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [demo]);
    if (!rowCount) {
      const h = await openHarness(demo, template, {}, clock, { dropOnClose: false });
      try {
        await seed(h.deps, 'demo', 1);
        fs.cpSync(path.join(h.dataDir, 'files'), filesDir, { recursive: true });
      } catch (e) {
        await h.close();
        await admin.query(`DROP DATABASE IF EXISTS ${demo} WITH (FORCE)`);
        throw e;
      }
      await h.close();
    }
  } finally {
    await admin.end(); // ends the session, and with it the advisory lock
  }
  const h = await openHarness(`${demo}_${crypto.randomBytes(5).toString('hex')}`, demo, env, clock, { dropOnClose: true });
  fs.cpSync(filesDir, path.join(h.dataDir, 'files'), { recursive: true });
  return h;
}

async function openHarness(name: string, template: string, env: Record<string, string>, clock: Clock, opts: { dropOnClose: boolean }): Promise<Harness> {
  const adminUrl = inject('adminUrl');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = '/' + name;
  const dbUrl = u.toString();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dj-h-'));
  // rate limits that a test sweeping every route would hit are lifted (tests of the limits set their own)
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: dbUrl, DATA_ENCRYPTION_KEY: TEST_KEY, AUDIT_HMAC_KEY: TEST_AUDIT_KEY, LOG_LEVEL: 'silent', LOGIN_RATE_PER_MINUTE: '10000', AUDIT_PROBES_PER_MINUTE: '10000', ...env });
  setAuditKey(config.auditHmacKey!);
  const db = createDb(dbUrl, 10);
  const deps: Deps = {
    config, db, cipher: createFieldCipher(TEST_KEY), files: createLocalFileStore(path.join(dataDir, 'files')), notify: createNotifier(), jobs: createJobRunner(db), clock,
    // the simulated provider pays at the harness's time, so its statement's day is the business day
    payments: createSimulatedProvider('test-payments-secret', { now: () => clock.now() }),
    sessions: createSessionCache({ connectionString: config.sessionCache ? dbUrl : null }),
  };
  await deps.sessions.start(); // listening before the first request: every test runs with the cache on
  const app = await buildApp(deps);
  await app.ready();
  return {
    deps, db, app, dbUrl, dataDir,
    async close() {
      await app.close();
      await deps.sessions.close();
      await db.close();
      if (opts.dropOnClose) {
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A logged-in HTTP client over app.inject. */
export interface Client {
  cookie: string;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  del(url: string): Promise<LightMyRequestResponse>;
}

export function clientFor(app: FastifyInstance, cookie: string): Client {
  const headers = cookie ? { cookie } : {};
  const send = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    app.inject({ method, url, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, payload: body === undefined ? undefined : JSON.stringify(body) });
  return { cookie, get: (u) => send('GET', u), post: (u, b) => send('POST', u, b ?? {}), patch: (u, b) => send('PATCH', u, b ?? {}), put: (u, b) => send('PUT', u, b ?? {}), del: (u) => send('DELETE', u) };
}

export async function login(app: FastifyInstance, username: string, password: string): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const c = res.cookies.find((x) => x.name === 'dj_sid');
  return clientFor(app, `dj_sid=${c!.value}`);
}
