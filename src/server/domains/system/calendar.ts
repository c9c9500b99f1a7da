import type { FastifyInstance } from 'fastify';
import {
  PutWorkCalendarYearBody, WorkCalendarYearList, WorkCalendarYearParams, WorkCalendarYearView, workCalendarProblems,
  type WorkCalendarKind,
} from '../../../contracts/calendar';
import { Ok } from '../../../contracts/common';
import type { Deps } from '../../deps';
import type { RequestContext } from '../../platform/actor';
import { auditInTx } from '../../platform/audit';
import type { Db, Queryable } from '../../platform/db';
import { AppError, validation } from '../../platform/errors';
import { contextOf, defineRoute } from '../../platform/http';
import { sql } from '../../platform/sql';

// The system administrator's editor of the working-day calendar (tables
// work_calendar_year / work_calendar_day of migration 0007, read by
// development's loadCalendar). The calendar is system-wide configuration,
// not scoped data: no org scope applies.

interface YearRow {
  year: number;
  source: string;
  updated_at: string;
}

const yearRange = (year: number) => sql`day BETWEEN make_date(${year}, 1, 1) AND make_date(${year}, 12, 31)`;

async function listYears(db: Db) {
  const rows = await db.query<YearRow & { holidays: number; workdays: number }>(sql`
    SELECT y.year, y.source, y.updated_at,
           count(d.day) FILTER (WHERE d.kind = 'holiday')::int AS holidays,
           count(d.day) FILTER (WHERE d.kind = 'workday')::int AS workdays
      FROM work_calendar_year y
      LEFT JOIN work_calendar_day d ON d.day BETWEEN make_date(y.year, 1, 1) AND make_date(y.year, 12, 31)
     GROUP BY y.year ORDER BY y.year DESC`);
  return { items: rows.map((r) => ({ year: r.year, source: r.source, updatedAt: r.updated_at, holidays: r.holidays, workdays: r.workdays })) };
}

async function getYear(q: Queryable, year: number) {
  const y = await q.maybeOne<YearRow>(sql`SELECT year, source, updated_at FROM work_calendar_year WHERE year = ${year}`);
  if (!y) return { year, configured: false, source: null, updatedAt: null, days: [] };
  const days = await q.query<{ day: string; kind: WorkCalendarKind; name: string }>(sql`SELECT day, kind, name FROM work_calendar_day WHERE ${yearRange(year)} ORDER BY day`);
  return { year, configured: true, source: y.source, updatedAt: y.updated_at, days };
}

/** Replaces the year's special days and its source in one transaction (audited). */
async function putYear(db: Db, ctx: RequestContext, year: number, body: PutWorkCalendarYearBody) {
  const problems = workCalendarProblems(year, body.days);
  if (problems.length) throw validation(problems[0].message, { issues: problems });
  const days = [...body.days].sort((a, b) => a.day.localeCompare(b.day));
  const holidays = days.filter((d) => d.kind === 'holiday').length;
  const workdays = days.length - holidays;
  return db.tx(async (t) => {
    // the upsert locks the year's row first: concurrent saves of one year run one after the other
    await t.exec(sql`INSERT INTO work_calendar_year (year, source, updated_at) VALUES (${year}, ${body.source}, now())
      ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source, updated_at = now()`);
    await t.exec(sql`DELETE FROM work_calendar_day WHERE ${yearRange(year)}`);
    if (days.length) {
      await t.exec(sql`INSERT INTO work_calendar_day (day, kind, name)
        SELECT * FROM unnest(${days.map((d) => d.day)}::date[], ${days.map((d) => d.kind)}::text[], ${days.map((d) => d.name)}::text[])`);
    }
    await auditInTx(t, ctx, { action: 'calendar.update', objectType: 'work_calendar', objectId: String(year), detail: { year, holidays, workdays } });
    return getYear(t, year);
  });
}

/** Removes the year: its dates are again computed Monday–Friday and provisional (audited). */
async function deleteYear(db: Db, ctx: RequestContext, year: number) {
  await db.tx(async (t) => {
    const removed = await t.maybeOne<{ year: number }>(sql`DELETE FROM work_calendar_year WHERE year = ${year} RETURNING year`);
    if (!removed) throw new AppError('NOT_FOUND', `${year} 年尚未配置工作日历`);
    const counts = await t.one<{ holidays: number; workdays: number }>(sql`
      WITH gone AS (DELETE FROM work_calendar_day WHERE ${yearRange(year)} RETURNING kind)
      SELECT count(*) FILTER (WHERE kind = 'holiday')::int AS holidays, count(*) FILTER (WHERE kind = 'workday')::int AS workdays FROM gone`);
    await auditInTx(t, ctx, { action: 'calendar.delete', objectType: 'work_calendar', objectId: String(year), detail: { year, holidays: counts.holidays, workdays: counts.workdays } });
  });
}

export function registerWorkCalendarRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/work-calendar', operationId: 'listWorkCalendarYears', summary: '已配置工作日历的年份', tags: ['system'], access: 'system.config',
    schema: { response: { 200: WorkCalendarYearList } },
    handler: async () => listYears(db),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/work-calendar/:year', operationId: 'getWorkCalendarYear', summary: '某年的工作日历（放假与调休上班日）', tags: ['system'], access: 'system.config',
    schema: { params: WorkCalendarYearParams, response: { 200: WorkCalendarYearView } },
    handler: async (req) => getYear(db, req.params.year),
  });
  defineRoute(app, db, {
    method: 'PUT', url: '/api/v1/work-calendar/:year', operationId: 'putWorkCalendarYear', summary: '保存某年的工作日历（整年替换）', tags: ['system'], access: 'system.config',
    schema: { params: WorkCalendarYearParams, body: PutWorkCalendarYearBody, response: { 200: WorkCalendarYearView } },
    handler: async (req) => putYear(db, contextOf(req), req.params.year, req.body),
  });
  defineRoute(app, db, {
    method: 'DELETE', url: '/api/v1/work-calendar/:year', operationId: 'deleteWorkCalendarYear', summary: '删除某年的工作日历（恢复按周一至周五暂定计算）', tags: ['system'], access: 'system.config',
    schema: { params: WorkCalendarYearParams, response: { 200: Ok } },
    handler: async (req) => {
      await deleteYear(db, contextOf(req), req.params.year);
      return { ok: true as const };
    },
  });
}
