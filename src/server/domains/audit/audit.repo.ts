import type { Queryable } from '../../platform/db';
import { sql, and, type Sql } from '../../platform/sql';
import type { AuditRow } from '../../platform/audit';

export async function listAudit(q: Queryable, f: { page: number; pageSize: number; action?: string; username?: string; outcome?: string; from?: string; to?: string }) {
  const parts: Sql[] = [];
  if (f.action) parts.push(sql`action LIKE ${f.action.replace(/[%_\\]/g, '\\$&') + '%'}`);
  if (f.username) parts.push(sql`lower(username) = lower(${f.username})`);
  if (f.outcome) parts.push(sql`outcome = ${f.outcome}`);
  if (f.from && /^\d{4}-\d{2}-\d{2}$/.test(f.from)) parts.push(sql`at >= (${f.from}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`);
  if (f.to && /^\d{4}-\d{2}-\d{2}$/.test(f.to)) parts.push(sql`at < ((${f.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`);
  const where = and(parts);
  const [rows, count] = await Promise.all([
    q.query<AuditRow>(sql`SELECT * FROM audit_log WHERE ${where} ORDER BY id DESC LIMIT ${f.pageSize} OFFSET ${(f.page - 1) * f.pageSize}`),
    q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE ${where}`),
  ]);
  return { rows, total: count.n };
}
