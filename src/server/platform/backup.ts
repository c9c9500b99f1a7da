import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Db } from './db';
import type { FieldCipher } from './crypto';
import type { RequestContext } from './actor';
import { audit, auditKeyId, verifyAuditChain, type VerifyResult } from './audit';
import { listMigrations, migrate, type MigrationFile } from './migrate';

// Logical backup and restore of the application's database, taken by the app
// itself (pg_dump of an older major version refuses the embedded PostgreSQL 18).
//
// Backup: one REPEATABLE READ READ ONLY transaction (a consistent snapshot);
// every table of schema public except schema_migration is read through a
// server-side cursor and written as gzip'd JSON lines, one array of column
// values per row — every value as PostgreSQL's text form (ltree, jsonb, dates,
// timestamps keep their exact text), bytea as base64, NULL as null — plus
// manifest.json (migrations, row counts, file checksums, sequences, audit head,
// a fingerprint of the data encryption key).
//
// Restore: into an empty database only. Migrates it to the backup's
// migrations, loads every table in one transaction with triggers and foreign
// keys disabled (session_replication_role = replica: the embedded server's own
// superuser may set it; on an external server the restoring role must be a
// superuser or have been granted `SET ON PARAMETER session_replication_role`),
// restores sequences, then verifies row counts, the audit chain and its head.
// Files under DATA_DIR/files and the encryption key are not part of the backup.

export const BACKUP_FORMAT = 'dangjian-backup';
export const BACKUP_FORMAT_VERSION = 1;
const MANIFEST = 'manifest.json';
const EXCLUDED_TABLES = new Set(['schema_migration']);

/** An expected failure with a message for the operator (no stack trace needed). */
export class BackupError extends Error {}

export interface BackupColumn {
  name: string;
  type: string;
  encoding: 'text' | 'base64';
}

export interface BackupTable {
  name: string;
  file: string;
  rows: number;
  sha256: string;
  columns: BackupColumn[];
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  createdAt: string;
  tool: { name: string; version: string };
  server: string;
  migrations: MigrationFile[];
  keyFingerprint: string;
  /** in foreign-key-safe order (parents first) */
  tables: BackupTable[];
  sequences: Array<{ name: string; lastValue: string | null }>;
  auditHead: { lastId: number; lastHash: string } | null;
  /** identifies the audit HMAC key of the chain (absent in backups made before migration 0012) */
  auditKeyId?: string;
}

export type ProgressFn = (table: string, done: number, total: number) => void;

export interface AuditAs {
  ctx: RequestContext;
  /** who ran it when there is no account (the CLI: the OS user) */
  username?: string | null;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

function toolInfo(): { name: string; version: string } {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}

/** A keyed hash of a constant: equal for equal keys, reveals nothing about the key. */
export function keyFingerprint(cipher: FieldCipher): string {
  return cipher.hash('dangjian/backup/key-check').toString('hex').slice(0, 32);
}

async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

// Stable text forms regardless of the server's or the role's settings.
async function setTextFormats(c: pg.PoolClient) {
  await c.query(`SET LOCAL DateStyle = 'ISO, YMD'`);
  await c.query(`SET LOCAL IntervalStyle = 'postgres'`);
  await c.query(`SET LOCAL TimeZone = 'UTC'`);
  await c.query(`SET LOCAL extra_float_digits = 3`);
  await c.query(`SET LOCAL bytea_output = 'hex'`);
}

// ---------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------

interface CatalogColumn extends BackupColumn {
  identityAlways: boolean;
}

/** Relations of one kind ('r' table, 'S' sequence) in schema public that no extension owns, by name. */
async function listRelations(c: pg.PoolClient, kind: 'r' | 'S'): Promise<string[]> {
  const { rows } = await c.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = $1
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY c.relname`, [kind]);
  return rows.map((r) => r.name);
}

/** Ordinary tables of schema public (not owned by an extension), parents before children. */
async function listTables(c: pg.PoolClient): Promise<string[]> {
  const tables = (await listRelations(c, 'r')).filter((n) => !EXCLUDED_TABLES.has(n));
  const { rows: edges } = await c.query<{ child: string; parent: string }>(`
    SELECT DISTINCT ch.relname AS child, pa.relname AS parent
    FROM pg_constraint k JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
    JOIN pg_namespace n1 ON n1.oid = ch.relnamespace JOIN pg_namespace n2 ON n2.oid = pa.relnamespace
    WHERE k.contype = 'f' AND n1.nspname = 'public' AND n2.nspname = 'public' AND ch.oid <> pa.oid`);
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) if (parents.has(e.child) && parents.has(e.parent)) parents.get(e.child)!.add(e.parent);
  // Kahn's algorithm; a cycle (none today) falls back to name order for the rest,
  // which is still correct because the load runs with foreign keys disabled.
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p)));
    const next = ready.length ? ready : tables.filter((t) => !placed.has(t)).slice(0, 1);
    for (const t of next) {
      placed.add(t);
      ordered.push(t);
    }
  }
  return ordered;
}

/** Stored (not generated) columns in order, with the type to cast the text form back to. */
async function listColumns(c: pg.PoolClient, table: string): Promise<CatalogColumn[]> {
  const { rows } = await c.query<{ name: string; type: string; is_bytea: boolean; identity: string }>(`
    SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.atttypid = 'bytea'::regtype AS is_bytea, a.attidentity AS identity
    FROM pg_attribute a
    WHERE a.attrelid = ('public.' || quote_ident($1))::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    ORDER BY a.attnum`, [table]);
  return rows.map((r) => ({ name: r.name, type: r.type, encoding: r.is_bytea ? 'base64' : 'text', identityAlways: r.identity === 'a' }));
}

function listSequences(c: pg.PoolClient): Promise<string[]> {
  return listRelations(c, 'S');
}

/** Sequences owned by a column (serial, bigserial, identity). */
async function listOwnedSequences(c: pg.PoolClient): Promise<Array<{ seq: string; tbl: string; col: string }>> {
  const { rows } = await c.query<{ seq: string; tbl: string; col: string }>(`
    SELECT s.relname AS seq, t.relname AS tbl, a.attname AS col
    FROM pg_depend d
    JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
    JOIN pg_namespace n ON n.oid = s.relnamespace AND n.nspname = 'public'
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    ORDER BY s.relname`);
  return rows;
}

// ---------------------------------------------------------------------------
// Backup
// ---------------------------------------------------------------------------

export interface BackupOptions {
  outDir: string;
  cipher: FieldCipher;
  auditAs: AuditAs;
  onProgress?: ProgressFn;
  batchSize?: number;
}

async function prepareOutDir(dir: string) {
  const existing = await fsp.readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new BackupError(`Cannot use ${dir}: ${e.message}`);
  });
  if (existing && existing.length) throw new BackupError(`Backup directory ${dir} is not empty; choose a new directory.`);
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Writes a consistent backup of the database into `outDir` (new or empty) and audits it. */
export async function createBackup(db: Db, opts: BackupOptions): Promise<BackupManifest> {
  const outDir = path.resolve(opts.outDir);
  await prepareOutDir(outDir);
  const batchSize = opts.batchSize ?? 5000;
  const written: string[] = [];
  const client = await db.pool.connect();
  let manifest: BackupManifest;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await setTextFormats(client);
    const migrations = (await client.query<MigrationFile>('SELECT name, checksum FROM schema_migration ORDER BY name')).rows;
    const server = (await client.query<{ v: string }>('SELECT version() AS v')).rows[0].v;
    const tableNames = await listTables(client);
    const totals = new Map<string, number>();
    for (const t of tableNames) totals.set(t, Number((await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quoteIdent(t)}`)).rows[0].n));
    const tables: BackupTable[] = [];
    for (const name of tableNames) {
      const columns = await listColumns(client, name);
      const file = `${name}.jsonl.gz`;
      const total = totals.get(name)!;
      const select = columns.map((col) => (col.encoding === 'base64' ? `translate(encode(${quoteIdent(col.name)}, 'base64'), E'\\n', '')` : `${quoteIdent(col.name)}::text`));
      await client.query(`DECLARE backup_cursor NO SCROLL CURSOR FOR SELECT ${select.join(', ')} FROM ${quoteIdent(name)}`);
      let rows = 0;
      opts.onProgress?.(name, 0, total);
      async function* lines() {
        for (;;) {
          const r = await client.query<unknown[]>({ text: `FETCH ${batchSize} FROM backup_cursor`, rowMode: 'array' });
          if (!r.rows.length) break;
          yield r.rows.map((row) => JSON.stringify(row) + '\n').join('');
          rows += r.rows.length;
          opts.onProgress?.(name, rows, total);
        }
      }
      const target = path.join(outDir, file);
      written.push(target);
      await pipeline(lines, zlib.createGzip(), fs.createWriteStream(target, { mode: 0o600 }));
      await client.query('CLOSE backup_cursor');
      if (rows !== total) throw new Error(`table ${name}: read ${rows} rows, counted ${total}`);
      tables.push({ name, file, rows, sha256: await sha256File(target), columns: columns.map(({ name: n, type, encoding }) => ({ name: n, type, encoding })) });
    }
    const sequences: BackupManifest['sequences'] = [];
    for (const s of await listSequences(client)) {
      const r = (await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text AS last_value, is_called FROM ${quoteIdent(s)}`)).rows[0];
      sequences.push({ name: s, lastValue: r.is_called ? r.last_value : null });
    }
    let auditHead: BackupManifest['auditHead'] = null;
    if (tableNames.includes('audit_head')) {
      const h = (await client.query<{ last_id: string; last_hash: string }>('SELECT last_id::text AS last_id, last_hash FROM audit_head')).rows[0];
      if (h) auditHead = { lastId: Number(h.last_id), lastHash: h.last_hash };
    }
    await client.query('COMMIT');
    manifest = {
      format: BACKUP_FORMAT, formatVersion: BACKUP_FORMAT_VERSION, createdAt: new Date().toISOString(), tool: toolInfo(), server,
      migrations, keyFingerprint: keyFingerprint(opts.cipher), tables, sequences, auditHead, auditKeyId: auditKeyId(),
    };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    for (const f of written) await fsp.rm(f, { force: true });
    throw e;
  } finally {
    client.release();
  }
  // the manifest is written last: a directory without one is an incomplete backup
  await fsp.writeFile(path.join(outDir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  await audit(db, opts.auditAs.ctx, {
    action: 'system.backup', objectType: 'backup', username: opts.auditAs.username ?? undefined,
    detail: { dir: outDir, tables: manifest.tables.length, rows: manifest.tables.reduce((s, t) => s + t.rows, 0), auditHeadId: manifest.auditHead?.lastId ?? null },
  });
  return manifest;
}

// ---------------------------------------------------------------------------
// Restore
// ---------------------------------------------------------------------------

export async function readManifest(dir: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(dir, MANIFEST), 'utf8');
  } catch {
    throw new BackupError(`${path.join(dir, MANIFEST)} not found: not a backup directory, or the backup did not finish.`);
  }
  let m: BackupManifest;
  try {
    m = JSON.parse(text) as BackupManifest;
  } catch {
    throw new BackupError(`${MANIFEST} is not valid JSON.`);
  }
  if (m.format !== BACKUP_FORMAT) throw new BackupError(`${MANIFEST} is not a ${BACKUP_FORMAT} manifest.`);
  if (m.formatVersion !== BACKUP_FORMAT_VERSION) throw new BackupError(`Backup format version ${m.formatVersion} is not supported by this version (expects ${BACKUP_FORMAT_VERSION}).`);
  return m;
}

export interface RestoreTarget {
  db: Db;
  databaseUrl: string;
  cipher: FieldCipher;
}

export interface RestoreOptions {
  fromDir: string;
  auditAs: AuditAs;
  onProgress?: ProgressFn;
  log?: (msg: string) => void;
  batchRows?: number;
}

export interface RestoreReport {
  ok: boolean;
  tables: Array<{ name: string; expected: number; actual: number }>;
  auditChain: VerifyResult;
  auditHead: { expected: BackupManifest['auditHead']; actual: BackupManifest['auditHead']; matches: boolean };
  /** migrations of this code newer than the backup, applied after the load */
  laterMigrations: string[];
  manifest: BackupManifest;
}

/** Refuses unless the migrations of the backup are a prefix of this code's (same names and checksums). */
function checkMigrations(manifest: BackupManifest, known: MigrationFile[]) {
  if (!manifest.migrations.length) throw new BackupError('The backup lists no migrations; it cannot be restored.');
  manifest.migrations.forEach((m, i) => {
    const k = known[i];
    if (!known.some((x) => x.name === m.name)) throw new BackupError(`The backup was made by a newer version: migration ${m.name} is unknown to this code. Upgrade the software first.`);
    if (!k || k.name !== m.name) throw new BackupError(`The backup's migrations do not match this code's (expected ${k?.name ?? 'none'} at position ${i + 1}, found ${m.name}).`);
    if (k.checksum !== m.checksum) throw new BackupError(`Migration ${m.name} of the backup differs from this code's (checksum mismatch).`);
  });
}

/** An empty database has no relations in schema public (an empty schema_migration is tolerated). */
async function assertEmpty(db: Db) {
  const rels = (await db.pool.query<{ name: string; kind: string }>(`
    SELECT c.relname AS name, c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY c.relname`)).rows;
  let others = rels.filter((r) => r.name !== 'schema_migration');
  if (rels.some((r) => r.name === 'schema_migration')) {
    const n = Number((await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM schema_migration')).rows[0].n);
    if (n > 0) others = rels;
  }
  if (others.length) {
    const sample = others.slice(0, 5).map((r) => r.name).join(', ');
    throw new BackupError(`The target database is not empty (${others.length} tables or other objects, e.g. ${sample}). Restore only into a newly created, empty database (with the embedded database: a new DATA_DIR).`);
  }
}

/** The load runs with triggers and foreign keys off; checked before anything is changed. */
async function assertCanDisableTriggers(db: Db) {
  const c = await db.pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
  } catch (e) {
    if ((e as { code?: string }).code === '42501') {
      await c.query('ROLLBACK');
      const role = (await c.query<{ r: string }>('SELECT current_user AS r')).rows[0].r;
      throw new BackupError(`Restore disables triggers during the load (SET session_replication_role), which ${role} may not do. ` +
        `Run the restore as a superuser (e.g. postgres), or first: GRANT SET ON PARAMETER session_replication_role TO ${role} (PostgreSQL 15+). Nothing was changed.`);
    }
    throw e;
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
    c.release();
  }
}

async function verifyFiles(dir: string, manifest: BackupManifest) {
  for (const t of manifest.tables) {
    const file = path.join(dir, t.file);
    if (path.dirname(file) !== path.resolve(dir)) throw new BackupError(`Bad file name in the manifest: ${t.file}`);
    const actual = await sha256File(file).catch(() => null);
    if (actual === null) throw new BackupError(`Backup file ${t.file} is missing.`);
    if (actual !== t.sha256) throw new BackupError(`Backup file ${t.file} is damaged (checksum mismatch).`);
  }
}

async function loadTable(c: pg.PoolClient, dir: string, t: BackupTable, target: CatalogColumn[], batchRows: number, onProgress?: ProgressFn): Promise<number> {
  const byName = new Map(target.map((col) => [col.name, col]));
  const names = t.columns.map((col) => col.name);
  const same = names.length === target.length && names.every((n) => byName.has(n));
  if (!same) throw new BackupError(`Table ${t.name}: the backup's columns (${names.join(', ')}) differ from the database's (${target.map((x) => x.name).join(', ')}).`);
  const overriding = target.some((col) => col.identityAlways) ? 'OVERRIDING SYSTEM VALUE' : '';
  const exprs = t.columns.map((col, i) => (col.encoding === 'base64' ? `decode(u.c${i}, 'base64')` : `u.c${i}::${byName.get(col.name)!.type}`));
  const text = `INSERT INTO ${quoteIdent(t.name)} (${names.map(quoteIdent).join(', ')}) ${overriding}
    SELECT ${exprs.join(', ')} FROM unnest(${names.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${names.map((_, i) => `c${i}`).join(', ')})`;
  let loaded = 0;
  let cols: Array<Array<string | null>> = names.map(() => []);
  let pending = 0;
  let bytes = 0;
  const flush = async () => {
    if (!pending) return;
    await c.query(text, cols);
    loaded += pending;
    onProgress?.(t.name, loaded, t.rows);
    cols = names.map(() => []);
    pending = 0;
    bytes = 0;
  };
  onProgress?.(t.name, 0, t.rows);
  const rl = readline.createInterface({ input: fs.createReadStream(path.join(dir, t.file)).pipe(zlib.createGunzip()), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    const row = JSON.parse(line) as Array<string | null>;
    if (!Array.isArray(row) || row.length !== names.length) throw new BackupError(`Table ${t.name}: a row has ${Array.isArray(row) ? row.length : 0} values, expected ${names.length}.`);
    row.forEach((v, i) => cols[i].push(v));
    pending++;
    bytes += line.length;
    if (pending >= batchRows || bytes > 8_000_000) await flush();
  }
  await flush();
  return loaded;
}

/** Restores a backup into an empty database, then verifies it; audits the restore. */
export async function restoreBackup(target: RestoreTarget, opts: RestoreOptions): Promise<RestoreReport> {
  const dir = path.resolve(opts.fromDir);
  const log = opts.log ?? (() => undefined);
  const manifest = await readManifest(dir);
  const known = await listMigrations();
  checkMigrations(manifest, known);
  if (manifest.keyFingerprint !== keyFingerprint(target.cipher)) {
    throw new BackupError(
      'The data encryption key differs from the one in use when the backup was taken, so encrypted fields (ID numbers, phones) could not be read. ' +
        'Set DATA_ENCRYPTION_KEY to the original key (for an embedded installation: dataEncryptionKey in the original DATA_DIR/secrets.json) and retry.',
    );
  }
  if (manifest.auditKeyId && manifest.auditKeyId !== auditKeyId()) {
    throw new BackupError(
      'The audit HMAC key differs from the one in use when the backup was taken, so the audit chain could not be verified. ' +
        'Set AUDIT_HMAC_KEY to the original key (for an embedded installation: auditHmacKey in the original DATA_DIR/secrets.json) and retry.',
    );
  }
  await verifyFiles(dir, manifest);
  await assertEmpty(target.db);
  await assertCanDisableTriggers(target.db);

  const upTo = manifest.migrations[manifest.migrations.length - 1].name;
  const applied = await migrate(target.databaseUrl, log, { upTo });
  log(`schema created: ${applied.join(', ')}`);

  const c = await target.db.pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    await setTextFormats(c);
    const present = await listTables(c);
    const missing = manifest.tables.map((t) => t.name).filter((n) => !present.includes(n));
    const extra = present.filter((n) => !manifest.tables.some((t) => t.name === n));
    if (missing.length || extra.length) throw new BackupError(`The schema does not match the backup (missing: ${missing.join(', ') || 'none'}; not in the backup: ${extra.join(', ') || 'none'}).`);
    // rows inserted by the migrations themselves (e.g. rule versions) are in the backup too
    if (present.length) await c.query(`TRUNCATE ${present.map(quoteIdent).join(', ')}`);
    for (const t of manifest.tables) {
      const n = await loadTable(c, dir, t, await listColumns(c, t.name), opts.batchRows ?? 2000, opts.onProgress);
      if (n !== t.rows) throw new BackupError(`Table ${t.name}: loaded ${n} rows, the manifest lists ${t.rows}.`);
    }
    const seqs = new Set(await listSequences(c));
    for (const s of manifest.sequences) {
      if (!seqs.has(s.name)) continue;
      if (s.lastValue === null) await c.query(`SELECT setval($1::regclass, (SELECT start_value FROM pg_sequences WHERE schemaname = 'public' AND sequencename = $2), false)`, [quoteIdent(s.name), s.name]);
      else await c.query('SELECT setval($1::regclass, $2::bigint, true)', [quoteIdent(s.name), s.lastValue]);
    }
    // never behind the data: serial and identity columns continue after max(column)
    for (const o of await listOwnedSequences(c)) {
      await c.query(`SELECT setval($1::regclass, m, true) FROM (SELECT max(${quoteIdent(o.col)})::bigint AS m FROM ${quoteIdent(o.tbl)}) x
        WHERE m IS NOT NULL AND m >= (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM ${quoteIdent(o.seq)})`, [quoteIdent(o.seq)]);
    }
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    const reason = e instanceof BackupError ? e.message : `Loading failed: ${(e as Error).message}.`;
    throw new BackupError(`${reason} Nothing was loaded; the database now holds only the schema: drop and re-create it before retrying.`, { cause: e });
  } finally {
    c.release();
  }
  await target.db.pool.query('ANALYZE');

  // verification against the manifest
  const tables: RestoreReport['tables'] = [];
  for (const t of manifest.tables) {
    const n = Number((await target.db.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quoteIdent(t.name)}`)).rows[0].n);
    tables.push({ name: t.name, expected: t.rows, actual: n });
  }
  const auditChain = manifest.tables.some((t) => t.name === 'audit_log') ? await verifyAuditChain(target.db)
    : { ok: true, checked: 0, firstBrokenId: null, reason: null, problems: [], problemCount: 0, keyedFrom: null, checkpoints: null };
  let actualHead: BackupManifest['auditHead'] = null;
  if (manifest.tables.some((t) => t.name === 'audit_head')) {
    const h = (await target.db.pool.query<{ last_id: string; last_hash: string }>('SELECT last_id::text AS last_id, last_hash FROM audit_head')).rows[0];
    if (h) actualHead = { lastId: Number(h.last_id), lastHash: h.last_hash };
  }
  const headMatches = JSON.stringify(actualHead) === JSON.stringify(manifest.auditHead);
  const ok = tables.every((t) => t.expected === t.actual) && auditChain.ok && headMatches;
  await audit(target.db, opts.auditAs.ctx, {
    action: 'system.restore', objectType: 'backup', outcome: ok ? 'success' : 'failure', username: opts.auditAs.username ?? undefined,
    detail: { from: dir, backupCreatedAt: manifest.createdAt, tables: tables.length, rows: tables.reduce((s, t) => s + t.actual, 0), auditChainOk: auditChain.ok, auditHeadMatches: headMatches },
  });
  // a backup of an older release: bring the schema up to this code's
  const laterMigrations = await migrate(target.databaseUrl, log);
  return { ok, tables, auditChain, auditHead: { expected: manifest.auditHead, actual: actualHead, matches: headMatches }, laterMigrations, manifest };
}
