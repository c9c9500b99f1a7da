import type { Deps } from '../../deps';
import { scanWarnings } from './warning.service';

// The scan runs on a schedule (main.ts: every WARNING_SCAN_SECONDS); a warning
// appears within one cycle of its fact and clears within one cycle of its fix.
export function registerWarningJobs(deps: Deps) {
  deps.jobs.register('warnings.scan', async () => scanWarnings(deps));
}
