import ICAL from 'ical.js';
import type { WorkCalendarKind } from '../../../contracts/calendar';

// A year of holidays and 调休 working days from a file: the JSON this editor
// understands ({ source?, days: [{ day, kind, name }] } or the bare list), or
// an iCalendar (.ics) file as calendar providers publish the Chinese public
// holidays: all-day events named after the holiday, with the make-up working
// days marked 班 (上班, 补班, 调休上班). The result fills the editor; nothing is
// saved until the administrator has looked at it and pressed 保存.

export interface ImportedDay {
  day: string;
  kind: WorkCalendarKind;
  name: string;
}

export interface CalendarImport {
  source: string | null;
  days: ImportedDay[];
  /** events or entries left out, in words (other years, observances that are not days off) */
  skipped: string[];
}

const STATUTORY = ['元旦', '春节', '清明', '劳动', '五一', '端午', '中秋', '国庆'];
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
function isDay(s: string): boolean {
  if (!ISO_DAY.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export class CalendarImportError extends Error {}

/** How an event's title reads: a make-up working day, a day off, or neither (an observance such as 情人节). */
export function kindOfSummary(summary: string): WorkCalendarKind | null {
  if (/班/.test(summary)) return 'workday';
  if (/休|假/.test(summary) || STATUTORY.some((h) => summary.includes(h))) return 'holiday';
  return null;
}

/** The holiday's own name from an event title ("春节（休）" → "春节", "春节 补班" → "春节调休上班"). */
function nameOf(summary: string, kind: WorkCalendarKind): string {
  const base = summary.replace(/[（(【[].*?[）)】\]]/g, '').replace(/(调休)?(上班|补班|班|休息|放假|休|假期)$/u, '').trim() || summary.trim();
  return (kind === 'workday' ? `${base}调休上班` : base).slice(0, 50);
}

function addDay(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function fromJson(text: string, year: number): CalendarImport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CalendarImportError('文件不是有效的 JSON');
  }
  const list = Array.isArray(data) ? data : (data as { days?: unknown })?.days;
  if (!Array.isArray(list)) throw new CalendarImportError('JSON 中没有日期列表（应为 { "source": "…", "days": [{ "day": "2026-01-01", "kind": "holiday", "name": "元旦" }] }）');
  const source = !Array.isArray(data) && typeof (data as { source?: unknown }).source === 'string' ? ((data as { source: string }).source.trim() || null) : null;
  const days: ImportedDay[] = [];
  const skipped: string[] = [];
  list.forEach((x, i) => {
    const e = x as { day?: unknown; kind?: unknown; name?: unknown };
    if (typeof e?.day !== 'string' || !isDay(e.day) || (e.kind !== 'holiday' && e.kind !== 'workday') || typeof e.name !== 'string' || !e.name.trim()) {
      skipped.push(`第 ${i + 1} 项格式不正确`);
      return;
    }
    if (!e.day.startsWith(`${year}-`)) {
      skipped.push(`${e.day} 不在 ${year} 年`);
      return;
    }
    days.push({ day: e.day, kind: e.kind, name: e.name.trim().slice(0, 50) });
  });
  return { source, days, skipped };
}

function fromIcs(text: string, year: number): CalendarImport {
  let comp: ICAL.Component;
  try {
    comp = new ICAL.Component(ICAL.parse(text));
  } catch {
    throw new CalendarImportError('文件不是有效的 iCalendar（.ics）日历');
  }
  const source = (comp.getFirstPropertyValue('x-wr-calname') as string | null) ?? null;
  const days = new Map<string, ImportedDay>();
  const skipped: string[] = [];
  for (const v of comp.getAllSubcomponents('vevent')) {
    const ev = new ICAL.Event(v);
    const summary = (ev.summary ?? '').trim();
    const kind = kindOfSummary(summary);
    if (!kind) {
      skipped.push(`“${summary || '（无标题）'}”不是放假或调休上班`);
      continue;
    }
    if (!ev.startDate?.isDate) {
      skipped.push(`“${summary}”不是全天事件`);
      continue;
    }
    const first = ev.startDate.toString();
    // DTEND of an all-day event is exclusive; without one the event is that day
    const end = ev.endDate && ev.endDate.isDate ? ev.endDate.toString() : addDay(first, 1);
    let inYear = 0;
    for (let d = first; d < end; d = addDay(d, 1)) {
      if (!d.startsWith(`${year}-`)) continue;
      days.set(d, { day: d, kind, name: nameOf(summary, kind) });
      inYear++;
    }
    if (!inYear) skipped.push(`“${summary}”（${first}）不在 ${year} 年`);
  }
  return { source, days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)), skipped };
}

/** Reads a calendar file for `year`; throws CalendarImportError with a Chinese message when it cannot. */
export function parseCalendarFile(fileName: string, text: string, year: number): CalendarImport {
  const body = text.replace(/^\uFEFF/, '');
  if (/\.json$/i.test(fileName) || /^\s*[[{]/.test(body)) return fromJson(body, year);
  if (/\.ics$/i.test(fileName) || /^\s*BEGIN:VCALENDAR/i.test(body)) return fromIcs(body, year);
  throw new CalendarImportError('只支持 JSON（.json）或 iCalendar（.ics）文件');
}
