import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { audit, checkpointFile, hashAuditRow, verifyAuditChain, writeAuditCheckpoint } from '../../../src/server/platform/audit';
import { sql } from '../../../src/server/platform/sql';
import { createDb } from '../../../src/server/platform/db';
import { migrate } from '../../../src/server/platform/migrate';
import { buildApp } from '../../../src/server/app';
import { createHarness, login, type Client, type Harness } from '../../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../../helpers/factory';
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

/** Runs statements with the triggers off (session_replication_role = replica), in one transaction of the test's own connection. */
async function tamper(...statements: Array<[string, unknown[]?]>) {
  await raw.query('BEGIN');
  try {
    await raw.query('SET LOCAL session_replication_role = replica');
    for (const [text, values] of statements) await raw.query(text, values ?? []);
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
    expect(v).toMatchObject({ ok: true, checked: all.length, firstBrokenId: null, reason: null, problems: [], problemCount: 0, keyedFrom: 1 });
  });

  it('finds an edited row in the middle at that row', async () => {
    const all = await rows();
    const victim = all[Math.floor(all.length / 2)];
    await tamper(['UPDATE audit_log SET detail = $1 WHERE id = $2', [JSON.stringify({ tampered: true }), victim.id]]);
    const v = await verifyAuditChain(h.db);
    expect(v.ok).toBe(false);
    expect(v.firstBrokenId).toBe(victim.id);
    expect(v.problems).toEqual([{ id: victim.id, kind: 'modified', reason: `第 ${victim.id} 条记录内容被修改` }]);
    expect(v.checked).toBe(all.length);
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
    expect(v.problems.map((p) => p.kind)).toEqual(['truncated']);
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
    expect(res.json()).toMatchObject({ ok: true, checked: count - 1, firstBrokenId: null, reason: null, problems: [], problemCount: 0 }); // the verify row itself is appended afterwards
    const last = await h.db.one<{ action: string; outcome: string; detail: { checked: number } }>(sql`SELECT action, outcome, detail FROM audit_log ORDER BY id DESC LIMIT 1`);
    expect(last).toMatchObject({ action: 'audit.verify', outcome: 'success', detail: { checked: count - 1 } });
    expect((await orgAdmin.post('/api/v1/audit/verify')).statusCode).toBe(403);
  });
});

describe('what is hashed is what is stored (H2)', () => {
  it('a login with a lone surrogate in the username leaves a row that verifies', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":"a\\ud800b","password":"x"}' });
    expect(res.statusCode).toBeLessThan(500);
    const row = await h.db.maybeOne<{ username: string }>(sql`SELECT username FROM audit_log WHERE action = 'auth.login' AND username = ${'a\uFFFDb'}`);
    if (res.statusCode === 401) expect(row).toEqual({ username: 'a\uFFFDb' });
    const v = await verifyAuditChain(h.db);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it('the writer takes lone surrogates and NUL anywhere in a row without failing, and the row verifies', async () => {
    const ctx = { requestId: 'req\u0000\udc00', ip: '127.0.0.1', actor: null };
    await audit(h.db, ctx, {
      action: 'test.odd_text', username: 'x\u0000y\ud800', objectType: 'o\ud83d', objectId: '\udfff1',
      detail: { 'key\ud800': ['\udc00', 'nul\u0000', 1e21, 0.1, 2 ** 60, null, true], nested: { s: '😀\ud83d', deep: [{ k: 'v\u0000' }] }, nul: '\u0000' },
    });
    const row = await h.db.one<{ username: string; object_type: string; request_id: string; detail: Record<string, unknown> }>(sql`
      SELECT username, object_type, request_id, detail FROM audit_log WHERE action = 'test.odd_text'`);
    expect(row.username).toBe('x\uFFFDy\uFFFD');
    expect(row.object_type).toBe('o\uFFFD');
    expect(row.request_id).toBe('req\uFFFD\uFFFD');
    expect(row.detail).toEqual({ 'key\uFFFD': ['\uFFFD', 'nul\uFFFD', 1e21, 0.1, 2 ** 60, null, true], nested: { s: '😀\uFFFD', deep: [{ k: 'v\uFFFD' }] }, nul: '\uFFFD' });
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });
});

describe('verify reports every broken row', () => {
  it('lists an edited row, a missing row and a later edit, each at its row, and goes on after each', async () => {
    const all = await rows();
    const [a, b, c] = [all[3], all[Math.floor(all.length / 2)], all[all.length - 2]];
    await tamper(
      ['UPDATE audit_log SET outcome = $1 WHERE id = $2', [a.outcome === 'success' ? 'failure' : 'success', a.id]],
      ['DELETE FROM audit_log WHERE id = $1', [b.id]],
      ['UPDATE audit_log SET username = $1 WHERE id = $2', ['nobody', c.id]],
    );
    const v = await verifyAuditChain(h.db);
    expect(v.ok).toBe(false);
    expect(v.firstBrokenId).toBe(a.id);
    expect(v.problems).toEqual([
      { id: a.id, kind: 'modified', reason: `第 ${a.id} 条记录内容被修改` },
      { id: b.id, kind: 'missing', reason: `第 ${b.id} 条记录缺失` },
      { id: c.id, kind: 'modified', reason: `第 ${c.id} 条记录内容被修改` },
    ]);
    expect(v.problemCount).toBe(3);
    expect(v.checked).toBe(all.length - 1);
    // the API lists them too
    const api = (await auditor.post('/api/v1/audit/verify')).json();
    expect(api.problems.map((p: { id: number }) => p.id)).toEqual([a.id, b.id, c.id]);
    expect(api.problemCount).toBe(3);
    // a list is capped, the count is not
    const capped = await verifyAuditChain(h.db, { limit: 2 });
    expect(capped.problems.map((p) => p.id)).toEqual([a.id, b.id]);
    expect(capped.problemCount).toBe(3);
    await tamper(['UPDATE audit_log SET outcome = $1 WHERE id = $2', [a.outcome, a.id]], ['UPDATE audit_log SET username = $1 WHERE id = $2', [c.username, c.id]]);
    await reinsert([b]);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });
});

describe('an attacker with database credentials (M1)', () => {
  const anchorDir = () => h.deps.config.auditAnchorDir;

  it('checkpoints are signed lines in a file outside the database, written when the head moved', async () => {
    const cp = await writeAuditCheckpoint(h.db, anchorDir());
    const head = await h.db.one<{ last_id: number; last_hash: string }>(sql`SELECT last_id, last_hash FROM audit_head`);
    expect(cp).toMatchObject({ id: head.last_id, hash: head.last_hash, keyedFrom: 1 });
    expect(await writeAuditCheckpoint(h.db, anchorDir())).toBeNull(); // unchanged head: nothing written
    const lines = fs.readFileSync(checkpointFile(anchorDir()), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1])).toEqual(cp);
    expect(await verifyAuditChain(h.db, { anchorDir: anchorDir() })).toMatchObject({ ok: true, checkpoints: { latestId: head.last_id } });
  });

  it('cannot move audit_head back, point it elsewhere, delete or truncate it', async () => {
    const head = await h.db.one<{ last_id: number; last_hash: string }>(sql`SELECT last_id, last_hash FROM audit_head`);
    const prev = await h.db.one<{ hash: string }>(sql`SELECT hash FROM audit_log WHERE id = ${head.last_id - 1}`);
    await expect(raw.query('UPDATE audit_head SET last_id = $1, last_hash = $2', [head.last_id - 1, prev.hash])).rejects.toThrow(/moves forward/);
    await expect(raw.query('UPDATE audit_head SET last_id = last_id + 1')).rejects.toThrow(/appended row/);
    await expect(raw.query('UPDATE audit_head SET keyed_from = 1000000')).rejects.toThrow(/keyed_from/);
    await expect(raw.query('DELETE FROM audit_head')).rejects.toThrow(/append-only/);
    await expect(raw.query('TRUNCATE audit_head')).rejects.toThrow(/append-only/);
    expect(await h.db.one(sql`SELECT last_id, last_hash FROM audit_head`)).toEqual(head);
  });

  it('(a) deleting the tail and moving audit_head is found against the signed checkpoint', async () => {
    await writeAuditCheckpoint(h.db, anchorDir());
    const all = await rows();
    const keep = all[all.length - 4];
    const tail = all.slice(-3);
    await tamper(['DELETE FROM audit_log WHERE id > $1', [keep.id]], ['UPDATE audit_head SET last_id = $1, last_hash = $2', [keep.id, keep.hash]]);
    // the chain and the head alone agree: this is what passed before
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
    const v = await verifyAuditChain(h.db, { anchorDir: anchorDir() });
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([expect.objectContaining({ id: keep.id + 1, kind: 'truncated' })]);
    expect(v.problems[0].reason).toContain(`签名检查点记录到第 ${all[all.length - 1].id} 条`);
    // so does the auditor's API (the server's own anchor directory)
    expect((await auditor.post('/api/v1/audit/verify')).json()).toMatchObject({ ok: false, firstBrokenId: keep.id + 1 });
    // put the tail back (after removing the verification's own row, appended at the moved head)
    await tamper(['DELETE FROM audit_log WHERE id > $1', [keep.id]]);
    await reinsert(tail);
    await tamper(['UPDATE audit_head SET last_id = $1, last_hash = $2', [tail[2].id, tail[2].hash]]);
    expect((await verifyAuditChain(h.db, { anchorDir: anchorDir() })).ok).toBe(true);
  });

  it('(b) rewriting a row and re-hashing the rest with the plain function is found at that row', async () => {
    await writeAuditCheckpoint(h.db, anchorDir());
    const all = await rows();
    const victim = all[Math.floor(all.length / 2)];
    // the review's script: change the row, re-hash it and every later row, set the head
    let prev = victim.prev_hash as string;
    const statements: Array<[string, unknown[]]> = [];
    const rewritten = all.filter((r) => r.id >= victim.id).map((r) => (r.id === victim.id ? { ...r, outcome: 'denied', detail: { amountFen: 999999 } } : r));
    for (const r of rewritten) {
      const { hash: _h, prev_hash: _p, ...content } = r as unknown as Parameters<typeof hashAuditRow>[1] & { hash: string; prev_hash: string };
      const hash = hashAuditRow(prev, content);
      statements.push(['UPDATE audit_log SET outcome = $1, detail = $2, prev_hash = $3, hash = $4 WHERE id = $5', [r.outcome, JSON.stringify(r.detail), prev, hash, r.id]]);
      prev = hash;
    }
    statements.push(['UPDATE audit_head SET last_hash = $1', [prev]]);
    await tamper(...statements);
    const v = await verifyAuditChain(h.db, { anchorDir: anchorDir() });
    expect(v.ok).toBe(false);
    expect(v.firstBrokenId).toBe(victim.id);
    expect(v.problems[0]).toEqual({ id: victim.id, kind: 'modified', reason: `第 ${victim.id} 条记录内容被修改` });
    // every re-hashed row fails its key, and the checkpoint disagrees with its row
    expect(v.problems.filter((p) => p.kind === 'modified').map((p) => p.id)).toEqual(rewritten.map((r) => r.id));
    expect(v.problems.some((p) => p.kind === 'checkpoint' && p.id === all[all.length - 1].id)).toBe(true);
    // put the original rows back
    await tamper(
      ...all.filter((r) => r.id >= victim.id).map((r): [string, unknown[]] => ['UPDATE audit_log SET outcome = $1, detail = $2, prev_hash = $3, hash = $4 WHERE id = $5', [r.outcome, JSON.stringify(r.detail), r.prev_hash, r.hash, r.id]]),
      ['UPDATE audit_head SET last_hash = $1', [all[all.length - 1].hash]],
    );
    expect((await verifyAuditChain(h.db, { anchorDir: anchorDir() })).ok).toBe(true);
  });

  it('a forged or foreign checkpoint line is reported', async () => {
    const dir = path.join(h.dataDir, 'forged-anchors');
    await writeAuditCheckpoint(h.db, dir);
    const file = checkpointFile(dir);
    const cp = JSON.parse(fs.readFileSync(file, 'utf8').trim());
    fs.appendFileSync(file, JSON.stringify({ ...cp, id: cp.id + 50 }) + '\n');
    const v = await verifyAuditChain(h.db, { anchorDir: dir });
    expect(v.problems).toEqual([expect.objectContaining({ id: cp.id + 50, kind: 'checkpoint_invalid' })]);
  });
});

describe('rows written before the keyed scheme (migration 0012)', () => {
  it('are checked the plain way, the later ones the keyed way; a plain re-hash of old rows breaks at the first keyed row', async () => {
    const h2 = await createHarness();
    const raw2 = new pg.Client({ connectionString: h2.dbUrl });
    await raw2.connect();
    try {
      // three rows of an installation from before 0012, plainly hashed, then the migration's marker
      let prev = '0'.repeat(64);
      await raw2.query('BEGIN');
      await raw2.query('SET LOCAL session_replication_role = replica');
      const old = [1, 2, 3].map((id) => ({ id, at: `2026-01-0${id}T08:00:00.000Z`, account_id: null, username: 'old', roles: null, org_id: null, action: 'auth.login', object_type: null, object_id: null, outcome: 'success', ip: null, request_id: `r${id}`, detail: { n: id } }));
      for (const r of old) {
        const hash = hashAuditRow(prev, r);
        await raw2.query(`INSERT INTO audit_log (id, at, username, action, outcome, request_id, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [r.id, r.at, r.username, r.action, r.outcome, r.request_id, JSON.stringify(r.detail), prev, hash]);
        prev = hash;
      }
      await raw2.query('UPDATE audit_head SET last_id = 3, last_hash = $1, keyed_from = 4', [prev]);
      await raw2.query('COMMIT');
      for (const n of [4, 5]) await audit(h2.db, { requestId: 'test', ip: null, actor: null }, { action: 'test.event', detail: { n } });
      expect(await verifyAuditChain(h2.db)).toMatchObject({ ok: true, checked: 5, keyedFrom: 4 });
      // the keyed rows are not plain hashes
      const r4 = (await raw2.query('SELECT * FROM audit_log WHERE id = 4')).rows[0];
      const { hash: h4, prev_hash: p4, ...c4 } = r4;
      expect(hashAuditRow(p4, { ...c4, id: Number(c4.id), at: new Date(c4.at).toISOString() })).not.toBe(h4);
      // rewrite old row 2 and re-hash rows 2–3 plainly: row 4's key-bound link gives it away
      const r2 = { ...old[1], outcome: 'failure' };
      const hash2 = hashAuditRow((await raw2.query('SELECT hash FROM audit_log WHERE id = 1')).rows[0].hash, r2);
      const hash3 = hashAuditRow(hash2, old[2]);
      await raw2.query('BEGIN');
      await raw2.query('SET LOCAL session_replication_role = replica');
      await raw2.query(`UPDATE audit_log SET outcome = 'failure', hash = $1 WHERE id = 2`, [hash2]);
      await raw2.query('UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = 3', [hash2, hash3]);
      await raw2.query('COMMIT');
      const v = await verifyAuditChain(h2.db);
      expect(v.problems).toEqual([{ id: 4, kind: 'relinked', reason: '第 4 条记录的前序哈希不符（前一条被修改、替换或删除）' }]);
    } finally {
      await raw2.end();
      await h2.close();
    }
  });
});

describe('upgrading an installation to the keyed scheme (migration 0012)', () => {
  it('a log written before 0012 verifies plainly, and after the migration new rows are keyed and the whole chain verifies', async () => {
    const name = `${inject('templateDb')}_u${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: inject('adminUrl') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(inject('adminUrl'));
    u.pathname = '/' + name;
    const db = createDb(u.toString(), 2);
    const ctx = { requestId: 'test', ip: null, actor: null };
    try {
      await migrate(u.toString(), () => undefined, { upTo: '0010_dues_bill_layout.sql' });
      for (const n of [1, 2, 3]) await audit(db, ctx, { action: 'test.before', detail: { n } });
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 3, keyedFrom: null });
      await migrate(u.toString());
      expect(await db.one(sql`SELECT last_id, keyed_from FROM audit_head`)).toEqual({ last_id: 3, keyed_from: 4 });
      for (const n of [4, 5]) await audit(db, ctx, { action: 'test.after', detail: { n } });
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 5, keyedFrom: 4 });
      const rows = await db.query<Parameters<typeof hashAuditRow>[1] & { hash: string; prev_hash: string }>(sql`SELECT * FROM audit_log ORDER BY id`);
      const plain = rows.map(({ hash: _h, prev_hash, ...c }) => hashAuditRow(prev_hash, c));
      expect(rows.map((r, i) => r.hash === plain[i])).toEqual([true, true, true, false, false]);
    } finally {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('denied and not-found answers are audited, rate-limited per account (L7)', () => {
  it('a secretary asking for another branch\'s member by id leaves access.not_found; 100 probes leave at most the cap, the rest are counted', async () => {
    const root = await makeRoot(h.deps);
    const mine = await makeOrg(h.deps, root, 'branch');
    const theirs = await makeOrg(h.deps, root, 'branch');
    const member = await makeMember(h.deps, theirs.id, { name: '他支部党员' });
    const sec = await makeAccount(h.deps, [{ role: 'secretary', orgId: mine.id, scope: 'node' }]);
    let clock = 1_000_000;
    const cap = 5;
    const app = await buildApp({ ...h.deps, config: { ...h.deps.config, auditProbesPerMinute: cap } }, { now: () => clock });
    await app.ready();
    try {
      const c = await login(app, sec.username, PASSWORD);
      const probes = () => h.db.query<{ action: string; outcome: string; detail: Record<string, unknown> }>(sql`
        SELECT action, outcome, detail FROM audit_log WHERE account_id = ${sec.id} AND action LIKE 'access.%' ORDER BY id`);
      const first = await c.get(`/api/v1/members/${member.id}?x=1`);
      expect(first.statusCode).toBe(404);
      expect(await probes()).toEqual([{ action: 'access.not_found', outcome: 'denied', detail: { operationId: 'getMember', method: 'GET', url: `/api/v1/members/${member.id}` } }]);
      for (let i = 1; i < 100; i++) expect((await c.get(`/api/v1/members/${member.id}`)).statusCode).toBe(404);
      expect(await probes()).toHaveLength(cap);
      // a 403 in the same minute shares the limit
      expect((await c.get('/api/v1/audit')).statusCode).toBe(403);
      expect(await probes()).toHaveLength(cap);
      // the next minute: the next probe is written with the count of the ones left out
      clock += 60_000;
      expect((await c.get('/api/v1/audit')).statusCode).toBe(403);
      const after = await probes();
      expect(after).toHaveLength(cap + 1);
      expect(after[cap]).toMatchObject({ action: 'access.denied', detail: { operationId: 'listAuditLog', suppressed: 100 - cap + 1 } });
      expect((await verifyAuditChain(h.db)).ok).toBe(true);
    } finally {
      await app.close();
    }
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
