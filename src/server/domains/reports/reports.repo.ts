import type { Queryable } from '../../platform/db';
import { and, join, sql, type Sql } from '../../platform/sql';
import { atPeriod, type ReportMeasureSource, type ReportPeriod, type ReportRollupSource, type ReportSubjectSource } from '../../platform/report-subjects';

// The report builder's query: a subject's rows in an org's subtree and the
// viewer's scope, grouped by one or two dimensions, with the chosen
// aggregates (a rate as its numerator and denominator). The 下级组织
// dimension maps each org of the subtree to the chosen org's child once, in
// a subquery kept apart (OFFSET 0), as the drill-down does.

export interface GroupedRow {
  r: string | null;
  c: string | null;
  /** per measure: [value] or, for a rate, [numerator, denominator] */
  m: number[][];
}

export async function runGrouped(
  q: Queryable,
  s: ReportSubjectSource,
  o: { path: string; scope: Sql; period: ReportPeriod; rows: string; cols?: string; measures: ReportMeasureSource[]; filters: Record<string, string[]> },
): Promise<GroupedRow[]> {
  const level = o.path.split('.').length;
  const orgs = sql`(SELECT o.id, o.path, CASE WHEN nlevel(o.path) > ${level} THEN subpath(o.path, 0, ${level + 1})::text ELSE 'self' END AS child
    FROM org o WHERE o.path <@ ${o.path}::ltree AND ${o.scope} OFFSET 0) o`;
  const key = (d: string | undefined) => (d === undefined ? sql`NULL::text` : d === 'org' ? sql`o.child` : sql`(${s.dimensions.find((x) => x.key === d)!.expr(o.period)})::text`);
  const filters = Object.entries(o.filters)
    .filter(([, values]) => values.length > 0)
    .map(([d, values]) => sql`${key(d)} = ANY(${values}::text[])`);
  const aggregates = o.measures.map((m) =>
    m.denominator
      ? sql`json_build_array((${atPeriod(m.expr, o.period)})::float8, (${atPeriod(m.denominator, o.period)})::float8)`
      : sql`json_build_array((${atPeriod(m.expr, o.period)})::float8)`,
  );
  return q.query<GroupedRow>(sql`
    SELECT ${key(o.rows)} AS r, ${key(o.cols)} AS c, json_build_array(${join(aggregates)}) AS m
    FROM ${s.from(orgs, o.period)}
    WHERE ${and([s.where(o.period), ...filters])}
    GROUP BY 1, 2`);
}

/**
 * The same grouping read from a subject's rollup (kept per org for its whole
 * subtree): the org's own row (r = '__total') and, for 下级组织, each child's
 * row by its path; the service takes the org's own members as the total less
 * the children.
 */
export function rollupGrouped(q: Queryable, s: ReportRollupSource, o: { orgId: string; period: ReportPeriod; rows: string; cols?: string; measures: string[] }): Promise<GroupedRow[]> {
  const byOrg = o.rows === 'org' || o.cols === 'org';
  const key = (d: string | undefined) =>
    d === undefined ? sql`NULL::text` : d === 'org' ? sql`CASE WHEN o.id = ${o.orgId}::uuid THEN '__total' ELSE o.path::text END` : sql`(${s.dimensions[d](o.period)})::text`;
  const aggregates = o.measures.map((k) => {
    const m = s.measures[k];
    return m.denominator ? sql`json_build_array((${m.expr})::float8, (${m.denominator})::float8)` : sql`json_build_array((${m.expr})::float8)`;
  });
  const orgs = byOrg ? sql`(o.id = ${o.orgId}::uuid OR o.parent_id = ${o.orgId}::uuid)` : sql`o.id = ${o.orgId}::uuid`;
  return q.query<GroupedRow>(sql`
    SELECT ${key(o.rows)} AS r, ${key(o.cols)} AS c, json_build_array(${join(aggregates)}) AS m
    FROM ${s.from}
    WHERE ${and([orgs, s.where(o.period)])}
    GROUP BY 1, 2`);
}

/** The chosen org's children in the scope (a condition on `o`), for the 下级组织 dimension. */
export function childOrgs(q: Queryable, orgId: string, scope: Sql) {
  return q.query<{ id: string; path: string; name: string }>(sql`SELECT o.id, o.path::text AS path, o.name FROM org o WHERE o.parent_id = ${orgId}::uuid AND ${scope} ORDER BY o.sort_order, o.seq`);
}

// ── saved reports ─────────────────────────────────────────────────────────

export interface SavedRow {
  id: string;
  name: string;
  shared: boolean;
  owner_id: string;
  owner_name: string;
  org_id: string;
  org_name: string;
  spec: Record<string, unknown>;
  updated_at: string | Date;
  schedule: 'monthly' | 'quarterly' | null;
  schedule_format: 'xlsx' | 'pdf' | 'docx' | null;
  next_run_on: string | null;
}

const savedColumns = sql`r.id, r.name, r.shared, r.owner_id, a.display_name AS owner_name, r.org_id, o.name AS org_name, r.spec, r.updated_at,
  r.schedule, r.schedule_format, to_char(r.next_run_on, 'YYYY-MM-DD') AS next_run_on`;

/** The reports the account saved and those shared on orgs inside `scope` (a condition on `o`), newest first. */
export function listSaved(q: Queryable, o: { accountId: string; scope: Sql }) {
  return q.query<SavedRow>(sql`
    SELECT ${savedColumns}
    FROM saved_report r JOIN org o ON o.id = r.org_id JOIN account a ON a.id = r.owner_id
    WHERE r.deleted_at IS NULL AND (r.owner_id = ${o.accountId}::uuid OR (r.shared AND ${o.scope}))
    ORDER BY r.updated_at DESC, r.id
    LIMIT 500`);
}

export async function insertSaved(t: Queryable, r: { name: string; shared: boolean; ownerId: string; orgId: string; spec: unknown; at: Date }): Promise<string> {
  return (await t.one<{ id: string }>(sql`
    INSERT INTO saved_report (name, shared, owner_id, org_id, spec, created_at, updated_at)
    VALUES (${r.name}, ${r.shared}, ${r.ownerId}, ${r.orgId}, ${JSON.stringify(r.spec)}::jsonb, ${r.at}, ${r.at}) RETURNING id`)).id;
}

/** One live saved report of its owner, or null. */
export function ownSaved(q: Queryable, id: string, accountId: string) {
  return q.maybeOne<SavedRow>(sql`
    SELECT ${savedColumns} FROM saved_report r JOIN org o ON o.id = r.org_id JOIN account a ON a.id = r.owner_id
    WHERE r.id = ${id}::uuid AND r.owner_id = ${accountId}::uuid AND r.deleted_at IS NULL`);
}

export function setSchedule(t: Queryable, id: string, s: { schedule: string | null; format: string | null; nextRunOn: string | null; at: Date }) {
  return t.exec(sql`UPDATE saved_report SET schedule = ${s.schedule}, schedule_format = ${s.format}, next_run_on = ${s.nextRunOn}::date, updated_at = ${s.at} WHERE id = ${id}::uuid`);
}

/** Scheduled reports due on a day, locked for this run (another instance skips them). */
export function dueSchedules(t: Queryable, today: string) {
  return t.query<SavedRow>(sql`
    SELECT ${savedColumns} FROM saved_report r JOIN org o ON o.id = r.org_id JOIN account a ON a.id = r.owner_id
    WHERE r.schedule IS NOT NULL AND r.deleted_at IS NULL AND r.next_run_on <= ${today}::date
    ORDER BY r.next_run_on, r.id
    FOR UPDATE OF r SKIP LOCKED`);
}

export async function insertDelivery(t: Queryable, d: { reportId: string; accountId: string; from: string; to: string; storageKey: string; fileName: string; contentType: string; size: number; at: Date }): Promise<string | null> {
  const rows = await t.query<{ id: string }>(sql`
    INSERT INTO report_delivery (saved_report_id, account_id, period_from, period_to, storage_key, file_name, content_type, size_bytes, created_at)
    VALUES (${d.reportId}, ${d.accountId}, ${d.from}, ${d.to}, ${d.storageKey}, ${d.fileName}, ${d.contentType}, ${d.size}, ${d.at})
    ON CONFLICT (saved_report_id, period_from) DO NOTHING RETURNING id`);
  return rows[0]?.id ?? null;
}

export function advanceSchedule(t: Queryable, id: string, nextRunOn: string) {
  return t.exec(sql`UPDATE saved_report SET next_run_on = ${nextRunOn}::date WHERE id = ${id}::uuid`);
}

export interface DeliveryRow {
  id: string;
  report_name: string;
  period_from: string;
  period_to: string;
  file_name: string;
  content_type: string;
  storage_key: string;
  size_bytes: number;
  created_at: string | Date;
}

const deliveryColumns = sql`d.id, r.name AS report_name, to_char(d.period_from, 'YYYY-MM-DD') AS period_from, to_char(d.period_to, 'YYYY-MM-DD') AS period_to,
  d.file_name, d.content_type, d.storage_key, d.size_bytes, d.created_at`;

export function deliveriesOf(q: Queryable, accountId: string) {
  return q.query<DeliveryRow>(sql`SELECT ${deliveryColumns} FROM report_delivery d JOIN saved_report r ON r.id = d.saved_report_id
    WHERE d.account_id = ${accountId}::uuid ORDER BY d.created_at DESC, d.id LIMIT 100`);
}

export function ownDelivery(q: Queryable, id: string, accountId: string) {
  return q.maybeOne<DeliveryRow>(sql`SELECT ${deliveryColumns} FROM report_delivery d JOIN saved_report r ON r.id = d.saved_report_id
    WHERE d.id = ${id}::uuid AND d.account_id = ${accountId}::uuid`);
}
