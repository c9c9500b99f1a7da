import type { Deps } from '../../deps';
import { expireAndRemind } from './transfer.service';

// Once a day: letters past their validity expire (both sides told) and the
// receiving side is reminded before a letter runs out (reminder_log: once).

export function registerTransferJobs(deps: Deps) {
  deps.jobs.register('transfer.expiry', async (job) => expireAndRemind(deps, { requestId: `job:${job.jobId}`, ip: null, actor: null }));
}
