import type { FastifyInstance } from 'fastify';
import {
  PutWorkCalendarYearBody, WorkCalendarYearList, WorkCalendarYearParams, WorkCalendarYearView, workCalendarProblems,
} from '../../../contracts/calendar';
import { Ok } from '../../../contracts/common';
import type { Deps } from '../../deps';
import type { RequestContext } from '../../platform/actor';
import { auditInTx } from '../../platform/audit';
import type { Db, Queryable } from '../../platform/db';
import { AppError, validation } from '../../platform/errors';
import { contextOf, defineRoute } from '../../platform/http';
import * as repo from './system.repo';

// The system administrator's editor of the working-day calendar (tables
// work_calendar_year / work_calendar_day of migration 0007, read by
// development's loadCalendar). The calendar is system-wide configuration,
// not scoped data: no org scope applies.

/** Next year's calendar is due from 1 November (the State Council publishes it in late October or November). */
export const NEXT_YEAR_DUE_MONTH_DAY = '11-01';

/** The year whose calendar is missing and due on `today`, or null. */
export function missingNextYear(configured: ReadonlySet<number>, today: string): number | null {
  const next = Number(today.slice(0, 4)) + 1;
  return today.slice(5) >= NEXT_YEAR_DUE_MONTH_DAY && !configured.has(next) ? next : null;
}

export async function listYears(db: Db, today: string) {
  const rows = await repo.listCalendarYears(db);
  return {
    items: rows.map((r) => ({ year: r.year, source: r.source, updatedAt: r.updated_at, holidays: r.holidays, workdays: r.workdays })),
    missingNextYear: missingNextYear(new Set(rows.map((r) => r.year)), today),
  };
}

async function getYear(q: Queryable, year: number) {
  const y = await repo.findCalendarYear(q, year);
  if (!y) return { year, configured: false, source: null, updatedAt: null, days: [] };
  return { year, configured: true, source: y.source, updatedAt: y.updated_at, days: await repo.calendarDays(q, year) };
}

/** Replaces the year's special days and its source in one transaction (audited). */
async function putYear(db: Db, ctx: RequestContext, year: number, body: PutWorkCalendarYearBody) {
  const problems = workCalendarProblems(year, body.days);
  if (problems.length) throw validation(problems[0].message, { issues: problems });
  const days = [...body.days].sort((a, b) => a.day.localeCompare(b.day));
  const holidays = days.filter((d) => d.kind === 'holiday').length;
  const workdays = days.length - holidays;
  return db.tx(async (t) => {
    await repo.replaceCalendarYear(t, year, body.source, days);
    await auditInTx(t, ctx, { action: 'calendar.update', objectType: 'work_calendar', objectId: String(year), detail: { year, holidays, workdays } });
    return getYear(t, year);
  });
}

/** Removes the year: its dates are again computed Monday–Friday and provisional (audited). */
async function deleteYear(db: Db, ctx: RequestContext, year: number) {
  await db.tx(async (t) => {
    const counts = await repo.deleteCalendarYear(t, year);
    if (!counts) throw new AppError('NOT_FOUND', `${year} 年尚未配置工作日历`);
    await auditInTx(t, ctx, { action: 'calendar.delete', objectType: 'work_calendar', objectId: String(year), detail: { year, holidays: counts.holidays, workdays: counts.workdays } });
  });
}

/**
 * From 1 November, every system administrator is told once a year that next
 * year's calendar is missing (dates in it would be computed Monday–Friday and
 * marked 暂定). Returns the year reminded about, or null.
 */
export async function remindMissingCalendar(deps: Deps, today: string): Promise<number | null> {
  const years = new Set((await repo.listCalendarYears(deps.db)).map((r) => r.year));
  const missing = missingNextYear(years, today);
  if (missing === null) return null;
  await deps.db.tx(async (t) => {
    for (const accountId of await repo.systemAdministrators(t)) {
      if (!(await repo.claimReminder(t, 'calendar_missing', accountId, String(missing)))) continue;
      await deps.notify.notify(t, accountId, {
          kind: 'calendar',
        title: `${missing} 年工作日历尚未配置`,
        body: `请按国务院办公厅关于${missing}年部分节假日安排的通知录入放假和调休上班日期；未配置前，涉及${missing}年的公示期等期限按周一至周五暂定计算。`,
        link: `/admin/system/calendar?year=${missing}`,
      });
    }
  });
  return missing;
}

export function registerWorkCalendarRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/work-calendar', operationId: 'listWorkCalendarYears', summary: '已配置工作日历的年份', tags: ['system'], access: 'system.config',
    schema: { response: { 200: WorkCalendarYearList } },
    handler: async () => listYears(db, deps.clock.today()),
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
