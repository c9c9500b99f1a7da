import type { Deps } from '../../deps';
import { remindMissingCalendar } from './calendar';
import { runBackup } from './backups';

// Scheduled work of the system domain: the reminder about next year's
// working-day calendar, and the backups (scheduled, or 立即备份).
export function registerSystemJobs(deps: Deps) {
  deps.jobs.register('system.backup', async (job) => runBackup(deps, new Date(), job.createdBy ? 'system:backup(requested)' : 'system:backup(scheduled)'));
  deps.jobs.register('system.calendar_reminder', async () => {
    const year = await remindMissingCalendar(deps, deps.clock.today());
    return { missingYear: year };
  });
}
