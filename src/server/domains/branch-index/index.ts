// The branch vanguard index (先锋指数, issue 14).
export { registerBranchIndexRoutes } from './branch-index.routes';
export { registerBranchIndexJobs } from './branch-index.jobs';
export { registerIndexCalculator, registerIndexFlag, ratio, type IndexCalculator, type IndexFlag, type IndexOrg, type IndexWindow, type ItemFigure } from './branch-index.calculators';
export { recomputeIndex, recomputeAll, subIndexAverages, INDEX_ORG_TYPES } from './branch-index.service';
export { registerIndexWorkbench } from './branch-index.workbench';
export { indexWarningDetector } from './branch-index.warnings';
export { indexTile } from './branch-index.dashboard';
export { indexRollupDifferences, rebuildIndexRollup, type IndexRollupVerification } from './branch-index.rollup';
