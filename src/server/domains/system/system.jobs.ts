import type { Deps } from '../../deps';
import { remindMissingCalendar } from './calendar';

// Scheduled work of the system domain: the reminder about next year's working-day calendar.
export function registerSystemJobs(deps: Deps) {
  deps.jobs.register('system.calendar_reminder', async () => {
    const year = await remindMissingCalendar(deps, deps.clock.today());
    return { missingYear: year };
  });
}
