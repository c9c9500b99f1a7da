import { describe, expect, it } from 'vitest';
import { CalendarImportError, kindOfSummary, parseCalendarFile } from '../../src/web/features/admin/calendar-import';

// The work-calendar editor's file import: JSON and iCalendar as providers publish the Chinese public holidays.

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//holidays//CN',
  'X-WR-CALNAME:中国法定节假日 2026',
  'BEGIN:VEVENT', 'UID:1', 'DTSTART;VALUE=DATE:20260215', 'DTEND;VALUE=DATE:20260224', 'SUMMARY:春节（休）', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:2', 'DTSTART;VALUE=DATE:20260214', 'DTEND;VALUE=DATE:20260215', 'SUMMARY:春节 补班', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:3', 'DTSTART;VALUE=DATE:20260214', 'SUMMARY:情人节', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:4', 'DTSTART;VALUE=DATE:20251231', 'DTEND;VALUE=DATE:20260104', 'SUMMARY:元旦', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:5', 'DTSTART;VALUE=DATE:20260104', 'SUMMARY:元旦调休上班', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:6', 'DTSTART:20261001T090000', 'DTEND:20261001T100000', 'SUMMARY:国庆节假期安排会议', 'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

describe('calendar file import', () => {
  it('reads all-day holiday events day by day, with make-up working days marked 班, and says what it left out', () => {
    const r = parseCalendarFile('holidays.ics', ICS, 2026);
    expect(r.source).toBe('中国法定节假日 2026');
    expect(r.days.filter((d) => d.kind === 'holiday').map((d) => d.day)).toEqual([
      '2026-01-01', '2026-01-02', '2026-01-03',
      '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23',
    ]);
    expect(r.days.filter((d) => d.kind === 'workday')).toEqual([
      { day: '2026-01-04', kind: 'workday', name: '元旦调休上班' },
      { day: '2026-02-14', kind: 'workday', name: '春节调休上班' },
    ]);
    expect(r.days.find((d) => d.day === '2026-02-16')?.name).toBe('春节');
    expect(r.skipped).toEqual(['“情人节”不是放假或调休上班', '“国庆节假期安排会议”不是全天事件']);
  });

  it('reads the editor’s JSON, keeps the year asked for and reports malformed entries', () => {
    const json = JSON.stringify({ source: '国务院办公厅关于2026年部分节假日安排的通知', days: [
      { day: '2026-05-01', kind: 'holiday', name: '劳动节' }, { day: '2026-05-09', kind: 'workday', name: '劳动节调休上班' },
      { day: '2027-01-01', kind: 'holiday', name: '元旦' }, { day: '2026-13-01', kind: 'holiday', name: 'x' },
    ] });
    const r = parseCalendarFile('2026.json', json, 2026);
    expect(r.source).toBe('国务院办公厅关于2026年部分节假日安排的通知');
    expect(r.days).toEqual([{ day: '2026-05-01', kind: 'holiday', name: '劳动节' }, { day: '2026-05-09', kind: 'workday', name: '劳动节调休上班' }]);
    expect(r.skipped).toEqual(['2027-01-01 不在 2026 年', '第 4 项格式不正确']);
  });

  it('says in Chinese what is wrong with a file it cannot read', () => {
    expect(() => parseCalendarFile('a.json', '{ not json', 2026)).toThrow(CalendarImportError);
    expect(() => parseCalendarFile('a.json', '{ not json', 2026)).toThrow('文件不是有效的 JSON');
    expect(() => parseCalendarFile('a.ics', 'BEGIN:VCALENDAR\r\nBROKEN', 2026)).toThrow('iCalendar');
    expect(() => parseCalendarFile('a.txt', 'hello', 2026)).toThrow('只支持 JSON（.json）或 iCalendar（.ics）文件');
  });

  it('classifies event titles', () => {
    expect([kindOfSummary('国庆节'), kindOfSummary('调休上班'), kindOfSummary('休'), kindOfSummary('母亲节')]).toEqual(['holiday', 'workday', 'holiday', null]);
  });
});
