// The org domain's only door.
export { registerOrgRoutes } from './org.routes';
export { registerOrgJobs, sendTermReminders } from './org.jobs';
export { evaluateSetup, canBeChildOf, isBranchType, termYearsFor, type SetupRule, type SetupFacts } from './org.policy';
export { insertRootOrg, insertOrg, findOrgRefById, findOrgRefByCode } from './org.repo';
// scoped searches others compose (the header's global search)
export { findOrgsByName } from './org.service';
export { registerOrgWorkbench } from './org.workbench';
export { orgIndexCalculators, orgIndexFlags } from './org.index';
export { orgWarningDetector } from './org.warnings';
