// The member-development domain's only door (RULES §1).
export * from './development.policy';
export { loadCalendar, moveOpenFileOf } from './development.repo';
export { registerDevelopmentRoutes } from './development.routes';
export { registerDevelopmentJobs, refreshAllDeadlines, sendDeadlineReminders } from './development.jobs';
export { renderDevelopmentDocument, DOCUMENT_KINDS } from './development.documents';
// scoped reads others compose (the header's global search, the approver's queue 待我审批)
export { listCandidates } from './development.candidates';
export { listPendingApprovals } from './development.steps';
export { registerDevelopmentWorkbench } from './development.workbench';
export { developmentIndexCalculators } from './development.index';
export { developmentPointSource } from './development.points';
export { developmentWarningDetector } from './development.warnings';
export { developmentPipelineTile } from './development.dashboard';
export { developmentReportSubject } from './development.report.repo';
