import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, type Db } from '../../src/server/platform/db';
import { systemClock } from '../../src/server/platform/clock';
import { loadConfig } from '../../src/server/platform/config';
import { createFieldCipher } from '../../src/server/platform/crypto';
import { createLocalFileStore } from '../../src/server/platform/files';
import { createNotifier } from '../../src/server/platform/notify';
import { createSimulatedProvider } from '../../src/server/platform/payments';
import { createJobRunner } from '../../src/server/platform/jobs';
import { audit, auditKeyId, setAuditKey } from '../../src/server/platform/audit';
import { sql } from '../../src/server/platform/sql';
import { PASSWORD_PROBLEM_MESSAGES } from '../../src/server/platform/password';
import { createBackup, restoreBackup, readManifest } from '../../src/server/platform/backup';
import { createSessionCache } from '../../src/server/platform/session-cache';
import { buildTemplate, IMPORT_COLUMNS } from '../../src/server/domains/member';
import { buildApp } from '../../src/server/app';
import type { Deps } from '../../src/server/deps';
import { createDemoHarness, createHarness, login, TEST_AUDIT_KEY, TEST_KEY, type Harness } from '../helpers/harness';
import { makeAccount, makeIdNumber, makeMember, makeOrg, makeResident, makeRoot, PASSWORD } from '../helpers/factory';
import { printLayout } from '../helpers/xlsx';

// The operator CLI and backup/restore. The demo tier is seeded into this
// file's database; backup and restore are called directly (fast), and the
// commands whose behaviour is the exit code and the message are spawned for real.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const auditAs = { ctx: { requestId: 'test', ip: null, actor: null }, username: 'test' };

let h: Harness;
let tmp: string;
const extraDbs: string[] = [];

beforeAll(async () => {
  h = await createDemoHarness();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dj-cli-'));
});

afterAll(async () => {
  await h?.close();
  const admin = new pg.Client({ connectionString: inject('adminUrl') });
  await admin.connect();
  for (const name of extraDbs) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

interface CliResult { code: number; stdout: string; stderr: string }

/** Runs the CLI as an operator would (`node --import tsx src/cli/index.ts …`) against the given database. */
function cli(args: string[], opts: { dbUrl?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env, NODE_ENV: 'test', DATABASE_URL: opts.dbUrl ?? h.dbUrl, DATA_DIR: h.dataDir, DATA_ENCRYPTION_KEY: TEST_KEY, AUDIT_HMAC_KEY: TEST_AUDIT_KEY, DJ_PASSWORD: '', ...opts.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A new, empty database (no tables: created from template1, not from the migrated template). */
async function createEmptyDatabase(): Promise<string> {
  const name = `${inject('templateDb')}_r${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: inject('adminUrl') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  extraDbs.push(name);
  const u = new URL(inject('adminUrl'));
  u.pathname = '/' + name;
  return u.toString();
}

async function publicTables(db: Db): Promise<string[]> {
  const rows = await db.query<{ name: string }>(sql`SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`);
  return rows.map((r) => r.name);
}

/** Row count and a digest of every row's text form, in a stable order. */
async function tableDigest(db: Db, table: string, where = 'TRUE') {
  const q = `SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') AS digest FROM "${table}" t WHERE ${where}`;
  return (await db.pool.query<{ n: number; digest: string }>(q)).rows[0];
}

function depsFor(url: string, db: Db): Deps {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: path.join(tmp, 'restored-data'), DATABASE_URL: url, DATA_ENCRYPTION_KEY: TEST_KEY, AUDIT_HMAC_KEY: TEST_AUDIT_KEY, LOG_LEVEL: 'silent' });
  return { config, db, cipher: createFieldCipher(TEST_KEY), files: createLocalFileStore(path.join(tmp, 'restored-data', 'files')), notify: createNotifier(), payments: createSimulatedProvider('test-payments-secret'), jobs: createJobRunner(db), clock: systemClock, sessions: createSessionCache({ connectionString: null }) };
}

describe('backup and restore', () => {
  it('round-trips the demo data into an empty database: rows, sequences, audit chain, encrypted fields and login', async () => {
    // the source, recounted independently before the backup
    const tables = (await publicTables(h.db)).filter((t) => t !== 'schema_migration');
    const before = new Map<string, { n: number; digest: string }>();
    for (const t of tables) before.set(t, await tableDigest(h.db, t));
    const head = await h.db.one<{ last_id: number; last_hash: string }>(sql`SELECT last_id, last_hash FROM audit_head`);
    const persons = await h.db.query<{ row: string }>(sql`SELECT p::text AS row FROM person p ORDER BY id`);
    expect(persons.length).toBeGreaterThan(1000);

    const dir = path.join(tmp, 'round-trip');
    const manifest = await createBackup(h.db, { outDir: dir, cipher: h.deps.cipher, auditAs });
    expect(Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]))).toEqual(Object.fromEntries(tables.map((t) => [t, before.get(t)!.n])));
    expect(manifest.auditHead).toEqual({ lastId: head.last_id, lastHash: head.last_hash });
    const migrations = await h.db.query<{ name: string }>(sql`SELECT name FROM schema_migration ORDER BY name`);
    expect(manifest.migrations.map((m) => m.name)).toEqual(migrations.map((m) => m.name));
    // the backup itself is audited in the source, after the snapshot
    expect((await h.db.one<{ action: string }>(sql`SELECT action FROM audit_log WHERE id = ${head.last_id + 1}`)).action).toBe('system.backup');

    const url = await createEmptyDatabase();
    const db = createDb(url, 4);
    try {
      expect(await publicTables(db)).toEqual([]);
      const report = await restoreBackup({ db, databaseUrl: url, cipher: createFieldCipher(TEST_KEY) }, { fromDir: dir, auditAs });
      expect(report.ok).toBe(true);

      // every table equal row for row (audit_log: plus the restore's own entry)
      expect((await publicTables(db)).filter((t) => t !== 'schema_migration')).toEqual(tables);
      for (const t of tables.filter((x) => x !== 'audit_log' && x !== 'audit_head')) {
        expect({ table: t, ...(await tableDigest(db, t)) }).toEqual({ table: t, ...before.get(t)! });
      }
      expect(await tableDigest(db, 'audit_log', `id <= ${head.last_id}`)).toEqual(before.get('audit_log'));
      const after = await db.query<{ id: number; action: string; request_id: string }>(sql`SELECT id, action, request_id FROM audit_log WHERE id > ${head.last_id} ORDER BY id`);
      expect(after).toEqual([{ id: head.last_id + 1, action: 'system.restore', request_id: 'test' }]);
      expect((await db.query<{ row: string }>(sql`SELECT p::text AS row FROM person p ORDER BY id`)).map((r) => r.row)).toEqual(persons.map((r) => r.row));

      // the audit chain verifies and continues from the backed-up head
      const chain = report.auditChain;
      expect(chain).toMatchObject({ ok: true, checked: head.last_id });
      const restoredHead = await db.one<{ last_id: number }>(sql`SELECT last_id FROM audit_head`);
      expect(restoredHead.last_id).toBe(head.last_id + 1);

      // sequences continue after the restored rows
      const seq = await db.one<{ next: number; max: number }>(sql`SELECT nextval(pg_get_serial_sequence('org', 'seq'))::int AS next, (SELECT max(seq)::int FROM org) AS max`);
      expect(seq.next).toBeGreaterThan(seq.max);
      const mseq = await db.one<{ next: number; max: number }>(sql`SELECT nextval(pg_get_serial_sequence('member_event', 'id'))::int AS next, (SELECT max(id)::int FROM member_event) AS max`);
      expect(mseq.next).toBeGreaterThan(mseq.max);

      // encrypted ID numbers decrypt with the same key to the same value
      const cipher = createFieldCipher(TEST_KEY);
      const member1 = await h.db.one<{ id: string; id_no_enc: Buffer }>(sql`SELECT p.id, p.id_no_enc FROM person p JOIN account a ON a.person_id = p.id WHERE a.username = 'member1'`);
      const restored = await db.one<{ id_no_enc: Buffer; id_no_hash: Buffer; id_no_masked: string }>(sql`SELECT id_no_enc, id_no_hash, id_no_masked FROM person WHERE id = ${member1.id}`);
      const idNumber = cipher.decrypt(member1.id_no_enc);
      expect(idNumber).toMatch(/^\d{17}[\dX]$/);
      expect(cipher.decrypt(restored.id_no_enc)).toBe(idNumber);
      expect(cipher.hash(idNumber).equals(restored.id_no_hash)).toBe(true);

      // the restored installation works: the demo secretary logs in and sees the branch
      const app = await buildApp(depsFor(url, db));
      try {
        const c = await login(app, 'secretary1', 'Dangjian@2026');
        const me = await c.get('/api/v1/me');
        expect(me.statusCode).toBe(200);
        expect(me.json().permissions).toContain('member.read');
      } finally {
        await app.close();
      }
    } finally {
      await db.close();
    }
  }, 240_000); // the demo county with three years of meetings: some 900,000 rows dumped, restored and compared

  it('refuses to restore into a database that is not empty, and changes nothing', async () => {
    const dir = path.join(tmp, 'not-empty');
    await createBackup(h.db, { outDir: dir, cipher: h.deps.cipher, auditAs });
    const before = await tableDigest(h.db, 'audit_log');
    const r = await cli(['restore', '--from', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: The target database is not empty/m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await tableDigest(h.db, 'audit_log')).toEqual(before);
  });

  it('refuses a backup made with a migration this code does not know, before touching the database', async () => {
    const dir = path.join(tmp, 'future');
    await createBackup(h.db, { outDir: dir, cipher: h.deps.cipher, auditAs });
    const manifest = await readManifest(dir);
    manifest.migrations.push({ name: '9999_from_the_future.sql', checksum: '0'.repeat(64) });
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const url = await createEmptyDatabase();
    const db = createDb(url, 2);
    try {
      await expect(restoreBackup({ db, databaseUrl: url, cipher: createFieldCipher(TEST_KEY) }, { fromDir: dir, auditAs })).rejects.toThrow(/9999_from_the_future\.sql is unknown/);
      expect(await publicTables(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('refuses a backup whose table file was altered', async () => {
    const dir = path.join(tmp, 'damaged');
    await createBackup(h.db, { outDir: dir, cipher: h.deps.cipher, auditAs });
    fs.appendFileSync(path.join(dir, 'person.jsonl.gz'), Buffer.from([0]));
    const url = await createEmptyDatabase();
    const db = createDb(url, 2);
    try {
      await expect(restoreBackup({ db, databaseUrl: url, cipher: createFieldCipher(TEST_KEY) }, { fromDir: dir, auditAs })).rejects.toThrow(/person\.jsonl\.gz is damaged/);
      expect(await publicTables(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('refuses a backup taken with another data encryption key', async () => {
    const dir = path.join(tmp, 'other-key');
    await createBackup(h.db, { outDir: dir, cipher: h.deps.cipher, auditAs });
    const url = await createEmptyDatabase();
    const db = createDb(url, 2);
    try {
      const otherKey = crypto.randomBytes(32).toString('base64');
      await expect(restoreBackup({ db, databaseUrl: url, cipher: createFieldCipher(otherKey) }, { fromDir: dir, auditAs })).rejects.toThrow(/encryption key differs/);
      expect(await publicTables(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('refuses a backup whose audit chain was keyed with another audit key', async () => {
    const dir = path.join(tmp, 'other-audit-key');
    await createBackup(h.db, { outDir: dir, cipher: h.deps.cipher, auditAs });
    expect((await readManifest(dir)).auditKeyId).toBe(auditKeyId());
    const url = await createEmptyDatabase();
    const db = createDb(url, 2);
    try {
      setAuditKey(crypto.randomBytes(32).toString('base64'));
      await expect(restoreBackup({ db, databaseUrl: url, cipher: createFieldCipher(TEST_KEY) }, { fromDir: dir, auditAs })).rejects.toThrow(/audit HMAC key differs/);
      expect(await publicTables(db)).toEqual([]);
    } finally {
      setAuditKey(TEST_AUDIT_KEY);
      await db.close();
    }
  });
});

describe('audit verify', () => {
  it('prints OK on an intact chain and exits 1 naming the row after tampering', async () => {
    const h2 = await createHarness(); // its own database: the tampering must not touch the others
    try {
      for (const n of [1, 2, 3]) await audit(h2.db, { requestId: 'test', ip: null, actor: null }, { action: 'test.event', detail: { n } });
      const { n } = await h2.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`);
      const ok = await cli(['audit', 'verify'], { dbUrl: h2.dbUrl });
      expect(ok.code).toBe(0);
      expect(ok.stdout.trim()).toBe(`OK: ${n} rows`);

      await h2.db.exec(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      await h2.db.exec(sql`UPDATE audit_log SET detail = '{"n": 99}' WHERE id = 2`);
      await h2.db.exec(sql`UPDATE audit_log SET detail = '{"n": 98}' WHERE id = 3`);
      await h2.db.exec(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
      const broken = await cli(['audit', 'verify'], { dbUrl: h2.dbUrl });
      expect(broken.code).toBe(1);
      // every broken row, not only the first
      expect(broken.stdout).toMatch(/^BROKEN at row 2: .*\nBROKEN at row 3: .*\n2 problem\(s\) in 3 rows\n$/);
    } finally {
      await h2.close();
    }
  });
});

describe('dues verify', () => {
  it('prints OK on an intact ledger and names each kind of tampering', async () => {
    const h2 = await createHarness(); // its own database: the tampering must not touch the others
    try {
      const root = await makeRoot(h2.deps);
      const branch = await makeOrg(h2.deps, root, 'branch');
      const sec = await makeAccount(h2.deps, [{ role: 'secretary', orgId: branch.id, scope: 'node' }]);
      const c = await login(h2.app, sec.username, PASSWORD);
      const m = await makeMember(h2.deps, branch.id, { name: '校验党员', since: '2020-01-01' });
      expect((await c.post(`/api/v1/members/${m.id}/dues-bases`, { category: 'in_service', baseFen: 300000, effectiveMonth: '2026-01' })).statusCode).toBe(201);
      for (const month of ['2026-09', '2026-10', '2026-11']) expect((await c.post('/api/v1/dues/bills/generate', { orgId: branch.id, month })).statusCode).toBe(200);
      const ids = (await c.get(`/api/v1/dues/bills?orgId=${branch.id}`)).json().items.map((b: { id: string }) => b.id);
      for (const id of ids) expect((await c.post('/api/v1/dues/payments', { billIds: [id], method: 'cash', paidOn: '2026-11-20', idempotencyKey: `k-${id}` })).statusCode).toBe(200);
      const ok = await cli(['dues', 'verify'], { dbUrl: h2.dbUrl });
      expect(ok.stdout.trim()).toBe('OK: 3 ledger entries of 1 members; every bill agrees with its entries and every rollup with a recomputation');
      expect(ok.code).toBe(0);

      const [first, second] = await h2.db.query<{ id: number; bill_id: string }>(sql`SELECT id::int AS id, bill_id FROM dues_entry ORDER BY id`);
      await h2.db.exec(sql`ALTER TABLE dues_entry DISABLE TRIGGER dues_entry_append_only`);
      await h2.db.exec(sql`UPDATE dues_entry SET amount_fen = 1 WHERE id = ${second.id}`);
      await h2.db.exec(sql`ALTER TABLE dues_entry ENABLE TRIGGER dues_entry_append_only`);
      await h2.db.exec(sql`UPDATE dues_bill SET paid_on = NULL WHERE id = ${first.bill_id}`);
      await h2.db.exec(sql`UPDATE dues_rollup SET voluntary_fen = 100 WHERE org_id = ${branch.id} AND month = '2026-09-01'`);
      const broken = await cli(['dues', 'verify'], { dbUrl: h2.dbUrl });
      expect(broken.code).toBe(1);
      const lines = broken.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^\d+ problem\(s\) in 3 ledger entries of 1 members:$/);
      expect(lines).toContainEqual(`  党员 ${m.id}：第 ${second.id} 条流水的内容被修改`);
      expect(lines.some((l) => l.startsWith(`  账单 ${first.bill_id}（`) && l.endsWith('）有交纳流水但未标记已交')), broken.stdout).toBe(true);
      expect(lines.some((l) => l.startsWith(`  账单 ${second.bill_id}（`) && l.includes('）标记 2026-11-20 已交，流水为 1 条、0.01 元、2026-11-20（应交 15 元）')), broken.stdout).toBe(true);
      expect(lines.some((l) => l === `  统计 ${branch.id} 2026-09：voluntary_fen 为 100，按账单和流水重算为 0`), broken.stdout).toBe(true);
    } finally {
      await h2.close();
    }
  });
});

describe('rollups verify and rebuild', () => {
  // four CLI processes, each starting tsx: slow on a busy machine
  it('prints OK on intact rollups, lists the differing rows with exit 1 after tampering, and rebuild repairs them', { timeout: 180_000 }, async () => {
    const h2 = await createHarness(); // its own database: the tampering must not touch the others
    try {
      const root = await makeRoot(h2.deps);
      const branch = await makeOrg(h2.deps, root, 'branch');
      await makeMember(h2.deps, branch.id, { name: '统计党员甲', sex: 'female' });
      await makeMember(h2.deps, branch.id, { name: '统计党员乙' });
      const ok = await cli(['rollups', 'verify'], { dbUrl: h2.dbUrl });
      expect(ok.code).toBe(0);
      expect(ok.stdout.trim()).toMatch(/^OK: \d+ member rollup rows agree with a recomputation from persons and orgs$/);

      await h2.db.exec(sql`UPDATE member_rollup SET n = 7 WHERE org_id = ${branch.id} AND dimension = 'sex' AND value = 'female'`);
      const broken = await cli(['rollups', 'verify'], { dbUrl: h2.dbUrl });
      expect(broken.code).toBe(1);
      const lines = broken.stdout.trim().split('\n');
      expect(lines[0]).toBe('1 member rollup row(s) differ from a recomputation:');
      expect(lines.some((l) => l.startsWith(branch.id) && /\bsex\s+female\s+7\s+1$/.test(l)), broken.stdout).toBe(true);

      const rebuilt = await cli(['rollups', 'rebuild'], { dbUrl: h2.dbUrl });
      expect(rebuilt.code).toBe(0);
      expect(rebuilt.stdout).toMatch(/^Rebuilt \d+ member rollup rows in/);
      expect((await cli(['rollups', 'verify'], { dbUrl: h2.dbUrl })).code).toBe(0);
    } finally {
      await h2.close();
    }
  });
});

describe('mall, volunteer, need and club verify and rebuild', () => {
  it('prints OK on intact counters, names the drifting item or activity with exit 1, and rebuild repairs it', { timeout: 180_000 }, async () => {
    const h2 = await createHarness(); // its own database: the tampering must not touch the others
    try {
      const root = await makeRoot(h2.deps);
      const item = (await h2.db.one<{ id: string }>(sql`INSERT INTO mall_item (supplier_org_id, audience_org_id, kind, name, points_price, sale_from, pickup_place, stock, created_at, updated_at)
        VALUES (${root.id}, ${root.id}, 'goods', '校验商品', 5, '2026-01-01', '服务站', 4, now(), now()) RETURNING id`)).id;
      await h2.db.exec(sql`INSERT INTO mall_stock_entry (item_id, kind, quantity, stock_after, reason, at) VALUES (${item}, 'stock_in', 4, 4, '首批入库', now())`);
      const ok = await cli(['mall', 'verify'], { dbUrl: h2.dbUrl });
      expect(ok.stdout.trim()).toBe('OK: item counters agree with the stock ledger and the redemptions; every open redemption holds its points');
      expect(ok.code).toBe(0);

      await h2.db.exec(sql`UPDATE mall_item SET stock = 9 WHERE id = ${item}`);
      const broken = await cli(['mall', 'verify'], { dbUrl: h2.dbUrl });
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain(`  item ${item} 校验商品: stock 9/4, reserved 0/0, fulfilled 0/0 (stored/computed)`);
      const rebuilt = await cli(['mall', 'rebuild'], { dbUrl: h2.dbUrl });
      expect(rebuilt.stdout.trim()).toBe("Rebuilt the mall's item counters (1 item(s) corrected).");
      expect((await cli(['mall', 'verify'], { dbUrl: h2.dbUrl })).code).toBe(0);

      // volunteer verify and rebuild, the same way: an activity whose stored count lost its one sign-up
      const activity = (await h2.db.one<{ id: string }>(sql`INSERT INTO volunteer_activity (org_id, audience_org_id, title, place, starts_at, ends_at, capacity, signed_up)
        VALUES (${root.id}, ${root.id}, '校验活动', '服务站', '2026-12-20T01:00:00Z', '2026-12-20T03:00:00Z', 5, 1) RETURNING id`)).id;
      const who = await makeResident(h2.deps, root.id);
      await h2.db.exec(sql`INSERT INTO volunteer_signup (activity_id, account_id, resident_id, name) VALUES (${activity}, ${who.accountId}, ${who.id}, '测试群众')`);
      expect((await cli(['volunteer', 'verify'], { dbUrl: h2.dbUrl })).stdout.trim()).toBe('OK: activity counters agree with the sign-ups');
      await h2.db.exec(sql`UPDATE volunteer_activity SET signed_up = 0 WHERE id = ${activity}`);
      const drift = await cli(['volunteer', 'verify'], { dbUrl: h2.dbUrl });
      expect(drift.code).toBe(1);
      expect(drift.stdout).toContain(`  activity ${activity} 校验活动: signed up 0/1, attested 0/0, minutes 0/0 (stored/computed)`);
      expect((await cli(['volunteer', 'rebuild'], { dbUrl: h2.dbUrl })).stdout.trim()).toBe("Rebuilt the volunteer activities' counters (1 activity corrected).");
      expect((await cli(['volunteer', 'verify'], { dbUrl: h2.dbUrl })).code).toBe(0);

      // need verify and rebuild: a profile whose stored claims lost the one need it claimed
      const profile = (await h2.db.one<{ id: string }>(sql`INSERT INTO volunteer_profile (resident_id, name, community_org_id, claimed) VALUES (${who.id}, '测试群众', ${root.id}, 1) RETURNING id`)).id;
      await h2.db.exec(sql`INSERT INTO need (resident_id, community_org_id, category, title, place, window_from, window_to, status, claimed_by, claimed_at)
        VALUES (${(await makeResident(h2.deps, root.id)).id}, ${root.id}, 'other', '校验需求', '小区', '2026-12-20T01:00:00Z', '2026-12-20T03:00:00Z', 'claimed', ${profile}, now())`);
      expect((await cli(['need', 'verify'], { dbUrl: h2.dbUrl })).stdout.trim()).toBe('OK: volunteer profile counters agree with the needs');
      await h2.db.exec(sql`UPDATE volunteer_profile SET claimed = 0 WHERE id = ${profile}`);
      const needDrift = await cli(['need', 'verify'], { dbUrl: h2.dbUrl });
      expect(needDrift.code).toBe(1);
      expect(needDrift.stdout).toContain(`  profile ${profile} 测试群众: claimed 0/1, completed 0/0, ratings 0/0 in 0/0 (stored/computed)`);
      expect((await cli(['need', 'rebuild'], { dbUrl: h2.dbUrl })).stdout.trim()).toBe("Rebuilt the volunteer profiles' counters (1 profile(s) corrected).");
      expect((await cli(['need', 'verify'], { dbUrl: h2.dbUrl })).code).toBe(0);

      // club verify and rebuild: a club whose stored members lost its one member
      const club = (await h2.db.one<{ id: string }>(sql`INSERT INTO club (community_org_id, name, category, founder_account_id, founder_resident_id, founder_name, status, member_count, created_at)
        VALUES (${root.id}, '校验社团', 'other', ${who.accountId}, ${who.id}, '测试群众', 'active', 1, now()) RETURNING id`)).id;
      await h2.db.exec(sql`INSERT INTO club_member (club_id, account_id, resident_id, name, role, joined_at) VALUES (${club}, ${who.accountId}, ${who.id}, '测试群众', 'leader', now())`);
      expect((await cli(['club', 'verify'], { dbUrl: h2.dbUrl })).stdout.trim()).toBe('OK: club counters agree with the members and activities');
      await h2.db.exec(sql`UPDATE club SET member_count = 0 WHERE id = ${club}`);
      const clubDrift = await cli(['club', 'verify'], { dbUrl: h2.dbUrl });
      expect(clubDrift.code).toBe(1);
      expect(clubDrift.stdout).toContain(`  club ${club} 校验社团: members 0/1, activities 0/0 (stored/computed)`);
      expect((await cli(['club', 'rebuild'], { dbUrl: h2.dbUrl })).stdout.trim()).toBe("Rebuilt the clubs' counters (1 club(s) corrected).");
      expect((await cli(['club', 'verify'], { dbUrl: h2.dbUrl })).code).toBe(0);
    } finally {
      await h2.close();
    }
  });
});

describe('user commands', () => {
  it('creates an account with a policy-compliant password, audited, and the account logs in', async () => {
    const username = `ops${crypto.randomBytes(3).toString('hex')}`;
    const password = 'Ops#Strong2026';
    const r = await cli(['user', 'create', '--username', username, '--name', '运维审计', '--role', 'auditor'], { env: { DJ_PASSWORD: password } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const acc = await h.db.one<{ id: string; is_demo: boolean }>(sql`SELECT id, is_demo FROM account WHERE username = ${username}`);
    expect(acc.is_demo).toBe(false);
    const grants = await h.db.query<{ role: string; org_id: string | null; scope: string }>(sql`SELECT role, org_id, scope FROM role_grant WHERE account_id = ${acc.id} AND revoked_at IS NULL`);
    expect(grants).toEqual([{ role: 'auditor', org_id: null, scope: 'subtree' }]);
    const audits = await h.db.query<{ action: string; request_id: string }>(sql`SELECT action, request_id FROM audit_log WHERE object_id = ${acc.id} ORDER BY id`);
    expect(audits).toEqual([{ action: 'account.create', request_id: 'cli' }, { action: 'role.grant', request_id: 'cli' }]);
    const c = await login(h.app, username, password);
    expect((await c.get('/api/v1/me')).statusCode).toBe(200);

    // a second administrator role for the same account is refused (三员分立)
    const second = await cli(['user', 'grant', '--username', username, '--role', 'secadmin']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^error: .*ADMIN_ROLE_CONFLICT/);
    const still = await h.db.query<{ role: string }>(sql`SELECT role FROM role_grant WHERE account_id = ${acc.id} AND revoked_at IS NULL`);
    expect(still.map((g) => g.role)).toEqual(['auditor']);
  });

  it('rejects a weak password and creates nothing', async () => {
    const username = `weak${crypto.randomBytes(3).toString('hex')}`;
    const r = await cli(['user', 'create', '--username', username, '--name', '弱密码', '--role', 'sysadmin'], { env: { DJ_PASSWORD: 'password123' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Password rejected');
    expect(r.stderr).toContain(PASSWORD_PROBLEM_MESSAGES.common);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await h.db.maybeOne(sql`SELECT 1 FROM account WHERE username = ${username}`)).toBeNull();
  });
});

describe('data commands', () => {
  it('refuses to seed a database that already has organisations', async () => {
    const { n } = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM org`);
    const r = await cli(['seed', '--tier', 'county', '--seed', '7']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already has organisations.*--force-append/);
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM org`)).n).toBe(n);
  });

  it('imports members as a branch secretary (row errors reported, exit 2) and exports the branch roster', async () => {
    const branch = await h.db.one<{ id: string; code: string; path: string }>(sql`SELECT o.id, o.code, o.path::text AS path FROM org o
      JOIN role_grant g ON g.org_id = o.id JOIN account a ON a.id = g.account_id WHERE a.username = 'secretary1'`);
    const good = makeIdNumber('1990-03-08', 'female');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0'); // wrong check digit
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await buildTemplate()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([...IMPORT_COLUMNS]);
    ws.addRow(['林小雨', '女', '汉族', good, '大学本科', '工人', '示范厂', '', '', '预备党员', '2025-07-01', '', branch.code]);
    ws.addRow(['赵错号', '男', '汉族', bad, '大学本科', '工人', '示范厂', '', '', '预备党员', '2025-07-01', '', branch.code]);
    const file = path.join(tmp, 'import.xlsx');
    await wb.xlsx.writeFile(file);

    const r = await cli(['import', 'members', file, '--as', 'secretary1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Rows: 2\s+valid: 1/);
    expect(r.stdout).toMatch(/^3\s+身份证号\s+/m); // the second data row is sheet row 3
    const created = await h.db.query<{ org_id: string }>(sql`SELECT org_id FROM person WHERE id_no_hash = ${h.deps.cipher.hash(good)} AND is_current`);
    expect(created).toEqual([{ org_id: branch.id }]);
    expect(await h.db.maybeOne(sql`SELECT 1 FROM person WHERE id_no_hash = ${h.deps.cipher.hash(bad)}`)).toBeNull();

    const out = path.join(tmp, 'roster.xlsx');
    const e = await cli(['export', 'members', '--as', 'secretary1', '--out', out]);
    expect(e.code).toBe(0);
    const { n } = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person p JOIN org o ON o.id = p.org_id WHERE p.is_current AND o.path <@ ${branch.path}::ltree`);
    expect(e.stdout).toContain(`Wrote ${n} members`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    expect(book.worksheets[0].rowCount - 2).toBe(n); // a title row and the header row
    // the file the operator prints is laid out like the one the web console serves
    const layout = printLayout(fs.readFileSync(out), '党员名册');
    expect(layout.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: '9', fitToWidth: '1' });
    expect(layout.printTitles).toBe("'党员名册'!$2:$2");
    expect(layout.autoFilter).toBe(`A2:T${n + 2}`);
    const exported = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'member.export' AND username = 'secretary1' AND request_id = 'cli'`);
    expect(exported.n).toBe(1);
  });
});
