import type { Deps } from '../../deps';
import { addDays } from '../../platform/dates';
import { reconcile, settlePendingOrders } from './dues.online';
import { generateBillsParallel, ruleFor } from './dues.bills';
import { arrears, listRootOrgs, logArrearsReminderOnce } from './dues.repo';
import { unscoped } from '../../platform/scope';
import { rolesWith } from '../../../contracts/permissions';
import { accountsCovering } from '../../platform/notify';
const MANAGERS = rolesWith('dues.manage');
const APPROVERS = rolesWith('dues.approve');
import { monthOf } from './dues.policy';

// Bills appear by themselves: once a day the current month's bills of every
// tree are generated or corrected (idempotent, so a late base change before
// payment is picked up and a paid bill never moves).

export async function generateCurrentMonth(deps: Deps, month = monthOf(deps.clock.today())) {
  const roots = await listRootOrgs(deps.db);
  const results = [];
  for (const r of roots) {
    results.push({ orgId: r.id, ...(await generateBillsParallel(deps.db, r.path, month)) });
  }
  return results;
}

/**
 * Arrears reminders (RULES §2): at 3 consecutive unpaid months the branch is
 * reminded to talk to the member (批评教育); at 6 the case is flagged for
 * 组织处理 to the branch and the committee above. Once per member, level and
 * run of months (reminder_log).
 */
export async function sendArrearsReminders(deps: Deps, asOf = monthOf(deps.clock.today())) {
  const rule = await ruleFor(deps.db, asOf);
  // the system's job: every member in arrears, whoever they are
  const rows = await arrears(deps.db, unscoped('the system\'s arrears reminder job reads every member\'s arrears'), null, asOf, rule.body.arrearsWarnMonths);
  let notified = 0;
  for (const r of rows) {
    const level = r.months >= rule.body.arrearsActionMonths ? 'action' : 'warn';
    await deps.db.tx(async (t) => {
      const fresh = await logArrearsReminderOnce(t, r.person_id, `${level}:${r.since}`);
      if (!fresh) return;
      const roles = level === 'action' ? [...MANAGERS, ...APPROVERS] : MANAGERS;
      for (const accountId of await accountsCovering(t, { id: r.org_id, path: r.org_path }, roles)) {
        await deps.notify.notify(t, accountId, {
          kind: 'dues_arrears',
          title: level === 'action' ? `${r.name} 已连续${r.months}个月未交党费，须按规定组织处理` : `${r.name} 已连续${r.months}个月未交党费，请进行批评教育`,
          body: `${r.org_name} · 自 ${r.since} 起，欠交 ${(r.owed_fen / 100).toFixed(2)} 元。依据：${rule.source.slice(0, 40)}…`,
          link: `/admin/dues/arrears?orgId=${r.org_id}`,
        });
        notified++;
      }
    });
  }
  return { members: rows.length, notified };
}

export function registerDuesJobs(deps: Deps) {
  deps.jobs.register('dues.monthly_bills', async () => ({ bills: await generateCurrentMonth(deps), arrears: await sendArrearsReminders(deps) }));
  // hourly: orders whose notification never came are settled by querying the provider, expired ones closed
  deps.jobs.register('dues.payments', async () => ({ settled: await settlePendingOrders(deps) }));
  // daily: yesterday against the provider's statement (the installation's reconciliation)
  deps.jobs.register('dues.reconciliation', async (job) => reconcileYesterday(deps, job.payload.day));
}

/** The daily reconciliation: the previous business day (or a given one) against the configured provider. */
export async function reconcileYesterday(deps: Deps, day?: unknown) {
  if (!deps.payments) return { skipped: 'no payment provider configured' };
  return reconcile(deps, typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : addDays(deps.clock.today(), -1));
}
