import type { Queryable } from '../../platform/db';
import { sql } from '../../platform/sql';
import type { WorkCalendarKind } from '../../../contracts/calendar';

// The system domain's SQL: rule versions and the working-day calendar
// (work_calendar_year / work_calendar_day). System-wide configuration, not
// scoped data: no org scope applies.

export interface YearRow {
  year: number;
  source: string;
  updated_at: string;
}

const yearRange = (year: number) => sql`day BETWEEN make_date(${year}, 1, 1) AND make_date(${year}, 12, 31)`;

export function listRuleVersions(q: Queryable) {
  return q.query<{ id: string; domain: string; key: string; scope_org_id: string | null; effective_from: string; effective_to: string | null; source: string; body: unknown }>(sql`
    SELECT id, domain, key, scope_org_id, effective_from, effective_to, source, body FROM rule_version ORDER BY domain, key, effective_from DESC`);
}

export function listCalendarYears(q: Queryable) {
  return q.query<YearRow & { holidays: number; workdays: number }>(sql`
    SELECT y.year, y.source, y.updated_at,
           count(d.day) FILTER (WHERE d.kind = 'holiday')::int AS holidays,
           count(d.day) FILTER (WHERE d.kind = 'workday')::int AS workdays
      FROM work_calendar_year y
      LEFT JOIN work_calendar_day d ON d.day BETWEEN make_date(y.year, 1, 1) AND make_date(y.year, 12, 31)
     GROUP BY y.year ORDER BY y.year DESC`);
}

export function findCalendarYear(q: Queryable, year: number) {
  return q.maybeOne<YearRow>(sql`SELECT year, source, updated_at FROM work_calendar_year WHERE year = ${year}`);
}

export function calendarDays(q: Queryable, year: number) {
  return q.query<{ day: string; kind: WorkCalendarKind; name: string }>(sql`SELECT day, kind, name FROM work_calendar_day WHERE ${yearRange(year)} ORDER BY day`);
}

/** Upserts the year's row (locking it: concurrent saves of one year run one after the other) and replaces its days. */
export async function replaceCalendarYear(q: Queryable, year: number, source: string, days: ReadonlyArray<{ day: string; kind: WorkCalendarKind; name: string }>) {
  await q.exec(sql`INSERT INTO work_calendar_year (year, source, updated_at) VALUES (${year}, ${source}, now())
    ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source, updated_at = now()`);
  await q.exec(sql`DELETE FROM work_calendar_day WHERE ${yearRange(year)}`);
  if (days.length) {
    await q.exec(sql`INSERT INTO work_calendar_day (day, kind, name)
      SELECT * FROM unnest(${days.map((d) => d.day)}::date[], ${days.map((d) => d.kind)}::text[], ${days.map((d) => d.name)}::text[])`);
  }
}

/** Removes the year and its days; null when the year was not configured. */
export async function deleteCalendarYear(q: Queryable, year: number) {
  const removed = await q.maybeOne<{ year: number }>(sql`DELETE FROM work_calendar_year WHERE year = ${year} RETURNING year`);
  if (!removed) return null;
  return q.one<{ holidays: number; workdays: number }>(sql`
    WITH gone AS (DELETE FROM work_calendar_day WHERE ${yearRange(year)} RETURNING kind)
    SELECT count(*) FILTER (WHERE kind = 'holiday')::int AS holidays, count(*) FILTER (WHERE kind = 'workday')::int AS workdays FROM gone`);
}

/** Enabled accounts holding the system administrator role (who is told about a missing calendar). */
export async function systemAdministrators(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ account_id: string }>(sql`
    SELECT DISTINCT g.account_id FROM role_grant g JOIN account a ON a.id = g.account_id
    WHERE g.revoked_at IS NULL AND g.role = 'sysadmin' AND NOT a.is_disabled`);
  return rows.map((r) => r.account_id);
}

/** Records that a reminder went out for (kind, object, period); false when it already had. */
export async function claimReminder(q: Queryable, kind: string, objectId: string, periodKey: string): Promise<boolean> {
  return !!(await q.maybeOne(sql`INSERT INTO reminder_log (kind, object_id, period_key) VALUES (${kind}, ${objectId}::uuid, ${periodKey}) ON CONFLICT DO NOTHING RETURNING kind`));
}

/** A trivial query: the database answers (the health check). */
export async function pingDatabase(q: Queryable): Promise<void> {
  await q.one(sql`SELECT 1 AS ok`);
}
