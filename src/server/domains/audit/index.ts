// The audit domain's only door (the chain itself lives in platform/audit).
export { registerAuditRoutes } from './audit.routes';
export { registerAuditJobs, AUDIT_CHECKPOINT_SECONDS } from './audit.jobs';
