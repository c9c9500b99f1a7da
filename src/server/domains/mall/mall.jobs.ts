import type { Deps } from '../../deps';
import { expireOverdueRedemptions } from './mall.service';

// Daily: redemptions not picked up by their day are expired — the points go
// back to the member and the unit back into stock.
export function registerMallJobs(deps: Deps) {
  deps.jobs.register('mall.daily', async (job) => ({ expired: await expireOverdueRedemptions(deps, { requestId: `job:${job.jobId}`, ip: null, actor: null }) }));
}
