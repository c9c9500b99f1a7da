import type { Queryable } from '../../platform/db';
import { and, likeText, or, raw, sql, type Sql } from '../../platform/sql';

// Every SQL statement of the warning centre. Scopes come from the service:
// one condition per module (the module's read permission over `o`, the
// warning's org), OR-ed together.

export interface WarningRow {
  id: string;
  module: string;
  kind: string;
  org_id: string;
  org_name: string;
  org_path: string;
  title: string;
  detail: string;
  level: 'error' | 'warning' | 'info';
  source: string | null;
  link: string;
  due_on: string | null;
  fact_at: string | null;
  discovered_at: string;
  status: 'open' | 'acknowledged' | 'resolved';
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  note: string | null;
  cleared_at: string | null;
}

export interface DetectedRow {
  key: string;
  module: string;
  kind: string;
  orgId: string;
  personId: string | null;
  title: string;
  detail: string;
  level: string;
  source: string | null;
  link: string;
  dueOn: string | null;
  factAt: string | null;
}

/** A warning level's order, the most severe first (0 red, 1 yellow, 2 blue): the one ranking of every statement here. */
const levelOrder = (alias: 'w' | 'excluded') => sql`CASE ${raw(`${alias}.level`)} WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END`;

/**
 * Writes a scan's findings: a key without a live warning opens one; a live one
 * is kept current, and goes back to 待处理 when its level rose. Returns how many
 * were opened.
 */
export async function upsertDetected(t: Queryable, rows: readonly DetectedRow[], now: string): Promise<number> {
  if (!rows.length) return 0;
  const col = <K extends keyof DetectedRow>(k: K) => rows.map((r) => r[k]);
  const opened = await t.query<{ inserted: boolean }>(sql`
    INSERT INTO warning AS w (key, module, kind, org_id, person_id, title, detail, level, source, link, due_on, fact_at, discovered_at, updated_at)
    SELECT x.key, x.module, x.kind, x.org_id, x.person_id, x.title, x.detail, x.level, x.source, x.link, x.due_on, CASE WHEN x.fact_at IS NOT NULL THEN least(x.fact_at, ${now}::timestamptz) END, ${now}::timestamptz, ${now}::timestamptz
    FROM unnest(${col('key')}::text[], ${col('module')}::text[], ${col('kind')}::text[], ${col('orgId')}::uuid[], ${col('personId')}::uuid[], ${col('title')}::text[],
      ${col('detail')}::text[], ${col('level')}::text[], ${col('source')}::text[], ${col('link')}::text[], ${col('dueOn')}::date[], ${col('factAt')}::timestamptz[])
      AS x (key, module, kind, org_id, person_id, title, detail, level, source, link, due_on, fact_at)
    ON CONFLICT (key) WHERE cleared_at IS NULL DO UPDATE SET
      org_id = excluded.org_id, person_id = excluded.person_id, title = excluded.title, detail = excluded.detail, level = excluded.level,
      source = excluded.source, link = excluded.link, due_on = excluded.due_on,
      status = CASE WHEN ${levelOrder('excluded')} < ${levelOrder('w')} THEN 'open' ELSE w.status END,
      updated_at = excluded.updated_at
    WHERE (w.org_id, w.person_id, w.title, w.detail, w.level, w.source, w.link, w.due_on) IS DISTINCT FROM
      (excluded.org_id, excluded.person_id, excluded.title, excluded.detail, excluded.level, excluded.source, excluded.link, excluded.due_on)
    RETURNING (xmax = 0) AS inserted`);
  return opened.filter((r) => r.inserted).length;
}

/** Clears the live warnings of the scanned modules that the scan no longer found: the fact changed. */
export function clearMissing(t: Queryable, modules: readonly string[], keys: readonly string[], now: string) {
  return t.exec(sql`
    UPDATE warning SET cleared_at = ${now}::timestamptz, updated_at = ${now}::timestamptz,
      status = 'resolved', resolved_at = coalesce(resolved_at, ${now}::timestamptz)
    WHERE cleared_at IS NULL AND module = ANY(${modules as string[]}::text[]) AND NOT (key = ANY(${keys as string[]}::text[]))`);
}

export function recordScan(t: Queryable, s: { startedAt: string; finishedAt: string; found: number; opened: number; cleared: number; failed: string[] }) {
  return t.exec(sql`INSERT INTO warning_scan (started_at, finished_at, found, opened, cleared, failed)
    VALUES (${s.startedAt}::timestamptz, ${s.finishedAt}::timestamptz, ${s.found}, ${s.opened}, ${s.cleared}, ${s.failed}::text[])`);
}

export async function lastScanAt(q: Queryable): Promise<string | null> {
  const r = await q.maybeOne<{ at: string }>(sql`SELECT finished_at::text AS at FROM warning_scan ORDER BY id DESC LIMIT 1`);
  return r?.at ?? null;
}

/** A module's warnings on the orgs a scope (over `o`) reaches. */
export function moduleInScope(module: string, orgScope: Sql): Sql {
  return sql`w.module = ${module} AND ${orgScope}`;
}

/** Any of the modules' scopes (none: nothing). */
export function anyOf(parts: Sql[]): Sql {
  return or(parts);
}

export interface WarningFilter {
  /** the caller's scope over `o` (the warning's org) and `w` */
  scope: Sql;
  underPath: string | null;
  module?: string;
  level?: string;
  status: 'open' | 'acknowledged' | 'resolved' | 'live' | 'cleared';
  q?: string;
}

function where(f: WarningFilter): Sql {
  const parts: Sql[] = [f.scope];
  if (f.underPath) parts.push(sql`o.path <@ ${f.underPath}::ltree`);
  if (f.module) parts.push(sql`w.module = ${f.module}`);
  if (f.level) parts.push(sql`w.level = ${f.level}`);
  if (f.status === 'cleared') parts.push(sql`w.cleared_at IS NOT NULL`);
  else {
    parts.push(sql`w.cleared_at IS NULL`);
    if (f.status !== 'live') parts.push(sql`w.status = ${f.status}`);
  }
  if (f.q) {
    const pattern = '%' + likeText(f.q) + '%';
    parts.push(sql`(w.title LIKE ${pattern} OR w.detail LIKE ${pattern} OR o.name LIKE ${pattern})`);
  }
  return and(parts);
}

const COLUMNS = sql`w.id, w.module, w.kind, w.org_id, o.name AS org_name, o.path::text AS org_path, w.title, w.detail, w.level, w.source, w.link,
  w.due_on::text AS due_on, w.fact_at, w.discovered_at, w.status, w.acknowledged_at, ack.username AS acknowledged_by,
  w.resolved_at, res.username AS resolved_by, w.note, w.cleared_at`;
const JOINS = sql`FROM warning w JOIN org o ON o.id = w.org_id
  LEFT JOIN account ack ON ack.id = w.acknowledged_by LEFT JOIN account res ON res.id = w.resolved_by`;

/** A page of warnings: live ones by level, then the earliest due; cleared ones latest first. */
export async function listWarnings(q: Queryable, f: WarningFilter, limit: number, offset: number) {
  const order = f.status === 'cleared'
    ? sql`w.cleared_at DESC, w.id`
    : sql`${levelOrder('w')}, w.status = 'resolved', w.due_on NULLS LAST, w.discovered_at, w.id`;
  const [rows, total] = await Promise.all([
    q.query<WarningRow>(sql`SELECT ${COLUMNS} ${JOINS} WHERE ${where(f)} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`),
    q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM warning w JOIN org o ON o.id = w.org_id WHERE ${where(f)}`),
  ]);
  return { rows, total: total.n };
}

/** The live warnings in scope by status and level (the menu's badge, the page's tabs). */
export function liveCounts(q: Queryable, scope: Sql, underPath: string | null) {
  return q.one<{ open: number; acknowledged: number; error: number; warning: number; info: number }>(sql`
    SELECT count(*) FILTER (WHERE w.status = 'open')::int AS open, count(*) FILTER (WHERE w.status = 'acknowledged')::int AS acknowledged,
      count(*) FILTER (WHERE w.level = 'error' AND w.status <> 'resolved')::int AS error,
      count(*) FILTER (WHERE w.level = 'warning' AND w.status <> 'resolved')::int AS warning,
      count(*) FILTER (WHERE w.level = 'info' AND w.status <> 'resolved')::int AS info
    FROM warning w JOIN org o ON o.id = w.org_id
    WHERE w.cleared_at IS NULL AND ${scope} ${underPath ? sql`AND o.path <@ ${underPath}::ltree` : sql``}`);
}

export function liveByModule(q: Queryable, scope: Sql, underPath: string | null) {
  return q.query<{ module: string; n: number }>(sql`
    SELECT w.module, count(*)::int AS n FROM warning w JOIN org o ON o.id = w.org_id
    WHERE w.cleared_at IS NULL AND w.status <> 'resolved' AND ${scope} ${underPath ? sql`AND o.path <@ ${underPath}::ltree` : sql``}
    GROUP BY w.module`);
}

/** The live, unresolved warnings under a path by org and kind (the big screen's ticker: no person named), red first. */
export function tickerRows(q: Queryable, scope: Sql, underPath: string, limit: number) {
  return q.prepared<{ org_id: string; org_name: string; module: string; kind: string; level: 'error' | 'warning' | 'info'; n: number }>('warning_ticker', sql`
    SELECT w.org_id, o.name AS org_name, w.module, w.kind,
      (array_agg(w.level ORDER BY ${levelOrder('w')}))[1] AS level, count(*)::int AS n
    FROM warning w JOIN org o ON o.id = w.org_id
    WHERE w.cleared_at IS NULL AND w.status <> 'resolved' AND o.path <@ ${underPath}::ltree AND ${scope}
    GROUP BY w.org_id, o.name, w.module, w.kind
    ORDER BY min(${levelOrder('w')}), count(*) DESC, o.name, w.kind LIMIT ${limit}`);
}

/**
 * The live, unresolved warnings under a path by module and kind: how many, on
 * how many orgs, the most severe level, the orgs with the most, and how many
 * were live at `then` (found by then and not cleared by then).
 */
export function problemRows(q: Queryable, scope: Sql, underPath: string, then: string) {
  return q.query<{ module: string; kind: string; n: number; orgs: number; rank: number; top: string[]; then_n: number }>(sql`
    WITH per_org AS (
      SELECT w.module, w.kind, o.name, count(*)::int AS n, min(${levelOrder('w')}) AS rank
      FROM warning w JOIN org o ON o.id = w.org_id
      WHERE w.cleared_at IS NULL AND w.status <> 'resolved' AND o.path <@ ${underPath}::ltree AND ${scope}
      GROUP BY w.module, w.kind, o.id, o.name),
    earlier AS (
      SELECT w.module, w.kind, count(*)::int AS n FROM warning w JOIN org o ON o.id = w.org_id
      WHERE w.discovered_at <= ${then}::timestamptz AND (w.cleared_at IS NULL OR w.cleared_at > ${then}::timestamptz)
        AND o.path <@ ${underPath}::ltree AND ${scope}
      GROUP BY w.module, w.kind)
    SELECT p.module, p.kind, sum(p.n)::int AS n, count(*)::int AS orgs, min(p.rank)::int AS rank,
      (array_agg(p.name ORDER BY p.n DESC, p.name))[1:5] AS top, coalesce(max(e.n), 0)::int AS then_n
    FROM per_org p LEFT JOIN earlier e ON e.module = p.module AND e.kind = p.kind
    GROUP BY p.module, p.kind`);
}

/** One warning the caller sees (scope over `o` and `w`), locked for handling. */
export function findForUpdate(t: Queryable, id: string, scope: Sql) {
  return t.maybeOne<WarningRow>(sql`SELECT ${COLUMNS} ${JOINS} WHERE w.id = ${id}::uuid AND ${scope} FOR UPDATE OF w`);
}

export function findOne(q: Queryable, id: string, scope: Sql) {
  return q.maybeOne<WarningRow>(sql`SELECT ${COLUMNS} ${JOINS} WHERE w.id = ${id}::uuid AND ${scope}`);
}

export function acknowledge(t: Queryable, id: string, by: string, note: string | null, now: string) {
  return t.exec(sql`UPDATE warning SET status = 'acknowledged', acknowledged_by = ${by}::uuid, acknowledged_at = ${now}::timestamptz,
    note = coalesce(${note}, note), updated_at = ${now}::timestamptz WHERE id = ${id}::uuid`);
}

export function resolve(t: Queryable, id: string, by: string, note: string, now: string) {
  return t.exec(sql`UPDATE warning SET status = 'resolved', resolved_by = ${by}::uuid, resolved_at = ${now}::timestamptz,
    note = ${note}, updated_at = ${now}::timestamptz WHERE id = ${id}::uuid`);
}
