import { describe, expect, it } from 'vitest';
import { countWorkingDays, endOfWorkingPeriod, isWorkingDay, EMPTY_CALENDAR, type WorkCalendar } from '../../src/server/platform/workdays';

// 2025 National Day and Mid-Autumn (国办发明电〔2024〕12号): off 1–8 October, make-up
// working days on Sunday 28 September and Saturday 11 October.
const cal2025: WorkCalendar = {
  configuredYears: new Set([2025]),
  days: new Map<string, 'holiday' | 'workday'>([
    ...['01', '02', '03', '04', '05', '06', '07', '08'].map((d) => [`2025-10-${d}`, 'holiday'] as [string, 'holiday']),
    ['2025-09-28', 'workday'],
    ['2025-10-11', 'workday'],
  ]),
};

describe('working days with holidays and 调休', () => {
  it('a make-up Sunday is a working day, a holiday Wednesday is not', () => {
    expect(isWorkingDay(cal2025, '2025-09-28')).toBe(true);
    expect(isWorkingDay(cal2025, '2025-10-01')).toBe(false);
    expect(isWorkingDay(cal2025, '2025-10-11')).toBe(true);
    expect(isWorkingDay(cal2025, '2025-10-12')).toBe(false);
  });
  it('5 working days from Friday 26 September end on Thursday 9 October', () => {
    // 26 Fri (1), 28 Sun make-up (2), 29 Mon (3), 30 Tue (4), 1–8 Oct holiday, 9 Thu (5)
    expect(endOfWorkingPeriod(cal2025, '2025-09-26', 5)).toEqual({ date: '2025-10-09', provisional: false });
  });
  it('without a calendar: Monday–Friday, and the result is provisional', () => {
    // 26 Fri (1), 29 Mon (2), 30 Tue (3), 1 Wed (4), 2 Thu (5)
    expect(endOfWorkingPeriod(EMPTY_CALENDAR, '2025-09-26', 5)).toEqual({ date: '2025-10-02', provisional: true });
  });
  it('a period that runs into an unconfigured year is provisional', () => {
    expect(endOfWorkingPeriod(cal2025, '2025-12-29', 5).provisional).toBe(true);
  });
  it('counts working days inclusively', () => {
    // 26 Fri, 28 Sun (make-up), 29 Mon, 30 Tue, 9 Thu, 10 Fri, 11 Sat (make-up): 7
    expect(countWorkingDays(cal2025, '2025-09-26', '2025-10-12')).toEqual({ days: 7, provisional: false });
  });
});
