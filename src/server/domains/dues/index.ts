// The dues domain's only door (RULES §2).
export * from './dues.policy';
export { registerDuesRoutes } from './dues.routes';
export { registerDuesJobs, generateCurrentMonth, sendArrearsReminders } from './dues.jobs';
export { generateBills, generateBillsParallel } from './dues.bills';
export { entryHash } from './dues.payments';
export { listPendingReductions } from './dues.reductions';
export { rebuildRollups } from './dues.repo';
export { handleNotification, reconcile, settlePendingOrders } from './dues.online';
export { verifyLedger, checkChain } from './dues.ledger';
export { registerDuesWorkbench } from './dues.workbench';
export { duesStanding } from './dues.standing';
export { duesPointSource } from './dues.points';
export { duesIndexCalculators } from './dues.index';
export { duesWarningDetector } from './dues.warnings';
export { duesTile } from './dues.dashboard';
export { duesReportSubject } from './dues.report.repo';
