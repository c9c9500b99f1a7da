import sanitizeHtml from 'sanitize-html';
import {
  MEETING_TYPES, RECORD_TAGS, periodOf,
  type AttendanceRule, type AttendanceSummary, type CadenceRule, type MeetingType,
} from '../../../contracts/meeting';

// Pure rules of organisational life: periods and plan dates from the cadence,
// the sign-in window and its rotating QR tokens, attendance arithmetic, the
// minutes' allowed markup. Unit-tested without a database.

export interface PlannedSlot {
  type: MeetingType;
  period: string;
  plannedDate: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOf = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const dateIn = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(Math.min(d, lastDayOf(y, m)))}`;

// The day of the month a planned meeting is put on (the secretary moves it):
// the committee meets early in the month so the assembly and the 主题党日 can
// follow its decisions.
const PLAN_DAY: Record<MeetingType, number> = {
  committee_meeting: 5, group_meeting: 20, branch_assembly: 10, party_lecture: 25,
  theme_day: 15, life_meeting: 15, democratic_review: 20, heart_talk: 10,
};

/** Whether an org is bound by a meeting type's cadence. */
export function isObligated(rule: CadenceRule, type: MeetingType, org: { type: string; hasCommittee: boolean }): boolean {
  const c = rule.types[type];
  return c.orgTypes.includes(org.type) && (!c.withCommittee || org.hasCommittee);
}

/** The meetings the cadence asks of an org in a year: one slot per required meeting and period. */
export function planSlots(rule: CadenceRule, org: { type: string; hasCommittee: boolean }, year: number): PlannedSlot[] {
  const out: PlannedSlot[] = [];
  for (const type of Object.keys(MEETING_TYPES) as MeetingType[]) {
    const c = rule.types[type];
    if (!c || !isObligated(rule, type, org) || type === 'heart_talk') continue; // 谈心谈话 are between chosen people, recorded when held
    const day = type === 'theme_day' ? rule.themeDayOfMonth : PLAN_DAY[type];
    const months = c.period === 'month' ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] : c.period === 'quarter' ? [2, 5, 8, 11] : [c.usualMonth ?? 12];
    for (const m of months) {
      const plannedDate = dateIn(year, m, day);
      for (let i = 0; i < c.min; i++) out.push({ type, period: periodOf(c.period, plannedDate), plannedDate });
    }
  }
  return out;
}

/** The sign-in window of a meeting: from before its start to after its end (rule `meetings.attendance`). */
export function signInWindow(rule: AttendanceRule, m: { startsAt: Date | null; endsAt: Date | null }): { opensAt: Date; closesAt: Date } | null {
  if (!m.startsAt) return null;
  const end = m.endsAt ?? new Date(m.startsAt.getTime() + rule.defaultDurationMinutes * 60_000);
  return {
    opensAt: new Date(m.startsAt.getTime() - rule.signInOpensMinutesBefore * 60_000),
    closesAt: new Date(end.getTime() + rule.signInClosesMinutesAfter * 60_000),
  };
}

// the rotating QR tokens are the platform's (platform/rotating-token.ts), shared with the centre's kiosk
export { rotatingToken as signInToken, checkRotatingToken as checkSignInToken } from '../../platform/rotating-token';

/** Attendance of a held meeting: expected net of approved leave is the denominator. */
export function attendanceSummary(rows: readonly { attendance: string; leaveStatus: string | null; canVote: boolean }[]): AttendanceSummary {
  const onLeave = rows.filter((r) => r.leaveStatus === 'approved' && r.attendance !== 'present').length;
  const present = rows.filter((r) => r.attendance === 'present').length;
  const netExpected = rows.length - onLeave;
  return {
    expected: rows.length,
    onLeave,
    netExpected,
    present,
    absent: netExpected - present,
    rate: netExpected > 0 ? present / netExpected : null,
    votingPresent: rows.filter((r) => r.attendance === 'present' && r.canVote).length,
  };
}

/** The minutes' record as stored: the allowed tags only, no attributes, no scripts or styles. */
export function cleanRecord(html: string): string {
  return sanitizeHtml(html, { allowedTags: [...RECORD_TAGS], allowedAttributes: {}, disallowedTagsMode: 'discard' }).trim();
}

/** Plain text of a stored record (keywords, the report). */
export function recordText(html: string): string {
  return sanitizeHtml(html.replace(/<\/(p|li|h3|h4|blockquote)>|<br\s*\/?>/gi, '$&\n'), { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n').trim();
}

/** The citation of the cadence for one meeting type, as the page shows it. */
export function cadenceLabel(rule: CadenceRule, type: MeetingType): string {
  const c = rule.types[type];
  const per = c.period === 'month' ? '每月' : c.period === 'quarter' ? '每季度' : '每年';
  return `${per}至少${c.min}次`;
}
