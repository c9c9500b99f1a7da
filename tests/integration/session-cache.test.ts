import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import { createDb, type Db } from '../../src/server/platform/db';
import { createSessionCache, type SessionCache } from '../../src/server/platform/session-cache';
import { sql } from '../../src/server/platform/sql';
import type { Deps } from '../../src/server/deps';
import { createHarness, login, type Harness } from '../helpers/harness';
import { makeAccount, makeRoot } from '../helpers/factory';

// The session cache across app instances on one database: a change made
// through instance A reaches instance B's cache by the triggers' NOTIFY
// (migration 0018). whenInvalidated() waits for that notification; no sleeps.

let h: Harness;
let db2: Db;
let cacheB: SessionCache;
let appB: FastifyInstance;

beforeAll(async () => {
  h = await createHarness();
  db2 = createDb(h.dbUrl, 4);
  cacheB = createSessionCache({ connectionString: h.dbUrl, reconnectDelayMs: 3_600_000 }); // once lost, it stays down for the test
  await cacheB.start();
  const depsB: Deps = { ...h.deps, db: db2, sessions: cacheB };
  appB = await buildApp(depsB);
  await appB.ready();
});

afterAll(async () => {
  await appB?.close();
  await cacheB?.close();
  await db2?.close();
  await h?.close();
});

async function secretaryAndAdmin() {
  const root = await makeRoot(h.deps);
  const sec = await makeAccount(h.deps, [{ role: 'secretary', orgId: root.id, scope: 'subtree' }]);
  const admin = await makeAccount(h.deps, [{ role: 'secadmin', orgId: null, scope: 'subtree' }]);
  await h.db.exec(sql`UPDATE account SET must_change_password = false WHERE id IN (${sec.id}, ${admin.id})`);
  const a = await login(h.app, admin.username, admin.password);
  const secOnA = await login(h.app, sec.username, sec.password);
  const onB = (url: string) => appB.inject({ method: 'GET', url, headers: { cookie: secOnA.cookie } });
  return { root, sec, admin: a, secOnA, onB };
}

describe('session cache across instances', () => {
  it('serves repeated requests from memory', async () => {
    const { onB } = await secretaryAndAdmin();
    const first = await onB('/api/v1/me');
    expect(first.statusCode, first.body).toBe(200);
    const before = cacheB.stats().hits;
    expect((await onB('/api/v1/me')).statusCode).toBe(200);
    expect(cacheB.stats().hits).toBe(before + 1);
  });

  it('a grant revoked through A is gone on B at its next request', async () => {
    const { sec, admin, onB } = await secretaryAndAdmin();
    const me = await onB('/api/v1/me');
    expect(me.statusCode).toBe(200);
    const grantId = (me.json() as { grants: Array<{ id: string }> }).grants[0].id;
    const invalidated = cacheB.whenInvalidated(sec.id);
    expect((await admin.del(`/api/v1/accounts/${sec.id}/grants/${grantId}`)).statusCode).toBeLessThan(300);
    await invalidated;
    expect((await onB('/api/v1/me')).statusCode).toBe(401); // sessions end with a role change
  });

  it('a logout through A ends the session on B', async () => {
    const { sec, secOnA, onB } = await secretaryAndAdmin();
    expect((await onB('/api/v1/me')).statusCode).toBe(200);
    const invalidated = cacheB.whenInvalidated(sec.id);
    expect((await secOnA.post('/api/v1/auth/logout')).statusCode).toBeLessThan(300);
    await invalidated;
    expect((await onB('/api/v1/me')).statusCode).toBe(401);
  });

  it('a password change through A ends the session on B', async () => {
    const { sec, secOnA, onB } = await secretaryAndAdmin();
    expect((await onB('/api/v1/me')).statusCode).toBe(200);
    const invalidated = cacheB.whenInvalidated(sec.id);
    const r = await secOnA.post('/api/v1/me/password', { currentPassword: sec.password, newPassword: 'Another#Pass2027x' });
    expect(r.statusCode, r.body).toBeLessThan(300);
    await invalidated;
    expect((await onB('/api/v1/me')).statusCode).toBe(401);
  });

  // last: it takes B's listener down for the rest of the file
  it('with the listener down the cache is emptied and bypassed (a change that sends no notification is still seen)', async () => {
    const { sec, onB } = await secretaryAndAdmin();
    expect((await onB('/api/v1/me')).statusCode).toBe(200);
    expect(cacheB.stats().size).toBeGreaterThan(0);
    const admin = new pg.Client({ connectionString: inject('adminUrl') });
    await admin.connect();
    const down = cacheB.whenState('down');
    await admin.query('SELECT pg_terminate_backend($1)', [cacheB.listenerPid]);
    await admin.end();
    await down;
    expect(cacheB.stats().size).toBe(0);
    // revoke without triggers: no notification at all
    await h.db.tx(async (t) => {
      await t.exec(sql`SET LOCAL session_replication_role = replica`);
      await t.exec(sql`UPDATE role_grant SET revoked_at = now() WHERE account_id = ${sec.id}`);
    });
    const hits = cacheB.stats().hits;
    const me = await onB('/api/v1/me');
    expect(me.statusCode).toBe(200);
    expect((me.json() as { grants: unknown[] }).grants).toEqual([]);
    expect(cacheB.stats().hits).toBe(hits);
    expect(cacheB.stats().size).toBe(0);
  });
});
