import type { Deps } from '../../deps';
import { unscoped } from '../../platform/scope';
import { addDays, daysBetween } from '../../platform/dates';
import { MEETING_TYPES, periodBounds, periodLabel, periodOf, type MeetingType } from '../../../contracts/meeting';
import type { DetectedWarning, WarningDetector } from '../warning';
import { behindInPeriod } from './meeting.compliance';
import { cadenceLabel } from './meeting.policy';
import { cadenceRule } from './meeting.service';

// Meeting compliance (RULES §3) as warnings: near the end of a period (the
// rule's `warnDaysBeforeEnd`), each org that has not yet held a required
// meeting of the period — the 工作台's rows, one warning per org, type and
// period. Held in time, the warning clears at the next scan.
export const meetingWarningDetector: WarningDetector = {
  module: 'meeting',
  kinds: Object.fromEntries(Object.entries(MEETING_TYPES).map(([k, v]) => [`due_${k}`, `临期未开${v}`])),
  async detect(deps: Deps, today: string) {
    const rule = await cadenceRule(deps.db, today);
    const out: DetectedWarning[] = [];
    for (const type of Object.keys(MEETING_TYPES) as MeetingType[]) {
      if (type === 'heart_talk') continue;
      const period = periodOf(rule.body.types[type].period, today);
      const end = periodBounds(period).to;
      const daysLeft = daysBetween(today, end);
      if (daysLeft > rule.body.warnDaysBeforeEnd) continue;
      const rows = await behindInPeriod(deps.db, rule.body, type, period, unscoped('the warning scan reads every org; the list scopes its reads'), null, null);
      for (const r of rows) {
        out.push({
          kind: `due_${type}`, subject: `${r.id}:${period}`, orgId: r.id, title: r.name, level: 'warning', source: rule.source,
          detail: `${periodLabel(period)}尚未召开${MEETING_TYPES[type]}（${cadenceLabel(rule.body, type)}），本期还剩 ${daysLeft} 天`,
          link: `/admin/meetings?orgId=${r.id}`, dueOn: end, factOn: addDays(end, -rule.body.warnDaysBeforeEnd),
        });
      }
    }
    return out;
  },
};
