import crypto from 'node:crypto';
import type { Db, Queryable } from './db';
import { sql } from './sql';
import { rolesLabel, type RequestContext } from './actor';

// Append-only, hash-chained audit log. Each row's hash covers the previous
// row's hash and the row's own canonical content; audit_head anchors the
// last row so that truncation of the tail is detected as well.

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

export function hashAuditRow(prevHash: string, r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  const content = canonical([r.id, r.at, r.account_id, r.username, r.roles, r.org_id, r.action, r.object_type, r.object_id, r.outcome, r.ip, r.request_id, r.detail]);
  return crypto.createHash('sha256').update(prevHash).update('|').update(content).digest('hex');
}

async function appendInTx(t: Queryable, ctx: RequestContext, e: AuditEntry) {
  await t.exec(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const head = await t.maybeOne<{ last_id: number; last_hash: string }>(sql`SELECT last_id, last_hash FROM audit_head`);
  const prevHash = head?.last_hash ?? GENESIS;
  const row = {
    id: (head?.last_id ?? 0) + 1,
    at: new Date().toISOString(),
    account_id: e.accountId ?? ctx.actor?.accountId ?? null,
    username: e.username ?? ctx.actor?.username ?? null,
    roles: rolesLabel(ctx.actor),
    org_id: e.orgId ?? null,
    action: e.action,
    object_type: e.objectType ?? null,
    object_id: e.objectId ?? null,
    outcome: e.outcome ?? 'success',
    ip: ctx.ip,
    request_id: ctx.requestId,
    detail: JSON.parse(JSON.stringify(e.detail ?? {})) as Record<string, unknown>,
  };
  const hash = hashAuditRow(prevHash, row);
  await t.exec(sql`INSERT INTO audit_log (id, at, account_id, username, roles, org_id, action, object_type, object_id, outcome, ip, request_id, detail, prev_hash, hash)
    VALUES (${row.id}, ${row.at}, ${row.account_id}, ${row.username}, ${row.roles}, ${row.org_id}, ${row.action}, ${row.object_type}, ${row.object_id},
            ${row.outcome}, ${row.ip}, ${row.request_id}, ${JSON.stringify(row.detail)}::jsonb, ${prevHash}, ${hash})`);
  await t.exec(sql`INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (true, ${row.id}, ${hash})
    ON CONFLICT (singleton) DO UPDATE SET last_id = EXCLUDED.last_id, last_hash = EXCLUDED.last_hash`);
}

/** Appends inside the caller's transaction (data changes) … */
export async function auditInTx(t: Queryable, ctx: RequestContext, e: AuditEntry): Promise<void> {
  await appendInTx(t, ctx, e);
}

/** … or in a transaction of its own (logins, denials, reads). */
export async function audit(db: Db, ctx: RequestContext, e: AuditEntry): Promise<void> {
  await db.tx((t) => appendInTx(t, ctx, e));
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenId: number | null;
  reason: string | null;
}

/** Recomputes the chain in id order; reports the first row that does not fit. */
export async function verifyAuditChain(db: Db, batch = 5000): Promise<VerifyResult> {
  let prevHash = GENESIS;
  let expectedId = 1;
  let checked = 0;
  for (;;) {
    const rows = await db.query<AuditRow>(sql`SELECT * FROM audit_log WHERE id >= ${expectedId} ORDER BY id LIMIT ${batch}`);
    for (const r of rows) {
      if (r.id !== expectedId) return { ok: false, checked, firstBrokenId: expectedId, reason: `第 ${expectedId} 条记录缺失` };
      if (r.prev_hash !== prevHash) return { ok: false, checked, firstBrokenId: r.id, reason: `第 ${r.id} 条记录的前序哈希不符（前一条被修改或删除）` };
      const { hash, prev_hash: _p, ...content } = r;
      if (hashAuditRow(prevHash, content) !== hash) return { ok: false, checked, firstBrokenId: r.id, reason: `第 ${r.id} 条记录内容被修改` };
      prevHash = hash;
      expectedId++;
      checked++;
    }
    if (rows.length < batch) break;
  }
  const head = await db.maybeOne<{ last_id: number; last_hash: string }>(sql`SELECT last_id, last_hash FROM audit_head`);
  if (head && (head.last_id !== expectedId - 1 || head.last_hash !== prevHash)) {
    return { ok: false, checked, firstBrokenId: expectedId, reason: `日志在第 ${expectedId - 1} 条之后被截断（应有 ${head.last_id} 条）` };
  }
  return { ok: true, checked, firstBrokenId: null, reason: null };
}
