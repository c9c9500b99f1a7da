import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, clientFor, type Harness } from '../helpers/harness';
import { makeAccount, makeRoot, makeOrg, PASSWORD } from '../helpers/factory';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

describe('login, sessions and lockout', () => {
  it('logs in, reads /me, logs out and the cookie stops working', async () => {
    const root = await makeRoot(h.deps);
    const branch = await makeOrg(h.deps, root, 'branch');
    const acc = await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'subtree' }]);
    const c = await login(h.app, acc.username, PASSWORD);
    const me = await c.get('/api/v1/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().permissions).toContain('member.read');
    expect(me.json().scopeRoots.map((r: { id: string }) => r.id)).toEqual([branch.id]);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: c.cookie } });
    expect(res.statusCode).toBe(200);
    expect((await c.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('sets an HttpOnly SameSite cookie with a ≥128-bit token and rotates it at login', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const r1 = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: acc.username, password: PASSWORD } });
    const c1 = r1.cookies.find((c) => c.name === 'dj_sid')!;
    expect(c1.httpOnly).toBe(true);
    expect(c1.sameSite).toBe('Lax');
    expect(Buffer.from(c1.value, 'base64url').length).toBeGreaterThanOrEqual(16);
    const r2 = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: acc.username, password: PASSWORD }, headers: { cookie: `dj_sid=${c1.value}` } });
    const c2 = r2.cookies.find((c) => c.name === 'dj_sid')!;
    expect(c2.value).not.toBe(c1.value);
    expect((await clientFor(h.app, `dj_sid=${c1.value}`).get('/api/v1/me')).statusCode).toBe(401);
    expect((await clientFor(h.app, `dj_sid=${c2.value}`).get('/api/v1/me')).statusCode).toBe(200);
  });

  it('gives the same reply for an unknown user and a wrong password', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const wrong = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: acc.username, password: 'Wrong@Pass1' } });
    const unknown = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody_here', password: 'Wrong@Pass1' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
  });

  it('locks a username for 15 minutes after 5 failures, even with the right password, and audits it', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const attempt = (password: string) => h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: acc.username, password } });
    for (let i = 0; i < 4; i++) expect((await attempt('Wrong@Pass1')).statusCode).toBe(401);
    const fifth = await attempt('Wrong@Pass1');
    expect(fifth.json().error.code).toBe('ACCOUNT_LOCKED');
    expect((await attempt(PASSWORD)).json().error.code).toBe('ACCOUNT_LOCKED');
    const lock = await h.db.one<{ minutes: number }>(sql`SELECT round(extract(epoch FROM locked_until - now()) / 60)::int AS minutes FROM login_throttle WHERE username_key = ${acc.username}`);
    expect(lock.minutes).toBe(15);
    const audits = await h.db.query<{ outcome: string }>(sql`SELECT outcome FROM audit_log WHERE action = 'auth.login' AND username = ${acc.username} ORDER BY id`);
    expect(audits.map((a) => a.outcome)).toEqual(['failure', 'failure', 'failure', 'failure', 'failure', 'denied']);
    // after the lock expires the right password works again
    await h.db.exec(sql`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE username_key = ${acc.username}`);
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
  });

  it('expires a session after the idle timeout and after the absolute limit', async () => {
    const root = await makeRoot(h.deps);
    const acc = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
    const c = await login(h.app, acc.username, PASSWORD);
    const s = await h.db.one<{ idle_seconds: number; life: number }>(sql`SELECT idle_seconds, round(extract(epoch FROM expires_at - created_at) / 3600)::int AS life FROM session WHERE account_id = ${acc.id}`);
    expect(s.idle_seconds).toBe(30 * 60);
    expect(s.life).toBe(12);
    await h.db.exec(sql`UPDATE session SET last_seen_at = now() - interval '31 minutes' WHERE account_id = ${acc.id}`);
    const r = await c.get('/api/v1/me');
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('SESSION_EXPIRED');
    const c2 = await login(h.app, acc.username, PASSWORD);
    await h.db.exec(sql`UPDATE session SET expires_at = now() - interval '1 second' WHERE account_id = ${acc.id}`);
    expect((await c2.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('gives administrators a 15-minute idle timeout', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'secadmin', orgId: null, scope: 'subtree' }]);
    await login(h.app, acc.username, PASSWORD);
    const s = await h.db.one<{ idle_seconds: number }>(sql`SELECT idle_seconds FROM session WHERE account_id = ${acc.id}`);
    expect(s.idle_seconds).toBe(15 * 60);
  });

  it('a password change enforces the policy and ends every session', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const a = await login(h.app, acc.username, PASSWORD);
    const b = await login(h.app, acc.username, PASSWORD);
    const weak = await a.post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'password' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().error.code).toBe('WEAK_PASSWORD');
    const ok = await a.post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'New#Secret2027' });
    expect(ok.statusCode).toBe(200);
    expect((await a.get('/api/v1/me')).statusCode).toBe(401);
    expect((await b.get('/api/v1/me')).statusCode).toBe(401);
    await login(h.app, acc.username, 'New#Secret2027');
  });

  it('answers 401 with the error envelope when not logged in', async () => {
    const r = await h.app.inject({ method: 'GET', url: '/api/v1/members' });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: '请先登录' } });
    expect(r.json().error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
