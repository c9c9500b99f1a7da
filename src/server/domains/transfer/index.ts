// The transfer domain's only door (组织关系转接, RULES §4).
export { registerTransferRoutes } from './transfer.routes';
export { registerTransferJobs } from './transfer.jobs';
export { expireAndRemind, letterCode, listPendingTransferApprovals } from './transfer.service';
export { listPendingLostContactDecisions } from './transfer.mobile';
export { scopeBetween } from './transfer.policy';
export { registerTransferWorkbench } from './transfer.workbench';
export { transferWarningDetector } from './transfer.warnings';
export { transferReportSubject } from './transfer.report.repo';
