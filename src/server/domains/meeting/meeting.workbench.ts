import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { orgInScope } from '../../platform/scope';
import { WORKBENCH_GROUP_ITEMS, type WorkbenchGroup } from '../../../contracts/workbench';
import { MEETING_TYPES, periodBounds, periodLabel, periodOf, type MeetingType } from '../../../contracts/meeting';
import { daysBetween } from '../../platform/dates';
import { registerWorkbenchSource, type WorkbenchOrg } from '../workbench';
import { behindInPeriod } from './meeting.compliance';
import { cadenceLabel } from './meeting.policy';
import { cadenceRule } from './meeting.service';
import * as repo from './meeting.repo';

// The 组织生活 工作台 section (RULES §3): per meeting type, the orgs in the
// caller's scope that have not yet held the required meeting in the current
// period, once the period's end is near (rule `warnDaysBeforeEnd`), and the
// leave requests waiting for a decision.

export async function meetingsWorkbench(deps: Deps, ctx: ActorContext, under: WorkbenchOrg | null = null) {
  const today = deps.clock.today();
  const rule = await cadenceRule(deps.db, today);
  const groups: WorkbenchGroup[] = [];
  let behindTotal = 0;
  for (const type of Object.keys(MEETING_TYPES) as MeetingType[]) {
    const c = rule.body.types[type];
    if (type === 'heart_talk') continue;
    const period = periodOf(c.period, today);
    const daysLeft = daysBetween(today, periodBounds(period).to);
    if (daysLeft > rule.body.warnDaysBeforeEnd) continue;
    const rows = await behindInPeriod(deps.db, rule.body, type, period, orgInScope(ctx.actor, 'meeting.read'), under?.path ?? null, WORKBENCH_GROUP_ITEMS);
    if (!rows.length) continue;
    behindTotal += rows[0].total;
    groups.push({
      kind: `due_${type}`, label: `${periodLabel(period)}尚未召开${MEETING_TYPES[type]}`, level: 'warning', count: rows[0].total, source: rule.source,
      link: `/admin/meetings/compliance?period=${period}`,
      items: rows.map((r) => ({ title: r.name, detail: `${cadenceLabel(rule.body, type)}，本期还剩${daysLeft}天`, orgName: null, date: periodBounds(period).to, level: 'warning' as const, link: `/admin/meetings?orgId=${r.id}` })),
    });
  }
  const leave = await repo.pendingLeave(deps.db, orgInScope(ctx.actor, 'meeting.manage'), under?.path ?? null, WORKBENCH_GROUP_ITEMS);
  if (leave.length) {
    groups.push({
      kind: 'leave_requests', label: '请假待审批', level: 'info', count: leave[0].total, source: null, link: '/admin/meetings',
      items: leave.map((l) => ({ title: l.person_name, detail: l.title, orgName: l.org_name, date: null, level: 'info' as const, link: `/admin/meetings/${l.meeting_id}` })),
    });
  }
  return {
    link: '/admin/meetings',
    stats: [{ label: '临期未开', value: behindTotal, unit: '个', link: '/admin/meetings/compliance' }, { label: '请假待批', value: leave[0]?.total ?? 0, unit: '人', link: '/admin/meetings' }],
    groups,
    empty: '组织生活均已按期安排。',
  };
}

export function registerMeetingsWorkbench() {
  registerWorkbenchSource({ key: 'meetings', title: '组织生活', permission: 'meeting.read', order: 45, load: meetingsWorkbench });
}
