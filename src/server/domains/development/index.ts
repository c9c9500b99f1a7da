// The member-development domain's only door (RULES §1).
export * from './development.policy';
export { loadCalendar } from './development.repo';
export { registerDevelopmentRoutes } from './development.routes';
export { registerDevelopmentJobs, refreshAllDeadlines, sendDeadlineReminders } from './development.jobs';
export { renderDevelopmentDocument, DOCUMENT_KINDS } from './development.documents';
// scoped searches others compose (the header's global search)
export { listCandidates } from './development.service';
export { registerDevelopmentWorkbench } from './development.workbench';
