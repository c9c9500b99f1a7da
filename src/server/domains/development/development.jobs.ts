import type { Deps } from '../../deps';
import { addDays, daysBetween } from '../../platform/dates';
import { pickRule, ruleInForce, rulesInForce } from '../../platform/rules';
import { rolesWith } from '../../../contracts/permissions';
import { accountsCovering } from '../../platform/notify';
import { DEADLINE_KINDS, INFORMATIONAL_DEADLINES, type DeadlineKind } from '../../../contracts/development';
import { refreshDeadlines } from './development.shared';
import { listDeadlinesDueBy, listOpenFiles, loadCalendar, logReminderOnce } from './development.repo';
import type { DevelopmentRule } from './development.policy';

// The deadline engine's daily run: rebuild every open file's deadlines (rule
// versions and the calendar may have changed since a step was recorded), then
// remind the right people ahead of each deadline and once when it is overdue.
// reminder_log makes each reminder go out once, however often the job runs.

const MANAGERS = rolesWith('development.manage');
const APPROVERS = rolesWith('development.approve');
/** Deadlines the superior committee must meet (its approvals); the branch is reminded of the rest. */
const SUPERIOR_KINDS: readonly DeadlineKind[] = ['approval', 'conversion_approval'];

export async function refreshAllDeadlines(deps: Deps): Promise<number> {
  const today = deps.clock.today();
  const files = await listOpenFiles(deps.db);
  if (!files.length) return 0;
  // the rule versions in force and one calendar for every file's dates
  const rules = await rulesInForce<DevelopmentRule>(deps.db, 'development', 'intervals', today);
  const first = files.map((f) => f.applied_on).sort()[0];
  const cal = await loadCalendar(deps.db, Number(first.slice(0, 4)), Number(today.slice(0, 4)) + 3);
  for (const f of files) {
    const rule = pickRule(rules, f.path);
    if (!rule) throw new Error(`no development.intervals rule in force for ${f.path}`);
    await deps.db.tx((t) => refreshDeadlines(t, today, f.id, f.path, 'open', { rule: rule.body, cal }));
  }
  return files.length;
}

export async function sendDeadlineReminders(deps: Deps, today = deps.clock.today()): Promise<{ notified: number; deadlines: number }> {
  const rule = await ruleInForce<{ aheadDays: number[] }>(deps.db, 'development', 'reminders', today);
  const ahead = [...rule.body.aheadDays].sort((a, b) => a - b);
  const horizon = addDays(today, Math.max(0, ...ahead));
  const due = await listDeadlinesDueBy(deps.db, horizon);
  let notified = 0;
  let deadlines = 0;
  for (const d of due) {
    const left = daysBetween(today, d.due);
    const informational = INFORMATIONAL_DEADLINES.includes(d.kind);
    // informational points are announced once when reached; duties ahead of time and once overdue
    const window = ahead.find((a) => left <= a);
    const milestone = left < 0 ? (informational ? null : 'overdue') : informational ? (left === 0 ? 'reached' : null) : window === undefined ? null : `ahead${window}`;
    if (!milestone) continue;
    await deps.db.tx(async (t) => {
      const fresh = await logReminderOnce(t, d.file_id, `${d.kind}:${d.due}:${milestone}`);
      if (!fresh) return;
      deadlines++;
      const roles = SUPERIOR_KINDS.includes(d.kind) ? [...MANAGERS, ...APPROVERS] : MANAGERS;
      const accounts = await accountsCovering(t, { id: d.org_id, path: d.path }, roles);
      const what = DEADLINE_KINDS[d.kind];
      const title = milestone === 'overdue' ? `已逾期：${d.person_name} ${what}` : milestone === 'reached' ? `${d.person_name}：${what}` : `${left === 0 ? '今天到期' : `${left}天后到期`}：${d.person_name} ${what}`;
      for (const accountId of accounts) {
        await deps.notify.notify(t, accountId, { kind: 'development', title, body: `${d.org_name} · 期限 ${d.due}`, link: `/admin/development/candidates/${d.file_id}` });
        notified++;
      }
    });
  }
  return { notified, deadlines };
}

export function registerDevelopmentJobs(deps: Deps) {
  deps.jobs.register('development.deadlines', async () => {
    const files = await refreshAllDeadlines(deps);
    return { files, ...(await sendDeadlineReminders(deps)) };
  });
}
