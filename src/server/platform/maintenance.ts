import type { Db } from './db';
import type { FileStore } from './files';
import { sql } from './sql';

// Housekeeping: expired sessions and stale login counters are removed (they
// are refused on use anyway; this keeps the tables small).
export async function cleanUp(db: Db, files?: FileStore): Promise<{ sessions: number; throttles: number; importUploads: number }> {
  const sessions = await db.exec(sql`DELETE FROM session WHERE expires_at < now() OR last_seen_at + make_interval(secs => idle_seconds) < now()`);
  const throttles = await db.exec(sql`DELETE FROM login_throttle WHERE updated_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())`);
  const importUploads = files ? await sweepImportUploads(db, files) : 0;
  return { sessions, throttles, importUploads };
}

/**
 * Uploaded import spreadsheets (owner types `*_import`, held for their job)
 * older than a day whose job is no longer waiting or running: the job deletes
 * its upload when it ends, so these are what a crash left behind. They hold
 * plaintext ID numbers and phones: removed from the store, then the row.
 */
export async function sweepImportUploads(db: Db, files: FileStore): Promise<number> {
  const rows = await db.query<{ id: string; storage_key: string }>(sql`
    SELECT f.id, f.storage_key FROM stored_file f
    WHERE f.owner_type LIKE '%\_import' AND f.created_at < now() - interval '1 day'
      AND NOT EXISTS (SELECT 1 FROM job j WHERE j.id = f.owner_id AND j.status IN ('queued', 'running'))`);
  for (const r of rows) {
    await files.remove(r.storage_key);
    await db.exec(sql`DELETE FROM stored_file WHERE id = ${r.id}::uuid`);
  }
  return rows.length;
}
