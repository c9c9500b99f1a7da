import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Db, Queryable } from './db';
import { sql } from './sql';
import { rolesLabel, type RequestContext } from './actor';

// Append-only, hash-chained audit log. Each row's hash covers the previous
// row's hash and the row's own canonical content; audit_head anchors the
// last row so that truncation of the tail is detected as well.
//
// Rows from audit_head.keyed_from on are hashed with HMAC-SHA256 under
// AUDIT_HMAC_KEY, a key the database does not hold (rows written before
// migration 0012 keep their plain SHA-256 hashes). Signed checkpoints of the
// head are appended to a file outside the database (AUDIT_ANCHOR_DIR) by a
// scheduled job and at shutdown; the verifier checks the chain against them,
// so that a truncated tail or a re-hashed chain is found even when the
// attacker can write to the database.
//
// What is hashed is exactly what PostgreSQL stores: strings are made
// well-formed (a lone surrogate becomes U+FFFD, as the driver's UTF-8
// encoding does) and NUL, which text and jsonb refuse, becomes U+FFFD too.

export interface AuditEntry {
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  outcome?: 'success' | 'denied' | 'failure';
  orgId?: string | null;
  detail?: Record<string, unknown>;
  // for events without a session (login attempts)
  username?: string | null;
  accountId?: string | null;
}

const GENESIS = '0'.repeat(64);
const AUDIT_LOCK = 727275;
const CHECKPOINT_FILE = 'audit-checkpoints.jsonl';

// ---------------------------------------------------------------------------
// The key (process configuration, set once at start by the runtime)
// ---------------------------------------------------------------------------

interface AuditKeys {
  row: Buffer;
  checkpoint: Buffer;
  id: string;
}

let keys: AuditKeys | null = null;

/** Sets the audit HMAC key (32 bytes, base64) for this process: row hashes and checkpoint signatures derive from it. */
export function setAuditKey(base64Key: string): void {
  const master = Buffer.from(base64Key, 'base64');
  if (master.length !== 32) throw new Error('audit HMAC key must be 32 bytes');
  const derive = (info: string) => Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  keys = { row: derive('dangjian/audit-row/v1'), checkpoint: derive('dangjian/audit-checkpoint/v1'), id: derive('dangjian/audit-key-id/v1').toString('hex').slice(0, 16) };
}

function requireKeys(): AuditKeys {
  if (!keys) throw new Error('the audit HMAC key is not configured (AUDIT_HMAC_KEY)');
  return keys;
}

/** A short identifier of the audit key (equal for equal keys, reveals nothing about the key). */
export function auditKeyId(): string {
  return requireKeys().id;
}

// ---------------------------------------------------------------------------
// Canonical content and hashes
// ---------------------------------------------------------------------------

/** The string as PostgreSQL stores it: well-formed UTF-16 (lone surrogates → U+FFFD) and no NUL. */
export function storableText(s: string): string {
  return (s as string & { toWellFormed(): string }).toWellFormed().replaceAll('\u0000', '\uFFFD');
}

function storableJson(v: unknown): unknown {
  if (typeof v === 'string') return storableText(v);
  if (Array.isArray(v)) return v.map(storableJson);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [storableText(k), storableJson(x)]));
  return v;
}

const text = (s: string | null | undefined) => (s == null ? null : storableText(s));

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value as Record<string, unknown>).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export interface AuditRow {
  id: number;
  at: string;
  account_id: string | null;
  username: string | null;
  roles: string | null;
  org_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  outcome: string;
  ip: string | null;
  request_id: string | null;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

type RowContent = Omit<AuditRow, 'hash' | 'prev_hash'>;

function rowContent(r: RowContent): string {
  return canonical([r.id, r.at, r.account_id, r.username, r.roles, r.org_id, r.action, r.object_type, r.object_id, r.outcome, r.ip, r.request_id, r.detail]);
}

/** The plain scheme of the rows written before migration 0012 (and of a database without it). */
export function hashAuditRow(prevHash: string, r: RowContent): string {
  return crypto.createHash('sha256').update(prevHash).update('|').update(rowContent(r)).digest('hex');
}

/** The keyed scheme: HMAC-SHA256 under the audit key, over the same input. */
export function hashAuditRowKeyed(prevHash: string, r: RowContent): string {
  return crypto.createHmac('sha256', requireKeys().row).update(prevHash).update('|').update(rowContent(r)).digest('hex');
}

interface Head {
  last_id: number;
  last_hash: string;
  /** null on a schema before migration 0012: every row is plain */
  keyed_from: number | null;
}

// to_jsonb: also readable on a schema before 0012 (a restore verifies before later migrations)
async function readHead(q: Queryable): Promise<Head | null> {
  return q.maybeOne<Head>(sql`SELECT h.last_id, h.last_hash, (to_jsonb(h) ->> 'keyed_from')::bigint AS keyed_from FROM audit_head h`);
}

const isKeyed = (head: Head | null, id: number) => head?.keyed_from != null && id >= head.keyed_from;

async function appendInTx(t: Queryable, ctx: RequestContext, e: AuditEntry) {
  await t.exec(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const head = await readHead(t);
  const prevHash = head?.last_hash ?? GENESIS;
  const row: RowContent = {
    id: (head?.last_id ?? 0) + 1,
    at: new Date().toISOString(), // milliseconds: timestamptz keeps them exactly and they are read back the same
    account_id: e.accountId ?? ctx.actor?.accountId ?? null,
    username: text(e.username ?? ctx.actor?.username ?? null),
    roles: text(rolesLabel(ctx.actor)),
    org_id: e.orgId ?? null,
    action: storableText(e.action),
    object_type: text(e.objectType),
    object_id: text(e.objectId),
    outcome: e.outcome ?? 'success',
    ip: text(ctx.ip),
    request_id: text(ctx.requestId),
    detail: storableJson(JSON.parse(JSON.stringify(e.detail ?? {}))) as Record<string, unknown>,
  };
  const hash = isKeyed(head, row.id) ? hashAuditRowKeyed(prevHash, row) : hashAuditRow(prevHash, row);
  await t.exec(sql`INSERT INTO audit_log (id, at, account_id, username, roles, org_id, action, object_type, object_id, outcome, ip, request_id, detail, prev_hash, hash)
    VALUES (${row.id}, ${row.at}, ${row.account_id}, ${row.username}, ${row.roles}, ${row.org_id}, ${row.action}, ${row.object_type}, ${row.object_id},
            ${row.outcome}, ${row.ip}, ${row.request_id}, ${JSON.stringify(row.detail)}::jsonb, ${prevHash}, ${hash})`);
  if (head) await t.exec(sql`UPDATE audit_head SET last_id = ${row.id}, last_hash = ${hash}`);
  else await t.exec(sql`INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (true, ${row.id}, ${hash})`);
}

/** Appends inside the caller's transaction (data changes) … */
export async function auditInTx(t: Queryable, ctx: RequestContext, e: AuditEntry): Promise<void> {
  await appendInTx(t, ctx, e);
}

/** … or in a transaction of its own (logins, denials, reads). */
export async function audit(db: Db, ctx: RequestContext, e: AuditEntry): Promise<void> {
  await db.tx((t) => appendInTx(t, ctx, e));
}

// ---------------------------------------------------------------------------
// Checkpoints outside the database
// ---------------------------------------------------------------------------

export interface AuditCheckpoint {
  id: number;
  hash: string;
  keyedFrom: number | null;
  at: string;
  keyId: string;
  sig: string;
}

function signCheckpoint(c: Omit<AuditCheckpoint, 'sig'>): string {
  return crypto.createHmac('sha256', requireKeys().checkpoint).update(canonical({ id: c.id, hash: c.hash, keyedFrom: c.keyedFrom, at: c.at, keyId: c.keyId })).digest('hex');
}

export function checkpointFile(anchorDir: string): string {
  return path.join(anchorDir, CHECKPOINT_FILE);
}

/** The last complete line of the checkpoint file (read from its end), or null. */
async function lastCheckpoint(file: string): Promise<AuditCheckpoint | null> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, 8192);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n').filter((l) => l.trim());
    try {
      return lines.length ? (JSON.parse(lines[lines.length - 1]) as AuditCheckpoint) : null;
    } catch {
      return null;
    }
  } finally {
    await fh.close();
  }
}

/**
 * Appends a signed checkpoint of the current head to AUDIT_ANCHOR_DIR (an
 * append-only JSON-lines file), unless the head has not moved since the last
 * one. Returns the checkpoint written, or null.
 */
export async function writeAuditCheckpoint(db: Db, anchorDir: string, opts: { evenIfUnchanged?: boolean } = {}): Promise<AuditCheckpoint | null> {
  const head = await readHead(db);
  if (!head || head.last_id === 0) return null;
  const file = checkpointFile(anchorDir);
  const last = await lastCheckpoint(file);
  // the periodic job skips an unchanged head; a clean shutdown always leaves its line
  if (!opts.evenIfUnchanged && last && last.id === head.last_id && last.hash === head.last_hash && last.keyedFrom === head.keyed_from) return null;
  const body = { id: head.last_id, hash: head.last_hash, keyedFrom: head.keyed_from, at: new Date().toISOString(), keyId: auditKeyId() };
  const cp: AuditCheckpoint = { ...body, sig: signCheckpoint(body) };
  await fsp.mkdir(anchorDir, { recursive: true, mode: 0o700 });
  const fh = await fsp.open(file, 'a', 0o600);
  try {
    // a line cut off by a crash is ended first, so that the new one stays readable
    const { size } = await fh.stat();
    let sep = '';
    if (size > 0) {
      const b = Buffer.alloc(1);
      const r = await fsp.open(file, 'r');
      await r.read(b, 0, 1, size - 1).finally(() => r.close());
      if (b[0] !== 0x0a) sep = '\n';
    }
    await fh.write(`${sep}${JSON.stringify(cp)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return cp;
}

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

export type AuditProblemKind = 'missing' | 'relinked' | 'modified' | 'truncated' | 'head' | 'checkpoint' | 'checkpoint_invalid' | 'scheme';

export interface AuditProblem {
  /** the first row concerned */
  id: number;
  kind: AuditProblemKind;
  reason: string;
}

export interface VerifyResult {
  ok: boolean;
  /** rows read and checked */
  checked: number;
  /** the first problem's row and reason (null when ok) */
  firstBrokenId: number | null;
  reason: string | null;
  /** every problem found, in row order, up to the limit */
  problems: AuditProblem[];
  /** how many problems were found in all */
  problemCount: number;
  /** first row of the keyed scheme (null: every row is plain) */
  keyedFrom: number | null;
  /** checkpoints outside the database that were compared (null when none were read) */
  checkpoints: { checked: number; latestId: number | null; latestAt: string | null } | null;
}

export interface VerifyOptions {
  /** where the signed checkpoints are; without it only the chain and audit_head are checked */
  anchorDir?: string | null;
  /** at most this many problems are listed (all are counted) */
  limit?: number;
  batch?: number;
}

const fmtAt = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

async function readCheckpoints(anchorDir: string, report: (p: AuditProblem) => void): Promise<AuditCheckpoint[]> {
  let content: string;
  try {
    content = await fsp.readFile(checkpointFile(anchorDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const valid: AuditCheckpoint[] = [];
  const k = requireKeys();
  content.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let cp: AuditCheckpoint;
    try {
      cp = JSON.parse(line) as AuditCheckpoint;
    } catch {
      report({ id: 0, kind: 'checkpoint_invalid', reason: `检查点文件第 ${i + 1} 行无法解析` });
      return;
    }
    if (!Number.isSafeInteger(cp.id) || typeof cp.hash !== 'string' || typeof cp.sig !== 'string') {
      report({ id: 0, kind: 'checkpoint_invalid', reason: `检查点文件第 ${i + 1} 行格式不正确` });
      return;
    }
    const expected = Buffer.from(signCheckpoint(cp), 'hex');
    const actual = Buffer.from(cp.sig, 'hex');
    if (actual.length !== expected.length || !crypto.timingSafeEqual(actual, expected)) {
      report({
        id: cp.id, kind: 'checkpoint_invalid',
        reason: cp.keyId && cp.keyId !== k.id ? `检查点文件第 ${i + 1} 行由其他审计密钥签名（密钥标识 ${String(cp.keyId)}）` : `检查点文件第 ${i + 1} 行签名无效（检查点被伪造或改动）`,
      });
      return;
    }
    valid.push(cp);
  });
  return valid;
}

/**
 * Recomputes the whole chain in id order and reports every row that does not
 * fit (a modified row is reported and the chain continues from its stored
 * hash; missing ids are reported), then compares audit_head and the signed
 * checkpoints outside the database (a checkpoint beyond the last row: the tail
 * was cut off; a checkpoint whose hash differs from its row: the chain was
 * rewritten and re-hashed).
 */
export async function verifyAuditChain(db: Db, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const limit = opts.limit ?? 100;
  const batch = opts.batch ?? 5000;
  const listed: AuditProblem[] = [];
  let problemCount = 0;
  const report = (p: AuditProblem) => {
    problemCount++;
    if (listed.length < limit) listed.push(p);
  };
  const head = await readHead(db);
  const keyedFrom = head?.keyed_from ?? null;
  if (keyedFrom !== null) requireKeys();
  const checkpoints = opts.anchorDir ? await readCheckpoints(opts.anchorDir, report) : null;
  const byId = new Map<number, AuditCheckpoint[]>();
  for (const cp of checkpoints ?? []) byId.set(cp.id, [...(byId.get(cp.id) ?? []), cp]);

  let prevHash = GENESIS;
  let expectedId = 1;
  let checked = 0;
  for (;;) {
    const rows = await db.query<AuditRow>(sql`SELECT * FROM audit_log WHERE id >= ${expectedId} ORDER BY id LIMIT ${batch}`);
    for (const r of rows) {
      const gap = r.id > expectedId;
      if (gap) report({ id: expectedId, kind: 'missing', reason: r.id - 1 === expectedId ? `第 ${expectedId} 条记录缺失` : `第 ${expectedId}–${r.id - 1} 条记录缺失` });
      else if (r.prev_hash !== prevHash) report({ id: r.id, kind: 'relinked', reason: `第 ${r.id} 条记录的前序哈希不符（前一条被修改、替换或删除）` });
      const { hash, prev_hash: storedPrev, ...content } = r;
      const expected = isKeyed(head, r.id) ? hashAuditRowKeyed(storedPrev, content) : hashAuditRow(storedPrev, content);
      if (expected !== hash) report({ id: r.id, kind: 'modified', reason: `第 ${r.id} 条记录内容被修改` });
      for (const cp of byId.get(r.id) ?? []) {
        if (cp.hash !== hash) report({ id: r.id, kind: 'checkpoint', reason: `第 ${r.id} 条记录与 ${fmtAt(cp.at)} 的签名检查点不符（此前的记录被改写并重新计算了哈希）` });
      }
      prevHash = hash;
      expectedId = r.id + 1;
      checked++;
    }
    if (rows.length < batch) break;
  }
  const lastId = expectedId - 1;

  if (head && head.last_id > lastId) {
    report({ id: lastId + 1, kind: 'truncated', reason: `日志在第 ${lastId} 条之后被截断（audit_head 记录应有 ${head.last_id} 条）` });
  } else if (head && head.last_id < lastId) {
    report({ id: head.last_id + 1, kind: 'head', reason: `audit_head 停在第 ${head.last_id} 条，之后另有 ${lastId - head.last_id} 条记录（绕过了正常写入）` });
  } else if (head && head.last_hash !== prevHash) {
    report({ id: lastId, kind: 'head', reason: `audit_head 的哈希与第 ${lastId} 条记录不符` });
  } else if (!head && lastId > 0) {
    report({ id: lastId, kind: 'head', reason: 'audit_head 缺失' });
  }
  if (checkpoints?.length) {
    const beyond = checkpoints.filter((cp) => cp.id > lastId).sort((a, b) => b.id - a.id)[0];
    if (beyond) report({ id: lastId + 1, kind: 'truncated', reason: `日志在第 ${lastId} 条之后被截断：${fmtAt(beyond.at)} 的签名检查点记录到第 ${beyond.id} 条` });
    const moved = checkpoints.find((cp) => (cp.keyedFrom ?? null) !== keyedFrom);
    if (moved) {
      report({
        id: Math.min(moved.keyedFrom ?? Infinity, keyedFrom ?? Infinity, lastId + 1),
        kind: 'scheme',
        reason: `密钥哈希的起点被改动：签名检查点记录为第 ${moved.keyedFrom ?? '—'} 条起，数据库中为第 ${keyedFrom ?? '—'} 条起`,
      });
    }
  }

  const problems = listed.sort((a, b) => a.id - b.id);
  const latest = checkpoints?.length ? checkpoints.reduce((a, b) => (b.id >= a.id ? b : a)) : null;
  return {
    ok: problemCount === 0,
    checked,
    firstBrokenId: problems[0]?.id ?? null,
    reason: problems[0]?.reason ?? null,
    problems,
    problemCount,
    keyedFrom,
    checkpoints: checkpoints ? { checked: checkpoints.length, latestId: latest?.id ?? null, latestAt: latest?.at ?? null } : null,
  };
}
