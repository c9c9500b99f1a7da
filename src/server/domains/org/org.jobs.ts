import type { Deps } from '../../deps';
import * as repo from './org.repo';
import { addDays } from '../../platform/dates';
import { rulesInForce, pickRule } from '../../platform/rules';
import { rolesWith } from '../../../contracts/permissions';
import { accountsCovering } from '../../platform/notify';
import type { SetupRule } from './org.policy';

// 换届 reminders (RULES §3: warn before expiry, flag overdue): once a day, every
// committee whose term ends within the warning window, or has ended, is
// notified once per milestone to the accounts that manage committees there.

const MANAGERS = rolesWith('committee.manage');

export async function sendTermReminders(deps: Deps, today = deps.clock.today()): Promise<{ notified: number; committees: number }> {
  const rules = await rulesInForce<SetupRule>(deps.db, 'org', 'setup', today);
  const widest = Math.max(0, ...rules.map((r) => r.body.termWarningDays));
  const due = await repo.listCommitteesEndingBy(deps.db, addDays(today, widest));
  let notified = 0;
  let committees = 0;
  for (const d of due) {
    const rule = pickRule(rules, d.path);
    if (!rule) continue;
    const overdue = d.term_ends_on < today;
    if (!overdue && d.term_ends_on > addDays(today, rule.body.termWarningDays)) continue;
    const kind = overdue ? 'term_overdue' : 'term_expiring';
    await deps.db.tx(async (t) => {
      const fresh = await repo.insertReminderLog(t, kind, d.committee_id, d.term_ends_on);
      if (!fresh) return;
      committees++;
      // accounts whose grant covers this org and whose role manages committees
      for (const accountId of await accountsCovering(t, { id: d.org_id, path: d.path }, MANAGERS)) {
        await deps.notify.notify(t, accountId, {
          kind: 'org_term',
          title: overdue ? `${d.org_name}已超期未换届` : `${d.org_name}任期将于 ${d.term_ends_on} 届满`,
          body: overdue ? `本届任期已于 ${d.term_ends_on} 届满，请尽快组织换届选举。依据：${rule.source}` : `请提前做好换届准备。依据：${rule.source}`,
          link: `/admin/orgs?id=${d.org_id}`,
        });
        notified++;
      }
    });
  }
  return { notified, committees };
}

export function registerOrgJobs(deps: Deps) {
  deps.jobs.register('org.term_reminders', async () => sendTermReminders(deps));
}
