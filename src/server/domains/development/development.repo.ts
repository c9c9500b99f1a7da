import type { Queryable } from '../../platform/db';
import { sql } from '../../platform/sql';
import type { WorkCalendar } from '../../platform/workdays';

/** The working-day calendar for the years in [fromYear, toYear]. */
export async function loadCalendar(q: Queryable, fromYear: number, toYear: number): Promise<WorkCalendar> {
  const years = await q.query<{ year: number }>(sql`SELECT year FROM work_calendar_year WHERE year BETWEEN ${fromYear} AND ${toYear}`);
  const days = await q.query<{ day: string; kind: 'holiday' | 'workday' }>(sql`
    SELECT day, kind FROM work_calendar_day WHERE day >= make_date(${fromYear}, 1, 1) AND day <= make_date(${toYear}, 12, 31)`);
  return { configuredYears: new Set(years.map((y) => y.year)), days: new Map(days.map((d) => [d.day, d.kind])) };
}
