import { Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import type { OrgType } from '../../../contracts/dict';
import { MEETING_STATUSES, MEETING_TYPES, type MeetingStatus, type MeetingType } from '../../../contracts/meeting';
import { usePageOrg } from '../../shared/current-org';
import { dayjs } from '../../shared/dates';

// Small pieces shared by the 组织生活 pages: tags, times in Asia/Shanghai,
// rates, and the org the pages work on.

export const TYPE_COLORS: Record<MeetingType, string> = {
  branch_assembly: 'red',
  committee_meeting: 'volcano',
  group_meeting: 'orange',
  party_lecture: 'gold',
  theme_day: 'magenta',
  life_meeting: 'purple',
  democratic_review: 'geekblue',
  heart_talk: 'cyan',
};

export function MeetingTypeTag({ type }: { type: MeetingType }) {
  return (
    <Tag color={TYPE_COLORS[type]} style={{ marginInlineEnd: 0 }}>
      {MEETING_TYPES[type]}
    </Tag>
  );
}

const STATUS_COLORS: Record<MeetingStatus, string> = { planned: 'processing', held: 'success', cancelled: 'default' };

export function MeetingStatusTag({ status }: { status: MeetingStatus }) {
  return (
    <Tag color={STATUS_COLORS[status]} style={{ marginInlineEnd: 0 }}>
      {MEETING_STATUSES[status]}
    </Tag>
  );
}

export const typeOptions = (Object.keys(MEETING_TYPES) as MeetingType[]).map((k) => ({ value: k, label: MEETING_TYPES[k] }));
export const statusOptions = (Object.keys(MEETING_STATUSES) as MeetingStatus[]).map((k) => ({ value: k, label: MEETING_STATUSES[k] }));

/** Orgs that hold 三会一课 (the server refuses committees). */
export const MEETING_ORG_TYPES: readonly OrgType[] = ['general_branch', 'branch', 'joint_branch', 'temporary_branch', 'party_group'];

/** The meeting types an org of this type holds (the server's rule, offered up front). */
export function typesFor(orgType: string | undefined): MeetingType[] {
  const all = Object.keys(MEETING_TYPES) as MeetingType[];
  if (!orgType) return all;
  if (orgType === 'party_group') return ['group_meeting', 'party_lecture', 'heart_talk'];
  return all.filter((t) => t !== 'group_meeting');
}

const hm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** 14:30 in Asia/Shanghai. */
export function timeOf(iso: string | null | undefined): string {
  return iso ? hm.format(new Date(iso)) : '';
}

/** "14:30–16:00", "14:30" or "" */
export function timeRange(startsAt: string | null, endsAt: string | null): string {
  if (!startsAt) return '';
  return endsAt ? `${timeOf(startsAt)}–${timeOf(endsAt)}` : timeOf(startsAt);
}

/** A picked date-time as ISO 8601 with the browser's offset (2026-12-04T14:30:00+08:00), or null. */
export function isoWithOffset(d: Dayjs | null | undefined): string | null {
  return d ? d.second(0).millisecond(0).format('YYYY-MM-DDTHH:mm:ssZ') : null;
}

export const fromIso = (iso: string | null | undefined): Dayjs | undefined => (iso ? dayjs(iso) : undefined);

/** 0.8571 → 85.7% */
export const pct = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);

/** a/b as a rate (null when b is 0). */
export const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** mm:ss (or h:mm:ss past an hour) of milliseconds. */
export function clockText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The org the meeting pages show (see usePageOrg). */
export const useMeetingOrg = usePageOrg;
