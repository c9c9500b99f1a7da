import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCalendar, publicNoticeEnd, type DevelopmentRule } from '../../src/server/domains/development';
import { ruleInForce } from '../../src/server/platform/rules';
import { sql } from '../../src/server/platform/sql';
import { endOfWorkingPeriod } from '../../src/server/platform/workdays';
import { missingNextYear, remindMissingCalendar } from '../../src/server/domains/system';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, PASSWORD } from '../helpers/factory';

// The stored rule of RULES §1, the 2025 and 2026 holiday calendars of migrations 0007 and 0016,
// the editor, and the reminder about next year's calendar.
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

describe('development rules and the working-day calendar as data', () => {
  it('stores the RULES §1 numbers with their source', async () => {
    const r = await ruleInForce<DevelopmentRule>(h.db, 'development', 'intervals', '2026-01-01');
    expect(r.source).toContain('中国共产党发展党员工作细则');
    expect(r.body).toMatchObject({ minApplicantAge: 18, activistMinYears: 1, introducerCount: 2, trainingMinDays: 3, trainingMinHours: 24, publicNoticeWorkingDays: 5, probationYears: 1, extensionMinMonths: 6, extensionMaxMonths: 12, approvalWithinMonths: 3, approvalExtendedMaxMonths: 6 });
  });

  it('a 公示 across the 2025 National Day holiday ends on 9 October (make-up Sunday counted)', async () => {
    const rule = (await ruleInForce<DevelopmentRule>(h.db, 'development', 'intervals', '2025-09-26')).body;
    const cal = await loadCalendar(h.db, 2025, 2025);
    expect(publicNoticeEnd(rule, cal, '2025-09-26')).toEqual({ date: '2025-10-09', provisional: false });
    // 2026 as the State Council's notice gives it: from the 中秋 holiday (Fri 25 Sep) over 国庆
    // (1–7 Oct): 28, 29, 30 Sep, 8 and 9 Oct
    const cal26 = await loadCalendar(h.db, 2026, 2026);
    expect(publicNoticeEnd(rule, cal26, '2026-09-25')).toEqual({ date: '2026-10-09', provisional: false });
    expect([cal26.days.get('2026-02-14'), cal26.days.get('2026-02-16'), cal26.days.get('2026-10-10')]).toEqual(['workday', 'holiday', 'workday']);
    // 2030 has no calendar configured: Monday–Friday, provisional (Wed 25 Sep → Tue 1 Oct)
    const cal30 = await loadCalendar(h.db, 2030, 2030);
    expect(publicNoticeEnd(rule, cal30, '2030-09-25')).toEqual({ date: '2030-10-01', provisional: true });
  });
});

// The system administrator's editor (/api/v1/work-calendar). Mutations use
// 2031 so that the seeded 2025 and 2026 and the unconfigured 2030 above stay
// as they are; every test removes what it configured.
describe('the working-day calendar editor', () => {
  const YEAR = 2031;
  let admin: Client;
  const put = (year: number, body: unknown) =>
    h.app.inject({ method: 'PUT', url: `/api/v1/work-calendar/${year}`, headers: { cookie: admin.cookie, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const removeYear = async (year: number) => {
    await h.db.exec(sql`DELETE FROM work_calendar_day WHERE day BETWEEN make_date(${year}, 1, 1) AND make_date(${year}, 12, 31)`);
    await h.db.exec(sql`DELETE FROM work_calendar_year WHERE year = ${year}`);
  };
  // 国庆 2031: Wednesday 1 to Tuesday 7 October off (a weekend inside), Sunday 28 September and Saturday 11 October worked
  const NATIONAL_DAY = [
    ...['2031-10-01', '2031-10-02', '2031-10-03', '2031-10-04', '2031-10-05', '2031-10-06', '2031-10-07'].map((day) => ({ day, kind: 'holiday', name: '国庆节' })),
    { day: '2031-10-11', kind: 'workday', name: '国庆节调休上班' },
    { day: '2031-09-28', kind: 'workday', name: '国庆节调休上班' },
  ];
  const SOURCE = '国务院办公厅关于2031年部分节假日安排的通知（测试）';

  beforeAll(async () => {
    const acc = await makeAccount(h.deps, [{ role: 'sysadmin', orgId: null, scope: 'subtree' }]);
    admin = await login(h.app, acc.username, PASSWORD);
  });

  it('saves a year, reads it back, and working-day periods over it are no longer provisional; deleting makes it provisional again', async () => {
    try {
      const before = await loadCalendar(h.db, YEAR, YEAR);
      expect(endOfWorkingPeriod(before, '2031-09-26', 5)).toEqual({ date: '2031-10-02', provisional: true });
      const unconfigured = await admin.get(`/api/v1/work-calendar/${YEAR}`);
      expect(unconfigured.statusCode).toBe(200);
      expect(unconfigured.json()).toEqual({ year: YEAR, configured: false, source: null, updatedAt: null, days: [] });

      const saved = await put(YEAR, { source: SOURCE, days: NATIONAL_DAY });
      expect(saved.statusCode, saved.body).toBe(200);
      const got = await admin.get(`/api/v1/work-calendar/${YEAR}`);
      expect(got.statusCode).toBe(200);
      const body = got.json();
      expect(body).toMatchObject({ year: YEAR, configured: true, source: SOURCE });
      expect(body.days.map((d: { day: string }) => d.day)).toEqual(['2031-09-28', '2031-10-01', '2031-10-02', '2031-10-03', '2031-10-04', '2031-10-05', '2031-10-06', '2031-10-07', '2031-10-11']);
      expect(body.days[0]).toEqual({ day: '2031-09-28', kind: 'workday', name: '国庆节调休上班' });
      expect(saved.json()).toEqual(body);

      const list = await admin.get('/api/v1/work-calendar');
      expect(list.statusCode).toBe(200);
      expect(list.json().items).toContainEqual({ year: YEAR, source: SOURCE, updatedAt: body.updatedAt, holidays: 7, workdays: 2 });
      expect(list.json().items).toContainEqual(expect.objectContaining({ year: 2025, holidays: 28, workdays: 5 }));

      // Friday 26 September: Sunday 28 (调休) counts, the holiday week does not
      const cal = await loadCalendar(h.db, YEAR, YEAR);
      expect(endOfWorkingPeriod(cal, '2031-09-26', 5)).toEqual({ date: '2031-10-08', provisional: false });

      const audit = await h.db.one<{ action: string; object_id: string; detail: unknown; username: string; outcome: string }>(sql`
        SELECT action, object_id, detail, username, outcome FROM audit_log WHERE action = 'calendar.update' AND object_id = ${String(YEAR)} ORDER BY id DESC LIMIT 1`);
      expect(audit).toEqual({ action: 'calendar.update', object_id: String(YEAR), detail: { year: YEAR, holidays: 7, workdays: 2 }, username: expect.any(String), outcome: 'success' });

      // saving again replaces the whole year
      const replaced = await put(YEAR, { source: SOURCE, days: [{ day: '2031-01-01', kind: 'holiday', name: '元旦' }] });
      expect(replaced.statusCode, replaced.body).toBe(200);
      expect(replaced.json().days).toEqual([{ day: '2031-01-01', kind: 'holiday', name: '元旦' }]);
      // the neighbouring years are untouched
      expect((await loadCalendar(h.db, 2025, 2025)).days.size).toBe(33);

      const del = await admin.del(`/api/v1/work-calendar/${YEAR}`);
      expect(del.statusCode, del.body).toBe(200);
      expect((await admin.get(`/api/v1/work-calendar/${YEAR}`)).json()).toMatchObject({ configured: false, days: [] });
      expect(endOfWorkingPeriod(await loadCalendar(h.db, YEAR, YEAR), '2031-09-26', 5)).toEqual({ date: '2031-10-02', provisional: true });
      const n = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM work_calendar_day WHERE day BETWEEN '2031-01-01' AND '2031-12-31'`);
      expect(n.n).toBe(0);
      const deleted = await h.db.one<{ detail: unknown }>(sql`SELECT detail FROM audit_log WHERE action = 'calendar.delete' AND object_id = ${String(YEAR)} ORDER BY id DESC LIMIT 1`);
      expect(deleted.detail).toEqual({ year: YEAR, holidays: 1, workdays: 0 });

      // deleting a year that has no calendar says so
      const again = await admin.del(`/api/v1/work-calendar/${YEAR}`);
      expect(again.statusCode).toBe(404);
      expect(again.json().error.message).toBe(`${YEAR} 年尚未配置工作日历`);
    } finally {
      await removeYear(YEAR);
    }
  });

  it('refuses a 调休 workday on a weekday, a day outside the year and a day given twice, with Chinese messages, and changes nothing', async () => {
    const updateAudits = async () => (await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'calendar.update' AND object_id = ${String(YEAR)}`)).n;
    const auditsBefore = await updateAudits();
    try {
      const cases: Array<{ days: unknown[]; field: string; message: RegExp }> = [
        { days: [NATIONAL_DAY[0], { day: '2031-10-08', kind: 'workday', name: '国庆节调休上班' }], field: 'days.1.day', message: /^调休上班日应为周六或周日（2031-10-08 是星期三）$/ },
        { days: [{ day: '2032-01-01', kind: 'holiday', name: '元旦' }], field: 'days.0.day', message: /^2032-01-01 不在 2031 年内$/ },
        { days: [NATIONAL_DAY[0], NATIONAL_DAY[1], { ...NATIONAL_DAY[0], name: '重复' }], field: 'days.2.day', message: /^2031-10-01 重复填写（第 1 行已有这一天）$/ },
      ];
      for (const c of cases) {
        const res = await put(YEAR, { source: SOURCE, days: c.days });
        expect(res.statusCode, res.body).toBe(400);
        const e = res.json().error;
        expect(e.code).toBe('VALIDATION_FAILED');
        expect(e.message).toMatch(c.message);
        expect(e.details.issues).toEqual([{ field: c.field, message: e.message }]);
      }
      // the schema's own messages are Chinese too
      const shapes: Array<{ year: number | string; body: unknown; message: string }> = [
        { year: YEAR, body: { source: '  ', days: [] }, message: '请填写来源（所依据的放假安排通知）' },
        { year: YEAR, body: { days: [] }, message: '请填写来源（所依据的放假安排通知）' },
        { year: YEAR, body: { source: 'x'.repeat(501), days: [] }, message: '来源不能超过500个字' },
        { year: YEAR, body: { source: SOURCE, days: [{ day: '2031-10-01', kind: 'holiday', name: '' }] }, message: '请填写名称（如“春节”）' },
        { year: YEAR, body: { source: SOURCE, days: [{ day: '2031-02-30', kind: 'holiday', name: '春节' }] }, message: '日期应为有效的“年-月-日”，如 2026-01-01' },
        { year: YEAR, body: { source: SOURCE, days: [{ day: '2031-10-01', kind: 'weekend', name: '国庆节' }] }, message: '请选择类型：放假或调休上班' },
        { year: 1999, body: { source: SOURCE, days: [] }, message: '年份应为2000至2100之间的整数' },
        { year: 'abc', body: { source: SOURCE, days: [] }, message: '年份应为2000至2100之间的整数' },
      ];
      for (const s of shapes) {
        const res = await put(s.year as number, s.body);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: s.message });
      }
      expect((await admin.get('/api/v1/work-calendar/2101')).statusCode).toBe(400);
      expect((await admin.get(`/api/v1/work-calendar/${YEAR}`)).json()).toMatchObject({ configured: false, days: [] });
      expect(await updateAudits()).toBe(auditsBefore);
    } finally {
      await removeYear(YEAR);
    }
  });

  it('a holiday may fall on a weekend, and an empty list configures a year without special days', async () => {
    try {
      const weekendHoliday = await put(YEAR, { source: SOURCE, days: [{ day: '2031-10-04', kind: 'holiday', name: '国庆节' }] });
      expect(weekendHoliday.statusCode, weekendHoliday.body).toBe(200);
      const empty = await put(YEAR, { source: SOURCE, days: [] });
      expect(empty.statusCode, empty.body).toBe(200);
      expect(empty.json()).toMatchObject({ configured: true, days: [] });
      // configured, Monday–Friday, not provisional
      expect(endOfWorkingPeriod(await loadCalendar(h.db, YEAR, YEAR), '2031-09-26', 5)).toEqual({ date: '2031-10-02', provisional: false });
    } finally {
      await removeYear(YEAR);
    }
  });
});

describe('next year’s calendar', () => {
  it('is due from 1 November: the list says which year is missing', () => {
    const configured = new Set([2025, 2026]);
    expect(missingNextYear(configured, '2026-10-31')).toBeNull();
    expect(missingNextYear(configured, '2026-11-01')).toBe(2027);
    expect(missingNextYear(configured, '2026-12-31')).toBe(2027);
    expect(missingNextYear(new Set([2027]), '2026-11-01')).toBeNull();
    expect(missingNextYear(configured, '2027-01-15')).toBeNull();
  });

  it('tells every system administrator once, from 1 November, until the year is entered', async () => {
    // 2040 and 2041: years no migration seeds
    const sys = await makeAccount(h.deps, [{ role: 'sysadmin', orgId: null, scope: 'subtree' }]);
    const other = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const count = async (id: string) => (await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM notification WHERE account_id = ${id} AND title = '2041 年工作日历尚未配置'`)).n;
    expect(await remindMissingCalendar(h.deps, '2040-10-31')).toBeNull();
    expect(await count(sys.id)).toBe(0);
    expect(await remindMissingCalendar(h.deps, '2040-11-01')).toBe(2041);
    expect(await remindMissingCalendar(h.deps, '2040-11-02')).toBe(2041);
    expect([await count(sys.id), await count(other.id)]).toEqual([1, 0]);
    const note = await h.db.one<{ link: string }>(sql`SELECT link FROM notification WHERE account_id = ${sys.id} AND title = '2041 年工作日历尚未配置'`);
    expect(note.link).toBe('/admin/system/calendar?year=2041');
    await h.db.exec(sql`INSERT INTO work_calendar_year (year, source) VALUES (2041, '测试')`);
    try {
      expect(await remindMissingCalendar(h.deps, '2040-11-03')).toBeNull();
    } finally {
      await h.db.exec(sql`DELETE FROM work_calendar_year WHERE year = 2041`);
    }
  });
});
