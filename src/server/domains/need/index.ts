// The needs domain's only door (群众需求 / 微心愿, issue 17).
export { registerNeedRoutes } from './need.routes';
export { registerNeedJobs } from './need.jobs';
export { escalateNeeds, verifyNeeds, rebuildNeedCounters, matchCandidates } from './need.service';
export { needWarningDetector } from './need.warnings';
