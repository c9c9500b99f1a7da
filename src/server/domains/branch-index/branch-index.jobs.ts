import type { Deps } from '../../deps';
import { recomputeAll } from './branch-index.service';

// Daily, after the points job: the index of the running quarter and year (and
// of the quarter just ended, while late facts still arrive) from the rollups.
export function registerBranchIndexJobs(deps: Deps) {
  deps.jobs.register('index.recompute', async () => recomputeAll(deps));
}
