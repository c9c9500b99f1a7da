import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, clientFor, type Client, type Harness } from '../helpers/harness';
import { currentTotp } from '../../src/server/platform/totp';
import { loadConfig } from '../../src/server/platform/config';
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

  it('a password check on the password-change form counts towards the lockout, and the lock ends the session', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const c = await login(h.app, acc.username, PASSWORD);
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) answers.push((await c.post('/api/v1/me/password', { currentPassword: `guess${i}`, newPassword: 'Xyz!2026abcd' })).statusCode);
    expect(answers).toEqual([401, 401, 401, 401, 423]);
    expect((await c.get('/api/v1/me')).statusCode).toBe(401);
    const again = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: acc.username, password: PASSWORD } });
    expect(again.statusCode).toBe(423);
  });

  it('an account created or reset by the security administrator must choose its own password first', async () => {
    const root = await makeRoot(h.deps);
    const branch = await makeOrg(h.deps, root, 'branch');
    const secadmin = await makeAccount(h.deps, [{ role: 'secadmin', orgId: null, scope: 'subtree' }]);
    const s = await login(h.app, secadmin.username, PASSWORD);
    const username = `firstpw${Date.now().toString(36)}`;
    const created = await s.post('/api/v1/accounts', { username, displayName: '新账号', password: 'Chosen#By-Admin7' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await s.post(`/api/v1/accounts/${id}/grants`, { role: 'secretary', orgId: branch.id, scope: 'node' })).statusCode).toBe(201);

    const first = await login(h.app, username, 'Chosen#By-Admin7');
    expect((await first.get('/api/v1/me')).json()).toMatchObject({ passwordChangeRequired: true });
    const blocked = await first.get('/api/v1/members');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await first.post('/api/v1/me/password', { currentPassword: 'Chosen#By-Admin7', newPassword: 'Mine&Only-2027x' })).statusCode).toBe(200);
    const mine = await login(h.app, username, 'Mine&Only-2027x');
    expect((await mine.get('/api/v1/me')).json()).toMatchObject({ passwordChangeRequired: false });
    expect((await mine.get('/api/v1/members')).statusCode).toBe(200);

    // a reset by the security administrator asks again
    expect((await s.patch(`/api/v1/accounts/${id}`, { password: 'Reset#By-Admin8' })).statusCode).toBe(200);
    const reset = await login(h.app, username, 'Reset#By-Admin8');
    expect((await reset.get('/api/v1/members')).json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
  });

  it('answers 401 with the error envelope when not logged in', async () => {
    const r = await h.app.inject({ method: 'GET', url: '/api/v1/members' });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: '请先登录' } });
    expect(r.json().error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('second factor (TOTP)', () => {
  // the server reads TOTP time from the injected clock, which stands still in the harness: no period can roll over mid-test
  const code = (secret: string, offsetSeconds = 0) => currentTotp(secret, h.deps.clock.now().getTime() + offsetSeconds * 1000);

  async function enrol(c: Client) {
    const setup = await c.post('/api/v1/me/totp/setup');
    expect(setup.statusCode, setup.body).toBe(200);
    const { secret, otpauthUri, qrSvg } = setup.json();
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(qrSvg).toContain('<svg');
    const wrong = await c.post('/api/v1/me/totp/enable', { code: code(secret, 600) });
    expect(wrong.statusCode).toBe(400);
    const ok = await c.post('/api/v1/me/totp/enable', { code: code(secret) });
    expect(ok.statusCode, ok.body).toBe(200);
    return secret as string;
  }

  it('after enrolment a login needs the current code, once', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const c = await login(h.app, acc.username, PASSWORD);
    const secret = await enrol(c);
    expect((await c.get('/api/v1/me')).json().totpEnabled).toBe(true);
    const stored = await h.db.one<{ enc: Buffer }>(sql`SELECT totp_secret_enc AS enc FROM account WHERE id = ${acc.id}`);
    expect(stored.enc.includes(Buffer.from(secret))).toBe(false); // encrypted at rest

    const attempt = (totpCode?: string) => h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: acc.username, password: PASSWORD, ...(totpCode ? { totpCode } : {}) } });
    expect((await attempt()).json().error.code).toBe('TOTP_REQUIRED');
    // the code used to enable is spent; the next period's code works once
    expect((await attempt(code(secret))).json().error.code).toBe('INVALID_TOTP');
    const next = code(secret, 30);
    expect((await attempt(next)).statusCode).toBe(200);
    expect((await attempt(next)).json().error.code).toBe('INVALID_TOTP');
    const audits = await h.db.query<{ detail: { reason?: string } }>(sql`SELECT detail FROM audit_log WHERE action = 'auth.login' AND account_id = ${acc.id} AND outcome <> 'success' ORDER BY id`);
    expect(audits.map((a) => a.detail.reason)).toEqual(['totp_required', 'invalid_totp', 'invalid_totp']);
  });

  it('wrong codes count towards the lockout', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const secret = await enrol(await login(h.app, acc.username, PASSWORD));
    const wrong = code(secret, 300);
    const attempt = () => h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: acc.username, password: PASSWORD, totpCode: wrong } });
    for (let i = 0; i < 4; i++) expect((await attempt()).json().error.code).toBe('INVALID_TOTP');
    expect((await attempt()).json().error.code).toBe('ACCOUNT_LOCKED');
  });

  it('where required, an administrator without a second factor may only enrol; others are not affected', async () => {
    const strict = await createHarness({ ADMIN_TOTP: 'required' });
    try {
      const admin = await makeAccount(strict.deps, [{ role: 'sysadmin', orgId: null, scope: 'subtree' }]);
      const c = await login(strict.app, admin.username, PASSWORD);
      const blocked = await c.get('/api/v1/rules');
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json().error.code).toBe('TOTP_ENROLLMENT_REQUIRED');
      expect((await c.get('/api/v1/me')).json()).toMatchObject({ totpEnabled: false, totpEnrollmentRequired: true });
      await enrol(c);
      expect((await c.get('/api/v1/rules')).statusCode).toBe(200);

      const root = await makeRoot(strict.deps);
      const worker = await makeAccount(strict.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
      const w = await login(strict.app, worker.username, PASSWORD);
      expect((await w.get('/api/v1/members')).statusCode).toBe(200);
      expect((await w.get('/api/v1/me')).json().totpEnrollmentRequired).toBe(false);
    } finally {
      await strict.close();
    }
  });

  it('the security administrator can reset a lost second factor, which ends the sessions', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const c = await login(h.app, acc.username, PASSWORD);
    await enrol(c);
    const sec = await makeAccount(h.deps, [{ role: 'secadmin', orgId: null, scope: 'subtree' }]);
    const s = await login(h.app, sec.username, PASSWORD);
    const listed = (await s.get(`/api/v1/accounts?q=${acc.username}`)).json().items[0];
    expect(listed.totpEnabled).toBe(true);
    expect((await s.patch(`/api/v1/accounts/${acc.id}`, { resetTotp: true })).statusCode).toBe(200);
    expect((await c.get('/api/v1/me')).statusCode).toBe(401);
    const again = await login(h.app, acc.username, PASSWORD); // no code needed any more
    expect((await again.get('/api/v1/me')).json().totpEnabled).toBe(false);
  });
});

describe('login rate limit', () => {
  it('answers 429 RATE_LIMITED past the per-minute limit of login requests from one address', async () => {
    const limited = await createHarness({ LOGIN_RATE_PER_MINUTE: '3' });
    try {
      const attempt = () => limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'someone', password: 'Wrong@Pass1' } });
      for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
      const r = await attempt();
      expect(r.statusCode).toBe(429);
      expect(r.json().error.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });

  it('ignores X-Forwarded-For and X-Forwarded-Proto unless they come from a configured proxy (TRUST_PROXY)', async () => {
    const limited = await createHarness({ LOGIN_RATE_PER_MINUTE: '3' });
    try {
      const attempt = (i: number) => limited.app.inject({
        method: 'POST', url: '/api/v1/auth/login', remoteAddress: '203.0.113.7',
        headers: { 'x-forwarded-for': `10.9.0.${i}`, 'x-forwarded-proto': 'https' }, payload: { username: `xff${i}`, password: 'Wrong@Pass1' },
      });
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await attempt(i)).statusCode);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const ips = await limited.db.query<{ ip: string }>(sql`SELECT DISTINCT ip FROM audit_log WHERE action = 'auth.login'`);
      expect(ips.map((r) => r.ip)).toEqual(['203.0.113.7']);
      const acc = await makeAccount(limited.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
      const ok = await limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '203.0.113.8', headers: { 'x-forwarded-proto': 'https' }, payload: { username: acc.username, password: PASSWORD } });
      expect(ok.statusCode).toBe(200);
      expect(ok.cookies.find((c) => c.name === 'dj_sid')!.secure).toBeFalsy();
    } finally {
      await limited.close();
    }
    const proxied = await createHarness({ LOGIN_RATE_PER_MINUTE: '3', TRUST_PROXY: '127.0.0.1' });
    try {
      const acc = await makeAccount(proxied.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
      const r = await proxied.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.20', 'x-forwarded-proto': 'https' }, payload: { username: acc.username, password: PASSWORD } });
      expect(r.statusCode).toBe(200);
      expect(r.cookies.find((c) => c.name === 'dj_sid')!.secure).toBe(true);
      const row = await proxied.db.one<{ ip: string }>(sql`SELECT ip FROM audit_log WHERE action = 'auth.login' AND account_id = ${acc.id}`);
      expect(row.ip).toBe('198.51.100.20');
    } finally {
      await proxied.close();
    }
  });

  it('refuses a TRUST_PROXY that is not a list of addresses', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
  });
});

describe('cross-site requests', () => {
  it('refuses a state-changing request whose Origin is another site, and accepts this site or no Origin', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const c = await login(h.app, acc.username, PASSWORD);
    const post = (origin: string | undefined, extra: Record<string, string> = {}) => h.app.inject({
      method: 'POST', url: '/api/v1/me/totp/setup', headers: { cookie: c.cookie, 'content-type': 'text/plain', ...(origin === undefined ? {} : { origin }), ...extra }, payload: '',
    });
    for (const evil of ['http://evil.example', 'null', 'http://localhost.evil.example', 'https://localhost', 'not a url']) {
      const r = await post(evil);
      expect(r.statusCode, evil).toBe(403);
      expect(r.json().error.code).toBe('ORIGIN_REJECTED');
    }
    const logins = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: 'http://evil.example' }, payload: { username: acc.username, password: PASSWORD } });
    expect(logins.statusCode).toBe(403);
    // inject's requests are made to http://localhost:80
    expect((await post('http://localhost')).statusCode).toBe(200);
    expect((await post('http://localhost:80')).statusCode).toBe(200);
    expect((await post(undefined)).statusCode).toBe(200);
    // reads are not state-changing
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: c.cookie, origin: 'http://evil.example' } })).statusCode).toBe(200);
  });
});
