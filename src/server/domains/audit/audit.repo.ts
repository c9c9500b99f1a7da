import type { Queryable } from '../../platform/db';
import { sql, and, type Sql } from '../../platform/sql';
import type { AuditRow } from '../../platform/audit';

const UUID = sql`a.object_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;

/**
 * The name of the object an entry is about, so that the auditor reads 张三 or
 * 城关镇第一党支部 instead of a bare id (the auditor reviews who did what to
 * whom; names only, never ID numbers or phones). Null when the type has none.
 */
const OBJECT_NAME = sql`CASE
  WHEN a.object_type = 'work_calendar' THEN a.object_id || '年'
  WHEN NOT (${UUID}) THEN NULL
  WHEN a.object_type = 'person' THEN (SELECT p.name FROM person p WHERE p.id = a.object_id::uuid)
  WHEN a.object_type = 'dev_file' THEN (SELECT p.name FROM dev_file f JOIN person p ON p.id = f.person_id WHERE f.id = a.object_id::uuid)
  WHEN a.object_type = 'dues_bill' THEN (SELECT p.name || ' ' || to_char(b.month, 'YYYY-MM') || '月' FROM dues_bill b JOIN person p ON p.id = b.person_id WHERE b.id = a.object_id::uuid)
  WHEN a.object_type = 'dues_reduction' THEN (SELECT p.name FROM dues_reduction r JOIN person p ON p.id = r.person_id WHERE r.id = a.object_id::uuid)
  WHEN a.object_type = 'payment_order' THEN (SELECT p.name || ' 订单 ' || o.out_trade_no FROM payment_order o JOIN person p ON p.id = o.person_id WHERE o.id = a.object_id::uuid)
  WHEN a.object_type = 'org' THEN (SELECT o.name FROM org o WHERE o.id = a.object_id::uuid)
  WHEN a.object_type = 'account' THEN (SELECT c.display_name || '（' || c.username || '）' FROM account c WHERE c.id = a.object_id::uuid)
  WHEN a.object_type = 'file' THEN (SELECT s.file_name FROM stored_file s WHERE s.id = a.object_id::uuid)
END`;

export async function listAudit(q: Queryable, f: { page: number; pageSize: number; action?: string; username?: string; outcome?: string; from?: string; to?: string }) {
  const parts: Sql[] = [];
  if (f.action) parts.push(sql`a.action LIKE ${f.action.replace(/[%_\\]/g, '\\$&') + '%'}`);
  if (f.username) parts.push(sql`lower(a.username) = lower(${f.username})`);
  if (f.outcome) parts.push(sql`a.outcome = ${f.outcome}`);
  if (f.from && /^\d{4}-\d{2}-\d{2}$/.test(f.from)) parts.push(sql`a.at >= (${f.from}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`);
  if (f.to && /^\d{4}-\d{2}-\d{2}$/.test(f.to)) parts.push(sql`a.at < ((${f.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`);
  const where = and(parts);
  const [rows, count] = await Promise.all([
    q.query<AuditRow & { object_name: string | null }>(sql`SELECT a.*, ${OBJECT_NAME} AS object_name FROM audit_log a WHERE ${where} ORDER BY a.id DESC LIMIT ${f.pageSize} OFFSET ${(f.page - 1) * f.pageSize}`),
    q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log a WHERE ${where}`),
  ]);
  return { rows, total: count.n };
}
