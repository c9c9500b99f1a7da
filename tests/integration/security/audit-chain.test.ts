import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/server/platform/audit';
import { sql } from '../../../src/server/platform/sql';
import { createHarness, login, type Client, type Harness } from '../../helpers/harness';
import { makeAccount, makeOrg, makeRoot, PASSWORD } from '../../helpers/factory';
import { uniqueIdNumber } from './support';

// The audit log is append-only and hash-chained: any edit, deletion or
// truncation is found at the right row by the verifier. Tampering is done the
// way an attacker with database access would: disabling the trigger.

let h: Harness;
let raw: pg.Client;
let orgAdmin: Client;
let auditor: Client;
let branchId: string;

beforeAll(async () => {
  h = await createHarness();
  raw = new pg.Client({ connectionString: h.dbUrl });
  await raw.connect();
  const root = await makeRoot(h.deps);
  branchId = (await makeOrg(h.deps, root, 'branch')).id;
  const admin = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
  const aud = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
  // a few audited actions: logins (one failed), member creations, reveals, an export
  orgAdmin = await login(h.app, admin.username, PASSWORD);
  auditor = await login(h.app, aud.username, PASSWORD);
  expect((await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: admin.username, password: 'Wrong@Pass1' } })).statusCode).toBe(401);
  for (let i = 0; i < 3; i++) {
    const res = await orgAdmin.post('/api/v1/members', newMember(`审计党员${i}`));
    expect(res.statusCode).toBe(201);
    expect((await orgAdmin.post(`/api/v1/members/${res.json().id}/reveal`, { field: 'phone', reason: '审计链测试' })).statusCode).toBe(200);
  }
  expect((await orgAdmin.get('/api/v1/members/export')).statusCode).toBe(200);
});

afterAll(async () => {
  await raw.end();
  await h.close();
});

function newMember(name: string, phone = '13712345678') {
  const { idNumber } = uniqueIdNumber();
  return { orgId: branchId, name, sex: 'male', ethnicity: '汉族', idNumber, education: 'bachelor', occupation: 'worker', phone, joinDate: '2005-07-01', conversionDate: '2006-07-01', status: 'full' };
}

/** Runs statements with the append-only trigger disabled, in one transaction of the test's own connection. */
async function tamper(...statements: Array<[string, unknown[]?]>) {
  await raw.query('BEGIN');
  try {
    await raw.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    for (const [text, values] of statements) await raw.query(text, values ?? []);
    await raw.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    await raw.query('COMMIT');
  } catch (e) {
    await raw.query('ROLLBACK');
    throw e;
  }
}

type Row = Record<string, unknown> & { id: number };

async function rows(): Promise<Row[]> {
  return (await raw.query<Row>('SELECT * FROM audit_log ORDER BY id')).rows;
}

/** Puts deleted rows back exactly as they were. */
async function reinsert(deleted: Row[]) {
  await tamper(...deleted.map((r): [string, unknown[]] => [
    `INSERT INTO audit_log (id, at, account_id, username, roles, org_id, action, object_type, object_id, outcome, ip, request_id, detail, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [r.id, r.at, r.account_id, r.username, r.roles, r.org_id, r.action, r.object_type, r.object_id, r.outcome, r.ip, r.request_id, JSON.stringify(r.detail), r.prev_hash, r.hash],
  ]));
}

describe('audit hash chain', () => {
  it('verifies an untouched log', async () => {
    const all = await rows();
    expect(all.length).toBeGreaterThanOrEqual(10);
    expect(all.map((r) => r.id)).toEqual(all.map((_, i) => i + 1));
    const v = await verifyAuditChain(h.db);
    expect(v).toEqual({ ok: true, checked: all.length, firstBrokenId: null, reason: null });
  });

  it('finds an edited row in the middle at that row', async () => {
    const all = await rows();
    const victim = all[Math.floor(all.length / 2)];
    await tamper(['UPDATE audit_log SET detail = $1 WHERE id = $2', [JSON.stringify({ tampered: true }), victim.id]]);
    const v = await verifyAuditChain(h.db);
    expect(v.ok).toBe(false);
    expect(v.firstBrokenId).toBe(victim.id);
    expect(v.checked).toBe(victim.id - 1);
    // the auditor sees the same through the API
    const api = await auditor.post('/api/v1/audit/verify');
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ ok: false, firstBrokenId: victim.id });
    // restore the row: the chain is whole again
    await tamper(['UPDATE audit_log SET detail = $1 WHERE id = $2', [JSON.stringify(victim.detail), victim.id]]);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it('finds an edit of any column, not only the detail', async () => {
    const all = await rows();
    const victim = all[2];
    await tamper(['UPDATE audit_log SET outcome = $1 WHERE id = $2', [victim.outcome === 'success' ? 'failure' : 'success', victim.id]]);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: false, firstBrokenId: victim.id });
    await tamper(['UPDATE audit_log SET outcome = $1 WHERE id = $2', [victim.outcome, victim.id]]);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it('finds a deleted row in the middle at its id', async () => {
    const all = await rows();
    const victim = all[Math.floor(all.length / 3)];
    await tamper(['DELETE FROM audit_log WHERE id = $1', [victim.id]]);
    const v = await verifyAuditChain(h.db);
    expect(v.ok).toBe(false);
    expect(v.firstBrokenId).toBe(victim.id);
    await reinsert([victim]);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it('finds a truncated tail (rows removed from the end)', async () => {
    const all = await rows();
    const tail = all.slice(-3);
    await tamper(['DELETE FROM audit_log WHERE id >= $1', [tail[0].id]]);
    const v = await verifyAuditChain(h.db);
    expect(v.ok).toBe(false);
    expect(v.firstBrokenId).toBe(tail[0].id);
    expect(v.checked).toBe(tail[0].id - 1);
    await reinsert(tail);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it('refuses TRUNCATE of the log (migration 0003)', async () => {
    const all = await rows();
    await expect(raw.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect(await rows()).toEqual(all);
  });

  it('finds a wholesale removal of the log made with the triggers off (audit_head still anchors the tail)', async () => {
    const all = await rows();
    await tamper(['DELETE FROM audit_log']);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: false, checked: 0, firstBrokenId: 1 });
    await reinsert(all);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it('rejects a plain UPDATE or DELETE on the audit log', async () => {
    const before = await rows();
    await expect(raw.query('UPDATE audit_log SET detail = $1 WHERE id = 1', [JSON.stringify({ x: 1 })])).rejects.toThrow(/append-only/);
    await expect(raw.query('DELETE FROM audit_log WHERE id = 1')).rejects.toThrow(/append-only/);
    await expect(raw.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    expect(await rows()).toEqual(before);
  });

  it('lets the auditor verify through the API, and records the verification', async () => {
    const res = await auditor.post('/api/v1/audit/verify');
    expect(res.statusCode).toBe(200);
    const count = (await rows()).length;
    expect(res.json()).toEqual({ ok: true, checked: count - 1, firstBrokenId: null, reason: null }); // the verify row itself is appended afterwards
    const last = await h.db.one<{ action: string; outcome: string; detail: { checked: number } }>(sql`SELECT action, outcome, detail FROM audit_log ORDER BY id DESC LIMIT 1`);
    expect(last).toMatchObject({ action: 'audit.verify', outcome: 'success', detail: { checked: count - 1 } });
    expect((await orgAdmin.post('/api/v1/audit/verify')).statusCode).toBe(403);
  });
});

describe('what gets audited', () => {
  it('a reveal records the field and the reason, never the revealed value', async () => {
    const phone = '13698765432';
    const created = await orgAdmin.post('/api/v1/members', newMember('揭示审计', phone));
    const id = created.json().id as string;
    const res = await orgAdmin.post(`/api/v1/members/${id}/reveal`, { field: 'phone', reason: '核实联系方式' });
    expect(res.json()).toEqual({ field: 'phone', value: phone });
    const idRes = await orgAdmin.post(`/api/v1/members/${id}/reveal`, { field: 'idNumber', reason: '核实身份信息' });
    const idNumber = idRes.json().value as string;
    const audits = await h.db.query<{ detail: Record<string, unknown>; outcome: string; username: string; org_id: string; row: string }>(sql`
      SELECT a.detail, a.outcome, a.username, a.org_id, row_to_json(a)::text AS row FROM audit_log a WHERE a.action = 'member.reveal' AND a.object_id = ${id} ORDER BY a.id`);
    expect(audits.map((a) => a.detail)).toEqual([{ field: 'phone', reason: '核实联系方式' }, { field: 'idNumber', reason: '核实身份信息' }]);
    expect(audits.every((a) => a.outcome === 'success' && a.org_id === branchId)).toBe(true);
    for (const a of audits) {
      expect(a.row).not.toContain(phone);
      expect(a.row).not.toContain(idNumber);
    }
    const anywhere = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log a WHERE row_to_json(a)::text LIKE ${'%' + phone + '%'} OR row_to_json(a)::text LIKE ${'%' + idNumber + '%'}`);
    expect(anywhere.n).toBe(0);
  });

  it('an export writes member.export', async () => {
    const before = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'member.export'`);
    expect((await orgAdmin.get(`/api/v1/members/export?orgId=${branchId}`)).statusCode).toBe(200);
    const rowsAfter = await h.db.query<{ outcome: string; object_id: string }>(sql`SELECT outcome, object_id FROM audit_log WHERE action = 'member.export' ORDER BY id`);
    expect(rowsAfter.length).toBe(before.n + 1);
    expect(rowsAfter[rowsAfter.length - 1]).toEqual({ outcome: 'success', object_id: branchId });
  });

  it('a failed login writes auth.login with outcome failure', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: acc.username, password: 'Wrong@Pass1' } });
    expect(res.statusCode).toBe(401);
    const a = await h.db.query<{ outcome: string; account_id: string; row: string }>(sql`SELECT outcome, account_id, row_to_json(l)::text AS row FROM audit_log l WHERE action = 'auth.login' AND username = ${acc.username}`);
    expect(a.map((r) => [r.outcome, r.account_id])).toEqual([['failure', acc.id]]);
    expect(a[0].row).not.toContain('Wrong@Pass1');
  });

  it('a successful login writes auth.login success, and a denial writes access.denied', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'sysadmin', orgId: null, scope: 'subtree' }]);
    const c = await login(h.app, acc.username, PASSWORD);
    expect((await c.get('/api/v1/audit')).statusCode).toBe(403);
    const a = await h.db.query<{ action: string; outcome: string }>(sql`SELECT action, outcome FROM audit_log WHERE account_id = ${acc.id} ORDER BY id`);
    expect(a).toEqual([{ action: 'auth.login', outcome: 'success' }, { action: 'access.denied', outcome: 'denied' }]);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });
});
