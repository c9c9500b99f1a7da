import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

export interface MigrationFile {
  name: string;
  checksum: string;
}

/** The committed migrations of this code base, in order, with their checksums. */
export async function listMigrations(): Promise<MigrationFile[]> {
  const { createHash } = await import('node:crypto');
  const files = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  const out: MigrationFile[] = [];
  for (const name of files) out.push({ name, checksum: createHash('sha256').update(await fs.readFile(path.join(MIGRATIONS_DIR, name), 'utf8')).digest('hex') });
  return out;
}

/**
 * Applies committed SQL migrations in file-name order, each in its own
 * transaction, under an advisory lock so that two starting instances do not
 * race. A changed checksum of an applied migration stops the process.
 * With `upTo`, stops after that migration (a restore first brings the database
 * to the backup's schema).
 */
export async function migrate(connectionString: string, log: (msg: string) => void = () => undefined, opts: { upTo?: string } = {}): Promise<string[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(727274)');
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const files = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
    const done = new Map((await client.query('SELECT name, checksum FROM schema_migration')).rows.map((r) => [r.name as string, r.checksum as string]));
    const { createHash } = await import('node:crypto');
    for (const file of files) {
      if (opts.upTo && file > opts.upTo) break;
      const text = await fs.readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      const checksum = createHash('sha256').update(text).digest('hex');
      const prior = done.get(file);
      if (prior) {
        if (prior !== checksum) throw new Error(`migration ${file} was changed after it was applied`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(text);
        await client.query('INSERT INTO schema_migration (name, checksum) VALUES ($1, $2)', [file, checksum]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
      log(`applied ${file}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(727274)').catch(() => undefined);
    await client.end();
  }
  return applied;
}
