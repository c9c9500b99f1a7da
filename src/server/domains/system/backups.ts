import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../../deps';
import { createBackup, readManifest } from '../../platform/backup';

// Scheduled backups (issue 11): the same consistent logical backup as
// `cli backup`, taken by a job into BACKUP_DIR every BACKUP_EVERY_HOURS, the
// newest BACKUP_KEEP complete ones kept. The system administrator sees them
// (and can take one now) on 数据备份.

const PREFIX = 'backup-';

export interface BackupEntry {
  name: string;
  complete: boolean;
  createdAt: string | null;
  tables: number;
  rows: number;
  sizeBytes: number;
}

/** A directory name that sorts by time: backup-20261205T031500123Z (UTC, to the millisecond). */
export function backupDirName(at: Date): string {
  return PREFIX + at.toISOString().replace(/[-:.]/g, '');
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const f of await fsp.readdir(dir, { withFileTypes: true })) if (f.isFile()) total += (await fsp.stat(path.join(dir, f.name))).size;
  return total;
}

/** The backups in BACKUP_DIR, newest first; a directory without a manifest is an incomplete (failed or running) one. */
export async function listBackups(deps: Deps): Promise<BackupEntry[]> {
  const dir = deps.config.backup.dir;
  if (!fs.existsSync(dir)) return [];
  const names = (await fsp.readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name.startsWith(PREFIX)).map((d) => d.name).sort().reverse();
  const out: BackupEntry[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    const manifest = await readManifest(full).catch(() => null);
    out.push({
      name, complete: !!manifest, createdAt: manifest?.createdAt ?? null, tables: manifest?.tables.length ?? 0,
      rows: manifest?.tables.reduce((s, t) => s + t.rows, 0) ?? 0, sizeBytes: await sizeOf(full),
    });
  }
  return out;
}

/**
 * Takes a backup now and prunes: the newest `keep` complete backups stay,
 * older complete ones go, and incomplete ones (a failed run) once a day old —
 * a younger one may be another instance's backup still being written.
 */
export async function runBackup(deps: Deps, at: Date, by: string): Promise<{ name: string; rows: number; removed: string[] }> {
  const dir = deps.config.backup.dir;
  await fsp.mkdir(dir, { recursive: true });
  const name = backupDirName(at);
  const manifest = await createBackup(deps.db, {
    outDir: path.join(dir, name), cipher: deps.cipher, auditAs: { ctx: { requestId: 'job', ip: null, actor: null }, username: by },
  });
  const all = await listBackups(deps);
  const keep = new Set(all.filter((b) => b.complete).slice(0, deps.config.backup.keep).map((b) => b.name));
  const removed: string[] = [];
  const stale = backupDirName(new Date(at.getTime() - 24 * 3600_000));
  for (const b of all) {
    if (keep.has(b.name) || b.name === name || (!b.complete && b.name > stale)) continue;
    await fsp.rm(path.join(dir, b.name), { recursive: true, force: true });
    removed.push(b.name);
  }
  return { name, rows: manifest.tables.reduce((s, t) => s + t.rows, 0), removed };
}
