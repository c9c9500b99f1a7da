import { addDays } from './dates';

// Working days with holidays and 调休 make-up days (RULES §1 "Working days").
// A year with a configured calendar follows it; a year without one counts
// Monday–Friday, and any result that depends on such a year is provisional.

export interface WorkCalendar {
  configuredYears: ReadonlySet<number>;
  /** special days of configured years: 'holiday' (off) or 'workday' (调休, on) */
  days: ReadonlyMap<string, 'holiday' | 'workday'>;
}

export const EMPTY_CALENDAR: WorkCalendar = { configuredYears: new Set(), days: new Map() };

const yearOf = (d: string) => Number(d.slice(0, 4));

function weekday(d: string): number {
  return new Date(d + 'T00:00:00Z').getUTCDay(); // 0 Sunday … 6 Saturday
}

export function isWorkingDay(cal: WorkCalendar, d: string): boolean {
  const special = cal.days.get(d);
  if (special && cal.configuredYears.has(yearOf(d))) return special === 'workday';
  const w = weekday(d);
  return w !== 0 && w !== 6;
}

export interface WorkdayResult {
  date: string;
  provisional: boolean;
}

/**
 * The day on which a period of `n` working days that starts on `start` ends:
 * `start` counts when it is a working day (a 公示 posted on Monday morning
 * with 5 working days ends on Friday).
 */
export function endOfWorkingPeriod(cal: WorkCalendar, start: string, n: number): WorkdayResult {
  if (n < 1) throw new Error('a period has at least one working day');
  let d = start;
  let counted = 0;
  let provisional = false;
  for (;;) {
    if (!cal.configuredYears.has(yearOf(d))) provisional = true;
    if (isWorkingDay(cal, d)) counted++;
    if (counted === n) return { date: d, provisional };
    d = addDays(d, 1);
  }
}

/** Working days from `from` to `to`, both included. */
export function countWorkingDays(cal: WorkCalendar, from: string, to: string): { days: number; provisional: boolean } {
  let days = 0;
  let provisional = false;
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (!cal.configuredYears.has(yearOf(d))) provisional = true;
    if (isWorkingDay(cal, d)) days++;
  }
  return { days, provisional };
}
