// The warning centre (预警中心, issue 15).
export { registerWarningRoutes } from './warning.routes';
export { registerWarningJobs } from './warning.jobs';
export { registerWarningDetector, type DetectedWarning, type WarningDetector } from './warning.registry';
export { scanWarnings, warningProblems, warningTicker } from './warning.service';
export { registerWarningsWorkbench } from './warning.workbench';
