import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { readManifest } from '../../src/server/platform/backup';
import { backupDirName } from '../../src/server/domains/system/backups';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeRoot, PASSWORD } from '../helpers/factory';

// 数据备份: backups taken by the job (scheduled or 立即备份) into BACKUP_DIR,
// the newest BACKUP_KEEP complete ones kept, listed for the system administrator.

let h: Harness;
let admin: Client;
let dir: string;
beforeAll(async () => {
  h = await createHarness({ BACKUP_KEEP: '2' });
  dir = h.deps.config.backup.dir;
  const acc = await makeAccount(h.deps, [{ role: 'sysadmin', orgId: null, scope: 'subtree' }]);
  admin = await login(h.app, acc.username, PASSWORD);
});
afterAll(async () => h.close());

type Listed = { dir: string; everyHours: number; keep: number; items: Array<{ name: string; complete: boolean; createdAt: string | null; tables: number; rows: number; sizeBytes: number }> };

async function backupNow(): Promise<string> {
  const r = await admin.post('/api/v1/system/backups', {});
  expect(r.statusCode, r.body).toBe(202);
  const jobId = (r.json() as { jobId: string }).jobId;
  expect(await h.deps.jobs.runDue()).toBeGreaterThanOrEqual(1);
  const job = await h.db.one<{ status: string; result: { name: string } | null; error: string | null }>(sql`SELECT status, result, last_error AS error FROM job WHERE id = ${jobId}::uuid`);
  expect(job.error).toBeNull();
  expect(job.status).toBe('succeeded');
  return job.result!.name;
}

describe('scheduled backups', () => {
  it('takes a complete, verifiable backup, lists it, and keeps only the newest BACKUP_KEEP', async () => {
    // a failed run of long ago (no manifest) and one of a moment ago (perhaps another instance still writing)
    const old = path.join(dir, 'backup-20000101T000000000Z');
    fs.mkdirSync(old, { recursive: true });
    const young = path.join(dir, backupDirName(new Date(Date.now() - 60_000)));
    fs.mkdirSync(young, { recursive: true });

    const first = await backupNow();
    const manifest = await readManifest(path.join(dir, first));
    const persons = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person`);
    expect(manifest.tables.find((t) => t.name === 'person')?.rows).toBe(persons.n);
    const listed = (await admin.get('/api/v1/system/backups')).json() as Listed;
    expect(listed).toMatchObject({ dir, everyHours: 24, keep: 2 });
    expect(listed.items[0]).toMatchObject({ name: first, complete: true, createdAt: manifest.createdAt, tables: manifest.tables.length });
    expect(listed.items[0].rows).toBe(manifest.tables.reduce((s, t) => s + t.rows, 0));
    expect(listed.items[0].sizeBytes).toBeGreaterThan(0);
    // the stale incomplete directory is gone, the young one stays
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(young)).toBe(true);

    const second = await backupNow();
    const third = await backupNow();
    const names = ((await admin.get('/api/v1/system/backups')).json() as Listed).items.filter((b) => b.complete).map((b) => b.name);
    expect(names).toEqual([third, second]);
    expect(fs.existsSync(path.join(dir, first))).toBe(false);
    // each backup is audited
    const audited = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'system.backup'`);
    expect(audited.n).toBe(3);
  });

  it('is for the system administrator only', async () => {
    const sec = await makeAccount(h.deps, [{ role: 'secretary', orgId: (await makeRoot(h.deps)).id, scope: 'subtree' }]);
    const c = await login(h.app, sec.username, PASSWORD);
    expect((await c.get('/api/v1/system/backups')).statusCode).toBe(403);
    expect((await c.post('/api/v1/system/backups', {})).statusCode).toBe(403);
  });
});
