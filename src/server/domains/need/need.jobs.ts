import type { Deps } from '../../deps';
import { escalateNeeds } from './need.service';

// The hourly job that escalates needs nobody claimed within the rule's hours.
export function registerNeedJobs(deps: Deps) {
  deps.jobs.register('need.escalate', async () => ({ escalated: await escalateNeeds(deps) }));
}
