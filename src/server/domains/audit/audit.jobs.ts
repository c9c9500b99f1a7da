import type { Deps } from '../../deps';
import { writeAuditCheckpoint } from '../../platform/audit';

// The signed checkpoint of the chain's head, written outside the database
// (AUDIT_ANCHOR_DIR) every AUDIT_CHECKPOINT_SECONDS and at a clean shutdown.

export const AUDIT_CHECKPOINT_SECONDS = 600;

export function registerAuditJobs(deps: Deps) {
  deps.jobs.register('audit.checkpoint', async () => {
    const cp = await writeAuditCheckpoint(deps.db, deps.config.auditAnchorDir);
    return cp ? { id: cp.id, at: cp.at } : { unchanged: true };
  });
}
