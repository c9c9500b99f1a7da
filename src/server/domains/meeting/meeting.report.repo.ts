import { sql } from '../../platform/sql';
import { MEETING_TYPES } from '../../../contracts/meeting';
import { dimensionValues, monthWindow, type ReportSubjectSource } from '../../platform/report-subjects';

// 组织生活 as a report-builder subject: the meetings held in the period by
// the subtree's orgs, with the attendance of the members expected at them.

export const meetingReportSubject: ReportSubjectSource = {
  key: 'meetings',
  label: '组织生活（三会一课）',
  description: '开始至结束日期之间召开的会议（按召开日期，记在召开会议的党组织）；出席率为出席的正式、预备党员占应到的比例。',
  permission: 'meeting.read',
  order: 30,
  from: (orgs) => sql`meeting mt JOIN ${orgs} ON o.id = mt.org_id`,
  where: (p) => sql`mt.status = 'held' AND mt.held_on BETWEEN ${p.from}::date AND ${p.to}::date`,
  dimensions: [
    { key: 'type', label: '会议类型', values: dimensionValues(MEETING_TYPES), expr: () => sql`mt.type` },
    { key: 'month', label: '月份', values: null, expr: () => sql`to_char(mt.held_on, 'YYYY-MM')` },
  ],
  measures: [
    { key: 'meetings', label: '会议次数', kind: 'count', unit: '次', expr: sql`count(*)` },
    // the attendees are counted only when the rate is asked for (a subquery per meeting)
    {
      key: 'attendance_rate', label: '出席率', kind: 'rate', unit: '%',
      expr: sql`coalesce(sum((SELECT count(*) FROM meeting_attendee a WHERE a.meeting_id = mt.id AND a.kind IN ('member', 'probationary') AND a.attendance = 'present')), 0)`,
      denominator: sql`coalesce(sum((SELECT count(*) FROM meeting_attendee a WHERE a.meeting_id = mt.id AND a.kind IN ('member', 'probationary'))), 0)`,
    },
  ],
  link(v, orgId, p) {
    // 会议 lists the held meetings of an org's subtree by type and date
    const window = monthWindow(v.month, p);
    if (!window) return null;
    const q = new URLSearchParams({ orgId: v.org ?? orgId, status: 'held', from: window.from, to: window.to });
    if (v.type) q.set('type', v.type);
    return `/admin/meetings?${q}`;
  },
};
