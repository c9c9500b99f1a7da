import { z } from 'zod';
import { isStorableText, Text } from './common';

// The working-day calendar (工作日历): per year, the holidays and the 调休
// make-up working days of the State Council's notice. A year without a
// calendar counts Monday–Friday and its results are provisional (暂定).

export const WORK_CALENDAR_KINDS = { holiday: '放假', workday: '调休上班' } as const;
export type WorkCalendarKind = keyof typeof WORK_CALENDAR_KINDS;

export const WORK_CALENDAR_MIN_YEAR = 2000;
export const WORK_CALENDAR_MAX_YEAR = 2100;
const YEAR_MESSAGE = `年份应为${WORK_CALENDAR_MIN_YEAR}至${WORK_CALENDAR_MAX_YEAR}之间的整数`;

export const WorkCalendarYearParams = z.object({
  year: z.coerce.number({ message: YEAR_MESSAGE }).int({ message: YEAR_MESSAGE }).min(WORK_CALENDAR_MIN_YEAR, { message: YEAR_MESSAGE }).max(WORK_CALENDAR_MAX_YEAR, { message: YEAR_MESSAGE }),
});

export const WorkCalendarKindEnum = z.enum(['holiday', 'workday'], { message: '请选择类型：放假或调休上班' });

export const WorkCalendarDayInput = z.object({
  day: z.iso.date({ message: '日期应为有效的“年-月-日”，如 2026-01-01' }),
  kind: WorkCalendarKindEnum,
  name: z.string({ message: '请填写名称（如“春节”）' }).refine(isStorableText, { message: '含有无效字符（空字符或无效的字符编码）' }).trim().min(1, { message: '请填写名称（如“春节”）' }).max(50, { message: '名称不能超过50个字' }),
});

export const PutWorkCalendarYearBody = z.object({
  source: z
    .string({ message: '请填写来源（所依据的放假安排通知）' })
    .refine(isStorableText, { message: '含有无效字符（空字符或无效的字符编码）' })
    .trim()
    .min(1, { message: '请填写来源（所依据的放假安排通知）' })
    .max(500, { message: '来源不能超过500个字' }),
  days: z.array(WorkCalendarDayInput, { message: '请填写放假和调休上班的日期' }).max(366, { message: '一年最多366天' }),
});
export type PutWorkCalendarYearBody = z.infer<typeof PutWorkCalendarYearBody>;

export const WorkCalendarDayView = z.object({ day: Text, kind: WorkCalendarKindEnum, name: Text });
export const WorkCalendarYearView = z.object({
  year: z.number().int(),
  configured: z.boolean(),
  source: Text.nullable(),
  updatedAt: Text.nullable(),
  days: z.array(WorkCalendarDayView),
});
export const WorkCalendarYearSummary = z.object({
  year: z.number().int(),
  source: Text,
  updatedAt: Text,
  holidays: z.number().int(),
  workdays: z.number().int(),
});
export const WorkCalendarYearList = z.object({
  items: z.array(WorkCalendarYearSummary),
  // from 1 November: next year, when its calendar is not configured yet
  missingNextYear: z.number().int().nullable(),
});

/** 0 Sunday … 6 Saturday of a 'YYYY-MM-DD' date. */
export function weekdayOf(day: string): number {
  return new Date(day + 'T00:00:00Z').getUTCDay();
}

export const WEEKDAY_NAMES = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

/**
 * The problems of a year's special days beyond their shape, worded for people:
 * each day inside the year, no day twice, a 调休上班 day on a Saturday or
 * Sunday. A holiday may fall on a weekend (holidays often include one).
 * Fields are the request paths (days.3.day) so the web can place them.
 */
export function workCalendarProblems(year: number, days: ReadonlyArray<{ day: string; kind: string }>): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  const seen = new Map<string, number>();
  days.forEach((d, i) => {
    const field = `days.${i}.day`;
    if (Number(d.day.slice(0, 4)) !== year) {
      problems.push({ field, message: `${d.day} 不在 ${year} 年内` });
      return;
    }
    const first = seen.get(d.day);
    if (first !== undefined) {
      problems.push({ field, message: `${d.day} 重复填写（第 ${first + 1} 行已有这一天）` });
      return;
    }
    seen.set(d.day, i);
    const w = weekdayOf(d.day);
    if (d.kind === 'workday' && w !== 0 && w !== 6) problems.push({ field, message: `调休上班日应为周六或周日（${d.day} 是${WEEKDAY_NAMES[w]}）` });
  });
  return problems;
}
